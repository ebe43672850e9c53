//! The questions a navigation asks the user along the way, and what their answers do:
//! credentials for a 401 (remembered per protection space for the session), re-sending a
//! form after a 307/308, relinking bookmarks after a 301/308, a ChargeTo retry after a 402 —
//! and the answer to every one-key question, matched question by question.

use super::app::{App, StatusLine};
use super::msg::{BookmarkOp, BookmarkRef, Effect, LoadMode};
use super::prompt::{Choice, Prompt, Reply, TextAsk, TextPrompt};
use crate::navigation::Navigation;
use crate::net::FetchRequest;
use crate::policy::{normalize_for_compare, DiagnosisKind, TransportFailure};
use base64::Engine as _;
use url::Url;

fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// A user name and password given for a 401, and where they are sent without being asked
/// for again: the protection space of RFC 7617 §2.2, the paths at or below the directory of
/// the address that asked. Another path of the site that asks for the same realm gets them
/// too (and joins the space), as browsers do.
#[derive(Clone, Debug)]
pub struct GivenCredentials {
    origin: String,
    /// The path prefix (ending in `/`) they are sent under.
    scopes: Vec<String>,
    realm: Option<String>,
    header: String,
}

/// The directory of `url`'s path: `/a/b` → `/a/`.
fn directory_of(url: &Url) -> String {
    let path = url.path();
    path[..path.rfind('/').map_or(0, |i| i + 1)].to_string()
}

impl GivenCredentials {
    fn covers(&self, url: &Url) -> bool {
        self.origin == origin_of(url)
            && self.scopes.iter().any(|scope| url.path().starts_with(scope.as_str()))
    }
}

impl App {
    pub(super) fn answer_choice(&mut self, choice: Choice, reply: Reply) -> Vec<Effect> {
        let yes = reply != Reply::No;
        match choice {
            Choice::ConfirmQuit { .. } => {
                if yes {
                    return self.quit();
                }
            }
            Choice::Resend { .. } => {
                let ti = self.active;
                let Some(mut pending) = self.tabs[ti].pending.take() else { return Vec::new() };
                if !yes {
                    self.status = StatusLine::Info("The form data was not sent again.".into());
                    return Vec::new();
                }
                if let Some(request) = pending.nav.resend() {
                    return self.fetch_next(ti, pending, request);
                }
            }
            Choice::SendFormAgain { doc, .. } => {
                if !yes {
                    self.status =
                        StatusLine::Info("The form was not sent again; the page is as it was.".into());
                    return Vec::new();
                }
                let Some(page) = self.page().filter(|p| p.doc.id == doc) else {
                    self.status = StatusLine::Info("Another page is shown now: no form was sent.".into());
                    return Vec::new();
                };
                let Some(request) = page.request.clone() else { return Vec::new() };
                let mut nav = Navigation::with_request(request, page.kind.may_open_files(&page.address));
                nav.address = page.address.clone();
                let sends_password = page.private;
                let effects = self.start(nav, LoadMode::Replace);
                if let Some(pending) = self.tab_mut().pending.as_mut() {
                    pending.sends_password = sends_password;
                }
                return effects;
            }
            Choice::Overwrite { what, path } => {
                if yes {
                    return self.answer_save(what, &path, true);
                }
                self.status = StatusLine::Info(format!("Not saved; {path} is as it was."));
            }
            Choice::DeleteBookmark { bookmark } => {
                if yes {
                    let change = super::bookmarks::BookmarkChange::Delete;
                    return vec![Effect::Bookmark(BookmarkOp::Change { url: bookmark.url, change })];
                }
            }
            Choice::RemoveFolder { folder } => {
                if yes {
                    return vec![Effect::Bookmark(BookmarkOp::RemoveEmptyFolder { folder })];
                }
            }
            Choice::TrustCertificate { host_port, sha256, subject } => {
                if yes {
                    return vec![Effect::TrustCertificate { host_port, sha256, subject }];
                }
            }
            Choice::ForgetCookies { site, .. } => {
                if yes {
                    return vec![Effect::ClearCookies { site }];
                }
                self.status = StatusLine::Info("The cookies are kept.".into());
            }
            Choice::ForgetVisited { .. } => {
                if yes {
                    return self.forget_visited();
                }
            }
            Choice::Relink { old, new, .. } => {
                let mut effects = Vec::new();
                if let (true, Ok(new)) = (yes, Url::parse(&new)) {
                    effects.push(Effect::Bookmark(BookmarkOp::Relink { old, new }));
                }
                if reply == Reply::All {
                    for (bookmark, new) in self.relink_queue.drain(..) {
                        effects.push(Effect::Bookmark(BookmarkOp::Relink { old: bookmark.url, new }));
                    }
                }
                self.next_relink_question();
                return effects;
            }
        }
        Vec::new()
    }

