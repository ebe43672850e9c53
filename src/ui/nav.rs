//! Navigation in a tab: turning what the user asked for into requests, and answers into
//! pages. The meaning of each status code comes from `policy::decide`; this module only
//! carries it out. Loads run in any tab; what a tab in the background is told or asked waits
//! in the tab until it is shown.

use super::app::{App, StatusLine, MAX_AUTO_RETRIES};
use super::bookmarks::BookmarkItem;
use super::msg::{Effect, LoadMode};
use super::netlog::Exchange;
use super::prompt::{Choice, Prompt, TextAsk, TextPrompt};
use super::tab::{Anchor, Note, Page, PageKind, Pending, Restored};
use crate::document::Document;
use crate::navigation::{resolve_typed, Navigation, Shown, Step};
use crate::net::{FetchEvent, FetchRequest, Loaded};
use crate::policy::DiagnosisKind;
use url::Url;

fn without_fragment(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    u
}

impl App {
    /// Open what was typed (at the URL prompt, on the command line, in `WWW_HOME`).
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
        let Some(page) = self.tabs[self.active].page_mut() else { return Vec::new() };
        page.selected = Some(index);
        let Some(link) = page.rendered.links.get(index).cloned() else { return Vec::new() };
        let may_open_files = page.kind.may_open_files(&page.address);
        if let PageKind::Bookmarks { items } = &page.kind {
            if let Some(BookmarkItem::EmptyFolder(folder)) = items.get(index) {
                let key = self.keymap.key_label(super::keymap::Action::BookmarkDelete);
                self.status =
                    StatusLine::Info(format!("'{}' is an empty folder; {key} removes it.", folder.join("/")));
                return Vec::new();
            }
        }
        if let Some(field) = crate::document::forms::field_of_href(&link.href) {
            return self.activate_field(field);
        }
        match link.target {
            Some(url) => self.navigate(url, LoadMode::Push, may_open_files),
            None => {
                self.status =
                    StatusLine::Error(format!("Cannot follow '{}': not a valid address.", link.href));
                Vec::new()
            }
        }
    }

    /// Go to `url` in the tab shown: scroll within the page for a fragment of the current
    /// document, otherwise start a load that supersedes any load still running there.
    /// `may_open_files`: typed by the user, or from a local page (a web page may not open
    /// local files).
    pub fn navigate(&mut self, url: Url, mode: LoadMode, may_open_files: bool) -> Vec<Effect> {
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
        if url.scheme() == "file" && !may_open_files {
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
        self.start(Navigation::new(url, may_open_files), mode)
    }

    /// Start a navigation in the tab shown, superseding any load still running there.
    pub fn start(&mut self, nav: Navigation, mode: LoadMode) -> Vec<Effect> {
        let ti = self.active;
        let mut effects = self.cancel_pending(ti);
        let request = nav.request.clone();
        let pending = Pending::new(nav, mode);
        effects.extend(self.fetch_next(ti, pending, request));
        effects
    }

    fn jump_to_fragment(&mut self, url: Url, fragment: &str) -> Vec<Effect> {
        let Some(page) = self.page() else { return Vec::new() };
        let Some(&line) = page.rendered.anchors.get(fragment) else {
            self.status = StatusLine::Error(format!("No '#{fragment}' on this page."));
            return Vec::new();
        };
        let mut entry = Page::new(url, page.kind.clone(), page.doc.clone(), page.rendered.clone());
        entry.info = page.info.clone();
        entry.request = page.request.clone();
        entry.body = page.body.clone();
        entry.form_values = page.form_values.clone();
        entry.sent_values = page.sent_values.clone();
        entry.answers_post = page.answers_post;
        entry.scroll = line;
        self.push_page(entry, LoadMode::Push);
        let screen = self.screen();
        self.tab_mut().clamp_scroll(screen);
        self.tab_mut().select_first_visible(screen);
        Vec::new()
    }

    pub fn go_back(&mut self) -> Vec<Effect> {
        let effects = self.cancel_pending(self.active);
        let typed = self.typed_values();
        if self.tab_mut().history.back() {
            self.after_history_move(typed);
        } else {
            self.status = StatusLine::Info("Already at the first page.".into());
        }
        effects
    }

    pub fn go_forward(&mut self) -> Vec<Effect> {
        let effects = self.cancel_pending(self.active);
        let typed = self.typed_values();
        if self.tab_mut().history.forward() {
            self.after_history_move(typed);
        } else {
            self.status = StatusLine::Info("No page ahead.".into());
        }
        effects
    }

    /// The document shown and what was typed into its fields.
    fn typed_values(&self) -> Option<(crate::document::DocId, Vec<crate::document::forms::FieldValue>)> {
        self.page().map(|p| (p.doc.id, p.form_values.clone()))
    }

    /// Back or forward: the page as it was, laid out for this screen, its selection a link
    /// on screen (the screen may have changed since). Entries of one document (a jump to a
    /// fragment) are one page: what was typed in one is in the other.
    fn after_history_move(
        &mut self,
        typed: Option<(crate::document::DocId, Vec<crate::document::forms::FieldValue>)>,
    ) {
        if let (Some((doc, values)), Some(page)) = (typed, self.tab_mut().page_mut()) {
            if page.doc.id == doc {
                page.form_values = values;
            }
        }
        self.status = StatusLine::None;
        self.ensure_rendered();
        let screen = self.screen();
        let tab = self.tab_mut();
        tab.keep_selection_visible(screen);
        tab.refresh_search();
    }

    /// The shown tab's page laid out for this width (it may have been laid out for another,
    /// or let its layout go): asked for when it is not.
    pub(super) fn ensure_rendered(&mut self) {
        // Not over a load the user started meanwhile.
        if self.page().is_some_and(|p| p.is_placeholder()) && self.tab().pending.is_none() {
            let load = self.load_restored(self.active);
            self.outbox.extend(load);
        }
        let (width, screen) = (self.width, self.screen());
        if let Some(effect) = self.tab_mut().request_layout(width) {
            self.outbox.push(effect);
        }
        self.tab_mut().clamp_scroll(screen);
    }

    pub fn reload(&mut self) -> Vec<Effect> {
        let Some(page) = self.page() else { return Vec::new() };
        if page.kind != PageKind::Web {
            return self.remake_page();
        }
        // A page of a resumed session whose load was stopped: loaded as it was to be.
        if page.restored.is_some() {
            return self.load_restored(self.active);
        }
        // The answer to a form's POST: asking for it again sends the form again, which only
        // the user may decide; after a 302 the POST itself is not kept to send.
        if page.answers_post {
            match page.request.as_ref().filter(|r| r.method != crate::policy::Method::Get) {
                Some(request) => {
                    let (method, to, doc) =
                        (request.method.as_str().to_string(), request.url.to_string(), page.doc.id);
                    // As any reload does: what this tab was loading stops, so the page asked
                    // about stays the page shown.
                    let effects = self.cancel_pending(self.active);
                    self.ask(Prompt::Choice(Choice::SendFormAgain { method, to, doc }));
                    return effects;
                }
                None => {
                    self.status = StatusLine::Info(
                        "This page answers a form, which margay does not send again by itself; Left goes back to the form."
                            .into(),
                    );
                }
            }
            return Vec::new();
        }
        let address = page.address.clone();
        self.navigate(address, LoadMode::Replace, true)
    }

    /// Esc: stop the load in progress, or clear the search and messages.
    pub fn cancel(&mut self) -> Vec<Effect> {
        if let Some(effect) = self.cancel_reader() {
            return vec![effect];
        }
        let countdown = self.tab().retry_countdown.is_some();
        let effects = self.cancel_pending(self.active);
        if countdown && effects.is_empty() {
            self.status = StatusLine::Info("No automatic retry; Ctrl-R reloads.".into());
            return effects;
        }
        if effects.is_empty() {
            if let Some(effect) = self.cancel_download() {
                return vec![effect];
            }
            self.tab_mut().search = None;
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

    pub(super) fn cancel_pending(&mut self, ti: usize) -> Vec<Effect> {
        let tab = &mut self.tabs[ti];
        tab.retry_countdown = None;
        tab.question = None;
        match tab.pending.take() {
            Some(p) => {
                // Its first screens stay, marked as only the start of the page.
                for page in tab.history.iter_mut().filter(|page| page.loading == Some(p.id)) {
                    page.loading = None;
                    page.partial = true;
                }
                vec![Effect::Cancel { id: p.id }]
            }
            None => Vec::new(),
        }
    }

    /// The status line says this of tab `ti`: at once when it is shown, else when it is.
    pub(super) fn say(&mut self, ti: usize, status: StatusLine) {
        if ti == self.active {
            self.status = status;
            return;
        }
        self.tabs[ti].note = match status {
            StatusLine::None => None,
            StatusLine::Info(m) => Some(Note::Info(m)),
            StatusLine::Error(m) => Some(Note::Error(m)),
        };
    }

    /// Ask this for tab `ti`: at once when it is shown, else when it is.
    fn ask_for(&mut self, ti: usize, prompt: Prompt) {
        if ti == self.active {
            self.ask(prompt);
        } else {
            self.tabs[ti].question = Some(prompt);
        }
    }

    /// A load's first screens, while the rest of the page arrives: shown as the page, its
    /// links and search working on what is there; the whole page takes their place.
    fn show_preview(&mut self, ti: usize, id: u64, preview: crate::document::Preview) {
        let tab = &self.tabs[ti];
        let Some(pending) = tab.pending.as_ref().filter(|p| p.id == id) else { return };
        let (address, mode) = (pending.nav.address.clone(), pending.mode);
        // Another page was put above the one it reloads: its first screens go in its place.
        let under = pending.replaces.filter(|&i| i != tab.history.index() && tab.history.get(i).is_some());
        let mut doc = Document::from_text(&address, String::new());
        doc.title = preview.title;
        let mut page = Page::new(address, PageKind::Web, std::sync::Arc::new(doc), preview.rendered);
        page.loading = Some(id);
        page.info.requested = Some(pending.nav.requested.clone());
        page.info.final_url = Some(pending.nav.request.url.clone());
        page.request = Some(pending.nav.request.clone());
        // A resumed page's place stays with its first screens until the whole page lands (or
        // for the session, when the load is stopped).
        page.restored = pending.restore.as_ref().map(|r| Box::new(Restored { held: true, ..(**r).clone() }));
        page.private = pending.sends_password;
        page.answers_post = pending.answers_post(&page.address);
        if mode == LoadMode::Replace {
            if let Some(old) = tab.history.get(under.unwrap_or(tab.history.index())) {
                page.scroll = old.scroll;
                page.selected = old.selected;
            }
        } else if let Some(&line) = page.address.fragment().and_then(|f| page.rendered.anchors.get(f)) {
            page.scroll = line;
        }
        if let Some(index) = under.filter(|_| mode == LoadMode::Replace) {
            self.tabs[ti].history.replace_at(index, page);
            return;
        }
        let status = std::mem::replace(&mut self.status, StatusLine::None);
        self.push_page_in(ti, page, mode);
        self.status = status;
    }

    pub(super) fn on_fetch(&mut self, event: FetchEvent) -> Vec<Effect> {
        let id = match &event {
            FetchEvent::Preview { id, .. }
            | FetchEvent::Progress { id, .. }
            | FetchEvent::Done { id, .. } => *id,
        };
        // A superseded or cancelled load's reports are dropped here.
        let Some(ti) = self.tabs.iter().position(|t| t.pending.as_ref().is_some_and(|p| p.id == id)) else {
            return Vec::new();
        };
        match event {
            FetchEvent::Preview { id, preview } => {
                self.show_preview(ti, id, *preview);
                Vec::new()
            }
            FetchEvent::Progress { bytes, total, .. } => {
                if let Some(p) = self.tabs[ti].pending.as_mut() {
                    p.bytes = bytes;
                    p.total = total;
                }
                Vec::new()
            }
            FetchEvent::Done { result, .. } => {
                let Some(pending) = self.tabs[ti].pending.take() else { return Vec::new() };
                // Every answer of a navigation comes here, each hop of a redirect chain and
                // each 304 its own: the tab's network log takes them all.
                let navigation = pending.logged_as.unwrap_or_default();
                let method = pending.nav.request.method.as_str();
                let exchange = match &result {
                    Ok(loaded) => Exchange::answered(navigation, method, loaded),
                    Err(failure) => Exchange::failed(navigation, method, &pending.nav.request.url, failure),
                };
                if !matches!(result, Err(crate::policy::TransportFailure::Cancelled)) {
                    self.tabs[ti].log.record(exchange);
                }
                match result {
                    Ok(loaded) => self.on_loaded(ti, pending, *loaded),
                    Err(failure) => {
                        let step = pending.nav.fail(&failure);
                        self.carry_out(ti, pending, step)
                    }
                }
            }
        }
    }

    fn on_loaded(&mut self, ti: usize, mut pending: Pending, loaded: Loaded) -> Vec<Effect> {
        let step = pending.nav.step(loaded);
        self.carry_out(ti, pending, step)
    }

    pub(super) fn carry_out(&mut self, ti: usize, mut pending: Pending, step: Step) -> Vec<Effect> {
        match step {
            Step::Fetch(request) => self.fetch_next(ti, pending, request),
            Step::Keep { message, reset_form } => {
                // 204: the view, history, scroll, selection and typed values stay exactly as
                // they were; 205 asks for the form to be cleared.
                self.mark_sent(ti, pending.sent_from, &pending.sending);
                if let (true, Some(form)) = (reset_form, pending.form) {
                    self.reset_form(ti, form);
                }
                // A resumed page answered with nothing to show is not asked for again by
                // itself each time it is shown.
                if pending.restore.is_some() {
                    if let Some(restored) = self.tabs[ti].page_mut().and_then(|p| p.restored.as_mut()) {
                        restored.held = true;
                    }
                }
                self.say(ti, StatusLine::Info(message));
                Vec::new()
            }
            Step::Show(shown) => {
                self.land(ti, &pending, *shown);
                Vec::new()
            }
            Step::AskResend { status, method, to } => {
                pending.asking = true;
                self.tabs[ti].pending = Some(pending);
                self.ask_for(ti, Prompt::Choice(Choice::Resend { status, method, to: to.to_string() }));
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
                    // Credentials sent without being asked for were refused: forget them.
                    None if pending.credentials_sent => self.forget_credentials(&url, &realm),
                    None => {
                        if let Some(header) = self.credentials_for_realm(&url, &realm) {
                            let request = pending.nav.retry_with("Authorization", &header);
                            return self.fetch_next(ti, pending, request);
                        }
                    }
                    _ => {}
                }
                pending.asking = true;
                pending.on_cancel = Some(on_cancel);
                self.tabs[ti].pending = Some(pending);
                let (host, is_proxy) = match proxy {
                    Some(name) => (name, true),
                    None => (url.host_str().unwrap_or("").to_string(), false),
                };
                let ask = TextAsk::Username { realm, host, proxy: is_proxy };
                self.ask_for(ti, Prompt::Text(TextPrompt::new(ask, "")));
                Vec::new()
            }
        }
    }

    /// Start the next request of a navigation (credentials attached for its origin).
    pub(super) fn fetch_next(
        &mut self,
        ti: usize,
        mut pending: Pending,
        mut request: FetchRequest,
    ) -> Vec<Effect> {
        self.attach_credentials(&mut request);
        pending.credentials_sent =
            request.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("authorization"));
        if pending.logged_as.is_none() {
            pending.logged_as = Some(self.tabs[ti].log.new_navigation());
        }
        // Shown in the browser: its diagnostic pages link to the tab's network log.
        pending.nav.network_log = true;
        let id = self.new_id();
        pending.id = id;
        pending.bytes = 0;
        pending.total = None;
        pending.asking = false;
        self.tabs[ti].pending = Some(pending);
        vec![Effect::Fetch { id, request, width: self.width }]
    }

    pub(super) fn land(&mut self, ti: usize, pending: &Pending, shown: Shown) {
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
            Some(rendered) => Page::new(address.clone(), PageKind::Web, doc, rendered),
            None => Page::waiting(address.clone(), PageKind::Web, doc),
        };
        page.info = info;
        page.request = Some(request);
        page.body = (!body.is_empty()).then_some(body);
        // The page's first screens were shown while it loaded: the whole page takes their
        // place, the view where the reader left it.
        let tab = &self.tabs[ti];
        // Another page was put above the one it loads: it lands in its place, under it.
        let under = pending.replaces.filter(|&i| i != tab.history.index() && tab.history.get(i).is_some());
        let place = under.unwrap_or(tab.history.index());
        let previewed = tab.history.get(place).is_some_and(|p| p.loading == Some(pending.id));
        if !is_error && !pending.sending.is_empty() {
            self.mark_sent(ti, pending.sent_from, &pending.sending);
        }
        let tab = &self.tabs[ti];
        let in_place = tab.history.get(place);
        let mode = if previewed || under.is_some() { LoadMode::Replace } else { pending.mode };
        if mode == LoadMode::Replace {
            if let Some(old) = in_place {
                page.scroll = old.scroll;
                page.selected = old.selected;
                if page.wanted.is_none() && page.rendered.lines.is_empty() {
                    page.anchor = Anchor::Position(old.rendered.position_of(old.scroll));
                }
            }
        }
        // The fragment, unless the reader moved while the first screens were shown.
        let moved = previewed
            && in_place.is_some_and(|old| {
                let placed = address.fragment().and_then(|f| old.rendered.anchors.get(f)).copied();
                old.scroll != placed.unwrap_or(0)
            });
        if let Some(fragment) = address.fragment().filter(|_| !moved) {
            match page.rendered.anchors.get(fragment) {
                Some(line) => page.scroll = *line,
                None => page.anchor = Anchor::Fragment(fragment.to_string()),
            }
        }
        // A page of a resumed session: where the reader was, unless they moved while its
        // first screens were shown.
        let moved_in_preview = previewed && in_place.is_some_and(|old| old.scroll != 0);
        page.private = pending.sends_password;
        page.answers_post = pending.answers_post(&address);
        match pending.restore.as_deref() {
            // It could not be loaded: the session keeps where the reader was, for later.
            Some(restored) if page.info.diagnosis.is_some() => {
                page.restored = Some(Box::new(Restored { held: true, ..restored.clone() }));
            }
            Some(restored) => super::session::put_back(&mut page, restored, !moved_in_preview),
            None => {}
        }
        let final_url = page.final_url().clone();
        let title = page.doc.title.clone();
        match under {
            // Laid out when it is shown again.
            Some(index) => {
                self.tabs[ti].history.replace_at(index, page);
            }
            None => self.push_page_in(ti, page, mode),
        }
        self.tabs[ti].record_visit(&address, &title);
        self.mark_visited(&address);
        self.mark_visited(&final_url);
        let status = match message {
            Some(m) if is_error => StatusLine::Error(m),
            Some(m) => StatusLine::Info(m),
            None => StatusLine::None,
        };
        // What resuming a session said stays, unless the page has gone wrong meanwhile.
        if pending.restore.is_none() || matches!(status, StatusLine::Error(_)) {
            self.say(ti, status);
        }
        for (old, new) in moved_permanently {
            self.moved_permanently(&old, &new);
        }
        // A server that says when to come back gets a countdown and a reload then, a few
        // times in a row at most; a long wait (over ten minutes) is only shown on the page.
        let tab = &mut self.tabs[ti];
        tab.retries = pending.retries;
        let wanted = tab.page().and_then(|p| p.info.retry_after).filter(|s| *s <= 600);
        // Coming back would send a form again: only the user may (Ctrl-R asks first).
        let posted = tab.page().is_some_and(|p| p.answers_post);
        tab.retry_countdown = wanted.filter(|_| !posted && tab.retries < MAX_AUTO_RETRIES);
        let retries = tab.retries;
        match wanted {
            Some(seconds) if posted => self.say(
                ti,
                StatusLine::Info(format!(
                    "The server asks to come back in {seconds} s; a form is not sent again by itself: Ctrl-R sends it again."
                )),
            ),
            Some(_) if self.tabs[ti].retry_countdown.is_none() => self.say(
                ti,
                StatusLine::Info(format!(
                    "The server still asks to come back later; margay stopped after {retries} automatic retries. Ctrl-R reloads."
                )),
            ),
            _ => {}
        }
        // A body margay does not display is described; saving or opening it waits for a key.
        if let (Some(mime), true) = (not_shown, ti != self.active || self.status == StatusLine::None) {
            self.say(ti, StatusLine::Info(format!("{mime}: p saves it, o opens it with your viewer.")));
        }
        // A settings problem found at start is not replaced by the first page's message.
        if let Some(warning) = &self.warning_until_key {
            self.status = StatusLine::Error(warning.clone());
        }
    }

    /// A second passed for tab `ti`: its Retry-After countdown, and the reload when it ends.
    pub(super) fn tick_tab(&mut self, ti: usize) -> Vec<Effect> {
        let tab = &mut self.tabs[ti];
        match tab.retry_countdown {
            Some(0 | 1) => {
                tab.retry_countdown = None;
                let Some(address) = tab.page().map(|p| p.address.clone()) else { return Vec::new() };
                // A resumed page that asked to come back later is still to be put back.
                let restore = tab
                    .page()
                    .and_then(|p| p.restored.clone())
                    .map(|r| Box::new(Restored { held: false, ..*r }));
                let retries = tab.retries + 1;
                let mut effects = self.cancel_pending(ti);
                let nav = Navigation::new(address, true);
                let request = nav.request.clone();
                let pending = Pending { retries, restore, ..Pending::new(nav, LoadMode::Replace) };
                effects.extend(self.fetch_next(ti, pending, request));
                effects
            }
            Some(n) => {
                tab.retry_countdown = Some(n - 1);
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// Put a page into the shown tab's history and show it.
    pub(super) fn push_page(&mut self, page: Page, mode: LoadMode) {
        self.push_page_in(self.active, page, mode);
    }

    /// Put a page into tab `ti`'s history and show it there (asking for its layout when it
    /// has none for the current width).
    pub(super) fn push_page_in(&mut self, ti: usize, page: Page, mode: LoadMode) {
        let (width, screen) = (self.width, self.screen());
        let tab = &mut self.tabs[ti];
        // A load under way for the page shown (a reload, or one whose first screens are
        // shown) lands in that page's place, under margay's own page put above it now. (A
        // jump to a fragment of the page shown is the page itself: the load lands over it.)
        let current = tab.history.index();
        let shown_loading = tab.history.current().and_then(|p| p.loading);
        let own_page = page.kind != PageKind::Web;
        if let Some(loading) = tab.pending.as_mut().filter(|p| p.replaces.is_none() && own_page) {
            let previewed = shown_loading == Some(loading.id);
            if mode == LoadMode::Push && (loading.mode == LoadMode::Replace || previewed) {
                loading.replaces = Some(current);
            }
        }
        match mode {
            LoadMode::Push => tab.history.push(page),
            LoadMode::Replace => tab.history.replace_current(page),
        }
        if let Some(effect) = tab.request_layout(width) {
            self.outbox.push(effect);
        }
        tab.trim_history();
        tab.clamp_scroll(screen);
        if tab.page().is_some_and(|p| p.selected.is_none_or(|s| s >= p.rendered.links.len())) {
            tab.select_first_visible(screen);
        }
        tab.refresh_search();
    }
}
