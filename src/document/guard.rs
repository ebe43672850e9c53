//! What a hostile page cannot make the layout do: nest so deep that the HTML parser slows
//! to a crawl (html5ever's scope checks walk the stack of open elements: 100,000 nested
//! `<div>`s take half a minute) or the render recurses off the end of the stack; or grow
//! so large that laying it out takes gigabytes (html2text keeps a DOM node and a render
//! node of about a kilobyte for every node: 50 MB of dense tags would need 6 GB, and 5 KB
//! that leave 400 `<b>` tags open and then start 500 paragraphs make 200,000 elements,
//! because the parser re-opens every open formatting element in each paragraph); or nest
//! tables, lists and quotes hundreds deep around every line (each line is laid out once
//! per such element around it: 100,000 unclosed tables lay out 200,000 lines 128 times).
//!
//! Before parsing, a light scan of the HTML models the parser's open elements and active
//! formatting elements (`tree`): tags that would nest deeper than [`MAX_DEPTH`] are left
//! out (their content is kept, one level up, as Blink's parser does), at most 24
//! formatting elements are active at once, and the page is cut at a tag boundary once the
//! parser would have made [`MAX_NODES`] nodes or read [`MAX_BYTES`] bytes, or once its
//! layout work would pass [`layout_budget`], with a note saying so at the end (after every
//! open element is closed, so that the note is not itself nested out of sight). Text bodies are cut at [`MAX_BYTES`] too. Bidirectional formatting characters are made
//! visible here, once, so that every rendered page, title and dump shows them (see
//! `crate::sanitize`). Ordinary pages pass through unchanged, without a copy. Asked to
//! ([`scan_splitting`]), the scan also finds where a large page can be cut in pieces
//! that are made apart (`splits`); it changes nothing the scan does.

mod split;
mod token;
mod tree;

pub use split::Split;

use crate::sanitize::{bidi_name, visible_bidi};
use split::Finder;
use std::borrow::Cow;
use token::{raw_text_end, token_at, Token};
use tree::{Kind, Start, Tree};

/// The deepest nesting laid out (the depth at which Blink's parser stops nesting, too).
pub const MAX_DEPTH: usize = 512;
/// The most nodes (elements, runs of text, comments) of one page laid out. With the patched
/// html2text (the DOM is freed as the render tree is built) the densest page that reaches
/// it peaks near 210 MB (measured); the 4.4 MB Rust reference is laid out whole.
pub const MAX_NODES: usize = 400_000;
/// The most text (HTML source or plain text, in bytes of UTF-8) of one page laid out.
pub const MAX_BYTES: usize = 8 << 20;
/// The layout work (`tree`'s estimate: each run of text, image or line break counts the
/// nested table cells, list items, block quotes and headings around it) allowed for every
/// byte of a page, and for any page. A page that nests deeper than ordinary pages do, on
/// and on (100,000 unclosed tables in 3 KB of gzip: 20 s of layout), is cut where its work
/// reaches [`layout_budget`], which keeps its layout to about a fifth of a second per MB
/// (docs/performance.md). Of the 48,625 pages of the Rust documentation, the costliest (the
/// reference's test summary) needs less than a thirtieth of its budget.
pub const LAYOUT_COST_PER_BYTE: u64 = 2;
pub const LAYOUT_COST_BASE: u64 = 1_000_000;

/// The layout work allowed for a page of `bytes` bytes.
pub fn layout_budget(bytes: usize) -> u64 {
    LAYOUT_COST_BASE + LAYOUT_COST_PER_BYTE * bytes as u64
}

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
    html_with(source, MAX_DEPTH, MAX_NODES, MAX_BYTES)
}

fn cut_note() -> String {
    format!(
        "margay stopped laying this page out here: the page is larger than margay lays out \
         ({} MB or {} nodes). The rest is not shown.",
        MAX_BYTES >> 20,
        MAX_NODES
    )
}

fn structure_note() -> String {
    "margay stopped laying this page out here: it nests tables, lists or quotes so deeply, \
     so many times, that laying it out would take too long. The rest is not shown."
        .to_string()
}

/// [`html`] with other limits (for tests).
pub fn html_with(source: &str, max_depth: usize, max_nodes: usize, max_bytes: usize) -> Cow<'_, str> {
    scan_with(source, max_depth, max_nodes, max_bytes, None).html
}

