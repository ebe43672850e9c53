//! The real binary inside a real tmux (a server of the test's own, on a socket in the test's
//! folder): `y` puts the address in tmux's paste buffer, which tmux passes on to the outer
//! terminal's clipboard; where tmux refuses, the OSC 52 sequence goes to the terminal instead.

mod common;

use common::pty::{fresh_home, Run, Session};
use common::{servers, Reply, TestServer};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(20);

/// A tmux server of this test's own; killed, and its folder removed, when dropped.
struct Tmux {
    program: PathBuf,
    socket: PathBuf,
    home: PathBuf,
}

impl Tmux {
    /// A detached session of 100×30 running `margay URL`, with HOME and the XDG folders in
    /// the test's own folder.
    fn start(program: &Path, url: &str) -> Tmux {
        let home = fresh_home("tmux");
        std::fs::create_dir_all(&home).unwrap();
        let tmux = Tmux { program: program.to_path_buf(), socket: home.join("tmux.socket"), home };
        let command = format!("'{}' '{url}'", env!("CARGO_BIN_EXE_margay"));
        let started = Command::new(program)
            .args(["-S"])
            .arg(&tmux.socket)
            .args(["-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "30", &command])
            .env("HOME", &tmux.home)
            .env("XDG_CONFIG_HOME", tmux.home.join("config"))
            .env("XDG_DATA_HOME", tmux.home.join("data"))
            .env("XDG_CACHE_HOME", tmux.home.join("cache"))
            .env("XDG_STATE_HOME", tmux.home.join("state"))
            .env("TERM", "xterm-256color")
            .env_remove("TMUX")
            .status()
            .expect("run tmux");
        assert!(started.success(), "tmux new-session failed");
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let out =
            Command::new(&self.program).arg("-S").arg(&self.socket).args(args).output().expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p"])
    }

    /// Wait (with a deadline, asking tmux again as it goes) until `done` holds.
    fn wait_for(&self, what: &str, done: impl Fn(&Tmux) -> bool) {
        let end = Instant::now() + DEADLINE;
        while !done(self) {
            assert!(Instant::now() < end, "timed out waiting for {what}; screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

fn link_page() -> TestServer {
    TestServer::start(|_| Reply::html("<title>Copy</title><p><a href=\"/copied\">take me</a></p>"))
}

#[test]
fn inside_tmux_y_puts_the_address_in_tmuxs_paste_buffer() {
    let Some(program) = servers::program("tmux") else { return };
    let server = link_page();
    let tmux = Tmux::start(&program, &server.url("/"));
    tmux.wait_for("the page", |t| t.screen().contains("[1]take me"));
    tmux.run(&["send-keys", "y"]);
    let url = server.url("/copied");
    tmux.wait_for("the address in tmux's buffer", |t| t.run(&["show-buffer"]) == url);
    tmux.wait_for("the message", |t| t.screen().contains("to tmux's paste buffer"));
    tmux.run(&["send-keys", "Q"]);
    tmux.wait_for("margay to quit", |t| t.run(&["list-sessions"]).is_empty());
}

#[test]
fn where_tmux_refuses_the_address_goes_to_the_terminal_as_osc_52() {
    let Some(_) = servers::program("tmux") else { return };
    let server = link_page();
    let home = fresh_home("tmux-refused");
    // A tmux whose server has gone: `tmux load-buffer` fails, as it does after a detach and
    // kill, or in a shell that kept a stale TMUX.
    let gone = format!("{},1,0", home.join("no-such-socket").display());
    let env = [("TMUX", gone.as_str())];
    let mut s = Session::spawn(&[&server.url("/")], 120, 24, &env, home.clone(), Run::ThenStty);
    s.wait_text("[1]take me");
    s.send(b"y");
    let url = server.url("/copied");
    let sequence = common::osc52(&url);
    s.wait_for("the OSC 52 sequence", |s| s.raw.windows(sequence.len()).any(|w| w == sequence.as_slice()));
    s.wait_text("tmux refused");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert!(raw.contains("EXIT=0"), "{raw}");
    let _ = std::fs::remove_dir_all(&home);
}
