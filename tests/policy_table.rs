//! The status-code policy as a table: one row per code, then the redirect, authentication,
//! Retry-After, 304 and transport rules one by one. Pure: no server, no clock.

use margay::policy::*;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use url::Url;

/// Sun, 09 Sep 2001 01:46:40 GMT.
fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_000_000_000)
}

fn u(s: &str) -> Url {
    Url::parse(s).expect("test url")
}

fn get(url: &str) -> RequestInfo {
    RequestInfo::get(u(url))
}

fn post(url: &str) -> RequestInfo {
    RequestInfo { method: Method::Post, has_body: true, ..get(url) }
}

fn resp(status: u16, headers: &[(&str, &str)]) -> ResponseHead {
    headers.iter().fold(ResponseHead::new(status, ""), |h, (n, v)| h.with_header(n, v))
}

fn ctx() -> Context {
    Context { now: now(), ..Context::default() }
}

fn decide_with(req: &RequestInfo, status: u16, headers: &[(&str, &str)], c: &Context) -> Outcome {
    decide(req, &resp(status, headers), b"", c)
}

fn run(status: u16, headers: &[(&str, &str)]) -> Outcome {
    decide_with(&get("http://example.org/page"), status, headers, &ctx())
}

fn redirect(o: Outcome) -> Redirect {
    match o {
        Outcome::Redirect(r) => r,
        other => panic!("expected a redirect, got {other:?}"),
    }
}

fn diagnosis(o: Outcome) -> Diagnosis {
    match o {
        Outcome::Diagnostic(d) => d,
        other => panic!("expected a diagnostic page, got {other:?}"),
    }
}

type Check = fn(&Outcome) -> bool;
type Headers = &'static [(&'static str, &'static str)];

fn is_error(o: &Outcome) -> bool {
    matches!(o, Outcome::Diagnostic(d) if d.kind == DiagnosisKind::HttpError)
}

fn explains(o: &Outcome, words: &[&str]) -> bool {
    matches!(o, Outcome::Diagnostic(d) if words.iter().all(|w| d.explanation.contains(w)))
}

