//! A large page parsed and laid out in two halves at once, one on each of two threads.
//!
//! html5ever and html2text work on one thread, and on a page of megabytes each takes about
//! half of the time (docs/performance.md). Where the guard finds a place that splits the
//! page cleanly (`guard::Split`: a paragraph or heading right after a paragraph, inside
//! plain containers), the second half is parsed after the start tags of the elements open
//! there and laid out with its links numbered after the first half's; its lines follow the
//! first half's after the blank line html2text puts before such a block. The halves then make the lines, links,
//! anchors and forms the whole page makes: `scripts/check-halves.sh` compares the two on
//! every large page of the Rust documentation, and the tests here on made-up ones. No crate
//! does this; it rests on what html2text and html5ever do at such a place.

use super::forms::{self, Forms};
use super::guard::Split;
use super::html::{self, Decorator, HalfLaidOut, LaidOut, Parsed, Trees, Tweak};
use html2text::render::{TaggedLine, TaggedLineElement};
use html2text::RenderTree;
use url::Url;

/// The stack of the threads that parse and lay out a second half: as deep a page as the
/// load threads take (`net::isolate`).
pub const STACK: usize = 64 << 20;

/// Start `work` on a thread of `scope` with [`STACK`].
pub fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &str,
    work: impl FnOnce() -> T + Send + 'scope,
) -> std::io::Result<std::thread::ScopedJoinHandle<'scope, T>> {
    std::thread::Builder::new().name(name.into()).stack_size(STACK).spawn_scoped(scope, work)
}

/// What a thread of a scope returned; a panic there goes on here.
pub fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// A page's two halves, parsed.
pub struct Halves {
    pub split: Split,
    first: RenderTree,
    second: RenderTree,
    /// Form fields in the first half: the second half's are numbered after them.
    fields_before: usize,
}

/// The second half of a page, parsed (and laid out, when asked) on its own thread.
pub struct SecondHalf {
    tree: Option<RenderTree>,
    laid_out: Option<HalfLaidOut>,
    forms: Forms,
    title: String,
    /// The second half has a `<base href>`: it counts for the whole page.
    has_base: bool,
}

/// `Some(from)` when pages of at least `from` bytes are to be split: when the machine has
/// more than one processor and `MARGAY_ONE_THREAD` is not set (it lays every page out
/// whole, on one thread: for machines shared with other work, and to compare).
pub fn wanted(from: usize) -> Option<usize> {
    let two = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    (two && std::env::var_os("MARGAY_ONE_THREAD").is_none()).then_some(from)
}

/// Where a second half learns how many links come before it, and the width to lay it out.
pub type LayOutSecond = Option<(std::sync::mpsc::Receiver<usize>, u16)>;

/// Parse the second half of the (guarded) page `html`; lay it out too when `lay_out` says
/// for what width (as soon as the first half tells its number of links).
pub fn parse_second(url: &Url, split: &Split, html: &str, lay_out: LayOutSecond) -> Option<SecondHalf> {
    use html5ever::tendril::{StrTendril, TendrilSink};
    let rest = html.get(split.at..)?;
    let mut parser = html::dom_parser();
    parser.process(StrTendril::from_slice(&split.reopen));
    parser.process(StrTendril::from_slice(rest));
    let dom = parser.finish();
    let (title, base) = html::inspect(&dom, url);
    let has_base = base != *url;
    let forms = forms::extract(&dom, url);
    let tree = html::config(Decorator::default()).dom_to_render_tree(&dom).ok()?;
    drop(dom);
    // No number of links: the first half was not laid out, and this one is not either.
    let links_before = lay_out.and_then(|(links_before, width)| Some((links_before.recv().ok()?, width)));
    let (tree, laid_out) = match links_before {
        Some((links_before, width)) => {
            (None, html::lay_out_tree(tree, Decorator::numbering_from(links_before), |c| c, width))
        }
        None => (Some(tree), None),
    };
    Some(SecondHalf { tree, laid_out, forms, title, has_base })
}

/// The first half of a page, parsed on the load thread, and laid out when a width was given.
pub struct FirstHalf {
    title: String,
    base: Url,
    forms: Forms,
    /// Its tree, unless a layout used it.
    tree: Option<RenderTree>,
    /// The layout and how many links the second half was told come before it.
    laid_out: Option<(HalfLaidOut, usize)>,
}

impl FirstHalf {
    fn new(parsed: Parsed) -> FirstHalf {
        let Parsed { title, base, tree, forms } = parsed;
        let tree = match tree {
            Trees::Whole(tree) => Some(tree),
            Trees::Halves(_) | Trees::LaidOut(..) => None,
        };
        FirstHalf { title, base, forms, tree, laid_out: None }
    }
}

