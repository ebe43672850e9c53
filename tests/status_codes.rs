//! Every status code as the user meets it in the browser, against a real server on
//! 127.0.0.1 that records what it was sent.

mod common;

use common::{Driver, Reply, TestServer};
use margay::navigation::Navigation;
use margay::net::FetchRequest;
use margay::policy::Method;
use margay::ui::LoadMode;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn page(title: &str, body: &str) -> Reply {
    Reply::html(&format!("<title>{title}</title><p>{body}</p>"))
}

fn long_page() -> Reply {
    let links: String = (1..=30).map(|i| format!("<p><a href=\"/p{i}\">link {i}</a></p>")).collect();
    Reply::html(&format!("<title>Long</title>{links}"))
}

fn post(d: &mut Driver, url: &str, body: &str) {
    let mut request = FetchRequest::get(url::Url::parse(url).unwrap());
    request.method = Method::Post;
    request.body = Some(body.as_bytes().to_vec());
    request.headers.push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
    let effects = d.app.start(Navigation::with_request(request, true), LoadMode::Push);
    d.run(effects);
}

#[test]
fn no_content_keeps_the_view_exactly() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/long" => long_page(),
        _ => Reply::new(204),
    });
    let mut d = Driver::new(80, 12);
    d.open(&s.url("/long"));
    d.char(' ');
    d.key(KeyCode::Tab);
    let (scroll, selected) = (d.app.page().unwrap().scroll, d.app.page().unwrap().selected);
    let before = d.screen();
    d.open(&s.url("/nothing"));
    assert_eq!(d.app.tab().history().len(), 1, "history unchanged");
    assert_eq!(d.address(), s.url("/long"));
    let p = d.app.page().unwrap();
    assert_eq!((p.scroll, p.selected), (scroll, selected));
    let after = d.screen();
    assert!(after.contains("204 No Content: page kept"), "{after}");
    // Everything but the status line is as it was.
    let body = |s: &str| s.lines().take(11).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&before), body(&after));
}

/// An empty bookmark file of this test's own, and its store.
fn empty_bookmark_file(tag: &str) -> (std::path::PathBuf, margay::store::bookmarks::BookmarkStore) {
    let dir = std::env::temp_dir().join(format!("margay-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bookmarks.html");
    let _ = std::fs::remove_file(&file);
    let store = margay::store::bookmarks::BookmarkStore::open(&file).unwrap();
    (file, store)
}

#[test]
fn a_long_question_keeps_its_keys_on_a_narrow_screen() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/old" => Reply::new(301).header("Location", "/new"),
        _ => page("New home", "the new address"),
    });
    let (file, mut store) = empty_bookmark_file("relink-narrow");
    let title = format!("{}?a=very-long-query-string-that-fills-the-line", s.url("/old"));
    store.add::<&str>(&[], margay::store::bookmarks::Bookmark::new(&s.url("/old"), &title)).unwrap();
    let mut d = Driver::new(60, 20).with_bookmarks(&file);
    d.open(&s.url("/old"));
    let screen = d.screen();
    let last = screen.lines().last().unwrap_or("");
    assert!(last.starts_with("Bookmark '") && last.ends_with("relink? (y/n/a)"), "{screen}");
    assert!(last.contains('…'), "the middle gives way: {last}");
    d.char('y');
    assert!(d.screen().contains("Relinked 1 bookmark"), "{}", d.screen());
}

