//! Signals while the full-screen browser runs: every signal whose default action ends the
//! process restores the terminal first (main screen, cursor shown, no mouse reporting,
//! line editing and echo on), then ends the process by that same signal, so that the shell
//! sees why it ended.
//!
//! The signals are read on a thread of their own (signal-hook's iterator). The browser's
//! loop is asked to leave as on `Q` (downloads cancelled, the terminal restored between two
//! frames); only if it has not done so within [`GRACE`] does this thread write the restoring
//! sequences itself. SIGABRT (an abort, a stack overflow) cannot wait for a thread: its
//! handler restores the terminal at once with async-signal-safe calls (`write`,
//! `tcsetattr`), for which the terminal's settings are saved at start.
//!
//! SIGTSTP from outside (`kill -TSTP`; in raw mode Ctrl-Z is a key) asks the loop to stop
//! as Ctrl-Z does: the terminal given back, then SIGSTOP, and taken back on SIGCONT.
//!
//! While the user's editor has the terminal, SIGINT and SIGQUIT belong to it (as `system()`
//! does) and the browser waits for the editor before it leaves. SIGPIPE stays ignored, as
//! the Rust runtime sets it: a write to a closed pipe fails instead. What this must never
//! do: write to the terminal while the browser's loop may still be drawing, or end the
//! process without restoring the terminal.

use margay::ui::Msg;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::Duration;

/// How long the browser's loop has to leave after a signal before this module restores the
/// terminal itself.
const GRACE: Duration = Duration::from_secs(2);

/// What undoes the browser's terminal modes: mouse reporting off (every mode crossterm
/// turns on), attributes reset, cursor shown, back to the main screen.
const RESTORE: &[u8] = b"\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1002l\x1b[?1000l\x1b[0m\x1b[?25h\x1b[?1049l";

/// The signal that ended the browser's loop, 0 for none.
static RECEIVED: AtomicI32 = AtomicI32::new(0);
/// The user's editor has the terminal.
static EDITING: AtomicBool = AtomicBool::new(false);
/// The browser has the terminal in its modes.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// The terminal's file descriptor and its settings before the browser started.
static SAVED: OnceLock<(c_int, libc::termios)> = OnceLock::new();

/// The signals caught: those whose default action ends the process (SIGKILL and SIGSTOP
/// cannot be caught; SIGSEGV, SIGBUS, SIGILL and SIGFPE are the Rust runtime's; SIGABRT has
/// its own handler).
fn ending_signals() -> Vec<c_int> {
    use signal_hook::consts::signal::*;
    let mut signals = vec![
        SIGHUP, SIGINT, SIGQUIT, SIGTRAP, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGXCPU, SIGXFSZ, SIGVTALRM,
        SIGPROF, SIGSYS,
    ];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        signals.extend([libc::SIGIO, libc::SIGPWR, libc::SIGSTKFLT]);
        signals.extend(libc::SIGRTMIN()..=libc::SIGRTMAX());
    }
    signals
}

/// Save the terminal's settings, for a restore from a signal handler. Call before the
/// terminal is put in raw mode.
pub fn remember_terminal() {
    // The terminal crossterm puts in raw mode: standard input, else /dev/tty.
    // SAFETY: isatty, open and tcgetattr only read; the termios is written by tcgetattr.
    unsafe {
        let fd = if libc::isatty(libc::STDIN_FILENO) == 1 {
            libc::STDIN_FILENO
        } else {
            libc::open(c"/dev/tty".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC)
        };
        if fd < 0 {
            return;
        }
        let mut termios: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(fd, &mut termios) == 0 {
            let _ = SAVED.set((fd, termios));
        }
    }
}

/// The browser has put the terminal in its modes (`true`) or restored it (`false`).
pub fn set_active(active: bool) {
    ACTIVE.store(active, Ordering::SeqCst);
}

/// The user's editor has the terminal (`true`), or has given it back.
pub fn set_editing(editing: bool) {
    EDITING.store(editing, Ordering::SeqCst);
}

/// Start catching the ending signals: each sends `Msg::Terminate` to the browser's loop,
/// which then sends on `restored`'s other end once the terminal is restored.
pub fn watch(tx: mpsc::Sender<Msg>, restored: mpsc::Receiver<()>) -> std::io::Result<()> {
    // SAFETY: the action only makes async-signal-safe calls (write, tcsetattr, sigaction,
    // sigprocmask, raise) and reads atomics.
    unsafe {
        signal_hook::low_level::register(signal_hook::consts::SIGABRT, || {
            if ACTIVE.load(Ordering::SeqCst) {
                restore_now();
            }
            let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGABRT);
        })?;
    }
    let mut watched = ending_signals();
    watched.push(libc::SIGTSTP);
    let mut signals = signal_hook::iterator::Signals::new(watched)?;
    margay::jobs::spawn_service(margay::jobs::Kind::Signals, move || {
        for signal in signals.forever() {
            let editor_has_it = EDITING.load(Ordering::SeqCst);
            if signal == libc::SIGTSTP {
                // The editor (cooked mode, its own Ctrl-Z) stops with us; else the loop
                // gives the terminal back first, as on Ctrl-Z.
                if editor_has_it || tx.send(Msg::Suspend).is_err() {
                    // SAFETY: raise has no memory-safety preconditions.
                    unsafe { libc::raise(libc::SIGSTOP) };
                }
                continue;
            }
            if editor_has_it && matches!(signal, libc::SIGINT | libc::SIGQUIT) {
                continue;
            }
            RECEIVED.store(signal, Ordering::SeqCst);
            if tx.send(Msg::Terminate).is_ok() && loop_restores(&restored) {
                // The browser's loop restores the terminal and ends the process (`end`).
                return;
            }
            if ACTIVE.load(Ordering::SeqCst) {
                restore_now();
            }
            end_by(signal);
        }
    })
}

/// Wait for the browser's loop to restore the terminal: true when it did (or is about to),
/// false when it did not within [`GRACE`] (the editor aside: it may take the user's time).
fn loop_restores(restored: &mpsc::Receiver<()>) -> bool {
    loop {
        match restored.recv_timeout(GRACE) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => return true,
            Err(mpsc::RecvTimeoutError::Timeout) if EDITING.load(Ordering::SeqCst) => continue,
            Err(mpsc::RecvTimeoutError::Timeout) => return false,
        }
    }
}

/// After the terminal is restored: if a signal ended the browser, end the process by it.
pub fn end() {
    let signal = RECEIVED.load(Ordering::SeqCst);
    if signal != 0 {
        end_by(signal);
    }
}

fn end_by(signal: c_int) -> ! {
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    // A signal whose default action signal-hook does not know (or one it takes for ignored):
    // the shell's convention for "ended by a signal".
    std::process::exit(128 + signal)
}

/// Undo the browser's modes with async-signal-safe calls only.
fn restore_now() {
    // SAFETY: write and tcsetattr are async-signal-safe; the buffer and the saved settings
    // live for the whole program.
    unsafe {
        let _ = libc::write(libc::STDOUT_FILENO, RESTORE.as_ptr().cast(), RESTORE.len());
        if let Some((fd, termios)) = SAVED.get() {
            let _ = libc::tcsetattr(*fd, libc::TCSANOW, termios);
        }
    }
}
