//! A page appears from the start of its body, and work stops when nobody wants it: the first
//! screens come while the server still holds the rest; a cancelled load stops its parse and
//! layout and answers nothing; a resize lays the page out from its kept tree.

mod common;
mod hostile_server;

use hostile_server::{head, RawServer};
use margay::net::{spawn_fetch, Client, FetchEvent, FetchRequest, NetConfig};
use std::io::Write as _;
use std::sync::mpsc;
use std::time::Duration;

fn page(paragraphs: usize) -> String {
    "<title>Progressive</title><h1>Top of the page</h1>".to_string()
        + &(0..paragraphs)
            .map(|i| format!("<p>Paragraph {i} with <a href=/l{i}>a link</a>.</p>\n"))
            .collect::<String>()
}

#[test]
fn the_first_screens_come_while_the_server_holds_the_rest() {
    let html = page(4000);
    assert!(html.len() > 150_000);
    let (release, released) = mpsc::channel::<()>();
    let released = std::sync::Mutex::new(released);
    let body = html.clone();
    let server = RawServer::start(move |_, stream| {
        let length = body.len().to_string();
        let _ =
            stream.write_all(&head("200 OK", &[("Content-Type", "text/html"), ("Content-Length", &length)]));
        // The first 64 KB and more at once; the rest only when the test says so.
        let _ = stream.write_all(&body.as_bytes()[..80_000]);
        let _ = stream.flush();
        let _ = released.lock().unwrap().recv_timeout(Duration::from_secs(30));
        let _ = stream.write_all(&body.as_bytes()[80_000..]);
    });
    let (tx, events) = mpsc::channel();
    let url = url::Url::parse(&server.url("/")).unwrap();
    let _handle = spawn_fetch(Client::new(NetConfig::default()), 7, FetchRequest::get(url), 80, move |e| {
        let _ = tx.send(e);
    });
    // Wait for the first screens: they must come before the rest is sent.
    let preview = loop {
        match events.recv_timeout(Duration::from_secs(30)).expect("an event") {
            FetchEvent::Preview { id: 7, preview } => break preview,
            FetchEvent::Progress { .. } => continue,
            other => panic!("the page came before its first screens: {other:?}"),
        }
    };
    let text: Vec<String> = preview.rendered.lines.iter().map(|l| l.text()).collect();
    assert_eq!(preview.title, "Progressive");
    assert!(text.iter().any(|l| l.contains("Top of the page")), "{text:?}");
    assert!(preview.rendered.links.len() > 100, "links work on what is there");
    release.send(()).unwrap();
    let done = loop {
        match events.recv_timeout(Duration::from_secs(30)).expect("an event") {
            FetchEvent::Done { id: 7, result } => break result.expect("loaded"),
            _ => continue,
        }
    };
    let (_, rendered) = done.page.as_ref().expect("a page");
    assert_eq!(rendered.links.len(), 4000);
    assert!(
        rendered.lines[..40] == preview.rendered.lines[..40],
        "the whole page begins as its first screens"
    );
}

#[test]
fn a_cancelled_load_stops_and_answers_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.html");
    std::fs::write(&file, page(60_000)).unwrap();
    let url = url::Url::from_file_path(&file).unwrap();
    let (tx, events) = mpsc::channel();
    let handle = spawn_fetch(Client::new(NetConfig::default()), 9, FetchRequest::get(url), 80, move |e| {
        let _ = tx.send(e);
    });
    // Cancelled once its first screens are shown: while the page is parsed.
    loop {
        match events.recv_timeout(Duration::from_secs(30)).expect("an event") {
            FetchEvent::Preview { .. } => break,
            FetchEvent::Progress { .. } => continue,
            other => panic!("{other:?}"),
        }
    }
    handle.cancel();
    // The job is over when its sink is dropped: the channel closes. Nothing came before.
    loop {
        match events.recv_timeout(Duration::from_secs(30)) {
            Ok(FetchEvent::Done { .. }) => panic!("a cancelled load answered"),
            Ok(_) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("the cancelled load is still running"),
        }
    }
}
