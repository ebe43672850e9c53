//! Daily use as lynx and w3m users expect it: search selects the link it found, a typed path
//! opens the file, the status line is for the selected link, keys belong to the page they act
//! on, about: pages are addresses, lynx's lists (history, links, visited links, Ctrl-F/B),
//! and the small things. Screens drawn with TestBackend after keys, through the browser's own
//! runner.

mod common;

use common::{Driver, Reply, TestServer};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::style::{Color, Modifier};

/// The screen with the server's random port made stable.
fn ctrl(d: &mut Driver, c: char) {
    d.key_mod(KeyCode::Char(c), KeyModifiers::CONTROL);
}

fn links_site() -> TestServer {
    TestServer::start(|req| match req.path.as_str() {
        "/" => Reply::html(
            "<title>Index</title><h1>Index</h1>\
             <p><a href=\"/alpha\">alpha</a> <a href=\"/beta\">beta</a> <a href=\"/gamma\">gamma</a></p>\
             <p>Vec is also mentioned in plain text.</p>\
             <p><a href=\"/vec\">Vec&lt;T&gt;</a></p><p><a href=\"/vecdeque\">VecDeque&lt;T&gt;</a></p>",
        ),
        path => Reply::html(&format!(
            "<title>Page {path}</title><p>This is {path}.</p><p><a href=\"/\">home</a></p>"
        )),
    })
}

// 1. Search selects the match's link.

#[test]
fn search_selects_the_link_holding_the_match() {
    let server = links_site();
    let mut d = Driver::new(60, 14);
    d.open(&server.url("/"));
    d.char('/');
    d.type_text("Vec");
    d.key(KeyCode::Enter);
    // The first match is in plain text: the selection stays where it was.
    assert_eq!(d.app.page().unwrap().selected, Some(0));
    d.char('n');
    d.char('n');
    insta::assert_snapshot!(d.screen_on(&server));
    assert_eq!(d.app.page().unwrap().selected, Some(4), "the link holding the third match");
    let buf = d.buffer();
    let (x, y) = common::find_in(&buf, "[5]VecDeque").unwrap();
    assert!(buf[(x + 4, y)].modifier.contains(Modifier::REVERSED), "drawn as the selected link");
    d.key(KeyCode::Enter);
    assert_eq!(d.address(), server.url("/vecdeque"), "Enter follows the link where the match is");
}

// 2. A typed path opens the file.

#[test]
fn a_typed_path_opens_the_file_even_on_a_web_page() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "my notes").unwrap();
    let server = links_site();
    let mut d = Driver::new(70, 12);
    d.open(&server.url("/"));
    d.char('g');
    d.type_text(&dir.path().display().to_string());
    d.key(KeyCode::Enter);
    d.key(KeyCode::Tab);
    let path = dir.path().display().to_string();
    insta::assert_snapshot!(d.screen().replace(&path, "/TMP"));
    assert_eq!(d.address(), url::Url::from_file_path(dir.path()).unwrap().to_string());
    assert!(d.page_text().contains("notes.txt"), "the directory's listing: {}", d.page_text());
    // A relative reference without a scheme stays relative to the web page.
    d.key(KeyCode::Left);
    d.char('g');
    d.type_text("beta");
    d.key(KeyCode::Enter);
    assert_eq!(d.address(), server.url("/beta"));
}

// 3. The status line is for the selected link.

#[test]
fn a_message_gives_way_when_the_selection_or_the_view_moves() {
    let server = links_site();
    let mut d = Driver::new(60, 14);
    d.open(&server.url("/"));
    d.char('u');
    assert_eq!(d.status_line(), "No page ahead.");
    d.key(KeyCode::Tab);
    insta::assert_snapshot!(d.screen_on(&server));
    assert_eq!(d.status_line(), format!("[2] {}", server.url("/beta")));
    // Scrolling the view too.
    d.char('/');
    d.type_text("plain");
    d.key(KeyCode::Enter);
    assert_eq!(d.status_line(), "Match 1 of 1.");
    d.char('j');
    assert!(d.status_line().starts_with("[2] "), "{}", d.status_line());
    // A key that moves nothing leaves the message.
    d.char('u');
    d.char('z');
    assert_eq!(d.status_line(), "No page ahead.");
}

// 4. Keys belong to the page they act on.

fn cookie_site() -> TestServer {
    TestServer::start(|req| match req.path.as_str() {
        "/login" => Reply::html("<title>Login</title><p>in</p>").header("Set-Cookie", "session=abc; Path=/"),
        _ => Reply::html(&format!("<p>cookie: {}</p>", req.header("Cookie").unwrap_or("none"))),
    })
}

