//! A tab: one browsing context — its back/forward history of pages, the load in flight, the
//! search, the pages it showed — and the page as shown in it (document, layout, scroll,
//! selection, typed form values). Everything a session must keep of a tab is here (`session`
//! says it as plain data); nothing here knows of other tabs or of the terminal.

use super::bookmarks::BookmarkItem;
use super::msg::LoadMode;
use super::prompt::Prompt;
use crate::document::forms::FieldValue;
use crate::document::{Document, Rendered};
use crate::navigation::{CacheState, Navigation, PageInfo};
use crate::net::FetchRequest;
use crate::store::history::History;
use std::sync::Arc;
use url::Url;

/// How many pages the history page of a tab lists at most.
pub const MAX_VISITS: usize = 500;

/// A tab's name for the life of the browser (positions change as tabs close).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TabId(pub u64);

/// The screen a tab is drawn on: the width, and the rows between the bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Screen {
    pub width: u16,
    pub body_height: usize,
}

/// What a page is, which says which keys act on it and how it is made again (Ctrl-R).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageKind {
    /// From the web or a file (a diagnostic page in its place too).
    Web,
    /// The source of the page before it.
    Source,
    /// The reader view (the article alone) of the page before it.
    Reader,
    Start,
    Help,
    Blank,
    /// Page info of the page before it.
    Info,
    /// The bookmarks page: its links are these items, in order.
    Bookmarks {
        items: Vec<BookmarkItem>,
    },
    BookmarkCheck,
    /// A site's cookies.
    Cookies {
        site: Url,
        count: usize,
    },
    /// The pages of this tab, newest first.
    History,
    /// The links of the page before it; `local`: that page was local, so its file links
    /// may be followed from here.
    Links {
        local: bool,
    },
    /// What a viewer wrote about a body.
    ViewerOutput,
    /// This tab's network log, or one request of it (`about:network?request=N`).
    NetworkLog,
}

impl PageKind {
    /// The keys that act on this kind of page besides those of every page.
    pub fn layer(&self) -> super::keymap::Layer {
        use super::keymap::Layer;
        match self {
            PageKind::Bookmarks { .. } => Layer::Bookmarks,
            PageKind::Cookies { .. } => Layer::Cookies,
            PageKind::History => Layer::History,
            _ => Layer::Page,
        }
    }

    /// The page's links may open local files: it is margay's own, or a listing of a local
    /// page's links.
    pub fn may_open_files(&self, address: &Url) -> bool {
        match self {
            PageKind::Web | PageKind::Source | PageKind::Reader | PageKind::ViewerOutput => {
                address.scheme() == "file"
            }
            PageKind::Links { local } => *local,
            _ => true,
        }
    }
}

/// A page as shown: the document, its layout for the current width, and where the reader is.
pub struct Page {
    /// The address the user asked for: shown in the top bar, used by reload and bookmarks
    /// (the original URL after a 302/307).
    pub address: Url,
    pub kind: PageKind,
    pub doc: Arc<Document>,
    /// The layout shown: for the current width, or (while a new one is made) an older one.
    pub rendered: Rendered,
    /// The width a layout was asked for and has not come yet.
    pub wanted: Option<u16>,
    /// Where the view goes when the next layout comes.
    pub anchor: Anchor,
    /// The link to select when the next layout comes (a resumed page that landed laid out
    /// for another width: its links are not known until then).
    pub select_when_laid: Option<usize>,
    pub scroll: usize,
    pub selected: Option<usize>,
    pub info: PageInfo,
    /// The request that brought the page, to repeat it (402 ChargeTo retry).
    pub request: Option<FetchRequest>,
    /// What the user typed or chose in the page's form fields.
    pub form_values: Vec<FieldValue>,
    /// The body as received, for view source and saving.
    pub body: Option<crate::net::Body>,
    /// Only the start of the page is here: its first screens, shown while it loaded, and the
    /// load was stopped (`loading` while it goes on).
    pub partial: bool,
    /// The load still going on for this page (it shows its first screens meanwhile).
    pub loading: Option<u64>,
    /// What each field held when its form was last sent from this page: a value still the
    /// same is not "typed and not yet sent", so a session does not keep it.
    pub sent_values: Vec<Option<FieldValue>>,
    /// A page of a resumed session, not loaded yet: it is loaded when shown, and put back
    /// where the reader was.
    pub restored: Option<Box<Restored>>,
    /// Reached by sending a password (a form's GET puts it in the address): a session does
    /// not keep it.
    pub private: bool,
    /// The answer to a form's POST, under the address the POST went to (after a 302 or 307
    /// too, where the request that brought it may be a GET): not to be asked for again.
    pub answers_post: bool,
}

