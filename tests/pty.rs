//! End to end: the real binary in a pseudo-terminal, read through a vt100 emulator. Keys are
//! sent as bytes; each step waits for the screen to show what it expects (with a deadline,
//! never a fixed sleep). After margay exits, `stty -a` runs on the same terminal to prove
//! the modes were restored.

mod common;
mod hostile_server;

use common::pty::{fresh_home, Run, Session};
use common::{Reply, TestServer};
use portable_pty::PtySize;

/// `margay ARGS; stty -a` on a fresh pty of the given size.
fn start(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Session {
    Session::spawn(args, cols, rows, env, fresh_home("pty"), Run::ThenStty)
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
    let mut s = start(&[&server.url("/")], 80, 24, &[]);
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
    let mut s = start(&[], 100, 30, &[]);
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
    let mut s = start(&[], 80, 24, &[("WWW_HOME", &url)]);
    s.wait_text("set by WWW_HOME");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert_restored(&s, &raw);
}

/// Send signal number `signal` to the margay that the session's shell runs.
fn signal_margay(s: &Session, signal: i32) {
    // The shell is the pty's child; margay is the shell's child.
    let shell = s.child.process_id().unwrap();
    let out = std::process::Command::new("pkill")
        .args([&format!("-{signal}"), "-P", &shell.to_string()])
        .status()
        .unwrap();
    assert!(out.success(), "pkill found margay");
}

#[test]
fn every_signal_that_ends_margay_restores_the_terminal_first() {
    // SIGINT and SIGQUIT from outside too: in raw mode the keys do not send them, `kill` does.
    let signals = [
        ("INT", libc::SIGINT),
        ("QUIT", libc::SIGQUIT),
        ("USR1", libc::SIGUSR1),
        ("USR2", libc::SIGUSR2),
        ("ALRM", libc::SIGALRM),
        ("TERM", libc::SIGTERM),
        ("HUP", libc::SIGHUP),
        ("VTALRM", libc::SIGVTALRM),
        ("PROF", libc::SIGPROF),
        ("XCPU", libc::SIGXCPU),
        ("RTMIN", libc::SIGRTMIN()),
        ("ABRT", libc::SIGABRT),
    ];
    for (name, signal) in signals {
        let mut s = start(&[], 80, 24, &[]);
        s.wait_text("Welcome to margay");
        signal_margay(&s, signal);
        let raw = s.wait_exit();
        assert_restored(&s, &raw);
        // And the shell learns that the signal ended margay (128 + its number), as it
        // would without margay's handling.
        let status = &raw[raw.rfind("EXIT=").unwrap()..];
        assert!(status.starts_with(&format!("EXIT={}", 128 + signal)), "SIG{name}: {status}");
    }
}

#[test]
fn a_signal_during_a_download_leaves_no_part_file() {
    let server = hostile_server::RawServer::start(|request, stream| {
        if request.path == "/" {
            let page = "<title>Files</title><p><a href=\"/big.bin\">big file</a></p>";
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n",
                page.len()
            );
            let _ = std::io::Write::write_all(stream, (head + page).as_bytes());
        } else {
            // A first part of a large file, then nothing more until margay goes away.
            let mut head = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 10000000\r\n\r\n".to_vec();
            head.extend(vec![b'x'; 100_000]);
            hostile_server::stall(stream, &head, std::time::Duration::from_secs(60));
        }
    });
    for (signal, by_key) in [("SIGTERM", false), ("Q", true)] {
        let downloads = fresh_home("pty-downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let dir = downloads.to_str().unwrap();
        let mut s = start(&[&server.url("/")], 100, 24, &[("XDG_DOWNLOAD_DIR", dir)]);
        s.wait_text("[1]big file");
        s.send(b"d");
        s.wait_text("big.bin");
        s.send(b"\r");
        // The gauge counts bytes written to the .part file.
        s.wait_for("bytes written", |s| {
            let screen = s.screen();
            screen.contains("Downloading big.bin: ") && !screen.contains("big.bin: 0 bytes")
        });
        assert!(downloads.join("big.bin.part").exists(), "the download writes its .part file");
        if by_key {
            s.send(signal.as_bytes());
        } else {
            signal_margay(&s, libc::SIGTERM);
        }
        let raw = s.wait_exit();
        assert_restored(&s, &raw);
        let left: Vec<_> = std::fs::read_dir(&downloads).unwrap().flatten().map(|e| e.file_name()).collect();
        assert!(left.is_empty(), "{signal}: {left:?} left in the download folder");
        let _ = std::fs::remove_dir_all(&downloads);
    }
}

#[test]
fn a_dumb_terminal_gets_the_page_as_text_and_no_escape_sequence() {
    let server = TestServer::start(|_| {
        Reply::html("<title>Plain</title><h1>Heading</h1><p>Some <a href=/x>link</a></p>")
    });
    let mut s = start(&[&server.url("/")], 80, 24, &[("TERM", "dumb")]);
    let raw = s.wait_exit();
    let printed = &raw[..raw.find("EXIT=").unwrap()];
    assert!(printed.contains("TERM=dumb") && printed.contains("printing the page as text"), "{printed}");
    assert!(
        printed.contains("Heading") && printed.contains("[1]link") && printed.contains("References"),
        "{printed}"
    );
    assert!(!printed.contains('\x1b'), "an escape sequence was written: {printed:?}");
    assert!(raw.contains("EXIT=0"), "{raw}");
    // Without an address there is nothing to print: a message says what to do.
    let mut s = start(&[], 80, 24, &[("TERM", "dumb")]);
    let raw = s.wait_exit();
    assert!(raw.contains("margay --dump ADDRESS") && raw.contains("EXIT=2"), "{raw}");
    assert!(!raw[..raw.find("EXIT=").unwrap()].contains('\x1b'), "{raw:?}");
}

#[test]
fn a_bad_keymap_names_its_line_and_the_browser_still_starts() {
    let mut s = start(&[], 100, 24, &[]);
    // Write the bad config into this session's XDG_CONFIG_HOME, then start again with it.
    let config = s.home.join("config/margay");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("keymap.toml"), "back = [\"Left\"]\nfly = [\"x\"]\n").unwrap();
    s.send(b"Q");
    s.wait_exit();
    let home = s.home.clone();
    let mut s = start(&[], 100, 24, &[("XDG_CONFIG_HOME", home.join("config").to_str().unwrap())]);
    s.wait_text("line 2: unknown action 'fly'");
    s.wait_text("Welcome to margay");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert_restored(&s, &raw);
}

