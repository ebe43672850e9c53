//! Cookies, downloads, saving and view source, against a real server on 127.0.0.1.

mod common;

use common::{Driver, Reply, TestServer};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use std::io::Read;
use std::sync::{Arc, Mutex};

/// A folder of the test's own, removed with the returned guard.
fn temp_dir(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::Builder::new().prefix(&format!("margay-{name}-")).tempdir().unwrap();
    let path = dir.path().to_path_buf();
    (dir, path)
}

#[test]
fn cookies_are_set_sent_back_and_scoped() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/login" => Reply::html("<p>in</p>")
            .header("Set-Cookie", "session=abc; Path=/")
            .header("Set-Cookie", "admin=1; Path=/admin"),
        _ => Reply::html(&format!("<p>cookie: {}</p>", req.header("Cookie").unwrap_or("none"))),
    });
    let mut d = Driver::new(100, 30);
    d.open(&s.url("/login"));
    d.open(&s.url("/page"));
    assert!(d.page_text().contains("cookie: session=abc"), "{}", d.page_text());
    assert!(!d.page_text().contains("admin=1"), "path-scoped cookie sent outside its path");
    d.open(&s.url("/admin/x"));
    let text = d.page_text();
    assert!(text.contains("admin=1") && text.contains("session=abc"), "{text}");
    // Another host (localhost is not 127.0.0.1) gets none of them.
    d.open(&s.url("/page").replace("127.0.0.1", "localhost"));
    assert!(d.page_text().contains("cookie: none"), "{}", d.page_text());

    // The cookie page lists the site's cookies; D forgets them.
    d.open(&s.url("/page"));
    d.key_mod(KeyCode::Char('k'), KeyModifiers::CONTROL);
    let text = d.page_text();
    assert!(text.contains("session = abc") && text.contains("path /admin"), "{text}");
    d.char('D');
    assert!(d.status_line().contains("Forget 2 cookies of 127.0.0.1? (y/n)"), "asks first: {}", d.screen());
    d.char('y');
    assert!(d.screen().contains("Forgot 2 cookies of 127.0.0.1."), "{}", d.screen());
    d.open(&s.url("/page"));
    assert!(d.page_text().contains("cookie: none"));
}

