//! A large page parsed and laid out in two halves at once, for a layout made once
//! (`--dump`): html5ever and html2text work on one thread, and on a page of megabytes
//! parsing and laying out each take about half of the time.
//!
//! Where the guard finds a place that cuts the page cleanly (`guard::Split`: a paragraph or
//! heading right after a paragraph, inside plain containers), the second half is parsed
//! after the start tags of the elements open there and laid out with its links numbered
//! after the first half's (`RenderTree::link_count` of the first half's tree, checked against
//! the first half's layout); its form fields are numbered after the first half's, and its
//! lines follow the first half's after the blank line html2text puts before such a block.
//! The halves then make the lines, links, anchors and forms the whole page makes:
//! `scripts/check-halves.sh` compares the two on every large page of the Rust
//! documentation, and the tests here on made-up ones. Whenever the halves cannot stand for
//! the page, the answer is `None` and the caller lays the page out whole.
//!
//! No crate does this; it rests on what html2text and html5ever do at such a place. Nothing
//! here starts a thread: the caller hands in a [`Fork`] (`crate::jobs` has one).

use super::forms::{self, Forms};
use super::guard::Split;
use super::layout::{self, Lines};
use super::parse::{self, Parsed};
use super::{Cancel, Rendered};
use html2text::render::{TaggedLine, TaggedLineElement};
use std::sync::mpsc;
use url::Url;

/// Pages of at least this many bytes of HTML are laid out in halves (where they can be cut):
/// below it a second thread saves less than it costs.
pub const HALVES_FROM: usize = 256 << 10;

/// Runs two pieces of work at once.
pub trait Fork {
    /// Run `here` on the calling thread and `there` on another, both to their end; `false`
    /// when `there` did not finish (no thread could be had, or it panicked).
    fn both<'a>(&self, here: Box<dyn FnOnce() + 'a>, there: Box<dyn FnOnce() + Send + 'a>) -> bool;
}

/// A page made from its halves: what the whole page's parse and layout make.
pub struct Made {
    pub title: String,
    pub base: Url,
    pub forms: Forms,
    pub rendered: Rendered,
}

/// The first half, parsed and laid out.
struct First {
    title: String,
    base: Url,
    forms: Forms,
    lines: Lines,
    /// The links the second half was told come before it.
    links: usize,
}

/// The second half, parsed and laid out.
struct Second {
    title: String,
    base: Url,
    forms: Forms,
    lines: Lines,
}

/// Parse the guarded page `html` (which the guard passed unchanged) in the halves `split`
/// makes of it, each on its own side of `fork`, and lay them out for `width`. `None` when
/// the halves cannot stand for the page, or `cancel` was raised.
pub fn lay_out(
    url: &Url,
    html: &str,
    split: &Split,
    width: u16,
    cancel: &Cancel,
    fork: &dyn Fork,
) -> Option<Made> {
    let (head, rest) = (html.get(..split.at)?, html.get(split.at..)?);
    let (tell_links, links_before) = mpsc::channel();
    let (mut first, mut second) = (None, None);
    let (first_slot, second_slot) = (&mut first, &mut second);
    let finished = fork.both(
        Box::new(move || *first_slot = first_half(url, head, width, cancel, tell_links)),
        Box::new(move || *second_slot = second_half(url, &split.reopen, rest, width, cancel, links_before)),
    );
    if !finished || cancel.raised() {
        return None;
    }
    join(url, first?, second?, width)
}

/// Parse the first half, tell the second how many links it has, and lay it out.
fn first_half(
    url: &Url,
    html: &str,
    width: u16,
    cancel: &Cancel,
    tell_links: mpsc::Sender<usize>,
) -> Option<First> {
    let Parsed { title, base, forms, tree } = parse::parse(url, html, cancel)?;
    let links = tree.link_count();
    // The second half may be gone (it could not be parsed): nothing then waits.
    let _ = tell_links.send(links);
    drop(tell_links);
    let lines = layout::lines(tree, width, 0)?;
    Some(First { title, base, forms, lines, links })
}

