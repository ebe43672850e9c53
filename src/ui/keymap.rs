//! Keys → actions, as data. The defaults live in `assets/keymap.toml`; a user file may
//! override any action's keys. Every action carries a description, which the help page
//! shows, so the help can never disagree with the keys that work.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::{BTreeMap, HashMap};
use toml::Spanned;

pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

macro_rules! actions {
    ($($variant:ident = $name:literal : $description:literal,)*) => {
        /// What the user wants, independent of the key that asked for it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($variant,)* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The name used in keymap files.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => $description,)* }
            }

            pub fn from_name(name: &str) -> Option<Action> {
                match name { $($name => Some(Action::$variant),)* _ => None }
            }
        }
    };
}

actions! {
    NextLink = "next_link": "Select the next link",
    PrevLink = "prev_link": "Select the previous link",
    FollowLink = "follow_link": "Follow the selected link",
    Back = "back": "Go back to the previous page",
    Forward = "forward": "Go forward again after going back",
    GotoUrl = "goto_url": "Open a URL (relative URLs resolve against this page)",
    EditUrl = "edit_url": "Open a URL, starting from the current one",
    Reload = "reload": "Load the current page again",
    PageDown = "page_down": "Scroll down one screen",
    PageUp = "page_up": "Scroll up one screen",
    LineDown = "line_down": "Scroll down one line",
    LineUp = "line_up": "Scroll up one line",
    Top = "top": "Go to the top of the page",
    Bottom = "bottom": "Go to the end of the page",
    Search = "search": "Search the page's text",
    SearchNext = "search_next": "Go to the next match",
    SearchPrev = "search_prev": "Go to the previous match",
    Help = "help": "Show this help",
    PageInfo = "page_info": "Show page info: addresses, redirects, status, headers, cache",
    ChargeTo = "charge_to": "On a 402 Payment Required page: retry with a ChargeTo header",
    Download = "download": "Download the selected link's target to a file",
    AddBookmark = "add_bookmark": "Bookmark this page (or its final address, or the selected link)",
    ViewBookmarks = "view_bookmarks": "Show the bookmarks page",
    BookmarkRename = "bookmark_rename": "On the bookmarks page: rename the selected bookmark",
    BookmarkEditUrl = "bookmark_edit_url": "On the bookmarks page: change the selected bookmark's address",
    BookmarkMove = "bookmark_move": "On the bookmarks page: move the selected bookmark to a folder",
    BookmarkDelete = "bookmark_delete": "On the bookmarks page: delete the selected bookmark",
    BookmarkUndo = "bookmark_undo": "On the bookmarks page: undo the last change",
    BookmarkCheck = "bookmark_check": "On the bookmarks page: check every bookmark",
    SavePage = "save_page": "Save the page as received (or as text, with a .txt name)",
    ViewSource = "view_source": "Show the page's source (again: back to the page)",
    ReaderView = "reader_view": "Reader view: only the page's article (again: the whole page)",
    OpenExternally = "open_externally": "Open an image, a PDF … with your viewer",
    TrustCertificate = "trust_certificate": "On a certificate error page: trust that certificate",
    Cookies = "cookies": "Show this site's cookies",
    ClearCookies = "clear_cookies": "On the cookie page: forget all of the site's cookies",
    Cancel = "cancel": "Cancel the load in progress, or close a prompt",
    AskQuit = "ask_quit": "Quit, after asking",
    Quit = "quit": "Quit at once",
}

/// A key as written in a keymap file, normalised for lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Key {
        Key { code: ev.code, ctrl: ev.modifiers.contains(KeyModifiers::CONTROL) }
    }

    pub fn parse(text: &str) -> Option<Key> {
        let (ctrl, rest) = match text.strip_prefix("Ctrl-").or_else(|| text.strip_prefix("C-")) {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let code = match rest {
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Tab" => KeyCode::Tab,
            "BackTab" | "Shift-Tab" => KeyCode::BackTab,
            "Backspace" => KeyCode::Backspace,
            "Delete" => KeyCode::Delete,
            "Space" => KeyCode::Char(' '),
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "PageUp" => KeyCode::PageUp,
            "PageDown" => KeyCode::PageDown,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            f if f.starts_with('F') && f.len() > 1 => {
                KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?)
            }
            c => {
                let mut chars = c.chars();
                let ch = chars.next()?;
                if chars.next().is_some() || ch.is_ascii_digit() || ch.is_control() {
                    return None;
                }
                KeyCode::Char(if ctrl { ch.to_ascii_lowercase() } else { ch })
            }
        };
        Some(Key { code, ctrl })
    }

    /// The key's name as the help page shows it.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::BackTab => "Shift-Tab".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{}", base.to_ascii_uppercase())
        } else {
            base
        }
    }
}

/// A keymap file that could not be used, with the line it names (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}: {message}")]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Keymap {
    by_key: HashMap<Key, Action>,
    /// Keys per action in the order written, for the help page.
    keys: BTreeMap<Action, Vec<Key>>,
}

type RawKeymap = BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>;

impl Keymap {
    /// The built-in keys.
    pub fn defaults() -> Keymap {
        match Keymap::parse(DEFAULT_KEYMAP, "built-in keymap", None) {
            Ok(map) => map,
            // The asset is fixed at build time and covered by a test.
            Err(e) => panic!("the built-in keymap is broken: {e}"),
        }
    }

