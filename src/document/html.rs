//! HTML → styled lines with lynx-style numbered links, through html2text.
//!
//! Parsing (DOM, title, base URL, render tree) happens once per document; [`render`] lays the
//! tree out for one width. Nothing here may panic on page content: html2text errors fall back
//! to a trivial tree or a wider layout. Rendered text never contains control characters.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use html2text::config::Config;
use html2text::render::{TaggedLine, TaggedLineElement, TextDecorator};
use html2text::{Handle, RcDom, RenderTree};
use url::Url;

use super::{LinkRef, Rendered, Span, SpanStyle};

/// The narrowest width a document is laid out for; narrower terminals get this width.
pub const MIN_WIDTH: u16 = 10;

/// Shown for an image without an alt attribute (an empty alt means "decorative": hidden).
const NO_ALT: &str = "[IMG]";
/// Shown for a link with neither text nor an accessible name.
const NO_TEXT_LINK: &str = "[LINK]";
/// The src of the images [`label_link`] adds; a control character, so no page has it.
const LABEL_SRC: &str = "\u{1}label";

/// html2text puts the header prefix before every line of a heading. It drops control
/// characters from page text, so a control character here can only come from this prefix.
const HEADING_MARK: char = '\u{1}';
/// Likewise for block quotes; drawn as '>' (same width, so table borders stay aligned).
const QUOTE_MARK: char = '\u{2}';
/// html2text's vertical table border; styles that a prefix turned on stop at a cell edge.
const CELL_BORDER: char = '│';

const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

pub struct Parsed {
    pub title: String,
    pub base: Url,
    pub tree: Trees,
    pub forms: super::forms::Forms,
}

/// A page's render tree: whole, or in two halves laid out at once (`super::halves`).
pub enum Trees {
    Whole(RenderTree),
    Halves(Box<super::halves::Halves>),
    /// Laid out already, in halves, for the width the parse was told (the trees are used).
    LaidOut(Box<Rendered>, super::guard::Split),
}

/// Parse already guarded HTML as one whole.
pub fn parse(url: &Url, html: &str) -> Parsed {
    from_dom(url, parse_dom(html))
}

/// Pages at least this large (bytes of HTML) are parsed and laid out in two halves at once
/// where the guard finds a place to split them and the machine has two processors.
pub const HALVES_FROM: usize = 256 << 10;

/// The guarded form of `source` (see `guard`) and its parse. On a page larger than one of
/// the guard's reports, the guard scans on another thread while html5ever parses the part
/// it has passed unchanged, so the scan costs no time of its own; html5ever never reads
/// what the scan has not passed. When the guard changes something, the parse goes on from
/// where it is if what it has read is still the start of the guarded page, and starts over
/// on the guarded page otherwise (a bidirectional character early in a page). When the
/// guard finds where to split a large page, the scanning thread goes on to parse the second
/// half while this one parses the first (`super::halves`).
///
/// `width`: the width the page is about to be laid out for. A page in halves is then laid
/// out as well, each half on the thread that parsed it (`Trees::LaidOut`).
pub fn parse_guarded(url: &Url, source: String, width: Option<u16>) -> (String, Parsed) {
    let halves = super::halves::wanted(HALVES_FROM).map(|from| (from, width));
    let (html, parsed, _) = guarded_parse(url, source, halves);
    (html, parsed)
}

/// How [`guarded_dom`] parsed a page.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Followed {
    /// A small page: the guard, then the parse.
    InTurn,
    /// The parse read the page as the guard passed it; nothing was changed.
    Unchanged,
    /// The guard changed the page after what the parse had read: the parse went on.
    WentOn,
    /// The guard changed what the parse had read: the parse started over.
    StartedOver,
    /// In halves: the first here, the second on the scanning thread.
    InHalves,
}

/// Where [`guarded_dom`] stands when the scan is over.
enum Scanned<'s> {
    /// No thread could be started: the guard and the parse run here.
    NoThread,
    /// The guard's verdict, and the parse that followed it `fed` bytes into the page.
    Following(Cow<'s, str>, html5ever::driver::Parser<RcDom>, usize),
    /// The first half, parsed, and (unless it could not be made) the second.
    Halves(super::halves::FirstHalf, Option<(super::guard::Split, super::halves::SecondHalf)>),
}

