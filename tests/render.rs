//! Golden-string tests for the document layer: HTML and text layout, numbered links,
//! anchors, charsets, and the pages margay writes itself.

use margay::document::{
    decode, directory_listing_html, escape_html, non_text_page_html, Document, Rendered,
    SourceKind, SpanStyle,
};
use url::Url;

fn url(s: &str) -> Url {
    Url::parse(s).expect("test URL")
}

fn page() -> Url {
    url("http://example.com/dir/page.html")
}

fn render_html(html: &str, width: u16) -> Rendered {
    Document::from_html(&page(), html).render(width)
}

fn text(r: &Rendered) -> String {
    r.lines.iter().map(|l| l.text()).collect::<Vec<_>>().join("\n")
}

/// The style of the span on `line` whose text contains `needle`.
fn style_of(r: &Rendered, line: usize, needle: &str) -> SpanStyle {
    r.lines[line]
        .spans
        .iter()
        .find(|s| s.text.contains(needle))
        .unwrap_or_else(|| panic!("no span with {needle:?} on line {line}: {:?}", r.lines[line]))
        .style
}

/// Display width, measured with html2text's unicode-width based measure.
fn width_of(s: &str) -> usize {
    html2text::render::TaggedLine::from_string(s.to_string(), &()).iter().map(|e| e.width()).sum()
}

#[test]
fn links_are_numbered_in_reading_order() {
    let html = r#"<p>See <a href="one.html">the first</a> page, then a
        <a href="two.html">second link whose text is long enough to wrap</a>.</p>
        <table><tr><th>Site</th><th>Note</th></tr>
        <tr><td><a href="/cell">cell link</a></td><td>plain</td></tr></table>
        <p><a href="last.html">last</a></p>"#;
    let r = render_html(html, 30);
    assert_eq!(
        text(&r),
        "\
See [1]the first page, then a
[2]second link whose text is
long enough to wrap.

──────────────┬─────
Site          │Note
──────────────┼─────
[3]cell link  │plain
──────────────┴─────

[4]last"
    );
    let summary: Vec<(&str, &str, usize)> = r
        .links
        .iter()
        .map(|l| (l.href.as_str(), l.target.as_ref().map_or("", |t| t.as_str()), l.line))
        .collect();
    assert_eq!(
        summary,
        [
            ("one.html", "http://example.com/dir/one.html", 0),
            ("two.html", "http://example.com/dir/two.html", 1),
            ("/cell", "http://example.com/cell", 7),
            ("last.html", "http://example.com/dir/last.html", 10),
        ]
    );
    // The marker and both lines of a wrapped link belong to the link.
    assert_eq!(style_of(&r, 0, "[1]").link, Some(0));
    assert_eq!(style_of(&r, 1, "[2]second").link, Some(1));
    assert_eq!(style_of(&r, 2, "long enough").link, Some(1));
    assert_eq!(style_of(&r, 2, "long enough").text_only(), "long enough to wrap");
    assert_eq!(style_of(&r, 7, "[3]cell link").link, Some(2));
    assert_eq!(style_of(&r, 7, "plain").link, None);
}

trait TextOnly {
    fn text_only(&self) -> &'static str;
}
