//! Navigation: turning what the user asked for into requests, and answers into pages. The
//! meaning of each status code comes from `policy::decide`; this module only carries it out.

use super::app::{App, Effect, LoadMode, Page, Pending, StatusLine};
use super::prompt::{Prompt, PromptKind};
use crate::document::Document;
use crate::navigation::{Navigation, Shown, Step};
use crate::net::{FetchEvent, FetchRequest, Loaded};
use crate::policy::DiagnosisKind;
use url::Url;

/// Turn what was typed at the URL prompt into an address, as lynx and w3m would: absolute
/// URLs as they are, `example.com` or `localhost:8080` as a web address, anything else
/// relative to the current page (or the working directory when there is none).
pub fn resolve_typed(input: &str, base: Option<&Url>) -> Result<Url, String> {
    let input = input.trim();
    match Url::parse(input) {
        // "localhost:8080" parses as scheme "localhost"; only take real schemes.
        Ok(url) if KNOWN_SCHEMES.contains(&url.scheme()) => return Ok(url),
        // "scheme://…" is meant as an address: a mistake in it is said, never read as a path.
        Err(e) if input.split_once("://").is_some_and(|(scheme, _)| is_scheme(scheme)) => {
            return Err(format!("'{input}' is not a valid address: {e}"));
        }
        _ => {}
    }
    if looks_like_host(input) {
        let host = input.split(['/', ':', '?', '#']).next().unwrap_or("");
        let scheme =
            if host == "localhost" || host.parse::<std::net::Ipv4Addr>().is_ok() { "http" } else { "https" };
        return Url::parse(&format!("{scheme}://{input}"))
            .map_err(|e| format!("'{input}' is not a valid address: {e}"));
    }
    if let Some(base) = base.filter(|b| b.scheme() != "about") {
        return base.join(input).map_err(|e| format!("'{input}' is not a valid address: {e}"));
    }
    let path = std::path::Path::new(input);
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| e.to_string())?.join(path)
    };
    // Parsed again so that `..` and `.` segments are resolved ("../" is the parent, not
    // "file:///cwd/..").
    Url::from_file_path(&absolute)
        .ok()
        .and_then(|url| Url::parse(url.as_str()).ok())
        .ok_or_else(|| format!("'{input}' is not a valid address"))
}

/// Schemes taken as they are (those margay cannot open are refused by name later).
const KNOWN_SCHEMES: &[&str] = &[
    "http",
    "https",
    "file",
    "about",
    "data",
    "ftp",
    "mailto",
    "javascript",
    "gopher",
    "news",
    "telnet",
    "ssh",
];

fn is_scheme(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn looks_like_host(input: &str) -> bool {
    let host_port = input.split(['/', '?', '#']).next().unwrap_or("");
    let host = host_port.split(':').next().unwrap_or("");
    if host.is_empty() || input.starts_with('.') || input.contains(' ') {
        return false;
    }
    if host == "localhost" || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return true;
    }
    // A dotted name whose last label is alphabetic, and not a file name: "example.com" yes,
    // "page.html" no.
    let Some((_, last)) = host.rsplit_once('.') else { return false };
    const FILE_ENDINGS: &[&str] = &[
        "html", "htm", "txt", "md", "php", "xml", "json", "css", "js", "pdf", "png", "jpg", "gif", "rs",
        "toml",
    ];
    last.len() >= 2
        && last.chars().all(|c| c.is_ascii_alphabetic())
        && !FILE_ENDINGS.contains(&last.to_ascii_lowercase().as_str())
}

fn without_fragment(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    u
}

impl App {
    pub fn open_typed(&mut self, text: &str) -> Vec<Effect> {
        let base = self.page().map(|p| p.doc.base.clone());
        match resolve_typed(text, base.as_ref()) {
            Ok(url) => self.navigate(url, LoadMode::Push, true),
            Err(message) => {
                self.status = StatusLine::Error(message);
                Vec::new()
            }
        }
    }

    pub fn follow_selected(&mut self) -> Vec<Effect> {
        match self.page().and_then(|p| p.selected) {
            Some(i) => self.follow_link(i),
            None => Vec::new(),
        }
    }

    pub fn follow_link(&mut self, index: usize) -> Vec<Effect> {
        let Some(page) = self.history.current_mut() else { return Vec::new() };
        page.selected = Some(index);
        let Some(link) = page.rendered.links.get(index).cloned() else { return Vec::new() };
        let local_page = page.address.scheme() == "file" || page.address.scheme() == "about";
        if let Some(field) = crate::document::forms::field_of_href(&link.href) {
            return self.activate_field(field);
        }
        match link.target {
            Some(url) => self.navigate(url, LoadMode::Push, local_page),
            None => {
                self.status =
                    StatusLine::Error(format!("Cannot follow '{}': not a valid address.", link.href));
                Vec::new()
            }
        }
    }

