//! The saved session: the tabs a margay had open, each tab's back/forward pages with the
//! reading position, the selected link and the form values typed and not yet sent, kept in
//! `$XDG_STATE_HOME/margay/session.json` so that `margay --restore` (or "Resume where you
//! left off" on the start page) brings them back.
//!
//! The format ([`SavedSession`]) is plain data; the functions below it are the I/O. A save
//! writes a private temporary file beside the real one, flushes it and renames it over, so a
//! crash or a full disk never leaves half a session; a file too large, unreadable, not a
//! regular file or not margay's is reported ([`Unusable`]) and never read whole; a damaged
//! one may be moved aside for the user to look at ([`set_aside`]), one of another version of
//! margay is left alone. Passwords never reach this module: the app leaves them out.
//!
//! Which margay saves, and when, is `session_keeper`'s.

use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The number of the file's format; a file of another format is not read.
pub const FORMAT: u32 = 1;

/// A file larger than this is not a session margay wrote.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// The tabs of a session, in their order, and which one was shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSession {
    pub tabs: Vec<SavedTab>,
    pub active: usize,
}

/// A tab: its back/forward pages, oldest first, and which one was shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedTab {
    pub entries: Vec<SavedEntry>,
    pub current: usize,
}

/// A page of a tab's history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedEntry {
    pub url: String,
    #[serde(default)]
    pub title: String,
    /// The reading position at the top of the screen: a place in the page's text, so that
    /// the same text comes to the top whatever the terminal's width.
    #[serde(default)]
    pub position: u32,
    /// The selected link, by its number on the page less one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<usize>,
    /// Form fields holding what the user typed or chose and has not sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<SavedField>,
    /// The page was the answer to a form sent with POST: it keeps its place in the tab's
    /// history, and is never asked for again by itself (that would send the form again, or
    /// ask with GET for what was answered to POST).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub form_answer: bool,
}

/// A form field's value, by the field's place among the page's fields and its name (both
/// must match when the page comes back: a page that changed does not get values typed into
/// another field).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedField {
    pub index: usize,
    pub name: String,
    pub value: SavedValue,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SavedValue {
    Text(String),
    Checked(bool),
    /// Indices into a select's options.
    Selected(Vec<usize>),
}

impl SavedSession {
    /// How many pages all its tabs hold.
    pub fn pages(&self) -> usize {
        self.tabs.iter().map(|t| t.entries.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.tabs.is_empty()
    }

    /// The session with what cannot be shown taken out: entries whose address is not one
    /// margay opens, tabs left without entries; positions kept within bounds.
    fn cleaned(mut self) -> SavedSession {
        for tab in &mut self.tabs {
            let mut kept = Vec::with_capacity(tab.entries.len());
            let mut current = 0;
            for (i, entry) in std::mem::take(&mut tab.entries).into_iter().enumerate() {
                let usable = url::Url::parse(&entry.url)
                    .is_ok_and(|u| matches!(u.scheme(), "http" | "https" | "file"));
                if usable {
                    if i <= tab.current {
                        current = kept.len();
                    }
                    kept.push(entry);
                }
            }
            tab.entries = kept;
            tab.current = current;
        }
        let active = self.active;
        let mut new_active = 0;
        let mut tabs = Vec::with_capacity(self.tabs.len());
        for (i, tab) in std::mem::take(&mut self.tabs).into_iter().enumerate() {
            if !tab.entries.is_empty() {
                if i <= active {
                    new_active = tabs.len();
                }
                tabs.push(tab);
            }
        }
        SavedSession { tabs, active: new_active }
    }
}

/// The file as written: its format, when, and the session.
#[derive(Serialize, Deserialize)]
struct SessionFile {
    margay_session: u32,
    /// Seconds since 1970 (UTC).
    saved_at: u64,
    #[serde(flatten)]
    session: SavedSession,
}

/// A session read back, and how long ago it was saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub session: SavedSession,
    pub age: Duration,
}

/// The file's format number alone.
#[derive(Deserialize)]
struct Format {
    margay_session: u32,
}

pub use super::session_keeper::{Keeper, SavedBy};

/// Why a session file cannot be used ("PATH is …").
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unusable {
    /// Damaged, or not margay's: it may be moved aside.
    #[error("{0}")]
    Damaged(String),
    /// Written by another version of margay: left alone, and not saved over.
    #[error("{0}")]
    OtherVersion(String),
}

