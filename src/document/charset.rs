//! Response bytes → text: pick the character encoding the way browsers do, then decode.
//!
//! Precedence: byte-order mark, then the `charset=` parameter of the Content-Type header,
//! then (HTML only) a `<meta>` prescan of the first 1024 bytes, then UTF-8 when the bytes are
//! valid UTF-8, else windows-1252. encoding_rs maps labels to encodings and decodes, but it
//! has no meta prescan (that lives in HTML parsers such as html5ever's byte-stream decoder,
//! which html2text does not expose), so a small prescan after the WHATWG "prescan a byte
//! stream" algorithm is written here. Decoding never fails: bad bytes become U+FFFD.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED};

/// Text decoded from a body, with the name of the encoding used (encoding_rs's name). UTF-8
/// without errors is the body itself, not a copy (a large page would be held twice).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded<'a> {
    pub text: std::borrow::Cow<'a, str>,
    pub encoding: &'static str,
}

/// How far into an HTML body the `<meta>` prescan looks, as browsers do.
const PRESCAN_LIMIT: usize = 1024;

/// Decode a body. `content_type` is the raw Content-Type header value, if any.
pub fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>, is_html: bool) -> Decoded<'a> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, &bytes[bom_len..]);
    }
    let declared = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .or_else(|| if is_html { prescan(bytes) } else { None });
    let encoding =
        declared.unwrap_or_else(|| if std::str::from_utf8(bytes).is_ok() { UTF_8 } else { WINDOWS_1252 });
    decode_with(encoding, bytes)
}

fn decode_with<'a>(encoding: &'static Encoding, bytes: &'a [u8]) -> Decoded<'a> {
    let (text, _had_errors) = encoding.decode_without_bom_handling(bytes);
    Decoded { text, encoding: encoding.name() }
}

/// The value of a `charset=` parameter in a Content-Type value, unquoted.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        (!value.is_empty()).then_some(value)
    })
}

/// The charset in a meta `content` attribute (`text/html; charset=...`), per WHATWG
/// "extracting a character encoding from a meta element".
fn charset_in_content(content: &[u8]) -> Option<&'static Encoding> {
    let lower = content.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"charset") {
        let mut i = from + pos + b"charset".len();
        while lower.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if lower.get(i) != Some(&b'=') {
            from = i;
            continue;
        }
        i += 1;
        while lower.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let rest = &content[i.min(content.len())..];
        let value = match rest.first() {
            Some(&q @ (b'"' | b'\'')) => {
                let end = rest[1..].iter().position(|&b| b == q)?;
                &rest[1..1 + end]
            }
            _ => {
                let end =
                    rest.iter().position(|&b| b == b';' || b.is_ascii_whitespace()).unwrap_or(rest.len());
                &rest[..end]
            }
        };
        return Encoding::for_label(value);
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Scan the start of an HTML body for a `<meta>` that declares its encoding.
fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let buf = &bytes[..bytes.len().min(PRESCAN_LIMIT)];
    let mut i = 0;
    while i < buf.len() {
        let rest = &buf[i..];
        if rest.starts_with(b"<!--") {
            i += 4 + find(&rest[4..], b"-->").map_or(rest.len(), |p| p + 3);
        } else if rest.len() > 5
            && rest[..5].eq_ignore_ascii_case(b"<meta")
            && (rest[5].is_ascii_whitespace() || rest[5] == b'/')
        {
            let (attrs, next) = attributes(buf, i + 5);
            if let Some(encoding) = meta_encoding(&attrs) {
                return Some(encoding);
            }
            i = next;
        } else if rest.len() > 1
            && (rest[1].is_ascii_alphabetic()
                || (rest[1] == b'/' && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
            && rest[0] == b'<'
        {
            // Any other tag: its attributes may contain '>' inside quotes, so parse them.
            let name_end = rest[1..]
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'>')
                .map_or(rest.len(), |p| p + 1);
            i = attributes(buf, i + name_end).1;
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            i += find(rest, b">").map_or(rest.len(), |p| p + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// What a `<meta>` element's attributes say about the encoding.
fn meta_encoding(attrs: &Attributes) -> Option<&'static Encoding> {
    let get = |name: &[u8]| attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice());
    let encoding = match get(b"charset") {
        Some(label) => Encoding::for_label(label)?,
        None => {
            let equiv = get(b"http-equiv")?;
            if !equiv.eq_ignore_ascii_case(b"content-type") {
                return None;
            }
            charset_in_content(get(b"content")?)?
        }
    };
    // A document that could be read as ASCII to find this meta cannot be UTF-16 (WHATWG).
    Some(if encoding == UTF_16LE || encoding == UTF_16BE {
        UTF_8
    } else if encoding == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        encoding
    })
}

/// A tag's attributes as (lower-case name, value) pairs.
type Attributes = Vec<(Vec<u8>, Vec<u8>)>;

/// Read attributes from `start` to the end of the tag. Returns them (the first of a
/// repeated name wins) and the index just past the tag.
fn attributes(buf: &[u8], start: usize) -> (Attributes, usize) {
    let mut attrs: Attributes = Vec::new();
    let mut i = start;
    let at = |i: usize| buf.get(i).copied();
    loop {
        while at(i).is_some_and(|b| b.is_ascii_whitespace() || b == b'/') {
            i += 1;
        }
        match at(i) {
            None => return (attrs, i),
            Some(b'>') => return (attrs, i + 1),
            Some(_) => {}
        }
        let name_start = i;
        while at(i).is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/')) {
            i += 1;
        }
        if i == name_start {
            i += 1;
            continue;
        }
        let name = buf[name_start..i].to_ascii_lowercase();
        while at(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        let mut value = Vec::new();
        if at(i) == Some(b'=') {
            i += 1;
            while at(i).is_some_and(|b| b.is_ascii_whitespace()) {
                i += 1;
            }
            match at(i) {
                Some(q @ (b'"' | b'\'')) => {
                    let end = buf[i + 1..].iter().position(|&b| b == q).map_or(buf.len(), |p| i + 1 + p);
                    value = buf[i + 1..end].to_vec();
                    i = end + 1;
                }
                _ => {
                    let s = i;
                    while at(i).is_some_and(|b| !b.is_ascii_whitespace() && b != b'>') {
                        i += 1;
                    }
                    value = buf[s..i].to_vec();
                }
            }
        }
        if !attrs.iter().any(|(n, _)| *n == name) {
            attrs.push((name, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prescan_finds_both_meta_forms() {
        let a = b"<!-- <meta charset=koi8-r> --><html><head><meta charset=\"Shift_JIS\">";
        assert_eq!(prescan(a).map(|e| e.name()), Some("Shift_JIS"));
        let b = b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-2'>";
        assert_eq!(prescan(b).map(|e| e.name()), Some("ISO-8859-2"));
        let c = b"<title a='>'><meta charset=utf-16>";
        assert_eq!(prescan(c).map(|e| e.name()), Some("UTF-8"));
        assert_eq!(prescan(b"<meta name=x content='charset=koi8-r'>"), None);
        assert_eq!(prescan(b"<meta charset="), None);
    }

    #[test]
    fn header_parameter_is_parsed() {
        assert_eq!(charset_param("text/html; Charset=\"latin1\""), Some("latin1"));
        assert_eq!(charset_param("text/html"), None);
        assert_eq!(decode(b"\xe9", Some("text/plain; charset=latin1"), false).text, "é");
    }
}
