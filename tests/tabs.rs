//! Tabs, as in w3m: `T` opens the selected link in a new tab, `{` and `}` switch, Ctrl-W
//! closes one (the last one asks before quitting), a tab bar shows when there are two or
//! more, each tab keeps its own history, scroll, selection and typed values, and a load in a
//! background tab shows its progress in the tab bar. Screens drawn with TestBackend after
//! keys, through the browser's own runner.

mod common;
mod hostile_server;

use common::{Driver, Reply, TestServer};
use hostile_server::{head, RawServer};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use std::io::Write as _;
use std::sync::mpsc;
use std::time::Duration;

fn ctrl(d: &mut Driver, c: char) {
    d.key_mod(KeyCode::Char(c), KeyModifiers::CONTROL);
}

fn site() -> TestServer {
    TestServer::start(|req| match req.path.as_str() {
        "/" => Reply::html(
            "<title>Start</title><p><a href=\"/one\">one</a> <a href=\"/long\">long</a> \
             <a href=\"/form\">form</a></p>",
        ),
        "/long" => Reply::html(&format!(
            "<title>Long</title>{}",
            (0..60).map(|i| format!("<p>line {i} <a href=\"/l{i}\">link {i}</a></p>")).collect::<String>()
        )),
        "/form" => Reply::html(
            "<title>Form</title><form action=\"/search\"><input name=q size=10></form>\
             <p><a href=\"/one\">one</a></p>",
        ),
        path => Reply::html(&format!("<title>Page {path}</title><p>at {path} <a href=\"/\">start</a></p>")),
    })
}

/// The percentage a loading tab's cell shows (`⟳ 42% …`), if one does.
fn percent(bar: &str) -> Option<u32> {
    let after = &bar[bar.find("⟳ ")? + "⟳ ".len()..];
    after[..after.find('%')?].parse().ok()
}

fn first_line(d: &Driver) -> String {
    d.screen().lines().next().unwrap_or("").to_string()
}

#[test]
fn t_opens_the_selected_link_in_a_new_tab_and_braces_switch() {
    let server = site();
    let mut d = Driver::new(60, 8);
    d.open(&server.url("/"));
    assert!(first_line(&d).starts_with(" Start — "), "one tab: no tab bar: {}", d.screen());
    d.key(KeyCode::Tab); // "long"
    d.char('T');
    assert_eq!((d.app.tabs().len(), d.app.active_tab()), (2, 1));
    assert_eq!(d.address(), server.url("/long"));
    insta::assert_snapshot!(d.screen_on(&server));
    assert!(first_line(&d).starts_with(" 1:Start   2:Long"), "{}", first_line(&d));
    // `{` shows the first tab as it was left: its page and its selection.
    d.char('{');
    assert_eq!((d.app.active_tab(), d.address()), (0, server.url("/")));
    assert_eq!(d.app.page().unwrap().selected, Some(1));
    d.char('}');
    assert_eq!((d.app.active_tab(), d.address()), (1, server.url("/long")));
    // Round the ends.
    d.char('}');
    assert_eq!(d.app.active_tab(), 0);
    d.char('{');
    assert_eq!(d.app.active_tab(), 1);
}

#[test]
fn each_tab_has_its_own_history_scroll_selection_and_typed_values() {
    let server = site();
    let mut d = Driver::new(60, 12);
    d.open(&server.url("/form"));
    d.key(KeyCode::Enter);
    d.type_text("kept");
    d.key(KeyCode::Enter);
    d.key(KeyCode::Tab); // "one"
    d.char('T');
    // The new tab: its own history (Back has nowhere to go) ...
    assert_eq!(d.address(), server.url("/one"));
    assert_eq!(d.app.tab().history().len(), 1);
    d.key(KeyCode::Enter); // "start"
    d.key(KeyCode::Tab);
    d.key(KeyCode::Enter); // "long"
    ctrl(&mut d, 'f');
    let scroll = d.app.page().unwrap().scroll;
    assert!(scroll > 0);
    d.key(KeyCode::Tab);
    let selected = d.app.page().unwrap().selected;
    // ... and the first tab is as it was: its page, typed value, selection and history.
    d.char('{');
    assert_eq!(d.address(), server.url("/form"));
    assert!(d.screen().contains("[1]kept______"), "{}", d.screen());
    assert_eq!(d.app.page().unwrap().selected, Some(1));
    assert_eq!(d.app.tab().history().len(), 1);
    d.key(KeyCode::Left);
    assert_eq!(d.status_line(), "Already at the first page.");
    insta::assert_snapshot!(d.screen_on(&server));
    d.char('}');
    assert_eq!(d.address(), server.url("/long"));
    let page = d.app.page().unwrap();
    assert_eq!((page.scroll, page.selected), (scroll, selected));
    d.key(KeyCode::Left);
    assert_eq!(d.address(), server.url("/"), "this tab's own history");
    d.key(KeyCode::Left);
    assert_eq!(d.address(), server.url("/one"));
}

