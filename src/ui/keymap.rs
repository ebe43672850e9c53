//! Keys → actions, as data. The defaults live in `assets/keymap.toml`; a user file may
//! override any action's keys. Every action carries a description and the layer it belongs
//! to, which the help page shows, so the help can never disagree with the keys that work.
//!
//! Keys are in layers by the kind of page they act on: the keys of every page, and those of
//! the bookmarks, cookie and history pages, which act only there (and may reuse a key that
//! means something else on other pages). A key is looked up in the page's layer first.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::{BTreeMap, HashMap};
use toml::Spanned;

pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// The kinds of page that have keys of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// Every page.
    Page,
    Bookmarks,
    Cookies,
    History,
}

impl Layer {
    pub const ALL: &'static [Layer] = &[Layer::Page, Layer::Bookmarks, Layer::Cookies, Layer::History];

    /// The section of a keymap file (none for the keys of every page).
    pub fn section(self) -> Option<&'static str> {
        match self {
            Layer::Page => None,
            Layer::Bookmarks => Some("bookmarks_page"),
            Layer::Cookies => Some("cookies_page"),
            Layer::History => Some("history_page"),
        }
    }

    /// Where its keys work, as the help page says it.
    pub fn title(self) -> &'static str {
        match self {
            Layer::Page => "On every page",
            Layer::Bookmarks => "On the bookmarks page (v)",
            Layer::Cookies => "On a cookie page (Ctrl-K)",
            Layer::History => "On the history page (Backspace)",
        }
    }

    fn from_section(name: &str) -> Option<Layer> {
        Layer::ALL.iter().copied().find(|l| l.section() == Some(name))
    }
}

macro_rules! actions {
    ($($variant:ident = $name:literal in $layer:ident : $description:literal,)*) => {
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

            /// The kind of page the action works on.
            pub fn layer(self) -> Layer {
                match self { $(Action::$variant => Layer::$layer,)* }
            }

            pub fn from_name(name: &str) -> Option<Action> {
                match name { $($name => Some(Action::$variant),)* _ => None }
            }
        }
    };
}

