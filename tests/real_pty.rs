//! The real binary in a pseudo-terminal against nginx: a bookmark added from the command
//! line while the browser runs is seen by the browser — on its bookmarks page and in the
//! relink offer after a permanent move — without a restart; and the terminal is restored.

mod common;

use common::pty::{fresh_home, Run, Session};
use common::servers;

#[test]
fn a_viewer_that_fails_is_said_to_have_failed() {
    let Some(nginx) = servers::nginx() else { return };
    let home = fresh_home("real-pty-viewer");
    std::fs::create_dir_all(&home).unwrap();
    let mailcap = home.join("mailcap");
    std::fs::write(&mailcap, "image/png; /nonexistent/viewer %s\n").unwrap();
    let mailcaps = mailcap.to_str().unwrap().to_string();
    let env = [("MAILCAPS", mailcaps.as_str())];
    let mut s =
        Session::spawn(&[&format!("{}/image.png", nginx.http)], 120, 30, &env, home.clone(), Run::ThenStty);
    s.wait_text("This is a PNG image");
    s.send(b"o");
    s.wait_text("failed");
    assert!(s.screen().contains("The viewer /nonexistent/viewer %s"), "{}", s.screen());
    s.send(b"Q");
    let raw = s.wait_exit();
    assert!(raw.contains(" icanon"), "the terminal is restored");
}

#[test]
fn a_bookmark_added_from_the_command_line_is_seen_and_relinked() {
    let Some(nginx) = servers::nginx() else { return };
    let home = fresh_home("real-pty");
    let mut s =
        Session::spawn(&[&format!("{}/index.html", nginx.http)], 120, 30, &[], home.clone(), Run::ThenStty);
    s.wait_text("margay test site");
    s.send(b"v");
    s.wait_text("Bookmarks");
    let moved = format!("{}/r301", nginx.http);
    let added = std::process::Command::new(env!("CARGO_BIN_EXE_margay"))
        .args(["bookmarks", "add", &moved, "--title", "Moved one"])
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .status()
        .expect("margay bookmarks add");
    assert!(added.success());
    // The bookmarks page shows it once the browser has noticed the file changed.
    s.wait_text("Moved one");
    s.send(b"g");
    s.send(moved.as_bytes());
    s.send(b"\r");
    s.wait_text("Bookmark 'Moved one' moved permanently to");
    s.send(b"y");
    s.wait_text("Relinked 1 bookmark");
    s.send(b"Q");
    let raw = s.wait_exit();
    assert!(raw.contains(" icanon") && raw.contains(" echo"), "the terminal is restored");
    let file = std::fs::read_to_string(home.join("data/margay/bookmarks.html")).unwrap();
    assert!(file.contains(&format!("HREF=\"{}/index.html\"", nginx.http)), "{file}");
}
