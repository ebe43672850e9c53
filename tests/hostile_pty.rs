//! Terminal injection, end to end: the real binary shows a page full of escape sequences in
//! a pseudo-terminal; every byte it writes is checked. The only escape sequences allowed
//! are the browser's own (ratatui and crossterm's: cursor moves, colours and attributes,
//! erasing, mode switches such as the alternate screen and mouse reporting).

mod common;

use common::pty::{fresh_home, Run, Session};
use common::{Reply, TestServer};

const EVIL: &str = "\x1b]0;PWNED\x07\x1b]52;c;cHduZWQ=\x07\x1b]8;;http://evil.example/\x1b\\\x1b[2J\x1b[6n\
                    \x1b[21t\x1bP1$qm\x1b\\\x1b_apc\x1b\\\u{9b}6n\u{9d}0;c1\u{9c}\x07\u{202E}evil\u{202C}";

/// margay alone on a 100×30 pty, in `home`.
fn start_in(args: &[&str], home: std::path::PathBuf) -> Session {
    Session::spawn(args, 100, 30, &[], home, Run::Direct)
}

fn start(args: &[&str]) -> Session {
    start_in(args, fresh_home("hostile-pty"))
}

/// Every escape sequence in `raw`, checked against what ratatui and crossterm write.
fn check_escapes(raw: &[u8]) {
    let text = String::from_utf8_lossy(raw);
    for c in text.chars() {
        assert!(!('\u{80}'..='\u{9f}').contains(&c), "a C1 control {c:?} was written");
        assert!(c != '\u{202E}' && c != '\u{202C}', "a bidi override was written");
    }
    assert!(!raw.contains(&0x07), "BEL was written");
    let mut i = 0;
    while let Some(p) = raw[i..].iter().position(|&b| b == 0x1b) {
        let at = i + p;
        let rest = &raw[at + 1..];
        match rest.first() {
            Some(b'[') => {
                // CSI: parameters, intermediates, one final byte.
                let body = &rest[1..];
                let len = body.iter().position(|b| (0x40..=0x7e).contains(b)).expect("an unfinished CSI");
                let (params, last) = (&body[..len], body[len]);
                let params = String::from_utf8_lossy(params);
                assert!(
                    params.bytes().all(|b| b.is_ascii_digit() || b == b';' || b == b'?' || b == b':'),
                    "CSI with odd parameters: {params:?}"
                );
                assert!(
                    b"mHJKhlABCDGXdfsuq".contains(&last),
                    "CSI {params}{} is not the browser's",
                    last as char
                );
                if last == b'J' {
                    // Clearing the screen is the browser's own (a resize, the first frame)
                    // only in its plain forms.
                    assert!(params.is_empty() || params == "2" || params == "0", "CSI {params}J");
                }
                i = at + 2 + len + 1;
            }
            // ESC 7 / ESC 8 (save/restore cursor), ESC = / ESC > (keypad modes).
            Some(b'7' | b'8' | b'=' | b'>') => i = at + 2,
            other => panic!(
                "escape sequence ESC {:?} was written (OSC, DCS, APC and others never are)",
                other.map(|&b| b as char)
            ),
        }
    }
}

#[test]
fn escape_sequences_in_a_page_never_reach_the_terminal() {
    let page = format!(
        "<title>Evil{EVIL}</title><h1>Heading{EVIL}</h1><p>Text {EVIL} &#27;[2J &#x9b;6n &#7;</p>\
         <p><a href=\"/next{EVIL}\">first{EVIL}</a> <a href=\"http://[bad{EVIL}\">second</a>\
         <a href=\"javascript:{EVIL}\">third</a></p><pre>pre{EVIL}</pre>"
    );
    let server = TestServer::start(move |req| match req.path.as_str() {
        "/" => Reply::html(&page),
        _ => Reply::new(404).header("Content-Type", "text/plain").body(format!("gone {EVIL}").as_bytes()),
    });
    let mut s = start(&[&server.url("/")]);
    s.wait_text("Heading");
    s.wait_text("⟨RLO⟩evil");
    // Every link's target in the status line (the first is selected on arrival), then
    // follow one to an error page.
    s.wait_text("[1] http://127.0.0.1");
    s.send(b"\t");
    s.wait_text("[2] http://[bad");
    s.send(b"\t");
    s.wait_text("[3] javascript:");
    s.send(b"1\r");
    s.wait_text("404");
    s.send(b"=");
    s.wait_text("Content type");
    s.send(b"Q");
    s.finish();
    let _ = std::fs::remove_dir_all(&s.home);
    check_escapes(&s.raw);
    let screen = s.parser.screen();
    assert!(!screen.alternate_screen(), "the terminal was restored");
}

