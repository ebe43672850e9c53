//! Failing and hostile networks: bodies that never end or decompress to gigabytes, servers
//! that stall or drip, answers that are not HTTP or lie about their length, bad redirects,
//! certificates nobody vouches for. Each ends in a readable page or message, in bounded
//! time and memory. Timeouts here are short (NetConfig) and every wait has a deadline.

mod common;
mod hostile_server;

use common::Driver;
use hostile_server::{drip, endless, head, stall, RawServer};
use margay::net::{self, Client, FetchEvent, FetchRequest, NetConfig};
use margay::policy::TransportFailure;
use margay::ui::{App, Effect, Keymap, Msg};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::io::Write;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use url::Url;

fn config(cap: u64, read_ms: u64, total_ms: u64) -> NetConfig {
    NetConfig {
        body_cap: cap,
        connect_timeout: Duration::from_millis(500),
        response_timeout: Duration::from_millis(read_ms),
        total_timeout: Duration::from_millis(total_ms),
        ..NetConfig::default()
    }
}

fn get(client: &Client, url: &str) -> Result<net::FetchResponse, TransportFailure> {
    client.fetch(&FetchRequest::get(Url::parse(url).unwrap()), &mut |_, _| true)
}

fn driver_with(config: NetConfig) -> Driver {
    let mut d = Driver::new(100, 40);
    d.set_client(Client::new(config));
    d
}

#[test]
fn an_endless_body_stops_at_the_cap_and_the_cap_is_shown() {
    let chunk = "endless text ".repeat(5000);
    let server = RawServer::start(move |req, stream| {
        let length = if req.path == "/lying" { "Content-Length: 99999999999\r\n" } else { "" };
        let head =
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n{length}Connection: close\r\n\r\n");
        endless(stream, head.as_bytes(), chunk.as_bytes(), 1 << 30);
    });
    let cap = 1 << 20;
    let client = Client::new(config(cap, 5000, 20_000));
    for path in ["/", "/lying"] {
        let started = Instant::now();
        let response = get(&client, &server.url(path)).expect("a response");
        assert!(response.truncated && response.body.len() as u64 == cap, "{path}: {}", response.body.len());
        assert!(started.elapsed() < Duration::from_secs(10));
    }
    let mut d = driver_with(config(cap, 5000, 20_000));
    d.open(&server.url("/"));
    let screen = d.screen();
    assert!(screen.contains("cut at 1048576 bytes"), "{screen}");
    assert!(d.page_text().contains("endless text"));
}

#[test]
fn gzip_and_brotli_bombs_stop_at_the_cap_after_decompression() {
    // 64 MB of zeros in 64 KB of gzip; 1 GB of zeros in 1.6 KB of brotli.
    let gzip = include_bytes!("data/zeros-64m.gz").to_vec();
    let brotli = include_bytes!("data/zeros-1g.br").to_vec();
    let server = RawServer::start(move |req, stream| {
        let (encoding, body) = if req.path == "/gz" { ("gzip", &gzip) } else { ("br", &brotli) };
        let length = body.len().to_string();
        let mut answer = head(
            "200 OK",
            &[("Content-Type", "text/plain"), ("Content-Encoding", encoding), ("Content-Length", &length)],
        );
        answer.extend_from_slice(body);
        let _ = stream.write_all(&answer);
    });
    let cap = 4 << 20;
    let client = Client::new(config(cap, 5000, 20_000));
    for path in ["/gz", "/br"] {
        let started = Instant::now();
        let response = get(&client, &server.url(path)).expect("a response");
        assert!(response.truncated, "{path}");
        assert_eq!(response.body.len() as u64, cap, "{path}: the cap counts decoded bytes");
        assert!(response.body.iter().all(|&b| b == 0), "{path}: the body was decoded");
        assert!(started.elapsed() < Duration::from_secs(10), "{path}: {:?}", started.elapsed());
    }
}

