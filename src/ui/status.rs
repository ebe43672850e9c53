//! The bottom line: the open prompt, or what is going on — a load, a countdown, a download,
//! a message — or else what the selected link leads to (a form field named by its kind and
//! name). A pure function of the app's state, like the rest of the frame.

use super::app::{App, Mode, StatusLine};
use super::prompt::{FormFocus, Prompt};
use crate::document::columns;
use crate::document::forms::{self, FieldKind};
use crate::document::human_size;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// A piece of the prompt line and how it is drawn.
type Part = (String, Style);

pub(super) fn draw_status(app: &App, frame: &mut Frame, area: Rect) {
    let Mode::Prompt(prompt) = &app.mode else {
        let (text, style) = status_text(app);
        // A message cut at the edge says so.
        frame.render_widget(Paragraph::new(shorten_end(&text, area.width as usize)).style(style), area);
        return;
    };
    // The parts of the line, which of them holds the cursor and where in it.
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let (parts, cursor): (Vec<Part>, Option<(usize, usize)>) = match prompt {
        // A question's keys come last: a long one gives up the middle of what it is about.
        Prompt::Choice(choice) => {
            (vec![(shorten_middle(&clean(&choice.label()), area.width as usize), bold)], None)
        }
        Prompt::Text(text) => {
            let shown = if text.masked() {
                "*".repeat(text.editor.text.chars().count())
            } else {
                text.editor.text.clone()
            };
            (vec![(clean(&text.label()), bold), (clean(&shown), Style::new())], Some((1, text.editor.cursor)))
        }
        Prompt::Bookmark(form) => {
            let [label, title, folder_label, folder, hint] = form.parts();
            let focused = Style::new().add_modifier(Modifier::UNDERLINED);
            let (title_style, folder_style) = match form.focus {
                FormFocus::Title => (focused, Style::new()),
                FormFocus::Folder => (Style::new(), focused),
            };
            let cursor = match form.focus {
                FormFocus::Title => (1, form.title.cursor),
                FormFocus::Folder => (3, form.folder.cursor),
            };
            (
                vec![
                    (clean(&label), bold),
                    (clean(&title), title_style),
                    (clean(&folder_label), bold),
                    (clean(&folder), folder_style),
                    (clean(&hint), Style::new().add_modifier(Modifier::DIM)),
                ],
                Some(cursor),
            )
        }
    };
    // Keep the cursor on screen when the line is longer than the screen.
    let before_cursor = cursor.map_or(0, |(part, chars)| {
        parts[..part].iter().map(|(t, _)| columns(t)).sum::<usize>()
            + columns(&parts[part].0.chars().take(chars).collect::<String>())
    });
    let width = area.width as usize;
    let skip = (before_cursor + 1).saturating_sub(width);
    let mut spans = Vec::new();
    let mut to_skip = skip;
    for (text, style) in &parts {
        let w = columns(text);
        if to_skip >= w {
            to_skip -= w;
            continue;
        }
        spans.push(Span::styled(skip_width(text, to_skip), *style));
        to_skip = 0;
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if cursor.is_some() {
        let x = area.x + (before_cursor - skip).min(width.saturating_sub(1)) as u16;
        frame.set_cursor_position(Position { x, y: area.y });
    }
}

/// What the bottom line says in hint mode: what was typed, and what keys do.
fn hints_text(hints: &super::hints::Hints) -> String {
    if hints.filter.is_empty() && !hints.text_only {
        return "Type a label to follow it, or text to narrow the links (/: text); Esc: leave".into();
    }
    let slash = if hints.text_only { "/" } else { "" };
    let typed = format!("Links with: {slash}{}", clean(&hints.filter));
    match hints.matching() {
        0 => format!("{typed} — none on this screen (Backspace: undo, Esc: leave)"),
        1 => format!("{typed} — 1 link (Enter: follow it; Esc: leave)"),
        n if hints.unlabelled > 0 => {
            format!("{typed} — {n} links, {} labelled (Enter: the first)", n - hints.unlabelled)
        }
        n => format!("{typed} — {n} links (a label, or Enter: the first)"),
    }
}

/// What the bottom line says when no prompt is open.
pub fn status_text(app: &App) -> (String, Style) {
    if let Mode::Hints(hints) = &app.mode {
        return (hints_text(hints), Style::new().add_modifier(Modifier::BOLD));
    }
    let tab = app.tab();
    if let Some(p) = &tab.pending {
        if !p.asking {
            let size = match p.total {
                Some(total) => format!("{} of {}", human_size(p.bytes), human_size(total)),
                None => human_size(p.bytes),
            };
            return (
                format!(
                    "Loading {} … {size} (Esc cancels)",
                    crate::sanitize::display_url(&p.nav.request.url)
                ),
                Style::new().add_modifier(Modifier::BOLD),
            );
        }
    }
    if let Some(seconds) = tab.retry_countdown {
        let what = app.page().and_then(|p| p.info.status).map_or(String::new(), |s| format!("{s}: "));
        return (
            format!(
                "{what}the server asks to come back later — retrying in {seconds} s (Ctrl-R: now, Esc: stay)"
            ),
            Style::new().add_modifier(Modifier::BOLD),
        );
    }
    if let (Some(d), StatusLine::None) = (app.downloads.last(), &app.status) {
        return (download_gauge(d), Style::new().add_modifier(Modifier::BOLD));
    }
    match &app.status {
        StatusLine::Info(m) => return (clean(m), Style::new()),
        StatusLine::Error(m) => {
            let style = if app.settings.no_color {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new().fg(Color::LightRed).add_modifier(Modifier::BOLD)
            };
            return (clean(m), style);
        }
        StatusLine::None => {}
    }
    if let Some(text) = selected_link_text(app) {
        return (text, Style::new());
    }
    (
        "Arrows/Tab: links  Enter: follow  g: go to URL  /: search  ?: help  q: quit".to_string(),
        Style::new().add_modifier(Modifier::DIM),
    )
}

/// "[3] https://…", or for a form field "[3] text field 'q' (Enter edits it)".
fn selected_link_text(app: &App) -> Option<String> {
    let page = app.page()?;
    let index = page.selected?;
    let link = page.rendered.links.get(index)?;
    let n = index + 1;
    if let Some(field) = forms::field_of_href(&link.href).and_then(|f| page.doc.forms.fields.get(f)) {
        let name = if field.name.is_empty() { String::new() } else { format!(" '{}'", clean(&field.name)) };
        let (kind, what) = match &field.kind {
            FieldKind::Text => ("text field", "Enter edits it"),
            FieldKind::Password => ("password field", "Enter edits it"),
            FieldKind::File => ("file name field", "Enter edits it"),
            FieldKind::Textarea => ("text area", "Enter edits it in your editor"),
            FieldKind::Checkbox => ("checkbox", "Enter checks or clears it"),
            FieldKind::Radio => ("radio button", "Enter chooses it"),
            FieldKind::Select { multiple: false, .. } => ("list", "Enter opens it"),
            FieldKind::Select { multiple: true, .. } => ("list of choices", "Enter opens it"),
            FieldKind::Submit => ("submit button", "Enter sends the form"),
            FieldKind::Reset => ("reset button", "Enter clears the form"),
            FieldKind::Button => ("button", "it does nothing here"),
            FieldKind::Hidden => ("hidden field", "it cannot be changed"),
        };
        let state = if field.disabled { ", disabled" } else { "" };
        let to = match (&field.kind, field.form.and_then(|f| page.doc.forms.forms.get(f))) {
            (FieldKind::Submit, Some(form)) => format!(" to {}", crate::sanitize::display_url(&form.action)),
            _ => String::new(),
        };
        return Some(format!("[{n}] {kind}{name}{state} ({what}{to})"));
    }
    let target = link.target.as_ref().map_or_else(|| clean(&link.href), crate::sanitize::display_url);
    Some(format!("[{n}] {target}"))
}

/// "Downloading x.zip: 1.2 MB of 5.0 MB, 800.0 KB/s, 5 s left (Esc cancels)".
fn download_gauge(d: &crate::ui::files::DownloadState) -> String {
    let seconds = d.elapsed.as_secs_f64();
    let rate = if seconds > 0.0 { (d.bytes as f64 / seconds) as u64 } else { 0 };
    let amount = match d.total {
        Some(total) => format!("{} of {}", human_size(d.bytes), human_size(total)),
        None => human_size(d.bytes),
    };
    let left = match (d.total, rate) {
        (Some(total), r) if r > 0 && total > d.bytes => format!(", {} s left", (total - d.bytes) / r),
        _ => String::new(),
    };
    format!("Downloading {}: {amount}, {}/s{left} (Esc cancels)", clean(&d.name), human_size(rate))
}

/// Text from outside (titles, messages) with control characters made harmless.
pub fn clean(s: &str) -> String {
    crate::sanitize::line(s).into_owned()
}

/// `s` in `width` columns at most, its middle given up for "…": the start of an address (its
/// site) and its end (the page) stay.
pub(super) fn shorten_middle(s: &str, width: usize) -> String {
    if columns(s) <= width {
        return s.to_string();
    }
    if width < 2 {
        return truncate(s, width);
    }
    let head_width = (width - 1) / 2;
    let head = truncate(s, head_width);
    let tail_width = width - 1 - columns(&head);
    let chars: Vec<char> = s.chars().collect();
    let mut tail = String::new();
    let mut used = 0;
    for c in chars.iter().rev() {
        let w = unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
        if used + w > tail_width {
            break;
        }
        used += w;
        tail.insert(0, *c);
    }
    format!("{head}…{tail}")
}

/// `s` in `width` columns at most, ending in "…" when it was cut.
pub(super) fn shorten_end(s: &str, width: usize) -> String {
    if crate::document::columns(s) <= width {
        return s.to_string();
    }
    format!("{}…", truncate(s, width.saturating_sub(1)))
}

/// The start of `s` that fits in `width` columns.
pub(super) fn truncate(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

fn skip_width(s: &str, skip: usize) -> String {
    let mut used = 0;
    s.chars()
        .skip_while(|c| {
            let keep_skipping = used < skip;
            used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            keep_skipping
        })
        .collect()
}
