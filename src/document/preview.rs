//! The first screen of a page from the start of its body, laid out while the rest arrives
//! and is parsed, as lynx shows a page while it is still reading it.
//!
//! The start is cut before its last tag (so no half tag becomes text), parsed as if the page
//! ended there (the parser closes what is open) and laid out. Its lines are those the whole
//! page begins with, but for the last few (a table or a paragraph that goes on past the cut
//! is laid out as if it ended there), and its links are numbered as the whole page numbers
//! them; the page's own layout replaces it when it is ready.

use super::{decode, kind_of, mime_of, BodyKind, Cancel, Rendered};
use url::Url;

/// How much of a body the first screen is made from: many screens of an ordinary page, a
/// few milliseconds of parsing and layout.
pub const PREVIEW_BYTES: usize = 64 << 10;

/// A page's first screen.
pub struct Preview {
    pub title: String,
    pub rendered: Rendered,
}

/// The layout of the start of a body `start` (of HTML or text) for `width`; `None` for other
/// kinds of body, or when `cancel` was raised.
pub fn preview(
    url: &Url,
    content_type: Option<&str>,
    start: &[u8],
    width: u16,
    cancel: &Cancel,
) -> Option<Preview> {
    let start = &start[..start.len().min(PREVIEW_BYTES)];
    let mime = mime_of(content_type, url, start);
    match kind_of(&mime) {
        BodyKind::Html => {
            let text = decode(start, content_type, true).text;
            // A cut inside a tag would show the half tag as text.
            let cut = text.rfind('<').unwrap_or(text.len());
            let doc = super::Document::from_html_source(url, text[..cut].to_string(), cancel)?;
            let rendered = doc.layout_once(width);
            Some(Preview { title: doc.title, rendered })
        }
        // JSON is made readable whole; a part of it would be shown raw, then reflowed.
        BodyKind::Text { json: false } => {
            let text = decode(start, content_type, false).text;
            let cut = text.rfind('\n').map_or(text.len(), |nl| nl + 1);
            Some(Preview {
                title: super::text::title_for(url),
                rendered: super::text::render(&text[..cut], width.max(super::MIN_WIDTH)),
            })
        }
        BodyKind::Text { json: true } | BodyKind::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_screen_is_how_the_whole_page_begins() {
        let url = Url::parse("http://example.com/").expect("constant URL");
        let page: String = "<title>Long</title><h1>Top</h1>".to_string()
            + &(0..3000)
                .map(|i| format!("<p>Paragraph {i} with <a href=/l{i}>link {i}</a>.</p>\n"))
                .collect::<String>();
        assert!(page.len() > 2 * PREVIEW_BYTES);
        let whole = super::super::Document::from_bytes(&url, Some("text/html"), page.as_bytes()).render(60);
        let first = preview(&url, Some("text/html"), page.as_bytes(), 60, &Cancel::new()).expect("a preview");
        assert_eq!(first.title, "Long");
        let shown = first.rendered.lines.len() - 5;
        assert!(shown > 100, "many screens: {shown} lines");
        assert!(first.rendered.lines[..shown] == whole.lines[..shown], "the same lines");
        let links = first.rendered.links.len() - 1;
        assert_eq!(first.rendered.links[..links], whole.links[..links], "numbered the same");
        assert!(preview(&url, Some("image/png"), b"\x89PNG", 60, &Cancel::new()).is_none());
    }
}
