//! The Netscape bookmark file format: files written the way Firefox and Chrome export them
//! parse to what they say and survive a round trip (unknown attributes included); escaping
//! is right both ways; a broken file is reported with its line.

use margay::store::bookmarks::{Bookmark, Bookmarks, Folder, Item, Match};
use proptest::prelude::*;

/// As Firefox writes it (Bookmarks → Manage Bookmarks → Export Bookmarks to HTML): the CSP
/// `<meta>` over two lines, "Bookmarks Menu" as the heading, ICON_URI / ICON / TAGS /
/// SHORTCUTURL attributes, folder descriptions, `<HR>` separators, a `place:` query, and the
/// last `</DL>` without `<p>`.
const FIREFOX: &str = r#"<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'self'; script-src 'none'; img-src data: *; object-src 'none'"></meta>
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks Menu</H1>

<DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000100">Mozilla Firefox</H3>
    <DL><p>
        <DT><A HREF="https://support.mozilla.org/products/firefox" ADD_DATE="1700000001" LAST_MODIFIED="1700000002" ICON_URI="https://support.mozilla.org/favicon.ico" ICON="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQ">Get Help</A>
        <DT><A HREF="https://www.mozilla.org/about/" ADD_DATE="1700000003" LAST_MODIFIED="1700000004">About Us</A>
    </DL><p>
    <HR>
    <DT><A HREF="https://example.com/search?q=a&amp;b=c" ADD_DATE="1700000200" LAST_MODIFIED="1700000300" SHORTCUTURL="ex" TAGS="search,example">Search &quot;A&quot; &amp; B</A>
    <DD>A description with &lt;angle&gt; brackets &amp; an &#39;apostrophe&#39;
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000500" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks Toolbar</H3>
    <DD>Add bookmarks to this folder to see them displayed on the Bookmarks Toolbar
    <DL><p>
        <DT><A HREF="https://www.rust-lang.org/" ADD_DATE="1700000400" LAST_MODIFIED="1700000401" ICON_URI="https://www.rust-lang.org/static/images/favicon-32x32.png">Rust Programming Language</A>
        <DT><A HREF="place:sort=8&amp;maxResults=10" ADD_DATE="1700000402" LAST_MODIFIED="1700000403">Recent Tags</A>
    </DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000600" UNFILED_BOOKMARKS_FOLDER="true">Other Bookmarks</H3>
    <DL><p>
        <DT><A HREF="https://xn--caf-dma.example/%C3%BCn%C3%AF" ADD_DATE="1700000601" LAST_MODIFIED="1700000602">Café — ünïcode ✓</A>
        <DT><H3 ADD_DATE="1700000700" LAST_MODIFIED="1700000700">Empty</H3>
        <DL><p>
        </DL><p>
    </DL><p>
</DL>
"#;

/// As Chrome writes it (Bookmark manager → Export bookmarks).
const CHROME: &str = r#"<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000001" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://github.com/" ADD_DATE="1700000002" ICON="data:image/png;base64,AAAA">GitHub</A>
        <DT><H3 ADD_DATE="1700000003" LAST_MODIFIED="1700000004">Docs</H3>
        <DL><p>
            <DT><A HREF="https://doc.rust-lang.org/std/" ADD_DATE="1700000005">std - Rust</A>
        </DL><p>
    </DL><p>
    <DT><H3 ADD_DATE="1700000006" LAST_MODIFIED="1700000007">Other bookmarks</H3>
    <DL><p>
        <DT><A HREF="https://news.ycombinator.com/" ADD_DATE="1700000008">Hacker News</A>
    </DL><p>
</DL><p>
"#;

fn folder<'a>(doc: &'a Bookmarks, path: &[&str]) -> &'a Folder {
    doc.folder(path).unwrap_or_else(|| panic!("folder {path:?}"))
}

fn bookmark<'a>(doc: &'a Bookmarks, url: &str) -> &'a Bookmark {
    doc.find(url, Match::Exact).first().unwrap_or_else(|| panic!("bookmark {url}")).bookmark
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Parse, write, parse again: the same value, and writing it again gives the same bytes.
fn assert_round_trip(doc: &Bookmarks) {
    let html = doc.to_html();
    let again = Bookmarks::parse(&html).unwrap_or_else(|e| panic!("{e}\n{html}"));
    assert_eq!(&again, doc, "{html}");
    assert_eq!(again.to_html(), html);
}