#[test]
fn moved_permanently_follows_offers_relink_and_updates_history() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/old" => Reply::new(301).header("Location", "/new"),
        "/new" => page("New home", "the new address"),
        _ => page("Other", "other"),
    });
    let (file, mut store) = empty_bookmark_file("relink");
    store.add(&["Work"], margay::store::bookmarks::Bookmark::new(&s.url("/old"), "My page")).unwrap();
    store.add::<&str>(&[], margay::store::bookmarks::Bookmark::new(&s.url("/other"), "Other")).unwrap();
    let mut d = Driver::new(100, 20).with_bookmarks(&file);
    d.open(&s.url("/other"));
    d.open(&s.url("/old"));
    assert_eq!(d.address(), s.url("/new"), "a permanent move changes the address");
    let screen = d.screen();
    assert!(
        screen.contains(&format!("Bookmark 'My page' moved permanently to {}", s.url("/new"))),
        "{screen}"
    );
    assert!(screen.contains("relink? (y/n/a)"));
    d.char('y');
    assert_eq!(d.relinked, vec![(s.url("/old"), s.url("/new"))]);
    // The file was rewritten through the store: new address, old one kept for undo.
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains(&format!("HREF=\"{}\"", s.url("/new"))), "{saved}");
    assert!(saved.contains(&format!("FORMER_HREF=\"{}\"", s.url("/old"))), "{saved}");
    assert!(d.screen().contains("Relinked 1 bookmark"), "{}", d.screen());
    assert!(d.app.prompt().is_none());
}

#[test]
fn found_keeps_the_original_link_and_page_info_shows_the_final_one() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/short" => Reply::new(302).header("Location", "/real/place"),
        "/tmp" => Reply::new(307).header("Location", "/real/place"),
        _ => page("Real", "the real place"),
    });
    let mut d = Driver::new(100, 40);
    for path in ["/short", "/tmp"] {
        d.open(&s.url(path));
        assert_eq!(d.address(), s.url(path), "the address bar keeps the original");
        assert_eq!(d.app.page().unwrap().final_url().as_str(), s.url("/real/place"));
        assert!(d.screen().contains(&s.url(path)));
    }
    // Reload uses the original link, so the redirect is asked again.
    let before = s.seen().len();
    d.key_mod(KeyCode::Char('r'), ratatui::crossterm::event::KeyModifiers::CONTROL);
    let seen = s.seen();
    assert_eq!(seen[before].path, "/tmp");
    d.char('=');
    let info = d.page_text();
    assert!(info.contains(&format!("Final URL: [2]{}", s.url("/real/place"))), "{info}");
    assert!(info.contains("307"), "{info}");
}

#[test]
fn see_other_after_post_fetches_with_get() {
    let s = TestServer::start(|req| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/form") => Reply::new(303).header("Location", "/result"),
        (_, "/result") => page("Result", "done"),
        _ => Reply::new(405),
    });
    let mut d = Driver::new(80, 20);
    post(&mut d, &s.url("/form"), "a=1");
    let seen = s.seen();
    assert_eq!((seen[0].method.as_str(), seen[0].path.as_str()), ("POST", "/form"));
    assert_eq!((seen[1].method.as_str(), seen[1].path.as_str()), ("GET", "/result"));
    assert!(seen[1].body.is_empty());
    assert_eq!(d.address(), s.url("/result"));
}

#[test]
fn temporary_redirect_after_post_asks_before_resending() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/form" => Reply::new(307).header("Location", "/elsewhere"),
        "/perm" => Reply::new(308).header("Location", "/elsewhere"),
        "/moved" => Reply::new(301).header("Location", "/elsewhere"),
        _ => page("Elsewhere", &format!("got {}", req.method)),
    });
    let mut d = Driver::new(120, 20);
    post(&mut d, &s.url("/form"), "x=42");
    assert!(d.screen().contains("Send it? (y/n)"), "{}", d.screen());
    assert_eq!(s.seen().len(), 1, "nothing re-sent before the answer");
    d.char('y');
    let seen = s.seen();
    assert_eq!((seen[1].method.as_str(), seen[1].body.as_slice()), ("POST", &b"x=42"[..]));
    assert!(d.page_text().contains("got POST"));

    post(&mut d, &s.url("/perm"), "y=1");
    d.char('n');
    assert_eq!(s.seen().len(), 3, "no answer, no request");
    assert!(d.screen().contains("The form data was not sent again."));

    // 301 after a POST becomes a GET, as browsers do.
    post(&mut d, &s.url("/moved"), "z=1");
    let seen = s.seen();
    assert_eq!(seen.last().unwrap().method, "GET");
}