/// A page as the guard passed it, how many nodes the parser will make of it, and where it
/// can be cut in pieces (when that was asked).
pub struct Scanned<'s> {
    pub html: Cow<'s, str>,
    pub nodes: usize,
    /// Only where the guard passes the page unchanged.
    pub splits: Vec<Split>,
}

/// [`html`], and the number of nodes the parser will make of the page.
pub fn scan(source: &str) -> Scanned<'_> {
    scan_with(source, MAX_DEPTH, MAX_NODES, MAX_BYTES, None)
}

/// [`scan`], also finding where a page of at least `split_from` bytes can be cut in pieces
/// of about `piece` bytes ([`Split`]).
pub fn scan_splitting(source: &str, split_from: usize, piece: usize) -> Scanned<'_> {
    scan_with(
        source,
        MAX_DEPTH,
        MAX_NODES,
        MAX_BYTES,
        Some(Splitting { from: split_from, piece, found: None }),
    )
}

/// [`scan_splitting`] that tells `found` each place as it finds it, so that the pieces
/// before it can be made while the scan goes on. The places stand only if the scan's
/// [`Scanned::splits`] holds them at its end (a later part of the page can still make the
/// guard change the page, or make the page unsplittable).
pub fn scan_splitting_as_found<'s>(
    source: &'s str,
    split_from: usize,
    piece: usize,
    found: &mut dyn FnMut(&Split),
) -> Scanned<'s> {
    scan_with(
        source,
        MAX_DEPTH,
        MAX_NODES,
        MAX_BYTES,
        Some(Splitting { from: split_from, piece, found: Some(found) }),
    )
}

/// What [`scan_with`] is asked to find besides: places to cut a page of at least `from`
/// bytes in pieces of about `piece`, each told to `found` as soon as it is found.
struct Splitting<'f> {
    from: usize,
    piece: usize,
    found: Option<&'f mut dyn FnMut(&Split)>,
}

/// The scan behind [`html`] (see the module documentation), with other limits.
fn scan_with<'s>(
    source: &'s str,
    max_depth: usize,
    max_nodes: usize,
    max_bytes: usize,
    splitting: Option<Splitting<'_>>,
) -> Scanned<'s> {
    let b = source.as_bytes();
    let mut found = None;
    let mut finder = splitting.filter(|s| source.len() >= s.from && Finder::may_split(source)).map(|s| {
        found = s.found;
        Finder::new(source, s.piece)
    });
    let max_cost = layout_budget(source.len().min(max_bytes));
    let mut tree = Tree::default();
    let mut out = Edit { src: source, out: None, copied: 0 };
    let mut i = 0;
    let mut cut = None;
    while i < b.len() {
        let next = memchr::memchr(b'<', &b[i..]).map_or(b.len(), |p| i + p);
        if next > i {
            tree.text();
            let blank = b[i..next].iter().all(u8::is_ascii_whitespace);
            if !blank {
                tree.content();
            }
            if let Some(finder) = &mut finder {
                finder.text(blank);
            }
        }
        if next > max_bytes || tree.nodes > max_nodes || tree.layout_cost > max_cost {
            let over = tree.nodes > max_nodes || tree.layout_cost > max_cost;
            cut = Some(if over { i } else { floor_boundary(source, max_bytes.max(i)) });
            break;
        }
        if next == b.len() {
            break;
        }
        let (token, mut end) = token_at(source, next);
        match token {
            Token::Start { name, attrs, self_closing } => {
                let kind = Kind::of(&name);
                if let Some(finder) = &mut finder {
                    let split = finder.start(&name, attrs, self_closing, next, end, &tree);
                    if let (Some(split), Some(found)) = (split, &mut found) {
                        found(split);
                    }
                }
                match tree.start(&name, kind, attrs, self_closing, max_depth) {
                    Start::LeftOut => out.leave_out(next, end),
                    Start::Kept if tree.foreign == 0 && !self_closing && kind.is_raw_text() => {
                        let close = raw_text_end(b, end, &name);
                        if close > end {
                            tree.text();
                            tree.content();
                        }
                        end = close;
                    }
                    // Everything after <plaintext> is text.
                    Start::Kept if tree.foreign == 0 && name == "plaintext" => {
                        if b.len() > max_bytes {
                            cut = Some(floor_boundary(source, max_bytes.max(end)));
                        }
                        break;
                    }
                    Start::Kept => {}
                }
            }
            Token::End { name } => {
                if let Some(finder) = &mut finder {
                    finder.end(&name, next);
                }
                if tree.end(&name, Kind::of(&name)) {
                    out.leave_out(next, end);
                }
            }
            Token::Node => {
                if let Some(finder) = &mut finder {
                    finder.node(next, end);
                }
                tree.count_node();
            }
            // A `<` that starts nothing is text.
            Token::Nothing => {
                if let Some(finder) = &mut finder {
                    finder.nothing();
                }
            }
        }
        if end > max_bytes || tree.nodes > max_nodes || tree.layout_cost > max_cost {
            cut = Some(next);
            break;
        }
        i = end;
    }
    let nodes = tree.nodes;
    let mut html = match (out.out, cut) {
        (None, None) => {
            let html = match visible_bidi(source) {
                Cow::Borrowed(_) => bidi_references(source),
                Cow::Owned(shown) => Cow::Owned(bidi_references(&shown).into_owned()),
            };
            // A page the guard passes as it is (no bidirectional character made visible).
            let splits = match html {
                Cow::Borrowed(_) => finder.map(Finder::found).unwrap_or_default(),
                Cow::Owned(_) => Vec::new(),
            };
            return Scanned { html, nodes, splits };
        }
        (Some(done), None) => done + &source[out.copied..],
        (done, Some(at)) => done.unwrap_or_default() + &source[out.copied.min(at)..at],
    };
    if cut.is_some() {
        let note = if tree.layout_cost > max_cost {
            // Outside the nesting, where it can be read: every open element closed first.
            html.push_str(&tree.end_tags());
            structure_note()
        } else {
            cut_note()
        };
        html.push_str(&format!("\n<hr><p>[{note}]</p>\n"));
    }
    let html = match visible_bidi(&html) {
        Cow::Borrowed(_) => html,
        Cow::Owned(shown) => shown,
    };
    Scanned { html: Cow::Owned(bidi_references(&html).into_owned()), nodes, splits: Vec::new() }
}