    /// The defaults with the user's file laid over them.
    pub fn with_overrides(text: &str, file: &str) -> Result<Keymap, KeymapError> {
        Keymap::parse(text, file, Some(Keymap::defaults()))
    }

    fn parse(text: &str, file: &str, base: Option<Keymap>) -> Result<Keymap, KeymapError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let err = |offset: usize, message: String| KeymapError {
            file: file.to_string(),
            line: line_of(offset),
            message,
        };
        check_shape(text).map_err(|(offset, message)| err(offset, message))?;
        let raw: RawKeymap = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            err(
                offset,
                format!("this line cannot be used ({})", crate::plain::debug_words(e.message().trim())),
            )
        })?;
        let mut keys = base.map(|b| b.keys).unwrap_or_default();
        let mut overridden = Vec::new();
        for (name, list) in &raw {
            let action = Action::from_name(name.get_ref())
                .ok_or_else(|| err(name.span().start, unknown_action(name.get_ref())))?;
            let mut parsed = Vec::new();
            for key in list.get_ref() {
                let k = Key::parse(key.get_ref())
                    .ok_or_else(|| err(key.span().start, unknown_key(key.get_ref())))?;
                parsed.push((k, key.span().start));
            }
            overridden.push(action);
            keys.insert(action, parsed.iter().map(|(k, _)| *k).collect());
        }
        let mut by_key = HashMap::new();
        for (action, list) in &keys {
            for key in list {
                if let Some(other) = by_key.insert(*key, *action) {
                    // Name the line in this file that made the clash.
                    let offset = raw
                        .iter()
                        .filter(|(n, _)| n.get_ref() == action.name() || n.get_ref() == other.name())
                        .map(|(n, _)| n.span().start)
                        .max()
                        .unwrap_or(0);
                    return Err(err(
                        offset,
                        format!(
                            "key '{}' is bound to both '{}' and '{}'",
                            key.label(),
                            other.name(),
                            action.name()
                        ),
                    ));
                }
            }
        }
        Ok(Keymap { by_key, keys })
    }

    /// The user's keymap file laid over the defaults, or the defaults with a message saying
    /// why the file was not used.
    pub fn load(file: Option<&std::path::Path>) -> (Keymap, Option<String>) {
        let Some(file) = file else { return (Keymap::defaults(), None) };
        // A FIFO or a device would block the read forever (tests/hostile_files.rs).
        let text = if std::fs::metadata(file).is_ok_and(|m| !m.is_file()) {
            Err(std::io::Error::other("not a regular file"))
        } else {
            std::fs::read_to_string(file)
        };
        match text {
            Ok(text) => match Keymap::with_overrides(&text, &file.display().to_string()) {
                Ok(map) => (map, None),
                Err(e) => (
                    Keymap::defaults(),
                    Some(format!(
                        "{e} — using the default keys until it is fixed (margay keys --print-default shows them all)."
                    )),
                ),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Keymap::defaults(), None),
            Err(e) => {
                let why = if e.kind() == std::io::ErrorKind::InvalidData {
                    "it is not UTF-8 text".to_string()
                } else {
                    crate::plain::io(&e)
                };
                (
                    Keymap::defaults(),
                    Some(format!(
                        "{}: {why} — using the default keys; make it a readable text file, or remove it.",
                        file.display()
                    )),
                )
            }
        }
    }

    pub fn action_for(&self, ev: &KeyEvent) -> Option<Action> {
        self.by_key.get(&Key::from_event(ev)).copied()
    }

    pub fn keys_for(&self, action: Action) -> &[Key] {
        self.keys.get(&action).map_or(&[], |v| v.as_slice())
    }
}

/// The file is TOML, and every entry is an action's name with a list of keys in quotes; the
/// first problem with its offset. Words for the user, not serde's words about Rust types.
fn check_shape(text: &str) -> Result<(), (usize, String)> {
    use toml::de::DeValue;
    let table = toml::de::DeTable::parse(text)
        .map_err(|e| (e.span().map_or(0, |s| s.start), crate::plain::toml_syntax(e.message())))?;
    for (name, value) in table.get_ref() {
        let name_text: &str = name.get_ref().as_ref();
        if Action::from_name(name_text).is_none() {
            return Err((name.span().start, unknown_action(name_text)));
        }
        let DeValue::Array(keys) = value.get_ref() else {
            return Err((
                value.span().start,
                format!("{name_text} must be a list of keys in brackets, such as {name_text} = [\"x\", \"Ctrl-X\"]"),
            ));
        };
        if let Some(key) = keys.iter().find(|k| !matches!(k.get_ref(), DeValue::String(_))) {
            return Err((
                key.span().start,
                "a key is written in quotes, such as \"g\" or \"Ctrl-R\"".to_string(),
            ));
        }
    }
    Ok(())
}

fn unknown_action(name: &str) -> String {
    let name: String = name.chars().filter(|c| !c.is_control()).take(60).collect();
    format!("unknown action '{name}'; margay keys --print-default lists the actions")
}

fn unknown_key(key: &str) -> String {
    let key: String = key.chars().filter(|c| !c.is_control()).take(60).collect();
    format!(
        "unknown key '{key}'; a key is one character, Ctrl-x, F1 to F12, or one of Enter, Esc, Tab, BackTab, \
         Backspace, Delete, Space, Up, Down, Left, Right, PageUp, PageDown, Home, End"
    )
}
