//! The reader view: `r` in the browser (screens driven by keys) and `--dump --reader`, on
//! pages written for it (tests/servers/www/article.html: an article among menus, share
//! buttons, related links and a footer; links.html: a page of links and a form).

mod common;

use common::{Driver, Reply, TestServer};
use ratatui::crossterm::event::KeyCode;
use std::process::{Command, Output};

const ARTICLE: &str = include_str!("servers/www/article.html");
const LINKS: &str = include_str!("servers/www/links.html");

fn server() -> TestServer {
    TestServer::start(|req| match req.path.as_str() {
        "/article" => Reply::html(ARTICLE),
        "/links" => Reply::html(LINKS),
        "/other" => Reply::html("<title>Other</title><p>Another page.</p>"),
        _ => Reply::new(404).body(b"nope"),
    })
}

fn margay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_margay")).args(args).env("NO_COLOR", "1").output().expect("run margay")
}

#[test]
fn r_shows_the_article_and_r_again_the_whole_page() {
    let s = server();
    let mut d = Driver::new(80, 20);
    d.open(&s.url("/article"));
    let whole = d.screen_on(&s);
    assert!(whole.contains("Subscribe"), "the whole page first: {whole}");

    d.char('r');
    let reader = d.screen_on(&s);
    insta::assert_snapshot!("reader_view", reader);
    assert!(d.app.page().is_some_and(|p| p.kind == margay::ui::tab::PageKind::Reader));
    let text = d.page_text();
    for chrome in ["Subscribe", "Sign in", "Copy link", "Bridge repairs", "Privacy", "Copyright"] {
        assert!(!text.contains(chrome), "{chrome} is not the article: {text}");
    }
    assert!(text.contains("[1]report on the tunnel"), "links numbered as usual: {text}");
    assert!(text.contains("The night train waiting at platform two"), "images as their alt text: {text}");
    let link = &d.app.page().unwrap().rendered.links[0];
    assert_eq!(link.target.as_ref().map(|u| u.as_str()), Some(s.url("/reports/tunnel.pdf").as_str()));

    d.char('r');
    assert_eq!(d.screen_on(&s), whole, "r again: the whole page, as it was");
    assert!(d.app.page().is_some_and(|p| p.kind != margay::ui::tab::PageKind::Reader));
}

#[test]
fn a_page_without_an_article_says_so_and_stays_as_it_is() {
    let s = server();
    let mut d = Driver::new(80, 16);
    d.open(&s.url("/links"));
    let before = d.page_text();
    d.char('r');
    insta::assert_snapshot!("no_article", d.screen_on(&s));
    assert!(d.screen().contains("No article found on this page"), "{}", d.screen());
    assert_eq!(d.page_text(), before);
    assert!(d.app.page().is_some_and(|p| p.kind != margay::ui::tab::PageKind::Reader));
    assert_eq!(d.app.tab().history().len(), 1, "nothing was added to the history");
}

#[test]
fn the_page_stays_usable_while_its_article_is_found_and_leaving_it_stops_that() {
    let s = server();
    let mut d = Driver::new(80, 20);
    d.hold_readers = true;
    d.open(&s.url("/article"));
    d.char('r');
    assert_eq!(d.held_readers.len(), 1, "the article is found off the thread that draws");
    assert!(d.screen().contains("Finding the article"), "{}", d.screen());
    // Keys work meanwhile.
    d.char('j');
    assert_eq!(d.app.page().unwrap().scroll, 1);
    // Going elsewhere stops it, and its late answer is dropped.
    d.open(&s.url("/other"));
    assert_eq!(d.readers_stopped, vec![d.held_readers[0].0]);
    d.finish_readers();
    assert_eq!(d.address(), s.url("/other"));
    assert!(
        d.app.page().is_some_and(|p| p.kind != margay::ui::tab::PageKind::Reader),
        "no reader view of a page left"
    );
    assert!(!d.screen().contains("Finding the article"));
}

#[test]
fn esc_stops_the_reader_view_being_made() {
    let s = server();
    let mut d = Driver::new(80, 20);
    d.hold_readers = true;
    d.open(&s.url("/article"));
    d.char('r');
    d.key(KeyCode::Esc);
    assert_eq!(d.readers_stopped.len(), 1);
    assert!(d.screen().contains("Reader view stopped"), "{}", d.screen());
    d.finish_readers();
    assert!(
        d.app.page().is_some_and(|p| p.kind != margay::ui::tab::PageKind::Reader),
        "a stopped reader view is not shown"
    );
    assert_eq!(d.app.tab().history().len(), 1);
}

#[test]
fn dump_reader_prints_the_article_alone() {
    let s = server();
    let out = margay(&["--dump", "--reader", &s.url("/article")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Night trains return to the valley", "{text}");
    let first = lines.iter().position(|l| l.starts_with("For the first time")).expect("the first paragraph");
    // Only the title and the byline before the article's text (the byline said once), the
    // lead picture and its caption after its first paragraph.
    assert_eq!(lines[..first], ["Night trains return to the valley", "By Ines Morrow", ""], "{text}");
    let picture =
        lines.iter().position(|l| *l == "The night train waiting at platform two").expect("the picture");
    let second =
        lines.iter().position(|l| l.starts_with("The line had been closed")).expect("the second paragraph");
    assert!(first < picture && picture < second, "{text}");
    assert_eq!(lines[picture + 1], "The first train, an hour before it left.", "{text}");
    for chrome in ["Subscribe", "Copy link", "Bridge repairs", "Copyright"] {
        assert!(!text.contains(chrome), "{chrome}: {text}");
    }
    assert!(text.ends_with(&format!("References\n\n  1. {}\n", s.url("/reports/tunnel.pdf"))), "{text}");
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn dump_reader_of_a_page_without_an_article_prints_it_whole_and_exits_4() {
    let s = server();
    let whole = margay(&["--dump", &s.url("/links")]);
    let out = margay(&["--dump", "--reader", &s.url("/links")]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(out.stdout, whole.stdout, "the whole page, as --dump prints it");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no article found") && err.contains("/links"), "{err}");
}

#[test]
fn dump_reader_of_an_error_page_is_the_error_page() {
    let s = server();
    let out = margay(&["--dump", "--reader", &s.url("/missing")]);
    assert_eq!(out.status.code(), Some(3), "an error status exits 3, article or not");
    assert!(String::from_utf8_lossy(&out.stdout).contains("404"));
}

#[test]
fn reader_needs_dump() {
    let out = margay(&["--reader", "http://127.0.0.1:9/"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The real binary in a pseudo-terminal: `r` is answered by the reader thread through the
/// browser's own loop, and `r` again brings the whole page back.
#[test]
fn r_in_a_real_terminal() {
    use common::pty::{fresh_home, Run, Session};
    let s = server();
    let mut t = Session::spawn(&[&s.url("/article")], 80, 24, &[], fresh_home("reader"), Run::Direct);
    t.wait_text("Subscribe");
    t.send(b"r");
    t.wait_text("Reader view: r shows the whole page.");
    assert!(!t.screen().contains("Subscribe"), "{}", t.screen());
    t.send(b"r");
    t.wait_text("Subscribe");
    t.send(b"r");
    t.wait_text("Reader view: r shows the whole page.");
    t.send(b"Q");
    t.finish();
}
