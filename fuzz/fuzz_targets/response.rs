//! Whole responses — status, headers, body — through a navigation: the policy decides, a
//! redirect asks for the next response (up to four in a chain), a page or a diagnostic page
//! is laid out and dumped. No panic, no hang, and nothing that could drive a terminal in a
//! shown page's title, lines or dump.
//!
//! Input: one byte of flags (method, typed by the user, a form body, an https start), then
//! responses separated by NUL bytes, each a three-digit status, `Name: value` lines, a blank
//! line and the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use margay::document::Document;
use margay::navigation::{Navigation, Shown, Step};
use margay::net::{FetchRequest, FetchResponse, Loaded};
use margay::policy::{Method, ResponseHead, TransportFailure};
use std::time::Duration;

const WIDTH: u16 = 80;

fn response(url: &url::Url, bytes: &[u8]) -> FetchResponse {
    // Three digits ("301"); any byte counts as the digit it is modulo 10.
    let digit = |b: u8| u16::from(b.wrapping_sub(b'0') % 10);
    let (status, rest) = match bytes {
        [a, b, c, rest @ ..] => (digit(*a) * 100 + digit(*b) * 10 + digit(*c), rest),
        _ => (200, &[][..]),
    };
    let split = rest.windows(2).position(|w| w == b"\n\n");
    let (head_bytes, body) = match split {
        Some(at) => (&rest[..at], &rest[at + 2..]),
        None => (rest, &[][..]),
    };
    let headers = String::from_utf8_lossy(head_bytes)
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let truncated = body.first().is_some_and(|b| b & 0x80 != 0) && body.len() > 64;
    FetchResponse {
        url: url.clone(),
        head: ResponseHead { status, reason: String::new(), headers },
        body: body.to_vec().into(),
        elapsed: Duration::from_millis(5),
        first_byte: Some(Duration::from_millis(1)),
        truncated,
        proxy: None,
        from_proxy: false,
        sent: Vec::new(),
    }
}

fn check(shown: &Shown) {
    assert!(margay::sanitize::is_clean(&shown.doc.title), "title {:?}", shown.doc.title);
    for width in [WIDTH, 33] {
        let rendered = match (&shown.rendered, width) {
            (Some(r), WIDTH) if r.width == WIDTH => r.clone(),
            _ => shown.doc.render(width),
        };
        for line in &rendered.lines {
            let text = line.text();
            assert!(!text.chars().any(|c| c.is_control()), "control character in {text:?}");
        }
        let dump = margay::document::format_rendered(&rendered);
        assert!(margay::sanitize::is_clean(&dump), "dump not clean: {dump:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let start = if flags & 1 == 0 { "http://127.0.0.1:8080/dir/page?q" } else { "https://127.0.0.1/" };
    let url = url::Url::parse(start).unwrap();
    let mut request = FetchRequest::get(url);
    if flags & 2 != 0 {
        request.method = Method::Post;
        request.body = Some(b"a=1".to_vec());
    } else if flags & 4 != 0 {
        request.method = Method::Head;
    }
    let mut nav = Navigation::with_request(request, flags & 8 != 0);
    let mut answers = rest.split(|&b| b == 0).filter(|s| !s.is_empty()).take(4);
    loop {
        let Some(bytes) = answers.next() else {
            // The connection failed instead: a diagnostic page.
            if let Step::Show(shown) = nav.fail(&TransportFailure::Io("reset".into())) {
                check(&shown);
            }
            return;
        };
        let response = response(&nav.request.url, bytes);
        let page = (!response.body.is_empty())
            .then(|| Document::laid_out(&response.url, response.content_type(), &response.body, WIDTH));
        match nav.step(Loaded {
            response,
            page,
            cached: None,
            cache: margay::net::cache::CacheOutcome::Bypassed,
        }) {
            Step::Fetch(next) => nav.request = next,
            Step::Show(shown) => return check(&shown),
            Step::AskCredentials { on_cancel, .. } => {
                check(&on_cancel);
                nav.request = nav.retry_with("Authorization", "Basic dTpw");
            }
            Step::AskResend { .. } => match nav.resend() {
                Some(next) => nav.request = next,
                None => return,
            },
            Step::Keep { .. } => return,
        }
    }
});
