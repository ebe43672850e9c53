//! The status and redirect policy with arbitrary response heads: a status code, a method
//! and a chain from the first bytes, then `Name: value` lines. No panic, whatever comes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use margay::policy::{self, Context, Method, RequestInfo, ResponseHead};

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let status = u16::from_be_bytes([data[0], data[1]]) % 1000;
    let method = match data[2] % 6 {
        0 => Method::Get,
        1 => Method::Head,
        2 => Method::Post,
        3 => Method::Put,
        4 => Method::Delete,
        _ => Method::Other("PROPFIND".into()),
    };
    let flags = data[3];
    let text = String::from_utf8_lossy(&data[4..]);
    let (head_text, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let headers = head_text
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect::<Vec<_>>();
    let head = ResponseHead { status, reason: String::new(), headers };
    let url = url::Url::parse(if flags & 1 == 0 {
        "http://127.0.0.1:8080/a/b?c"
    } else {
        "https://user:pw@example.com/"
    })
    .unwrap();
    let req = RequestInfo { url, method, has_body: flags & 2 != 0, typed_by_user: flags & 4 != 0 };
    let mut ctx = Context {
        have_cached_copy: flags & 8 != 0,
        auth_attempts: u32::from(flags >> 5),
        ..Context::default()
    };
    for _ in 0..(flags >> 4 & 3) {
        ctx.followed(&req, 302);
    }
    let _ = policy::decide(&req, &head, body.as_bytes(), &ctx);
    for (_, value) in &head.headers {
        let _ = policy::parse_challenges([value.as_str()]);
        let _ = policy::parse_retry_after(value, ctx.now);
    }
});