/// What the scanning thread tells the parsing one.
enum Heard<'s> {
    Report(super::guard::Report),
    /// The scan is over: the guarded page.
    Verdict(Cow<'s, str>),
}

/// What a page must have to be split (bytes), and the width to lay its halves out for.
pub(super) type HalvesWanted = Option<(usize, Option<u16>)>;

pub(super) fn guarded_parse(url: &Url, source: String, halves: HalvesWanted) -> (String, Parsed, Followed) {
    let (html, dom, followed) = match guarded_dom(url, source, halves) {
        Ok(parsed) => return parsed,
        Err(parsing) => parsing,
    };
    let parsed = from_dom(url, dom);
    (html, parsed, followed)
}

/// [`guarded_parse`] up to the DOM, unless the page was parsed in halves (`Ok`).
type Guarded = Result<(String, Parsed, Followed), (String, RcDom, Followed)>;

fn guarded_dom(url: &Url, source: String, halves: HalvesWanted) -> Guarded {
    use super::guard::Report;
    use html5ever::tendril::{StrTendril, TendrilSink};
    if source.len() <= super::guard::REPORT_EVERY {
        return Err(in_turn(source));
    }
    let text = source.as_str();
    let (halves_from, width) = (halves.map(|(from, _)| from), halves.and_then(|(_, width)| width));
    let scanned = std::thread::scope(|scope| {
        let (tell, heard) = std::sync::mpsc::channel();
        // How many links the first half numbers, for the second half's layout.
        let (tell_links, links_before) = std::sync::mpsc::channel();
        let scan = super::halves::spawn(scope, "margay-scan", move || {
            let mut split = None;
            let verdict = super::guard::html_following(text, halves_from, &mut |report| {
                if let Report::Split(at) = &report {
                    split = Some(at.clone());
                }
                // The parser stops listening only when this thread is gone.
                let _ = tell.send(Heard::Report(report));
            });
            let unchanged = matches!(verdict, Cow::Borrowed(_));
            let _ = tell.send(Heard::Verdict(verdict));
            drop(tell);
            // Nothing changed: the second half, while the first is parsed over there.
            let layout = width.map(|width| (links_before, width));
            split.filter(|_| unchanged).and_then(|split| {
                let second = super::halves::parse_second(url, &split, text, layout)?;
                Some((split, second))
            })
        });
        let Ok(scan) = scan else {
            // No thread to be had: the guard, then the parse, here.
            return Scanned::NoThread;
        };
        let mut parser = dom_parser();
        let (mut fed, mut until, mut verdict) = (0, text.len(), None);
        // Ends when the scan is over and its sender dropped.
        for heard in heard {
            match heard {
                Heard::Report(Report::Approved(upto)) => {
                    if let Some(more) = text.get(fed..upto.min(until)).filter(|m| !m.is_empty()) {
                        parser.process(StrTendril::from_slice(more));
                        fed = upto.min(until);
                    }
                }
                // A split behind what was read already is too late: the page is parsed
                // whole here (the second half, made anyway, is thrown away).
                Heard::Report(Report::Split(split)) if split.at >= fed => until = split.at,
                Heard::Report(Report::Split(_)) => {}
                Heard::Verdict(guarded) => verdict = Some(guarded),
            }
        }
        let Some(verdict) = verdict else {
            // The scan ended without a verdict: it panicked, and this passes the panic on.
            let failed = scan.join().map(|_| ());
            failed.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            return Scanned::NoThread;
        };
        if matches!(verdict, Cow::Borrowed(_)) && until < text.len() {
            // The first half is finished here while the second is parsed over there.
            parser.process(StrTendril::from_slice(&text[fed..until]));
            let first = from_dom(url, parser.finish());
            let first = super::halves::lay_out_first(first, width, tell_links);
            return Scanned::Halves(first, super::halves::joined(scan));
        }
        // No halves here. A second half, if the scanning thread made one, must not wait for
        // a number of links that will never come.
        drop(tell_links);
        let _ = scan.join();
        Scanned::Following(verdict, parser, fed)
    });
    let (verdict, mut parser, fed) = match scanned {
        Scanned::NoThread => return Err(in_turn(source)),
        Scanned::Halves(first, Some((split, second))) => {
            return match super::halves::combine(first, second, split, width) {
                Ok(parsed) => Ok((source, parsed, Followed::InHalves)),
                // The halves cannot stand for the page (a <base> in the second): whole.
                Err(()) => {
                    let dom = parse_dom(&source);
                    Err((source, dom, Followed::Unchanged))
                }
            };
        }
        Scanned::Halves(_, None) => {
            // The second half could not be made: the page whole.
            let dom = parse_dom(&source);
            return Err((source, dom, Followed::Unchanged));
        }
        Scanned::Following(verdict, parser, fed) => (verdict, parser, fed),
    };
    match changed(verdict) {
        None => {
            parser.process(StrTendril::from_slice(&source[fed..]));
            Err((source, parser.finish(), Followed::Unchanged))
        }
        Some(guarded) => match guarded.get(fed..) {
            Some(rest) if guarded.as_bytes()[..fed] == source.as_bytes()[..fed] => {
                parser.process(StrTendril::from_slice(rest));
                let dom = parser.finish();
                Err((guarded, dom, Followed::WentOn))
            }
            _ => {
                drop(parser);
                let dom = parse_dom(&guarded);
                Err((guarded, dom, Followed::StartedOver))
            }
        },
    }
}

