//! A rough model of HTML's tree builder: the stack of open elements and the list of active
//! formatting elements, enough to know how deep the parser will nest and how many nodes it
//! will make. Where the model is unsure it keeps elements open rather than closing them:
//! overestimating depth only flattens a pathological page earlier, underestimating it
//! would let a page nest without bound.

// Tag names are short and not chosen to collide: SipHash's protection costs more than it
// buys on every tag of every page.
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

/// How many formatting elements (`<b>`, `<font>` …) may be active at once (between markers).
/// The parser re-opens every one of them at each new paragraph, so a page that leaves
/// hundreds open makes hundreds of elements per paragraph.
const ACTIVE_CAP: usize = 24;
/// How far back a scan for an element that a start tag closes implicitly looks.
const SCAN: usize = 64;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "image", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "basefont", "bgsound", "frame",
];

const FORMATTING: &[&str] =
    &["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"];

/// Start tags that close an open `<p>` and do not re-open formatting elements.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "listing",
    "section",
    "summary",
    "table",
    "ul",
    "li",
    "dd",
    "dt",
    "plaintext",
    "xmp",
    "search",
];

/// Elements that insert a marker in the list of active formatting elements.
const MARKERS: &[&str] = &["td", "th", "caption", "applet", "marquee", "object", "template"];

/// The HTML "special" category (an end tag for another element stops at one of these).
const SPECIAL: &[&str] = &[
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "base",
    "basefont",
    "bgsound",
    "blockquote",
    "body",
    "br",
    "button",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dir",
    "div",
    "dl",
    "dt",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "iframe",
    "img",
    "input",
    "keygen",
    "li",
    "link",
    "listing",
    "main",
    "marquee",
    "menu",
    "meta",
    "nav",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "p",
    "param",
    "plaintext",
    "pre",
    "script",
    "search",
    "section",
    "select",
    "source",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
    "wbr",
    "xmp",
    "svg",
    "math",
];

/// Elements that bound "has an element in scope".
pub const SCOPE: &[&str] =
    &["applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "svg", "math"];
const BUTTON_SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "svg", "math",
    "button",
];
const TABLE_PARTS: &[&str] = &["tbody", "thead", "tfoot", "tr", "td", "th", "caption", "colgroup"];

