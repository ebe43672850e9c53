//! The browser's state and `App::update`, the one place where messages change it. Update
//! does no I/O: what must happen outside (fetch, cancel, quit) comes back as `Effect`s.

use super::bookmarks::{BookmarkChange, CheckResult};
use super::files::{DownloadState, SaveWhat};
use super::forms::{FieldEdit, SelectList};
use super::keymap::{Action, Keymap};
use super::prompt::{Edit, Prompt, PromptKind};
use crate::document::forms::FieldValue;
use crate::document::DocId;
use crate::document::{Document, Rendered};
use crate::navigation::{CacheState, Navigation, PageInfo};
use crate::net::cookies::CookieInfo;
use crate::net::download::DownloadEvent;
use crate::net::{FetchEvent, FetchRequest};
use crate::store::history::History;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseEvent};
use std::sync::Arc;
use url::Url;

/// How many times in a row a page that asks to come back later (Retry-After) is reloaded
/// by itself; then it waits for the user, so that a server answering "retry in 0 s" cannot
/// make margay reload forever.
pub const MAX_AUTO_RETRIES: u32 = 3;

/// Something that happened.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    Fetch(FetchEvent),
    Download(DownloadEvent),
    /// A save finished: the path, or (path, reason, whether it failed because it exists).
    Saved {
        what: SaveWhat,
        result: Result<std::path::PathBuf, (std::path::PathBuf, String, bool)>,
    },
    /// A site's cookies, after showing or clearing them.
    Cookies {
        site: Url,
        cookies: Vec<CookieInfo>,
        cleared: Option<usize>,
    },
    /// The text of a textarea after the external editor closed (or why it failed).
    TextEdited {
        field: usize,
        result: Result<String, String>,
    },
    /// The bookmark file as it now is (after start-up or a change).
    Bookmarks(BookmarksUpdate),
    /// The bookmark checker's findings.
    BookmarkCheck(Vec<CheckResult>),
    /// A document laid out for a width (after `Effect::Layout`); `None` when the layout
    /// was stopped (a newer one for the same document superseded it).
    Laid {
        doc: DocId,
        width: u16,
        rendered: Option<Rendered>,
    },
    /// A reader view was made (after `Effect::Reader`), or why not. A cancelled one answers
    /// nothing.
    Reader {
        id: u64,
        view: Result<crate::document::ReaderView, String>,
    },
    /// A certificate was trusted for `host_port` (after `Effect::TrustCertificate`), or why not.
    CertificateTrusted {
        host_port: String,
        result: Result<(), String>,
    },
    /// What became of `Effect::OpenExternally`.
    Opened(Result<crate::ui::files::OpenedWith, String>),
    /// A second passed (drives the Retry-After countdown).
    Tick,
    /// A signal that ends the process (SIGTERM, SIGHUP, SIGINT from outside …): leave cleanly.
    Terminate,
}

/// Something the shell must do for the app.
#[derive(Debug)]
pub enum Effect {
    Fetch {
        id: u64,
        request: FetchRequest,
        width: u16,
    },
    Cancel {
        id: u64,
    },
    /// Stream `request`'s body to `path` (never over an existing file unless `overwrite`).
    Download {
        id: u64,
        request: FetchRequest,
        path: std::path::PathBuf,
        overwrite: bool,
    },
    CancelDownload {
        id: u64,
    },
    /// Write a file atomically (never over an existing one unless `overwrite`).
    SaveFile {
        path: std::path::PathBuf,
        bytes: Vec<u8>,
        overwrite: bool,
        what: SaveWhat,
    },
    ShowCookies {
        site: Url,
    },
    ClearCookies {
        site: Url,
    },
    /// Lay a document out for a width, off the thread that draws; answer with `Msg::Laid`.
    /// A newer layout of the same document stops this one.
    Layout {
        doc: Arc<Document>,
        width: u16,
    },
    /// Find `doc`'s article and lay it out for `width`, off the thread that draws; answer
    /// with `Msg::Reader`. A newer one stops this one.
    Reader {
        id: u64,
        doc: Arc<Document>,
        width: u16,
    },
    CancelReader {
        id: u64,
    },
    /// Edit a textarea's text in the user's editor ($VISUAL, $EDITOR, or vi).
    EditText {
        field: usize,
        text: String,
    },
    AddBookmark {
        url: String,
        title: String,
        folder: Vec<String>,
    },
    ChangeBookmark {
        url: String,
        change: BookmarkChange,
    },
    UndoBookmark,
    CheckBookmarks {
        urls: Vec<String>,
    },
    /// Trust this certificate for `host_port` from now on (the user saw its fingerprint).
    TrustCertificate {
        host_port: String,
        sha256: String,
        subject: String,
    },
    /// Hand a body to the user's viewer (mailcap, else xdg-open).
    OpenExternally {
        body: Vec<u8>,
        mime: String,
        name: String,
    },
    /// Rewrite bookmarks that point at `old` to point at `new`, through the bookmark store.
    RelinkBookmarks {
        old: String,
        new: Url,
    },
    Quit,
}

