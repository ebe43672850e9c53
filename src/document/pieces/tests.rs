//! Pages made in pieces against the same pages made whole.

use super::*;
use crate::document::guard;

/// Enough chapters for a long page (pieces are looked for in pages of any size here).
const CHAPTERS: usize = 200;
/// Enough chapters for a page larger than [`PIECES_FROM`].
const LARGE: usize = 520;

/// Both pieces of work at once, on a scoped thread of the test's own.
struct Threads;

impl Fork for Threads {
    fn both<'a>(&self, here: Box<dyn FnOnce() + 'a>, there: Box<dyn FnOnce() + Send + 'a>) {
        std::thread::scope(|scope| {
            let handle = scope.spawn(there);
            here();
            let _ = handle.join();
        })
    }
}

/// A long page shaped like the Rust book: chapters (an empty page-break div, a heading
/// with an id and a link to itself) inside plain containers, paragraphs with links,
/// code, lists, a table and a form with fields in each chapter.
fn book(chapters: usize, head: &str) -> String {
    let mut page = format!("<!DOCTYPE html><html><head><title>Book</title>{head}</head><body>");
    page += "<nav><a href=index.html>index</a></nav><div id=body class=x><div class=page><main>";
    for c in 0..chapters {
        page += &format!(
            "<div style=\"break-before: page\"></div>\n<h1 id=ch{c}><a href=#ch{c} class=header>Chapter {c}</a></h1>\
             <p>Text of chapter {c} with <a href=c{c}.html>a link</a>, <code>code</code>, <em>emphasis</em>.</p>\n\
             <ul><li>one <a href=l{c}>item</a></li><li>two</li></ul>\
             <table><tr><th>k</th><td><a href=t{c}>cell</a></td></tr></table>\
             <form action=/s{c}><input name=q{c} value=v><select name=s><option>a<option selected>b</select>\
             <input type=submit value=Go></form>\
             <p id=p{c}>Closing words, <b>bold</b>.</p>\n<h2 id=s{c}>Section {c}</h2><p>More.</p>\n"
        );
    }
    page + "</main></div></div><footer><p>The end <a href=end>end</a></p></footer></body></html>"
}

fn url() -> Url {
    Url::parse("http://example.com/book/").expect("constant URL")
}

/// Where the guard cuts `page` in pieces of about `piece` bytes.
fn splits_of(page: &str, piece: usize) -> Vec<Split> {
    guard::scan_splitting(page, 0, piece).splits
}

/// The page parsed and laid out whole.
fn whole(page: &str, width: u16) -> Made {
    let Parsed { title, base, forms, tree } = parse::parse(&url(), page, &Cancel::new()).expect("parsed");
    let rendered = layout::lay_out(tree, &base, width, &Cancel::new(), &|| None).expect("laid out");
    Made { title, base, forms, rendered }
}

fn assert_same(pieces: &Made, whole: &Made) {
    assert_eq!((&pieces.title, &pieces.base, &pieces.forms), (&whole.title, &whole.base, &whole.forms));
    let (pieces, whole) = (&pieces.rendered, &whole.rendered);
    assert_eq!(pieces.lines.len(), whole.lines.len(), "line counts differ");
    for (i, (a, b)) in pieces.lines.iter().zip(&whole.lines).enumerate() {
        assert!(a == b, "line {i} differs: {:?} / {:?}", a.text(), b.text());
    }
    assert_eq!(pieces.links, whole.links);
    assert_eq!(pieces.anchors, whole.anchors);
    assert_eq!(pieces.positions, whole.positions);
}

