//! Bytes → text → styled lines with numbered links: the document core.
//!
//! A [`Document`] is parsed once from a body (`parse`) and keeps its source and its render
//! tree, so a layout for another width (`layout`) starts from the tree, never from the
//! source; a document whose tree was let go (an old history entry) parses its source again.
//! Every step can be stopped between two pieces of work through a [`Cancel`] flag. [`preview`]
//! lays out the first screen of a body from its start while the rest arrives. Documents are
//! named by [`DocId`]s.
//!
//! Nothing here does I/O or starts a thread: `crate::jobs` runs this work.

mod as_text;
mod charset;
mod diagnostic;
pub mod forms;
pub mod guard;
mod layout;
mod pages;
mod parse;
mod pieces;
mod preview;
pub mod reader;
mod text;
mod textual;

pub use as_text::{format_rendered, write_rendered};
pub use charset::{decode, Decoded};
pub use diagnostic::{choice_page_html, diagnostic_html};
pub use layout::MIN_WIDTH;
pub use pages::{directory_listing_html, escape_html, human_size, non_text_page_html};
pub use pieces::{piece_bytes, Fork, Making, PIECES_FROM};
pub use preview::{preview, Preview, PREVIEW_BYTES};
pub use textual::{describe as describe_type, kind_of, pretty_json, readable_text, BodyKind};

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use url::Url;

/// The width of `s` in terminal columns, as the layout measures it: the sum of its
/// characters' widths, as a terminal advances the cursor (control characters count one;
/// laid-out text has none).
pub fn columns(s: &str) -> usize {
    text::display_width(s)
}

/// A flag a piece of document work looks at between two steps; once raised, the work stops
/// at its next look and gives no result. Clones share the flag.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    pub fn raise(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn raised(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A document's name, never reused in a run (unlike an address in memory).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId(u64);

impl DocId {
    fn next() -> DocId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        DocId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// How one run of text is drawn. Kept independent of ratatui so the core stays pure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SpanStyle {
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub code: bool,
    pub pre: bool,
    pub heading: bool,
    pub image: bool,
    pub quote: bool,
    /// 1 to 6 in a heading (`heading` is then set), 0 elsewhere.
    pub heading_level: u8,
    /// The page's own colours (from its style sheets), as red, green, blue; drawn only
    /// when the user asks for them (`page_colours` in config.toml).
    pub fg: Option<[u8; 3]>,
    pub bg: Option<[u8; 3]>,
    /// Index into [`Rendered::links`] when this text belongs to a link (0-based; the number
    /// shown on screen is index + 1). 32 bits, for the size of every span of a page (the
    /// guard keeps a page to far fewer links than that).
    pub link: Option<u32>,
}

impl SpanStyle {
    /// [`SpanStyle::link`] as an index into [`Rendered::links`].
    pub fn link_index(&self) -> Option<usize> {
        self.link.map(|link| link as usize)
    }
}

/// A run of text in one style. A long page has hundreds of thousands: the text is boxed
/// (no spare capacity, no capacity field) for the memory a page's layout holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: Box<str>,
    pub style: SpanStyle,
}

impl Span {
    pub fn new(text: impl Into<Box<str>>, style: SpanStyle) -> Span {
        Span { text: text.into(), style }
    }
}

/// One laid-out line. Its spans are boxed for the same reason as their text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    pub spans: Box<[Span]>,
}

impl Line {
    pub fn plain(text: impl Into<Box<str>>) -> Line {
        Line { spans: Box::new([Span::new(text, SpanStyle::default())]) }
    }

    /// The line's text without styles.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| &*s.text).collect()
    }
}

/// A link as it appears in the rendered page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRef {
    /// The href as written in the page.
    pub href: String,
    /// The href resolved against the document's base URL, when it resolves.
    pub target: Option<Url>,
    /// The first line on which the link's text appears.
    pub line: usize,
}

/// A document laid out for one width.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub width: u16,
    pub lines: Vec<Line>,
    /// Links in reading order; link `i` is shown as `[i+1]`.
    pub links: Vec<LinkRef>,
    /// Fragment name (id or a name) → line where it starts.
    pub anchors: HashMap<String, usize>,
    /// For each line, its place in the page's text: the letters and digits before it. The
    /// same text has the same places at every width.
    pub positions: Vec<u32>,
}

impl Rendered {
    /// The place in the text where `line` starts.
    pub fn position_of(&self, line: usize) -> u32 {
        self.positions.get(line).copied().or_else(|| self.positions.last().copied()).unwrap_or(0)
    }

