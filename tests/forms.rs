//! Forms against a real server on 127.0.0.1 that records what it received: every field
//! type, GET and POST (urlencoded and multipart), 204 keeping the typed values, 303 → GET,
//! reset, and what the page shows while a field is edited.

mod common;

use common::{Driver, Reply, TestServer};
use ratatui::crossterm::event::KeyCode;

const FORM: &str = r#"<title>Form</title>
<form action="/submit" method="post">
<p>Name: <input name="name" value="Ann" size="10"></p>
<p>Secret: <input type="password" name="pw" size="8"></p>
<input type="hidden" name="token" value="t0k">
<p><input type="checkbox" name="news" value="yes"> News
   <input type="checkbox" name="ads" value="ok" checked> Ads</p>
<p><input type="radio" name="size" value="s" checked> S <input type="radio" name="size" value="l"> L</p>
<p><select name="colour"><option>red</option><option value="g">green</option><option>blue</option></select></p>
<p><textarea name="note" cols="20">line one</textarea></p>
<p><input type="submit" name="go" value="Send it"> <input type="reset"></p>
</form>"#;

fn server() -> TestServer {
    TestServer::start(|req| match (req.method.as_str(), req.path.as_str()) {
        (_, "/form") => Reply::html(FORM),
        (_, "/getform") => {
            Reply::html(r#"<form action="/search"><input name="q"><input type="submit" value="Find"></form>"#)
        }
        (_, "/nothing") => {
            Reply::html(r#"<form action="/keep" method="post"><input name="x"><input type="submit"></form>"#)
        }
        ("POST", "/keep") => Reply::new(204),
        ("POST", "/submit") => Reply::new(303).header("Location", "/thanks"),
        (_, "/upload") => Reply::html(
            r#"<form action="/up" method="post" enctype="multipart/form-data"><input type="file" name="f"><input name="t"><input type="submit"></form>"#,
        ),
        ("POST", "/up") => Reply::text("uploaded"),
        _ => Reply::html(&format!("<title>Result</title><p>{} {}</p>", req.method, req.path)),
    })
}

/// Select the field whose link number is `n` and press Enter on it.
fn activate(d: &mut Driver, n: usize) {
    d.type_text(&n.to_string());
    d.key(KeyCode::Enter);
}

fn field_link(d: &Driver, name: &str) -> usize {
    let page = d.app.page().unwrap();
    let field = page.doc.forms.fields.iter().position(|f| f.name == name).unwrap();
    1 + page.rendered.links.iter().position(|l| l.href == format!("margay-field:{field}")).unwrap()
}

#[test]
fn every_field_type_is_sent_with_post_then_303_is_followed_with_get() {
    let s = server();
    let mut d = Driver::new(80, 30);
    d.open(&s.url("/form"));
    let screen = d.screen();
    assert!(screen.contains("Name: [1]Ann_______"), "{screen}");
    assert!(screen.contains("[X] Ads") && screen.contains("(*) S"), "{screen}");

    // Text: edit in place.
    let n = field_link(&d, "name");
    activate(&mut d, n);
    d.key(KeyCode::Backspace);
    d.key(KeyCode::Backspace);
    d.key(KeyCode::Backspace);
    d.type_text("Bo b");
    assert!(d.screen().contains("Name: [1]Bo b______"), "{}", d.screen());
    d.key(KeyCode::Enter);
    // Password: masked on screen.
    let n = field_link(&d, "pw");
    activate(&mut d, n);
    d.type_text("hunter2");
    d.key(KeyCode::Enter);
    let screen = d.screen();
    assert!(screen.contains("*******") && !screen.contains("hunter2"), "{screen}");
    // Checkbox toggles; radio moves.
    let n = field_link(&d, "news");
    activate(&mut d, n);
    let n = field_link(&d, "ads");
    activate(&mut d, n);
    let l = field_link(&d, "size");
    activate(&mut d, l + 1);
    assert!(d.screen().contains("( ) S") || d.screen().contains("(\u{a0}) S"), "{}", d.screen());
    // Select: a list opens; Down, Enter picks.
    let n = field_link(&d, "colour");
    activate(&mut d, n);
    d.key(KeyCode::Down);
    d.key(KeyCode::Enter);
    assert!(d.screen().contains("green"), "{}", d.screen());
    // Submit with the button.
    let n = field_link(&d, "go");
    activate(&mut d, n);
    let seen = s.seen();
    let post = seen.iter().find(|r| r.method == "POST").unwrap();
    let body = String::from_utf8(post.body.clone()).unwrap();
    assert_eq!(post.header("Content-Type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(body, "name=Bo+b&pw=hunter2&token=t0k&news=yes&size=l&colour=g&note=line+one&go=Send+it");
    let last = seen.last().unwrap();
    assert_eq!((last.method.as_str(), last.path.as_str()), ("GET", "/thanks"));
    assert!(d.page_text().contains("GET /thanks"));
}

#[test]
fn get_forms_put_the_data_in_the_query() {
    let s = server();
    let mut d = Driver::new(80, 20);
    d.open(&s.url("/getform"));
    activate(&mut d, 1);
    d.type_text("cats & dogs");
    d.key(KeyCode::Enter);
    activate(&mut d, 2);
    assert_eq!(s.seen().last().unwrap().path, "/search?q=cats+%26+dogs");
}

#[test]
fn no_content_after_post_keeps_the_form_and_what_was_typed() {
    let s = server();
    let mut d = Driver::new(80, 20);
    d.open(&s.url("/nothing"));
    activate(&mut d, 1);
    d.type_text("typed");
    d.key(KeyCode::Enter);
    activate(&mut d, 2);
    assert_eq!(s.seen().last().unwrap().method, "POST");
    assert_eq!(d.address(), s.url("/nothing"));
    assert_eq!(d.app.tab().history().len(), 1);
    let screen = d.screen();
    assert!(screen.contains("[1]typed") && screen.contains("204 No Content"), "{screen}");
}

#[test]
fn reset_restores_the_initial_values() {
    let s = server();
    let mut d = Driver::new(80, 30);
    d.open(&s.url("/form"));
    let n = field_link(&d, "ads");
    activate(&mut d, n);
    assert!(!d.screen().contains("[X] Ads"));
    let reset = d
        .app
        .page()
        .unwrap()
        .doc
        .forms
        .fields
        .iter()
        .position(|f| f.kind == margay::document::forms::FieldKind::Reset)
        .unwrap();
    let link = 1 + d
        .app
        .page()
        .unwrap()
        .rendered
        .links
        .iter()
        .position(|l| l.href == format!("margay-field:{reset}"))
        .unwrap();
    activate(&mut d, link);
    assert!(d.screen().contains("[X] Ads"));
}

#[test]
fn multipart_forms_send_files() {
    let s = server();
    let file = std::env::temp_dir().join(format!("margay-upload-{}.txt", std::process::id()));
    std::fs::write(&file, "file body\n").unwrap();
    let mut d = Driver::new(80, 20);
    d.open(&s.url("/upload"));
    activate(&mut d, 1);
    d.type_text(file.to_str().unwrap());
    d.key(KeyCode::Enter);
    activate(&mut d, 2);
    d.type_text("words");
    d.key(KeyCode::Enter);
    activate(&mut d, 3);
    let seen = s.seen();
    let post = seen.last().unwrap();
    let content_type = post.header("Content-Type").unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let body = String::from_utf8_lossy(&post.body);
    let name = file.file_name().unwrap().to_str().unwrap();
    assert!(body.contains(&format!("name=\"f\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\nfile body\n\r\n")), "{body}");
    assert!(body.contains("name=\"t\"\r\n\r\nwords\r\n"), "{body}");
    assert!(d.page_text().contains("uploaded"));
    std::fs::remove_file(file).unwrap();
}

#[test]
fn form_page_snapshot() {
    let s = server();
    let mut d = Driver::new(60, 16);
    d.open(&s.url("/form"));
    let n = field_link(&d, "colour");
    activate(&mut d, n);
    insta::assert_snapshot!(d.screen().replace(&s.base, "http://127.0.0.1:PORT"));
}

#[test]
fn textarea_goes_to_the_editor_and_comes_back() {
    let s = server();
    let mut d = Driver::new(80, 30);
    d.open(&s.url("/form"));
    let n = field_link(&d, "note");
    activate(&mut d, n);
    assert!(d.screen().contains("LINE ONE"), "{}", d.screen());
    let n = field_link(&d, "go");
    activate(&mut d, n);
    let seen = s.seen();
    let post = seen.iter().find(|r| r.method == "POST").unwrap();
    assert!(String::from_utf8_lossy(&post.body).contains("note=LINE+ONE"));
}
