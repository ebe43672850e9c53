//! The terminal side of the interactive browser: the input thread, which can be paused so
//! that another program (the user's editor) gets the keyboard, and handing the terminal to
//! that program and taking it back.

use margay::ui::Msg;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{self, Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Gate {
    Running,
    PauseRequested,
    Paused,
}

/// Lets the main thread stop the input thread from reading the terminal.
#[derive(Clone)]
pub struct InputGate(Arc<(Mutex<Gate>, Condvar)>);

impl InputGate {
    /// Wait until the input thread has stopped reading. It polls with a short timeout, so
    /// this takes at most that long; no byte meant for the next program is taken.
    pub fn pause(&self) {
        let (lock, cv) = &*self.0;
        let Ok(mut gate) = lock.lock() else { return };
        *gate = Gate::PauseRequested;
        while *gate == Gate::PauseRequested {
            match cv.wait_timeout(gate, Duration::from_secs(1)) {
                Ok((g, _)) => gate = g,
                Err(_) => return,
            }
        }
    }

    pub fn resume(&self) {
        let (lock, cv) = &*self.0;
        if let Ok(mut gate) = lock.lock() {
            *gate = Gate::Running;
            cv.notify_all();
        }
    }

    /// Called by the input thread between reads: blocks while paused.
    fn checkpoint(&self) {
        let (lock, cv) = &*self.0;
        let Ok(mut gate) = lock.lock() else { return };
        if *gate == Gate::PauseRequested {
            *gate = Gate::Paused;
            cv.notify_all();
        }
        while *gate == Gate::Paused {
            match cv.wait(gate) {
                Ok(g) => gate = g,
                Err(_) => return,
            }
        }
    }
}

/// Read keys, mouse and resize events into the app's channel until it closes.
pub fn spawn_input(tx: mpsc::Sender<Msg>) -> std::io::Result<InputGate> {
    let gate = InputGate(Arc::new((Mutex::new(Gate::Running), Condvar::new())));
    let thread_gate = gate.clone();
    let started = margay::jobs::spawn_service(margay::jobs::Kind::Input, move || loop {
        thread_gate.checkpoint();
        match event::poll(Duration::from_millis(50)) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(_) => break,
        }
        let msg = match event::read() {
            Ok(Event::Key(key)) => Msg::Key(key),
            Ok(Event::Mouse(mouse)) => Msg::Mouse(mouse),
            Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
            Ok(_) => continue,
            Err(_) => break,
        };
        if tx.send(msg).is_err() {
            break;
        }
    });
    started.map(|()| gate)
}

/// Give the terminal to the user's editor ($VISUAL, $EDITOR, else vi) for `text`, and
/// take it back. The text travels through a private temporary file with an unpredictable
/// name (tempfile), removed afterwards.
pub fn edit_externally(
    terminal: &mut ratatui::DefaultTerminal,
    gate: &InputGate,
    text: &str,
) -> Result<String, String> {
    let file = write_private("margay-textarea-", text)
        .map_err(|e| format!("cannot write the text to a temporary file: {e}"))?;
    let path = file.path().to_path_buf();
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .ok()
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    // Through sh, so that EDITOR may carry arguments ("emacs -nw"), as other programs allow.
    let status = hand_over(terminal, gate, || {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(&path)
            .status()
    });
    let result = match status {
        // Read by path: an editor may replace the file rather than write into it.
        Ok(s) if s.success() => std::fs::read(&path)
            .map(|bytes| String::from_utf8_lossy(&bytes).trim_end_matches('\n').to_string())
            .map_err(|e| format!("cannot read the edited text: {e}")),
        Ok(s) => Err(format!("the editor ({editor}) failed ({s}); the text was not changed")),
        Err(e) => Err(format!("cannot start the editor ({editor}): {e}")),
    };
    drop(file);
    result
}

/// Ctrl-Z: the terminal as it was, the process stopped until the shell continues it (`fg`),
/// then the terminal taken back; the window's size then.
pub fn suspend(terminal: &mut ratatui::DefaultTerminal, gate: &InputGate) -> Option<(u16, u16)> {
    hand_over(terminal, gate, || {
        // The shell's prompt needs the cursor the frames hid.
        let _ = execute!(std::io::stdout(), ratatui::crossterm::cursor::Show);
        // SIGSTOP, not SIGTSTP: the signal watcher catches SIGTSTP (to come here first).
        // SAFETY: raise has no memory-safety preconditions.
        unsafe { libc::raise(libc::SIGSTOP) };
    });
    // The window may have changed while the shell had it, and its SIGWINCH went to the shell.
    terminal::size().ok()
}

