//! Sessions, driven by keys against a real server on 127.0.0.1: what a session keeps (tabs,
//! each tab's pages with the reading position and selected link, form values typed and not
//! sent, never a password), resuming it in a second browser through the same disk cache
//! (revalidated, not fetched blindly; background tabs only when shown), the start page's
//! offer, and what must not overwrite the last session.

mod common;
mod hostile_server;

use common::{Driver, Reply, TestServer};
use margay::net::cache::Cache;
use margay::net::cookies::CookieJar;
use margay::net::{Client, NetConfig};
use margay::ui::Msg;
use ratatui::crossterm::event::KeyCode;
use std::path::Path;

const ETAG: &str = "\"v1\"";

fn long_page() -> String {
    let mut html = String::from("<title>Long page</title>\n");
    for i in 1..=200 {
        if i % 10 == 0 {
            html.push_str(&format!("<p>Paragraph {i}: <a href=\"/form?from={i}\">the form</a></p>\n"));
        } else {
            html.push_str(&format!("<p>Paragraph {i} of the long page.</p>\n"));
        }
    }
    html
}

const FORM: &str = r#"<title>Form</title>
<form action="/search">
<p>Words: <input name="q" size="20"></p>
<p>Secret: <input type="password" name="pw" size="8"></p>
<p><input type="checkbox" name="all" value="yes"> All</p>
<p><input type="submit" value="Find"></p>
</form>"#;

/// The test form, sent with POST to `action`.
fn post_form(action: &str) -> String {
    FORM.replace("<form action=\"/search\">", &format!("<form method=\"post\" action=\"{action}\">"))
}

/// Pages with validators: a request that offers the stored one gets a 304.
fn server() -> TestServer {
    TestServer::start(|req| {
        if req.header("If-None-Match") == Some(ETAG) {
            return Reply::new(304).header("ETag", ETAG);
        }
        let reply = match req.path.split('?').next().unwrap_or("") {
            "/long" => Reply::html(&long_page()),
            "/form" => Reply::html(FORM),
            _ => Reply::html(&format!("<title>Result</title><p>{} {}</p>", req.method, req.path)),
        };
        reply.header("ETag", ETAG)
    })
}

/// A browser whose page cache is on disk in `cache`, as the real one's is between runs.
fn browser(cache: &Path, session: &Path, width: u16, height: u16) -> Driver {
    let (jar, _) = CookieJar::new(None);
    let client = Client::new(NetConfig::default())
        .with_cache(Cache::new(Some(cache.to_path_buf()), 1 << 24, 1 << 24))
        .with_cookies(jar);
    Driver::with_client(client, width, height).with_session(session)
}

/// Where a test's page cache and session file live: (the folder, kept alive; the cache; the
/// session file).
fn places() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (cache, session) = (dir.path().join("cache"), dir.path().join("session.json"));
    (dir, cache, session)
}

/// q, then y: the browser quits (saving its session).
fn quit(d: &mut Driver) {
    d.char('q');
    d.char('y');
    assert!(d.quit, "q and y quit");
}

fn field_link(d: &Driver, name: &str) -> usize {
    let page = d.app.page().unwrap();
    let field = page.doc.forms.fields.iter().position(|f| f.name == name).unwrap();
    1 + page.rendered.links.iter().position(|l| l.href == format!("margay-field:{field}")).unwrap()
}

fn type_into(d: &mut Driver, name: &str, text: &str) {
    let n = field_link(d, name);
    d.type_text(&n.to_string());
    d.key(KeyCode::Enter);
    d.type_text(text);
    d.key(KeyCode::Enter);
}

/// The tabs a session file holds, as JSON (without when it was saved).
/// Follow the page's last link: the test form's submit button.
fn submit(d: &mut Driver) {
    let last = d.app.page().expect("a page is shown").rendered.links.len();
    d.type_text(&last.to_string());
    d.key(KeyCode::Enter);
}

fn saved_tabs(session: &Path) -> serde_json::Value {
    saved_tabs_of(&std::fs::read_to_string(session).unwrap())
}

fn saved_tabs_of(text: &str) -> serde_json::Value {
    let json: serde_json::Value = serde_json::from_str(text).unwrap();
    json["tabs"].clone()
}

/// The first line of text under the bars (a blank line at the top has no place of its own
/// in the text: the text after it comes to the top).
fn top_text(screen: &str) -> &str {
    screen.lines().skip(2).find(|l| !l.trim().is_empty()).unwrap_or("")
}

