//! margay against nginx as Debian ships it, configured by tests/servers/nginx.conf: status
//! codes and custom error pages, nginx's own directory redirect and `return`/`rewrite`
//! redirects, auth_basic, ETag and Last-Modified revalidation, gzip, a stalled upstream (504),
//! an API's JSON answers, bodies margay does not display and bodies over the size limit.

mod common;

use common::servers::{self, margay, run, Run};
use common::Driver;
use margay::net::cache::Cache;
use margay::net::{Client, NetConfig};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn dump(args: &[&str]) -> Run {
    let home = tempfile::tempdir().expect("a home");
    let mut command = margay(home.path());
    command.arg("--dump").args(args);
    run(command)
}

fn driver() -> Driver {
    let mut d = Driver::new(100, 60);
    d.set_client(Client::new(NetConfig::default()).with_cache(Cache::new(None, 1 << 24, 1 << 24)));
    d
}

#[test]
fn pages_status_codes_and_the_sites_own_error_page() {
    let Some(nginx) = servers::nginx() else { return };
    let ok = dump(&[&format!("{}/index.html", nginx.http)]);
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
    assert!(ok.stdout.contains("margay test site"), "{}", ok.stdout);

    let missing = dump(&[&format!("{}/nothing-here", nginx.http)]);
    assert_eq!(missing.code, Some(3), "an error status exits 3");
    assert!(missing.stdout.contains("404 Not Found"), "{}", missing.stdout);
    assert!(
        missing.stdout.contains("Nothing here") && missing.stdout.contains("This site's own error page"),
        "the custom error_page is the server's message: {}",
        missing.stdout
    );
    assert!(
        missing.stderr.contains("404 Not Found"),
        "what an exit 3 is about, on stderr: {}",
        missing.stderr
    );

    let teapot = dump(&[&format!("{}/teapot", nginx.http)]);
    assert_eq!(teapot.code, Some(3));
    assert!(teapot.stdout.contains("418"), "{}", teapot.stdout);

    let empty = dump(&[&format!("{}/api/nothing", nginx.http)]);
    assert_eq!((empty.code, empty.stdout.as_str()), (Some(0), ""), "204: nothing to print");
}

#[test]
fn nginx_redirects_as_the_status_codes_ask() {
    let Some(nginx) = servers::nginx() else { return };
    let dir = dump(&["-v", &format!("{}/dir", nginx.http)]);
    assert_eq!(dir.code, Some(0), "{}", dir.stderr);
    assert!(
        dir.stderr.contains("301") && dir.stdout.contains("The index of dir/"),
        "{} {}",
        dir.stderr,
        dir.stdout
    );

    let mut d = driver();
    // nginx's own directory redirect and `return 301` / `308` / `rewrite … permanent`:
    // the address bar shows the new address.
    for (path, to) in [
        ("/dir", "/dir/"),
        ("/r301", "/index.html"),
        ("/r308", "/index.html"),
        ("/old/page.html", "/new/page.html"),
    ] {
        d.open(&format!("{}{path}", nginx.http));
        assert_eq!(d.address(), format!("{}{to}", nginx.http), "{path} is a permanent move");
    }
    // 302 and 307 keep the original link; 303 goes to the new one.
    for path in ["/r302", "/r307"] {
        d.open(&format!("{}{path}", nginx.http));
        assert_eq!(d.address(), format!("{}{path}", nginx.http), "{path} keeps the original link");
        assert!(d.page_text().contains("margay test site"));
        d.char('=');
        assert!(d.page_text().contains(&format!("{}/index.html", nginx.http)), "page info has the final URL");
        d.key(KeyCode::Left);
    }
    d.open(&format!("{}/r303", nginx.http));
    assert_eq!(d.address(), format!("{}/index.html", nginx.http));
    let permanent = dump(&["-v", &format!("{}/old/page.html", nginx.http)]);
    assert!(
        permanent.stderr.contains("301") && permanent.stdout.contains("The page now lives under /new/"),
        "{}",
        permanent.stderr
    );
}

#[test]
fn auth_basic_asks_and_remembers() {
    let Some(nginx) = servers::nginx() else { return };
    let url = format!("{}/private/secret.html", nginx.http);
    let refused = dump(&[&url]);
    assert_eq!(refused.code, Some(3));
    assert!(
        refused
            .stdout
            .contains("The area \"margay test area\" needs a user name and password; none were sent"),
        "{}",
        refused.stdout
    );
    let wrong = dump(&[&url.replace("http://", "http://margay:wrong@")]);
    let words = wrong.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("the ones sent were refused"), "{}", wrong.stdout);
    let mut d = driver();
    d.open(&url);
    assert!(d.screen().contains("User name for 'margay test area' at 127.0.0.1"), "{}", d.screen());
    d.type_text(servers::USER);
    d.key(KeyCode::Enter);
    d.type_text(servers::PASSWORD);
    assert!(!d.screen().contains(servers::PASSWORD), "the password is never shown");
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("Only for those who know the password"), "{}", d.page_text());
    // Remembered for the session: no question the second time.
    d.open(&format!("{}/index.html", nginx.http));
    d.open(&url);
    assert!(d.app.prompt().is_none() && d.page_text().contains("Only for those"), "{}", d.screen());
}

