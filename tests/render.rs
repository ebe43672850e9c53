//! Golden-string tests for the document layer: HTML and text layout, numbered links,
//! anchors, charsets, and the pages margay writes itself.

use margay::document::{
    decode, directory_listing_html, escape_html, mime_of, non_text_page_html, Document, Rendered, SourceKind,
    Span,
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

/// The span on `line` whose text contains `needle`.
fn span<'a>(r: &'a Rendered, line: usize, needle: &str) -> &'a Span {
    r.lines[line]
        .spans
        .iter()
        .find(|s| s.text.contains(needle))
        .unwrap_or_else(|| panic!("no span with {needle:?} on line {line}: {:?}", r.lines[line]))
}

/// Display width, measured with html2text's (unicode-width based) measure.
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

────────────┬─────
Site        │Note
────────────┼─────
[3]cell link│plain
────────────┴─────

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
    // The [N] marker and every line of a wrapped link carry the link.
    assert_eq!(&*span(&r, 0, "[1]").text, "[1]the first");
    assert_eq!(span(&r, 0, "[1]").style.link_index(), Some(0));
    assert_eq!(span(&r, 1, "[2]").style.link_index(), Some(1));
    assert_eq!(&*span(&r, 2, "long").text, "long enough to wrap");
    assert_eq!(span(&r, 2, "long").style.link_index(), Some(1));
    assert_eq!(&*span(&r, 7, "[3]").text, "[3]cell link");
    assert_eq!(span(&r, 7, "[3]").style.link_index(), Some(2));
    assert_eq!(span(&r, 7, "plain").style.link_index(), None);
}

#[test]
fn link_targets_resolve_against_base_href() {
    let html = r##"<head><base href="https://cdn.example.org/docs/"></head>
        <p><a href="guide.html">guide</a> <a href="../up">up</a> <a href="#frag">here</a></p>"##;
    let doc = Document::from_html(&page(), html);
    assert_eq!(doc.base.as_str(), "https://cdn.example.org/docs/");
    let targets: Vec<String> =
        doc.render(80).links.iter().filter_map(|l| l.target.as_ref().map(|t| t.to_string())).collect();
    assert_eq!(
        targets,
        [
            "https://cdn.example.org/docs/guide.html",
            "https://cdn.example.org/up",
            "https://cdn.example.org/docs/#frag"
        ]
    );
    // Without <base>, the page's own URL is the base.
    assert_eq!(Document::from_html(&page(), "<p>x</p>").base, page());
}

#[test]
fn headings_and_inline_styles() {
    let html = "<h1>Top</h1>
        <p>Some <em>em</em>, <strong>strong</strong>, <code>x = 1</code>, <del>old</del>.</p>
        <h2>Sub heading</h2><p>Body</p>";
    let r = render_html(html, 40);
    assert_eq!(text(&r), "Top\n\nSome em, strong, x = 1, old.\n\nSub heading\n\nBody");
    assert!(span(&r, 0, "Top").style.heading);
    assert!(span(&r, 4, "Sub heading").style.heading);
    assert!(!span(&r, 6, "Body").style.heading);
    let line = &r.lines[2];
    let styled: Vec<(&str, bool, bool, bool, bool)> = line
        .spans
        .iter()
        .map(|s| (&*s.text, s.style.italic, s.style.bold, s.style.code, s.style.strike))
        .collect();
    assert_eq!(
        styled,
        [
            ("Some ", false, false, false, false),
            ("em", true, false, false, false),
            (", ", false, false, false, false),
            ("strong", false, true, false, false),
            (", ", false, false, false, false),
            ("x = 1", false, false, true, false),
            (", ", false, false, false, false),
            ("old", false, false, false, true),
            (".", false, false, false, false),
        ]
    );
}

#[test]
fn heading_inside_a_table_keeps_borders_aligned() {
    let r = render_html("<table><tr><td><h3>Head</h3></td><td>x</td></tr></table>", 40);
    assert_eq!(text(&r), "─────┬─\n Head│x\n─────┴─");
    assert!(span(&r, 1, "Head").style.heading);
    assert!(!span(&r, 1, "x").style.heading);
}

