//! Terminal safety: text that came from outside — page text, titles, link targets, header
//! values, file names, error messages — is made harmless before it is written to a terminal.
//!
//! A terminal acts on control characters: ESC starts sequences that move the cursor, clear
//! the screen, set the window title (OSC 0/2), write the clipboard (OSC 52) or make
//! hyperlinks (OSC 8); BEL rings; the C1 controls (U+0080–U+009F, e.g. U+009B, a one-byte
//! CSI) do the same in 8-bit mode. None of them may come from a page. Bidirectional
//! formatting characters (U+202A–U+202E, U+2066–U+2069) reorder what is shown, so that a
//! text can read differently from what it is ("Trojan Source"): they are shown as visible
//! placeholders such as `⟨RLO⟩` instead.
//!
//! The TUI has a second line of defence in ratatui, which drops graphemes with control
//! characters; the `--dump` and `--source` output and messages on stderr have only this
//! module. Nothing here does I/O.

use std::borrow::Cow;

/// The short name of a bidirectional formatting character, shown as `⟨NAME⟩`.
pub fn bidi_name(c: char) -> Option<&'static str> {
    if !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
        return None;
    }
    BIDI.iter().find(|(b, _)| *b == c).map(|(_, name)| *name)
}

/// Whether a terminal could act on `c`: the C0 controls, DEL, the C1 controls, and the
/// bidirectional formatting characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || bidi_name(c).is_some()
}

/// Bidirectional formatting characters replaced by visible placeholders (`⟨RLO⟩`); all
/// else unchanged. The placeholders contain no `<`, `&` or control character, so this may
/// run on HTML source as well as on text.
pub fn visible_bidi(s: &str) -> Cow<'_, str> {
    if !has_bidi(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        push_visible_bidi(&mut out, c);
    }
    Cow::Owned(out)
}

/// The inverse of [`visible_bidi`]: each placeholder back to the character it shows. Pages
/// are laid out with the placeholders in their text (`document::guard`), so what a page
/// gives as data — a link's target, a form's names and values — goes through this before
/// it is used: the placeholder is only ever shown, never sent. (A page that writes a
/// placeholder itself, `⟨RLO⟩` in so many characters, has it sent as the character.)
pub fn restore_bidi(s: &str) -> Cow<'_, str> {
    if !s.contains('⟨') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('⟨') {
        out.push_str(&rest[..at]);
        let after = &rest[at + '⟨'.len_utf8()..];
        let restored = after.split_once('⟩').and_then(|(name, tail)| {
            let c = BIDI.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)?;
            Some((c, tail))
        });
        match restored {
            Some((c, tail)) => {
                out.push(c);
                rest = tail;
            }
            None => {
                out.push('⟨');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Every bidirectional formatting character with its placeholder's name.
const BIDI: [(char, &str); 9] = [
    ('\u{202A}', "LRE"),
    ('\u{202B}', "RLE"),
    ('\u{202C}', "PDF"),
    ('\u{202D}', "LRO"),
    ('\u{202E}', "RLO"),
    ('\u{2066}', "LRI"),
    ('\u{2067}', "RLI"),
    ('\u{2068}', "FSI"),
    ('\u{2069}', "PDI"),
];

/// `c`, or its placeholder when it is a bidirectional formatting character.
fn push_visible_bidi(out: &mut String, c: char) {
    match bidi_name(c) {
        Some(name) => {
            out.push('⟨');
            out.push_str(name);
            out.push('⟩');
        }
        None => out.push(c),
    }
}

/// One line for the terminal (a title, a status message, a line on stderr): every control
/// character shown in caret notation (`^[` for ESC, `^?` for DEL), C1 controls as U+FFFD,
/// tabs and line breaks as spaces, bidirectional formatting characters as placeholders.
pub fn line(s: &str) -> Cow<'_, str> {
    clean(s, false)
}

/// Text of several lines for the terminal (`--source` on a terminal): like [`line`], but
/// line feeds and tabs are kept and CR LF becomes LF. A lone CR, which would let a later
/// part of a line hide an earlier one, is shown as `^M`.
pub fn text(s: &str) -> Cow<'_, str> {
    clean(s, true)
}

/// Whether `s` holds a bidirectional formatting character. They are U+202A–U+202E and
/// U+2066–U+2069, all of which start with the byte 0xE2 in UTF-8: only there is a character
/// looked at (a page's text is checked at the speed of a byte search).
fn has_bidi(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(0xE2, b).any(|at| {
        matches!(
            (b.get(at + 1), b.get(at + 2)),
            (Some(0x80), Some(0xAA..=0xAE)) | (Some(0x81), Some(0xA6..=0xA9))
        )
    })
}

/// Whether `s` holds a character [`is_unsafe`] names (lines and tabs allowed when
/// `multiline`), told from its UTF-8 bytes: a C0 control or DEL is one byte, a C1 control is
/// 0xC2 then 0x80–0x9F, a bidirectional formatting character 0xE2 then one of the pairs
/// [`has_bidi`] looks for.
fn has_unsafe(s: &str, multiline: bool) -> bool {
    let b = s.as_bytes();
    // Every line of every page goes through here: first a pass that looks at whole chunks
    // without branching (the compiler makes it vector code) for any byte that could start
    // such a character; only text with one is looked at closely.
    let may_start = |c: u8| c < 0x20 || c == 0x7f || c == 0xc2 || c == 0xe2;
    if !b.chunks(32).any(|chunk| chunk.iter().fold(false, |any, &c| any | may_start(c))) {
        return false;
    }
    b.iter().enumerate().any(|(i, &c)| match c {
        b'\n' | b'\t' => !multiline,
        0..=0x1f | 0x7f => true,
        0xc2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
        0xe2 => matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0x80), Some(0xAA..=0xAE)) | (Some(0x81), Some(0xA6..=0xA9))
        ),
        _ => false,
    })
}

