//! Every message a user reads names what failed in plain words: no Rust type names, no debug
//! formatting (`Other(OtherError(…))`, `Custom { kind: … }`, `(os error 13)`), no serde's
//! words about types (`invalid type: string "ten", expected u64`). This walks the texts —
//! every transport failure and every diagnosis kind through the policy, the same failures
//! made for real on 127.0.0.1, settings and keymap errors, the bookmark store's, downloads',
//! cookies', trusted certificates' and the command line's — and fails on any such text.
//!
//! The check is written here, apart from the code that makes the words (`src/plain.rs`), so
//! that the one cannot be made to agree with the other by accident.

mod common;
mod hostile_server;

use hostile_server::RawServer;
use margay::net::{Client, FetchRequest, NetConfig};
use margay::policy::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

/// What in `text` looks like Rust rather than words, if anything.
fn rust_like(text: &str) -> Option<String> {
    const PATTERNS: &[&str] = &[
        "Some(",
        "None)",
        "Err(",
        "Ok(",
        "(os error",
        "{ ",
        " }",
        "::",
        "Custom {",
        "kind:",
        "invalid type:",
        "invalid value:",
        "expected u",
        "expected i",
        "expected struct",
        "expected a sequence",
        "expected a boolean",
        "expected a string",
        "path string",
        "as i128",
        "String(",
        "Vec<",
        "Option<",
        "&str",
        "\\\"",
        "\\n",
        "Error {",
    ];
    if let Some(p) = PATTERNS.iter().find(|p| text.contains(**p)) {
        return Some(format!("`{p}`"));
    }
    // A CamelCase name: an enum variant or a type (`HandshakeFailure`, `OtherError(`).
    // Names people write that way are allowed.
    const WORDS: &[&str] = &[
        "ChargeTo",
        "ETag",
        "JavaScript",
        "PgUp",
        "PgDn",
        "BackTab",
        "PageUp",
        "PageDown",
        "MiB",
        "KiB",
        "GiB",
    ];
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        let mut chars = word.chars();
        let camel = chars.next().is_some_and(char::is_uppercase)
            && word.chars().any(char::is_lowercase)
            && word.chars().skip(1).any(char::is_uppercase);
        if camel && !WORDS.contains(&word) {
            return Some(format!("the name {word}"));
        }
    }
    None
}

#[track_caller]
fn plain(what: &str, text: &str) {
    assert!(!text.trim().is_empty(), "{what}: an empty message");
    if let Some(found) = rust_like(text) {
        panic!("{what}: {found} in {text:?}");
    }
}

/// A one-line message: plain, and on one line.
#[track_caller]
fn one_line(what: &str, text: &str) {
    plain(what, text);
    assert!(!text.trim_end().contains('\n'), "{what}: more than one line: {text:?}");
}

fn diagnosis_texts(what: &str, d: &Diagnosis) {
    one_line(&format!("{what}: title"), &d.title);
    plain(&format!("{what}: explanation"), &d.explanation);
    one_line(&format!("{what}: advice"), &d.advice);
}

#[test]
fn the_checker_catches_what_it_is_for() {
    for bad in [
        "the certificate was refused: Other(OtherError(CaUsedAsEndEntity))",
        "cannot write x: Permission denied (os error 13)",
        "Io(Custom { kind: Other, error: \"x\" })",
        "invalid type: string \"ten\", expected u64",
        "received fatal alert: HandshakeFailure",
        "Some(\"x\")",
    ] {
        assert!(rust_like(bad).is_some(), "{bad}");
    }
    for good in ["Connection refused", "Retry with a ChargeTo header you type, or go back.", "404 Not Found"]
    {
        assert!(rust_like(good).is_none(), "{good}");
    }
}

fn u(s: &str) -> Url {
    Url::parse(s).expect("a test address")
}

