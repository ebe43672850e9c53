//! A render tree → lines of styled spans with lynx-style numbered links, for one width.
//!
//! html2text lays the tree out; its lines are then converted to margay's spans, links and
//! fragment anchors, and each line is given its place in the page's text (the number of
//! letters and digits before it), which is the same at every width: a new layout puts the
//! reader back at the same place, not at the same proportion of the page.
//!
//! Nothing here may panic on page content: html2text errors fall back to a layout without
//! tables, then to one whose lines may overflow. Laid-out text never contains control
//! characters. Nothing here starts a thread.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use html2text::config::Config;
use html2text::render::{TaggedLine, TaggedLineElement, TextDecorator};
use html2text::RenderTree;
use url::Url;

use super::{Cancel, LinkRef, Rendered, Span, SpanStyle};

/// The narrowest width a document is laid out for; narrower terminals get this width.
pub const MIN_WIDTH: u16 = 10;

/// html2text puts the header prefix before every line of a heading. It drops control
/// characters from page text, so a control character here can only come from this prefix:
/// the mark of a heading of level 1 is `HEADING_MARK`, of level 2 the next character, and
/// so on to level 6.
const HEADING_MARK: char = '\u{11}';
const HEADING_MARK_6: char = '\u{16}';
/// Likewise for block quotes; drawn as '>' (same width, so table borders stay aligned).
const QUOTE_MARK: char = '\u{2}';
/// html2text's vertical table border; styles that a prefix turned on stop at a cell edge.
const CELL_BORDER: char = '│';

/// How a layout is set up: html2text's configuration with margay's numbering of links.
type Tweak = fn(Config<Decorator>) -> Config<Decorator>;

/// Lay `tree` out for `width` columns (at least 1); `None` when `cancel` was raised on the
/// way. The tree is used up; a caller that lays out again keeps a copy.
///
/// When deep nesting leaves too little room, the layout is tried again without table layout
/// (raw mode reads tables as one column), and then letting lines overflow the width. Each
/// retry takes a new tree from `again` (the caller parses once more): rare, and cheaper than
/// a copy of every tree kept in case (on a large page the copy was a third of the peak
/// memory).
pub fn lay_out(
    tree: RenderTree,
    base: &Url,
    width: u16,
    cancel: &Cancel,
    again: &dyn Fn() -> Option<RenderTree>,
) -> Option<Rendered> {
    let width = width.max(1);
    let attempts: [Tweak; 3] = [|c| c, |c| c.raw_mode(true), |c| c.allow_width_overflow()];
    let mut tree = Some(tree);
    for tweak in attempts {
        if cancel.raised() {
            return None;
        }
        let this = match tree.take().or_else(again) {
            Some(this) => this,
            None if cancel.raised() => return None,
            None => break,
        };
        let decorator = Decorator::default();
        let hrefs = decorator.hrefs.clone();
        if let Ok(lines) = tweak(config(decorator)).render_to_lines(this, usize::from(width)) {
            if cancel.raised() {
                return None;
            }
            return Some(convert(lines, hrefs.take(), base, width));
        }
    }
    Some(Rendered {
        width,
        lines: vec![super::Line::plain("[this page could not be laid out]")],
        positions: vec![0],
        ..Rendered::default()
    })
}

/// How many steps of style-rule matching a page may take (a step is one part of a selector
/// tried on one element; a few hundred milliseconds). Past that its rules no longer hide
/// anything: a page can otherwise make every element try every rule against every ancestor.
const CSS_MATCH_STEPS: usize = 10_000_000;

pub(super) fn config(decorator: Decorator) -> Config<Decorator> {
    // Unicode strikeout would add combining characters to the text; strike is a style here.
    // The page's <style> sheets and style attributes: what they hide is not shown.
    html2text::config::with_decorator(decorator)
        .unicode_strikeout(false)
        .use_doc_css()
        .css_match_limit(CSS_MATCH_STEPS)
}

/// Laid-out lines, and the hrefs of the links they number.
pub(super) type Lines = (Vec<TaggedLine<Vec<Ann>>>, Vec<String>);

