//! The browser's disk side for bookmarks: the changes the app asks for (add, change, remove
//! an empty folder, undo, relink) carried out through the bookmark store, each answered with
//! the file as it now is; noticing when another process (`margay bookmarks add`, another
//! browser) changed the file, so the app sees — and offers relinks for — what is there now;
//! and the bookmark checker, which visits them (`bookmark_check`). Used by the runner, for
//! the terminal and the tests' driver alike.

pub mod bookmark_check;

use crate::net::Client;
use crate::shell::bookmark_check::check_all;
use crate::store::bookmarks::{Added, Bookmark, BookmarkStore};
use crate::ui::bookmarks::{BookmarkChange, CheckResult};
use crate::ui::prompt::plural;
use crate::ui::{BookmarkOp, BookmarkRef, BookmarksUpdate};
use std::path::PathBuf;

pub struct BookmarkShell {
    store: Option<BookmarkStore>,
    /// Why there is no store (the file could not be read at all).
    problem: Option<String>,
    /// The file as last read or written (modification time and length), to notice others'
    /// changes.
    seen: Option<(std::time::SystemTime, u64)>,
}

fn stamp(path: &std::path::Path) -> Option<(std::time::SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

impl BookmarkShell {
    pub fn open(path: Option<PathBuf>) -> BookmarkShell {
        match path.map(BookmarkStore::open) {
            Some(Ok(store)) => {
                let seen = stamp(store.path());
                BookmarkShell { store: Some(store), problem: None, seen }
            }
            Some(Err(e)) => BookmarkShell { store: None, problem: Some(e.to_string()), seen: None },
            None => BookmarkShell {
                store: None,
                problem: Some("no data directory for a bookmark file".into()),
                seen: None,
            },
        }
    }

    /// When another process changed the file since it was last read or written here, read it
    /// again and say what it now holds.
    pub fn refresh_if_changed(&mut self) -> Option<BookmarksUpdate> {
        let store = self.store.as_mut()?;
        let now = stamp(store.path());
        if now == self.seen {
            return None;
        }
        self.seen = now;
        match store.reload() {
            Ok(()) => Some(self.update(None, None)),
            Err(e) => Some(self.update(None, Some(e.to_string()))),
        }
    }

    /// The bookmarks as the app should see them, with a message or an error.
    pub fn update(&self, message: Option<String>, error: Option<String>) -> BookmarksUpdate {
        let Some(store) = &self.store else {
            return BookmarksUpdate { read_only: self.problem.clone(), error, message, ..Default::default() };
        };
        let list = store
            .bookmarks()
            .entries()
            .into_iter()
            .map(|e| BookmarkRef {
                title: e.bookmark.title.clone(),
                url: e.bookmark.url.clone(),
                folder: e.folder,
            })
            .collect();
        let read_only = store.read_only().map(|e| {
            format!("{}: {e}; the file is left untouched until it is fixed", store.path().display())
        });
        let empty_folders = store.bookmarks().empty_folders();
        BookmarksUpdate { list, empty_folders, read_only, message, error }
    }

    /// Carry out a change, answered with the file as it now is.
    pub fn apply(&mut self, op: &BookmarkOp) -> BookmarksUpdate {
        let Some(store) = self.store.as_mut() else {
            return self.update(None, self.problem.clone());
        };
        let result = match op {
            BookmarkOp::Add { url, title, folder } => {
                store.add(folder, Bookmark::new(url, title)).map(|added| match added {
                    Added::Added => format!("Bookmarked '{title}'."),
                    Added::Exists { title, folder } if folder.is_empty() => {
                        format!("Already bookmarked as '{title}'.")
                    }
                    Added::Exists { title, folder } => {
                        format!("Already bookmarked as '{title}' in {}.", folder.join("/"))
                    }
                })
            }
            BookmarkOp::Change { url, change } => match change {
                BookmarkChange::Rename(t) => store.rename(url, t).map(|_| format!("Renamed to '{t}'.")),
                BookmarkChange::SetUrl(u) => {
                    store.set_url(url, u).map(|_| format!("The bookmark now points at {u}."))
                }
                BookmarkChange::Move(f) => {
                    store.move_to(url, f).map(|_| format!("Moved to '{}'.", f.join("/")))
                }
                BookmarkChange::Delete => store.remove(url).map(|_| "Deleted (U undoes).".to_string()),
            },
            BookmarkOp::RemoveEmptyFolder { folder } => {
                store.update(|doc| doc.remove_empty_folder(folder)).map(|removed| {
                    if removed {
                        format!("Removed the folder '{}' (U undoes).", folder.join("/"))
                    } else {
                        format!("The folder '{}' is not empty now; it was kept.", folder.join("/"))
                    }
                })
            }
            BookmarkOp::Undo => store.undo().map(|undone| {
                if undone {
                    "The last change was undone.".to_string()
                } else {
                    "Nothing to undo.".to_string()
                }
            }),
            BookmarkOp::Relink { old, new } => store
                .relink(old, new.as_str())
                .map(|n| format!("Relinked {} to {new}.", plural(n, "bookmark", "bookmarks"))),
        };
        self.seen = self.store.as_ref().and_then(|s| stamp(s.path()));
        match result {
            Ok(message) => self.update(Some(message), None),
            Err(e) => self.update(None, Some(e.to_string())),
        }
    }
}

/// Check bookmarks (HEAD, then GET where refused), a few at a time.
pub fn check_bookmarks(client: &Client, bookmarks: &[BookmarkRef]) -> Vec<CheckResult> {
    let urls: Vec<String> = bookmarks.iter().map(|b| b.url.clone()).collect();
    let verdicts = check_all(client, &urls, 8, &mut |_, _| {});
    bookmarks
        .iter()
        .zip(verdicts)
        .map(|(bookmark, verdict)| {
            let bookmark = bookmark.clone();
            let detail = match &verdict {
                crate::shell::bookmark_check::Verdict::MovedPermanently { to, .. }
                | crate::shell::bookmark_check::Verdict::MovedTemporarily { to, .. } => {
                    format!("now at {to}")
                }
                crate::shell::bookmark_check::Verdict::Failing { reason, .. }
                | crate::shell::bookmark_check::Verdict::Skipped { reason } => reason.clone(),
                other => other.status().map_or(String::new(), |s| s.to_string()),
            };
            CheckResult { bookmark, category: verdict.category().label().to_string(), detail }
        })
        .collect()
}
