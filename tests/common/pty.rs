//! The real binary in a pseudo-terminal, read through a vt100 emulator. Each step waits
//! for what it expects to appear (with a deadline, never a fixed sleep).

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(20);

/// How margay is started.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// margay alone: every byte read is margay's.
    Direct,
    /// `margay ARGS`, then `echo EXIT=<its status>; stty -a` in a shell, to see the terminal's
    /// modes after.
    ThenStty,
}

pub struct Session {
    pub parser: vt100::Parser,
    pub raw: Vec<u8>,
    output: Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    pub master: Box<dyn portable_pty::MasterPty + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    /// The terminal's other end, held until the program's output is all read.
    slave: Option<Box<dyn portable_pty::SlavePty + Send>>,
    /// HOME and the XDG directories of this session live here.
    pub home: PathBuf,
    /// The home did not exist before: it goes with the session.
    made_home: bool,
}

/// A fresh directory name for a session's home.
pub fn fresh_home(tag: &str) -> PathBuf {
    static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    std::env::temp_dir().join(format!("margay-{tag}-{}-{n}", std::process::id()))
}

/// The session's margay is stopped if it still runs, and the home it made removed (one the
/// test made first, for several runs, is the test's): nothing is left in the temporary
/// directory.
impl Drop for Session {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if self.made_home {
            let _ = std::fs::remove_dir_all(&self.home);
        }
    }
}

impl Session {
    pub fn spawn(
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
        home: PathBuf,
        run: Run,
    ) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("a pty");
        let made_home = !home.exists();
        std::fs::create_dir_all(&home).unwrap();
        let mut cmd = match run {
            Run::Direct => {
                let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_margay"));
                cmd.args(args);
                cmd
            }
            Run::ThenStty => {
                let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
                // The status is kept before `echo` replaces it.
                let script = format!(
                    "'{}' {}; status=$?; echo; echo EXIT=$status; stty -a",
                    env!("CARGO_BIN_EXE_margay"),
                    quoted.join(" ")
                );
                let mut cmd = CommandBuilder::new("sh");
                cmd.args(["-c", &script]);
                cmd
            }
        };
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", &home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("XDG_CACHE_HOME", home.join("cache"));
        cmd.env("XDG_STATE_HOME", home.join("state"));
        cmd.env_remove("WWW_HOME");
        // Run from inside tmux, margay would copy into that tmux's buffer.
        cmd.env_remove("TMUX");
        cmd.env_remove("TMUX_PANE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn margay");
        // The test keeps the terminal's other end open until margay's last words are read:
        // once the last holder of that end closes it, the kernel may drop what was not read.
        let slave = Some(pty.slave);
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
            slave,
            home,
            made_home,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
        self.raw.extend_from_slice(bytes);
    }

    /// Feed output to the emulator until `done` holds for the screen (or the raw bytes).
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&Session) -> bool) {
        let end = Instant::now() + DEADLINE;
        while !done(self) {
            match self.output.recv_timeout(end.saturating_duration_since(Instant::now())) {
                Ok(bytes) => self.feed(&bytes),
                Err(_) => panic!("timed out waiting for {what}; screen:\n{}", self.screen()),
            }
        }
    }

    pub fn wait_text(&mut self, text: &str) {
        let t = text.to_string();
        self.wait_for(text, move |s| s.screen().contains(&t));
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    /// [`Run::ThenStty`]: wait for margay to exit and the shell to print the terminal's
    /// settings; everything written, as text.
    pub fn wait_exit(&mut self) -> String {
        self.wait_for("exit and stty", |s| String::from_utf8_lossy(&s.raw).contains("speed"));
        self.wait_for("stty output", |s| {
            let raw = String::from_utf8_lossy(&s.raw);
            raw.contains("EXIT=") && (raw.contains(" echo") || raw.contains("-echo"))
        });
        let _ = self.child.wait();
        self.slave = None;
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// [`Run::Direct`]: wait for margay to exit and collect everything it wrote.
    pub fn finish(&mut self) {
        let _ = self.child.wait();
        // What it wrote is in the terminal's buffer: the reader gets it, then the end.
        self.slave = None;
        let end = Instant::now() + Duration::from_secs(2);
        while let Ok(bytes) = self.output.recv_timeout(end.saturating_duration_since(Instant::now())) {
            self.feed(&bytes);
        }
    }
}
