//! The one-line prompts at the bottom of the screen and the line editor they share. There are
//! three shapes, each its own type: a line of text (an address, a search, a password …), one
//! key among a few (y/n, y/n/a), and the form that adds a bookmark (title and folder in one
//! line). A prompt carries what it is for, so answering it hands the pending action back to
//! the app; a prompt always concerns the tab that is shown (keys cannot switch tabs while one
//! is open).

use super::files::SaveWhat;
use super::msg::BookmarkRef;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use url::Url;

/// A single-line text editor with a cursor, counted in chars.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineEditor {
    pub text: String,
    pub cursor: usize,
}

/// What a key did to the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Changed,
    Submit,
    Cancel,
    /// Keys the editor leaves to its prompt (Up/Down for recall).
    Other,
}

impl LineEditor {
    pub fn new(text: impl Into<String>) -> LineEditor {
        let text = text.into();
        let cursor = text.chars().count();
        LineEditor { text, cursor }
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text.char_indices().nth(char_index).map_or(self.text.len(), |(i, _)| i)
    }

    pub fn set(&mut self, text: impl Into<String>) {
        *self = LineEditor::new(text);
    }

    pub fn handle(&mut self, key: &KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Enter => return Edit::Submit,
            KeyCode::Esc => return Edit::Cancel,
            KeyCode::Char('c') | KeyCode::Char('g') if ctrl => return Edit::Cancel,
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = len,
            KeyCode::Char('u') if ctrl => {
                let at = self.byte_at(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
            }
            KeyCode::Char('k') if ctrl => {
                let at = self.byte_at(self.cursor);
                self.text.truncate(at);
            }
            KeyCode::Char(c) if !ctrl && !c.is_control() => {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
            }
            KeyCode::Backspace => {
                if self.cursor > 0 {
                    self.cursor -= 1;
                    let at = self.byte_at(self.cursor);
                    self.text.remove(at);
                } else if self.text.is_empty() {
                    // Backspace on an empty line closes the prompt, as in lynx.
                    return Edit::Cancel;
                }
            }
            KeyCode::Delete => {
                if self.cursor < len {
                    let at = self.byte_at(self.cursor);
                    self.text.remove(at);
                }
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            _ => return Edit::Other,
        }
        Edit::Changed
    }
}

/// The open prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prompt {
    Text(TextPrompt),
    Choice(Choice),
    Bookmark(BookmarkForm),
}

/// A prompt answered with a line of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextPrompt {
    pub ask: TextAsk,
    pub editor: LineEditor,
    /// Where Up/Down are in the earlier answers (URL and search prompts).
    pub recall: Option<usize>,
}

/// What a text prompt asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextAsk {
    /// A URL or a file to open.
    Url,
    /// A link number, started by typing a digit.
    LinkNumber,
    Search,
    /// 401: the user name for a protection space (407: for the proxy `host`).
    Username {
        realm: Option<String>,
        host: String,
        proxy: bool,
    },
    /// 401 and 407: the password (never shown).
    Password {
        realm: Option<String>,
        host: String,
        user: String,
        proxy: bool,
    },
    /// 402: the ChargeTo header to retry with.
    ChargeTo,
    /// Where to save (a download, the page's body, or its text).
    SavePath {
        what: SaveWhat,
    },
    /// A new title, address or folder for a bookmark.
    BookmarkEdit {
        bookmark: BookmarkRef,
        field: BookmarkField,
    },
}

/// What of a bookmark is changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookmarkField {
    Title,
    Address,
    Folder,
}

/// A question answered with one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Quit? (`last_tab`: asked because the last tab is being closed.)
    ConfirmQuit {
        last_tab: bool,
    },
    /// 307/308 after a form: send the data again?
    Resend {
        status: u16,
        method: String,
        to: String,
    },
    /// Ctrl-R on the answer to a form's POST: send the form again?
    SendFormAgain {
        method: String,
        to: String,
        /// The page asked about: nothing is sent if another is shown by the answer.
        doc: crate::document::DocId,
    },
    /// 301/308: point this bookmark at the new address? (y/n/a)
    Relink {
        title: String,
        old: String,
        new: String,
    },
    /// The file exists: write over it?
    Overwrite {
        what: SaveWhat,
        path: String,
    },
    DeleteBookmark {
        bookmark: BookmarkRef,
    },
    /// Remove this empty folder?
    RemoveFolder {
        folder: Vec<String>,
    },
    /// Trust this certificate for this host and port?
    TrustCertificate {
        host_port: String,
        sha256: String,
        subject: String,
    },
    /// Forget the site's cookies?
    ForgetCookies {
        site: Url,
        count: usize,
    },
    /// Forget every visited link?
    ForgetVisited {
        count: usize,
    },
}

