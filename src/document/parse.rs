//! Guarded HTML → a DOM → html2text's render tree, with the page's title, base URL and
//! forms. The parse reads the page in pieces and stops between two when told to (a load
//! cancelled, a newer layout), so abandoned work ends at once; the DOM is given up to the
//! render tree as it is made (the patched html2text frees each DOM node once its render node
//! exists), so the two are never whole in memory together.
//!
//! Nothing here may panic on page content, and nothing here starts a thread.

use super::Cancel;
use html2text::config::Config;
use html2text::{Handle, RcDom, RenderTree};
use std::cell::RefCell;
use url::Url;

/// Shown for an image without an alt attribute (an empty alt means "decorative": hidden).
const NO_ALT: &str = "[IMG]";
/// Shown for a link with neither text nor an accessible name.
const NO_TEXT_LINK: &str = "[LINK]";
/// The src of the images [`label_link`] adds; a control character, so no page has it.
pub(super) const LABEL_SRC: &str = "\u{1}label";

const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// How much of the page the parser reads between two looks at its cancel flag: a few
/// milliseconds of work.
const PIECE: usize = 64 << 10;

/// A parsed page.
pub struct Parsed {
    pub title: String,
    pub base: Url,
    pub forms: super::forms::Forms,
    pub tree: RenderTree,
}

/// Parse already guarded HTML; `None` when `cancel` was raised on the way.
pub fn parse(url: &Url, html: &str, cancel: &Cancel) -> Option<Parsed> {
    parse_after(url, "", html, cancel)
}

/// [`parse`] of `html` read after `prefix` (tags that re-open where a piece of a page
/// starts: `super::pieces`).
pub fn parse_after(url: &Url, prefix: &str, html: &str, cancel: &Cancel) -> Option<Parsed> {
    let dom = parse_dom(prefix, html, cancel)?;
    if cancel.raised() {
        return None;
    }
    Some(from_dom(url, dom, super::forms::may_have_fields(html)))
}

/// The DOM of a page, `html` read after `prefix` in pieces of [`PIECE`] bytes, each cut at
/// a character boundary.
fn parse_dom(prefix: &str, html: &str, cancel: &Cancel) -> Option<RcDom> {
    use html5ever::tendril::{StrTendril, TendrilSink};
    let mut parser = dom_parser();
    if !prefix.is_empty() {
        parser.process(StrTendril::from_slice(prefix));
    }
    let mut at = 0;
    while at < html.len() {
        if cancel.raised() {
            return None;
        }
        let mut end = (at + PIECE).min(html.len());
        while !html.is_char_boundary(end) {
            end += 1;
        }
        parser.process(StrTendril::from_slice(&html[at..end]));
        at = end;
    }
    Some(parser.finish())
}

/// html5ever's parser as html2text sets it up (scripting off: `<noscript>` content shows).
fn dom_parser() -> html5ever::driver::Parser<RcDom> {
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    html5ever::parse_document(RcDom::default(), opts)
}

/// `fields`: the page may have form fields (a walk of the whole DOM finds them).
fn from_dom(url: &Url, dom: RcDom, fields: bool) -> Parsed {
    let cfg = super::layout::config(super::layout::Decorator::default());
    let (title, base) = inspect(&dom, url);
    let forms = if fields { super::forms::extract(&dom, &base) } else { Default::default() };
    let tree = cfg.dom_into_render_tree(dom).unwrap_or_else(|_| empty_tree(&cfg));
    Parsed { title, base, forms, tree }
}

/// The tree of an empty document, for pages html2text cannot make a tree of.
pub fn empty_tree(cfg: &Config<super::layout::Decorator>) -> RenderTree {
    cfg.parse_html(&b""[..])
        .and_then(|dom| cfg.dom_into_render_tree(dom))
        .expect("html2text makes a tree of the empty document")
}

/// Walk the DOM once: take the first `<title>` and `<base href>`, and give content to
/// things html2text would otherwise drop or confuse (see [`ensure_alt`], [`label_link`]).
fn inspect(dom: &RcDom, url: &Url) -> (String, Url) {
    let mut title = None;
    let mut base = None;
    // Explicit stack: pages can nest deeper than the call stack allows.
    let mut stack: Vec<Handle> = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        if let html2text::Element { name, .. } = &node.data {
            if &*name.ns == XHTML_NS {
                match &*name.local {
                    "title" if title.is_none() => title = Some(text_of(&node)),
                    // Only the first <base href> counts, even when it is unusable.
                    "base" if base.is_none() => {
                        base = attr(&node, "href").map(|href| {
                            url.join(&crate::sanitize::restore_bidi(href.trim()))
                                .ok()
                                .filter(|b| !matches!(b.scheme(), "data" | "javascript"))
                        });
                    }
                    "img" => ensure_alt(&node),
                    "a" => label_link(&node),
                    _ => {}
                }
            }
        }
        stack.extend(node.children.borrow().iter().rev().cloned());
    }
    let base = base.flatten().unwrap_or_else(|| url.clone());
    (title.unwrap_or_default(), base)
}