#[test]
fn a_page_in_pieces_lays_out_as_the_whole_page_does() {
    let page = book(CHAPTERS, "");
    // Two pieces, and many.
    for piece in [page.len() / 2, page.len() / 9] {
        let splits = splits_of(&page, piece);
        let wanted = page.len() / piece - 1;
        assert!((wanted..=wanted + 1).contains(&splits.len()), "{} pieces of {piece}", splits.len() + 1);
        for split in &splits {
            assert_eq!(split.reopen, "<!DOCTYPE html><div><div><main>");
        }
        for pair in splits.windows(2) {
            assert!(pair[1].at - pair[0].at >= piece, "{} then {}", pair[0].at, pair[1].at);
        }
        for width in [80, 43] {
            let expected = whole(&page, width);
            for fork in [None, Some(&Threads as &dyn Fork)] {
                let made = lay_out(&url(), &page, &splits, width, &Cancel::new(), fork).expect("in pieces");
                assert!(made.forms.fields.len() >= 3 * CHAPTERS && made.forms.forms.len() == CHAPTERS);
                assert_same(&made, &expected);
                // Field placeholders of the last piece point at its own fields.
                let last_field = made.rendered.links.iter().rev().find_map(|l| forms::field_of_href(&l.href));
                assert_eq!(last_field, Some(made.forms.fields.len() - 1));
            }
        }
    }
}

#[test]
fn anchors_and_links_across_pieces_land_where_the_whole_page_puts_them() {
    // A fragment marker at the end of a piece (an empty element with an id, after the last
    // text) belongs to the first text of the next piece; links are numbered across pieces.
    let mut page = "<!DOCTYPE html><main>".to_string();
    for c in 0..300 {
        page += &format!("<p>Words {c} <a href=x{c}>x</a></p><p>more</p><div id=end{c}></div>\n");
    }
    page += "</main>";
    let splits = splits_of(&page, page.len() / 7);
    assert!(splits.len() >= 5, "{} pieces", splits.len() + 1);
    let expected = whole(&page, 60);
    for fork in [None, Some(&Threads as &dyn Fork)] {
        assert_same(
            &lay_out(&url(), &page, &splits, 60, &Cancel::new(), fork).expect("in pieces"),
            &expected,
        );
    }
}

#[test]
fn pieces_that_cannot_stand_for_the_page_give_way_to_the_whole_page() {
    let page = book(CHAPTERS, "");
    let splits = splits_of(&page, page.len() / 5);
    assert!(splits.len() >= 3);
    // A piece that does not fit its width (the whole page is then laid out without tables):
    // the others stop, and nothing waits for it.
    let nested = "<blockquote>".repeat(8) + "deep" + &"</blockquote>".repeat(8);
    let narrow = page.replacen("<p>More.</p>", &format!("<p>More.</p>{nested}"), CHAPTERS / 2);
    let splits = splits_of(&narrow, narrow.len() / 5);
    assert!(splits.len() >= 3);
    for fork in [None, Some(&Threads as &dyn Fork)] {
        assert!(lay_out(&url(), &narrow, &splits, 5, &Cancel::new(), fork).is_none());
    }
    // A title only in a later piece: the page's title might be there.
    let untitled = book(CHAPTERS, "").replace("<title>Book</title>", "");
    let last = format!("<h2 id=s{}>", CHAPTERS - 1);
    let late_title = untitled.replace(&last, &format!("<title>Late</title>{last}"));
    assert_eq!(whole(&late_title, 80).title, "Late");
    let splits = splits_of(&late_title, late_title.len() / 5);
    assert!(lay_out(&url(), &late_title, &splits, 80, &Cancel::new(), None).is_none());
    let splits = splits_of(&untitled, untitled.len() / 5);
    assert!(lay_out(&url(), &untitled, &splits, 80, &Cancel::new(), None).is_some());
    // A raised flag: nothing.
    let cancel = Cancel::new();
    cancel.raise();
    let splits = splits_of(&page, page.len() / 5);
    assert!(lay_out(&url(), &page, &splits, 80, &cancel, None).is_none());
    assert!(lay_out(&url(), &page, &splits, 80, &cancel, Some(&Threads)).is_none());
}

