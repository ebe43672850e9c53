//! Diagnoses: the content of a diagnostic page, for HTTP errors, failed redirects, refused
//! or unsupported authentication, and transport failures (DNS, refused, timeout, TLS …).
//!
//! A [`Diagnosis`] says what happened and what to try in plain words, with the code's modern
//! and (where it differs) 1992 meaning, the URL and the chain. Rendering it, with the response
//! headers and the server's body, is `document`'s job. Text that came from the network is
//! passed through [`clean`] so it cannot carry terminal control sequences.

use super::explain::{explain, Explanation};
use super::headers::parse_retry_after;
use super::{Context, Hop, RequestInfo, ResponseHead};
use std::time::Duration;
use url::Url;

/// What went wrong, for the caller to act on (retry keys, exit codes, links to offer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiagnosisKind {
    /// A recognised 4xx or 5xx.
    HttpError,
    /// An unrecognised code, treated as the x00 of its class.
    UnrecognizedStatus { treated_as: u16 },
    /// A status below 100 or above 599.
    NotHttp,
    /// A 1xx given as the final answer.
    Interim,
    /// 300 (or an unrecognised 3xx) with no address to offer; the server's body has the list.
    MultipleChoices,
    /// 305 Use Proxy, refused.
    UseProxy,
    /// A redirect without Location, `URI:` line or 303 `Method:` body.
    MissingLocation,
    /// A redirect target that is not a valid address (the raw value, cleaned).
    BadLocation { raw: String },
    /// A redirect to a scheme other than http(s), such as file://.
    RefusedScheme { target: Url },
    /// The target was already requested, with the same method, in this navigation.
    RedirectLoop { target: Url },
    /// The hop limit was reached; `target` is where the next hop would have gone.
    TooManyRedirects { limit: usize, target: Url },
    /// A 1992 303 `Method:` body asking for a method other than GET (see `redirect.rs`).
    MethodNotAutomatic { method: String, target: Url },
    /// A 304 though margay had no cached copy.
    UnsolicitedNotModified,
    /// 401, shown when the user cancels the credentials prompt.
    /// `sent`: credentials went with the request (and were refused), or `None` when margay
    /// cannot know (a proxy's address may carry them).
    AuthRequired { realm: Option<String>, sent: Option<bool> },
    /// 401 without a Basic challenge; the schemes offered instead.
    AuthUnsupported { schemes: Vec<String> },
    /// 401 after credentials were refused this many times.
    AuthFailed { attempts: u32 },
    /// 402; the UI offers a retry with a `ChargeTo` header.
    PaymentRequired,
    /// No HTTP answer at all.
    Transport(TransportFailure),
}

/// A failure below HTTP: there is no response to decide about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportFailure {
    Dns(String),
    Refused(String),
    Timeout(String),
    /// The TLS connection was refused: why, and the certificate presented.
    Tls(Box<super::tls::TlsFailure>),
    /// The proxy itself could not be reached (`proxy` is its `host:port`).
    ProxyUnreachable {
        proxy: String,
        detail: String,
    },
    /// The body's content coding is unknown, or its data is not valid for it.
    Undecodable(String),
    /// A local file or directory could not be read.
    File(String),
    /// An address margay does not open (another scheme).
    Unsupported(String),
    /// The proxy setting that would carry the request cannot be used.
    ProxyUnusable(String),
    /// The body exceeded the size limit, in bytes.
    TooLarge {
        limit: u64,
    },
    /// The answer was not valid HTTP.
    Protocol(String),
    /// The answer's head (status line and headers) was larger than margay reads: too many
    /// header lines, or too many bytes; what was exceeded.
    HeadTooLarge(String),
    Io(String),
    /// The user pressed Esc.
    Cancelled,
}

impl TransportFailure {
    /// The specific detail behind the failure, in a few words (empty when the kind says all).
    pub fn detail(&self) -> String {
        match self {
            TransportFailure::Dns(d)
            | TransportFailure::Refused(d)
            | TransportFailure::Timeout(d)
            | TransportFailure::Protocol(d)
            | TransportFailure::Undecodable(d)
            | TransportFailure::File(d)
            | TransportFailure::Unsupported(d)
            | TransportFailure::ProxyUnusable(d)
            | TransportFailure::HeadTooLarge(d)
            | TransportFailure::Io(d) => d.trim().to_string(),
            TransportFailure::ProxyUnreachable { proxy, detail } => {
                format!("proxy {proxy}: {}", detail.trim())
            }
            // The title says what was wrong; the detail, which certificate.
            TransportFailure::Tls(failure) => match (&failure.problem, &failure.certificate) {
                (crate::policy::TlsProblem::Other(detail), _) => detail.clone(),
                (_, Some(cert)) => format!("SHA-256 {}", cert.sha256),
                (_, None) => String::new(),
            },
            TransportFailure::TooLarge { limit } => format!("more than {limit} bytes"),
            TransportFailure::Cancelled => String::new(),
        }
    }
}