    /// The line holding the place `position` in the text: the last that starts at or before it.
    pub fn line_at(&self, position: u32) -> usize {
        self.positions.partition_point(|&p| p <= position).saturating_sub(1)
    }
}

/// What a page's reader view is.
#[derive(Debug)]
pub enum ReaderView {
    /// The article as a document of its own (its address the page's), and its layout.
    Article(Box<(Document, Rendered)>),
    /// Readability found no article: the page stays as it is.
    NoArticle,
}

/// What kind of body a document was made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Html,
    Text,
    /// A body that is neither HTML nor text: shown as a page describing it.
    Other {
        mime: String,
    },
}

/// A parsed page, ready to be laid out at any width. Shared between threads: a layout for a
/// new width runs off the thread that shows the page.
pub struct Document {
    pub id: DocId,
    /// The URL the document was loaded from (links resolve against `base`, not this).
    pub url: Url,
    pub title: String,
    pub base: Url,
    pub kind: SourceKind,
    /// The charset the body was decoded with (`None` for generated pages).
    pub charset: Option<String>,
    /// The page's forms and fields (empty for text).
    pub forms: forms::Forms,
    body: Body,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("id", &self.id)
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

enum Body {
    Html(Box<Html>),
    Text(String),
}

/// An HTML page: its body as received (shared with the page that shows it, so a page's bytes
/// are in memory once), and its render tree while it is kept.
struct Html {
    body: Arc<Vec<u8>>,
    content_type: Option<String>,
    tree: Mutex<Option<html2text::RenderTree>>,
    /// Keep a copy of the tree after a layout (see [`KEEP_TREE_NODES`]).
    keep_tree: bool,
}

/// Pages of more nodes than this keep no copy of their render tree (a layout for another
/// width parses them again): two trees of the densest page the guard lets through would
/// hold some 300 MB. The Rust reference has 207,000.
const KEEP_TREE_NODES: usize = 250_000;

impl Html {
    /// The source as the parser reads it (decoded, guarded), its encoding, and whether its
    /// tree is small enough to keep a copy of.
    fn source<'a>(body: &'a [u8], content_type: Option<&str>) -> (Cow<'a, str>, &'static str, bool) {
        let decoded = decode(guard::bytes(body), content_type, true);
        let (guarded, keep) = Html::guarded(guard::scan(&decoded.text));
        (guarded.map_or(decoded.text, Cow::Owned), decoded.encoding, keep)
    }

    /// What the guard's scan of a decoded source leaves: the page as it changed it (`None`:
    /// the source as it is), and whether its tree is small enough to keep a copy of.
    fn guarded(scanned: guard::Scanned<'_>) -> (Option<String>, bool) {
        let keep = scanned.nodes <= KEEP_TREE_NODES;
        match scanned.html {
            Cow::Owned(guarded) => (Some(guarded), keep),
            Cow::Borrowed(_) => (None, keep),
        }
    }
}

impl Document {
    /// Parse a response body. `content_type` is the raw Content-Type header value.
    pub fn from_bytes(url: &Url, content_type: Option<&str>, bytes: &[u8]) -> Document {
        Document::parse(url, content_type, bytes, &Cancel::new())
            .unwrap_or_else(|| Document::from_text(url, String::new()))
    }

    /// [`Document::from_bytes`] that stops when `cancel` is raised (`None`).
    pub fn parse(url: &Url, content_type: Option<&str>, bytes: &[u8], cancel: &Cancel) -> Option<Document> {
        Document::parse_shared(url, content_type, &Arc::new(bytes.to_vec()), cancel)
    }

    /// [`Document::parse`] of a body kept as it is (not copied) for later layouts.
    pub fn parse_shared(
        url: &Url,
        content_type: Option<&str>,
        body: &Arc<Vec<u8>>,
        cancel: &Cancel,
    ) -> Option<Document> {
        let mime = mime_of(content_type, url, body);
        let size = body.len() as u64;
        // Only what can be laid out is decoded (hostile pages).
        let bytes = guard::bytes(body);
        match kind_of(&mime) {
            BodyKind::Html => {
                let (source, encoding, keep_tree) = Html::source(body, content_type);
                Document::from_source(url, content_type, body, (source, encoding, keep_tree), cancel)
            }
            BodyKind::Text { json } => {
                let (text, encoding) = readable_text(bytes, content_type, json);
                let mut doc = Document::from_text(url, text);
                doc.charset = Some(encoding.to_string());
                Some(doc)
            }
            BodyKind::Other => {
                let html = non_text_page_html(url, &mime, size);
                let mut doc = Document::from_html(url, &html);
                doc.kind = SourceKind::Other { mime };
                Some(doc)
            }
        }
    }

