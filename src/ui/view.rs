//! Moving around a page: scrolling, link selection, search, the mouse, and re-wrapping when
//! the terminal's width changes (once per width, never per frame).

use super::app::{Anchor, App, Effect, Search, StatusLine};
use crate::document::Rendered;
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

/// How many history entries on each side of the current one keep their layout.
const KEPT_LAYOUTS: usize = 3;

/// Lines scrolled by one turn of the mouse wheel.
const WHEEL_STEP: isize = 3;

impl App {
    fn max_scroll(&self) -> usize {
        self.page().map_or(0, |p| p.rendered.lines.len().saturating_sub(self.body_height()))
    }

    pub(super) fn clamp_scroll(&mut self) {
        let max = self.max_scroll();
        if let Some(p) = self.history.current_mut() {
            p.scroll = p.scroll.min(max);
        }
    }

    pub(super) fn scroll_to(&mut self, line: usize) {
        let max = self.max_scroll();
        if let Some(p) = self.history.current_mut() {
            p.scroll = line.min(max);
        }
        self.keep_selection_visible();
    }

    pub(super) fn scroll_by(&mut self, delta: isize) {
        let Some(scroll) = self.page().map(|p| p.scroll) else { return };
        self.scroll_to(scroll.saturating_add_signed(delta));
    }

    fn visible(&self, line: usize) -> bool {
        self.page().is_some_and(|p| line >= p.scroll && line < p.scroll + self.body_height())
    }

    /// After a scroll, a selected link that went off screen gives way to the first visible one.
    fn keep_selection_visible(&mut self) {
        let selected_line =
            self.page().and_then(|p| p.selected.and_then(|s| p.rendered.links.get(s)).map(|l| l.line));
        if selected_line.is_none_or(|line| !self.visible(line)) {
            self.select_first_visible();
        }
    }

    pub(super) fn select_first_visible(&mut self) {
        let height = self.body_height();
        if let Some(p) = self.history.current_mut() {
            let (top, bottom) = (p.scroll, p.scroll + height);
            p.selected = p.rendered.links.iter().position(|l| l.line >= top && l.line < bottom);
        }
    }

    /// Down / Tab: the next link; when it lies beyond the next screen, page down instead, as
    /// lynx does, so long stretches of text are still read screen by screen.
    pub(super) fn next_link(&mut self) {
        let height = self.body_height();
        let Some(p) = self.history.current_mut() else { return };
        let next = match p.selected {
            Some(s) => s + 1,
            None => p.rendered.links.iter().position(|l| l.line >= p.scroll).unwrap_or(usize::MAX),
        };
        match p.rendered.links.get(next) {
            Some(link) if link.line < p.scroll + 2 * height => {
                p.selected = Some(next);
                if link.line >= p.scroll + height {
                    p.scroll = link.line + 1 - height;
                }
            }
            _ => self.scroll_by(height as isize),
        }
    }

    pub(super) fn prev_link(&mut self) {
        let height = self.body_height();
        let Some(p) = self.history.current_mut() else { return };
        let prev = match p.selected {
            Some(0) => None,
            Some(s) => Some(s - 1),
            None => p.rendered.links.iter().rposition(|l| l.line < p.scroll + height),
        };
        match prev.and_then(|i| p.rendered.links.get(i).map(|l| (i, l.line))) {
            Some((i, line)) if line + height >= p.scroll => {
                p.selected = Some(i);
                if line < p.scroll {
                    p.scroll = line;
                }
            }
            _ => self.scroll_by(-(height as isize)),
        }
    }

    /// The current page laid out for the current width (a history entry may have been laid
    /// out for another, or let its layout go): asked for when it is not.
    pub(super) fn ensure_rendered(&mut self) {
        self.request_layout();
        self.clamp_scroll();
    }

    /// Ask for the current page's layout for the current width, unless it has it or it is
    /// on its way. Until it comes, the page's older layout stays on screen.
    pub(super) fn request_layout(&mut self) {
        let width = self.width.max(crate::document::MIN_WIDTH);
        let Some(p) = self.history.current_mut() else { return };
        // First screens shown while the page loads: the page's own layout is coming.
        if p.rendered.width == width || p.wanted == Some(width) || p.loading.is_some() {
            return;
        }
        // The reader's place, to find again in the new layout.
        if p.anchor == Anchor::Stay && !p.rendered.lines.is_empty() {
            p.anchor = Anchor::Position(p.rendered.position_of(p.scroll));
        }
        p.wanted = Some(width);
        let doc = p.doc.clone();
        self.outbox.push(Effect::Layout { doc, width });
    }

    pub(super) fn resize(&mut self, width: u16, height: u16) -> Vec<Effect> {
        let width_changed = width != self.width;
        self.width = width;
        self.height = height;
        if width_changed {
            self.request_layout();
        }
        self.clamp_scroll();
        Vec::new()
    }

    /// A layout came back: every history entry of that document waiting for that width takes
    /// it, its view put back where the reader was.
    pub(super) fn laid(&mut self, doc: crate::document::DocId, width: u16, rendered: Option<Rendered>) {
        let Some(rendered) = rendered else { return };
        let current = self.history.index();
        let mut current_changed = false;
        for (i, p) in self.history.iter_mut().enumerate() {
            if p.doc.id != doc || p.wanted != Some(width) {
                continue;
            }
            p.wanted = None;
            p.scroll = match std::mem::take(&mut p.anchor) {
                Anchor::Stay => p.scroll,
                Anchor::Position(position) => rendered.line_at(position),
                Anchor::Fragment(name) => rendered.anchors.get(&name).copied().unwrap_or(p.scroll),
            };
            p.rendered = rendered.clone();
            current_changed |= i == current;
        }
        if current_changed {
            self.clamp_scroll();
            self.refresh_search();
            self.keep_selection_visible();
        }
    }

