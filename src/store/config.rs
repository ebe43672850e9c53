//! The user's settings: `$XDG_CONFIG_HOME/margay/config.toml`. Every setting has a default,
//! so a missing file is no error; a file with a mistake gives a message naming its line and
//! the setting, saying what the value must be, and the defaults are used, so the browser
//! always starts.
//!
//! [`SETTINGS`] describes every setting once: the sample file `margay config --print-default`
//! prints ([`sample`]) and the messages about a wrong value are made from it, and a test
//! checks it against the structs below. The file is checked against it before serde reads
//! it, because serde's messages are about Rust types (`invalid type: string "ten", expected
//! u64`), not about the setting.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub network: Network,
    pub cookies: Cookies,
    pub bookmarks: Bookmarks,
    pub downloads: Downloads,
    pub display: Display,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
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

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Cookies {
    /// Keep cookies between sessions (off by default: a session jar only).
    pub persist: bool,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Bookmarks {
    /// Another bookmark file than `$XDG_DATA_HOME/margay/bookmarks.html`.
    pub file: Option<PathBuf>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Downloads {
    /// Where downloads are offered to go (default: $XDG_DOWNLOAD_DIR or ~/Downloads).
    pub dir: Option<PathBuf>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
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

/// What a setting's value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A whole number, 1 or more, of this unit.
    Count(&'static str),
    /// true or false.
    Switch,
    /// A path, in quotes; not set by default.
    Path,
}

/// One setting of config.toml.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    pub section: &'static str,
    pub key: &'static str,
    pub kind: Kind,
    /// What it does, for the sample file.
    pub what: &'static str,
    /// For a path: a value to show in the sample (the setting is unset by default).
    pub example: &'static str,
}

/// Every setting, in the order the sample file shows them.
pub const SETTINGS: &[Setting] = &[
    Setting {
        section: "network",
        key: "body_cap_mb",
        kind: Kind::Count("megabytes"),
        what: "The largest body read, in megabytes after decompression; a longer one is cut there \
               (page info says so, and p fetches it again whole to save it).",
        example: "",
    },
    Setting {
        section: "network",
        key: "connect_timeout_secs",
        kind: Kind::Count("seconds"),
        what: "Seconds to connect: the name looked up, the connection and the TLS handshake.",
        example: "",
    },
    Setting {
        section: "network",
        key: "read_timeout_secs",
        kind: Kind::Count("seconds"),
        what: "Seconds without progress (headers or body) before a load is cut off.",
        example: "",
    },
    Setting {
        section: "network",
        key: "total_timeout_secs",
        kind: Kind::Count("seconds"),
        what: "Seconds for a whole request, body included.",
        example: "",
    },
    Setting {
        section: "network",
        key: "ca_file",
        kind: Kind::Path,
        what: "A PEM file of certificate authorities to trust beyond margay's built-in list, the \
               system's store, SSL_CERT_FILE and SSL_CERT_DIR (a private network's authority).",
        example: "/etc/ssl/private-ca.pem",
    },
    Setting {
        section: "cookies",
        key: "persist",
        kind: Kind::Switch,
        what: "Keep cookies between sessions, in $XDG_DATA_HOME/margay/cookies.json. Off: cookies \
               live until margay quits.",
        example: "",
    },
    Setting {
        section: "bookmarks",
        key: "file",
        kind: Kind::Path,
        what: "The bookmark file (Netscape format, as lynx, Firefox and Chrome read it), instead of \
               $XDG_DATA_HOME/margay/bookmarks.html.",
        example: "/path/to/bookmarks.html",
    },
    Setting {
        section: "downloads",
        key: "dir",
        kind: Kind::Path,
        what: "Where downloads and saved pages are offered to go, instead of $XDG_DOWNLOAD_DIR or \
               ~/Downloads.",
        example: "/path/to/downloads",
    },
    Setting {
        section: "display",
        key: "page_colours",
        kind: Kind::Switch,
        what: "Draw text in the colours the page's style sheets give it. Off by default: a page's \
               colours can be unreadable on the terminal's background.",
        example: "",
    },
];

impl Setting {
    /// What the value must be, as a message says it.
    pub fn must_be(&self) -> String {
        match self.kind {
            Kind::Count(unit) => format!("a whole number of {unit}, 1 or more"),
            Kind::Switch => "true or false, without quotes".to_string(),
            Kind::Path => "a path in quotes, such as \"/path/to/file\" or \"~/file\"".to_string(),
        }
    }
}

/// The sections of the file, in order.
fn sections() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for s in SETTINGS {
        if !out.contains(&s.section) {
            out.push(s.section);
        }
    }
    out
}

/// A commented config.toml with every setting at its default (commented out, so that a copy
/// follows the defaults of later versions), each with what it does.
pub fn sample() -> String {
    let defaults = serde_json::to_value(Config::default()).unwrap_or_default();
    let mut out = String::from(
        "# margay's settings: $XDG_CONFIG_HOME/margay/config.toml (usually ~/.config/margay/config.toml).\n\
         # Every setting is optional. The values shown are the defaults; remove the # in front of a\n\
         # setting to change it. `margay config` checks the file and says where it is looked for.\n",
    );
    for section in sections() {
        out.push_str(&format!("\n[{section}]\n"));
        for s in SETTINGS.iter().filter(|s| s.section == section) {
            for line in wrap(s.what, 90) {
                out.push_str(&format!("# {line}\n"));
            }
            let value = &defaults[section][s.key];
            let shown = match (value, s.kind) {
                (serde_json::Value::Null, _) => format!("\"{}\"   # not set by default", s.example),
                (serde_json::Value::String(text), _) => format!("{text:?}"),
                (other, _) => other.to_string(),
            };
            out.push_str(&format!("# {} = {shown}\n", s.key));
        }
    }
    out
}

/// `text` in lines of at most `width` characters, broken at spaces.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

impl Config {
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let problem = |offset: usize, message: String| ConfigError {
            file: file.to_string(),
            line: line_of(offset),
            message,
        };
        let table = toml::de::DeTable::parse(text)
            .map_err(|e| problem(e.span().map_or(0, |s| s.start), crate::plain::toml_syntax(e.message())))?;
        check(table.get_ref(), text).map_err(|(offset, message)| problem(offset, message))?;
        // What the check passed, serde reads; a message from here would be about Rust types,
        // so it is only a fallback for a shape the check does not know.
        toml::from_str(text).map_err(|e| {
            problem(
                e.span().map_or(0, |s| s.start),
                format!(
                    "this line cannot be used ({}); `margay config --print-default` shows how each setting is written",
                    crate::plain::debug_words(e.message().trim())
                ),
            )
        })
    }

    /// The user's file, or the defaults with a message saying why it was not used.
    pub fn load(path: Option<&std::path::Path>) -> (Config, Option<String>) {
        let Some(path) = path else { return (Config::default(), None) };
        // A FIFO or a device would block the read forever (tests/hostile_files.rs).
        let text = if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            Err(std::io::Error::other("not a regular file"))
        } else {
            std::fs::read_to_string(path)
        };
        match text {
            Ok(text) => match Config::parse(&text, &path.display().to_string()) {
                Ok(config) => {
                    let home = std::env::var_os("HOME").map(PathBuf::from);
                    (config.with_home(home.as_deref()).relative_to(path.parent()), None)
                }
                Err(e) => (
                    Config::default(),
                    Some(format!(
                        "{e} — using the default settings until it is fixed (margay config --print-default shows every setting)."
                    )),
                ),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), None),
            Err(e) => (
                Config::default(),
                Some(format!(
                    "{}: {} — using the default settings; make it a readable text file, or remove it.",
                    path.display(),
                    what_went_wrong(&e)
                )),
            ),
        }
    }
}

