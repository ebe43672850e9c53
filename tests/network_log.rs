//! The network log (`L`, `about:network`): every request of a tab with what came back — a
//! redirect chain, a 304 revalidation, a 404, cookies set — and one request's headers with
//! credentials masked, driven by keys against a scripted server.

mod common;

use common::{Driver, Reply, TestServer};
use ratatui::crossterm::event::KeyCode;

/// The screen with what changes from run to run made stable: the server's port, timings,
/// the Date header, margay's version.
fn stable(screen: &str, server: &TestServer) -> String {
    let screen = screen
        .replace(&server.base, "http://127.0.0.1:PORT")
        .replace(&server.base["http://".len()..], "127.0.0.1:PORT")
        .replace(env!("CARGO_PKG_VERSION"), "VERSION");
    let mut out = String::new();
    for line in screen.lines() {
        if line.starts_with("Date: ") {
            out.push_str("Date: DATE\n");
            continue;
        }
        // "12 ms" → "N ms"
        let mut rest = line;
        while let Some(at) = rest.find(" ms") {
            let digits = rest[..at].chars().rev().take_while(char::is_ascii_digit).count();
            out.push_str(&rest[..at - digits]);
            out.push_str(if digits > 0 { "N ms" } else { " ms" });
            rest = &rest[at + " ms".len()..];
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
}

fn site() -> TestServer {
    TestServer::start(|req| match req.path.as_str() {
        "/old" => Reply::new(302).header("Location", "/new"),
        "/new" if req.header("If-None-Match") == Some("\"v1\"") => Reply::new(304).header("ETag", "\"v1\""),
        "/new" => Reply::html("<title>New</title><p>the new page</p>")
            .header("ETag", "\"v1\"")
            .header("Set-Cookie", "session=s3cr3t; Path=/"),
        "/private" if req.header("Authorization").is_some() => Reply::html("<p>welcome</p>"),
        "/private" => Reply::new(401).header("WWW-Authenticate", "Basic realm=\"staff\""),
        _ => Reply::new(404).header("Content-Type", "text/plain").body(b"no such page"),
    })
}

/// Follow the link of the page shown whose address is `href`.
fn follow(d: &mut Driver, href: &str) {
    let page = d.app.page().expect("a page");
    let index = page
        .rendered
        .links
        .iter()
        .position(|l| l.href == href)
        .unwrap_or_else(|| panic!("no link to {href} in {}", d.page_text()));
    let mut effects = d.app.follow_link(index);
    effects.extend(d.app.pending_effects());
    d.run(effects);
}

#[test]
fn the_log_shows_a_redirect_chain_a_revalidation_and_a_404_from_the_diagnostic_page() {
    let server = site();
    let mut d = Driver::new(100, 30);
    d.open(&server.url("/old"));
    assert!(d.page_text().contains("the new page"), "{}", d.page_text());
    d.open(&server.url("/new"));
    assert!(d.status_line().contains("304 Not Modified"), "{}", d.status_line());
    d.open(&server.url("/missing"));
    // The diagnostic page tells of the log and links to it.
    assert!(d.page_text().contains("Network log: L, or"), "{}", d.page_text());
    follow(&mut d, "about:network");
    assert_eq!(d.address(), "about:network");
    let by_link = d.page_text();
    d.key(KeyCode::Left);
    d.char('L');
    assert_eq!(d.page_text(), by_link, "L and the link show the same log: {}", d.screen());
    insta::assert_snapshot!(stable(&d.screen(), &server));
    // The second request: the page that set a cookie, its value masked.
    follow(&mut d, "about:network?request=2");
    let screen = d.screen();
    assert!(!screen.contains("s3cr3t"), "{screen}");
    insta::assert_snapshot!(stable(&screen, &server));
    // The revalidation sent the validator and the cookie, the cookie's value masked.
    d.key(KeyCode::Left);
    follow(&mut d, "about:network?request=3");
    let text = d.page_text();
    assert!(text.contains("if-none-match: \"v1\"") && text.contains("cookie: session=•••"), "{text}");
    assert!(text.contains("304 Not Modified · cache: revalidated"), "{text}");
    assert!(!text.contains("s3cr3t"), "{text}");
    // Ctrl-R makes the page again from the log as it is now, not the start page.
    d.key_mod(KeyCode::Char('r'), ratatui::crossterm::event::KeyModifiers::CONTROL);
    assert_eq!((d.address().as_str(), d.page_text()), ("about:network?request=3", text));
}

#[test]
fn an_authorization_header_is_masked_in_the_log() {
    let server = site();
    let mut d = Driver::new(100, 24);
    d.open(&server.url("/private"));
    d.type_text("alice");
    d.key(KeyCode::Enter);
    d.type_text("s3cret");
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("welcome"), "{}", d.page_text());
    assert_eq!(server.seen().last().unwrap().header("Authorization"), Some("Basic YWxpY2U6czNjcmV0"));
    d.char('L');
    let log = d.page_text();
    assert!(
        log.contains("401 Unauthorized") && log.contains("200 OK") && log.matches("Navigation ").count() == 1,
        "the 401 and the retry are one navigation: {log}"
    );
    follow(&mut d, "about:network?request=2");
    let screen = d.screen();
    assert!(!screen.contains("YWxpY2U6czNjcmV0"), "{screen}");
    insta::assert_snapshot!(stable(&screen, &server));
}

#[test]
fn a_request_no_longer_in_the_log_and_an_empty_log_say_so() {
    let mut d = Driver::new(80, 12);
    d.start_page();
    d.char('L');
    assert!(d.page_text().contains("No requests yet in this tab."), "{}", d.page_text());
    d.char('g');
    d.type_text("about:network?request=9");
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("Request 9 is not in this tab's network log"), "{}", d.page_text());
}

#[test]
fn t_on_a_link_to_the_network_log_says_the_log_is_this_tabs() {
    let server = site();
    let mut d = Driver::new(100, 30);
    d.open(&server.url("/missing"));
    let index = d.app.page().unwrap().rendered.links.iter().position(|l| l.href == "about:network").unwrap();
    d.app.select_link(index);
    d.char('T');
    assert_eq!(d.app.tabs().len(), 1, "no tab with an empty log");
    assert!(d.status_line().contains("The network log belongs to this tab"), "{}", d.status_line());
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("/missing"), "Enter opens it here: {}", d.page_text());
}
