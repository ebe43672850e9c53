//! What goes into the app and what comes out: the messages that change it (keys, answers of
//! the network, the disk and the clock) and the effects it asks the shell to carry out.
//! Plain data; nothing here acts.

use super::bookmarks::{BookmarkChange, CheckResult};
use super::files::{OpenedWith, SaveWhat};
use crate::document::{DocId, Document, Rendered};
use crate::net::cookies::CookieInfo;
use crate::net::download::DownloadEvent;
use crate::net::{FetchEvent, FetchRequest};
use crate::store::visited::Visited;
use ratatui::crossterm::event::{KeyEvent, MouseEvent};
use std::sync::Arc;
use url::Url;

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
    /// A reader view was made (after `Effect::Reader`), or why not (a stopped one says so;
    /// the app has let it go by then).
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
    Opened(Result<OpenedWith, String>),
    /// The visited links as the history file holds them (at start), and why it could not be
    /// read, if it could not.
    Visited {
        visited: Visited,
        problem: Option<String>,
    },
    /// What became of `Effect::CopyToClipboard`: the text copied and how, or why not.
    Copied(Result<super::clipboard::Copied, String>),
    /// Writing the visited links failed (`Effect::SaveVisited`).
    VisitedNotSaved(String),
    /// At start: the session the last margay left (none, or why it cannot be read), and
    /// who saves this margay's (not this one while another one does).
    LastSession {
        found: Result<Option<crate::store::session::Found>, String>,
        saved_by: crate::store::session::SavedBy,
    },
    /// The margay that saved the session quit: this one saves its own from now on.
    SessionTakenOver,
    /// Writing the session failed (`Effect::SaveSession`).
    SessionNotSaved(String),
    /// A second passed (drives the Retry-After countdown and the saving of visited links
    /// and of the session).
    Tick,
    /// SIGTSTP from outside (`kill -TSTP`): stop as Ctrl-Z does, the terminal given back.
    Suspend,
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
    /// Change the bookmark file.
    Bookmark(BookmarkOp),
    /// Visit these bookmarks and say what became of each.
    CheckBookmarks {
        bookmarks: Vec<BookmarkRef>,
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
    /// Put this text on the clipboard through the terminal (OSC 52); answer with
    /// `Msg::Copied`.
    CopyToClipboard {
        text: String,
    },
    /// Keep the visited links: the history file's new text, written whole and atomically.
    SaveVisited {
        text: String,
    },
    /// Keep the session (the tabs, their pages and places), written whole and atomically.
    SaveSession {
        session: crate::store::session::SavedSession,
    },
    /// Ctrl-Z: give the terminal back and stop, as a shell's job, until `fg`.
    Suspend,
    Quit,
}

/// A change to the bookmark file, carried out by the shell through the bookmark store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BookmarkOp {
    Add {
        url: String,
        title: String,
        folder: Vec<String>,
    },
    Change {
        url: String,
        change: BookmarkChange,
    },
    /// Remove a folder that holds nothing.
    RemoveEmptyFolder {
        folder: Vec<String>,
    },
    Undo,
    /// Point bookmarks of `old` at `new` (after a permanent move).
    Relink {
        old: String,
        new: Url,
    },
}

/// A bookmark as the app needs to know it: to draw the bookmarks page, and to offer a
/// relink after a permanent move.
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
    /// Folders that hold no bookmark (nor other folders), from the top.
    pub empty_folders: Vec<Vec<String>>,
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