/// A page as shown: the document, its layout for the current width, and where the reader is.
pub struct Page {
    /// The address the user asked for: shown in the top bar, used by reload and bookmarks
    /// (the original URL after a 302/307).
    pub address: Url,
    pub doc: Arc<Document>,
    /// The layout shown: for the current width, or (while a new one is made) an older one.
    pub rendered: Rendered,
    /// The width a layout was asked for and has not come yet.
    pub wanted: Option<u16>,
    /// Where the view goes when the next layout comes.
    pub anchor: Anchor,
    pub scroll: usize,
    pub selected: Option<usize>,
    pub info: PageInfo,
    /// The request that brought the page, to repeat it (402 ChargeTo retry).
    pub request: Option<FetchRequest>,
    /// What the user typed or chose in the page's form fields.
    pub form_values: Vec<FieldValue>,
    /// The body as received, for view source and saving.
    pub body: Option<crate::net::Body>,
    /// This page is the source view of the page before it.
    pub is_source: bool,
    /// This page is the reader view of the page before it.
    pub is_reader: bool,
    /// Only the start of the page is here: its first screens, shown while it loaded, and the
    /// load was stopped (`loading` while it goes on).
    pub partial: bool,
    /// The load still going on for this page (it shows its first screens meanwhile).
    pub loading: Option<u64>,
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
    /// A page whose layout is yet to come (`App::push_page` asks for it).
    pub fn waiting(address: Url, doc: Arc<Document>) -> Page {
        Page::new(address, doc, Rendered::default())
    }

    pub fn new(address: Url, doc: Arc<Document>, rendered: Rendered) -> Page {
        let info = PageInfo { cache: CacheState::Local, charset: doc.charset.clone(), ..PageInfo::default() };
        let form_values = doc.forms.fields.iter().map(|f| f.initial.clone()).collect();
        Page {
            address,
            doc,
            rendered,
            scroll: 0,
            selected: None,
            info,
            request: None,
            form_values,
            body: None,
            is_source: false,
            is_reader: false,
            wanted: None,
            anchor: Anchor::Stay,
            partial: false,
            loading: None,
        }
    }

    /// Where the body came from (differs from `address` after a redirect).
    pub fn final_url(&self) -> &Url {
        self.info.final_url.as_ref().unwrap_or(&self.address)
    }
}

/// A bookmark as the app needs to know it: to offer a relink after a permanent move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookmarkRef {
    pub title: String,
    pub url: String,
    /// Folder titles from the top; empty for the top level.
    pub folder: Vec<String>,
}

/// The bookmark file as the shell last read it, after start-up or a change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookmarksUpdate {
    pub list: Vec<BookmarkRef>,
    /// Why the file cannot be changed (it could not be parsed), naming the line.
    pub read_only: Option<String>,
    /// What the change did, for the status line.
    pub message: Option<String>,
    /// Why a change failed.
    pub error: Option<String>,
}

/// How a finished load lands in the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadMode {
    Push,
    /// Reload: replace the current entry and keep the reader's place.
    Replace,
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
    /// Automatic retries (Retry-After) in a row that led to this load; 0 when the user
    /// asked for it.
    pub retries: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusLine {
    None,
    Info(String),
    Error(String),
}

/// An active search: its matches as (line, first char, end char).
#[derive(Clone, Debug, Default)]
pub struct Search {
    pub query: String,
    pub matches: Vec<(usize, usize, usize)>,
    pub current: Option<usize>,
}

