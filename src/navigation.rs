//! One navigation from request to page, shared by the TUI and `--dump`: each response goes
//! through `policy::decide`, and the outcome becomes the next step — fetch again (a
//! redirect), show a page, keep the current view, ask the user something, or show a
//! diagnostic page. Pure: the caller does the fetching and the asking.

mod typed;

pub use typed::{resolve_in, resolve_typed, Places};

use crate::document::{self, Document, Rendered};
use crate::net::{FetchRequest, FetchResponse, Loaded};
use crate::policy::{
    self, Context, Diagnosis, DiagnosisKind, Hop, Outcome, Redirect, RedirectKind, RequestInfo, StatusNote,
    TransportFailure,
};
use std::time::Duration;
use url::Url;

/// Where the page's body came from, for page info.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CacheState {
    /// Fetched from the network.
    #[default]
    Network,
    /// The server answered 304 and the cached copy was shown.
    Revalidated,
    /// Made by margay (start page, help, page info).
    Local,
}

/// What page info (`=`) tells about a page.
#[derive(Clone, Debug, Default)]
pub struct PageInfo {
    /// The address the user asked for, before redirects.
    pub requested: Option<Url>,
    /// Where the body came from.
    pub final_url: Option<Url>,
    pub chain: Vec<Hop>,
    pub status: Option<u16>,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub charset: Option<String>,
    pub size: usize,
    pub elapsed: Option<Duration>,
    /// From the request to the answer's head.
    pub first_byte: Option<Duration>,
    pub cache: CacheState,
    /// 203: not the origin's definitive copy.
    pub partial: bool,
    /// 201: where the new document lives.
    pub created: Option<Url>,
    /// A diagnostic page: what it diagnoses.
    pub diagnosis: Option<DiagnosisKind>,
    /// The redirect chain went from https to http.
    pub downgraded: bool,
    /// Retry-After on an error page, in seconds.
    pub retry_after: Option<u64>,
    /// The proxy the page came through (`host:port`).
    pub proxy: Option<String>,
    /// The answer was the proxy's own (it refused to reach the server).
    pub from_proxy: bool,
    /// The body went over the size limit and only its start was kept.
    pub truncated: bool,
}

impl PageInfo {
    pub fn content_type(&self) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.as_str())
    }
}

/// A page ready to be shown, with what the status line should say.
pub struct Shown {
    pub doc: Document,
    /// The layout made by the loader, if it made one (for the width it was asked for).
    pub rendered: Option<Rendered>,
    /// The address bar, history and bookmarks use this (the original URL after 302/307).
    pub address: Url,
    pub info: PageInfo,
    pub message: Option<String>,
    pub is_error: bool,
    /// Permanent moves seen on the way, (old, new): the UI offers to relink bookmarks.
    pub moved_permanently: Vec<(Url, Url)>,
    /// The last request made, to repeat it (402 ChargeTo retry).
    pub request: FetchRequest,
    /// The body as received (for view source and saving); empty for generated pages.
    pub body: crate::net::Body,
}

/// What to do after a response.
pub enum Step {
    /// Make this request next (a redirect was followed).
    Fetch(FetchRequest),
    /// Show a page: the document, or a diagnostic page in its place.
    Show(Box<Shown>),
    /// Leave the current view exactly as it is (204, 205).
    Keep { message: String, reset_form: bool },
    /// A 307/308 would re-send a form: ask first, then call [`Navigation::resend`].
    AskResend { status: u16, method: String, to: Url },
    /// 401: ask for a user name and password, then call [`Navigation::retry_with`]; on
    /// cancel show `on_cancel`. 407: the same for the proxy named in `proxy`, then call
    /// [`Navigation::retry_with_proxy_credentials`].
    AskCredentials { realm: Option<String>, on_cancel: Box<Shown>, proxy: Option<String> },
}

