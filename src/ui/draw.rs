//! Drawing a frame: a pure function of the app's state. It only slices the lines already laid
//! out for this width, so a frame costs what the screen holds, not what the page holds.

use super::app::{App, Page, StatusLine};
use super::forms::SelectList;
use crate::document::columns;
use crate::document::forms;
pub use crate::document::human_size;
use crate::document::{Span as DocSpan, SpanStyle};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.height == 0 || area.width == 0 {
        return;
    }
    let top = Rect { height: 1, ..area };
    let status = Rect { y: area.y + area.height.saturating_sub(1), height: 1, ..area };
    let body = Rect { y: area.y + 1, height: area.height.saturating_sub(2), ..area };
    draw_top_bar(app, frame, top);
    if body.height > 0 {
        draw_body(app, frame, body);
    }
    if area.height > 1 {
        draw_status(app, frame, status);
    }
}

fn bar_style(app: &App) -> Style {
    if app.no_color {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new().fg(Color::Black).bg(Color::Cyan)
    }
}

fn draw_top_bar(app: &App, frame: &mut Frame, area: Rect) {
    let Some(page) = app.page() else {
        frame.render_widget(Paragraph::new(" margay").style(bar_style(app)), area);
        return;
    };
    let total_pages = page.rendered.lines.len().div_ceil(app.body_height()).max(1);
    let this_page = (page.scroll / app.body_height() + 1).min(total_pages);
    let position = format!(" (p{this_page} of {total_pages}) ");
    let address = crate::sanitize::display_url(&page.address);
    let title = if page.doc.title.is_empty() { address.clone() } else { clean(&page.doc.title) };
    let room = (area.width as usize).saturating_sub(columns(&position) + 1);
    let mut left = format!(" {title}");
    if page.info.partial {
        // 203: the marker goes first so that truncation never hides it.
        left = format!(" [partial information]{left}");
    }
    if columns(&left) + 3 + columns(&address) <= room {
        left = format!("{left} — {address}");
    }
    let left = truncate(&left, room);
    let pad = (area.width as usize).saturating_sub(columns(&left) + columns(&position));
    let line = Line::from(vec![
        Span::styled(left, bar_style(app).add_modifier(Modifier::BOLD)),
        Span::styled(" ".repeat(pad), bar_style(app)),
        Span::styled(position, bar_style(app)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_body(app: &App, frame: &mut Frame, area: Rect) {
    let Some(page) = app.page() else { return };
    let start = page.scroll.min(page.rendered.lines.len());
    let end = (start + area.height as usize).min(page.rendered.lines.len());
    let matches = app.search.as_ref().map_or(&[][..], |s| s.matches.as_slice());
    // Matches are in line order: the visible ones are found by bisection, so a frame costs
    // what the screen shows, however many matches the page has.
    let first_match = matches.partition_point(|m| m.0 < start);
    let mut cursor = None;
    let lines: Vec<Line> = (start..end)
        .map(|i| {
            let hits: Vec<(usize, usize, bool)> = matches[first_match..]
                .iter()
                .enumerate()
                .take_while(|(_, m)| m.0 <= i)
                .filter(|(_, m)| m.0 == i)
                .map(|(k, m)| {
                    (m.1, m.2, app.search.as_ref().is_some_and(|s| s.current == Some(first_match + k)))
                })
                .collect();
            let spans = with_field_values(app, page, &page.rendered.lines[i].spans);
            if let Some(x) = spans.1 {
                cursor = Some(Position {
                    x: area.x + x.min(area.width.saturating_sub(1) as usize) as u16,
                    y: area.y + (i - start) as u16,
                });
            }
            styled_line(app, &spans.0, page.selected, &hits)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
    if let Some(position) = cursor {
        frame.set_cursor_position(position);
    }
    if let Some(list) = &app.choosing {
        draw_select_list(app, page, list, frame, area);
    }
}

/// The line's spans with each form field showing its current value (or the text being
/// edited), and the column of the editing cursor when it is on this line.
fn with_field_values<'a>(
    app: &App,
    page: &Page,
    spans: &'a [DocSpan],
) -> (std::borrow::Cow<'a, [DocSpan]>, Option<usize>) {
    let field_of = |span: &DocSpan| {
        let link = span.style.link?;
        let field = forms::field_of_href(&page.rendered.links.get(link)?.href)?;
        let marker = format!("[{}]", link + 1);
        span.text.starts_with(&marker).then_some((field, marker))
    };
    if !spans.iter().any(|s| field_of(s).is_some()) {
        return (std::borrow::Cow::Borrowed(spans), None);
    }
    let mut out = Vec::with_capacity(spans.len());
    let mut x = 0usize;
    let mut cursor = None;
    for span in spans {
        let mut span = span.clone();
        if let Some((index, marker)) = field_of(&span) {
            if let (Some(field), Some(value)) =
                (page.doc.forms.fields.get(index), page.form_values.get(index))
            {
                let shown = match app.editing.as_ref().filter(|e| e.field == index) {
                    Some(edit) => {
                        // Show the part of the text around the cursor that fits the field.
                        let chars: Vec<char> = edit.editor.text.chars().collect();
                        let first = (edit.editor.cursor + 1).saturating_sub(field.width);
                        let visible: String = chars.iter().skip(first).take(field.width).collect();
                        cursor = Some(x + columns(&marker) + (edit.editor.cursor - first));
                        let masked = if field.kind == forms::FieldKind::Password {
                            "*".repeat(visible.chars().count())
                        } else {
                            visible
                        };
                        let pad = field.width.saturating_sub(masked.chars().count());
                        format!("{masked}{}", "_".repeat(pad))
                    }
                    None => forms::display(field, value),
                };
                span.text = format!("{marker}{shown}");
            }
        }
        x += columns(&span.text);
        out.push(span);
    }
    (std::borrow::Cow::Owned(out), cursor)
}

/// An open select field: its options in a box under the field.
fn draw_select_list(app: &App, page: &Page, list: &SelectList, frame: &mut Frame, area: Rect) {
    let Some(field) = page.doc.forms.fields.get(list.field) else { return };
    let forms::FieldKind::Select { options, multiple } = &field.kind else { return };
    let selected = match page.form_values.get(list.field) {
        Some(forms::FieldValue::Selected(s)) => s.as_slice(),
        _ => &[],
    };
    let items: Vec<Line> = options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mark = match (multiple, selected.contains(&i)) {
                (true, true) => "[X] ",
                (true, false) => "[ ] ",
                (false, true) => "* ",
                (false, false) => "  ",
            };
            let style =
                if i == list.cursor { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
            Line::styled(format!("{mark}{}", clean(&o.label)), style)
        })
        .collect();
    let width = items.iter().map(|l| l.width()).max().unwrap_or(1).min(area.width.saturating_sub(2) as usize)
        as u16
        + 2;
    let height = (items.len() as u16 + 2).min(area.height);
    let inner = height.saturating_sub(2) as usize;
    let skip = list.cursor.saturating_sub(inner.saturating_sub(1));
    let link_line =
        page.rendered.links.iter().position(|l| forms::field_of_href(&l.href) == Some(list.field));
    let below = link_line.map_or(0, |i| page.rendered.links[i].line.saturating_sub(page.scroll) + 1) as u16;
    let y = if below + height <= area.height { area.y + below } else { area.y + area.height - height };
    let rect = Rect { x: area.x + 2.min(area.width), y, width: width.min(area.width), height };
    frame.render_widget(Clear, rect);
    let style = if app.no_color { Style::new() } else { Style::new().fg(Color::White).bg(Color::Blue) };
    let block = Block::bordered().style(style);
    frame.render_widget(Paragraph::new(items.into_iter().skip(skip).collect::<Vec<_>>()).block(block), rect);
}

/// One document line as ratatui spans, with the selected link and search hits marked.
fn styled_line(
    app: &App,
    spans: &[DocSpan],
    selected: Option<usize>,
    hits: &[(usize, usize, bool)],
) -> Line<'static> {
    let mut out = Vec::with_capacity(spans.len());
    let mut offset = 0usize; // in chars from the start of the line
    for span in spans {
        let base = span_style(app, &span.style, span.style.link.is_some() && span.style.link == selected);
        let len = span.text.chars().count();
        if hits.iter().all(|h| h.1 <= offset || h.0 >= offset + len) {
            out.push(Span::styled(span.text.clone(), base));
        } else {
            // Split the span where search hits start and end.
            let chars: Vec<char> = span.text.chars().collect();
            let mut i = 0;
            while i < len {
                let at = offset + i;
                let hit = hits.iter().find(|h| h.0 <= at && at < h.1);
                let run_end = match hit {
                    Some(h) => h.1 - offset,
                    None => hits.iter().filter(|h| h.0 > at).map(|h| h.0 - offset).min().unwrap_or(len),
                }
                .min(len);
                let text: String = chars[i..run_end].iter().collect();
                let style = match hit {
                    Some(h) => base.patch(match_style(app, h.2)),
                    None => base,
                };
                out.push(Span::styled(text, style));
                i = run_end;
            }
        }
        offset += len;
    }
    Line::from(out)
}

fn match_style(app: &App, current: bool) -> Style {
    match (app.no_color, current) {
        (true, true) => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED),
        (true, false) => Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        (false, true) => Style::new().fg(Color::Black).bg(Color::LightRed),
        (false, false) => Style::new().fg(Color::Black).bg(Color::Yellow),
    }
}

fn span_style(app: &App, s: &SpanStyle, selected: bool) -> Style {
    let mut style = Style::new();
    let mut mods = Modifier::empty();
    if s.bold || s.heading {
        mods |= Modifier::BOLD;
    }
    if s.italic {
        mods |= Modifier::ITALIC;
    }
    if s.strike {
        mods |= Modifier::CROSSED_OUT;
    }
    if !app.no_color {
        if s.heading {
            style = style.fg(Color::Yellow);
        } else if s.code || s.pre {
            style = style.fg(Color::Green);
        } else if s.image {
            style = style.fg(Color::Magenta);
        }
        if s.link.is_some() {
            style = style.fg(Color::Cyan);
        }
        // The page's colours, when asked for, over margay's.
        if app.page_colours {
            if let Some([r, g, b]) = s.fg {
                style = style.fg(Color::Rgb(r, g, b));
            }
            if let Some([r, g, b]) = s.bg {
                style = style.bg(Color::Rgb(r, g, b));
            }
        }
    } else if s.link.is_some() {
        mods |= Modifier::UNDERLINED;
    }
    if selected {
        mods |= Modifier::REVERSED;
    }
    style.add_modifier(mods)
}

fn draw_status(app: &App, frame: &mut Frame, area: Rect) {
    if let Some(prompt) = &app.prompt {
        let label = clean(&prompt.label());
        let masked: String;
        let text = if prompt.masked() {
            masked = "*".repeat(prompt.editor.text.chars().count());
            &masked
        } else {
            &prompt.editor.text
        };
        // Keep the cursor on screen when the text is longer than the line.
        let before: String = text.chars().take(prompt.editor.cursor).collect();
        let room = (area.width as usize).saturating_sub(columns(&label) + 1);
        let skip = columns(&before).saturating_sub(room);
        let visible: String = skip_width(text, skip);
        let label_width = columns(&label);
        let line = Line::from(vec![
            Span::styled(label.as_str(), Style::new().add_modifier(Modifier::BOLD)),
            Span::raw(visible),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        let x = area.x + (label_width + columns(&before) - skip).min(area.width as usize - 1) as u16;
        frame.set_cursor_position(Position { x, y: area.y });
        return;
    }
    let (text, style) = status_text(app);
    frame.render_widget(Paragraph::new(truncate(&text, area.width as usize)).style(style), area);
}

/// What the bottom line says when no prompt is open.
pub fn status_text(app: &App) -> (String, Style) {
    if let Some(p) = &app.pending {
        let size = match p.total {
            Some(total) => format!("{} of {}", human_size(p.bytes), human_size(total)),
            None => human_size(p.bytes),
        };
        return (
            format!("Loading {} … {size} (Esc cancels)", crate::sanitize::display_url(&p.nav.request.url)),
            Style::new().add_modifier(Modifier::BOLD),
        );
    }
    if let Some(seconds) = app.retry_countdown {
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
            let style = if app.no_color {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new().fg(Color::LightRed).add_modifier(Modifier::BOLD)
            };
            return (clean(m), style);
        }
        StatusLine::None => {}
    }
    if let Some((n, link)) =
        app.page().and_then(|p| p.selected.and_then(|s| p.rendered.links.get(s).map(|l| (s + 1, l))))
    {
        let target = link.target.as_ref().map_or_else(|| clean(&link.href), crate::sanitize::display_url);
        return (format!("[{n}] {target}"), Style::new());
    }
    (
        "Arrows/Tab: links  Enter: follow  g: go to URL  /: search  ?: help  q: quit".to_string(),
        Style::new().add_modifier(Modifier::DIM),
    )
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

fn truncate(s: &str, width: usize) -> String {
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
