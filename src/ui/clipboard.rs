//! Copying an address (`y`): the selected link's, or without a selection (or with `Y`) the
//! page's, to the
//! clipboard through the terminal — an OSC 52 sequence (`ESC ] 52 ; c ; base64 BEL`) that
//! margay writes itself, so it works over ssh and needs no clipboard program. The sequence
//! is made here (pure); the runner hands it to the terminal. Inside tmux, which by default
//! keeps an application's OSC 52 to itself, the runner hands the text to tmux instead
//! (`tmux load-buffer -w`: tmux's paste buffer, and from there the outer terminal's
//! clipboard), and falls back on the sequence when tmux will not take it.
//!
//! What is copied is the address exactly as a user needs it (a password in it included: it
//! is the user's own), with every control and bidirectional formatting character taken out;
//! what is shown on the status line has the password masked, as everywhere. Never a control
//! byte inside the sequence: base64 has none, and its end is the one BEL.

use super::app::{App, StatusLine};
use super::msg::Effect;
use base64::Engine;

/// The longest text copied: terminals drop longer sequences (hterm and others stop at
/// 100,000 bytes of sequence, which is this much text in base64).
pub const MAX_COPY: usize = 74_994;

/// How a copied text went to the clipboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// As an OSC 52 sequence written to the terminal; inside tmux, after tmux refused it
    /// (why, in tmux's words).
    Terminal { tmux_refused: Option<String> },
    /// Into tmux's paste buffer, which tmux also sends on to the outer terminal's clipboard.
    Tmux,
}

/// A text put on the clipboard, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    pub text: String,
    pub route: Route,
}

/// The OSC 52 sequence that puts `text` on the clipboard ("c").
pub fn osc52(text: &str) -> Vec<u8> {
    let mut out = b"\x1b]52;c;".to_vec();
    out.extend_from_slice(base64::engine::general_purpose::STANDARD.encode(text).as_bytes());
    out.push(0x07);
    out
}

/// `text` without the characters a terminal or a shell it is pasted into could act on.
pub fn cleaned(text: &str) -> String {
    text.chars().filter(|c| !crate::sanitize::is_unsafe(*c)).collect()
}

impl App {
    /// `y`: copy the selected link's address, or without one the page's; `Y`
    /// (`selected_link` false): the page's.
    pub(super) fn copy_address(&mut self, selected_link: bool) -> Vec<Effect> {
        let Some(page) = self.page() else {
            self.status = StatusLine::Error("There is no page, so no address to copy.".into());
            return Vec::new();
        };
        let selected = page.selected.filter(|_| selected_link);
        let address = match selected.and_then(|i| page.rendered.links.get(i)) {
            Some(link) if crate::document::forms::field_of_href(&link.href).is_some() => {
                let key = self.keymap.key_label(crate::ui::keymap::Action::CopyPageAddress);
                self.status = StatusLine::Error(format!(
                    "The selected form field has no address to copy; {key} copies the page's."
                ));
                return Vec::new();
            }
            Some(link) => match &link.target {
                Some(url) => url.to_string(),
                None => {
                    let href = crate::sanitize::line(&link.href).into_owned();
                    self.status = StatusLine::Error(format!("Cannot copy '{href}': not a valid address."));
                    return Vec::new();
                }
            },
            None => page.address.to_string(),
        };
        let text = cleaned(&address);
        if text.len() > MAX_COPY {
            self.status = StatusLine::Error(format!(
                "The address is too long to copy ({} bytes; terminals take at most {MAX_COPY}).",
                text.len()
            ));
            return Vec::new();
        }
        vec![Effect::CopyToClipboard { text }]
    }

    /// What became of a copy: the text copied, or why it failed.
    pub(super) fn copied(&mut self, result: Result<Copied, String>) {
        self.status = match result {
            Ok(Copied { text, route }) => {
                let shown = crate::sanitize::display_url_str(&text);
                // How first, then the address, then (inside tmux) why tmux refused: the status
                // line cuts at its end.
                let (how, why) = match route {
                    Route::Terminal { tmux_refused: None } => {
                        ("to the clipboard (OSC 52; your terminal must allow it)", String::new())
                    }
                    Route::Terminal { tmux_refused: Some(why) } => (
                        "as OSC 52 (tmux passes it on with set-clipboard on)",
                        format!(" — tmux refused it: {why}"),
                    ),
                    Route::Tmux => {
                        ("to tmux's paste buffer and through tmux to the clipboard", String::new())
                    }
                };
                StatusLine::Info(format!("Copied {how}: {shown}{why}"))
            }
            Err(why) => StatusLine::Error(format!("Could not copy to the clipboard: {why}.")),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_osc_52_with_base64_and_bel() {
        assert_eq!(osc52("http://a/"), b"\x1b]52;c;aHR0cDovL2Ev\x07".to_vec());
    }

    #[test]
    fn control_and_bidi_characters_are_taken_out() {
        assert_eq!(cleaned("http://a/\x1b]0;x\x07b\u{202E}c\u{9b}"), "http://a/]0;xbc");
    }
}