/// Where the search for the element an end tag closes stops, by the end tag: `</table>`,
/// a table part's, `</li>`.
const TABLE_SCOPE: &[&str] = &["html", "template"];
const TABLE_PART_SCOPE: &[&str] = &["html", "table", "template"];
const LIST_SCOPE: &[&str] =
    &["applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "ol", "ul"];

/// What the model asks of an element's name, a bit for each list above (and a few names
/// of their own): looked up once per tag, where searching the lists took a third of the
/// scan (a tag's name met up to a hundred and fifty of theirs, an end tag's stops every
/// open element's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Kind(u32);

impl Kind {
    const VOID: u32 = 1;
    const FORMATTING: u32 = 1 << 1;
    const BLOCK: u32 = 1 << 2;
    const MARKER: u32 = 1 << 3;
    const SPECIAL: u32 = 1 << 4;
    const SCOPE: u32 = 1 << 5;
    const BUTTON_SCOPE: u32 = 1 << 6;
    const TABLE_PART: u32 = 1 << 7;
    const TABLE_SCOPE: u32 = 1 << 8;
    const TABLE_PART_SCOPE: u32 = 1 << 9;
    const LIST_SCOPE: u32 = 1 << 10;
    /// Where the search for an open `<li>`, `<dd>` or `<dt>` to close stops: at every
    /// special element but `<address>` and `<p>`.
    const LIST_ITEM_STOP: u32 = 1 << 11;
    /// `<html>`, `<head>`, `<body>`: the parser's own, never opened again.
    const ROOT: u32 = 1 << 12;
    const FOREIGN: u32 = 1 << 13;
    const RAW_TEXT: u32 = 1 << 14;
    const TABLE: u32 = 1 << 15;
    const TR: u32 = 1 << 16;
    /// Weighs [`CELL_WEIGHT`] in the layout's work, or 1: see [`layout_weight`].
    const CELL: u32 = 1 << 17;
    const NESTED_BLOCK: u32 = 1 << 18;
    /// `<tbody>`, `<thead>`, `<tfoot>`.
    const ROW_GROUP: u32 = 1 << 19;

    /// The kind of the element named `name` (lower case); nothing for a name no list has.
    pub fn of(name: &str) -> Kind {
        static KINDS: OnceLock<HashMap<&'static str, u32>> = OnceLock::new();
        let kinds = KINDS.get_or_init(|| {
            let lists: [(&[&'static str], u32); 20] = [
                (VOID, Kind::VOID),
                (FORMATTING, Kind::FORMATTING),
                (BLOCK, Kind::BLOCK),
                (MARKERS, Kind::MARKER),
                (SPECIAL, Kind::SPECIAL),
                (SCOPE, Kind::SCOPE),
                (BUTTON_SCOPE, Kind::BUTTON_SCOPE),
                (TABLE_PARTS, Kind::TABLE_PART),
                (TABLE_SCOPE, Kind::TABLE_SCOPE),
                (TABLE_PART_SCOPE, Kind::TABLE_PART_SCOPE),
                (LIST_SCOPE, Kind::LIST_SCOPE),
                (&["html", "head", "body"], Kind::ROOT),
                (&["svg", "math"], Kind::FOREIGN),
                (super::RAW_TEXT, Kind::RAW_TEXT),
                (&["table"], Kind::TABLE),
                (&["tr"], Kind::TR),
                (&["td", "th"], Kind::CELL),
                (&["tbody", "thead", "tfoot"], Kind::ROW_GROUP),
                (&["li", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"], Kind::NESTED_BLOCK),
                (SPECIAL, Kind::LIST_ITEM_STOP),
            ];
            let mut kinds = HashMap::default();
            for (names, bit) in lists {
                for &name in names {
                    // The search for an item to close goes on past these two.
                    if bit == Kind::LIST_ITEM_STOP && matches!(name, "address" | "p") {
                        continue;
                    }
                    *kinds.entry(name).or_insert(0) |= bit;
                }
            }
            kinds
        });
        Kind(kinds.get(name).copied().unwrap_or(0))
    }

    fn is(self, bits: u32) -> bool {
        self.0 & bits != 0
    }

    /// Content that is text up to the element's end tag (`<script>`, `<title>` …).
    pub fn is_raw_text(self) -> bool {
        self.is(Kind::RAW_TEXT)
    }

    /// One of [`SCOPE`]: it bounds a scope.
    pub fn bounds_scope(self) -> bool {
        self.is(Kind::SCOPE)
    }
}

/// What a `<form>` becomes in the model after its `</form>` while elements opened inside it
/// are still open (no tag has a name starting with `#`).
const CLOSED_FORM: &str = "#form";

struct Entry {
    name: Box<str>,
    kind: Kind,
    /// The tokenizer's key for its attributes (0 for an element the parser implies).
    attrs: u64,
    /// Its entry in the list of active formatting elements.
    active: Option<u32>,
}

enum Active {
    Marker,
    Element { id: u32, name: Box<str>, kind: Kind, attrs: u64, open: bool },
}

/// The model. `kept` is the parser's stack; `dropped` are the elements the guard left out
/// because they would nest too deep — above the kept ones, and not seen by the parser.
#[derive(Default)]
pub struct Tree {
    kept: Vec<Entry>,
    kept_names: HashMap<Box<str>, usize>,
    dropped: Vec<Box<str>>,
    dropped_names: HashMap<Box<str>, usize>,
    active: Vec<Active>,
    next_id: u32,
    /// Open `<svg>` and `<math>` elements: inside them `/>` closes any element.
    pub foreign: usize,
    /// Nodes the parser will have made (elements, text runs, comments), estimated.
    pub nodes: usize,
    /// The layout levels around the next node: see [`layout_weight`].
    layout_depth: usize,
    /// The layout's work, estimated: each piece of content (a run of text, an image, a line
    /// break …) counts the layout levels around it. Empty elements make no lines: they cost
    /// nothing here.
    pub layout_cost: u64,
}

/// How much a table cell costs the layout, against a list item's 1 (measured: laying out
/// one line inside a nested cell takes twelve times as long as inside a nested list item,
/// with the column widths worked out before the lines are made).
const CELL_WEIGHT: usize = 12;

/// How many more times html2text handles every line inside an element: a list item, a
/// definition, a block quote or a heading lays its content out on its own and copies each
/// line into the one around it (with a prefix or an indent); a table cell measures its
/// content, lays it out and copies it into its row. A line inside `n` such elements is
/// handled `n` times, so a page that nests them deeply costs its lines times its depth.
fn layout_weight(kind: Kind) -> usize {
    if kind.is(Kind::CELL) {
        CELL_WEIGHT
    } else {
        usize::from(kind.is(Kind::NESTED_BLOCK))
    }
}

/// What became of a start tag.
#[derive(Debug, PartialEq, Eq)]
pub enum Start {
    /// The parser sees it and opens an element (or makes a void one).
    Kept,
    /// Left out of the source (too deep, or too many active formatting elements).
    LeftOut,
}

impl Tree {
    /// The open elements (the parser's own `<html>` and `<body>` aside) with their
    /// attributes' keys, when each is one of `allowed`, no formatting element is active,
    /// nothing is left out and nothing is foreign content.
    pub fn plain_open(&self, allowed: &[&str]) -> Option<Vec<(&str, u64)>> {
        let plain = self.foreign == 0
            && self.active.is_empty()
            && self.dropped.is_empty()
            && self.kept.iter().all(|e| allowed.contains(&&*e.name));
        plain.then(|| self.kept.iter().map(|e| (&*e.name, e.attrs)).collect())
    }

    /// A run of text: the parser re-opens formatting elements before it.
    pub fn text(&mut self) {
        self.reconstruct();
        self.count_node();
    }

    /// A start tag: `kind` is [`Kind::of`] its name.
    pub fn start(
        &mut self,
        name: &str,
        kind: Kind,
        attrs: u64,
        self_closing: bool,
        max_depth: usize,
    ) -> Start {
        if self.foreign == 0 && kind.is(Kind::ROOT) {
            return Start::Kept;
        }
        // Outside a table the parser ignores the tags of table parts; taken for open, a
        // later cell would "close" through what the parser keeps open.
        if self.foreign == 0 && kind.is(Kind::TABLE_PART) && self.count("table") == 0 {
            return Start::Kept;
        }
        let void = kind.is(Kind::VOID) || (self_closing && self.foreign > 0);
        let formatting = self.foreign == 0 && kind.is(Kind::FORMATTING);
        if self.foreign == 0 {
            self.close_implied(name, kind);
            if matches!(name, "a" | "nobr") && self.find_active(name).is_some() {
                // The parser ends the open one first (the adoption agency), then forgets it.
                self.end_formatting(name);
                if let Some(at) = self.find_active(name) {
                    self.forget_active(at);
                }
            }
        }
        if !kind.is(Kind::BLOCK) {
            self.reconstruct();
        }
        if self.foreign == 0 {
            self.imply_table_parts(kind);
        }
        if void {
            self.count_node();
            self.content();
            return Start::Kept;
        }
        if self.kept.len() >= max_depth {
            self.dropped.push(name.into());
            match self.dropped_names.get_mut(name) {
                Some(count) => *count += 1,
                None => {
                    self.dropped_names.insert(name.into(), 1);
                }
            }
            return Start::LeftOut;
        }
        let mut active = None;
        if formatting {
            let since_marker = self.since_marker();
            if self.active[since_marker..].len() >= ACTIVE_CAP {
                return Start::LeftOut;
            }
            // "Noah's Ark": at most three identical entries after the last marker.
            let same: Vec<usize> = (since_marker..self.active.len())
                .filter(|&i| matches!(&self.active[i], Active::Element { name: n, attrs: a, .. } if &**n == name && *a == attrs))
                .collect();
            if same.len() >= 3 {
                self.active.remove(same[0]);
            }
            let id = self.new_id();
            self.active.push(Active::Element { id, name: name.into(), kind, attrs, open: true });
            active = Some(id);
        }
        self.push_kept(name, kind, attrs, active);
        if self.foreign == 0 && kind.is(Kind::MARKER) {
            self.active.push(Active::Marker);
        }
        Start::Kept
    }

    /// An end tag (`kind`: [`Kind::of`] its name); true when it belongs to an element that
    /// was left out (so it must be left out too).
    pub fn end(&mut self, name: &str, kind: Kind) -> bool {
        if self.dropped_names.get(name).copied().unwrap_or(0) > 0 {
            while let Some(top) = self.dropped.pop() {
                if let Some(n) = self.dropped_names.get_mut(&top) {
                    *n -= 1;
                }
                if &*top == name {
                    break;
                }
            }
            return true;
        }
        if self.kept_names.get(name).copied().unwrap_or(0) == 0 {
            if self.foreign == 0 && matches!(name, "p" | "br") {
                self.count_node();
            }
            return false;
        }
        if self.foreign == 0 && kind.is(Kind::FORMATTING) && self.find_active(name).is_some() {
            self.end_formatting(name);
            return false;
        }
        // `</form>` takes the form out of the parser's stack but leaves what was opened in it
        // open, inside the form: the form is still an ancestor of what comes next, so it
        // still counts for depth (as [`CLOSED_FORM`]) until what is inside it is closed.
        if self.foreign == 0 && name == "form" {
            if let Some(at) = self.kept.iter().rposition(|e| &*e.name == "form") {
                self.forget_name("form", kind);
                if at + 1 == self.kept.len() {
                    self.kept.pop();
                } else {
                    self.kept[at].name = CLOSED_FORM.into();
                    self.kept[at].kind = Kind::default();
                }
            }
            return false;
        }
        // Where the search for the element to close stops (HTML's scopes).
        let stops = match name {
            "table" => Kind::TABLE_SCOPE,
            _ if kind.is(Kind::TABLE_PART) => Kind::TABLE_PART_SCOPE,
            "li" => Kind::LIST_SCOPE,
            "p" => Kind::BUTTON_SCOPE,
            _ if kind.is(Kind::SPECIAL) => Kind::SCOPE,
            _ => Kind::SPECIAL,
        };
        for i in (0..self.kept.len()).rev() {
            let here = &self.kept[i];
            if *here.name == *name {
                self.pop_kept_to(i);
                return false;
            }
            if here.kind.is(stops) {
                return false;
            }
        }
        false
    }

    /// The end of a formatting element that is in the list of active ones (a simplified
    /// adoption agency: with a block inside it, the element is cloned, not closed).
    fn end_formatting(&mut self, name: &str) {
        let Some(at) = self.find_active(name) else { return };
        let Active::Element { id, open, .. } = self.active[at] else { return };
        if !open {
            self.active.remove(at);
            return;
        }
        let Some(pos) = self.kept.iter().rposition(|e| e.active == Some(id)) else {
            self.active.remove(at);
            return;
        };
        if self.kept[pos + 1..].iter().any(|e| e.kind.is(Kind::SPECIAL)) {
            // The block is re-parented under a clone: depth stays, one more node.
            self.count_node();
            return;
        }
        self.active.remove(at);
        self.pop_kept_to(pos);
    }

    fn forget_active(&mut self, at: usize) {
        if let Active::Element { id, .. } = self.active.remove(at) {
            if let Some(pos) = self.kept.iter().rposition(|e| e.active == Some(id)) {
                let entry = self.kept.remove(pos);
                self.forget_name(&entry.name, entry.kind);
                self.dropped.clear();
                self.dropped_names.clear();
            }
        }
    }

    /// Re-open the formatting elements closed since they started (HTML's "reconstruct the
    /// active formatting elements").
    fn reconstruct(&mut self) {
        let since_marker = self.since_marker();
        let mut first = self.active.len();
        while first > since_marker {
            match &self.active[first - 1] {
                Active::Element { open: false, .. } => first -= 1,
                _ => break,
            }
        }
        for i in first..self.active.len() {
            if let Active::Element { id, name, kind, attrs, open } = &mut self.active[i] {
                *open = true;
                let (id, name, kind, attrs) = (*id, name.clone(), *kind, *attrs);
                self.push_kept(&name, kind, attrs, Some(id));
            }
        }
    }

    /// End tags for the open elements, innermost first: what closes them all.
    pub fn end_tags(&self) -> String {
        self.kept.iter().rev().filter(|e| e.active.is_none()).map(|e| format!("</{}>", e.name)).collect()
    }

    /// One more node.
    pub fn count_node(&mut self) {
        self.nodes += 1;
    }

    /// Something the layout makes lines of, at the current layout depth.
    pub fn content(&mut self) {
        self.layout_cost += self.layout_depth as u64;
    }

    fn push_kept(&mut self, name: &str, kind: Kind, attrs: u64, active: Option<u32>) {
        self.layout_depth += layout_weight(kind);
        self.count_node();
        if kind.is(Kind::FOREIGN) {
            self.foreign += 1;
        }
        // Counted under a name already known without copying it again.
        match self.kept_names.get_mut(name) {
            Some(count) => *count += 1,
            None => {
                self.kept_names.insert(name.into(), 1);
            }
        }
        self.kept.push(Entry { name: name.into(), kind, attrs, active });
    }

    /// Pop the kept stack down to and including index `to`; what was left out above goes too.
    fn pop_kept_to(&mut self, to: usize) {
        self.dropped.clear();
        self.dropped_names.clear();
        while self.kept.len() > to {
            let Some(entry) = self.kept.pop() else { break };
            self.forget_name(&entry.name, entry.kind);
            if let Some(id) = entry.active {
                if let Some(Active::Element { open, .. }) = self
                    .active
                    .iter_mut()
                    .rev()
                    .find(|a| matches!(a, Active::Element { id: i, .. } if *i == id))
                {
                    *open = false;
                }
            }
            if self.foreign == 0 && entry.kind.is(Kind::MARKER) {
                while let Some(a) = self.active.pop() {
                    if matches!(a, Active::Marker) {
                        break;
                    }
                }
            }
        }
        // A closed form with nothing open inside it any more is no one's ancestor.
        while self.kept.last().is_some_and(|e| &*e.name == CLOSED_FORM) {
            self.kept.pop();
        }
    }

    fn forget_name(&mut self, name: &str, kind: Kind) {
        if let Some(n) = self.kept_names.get_mut(name) {
            *n -= 1;
        }
        self.layout_depth = self.layout_depth.saturating_sub(layout_weight(kind));
        if kind.is(Kind::FOREIGN) {
            self.foreign = self.foreign.saturating_sub(1);
        }
    }

    fn since_marker(&self) -> usize {
        self.active.iter().rposition(|a| matches!(a, Active::Marker)).map_or(0, |m| m + 1)
    }

    fn find_active(&self, name: &str) -> Option<usize> {
        let since_marker = self.since_marker();
        (since_marker..self.active.len())
            .rev()
            .find(|&i| matches!(&self.active[i], Active::Element { name: n, .. } if &**n == name))
    }

    fn new_id(&mut self) -> u32 {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }

    /// The nearest kept element named in `targets`, looking back at most [`SCAN`] entries
    /// and not past one of a kind in `stops`.
    fn close(&mut self, targets: &[&str], stops: u32) {
        if targets.iter().all(|t| self.kept_names.get(*t).copied().unwrap_or(0) == 0) {
            return;
        }
        let lowest = self.kept.len().saturating_sub(SCAN);
        for i in (lowest..self.kept.len()).rev() {
            let here = &self.kept[i];
            if targets.contains(&&*here.name) {
                self.pop_kept_to(i);
                return;
            }
            if here.kind.is(stops) {
                return;
            }
        }
    }

    /// Close the current node if it is named in `names`.
    fn pop_current(&mut self, names: &[&str]) {
        if self.kept.last().is_some_and(|e| names.contains(&&*e.name)) {
            self.pop_kept_to(self.kept.len() - 1);
        }
    }

    /// How many elements named `name` are open (and kept).
    fn count(&self, name: &str) -> usize {
        self.kept_names.get(name).copied().unwrap_or(0)
    }

    /// The `<tbody>` and `<tr>` the parser adds around a row or cell put straight in a table.
    fn imply_table_parts(&mut self, kind: Kind) {
        if !kind.is(Kind::TR | Kind::CELL) {
            return;
        }
        let top = self.kept.last().map_or(Kind::default(), |e| e.kind);
        let (tbody, tr) = (Kind::of("tbody"), Kind::of("tr"));
        if top.is(Kind::TABLE) {
            self.push_kept("tbody", tbody, 0, None);
            if kind.is(Kind::CELL) {
                self.push_kept("tr", tr, 0, None);
            }
        } else if kind.is(Kind::CELL) && top.is(Kind::ROW_GROUP) {
            self.push_kept("tr", tr, 0, None);
        }
    }

    /// Close what the parser closes when `name` starts, so that ordinary pages with
    /// unclosed `<p>`, `<li>`, `<td>` … are not taken for deep ones.
    fn close_implied(&mut self, name: &str, kind: Kind) {
        if kind.is(Kind::BLOCK) {
            self.close(&["p"], Kind::BUTTON_SCOPE);
        }
        match name {
            // The parser looks for the item to close down to the first "special" element
            // other than <address>, <div> and <p>: past a <blockquote> or an <li> it leaves
            // the item open and nests the new one inside. Stopping at <div> too (the parser
            // does not) only keeps more open.
            "li" => self.close(&["li"], Kind::LIST_ITEM_STOP),
            "dd" | "dt" => self.close(&["dd", "dt"], Kind::LIST_ITEM_STOP),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                if self
                    .kept
                    .last()
                    .is_some_and(|e| matches!(&*e.name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")) =>
            {
                self.pop_kept_to(self.kept.len() - 1);
            }
            // Only an <option> (or <optgroup>) that is the current node is closed.
            "option" => self.pop_current(&["option"]),
            "optgroup" => {
                self.pop_current(&["option"]);
                self.pop_current(&["optgroup"]);
            }
            "tr" => self.close(&["tr"], Kind::TABLE),
            "td" | "th" => self.close(&["td", "th"], Kind::TR | Kind::TABLE),
            "tbody" | "thead" | "tfoot" => self.close(&["tbody", "thead", "tfoot"], Kind::TABLE),
            "button" => self.close(&["button"], Kind::SCOPE),
            // Ruby annotations end those at the top of the stack only.
            "rb" | "rp" | "rt" | "rtc" if self.count("ruby") > 0 => {
                while self.kept.last().is_some_and(|e| matches!(&*e.name, "rb" | "rp" | "rt" | "rtc")) {
                    self.pop_kept_to(self.kept.len() - 1);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_elements_kind_says_which_lists_its_name_is_in() {
        let lists: [(&[&str], u32); 11] = [
            (VOID, Kind::VOID),
            (FORMATTING, Kind::FORMATTING),
            (BLOCK, Kind::BLOCK),
            (MARKERS, Kind::MARKER),
            (SPECIAL, Kind::SPECIAL),
            (SCOPE, Kind::SCOPE),
            (BUTTON_SCOPE, Kind::BUTTON_SCOPE),
            (TABLE_PARTS, Kind::TABLE_PART),
            (TABLE_SCOPE, Kind::TABLE_SCOPE),
            (TABLE_PART_SCOPE, Kind::TABLE_PART_SCOPE),
            (LIST_SCOPE, Kind::LIST_SCOPE),
        ];
        let names = lists.iter().flat_map(|(names, _)| names.iter().copied());
        for name in names.chain(["span", "x-custom", "DIV", "#form", "", "tablex"]) {
            let kind = Kind::of(name);
            for (list, bit) in lists {
                assert_eq!(kind.is(bit), list.contains(&name), "{name:?} in the list of bit {bit:#x}");
            }
            let list_item_stop = SPECIAL.contains(&name) && !matches!(name, "address" | "p");
            assert_eq!(kind.is(Kind::LIST_ITEM_STOP), list_item_stop, "{name:?}");
            assert_eq!(kind.is_raw_text(), super::super::RAW_TEXT.contains(&name), "{name:?}");
            assert_eq!(
                layout_weight(kind),
                [12, 1, 0][match name {
                    "td" | "th" => 0,
                    "li" | "dd" | "blockquote" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => 1,
                    _ => 2,
                }]
            );
        }
    }
}