/// The first browser: the long page read three screens down with a link selected, and the
/// form in a second tab with words, a password and a checkbox typed; the long page shown.
fn browse_and_quit(s: &TestServer, cache: &Path, session: &Path) -> (String, Option<usize>) {
    let mut d = browser(cache, session, 80, 24);
    d.open(&s.url("/long"));
    for _ in 0..3 {
        d.char(' ');
    }
    d.key(KeyCode::Tab);
    d.key(KeyCode::Tab);
    d.char('T');
    type_into(&mut d, "q", "lynx cats");
    type_into(&mut d, "pw", "hunter2");
    let n = field_link(&d, "all");
    d.type_text(&n.to_string());
    d.key(KeyCode::Enter);
    d.char('{');
    let shown = d.screen_on(s);
    assert!(shown.contains("Paragraph 55 of") && !shown.contains("Paragraph 1 of"), "{shown}");
    let selected = d.app.page().unwrap().selected;
    assert!(selected.is_some());
    quit(&mut d);
    (shown, selected)
}

#[test]
fn a_resumed_session_has_its_tabs_places_selection_and_typed_values_but_no_password() {
    let s = server();
    let dir = tempfile::tempdir().unwrap();
    let (cache, session) = (dir.path().join("cache"), dir.path().join("state").join("session.json"));
    let (before, selected) = browse_and_quit(&s, &cache, &session);

    let text = std::fs::read_to_string(&session).expect("the session was saved on quit");
    assert!(text.contains("lynx cats"), "{text}");
    assert!(!text.contains("hunter2"), "a password is never kept: {text}");
    let requests_before = s.seen().len();

    let mut d = browser(&cache, &session, 80, 24);
    assert!(d.app.can_resume());
    let effects = d.app.resume_session();
    d.run(effects);
    let after = d.screen_on(&s);
    assert_eq!(top_text(&after), top_text(&before), "the same text at the top");
    assert_eq!(after.lines().next(), before.lines().next(), "the same tabs");
    assert_eq!(d.app.page().unwrap().selected, selected, "the same link selected");
    insta::assert_snapshot!(after);

    // Only the shown tab's page was asked for, offering the cached copy's validator.
    let seen = s.seen();
    let asked: Vec<_> = seen[requests_before..].iter().map(|r| r.path.clone()).collect();
    assert_eq!(asked, vec!["/long"]);
    assert_eq!(seen[requests_before].header("If-None-Match"), Some(ETAG), "revalidated, not refetched");

    // The other tab loads when shown, its typed values back and the password field empty.
    d.char('}');
    let form = d.screen_on(&s);
    assert_eq!(s.seen().len(), requests_before + 2);
    assert!(form.contains("Words: [1]lynx cats"), "{form}");
    assert!(form.contains("[X] All"), "{form}");
    assert!(!form.contains("*******"), "{form}");
}

#[test]
fn the_reading_position_comes_back_whatever_the_width() {
    let s = server();
    let (_dir, cache, session) = places();
    let mut wide = browser(&cache, &session, 100, 30);
    wide.open(&s.url("/long"));
    for _ in 0..5 {
        wide.char(' ');
    }
    let top = wide.screen().lines().nth(1).unwrap().to_string();
    assert!(top.contains("Paragraph"), "{top}");
    wide.send(Msg::Tick);

    let mut narrow = browser(&cache, &session, 50, 12);
    let effects = narrow.app.resume_session();
    narrow.run(effects);
    assert_eq!(narrow.screen().lines().nth(1).unwrap(), top, "the same text at the top");
}

#[test]
fn the_start_page_offers_to_resume_and_its_link_resumes() {
    let s = server();
    let (_dir, cache, session) = places();
    browse_and_quit(&s, &cache, &session);

    let mut d = browser(&cache, &session, 80, 24);
    d.start_page();
    let start = d.screen();
    insta::assert_snapshot!(start);
    assert!(start.contains("[1]Resume where you left off: 2 tabs, 2 pages, saved just now."), "{start}");
    d.type_text("1");
    d.key(KeyCode::Enter);
    assert_eq!(d.app.tabs().len(), 2, "the start page's tab gave way to the session's");
    assert!(d.screen().contains("Paragraph 55 of"), "{}", d.screen());
    assert!(d.status_line().contains("Resumed 2 tabs (2 pages), saved just now."), "{}", d.status_line());

    // Resumed once: the offer is gone.
    d.open("about:start");
    assert!(!d.screen().contains("Resume where"), "{}", d.screen());
    d.open("about:resume");
    assert!(d.status_line().contains("The last session is resumed already"), "{}", d.status_line());
}

