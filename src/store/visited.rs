//! The links the user has visited, remembered across sessions so that pages can draw them
//! apart from the others, as lynx does: a bounded list of addresses, newest last, kept in
//! `$XDG_STATE_HOME/margay/visited` (one address a line).
//!
//! The list is pure data ([`Visited`]); [`load`] and [`save`] are the only I/O. A save writes
//! a private temporary file beside the real one and renames it over, so a crash or a full disk
//! never leaves half a list; a file too large, unreadable or not a regular file is reported
//! and never read whole. Addresses are kept without their fragment: `page#a` and `page#b`
//! are the same visit.

use std::collections::{HashSet, VecDeque};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use url::Url;

/// How many addresses are remembered; the oldest visits give way first.
pub const VISITED_CAP: usize = 10_000;

/// A file larger than this is not a list margay wrote (10,000 addresses of 400 bytes).
const MAX_FILE_BYTES: u64 = 4 << 20;

const HEADER: &str = "# margay: visited addresses, oldest first (clear with D on the history page)";

/// Visited addresses, newest last, at most [`VISITED_CAP`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Visited {
    order: VecDeque<Arc<str>>,
    set: HashSet<Arc<str>>,
}

/// The part of an address that names what was visited: all but the fragment.
pub fn key(url: &Url) -> &str {
    let text = url.as_str();
    text.split_once('#').map_or(text, |(before, _)| before)
}

impl Visited {
    /// The list as [`Visited::to_text`] wrote it; lines that are not addresses are skipped.
    pub fn parse(text: &str) -> Visited {
        let mut visited = Visited::default();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            if let Ok(url) = Url::parse(line) {
                visited.insert(&url);
            }
        }
        visited
    }

    pub fn to_text(&self) -> String {
        let mut text =
            String::with_capacity(HEADER.len() + 1 + self.order.iter().map(|u| u.len() + 1).sum::<usize>());
        text.push_str(HEADER);
        text.push('\n');
        for url in &self.order {
            text.push_str(url);
            text.push('\n');
        }
        text
    }

    /// Remember a visit (again: it becomes the newest). True when the list changed.
    pub fn insert(&mut self, url: &Url) -> bool {
        if !matches!(url.scheme(), "http" | "https" | "file") {
            return false;
        }
        self.insert_key(key(url))
    }

    /// The visits of `newer`, as made after those here.
    pub fn merge(&mut self, newer: &Visited) {
        for key in &newer.order {
            self.insert_key(key);
        }
    }

    fn insert_key(&mut self, key: &str) -> bool {
        if self.order.back().is_some_and(|last| &**last == key) {
            return false;
        }
        if let Some(old) = self.set.get(key).cloned() {
            self.order.retain(|u| !Arc::ptr_eq(u, &old));
            self.order.push_back(old);
            return true;
        }
        let entry: Arc<str> = Arc::from(key);
        self.set.insert(entry.clone());
        self.order.push_back(entry);
        while self.order.len() > VISITED_CAP {
            if let Some(oldest) = self.order.pop_front() {
                self.set.remove(&oldest);
            }
        }
        true
    }

    pub fn contains(&self, url: &Url) -> bool {
        self.set.contains(key(url))
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn clear(&mut self) {
        self.order.clear();
        self.set.clear();
    }
}

/// Read the list; a missing file is an empty list, anything else wrong is said (and the list
/// starts empty, the file left as it is until the next save).
pub fn load(path: &Path) -> (Visited, Option<String>) {
    let problem = |why: String| {
        (Visited::default(), Some(format!("{}: {why}; visited links start afresh.", path.display())))
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Visited::default(), None),
        Err(e) => return problem(e.to_string()),
    };
    // A FIFO or a device would block the read forever.
    if !meta.is_file() {
        return problem("not a regular file".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return problem(format!("larger than {} MB, so not margay's list", MAX_FILE_BYTES >> 20));
    }
    let mut bytes = Vec::new();
    match std::fs::File::open(path).and_then(|f| f.take(MAX_FILE_BYTES).read_to_end(&mut bytes)) {
        Ok(_) => (Visited::parse(&String::from_utf8_lossy(&bytes)), None),
        Err(e) => problem(e.to_string()),
    }
}

/// Write the list whole and atomically: a private temporary file in the same directory,
/// flushed to disk, then renamed over the old list.
pub fn save(path: &Path, text: &str) -> Result<(), super::StoreError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let written = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        let mut file =
            tempfile::Builder::new().prefix(".visited.").suffix(".margay.tmp").tempfile_in(&dir)?;
        file.write_all(text.as_bytes())?;
        file.as_file().sync_all()?;
        file.persist(path).map_err(|e| e.error)?;
        Ok(())
    })();
    written.map_err(|e| super::StoreError::Write {
        what: "keep the visited links",
        path: path.to_path_buf(),
        reason: crate::plain::io(&e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn a_list_that_cannot_be_written_says_where_and_why_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let path = file.join("visited");
        let problem = save(&path, "http://a.example/\n").unwrap_err();
        assert!(
            matches!(&problem, crate::store::StoreError::Write { path: p, .. } if *p == path),
            "{problem:?}"
        );
        let said = problem.to_string();
        assert!(
            said.starts_with(&format!("cannot keep the visited links in {}: ", path.display())),
            "{said}"
        );
        assert!(!said.contains("os error") && !said.contains("Os {"), "in words: {said}");
    }

    #[test]
    fn visits_are_bounded_newest_last_and_without_fragments() {
        let mut v = Visited::default();
        assert!(v.insert(&url("http://a.example/page#one")));
        assert!(v.contains(&url("http://a.example/page#two")));
        assert!(!v.insert(&url("http://a.example/page")), "the same visit");
        assert!(!v.insert(&url("about:help")), "margay's own pages are not visits");
        for i in 0..VISITED_CAP {
            v.insert(&url(&format!("http://b.example/{i}")));
        }
        assert_eq!(v.len(), VISITED_CAP);
        assert!(!v.contains(&url("http://a.example/page")), "the oldest gave way");
        let again = Visited::parse(&v.to_text());
        assert_eq!(again, v);
    }

    #[test]
    fn a_revisit_becomes_the_newest() {
        let mut v = Visited::default();
        v.insert(&url("http://a.example/1"));
        v.insert(&url("http://a.example/2"));
        assert!(v.insert(&url("http://a.example/1")));
        assert!(v.to_text().ends_with("http://a.example/2\nhttp://a.example/1\n"));
    }

    #[test]
    fn saved_atomically_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state").join("visited");
        assert_eq!(load(&path), (Visited::default(), None));
        let mut v = Visited::default();
        v.insert(&url("https://example.org/x"));
        save(&path, &v.to_text()).unwrap();
        assert_eq!(load(&path).0, v);
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left");
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir(&path).unwrap();
        let (empty, warning) = load(&path);
        assert!(empty.is_empty() && warning.unwrap().contains("not a regular file"));
    }
}
