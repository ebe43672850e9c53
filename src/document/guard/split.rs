//! Where a large page can be cut in pieces that are parsed and laid out apart and still
//! make exactly what the whole page makes (`document::pieces` does that). The guard's scan
//! tells this module every token it meets, with its model of the parser's open elements;
//! this module only watches and remembers the best place. It must never change what the
//! scan does.

use super::tree::{Kind, Tree};
use rustc_hash::FxHashSet as HashSet;

/// A place in a page where the parser and the layout stand in a state that
/// can be rebuilt from scratch: at a `<p>` or heading just after a `</p>` (an empty `<div>`
/// between them allowed: a page break), or at a heading just after the end of a block that
/// ended with text ([`BLOCK_ENDS`]), inside nothing but `<div>`, `<main>`, `<article>`
/// and `<section>` elements, no formatting element active (so the parser will never reach
/// back before it), in a page with no `<base>`, `<style>` or `<frameset>` that the guard
/// passes unchanged. The part after it (up to the next place), parsed alone after
/// [`Split::reopen`] (the page's doctype and the open elements' start tags, without
/// attributes), makes the same tree as that part of the whole page does; laid out after the
/// earlier parts' lines and a blank line, it makes the same lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// Where the part after it starts (the `<` of the paragraph or heading).
    pub at: usize,
    /// What the part after it is parsed after.
    pub reopen: String,
}

/// The elements a [`Split`] may be inside: html2text lays them out as plain containers.
const INSIDE: &[&str] = &["div", "main", "article", "section"];

/// Blocks after whose end a heading may start a part, when text was the last thing in them:
/// html2text ends them as it ends a paragraph. (Not `<pre>`: its own line breaks count.)
const BLOCK_ENDS: &[&str] = &["div", "ul", "ol", "dl", "table", "blockquote", "section", "article"];

/// Attributes html2text heeds on a container (`hidden`, `style`, `color`, `bgcolor`): an
/// open container with one, re-opened without it, would lay the next part out otherwise.
/// Looked for as any attribute text holding these words.
const HEEDED: [&[u8]; 3] = [b"hidden", b"style", b"color"];

/// Tags that make a page unsplittable wherever they are: a `<base>` changes how every link
/// resolves, a `<style>` sheet hides what it hides in the whole page, a `<frameset>` replaces
/// the body. Looked for in the bytes (inside a script or a comment too: a page is then laid
/// out whole, which is always right).
const WHOLE_PAGE_TAGS: [&[u8]; 3] = [b"<base", b"<style", b"<frameset"];

/// Watches the guard's scan for [`Split`]s that cut the page in parts of about `piece`
/// bytes: the first clean place at least `piece` bytes after the last (and `piece / 2`
/// before the end: no crumb of a last part).
pub struct Finder<'s> {
    source: &'s str,
    piece: usize,
    /// Where the next split may be.
    next_from: usize,
    /// Just after a `</p>` (or an empty `<div></div>` after one), nothing else since.
    after_p_end: bool,
    /// Where the start tag of a `<div>` right after a `</p>` ends.
    empty_div_ends_at: Option<usize>,
    /// Just after the end tag of one of [`BLOCK_ENDS`] whose last content was text.
    after_block_end: bool,
    /// Text has come since the last start tag (a trailing `<br>` or image would end a block
    /// with lines html2text may not follow with the same blank line).
    ends_with_text: bool,
    /// Something the parser treats as content (after which a doctype is ignored).
    content_seen: bool,
    doctype: Option<&'s str>,
    /// The attribute keys of containers with an attribute html2text heeds ([`HEEDED`]).
    heeded: HashSet<u64>,
    /// In a `<p>` that has had text: a split after a paragraph that makes only blank lines
    /// (a `<p><br></p>` spacer) would not be followed by the blank line the whole page has.
    p_has_text: bool,
    /// A `<form>` started and no `</form>` yet: the parser's form pointer stays set after
    /// the element is closed by its container, and a part parsed alone would not have it.
    in_form: bool,
    /// A `<select>` started and no `</select>` yet: html5ever counts a select as a scope
    /// boundary, so a container's end tag inside one does not close it, which the guard's
    /// model of its open elements does not know (it would take a `</div>` there for
    /// closing the select).
    in_select: bool,
    /// An element that bounds a scope (`tree::SCOPE`) started inside a select: a `</select>`
    /// within it is ignored, so the select may stay open to the end of the page. No place
    /// is found after it.
    select_stuck: bool,
    /// An `<html>` or `<body>` tag with an attribute html2text heeds: it counts for the whole
    /// page (a hidden body, a style), and a part parsed alone would not have it.
    root_attributes: bool,
    splits: Vec<Split>,
}