#[test]
fn values_sent_with_their_form_are_not_kept_until_typed_again() {
    let s = server();
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 80, 24);
    d.open(&s.url("/form"));
    type_into(&mut d, "q", "sent words");
    d.type_text(&field_link(&d, "all").to_string());
    d.key(KeyCode::Enter);
    submit(&mut d);
    assert!(d.screen().contains("GET /search?q=sent+words&pw=&all=yes"), "{}", d.screen());
    d.send(Msg::Tick);
    let saved = d.app.session();
    let form = &saved.tabs[0].entries[0];
    assert!(form.url.ends_with("/form") && form.fields.is_empty(), "sent, so not kept: {form:?}");
    assert!(std::fs::read_to_string(&session).unwrap().contains("/search?q=sent+words"));

    // Typed again after sending: kept.
    d.key(KeyCode::Left);
    type_into(&mut d, "q", " more");
    let saved = d.app.session();
    let fields = &saved.tabs[0].entries[0].fields;
    assert_eq!(fields.len(), 1, "{fields:?}");
    assert_eq!(fields[0].name, "q");
}

#[test]
fn values_whose_form_failed_to_send_are_kept() {
    // The form is sent to a server that answers 500, then to one that is not there: the
    // words typed were never taken, so the session keeps them.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let s = TestServer::start(move |req| match req.path.split('?').next().unwrap_or("") {
        "/form" => Reply::html(&FORM.replace("action=\"/search\"", "action=\"/broken\"")),
        "/gone" => Reply::html(&FORM.replace("action=\"/search\"", &format!("action=\"http://{closed}/\""))),
        _ => Reply::new(500).header("Content-Type", "text/plain").body(b"the search is down"),
    });
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 80, 24);
    for (form, typed) in [("/form", "words for a broken server"), ("/gone", "words for no server")] {
        d.open(&s.url(form));
        type_into(&mut d, "q", typed);
        submit(&mut d);
        let shown = d.screen();
        assert!(
            shown.contains("500") || shown.contains("refused") || shown.contains("not reach"),
            "an error page: {shown}"
        );
        let saved = d.app.session();
        let form_entry = saved.tabs[0].entries.iter().rev().find(|e| e.url.ends_with(form)).unwrap();
        assert_eq!(form_entry.fields.len(), 1, "not sent, so kept: {form_entry:?}");
        assert_eq!(form_entry.fields[0].value, margay::store::session::SavedValue::Text(typed.into()));
    }
    quit(&mut d);
    let saved = std::fs::read_to_string(&session).unwrap();
    assert!(saved.contains("words for a broken server") && saved.contains("words for no server"), "{saved}");
}

#[test]
fn a_browser_that_browsed_nothing_or_runs_beside_another_keeps_the_last_session() {
    let s = server();
    let (_dir, cache, session) = places();
    let mut first = browser(&cache, &session, 80, 24);
    first.open(&s.url("/long"));
    first.send(Msg::Tick);
    let saved = std::fs::read_to_string(&session).unwrap();
    assert!(saved.contains("/long"), "{saved}");

    // Started meanwhile: it browses, and the first one's session stays.
    let mut second = browser(&cache, &session, 80, 24);
    second.open(&s.url("/form"));
    second.send(Msg::Tick);
    quit(&mut second);
    assert_eq!(std::fs::read_to_string(&session).unwrap(), saved, "the second margay did not save");
    quit(&mut first);
    drop(first);

    // Started later, only the start page seen: the session stays for the next one.
    let mut third = browser(&cache, &session, 80, 24);
    third.start_page();
    third.send(Msg::Tick);
    quit(&mut third);
    let kept = std::fs::read_to_string(&session).unwrap();
    assert!(kept.contains("/long") && !kept.contains("/form"), "{kept}");
}