/// Give the terminal to another program for as long as `run` takes, and take it back.
pub fn hand_over<T>(terminal: &mut ratatui::DefaultTerminal, gate: &InputGate, run: impl FnOnce() -> T) -> T {
    gate.pause();
    let _ = execute!(std::io::stdout(), DisableMouseCapture, LeaveAlternateScreen);
    let _ = terminal::disable_raw_mode();
    // Ctrl-C and Ctrl-\ are the other program's while it has the terminal.
    crate::signals::set_editing(true);
    let result = run();
    crate::signals::set_editing(false);
    let _ = terminal::enable_raw_mode();
    let _ = execute!(std::io::stdout(), EnterAlternateScreen, EnableMouseCapture, Clear(ClearType::All));
    // Forget what the screen held, so the next frame is drawn whole. (Terminal::clear would
    // do it too, but asks the terminal where the cursor is and waits for the answer.)
    terminal.swap_buffers();
    gate.resume();
    result
}

/// Open `body` with the user's viewer: a terminal viewer gets the terminal until it ends, one
/// that writes text has it shown as a page, any other (a window) runs on its own.
pub fn open_externally(
    terminal: &mut ratatui::DefaultTerminal,
    gate: &InputGate,
    files: &std::path::Path,
    body: &[u8],
    mime: &str,
    name: &str,
    late: mpsc::Sender<Msg>,
) -> Result<margay::ui::files::OpenedWith, String> {
    use margay::ui::files::OpenedWith;
    use margay::viewer;
    let viewer = viewer::find_viewer(mime).ok_or_else(|| {
        format!(
            "No viewer for {mime}: add a line such as '{mime}; VIEWER %s' to ~/.mailcap, or save it with p."
        )
    })?;
    let file = viewer::write_for_viewer(files, body, name, &viewer)
        .map_err(|e| format!("cannot write the file for the viewer in {}: {e}", files.display()))?;
    let mut command = viewer::command_for(&viewer, &file);
    let who = viewer.description.clone();
    if viewer.copious_output {
        let out = command
            .stderr(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("cannot start {who}: {e}"))?;
        return Ok(OpenedWith::Output {
            viewer: who,
            text: String::from_utf8_lossy(&out.stdout).into_owned(),
        });
    }
    if viewer.needs_terminal {
        let status = hand_over(terminal, gate, || command.status());
        return match status {
            Ok(_) => Ok(OpenedWith::Finished(who)),
            Err(e) => Err(format!("cannot start {who}: {e}")),
        };
    }
    // A window of its own: nothing of it may reach the screen margay draws.
    let mut child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {who}: {e}"))?;
    // It may still fail (a command that is not there): that is said when it ends.
    let failed_who = who.clone();
    let _ = margay::jobs::spawn_service(margay::jobs::Kind::Wait, move || {
        if let Ok(status) = child.wait() {
            if !status.success() {
                let _ = late.send(Msg::Opened(Err(format!("The viewer {failed_who} failed ({status})."))));
            }
        }
    });
    Ok(OpenedWith::Started(who))
}

/// How long tmux may take to take a copied text: a server that does not answer is given up on.
const TMUX_DEADLINE: Duration = Duration::from_secs(2);

/// Inside tmux (`$TMUX` set): the text into tmux's paste buffer with `tmux load-buffer -w`,
/// which also sends it on to the clipboard of the terminal tmux runs in (tmux 3.2 and later).
/// `None` outside tmux. The text goes in a private temporary file, never on the command line
/// (where other users could read an address's password), nor down a pipe (which a tmux that
/// does not read would leave margay waiting on).
pub fn copy_through_tmux(text: &str) -> Option<Result<(), String>> {
    std::env::var_os("TMUX").filter(|v| !v.is_empty())?;
    Some(load_tmux_buffer(text))
}

fn load_tmux_buffer(text: &str) -> Result<(), String> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let file = write_private("margay-copy-", text)
        .map_err(|e| format!("cannot write the text for tmux: {}", margay::plain::io(&e)))?;
    let mut child = Command::new("tmux")
        .args(["load-buffer", "-w"])
        .arg(file.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run tmux: {}", margay::plain::io(&e)))?;
    let deadline = std::time::Instant::now() + TMUX_DEADLINE;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("tmux did not answer within 2 seconds".into());
            }
            Err(e) => return Err(format!("cannot wait for tmux: {}", margay::plain::io(&e))),
        }
    };
    if status.success() {
        return Ok(());
    }
    let mut said = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.by_ref().take(4096).read_to_string(&mut said);
    }
    let said = margay::sanitize::line(said.lines().next().unwrap_or("")).trim().to_string();
    Err(if said.is_empty() { format!("tmux failed ({status})") } else { said })
}

/// `text` in a new file of the temporary directory that only this user can read, removed
/// when the returned handle is dropped.
fn write_private(prefix: &str, text: &str) -> std::io::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut file = tempfile::Builder::new().prefix(prefix).suffix(".txt").tempfile()?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    Ok(file)
}