/// Lay `tree` out for `width` columns (at least 1) in html2text's first setup only (no
/// fallback), its links numbered after `links_before` others (a piece of a page, after the
/// earlier pieces'). `None` when it does not fit: the caller then lays the whole page out.
pub(super) fn lines(tree: RenderTree, width: u16, links_before: usize) -> Option<Lines> {
    let decorator = Decorator { links_before, ..Decorator::default() };
    let hrefs = decorator.hrefs.clone();
    let lines = config(decorator).render_to_lines(tree, usize::from(width.max(1))).ok()?;
    Some((lines, hrefs.take()))
}

/// Convert laid-out lines to spans, links, anchors and reading positions.
pub(super) fn convert(
    lines: Vec<TaggedLine<Vec<Ann>>>,
    hrefs: Vec<String>,
    base: &Url,
    width: u16,
) -> Rendered {
    convert_part(lines, hrefs, base, 0).finish(width)
}

/// Convert laid-out lines whose links are numbered after `links_before` others (a piece of
/// a page: `super::pieces`) to a part of a page.
pub(super) fn convert_part(
    lines: Vec<TaggedLine<Vec<Ann>>>,
    hrefs: Vec<String>,
    base: &Url,
    links_before: usize,
) -> Part {
    let converted = convert_lines(lines, links_before, hrefs.len());
    let links = hrefs
        .into_iter()
        .zip(&converted.first_line)
        .map(|(href, &line)| {
            // The target has the page's own characters, not the placeholders shown for them.
            let target = base.join(&crate::sanitize::restore_bidi(href.trim())).ok();
            (LinkRef { target, href, line: 0 }, line)
        })
        .collect();
    Part { converted, links }
}

/// Lines converted, with their links: a page, or a piece of one that later pieces are
/// appended to ([`Part::append`]) as the whole page's lines would follow.
pub(super) struct Part {
    converted: Converted,
    /// The links, each with the first line it is on (`None`: html2text dropped its text).
    links: Vec<(LinkRef, Option<usize>)>,
}

impl Part {
    /// Lines and links: how much room the parts that follow will take.
    pub(super) fn size(&self) -> (usize, usize) {
        (self.converted.lines.len(), self.links.len())
    }

    /// Make room for `lines` lines and `links` links more, at once (growing step by step, a
    /// long page's vectors would be held twice over while copied).
    pub(super) fn reserve(&mut self, (lines, links): (usize, usize)) {
        self.converted.lines.reserve_exact(lines);
        self.converted.positions.reserve_exact(lines);
        self.links.reserve_exact(links);
    }

    /// Append the part that follows this one in the page, after the blank line html2text
    /// puts before a block when anything came before it.
    pub(super) fn append(&mut self, later: Part) {
        let (this, Part { converted: later, links }) = (&mut self.converted, later);
        if this.has_text_element {
            this.lines.push(super::Line::default());
            this.positions.push(this.end_position);
        }
        let offset = this.lines.len();
        // Fragment names after this part's last text belong to the next text.
        if let Some(first) = later.first_text_line {
            for name in this.pending.drain(..) {
                this.anchors.entry(name).or_insert(offset + first);
            }
        }
        for (name, line) in later.anchors {
            this.anchors.entry(name).or_insert(offset + line);
        }
        this.pending.extend(later.pending);
        this.first_text_line = this.first_text_line.or(later.first_text_line.map(|line| offset + line));
        self.links.extend(links.into_iter().map(|(link, line)| (link, line.map(|line| offset + line))));
        let before = this.end_position;
        this.positions.extend(later.positions.into_iter().map(|p| p.saturating_add(before)));
        this.end_position = before.saturating_add(later.end_position);
        this.lines.extend(later.lines);
        this.has_text_element |= later.has_text_element;
    }

    /// The page laid out for `width`.
    pub(super) fn finish(self, width: u16) -> Rendered {
        let Part { converted: Converted { lines, mut anchors, pending, positions, .. }, links } = self;
        let last = lines.len().saturating_sub(1);
        for name in pending {
            anchors.entry(name).or_insert(last);
        }
        let mut previous = 0;
        let links = links
            .into_iter()
            .map(|(link, line)| {
                // A link whose text html2text dropped points where the previous one was.
                previous = line.unwrap_or(previous);
                LinkRef { line: previous, ..link }
            })
            .collect();
        Rendered { width, lines, links, anchors, positions }
    }
}

