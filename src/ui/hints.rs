//! Link hints (`f`): every link and form field on screen gets a label of one or two home-row
//! letters, drawn over the link's number (`[12]`, all of it: the link's text stays readable); typing a label follows it (a field is edited,
//! toggled or opened as Enter on it would). The shortest labels go to the links nearest the
//! selected link when it is on screen, else nearest the top of the screen, so the link the
//! eye is on costs one key.
//!
//! Typing what starts no label filters, as vimium's and qutebrowser's hint filters do: a
//! character that does not continue any label is taken as text, the links are narrowed to
//! those whose text holds what was typed (ignoring case), and the labels are given out again
//! over those. Since the labels are made of home-row letters, `/` first makes every
//! following character text (to filter by "flask", say). Backspace takes back the last
//! letter; Enter follows the first link left (its label is the shortest); Esc leaves with
//! nothing changed. Text never follows by itself, even when one link is left: a word typed
//! in full must not run on into the next page's keys.
//!
//! Pure: the labels are worked out from the page as shown when `f` was pressed; nothing here
//! draws or follows (the app follows through `follow_link`, `draw.rs` draws the labels).

use super::tab::Page;
use crate::document::DocId;

/// The letters labels are made of: the home row, where the fingers rest.
pub const HINT_LETTERS: [char; 9] = ['a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l'];

/// At most this many links are labelled at once: one- and two-letter labels, none the start
/// of another, go no further. The rest are reached by filtering.
pub const MAX_LABELS: usize = HINT_LETTERS.len() * HINT_LETTERS.len();

/// A link on screen that may be labelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The link's index in the page (a form field is a link too).
    pub link: usize,
    /// Where it starts on screen: the row in the page's area, and the column.
    pub row: usize,
    pub column: usize,
    /// The columns of its number (`[12]`) there: the label covers the whole number, never
    /// part of it, nor the link's text.
    pub number_width: usize,
    /// Its text in lower case, for the filter.
    text: String,
}

/// The state of hint mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hints {
    /// The page and the scroll the labels were made for.
    pub doc: DocId,
    pub scroll: usize,
    /// The links on screen, nearest first.
    targets: Vec<Target>,
    /// Text typed to narrow the links.
    pub filter: String,
    /// After `/`: every character is text.
    pub text_only: bool,
    /// The letters of a label typed so far.
    pub typed: String,
    /// The labels given out: (index in `targets`, label), shortest first.
    labels: Vec<(usize, String)>,
    /// Links that match the filter but got no label (more than [`MAX_LABELS`]).
    pub unlabelled: usize,
}

/// What a key did in hint mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HintKey {
    /// Still choosing.
    Choosing,
    /// Follow this link.
    Follow(usize),
    /// Enter with no link left.
    NoMatch,
    Leave,
}

impl Hints {
    /// The links and fields in the `rows` rows of `page` shown from its scroll, or `None`
    /// when there is none.
    pub fn new(page: &Page, rows: usize) -> Option<Hints> {
        let mut targets: Vec<Target> = Vec::new();
        let lines = page.rendered.lines.iter().enumerate().skip(page.scroll).take(rows);
        for (line_no, line) in lines {
            let mut column = 0;
            for (i, span) in line.spans.iter().enumerate() {
                if let Some(link) = span.style.link_index() {
                    if !targets.iter().any(|t| t.link == link) {
                        let text = page.link_text(link).to_lowercase();
                        let number = format!("[{}]", link + 1);
                        let here = line.spans[i..].iter().take_while(|s| s.style.link_index() == Some(link));
                        let start: String = here.map(|s| s.text.as_ref()).collect();
                        let number_width = if start.starts_with(&number) { number.len() } else { 0 };
                        let row = line_no - page.scroll;
                        targets.push(Target { link, row, column, number_width, text });
                    }
                }
                column += crate::document::columns(&span.text);
            }
        }
        if targets.is_empty() {
            return None;
        }
        let anchor = page.selected.and_then(|s| targets.iter().find(|t| t.link == s)).map_or(0, |t| t.row);
        // Nearest first; at the same distance, the one above (reading order) first.
        targets.sort_by_key(|t| (t.row.abs_diff(anchor), t.row, t.column));
        let mut hints = Hints {
            doc: page.doc.id,
            scroll: page.scroll,
            targets,
            filter: String::new(),
            text_only: false,
            typed: String::new(),
            labels: Vec::new(),
            unlabelled: 0,
        };
        hints.relabel();
        Some(hints)
    }

