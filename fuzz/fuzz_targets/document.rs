//! Bytes → document → layout at a few widths → dump text: no panic, no hang, and nothing
//! that could drive a terminal in the laid-out text or the dump.
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

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let content_type = TYPES[usize::from(selector) % TYPES.len()];
    let url = url::Url::parse("http://127.0.0.1/dir/page.html").unwrap();
    let doc = Document::from_bytes(&url, content_type, body);
    assert!(margay::sanitize::is_clean(&doc.title), "title {:?}", doc.title);
    for width in [10, 37, 80] {
        let rendered = doc.render(width);
        for line in &rendered.lines {
            let text = line.text();
            assert!(!text.chars().any(|c| c.is_control()), "control character in {text:?}");
        }
        let dump = margay::dump::format_rendered(&rendered);
        assert!(margay::sanitize::is_clean(&dump), "dump not clean: {dump:?}");
        for link in &rendered.links {
            assert!(link.line <= rendered.lines.len());
        }
    }
});