#[test]
fn the_answer_to_a_post_keeps_its_place_and_is_not_sent_again() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/order" if req.method == "POST" => Reply::html("<title>Order 17 placed</title><p>Thank you.</p>"),
        _ => Reply::html(&post_form("/order")),
    });
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 80, 24);
    d.open(&s.url("/form"));
    type_into(&mut d, "q", "two teapots");
    submit(&mut d);
    assert!(d.screen().contains("Thank you."), "{}", d.screen());
    quit(&mut d);
    let tabs = saved_tabs(&session);
    let entries = tabs[0]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{tabs}");
    assert_eq!(entries[1]["form_answer"], true, "{tabs}");
    assert_eq!(entries[1]["title"], "Order 17 placed", "{tabs}");
    assert!(!entries.iter().any(|e| e.to_string().contains("teapots")), "sent, so not kept: {tabs}");
    let posts = || s.seen().iter().filter(|r| r.method == "POST").count();
    let (requests, posted) = (s.seen().len(), posts());

    // Resumed: the answer is shown as what it was, nothing is asked for it, and the form is
    // one step back.
    let mut d = browser(&cache, &session, 80, 24);
    let effects = d.app.resume_session();
    d.run(effects);
    let shown = d.screen();
    assert!(shown.contains("This page was the answer to a form"), "{shown}");
    assert!(shown.contains("Order 17 placed"), "{shown}");
    assert_eq!(s.seen().len(), requests, "nothing asked for the answer");
    d.key_mod(KeyCode::Char('r'), ratatui::crossterm::event::KeyModifiers::CONTROL);
    assert_eq!((s.seen().len(), posts()), (requests, posted), "Ctrl-R does not send it either");
    d.key(KeyCode::Left);
    assert!(d.screen_on(&s).contains("Words:"), "{}", d.screen());
    // Forward again, and saved again: still the answer to a form (not an address to ask
    // with GET).
    d.char('u');
    assert!(d.screen().contains("This page was the answer to a form"), "{}", d.screen());
    quit(&mut d);
    assert_eq!(saved_tabs(&session)[0]["entries"][1]["form_answer"], true);
    assert_eq!(
        posts(),
        posted,
        "{:?}",
        s.seen().iter().map(|r| format!("{} {}", r.method, r.path)).collect::<Vec<_>>()
    );
}

/// A gate a server's answers wait at while it is shut.
#[derive(Clone)]
struct Gate(std::sync::Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>);

impl Gate {
    fn new() -> Gate {
        Gate(std::sync::Arc::new((std::sync::Mutex::new(true), std::sync::Condvar::new())))
    }

    fn set(&self, open: bool) {
        if let Ok(mut is_open) = self.0 .0.lock() {
            *is_open = open;
        }
        self.0 .1.notify_all();
    }

    fn pass(&self) {
        let (open, opened) = &*self.0;
        let mut is_open = open.lock().unwrap();
        while !*is_open {
            is_open = opened.wait(is_open).unwrap();
        }
    }
}

/// Opens the gate when dropped (before the server it is declared after), whatever happens: the
/// server's thread is never left waiting.
struct OpensAtEnd(Gate);

impl Drop for OpensAtEnd {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[test]
fn a_resumed_page_that_lands_under_margays_own_page_takes_its_own_place() {
    // The page's answer waits for the gate, so that help is opened while it loads.
    let gate = Gate::new();
    let held = gate.clone();
    let s = TestServer::start(move |req| {
        held.pass();
        Reply::html(&format!("<title>Held page</title><p>This is {}.</p>", req.path))
    });
    let _opens = OpensAtEnd(gate.clone());
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 80, 24);
    d.open(&s.url("/held"));
    quit(&mut d);

    gate.set(false);
    let mut d = browser(&cache, &session, 80, 24);
    let effects = d.app.resume_session();
    d.begin(effects);
    assert!(d.app.tab().pending().is_some(), "the resumed page is loading");
    d.key_started(KeyCode::Char('?'));
    d.wait_until("help laid out", |d| d.app.page().is_some_and(|p| !p.rendered.lines.is_empty()));
    assert!(d.screen().contains("margay help"), "help is shown: {}", d.screen());
    gate.set(true);
    d.wait_until("the resumed page", |d| d.app.tab().pending().is_none());
    assert!(d.screen().contains("margay help"), "help is still shown: {}", d.screen());
    let history = d.app.tab().history();
    assert_eq!(history.len(), 2, "the page, and help above it");
    assert_eq!(history.index(), 1);
    d.key(KeyCode::Left);
    assert!(d.screen_on(&s).contains("This is /held."), "{}", d.screen());
    assert!(!d.app.tab().history().can_go_back(), "nothing under it: no second copy");
}