#[test]
fn keys_of_a_kind_of_page_act_only_there_and_a_destructive_one_asks() {
    let server = cookie_site();
    let mut d = Driver::new(100, 12);
    d.open(&server.url("/login"));
    // D on a web page forgets nothing: it says where it works.
    d.char('D');
    assert_eq!(
        d.status_line(),
        "D works on a cookie page (Ctrl-K): forget all of the site's cookies (asks first)."
    );
    assert_eq!(d.client.cookies().unwrap().list_for(&url::Url::parse(&server.url("/")).unwrap()).len(), 1);
    d.char('X');
    assert!(d.status_line().starts_with("X works on the bookmarks page (v)"), "{}", d.status_line());
    // On the cookie page, D asks first; n keeps them, y forgets them.
    ctrl(&mut d, 'k');
    d.char('D');
    insta::assert_snapshot!(d.screen_on(&server));
    d.char('n');
    assert!(d.page_text().contains("session = abc"));
    d.char('D');
    d.char('x'); // not an answer: the question stays
    assert!(d.status_line().contains("(y/n)"), "{}", d.status_line());
    d.char('y');
    assert_eq!(d.status_line(), "Forgot 1 cookie of 127.0.0.1.");
    d.open(&server.url("/page"));
    assert!(d.page_text().contains("cookie: none"));
}

#[test]
fn the_help_page_shows_each_layer_of_keys() {
    let mut d = Driver::new(90, 30);
    d.start_page();
    d.char('?');
    let text = d.page_text();
    let at = |heading: &str| text.find(heading).unwrap_or_else(|| panic!("no '{heading}' in {text}"));
    let (page, bookmarks, cookies, history) = (
        at("On every page"),
        at("On the bookmarks page (v)"),
        at("On a cookie page (Ctrl-K)"),
        at("On the history page (Backspace)"),
    );
    assert!(page < bookmarks && bookmarks < cookies && cookies < history);
    let rename = at("Rename the selected bookmark");
    assert!(bookmarks < rename && rename < cookies, "the bookmark keys are under their heading");
    let forget = at("Forget all of the site's cookies");
    assert!(cookies < forget && forget < history);
    assert!(at("Forget every visited link") > history);
}

// 5. about: pages are addresses.

#[test]
fn about_pages_are_addresses_and_reload_as_themselves() {
    let server = cookie_site();
    let mut d = Driver::new(70, 12);
    d.start_page();
    for (address, title) in [("about:bookmarks", "Bookmarks"), ("about:help", "margay help: keys")] {
        d.char('g');
        d.type_text(address);
        d.key(KeyCode::Enter);
        assert_eq!((d.address().as_str(), d.app.page().unwrap().doc.title.as_str()), (address, title));
        ctrl(&mut d, 'r');
        assert_eq!((d.address().as_str(), d.app.page().unwrap().doc.title.as_str()), (address, title));
    }
    d.open(&server.url("/login"));
    d.char('=');
    assert_eq!(d.address(), "about:info");
    ctrl(&mut d, 'r');
    assert!(d.page_text().contains("Page info") && d.page_text().contains("/login"), "{}", d.page_text());
    d.key(KeyCode::Left);
    d.char('g');
    d.type_text("about:cookies");
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("Cookies of 127.0.0.1"), "{}", d.page_text());
    ctrl(&mut d, 'r');
    assert!(d.page_text().contains("Cookies of 127.0.0.1") && d.page_text().contains("session = abc"));
    d.char('g');
    d.type_text("about:nothing");
    d.key(KeyCode::Enter);
    insta::assert_snapshot!(d.screen());
}

// 6. lynx's lists.

fn tour_site() -> TestServer {
    TestServer::start(|req| match req.path.as_str() {
        "/long" => Reply::html(&(0..80).map(|i| format!("<p>line {i}</p>")).collect::<String>()),
        "/" => Reply::html(
            "<title>Start</title><p><a href=\"/one\">one</a> <a href=\"/two\">two</a> \
             <a href=\"file:///etc/hostname\">a file</a></p>",
        ),
        path => {
            Reply::html(&format!("<title>Page {path}</title><p>at {path}</p><p><a href=\"/\">start</a></p>"))
        }
    })
}

