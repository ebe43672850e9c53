//! Saving and downloading, view source, and the cookie page: what the user asks to keep
//! from a page, and the questions on the way (where to, overwrite?). The writing itself is
//! the shell's (effects); answers come back as messages.

use super::app::{App, StatusLine};
use super::msg::{Effect, LoadMode};
use super::prompt::{plural, Choice, Prompt, TextAsk, TextPrompt};
use super::tab::{Page, PageKind};
use crate::document::{decode, escape_html, Document};
use crate::net::cookies::CookieInfo;
use crate::net::download::{suggested_name, DownloadError, DownloadEvent};
use crate::net::FetchRequest;
use std::fmt::Write as _;
use std::path::PathBuf;
use url::Url;

/// What a save prompt is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveWhat {
    /// Stream this address to disk.
    Download(Url),
    /// The current page's body, as received.
    Body,
    /// The current page as rendered text.
    PageText,
}

/// A download in progress, for the status line's gauge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadState {
    pub id: u64,
    pub url: Url,
    pub name: String,
    pub bytes: u64,
    pub total: Option<u64>,
    pub elapsed: std::time::Duration,
}

/// What a viewer did with a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenedWith {
    /// Started on its own (a window); margay goes on.
    Started(String),
    /// Ran in the terminal and ended.
    Finished(String),
    /// Wrote text (mailcap `copiousoutput`): shown as a page.
    Output { viewer: String, text: String },
}

impl App {
    fn default_path(&self, name: &str) -> String {
        self.settings.download_dir.join(name).display().to_string()
    }

    /// The name the server suggests for the page's body (Content-Disposition, else the URL).
    fn suggested_body_name(&self) -> Option<String> {
        let page = self.page()?;
        let disposition =
            page.info.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-disposition"));
        Some(suggested_name(disposition.map(|(_, v)| v.as_str()), page.final_url()))
    }

    /// `o`: hand a body margay does not display to the user's viewer.
    pub(super) fn open_externally(&mut self) -> Vec<Effect> {
        let Some(page) = self.page() else { return Vec::new() };
        let crate::document::SourceKind::Other { mime } = &page.doc.kind else {
            self.status = StatusLine::Info("o opens bodies margay does not display (images, PDF …).".into());
            return Vec::new();
        };
        let Some(body) = page.body.clone() else { return Vec::new() };
        if page.info.truncated {
            self.status = StatusLine::Error(
                "Only part of this body was loaded (the size limit); save it with p, which fetches it whole, and open the file.".into(),
            );
            return Vec::new();
        }
        let mime = mime.clone();
        let name = self.suggested_body_name().unwrap_or_else(|| "download".into());
        vec![Effect::OpenExternally { body: body.to_vec(), mime, name }]
    }

    pub fn opened(&mut self, result: Result<OpenedWith, String>) {
        match result {
            Ok(OpenedWith::Started(viewer)) => {
                self.status = StatusLine::Info(format!("Opened with {viewer}."))
            }
            Ok(OpenedWith::Finished(viewer)) => self.status = StatusLine::Info(format!("{viewer} finished.")),
            Ok(OpenedWith::Output { viewer, text }) => {
                let address = self.page().map(|p| p.address.clone());
                let Some(address) = address else { return };
                let mut doc = Document::from_text(&address, text);
                doc.title = format!(
                    "{} (through {viewer})",
                    self.page().map_or(String::new(), |p| p.doc.title.clone())
                );
                let page = Page::waiting(address, PageKind::ViewerOutput, std::sync::Arc::new(doc));
                self.push_page(page, LoadMode::Push);
                self.status = StatusLine::Info(format!("The output of {viewer}; Left goes back."));
            }
            // The viewer's failure comes from the system: its words, without the error number.
            Err(e) => self.status = StatusLine::Error(crate::plain::debug_words(&e)),
        }
    }

    /// `d`: download the selected link's target.
    pub(super) fn ask_download(&mut self) {
        let target = self
            .page()
            .and_then(|p| p.selected.and_then(|s| p.rendered.links.get(s)))
            .and_then(|l| l.target.clone());
        match target.filter(|u| matches!(u.scheme(), "http" | "https")) {
            Some(url) => {
                let path = self.default_path(&suggested_name(None, &url));
                let ask = TextAsk::SavePath { what: SaveWhat::Download(url) };
                self.ask(Prompt::Text(TextPrompt::new(ask, path)));
            }
            None => self.status = StatusLine::Info("Select a web link to download it.".into()),
        }
    }

    /// `p`: save the page — as received, or as text when the name ends in .txt.
    pub(super) fn ask_save_page(&mut self) {
        let Some(page) = self.page() else { return };
        let mut name = self.suggested_body_name().unwrap_or_else(|| suggested_name(None, page.final_url()));
        // A body that is not a page (an image, an archive) is saved as it came: a .txt name
        // would only say it is text.
        let binary = matches!(page.doc.kind, crate::document::SourceKind::Other { .. });
        if page.body.is_none() || (!name.contains('.') && !binary) {
            name = format!("{}.txt", if name == "download" { "page" } else { &name });
        }
        let path = self.default_path(&name);
        self.ask(Prompt::Text(TextPrompt::new(TextAsk::SavePath { what: SaveWhat::Body }, path)));
    }