#[test]
fn one_row_per_code() {
    const LOC: Headers = &[("Location", "/moved")];
    const NONE: Headers = &[];
    let rows: &[(u16, Headers, Check)] = &[
        (200, NONE, |o| matches!(o, Outcome::Show { note: None })),
        (201, LOC, |o| {
            matches!(o, Outcome::Show { note: Some(StatusNote::Created { location: Some(l) }) }
                if l.as_str() == "http://example.org/moved")
        }),
        (202, NONE, |o| matches!(o, Outcome::Show { note: Some(StatusNote::Accepted) })),
        (203, NONE, |o| matches!(o, Outcome::Show { note: Some(StatusNote::PartialInformation) })),
        (
            204,
            NONE,
            |o| matches!(o, Outcome::KeepView { reset_form: false, message } if message.contains("204")),
        ),
        (205, NONE, |o| matches!(o, Outcome::KeepView { reset_form: true, .. })),
        (301, LOC, |o| {
            matches!(o, Outcome::Redirect(r) if r.kind == RedirectKind::Permanent
                && r.offer_relink && !r.keep_original_link && r.to.path() == "/moved")
        }),
        (302, LOC, |o| {
            matches!(o, Outcome::Redirect(r) if r.kind == RedirectKind::Temporary
                && r.keep_original_link && !r.offer_relink)
        }),
        (303, LOC, |o| {
            matches!(o, Outcome::Redirect(r) if r.kind == RedirectKind::SeeOther
                && r.method == Method::Get && !r.keep_original_link && !r.offer_relink)
        }),
        (304, NONE, |o| matches!(o, Outcome::NotModified)),
        (307, LOC, |o| {
            matches!(o, Outcome::Redirect(r) if r.kind == RedirectKind::Temporary
                && r.keep_original_link && r.method == Method::Get && !r.ask_before_resend)
        }),
        (
            308,
            LOC,
            |o| matches!(o, Outcome::Redirect(r) if r.kind == RedirectKind::Permanent && r.offer_relink),
        ),
        (
            401,
            &[("WWW-Authenticate", "Basic realm=\"x\"")],
            |o| matches!(o, Outcome::AskCredentials { scheme, .. } if scheme == "Basic"),
        ),
        (402, NONE, |o| {
            matches!(o, Outcome::PaymentRequired { diagnosis }
                if diagnosis.kind == DiagnosisKind::PaymentRequired
                && diagnosis.explanation.contains("ChargeTo"))
        }),
        (403, NONE, is_error),
        (404, NONE, is_error),
        (405, NONE, is_error),
        (410, NONE, is_error),
        (500, NONE, is_error),
        (501, NONE, is_error),
        // The 1992 document's 502 and 503 are today's 503 and 504: both meanings shown.
        (502, NONE, |o| is_error(o) && explains(o, &["Bad Gateway", "Service temporarily overloaded"])),
        (503, NONE, |o| is_error(o) && explains(o, &["Service Unavailable", "Gateway timeout"])),
        (504, NONE, |o| is_error(o) && explains(o, &["Gateway Timeout", "503"])),
        // Unrecognised codes are treated as the x00 of their class.
        (299, NONE, |o| matches!(o, Outcome::Show { note: Some(StatusNote::Unrecognized { code: 299 }) })),
        (399, LOC, |o| {
            matches!(o, Outcome::Choose { status: 399, alternatives, .. }
                if alternatives.len() == 1 && alternatives[0].url.path() == "/moved")
        }),
        (399, NONE, |o| matches!(o, Outcome::Diagnostic(d) if d.kind == DiagnosisKind::MultipleChoices)),
        (499, NONE, |o| {
            matches!(o, Outcome::Diagnostic(d)
                if d.kind == DiagnosisKind::UnrecognizedStatus { treated_as: 400 })
        }),
        (599, NONE, |o| {
            matches!(o, Outcome::Diagnostic(d)
                if d.kind == DiagnosisKind::UnrecognizedStatus { treated_as: 500 })
        }),
        (99, NONE, |o| matches!(o, Outcome::Diagnostic(d) if d.kind == DiagnosisKind::NotHttp)),
        (600, NONE, |o| matches!(o, Outcome::Diagnostic(d) if d.kind == DiagnosisKind::NotHttp)),
    ];
    let c = Context { have_cached_copy: true, ..ctx() };
    let req = get("http://example.org/page");
    for (code, headers, check) in rows {
        let outcome = decide_with(&req, *code, headers, &c);
        assert!(check(&outcome), "{code} {headers:?} gave {outcome:?}");
        if let Outcome::Diagnostic(d) = &outcome {
            assert_eq!(d.code, Some(*code));
            assert!(d.title.contains(&code.to_string()), "{}", d.title);
            assert!(!d.explanation.is_empty() && !d.advice.is_empty());
            assert_eq!(d.url, req.url);
            let last = d.chain.last().expect("the request is in the chain");
            assert_eq!((&last.url, last.status), (&req.url, *code));
        }
    }
}

#[test]
fn explain_covers_the_listed_codes() {
    let codes = [
        200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404,
        405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 425, 426, 428, 429, 431,
        451, 500, 501, 502, 503, 504, 505,
    ];
    for code in codes {
        let e = explain(code);
        assert_eq!(e.treated_as, None, "{code} should be recognised");
        assert!(!e.reason.is_empty() && !e.modern.is_empty(), "{code}");
    }
    assert_eq!(explain(404).reason, "Not Found");
    assert_eq!(explain(413).reason, "Content Too Large");
    assert!(explain(502).differs_in_1992);
    assert!(explain(503).in_1992.is_some_and(|s| s.contains("Gateway timeout")));
    assert!(!explain(404).differs_in_1992);
    for (code, class) in [(150, 100), (299, 200), (399, 300), (499, 400), (599, 500)] {
        assert_eq!(explain(code).treated_as, Some(class), "{code}");
    }
    assert_eq!(explain(99).treated_as, None);
    assert_eq!(explain(600).reason, "Not HTTP");
}

