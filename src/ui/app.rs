//! The browser's state and `App::update`, the one place where messages change it: the tabs,
//! and what they share — the mode that has the keys, the status line, bookmarks, credentials,
//! downloads, the visited links. Update does no I/O: what must happen outside (fetch, cancel,
//! quit) comes back as `Effect`s.

use super::bookmarks::BookmarkState;
use super::files::DownloadState;
use super::forms::{FieldEdit, SelectList};
use super::keymap::{Action, Keymap, Layer};
use super::msg::{Effect, LoadMode, Msg};
use super::prompt::{Choice, Edit, FormKey, Prompt, TextAsk, TextPrompt};
use super::tab::{Page, PageKind, Screen, Tab, TabId};
use crate::document::Document;
use crate::store::visited::Visited;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
use std::sync::Arc;
use url::Url;

/// How many times in a row a page that asks to come back later (Retry-After) is reloaded
/// by itself; then it waits for the user, so that a server answering "retry in 0 s" cannot
/// make margay reload forever.
pub const MAX_AUTO_RETRIES: u32 = 3;

/// How many earlier addresses and searches Up recalls.
const RECALLED: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusLine {
    None,
    Info(String),
    Error(String),
}

/// How the app draws and where it saves, as the settings say.
#[derive(Clone, Debug)]
pub struct Settings {
    pub no_color: bool,
    /// Draw text in the page's own colours (`page_colours` in config.toml).
    pub page_colours: bool,
    /// Where downloads and saved pages are offered to go.
    pub download_dir: std::path::PathBuf,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { no_color: false, page_colours: false, download_dir: std::path::PathBuf::from(".") }
    }
}

/// What has the keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The page, through the keymap.
    Browse,
    /// A prompt on the bottom line.
    Prompt(Prompt),
    /// A form field, edited where it stands.
    EditField(FieldEdit),
    /// A select field's open list.
    ChooseOption(SelectList),
    /// Link hints: the links on screen labelled, a label or text being typed.
    Hints(super::hints::Hints),
}

pub struct App {
    pub(super) width: u16,
    pub(super) height: u16,
    /// Never empty.
    pub(super) tabs: Vec<Tab>,
    pub(super) active: usize,
    pub(super) mode: Mode,
    pub(super) status: StatusLine,
    pub(super) keymap: Keymap,
    pub(super) settings: Settings,
    /// Addresses typed at the URL prompt and searches, oldest first, for Up/Down recall.
    pub(super) typed_urls: Vec<String>,
    pub(super) searches: Vec<String>,
    pub(super) bookmarks: BookmarkState,
    /// Credentials per origin for this session: (origin, realm) → Authorization value.
    pub(super) auth: Vec<super::asks::GivenCredentials>,
    /// Credentials given to proxies this session (each goes only to its proxy).
    pub(super) proxy_auth: Vec<crate::net::ProxyCredential>,
    /// Relink offers still to ask, (bookmark, new address).
    pub(super) relink_queue: Vec<(super::msg::BookmarkRef, Url)>,
    pub(super) downloads: Vec<DownloadState>,
    pub(super) visited: Visited,
    /// The visited links changed since they were last handed out to be saved.
    pub(super) visited_dirty: bool,
    /// A problem with the settings found at start: it stays on the status line, even over
    /// the first page's own message, until a key is pressed.
    pub(super) warning_until_key: Option<String>,
    /// The reader view being made: for which page, while which load was pending.
    pub(super) reader_job: Option<super::reader::ReaderJob>,
    /// The last session, to resume, and what was last handed out to be saved.
    pub(super) sessions: super::session::Sessions,
    next_id: u64,
    next_tab: u64,
    /// Effects asked for along the way (a layout for a page just shown), handed out with
    /// those `update` returns.
    pub(super) outbox: Vec<Effect>,
}

impl App {
    pub fn new(keymap: Keymap, width: u16, height: u16) -> App {
        App {
            width,
            height,
            tabs: vec![Tab::new(TabId(1))],
            active: 0,
            mode: Mode::Browse,
            status: StatusLine::None,
            keymap,
            settings: Settings::default(),
            typed_urls: Vec::new(),
            searches: Vec::new(),
            bookmarks: BookmarkState::default(),
            auth: Vec::new(),
            proxy_auth: Vec::new(),
            relink_queue: Vec::new(),
            downloads: Vec::new(),
            visited: Visited::default(),
            visited_dirty: false,
            warning_until_key: None,
            reader_job: None,
            sessions: Default::default(),
            next_id: 1,
            next_tab: 2,
            outbox: Vec::new(),
        }
    }

