//! The opening of an article in the reader view: its text starts right under the title.
//!
//! Readability keeps what a page puts above an article's first paragraph: a lead picture and
//! its caption and credit, a dateline, a "Save" or "Sign up" label, a table of contents, an
//! infobox, and often the article's own headline again. On a screen of text those push the
//! first paragraph a screen down. Here, before the first paragraph of the article's text:
//!
//! - a block that repeats the title (its words a run of the title's, at least half of them)
//!   is dropped: the header above already says it;
//! - the article's own byline line ("By Ana Roe, 12 May"), a block holding the byline Readability
//!   found and few words besides, is taken out and shown in the header instead;
//! - what shows nothing (an empty paragraph, a line break) is dropped, unless a link may
//!   lead to it;
//! - a rule (`<hr>`) is dropped: it only decorated the top;
//! - headings stay where they are (a standfirst, a section's heading: they are the text),
//!   and so do lists other than a table of contents (an opening list is part of the text);
//! - everything else — figures, images, captions, dates, labels, embedded frames, tables,
//!   a table of contents — is moved, in its order, to just after the first paragraph, so no
//!   word is lost. So is a picture the first paragraph opens with.
//!
//! The first paragraph is the first block (a paragraph, a division…) holding at least
//! [`PARAGRAPH_WORDS`] words of its own text, outside figures and headings: a sentence's
//! worth, which a caption, a date or a label rarely is. When that text is in a list item, a
//! quotation or a table cell, the article opens with a list, a quote or a table: nothing is
//! moved then, as nothing could go after the first paragraph without breaking what holds it.
//!
//! Pure: HTML in, HTML out; nothing here does I/O.

use dom_query::{Document, NodeRef};
use url::Url;

/// The words of its own text a block needs to be a paragraph of the article (see the
/// module's comment). A character of Chinese, Japanese or Korean counts as a word.
pub const PARAGRAPH_WORDS: usize = 8;

/// An article's content with its opening tidied, and the byline line taken out of it.
#[derive(Debug, PartialEq, Eq)]
pub struct Tidied {
    pub content: String,
    /// The text of the article's own byline line, when one was taken out of the opening.
    pub byline: Option<String>,
}

/// `content` (an article's HTML, from Readability) with its opening tidied as the module's
/// comment says; `title` is the one shown above it, `byline` the one Readability found, `url`
/// the page's address. Content with nothing to tidy comes back as it was.
pub fn tidy(content: &str, title: &str, byline: Option<&str>, url: &Url) -> Tidied {
    let untouched = || Tidied { content: content.to_string(), byline: None };
    let doc = Document::from(content);
    let Some(body) = doc.body() else { return untouched() };
    let Some(first) = first_paragraph(&body, url) else { return untouched() };
    let mut sorting = Sorting {
        title: Title::new(title),
        byline: byline.map(words).unwrap_or_default(),
        url,
        moved: Vec::new(),
        changed: false,
        byline_line: None,
    };
    for node in lead_of(&first, &body) {
        sorting.sort(&node);
    }
    let Sorting { mut moved, changed, byline_line, .. } = sorting;
    if let Some(picture) = opening_picture(&first) {
        moved.push(picture);
    }
    if moved.is_empty() && !changed {
        return untouched();
    }
    let mut after = first;
    for node in moved {
        after.insert_after(&node);
        after = node;
    }
    Tidied { content: body.inner_html().to_string(), byline: byline_line }
}

/// What the header above the article says, where the article is, and what the sorting of
/// its opening has done so far.
struct Sorting<'a, 'u> {
    title: Title,
    byline: Vec<String>,
    url: &'u Url,
    /// What goes after the first paragraph, in order.
    moved: Vec<NodeRef<'a>>,
    /// Whether anything was dropped or taken out.
    changed: bool,
    byline_line: Option<String>,
}

/// How many words besides the byline its line may have ("By", a date).
const BYLINE_LINE_EXTRA_WORDS: usize = 5;

