//! Bookmarks in the browser: `a` adds (the page — its original address after a 302/307 —,
//! its final address, or the selected link, with the link's text as title), in one prompt
//! whose defaults Enter accepts; `v` shows the bookmarks page, whose keys rename, change the
//! address, move, delete a bookmark or an empty folder (after asking), undo and check. The
//! bookmark file is the shell's (effects); the app keeps the list it last read, to draw the
//! page and to find the bookmarks a 301 moved.

use super::app::{App, StatusLine};
use super::keymap::Action;
use super::msg::{BookmarkOp, BookmarkRef, BookmarksUpdate, Effect, LoadMode};
use super::prompt::{
    plural, BookmarkField, BookmarkForm, BookmarkTarget, Choice, Prompt, TextAsk, TextPrompt,
};
use super::tab::{Page, PageKind};
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

/// What a link of the bookmarks page stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BookmarkItem {
    Bookmark(BookmarkRef),
    /// A folder with nothing in it, which can be removed.
    EmptyFolder(Vec<String>),
}

/// The bookmark file as the app knows it.
#[derive(Clone, Debug, Default)]
pub struct BookmarkState {
    pub list: Vec<BookmarkRef>,
    pub empty_folders: Vec<Vec<String>>,
    /// Why the file cannot be changed, if it cannot.
    pub read_only: Option<String>,
    /// The folder the last bookmark went to, offered for the next.
    pub last_folder: String,
}

