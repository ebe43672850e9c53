//! Bookmarks kept in a Netscape bookmark file (`bookmarks.html`), the format lynx keeps and
//! Firefox and Chrome import and export.
//!
//! - [`Bookmarks`] is the model: nested [`Folder`]s of [`Item`]s, with the operations the
//!   command line and the bookmarks page need (`ops.rs`).
//! - [`Bookmarks::parse`] and [`Bookmarks::to_html`] read and write the format (`parse.rs`,
//!   `write.rs`); attributes margay does not know (ICON, TAGS, PERSONAL_TOOLBAR_FOLDER …)
//!   survive a round trip.
//! - [`BookmarkStore`] is the file on disk (`store.rs`): every change re-reads the file under
//!   an advisory lock, applies itself to what is there now, and replaces the file atomically,
//!   keeping the previous version as a backup. A file that cannot be parsed is never written.
//!
//! The model and the format never do I/O; only `store.rs` touches the disk. Nothing here
//! uses the network: the checker that visits bookmarks is the shell's
//! (`crate::shell::bookmark_check`).

mod lex;
mod ops;
mod parse;
mod patch;
mod store;
mod write;

pub use ops::{Added, Entry, Match};
pub use parse::ParseError;
pub use store::{BookmarkStore, StoreError};

use crate::policy::normalize_for_compare;
use url::Url;

/// A whole bookmark file: its `<TITLE>` and the top-level list, whose title is the `<H1>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bookmarks {
    /// The document title (`<TITLE>`), "Bookmarks" in Firefox and Chrome exports.
    pub title: String,
    /// The top-level list; its title is the `<H1>` heading ("Bookmarks Menu" in Firefox).
    pub root: Folder,
}

impl Default for Bookmarks {
    fn default() -> Self {
        Bookmarks { title: "Bookmarks".to_string(), root: Folder::new("Bookmarks") }
    }
}

/// A folder: `<DT><H3 …>Title</H3>` followed by its own `<DL>` list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Folder {
    pub title: String,
    /// Seconds since the Unix epoch.
    pub add_date: Option<i64>,
    pub last_modified: Option<i64>,
    /// The `<DD>` text after the heading.
    pub description: Option<String>,
    /// Attributes margay does not interpret (PERSONAL_TOOLBAR_FOLDER …), in file order.
    pub attrs: Vec<(String, String)>,
    pub items: Vec<Item>,
}

impl Folder {
    pub fn new(title: &str) -> Folder {
        Folder { title: title.to_string(), ..Folder::default() }
    }

    /// The folder without its items (what a heading says about it).
    pub fn header(&self) -> Folder {
        Folder { items: Vec::new(), ..self.clone() }
    }
}

/// One entry of a folder's list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Item {
    Folder(Folder),
    Bookmark(Bookmark),
    /// `<HR>`, which Firefox writes for its separators.
    Separator,
}

/// A link: `<DT><A HREF="…" ADD_DATE="…">Title</A>`, optionally followed by `<DD>` text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Bookmark {
    /// The address as written in the file (not necessarily a valid URL: `place:` and
    /// `javascript:` entries are kept as they are).
    pub url: String,
    pub title: String,
    /// Seconds since the Unix epoch.
    pub add_date: Option<i64>,
    pub last_modified: Option<i64>,
    /// The address before the last relink (`FORMER_HREF`), so that it can be undone.
    pub former_url: Option<String>,
    pub description: Option<String>,
    /// Attributes margay does not interpret (ICON, ICON_URI, TAGS, SHORTCUTURL …), in file order.
    pub attrs: Vec<(String, String)>,
}

impl Bookmark {
    /// A bookmark added now.
    pub fn new(url: &str, title: &str) -> Bookmark {
        Bookmark {
            url: url.to_string(),
            title: title.to_string(),
            add_date: Some(now()),
            ..Bookmark::default()
        }
    }

    /// The address as [`url_key`] compares it.
    pub fn key(&self) -> String {
        url_key(&self.url)
    }
}

/// The form in which two addresses are compared: [`normalize_for_compare`] for a valid
/// absolute URL (case of the host, default port, fragment ignored), the trimmed text otherwise.
pub fn url_key(url: &str) -> String {
    let url = url.trim();
    match Url::parse(url) {
        Ok(u) => normalize_for_compare(&u),
        Err(_) => url.to_string(),
    }
}

/// Seconds since the Unix epoch, as the format stores dates.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
