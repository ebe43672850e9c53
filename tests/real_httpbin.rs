//! margay against httpbin (under gunicorn): every status code it can send, its redirects,
//! Basic authentication, content encodings (gzip, deflate, br), JSON and XML answers, headers
//! as sent, reason phrases that are not the standard ones, bodies streamed by --source, and
//! its POST form: the answer sent again only when asked, and resumed as a form answer.

mod common;

use common::servers::{self, margay, run, Run};
use common::Driver;
use ratatui::crossterm::event::KeyCode;

fn dump(args: &[&str]) -> Run {
    let home = tempfile::tempdir().expect("a home");
    let mut command = margay(home.path());
    command.arg("--dump").args(args);
    run(command)
}

#[test]
fn status_codes_exit_as_documented() {
    let Some(httpbin) = servers::httpbin() else { return };
    for (code, exit) in [
        (200, 0),
        (201, 0),
        (202, 0),
        (203, 0),
        (204, 0),
        (205, 0),
        (400, 3),
        (402, 3),
        (403, 3),
        (404, 3),
        (405, 3),
        (410, 3),
        (429, 3),
        (500, 3),
        (501, 3),
        (502, 3),
        (503, 3),
        (504, 3),
    ] {
        let out = dump(&[&format!("{}/status/{code}", httpbin.base)]);
        assert_eq!(out.code, Some(exit), "{code}: {}\n{}", out.stdout, out.stderr);
        if code >= 400 {
            assert!(out.stdout.contains(&format!("{code} ")), "{code}: {}", out.stdout);
        }
    }
    for code in [202, 203] {
        let out = dump(&[&format!("{}/status/{code}", httpbin.base)]);
        assert!(out.stderr.contains(&code.to_string()), "{code} is said on stderr: {}", out.stderr);
    }
}

#[test]
fn a_reason_phrase_is_shown_as_sent_beside_the_standard_one() {
    let Some(httpbin) = servers::httpbin() else { return };
    let out = dump(&[&format!("{}/status/418", httpbin.base)]);
    assert_eq!(out.code, Some(3));
    // RFC 9110 keeps 418 unused: margay treats it as any unknown 4xx, and says so.
    assert!(
        out.stdout.contains("418 Client Error: An unrecognised client-error code; treated like 400"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\"I'M A TEAPOT\""), "the server's own words: {}", out.stdout);
    assert!(out.stdout.contains("Status: 418 I'M A TEAPOT"), "{}", out.stdout);
}

#[test]
fn redirect_chains_of_every_kind() {
    let Some(httpbin) = servers::httpbin() else { return };
    let out = dump(&["-v", &format!("{}/redirect/3", httpbin.base)]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stderr.matches("302 FOUND").count(), 3, "{}", out.stderr);
    assert!(out.stdout.contains("\"url\": \"http://127.0.0.1"), "ends at /get: {}", out.stdout);
    let mut d = Driver::new(100, 50);
    for (status, keeps) in [(301, false), (302, true), (303, false), (307, true), (308, false)] {
        let url = format!("{}/redirect-to?url=/get&status_code={status}", httpbin.base);
        d.open(&url);
        if keeps {
            assert_eq!(d.address(), url, "{status} keeps the original link");
        } else {
            assert_eq!(d.address(), format!("{}/get", httpbin.base), "{status} moves the address");
        }
        assert!(d.page_text().contains("\"headers\": {"), "{status}: {}", d.page_text());
    }
}

#[test]
fn basic_authentication() {
    let Some(httpbin) = servers::httpbin() else { return };
    let url = format!("{}/basic-auth/{}/{}", httpbin.base, servers::USER, servers::PASSWORD);
    let mut d = Driver::new(100, 40);
    d.open(&url);
    assert!(d.screen().contains("User name for 'Fake Realm' at 127.0.0.1"), "{}", d.screen());
    d.type_text(servers::USER);
    d.key(KeyCode::Enter);
    d.type_text(servers::PASSWORD);
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("\"authenticated\": true"), "{}", d.page_text());

    // A script cannot be asked: it is told how to give them, and that way works.
    let out = dump(&[&url]);
    assert_eq!(out.code, Some(3));
    assert!(
        out.stderr.contains("401") && out.stderr.contains("http://USER:PASSWORD@HOST/PATH"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("Reload"), "no browser keys in a dump: {}", out.stderr);
    let with_them = url.replacen("http://", &format!("http://{}:{}@", servers::USER, servers::PASSWORD), 1);
    let out = dump(&[&with_them]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("\"authenticated\": true"), "{}", out.stdout);
}