/// Parse the second half after `reopen`, and lay it out once the first half tells how many
/// links come before it.
fn second_half(
    url: &Url,
    reopen: &str,
    html: &str,
    width: u16,
    cancel: &Cancel,
    links_before: mpsc::Receiver<usize>,
) -> Option<Second> {
    let Parsed { title, base, forms, tree } = parse::parse_after(url, reopen, html, cancel)?;
    // No number: the first half could not be parsed; this one is not laid out either.
    let links_before = links_before.recv().ok()?;
    let lines = layout::lines(tree, width, links_before)?;
    Some(Second { title, base, forms, lines })
}

/// The page from its halves; `None` when the first numbered other than the links it told
/// the second, or the second has a `<base>` (it would count for the whole page).
fn join(url: &Url, first: First, second: Second, width: u16) -> Option<Made> {
    let First { title, base, mut forms, lines: (mut lines, mut hrefs), links } = first;
    if hrefs.len() != links || second.base != *url || base != *url {
        return None;
    }
    let fields_before = forms.fields.len();
    forms.append(second.forms);
    let (second_lines, second_hrefs) = second.lines;
    // html2text starts the block after a paragraph with a blank line when anything came
    // before it.
    if lines.iter().any(|line| line.iter().any(|e| matches!(e, TaggedLineElement::Str(_)))) {
        lines.push(TaggedLine::new());
    }
    lines.extend(second_lines);
    hrefs.extend(second_hrefs.into_iter().map(|href| match forms::field_of_href(&href) {
        Some(field) => forms::field_href(fields_before + field),
        None => href,
    }));
    // The first <title> in the page counts, wherever it is (an empty one in the first half
    // too: then the page is laid out whole, which tells the two apart).
    if title.is_empty() && !second.title.is_empty() {
        return None;
    }
    let rendered = layout::convert(lines, hrefs, &base, width.max(1));
    Some(Made { title, base, forms, rendered })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::guard;

    /// Enough chapters for a long page (a split is looked for in pages of any size here).
    const CHAPTERS: usize = 200;
    /// Enough chapters for a page larger than [`HALVES_FROM`].
    const LARGE: usize = 520;

    /// Both pieces of work, one after the other on this thread (the first tells the second
    /// its links before the second waits for them).
    struct InTurn;

    impl Fork for InTurn {
        fn both<'a>(&self, here: Box<dyn FnOnce() + 'a>, there: Box<dyn FnOnce() + Send + 'a>) -> bool {
            here();
            there();
            true
        }
    }

    /// A long page shaped like the Rust book: chapters (an empty page-break div, a heading
    /// with an id and a link to itself) inside plain containers, paragraphs with links,
    /// code, lists, a table and a form with fields in each chapter.
    fn book(chapters: usize, head: &str) -> String {
        let mut page = format!("<!DOCTYPE html><html><head><title>Book</title>{head}</head><body>");
        page += "<nav><a href=index.html>index</a></nav><div id=body class=x><div class=page><main>";
        for c in 0..chapters {
            page += &format!(
                "<div style=\"break-before: page\"></div>\n<h1 id=ch{c}><a href=#ch{c} class=header>Chapter {c}</a></h1>\
                 <p>Text of chapter {c} with <a href=c{c}.html>a link</a>, <code>code</code>, <em>emphasis</em>.</p>\n\
                 <ul><li>one <a href=l{c}>item</a></li><li>two</li></ul>\
                 <table><tr><th>k</th><td><a href=t{c}>cell</a></td></tr></table>\
                 <form action=/s{c}><input name=q{c} value=v><select name=s><option>a<option selected>b</select>\
                 <input type=submit value=Go></form>\
                 <p id=p{c}>Closing words, <b>bold</b>.</p>\n<h2 id=s{c}>Section {c}</h2><p>More.</p>\n"
            );
        }
        page + "</main></div></div><footer><p>The end <a href=end>end</a></p></footer></body></html>"
    }

    fn url() -> Url {
        Url::parse("http://example.com/book/").expect("constant URL")
    }

    /// Where the guard cuts `page`.
    fn split_of(page: &str) -> Option<Split> {
        guard::scan_splitting(page, 0).split
    }

    /// The page parsed and laid out whole.
    fn whole(page: &str, width: u16) -> Made {
        let Parsed { title, base, forms, tree } = parse::parse(&url(), page, &Cancel::new()).expect("parsed");
        let rendered = layout::lay_out(tree, &base, width, &Cancel::new(), &|| None).expect("laid out");
        Made { title, base, forms, rendered }
    }

    fn assert_same(halves: &Made, whole: &Made) {
        assert_eq!((&halves.title, &halves.base, &halves.forms), (&whole.title, &whole.base, &whole.forms));
        let (halves, whole) = (&halves.rendered, &whole.rendered);
        assert_eq!(halves.lines.len(), whole.lines.len(), "line counts differ");
        for (i, (a, b)) in halves.lines.iter().zip(&whole.lines).enumerate() {
            assert!(a == b, "line {i} differs: {:?} / {:?}", a.text(), b.text());
        }
        assert_eq!(halves.links, whole.links);
        assert_eq!(halves.anchors, whole.anchors);
        assert_eq!(halves.positions, whole.positions);
    }

    #[test]
    fn a_page_in_halves_lays_out_as_the_whole_page_does() {
        let page = book(CHAPTERS, "");
        let split = split_of(&page).expect("a place to cut the page");
        assert!(
            page.len() / 3 < split.at && split.at < page.len() / 3 * 2,
            "at {} of {}",
            split.at,
            page.len()
        );
        assert_eq!(split.reopen, "<!DOCTYPE html><div><div><main>");
        for width in [80, 43] {
            let made = lay_out(&url(), &page, &split, width, &Cancel::new(), &InTurn).expect("in halves");
            let expected = whole(&page, width);
            assert!(made.forms.fields.len() >= 3 * CHAPTERS && made.forms.forms.len() == CHAPTERS);
            assert_same(&made, &expected);
            // Field placeholders of the second half point at its own fields.
            let last_field = made.rendered.links.iter().rev().find_map(|l| forms::field_of_href(&l.href));
            assert_eq!(last_field, Some(made.forms.fields.len() - 1));
        }
    }

    #[test]
    fn halves_that_cannot_stand_for_the_page_give_way_to_the_whole_page() {
        let page = book(CHAPTERS, "");
        let split = split_of(&page).expect("a place to cut the page");
        // The second half could not be made (no thread, a panic).
        struct Fails;
        impl Fork for Fails {
            fn both<'a>(&self, here: Box<dyn FnOnce() + 'a>, _: Box<dyn FnOnce() + Send + 'a>) -> bool {
                here();
                false
            }
        }
        assert!(lay_out(&url(), &page, &split, 80, &Cancel::new(), &Fails).is_none());
        // The first half numbered other links than it told the second.
        let half = |html: &str| {
            let Parsed { title, base, forms, tree } =
                parse::parse(&url(), html, &Cancel::new()).expect("parsed");
            (title, base, forms, layout::lines(tree, 80, 0).expect("laid out"))
        };
        let (title, base, forms, lines) = half(&page[..split.at]);
        let links = lines.1.len();
        let (_, _, second_forms, second_lines) = half(&page[split.at..]);
        let second = || Second {
            title: String::new(),
            base: url(),
            forms: second_forms.clone(),
            lines: second_lines.clone(),
        };
        let first = |links| First {
            title: title.clone(),
            base: base.clone(),
            forms: forms.clone(),
            lines: lines.clone(),
            links,
        };
        assert!(join(&url(), first(links), second(), 80).is_some());
        assert!(join(&url(), first(links + 1), second(), 80).is_none());
        // A raised flag: nothing.
        let cancel = Cancel::new();
        cancel.raise();
        assert!(lay_out(&url(), &page, &split, 80, &cancel, &InTurn).is_none());
    }

    #[test]
    fn pages_are_not_cut_where_the_halves_could_differ() {
        assert!(split_of(&book(CHAPTERS, "")).is_some());
        // A <base> changes how every link resolves; a style sheet hides what it hides in the
        // whole page; a frameset replaces the body.
        for head in ["<base href=http://example.org/>", "<style>p { display: none }</style>"] {
            assert_eq!(split_of(&book(CHAPTERS, head)), None, "{head}");
        }
        let page = book(CHAPTERS, "").replace("</footer>", "</footer><frameset>");
        assert_eq!(split_of(&page), None);
        // Open formatting elements, tables, lists, quotes or forms would be re-opened in the
        // second half; a container's style, colours or hidden attribute would be lost there.
        for open in [
            "<b>",
            "<table><tr><td>",
            "<ul><li>",
            "<blockquote>",
            "<form>",
            "<nav>",
            "<div style='white-space: pre'>",
            "<section hidden>",
            "<div bgcolor=red>",
        ] {
            let page = book(CHAPTERS, "").replace("<main>", &format!("<main>{open}"));
            assert_eq!(split_of(&page), None, "{open}");
        }
        // A page the guard changes (a bidirectional override made visible).
        let page = book(CHAPTERS, "").replace("The end", "The \u{202E}end");
        assert_eq!(split_of(&page), None);
        // Pages under HALVES_FROM are laid out whole; a split is looked for only when asked.
        let page = book(CHAPTERS, "");
        assert!(page.len() < HALVES_FROM);
        assert_eq!(guard::scan_splitting(&page, HALVES_FROM).split, None);
        assert!(guard::scan(&page).split.is_none());
    }

    #[test]
    fn a_cut_reopens_the_doctype_only_where_the_parser_heeds_it() {
        let reopen = |page: &str| guard::scan_splitting(page, 0).split.map(|split| split.reopen);
        let body = "<main>".to_string() + &"<p>text</p>\n".repeat(300) + "</main>";
        let page = "<!DOCTYPE html><html><body>".to_string() + &body;
        assert_eq!(reopen(&page).as_deref(), Some("<!DOCTYPE html><main>"));
        // After text (even a lone `<`) the parser ignores a doctype: quirks mode, as the
        // second half parsed without one.
        for before in ["text ", "< "] {
            let page = before.to_string() + "<!DOCTYPE html>" + &body;
            assert_eq!(reopen(&page).as_deref(), Some("<main>"), "{before}");
        }
    }

    #[test]
    fn a_document_laid_out_once_in_halves_is_the_whole_page() {
        use crate::document::Document;
        let page = book(LARGE, "");
        assert!(guard::scan_splitting(&page, HALVES_FROM).split.is_some(), "{} bytes, cut", page.len());
        let body = std::sync::Arc::new(page.into_bytes());
        let make = |fork: Option<&dyn Fork>| {
            Document::parse_and_lay_out_once(&url(), Some("text/html"), &body, 70, &Cancel::new(), fork)
                .expect("laid out")
        };
        let ((halves, in_halves), (whole, laid_out)) = (make(Some(&InTurn)), make(None));
        assert_eq!(
            (&halves.title, &halves.forms, &halves.charset),
            (&whole.title, &whole.forms, &whole.charset)
        );
        assert!(!halves.has_tree(), "the halves' trees were used up");
        let same = |a: &Rendered, b: &Rendered| {
            (a.lines == b.lines, a.links == b.links, a.anchors == b.anchors, a.positions == b.positions)
        };
        assert_eq!(same(&in_halves, &laid_out), (true, true, true, true));
        // A later layout of the document parses its body again, whole.
        assert_eq!(halves.render(50).lines, whole.render(50).lines);
    }
}
