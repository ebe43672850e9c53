//! Convert HTML to text formats.
//!
//! This crate renders HTML into a text format, wrapped to a specified width.
//! This can either be plain text or with extra annotations to (for example)
//! show in a terminal which supports colours.
//!
//! # Examples
//!
//! ```rust
//! # use html2text::from_read;
//! let html = b"
//!        <ul>
//!          <li>Item one</li>
//!          <li>Item two</li>
//!          <li>Item three</li>
//!        </ul>";
//! assert_eq!(from_read(&html[..], 20).unwrap(),
//!            "\
//! * Item one
//! * Item two
//! * Item three
//! ");
//! ```
//! A couple of simple demonstration programs are included as examples:
//!
//! ### html2text
//!
//! The simplest example uses `from_read` to convert HTML on stdin into plain
//! text:
//!
//! ```sh
//! $ cargo run --example html2text < foo.html
//! [...]
//! ```
//!
//! ### html2term
//!
//! A very simple example of using the rich interface (`from_read_rich`) for a
//! slightly interactive console HTML viewer is provided as `html2term`.
//!
//! ```sh
//! $ cargo run --example html2term foo.html
//! [...]
//! ```
//!
//! Note that this example takes the HTML file as a parameter so that it can
//! read keys from stdin.
//!

#![deny(missing_docs)]

// Check code in README.md
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadMe;

#[macro_use]
mod macros;

pub mod css;
pub mod render;

/// Extra methods on chars for dealing with special cases with wrapping and whitespace.
trait WhitespaceExt {
    /// Returns whether this character always takes space. This is true for non-whitespace and
    /// non-breaking spaces.
    fn always_takes_space(&self) -> bool;

    /// Returns true if a word before this character is allowed. This includes most whitespace
    /// (but not non-breaking space).
    fn is_wordbreak_point(&self) -> bool;
}

impl WhitespaceExt for char {
    fn always_takes_space(&self) -> bool {
        match *self {
            '\u{A0}' => true,
            c if !c.is_whitespace() => true,
            _ => false,
        }
    }

    fn is_wordbreak_point(&self) -> bool {
        match *self {
            '\u{00A0}' => false,
            '\u{200b}' => true,
            c if c.is_whitespace() => true,
            _ => false,
        }
    }
}

/// margay patch: the soft hyphen (`&shy;`), a hint for hyphenation; the renderer drops it.
pub(crate) const SOFT_HYPHEN: char = '\u{ad}';

/// margay patch: whether a line may break between two adjacent characters with no space
/// between them. Only where one of them is Chinese, Japanese or Korean (ideographs, kana,
/// Hangul): there the Unicode line breaking rules (UAX #14) decide, so that such text wraps
/// anywhere but before closing or after opening punctuation. Elsewhere text breaks only at
/// white space, as it always has here.
#[inline]
pub(crate) fn breaks_between(before: char, after: char) -> bool {
    // Nothing below U+1100 (Hangul Jamo) is Chinese, Japanese or Korean.
    if (before as u32) < 0x1100 && (after as u32) < 0x1100 {
        return false;
    }
    breaks_between_cjk(before, after)
}

fn breaks_between_cjk(before: char, after: char) -> bool {
    use unicode_linebreak::{BreakClass, break_property};
    let cjk = |c: char| {
        matches!(
            break_property(c as u32),
            BreakClass::Ideographic
                | BreakClass::ConditionalJapaneseStarter
                | BreakClass::HangulLvSyllable
                | BreakClass::HangulLvtSyllable
                | BreakClass::HangulLJamo
                | BreakClass::HangulVJamo
                | BreakClass::HangulTJamo
        )
    };
    if !cjk(before) && !cjk(after) {
        return false;
    }
    let mut pair = [0u8; 8];
    let split = before.encode_utf8(&mut pair).len();
    let end = split + after.encode_utf8(&mut pair[split..]).len();
    let pair = std::str::from_utf8(&pair[..end]).unwrap_or_default();
    unicode_linebreak::linebreaks(pair).any(|(at, _)| at == split)
}

/// margay patch: whether a line break in the source between these two characters is no
/// space at all, as in CSS (segment break transformation): between two wide East Asian
/// characters other than Hangul, where a line of the source ends inside a sentence.
pub(crate) fn joins_across_newline(before: char, after: char) -> bool {
    fn wide_not_hangul(c: char) -> bool {
        let hangul = matches!(c, '\u{1100}'..='\u{11ff}' | '\u{3130}'..='\u{318f}'
            | '\u{a960}'..='\u{a97f}' | '\u{ac00}'..='\u{d7ff}');
        let halfwidth_katakana = matches!(c, '\u{ff61}'..='\u{ff9f}');
        !hangul && (halfwidth_katakana || unicode_width::UnicodeWidthChar::width(c) == Some(2))
    }
    wide_not_hangul(before) && wide_not_hangul(after)
}

// margay patch: `StrExt` (`trim_collapsible_ws`) went with the rough size estimate of text.

#[cfg(feature = "css_ext")]
/// Text style information.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TextStyle {
    /// The foreground colour
    pub fg_colour: Colour,
    /// The background colour, or None.
    pub bg_colour: Option<Colour>,
}

#[cfg(feature = "css_ext")]
impl TextStyle {
    /// Create a TextStyle from foreground and background colours.
    pub fn colours(fg_colour: Colour, bg_colour: Colour) -> Self {
        TextStyle {
            fg_colour,
            bg_colour: Some(bg_colour),
        }
    }

    /// Create a TextStyle using only a foreground colour.
    pub fn foreground(fg_colour: Colour) -> Self {
        TextStyle {
            fg_colour,
            bg_colour: None,
        }
    }
}

#[cfg(feature = "css_ext")]
/// Syntax highlighter function.
///
/// Takes a string corresponding to some text to be highlighted, and returns
/// spans with sub-strs of that text with associated colours.
pub type SyntaxHighlighter = Box<dyn for<'a> Fn(&'a str) -> Vec<(TextStyle, &'a str)>>;

use markup5ever_rcdom::Node;
use render::text_renderer::{
    RenderLine, RenderOptions, RichAnnotation, SubRenderer, TaggedLine, TextRenderer,
};
use render::{Renderer, TextDecorator, TrivialDecorator};

use html5ever::driver::ParseOpts;
use html5ever::parse_document;
use html5ever::tree_builder::TreeBuilderOpts;
mod markup5ever_rcdom;
pub use html5ever::{expanded_name, local_name, namespace_url, ns};
// margay patch: `Text` too, so that a caller walking the DOM can tell text nodes by type.
pub use markup5ever_rcdom::{
    Handle,
    NodeData::{Comment, Document, Element, Text},
    RcDom,
};

use std::cell::{Cell, OnceCell, RefCell};
use std::cmp::{max, min};
use std::collections::{BTreeSet, HashMap};
#[cfg(feature = "css_ext")]
use std::ops::Range;
use std::rc::Rc;
// margay patch: widths are measured by `render::text_renderer::str_width`.

use std::io;
use std::io::Write;
use std::iter::{once, repeat};

#[derive(Debug, Copy, Clone, Default, PartialEq, Eq)]
pub(crate) enum WhiteSpace {
    #[default]
    Normal,
    // NoWrap,
    Pre,
    #[allow(unused)]
    PreWrap,
    // PreLine,
    // BreakSpaces,
}

impl WhiteSpace {
    pub fn preserve_whitespace(&self) -> bool {
        match self {
            WhiteSpace::Normal => false,
            WhiteSpace::Pre | WhiteSpace::PreWrap => true,
        }
    }
    #[allow(unused)]
    pub fn do_wrap(&self) -> bool {
        match self {
            WhiteSpace::Normal | WhiteSpace::PreWrap => true,
            WhiteSpace::Pre => false,
        }
    }
}

/// An RGB colour value
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Colour {
    /// Red value
    pub r: u8,
    /// Green value
    pub g: u8,
    /// Blue value
    pub b: u8,
}

impl std::fmt::Display for Colour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

#[derive(Debug, Copy, Clone, PartialEq, Eq, Default, PartialOrd)]
pub(crate) enum StyleOrigin {
    #[default]
    None,
    Agent,
    #[allow(unused)]
    User,
    #[allow(unused)]
    Author,
}

#[derive(Debug, Copy, Clone, PartialEq, Eq, Default)]
pub(crate) struct Specificity {
    inline: bool,
    id: u16,
    class: u16,
    typ: u16,
}

impl Specificity {
    #[cfg(feature = "css")]
    fn inline() -> Self {
        Specificity {
            inline: true,
            id: 0,
            class: 0,
            typ: 0,
        }
    }
}

impl std::ops::Add<&Specificity> for &Specificity {
    type Output = Specificity;

    fn add(self, rhs: &Specificity) -> Self::Output {
        Specificity {
            inline: self.inline || rhs.inline,
            id: self.id + rhs.id,
            class: self.class + rhs.class,
            typ: self.typ + rhs.typ,
        }
    }
}

impl std::ops::AddAssign<&Specificity> for Specificity {
    fn add_assign(&mut self, rhs: &Specificity) {
        self.inline = self.inline || rhs.inline;
        self.id += rhs.id;
        self.class += rhs.class;
        self.typ += rhs.typ;
    }
}

impl PartialOrd for Specificity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        match self.inline.partial_cmp(&other.inline) {
            Some(core::cmp::Ordering::Equal) => {}
            ord => return ord,
        }
        match self.id.partial_cmp(&other.id) {
            Some(core::cmp::Ordering::Equal) => {}
            ord => return ord,
        }
        match self.class.partial_cmp(&other.class) {
            Some(core::cmp::Ordering::Equal) => {}
            ord => return ord,
        }
        self.typ.partial_cmp(&other.typ)
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct WithSpec<T> {
    val: Option<T>,
    origin: StyleOrigin,
    specificity: Specificity,
    important: bool,
}
impl<T: Clone> WithSpec<T> {
    pub(crate) fn maybe_update(
        &mut self,
        important: bool,
        origin: StyleOrigin,
        specificity: Specificity,
        val: T,
    ) {
        if self.val.is_some() {
            // We already have a value, so need to check.
            if self.important && !important {
                // important takes priority over not important.
                return;
            }
            // importance is the same.  Next is checking the origin.
            {
                use StyleOrigin::*;
                match (self.origin, origin) {
                    (Agent, Agent) | (User, User) | (Author, Author) => {
                        // They're the same so continue the comparison
                    }
                    (mine, theirs) => {
                        if (important && theirs > mine) || (!important && mine > theirs) {
                            return;
                        }
                    }
                }
            }
            // We're now from the same origin an importance
            if specificity < self.specificity {
                return;
            }
        }
        self.val = Some(val);
        self.origin = origin;
        self.specificity = specificity;
        self.important = important;
    }

    pub fn val(&self) -> Option<&T> {
        self.val.as_ref()
    }
}

impl<T> Default for WithSpec<T> {
    fn default() -> Self {
        WithSpec {
            val: None,
            origin: StyleOrigin::None,
            specificity: Default::default(),
            important: false,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ComputedStyle {
    #[cfg(feature = "css")]
    /// The computed foreground colour, if any
    pub(crate) colour: WithSpec<Colour>,
    #[cfg(feature = "css")]
    /// The computed background colour, if any
    pub(crate) bg_colour: WithSpec<Colour>,
    #[cfg(feature = "css")]
    /// If set, indicates whether `display: none` or something equivalent applies
    pub(crate) display: WithSpec<css::Display>,
    /// The CSS white-space property
    pub(crate) white_space: WithSpec<WhiteSpace>,
    /// The CSS content property
    pub(crate) content: WithSpec<css::PseudoContent>,
    #[cfg(feature = "css_ext")]
    pub(crate) syntax: WithSpec<css::SyntaxInfo>,

    /// The CSS content property for ::before
    pub(crate) content_before: Option<Box<ComputedStyle>>,
    /// The CSS content property for ::after
    pub(crate) content_after: Option<Box<ComputedStyle>>,

    /// A non-CSS flag indicating we're inside a <pre>.
    pub(crate) internal_pre: bool,
}

impl ComputedStyle {
    /// Return the style data inherited by children.
    pub(crate) fn inherit(&self) -> Self {
        // TODO: clear fields that shouldn't be inherited
        self.clone()
    }
}

/// Errors from reading or rendering HTML
#[derive(thiserror::Error, Debug)]
#[non_exhaustive]
pub enum Error {
    /// The output width was too narrow to render to.
    #[error("Output width not wide enough.")]
    TooNarrow,
    /// CSS parse error
    #[error("Invalid CSS")]
    CssParseError,
    /// An general error was encountered.
    #[error("Unknown failure")]
    Fail,
    /// An I/O error
    #[error("I/O error")]
    IoError(#[from] io::Error),
}

impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        use Error::*;
        match (self, other) {
            (TooNarrow, TooNarrow) => true,
            #[cfg(feature = "css")]
            (CssParseError, CssParseError) => true,
            (Fail, Fail) => true,
            _ => false,
        }
    }
}

impl Eq for Error {}

type Result<T> = std::result::Result<T, Error>;

const MIN_WIDTH: usize = 3;

/// Size information/estimate
#[derive(Debug, Copy, Clone, Default)]
struct SizeEstimate {
    // margay patch: `size`, the rough overall size, is gone: table columns are sized by
    // `measure`.
    min_width: usize, // The narrowest possible

    // The use is specific to the node type.
    prefix_size: usize,
}

impl SizeEstimate {
    /// Combine two estimates into one (add size and take the largest
    /// min width)
    fn add(self, other: SizeEstimate) -> SizeEstimate {
        let min_width = max(self.min_width, other.min_width);
        // margay patch: (no rough size)
        SizeEstimate {
            min_width,
            prefix_size: 0,
        }
    }
    /// Combine two estimates into one which need to be side by side.
    /// The min widths are added.
    fn add_hor(self, other: SizeEstimate) -> SizeEstimate {
        SizeEstimate {
            min_width: self.min_width + other.min_width,
            prefix_size: 0,
        }
    }
}

/// margay patch: the widths of the runs of some inline content, of lines or of words. Runs
/// at the start and the end stay open: they join the runs of the content next to them.
#[derive(Debug, Copy, Clone, Default)]
struct Extent {
    /// The run before the first break (the whole content when there is no break).
    head: usize,
    /// The widest run between two breaks.
    inner: usize,
    /// The run after the last break.
    tail: usize,
    /// Whether the content has a break.
    split: bool,
    /// Lines: whether the content starts (ends) with white space the renderer collapses.
    space_before: bool,
    space_after: bool,
}

impl Extent {
    /// An unbroken run `width` columns wide.
    fn run(width: usize) -> Extent {
        Extent {
            head: width,
            tail: width,
            ..Default::default()
        }
    }

    /// Content with breaks before and after, whose widest run is `width` columns.
    fn block(width: usize) -> Extent {
        Extent {
            inner: width,
            split: true,
            ..Default::default()
        }
    }

    fn widest(&self) -> usize {
        max(self.head, max(self.inner, self.tail))
    }

    fn is_empty(&self) -> bool {
        !self.split && self.head == 0
    }

    /// This content followed by `next`. `spaced`: white space between the two counts one
    /// column (lines), or is a break already (words).
    fn then(self, next: Extent, spaced: bool) -> Extent {
        if next.is_empty() && !next.space_before {
            return self;
        }
        if self.is_empty() && !self.space_after {
            return next;
        }
        let space = spaced
            && self.tail > 0
            && next.head > 0
            && (self.space_after || next.space_before);
        let join = self.tail + usize::from(space) + next.head;
        let (head, inner, tail) = match (self.split, next.split) {
            (false, false) => (join, 0, join),
            (true, false) => (self.head, self.inner, join),
            (false, true) => (join, next.inner, next.tail),
            (true, true) => (self.head, max(max(self.inner, next.inner), join), next.tail),
        };
        Extent {
            head,
            inner,
            tail,
            split: self.split || next.split,
            space_before: self.space_before || (self.is_empty() && next.space_before),
            space_after: next.space_after || (next.is_empty() && self.space_after),
        }
    }
}

/// margay patch: the narrowest a text can be laid out, as the rough size of text measured it
/// (white space collapsed, one more for white space before the text), up to `limit`.
fn text_min_width(text: &str, limit: usize) -> usize {
    let (mut len, mut spaced) = (0, false);
    for c in text.chars() {
        if !c.always_takes_space() {
            spaced = true;
            continue;
        }
        len += usize::from(spaced) + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        spaced = false;
        if len >= limit {
            return limit;
        }
    }
    len.min(limit)
}

/// margay patch: the line and word extents of some text, as the renderer lays it out:
/// white space collapsed (`pre`: kept, lines ending at newlines), soft hyphens dropped,
/// breaks at white space, zero-width spaces and between CJK characters.
fn text_extents(text: &str, pre: bool) -> (Extent, Extent) {
    let mut line = Extent::default();
    let mut word = Extent::default();
    // The open line and word, and whether white space (with a newline) came since a character.
    let (mut line_run, mut word_run) = (0, 0);
    let (mut spaced, mut newline) = (false, false);
    let mut prev: Option<char> = None;
    fn close(extent: &mut Extent, run: &mut usize) {
        if extent.split {
            extent.inner = max(extent.inner, *run);
        } else {
            extent.head = *run;
            extent.split = true;
        }
        *run = 0;
    }
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if (0x21..0x7f).contains(&byte) {
            // A run of printable ASCII but the space: a column a byte, no break inside.
            let run = bytes[at..].iter().take_while(|b| (0x21..0x7f).contains(*b)).count();
            if let Some(before) = prev {
                if word_run > 0 && breaks_between(before, char::from(byte)) {
                    close(&mut word, &mut word_run);
                }
                line_run += usize::from(spaced);
            }
            (spaced, newline) = (false, false);
            line_run += run;
            word_run += run;
            at += run;
            prev = Some(char::from(bytes[at - 1]));
            continue;
        }
        if !pre && matches!(byte, b' ' | b'\t'..=b'\r') {
            // White space, collapsed (as in the slower path below).
            close(&mut word, &mut word_run);
            line.space_before |= prev.is_none();
            spaced = true;
            newline |= byte == b'\n';
            at += 1;
            continue;
        }
        let Some(c) = text[at..].chars().next() else { break };
        at += c.len_utf8();
        if pre && c == '\n' {
            close(&mut line, &mut line_run);
            close(&mut word, &mut word_run);
            continue;
        }
        if pre && (c == ' ' || c == '\t') {
            close(&mut word, &mut word_run);
            line_run = if c == '\t' { (line_run / 8 + 1) * 8 } else { line_run + 1 };
            continue;
        }
        if !pre && !c.always_takes_space() {
            close(&mut word, &mut word_run);
            if prev.is_none() {
                line.space_before = true;
            }
            spaced = true;
            newline |= c == '\n';
            continue;
        }
        if c == '\u{200b}' {
            close(&mut word, &mut word_run);
            continue;
        }
        let Some(width) = unicode_width::UnicodeWidthChar::width(c) else {
            continue;
        };
        if c == SOFT_HYPHEN {
            continue;
        }
        if let Some(before) = prev {
            if word_run > 0 && breaks_between(before, c) {
                close(&mut word, &mut word_run);
            }
            if spaced && !(newline && joins_across_newline(before, c)) {
                line_run += 1;
            }
        }
        (spaced, newline) = (false, false);
        line_run += width;
        word_run += width;
        prev = Some(c);
    }
    if line.split {
        line.tail = line_run;
    } else {
        line.head = line_run;
        line.tail = line_run;
    }
    if word.split {
        word.tail = word_run;
    } else {
        word.head = word_run;
        word.tail = word_run;
    }
    line.space_after = spaced;
    (line, word)
}

#[derive(Clone, Debug)]
/// Render tree table cell
struct RenderTableCell {
    colspan: usize,
    rowspan: usize,
    content: Vec<RenderNode>,
    size_estimate: Cell<Option<SizeEstimate>>,
    col_width: Option<usize>, // Actual width to use
    x_pos: Option<usize>,     // X location
    style: ComputedStyle,
    is_dummy: bool,
}

impl RenderTableCell {
    /// Calculate or return the estimate size of the cell
    fn get_size_estimate(&self) -> SizeEstimate {
        let Some(size) = self.size_estimate.get() else {
            let size = self
                .content
                .iter()
                .map(|node| node.get_size_estimate())
                .fold(Default::default(), SizeEstimate::add);
            self.size_estimate.set(Some(size));
            return size;
        };
        size
    }

    /// Make a placeholder cell to cover for a cell above with
    /// larger rowspan.
    pub fn dummy(colspan: usize) -> Self {
        RenderTableCell {
            colspan,
            rowspan: 1,
            content: Default::default(),
            size_estimate: Cell::new(Some(SizeEstimate::default())),
            col_width: None,
            x_pos: None,
            style: Default::default(),
            is_dummy: true,
        }
    }

    fn extract_children(self, out: &mut Vec<RenderNode>) {
        out.extend(self.content);
    }
}

#[derive(Clone, Debug)]
/// Render tree table row
struct RenderTableRow {
    cells: Vec<RenderTableCell>,
    col_sizes: Option<Vec<usize>>,
    style: ComputedStyle,
}

impl RenderTableRow {
    /// Return a mutable iterator over the cells.
    fn cells(&self) -> std::slice::Iter<'_, RenderTableCell> {
        self.cells.iter()
    }
    /// Return a mutable iterator over the cells.
    fn cells_mut(&mut self) -> std::slice::IterMut<'_, RenderTableCell> {
        self.cells.iter_mut()
    }
    /// Return an iterator which returns cells by values (removing
    /// them from the row).
    fn cells_drain(&mut self) -> impl Iterator<Item = RenderTableCell> + use<> {
        std::mem::take(&mut self.cells).into_iter()
    }
    /// Count the number of cells in the row.
    /// Takes into account colspan.
    fn num_cells(&self) -> usize {
        self.cells.iter().map(|cell| cell.colspan.max(1)).sum()
    }

    /// Return the contained cells as RenderNodes, annotated with their
    /// widths if available.  Skips cells with no width allocated.
    fn into_cells(self, vertical: bool) -> Vec<RenderNode> {
        let mut result = Vec::new();
        let mut colno = 0;
        let col_sizes = self.col_sizes.unwrap();
        let mut x_pos = 0;
        for mut cell in self.cells {
            let colspan = cell.colspan;
            let col_width = if vertical {
                col_sizes[colno]
            } else {
                col_sizes[colno..colno + cell.colspan].iter().sum::<usize>()
            };
            // Skip any zero-width columns
            if col_width > 0 {
                let this_col_width = col_width + cell.colspan - 1;
                cell.col_width = Some(this_col_width);
                cell.x_pos = Some(x_pos);
                x_pos += this_col_width + 1;
                let style = cell.style.clone();
                result.push(RenderNode::new_styled(
                    // margay patch: boxed (see `RenderNodeInfo::Table`).
                    RenderNodeInfo::TableCell(Box::new(cell)),
                    style,
                ));
            }
            colno += colspan;
        }
        result
    }

    fn extract_children(self, out: &mut Vec<RenderNode>) {
        for cell in self.cells {
            cell.extract_children(out);
        }
    }
}

