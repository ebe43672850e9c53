//! What can be done to [`Bookmarks`]: find, add without duplicates, remove, rename, change
//! the address, move to a folder, relink after a permanent move (and undo it), merge another
//! browser's file, and the folder operations the bookmarks page needs.
//!
//! Bookmarks are addressed by URL, compared as [`url_key`] does (so `http://Example.com:80/a#x`
//! finds `http://example.com/a`); an operation applies to every entry with that address.
//! Addressing by URL rather than by position keeps an operation meaningful when it is applied
//! to a file that another margay changed in the meantime. Folders are addressed by their path
//! of titles from the top (`["Bookmarks Toolbar", "Rust"]`); the first folder with a title wins.
//!
//! Pure data: no I/O here.

use super::{now, url_key, Bookmark, Bookmarks, Folder, Item};
use std::collections::HashSet;
use url::Url;

/// How [`Bookmarks::find`] compares addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// The address exactly as written in the file.
    Exact,
    /// As [`url_key`] compares them: host case, default port and fragment ignored.
    Normalized,
}

/// A bookmark and the folder it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Titles of the folders from the top; empty for the top level.
    pub folder: Vec<String>,
    pub bookmark: &'a Bookmark,
}

/// What [`Bookmarks::add`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    Added,
    /// The address was already bookmarked (compared with [`url_key`]): nothing changed.
    Exists {
        folder: Vec<String>,
        title: String,
    },
}