    pub fn with_settings(mut self, settings: Settings) -> App {
        self.settings = settings;
        self
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    pub fn width(&self) -> u16 {
        self.width
    }

    pub fn height(&self) -> u16 {
        self.height
    }

    /// The tab shown.
    pub fn tab(&self) -> &Tab {
        &self.tabs[self.active]
    }

    pub(super) fn tab_mut(&mut self) -> &mut Tab {
        &mut self.tabs[self.active]
    }

    pub fn tabs(&self) -> &[Tab] {
        &self.tabs
    }

    /// The position of the tab shown among the tabs.
    pub fn active_tab(&self) -> usize {
        self.active
    }

    /// The page shown.
    pub fn page(&self) -> Option<&Page> {
        self.tab().page()
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    pub fn prompt(&self) -> Option<&Prompt> {
        match &self.mode {
            Mode::Prompt(p) => Some(p),
            _ => None,
        }
    }

    pub fn status(&self) -> &StatusLine {
        &self.status
    }

    pub fn visited(&self) -> &Visited {
        &self.visited
    }

    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    /// The tab bar takes a row when there are two tabs or more.
    pub fn shows_tab_bar(&self) -> bool {
        self.tabs.len() > 1
    }

    /// Rows available for the page between the bars and the status line.
    pub fn body_height(&self) -> usize {
        let bars = if self.shows_tab_bar() { 3 } else { 2 };
        self.height.saturating_sub(bars).max(1) as usize
    }

    pub(super) fn screen(&self) -> Screen {
        Screen { width: self.width, body_height: self.body_height() }
    }

    /// The first row of the page's area on the screen.
    pub fn body_top(&self) -> u16 {
        if self.shows_tab_bar() {
            2
        } else {
            1
        }
    }

    /// What happened, and what must happen outside because of it.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        // Only a message changes what a session keeps: a quiet second costs nothing.
        if !matches!(msg, Msg::Tick) {
            self.sessions.changed = true;
        }
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
            Msg::Resize(w, h) => {
                self.resize(w, h);
                Vec::new()
            }
            Msg::Laid { doc, width, rendered } => {
                if let Some(rendered) = rendered {
                    let screen = self.screen();
                    for tab in &mut self.tabs {
                        tab.laid(doc, width, &rendered, screen);
                    }
                }
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
                self.bookmarks_changed(update);
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
            Msg::Visited { visited, problem } => {
                // Visits made before the file was read stay, as the newest.
                let made_here = std::mem::replace(&mut self.visited, visited);
                self.visited.merge(&made_here);
                if let Some(problem) = problem {
                    self.status = StatusLine::Error(problem);
                }
                Vec::new()
            }
            Msg::Copied(result) => {
                self.copied(result);
                Vec::new()
            }
            Msg::VisitedNotSaved(problem) => {
                self.status = StatusLine::Error(problem);
                Vec::new()
            }
            Msg::SessionNotSaved(problem) => {
                self.session_not_saved(problem);
                Vec::new()
            }
            Msg::LastSession { found, saved_by } => {
                self.last_session(found, saved_by);
                Vec::new()
            }
            Msg::SessionTakenOver => {
                self.session_taken_over();
                Vec::new()
            }
            Msg::Tick => self.tick(),
            Msg::Suspend => vec![Effect::Suspend],
            Msg::Terminate => self.quit(),
        }
    }

    fn resize(&mut self, width: u16, height: u16) {
        // The labels were placed for the old screen.
        if matches!(self.mode, Mode::Hints(_)) {
            self.mode = Mode::Browse;
        }
        let width_changed = width != self.width;
        self.width = width;
        self.height = height;
        if width_changed {
            // Every tab's page, the shown one first: switching tabs then shows a page laid
            // out for this width.
            let order =
                std::iter::once(self.active).chain((0..self.tabs.len()).filter(|i| *i != self.active));
            for i in order.collect::<Vec<_>>() {
                if let Some(effect) = self.tabs[i].request_layout(width) {
                    self.outbox.push(effect);
                }
            }
        }
        let screen = self.screen();
        self.tab_mut().clamp_scroll(screen);
    }

    /// Show a problem found at start (a settings or keymap file with a mistake) until the
    /// user presses a key, whatever a load says meanwhile.
    pub fn warn_until_key(&mut self, warning: String) {
        self.status = StatusLine::Error(warning.clone());
        self.warning_until_key = Some(warning);
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        self.warning_until_key = None;
        match std::mem::replace(&mut self.mode, Mode::Browse) {
            Mode::Browse => self.on_browse_key(key),
            Mode::Prompt(prompt) => self.on_prompt_key(prompt, key),
            Mode::EditField(edit) => self.on_field_key(edit, key),
            Mode::ChooseOption(list) => {
                self.on_list_key(list, key);
                Vec::new()
            }
            Mode::Hints(hints) => self.on_hints_key(hints, key),
        }
    }

    fn on_browse_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if let KeyCode::Char(c) = key.code {
            if c.is_ascii_digit() && key.modifiers.is_empty() {
                self.ask(Prompt::Text(TextPrompt::new(TextAsk::LinkNumber, c.to_string())));
                return Vec::new();
            }
        }
        let layer = self.page().map_or(Layer::Page, |p| p.kind.layer());
        match self.keymap.action_for(layer, &key) {
            Some(action) => self.act(action),
            None => {
                // A key of another kind of page says where it works, rather than nothing.
                if let Some(action) = self.keymap.action_elsewhere(&key) {
                    let key = super::keymap::Key::from_event(&key).label();
                    let place = action.layer().title();
                    self.status = StatusLine::Info(format!(
                        "{key} works {}{}: {}.",
                        place[..1].to_lowercase(),
                        &place[1..],
                        action.description().to_lowercase()
                    ));
                }
                Vec::new()
            }
        }
    }

