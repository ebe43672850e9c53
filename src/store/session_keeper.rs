//! Which margay saves the session, and when: one margay at a time, the first to start,
//! holding `session.lock` beside the session file (an advisory lock the system lets go when
//! the process ends, however it ends). Another started meanwhile neither saves nor overwrites
//! the first one's session, and takes over once the first quits — the last one to quit is
//! the one kept. Before a margay first saves, the session it replaces is kept as
//! `session.previous.json`. Writing the file itself is `session::save`'s.

use super::session::{keep_previous, load, save, set_aside, Found, SavedSession};
use std::path::{Path, PathBuf};

/// Who saves this margay's session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SavedBy {
    ThisMargay,
    /// Another margay running now holds the lock (this one takes over when it quits).
    AnotherMargay,
    /// No session is kept (no state directory).
    Nobody,
}

/// The right to save the session, held for as long as this lives.
#[derive(Debug)]
pub struct SessionLock {
    _file: std::fs::File,
}

/// What came of taking the session's lock.
#[derive(Debug)]
pub enum Lock {
    /// This margay saves the session.
    Held(SessionLock),
    /// Another margay running now holds it: this one does not save.
    Busy,
    /// The file system cannot lock (some network file systems): saved without a lock.
    Unsupported,
}

/// Take the lock beside the session file (`session.lock` in its directory).
pub fn lock(session_path: &Path) -> Lock {
    let lock_path = session_path.with_file_name("session.lock");
    let opened = lock_path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path));
    let Ok(file) = opened else { return Lock::Unsupported };
    match file.try_lock() {
        Ok(()) => Lock::Held(SessionLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Lock::Busy,
        Err(std::fs::TryLockError::Error(_)) => Lock::Unsupported,
    }
}

/// The session file as one margay keeps it: the lock, whether this margay may write, and
/// what became of its last save.
#[derive(Debug)]
pub struct Keeper {
    path: PathBuf,
    lock: Lock,
    /// It holds the lock (or locks are not to be had), and a file it could not read was moved
    /// aside first.
    writable: bool,
    /// The session it replaces was kept as `session.previous.json` already.
    previous_kept: bool,
    /// Why the last save failed, until one succeeds.
    failure: Option<String>,
}

impl Keeper {
    /// Take the lock and read the last session: the keeper, what was found (or what the user
    /// must be told of the file), and who saves.
    pub fn open(path: PathBuf) -> (Keeper, Result<Option<Found>, String>, SavedBy) {
        let lock = lock(&path);
        let mut keeper = Keeper { path, lock, writable: false, previous_kept: false, failure: None };
        let busy = matches!(keeper.lock, Lock::Busy);
        let found = match load(&keeper.path) {
            Ok(found) => {
                keeper.writable = !busy;
                Ok(found)
            }
            // Moved aside before this margay saves over it (not while another one saves).
            Err(problem) if !busy => {
                let (message, safe) = set_aside(&keeper.path, &problem);
                keeper.writable = safe;
                Err(message)
            }
            Err(problem) => Err(format!("The last session cannot be resumed: {problem}.")),
        };
        let by = match (keeper.writable, busy) {
            (true, _) => SavedBy::ThisMargay,
            (false, true) => SavedBy::AnotherMargay,
            (false, false) => SavedBy::Nobody,
        };
        (keeper, found, by)
    }

    /// Another margay held the lock: take it if that one has quit. True when this margay
    /// saves from now on.
    pub fn take_over(&mut self) -> bool {
        if !matches!(self.lock, Lock::Busy) {
            return false;
        }
        // Only the lock itself: a file that could not be opened now says nothing of whether
        // the other margay still runs.
        match lock(&self.path) {
            lock @ Lock::Held(_) => {
                self.lock = lock;
                self.writable = match load(&self.path) {
                    Ok(_) => true,
                    Err(problem) => set_aside(&self.path, &problem).1,
                };
                self.writable
            }
            _ => false,
        }
    }

    /// Save `session` now (stamped with the time), unless another margay keeps the file (it
    /// may have quit a moment ago: then this one takes over first).
    pub fn save(&mut self, session: &SavedSession) -> Result<(), crate::store::StoreError> {
        if !self.writable && !self.take_over() {
            return Ok(());
        }
        if !std::mem::replace(&mut self.previous_kept, true) {
            keep_previous(&self.path);
        }
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let saved = save(&self.path, session, now);
        self.failure = saved.as_ref().err().map(ToString::to_string);
        saved
    }

    /// Why the session is not saved as it stands (the last save failed), for a word when
    /// margay ends.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_margay_at_a_time_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.json");
        let first = lock(&path);
        assert!(matches!(first, Lock::Held(_)), "{first:?}");
        assert!(matches!(lock(&path), Lock::Busy));
        drop(first);
        assert!(matches!(lock(&path), Lock::Held(_)), "let go with its holder");
    }
}