/// Lines converted.
#[derive(Default)]
struct Converted {
    lines: Vec<super::Line>,
    /// For each link, the first of these lines it is on.
    first_line: Vec<Option<usize>>,
    anchors: HashMap<String, usize>,
    /// Fragment names after the last line with text.
    pending: Vec<String>,
    /// For each line, the letters and digits of the page before it.
    positions: Vec<u32>,
    /// The letters and digits of all the lines.
    end_position: u32,
    /// The first line with text.
    first_text_line: Option<usize>,
    /// Some line has a text element (white space too): html2text starts a block after
    /// these lines with a blank line.
    has_text_element: bool,
}

/// Convert `lines` for `links` links, numbered after `links_before`; each line's text is
/// let go of once converted, so the page is not held twice over.
fn convert_lines(lines: Vec<TaggedLine<Vec<Ann>>>, links_before: usize, links: usize) -> Converted {
    let mut first_line: Vec<Option<usize>> = vec![None; links];
    let mut anchors = HashMap::new();
    // html2text often leaves a block's fragment marker at the end of the line before the
    // block (headings) or alone on a line (divs): such a marker belongs to the next text.
    let mut pending: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    let mut positions = Vec::with_capacity(lines.len());
    let mut position: u32 = 0;
    let (mut first_text_line, mut has_text_element) = (None, false);
    // A line is made in these (kept from line to line), then copied once into its spans.
    let mut spans = Spans::default();
    for (index, line) in lines.into_iter().enumerate() {
        let line = &line;
        let has_text = |e: &TaggedLineElement<Vec<Ann>>| !e.as_str().trim().is_empty();
        let last_text = line.iter().enumerate().filter(|(_, e)| has_text(e)).last();
        has_text_element = has_text_element || line.iter().any(|e| matches!(e, TaggedLineElement::Str(_)));
        if last_text.is_some() {
            first_text_line = first_text_line.or(Some(index));
            for name in pending.drain(..) {
                anchors.entry(name).or_insert(index);
            }
        }
        // Where the last table border is; only asked when a heading mark is met (rare).
        let mut last_border = None;
        spans.clear();
        let mut pos = 0;
        let (mut heading, mut quote) = (false, false);
        let mut heading_level = 0;
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
            if let Some(link) = base_style.link_index() {
                if let Some(slot @ None) = link.checked_sub(links_before).and_then(|i| first_line.get_mut(i))
                {
                    *slot = Some(index);
                }
            }
            // Most fragments hold no mark, border, tab or control character: they are copied
            // whole. The others are copied in runs between those characters.
            if is_plain(&ts.s) {
                pos += ts.s.chars().count();
                spans.push_str(&ts.s, SpanStyle { heading, quote, heading_level, ..base_style });
                continue;
            }
            // Where the run of ordinary characters not yet copied starts.
            let mut run = 0;
            for (at, c) in ts.s.char_indices() {
                pos += 1;
                let special = matches!(c, HEADING_MARK..=HEADING_MARK_6 | QUOTE_MARK | CELL_BORDER | '\t')
                    || c.is_control();
                if !special {
                    continue;
                }
                if run < at {
                    spans.push_str(&ts.s[run..at], SpanStyle { heading, quote, heading_level, ..base_style });
                }
                run = at + c.len_utf8();
                let c = match c {
                    HEADING_MARK..=HEADING_MARK_6 => {
                        heading = true;
                        heading_level = heading_level_of(c).unwrap_or(1);
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
                        (heading, quote, heading_level) = (false, false, 0);
                        c
                    }
                    '\t' => ' ',
                    _ => continue,
                };
                let style = SpanStyle { heading, quote, heading_level, ..base_style };
                spans.push_str(c.encode_utf8(&mut [0; 4]), style);
            }
            if run < ts.s.len() {
                spans.push_str(&ts.s[run..], SpanStyle { heading, quote, heading_level, ..base_style });
            }
        }
        spans.trim_end();
        positions.push(position);
        // Letters and digits are the text itself, not borders, bullets or wrapping marks.
        position = position.saturating_add(letters_and_digits(&spans.text));
        out.push(spans.line());
    }
    let end_position = position;
    Converted {
        lines: out,
        first_line,
        anchors,
        pending,
        positions,
        end_position,
        first_text_line,
        has_text_element,
    }
}