/// Read the saved session: `Ok(None)` when there is none (no file, or one with no tabs),
/// else what is wrong with the file, which is left as it is.
pub fn load(path: &Path) -> Result<Option<Found>, Unusable> {
    let problem = |why: String| Unusable::Damaged(format!("{} {why}", path.display()));
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(problem(format!("cannot be read: {}", crate::plain::io(&e)))),
    };
    // A FIFO or a device would block the read forever.
    if !meta.is_file() {
        return Err(problem("is not a file (a folder or a device)".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        let limit = MAX_FILE_BYTES >> 20;
        return Err(problem(format!("is larger than {limit} MB, so not a session margay saved")));
    }
    if meta.len() == 0 {
        return Err(problem("is empty".into()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES).read_to_end(&mut bytes))
        .map_err(|e| problem(format!("cannot be read: {}", crate::plain::io(&e))))?;
    // The format is read first: a newer margay's file is said to be that, not a mistake.
    if let Ok(Format { margay_session }) = serde_json::from_slice::<Format>(&bytes) {
        if margay_session != FORMAT {
            return Err(Unusable::OtherVersion(format!(
                "{} was saved in format {margay_session} by another version of margay (this one reads format {FORMAT})",
                path.display()
            )));
        }
    }
    let file: SessionFile = serde_json::from_slice(&bytes).map_err(|e| {
        problem(format!(
            "is not a session margay saved (it goes wrong at line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let session = file.session.cleaned();
    if session.is_empty() {
        return Ok(None);
    }
    // A time no clock shows (a hand-edited file) is "just now", never an overflow.
    let age = std::time::UNIX_EPOCH
        .checked_add(Duration::from_secs(file.saved_at))
        .and_then(|saved| std::time::SystemTime::now().duration_since(saved).ok())
        .unwrap_or_default();
    Ok(Some(Found { session, age }))
}

/// A session file that could not be used (`problem`, from [`load`]) is renamed
/// `session.json.unreadable` beside it when it is damaged, for the user to look at, so that
/// saving this margay's session loses nothing; one of another version of margay is left
/// where it is. What to tell the user, and whether saving over the file is safe (the rename
/// worked, or there was nothing to move).
pub fn set_aside(path: &Path, problem: &Unusable) -> (String, bool) {
    if let Unusable::OtherVersion(problem) = problem {
        return (
            format!("The last session cannot be resumed: {problem}; this margay will not save over it."),
            false,
        );
    }
    let aside = path.with_file_name("session.json.unreadable");
    match std::fs::rename(path, &aside) {
        Ok(()) => (
            format!("The last session cannot be resumed: {problem}; it is kept as session.json.unreadable."),
            true,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            (format!("The last session cannot be resumed: {problem}."), true)
        }
        Err(e) => (
            format!(
                "The last session cannot be resumed: {problem}; this margay will not save over it ({}).",
                crate::plain::io(&e)
            ),
            false,
        ),
    }
}

/// Before this margay first saves its own session, the one it replaces is kept as
/// `session.previous.json` (the older one there given up), as a bookmark file keeps its
/// `.bak`: a quick look at one page does not cost the session before it. A copy, not a
/// rename: until the new one is written whole, `session.json` stays as it was.
pub fn keep_previous(path: &Path) {
    if path.is_file() {
        let _ = std::fs::copy(path, path.with_file_name("session.previous.json"));
    }
}

/// Write the session whole and atomically (a private temporary file in the same directory,
/// flushed to disk, renamed over the old one), stamped with `saved_at` (seconds since 1970).
pub fn save(path: &Path, session: &SavedSession, saved_at: u64) -> Result<(), super::StoreError> {
    let failed = |reason: String| super::StoreError::Write {
        what: "save the session",
        path: path.to_path_buf(),
        reason,
    };
    let file = SessionFile { margay_session: FORMAT, saved_at, session: session.clone() };
    let text =
        serde_json::to_string_pretty(&file).map_err(|e| failed(crate::plain::debug_words(&e.to_string())))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let written = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        // Private (tempfile's default): typed form values are in it.
        let mut temp =
            tempfile::Builder::new().prefix(".session.").suffix(".margay.tmp").tempfile_in(&dir)?;
        temp.write_all(text.as_bytes())?;
        temp.write_all(b"\n")?;
        temp.as_file().sync_all()?;
        temp.persist(path).map_err(|e| e.error)?;
        Ok(())
    })();
    written.map_err(|e| failed(crate::plain::io(&e)))
}

/// How long ago, in words ("5 minutes ago").
pub fn ago(age: Duration) -> String {
    let secs = age.as_secs();
    let (n, unit) = match secs {
        0..=59 => return "just now".to_string(),
        60..=3_599 => (secs / 60, "minute"),
        3_600..=86_399 => (secs / 3_600, "hour"),
        _ => (secs / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str) -> SavedEntry {
        SavedEntry {
            url: url.into(),
            title: String::new(),
            position: 0,
            selected: None,
            fields: Vec::new(),
            form_answer: false,
        }
    }

    fn sample() -> SavedSession {
        let mut form_page = entry("http://127.0.0.1:8000/form");
        form_page.position = 1234;
        form_page.selected = Some(3);
        form_page.fields = vec![
            SavedField { index: 0, name: "q".into(), value: SavedValue::Text("lynx".into()) },
            SavedField { index: 2, name: "all".into(), value: SavedValue::Checked(true) },
            SavedField { index: 3, name: "size".into(), value: SavedValue::Selected(vec![1]) },
        ];
        SavedSession {
            tabs: vec![
                SavedTab { entries: vec![entry("http://127.0.0.1:8000/"), form_page], current: 1 },
                SavedTab { entries: vec![entry("file:///usr/share/doc/")], current: 0 },
            ],
            active: 1,
        }
    }

    #[test]
    fn saved_atomically_privately_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state").join("session.json");
        assert_eq!(load(&path), Ok(None));
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        save(&path, &sample(), now - 120).unwrap();
        let found = load(&path).unwrap().unwrap();
        assert_eq!(found.session, sample());
        assert_eq!(ago(found.age), "2 minutes ago");
        let names: Vec<_> =
            std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("session.json")], "no temporary file is left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the user may read typed form values");
        }
    }

    #[test]
    fn a_broken_file_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.json");
        for (text, said) in [
            ("{ not json", "not a session margay saved"),
            (r#"{"margay_session": 9, "saved_at": 0, "tabs": [], "active": 0}"#, "format 9"),
            (r#"{"margay_session": 1, "saved_at": 0, "tabs": [], "active": -5}"#, "line 1, column"),
            ("", "is empty"),
        ] {
            std::fs::write(&path, text).unwrap();
            let problem = load(&path).unwrap_err();
            assert!(problem.to_string().contains(said), "{problem}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "the file is left as it is");
            let (message, safe) = set_aside(&path, &problem);
            if said == "format 9" {
                assert!(!safe && message.contains("will not save over it"), "{message}");
                assert!(path.exists(), "another version's file is left where it is");
                std::fs::remove_file(&path).unwrap();
                continue;
            }
            assert!(
                safe && message.contains("cannot be resumed") && message.contains("session.json.unreadable")
            );
            let aside = dir.path().join("session.json.unreadable");
            assert_eq!(std::fs::read_to_string(&aside).unwrap(), text, "kept for the user");
            assert!(!path.exists());
        }
        std::fs::create_dir(&path).unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("is not a file"));
    }

    #[test]
    fn a_time_no_clock_shows_is_just_now() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.json");
        let text = r#"{"margay_session": 1, "saved_at": 18446744073709551615,
            "tabs": [{"entries": [{"url": "http://127.0.0.1:1/"}], "current": 0}], "active": 0}"#;
        std::fs::write(&path, text).unwrap();
        let found = load(&path).unwrap().unwrap();
        assert_eq!(ago(found.age), "just now");
    }

    #[test]
    fn what_cannot_be_shown_is_dropped_and_the_places_follow() {
        let session = SavedSession {
            tabs: vec![
                SavedTab { entries: vec![entry("about:help")], current: 0 },
                SavedTab {
                    entries: vec![entry("http://a.test/1"), entry("javascript:x"), entry("http://a.test/2")],
                    current: 1,
                },
            ],
            active: 1,
        }
        .cleaned();
        assert_eq!(session.tabs.len(), 1);
        assert_eq!(session.active, 0);
        let tab = &session.tabs[0];
        assert_eq!(tab.entries.len(), 2);
        assert_eq!(tab.current, 0, "the page before the one dropped");
        assert_eq!(session.pages(), 2);
    }
}
