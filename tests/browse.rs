//! Browsing against a real HTTP server on 127.0.0.1: load, follow, back, forward, reload,
//! fragments, link numbers, the URL prompt, cancel and superseded loads.

mod common;

use common::{Driver, Reply, TestServer};
use margay::net::FetchEvent;
use margay::ui::{Effect, Msg};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn site() -> TestServer {
    TestServer::start(|req| match req.path.as_str() {
        "/" => Reply::html(
            "<html><head><title>Home</title></head><body><h1>Home</h1>\
             <p><a href=\"/a\">Page A</a> and <a href=\"b\">Page B</a> and <a href=\"#end\">the end</a></p>\
             <p>filler</p><p>filler</p><p>filler</p><p>filler</p><p>filler</p><p>filler</p>\
             <p>filler</p><p>filler</p><p>filler</p><p>filler</p><p>filler</p><p>filler</p>\
             <h2 id=\"end\">The end</h2><p>last words</p></body></html>",
        ),
        "/a" => Reply::html("<title>A</title><p>This is page A. <a href=\"/\">home</a></p>"),
        "/b" => Reply::html("<title>B</title><p>This is page B.</p>"),
        _ => Reply::new(404).header("Content-Type", "text/plain").body(b"no such page"),
    })
}

#[test]
fn load_follow_back_forward() {
    let server = site();
    let mut d = Driver::new(80, 24);
    d.open(&server.url("/"));
    assert_eq!(d.app.page().unwrap().doc.title, "Home");
    assert!(d.screen().contains("[1]Page A"), "{}", d.screen());

    // The first link is selected on arrival; Tab moves to the second; Enter follows it.
    assert_eq!(d.app.page().unwrap().selected, Some(0));
    d.key(KeyCode::Tab);
    assert_eq!(d.app.page().unwrap().selected, Some(1));
    d.key(KeyCode::Enter);
    assert_eq!(d.address(), server.url("/b"));
    assert!(d.page_text().contains("This is page B."));

    // Back restores the page with the selected link as it was.
    d.key(KeyCode::Left);
    assert_eq!(d.address(), server.url("/"));
    assert_eq!(d.app.page().unwrap().selected, Some(1));
    // Forward shows page B again, without a new request.
    let requests = server.seen().len();
    d.char('u');
    assert_eq!(d.address(), server.url("/b"));
    assert_eq!(server.seen().len(), requests, "forward must not refetch");
    d.key(KeyCode::Left);
    assert_eq!(d.address(), server.url("/"));
}

#[test]
fn back_restores_scroll_position() {
    let server = site();
    let mut d = Driver::new(80, 10);
    d.open(&server.url("/"));
    d.char(' ');
    let scrolled = d.app.page().unwrap().scroll;
    assert!(scrolled > 0);
    d.open(&server.url("/a"));
    d.key(KeyCode::Left);
    assert_eq!(d.app.page().unwrap().scroll, scrolled);
}

#[test]
fn link_number_then_enter_follows() {
    let server = site();
    let mut d = Driver::new(80, 24);
    d.open(&server.url("/"));
    d.char('2');
    assert!(d.screen().contains("Follow link number: 2"));
    d.key(KeyCode::Enter);
    assert_eq!(d.address(), server.url("/b"));
    // A number beyond the links says so and stays.
    d.key(KeyCode::Left);
    d.type_text("99");
    d.key(KeyCode::Enter);
    assert_eq!(d.address(), server.url("/"));
    assert!(d.screen().contains("There is no link number 99"));
}

#[test]
fn fragment_link_scrolls_within_the_page() {
    let server = site();
    let mut d = Driver::new(80, 10);
    d.open(&server.url("/"));
    let before = server.seen().len();
    d.char('3');
    d.key(KeyCode::Enter);
    let page = d.app.page().unwrap();
    assert_eq!(page.address.fragment(), Some("end"));
    let anchor = page.rendered.anchors["end"];
    assert!(page.scroll > 0 && page.scroll <= anchor);
    assert!(d.screen().contains("The end"));
    assert_eq!(server.seen().len(), before, "a fragment of this page needs no request");
    d.key(KeyCode::Left);
    assert_eq!(d.app.page().unwrap().scroll, 0);
}