/// The guard, then the parse, on this thread.
fn in_turn(source: String) -> (String, RcDom, Followed) {
    let html = changed(super::guard::html(&source)).unwrap_or(source);
    let dom = parse_dom(&html);
    (html, dom, Followed::InTurn)
}

/// The guarded page when the guard changed it.
fn changed(guarded: Cow<'_, str>) -> Option<String> {
    match guarded {
        Cow::Owned(changed) => Some(changed),
        Cow::Borrowed(_) => None,
    }
}

pub(super) fn from_dom(url: &Url, dom: RcDom) -> Parsed {
    let cfg = config(Decorator::default());
    let (title, base) = inspect(&dom, url);
    let forms = super::forms::extract(&dom, &base);
    // The patched html2text (patches/html2text) takes each DOM node out of the DOM as it
    // makes its render node, so the DOM is freed while the tree grows: the two are never
    // whole at the same time.
    let tree = cfg.dom_to_render_tree(&dom).unwrap_or_else(|_| empty_tree(&cfg));
    Parsed { title, base, tree: Trees::Whole(tree), forms }
}

/// The DOM of a page, as html2text's `parse_html` makes it but from the text in one piece:
/// no second UTF-8 check, no copying through a reader in 4 KB pieces.
pub(super) fn parse_dom(html: &str) -> RcDom {
    use html5ever::tendril::TendrilSink;
    dom_parser().one(html)
}

/// html5ever's parser as html2text sets it up (scripting off: `<noscript>` content shows).
pub(super) fn dom_parser() -> html5ever::driver::Parser<RcDom> {
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    html5ever::parse_document(RcDom::default(), opts)
}

/// The tree of an empty document, for pages html2text cannot make a tree of.
pub(super) fn empty_tree(cfg: &Config<Decorator>) -> RenderTree {
    cfg.parse_html(&b""[..])
        .and_then(|dom| cfg.dom_to_render_tree(&dom))
        .expect("html2text makes a tree of the empty document")
}