#[test]
fn a_resumed_page_gets_its_selected_link_back_after_a_resize_while_it_loads() {
    let gate = Gate::new();
    let held = gate.clone();
    let s = TestServer::start(move |req| {
        held.pass();
        match req.path.as_str() {
            "/long" => Reply::html(&long_page()),
            _ => Reply::html("<title>Other</title><p>other</p>"),
        }
    });
    let _opens = OpensAtEnd(gate.clone());
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 80, 24);
    d.open(&s.url("/long"));
    for _ in 0..3 {
        d.char(' ');
    }
    d.key(KeyCode::Tab);
    let selected = d.app.page().unwrap().selected;
    assert!(selected.is_some_and(|s| s > 0), "a link down the page: {selected:?}");
    quit(&mut d);

    gate.set(false);
    let mut d = browser(&cache, &session, 80, 24);
    let effects = d.app.resume_session();
    d.begin(effects);
    let effects = d.app.update(Msg::Resize(100, 30));
    d.begin(effects);
    gate.set(true);
    d.wait_until("the resumed page, laid out", |d| {
        d.app.tab().pending().is_none() && d.app.page().is_some_and(|p| !p.rendered.lines.is_empty())
    });
    assert_eq!(d.app.page().unwrap().selected, selected, "{}", d.screen());
}

#[test]
fn values_sent_while_help_is_opened_count_as_sent_on_the_forms_page() {
    let gate = Gate::new();
    let held = gate.clone();
    let s = TestServer::start(move |req| match req.path.split('?').next().unwrap_or("") {
        "/form" => Reply::html(FORM),
        _ => {
            held.pass();
            Reply::html("<title>Result</title><p>found</p>")
        }
    });
    let _opens = OpensAtEnd(gate.clone());
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 80, 24);
    d.open(&s.url("/form"));
    type_into(&mut d, "q", "already sent words");
    gate.set(false);
    let last = d.app.page().unwrap().rendered.links.len();
    for c in last.to_string().chars() {
        d.key_started(KeyCode::Char(c));
    }
    d.key_started(KeyCode::Enter);
    d.key_started(KeyCode::Char('?'));
    gate.set(true);
    d.wait_until("the answer", |d| d.app.tab().pending().is_none());
    let saved = d.app.session();
    let form = saved.tabs[0].entries.iter().find(|e| e.url.ends_with("/form")).unwrap();
    assert!(form.fields.is_empty(), "sent, so not kept: {form:?}");
}

#[test]
fn a_reload_held_while_the_reader_jumps_within_the_page_lands_on_the_page_shown() {
    let gate = Gate::new();
    let held = gate.clone();
    let version = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(1));
    let served = version.clone();
    let s = TestServer::start(move |_| {
        held.pass();
        let v = served.load(std::sync::atomic::Ordering::SeqCst);
        Reply::html(&format!(
            "<title>V{v}</title><p>version {v}</p><p><a href=\"#end\">to the end</a></p>{}<p id=end>the end</p>",
            "<p>filler</p>".repeat(60)
        ))
    });
    let _opens = OpensAtEnd(gate.clone());
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 80, 24);
    d.open(&s.url("/page"));
    version.store(2, std::sync::atomic::Ordering::SeqCst);
    gate.set(false);
    // Not `key`: it would wait for the reload the gate holds.
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
    let effects = d.app.update(Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)));
    d.begin(effects);
    assert!(d.app.tab().pending().is_some(), "the reload is held");
    let effects = d.app.follow_link(0);
    d.begin(effects);
    gate.set(true);
    d.wait_until("the reload", |d| d.app.tab().pending().is_none());
    assert_eq!(d.app.page().unwrap().doc.title, "V2", "the reload is what is shown: {}", d.screen());
}

#[test]
fn the_answer_to_a_post_redirected_with_302_is_not_asked_for_again() {
    let s = TestServer::start(|req| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/order") => Reply::new(302).header("Location", "/thanks"),
        (_, "/thanks") => Reply::html("<title>Thanks</title><p>Order placed.</p>"),
        _ => Reply::html(&post_form("/order")),
    });
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 80, 24);
    d.open(&s.url("/form"));
    submit(&mut d);
    assert!(d.screen().contains("Order placed."), "{}", d.screen());
    quit(&mut d);
    assert_eq!(saved_tabs(&session)[0]["entries"][1]["form_answer"], true, "{}", saved_tabs(&session));
    let before = s.seen().len();
    let mut d = browser(&cache, &session, 80, 24);
    let effects = d.app.resume_session();
    d.run(effects);
    assert!(d.screen().contains("This page was the answer to a form"), "{}", d.screen());
    assert_eq!(s.seen().len(), before, "the order is not asked for again");
}