    /// Esc or an empty Backspace at a text prompt.
    pub(super) fn text_cancelled(&mut self, ask: TextAsk) -> Vec<Effect> {
        match ask {
            TextAsk::Username { .. } | TextAsk::Password { .. } => {
                // The 401's diagnostic page, with the server's body, at once.
                let ti = self.active;
                if let Some(mut pending) = self.tabs[ti].pending.take() {
                    if let Some(shown) = pending.on_cancel.take() {
                        self.land(ti, &pending, *shown);
                    }
                }
            }
            TextAsk::Url
            | TextAsk::LinkNumber
            | TextAsk::Search
            | TextAsk::ChargeTo
            | TextAsk::SavePath { .. }
            | TextAsk::BookmarkEdit { .. } => {}
        }
        Vec::new()
    }

    pub(super) fn send_credentials(
        &mut self,
        realm: Option<String>,
        user: &str,
        password: &str,
    ) -> Vec<Effect> {
        let ti = self.active;
        let Some(mut pending) = self.tabs[ti].pending.take() else { return Vec::new() };
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let header = format!("Basic {token}");
        let url = &pending.nav.request.url;
        let origin = origin_of(url);
        self.auth.retain(|c| !(c.origin == origin && c.realm == realm));
        self.auth.push(GivenCredentials {
            origin,
            scopes: vec![directory_of(url)],
            realm,
            header: header.clone(),
        });
        let request = pending.nav.retry_with("Authorization", &header);
        pending.on_cancel = None;
        self.fetch_next(ti, pending, request)
    }

    /// 407: the proxy's credentials, kept for the session and sent only to that proxy.
    pub(super) fn send_proxy_credentials(
        &mut self,
        proxy: String,
        user: &str,
        password: &str,
    ) -> Vec<Effect> {
        let ti = self.active;
        let Some(mut pending) = self.tabs[ti].pending.take() else { return Vec::new() };
        let credential =
            crate::net::ProxyCredential { proxy, user: user.to_string(), password: password.to_string() };
        self.proxy_auth.retain(|c| c.proxy != credential.proxy);
        self.proxy_auth.push(credential.clone());
        let request = pending.nav.retry_with_proxy_credentials(credential);
        pending.on_cancel = None;
        self.fetch_next(ti, pending, request)
    }

    pub(super) fn forget_credentials(&mut self, url: &Url, realm: &Option<String>) {
        let origin = origin_of(url);
        self.auth.retain(|c| !(c.origin == origin && (realm.is_none() || c.realm == *realm)));
    }

    /// A 401 for a realm the user already answered on this site: the same credentials, sent
    /// from now on under this path's directory too.
    pub(super) fn credentials_for_realm(&mut self, url: &Url, realm: &Option<String>) -> Option<String> {
        let origin = origin_of(url);
        let given = self
            .auth
            .iter_mut()
            .rev()
            .find(|c| c.origin == origin && c.realm == *realm && realm.is_some())?;
        let scope = directory_of(url);
        if !given.scopes.contains(&scope) {
            given.scopes.push(scope);
        }
        Some(given.header.clone())
    }

