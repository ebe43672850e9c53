//! The one-line prompts at the bottom of the screen (URL, link number, search, confirm) and
//! the line editor they share. A prompt carries what it is for, so answering it hands the
//! pending action back to the app.

use super::app::BookmarkRef;
use super::files::SaveWhat;
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

/// What the open prompt is asking for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// A URL to open; `recall` is the position while Up/Down walk earlier entries.
    Url {
        recall: Option<usize>,
    },
    /// A link number, started by typing a digit.
    LinkNumber,
    Search,
    ConfirmQuit,
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
    /// 307/308 after a form: send the data again? (y/n)
    Resend {
        status: u16,
        method: String,
        to: String,
    },
    /// 301/308: point this bookmark at the new address? (y/n/a)
    Relink {
        title: String,
        old: String,
        new: String,
    },
    /// 402: the ChargeTo header to retry with.
    ChargeTo,
    /// Where to save (a download, the page's body, or its text).
    SavePath {
        what: SaveWhat,
    },
    /// The file exists: write over it? (y/n)
    Overwrite {
        what: SaveWhat,
        path: String,
    },
    /// `a`: the page, its final address, or the selected link? (d/f/l/c)
    BookmarkWhat {
        document: Url,
        final_url: Option<Url>,
        link: Option<(usize, Url)>,
        title: String,
    },
    BookmarkTitle {
        url: String,
    },
    BookmarkFolder {
        url: String,
        title: String,
    },
    /// A new title, address or folder for a bookmark.
    BookmarkEdit {
        url: String,
        field: &'static str,
    },
    /// Delete this bookmark? (y/n)
    BookmarkDelete {
        bookmark: BookmarkRef,
    },
    /// Trust this certificate for this host and port? (y/n)
    TrustCertificate {
        host_port: String,
        sha256: String,
        subject: String,
    },
}

impl PromptKind {
    /// Answered by one key rather than a line of text.
    pub fn is_choice(&self) -> bool {
        matches!(
            self,
            PromptKind::ConfirmQuit
                | PromptKind::Resend { .. }
                | PromptKind::Relink { .. }
                | PromptKind::Overwrite { .. }
                | PromptKind::BookmarkWhat { .. }
                | PromptKind::BookmarkDelete { .. }
                | PromptKind::TrustCertificate { .. }
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub editor: LineEditor,
}

impl Prompt {
    pub fn new(kind: PromptKind, text: impl Into<String>) -> Prompt {
        Prompt { kind, editor: LineEditor::new(text) }
    }

    /// Passwords are drawn as stars, never as typed.
    pub fn masked(&self) -> bool {
        matches!(self.kind, PromptKind::Password { .. })
    }

    pub fn label(&self) -> String {
        let space = |realm: &Option<String>, host: &str, proxy: &bool| {
            let host = if *proxy { format!("the proxy {host}") } else { host.to_string() };
            match realm {
                Some(r) => format!("'{r}' at {host}"),
                None => host,
            }
        };
        match &self.kind {
            PromptKind::Url { .. } => "URL to open: ".into(),
            PromptKind::LinkNumber => "Follow link number: ".into(),
            PromptKind::Search => "Search for: ".into(),
            PromptKind::ConfirmQuit => "Are you sure you want to quit? (y/n) ".into(),
            PromptKind::Username { realm, host, proxy } => {
                format!("User name for {}: ", space(realm, host, proxy))
            }
            PromptKind::Password { realm, host, user, proxy } => {
                format!("Password for {user} at {}: ", space(realm, host, proxy))
            }
            PromptKind::Resend { status, method, to } => {
                format!("{status}: the server asks to send the form data again ({method}) to {to}. Send it? (y/n) ")
            }
            PromptKind::Relink { title, new, .. } => {
                format!("Bookmark '{title}' moved permanently to {new} — relink? (y/n/a) ")
            }
            PromptKind::ChargeTo => "402 Payment Required — ChargeTo: ".into(),
            PromptKind::SavePath { what: SaveWhat::Download(_) } => "Download to: ".into(),
            PromptKind::SavePath { .. } => "Save as (a .txt name saves the text): ".into(),
            PromptKind::Overwrite { path, .. } => format!("{path} exists. Write over it? (y/n) "),
            PromptKind::BookmarkWhat { final_url, link, .. } => {
                let mut choices = vec!["d)ocument".to_string()];
                if final_url.is_some() {
                    choices.push("f)inal address".into());
                }
                if let Some((n, _)) = link {
                    choices.push(format!("l)ink [{n}]"));
                }
                choices.push("c)ancel".into());
                format!("Bookmark {}? ", choices.join(", "))
            }
            PromptKind::BookmarkTitle { .. } => "Bookmark title: ".into(),
            PromptKind::BookmarkFolder { .. } => "Folder (empty: the top; A/B: a subfolder): ".into(),
            PromptKind::BookmarkEdit { field, .. } => format!("New {field}: "),
            PromptKind::BookmarkDelete { bookmark } => {
                format!("Delete the bookmark '{}'? (y/n) ", bookmark.title)
            }
            PromptKind::TrustCertificate { host_port, sha256, .. } => {
                // The whole fingerprint is on the page; its ends fit any prompt line.
                let short = match (sha256.get(..11), sha256.get(sha256.len().saturating_sub(11)..)) {
                    (Some(head), Some(tail)) if sha256.len() > 30 => format!("{head}…{tail}"),
                    _ => sha256.clone(),
                };
                format!("Trust this certificate (SHA-256 {short}) for {host_port} from now on? (y/n) ")
            }
        }
    }
}
