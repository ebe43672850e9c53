//! The one owner of margay's threads. Every thread margay starts — a page's load (fetch,
//! parse, lay out), a layout for a new width, every other piece of a large page laid out
//! once (`--dump`), a reader view, a download, the bookmark checker's workers, freeing a large
//! value, the terminal's input, the clock tick, the signal watcher — is started here, named
//! `margay-KIND`, and (for work) has its panics caught: a panic ends that job as a failure
//! the user sees, never the browser or the terminal's state.
//!
//! How much runs at once is decided once, at start-up ([`init`]): one thread of document work
//! per processor, or one in all with `MARGAY_ONE_THREAD=1`.
//!
//! This module must never decide what a job does; it only runs jobs.

use crate::document::{Cancel, DocId, Document, Fork, Making, Rendered};
use std::collections::{HashMap, VecDeque};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Every thread's name starts with this.
pub const PREFIX: &str = "margay-";

/// The stack of threads that parse and lay out pages: deep enough for the deepest page the
/// layout accepts (`document::guard` flattens deeper ones). Only what is used is touched.
pub const DOCUMENT_STACK: usize = 64 << 20;

/// The kinds of thread, with what they need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Fetch a page, parse it, lay it out.
    Load,
    /// Lay a page out again (a new width, or back to a page whose layout was let go).
    Layout,
    /// Find a page's article and lay it out (the reader view).
    Reader,
    /// Parse and lay out every other piece of a page while its load thread does the others.
    Pieces,
    /// Stream a body to a file.
    Download,
    /// Check bookmarks.
    Check,
    /// Free a large value off the thread that used it.
    Free,
    /// Read the terminal's keys, mouse and size.
    Input,
    /// The clock: one tick a second.
    Tick,
    /// Wait for signals.
    Signals,
    /// Wait for another program (a viewer started on its own).
    Wait,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Load => "margay-load",
            Kind::Layout => "margay-layout",
            Kind::Reader => "margay-reader",
            Kind::Pieces => "margay-pieces",
            Kind::Download => "margay-download",
            Kind::Check => "margay-check",
            Kind::Free => "margay-free",
            Kind::Input => "margay-input",
            Kind::Tick => "margay-tick",
            Kind::Signals => "margay-signals",
            Kind::Wait => "margay-wait",
        }
    }

    fn stack(self) -> Option<usize> {
        matches!(self, Kind::Load | Kind::Layout | Kind::Pieces | Kind::Reader).then_some(DOCUMENT_STACK)
    }

    /// Work whose panic is caught and reported; the others are the browser's own machinery.
    fn is_work(self) -> bool {
        !matches!(self, Kind::Input | Kind::Tick | Kind::Signals)
    }
}

/// How many threads of document work run at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parallelism(pub usize);

static PARALLELISM: OnceLock<Parallelism> = OnceLock::new();

/// Decide, once, how much runs at once: `MARGAY_ONE_THREAD=1` (any value) makes it one.
pub fn init() -> Parallelism {
    *PARALLELISM.get_or_init(|| {
        let processors = std::thread::available_parallelism().map_or(1, |n| n.get());
        let one = std::env::var_os("MARGAY_ONE_THREAD").is_some_and(|v| !v.is_empty());
        Parallelism(if one { 1 } else { processors })
    })
}

/// The parallelism decided by [`init`] (deciding it now if nobody did).
pub fn parallelism() -> Parallelism {
    init()
}

/// A job that did not finish: it panicked (the message, made safe to show).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an internal error: {0}")]
pub struct Panicked(pub String);

fn builder(kind: Kind) -> std::thread::Builder {
    let builder = std::thread::Builder::new().name(kind.name().into());
    match kind.stack() {
        Some(stack) => builder.stack_size(stack),
        None => builder,
    }
}

/// Run `work` on a thread of its own; a panic there becomes `Err` for `done`. `false` when no
/// thread could be had (out of memory or threads): then nothing runs.
pub fn spawn<T: Send + 'static>(
    kind: Kind,
    work: impl FnOnce() -> T + Send + 'static,
    done: impl FnOnce(Result<T, Panicked>) + Send + 'static,
) -> bool {
    builder(kind).spawn(move || done(catch(work))).is_ok()
}

/// Run machinery (the input reader, the clock, the signal watcher) on a thread of its own.
pub fn spawn_service(kind: Kind, work: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    builder(kind).spawn(work).map(|_| ())
}

/// Run `work` on a thread of `kind` and wait for it (`--dump`: its stack, and a panic is a
/// failure).
pub fn run<T: Send>(kind: Kind, work: impl FnOnce() -> T + Send) -> Result<T, Panicked> {
    std::thread::scope(|scope| match builder(kind).spawn_scoped(scope, || catch(work)) {
        Ok(handle) => handle.join().unwrap_or_else(|_| Err(Panicked("the thread stopped".into()))),
        Err(e) => Err(Panicked(format!("no thread could be started ({e})"))),
    })
}