fn clean(s: &str, multiline: bool) -> Cow<'_, str> {
    // Most text holds nothing a terminal would act on, and this looks at bytes only.
    if !has_unsafe(s, multiline) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' if multiline => out.push(c),
            '\r' if multiline && chars.peek() == Some(&'\n') => {}
            '\n' | '\t' | '\r' if !multiline => out.push(' '),
            '\u{0}'..='\u{1f}' => {
                out.push('^');
                out.push(char::from(c as u8 + 0x40));
            }
            '\u{7f}' => out.push_str("^?"),
            '\u{80}'..='\u{9f}' => out.push('\u{FFFD}'),
            c => push_visible_bidi(&mut out, c),
        }
    }
    Cow::Owned(out)
}

/// An address as shown to the user: a password in it (`http://user:secret@host/`) is
/// never displayed, only marked (`user:***@`). Use it wherever an address is shown; keep
/// the `Url` itself for following it.
pub fn display_url(url: &url::Url) -> String {
    if url.password().is_none() {
        return url.to_string();
    }
    let mut shown = url.clone();
    let _ = shown.set_password(Some("***"));
    shown.to_string()
}

/// [`display_url`] for an address kept as text; text that is not an address is returned
/// as it is.
pub fn display_url_str(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) if parsed.password().is_some() => display_url(&parsed),
        _ => url.to_string(),
    }
}

/// Whether `s` can be written to a terminal as it is: no control character but line feed
/// and tab, no bidirectional formatting character.
pub fn is_clean(s: &str) -> bool {
    !s.chars().any(|c| is_unsafe(c) && !matches!(c, '\n' | '\t'))
}

/// Whether a body looks binary (a NUL byte, or many bytes that are neither text nor
/// whitespace, in its first 8 KB): such a body is not printed to a terminal.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let odd = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)).count();
    odd * 10 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_check_agrees_with_the_characters() {
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            for multiline in [false, true] {
                let by_chars = s.chars().any(|c| is_unsafe(c) && !(multiline && matches!(c, '\n' | '\t')));
                assert_eq!(has_unsafe(&s, multiline), by_chars, "{:?} {multiline}", c);
            }
            assert_eq!(has_bidi(&s), bidi_name(c).is_some(), "{c:?}");
        }
    }

    #[test]
    fn controls_become_visible_and_inert() {
        assert_eq!(line("a\x1b]0;pwned\x07b"), "a^[]0;pwned^Gb");
        assert_eq!(line("x\u{9b}2Jy\u{7f}"), "x\u{FFFD}2Jy^?");
        assert_eq!(line("one\ntwo\tthree\r"), "one two three ");
        assert_eq!(text("one\r\ntwo\rthree\n\tfour\x1b[2J"), "one\ntwo^Mthree\n\tfour^[[2J");
        assert_eq!(line("file\u{202E}gpj.exe"), "file⟨RLO⟩gpj.exe");
        assert!(matches!(line("plain text, é, 漢字"), Cow::Borrowed(_)));
        assert!(matches!(text("two\nlines\twith tab"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_bidi_control_has_a_placeholder() {
        for c in ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}') {
            let shown = visible_bidi(&c.to_string()).into_owned();
            assert!(shown.starts_with('⟨') && shown.ends_with('⟩'), "{c:?} → {shown}");
            assert!(is_clean(&shown));
        }
        assert!(!is_clean("a\u{2067}b") && !is_clean("\x1b") && !is_clean("\u{85}"));
        assert!(is_clean("ok\n\tok"));
    }

    #[test]
    fn placeholders_go_back_to_their_characters() {
        let original = "a\u{202E}b\u{2069}c ⟨ ⟨x⟩ ⟨RLO d⟩";
        let shown = visible_bidi(original);
        assert_eq!(shown, "a⟨RLO⟩b⟨PDI⟩c ⟨ ⟨x⟩ ⟨RLO d⟩");
        assert_eq!(restore_bidi(&shown), original);
        assert!(matches!(restore_bidi("plain /path?q=1"), Cow::Borrowed(_)));
    }

    #[test]
    fn passwords_in_addresses_are_masked() {
        let url = url::Url::parse("http://alice:hunter2@example.com/x").unwrap();
        assert_eq!(display_url(&url), "http://alice:***@example.com/x");
        assert_eq!(display_url_str("https://bob:pw@h/"), "https://bob:***@h/");
        assert_eq!(display_url_str("http://example.com/"), "http://example.com/");
        assert_eq!(display_url_str("not a url"), "not a url");
    }

    #[test]
    fn binary_is_recognised() {
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(!looks_binary(b"<html>\x1b[31mred\x1b[0m</html>\n"));
        assert!(!looks_binary(b""));
    }
}
