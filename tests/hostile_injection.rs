//! Terminal injection: escape sequences and control characters in page text, titles, link
//! targets, headers, file names and error bodies never reach the terminal — in the TUI's
//! screen and status line, in `--dump`, in `--source` on a terminal and in messages on
//! stderr. Bidirectional overrides are shown as visible placeholders. (The same page in a
//! real pseudo-terminal: `hostile_pty.rs`.)

mod common;
mod hostile_server;

use common::{Driver, Reply, TestServer};
use hostile_server::{head, RawServer};
use margay::dump::{self, DumpMode};
use margay::net::{Client, NetConfig};
use margay::sanitize::bidi_name;
use ratatui::crossterm::event::KeyCode;

/// Everything a page could try: window title (OSC 0), clipboard (OSC 52), hyperlink
/// (OSC 8), clear screen, cursor report (DSR, which makes the terminal type), title report,
/// DCS, one-byte C1 CSI, BEL, and bidi overrides and isolates.
const EVIL: &str = "\x1b]0;PWNED\x07\x1b]52;c;cHduZWQ=\x07\x1b]8;;http://evil.example/\x1b\\\x1b[2J\x1b[6n\
                    \x1b[21t\x1bP1$qm\x1b\\\u{9b}6n\u{85}\x07\x08\r\u{202E}evil\u{202C}\u{2066}iso\u{2069}";

fn evil_page() -> String {
    format!(
        "<title>Title{EVIL}</title><h1>Heading{EVIL}</h1>\
         <p>Text {EVIL} &#27;[2J &#x9b;6n &#7; &#x202e;entity</p>\
         <p><a href=\"/next{EVIL}\">link one{EVIL}</a> <a href=\"javascript:{EVIL}\">js</a>\
         <a href=\"http://[bad{EVIL}\">unparsable</a> <a href=\"{EVIL}\"></a>\
         <img src=x alt=\"alt{EVIL}\"></p><pre>pre{EVIL}</pre>\
         <table><tr><td>cell{EVIL}</td></tr></table>"
    )
}

/// No control character but line feed, no bidi formatting character.
fn assert_inert(what: &str, text: &str) {
    for c in text.chars() {
        assert!(
            !(c.is_control() && c != '\n') && bidi_name(c).is_none(),
            "{what}: {c:?} reached the output:\n{text}"
        );
    }
}

fn dump_of(url: &str, mode: DumpMode, terminal: bool) -> (Vec<u8>, dump::DumpOutcome) {
    let client = Client::new(NetConfig::default());
    let mut out = Vec::new();
    let outcome = dump::run(&client, url, 80, mode, false, terminal, &mut out);
    (out, outcome)
}

#[test]
fn a_page_full_of_escape_sequences_is_inert_on_screen_and_in_the_status_line() {
    let server = TestServer::start(|_| Reply::html(&evil_page()));
    let mut d = Driver::new(100, 40);
    d.open(&server.url("/"));
    let screen = d.screen();
    assert_inert("screen", &screen);
    assert!(
        screen.contains("Title") && screen.contains("⟨RLO⟩evil⟨PDF⟩") && screen.contains("⟨LRI⟩iso⟨PDI⟩"),
        "{screen}"
    );
    assert!(screen.contains("⟨RLO⟩entity"), "a bidi override written as an entity is shown too:\n{screen}");
    let page = d.app.page().expect("a page");
    assert_inert("title", &page.doc.title);
    assert_inert("page text", &d.page_text());
    let links = page.rendered.links.len();
    assert!(links >= 3, "{links} links");
    for _ in 0..links {
        d.key(KeyCode::Tab);
        let (status, _) = margay::ui::draw::status_text(&d.app);
        assert_inert("status line", &status);
        assert_inert("screen with a link selected", &d.screen());
    }
    // Page info lists the headers and addresses.
    d.char('=');
    assert_inert("page info", &d.screen());
}

#[test]
fn dump_and_source_on_a_terminal_are_inert_and_piped_source_is_as_received() {
    let page = evil_page();
    let body = page.clone();
    let server = TestServer::start(move |_| Reply::html(&body));
    let url = server.url("/");

    let (out, outcome) = dump_of(&url, DumpMode::Rendered, true);
    assert_eq!(outcome, dump::DumpOutcome::Printed);
    let text = String::from_utf8(out).expect("UTF-8");
    assert_inert("--dump", &text);
    assert!(text.contains("⟨RLO⟩evil") && text.contains("References"), "{text}");

    let (out, _) = dump_of(&url, DumpMode::Source, true);
    let text = String::from_utf8(out).expect("UTF-8");
    assert_inert("--source on a terminal", &text);
    assert!(
        text.contains("^[]0;PWNED^G") && text.contains("\u{FFFD}6n") && text.contains("⟨RLO⟩evil"),
        "{text}"
    );

    let (out, _) = dump_of(&url, DumpMode::Source, false);
    assert_eq!(out, page.as_bytes(), "--source into a pipe passes the bytes as received");
}

#[test]
fn source_on_a_terminal_refuses_binary() {
    let server = TestServer::start(|_| {
        Reply::new(200).header("Content-Type", "image/png").body(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\x1b]0;x\x07")
    });
    let (out, outcome) = dump_of(&server.url("/"), DumpMode::Source, true);
    assert!(out.is_empty());
    assert!(matches!(&outcome, dump::DumpOutcome::Failed(m) if m.contains("binary")), "{outcome:?}");
    let (out, _) = dump_of(&server.url("/"), DumpMode::Source, false);
    assert!(out.starts_with(b"\x89PNG"));
}

