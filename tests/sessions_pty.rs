//! Sessions with the real binary in a pseudo-terminal, across two runs: quit with two tabs,
//! a reading position and a typed value, then `margay --restore` shows them again (the page
//! revalidated through the disk cache); and a margay killed outright loses no more than
//! the last second or so. Each step waits for what it expects (the screen, or the session
//! file, which has no other way to say it was written).

mod common;

use common::pty::{fresh_home, Run, Session};
use common::{Reply, TestServer};
use std::path::Path;
use std::time::{Duration, Instant};

const ETAG: &str = "\"r1\"";

fn site() -> TestServer {
    TestServer::start(|req| {
        if req.header("If-None-Match") == Some(ETAG) {
            return Reply::new(304).header("ETag", ETAG);
        }
        let reply = match req.path.as_str() {
            "/long" => Reply::html(&format!(
                "<title>Long</title>{}",
                (0..100)
                    .map(|i| match i {
                        20 => "<p>row 20 <a href=\"/form\">the form</a></p>".to_string(),
                        i => format!("<p>row {i}</p>"),
                    })
                    .collect::<String>()
            )),
            "/links" => Reply::html(&format!(
                "<title>Links</title>{}",
                (0..100).map(|i| format!("<p><a href=\"/r{i}\">row {i}</a></p>")).collect::<String>()
            )),
            "/form" => Reply::html(
                "<title>Form</title><form action=\"/find\"><p>Words: <input name=\"q\"></p></form>",
            ),
            path => Reply::html(&format!("<title>{path}</title><p>at {path}</p>")),
        };
        reply.header("ETag", ETAG)
    })
}

fn session_file(home: &Path) -> std::path::PathBuf {
    home.join("state").join("margay").join("session.json")
}

/// Wait until the session file holds what `done` looks for (it is written within a second
/// of a change).
fn wait_saved(home: &Path, what: &str, done: impl Fn(&serde_json::Value) -> bool) {
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let saved = std::fs::read_to_string(session_file(home)).unwrap_or_default();
        if serde_json::from_str(&saved).is_ok_and(|json| done(&json)) {
            return;
        }
        assert!(Instant::now() < end, "the session file never held {what}: {saved}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The first line of the page under the bars that has text.
fn top_text(s: &Session, bars: usize) -> String {
    s.screen().lines().skip(bars).find(|l| !l.trim().is_empty()).unwrap_or("").trim_end().to_string()
}

#[test]
fn quit_then_restore_brings_back_tabs_place_and_typed_words() {
    let server = site();
    let home = fresh_home("session");
    let mut s = Session::spawn(&[&server.url("/long")], 90, 20, &[], home.clone(), Run::ThenStty);
    s.wait_text("row 0");
    s.send(b"  ");
    // Paging down selects the first link on the new screen: row 20's.
    s.wait_text("(p3 of");
    s.send(b"T");
    s.wait_text("2:Form");
    s.send(b"1\r");
    s.wait_text("Editing the field");
    s.send(b"typed words\r");
    s.wait_text("[1]typed words");
    s.send(b"{");
    s.wait_for("the long page again", |s| s.screen().contains("(p3 of"));
    let top = top_text(&s, 2);
    assert!(top.starts_with("row"), "{}", s.screen());
    s.send(b"q");
    s.wait_text("(y/n)");
    s.send(b"y");
    let raw = s.wait_exit();
    assert!(raw.contains("EXIT=0"), "{raw}");
    let saved = std::fs::read_to_string(session_file(&home)).expect("saved on quit");
    assert!(saved.contains("typed words"), "{saved}");
    let asked_before = server.seen().len();

    let mut again = Session::spawn(&["--restore"], 90, 20, &[], home.clone(), Run::Direct);
    again.wait_text("Resumed 2 tabs");
    again.wait_for("the place read", |s| s.screen().contains("(p3 of"));
    assert!(again.screen().contains("1:Long") && again.screen().contains("2:Form"), "{}", again.screen());
    assert_eq!(top_text(&again, 2), top, "the same text at the top");
    let seen = server.seen();
    assert_eq!(seen.len(), asked_before + 1, "only the tab shown is loaded");
    assert_eq!(seen[asked_before].path, "/long");
    assert_eq!(seen[asked_before].header("If-None-Match"), Some(ETAG), "revalidated from the cache");
    again.send(b"}");
    again.wait_text("[1]typed words");
    again.send(b"qy");
    again.finish();
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn a_margay_killed_outright_loses_at_most_the_last_seconds() {
    let server = site();
    let home = fresh_home("session-kill");
    let mut s = Session::spawn(&[&server.url("/links")], 90, 20, &[], home.clone(), Run::Direct);
    s.wait_text("row 0");
    s.send(b"   ");
    s.wait_text("(p4 of");
    // Paging selects the first link on screen, "[n]row n-1": saved with the place read, so
    // a saved selection of that link says the place was saved too.
    let top = top_text(&s, 1);
    let first_row: u64 =
        top.rsplit("row ").next().and_then(|n| n.trim().parse().ok()).expect("a row at the top");
    wait_saved(&home, "the place read", |json| {
        json["tabs"][0]["entries"][0]["selected"].as_u64() == Some(first_row)
    });
    let pid = s.child.process_id().expect("a process id") as libc::pid_t;
    // SAFETY: sends a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    let _ = s.child.wait();

    let mut again = Session::spawn(&["--restore"], 90, 20, &[], home.clone(), Run::Direct);
    again.wait_text("Resumed 1 tab");
    again.wait_for("the place read", |s| s.screen().contains("(p4 of"));
    assert_eq!(top_text(&again, 1), top, "the same text at the top");
    again.send(b"qy");
    again.finish();
    let _ = std::fs::remove_dir_all(&home);
}
