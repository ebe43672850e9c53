//! The bookmark file parser: no panic; what parses writes back to a file that parses to
//! the same bookmarks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use margay::store::bookmarks::Bookmarks;

fuzz_target!(|data: &[u8]| {
    if let Ok(bookmarks) = Bookmarks::parse_bytes(data) {
        let html = bookmarks.to_html();
        let again = Bookmarks::parse(&html).expect("what margay writes, margay reads");
        assert_eq!(again, bookmarks, "a round trip changed the bookmarks:\n{html}");
    }
});
