//! The bookmark file parser: no panic; what parses writes back to a file that parses to
//! the same bookmarks — except attributes whose names could break a tag, which the writer
//! drops on purpose — and writing is then a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;
use margay::store::bookmarks::{Bookmarks, Folder, Item};

/// The bookmarks without the attributes the writer drops.
fn writable(folder: &mut Folder) {
    let keep = |name: &str| {
        !(name.is_empty()
            || name.contains(['"', '\'', '<', '>', '=', '/'])
            || name.contains(char::is_whitespace))
    };
    folder.attrs.retain(|(name, _)| keep(name));
    for item in &mut folder.items {
        match item {
            Item::Folder(f) => writable(f),
            Item::Bookmark(b) => b.attrs.retain(|(name, _)| keep(name)),
            Item::Separator => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(mut bookmarks) = Bookmarks::parse_bytes(data) {
        let html = bookmarks.to_html();
        let again = Bookmarks::parse(&html).expect("what margay writes, margay reads");
        writable(&mut bookmarks.root);
        assert_eq!(again, bookmarks, "a round trip changed the bookmarks:\n{html}");
        assert_eq!(again.to_html(), html, "writing is not a fixed point");
    }
});
