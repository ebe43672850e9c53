//! A laid-out page as plain text: its lines, headings underlined (text has no bold), then
//! its links as a numbered References list — what `--dump` prints and what saving a page as
//! `.txt` writes. Pure: it only reads a layout, and never lets a control character through.

use super::{Line, Rendered};
use crate::sanitize;
use std::io::Write;

/// The text of a dump: the page's lines, then its links as a numbered References list.
pub fn format_rendered(rendered: &Rendered) -> String {
    let mut out = String::new();
    let written: std::io::Result<()> = emit_rendered(rendered, |piece| {
        out.push_str(piece);
        Ok(())
    });
    debug_assert!(written.is_ok(), "pushing to a String cannot fail");
    out
}

/// [`format_rendered`], written to `out` piece by piece (a large page is never one string).
pub fn write_rendered(out: &mut dyn Write, rendered: &Rendered) -> std::io::Result<()> {
    emit_rendered(rendered, |piece| out.write_all(piece.as_bytes()))
}

fn emit_rendered(
    rendered: &Rendered,
    mut put: impl FnMut(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // Laid-out text has no control characters; `sanitize::text` only makes sure of it.
    let mut line_text = String::new();
    // The widest line of the heading being printed, and its level.
    let mut heading: Option<(usize, u8)> = None;
    let mut level = rendered.lines.first().and_then(heading_level);
    for (i, line) in rendered.lines.iter().enumerate() {
        line_text.clear();
        for span in &line.spans {
            line_text.push_str(&span.text);
        }
        let text = line_text.trim_end();
        put(&sanitize::text(text))?;
        put("\n")?;
        if let Some(level) = level {
            let (width, _) = heading.get_or_insert((0, level));
            *width = (*width).max(super::columns(text));
        }
        let next = rendered.lines.get(i + 1).and_then(heading_level);
        level = next;
        if let Some((width, level)) = heading.filter(|&(_, level)| next != Some(level)) {
            put(&underline(width, level))?;
            put("\n")?;
            heading = None;
        }
    }
    if !rendered.links.is_empty() {
        put("\nReferences\n\n")?;
        let digits = rendered.links.len().to_string().len().max(3);
        // Tens of thousands of links on a long page: each is written from where it is, not
        // copied into a string of its own first.
        let mut number = String::new();
        for (i, link) in rendered.links.iter().enumerate() {
            number.clear();
            let _ = std::fmt::Write::write_fmt(&mut number, format_args!("{:>digits$}. ", i + 1));
            put(&number)?;
            // A password in an address is masked, as `-v` and the screen do.
            let target = match &link.target {
                Some(url) if url.password().is_none() => std::borrow::Cow::Borrowed(url.as_str()),
                Some(url) => std::borrow::Cow::Owned(sanitize::display_url(url)),
                None => std::borrow::Cow::Owned(link.href.escape_default().to_string()),
            };
            put(&sanitize::text(&target))?;
            put("\n")?;
        }
    }
    Ok(())
}

/// The level of the heading `line` is all of (not a heading in a table, nor a blank line).
fn heading_level(line: &Line) -> Option<u8> {
    // Most lines are not: their first span says so.
    if !line.spans.first()?.style.heading {
        return None;
    }
    let mut text = line.spans.iter().filter(|s| !s.text.trim().is_empty()).peekable();
    let level = text.peek()?.style.heading_level;
    let whole = text.all(|s| s.style.heading && s.style.heading_level == level && !s.text.contains('│'));
    (whole && level > 0).then_some(level)
}

/// What goes under a heading in a dump, where text has no bold: a line as wide as the
/// heading, doubled for the first level, dotted below the second.
fn underline(width: usize, level: u8) -> String {
    let rule = match level {
        1 => "═",
        2 => "─",
        _ => "┄",
    };
    rule.repeat(width)
}