#[test]
fn content_encodings_are_decoded() {
    let Some(httpbin) = servers::httpbin() else { return };
    for (path, flag) in
        [("/gzip", "\"gzipped\": true"), ("/deflate", "\"deflated\": true"), ("/brotli", "\"brotli\": true")]
    {
        let out = dump(&[&format!("{}{path}", httpbin.base)]);
        assert_eq!(out.code, Some(0), "{path}: {}", out.stderr);
        assert!(out.stdout.contains(flag), "{path}: {}", out.stdout);
    }
    // What margay asks for is what it can undo.
    let out = dump(&[&format!("{}/headers", httpbin.base)]);
    assert!(out.stdout.contains("\"Accept-Encoding\": \"gzip, deflate, br\""), "{}", out.stdout);
}

#[test]
fn json_xml_and_headers_as_sent() {
    let Some(httpbin) = servers::httpbin() else { return };
    let json = dump(&[&format!("{}/json", httpbin.base)]);
    assert!(
        json.stdout.contains("  \"slideshow\": {\n    \"author\": \"Yours Truly\","),
        "pretty, in order: {}",
        json.stdout
    );
    let xml = dump(&[&format!("{}/xml", httpbin.base)]);
    assert!(xml.stdout.contains("<slideshow"), "XML as text: {}", xml.stdout);
    let mut d = Driver::new(120, 60);
    d.open(&format!("{}/response-headers?X-Margay-Test=one&X-Margay-Test=two", httpbin.base));
    d.char('=');
    let info = d.page_text();
    assert!(
        info.contains("X-Margay-Test: one") && info.contains("X-Margay-Test: two"),
        "every header, repeats too: {info}"
    );
    assert!(info.contains("Content-Length:"), "{info}");
}

#[test]
fn source_streams_the_bytes_as_received() {
    let Some(httpbin) = servers::httpbin() else { return };
    let home = tempfile::tempdir().unwrap();
    for path in ["/bytes/90000?seed=7", "/stream-bytes/90000?seed=7&chunk_size=1000"] {
        let a = margay(home.path()).args(["--source", &format!("{}{path}", httpbin.base)]).output().unwrap();
        assert_eq!(a.status.code(), Some(0), "{path}");
        assert_eq!(a.stdout.len(), 90000, "{path}");
    }
    let image =
        margay(home.path()).args(["--source", &format!("{}/image/png", httpbin.base)]).output().unwrap();
    assert!(image.stdout.starts_with(b"\x89PNG"), "binary into a pipe, unchanged");
}

#[test]
fn cookies_set_on_a_redirect_are_sent_on_in_a_dump() {
    let Some(httpbin) = servers::httpbin() else { return };
    let out = dump(&[&format!("{}/cookies/set?flavour=oat", httpbin.base)]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("\"flavour\": \"oat\""), "{}", out.stdout);
}

#[test]
fn a_407_from_a_server_that_is_no_proxy() {
    let Some(httpbin) = servers::httpbin() else { return };
    let out = dump(&[&format!("{}/status/407", httpbin.base)]);
    assert_eq!(out.code, Some(3));
    assert!(
        out.stdout.contains("no supported way to log in to the proxy")
            && !out.stdout.contains("WWW-Authenticate challenge"),
        "{}",
        out.stdout
    );
}

#[test]
fn revalidation_with_httpbins_etag() {
    let Some(httpbin) = servers::httpbin() else { return };
    let mut d = Driver::new(100, 40);
    let url = format!("{}/etag/abc", httpbin.base);
    d.open(&url);
    d.open(&format!("{}/get", httpbin.base));
    d.open(&url);
    assert!(d.screen().contains("304 Not Modified"), "{}", d.screen());
}

/// `--dump --json`: one JSON object on one line, with the exit code of the text dump.
fn dump_json(url: &str) -> (Run, serde_json::Value) {
    let out = dump(&["--json", url]);
    assert_eq!(out.stdout.lines().count(), 1, "one object on one line: {}", out.stdout);
    let value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("JSON ({e}): {}", out.stdout));
    (out, value)
}