fn attr(node: &Handle, wanted: &str) -> Option<String> {
    let html2text::Element { attrs, .. } = &node.data else {
        return None;
    };
    let attrs = attrs.borrow();
    let found = attrs.iter().find(|a| &*a.name.local == wanted)?;
    Some(found.value.to_string())
}

/// html2text treats a missing alt like an empty one (decorative, hidden). A missing alt
/// is not a promise that the image is decorative, so show it as a placeholder.
fn ensure_alt(img: &Handle) {
    let html2text::Element { attrs, .. } = &img.data else {
        return;
    };
    let mut attrs = attrs.borrow_mut();
    if attrs.iter().any(|a| &*a.name.local == "alt") {
        return;
    }
    if let Some(mut alt) = attrs.first().cloned() {
        alt.name.local = "alt".into();
        alt.value = NO_ALT.into();
        attrs.push(alt);
    }
}

/// html2text drops a link with no text (an icon-only link: an SVG, an image with alt="").
/// Give such a link an image whose alt is its accessible name, or a placeholder, so it can
/// still be seen and followed. The image's src is a mark so it is not styled as an image.
fn label_link(link: &Handle) {
    type Node = <Handle as std::ops::Deref>::Target;
    let html2text::Element { name, attrs, .. } = &link.data else {
        return;
    };
    if has_visible_content(link) {
        return;
    }
    let label = ["aria-label", "title"]
        .iter()
        .filter_map(|wanted| attr(link, wanted))
        .map(|value| value.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|value| !value.is_empty())
        .unwrap_or_else(|| NO_TEXT_LINK.to_string());
    let Some(href) = attrs.borrow().iter().find(|a| &*a.name.local == "href").cloned() else {
        return;
    };
    let (mut src, mut alt) = (href.clone(), href);
    src.name.local = "src".into();
    src.value = LABEL_SRC.into();
    alt.name.local = "alt".into();
    alt.value = label.as_str().into();
    let mut img_name = name.clone();
    img_name.local = "img".into();
    let img = Node::new(html2text::Element {
        name: img_name,
        attrs: RefCell::new(vec![src, alt]),
        template_contents: RefCell::new(None),
        mathml_annotation_xml_integration_point: false,
    });
    link.children.borrow_mut().push(img);
}

/// Whether html2text would render something for this subtree: text that is not blank, or
/// an image that has or will get alt text.
fn has_visible_content(node: &Handle) -> bool {
    let mut stack = vec![node.clone()];
    while let Some(node) = stack.pop() {
        let visible = match &node.data {
            html2text::Element { name, .. } => {
                &*name.local == "img" && attr(&node, "alt").is_none_or(|alt| !alt.is_empty())
            }
            html2text::Text { contents } => !contents.borrow().trim().is_empty(),
            _ => false,
        };
        if visible {
            return true;
        }
        stack.extend(node.children.borrow().iter().cloned());
    }
    false
}

/// The text of an element's text children, whitespace collapsed.
fn text_of(node: &Handle) -> String {
    let mut raw = String::new();
    for child in node.children.borrow().iter() {
        if let html2text::Text { contents } = &child.data {
            raw.push_str(&contents.borrow());
            raw.push(' ');
        }
    }
    raw.split_whitespace()
        .map(|word| word.chars().filter(|c| !c.is_control()).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raised_flag_stops_the_parse_between_pieces() {
        let url = Url::parse("http://example.com/").expect("constant URL");
        let page = "<p>text</p>".repeat(50_000);
        let cancel = Cancel::new();
        assert!(parse(&url, &page, &cancel).is_some());
        cancel.raise();
        assert!(parse(&url, &page, &cancel).is_none());
    }

    #[test]
    fn titles_and_labels_come_from_text_nodes() {
        let url = Url::parse("http://example.com/").expect("constant URL");
        let html =
            "<title> A\n  title </title><a href=/x aria-label='Home page'><svg></svg></a><a href=/y> </a>";
        let parsed = parse(&url, html, &Cancel::new()).expect("parsed");
        assert_eq!(parsed.title, "A title");
        let rendered = super::super::layout::lay_out(parsed.tree, &parsed.base, 40, &Cancel::new(), &|| None);
        let text: Vec<String> = rendered.expect("laid out").lines.iter().map(|l| l.text()).collect();
        assert!(text.join("\n").contains("[1]Home page") && text.join("\n").contains("[LINK]"), "{text:?}");
    }
}
