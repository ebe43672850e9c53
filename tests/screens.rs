//! Screen snapshots: the app drawn into ratatui's TestBackend after synthetic keys, through
//! the same update and draw functions the terminal uses.

mod common;

use common::{Driver, Reply, TestServer};
use ratatui::crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};

fn buffer(d: &Driver) -> ratatui::buffer::Buffer {
    let backend = ratatui::backend::TestBackend::new(d.app.width(), d.app.height());
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    terminal.draw(|f| margay::ui::draw::draw(&d.app, f)).unwrap();
    terminal.backend().buffer().clone()
}

#[test]
fn start_page() {
    let mut d = Driver::new(80, 24);
    d.start_page();
    insta::assert_snapshot!(d.screen());
}

#[test]
fn selected_link_is_highlighted() {
    let server = TestServer::start(|_| {
        Reply::html("<title>Links</title><h1>Links</h1><p><a href=\"/one\">one</a> <a href=\"/two\">two</a> <a href=\"/three\">three</a></p>")
    });
    let mut d = Driver::new(60, 12);
    d.open(&server.url("/"));
    d.key(KeyCode::Tab);
    // The address is random (a free port); blank it so the snapshot is stable.
    let screen = d.screen().replace(&server.base, "http://127.0.0.1:PORT");
    insta::assert_snapshot!(screen);
    let buf = buffer(&d);
    let (x, y) = common::find_in(&buf, "[2]two").unwrap();
    assert!(buf[(x + 3, y)].modifier.contains(Modifier::REVERSED), "the selected link is reversed");
    let (x1, y1) = common::find_in(&buf, "[1]one").unwrap();
    assert!(!buf[(x1 + 3, y1)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn url_prompt() {
    let mut d = Driver::new(60, 10);
    d.start_page();
    d.char('g');
    d.type_text("example.com/x");
    insta::assert_snapshot!(d.screen());
}

#[test]
fn help_lists_every_action() {
    let mut d = Driver::new(80, 40);
    d.start_page();
    d.char('?');
    insta::assert_snapshot!(d.screen());
    for action in margay::ui::Action::ALL {
        assert!(d.page_text().contains(action.description()), "help lacks {action:?}");
    }
    // Back from help returns to the start page.
    d.key(KeyCode::Left);
    assert_eq!(d.address(), "about:start");
}

#[test]
fn search_highlights_matches() {
    let mut d = Driver::new(80, 24);
    d.start_page();
    d.char('/');
    d.type_text("link");
    d.key(KeyCode::Enter);
    insta::assert_snapshot!(d.screen());
    let buf = buffer(&d);
    let search = d.app.tab().search().unwrap();
    assert!(search.matches.len() >= 2);
    let current = search.current.unwrap();
    let (line, start, _) = search.matches[current];
    let y = (line - d.app.page().unwrap().scroll + 1) as u16;
    let cell = &buf[(start as u16, y)];
    assert_eq!(cell.bg, Color::LightRed, "the current match is marked");
    // n goes to the next match, which then becomes the marked one.
    d.char('n');
    assert_eq!(d.app.tab().search().unwrap().current, Some(current + 1));
    d.char('N');
    assert_eq!(d.app.tab().search().unwrap().current, Some(current));
}

#[test]
fn no_color_uses_no_colours() {
    let mut d = Driver::new(80, 24);
    d.app.settings_mut().no_color = true;
    d.start_page();
    let buf = buffer(&d);
    for cell in buf.content() {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "a colour under NO_COLOR: {cell:?}"
        );
    }
}

#[test]
fn page_colours_are_drawn_only_when_asked_for() {
    let server = TestServer::start(|_| {
        Reply::html(
            "<style>.sky { background-color: #0000ff }</style>\
             <p><span style=\"color: #ff0000\">Red</span> and <span class=sky>sky</span></p>",
        )
    });
    let mut d = Driver::new(60, 8);
    d.open(&server.url("/"));
    let colours = |d: &Driver| {
        let buf = buffer(d);
        let (x, y) = common::find_in(&buf, "Red").unwrap();
        let (sx, sy) = common::find_in(&buf, "sky").unwrap();
        (buf[(x, y)].fg, buf[(sx, sy)].bg)
    };
    // Off by default: the page's colours could be unreadable on the terminal's background.
    assert_eq!(colours(&d), (Color::Reset, Color::Reset));
    d.app.settings_mut().page_colours = true;
    assert_eq!(colours(&d), (Color::Rgb(255, 0, 0), Color::Rgb(0, 0, 255)));
}

#[test]
fn a_click_finds_the_link_in_terminal_columns() {
    // A lam-alef is drawn in two columns: the link after two of them starts at column 6.
    let server = TestServer::start(|_| Reply::html("<p>لا لا <a href=\"/x\">link</a></p>"));
    let mut d = Driver::new(40, 6);
    d.open(&server.url("/"));
    let buf = buffer(&d);
    let (x, y) = common::find_in(&buf, "[1]link").unwrap();
    assert_eq!(x, 6, "drawn at the sixth column");
    assert_eq!(d.app.link_at(x, y), Some(0));
    assert_eq!(d.app.link_at(x - 1, y), None);
}