/// Run `count` workers of `kind` at once, each given its number, and wait for all.
pub fn workers<T: Send>(
    kind: Kind,
    count: usize,
    work: impl Fn(usize) -> T + Sync,
) -> Vec<Result<T, Panicked>> {
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> =
            (0..count).map(|i| builder(kind).spawn_scoped(scope, move || catch(|| work(i)))).collect();
        handles
            .into_iter()
            .map(|h| match h {
                Ok(h) => h.join().unwrap_or_else(|_| Err(Panicked("the thread stopped".into()))),
                Err(e) => Err(Panicked(format!("no thread could be started ({e})"))),
            })
            .collect()
    })
}

/// Named threads that may borrow from the caller's stack, all joined before `f` returns
/// (the bookmark checker's workers).
pub fn scope<'env, T>(f: impl for<'scope> FnOnce(&Spawner<'scope, 'env>) -> T) -> T {
    std::thread::scope(|scope| f(&Spawner(scope)))
}

/// Starts threads of a [`scope`].
pub struct Spawner<'scope, 'env>(&'scope std::thread::Scope<'scope, 'env>);

impl<'scope> Spawner<'scope, '_> {
    /// Start `work` on a thread of `kind`; `None` when no thread could be had.
    pub fn spawn<T: Send + 'scope>(
        &self,
        kind: Kind,
        work: impl FnOnce() -> T + Send + 'scope,
    ) -> Option<std::thread::ScopedJoinHandle<'scope, Result<T, Panicked>>> {
        builder(kind).spawn_scoped(self.0, move || catch(work)).ok()
    }
}

/// Two pieces of document work at once: the second on a [`Kind::Pieces`] thread.
struct TwoThreads;

impl Fork for TwoThreads {
    fn both<'a>(&self, here: Box<dyn FnOnce() + 'a>, there: Box<dyn FnOnce() + Send + 'a>) {
        std::thread::scope(|scope| match builder(Kind::Pieces).spawn_scoped(scope, move || catch(there)) {
            Ok(handle) => {
                here();
                // A panic was caught on the thread; what it did not finish is missing.
                let _ = handle.join();
            }
            // The closure given to the builder, and `there` in it, are dropped by now.
            Err(_) => here(),
        })
    }
}

/// What runs two pieces of document work at once, unless the parallelism is one
/// (`MARGAY_ONE_THREAD=1`, or one processor).
pub fn fork() -> Option<&'static dyn Fork> {
    static TWO: TwoThreads = TwoThreads;
    (parallelism().0 > 1).then_some(&TWO as &'static dyn Fork)
}

/// How a page laid out once (`--dump`) is made: in pieces, on two threads unless the
/// parallelism is one; whole with `MARGAY_WHOLE_PAGE=1` (any value), which
/// `scripts/check-pieces.sh` compares the pieces with.
pub fn making_once() -> Making<'static> {
    if std::env::var_os("MARGAY_WHOLE_PAGE").is_some_and(|v| !v.is_empty()) {
        Making::Whole
    } else {
        Making::InPieces(fork())
    }
}

/// Values with fewer parts than this are freed where they are: a thread costs more.
pub const WORTH_A_THREAD: usize = 1000;

/// Free a large value (a printed page's layout: tens of thousands of lines) on a thread of
/// its own, so the caller goes on — or exits, which cuts the freeing short. `parts` says how
/// large it is; a small value, or one no thread can be had for, is dropped here.
pub fn free_in_background<T: Send + 'static>(value: T, parts: usize) {
    if parts < WORTH_A_THREAD {
        return;
    }
    // Builder::spawn hands the closure back only by dropping it: the value is freed here then.
    let _ = builder(Kind::Free).spawn(move || drop(value));
}

/// Layouts for new widths: at most one per document (a newer one stops the older at its next
/// step) and at most [`parallelism`] at once (the others wait their turn). `done` is told each
/// request's result exactly once (`None`: stopped, superseded, or failed).
pub struct Layouts {
    running: Arc<AtomicUsize>,
    latest: HashMap<DocId, Cancel>,
    waiting: VecDeque<(Arc<Document>, u16, Cancel)>,
    done: LayoutDone,
}

type LayoutDone = Arc<dyn Fn(DocId, u16, Option<Rendered>) + Send + Sync>;

impl Layouts {
    pub fn new(done: impl Fn(DocId, u16, Option<Rendered>) + Send + Sync + 'static) -> Layouts {
        Layouts {
            running: Arc::default(),
            latest: HashMap::new(),
            waiting: VecDeque::new(),
            done: Arc::new(done),
        }
    }

