//! What margay keeps: the session's history, the user's settings, bookmarks, the visited
//! links, and where files live on disk. Nothing here uses the network.

pub mod bookmarks;
pub mod config;
pub mod history;
pub mod paths;
pub mod save;
pub mod trusted_certs;
pub mod visited;
