//! A large page parsed and laid out piece by piece, for a layout made once (`--dump`): only
//! the pieces being worked on have a DOM and a render tree, never the whole page, and with
//! two threads each takes the next piece whenever it is free, the first ones while the
//! guard's scan is still finding where to cut the rest.
//!
//! Where the guard finds places that cut the page cleanly (`guard::Split`: a paragraph or
//! heading right after a paragraph, or a heading right after a list, table or container
//! that ended with text, inside plain containers, about every [`PIECE_BYTES`]),
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
use std::sync::Mutex;
use url::Url;

/// Pages of at least this many bytes of HTML are laid out in pieces (where they can be cut):
/// below it the pieces save less than their set-up costs.
pub const PIECES_FROM: usize = 256 << 10;

/// About how many bytes of HTML a piece has (the first clean place this far after the last
/// cut ends a piece). Small pieces are made faster: a piece's DOM and render tree stay in
/// the processor's cache, and the memory one piece frees is taken again by the next. On one
/// thread the Rust reference took 224 ms at 192 KB, 206 at 64, 201 at 16 and 196 at 8, the
/// book 92, 91, 82 and 84 ms, peak memory falling with them (the reference's from 34.2 to
/// 32.5 MB at 16 KB); below 16 KB there are only more pieces to join.
pub const PIECE_BYTES: usize = 16 << 10;

/// The size of the pieces of a page of `bytes`: [`PIECE_BYTES`], or half the page when that
/// is less (a page just over [`PIECES_FROM`] is cut in two).
pub fn piece_bytes(bytes: usize) -> usize {
    PIECE_BYTES.min(bytes / 2)
}

/// Runs two pieces of work at once.
pub trait Fork {
    /// Run `here` on the calling thread and `there` on another, both to their end. A `there`
    /// that cannot be run (no thread could be had) is dropped before `here` runs (`here` may
    /// wait for what `there` holds); one that panics has done what it did.
    fn both<'a>(&self, here: Box<dyn FnOnce() + 'a>, there: Box<dyn FnOnce() + Send + 'a>);
}

/// How a page laid out once (`Document::parse_and_lay_out_once`) is made.
#[derive(Clone, Copy)]
pub enum Making<'a> {
    /// Parsed and laid out whole.
    Whole,
    /// In pieces where it can be cut: one after another on the calling thread, or, with a
    /// fork, on two threads, each taking the next piece when it is free.
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
    reopen: String,
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
/// cut it in, and lay them out for `width`: one after another, or on the two sides of
/// `fork`. `None` when the pieces cannot stand for the page, or `cancel` was
/// raised.
#[cfg(test)]
pub fn lay_out(
    url: &Url,
    html: &str,
    splits: &[Split],
    width: u16,
    cancel: &Cancel,
    fork: Option<&dyn Fork>,
) -> Option<Made> {
    let scan: Scan<'_> = Box::new(|found| {
        splits.iter().for_each(found);
        true
    });
    lay_out_as_found(url, html, width, cancel, fork, scan)
}

/// A scan of a page that tells each place to cut it as it finds it, and says at its end
/// whether the places stand (the guard passed the page unchanged: `guard::Scanned`).
pub type Scan<'s> = Box<dyn FnOnce(&mut dyn FnMut(&Split)) -> bool + 's>;