#[test]
fn a_server_that_stalls_before_or_after_the_headers_is_cut_off() {
    let server = RawServer::start(|req, stream| {
        let head_first = if req.path == "/after-headers" {
            &b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p>partial"[..]
        } else {
            &b""[..]
        };
        stall(stream, head_first, Duration::from_secs(30));
    });
    let client = Client::new(config(1 << 20, 300, 20_000));
    for path in ["/before-headers", "/after-headers"] {
        let started = Instant::now();
        let result = get(&client, &server.url(path));
        let took = started.elapsed();
        assert!(matches!(result, Err(TransportFailure::Timeout(_))), "{path}: {result:?}");
        assert!(took >= Duration::from_millis(250) && took < Duration::from_secs(5), "{path}: {took:?}");
    }
    // The user sees a diagnostic page that says so.
    let mut d = driver_with(config(1 << 20, 300, 20_000));
    d.open(&server.url("/after-headers"));
    assert!(d.page_text().contains("Timed out"), "{}", d.page_text());
}

#[test]
fn a_dripping_server_is_cut_off_by_the_whole_request_timeout() {
    let server = RawServer::start(|_, stream| {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n";
        drip(stream, head, &[b'x'; 100_000], Duration::from_millis(20));
    });
    // Each byte comes well within the read timeout; only the total limit can end it.
    let client = Client::new(config(1 << 20, 2000, 1000));
    let started = Instant::now();
    let result = get(&client, &server.url("/"));
    let took = started.elapsed();
    assert!(matches!(result, Err(TransportFailure::Timeout(_))), "{result:?}");
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn a_connection_that_is_never_accepted_hits_the_connect_timeout() {
    use std::os::fd::AsRawFd;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    // A backlog of 0: one connection fills the queue and the next SYNs go unanswered.
    assert_eq!(unsafe { libc::listen(listener.as_raw_fd(), 0) }, 0);
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    while fillers.len() < 64 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(s) => fillers.push(s),
            Err(_) => break,
        }
    }
    let client = Client::new(config(1 << 20, 5000, 20_000));
    let started = Instant::now();
    let result = get(&client, &format!("http://{addr}/"));
    let took = started.elapsed();
    assert!(matches!(result, Err(TransportFailure::Timeout(_))), "{result:?}");
    assert!(took >= Duration::from_millis(400) && took < Duration::from_secs(5), "{took:?}");
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn esc_cancels_a_stalled_load_at_once_and_its_late_answer_is_dropped() {
    // The server sends the head and the start of the body, then waits for the test to let it
    // send the rest: until then the worker is blocked in a read (its timeout is 20 s).
    let (release_tx, release) = mpsc::channel::<()>();
    let release = std::sync::Mutex::new(release);
    let server = RawServer::start(move |_, stream| {
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nstart");
        let _ = stream.flush();
        let _ = release.lock().unwrap().recv_timeout(Duration::from_secs(30));
        let _ = stream.write_all(b" late");
    });
    let client = Client::new(config(1 << 20, 20_000, 30_000));
    let mut app = App::new(Keymap::defaults(), 80, 24);
    let (events_tx, events) = mpsc::channel();
    let mut handles = Vec::new();
    for effect in app.open_typed(&server.url("/")) {
        if let Effect::Fetch { id, request, width } = effect {
            let tx = events_tx.clone();
            handles.push(net::spawn_fetch(client.clone(), id, request, width, move |ev| {
                let _ = tx.send(ev);
            }));
        }
    }
    drop(events_tx);
    assert!(app.tab().pending().is_some());
    // Esc answers while the worker is still blocked (the server has not sent the rest).
    let effects = app.update(key(KeyCode::Esc));
    assert!(effects.iter().any(|e| matches!(e, Effect::Cancel { .. })), "{effects:?}");
    for handle in &handles {
        handle.cancel();
    }
    assert!(app.tab().pending().is_none());
    assert!(margay::ui::draw::status_text(&app).0.contains("cancelled"));
    // Now the answer comes, late. The worker reads it and ends without reporting it: its
    // channel closes when its thread is gone, which proves it has finished.
    release_tx.send(()).unwrap();
    loop {
        match events.recv_timeout(Duration::from_secs(30)) {
            Ok(event) => {
                assert!(!matches!(event, FetchEvent::Done { .. }), "a cancelled load answered");
                app.update(Msg::Fetch(event));
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("the cancelled worker never finished"),
        }
    }
    assert!(app.tab().pending().is_none() && app.page().is_none());
}

/// Open `url` in the app within `limit`; the page or the status line must say something.
fn open_readable(d: &mut Driver, url: &str, limit: Duration) -> String {
    let started = Instant::now();
    d.open(url);
    assert!(started.elapsed() < limit, "{url} took {:?}", started.elapsed());
    let screen = d.screen();
    assert!(screen.lines().filter(|l| !l.trim().is_empty()).count() >= 2, "{url}: an empty screen\n{screen}");
    screen
}

#[test]
fn answers_that_are_not_proper_http_end_in_a_readable_page() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not-http", b"SSH-2.0-OpenSSH_9.6\r\n".to_vec(), "Invalid answer"),
        ("binary", (0..=255u8).cycle().take(4000).collect(), "Invalid answer"),
        ("http09", b"<html><p>no status line</p></html>".to_vec(), "Invalid answer"),
        ("empty", Vec::new(), ""),
        ("length-too-long", b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this".to_vec(), ""),
        (
            "length-too-short",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello and more"
                .to_vec(),
            "hello",
        ),
        ("length-junk", b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nbody".to_vec(), ""),
        (
            "length-twice",
            b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 9\r\n\r\nbody".to_vec(),
            "",
        ),
        (
            "chunked-truncated",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n".to_vec(),
            "",
        ),
        (
            "chunked-bad-size",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n".to_vec(),
            "",
        ),
        (
            "status-999",
            b"HTTP/1.1 999 Odd\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nodd!".to_vec(),
            "999",
        ),
        ("bare-lf", b"HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 2\n\nok".to_vec(), ""),
        (
            "huge-header",
            [&b"HTTP/1.1 200 OK\r\nX-Big: "[..], &vec![b'a'; 200_000], b"\r\n\r\nbody"].concat(),
            "Too many headers",
        ),
        (
            "many-headers",
            [b"HTTP/1.1 200 OK\r\n".to_vec(), b"X-A: b\r\n".repeat(20_000), b"\r\nbody".to_vec()].concat(),
            "Too many headers",
        ),
        (
            // Small, but more header lines than are read.
            "200-headers",
            [b"HTTP/1.1 200 OK\r\n".to_vec(), b"Set-Cookie: a=b\r\n".repeat(200), b"\r\nbody".to_vec()]
                .concat(),
            "Too many headers",
        ),
        (
            "escape-in-header",
            b"HTTP/1.1 200 OK\r\nX-Evil: \x1b]0;x\x07\r\nContent-Length: 2\r\n\r\nok".to_vec(),
            "",
        ),
    ];
    for (name, answer, expect) in cases {
        let server = RawServer::fixed(answer);
        let mut d = driver_with(config(1 << 20, 1000, 5000));
        let screen = open_readable(&mut d, &server.url(&format!("/{name}")), Duration::from_secs(8));
        assert!(screen.contains(expect), "{name}: expected {expect:?}\n{screen}");
        if expect.contains("header") {
            assert!(!screen.contains("may not speak HTTP"), "{name}: wrong advice\n{screen}");
        }
        let mut out = Vec::new();
        let outcome = margay::dump::run(
            &d.client,
            &server.url("/"),
            80,
            margay::dump::DumpMode::Rendered,
            false,
            false,
            &mut out,
        );
        assert!(outcome.exit_code() <= 3, "{name}: {outcome:?}");
    }
}

#[test]
fn bad_location_headers_end_in_a_readable_page() {
    let locations = [
        "http://[::1",
        "",
        "   ",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<p>hi",
        "//",
        ":::",
        "http://",
        "http://127.0.0.1:99999/",
        "ftp://example.com/file",
        "/\u{1b}]0;x\u{7}",
        "/self",
    ];
    let server = RawServer::start(move |req, stream| {
        let index: usize = req.path.trim_start_matches("/case").parse().unwrap_or(usize::MAX);
        let location = locations.get(index).copied().unwrap_or("/self");
        let _ = stream.write_all(&head("302 Found", &[("Location", location), ("Content-Length", "0")]));
    });
    for (i, location) in locations.iter().enumerate() {
        let mut d = driver_with(config(1 << 20, 1000, 5000));
        let screen = open_readable(&mut d, &server.url(&format!("/case{i}")), Duration::from_secs(8));
        if location.starts_with("file:") {
            assert!(!screen.contains("root:"), "a redirect opened a local file:\n{screen}");
        }
    }
    let long = format!("/{}", "a".repeat(100_000));
    let server = RawServer::start(move |_, stream| {
        let _ = stream.write_all(&head("301 Moved", &[("Location", &long), ("Content-Length", "0")]));
    });
    let mut d = driver_with(config(1 << 20, 1000, 5000));
    open_readable(&mut d, &server.url("/"), Duration::from_secs(8));
}

#[test]
fn a_self_signed_certificate_stops_the_load_with_a_diagnostic() {
    let server = tls::Server::start();
    let url = format!("https://127.0.0.1:{}/", server.port);
    let client = Client::new(config(1 << 20, 2000, 5000));
    let result = get(&client, &url);
    assert!(matches!(&result, Err(TransportFailure::Tls(_))), "{result:?}");
    let mut d = driver_with(config(1 << 20, 2000, 5000));
    d.open(&url);
    let text = d.page_text();
    assert!(text.contains("Self-signed certificate") && !text.contains("secret page"), "{text}");
    assert!(text.contains("SHA-256 fingerprint:") && !text.contains("clock"), "{text}");
    // --dump fails with the reason, and prints nothing of the page.
    let mut out = Vec::new();
    let outcome =
        margay::dump::run(&client, &url, 80, margay::dump::DumpMode::Rendered, false, false, &mut out);
    assert_eq!(outcome.exit_code(), 1, "{outcome:?}");
    assert!(!String::from_utf8_lossy(&out).contains("secret page"));
    assert!(server.handshakes_failed() >= 1);
}

/// A TLS server with a self-signed certificate for 127.0.0.1 (tests/data), which a
/// correct client refuses.
mod tls {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    pub struct Server {
        pub port: u16,
        failed: Arc<AtomicUsize>,
    }

    impl Server {
        pub fn start() -> Server {
            let cert = CertificateDer::from_pem_slice(include_bytes!("data/selfsigned-cert.pem")).unwrap();
            let key = PrivateKeyDer::from_pem_slice(include_bytes!("data/selfsigned-key.pem")).unwrap();
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![cert], key)
                .unwrap();
            let config = Arc::new(config);
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let failed = Arc::new(AtomicUsize::new(0));
            let count = failed.clone();
            std::thread::spawn(move || {
                // At most a few connections: the tests make two or three.
                for stream in listener.incoming().take(8) {
                    let Ok(mut tcp) = stream else { continue };
                    let _ = tcp.set_read_timeout(Some(std::time::Duration::from_secs(5)));
                    let mut conn = rustls::ServerConnection::new(config.clone()).unwrap();
                    let mut tls = rustls::Stream::new(&mut conn, &mut tcp);
                    let mut buf = [0u8; 4096];
                    match tls.read(&mut buf) {
                        Ok(n) if n > 0 => {
                            let _ = tls.write_all(
                                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\n<p>secret page</p>\r\n",
                            );
                        }
                        _ => {
                            count.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                }
            });
            Server { port, failed }
        }

        pub fn handshakes_failed(&self) -> usize {
            self.failed.load(Ordering::SeqCst)
        }
    }
}

#[test]
fn an_endless_page_keeps_the_real_binary_under_300_mb() {
    use std::io::Read;
    // Dense markup costs the layout most per byte; the server would send 1 GB.
    let chunk = "<p>lorem <a href=\"/x\">ipsum</a> dolor <b>sit</b> amet</p>\n".repeat(1000);
    let server = RawServer::start(move |_, stream| {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n";
        endless(stream, head, chunk.as_bytes(), 1 << 30);
    });
    let home = std::env::temp_dir().join(format!("margay-rss-{}", std::process::id()));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_margay"))
        .args(["--dump", &server.url("/")])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run margay");
    let mut stdout = child.stdout.take().unwrap();
    // The dump is written once the page is laid out; the process then blocks on the full
    // pipe, so its high-water mark is final while it still exists to be read.
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).expect("output");
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).expect("/proc");
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("peak RSS {} MB, {} bytes of dump", peak_kb / 1024, rest.len() + 1);
    assert!(stderr.contains("cut at 52428800 bytes"), "{stderr}");
    assert!(String::from_utf8_lossy(&rest).contains("stopped laying this page out"));
    assert!(peak_kb < 300 * 1024, "peak RSS {} MB", peak_kb / 1024);
}

