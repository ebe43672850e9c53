//! A rough model of HTML's tree builder: the stack of open elements and the list of active
//! formatting elements, enough to know how deep the parser will nest and how many nodes it
//! will make. Where the model is unsure it keeps elements open rather than closing them:
//! overestimating depth only flattens a pathological page earlier, underestimating it
//! would let a page nest without bound.

// Tag names are short and not chosen to collide: SipHash's protection costs more than it
// buys on every tag of every page.
use rustc_hash::FxHashMap as HashMap;

/// How many formatting elements (`<b>`, `<font>` …) may be active at once (between markers).
/// The parser re-opens every one of them at each new paragraph, so a page that leaves
/// hundreds open makes hundreds of elements per paragraph.
const ACTIVE_CAP: usize = 24;
/// How far back a scan for an element that a start tag closes implicitly looks.
const SCAN: usize = 64;

pub const VOID: &[&str] = &[
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

/// What a `<form>` becomes in the model after its `</form>` while elements opened inside it
/// are still open (no tag has a name starting with `#`).
const CLOSED_FORM: &str = "#form";

/// Where the search for an open `<li>`, `<dd>` or `<dt>` to close stops: at every special
/// element but `<address>` and `<p>`.
fn list_item_stop(name: &str) -> bool {
    SPECIAL.contains(&name) && !matches!(name, "address" | "p")
}

struct Entry {
    name: Box<str>,
    /// The tokenizer's key for its attributes (0 for an element the parser implies).
    attrs: u64,
    /// Its entry in the list of active formatting elements.
    active: Option<u32>,
}

enum Active {
    Marker,
    Element { id: u32, name: Box<str>, attrs: u64, open: bool },
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
fn layout_weight(name: &str) -> usize {
    match name {
        "td" | "th" => CELL_WEIGHT,
        "li" | "dd" | "blockquote" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => 1,
        _ => 0,
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

    pub fn start(&mut self, name: &str, attrs: u64, self_closing: bool, max_depth: usize) -> Start {
        if self.foreign == 0 && matches!(name, "html" | "head" | "body") {
            return Start::Kept;
        }
        // Outside a table the parser ignores the tags of table parts; taken for open, a
        // later cell would "close" through what the parser keeps open.
        if self.foreign == 0 && TABLE_PARTS.contains(&name) && self.count("table") == 0 {
            return Start::Kept;
        }
        let void = VOID.contains(&name) || (self_closing && self.foreign > 0);
        let formatting = self.foreign == 0 && FORMATTING.contains(&name);
        if self.foreign == 0 {
            self.close_implied(name);
            if matches!(name, "a" | "nobr") && self.find_active(name).is_some() {
                // The parser ends the open one first (the adoption agency), then forgets it.
                self.end_formatting(name);
                if let Some(at) = self.find_active(name) {
                    self.forget_active(at);
                }
            }
        }
        if !BLOCK.contains(&name) {
            self.reconstruct();
        }
        if self.foreign == 0 {
            self.imply_table_parts(name);
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
            self.active.push(Active::Element { id, name: name.into(), attrs, open: true });
            active = Some(id);
        }
        self.push_kept(name, attrs, active);
        if self.foreign == 0 && MARKERS.contains(&name) {
            self.active.push(Active::Marker);
        }
        Start::Kept
    }

    /// An end tag; true when it belongs to an element that was left out (so it must be
    /// left out too).
    pub fn end(&mut self, name: &str) -> bool {
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
        if self.foreign == 0 && FORMATTING.contains(&name) && self.find_active(name).is_some() {
            self.end_formatting(name);
            return false;
        }
        // `</form>` takes the form out of the parser's stack but leaves what was opened in it
        // open, inside the form: the form is still an ancestor of what comes next, so it
        // still counts for depth (as [`CLOSED_FORM`]) until what is inside it is closed.
        if self.foreign == 0 && name == "form" {
            if let Some(at) = self.kept.iter().rposition(|e| &*e.name == "form") {
                self.forget_name("form");
                if at + 1 == self.kept.len() {
                    self.kept.pop();
                } else {
                    self.kept[at].name = CLOSED_FORM.into();
                }
            }
            return false;
        }
        // Where the search for the element to close stops (HTML's scopes).
        let stops: &[&str] = match name {
            "table" => &["html", "template"],
            _ if TABLE_PARTS.contains(&name) => &["html", "table", "template"],
            "li" => &[
                "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "ol", "ul",
            ],
            "p" => BUTTON_SCOPE,
            _ if SPECIAL.contains(&name) => SCOPE,
            _ => SPECIAL,
        };
        for i in (0..self.kept.len()).rev() {
            let here = &*self.kept[i].name;
            if here == name {
                self.pop_kept_to(i);
                return false;
            }
            let blocks = stops.contains(&here);
            if blocks {
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
        if self.kept[pos + 1..].iter().any(|e| SPECIAL.contains(&&*e.name)) {
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
                self.forget_name(&entry.name);
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
            if let Active::Element { id, name, attrs, open } = &mut self.active[i] {
                *open = true;
                let (id, name, attrs) = (*id, name.clone(), *attrs);
                self.push_kept(&name, attrs, Some(id));
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

    fn push_kept(&mut self, name: &str, attrs: u64, active: Option<u32>) {
        self.layout_depth += layout_weight(name);
        self.count_node();
        if matches!(name, "svg" | "math") {
            self.foreign += 1;
        }
        // Counted under a name already known without copying it again.
        match self.kept_names.get_mut(name) {
            Some(count) => *count += 1,
            None => {
                self.kept_names.insert(name.into(), 1);
            }
        }
        self.kept.push(Entry { name: name.into(), attrs, active });
    }

    /// Pop the kept stack down to and including index `to`; what was left out above goes too.
    fn pop_kept_to(&mut self, to: usize) {
        self.dropped.clear();
        self.dropped_names.clear();
        while self.kept.len() > to {
            let Some(entry) = self.kept.pop() else { break };
            self.forget_name(&entry.name);
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
            if self.foreign == 0 && MARKERS.contains(&&*entry.name) {
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

    fn forget_name(&mut self, name: &str) {
        if let Some(n) = self.kept_names.get_mut(name) {
            *n -= 1;
        }
        self.layout_depth = self.layout_depth.saturating_sub(layout_weight(name));
        if matches!(name, "svg" | "math") {
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
    /// and not past one that `stop` names.
    fn close(&mut self, targets: &[&str], stop: impl Fn(&str) -> bool) {
        if targets.iter().all(|t| self.kept_names.get(*t).copied().unwrap_or(0) == 0) {
            return;
        }
        let lowest = self.kept.len().saturating_sub(SCAN);
        for i in (lowest..self.kept.len()).rev() {
            let here = &*self.kept[i].name;
            if targets.contains(&here) {
                self.pop_kept_to(i);
                return;
            }
            if stop(here) {
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
    fn imply_table_parts(&mut self, name: &str) {
        let top = self.kept.last().map(|e| e.name.clone());
        match (name, top.as_deref()) {
            ("tr", Some("table")) => self.push_kept("tbody", 0, None),
            ("td" | "th", Some("table")) => {
                self.push_kept("tbody", 0, None);
                self.push_kept("tr", 0, None);
            }
            ("td" | "th", Some("tbody" | "thead" | "tfoot")) => self.push_kept("tr", 0, None),
            _ => {}
        }
    }

    /// Close what the parser closes when `name` starts, so that ordinary pages with
    /// unclosed `<p>`, `<li>`, `<td>` … are not taken for deep ones.
    fn close_implied(&mut self, name: &str) {
        if BLOCK.contains(&name) {
            self.close(&["p"], |n| BUTTON_SCOPE.contains(&n));
        }
        match name {
            // The parser looks for the item to close down to the first "special" element
            // other than <address>, <div> and <p>: past a <blockquote> or an <li> it leaves
            // the item open and nests the new one inside. Stopping at <div> too (the parser
            // does not) only keeps more open.
            "li" => self.close(&["li"], list_item_stop),
            "dd" | "dt" => self.close(&["dd", "dt"], list_item_stop),
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
            "tr" => self.close(&["tr"], |n| n == "table"),
            "td" | "th" => self.close(&["td", "th"], |n| ["tr", "table"].contains(&n)),
            "tbody" | "thead" | "tfoot" => self.close(&["tbody", "thead", "tfoot"], |n| n == "table"),
            "button" => self.close(&["button"], |n| SCOPE.contains(&n)),
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