#[test]
fn backspace_lists_this_tabs_pages_newest_first() {
    let server = tour_site();
    let mut d = Driver::new(70, 14);
    d.open(&server.url("/"));
    d.key(KeyCode::Enter); // one
    d.key(KeyCode::Enter); // start again
    d.key(KeyCode::Tab);
    d.key(KeyCode::Enter); // two
    d.key(KeyCode::Backspace);
    assert_eq!(d.address(), "about:history");
    insta::assert_snapshot!(d.screen_on(&server));
    // Followable: the second entry is the start page.
    d.key(KeyCode::Tab);
    d.key(KeyCode::Enter);
    assert_eq!(d.address(), server.url("/"));
    // Left is still back.
    d.key(KeyCode::Left);
    assert_eq!(d.address(), "about:history");
    d.key(KeyCode::Left);
    assert_eq!(d.address(), server.url("/two"));
}

#[test]
fn l_lists_the_links_of_the_page_and_they_can_be_followed() {
    let server = tour_site();
    let mut d = Driver::new(70, 14);
    d.open(&server.url("/"));
    d.char('l');
    insta::assert_snapshot!(d.screen_on(&server));
    // The web page's file link is no more followable from its list than from the page.
    d.char('3');
    d.key(KeyCode::Enter);
    assert!(d.status_line().contains("cannot open local files"), "{}", d.status_line());
    d.char('2');
    d.key(KeyCode::Enter);
    assert_eq!(d.address(), server.url("/two"));
}

#[test]
fn ctrl_f_and_ctrl_b_page_down_and_up() {
    let server = tour_site();
    let mut d = Driver::new(60, 12);
    d.open(&server.url("/long"));
    ctrl(&mut d, 'f');
    assert_eq!(d.app.page().unwrap().scroll, d.app.body_height());
    ctrl(&mut d, 'f');
    ctrl(&mut d, 'b');
    assert_eq!(d.app.page().unwrap().scroll, d.app.body_height());
    ctrl(&mut d, 'b');
    assert_eq!(d.app.page().unwrap().scroll, 0);
    assert_eq!(d.app.tab().history().len(), 1, "Ctrl-F is not forward");
}

#[test]
fn visited_links_are_drawn_apart_and_remembered_across_sessions() {
    let server = tour_site();
    let state = tempfile::tempdir().unwrap();
    let visited = state.path().join("margay").join("visited");
    let colours = |d: &Driver| {
        let buf = d.buffer();
        let cell = |text: &str| {
            let (x, y) = common::find_in(&buf, text).unwrap();
            buf[(x + 3, y)].clone()
        };
        (cell("[1]one"), cell("[2]two"))
    };
    {
        let mut d = Driver::new(70, 12).with_files(None, Some(&visited));
        d.open(&server.url("/"));
        let (one, two) = colours(&d);
        assert_eq!((one.fg, two.fg), (Color::Cyan, Color::Cyan), "nothing visited yet");
        d.key(KeyCode::Enter);
        d.key(KeyCode::Left);
        let (one, two) = colours(&d);
        assert_eq!((one.fg, two.fg), (Color::LightBlue, Color::Cyan), "[1] was visited");
        // Without colours, a visited link is dim.
        d.app.settings_mut().no_color = true;
        let (one, two) = colours(&d);
        assert!(one.modifier.contains(Modifier::DIM) && !two.modifier.contains(Modifier::DIM));
        d.char('Q');
        assert!(d.quit);
    }
    let kept = std::fs::read_to_string(&visited).unwrap();
    assert!(kept.contains(&server.url("/one")) && !kept.contains(&server.url("/two")), "{kept}");
    // The next session draws it as visited; D on the history page forgets, after asking.
    let mut d = Driver::new(70, 12).with_files(None, Some(&visited));
    d.open(&server.url("/"));
    assert_eq!(colours(&d).0.fg, Color::LightBlue);
    d.key(KeyCode::Backspace);
    d.char('D');
    assert!(d.status_line().starts_with("Forget 2 visited links"), "{}", d.status_line());
    d.char('y');
    d.key(KeyCode::Left);
    assert_eq!(colours(&d).0.fg, Color::Cyan);
    assert!(!std::fs::read_to_string(&visited).unwrap().contains("/one"));
}

#[test]
fn ctrl_z_hands_the_terminal_back_to_the_shell_and_leaves_the_page_as_it_was() {
    let mut d = Driver::new(80, 20);
    d.start_page();
    let before = d.screen();
    ctrl(&mut d, 'z');
    assert_eq!(d.suspended, 1, "the terminal's side was asked to suspend");
    assert_eq!(d.screen(), before);
    assert!(!d.quit);
}