impl Config {
    /// The paths it names with `~/` at their start (as a shell would read them) taken from
    /// `home`; without a home they stay as they are.
    pub fn with_home(mut self, home: Option<&std::path::Path>) -> Config {
        for path in self.paths() {
            *path = path.as_deref().map(|p| super::save::under_home(p, home));
        }
        self
    }

    /// The paths it names that are relative taken from `folder` (the one the settings file
    /// is in), so that they do not change with the folder margay is started in.
    pub fn relative_to(mut self, folder: Option<&std::path::Path>) -> Config {
        let Some(folder) = folder else { return self };
        for path in self.paths() {
            // `~/…` without a home to take it from stays as written.
            if let Some(relative) = path.as_deref().filter(|p| p.is_relative() && !p.starts_with("~")) {
                *path = Some(folder.join(relative));
            }
        }
        self
    }

    fn paths(&mut self) -> [&mut Option<PathBuf>; 3] {
        [&mut self.network.ca_file, &mut self.bookmarks.file, &mut self.downloads.dir]
    }
}

/// A read error in words; text that is not UTF-8 is said as such.
fn what_went_wrong(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::InvalidData {
        "it is not UTF-8 text".to_string()
    } else {
        crate::plain::io(e)
    }
}

/// Every section and setting known, every value of the right kind; the first problem, with
/// the offset it is at.
fn check(table: &toml::de::DeTable<'_>, text: &str) -> Result<(), (usize, String)> {
    use toml::de::DeValue;
    let known = sections();
    for (name, value) in table {
        let section = name.get_ref().as_ref();
        if !known.contains(&section) {
            let list: Vec<String> = known.iter().map(|s| format!("[{s}]")).collect();
            return Err((
                name.span().start,
                format!("unknown section [{}]; the sections are {}", clean(section), list.join(", ")),
            ));
        }
        let DeValue::Table(settings) = value.get_ref() else {
            return Err((
                value.span().start,
                format!("{section} must be a section: a line [{section}], then its settings as name = value"),
            ));
        };
        for (key, value) in settings {
            let key_text = key.get_ref().as_ref();
            let Some(setting) = SETTINGS.iter().find(|s| s.section == section && s.key == key_text) else {
                let here: Vec<&str> =
                    SETTINGS.iter().filter(|s| s.section == section).map(|s| s.key).collect();
                let hint = match here.iter().min_by_key(|k| distance(k, key_text)) {
                    Some(k) if distance(k, key_text) <= 3 => format!("did you mean {k}?"),
                    _ => format!("[{section}] has {}", here.join(", ")),
                };
                return Err((
                    key.span().start,
                    format!("unknown setting {} in [{section}]; {hint}", clean(key_text)),
                ));
            };
            let fits = match (setting.kind, value.get_ref()) {
                (Kind::Count(_), DeValue::Integer(n)) => {
                    u64::from_str_radix(n.as_str(), n.radix()).is_ok_and(|n| n >= 1)
                }
                (Kind::Switch, DeValue::Boolean(_)) => true,
                (Kind::Path, DeValue::String(s)) => !s.trim().is_empty(),
                _ => false,
            };
            if !fits {
                let span = value.span();
                let written = match value.get_ref() {
                    DeValue::Array(_) => "a list".to_string(),
                    DeValue::Table(_) => "a table".to_string(),
                    _ => shown(text.get(span.start..span.end).unwrap_or("").trim()),
                };
                return Err((
                    span.start,
                    format!("{} must be {} (it is {written})", setting.key, setting.must_be()),
                ));
            }
        }
    }
    Ok(())
}