pub struct App {
    pub width: u16,
    pub height: u16,
    pub history: History<Page>,
    pub pending: Option<Pending>,
    pub prompt: Option<Prompt>,
    pub status: StatusLine,
    pub search: Option<Search>,
    pub keymap: Keymap,
    /// Addresses typed at the URL prompt, oldest first, for Up/Down recall.
    pub typed_urls: Vec<String>,
    pub no_color: bool,
    /// Draw text in the page's own colours (`page_colours` in config.toml).
    pub page_colours: bool,
    /// The bookmarks, as last read by the shell.
    pub bookmarks: Vec<BookmarkRef>,
    /// Why the bookmark file cannot be changed, if it cannot.
    pub bookmarks_read_only: Option<String>,
    /// The folder the last bookmark went to, offered for the next.
    pub last_bookmark_folder: String,
    /// Credentials per origin for this session: (origin, realm) → Authorization value.
    pub auth: Vec<(String, Option<String>, String)>,
    /// Credentials given to proxies this session (each goes only to its proxy).
    pub proxy_auth: Vec<crate::net::ProxyCredential>,
    /// Relink offers still to ask, (bookmark, new address).
    pub relink_queue: Vec<(BookmarkRef, Url)>,
    /// A form field being edited in place.
    pub editing: Option<FieldEdit>,
    /// A select field's list, open.
    pub choosing: Option<SelectList>,
    /// Where downloads and saved pages are offered to go.
    pub download_dir: std::path::PathBuf,
    pub downloads: Vec<DownloadState>,
    /// The site whose cookies the cookie page shows.
    pub cookie_site: Option<Url>,
    /// Seconds until a page that asked for a later retry (503/429 Retry-After) is reloaded.
    pub retry_countdown: Option<u64>,
    /// A problem with the settings found at start: it stays on the status line, even over
    /// the first page's own message, until a key is pressed.
    pub warning_until_key: Option<String>,
    /// Automatic retries in a row that led to the page shown (see [`MAX_AUTO_RETRIES`]).
    pub retries: u32,
    /// The reader view being made: for which page, while which load was pending.
    pub(super) reader_job: Option<super::reader::ReaderJob>,
    pub(super) next_id: u64,
    /// Effects asked for along the way (a layout for a page just shown), handed out with
    /// those `update` returns.
    pub(super) outbox: Vec<Effect>,
}

impl App {
    pub fn new(keymap: Keymap, width: u16, height: u16) -> App {
        App {
            width,
            height,
            history: History::default(),
            pending: None,
            prompt: None,
            status: StatusLine::None,
            search: None,
            keymap,
            typed_urls: Vec::new(),
            no_color: false,
            page_colours: false,
            bookmarks: Vec::new(),
            bookmarks_read_only: None,
            last_bookmark_folder: String::new(),
            auth: Vec::new(),
            proxy_auth: Vec::new(),
            relink_queue: Vec::new(),
            editing: None,
            choosing: None,
            download_dir: std::path::PathBuf::from("."),
            downloads: Vec::new(),
            cookie_site: None,
            retry_countdown: None,
            warning_until_key: None,
            retries: 0,
            reader_job: None,
            next_id: 1,
            outbox: Vec::new(),
        }
    }

    pub fn page(&self) -> Option<&Page> {
        self.history.current()
    }

    /// Rows available for the page between the top bar and the status line.
    pub fn body_height(&self) -> usize {
        self.height.saturating_sub(2).max(1) as usize
    }