/// margay patch: the widths a table column needs (see `RenderTable::column_needs`).
#[derive(Clone, Copy, Debug, Default)]
struct ColumnNeed {
    /// The widest line of its cells, unwrapped.
    line: usize,
    /// The widest word of its cells.
    word: usize,
    /// The rough minimum (`SizeEstimate::min_width`).
    min: usize,
}

impl ColumnNeed {
    /// Widen `columns` evenly so that with the borders between them they are `wanted` wide.
    fn spread(columns: &mut [ColumnNeed], wanted: usize, field: fn(&mut ColumnNeed) -> &mut usize) {
        let have = columns.iter_mut().map(|c| *field(c)).sum::<usize>() + columns.len() - 1;
        let missing = wanted.saturating_sub(have);
        let count = columns.len();
        for (i, column) in columns.iter_mut().enumerate() {
            *field(column) += missing / count + usize::from(i < missing % count);
        }
    }

    /// Widths for `needs` in a table at most `width` wide with its borders, or `None` when
    /// not even the rough minimums fit. When all lines fit, columns are as wide as their
    /// lines; otherwise the widest columns are narrowed first (as w3m does) but never below
    /// their widest word, when all the words fit, or else their rough minimum (a word that
    /// must be cut then is cut with a mark: see `CONTINUATION_MARK`).
    fn allocate(needs: &[ColumnNeed], width: usize) -> Option<Vec<usize>> {
        let shown = needs.iter().filter(|n| n.line > 0).count();
        let room = width.checked_sub(shown.saturating_sub(1))?;
        let sum = |f: fn(&ColumnNeed) -> usize| needs.iter().map(f).sum::<usize>();
        if sum(|n| n.min) > room {
            return None;
        }
        if sum(|n| n.line) <= room {
            return Some(needs.iter().map(|n| n.line).collect());
        }
        let floors: Vec<usize> = if sum(|n| n.word) <= room {
            needs.iter().map(|n| n.word).collect()
        } else {
            needs.iter().map(|n| n.min).collect()
        };
        // The highest level `cap` to which columns can be cut down and still fit.
        let at = |cap: usize| -> Vec<usize> {
            needs
                .iter()
                .zip(&floors)
                .map(|(n, &floor)| max(floor, min(n.line, cap)))
                .collect()
        };
        let (mut low, mut high) = (0, needs.iter().map(|n| n.line).max().unwrap_or(0));
        while low < high {
            let mid = low + (high - low).div_ceil(2);
            if at(mid).iter().sum::<usize>() <= room {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        let mut widths = at(low);
        // What the level leaves over goes to the columns cut down, from the left.
        let mut left = room - widths.iter().sum::<usize>();
        for (width, need) in widths.iter_mut().zip(needs) {
            if left > 0 && *width < need.line {
                *width += 1;
                left -= 1;
            }
        }
        Some(widths)
    }
}

#[derive(Clone, Debug)]
/// A representation of a table render tree with metadata.
struct RenderTable {
    rows: Vec<RenderTableRow>,
    num_columns: usize,
    size_estimate: Cell<Option<SizeEstimate>>,
    /// margay patch: the table's `<caption>`, shown above it.
    caption: Vec<RenderNode>,
    /// margay patch: the links before the table (the size estimate counts them).
    links_before: Cell<usize>,
    /// margay patch: see `measured`.
    measured: OnceCell<(Vec<ColumnNeed>, usize)>,
}

impl RenderTable {
    /// Create a new RenderTable with the given rows
    fn new(mut rows: Vec<RenderTableRow>) -> RenderTable {
        // We later on want to allocate a vector sized by the column count,
        // but occasionally we see something like colspan="1000000000".  We
        // handle this by remapping the column ids to the smallest values
        // possible.
        //
        // Tables with no explicit colspan will be unchanged, but if there
        // are multiple columns each covered by a single <td> on every row,
        // they will be collapsed into a single column.  For example:
        //
        //    <td><td colspan=1000><td>
        //    <td colspan=1000><td><td>
        //
        //  becomes the equivalent:
        //    <td><td colspan=2><td>
        //    <td colspan=2><td><td>

        // This will include 0 and the index after the last colspan.
        let mut col_positions = BTreeSet::new();
        // Cells which have a rowspan > 1 from previous rows.
        // Each element is (rows_left, colpos, colspan)
        // Before each row, the overhangs are in reverse order so that
        // they can be popped off.
        let mut overhang_cells: Vec<(usize, usize, usize)> = Vec::new();
        let mut next_overhang_cells = Vec::new();
        col_positions.insert(0);
        for row in &mut rows {
            let mut col = 0;
            let mut new_cells = Vec::new();

            for cell in row.cells_drain() {
                while let Some(hanging) = overhang_cells.last() {
                    if hanging.1 <= col {
                        new_cells.push(RenderTableCell::dummy(hanging.2));
                        col += hanging.2;
                        col_positions.insert(col);
                        let mut used = overhang_cells.pop().unwrap();
                        if used.0 > 1 {
                            used.0 -= 1;
                            next_overhang_cells.push(used);
                        }
                    } else {
                        break;
                    }
                }
                if cell.rowspan > 1 {
                    next_overhang_cells.push((cell.rowspan - 1, col, cell.colspan));
                }
                col += cell.colspan;
                col_positions.insert(col);
                new_cells.push(cell);
            }
            // Handle remaining overhanging cells
            while let Some(mut hanging) = overhang_cells.pop() {
                new_cells.push(RenderTableCell::dummy(hanging.2));
                col += hanging.2;
                col_positions.insert(col);
                if hanging.0 > 1 {
                    hanging.0 -= 1;
                    next_overhang_cells.push(hanging);
                }
            }

            row.cells = new_cells;
            overhang_cells = std::mem::take(&mut next_overhang_cells);
            overhang_cells.reverse();
        }
        // Add new rows for any overhanging cells below the bottom
        while !overhang_cells.is_empty() {
            let mut new_cells = Vec::new();

            // Once we're past the end of the main rows, we can coallesce overhang rows.
            let row_increment = overhang_cells.iter().map(|cell| cell.0).min().unwrap_or(1);

            while let Some(mut hanging) = overhang_cells.pop() {
                new_cells.push(RenderTableCell::dummy(hanging.2));
                if hanging.0 > row_increment {
                    hanging.0 -= row_increment;
                    next_overhang_cells.push(hanging);
                }
            }

            rows.push(RenderTableRow {
                cells: new_cells,
                col_sizes: None,
                style: Default::default(),
            });
            overhang_cells = std::mem::take(&mut next_overhang_cells);
            overhang_cells.reverse();
        }

        let colmap: HashMap<_, _> = col_positions
            .into_iter()
            .enumerate()
            .map(|(i, pos)| (pos, i))
            .collect();

        for row in &mut rows {
            let mut pos = 0;
            let mut mapped_pos = 0;
            for cell in row.cells_mut() {
                let nextpos = pos + cell.colspan.max(1);
                let next_mapped_pos = *colmap.get(&nextpos).unwrap();
                cell.colspan = next_mapped_pos - mapped_pos;
                pos = nextpos;
                mapped_pos = next_mapped_pos;
            }
        }

        let num_columns = rows.iter().map(|r| r.num_cells()).max().unwrap_or(0);
        RenderTable {
            rows,
            num_columns,
            size_estimate: Cell::new(None),
            // margay patch: set by `table_to_render_tree` and the size estimate.
            caption: Vec::new(),
            links_before: Cell::new(0),
            measured: OnceCell::new(),
        }
    }

    /// Return an iterator over the rows.
    fn rows(&self) -> std::slice::Iter<'_, RenderTableRow> {
        self.rows.iter()
    }

    /// Consume this and return a `Vec<RenderNode>` containing the children;
    /// the children know the column sizes required.
    fn into_rows(self, col_sizes: Vec<usize>, vert: bool) -> Vec<RenderNode> {
        self.rows
            .into_iter()
            .map(|mut tr| {
                tr.col_sizes = Some(col_sizes.clone());
                let style = tr.style.clone();
                // margay patch: boxed (see `RenderNodeInfo::Table`).
                RenderNode::new_styled(RenderNodeInfo::TableRow(Box::new(tr), vert), style)
            })
            .collect()
    }

    fn calc_size_estimate<D: TextDecorator>(
        &self,
        _context: &HtmlContext,
        decorator: &D,
    ) -> SizeEstimate {
        if self.num_columns == 0 {
            let result = SizeEstimate {
                min_width: 0,
                prefix_size: 0,
            };
            self.size_estimate.set(Some(result));
            return result;
        }
        // margay patch: the minimum is as it was (the columns' minimums, with the borders);
        // the columns are measured (once, for the layout).
        let (needs, _) = self.measured(decorator);
        let min_width = needs.iter().map(|n| n.min).sum::<usize>() + self.num_columns - 1;
        let result = SizeEstimate {
            min_width,
            prefix_size: 0,
        };
        self.size_estimate.set(Some(result));
        result
    }

    /// margay patch: what each column needs (`column_needs`), and how many links the table
    /// numbers: measured once.
    fn measured<D: TextDecorator>(&self, decorator: &D) -> &(Vec<ColumnNeed>, usize) {
        self.measured.get_or_init(|| {
            let mut links = self.links_before.get();
            // The caption is laid out first: its links come first.
            measure(&self.caption, decorator, &mut links);
            let needs = self.column_needs(decorator, &mut links);
            (needs, links - self.links_before.get())
        })
    }

    /// margay patch: what each column needs: the widest line and the widest word of its
    /// cells (a cell spanning columns spreads what they lack evenly over them), and the
    /// rough minimum width.
    fn column_needs<D: TextDecorator>(&self, decorator: &D, links: &mut usize) -> Vec<ColumnNeed> {
        // Each cell measured, in the order the cells are laid out (their links numbered so).
        let measured: Vec<Vec<(usize, usize)>> = self
            .rows()
            .map(|row| {
                row.cells()
                    .map(|cell| {
                        let (line, word) = measure(&cell.content, decorator, links);
                        (line.widest(), word.widest())
                    })
                    .collect()
            })
            .collect();
        let mut needs = vec![ColumnNeed::default(); self.num_columns];
        for spanning in [false, true] {
            for (row, widths) in self.rows().zip(&measured) {
                let mut colno = 0;
                for (cell, &(line, word)) in row.cells().zip(widths) {
                    let span = cell.colspan.max(1).min(self.num_columns - colno);
                    let estimate = cell.get_size_estimate();
                    let columns = &mut needs[colno..colno + span];
                    if span == 1 && !spanning {
                        let need = &mut columns[0];
                        need.line = max(need.line, line);
                        need.word = max(need.word, word);
                        need.min = max(need.min, estimate.min_width);
                    } else if span > 1 && spanning {
                        ColumnNeed::spread(columns, line, |n| &mut n.line);
                        ColumnNeed::spread(columns, word, |n| &mut n.word);
                        for need in columns.iter_mut() {
                            need.min = max(need.min, estimate.min_width / span);
                        }
                    }
                    colno += span;
                }
            }
        }
        for need in &mut needs {
            if need.line > 0 {
                // Never narrower than the rough minimum: blocks inside need it.
                need.line = max(need.line, need.min);
                need.word = max(need.word, need.min).min(need.line);
            }
        }
        needs
    }

    fn extract_children(self, out: &mut Vec<RenderNode>) {
        out.extend(self.caption);
        for row in self.rows {
            row.extract_children(out);
        }
    }
}

/// The node-specific information distilled from the DOM.
#[derive(Clone, Debug)]
#[non_exhaustive]
enum RenderNodeInfo {
    /// Some text.
    Text(String),
    /// A group of nodes collected together.
    Container(Vec<RenderNode>),
    /// A link with contained nodes
    Link(String, Vec<RenderNode>),
    /// An emphasised region
    Em(Vec<RenderNode>),
    /// A strong region
    Strong(Vec<RenderNode>),
    /// A struck out region
    Strikeout(Vec<RenderNode>),
    /// A code region
    Code(Vec<RenderNode>),
    /// An image (src, title)
    Img(String, String),
    /// An inline SVG (title)
    Svg(String),
    /// A block element with children
    Block(Vec<RenderNode>),
    /// A header (h1, h2, ...) with children
    Header(usize, Vec<RenderNode>),
    /// A Div element with children
    Div(Vec<RenderNode>),
    /// A blockquote
    BlockQuote(Vec<RenderNode>),
    /// An unordered list
    Ul(Vec<RenderNode>),
    /// An ordered list
    // margay patch: with its numbering (it was the start number only).
    Ol(OlNumbering, Vec<RenderNode>),
    /// A description list (containing Dt or Dd)
    Dl(Vec<RenderNode>),
    /// A term (from a `<dt>`)
    Dt(Vec<RenderNode>),
    /// A definition (from a `<dl>`)
    Dd(Vec<RenderNode>),
    /// A line break
    Break,
    /// A table
    // margay patch: the table variants are boxed (they were 64 to 184 bytes), which makes
    // every node of the render tree 288 -> 160 bytes.
    Table(Box<RenderTable>),
    /// A set of table rows (from either `<thead>` or `<tbody>`
    TableBody(Vec<RenderTableRow>),
    /// Table row (must only appear within a table body)
    /// If the boolean is true, then the cells are drawn vertically
    /// instead of horizontally (because of space).
    TableRow(Box<RenderTableRow>, bool),
    /// Table cell (must only appear within a table row)
    TableCell(Box<RenderTableCell>),
    /// Start of a named HTML fragment
    FragStart(String),
    /// A list item
    // margay patch: with its `value` attribute, the number of an ordered list's item.
    ListItem(Option<i64>, Vec<RenderNode>),
    /// Superscript text
    Sup(Vec<RenderNode>),
    /// margay patch: subscript text
    Sub(Vec<RenderNode>),
    /// margay patch: a horizontal rule (`<hr>`)
    HorizontalRule,
}

/// margay patch: how an ordered list numbers its items (the `start`, `type` and `reversed`
/// attributes of `<ol>`; an item's `value` sets its own number and the next ones').
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct OlNumbering {
    start: i64,
    style: render::ListNumbering,
    reversed: bool,
}

impl OlNumbering {
    /// The number of each of `items`.
    fn numbers(&self, items: &[RenderNode]) -> Vec<i64> {
        let mut next = self.start;
        items
            .iter()
            .map(|item| {
                if let RenderNodeInfo::ListItem(Some(value), _) = item.info {
                    next = value;
                }
                let number = next;
                next = if self.reversed {
                    next.saturating_sub(1)
                } else {
                    next.saturating_add(1)
                };
                number
            })
            .collect()
    }
}

impl RenderNodeInfo {
    // Extract any children into the provided vector.
    // Used for non-recursive destruction.
    fn extract_children(self, out: &mut Vec<RenderNode>) {
        match self {
            RenderNodeInfo::Text(_)
            | RenderNodeInfo::Img(_, _)
            | RenderNodeInfo::Svg(_)
            | RenderNodeInfo::Break
            // margay patch: the new variants (`ListItem`'s value, `Sub`, `HorizontalRule`).
            | RenderNodeInfo::HorizontalRule
            | RenderNodeInfo::FragStart(_) => {}

            RenderNodeInfo::Container(render_nodes)
            | RenderNodeInfo::Link(_, render_nodes)
            | RenderNodeInfo::Em(render_nodes)
            | RenderNodeInfo::Strong(render_nodes)
            | RenderNodeInfo::Strikeout(render_nodes)
            | RenderNodeInfo::Code(render_nodes)
            | RenderNodeInfo::Block(render_nodes)
            | RenderNodeInfo::Header(_, render_nodes)
            | RenderNodeInfo::Div(render_nodes)
            | RenderNodeInfo::BlockQuote(render_nodes)
            | RenderNodeInfo::Ul(render_nodes)
            | RenderNodeInfo::Ol(_, render_nodes)
            | RenderNodeInfo::Dl(render_nodes)
            | RenderNodeInfo::Dt(render_nodes)
            | RenderNodeInfo::Dd(render_nodes)
            // margay patch: `ListItem` has its value; subscripts.
            | RenderNodeInfo::ListItem(_, render_nodes)
            | RenderNodeInfo::Sup(render_nodes)
            | RenderNodeInfo::Sub(render_nodes) => {
                out.extend(render_nodes);
            }

            RenderNodeInfo::Table(render_table) => {
                render_table.extract_children(out);
            }
            RenderNodeInfo::TableBody(render_table_rows) => {
                for row in render_table_rows {
                    row.extract_children(out);
                }
            }
            RenderNodeInfo::TableRow(render_table_row, _) => {
                render_table_row.extract_children(out);
            }
            RenderNodeInfo::TableCell(render_table_cell) => {
                render_table_cell.extract_children(out);
            }
        }
    }
}

/// Common fields from a node.
#[derive(Clone, Debug)]
struct RenderNode {
    size_estimate: Cell<Option<SizeEstimate>>,
    info: RenderNodeInfo,
    style: ComputedStyle,
}

impl RenderNode {
    /// Create a node from the RenderNodeInfo.
    fn new(info: RenderNodeInfo) -> RenderNode {
        RenderNode {
            size_estimate: Cell::new(None),
            info,
            style: Default::default(),
        }
    }

