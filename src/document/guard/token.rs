//! Just enough of HTML's tokenizer to find tags: comments, doctypes and quoted attribute
//! values (which may hold `<` and `>`) are skipped as the real tokenizer skips them.

use std::borrow::Cow;

pub enum Token<'a> {
    /// A start tag: its name (lower case), a key for its attributes, and whether it ended
    /// with `/>`.
    Start {
        name: Cow<'a, str>,
        attrs: u64,
        self_closing: bool,
    },
    End {
        name: Cow<'a, str>,
    },
    /// A comment, doctype or processing instruction (a node in the DOM).
    Node,
    /// A `<` that starts nothing, or `</>`.
    Nothing,
}

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// The token starting with the `<` at `at`, and where it ends.
pub fn token_at(source: &str, at: usize) -> (Token<'_>, usize) {
    let b = source.as_bytes();
    let rest = &b[at..];
    if rest.starts_with(b"<!--") {
        let body = &rest[4..];
        // `<!-->` and `<!--->` are complete (empty) comments.
        if body.starts_with(b">") {
            return (Token::Node, at + 5);
        }
        if body.starts_with(b"->") {
            return (Token::Node, at + 6);
        }
        return (Token::Node, comment_end(body).map_or(b.len(), |e| at + 4 + e));
    }
    match rest.get(1) {
        Some(b'!' | b'?') => (Token::Node, to_gt(b, at + 1)),
        Some(b'/') => match rest.get(2) {
            Some(c) if c.is_ascii_alphabetic() => {
                let (name, after) = tag_name(source, at + 2);
                let (end, _) = skip_attributes(b, after);
                (Token::End { name }, end)
            }
            Some(b'>') => (Token::Nothing, at + 3),
            Some(_) => (Token::Node, to_gt(b, at + 2)),
            None => (Token::Nothing, b.len()),
        },
        Some(c) if c.is_ascii_alphabetic() => {
            let (name, after) = tag_name(source, at + 1);
            let (end, self_closing) = skip_attributes(b, after);
            let attrs = hash(&b[after..end]);
            (Token::Start { name, attrs, self_closing }, end)
        }
        _ => (Token::Nothing, at + 1),
    }
}

/// A key for a tag's attributes (two formatting elements are the same when their names and
/// attributes are): rustc-hash's byte hash, enough to tell attribute lists apart and cheap on
/// every tag (it takes eight bytes at a time); never 0, the key of an element the parser
/// implies.
fn hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher as _;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    hasher.finish() | 1
}

/// Where a comment's body ends: after the first `-->` or `--!>` (looking no further).
fn comment_end(body: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = body[from..].iter().position(|&c| c == b'-') {
        let at = from + p;
        if body[at..].starts_with(b"-->") {
            return Some(at + 3);
        }
        if body[at..].starts_with(b"--!>") {
            return Some(at + 4);
        }
        from = at + 1;
    }
    None
}

fn to_gt(b: &[u8], from: usize) -> usize {
    b[from..].iter().position(|&c| c == b'>').map_or(b.len(), |p| from + p + 1)
}

/// The name of a tag that starts at `from` (just after its `<` or `</`: a character
/// boundary, as the end of the name is, at an ASCII byte or the end of the source).
fn tag_name(source: &str, from: usize) -> (Cow<'_, str>, usize) {
    let b = source.as_bytes();
    let len = b[from..].iter().position(|&c| is_space(c) || c == b'/' || c == b'>');
    let end = len.map_or(b.len(), |l| from + l);
    let name = &source[from..end];
    // Most pages write their tags in lower case: those names are borrowed, not copied.
    if name.bytes().any(|c| c.is_ascii_uppercase()) {
        (Cow::Owned(name.to_ascii_lowercase()), end)
    } else {
        (Cow::Borrowed(name), end)
    }
}

/// Skip a tag's attributes (quoted values may hold `>`): the end of the tag and whether it
/// ended with `/>`.
fn skip_attributes(b: &[u8], mut i: usize) -> (usize, bool) {
    let mut slash = false;
    while i < b.len() {
        match b[i] {
            b'>' => return (i + 1, slash),
            b'/' => {
                slash = true;
                i += 1;
            }
            c if is_space(c) => i += 1,
            _ => {
                slash = false;
                // An attribute name, then maybe `= value`.
                i += 1;
                while i < b.len() && !(is_space(b[i]) || matches!(b[i], b'/' | b'>' | b'=')) {
                    i += 1;
                }
                let mut j = i;
                while j < b.len() && is_space(b[j]) {
                    j += 1;
                }
                if j < b.len() && b[j] == b'=' {
                    j += 1;
                    while j < b.len() && is_space(b[j]) {
                        j += 1;
                    }
                    match b.get(j) {
                        Some(&q @ (b'"' | b'\'')) => {
                            j = memchr::memchr(q, &b[j + 1..]).map_or(b.len(), |p| j + p + 2);
                        }
                        _ => {
                            while j < b.len() && !is_space(b[j]) && b[j] != b'>' {
                                j += 1;
                            }
                        }
                    }
                    i = j;
                }
            }
        }
    }
    (b.len(), false)
}

/// Where the raw text of a `<script>`, `<style>`, `<title>` … ends: at its end tag (left
/// for the caller to read), or at the end of the document.
pub fn raw_text_end(b: &[u8], from: usize, name: &str) -> usize {
    let mut i = from;
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let at = i + p;
        let rest = &b[at..];
        if rest.len() >= 2 + name.len()
            && rest[1] == b'/'
            && rest[2..2 + name.len()].eq_ignore_ascii_case(name.as_bytes())
            && rest.get(2 + name.len()).is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
        {
            return at;
        }
        i = at + 1;
    }
    b.len()
}
