//! Moving around a tab's page: scrolling, link selection, search, the link under a cell, and
//! taking a new layout (once per width, never per frame). Pure functions of a tab and its
//! screen; what the status line should say comes back as a value.

use super::app::StatusLine;
use super::msg::Effect;
use super::tab::{Anchor, Screen, Search, Tab};
use crate::document::{DocId, Rendered};

/// How many history entries on each side of the current one keep their layout.
const KEPT_LAYOUTS: usize = 3;

impl Tab {
    fn max_scroll(&self, screen: Screen) -> usize {
        self.page().map_or(0, |p| p.rendered.lines.len().saturating_sub(screen.body_height))
    }

    /// The view is at the end of the page (the last screen shows the last line).
    pub fn at_end(&self, screen: Screen) -> bool {
        self.page().is_some_and(|p| p.scroll >= self.max_scroll(screen))
    }

    pub(super) fn clamp_scroll(&mut self, screen: Screen) {
        let max = self.max_scroll(screen);
        if let Some(p) = self.page_mut() {
            p.scroll = p.scroll.min(max);
        }
    }

    pub(super) fn scroll_to(&mut self, line: usize, screen: Screen) {
        let max = self.max_scroll(screen);
        if let Some(p) = self.page_mut() {
            p.scroll = line.min(max);
        }
        self.keep_selection_visible(screen);
    }

    pub(super) fn scroll_by(&mut self, delta: isize, screen: Screen) {
        let Some(scroll) = self.page().map(|p| p.scroll) else { return };
        self.scroll_to(scroll.saturating_add_signed(delta), screen);
    }

    fn visible(&self, line: usize, screen: Screen) -> bool {
        self.page().is_some_and(|p| line >= p.scroll && line < p.scroll + screen.body_height)
    }

    /// A selected link that went off screen (or none) gives way to the first visible one.
    pub(super) fn keep_selection_visible(&mut self, screen: Screen) {
        let selected_line =
            self.page().and_then(|p| p.selected.and_then(|s| p.rendered.links.get(s)).map(|l| l.line));
        if selected_line.is_none_or(|line| !self.visible(line, screen)) {
            self.select_first_visible(screen);
        }
    }

    pub(super) fn select_first_visible(&mut self, screen: Screen) {
        if let Some(p) = self.page_mut() {
            let (top, bottom) = (p.scroll, p.scroll + screen.body_height);
            p.selected = p.rendered.links.iter().position(|l| l.line >= top && l.line < bottom);
        }
    }

    /// Select link `index` (scrolling to it when it is off screen).
    pub(super) fn select(&mut self, index: usize, screen: Screen) {
        let Some(line) = self.page().and_then(|p| p.rendered.links.get(index)).map(|l| l.line) else {
            return;
        };
        if let Some(p) = self.page_mut() {
            p.selected = Some(index);
        }
        if !self.visible(line, screen) {
            let max = self.max_scroll(screen);
            if let Some(p) = self.page_mut() {
                p.scroll = line.saturating_sub(screen.body_height / 3).min(max);
            }
        }
    }

