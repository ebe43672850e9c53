//! How many pieces `margay --dump` makes of each page given (`document::pieces`): one line
//! per file, the count and the path; 1 when the page is laid out whole. For
//! `scripts/check-pieces.sh`, which compares the pieces with the whole page.
//!
//! ```text
//! cargo run --example count-pieces -- FILE.html ...
//! ```
//!
//! The files are read as UTF-8 (lossily): the Rust documentation's pages are.

use margay::document::{guard, piece_bytes, PIECES_FROM};

fn main() -> anyhow::Result<()> {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).map_err(|e| anyhow::anyhow!("cannot read {path}: {e}"))?;
        let page = String::from_utf8_lossy(&bytes);
        let splits = guard::scan_splitting(&page, PIECES_FROM, piece_bytes(page.len())).splits;
        println!("{} {path}", splits.len() + 1);
    }
    Ok(())
}
