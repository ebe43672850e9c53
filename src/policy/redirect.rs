//! The redirect rules (the contract in `docs/design.md`): which 3xx responses are followed, with which method
//! and body, what the UI must do along the way (keep the original link, offer a bookmark
//! relink, strip credentials, warn about a downgrade, ask before re-sending form data), and
//! when a chain must stop (refused scheme, loop, hop limit, missing or malformed target).
//!
//! It decides only; it never makes the next request.
//!
//! The 1992 303 body form `Method: <method> <url>` is followed only for GET. Any other method
//! would have to be sent with the rest of the body as its parameters, to an address the
//! server chose, with no form the user saw: that is not safe to do automatically, and a
//! Choose page would offer only a GET of the address, which is not what the server asked.
//! So it is a diagnostic page ([`DiagnosisKind::MethodNotAutomatic`]) naming the method and
//! the address.

use super::diagnosis::build;
use super::target::{self, is_web, normalize_for_compare, same_origin, Found, TargetSource};
use super::{explain, Context, DiagnosisKind, Method, Outcome, RequestInfo, ResponseHead};
use url::Url;

/// How the move is meant to last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RedirectKind {
    /// 301, 308: the old address is obsolete; offer to relink bookmarks.
    Permanent,
    /// 302, 307: keep using the original address.
    Temporary,
    /// 303: the answer is elsewhere; fetch it with GET.
    SeeOther,
}

/// A redirect to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub status: u16,
    pub kind: RedirectKind,
    /// Absolute, http or https, fragment inherited from the request when it has none.
    pub to: Url,
    /// The method for the next request.
    pub method: Method,
    /// Send the request body again.
    pub keep_body: bool,
    /// The next request is not safe (POST, PUT …): ask the user before sending it, as lynx does.
    pub ask_before_resend: bool,
    /// 302/307: the address bar, history, reload and new bookmarks keep the original URL.
    pub keep_original_link: bool,
    /// 301/308: offer to relink bookmarks that point at the request URL.
    pub offer_relink: bool,
    /// The target is another origin: send no Authorization and no cookies of this origin.
    pub strip_credentials: bool,
    /// https → http: the next request is not encrypted; say so in the status line.
    pub downgrade: bool,
    pub source: TargetSource,
}

impl Redirect {
    /// The next request to make (after asking, when `ask_before_resend`).
    pub fn next_request(&self) -> RequestInfo {
        RequestInfo {
            url: self.to.clone(),
            method: self.method.clone(),
            has_body: self.keep_body,
            typed_by_user: false,
        }
    }

    /// A one-line message for the status line.
    pub fn status_message(&self) -> String {
        let what = match self.kind {
            RedirectKind::Permanent => "moved permanently to",
            RedirectKind::Temporary => "temporarily at",
            RedirectKind::SeeOther => "see other:",
        };
        let mut s = format!("{} {} {}", self.status, what, self.to);
        if self.downgrade {
            s.push_str(" — warning: https → http, no longer encrypted");
        }
        s
    }
}

/// One address offered on a Choose page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub url: Url,
    /// The server's comment (control characters removed), or a note of ours.
    pub comment: String,
}

pub(crate) fn decide_3xx(
    req: &RequestInfo,
    head: &ResponseHead,
    body_prefix: &[u8],
    ctx: &Context,
) -> Outcome {
    match head.status {
        304 if ctx.have_cached_copy => Outcome::NotModified,
        304 => diag(req, head, ctx, DiagnosisKind::UnsolicitedNotModified),
        301 | 302 | 303 | 307 | 308 => follow(req, head, body_prefix, ctx),
        305 => diag(req, head, ctx, DiagnosisKind::UseProxy),
        // 300, 306 (unused) and unrecognised codes: Multiple Choices.
        _ => multiple_choices(req, head, ctx),
    }
}

fn diag(req: &RequestInfo, head: &ResponseHead, ctx: &Context, kind: DiagnosisKind) -> Outcome {
    Outcome::Diagnostic(build(req, head, ctx, kind))
}

