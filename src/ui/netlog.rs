//! A tab's network log: every request its navigations made (redirects, 304s and retries
//! each their own), with what came back, kept as plain data in the tab, and the pages that
//! show it (`about:network`, and `about:network?request=N` for one request's headers).
//!
//! The log is oldest first, as the network panels of browsers' developer tools list
//! requests: in the order they were made, so that a redirect chain reads from the address
//! asked for down to the page; the page opens at the latest navigation. It is bounded
//! ([`MAX_EXCHANGES`] requests, [`HEADER_BYTES`] of headers each way a request) and never
//! shows a credential: Authorization and Proxy-Authorization keep only their scheme, cookies
//! only their names (`•••` in place of the rest). Nothing here does I/O.

use crate::document::escape_html;
use crate::net::cache::CacheOutcome;
use crate::net::{FetchResponse, Loaded};
use crate::policy::TransportFailure;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::time::Duration;
use url::Url;

/// How many requests a tab's log keeps (the oldest go first).
pub const MAX_EXCHANGES: usize = 500;

/// How many bytes of header lines a request keeps each way (a hostile server's long heads
/// are cut, and say so).
pub const HEADER_BYTES: usize = 16 * 1024;

/// What a credential's value is shown as.
const MASK: &str = "•••";

/// What a request got back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Response {
        status: u16,
        reason: String,
        headers: Vec<(String, String)>,
        cut: usize,
    },
    /// No answer: why, in words.
    Failed(String),
}

/// One request and its answer, as the log keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// Its number in this tab's log, from 1.
    pub id: u64,
    /// The navigation (the redirect chain) it belonged to, numbered in this tab from 1.
    pub navigation: u64,
    pub method: String,
    pub url: Url,
    pub answer: Answer,
    /// The request's header lines as written (empty for a file), and how many were cut.
    pub sent: Vec<(String, String)>,
    pub sent_cut: usize,
    pub cache: Option<CacheOutcome>,
    pub bytes: usize,
    pub first_byte: Option<Duration>,
    pub elapsed: Option<Duration>,
    /// The names of the cookies the answer set.
    pub cookies_set: Vec<String>,
    pub proxy: Option<String>,
}

impl Exchange {
    /// A request that was answered.
    pub fn answered(navigation: u64, method: &str, loaded: &Loaded) -> Exchange {
        let response: &FetchResponse = &loaded.response;
        let (headers, cut) = bounded(&response.head.headers);
        let (sent, sent_cut) = bounded(&response.sent);
        let cookies_set = response
            .head
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| {
                v.split(';').next()?.split_once('=').map(|(name, _)| name.trim().to_string())
            })
            .take(64)
            .collect();
        Exchange {
            id: 0,
            navigation,
            method: method.to_string(),
            url: response.url.clone(),
            answer: Answer::Response {
                status: response.head.status,
                reason: response.head.reason.clone(),
                headers,
                cut,
            },
            sent,
            sent_cut,
            cache: Some(loaded.cache),
            bytes: response.body.len(),
            first_byte: response.first_byte,
            elapsed: Some(response.elapsed),
            cookies_set,
            proxy: response.proxy.clone(),
        }
    }

    /// A request that got no answer.
    pub fn failed(navigation: u64, method: &str, url: &Url, failure: &TransportFailure) -> Exchange {
        let words = crate::policy::diagnose_transport(url, failure, &[]).title;
        Exchange {
            id: 0,
            navigation,
            method: method.to_string(),
            url: url.clone(),
            answer: Answer::Failed(words),
            sent: Vec::new(),
            sent_cut: 0,
            cache: None,
            bytes: 0,
            first_byte: None,
            elapsed: None,
            cookies_set: Vec::new(),
            proxy: None,
        }
    }

    /// "200 OK", or what went wrong.
    pub fn status(&self) -> String {
        match &self.answer {
            Answer::Response { status, reason, .. } if reason.is_empty() => status.to_string(),
            Answer::Response { status, reason, .. } => format!("{status} {reason}"),
            Answer::Failed(words) => format!("no answer: {words}"),
        }
    }
}

/// The header lines that fit in [`HEADER_BYTES`], and how many did not.
fn bounded(headers: &[(String, String)]) -> (Vec<(String, String)>, usize) {
    let mut kept = Vec::new();
    let mut bytes = 0;
    for (name, value) in headers {
        bytes += name.len() + value.len() + 4;
        if bytes > HEADER_BYTES {
            break;
        }
        kept.push((name.clone(), value.clone()));
    }
    let cut = headers.len() - kept.len();
    (kept, cut)
}