#[test]
fn ctrl_w_closes_a_tab_and_the_last_one_asks_before_quitting() {
    let server = site();
    let mut d = Driver::new(60, 8);
    d.open(&server.url("/"));
    d.char('T');
    assert_eq!(d.app.tabs().len(), 2);
    ctrl(&mut d, 'w');
    assert_eq!((d.app.tabs().len(), d.address()), (1, server.url("/")));
    assert!(first_line(&d).starts_with(" Start — "), "the tab bar goes with the second tab");
    ctrl(&mut d, 'w');
    insta::assert_snapshot!(d.screen_on(&server));
    assert_eq!(d.status_line(), "This is the last tab. Quit margay? (y/n)");
    d.char('n');
    assert!(!d.quit && d.app.prompt().is_none());
    assert_eq!(d.address(), server.url("/"));
    ctrl(&mut d, 'w');
    d.char('y');
    assert!(d.quit, "yes quits");
}

#[test]
fn a_load_in_a_background_tab_shows_its_progress_in_the_tab_bar() {
    let body = format!(
        "<title>Slow page</title><p>{}</p>",
        (0..1000).map(|i| format!("word{i:04} ")).collect::<String>()
    );
    let (length, half) = (body.len(), body.len() / 2);
    let (release, released) = mpsc::channel::<()>();
    let released = std::sync::Mutex::new(released);
    let server = RawServer::start(move |req, stream| {
        if req.path != "/slow" {
            let page = "<title>Start</title><p><a href=\"/slow\">slow</a></p>";
            let length = page.len().to_string();
            let _ = stream
                .write_all(&head("200 OK", &[("Content-Type", "text/html"), ("Content-Length", &length)]));
            let _ = stream.write_all(page.as_bytes());
            return;
        }
        let length = body.len().to_string();
        let _ =
            stream.write_all(&head("200 OK", &[("Content-Type", "text/html"), ("Content-Length", &length)]));
        // The first half in pieces close together (well within the 50 ms between two timed
        // reports), so the last piece before the stall is what a report must tell.
        for piece in body.as_bytes()[..half].chunks(half.div_ceil(8)) {
            let _ = stream.write_all(piece);
            let _ = stream.flush();
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = released.lock().unwrap().recv_timeout(Duration::from_secs(60));
        let _ = stream.write_all(&body.as_bytes()[half..]);
    });
    let mut d = Driver::new(90, 8);
    d.open(&server.url("/"));
    d.key_started(KeyCode::Char('T'));
    d.key_started(KeyCode::Char('{'));
    assert_eq!(d.app.active_tab(), 0, "the first tab is shown; the load goes on in the second");
    // The percent of what the server sent before it stalled, not of an earlier report.
    let sent = (half * 100 / length) as u32;
    d.wait_until("the load's progress in the tab bar", |d| percent(&first_line(d)) == Some(sent));
    let shown = d.screen().replace(server.url("/").trim_end_matches('/'), "http://127.0.0.1:PORT");
    insta::assert_snapshot!(shown);
    release.send(()).unwrap();
    d.wait_until("the page loaded in the background", |d| first_line(d).contains("2:Slow page"));
    assert!(!first_line(&d).contains('⟳'), "{}", first_line(&d));
    assert_eq!(d.address(), server.url("/"), "the tab shown did not change");
    d.char('}');
    assert!(d.page_text().contains("word0999"), "{}", d.page_text());
}

#[test]
fn with_thirty_tabs_the_bar_shows_titles_around_the_tab_shown_and_counts_the_rest() {
    let server = site();
    let mut d = Driver::new(100, 10);
    d.open(&server.url("/"));
    d.key(KeyCode::Tab);
    for _ in 1..30 {
        d.char('T');
    }
    assert_eq!((d.app.tabs().len(), d.app.active_tab()), (30, 29));
    let bar = first_line(&d);
    assert!(bar.contains(" 30:Start"), "the tab shown, with its title: {bar}");
    assert!(bar.starts_with('‹') && !bar.contains('›'), "the tabs before it counted: {bar}");
    // Every tab, as `{` goes round, is in the bar with some of its title.
    for shown in (1..=29).rev() {
        d.char('{');
        let bar = first_line(&d);
        let cell = format!(" {shown}:");
        let at = bar.find(&cell).unwrap_or_else(|| panic!("tab {shown} is not in the bar: {bar}"));
        let title = &bar[at + cell.len()..];
        assert!(
            ["Start", "Page /", "Long"].iter().any(|t| title.starts_with(t)),
            "tab {shown}'s title: {bar}"
        );
    }
    let bar = first_line(&d);
    assert!(
        !bar.starts_with('‹') && bar.trim_end().ends_with('›'),
        "the first tabs, the rest counted: {bar}"
    );
    insta::assert_snapshot!(bar);
}