    /// Whether these labels were made for the page as it is shown now.
    pub fn fits(&self, page: &Page) -> bool {
        page.doc.id == self.doc && page.scroll == self.scroll
    }

    /// The labels to draw: (target, label) for each label that starts with what was typed.
    pub fn shown(&self) -> impl Iterator<Item = (&Target, &str)> {
        self.labels
            .iter()
            .filter(|(_, label)| label.starts_with(&self.typed))
            .map(|(i, label)| (&self.targets[*i], label.as_str()))
    }

    /// How many links the filter leaves.
    pub fn matching(&self) -> usize {
        self.labels.len() + self.unlabelled
    }

    pub fn on_key(&mut self, key: &ratatui::crossterm::event::KeyEvent) -> HintKey {
        use ratatui::crossterm::event::{KeyCode, KeyModifiers};
        if key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
            return HintKey::Choosing;
        }
        match key.code {
            KeyCode::Esc => HintKey::Leave,
            KeyCode::Enter => match self.shown().next() {
                Some((target, _)) => HintKey::Follow(target.link),
                None => HintKey::NoMatch,
            },
            KeyCode::Backspace => {
                if self.typed.pop().is_none() {
                    if self.filter.pop().is_none() {
                        self.text_only = false;
                    }
                    self.relabel();
                }
                HintKey::Choosing
            }
            KeyCode::Char('/') if !self.text_only && self.filter.is_empty() && self.typed.is_empty() => {
                self.text_only = true;
                HintKey::Choosing
            }
            KeyCode::Char(c) if !c.is_control() => {
                let mut typed = self.typed.clone();
                typed.push(c);
                let continues_a_label =
                    !self.text_only && self.labels.iter().any(|(_, label)| label.starts_with(&typed));
                if !continues_a_label {
                    self.filter.push(c);
                    self.relabel();
                    return HintKey::Choosing;
                }
                match self.labels.iter().find(|(_, label)| *label == typed) {
                    Some((i, _)) => HintKey::Follow(self.targets[*i].link),
                    None => {
                        self.typed = typed;
                        HintKey::Choosing
                    }
                }
            }
            _ => HintKey::Choosing,
        }
    }

    /// Give the labels out again over the links the filter leaves, nearest first.
    fn relabel(&mut self) {
        self.typed.clear();
        let filter = self.filter.to_lowercase();
        let matching: Vec<usize> =
            (0..self.targets.len()).filter(|i| self.targets[*i].text.contains(&filter)).collect();
        let labels = labels(matching.len());
        self.unlabelled = matching.len() - labels.len();
        self.labels = matching.into_iter().zip(labels).collect();
    }
}

/// `n` labels (at most [`MAX_LABELS`]), shortest first, none the start of another: as many
/// single letters as leave enough of the others to start two-letter labels for the rest.
pub fn labels(n: usize) -> Vec<String> {
    let letters = HINT_LETTERS.len();
    let n = n.min(MAX_LABELS);
    if n <= letters {
        return HINT_LETTERS[..n].iter().map(|c| c.to_string()).collect();
    }
    // k single letters and (letters - k) prefixes of `letters` labels each must hold n.
    let singles = (MAX_LABELS - n) / (letters - 1);
    let mut out: Vec<String> = HINT_LETTERS[..singles].iter().map(|c| c.to_string()).collect();
    for first in &HINT_LETTERS[singles..] {
        for second in &HINT_LETTERS {
            out.push(format!("{first}{second}"));
        }
    }
    out.truncate(n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_shortest_first_and_never_the_start_of_another() {
        for n in 0..=100 {
            let labels = labels(n);
            assert_eq!(labels.len(), n.min(MAX_LABELS));
            for a in &labels {
                assert!(labels.iter().filter(|b| b.starts_with(a.as_str())).count() == 1, "{n}: {a}");
            }
            assert!(labels.windows(2).all(|w| w[0].len() <= w[1].len()));
        }
        assert_eq!(labels(3), ["a", "s", "d"]);
        assert_eq!(labels(10)[..9].concat(), "asdfghjkla");
        assert_eq!(labels(10)[8], "la");
    }
}
