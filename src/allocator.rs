//! The process's allocator: mimalloc, asked as its C `malloc` is wherever that gives the
//! alignment a layout needs, and told at start-up how soon to give freed memory back. It
//! must never hand out memory aligned less than a layout asks for.
//!
//! Why not the `mimalloc` crate's `MiMalloc`: it asks `mi_malloc_aligned` for every
//! allocation, whose checks cost about 25 instructions more than `mi_malloc`; a large page
//! makes two million allocations (docs/performance.md). Rust's own `System` allocator draws
//! the same line: plain `malloc` when the alignment is at most `malloc`'s and at most the
//! size, the aligned call otherwise.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment `mi_malloc` gives every block of at least this size (C's `max_align_t`:
/// `MI_MAX_ALIGN_SIZE` in mimalloc's types.h; smaller blocks are aligned to their size
/// rounded down to a power of two, which no layout of that size exceeds).
const MALLOC_ALIGN: usize = 16;

/// Whether `mi_malloc(size)` is aligned enough for `align`.
fn malloc_suffices(align: usize, size: usize) -> bool {
    align <= MALLOC_ALIGN && align <= size
}

pub struct Allocator;

// SAFETY: every call hands mimalloc's own pointers back to mimalloc, and asks the aligned
// functions whenever the plain ones might not give the alignment the layout needs.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if malloc_suffices(layout.align(), layout.size()) {
            mi::mi_malloc(layout.size()).cast()
        } else {
            mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if malloc_suffices(layout.align(), layout.size()) {
            mi::mi_zalloc(layout.size()).cast()
        } else {
            mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi::mi_free(ptr.cast::<c_void>());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if malloc_suffices(layout.align(), new_size) {
            mi::mi_realloc(ptr.cast(), new_size).cast()
        } else {
            mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
        }
    }
}

/// Give freed memory back to the system after 1 ms rather than a second in the browser: a
/// page's DOM is freed while its render tree grows, and a delayed return kept both in memory
/// (peak memory 2x w3m's on the Rust reference instead of 1.43x); at once (0 ms) it costs
/// 10 ms more on the same page in system time. `--dump` and `--source` (`one_pass`) make one
/// page piece by piece and end: memory kept 10 ms is taken again by the next piece instead
/// of being given back and faulted in anew (docs/performance.md).
/// `MIMALLOC_PURGE_DELAY` in the environment still wins (mimalloc reads it itself).
pub fn configure(one_pass: bool) {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    let delay = if one_pass { ONE_PASS_PURGE_DELAY_MS } else { PURGE_DELAY_MS };
    // SAFETY: sets one of mimalloc's documented options; no memory is touched.
    unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, delay) };
}

const PURGE_DELAY_MS: std::ffi::c_long = 1;
const ONE_PASS_PURGE_DELAY_MS: std::ffi::c_long = 10;

/// `mi_option_purge_delay` in mimalloc.h (v2 and v3), which libmimalloc-sys does not name.
const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // Its default in mimalloc v3's options.c (1000 ms) tells it from its neighbours (1, 0).
        // SAFETY: reads an option.
        let default = unsafe { mi::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000);
        for (one_pass, delay) in [(true, ONE_PASS_PURGE_DELAY_MS), (false, PURGE_DELAY_MS)] {
            configure(one_pass);
            // SAFETY: reads an option.
            let set = unsafe { mi::mi_option_get(MI_OPTION_PURGE_DELAY) };
            assert_eq!(set, delay);
        }
    }

    #[test]
    fn every_block_is_aligned_as_its_layout_asks_through_alloc_zeroing_and_growth() {
        let mut blocks = Vec::new();
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 3, 7, 8, 9, 15, 16, 17, 24, 40, 48, 100, 1000, 5000, 70_000] {
                let layout = Layout::from_size_align(size, align).expect("a valid layout");
                // SAFETY: sizes are non-zero; each block is written within its size, then
                // grown and freed once with the layout it has.
                unsafe {
                    for _ in 0..8 {
                        let p = Allocator.alloc(layout);
                        assert!(!p.is_null() && (p as usize).is_multiple_of(align), "alloc {size}/{align}");
                        p.write_bytes(0xa5, size);
                        blocks.push((p, layout));
                        let z = Allocator.alloc_zeroed(layout);
                        assert!(!z.is_null() && (z as usize).is_multiple_of(align), "zeroed {size}/{align}");
                        assert!((0..size).all(|i| *z.add(i) == 0), "zeroed {size}/{align}");
                        blocks.push((z, layout));
                    }
                }
            }
        }
        for (p, layout) in blocks {
            let grown = layout.size() * 3 + layout.align();
            // SAFETY: `p` came from `Allocator` with `layout`, and is freed once.
            unsafe {
                let q = Allocator.realloc(p, layout, grown);
                assert!(!q.is_null() && (q as usize).is_multiple_of(layout.align()), "realloc {layout:?}");
                Allocator.dealloc(q, Layout::from_size_align(grown, layout.align()).expect("valid"));
            }
        }
    }
}
