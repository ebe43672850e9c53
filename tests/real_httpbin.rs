//! margay against httpbin (under gunicorn): every status code it can send, its redirects,
//! Basic authentication, content encodings (gzip, deflate, br), JSON and XML answers, headers
//! as sent, reason phrases that are not the standard ones, and bodies streamed by --source.

mod common;

use common::servers::{self, margay, run, Run};
use common::Driver;
use ratatui::crossterm::event::KeyCode;

fn dump(args: &[&str]) -> Run {
    let home = tempfile::tempdir().expect("a home");
    let mut command = margay(home.path());
    command.arg("--dump").args(args);
    run(command)
}

#[test]
fn status_codes_exit_as_documented() {
    let Some(httpbin) = servers::httpbin() else { return };
    for (code, exit) in [
        (200, 0),
        (201, 0),
        (202, 0),
        (203, 0),
        (204, 0),
        (205, 0),
        (400, 3),
        (402, 3),
        (403, 3),
        (404, 3),
        (405, 3),
        (410, 3),
        (429, 3),
        (500, 3),
        (501, 3),
        (502, 3),
        (503, 3),
        (504, 3),
    ] {
        let out = dump(&[&format!("{}/status/{code}", httpbin.base)]);
        assert_eq!(out.code, Some(exit), "{code}: {}\n{}", out.stdout, out.stderr);
        if code >= 400 {
            assert!(out.stdout.contains(&format!("{code} ")), "{code}: {}", out.stdout);
        }
    }
    for code in [202, 203] {
        let out = dump(&[&format!("{}/status/{code}", httpbin.base)]);
        assert!(out.stderr.contains(&code.to_string()), "{code} is said on stderr: {}", out.stderr);
    }
}

#[test]
fn a_reason_phrase_is_shown_as_sent_beside_the_standard_one() {
    let Some(httpbin) = servers::httpbin() else { return };
    let out = dump(&[&format!("{}/status/418", httpbin.base)]);
    assert_eq!(out.code, Some(3));
    // RFC 9110 keeps 418 unused: margay treats it as any unknown 4xx, and says so.
    assert!(
        out.stdout.contains("418 Client Error: An unrecognised client-error code; treated like 400"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\"I'M A TEAPOT\""), "the server's own words: {}", out.stdout);
    assert!(out.stdout.contains("Status: 418 I'M A TEAPOT"), "{}", out.stdout);
}

#[test]
fn redirect_chains_of_every_kind() {
    let Some(httpbin) = servers::httpbin() else { return };
    let out = dump(&["-v", &format!("{}/redirect/3", httpbin.base)]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stderr.matches("302 FOUND").count(), 3, "{}", out.stderr);
    assert!(out.stdout.contains("\"url\": \"http://127.0.0.1"), "ends at /get: {}", out.stdout);
    let mut d = Driver::new(100, 50);
    for (status, keeps) in [(301, false), (302, true), (303, false), (307, true), (308, false)] {
        let url = format!("{}/redirect-to?url=/get&status_code={status}", httpbin.base);
        d.open(&url);
        if keeps {
            assert_eq!(d.address(), url, "{status} keeps the original link");
        } else {
            assert_eq!(d.address(), format!("{}/get", httpbin.base), "{status} moves the address");
        }
        assert!(d.page_text().contains("\"headers\": {"), "{status}: {}", d.page_text());
    }
}

#[test]
fn basic_authentication() {
    let Some(httpbin) = servers::httpbin() else { return };
    let url = format!("{}/basic-auth/{}/{}", httpbin.base, servers::USER, servers::PASSWORD);
    let mut d = Driver::new(100, 40);
    d.open(&url);
    assert!(d.screen().contains("User name for 'Fake Realm' at 127.0.0.1"), "{}", d.screen());
    d.type_text(servers::USER);
    d.key(KeyCode::Enter);
    d.type_text(servers::PASSWORD);
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("\"authenticated\": true"), "{}", d.page_text());
}

#[test]
fn content_encodings_are_decoded() {
    let Some(httpbin) = servers::httpbin() else { return };
    for (path, flag) in
        [("/gzip", "\"gzipped\": true"), ("/deflate", "\"deflated\": true"), ("/brotli", "\"brotli\": true")]
    {
        let out = dump(&[&format!("{}{path}", httpbin.base)]);
        assert_eq!(out.code, Some(0), "{path}: {}", out.stderr);
        assert!(out.stdout.contains(flag), "{path}: {}", out.stdout);
    }
    // What margay asks for is what it can undo.
    let out = dump(&[&format!("{}/headers", httpbin.base)]);
    assert!(out.stdout.contains("\"Accept-Encoding\": \"gzip, deflate, br\""), "{}", out.stdout);
}

#[test]
fn json_xml_and_headers_as_sent() {
    let Some(httpbin) = servers::httpbin() else { return };
    let json = dump(&[&format!("{}/json", httpbin.base)]);
    assert!(
        json.stdout.contains("  \"slideshow\": {\n    \"author\": \"Yours Truly\","),
        "pretty, in order: {}",
        json.stdout
    );
    let xml = dump(&[&format!("{}/xml", httpbin.base)]);
    assert!(xml.stdout.contains("<slideshow"), "XML as text: {}", xml.stdout);
    let mut d = Driver::new(120, 60);
    d.open(&format!("{}/response-headers?X-Margay-Test=one&X-Margay-Test=two", httpbin.base));
    d.char('=');
    let info = d.page_text();
    assert!(
        info.contains("X-Margay-Test: one") && info.contains("X-Margay-Test: two"),
        "every header, repeats too: {info}"
    );
    assert!(info.contains("Content-Length:"), "{info}");
}

#[test]
fn source_streams_the_bytes_as_received() {
    let Some(httpbin) = servers::httpbin() else { return };
    let home = tempfile::tempdir().unwrap();
    for path in ["/bytes/90000?seed=7", "/stream-bytes/90000?seed=7&chunk_size=1000"] {
        let a = margay(home.path()).args(["--source", &format!("{}{path}", httpbin.base)]).output().unwrap();
        assert_eq!(a.status.code(), Some(0), "{path}");
        assert_eq!(a.stdout.len(), 90000, "{path}");
    }
    let image =
        margay(home.path()).args(["--source", &format!("{}/image/png", httpbin.base)]).output().unwrap();
    assert!(image.stdout.starts_with(b"\x89PNG"), "binary into a pipe, unchanged");
}

#[test]
fn cookies_set_on_a_redirect_are_sent_on_in_a_dump() {
    let Some(httpbin) = servers::httpbin() else { return };
    let out = dump(&[&format!("{}/cookies/set?flavour=oat", httpbin.base)]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("\"flavour\": \"oat\""), "{}", out.stdout);
}

#[test]
fn a_407_from_a_server_that_is_no_proxy() {
    let Some(httpbin) = servers::httpbin() else { return };
    let out = dump(&[&format!("{}/status/407", httpbin.base)]);
    assert_eq!(out.code, Some(3));
    assert!(
        out.stdout.contains("no supported way to log in to the proxy")
            && !out.stdout.contains("WWW-Authenticate challenge"),
        "{}",
        out.stdout
    );
}

#[test]
fn revalidation_with_httpbins_etag() {
    let Some(httpbin) = servers::httpbin() else { return };
    let mut d = Driver::new(100, 40);
    let url = format!("{}/etag/abc", httpbin.base);
    d.open(&url);
    d.open(&format!("{}/get", httpbin.base));
    d.open(&url);
    assert!(d.screen().contains("304 Not Modified"), "{}", d.screen());
}