#[test]
fn unauthorized_asks_for_credentials_and_remembers_them() {
    let s = TestServer::start(|req| {
        let good = req.header("Authorization") == Some("Basic YWxpY2U6czNjcmV0"); // alice:s3cret
        match (req.path.as_str(), good) {
            (_, true) => page("Secret", &format!("welcome to {}", req.path)),
            _ => Reply::new(401)
                .header("WWW-Authenticate", "Basic realm=\"staff\"")
                .header("Content-Type", "text/html")
                .body(b"<p>Staff only.</p>"),
        }
    });
    let mut d = Driver::new(100, 20);
    d.open(&s.url("/a"));
    assert!(d.screen().contains("User name for 'staff' at 127.0.0.1:"), "{}", d.screen());
    d.type_text("alice");
    d.key(KeyCode::Enter);
    d.type_text("s3cret");
    let screen = d.screen();
    assert!(screen.contains("Password for alice") && screen.contains("******"), "{screen}");
    assert!(!screen.contains("s3cret"), "the password is never on screen");
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("welcome to /a"), "{}", d.page_text());
    // The same origin is sent the credentials at once afterwards.
    d.open(&s.url("/b"));
    assert!(d.page_text().contains("welcome to /b"));
    assert_eq!(s.seen().last().unwrap().header("Authorization"), Some("Basic YWxpY2U6czNjcmV0"));
}

#[test]
fn wrong_credentials_ask_again_three_times_then_diagnose() {
    let s = TestServer::start(|_| {
        Reply::new(401)
            .header("WWW-Authenticate", "Basic realm=\"vault\"")
            .header("Content-Type", "text/plain")
            .body(b"go away")
    });
    let mut d = Driver::new(100, 30);
    d.open(&s.url("/"));
    for _ in 0..3 {
        assert!(d.screen().contains("User name for 'vault'"), "{}", d.screen());
        d.type_text("bob");
        d.key(KeyCode::Enter);
        d.type_text("wrong");
        d.key(KeyCode::Enter);
    }
    assert!(d.app.prompt().is_none(), "{}", d.screen());
    let text = d.page_text();
    assert!(text.contains("401") && text.contains("go away"), "{text}");
    assert_eq!(s.seen().len(), 4);
}

#[test]
fn esc_at_the_credentials_prompt_shows_the_diagnostic_at_once() {
    let s = TestServer::start(|_| {
        Reply::new(401)
            .header("WWW-Authenticate", "Basic realm=\"x\"")
            .header("Content-Type", "text/html")
            .body(b"<p>Members only</p>")
    });
    let mut d = Driver::new(100, 30);
    d.open(&s.url("/"));
    d.key(KeyCode::Esc);
    let text = d.page_text();
    assert!(text.contains("401") && text.contains("Members only"), "{text}");
    assert_eq!(s.seen().len(), 1);
}

#[test]
fn credentials_never_go_to_another_origin_after_a_redirect() {
    let other = TestServer::start(|_| page("Other origin", "elsewhere"));
    let target = other.url("/landing");
    let s = TestServer::start(move |req| match (req.path.as_str(), req.header("Authorization").is_some()) {
        ("/away", _) => Reply::new(302).header("Location", &target),
        (_, true) => page("In", "in"),
        _ => Reply::new(401).header("WWW-Authenticate", "Basic realm=\"r\""),
    });
    let mut d = Driver::new(100, 20);
    d.open(&s.url("/login"));
    d.type_text("u");
    d.key(KeyCode::Enter);
    d.type_text("p");
    d.key(KeyCode::Enter);
    d.open(&s.url("/away"));
    assert_eq!(s.seen().last().unwrap().header("Authorization").map(|_| "sent"), Some("sent"));
    let seen = other.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].header("Authorization"), None, "credentials leaked across origins");
    assert!(d.page_text().contains("elsewhere"));
}