    /// Create a node from the RenderNodeInfo.
    fn new_styled(info: RenderNodeInfo, style: ComputedStyle) -> RenderNode {
        RenderNode {
            size_estimate: Cell::new(None),
            info,
            style,
        }
    }

    /// Get a size estimate
    fn get_size_estimate(&self) -> SizeEstimate {
        self.size_estimate.get().unwrap()
    }

    /// Calculate the size of this node.
    fn calc_size_estimate<D: TextDecorator>(
        &self,
        context: &HtmlContext,
        decorator: &D,
    ) -> SizeEstimate {
        // If it's already calculated, then just return the answer.
        if let Some(s) = self.size_estimate.get() {
            return s;
        };

        use RenderNodeInfo::*;

        let recurse = |node: &RenderNode| node.calc_size_estimate(context, decorator);

        // Otherwise, make an estimate.
        let estimate = match self.info {
            Text(ref t) | Img(_, ref t) | Svg(ref t) => {
                // margay patch: the rough size is gone (table columns are sized by
                // `measure`); the minimum width is as it was.
                let mut len = text_min_width(t, context.min_wrap_width);
                if let Img(_, _) = self.info {
                    len += 2;
                }
                SizeEstimate {
                    min_width: len.min(context.min_wrap_width),
                    prefix_size: 0,
                }
            }

            Container(ref v) | Em(ref v) | Strong(ref v) | Strikeout(ref v) | Code(ref v)
            | Block(ref v) | Div(ref v) | Dl(ref v) | Dt(ref v) | ListItem(_, ref v) | Sup(ref v)
            // margay patch: `ListItem` has its value; subscripts.
            | Sub(ref v) => v
                .iter()
                .map(recurse)
                .fold(Default::default(), SizeEstimate::add),
            Link(ref _target, ref v) => v
                .iter()
                .map(recurse)
                .fold(Default::default(), SizeEstimate::add)
                .add(SizeEstimate {
                    // margay patch: as wide as the decorator's decoration of a link whose
                    // place is not known (it was 5).
                    min_width: decorator.link_decoration_width(0),
                    prefix_size: 0,
                }),
            Dd(ref v) | BlockQuote(ref v) | Ul(ref v) => {
                let prefix = match self.info {
                    Dd(_) => "  ".into(),
                    BlockQuote(_) => decorator.quote_prefix(),
                    Ul(_) => decorator.unordered_item_prefix(),
                    _ => unreachable!(),
                };
                // margay patch: in terminal columns.
                let prefix_width = render::text_renderer::str_width(&prefix);
                let mut size = v
                    .iter()
                    .map(recurse)
                    .fold(Default::default(), SizeEstimate::add)
                    .add_hor(SizeEstimate {
                        min_width: prefix_width,
                        prefix_size: 0,
                    });
                size.prefix_size = prefix_width;
                size
            }
            // margay patch: with the list's numbering.
            Ol(numbering, ref v) => {
                let prefix_size = calc_ol_prefix_size(numbering, v, decorator);
                let mut result = v
                    .iter()
                    .map(recurse)
                    .fold(Default::default(), SizeEstimate::add)
                    .add_hor(SizeEstimate {
                        min_width: prefix_size,
                        prefix_size: 0,
                    });
                result.prefix_size = prefix_size;
                result
            }
            Header(level, ref v) => {
                let prefix_size = decorator.header_prefix(level).len();
                let mut size = v
                    .iter()
                    .map(recurse)
                    .fold(Default::default(), SizeEstimate::add)
                    // margay patch: (no rough size)
                    .add_hor(SizeEstimate {
                        min_width: prefix_size,
                        prefix_size: 0,
                    });
                size.prefix_size = prefix_size;
                size
            }
            Break => SizeEstimate {
                min_width: 1,
                prefix_size: 0,
            },
            // margay patch: a rule is as wide as the block it is in.
            HorizontalRule => Default::default(),
            // margay patch: its columns measured, its links numbered from where it starts.
            Table(ref t) => t.calc_size_estimate(context, decorator),
            TableRow(..) | TableBody(_) | TableCell(_) => unimplemented!(),
            FragStart(_) => Default::default(),
        };
        self.size_estimate.set(Some(estimate));
        estimate
    }

    /// Return true if this node is definitely empty.  This is used to quickly
    /// remove e.g. links with no anchor text in most cases, but can't recurse
    /// and look more deeply.
    fn is_shallow_empty(&self) -> bool {
        use RenderNodeInfo::*;

        // Otherwise, make an estimate.
        match self.info {
            Text(ref t) | Img(_, ref t) | Svg(ref t) => {
                let len = t.trim().len();
                len == 0
            }

            Container(ref v)
            | Link(_, ref v)
            | Em(ref v)
            | Strong(ref v)
            | Strikeout(ref v)
            | Code(ref v)
            | Block(ref v)
            // margay patch: the new variants (`ListItem`'s value, `Sub`, `HorizontalRule`).
            | ListItem(_, ref v)
            | Div(ref v)
            | BlockQuote(ref v)
            | Dl(ref v)
            | Dt(ref v)
            | Dd(ref v)
            | Ul(ref v)
            | Ol(_, ref v)
            | Sup(ref v)
            // margay patch: subscripts, and a rule is something.
            | Sub(ref v) => v.is_empty(),
            Header(_level, ref v) => v.is_empty(),
            Break => true,
            HorizontalRule => false,
            Table(ref _t) => false,
            TableRow(..) | TableBody(_) | TableCell(_) => false,
            FragStart(_) => true,
        }
    }

    fn write_container(
        &self,
        name: &str,
        items: &[RenderNode],
        f: &mut std::fmt::Formatter,
        indent: usize,
    ) -> std::prelude::v1::Result<(), std::fmt::Error> {
        writeln!(f, "{:indent$}{name}:", "")?;
        for item in items {
            item.write_self(f, indent + 1)?;
        }
        Ok(())
    }
    fn write_style(
        f: &mut std::fmt::Formatter,
        indent: usize,
        style: &ComputedStyle,
    ) -> std::result::Result<(), std::fmt::Error> {
        use std::fmt::Write;
        let mut stylestr = String::new();

        #[cfg(feature = "css")]
        {
            if let Some(col) = style.colour.val() {
                write!(&mut stylestr, " colour={:?}", col)?;
            }
            if let Some(col) = style.bg_colour.val() {
                write!(&mut stylestr, " bg_colour={:?}", col)?;
            }
            if let Some(val) = style.display.val() {
                write!(&mut stylestr, " disp={:?}", val)?;
            }
        }
        if let Some(ws) = style.white_space.val() {
            write!(&mut stylestr, " white_space={:?}", ws)?;
        }
        if style.internal_pre {
            write!(&mut stylestr, " internal_pre")?;
        }
        if !stylestr.is_empty() {
            writeln!(f, "{:indent$}[Style:{stylestr}", "")?;
        }
        Ok(())
    }
    fn write_self(
        &self,
        f: &mut std::fmt::Formatter,
        indent: usize,
    ) -> std::prelude::v1::Result<(), std::fmt::Error> {
        Self::write_style(f, indent, &self.style)?;

        match &self.info {
            RenderNodeInfo::Text(s) => writeln!(f, "{:indent$}{s:?}", "")?,
            RenderNodeInfo::Container(v) => {
                self.write_container("Container", v, f, indent)?;
            }
            RenderNodeInfo::Link(targ, v) => {
                self.write_container(&format!("Link({})", targ), v, f, indent)?;
            }
            RenderNodeInfo::Em(v) => {
                self.write_container("Em", v, f, indent)?;
            }
            RenderNodeInfo::Strong(v) => {
                self.write_container("Strong", v, f, indent)?;
            }
            RenderNodeInfo::Strikeout(v) => {
                self.write_container("Strikeout", v, f, indent)?;
            }
            RenderNodeInfo::Code(v) => {
                self.write_container("Code", v, f, indent)?;
            }
            RenderNodeInfo::Img(src, title) => {
                writeln!(f, "{:indent$}Img src={:?} title={:?}:", "", src, title)?;
            }
            RenderNodeInfo::Svg(title) => {
                writeln!(f, "{:indent$}Svg title={:?}:", "", title)?;
            }
            RenderNodeInfo::Block(v) => {
                self.write_container("Block", v, f, indent)?;
            }
            RenderNodeInfo::Header(depth, v) => {
                self.write_container(&format!("Header({})", depth), v, f, indent)?;
            }
            RenderNodeInfo::Div(v) => {
                self.write_container("Div", v, f, indent)?;
            }
            RenderNodeInfo::BlockQuote(v) => {
                self.write_container("BlockQuote", v, f, indent)?;
            }
            RenderNodeInfo::Ul(v) => {
                self.write_container("Ul", v, f, indent)?;
            }
            // margay patch: `Ol` has its numbering.
            RenderNodeInfo::Ol(numbering, v) => {
                self.write_container(&format!("Ol({})", numbering.start), v, f, indent)?;
            }
            RenderNodeInfo::Dl(v) => {
                self.write_container("Dl", v, f, indent)?;
            }
            RenderNodeInfo::Dt(v) => {
                self.write_container("Dt", v, f, indent)?;
            }
            RenderNodeInfo::Dd(v) => {
                self.write_container("Dd", v, f, indent)?;
            }
            RenderNodeInfo::Break => {
                writeln!(f, "{:indent$}Break", "", indent = indent)?;
            }
            RenderNodeInfo::Table(rows) => {
                writeln!(f, "{:indent$}Table ({} cols):", "", rows.num_columns)?;
                // margay patch: and its caption.
                for node in &rows.caption {
                    node.write_self(f, indent + 1)?;
                }
                for rtr in &rows.rows {
                    Self::write_style(f, indent + 1, &rtr.style)?;
                    writeln!(
                        f,
                        "{:width$}Row ({} cells):",
                        "",
                        rtr.cells.len(),
                        width = indent + 1
                    )?;
                    for cell in &rtr.cells {
                        Self::write_style(f, indent + 2, &cell.style)?;
                        let colspan_s;
                        let rowspan_s;
                        let colspan = if cell.colspan == 1 {
                            ""
                        } else {
                            colspan_s = format!("colspan={} ", cell.colspan);
                            colspan_s.as_str()
                        };
                        let rowspan = if cell.rowspan == 1 {
                            ""
                        } else {
                            rowspan_s = format!("rowspan={} ", cell.rowspan);
                            rowspan_s.as_str()
                        };
                        writeln!(
                            f,
                            "{:width$}Cell {}{}width={:?}:",
                            "",
                            colspan,
                            rowspan,
                            cell.col_width,
                            width = indent + 2
                        )?;
                        for node in &cell.content {
                            node.write_self(f, indent + 3)?;
                        }
                    }
                }
            }
            RenderNodeInfo::TableBody(_) => todo!(),
            RenderNodeInfo::TableRow(_, _) => todo!(),
            RenderNodeInfo::TableCell(_) => todo!(),
            RenderNodeInfo::FragStart(frag) => {
                writeln!(f, "{:indent$}FragStart({}):", "", frag)?;
            }
            // margay patch: the new variants (`ListItem`'s value, `Sub`, `HorizontalRule`).
            RenderNodeInfo::ListItem(_, v) => {
                self.write_container("ListItem", v, f, indent)?;
            }
            RenderNodeInfo::Sup(v) => {
                self.write_container("Sup", v, f, indent)?;
            }
            RenderNodeInfo::Sub(v) => {
                self.write_container("Sub", v, f, indent)?;
            }
            RenderNodeInfo::HorizontalRule => {
                writeln!(f, "{:indent$}HorizontalRule", "", indent = indent)?;
            }
        }
        Ok(())
    }

