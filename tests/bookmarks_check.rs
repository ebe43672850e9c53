//! The bookmark checker against real servers on 127.0.0.1: 200, 301/308 (relinked with
//! --relink), 302, 404, 410, 500, a HEAD refused with 405, a redirect loop, a server that
//! accepts and never answers (timeout), and a closed port.

mod common;

use common::{Reply, Seen, TestServer};
use margay::net::{Client, NetConfig};
use margay::shell::bookmark_check::{check_all, check_url, Category, Verdict};
use margay::store::bookmarks::{Bookmark, Bookmarks, Match};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

fn route(seen: &Seen) -> Reply {
    let redirect = |status: u16, to: &str| Reply::new(status).header("Location", to);
    match seen.path.as_str() {
        "/ok" | "/new" | "/final" => Reply::html("<title>ok</title>"),
        "/moved" => redirect(301, "/new"),
        "/moved-twice" => redirect(308, "/moved-again"),
        "/moved-again" => redirect(301, "/final"),
        "/temp" => redirect(302, "/ok"),
        "/moved-to-gone" => redirect(301, "/gone"),
        "/gone" => Reply::new(404),
        "/deleted" => Reply::new(410),
        "/error" => Reply::new(500),
        "/no-head" if seen.method == "HEAD" => Reply::new(405),
        "/no-head" => Reply::html("fine with GET"),
        "/loop" => redirect(301, "/loop"),
        _ => Reply::new(404),
    }
}

/// A server that accepts connections and never answers.
fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("an address").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    format!("http://127.0.0.1:{port}/slow")
}

/// An address where nothing listens.
fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("an address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/")
}

fn client(timeout: Duration) -> Client {
    Client::new(NetConfig { connect_timeout: timeout, response_timeout: timeout, ..NetConfig::default() })
}

#[test]
fn each_answer_is_classified() {
    let server = TestServer::start(route);
    let client = client(Duration::from_secs(1));
    let url = |p: &str| url::Url::parse(&server.url(p)).expect("a test URL");
    let cases = [
        ("/ok", Verdict::Ok { status: 200 }),
        ("/moved", Verdict::MovedPermanently { status: 301, to: url("/new") }),
        ("/moved-twice", Verdict::MovedPermanently { status: 308, to: url("/final") }),
        ("/temp", Verdict::MovedTemporarily { status: 302, to: url("/ok") }),
        ("/gone", Verdict::Gone { status: 404, at: None }),
        ("/deleted", Verdict::Gone { status: 410, at: None }),
        ("/moved-to-gone", Verdict::Gone { status: 404, at: Some(url("/gone")) }),
        ("/no-head", Verdict::Ok { status: 200 }),
    ];
    for (path, expected) in cases {
        assert_eq!(check_url(&client, &server.url(path)), expected, "{path}");
    }
    match check_url(&client, &server.url("/error")) {
        Verdict::Failing { status: Some(500), reason } => assert!(reason.contains("500"), "{reason}"),
        other => panic!("/error: {other:?}"),
    }
    match check_url(&client, &server.url("/loop")) {
        Verdict::Failing { status: Some(301), reason } => {
            assert!(reason.to_lowercase().contains("loop"), "{reason}")
        }
        other => panic!("/loop: {other:?}"),
    }
    assert!(matches!(check_url(&client, "javascript:alert(1)"), Verdict::Skipped { .. }));
    assert!(matches!(check_url(&client, "place:sort=8"), Verdict::Skipped { .. }));

    // HEAD first; GET only where HEAD was refused or answered with an error (which many
    // servers do for pages that are there), so a 410 is confirmed by the GET.
    let seen = server.seen();
    let methods = |p: &str| seen.iter().filter(|s| s.path == p).map(|s| s.method.clone()).collect::<Vec<_>>();
    assert_eq!(methods("/deleted"), vec!["HEAD", "GET"]);
    assert!(methods("/ok").iter().all(|m| m == "HEAD"), "a HEAD that succeeds is enough");
    assert_eq!(methods("/no-head"), vec!["HEAD", "GET"]);
}

#[test]
fn timeouts_and_refusals_fail_with_the_reason() {
    let client = client(Duration::from_millis(500));
    let started = Instant::now();
    let verdicts = check_all(&client, &[silent_server(), closed_port()], 2, &mut |_, _| {});
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    match &verdicts[0] {
        Verdict::Failing { status: None, reason } => assert!(reason.contains("Timed out"), "{reason}"),
        other => panic!("silent server: {other:?}"),
    }
    match &verdicts[1] {
        Verdict::Failing { status: None, reason } => assert!(reason.contains("refused"), "{reason}"),
        other => panic!("closed port: {other:?}"),
    }
}