/// An answer to a [`Choice`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    Yes,
    No,
    /// Yes to this and every question like it still to come (relinks).
    All,
}

impl Choice {
    /// What a key answers; `None` leaves the question open, so that a key typed ahead is
    /// neither taken as an answer nor passed to the page. Enter says yes only where yes loses
    /// nothing; a question that forgets or overwrites wants its `y`.
    pub fn reply(&self, key: &KeyEvent) -> Option<Reply> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c' | 'g') if ctrl => Some(Reply::No),
            KeyCode::Esc => Some(Reply::No),
            KeyCode::Enter => match self {
                Choice::ConfirmQuit { .. } | Choice::Relink { .. } => Some(Reply::Yes),
                _ => None,
            },
            KeyCode::Char(c) => match c.to_ascii_lowercase() {
                'y' => Some(Reply::Yes),
                'n' => Some(Reply::No),
                'a' if matches!(self, Choice::Relink { .. }) => Some(Reply::All),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn label(&self) -> String {
        match self {
            Choice::ConfirmQuit { last_tab: false } => "Are you sure you want to quit? (y/n) ".into(),
            Choice::ConfirmQuit { last_tab: true } => "This is the last tab. Quit margay? (y/n) ".into(),
            Choice::Resend { status, method, to } => {
                format!("{status}: the server asks to send the form data again ({method}) to {to}. Send it? (y/n) ")
            }
            Choice::SendFormAgain { method, to, .. } => format!(
                "This page answers a form. Send it again ({method} to {to})? That could repeat what it did. (y/n) "
            ),
            Choice::Relink { title, new, .. } => {
                format!("Bookmark '{title}' moved permanently to {new} — relink? (y/n/a) ")
            }
            Choice::Overwrite { path, .. } => format!("{path} exists. Write over it? (y/n) "),
            Choice::DeleteBookmark { bookmark } => {
                format!("Delete the bookmark '{}'? (y/n) ", bookmark.title)
            }
            Choice::RemoveFolder { folder } => {
                format!("Remove the empty folder '{}'? (y/n) ", folder.join("/"))
            }
            Choice::TrustCertificate { host_port, sha256, .. } => {
                // The whole fingerprint is on the page; its ends fit any prompt line.
                let short = match (sha256.get(..11), sha256.get(sha256.len().saturating_sub(11)..)) {
                    (Some(head), Some(tail)) if sha256.len() > 30 => format!("{head}…{tail}"),
                    _ => sha256.clone(),
                };
                format!("Trust this certificate (SHA-256 {short}) for {host_port} from now on? (y/n) ")
            }
            Choice::ForgetCookies { site, count } => format!(
                "Forget {} of {}? (y/n) ",
                plural(*count, "cookie", "cookies"),
                site.host_str().unwrap_or("this site")
            ),
            Choice::ForgetVisited { count } => {
                format!(
                    "Forget {} (drawn as visited)? (y/n) ",
                    plural(*count, "visited link", "visited links")
                )
            }
        }
    }
}

/// "1 bookmark", "2 bookmarks", "no bookmarks".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

impl TextPrompt {
    pub fn new(ask: TextAsk, text: impl Into<String>) -> TextPrompt {
        TextPrompt { ask, editor: LineEditor::new(text), recall: None }
    }

    /// Passwords are drawn as stars, never as typed.
    pub fn masked(&self) -> bool {
        matches!(self.ask, TextAsk::Password { .. })
    }