/// The content of a diagnostic page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// The HTTP status, `None` for transport failures.
    pub code: Option<u16>,
    /// A short title, e.g. "404 Not Found" or "Redirect loop".
    pub title: String,
    /// What happened and what the code means (modern, then 1992 where it differs), in
    /// paragraphs separated by blank lines.
    pub explanation: String,
    /// What the user can try.
    pub advice: String,
    pub kind: DiagnosisKind,
    /// From `Retry-After` (seconds, or an HTTP-date measured from `Context::now`).
    pub retry_after: Option<Duration>,
    /// The URL that was requested last.
    pub url: Url,
    /// Every request of this navigation, oldest first, including the last one.
    pub chain: Vec<Hop>,
}

impl Diagnosis {
    /// A transport failure (for `--dump`'s distinct exit codes), not an HTTP answer.
    pub fn is_transport(&self) -> bool {
        matches!(self.kind, DiagnosisKind::Transport(_))
    }
}

/// Remove control characters and cap the length of text that came from the network.
pub(crate) fn clean(s: &str) -> String {
    const MAX: usize = 300;
    let mut out: String = s.chars().filter(|c| !c.is_control()).take(MAX).collect();
    if s.chars().filter(|c| !c.is_control()).nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// The diagnosis of an HTTP response.
pub(crate) fn build(req: &RequestInfo, head: &ResponseHead, ctx: &Context, kind: DiagnosisKind) -> Diagnosis {
    let status = head.status;
    let e = explain(status);
    let standard = format!("{status} {}", e.reason);
    let (title, lead, advice) = describe(&kind, &standard, status, req);
    let mut paragraphs: Vec<String> = lead.into_iter().collect();
    paragraphs.extend(code_meaning(&e, head));
    let mut chain = ctx.chain.clone();
    chain.push(Hop { url: req.url.clone(), method: req.method.clone(), status });
    Diagnosis {
        code: Some(status),
        title,
        explanation: paragraphs.join("\n\n"),
        advice,
        kind,
        retry_after: head.header("retry-after").and_then(|v| parse_retry_after(v, ctx.now)),
        url: req.url.clone(),
        chain,
    }
}

/// The paragraphs about the code itself: today's meaning, the 1992 one where it differs,
/// and the server's own reason phrase when it says something else.
fn code_meaning(e: &Explanation, head: &ResponseHead) -> Vec<String> {
    let mut out = vec![format!("{} {}: {}", e.code, e.reason, e.modern)];
    if let (true, Some(old)) = (e.differs_in_1992, e.in_1992) {
        out.push(format!("In the 1992 status-code document, {}: {old}", e.code));
    }
    let reason = clean(head.reason.trim());
    if !reason.is_empty() && !reason.eq_ignore_ascii_case(e.reason) {
        out.push(format!("The server's own words: \"{reason}\"."));
    }
    out
}

/// Title, an optional leading paragraph, and advice for each kind.
fn describe(
    kind: &DiagnosisKind,
    standard: &str,
    status: u16,
    req: &RequestInfo,
) -> (String, Option<String>, String) {
    use DiagnosisKind as K;
    let plain = |lead: Option<String>| (standard.to_string(), lead, status_advice(status, req));
    match kind {
        K::HttpError | K::UnrecognizedStatus { .. } | K::PaymentRequired => plain(None),
        K::NotHttp => plain(Some(format!(
            "The server answered with status {status}, which is not an HTTP status code."
        ))),
        K::Interim => (
            format!("{standard}, and no final answer"),
            Some("The server sent only an interim (1xx) answer and no final one.".to_string()),
            "Reload to try again; if it keeps happening, the server is broken — tell its owner.".to_string(),
        ),
        K::AuthRequired { realm, sent } => {
            let who = match (status, realm) {
                (407, Some(r)) => format!("The proxy (\"{r}\") needs a user name and password before it passes requests on"),
                (407, None) => "The proxy needs a user name and password before it passes requests on".to_string(),
                (_, Some(r)) => format!("The area \"{r}\" needs a user name and password"),
                (_, None) => "This page needs a user name and password".to_string(),
            };
            let what = match sent {
                Some(true) => "the ones sent were refused",
                Some(false) => "none were sent",
                None => "none were sent, or the ones sent were refused",
            };
            plain(Some(format!("{who}; {what}.")))
        }
        K::MultipleChoices => (
            standard.to_string(),
            Some("The server offers a choice but gave no address margay can follow; its own list, if it sent one, is below.".to_string()),
            "Follow one of the links in the server's page below, or go back.".to_string(),
        ),
        K::UseProxy => (
            format!("{standard}: not followed"),
            Some("The server asks for the request to go through a proxy it names. A server choosing your proxy could read all your traffic, so margay does not do it.".to_string()),
            "If you really need a proxy, configure it yourself.".to_string(),
        ),
        K::MissingLocation => (
            format!("{standard}: no address given"),
            Some("The server says the document is elsewhere but does not say where: no Location header and no 1992 URI: line.".to_string()),
            "Go back; the site is misconfigured, tell its owner.".to_string(),
        ),
        K::BadLocation { raw } => (
            format!("{standard}: unusable address"),
            Some(format!("The server redirects to \"{raw}\", which is not a valid address.")),
            "Go back; the site is misconfigured, tell its owner.".to_string(),
        ),
        K::RefusedScheme { target } => (
            "Redirect refused".to_string(),
            Some(format!("The server tries to send you to {target}, a {}: address. margay follows redirects only to http and https addresses, so that a remote server cannot open local files or other programs.", target.scheme())),
            "If you trust the address, type it yourself.".to_string(),
        ),
        K::RedirectLoop { target } => (
            "Redirect loop".to_string(),
            Some(format!("The server redirects back to {target}, which was already requested in this chain (see below), so following would never end. Cookies or a misconfigured server are the usual cause.")),
            "Try again later, or tell the site's owner.".to_string(),
        ),
        K::TooManyRedirects { limit, target } => (
            "Too many redirects".to_string(),
            Some(format!("The server redirected {limit} times without reaching a document; margay stopped before going on to {target}.")),
            "Try again later, or tell the site's owner.".to_string(),
        ),
        K::MethodNotAutomatic { method, target } => (
            format!("{standard}: asks for {method}"),
            Some(format!("The server asks (1992 'Method:' form) for a {method} request to {target}, with the rest of its answer as parameters. Only GET is safe to do automatically, so nothing was sent.")),
            "Go back, or type the address to fetch it with GET.".to_string(),
        ),
        K::UnsolicitedNotModified => (
            format!("{standard}, but there is no cached copy"),
            Some("The server answered \"not modified: use your copy\", but margay has no copy of this page and did not ask conditionally.".to_string()),
            "Reload; if it happens again, the server is misbehaving.".to_string(),
        ),
        K::AuthUnsupported { schemes } if status == 407 => (
            format!("{standard}: no supported way to log in to the proxy"),
            Some(if schemes.is_empty() {
                "A proxy asks for credentials but does not say how to send them (no Proxy-Authenticate challenge); if no proxy is set, the server itself sent this proxy's answer.".to_string()
            } else {
                format!("The proxy accepts only {} authentication; margay supports Basic.", schemes.join(", "))
            }),
            "Check the proxy settings (http_proxy, https_proxy), or ask the proxy's owner for Basic authentication.".to_string(),
        ),
        K::AuthUnsupported { schemes } => (
            format!("{standard}: no supported way to log in"),
            Some(if schemes.is_empty() {
                "The page needs credentials, but the server does not say how to send them (no WWW-Authenticate challenge).".to_string()
            } else {
                format!("The server accepts only {} authentication; margay supports Basic.", schemes.join(", "))
            }),
            "Use another browser for this site, or ask its owner for another way in.".to_string(),
        ),
        K::AuthFailed { attempts } => (
            format!("{standard}: login refused"),
            Some(format!(
                "The {} refused the user name and password {attempts} times.",
                if status == 407 { "proxy" } else { "server" }
            )),
            "Check them, then reload to try again.".to_string(),
        ),
        K::Transport(f) => {
            let (title, what, advice) = transport_text(f, &req.url);
            (title, Some(what), advice)
        }
    }
}

/// What to try, by status code.
fn status_advice(status: u16, req: &RequestInfo) -> String {
    let s = match status {
        401 => "Reload to be asked for a user name and password again.",
        407 => "Reload to be asked for the proxy's user name and password again, or check the proxy settings (http_proxy, https_proxy).",
        402 => "Retry with a ChargeTo header you type, or go back.",
        403 | 451 => "Go back; if you think you should have access, ask the site's owner.",
        404 if req.typed_by_user => "Check the address for typing mistakes, or try the site's home page.",
        404 => "The link that led here may be out of date; try the site's home page or search for the document.",
        405 | 415 | 422 => "Go back and check the form; if it keeps failing, tell the site's owner.",
        408 => "Reload to try again.",
        410 => "The document will not come back; remove or update bookmarks that point here.",
        413 | 414 | 431 => "Send less: a shorter address, a smaller upload, or fewer cookies.",
        429 => "Wait a while before trying again.",
        503 => "Wait and reload; the server may say how long to wait (Retry-After).",
        501 | 505 => "The server cannot do this; nothing on your side will change that.",
        400..=499 => "Check the address and what you sent, then try again.",
        500..=599 => "The problem is on the server, not on your side. Try again later; if it persists, tell the site's owner.",
        _ => "Go back, or tell the site's owner.",
    };
    s.to_string()
}

/// The diagnosis of a failure below HTTP: no response arrived.
pub fn diagnose_transport(url: &Url, failure: &TransportFailure, chain: &[Hop]) -> Diagnosis {
    let (title, explanation, advice) = transport_text(failure, url);
    Diagnosis {
        code: None,
        title,
        explanation,
        advice,
        kind: DiagnosisKind::Transport(failure.clone()),
        retry_after: None,
        url: url.clone(),
        chain: chain.to_vec(),
    }
}

fn transport_text(f: &TransportFailure, url: &Url) -> (String, String, String) {
    let host = url.host_str().unwrap_or("the server");
    let port = url.port_or_known_default().map_or_else(String::new, |p| format!(" on port {p}"));
    // Details come from the system and libraries: their words, without debug formatting.
    let clean = |d: &str| clean(&crate::plain::debug_words(d));
    let detail = |d: &str| {
        let d = clean(d.trim());
        if d.is_empty() {
            String::new()
        } else {
            format!(" (Details: {d}.)")
        }
    };
    let (title, what, advice) = match f {
        TransportFailure::Dns(d) => (
            "Server not found",
            format!("The name {host} could not be looked up: it does not exist, or the name service could not be reached.{}", detail(d)),
            "Check the address for typing mistakes, and check your network connection.",
        ),
        TransportFailure::Refused(d) => (
            "Connection refused",
            format!("{host} was reached, but nothing accepts connections{port}: the server is not running, or listens elsewhere.{}", detail(d)),
            "Check the port in the address, or try again later.",
        ),
        TransportFailure::Timeout(d) => (
            "Timed out",
            format!("{host} did not answer in time.{}", detail(d)),
            "Reload to try again; the server or the network may be slow or down.",
        ),
        TransportFailure::Tls(failure) => return failure.describe(host),
        TransportFailure::ProxyUnreachable { proxy, detail: d } => (
            "Proxy not reachable",
            format!("The proxy {proxy} could not be reached, so {host} was not asked at all.{}", detail(d)),
            "Check that the proxy is running, or the proxy settings (http_proxy, https_proxy, all_proxy, no_proxy).",
        ),
        TransportFailure::Undecodable(d) => (
            "Cannot decode the answer",
            format!("{host} answered, but {}; nothing of it is shown rather than compressed bytes.", clean(d)),
            "Tell the site's owner; saving it with another tool will not decode it either.",
        ),
        TransportFailure::File(d) => (
            "Cannot read the file",
            format!("{}.", clean(d.trim()).trim_end_matches('.')),
            "Check the path; a directory is listed, a file is shown.",
        ),
        TransportFailure::Unsupported(d) => (
            "Address not supported",
            format!("{}.", clean(d.trim()).trim_end_matches('.')),
            "margay opens http://, https:// and file:// addresses.",
        ),
        TransportFailure::ProxyUnusable(d) => (
            "Proxy setting not usable",
            format!("{}; margay does not go around a proxy that was set, so nothing was sent.", clean(d.trim())),
            "Fix the proxy variable (http_proxy, https_proxy, all_proxy), or unset it to connect directly.",
        ),
        TransportFailure::TooLarge { limit } => (
            "Document too large",
            format!("The document is larger than margay's limit of {}; loading stopped.", human_bytes(*limit)),
            "Save it with a download tool such as curl instead.",
        ),
        TransportFailure::Protocol(d) => (
            "Invalid answer",
            format!("The answer from {host} was not valid HTTP.{}", detail(d)),
            "The server may not speak HTTP on this port: check http:// versus https:// and the port.",
        ),
        TransportFailure::HeadTooLarge(d) => (
            "Too many headers",
            format!("{host} answered with more headers than margay reads, so the answer was not read.{}", detail(d)),
            "The server (or a proxy on the way) is misconfigured, often by a loop that adds the same header or cookie again and again; tell the site's owner. Clearing this site's cookies (Ctrl-K, then D) may help.",
        ),
        TransportFailure::Io(d) => (
            "Connection broken",
            format!("The connection to {host} failed while sending or receiving.{}", detail(d)),
            "Reload to try again.",
        ),
        TransportFailure::Cancelled => (
            "Loading cancelled",
            "You stopped loading this page.".to_string(),
            "Reload to try again.",
        ),
    };
    (title.to_string(), what, advice.to_string())
}

fn human_bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else if n >= KIB {
        format!("{:.1} KiB", n as f64 / KIB as f64)
    } else {
        format!("{n} bytes")
    }
}