actions! {
    NextLink = "next_link" in Page: "Select the next link",
    PrevLink = "prev_link" in Page: "Select the previous link",
    FollowLink = "follow_link" in Page: "Follow the selected link",
    Back = "back" in Page: "Go back to the previous page",
    Forward = "forward" in Page: "Go forward again after going back",
    HistoryPage = "history" in Page: "Show this tab's pages, newest first",
    ListLinks = "list_links" in Page: "List the page's links as a page",
    LinkHints = "link_hints" in Page: "Label the links on screen: type a label or their text",
    CopyAddress = "copy_address" in Page: "Copy the selected link's address (or the page's)",
    CopyPageAddress = "copy_page_address" in Page: "Copy the page's address",
    GotoUrl = "goto_url" in Page: "Open a URL, or a file (/path, ~/path)",
    EditUrl = "edit_url" in Page: "Open a URL, starting from the current one",
    Reload = "reload" in Page: "Load the current page again",
    PageDown = "page_down" in Page: "Scroll down one screen",
    PageUp = "page_up" in Page: "Scroll up one screen",
    LineDown = "line_down" in Page: "Scroll down one line",
    LineUp = "line_up" in Page: "Scroll up one line",
    Top = "top" in Page: "Go to the top of the page",
    Bottom = "bottom" in Page: "Go to the end of the page",
    Search = "search" in Page: "Search the page's text (Up: earlier searches)",
    SearchNext = "search_next" in Page: "Go to the next match",
    SearchPrev = "search_prev" in Page: "Go to the previous match",
    NewTab = "new_tab" in Page: "Open the selected link in a new tab",
    PrevTab = "prev_tab" in Page: "Show the tab to the left",
    NextTab = "next_tab" in Page: "Show the tab to the right",
    CloseTab = "close_tab" in Page: "Close this tab (the last one: quit, after asking)",
    Help = "help" in Page: "Show this help",
    PageInfo = "page_info" in Page: "Page info: addresses, redirects, status, headers",
    NetworkLog = "network_log" in Page: "Network log: this tab's requests, their headers",
    ChargeTo = "charge_to" in Page: "On a 402 page: retry with a ChargeTo header",
    Download = "download" in Page: "Download the selected link's target to a file",
    AddBookmark = "add_bookmark" in Page: "Bookmark this page, its final address or a link",
    ViewBookmarks = "view_bookmarks" in Page: "Show the bookmarks page",
    SavePage = "save_page" in Page: "Save the page as received (a .txt name: as text)",
    ViewSource = "view_source" in Page: "Show the page's source (again: back to the page)",
    ReaderView = "reader_view" in Page: "Reader view: the page's article alone (again: all of it)",
    OpenExternally = "open_externally" in Page: "Open an image, a PDF … with your viewer",
    TrustCertificate = "trust_certificate" in Page: "On a certificate error page: trust that certificate",
    Cookies = "cookies" in Page: "Show this site's cookies",
    Cancel = "cancel" in Page: "Cancel the load in progress, or close a prompt",
    AskQuit = "ask_quit" in Page: "Quit, after asking",
    Quit = "quit" in Page: "Quit at once",
    Suspend = "suspend" in Page: "Suspend to the shell (fg comes back)",
    BookmarkRename = "bookmark_rename" in Bookmarks: "Rename the selected bookmark",
    BookmarkEditUrl = "bookmark_edit_url" in Bookmarks: "Change the selected bookmark's address",
    BookmarkMove = "bookmark_move" in Bookmarks: "Move the selected bookmark to a folder",
    BookmarkDelete = "bookmark_delete" in Bookmarks: "Delete the selected bookmark or empty folder",
    BookmarkUndo = "bookmark_undo" in Bookmarks: "Undo the last change",
    BookmarkCheck = "bookmark_check" in Bookmarks: "Check every bookmark",
    ClearCookies = "clear_cookies" in Cookies: "Forget all of the site's cookies (asks first)",
    ForgetVisited = "forget_visited" in History: "Forget every visited link (asks first)",
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
    by_key: HashMap<(Layer, Key), Action>,
    /// Keys per action in the order written, for the help page.
    keys: BTreeMap<Action, Vec<Key>>,
}

type Keys = Vec<Spanned<String>>;

/// One line of a keymap file: an action's keys, or a section of a page's actions.
enum RawEntry {
    Keys(Keys),
    Section(BTreeMap<Spanned<String>, Keys>),
}