    /// History keeps the layouts of the pages next to the current one and only the source of
    /// the others, and a render tree only for the current page: what a tour of large pages
    /// holds stays bounded. A page whose layout was let go is laid out again when shown, at
    /// the place the reader left it.
    pub(super) fn trim_history(&mut self) {
        let current = self.history.index();
        let current_doc = self.page().map(|p| p.doc.id);
        for (i, p) in self.history.iter_mut().enumerate() {
            if i == current || Some(p.doc.id) == current_doc {
                continue;
            }
            p.doc.release_tree();
            if i.abs_diff(current) > KEPT_LAYOUTS && !p.rendered.lines.is_empty() {
                p.anchor = Anchor::Position(p.rendered.position_of(p.scroll));
                p.rendered = Rendered::default();
                p.wanted = None;
            }
        }
    }

    pub(super) fn start_search(&mut self, query: &str) {
        if query.is_empty() {
            self.search = None;
            return;
        }
        let mut search = Search { query: query.to_string(), ..Search::default() };
        if let Some(p) = self.page() {
            search.matches = find_matches(&p.rendered, query);
        }
        self.search = Some(search);
        if self.search.as_ref().is_some_and(|s| s.matches.is_empty()) {
            self.status = StatusLine::Error(format!("'{query}' not found."));
            return;
        }
        // The first match at or below the top of the screen, as lynx does.
        let top = self.page().map_or(0, |p| p.scroll);
        let first = self.search.as_ref().and_then(|s| s.matches.iter().position(|m| m.0 >= top)).unwrap_or(0);
        self.show_match(first);
    }

    pub(super) fn search_step(&mut self, forward: bool) {
        let Some(search) = &self.search else {
            self.status = StatusLine::Info("No search yet: press / to search.".into());
            return;
        };
        let n = search.matches.len();
        if n == 0 {
            self.status = StatusLine::Error(format!("'{}' not found.", search.query));
            return;
        }
        let next = match (search.current, forward) {
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
            (None, _) => 0,
        };
        if forward && search.current.is_some_and(|i| next <= i)
            || !forward && search.current.is_some_and(|i| next >= i)
        {
            self.status = StatusLine::Info("Search wrapped around.".into());
        }
        self.show_match(next);
    }

    fn show_match(&mut self, index: usize) {
        let Some(line) = self.search.as_mut().and_then(|s| {
            s.current = Some(index);
            s.matches.get(index).map(|m| m.0)
        }) else {
            return;
        };
        if !self.visible(line) {
            let height = self.body_height();
            self.scroll_to(line.saturating_sub(height / 3));
        }
        let (n, total) = self.search.as_ref().map_or((0, 0), |s| (index + 1, s.matches.len()));
        if !matches!(self.status, StatusLine::Info(ref m) if m.starts_with("Search wrapped")) {
            self.status = StatusLine::Info(format!("Match {n} of {total}."));
        }
    }

    /// Matches are positions in the rendered lines, so a new layout needs them again.
    pub(super) fn refresh_search(&mut self) {
        let Some(query) = self.search.as_ref().map(|s| s.query.clone()) else { return };
        let matches = self.page().map(|p| find_matches(&p.rendered, &query)).unwrap_or_default();
        if let Some(s) = self.search.as_mut() {
            s.current = None;
            s.matches = matches;
        }
    }

    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        match mouse.kind {
            MouseEventKind::ScrollDown => self.scroll_by(WHEEL_STEP),
            MouseEventKind::ScrollUp => self.scroll_by(-WHEEL_STEP),
            MouseEventKind::Down(MouseButton::Left) if self.prompt.is_none() => {
                if let Some(link) = self.link_at(mouse.column, mouse.row) {
                    return self.follow_link(link);
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// The link drawn at a screen cell, if any. Row 0 is the top bar.
    pub fn link_at(&self, column: u16, row: u16) -> Option<usize> {
        let p = self.page()?;
        if row == 0 || row as usize > self.body_height() {
            return None;
        }
        let line = p.rendered.lines.get(p.scroll + row as usize - 1)?;
        let mut x = 0usize;
        for span in &line.spans {
            let w = crate::document::columns(&span.text);
            if (column as usize) < x + w {
                return span.style.link;
            }
            x += w;
        }
        None
    }
}

/// Case-insensitive matches of `query` in each line, as char ranges.
pub fn find_matches(rendered: &Rendered, query: &str) -> Vec<(usize, usize, usize)> {
    let fold = |s: &str| -> Vec<char> { s.chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect() };
    let needle = fold(query);
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    for (i, line) in rendered.lines.iter().enumerate() {
        let hay = fold(&line.text());
        let mut start = 0;
        while start + needle.len() <= hay.len() {
            if hay[start..start + needle.len()] == needle[..] {
                out.push((i, start, start + needle.len()));
                start += needle.len();
            } else {
                start += 1;
            }
        }
    }
    out
}
