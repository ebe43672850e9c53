//! The edges of what deployed servers send, scripted on 127.0.0.1 where nginx and httpbin
//! cannot be made to send it: raw deflate, an unknown or stacked content coding, a HEAD
//! answer that lies, a body cut short, an interim answer with nothing after it, a 300 list,
//! and credentials in a page's links.

mod common;
mod hostile_server;

use common::{Driver, Reply, TestServer};
use hostile_server::{head, RawServer};
use std::io::Write as _;
use std::process::Command;

fn margay(args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_margay"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.path().join("c"))
        .env("XDG_DATA_HOME", home.path().join("d"))
        .env("XDG_CACHE_HOME", home.path().join("e"))
        .env_remove("http_proxy")
        .output()
        .expect("run margay")
}

fn deflate(data: &[u8], zlib: bool) -> Vec<u8> {
    if zlib {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    } else {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn codings_margay_can_and_cannot_undo() {
    let s = TestServer::start(|req| {
        let html = b"<title>T</title><p>decoded body</p>";
        match req.path.as_str() {
            "/zlib" => Reply::new(200)
                .header("Content-Type", "text/html")
                .header("Content-Encoding", "deflate")
                .body(&deflate(html, true)),
            "/raw" => Reply::new(200)
                .header("Content-Type", "text/html")
                .header("Content-Encoding", "deflate")
                .body(&deflate(html, false)),
            "/twice" => Reply::new(200)
                .header("Content-Type", "text/html")
                .header("Content-Encoding", "gzip, gzip")
                .body(&gzip(&gzip(html))),
            "/compress" => Reply::new(200)
                .header("Content-Type", "text/html")
                .header("Content-Encoding", "compress")
                .body(b"\x1f\x9d\x90<title>"),
            "/broken" => Reply::new(200)
                .header("Content-Type", "text/html")
                .header("Content-Encoding", "gzip")
                .body(b"\x1f\x8bnot really"),
            _ => Reply::new(404),
        }
    });
    for path in ["/zlib", "/raw", "/twice"] {
        let out = margay(&["--dump", &s.url(path)]);
        assert_eq!(out.status.code(), Some(0), "{path}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("decoded body"), "{path}");
    }
    let mut d = Driver::new(100, 30);
    d.open(&s.url("/compress"));
    let text = d.page_text();
    assert!(text.contains("Cannot decode the answer") && text.contains("'compress'"), "{text}");
    assert!(!text.contains("<title>"), "compressed bytes are never shown as text");
    let out = margay(&["--dump", &s.url("/broken")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("gzip-encoded body could not be decoded"),
        "{out:?}"
    );
}

#[test]
fn no_decoder_runs_on_an_answer_without_a_body() {
    // HEAD of a compressing server: Content-Encoding: gzip and no body.
    let s = TestServer::start(|req| match req.method.as_str() {
        "HEAD" => Reply::new(200).header("Content-Type", "text/html").header("Content-Encoding", "gzip"),
        _ => Reply::new(200).header("Content-Type", "text/html").body(b"<p>x</p>"),
    });
    let client = margay::net::Client::new(margay::net::NetConfig::default());
    let verdict = margay::shell::bookmark_check::check_url(&client, &s.url("/"));
    assert_eq!(verdict, margay::shell::bookmark_check::Verdict::Ok { status: 200 });
    // A 204 and a 304 with Content-Encoding too.
    let s = TestServer::start(|req| match req.path.as_str() {
        "/nothing" => Reply::new(204).header("Content-Encoding", "gzip"),
        _ => Reply::new(304).header("Content-Encoding", "gzip").header("ETag", "\"1\""),
    });
    let out = margay(&["--dump", &s.url("/nothing")]);
    assert_eq!((out.status.code(), out.stdout.len()), (Some(0), 0), "{out:?}");
}

#[test]
fn a_head_that_misleads_is_checked_with_get() {
    let s = TestServer::start(|req| match (req.method.as_str(), req.path.as_str()) {
        ("HEAD", _) => Reply::new(404),
        (_, "/gone") => Reply::new(410),
        _ => Reply::html("<p>here</p>"),
    });
    let client = margay::net::Client::new(margay::net::NetConfig::default());
    use margay::shell::bookmark_check::{check_url, Verdict};
    assert_eq!(check_url(&client, &s.url("/page")), Verdict::Ok { status: 200 });
    assert!(matches!(check_url(&client, &s.url("/gone")), Verdict::Gone { status: 410, .. }));
    let gets = s.seen().iter().filter(|r| r.method == "GET").count();
    assert_eq!(gets, 2, "each HEAD's error was asked again with GET");
}

#[test]
fn source_fails_when_the_transfer_is_cut() {
    let server = RawServer::start(|_, stream| {
        let _ = stream.write_all(&head(
            "200 OK",
            &[("Content-Type", "application/octet-stream"), ("Content-Length", "100000")],
        ));
        let _ = stream.write_all(&[7u8; 40000]);
    });
    let out = margay(&["--source", &server.url("/file.bin")]);
    assert_eq!(out.status.code(), Some(1), "a cut transfer is a failure");
    assert_eq!(out.stdout.len(), 40000, "what arrived is written");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cut") || err.contains("broke off"), "{err}");
}

#[test]
fn an_interim_answer_alone_gets_one_message() {
    let server = RawServer::start(|_, stream| {
        let _ = stream.write_all(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n");
    });
    let out = margay(&["--dump", &server.url("/")]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{err}");
    let mut d = Driver::new(100, 30);
    d.open(&server.url("/"));
    let text = d.page_text();
    assert!(text.contains(", and no final answer") && text.contains("Early Hints"), "{text}");
    assert!(text.contains("interim (1xx) answer and no final one"), "{text}");
    assert!(err.contains("103 Informational, and no final answer"), "the same words in --dump: {err}");
}

#[test]
fn mistakes_in_what_is_typed_are_named_for_what_they_are() {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("no-such-file.html");
    for (address, title, detail) in [
        (missing.to_str().unwrap(), "Cannot read the file", "no-such-file.html: it does not exist"),
        ("ftp://127.0.0.1/x", "Address not supported", "margay cannot open ftp: addresses"),
        ("javascript:alert(1)", "Address not supported", "javascript:"),
        ("http://127.0.0.1:99999/", "not a valid address", "invalid port number"),
    ] {
        let out = margay(&["--dump", address]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{address}: {err}");
        assert!(err.contains(title) && err.contains(detail), "{address}: {err}");
        assert!(!err.contains("os error") && !err.contains("Connection broken"), "{address}: {err}");
    }
}

#[test]
fn a_diagnosis_lists_only_the_redirects_that_were_followed() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/nowhere" => Reply::new(302),
        "/hop" => Reply::new(301).header("Location", "/nowhere"),
        _ => Reply::new(404),
    });
    let mut d = Driver::new(100, 40);
    d.open(&s.url("/nowhere"));
    assert!(!d.page_text().contains("Redirects followed"), "{}", d.page_text());
    d.open(&s.url("/hop"));
    assert!(d.page_text().contains("Redirects followed"), "{}", d.page_text());
}

#[test]
fn a_300_list_is_printed_and_exits_0_and_references_mask_passwords() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/choices" => Reply::new(300)
            .header("Content-Type", "text/html")
            .body(b"<ul><li><a href=\"/en\">English</a><li><a href=\"/fr\">Fran\xc3\xa7ais</a></ul>"),
        _ => Reply::html("<a href=\"http://user:hunter2@127.0.0.1:9/private\">private</a>"),
    });
    let out = margay(&["--dump", &s.url("/choices")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("English") && text.contains("/fr"), "{text}");
    let out = margay(&["--dump", &s.url("/")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("hunter2") && text.contains("http://user:***@127.0.0.1:9/private"), "{text}");
}