#[test]
fn preformatted_text_is_kept() {
    let r = render_html("<p>Code:</p><pre>\nfn main() {\n\tlet  x = 1;\n}\n</pre>", 60);
    assert_eq!(text(&r), "Code:\n\nfn main() {\n        let  x = 1;\n}");
    assert!(span(&r, 3, "let").style.pre);
}

#[test]
fn lists_and_tables() {
    let html = r#"<ul><li>alpha<ul><li>nested</li></ul></li><li>beta</li></ul>
        <ol start="9"><li>nine</li><li>ten</li></ol>
        <table><tr><th>Name</th><th>Size</th></tr><tr><td>apple</td><td>3</td></tr>
        <tr><td>kiwi fruit</td><td>12</td></tr></table>"#;
    assert_eq!(
        text(&render_html(html, 40)),
        "\
* alpha
  * nested
* beta

9.  nine
10. ten

──────────┬────
Name      │Size
──────────┼────
apple     │3
──────────┼────
kiwi fruit│12
──────────┴────"
    );
}

#[test]
fn blockquote() {
    let r = render_html(
        "<blockquote><p>Quoted words that wrap onto the next line.</p></blockquote><p>After</p>",
        30,
    );
    assert_eq!(text(&r), "> Quoted words that wrap onto\n> the next line.\n\nAfter");
    assert!(span(&r, 0, "Quoted").style.quote);
    assert!(span(&r, 1, "next").style.quote);
    assert!(!span(&r, 3, "After").style.quote);
}

#[test]
fn images_show_alt_text() {
    let html = r#"<p>Photo: <img src="cat.jpg" alt="a cat">, <img src="spacer.gif" alt="">,
        <img src="nameless.png">, <a href="big.jpg"><img src="small.jpg" alt="thumbnail"></a></p>"#;
    let r = render_html(html, 60);
    // An empty alt marks a decorative image: it is not shown.
    assert_eq!(text(&r), "Photo: a cat, , [IMG], [1]thumbnail");
    assert!(span(&r, 0, "a cat").style.image);
    assert!(span(&r, 0, "[IMG]").style.image);
    let thumb = span(&r, 0, "thumbnail").style;
    assert!(thumb.image);
    assert_eq!(thumb.link, Some(0));
    assert_eq!(r.links[0].target.as_ref().map(Url::as_str), Some("http://example.com/dir/big.jpg"));
}

#[test]
fn links_without_text_stay_visible() {
    // html2text alone drops these links; lynx shows them, and so must we.
    let html = r#"<p><a href="/search" aria-label="Search"><svg></svg></a>
        <a href="/home"><img src="logo.png" alt=""></a>
        <a href="/x" title=" Close  menu "></a> <a href="/svg"><svg><title>Feed</title></svg></a></p>"#;
    let r = render_html(html, 60);
    assert_eq!(text(&r), "[1]Search [2][LINK] [3]Close menu [4]Feed");
    assert_eq!(&*span(&r, 0, "Search").text, "[1]Search");
    assert!(!span(&r, 0, "Search").style.image);
    assert_eq!(span(&r, 0, "[2]").style.link_index(), Some(1));
    assert_eq!(r.links.len(), 4);
}

#[test]
fn fragment_anchors_map_to_lines() {
    let html = r#"<p><a name="top">Top</a> of page</p>
        <div id="intro"><p>Intro</p></div>
        <h2 id="install">Install</h2>
        <p>Run it.</p><p>See <span id="inline">here</span>.</p>"#;
    let r = render_html(html, 40);
    assert_eq!(text(&r), "Top of page\n\nIntro\n\nInstall\n\nRun it.\n\nSee here.");
    let mut anchors: Vec<(&str, usize)> = r.anchors.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    anchors.sort();
    assert_eq!(anchors, [("inline", 8), ("install", 4), ("intro", 2), ("top", 0)]);
}

#[test]
fn title_is_extracted() {
    let doc = Document::from_html(&page(), "<title>\n  A   quiet\n\tpage </title><p>x</p>");
    assert_eq!(doc.title, "A quiet page");
    assert_eq!(Document::from_html(&page(), "<p>no title</p>").title, "");
    // Only the HTML title counts, not an SVG one.
    let svg = "<svg><title>Icon</title></svg><title>Real</title>";
    assert_eq!(Document::from_html(&page(), svg).title, "Real");
}