/// A navigation in progress.
#[derive(Debug, Clone)]
pub struct Navigation {
    /// What the address bar will show: the original URL after 302/307, the new one after
    /// 301/308/303.
    pub address: Url,
    pub requested: Url,
    /// The request to make next (or being made).
    pub request: FetchRequest,
    pub ctx: Context,
    /// Came from what the user typed or from a local page (file:// is allowed then).
    pub typed_by_user: bool,
    pub moved_permanently: Vec<(Url, Url)>,
    pub downgraded: bool,
    /// Diagnostic pages link to the network log (the browser has one; `--dump` has not).
    pub network_log: bool,
    /// A redirect waiting for the user's yes before its body is re-sent.
    waiting: Option<Redirect>,
}

impl Navigation {
    pub fn new(address: Url, typed_by_user: bool) -> Navigation {
        Navigation::with_request(FetchRequest::get(address), typed_by_user)
    }

    /// A navigation that starts with any request (a form's POST).
    pub fn with_request(request: FetchRequest, typed_by_user: bool) -> Navigation {
        Navigation {
            address: request.url.clone(),
            requested: request.url.clone(),
            request,
            ctx: Context::default(),
            typed_by_user,
            moved_permanently: Vec::new(),
            downgraded: false,
            network_log: false,
            waiting: None,
        }
    }

    fn request_info(&self) -> RequestInfo {
        RequestInfo {
            url: self.request.url.clone(),
            method: self.request.method.clone(),
            has_body: self.request.body.is_some(),
            typed_by_user: self.typed_by_user,
        }
    }

    fn info(&self, response: Option<&FetchResponse>) -> PageInfo {
        let mut info = PageInfo {
            requested: Some(self.requested.clone()),
            final_url: Some(self.request.url.clone()),
            chain: self.ctx.chain.clone(),
            downgraded: self.downgraded,
            ..PageInfo::default()
        };
        if let Some(r) = response {
            info.status = Some(r.head.status);
            info.reason = r.head.reason.clone();
            info.headers = r.head.headers.clone();
            info.size = r.body.len();
            info.elapsed = Some(r.elapsed);
            info.first_byte = r.first_byte;
            info.proxy = r.proxy.clone();
            info.from_proxy = r.from_proxy;
            info.truncated = r.truncated;
        }
        info
    }