#[test]
fn created_in_the_1992_form_names_the_uri_in_the_reason_phrase() {
    let head = ResponseHead::new(201, "http://example.org/doc/9");
    let o = decide(&post("http://example.org/new"), &head, b"", &ctx());
    let expected = Some(u("http://example.org/doc/9"));
    assert_eq!(o, Outcome::Show { note: Some(StatusNote::Created { location: expected }) });
    let plain = decide(&post("http://example.org/new"), &ResponseHead::new(201, "Created"), b"", &ctx());
    assert_eq!(plain, Outcome::Show { note: Some(StatusNote::Created { location: None }) });
}

#[test]
fn post_then_301_or_302_becomes_get_without_body() {
    for code in [301, 302] {
        let r =
            redirect(decide_with(&post("http://example.org/form"), code, &[("Location", "/done")], &ctx()));
        assert_eq!((r.method.clone(), r.keep_body, r.ask_before_resend), (Method::Get, false, false));
        assert_eq!(r.next_request().url, u("http://example.org/done"));
    }
}

#[test]
fn put_then_301_keeps_the_method_and_asks() {
    let req = RequestInfo { method: Method::Put, ..post("http://example.org/doc") };
    let r = redirect(decide_with(&req, 301, &[("Location", "/doc2")], &ctx()));
    assert_eq!((r.method, r.keep_body, r.ask_before_resend), (Method::Put, true, true));
}

#[test]
fn post_then_307_or_308_keeps_post_and_asks_before_resending() {
    for code in [307, 308] {
        let r =
            redirect(decide_with(&post("http://example.org/form"), code, &[("Location", "/form2")], &ctx()));
        assert_eq!(r.method, Method::Post);
        assert!(r.keep_body && r.ask_before_resend, "{code}");
        assert!(r.next_request().has_body);
    }
}

#[test]
fn see_other_is_always_get_except_head() {
    let r = redirect(decide_with(&post("http://example.org/form"), 303, &[("Location", "/r")], &ctx()));
    assert_eq!((r.method, r.keep_body, r.ask_before_resend), (Method::Get, false, false));
    let head_req = RequestInfo { method: Method::Head, ..get("http://example.org/x") };
    let r = redirect(decide_with(&head_req, 303, &[("Location", "/r")], &ctx()));
    assert_eq!(r.method, Method::Head);
}

#[test]
fn relative_location_is_resolved_against_the_request_url() {
    let req = get("http://example.org/dir/page?q=1#sec");
    let cases = [
        ("other", "http://example.org/dir/other#sec"),
        ("../up", "http://example.org/up#sec"),
        ("/abs?x=2", "http://example.org/abs?x=2#sec"),
        ("//cdn.example.org/a", "http://cdn.example.org/a#sec"),
        ("/keep#own", "http://example.org/keep#own"),
        ("  https://example.org/s  ", "https://example.org/s#sec"),
    ];
    for (loc, want) in cases {
        let r = redirect(decide_with(&req, 302, &[("Location", loc)], &ctx()));
        assert_eq!(r.to.as_str(), want, "{loc}");
        assert_eq!(r.source, TargetSource::Location);
    }
}

#[test]
fn missing_or_malformed_location_is_diagnosed() {
    let d = diagnosis(run(302, &[]));
    assert_eq!(d.kind, DiagnosisKind::MissingLocation);
    for bad in ["http://[::1/", "http://exa mple.org/", "http://host:99999/", "", "/a\u{1b}[2J"] {
        let d = diagnosis(run(301, &[("Location", bad)]));
        match d.kind {
            DiagnosisKind::BadLocation { raw } => assert!(!raw.contains('\u{1b}'), "{raw:?}"),
            other => panic!("{bad:?} gave {other:?}"),
        }
    }
    let d = diagnosis(run(302, &[("Location", "/a"), ("Location", "/b")]));
    assert!(matches!(d.kind, DiagnosisKind::BadLocation { .. }));
}