#[test]
fn plain_text_bodies_are_inert() {
    let server = TestServer::start(|_| Reply::text(&format!("plain {EVIL}\nsecond line\ttab\r\nthird")));
    let mut d = Driver::new(80, 20);
    d.open(&server.url("/notes.txt"));
    assert_inert("text page", &d.page_text());
    assert_inert("text screen", &d.screen());
    assert!(d.page_text().contains("⟨RLO⟩evil"));
    let (out, _) = dump_of(&server.url("/notes.txt"), DumpMode::Rendered, true);
    assert_inert("text dump", &String::from_utf8_lossy(&out));
}

#[test]
fn error_pages_with_hostile_headers_and_bodies_are_inert() {
    // Raw bytes: a C1 CSI as UTF-8 passes HTTP's header syntax (obs-text).
    let mut answer = head(
        "404 Not Found",
        &[("Content-Type", "text/html"), ("Connection", "close"), ("X-Evil", "a\u{9b}6n\u{202E}b")],
    );
    answer.extend_from_slice(format!("<title>Err{EVIL}</title><p>missing {EVIL}</p>").as_bytes());
    let html_error = RawServer::fixed(answer);
    let text_error = TestServer::start(|_| {
        Reply::new(500).header("Content-Type", "text/plain").body(format!("oops {EVIL}").as_bytes())
    });
    for url in [html_error.url("/"), text_error.url("/")] {
        let mut d = Driver::new(100, 60);
        d.open(&url);
        assert_inert("diagnostic page", &d.page_text());
        assert_inert("diagnostic screen", &d.screen());
        d.char('=');
        assert_inert("page info of an error", &d.screen());
        let (out, outcome) = dump_of(&url, DumpMode::Rendered, true);
        assert!(matches!(outcome, dump::DumpOutcome::HttpError(_)), "{outcome:?}");
        assert_inert("diagnostic dump", &String::from_utf8_lossy(&out));
    }
}

#[test]
fn file_names_in_a_directory_listing_are_inert() {
    let dir = std::env::temp_dir().join(format!("margay-evil-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["evil\x1b]0;PWNED\x07.txt", "\u{202E}txt.exe", "c1\u{9b}6n", "bell\x07\x1b[2J"] {
        std::fs::write(dir.join(name), b"x").unwrap();
    }
    let url = url::Url::from_directory_path(&dir).unwrap().to_string();
    let mut d = Driver::new(100, 30);
    d.open(&url);
    let screen = d.screen();
    assert_inert("listing", &screen);
    assert!(screen.contains("⟨RLO⟩txt.exe") && screen.contains("PWNED"), "{screen}");
    for _ in 0..4 {
        d.key(KeyCode::Tab);
        assert_inert("listing status", &margay::ui::draw::status_text(&d.app).0);
    }
    let (out, _) = dump_of(&url, DumpMode::Rendered, true);
    assert_inert("listing dump", &String::from_utf8_lossy(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn messages_on_stderr_are_inert() {
    // Not HTTP at all, with escape sequences where the status line should be.
    let server = RawServer::fixed(&b"\x1b]0;PWNED\x07\x1b[2J HELLO\r\n\r\n"[..]);
    let evil_redirect = RawServer::fixed(head(
        "302 Found",
        &[("Location", "http://127.0.0.1:1/\u{9b}6n\u{202E}"), ("Connection", "close")],
    ));
    for url in [server.url("/"), evil_redirect.url("/"), format!("{}/\u{202E}", server.url(""))] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_margay"))
            .args(["--dump", "-v", &url])
            .env("XDG_CONFIG_HOME", std::env::temp_dir().join("margay-no-config"))
            .output()
            .expect("run margay");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_inert("stderr", &stderr);
        assert_inert("stdout", &String::from_utf8_lossy(&out.stdout));
        assert!(!stderr.is_empty());
    }
}

#[test]
fn bidi_placeholders_are_only_shown_never_sent() {
    let server = TestServer::start(|req| match req.path.as_str() {
        "/" => Reply::html(
            "<p><a href=\"/\u{202E}gpj.exe\">file \u{202E}gpj.exe</a></p>\
             <form action=\"/find\u{2066}\"><input name=\"q\u{202E}\" value=\"a\u{202E}b\">\
             <select name=s><option>o\u{202D}p</select><textarea name=t>x\u{2069}y</textarea>\
             <input type=submit></form>",
        ),
        _ => Reply::html("<p>ok</p>"),
    });
    let mut d = Driver::new(100, 20);
    d.open(&server.url("/"));
    // On screen the overrides are visible placeholders …
    let screen = d.screen();
    assert!(screen.contains("file ⟨RLO⟩gpj.exe") && screen.contains("a⟨RLO⟩b"), "{screen}");
    // … but the link is followed, and the form sent, with the page's own characters.
    d.char('1');
    d.key(KeyCode::Enter);
    d.key(KeyCode::Left);
    // Links: the file, then the fields (text, select, textarea) and the submit button.
    d.char('5');
    d.key(KeyCode::Enter);
    let paths: Vec<String> = server.seen().iter().skip(1).map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        ["/%E2%80%AEgpj.exe", "/find%E2%81%A6?q%E2%80%AE=a%E2%80%AEb&s=o%E2%80%ADp&t=x%E2%81%A9y"],
        "placeholders were sent"
    );
}
