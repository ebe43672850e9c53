//! What margay keeps: the back/forward history, the saved session, the user's settings,
//! bookmarks, the visited links, and where files live on disk. Nothing here uses the network.

pub mod bookmarks;
pub mod config;
pub mod history;
pub mod paths;
pub mod save;
pub mod session;
pub mod session_keeper;
pub mod trusted_certs;
pub mod visited;

use std::path::PathBuf;

/// Why something margay keeps could not be written: said to the user as it is (the app shows
/// it on the status line, `margay certs` on the terminal).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Writing the file failed: what it holds, where, and why in plain words.
    #[error("cannot {what} in {}: {reason}", path.display())]
    Write { what: &'static str, path: PathBuf, reason: String },
    /// There is no directory to keep it in (no home, no XDG directory).
    #[error("there is no data directory to keep {what} in")]
    NoPlace { what: &'static str },
    /// Another thread using the same list panicked while changing it.
    #[error("the list of {what} is unusable")]
    Unusable { what: &'static str },
}