impl Bookmarks {
    /// Every bookmark, depth first in file order.
    pub fn entries(&self) -> Vec<Entry<'_>> {
        let mut out = Vec::new();
        collect(&self.root.items, &mut Vec::new(), &mut out);
        out
    }

    /// How many bookmarks (not folders or separators) there are.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bookmarks with this address.
    pub fn find(&self, url: &str, how: Match) -> Vec<Entry<'_>> {
        let key = url_key(url);
        self.entries()
            .into_iter()
            .filter(|e| match how {
                Match::Exact => e.bookmark.url == url,
                Match::Normalized => e.bookmark.key() == key,
            })
            .collect()
    }

    /// Some bookmark has this address (compared with [`url_key`]).
    pub fn contains(&self, url: &str) -> bool {
        !self.find(url, Match::Normalized).is_empty()
    }

    /// The folder at `path` (titles from the top); the empty path is the top level.
    pub fn folder<S: AsRef<str>>(&self, path: &[S]) -> Option<&Folder> {
        let mut folder = &self.root;
        for title in path {
            folder = folder.items.iter().find_map(|i| match i {
                Item::Folder(f) if f.title == title.as_ref() => Some(f),
                _ => None,
            })?;
        }
        Some(folder)
    }

    /// The folder at `path`, created (with today's date) where missing.
    pub fn folder_mut<S: AsRef<str>>(&mut self, path: &[S]) -> &mut Folder {
        let mut folder = &mut self.root;
        for title in path {
            folder = child_folder(folder, title.as_ref());
        }
        folder
    }

    /// Add a bookmark at the end of `folder` (created if missing), unless its address is
    /// already bookmarked somewhere.
    pub fn add<S: AsRef<str>>(&mut self, folder: &[S], bookmark: Bookmark) -> Added {
        if let Some(existing) = self.find(&bookmark.url, Match::Normalized).first() {
            return Added::Exists { folder: existing.folder.clone(), title: existing.bookmark.title.clone() };
        }
        self.folder_mut(folder).items.push(Item::Bookmark(bookmark));
        Added::Added
    }

    /// Remove every bookmark with this address; returns how many.
    pub fn remove(&mut self, url: &str) -> usize {
        let key = url_key(url);
        remove_where(&mut self.root.items, &mut |b| b.key() == key).len()
    }

    /// Give every bookmark with this address a new title; returns how many changed.
    pub fn rename(&mut self, url: &str, title: &str) -> usize {
        self.modify(url, |b| {
            if b.title == title {
                return false;
            }
            b.title = title.to_string();
            true
        })
    }

    /// Give every bookmark with address `url` the address `new_url`; returns how many changed.
    pub fn set_url(&mut self, url: &str, new_url: &str) -> usize {
        self.modify(url, |b| {
            if b.url == new_url {
                return false;
            }
            b.url = new_url.to_string();
            true
        })
    }

    /// Move every bookmark with this address into `folder` (created if missing), at its end;
    /// returns how many moved. Entries already in that folder stay where they are.
    pub fn move_to<S: AsRef<str>>(&mut self, url: &str, folder: &[S]) -> usize {
        let key = url_key(url);
        let target: Vec<String> = folder.iter().map(|s| s.as_ref().to_string()).collect();
        let mut moved = Vec::new();
        remove_outside(&mut self.root.items, &mut Vec::new(), &target, &key, &mut moved);
        let n = moved.len();
        if n > 0 {
            self.folder_mut(&target).items.extend(moved.into_iter().map(Item::Bookmark));
        }
        n
    }

    /// After a permanent move (301/308) of `old` to `new`: point every bookmark of `old` at
    /// `new`, keeping the address it had in `former_url` (FORMER_HREF) so that
    /// [`Bookmarks::undo_relink`] can restore it. A bookmark's fragment is kept when `new` has
    /// none. Returns how many entries changed.
    pub fn relink(&mut self, old: &str, new: &str) -> usize {
        let new_url = Url::parse(new.trim()).ok();
        self.modify(old, |b| {
            let target =
                match (&new_url, Url::parse(&b.url).ok().and_then(|u| u.fragment().map(str::to_string))) {
                    (Some(n), Some(fragment)) if n.fragment().is_none() => {
                        let mut n = n.clone();
                        n.set_fragment(Some(&fragment));
                        n.to_string()
                    }
                    _ => new.to_string(),
                };
            if b.url == target {
                return false;
            }
            b.former_url = Some(std::mem::replace(&mut b.url, target));
            true
        })
    }

    /// Undo relinks: every bookmark with this (new) address that has a former address gets
    /// it back. Returns how many changed.
    pub fn undo_relink(&mut self, url: &str) -> usize {
        self.modify(url, |b| match b.former_url.take() {
            Some(former) => {
                b.url = former;
                true
            }
            None => false,
        })
    }

    /// Merge another file (an import from another browser): each of its bookmarks whose
    /// address is not bookmarked yet is added in the folder of the same path, created with the
    /// other file's folder attributes where missing. Returns how many were added.
    pub fn merge(&mut self, other: &Bookmarks) -> usize {
        let mut keys: HashSet<String> = self.entries().iter().map(|e| e.bookmark.key()).collect();
        let mut added = 0;
        merge_into(&mut self.root, &other.root.items, &mut keys, &mut added);
        added
    }

    /// Create an empty folder at `path`; false if it was already there.
    pub fn add_folder<S: AsRef<str>>(&mut self, path: &[S]) -> bool {
        if self.folder(path).is_some() {
            return false;
        }
        self.folder_mut(path);
        true
    }

    /// Retitle the folder at `path`; false if there is no such folder (or it is the top level).
    pub fn rename_folder<S: AsRef<str>>(&mut self, path: &[S], title: &str) -> bool {
        let Some((last, parent)) = path.split_last() else { return false };
        if self.folder(path).is_none() {
            return false;
        }
        let parent = self.folder_mut(parent);
        for item in &mut parent.items {
            if let Item::Folder(f) = item {
                if f.title == last.as_ref() {
                    f.title = title.to_string();
                    f.last_modified = Some(now());
                    return true;
                }
            }
        }
        false
    }

    /// Folders that hold no bookmark and no other folder (separators aside), from the top.
    pub fn empty_folders(&self) -> Vec<Vec<String>> {
        fn walk(items: &[Item], path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
            for item in items {
                if let Item::Folder(f) = item {
                    path.push(f.title.clone());
                    if f.items.iter().all(|i| matches!(i, Item::Separator)) {
                        out.push(path.clone());
                    }
                    walk(&f.items, path, out);
                    path.pop();
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.root.items, &mut Vec::new(), &mut out);
        out
    }

    /// Remove the folder at `path` if it holds nothing (separators aside): a folder another
    /// margay filled meanwhile is kept. True when it was removed.
    pub fn remove_empty_folder<S: AsRef<str>>(&mut self, path: &[S]) -> bool {
        let empty = self.folder(path).is_some_and(|f| f.items.iter().all(|i| matches!(i, Item::Separator)));
        empty && self.remove_folder(path).is_some()
    }

    /// Remove the folder at `path` with everything in it, and return it.
    pub fn remove_folder<S: AsRef<str>>(&mut self, path: &[S]) -> Option<Folder> {
        let (last, parent) = path.split_last()?;
        self.folder(path)?;
        let parent = self.folder_mut(parent);
        let at =
            parent.items.iter().position(|i| matches!(i, Item::Folder(f) if f.title == last.as_ref()))?;
        match parent.items.remove(at) {
            Item::Folder(f) => Some(f),
            _ => None,
        }
    }

    /// Apply `change` to every bookmark with this address; a change that returns true marks
    /// the entry modified now. Returns how many changed.
    fn modify(&mut self, url: &str, mut change: impl FnMut(&mut Bookmark) -> bool) -> usize {
        let key = url_key(url);
        let mut n = 0;
        for_each_mut(&mut self.root.items, &mut |b| {
            if b.key() == key && change(b) {
                b.last_modified = Some(now());
                n += 1;
            }
        });
        n
    }
}

fn collect<'a>(items: &'a [Item], path: &mut Vec<String>, out: &mut Vec<Entry<'a>>) {
    for item in items {
        match item {
            Item::Bookmark(b) => out.push(Entry { folder: path.clone(), bookmark: b }),
            Item::Folder(f) => {
                path.push(f.title.clone());
                collect(&f.items, path, out);
                path.pop();
            }
            Item::Separator => {}
        }
    }
}