    fn into_info(mut self) -> RenderNodeInfo {
        std::mem::replace(&mut self.info, RenderNodeInfo::Break)
    }
}

impl Drop for RenderNode {
    fn drop(&mut self) {
        let mut children = Vec::new();
        let top_info = std::mem::replace(&mut self.info, RenderNodeInfo::Break);
        top_info.extract_children(&mut children);

        // Iteratively remove children to prevent unbounded stack usage.

        while let Some(child) = children.pop() {
            child.into_info().extract_children(&mut children);
        }
    }
}

/// Special case for digit-only superscripts - use superscript characters.
/// margay patch: and subscripts (`sup` false), with subscript characters.
fn script_digits(children: &[RenderNode], sup: bool) -> Option<String> {
    let [node] = children else {
        return None;
    };
    if let RenderNodeInfo::Text(s) = &node.info {
        if s.chars().all(|d| d.is_ascii_digit()) {
            // It's just a string of digits - replace by superscript characters.
            const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
            const SUBSCRIPTS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
            let digits = if sup { SUPERSCRIPTS } else { SUBSCRIPTS };
            return Some(s.bytes().map(|b| digits[(b - b'0') as usize]).collect());
        }
    }
    None
}

/// margay patch: the line and word extents of some content (see `Extent`).
type Extents = (Extent, Extent);

fn then(a: Extents, b: Extents) -> Extents {
    (a.0.then(b.0, true), a.1.then(b.1, false))
}

/// `extents` apart from what is next to them, `prefix` columns from the left edge.
fn block(extents: Extents, prefix: usize) -> Extents {
    (
        Extent::block(extents.0.widest() + prefix),
        Extent::block(extents.1.widest() + prefix),
    )
}

/// margay patch: measure the content of a table cell for its column: the widths of its
/// lines and words as the renderer lays it out, with `links`, the links met before it, for
/// the width of each link's decoration. (It walks the content with `tree_map_reduce`: no
/// recursion however deep the content.)
fn measure<D: TextDecorator>(content: &[RenderNode], decorator: &D, links: &mut usize) -> Extents {
    use RenderNodeInfo::*;
    use TreeMapResult::*;
    let inline = |_: &mut usize, cs: Vec<Extents>| Ok(Some(cs.into_iter().fold(Default::default(), then)));
    let mut extents = Extents::default();
    for node in content {
        fn pending<'n>(
            children: &'n [RenderNode],
            cons: Box<ResultReducer<'n, usize, Extents>>,
        ) -> TreeMapResult<'n, usize, &'n RenderNode, Extents> {
            PendingChildren {
                children: children.iter().collect(),
                cons,
                prefn: None,
                postfn: None,
            }
        }
        let measured = tree_map_reduce(links, node, |links, node: &RenderNode| {
            Ok(match node.info {
                Text(ref t) | Img(_, ref t) | Svg(ref t) => {
                    let pre = matches!(
                        node.style.white_space.val(),
                        Some(WhiteSpace::Pre | WhiteSpace::PreWrap)
                    );
                    let mut measured = text_extents(t, pre);
                    if let Img(_, _) = node.info {
                        let brackets = (Extent::run(1), Extent::run(1));
                        measured = then(then(brackets, measured), brackets);
                    }
                    Finished(measured)
                }
                Break | HorizontalRule => Finished(block(Default::default(), 0)),
                FragStart(_) => Finished(Default::default()),
                Container(ref v) | Em(ref v) | Strong(ref v) | Strikeout(ref v) | Code(ref v) => {
                    pending(v, Box::new(inline))
                }
                Block(ref v) | Div(ref v) | Dl(ref v) | Dt(ref v) | ListItem(_, ref v) => {
                    pending(v, Box::new(|links, cs| Ok(inline(links, cs)?.map(|e| block(e, 0)))))
                }
                Link(_, ref v) => {
                    *links += 1;
                    let marker = Extent::run(decorator.link_decoration_width(*links));
                    pending(
                        v,
                        Box::new(move |links, cs| {
                            Ok(inline(links, cs)?.map(|e| then((marker, marker), e)))
                        }),
                    )
                }
                Sup(ref v) | Sub(ref v) => {
                    let sup = matches!(node.info, Sup(_));
                    let ((start, _), end) = if sup {
                        let start = decorator.decorate_superscript_start();
                        (start, decorator.decorate_superscript_end())
                    } else {
                        let start = decorator.decorate_subscript_start();
                        (start, decorator.decorate_subscript_end())
                    };
                    // Digits alone are written as superscript (subscript) digits.
                    let (start, end) = if script_digits(v, sup).is_some() {
                        Default::default()
                    } else {
                        (text_extents(&start, false), text_extents(&end, false))
                    };
                    pending(
                        v,
                        Box::new(move |links, cs| {
                            Ok(inline(links, cs)?.map(|e| then(then(start, e), end)))
                        }),
                    )
                }
                Header(_, ref v) | Dd(ref v) | BlockQuote(ref v) | Ul(ref v) | Ol(_, ref v) => {
                    let prefix = node.get_size_estimate().prefix_size;
                    pending(
                        v,
                        Box::new(move |links, cs| {
                            Ok(inline(links, cs)?.map(|e| block(e, prefix)))
                        }),
                    )
                }
                Table(ref t) => {
                    let (needs, table_links) = t.measured(decorator);
                    *links += table_links;
                    let shown = needs.iter().filter(|n| n.line > 0);
                    let borders = shown.clone().count().saturating_sub(1);
                    let line = shown.clone().map(|n| n.line).sum::<usize>() + borders;
                    let word = shown.map(|n| n.word).sum::<usize>() + borders;
                    Finished((Extent::block(line), Extent::block(word)))
                }
                TableRow(..) | TableBody(_) | TableCell(_) => Nothing,
            })
        });
        extents = then(extents, measured.ok().flatten().unwrap_or_default());
    }
    extents
}

fn precalc_size_estimate<'a, D: TextDecorator>(
    node: &'a RenderNode,
    context: &mut HtmlContext,
    decorator: &'a D,
) -> TreeMapResult<'a, HtmlContext, &'a RenderNode, ()> {
    use RenderNodeInfo::*;
    if node.size_estimate.get().is_some() {
        return TreeMapResult::Nothing;
    }
    match node.info {
        // margay patch: the new variants (`ListItem`'s value, `Sub`, `HorizontalRule`).
        Text(_) | Img(_, _) | Svg(_) | Break | HorizontalRule | FragStart(_) => {
            let _ = node.calc_size_estimate(context, decorator);
            TreeMapResult::Nothing
        }

        // margay patch: links are counted as they are met, for the tables (`links_before`).
        Link(_, ref v) => {
            context.links_estimated += 1;
            TreeMapResult::PendingChildren {
                children: v.iter().collect(),
                cons: Box::new(move |context, _cs| {
                    node.calc_size_estimate(context, decorator);
                    Ok(None)
                }),
                prefn: None,
                postfn: None,
            }
        }
        Container(ref v)
        | Em(ref v)
        | Strong(ref v)
        | Strikeout(ref v)
        | Code(ref v)
        | Block(ref v)
        // margay patch: `ListItem` has its value.
        | ListItem(_, ref v)
        | Div(ref v)
        | BlockQuote(ref v)
        | Ul(ref v)
        | Ol(_, ref v)
        | Dl(ref v)
        | Dt(ref v)
        | Dd(ref v)
        | Sup(ref v)
        // margay patch: subscripts.
        | Sub(ref v)
        | Header(_, ref v) => TreeMapResult::PendingChildren {
            children: v.iter().collect(),
            cons: Box::new(move |context, _cs| {
                node.calc_size_estimate(context, decorator);
                Ok(None)
            }),
            prefn: None,
            postfn: None,
        },
        Table(ref t) => {
            /* Return all the indirect children which are RenderNodes. */
            // margay patch: the caption's first, as it is laid out first.
            let mut children: Vec<&RenderNode> = t.caption.iter().collect();
            for row in &t.rows {
                for cell in &row.cells {
                    children.extend(cell.content.iter());
                }
            }
            // margay patch: where its links' numbers start.
            t.links_before.set(context.links_estimated);
            TreeMapResult::PendingChildren {
                children,
                cons: Box::new(move |context, _cs| {
                    node.calc_size_estimate(context, decorator);
                    Ok(None)
                }),
                prefn: None,
                postfn: None,
            }
        }
        TableRow(..) | TableBody(_) | TableCell(_) => unimplemented!(),
    }
}

/// Convert a table into a RenderNode
fn table_to_render_tree<'a, T: Write>(
    input: RenderInput,
    computed: ComputedStyle,
    _err_out: &mut T,
) -> TreeMapResult<'a, HtmlContext, RenderInput, RenderNode> {
    pending(input, move |_, rowset| {
        let mut rows = vec![];
        let mut caption = vec![];
        for bodynode in rowset {
            // margay patch: the caption (a `Div`) is kept.
            if let RenderNodeInfo::Div(_) = bodynode.info {
                caption.push(bodynode);
                continue;
            }
            match bodynode.into_info() {
                RenderNodeInfo::TableBody(body) => {
                    rows.extend(body);
                }
                _other => {
                    html_trace!("Found in table: {:?}", _other);
                }
            }
        }
        if rows.is_empty() {
            // margay patch: a table of only a caption is its caption.
            (!caption.is_empty()).then(|| RenderNode::new(RenderNodeInfo::Container(caption)))
        } else {
            let mut table = RenderTable::new(rows);
            table.caption = caption;
            Some(RenderNode::new_styled(
                RenderNodeInfo::Table(Box::new(table)),
                computed,
            ))
        }
    })
}

/// Add rows from a thead or tbody.
fn tbody_to_render_tree<'a, T: Write>(
    input: RenderInput,
    computed: ComputedStyle,
    _err_out: &mut T,
) -> TreeMapResult<'a, HtmlContext, RenderInput, RenderNode> {
    pending_noempty(input, move |_, rowchildren| {
        let mut rows = rowchildren
            .into_iter()
            .flat_map(|rownode| match rownode.into_info() {
                // margay patch: boxed (see `RenderNodeInfo::Table`).
                RenderNodeInfo::TableRow(row, _) => Some(*row),
                _other => {
                    html_trace!("  [[tbody child: {:?}]]", _other);
                    None
                }
            })
            .collect::<Vec<_>>();

        // Handle colspan=0 by replacing it.
        // Get a list of (has_zero_colspan, sum_colspan)
        let num_columns = rows
            .iter()
            .map(|row| {
                row.cells()
                    // Treat the column as having colspan 1 for initial counting.
                    .map(|cell| (cell.colspan == 0, cell.colspan.max(1)))
                    .fold((false, 0), |a, b| (a.0 || b.0, a.1 + b.1))
            })
            .collect::<Vec<_>>();

        let max_columns = num_columns.iter().map(|(_, span)| span).max().unwrap_or(&1);

        for (i, &(has_zero, num_cols)) in num_columns.iter().enumerate() {
            // Note this won't be sensible if more than one column has colspan=0,
            // but that's not very well defined anyway.
            if has_zero {
                for cell in rows[i].cells_mut() {
                    if cell.colspan == 0 {
                        // +1 because we said it had 1 to start with
                        cell.colspan = max_columns - num_cols + 1;
                    }
                }
            }
        }

        Some(RenderNode::new_styled(
            RenderNodeInfo::TableBody(rows),
            computed,
        ))
    })
}

/// Convert a table row to a RenderTableRow
fn tr_to_render_tree<'a, T: Write>(
    input: RenderInput,
    computed: ComputedStyle,
    _err_out: &mut T,
) -> TreeMapResult<'a, HtmlContext, RenderInput, RenderNode> {
    pending(input, move |_, cellnodes| {
        let cells = cellnodes
            .into_iter()
            .flat_map(|cellnode| match cellnode.into_info() {
                // margay patch: boxed (see `RenderNodeInfo::Table`).
                RenderNodeInfo::TableCell(cell) => Some(*cell),
                _other => {
                    html_trace!("  [[tr child: {:?}]]", _other);
                    None
                }
            })
            .collect();
        let style = computed.clone();
        Some(RenderNode::new_styled(
            RenderNodeInfo::TableRow(
                // margay patch: boxed (see `RenderNodeInfo::Table`).
                Box::new(RenderTableRow {
                    cells,
                    col_sizes: None,
                    style,
                }),
                false,
            ),
            computed,
        ))
    })
}

/// Convert a single table cell to a render node.
fn td_to_render_tree<'a, T: Write>(
    input: RenderInput,
    computed: ComputedStyle,
    _err_out: &mut T,
) -> TreeMapResult<'a, HtmlContext, RenderInput, RenderNode> {
    let mut colspan = 1;
    let mut rowspan = 1;
    if let Element { ref attrs, .. } = input.handle.data {
        for attr in attrs.borrow().iter() {
            if &attr.name.local == "colspan" {
                let v: &str = &attr.value;
                colspan = v.parse().unwrap_or(1);
            }
            if &attr.name.local == "rowspan" {
                let v: &str = &attr.value;
                rowspan = v.parse().unwrap_or(1).max(1);
            }
        }
    }
    pending(input, move |_, children| {
        let style = computed.clone();
        Some(RenderNode::new_styled(
            // margay patch: boxed (see `RenderNodeInfo::Table`).
            RenderNodeInfo::TableCell(Box::new(RenderTableCell {
                colspan,
                rowspan,
                content: children,
                size_estimate: Cell::new(None),
                col_width: None,
                x_pos: None,
                style,
                is_dummy: false,
                // margay patch: (boxed, above)
            })),
            computed,
        ))
    })
}

/// A reducer which combines results from mapping children into
/// the result for the current node.  Takes a context and a
/// vector of results and returns a new result (or nothing).
type ResultReducer<'a, C, R> = dyn FnOnce(&mut C, Vec<R>) -> Result<Option<R>> + 'a;

/// A closure to call before processing a child node.
type ChildPreFn<C, N> = dyn Fn(&mut C, &N) -> Result<()>;

/// A closure to call after processing a child node,
/// before adding the result to the processed results
/// vector.
type ChildPostFn<C, R> = dyn Fn(&mut C, &R) -> Result<()>;

/// The result of trying to render one node.
enum TreeMapResult<'a, C, N, R> {
    /// A completed result.
    Finished(R),
    /// Deferred completion - can be turned into a result
    /// once the vector of children are processed.
    PendingChildren {
        children: Vec<N>,
        cons: Box<ResultReducer<'a, C, R>>,
        prefn: Option<Box<ChildPreFn<C, N>>>,
        postfn: Option<Box<ChildPostFn<C, R>>>,
    },
    /// Nothing (e.g. a comment or other ignored element).
    Nothing,
}

fn tree_map_reduce<'a, C, N, R, M>(
    context: &mut C,
    top: N,
    mut process_node: M,
) -> Result<Option<R>>
where
    M: FnMut(&mut C, N) -> Result<TreeMapResult<'a, C, N, R>>,
{
    /// A node partially decoded, waiting for its children to
    /// be processed.
    struct PendingNode<'a, C, R, N> {
        /// How to make the node once finished
        construct: Box<ResultReducer<'a, C, R>>,
        /// Called before processing each child
        prefn: Option<Box<ChildPreFn<C, N>>>,
        /// Called after processing each child
        postfn: Option<Box<ChildPostFn<C, R>>>,
        /// Children already processed
        children: Vec<R>,
        /// Iterator of child nodes not yet processed
        to_process: std::vec::IntoIter<N>,
    }

    let mut last = PendingNode {
        // We only expect one child, which we'll just return.
        construct: Box::new(|_, mut cs| Ok(cs.pop())),
        prefn: None,
        postfn: None,
        children: Vec::new(),
        to_process: vec![top].into_iter(),
    };
    let mut pending_stack = Vec::new();
    loop {
        // Get the next child node to process
        while let Some(h) = last.to_process.next() {
            if let Some(f) = &last.prefn {
                f(context, &h)?;
            }
            match process_node(context, h)? {
                TreeMapResult::Finished(result) => {
                    if let Some(f) = &last.postfn {
                        f(context, &result)?;
                    }
                    last.children.push(result);
                }
                TreeMapResult::PendingChildren {
                    children,
                    cons,
                    prefn,
                    postfn,
                } => {
                    pending_stack.push(last);
                    last = PendingNode {
                        construct: cons,
                        prefn,
                        postfn,
                        // margay patch: at most one result per child; sized up front, the
                        // vector neither grows by copying nor keeps unused capacity.
                        children: Vec::with_capacity(children.len()),
                        to_process: children.into_iter(),
                    };
                }
                TreeMapResult::Nothing => {}
            };
        }
        // No more children, so finally construct the parent.
        if let Some(mut parent) = pending_stack.pop() {
            if let Some(node) = (last.construct)(context, last.children)? {
                if let Some(f) = &parent.postfn {
                    f(context, &node)?;
                }
                parent.children.push(node);
            }
            last = parent;
            continue;
        }
        // Finished the whole stack!
        break Ok((last.construct)(context, last.children)?);
    }
}

#[cfg(feature = "css_ext")]
#[derive(Clone, Default)]
struct HighlighterMap {
    map: HashMap<String, Rc<SyntaxHighlighter>>,
}

#[cfg(feature = "css_ext")]
impl HighlighterMap {
    pub fn get(&self, name: &str) -> Option<Rc<SyntaxHighlighter>> {
        self.map.get(name).cloned()
    }

    fn insert(&mut self, name: impl Into<String>, f: Rc<SyntaxHighlighter>) {
        self.map.insert(name.into(), f);
    }
}

#[cfg(feature = "css_ext")]
impl std::fmt::Debug for HighlighterMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HighlighterMap")
            .field("map", &self.map.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(feature = "css_ext")]
impl PartialEq for HighlighterMap {
    fn eq(&self, _other: &Self) -> bool {
        todo!()
    }
}

#[cfg(feature = "css_ext")]
impl Eq for HighlighterMap {}

#[derive(Debug, PartialEq, Eq)]
struct HtmlContext {
    style_data: css::StyleData,
    #[cfg(feature = "css")]
    use_doc_css: bool,

    max_wrap_width: Option<usize>,
    pad_block_width: bool,
    allow_width_overflow: bool,
    min_wrap_width: usize,
    raw: bool,
    draw_borders: bool,
    fence_tables: bool,
    wrap_links: bool,
    include_link_footnotes: bool,
    use_unicode_strikeout: bool,
    image_mode: config::ImageRenderMode,

    #[cfg(feature = "xml")]
    xml_mode: config::XmlMode,

    #[cfg(feature = "css_ext")]
    syntax_highlighters: HighlighterMap,

    /// margay patch: the links the size estimate has met (they are numbered in this order).
    links_estimated: usize,
    /// margay patch: how many `<q>` elements the node being converted is in.
    quote_depth: usize,
}

// Input to render tree conversion.
struct RenderInput {
    handle: Handle,
    parent_style: Rc<ComputedStyle>,
    // Overlay styles from syntax highlighting.
    #[cfg(feature = "css_ext")]
    extra_styles: RefCell<Vec<(Range<usize>, TextStyle)>>,
    // Map from node to the length of enclosed text nodes.
    node_lengths: Rc<RefCell<HashMap<*const Node, usize>>>,
    /// margay patch: whether the DOM must stay whole: its owner keeps it
    /// (`dom_to_render_tree`), or style rules that look at an element's parents or siblings
    /// match on the DOM as the tree is built.
    keep_dom: bool,
}

impl RenderInput {
    fn new(handle: Handle, parent_style: Rc<ComputedStyle>) -> Self {
        RenderInput {
            handle,
            parent_style,
            #[cfg(feature = "css_ext")]
            extra_styles: Default::default(),
            node_lengths: Default::default(),
            keep_dom: false,
        }
    }

    /// margay patch: the children of the node, taken out of the DOM (so that each DOM node
    /// is freed as soon as its render node is made: a DOM node's children are not looked at
    /// again once they are handed out) unless the DOM must stay whole (`keep_dom`).
    fn child_handles(&self) -> Vec<Handle> {
        if self.keep_dom {
            self.handle.children.borrow().clone()
        } else {
            std::mem::take(&mut *self.handle.children.borrow_mut())
        }
    }

    #[cfg(feature = "css_ext")]
    fn set_syntax_info(&self, full_text: &str, highlighted: Vec<(TextStyle, &str)>) {
        let mut node_styles = Vec::new();

        // Turn the returned strings into offsets into full_text.  We assume
        // we can maintain relative offsets as we step through the tree rendering.
        for (style, s) in highlighted {
            fn get_offset(full: &str, sub: &str) -> Option<Range<usize>> {
                // This looks scary, but if we get this wrong the worst case is
                // that we end up panicking when using the offsets.
                let full_start = full.as_ptr() as usize;
                let full_end = full_start + full.len();
                let sub_start = sub.as_ptr() as usize;
                let sub_end = sub_start + sub.len();

                if sub_start >= full_start && sub_end <= full_end {
                    Some((sub_start - full_start)..(sub_end - full_start))
                } else {
                    None
                }
            }

            if let Some(offset_range) = get_offset(full_text, s) {
                node_styles.push((offset_range, style));
            } // else we ignore the highlight.
        }
        node_styles.sort_by_key(|r| (r.0.start, r.0.end));
        *self.extra_styles.borrow_mut() = node_styles;
    }