#[test]
fn latin1_from_content_type() {
    let body = b"<title>Caf\xe9</title><p>na\xefve caf\xe9</p>";
    let doc = Document::from_bytes(&page(), Some("text/html; charset=iso-8859-1"), body);
    assert_eq!(doc.charset.as_deref(), Some("windows-1252"));
    assert_eq!(doc.title, "Café");
    assert_eq!(text(&doc.render(40)), "naïve café");
}

#[test]
fn shift_jis_from_meta() {
    let source = "<html><head><meta charset=\"Shift_JIS\"><title>日本語</title></head><p>こんにちは世界</p>";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(source);
    assert!(!unmappable);
    let doc = Document::from_bytes(&page(), Some("text/html"), &bytes);
    assert_eq!(doc.charset.as_deref(), Some("Shift_JIS"));
    assert_eq!(doc.title, "日本語");
    assert_eq!(text(&doc.render(40)), "こんにちは世界");
    // The same through http-equiv.
    let equiv = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=shift_jis\"><p>世界</p>";
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(equiv);
    assert_eq!(decode(&bytes, None, true).text, equiv);
}

#[test]
fn charset_precedence() {
    // A BOM beats the header; the header beats <meta>.
    let with_bom = b"\xEF\xBB\xBF<p>\xC3\xA9</p>";
    let d = decode(with_bom, Some("text/html; charset=windows-1252"), true);
    assert_eq!((&*d.text, d.encoding), ("<p>é</p>", "UTF-8"));
    let d = decode(b"<meta charset=koi8-r>\xe9", Some("text/html; charset=latin1"), true);
    assert_eq!(d.encoding, "windows-1252");
    // Undeclared: UTF-8 when valid, else windows-1252; <meta> is not read for text.
    assert_eq!(decode("€".as_bytes(), None, false).encoding, "UTF-8");
    assert_eq!(decode(b"\x80", None, false).text, "€");
    assert_eq!(decode(b"<meta charset=koi8-r>", None, false).encoding, "UTF-8");
    // Bytes invalid in the declared encoding become U+FFFD.
    assert_eq!(decode(b"a\xffb", Some("text/plain; charset=utf-8"), false).text, "a\u{FFFD}b");
}

#[test]
fn utf8_bom_is_removed() {
    let doc = Document::from_bytes(&page(), Some("text/html"), b"\xEF\xBB\xBF<p>caf\xC3\xA9</p>");
    assert_eq!(doc.charset.as_deref(), Some("UTF-8"));
    assert_eq!(text(&doc.render(40)), "café");
}

#[test]
fn plain_text_expands_tabs_and_wraps() {
    let body = "name\tvalue\n\tindented\x07 bell\r\nabcdefghijklmnopqrstuvwxyz\n日本語日本語\n";
    let doc = Document::from_bytes(&url("file:///tmp/notes.txt"), None, body.as_bytes());
    assert_eq!(doc.kind, SourceKind::Text);
    assert_eq!(doc.title, "notes.txt");
    let r = doc.render(10);
    assert_eq!(
        text(&r),
        "\
name    va
lue
        in
dented bel
l
abcdefghij
klmnopqrst
uvwxyz
日本語日本
語"
    );
    assert!(r.links.is_empty());
    assert!(r.lines.iter().all(|l| width_of(&l.text()) <= 10));
}

#[test]
fn control_characters_never_reach_the_screen() {
    let r = render_html("<p>bell&#7; esc&#27;[31m del&#127; c1&#x9b;x</p><pre>a\tb\x0bc</pre>", 40);
    let all = text(&r);
    assert!(!all.chars().any(|c| c.is_control() && c != '\n'), "{all:?}");
    // &#x9b; is not C1: HTML maps it to windows-1252's character, as browsers do.
    assert_eq!(all, "bell esc[31m del c1›x\n\na       bc");
}