/// One of each failure, with details of the kind the network edge gives. The match has no
/// catch-all, so a new kind of failure cannot be added without its words being checked.
fn every_transport_failure() -> Vec<TransportFailure> {
    let tls = |problem| {
        TransportFailure::Tls(Box::new(TlsFailure {
            host_port: "example.org:443".into(),
            problem,
            certificate: Some(CertificateInfo {
                subject: "CN=example.org".into(),
                issuer: "CN=example.org".into(),
                not_before: "2026-01-01 00:00 UTC".into(),
                not_after: "2027-01-01 00:00 UTC".into(),
                names: vec!["example.org".into()],
                sha256: "AB:CD".into(),
                self_signed: true,
            }),
        }))
    };
    let all = vec![
        TransportFailure::Dns("the host name was not found".into()),
        TransportFailure::Refused(String::new()),
        TransportFailure::Timeout("connecting took too long".into()),
        tls(TlsProblem::SelfSigned),
        tls(TlsProblem::UnknownIssuer),
        tls(TlsProblem::Expired),
        tls(TlsProblem::NotYetValid),
        tls(TlsProblem::WrongName),
        tls(TlsProblem::Changed { trusted: "12:34".into() }),
        tls(TlsProblem::PlainHttp),
        tls(TlsProblem::Other("the server ended the TLS handshake (handshake failure)".into())),
        TransportFailure::ProxyUnreachable {
            proxy: "127.0.0.1:3128".into(),
            detail: "the connection failed".into(),
        },
        TransportFailure::Undecodable(
            "the body is sent with the content coding 'zstd', which margay cannot undo".into(),
        ),
        TransportFailure::File("/nowhere: it does not exist".into()),
        TransportFailure::Unsupported("margay cannot open gopher: addresses".into()),
        TransportFailure::ProxyUnusable("http_proxy: 'socks5://x:1' is a SOCKS proxy".into()),
        TransportFailure::TooLarge { limit: 50 << 20 },
        TransportFailure::Protocol("http parse fail: invalid HTTP version".into()),
        TransportFailure::HeadTooLarge("more than 64 KB of headers".into()),
        TransportFailure::Io("the server closed the connection after 10 of 20 bytes".into()),
        TransportFailure::Cancelled,
    ];
    for f in &all {
        match f {
            TransportFailure::Dns(_)
            | TransportFailure::Refused(_)
            | TransportFailure::Timeout(_)
            | TransportFailure::Tls(_)
            | TransportFailure::ProxyUnreachable { .. }
            | TransportFailure::Undecodable(_)
            | TransportFailure::File(_)
            | TransportFailure::Unsupported(_)
            | TransportFailure::ProxyUnusable(_)
            | TransportFailure::TooLarge { .. }
            | TransportFailure::Protocol(_)
            | TransportFailure::HeadTooLarge(_)
            | TransportFailure::Io(_)
            | TransportFailure::Cancelled => {}
        }
    }
    all
}

#[test]
fn every_transport_failure_is_said_in_words() {
    let url = u("https://example.org/page");
    let chain = [Hop { url: u("http://example.org/page"), method: Method::Get, status: 301 }];
    for f in every_transport_failure() {
        let d = diagnose_transport(&url, &f, &chain);
        diagnosis_texts(&format!("{f:?}"), &d);
        if !f.detail().is_empty() {
            one_line(&format!("{f:?}: detail"), &f.detail());
        }
    }
}

/// The name of a diagnosis kind, from a match without a catch-all: a new kind cannot be
/// added without this test reaching it.
fn kind_name(kind: &DiagnosisKind) -> &'static str {
    use DiagnosisKind as K;
    match kind {
        K::HttpError => "HttpError",
        K::UnrecognizedStatus { .. } => "UnrecognizedStatus",
        K::NotHttp => "NotHttp",
        K::Interim => "Interim",
        K::MultipleChoices => "MultipleChoices",
        K::UseProxy => "UseProxy",
        K::MissingLocation => "MissingLocation",
        K::BadLocation { .. } => "BadLocation",
        K::RefusedScheme { .. } => "RefusedScheme",
        K::RedirectLoop { .. } => "RedirectLoop",
        K::TooManyRedirects { .. } => "TooManyRedirects",
        K::MethodNotAutomatic { .. } => "MethodNotAutomatic",
        K::UnsolicitedNotModified => "UnsolicitedNotModified",
        K::AuthRequired { .. } => "AuthRequired",
        K::AuthUnsupported { .. } => "AuthUnsupported",
        K::AuthFailed { .. } => "AuthFailed",
        K::PaymentRequired => "PaymentRequired",
        K::Transport(_) => "Transport",
    }
}