/// Numeric character references to bidirectional formatting characters (`&#x202E;`,
/// `&#8238`) replaced by the same placeholders, before the parser turns them into the
/// characters.
fn bidi_references(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    let finder = memchr::memmem::Finder::new("&#");
    while let Some(p) = finder.find(&b[i..]) {
        let at = i + p;
        let (hex, digits_from) = match b.get(at + 2) {
            Some(b'x' | b'X') => (true, at + 3),
            _ => (false, at + 2),
        };
        let len = b[digits_from..]
            .iter()
            .take_while(|c| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() })
            .count();
        let mut end = digits_from + len;
        i = end.max(at + 2);
        let digits = html[digits_from..end].trim_start_matches('0');
        let Some(c) = (digits.len() <= 6)
            .then(|| u32::from_str_radix(digits, if hex { 16 } else { 10 }).ok())
            .flatten()
            .and_then(char::from_u32)
        else {
            continue;
        };
        let Some(name) = bidi_name(c) else { continue };
        if b.get(end) == Some(&b';') {
            end += 1;
        }
        let o = out.get_or_insert_with(|| String::with_capacity(html.len() + 16));
        o.push_str(&html[copied..at]);
        o.push('⟨');
        o.push_str(name);
        o.push('⟩');
        copied = end;
        i = end;
    }
    match out {
        Some(mut o) => {
            o.push_str(&html[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(html),
    }
}

/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &["script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title"];

/// The source with some tags left out, copied only once something is.
struct Edit<'a> {
    src: &'a str,
    out: Option<String>,
    /// `src[..copied]` is accounted for in `out`.
    copied: usize,
}

impl Edit<'_> {
    fn leave_out(&mut self, from: usize, to: usize) {
        let out = self.out.get_or_insert_with(|| String::with_capacity(self.src.len()));
        out.push_str(&self.src[self.copied..from]);
        self.copied = to;
    }
}