    // Return the children in the right form
    #[allow(clippy::mut_range_bound)]
    fn children(&self) -> Vec<RenderInput> {
        #[cfg(feature = "css_ext")]
        if !self.extra_styles.borrow().is_empty() {
            let mut offset = 0;
            let mut result = Vec::new();
            let mut start_style_index = 0;
            let node_lengths = self.node_lengths.borrow();
            let extra_styles = self.extra_styles.borrow();
            for child in &*self.handle.children.borrow() {
                let end_offset = offset + node_lengths.get(&Rc::as_ptr(child)).unwrap();
                let mut child_extra_styles = Vec::new();
                for es_idx in start_style_index..extra_styles.len() {
                    let mut style_range = extra_styles[es_idx].0.clone();
                    if style_range.start >= end_offset {
                        // We've gone too far.
                        break;
                    }
                    if style_range.end <= offset {
                        // We don't need to look at this again
                        // Note this is here to restart this loop in a different place
                        // in the next run of the outer loop; hence allowing
                        // clippy::mut_range_bound on the function.
                        start_style_index = es_idx;
                    } else {
                        // This piece must overlap!
                        // Clip the range to this node.
                        style_range.start = style_range.start.max(offset) - offset;
                        style_range.end = style_range.end.min(end_offset) - offset;

                        child_extra_styles.push((style_range, extra_styles[es_idx].1.clone()));
                    }
                }
                result.push(RenderInput {
                    handle: Rc::clone(child),
                    parent_style: Rc::clone(&self.parent_style),
                    extra_styles: RefCell::new(child_extra_styles),
                    node_lengths: self.node_lengths.clone(),
                    // margay patch: see `RenderInput::keep_dom`.
                    keep_dom: self.keep_dom,
                });
                offset = end_offset;
            }
            return result;
        }

        // Simple case, and we might not have the node lengths.
        // margay patch: taken out of the DOM (see `child_handles`).
        self.child_handles()
            .into_iter()
            .map(|child| RenderInput {
                handle: child,
                parent_style: Rc::clone(&self.parent_style),
                #[cfg(feature = "css_ext")]
                extra_styles: Default::default(),
                node_lengths: self.node_lengths.clone(),
                keep_dom: self.keep_dom,
            })
            .collect()
    }

    #[cfg(feature = "css_ext")]
    fn do_extract_text(
        out: &mut String,
        handle: &Handle,
        length_map: &mut HashMap<*const Node, usize>,
    ) {
        match handle.data {
            markup5ever_rcdom::NodeData::Text { contents: ref tstr } => {
                let s: &str = &tstr.borrow();
                out.push_str(s);
                length_map.entry(Rc::as_ptr(handle)).or_insert(s.len());
            }
            _ => {
                for child in handle.children.borrow().iter() {
                    let len_before = out.len();
                    RenderInput::do_extract_text(out, child, length_map);
                    let len_after = out.len();
                    length_map
                        .entry(Rc::as_ptr(child))
                        .or_insert(len_after - len_before);
                }
            }
        }
    }

    #[cfg(feature = "css_ext")]
    /// Return a full String, and a list of where substrings came from:
    ///
    fn extract_raw_text(&self) -> String {
        let mut result = String::new();
        RenderInput::do_extract_text(
            &mut result,
            &self.handle,
            &mut self.node_lengths.borrow_mut(),
        );
        result
    }
}

// margay patch: `free_dom` says whether the DOM may be emptied while the tree is made (each
// node freed once its render node exists): the DOM's owner gave it up (`dom_into_render_tree`,
// and parsing from a reader, where the DOM is gone afterwards anyway).
fn dom_to_render_tree_with_context<T: Write>(
    handle: Handle,
    err_out: &mut T,
    context: &mut HtmlContext,
    free_dom: bool,
) -> Result<Option<RenderNode>> {
    html_trace!("### dom_to_render_tree: HTML: {:?}", handle);
    #[cfg(feature = "css")]
    if context.use_doc_css {
        let mut doc_style_data = css::dom_extract::dom_to_stylesheet(handle.clone(), err_out)?;
        doc_style_data.merge(std::mem::take(&mut context.style_data));
        context.style_data = doc_style_data;
    }

    let parent_style = Default::default();
    let mut input = RenderInput::new(handle, parent_style);
    // margay patch: see `RenderInput::keep_dom`. Syntax highlighting reads text ahead.
    input.keep_dom = !free_dom || context.style_data.looks_around();
    #[cfg(feature = "css_ext")]
    {
        input.keep_dom |= !context.syntax_highlighters.map.is_empty();
    }
    let result = tree_map_reduce(context, input, |context, input| {
        process_dom_node(input, err_out, context)
    });

    html_trace!("### dom_to_render_tree: out= {:#?}", result);
    result
}

#[cfg(feature = "css")]
/// Return a string representation of the CSS rules parsed from
/// the DOM document.
pub fn dom_to_parsed_style(dom: &RcDom) -> Result<String> {
    let handle = dom.document.clone();
    let doc_style_data = css::dom_extract::dom_to_stylesheet(handle, &mut std::io::sink())?;
    Ok(doc_style_data.to_string())
}

fn pending<F>(
    input: RenderInput,
    f: F,
) -> TreeMapResult<'static, HtmlContext, RenderInput, RenderNode>
where
    F: FnOnce(&mut HtmlContext, Vec<RenderNode>) -> Option<RenderNode> + 'static,
{
    TreeMapResult::PendingChildren {
        children: input.children(),
        cons: Box::new(move |ctx, children| Ok(f(ctx, children))),
        prefn: None,
        postfn: None,
    }
}

fn pending_noempty<F>(
    input: RenderInput,
    f: F,
) -> TreeMapResult<'static, HtmlContext, RenderInput, RenderNode>
where
    F: FnOnce(&mut HtmlContext, Vec<RenderNode>) -> Option<RenderNode> + 'static,
{
    let style = &input.parent_style;
    TreeMapResult::PendingChildren {
        // margay patch: taken out of the DOM, as in `RenderInput::children`.
        children: input
            .child_handles()
            .into_iter()
            .map(|child| RenderInput {
                handle: child,
                parent_style: Rc::clone(style),
                #[cfg(feature = "css_ext")]
                extra_styles: Default::default(),
                // margay patch: shared with the parent, as in `RenderInput::children`, instead
                // of a new (allocated) map for every child.
                node_lengths: input.node_lengths.clone(),
                keep_dom: input.keep_dom,
            })
            .collect(),
        cons: Box::new(move |ctx, children| {
            if children.is_empty() {
                Ok(None)
            } else {
                Ok(f(ctx, children))
            }
        }),
        prefn: None,
        postfn: None,
    }
}

#[derive(Copy, Clone, Eq, PartialEq, Debug)]
enum ChildPosition {
    Start,
    End,
}

/// Prepend or append a FragmentStart (or analogous) marker to an existing
/// RenderNode.
fn insert_child(
    new_child: RenderNode,
    mut orig: RenderNode,
    position: ChildPosition,
) -> RenderNode {
    use RenderNodeInfo::*;
    html_trace!("insert_child({:?}, {:?}, {:?})", new_child, orig, position);

    match orig.info {
        // For block elements such as Block and Div, we need to insert
        // the node at the front of their children array, otherwise
        // the renderer is liable to drop the fragment start marker
        // _before_ the new line indicating the end of the previous
        // paragraph.
        //
        // For Container, we do the same thing just to make the data
        // margay patch: `ListItem` has its value; a `TableCell` is boxed (below).
        // less pointlessly nested.
        Block(ref mut children)
        | ListItem(_, ref mut children)
        | Dd(ref mut children)
        | Dt(ref mut children)
        | Dl(ref mut children)
        | Div(ref mut children)
        | BlockQuote(ref mut children)
        | Container(ref mut children) => {
            match position {
                ChildPosition::Start => children.insert(0, new_child),
                ChildPosition::End => children.push(new_child),
            }
            // Now return orig, but we do that outside the match so
            // that we've given back the borrowed ref 'children'.
        }
        // margay patch: boxed (see `RenderNodeInfo::Table`).
        TableCell(ref mut cell) => match position {
            ChildPosition::Start => cell.content.insert(0, new_child),
            ChildPosition::End => cell.content.push(new_child),
        },

        // For table rows and tables, push down if there's any content.
        TableRow(ref mut rrow, _) => {
            // If the row is empty, then there isn't really anything
            // to attach the fragment start to.
            if let Some(cell) = rrow.cells.first_mut() {
                match position {
                    ChildPosition::Start => cell.content.insert(0, new_child),
                    ChildPosition::End => cell.content.push(new_child),
                }
            }
        }

        // margay patch: boxed (see `RenderNodeInfo::Table`).
        TableBody(_) | Table(_) => {
            let rows = match orig.info {
                TableBody(ref mut rows) => rows,
                Table(ref mut table) => &mut table.rows,
                _ => unreachable!(),
            };
            // If the row is empty, then there isn't really anything
            // to attach the fragment start to.
            if let Some(rrow) = rows.first_mut() {
                if let Some(cell) = rrow.cells.first_mut() {
                    match position {
                        ChildPosition::Start => cell.content.insert(0, new_child),
                        ChildPosition::End => cell.content.push(new_child),
                    }
                }
            }
        }

        // For anything else, just make a new Container with the
        // new_child node and the original one.
        _ => {
            let result = match position {
                ChildPosition::Start => RenderNode::new(Container(vec![new_child, orig])),
                ChildPosition::End => RenderNode::new(Container(vec![orig, new_child])),
            };
            html_trace!("insert_child() -> {:?}", result);
            return result;
        }
    }
    html_trace!("insert_child() -> {:?}", &orig);
    orig
}

/// margay patch: mark the text in `nodes` (and in their inline descendants) preformatted.
fn mark_preformatted(nodes: &mut [RenderNode]) {
    use RenderNodeInfo::*;
    let mut stack: Vec<&mut RenderNode> = nodes.iter_mut().collect();
    while let Some(node) = stack.pop() {
        match &mut node.info {
            Text(_) => node.style.white_space.maybe_update(
                false,
                StyleOrigin::Agent,
                Default::default(),
                WhiteSpace::Pre,
            ),
            Container(v) | Link(_, v) | Em(v) | Strong(v) | Strikeout(v) | Code(v) | Sup(v)
            | Sub(v) => stack.extend(v.iter_mut()),
            _ => {}
        }
    }
}

/// margay patch: the value of the attribute `name` of an element.
fn attr_value(attrs: &RefCell<Vec<html5ever::Attribute>>, name: &str) -> Option<String> {
    let attrs = attrs.borrow();
    let attr = attrs.iter().find(|attr| &*attr.name.local == name)?;
    Some(attr.value.to_string())
}