    pub(super) fn answer_save(&mut self, what: SaveWhat, path: &str, overwrite: bool) -> Vec<Effect> {
        if path.trim().is_empty() {
            return Vec::new();
        }
        let path = PathBuf::from(path.trim());
        // A body that is not a page (an image, an archive) is saved as it came, whatever
        // the name: its text is only margay's description of it.
        let described =
            self.page().is_some_and(|p| matches!(p.doc.kind, crate::document::SourceKind::Other { .. }));
        let what = match what {
            // A body that is not a page is saved as it came, whatever its name; ".txt" saves
            // an HTML page's text, and a text body is its own text, saved as it came.
            SaveWhat::Body if described => SaveWhat::Body,
            SaveWhat::Body
                if path.extension().is_some_and(|e| e == "txt")
                    && self.page().is_some_and(|p| p.doc.kind == crate::document::SourceKind::Html) =>
            {
                SaveWhat::PageText
            }
            SaveWhat::Body if self.page().is_some_and(|p| p.body.is_none()) => SaveWhat::PageText,
            other => other,
        };
        match what {
            SaveWhat::Download(url) => {
                let id = self.new_id();
                let name = path.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
                self.downloads.push(DownloadState {
                    id,
                    url: url.clone(),
                    name,
                    bytes: 0,
                    total: None,
                    elapsed: Default::default(),
                });
                let mut request = FetchRequest::get(url);
                self.attach_credentials(&mut request);
                // The status line shows the download's progress from now on, not what was
                // said before it.
                self.status = StatusLine::None;
                vec![Effect::Download { id, request, path, overwrite }]
            }
            // Only the start of the body was kept: fetch it again, whole, straight to the file.
            SaveWhat::Body if self.page().is_some_and(|p| p.info.truncated) => {
                let page = self
                    .page()
                    .filter(|p| p.request.as_ref().is_none_or(|r| r.method == crate::policy::Method::Get));
                match page.map(|p| p.final_url().clone()) {
                    Some(url) => {
                        self.answer_save(SaveWhat::Download(url), &path.display().to_string(), overwrite)
                    }
                    None => {
                        self.status = StatusLine::Error(
                            "This answer was cut at the size limit and came from a form, so it cannot be fetched again whole; raise body_cap_mb in config.toml and send the form again.".into(),
                        );
                        Vec::new()
                    }
                }
            }
            SaveWhat::Body => match self.page().and_then(|p| p.body.clone()) {
                Some(body) => {
                    vec![Effect::SaveFile { path, bytes: body.to_vec(), overwrite, what: SaveWhat::Body }]
                }
                None => Vec::new(),
            },
            SaveWhat::PageText => {
                let Some(page) = self.page() else { return Vec::new() };
                let text = crate::document::format_rendered(&page.rendered);
                vec![Effect::SaveFile { path, bytes: text.into_bytes(), overwrite, what: SaveWhat::PageText }]
            }
        }
    }

    /// The shell's answer to a save: done, or the file exists (ask), or it failed.
    pub fn saved(&mut self, what: SaveWhat, result: Result<PathBuf, (PathBuf, String, bool)>) {
        match result {
            Ok(path) => self.status = StatusLine::Info(format!("Saved to {}.", path.display())),
            Err((path, _, true)) => {
                self.ask(Prompt::Choice(Choice::Overwrite { what, path: path.display().to_string() }));
            }
            Err((path, message, false)) => {
                self.status = StatusLine::Error(format!(
                    "Could not save {}: {}; choose another name or folder",
                    path.display(),
                    crate::plain::debug_words(&message)
                ))
            }
        }
    }

    pub(super) fn on_download(&mut self, event: DownloadEvent) {
        match event {
            DownloadEvent::Progress { id, bytes, total, elapsed } => {
                if let Some(d) = self.downloads.iter_mut().find(|d| d.id == id) {
                    (d.bytes, d.total, d.elapsed) = (bytes, total, elapsed);
                }
            }
            // A download the user cancelled was already said to be (and nothing of it is
            // kept): its thread's late word, whatever it is, would contradict that.
            DownloadEvent::Done { id, .. } if !self.downloads.iter().any(|d| d.id == id) => {}
            DownloadEvent::Done { id, result } => {
                let url = self.downloads.iter().find(|d| d.id == id).map(|d| d.url.clone());
                self.downloads.retain(|d| d.id != id);
                self.status = match result {
                    Ok(done) => StatusLine::Info(format!(
                        "Downloaded {} ({} in {:.1} s).",
                        done.path.display(),
                        super::draw::human_size(done.bytes),
                        done.elapsed.as_secs_f64()
                    )),
                    Err(DownloadError::Exists(path)) => {
                        if let Some(url) = url {
                            self.ask(Prompt::Choice(Choice::Overwrite {
                                what: SaveWhat::Download(url),
                                path: path.display().to_string(),
                            }));
                        }
                        StatusLine::None
                    }
                    Err(e) => StatusLine::Error(format!("Download failed: {e}")),
                };
            }
        }
    }