/// A tab's log: its last [`MAX_EXCHANGES`] requests, oldest first.
#[derive(Debug, Default)]
pub struct NetLog {
    exchanges: VecDeque<Exchange>,
    last_id: u64,
    last_navigation: u64,
}

impl NetLog {
    /// A number for a navigation about to make its first request.
    pub fn new_navigation(&mut self) -> u64 {
        self.last_navigation += 1;
        self.last_navigation
    }

    pub fn record(&mut self, mut exchange: Exchange) {
        self.last_id += 1;
        exchange.id = self.last_id;
        self.exchanges.push_back(exchange);
        if self.exchanges.len() > MAX_EXCHANGES {
            self.exchanges.pop_front();
        }
    }

    /// The requests kept, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Exchange> {
        self.exchanges.iter()
    }

    pub fn get(&self, id: u64) -> Option<&Exchange> {
        self.exchanges.iter().find(|e| e.id == id)
    }

    pub fn len(&self) -> usize {
        self.exchanges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.exchanges.is_empty()
    }
}

/// The id of the heading of the latest navigation, where the log page opens.
pub const LATEST: &str = "latest";

/// The address of one request's page.
pub fn request_address(id: u64) -> String {
    format!("about:network?request={id}")
}

/// Which request an `about:network?request=N` address names.
pub fn requested_id(url: &Url) -> Option<u64> {
    url.query_pairs().find(|(k, _)| k == "request").and_then(|(_, v)| v.parse().ok())
}

fn millis(d: Option<Duration>) -> String {
    d.map_or_else(|| "-".to_string(), |d| format!("{} ms", d.as_millis()))
}

/// What a request got, in two lines: status, cache and size; then timing, cookies, proxy
/// (apart, so that the first line wraps the same way whatever the times).
fn summary(e: &Exchange) -> (String, String) {
    let mut first = vec![e.status()];
    let mut second = Vec::new();
    if let Some(cache) = e.cache {
        first.push(format!("cache: {cache}"));
    }
    if matches!(e.answer, Answer::Response { .. }) {
        first.push(format!("{} bytes", e.bytes));
        second.push(format!("first byte {}, all {}", millis(e.first_byte), millis(e.elapsed)));
    }
    if !e.cookies_set.is_empty() {
        second.push(format!("cookies set: {}", e.cookies_set.join(", ")));
    }
    if let Some(proxy) = &e.proxy {
        second.push(format!("proxy: {proxy}"));
    }
    (first.join(" · "), second.join(" · "))
}

fn summary_html(e: &Exchange) -> String {
    let (first, second) = summary(e);
    if second.is_empty() {
        escape_html(&first)
    } else {
        format!("{}<br>{}", escape_html(&first), escape_html(&second))
    }
}

/// The log page: each navigation a heading, under it its requests in the order they were
/// made, each a link to its headers.
pub fn log_html(log: &NetLog) -> String {
    let mut html = String::from("<!DOCTYPE html><title>Network log</title><h1>Network log</h1>\n");
    let _ = writeln!(
        html,
        "<p>Every request of this tab, oldest first ({} kept at most), each navigation with its \
         redirects. Enter on a request shows its headers; Left goes back.</p>",
        MAX_EXCHANGES
    );
    if log.is_empty() {
        html.push_str("<p>No requests yet in this tab.</p>\n");
        return html;
    }
    let latest = log.iter().last().map(|e| e.navigation);
    let mut navigation = None;
    for e in log.iter() {
        if navigation != Some(e.navigation) {
            if navigation.is_some() {
                html.push_str("</ul>\n");
            }
            navigation = Some(e.navigation);
            let id = if Some(e.navigation) == latest { format!(" id=\"{LATEST}\"") } else { String::new() };
            let _ = writeln!(
                html,
                "<h2{id}>Navigation {}: {}</h2>\n<ul>",
                e.navigation,
                escape_html(&crate::sanitize::display_url(&e.url))
            );
        }
        let _ = writeln!(
            html,
            "<li><a href=\"{}\">{} {}</a><br>{}</li>",
            request_address(e.id),
            escape_html(&e.method),
            escape_html(&crate::sanitize::display_url(&e.url)),
            summary_html(e)
        );
    }
    html.push_str("</ul>\n");
    html
}