fn floor_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
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
        // Forms closed inside the block they were opened in, or after it; options one after
        // another; cells of a table.
        for pattern in
            ["<form><div></form></div>x", "<div><form></div></form>x", "<select><option>a<option>b</select>"]
        {
            assert!(matches!(html(&pattern.repeat(3000)), Cow::Borrowed(_)), "{pattern}");
        }
    }

    #[test]
    fn deep_nesting_is_flattened_and_keeps_the_text() {
        for tag in ["div", "span", "b", "blockquote", "table"] {
            let page = format!("<{tag}>").repeat(20_000)
                + "deep text"
                + &format!("</{tag}>").repeat(20_000)
                + "after";
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
    fn pages_the_parser_nests_without_visible_depth_are_flattened_too() {
        // End tags the parser ignores (a block inside), and formatting elements it re-opens.
        for pattern in
            ["<span><div></span>", "<b><div></b>", "<div><table></div>", "<a><div></a>", "<i><p></i>x"]
        {
            let page = pattern.repeat(5000) + "end";
            let d = depth(&html(&page));
            assert!(d <= MAX_DEPTH + 40, "{pattern}: depth {d}");
        }
    }

    #[test]
    fn reopened_formatting_elements_count_as_nodes() {
        let bomb = "<p>".to_string()
            + &(0..400).map(|i| format!("<b id={i}>")).collect::<String>()
            + "</p>"
            + &"<p>x</p>".repeat(50_000);
        let guarded = html(&bomb);
        let cfg = html2text::config::plain();
        let dom = cfg.parse_html(guarded.as_bytes()).expect("parses");
        let mut nodes = 0;
        let mut stack = vec![dom.document.clone()];
        while let Some(node) = stack.pop() {
            nodes += 1;
            stack.extend(node.children.borrow().iter().cloned());
        }
        assert!(nodes < MAX_NODES * 2, "{nodes} nodes");
    }

    #[test]
    fn what_the_parser_keeps_open_is_never_taken_for_closed() {
        // Found by fuzzing, each nesting without bound in the parser while the guard's model
        // thought it closed (11 minutes of layout for 850 KB of the first; 2.4 GB for 730 KB
        // of the second): a new <dd> or <li> closes the open one only if nothing "special"
        // (an <li>, a <blockquote> …) stands above it; a <td> outside a table is ignored, so
        // a later one closes nothing. And likewise: `</form>` takes only the form out of the
        // stack; a new <option> closes only an <option> that is the current node.
        for pattern in [
            "<wl>x<li>y</ul><o@><l<dt>t<dd>d</dl",
            "<td>b<tr\u{fffd}><dl><dt>d<td>d</dl",
            "<dd>d<li>x",
            "<li>x<blockquote>q",
            "<dt>t<li>x<dd>d",
            "<form><div></form>x",
            "<option><div>x",
            "<option><div><optgroup>x",
            "<ruby><rb><div>x",
        ] {
            let page = pattern.repeat(5000) + "end";
            let guarded = html(&page);
            let d = depth(&guarded);
            assert!(d <= MAX_DEPTH + 40, "{pattern}: depth {d}");
            assert!(layout_work(&guarded) <= layout_budget(page.len()) * 11 / 10, "{pattern}");
        }
    }

    #[test]
    fn unclosed_cells_and_paragraphs_do_not_add_up() {
        let page = "<table><tr><td>cell<td><p>para</table>\n".repeat(2000);
        assert!(matches!(html(&page), Cow::Borrowed(_)));
        let font_soup = "<font color=red><p>x</font>".repeat(3000);
        assert!(depth(&html(&font_soup)) <= MAX_DEPTH + 40);
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
        assert!(guarded.matches("<p>").count() == 5 && guarded.contains("stopped laying"), "{guarded}");
        let guarded = html_with(&page, 512, 1000, 500);
        assert!(guarded.len() < 700 && guarded.contains("stopped laying"));
        let long_text = "<p>".to_string() + &"é".repeat(1000);
        let guarded = html_with(&long_text, 512, 1000, 501);
        assert!(guarded.starts_with("<p>é") && guarded.contains("stopped laying"));
        let script = "<script>".to_string() + &"x".repeat(1000) + "</script>";
        assert!(html_with(&script, 512, 1000, 100).starts_with("\n<hr>"));
    }

    #[test]
    fn bidi_characters_written_as_references_are_shown() {
        assert_eq!(html("a&#x202E;b&#8238c&#x0202e;d&#X2069;"), "a⟨RLO⟩b⟨RLO⟩c⟨RLO⟩d⟨PDI⟩");
        assert!(matches!(html("&#x41; &#; &#x; &amp; &#99999999999;"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_scan_counts_the_nodes_the_parser_makes() {
        // html, head, body, then each <p> and its text.
        let page = "<p>text</p>".repeat(100);
        assert_eq!(scan(&page).nodes, 200);
    }

    /// The layout work of the guarded page, counted on the DOM the parser makes of it: each
    /// run of text counts the table cells (12 each) and list items, definitions, quotes and
    /// headings (1 each) around it.
    fn layout_work(html: &str) -> u64 {
        let cfg = html2text::config::plain();
        let dom = cfg.parse_html(html.as_bytes()).expect("html5ever parses anything");
        let mut work = 0;
        let mut stack = vec![(dom.document.clone(), 0u64)];
        while let Some((node, depth)) = stack.pop() {
            let depth = match &node.data {
                html2text::Element { name, .. } => {
                    depth
                        + match &*name.local {
                            "td" | "th" => 12,
                            "li" | "dd" | "blockquote" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => 1,
                            _ => 0,
                        }
                }
                html2text::Text { contents } => {
                    if !contents.borrow().trim().is_empty() {
                        work += depth;
                    }
                    depth
                }
                _ => depth,
            };
            stack.extend(node.children.borrow().iter().map(|c| (c.clone(), depth)));
        }
        work
    }

    #[test]
    fn nesting_that_never_ends_is_cut_where_its_layout_work_runs_out() {
        // 100,000 unclosed tables (3 KB gzipped): each cell's text is laid out once per
        // table around it, hundreds of times; the same with lists and quotes.
        for (pattern, repeat) in [
            ("<table><tr><td>x", 100_000),
            ("<table><tr><td>x<br>", 100_000),
            ("<ul><li>x", 100_000),
            ("<ol><li>x", 100_000),
            ("<blockquote>x", 100_000),
            ("<dl><dd>x", 100_000),
            ("<table><tr><td><ul><li>x", 50_000),
        ] {
            let page = pattern.repeat(repeat);
            let guarded = html(&page);
            assert!(guarded.contains("nests tables, lists or quotes so deeply"), "{pattern}: not cut");
            assert!(guarded.len() < page.len() / 2, "{pattern}: cut late, at {} bytes", guarded.len());
            let work = layout_work(&guarded);
            assert!(
                work <= layout_budget(page.len()) * 11 / 10,
                "{pattern}: {work} > {}",
                layout_budget(page.len())
            );
            // The note is outside the nesting, where it can be read.
            let rendered = crate::document::Document::from_html(
                &url::Url::parse("http://127.0.0.1/").unwrap(),
                &guarded,
            )
            .render(80);
            let last = rendered
                .lines
                .iter()
                .rev()
                .map(|l| l.text())
                .find(|t| !t.trim().is_empty())
                .unwrap_or_default();
            assert!(last.starts_with("shown.]") || last.ends_with("not shown.]"), "{pattern}: {last:?}");
        }
    }

    #[test]
    fn ordinarily_nested_pages_are_laid_out_whole() {
        // Tables four deep with lists in their cells, a quote in a list item: 2 MB of it.
        let block = "<table><tr><td><table><tr><td>menu<td><table><tr><td><table><tr><td>\
                     <ul><li>one<ul><li>two<li>three<blockquote>quoted</blockquote></ul></ul>\
                     <p>text <b>bold</b></table></table></table></table>\n";
        let page = block.repeat((2 << 20) / block.len());
        assert!(!html(&page).contains("nests tables"), "an ordinary page was cut");
        let lists =
            "<ul>".to_string() + &"<li>item <ul><li>sub<ul><li>subsub</ul></ul>".repeat(60_000) + "</ul>";
        assert!(!html(&lists).contains("nests tables"));
    }

    #[test]
    fn text_is_cut_with_a_note_and_bidi_shown() {
        let t = text("line\u{202E}\n".repeat(3));
        assert_eq!(t, "line⟨RLO⟩\n".repeat(3));
        let long = text("0123456789\n".repeat(MAX_BYTES / 10));
        assert!(long.len() <= MAX_BYTES + 200 && long.ends_with("not shown.]\n"));
    }
}