/// Whether `text` holds none of the characters [`convert_lines`] looks at one by one (the
/// marks, the cell border, tabs, controls), told from its bytes: those are below a space,
/// DEL, or start with 0xC2 (C1 controls) or 0xE2 (the border). Every fragment of every line
/// goes through here: the bytes are looked at in whole chunks, without branching (the
/// compiler makes it vector code).
fn is_plain(text: &str) -> bool {
    let may_start = |c: u8| c < 0x20 || c == 0x7f || c == 0xc2 || c == 0xe2;
    !text.as_bytes().chunks(32).any(|chunk| chunk.iter().fold(false, |any, &c| any | may_start(c)))
}

/// How many letters and digits `text` has (ASCII text, most of a page, byte by byte).
fn letters_and_digits(text: &str) -> u32 {
    let count = if text.is_ascii() {
        text.bytes().filter(u8::is_ascii_alphanumeric).count()
    } else {
        text.chars().filter(|&c| !never_alphanumeric(c) && c.is_alphanumeric()).count()
    };
    count as u32
}

/// Characters known not to be letters or digits without Unicode's tables, which are slow to
/// search: a no-break space, arrows, and the box drawing and block characters of table
/// borders and rules (the most common characters beyond ASCII in laid-out pages).
fn never_alphanumeric(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{2190}'..='\u{21ff}' | '\u{2500}'..='\u{259f}')
}

