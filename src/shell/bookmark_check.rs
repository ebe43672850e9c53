//! The bookmark checker: visit addresses (HEAD, then GET where HEAD is refused or answered
//! with an error), follow redirects with the hop bound and loop detection of the status-code policy,
//! and say what became of each: ok, moved permanently (with the new address), moved
//! temporarily, gone (404/410) or failing.
//!
//! Status codes are never interpreted here: every response goes through
//! [`crate::policy::decide`], and this module only sorts its [`Outcome`]s. The network is the
//! caller's [`Client`] (give it a short timeout and a small body cap); the command line and
//! the bookmarks page share this code.

use crate::net::{Client, FetchRequest};
use crate::policy::{
    decide, diagnose_transport, Context, Method, Outcome, RedirectKind, RequestInfo, TransportFailure,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use url::Url;

/// What became of one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The document is there (2xx, possibly after a 303).
    Ok { status: u16 },
    /// 301/308: `to` is the end of the chain of permanent moves, and the document is there.
    MovedPermanently { status: u16, to: Url },
    /// 302/307 (or 303 first): the document is there, reached through `to` for now.
    MovedTemporarily { status: u16, to: Url },
    /// 404 or 410; `at` is the address that answered, when redirects led there.
    Gone { status: u16, at: Option<Url> },
    /// Any other status, a failed redirect, or no answer at all.
    Failing { status: Option<u16>, reason: String },
    /// Not an address that can be checked (`javascript:`, `place:` …).
    Skipped { reason: String },
}

/// The rows of the checker's table, in the order it prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Ok,
    MovedPermanently,
    MovedTemporarily,
    Gone,
    Failing,
    Skipped,
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::Ok => "ok",
            Category::MovedPermanently => "moved permanently",
            Category::MovedTemporarily => "moved temporarily",
            Category::Gone => "gone",
            Category::Failing => "failing",
            Category::Skipped => "skipped",
        }
    }
}

impl Verdict {
    pub fn category(&self) -> Category {
        match self {
            Verdict::Ok { .. } => Category::Ok,
            Verdict::MovedPermanently { .. } => Category::MovedPermanently,
            Verdict::MovedTemporarily { .. } => Category::MovedTemporarily,
            Verdict::Gone { .. } => Category::Gone,
            Verdict::Failing { .. } => Category::Failing,
            Verdict::Skipped { .. } => Category::Skipped,
        }
    }

    /// Nothing to do about this bookmark (ok, or not checkable).
    pub fn is_ok(&self) -> bool {
        matches!(self, Verdict::Ok { .. } | Verdict::Skipped { .. })
    }

    /// The first status code of the chain, if there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Verdict::Ok { status }
            | Verdict::MovedPermanently { status, .. }
            | Verdict::MovedTemporarily { status, .. }
            | Verdict::Gone { status, .. } => Some(*status),
            Verdict::Failing { status, .. } => *status,
            Verdict::Skipped { .. } => None,
        }
    }
}

