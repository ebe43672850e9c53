//! Link hints (`f`) and copying an address (`y`), driven by keys through the app's own update
//! and draw functions and the browser's runner, with a fake terminal that keeps what is
//! written to the clipboard.

mod common;

use common::{osc52, Driver, Reply, TestServer};
use margay::ui::{Mode, StatusLine};
use ratatui::crossterm::event::KeyCode;

const PAGE: &str = "<title>Hints</title><h1>Links</h1>\
    <p><a href=\"/zebra\">zebra</a> <a href=\"/apple\">apple</a> <a href=\"/zoo\">zoo</a> \
    <a href=\"/sales\">sales</a></p>\
    <form action=\"/find\"><p>Find: <input name=q size=10></p></form>";

fn server() -> TestServer {
    TestServer::start(|req| match req.path.as_str() {
        "/" => Reply::html(PAGE),
        path => Reply::html(&format!("<title>Page {path}</title><p>This is {path}.</p>")),
    })
}

fn opened(server: &TestServer) -> Driver {
    let mut d = Driver::new(80, 12);
    d.open(&server.url("/"));
    d
}

fn path(d: &Driver, server: &TestServer) -> String {
    d.address().replace(&server.base, "")
}

#[test]
fn f_labels_every_link_and_field_on_screen() {
    let server = server();
    let mut d = opened(&server);
    d.char('f');
    assert!(matches!(d.app.mode(), Mode::Hints(_)));
    insta::assert_snapshot!(d.screen_on(&server));
}

#[test]
fn typing_a_label_follows_its_link() {
    let server = server();
    let mut d = opened(&server);
    d.char('f');
    // In reading order from the top: zebra a, apple s, zoo d, sales f, the field g.
    d.char('d');
    assert_eq!(path(&d, &server), "/zoo");
    assert!(d.screen().contains("This is /zoo."));
    assert_eq!(*d.app.mode(), Mode::Browse);
}

#[test]
fn typing_a_fields_label_edits_it() {
    let server = server();
    let mut d = opened(&server);
    d.char('f');
    d.char('g');
    assert!(matches!(d.app.mode(), Mode::EditField(_)), "{:?}", d.app.mode());
    d.type_text("cats");
    assert!(d.screen().contains("cats"));
    assert_eq!(path(&d, &server), "/");
}

#[test]
fn the_nearest_links_to_the_selection_get_the_shortest_labels() {
    // Twelve links, one a line: the four farthest from the selection get two letters.
    let body: String = (1..=12).map(|i| format!("<p><a href=\"/l{i}\">link {i}</a></p>")).collect();
    let server = TestServer::start(move |req| match req.path.as_str() {
        "/" => Reply::html(&body),
        path => Reply::html(&format!("<p>This is {path}.</p>")),
    });
    let mut d = Driver::new(80, 30);
    d.open(&server.url("/"));
    // Select link 12, at the bottom: it and the eight above it get one letter.
    d.app.select_link(11);
    d.char('f');
    insta::assert_snapshot!(d.screen_on(&server));
    d.char('a');
    assert_eq!(path(&d, &server), "/l12");
}

#[test]
fn other_text_filters_the_links_and_gives_the_labels_out_again() {
    let server = server();
    let mut d = opened(&server);
    d.char('f');
    // z starts no label: it is text, and leaves zebra and zoo, labelled a and s again.
    d.char('z');
    insta::assert_snapshot!(d.screen_on(&server));
    d.char('o');
    assert!(d.status_line().contains("Links with: zo — 1 link"), "{}", d.status_line());
    // Backspace takes the o back: two links again.
    d.key(KeyCode::Backspace);
    assert!(d.status_line().contains("Links with: z — 2 links"), "{}", d.status_line());
    // s is zoo's label now.
    d.char('s');
    assert_eq!(path(&d, &server), "/zoo");
}