impl<'s> Finder<'s> {
    pub fn new(source: &'s str, piece: usize) -> Finder<'s> {
        let piece = piece.max(1);
        Finder {
            source,
            piece,
            next_from: piece,
            after_p_end: false,
            empty_div_ends_at: None,
            after_block_end: false,
            ends_with_text: false,
            content_seen: false,
            doctype: None,
            heeded: HashSet::default(),
            p_has_text: false,
            in_form: false,
            in_select: false,
            select_stuck: false,
            root_attributes: false,
            splits: Vec::new(),
        }
    }

    /// Text between two tags; `blank` when it is all white space.
    pub fn text(&mut self, blank: bool) {
        if !blank {
            (self.after_p_end, self.after_block_end, self.content_seen) = (false, false, true);
            (self.p_has_text, self.ends_with_text) = (true, true);
        }
    }

    /// Whether `source` can be cut at all: it has no tag that makes it unsplittable
    /// ([`WHOLE_PAGE_TAGS`]). Asked before the scan, so that no place is told for a page
    /// whose pieces could not stand.
    pub fn may_split(source: &str) -> bool {
        let source = source.as_bytes();
        // One pass over the `<`s; most are followed by a letter no such tag starts with.
        !memchr::memchr_iter(b'<', source).any(|at| {
            let first = source.get(at + 1).map(u8::to_ascii_lowercase);
            WHOLE_PAGE_TAGS
                .iter()
                .any(|tag| first == Some(tag[1]) && starts_ignoring_case(&source[at..], tag))
        })
    }

    /// A start tag from `at` to `end` (`attrs`: the tokenizer's key for its attributes),
    /// told before `tree` sees it; the place it makes, if it makes one.
    pub fn start(
        &mut self,
        name: &str,
        attrs: u64,
        self_closing: bool,
        at: usize,
        end: usize,
        tree: &Tree,
    ) -> Option<&Split> {
        let after_p_end = std::mem::take(&mut self.after_p_end);
        let after_block_end = std::mem::take(&mut self.after_block_end);
        (self.content_seen, self.ends_with_text) = (true, false);
        match name {
            "p" => self.p_has_text = false,
            "form" => self.in_form = true,
            "select" => self.in_select = true,
            _ if self.in_select && Kind::of(name).bounds_scope() => self.select_stuck = true,
            "html" | "body" => {
                let text = &self.source.as_bytes()[at..end];
                self.root_attributes |= HEEDED.iter().any(|word| contains_ignoring_case(text, word));
            }
            _ => {}
        }
        if INSIDE.contains(&name) {
            let text = &self.source.as_bytes()[at..end];
            if HEEDED.iter().any(|word| contains_ignoring_case(text, word)) {
                self.heeded.insert(attrs);
            }
        }
        // An empty <div> (a page break) between the paragraph and the heading makes nothing:
        // html2text drops empty containers.
        self.empty_div_ends_at = (after_p_end && name == "div" && !self_closing).then_some(end);
        let heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
        let wanted = ((after_p_end && (heading || name == "p")) || (after_block_end && heading))
            && !self.in_form
            && !self.in_select
            && !self.root_attributes
            && at >= self.next_from
            && at + self.piece / 2 <= self.source.len();
        if !wanted {
            return None;
        }
        // A block that makes no text (an anchor alone, a spacer) would make its blank line
        // in the whole page and none at the start of a piece.
        if !holds_text(&self.source.as_bytes()[end..], name.as_bytes()) {
            return None;
        }
        let open = tree.plain_open(INSIDE)?;
        if open.iter().any(|(_, attrs)| self.heeded.contains(attrs)) {
            return None;
        }
        let mut reopen = self.doctype.unwrap_or_default().to_string();
        for (name, _) in open {
            reopen.push('<');
            reopen.push_str(name);
            reopen.push('>');
        }
        self.splits.push(Split { at, reopen });
        self.next_from = at + self.piece;
        self.splits.last()
    }

    /// An end tag from `at`.
    pub fn end(&mut self, name: &str, at: usize) {
        match name {
            "form" => self.in_form = false,
            "select" => self.in_select = self.select_stuck,
            _ => {}
        }
        let spacer = name == "p" && !std::mem::replace(&mut self.p_has_text, false);
        self.after_p_end =
            (name == "p" && !spacer) || (name == "div" && self.empty_div_ends_at.take() == Some(at));
        self.after_block_end = self.ends_with_text && BLOCK_ENDS.contains(&name);
    }

    /// A comment, doctype or processing instruction from `at` to `end`.
    pub fn node(&mut self, at: usize, end: usize) {
        (self.after_p_end, self.after_block_end) = (false, false);
        let text = &self.source.as_bytes()[at..end];
        if !self.content_seen
            && self.doctype.is_none()
            && text.len() > 9
            && text[2..9].eq_ignore_ascii_case(b"doctype")
        {
            self.doctype = self.source.get(at..end);
        }
    }

    /// A `<` that starts nothing: text.
    pub fn nothing(&mut self) {
        (self.after_p_end, self.after_block_end, self.content_seen) = (false, false, true);
        self.ends_with_text = true;
    }

    /// The places found, once the whole page is scanned (in the page's order), unless an
    /// `<html>` or `<body>` tag anywhere in it carries an attribute html2text heeds (the
    /// parser gives a later one's attributes to the page's element).
    pub fn found(self) -> Vec<Split> {
        if self.root_attributes {
            return Vec::new();
        }
        self.splits
    }
}

/// The element whose start tag ends where `rest` starts holds text before its end tag
/// (`</name`): a character outside any tag that is not white space.
fn holds_text(rest: &[u8], name: &[u8]) -> bool {
    let mut in_tag = false;
    for (at, &b) in rest.iter().enumerate() {
        match b {
            b'<' if rest[at + 1..].first() == Some(&b'/') && starts_ignoring_case(&rest[at + 2..], name) => {
                return false
            }
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            _ if in_tag || b.is_ascii_whitespace() => {}
            _ => return true,
        }
    }
    false
}

/// `text` starts with `word` (lower-case ASCII), in any case.
fn starts_ignoring_case(text: &[u8], word: &[u8]) -> bool {
    text.get(..word.len()).is_some_and(|start| start.eq_ignore_ascii_case(word))
}

/// `text` holds `word` (lower-case ASCII), in any case.
fn contains_ignoring_case(text: &[u8], word: &[u8]) -> bool {
    (0..text.len()).any(|at| starts_ignoring_case(&text[at..], word))
}
