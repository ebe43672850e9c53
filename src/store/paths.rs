//! Where margay's files live: the XDG base directories (via `directories`), with the
//! environment read once at start-up so that tests can point them elsewhere.

use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Paths {
    pub config_dir: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    /// What margay remembers of how it was used: `$XDG_STATE_HOME/margay` (usually
    /// `~/.local/state/margay`).
    pub state_dir: Option<PathBuf>,
}

impl Paths {
    pub fn from_env() -> Paths {
        match directories::ProjectDirs::from("", "", "margay") {
            Some(dirs) => Paths {
                config_dir: Some(dirs.config_dir().to_path_buf()),
                data_dir: Some(dirs.data_dir().to_path_buf()),
                cache_dir: Some(dirs.cache_dir().to_path_buf()),
                state_dir: dirs.state_dir().map(|d| d.to_path_buf()),
            },
            None => Paths { config_dir: None, data_dir: None, cache_dir: None, state_dir: None },
        }
    }

    pub fn config_file(&self) -> Option<PathBuf> {
        self.config_dir.as_ref().map(|d| d.join("config.toml"))
    }

    pub fn keymap_file(&self) -> Option<PathBuf> {
        self.config_dir.as_ref().map(|d| d.join("keymap.toml"))
    }

    /// The certificates the user trusts: `$XDG_DATA_HOME/margay/trusted-certs`.
    pub fn trusted_certs_file(&self) -> Option<PathBuf> {
        self.data_dir.as_ref().map(|d| d.join("trusted-certs"))
    }

    /// The visited links: `$XDG_STATE_HOME/margay/visited`.
    pub fn visited_file(&self) -> Option<PathBuf> {
        self.state_dir.as_ref().map(|d| d.join("visited"))
    }

    /// The saved session: `$XDG_STATE_HOME/margay/session.json`.
    pub fn session_file(&self) -> Option<PathBuf> {
        self.state_dir.as_ref().map(|d| d.join("session.json"))
    }

    /// The bookmark file: `$XDG_DATA_HOME/margay/bookmarks.html`.
    pub fn bookmarks_file(&self) -> Option<PathBuf> {
        self.data_dir.as_ref().map(|d| d.join("bookmarks.html"))
    }
}