#[test]
fn the_1992_uri_header_line_is_honoured_without_location() {
    let r = redirect(run(301, &[("URI", "<http://new.example.org/doc> The new home")]));
    assert_eq!(r.to, u("http://new.example.org/doc"));
    assert_eq!(r.source, TargetSource::UriHeader { comment: "The new home".to_string() });
    assert!(r.offer_relink && r.strip_credentials);

    let r = redirect(run(302, &[("uri", "/mirror/doc")]));
    assert_eq!(r.to, u("http://example.org/mirror/doc"));

    let r = redirect(run(302, &[("Location", "/loc"), ("URI", "<http://elsewhere.org/>")]));
    assert_eq!(r.to.path(), "/loc", "Location wins over URI:");
}

#[test]
fn several_uri_lines_give_a_choice() {
    let o = run(
        302,
        &[
            ("URI", "<http://a.example.org/doc> In English"),
            ("URI", "<http://b.example.org/doc> En français"),
            ("URI", "<file:///etc/passwd> local"),
        ],
    );
    let Outcome::Choose { status, alternatives, .. } = o else {
        panic!("expected a choice, got {o:?}");
    };
    assert_eq!(status, 302);
    let got: Vec<(&str, &str)> = alternatives.iter().map(|c| (c.url.as_str(), c.comment.as_str())).collect();
    assert_eq!(
        got,
        [("http://a.example.org/doc", "In English"), ("http://b.example.org/doc", "En français")]
    );
}

#[test]
fn the_1992_method_body_of_a_303() {
    let req = post("http://example.org/query");
    let body = b"Method: GET /result?id=4\r\n\r\nparameters";
    let r = redirect(decide(&req, &resp(303, &[]), body, &ctx()));
    assert_eq!((r.to.as_str(), r.method.clone()), ("http://example.org/result?id=4", Method::Get));
    assert_eq!(r.source, TargetSource::MethodBody);

    let body = b"Method: POST http://example.org/search\r\n\r\nq=cats";
    let d = diagnosis(decide(&req, &resp(303, &[]), body, &ctx()));
    assert_eq!(
        d.kind,
        DiagnosisKind::MethodNotAutomatic {
            method: "POST".to_string(),
            target: u("http://example.org/search")
        }
    );

    let d = diagnosis(decide(&req, &resp(303, &[]), b"<html>see elsewhere</html>", &ctx()));
    assert_eq!(d.kind, DiagnosisKind::MissingLocation);
}

fn hop(url: &str, status: u16) -> Hop {
    Hop { url: u(url), method: Method::Get, status }
}

#[test]
fn a_loop_is_the_whole_url_again_query_included() {
    let c = Context { chain: vec![hop("http://example.org/a", 302)], ..ctx() };
    let d = diagnosis(decide_with(&get("http://example.org/b"), 302, &[("Location", "/a")], &c));
    assert_eq!(d.kind, DiagnosisKind::RedirectLoop { target: u("http://example.org/a") });
    let codes: Vec<(&str, u16)> = d.chain.iter().map(|h| (h.url.path(), h.status)).collect();
    assert_eq!(codes, [("/a", 302), ("/b", 302)]);

    // To itself, fragment ignored.
    let d =
        diagnosis(decide_with(&get("http://example.org/c?n=1"), 307, &[("Location", "/c?n=1#x")], &ctx()));
    assert!(matches!(d.kind, DiagnosisKind::RedirectLoop { .. }));

    // A countdown through the query is no loop.
    let c = Context {
        chain: vec![hop("http://example.org/c?n=5", 302), hop("http://example.org/c?n=4", 302)],
        ..ctx()
    };
    let r = redirect(decide_with(&get("http://example.org/c?n=3"), 302, &[("Location", "/c?n=2")], &c));
    assert_eq!(r.to.as_str(), "http://example.org/c?n=2");

    // POST then 303 to the same address fetched with GET is no loop.
    let r = redirect(decide_with(&post("http://example.org/form"), 303, &[("Location", "/form")], &ctx()));
    assert_eq!(r.method, Method::Get);
}