#[test]
fn json_output_has_the_redirect_chain_the_page_and_the_exit_code() {
    let Some(httpbin) = servers::httpbin() else { return };
    let (out, v) = dump_json(&format!("{}/redirect/2", httpbin.base));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(v["schema"], 1);
    assert_eq!(v["requested_url"], format!("{}/redirect/2", httpbin.base));
    assert_eq!(v["final_url"], format!("{}/get", httpbin.base));
    let hops = v["redirects"].as_array().expect("a list of hops");
    assert_eq!(hops.len(), 2, "{v}");
    assert!(hops.iter().all(|h| h["status"] == 302 && h["method"] == "GET"), "{v}");
    assert_eq!(hops[0]["url"], format!("{}/redirect/2", httpbin.base));
    assert_eq!((v["status"].as_u64(), v["reason"].as_str()), (Some(200), Some("OK")));
    assert_eq!((v["outcome"].as_str(), v["exit_code"].as_u64()), (Some("page"), Some(0)));
    assert!(v["text"].as_str().is_some_and(|t| t.contains("\"url\": \"http://127.0.0.1")), "{v}");
    let content_type = v["headers"].as_array().and_then(|h| {
        h.iter().find(|pair| pair[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case("content-type")))
    });
    assert_eq!(content_type.map(|pair| &pair[1]), Some(&serde_json::json!("application/json")), "{v}");
    let timing = |name: &str| v["timings"][name].as_f64().unwrap_or(-1.0);
    assert!(timing("total_ms") > 0.0, "{v}");
    assert!(0.0 < timing("first_byte_ms") && timing("first_byte_ms") <= timing("last_response_ms"), "{v}");
    assert!(timing("last_response_ms") <= timing("total_ms"), "{v}");

    let (out, v) = dump_json(&format!("{}/status/404", httpbin.base));
    assert_eq!(out.code, Some(3));
    assert_eq!(
        (v["status"].as_u64(), v["outcome"].as_str(), v["exit_code"].as_u64()),
        (Some(404), Some("error page"), Some(3))
    );
    assert!(v["title"].as_str().is_some_and(|t| t.contains("404")), "the diagnostic page: {v}");

    // A password in an address is masked everywhere, as in the References.
    let with_password = httpbin.base.replacen("http://", "http://u:secret@", 1);
    let (out, v) = dump_json(&format!("{with_password}/redirect-to?url=/get"));
    assert!(!out.stdout.contains("secret"), "{}", out.stdout);
    assert_eq!(v["final_url"], format!("{}/get", httpbin.base.replacen("http://", "http://u:***@", 1)));

    let (out, v) = dump_json(&format!("{}/status/204", httpbin.base));
    assert_eq!(out.code, Some(0));
    assert_eq!((v["status"].as_u64(), v["outcome"].as_str()), (Some(204), Some("no content")), "{v}");
    assert_eq!(v["text"], "");
}

#[test]
fn json_output_lists_links_and_forms_with_their_numbers() {
    let Some(httpbin) = servers::httpbin() else { return };
    let (out, v) = dump_json(&format!("{}/forms/post", httpbin.base));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let form = &v["forms"][0];
    assert_eq!(
        (form["method"].as_str(), form["action"].as_str()),
        (Some("POST"), Some(format!("{}/post", httpbin.base).as_str())),
        "{v}"
    );
    let fields = form["fields"].as_array().expect("fields");
    let custname = fields.iter().find(|f| f["name"] == "custname").expect("the customer name field");
    assert_eq!(custname["kind"], "text");
    let number = custname["number"].as_u64().expect("shown with a number");
    let text = v["text"].as_str().unwrap_or("");
    assert!(text.contains(&format!("[{number}]")), "the field's [n] is in the text: {text}");
    let sizes: Vec<_> = fields.iter().filter(|f| f["name"] == "size").collect();
    assert!(sizes.len() == 3 && sizes.iter().all(|f| f["kind"] == "radio" && f["checked"] == false), "{v}");

    let (_, v) = dump_json(&format!("{}/links/3/0", httpbin.base));
    let links = v["links"].as_array().expect("links");
    assert_eq!(links.len(), 2, "{v}");
    assert_eq!((links[0]["number"].as_u64(), links[0]["text"].as_str()), (Some(1), Some("1")), "{v}");
    assert_eq!(links[0]["url"], format!("{}/links/3/1", httpbin.base));
}

#[test]
fn json_output_of_a_failed_load_is_an_object_too() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("its port").port();
    drop(listener);
    let (out, v) = dump_json(&format!("http://127.0.0.1:{port}/"));
    assert_eq!(out.code, Some(1));
    assert_eq!(
        (v["outcome"].as_str(), v["exit_code"].as_u64(), v["status"].as_u64()),
        (Some("failed"), Some(1), None)
    );
    assert!(v["message"].as_str().is_some_and(|m| m.contains("nothing accepts connections")), "{v}");
    assert!(out.stderr.contains("nothing accepts connections"), "said on stderr as well: {}", out.stderr);
}