    /// What happened, and what must happen outside because of it.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = self.handle(msg);
        effects.extend(self.reader_left_behind());
        effects.append(&mut self.outbox);
        effects
    }

    /// Effects asked for outside `update` (after `show_start_page`, say).
    pub fn pending_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.outbox)
    }

    fn handle(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Msg::Key(_) => Vec::new(),
            Msg::Mouse(mouse) => self.on_mouse(mouse),
            Msg::Resize(w, h) => self.resize(w, h),
            Msg::Laid { doc, width, rendered } => {
                self.laid(doc, width, rendered);
                Vec::new()
            }
            Msg::Fetch(event) => self.on_fetch(event),
            Msg::Download(event) => {
                self.on_download(event);
                Vec::new()
            }
            Msg::Saved { what, result } => {
                self.saved(what, result);
                Vec::new()
            }
            Msg::Cookies { site, cookies, cleared } => {
                self.show_cookies(site, cookies, cleared);
                Vec::new()
            }
            Msg::TextEdited { field, result } => {
                self.text_edited(field, result);
                Vec::new()
            }
            Msg::Bookmarks(update) => {
                let error = update.error.clone();
                self.bookmarks_changed(update.list, update.read_only, update.message);
                if let Some(e) = error {
                    self.status = StatusLine::Error(e);
                }
                Vec::new()
            }
            Msg::BookmarkCheck(results) => {
                self.show_check_results(results);
                Vec::new()
            }
            Msg::Reader { id, view } => {
                self.reader_done(id, view);
                Vec::new()
            }
            Msg::CertificateTrusted { host_port, result } => self.certificate_trusted(&host_port, result),
            Msg::Opened(result) => {
                self.opened(result);
                Vec::new()
            }
            Msg::Tick => self.tick(),
            Msg::Terminate => vec![Effect::Quit],
        }
    }

    /// Show a problem found at start (a settings or keymap file with a mistake) until the
    /// user presses a key, whatever a load says meanwhile.
    pub fn warn_until_key(&mut self, warning: String) {
        self.status = StatusLine::Error(warning.clone());
        self.warning_until_key = Some(warning);
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        self.warning_until_key = None;
        if self.prompt.is_some() {
            return self.on_prompt_key(key);
        }
        if self.editing.is_some() {
            return self.on_field_key(key);
        }
        if self.choosing.is_some() {
            self.on_list_key(key);
            return Vec::new();
        }
        if let KeyCode::Char(c) = key.code {
            if c.is_ascii_digit() && key.modifiers.is_empty() {
                self.prompt = Some(Prompt::new(PromptKind::LinkNumber, c.to_string()));
                return Vec::new();
            }
        }
        match self.keymap.action_for(&key) {
            Some(action) => self.act(action),
            None => Vec::new(),
        }
    }

    pub fn act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::NextLink => self.next_link(),
            Action::PrevLink => self.prev_link(),
            Action::FollowLink => return self.follow_selected(),
            Action::Back => return self.go_back(),
            Action::Forward => return self.go_forward(),
            Action::GotoUrl => self.prompt = Some(Prompt::new(PromptKind::Url { recall: None }, "")),
            Action::EditUrl => {
                let current = self.page().map(|p| p.address.to_string()).unwrap_or_default();
                self.prompt = Some(Prompt::new(PromptKind::Url { recall: None }, current));
            }
            Action::Reload => return self.reload(),
            Action::PageDown => self.scroll_by(self.body_height() as isize),
            Action::PageUp => self.scroll_by(-(self.body_height() as isize)),
            Action::LineDown => self.scroll_by(1),
            Action::LineUp => self.scroll_by(-1),
            Action::Top => self.scroll_to(0),
            Action::Bottom => self.scroll_to(usize::MAX),
            Action::Search => self.prompt = Some(Prompt::new(PromptKind::Search, "")),
            Action::SearchNext => self.search_step(true),
            Action::SearchPrev => self.search_step(false),
            Action::Help => self.show_help(),
            Action::PageInfo => self.show_page_info(),
            Action::ChargeTo => self.ask_charge_to(),
            Action::Download => self.ask_download(),
            Action::AddBookmark => self.ask_add_bookmark(),
            Action::ViewBookmarks => self.show_bookmarks(),
            Action::BookmarkRename => return self.bookmark_key('R'),
            Action::BookmarkEditUrl => return self.bookmark_key('E'),
            Action::BookmarkMove => return self.bookmark_key('M'),
            Action::BookmarkDelete => return self.bookmark_key('X'),
            Action::BookmarkUndo => return self.bookmark_key('U'),
            Action::BookmarkCheck => return self.bookmark_key('C'),
            Action::SavePage => self.ask_save_page(),
            Action::ViewSource => self.view_source(),
            Action::ReaderView => return self.toggle_reader(),
            Action::OpenExternally => return self.open_externally(),
            Action::TrustCertificate => self.ask_trust_certificate(),
            Action::Cookies => return self.ask_cookies(false),
            Action::ClearCookies => return self.ask_cookies(true),
            Action::Cancel => return self.cancel(),
            Action::AskQuit => self.prompt = Some(Prompt::new(PromptKind::ConfirmQuit, "")),
            Action::Quit => return vec![Effect::Quit],
        }
        Vec::new()
    }

    fn on_prompt_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(mut prompt) = self.prompt.take() else { return Vec::new() };
        if prompt.kind.is_choice() {
            let answer = match key.code {
                KeyCode::Char(c) => c.to_ascii_lowercase(),
                KeyCode::Enter => 'y',
                KeyCode::Esc => 'n',
                _ => {
                    self.prompt = Some(prompt);
                    return Vec::new();
                }
            };
            return self.answer_choice(prompt.kind, answer);
        }
        match prompt.editor.handle(&key) {
            Edit::Submit => return self.answer(prompt),
            Edit::Cancel => return self.prompt_cancelled(prompt.kind),
            Edit::Changed => {}
            Edit::Other => {
                if let PromptKind::Url { recall } = &mut prompt.kind {
                    self.recall(recall, &mut prompt.editor, key.code);
                }
            }
        }
        self.prompt = Some(prompt);
        Vec::new()
    }

    /// Up/Down at the URL prompt walk through the addresses typed before.
    fn recall(&self, recall: &mut Option<usize>, editor: &mut super::prompt::LineEditor, code: KeyCode) {
        let n = self.typed_urls.len();
        let next = match (code, *recall) {
            (KeyCode::Up, None) if n > 0 => Some(n - 1),
            (KeyCode::Up, Some(i)) => Some(i.saturating_sub(1)),
            (KeyCode::Down, Some(i)) if i + 1 < n => Some(i + 1),
            (KeyCode::Down, Some(_)) => None,
            _ => return,
        };
        *recall = next;
        editor.set(next.map_or(String::new(), |i| self.typed_urls[i].clone()));
    }

    fn answer(&mut self, prompt: Prompt) -> Vec<Effect> {
        let text = prompt.editor.text.trim().to_string();
        match prompt.kind {
            PromptKind::Url { .. } => {
                if text.is_empty() {
                    return Vec::new();
                }
                self.typed_urls.retain(|t| *t != text);
                self.typed_urls.push(text.clone());
                self.open_typed(&text)
            }
            PromptKind::LinkNumber => match text.parse::<usize>() {
                Ok(n) if n >= 1 && self.page().is_some_and(|p| n <= p.rendered.links.len()) => {
                    self.follow_link(n - 1)
                }
                _ => {
                    self.status = StatusLine::Error(format!("There is no link number {text} on this page."));
                    Vec::new()
                }
            },
            PromptKind::Search => {
                self.start_search(&text);
                Vec::new()
            }
            PromptKind::Username { realm, host, proxy } => {
                let kind = PromptKind::Password { realm, host, user: prompt.editor.text.clone(), proxy };
                self.prompt = Some(Prompt::new(kind, ""));
                Vec::new()
            }
            PromptKind::Password { user, host, proxy: true, .. } => {
                self.send_proxy_credentials(host, &user, &prompt.editor.text)
            }
            PromptKind::Password { realm, user, .. } => {
                self.send_credentials(realm, &user, &prompt.editor.text)
            }
            PromptKind::ChargeTo => self.retry_with_charge_to(&text),
            PromptKind::SavePath { what } => self.answer_save(what, &text, false),
            PromptKind::BookmarkTitle { url } => {
                self.answer_bookmark_title(url, text);
                Vec::new()
            }
            PromptKind::BookmarkFolder { url, title } => self.answer_bookmark_folder(url, title, &text),
            PromptKind::BookmarkEdit { url, field } => self.answer_bookmark_edit(url, field, &text),
            _ => Vec::new(),
        }
    }

    fn tick(&mut self) -> Vec<Effect> {
        match self.retry_countdown {
            Some(0 | 1) => {
                self.retry_countdown = None;
                let effects = self.reload();
                if let Some(pending) = self.pending.as_mut() {
                    pending.retries = self.retries + 1;
                }
                effects
            }
            Some(n) => {
                self.retry_countdown = Some(n - 1);
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    pub(super) fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Show a page built here (start page, help, diagnostics) as a new history entry.
    pub fn show_document(&mut self, address: Url, doc: Document) {
        self.push_page(Page::waiting(address, Arc::new(doc)), LoadMode::Push);
    }
}
