//! `r`: the reader view of the page shown — its article alone — as a page of its own in the
//! history, after the page it came from (`r` again, like Back, shows the whole page). The
//! article is found off the thread that draws (`Effect::Reader`); while it is, the page stays
//! usable, and leaving the page (a link, Back, another address) or Esc stops the work.
//!
//! Nothing here finds articles (`document::reader` does) or waits for one.

use super::app::App;
use super::app::StatusLine;
use super::msg::Effect;
use super::msg::LoadMode;
use super::tab::{Page, PageKind};
use crate::document::{DocId, ReaderView};
use std::sync::Arc;

/// A reader view on its way: the job's id, the page it is for, and the load that was
/// pending when it was asked for (a newer one means the user went elsewhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReaderJob {
    id: u64,
    doc: DocId,
    pending: Option<u64>,
}

/// Said when a page has no article.
pub const NO_ARTICLE: &str = "No article found on this page; it stays as it is.";

impl App {
    /// `r`: on a page, ask for its reader view; on a reader view, back to the whole page;
    /// while one is being made, stop it.
    pub(super) fn toggle_reader(&mut self) -> Vec<Effect> {
        if let Some(effect) = self.cancel_reader() {
            return vec![effect];
        }
        let Some(page) = self.page() else { return Vec::new() };
        if page.kind == PageKind::Reader {
            self.tab_mut().history.back();
            self.status = StatusLine::None;
            self.ensure_rendered();
            self.tab_mut().refresh_search();
            return Vec::new();
        }
        if page.kind == PageKind::Source || page.loading.is_some() {
            let why = if page.kind == PageKind::Source {
                "This is the page's source; \\ shows the page, then r its article."
            } else {
                "The page is still loading; press r when it is here."
            };
            self.status = StatusLine::Info(why.into());
            return Vec::new();
        }
        let doc = page.doc.clone();
        let id = self.new_id();
        self.reader_job =
            Some(ReaderJob { id, doc: doc.id, pending: self.tab().pending.as_ref().map(|p| p.id) });
        self.status = StatusLine::Info("Finding the article… (Esc stops)".into());
        vec![Effect::Reader { id, doc, width: self.width }]
    }

    /// Esc or `r` while a reader view is being made: stop it.
    pub(super) fn cancel_reader(&mut self) -> Option<Effect> {
        let job = self.reader_job.take()?;
        self.status = StatusLine::Info("Reader view stopped.".into());
        Some(Effect::CancelReader { id: job.id })
    }

    /// After every message: a reader view for a page no longer shown, or asked for before the
    /// user went elsewhere, is stopped.
    pub(super) fn reader_left_behind(&mut self) -> Option<Effect> {
        let job = self.reader_job?;
        let shown = self.page().map(|p| p.doc.id);
        let pending = self.tab().pending.as_ref().map(|p| p.id);
        if shown == Some(job.doc) && (pending == job.pending || pending.is_none()) {
            return None;
        }
        self.reader_job = None;
        if matches!(&self.status, StatusLine::Info(s) if s.starts_with("Finding the article")) {
            self.status = StatusLine::None;
        }
        Some(Effect::CancelReader { id: job.id })
    }

    /// A reader view came: shown after its page, or the page stays and says it has none.
    pub(super) fn reader_done(&mut self, id: u64, view: Result<ReaderView, String>) {
        let Some(job) = self.reader_job.filter(|job| job.id == id) else { return };
        self.reader_job = None;
        let Some(page) = self.page().filter(|p| p.doc.id == job.doc) else { return };
        match view {
            Ok(ReaderView::Article(article)) => {
                let (doc, rendered) = *article;
                let mut reader = Page::new(page.address.clone(), PageKind::Reader, Arc::new(doc), rendered);
                reader.info = page.info.clone();
                reader.body = page.body.clone();
                reader.request = page.request.clone();
                self.status = StatusLine::Info("Reader view: r shows the whole page.".into());
                self.push_page(reader, LoadMode::Push);
            }
            Ok(ReaderView::NoArticle) => self.status = StatusLine::Info(NO_ARTICLE.into()),
            Err(why) => self.status = StatusLine::Error(format!("The reader view failed: {why}.")),
        }
    }
}