    pub fn step(&mut self, loaded: Loaded) -> Step {
        let req = self.request_info();
        let response = loaded.response;
        let prefix = &response.body[..response.body.len().min(4096)];
        self.ctx.now = std::time::SystemTime::now();
        self.ctx.have_cached_copy = loaded.cached.is_some();
        match policy::decide(&req, &response.head, prefix, &self.ctx) {
            Outcome::Show { note } => {
                let mut info = self.info(Some(&response));
                let (mut doc, mut rendered) = match loaded.page {
                    Some((doc, rendered)) => (doc, Some(rendered)),
                    None => (Document::from_html(&response.url, ""), None),
                };
                info.charset = doc.charset.clone();
                match &note {
                    Some(StatusNote::PartialInformation) => info.partial = true,
                    Some(StatusNote::Created { location: Some(location) }) => {
                        info.created = Some(location.clone());
                        doc = created_page(&response, location);
                        rendered = None;
                    }
                    _ => {}
                }
                let mut message = note.map(|n| n.message());
                if self.downgraded {
                    message = Some(downgrade_message(message));
                }
                if response.truncated {
                    message =
                        Some(format!("The page was cut at {} bytes (the size limit).", response.body.len()));
                }
                with_body(self.shown(doc, rendered, info, message, false), response.body)
            }
            Outcome::KeepView { message, reset_form } => Step::Keep { message, reset_form },
            Outcome::Redirect(redirect) => {
                self.ctx.followed(&req, response.head.status);
                self.ctx.auth_attempts = 0;
                if redirect.ask_before_resend {
                    let step = Step::AskResend {
                        status: redirect.status,
                        method: redirect.method.as_str().to_string(),
                        to: redirect.to.clone(),
                    };
                    self.waiting = Some(redirect);
                    return step;
                }
                Step::Fetch(self.follow(redirect))
            }
            Outcome::Diagnostic(diagnosis) | Outcome::PaymentRequired { diagnosis } => {
                self.diagnose(diagnosis, Some(&response))
            }
            Outcome::AskCredentials { realm, on_cancel, for_proxy, .. } => {
                let proxy = if for_proxy {
                    match &response.proxy {
                        Some(proxy) => Some(proxy.clone()),
                        // A 407 from a server that is no proxy of ours: nothing to answer it with.
                        None => return self.diagnose(on_cancel, Some(&response)),
                    }
                } else {
                    None
                };
                let Step::Show(on_cancel) = self.diagnose(on_cancel, Some(&response)) else {
                    unreachable!("diagnose always shows")
                };
                Step::AskCredentials { realm, on_cancel, proxy }
            }
            Outcome::NotModified => match loaded.cached {
                Some(cached) => {
                    let (doc, rendered) = (cached.doc, cached.rendered);
                    let mut info = self.info(Some(&response));
                    info.cache = CacheState::Revalidated;
                    info.headers = cached.headers;
                    info.size = cached.size;
                    info.charset = doc.charset.clone();
                    let message =
                        Some("304 Not Modified: the cached copy is current (revalidated)".to_string());
                    with_body(self.shown(doc, Some(rendered), info, message, false), cached.body)
                }
                None => {
                    let diagnosis = policy::diagnose_transport(
                        &self.request.url,
                        &TransportFailure::Protocol("a 304 answer without a cached copy".into()),
                        &self.ctx.chain,
                    );
                    self.diagnose(diagnosis, Some(&response))
                }
            },
            Outcome::Choose { status, alternatives, explanation } => {
                let html = document::choice_page_html(status, &alternatives, &explanation, &response.url);
                let doc = Document::from_html(&response.url, &html);
                let info = self.info(Some(&response));
                self.shown(doc, None, info, Some(format!("{status}: choose an address")), false)
            }
        }
    }