#[test]
fn firefox_export_parses() {
    let doc = Bookmarks::parse(FIREFOX).expect("Firefox's file parses");
    assert_eq!(doc.title, "Bookmarks");
    assert_eq!(doc.root.title, "Bookmarks Menu");
    assert_eq!(doc.len(), 6);

    let help = bookmark(&doc, "https://support.mozilla.org/products/firefox");
    assert_eq!(help.title, "Get Help");
    assert_eq!((help.add_date, help.last_modified), (Some(1700000001), Some(1700000002)));
    assert_eq!(attr(&help.attrs, "ICON_URI"), Some("https://support.mozilla.org/favicon.ico"));
    assert!(attr(&help.attrs, "ICON").is_some_and(|v| v.starts_with("data:image/png;base64,")));

    let search = bookmark(&doc, "https://example.com/search?q=a&b=c");
    assert_eq!(search.title, "Search \"A\" & B");
    assert_eq!(search.description.as_deref(), Some("A description with <angle> brackets & an 'apostrophe'"));
    assert_eq!(attr(&search.attrs, "TAGS"), Some("search,example"));
    assert_eq!(attr(&search.attrs, "SHORTCUTURL"), Some("ex"));

    let toolbar = folder(&doc, &["Bookmarks Toolbar"]);
    assert_eq!(attr(&toolbar.attrs, "PERSONAL_TOOLBAR_FOLDER"), Some("true"));
    assert_eq!(
        toolbar.description.as_deref(),
        Some("Add bookmarks to this folder to see them displayed on the Bookmarks Toolbar")
    );
    assert_eq!(toolbar.items.len(), 2);
    assert_eq!(bookmark(&doc, "place:sort=8&maxResults=10").title, "Recent Tags");
    assert_eq!(bookmark(&doc, "https://xn--caf-dma.example/%C3%BCn%C3%AF").title, "Café — ünïcode ✓");
    assert!(folder(&doc, &["Other Bookmarks", "Empty"]).items.is_empty());
    assert_eq!(doc.root.items[1], Item::Separator);
    let entry = &doc.find("https://www.rust-lang.org", Match::Normalized)[0];
    assert_eq!(entry.folder, vec!["Bookmarks Toolbar".to_string()]);
}

#[test]
fn chrome_export_parses() {
    let doc = Bookmarks::parse(CHROME).expect("Chrome's file parses");
    assert_eq!(doc.root.title, "Bookmarks");
    assert_eq!(doc.len(), 3);
    let std = &doc.find("https://doc.rust-lang.org/std/", Match::Exact)[0];
    assert_eq!(std.folder, vec!["Bookmarks bar".to_string(), "Docs".to_string()]);
    assert_eq!(std.bookmark.add_date, Some(1700000005));
    assert_eq!(
        attr(&bookmark(&doc, "https://github.com/").attrs, "ICON"),
        Some("data:image/png;base64,AAAA")
    );
    let bar = folder(&doc, &["Bookmarks bar"]);
    assert_eq!((bar.add_date, bar.last_modified), (Some(1700000000), Some(1700000001)));
    assert_eq!(attr(&bar.attrs, "PERSONAL_TOOLBAR_FOLDER"), Some("true"));
}

#[test]
fn exports_round_trip() {
    for text in [FIREFOX, CHROME] {
        let doc = Bookmarks::parse(text).expect("parses");
        assert_round_trip(&doc);
        let html = doc.to_html();
        for kept in ["PERSONAL_TOOLBAR_FOLDER=\"true\"", "ICON=\"data:image/png;base64,", "<HR>"] {
            assert_eq!(text.contains(kept), html.contains(kept), "{kept}");
        }
    }
    let html = Bookmarks::parse(FIREFOX).expect("parses").to_html();
    for kept in
        ["TAGS=\"search,example\"", "SHORTCUTURL=\"ex\"", "UNFILED_BOOKMARKS_FOLDER=\"true\"", "ICON_URI="]
    {
        assert!(html.contains(kept), "{kept} kept:\n{html}");
    }
}

#[test]
fn our_file_layout() {
    let mut doc = Bookmarks::default();
    let mut b = Bookmark::new("http://a.example/?x=1&y=\"2\"", "<b>Tom & Jerry's</b>");
    b.add_date = Some(10);
    b.former_url = Some("http://old.example/".into());
    doc.add(&["Folder"], b);
    let html = doc.to_html();
    assert!(html.starts_with("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"), "{html}");
    assert!(html.contains(
        "        <DT><A HREF=\"http://a.example/?x=1&amp;y=&quot;2&quot;\" ADD_DATE=\"10\" \
         FORMER_HREF=\"http://old.example/\">&lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;</A>\n"
    ));
    assert!(html.contains("<DL><p>\n    <DT><H3 ADD_DATE="), "{html}");
    assert_round_trip(&doc);
}

#[test]
fn old_netscape_file_in_latin1() {
    let mut bytes = b"<!DOCTYPE NETSCAPE-Bookmark-file-1>\n\
        <META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=ISO-8859-1\">\n\
        <title>Bookmarks for Ren\xe9</title>\n<h1 LAST_MODIFIED=900000001>Bookmarks for Ren\xe9</h1>\n\n\
        <dl><p>\n    <dt><a href=http://x.example/caf%E9 add_date=900000000 last_visit=900000002>Caf\xe9</a>\n"
        .to_vec();
    bytes.extend_from_slice(b"    <dt><a href='http://y.example/' add_date=\"not a date\">Y</a>\n</dl><p>\n");
    let doc = Bookmarks::parse_bytes(&bytes).expect("parses");
    assert_eq!(doc.title, "Bookmarks for René");
    assert_eq!(doc.root.last_modified, Some(900000001));
    let cafe = bookmark(&doc, "http://x.example/caf%E9");
    assert_eq!((cafe.title.as_str(), cafe.add_date), ("Café", Some(900000000)));
    assert_eq!(cafe.attrs, vec![("last_visit".to_string(), "900000002".to_string())]);
    // A date that is not a number is kept as it was.
    assert_eq!(attr(&bookmark(&doc, "http://y.example/").attrs, "add_date"), Some("not a date"));
    assert_round_trip(&doc);
}