#[test]
fn credentials_go_only_under_the_path_that_asked_or_where_the_same_realm_asks() {
    let s = TestServer::start(|req| {
        let authorized = req.header("Authorization").is_some();
        match req.path.as_str() {
            "/area/x" | "/area/sub/z" | "/second/w" if !authorized => {
                Reply::new(401).header("WWW-Authenticate", "Basic realm=\"r\"")
            }
            "/other/y" => page("Open", "anyone may read this"),
            _ => page("In", "in"),
        }
    });
    let mut d = Driver::new(100, 20);
    d.open(&s.url("/area/x"));
    d.type_text("u");
    d.key(KeyCode::Enter);
    d.type_text("p");
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("in"), "{}", d.page_text());
    let sent = |path: &str| {
        s.seen()
            .iter()
            .filter(|r| r.path == path)
            .map(|r| r.header("Authorization").is_some())
            .collect::<Vec<_>>()
    };
    d.open(&s.url("/other/y"));
    assert_eq!(sent("/other/y"), [false], "outside the protection space: not sent");
    d.open(&s.url("/area/sub/z"));
    assert_eq!(sent("/area/sub/z"), [true], "below it: sent at once, not asked for");
    // Elsewhere on the site the same realm asks: the same answer, without a prompt.
    d.open(&s.url("/second/w"));
    assert_eq!(sent("/second/w"), [false, true]);
    assert!(d.page_text().contains("in") && !d.screen().contains("User name"), "{}", d.screen());
}

#[test]
fn credentials_refused_after_being_sent_unasked_are_asked_for_at_once() {
    let changed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let password_changed = changed.clone();
    let s = TestServer::start(move |req| {
        let good = match req.header("Authorization") {
            // "u:p" before the change, "u:q" after.
            Some(h) if password_changed.load(std::sync::atomic::Ordering::SeqCst) => h == "Basic dTpx",
            Some(h) => h == "Basic dTpw",
            None => false,
        };
        if good {
            page("In", "in")
        } else {
            Reply::new(401).header("WWW-Authenticate", "Basic realm=\"r\"")
        }
    });
    let mut d = Driver::new(100, 20);
    d.open(&s.url("/area/x"));
    d.type_text("u");
    d.key(KeyCode::Enter);
    d.type_text("p");
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("in"), "{}", d.page_text());
    changed.store(true, std::sync::atomic::Ordering::SeqCst);
    let before = s.seen().len();
    d.open(&s.url("/area/y"));
    assert!(d.screen().contains("User name"), "asked at once: {}", d.screen());
    let sent: Vec<_> = s.seen()[before..]
        .iter()
        .map(|r| (r.path.clone(), r.header("Authorization").map(str::to_string)))
        .collect();
    assert_eq!(sent.len(), 1, "the refused password was not sent again: {sent:?}");
    d.type_text("u");
    d.key(KeyCode::Enter);
    d.type_text("q");
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("in"), "{}", d.page_text());
}

#[test]
fn payment_required_retries_with_charge_to() {
    let s = TestServer::start(|req| match req.header("ChargeTo") {
        Some(account) => page("Paid", &format!("charged to {account}")),
        None => Reply::new(402).header("Content-Type", "text/plain").body(b"pay first"),
    });
    let mut d = Driver::new(100, 30);
    d.open(&s.url("/paid"));
    assert!(d.page_text().contains("pay first"));
    d.char('$');
    assert!(d.screen().contains("ChargeTo:"));
    d.type_text("acct-7");
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("charged to acct-7"), "{}", d.page_text());
    assert_eq!(d.address(), s.url("/paid"));
}