#[test]
fn at_most_twenty_redirects() {
    let chain =
        |n: usize| -> Vec<Hop> { (0..n).map(|i| hop(&format!("http://example.org/h/{i}"), 302)).collect() };
    let c = Context { chain: chain(19), ..ctx() };
    assert_eq!(c.max_hops, 20);
    redirect(decide_with(&get("http://example.org/h/19"), 302, &[("Location", "/h/20")], &c));

    let c = Context { chain: chain(20), ..ctx() };
    let d = diagnosis(decide_with(&get("http://example.org/h/20"), 302, &[("Location", "/h/21")], &c));
    assert_eq!(d.kind, DiagnosisKind::TooManyRedirects { limit: 20, target: u("http://example.org/h/21") });
    assert_eq!(d.chain.len(), 21);

    let mut c = ctx();
    let req = get("http://example.org/start");
    c.followed(&req, 301);
    assert_eq!(c.chain, vec![Hop { url: req.url, method: Method::Get, status: 301 }]);
}

#[test]
fn credentials_are_stripped_for_another_origin() {
    let req = get("http://example.org/a");
    let cases = [
        ("/b", false),
        ("http://EXAMPLE.org:80/b", false),
        ("http://other.org/b", true),
        ("http://example.org:8080/b", true),
        ("https://example.org/b", true),
        ("http://sub.example.org/b", true),
    ];
    for (loc, strip) in cases {
        let r = redirect(decide_with(&req, 302, &[("Location", loc)], &ctx()));
        assert_eq!(r.strip_credentials, strip, "{loc}");
        assert!(!r.downgrade);
    }
}

#[test]
fn https_to_http_is_flagged_as_a_downgrade() {
    let r = redirect(decide_with(
        &get("https://example.org/a"),
        301,
        &[("Location", "http://example.org/a")],
        &ctx(),
    ));
    assert!(r.downgrade && r.strip_credentials);
    assert!(r.status_message().contains("no longer encrypted"));
    let r = redirect(decide_with(
        &get("http://example.org/a"),
        301,
        &[("Location", "https://example.org/a")],
        &ctx(),
    ));
    assert!(!r.downgrade);
}

#[test]
fn redirects_to_other_schemes_are_refused() {
    for loc in ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/x", "mailto:a@b.org"] {
        let d = diagnosis(run(302, &[("Location", loc)]));
        assert!(
            matches!(&d.kind, DiagnosisKind::RefusedScheme { target } if target.as_str() == loc),
            "{loc}: {:?}",
            d.kind
        );
    }
    let d = diagnosis(run(301, &[("URI", "<file:///etc/passwd>")]));
    assert!(matches!(d.kind, DiagnosisKind::RefusedScheme { .. }));
}

#[test]
fn other_3xx_codes() {
    let d = diagnosis(run(305, &[("Location", "http://proxy.example.org:3128/")]));
    assert_eq!(d.kind, DiagnosisKind::UseProxy);
    let o = run(300, &[("Location", "/en"), ("URI", "</fr> French"), ("URI", "</en> dup")]);
    let Outcome::Choose { alternatives, .. } = o else {
        panic!("expected a choice, got {o:?}");
    };
    let paths: Vec<&str> = alternatives.iter().map(|c| c.url.path()).collect();
    assert_eq!(paths, ["/en", "/fr"]);
}

fn ask(challenges: &[&str], attempts: u32) -> Outcome {
    let headers: Vec<(&str, &str)> = challenges.iter().map(|c| ("WWW-Authenticate", *c)).collect();
    let c = Context { auth_attempts: attempts, ..ctx() };
    decide_with(&get("http://example.org/private"), 401, &headers, &c)
}