    /// An HTML document from its guarded `source` (with its encoding and whether to keep its
    /// tree), parsed whole.
    fn from_source(
        url: &Url,
        content_type: Option<&str>,
        body: &Arc<Vec<u8>>,
        (source, encoding, keep_tree): (Cow<'_, str>, &'static str, bool),
        cancel: &Cancel,
    ) -> Option<Document> {
        let parsed = parse::parse(url, &source, cancel)?;
        drop(source);
        let html = Html {
            body: body.clone(),
            content_type: content_type.map(str::to_string),
            tree: Mutex::new(Some(parsed.tree)),
            keep_tree,
        };
        let mut doc = Document::from_parsed(url, parsed.title, parsed.base, parsed.forms, html);
        doc.charset = Some(encoding.to_string());
        Some(doc)
    }

    /// [`Document::parse_shared`] and a layout for `width` at once, the tree given up to the
    /// layout (nothing will lay the page out again: `--dump`); `None` when `cancel` was
    /// raised. Made [`Making::InPieces`], a large page that can be cut cleanly is parsed and
    /// laid out piece by piece (`pieces`: on one thread, or with a fork on two, the first
    /// pieces made while the guard's scan finds the places to cut the rest), making what the
    /// whole page makes.
    pub fn parse_and_lay_out_once(
        url: &Url,
        content_type: Option<&str>,
        body: &Arc<Vec<u8>>,
        width: u16,
        cancel: &Cancel,
        making: Making<'_>,
    ) -> Option<(Document, Rendered)> {
        let html = kind_of(&mime_of(content_type, url, body)) == BodyKind::Html;
        let fork = match making {
            Making::InPieces(fork) if html => fork,
            _ => {
                let doc = Document::parse_shared(url, content_type, body, cancel)?;
                let rendered = doc.lay_out(width, cancel, false)?;
                return Some((doc, rendered));
            }
        };
        let decoded = decode(guard::bytes(body), content_type, true);
        let text: &str = &decoded.text;
        let mut scanned = None;
        if text.len() >= pieces::PIECES_FROM {
            // The guard's scan finds the places to cut the page while the pieces before
            // them are made; they stand if the scan passes the page unchanged.
            let (piece, scanned_slot) = (pieces::piece_bytes(text.len()), &mut scanned);
            let scan: pieces::Scan<'_> = Box::new(move |found| {
                let guarded = guard::scan_splitting_as_found(text, pieces::PIECES_FROM, piece, found);
                let stand = !guarded.splits.is_empty();
                *scanned_slot = Some(guarded);
                stand
            });
            match pieces::lay_out_as_found(url, text, width.max(MIN_WIDTH), cancel, fork, scan) {
                Some(made) => {
                    let html = Html {
                        body: body.clone(),
                        content_type: content_type.map(str::to_string),
                        tree: Mutex::new(None),
                        keep_tree: scanned.is_some_and(|s| s.nodes <= KEEP_TREE_NODES),
                    };
                    let mut doc = Document::from_parsed(url, made.title, made.base, made.forms, html);
                    doc.charset = Some(decoded.encoding.to_string());
                    return Some((doc, made.rendered));
                }
                None if cancel.raised() => return None,
                // The pieces cannot stand for the page: it is laid out whole.
                None => {}
            }
        }
        let (guarded, keep_tree) = Html::guarded(scanned.unwrap_or_else(|| guard::scan(text)));
        let source = guarded.map_or(decoded.text, Cow::Owned);
        let doc =
            Document::from_source(url, content_type, body, (source, decoded.encoding, keep_tree), cancel)?;
        let rendered = doc.lay_out(width, cancel, false)?;
        Some((doc, rendered))
    }

    /// Parse and lay out for `width` at once, giving the tree up to the layout (nothing will
    /// lay the page out again: `--dump`).
    pub fn laid_out(url: &Url, content_type: Option<&str>, bytes: &[u8], width: u16) -> (Document, Rendered) {
        let doc = Document::from_bytes(url, content_type, bytes);
        let rendered = doc.layout_once(width);
        (doc, rendered)
    }

    /// Parse HTML that is already text (generated pages, decoded bodies).
    pub fn from_html(url: &Url, html: &str) -> Document {
        Document::from_html_source(url, html.to_string(), &Cancel::new())
            .unwrap_or_else(|| Document::from_text(url, String::new()))
    }

    fn from_html_source(url: &Url, source: String, cancel: &Cancel) -> Option<Document> {
        let body = Arc::new(source.into_bytes());
        let content_type = "text/html; charset=utf-8";
        let (source, _, keep_tree) = Html::source(&body, Some(content_type));
        let parsed = parse::parse(url, &source, cancel)?;
        let html = Html {
            body,
            content_type: Some(content_type.into()),
            tree: Mutex::new(Some(parsed.tree)),
            keep_tree,
        };
        Some(Document::from_parsed(url, parsed.title, parsed.base, parsed.forms, html))
    }

    fn from_parsed(url: &Url, title: String, base: Url, forms: forms::Forms, html: Html) -> Document {
        Document {
            id: DocId::next(),
            url: url.clone(),
            title,
            base,
            kind: SourceKind::Html,
            charset: None,
            forms,
            body: Body::Html(Box::new(html)),
        }
    }

    /// A text/plain document, shown as is.
    pub fn from_text(url: &Url, text: String) -> Document {
        Document {
            id: DocId::next(),
            url: url.clone(),
            title: text::title_for(url),
            base: url.clone(),
            kind: SourceKind::Text,
            charset: None,
            forms: forms::Forms::default(),
            body: Body::Text(guard::text(text)),
        }
    }

    /// Lay the document out for `width` columns (at least [`MIN_WIDTH`]), keeping the render
    /// tree for the next layout; `None` when `cancel` was raised on the way.
    pub fn layout(&self, width: u16, cancel: &Cancel) -> Option<Rendered> {
        self.lay_out(width, cancel, true)
    }

    /// [`Document::layout`] for a document that will not be laid out again: the tree is used
    /// up, not copied.
    pub fn layout_once(&self, width: u16) -> Rendered {
        self.lay_out(width, &Cancel::new(), false).unwrap_or_default()
    }

    /// [`Document::layout`] that is never stopped.
    pub fn render(&self, width: u16) -> Rendered {
        self.layout(width, &Cancel::new()).unwrap_or_default()
    }

    fn lay_out(&self, width: u16, cancel: &Cancel, keep: bool) -> Option<Rendered> {
        let width = width.max(MIN_WIDTH);
        match &self.body {
            Body::Text(text) => Some(text::render(text, width)),
            Body::Html(html) => {
                let kept = html.tree.lock().ok().and_then(|mut t| t.take());
                // The source again: for a tree let go of (an old history entry), or a retry.
                let again = || {
                    let (source, _, _) = Html::source(&html.body, html.content_type.as_deref());
                    Some(parse::parse(&self.url, &source, cancel)?.tree)
                };
                let tree = match kept {
                    Some(tree) => tree,
                    None => again()?,
                };
                if keep && html.keep_tree {
                    if let Ok(mut slot) = html.tree.lock() {
                        slot.get_or_insert_with(|| tree.clone());
                    }
                }
                layout::lay_out(tree, &self.base, width, cancel, &again)
            }
        }
    }

    /// The page's reader view, laid out for `width`: its article (title, byline, text) as a
    /// document of its own, or [`ReaderView::NoArticle`]; `None` when `cancel` was raised.
    pub fn reader_view(&self, width: u16, cancel: &Cancel) -> Option<ReaderView> {
        let Body::Html(html) = &self.body else { return Some(ReaderView::NoArticle) };
        if self.kind != SourceKind::Html {
            return Some(ReaderView::NoArticle);
        }
        let (source, _, _) = Html::source(&html.body, html.content_type.as_deref());
        let found = reader::article(&source, &self.url);
        drop(source);
        if cancel.raised() {
            return None;
        }
        let Some(article) = found else { return Some(ReaderView::NoArticle) };
        let mut doc = Document::from_html_source(&self.url, reader::page_html(&article), cancel)?;
        doc.charset = self.charset.clone();
        let rendered = doc.layout(width, cancel)?;
        Some(ReaderView::Article(Box::new((doc, rendered))))
    }

    /// Let go of the render tree (a page left behind in history): a later layout parses the
    /// source again.
    pub fn release_tree(&self) {
        if let Body::Html(html) = &self.body {
            if let Ok(mut tree) = html.tree.lock() {
                *tree = None;
            }
        }
    }

    /// The render tree is kept (a layout needs no parse).
    pub fn has_tree(&self) -> bool {
        match &self.body {
            Body::Html(html) => html.tree.lock().is_ok_and(|t| t.is_some()),
            Body::Text(_) => true,
        }
    }
}

/// The MIME type (lower case, no parameters) of a body: the header's when present, else a
/// guess from the URL's extension (file://) and the first bytes.
pub fn mime_of(content_type: Option<&str>, url: &Url, bytes: &[u8]) -> String {
    if let Some(ct) = content_type {
        let m = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if !m.is_empty() {
            return m;
        }
    }
    text::sniff(url, bytes)
}
