//! A large page parsed and laid out piece by piece, for a layout made once (`--dump`): only
//! the pieces being worked on have a DOM and a render tree, never the whole page, and with
//! two threads the pieces alternate between them.
//!
//! Where the guard finds places that cut the page cleanly (`guard::Split`: a paragraph or
//! heading right after a paragraph, inside plain containers, about every [`PIECE_BYTES`]),
//! each piece after the first is parsed after the start tags of the elements open there
//! and laid out with its links numbered after all earlier pieces' (the earlier pieces' parsed
//! trees tell how many: `RenderTree::link_count`, checked against each piece's layout), its
//! form fields after theirs; its lines, converted to spans at once (and its trees let go),
//! follow the earlier pieces' after the blank line html2text puts before such a block.
//! Joined, the pieces make the lines, links, anchors and forms the whole page makes:
//! `scripts/check-pieces.sh` compares the two on every large page of the Rust
//! documentation, and the tests here on made-up ones. Whenever the pieces cannot stand for
//! the page, the answer is `None` and the caller lays the page out whole.
//!
//! No crate does this; it rests on what html2text and html5ever do at such a place. Nothing
//! here starts a thread: the caller hands in a [`Fork`] (`crate::jobs` has one).

use super::forms::{self, Forms};
use super::guard::Split;
use super::layout::{self, Part};
use super::parse::{self, Parsed};
use super::{Cancel, Rendered};
use std::sync::mpsc::{self, Receiver, Sender};
use url::Url;

/// Pages of at least this many bytes of HTML are laid out in pieces (where they can be cut):
/// below it the pieces save less than their set-up costs.
pub const PIECES_FROM: usize = 256 << 10;

/// About how many bytes of HTML a piece has (the first clean place this far after the last
/// cut ends a piece): from 64 to 256 KB the peak memory and the time are the same within
/// the noise; larger pieces hold more at once.
pub const PIECE_BYTES: usize = 192 << 10;

/// The size of the pieces of a page of `bytes`: [`PIECE_BYTES`], or half the page when that
/// is less (a page just over [`PIECES_FROM`] is cut in two).
pub fn piece_bytes(bytes: usize) -> usize {
    PIECE_BYTES.min(bytes / 2)
}

/// Runs two pieces of work at once.
pub trait Fork {
    /// Run `here` on the calling thread and `there` on another, both to their end; `false`
    /// when `there` did not finish (no thread could be had, or it panicked). A `there` that
    /// is not run is dropped before `here` runs (`here` may wait for what `there` holds).
    fn both<'a>(&self, here: Box<dyn FnOnce() + 'a>, there: Box<dyn FnOnce() + Send + 'a>) -> bool;
}

/// How a page laid out once (`Document::parse_and_lay_out_once`) is made.
#[derive(Clone, Copy)]
pub enum Making<'a> {
    /// Parsed and laid out whole.
    Whole,
    /// In pieces where it can be cut: one after another on the calling thread, or, with a
    /// fork, alternating between two threads.
    InPieces(Option<&'a dyn Fork>),
}

/// A page made from its pieces: what the whole page's parse and layout make.
pub struct Made {
    pub title: String,
    pub base: Url,
    pub forms: Forms,
    pub rendered: Rendered,
}

/// What comes before a piece: the links and form fields of all earlier pieces.
#[derive(Clone, Copy, Default)]
struct Before {
    links: usize,
    fields: usize,
}

/// One piece of the page: what it is parsed after, its HTML, how it hears what comes before
/// it, and how it tells the next piece.
struct Piece<'h> {
    index: usize,
    reopen: &'h str,
    html: &'h str,
    before: Receiver<Before>,
    after: Sender<Before>,
}

/// A piece parsed, laid out and converted.
struct Done {
    title: String,
    base: Url,
    forms: Forms,
    part: Part,
}

/// Parse the guarded page `html` (which the guard passed unchanged) in the pieces `splits`
/// cut it in, and lay them out for `width`: one after another, or alternating between the
/// two sides of `fork`. `None` when the pieces cannot stand for the page, or `cancel` was
/// raised.
pub fn lay_out(
    url: &Url,
    html: &str,
    splits: &[Split],
    width: u16,
    cancel: &Cancel,
    fork: Option<&dyn Fork>,
) -> Option<Made> {
    let pieces = pieces(html, splits)?;
    let count = pieces.len();
    // Raised when a piece fails: the others stop at their next piece.
    let failed = Cancel::new();
    let done = match fork {
        None => make_all(url, pieces, width, cancel, &failed),
        Some(fork) => {
            let (here, there): (Vec<_>, Vec<_>) = pieces.into_iter().partition(|piece| piece.index % 2 == 0);
            let (mut here_done, mut there_done) = (Vec::new(), Vec::new());
            let (here_slot, there_slot) = (&mut here_done, &mut there_done);
            let failed = &failed;
            let finished = fork.both(
                Box::new(move || *here_slot = make_all(url, here, width, cancel, failed)),
                Box::new(move || *there_slot = make_all(url, there, width, cancel, failed)),
            );
            if !finished {
                return None;
            }
            here_done.append(&mut there_done);
            here_done.sort_by_key(|(index, _)| *index);
            here_done
        }
    };
    if failed.raised() || cancel.raised() || done.len() != count {
        return None;
    }
    join(url, done.into_iter().map(|(_, done)| done).collect(), width)
}

