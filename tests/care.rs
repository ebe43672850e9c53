//! The small things that show care: search recall, the page count at the end, a long address
//! shortened rather than dropped, form fields named in the status line, bookmarks added in
//! one prompt (the link's text as title, nothing typed ahead spilling), plurals, empty
//! folders removed, the selection on screen after Back, NO_COLOR's selection apart from
//! matches, and typed values kept across Back and Forward. Screens drawn with TestBackend
//! after keys.

mod common;

use common::{Driver, Reply, TestServer};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::style::Modifier;

fn site() -> TestServer {
    TestServer::start(|req| match req.path.as_str() {
        "/long" => Reply::html(&format!(
            "<title>Long</title>{}",
            (0..50).map(|i| format!("<p>line {i}</p>")).collect::<String>()
        )),
        "/form" => Reply::html(
            "<title>Form</title><form action=\"/search\"><input name=q size=10> \
             <input type=submit value=Go></form>\
             <p><a href=\"/other\">elsewhere</a> <a href=\"#end\">to the end</a></p>\
             <p>filler</p><p id=end>the end</p>",
        ),
        "/far" => Reply::html(&format!(
            "<title>Far</title>{}<p><a href=\"/bottom\">bottom link</a></p>",
            (0..30).map(|i| format!("<p>text {i} <a href=\"/{i}\">link {i}</a></p>")).collect::<String>()
        )),
        path if path.starts_with("/a-very-long-address") => {
            Reply::html("<title>A page with a title</title><p>x</p>")
        }
        path => Reply::html(&format!(
            "<title>Page {path}</title><p>at {path} <a href=\"/linked\">the linked page</a></p>"
        )),
    })
}

#[test]
fn the_search_prompt_recalls_earlier_searches() {
    let server = site();
    let mut d = Driver::new(60, 12);
    d.open(&server.url("/long"));
    for query in ["line 7", "line 40"] {
        d.char('/');
        d.type_text(query);
        d.key(KeyCode::Enter);
    }
    d.char('/');
    d.key(KeyCode::Up);
    assert_eq!(d.status_line(), "Search for: line 40");
    d.key(KeyCode::Up);
    insta::assert_snapshot!(d.screen_on(&server));
    d.key(KeyCode::Enter);
    assert_eq!(d.status_line(), "Match 1 of 1.");
}

#[test]
fn end_shows_the_last_page_of_n() {
    let server = site();
    let mut d = Driver::new(60, 24);
    d.open(&server.url("/long"));
    assert!(d.screen().lines().next().unwrap().ends_with("(p1 of 5)"), "{}", d.screen());
    d.key(KeyCode::End);
    insta::assert_snapshot!(d.screen_on(&server));
    assert!(d.screen().lines().next().unwrap().ends_with("(p5 of 5)"));
}

#[test]
fn the_top_bar_shortens_a_long_address_instead_of_dropping_it() {
    let server = site();
    let mut d = Driver::new(60, 6);
    let path = format!("/a-very-long-address/{}/index.html", "deeper/".repeat(8));
    d.open(&server.url(&path));
    insta::assert_snapshot!(d.screen_on(&server));
    let top = d.screen().lines().next().unwrap().to_string();
    assert!(top.contains("A page with a title — http://127.0") && top.contains("…"), "{top}");
    assert!(top.contains("index.html"), "the end of the address stays: {top}");
}

#[test]
fn a_selected_form_field_is_named_by_its_kind_and_name() {
    let server = site();
    let mut d = Driver::new(90, 10);
    d.open(&server.url("/form"));
    assert_eq!(d.status_line(), "[1] text field 'q' (Enter edits it)");
    d.key(KeyCode::Tab);
    insta::assert_snapshot!(d.screen_on(&server));
    assert_eq!(
        d.status_line(),
        format!("[2] submit button (Enter sends the form to {})", server.url("/search"))
    );
}

fn bookmark_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("margay-care-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("bookmarks.html")
}

#[test]
fn a_bookmark_is_one_prompt_and_keys_typed_after_it_go_to_the_page() {
    let server = site();
    let path = bookmark_file("one-prompt");
    let mut d = Driver::new(100, 8).with_bookmarks(&path);
    d.open(&server.url("/long"));
    d.char('a');
    insta::assert_snapshot!(d.screen_on(&server));
    // Enter takes the defaults; what is typed next is the page's.
    for key in [KeyCode::Enter, KeyCode::Char('j'), KeyCode::Char('j')] {
        d.key(key);
    }
    assert!(d.app.prompt().is_none(), "no second prompt took the keys: {}", d.screen());
    assert_eq!(d.app.page().unwrap().scroll, 2, "j scrolled the page");
    assert!(std::fs::read_to_string(&path).unwrap().contains(">Long</A>"));
    // A link's bookmark takes the link's text as its title.
    d.open(&server.url("/page"));
    d.char('a');
    d.key(KeyCode::Down);
    d.key(KeyCode::Enter);
    assert!(std::fs::read_to_string(&path).unwrap().contains(">the linked page</A>"));
    // Plurals: one bookmark is "1 bookmark".
    d.open(&server.url("/x"));
    d.char('v');
    assert!(d.page_text().contains("2 bookmarks."), "{}", d.page_text());
    d.key(KeyCode::Enter);
    d.key(KeyCode::Left);
    d.app.select_link(0);
    d.char('X');
    d.char('y');
    assert!(d.page_text().contains("1 bookmark."), "{}", d.page_text());
}