impl<'a> Sorting<'a, '_> {
    /// Put `node`, which comes before the first paragraph, where it goes: dropped, left, or
    /// onto `moved`; a block holding a heading or a list that stays is sorted child by child.
    fn sort(&mut self, node: &NodeRef<'a>) {
        if !node.is_element() && !node.is_text() {
            return;
        }
        let said = words(&node.text());
        let shows = std::iter::once(*node).chain(node.descendants_it()).any(|d| is_media(&name_of(&d)));
        if self.is_byline_line(&said) {
            // Only its words go to the header: pictures and headings beside them are sorted.
            if shows || node.descendants_it().any(|d| is_heading(&name_of(&d))) {
                for child in node.children() {
                    self.sort(&child);
                }
            } else {
                self.byline_line = Some(node.text().split_whitespace().collect::<Vec<_>>().join(" "));
                self.remove(node);
            }
            return;
        }
        let repeats = !said.is_empty() && self.title.repeated_by(&said);
        if node.is_text() {
            if repeats {
                self.remove(node);
            } else if !said.is_empty() {
                self.moved.push(*node);
            }
            return;
        }
        let name = name_of(node);
        // Pictures around a repeated title are sorted with the rest; only the words go.
        let targeted = || {
            std::iter::once(*node)
                .chain(node.descendants_it())
                .any(|d| d.has_attr("id") || d.has_attr("name"))
        };
        if name == "hr" || (repeats && !shows) || (said.is_empty() && !shows && !targeted()) {
            self.remove(node);
            return;
        }
        if stays(node, &name, self.url) {
            return;
        }
        if matches!(name.as_str(), "table" | "figure") || (!repeats && !holds_what_stays(node, self.url)) {
            self.moved.push(*node);
            return;
        }
        for child in node.children() {
            self.sort(&child);
        }
    }

    fn remove(&mut self, node: &NodeRef) {
        node.remove_from_parent();
        self.changed = true;
    }

    /// Whether words `said` are the article's byline line: the byline's words in a row, and
    /// few besides. Only the first such line is.
    fn is_byline_line(&self, said: &[String]) -> bool {
        let byline = &self.byline;
        self.byline_line.is_none()
            && !byline.is_empty()
            && said.len() <= byline.len() + BYLINE_LINE_EXTRA_WORDS
            && said.windows(byline.len()).any(|run| run == byline.as_slice())
    }
}

/// The first paragraph of the article's text (see the module's comment), or `None` when
/// there is none or it is inside a list, a quotation or a table.
fn first_paragraph<'a>(root: &NodeRef<'a>, url: &Url) -> Option<NodeRef<'a>> {
    match search(root, url) {
        Search::Found(first) => Some(first),
        Search::Held | Search::NotYet => None,
    }
}

/// Where the search for the first paragraph is.
enum Search<'a> {
    Found(NodeRef<'a>),
    /// Found inside a list item, a quotation or a table cell.
    Held,
    NotYet,
}

/// Captions, headings and tables of contents are never the first paragraph.
fn search<'a>(node: &NodeRef<'a>, url: &Url) -> Search<'a> {
    for child in node.children_it(false).filter(NodeRef::is_element) {
        let name = name_of(&child);
        if matches!(name.as_str(), "figure" | "figcaption")
            || is_heading(&name)
            || (matches!(name.as_str(), "ul" | "ol") && is_table_of_contents(&child, url))
        {
            continue;
        }
        if !is_inline(&name) && own_words(&child) >= PARAGRAPH_WORDS {
            let held = HOLDERS.contains(&name.as_str())
                || child.ancestors_it(None).any(|a| HOLDERS.contains(&name_of(&a).as_str()));
            return if held { Search::Held } else { Search::Found(child) };
        }
        match search(&child, url) {
            Search::NotYet => {}
            done => return done,
        }
    }
    Search::NotYet
}

/// Elements a first paragraph cannot be taken out of: what follows it must stay inside.
const HOLDERS: &[&str] = &["li", "dd", "dt", "blockquote", "td", "th", "caption"];

/// The number of words in the text of `node` that is its own: in text and inline elements
/// under it, not in blocks under it (each has its own), nor in images' alt text.
fn own_words(node: &NodeRef) -> usize {
    node.children_it(false)
        .map(|child| {
            if child.is_text() {
                words(&child.text()).len()
            } else if child.is_element() && is_inline(&name_of(&child)) {
                own_words(&child)
            } else {
                0
            }
        })
        .sum()
}

/// What comes before `first` in the document and does not hold it, in document order: the
/// preceding siblings of `first` and of each of its ancestors under `root`.
fn lead_of<'a>(first: &NodeRef<'a>, root: &NodeRef<'a>) -> Vec<NodeRef<'a>> {
    let mut path = vec![*first];
    path.extend(first.ancestors_it(None).take_while(|a| a.id != root.id));
    let mut lead = Vec::new();
    for node in path.iter().rev() {
        let Some(parent) = node.parent() else { continue };
        lead.extend(parent.children_it(false).take_while(|c| c.id != node.id));
    }
    lead
}

/// The title's words, and where its parts start and end: a page's title is often the
/// article's headline and the site's name, joined by a separator ("Headline | Site").
struct Title {
    words: Vec<String>,
    /// Word indices where a part starts or ends, in order (the first 0, the last the length).
    bounds: Vec<usize>,
}

