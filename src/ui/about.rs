//! Pages margay makes, and their `about:` addresses: the start page, help, page info, the
//! bookmarks, a site's cookies, this tab's history and network log, the links of a page. Each is an address
//! (`g about:bookmarks`, `WWW_HOME=about:bookmarks`) and Ctrl-R makes it again from what it
//! shows — never the start page in its place.

use super::app::{App, StatusLine};
use super::keymap::Action;
use super::msg::{Effect, LoadMode};
use super::prompt::{plural, Choice, Prompt};
use super::tab::{Page, PageKind};
use crate::document::{escape_html, Document};
use std::fmt::Write as _;
use url::Url;

/// The `about:` pages there are.
const ABOUT_PAGES: &str = "about:start, about:help, about:bookmarks, about:history, about:network, \
                           about:info, about:cookies, about:resume and about:blank";

fn about(name: &str) -> Url {
    Url::parse(&format!("about:{name}")).expect("a constant URL")
}

impl App {
    pub(super) fn open_about(&mut self, url: &Url) -> Vec<Effect> {
        match url.path() {
            "blank" => self.show_document(url.clone(), PageKind::Blank, Document::from_html(url, "")),
            "start" => self.show_start_page(),
            "help" => self.show_help(),
            "bookmarks" => self.show_bookmarks(),
            "history" => self.show_history(),
            "network" => self.show_network(url, LoadMode::Push),
            "info" => self.show_page_info(),
            "cookies" => return self.ask_cookies(),
            "resume" => return self.resume_session(),
            other => {
                self.status =
                    StatusLine::Error(format!("margay has no about:{other} page; there are {ABOUT_PAGES}."))
            }
        }
        Vec::new()
    }

    /// Ctrl-R on a page margay made: the same page, made again from what it shows.
    pub(super) fn remake_page(&mut self) -> Vec<Effect> {
        let Some(page) = self.page() else { return Vec::new() };
        let (kind, address) = (page.kind.clone(), page.address.clone());
        match kind {
            PageKind::Web => return self.navigate(address, LoadMode::Replace, true),
            PageKind::Start | PageKind::Help | PageKind::Blank | PageKind::History => {
                let doc = match kind {
                    PageKind::Start => Document::from_html(&address, &self.start_page_html()),
                    PageKind::Help => Document::from_html(&address, &super::help::help_html(&self.keymap)),
                    PageKind::History => Document::from_html(&address, &self.history_html()),
                    _ => Document::from_html(&address, ""),
                };
                self.replace_page(address, kind, doc);
            }
            PageKind::Info => {
                // About the page before it, as it is now.
                let history = self.tab().history();
                let html = history
                    .index()
                    .checked_sub(1)
                    .and_then(|i| history.iter().nth(i))
                    .map(super::info::page_info_html);
                match html {
                    Some(html) => {
                        self.replace_page(address.clone(), kind, Document::from_html(&address, &html))
                    }
                    None => self.status = StatusLine::Info("The page this was about is gone.".into()),
                }
            }
            PageKind::NetworkLog => self.show_network(&address, LoadMode::Replace),
            PageKind::Bookmarks { .. } => self.show_bookmarks(),
            PageKind::Cookies { site, .. } => return vec![Effect::ShowCookies { site }],
            PageKind::Source
            | PageKind::Reader
            | PageKind::Links { .. }
            | PageKind::ViewerOutput
            | PageKind::BookmarkCheck => {
                self.status = StatusLine::Info(
                    "This page was made from the one before it; Left goes back to it, Ctrl-R there loads it again."
                        .into(),
                );
            }
        }
        Vec::new()
    }

    /// The page shown made again, where the reader was.
    fn replace_page(&mut self, address: Url, kind: PageKind, doc: Document) {
        let (scroll, selected) = self.page().map_or((0, None), |p| (p.scroll, p.selected));
        let mut page = Page::waiting(address, kind, std::sync::Arc::new(doc));
        page.scroll = scroll;
        page.selected = selected;
        if let Some(old) = self.page().filter(|p| !p.rendered.lines.is_empty()) {
            page.anchor = super::tab::Anchor::Position(old.rendered.position_of(old.scroll));
        }
        self.push_page(page, LoadMode::Replace);
    }

    pub fn show_start_page(&mut self) {
        let url = about("start");
        let doc = Document::from_html(&url, &self.start_page_html());
        self.show_document(url, PageKind::Start, doc);
    }

    /// The start page, offering to resume the last session when there is one.
    fn start_page_html(&self) -> String {
        let offer = match &self.sessions.last {
            Some(found) => format!(
                "<p><a href=\"about:resume\">Resume where you left off</a>: {}, {}, saved {}.</p>",
                super::prompt::plural(found.session.tabs.len(), "tab", "tabs"),
                super::prompt::plural(found.session.pages(), "page", "pages"),
                crate::store::session::ago(found.age)
            ),
            None => String::new(),
        };
        super::help::START_PAGE.replacen("<!-- resume -->", &offer, 1)
    }

    pub fn show_help(&mut self) {
        let url = about("help");
        let doc = Document::from_html(&url, &super::help::help_html(&self.keymap));
        self.show_document(url, PageKind::Help, doc);
    }