#[test]
fn reload_fetches_again_and_keeps_the_place() {
    let server = site();
    let mut d = Driver::new(80, 10);
    d.open(&server.url("/"));
    d.char('j');
    let before = server.seen().len();
    d.key_mod(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(server.seen().len(), before + 1);
    assert_eq!(d.app.page().unwrap().scroll, 1);
    assert_eq!(d.app.tab().history().len(), 1, "reload replaces the entry");
}

#[test]
fn goto_prompt_resolves_relative_and_recalls() {
    let server = site();
    let mut d = Driver::new(80, 24);
    d.open(&server.url("/"));
    d.char('g');
    d.type_text("a");
    d.key(KeyCode::Enter);
    assert_eq!(d.address(), server.url("/a"));
    d.char('g');
    d.key(KeyCode::Up);
    assert!(d.screen().contains("URL to open: a"), "{}", d.screen());
    d.key(KeyCode::Esc);
    assert!(d.app.prompt().is_none());
}

#[test]
fn a_new_navigation_supersedes_one_still_loading() {
    let server = site();
    let mut d = Driver::new(80, 24);
    let first = d.app.open_typed(&server.url("/a"));
    let second = d.app.open_typed(&server.url("/b"));
    // The second navigation cancels the first.
    assert!(second.iter().any(|e| matches!(e, Effect::Cancel { .. })));
    // The first load's late answer arrives after: it must be dropped.
    let mut late = None;
    for e in first {
        if let Effect::Fetch { id, request, width } = e {
            late = Some((id, margay::net::load(&d.client, &request, width, &mut |_, _| true).map(Box::new)));
        }
    }
    d.run(second);
    let (id, result) = late.unwrap();
    let effects = d.app.update(Msg::Fetch(FetchEvent::Done { id, result }));
    assert!(effects.is_empty());
    assert_eq!(d.address(), server.url("/b"));
    assert_eq!(d.app.tab().history().len(), 1);
}

#[test]
fn esc_cancels_a_load_and_progress_shows_bytes() {
    let server = site();
    let mut d = Driver::new(80, 24);
    let effects = d.app.open_typed(&server.url("/a"));
    let Some(Effect::Fetch { id, .. }) = effects.into_iter().next() else { panic!("a fetch") };
    d.app.update(Msg::Fetch(FetchEvent::Progress { id, bytes: 2048, total: Some(4096) }));
    let screen = d.screen();
    assert!(screen.contains("Loading") && screen.contains("2.0 KiB of 4.0 KiB"), "{screen}");
    let effects = d.app.update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    assert!(matches!(effects.as_slice(), [Effect::Cancel { id: c }] if *c == id));
    assert!(d.screen().contains("Load cancelled"));
    assert!(d.app.tab().pending().is_none());
}

#[test]
fn quit_asks_and_capital_q_does_not() {
    let mut d = Driver::new(80, 24);
    d.start_page();
    d.char('q');
    assert!(!d.quit);
    assert!(d.screen().contains("Are you sure you want to quit?"));
    d.char('n');
    assert!(!d.quit);
    d.char('q');
    d.char('y');
    assert!(d.quit);
    let mut d = Driver::new(80, 24);
    d.char('Q');
    assert!(d.quit);
}

#[test]
fn resize_rewraps_once_per_width() {
    let server = site();
    let mut d = Driver::new(80, 24);
    d.open(&server.url("/"));
    let lines_80 = d.app.page().unwrap().rendered.lines.len();
    let effects = d.app.update(Msg::Resize(30, 24));
    d.run(effects);
    let page = d.app.page().unwrap();
    assert_eq!(page.rendered.width, 30);
    assert!(page.rendered.lines.len() > lines_80);
    assert!(page
        .rendered
        .lines
        .iter()
        .all(|l| unicode_width::UnicodeWidthStr::width(l.text().as_str()) <= 30));
}

#[test]
fn missing_page_shows_a_diagnostic_with_the_server_body() {
    let server = site();
    let mut d = Driver::new(80, 40);
    d.open(&server.url("/nowhere"));
    let text = d.page_text();
    assert!(text.contains("404"), "{text}");
    assert!(text.contains("no such page"), "{text}");
}

#[test]
fn refused_connection_shows_a_diagnostic() {
    // A port that was free a moment ago: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut d = Driver::new(80, 30);
    d.open(&format!("http://127.0.0.1:{port}/"));
    let text = d.page_text();
    assert!(text.to_lowercase().contains("refused") || text.to_lowercase().contains("connect"), "{text}");
}

#[test]
fn file_urls_html_text_and_directories() {
    let dir = std::env::temp_dir().join(format!("margay-file-test-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("page.html"), "<title>Local</title><p>local <a href=\"note.txt\">note</a></p>")
        .unwrap();
    std::fs::write(dir.join("note.txt"), "plain\ttext\n<b>not bold</b>\n").unwrap();
    let mut d = Driver::new(80, 24);
    d.open(dir.to_str().unwrap());
    let listing = d.page_text();
    assert!(listing.contains("page.html") && listing.contains("sub/"), "{listing}");
    d.open(dir.join("page.html").to_str().unwrap());
    assert_eq!(d.app.page().unwrap().doc.title, "Local");
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("<b>not bold</b>"), "{}", d.page_text());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_remote_page_cannot_open_local_files() {
    let server = TestServer::start(|_| Reply::html("<p><a href=\"file:///etc/hostname\">local</a></p>"));
    let mut d = Driver::new(80, 24);
    d.open(&server.url("/"));
    d.key(KeyCode::Enter);
    assert_eq!(d.address(), server.url("/"));
    assert!(d.screen().contains("cannot open local files"), "{}", d.screen());
}

#[test]
fn a_resize_lays_the_page_out_off_the_ui_and_keeps_the_reading_place() {
    let body: String =
        (0..3000).map(|i| format!("<p id=p{i}>paragraph number {i} with a few words</p>")).collect();
    let server = TestServer::start(move |_| Reply::html(&format!("<title>Long</title>{body}")));
    let mut d = Driver::new(80, 24);
    d.open(&format!("{}#p1200", server.url("/")));
    let top = d.app.page().unwrap().rendered.lines[d.app.page().unwrap().scroll].text();
    assert!(top.contains("paragraph number 1200"), "{top}");
    let effects = d.app.update(Msg::Resize(20, 24));
    // The layout for 20 columns is a job for another thread; the old one stays meanwhile.
    assert!(matches!(effects.as_slice(), [Effect::Layout { width: 20, .. }]), "{effects:?}");
    assert_eq!(d.app.page().unwrap().rendered.width, 80);
    // A second resize before the first job ends: the first answer is for an old width.
    let later = d.app.update(Msg::Resize(30, 24));
    for effect in effects {
        if let Effect::Layout { doc, width } = effect {
            let rendered = doc.layout(width, &margay::document::Cancel::new());
            d.app.update(Msg::Laid { doc: doc.id, width, rendered });
        }
    }
    assert_eq!(d.app.page().unwrap().rendered.width, 80, "a layout for an old width is dropped");
    d.run(later);
    let page = d.app.page().unwrap();
    assert_eq!(page.rendered.width, 30);
    // The same text at the top: found by its place in the page, not by proportion.
    let top = page.rendered.lines[page.scroll].text();
    assert!(
        top.contains("paragraph number")
            && page.rendered.lines[page.scroll..page.scroll + 3].iter().any(|l| l.text().contains("1200")),
        "{top}"
    );
    assert!(page
        .rendered
        .lines
        .iter()
        .all(|l| unicode_width::UnicodeWidthStr::width(l.text().as_str()) <= 30));
}

#[test]
fn no_page_is_laid_out_where_the_screen_is_drawn() {
    // A page margay makes, a resize: the app asks for layouts; it never makes them itself.
    let mut app = margay::ui::App::new(margay::ui::Keymap::defaults(), 80, 24);
    app.show_start_page();
    assert!(app.page().unwrap().rendered.lines.is_empty(), "no layout made by the app");
    let effects = app.pending_effects();
    assert!(matches!(effects.as_slice(), [Effect::Layout { width: 80, .. }]), "{effects:?}");
    for effect in effects {
        if let Effect::Layout { doc, width } = effect {
            let rendered = doc.layout(width, &margay::document::Cancel::new());
            app.update(Msg::Laid { doc: doc.id, width, rendered });
        }
    }
    assert!(!app.page().unwrap().rendered.lines.is_empty());
    let effects = app.update(Msg::Resize(50, 24));
    assert!(matches!(effects.as_slice(), [Effect::Layout { width: 50, .. }]), "{effects:?}");
    assert_eq!(app.page().unwrap().rendered.width, 80, "the old layout stays until the new one comes");
}