#[test]
fn empty_file_is_an_empty_list() {
    assert_eq!(Bookmarks::parse("").expect("parses"), Bookmarks::default());
    assert_eq!(Bookmarks::parse_bytes(b"\xef\xbb\xbf \n").expect("parses"), Bookmarks::default());
}

#[test]
fn errors_name_the_line() {
    let cases: Vec<(String, usize, &str)> = vec![
        ("<html><body>hello</body></html>".into(), 1, "DOCTYPE"),
        (CHROME.replace("ADD_DATE=\"1700000005\">std", "ADD_DATE=\"1700000005>std"), 14, "closing quote"),
        (CHROME.replace(">GitHub</A>", ">GitHub"), 11, "<A> is never closed"),
        (CHROME.lines().take(14).collect::<Vec<_>>().join("\n"), 13, "never closed (</DL>)"),
        (
            CHROME.replace(
                "    </DL><p>\n    <DT><H3 ADD_DATE=\"1700000006\"",
                "    <DT><H3 ADD_DATE=\"1700000006\"",
            ),
            8,
            "</DL>",
        ),
        (format!("{CHROME}</DL>\n"), 22, "never opened"),
        ("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>x</TITLE>\n".into(), 2, "no bookmark list"),
        ("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<!-- unclosed\n<DL>".into(), 2, "comment"),
    ];
    for (text, line, words) in cases {
        let err = Bookmarks::parse(&text).expect_err(&text);
        assert_eq!(err.line, line, "{err}\n{text}");
        assert!(err.to_string().contains(words), "{err}");
        assert!(err.to_string().starts_with(&format!("line {line}: ")), "{err}");
    }
    let mut bytes = CHROME.as_bytes().to_vec();
    let at = CHROME.find("GitHub").expect("GitHub is there");
    bytes[at] = 0xff;
    let err = Bookmarks::parse_bytes(&bytes).expect_err("not UTF-8");
    assert_eq!(err.line, 11, "{err}");
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,12}",
        "[&<>\"' =/;#a-z]{0,12}",
        any::<String>().prop_map(|s| s.chars().filter(|c| *c != '\0').take(16).collect()),
    ]
}

fn description() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(
        text().prop_map(|s| s.trim().to_string()).prop_filter("not empty", |s| !s.is_empty()),
    )
}

fn attrs() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec(("(ICON|TAGS|ICON_URI|SHORTCUTURL|data-x|PRIVATE)", text()), 0..3)
}

fn bookmark_strategy() -> impl Strategy<Value = Item> {
    let dates = (proptest::option::of(any::<i64>()), proptest::option::of(0i64..4_000_000_000));
    (text(), text(), dates, proptest::option::of(text()), description(), attrs()).prop_map(
        |(url, title, (add_date, last_modified), former_url, description, attrs)| {
            Item::Bookmark(Bookmark { url, title, add_date, last_modified, former_url, description, attrs })
        },
    )
}

fn tree() -> impl Strategy<Value = Vec<Item>> {
    let leaf = prop_oneof![4 => bookmark_strategy(), 1 => Just(Item::Separator)];
    let item = leaf.prop_recursive(3, 24, 5, |inner| {
        (
            text(),
            proptest::option::of(any::<i64>()),
            description(),
            attrs(),
            proptest::collection::vec(inner, 0..5),
        )
            .prop_map(|(title, add_date, description, attrs, items)| {
                Item::Folder(Folder { title, add_date, last_modified: None, description, attrs, items })
            })
    });
    proptest::collection::vec(item, 0..6)
}

proptest! {
    #[test]
    fn any_tree_round_trips(title in text(), heading in text(), items in tree()) {
        let doc = Bookmarks { title, root: Folder { title: heading, items, ..Folder::default() } };
        let html = doc.to_html();
        let again = Bookmarks::parse(&html);
        prop_assert_eq!(again.as_ref(), Ok(&doc), "{}", html);
    }

    #[test]
    fn parsing_never_panics(text in "(<|>|<DL>|</DL>|<DT>|<A HREF=\"|\"|</A>|<H3>|</H3>|<DD>|&amp;|&|x|\n| ){0,40}") {
        let _ = Bookmarks::parse(&format!("<!DOCTYPE NETSCAPE-Bookmark-file-1>{text}"));
    }
}