/// Lay the first half out for `width` (when given), after telling the second half how many
/// links it numbers; the second is laid out meanwhile on its own thread.
pub fn lay_out_first(
    parsed: Parsed,
    width: Option<u16>,
    tell_links: std::sync::mpsc::Sender<usize>,
) -> FirstHalf {
    let mut first = FirstHalf::new(parsed);
    if let Some((width, tree)) = width.and_then(|width| Some((width, first.tree.take()?))) {
        let links = tree.link_count();
        // The second half may be gone (it could not be parsed): nothing then waits.
        let _ = tell_links.send(links);
        let laid_out = html::lay_out_tree(tree, Decorator::default(), |c| c, width);
        first.laid_out = laid_out.map(|half| (half, links));
    }
    first
}

/// The page from its two halves; `Err` when they cannot stand for the page (the second
/// half has the page's `<base>`, or a half could not be laid out for `width`).
pub fn combine(first: FirstHalf, second: SecondHalf, split: Split, width: Option<u16>) -> Result<Parsed, ()> {
    if second.has_base {
        return Err(());
    }
    let FirstHalf { title, base, mut forms, tree, laid_out } = first;
    let fields_before = forms.fields.len();
    forms.append(second.forms);
    // The first <title> in the page counts, wherever it is.
    let title = if title.is_empty() { second.title } else { title };
    let tree = match (tree, second.tree, laid_out, second.laid_out, width) {
        (_, _, Some((first_lines, links_before)), Some(second_lines), Some(width)) => {
            let (lines, hrefs, at) = join(first_lines, second_lines, links_before, fields_before).ok_or(())?;
            let rendered = html::convert_split(lines, hrefs, &base, width.max(1), at);
            Trees::LaidOut(Box::new(rendered), split)
        }
        (Some(first), Some(second), None, None, _) => {
            Trees::Halves(Box::new(Halves { split, first, second, fields_before }))
        }
        _ => return Err(()),
    };
    Ok(Parsed { title, base, tree, forms })
}

/// Parse the (guarded) page `html` again in the halves `split` made of it before.
pub fn parse(url: &Url, html: &str, split: &Split) -> Option<Parsed> {
    let first = html.get(..split.at)?;
    std::thread::scope(|scope| {
        let second = spawn(scope, "margay-half", || parse_second(url, split, html, None)).ok()?;
        let first = FirstHalf::new(html::from_dom(url, html::parse_dom(first)));
        let second = joined(second)?;
        combine(first, second, split.clone(), None).ok()
    })
}

/// Lay the halves out at once for `width`; None when they cannot be laid out apart (a
/// half does not fit, or the first numbered other than its count of links).
pub fn lay_out(halves: Halves, tweak: Tweak, width: u16) -> Option<LaidOut> {
    let Halves { first, second, fields_before, .. } = halves;
    let links_before = first.link_count();
    let (first, second) = std::thread::scope(|scope| {
        let second = spawn(scope, "margay-half", move || {
            html::lay_out_tree(second, Decorator::numbering_from(links_before), tweak, width)
        });
        let first = html::lay_out_tree(first, Decorator::default(), tweak, width);
        let second = second.ok().and_then(joined);
        (first, second)
    });
    join(first?, second?, links_before, fields_before)
}

