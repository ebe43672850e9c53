//! Bytes → document → layout at a few widths → dump text: no panic, no hang, and nothing
//! that could drive a terminal in the laid-out text or the dump.
//!
//! Input: a byte choosing the content type, the body, and a last byte choosing how many
//! times the body is repeated (up to just past the guard's byte limit). Repeated, a few
//! bytes reach every limit of the guard: depth, nodes, layout work and size.
#![no_main]

use libfuzzer_sys::fuzz_target;
use margay::document::Document;

const TYPES: &[Option<&str>] = &[
    Some("text/html"),
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=windows-1252"),
    Some("text/html; charset=shift_jis"),
    Some("text/html; charset=utf-16le"),
    Some("application/xhtml+xml"),
    Some("text/plain"),
    Some("text/plain; charset=iso-2022-jp"),
    Some("image/png"),
    None,
];

/// Just past the guard's byte limit, so that the cut at the limit is reached too.
const MAX_BODY: usize = margay::document::guard::MAX_BYTES + 4096;

fuzz_target!(|data: &[u8]| {
    let [selector, body @ .., repeat] = data else { return };
    let content_type = TYPES[usize::from(*selector) % TYPES.len()];
    // Most inputs once; one in eight 2^k times (k up to 31), up to just past 8 MB: a few
    // bytes then reach the limits on depth, nodes and layout work, and the cut at 8 MB.
    // Not more often: a page of megabytes takes seconds in an instrumented build.
    let times = if repeat & 7 == 0 { 1usize << (repeat >> 3) } else { 1 };
    let repeated;
    let body = if times > 1 && !body.is_empty() {
        repeated = body.repeat(times.min(MAX_BODY / body.len()).max(1));
        &repeated[..]
    } else {
        body
    };
    let url = url::Url::parse("http://127.0.0.1/dir/page.html").unwrap();
    let doc = Document::from_bytes(&url, content_type, body);
    assert!(margay::sanitize::is_clean(&doc.title), "title {:?}", doc.title);
    for width in [10, 37, 80] {
        let rendered = doc.render(width);
        for line in &rendered.lines {
            let text = line.text();
            assert!(!text.chars().any(|c| c.is_control()), "control character in {text:?}");
        }
        let dump = margay::document::format_rendered(&rendered);
        assert!(margay::sanitize::is_clean(&dump), "dump not clean: {dump:?}");
        for link in &rendered.links {
            assert!(link.line <= rendered.lines.len());
        }
    }
});