impl<'de> Deserialize<'de> for RawEntry {
    // By hand rather than `#[serde(untagged)]`, which would buffer the values and lose the
    // places in the file that errors name.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawEntry, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = RawEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of keys, or a section such as [bookmarks_page]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawEntry, A::Error> {
                Keys::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(RawEntry::Keys)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawEntry, A::Error> {
                BTreeMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawEntry::Section)
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}

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
        let raw: BTreeMap<Spanned<String>, RawEntry> = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            err(
                offset,
                format!("this line cannot be used ({})", crate::plain::debug_words(e.message().trim())),
            )
        })?;
        // Every action named, with its keys and where it was named.
        let mut named: Vec<(Action, &Keys, usize)> = Vec::new();
        for (name, entry) in &raw {
            match entry {
                RawEntry::Keys(keys) => named.push((action_named(name, &err)?, keys, name.span().start)),
                RawEntry::Section(section) => {
                    let layer = Layer::from_section(name.get_ref())
                        .ok_or_else(|| err(name.span().start, unknown_section(name.get_ref())))?;
                    for (action_name, keys) in section {
                        let action = action_named(action_name, &err)?;
                        if action.layer() != layer {
                            return Err(err(
                                action_name.span().start,
                                format!("'{}' is not a key of [{}]", action.name(), name.get_ref()),
                            ));
                        }
                        named.push((action, keys, action_name.span().start));
                    }
                }
            }
        }
        let mut keys = base.map(|b| b.keys).unwrap_or_default();
        for (action, list, _) in &named {
            let mut parsed = Vec::new();
            for key in list.iter() {
                let k = Key::parse(key.get_ref())
                    .ok_or_else(|| err(key.span().start, unknown_key(key.get_ref())))?;
                parsed.push(k);
            }
            keys.insert(*action, parsed);
        }
        let mut by_key = HashMap::new();
        for (action, list) in &keys {
            for key in list {
                if let Some(other) = by_key.insert((action.layer(), *key), *action) {
                    // Name the line in this file that made the clash.
                    let offset = named
                        .iter()
                        .filter(|(a, _, _)| *a == *action || *a == other)
                        .map(|(_, _, at)| *at)
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

    /// What a key does on a page of this layer: the layer's own keys first, then those of
    /// every page.
    pub fn action_for(&self, layer: Layer, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        self.by_key.get(&(layer, key)).or_else(|| self.by_key.get(&(Layer::Page, key))).copied()
    }

    /// What a key does on another kind of page, to say where it works.
    pub fn action_elsewhere(&self, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        Layer::ALL.iter().find_map(|layer| self.by_key.get(&(*layer, key))).copied()
    }

    pub fn keys_for(&self, action: Action) -> &[Key] {
        self.keys.get(&action).map_or(&[], |v| v.as_slice())
    }

    /// The first key of an action, as the help shows it (for messages that name a key).
    pub fn key_label(&self, action: Action) -> String {
        self.keys_for(action).first().map_or_else(|| format!("({})", action.name()), Key::label)
    }
}

fn action_named(
    name: &Spanned<String>,
    err: &impl Fn(usize, String) -> KeymapError,
) -> Result<Action, KeymapError> {
    Action::from_name(name.get_ref()).ok_or_else(|| err(name.span().start, unknown_action(name.get_ref())))
}

/// The file is TOML, and every entry is an action's name with a list of keys in quotes, or a
/// section of a kind of page holding such entries; the first problem with its offset. Words
/// for the user, not serde's words about Rust types.
fn check_shape(text: &str) -> Result<(), (usize, String)> {
    use toml::de::DeValue;
    let table = toml::de::DeTable::parse(text)
        .map_err(|e| (e.span().map_or(0, |s| s.start), crate::plain::toml_syntax(e.message())))?;
    for (name, value) in table.get_ref() {
        let name_text: &str = name.get_ref().as_ref();
        if let DeValue::Table(section) = value.get_ref() {
            if Layer::from_section(name_text).is_none() {
                return Err((name.span().start, unknown_section(name_text)));
            }
            for (name, value) in section {
                check_entry(name.get_ref().as_ref(), name.span().start, value)?;
            }
            continue;
        }
        check_entry(name_text, name.span().start, value)?;
    }
    Ok(())
}

/// One `action = ["key", …]` line.
fn check_entry(
    name: &str,
    at: usize,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
) -> Result<(), (usize, String)> {
    use toml::de::DeValue;
    if Action::from_name(name).is_none() {
        return Err((at, unknown_action(name)));
    }
    let DeValue::Array(keys) = value.get_ref() else {
        return Err((
            value.span().start,
            format!("{name} must be a list of keys in brackets, such as {name} = [\"x\", \"Ctrl-X\"]"),
        ));
    };
    if let Some(key) = keys.iter().find(|k| !matches!(k.get_ref(), DeValue::String(_))) {
        return Err((
            key.span().start,
            "a key is written in quotes, such as \"g\" or \"Ctrl-R\"".to_string(),
        ));
    }
    Ok(())
}

fn unknown_section(name: &str) -> String {
    let name: String = name.chars().filter(|c| !c.is_control()).take(60).collect();
    format!(
        "unknown section '[{name}]' (the sections are [bookmarks_page], [cookies_page] and [history_page])"
    )
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
