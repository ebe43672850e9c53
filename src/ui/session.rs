//! Sessions as the app sees them: what a session keeps of the tabs (plain data that
//! `store::session` writes), handed out to be saved whenever it changes, and the tabs made
//! again from a saved session ("Resume where you left off", `margay --restore`).
//!
//! A resumed page is loaded only when it is shown (the shown tab's page at once), through
//! the cache, so each costs a revalidation (a 304 when it has not changed), not a blind
//! refetch; once it is there, the reader's place, the selected link and the typed values go
//! back where they were. A session never keeps a password, a hidden or file field, or a
//! value already sent with its form (sent: the server answered without an error). The page
//! a form's POST brought keeps only its place and title: loading it again would send the
//! form again (or ask with GET for what answered a POST), so a resumed one says so instead.

use super::app::{App, StatusLine};
use super::msg::{Effect, LoadMode};
use super::tab::{Anchor, Page, PageKind, Pending, Restored, Tab};
use crate::document::forms::{FieldKind, FieldValue};
use crate::document::Document;
use crate::navigation::Navigation;
use crate::store::history::History;
use crate::store::session::{
    ago, Found, SavedBy, SavedEntry, SavedField, SavedSession, SavedTab, SavedValue,
};
use std::sync::Arc;

/// What the app knows of sessions on disk.
#[derive(Debug, Default)]
pub struct Sessions {
    /// The session the last margay left, until it is resumed.
    pub(super) last: Option<Found>,
    /// The session last handed out to be saved.
    handed_out: Option<SavedSession>,
    /// Another margay saves the session (or none is kept): this one hands nothing out.
    not_saved_here: bool,
    /// Another margay running now saves it: at quit this one's is handed out all the same
    /// (that one may have quit a moment ago).
    another_saves: bool,
    /// A save failed and the user was told: later failures (every change) are not said again.
    failure_said: bool,
    /// Something happened since the session was last looked at.
    pub(super) changed: bool,
    /// The last session was resumed in this margay.
    resumed: bool,
}

impl App {
    /// What the runner found at start: the last session, and whether this margay may save.
    pub(super) fn last_session(&mut self, found: Result<Option<Found>, String>, saved_by: SavedBy) {
        self.sessions.not_saved_here = saved_by != SavedBy::ThisMargay;
        self.sessions.another_saves = saved_by == SavedBy::AnotherMargay;
        match found {
            Ok(found) => {
                self.sessions.last = found;
                if saved_by == SavedBy::AnotherMargay {
                    self.status = StatusLine::Info(
                        "Another margay is saving the session; this one's tabs are saved once it quits."
                            .into(),
                    );
                }
            }
            Err(problem) => self.status = StatusLine::Error(problem),
        }
    }

    /// The margay that saved the session quit: this one's is saved from now on.
    pub(super) fn session_taken_over(&mut self) {
        (self.sessions.not_saved_here, self.sessions.another_saves) = (false, false);
        self.sessions.changed = true;
    }

    /// Saving the session failed: said once (it is tried again with every change, and at
    /// quit).
    pub(super) fn session_not_saved(&mut self, problem: String) {
        self.sessions.handed_out = None;
        self.sessions.changed = true;
        if !std::mem::replace(&mut self.sessions.failure_said, true) {
            self.status = StatusLine::Error(problem);
        }
    }

    /// A session was found at start that can be resumed.
    pub fn can_resume(&self) -> bool {
        self.sessions.last.is_some()
    }

    /// What a session keeps of the browser now: each tab's pages from the web and from
    /// files, with the reader's place, selection and typed values.
    pub fn session(&self) -> SavedSession {
        let mut saved = SavedSession::default();
        for (ti, tab) in self.tabs.iter().enumerate() {
            let tab = saved_tab(tab);
            if tab.entries.is_empty() {
                continue;
            }
            if ti <= self.active {
                saved.active = saved.tabs.len();
            }
            saved.tabs.push(tab);
        }
        saved
    }

    /// The session to save, when it changed since it was last handed out. Before anything
    /// was browsed, the last margay's session stays as it is.
    /// `quitting`: looked at whatever happened (else only after a message other than the
    /// clock's).
    pub(super) fn session_to_save(&mut self, quitting: bool) -> Option<Effect> {
        let held_back = self.sessions.not_saved_here && !(quitting && self.sessions.another_saves);
        if held_back || !(std::mem::take(&mut self.sessions.changed) || quitting) {
            return None;
        }
        let now = self.session();
        if self.sessions.handed_out.as_ref() == Some(&now)
            || (now.is_empty() && self.sessions.handed_out.is_none())
        {
            return None;
        }
        self.sessions.handed_out = Some(now.clone());
        Some(Effect::SaveSession { session: now })
    }