#[test]
fn pages_are_not_cut_where_the_pieces_could_differ() {
    let piece = |page: &str| page.len() / 4;
    let page = book(CHAPTERS, "");
    assert!(!splits_of(&page, piece(&page)).is_empty());
    // A <base> changes how every link resolves; a style sheet hides what it hides in the
    // whole page; a frameset replaces the body.
    for head in ["<base href=http://example.org/>", "<style>p { display: none }</style>"] {
        let page = book(CHAPTERS, head);
        assert_eq!(splits_of(&page, piece(&page)), vec![], "{head}");
    }
    let page = book(CHAPTERS, "").replace("</footer>", "</footer><frameset>");
    assert_eq!(splits_of(&page, piece(&page)), vec![]);
    // Open formatting elements, tables, lists, quotes or forms would be re-opened in the
    // next piece; a container's style, colours or hidden attribute would be lost there.
    for open in [
        "<b>",
        "<table><tr><td>",
        "<ul><li>",
        "<blockquote>",
        "<form>",
        "<nav>",
        "<div style='white-space: pre'>",
        "<section hidden>",
        "<div bgcolor=red>",
    ] {
        let page = book(CHAPTERS, "").replace("<main>", &format!("<main>{open}"));
        assert_eq!(splits_of(&page, piece(&page)), vec![], "{open}");
    }
    // A select the parser keeps open to the end: its `</select>` inside an element that
    // bounds a scope is ignored.
    for stuck in [
        "<div><select><option>o<object></select></object></div>",
        "<div><select><option>o<table><tr><td>c</select></td></tr></table></div>",
        "<div><select><option>o<template><select></select></template></div>",
    ] {
        let page = book(CHAPTERS, "").replace("<main>", &format!("<main>{stuck}"));
        assert_eq!(splits_of(&page, piece(&page)), vec![], "{stuck}");
    }
    // A select closed as usual leaves the page to be cut after it.
    let page = book(CHAPTERS, "").replace("<main>", "<main><div><select><option>o</select></div>");
    assert!(!splits_of(&page, piece(&page)).is_empty());
    // A page the guard changes (a bidirectional override made visible).
    let page = book(CHAPTERS, "").replace("The end", "The \u{202E}end");
    assert_eq!(splits_of(&page, piece(&page)), vec![]);
    // Pages under PIECES_FROM are laid out whole; splits are looked for only when asked.
    let page = book(CHAPTERS, "");
    assert!(page.len() < PIECES_FROM);
    assert_eq!(guard::scan_splitting(&page, PIECES_FROM, PIECE_BYTES).splits, vec![]);
    assert!(guard::scan(&page).splits.is_empty());
}

#[test]
fn what_would_differ_in_a_piece_parsed_alone_is_not_cut_or_gives_way() {
    let book = book(CHAPTERS, "");
    let shapes = [
        // The root's attributes count for the whole page, wherever the tag is.
        book.replace("<body>", "<body hidden>"),
        book.replace("<footer>", "<body style='white-space: pre'><footer>"),
        book.replace("<html>", "<html hidden>"),
        // A form closed by its container leaves the parser's form pointer set.
        book.replacen("<main>", "<main><div><form action=/early><input name=early></div>", 1),
        // Inside a select a container's end does not close it; inside an object, table or
        // template in a select, neither does `</select>`.
        book.replace("<h2 ", "<div><select name=s><option>text</div>\n<h2 ")
            .replace("</h2>", "</h2></select>"),
        book.replacen("<p id=", "<div><select name=s><option>text</div><p id=", CHAPTERS / 2),
        book.replacen("<p id=", "<div><select name=s><option>o<object></select></object></div><p id=", 1),
        book.replacen(
            "<p id=",
            "<div><select><option>o<table><tr><td>c</select></td></tr></table></div><p id=",
            1,
        ),
        book.replacen(
            "<p id=",
            "<div><select><option>o<template><select></select></template></div><p id=",
            1,
        ),
        // Spacer paragraphs make blank lines only.
        book.replace("<h2 ", "<p><br></p><h2 "),
        book.replace("<p id=", "<p><br><br></p><p id="),
        // A paragraph holding an anchor alone, where a piece could start.
        book.replace("<h2 ", "<p><a id=here></a></p><h2 "),
        // A piece that makes nothing.
        book.replace("<p>More.</p>", "<p hidden>More.</p>"),
    ];
    for page in &shapes {
        let piece = page.len() / 6;
        let splits = splits_of(page, piece);
        for width in [80, 43] {
            let expected = whole(page, width);
            for fork in [None, Some(&Threads as &dyn Fork)] {
                if let Some(made) = lay_out(&url(), page, &splits, width, &Cancel::new(), fork) {
                    assert_same(&made, &expected);
                }
            }
        }
    }
    // A heeded attribute on the root leaves the page whole; a language does not.
    assert_eq!(splits_of(&shapes[0], shapes[0].len() / 6), vec![]);
    let lang = book.replace("<html>", "<html lang=en>");
    assert!(!splits_of(&lang, lang.len() / 6).is_empty());
}