    /// Do what an action asks. Keys that move the selection or the view first clear the
    /// status line, which then shows the selected link again.
    pub fn act(&mut self, action: Action) -> Vec<Effect> {
        let screen = self.screen();
        if moves_view(action) {
            self.status = StatusLine::None;
        }
        match action {
            Action::NextLink => self.tab_mut().next_link(screen),
            Action::PrevLink => self.tab_mut().prev_link(screen),
            Action::FollowLink => return self.follow_selected(),
            Action::Back => return self.go_back(),
            Action::Forward => return self.go_forward(),
            Action::HistoryPage => self.show_history(),
            Action::ListLinks => self.show_links(),
            Action::LinkHints => self.start_hints(),
            Action::CopyAddress => return self.copy_address(true),
            Action::CopyPageAddress => return self.copy_address(false),
            Action::GotoUrl => self.ask(Prompt::Text(TextPrompt::new(TextAsk::Url, ""))),
            Action::EditUrl => {
                let current = self.page().map(|p| p.address.to_string()).unwrap_or_default();
                self.ask(Prompt::Text(TextPrompt::new(TextAsk::Url, current)));
            }
            Action::Reload => return self.reload(),
            Action::PageDown => self.tab_mut().scroll_by(screen.body_height as isize, screen),
            Action::PageUp => self.tab_mut().scroll_by(-(screen.body_height as isize), screen),
            Action::LineDown => self.tab_mut().scroll_by(1, screen),
            Action::LineUp => self.tab_mut().scroll_by(-1, screen),
            Action::Top => self.tab_mut().scroll_to(0, screen),
            Action::Bottom => self.tab_mut().scroll_to(usize::MAX, screen),
            Action::Search => self.ask(Prompt::Text(TextPrompt::new(TextAsk::Search, ""))),
            Action::SearchNext => self.status = self.tab_mut().search_step(true, screen),
            Action::SearchPrev => self.status = self.tab_mut().search_step(false, screen),
            Action::NewTab => return self.open_in_new_tab(),
            Action::PrevTab => self.switch_by(-1),
            Action::NextTab => self.switch_by(1),
            Action::CloseTab => return self.close_tab(),
            Action::Help => self.show_help(),
            Action::PageInfo => self.show_page_info(),
            Action::NetworkLog => self.show_network_log(),
            Action::ChargeTo => self.ask_charge_to(),
            Action::Download => self.ask_download(),
            Action::AddBookmark => self.ask_add_bookmark(),
            Action::ViewBookmarks => self.show_bookmarks(),
            Action::SavePage => self.ask_save_page(),
            Action::ViewSource => self.view_source(),
            Action::ReaderView => return self.toggle_reader(),
            Action::OpenExternally => return self.open_externally(),
            Action::TrustCertificate => self.ask_trust_certificate(),
            Action::Cookies => return self.ask_cookies(),
            Action::Cancel => return self.cancel(),
            Action::AskQuit => self.ask(Prompt::Choice(Choice::ConfirmQuit { last_tab: false })),
            Action::Quit => return self.quit(),
            Action::Suspend => return vec![Effect::Suspend],
            Action::BookmarkRename => self.edit_bookmark(super::prompt::BookmarkField::Title),
            Action::BookmarkEditUrl => self.edit_bookmark(super::prompt::BookmarkField::Address),
            Action::BookmarkMove => self.edit_bookmark(super::prompt::BookmarkField::Folder),
            Action::BookmarkDelete => self.ask_delete_bookmark(),
            Action::BookmarkUndo => return self.undo_bookmark(),
            Action::BookmarkCheck => return self.check_bookmarks(),
            Action::ClearCookies => self.ask_forget_cookies(),
            Action::ForgetVisited => self.ask_forget_visited(),
        }
        Vec::new()
    }