/// The network log against a real server: httpbin's redirect that sets a cookie is two
/// requests of one navigation, the cookie named in the log and its value masked in both
/// heads.
#[test]
fn the_network_log_of_a_redirect_that_sets_a_cookie() {
    let Some(httpbin) = servers::httpbin() else { return };
    let mut d = Driver::new(100, 40);
    d.open(&format!("{}/cookies/set?flavour=oatmeal", httpbin.base));
    assert!(d.page_text().contains("\"flavour\": \"oatmeal\""), "{}", d.page_text());
    d.char('L');
    let log = d.page_text();
    assert_eq!(log.matches("Navigation ").count(), 1, "{log}");
    assert!(log.contains("GET ") && log.contains("/cookies/set?flavour=oatmeal"), "{log}");
    assert!(log.contains("302 FOUND") && log.contains("cookies set: flavour"), "{log}");
    assert!(log.contains("200 OK"), "{log}");
    assert!(!log.contains("oatmeal ") && !log.contains("=oatmeal;"), "{log}");
    let open = |d: &mut Driver, href: &str| {
        let index = d.app.page().unwrap().rendered.links.iter().position(|l| l.href == href);
        let mut effects = d.app.follow_link(index.unwrap_or_else(|| panic!("no {href}: {}", d.page_text())));
        effects.extend(d.app.pending_effects());
        d.run(effects);
    };
    open(&mut d, "about:network?request=1");
    let first = d.page_text();
    assert!(first.contains("Set-Cookie: flavour=•••; Path=/"), "{first}");
    assert!(!first.contains("oatmeal;"), "{first}");
    d.key(KeyCode::Left);
    open(&mut d, "about:network?request=2");
    let second = d.page_text();
    assert!(second.contains("cookie: flavour=•••") && !second.contains("oatmeal"), "{second}");
}

#[test]
fn a_resumed_session_gives_httpbins_form_its_typed_values_back() {
    let Some(httpbin) = servers::httpbin() else { return };
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("session.json");
    let url = format!("{}/forms/post", httpbin.base);
    let mut first = Driver::new(100, 30).with_session(&session);
    first.open(&url);
    let link = |d: &Driver, name: &str, nth: usize| {
        let page = d.app.page().unwrap();
        let field =
            page.doc.forms.fields.iter().enumerate().filter(|(_, f)| f.name == name).nth(nth).unwrap().0;
        1 + page.rendered.links.iter().position(|l| l.href == format!("margay-field:{field}")).unwrap()
    };
    first.type_text(&link(&first, "custname", 0).to_string());
    first.key(KeyCode::Enter);
    first.type_text("Ann Roe");
    first.key(KeyCode::Enter);
    // The second size (Medium) and the second topping (Extra Cheese).
    for (name, nth) in [("size", 1), ("topping", 1)] {
        first.type_text(&link(&first, name, nth).to_string());
        first.key(KeyCode::Enter);
    }
    let before = first.screen();
    assert!(before.contains("Ann Roe") && before.contains("(*) Medium"), "{before}");
    first.char('q');
    first.char('y');
    assert!(first.quit);
    drop(first);

    let mut again = Driver::new(100, 30).with_session(&session);
    let effects = again.app.resume_session();
    again.run(effects);
    let after = again.screen();
    assert!(after.contains("Customer name: [1]Ann Roe"), "{after}");
    assert!(after.contains("(*) Medium") && after.contains("[X] Extra Cheese"), "{after}");
    assert!(!after.contains("(*) Small") && !after.contains("[X] Bacon"), "{after}");
}

#[test]
fn httpbins_post_answer_is_sent_again_only_when_asked_and_resumed_as_a_form_answer() {
    let Some(httpbin) = servers::httpbin() else { return };
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("session.json");
    let mut d = Driver::new(100, 30).with_session(&session);
    d.open(&format!("{}/forms/post", httpbin.base));
    let page = d.app.page().unwrap();
    let field = page.doc.forms.fields.iter().position(|f| f.name == "custname").unwrap();
    let name =
        1 + page.rendered.links.iter().position(|l| l.href == format!("margay-field:{field}")).unwrap();
    d.type_text(&name.to_string());
    d.key(KeyCode::Enter);
    d.type_text("Ann Roe");
    d.key(KeyCode::Enter);
    // The submit button is the form's last link.
    let submit = d.app.page().unwrap().rendered.links.len();
    d.type_text(&submit.to_string());
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("\"custname\": \"Ann Roe\""), "{}", d.page_text());
    let ctrl_r =
        |d: &mut Driver| d.key_mod(KeyCode::Char('r'), ratatui::crossterm::event::KeyModifiers::CONTROL);
    ctrl_r(&mut d);
    assert!(d.screen().contains("This page answers a form. Send it again"), "{}", d.screen());
    d.char('y');
    // httpbin answers the same POST again (a GET of /post would be its 405).
    assert!(d.page_text().contains("\"custname\": \"Ann Roe\""), "{}", d.page_text());
    assert!(!d.page_text().contains("405"), "{}", d.page_text());
    d.char('q');
    d.char('y');
    drop(d);

    let mut again = Driver::new(100, 30).with_session(&session);
    let effects = again.app.resume_session();
    again.run(effects);
    assert!(again.page_text().contains("This page was the answer to a form"), "{}", again.page_text());
    again.key(KeyCode::Left);
    assert!(again.page_text().contains("Customer name"), "{}", again.page_text());
}