/// The lines and links of the whole page from its halves': None when the first numbered
/// other than the `links_before` the second was told.
fn join(
    first: HalfLaidOut,
    second: HalfLaidOut,
    links_before: usize,
    fields_before: usize,
) -> Option<LaidOut> {
    let ((mut lines, mut hrefs), (second_lines, second_hrefs)) = (first, second);
    if hrefs.len() != links_before {
        return None;
    }
    let split = lines.len();
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
    Some((lines, hrefs, Some(split)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Rendered;

    /// Enough chapters for a page larger than the guard's reports.
    const CHAPTERS: usize = 200;

    /// A long page shaped like the Rust book: chapters (an empty page-break div, a heading
    /// with an id and a link to itself) inside plain containers, paragraphs with links,
    /// code, lists, a table and a form with fields in each chapter.
    fn book(chapters: usize, head: &str) -> String {
        let mut page = format!("<!DOCTYPE html><html><head><title>Book</title>{head}</head><body>");
        page += "<nav><a href=index.html>index</a></nav><div id=body><div class=page><main>";
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

    /// The page parsed and laid out whole: its title, base, forms and layout.
    fn whole(url: &Url, page: &str, width: u16) -> (String, Url, Forms, Rendered) {
        let Parsed { title, base, tree, forms } = html::parse(url, page);
        let rendered = html::Source::new(url, page.to_string(), tree).render(&base, width);
        (title, base, forms, rendered)
    }

    fn assert_same(halves: &Rendered, whole: &Rendered) {
        assert_eq!(halves.lines.len(), whole.lines.len(), "line counts differ");
        for (i, (a, b)) in halves.lines.iter().zip(&whole.lines).enumerate() {
            assert!(a == b, "line {i} differs: {:?} / {:?}", a.text(), b.text());
        }
        assert_eq!(halves.links, whole.links);
        assert_eq!(halves.anchors, whole.anchors);
    }

    #[test]
    fn a_page_in_halves_lays_out_as_the_whole_page_does() {
        let url = Url::parse("http://example.com/book/").expect("constant URL");
        let page = book(CHAPTERS, "");
        let (html, parsed, followed) = html::guarded_parse(&url, page.clone(), Some((1000, None)));
        assert_eq!(followed, html::Followed::InHalves);
        let Trees::Halves(halves) = &parsed.tree else { panic!("in halves") };
        let at = halves.split.at;
        assert!(page.len() / 3 < at && at < page.len() / 3 * 2, "split at {at} of {}", page.len());
        assert_eq!(halves.split.reopen, "<!DOCTYPE html><div><div><main>");
        let (title, base, forms, expected_lines) = whole(&url, &page, 80);
        assert_eq!((&parsed.title, &parsed.base, &parsed.forms), (&title, &base, &forms));
        assert!(parsed.forms.fields.len() >= 3 * CHAPTERS && parsed.forms.forms.len() == CHAPTERS);
        let source = html::Source::new(&url, html, parsed.tree);
        assert_same(&source.render(&parsed.base, 80), &expected_lines);
        // A later layout parses the halves again (where the machine has two processors).
        assert_same(&source.render(&parsed.base, 43), &whole(&url, &page, 43).3);
        // Field placeholders of the second half point at its own fields.
        let rendered = source.render(&parsed.base, 80);
        let last_field = rendered.links.iter().rev().find_map(|l| forms::field_of_href(&l.href));
        assert_eq!(last_field, Some(parsed.forms.fields.len() - 1));
    }

    #[test]
    fn halves_parsed_for_a_width_are_laid_out_with_the_parse_as_the_whole_page_is() {
        let url = Url::parse("http://example.com/book/").expect("constant URL");
        let page = book(CHAPTERS, "");
        let (html, parsed, followed) = html::guarded_parse(&url, page.clone(), Some((1000, Some(61))));
        assert_eq!(followed, html::Followed::InHalves);
        assert!(matches!(parsed.tree, Trees::LaidOut(..)), "laid out with the parse");
        let (title, base, forms, expected) = whole(&url, &page, 61);
        assert_eq!((&parsed.title, &parsed.base, &parsed.forms), (&title, &base, &forms));
        let source = html::Source::new(&url, html, parsed.tree);
        assert_same(&source.render(&parsed.base, 61), &expected);
        // Another width parses again.
        assert_same(&source.render(&parsed.base, 90), &whole(&url, &page, 90).3);
    }

    #[test]
    fn pages_are_not_split_where_the_halves_could_differ() {
        let url = Url::parse("http://example.com/").expect("constant URL");
        let split = |page: String| html::guarded_parse(&url, page, Some((1000, None))).2;
        assert_eq!(split(book(CHAPTERS, "")), html::Followed::InHalves);
        // A <base> before the middle changes how the second half's forms resolve.
        assert_ne!(split(book(CHAPTERS, "<base href=http://example.org/>")), html::Followed::InHalves);
        // Open formatting elements, tables or lists would be re-opened in the second half.
        for open in ["<b>", "<table><tr><td>", "<ul><li>", "<blockquote>", "<form>"] {
            let page = book(CHAPTERS, "").replace("<main>", &format!("<main>{open}"));
            assert_ne!(split(page), html::Followed::InHalves, "{open}");
        }
        // A frameset after the middle would replace the body.
        let page = book(CHAPTERS, "").replace("</footer>", "</footer><frameset>");
        assert_ne!(split(page), html::Followed::InHalves);
        // A style sheet, wherever it is, hides what it hides in both halves.
        assert_ne!(split(book(CHAPTERS, "<style>.x { display: none }</style>")), html::Followed::InHalves);
        let page = book(CHAPTERS, "").replace("</footer>", "</footer><STYLE>p { display: none }</STYLE>");
        assert_ne!(split(page), html::Followed::InHalves);
        // Small pages are parsed whole.
        assert_ne!(
            html::guarded_parse(&url, book(CHAPTERS, ""), Some((1 << 30, None))).2,
            html::Followed::InHalves
        );
    }
}