    /// Esc with no load running: stop the newest download.
    pub(super) fn cancel_download(&mut self) -> Option<Effect> {
        let d = self.downloads.pop()?;
        self.status = StatusLine::Info(format!("Download of {} cancelled; nothing was kept.", d.name));
        Some(Effect::CancelDownload { id: d.id })
    }

    /// `\`: the page's source as text; on a source view, back to the page.
    pub(super) fn view_source(&mut self) {
        let Some(page) = self.page() else { return };
        if page.kind == PageKind::Source {
            self.tab_mut().history.back();
            self.ensure_rendered();
            return;
        }
        let Some(body) = page.body.clone() else {
            self.status = StatusLine::Info("This page was made by margay; it has no source.".into());
            return;
        };
        let content_type = page.info.content_type().map(str::to_string);
        let text = decode(&body, content_type.as_deref(), true).text.into_owned();
        let mut doc = Document::from_text(&page.address, text);
        doc.title = format!(
            "Source of {}",
            if page.doc.title.is_empty() { page.address.as_str() } else { &page.doc.title }
        );
        let address = page.address.clone();
        let info = page.info.clone();
        let mut source = Page::waiting(address, PageKind::Source, std::sync::Arc::new(doc));
        source.info = info;
        source.body = Some(body);
        self.push_page(source, LoadMode::Push);
    }

    /// Ctrl-K: this site's cookies (the shell reads the jar); on a cookie page, again.
    pub(super) fn ask_cookies(&mut self) -> Vec<Effect> {
        let site = match self.page().map(|p| (&p.kind, p.final_url())) {
            Some((PageKind::Cookies { site, .. }, _)) => site.clone(),
            Some((PageKind::Web, url)) if matches!(url.scheme(), "http" | "https") => url.clone(),
            _ => {
                self.status = StatusLine::Info("Cookies belong to web sites; this is not one.".into());
                return Vec::new();
            }
        };
        vec![Effect::ShowCookies { site }]
    }

    /// D on a cookie page: forget the site's cookies, after asking.
    pub(super) fn ask_forget_cookies(&mut self) {
        let Some(PageKind::Cookies { site, count }) = self.page().map(|p| p.kind.clone()) else { return };
        if count == 0 {
            self.status = StatusLine::Info("This site has no cookies to forget.".into());
            return;
        }
        self.ask(Prompt::Choice(Choice::ForgetCookies { site, count }));
    }

    pub fn show_cookies(&mut self, site: Url, cookies: Vec<CookieInfo>, cleared: Option<usize>) {
        let host = site.host_str().unwrap_or("").to_string();
        let mut html = format!(
            "<!DOCTYPE html><title>Cookies of {0}</title><h1>Cookies of {0}</h1>\n",
            escape_html(&host)
        );
        if cookies.is_empty() {
            html.push_str("<p>This site has no cookies in the jar.</p>\n");
        } else {
            let _ = writeln!(html, "<p>{}.</p>\n<ul>", plural(cookies.len(), "cookie", "cookies"));
            for c in &cookies {
                let value: String = c.value.chars().take(40).collect();
                let _ = writeln!(
                    html,
                    "<li><strong>{}</strong> = {} — domain {}, path {}, expires {}{}{}</li>",
                    escape_html(&c.name),
                    escape_html(&value),
                    escape_html(&c.domain),
                    escape_html(&c.path),
                    escape_html(&c.expires),
                    if c.secure { ", Secure" } else { "" },
                    if c.http_only { ", HttpOnly" } else { "" }
                );
            }
            let key = escape_html(&self.keymap.key_label(super::keymap::Action::ClearCookies));
            let _ = writeln!(
                html,
                "</ul>\n<p>Press {key} to forget all of this site's cookies (it asks first).</p>"
            );
        }
        html.push_str("<p>Press Left to go back.</p>");
        let url = Url::parse("about:cookies").expect("a constant URL");
        let doc = Document::from_html(&url, &html);
        let replace = matches!(self.page().map(|p| &p.kind), Some(PageKind::Cookies { .. }));
        let kind = PageKind::Cookies { site, count: cookies.len() };
        let page = Page::waiting(url, kind, std::sync::Arc::new(doc));
        self.push_page(page, if replace { LoadMode::Replace } else { LoadMode::Push });
        if let Some(n) = cleared {
            self.status = StatusLine::Info(format!("Forgot {} of {host}.", plural(n, "cookie", "cookies")));
        }
    }
}
