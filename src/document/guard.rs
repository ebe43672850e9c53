//! What a hostile page cannot make the layout do: nest so deep that the HTML parser slows
//! to a crawl (html5ever's scope checks walk the stack of open elements: 100,000 nested
//! `<div>`s take half a minute) or the render recurses off the end of the stack; or grow
//! so large that laying it out takes gigabytes (html2text keeps a DOM node and a render
//! node of several hundred bytes for every element: 50 MB of dense tags would need 6 GB).
//!
//! Before parsing, a light scan of the HTML tracks the open elements as the parser will,
//! roughly: tags that would nest deeper than [`MAX_DEPTH`] are left out (their content is
//! kept, one level up, as Blink's parser does), and the page is cut at a tag boundary after
//! [`MAX_ELEMENTS`] elements or [`MAX_BYTES`] bytes, with a note saying so at the end. Text
//! bodies are cut at [`MAX_BYTES`] too. Bidirectional formatting characters are made
//! visible here, once, so that every rendered page, title and dump shows them (see
//! `crate::sanitize`). Ordinary pages pass through unchanged, without a copy.

use crate::sanitize::visible_bidi;
use std::borrow::Cow;
use std::collections::HashMap;

/// The deepest nesting laid out (the depth at which Blink's parser stops nesting, too).
pub const MAX_DEPTH: usize = 512;
/// The most elements of one page laid out.
pub const MAX_ELEMENTS: usize = 200_000;
/// The most text (HTML source or plain text, in bytes of UTF-8) of one page laid out.
pub const MAX_BYTES: usize = 8 << 20;

/// How far back a scan for an element that a start tag closes implicitly looks.
const SCAN: usize = 64;

/// The bytes of a body worth decoding: a little more than [`MAX_BYTES`] can become after
/// decoding (UTF-16 halves ASCII), so that the cut and its note happen on the text.
pub fn bytes(body: &[u8]) -> &[u8] {
    &body[..body.len().min(2 * MAX_BYTES + 4)]
}

/// A plain-text body as it is laid out: cut at [`MAX_BYTES`] with a note, bidirectional
/// formatting characters made visible.
pub fn text(mut text: String) -> String {
    if text.len() > MAX_BYTES {
        let cut = floor_boundary(&text, MAX_BYTES);
        let cut = text[..cut].rfind('\n').filter(|&nl| cut - nl < 4096).map_or(cut, |nl| nl + 1);
        text.truncate(cut);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!("\n[{}]\n", cut_note()));
    }
    match visible_bidi(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(shown) => shown,
    }
}

/// HTML source as it is laid out (see the module documentation).
pub fn html(source: &str) -> Cow<'_, str> {
    html_with(source, MAX_DEPTH, MAX_ELEMENTS, MAX_BYTES)
}

fn cut_note() -> String {
    format!(
        "margay stopped laying this page out here: it is larger than it shows ({} MB or {} elements). \
         The rest is not shown.",
        MAX_BYTES >> 20,
        MAX_ELEMENTS
    )
}

/// [`html`] with other limits (for tests).
pub fn html_with(source: &str, max_depth: usize, max_elements: usize, max_bytes: usize) -> Cow<'_, str> {
    let mut scan = Scan {
        src: source,
        out: None,
        copied: 0,
        stack: Vec::new(),
        open: HashMap::new(),
        kept: 0,
        foreign: 0,
        max_depth,
    };
    let b = source.as_bytes();
    let mut elements = 0usize;
    let mut i = 0;
    let mut cut = None;
    while i < b.len() {
        let next = b[i..].iter().position(|&c| c == b'<').map_or(b.len(), |p| i + p);
        if next > max_bytes {
            cut = Some(floor_boundary(source, max_bytes.max(i)));
            break;
        }
        if next == b.len() {
            break;
        }
        let (token, end) = token_at(b, next);
        if end > max_bytes {
            cut = Some(next);
            break;
        }
        i = end;
        match token {
            Token::Start { name, self_closing } => {
                if scan.foreign == 0 && matches!(name.as_str(), "html" | "head" | "body") {
                    continue;
                }
                if !scan.start(&name, self_closing, next, end) {
                    continue;
                }
                elements += 1;
                if elements > max_elements {
                    cut = Some(next);
                    break;
                }
                if scan.foreign == 0 && !self_closing {
                    match name.as_str() {
                        "script" | "style" | "xmp" | "iframe" | "noembed" | "noframes" | "textarea"
                        | "title" => {
                            let close = raw_text_end(b, end, &name);
                            if close > max_bytes {
                                cut = Some(next);
                                break;
                            }
                            i = close;
                        }
                        // Everything after <plaintext> is text.
                        "plaintext" => {
                            if b.len() > max_bytes {
                                cut = Some(floor_boundary(source, max_bytes.max(end)));
                            }
                            break;
                        }
                        _ => {}
                    }
                }
            }
            Token::End { name } => scan.end(&name, next, end),
            Token::Other => {}
        }
    }
    let mut out = match (scan.out, cut) {
        (None, None) => return visible_bidi(source),
        (Some(out), None) => out + &source[scan.copied..],
        (out, Some(at)) => out.unwrap_or_default() + &source[scan.copied.min(at)..at],
    };
    if cut.is_some() {
        out.push_str(&format!("\n<hr><p>[{}]</p>\n", cut_note()));
    }
    match visible_bidi(&out) {
        Cow::Borrowed(_) => Cow::Owned(out),
        Cow::Owned(shown) => Cow::Owned(shown),
    }
}