#[test]
fn the_check_catches_what_a_page_would_inject() {
    check_escapes(b"\x1b[?1049h\x1b[1;1H\x1b[38;5;6mok\x1b[0m\x1b[2J\x1b[?25l");
    for evil in [&b"\x1b]0;x\x07"[..], b"\x1b[6n", b"\x07", b"\xc2\x9b6n", b"\x1bP1$qm\x1b\\", b"\x1b[3J"] {
        let caught = std::panic::catch_unwind(|| check_escapes(evil)).is_err();
        assert!(caught, "{evil:?} passed the check");
    }
}

#[test]
fn settings_and_keymap_that_are_not_files_give_a_message_and_the_browser_starts() {
    let mut s = start(&["--version"]);
    s.finish();
    let config = s.home.join("config/margay");
    std::fs::create_dir_all(config.join("config.toml")).unwrap();
    let keymap = std::ffi::CString::new(config.join("keymap.toml").as_os_str().as_encoded_bytes()).unwrap();
    // A FIFO: reading it would wait for a writer forever.
    assert_eq!(unsafe { libc::mkfifo(keymap.as_ptr(), 0o644) }, 0);
    let mut s = start_in(&[], s.home.clone());
    s.wait_text("not a regular file");
    s.wait_text("Welcome to margay");
    s.send(b"Q");
    s.finish();
    let _ = std::fs::remove_dir_all(&s.home);
    check_escapes(&s.raw);
}

/// A bookmark file another browser could have exported, with escape sequences in every
/// title and description: OSC 52 (write the clipboard), OSC 0 (window title), CSI 2J.
fn hostile_bookmark_file(url: &str) -> String {
    format!(
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks{EVIL}</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n\
         <DT><H3>Folder{EVIL}</H3>\n<DL><p>\n\
         <DT><A HREF=\"{url}\">Title{EVIL}</A>\n<DD>Description{EVIL}\n</DL><p>\n</DL><p>\n"
    )
}

#[test]
fn bookmark_commands_on_a_terminal_show_hostile_titles_inert() {
    let server = TestServer::start(|req| match req.path.as_str() {
        "/" => Reply::new(301).header("Location", "/moved"),
        _ => Reply::html("<title>Moved here</title>"),
    });
    let home = fresh_home("hostile-bookmarks");
    std::fs::create_dir_all(&home).unwrap();
    let import = home.join("other-browser.html");
    std::fs::write(&import, hostile_bookmark_file(&server.url("/"))).unwrap();
    let file = home.join("bookmarks.html");
    let file = file.to_str().unwrap();
    let missing = format!("{}/missing{EVIL}.html", home.display());
    for args in [
        vec!["bookmarks", "--bookmarks", file, "import", import.to_str().unwrap()],
        vec!["bookmarks", "--bookmarks", file, "export"],
        vec!["bookmarks", "--bookmarks", file, "list"],
        vec!["bookmarks", "--bookmarks", file, "check"],
        // An error message names the file it could not read.
        vec!["bookmarks", "--bookmarks", file, "import", &missing],
    ] {
        let mut s = start_in(&args, home.clone());
        s.finish();
        check_escapes(&s.raw);
        let shown = String::from_utf8_lossy(&s.raw);
        // What is shown is still all there, inert.
        match args[3] {
            "export" => assert!(
                shown.contains("Title^[]0;PWNED^G^[]52;c;cHduZWQ=^G") && shown.contains("Description^["),
                "{shown}"
            ),
            "list" => assert!(shown.contains("Folder^[]0;PWNED^G"), "{shown}"),
            "check" => assert!(shown.contains("moved permanently"), "{shown}"),
            _ => {}
        }
        if args.last() == Some(&missing.as_str()) {
            assert!(shown.contains("cannot read") && shown.contains("missing^[]0;PWNED"), "{shown}");
        }
    }
    let _ = std::fs::remove_dir_all(&home);
}