#[test]
fn ctrl_r_on_the_answer_to_a_post_asks_before_sending_the_form_again() {
    let s = TestServer::start(|req| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/order") => Reply::html(&format!(
            "<title>Order</title><p>Order for {}.</p>",
            String::from_utf8_lossy(&req.body)
        )),
        ("POST", "/moved") => Reply::new(302).header("Location", "/thanks"),
        (_, "/thanks") => Reply::html("<title>Thanks</title><p>Thanks.</p>"),
        (_, "/other") => Reply::html(&post_form("/moved")),
        _ => Reply::html(&post_form("/order")),
    });
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 100, 24);
    d.open(&s.url("/form"));
    type_into(&mut d, "q", "tea");
    submit(&mut d);
    assert!(d.screen().contains("Order for q=tea"), "{}", d.screen());
    let posts = || s.seen().iter().filter(|r| r.method == "POST").count();
    let gets = || s.seen().iter().filter(|r| r.method == "GET").count();
    let (posted, got) = (posts(), gets());
    let ctrl_r =
        |d: &mut Driver| d.key_mod(KeyCode::Char('r'), ratatui::crossterm::event::KeyModifiers::CONTROL);

    ctrl_r(&mut d);
    assert!(d.screen().contains("This page answers a form. Send it again"), "{}", d.screen());
    d.char('n');
    assert_eq!((posts(), gets()), (posted, got), "nothing sent, not even a GET");
    assert!(d.screen().contains("The form was not sent again"), "{}", d.screen());

    ctrl_r(&mut d);
    d.char('y');
    assert_eq!((posts(), gets()), (posted + 1, got), "the same form sent once more");
    assert_eq!(s.seen().last().unwrap().body, b"q=tea&pw=");
    assert!(d.screen().contains("Order for q=tea"), "{}", d.screen());
    assert_eq!(d.app.tab().history().len(), 2, "in the answer's place");

    // After a 302 the POST is not kept: Ctrl-R says where to send it from.
    d.open(&s.url("/other"));
    submit(&mut d);
    assert!(d.screen().contains("Thanks."), "{}", d.screen());
    let (posted, got) = (posts(), gets());
    ctrl_r(&mut d);
    assert_eq!((posts(), gets()), (posted, got), "{}", d.screen());
    assert!(d.screen().contains("Left goes back to the form"), "{}", d.screen());
}

#[test]
fn sending_a_form_again_stops_what_the_tab_was_loading_and_keeps_its_password_private() {
    let gate = Gate::new();
    let held = gate.clone();
    let s = TestServer::start(move |req| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/login") => Reply::html("<title>Welcome</title><p>Signed in.</p>"),
        (_, "/slow") => {
            held.pass();
            Reply::html("<title>Slow</title><p>slow page</p>")
        }
        _ => Reply::html(&post_form("/login")),
    });
    let _opens = OpensAtEnd(gate.clone());
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 100, 24);
    d.open(&s.url("/form"));
    type_into(&mut d, "pw", "hunter2");
    submit(&mut d);
    assert!(d.app.page().unwrap().private, "reached by sending a password");
    gate.set(false);
    let effects = d.app.open_typed(&s.url("/slow"));
    d.begin(effects);
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
    let effects = d.app.update(Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)));
    d.begin(effects);
    assert!(d.app.tab().pending().is_none(), "asking stops the load, as a reload does");
    gate.set(true);
    d.char('y');
    let sent: Vec<String> = s.seen().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(sent.iter().filter(|r| *r == "POST /login").count(), 2, "{sent:?}");
    assert_eq!(d.app.page().unwrap().doc.title, "Welcome");
    assert!(d.app.page().unwrap().private, "sent again with its password: still private");
    assert!(d.app.session().tabs[0].entries.iter().all(|e| !e.url.ends_with("/login")), "never kept");
}

#[test]
fn a_form_answered_come_back_later_is_not_sent_again_by_itself() {
    let s = TestServer::start(|req| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/order") => {
            Reply::new(503).header("Retry-After", "1").header("Content-Type", "text/plain").body(b"busy")
        }
        _ => Reply::html(&post_form("/order")),
    });
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 100, 24);
    d.open(&s.url("/form"));
    submit(&mut d);
    assert!(d.screen().contains("a form is not sent again by itself"), "{}", d.screen());
    let before = s.seen().len();
    for _ in 0..3 {
        d.send(Msg::Tick);
    }
    assert_eq!(s.seen().len(), before, "no countdown, no request: {:?}", s.seen().last().map(|r| &r.method));
}

/// An address that takes connections and never answers: a load of it stays under way.
fn silent_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    address
}