    /// Credentials go only to the origin they were given for, under the paths they were asked
    /// for: a request to another origin (after a redirect, or a link) or outside that space
    /// gets none.
    pub(super) fn attach_credentials(&self, request: &mut FetchRequest) {
        for credential in &self.proxy_auth {
            if !request.proxy_credentials.iter().any(|c| c.proxy == credential.proxy) {
                request.proxy_credentials.push(credential.clone());
            }
        }
        if request.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("authorization")) {
            let given_here = self.auth.iter().any(|c| {
                c.origin == origin_of(&request.url)
                    && request
                        .headers
                        .iter()
                        .any(|(n, v)| n.eq_ignore_ascii_case("authorization") && *v == c.header)
            });
            if !given_here {
                request.headers.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
            }
            return;
        }
        if let Some(given) = self.auth.iter().rev().find(|c| c.covers(&request.url)) {
            request.headers.push(("Authorization".into(), given.header.clone()));
        }
    }

    /// `A` on a certificate error page: ask, showing the fingerprint, before trusting it.
    pub(super) fn ask_trust_certificate(&mut self) {
        let failure = self.page().and_then(|p| match &p.info.diagnosis {
            Some(DiagnosisKind::Transport(TransportFailure::Tls(failure))) => Some(failure.clone()),
            _ => None,
        });
        match failure {
            Some(failure) if failure.can_be_trusted() => {
                let cert = failure.certificate.unwrap_or_default();
                self.ask(Prompt::Choice(Choice::TrustCertificate {
                    host_port: failure.host_port,
                    sha256: cert.sha256,
                    subject: cert.subject,
                }));
            }
            Some(_) => {
                self.status = StatusLine::Error(
                    "This certificate cannot be trusted from here; the page says why.".into(),
                )
            }
            None => self.status = StatusLine::Info("A is for a page about a refused certificate.".into()),
        }
    }

    /// The shell kept the certificate: load the page again, now over the trusted connection.
    pub(super) fn certificate_trusted(&mut self, host_port: &str, result: Result<(), String>) -> Vec<Effect> {
        match result {
            Ok(()) => {
                let effects = self.reload();
                self.status = StatusLine::Info(format!(
                    "The certificate is trusted for {host_port} (margay certs remove {host_port} undoes it)."
                ));
                effects
            }
            // The list in memory has it (only its file could not be written): it counts
            // until margay quits.
            Err(e) => {
                let effects = self.reload();
                self.status = StatusLine::Error(format!(
                    "The certificate is trusted for {host_port} only until margay quits: {e}."
                ));
                effects
            }
        }
    }

    /// `$` on a 402 page: retry with a ChargeTo header (1992).
    pub(super) fn ask_charge_to(&mut self) {
        let is_402 =
            self.page().is_some_and(|p| matches!(p.info.diagnosis, Some(DiagnosisKind::PaymentRequired)));
        if is_402 {
            self.ask(Prompt::Text(TextPrompt::new(TextAsk::ChargeTo, "")));
        } else {
            self.status = StatusLine::Info("ChargeTo is for a 402 Payment Required page.".into());
        }
    }

    pub(super) fn retry_with_charge_to(&mut self, value: &str) -> Vec<Effect> {
        let Some(request) = self.page().and_then(|p| p.request.clone()) else { return Vec::new() };
        let mut nav = Navigation::with_request(request, false);
        nav.address = self.page().map_or(nav.address.clone(), |p| p.address.clone());
        let request = nav.retry_with("ChargeTo", value);
        nav.request = request;
        self.start(nav, LoadMode::Replace)
    }

    /// A 301/308 was followed: history entries of the old address move with it, and every
    /// bookmark of the old address is offered a relink.
    pub(super) fn moved_permanently(&mut self, old: &Url, new: &Url) {
        for page in self.tabs.iter_mut().flat_map(|t| t.history.iter_mut()) {
            if page.address == *old {
                page.address = new.clone();
            }
        }
        let old_key = normalize_for_compare(old);
        let matches: Vec<BookmarkRef> = self
            .bookmarks
            .list
            .iter()
            .filter(|b| Url::parse(&b.url).is_ok_and(|u| normalize_for_compare(&u) == old_key))
            .cloned()
            .collect();
        for bookmark in matches {
            self.relink_queue.push((bookmark, new.clone()));
        }
        if self.mode == super::app::Mode::Browse {
            self.next_relink_question();
        }
    }

    pub(super) fn next_relink_question(&mut self) {
        if self.relink_queue.is_empty() {
            return;
        }
        let (bookmark, new) = self.relink_queue.remove(0);
        self.ask(Prompt::Choice(Choice::Relink {
            title: bookmark.title,
            old: bookmark.url,
            new: new.to_string(),
        }));
    }
}