#[test]
fn revalidation_with_etag_and_last_modified() {
    let Some(nginx) = servers::nginx() else { return };
    let mut d = driver();
    let url = format!("{}/index.html", nginx.http);
    d.open(&url);
    d.char('=');
    let info = d.page_text();
    assert!(info.contains("ETag:") && info.contains("Last-Modified:"), "{info}");
    d.key(KeyCode::Left);
    d.key_mod(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert!(d.screen().contains("304 Not Modified: the cached copy is current"), "{}", d.screen());
    assert!(d.page_text().contains("margay test site"));
    let log = std::fs::read_to_string(nginx.run.join("nginx-access.log")).unwrap_or_default();
    assert!(
        log.lines().any(|l| l.contains("GET /index.html") && l.contains("\" 304 ")),
        "nginx answered 304: {log}"
    );
}

#[test]
fn gzip_pages_are_decoded_and_their_headers_shown_as_sent() {
    let Some(nginx) = servers::nginx() else { return };
    let big = dump(&[&format!("{}/big.html", nginx.http)]);
    assert_eq!(big.code, Some(0), "{}", big.stderr);
    assert!(big.stdout.contains("Paragraph 299."), "the whole page, decoded");
    let mut d = driver();
    d.open(&format!("{}/big.html", nginx.http));
    d.char('=');
    let info = d.page_text();
    assert!(info.contains("Content-Encoding: gzip"), "{info}");
    // The JSON is compressed too (gzip_types) and shown decoded and pretty.
    d.open(&format!("{}/data.json", nginx.http));
    let text = d.page_text();
    assert!(text.contains("  \"tags\": [\n    \"terminal\",\n    \"hypertext\"\n  ],"), "{text}");
}

#[test]
fn an_apis_json_answers_are_shown_in_full() {
    let Some(nginx) = servers::nginx() else { return };
    let missing = dump(&[&format!("{}/api/missing", nginx.http)]);
    assert_eq!(missing.code, Some(3));
    assert!(missing.stdout.contains("404 Not Found"), "{}", missing.stdout);
    assert!(
        missing.stdout.contains("  \"detail\": \"widget 42 does not exist\""),
        "problem+json in full, pretty: {}",
        missing.stdout
    );
    let broken = dump(&[&format!("{}/api/broken", nginx.http)]);
    assert_eq!(broken.code, Some(3));
    assert!(
        broken.stdout.contains("  \"error\": \"database unavailable\",\n  \"retry\": true"),
        "{}",
        broken.stdout
    );
    let created = dump(&[&format!("{}/api/created", nginx.http)]);
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    assert!(
        created.stderr.contains("201 Created: the new document is at"),
        "201 is said on stderr: {}",
        created.stderr
    );
    assert!(
        created.stdout.contains("/api/items/7") && created.stdout.contains("  \"name\": \"widget\""),
        "the Location and the body: {}",
        created.stdout
    );
    let feed = dump(&[&format!("{}/feed.xml", nginx.http)]);
    assert!(feed.stdout.contains("<feed><title>margay test feed</title>"), "XML as text: {}", feed.stdout);
}

#[test]
fn a_stalled_upstream_is_nginxs_504() {
    let Some(nginx) = servers::nginx() else { return };
    let stalled = dump(&[&format!("{}/stalled", nginx.http)]);
    assert_eq!(stalled.code, Some(3));
    assert!(stalled.stdout.contains("504 Gateway Timeout"), "{}", stalled.stdout);
    assert!(
        stalled.stdout.contains("The server's own words: \"Gateway Time-out\""),
        "the reason phrase as sent: {}",
        stalled.stdout
    );
}

#[test]
fn bodies_margay_does_not_display_wait_for_a_key() {
    let Some(nginx) = servers::nginx() else { return };
    let downloads = tempfile::tempdir().unwrap();
    let mut d = driver();
    d.app.settings_mut().download_dir = downloads.path().to_path_buf();
    d.open(&format!("{}/image.png", nginx.http));
    assert!(d.app.prompt().is_none(), "no save prompt on landing");
    assert!(d.page_text().contains("This is a PNG image (image/png, 69 bytes)"), "{}", d.page_text());
    d.char('p');
    d.key(KeyCode::Enter);
    let saved = std::fs::read(downloads.path().join("image.png")).expect("saved");
    assert_eq!(
        saved,
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/servers/www/image.png")).unwrap()
    );
}

#[test]
fn a_body_over_the_size_limit_is_saved_whole_and_source_streams_it() {
    let Some(nginx) = servers::nginx() else { return };
    let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(nginx.run.join("made/big.bin"), &bytes).unwrap();
    let url = format!("{}/made/big.bin", nginx.http);

    let downloads = tempfile::tempdir().unwrap();
    let mut d = Driver::new(100, 40);
    d.set_client(Client::new(NetConfig { body_cap: 1 << 20, ..NetConfig::default() }));
    d.app.settings_mut().download_dir = downloads.path().to_path_buf();
    d.open(&url);
    d.char('p');
    d.key(KeyCode::Enter);
    d.wait_downloads(1);
    let saved = std::fs::read(downloads.path().join("big.bin")).expect("saved");
    assert_eq!(saved.len(), bytes.len(), "the whole body, not the first MiB");
    assert!(saved == bytes);

    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config/margay")).unwrap();
    std::fs::write(home.path().join("config/margay/config.toml"), "[network]\nbody_cap_mb = 1\n").unwrap();
    let out = margay(home.path()).args(["--source", &url]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout == bytes, "--source is not cut at the page limit ({} bytes)", out.stdout.len());
}

#[test]
fn the_bookmark_checker_on_a_compressing_server() {
    let Some(nginx) = servers::nginx() else { return };
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("bookmarks.html");
    for path in
        ["/index.html", "/big.html", "/old/page.html", "/nothing-here", "/r302", "/private/secret.html"]
    {
        let mut add = margay(home.path());
        add.args(["bookmarks", "--bookmarks"]).arg(&file).args(["add", &format!("{}{path}", nginx.http)]);
        assert_eq!(run(add).code, Some(0));
    }
    let mut check = margay(home.path());
    check.args(["bookmarks", "--bookmarks"]).arg(&file).args(["check", "--relink"]);
    let out = run(check);
    assert!(
        !out.stdout.contains("gzip") && !out.stdout.contains("decompress"),
        "HEAD answers of a gzip server are not decoded: {}",
        out.stdout
    );
    let line = |path: &str| {
        out.stdout.lines().find(|l| l.contains(&format!("{}{path}", nginx.http))).unwrap_or("").to_string()
    };
    for (path, verdict) in [
        ("/index.html", "ok"),
        ("/big.html", "ok"),
        ("/old/page.html", "moved permanently"),
        ("/nothing-here", "gone"),
        ("/r302", "moved temporarily"),
        ("/private/secret.html", "failing"),
    ] {
        assert!(line(path).starts_with(verdict), "{path}: {verdict}\n{}", out.stdout);
    }
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(
        after.contains(&format!("{}/new/page.html", nginx.http)),
        "the permanent move is relinked: {after}"
    );
}

#[test]
fn the_reader_view_of_an_article_nginx_serves() {
    let Some(nginx) = servers::nginx() else { return };
    let article = format!("{}/article.html", nginx.http);
    let out = dump(&["--reader", &article]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.starts_with("Night trains return to the valley\n"), "{}", out.stdout);
    assert!(out.stdout.contains("For the first time in thirty years"), "{}", out.stdout);
    assert!(!out.stdout.contains("Subscribe") && !out.stdout.contains("Copyright"), "{}", out.stdout);
    // The links resolve against the address nginx served the page from.
    assert!(out.stdout.contains(&format!("1. {}/reports/tunnel.pdf", nginx.http)), "{}", out.stdout);

    let links = dump(&["--reader", &format!("{}/links.html", nginx.http)]);
    assert_eq!(links.code, Some(4), "no article: {}", links.stderr);
    assert!(
        links.stdout.contains("Sections") && links.stderr.contains("no article found"),
        "{}",
        links.stderr
    );

    // In the browser, r and r again: the article is found in the page as loaded, not fetched
    // again (nginx saw the page twice: the dump above, and this load).
    let mut d = driver();
    d.open(&article);
    d.char('r');
    assert!(d.app.page().is_some_and(|p| p.kind == margay::ui::tab::PageKind::Reader), "{}", d.screen());
    assert!(!d.page_text().contains("Subscribe"));
    d.char('r');
    assert!(d.page_text().contains("Subscribe"));
    let log = std::fs::read_to_string(nginx.run.join("nginx-access.log")).unwrap_or_default();
    assert_eq!(log.lines().filter(|l| l.contains("GET /article.html")).count(), 2, "{log}");
}

#[test]
fn a_resumed_session_revalidates_its_page_with_nginx() {
    let Some(nginx) = servers::nginx() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (cache, session) = (dir.path().join("cache"), dir.path().join("session.json"));
    let browser = || {
        let client =
            Client::new(NetConfig::default()).with_cache(Cache::new(Some(cache.clone()), 1 << 24, 1 << 24));
        Driver::with_client(client, 100, 30).with_session(&session)
    };
    let url = format!("{}/index.html", nginx.http);
    let asked = |status: &str| {
        let log = std::fs::read_to_string(nginx.run.join("nginx-access.log")).unwrap_or_default();
        log.lines().filter(|l| l.contains("GET /index.html") && l.contains(&format!("\" {status} "))).count()
    };
    let mut first = browser();
    first.open(&url);
    first.char('q');
    first.char('y');
    assert!(first.quit);
    drop(first);
    let not_modified = asked("304");

    let mut again = browser();
    let effects = again.app.resume_session();
    again.run(effects);
    assert!(again.page_text().contains("margay test site"), "{}", again.screen());
    assert!(again.status_line().contains("Resumed 1 tab"), "{}", again.status_line());
    assert_eq!(asked("304"), not_modified + 1, "nginx answered the resumed page with a 304");
}