    /// Go to `url`: scroll within the page for a fragment of the current document,
    /// otherwise start a load that supersedes any load still running.
    pub fn navigate(&mut self, url: Url, mode: LoadMode, typed_by_user: bool) -> Vec<Effect> {
        self.status = StatusLine::None;
        if url.scheme() == "about" {
            return self.open_about(&url);
        }
        if let (Some(fragment), Some(page), LoadMode::Push) = (url.fragment(), self.page(), mode) {
            if without_fragment(&page.address) == without_fragment(&url)
                || without_fragment(page.final_url()) == without_fragment(&url)
            {
                let fragment = fragment.to_string();
                return self.jump_to_fragment(url, &fragment);
            }
        }
        if url.scheme() == "file" && !typed_by_user {
            // A remote page must not open local files (a link could read them); typed addresses and
            // links on local pages may.
            self.status = StatusLine::Error(format!("A web page cannot open local files ({url})."));
            return Vec::new();
        }
        if !matches!(url.scheme(), "http" | "https" | "file") {
            self.status =
                StatusLine::Error(format!("margay cannot open {}: addresses ({url}).", url.scheme()));
            return Vec::new();
        }
        let mut effects = self.cancel_pending();
        let nav = Navigation::new(url, typed_by_user);
        effects.extend(self.start(nav, mode));
        effects
    }

    /// Start a navigation, superseding any load still running.
    pub fn start(&mut self, nav: Navigation, mode: LoadMode) -> Vec<Effect> {
        let mut effects = self.cancel_pending();
        let request = nav.request.clone();
        let pending = Pending {
            id: 0,
            nav,
            mode,
            bytes: 0,
            total: None,
            asking: false,
            on_cancel: None,
            form: None,
            retries: 0,
        };
        effects.extend(self.fetch_next(pending, request));
        effects
    }

    fn jump_to_fragment(&mut self, url: Url, fragment: &str) -> Vec<Effect> {
        let Some(page) = self.page() else { return Vec::new() };
        let Some(&line) = page.rendered.anchors.get(fragment) else {
            self.status = StatusLine::Error(format!("No '#{fragment}' on this page."));
            return Vec::new();
        };
        let mut entry = Page::new(url, page.doc.clone(), page.rendered.clone());
        entry.info = page.info.clone();
        entry.request = page.request.clone();
        entry.body = page.body.clone();
        entry.form_values = page.form_values.clone();
        entry.scroll = line;
        self.push_page(entry, LoadMode::Push);
        self.clamp_scroll();
        self.select_first_visible();
        Vec::new()
    }

    fn open_about(&mut self, url: &Url) -> Vec<Effect> {
        match url.path() {
            "blank" => self.show_document(url.clone(), Document::from_html(url, "")),
            "help" => self.show_help(),
            _ => self.show_start_page(),
        }
        Vec::new()
    }

    pub fn show_start_page(&mut self) {
        let url = Url::parse("about:start").expect("a constant URL");
        let doc = Document::from_html(&url, crate::ui::help::START_PAGE);
        self.show_document(url, doc);
    }

    pub fn show_help(&mut self) {
        let url = Url::parse("about:help").expect("a constant URL");
        let doc = Document::from_html(&url, &crate::ui::help::help_html(&self.keymap));
        self.show_document(url, doc);
    }

    pub fn show_page_info(&mut self) {
        let Some(page) = self.page() else { return };
        let url = Url::parse("about:info").expect("a constant URL");
        let doc = Document::from_html(&url, &crate::ui::info::page_info_html(page));
        self.show_document(url, doc);
    }

    pub fn go_back(&mut self) -> Vec<Effect> {
        let effects = self.cancel_pending();
        if self.history.back() {
            self.after_history_move();
        } else {
            self.status = StatusLine::Info("Already at the first page.".into());
        }
        effects
    }

    pub fn go_forward(&mut self) -> Vec<Effect> {
        let effects = self.cancel_pending();
        if self.history.forward() {
            self.after_history_move();
        } else {
            self.status = StatusLine::Info("No page ahead.".into());
        }
        effects
    }

    fn after_history_move(&mut self) {
        self.status = StatusLine::None;
        self.ensure_rendered();
        self.refresh_search();
    }

    pub fn reload(&mut self) -> Vec<Effect> {
        let Some(page) = self.page() else { return Vec::new() };
        let address = page.address.clone();
        self.navigate(address, LoadMode::Replace, true)
    }

