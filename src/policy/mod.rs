//! Status-code policy: what an HTTP response means for the user.
//!
//! [`decide`] maps the request, the response head, the first bytes of the body and the
//! navigation context to an [`Outcome`]: show the page, keep the current view, follow a
//! redirect, choose between addresses, use the cached copy, ask for credentials, or show a
//! diagnostic page. The TUI and `--dump` both call it, so they cannot disagree.
//!
//! The specification is the 1992 status-code document, with RFC 9110 meanings where the two
//! differ; `docs/design.md` has the contract table and what that document asks.
//! An unrecognised code is treated like the x00 code of its class, as RFC 9110 §15 requires.
//!
//! This module must never do I/O: no network, no disk, no terminal, no ureq types. The only
//! impurity is [`Context::default`], which reads the clock once so that a `Retry-After` date
//! can become a duration; tests set [`Context::now`] themselves.

mod diagnosis;
mod explain;
mod headers;
mod redirect;
mod target;
mod tls;

pub use diagnosis::{diagnose_transport, Diagnosis, DiagnosisKind, TransportFailure};
pub use explain::{explain, Explanation};
pub use headers::{parse_challenges, parse_retry_after, Challenge};
pub use redirect::{Choice, Redirect, RedirectKind};
pub use target::{normalize_for_compare, same_origin, TargetSource};
pub use tls::{CertificateInfo, TlsFailure, TlsProblem};

use std::fmt;
use std::time::SystemTime;
use url::Url;

/// How many redirects one navigation may follow (as many as Firefox and Chrome follow).
pub const DEFAULT_MAX_HOPS: usize = 20;
/// How many times rejected credentials are asked for again before the 401 diagnostic page.
pub const MAX_AUTH_ATTEMPTS: u32 = 3;

/// A request method. HTTP methods are case-sensitive, so `get` is `Other("get")`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Other(String),
}

impl Method {
    pub fn parse(s: &str) -> Method {
        match s {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            other => Method::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Other(s) => s,
        }
    }

    /// Safe methods (RFC 9110 §9.2.1) may be repeated without asking the user.
    pub fn is_safe(&self) -> bool {
        match self {
            Method::Get | Method::Head => true,
            Method::Other(s) => s == "OPTIONS" || s == "TRACE",
            _ => false,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The request a response answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInfo {
    pub url: Url,
    pub method: Method,
    /// The request carried a body (form data).
    pub has_body: bool,
    /// The navigation came from what the user typed or from a local page, not from a remote
    /// page. Only the advice wording depends on it ("check the spelling" vs "the link may be
    /// out of date"); a redirect target is always the server's choice and is judged the same.
    pub typed_by_user: bool,
}

impl RequestInfo {
    /// A GET without body that did not come from the user's typing.
    pub fn get(url: Url) -> RequestInfo {
        RequestInfo { url, method: Method::Get, has_body: false, typed_by_user: false }
    }
}

/// The status line and headers of a response, in the order received.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResponseHead {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
}

impl ResponseHead {
    pub fn new(status: u16, reason: &str) -> ResponseHead {
        ResponseHead { status, reason: reason.to_string(), headers: Vec::new() }
    }

    /// Builder used by tests and the network layer alike.
    pub fn with_header(mut self, name: &str, value: &str) -> ResponseHead {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The first value of a header, name compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every value of a header, in order, name compared case-insensitively.
    pub fn headers_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One request already made in this navigation, and the status it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub url: Url,
    pub method: Method,
    pub status: u16,
}

/// What the caller knows about the navigation beyond this one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The requests made before this one in this navigation, oldest first. It does not
    /// include the request being answered: after following a redirect the caller pushes
    /// that request with [`Context::followed`].
    pub chain: Vec<Hop>,
    /// Redirects allowed per navigation; `chain.len() >= max_hops` stops the next one.
    pub max_hops: usize,
    /// The caller holds a cached copy of this URL (it sent a conditional request).
    pub have_cached_copy: bool,
    /// How many times credentials were already sent for this URL and refused.
    pub auth_attempts: u32,
    /// How many times credentials were already sent to the proxy and refused.
    pub proxy_auth_attempts: u32,
    /// The time `Retry-After` dates are measured from.
    pub now: SystemTime,
}

impl Default for Context {
    /// No chain, 20 hops, no cached copy, no attempts, and the clock read now.
    fn default() -> Context {
        Context {
            chain: Vec::new(),
            max_hops: DEFAULT_MAX_HOPS,
            have_cached_copy: false,
            auth_attempts: 0,
            proxy_auth_attempts: 0,
            now: SystemTime::now(),
        }
    }
}

impl Context {
    /// Record that `req` got `status` and is being followed to the next address.
    pub fn followed(&mut self, req: &RequestInfo, status: u16) {
        self.chain.push(Hop { url: req.url.clone(), method: req.method.clone(), status });
    }
}

/// Something worth a status-line note on a page that is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusNote {
    /// 201: where the new document lives (Location, or the 1992 URI in the reason phrase);
    /// `None` when the server did not say or the address is not http(s).
    Created { location: Option<Url> },
    /// 202: accepted, not yet acted on.
    Accepted,
    /// 203: not the origin server's definitive copy ("Partial Information" in 1992).
    PartialInformation,
    /// 206: only a byte range was sent (margay never asks for one).
    PartialContent,
    /// An unrecognised 2xx code, shown as 200.
    Unrecognized { code: u16 },
}

impl StatusNote {
    /// A one-line message for the status line.
    pub fn message(&self) -> String {
        match self {
            StatusNote::Created { location: Some(u) } => {
                format!("201 Created: the new document is at {u}")
            }
            StatusNote::Created { location: None } => {
                "201 Created (the server did not say where the new document is)".to_string()
            }
            StatusNote::Accepted => "202 Accepted: the request was accepted but not yet acted on".to_string(),
            StatusNote::PartialInformation => {
                "203 Partial information: not the origin server's definitive copy".to_string()
            }
            StatusNote::PartialContent => {
                "206 Partial Content: only part of the document was sent".to_string()
            }
            StatusNote::Unrecognized { code } => {
                format!("{code}: unrecognised success code, shown as 200 OK")
            }
        }
    }
}

/// What to do with a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Show the body as the new page, with an optional status-line note.
    Show { note: Option<StatusNote> },
    /// 204/205: leave the current view exactly as it is (document, scroll, selected link,
    /// typed form values) and do not touch history. `reset_form` (205) asks the UI to clear
    /// the form the request came from.
    KeepView { message: String, reset_form: bool },
    /// Follow to another address; see [`Redirect`] for what the UI must do along the way.
    Redirect(Redirect),
    /// Let the user choose one of several addresses (1992 `URI:` lines, or 300 and unknown
    /// 3xx codes). The server's body, if any, may be shown beneath the list.
    Choose { status: u16, alternatives: Vec<Choice>, explanation: String },
    /// 304 to a conditional request: show the cached copy, merge the new headers.
    NotModified,
    /// 401 (or 407 from a proxy, `for_proxy`) with a Basic challenge: ask for user name and
    /// password and retry with `Authorization: Basic` (`Proxy-Authorization` for a proxy); on
    /// cancel show `on_cancel`. `realm` has control characters removed so it can be shown in
    /// a prompt.
    AskCredentials { scheme: String, realm: Option<String>, on_cancel: Diagnosis, for_proxy: bool },
    /// 402: show the diagnostic page and offer to retry with a `ChargeTo` header the user
    /// types (1992).
    PaymentRequired { diagnosis: Diagnosis },
    /// Every other error, redirect failure and unknown class: a diagnostic page.
    Diagnostic(Diagnosis),
}

