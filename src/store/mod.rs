//! What margay keeps: the session's history and where files live on disk.

pub mod history;
pub mod paths;