const KINDS: &[&str] = &[
    "HttpError",
    "UnrecognizedStatus",
    "NotHttp",
    "Interim",
    "MultipleChoices",
    "UseProxy",
    "MissingLocation",
    "BadLocation",
    "RefusedScheme",
    "RedirectLoop",
    "TooManyRedirects",
    "MethodNotAutomatic",
    "UnsolicitedNotModified",
    "AuthRequired",
    "AuthUnsupported",
    "AuthFailed",
    "PaymentRequired",
    "Transport",
];

/// The diagnosis an outcome carries, if it carries one.
fn diagnosis_of(outcome: Outcome) -> Option<Diagnosis> {
    match outcome {
        Outcome::Diagnostic(d) => Some(d),
        Outcome::PaymentRequired { diagnosis } => Some(diagnosis),
        Outcome::AskCredentials { on_cancel, .. } => Some(on_cancel),
        _ => None,
    }
}

#[test]
fn every_diagnosis_kind_and_status_code_is_said_in_words() {
    let ctx =
        || Context { now: std::time::UNIX_EPOCH + Duration::from_secs(1_000_000_000), ..Context::default() };
    let get = |url: &str| RequestInfo::get(u(url));
    let head = |status: u16, headers: &[(&str, &str)]| {
        headers.iter().fold(ResponseHead::new(status, ""), |h, (n, v)| h.with_header(n, v))
    };
    let hop = |url: &str| Hop { url: u(url), method: Method::Get, status: 302 };
    let page = "http://example.org/page";
    let mut cases: Vec<(String, RequestInfo, ResponseHead, Vec<u8>, Context)> = Vec::new();
    // Every status code a server can send, typed and followed, with and without the
    // server's own reason phrase.
    for status in (100..=999).filter(|s| !(200..300).contains(s) || *s == 299) {
        for (typed, reason) in [(false, ""), (true, "Something Else Entirely")] {
            let req = RequestInfo { typed_by_user: typed, ..get(page) };
            cases.push((
                format!("status {status}"),
                req,
                ResponseHead::new(status, reason),
                Vec::new(),
                ctx(),
            ));
        }
    }
    let mut add = |what: &str, req: RequestInfo, head: ResponseHead, body: &[u8], c: Context| {
        cases.push((what.to_string(), req, head, body.to_vec(), c));
    };
    add("no Location", get(page), head(301, &[]), b"", ctx());
    add("bad Location", get(page), head(301, &[("Location", "http://[bad")]), b"", ctx());
    add("file Location", get(page), head(302, &[("Location", "file:///etc/passwd")]), b"", ctx());
    add(
        "loop",
        get("http://example.org/b"),
        head(302, &[("Location", "/a")]),
        b"",
        Context { chain: vec![hop("http://example.org/a")], ..ctx() },
    );
    let long: Vec<Hop> = (0..20).map(|i| hop(&format!("http://example.org/h/{i}"))).collect();
    add("too many", get(page), head(302, &[("Location", "/next")]), b"", Context { chain: long, ..ctx() });
    let post = RequestInfo { method: Method::Post, has_body: true, ..get(page) };
    add(
        "303 Method: POST",
        post,
        head(303, &[]),
        b"Method: POST http://example.org/search\r\n\r\nq=x",
        ctx(),
    );
    add("unsolicited 304", get(page), head(304, &[]), b"", ctx());
    add("401 Basic", get(page), head(401, &[("WWW-Authenticate", "Basic realm=\"staff\"")]), b"", ctx());
    add("401 no challenge", get(page), head(401, &[]), b"", ctx());
    add(
        "401 Digest",
        get(page),
        head(401, &[("WWW-Authenticate", "Digest realm=\"d\", nonce=\"n\"")]),
        b"",
        ctx(),
    );
    add(
        "401 refused",
        get(page),
        head(401, &[("WWW-Authenticate", "Basic realm=\"x\"")]),
        b"",
        Context { auth_attempts: MAX_AUTH_ATTEMPTS, ..ctx() },
    );
    add("407 Basic", get(page), head(407, &[("Proxy-Authenticate", "Basic realm=\"proxy\"")]), b"", ctx());
    add("407 no challenge", get(page), head(407, &[]), b"", ctx());
    add(
        "407 refused",
        get(page),
        head(407, &[("Proxy-Authenticate", "Basic")]),
        b"",
        Context { proxy_auth_attempts: MAX_AUTH_ATTEMPTS, ..ctx() },
    );
    add("503 Retry-After", get(page), head(503, &[("Retry-After", "120")]), b"", ctx());

    let mut seen = std::collections::BTreeSet::new();
    for (what, req, head, body, c) in &cases {
        let Some(d) = diagnosis_of(decide(req, head, body, c)) else { continue };
        seen.insert(kind_name(&d.kind));
        diagnosis_texts(what, &d);
    }
    seen.insert(kind_name(&DiagnosisKind::Transport(TransportFailure::Cancelled)));
    let missing: Vec<&&str> = KINDS.iter().filter(|k| !seen.contains(**k)).collect();
    assert!(missing.is_empty(), "no case reached {missing:?}");
    // The page info's and the diagnostic page's words about each code.
    for status in 100..=599 {
        let e = explain(status);
        one_line(&format!("explain {status}"), e.modern);
    }
}