/// What separates the parts of a page's title.
const TITLE_SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " / ", " » ", " · ", ": ", "|", "_"];

impl Title {
    fn new(title: &str) -> Title {
        let mut parts = vec![title.to_string()];
        for separator in TITLE_SEPARATORS {
            parts = parts.iter().flat_map(|p| p.split(separator)).map(str::to_string).collect();
        }
        let (mut words_of, mut bounds) = (Vec::new(), vec![0]);
        for part in parts {
            words_of.extend(words(&part));
            bounds.push(words_of.len());
        }
        bounds.dedup();
        Title { words: words_of, bounds }
    }

    /// Whether words `said` repeat the title: its words from the start of a part to the
    /// end of one (the headline without the site's name), or any run of at least half its
    /// words.
    fn repeated_by(&self, said: &[String]) -> bool {
        let whole_parts = self.bounds.iter().any(|&start| {
            self.bounds.contains(&(start + said.len()))
                && self.words.get(start..start + said.len()) == Some(said)
        });
        whole_parts
            || (said.len() * 2 >= self.words.len() && self.words.windows(said.len()).any(|run| run == said))
    }
}

/// What stays in place before the first paragraph: headings, and lists that are not a table
/// of contents.
fn stays(node: &NodeRef, name: &str, url: &Url) -> bool {
    is_heading(name) || (matches!(name, "ul" | "ol" | "dl") && !is_table_of_contents(node, url))
}

/// Whether something in `node` stays in place. A table or a figure is one thing, moved
/// whole: a list in an infobox's cell does not keep the infobox at the top.
fn holds_what_stays(node: &NodeRef, url: &Url) -> bool {
    node.children_it(false).filter(NodeRef::is_element).any(|c| {
        let name = name_of(&c);
        !matches!(name.as_str(), "table" | "figure") && (stays(&c, &name, url) || holds_what_stays(&c, url))
    })
}

/// A list of links, every one to a place in the page itself.
fn is_table_of_contents(list: &NodeRef, url: &Url) -> bool {
    let links: Vec<NodeRef> = list.descendants_it().filter(|n| name_of(n) == "a").collect();
    !links.is_empty()
        && links.iter().all(|link| {
            let Some(href) = link.attr("href") else { return false };
            if href.starts_with('#') {
                return true;
            }
            Url::parse(&href).is_ok_and(|target| {
                target.fragment().is_some()
                    && target[..url::Position::AfterQuery] == url[..url::Position::AfterQuery]
            })
        })
}

/// A picture `first` opens with (an image, or an inline element holding one and no text),
/// taken out of it with the line break after it; `None` when it opens with text.
fn opening_picture<'a>(first: &NodeRef<'a>) -> Option<NodeRef<'a>> {
    let children = first.children();
    let mut children = children.iter().skip_while(|c| c.is_text() && c.text().trim().is_empty());
    let picture = children.next().filter(|c| {
        let name = name_of(c);
        name == "img"
            || name == "picture"
            || (is_inline(&name)
                && words(&c.text()).is_empty()
                && c.descendants_it().any(|d| matches!(name_of(&d).as_str(), "img" | "picture")))
    })?;
    let after = children.find(|c| !(c.is_text() && c.text().trim().is_empty()));
    if let Some(br) = after.filter(|c| name_of(c) == "br") {
        br.remove_from_parent();
    }
    picture.remove_from_parent();
    Some(*picture)
}

fn name_of(node: &NodeRef) -> String {
    node.node_name().map(|n| n.to_ascii_lowercase()).unwrap_or_default()
}

/// Elements that show something other than text: a picture, a frame, a player.
fn is_media(name: &str) -> bool {
    matches!(name, "img" | "picture" | "svg" | "iframe" | "video" | "audio" | "object" | "embed" | "canvas")
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Elements laid out inside the line of text around them.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "br"
            | "cite"
            | "code"
            | "data"
            | "del"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "img"
            | "ins"
            | "kbd"
            | "label"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strike"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "tt"
            | "u"
            | "var"
            | "wbr"
    )
}

/// The words of `text`, in lower case: runs of letters and digits, each character of
/// Chinese, Japanese or Korean a word of its own (they are written without spaces).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if is_cjk(c) {
            out.extend((!word.is_empty()).then(|| std::mem::take(&mut word)));
            out.push(c.to_string());
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    out.extend((!word.is_empty()).then_some(word));
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{ac00}'..='\u{d7af}' | '\u{f900}'..='\u{faff}')
}