#[test]
fn created_accepted_and_partial_information() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/make" => Reply::new(201)
            .header("Location", "/thing/7")
            .header("Content-Type", "text/html")
            .body(b"<p>made it</p>"),
        "/queue" => Reply::new(202).header("Content-Type", "text/plain").body(b"queued"),
        "/mirror" => {
            Reply::new(203).header("Content-Type", "text/html").body(b"<title>Mirror</title><p>a copy</p>")
        }
        _ => page("Thing", "thing seven"),
    });
    let mut d = Driver::new(100, 20);
    post(&mut d, &s.url("/make"), "n=7");
    let screen = d.screen();
    assert!(
        screen.contains(&format!("Created: the new document is at [1]{}", s.url("/thing/7"))),
        "{screen}"
    );
    assert!(screen.contains("201 Created"), "{screen}");
    // The new document's address is one key away.
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("thing seven"));

    d.open(&s.url("/queue"));
    assert!(d.screen().contains("accepted but not yet acted on"));
    d.open(&s.url("/mirror"));
    assert!(d.screen().lines().next().unwrap().contains("[partial information]"), "{}", d.screen());
    d.char('=');
    assert!(d.page_text().contains("partial information"));
}

#[test]
fn errors_show_a_diagnostic_page_with_everything() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/busy" => Reply::new(503)
            .header("Retry-After", "120")
            .header("Content-Type", "text/html")
            .body(b"<p>Back soon. <a href=\"/status\">status</a></p>"),
        "/gw" => Reply::new(502).header("Content-Type", "text/plain").body(b"upstream broke"),
        "/redir" => Reply::new(302).header("Location", "/boom"),
        _ => Reply::new(500)
            .header("X-Trace", "abc123")
            .header("Content-Type", "text/plain")
            .body(b"stack trace here"),
    });
    let mut d = Driver::new(100, 80);
    d.open(&s.url("/redir"));
    let text = d.page_text();
    for needle in ["500", "Internal Server Error", "stack trace here", "X-Trace: abc123", "/redir", "302"] {
        assert!(text.contains(needle), "missing {needle}: {text}");
    }
    d.open(&s.url("/busy"));
    let text = d.page_text();
    assert!(text.contains("120 seconds"), "{text}");
    assert!(text.contains("[1]status") || text.contains("status"), "{text}");
    assert!(text.contains("1992"), "the 1992 meaning of 503 differs: {text}");
    d.open(&s.url("/gw"));
    assert!(d.page_text().contains("upstream broke"));
}

#[test]
fn redirect_loops_and_long_chains() {
    let s = TestServer::start(|req| {
        let path = req.path.as_str();
        if let Some(n) = path.strip_prefix("/c?n=") {
            let n: u32 = n.parse().unwrap_or(0);
            return if n == 0 {
                page("Bottom", "end of chain")
            } else {
                Reply::new(302).header("Location", &format!("/c?n={}", n - 1))
            };
        }
        match path {
            "/a" => Reply::new(302).header("Location", "/b"),
            "/b" => Reply::new(302).header("Location", "/a"),
            _ => Reply::new(404),
        }
    });
    let mut d = Driver::new(100, 60);
    d.open(&s.url("/c?n=5"));
    assert!(d.page_text().contains("end of chain"), "{}", d.page_text());
    d.open(&s.url("/a"));
    let text = d.page_text();
    assert!(text.to_lowercase().contains("loop"), "{text}");
    assert!(text.contains("/a") && text.contains("/b"));
    d.open(&s.url("/c?n=25"));
    assert!(d.page_text().contains("20"), "{}", d.page_text());
    assert_eq!(s.seen().iter().filter(|r| r.path.starts_with("/c?n=")).count(), 6 + 21);
}