    fn follow(&mut self, redirect: Redirect) -> FetchRequest {
        if redirect.kind == RedirectKind::Permanent {
            self.moved_permanently.push((self.request.url.clone(), redirect.to.clone()));
        }
        if !redirect.keep_original_link {
            self.address = redirect.to.clone();
        }
        self.downgraded |= redirect.downgrade;
        // Redirects are the server's choice, not the user's: file:// is out of reach now.
        self.typed_by_user = false;
        let mut next = FetchRequest::get(redirect.to.clone());
        next.method = redirect.method.clone();
        if redirect.keep_body {
            next.body = self.request.body.clone();
            next.multipart = self.request.multipart.clone();
            next.headers = self
                .request
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("content-type"))
                .cloned()
                .collect();
        }
        self.request = next.clone();
        next
    }

    /// The user agreed to re-send the form data (after [`Step::AskResend`]).
    pub fn resend(&mut self) -> Option<FetchRequest> {
        let redirect = self.waiting.take()?;
        Some(self.follow(redirect))
    }

    /// The same request again with an extra header (Authorization after a 401, ChargeTo
    /// after a 402).
    pub fn retry_with(&mut self, name: &str, value: &str) -> FetchRequest {
        if name.eq_ignore_ascii_case("authorization") {
            self.ctx.auth_attempts += 1;
        }
        self.request.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.request.headers.push((name.to_string(), value.to_string()));
        self.request.clone()
    }

    /// The same request again with credentials for its proxy (after a 407).
    pub fn retry_with_proxy_credentials(&mut self, credential: crate::net::ProxyCredential) -> FetchRequest {
        self.ctx.proxy_auth_attempts += 1;
        self.request.proxy_credentials.retain(|c| c.proxy != credential.proxy);
        self.request.proxy_credentials.push(credential);
        self.request.clone()
    }

    pub fn fail(&self, failure: &TransportFailure) -> Step {
        let diagnosis = policy::diagnose_transport(&self.request.url, failure, &self.ctx.chain);
        self.diagnose(diagnosis, None)
    }

    fn diagnose(&self, mut diagnosis: Diagnosis, response: Option<&FetchResponse>) -> Step {
        if let Some(proxy) = response.filter(|r| r.from_proxy).and_then(|r| r.proxy.as_ref()) {
            diagnosis.explanation = format!(
                "This answer came from the proxy {proxy}, which did not pass the request on to {}.\n\n{}",
                self.request.url.host_str().unwrap_or("the server"),
                diagnosis.explanation
            );
            // The site was never asked: advice about the site would send the user the wrong way.
            // A 502–504 says the proxy could not reach the site: that advice stands.
            let status = response.map_or(0, |r| r.head.status);
            if (400..500).contains(&status) && status != 407 {
                diagnosis.advice = format!(
                    "Ask whoever runs the proxy {proxy} to allow this, or reach {} without it (no_proxy).",
                    self.request.url.host_str().unwrap_or("the server")
                );
            }
        }
        let html = document::diagnostic_html(
            &diagnosis,
            &self.request.url,
            response.map(|r| (&r.head, r.body.as_slice(), r.elapsed)),
            self.network_log,
        );
        let doc = Document::from_html(&self.request.url, &html);
        let mut info = self.info(response);
        info.diagnosis = Some(diagnosis.kind.clone());
        info.retry_after = diagnosis.retry_after.map(|d| d.as_secs());
        let message = Some(if diagnosis.advice.is_empty() {
            diagnosis.title.clone()
        } else {
            format!("{} — {}", diagnosis.title, diagnosis.advice.lines().next().unwrap_or(""))
        });
        self.shown(doc, None, info, message, true)
    }

    fn shown(
        &self,
        doc: Document,
        rendered: Option<Rendered>,
        info: PageInfo,
        message: Option<String>,
        is_error: bool,
    ) -> Step {
        let mut address = self.address.clone();
        if address.fragment().is_none() {
            address.set_fragment(self.requested.fragment());
        }
        Step::Show(Box::new(Shown {
            doc,
            rendered,
            address,
            info,
            message,
            is_error,
            moved_permanently: self.moved_permanently.clone(),
            request: self.request.clone(),
            body: Default::default(),
        }))
    }
}

fn with_body(step: Step, body: crate::net::Body) -> Step {
    match step {
        Step::Show(mut shown) => {
            shown.body = body;
            Step::Show(shown)
        }
        other => other,
    }
}

fn downgrade_message(message: Option<String>) -> String {
    let warning = "Warning: redirected from https to http — this page was not encrypted";
    match message {
        Some(m) => format!("{warning}. {m}"),
        None => warning.to_string(),
    }
}

/// 201: the body, whatever its type, with the new document's address on top as the first
/// link.
fn created_page(response: &FetchResponse, location: &Url) -> Document {
    let content_type = response.content_type();
    let mime = document::mime_of(content_type, &response.url, &response.body);
    let body = match document::kind_of(&mime) {
        _ if response.body.is_empty() => String::new(),
        document::BodyKind::Html => document::decode(&response.body, content_type, true).text.into_owned(),
        document::BodyKind::Text { json } => format!(
            "<pre>{}</pre>",
            document::escape_html(&document::readable_text(&response.body, content_type, json).0)
        ),
        document::BodyKind::Other => format!(
            "<p>The server's answer is {} ({}, {} bytes).</p>",
            document::escape_html(&document::describe_type(&mime)),
            document::escape_html(&mime),
            response.body.len()
        ),
    };
    let banner = format!(
        "<p><strong>Created:</strong> the new document is at <a href=\"{0}\">{0}</a></p><hr>",
        document::escape_html(location.as_str())
    );
    Document::from_html(&response.url, &format!("{banner}{body}"))
}
