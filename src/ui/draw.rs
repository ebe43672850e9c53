//! Drawing a frame: a pure function of the app's state. It only slices the lines already laid
//! out for this width, so a frame costs what the screen holds, not what the page holds.

use super::app::{App, StatusLine};
use crate::document::{Span as DocSpan, SpanStyle};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

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
    let title = if page.doc.title.is_empty() { page.address.to_string() } else { clean(&page.doc.title) };
    let address = page.address.to_string();
    let room = (area.width as usize).saturating_sub(position.width() + 1);
    let mut left = format!(" {title}");
    if page.info.partial {
        // 203: the marker goes first so that truncation never hides it.
        left = format!(" [partial information]{left}");
    }
    if left.width() + 3 + address.width() <= room {
        left = format!("{left} — {address}");
    }
    let left = truncate(&left, room);
    let pad = (area.width as usize).saturating_sub(left.width() + position.width());
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
    let matches = app.search.as_ref();
    let lines: Vec<Line> = (start..end)
        .map(|i| {
            let hits: Vec<(usize, usize, bool)> = matches
                .map(|s| {
                    s.matches
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| m.0 == i)
                        .map(|(k, m)| (m.1, m.2, s.current == Some(k)))
                        .collect()
                })
                .unwrap_or_default();
            styled_line(app, &page.rendered.lines[i].spans, page.selected, &hits)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// One document line as ratatui spans, with the selected link and search hits marked.
fn styled_line<'a>(
    app: &App,
    spans: &'a [DocSpan],
    selected: Option<usize>,
    hits: &[(usize, usize, bool)],
) -> Line<'a> {
    let mut out = Vec::with_capacity(spans.len());
    let mut offset = 0usize; // in chars from the start of the line
    for span in spans {
        let base = span_style(app, &span.style, span.style.link.is_some() && span.style.link == selected);
        let len = span.text.chars().count();
        if hits.iter().all(|h| h.1 <= offset || h.0 >= offset + len) {
            out.push(Span::styled(span.text.as_str(), base));
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
        let label = prompt.label();
        let masked: String;
        let text = if prompt.masked() {
            masked = "*".repeat(prompt.editor.text.chars().count());
            &masked
        } else {
            &prompt.editor.text
        };
        // Keep the cursor on screen when the text is longer than the line.
        let before: String = text.chars().take(prompt.editor.cursor).collect();
        let room = (area.width as usize).saturating_sub(label.width() + 1);
        let skip = before.width().saturating_sub(room);
        let visible: String = skip_width(text, skip);
        let label_width = label.width();
        let line = Line::from(vec![
            Span::styled(label.as_str(), Style::new().add_modifier(Modifier::BOLD)),
            Span::raw(visible),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        let x = area.x + (label_width + before.width() - skip).min(area.width as usize - 1) as u16;
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
            format!("Loading {} … {size} (Esc cancels)", p.nav.request.url),
            Style::new().add_modifier(Modifier::BOLD),
        );
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
        let target = link.target.as_ref().map_or_else(|| clean(&link.href), |u| u.to_string());
        return (format!("[{n}] {target}"), Style::new());
    }
    (
        "Arrows/Tab: links  Enter: follow  g: go to URL  /: search  ?: help  q: quit".to_string(),
        Style::new().add_modifier(Modifier::DIM),
    )
}

pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Text from outside (titles, messages) with control characters made harmless.
pub fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
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