#[test]
fn the_1992_forms_uri_headers_and_method_body() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/one" => Reply::new(301).header("URI", "<{}/target> the only copy"),
        "/many" => Reply::new(302).header("URI", "</mirror1> Europe").header("URI", "</mirror2> America"),
        "/method" => Reply::new(303).header("Content-Type", "text/plain").body(b"Method: GET /target\r\n"),
        "/file" => Reply::new(302).header("Location", "file:///etc/passwd"),
        _ => page("Target", &format!("at {}", req.path)),
    });
    let mut d = Driver::new(100, 30);
    d.open(&s.url("/many"));
    let text = d.page_text();
    assert!(text.contains("mirror1") && text.contains("Europe") && text.contains("America"), "{text}");
    d.open(&s.url("/method"));
    assert!(d.page_text().contains("at /target"), "{}", d.page_text());
    d.open(&s.url("/file"));
    let text = d.page_text();
    assert!(text.contains("file:///etc/passwd") && !text.contains("root:"), "{text}");
}

#[test]
fn not_modified_shows_the_cached_copy_and_merges_headers() {
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    let s = TestServer::start(move |req| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match (req.path.as_str(), req.header("If-None-Match")) {
            ("/doc", Some("\"v1\"")) => {
                Reply::new(304).header("ETag", "\"v1\"").header("Expires", &format!("visit-{n}"))
            }
            ("/doc", _) => Reply::html("<title>Doc</title><p>version one</p>")
                .header("ETag", "\"v1\"")
                .header("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")
                .header("Expires", "first"),
            ("/secret", _) => {
                Reply::html("<p>private</p>").header("ETag", "\"s\"").header("Cache-Control", "no-store")
            }
            _ => page("Other", "other"),
        }
    });
    let mut d = Driver::new(100, 40);
    d.open(&s.url("/doc"));
    d.open(&s.url("/other"));
    // Revisiting sends the validators; the 304 shows the cached copy.
    d.open(&s.url("/doc"));
    let seen = s.seen();
    let revisit = &seen[2];
    assert_eq!(revisit.header("If-None-Match"), Some("\"v1\""));
    assert_eq!(revisit.header("If-Modified-Since"), Some("Wed, 21 Oct 2015 07:28:00 GMT"));
    assert!(d.page_text().contains("version one"));
    assert!(d.screen().contains("revalidated"), "{}", d.screen());
    d.char('=');
    let info = d.page_text();
    assert!(info.contains("revalidated (304)"), "{info}");
    assert!(info.contains("Expires: visit-2"), "the 304's headers are merged: {info}");
    // Back shows the history copy without a request; reload revalidates.
    d.key(KeyCode::Left);
    let before = s.seen().len();
    d.key(KeyCode::Left);
    d.char('u');
    assert_eq!(s.seen().len(), before, "back and forward do not refetch");
    d.key_mod(KeyCode::Char('r'), ratatui::crossterm::event::KeyModifiers::CONTROL);
    assert_eq!(s.seen().last().unwrap().header("If-None-Match"), Some("\"v1\""));
    // no-store is never kept.
    d.open(&s.url("/secret"));
    d.open(&s.url("/secret"));
    assert_eq!(s.seen().last().unwrap().header("If-None-Match"), None);
}

/// No https server runs in the tests, so the downgrade is checked on the navigation core
/// with the answers such a server would give.
#[test]
fn an_https_to_http_redirect_is_flagged() {
    use margay::navigation::Step;
    use margay::net::{FetchResponse, Loaded};
    use margay::policy::ResponseHead;
    let answer = |url: &str, head: ResponseHead| Loaded {
        response: FetchResponse {
            url: url::Url::parse(url).unwrap(),
            head,
            body: b"<p>plain</p>".to_vec().into(),
            elapsed: std::time::Duration::ZERO,
            first_byte: None,
            truncated: false,
            proxy: None,
            from_proxy: false,
            sent: Vec::new(),
        },
        page: None,
        cached: None,
        cache: margay::net::cache::CacheOutcome::Bypassed,
    };
    let mut nav = Navigation::new(url::Url::parse("https://secure.test/").unwrap(), true);
    let step = nav.step(answer(
        "https://secure.test/",
        ResponseHead::new(302, "Found").with_header("Location", "http://secure.test/plain"),
    ));
    assert!(matches!(step, Step::Fetch(ref r) if r.url.scheme() == "http"));
    let Step::Show(shown) = nav.step(answer(
        "http://secure.test/plain",
        ResponseHead::new(200, "OK").with_header("Content-Type", "text/html"),
    )) else {
        panic!("a page")
    };
    assert!(shown.message.unwrap().contains("redirected from https to http"));
    assert!(shown.info.downgraded);
}

