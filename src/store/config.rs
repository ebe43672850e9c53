//! The user's settings: `$XDG_CONFIG_HOME/margay/config.toml`. Every setting has a default,
//! so a missing file is no error; a file with a mistake gives a message naming its line and
//! the defaults are used, so the browser always starts.

use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub network: Network,
    pub cookies: Cookies,
    pub bookmarks: Bookmarks,
    pub downloads: Downloads,
    pub display: Display,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Network {
    /// The largest body read, in megabytes (after decompression).
    pub body_cap_mb: u64,
    /// Seconds to connect (DNS, TCP and TLS).
    pub connect_timeout_secs: u64,
    /// Seconds without progress (headers or body) before a load is cut off.
    pub read_timeout_secs: u64,
    /// Seconds for a whole request, body included.
    pub total_timeout_secs: u64,
    /// PEM certificates of authorities to trust beyond the built-in list and the system's
    /// store (a private network's CA).
    pub ca_file: Option<PathBuf>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Cookies {
    /// Keep cookies between sessions (off by default: a session jar only).
    pub persist: bool,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Bookmarks {
    /// Another bookmark file than `$XDG_DATA_HOME/margay/bookmarks.html`.
    pub file: Option<PathBuf>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Downloads {
    /// Where downloads are offered to go (default: $XDG_DOWNLOAD_DIR or ~/Downloads).
    pub dir: Option<PathBuf>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Display {
    /// Draw text in the colours the page's style sheets give it (off by default: the
    /// page's colours can be unreadable on the terminal's background).
    pub page_colours: bool,
}

impl Default for Network {
    /// Near a desktop browser's: a slow server gets time, a dead one does not hold the
    /// reader for long.
    fn default() -> Self {
        Network {
            body_cap_mb: 50,
            connect_timeout_secs: 30,
            read_timeout_secs: 60,
            total_timeout_secs: 300,
            ca_file: None,
        }
    }
}

impl Network {
    pub fn body_cap(&self) -> u64 {
        self.body_cap_mb.saturating_mul(1024 * 1024).max(1)
    }
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs.max(1))
    }
    pub fn read_timeout(&self) -> Duration {
        Duration::from_secs(self.read_timeout_secs.max(1))
    }
    pub fn total_timeout(&self) -> Duration {
        Duration::from_secs(self.total_timeout_secs.max(1))
    }
}

/// A config file that could not be used, with the line it names (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl Config {
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start).min(text.len());
            ConfigError {
                file: file.to_string(),
                line: text[..offset].matches('\n').count() + 1,
                message: e.message().trim().to_string(),
            }
        })?;
        // Settings of zero would make every page empty or every request fail at once.
        let n = &config.network;
        for (name, value) in [
            ("body_cap_mb", n.body_cap_mb),
            ("connect_timeout_secs", n.connect_timeout_secs),
            ("read_timeout_secs", n.read_timeout_secs),
            ("total_timeout_secs", n.total_timeout_secs),
        ] {
            if value == 0 {
                let line = text.lines().position(|l| l.trim_start().starts_with(name)).map_or(1, |i| i + 1);
                return Err(ConfigError {
                    file: file.to_string(),
                    line,
                    message: format!("{name} must be at least 1"),
                });
            }
        }
        Ok(config)
    }

    /// The user's file, or the defaults with a message saying why it was not used.
    pub fn load(path: Option<&std::path::Path>) -> (Config, Option<String>) {
        let Some(path) = path else { return (Config::default(), None) };
        // A FIFO or a device would block the read forever (issue: hostile input).
        let text = if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            Err(std::io::Error::other("not a regular file"))
        } else {
            std::fs::read_to_string(path)
        };
        match text {
            Ok(text) => match Config::parse(&text, &path.display().to_string()) {
                Ok(config) => (config, None),
                Err(e) => (Config::default(), Some(format!("{e} — using the default settings."))),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), None),
            Err(e) => {
                (Config::default(), Some(format!("{}: {e} — using the default settings.", path.display())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_colours_are_off_unless_turned_on() {
        assert!(!Config::parse("", "config.toml").expect("empty file").display.page_colours);
        let on = Config::parse("[display]\npage_colours = true\n", "config.toml").expect("valid");
        assert!(on.display.page_colours);
        let wrong = Config::parse("[display]\npage_colors = true\n", "config.toml").unwrap_err();
        assert_eq!(wrong.line, 2);
    }
}