#[test]
fn directory_listing() {
    let entries = vec![
        ("zeta.txt".to_string(), false, 1536),
        ("a dir".to_string(), true, 4096),
        ("<b>&x?.html".to_string(), false, 12),
        ("Beta".to_string(), true, 0),
    ];
    let html = directory_listing_html(&url("file:///home/me/"), &entries);
    assert!(html.contains(r#"<a href="%3Cb%3E%26x%3F.html">&lt;b&gt;&amp;x?.html</a>"#), "{html}");
    let doc = Document::from_html(&url("file:///home/me/"), &html);
    assert_eq!(doc.title, "Index of /home/me/");
    let r = doc.render(60);
    assert_eq!(
        text(&r),
        "\
Index of /home/me/

* [1]../ (parent directory)
* [2]a dir/
* [3]Beta/
* [4]<b>&x?.html 12 bytes
* [5]zeta.txt 1.5 KiB"
    );
    let targets: Vec<&str> = r.links.iter().filter_map(|l| l.target.as_ref().map(Url::as_str)).collect();
    assert_eq!(
        targets,
        [
            "file:///home/",
            "file:///home/me/a%20dir/",
            "file:///home/me/Beta/",
            "file:///home/me/%3Cb%3E%26x%3F.html",
            "file:///home/me/zeta.txt"
        ]
    );
    // A directory URL without its trailing slash still lists links inside it; the root has
    // no parent link.
    let r =
        Document::from_html(&url("file:///srv"), &directory_listing_html(&url("file:///srv"), &entries[..1]))
            .render(60);
    assert_eq!(r.links[1].target.as_ref().map(Url::as_str), Some("file:///srv/zeta.txt"));
    let root =
        Document::from_html(&url("file:///"), &directory_listing_html(&url("file:///"), &[])).render(60);
    assert_eq!(text(&root), "Index of /");
    assert!(root.links.is_empty());
}

#[test]
fn non_text_page() {
    let u = url("https://example.com/files/photo.png");
    let html = non_text_page_html(&u, "image/png", 2_500_000);
    let doc = Document::from_html(&u, &html);
    assert_eq!(doc.title, "photo.png (image/png)");
    assert_eq!(
        text(&doc.render(80)),
        "\
photo.png (image/png)

This is a PNG image (image/png, 2.4 MiB, 2500000 bytes), which margay does not
display.

* Press p to save it to a file.
* Press o to open it with your viewer (the program your mailcap file names for
  image/png, else xdg-open).

From a script: margay --source https://example.com/files/photo.png > photo.png

Address: https://example.com/files/photo.png"
    );
    // Bodies that are not text become this page, never their raw bytes.
    let doc = Document::from_bytes(&u, Some("image/png"), b"\x89PNG\r\n\x1a\n\0\0<script>");
    assert_eq!(doc.kind, SourceKind::Other { mime: "image/png".into() });
    assert!(text(&doc.render(80)).contains("18 bytes"));
    assert!(!text(&doc.render(80)).contains("<script>"), "the raw bytes are never shown");
    assert_eq!(
        escape_html(r#"<a href="x">'&'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
}

#[test]
fn sniffing_without_content_type() {
    let f = |path: &str, body: &[u8]| mime_of(None, &url(&format!("file:///x/{path}")), body);
    assert_eq!(f("a.HTM", b"plain"), "text/html");
    assert_eq!(f("Cargo.toml", b"[package]"), "text/plain");
    assert_eq!(f("a.pdf", b""), "application/pdf");
    assert_eq!(f("README", b"\xEF\xBB\xBF  \n<!DOCTYPE HTML><p>"), "text/html");
    assert_eq!(f("index", b"<HTML><body>"), "text/html");
    assert_eq!(f("blob", b"ELF\0\x01\x02"), "application/octet-stream");
    assert_eq!(f("notes", "héllo wörld".as_bytes()), "text/plain");
    assert_eq!(f("empty", b""), "text/plain");
    assert_eq!(mime_of(Some("Text/HTML; charset=utf-8"), &page(), b""), "text/html");
}

const SAMPLE: &str = r#"<html><head><title>Sample</title></head><body>
<h1>A heading long enough to need wrapping at narrow widths</h1>
<p>Paragraph with <a href="/a">a link</a>, <em>emphasis</em> and a verylongwordthatcannotbreak
and some 日本語のテキスト mixed in, plus an image <img src="i.png" alt="alt text">.</p>
<ul><li>item one with <a href="/b">another link</a></li><li>item two</li></ul>
<ol><li>first</li><li>second</li></ol>
<blockquote>quoted material that wraps</blockquote>
<table><tr><th>Key</th><th>Value</th></tr><tr><td>alpha</td><td><a href="/c">gamma delta</a></td></tr></table>
<pre>pre line	with tab and a long tail that must wrap somewhere</pre>
</body></html>"#;

#[test]
fn never_wider_than_the_width() {
    let doc = Document::from_html(&page(), SAMPLE);
    for width in 10..=120u16 {
        let r = doc.render(width);
        assert_eq!(r.links.len(), 3, "width {width}");
        for (i, line) in r.lines.iter().enumerate() {
            let t = line.text();
            assert!(width_of(&t) <= usize::from(width), "width {width}, line {i}: {t:?}");
        }
        for link in &r.links {
            assert!(r.lines[link.line].spans.iter().any(|s| s.style.link_index().is_some()));
        }
    }
}

#[test]
fn degenerate_input_does_not_panic() {
    let doc = Document::from_html(&page(), SAMPLE);
    for width in [0, 1, 2, 5] {
        let r = doc.render(width);
        assert!(!r.lines.is_empty());
        assert!(r.width >= 1);
    }
    for body in
        ["", " ", "<!-- only a comment -->", "<html>", "<table><tr><td></td></tr></table>", "<a name=x></a>"]
    {
        let doc = Document::from_html(&page(), body);
        assert_eq!(doc.title, "");
        for width in [0, 1, 80] {
            let r = doc.render(width);
            assert!(text(&r).trim().is_empty(), "{body:?} at {width}: {:?}", text(&r));
        }
    }
    assert!(text(&Document::from_bytes(&page(), None, b"").render(0)).trim().is_empty());
    let text_doc = Document::from_text(&page(), "\u{1b}[2J\tx".into());
    assert_eq!(text(&text_doc.render(1)), "[2J     x");
}

// Rendering that reads like the page: one golden test for each kind of fault the comparison
// with lynx, w3m and elinks found (and `scripts/count_rendering.rs` counts).

#[test]
fn table_columns_keep_whole_words() {
    let html = "<table><tr><th>Module</th><th>Description</th></tr>
        <tr><td>multiprocessing</td><td>Process-based parallelism, with an interface like the one of threading</td></tr>
        <tr><td>v19.0.0</td><td>A version</td></tr></table>";
    // The widest column gives way; no word is cut.
    assert_eq!(
        text(&render_html(html, 40)),
        "\
───────────────┬────────────────────────
Module         │Description
───────────────┼────────────────────────
multiprocessing│Process-based
               │parallelism, with an
               │interface like the one
               │of threading
───────────────┼────────────────────────
v19.0.0        │A version
───────────────┴────────────────────────"
    );
    // Too narrow for the words: they are cut, and each cut is marked.
    assert_eq!(
        text(&render_html(html, 20)),
        "\
──────────┬─────────
Module    │Descripti
          │↪on
──────────┼─────────
multiproce│Process-b
↪ssing    │↪ased
          │paralleli
          │↪sm, with
          │an
          │interface
          │like the
          │one of
          │threading
──────────┼─────────
v19.0.0   │A version
──────────┴─────────"
    );
}

#[test]
fn table_cells_with_code_and_links_fit_on_a_line() {
    let html = r#"<table><tr><td>Run <code>cargo build</code> then <em>cargo run</em>, see <a href="a">the guide</a>.</td><td>x</td></tr></table>"#;
    let r = render_html(html, 60);
    assert_eq!(
        text(&r),
        "\
─────────────────────────────────────────────────┬─
Run cargo build then cargo run, see [1]the guide.│x
─────────────────────────────────────────────────┴─"
    );
    assert!(span(&r, 1, "cargo build").style.code);
    assert_eq!(span(&r, 1, "[1]").style.link_index(), Some(0));
}

#[test]
fn long_code_lines_keep_their_indent() {
    let html = "<pre>pub trait Iterator {
    fn try_fold&lt;B, F, R&gt;(&amp;mut self, init: B, f: F) -&gt; R where F: FnMut(B, Self::Item) -&gt; R;
}</pre>";
    let r = render_html(html, 40);
    assert_eq!(
        text(&r),
        "\
pub trait Iterator {
    fn try_fold<B, F, R>(&mut self,
    ↪init: B, f: F) -> R where F:
    ↪FnMut(B, Self::Item) -> R;
}"
    );
    assert!(span(&r, 2, "↪").style.pre);
}

#[test]
fn structure_is_shown() {
    let html = r#"<h1>Title</h1><p>Text H<sub>2</sub>O, x<sup>2</sup>, <q>quoted</q>, soft&shy;ware.</p>
        <ol type="i" start="3"><li>three<li value="9">nine</ol><ol reversed><li>b<li>a</ol>
        <menu><li>m</menu>
        <hr>
        <figure><img src="c.png" alt="A cat"><figcaption>Figure 1</figcaption></figure>
        <table><caption>Sizes</caption><tr><td>a</td><td>1</td></tr></table>
        <h2>Sub</h2>"#;
    let r = render_html(html, 30);
    assert_eq!(
        text(&r),
        "\
Title

Text H₂O, x², “quoted”,
software.

iii. three
ix.  nine

2. b
1. a

* m

──────────────────────────────

A cat
Figure 1

Sizes
─┬─
a│1
─┴─

Sub"
    );
    assert_eq!((span(&r, 0, "Title").style.heading_level, span(&r, 23, "Sub").style.heading_level), (1, 2));
    // A dump has no bold: its headings are underlined, doubly for the first level.
    let dump = margay::document::format_rendered(&r);
    assert!(dump.starts_with("Title\n═════\n\nText"), "{dump}");
    assert!(dump.ends_with("\nSub\n───\n"), "{dump}");
}

#[test]
fn frames_and_image_maps_are_numbered_links() {
    let html = r##"<p>Contents:</p><iframe src="toc.html" title="Table of contents"></iframe>
        <p><img src="m.png" alt="Map" usemap="#m"></p><map name="m"><area href="/north" alt="North"><area href="south.html"></map>"##;
    let r = render_html(html, 40);
    assert_eq!(text(&r), "Contents:\n\nIFRAME: [1]Table of contents\n\nMap\n\n[2]North [3]south.html");
    let targets: Vec<&str> = r.links.iter().filter_map(|l| l.target.as_ref().map(Url::as_str)).collect();
    assert_eq!(
        targets,
        ["http://example.com/dir/toc.html", "http://example.com/north", "http://example.com/dir/south.html"]
    );
    assert_eq!(r.links.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 6, 6]);
}

#[test]
fn chinese_and_japanese_wrap_between_characters() {
    let html = "<p>日本語の文章は空白なしで続きます。改行が\nあっても空白にはなりません。</p>";
    // Not before 。 at the start of a line; the source's line break makes no space.
    assert_eq!(
        text(&render_html(html, 32)),
        "日本語の文章は空白なしで続きま\nす。改行があっても空白にはなりま\nせん。"
    );
    assert_eq!(
        text(&render_html(html, 36)),
        "日本語の文章は空白なしで続きます。改\n行があっても空白にはなりません。"
    );
}

#[test]
fn width_is_measured_in_terminal_columns() {
    // A lam-alef is two characters, two columns in a terminal.
    let html = "<p>مرحبا لا لا لا لا لا لا لا لا لا لا لا لا لا لا لا لا لا</p>";
    let r = render_html(html, 20);
    assert_eq!(text(&r), "مرحبا لا لا لا لا لا\nلا لا لا لا لا لا لا\nلا لا لا لا لا");
    assert!(r.lines.iter().all(|l| margay::document::columns(&l.text()) <= 20));
    assert_eq!(margay::document::columns("لا"), 2);
}

#[test]
fn what_the_page_hides_stays_hidden() {
    let html = r#"<style>.note { display: none } nav a { display: none } .red { color: #ff0000 }</style>
        <p>Shown <span hidden>hidden</span><span style="display:none">inline none</span><span class="note">sheet none</span>end.</p>
        <nav><a href="/x">nav link</a> nav text</nav><p class="red">Red</p>"#;
    let r = render_html(html, 40);
    assert_eq!(text(&r), "Shown end.\n\nnav text\n\nRed");
    assert!(r.links.is_empty());
    // The page's colours are kept with the text (drawn only when asked for: `page_colours`).
    assert_eq!(span(&r, 4, "Red").style.fg, Some([255, 0, 0]));
    assert_eq!(span(&r, 0, "Shown").style.fg, None);
}