#[test]
fn a_page_still_loading_at_quit_is_kept_as_where_the_tab_was_going() {
    let (s, silent) = (server(), silent_server());
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 80, 24);
    // A first load that never arrives, in a tab of its own from the start page…
    d.start_page();
    let effects = d.app.open_typed(&format!("{silent}/slow-first"));
    d.begin(effects);
    // …and a link followed from a page, in a second tab, just before quitting.
    d.key_started(KeyCode::Char('T'));
    let effects = d.app.open_typed(&s.url("/long"));
    d.begin(effects);
    d.wait_until("the long page", |d| d.app.page().is_some_and(|p| p.doc.title == "Long page"));
    d.key_started(KeyCode::Char('g'));
    for c in format!("{silent}/slow-next").chars() {
        d.key_started(KeyCode::Char(c));
    }
    d.key_started(KeyCode::Enter);
    d.key_started(KeyCode::Char('q'));
    d.key_started(KeyCode::Char('y'));
    assert!(d.quit, "q and y quit");
    assert!(d.app.tabs().iter().all(|t| t.pending().is_some()), "both loads are still under way");
    let tabs = saved_tabs(&session);
    let urls = |tab: &serde_json::Value| -> Vec<String> {
        tab["entries"].as_array().unwrap().iter().map(|e| e["url"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(urls(&tabs[0]), vec![format!("{silent}/slow-first")], "{tabs}");
    assert_eq!(urls(&tabs[1]), vec![s.url("/long"), format!("{silent}/slow-next")], "{tabs}");
    assert_eq!(tabs[1]["current"], 1, "the page it was going to is the one shown: {tabs}");
}

#[test]
fn a_session_file_that_is_not_margays_is_said_and_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("session.json");
    std::fs::write(&session, "tabs: lots").unwrap();
    let mut d = browser(&dir.path().join("cache"), &session, 100, 24);
    d.start_page();
    assert!(!d.app.can_resume());
    let status = format!("{:?}", d.app.status());
    assert!(
        status.contains("not a session margay saved") && status.contains("cannot be resumed"),
        "{status}"
    );
    assert!(status.contains("kept as") && status.contains("session.json.unreadable"), "{status}");
    assert!(!d.screen().contains("Resume where"));
    let aside = dir.path().join("session.json.unreadable");
    assert_eq!(std::fs::read_to_string(&aside).unwrap(), "tabs: lots", "kept for the user to look at");

    // This margay's own session is then saved as usual.
    let s = server();
    d.open(&s.url("/long"));
    d.send(Msg::Tick);
    assert!(std::fs::read_to_string(&session).unwrap().contains("/long"));
    assert_eq!(std::fs::read_to_string(&aside).unwrap(), "tabs: lots");
}

#[test]
fn a_resumed_page_that_cannot_be_loaded_keeps_its_place_for_later() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let down = Arc::new(AtomicBool::new(false));
    let is_down = down.clone();
    let s = TestServer::start(move |_| match is_down.load(Ordering::SeqCst) {
        true => Reply { status: 503, ..Reply::html("<title>Down</title><p>Down for maintenance</p>") }
            .header("Retry-After", "3600"),
        false => Reply::html(&long_page()),
    });
    let (_dir, cache, session) = places();
    let mut first = browser(&cache, &session, 80, 24);
    first.open(&s.url("/long"));
    for _ in 0..4 {
        first.char(' ');
    }
    let top = top_text(&first.screen()).to_string();
    quit(&mut first);
    drop(first);
    let saved = std::fs::read_to_string(&session).unwrap();

    down.store(true, Ordering::SeqCst);
    let mut d = browser(&cache, &session, 80, 24);
    let effects = d.app.resume_session();
    d.run(effects);
    assert!(d.screen().contains("503 Service Unavailable"), "{}", d.screen());
    d.send(Msg::Tick);
    assert_eq!(saved_tabs(&session), saved_tabs_of(&saved), "the same session kept, title and place");
    let entry = &d.app.session().tabs[0].entries[0];
    assert_eq!(entry.title, "Long page");

    // Back up: Ctrl-R loads it where it was read.
    down.store(false, Ordering::SeqCst);
    d.key_mod(KeyCode::Char('r'), ratatui::crossterm::event::KeyModifiers::CONTROL);
    assert_eq!(top_text(&d.screen()), top, "{}", d.screen());
}

#[test]
fn a_second_margay_takes_over_saving_when_the_first_quits() {
    let s = server();
    let (dir, cache, session) = places();
    let mut first = browser(&cache, &session, 80, 24);
    first.open(&s.url("/long"));
    first.send(Msg::Tick);
    let mut second = browser(&cache, &session, 100, 24);
    second.start_page();
    assert!(
        second.status_line().contains("Another margay is saving the session"),
        "{}",
        second.status_line()
    );
    second.open(&s.url("/form"));
    second.send(Msg::Tick);
    assert!(!std::fs::read_to_string(&session).unwrap().contains("/form"));

    quit(&mut first);
    drop(first);
    second.send(Msg::Tick);
    let now = std::fs::read_to_string(&session).unwrap();
    assert!(now.contains("/form") && !now.contains("/long"), "the second one's session: {now}");
    let previous = std::fs::read_to_string(dir.path().join("session.previous.json")).unwrap();
    assert!(previous.contains("/long"), "the one it replaced is kept: {previous}");
}

