//! Bookmarks in the browser: adding (page, final address, link), the bookmarks page and its
//! keys, a read-only file, all through the real bookmark file.

mod common;

use common::{Driver, Reply, TestServer};
use ratatui::crossterm::event::KeyCode;

fn file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("margay-bmui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("bookmarks.html")
}

fn site() -> TestServer {
    TestServer::start(|req| match req.path.as_str() {
        "/short" => Reply::new(302).header("Location", "/long/address"),
        "/long/address" => Reply::html("<title>Long</title><p>the long one</p>"),
        _ => Reply::html(&format!(
            "<title>Page {0}</title><p>at {0} <a href=\"/linked\">a link</a></p>",
            req.path
        )),
    })
}

fn clear_line(d: &mut Driver) {
    d.key_mod(KeyCode::Char('u'), ratatui::crossterm::event::KeyModifiers::CONTROL);
}

#[test]
fn adding_the_page_the_final_address_or_the_link() {
    let s = site();
    let path = file("add");
    let mut d = Driver::new(120, 24).with_bookmarks(&path);
    d.open(&s.url("/one"));
    d.key(KeyCode::Tab); // keep the link selected: `a` then offers it
    d.char('a');
    let status = d.status_line();
    assert!(status.starts_with("Bookmark the page as: Page /one  in folder: (top)"), "{status}");
    assert!(status.contains("Up/Down: page or link"), "{status}");
    // Tab goes to the folder, typed in the same prompt.
    d.key(KeyCode::Tab);
    d.type_text("Work/Reading");
    d.key(KeyCode::Enter);
    assert!(d.screen().contains("Bookmarked 'Page /one'."), "{}", d.screen());
    // The link, with its text as title, in the same folder (offered again).
    d.char('a');
    d.key(KeyCode::Down);
    let status = d.status_line();
    assert!(status.starts_with("Bookmark link [1] as: a link  in folder: Work/Reading"), "{status}");
    d.key(KeyCode::Enter);
    // A 302 page: the original address by default, the final one on request, at the top.
    d.open(&s.url("/short"));
    d.char('a');
    d.key(KeyCode::Down);
    assert!(d.status_line().starts_with("Bookmark the final address as: Long"), "{}", d.status_line());
    d.key(KeyCode::Tab);
    clear_line(&mut d);
    d.key(KeyCode::Enter);
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(
        saved.contains("<H3") && saved.contains(">Work</H3>") && saved.contains(">Reading</H3>"),
        "{saved}"
    );
    assert!(saved.contains(&format!("HREF=\"{}\"", s.url("/one"))), "{saved}");
    assert!(saved.contains(&format!("HREF=\"{}\"", s.url("/linked"))) && saved.contains(">a link</A>"));
    assert!(saved.contains(&format!("HREF=\"{}\"", s.url("/long/address"))), "{saved}");
    assert!(!saved.contains(&format!("HREF=\"{}\"", s.url("/short"))));
}

#[test]
fn the_bookmarks_page_renames_moves_deletes_and_undoes() {
    let s = site();
    let path = file("page");
    let mut store = margay::store::bookmarks::BookmarkStore::open(&path).unwrap();
    for (folder, n) in [("", "a"), ("Old", "b"), ("", "c")] {
        let folder: Vec<&str> = if folder.is_empty() { vec![] } else { vec![folder] };
        store
            .add(
                &folder,
                margay::store::bookmarks::Bookmark::new(&s.url(&format!("/{n}")), &format!("Site {n}")),
            )
            .unwrap();
    }
    let mut d = Driver::new(100, 30).with_bookmarks(&path);
    d.char('v');
    assert_eq!(d.address(), "about:bookmarks");
    let text = d.page_text();
    assert!(text.contains("3 bookmarks") && text.contains("Site a") && text.contains("Old"), "{text}");
    // Select "Site c" by number, then rename it.
    let n = d.app.page().unwrap().rendered.links.iter().position(|l| l.href.ends_with("/c")).unwrap();
    d.app.select_link(n);
    d.char('R');
    clear_line(&mut d);
    d.type_text("Renamed C");
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("Renamed C"), "{}", d.page_text());
    assert!(std::fs::read_to_string(&path).unwrap().contains(">Renamed C</A>"));
    // Move it into a folder.
    let n = d.app.page().unwrap().rendered.links.iter().position(|l| l.href.ends_with("/c")).unwrap();
    d.app.select_link(n);
    d.char('M');
    d.type_text("New");
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("New"));
    // Delete asks first.
    let n = d.app.page().unwrap().rendered.links.iter().position(|l| l.href.ends_with("/a")).unwrap();
    d.app.select_link(n);
    d.char('X');
    assert!(d.screen().contains("Delete the bookmark 'Site a'? (y/n)"));
    d.char('n');
    assert!(d.page_text().contains("Site a"));
    d.char('X');
    d.char('y');
    assert!(!d.page_text().contains("Site a"), "{}", d.page_text());
    // Undo brings it back.
    d.char('U');
    assert!(d.page_text().contains("Site a"));
    // Search works on the page.
    d.char('/');
    d.type_text("site b");
    d.key(KeyCode::Enter);
    assert!(d.screen().contains("Match 1 of 1"));
}

#[test]
fn check_from_the_bookmarks_page() {
    let s = TestServer::start(|req| match req.path.as_str() {
        "/moved" => Reply::new(301).header("Location", "/here"),
        "/gone" => Reply::new(410),
        _ => Reply::html("<p>ok</p>"),
    });
    let path = file("check");
    let mut store = margay::store::bookmarks::BookmarkStore::open(&path).unwrap();
    for n in ["moved", "gone", "fine"] {
        store.add::<&str>(&[], margay::store::bookmarks::Bookmark::new(&s.url(&format!("/{n}")), n)).unwrap();
    }
    let mut d = Driver::new(100, 30).with_bookmarks(&path);
    d.char('v');
    d.char('C');
    let text = d.page_text();
    assert!(
        text.contains("moved permanently") && text.contains(&format!("now at {}", s.url("/here"))),
        "{text}"
    );
    assert!(text.contains("gone") && text.contains("ok"), "{text}");
}

#[test]
fn an_unreadable_file_is_read_only_and_untouched() {
    let path = file("broken");
    std::fs::write(&path, "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF=\"http://x/\n").unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut d = Driver::new(120, 20).with_bookmarks(&path);
    d.start_page();
    let screen = d.screen();
    assert!(screen.contains("read-only") && screen.contains("line"), "{screen}");
    d.char('a');
    assert!(d.screen().contains("read-only"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn prompts_show_bidi_overrides_from_the_file_visibly() {
    let path = file("bidi");
    let mut store = margay::store::bookmarks::BookmarkStore::open(&path).unwrap();
    store
        .add::<&str>(
            &[],
            margay::store::bookmarks::Bookmark::new("http://127.0.0.1:9/x", "admin\u{202E}nimda"),
        )
        .unwrap();
    let mut d = Driver::new(120, 20).with_bookmarks(&path);
    d.char('v');
    let n = d.app.page().unwrap().rendered.links.iter().position(|l| l.href.ends_with("/x")).unwrap();
    d.app.select_link(n);
    d.char('X');
    let status = d.screen().lines().last().unwrap().to_string();
    assert!(status.contains("Delete the bookmark 'admin⟨RLO⟩nimda'"), "{status}");
}