    /// "Resume where you left off": the last session's tabs after those open, its shown tab
    /// shown. A tab showing only margay's own pages (the start page) gives way to them.
    pub fn resume_session(&mut self) -> Vec<Effect> {
        let Some(Found { session, age }) = self.sessions.last.take() else {
            self.status = StatusLine::Info(match self.sessions.resumed {
                true => "The last session is resumed already: its tabs are open.".into(),
                false => "There is no saved session to resume.".into(),
            });
            return Vec::new();
        };
        self.sessions.resumed = true;
        let mut tabs: Vec<Tab> = Vec::with_capacity(session.tabs.len());
        for saved in &session.tabs {
            let pages = saved.entries.iter().filter_map(placeholder).collect::<Vec<_>>();
            if pages.is_empty() {
                continue;
            }
            let mut tab = Tab::new(self.new_tab_id());
            tab.history = History::from_entries(pages, saved.current);
            tabs.push(tab);
        }
        if tabs.is_empty() {
            self.status = StatusLine::Info("There is no saved session to resume.".into());
            return Vec::new();
        }
        let only_own_pages = self.tabs.len() == 1
            && self.tab().pending.is_none()
            && self.tab().history.iter().all(|p| p.kind != PageKind::Web);
        let first = if only_own_pages { 0 } else { self.tabs.len() };
        if only_own_pages {
            self.tabs.clear();
        }
        let (count, pages) = (tabs.len(), session.pages());
        self.tabs.extend(tabs);
        self.show_tab(first + session.active.min(count - 1));
        let tabs_said = super::prompt::plural(count, "tab", "tabs");
        let pages_said = super::prompt::plural(pages, "page", "pages");
        self.status = StatusLine::Info(format!("Resumed {tabs_said} ({pages_said}), saved {}.", ago(age)));
        std::mem::take(&mut self.outbox)
    }

    /// Tab `ti` shows a page of a resumed session not loaded yet: load it (in its place).
    pub(super) fn load_restored(&mut self, ti: usize) -> Vec<Effect> {
        let tab = &self.tabs[ti];
        let Some(mut restore) = tab.page().and_then(|p| p.restored.clone()) else { return Vec::new() };
        if restore.form_answer {
            self.show_form_answer(ti, *restore);
            return Vec::new();
        }
        restore.held = false;
        if tab.pending.as_ref().is_some_and(|p| p.restore.is_some()) {
            return Vec::new();
        }
        let Some(address) = tab.page().map(|p| p.address.clone()) else { return Vec::new() };
        let mut effects = self.cancel_pending(ti);
        // The user had it open: a file page may be opened again.
        let nav = Navigation::new(address, true);
        let request = nav.request.clone();
        let pending = Pending { restore: Some(restore), ..Pending::new(nav, LoadMode::Replace) };
        effects.extend(self.fetch_next(ti, pending, request));
        effects
    }
}

impl App {
    /// A resumed page that was the answer to a form's POST: not asked for again (that would
    /// send the form again, or ask with GET for what was answered to POST), but said so in
    /// its place, as a browser says a document has expired.
    fn show_form_answer(&mut self, ti: usize, restored: Restored) {
        let Some(address) = self.tabs[ti].page().map(|p| p.address.clone()) else { return };
        let title = crate::sanitize::line(&restored.title).into_owned();
        let named = match title.trim() {
            "" => String::new(),
            title => format!(" (“{}”)", crate::document::escape_html(title)),
        };
        let html = format!(
            "<title>Not sent again: {}</title><h1>This page was the answer to a form</h1>\
             <p>The page{named} came back from {} in answer to a form sent with POST. \
             margay does not send a form again by itself: sending it again could repeat what it \
             did (an order, a message, a payment).</p>\
             <p>To see a new answer, go back to the form (Left), fill it in and send it again.</p>",
            crate::document::escape_html(&title),
            crate::document::escape_html(&crate::sanitize::display_url_str(address.as_str())),
        );
        let doc = Document::from_html(&address, &html);
        let mut page = Page::waiting(address, PageKind::Web, Arc::new(doc));
        page.restored = Some(Box::new(Restored { held: true, ..restored }));
        self.push_page_in(ti, page, LoadMode::Replace);
        self.say(
            ti,
            StatusLine::Info(
                "Not sent again: this page was the answer to a form; Left goes back to the form.".into(),
            ),
        );
    }
}

/// A tab as a session keeps it.
fn saved_tab(tab: &Tab) -> SavedTab {
    let history = tab.history();
    let mut saved = SavedTab::default();
    for (i, page) in history.iter().enumerate() {
        let Some(entry) = saved_entry(page) else { continue };
        if i <= history.index() {
            saved.current = saved.entries.len();
        }
        saved.entries.push(entry);
    }
    // A page asked for and not arrived yet (a slow first load, a link followed just before
    // quitting) is where the user was going: kept as the tab's newest page, as it would have
    // been, unless its first screens are in the history already.
    if let Some(going) = tab.pending.as_ref().and_then(|p| pending_entry(tab, p)) {
        saved.entries.truncate(saved.current + 1);
        saved.current = saved.entries.len();
        saved.entries.push(going);
    }
    saved
}