#[test]
fn a_settings_warning_stays_over_the_first_page_until_a_key() {
    let server = TestServer::start(|_| Reply::html("<title>Landed</title><p>the page arrived</p>"));
    let home = fresh_home("pty-warning");
    std::fs::create_dir_all(home.join("config/margay")).unwrap();
    std::fs::write(home.join("config/margay/config.toml"), "[network]\nbody_cap_mb = \"ten\"\n").unwrap();
    let mut s = Session::spawn(&[&server.url("/")], 200, 24, &[], home, Run::ThenStty);
    let status = |s: &Session| s.screen().lines().nth(23).unwrap_or("").to_string();
    // The page has landed and its frame is complete: the status line no longer says Loading.
    s.wait_for("the page, drawn whole", |s| {
        s.screen().contains("the page arrived")
            && !status(s).contains("Loading")
            && !status(s).trim().is_empty()
    });
    assert!(status(&s).contains("line 2: body_cap_mb must be a whole number"), "{}", s.screen());
    // A key's own message replaces it (back, on the first page).
    s.send(b"\x1b[D");
    s.wait_for("the key's message", |s| status(s).contains("Already at the first page"));
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
    let mut s = start(&[&server.url("/")], 80, 24, &[]);
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
    let mut s = start(&[&server.url("/")], 80, 24, &[("EDITOR", "sed -i s/one/ONE/")]);
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
fn ctrl_c_while_the_editor_runs_is_the_editors() {
    let server = TestServer::start(|req| match req.method.as_str() {
        "POST" => Reply::html(&format!("<p>got {}</p>", String::from_utf8_lossy(&req.body))),
        _ => Reply::html("<form method=post><textarea name=t>one two</textarea><input type=submit></form>"),
    });
    // The editor's shell is margay's child: $PPID is margay. SIGINT and SIGQUIT reach both
    // when Ctrl-C or Ctrl-\ is typed in a cooked-mode editor.
    let editor = "kill -INT $PPID; kill -QUIT $PPID; sed -i s/one/ONE/";
    let mut s = start(&[&server.url("/")], 80, 24, &[("EDITOR", editor)]);
    s.wait_text("[1]one two");
    s.send(b"\r");
    s.wait_text("[1]ONE two");
    s.send(b"2\r");
    s.wait_text("got t=ONE+two");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert!(raw.contains("EXIT=0"), "{}", &raw[raw.rfind("EXIT").unwrap_or(0)..]);
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
    let mut s = start(&[&server.url("/old")], 120, 24, &[("XDG_DATA_HOME", data.to_str().unwrap())]);
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

#[test]
fn y_writes_the_selected_links_address_to_the_terminal_as_osc_52() {
    let server =
        TestServer::start(|_| Reply::html("<title>Copy</title><p><a href=\"/copied\">take me</a></p>"));
    let mut s = start(&[&server.url("/")], 100, 24, &[]);
    s.wait_text("[1]take me");
    s.send(b"y");
    let url = server.url("/copied");
    let sequence = common::osc52(&url);
    s.wait_for("the OSC 52 sequence", |s| s.raw.windows(sequence.len()).any(|w| w == sequence.as_slice()));
    s.wait_text("to the clipboard (OSC 52");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert!(raw.contains("EXIT=0"), "{raw}");
    assert_restored(&s, &raw);
}

/// margay's pid: the child of the shell the session runs it under.
fn margay_pid(s: &Session) -> i32 {
    let shell = s.child.process_id().expect("the shell's pid");
    let children =
        std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).unwrap_or_default();
    children.split_whitespace().next().and_then(|p| p.parse().ok()).expect("margay runs under the shell")
}

/// The state letter of /proc/PID/stat: `T` when stopped.
fn state_of(pid: i32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit(')').next().and_then(|rest| rest.trim_start().chars().next()).unwrap_or('?')
}

#[test]
fn sigtstp_from_outside_gives_the_terminal_back_before_stopping_and_takes_it_again() {
    let server = TestServer::start(|_| Reply::html("<title>Stop here</title><p>a page to come back to</p>"));
    let mut s = start(&[&server.url("/")], 80, 24, &[]);
    s.wait_text("a page to come back to");
    let pid = margay_pid(&s);
    // SAFETY: kill has no memory-safety preconditions.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTSTP) }, 0);
    s.wait_for("the main screen, the cursor shown", |s| {
        !s.parser.screen().alternate_screen() && !s.parser.screen().hide_cursor()
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while state_of(pid) != 'T' {
        assert!(std::time::Instant::now() < deadline, "margay did not stop");
        std::thread::yield_now();
    }
    // SAFETY: as above.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGCONT) }, 0);
    s.wait_for("the page again", |s| {
        s.parser.screen().alternate_screen() && s.screen().contains("a page to come back to")
    });
    s.send(b"Q");
    let raw = s.wait_exit();
    assert!(raw.contains("EXIT=0"), "{}", &raw[raw.rfind("EXIT").unwrap_or(0)..]);
    assert_restored(&s, &raw);
}