#[test]
fn a_remote_page_or_a_redirect_never_opens_a_local_file() {
    let secret = std::env::temp_dir().join(format!("margay-secret-{}.txt", std::process::id()));
    std::fs::write(&secret, "TOP SECRET local file").unwrap();
    let file_url = Url::from_file_path(&secret).unwrap().to_string();
    let (link, location) = (file_url.clone(), file_url.clone());
    let server = common::TestServer::start(move |req| match req.path.as_str() {
        "/page" => common::Reply::html(&format!("<p><a href=\"{link}\">local file</a></p>")),
        "/redirect" => common::Reply::new(302).header("Location", &location),
        _ => common::Reply::new(301)
            .header("Location", &format!("FILE:{}", location.trim_start_matches("file:"))),
    });
    let mut d = Driver::new(100, 30);
    d.open(&server.url("/page"));
    d.char('1');
    d.key(KeyCode::Enter);
    assert!(!d.page_text().contains("TOP SECRET"), "a link on a remote page opened a file");
    assert!(d.screen().contains("cannot open local files"), "{}", d.screen());
    for path in ["/redirect", "/upper"] {
        d.open(&server.url(path));
        assert!(!d.page_text().contains("TOP SECRET"), "{path}: a redirect opened a file");
        let mut out = Vec::new();
        margay::dump::run(
            &d.client,
            &server.url(path),
            80,
            margay::dump::DumpMode::Source,
            false,
            false,
            &mut out,
        );
        assert!(
            !String::from_utf8_lossy(&out).contains("TOP SECRET"),
            "{path}: --source followed a redirect to a file"
        );
    }
    // Typed by the user, it opens.
    d.open(&file_url);
    assert!(d.page_text().contains("TOP SECRET"));
    let _ = std::fs::remove_file(&secret);
}

#[test]
fn a_password_in_an_address_is_never_on_screen() {
    let server = common::TestServer::start(|_| common::Reply::html("<title>Private</title><p>inside</p>"));
    let url = server.url("/").replace("http://", "http://alice:hunter2@");
    let mut d = Driver::new(120, 30);
    d.open(&url);
    assert!(d.page_text().contains("inside"));
    let mut screens = vec![d.screen()];
    d.char('=');
    screens.push(d.screen());
    for screen in screens {
        assert!(!screen.contains("hunter2"), "the password is on screen:\n{screen}");
    }
}

#[test]
fn a_password_in_an_address_is_never_written_to_the_cache() {
    let dir = std::env::temp_dir().join(format!("margay-cache-pw-{}", std::process::id()));
    let mut cache = margay::net::cache::Cache::new(Some(dir.clone()), 1 << 20, 1 << 20);
    let url = Url::parse("http://alice:hunter2@127.0.0.1/page").unwrap();
    let headers = [("etag".to_string(), "\"v1\"".to_string()), ("cache-control".into(), "max-age=60".into())];
    let _ = cache.store(&url, 200, &headers, b"body");
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&bytes).contains("hunter2"), "{}", entry.path().display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
