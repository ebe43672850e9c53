//! Freeing large structures off the path a person waits on.
//!
//! Freeing a large page's layout (tens of thousands of lines, each a vector of strings) takes
//! a few milliseconds, as much as printing it: `--dump` of the Rust reference spent 7 ms of
//! its 230 freeing what it had printed (docs/performance.md). [`in_background`] hands such a
//! value to a short-lived thread, so the caller goes on (or the process exits, which cuts
//! the freeing short: the system takes the memory back at once).

/// Values with fewer parts than this are freed where they are: a thread costs more.
pub const WORTH_A_THREAD: usize = 1000;

/// Drop `value` on another thread when `parts` (its number of lines, nodes…) makes that
/// worth it; else drop it here. Should no thread be available, it is dropped here too.
pub fn in_background<T: Send + 'static>(value: T, parts: usize) {
    if parts < WORTH_A_THREAD {
        return;
    }
    let spawned = std::thread::Builder::new().name("margay-free".into()).spawn(move || drop(value));
    // Builder::spawn hands the closure back only by dropping it: the value is freed here.
    drop(spawned);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn small_values_are_dropped_at_once_and_large_ones_on_a_thread() {
        let dropped = Arc::new(AtomicUsize::new(0));
        in_background(Counted(dropped.clone()), 3);
        assert_eq!(dropped.load(Ordering::SeqCst), 1, "dropped before returning");
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let large = (Counted(dropped.clone()), tx);
        in_background(large, WORTH_A_THREAD);
        // The sender goes with the value: the channel closes once the thread has dropped it.
        assert!(rx.recv().is_err());
        assert_eq!(dropped.load(Ordering::SeqCst), 2);
    }
}