    /// Esc: stop the load in progress, or clear the search and messages.
    pub fn cancel(&mut self) -> Vec<Effect> {
        if let Some(effect) = self.cancel_reader() {
            return vec![effect];
        }
        let countdown = self.retry_countdown.is_some();
        let effects = self.cancel_pending();
        if countdown && effects.is_empty() {
            self.status = StatusLine::Info("No automatic retry; Ctrl-R reloads.".into());
            return effects;
        }
        if effects.is_empty() {
            if let Some(effect) = self.cancel_download() {
                return vec![effect];
            }
            self.search = None;
            self.status = StatusLine::None;
        } else if self.page().is_some_and(|p| p.partial) {
            self.status = StatusLine::Info(
                "Load stopped: only the start of the page is here; Ctrl-R loads it whole.".into(),
            );
        } else {
            self.status = StatusLine::Info("Load cancelled.".into());
        }
        effects
    }

    fn cancel_pending(&mut self) -> Vec<Effect> {
        self.retry_countdown = None;
        match self.pending.take() {
            Some(p) => {
                // Its first screens stay, marked as only the start of the page.
                for page in self.history.iter_mut().filter(|page| page.loading == Some(p.id)) {
                    page.loading = None;
                    page.partial = true;
                }
                vec![Effect::Cancel { id: p.id }]
            }
            None => Vec::new(),
        }
    }

    /// A load's first screens, while the rest of the page arrives: shown as the page, its
    /// links and search working on what is there; the whole page takes their place.
    fn show_preview(&mut self, id: u64, preview: crate::document::Preview) {
        let Some(pending) = self.pending.as_ref().filter(|p| p.id == id) else { return };
        let (address, mode) = (pending.nav.address.clone(), pending.mode);
        let mut doc = Document::from_text(&address, String::new());
        doc.title = preview.title;
        let mut page = Page::new(address, std::sync::Arc::new(doc), preview.rendered);
        page.loading = Some(id);
        page.info.requested = Some(pending.nav.requested.clone());
        page.info.final_url = Some(pending.nav.request.url.clone());
        if mode == LoadMode::Replace {
            if let Some(old) = self.page() {
                page.scroll = old.scroll;
                page.selected = old.selected;
            }
        }
        let status = std::mem::replace(&mut self.status, StatusLine::None);
        self.push_page(page, mode);
        self.status = status;
    }

    pub(super) fn on_fetch(&mut self, event: FetchEvent) -> Vec<Effect> {
        match event {
            FetchEvent::Preview { id, preview } => {
                self.show_preview(id, *preview);
                Vec::new()
            }
            FetchEvent::Progress { id, bytes, total } => {
                if let Some(p) = self.pending.as_mut().filter(|p| p.id == id) {
                    p.bytes = bytes;
                    p.total = total;
                }
                Vec::new()
            }
            FetchEvent::Done { id, result } => {
                // A superseded or cancelled load's answer is dropped here.
                let Some(pending) = self.pending.take_if(|p| p.id == id) else { return Vec::new() };
                match result {
                    Ok(loaded) => self.on_loaded(pending, *loaded),
                    Err(failure) => {
                        let step = pending.nav.fail(&failure);
                        self.carry_out(pending, step)
                    }
                }
            }
        }
    }

    fn on_loaded(&mut self, mut pending: Pending, loaded: Loaded) -> Vec<Effect> {
        let step = pending.nav.step(loaded);
        self.carry_out(pending, step)
    }

    pub(super) fn carry_out(&mut self, mut pending: Pending, step: Step) -> Vec<Effect> {
        match step {
            Step::Fetch(request) => self.fetch_next(pending, request),
            Step::Keep { message, reset_form } => {
                // 204: the view, history, scroll, selection and typed values stay exactly as
                // they were; 205 asks for the form to be cleared.
                if let (true, Some(form)) = (reset_form, pending.form) {
                    self.reset_form(form);
                }
                self.status = StatusLine::Info(message);
                Vec::new()
            }
            Step::Show(shown) => {
                self.land(&pending, *shown);
                Vec::new()
            }
            Step::AskResend { status, method, to } => {
                pending.asking = true;
                self.pending = Some(pending);
                self.prompt =
                    Some(Prompt::new(PromptKind::Resend { status, method, to: to.to_string() }, ""));
                Vec::new()
            }
            Step::AskCredentials { realm, on_cancel, proxy } => {
                let url = pending.nav.request.url.clone();
                // Credentials already tried for this space were refused: forget them.
                match &proxy {
                    Some(name) if pending.nav.ctx.proxy_auth_attempts > 0 => {
                        self.proxy_auth.retain(|c| c.proxy != *name)
                    }
                    None if pending.nav.ctx.auth_attempts > 0 => self.forget_credentials(&url, &realm),
                    _ => {}
                }
                pending.asking = true;
                pending.on_cancel = Some(on_cancel);
                self.pending = Some(pending);
                let (host, is_proxy) = match proxy {
                    Some(name) => (name, true),
                    None => (url.host_str().unwrap_or("").to_string(), false),
                };
                self.prompt = Some(Prompt::new(PromptKind::Username { realm, host, proxy: is_proxy }, ""));
                Vec::new()
            }
        }
    }