/// [`lay_out`] of the pieces `scan` cuts `html` in, each piece made as soon as the place
/// that ends it is found. With a fork the scan runs on this side while the other makes the
/// first pieces, then this side makes pieces too: the scan (a tenth of a large page's work)
/// is then no longer a wait before the pieces start. `None` when `scan` found no place, or
/// says its places do not stand.
pub fn lay_out_as_found<'h>(
    url: &Url,
    html: &'h str,
    width: u16,
    cancel: &Cancel,
    fork: Option<&dyn Fork>,
    scan: Scan<'h>,
) -> Option<Made> {
    let (to_make, queue) = mpsc::channel();
    // Each thread takes the next piece when it is free: pieces differ in size (a long
    // stretch of a page may have no clean place), and taken in turn, one thread would be
    // left with the last large one while the other waited.
    let queue = Mutex::new(queue);
    // Raised when a piece fails or the scan's places do not stand: the others stop at
    // their next piece.
    let failed = Cancel::new();
    let mut count = None;
    let cut = |count: &mut Option<usize>| {
        let mut cutter = Cutter::new(html, to_make);
        let stands = scan(&mut |split| cutter.cut(split));
        *count = cutter.finish(stands);
        if count.is_none() {
            failed.raise();
        }
    };
    let done = match fork {
        None => {
            cut(&mut count);
            make_all(url, &queue, width, cancel, &failed)
        }
        Some(fork) => {
            let (mut here_done, mut there_done) = (Vec::new(), Vec::new());
            let (here_slot, there_slot, count) = (&mut here_done, &mut there_done, &mut count);
            let (failed, queue) = (&failed, &queue);
            // Whether the other side ran does not matter: this side takes whatever pieces it
            // left, and a piece lost with a side that panicked leaves the count short.
            fork.both(
                Box::new(move || {
                    cut(count);
                    *here_slot = make_all(url, queue, width, cancel, failed);
                }),
                Box::new(move || *there_slot = make_all(url, queue, width, cancel, failed)),
            );
            here_done.append(&mut there_done);
            here_done.sort_by_key(|(index, _)| *index);
            here_done
        }
    };
    if failed.raised() || cancel.raised() || Some(done.len()) != count {
        return None;
    }
    join(url, done.into_iter().map(|(_, done)| done).collect(), width)
}

/// Cuts a page into pieces at the places a scan tells it, in the page's order, and hands
/// each piece on as soon as its end is known; each piece is told by the one before it
/// what comes before it.
struct Cutter<'h> {
    html: &'h str,
    to_make: Sender<Piece<'h>>,
    /// Where the piece being cut starts, and what it is parsed after.
    start: usize,
    reopen: String,
    index: usize,
    /// How the piece being cut hears what comes before it.
    before: Receiver<Before>,
    /// A place did not cut the page (out of order, or not at a character).
    broken: bool,
}

impl<'h> Cutter<'h> {
    fn new(html: &'h str, to_make: Sender<Piece<'h>>) -> Cutter<'h> {
        let (first_tells, before) = mpsc::channel();
        // Nothing comes before the first piece; the receiver is alive, so this cannot fail.
        let _ = first_tells.send(Before::default());
        Cutter { html, to_make, start: 0, reopen: String::new(), index: 0, before, broken: false }
    }

    fn cut(&mut self, split: &Split) {
        if self.broken {
            return;
        }
        let Some(html) = self.html.get(self.start..split.at) else {
            self.broken = true;
            return;
        };
        let reopen = std::mem::replace(&mut self.reopen, split.reopen.clone());
        self.hand_on(reopen, html);
        self.start = split.at;
    }

    fn hand_on(&mut self, reopen: String, html: &'h str) {
        let (after, next_before) = mpsc::channel();
        let before = std::mem::replace(&mut self.before, next_before);
        // Nobody takes pieces any more only when making them has failed.
        let _ = self.to_make.send(Piece { index: self.index, reopen, html, before, after });
        self.index += 1;
    }

    /// Hand on the last piece when the places `stand`: how many pieces there are. `None`
    /// when they do not, or there was no place (the page is one piece: laid out whole).
    fn finish(mut self, stand: bool) -> Option<usize> {
        if !stand || self.broken || self.index == 0 {
            return None;
        }
        let reopen = std::mem::take(&mut self.reopen);
        self.hand_on(reopen, self.html.get(self.start..)?);
        Some(self.index)
    }
}

/// Make the pieces left in `queue`, taking the next whenever one is made, until none is
/// left or one fails (then `failed` is raised).
fn make_all<'h>(
    url: &Url,
    queue: &Mutex<Receiver<Piece<'h>>>,
    width: u16,
    cancel: &Cancel,
    failed: &Cancel,
) -> Vec<(usize, Done)> {
    let mut done = Vec::new();
    loop {
        if failed.raised() || cancel.raised() {
            break;
        }
        // The lock is held while the next piece is waited for (the other side has nothing
        // to take meanwhile); nothing panics while it is held. No piece and no scan left:
        // the channel is closed.
        let Some(piece) = queue.lock().ok().and_then(|queue| queue.recv().ok()) else { break };
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
    let Parsed { title, base, forms, tree } = parse::parse_after(url, &reopen, html, cancel)?;
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