fn client() -> Client {
    Client::new(NetConfig {
        connect_timeout: Duration::from_secs(5),
        response_timeout: Duration::from_secs(5),
        total_timeout: Duration::from_secs(10),
        body_cap: 1 << 16,
        ..NetConfig::default()
    })
}

fn failure_of(url: &str) -> TransportFailure {
    match client().fetch(&FetchRequest::get(u(url)), &mut |_, _| true) {
        Ok(r) => panic!("{url}: expected a failure, got {}", r.head.status),
        Err(f) => f,
    }
}

/// A server that answers a TLS client hello with a fatal alert (handshake_failure), as a
/// server does that shares no cipher with the client.
fn tls_alert_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Some(Ok(mut stream)) = listener.incoming().next() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut hello = [0u8; 512];
            let _ = stream.read(&mut hello);
            // A TLS record: alert (21), TLS 1.2, two bytes: fatal (2), handshake_failure (40).
            let _ = stream.write_all(&[21, 3, 3, 0, 2, 2, 40]);
        }
    });
    port
}

#[test]
fn failures_made_for_real_are_said_in_words() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let garbage = RawServer::fixed(b"HTTP/1.1 2x0 OK\r\n\r\n".to_vec());
    let silent = RawServer::fixed(Vec::new());
    let headless = RawServer::fixed(b"HTTP/1.1 200 OK\r\nContent-Type".to_vec());
    let coding = RawServer::fixed(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: zstd\r\nContent-Length: 3\r\n\r\nabc".to_vec(),
    );
    let plain_http = RawServer::fixed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec());
    let alert = tls_alert_server();
    let dir = std::env::temp_dir().join(format!("margay-messages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file_in_the_way = dir.join("file");
    std::fs::write(&file_in_the_way, "x").unwrap();
    for url in [
        format!("http://127.0.0.1:{closed}/"),
        garbage.url("/"),
        silent.url("/"),
        headless.url("/"),
        coding.url("/"),
        format!("https://127.0.0.1:{}/", plain_http.port),
        format!("https://127.0.0.1:{alert}/"),
        "file:///nonexistent/margay/page.html".to_string(),
        Url::from_file_path(file_in_the_way.join("below")).unwrap().to_string(),
        "gopher://127.0.0.1/".to_string(),
    ] {
        let f = failure_of(&url);
        let d = diagnose_transport(&u(&url), &f, &[]);
        diagnosis_texts(&format!("{url} ({f:?})"), &d);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("margay-messages-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn settings_and_keymap_mistakes_are_said_in_words() {
    use margay::store::config::Config;
    use margay::ui::Keymap;
    let dir = scratch("settings");
    let settings = [
        "[network]\nbody_cap_mb = \"ten\"\n",
        "[network]\nbody_cap_mb = -1\n",
        "[network]\nbody_cap_mb = 1.5\n",
        "[network]\nbody_cap_mb = 99999999999999999999999\n",
        "[network]\nbody_cap_mb = [1]\n",
        "[network]\nbody_cap_mb = 0\n",
        "[network]\nca_file = 5\n",
        "[network]\nca_file = \"\"\n",
        "[cookies]\npersist = \"yes\"\n",
        "[display]\npage_colors = true\n",
        "[nope]\nx = 1\n",
        "network = 5\n",
        "[[network]]\n",
        "[network]\nbody_cap_mb = \n",
        "[network]\nbody_cap_mb 5\n",
        "[network\n",
        "[network]\nca_file = \"unclosed\n",
        "[network]\nbody_cap_mb = 5\nbody_cap_mb = 6\n",
        "network.body_cap_mb = \"x\"\n",
        "[network]\n[network]\n",
        "x\n",
        "[[[",
        "= 5\n",
        "[network]\nbody_cap_mb = 1979-05-27\n",
        "[network]\nbody_cap_mb = { a = 1 }\n",
    ];
    for (i, text) in settings.iter().enumerate() {
        let path = dir.join(format!("config-{i}.toml"));
        std::fs::write(&path, text).unwrap();
        let (config, warning) = Config::load(Some(&path));
        assert_eq!(config, Config::default(), "{text:?}");
        one_line(&format!("settings {text:?}"), &warning.unwrap_or_else(|| panic!("{text:?}: no message")));
    }
    let keymaps = [
        "back = \"Left\"\n",
        "back = [1]\n",
        "fly = [\"x\"]\n",
        "back = [\"Left\"\n",
        "[x]\nback=[\"q\"]\n",
        "back = [\"Ctrl-?\", \"Hyper-X\"]\n",
        "back = [\"q\"]\n",
        "back = [\"Left\"]\nback = [\"Right\"]\n",
        "back = { key = \"Left\" }\n",
        "[[[",
    ];
    for (i, text) in keymaps.iter().enumerate() {
        let path = dir.join(format!("keymap-{i}.toml"));
        std::fs::write(&path, text).unwrap();
        let (_, warning) = Keymap::load(Some(&path));
        one_line(&format!("keymap {text:?}"), &warning.unwrap_or_else(|| panic!("{text:?}: no message")));
    }
    // Files that are not files, or not text.
    let folder = dir.join("folder.toml");
    std::fs::create_dir_all(&folder).unwrap();
    let binary = dir.join("binary.toml");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    for path in [&folder, &binary] {
        let (_, warning) = Config::load(Some(path));
        one_line(&format!("settings {}", path.display()), &warning.expect("a message"));
        let (_, warning) = Keymap::load(Some(path));
        one_line(&format!("keymap {}", path.display()), &warning.expect("a message"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bookmark_cookie_and_certificate_files_are_said_in_words() {
    use margay::store::bookmarks::{Bookmark, BookmarkStore};
    let dir = scratch("stores");
    let broken = dir.join("broken.html");
    std::fs::write(&broken, "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF=\"http://x/\n")
        .unwrap();
    let mut store = BookmarkStore::open(&broken).expect("a broken file opens read-only");
    one_line("read-only bookmarks", &store.read_only().expect("read-only").to_string());
    let e = store.add(&[] as &[&str], Bookmark::new("http://example.org/", "x")).expect_err("read-only");
    one_line("adding to read-only bookmarks", &e.to_string());
    // A folder where the file should be, and a file where its folder should be.
    let folder = dir.join("folder.html");
    std::fs::create_dir_all(&folder).unwrap();
    let file = dir.join("file");
    std::fs::write(&file, "x").unwrap();
    for path in [folder.clone(), file.join("bookmarks.html")] {
        match BookmarkStore::open(&path) {
            Err(e) => one_line(&format!("open {}", path.display()), &e.to_string()),
            Ok(mut store) => {
                let e = store
                    .add(&[] as &[&str], Bookmark::new("http://example.org/", "x"))
                    .expect_err("cannot write");
                one_line(&format!("add to {}", path.display()), &e.to_string());
            }
        }
    }
    // A cookie file that is not JSON, or a folder.
    let cookies = dir.join("cookies.json");
    std::fs::write(&cookies, "{not json").unwrap();
    for path in [cookies, folder.clone()] {
        let (_, warning) = margay::net::cookies::CookieJar::new(Some(path.clone()));
        one_line(&format!("cookies {}", path.display()), &warning.expect("a message"));
    }
    let (_, warning) = margay::store::trusted_certs::TrustedCerts::load(Some(folder.clone()));
    one_line("trusted certificates in a folder", &warning.expect("a message"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn download(request: FetchRequest, path: &Path, overwrite: bool) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    margay::net::download::spawn_download(client(), 1, request, path.to_path_buf(), overwrite, move |ev| {
        let _ = tx.send(ev);
    });
    loop {
        match rx.recv_timeout(Duration::from_secs(30)).expect("the download ends") {
            margay::net::download::DownloadEvent::Done { result, .. } => {
                return result.expect_err("the download fails").to_string()
            }
            margay::net::download::DownloadEvent::Progress { .. } => {}
        }
    }
}

#[test]
fn failed_downloads_are_said_in_words() {
    let dir = scratch("downloads");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let missing = RawServer::fixed(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec());
    let cut = RawServer::fixed(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this".to_vec());
    let fine = RawServer::fixed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec());
    let file = dir.join("file");
    std::fs::write(&file, "x").unwrap();
    for (url, path, overwrite) in [
        (format!("http://127.0.0.1:{closed}/x"), dir.join("a"), false),
        (missing.url("/x"), dir.join("b"), false),
        (cut.url("/x"), dir.join("c"), false),
        (fine.url("/x"), file.clone(), false),
        (fine.url("/x"), file.join("below"), true),
    ] {
        let message = download(FetchRequest::get(u(&url)), &path, overwrite);
        one_line(&format!("download {url} to {}", path.display()), &message);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn margay(home: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_margay"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("all_proxy")
        .output()
        .expect("margay runs")
}

#[test]
fn the_command_lines_messages_are_said_in_words() {
    let home = scratch("cli");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let closed = format!("http://127.0.0.1:{closed}/");
    let file = home.join("file");
    std::fs::write(&file, "x").unwrap();
    let below = file.join("bookmarks.html");
    let below = below.to_str().unwrap();
    std::fs::create_dir_all(home.join("config/margay")).unwrap();
    std::fs::write(home.join("config/margay/config.toml"), "[network]\nread_timeout_secs = \"soon\"\n")
        .unwrap();
    for args in [
        vec!["--dump"],
        vec!["--dump", &closed],
        vec!["--dump", "/nonexistent/margay/page.html"],
        vec!["--source", "gopher://127.0.0.1/"],
        vec!["bookmarks", "add", "not an address"],
        vec!["bookmarks", "remove", "http://example.org/none"],
        vec!["bookmarks", "--bookmarks", below, "add", "http://example.org/"],
        vec!["bookmarks", "--bookmarks", below, "list"],
        vec!["bookmarks", "import", "/nonexistent/margay/bookmarks.html"],
        vec!["bookmarks", "export", below],
        vec!["certs", "remove", "example.org"],
        vec!["certs", "list"],
        vec!["config"],
        vec!["keys"],
        vec!["generate", "man", "--dir", below],
    ] {
        let out = margay(&home, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
            plain(&format!("margay {}", args.join(" ")), line);
        }
    }
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn a_failed_save_is_said_in_words() {
    use margay::ui::files::SaveWhat;
    use margay::ui::{App, Keymap, Msg, StatusLine};
    let dir = scratch("save");
    let file = dir.join("file");
    std::fs::write(&file, "x").unwrap();
    for path in [file.join("page.html"), dir.clone()] {
        let result = margay::store::save::save_atomically(&path, b"<p>page</p>", true);
        assert!(result.is_err(), "{}: saved", path.display());
        let mut app = App::new(Keymap::defaults(), 80, 24);
        app.update(Msg::Saved { what: SaveWhat::Body, result });
        match app.status() {
            StatusLine::Error(message) => one_line(&format!("save to {}", path.display()), message),
            other => panic!("{}: {other:?}", path.display()),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
