//! What margay keeps: the session's history, the user's settings, bookmarks, and where
//! files live on disk.

pub mod bookmarks;
pub mod config;
pub mod history;
pub mod paths;
pub mod save;
pub mod trusted_certs;