    pub fn label(&self) -> String {
        let space = |realm: &Option<String>, host: &str, proxy: &bool| {
            let host = if *proxy { format!("the proxy {host}") } else { host.to_string() };
            match realm {
                Some(r) => format!("'{r}' at {host}"),
                None => host,
            }
        };
        match &self.ask {
            TextAsk::Url => "URL to open: ".into(),
            TextAsk::LinkNumber => "Follow link number: ".into(),
            TextAsk::Search => "Search for: ".into(),
            TextAsk::Username { realm, host, proxy } => {
                format!("User name for {}: ", space(realm, host, proxy))
            }
            TextAsk::Password { realm, host, user, proxy } => {
                format!("Password for {user} at {}: ", space(realm, host, proxy))
            }
            TextAsk::ChargeTo => "402 Payment Required — ChargeTo: ".into(),
            TextAsk::SavePath { what: SaveWhat::Download(_) } => "Download to: ".into(),
            TextAsk::SavePath { .. } => "Save as (a .txt name saves the text): ".into(),
            TextAsk::BookmarkEdit { field: BookmarkField::Title, .. } => "New title: ".into(),
            TextAsk::BookmarkEdit { field: BookmarkField::Address, .. } => "New address: ".into(),
            TextAsk::BookmarkEdit { field: BookmarkField::Folder, .. } => {
                "New folder (empty: the top; A/B: a subfolder): ".into()
            }
        }
    }
}

/// What `a` can bookmark here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookmarkTarget {
    /// "the page", "the final address", "link [3]".
    pub what: String,
    pub url: Url,
    pub title: String,
}

/// Which part of the bookmark form has the keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormFocus {
    Title,
    Folder,
}

/// Adding a bookmark, in one line: what (Up/Down), its title, and its folder (Tab goes to
/// it, and then through the folders there are). Enter adds it with what the line shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookmarkForm {
    pub targets: Vec<BookmarkTarget>,
    pub target: usize,
    pub title: LineEditor,
    pub folder: LineEditor,
    pub focus: FormFocus,
    /// Folders there are, for Tab to go through (the top level as "").
    pub folders: Vec<String>,
}

/// What a key did to the bookmark form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKey {
    Changed,
    Submit,
    Cancel,
}

impl BookmarkForm {
    pub fn new(
        targets: Vec<BookmarkTarget>,
        target: usize,
        folder: &str,
        folders: Vec<String>,
    ) -> BookmarkForm {
        let title = targets.get(target).map_or(String::new(), |t| t.title.clone());
        BookmarkForm {
            targets,
            target,
            title: LineEditor::new(title),
            folder: LineEditor::new(folder),
            focus: FormFocus::Title,
            folders,
        }
    }

    pub fn handle(&mut self, key: &KeyEvent) -> FormKey {
        match key.code {
            KeyCode::Tab if self.focus == FormFocus::Title => self.focus = FormFocus::Folder,
            KeyCode::Tab => {
                // The next folder there is after the one shown.
                let at = self.folders.iter().position(|f| *f == self.folder.text);
                let next = at.map_or(0, |i| (i + 1) % self.folders.len().max(1));
                if let Some(folder) = self.folders.get(next) {
                    self.folder.set(folder.clone());
                }
            }
            KeyCode::BackTab => self.focus = FormFocus::Title,
            KeyCode::Up | KeyCode::Down if self.targets.len() > 1 => {
                let n = self.targets.len();
                self.target =
                    if key.code == KeyCode::Down { (self.target + 1) % n } else { (self.target + n - 1) % n };
                self.title.set(self.targets[self.target].title.clone());
            }
            _ => {
                let editor = match self.focus {
                    FormFocus::Title => &mut self.title,
                    FormFocus::Folder => &mut self.folder,
                };
                return match editor.handle(key) {
                    Edit::Submit => FormKey::Submit,
                    Edit::Cancel => FormKey::Cancel,
                    Edit::Changed | Edit::Other => FormKey::Changed,
                };
            }
        }
        FormKey::Changed
    }

    pub fn chosen(&self) -> Option<&BookmarkTarget> {
        self.targets.get(self.target)
    }

    /// The parts of the line: label, title, the folder's label, folder, the hint.
    pub fn parts(&self) -> [String; 5] {
        let what = self.chosen().map_or("this", |t| t.what.as_str());
        let mut hint = String::from("  (Tab: folder");
        if self.targets.len() > 1 {
            hint.push_str(", Up/Down: page or link");
        }
        hint.push_str(", Enter adds)");
        [
            format!("Bookmark {what} as: "),
            self.title.text.clone(),
            "  in folder: ".into(),
            if self.folder.text.is_empty() && self.focus == FormFocus::Title {
                "(top)".into()
            } else {
                self.folder.text.clone()
            },
            hint,
        ]
    }
}