#[test]
fn a_slash_makes_home_row_letters_text_and_enter_follows_the_first() {
    let server = server();
    let mut d = opened(&server);
    d.char('f');
    d.type_text("/sal");
    assert!(d.status_line().contains("Links with: /sal — 1 link"), "{}", d.status_line());
    insta::assert_snapshot!(d.screen_on(&server));
    d.key(KeyCode::Enter);
    assert_eq!(path(&d, &server), "/sales");
}

#[test]
fn text_no_link_has_says_so_and_enter_leaves() {
    let server = server();
    let mut d = opened(&server);
    d.char('f');
    d.type_text("qq");
    assert!(d.status_line().contains("none on this screen"), "{}", d.status_line());
    d.key(KeyCode::Enter);
    assert_eq!(*d.app.mode(), Mode::Browse);
    assert!(d.status_line().contains("No link on this screen has the text 'qq'"), "{}", d.status_line());
    assert_eq!(path(&d, &server), "/");
}

#[test]
fn esc_leaves_with_nothing_changed() {
    let server = server();
    let mut d = opened(&server);
    d.key(KeyCode::Tab);
    let selected = d.app.page().and_then(|p| p.selected);
    let before = d.screen();
    d.char('f');
    d.char('z');
    assert_ne!(d.screen(), before);
    d.key(KeyCode::Esc);
    assert_eq!(*d.app.mode(), Mode::Browse);
    assert_eq!(d.screen(), before);
    assert_eq!(d.app.page().and_then(|p| p.selected), selected);
    assert_eq!(server.seen().len(), 1, "nothing was fetched");
}

#[test]
fn f_on_a_screen_without_links_says_so() {
    let server = TestServer::start(|_| Reply::html("<p>No links here.</p>"));
    let mut d = Driver::new(60, 12);
    d.open(&server.url("/"));
    d.char('f');
    assert_eq!(*d.app.mode(), Mode::Browse);
    assert!(d.status_line().contains("There is no link or form field on this screen."));
}

#[test]
fn y_copies_the_selected_links_address_through_osc_52() {
    let server = server();
    let mut d = opened(&server);
    // The first link is selected at first; Tab selects the second.
    d.key(KeyCode::Tab);
    d.char('y');
    let url = server.url("/apple");
    assert_eq!(d.clipboard, vec![osc52(&url)]);
    assert_eq!(
        *d.app.status(),
        StatusLine::Info(format!("Copied to the clipboard (OSC 52; your terminal must allow it): {url}"))
    );
}

#[test]
fn y_without_a_selection_and_capital_y_copy_the_pages_address() {
    let server = TestServer::start(|_| Reply::html("<p>No links here.</p>"));
    let mut d = Driver::new(80, 12);
    d.open(&server.url("/"));
    d.char('y');
    assert_eq!(d.clipboard, vec![osc52(&server.url("/"))]);
    let server = self::server();
    let mut d = opened(&server);
    d.key(KeyCode::Tab);
    d.char('Y');
    assert_eq!(d.clipboard, vec![osc52(&server.url("/"))]);
}

#[test]
fn y_copies_a_password_but_the_status_line_masks_it() {
    let server = TestServer::start(|_| Reply::html("<p>No links here.</p>"));
    let mut d = Driver::new(100, 12);
    d.open(&server.url("/"));
    let with_password = server.url("/x").replace("http://", "http://me:secret@");
    let effects = d.app.open_typed(&with_password);
    d.run(effects);
    d.char('y');
    assert_eq!(d.clipboard, vec![osc52(&with_password)]);
    assert!(d.status_line().contains("me:***@"), "{}", d.status_line());
    assert!(!d.status_line().contains("secret"));
}

#[test]
fn y_on_a_selected_field_copies_nothing_and_says_why() {
    let server = server();
    let mut d = opened(&server);
    d.app.select_link(4);
    d.char('y');
    assert!(d.clipboard.is_empty());
    assert!(d.status_line().contains("form field has no address"), "{}", d.status_line());
}