/// Walk the DOM once: take the first `<title>` and `<base href>`, and give content to
/// things html2text would otherwise drop or confuse (see [`ensure_alt`], [`label_link`]).
pub(super) fn inspect(dom: &RcDom, url: &Url) -> (String, Url) {
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

/// Whether html2text would render something for this subtree: text (its DOM dump lists
/// non-blank text nodes as "Text:"), or an image that has or will get alt text.
fn has_visible_content(node: &Handle) -> bool {
    let mut stack = vec![node.clone()];
    while let Some(node) = stack.pop() {
        match &node.data {
            html2text::Element { name, .. } => {
                if &*name.local == "img" && attr(&node, "alt").is_none_or(|alt| !alt.is_empty()) {
                    return true;
                }
            }
            html2text::Comment { .. } | html2text::Document => {}
            // Text (html2text does not export the variant): dumped as "Text:" when not blank.
            _ => {
                if RcDom::node_as_dom_string(&node).starts_with("Text:") {
                    return true;
                }
            }
        }
        stack.extend(node.children.borrow().iter().cloned());
    }
    false
}

/// The text of an element's text children, whitespace collapsed.
fn text_of(node: &Handle) -> String {
    let mut raw = String::new();
    for child in node.children.borrow().iter() {
        if matches!(child.data, html2text::Element { .. } | html2text::Comment { .. }) {
            continue;
        }
        // html2text does not export the Text variant; its debug dump is "Text:<contents>\n".
        let dump = RcDom::node_as_dom_string(child);
        if let Some(text) = dump.strip_prefix("Text:") {
            raw.push_str(text);
            raw.push(' ');
        }
    }
    raw.split_whitespace()
        .map(|word| word.chars().filter(|c| !c.is_control()).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An HTML body ready to be laid out: its source, and the render tree of its last parse
/// until a layout uses it.
///
/// html2text consumes a tree to lay it out, and a tree takes some 20 times the memory of its
/// source (about 40 MB for a 2 MB page). So the first layout, the one every page gets, uses
/// the tree from the parse instead of a copy, and the document keeps only the source: a
/// layout for another width (a resize, or going back to a page after one) parses it again.
pub struct Source {
    url: Url,
    /// Shared, so that a layout for another width can run on another thread.
    html: std::sync::Arc<String>,
    /// Where the page splits into halves that are parsed and laid out at once.
    split: Option<super::guard::Split>,
    tree: RefCell<Option<Trees>>,
    /// The layout made with the parse, until asked for.
    laid_out: RefCell<Option<Rendered>>,
}

impl Source {
    pub fn new(url: &Url, html: String, tree: Trees) -> Source {
        let (split, tree, laid_out) = match tree {
            Trees::Halves(halves) => (Some(halves.split.clone()), Some(Trees::Halves(halves)), None),
            Trees::Whole(tree) => (None, Some(Trees::Whole(tree)), None),
            Trees::LaidOut(rendered, split) => (Some(split), None, Some(*rendered)),
        };
        let (tree, laid_out) = (RefCell::new(tree), RefCell::new(laid_out));
        Source { url: url.clone(), html: std::sync::Arc::new(html), split, tree, laid_out }
    }

    /// A layout for `width` that can run on another thread (it parses the source again).
    pub fn layout_job(&self, base: &Url, width: u16) -> impl FnOnce() -> Rendered + Send + 'static {
        let (url, html, base, split) =
            (self.url.clone(), self.html.clone(), base.clone(), self.split.clone());
        move || layout(|| reparse(&url, &html, split.as_ref()), || parse(&url, &html).tree, &base, width)
    }

    /// The tree from the parse when no layout has used it yet, else a new parse's.
    fn take_tree(&self) -> Trees {
        let kept = self.tree.borrow_mut().take();
        kept.unwrap_or_else(|| reparse(&self.url, &self.html, self.split.as_ref()))
    }

    /// Lay the page out for `width` columns.
    pub fn render(&self, base: &Url, width: u16) -> Rendered {
        let made = self.laid_out.borrow_mut().take();
        match made {
            Some(rendered) if rendered.width == width.max(1) => rendered,
            _ => layout(|| self.take_tree(), || parse(&self.url, &self.html).tree, base, width),
        }
    }
}

/// The trees of a page parsed before (its HTML is guarded already), in halves where it was.
fn reparse(url: &Url, html: &str, split: Option<&super::guard::Split>) -> Trees {
    split
        .filter(|_| super::halves::wanted(0).is_some())
        .and_then(|split| super::halves::parse(url, html, split))
        .map_or_else(|| parse(url, html).tree, |parsed| parsed.tree)
}

/// How a layout is set up: html2text's configuration with margay's numbering of links.
pub(super) type Tweak = fn(Config<Decorator>) -> Config<Decorator>;

/// Lay a page out for `width`; `next_tree` gives fresh trees for each attempt, and `whole`
/// a whole tree when a page's halves cannot be laid out apart.
fn layout(
    mut next_tree: impl FnMut() -> Trees,
    mut whole: impl FnMut() -> Trees,
    base: &Url,
    width: u16,
) -> Rendered {
    let width = width.max(1);
    // When deep nesting leaves too little room, first give up table layout (raw mode reads
    // tables as one column), and only then let lines overflow the width.
    let attempts: [Tweak; 3] = [|c| c, |c| c.raw_mode(true), |c| c.allow_width_overflow()];
    for tweak in attempts {
        let laid_out = match next_tree() {
            Trees::Whole(tree) => lay_out_whole(tree, tweak, width),
            Trees::Halves(halves) => {
                super::halves::lay_out(*halves, tweak, width).or_else(|| match whole() {
                    Trees::Whole(tree) => lay_out_whole(tree, tweak, width),
                    Trees::Halves(_) | Trees::LaidOut(..) => None,
                })
            }
            // Source keeps such a layout apart; a new parse (`reparse`) never makes one.
            Trees::LaidOut(rendered, _) => return *rendered,
        };
        if let Some((lines, hrefs, split)) = laid_out {
            return convert_split(lines, hrefs, base, width, split);
        }
    }
    Rendered {
        width,
        lines: vec![super::Line::plain("[this page could not be laid out]")],
        ..Rendered::default()
    }
}

/// Laid-out lines, the links they number, and where lines may be split to convert them.
pub(super) type LaidOut = (Vec<TaggedLine<Vec<Ann>>>, Vec<String>, Option<usize>);

fn lay_out_whole(tree: RenderTree, tweak: Tweak, width: u16) -> Option<LaidOut> {
    let (lines, hrefs) = lay_out_tree(tree, Decorator::default(), tweak, width)?;
    let split = (lines.len() >= CONVERT_IN_TWO).then_some(lines.len() / 2);
    Some((lines, hrefs, split))
}

/// A tree's lines and the links `decorator` numbered in them.
pub(super) type HalfLaidOut = (Vec<TaggedLine<Vec<Ann>>>, Vec<String>);

/// Lay `tree` out for `width`, its links numbered by `decorator`.
pub(super) fn lay_out_tree(
    tree: RenderTree,
    decorator: Decorator,
    tweak: Tweak,
    width: u16,
) -> Option<HalfLaidOut> {
    let hrefs = decorator.hrefs.clone();
    let lines = tweak(config(decorator)).render_to_lines(tree, usize::from(width)).ok()?;
    Some((lines, hrefs.take()))
}

pub(super) fn config(decorator: Decorator) -> Config<Decorator> {
    // Unicode strikeout would add combining characters to the text; strike is a style here.
    html2text::config::with_decorator(decorator).unicode_strikeout(false)
}

/// Lines from which [`lay_out_whole`] has [`convert_split`] split its work between two
/// threads.
const CONVERT_IN_TWO: usize = 4000;

/// Convert laid-out lines to spans and links, in two parts at once when `split` says where
/// the second starts.
pub(super) fn convert_split(
    lines: Vec<TaggedLine<Vec<Ann>>>,
    hrefs: Vec<String>,
    base: &Url,
    width: u16,
    split: Option<usize>,
) -> Rendered {
    // Lines convert independently but for the fragment markers carried to the next line
    // with text; a long page is converted in two halves at once and the halves joined.
    let (first, second) = if let Some(split) = split.filter(|&at| at <= lines.len()) {
        let (front, back) = lines.split_at(split);
        let links = hrefs.len();
        std::thread::scope(|scope| {
            let second = scope.spawn(|| convert_part(back, front.len(), links));
            let first = convert_part(front, 0, links);
            (first, super::halves::joined(second))
        })
    } else {
        (convert_part(&lines, 0, hrefs.len()), Converted::default())
    };
    let parts = lines.len();
    crate::free::in_background(lines, parts);
    let Converted { lines: mut out, mut first_line, mut anchors, pending, first_with_text: _ } = first;
    // The second half's anchors come after the first's: where a name is in both, the first
    // half's line counts, as it does in one pass.
    let mut pending = pending;
    if let Some(line) = second.first_with_text {
        for name in pending.drain(..) {
            anchors.entry(name).or_insert(line);
        }
    }
    for (name, line) in second.anchors {
        anchors.entry(name).or_insert(line);
    }
    pending.extend(second.pending);
    for (slot, later) in first_line.iter_mut().zip(second.first_line) {
        *slot = slot.or(later);
    }
    out.extend(second.lines);
    let last = out.len().saturating_sub(1);
    for name in pending {
        anchors.entry(name).or_insert(last);
    }
    let mut previous = 0;
    let links = hrefs
        .into_iter()
        .zip(first_line)
        .map(|(href, line)| {
            // A link whose text html2text dropped points where the previous one was.
            previous = line.unwrap_or(previous);
            // The target has the page's own characters, not the placeholders shown for them.
            let target = base.join(&crate::sanitize::restore_bidi(href.trim())).ok();
            LinkRef { target, href, line: previous }
        })
        .collect();
    Rendered { width, lines: out, links, anchors }
}

/// Some consecutive lines converted; line numbers count from the page's first line.
#[derive(Default)]
struct Converted {
    lines: Vec<super::Line>,
    /// For each link, the first of these lines it is on.
    first_line: Vec<Option<usize>>,
    anchors: HashMap<String, usize>,
    /// Fragment names after the last of these lines with text: they belong to the next.
    pending: Vec<String>,
    first_with_text: Option<usize>,
}

/// Convert `lines`, the first of which is line `offset` of the page, for `links` links.
fn convert_part(lines: &[TaggedLine<Vec<Ann>>], offset: usize, links: usize) -> Converted {
    let mut first_line: Vec<Option<usize>> = vec![None; links];
    let mut anchors = HashMap::new();
    let mut first_with_text = None;
    // html2text often leaves a block's fragment marker at the end of the line before the
    // block (headings) or alone on a line (divs): such a marker belongs to the next text.
    let mut pending: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for (index, line) in (offset..).zip(lines) {
        let has_text = |e: &TaggedLineElement<Vec<Ann>>| !e.as_str().trim().is_empty();
        let last_text = line.iter().enumerate().filter(|(_, e)| has_text(e)).last();
        if last_text.is_some() {
            first_with_text.get_or_insert(index);
            for name in pending.drain(..) {
                anchors.entry(name).or_insert(index);
            }
        }
        // Where the last table border is; only asked when a heading mark is met (rare).
        let mut last_border = None;
        let mut spans: Vec<Span> = Vec::new();
        let mut pos = 0;
        let (mut heading, mut quote) = (false, false);
        for (position, element) in line.iter().enumerate() {
            let ts = match element {
                TaggedLineElement::FragmentStart(name) => {
                    if last_text.is_some_and(|(last, _)| last > position) {
                        anchors.entry(name.clone()).or_insert(index);
                    } else {
                        pending.push(name.clone());
                    }
                    continue;
                }
                TaggedLineElement::Str(ts) => ts,
            };
            let base_style = style_of(&ts.tag);
            if let Some(link) = base_style.link {
                if let Some(slot @ None) = first_line.get_mut(link) {
                    *slot = Some(index);
                }
            }
            // Most fragments hold no mark, border, tab or control character: they are copied
            // whole. Bytes 0xC2 and 0xE2 start C1 controls and the border; text with them (or
            // anything below a space) takes the character by character path.
            let (plain, chars) = ts.s.bytes().fold((true, 0usize), |(plain, chars), b| {
                (
                    plain && b >= 0x20 && b != 0x7f && b != 0xc2 && b != 0xe2,
                    chars + usize::from(b & 0xc0 != 0x80),
                )
            });
            if plain {
                pos += chars;
                push_str(&mut spans, &ts.s, SpanStyle { heading, quote, ..base_style });
                continue;
            }
            for c in ts.s.chars() {
                pos += 1;
                let c = match c {
                    HEADING_MARK => {
                        heading = true;
                        // Dropping the mark would shift a table border left of it.
                        let last_border = *last_border.get_or_insert_with(|| {
                            line.chars()
                                .enumerate()
                                .filter(|&(_, c)| c == CELL_BORDER)
                                .last()
                                .map_or(0, |(i, _)| i)
                        });
                        if pos <= last_border {
                            ' '
                        } else {
                            continue;
                        }
                    }
                    QUOTE_MARK => {
                        quote = true;
                        '>'
                    }
                    CELL_BORDER => {
                        (heading, quote) = (false, false);
                        c
                    }
                    '\t' => ' ',
                    c if c.is_control() => continue,
                    c => c,
                };
                push_str(&mut spans, c.encode_utf8(&mut [0; 4]), SpanStyle { heading, quote, ..base_style });
            }
        }
        trim_end(&mut spans);
        out.push(super::Line { spans });
    }
    Converted { lines: out, first_line, anchors, pending, first_with_text }
}

/// Append text to the last span when it has the same style, else start a span.
fn push_str(spans: &mut Vec<Span>, text: &str, style: SpanStyle) {
    match spans.last_mut() {
        Some(last) if last.style == style => last.text.push_str(text),
        _ => spans.push(Span { text: text.to_string(), style }),
    }
}

fn trim_end(spans: &mut Vec<Span>) {
    while let Some(last) = spans.last_mut() {
        let trimmed = last.text.trim_end_matches(' ').len();
        last.text.truncate(trimmed);
        if !last.text.is_empty() {
            break;
        }
        spans.pop();
    }
}

fn style_of(tags: &[Ann]) -> SpanStyle {
    let mut style = SpanStyle::default();
    for tag in tags {
        match tag {
            Ann::Plain => {}
            Ann::Link(i) => style.link = Some(*i),
            Ann::Em => style.italic = true,
            Ann::Strong => style.bold = true,
            Ann::Strike => style.strike = true,
            Ann::Code => style.code = true,
            Ann::Pre => style.pre = true,
            Ann::Image => style.image = true,
        }
    }
    style
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) enum Ann {
    #[default]
    Plain,
    /// Index into the link list (number on screen minus one).
    Link(usize),
    Em,
    Strong,
    Strike,
    Code,
    Pre,
    Image,
}

/// Numbers links as html2text meets them in reading order. html2text clones the decorator
/// for sub-blocks (table cells, list items), so the list of hrefs is shared; size estimation
/// never starts links, so each link is numbered exactly once per layout.
#[derive(Clone, Default)]
pub(super) struct Decorator {
    pub(super) hrefs: Rc<RefCell<Vec<String>>>,
    /// Links before the first this one numbers (a page's second half: `super::halves`).
    first: usize,
}

impl Decorator {
    pub(super) fn numbering_from(first: usize) -> Decorator {
        Decorator { first, ..Decorator::default() }
    }
}

impl TextDecorator for Decorator {
    type Annotation = Ann;

    fn decorate_link_start(&mut self, url: &str) -> (String, Ann) {
        let mut hrefs = self.hrefs.borrow_mut();
        hrefs.push(url.to_string());
        let number = self.first + hrefs.len();
        (format!("[{number}]"), Ann::Link(number - 1))
    }
    fn decorate_link_end(&mut self) -> String {
        String::new()
    }
    fn decorate_em_start(&self) -> (String, Ann) {
        (String::new(), Ann::Em)
    }
    fn decorate_em_end(&self) -> String {
        String::new()
    }
    fn decorate_strong_start(&self) -> (String, Ann) {
        (String::new(), Ann::Strong)
    }
    fn decorate_strong_end(&self) -> String {
        String::new()
    }
    fn decorate_strikeout_start(&self) -> (String, Ann) {
        (String::new(), Ann::Strike)
    }
    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }
    fn decorate_code_start(&self) -> (String, Ann) {
        (String::new(), Ann::Code)
    }
    fn decorate_code_end(&self) -> String {
        String::new()
    }
    fn decorate_preformat_first(&self) -> Ann {
        Ann::Pre
    }
    fn decorate_preformat_cont(&self) -> Ann {
        Ann::Pre
    }
    fn decorate_image(&mut self, src: &str, title: &str) -> (String, Ann) {
        let ann = if src == LABEL_SRC { Ann::Plain } else { Ann::Image };
        (title.to_string(), ann)
    }
    fn header_prefix(&self, _level: usize) -> String {
        HEADING_MARK.to_string()
    }
    fn quote_prefix(&self) -> String {
        format!("{QUOTE_MARK} ")
    }
    fn unordered_item_prefix(&self) -> String {
        "* ".to_string()
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }
    fn make_subblock_decorator(&self) -> Self {
        self.clone()
    }
    fn finalise(&mut self, _urls: Vec<String>) -> Vec<TaggedLine<Ann>> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layout_after_the_first_parses_again_and_matches() {
        let url = Url::parse("http://example.com/dir/").expect("constant URL");
        let html = r#"<title>T</title><h1 id=top>Heading</h1><p>Some <a href="a">link</a>,
            <img src=x.png> an image, <b>bold</b> and <a href="/b"><img src=i.png alt=""></a>.</p>
            <table><tr><th>k</th><td><a href=c>c</a></td></tr></table>
            <form action=/s><input name=q value=v><input type=submit></form>"#;
        let parsed = parse(&url, html);
        let source = Source::new(&url, html.to_string(), parsed.tree);
        let first = source.render(&parsed.base, 40);
        let wide = source.render(&parsed.base, 100);
        let again = source.render(&parsed.base, 40);
        assert!(source.tree.borrow().is_none(), "the first tree is used, not copied");
        assert_eq!(
            (&first.lines, &first.links, &first.anchors),
            (&again.lines, &again.links, &again.anchors)
        );
        assert_eq!(first.links.len(), wide.links.len());
        assert!(first.lines.len() > wide.lines.len());
    }

    /// `parse_guarded` against the guard and the parse run one after the other.
    fn assert_guarded_parse_matches(page: &str, how: Followed) {
        let url = Url::parse("http://example.com/").expect("constant URL");
        let (html, parsed, followed) = guarded_parse(&url, page.to_string(), None);
        assert_eq!(followed, how);
        let expected_html = super::super::guard::html(page).into_owned();
        assert!(html == expected_html, "the guarded source differs");
        let expected = parse(&url, &expected_html);
        let laid_out = Source::new(&url, html, parsed.tree).render(&parsed.base, 80);
        let expected_laid_out = Source::new(&url, expected_html, expected.tree).render(&expected.base, 80);
        assert_eq!(parsed.title, expected.title);
        assert!(laid_out.lines == expected_laid_out.lines, "the layouts differ");
        assert_eq!(laid_out.links, expected_laid_out.links);
    }

    #[test]
    fn the_parse_that_follows_the_guard_matches_the_parse_after_it() {
        let ordinary = "<title>Long</title><h1>Heading</h1>".to_string()
            + &"<p>Some <a href=a>link</a> and <b>bold</b> text, &amp; more.</p>\n".repeat(5000);
        assert!(ordinary.len() > 3 * crate::document::guard::REPORT_EVERY);
        // Nothing changed: the parse reads the page as the guard passes it.
        assert_guarded_parse_matches(&ordinary, Followed::Unchanged);
        // Changed far into the page: the parse goes on with the guarded rest.
        let deep = ordinary.clone() + &"<div>".repeat(2000) + "deep" + &ordinary;
        assert_guarded_parse_matches(&deep, Followed::WentOn);
        let late_bidi = ordinary.clone() + "&#x202E;reversed";
        assert_guarded_parse_matches(&late_bidi, Followed::WentOn);
        // Changed before what the parse has read: it starts over on the guarded page.
        let early_bidi = "<p>&#x202E;reversed</p>".to_string() + &ordinary;
        assert_guarded_parse_matches(&early_bidi, Followed::StartedOver);
        assert_guarded_parse_matches("<p>small &#x202E;</p>", Followed::InTurn);
    }

    #[test]
    fn converting_in_two_parts_matches_one_pass() {
        let url = Url::parse("http://example.com/").expect("constant URL");
        // Fragment markers on lines with text, alone on lines, at line ends (carried to the
        // next text), the same name twice, and links on many lines.
        let html = r#"<h1 id=top>Top</h1><div id=empty></div><p id=p1>One <a href=a>a</a></p>
            <div id=twice></div><h2 id=h>Head <a href=b>b</a></h2><div id=twice></div>
            <p>Text <span id=mid>middle</span> <a href=a>again</a></p><div id=end1></div>
            <ul><li id=l1>item <a href=c>c</a><li>item<li id=l3>item</ul><div id=tail></div>
            <table><tr><td id=cell>cell <a href=d>d</a></td><td>x</td></tr></table>
            <div id=last1></div><div id=last2></div>"#;
        let lay_out = || {
            let decorator = Decorator::default();
            let hrefs = decorator.hrefs.clone();
            let Trees::Whole(tree) = parse(&url, html).tree else { panic!("parse makes one tree") };
            let lines = config(decorator).render_to_lines(tree, 30).expect("lays out");
            (lines, hrefs.take())
        };
        let (lines, hrefs) = lay_out();
        let count = lines.len();
        let whole = convert_split(lines, hrefs, &url, 30, None);
        assert!(count > 10 && whole.anchors.len() >= 10, "{count} lines, {:?}", whole.anchors);
        for split in 0..=count {
            let (lines, hrefs) = lay_out();
            let parts = convert_split(lines, hrefs, &url, 30, Some(split));
            assert!(parts.lines == whole.lines, "lines differ, split at {split}");
            assert_eq!(parts.links, whole.links, "split at {split}");
            assert_eq!(parts.anchors, whole.anchors, "split at {split}");
        }
    }

    #[test]
    fn empty_tree_renders_nothing() {
        let base = Url::parse("http://example.com/").expect("constant URL");
        let source =
            Source::new(&base, String::new(), Trees::Whole(empty_tree(&config(Decorator::default()))));
        for width in [40, 20] {
            let r = source.render(&base, width);
            assert!(r.lines.is_empty() && r.links.is_empty());
        }
    }
}