    /// Down / Tab: the next link; when it lies beyond the next screen, page down instead, as
    /// lynx does, so long stretches of text are still read screen by screen.
    pub(super) fn next_link(&mut self, screen: Screen) {
        let height = screen.body_height;
        let Some(p) = self.page_mut() else { return };
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
            _ => self.scroll_by(height as isize, screen),
        }
    }

    pub(super) fn prev_link(&mut self, screen: Screen) {
        let height = screen.body_height;
        let Some(p) = self.page_mut() else { return };
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
            _ => self.scroll_by(-(height as isize), screen),
        }
    }

    /// Ask for the current page's layout for this width, unless it has it or it is on its
    /// way. Until it comes, the page's older layout stays on screen.
    pub(super) fn request_layout(&mut self, width: u16) -> Option<Effect> {
        let width = width.max(crate::document::MIN_WIDTH);
        let p = self.page_mut()?;
        // First screens shown while the page loads: the page's own layout is coming. A
        // resumed page not loaded yet has nothing to lay out.
        if p.rendered.width == width || p.wanted == Some(width) || p.loading.is_some() || p.is_placeholder() {
            return None;
        }
        // The reader's place, to find again in the new layout.
        if p.anchor == Anchor::Stay && !p.rendered.lines.is_empty() {
            p.anchor = Anchor::Position(p.rendered.position_of(p.scroll));
        }
        p.wanted = Some(width);
        Some(Effect::Layout { doc: p.doc.clone(), width })
    }

    /// A layout came back: every history entry of that document waiting for that width takes
    /// it, its view put back where the reader was. True when the page shown took it.
    pub(super) fn laid(&mut self, doc: DocId, width: u16, rendered: &Rendered, screen: Screen) -> bool {
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
            if let Some(link) = p.select_when_laid.take().filter(|&l| l < p.rendered.links.len()) {
                p.selected = Some(link);
            }
            current_changed |= i == current;
        }
        if current_changed {
            self.clamp_scroll(screen);
            self.refresh_search();
            self.keep_selection_visible(screen);
        }
        current_changed
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

    /// A new search; what the status line says of it.
    pub(super) fn start_search(&mut self, query: &str, screen: Screen) -> StatusLine {
        if query.is_empty() {
            self.search = None;
            return StatusLine::None;
        }
        let mut search = Search { query: query.to_string(), ..Search::default() };
        if let Some(p) = self.page() {
            search.matches = find_matches(&p.rendered, query);
        }
        if search.matches.is_empty() {
            self.search = Some(search);
            return StatusLine::Error(format!("'{query}' not found."));
        }
        // The first match at or below the top of the screen, as lynx does.
        let top = self.page().map_or(0, |p| p.scroll);
        let first = search.matches.iter().position(|m| m.0 >= top).unwrap_or(0);
        self.search = Some(search);
        self.show_match(first, false, screen)
    }

    pub(super) fn search_step(&mut self, forward: bool, screen: Screen) -> StatusLine {
        let Some(search) = &self.search else {
            return StatusLine::Info("No search yet: press / to search.".into());
        };
        let n = search.matches.len();
        if n == 0 {
            return StatusLine::Error(format!("'{}' not found.", search.query));
        }
        let next = match (search.current, forward) {
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
            (None, _) => 0,
        };
        let wrapped = search.current.is_some_and(|i| if forward { next <= i } else { next >= i });
        self.show_match(next, wrapped, screen)
    }

    /// Show match `index`: on screen, and the link holding it (if one does) selected, so
    /// that Enter follows what was found, as in lynx.
    fn show_match(&mut self, index: usize, wrapped: bool, screen: Screen) -> StatusLine {
        let Some(search) = self.search.as_mut() else { return StatusLine::None };
        search.current = Some(index);
        let Some(&(line, start, end)) = search.matches.get(index) else { return StatusLine::None };
        let total = search.matches.len();
        if !self.visible(line, screen) {
            self.scroll_to(line.saturating_sub(screen.body_height / 3), screen);
        }
        if let Some(p) = self.page_mut() {
            if let Some(link) = p.rendered.lines.get(line).and_then(|l| link_holding(l, start, end)) {
                p.selected = Some(link);
            }
        }
        if wrapped {
            StatusLine::Info("Search wrapped around.".into())
        } else {
            StatusLine::Info(format!("Match {} of {total}.", index + 1))
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

    /// The link drawn at a cell of the page's area (`row` 0 is its first row), if any.
    pub fn link_at(&self, column: u16, row: usize) -> Option<usize> {
        let p = self.page()?;
        let line = p.rendered.lines.get(p.scroll + row)?;
        let mut x = 0usize;
        for span in &line.spans {
            let w = crate::document::columns(&span.text);
            if (column as usize) < x + w {
                return span.style.link_index();
            }
            x += w;
        }
        None
    }
}

/// The link whose text holds the characters `start..end` of a line, if one does.
fn link_holding(line: &crate::document::Line, start: usize, end: usize) -> Option<usize> {
    let mut offset = 0usize;
    for span in &line.spans {
        let len = span.text.chars().count();
        if span.style.link_index().is_some() && offset < end && start < offset + len {
            return span.style.link_index();
        }
        offset += len;
    }
    None
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