#[test]
fn a_cut_reopens_the_doctype_only_where_the_parser_heeds_it() {
    let reopen = |page: &str| splits_of(page, page.len() / 2).first().map(|split| split.reopen.clone());
    let body = "<main>".to_string() + &"<p>text</p>\n".repeat(300) + "</main>";
    let page = "<!DOCTYPE html><html><body>".to_string() + &body;
    assert_eq!(reopen(&page).as_deref(), Some("<!DOCTYPE html><main>"));
    // After text (even a lone `<`) the parser ignores a doctype: quirks mode, as the
    // next piece parsed without one.
    for before in ["text ", "< "] {
        let page = before.to_string() + "<!DOCTYPE html>" + &body;
        assert_eq!(reopen(&page).as_deref(), Some("<main>"), "{before}");
    }
}

#[test]
fn a_document_laid_out_once_in_pieces_is_the_whole_page() {
    use crate::document::Document;
    let page = book(LARGE, "");
    let splits = guard::scan_splitting(&page, PIECES_FROM, piece_bytes(page.len())).splits;
    assert!(!splits.is_empty(), "{} bytes, cut", page.len());
    let body = std::sync::Arc::new(page.into_bytes());
    let make = |making: Making| {
        Document::parse_and_lay_out_once(&url(), Some("text/html"), &body, 70, &Cancel::new(), making)
            .expect("laid out")
    };
    let (whole_doc, laid_out) = make(Making::Whole);
    for making in [Making::InPieces(None), Making::InPieces(Some(&Threads))] {
        let (doc, in_pieces) = make(making);
        assert_eq!(
            (&doc.title, &doc.forms, &doc.charset),
            (&whole_doc.title, &whole_doc.forms, &whole_doc.charset)
        );
        assert!(!doc.has_tree(), "the pieces' trees were used up");
        let same = |a: &Rendered, b: &Rendered| {
            (a.lines == b.lines, a.links == b.links, a.anchors == b.anchors, a.positions == b.positions)
        };
        assert_eq!(same(&in_pieces, &laid_out), (true, true, true, true));
        // A later layout of the document parses its body again, whole.
        assert_eq!(doc.render(50).lines, whole_doc.render(50).lines);
    }
}

#[test]
fn a_heading_after_a_list_table_or_container_that_ended_with_text_can_start_a_piece() {
    // Chapters whose headings never follow a paragraph: a list, a table, a quote or a
    // container ends just before each one.
    let ends = [
        "<ul><li>item <a href=l>l</a></li></ul>",
        "<table><tr><td>cell</td></tr></table>",
        "<blockquote>q</blockquote>",
        "<section>s</section>",
        "<div><div>inner</div></div>",
    ];
    let mut page = "<!DOCTYPE html><main>".to_string();
    for c in 0..300 {
        let end = ends[c % ends.len()];
        page += &format!("<h2 id=h{c}>Part {c}</h2><div>text <a href=x{c}>x</a></div>{end}\n");
    }
    page += "</main>";
    let splits = splits_of(&page, page.len() / 6);
    assert!(splits.len() >= 4, "{} pieces", splits.len() + 1);
    for split in &splits {
        assert!(page[split.at..].starts_with("<h2 "), "{}", &page[split.at..split.at + 10]);
    }
    for width in [80, 31] {
        let expected = whole(&page, width);
        for fork in [None, Some(&Threads as &dyn Fork)] {
            let made = lay_out(&url(), &page, &splits, width, &Cancel::new(), fork).expect("in pieces");
            assert_same(&made, &expected);
        }
    }
    // A block that ends with a line break, an image or preformatted text is no such end.
    for end in ["<div>text<br></div>", "<div>text<img src=i.png></div>", "<pre>code\n</pre>"] {
        let page =
            "<!DOCTYPE html><main>".to_string() + &format!("{end}\n<h2>Part</h2>").repeat(300) + "</main>";
        assert_eq!(splits_of(&page, page.len() / 6), vec![], "{end}");
    }
}