fn child_folder<'a>(folder: &'a mut Folder, title: &str) -> &'a mut Folder {
    let at = folder.items.iter().position(|i| matches!(i, Item::Folder(f) if f.title == title));
    let at = at.unwrap_or_else(|| {
        let stamp = Some(now());
        folder.items.push(Item::Folder(Folder {
            add_date: stamp,
            last_modified: stamp,
            ..Folder::new(title)
        }));
        folder.items.len() - 1
    });
    match &mut folder.items[at] {
        Item::Folder(f) => f,
        // `at` was found or pushed as a folder just above.
        _ => unreachable!("the item at a folder position is a folder"),
    }
}

fn for_each_mut(items: &mut [Item], f: &mut impl FnMut(&mut Bookmark)) {
    for item in items {
        match item {
            Item::Bookmark(b) => f(b),
            Item::Folder(folder) => for_each_mut(&mut folder.items, f),
            Item::Separator => {}
        }
    }
}

fn remove_where(items: &mut Vec<Item>, pred: &mut impl FnMut(&Bookmark) -> bool) -> Vec<Bookmark> {
    let mut removed = Vec::new();
    let mut kept = Vec::with_capacity(items.len());
    for mut item in items.drain(..) {
        match &mut item {
            Item::Bookmark(b) if pred(b) => {
                removed.push(std::mem::take(b));
                continue;
            }
            Item::Folder(f) => removed.extend(remove_where(&mut f.items, pred)),
            _ => {}
        }
        kept.push(item);
    }
    *items = kept;
    removed
}

fn remove_outside(
    items: &mut Vec<Item>,
    path: &mut Vec<String>,
    target: &[String],
    key: &str,
    out: &mut Vec<Bookmark>,
) {
    if path.as_slice() != target {
        out.extend(remove_where_shallow(items, key));
    }
    for item in items.iter_mut() {
        if let Item::Folder(f) = item {
            path.push(f.title.clone());
            remove_outside(&mut f.items, path, target, key, out);
            path.pop();
        }
    }
}

fn remove_where_shallow(items: &mut Vec<Item>, key: &str) -> Vec<Bookmark> {
    let mut removed = Vec::new();
    items.retain(|item| match item {
        Item::Bookmark(b) if b.key() == key => {
            removed.push(b.clone());
            false
        }
        _ => true,
    });
    removed
}

fn merge_into(into: &mut Folder, items: &[Item], keys: &mut HashSet<String>, added: &mut usize) {
    for item in items {
        match item {
            Item::Bookmark(b) => {
                if keys.insert(b.key()) {
                    into.items.push(Item::Bookmark(b.clone()));
                    *added += 1;
                }
            }
            Item::Folder(f) => {
                if !f.items.iter().any(|i| has_new(i, keys)) {
                    continue;
                }
                let at = into.items.iter().position(|i| matches!(i, Item::Folder(g) if g.title == f.title));
                let at = at.unwrap_or_else(|| {
                    into.items.push(Item::Folder(f.header()));
                    into.items.len() - 1
                });
                if let Item::Folder(target) = &mut into.items[at] {
                    merge_into(target, &f.items, keys, added);
                }
            }
            Item::Separator => {}
        }
    }
}

/// The item is or holds a bookmark whose address is not in `keys`.
fn has_new(item: &Item, keys: &HashSet<String>) -> bool {
    match item {
        Item::Bookmark(b) => !keys.contains(&b.key()),
        Item::Folder(f) => f.items.iter().any(|i| has_new(i, keys)),
        Item::Separator => false,
    }
}