fn process_dom_node<T: Write>(
    input: RenderInput,
    err_out: &mut T,
    #[allow(unused)] // Used with css feature
    context: &mut HtmlContext,
) -> Result<TreeMapResult<'static, HtmlContext, RenderInput, RenderNode>> {
    use RenderNodeInfo::*;
    use TreeMapResult::*;

    Ok(match input.handle.clone().data {
        Document => pending(input, |_context, cs| Some(RenderNode::new(Container(cs)))),
        Comment { .. } => Nothing,
        Element {
            ref name,
            ref attrs,
            ..
        } => {
            let mut frag_from_name_attr = false;

            // margay patch: an element with the `hidden` attribute is not shown (as HTML's
            // own style sheet says: `[hidden] { display: none }`).
            if attrs.borrow().iter().any(|a| &*a.name.local == "hidden") {
                return Ok(Nothing);
            }

            let RenderInput {
                ref handle,
                ref parent_style,
                ..
            } = input;

            #[cfg(feature = "css")]
            let use_doc_css = context.use_doc_css;
            #[cfg(not(feature = "css"))]
            let use_doc_css = false;

            let computed = {
                let computed = context
                    .style_data
                    .computed_style(parent_style, handle, use_doc_css);
                #[cfg(feature = "css")]
                match computed.display.val() {
                    Some(css::Display::None) => return Ok(Nothing),
                    #[cfg(feature = "css_ext")]
                    Some(css::Display::ExtRawDom) => {
                        use html5ever::interface::{NodeOrText, TreeSink};
                        use html5ever::{LocalName, QualName};
                        let mut html_bytes: Vec<u8> = Default::default();
                        handle.serialize(&mut html_bytes)?;

                        // Make a new DOM object so that we can easily create new
                        // nodes.  They will be independent.
                        let dom = RcDom::default();

                        // We'll enclose it in a `<pre>`, so that we have an element in the right
                        // shape to process.
                        let html_string = String::from_utf8_lossy(&html_bytes).into_owned();
                        let pre_node = dom.create_element(
                            QualName::new(None, ns!(html), LocalName::from("pre")),
                            vec![],
                            Default::default(),
                        );
                        dom.append(&pre_node, NodeOrText::AppendText(html_string.into()));

                        // Remove the RawDom setting; we don't want to be recursively converting to
                        // raw DOM.
                        let mut my_computed = computed;
                        my_computed.display = Default::default();
                        // Preformat it
                        my_computed.white_space.maybe_update(
                            false,
                            StyleOrigin::Agent,
                            Default::default(),
                            WhiteSpace::Pre,
                        );
                        my_computed.internal_pre = true;

                        let new_input = RenderInput {
                            handle: pre_node,
                            parent_style: Rc::new(my_computed.clone()),
                            extra_styles: Default::default(),
                            node_lengths: Default::default(),
                            // margay patch: see `RenderInput::keep_dom`.
                            keep_dom: false,
                        };

                        if let Some(syntax_info) = my_computed.syntax.val() {
                            if let Some(highlighter) =
                                context.syntax_highlighters.get(&syntax_info.language)
                            {
                                // Do the highlighting here.
                                let text = new_input.extract_raw_text();
                                let highlighted = highlighter(&text);
                                new_input.set_syntax_info(&text, highlighted);
                            }
                        }
                        return Ok(pending(new_input, move |_, cs| {
                            Some(RenderNode::new_styled(Container(cs), my_computed))
                        }));
                    }
                    _ => (),
                }
                #[cfg(feature = "css_ext")]
                if let Some(syntax_info) = computed.syntax.val() {
                    if let Some(highlighter) =
                        context.syntax_highlighters.get(&syntax_info.language)
                    {
                        let extracted_text = input.extract_raw_text();
                        let highlighted = highlighter(&extracted_text);
                        input.set_syntax_info(&extracted_text, highlighted);
                    }
                }

                computed
            };

            let computed_before = computed.content_before.clone();
            let computed_after = computed.content_after.clone();

            let result = match name.expanded() {
                expanded_name!(html "html") | expanded_name!(html "body") => {
                    /* process children, but don't add anything */
                    pending(input, move |_, cs| {
                        Some(RenderNode::new_styled(Container(cs), computed))
                    })
                }
                // margay patch: a rule across the page.
                expanded_name!(html "hr") => Finished(RenderNode::new_styled(HorizontalRule, computed)),
                expanded_name!(html "link")
                | expanded_name!(html "meta")
                | expanded_name!(html "script")
                | expanded_name!(html "style")
                | expanded_name!(html "head") => {
                    /* Ignore the head and its children */
                    Nothing
                }
                expanded_name!(html "span") => {
                    /* process children, but don't add anything */
                    pending_noempty(input, move |_, cs| {
                        Some(RenderNode::new_styled(Container(cs), computed))
                    })
                }
                expanded_name!(html "a") => {
                    let borrowed = attrs.borrow();
                    let mut target = None;
                    frag_from_name_attr = true;
                    for attr in borrowed.iter() {
                        if &attr.name.local == "href" {
                            target = Some(&*attr.value);
                            break;
                        }
                    }
                    PendingChildren {
                        children: input.children(),
                        cons: if let Some(href) = target {
                            let href: String = href.into();
                            Box::new(move |_, cs: Vec<RenderNode>| {
                                if cs.iter().any(|c| !c.is_shallow_empty()) {
                                    Ok(Some(RenderNode::new_styled(Link(href, cs), computed)))
                                } else {
                                    Ok(None)
                                }
                            })
                        } else {
                            Box::new(move |_, cs| {
                                Ok(Some(RenderNode::new_styled(Container(cs), computed)))
                            })
                        },
                        prefn: None,
                        postfn: None,
                    }
                }
                expanded_name!(html "em")
                | expanded_name!(html "i")
                | expanded_name!(html "ins") => pending(input, move |_, cs| {
                    Some(RenderNode::new_styled(Em(cs), computed))
                }),
                expanded_name!(html "strong") | expanded_name!(html "b") => {
                    pending(input, move |_, cs| {
                        Some(RenderNode::new_styled(Strong(cs), computed))
                    })
                }
                expanded_name!(html "s") | expanded_name!(html "del") => {
                    pending(input, move |_, cs| {
                        Some(RenderNode::new_styled(Strikeout(cs), computed))
                    })
                }
                expanded_name!(html "code") => pending(input, move |_, cs| {
                    Some(RenderNode::new_styled(Code(cs), computed))
                }),
                expanded_name!(html "img") => {
                    let borrowed = attrs.borrow();
                    let mut title = None;
                    let mut src = None;
                    for attr in borrowed.iter() {
                        if &attr.name.local == "alt" && !attr.value.is_empty() {
                            title = Some(&*attr.value);
                        }
                        if &attr.name.local == "src" && !attr.value.is_empty() {
                            src = Some(&*attr.value);
                        }
                        if title.is_some() && src.is_some() {
                            break;
                        }
                    }
                    // Ignore `<img>` without src.
                    if let Some(src) = src {
                        Finished(RenderNode::new_styled(
                            Img(src.into(), title.unwrap_or("").into()),
                            computed,
                        ))
                    } else {
                        Nothing
                    }
                }
                expanded_name!(svg "svg") => {
                    // Inline SVG: look for a <title> child for the title.
                    let mut title = None;

                    for node in input.handle.children.borrow().iter() {
                        if let markup5ever_rcdom::NodeData::Element { ref name, .. } = node.data {
                            if matches!(name.expanded(), expanded_name!(svg "title")) {
                                let mut title_str = String::new();
                                for subnode in node.children.borrow().iter() {
                                    if let markup5ever_rcdom::NodeData::Text { ref contents } =
                                        subnode.data
                                    {
                                        title_str.push_str(&contents.borrow());
                                    }
                                }
                                title = Some(title_str);
                            } else {
                                // The first item has to be <title>
                                break;
                            }
                        }
                    }

                    Finished(RenderNode::new_styled(
                        Svg(title.unwrap_or_else(String::new)),
                        computed,
                    ))
                }
                expanded_name!(html "h1")
                | expanded_name!(html "h2")
                | expanded_name!(html "h3")
                | expanded_name!(html "h4")
                | expanded_name!(html "h5")
                | expanded_name!(html "h6") => {
                    let level: usize = name.local[1..].parse().unwrap();
                    pending(input, move |_, cs| {
                        Some(RenderNode::new_styled(Header(level, cs), computed))
                    })
                }
                expanded_name!(html "p") => pending_noempty(input, move |_, cs| {
                    Some(RenderNode::new_styled(Block(cs), computed))
                }),
                expanded_name!(html "li") => {
                    // margay patch: with its `value`, an ordered list's number for it.
                    let value = attr_value(attrs, "value").and_then(|v| v.trim().parse().ok());
                    pending(input, move |_, cs| {
                        Some(RenderNode::new_styled(ListItem(value, cs), computed))
                    })
                }
                expanded_name!(html "sup") => pending(input, move |_, cs| {
                    Some(RenderNode::new_styled(Sup(cs), computed))
                }),
                // margay patch: subscripts (they were plain text).
                expanded_name!(html "sub") => pending(input, move |_, cs| {
                    Some(RenderNode::new_styled(Sub(cs), computed))
                }),
                expanded_name!(html "div") => pending_noempty(input, move |_, cs| {
                    Some(RenderNode::new_styled(Div(cs), computed))
                }),
                expanded_name!(html "pre") => pending(input, move |_, mut cs| {
                    // margay patch: its text knows it is preformatted, for the size estimate.
                    mark_preformatted(&mut cs);
                    let mut computed = computed;
                    computed.white_space.maybe_update(
                        false,
                        StyleOrigin::Agent,
                        Default::default(),
                        WhiteSpace::Pre,
                    );
                    computed.internal_pre = true;
                    Some(RenderNode::new_styled(Block(cs), computed))
                }),
                expanded_name!(html "br") => Finished(RenderNode::new_styled(Break, computed)),
                expanded_name!(html "wbr") => {
                    Finished(RenderNode::new_styled(Text("\u{200b}".into()), computed))
                }
                expanded_name!(html "table") => table_to_render_tree(input, computed, err_out),
                expanded_name!(html "thead") | expanded_name!(html "tbody") => {
                    tbody_to_render_tree(input, computed, err_out)
                }
                expanded_name!(html "tr") => tr_to_render_tree(input, computed, err_out),
                expanded_name!(html "th") | expanded_name!(html "td") => {
                    td_to_render_tree(input, computed, err_out)
                }
                expanded_name!(html "blockquote") => pending_noempty(input, move |_, cs| {
                    Some(RenderNode::new_styled(BlockQuote(cs), computed))
                }),
                // margay patch: `<menu>` and `<dir>` are lists as `<ul>` is.
                expanded_name!(html "ul") | expanded_name!(html "menu") | expanded_name!(html "dir") => {
                    pending_noempty(input, move |_, cs| {
                        Some(RenderNode::new_styled(Ul(cs), computed))
                    })
                }
                // margay patch: a figure and its caption are blocks: the caption is on a
                // line of its own, not run into an image's alt text. An image map's links
                // (its areas) are on a line of their own too.
                expanded_name!(html "figure")
                | expanded_name!(html "figcaption")
                | expanded_name!(html "map") => {
                    pending_noempty(input, move |_, cs| {
                        Some(RenderNode::new_styled(Div(cs), computed))
                    })
                }
                // margay patch: quotation marks around `<q>`, double and single by turns
                // when quotes nest.
                expanded_name!(html "q") => {
                    let depth = context.quote_depth;
                    context.quote_depth += 1;
                    let (open, close) = if depth % 2 == 0 { ("“", "”") } else { ("‘", "’") };
                    pending(input, move |context, mut cs| {
                        context.quote_depth -= 1;
                        cs.insert(0, RenderNode::new(Text(open.into())));
                        cs.push(RenderNode::new(Text(close.into())));
                        Some(RenderNode::new_styled(Container(cs), computed))
                    })
                }
                // margay patch: a table's caption is shown above it (it was dropped).
                expanded_name!(html "caption") => pending_noempty(input, move |_, cs| {
                    Some(RenderNode::new_styled(Div(cs), computed))
                }),
                // margay patch: a frame is a link to its page, as lynx and elinks show it
                // ("IFRAME: " and its title or address).
                expanded_name!(html "iframe") => {
                    let src = attr_value(attrs, "src").map(|s| s.trim().to_string());
                    match src.filter(|s| !s.is_empty() && s != "about:blank") {
                        Some(src) => {
                            let title = attr_value(attrs, "title");
                            let title = title.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
                            let label = title.filter(|t| !t.is_empty()).unwrap_or_else(|| src.clone());
                            let link = RenderNode::new(Link(src, vec![RenderNode::new(Text(label))]));
                            let prefix = RenderNode::new(Text("IFRAME: ".into()));
                            Finished(RenderNode::new_styled(Block(vec![prefix, link]), computed))
                        }
                        None => Nothing,
                    }
                }
                // margay patch: each area of an image map is a link named by its alt text
                // (they were dropped).
                expanded_name!(html "area") => match attr_value(attrs, "href") {
                    Some(href) => {
                        let names = ["alt", "title"].map(|name| attr_value(attrs, name));
                        let label = names
                            .into_iter()
                            .flatten()
                            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
                            .find(|n| !n.is_empty())
                            .unwrap_or_else(|| href.clone());
                        let link = RenderNode::new(Link(href, vec![RenderNode::new(Text(label))]));
                        let space = RenderNode::new(Text(" ".into()));
                        Finished(RenderNode::new_styled(Container(vec![link, space]), computed))
                    }
                    None => Nothing,
                },
                expanded_name!(html "ol") => {
                    // margay patch: the `type` and `reversed` attributes count too; a
                    // reversed list without `start` counts down from its number of items.
                    let start: Option<i64> =
                        attr_value(attrs, "start").and_then(|v| v.trim().parse().ok());
                    let style = attr_value(attrs, "type")
                        .and_then(|v| render::ListNumbering::from_type_attribute(&v))
                        .unwrap_or_default();
                    let reversed = attr_value(attrs, "reversed").is_some();

                    pending_noempty(input, move |_, cs| {
                        // There can be extra nodes which aren't ListItem (like whitespace text
                        // nodes).  We need to filter those out to avoid messing up the rendering.
                        let cs: Vec<RenderNode> = cs
                            .into_iter()
                            .filter(|n| matches!(n.info, RenderNodeInfo::ListItem(..)))
                            .collect();
                        let start = start.unwrap_or(if reversed { cs.len() as i64 } else { 1 });
                        let numbering = OlNumbering {
                            start,
                            style,
                            reversed,
                        };
                        Some(RenderNode::new_styled(Ol(numbering, cs), computed))
                    })
                }
                expanded_name!(html "dl") => {
                    pending_noempty(input, move |_, cs| {
                        // There can be extra nodes which aren't Dt or Dd (like whitespace text
                        // nodes).  We need to filter those out to avoid messing up the rendering.
                        let cs = cs
                            .into_iter()
                            .filter(|n| {
                                matches!(n.info, RenderNodeInfo::Dt(..) | RenderNodeInfo::Dd(..))
                            })
                            .collect();
                        Some(RenderNode::new_styled(Dl(cs), computed))
                    })
                }
                expanded_name!(html "dt") => pending(input, move |_, cs| {
                    Some(RenderNode::new_styled(Dt(cs), computed))
                }),
                expanded_name!(html "dd") => pending(input, move |_, cs| {
                    Some(RenderNode::new_styled(Dd(cs), computed))
                }),
                _ => {
                    html_trace!("Unhandled element: {:?}\n", name.local);
                    pending_noempty(input, move |_, cs| {
                        Some(RenderNode::new_styled(Container(cs), computed))
                    })
                }
            };

            let mut fragment = None;
            let borrowed = attrs.borrow();
            for attr in borrowed.iter() {
                if &attr.name.local == "id" || (frag_from_name_attr && &attr.name.local == "name") {
                    fragment = Some(attr.value.to_string());
                    break;
                }
            }

            let result = if computed_before.is_some() || computed_after.is_some() {
                let wrap_nodes = move |mut node: RenderNode| {
                    if let Some(ref content) = computed_before {
                        if let Some(pseudo_content) = content.content.val() {
                            node = insert_child(
                                RenderNode::new(Text(pseudo_content.text.clone())),
                                node,
                                ChildPosition::Start,
                            );
                        }
                    }
                    if let Some(ref content) = computed_after {
                        if let Some(pseudo_content) = content.content.val() {
                            node = insert_child(
                                RenderNode::new(Text(pseudo_content.text.clone())),
                                node,
                                ChildPosition::End,
                            );
                        }
                    }
                    node
                };
                // Insert extra content nodes
                match result {
                    Finished(node) => Finished(wrap_nodes(node)),
                    // Do we need to wrap a Nothing?
                    Nothing => Nothing,
                    PendingChildren {
                        children,
                        cons,
                        prefn,
                        postfn,
                    } => PendingChildren {
                        children,
                        prefn,
                        postfn,
                        cons: Box::new(move |ctx, ch| match cons(ctx, ch)? {
                            None => Ok(None),
                            Some(node) => Ok(Some(wrap_nodes(node))),
                        }),
                    },
                }
            } else {
                result
            };

            let Some(fragname) = fragment else {
                return Ok(result);
            };
            match result {
                Finished(node) => Finished(insert_child(
                    RenderNode::new(FragStart(fragname)),
                    node,
                    ChildPosition::Start,
                )),
                Nothing => Finished(RenderNode::new(FragStart(fragname))),
                PendingChildren {
                    children,
                    cons,
                    prefn,
                    postfn,
                } => PendingChildren {
                    children,
                    prefn,
                    postfn,
                    cons: Box::new(move |ctx, ch| {
                        let fragnode = RenderNode::new(FragStart(fragname));
                        match cons(ctx, ch)? {
                            None => Ok(Some(fragnode)),
                            Some(node) => {
                                Ok(Some(insert_child(fragnode, node, ChildPosition::Start)))
                            }
                        }
                    }),
                },
            }
        }
        markup5ever_rcdom::NodeData::Text { contents: ref tstr } => {
            #[cfg(feature = "css_ext")]
            if !input.extra_styles.borrow().is_empty() {
                let mut nodes = Vec::new();
                let mut offset = 0;
                for part in &*input.extra_styles.borrow() {
                    let (start, end) = (part.0.start, part.0.end);
                    if start > offset {
                        // Handle the unstyled bit at the start
                        nodes.push(RenderNode::new(Text((tstr.borrow()[offset..start]).into())));
                    }
                    let mut cstyle = input.parent_style.inherit();
                    cstyle.colour.maybe_update(
                        // TODO: use the right specificity
                        cstyle.syntax.important,
                        cstyle.syntax.origin,
                        cstyle.syntax.specificity,
                        part.1.fg_colour,
                    );
                    if let Some(bgcol) = part.1.bg_colour {
                        cstyle.bg_colour.maybe_update(
                            // TODO: use the right specificity
                            cstyle.syntax.important,
                            cstyle.syntax.origin,
                            cstyle.syntax.specificity,
                            bgcol,
                        );
                    }
                    // Now the styled part
                    nodes.push(RenderNode::new_styled(
                        Text((tstr.borrow()[start..end]).into()),
                        cstyle,
                    ));
                    offset = end;
                }
                // the final bit
                if offset < tstr.borrow().len() {
                    nodes.push(RenderNode::new(Text((tstr.borrow()[offset..]).into())));
                }
                if nodes.len() == 1 {
                    return Ok(Finished(nodes.pop().unwrap()));
                } else {
                    return Ok(Finished(RenderNode::new(RenderNodeInfo::Container(nodes))));
                }
            }

            Finished(RenderNode::new(Text((&*tstr.borrow()).into())))
        }
        _ => {
            // NodeData doesn't have a Debug impl.
            writeln!(err_out, "Unhandled node type.").unwrap();
            Nothing
        }
    })
}

fn render_tree_to_string<T: Write, D: TextDecorator>(
    context: &mut HtmlContext,
    renderer: SubRenderer<D>,
    decorator: &D,
    tree: RenderNode,
    err_out: &mut T,
) -> Result<SubRenderer<D>> {
    /* Phase 1: get size estimates. */
    // can't actually error, but Ok-wrap to satisfy tree_map_reduce signature
    tree_map_reduce(context, &tree, |context, node| {
        Ok(precalc_size_estimate(node, context, decorator))
    })?;
    /* Phase 2: actually render. */
    let mut renderer = TextRenderer::new(renderer);
    tree_map_reduce(&mut renderer, tree, |renderer, node| {
        Ok(do_render_node(renderer, node, err_out)?)
    })?;
    let (mut renderer, links) = renderer.into_inner();
    let lines = renderer.finalise(links);
    // And add the links
    if !lines.is_empty() {
        renderer.start_block()?;
        renderer.fmt_links(lines);
    }
    Ok(renderer)
}

fn pending2<
    D: TextDecorator,
    F: FnOnce(
            &mut TextRenderer<D>,
            Vec<Option<Box<SubRenderer<D>>>>,
        ) -> Result<Option<Option<Box<SubRenderer<D>>>>>
        + 'static,
>(
    children: Vec<RenderNode>,
    f: F,
) -> TreeMapResult<'static, TextRenderer<D>, RenderNode, Option<Box<SubRenderer<D>>>> {
    TreeMapResult::PendingChildren {
        children,
        cons: Box::new(f),
        prefn: None,
        postfn: None,
    }
}

/// Keep track of what style state has been applied to a renderer so that we
/// can undo it.
#[derive(Default)]
struct PushedStyleInfo {
    colour: bool,
    bgcolour: bool,
    white_space: bool,
    preformat: bool,
}

impl PushedStyleInfo {
    fn apply<D: TextDecorator>(render: &mut TextRenderer<D>, style: &ComputedStyle) -> Self {
        #[allow(unused_mut)]
        let mut result: PushedStyleInfo = Default::default();
        #[cfg(feature = "css")]
        if let Some(col) = style.colour.val() {
            render.push_colour(*col);
            result.colour = true;
        }
        #[cfg(feature = "css")]
        if let Some(col) = style.bg_colour.val() {
            render.push_bgcolour(*col);
            result.bgcolour = true;
        }
        if let Some(ws) = style.white_space.val() {
            if let WhiteSpace::Pre | WhiteSpace::PreWrap = ws {
                render.push_ws(*ws);
                result.white_space = true;
            }
        }
        if style.internal_pre {
            render.push_preformat();
            result.preformat = true;
        }
        result
    }
    fn unwind<D: TextDecorator>(self, renderer: &mut TextRenderer<D>) {
        if self.bgcolour {
            renderer.pop_bgcolour();
        }
        if self.colour {
            renderer.pop_colour();
        }
        if self.white_space {
            renderer.pop_ws();
        }
        if self.preformat {
            renderer.pop_preformat();
        }
    }
}