    /// Lay `doc` out for `width`, superseding a layout of it not yet done.
    pub fn request(&mut self, doc: Arc<Document>, width: u16) {
        let cancel = Cancel::new();
        if let Some(older) = self.latest.insert(doc.id, cancel.clone()) {
            older.raise();
        }
        // One still waiting its turn is answered now: superseded.
        while let Some(at) = self.waiting.iter().position(|(waiting, _, _)| waiting.id == doc.id) {
            if let Some((old, old_width, _)) = self.waiting.remove(at) {
                (self.done)(old.id, old_width, None);
            }
        }
        self.waiting.push_back((doc, width, cancel));
        self.pump();
    }

    /// Start what waits, as far as the parallelism allows (called again when one ends).
    pub fn pump(&mut self) {
        while self.running.load(Ordering::SeqCst) < parallelism().0 {
            let Some((doc, width, cancel)) = self.waiting.pop_front() else { return };
            let (running, done, id) = (self.running.clone(), self.done.clone(), doc.id);
            running.fetch_add(1, Ordering::SeqCst);
            let started = spawn(
                Kind::Layout,
                move || doc.layout(width, &cancel),
                move |rendered| {
                    running.fetch_sub(1, Ordering::SeqCst);
                    done(id, width, rendered.ok().flatten());
                },
            );
            if !started {
                self.running.fetch_sub(1, Ordering::SeqCst);
                (self.done)(id, width, None);
            }
        }
    }

    /// A layout was answered: what waits may start. (The flags of layouts that ended stay
    /// in `latest` until their document's next layout: a few bytes a document.)
    pub fn answered(&mut self) {
        self.pump();
    }
}

/// Run `work`, turning a panic into [`Panicked`].
pub fn catch<T>(work: impl FnOnce() -> T) -> Result<T, Panicked> {
    panic::catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        Panicked(crate::sanitize::line(&what).into_owned())
    })
}

/// Make panics on work threads quiet: they are caught and shown as a failed job, so the
/// terminal must not be restored (the browser goes on) nor the message printed over the
/// screen. Call after the terminal's own hook (ratatui's) is installed.
pub fn quiet_worker_panics() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let on_work = std::thread::current().name().is_some_and(|name| {
            [
                Kind::Load,
                Kind::Layout,
                Kind::Pieces,
                Kind::Reader,
                Kind::Download,
                Kind::Check,
                Kind::Free,
                Kind::Wait,
            ]
            .iter()
            .any(|k| k.is_work() && k.name() == name)
        });
        if !on_work {
            previous(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_on_a_job_is_a_failure_that_names_it() {
        let result: Result<(), _> = run(Kind::Load, || panic!("boom \x1b]0;x\x07"));
        assert_eq!(result, Err(Panicked("boom ^[]0;x^G".into())));
        assert_eq!(
            run(Kind::Layout, || std::thread::current().name().map(String::from)),
            Ok(Some("margay-layout".into()))
        );
        let (tx, rx) = std::sync::mpsc::channel();
        assert!(spawn(Kind::Free, || panic!("late"), move |r: Result<(), Panicked>| tx.send(r).unwrap()));
        assert_eq!(rx.recv().unwrap(), Err(Panicked("late".into())));
        let all = workers(Kind::Check, 3, |i| if i == 1 { panic!("one") } else { i });
        assert_eq!(all, vec![Ok(0), Err(Panicked("one".into())), Ok(2)]);
    }

    #[test]
    fn a_newer_layout_of_a_document_supersedes_the_older() {
        let url = url::Url::parse("http://example.com/").unwrap();
        let page = "<p>words</p>".repeat(20_000);
        let doc = Arc::new(Document::from_html(&url, &page));
        let (tx, rx) = std::sync::mpsc::channel();
        let mut layouts = Layouts::new(move |_, width, rendered: Option<Rendered>| {
            let _ = tx.send((width, rendered.is_some()));
        });
        for width in [40, 50, 60, 70, 80] {
            layouts.request(doc.clone(), width);
        }
        // Every request is answered, once.
        let mut answers = Vec::new();
        while answers.len() < 5 {
            let answer = rx.recv_timeout(std::time::Duration::from_secs(30)).expect("an answer");
            layouts.answered();
            answers.push(answer);
        }
        assert!(answers.contains(&(80, true)), "the newest is laid out: {answers:?}");
        let laid_out = answers.iter().filter(|(_, laid)| *laid).count();
        assert!(laid_out <= 1 + parallelism().0, "the others were stopped or never started: {answers:?}");
    }

    #[test]
    fn small_values_are_dropped_at_once_and_large_ones_on_a_thread() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        struct Counted(Arc<AtomicUsize>);
        impl Drop for Counted {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicUsize::new(0));
        free_in_background(Counted(dropped.clone()), 3);
        assert_eq!(dropped.load(Ordering::SeqCst), 1, "dropped before returning");
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        free_in_background((Counted(dropped.clone()), tx), WORTH_A_THREAD);
        // The sender goes with the value: the channel closes once the thread has dropped it.
        assert!(rx.recv().is_err());
        assert_eq!(dropped.load(Ordering::SeqCst), 2);
    }
}
