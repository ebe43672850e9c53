//! lynx's lists and w3m's tabs with the real binary in a pseudo-terminal: Backspace's
//! history page, `l`'s list of links, visited links drawn apart and remembered by the next
//! session, Ctrl-F and Ctrl-B; `T`, `{`, `}`, the tab bar, and Ctrl-W down to the last tab,
//! which asks before quitting. Each step waits for the screen to show what it expects.

mod common;

use common::pty::{fresh_home, Run, Session};
use common::{Reply, TestServer};

fn site() -> TestServer {
    TestServer::start(|req| match req.path.as_str() {
        "/" => Reply::html(
            "<title>Start</title><p><a href=\"/one\">one</a> <a href=\"/two\">two</a> \
             <a href=\"/three\">three</a></p>",
        ),
        "/long" => Reply::html(&format!(
            "<title>Long</title>{}",
            (0..100).map(|i| format!("<p>row {i}</p>")).collect::<String>()
        )),
        path => Reply::html(&format!("<title>Page {path}</title><p>at {path} <a href=\"/\">start</a></p>")),
    })
}

/// The terminal is as margay found it after it exits.
fn assert_restored(s: &Session, raw: &str) {
    assert!(raw.contains("EXIT=0"), "{raw}");
    assert!(!s.parser.screen().alternate_screen(), "still on the alternate screen");
    let stty = &raw[raw.rfind("speed").unwrap()..];
    assert!(stty.contains(" icanon") && stty.contains(" echo"), "raw mode left on: {stty}");
}

/// The colour of the first character of `text`'s first appearance on the screen.
fn colour_of(s: &Session, text: &str) -> vt100::Color {
    let screen = s.parser.screen();
    let (rows, cols) = screen.size();
    for row in 0..rows {
        let line: String = (0..cols).map(|c| screen.cell(row, c).map_or(" ", |c| c.contents())).collect();
        if let Some(at) = line.find(text) {
            let col = line[..at].chars().count() as u16;
            return screen.cell(row, col).unwrap().fgcolor();
        }
    }
    panic!("no '{text}' on the screen:\n{}", s.screen());
}

#[test]
fn history_links_and_visited_links_in_a_real_terminal() {
    let server = site();
    let home = fresh_home("lists");
    let mut s = Session::spawn(&[&server.url("/")], 90, 20, &[], home.clone(), Run::ThenStty);
    s.wait_text("[3]three");
    s.send(b"\r");
    s.wait_text("at /one");
    // Backspace: this tab's pages, newest first; Left is still back.
    s.send(b"\x7f");
    s.wait_text("The pages of this tab, newest first");
    let text = s.screen();
    let (one, start) = (text.find("Page /one").unwrap(), text.find("Start —").unwrap());
    assert!(one < start, "newest first:\n{text}");
    s.send(b"\x1b[D");
    s.wait_text("at /one");
    s.send(b"\x1b[D");
    s.wait_text("[1]one");
    // `l`: the page's links as a page, followable.
    s.send(b"l");
    s.wait_text("3 links on");
    s.send(b"2\r");
    s.wait_text("at /two");
    // Ctrl-F and Ctrl-B page down and up.
    s.send(b"g");
    s.send(server.url("/long").as_bytes());
    s.send(b"\r");
    s.wait_text("row 0");
    s.send(b"\x06");
    s.wait_for("a screen further down", |s| !s.screen().contains("row 0\n") && s.screen().contains("row 10"));
    s.send(b"\x02");
    s.wait_text("row 0");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert_restored(&s, &raw);
    let visited = std::fs::read_to_string(home.join("state/margay/visited")).expect("the visited links kept");
    assert!(visited.contains(&server.url("/one")), "{visited}");

    // The next session draws the visited links apart from the others (in colour: an empty
    // NO_COLOR is no NO_COLOR).
    let mut s = Session::spawn(&[&server.url("/")], 90, 20, &[("NO_COLOR", "")], home, Run::ThenStty);
    s.wait_text("[3]three");
    let (one, two, three) = (colour_of(&s, "one"), colour_of(&s, "two"), colour_of(&s, "three"));
    assert_eq!(one, two, "both visited");
    assert_ne!(one, three, "a link not visited looks otherwise");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert_restored(&s, &raw);
}

#[test]
fn tabs_in_a_real_terminal() {
    let server = site();
    let mut s = Session::spawn(&[&server.url("/")], 90, 20, &[], fresh_home("tabs"), Run::ThenStty);
    s.wait_text("[1]one");
    s.send(b"T");
    s.wait_text("1:Start");
    s.wait_text("at /one");
    assert!(s.screen().contains("2:Page /one"), "{}", s.screen());
    s.send(b"{");
    s.wait_text("[1]one");
    s.send(b"}");
    s.wait_text("at /one");
    s.send(b"\x17");
    s.wait_for("one tab, no tab bar", |s| s.screen().contains("[1]one") && !s.screen().contains("1:Start"));
    s.send(b"\x17");
    s.wait_text("This is the last tab. Quit margay? (y/n)");
    s.send(b"n");
    s.wait_for("the question gone", |s| !s.screen().contains("Quit margay?"));
    s.send(b"\x17");
    s.wait_text("This is the last tab. Quit margay? (y/n)");
    s.send(b"y");
    let raw = s.wait_exit();
    assert_restored(&s, &raw);
}

#[test]
fn www_home_may_be_an_about_page() {
    let mut s =
        Session::spawn(&[], 90, 20, &[("WWW_HOME", "about:bookmarks")], fresh_home("about"), Run::ThenStty);
    s.wait_text("Bookmarks — about:bookmarks");
    // Ctrl-R makes the same page again, not the start page.
    s.send(b"\x12");
    s.wait_text("Bookmarks — about:bookmarks");
    assert!(!s.screen().contains("Welcome to margay"), "{}", s.screen());
    s.send(b"Q");
    let raw = s.wait_exit();
    assert_restored(&s, &raw);
}