fn follow(req: &RequestInfo, head: &ResponseHead, body_prefix: &[u8], ctx: &Context) -> Outcome {
    let status = head.status;
    let (to, source) = match target::find(req, head, body_prefix) {
        Found::One { url, source } => (url, source),
        Found::Several(choices) => {
            let explanation = "The server offers several addresses for this document \
                               (1992 URI: header lines). Choose one.";
            return choose(req, head, ctx, choices, explanation.to_string());
        }
        Found::Bad(raw) => {
            let raw = super::diagnosis::clean(&raw);
            return diag(req, head, ctx, DiagnosisKind::BadLocation { raw });
        }
        Found::NonGet { method, url } => {
            let method = super::diagnosis::clean(&method);
            let kind = DiagnosisKind::MethodNotAutomatic { method, target: url };
            return diag(req, head, ctx, kind);
        }
        Found::Missing => return diag(req, head, ctx, DiagnosisKind::MissingLocation),
    };
    if !is_web(&to) {
        return diag(req, head, ctx, DiagnosisKind::RefusedScheme { target: to });
    }
    let (method, keep_body) = method_after(status, req);
    if is_loop(req, ctx, &to, &method) {
        return diag(req, head, ctx, DiagnosisKind::RedirectLoop { target: to });
    }
    if ctx.chain.len() >= ctx.max_hops {
        let kind = DiagnosisKind::TooManyRedirects { limit: ctx.max_hops, target: to };
        return diag(req, head, ctx, kind);
    }
    let kind = match status {
        301 | 308 => RedirectKind::Permanent,
        303 => RedirectKind::SeeOther,
        _ => RedirectKind::Temporary,
    };
    Outcome::Redirect(Redirect {
        status,
        kind,
        ask_before_resend: !method.is_safe(),
        keep_original_link: kind == RedirectKind::Temporary,
        offer_relink: kind == RedirectKind::Permanent,
        strip_credentials: !same_origin(&req.url, &to),
        downgrade: req.url.scheme() == "https" && to.scheme() == "http",
        to,
        method,
        keep_body,
        source,
    })
}

/// 303 → GET (HEAD stays HEAD); 301/302 after POST → GET, as browsers do; otherwise the
/// method and body are kept (307/308 always, and 301/302 for methods other than POST).
fn method_after(status: u16, req: &RequestInfo) -> (Method, bool) {
    match (status, &req.method) {
        (303, Method::Head) => (Method::Head, false),
        (303, _) | (301 | 302, Method::Post) => (Method::Get, false),
        _ => (req.method.clone(), req.has_body),
    }
}

/// A loop is the same request made twice: same method, same URL including the query
/// (fragment ignored). `/c?n=5 → /c?n=4` is no loop; a POST answered by a 303 to its own
/// address (then fetched with GET) is no loop either.
fn is_loop(req: &RequestInfo, ctx: &Context, to: &Url, method: &Method) -> bool {
    let key = normalize_for_compare(to);
    ctx.chain
        .iter()
        .map(|h| (&h.url, &h.method))
        .chain(std::iter::once((&req.url, &req.method)))
        .any(|(u, m)| m == method && normalize_for_compare(u) == key)
}

/// 300 and the 300-family (306, unrecognised 3xx): the Location (the server's preferred
/// choice) and any `URI:` lines, http(s) only. With nothing to offer, a diagnostic page that
/// renders the server's body, which usually lists the choices as links.
fn multiple_choices(req: &RequestInfo, head: &ResponseHead, ctx: &Context) -> Outcome {
    let mut choices = Vec::new();
    if let Some(url) = head.header("location").and_then(|raw| target::resolve(&req.url, raw)) {
        choices.push(Choice { url, comment: "the server's preferred choice".to_string() });
    }
    choices.extend(target::uri_choices(req, head));
    choices.retain(|c| is_web(&c.url));
    let mut seen = std::collections::HashSet::new();
    choices.retain(|c| seen.insert(normalize_for_compare(&c.url)));
    if choices.is_empty() {
        return diag(req, head, ctx, DiagnosisKind::MultipleChoices);
    }
    let explanation = match explain(head.status).treated_as {
        Some(_) => format!(
            "margay does not know status {}; as HTTP requires, it is treated like \
             300 Multiple Choices. Choose one of the addresses the server gave.",
            head.status
        ),
        None => "The document is available at several addresses. Choose one; the server's \
                 own list, if it sent one, is shown below."
            .to_string(),
    };
    Outcome::Choose { status: head.status, alternatives: choices, explanation }
}

fn choose(
    req: &RequestInfo,
    head: &ResponseHead,
    ctx: &Context,
    choices: Vec<super::Choice>,
    explanation: String,
) -> Outcome {
    let mut web = choices.into_iter().filter(|c| is_web(&c.url)).peekable();
    if web.peek().is_none() {
        // Every offered address is refused; name the first.
        if let Some(c) = target::uri_choices(req, head).into_iter().next() {
            return diag(req, head, ctx, DiagnosisKind::RefusedScheme { target: c.url });
        }
        return diag(req, head, ctx, DiagnosisKind::MissingLocation);
    }
    Outcome::Choose { status: head.status, alternatives: web.collect(), explanation }
}
