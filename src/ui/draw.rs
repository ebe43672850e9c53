//! Drawing a frame: a pure function of the app's state. It only slices the lines already laid
//! out for this width, so a frame costs what the screen holds, not what the page holds.

use super::app::{App, Mode};
use super::forms::SelectList;
use super::status::{clean, draw_status, shorten_end, shorten_middle, truncate};
use super::tab::{Page, Tab};
use crate::document::columns;
use crate::document::forms;
pub use crate::document::human_size;
use crate::document::{Span as DocSpan, SpanStyle};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub use super::status::status_text;

pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.height == 0 || area.width == 0 {
        return;
    }
    let tab_rows = u16::from(app.shows_tab_bar() && area.height > 3);
    if tab_rows == 1 {
        draw_tab_bar(app, frame, Rect { height: 1, ..area });
    }
    let top = Rect { y: area.y + tab_rows, height: 1, ..area };
    let status = Rect { y: area.y + area.height.saturating_sub(1), height: 1, ..area };
    let body = Rect { y: area.y + tab_rows + 1, height: area.height.saturating_sub(2 + tab_rows), ..area };
    draw_top_bar(app, frame, top);
    if body.height > 0 {
        draw_body(app, frame, body);
    }
    if area.height > 1 {
        draw_status(app, frame, status);
    }
}

/// The narrowest a tab's cell gets: its number and a few letters of its title. With more
/// tabs than cells this wide fit, the bar shows a window of them around the tab shown.
const MIN_TAB_CELL: usize = 12;

/// Room for the counts of tabs left out on either side (`‹+123 `, `+123›`).
const TAB_COUNTS: usize = 12;

/// Which tabs the bar shows, and how wide each cell is (its separator included).
#[derive(Debug, PartialEq, Eq)]
struct TabWindow {
    first: usize,
    shown: usize,
    cell: usize,
}

/// All `n` tabs when they fit at least [`MIN_TAB_CELL`] columns each, else as many as fit,
/// the `active` one among them (near the middle, as far as the ends allow).
fn tab_window(n: usize, active: usize, width: usize) -> TabWindow {
    let n = n.max(1);
    if width / n >= MIN_TAB_CELL {
        return TabWindow { first: 0, shown: n, cell: width / n };
    }
    let room = width.saturating_sub(TAB_COUNTS);
    let shown = (room / (MIN_TAB_CELL + 1)).clamp(1, n);
    let first = active.saturating_sub(shown / 2).min(n - shown);
    TabWindow { first, shown, cell: (room / shown).max(4) }
}