/// A link's `[N]`, made without the formatting machinery: it is made for every link of
/// every page.
fn link_label(number: usize) -> String {
    let mut digits = [0u8; 20];
    let (mut rest, mut first) = (number, digits.len());
    loop {
        first -= 1;
        digits[first] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut label = String::with_capacity(digits.len() - first + 2);
    label.push('[');
    label.extend(digits[first..].iter().map(|&d| char::from(d)));
    label.push(']');
    label
}

/// The level of the heading whose mark `c` is (see [`HEADING_MARK`]).
fn heading_level_of(c: char) -> Option<u8> {
    let level = u32::from(c).checked_sub(u32::from(HEADING_MARK))? + 1;
    (level <= 6).then_some(level as u8)
}

/// The spans of the line being converted: its text, and where each style's run of it ends.
#[derive(Default)]
struct Spans {
    text: String,
    runs: Vec<(usize, SpanStyle)>,
}

impl Spans {
    fn clear(&mut self) {
        self.text.clear();
        self.runs.clear();
    }

    /// Append text to the last span when it has the same style, else start a span.
    fn push_str(&mut self, text: &str, style: SpanStyle) {
        self.text.push_str(text);
        match self.runs.last_mut() {
            Some((end, last)) if *last == style => *end = self.text.len(),
            _ => self.runs.push((self.text.len(), style)),
        }
    }

    /// Drop the spaces that end the line, and the spans they were all of.
    fn trim_end(&mut self) {
        let trimmed = self.text.trim_end_matches(' ').len();
        self.text.truncate(trimmed);
        while let Some(last) = self.runs.len().checked_sub(1) {
            let start = last.checked_sub(1).map_or(0, |before| self.runs[before].0);
            let end = &mut self.runs[last].0;
            *end = (*end).min(trimmed);
            if *end > start {
                break;
            }
            self.runs.pop();
        }
    }

    /// The line, each span's text allocated once at its size (a line is kept as long as
    /// the page).
    fn line(&self) -> super::Line {
        let mut start = 0;
        let spans = self.runs.iter().map(|&(end, style)| {
            let span = Span::new(&self.text[start..end], style);
            start = end;
            span
        });
        super::Line { spans: spans.collect() }
    }
}

fn style_of(tags: &[Ann]) -> SpanStyle {
    let mut style = SpanStyle::default();
    for tag in tags {
        match tag {
            Ann::Plain => {}
            Ann::Link(i) => style.link = u32::try_from(*i).ok(),
            Ann::Em => style.italic = true,
            Ann::Strong => style.bold = true,
            Ann::Strike => style.strike = true,
            Ann::Code => style.code = true,
            Ann::Pre => style.pre = true,
            Ann::Image => style.image = true,
            Ann::Fg(c) => style.fg = Some([c.r, c.g, c.b]),
            Ann::Bg(c) => style.bg = Some([c.r, c.g, c.b]),
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
    /// The page's colours (see [`SpanStyle::fg`]).
    Fg(html2text::Colour),
    Bg(html2text::Colour),
}

/// Numbers links as html2text meets them in reading order. html2text clones the decorator
/// for sub-blocks (table cells, list items), so the list of hrefs is shared; size estimation
/// never starts links, so each link is numbered exactly once per layout.
#[derive(Clone, Default)]
pub(super) struct Decorator {
    /// This layout's links (`links_before` come before them).
    pub(super) hrefs: Rc<RefCell<Vec<String>>>,
    /// How many links the page has before this layout's first: its first is numbered after
    /// them (a piece of a page, laid out apart: `super::pieces`).
    pub(super) links_before: usize,
}

impl TextDecorator for Decorator {
    type Annotation = Ann;

    fn decorate_link_start(&mut self, url: &str) -> (String, Ann) {
        let mut hrefs = self.hrefs.borrow_mut();
        hrefs.push(url.to_string());
        let number = self.links_before + hrefs.len();
        (link_label(number), Ann::Link(number - 1))
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
        let ann = if src == super::parse::LABEL_SRC { Ann::Plain } else { Ann::Image };
        (title.to_string(), ann)
    }
    fn header_prefix(&self, level: usize) -> String {
        let offset = level.clamp(1, 6) as u32 - 1;
        char::from_u32(u32::from(HEADING_MARK) + offset).unwrap_or(HEADING_MARK).to_string()
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
    fn link_decoration_width(&self, n: usize) -> usize {
        // The `[N]` of `decorate_link_start`; `n` counts the links of this layout. A link
        // whose place is not known (0) is taken for the first: the same in a piece of a page
        // numbered after others as in the whole page.
        let number = if n == 0 { 1 } else { self.links_before + n };
        number.to_string().len() + 2
    }
    fn push_colour(&mut self, colour: html2text::Colour) -> Option<Ann> {
        Some(Ann::Fg(colour))
    }
    fn pop_colour(&mut self) -> bool {
        true
    }
    fn push_bgcolour(&mut self, colour: html2text::Colour) -> Option<Ann> {
        Some(Ann::Bg(colour))
    }
    fn pop_bgcolour(&mut self) -> bool {
        true
    }
    fn finalise(&mut self, _urls: Vec<String>) -> Vec<TaggedLine<Ann>> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laid_out(html: &str, width: u16) -> Rendered {
        let url = Url::parse("http://example.com/").expect("constant URL");
        let parsed = super::super::parse::parse(&url, html, &Cancel::new()).expect("parsed");
        lay_out(parsed.tree, &parsed.base, width, &Cancel::new(), &|| None).expect("laid out")
    }

    #[test]
    fn a_line_is_made_of_spans_each_holding_its_own_run_of_text() {
        // A long page holds hundreds of thousands of spans: their size is its memory.
        assert!(std::mem::size_of::<Span>() <= 48, "{} bytes", std::mem::size_of::<Span>());
        let r =
            laid_out("<p>plain <b>bold</b> <a href=x>link</a> end   </p><p>   </p><p>x<b>   </b></p>", 80);
        let spans: Vec<(&str, bool, Option<usize>)> =
            r.lines[0].spans.iter().map(|s| (&*s.text, s.style.bold, s.style.link_index())).collect();
        assert_eq!(
            spans,
            [
                ("plain ", false, None),
                ("bold", true, None),
                (" ", false, None),
                ("[1]link", false, Some(0)),
                (" end", false, None)
            ]
        );
        // Trailing spaces go, with the spans that were nothing else.
        let last: Vec<&str> =
            r.lines.last().map(|l| l.spans.iter().map(|s| &*s.text).collect()).unwrap_or_default();
        assert_eq!(last, ["x"]);
    }

    #[test]
    fn the_quick_tests_of_the_conversion_agree_with_what_they_stand_for() {
        for number in [1, 9, 10, 4001, usize::MAX] {
            assert_eq!(link_label(number), format!("[{number}]"));
        }
        for c in ['\u{a0}'].into_iter().chain('\u{2190}'..='\u{21ff}').chain('\u{2500}'..='\u{259f}') {
            assert!(never_alphanumeric(c) && !c.is_alphanumeric(), "{c:?}");
        }
        for text in
            ["plain", "it’s – … “so”", "a\tb", "a │ b", "\u{85}next", "x\u{11}", "\u{2}>", "\u{7f}", "é 日本"]
        {
            let ordinary = !text.chars().any(|c| {
                matches!(c, HEADING_MARK..=HEADING_MARK_6 | QUOTE_MARK | CELL_BORDER | '\t') || c.is_control()
            });
            // Text with any 0xE2 character goes the long way for nothing; never the other way.
            assert!(!is_plain(text) || ordinary, "{text:?}");
        }
        assert!(is_plain("plain") && is_plain("é 日本"));
    }

    #[test]
    fn text_around_borders_and_marks_is_copied_in_runs_of_one_style() {
        let r = laid_out("<table><tr><td>it’s <b>bold</b></td><td>“x”</td></tr></table><h2>Head’s</h2>", 80);
        let lines: Vec<Vec<(&str, bool, bool)>> = r
            .lines
            .iter()
            .map(|l| l.spans.iter().map(|s| (&*s.text, s.style.bold, s.style.heading)).collect())
            .filter(|l: &Vec<_>| !l.is_empty())
            .collect();
        assert_eq!(
            lines,
            [
                vec![("─────────┬───", false, false)],
                vec![("it’s ", false, false), ("bold", true, false), ("│“x”", false, false)],
                vec![("─────────┴───", false, false)],
                vec![("Head’s", false, true)],
            ]
        );
    }

    #[test]
    fn a_place_in_the_text_is_the_same_at_every_width() {
        let html: String = (0..200)
            .map(|i| {
                format!("<p id=p{i}>Paragraph {i} of many words that wrap differently at each width.</p>")
            })
            .collect();
        let wide = laid_out(&html, 120);
        let narrow = laid_out(&html, 30);
        for i in [0usize, 17, 120, 199] {
            let (w, n) = (wide.anchors[&format!("p{i}")], narrow.anchors[&format!("p{i}")]);
            assert_eq!(narrow.line_at(wide.position_of(w)), n, "paragraph {i}");
            assert_eq!(wide.line_at(narrow.position_of(n)), w, "paragraph {i}");
        }
        assert_eq!(narrow.positions.len(), narrow.lines.len());
    }

    #[test]
    fn a_layout_without_room_is_tried_again_on_a_new_tree() {
        let url = Url::parse("http://example.com/").expect("constant URL");
        let html = format!("{}deep text{}", "<blockquote>".repeat(30), "</blockquote>".repeat(30));
        let tree = || Some(super::super::parse::parse(&url, &html, &Cancel::new())?.tree);
        let asked = std::cell::Cell::new(0);
        let again = || {
            asked.set(asked.get() + 1);
            tree()
        };
        let rendered = lay_out(tree().expect("parsed"), &url, 20, &Cancel::new(), &again).expect("laid out");
        let text: Vec<String> = rendered.lines.iter().map(|l| l.text()).collect();
        assert!(asked.get() >= 1, "the first attempt fitted: {text:?}");
        assert!(text[0].ends_with("dee") && text[2].ends_with("tex"), "{text:?}");
        let nothing = lay_out(tree().expect("parsed"), &url, 20, &Cancel::new(), &|| None).expect("laid out");
        assert_eq!(nothing.lines[0].text(), "[this page could not be laid out]");
    }

    #[test]
    fn a_raised_flag_stops_the_layout() {
        let url = Url::parse("http://example.com/").expect("constant URL");
        let parsed = super::super::parse::parse(&url, "<p>x</p>", &Cancel::new()).expect("parsed");
        let cancel = Cancel::new();
        cancel.raise();
        assert!(lay_out(parsed.tree, &parsed.base, 40, &cancel, &|| None).is_none());
    }
}