/// Decide what a response means for the user. `body_prefix` is the start of the body (a few
/// KB are enough; only the 1992 303 `Method:` form reads it).
pub fn decide(req: &RequestInfo, head: &ResponseHead, body_prefix: &[u8], ctx: &Context) -> Outcome {
    let status = head.status;
    match status {
        100..=199 => diagnostic(req, head, ctx, DiagnosisKind::Interim),
        204 => Outcome::KeepView { message: "204 No Content: page kept".to_string(), reset_form: false },
        205 => Outcome::KeepView {
            message: "205 Reset Content: page kept, form cleared".to_string(),
            reset_form: true,
        },
        200..=299 => Outcome::Show { note: success_note(req, head) },
        300..=399 => redirect::decide_3xx(req, head, body_prefix, ctx),
        401 => authenticate(req, head, ctx, false),
        407 => authenticate(req, head, ctx, true),
        402 => Outcome::PaymentRequired {
            diagnosis: diagnosis::build(req, head, ctx, DiagnosisKind::PaymentRequired),
        },
        400..=599 => {
            let kind = match explain(status).treated_as {
                Some(treated_as) => DiagnosisKind::UnrecognizedStatus { treated_as },
                None => DiagnosisKind::HttpError,
            };
            diagnostic(req, head, ctx, kind)
        }
        _ => diagnostic(req, head, ctx, DiagnosisKind::NotHttp),
    }
}

fn diagnostic(req: &RequestInfo, head: &ResponseHead, ctx: &Context, kind: DiagnosisKind) -> Outcome {
    Outcome::Diagnostic(diagnosis::build(req, head, ctx, kind))
}

fn success_note(req: &RequestInfo, head: &ResponseHead) -> Option<StatusNote> {
    match head.status {
        200 => None,
        201 => Some(StatusNote::Created { location: target::created_location(req, head) }),
        202 => Some(StatusNote::Accepted),
        203 => Some(StatusNote::PartialInformation),
        206 => Some(StatusNote::PartialContent),
        code => Some(StatusNote::Unrecognized { code }),
    }
}

/// 401 and 407: Basic is the one scheme margay speaks. After [`MAX_AUTH_ATTEMPTS`] refusals,
/// or when the server (or proxy) offers no Basic challenge, the diagnostic page says why.
fn authenticate(req: &RequestInfo, head: &ResponseHead, ctx: &Context, for_proxy: bool) -> Outcome {
    let attempts = if for_proxy { ctx.proxy_auth_attempts } else { ctx.auth_attempts };
    if attempts >= MAX_AUTH_ATTEMPTS {
        let kind = DiagnosisKind::AuthFailed { attempts };
        return diagnostic(req, head, ctx, kind);
    }
    let challenge_header = if for_proxy { "proxy-authenticate" } else { "www-authenticate" };
    let challenges = parse_challenges(head.headers_all(challenge_header));
    match challenges.iter().find(|c| c.scheme.eq_ignore_ascii_case("basic")) {
        Some(basic) => {
            let realm = basic.param("realm").map(diagnosis::clean);
            // Credentials in the address go with the request; a proxy's may be in its own.
            let sent = if for_proxy {
                (attempts > 0).then_some(true)
            } else {
                Some(attempts > 0 || !req.url.username().is_empty())
            };
            let kind = DiagnosisKind::AuthRequired { realm: realm.clone(), sent };
            Outcome::AskCredentials {
                scheme: "Basic".to_string(),
                realm,
                on_cancel: diagnosis::build(req, head, ctx, kind),
                for_proxy,
            }
        }
        None => {
            let schemes = challenges.iter().map(|c| diagnosis::clean(&c.scheme)).collect();
            diagnostic(req, head, ctx, DiagnosisKind::AuthUnsupported { schemes })
        }
    }
}