#[test]
fn an_empty_folder_can_be_removed_from_the_bookmarks_page() {
    let path = bookmark_file("empty-folder");
    let mut store = margay::store::bookmarks::BookmarkStore::open(&path).unwrap();
    store.update(|doc| doc.add_folder(&["Empty"])).unwrap();
    store.add(&["Full"], margay::store::bookmarks::Bookmark::new("http://127.0.0.1:9/kept", "Kept")).unwrap();
    let mut d = Driver::new(80, 16).with_bookmarks(&path);
    d.char('v');
    let n = d.app.page().unwrap().rendered.links.iter().position(|l| l.href == "about:bookmarks").unwrap();
    d.app.select_link(n);
    d.char('X');
    insta::assert_snapshot!(d.screen());
    d.char('y');
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(
        !saved.contains(">Empty</H3>") && saved.contains(">Full</H3>") && saved.contains("Kept"),
        "{saved}"
    );
    assert!(!d.page_text().contains("Empty"), "{}", d.page_text());
    assert!(d.status_line().starts_with("Removed the folder 'Empty'"), "{}", d.status_line());
}

#[test]
fn after_back_the_selection_is_a_link_on_screen() {
    let server = site();
    let mut d = Driver::new(60, 24);
    d.open(&server.url("/far"));
    d.key(KeyCode::End);
    let bottom = d.app.page().unwrap().rendered.links.iter().position(|l| l.href == "/bottom").unwrap();
    d.app.select_link(bottom);
    d.key(KeyCode::Enter);
    assert_eq!(d.address(), server.url("/bottom"));
    // The terminal gets shorter while the other page is shown.
    d.send(margay::ui::Msg::Resize(60, 8));
    d.key(KeyCode::Left);
    let page = d.app.page().unwrap();
    let line = page.rendered.links[page.selected.expect("a selection")].line;
    assert!(
        line >= page.scroll && line < page.scroll + d.app.body_height(),
        "the selected link is on screen: {}",
        d.screen()
    );
    insta::assert_snapshot!(d.screen_on(&server));
}

#[test]
fn without_colours_the_selected_link_and_a_match_in_it_still_differ() {
    let server = site();
    let mut d = Driver::new(60, 8);
    d.app.settings_mut().no_color = true;
    d.open(&server.url("/page"));
    d.char('/');
    d.type_text("linked");
    d.key(KeyCode::Enter);
    let buf = d.buffer();
    let (x, y) = common::find_in(&buf, "[1]the linked page").unwrap();
    let (link, matched) = (&buf[(x + 3, y)], &buf[(x + 7, y)]);
    assert!(link.modifier.contains(Modifier::REVERSED), "the selected link is reversed: {link:?}");
    assert!(
        !matched.modifier.contains(Modifier::REVERSED) && matched.modifier.contains(Modifier::UNDERLINED),
        "the match in it is underlined, not reversed: {matched:?}"
    );
}

#[test]
fn typed_form_values_survive_back_and_forward() {
    let server = site();
    let mut d = Driver::new(70, 10);
    d.open(&server.url("/form"));
    d.key(KeyCode::Enter);
    d.type_text("first");
    d.key(KeyCode::Enter);
    // A jump within the page, and the field changed there.
    d.app.select_link(3);
    d.key(KeyCode::Enter);
    assert!(d.address().ends_with("#end"));
    d.key(KeyCode::Home);
    d.app.select_link(0);
    d.key(KeyCode::Enter);
    d.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL);
    d.type_text("second");
    d.key(KeyCode::Enter);
    d.key(KeyCode::Left);
    assert!(d.screen().contains("[1]second____"), "Back keeps what was typed: {}", d.screen());
    // To another page and back, and forward again.
    d.app.select_link(2);
    d.key(KeyCode::Enter);
    assert!(d.address().ends_with("/other"));
    d.key(KeyCode::Left);
    assert!(d.screen().contains("[1]second____"), "{}", d.screen());
    d.char('u');
    d.key(KeyCode::Left);
    insta::assert_snapshot!(d.screen_on(&server));
}