    /// Start the next request of a navigation (credentials attached for its origin).
    pub(super) fn fetch_next(&mut self, mut pending: Pending, mut request: FetchRequest) -> Vec<Effect> {
        self.attach_credentials(&mut request);
        let id = self.new_id();
        pending.id = id;
        pending.bytes = 0;
        pending.total = None;
        pending.asking = false;
        self.pending = Some(pending);
        vec![Effect::Fetch { id, request, width: self.width }]
    }

    pub(super) fn land(&mut self, pending: &Pending, shown: Shown) {
        let Shown { doc, rendered, address, info, message, is_error, moved_permanently, request, body } =
            shown;
        let not_shown = match &doc.kind {
            crate::document::SourceKind::Other { mime } if !body.is_empty() => Some(mime.clone()),
            _ => None,
        };
        if info.diagnosis.as_ref().is_some_and(|d| matches!(d, DiagnosisKind::AuthFailed { .. })) {
            self.forget_credentials(&request.url, &None);
        }
        // Laid out by the loader for the width it was asked for; for another, laid out again.
        let doc = std::sync::Arc::new(doc);
        let mut page = match rendered.filter(|r| r.width == self.width) {
            Some(rendered) => Page::new(address.clone(), doc, rendered),
            None => Page::waiting(address.clone(), doc),
        };
        page.info = info;
        page.request = Some(request);
        page.body = (!body.is_empty()).then_some(body);
        // The page's first screens were shown while it loaded: the whole page takes their
        // place, the view where the reader left it.
        let previewed = self.page().is_some_and(|p| p.loading == Some(pending.id));
        let mode = if previewed { LoadMode::Replace } else { pending.mode };
        if mode == LoadMode::Replace {
            if let Some(old) = self.page() {
                page.scroll = old.scroll;
                page.selected = old.selected;
                if page.wanted.is_none() && page.rendered.lines.is_empty() {
                    page.anchor = super::app::Anchor::Position(old.rendered.position_of(old.scroll));
                }
            }
        }
        if let Some(fragment) = address.fragment().filter(|_| !previewed) {
            match page.rendered.anchors.get(fragment) {
                Some(line) => page.scroll = *line,
                None => page.anchor = super::app::Anchor::Fragment(fragment.to_string()),
            }
        }
        self.push_page(page, mode);
        self.status = match message {
            Some(m) if is_error => StatusLine::Error(m),
            Some(m) => StatusLine::Info(m),
            None => StatusLine::None,
        };
        for (old, new) in moved_permanently {
            self.moved_permanently(&old, &new);
        }
        // A server that says when to come back gets a countdown and a reload then, a few
        // times in a row at most; a long wait (over ten minutes) is only shown on the page.
        self.retries = pending.retries;
        let wanted = self.page().and_then(|p| p.info.retry_after).filter(|s| *s <= 600);
        self.retry_countdown = wanted.filter(|_| self.retries < super::app::MAX_AUTO_RETRIES);
        if wanted.is_some() && self.retry_countdown.is_none() {
            self.status = StatusLine::Info(format!(
                "The server still asks to come back later; margay stopped after {} automatic retries. Ctrl-R reloads.",
                self.retries
            ));
        }
        // A body margay does not display is described; saving or opening it waits for a key.
        if let (Some(mime), StatusLine::None) = (not_shown, &self.status) {
            self.status = StatusLine::Info(format!("{mime}: p saves it, o opens it with your viewer."));
        }
        // A settings problem found at start is not replaced by the first page's message.
        if let Some(warning) = &self.warning_until_key {
            self.status = StatusLine::Error(warning.clone());
        }
    }

    /// Put a page into the history and show it (asking for its layout when it has none for
    /// the current width).
    pub(super) fn push_page(&mut self, page: Page, mode: LoadMode) {
        match mode {
            LoadMode::Push => self.history.push(page),
            LoadMode::Replace => self.history.replace_current(page),
        }
        self.request_layout();
        self.trim_history();
        self.clamp_scroll();
        if self.page().is_some_and(|p| p.selected.is_none_or(|s| s >= p.rendered.links.len())) {
            self.select_first_visible();
        }
        self.refresh_search();
    }
}