fn realm_of(o: Outcome) -> Option<String> {
    match o {
        Outcome::AskCredentials { realm, on_cancel, .. } => {
            assert!(matches!(on_cancel.kind, DiagnosisKind::AuthRequired { .. }));
            realm
        }
        other => panic!("expected a credentials prompt, got {other:?}"),
    }
}

#[test]
fn unauthorized_with_a_basic_challenge_asks_for_credentials() {
    assert_eq!(realm_of(ask(&["Basic realm=\"Staff only\""], 0)), Some("Staff only".to_string()));
    assert_eq!(realm_of(ask(&["basic realm=Staff"], 0)), Some("Staff".to_string()));
    assert_eq!(
        realm_of(ask(&["Basic realm=\"a \\\"q\\\", b\", charset=\"UTF-8\""], 2)),
        Some("a \"q\", b".to_string())
    );
    assert_eq!(
        realm_of(ask(&["Digest realm=\"d\", nonce=\"n\"", "Basic realm=\"b\""], 0)),
        Some("b".to_string())
    );
    assert_eq!(realm_of(ask(&["Digest realm=\"d\", Basic realm=\"b\""], 0)), Some("b".to_string()));
    assert_eq!(realm_of(ask(&["Basic"], 0)), None);
}

#[test]
fn unauthorized_without_a_basic_challenge_is_diagnosed() {
    let d = diagnosis(ask(&[], 0));
    assert_eq!(d.kind, DiagnosisKind::AuthUnsupported { schemes: vec![] });
    let d = diagnosis(ask(&["Digest realm=\"d\", nonce=\"n\"", "Bearer"], 0));
    assert_eq!(d.kind, DiagnosisKind::AuthUnsupported { schemes: vec!["Digest".into(), "Bearer".into()] });
    let d = diagnosis(ask(&["Basic realm=\"x\""], MAX_AUTH_ATTEMPTS));
    assert_eq!(d.kind, DiagnosisKind::AuthFailed { attempts: 3 });
}

#[test]
fn retry_after_as_seconds_and_as_http_date() {
    let retry = |v: &str| diagnosis(run(503, &[("Retry-After", v)])).retry_after;
    assert_eq!(retry("120"), Some(Duration::from_secs(120)));
    assert_eq!(retry(" 0 "), Some(Duration::ZERO));
    assert_eq!(retry("Sun, 09 Sep 2001 01:48:10 GMT"), Some(Duration::from_secs(90)));
    assert_eq!(retry("Sun, 09 Sep 2001 01:00:00 GMT"), Some(Duration::ZERO), "in the past");
    assert_eq!(retry("soon"), None);
    assert_eq!(retry("-5"), None);
    assert_eq!(diagnosis(run(503, &[])).retry_after, None);
    assert_eq!(diagnosis(run(429, &[("Retry-After", "7")])).retry_after, Some(Duration::from_secs(7)));
}

#[test]
fn not_modified_needs_a_cached_copy() {
    let cached = Context { have_cached_copy: true, ..ctx() };
    assert_eq!(decide_with(&get("http://example.org/p"), 304, &[], &cached), Outcome::NotModified);
    let d = diagnosis(run(304, &[]));
    assert_eq!(d.kind, DiagnosisKind::UnsolicitedNotModified);
}

#[test]
fn advice_depends_on_where_the_navigation_came_from() {
    let typed = RequestInfo { typed_by_user: true, ..get("http://example.org/x") };
    let d = diagnosis(decide_with(&typed, 404, &[], &ctx()));
    assert!(d.advice.contains("typing"));
    let d = diagnosis(run(404, &[]));
    assert!(d.advice.contains("link"));
}

#[test]
fn server_reason_phrase_is_shown_when_it_differs_and_cleaned() {
    let head = ResponseHead::new(404, "No such \u{1b}[31mpage");
    let d = diagnosis(decide(&get("http://example.org/x"), &head, b"", &ctx()));
    assert!(d.explanation.contains("No such [31mpage"), "{}", d.explanation);
    assert!(!d.explanation.contains('\u{1b}'));
}