    /// Open a prompt.
    pub(super) fn ask(&mut self, prompt: Prompt) {
        self.mode = Mode::Prompt(prompt);
    }

    fn on_prompt_key(&mut self, prompt: Prompt, key: KeyEvent) -> Vec<Effect> {
        match prompt {
            Prompt::Choice(choice) => match choice.reply(&key) {
                Some(reply) => self.answer_choice(choice, reply),
                None => {
                    self.mode = Mode::Prompt(Prompt::Choice(choice));
                    Vec::new()
                }
            },
            Prompt::Text(mut text) => match text.editor.handle(&key) {
                Edit::Submit => self.answer_text(text),
                Edit::Cancel => self.text_cancelled(text.ask),
                Edit::Changed => {
                    self.mode = Mode::Prompt(Prompt::Text(text));
                    Vec::new()
                }
                Edit::Other => {
                    self.recall(&mut text, key.code);
                    self.mode = Mode::Prompt(Prompt::Text(text));
                    Vec::new()
                }
            },
            Prompt::Bookmark(mut form) => match form.handle(&key) {
                FormKey::Submit => self.add_bookmark(form),
                FormKey::Cancel => Vec::new(),
                FormKey::Changed => {
                    self.mode = Mode::Prompt(Prompt::Bookmark(form));
                    Vec::new()
                }
            },
        }
    }

    /// Up/Down at the URL and search prompts walk through what was typed there before.
    fn recall(&self, prompt: &mut TextPrompt, code: KeyCode) {
        let earlier = match prompt.ask {
            TextAsk::Url => &self.typed_urls,
            TextAsk::Search => &self.searches,
            _ => return,
        };
        let n = earlier.len();
        let next = match (code, prompt.recall) {
            (KeyCode::Up, None) if n > 0 => Some(n - 1),
            (KeyCode::Up, Some(i)) => Some(i.saturating_sub(1)),
            (KeyCode::Down, Some(i)) if i + 1 < n => Some(i + 1),
            (KeyCode::Down, Some(_)) => None,
            _ => return,
        };
        prompt.recall = next;
        prompt.editor.set(next.map_or(String::new(), |i| earlier[i].clone()));
    }

    fn answer_text(&mut self, prompt: TextPrompt) -> Vec<Effect> {
        let raw = prompt.editor.text;
        let text = raw.trim().to_string();
        match prompt.ask {
            TextAsk::Url => {
                if text.is_empty() {
                    return Vec::new();
                }
                remember(&mut self.typed_urls, &text);
                self.open_typed(&text)
            }
            TextAsk::LinkNumber => match text.parse::<usize>() {
                Ok(n) if n >= 1 && self.page().is_some_and(|p| n <= p.rendered.links.len()) => {
                    self.follow_link(n - 1)
                }
                _ => {
                    self.status = StatusLine::Error(format!("There is no link number {text} on this page."));
                    Vec::new()
                }
            },
            TextAsk::Search => {
                if !text.is_empty() {
                    remember(&mut self.searches, &text);
                }
                let screen = self.screen();
                self.status = self.tab_mut().start_search(&text, screen);
                Vec::new()
            }
            TextAsk::Username { realm, host, proxy } => {
                let ask = TextAsk::Password { realm, host, user: raw, proxy };
                self.ask(Prompt::Text(TextPrompt::new(ask, "")));
                Vec::new()
            }
            TextAsk::Password { user, host, proxy: true, .. } => {
                self.send_proxy_credentials(host, &user, &raw)
            }
            TextAsk::Password { realm, user, proxy: false, .. } => self.send_credentials(realm, &user, &raw),
            TextAsk::ChargeTo => self.retry_with_charge_to(&text),
            TextAsk::SavePath { what } => self.answer_save(what, &text, false),
            TextAsk::BookmarkEdit { bookmark, field } => self.answer_bookmark_edit(bookmark, field, &text),
        }
    }

    fn tick(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        for i in 0..self.tabs.len() {
            effects.extend(self.tick_tab(i));
        }
        effects.extend(self.save_visited());
        effects.extend(self.session_to_save(false));
        effects
    }

    /// The visited links to be saved, if they changed.
    fn save_visited(&mut self) -> Option<Effect> {
        if !std::mem::take(&mut self.visited_dirty) {
            return None;
        }
        Some(Effect::SaveVisited { text: self.visited.to_text() })
    }