#[test]
fn check_all_is_bounded_and_keeps_the_order() {
    let server = TestServer::start(route);
    let urls: Vec<String> = (0..40).map(|i| server.url(if i % 2 == 0 { "/ok" } else { "/gone" })).collect();
    let mut reports = Vec::new();
    let verdicts =
        check_all(&client(Duration::from_secs(2)), &urls, 4, &mut |done, total| reports.push((done, total)));
    assert_eq!(reports, (1..=40).map(|d| (d, 40)).collect::<Vec<_>>());
    for (i, v) in verdicts.iter().enumerate() {
        let expected = if i % 2 == 0 { Category::Ok } else { Category::Gone };
        assert_eq!(v.category(), expected, "{i}");
    }
}

fn temp_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("margay-bookmarks-check-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir.join("bookmarks.html")
}

#[test]
fn command_line_check_prints_the_table_and_relinks() {
    let server = TestServer::start(route);
    let file = temp_file("cli");
    let mut doc = Bookmarks::default();
    for path in ["/ok", "/moved", "/temp", "/gone", "/error"] {
        doc.add(&["Checked"], Bookmark::new(&server.url(path), path));
    }
    doc.add(&[] as &[&str], Bookmark::new(&silent_server(), "slow"));
    std::fs::write(&file, doc.to_html()).expect("write the bookmarks");

    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_margay"))
        .args(["bookmarks", "check", "--relink", "--jobs", "3", "--timeout", "1", "--bookmarks"])
        .arg(&file)
        .env("XDG_CONFIG_HOME", file.with_file_name("config"))
        .env("XDG_DATA_HOME", file.with_file_name("data"))
        .output()
        .expect("run margay");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(!stderr.contains("checked"), "no progress bar when stderr is not a terminal: {stderr}");
    let line = |start: &str, path: &str| {
        stdout.lines().find(|l| l.starts_with(start) && l.contains(&server.url(path))).map(str::to_string)
    };
    assert!(line("ok                 200", "/ok").is_some(), "{stdout}");
    let moved = line("moved permanently  301", "/moved").unwrap_or_else(|| panic!("{stdout}"));
    assert!(moved.ends_with(&format!("→ {}", server.url("/new"))), "{moved}");
    assert!(line("moved temporarily  302", "/temp").is_some(), "{stdout}");
    assert!(line("gone               404", "/gone").is_some(), "{stdout}");
    assert!(line("failing            500", "/error").is_some(), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with("failing") && l.contains("/slow") && l.contains("Timed out")),
        "{stdout}"
    );
    assert!(
        stdout.contains("6 addresses: 1 ok, 1 moved permanently, 1 moved temporarily, 1 gone, 2 failing"),
        "{stdout}"
    );
    assert!(stdout.contains("relinked 1 bookmark "), "{stdout}");

    let after = Bookmarks::parse_bytes(&std::fs::read(&file).expect("read")).expect("parses");
    let relinked = after.find(&server.url("/new"), Match::Exact);
    assert_eq!(relinked.len(), 1);
    assert_eq!(relinked[0].bookmark.former_url.as_deref(), Some(server.url("/moved").as_str()));
    assert_eq!(relinked[0].folder, vec!["Checked"]);
    assert!(after.find(&server.url("/temp"), Match::Exact).len() == 1, "temporary moves are not relinked");

    // All ok: exit 0.
    let only_ok = file.with_file_name("ok.html");
    let mut doc = Bookmarks::default();
    doc.add(&[] as &[&str], Bookmark::new(&server.url("/ok"), "ok"));
    std::fs::write(&only_ok, doc.to_html()).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_margay"))
        .args(["bookmarks", "--bookmarks"])
        .arg(&only_ok)
        .arg("check")
        .env("XDG_CONFIG_HOME", file.with_file_name("config"))
        .output()
        .expect("run margay");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));

    let out = Command::new(env!("CARGO_BIN_EXE_margay"))
        .args(["bookmarks", "check", "--jobs", "0"])
        .env("XDG_CONFIG_HOME", file.with_file_name("config"))
        .output()
        .expect("run margay");
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(file.with_file_name(""));
}
