//! Bookmarks in the browser: `a` adds (the page — its original address after a 302/307,
//! or the final one — or the selected link), `v` shows the bookmarks page, where keys
//! rename, change the address, move, delete (after asking), undo and check. The bookmark
//! file is the shell's (effects); the app keeps the list it last read, to draw the page and
//! to find the bookmarks a 301 moved.

use super::app::{App, BookmarkRef, Effect, LoadMode, Page, StatusLine};
use super::prompt::{Prompt, PromptKind};
use crate::document::{escape_html, Document};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use url::Url;

pub const BOOKMARKS_PAGE: &str = "about:bookmarks";
const CHECK_PAGE: &str = "about:bookmark-check";

/// A change to one bookmark, addressed by its URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BookmarkChange {
    Rename(String),
    SetUrl(String),
    Move(Vec<String>),
    Delete,
}

/// What the checker found for one bookmark: its category and details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    pub bookmark: BookmarkRef,
    pub category: String,
    pub detail: String,
}

/// "A/B" → ["A", "B"]; empty → the top level.
pub fn folder_path(text: &str) -> Vec<String> {
    text.split('/').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl App {
    fn on_bookmarks_page(&self) -> bool {
        self.page().is_some_and(|p| p.address.as_str() == BOOKMARKS_PAGE)
    }

    /// The bookmark under the selected link of the bookmarks page.
    fn selected_bookmark(&mut self) -> Option<BookmarkRef> {
        if !self.on_bookmarks_page() {
            self.status = StatusLine::Info("That key works on the bookmarks page (v).".into());
            return None;
        }
        let page = self.page()?;
        let link = page.rendered.links.get(page.selected?)?;
        self.bookmarks.iter().find(|b| b.url == link.href).cloned()
    }

    /// `a`: what to bookmark — the page, its final address, or the selected link.
    pub(super) fn ask_add_bookmark(&mut self) {
        let Some(page) = self.page() else { return };
        if self.bookmarks_read_only.is_some() {
            self.status = StatusLine::Error(format!(
                "The bookmark file is read-only: {}",
                self.bookmarks_read_only.clone().unwrap_or_default()
            ));
            return;
        }
        let document = page.address.clone();
        let final_url = Some(page.final_url().clone())
            .filter(|u| *u != document && matches!(u.scheme(), "http" | "https"));
        let link = page
            .selected
            .and_then(|s| page.rendered.links.get(s).map(|l| (s + 1, l)))
            .filter(|(_, l)| crate::document::forms::field_of_href(&l.href).is_none())
            .and_then(|(n, l)| l.target.clone().map(|t| (n, t)));
        let title = page.doc.title.clone();
        if final_url.is_none() && link.is_none() {
            self.ask_bookmark_title(document, title);
            return;
        }
        self.prompt = Some(Prompt::new(PromptKind::BookmarkWhat { document, final_url, link, title }, ""));
    }

    pub(super) fn answer_bookmark_what(&mut self, kind: PromptKind, answer: char) {
        let PromptKind::BookmarkWhat { document, final_url, link, title } = kind else { return };
        match (answer, final_url, link) {
            ('d' | 'y', _, _) => self.ask_bookmark_title(document, title),
            ('f', Some(url), _) => self.ask_bookmark_title(url, title),
            ('l', _, Some((_, url))) => {
                let title = url.as_str().to_string();
                self.ask_bookmark_title(url, title)
            }
            _ => {}
        }
    }

    fn ask_bookmark_title(&mut self, url: Url, title: String) {
        let title = if title.trim().is_empty() { url.to_string() } else { title };
        self.prompt = Some(Prompt::new(PromptKind::BookmarkTitle { url: url.to_string() }, title));
    }

    pub(super) fn answer_bookmark_title(&mut self, url: String, title: String) {
        let folder = self.last_bookmark_folder.clone();
        self.prompt = Some(Prompt::new(PromptKind::BookmarkFolder { url, title }, folder));
    }

    pub(super) fn answer_bookmark_folder(&mut self, url: String, title: String, folder: &str) -> Vec<Effect> {
        self.last_bookmark_folder = folder.trim().to_string();
        vec![Effect::AddBookmark { url, title, folder: folder_path(folder) }]
    }

    /// The keys of the bookmarks page.
    pub(super) fn bookmark_key(&mut self, key: char) -> Vec<Effect> {
        if key == 'U' {
            return if self.on_bookmarks_page() { vec![Effect::UndoBookmark] } else { Vec::new() };
        }
        if key == 'C' {
            if !self.on_bookmarks_page() {
                return Vec::new();
            }
            self.status = StatusLine::Info(format!("Checking {} bookmarks…", self.bookmarks.len()));
            return vec![Effect::CheckBookmarks {
                urls: self.bookmarks.iter().map(|b| b.url.clone()).collect(),
            }];
        }
        let Some(bookmark) = self.selected_bookmark() else {
            if self.on_bookmarks_page() {
                self.status = StatusLine::Info("Select a bookmark first.".into());
            }
            return Vec::new();
        };
        let (field, text) = match key {
            'R' => ("title", bookmark.title.clone()),
            'E' => ("url", bookmark.url.clone()),
            'M' => ("folder", bookmark.folder.join("/")),
            'X' => {
                self.prompt = Some(Prompt::new(PromptKind::BookmarkDelete { bookmark }, ""));
                return Vec::new();
            }
            _ => return Vec::new(),
        };
        self.prompt = Some(Prompt::new(PromptKind::BookmarkEdit { url: bookmark.url, field }, text));
        Vec::new()
    }

    pub(super) fn answer_bookmark_edit(&mut self, url: String, field: &str, text: &str) -> Vec<Effect> {
        let change = match field {
            "title" if !text.trim().is_empty() => BookmarkChange::Rename(text.trim().to_string()),
            "url" => match Url::parse(text.trim()) {
                Ok(u) => BookmarkChange::SetUrl(u.to_string()),
                Err(e) => {
                    self.status = StatusLine::Error(format!("'{}' is not an address: {e}", text.trim()));
                    return Vec::new();
                }
            },
            "folder" => BookmarkChange::Move(folder_path(text)),
            _ => return Vec::new(),
        };
        vec![Effect::ChangeBookmark { url, change }]
    }

    /// `v`: the bookmarks page.
    pub fn show_bookmarks(&mut self) {
        let replace = self.on_bookmarks_page();
        let (scroll, selected) =
            self.page().filter(|_| replace).map_or((0, None), |p| (p.scroll, p.selected));
        let url = Url::parse(BOOKMARKS_PAGE).expect("a constant URL");
        let doc = Document::from_html(&url, &self.bookmarks_html());
        let mut page = Page::waiting(url, std::sync::Arc::new(doc));
        page.scroll = scroll;
        page.selected = selected.filter(|s| *s < page.rendered.links.len());
        self.push_page(page, if replace { LoadMode::Replace } else { LoadMode::Push });
    }

    fn bookmarks_html(&self) -> String {
        let mut html = format!(
            "<!DOCTYPE html><title>Bookmarks</title><h1>Bookmarks</h1>\n<p>{} bookmarks. ",
            self.bookmarks.len()
        );
        html.push_str(
            "Enter follows; R renames, E changes the address, M moves to a folder, X deletes, U undoes \
             the last change, C checks every bookmark; / searches.</p>\n",
        );
        if let Some(problem) = &self.bookmarks_read_only {
            let _ = writeln!(html, "<p><strong>Read-only:</strong> {}</p>", escape_html(problem));
        }
        let mut folders: BTreeMap<Vec<String>, Vec<&BookmarkRef>> = BTreeMap::new();
        for b in &self.bookmarks {
            folders.entry(b.folder.clone()).or_default().push(b);
        }
        for (folder, items) in folders {
            if !folder.is_empty() {
                let _ = writeln!(html, "<h2>{}</h2>", escape_html(&folder.join(" / ")));
            }
            html.push_str("<ul>\n");
            for b in items {
                let _ = writeln!(
                    html,
                    "<li><a href=\"{}\">{}</a></li>",
                    escape_html(&b.url),
                    escape_html(&b.title)
                );
            }
            html.push_str("</ul>\n");
        }
        html
    }

    /// The bookmark file as it now is.
    pub(super) fn bookmarks_changed(
        &mut self,
        list: Vec<BookmarkRef>,
        read_only: Option<String>,
        message: Option<String>,
    ) {
        self.bookmarks = list;
        if let (Some(problem), None) = (&read_only, &self.bookmarks_read_only) {
            self.status = StatusLine::Error(format!("Bookmarks are read-only: {problem}"));
        }
        self.bookmarks_read_only = read_only;
        if let Some(m) = message {
            self.status = StatusLine::Info(m);
        }
        if self.on_bookmarks_page() {
            self.show_bookmarks();
        }
    }

    pub fn show_check_results(&mut self, results: Vec<CheckResult>) {
        let mut by_category: BTreeMap<String, Vec<&CheckResult>> = BTreeMap::new();
        for r in &results {
            by_category.entry(r.category.clone()).or_default().push(r);
        }
        let mut html = String::from("<!DOCTYPE html><title>Bookmark check</title><h1>Bookmark check</h1>\n");
        let summary: Vec<String> = by_category.iter().map(|(c, v)| format!("{} {c}", v.len())).collect();
        let _ = writeln!(html, "<p>{}.</p>", summary.join(", "));
        for (category, items) in &by_category {
            let _ = writeln!(html, "<h2>{}</h2>\n<ul>", escape_html(category));
            for r in items {
                let detail = if r.detail.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", escape_html(&r.detail))
                };
                let _ = writeln!(
                    html,
                    "<li><a href=\"{}\">{}</a>{detail}</li>",
                    escape_html(&r.bookmark.url),
                    escape_html(&r.bookmark.title)
                );
            }
            html.push_str("</ul>\n");
        }
        let url = Url::parse(CHECK_PAGE).expect("a constant URL");
        let doc = Document::from_html(&url, &html);
        self.show_document(url, doc);
        self.status = StatusLine::Info(format!("Checked {} bookmarks.", results.len()));
    }
}
