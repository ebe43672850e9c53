//! Errors from the system and from libraries, in words a user can act on.
//!
//! An `std::io::Error` prints as "Permission denied (os error 13)", a TLS library names its
//! reasons after its enum variants (`HandshakeFailure`, `Other(OtherError(…))`), and a TOML
//! parser says `expected `=``. None of that is for a person reading a status line: here are
//! the plain words for what margay meets, and a last resort ([`debug_words`]) for a library
//! text nobody foresaw, which turns Rust's debug formatting into words rather than show it.
//!
//! Pure: text in, text out. What a message must not contain is checked by
//! `tests/messages.rs`, independently of this module.

use std::io::ErrorKind;

/// An I/O error as a few plain words ("permission denied", "the disk is full"), without the
/// "(os error N)" a user has no use for.
pub fn io(e: &std::io::Error) -> String {
    let words = match e.kind() {
        ErrorKind::NotFound => "it does not exist",
        ErrorKind::PermissionDenied => "permission denied",
        ErrorKind::AlreadyExists => "it already exists",
        ErrorKind::StorageFull => "the disk is full",
        ErrorKind::ReadOnlyFilesystem => "the file system is read-only",
        ErrorKind::IsADirectory => "it is a folder, not a file",
        ErrorKind::NotADirectory => "a part of the path is a file, not a folder",
        ErrorKind::DirectoryNotEmpty => "the folder is not empty",
        ErrorKind::FileTooLarge => "the file is too large",
        ErrorKind::QuotaExceeded => "the disk quota is used up",
        ErrorKind::InvalidFilename => "the name is not a valid file name",
        ErrorKind::CrossesDevices => "it is on another file system",
        ErrorKind::TooManyLinks => "too many links",
        ErrorKind::ResourceBusy => "it is busy",
        ErrorKind::ConnectionRefused => "the connection was refused",
        ErrorKind::ConnectionReset => "the connection was reset by the other side",
        ErrorKind::ConnectionAborted => "the connection was aborted",
        ErrorKind::BrokenPipe => "the other side closed the connection",
        ErrorKind::TimedOut => "it took too long",
        ErrorKind::UnexpectedEof => "it ended too early",
        ErrorKind::OutOfMemory => "there is not enough memory",
        _ => "",
    };
    if !words.is_empty() {
        return words.to_string();
    }
    // Another kind, or an error a library wrapped (`io::Error::other`): its own text.
    debug_words(&e.to_string())
}