    /// Quit: what is not saved yet is saved first.
    pub(super) fn quit(&mut self) -> Vec<Effect> {
        let mut effects: Vec<Effect> = self.save_visited().into_iter().collect();
        effects.extend(self.session_to_save(true));
        effects.push(Effect::Quit);
        effects
    }

    pub(super) fn mark_visited(&mut self, url: &Url) {
        if self.visited.insert(url) {
            self.visited_dirty = true;
        }
    }

    pub(super) fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    pub(super) fn new_tab_id(&mut self) -> TabId {
        let id = TabId(self.next_tab);
        self.next_tab += 1;
        id
    }

    /// Show a page built here (start page, help, diagnostics) as a new history entry.
    pub fn show_document(&mut self, address: Url, kind: PageKind, doc: Document) {
        self.push_page(Page::waiting(address, kind, Arc::new(doc)), LoadMode::Push);
    }

    /// Select link `index` of the page shown (as typing its number would, without following).
    pub fn select_link(&mut self, index: usize) {
        let screen = self.screen();
        self.tab_mut().select(index, screen);
    }

    /// Put the top of the screen at `line` of the page shown.
    pub fn scroll_to(&mut self, line: usize) {
        let screen = self.screen();
        self.tab_mut().scroll_to(line, screen);
    }

    /// The link drawn at a screen cell, if any.
    pub fn link_at(&self, column: u16, row: u16) -> Option<usize> {
        let top = self.body_top();
        if row < top || (row - top) as usize >= self.body_height() {
            return None;
        }
        self.tab().link_at(column, (row - top) as usize)
    }
}

impl App {
    /// `f`: label the links and fields on screen.
    fn start_hints(&mut self) {
        let rows = self.body_height();
        match self.page().and_then(|page| super::hints::Hints::new(page, rows)) {
            Some(hints) => {
                self.status = StatusLine::None;
                self.mode = Mode::Hints(hints);
            }
            None => self.status = StatusLine::Info("There is no link or form field on this screen.".into()),
        }
    }

    fn on_hints_key(&mut self, mut hints: super::hints::Hints, key: KeyEvent) -> Vec<Effect> {
        use super::hints::HintKey;
        // A load that ended meanwhile replaced the page the labels were made for.
        if !self.page().is_some_and(|page| hints.fits(page)) {
            let key = self.keymap.key_label(Action::LinkHints);
            self.status = StatusLine::Info(format!("The page changed; {key} labels its links again."));
            return Vec::new();
        }
        match hints.on_key(&key) {
            HintKey::Choosing => {
                self.mode = Mode::Hints(hints);
                Vec::new()
            }
            HintKey::Follow(link) => self.follow_link(link),
            HintKey::NoMatch => {
                let filter = super::status::clean(&hints.filter);
                self.status = StatusLine::Error(format!("No link on this screen has the text '{filter}'."));
                Vec::new()
            }
            HintKey::Leave => Vec::new(),
        }
    }
}

/// Keys that move the selection or the view: the status line gives way to the selected link.
fn moves_view(action: Action) -> bool {
    matches!(
        action,
        Action::NextLink
            | Action::PrevLink
            | Action::PageDown
            | Action::PageUp
            | Action::LineDown
            | Action::LineUp
            | Action::Top
            | Action::Bottom
            | Action::SearchNext
            | Action::SearchPrev
    )
}

/// Keep `text` as the newest of what was typed (once), at most [`RECALLED`].
fn remember(list: &mut Vec<String>, text: &str) {
    list.retain(|t| t != text);
    list.push(text.to_string());
    if list.len() > RECALLED {
        list.remove(0);
    }
}

impl App {
    fn on_mouse(&mut self, mouse: ratatui::crossterm::event::MouseEvent) -> Vec<Effect> {
        use ratatui::crossterm::event::{MouseButton, MouseEventKind};
        /// Lines scrolled by one turn of the mouse wheel.
        const WHEEL_STEP: isize = 3;
        let screen = self.screen();
        match mouse.kind {
            MouseEventKind::ScrollDown => {
                self.status = StatusLine::None;
                self.tab_mut().scroll_by(WHEEL_STEP, screen);
            }
            MouseEventKind::ScrollUp => {
                self.status = StatusLine::None;
                self.tab_mut().scroll_by(-WHEEL_STEP, screen);
            }
            MouseEventKind::Down(MouseButton::Left) if self.mode == Mode::Browse => {
                if let Some(link) = self.link_at(mouse.column, mouse.row) {
                    return self.follow_link(link);
                }
            }
            _ => {}
        }
        Vec::new()
    }
}