fn floor_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

enum Token {
    Start { name: String, self_closing: bool },
    End { name: String },
    Other,
}

/// The token starting with the `<` at `at`, and where it ends.
fn token_at(b: &[u8], at: usize) -> (Token, usize) {
    let rest = &b[at..];
    if rest.starts_with(b"<!--") {
        if rest[4..].starts_with(b">") || rest[4..].starts_with(b"->") {
            return (Token::Other, at + 4 + rest[4..].iter().position(|&c| c == b'>').unwrap_or(0) + 1);
        }
        let end = find(&rest[4..], b"-->").map(|p| p + 3).into_iter().chain(find(&rest[4..], b"--!>").map(|p| p + 4)).min();
        return (Token::Other, end.map_or(b.len(), |e| at + 4 + e));
    }
    match rest.get(1) {
        Some(b'!' | b'?') => (Token::Other, to_gt(b, at + 1)),
        Some(b'/') => match rest.get(2) {
            Some(c) if c.is_ascii_alphabetic() => {
                let (name, after) = tag_name(b, at + 2);
                let (end, _) = skip_attributes(b, after);
                (Token::End { name }, end)
            }
            Some(b'>') => (Token::Other, at + 3),
            Some(_) => (Token::Other, to_gt(b, at + 2)),
            None => (Token::Other, b.len()),
        },
        Some(c) if c.is_ascii_alphabetic() => {
            let (name, after) = tag_name(b, at + 1);
            let (end, self_closing) = skip_attributes(b, after);
            (Token::Start { name, self_closing }, end)
        }
        _ => (Token::Other, at + 1),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn to_gt(b: &[u8], from: usize) -> usize {
    b[from..].iter().position(|&c| c == b'>').map_or(b.len(), |p| from + p + 1)
}

fn tag_name(b: &[u8], from: usize) -> (String, usize) {
    let len = b[from..].iter().position(|c| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'));
    let end = len.map_or(b.len(), |l| from + l);
    (String::from_utf8_lossy(&b[from..end]).to_ascii_lowercase(), end)
}

/// Skip a tag's attributes (quoted values may hold `>`); the end of the tag and whether it
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
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                slash = false;
                // An attribute name, then maybe `= value`.
                i += 1;
                while i < b.len() && !matches!(b[i], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>' | b'=') {
                    i += 1;
                }
                let mut j = i;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() && b[j] == b'=' {
                    j += 1;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    match b.get(j) {
                        Some(&q @ (b'"' | b'\'')) => {
                            j = b[j + 1..].iter().position(|&c| c == q).map_or(b.len(), |p| j + 1 + p + 1);
                        }
                        _ => {
                            while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
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

/// Where the raw text of a `<script>`, `<style>`, `<title>` … ends: at its end tag (the
/// end tag itself is left for the main scan), or the end of the document.
fn raw_text_end(b: &[u8], from: usize, name: &str) -> usize {
    let mut i = from;
    while let Some(p) = b[i..].iter().position(|&c| c == b'<') {
        let at = i + p;
        let rest = &b[at..];
        if rest.len() >= 2 + name.len()
            && rest[1] == b'/'
            && rest[2..2 + name.len()].eq_ignore_ascii_case(name.as_bytes())
            && rest.get(2 + name.len()).is_none_or(|c| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'))
        {
            return at;
        }
        i = at + 1;
    }
    b.len()
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "image", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "basefont", "bgsound", "frame",
];

/// Start tags that close an open `<p>` (HTML's "close a p element" list).
const CLOSES_P: &[&str] = &[
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
    "main", "menu", "nav", "ol", "p", "pre", "listing", "section", "summary", "table", "ul", "li", "dd", "dt",
    "plaintext", "xmp",
];

const SCOPE: &[&str] =
    &["applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button", "svg", "math"];

struct Entry {
    name: String,
    dropped: bool,
}

struct Scan<'a> {
    src: &'a str,
    /// The output so far, once something had to be left out.
    out: Option<String>,
    /// `src[..copied]` is accounted for in `out`.
    copied: usize,
    stack: Vec<Entry>,
    /// How many entries of each name the stack holds.
    open: HashMap<String, usize>,
    /// Entries that were kept (the depth the parser sees).
    kept: usize,
    /// Open `<svg>` and `<math>` elements (inside them, `/>` closes any element).
    foreign: usize,
    max_depth: usize,
}

impl Scan<'_> {
    /// A start tag at `from..to`; false when it opens nothing.
    fn start(&mut self, name: &str, self_closing: bool, from: usize, to: usize) -> bool {
        if VOID.contains(&name) || (self_closing && self.foreign > 0) {
            return true;
        }
        if self.foreign == 0 {
            self.close_implied(name);
        }
        let dropped = self.kept >= self.max_depth;
        if dropped {
            self.leave_out(from, to);
        } else {
            self.kept += 1;
        }
        if matches!(name, "svg" | "math") {
            self.foreign += 1;
        }
        *self.open.entry(name.to_string()).or_default() += 1;
        self.stack.push(Entry { name: name.to_string(), dropped });
        !dropped
    }

    /// An end tag at `from..to`: closes the nearest open element of its name (and all
    /// opened after it); left out when that element was.
    fn end(&mut self, name: &str, from: usize, to: usize) {
        if self.open.get(name).copied().unwrap_or(0) == 0 {
            return;
        }
        if self.pop_to(name) {
            self.leave_out(from, to);
        }
    }

    /// Pop up to and including the nearest `name`; whether that one was left out.
    fn pop_to(&mut self, name: &str) -> bool {
        while let Some(entry) = self.stack.pop() {
            if let Some(n) = self.open.get_mut(&entry.name) {
                *n -= 1;
            }
            if !entry.dropped {
                self.kept -= 1;
            }
            if matches!(entry.name.as_str(), "svg" | "math") {
                self.foreign -= 1;
            }
            if entry.name == name {
                return entry.dropped;
            }
        }
        false
    }

    /// The nearest open element named in `targets`, looking back at most [`SCAN`] entries
    /// and not past one named in `stop`.
    fn find_open(&self, targets: &[&str], stop: &[&str]) -> Option<String> {
        if targets.iter().all(|t| self.open.get(*t).copied().unwrap_or(0) == 0) {
            return None;
        }
        for entry in self.stack.iter().rev().take(SCAN) {
            if targets.contains(&entry.name.as_str()) {
                return Some(entry.name.clone());
            }
            if stop.contains(&entry.name.as_str()) {
                return None;
            }
        }
        None
    }

    fn close(&mut self, targets: &[&str], stop: &[&str]) {
        if let Some(found) = self.find_open(targets, stop) {
            self.pop_to(&found);
        }
    }

    /// Close what the parser closes when `name` starts, so that ordinary pages with
    /// unclosed `<p>`, `<li>`, `<td>` … are not taken for deep ones.
    fn close_implied(&mut self, name: &str) {
        if CLOSES_P.contains(&name) {
            self.close(&["p"], SCOPE);
        }
        match name {
            "li" => self.close(&["li"], &["ul", "ol", "menu", "table", "td", "th", "div"]),
            "dd" | "dt" => self.close(&["dd", "dt"], &["dl", "table", "td", "th", "div"]),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                if self.stack.last().is_some_and(|e| matches!(e.name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")) {
                    let top = self.stack.last().map(|e| e.name.clone()).unwrap_or_default();
                    self.pop_to(&top);
                }
            }
            "option" => self.close(&["option"], &["select", "datalist", "optgroup"]),
            "optgroup" => self.close(&["option", "optgroup"], &["select"]),
            "tr" => self.close(&["tr"], &["table"]),
            "td" | "th" => self.close(&["td", "th"], &["tr", "table"]),
            "tbody" | "thead" | "tfoot" => self.close(&["tbody", "thead", "tfoot"], &["table"]),
            "a" | "nobr" | "button" | "form" => self.close(&[name], &[]),
            "rb" | "rp" | "rt" | "rtc" => self.close(&["rb", "rp", "rt", "rtc"], &["ruby"]),
            _ => {}
        }
    }

    fn leave_out(&mut self, from: usize, to: usize) {
        let out = self.out.get_or_insert_with(|| String::with_capacity(self.src.len()));
        out.push_str(&self.src[self.copied..from]);
        self.copied = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(html: &str) -> usize {
        // The deepest nesting html5ever builds from the guarded source.
        let cfg = html2text::config::plain();
        let dom = cfg.parse_html(html.as_bytes()).expect("html5ever parses anything");
        let mut deepest = 0;
        let mut stack = vec![(dom.document.clone(), 0usize)];
        while let Some((node, d)) = stack.pop() {
            deepest = deepest.max(d);
            stack.extend(node.children.borrow().iter().map(|c| (c.clone(), d + 1)));
        }
        deepest
    }

    #[test]
    fn ordinary_pages_are_not_copied() {
        let page = "<html><head><title>t</title><script>if (a<b) x='</div>'</script></head>\
                    <body><ul><li>one<li>two</ul><p>a<p>b<table><tr><td>1<td>2<tr><td>3</table>\
                    <!-- <div> --><svg><path d='M0'/></svg></body></html>";
        assert!(matches!(html(page), Cow::Borrowed(_)));
        let many_paragraphs = "<p>paragraph<div>block</div>".repeat(2000);
        assert!(matches!(html(&many_paragraphs), Cow::Borrowed(_)));
        let list = "<ul>".to_string() + &"<li>item".repeat(5000) + "</ul>";
        assert!(matches!(html(&list), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_flattened_and_keeps_the_text() {
        for tag in ["div", "span", "b", "blockquote", "table"] {
            let page = format!("<{tag}>").repeat(20_000) + "deep text" + &format!("</{tag}>").repeat(20_000) + "after";
            let guarded = html(&page);
            assert!(guarded.contains("deep text") && guarded.contains("after"));
            let d = depth(&guarded);
            assert!(d <= MAX_DEPTH + 4, "{tag}: depth {d}");
        }
        // Self-closing syntax does not close an HTML element: <div/> nests.
        let page = "<div/>".repeat(5000) + "x";
        assert!(depth(&html(&page)) < MAX_DEPTH + 10);
    }

    #[test]
    fn end_tags_of_left_out_elements_are_left_out() {
        let page = "<div>".repeat(10) + "x" + &"</div>".repeat(10) + "<p>after</p>";
        let guarded = html_with(&page, 4, 1000, 1 << 20);
        assert_eq!(guarded, "<div>".repeat(4) + "x" + &"</div>".repeat(4) + "<p>after</p>");
    }

    #[test]
    fn large_pages_are_cut_at_a_tag_with_a_note() {
        let page = "<p>word <b>bold</b></p>\n".repeat(100);
        let guarded = html_with(&page, 512, 20, 1 << 20);
        assert!(guarded.matches("<p>").count() == 11 && guarded.contains("stopped laying"), "{guarded}");
        let guarded = html_with(&page, 512, 1000, 500);
        assert!(guarded.len() < 700 && guarded.contains("stopped laying"));
        let long_text = "<p>".to_string() + &"é".repeat(1000);
        let guarded = html_with(&long_text, 512, 1000, 501);
        assert!(guarded.starts_with("<p>é") && guarded.contains("stopped laying"));
        let script = "<script>".to_string() + &"x".repeat(1000) + "</script>";
        assert!(html_with(&script, 512, 1000, 100).starts_with("\n<hr>"));
    }

    #[test]
    fn text_is_cut_with_a_note_and_bidi_shown() {
        let t = text("line\u{202E}\n".repeat(3));
        assert_eq!(t, "line⟨RLO⟩\n".repeat(3));
        let long = text("0123456789\n".repeat(MAX_BYTES / 10));
        assert!(long.len() <= MAX_BYTES + 200 && long.ends_with("not shown.]\n"));
    }
}