/// Check one address.
pub fn check_url(client: &Client, address: &str) -> Verdict {
    let start = match Url::parse(address.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https" | "file") => u,
        Ok(u) => return Verdict::Skipped { reason: format!("{}: addresses are not checked", u.scheme()) },
        Err(e) => return Verdict::Skipped { reason: format!("not a valid address ({e})") },
    };
    let mut ctx = Context::default();
    let mut req = RequestInfo { url: start, method: Method::Head, has_body: false, typed_by_user: false };
    // The first redirect, and the end of the run of permanent ones it starts.
    let mut first: Option<(u16, RedirectKind)> = None;
    let mut permanent_to: Option<Url> = None;
    let mut still_permanent = true;
    // The policy stops a chain at `max_hops`; the bound here only guards against a policy bug.
    for _ in 0..=ctx.max_hops + 1 {
        let (head, body) = match fetch(client, &mut req) {
            Ok(r) => r,
            Err(failure) => return failing(None, transport_reason(&req.url, &failure), &ctx, &req.url),
        };
        let redirected = !ctx.chain.is_empty();
        match decide(&req, &head, &body, &ctx) {
            Outcome::Redirect(r) => {
                first.get_or_insert((r.status, r.kind));
                if still_permanent && r.kind == RedirectKind::Permanent {
                    permanent_to = Some(r.to.clone());
                } else {
                    still_permanent = false;
                }
                ctx.followed(&req, r.status);
                req = r.next_request();
                req.method = Method::Head;
            }
            Outcome::Show { .. } | Outcome::KeepView { .. } | Outcome::NotModified => {
                return match (first, permanent_to) {
                    (None, _) => Verdict::Ok { status: head.status },
                    (Some((status, RedirectKind::Permanent)), Some(to)) => {
                        Verdict::MovedPermanently { status, to }
                    }
                    (Some((status, _)), _) => Verdict::MovedTemporarily { status, to: req.url },
                };
            }
            Outcome::Diagnostic(d) if matches!(d.code, Some(404 | 410)) => {
                return Verdict::Gone { status: head.status, at: redirected.then_some(req.url) };
            }
            Outcome::Diagnostic(d) => return failing(d.code, d.title, &ctx, &req.url),
            Outcome::PaymentRequired { diagnosis } => {
                return failing(diagnosis.code, diagnosis.title, &ctx, &req.url)
            }
            Outcome::AskCredentials { on_cancel, .. } => {
                let reason = format!("{} (asks for a user name and password)", on_cancel.title);
                return failing(on_cancel.code, reason, &ctx, &req.url);
            }
            Outcome::Choose { status, .. } => {
                let reason = format!("{status}: the server offers several addresses to choose from");
                return failing(Some(status), reason, &ctx, &req.url);
            }
        }
    }
    failing(None, "too many redirects".to_string(), &ctx, &req.url)
}

/// Check every address with at most `jobs` requests at a time. `progress(done, total)` is
/// called on the calling thread after each answer. The verdicts are in the order of `urls`.
pub fn check_all(
    client: &Client,
    urls: &[String],
    jobs: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<Verdict> {
    let jobs = jobs.clamp(1, urls.len().max(1));
    let next = AtomicUsize::new(0);
    let mut verdicts: Vec<Option<Verdict>> = vec![None; urls.len()];
    crate::jobs::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        for _ in 0..jobs {
            let (tx, next) = (tx.clone(), &next);
            // A worker that cannot start, or panics, leaves its addresses "not checked".
            let _ = scope.spawn(crate::jobs::Kind::Check, move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else { break };
                if tx.send((i, check_url(client, url))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (done, (i, verdict)) in rx.iter().enumerate() {
            verdicts[i] = Some(verdict);
            progress(done + 1, urls.len());
        }
    });
    verdicts
        .into_iter()
        .map(|v| v.unwrap_or_else(|| Verdict::Failing { status: None, reason: "not checked".to_string() }))
        .collect()
}

/// One request. A HEAD that is refused (405, 501) or answered with any other error is asked
/// again as a GET (and `req` says so): many servers answer HEAD wrongly — 403, 404, 500 for a
/// page that is there — and only the GET's answer says what a reader would get.
fn fetch(
    client: &Client,
    req: &mut RequestInfo,
) -> Result<(crate::policy::ResponseHead, Vec<u8>), TransportFailure> {
    let mut request = FetchRequest { method: req.method.clone(), ..FetchRequest::get(req.url.clone()) };
    let mut response = client.fetch(&request, &mut |_, _| true)?;
    if req.method == Method::Head && response.head.status >= 400 {
        req.method = Method::Get;
        request.method = Method::Get;
        response = client.fetch(&request, &mut |_, _| true)?;
    }
    Ok((response.head, response.body.to_vec()))
}

fn failing(status: Option<u16>, reason: String, ctx: &Context, at: &Url) -> Verdict {
    let reason = if ctx.chain.is_empty() { reason } else { format!("{reason} (at {at})") };
    Verdict::Failing { status, reason }
}

fn transport_reason(url: &Url, failure: &TransportFailure) -> String {
    // The policy's titles speak of connections, which reads oddly for a local file.
    let title = if url.scheme() == "file" {
        "Cannot read the file".to_string()
    } else {
        diagnose_transport(url, failure, &[]).title
    };
    let detail = failure.detail();
    if detail.is_empty() {
        title
    } else {
        format!("{title}: {detail}")
    }
}