fn do_render_node<T: Write, D: TextDecorator>(
    renderer: &mut TextRenderer<D>,
    tree: RenderNode,
    err_out: &mut T,
) -> render::Result<TreeMapResult<'static, TextRenderer<D>, RenderNode, Option<Box<SubRenderer<D>>>>> {
    html_trace!("do_render_node({:?}", tree);
    use RenderNodeInfo::*;
    use TreeMapResult::*;

    let size_estimate = tree.size_estimate.get().unwrap_or_default();

    let pushed_style = PushedStyleInfo::apply(renderer, &tree.style);

    Ok(match tree.into_info() {
        Text(ref tstr) => {
            renderer.add_inline_text(tstr)?;
            pushed_style.unwind(renderer);
            Finished(None)
        }
        Container(children) => pending2(children, |renderer, _| {
            pushed_style.unwind(renderer);
            Ok(Some(None))
        }),
        Link(href, children) => {
            renderer.start_link(&href)?;
            pending2(children, move |renderer: &mut TextRenderer<D>, _| {
                renderer.end_link()?;
                pushed_style.unwind(renderer);
                Ok(Some(None))
            })
        }
        Em(children) => {
            renderer.start_emphasis()?;
            pending2(children, |renderer: &mut TextRenderer<D>, _| {
                renderer.end_emphasis()?;
                pushed_style.unwind(renderer);
                Ok(Some(None))
            })
        }
        Strong(children) => {
            renderer.start_strong()?;
            pending2(children, |renderer: &mut TextRenderer<D>, _| {
                renderer.end_strong()?;
                pushed_style.unwind(renderer);
                Ok(Some(None))
            })
        }
        Strikeout(children) => {
            renderer.start_strikeout()?;
            pending2(children, |renderer: &mut TextRenderer<D>, _| {
                renderer.end_strikeout()?;
                pushed_style.unwind(renderer);
                Ok(Some(None))
            })
        }
        Code(children) => {
            renderer.start_code()?;
            pending2(children, |renderer: &mut TextRenderer<D>, _| {
                renderer.end_code()?;
                pushed_style.unwind(renderer);
                Ok(Some(None))
            })
        }
        Img(src, title) => {
            renderer.add_image(&src, &title)?;
            pushed_style.unwind(renderer);
            Finished(None)
        }
        Svg(title) => {
            renderer.add_image("", &title)?;
            pushed_style.unwind(renderer);
            Finished(None)
        }
        // margay patch: `ListItem` has its value.
        Block(children) | ListItem(_, children) => {
            renderer.start_block()?;
            pending2(children, |renderer: &mut TextRenderer<D>, _| {
                renderer.end_block();
                pushed_style.unwind(renderer);
                Ok(Some(None))
            })
        }
        Header(level, children) => {
            let prefix = renderer.header_prefix(level);
            let prefix_size = size_estimate.prefix_size;
            debug_assert!(prefix.len() == prefix_size);
            let min_width = size_estimate.min_width;
            let inner_width = min_width.saturating_sub(prefix_size);
            let sub_builder =
                renderer.new_sub_renderer(renderer.width_minus(prefix_size, inner_width)?)?;
            renderer.push(sub_builder);
            pending2(children, move |renderer: &mut TextRenderer<D>, _| {
                let sub_builder = renderer.pop();

                renderer.start_block()?;
                renderer.append_subrender(sub_builder, repeat(&prefix[..]))?;
                renderer.end_block();
                pushed_style.unwind(renderer);
                Ok(Some(None))
            })
        }
        Div(children) => {
            renderer.new_line()?;
            pending2(children, |renderer: &mut TextRenderer<D>, _| {
                renderer.new_line()?;
                pushed_style.unwind(renderer);
                Ok(Some(None))
            })
        }
        BlockQuote(children) => {
            let prefix = renderer.quote_prefix();
            debug_assert!(size_estimate.prefix_size == prefix.len());
            let inner_width = size_estimate.min_width - prefix.len();
            let sub_builder =
                renderer.new_sub_renderer(renderer.width_minus(prefix.len(), inner_width)?)?;
            renderer.push(sub_builder);
            pending2(children, move |renderer: &mut TextRenderer<D>, _| {
                let sub_builder = renderer.pop();

                renderer.start_block()?;
                renderer.append_subrender(sub_builder, repeat(&prefix[..]))?;
                renderer.end_block();
                pushed_style.unwind(renderer);
                Ok(Some(None))
            })
        }
        Ul(items) => {
            let prefix = renderer.unordered_item_prefix();
            let prefix_len = prefix.len();
            // margay patch: a list is a block, apart from the text (or list) around it,
            // unless it is inside another list.
            let empty = items.iter().all(RenderNode::is_shallow_empty);
            renderer.start_list(empty)?;

            TreeMapResult::PendingChildren {
                children: items,
                cons: Box::new(move |renderer, _| {
                    renderer.end_list(empty);
                    pushed_style.unwind(renderer);
                    Ok(Some(None))
                }),
                prefn: Some(Box::new(move |renderer: &mut TextRenderer<D>, _| {
                    let inner_width = size_estimate.min_width - prefix_len;
                    let sub_builder = renderer
                        .new_sub_renderer(renderer.width_minus(prefix_len, inner_width)?)?;
                    renderer.push(sub_builder);
                    Ok(())
                })),
                postfn: Some(Box::new(move |renderer: &mut TextRenderer<D>, _| {
                    let sub_builder = renderer.pop();

                    let indent = " ".repeat(prefix.len());

                    renderer.append_subrender(
                        sub_builder,
                        once(&prefix[..]).chain(repeat(&indent[..])),
                    )?;
                    Ok(())
                })),
            }
        }
        Ol(numbering, items) => {
            // margay patch: the items' numbers as the list's attributes and the items'
            // `value`s make them, in the list's style; the prefix is as wide as the widest.
            let numbers = numbering.numbers(&items);
            let prefix_width = numbers
                .iter()
                .map(|&n| renderer.ordered_item_prefix_styled(n, numbering.style).len())
                .max()
                .unwrap_or(0);
            let prefixn = format!("{: <width$}", "", width = prefix_width);
            let i: Cell<_> = Cell::new(0);
            // margay patch: a block, as `Ul`.
            let empty = items.iter().all(RenderNode::is_shallow_empty);
            renderer.start_list(empty)?;

            TreeMapResult::PendingChildren {
                children: items,
                cons: Box::new(move |renderer, _| {
                    renderer.end_list(empty);
                    pushed_style.unwind(renderer);
                    Ok(Some(None))
                }),
                prefn: Some(Box::new(move |renderer: &mut TextRenderer<D>, _| {
                    let inner_min = size_estimate.min_width - size_estimate.prefix_size;
                    let sub_builder = renderer
                        .new_sub_renderer(renderer.width_minus(prefix_width, inner_min)?)?;
                    renderer.push(sub_builder);
                    Ok(())
                })),
                postfn: Some(Box::new(move |renderer: &mut TextRenderer<D>, _| {
                    let sub_builder = renderer.pop();
                    // margay patch: the item's own number.
                    let number = numbers.get(i.get()).copied().unwrap_or_default();
                    let prefix1 = renderer.ordered_item_prefix_styled(number, numbering.style);
                    let prefix1 = format!("{: <width$}", prefix1, width = prefix_width);

                    renderer.append_subrender(
                        sub_builder,
                        once(prefix1.as_str()).chain(repeat(prefixn.as_str())),
                    )?;
                    i.set(i.get() + 1);
                    Ok(())
                })),
            }
        }
        Dl(items) => {
            renderer.start_block()?;

            TreeMapResult::PendingChildren {
                children: items,
                cons: Box::new(|renderer, _| {
                    pushed_style.unwind(renderer);
                    Ok(Some(None))
                }),
                prefn: None,
                postfn: None,
            }
        }
        Dt(children) => {
            renderer.new_line()?;
            renderer.start_emphasis()?;
            pending2(children, |renderer: &mut TextRenderer<D>, _| {
                renderer.end_emphasis()?;
                pushed_style.unwind(renderer);
                Ok(Some(None))
            })
        }
        Dd(children) => {
            let inner_min = size_estimate.min_width - 2;
            let sub_builder = renderer.new_sub_renderer(renderer.width_minus(2, inner_min)?)?;
            renderer.push(sub_builder);
            pending2(children, |renderer: &mut TextRenderer<D>, _| {
                let sub_builder = renderer.pop();
                renderer.append_subrender(sub_builder, repeat("  "))?;
                pushed_style.unwind(renderer);
                Ok(Some(None))
            })
        }
        Break => {
            renderer.new_line_hard()?;
            pushed_style.unwind(renderer);
            Finished(None)
        }
        // margay patch: boxed (see `RenderNodeInfo::Table`).
        Table(tab) => render_table_tree(renderer, *tab, err_out)?,
        TableRow(row, false) => render_table_row(renderer, *row, pushed_style, err_out),
        TableRow(row, true) => render_table_row_vert(renderer, *row, pushed_style, err_out),
        TableBody(_) => unimplemented!("Unexpected TableBody while rendering"),
        TableCell(cell) => render_table_cell(renderer, *cell, pushed_style, err_out),
        FragStart(fragname) => {
            renderer.record_frag_start(&fragname);
            pushed_style.unwind(renderer);
            Finished(None)
        }
        Sup(children) => {
            // Special case for digit-only superscripts - use superscript
            // characters.
            // margay patch: `script_digits` is a function of the module, for the estimate.
            if let Some(digitstr) = script_digits(&children, true) {
                renderer.add_inline_text(&digitstr)?;
                pushed_style.unwind(renderer);
                Finished(None)
            } else {
                renderer.start_superscript()?;
                pending2(children, |renderer: &mut TextRenderer<D>, _| {
                    renderer.end_superscript()?;
                    pushed_style.unwind(renderer);
                    Ok(Some(None))
                })
            }
        }
        // margay patch: subscripts are marked as superscripts are (they were plain text).
        Sub(children) => {
            if let Some(digitstr) = script_digits(&children, false) {
                renderer.add_inline_text(&digitstr)?;
                pushed_style.unwind(renderer);
                Finished(None)
            } else {
                renderer.start_subscript()?;
                pending2(children, |renderer: &mut TextRenderer<D>, _| {
                    renderer.end_subscript()?;
                    pushed_style.unwind(renderer);
                    Ok(Some(None))
                })
            }
        }
        // margay patch: a rule across the block (`<hr>` was dropped).
        HorizontalRule => {
            renderer.start_block()?;
            renderer.add_horizontal_rule()?;
            renderer.end_block();
            pushed_style.unwind(renderer);
            Finished(None)
        }
    })
}

fn render_table_tree<T: Write, D: TextDecorator>(
    renderer: &mut TextRenderer<D>,
    mut table: RenderTable,
    _err_out: &mut T,
) -> render::Result<TreeMapResult<'static, TextRenderer<D>, RenderNode, Option<Box<SubRenderer<D>>>>> {
    /* Now lay out the table. */
    let num_columns = table.num_columns;

    // margay patch: columns as wide as their lines when they fit, else narrowed from the
    // widest down (`ColumnNeed::allocate`); it used to share the width out by how much text
    // each column holds, down to a few columns, cutting words.
    let width = renderer.width();
    let allocated = if renderer.options.raw || width == 0 {
        None
    } else {
        ColumnNeed::allocate(&table.measured(renderer.decorator()).0, width)
    };
    let vert_row = allocated.is_none();
    let col_widths: Vec<usize> = allocated.unwrap_or_else(|| vec![width; num_columns]);

    let table_width = if vert_row {
        width
    } else {
        col_widths.iter().cloned().sum::<usize>()
            + col_widths
                .iter()
                .filter(|&w| w > &0)
                .count()
                .saturating_sub(1)
    };

    renderer.start_table()?;
    renderer.table_depth += 1;

    fn open_table<D: TextDecorator>(
        renderer: &mut TextRenderer<D>,
        table_width: usize,
    ) -> render::Result<()> {
        if renderer.options.fence_tables && renderer.table_depth == 1 {
            renderer.add_inline_text("```")?;
        }

        if table_width != 0 && renderer.options.draw_borders {
            renderer.add_horizontal_border_width(table_width)?;
        }
        Ok(())
    }

    // margay patch: the caption comes first, then the table opens before its first row.
    let caption = std::mem::take(&mut table.caption);
    let mut prefn: Option<Box<ChildPreFn<TextRenderer<D>, RenderNode>>> = None;
    let children = if caption.is_empty() {
        open_table(renderer, table_width)?;
        table.into_rows(col_widths, vert_row)
    } else {
        let opened = Cell::new(false);
        prefn = Some(Box::new(move |renderer: &mut TextRenderer<D>, node: &RenderNode| {
            if !opened.get() && matches!(node.info, RenderNodeInfo::TableRow(..)) {
                opened.set(true);
                open_table(renderer, table_width)?;
            }
            Ok(())
        }));
        caption.into_iter().chain(table.into_rows(col_widths, vert_row)).collect()
    };

    Ok(TreeMapResult::PendingChildren {
        children,
        cons: Box::new(|renderer, _| {
            if renderer.options.fence_tables && renderer.table_depth == 1 {
                renderer.add_inline_text("```")?;
            }
            renderer.table_depth -= 1;
            Ok(Some(None))
        }),
        // margay patch: it opens the table after the caption.
        prefn,
        postfn: None,
    })
}

fn render_table_row<T: Write, D: TextDecorator>(
    _renderer: &mut TextRenderer<D>,
    row: RenderTableRow,
    pushed_style: PushedStyleInfo,
    _err_out: &mut T,
) -> TreeMapResult<'static, TextRenderer<D>, RenderNode, Option<Box<SubRenderer<D>>>> {
    let rowspans: Vec<usize> = row.cells().map(|cell| cell.rowspan).collect();
    let have_overhang = row.cells().any(|cell| cell.is_dummy);
    TreeMapResult::PendingChildren {
        children: row.into_cells(false),
        cons: Box::new(move |builders, children| {
            // margay patch: unboxed (`render_table_cell`).
            let children: Vec<_> = children.into_iter().map(|cell| *cell.unwrap()).collect();
            if have_overhang || children.iter().any(|c| !c.empty()) {
                builders.append_columns_with_borders(children.into_iter().zip(rowspans), true)?;
            }
            pushed_style.unwind(builders);
            Ok(Some(None))
        }),
        prefn: Some(Box::new(|renderer: &mut TextRenderer<D>, node| {
            if let RenderNodeInfo::TableCell(ref cell) = node.info {
                let sub_builder = renderer.new_sub_renderer(cell.col_width.unwrap())?;
                renderer.push(sub_builder);
                Ok(())
            } else {
                panic!()
            }
        })),
        postfn: Some(Box::new(|_renderer: &mut TextRenderer<D>, _| Ok(()))),
    }
}

fn render_table_row_vert<T: Write, D: TextDecorator>(
    _renderer: &mut TextRenderer<D>,
    row: RenderTableRow,
    pushed_style: PushedStyleInfo,
    _err_out: &mut T,
) -> TreeMapResult<'static, TextRenderer<D>, RenderNode, Option<Box<SubRenderer<D>>>> {
    TreeMapResult::PendingChildren {
        children: row.into_cells(true),
        cons: Box::new(|builders, children| {
            // margay patch: unboxed (`render_table_cell`).
            let children: Vec<_> = children.into_iter().map(|cell| *cell.unwrap()).collect();
            builders.append_vert_row(children)?;
            pushed_style.unwind(builders);
            Ok(Some(None))
        }),
        prefn: Some(Box::new(|renderer: &mut TextRenderer<D>, node| {
            if let RenderNodeInfo::TableCell(ref cell) = node.info {
                let sub_builder = renderer.new_sub_renderer(cell.col_width.unwrap())?;
                renderer.push(sub_builder);
                Ok(())
            } else {
                Err(Error::Fail)
            }
        })),
        postfn: Some(Box::new(|_renderer: &mut TextRenderer<D>, _| Ok(()))),
    }
}

fn render_table_cell<T: Write, D: TextDecorator>(
    _renderer: &mut TextRenderer<D>,
    cell: RenderTableCell,
    pushed_style: PushedStyleInfo,
    _err_out: &mut T,
) -> TreeMapResult<'static, TextRenderer<D>, RenderNode, Option<Box<SubRenderer<D>>>> {
    pending2(cell.content, |renderer: &mut TextRenderer<D>, _| {
        pushed_style.unwind(renderer);
        let sub_builder = renderer.pop();

        // margay patch: a cell's renderer is boxed, so that what every other node gives
        // back (nothing) is a pointer's size, not a whole renderer's to be moved.
        Ok(Some(Some(Box::new(sub_builder))))
    })
}

pub mod config {
    //! Configure the HTML to text translation using the `Config` type, which can be
    //! constructed using one of the functions in this module.
    use std::io;

    use super::Error;
    use crate::css::types::Importance;
    use crate::css::{Ruleset, Selector, SelectorComponent, Style, StyleData};
    #[cfg(feature = "css_ext")]
    use crate::{HighlighterMap, SyntaxHighlighter};
    use crate::{
        HtmlContext, MIN_WIDTH, RenderTree, Result,
        css::{PseudoContent, PseudoElement, StyleDecl},
        render::text_renderer::{
            PlainDecorator, RichAnnotation, RichDecorator, TaggedLine, TextDecorator,
        },
    };

    /// Specify how images with missing or empty alt text are handled
    #[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
    #[non_exhaustive]
    pub enum ImageRenderMode {
        /// Ignore `<img>` without alt, or `<svg>` without `<title>`.
        #[default]
        IgnoreEmpty,
        /// Always process images (will be handled by the decorator)
        ShowAlways,
        /// Use a fixed replacement text (e.g. emoji)
        Replace(&'static str),
        /// Replace with the last component of the link filename if any
        Filename,
    }

    #[cfg(feature = "xml")]
    /// Specify HTML vs XHTML handling
    #[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
    #[non_exhaustive]
    pub enum XmlMode {
        /// Treat as HTML unless the document starts with an XML declaration
        /// (`<?xml ...?>`).
        #[default]
        Auto,
        /// Always treat as HTML
        Html,
        /// Always treat as XHTML
        Xhtml,
    }

    /// Configure the HTML processing.
    pub struct Config<D: TextDecorator> {
        decorator: D,

        max_wrap_width: Option<usize>,

        style: StyleData,
        #[cfg(feature = "css")]
        use_doc_css: bool,

        pad_block_width: bool,

        allow_width_overflow: bool,
        min_wrap_width: usize,
        raw: bool,
        draw_borders: bool,
        fence_tables: bool,
        wrap_links: bool,
        include_link_footnotes: bool,
        use_unicode_strikeout: bool,
        image_mode: ImageRenderMode,

        #[cfg(feature = "xml")]
        xml_mode: XmlMode,

        #[cfg(feature = "css_ext")]
        syntax_highlighters: HighlighterMap,
    }

    impl<D: TextDecorator> Config<D> {
        /// Make the HtmlContext from self.
        pub(crate) fn make_context(&self) -> HtmlContext {
            HtmlContext {
                style_data: self.style.clone(),
                #[cfg(feature = "css")]
                use_doc_css: self.use_doc_css,

                max_wrap_width: self.max_wrap_width,
                pad_block_width: self.pad_block_width,
                allow_width_overflow: self.allow_width_overflow,
                min_wrap_width: self.min_wrap_width,
                raw: self.raw,
                draw_borders: self.draw_borders,
                fence_tables: self.fence_tables,
                wrap_links: self.wrap_links,
                include_link_footnotes: self.include_link_footnotes,
                use_unicode_strikeout: self.use_unicode_strikeout,
                image_mode: self.image_mode,

                #[cfg(feature = "xml")]
                xml_mode: self.xml_mode,

                #[cfg(feature = "css_ext")]
                syntax_highlighters: self.syntax_highlighters.clone(),

                // margay patch: the new fields of `HtmlContext`.
                links_estimated: 0,
                quote_depth: 0,
            }
        }
        /// Parse with context.
        pub(crate) fn do_parse<R>(&self, context: &mut HtmlContext, input: R) -> Result<RenderTree>
        where
            R: io::Read,
        {
            #[cfg(feature = "xml")]
            let dom = {
                match context.xml_mode {
                    XmlMode::Html => self.parse_html(input)?,
                    XmlMode::Xhtml => self.parse_xml(input)?,
                    XmlMode::Auto => {
                        const XML_CHECK: &[u8] = b"<?xml";
                        let mut input = input;
                        let mut firstbuf = [0u8; XML_CHECK.len()];
                        let bytes_read = input.read(&mut firstbuf)?;
                        let first_slice = &firstbuf[..bytes_read];
                        if bytes_read == XML_CHECK.len() && &firstbuf == XML_CHECK {
                            self.parse_xml(std::io::Read::chain(first_slice, input))?
                        } else {
                            self.parse_html(std::io::Read::chain(first_slice, input))?
                        }
                    }
                }
            };

            #[cfg(not(feature = "xml"))]
            let dom = self.parse_html(input)?;

            let render_tree = super::dom_to_render_tree_with_context(
                dom.document.clone(),
                &mut io::sink(),
                context,
                true,
            )?
            .ok_or(Error::Fail)?;
            Ok(RenderTree(render_tree))
        }

