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