#[test]
fn persistent_cookies_survive_a_restart_when_asked() {
    let (_scratch, dir) = temp_dir("cookies");
    let file = dir.join("cookies.json");
    let s = TestServer::start(|req| match req.path.as_str() {
        "/set" => Reply::html("<p>set</p>")
            .header("Set-Cookie", "keep=yes; Max-Age=3600; Path=/")
            .header("Set-Cookie", "gone=soon; Path=/"),
        _ => Reply::html(&format!("<p>cookie: {}</p>", req.header("Cookie").unwrap_or("none"))),
    });
    {
        let (jar, warning) = margay::net::cookies::CookieJar::new(Some(file.clone()));
        assert!(warning.is_none());
        let mut d = Driver::new(80, 20);
        d.set_client(d.client.clone().with_cookies(jar));
        d.open(&s.url("/set"));
    }
    assert!(std::fs::read_to_string(&file).unwrap().contains("keep"));
    let (jar, _) = margay::net::cookies::CookieJar::new(Some(file.clone()));
    let mut d = Driver::new(80, 20);
    d.set_client(d.client.clone().with_cookies(jar));
    d.open(&s.url("/check"));
    assert!(d.page_text().contains("cookie: keep=yes"), "session cookies are not kept: {}", d.page_text());
    // A jar file that cannot be read is reported and left alone.
    std::fs::write(&file, "not json").unwrap();
    let (_, warning) = margay::net::cookies::CookieJar::new(Some(file.clone()));
    assert!(warning.unwrap().contains("cookies.json"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not json");
}

/// A 5 MB body, sent in chunks; when `gate` is given, the server stops after the first
/// megabyte until the gate opens.
struct Body {
    sent: usize,
    gate: Option<Arc<Mutex<bool>>>,
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        const TOTAL: usize = 5 * 1024 * 1024;
        if self.sent >= TOTAL {
            return Ok(0);
        }
        if self.sent >= 1024 * 1024 {
            if let Some(gate) = &self.gate {
                // Hold the connection until the test has cancelled.
                while !*gate.lock().unwrap() {
                    std::thread::yield_now();
                }
            }
        }
        let n = buf.len().min(64 * 1024).min(TOTAL - self.sent);
        buf[..n].fill(b'x');
        self.sent += n;
        Ok(n)
    }
}

fn download_server(gate: Option<Arc<Mutex<bool>>>) -> (Arc<tiny_http::Server>, String) {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let base = format!("http://127.0.0.1:{}", server.server_addr().to_ip().unwrap().port());
    let srv = server.clone();
    std::thread::spawn(move || {
        for request in srv.incoming_requests() {
            let page = request.url() == "/";
            if page {
                let html = "<p><a href=\"/files/big.bin\">big file</a></p>";
                let _ =
                    request
                        .respond(tiny_http::Response::from_string(html).with_header(
                            tiny_http::Header::from_bytes("Content-Type", "text/html").unwrap(),
                        ));
                continue;
            }
            let body = Body { sent: 0, gate: gate.clone() };
            let response = tiny_http::Response::new(200.into(), vec![], body, Some(5 * 1024 * 1024), None)
                .with_chunked_threshold(usize::MAX);
            let _ = request.respond(response);
        }
    });
    (server, base)
}

#[test]
fn a_five_megabyte_download_with_progress() {
    let (_scratch, dir) = temp_dir("download");
    let (server, base) = download_server(None);
    let mut d = Driver::new(100, 20);
    d.app.settings_mut().download_dir = dir.clone();
    d.open(&format!("{base}/"));
    d.char('d');
    let screen = d.screen();
    assert!(screen.contains(&format!("Download to: {}", dir.join("big.bin").display())), "{screen}");
    d.key(KeyCode::Enter);
    d.wait_downloads(1);
    let saved = dir.join("big.bin");
    assert_eq!(std::fs::metadata(&saved).unwrap().len(), 5 * 1024 * 1024);
    assert!(d.progress_seen.iter().all(|(_, total)| *total == Some(5 * 1024 * 1024)));
    assert!(d.progress_seen.last().is_some_and(|(b, _)| *b == 5 * 1024 * 1024));
    assert!(d.screen().contains("Downloaded"), "{}", d.screen());
    // The same name again: margay asks before writing over it.
    d.char('d');
    d.key(KeyCode::Enter);
    d.wait_downloads(1);
    assert!(d.screen().contains("exists. Write over it? (y/n)"), "{}", d.screen());
    d.char('n');
    assert!(!margay::net::download::part_path(&saved).exists());
    server.unblock();
}

#[test]
fn a_cancelled_download_leaves_nothing() {
    let (_scratch, dir) = temp_dir("cancel");
    let gate = Arc::new(Mutex::new(false));
    let (server, base) = download_server(Some(gate.clone()));
    let mut d = Driver::new(100, 20);
    d.app.settings_mut().download_dir = dir.clone();
    d.open(&format!("{base}/"));
    // A message on the status line gives way to the download's gauge.
    d.key(KeyCode::Left);
    assert!(d.screen().contains("Already at the first page."), "{}", d.screen());
    d.char('d');
    d.key(KeyCode::Enter);
    // Wait until bytes arrived, then press Esc.
    let part = margay::net::download::part_path(&dir.join("big.bin"));
    while !d.progress_seen.iter().any(|(bytes, _)| *bytes > 0) {
        d.wait_message();
    }
    let screen = d.screen();
    assert!(screen.contains("Downloading big.bin:") && screen.contains("of 5.0 MiB"), "the gauge: {screen}");
    d.key(KeyCode::Esc);
    *gate.lock().unwrap() = true;
    d.wait_downloads(1);
    let screen = d.screen();
    assert!(screen.contains("Download of big.bin cancelled; nothing was kept."), "{screen}");
    assert!(!screen.contains("Download failed"), "the thread's late word is not a failure: {screen}");
    assert!(!dir.join("big.bin").exists(), "no file under the final name");
    assert!(!part.exists(), "no partial file left behind");
    server.unblock();
}

#[test]
fn a_binary_answer_is_described_and_saved_or_opened_only_on_a_key() {
    let (_scratch, dir) = temp_dir("save");
    let s = TestServer::start(|req| match req.path.as_str() {
        "/report" => Reply::new(200)
            .header("Content-Type", "application/pdf")
            .header("Content-Disposition", "attachment; filename=\"../../etc/Q3 report.pdf\"")
            .body(b"%PDF-1.4 binary\x00\x01"),
        _ => Reply::html("<title>Page</title><h1>Hello</h1><p>Saved <b>text</b></p>"),
    });
    let mut d = Driver::new(100, 20);
    d.app.settings_mut().download_dir = dir.clone();
    d.open(&s.url("/report"));
    let screen = d.screen();
    assert!(d.app.prompt().is_none(), "no save prompt pops up on landing: {screen}");
    assert!(screen.contains("This is a PDF document (application/pdf, 17 bytes)"), "{screen}");
    assert!(screen.contains("application/pdf: p saves it, o opens it with your viewer."), "{screen}");
    d.char('o');
    assert_eq!(d.opened, vec![("application/pdf".to_string(), "Q3 report.pdf".to_string(), 17)]);
    d.char('p');
    assert!(
        d.screen().contains(&format!(
            "Save as (a .txt name saves the text): {}",
            dir.join("Q3 report.pdf").display()
        )),
        "{}",
        d.screen()
    );
    d.key(KeyCode::Enter);
    assert_eq!(std::fs::read(dir.join("Q3 report.pdf")).unwrap(), b"%PDF-1.4 binary\x00\x01");
    // Again: the file exists; declining leaves it, and says so.
    d.char('p');
    d.key(KeyCode::Enter);
    d.char('n');
    assert!(d.screen().contains("Not saved;"), "{}", d.screen());

    // A page as received, and as text.
    d.open(&s.url("/page.html"));
    d.char('p');
    d.key(KeyCode::Enter);
    assert!(std::fs::read_to_string(dir.join("page.html")).unwrap().contains("<b>text</b>"));
    d.char('p');
    for _ in 0..4 {
        d.key(KeyCode::Backspace);
    }
    d.type_text("txt");
    d.key(KeyCode::Enter);
    let text = std::fs::read_to_string(dir.join("page.txt")).unwrap();
    assert!(text.contains("Hello") && text.contains("Saved text") && !text.contains("<b>"), "{text}");

    // View source shows the HTML as text; again goes back.
    d.char('\\');
    assert!(d.page_text().contains("<h1>Hello</h1>"), "{}", d.page_text());
    d.char('\\');
    assert!(!d.page_text().contains("<h1>"));
}

#[test]
fn a_download_creates_its_folder() {
    let (_scratch, dir) = temp_dir("newdir");
    let dir = dir.join("not/yet/there");
    let (server, base) = download_server(None);
    let mut d = Driver::new(100, 20);
    d.app.settings_mut().download_dir = dir.clone();
    d.open(&format!("{base}/"));
    d.char('d');
    d.key(KeyCode::Enter);
    d.wait_downloads(1);
    assert_eq!(std::fs::metadata(dir.join("big.bin")).unwrap().len(), 5 * 1024 * 1024, "{}", d.screen());
    server.unblock();
}

#[test]
fn a_body_that_is_not_a_page_is_saved_as_it_came_whatever_its_name() {
    let (_scratch, dir) = temp_dir("save-body");
    let body: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let served = body.clone();
    let s = TestServer::start(move |req| {
        let name = match req.path.as_str() {
            "/notes" => "attachment; filename=\"notes.txt\"",
            "/latin1" => "attachment; filename*=iso-8859-1''%E9t%E9.bin",
            // A name from the address, without a dot: not made a .txt name.
            "/bytes/4096" => "",
            // An override that would show the name as "exe.gpj" reversed … or hide ".exe".
            _ => "attachment; filename*=UTF-8''report%E2%80%AEgpj.exe",
        };
        let reply = Reply::new(200).header("Content-Type", "application/octet-stream");
        let reply = if name.is_empty() { reply } else { reply.header("Content-Disposition", name) };
        reply.body(&served)
    });
    let mut d = Driver::new(120, 20);
    d.app.settings_mut().download_dir = dir.clone();
    for (path, name) in
        [("/notes", "notes.txt"), ("/latin1", "été.bin"), ("/bidi", "reportgpj.exe"), ("/bytes/4096", "4096")]
    {
        d.open(&s.url(path));
        d.char('p');
        let offered = format!("Save as (a .txt name saves the text): {}", dir.join(name).display());
        assert!(d.screen().contains(&offered), "{path}: {}", d.screen());
        d.key(KeyCode::Enter);
        assert_eq!(std::fs::read(dir.join(name)).unwrap(), body, "{path}: the server's bytes");
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["4096", "notes.txt", "reportgpj.exe", "été.bin"]);
}

#[test]
fn a_save_is_never_blocked_by_a_leftover_and_old_leftovers_go() {
    let (_scratch, dir) = temp_dir("save-leftovers");
    // What a margay killed while saving page.html left: the name earlier versions used (with
    // this process's id, as a later margay with the same id would have), and an old one.
    let same_pid = dir.join(format!(".page.html.margay-{}.tmp", std::process::id()));
    std::fs::create_dir(&same_pid).unwrap();
    let old = dir.join(".page.html.Xy12Ab.margay.tmp");
    std::fs::write(&old, "partial").unwrap();
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 3600);
    std::fs::File::options().write(true).open(&old).unwrap().set_modified(two_days_ago).unwrap();
    let recent = dir.join(".page.html.Cd34Ef.margay.tmp");
    std::fs::write(&recent, "another margay may be writing this").unwrap();
    let saved = margay::store::save::save_atomically(&dir.join("page.html"), b"<p>page</p>", false);
    assert_eq!(saved, Ok(dir.join("page.html")));
    assert_eq!(std::fs::read(dir.join("page.html")).unwrap(), b"<p>page</p>");
    assert!(!old.exists(), "a day-old leftover is removed");
    assert!(recent.exists() && same_pid.exists(), "what may be in use (and what is not a file) stays");
}