#[test]
fn a_resumed_page_stopped_while_its_first_screens_show_keeps_its_place_and_values() {
    use hostile_server::{head, RawServer};
    use std::io::Write as _;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{mpsc, Arc, Mutex};
    let html = format!(
        "<title>Big</title><form action=/f><p>Note: <input name=note></p></form>{}",
        (0..4000).map(|i| format!("<p>Paragraph {i} of the big page.</p>\n")).collect::<String>()
    );
    let slow = Arc::new(AtomicBool::new(false));
    let (release, released) = mpsc::channel::<()>();
    let released = Mutex::new(released);
    let is_slow = slow.clone();
    let server = RawServer::start(move |_, stream| {
        let length = html.len().to_string();
        let _ =
            stream.write_all(&head("200 OK", &[("Content-Type", "text/html"), ("Content-Length", &length)]));
        if !is_slow.load(Ordering::SeqCst) {
            let _ = stream.write_all(html.as_bytes());
            return;
        }
        // The first screens at once; the rest only when the test says so.
        let _ = stream.write_all(&html.as_bytes()[..80_000]);
        let _ = stream.flush();
        let _ = released.lock().unwrap().recv_timeout(std::time::Duration::from_secs(30));
        let _ = stream.write_all(&html.as_bytes()[80_000..]);
    });
    let (_dir, cache, session) = places();
    let mut first = browser(&cache, &session, 80, 24);
    first.open(&server.url("/big"));
    type_into(&mut first, "note", "kept words");
    for _ in 0..3 {
        first.char(' ');
    }
    quit(&mut first);
    drop(first);
    let saved = saved_tabs(&session);
    assert!(saved.to_string().contains("kept words"), "{saved}");

    slow.store(true, Ordering::SeqCst);
    let mut d = browser(&cache, &session, 80, 24);
    let effects = d.app.resume_session();
    d.begin(effects);
    d.wait_until("the first screens", |d| d.app.page().is_some_and(|p| p.loading.is_some()));
    assert_eq!(serde_json::to_value(&d.app.session().tabs).unwrap(), saved, "kept while it loads");
    d.key(KeyCode::Esc);
    release.send(()).unwrap();
    assert_eq!(
        serde_json::to_value(&d.app.session().tabs).unwrap(),
        saved,
        "stopped: the session keeps where the reader was and what was typed"
    );
}

#[test]
fn a_password_never_reaches_the_session_through_an_address() {
    let s = server();
    let (_dir, cache, session) = places();
    let mut d = browser(&cache, &session, 80, 24);
    // A GET form puts the password into the result's address: that page is not kept.
    d.open(&s.url("/form"));
    type_into(&mut d, "q", "words");
    type_into(&mut d, "pw", "hunter2");
    submit(&mut d);
    assert!(d.address().contains("pw=hunter2"), "{}", d.address());
    // An address with a user and password keeps the user only.
    let with_password = s.url("/long").replace("http://", "http://ann:secret@");
    d.open(&with_password);
    d.send(Msg::Tick);
    let text = std::fs::read_to_string(&session).unwrap();
    assert!(!text.contains("hunter2") && !text.contains("secret"), "{text}");
    assert!(text.contains("http://ann@127.0.0.1"), "{text}");
    let urls: Vec<_> = d.app.session().tabs[0].entries.iter().map(|e| e.url.clone()).collect();
    assert_eq!(urls.len(), 2, "the form and the page after it: {urls:?}");
}

#[test]
fn the_last_to_quit_is_kept_even_within_the_same_second() {
    let s = server();
    let (_dir, cache, session) = places();
    let mut first = browser(&cache, &session, 80, 24);
    first.open(&s.url("/long"));
    let mut second = browser(&cache, &session, 80, 24);
    second.open(&s.url("/form"));
    quit(&mut first);
    drop(first);
    // No tick between: the second takes the lock over as it quits.
    quit(&mut second);
    let kept = std::fs::read_to_string(&session).unwrap();
    assert!(kept.contains("/form") && !kept.contains("/long"), "{kept}");
}