#[test]
fn each_piece_is_handed_on_as_soon_as_the_place_that_ends_it_is_found() {
    let page = book(CHAPTERS, "");
    let splits = splits_of(&page, page.len() / 4);
    assert!(splits.len() >= 3);
    let (to_make, made) = mpsc::channel();
    let mut cutter = Cutter::new(&page, to_make);
    for (i, split) in splits.iter().enumerate() {
        cutter.cut(split);
        let piece = made.try_recv().expect("the piece this place ends");
        let start = i.checked_sub(1).map_or(0, |before| splits[before].at);
        assert_eq!((piece.index, piece.html), (i, &page[start..split.at]));
        assert!(made.try_recv().is_err(), "nothing after it is known yet");
    }
    assert_eq!(cutter.finish(true), Some(splits.len() + 1));
    let last = made.try_recv().expect("the last piece, at the end of the scan");
    assert_eq!(last.html, &page[splits[splits.len() - 1].at..]);
    // Places that do not stand (the scan changed the page after them): no last piece.
    let (to_make, made) = mpsc::channel();
    let mut cutter = Cutter::new(&page, to_make);
    cutter.cut(&splits[0]);
    assert_eq!(cutter.finish(false), None);
    assert_eq!(made.try_iter().count(), 1);
    // A scan whose places turn out not to stand, after pieces were made: the whole page.
    for fork in [None, Some(&Threads as &dyn Fork)] {
        let scan: Scan<'_> = Box::new(|found| {
            splits.iter().for_each(found);
            false
        });
        assert!(lay_out_as_found(&url(), &page, 80, &Cancel::new(), fork, scan).is_none());
    }
}

#[test]
fn a_side_that_takes_no_piece_leaves_them_all_to_the_other() {
    // Pieces go to whichever side is free: one that never gets to run (no thread could be
    // had for it) takes none, and the other makes them all, in order.
    struct Idle;
    impl Fork for Idle {
        fn both<'a>(&self, here: Box<dyn FnOnce() + 'a>, there: Box<dyn FnOnce() + Send + 'a>) {
            drop(there);
            here();
        }
    }
    let page = book(CHAPTERS, "");
    let splits = splits_of(&page, page.len() / 5);
    assert!(splits.len() >= 3);
    let made = lay_out(&url(), &page, &splits, 80, &Cancel::new(), Some(&Idle)).expect("in pieces");
    assert_same(&made, &whole(&page, 80));
}

#[test]
fn a_squeezed_table_in_a_later_piece_is_sized_as_in_the_whole_page() {
    // Table columns squeezed below their widest line fall back on html2text's estimate of
    // each cell's minimum, a link counted as wide as its `[N]`: a piece whose links are
    // numbered after a thousand others must estimate as the whole page does.
    let mut page = "<!DOCTYPE html><main>".to_string();
    for c in 0..400 {
        page += &format!(
            "<h2>Part {c}</h2><p>Words {c} <a href=a{c}>a</a> <a href=b{c}>b</a> <a href=c{c}>c</a></p>\n\
             <table><tr><td><a href=t{c}>x</a></td><td>unbreakable{c}</td><td><a href=u{c}>y</a></td>\
             <td><a href=v{c}>z</a></td><td>alsounbreakable</td></tr></table>\n"
        );
    }
    page += "</main>";
    let splits = splits_of(&page, page.len() / 8);
    assert!(splits.len() >= 6, "{} pieces", splits.len() + 1);
    for width in [24, 37] {
        let expected = whole(&page, width);
        let made = lay_out(&url(), &page, &splits, width, &Cancel::new(), None).expect("in pieces");
        assert_same(&made, &expected);
    }
}
