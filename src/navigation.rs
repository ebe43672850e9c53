//! One navigation from request to page, shared by the TUI and `--dump`: each response goes
//! through `policy::decide`, and the outcome becomes the next step — fetch again (a
//! redirect), show a page, keep the current view, or show a diagnostic page. Pure: the
//! caller does the fetching.

use crate::document::{self, Document, Rendered};
use crate::net::{FetchRequest, FetchResponse, Loaded};
use crate::policy::{self, Context, Diagnosis, Outcome, RequestInfo, StatusNote, TransportFailure};
use url::Url;

/// A navigation in progress.
#[derive(Debug, Clone)]
pub struct Navigation {
    /// What the user asked for, before any redirect.
    pub address: Url,
    /// The request to make next (or being made).
    pub request: FetchRequest,
    pub ctx: Context,
    /// Came from what the user typed or from a local page (file:// is allowed then).
    pub typed_by_user: bool,
}

/// What to do after a response.
pub enum Step {
    /// Make this request next (a redirect was followed).
    Fetch(FetchRequest),
    /// Show a page. `rendered` is the layout made by the loader, if it made one.
    Show { doc: Document, rendered: Option<Rendered>, response: FetchResponse, note: Option<StatusNote> },
    /// Leave the current view as it is (204).
    Keep { message: String },
    /// Show a diagnostic page in place of the answer.
    Diagnose { doc: Document, response: Option<FetchResponse>, diagnosis: Box<Diagnosis> },
}

impl Navigation {
    pub fn new(address: Url, typed_by_user: bool) -> Navigation {
        Navigation {
            request: FetchRequest::get(address.clone()),
            address,
            ctx: Context::default(),
            typed_by_user,
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

    /// The redirect chain so far, as (URL, status) pairs.
    pub fn chain(&self) -> &[policy::Hop] {
        &self.ctx.chain
    }

    pub fn step(&mut self, loaded: Loaded) -> Step {
        let req = self.request_info();
        let response = loaded.response;
        let prefix = &response.body[..response.body.len().min(4096)];
        match policy::decide(&req, &response.head, prefix, &self.ctx) {
            Outcome::Show { note } => {
                let (doc, rendered) = match loaded.page {
                    Some((doc, rendered)) => (doc, Some(rendered)),
                    None => (Document::from_html(&response.url, ""), None),
                };
                Step::Show { doc, rendered, response, note }
            }
            Outcome::KeepView { message, .. } => Step::Keep { message },
            Outcome::Redirect(redirect) => {
                self.ctx.followed(&req, response.head.status);
                let mut next = FetchRequest::get(redirect.to.clone());
                next.method = redirect.method.clone();
                if redirect.keep_body {
                    next.body = self.request.body.clone();
                }
                self.request = next.clone();
                Step::Fetch(next)
            }
            Outcome::Diagnostic(diagnosis)
            | Outcome::PaymentRequired { diagnosis }
            | Outcome::AskCredentials { on_cancel: diagnosis, .. } => self.diagnose(diagnosis, Some(response)),
            Outcome::NotModified => {
                // Without a cache the policy never answers NotModified; treat it as shown.
                let doc = Document::from_html(&response.url, "");
                Step::Show { doc, rendered: None, response, note: None }
            }
            Outcome::Choose { status, alternatives, explanation } => {
                let html = document::choice_page_html(status, &alternatives, &explanation, &response.url);
                let doc = Document::from_html(&response.url, &html);
                Step::Show { doc, rendered: None, response, note: None }
            }
        }
    }

    pub fn fail(&self, failure: &TransportFailure) -> Step {
        let diagnosis = policy::diagnose_transport(&self.request.url, failure, &self.ctx.chain);
        self.diagnose(diagnosis, None)
    }

    fn diagnose(&self, diagnosis: Diagnosis, response: Option<FetchResponse>) -> Step {
        let html = document::diagnostic_html(&diagnosis, &self.request.url, response.as_ref().map(|r| (&r.head, r.body.as_slice(), r.elapsed)));
        let doc = Document::from_html(&self.request.url, &html);
        Step::Diagnose { doc, response, diagnosis: Box::new(diagnosis) }
    }
}
