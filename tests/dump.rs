//! `margay --dump` and `--source`, run as a script would run them, against a real server.

mod common;

use common::{Reply, TestServer};
use std::process::{Command, Output};

fn margay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_margay")).args(args).env("NO_COLOR", "1").output().expect("run margay")
}

fn server() -> TestServer {
    TestServer::start(|req| {
        match req.path.as_str() {
        "/" => Reply::html(
            "<title>T</title><h1>Dump me</h1><p>Some <em>text</em> with <a href=\"/a\">a link</a> \
             and <a href=\"https://example.org/x\">another</a>, long enough to be wrapped at forty columns.</p>",
        ),
        "/gone" => Reply::new(410).header("Content-Type", "text/html").body(b"<p>It has gone away.</p>"),
        "/empty" => Reply::new(204),
        "/moved" => Reply::new(301).header("Location", "/"),
        "/bin" => Reply::new(200).header("Content-Type", "application/octet-stream").body(&[0, 1, 2, 3]),
        _ => Reply::new(404).body(b"nope"),
    }
    })
}

#[test]
fn dump_prints_the_page_and_references() {
    let s = server();
    let out = margay(&["--dump", "--width", "40", &s.url("/")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let expected_refs = format!("References\n\n  1. {}/a\n  2. https://example.org/x\n", s.base);
    assert!(text.ends_with(&expected_refs), "{text}");
    assert!(text.contains("[1]a link"), "{text}");
    for line in text.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(line) <= 40, "too wide: {line:?}");
    }
    assert!(!text.contains('\x1b'), "no escape sequences in a dump");
}

#[test]
fn dump_default_width_is_80() {
    let s = server();
    let out = margay(&["--dump", &s.url("/")]);
    let text = String::from_utf8(out.stdout).unwrap();
    let widest = text.lines().map(unicode_width::UnicodeWidthStr::width).max().unwrap();
    assert!(widest > 40 && widest <= 80, "{widest}\n{text}");
}

#[test]
fn dump_follows_redirects_and_verbose_shows_the_chain() {
    let s = server();
    let out = margay(&["--dump", "-v", &s.url("/moved")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Dump me"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("301") && err.contains("/moved"), "{err}");
}

#[test]
fn dump_of_an_http_error_prints_the_diagnostic_and_exits_3() {
    let s = server();
    let out = margay(&["--dump", &s.url("/gone")]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("410") && text.contains("It has gone away."), "{text}");
}

#[test]
fn dump_of_204_prints_nothing_and_exits_0() {
    let s = server();
    let out = margay(&["--dump", &s.url("/empty")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn dump_of_an_unreachable_server_exits_1_with_the_reason() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = margay(&["--dump", &format!("http://127.0.0.1:{port}/")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stderr.is_empty());
    assert!(out.stdout.is_empty());
}

#[test]
fn dump_of_a_missing_file_exits_1() {
    let out = margay(&["--dump", "/nonexistent/margay/file.html"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("margay:"));
}

#[test]
fn source_prints_the_body_as_received() {
    let s = server();
    let out = margay(&["--source", &s.url("/")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("<title>T</title><h1>Dump me</h1>"));
}

#[test]
fn dump_of_a_binary_body_describes_it() {
    let s = server();
    let out = margay(&["--dump", &s.url("/bin")]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("application/octet-stream"), "{text}");
    assert!(!text.contains('\0'));
}

#[test]
fn dump_never_touches_the_terminal_modes() {
    let s = server();
    let out = margay(&["--dump", &s.url("/")]);
    let text = String::from_utf8_lossy(&out.stdout);
    // No alternate screen, no mouse capture, no raw-mode artefacts.
    assert!(!text.contains("\x1b[?1049h") && !text.contains("\x1b[?1000h"));
}

/// A long page: chapters with links, anchors and a form in each.
fn long_book() -> String {
    let mut page = String::from("<!DOCTYPE html><title>Book</title><div id=page><main>");
    for c in 0..3200 {
        page += &format!(
            "<div style=\"break-before: page\"></div>\n<h1 id=ch{c}><a href=#ch{c}>Chapter {c}</a></h1>\
             <p>Words of chapter {c}, with <a href=/c{c}>a link</a> and <code>code</code>.</p>\n\
             <form action=/f{c}><input name=q{c} value=v></form><p id=p{c}>More, <b>bold</b>.</p>\n"
        );
    }
    page + "</main></div>"
}

#[test]
fn a_long_page_dumps_the_same_over_http_and_from_a_file() {
    let book = long_book();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("book.html");
    std::fs::write(&file, &book).unwrap();
    let s = TestServer::start(move |_| Reply::html(&book));
    let dump = |address: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_margay"))
            .args(["--dump", "--width", "60", address])
            .env("NO_COLOR", "1")
            .output()
            .expect("run margay");
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let (served, read) = (dump(&s.url("/book")), dump(file.to_str().unwrap()));
    assert!(served.contains("Chapter 3199") && served.contains(&format!("{}/c3199", s.base)));
    // The same text; only the links' addresses differ (the server's, the file's).
    let text = |dump: &str| dump.split("\nReferences\n").next().unwrap_or("").to_string();
    assert!(text(&served) == text(&read), "the page reads the same");
}

#[test]
fn a_long_page_dumps_the_same_in_pieces_and_whole() {
    let book = long_book();
    assert!(book.len() > 3 * (256 << 10), "large enough to be laid out in several pieces: {}", book.len());
    let s = TestServer::start(move |_| Reply::html(&book));
    // `MARGAY_WHOLE_PAGE` lays the page out whole; `MARGAY_ONE_THREAD` makes the pieces in
    // turn on one thread.
    let dump = |environment: &[&str], width: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_margay"));
        command.args(["--dump", "--width", width, &s.url("/book")]).env("NO_COLOR", "1");
        for name in ["MARGAY_ONE_THREAD", "MARGAY_WHOLE_PAGE"] {
            command.env_remove(name);
        }
        for name in environment {
            command.env(name, "1");
        }
        let out = command.output().expect("run margay");
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    for width in ["60", "97"] {
        let whole = dump(&["MARGAY_WHOLE_PAGE"], width);
        let text = String::from_utf8_lossy(&whole);
        assert!(text.contains("Chapter 3199") && text.contains(&format!("{}/c3199", s.base)));
        assert!(
            dump(&[], width) == whole,
            "at width {width} the dump in pieces on two threads differs from the whole page's"
        );
        let one_thread = dump(&["MARGAY_ONE_THREAD"], width);
        assert!(
            one_thread == whole,
            "at width {width} the dump in pieces on one thread differs from the whole page's"
        );
    }
}