/// The pieces `splits` cut `html` in, each told by the one before it what comes before it.
fn pieces<'h>(html: &'h str, splits: &'h [Split]) -> Option<Vec<Piece<'h>>> {
    let mut starts = vec![(0, "")];
    starts.extend(splits.iter().map(|split| (split.at, split.reopen.as_str())));
    let mut pieces = Vec::with_capacity(starts.len());
    let (first_tells, mut before) = mpsc::channel();
    // Nothing comes before the first piece; the receiver is alive, so this cannot fail.
    first_tells.send(Before::default()).ok()?;
    for (index, &(at, reopen)) in starts.iter().enumerate() {
        let end = starts.get(index + 1).map_or(html.len(), |&(next, _)| next);
        let (after, next_before) = mpsc::channel();
        let html = html.get(at..end)?;
        pieces.push(Piece { index, reopen, html, before, after });
        before = next_before;
    }
    Some(pieces)
}

/// Make `pieces` in turn, until one fails (then `failed` is raised).
fn make_all(
    url: &Url,
    pieces: Vec<Piece<'_>>,
    width: u16,
    cancel: &Cancel,
    failed: &Cancel,
) -> Vec<(usize, Done)> {
    let mut done = Vec::with_capacity(pieces.len());
    for piece in pieces {
        if failed.raised() || cancel.raised() {
            break;
        }
        let index = piece.index;
        match make(url, piece, width, cancel) {
            Some(made) => done.push((index, made)),
            None => {
                failed.raise();
                break;
            }
        }
    }
    // The pieces not made are dropped here: the next waits for nothing.
    done
}

/// Parse a piece, hear what comes before it, tell the next piece, lay it out and convert
/// its lines. `None` when it cannot be made as the whole page would make it.
fn make(url: &Url, piece: Piece<'_>, width: u16, cancel: &Cancel) -> Option<Done> {
    let Piece { index, reopen, html, before, after } = piece;
    let Parsed { title, base, forms, tree } = parse::parse_after(url, reopen, html, cancel)?;
    let links = tree.link_count();
    // An earlier piece failed (or was not made): this one is not either.
    let before = before.recv().ok()?;
    // The next piece may be gone (it could not be parsed): nothing then waits.
    let _ = after.send(Before { links: before.links + links, fields: before.fields + forms.fields.len() });
    drop(after);
    let (lines, hrefs) = layout::lines(tree, width, before.links)?;
    // Laid out alone, a piece starts with its first block's text; one that starts with
    // blank lines or makes none would not take the one blank line the join puts before it.
    let opens_with_text = lines.first().is_some_and(|line| {
        line.iter()
            .any(|e| matches!(e, html2text::render::TaggedLineElement::Str(s) if !s.s.trim().is_empty()))
    });
    if index > 0 && !opens_with_text {
        return None;
    }
    // The next pieces were told this piece has `links` links.
    if hrefs.len() != links {
        return None;
    }
    let hrefs = hrefs
        .into_iter()
        .map(|href| match forms::field_of_href(&href) {
            Some(field) => forms::field_href(before.fields + field),
            None => href,
        })
        .collect();
    let part = layout::convert_part(lines, hrefs, &base, before.links);
    Some(Done { title, base, forms, part })
}

/// The page from its pieces; `None` when one has a `<base>` (it would count for the whole
/// page) or the page's first `<title>` is not in the first piece.
fn join(url: &Url, pieces: Vec<Done>, width: u16) -> Option<Made> {
    // The later pieces' lines, each with the blank line before it, and links.
    let more = pieces
        .iter()
        .skip(1)
        .map(|piece| piece.part.size())
        .fold((0, 0), |(lines, links), (l, k)| (lines + l + 1, links + k));
    let mut pieces = pieces.into_iter();
    let Done { title, base, mut forms, part: mut joined } = pieces.next()?;
    if base != *url {
        return None;
    }
    joined.reserve(more);
    for piece in pieces {
        // The first <title> in the page counts, wherever it is (an empty one in the first
        // piece too: then the page is laid out whole, which tells the two apart).
        if piece.base != *url || (title.is_empty() && !piece.title.is_empty()) {
            return None;
        }
        forms.append(piece.forms);
        joined.append(piece.part);
    }
    let rendered = joined.finish(width.max(1));
    Some(Made { title, base, forms, rendered })
}

#[cfg(test)]
mod tests;