#[test]
fn retry_after_counts_down_and_retries() {
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    let s = TestServer::start(move |_| {
        if counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            Reply::new(503).header("Retry-After", "3").header("Content-Type", "text/plain").body(b"busy")
        } else {
            page("Ready", "ready now")
        }
    });
    let mut d = Driver::new(100, 20);
    d.open(&s.url("/"));
    assert!(d.screen().contains("retrying in 3 s"), "{}", d.screen());
    let effects = d.app.update(margay::ui::Msg::Tick);
    d.run(effects);
    assert!(d.screen().contains("retrying in 2 s"), "{}", d.screen());
    for _ in 0..2 {
        let effects = d.app.update(margay::ui::Msg::Tick);
        d.run(effects);
    }
    assert!(d.page_text().contains("ready now"), "{}", d.page_text());
    assert_eq!(d.app.tab().history().len(), 1, "the retry replaces the error page");
    // Esc stops a countdown.
    hits.store(0, std::sync::atomic::Ordering::SeqCst);
    d.open(&s.url("/again"));
    d.key(KeyCode::Esc);
    assert!(d.app.tab().retry_countdown().is_none());
    assert!(d.screen().contains("No automatic retry"));
}

#[test]
fn a_permanent_move_updates_history_entries_of_the_old_address() {
    let moved = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = moved.clone();
    let s = TestServer::start(move |req| {
        match (req.path.as_str(), flag.load(std::sync::atomic::Ordering::SeqCst)) {
            ("/page", true) => Reply::new(301).header("Location", "/page-new"),
            _ => page("P", &req.path),
        }
    });
    let mut d = Driver::new(80, 20);
    d.open(&s.url("/page"));
    d.open(&s.url("/x"));
    moved.store(true, std::sync::atomic::Ordering::SeqCst);
    d.open(&s.url("/page"));
    assert_eq!(d.address(), s.url("/page-new"));
    d.key(KeyCode::Left);
    d.key(KeyCode::Left);
    assert_eq!(d.address(), s.url("/page-new"), "the old entry moved with the page");
}

#[test]
fn retry_after_zero_is_retried_a_few_times_then_waits_for_the_user() {
    for retry_after in ["0", "1"] {
        let s = TestServer::start(move |_| {
            Reply::new(503)
                .header("Retry-After", retry_after)
                .header("Content-Type", "text/plain")
                .body(b"busy")
        });
        let mut d = Driver::new(120, 20);
        d.open(&s.url("/"));
        // A minute of ticks: each load is answered at once (the driver fetches synchronously).
        for _ in 0..60 {
            let effects = d.app.update(margay::ui::Msg::Tick);
            d.run(effects);
        }
        assert_eq!(
            s.seen().len(),
            1 + margay::ui::app::MAX_AUTO_RETRIES as usize,
            "Retry-After: {retry_after}"
        );
        assert!(d.app.tab().retry_countdown().is_none());
        assert!(d.screen().contains("stopped after 3 automatic retries. Ctrl-R reloads."), "{}", d.screen());
        // Ctrl-R still reloads, and a reload the user asked for may be retried again.
        d.key_mod(KeyCode::Char('r'), KeyModifiers::CONTROL);
        assert_eq!(s.seen().len(), 2 + margay::ui::app::MAX_AUTO_RETRIES as usize);
        assert!(d.app.tab().retry_countdown().is_some(), "{}", d.screen());
    }
}
