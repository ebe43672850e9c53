//! End to end: the real binary in a pseudo-terminal, read through a vt100 emulator. Keys are
//! sent as bytes; each step waits for the screen to show what it expects (with a deadline,
//! never a fixed sleep). After margay exits, `stty -a` runs on the same terminal to prove
//! the modes were restored.

mod common;

use common::{Reply, TestServer};
use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(20);

struct Session {
    parser: vt100::Parser,
    raw: Vec<u8>,
    output: Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _home: std::path::PathBuf,
}

impl Session {
    /// Run `margay ARGS; stty -a` in a shell on a fresh pty of the given size.
    fn start(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("a pty");
        let home = std::env::temp_dir().join(format!("margay-pty-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&home).unwrap();
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let script =
            format!("'{}' {}; echo; echo EXIT=$?; stty -a", env!("CARGO_BIN_EXE_margay"), quoted.join(" "));
        let mut cmd = CommandBuilder::new("sh");
        cmd.args(["-c", &script]);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", &home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("XDG_CACHE_HOME", home.join("cache"));
        cmd.env_remove("WWW_HOME");
        for (k, v) in env {
            cmd.env(k, v);
        }
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
        let writer = pty.master.take_writer().unwrap();
        Session {
            parser: vt100::Parser::new(rows, cols, 0),
            raw: Vec::new(),
            output,
            writer,
            master: pty.master,
            child,
            _home: home,
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Feed output to the emulator until `done` holds for the screen (or the raw bytes).
    fn wait_for(&mut self, what: &str, done: impl Fn(&Session) -> bool) {
        let end = Instant::now() + DEADLINE;
        while !done(self) {
            let left = end.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(bytes) => {
                    self.parser.process(&bytes);
                    self.raw.extend_from_slice(&bytes);
                }
                Err(_) => panic!("timed out waiting for {what}; screen:\n{}", self.screen()),
            }
        }
    }

    fn wait_text(&mut self, text: &str) {
        let t = text.to_string();
        self.wait_for(text, move |s| s.screen().contains(&t));
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    /// Wait for margay to exit and the shell to print the terminal's settings.
    fn wait_exit(&mut self) -> String {
        self.wait_for("exit and stty", |s| String::from_utf8_lossy(&s.raw).contains("speed"));
        self.wait_for("stty output", |s| {
            let raw = String::from_utf8_lossy(&s.raw);
            raw.contains("EXIT=") && (raw.contains(" echo") || raw.contains("-echo"))
        });
        let _ = self.child.wait();
        String::from_utf8_lossy(&self.raw).into_owned()
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

/// The terminal is as margay found it: main screen, cursor shown, no mouse reporting, and
/// line editing with echo on.
fn assert_restored(s: &Session, raw: &str) {
    assert!(!s.parser.screen().alternate_screen(), "still on the alternate screen");
    assert!(!s.parser.screen().hide_cursor(), "cursor still hidden");
    assert_eq!(
        s.parser.screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "mouse still captured"
    );
    let stty = &raw[raw.rfind("speed").unwrap()..];
    assert!(stty.contains(" icanon") && stty.contains(" echo"), "raw mode left on: {stty}");
}

#[test]
fn browse_resize_and_quit_in_a_real_terminal() {
    let server = TestServer::start(|req| match req.path.as_str() {
        "/" => Reply::html(&format!(
            "<title>PTY home</title><h1>Welcome</h1><p>{} <a href=\"/next\">go next</a></p>",
            "words ".repeat(40)
        )),
        "/next" => Reply::html("<title>Next</title><p>You followed the link.</p>"),
        _ => Reply::new(404),
    });
    let mut s = Session::start(&[&server.url("/")], 80, 24, &[]);
    s.wait_text("PTY home");
    s.wait_text("[1]go next");
    s.send(b"\t");
    s.send(b"\r");
    s.wait_text("You followed the link.");
    // Left arrow goes back.
    s.send(b"\x1b[D");
    s.wait_text("[1]go next");
    // A narrower terminal re-wraps the page.
    s.master.resize(PtySize { rows: 24, cols: 40, pixel_width: 0, pixel_height: 0 }).unwrap();
    s.parser.screen_mut().set_size(24, 40);
    s.wait_for("a re-wrapped page", |s| {
        let screen = s.screen();
        screen.contains("Welcome") && screen.lines().filter(|l| l.starts_with("words")).count() >= 5
    });
    // q asks, y confirms.
    s.send(b"q");
    s.wait_text("Are you sure you want to quit?");
    s.send(b"y");
    let raw = s.wait_exit();
    assert!(raw.contains("EXIT=0"), "{raw}");
    assert_restored(&s, &raw);
}

#[test]
fn start_page_help_and_capital_q() {
    let mut s = Session::start(&[], 100, 30, &[]);
    s.wait_text("Welcome to margay");
    s.send(b"?");
    s.wait_text("What they do");
    s.send(b"\x1b[D");
    s.wait_text("Getting around");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert!(raw.contains("EXIT=0"));
    assert_restored(&s, &raw);
}

#[test]
fn www_home_opens_that_page() {
    let server = TestServer::start(|_| Reply::html("<title>Home from env</title><p>set by WWW_HOME</p>"));
    let url = server.url("/");
    let mut s = Session::start(&[], 80, 24, &[("WWW_HOME", &url)]);
    s.wait_text("set by WWW_HOME");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert_restored(&s, &raw);
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for signal in ["TERM", "HUP"] {
        let mut s = Session::start(&[], 80, 24, &[]);
        s.wait_text("Welcome to margay");
        // The shell is the pty's child; margay is the shell's child.
        let shell = s.child.process_id().unwrap();
        let out = std::process::Command::new("pkill")
            .args([&format!("-{signal}"), "-P", &shell.to_string()])
            .status()
            .unwrap();
        assert!(out.success(), "pkill found margay");
        let raw = s.wait_exit();
        assert_restored(&s, &raw);
    }
}

#[test]
fn a_bad_keymap_names_its_line_and_the_browser_still_starts() {
    let mut s = Session::start(&[], 100, 24, &[]);
    // Write the bad config into this session's XDG_CONFIG_HOME, then start again with it.
    let config = s._home.join("config/margay");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("keymap.toml"), "back = [\"Left\"]\nfly = [\"x\"]\n").unwrap();
    s.send(b"Q");
    s.wait_exit();
    let home = s._home.clone();
    let mut s = Session::start(&[], 100, 24, &[("XDG_CONFIG_HOME", home.join("config").to_str().unwrap())]);
    s.wait_text("line 2: unknown action 'fly'");
    s.wait_text("Welcome to margay");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert_restored(&s, &raw);
}

#[test]
fn mouse_click_follows_a_link() {
    let server = TestServer::start(|req| match req.path.as_str() {
        "/" => Reply::html("<title>Mouse</title><p><a href=\"/clicked\">click me</a></p>"),
        _ => Reply::html("<title>Clicked</title><p>the mouse worked</p>"),
    });
    let mut s = Session::start(&[&server.url("/")], 80, 24, &[]);
    s.wait_text("[1]click me");
    let screen = s.screen();
    let (row, line) = screen.lines().enumerate().find(|(_, l)| l.contains("click me")).unwrap();
    let col = line.find("click").unwrap();
    // SGR mouse report: button 0 press and release at (col+1, row+1), 1-based.
    s.send(format!("\x1b[<0;{};{}M\x1b[<0;{};{}m", col + 1, row + 1, col + 1, row + 1).as_bytes());
    s.wait_text("the mouse worked");
    s.send(b"Q");
    s.wait_exit();
}

#[test]
fn a_textarea_is_edited_in_the_users_editor() {
    let server = TestServer::start(|req| match req.method.as_str() {
        "POST" => Reply::html(&format!("<p>got {}</p>", String::from_utf8_lossy(&req.body))),
        _ => Reply::html("<form method=post><textarea name=t>one two</textarea><input type=submit></form>"),
    });
    let mut s = Session::start(&[&server.url("/")], 80, 24, &[("EDITOR", "sed -i s/one/ONE/")]);
    s.wait_text("[1]one two");
    s.send(b"\r");
    s.wait_text("[1]ONE two");
    s.send(b"2\r");
    s.wait_text("got t=ONE+two");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert_restored(&s, &raw);
}

#[test]
fn a_permanent_move_relinks_the_bookmark_file() {
    let server = TestServer::start(|req| match req.path.as_str() {
        "/old" => Reply::new(301).header("Location", "/new"),
        _ => Reply::html("<title>New place</title><p>moved here</p>"),
    });
    let data =
        std::env::temp_dir().join(format!("margay-pty-relink-{}-{}", std::process::id(), rand_suffix()));
    let file = data.join("margay/bookmarks.html");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let mut store = margay::store::bookmarks::BookmarkStore::open(&file).unwrap();
    store.add::<&str>(&[], margay::store::bookmarks::Bookmark::new(&server.url("/old"), "Old home")).unwrap();
    let mut s = Session::start(&[&server.url("/old")], 120, 24, &[("XDG_DATA_HOME", data.to_str().unwrap())]);
    s.wait_text("moved here");
    s.wait_text("Bookmark 'Old home' moved permanently to");
    s.send(b"y");
    s.wait_text("Relinked 1 bookmark");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert_restored(&s, &raw);
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains(&format!("HREF=\"{}\"", server.url("/new"))), "{saved}");
    assert!(saved.contains(&format!("FORMER_HREF=\"{}\"", server.url("/old"))), "{saved}");
}
