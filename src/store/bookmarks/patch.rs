//! Undo as a patch: the difference a change made (entries removed, entries added, each with
//! its folder path and position), which can be reverted on a *different* tree — the file as
//! it is on disk when the user presses undo, with whatever another margay added since.
//!
//! Entries are compared whole: a renamed bookmark is the old entry removed and the new one
//! added, a moved one is removed from one folder and added to another. Folders are compared
//! by path of titles. Reverting removes the added entries that are still there unchanged and
//! puts the removed ones back at their old positions (clamped), so when nobody else touched
//! the file the result is exactly the state before the change, and otherwise the other
//! instance's changes survive. Pure data: no I/O here.

use super::{Bookmarks, Folder, Item};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Patch {
    /// In the old tree, not in the new one.
    removed: Vec<Node>,
    /// In the new tree, not in the old one.
    added: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    /// Titles of the folders holding the entry.
    parent: Vec<String>,
    /// Position among the parent's items.
    index: usize,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Kind {
    /// A folder's heading (no items).
    Folder(Folder),
    /// A bookmark or separator.
    Leaf(Item),
}

#[derive(PartialEq, Eq, Hash)]
enum Key<'a> {
    Folder(&'a [String], &'a str),
    Leaf(&'a [String], &'a Item),
}

impl Node {
    fn key(&self) -> Key<'_> {
        match &self.kind {
            Kind::Folder(f) => Key::Folder(&self.parent, &f.title),
            Kind::Leaf(item) => Key::Leaf(&self.parent, item),
        }
    }
}

/// What changed from `before` to `after`.
pub(super) fn diff(before: &Bookmarks, after: &Bookmarks) -> Patch {
    let old = flatten(before);
    let new = flatten(after);
    let mut unmatched: HashMap<Key<'_>, Vec<usize>> = HashMap::new();
    for (i, node) in new.iter().enumerate().rev() {
        unmatched.entry(node.key()).or_default().push(i);
    }
    let mut matched = vec![false; new.len()];
    let mut removed = Vec::new();
    for node in &old {
        match unmatched.get_mut(&node.key()).and_then(Vec::pop) {
            Some(i) => matched[i] = true,
            None => removed.push(node.clone()),
        }
    }
    let added = new.iter().zip(&matched).filter(|(_, m)| !**m).map(|(n, _)| n.clone()).collect();
    Patch { removed, added }
}

impl Patch {
    pub(super) fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.added.is_empty()
    }

    /// Undo the change on `doc`, which may have changed since.
    pub(super) fn revert(&self, doc: &mut Bookmarks) {
        // Take out what the change added: entries first, then its folders, deepest first,
        // where nothing else has been put in them.
        for node in self.added.iter().rev() {
            if let Kind::Leaf(item) = &node.kind {
                if let Some(folder) = find_mut(&mut doc.root, &node.parent) {
                    if let Some(at) = folder.items.iter().position(|i| i == item) {
                        folder.items.remove(at);
                    }
                }
            }
        }
        let mut folders: Vec<&Node> =
            self.added.iter().filter(|n| matches!(n.kind, Kind::Folder(_))).collect();
        folders.sort_by_key(|n| std::cmp::Reverse(n.parent.len()));
        for node in folders {
            let Kind::Folder(header) = &node.kind else { continue };
            if let Some(parent) = find_mut(&mut doc.root, &node.parent) {
                let empty =
                    |i: &Item| matches!(i, Item::Folder(f) if f.title == header.title && f.items.is_empty());
                if let Some(at) = parent.items.iter().position(empty) {
                    parent.items.remove(at);
                }
            }
        }
        // Put back what it removed: parents before children, each folder's entries in order.
        let mut restore: Vec<&Node> = self.removed.iter().collect();
        restore
            .sort_by(|a, b| (a.parent.len(), &a.parent, a.index).cmp(&(b.parent.len(), &b.parent, b.index)));
        for node in restore {
            let parent = doc.folder_mut(&node.parent);
            let at = node.index.min(parent.items.len());
            match &node.kind {
                Kind::Folder(header) => {
                    if !parent.items.iter().any(|i| matches!(i, Item::Folder(f) if f.title == header.title)) {
                        parent.items.insert(at, Item::Folder(header.clone()));
                    }
                }
                Kind::Leaf(item) => {
                    let present = matches!(item, Item::Bookmark(_)) && parent.items.contains(item);
                    if !present {
                        parent.items.insert(at, item.clone());
                    }
                }
            }
        }
    }
}

fn flatten(doc: &Bookmarks) -> Vec<Node> {
    let mut out = Vec::new();
    walk(&doc.root, &mut Vec::new(), &mut out);
    out
}

fn walk(folder: &Folder, path: &mut Vec<String>, out: &mut Vec<Node>) {
    for (index, item) in folder.items.iter().enumerate() {
        match item {
            Item::Folder(f) => {
                out.push(Node { parent: path.clone(), index, kind: Kind::Folder(f.header()) });
                path.push(f.title.clone());
                walk(f, path, out);
                path.pop();
            }
            leaf => out.push(Node { parent: path.clone(), index, kind: Kind::Leaf(leaf.clone()) }),
        }
    }
}

fn find_mut<'a>(mut folder: &'a mut Folder, path: &[String]) -> Option<&'a mut Folder> {
    for title in path {
        folder = folder.items.iter_mut().find_map(|i| match i {
            Item::Folder(f) if f.title == *title => Some(f),
            _ => None,
        })?;
    }
    Some(folder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::bookmarks::Bookmark;

    fn sample() -> Bookmarks {
        let mut doc = Bookmarks::default();
        for (folder, url) in [("", "http://a/"), ("F", "http://b/"), ("F", "http://c/"), ("", "http://d/")] {
            let path: Vec<&str> = if folder.is_empty() { vec![] } else { vec![folder] };
            doc.add(&path, Bookmark { url: url.into(), title: url.into(), ..Bookmark::default() });
        }
        doc
    }

    #[test]
    fn revert_on_the_same_tree_restores_it() {
        let before = sample();
        type Change = Box<dyn Fn(&mut Bookmarks)>;
        let changes: Vec<Change> = vec![
            Box::new(|d| {
                d.remove("http://b/");
            }),
            Box::new(|d| {
                d.rename("http://c/", "C");
            }),
            Box::new(|d| {
                d.move_to("http://a/", &["G", "H"]);
            }),
            Box::new(|d| {
                d.rename_folder(&["F"], "F2");
            }),
            Box::new(|d| {
                d.remove_folder(&["F"]);
            }),
            Box::new(|d| {
                d.relink("http://d/", "http://e/");
            }),
        ];
        for change in changes {
            let mut after = before.clone();
            change(&mut after);
            let patch = diff(&before, &after);
            assert!(!patch.is_empty());
            patch.revert(&mut after);
            assert_eq!(after, before);
        }
    }

    #[test]
    fn revert_keeps_what_others_added() {
        let before = sample();
        let mut after = before.clone();
        after.remove("http://c/");
        let patch = diff(&before, &after);
        let mut disk = after.clone();
        disk.add(&["F"], Bookmark { url: "http://x/".into(), ..Bookmark::default() });
        patch.revert(&mut disk);
        assert!(disk.contains("http://c/"));
        assert!(disk.contains("http://x/"));
        assert_eq!(disk.len(), 5);
    }
}