        /// Parse the HTML into a DOM structure.
        pub fn parse_html<R: io::Read>(&self, mut input: R) -> Result<super::RcDom> {
            use html5ever::tendril::TendrilSink;
            let opts = super::ParseOpts {
                tree_builder: super::TreeBuilderOpts {
                    scripting_enabled: false,
                    ..Default::default()
                },
                ..Default::default()
            };
            Ok(super::parse_document(super::RcDom::default(), opts)
                .from_utf8()
                .read_from(&mut input)?)
        }

        #[cfg(feature = "xml")]
        /// Parse document as XML into a DOM structure.
        pub fn parse_xml<R: io::Read>(&self, mut input: R) -> Result<super::RcDom> {
            use ::xml5ever::{driver::parse_document, tendril::TendrilSink};
            let opts = Default::default();
            Ok(parse_document(super::RcDom::default(), opts)
                .from_utf8()
                .read_from(&mut input)?)
        }

        /// Convert an HTML DOM into a RenderTree.
        pub fn dom_to_render_tree(&self, dom: &super::RcDom) -> Result<RenderTree> {
            Ok(RenderTree(
                super::dom_to_render_tree_with_context(
                    dom.document.clone(),
                    &mut io::sink(),
                    &mut self.make_context(),
                    false,
                )?
                .ok_or(Error::Fail)?,
            ))
        }

        /// margay patch: [`Self::dom_to_render_tree`] for a DOM the caller gives up: each DOM
        /// node is freed as soon as its render node is made, so the DOM and the tree are never
        /// both whole in memory (on a large page, half the peak).
        pub fn dom_into_render_tree(&self, dom: super::RcDom) -> Result<RenderTree> {
            Ok(RenderTree(
                super::dom_to_render_tree_with_context(
                    dom.document.clone(),
                    &mut io::sink(),
                    &mut self.make_context(),
                    true,
                )?
                .ok_or(Error::Fail)?,
            ))
        }

        /// Render an existing RenderTree into a string.
        pub fn render_to_string(&self, render_tree: RenderTree, width: usize) -> Result<String> {
            let s = render_tree
                .render_with_context(
                    &mut self.make_context(),
                    width,
                    self.decorator.make_subblock_decorator(),
                )?
                .into_string()?;
            Ok(s)
        }

        /// Take an existing RenderTree, and returns text wrapped to `width` columns.
        /// The text is returned as a `Vec<TaggedLine<_>>`; the annotations are vectors
        /// of the provided text decorator's `Annotation`.  The "outer" annotation comes first in
        /// the `Vec`.
        pub fn render_to_lines(
            &self,
            render_tree: RenderTree,
            width: usize,
        ) -> Result<Vec<TaggedLine<Vec<D::Annotation>>>> {
            render_tree
                .render_with_context(
                    &mut self.make_context(),
                    width,
                    self.decorator.make_subblock_decorator(),
                )?
                .into_lines()
        }

        /// Reads HTML from `input`, and returns a `String` with text wrapped to
        /// `width` columns.
        pub fn string_from_read<R: std::io::Read>(self, input: R, width: usize) -> Result<String> {
            let mut context = self.make_context();
            let s = self
                .do_parse(&mut context, input)?
                .render_with_context(&mut context, width, self.decorator)?
                .into_string()?;
            Ok(s)
        }

        /// Reads HTML from `input`, and returns text wrapped to `width` columns.
        /// The text is returned as a `Vec<TaggedLine<_>>`; the annotations are vectors
        /// of the provided text decorator's `Annotation`.  The "outer" annotation comes first in
        /// the `Vec`.
        pub fn lines_from_read<R: std::io::Read>(
            self,
            input: R,
            width: usize,
        ) -> Result<Vec<TaggedLine<Vec<D::Annotation>>>> {
            let mut context = self.make_context();
            self.do_parse(&mut context, input)?
                .render_with_context(&mut context, width, self.decorator)?
                .into_lines()
        }

        #[cfg(feature = "css")]
        /// Add some CSS rules which will be used (if supported) with any
        /// HTML processed.
        pub fn add_css(mut self, css: &str) -> Result<Self> {
            self.style.add_user_css(css)?;
            Ok(self)
        }

        #[cfg(feature = "css")]
        /// Add some agent CSS rules which will be used (if supported) with any
        /// HTML processed.
        pub fn add_agent_css(mut self, css: &str) -> Result<Self> {
            self.style.add_agent_css(css)?;
            Ok(self)
        }

        #[cfg(feature = "css")]
        /// Parse CSS from any \<style\> elements and use supported rules.
        pub fn use_doc_css(mut self) -> Self {
            self.use_doc_css = true;
            self
        }

        #[cfg(feature = "css")]
        /// margay patch: match style rules for at most `steps` steps in a document (each
        /// step tries one part of a selector on one element); past that, rules no longer
        /// match. A page can otherwise make its layout take hours: every element tried
        /// against every rule, descendant selectors against every ancestor.
        pub fn css_match_limit(mut self, steps: usize) -> Self {
            self.style.match_limit = Some(steps);
            self
        }

        /// Pad lines out to the full render width.
        pub fn pad_block_width(mut self) -> Self {
            self.pad_block_width = true;
            self
        }

        /// Set the maximum text wrap width.
        /// When set, paragraphs will be wrapped to that width even if there
        /// is more total width available for rendering.
        pub fn max_wrap_width(mut self, wrap_width: usize) -> Self {
            self.max_wrap_width = Some(wrap_width);
            self
        }

        /// Allow the output to be wider than the max width.  When enabled,
        /// then output wider than the specified width will be returned
        /// instead of returning `Err(TooNarrow)` if the output wouldn't
        /// otherwise fit.
        pub fn allow_width_overflow(mut self) -> Self {
            self.allow_width_overflow = true;
            self
        }

        /// Set the minimum width for text wrapping.  The default is 3.
        /// Blocks of text will be forced to have at least this width
        /// (unless the text inside is less than that).  Increasing this
        /// can increase the chance that the width will overflow, leading
        /// to a TooNarrow error unless `allow_width_overflow()` is set.
        pub fn min_wrap_width(mut self, min_wrap_width: usize) -> Self {
            self.min_wrap_width = min_wrap_width;
            self
        }

        /// Raw extraction, ensures text in table cells ends up rendered together
        /// This traverses tables as if they had a single column and every cell is its own row.
        /// Implies `no_table_borders()`
        pub fn raw_mode(mut self, raw: bool) -> Self {
            self.raw = raw;
            self.draw_borders = false;
            self
        }

        /// Do not render table borders
        pub fn no_table_borders(mut self) -> Self {
            self.draw_borders = false;
            self
        }
        /// Wrap tables in code fences (triple backticks)
        pub fn fence_tables(mut self) -> Self {
            self.fence_tables = true;
            self
        }
        /// Do not wrap links
        pub fn no_link_wrapping(mut self) -> Self {
            self.wrap_links = false;
            self
        }

        /// Select whether to use Unicode combining characters to strike out text.
        pub fn unicode_strikeout(mut self, use_unicode: bool) -> Self {
            self.use_unicode_strikeout = use_unicode;
            self
        }

        /// Make a simple "contains" type rule for an element.
        fn make_surround_rule(element: &str, after: bool, content: &str) -> Ruleset {
            Ruleset {
                selector: Selector {
                    components: vec![SelectorComponent::Element(element.into())],
                    pseudo_element: Some(if after {
                        PseudoElement::After
                    } else {
                        PseudoElement::Before
                    }),
                },
                styles: vec![StyleDecl {
                    style: Style::Content(PseudoContent {
                        text: content.into(),
                    }),
                    importance: Importance::Default,
                }],
            }
        }

        /// Decorate <em> etc. similarly to markdown
        pub fn do_decorate(mut self) -> Self {
            self.style.add_agent_rules(&[
                Self::make_surround_rule("em", false, "*"),
                Self::make_surround_rule("em", true, "*"),
                Self::make_surround_rule("dt", false, "*"),
                Self::make_surround_rule("dt", true, "*"),
                Self::make_surround_rule("strong", false, "**"),
                Self::make_surround_rule("strong", true, "**"),
                Self::make_surround_rule("b", false, "**"),
                Self::make_surround_rule("b", true, "**"),
                Self::make_surround_rule("code", false, "`"),
                Self::make_surround_rule("code", true, "`"),
            ]);
            self
        }

        /// Add footnotes for hyperlinks
        pub fn link_footnotes(mut self, include_footnotes: bool) -> Self {
            self.include_link_footnotes = include_footnotes;
            self
        }

        /// Configure how images with no alt text are handled.
        pub fn empty_img_mode(mut self, img_mode: ImageRenderMode) -> Self {
            self.image_mode = img_mode;
            self
        }

        #[cfg(feature = "xml")]
        /// Configure the HTML vs XHTML parsing mode.
        pub fn xml_mode(mut self, xml_mode: XmlMode) -> Self {
            self.xml_mode = xml_mode;
            self
        }

        #[cfg(feature = "css_ext")]
        /// Register a named syntax highlighter.
        ///
        /// The highlighter will be used when a `<pre>` element
        /// is styled with `x-syntax: name`
        pub fn register_highlighter(
            mut self,
            name: impl Into<String>,
            f: SyntaxHighlighter,
        ) -> Self {
            use std::rc::Rc;

            self.syntax_highlighters.insert(name.into(), Rc::new(f));
            self
        }
    }

    impl Config<RichDecorator> {
        /// Return coloured text.  `colour_map` is a function which takes
        /// a list of `RichAnnotation` and some text, and returns the text
        /// with any terminal escapes desired to indicate those annotations
        /// (such as colour).
        pub fn coloured<R, FMap>(self, input: R, width: usize, colour_map: FMap) -> Result<String>
        where
            R: std::io::Read,
            FMap: Fn(&[RichAnnotation], &str) -> String,
        {
            let mut context = self.make_context();
            let render_tree = self.do_parse(&mut context, input)?;
            self.render_coloured(render_tree, width, colour_map)
        }

        /// Return coloured text from a RenderTree.  `colour_map` is a function which takes a list
        /// of `RichAnnotation` and some text, and returns the text with any terminal escapes
        /// desired to indicate those annotations (such as colour).
        pub fn render_coloured<FMap>(
            &self,
            render_tree: RenderTree,
            width: usize,
            colour_map: FMap,
        ) -> Result<String>
        where
            FMap: Fn(&[RichAnnotation], &str) -> String,
        {
            let lines = self.render_to_lines(render_tree, width)?;

            let mut result = String::new();
            for line in lines {
                for ts in line.tagged_strings() {
                    result.push_str(&colour_map(&ts.tag, &ts.s));
                }
                result.push('\n');
            }
            Ok(result)
        }
    }

    /// Return a Config initialized with a `RichDecorator`.
    pub fn rich() -> Config<RichDecorator> {
        with_decorator(RichDecorator::new())
    }

    /// Return a Config initialized with a `PlainDecorator`.
    pub fn plain() -> Config<PlainDecorator> {
        with_decorator(PlainDecorator::new())
            .do_decorate()
            .link_footnotes(true)
    }

    /// Return a Config initialized with a `PlainDecorator`.
    pub fn plain_no_decorate() -> Config<PlainDecorator> {
        with_decorator(PlainDecorator::new())
    }

    /// Return a Config initialized with a custom decorator.
    pub fn with_decorator<D: TextDecorator>(decorator: D) -> Config<D> {
        Config {
            decorator,
            style: Default::default(),
            #[cfg(feature = "css")]
            use_doc_css: false,
            max_wrap_width: None,
            pad_block_width: false,
            allow_width_overflow: false,
            min_wrap_width: MIN_WIDTH,
            raw: false,
            draw_borders: true,
            fence_tables: false,
            wrap_links: true,
            include_link_footnotes: false,
            use_unicode_strikeout: true,
            image_mode: ImageRenderMode::IgnoreEmpty,
            #[cfg(feature = "xml")]
            xml_mode: XmlMode::Auto,
            #[cfg(feature = "css_ext")]
            syntax_highlighters: Default::default(),
        }
    }
}

/// The structure of an HTML document that can be rendered using a [`TextDecorator`][].
///
/// [`TextDecorator`]: render/text_renderer/trait.TextDecorator.html

#[derive(Clone, Debug)]
pub struct RenderTree(RenderNode);

impl std::fmt::Display for RenderTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "Render tree:")?;
        self.0.write_self(f, 1)
    }
}

impl RenderTree {
    /// margay patch: how many links a layout of this tree numbers. Every link node is laid
    /// out exactly once (the size estimate never starts a link), so this is the number of
    /// `decorate_link_start` calls a layout makes; margay numbers the links of a page's
    /// second part, laid out at the same time as the first, from it (and checks it after).
    pub fn link_count(&self) -> usize {
        use RenderNodeInfo::*;
        let mut count = 0;
        let mut stack: Vec<&RenderNode> = vec![&self.0];
        while let Some(node) = stack.pop() {
            match &node.info {
                Text(_) | Img(_, _) | Svg(_) | Break | HorizontalRule | FragStart(_) => {}
                Link(_, v) => {
                    count += 1;
                    stack.extend(v.iter());
                }
                Container(v) | Em(v) | Strong(v) | Strikeout(v) | Code(v) | Block(v)
                | ListItem(_, v) | Div(v) | BlockQuote(v) | Ul(v) | Ol(_, v) | Dl(v) | Dt(v)
                | Dd(v) | Sup(v) | Sub(v) | Header(_, v) => stack.extend(v.iter()),
                Table(t) => {
                    stack.extend(t.caption.iter());
                    for row in &t.rows {
                        for cell in &row.cells {
                            stack.extend(cell.content.iter());
                        }
                    }
                }
                TableBody(rows) => {
                    for row in rows {
                        for cell in &row.cells {
                            stack.extend(cell.content.iter());
                        }
                    }
                }
                TableRow(row, _) => {
                    for cell in &row.cells {
                        stack.extend(cell.content.iter());
                    }
                }
                TableCell(cell) => stack.extend(cell.content.iter()),
            }
        }
        count
    }

    /// Render this document using the given `decorator` and wrap it to `width` columns.
    fn render_with_context<D: TextDecorator>(
        self,
        context: &mut HtmlContext,
        width: usize,
        decorator: D,
    ) -> Result<RenderedText<D>> {
        if width == 0 {
            return Err(Error::TooNarrow);
        }
        let render_options = RenderOptions {
            wrap_width: context.max_wrap_width,
            pad_block_width: context.pad_block_width,
            allow_width_overflow: context.allow_width_overflow,
            raw: context.raw,
            draw_borders: context.draw_borders,
            fence_tables: context.fence_tables,
            wrap_links: context.wrap_links,
            include_link_footnotes: context.include_link_footnotes,
            use_unicode_strikeout: context.use_unicode_strikeout,
            img_mode: context.image_mode,
        };
        let test_decorator = decorator.make_subblock_decorator();
        let builder = SubRenderer::new(width, render_options, decorator);
        let builder =
            render_tree_to_string(context, builder, &test_decorator, self.0, &mut io::sink())?;
        Ok(RenderedText(builder))
    }
}

/// A rendered HTML document.
struct RenderedText<D: TextDecorator>(SubRenderer<D>);

impl<D: TextDecorator> RenderedText<D> {
    /// Convert the rendered HTML document to a string.
    fn into_string(self) -> render::Result<String> {
        self.0.into_string()
    }

    /// Convert the rendered HTML document to a vector of lines with the annotations created by the
    /// decorator.
    fn into_lines(self) -> Result<Vec<TaggedLine<Vec<D::Annotation>>>> {
        Ok(self
            .0
            .into_lines()?
            .into_iter()
            .map(RenderLine::into_tagged_line)
            .collect())
    }
}

/// Reads and parses HTML from `input` and prepares a render tree.
pub fn parse(input: impl io::Read) -> Result<RenderTree> {
    let cfg = config::with_decorator(TrivialDecorator::new());
    cfg.do_parse(&mut cfg.make_context(), input)
}

/// Reads HTML from `input`, decorates it using `decorator`, and
/// returns a `String` with text wrapped to `width` columns.
pub fn from_read_with_decorator<R, D>(input: R, width: usize, decorator: D) -> Result<String>
where
    R: io::Read,
    D: TextDecorator,
{
    config::with_decorator(decorator).string_from_read(input, width)
}

/// Reads HTML from `input`, and returns a `String` with text wrapped to
/// `width` columns.
pub fn from_read<R>(input: R, width: usize) -> Result<String>
where
    R: io::Read,
{
    config::plain().string_from_read(input, width)
}

/// Reads HTML from `input`, and returns text wrapped to `width` columns.
///
/// The text is returned as a `Vec<TaggedLine<_>>`; the annotations are vectors
/// of `RichAnnotation`.  The "outer" annotation comes first in the `Vec`.
pub fn from_read_rich<R>(input: R, width: usize) -> Result<Vec<TaggedLine<Vec<RichAnnotation>>>>
where
    R: io::Read,
{
    config::rich().lines_from_read(input, width)
}

mod ansi_colours;

pub use ansi_colours::from_read_coloured;

#[cfg(test)]
mod tests;

/// margay patch: the width of the widest of an ordered list's item prefixes (the numbers
/// need not grow from the first item to the last).
fn calc_ol_prefix_size<D: TextDecorator>(
    numbering: OlNumbering,
    items: &[RenderNode],
    decorator: &D,
) -> usize {
    numbering
        .numbers(items)
        .into_iter()
        .map(|i| {
            decorator
                .ordered_item_prefix_styled(i, numbering.style)
                .len()
        })
        .max()
        .unwrap_or(0)
}