/// "A/B" → ["A", "B"]; empty → the top level.
pub fn folder_path(text: &str) -> Vec<String> {
    text.split('/').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl App {
    pub fn bookmarks(&self) -> &[BookmarkRef] {
        &self.bookmarks.list
    }

    /// What the selected link of the bookmarks page stands for; on another page, a message.
    fn selected_item(&mut self) -> Option<BookmarkItem> {
        let page = self.page()?;
        let PageKind::Bookmarks { items } = &page.kind else {
            let key = self.keymap.key_label(Action::ViewBookmarks);
            self.status = StatusLine::Info(format!("That key works on the bookmarks page ({key})."));
            return None;
        };
        let item = page.selected.and_then(|s| items.get(s)).cloned();
        if item.is_none() {
            self.status = StatusLine::Info("Select a bookmark first.".into());
        }
        item
    }

    fn writable(&mut self) -> bool {
        match &self.bookmarks.read_only {
            Some(problem) => {
                self.status = StatusLine::Error(format!("The bookmark file is read-only: {problem}"));
                false
            }
            None => true,
        }
    }

    /// `a`: one prompt — what (the page; Up/Down: its final address, the selected link), the
    /// title and the folder (Tab), Enter adds.
    pub(super) fn ask_add_bookmark(&mut self) {
        if !self.writable() {
            return;
        }
        let Some(page) = self.page() else { return };
        let page_title =
            if page.doc.title.trim().is_empty() { page.address.to_string() } else { page.doc.title.clone() };
        let mut targets = vec![BookmarkTarget {
            what: "the page".into(),
            url: page.address.clone(),
            title: page_title.clone(),
        }];
        let final_url = page.final_url();
        if *final_url != page.address && matches!(final_url.scheme(), "http" | "https") {
            targets.push(BookmarkTarget {
                what: "the final address".into(),
                url: final_url.clone(),
                title: page_title,
            });
        }
        if let Some(index) = page.selected {
            let link = page.rendered.links.get(index);
            let target = link
                .filter(|l| crate::document::forms::field_of_href(&l.href).is_none())
                .and_then(|l| l.target.clone());
            if let Some(url) = target {
                let text = page.link_text(index);
                let title = if text.is_empty() { url.to_string() } else { text };
                targets.push(BookmarkTarget { what: format!("link [{}]", index + 1), url, title });
            }
        }
        let mut folders: Vec<String> = vec![String::new()];
        for folder in self.bookmarks.list.iter().map(|b| &b.folder).chain(&self.bookmarks.empty_folders) {
            let joined = folder.join("/");
            if !folders.contains(&joined) {
                folders.push(joined);
            }
        }
        let form = BookmarkForm::new(targets, 0, &self.bookmarks.last_folder, folders);
        self.ask(Prompt::Bookmark(form));
    }

    pub(super) fn add_bookmark(&mut self, form: BookmarkForm) -> Vec<Effect> {
        let Some(target) = form.chosen() else { return Vec::new() };
        let title = form.title.text.trim();
        let title = if title.is_empty() { target.url.to_string() } else { title.to_string() };
        self.bookmarks.last_folder = form.folder.text.trim().to_string();
        vec![Effect::Bookmark(BookmarkOp::Add {
            url: target.url.to_string(),
            title,
            folder: folder_path(&form.folder.text),
        })]
    }

    /// R, E, M on the bookmarks page.
    pub(super) fn edit_bookmark(&mut self, field: BookmarkField) {
        match self.selected_item() {
            Some(BookmarkItem::Bookmark(bookmark)) => {
                if !self.writable() {
                    return;
                }
                let text = match field {
                    BookmarkField::Title => bookmark.title.clone(),
                    BookmarkField::Address => bookmark.url.clone(),
                    BookmarkField::Folder => bookmark.folder.join("/"),
                };
                self.ask(Prompt::Text(TextPrompt::new(TextAsk::BookmarkEdit { bookmark, field }, text)));
            }
            Some(BookmarkItem::EmptyFolder(_)) => {
                self.status = StatusLine::Info("That is an empty folder; select a bookmark.".into());
            }
            None => {}
        }
    }

    pub(super) fn answer_bookmark_edit(
        &mut self,
        bookmark: BookmarkRef,
        field: BookmarkField,
        text: &str,
    ) -> Vec<Effect> {
        let change = match field {
            BookmarkField::Title if text.trim().is_empty() => return Vec::new(),
            BookmarkField::Title => BookmarkChange::Rename(text.trim().to_string()),
            BookmarkField::Address => match Url::parse(text.trim()) {
                Ok(u) => BookmarkChange::SetUrl(u.to_string()),
                Err(e) => {
                    self.status = StatusLine::Error(format!("'{}' is not an address: {e}", text.trim()));
                    return Vec::new();
                }
            },
            BookmarkField::Folder => BookmarkChange::Move(folder_path(text)),
        };
        vec![Effect::Bookmark(BookmarkOp::Change { url: bookmark.url, change })]
    }

    /// X on the bookmarks page: delete the bookmark, or remove the empty folder, after asking.
    pub(super) fn ask_delete_bookmark(&mut self) {
        let Some(item) = self.selected_item() else { return };
        if !self.writable() {
            return;
        }
        self.ask(Prompt::Choice(match item {
            BookmarkItem::Bookmark(bookmark) => Choice::DeleteBookmark { bookmark },
            BookmarkItem::EmptyFolder(folder) => Choice::RemoveFolder { folder },
        }));
    }

    pub(super) fn undo_bookmark(&mut self) -> Vec<Effect> {
        if !matches!(self.page().map(|p| &p.kind), Some(PageKind::Bookmarks { .. })) {
            return Vec::new();
        }
        vec![Effect::Bookmark(BookmarkOp::Undo)]
    }

    pub(super) fn check_bookmarks(&mut self) -> Vec<Effect> {
        if !matches!(self.page().map(|p| &p.kind), Some(PageKind::Bookmarks { .. })) {
            return Vec::new();
        }
        let n = self.bookmarks.list.len();
        self.status = StatusLine::Info(format!("Checking {}…", plural(n, "bookmark", "bookmarks")));
        vec![Effect::CheckBookmarks { bookmarks: self.bookmarks.list.clone() }]
    }

    /// `v`: the bookmarks page (made again in place when it is the page shown).
    pub fn show_bookmarks(&mut self) {
        let replace = matches!(self.page().map(|p| &p.kind), Some(PageKind::Bookmarks { .. }));
        let (scroll, selected) =
            self.page().filter(|_| replace).map_or((0, None), |p| (p.scroll, p.selected));
        let url = Url::parse(BOOKMARKS_PAGE).expect("a constant URL");
        let (html, items) = self.bookmarks_html();
        let doc = Document::from_html(&url, &html);
        let mut page = Page::waiting(url, PageKind::Bookmarks { items }, std::sync::Arc::new(doc));
        page.scroll = scroll;
        page.selected = selected;
        self.push_page(page, if replace { LoadMode::Replace } else { LoadMode::Push });
    }

    /// The page, and what each of its links stands for (in link order).
    fn bookmarks_html(&self) -> (String, Vec<BookmarkItem>) {
        let key = |action| escape_html(&self.keymap.key_label(action));
        let mut html = format!(
            "<!DOCTYPE html><title>Bookmarks</title><h1>Bookmarks</h1>\n<p>{}. ",
            plural(self.bookmarks.list.len(), "bookmark", "bookmarks")
        );
        let _ = writeln!(
            html,
            "Enter follows; {} renames, {} changes the address, {} moves to a folder, {} deletes a bookmark \
             or an empty folder, {} undoes the last change, {} checks every bookmark; / searches.</p>",
            key(Action::BookmarkRename),
            key(Action::BookmarkEditUrl),
            key(Action::BookmarkMove),
            key(Action::BookmarkDelete),
            key(Action::BookmarkUndo),
            key(Action::BookmarkCheck),
        );
        if let Some(problem) = &self.bookmarks.read_only {
            let _ = writeln!(html, "<p><strong>Read-only:</strong> {}</p>", escape_html(problem));
        }
        let mut folders: BTreeMap<Vec<String>, Vec<&BookmarkRef>> = BTreeMap::new();
        for b in &self.bookmarks.list {
            folders.entry(b.folder.clone()).or_default().push(b);
        }
        for folder in &self.bookmarks.empty_folders {
            folders.entry(folder.clone()).or_default();
        }
        let mut items = Vec::new();
        for (folder, bookmarks) in folders {
            if !folder.is_empty() {
                let _ = writeln!(html, "<h2>{}</h2>", escape_html(&folder.join(" / ")));
            }
            html.push_str("<ul>\n");
            if bookmarks.is_empty() {
                // A link, so that it can be selected and removed.
                let _ = writeln!(html, "<li><a href=\"{BOOKMARKS_PAGE}\">(empty folder)</a></li>");
                items.push(BookmarkItem::EmptyFolder(folder));
            }
            for b in bookmarks {
                let _ = writeln!(
                    html,
                    "<li><a href=\"{}\">{}</a></li>",
                    escape_html(&b.url),
                    escape_html(&b.title)
                );
                items.push(BookmarkItem::Bookmark(b.clone()));
            }
            html.push_str("</ul>\n");
        }
        (html, items)
    }

    /// The bookmark file as it now is.
    pub(super) fn bookmarks_changed(&mut self, update: BookmarksUpdate) {
        let BookmarksUpdate { list, empty_folders, read_only, message, error } = update;
        self.bookmarks.list = list;
        self.bookmarks.empty_folders = empty_folders;
        if let (Some(problem), None) = (&read_only, &self.bookmarks.read_only) {
            self.status = StatusLine::Error(format!("Bookmarks are read-only: {problem}"));
        }
        self.bookmarks.read_only = read_only;
        if let Some(m) = message {
            self.status = StatusLine::Info(m);
        }
        if let Some(e) = error {
            self.status = StatusLine::Error(e);
        }
        if matches!(self.page().map(|p| &p.kind), Some(PageKind::Bookmarks { .. })) {
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
        self.show_document(url, PageKind::BookmarkCheck, doc);
        self.status =
            StatusLine::Info(format!("Checked {}.", plural(results.len(), "bookmark", "bookmarks")));
    }
}
