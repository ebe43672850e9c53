//! Tabs, as in w3m: `T` opens the selected link in a new tab, `{` and `}` go to the tab on
//! the left and right, Ctrl-W closes one (the last one asks before quitting). A tab shown
//! again gets what its loads said and asked meanwhile, and its page laid out for this width.

use super::app::{App, StatusLine};
use super::msg::{Effect, LoadMode};
use super::prompt::{Choice, Prompt};
use super::tab::{Note, Tab};

impl App {
    /// `T`: the selected link, loaded in a new tab, which is shown.
    pub(super) fn open_in_new_tab(&mut self) -> Vec<Effect> {
        let Some(page) = self.page() else { return Vec::new() };
        let link = page.selected.and_then(|s| page.rendered.links.get(s));
        let Some(link) = link else {
            self.status = StatusLine::Info("Select a link to open it in a new tab.".into());
            return Vec::new();
        };
        if crate::document::forms::field_of_href(&link.href).is_some() {
            self.status = StatusLine::Info("That is a form field; a new tab opens links.".into());
            return Vec::new();
        }
        let Some(url) = link.target.clone() else {
            self.status = StatusLine::Error(format!("Cannot follow '{}': not a valid address.", link.href));
            return Vec::new();
        };
        // The network log is the log of the tab it is opened in: a new tab's is empty.
        if url.scheme() == "about" && url.path() == "network" {
            self.status = StatusLine::Info(
                "The network log belongs to this tab: Enter opens it here (a new tab's log is empty).".into(),
            );
            return Vec::new();
        }
        let may_open_files = page.kind.may_open_files(&page.address);
        if url.scheme() == "file" && !may_open_files {
            self.status = StatusLine::Error(format!("A web page cannot open local files ({url})."));
            return Vec::new();
        }
        let id = self.new_tab_id();
        self.tabs.insert(self.active + 1, Tab::new(id));
        self.show_tab(self.active + 1);
        self.navigate(url, LoadMode::Push, may_open_files)
    }

    /// `{` and `}`: the tab on the left or the right (round the ends).
    pub(super) fn switch_by(&mut self, step: isize) {
        let n = self.tabs.len();
        if n < 2 {
            self.status = StatusLine::Info("There is one tab; T opens a link in a new one.".into());
            return;
        }
        let to = (self.active as isize + step).rem_euclid(n as isize) as usize;
        self.show_tab(to);
    }

    /// Show tab `index`: what it was told and asked while in the background, its page laid
    /// out for this screen.
    pub(super) fn show_tab(&mut self, index: usize) {
        self.active = index.min(self.tabs.len() - 1);
        self.status = match self.tab_mut().note.take() {
            Some(Note::Info(m)) => StatusLine::Info(m),
            Some(Note::Error(m)) => StatusLine::Error(m),
            None => StatusLine::None,
        };
        self.ensure_rendered();
        let screen = self.screen();
        self.tab_mut().keep_selection_visible(screen);
        if let Some(question) = self.tab_mut().question.take() {
            self.ask(question);
        }
    }

    /// Ctrl-W: close the tab shown (its load stopped); the last one asks before quitting.
    pub(super) fn close_tab(&mut self) -> Vec<Effect> {
        if self.tabs.len() == 1 {
            self.ask(Prompt::Choice(Choice::ConfirmQuit { last_tab: true }));
            return Vec::new();
        }
        let effects = self.cancel_pending(self.active);
        self.tabs.remove(self.active);
        let next = self.active.min(self.tabs.len() - 1);
        self.show_tab(next);
        effects
    }
}