/// `text` without the " (os error N)" that the system's error texts end with.
fn without_os_error(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" (os error ") {
        let after = &rest[at + " (os error ".len()..];
        let digits = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
        out.push_str(&rest[..at]);
        match after[digits..].strip_prefix(')') {
            Some(tail) if digits > 0 => rest = tail,
            _ => {
                out.push_str(" (os error ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A name in CamelCase as words: `HandshakeFailure` → "handshake failure",
/// `CaUsedAsEndEntity` → "ca used as end entity".
pub fn camel_words(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_uppercase() && previous_lower {
            out.push(' ');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        out.extend(c.to_lowercase());
    }
    out
}

/// The last resort for a library's text: every CamelCase name becomes words, and a name
/// wrapping something in parentheses (`Other(OtherError(X))`, `Some(x)`) becomes a name and
/// a colon (`other: other error: x`). Text without such names comes back as it was.
pub fn debug_words(text: &str) -> String {
    let text = without_os_error(text);
    let mut out = String::with_capacity(text.len());
    let mut open_wrappers = 0usize;
    let mut rest = text.as_str();
    while let Some(c) = rest.chars().next() {
        if c.is_alphanumeric() || c == '_' {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
            let (word, after) = rest.split_at(end);
            // A part of a path, a file name or an address (`/home/MyDocs/a.html`) is kept
            // as it is written.
            let in_a_name = out.ends_with(['/', '.', '\\', '~', '-', '@'])
                || (after.starts_with(['/', '.', '\\', '-', '@'])
                    && after[1..].starts_with(|c: char| c.is_alphanumeric()));
            if in_a_name {
                out.push_str(word);
                rest = after;
                continue;
            }
            let camel = is_camel(word);
            let wrapped = after.strip_prefix('(').or_else(|| after.strip_prefix(" {"));
            if let (Some(inner), true) = (wrapped, camel || is_wrapper(word)) {
                out.push_str(&camel_words(word));
                out.push_str(": ");
                open_wrappers += 1;
                rest = inner;
                continue;
            }
            // A field name inside `Name { field: value }`.
            if open_wrappers > 0
                && after.starts_with(": ")
                && word.chars().all(|c| c.is_lowercase() || c == '_')
            {
                rest = &after[2..];
                continue;
            }
            out.push_str(&if camel { camel_words(word) } else { word.to_string() });
            rest = after;
            continue;
        }
        if (c == ')' || c == '}') && open_wrappers > 0 {
            open_wrappers -= 1;
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `CamelCase` with at least two humps (a plain capitalised word is left alone).
fn is_camel(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && word.chars().any(char::is_lowercase)
        && word.chars().skip(1).any(char::is_uppercase)
}

/// Rust's own wrappers, in lower case as `{:?}` prints them.
fn is_wrapper(word: &str) -> bool {
    matches!(word, "Some" | "Ok" | "Err" | "Other" | "Custom" | "Io" | "Error")
}

/// A TOML syntax error as a settings file's reader should hear it, with how to write the
/// line instead.
pub fn toml_syntax(message: &str) -> String {
    let message = message.trim();
    let words = if message.starts_with("key with no value") {
        "a setting without a value; write it as name = value"
    } else if message.starts_with("string values must be quoted") {
        "the value is missing, or is text without quotes; write text in quotes, as name = \"text\""
    } else if message.starts_with("unclosed table") {
        "a section name without its closing ]; write it as [section]"
    } else if message.starts_with("unclosed array") {
        "a list without its closing ]; write it as name = [\"a\", \"b\"]"
    } else if message.starts_with("invalid basic string") || message.starts_with("invalid literal string") {
        "text without its closing quote"
    } else if message.starts_with("duplicate key") {
        "this name is given twice; keep one of them"
    } else if message.starts_with("invalid key") || message.starts_with("invalid unquoted key") {
        "this is not a name a setting can have; names are letters, digits, _ and -"
    } else {
        return format!("this line is not valid TOML ({})", debug_words(message));
    };
    words.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_words_without_the_os_error_number() {
        let e = std::io::Error::from_raw_os_error(13);
        assert_eq!(io(&e), "permission denied");
        let e = std::io::Error::from_raw_os_error(28);
        assert_eq!(io(&e), "the disk is full");
        let e = std::io::Error::from_raw_os_error(71);
        assert!(!io(&e).contains("os error"), "{}", io(&e));
        assert_eq!(io(&std::io::Error::other("not a regular file")), "not a regular file");
    }

    #[test]
    fn debug_formatting_becomes_words() {
        assert_eq!(
            debug_words("invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))"),
            "invalid peer certificate: other: other error: ca used as end entity"
        );
        assert_eq!(
            debug_words("received fatal alert: HandshakeFailure"),
            "received fatal alert: handshake failure"
        );
        assert_eq!(debug_words("Some(5)"), "some: 5");
        assert_eq!(
            debug_words("/home/u/MyDocs/ReadMe.html: it does not exist"),
            "/home/u/MyDocs/ReadMe.html: it does not exist"
        );
        assert_eq!(debug_words("https://example.org/GetThing."), "https://example.org/GetThing.");
        assert_eq!(
            debug_words("cannot open x: No such file (os error 2); y"),
            "cannot open x: No such file; y"
        );
        assert_eq!(debug_words("the connection failed"), "the connection failed");
        assert_eq!(debug_words("Custom { kind: Other, error: \"x\" }"), "custom: Other, \"x\"");
    }
}
