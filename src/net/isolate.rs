//! Load threads: where a page is fetched, parsed and laid out, away from the UI. They have
//! a stack deep enough for the deepest page the layout accepts (`document::guard` flattens
//! deeper ones), and a panic there — a bug in the parser or the layout on some page — ends
//! only that load, as a failure the user sees, never the browser or the terminal's state.

use crate::policy::TransportFailure;
use std::panic::{self, AssertUnwindSafe};

/// The name of every load thread (the panic hook recognises them by it).
pub const LOAD_THREAD: &str = "margay-load";
/// The stack of a load thread. Only what is used is ever touched.
const LOAD_STACK: usize = 64 << 20;

fn builder() -> std::thread::Builder {
    std::thread::Builder::new().name(LOAD_THREAD.into()).stack_size(LOAD_STACK)
}

/// Start `work` on a load thread of its own.
/// When no thread can be had (out of memory or threads) the load never answers and the
/// status line says it is loading until Esc; nothing may be printed over the screen.
pub(crate) fn spawn_load_thread(work: impl FnOnce() + Send + 'static) {
    let _ = builder().spawn(work);
}

/// Run `work` on a load thread and wait for it (`--dump`, tests). A panic becomes a failure.
pub fn run_on_load_thread<T: Send>(
    work: impl FnOnce() -> Result<T, TransportFailure> + Send,
) -> Result<T, TransportFailure> {
    std::thread::scope(|scope| match builder().spawn_scoped(scope, || catch_panic(work)) {
        Ok(handle) => handle.join().unwrap_or_else(|_| Err(internal("the load thread stopped"))),
        Err(e) => Err(internal(&format!("cannot start a load: {e}"))),
    })
}

/// Run `work`, turning a panic into a failure that names it.
pub(crate) fn catch_panic<T>(
    work: impl FnOnce() -> Result<T, TransportFailure>,
) -> Result<T, TransportFailure> {
    panic::catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        Err(internal(&crate::sanitize::line(&what)))
    })
}

fn internal(what: &str) -> TransportFailure {
    TransportFailure::Protocol(format!(
        "margay could not read or lay out this answer (an internal error: {what})"
    ))
}

/// Make panics on load threads quiet: they are caught and shown as a failed load, so the
/// terminal must not be restored (the UI goes on) nor the message printed over the screen.
/// Call after the terminal's own hook (ratatui's) is installed.
pub fn quiet_load_thread_panics() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() != Some(LOAD_THREAD) {
            previous(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_on_a_load_thread_is_a_failure() {
        let result: Result<(), _> = run_on_load_thread(|| panic!("boom \x1b]0;x\x07"));
        match result {
            Err(TransportFailure::Protocol(m)) => assert!(m.contains("boom ^[]0;x^G"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            run_on_load_thread(|| Ok(std::thread::current().name().map(String::from))),
            Ok(Some(LOAD_THREAD.into()))
        );
    }
}