/// One line, one cell a tab: its number and title, what its load has received so far, `?`
/// when it waits for an answer; the tab shown stands out. Tabs that do not fit are counted
/// at the ends.
fn draw_tab_bar(app: &App, frame: &mut Frame, area: Rect) {
    let n = app.tabs().len();
    let window = tab_window(n, app.active_tab(), area.width as usize);
    let room = window.cell;
    let counts_style = if app.settings().no_color { Style::new() } else { Style::new().fg(Color::DarkGray) };
    let mut spans = Vec::with_capacity(2 * window.shown + 2);
    if window.first > 0 {
        spans.push(Span::styled(format!("‹+{} ", window.first), counts_style));
    }
    let shown = app.tabs().iter().enumerate().skip(window.first).take(window.shown);
    for (i, tab) in shown {
        let label = shorten_end(&format!(" {}:{} ", i + 1, tab_label(tab)), room.saturating_sub(1));
        let style = if i == app.active_tab() {
            bar_style(app).add_modifier(Modifier::BOLD)
        } else if app.settings().no_color {
            Style::new()
        } else {
            Style::new().fg(Color::Black).bg(Color::Gray)
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let after = n - window.first - window.shown;
    if after > 0 {
        spans.push(Span::styled(format!("+{after}›"), counts_style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// What a tab's cell says: its progress while it loads, then its title.
fn tab_label(tab: &Tab) -> String {
    let waiting = if tab.has_question() { "? " } else { "" };
    let progress = match tab.pending() {
        Some(p) if !p.asking => match p.total {
            Some(total) if total > 0 => format!("{}% ", (p.bytes.min(total) * 100 / total)),
            _ => format!("{} ", human_size(p.bytes)),
        },
        Some(_) | None => String::new(),
    };
    let loading = if progress.is_empty() { "" } else { "⟳ " };
    format!("{waiting}{loading}{progress}{}", clean(&tab.title()))
}

fn bar_style(app: &App) -> Style {
    if app.settings.no_color {
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
    let height = app.body_height();
    let total_pages = page.rendered.lines.len().div_ceil(height).max(1);
    // The last screen is the last page, even when it starts less than a screen below the one
    // before (End shows "(p3 of 3)", not "(p2 of 3)").
    let this_page = if app.tab().at_end(app.screen()) {
        total_pages
    } else {
        (page.scroll / height + 1).min(total_pages)
    };
    let position = format!(" (p{this_page} of {total_pages}) ");
    let address = crate::sanitize::display_url(&page.address);
    let room = (area.width as usize).saturating_sub(columns(&position) + 1);
    let mut title = if page.doc.title.is_empty() { String::new() } else { clean(&page.doc.title) };
    if page.info.partial {
        // 203: the marker goes first so that shortening never hides it.
        title = format!("[partial information] {title}");
    }
    let left = if title.is_empty() {
        format!(" {}", shorten_middle(&address, room.saturating_sub(1)))
    } else {
        // The title and the address both stay: a long address is shortened in its middle,
        // and a long title gives up room until the address has a fair part of the line.
        let title_width = columns(&title);
        let fair = (room / 2).min(columns(&address)).max(12);
        let address_room = room.saturating_sub(title_width + 4).max(fair.min(room.saturating_sub(8)));
        let address = shorten_middle(&address, address_room);
        let title_room = room.saturating_sub(columns(&address) + 4);
        let title = if title_width > title_room { shorten_end(&title, title_room) } else { title };
        format!(" {title} — {address}")
    };
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
    let search = app.tab().search();
    let matches = search.map_or(&[][..], |s| s.matches.as_slice());
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
                .map(|(k, m)| (m.1, m.2, search.is_some_and(|s| s.current == Some(first_match + k))))
                .collect();
            let spans = with_field_values(app, page, &page.rendered.lines[i].spans);
            if let Some(x) = spans.1 {
                cursor = Some(Position {
                    x: area.x + x.min(area.width.saturating_sub(1) as usize) as u16,
                    y: area.y + (i - start) as u16,
                });
            }
            styled_line(app, page, &spans.0, &hits)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
    if let Some(position) = cursor {
        frame.set_cursor_position(position);
    }
    if let Mode::ChooseOption(list) = &app.mode {
        draw_select_list(app, page, list, frame, area);
    }
    if let Mode::Hints(hints) = &app.mode {
        draw_hints(app, page, hints, frame, area);
    }
}

/// Each link's label over the link's number (moved left when it would pass the edge), the
/// letters already typed dimmed.
fn draw_hints(app: &App, page: &Page, hints: &super::hints::Hints, frame: &mut Frame, area: Rect) {
    if !hints.fits(page) {
        return;
    }
    let style = if app.settings.no_color {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    } else {
        Style::new().fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD)
    };
    let typed_style = style.add_modifier(Modifier::DIM);
    for (target, label) in hints.shown() {
        if target.row >= area.height as usize {
            continue;
        }
        // As wide as the link's number, so that none of the number shows beside it.
        let letters = label.chars().count();
        let width = letters.max(target.number_width) as u16;
        let x = (target.column as u16).min(area.width.saturating_sub(width));
        let (typed, rest) = label.split_at(hints.typed.len().min(label.len()));
        let line = Line::from(vec![
            Span::styled(typed.to_string(), typed_style),
            Span::styled(rest.to_string(), style),
            Span::styled(" ".repeat(usize::from(width) - letters), style),
        ]);
        let rect =
            Rect { x: area.x + x, y: area.y + target.row as u16, width: width.min(area.width), height: 1 };
        frame.render_widget(Paragraph::new(line), rect);
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
        let link = span.style.link_index()?;
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
                let editing = match &app.mode {
                    Mode::EditField(edit) if edit.field == index => Some(edit),
                    _ => None,
                };
                let shown = match editing {
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
                span.text = format!("{marker}{shown}").into();
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
    let style =
        if app.settings.no_color { Style::new() } else { Style::new().fg(Color::White).bg(Color::Blue) };
    let block = Block::bordered().style(style);
    frame.render_widget(Paragraph::new(items.into_iter().skip(skip).collect::<Vec<_>>()).block(block), rect);
}

/// How a span of a link is drawn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LinkState {
    NotALink,
    Unvisited,
    Visited,
}

/// One document line as ratatui spans, with the selected link, visited links and search hits
/// marked.
fn styled_line(app: &App, page: &Page, spans: &[DocSpan], hits: &[(usize, usize, bool)]) -> Line<'static> {
    let mut out = Vec::with_capacity(spans.len());
    let mut offset = 0usize; // in chars from the start of the line
    for span in spans {
        let link = span.style.link_index().map_or(LinkState::NotALink, |i| {
            let target = page.rendered.links.get(i).and_then(|l| l.target.as_ref());
            match target {
                Some(url) if app.visited.contains(url) => LinkState::Visited,
                _ => LinkState::Unvisited,
            }
        });
        let selected = span.style.link_index().is_some() && span.style.link_index() == page.selected;
        let base = span_style(app, &span.style, link, selected);
        let len = span.text.chars().count();
        if hits.iter().all(|h| h.1 <= offset || h.0 >= offset + len) {
            out.push(Span::styled(span.text.to_string(), base));
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

/// Without colours a match is underlined and never reversed, so that it still shows inside
/// the selected link (reversed), where a search leaves the selection.
fn match_style(app: &App, current: bool) -> Style {
    match (app.settings.no_color, current) {
        (true, true) => Style::new()
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED | Modifier::ITALIC)
            .remove_modifier(Modifier::REVERSED),
        (true, false) => Style::new()
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            .remove_modifier(Modifier::REVERSED),
        (false, true) => Style::new().fg(Color::Black).bg(Color::LightRed),
        (false, false) => Style::new().fg(Color::Black).bg(Color::Yellow),
    }
}

fn span_style(app: &App, s: &SpanStyle, link: LinkState, selected: bool) -> Style {
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
    if !app.settings.no_color {
        if s.heading {
            style = style.fg(Color::Yellow);
        } else if s.code || s.pre {
            style = style.fg(Color::Green);
        } else if s.image {
            style = style.fg(Color::Magenta);
        }
        match link {
            LinkState::Unvisited => style = style.fg(Color::Cyan),
            LinkState::Visited => style = style.fg(Color::LightBlue),
            LinkState::NotALink => {}
        }
        // The page's colours, when asked for, over margay's.
        if app.settings.page_colours {
            if let Some([r, g, b]) = s.fg {
                style = style.fg(Color::Rgb(r, g, b));
            }
            if let Some([r, g, b]) = s.bg {
                style = style.bg(Color::Rgb(r, g, b));
            }
        }
    } else {
        match link {
            LinkState::Unvisited => mods |= Modifier::UNDERLINED,
            LinkState::Visited => mods |= Modifier::UNDERLINED | Modifier::DIM,
            LinkState::NotALink => {}
        }
    }
    if selected {
        mods |= Modifier::REVERSED;
    }
    style.add_modifier(mods)
}
