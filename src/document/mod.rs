//! Bytes → text → styled lines with numbered links.
//!
//! A [`Document`] is parsed once from a response body; [`Document::render`] lays it out for
//! one width and is called again only when the width changes. Nothing here does I/O.

mod charset;
mod diagnostic;
pub mod forms;
pub mod guard;
mod halves;
mod html;
mod pages;
mod text;
mod textual;

pub use charset::{decode, Decoded};
pub use diagnostic::{choice_page_html, diagnostic_html};
pub use pages::{directory_listing_html, escape_html, human_size, non_text_page_html};
pub use textual::{describe as describe_type, kind_of, pretty_json, readable_text, BodyKind};

use std::collections::HashMap;
use url::Url;

/// The width of `s` in terminal columns, as the layout measures it: the sum of its
/// characters' widths, as a terminal advances the cursor (control characters count one;
/// laid-out text has none).
pub fn columns(s: &str) -> usize {
    text::display_width(s)
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
    /// shown on screen is index + 1).
    pub link: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: SpanStyle,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    pub spans: Vec<Span>,
}

impl Line {
    pub fn plain(text: impl Into<String>) -> Line {
        Line { spans: vec![Span { text: text.into(), style: SpanStyle::default() }] }
    }

    /// The line's text without styles.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
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

/// A parsed page, ready to be rendered at any width.
pub struct Document {
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

enum Body {
    /// The source and, until the first layout uses it, its render tree (see [`html::Source`]).
    Html(Box<html::Source>),
    Text(String),
}

impl Document {
    /// Parse a response body. `content_type` is the raw Content-Type header value.
    pub fn from_bytes(url: &Url, content_type: Option<&str>, bytes: &[u8]) -> Document {
        Document::from_bytes_for(url, content_type, bytes, None)
    }

    /// [`Document::from_bytes`] and its layout for `width` ([`Document::render`]): a large
    /// page is then parsed and laid out in halves at once, each half on one thread.
    pub fn laid_out(url: &Url, content_type: Option<&str>, bytes: &[u8], width: u16) -> (Document, Rendered) {
        let doc = Document::from_bytes_for(url, content_type, bytes, Some(width));
        let rendered = doc.render(width);
        (doc, rendered)
    }

    fn from_bytes_for(url: &Url, content_type: Option<&str>, bytes: &[u8], width: Option<u16>) -> Document {
        let mime = mime_of(content_type, url, bytes);
        let size = bytes.len() as u64;
        // Only what can be laid out is decoded (tests/hostile_pages.rs).
        let bytes = guard::bytes(bytes);
        match kind_of(&mime) {
            BodyKind::Html => {
                let decoded = decode(bytes, content_type, true);
                let width = width.map(|w| w.max(html::MIN_WIDTH));
                let mut doc = Document::from_html_source(url, decoded.text, width);
                doc.charset = Some(decoded.encoding.to_string());
                doc
            }
            BodyKind::Text { json } => {
                let (text, encoding) = readable_text(bytes, content_type, json);
                let mut doc = Document::from_text(url, text);
                doc.charset = Some(encoding.to_string());
                doc
            }
            BodyKind::Other => {
                let html = non_text_page_html(url, &mime, size);
                let mut doc = Document::from_html(url, &html);
                doc.kind = SourceKind::Other { mime };
                doc
            }
        }
    }

    /// Parse HTML that is already text (generated pages, decoded bodies).
    pub fn from_html(url: &Url, html: &str) -> Document {
        Document::from_html_source(url, html.to_string(), None)
    }

    /// [`Document::from_html`] keeping `html` (no copy, unless the guard changes it) to lay
    /// the page out again at another width.
    /// `width`: the layout about to be asked for (see [`Document::laid_out`]).
    fn from_html_source(url: &Url, html: String, width: Option<u16>) -> Document {
        let (html, parsed) = html::parse_guarded(url, html, width);
        Document {
            url: url.clone(),
            title: parsed.title,
            base: parsed.base,
            kind: SourceKind::Html,
            charset: None,
            forms: parsed.forms,
            body: Body::Html(Box::new(html::Source::new(url, html, parsed.tree))),
        }
    }

    /// A text/plain document, shown as is.
    pub fn from_text(url: &Url, text: String) -> Document {
        Document {
            url: url.clone(),
            title: text::title_for(url),
            base: url.clone(),
            kind: SourceKind::Text,
            charset: None,
            forms: forms::Forms::default(),
            body: Body::Text(guard::text(text)),
        }
    }

    /// Lay the document out for `width` columns (at least 1).
    pub fn render(&self, width: u16) -> Rendered {
        let width = width.max(html::MIN_WIDTH);
        match &self.body {
            Body::Html(source) => source.render(&self.base, width),
            Body::Text(text) => text::render(text, width),
        }
    }
}

/// A layout that can run on another thread, so that a resize never freezes the screen.
pub struct LayoutJob(Box<dyn FnOnce() -> Rendered + Send>);

impl LayoutJob {
    pub fn run(self) -> Rendered {
        (self.0)()
    }
}

impl std::fmt::Debug for LayoutJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LayoutJob")
    }
}

impl Document {
    /// [`Document::render`] for `width`, packed to run elsewhere (HTML is parsed again there).
    pub fn layout_job(&self, width: u16) -> LayoutJob {
        let width = width.max(html::MIN_WIDTH);
        match &self.body {
            Body::Html(source) => LayoutJob(Box::new(source.layout_job(&self.base, width))),
            Body::Text(text) => {
                let text = text.clone();
                LayoutJob(Box::new(move || text::render(&text, width)))
            }
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