/// What the file says, short and without control characters, for a message.
fn shown(written: &str) -> String {
    let one_line: String = written.chars().filter(|c| !c.is_control()).take(40).collect();
    if one_line.is_empty() {
        "empty".to_string()
    } else if written.chars().count() > 40 {
        format!("{one_line}…")
    } else {
        one_line
    }
}

fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(60).collect()
}

/// How many letters must change to turn one name into the other (Levenshtein).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let replaced = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = replaced.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every setting of the structs, as `section.key`, found through serde (an unset path is
    /// a null there, so none is missed).
    fn fields() -> Vec<String> {
        let value = serde_json::to_value(Config::default()).expect("settings serialise");
        let mut out = Vec::new();
        for (section, settings) in value.as_object().expect("a table of sections") {
            for key in settings.as_object().expect("a section is a table").keys() {
                out.push(format!("{section}.{key}"));
            }
        }
        out
    }

    #[test]
    fn paths_starting_with_a_tilde_are_under_the_home_and_relative_ones_beside_the_file() {
        let text = "[bookmarks]\nfile = \"~/notes/bookmarks.html\"\n[downloads]\ndir = \"~\"\n\
                    [network]\nca_file = \"~other/ca.pem\"\n";
        let config = Config::parse(text, "config.toml").unwrap();
        let home = std::path::Path::new("/home/ana");
        let expanded = config.clone().with_home(Some(home));
        assert_eq!(expanded.bookmarks.file.as_deref(), Some(home.join("notes/bookmarks.html").as_path()));
        assert_eq!(expanded.downloads.dir.as_deref(), Some(home));
        assert_eq!(expanded.network.ca_file, config.network.ca_file, "another user's home is left alone");
        assert_eq!(config.clone().with_home(None), config, "without a home, as written");
        let folder = std::path::Path::new("/home/ana/.config/margay");
        let relative =
            Config::parse("[bookmarks]\nfile = \"kept/bm.html\"\n[downloads]\ndir = \"/srv\"\n", "c")
                .unwrap()
                .relative_to(Some(folder));
        assert_eq!(relative.bookmarks.file.as_deref(), Some(folder.join("kept/bm.html").as_path()));
        assert_eq!(relative.downloads.dir.as_deref(), Some(std::path::Path::new("/srv")));
        let homeless = Config::parse("[bookmarks]\nfile = \"~/bm.html\"\n", "c").unwrap();
        let homeless = homeless.with_home(None).relative_to(Some(folder));
        assert_eq!(homeless.bookmarks.file.as_deref(), Some(std::path::Path::new("~/bm.html")));
    }

    #[test]
    fn every_setting_is_described_once_and_nothing_else_is() {
        let mut described: Vec<String> =
            SETTINGS.iter().map(|s| format!("{}.{}", s.section, s.key)).collect();
        let mut real = fields();
        described.sort();
        real.sort();
        assert_eq!(described, real);
    }

    #[test]
    fn the_sample_is_the_defaults_and_names_every_setting() {
        let sample = sample();
        assert_eq!(Config::parse(&sample, "sample").expect("the sample parses"), Config::default());
        for field in fields() {
            let (section, key) = field.split_once('.').expect("section.key");
            assert!(sample.contains(&format!("[{section}]")), "no [{section}] in the sample");
            assert!(sample.contains(&format!("# {key} = ")), "no {key} in the sample");
        }
        // With every setting's # taken away, it still parses: each line is real TOML, its
        // default is the default, and each path is set to its example.
        let uncommented: String = sample
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") => rest.to_string(),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let all = Config::parse(&uncommented, "sample").expect("the uncommented sample parses");
        let expected = Config {
            network: Network { ca_file: Some("/etc/ssl/private-ca.pem".into()), ..Network::default() },
            bookmarks: Bookmarks { file: Some("/path/to/bookmarks.html".into()) },
            downloads: Downloads { dir: Some("/path/to/downloads".into()) },
            ..Config::default()
        };
        assert_eq!(all, expected);
    }

    #[test]
    fn a_wrong_value_is_said_as_what_it_must_be() {
        for (text, line, expected) in [
            (
                "[network]\nbody_cap_mb = \"ten\"\n",
                2,
                "body_cap_mb must be a whole number of megabytes, 1 or more (it is \"ten\")",
            ),
            ("[network]\nbody_cap_mb = -1\n", 2, "body_cap_mb must be a whole number of megabytes"),
            (
                "[network]\nread_timeout_secs = 1.5\n",
                2,
                "read_timeout_secs must be a whole number of seconds",
            ),
            (
                "[network]\n\nbody_cap_mb = 0\n",
                3,
                "body_cap_mb must be a whole number of megabytes, 1 or more (it is 0)",
            ),
            ("[network]\nca_file = 5\n", 2, "ca_file must be a path in quotes"),
            (
                "[cookies]\npersist = \"yes\"\n",
                2,
                "persist must be true or false, without quotes (it is \"yes\")",
            ),
            (
                "[display]\npage_colors = true\n",
                2,
                "unknown setting page_colors in [display]; did you mean page_colours?",
            ),
            ("[cookies]\nkeep = true\n", 2, "unknown setting keep in [cookies]; [cookies] has persist"),
            ("[nope]\nx = 1\n", 1, "unknown section [nope]; the sections are [network], [cookies]"),
            ("network = 5\n", 1, "network must be a section"),
            ("network.body_cap_mb = \"x\"\n", 1, "body_cap_mb must be a whole number"),
            ("[network]\nbody_cap_mb 5\n", 2, "a setting without a value; write it as name = value"),
            ("[network\n", 1, "a section name without its closing ]"),
            ("[network]\nbody_cap_mb = 5\nbody_cap_mb = 6\n", 3, "this name is given twice"),
        ] {
            let e = Config::parse(text, "config.toml").expect_err(text);
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.contains(expected), "{text:?}: {e}");
            for rust in ["u64", "invalid type", "expected", "struct", "`"] {
                assert!(!e.message.contains(rust), "{text:?}: {e}");
            }
        }
    }

    #[test]
    fn page_colours_are_off_unless_turned_on() {
        assert!(!Config::parse("", "config.toml").expect("empty file").display.page_colours);
        let on = Config::parse("[display]\npage_colours = true\n", "config.toml").expect("valid");
        assert!(on.display.page_colours);
        let wrong = Config::parse("[display]\npage_colors = true\n", "config.toml").unwrap_err();
        assert_eq!(wrong.line, 2);
    }
}