/// Where the reader was on a page of a resumed session, to put back once it is loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    pub title: String,
    pub position: u32,
    pub selected: Option<usize>,
    pub fields: Vec<crate::store::session::SavedField>,
    /// Another page shows in its place — a diagnostic page (its load failed), its first
    /// screens (it is loading, or its load was stopped) — and it is not loaded by itself
    /// when shown: the session still keeps this, and Ctrl-R loads it.
    pub held: bool,
    /// It was the answer to a form's POST: never loaded again, only said so.
    pub form_answer: bool,
}

/// Where the view goes when a page's next layout comes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Anchor {
    /// Where it is (the first layout of a page: the top).
    #[default]
    Stay,
    /// The line holding this place in the page's text (a resize, back to a page whose layout
    /// was let go): the same text at the top, whatever the width.
    Position(u32),
    /// A fragment of the page (`#name`).
    Fragment(String),
}

impl Page {
    /// A page whose layout is yet to come (`push_page` asks for it).
    pub fn waiting(address: Url, kind: PageKind, doc: Arc<Document>) -> Page {
        Page::new(address, kind, doc, Rendered::default())
    }

    pub fn new(address: Url, kind: PageKind, doc: Arc<Document>, rendered: Rendered) -> Page {
        let info = PageInfo { cache: CacheState::Local, charset: doc.charset.clone(), ..PageInfo::default() };
        let form_values = doc.forms.fields.iter().map(|f| f.initial.clone()).collect();
        Page {
            address,
            kind,
            doc,
            rendered,
            scroll: 0,
            selected: None,
            info,
            request: None,
            form_values,
            body: None,
            wanted: None,
            anchor: Anchor::Stay,
            partial: false,
            loading: None,
            sent_values: Vec::new(),
            restored: None,
            select_when_laid: None,
            answers_post: false,
            private: false,
        }
    }

    /// Where the body came from (differs from `address` after a redirect).
    pub fn final_url(&self) -> &Url {
        self.info.final_url.as_ref().unwrap_or(&self.address)
    }

    /// The reading position of the top of the screen: what a session keeps of the scroll.
    pub fn reading_position(&self) -> u32 {
        match &self.anchor {
            Anchor::Position(p) if self.wanted.is_some() || self.rendered.lines.is_empty() => *p,
            _ => self.rendered.position_of(self.scroll),
        }
    }

    /// A page of a resumed session not loaded yet (nothing to show or lay out).
    pub fn is_placeholder(&self) -> bool {
        self.restored.as_ref().is_some_and(|r| !r.held)
    }

    /// The text of link `index` as the page shows it, without its `[n]` marker.
    pub fn link_text(&self, index: usize) -> String {
        let Some(link) = self.rendered.links.get(index) else { return String::new() };
        let marker = format!("[{}]", index + 1);
        let mut text = String::new();
        for line in self.rendered.lines.iter().skip(link.line).take(4) {
            for span in line.spans.iter().filter(|s| s.style.link_index() == Some(index)) {
                text.push_str(&span.text);
                text.push(' ');
            }
        }
        let text = text.trim();
        let text = text.strip_prefix(&marker).unwrap_or(text);
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// A navigation in flight.
pub struct Pending {
    pub id: u64,
    pub nav: Navigation,
    pub mode: LoadMode,
    pub bytes: u64,
    pub total: Option<u64>,
    /// No request in flight: waiting for the user's answer to a prompt.
    pub asking: bool,
    /// 401: the page to show when the user cancels the credentials prompt.
    pub on_cancel: Option<Box<crate::navigation::Shown>>,
    /// The form this navigation submits, to reset it on a 205.
    pub form: Option<usize>,
    /// The values it sends, by field: they count as sent on the page they came from (the
    /// tab's history entry `sent_from`) once the server has answered without an error (a
    /// session keeps them until then).
    pub sending: Vec<(usize, FieldValue)>,
    pub sent_from: usize,
    /// Where its first request went, when that was not a GET (a form's POST).
    pub posted_to: Option<Url>,
    /// Automatic retries (Retry-After) in a row that led to this load; 0 when the user
    /// asked for it.
    pub retries: u32,
    /// Its number in the tab's network log, given at its first request.
    pub logged_as: Option<u64>,
    /// The request in flight carries credentials (given before, or just now).
    pub credentials_sent: bool,
    /// It loads a page of a resumed session: where to put the reader when it lands.
    pub restore: Option<Box<Restored>>,
    /// The history entry its page takes the place of, once another page (margay's own: help,
    /// the network log) was put above it while it loaded: the entry it reloads, or its
    /// first screens. It lands there, under the page shown.
    pub replaces: Option<usize>,
    /// It sends a form with a password typed in it.
    pub sends_password: bool,
}

impl Pending {
    /// Its page, shown at `address`, answers a POST: the last request was not a GET, or the
    /// first was and the address is still the one it went to (a 302 or 307 keeps it; after
    /// a 303 the new address is one to ask for with GET).
    pub fn answers_post(&self, address: &Url) -> bool {
        self.nav.request.method != crate::policy::Method::Get || self.posted_to.as_ref() == Some(address)
    }

    /// A navigation about to make its first request: nothing sent, asked or retried yet.
    pub fn new(nav: Navigation, mode: LoadMode) -> Pending {
        let posted_to = (nav.request.method != crate::policy::Method::Get).then(|| nav.request.url.clone());
        Pending {
            posted_to,
            id: 0,
            nav,
            mode,
            bytes: 0,
            total: None,
            asking: false,
            on_cancel: None,
            form: None,
            sending: Vec::new(),
            sent_from: 0,
            retries: 0,
            logged_as: None,
            credentials_sent: false,
            restore: None,
            replaces: None,
            sends_password: false,
        }
    }
}

/// An active search: its matches as (line, first char, end char).
#[derive(Clone, Debug, Default)]
pub struct Search {
    pub query: String,
    pub matches: Vec<(usize, usize, usize)>,
    pub current: Option<usize>,
}

/// A page a tab showed, for its history page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    pub address: Url,
    pub title: String,
}

/// What the status line said of a tab while it was not shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    Info(String),
    Error(String),
}