    pub fn show_page_info(&mut self) {
        let Some(page) = self.page() else { return };
        let url = about("info");
        let doc = Document::from_html(&url, &super::info::page_info_html(page));
        self.show_document(url, PageKind::Info, doc);
    }

    /// `L`: this tab's network log, at its latest navigation.
    pub fn show_network_log(&mut self) {
        self.show_network(&about("network"), LoadMode::Push);
    }

    /// The network log (`about:network`) or one request of it (`about:network?request=N`),
    /// made from the tab's log as it is now.
    fn show_network(&mut self, url: &Url, mode: LoadMode) {
        let log = self.tab().network_log();
        let (html, anchor) = match super::netlog::requested_id(url) {
            Some(id) => (super::netlog::exchange_html(log, id), super::tab::Anchor::Stay),
            None => (
                super::netlog::log_html(log),
                super::tab::Anchor::Fragment(super::netlog::LATEST.to_string()),
            ),
        };
        let mut page = Page::waiting(
            url.clone(),
            PageKind::NetworkLog,
            std::sync::Arc::new(Document::from_html(url, &html)),
        );
        page.anchor = anchor;
        if mode == LoadMode::Replace {
            if let Some(old) = self.page().filter(|p| !p.rendered.lines.is_empty()) {
                page.anchor = super::tab::Anchor::Position(old.rendered.position_of(old.scroll));
                page.selected = old.selected;
            }
        }
        self.push_page(page, mode);
    }

    /// Backspace: the pages this tab showed, newest first, each a link.
    pub fn show_history(&mut self) {
        let url = about("history");
        let doc = Document::from_html(&url, &self.history_html());
        self.show_document(url, PageKind::History, doc);
    }

    fn history_html(&self) -> String {
        let tab = self.tab();
        let mut html = String::from("<!DOCTYPE html><title>History</title><h1>History</h1>\n");
        let _ = writeln!(
            html,
            "<p>The pages of this tab, newest first ({}). Enter opens one; Left goes back. \
             margay remembers {} across sessions; {} on this page forgets them.</p>",
            plural(tab.visits.len(), "page", "pages"),
            plural(self.visited.len(), "visited link", "visited links"),
            escape_html(&self.keymap.key_label(Action::ForgetVisited)),
        );
        html.push_str("<ol>\n");
        for visit in tab.visits() {
            let shown = crate::sanitize::display_url(&visit.address);
            let title = if visit.title.trim().is_empty() { shown.clone() } else { visit.title.clone() };
            let _ = writeln!(
                html,
                "<li><a href=\"{}\">{}</a> — {}</li>",
                escape_html(visit.address.as_str()),
                escape_html(&title),
                escape_html(&shown)
            );
        }
        html.push_str("</ol>\n");
        html
    }

    /// `l`: the links of the page shown, as a page of their own.
    pub fn show_links(&mut self) {
        let Some(page) = self.page() else { return };
        let local = page.kind.may_open_files(&page.address);
        let title = if page.doc.title.is_empty() {
            crate::sanitize::display_url(&page.address)
        } else {
            page.doc.title.clone()
        };
        let mut html =
            format!("<!DOCTYPE html><title>Links of {0}</title><h1>Links of {0}</h1>\n", escape_html(&title));
        let _ = writeln!(
            html,
            "<p>{} on {}. Enter follows one; Left goes back.</p>\n<ol>",
            plural(page.rendered.links.len(), "link", "links"),
            escape_html(&crate::sanitize::display_url(&page.address))
        );
        for (i, link) in page.rendered.links.iter().enumerate() {
            let text = page.link_text(i);
            let text = if text.is_empty() { "(no text)".to_string() } else { text };
            match (&link.target, crate::document::forms::field_of_href(&link.href)) {
                (_, Some(_)) => {
                    let _ = writeln!(html, "<li>{} (a form field)</li>", escape_html(&text));
                }
                (Some(target), None) => {
                    let _ = writeln!(
                        html,
                        "<li><a href=\"{}\">{}</a> — {}</li>",
                        escape_html(target.as_str()),
                        escape_html(&text),
                        escape_html(&crate::sanitize::display_url(target))
                    );
                }
                (None, None) => {
                    let _ = writeln!(
                        html,
                        "<li>{} — not an address: {}</li>",
                        escape_html(&text),
                        escape_html(&link.href)
                    );
                }
            }
        }
        html.push_str("</ol>\n");
        let url = about("links");
        let doc = Document::from_html(&url, &html);
        self.show_document(url, PageKind::Links { local }, doc);
    }

    /// D on the history page: forget the visited links, after asking.
    pub(super) fn ask_forget_visited(&mut self) {
        if self.visited.is_empty() {
            self.status = StatusLine::Info("No visited links to forget.".into());
            return;
        }
        self.ask(Prompt::Choice(Choice::ForgetVisited { count: self.visited.len() }));
    }

    pub(super) fn forget_visited(&mut self) -> Vec<Effect> {
        let n = self.visited.len();
        self.visited.clear();
        self.visited_dirty = false;
        self.status = StatusLine::Info(format!(
            "Forgot {}; links are drawn as not visited.",
            plural(n, "visited link", "visited links")
        ));
        if matches!(self.page().map(|p| &p.kind), Some(PageKind::History)) {
            self.remake_page();
        }
        vec![Effect::SaveVisited { text: self.visited.to_text() }]
    }
}
