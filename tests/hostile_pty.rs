//! Terminal injection, end to end: the real binary shows a page full of escape sequences in
//! a pseudo-terminal; every byte it writes is checked. The only escape sequences allowed
//! are the browser's own (ratatui and crossterm's: cursor moves, colours and attributes,
//! erasing, mode switches such as the alternate screen and mouse reporting).

mod common;

use common::{Reply, TestServer};
use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(20);

const EVIL: &str = "\x1b]0;PWNED\x07\x1b]52;c;cHduZWQ=\x07\x1b]8;;http://evil.example/\x1b\\\x1b[2J\x1b[6n\
                    \x1b[21t\x1bP1$qm\x1b\\\x1b_apc\x1b\\\u{9b}6n\u{9d}0;c1\u{9c}\x07\u{202E}evil\u{202C}";

struct Session {
    parser: vt100::Parser,
    raw: Vec<u8>,
    output: Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    home: std::path::PathBuf,
}

impl Session {
    fn start(args: &[&str]) -> Session {
        static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let home = std::env::temp_dir().join(format!("margay-hostile-pty-{}-{n}", std::process::id()));
        Session::start_in(args, home)
    }

    fn start_in(args: &[&str], home: std::path::PathBuf) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize { rows: 30, cols: 100, pixel_width: 0, pixel_height: 0 })
            .expect("a pty");
        std::fs::create_dir_all(&home).unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_margay"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", &home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("XDG_CACHE_HOME", home.join("cache"));
        cmd.env_remove("WWW_HOME");
        let child = pty.slave.spawn_command(cmd).expect("spawn margay");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        // The master must outlive the session; leak it with the writer's owner.
        let writer = pty.master.take_writer().unwrap();
        std::mem::forget(pty.master);
        Session { parser: vt100::Parser::new(30, 100, 0), raw: Vec::new(), output, writer, child, home }
    }

    fn wait_text(&mut self, text: &str) {
        let end = Instant::now() + DEADLINE;
        while !self.parser.screen().contents().contains(text) {
            match self.output.recv_timeout(end.saturating_duration_since(Instant::now())) {
                Ok(bytes) => {
                    self.parser.process(&bytes);
                    self.raw.extend_from_slice(&bytes);
                }
                Err(_) => {
                    panic!("timed out waiting for {text}; screen:\n{}", self.parser.screen().contents())
                }
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    /// Wait for the process to end and collect everything it wrote.
    fn finish(&mut self) {
        let _ = self.child.wait();
        let end = Instant::now() + Duration::from_secs(2);
        while let Ok(bytes) = self.output.recv_timeout(end.saturating_duration_since(Instant::now())) {
            self.parser.process(&bytes);
            self.raw.extend_from_slice(&bytes);
        }
    }
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
    let mut s = Session::start(&[&server.url("/")]);
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
    let mut s = Session::start(&["--version"]);
    s.finish();
    let config = s.home.join("config/margay");
    std::fs::create_dir_all(config.join("config.toml")).unwrap();
    let keymap = std::ffi::CString::new(config.join("keymap.toml").as_os_str().as_encoded_bytes()).unwrap();
    // A FIFO: reading it would wait for a writer forever.
    assert_eq!(unsafe { libc::mkfifo(keymap.as_ptr(), 0o644) }, 0);
    let mut s = Session::start_in(&[], s.home.clone());
    s.wait_text("not a regular file");
    s.wait_text("Welcome to margay");
    s.send(b"Q");
    s.finish();
    let _ = std::fs::remove_dir_all(&s.home);
    check_escapes(&s.raw);
}