pub struct Tab {
    pub(super) id: TabId,
    pub(super) history: History<Page>,
    pub(super) pending: Option<Pending>,
    pub(super) search: Option<Search>,
    /// Seconds until a page that asked for a later retry (503/429 Retry-After) is reloaded.
    pub(super) retry_countdown: Option<u64>,
    /// Automatic retries in a row that led to the page shown (see `MAX_AUTO_RETRIES`).
    pub(super) retries: u32,
    /// The pages this tab showed, oldest first, at most [`MAX_VISITS`].
    pub(super) visits: Vec<Visit>,
    /// What its last load said while the tab was in the background.
    pub(super) note: Option<Note>,
    /// A question its load asked while it was in the background, asked when it is shown.
    pub(super) question: Option<Prompt>,
    /// Every request its navigations made, with what came back.
    pub(super) log: super::netlog::NetLog,
}

impl Tab {
    pub(super) fn new(id: TabId) -> Tab {
        Tab {
            id,
            history: History::default(),
            pending: None,
            search: None,
            retry_countdown: None,
            retries: 0,
            visits: Vec::new(),
            note: None,
            question: None,
            log: Default::default(),
        }
    }

    pub fn id(&self) -> TabId {
        self.id
    }

    pub fn page(&self) -> Option<&Page> {
        self.history.current()
    }

    pub(super) fn page_mut(&mut self) -> Option<&mut Page> {
        self.history.current_mut()
    }

    pub fn history(&self) -> &History<Page> {
        &self.history
    }

    pub fn pending(&self) -> Option<&Pending> {
        self.pending.as_ref()
    }

    pub fn search(&self) -> Option<&Search> {
        self.search.as_ref()
    }

    pub fn retry_countdown(&self) -> Option<u64> {
        self.retry_countdown
    }

    /// The pages this tab showed, newest first.
    pub fn visits(&self) -> impl Iterator<Item = &Visit> {
        self.visits.iter().rev()
    }

    /// Every request this tab's navigations made (the last few hundred).
    pub fn network_log(&self) -> &super::netlog::NetLog {
        &self.log
    }

    /// A question waits for this tab to be shown.
    pub fn has_question(&self) -> bool {
        self.question.is_some()
    }

    /// The tab's title for the tab bar: the page's title, else its address.
    pub fn title(&self) -> String {
        match self.page() {
            Some(p) if !p.doc.title.trim().is_empty() => p.doc.title.clone(),
            Some(p) => crate::sanitize::display_url(&p.address),
            None => match &self.pending {
                Some(p) => crate::sanitize::display_url(&p.nav.request.url),
                None => "(empty)".into(),
            },
        }
    }

    /// Record a page shown, for the history page (a reload or a fragment of the page shown
    /// last is the same visit).
    pub(super) fn record_visit(&mut self, address: &Url, title: &str) {
        let mut without = address.clone();
        without.set_fragment(None);
        if self.visits.last().is_some_and(|v| v.address == without) {
            if let Some(last) = self.visits.last_mut() {
                last.title = title.to_string();
            }
            return;
        }
        self.visits.push(Visit { address: without, title: title.to_string() });
        if self.visits.len() > MAX_VISITS {
            self.visits.remove(0);
        }
    }
}