/// One request's page: what it was, what came back, and both heads' lines, credentials
/// masked.
pub fn exchange_html(log: &NetLog, id: u64) -> String {
    let Some(e) = log.get(id) else {
        return format!(
            "<!DOCTYPE html><title>Request {id}</title><h1>Request {id}</h1>\n<p>Request {id} is not in \
             this tab's network log (it keeps the last {MAX_EXCHANGES}). \
             <a href=\"about:network\">The network log</a></p>\n"
        );
    };
    let mut html = format!("<!DOCTYPE html><title>Request {id}</title><h1>Request {id}</h1>\n");
    let _ = writeln!(
        html,
        "<p>{} {}<br>of navigation {} · <a href=\"about:network\">the network log</a></p>",
        escape_html(&e.method),
        escape_html(&crate::sanitize::display_url(&e.url)),
        e.navigation
    );
    let _ = writeln!(html, "<p>{}</p>", summary_html(e));
    html.push_str("<h2>Request headers</h2>\n");
    if e.sent.is_empty() {
        html.push_str("<p>None seen: no request was written (a file, or no connection).</p>\n");
    } else {
        html.push_str(&headers_html(&e.sent, e.sent_cut));
    }
    if let Answer::Response { headers, cut, .. } = &e.answer {
        html.push_str("<h2>Response headers</h2>\n");
        html.push_str(&headers_html(headers, *cut));
    }
    html
}

fn headers_html(headers: &[(String, String)], cut: usize) -> String {
    let mut html = String::from("<pre>");
    for (name, value) in headers {
        let _ = writeln!(html, "{}: {}", escape_html(name), escape_html(&masked(name, value)));
    }
    if cut > 0 {
        let _ = writeln!(html, "({cut} more header lines, not kept)");
    }
    html.push_str("</pre>\n");
    html
}

/// A header's value as the log shows it: credentials and cookie values masked.
pub fn masked(name: &str, value: &str) -> String {
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    if is("authorization") || is("proxy-authorization") {
        // The scheme says what kind of credential it was; the rest is the secret.
        return match value.trim().split_once(' ') {
            Some((scheme, _)) => format!("{scheme} {MASK}"),
            None => MASK.to_string(),
        };
    }
    if is("cookie") {
        return value
            .split(';')
            .map(|pair| match pair.trim().split_once('=') {
                Some((name, _)) => format!("{name}={MASK}"),
                None => MASK.to_string(),
            })
            .collect::<Vec<_>>()
            .join("; ");
    }
    if is("set-cookie") {
        // The attributes (Path, Expires, HttpOnly …) are no secret; the value is.
        let (pair, attributes) = value.split_once(';').map_or((value, None), |(p, a)| (p, Some(a)));
        let name = pair.split_once('=').map_or("", |(n, _)| n.trim());
        return match attributes {
            Some(attributes) => format!("{name}={MASK};{attributes}"),
            None => format!("{name}={MASK}"),
        };
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_masked_and_the_rest_is_not() {
        assert_eq!(masked("Authorization", "Basic dTpw"), "Basic •••");
        assert_eq!(masked("proxy-authorization", "Basic dTpw"), "Basic •••");
        assert_eq!(masked("Cookie", "a=1; b=two"), "a=•••; b=•••");
        assert_eq!(masked("Set-Cookie", "session=abc; Path=/; HttpOnly"), "session=•••; Path=/; HttpOnly");
        assert_eq!(masked("Set-Cookie", "session=abc"), "session=•••");
        assert_eq!(masked("Content-Type", "text/html"), "text/html");
    }

    #[test]
    fn the_log_keeps_the_last_requests_only() {
        let mut log = NetLog::default();
        let url = Url::parse("http://127.0.0.1/").unwrap();
        for _ in 0..MAX_EXCHANGES + 3 {
            let n = log.new_navigation();
            log.record(Exchange::failed(n, "GET", &url, &TransportFailure::Refused(String::new())));
        }
        assert_eq!(log.len(), MAX_EXCHANGES);
        assert_eq!(log.iter().next().map(|e| e.id), Some(4));
        assert!(log.get(3).is_none() && log.get(4).is_some());
        assert!(exchange_html(&log, 3).contains("is not in this tab's network log"));
    }

    #[test]
    fn long_heads_are_cut_and_say_so() {
        let headers: Vec<_> = (0..100).map(|i| (format!("X-{i}"), "v".repeat(1000))).collect();
        let (kept, cut) = bounded(&headers);
        assert!(kept.len() < 20 && cut == 100 - kept.len());
        assert!(headers_html(&kept, cut).contains("more header lines, not kept"));
    }
}