/// The page a load still under way is for, as a session keeps it: a new page of the tab,
/// asked for with GET and not sending a password.
fn pending_entry(tab: &Tab, pending: &Pending) -> Option<SavedEntry> {
    let previewed = tab.history.iter().any(|p| p.loading == Some(pending.id));
    let address = &pending.nav.address;
    if pending.mode != LoadMode::Push
        || previewed
        || pending.sends_password
        || pending.answers_post(address)
        || !matches!(address.scheme(), "http" | "https" | "file")
    {
        return None;
    }
    let mut address = address.clone();
    let _ = address.set_password(None);
    Some(SavedEntry { url: address.to_string(), ..SavedEntry::default() })
}

/// A page as a session keeps it, if it keeps it: pages from the web and files not reached
/// by sending a password, a password in the address left out; the answer to a POST only as
/// its place and title.
fn saved_entry(page: &Page) -> Option<SavedEntry> {
    if page.kind != PageKind::Web
        || !matches!(page.address.scheme(), "http" | "https" | "file")
        || page.private
    {
        return None;
    }
    let mut address = page.address.clone();
    let _ = address.set_password(None);
    let url = address.to_string();
    // The answer to a POST keeps its place in the history, and only its title.
    let posted =
        page.answers_post || page.request.as_ref().is_some_and(|r| r.method != crate::policy::Method::Get);
    if posted || page.restored.as_ref().is_some_and(|r| r.form_answer) {
        let title = page.restored.as_ref().map_or(&page.doc.title, |r| &r.title).clone();
        return Some(SavedEntry { url, title, form_answer: true, ..SavedEntry::default() });
    }
    let (title, position, selected, fields) = match page.restored.as_deref() {
        Some(r) => (r.title.clone(), r.position, r.selected, r.fields.clone()),
        None => (page.doc.title.clone(), page.reading_position(), page.selected, unsent_fields(page)),
    };
    Some(SavedEntry { url, title, position, selected, fields, form_answer: false })
}

/// The values the user typed or chose in the page's fields and has not sent.
fn unsent_fields(page: &Page) -> Vec<SavedField> {
    let mut saved = Vec::new();
    for (index, field) in page.doc.forms.fields.iter().enumerate() {
        let Some(value) = page.form_values.get(index) else { break };
        let kept = matches!(
            field.kind,
            FieldKind::Text
                | FieldKind::Textarea
                | FieldKind::Checkbox
                | FieldKind::Radio
                | FieldKind::Select { .. }
        );
        let sent = page.sent_values.get(index).is_some_and(|s| s.as_ref() == Some(value));
        if !kept || sent || *value == field.initial {
            continue;
        }
        let value = match value {
            FieldValue::Text(text) => SavedValue::Text(text.clone()),
            FieldValue::Checked(on) => SavedValue::Checked(*on),
            FieldValue::Selected(options) => SavedValue::Selected(options.clone()),
            FieldValue::None => continue,
        };
        saved.push(SavedField { index, name: field.name.clone(), value });
    }
    saved
}

/// A page of a resumed session before it is loaded: its address and title.
fn placeholder(entry: &SavedEntry) -> Option<Page> {
    let address = url::Url::parse(&entry.url).ok()?;
    let mut doc = Document::from_text(&address, String::new());
    doc.title = entry.title.clone();
    let mut page = Page::waiting(address, PageKind::Web, Arc::new(doc));
    page.restored = Some(Box::new(Restored {
        title: entry.title.clone(),
        position: entry.position,
        selected: entry.selected,
        fields: entry.fields.clone(),
        held: false,
        form_answer: entry.form_answer,
    }));
    Some(page)
}

/// A resumed page has landed: the reader's place (`with_place`: unless the reader moved
/// while its first screens were shown), the selected link and the typed values back where
/// they were. A field is given its value only where the page still has a field of that
/// name and kind at that place.
pub(super) fn put_back(page: &mut Page, restored: &Restored, with_place: bool) {
    if with_place {
        if page.rendered.lines.is_empty() || page.wanted.is_some() {
            page.anchor = Anchor::Position(restored.position);
        } else {
            page.scroll = page.rendered.line_at(restored.position);
            page.anchor = Anchor::Stay;
        }
    }
    match restored.selected.filter(|_| with_place) {
        // Laid out for another width (the terminal was resized while it loaded): its links
        // are known once it is laid out for this one.
        Some(link) if page.rendered.lines.is_empty() => page.select_when_laid = Some(link),
        Some(link) if link < page.rendered.links.len() => page.selected = Some(link),
        _ => {}
    }
    for saved in &restored.fields {
        let Some(field) = page.doc.forms.fields.get(saved.index).filter(|f| f.name == saved.name) else {
            continue;
        };
        let value = match (&field.kind, &saved.value) {
            (FieldKind::Text | FieldKind::Textarea, SavedValue::Text(text)) => FieldValue::Text(text.clone()),
            (FieldKind::Checkbox | FieldKind::Radio, SavedValue::Checked(on)) => FieldValue::Checked(*on),
            (FieldKind::Select { options, multiple }, SavedValue::Selected(chosen))
                if chosen.iter().all(|&i| i < options.len()) && (*multiple || chosen.len() <= 1) =>
            {
                FieldValue::Selected(chosen.clone())
            }
            _ => continue,
        };
        if let Some(slot) = page.form_values.get_mut(saved.index) {
            *slot = value;
        }
    }
}