#[test]
fn transport_failures_are_diagnosed() {
    let url = u("https://example.org:8443/x");
    let chain = [hop("http://example.org/x", 301)];
    let failures = [
        TransportFailure::Dns("no such host".into()),
        TransportFailure::Refused("connection refused".into()),
        TransportFailure::Timeout("read".into()),
        TransportFailure::Tls(Box::new(TlsFailure::other("example.org:8443", "handshake failure"))),
        TransportFailure::ProxyUnreachable { proxy: "127.0.0.1:3128".into(), detail: "refused".into() },
        TransportFailure::Undecodable("the body is encoded as 'compress'".into()),
        TransportFailure::TooLarge { limit: 50 * 1024 * 1024 },
        TransportFailure::Protocol("bad status line".into()),
        TransportFailure::Io("reset".into()),
        TransportFailure::Cancelled,
    ];
    for f in failures {
        let d = diagnose_transport(&url, &f, &chain);
        assert!(d.is_transport() && d.code.is_none());
        assert!(!d.title.is_empty() && !d.explanation.is_empty() && !d.advice.is_empty(), "{f:?}");
        assert_eq!((d.url.clone(), d.chain.len()), (url.clone(), 1));
    }
    let d = diagnose_transport(
        &url,
        &TransportFailure::Tls(Box::new(TlsFailure::other("example.org:8443", "handshake failure"))),
        &[],
    );
    assert!(d.explanation.contains("handshake failure"));
    let proxy = TransportFailure::ProxyUnreachable { proxy: "127.0.0.1:3128".into(), detail: String::new() };
    let d = diagnose_transport(&url, &proxy, &[]);
    assert!(d.title.contains("Proxy") && d.explanation.contains("127.0.0.1:3128"), "{d:?}");
    let d = diagnose_transport(&url, &TransportFailure::Refused(String::new()), &[]);
    assert!(d.explanation.contains("port 8443"));
    let d = diagnose_transport(&url, &TransportFailure::TooLarge { limit: 50 * 1024 * 1024 }, &[]);
    assert!(d.explanation.contains("50.0 MiB"));
    assert!(!diagnosis(run(404, &[])).is_transport());
}

#[test]
fn comparing_urls() {
    let n = |s: &str| normalize_for_compare(&u(s));
    assert_eq!(n("HTTP://Example.COM:80"), "http://example.com/");
    assert_eq!(n("https://example.com:443/a?b=1#frag"), "https://example.com/a?b=1");
    assert_ne!(n("http://example.com/a?b=1"), n("http://example.com/a?b=2"));
    assert_eq!(n("http://example.com:8080/"), "http://example.com:8080/");
    assert!(same_origin(&u("http://a.org/x"), &u("http://A.org:80/y")));
    assert!(!same_origin(&u("http://a.org/"), &u("https://a.org/")));
    assert!(!same_origin(&u("http://a.org/"), &u("http://a.org:81/")));
}

#[test]
fn method_names() {
    assert_eq!(Method::parse("POST"), Method::Post);
    assert_eq!(Method::parse("get"), Method::Other("get".into()));
    assert_eq!(Method::parse("PATCH").to_string(), "PATCH");
    assert!(Method::Head.is_safe() && !Method::Delete.is_safe());
}

#[test]
fn no_status_and_no_header_value_makes_it_panic() {
    let odd: &[(&str, &str)] = &[
        ("Location", "\u{0}"),
        ("URI", "<"),
        ("URI", "< > x"),
        ("WWW-Authenticate", "\"\\"),
        ("WWW-Authenticate", "=,=,Basic realm"),
        ("Retry-After", "99999999999999999999999"),
    ];
    let bodies: [&[u8]; 3] = [b"", b"Method:", b"\xff\xfeMethod: GET \xff"];
    let req = post("https://example.org/");
    for status in 0..=1000u16 {
        for body in bodies {
            let _ = decide(&req, &resp(status, odd), body, &ctx());
            let _ = decide(&req, &resp(status, &odd[1..]), body, &ctx());
        }
    }
}
