//! A page's load: fetch it, show its first screens from the start of its body while the rest
//! arrives (`document::preview`), parse it and lay it out for the current width, reporting
//! through a callback. It runs on a load thread (`crate::jobs`), never where the screen is
//! drawn. Cancelled by its handle (Esc, a newer navigation), it stops at its next step — a
//! piece of the body, of the parse, of the layout — and answers nothing; the app matches
//! answers to requests by id and drops a superseded load's.

use super::cache::{Cache, CacheOutcome, StoreOutcome};
use super::{Client, FetchRequest, FetchResponse};
use crate::document::forms::Part;
use crate::document::{Cancel, Document, Preview, Rendered, PREVIEW_BYTES};
use crate::policy::Method;
use crate::policy::TransportFailure;
use std::time::{Duration, Instant};

/// What a load reports.
pub enum FetchEvent {
    Progress {
        id: u64,
        bytes: u64,
        total: Option<u64>,
    },
    /// The page's first screens, made from the start of its body while the rest arrives.
    Preview {
        id: u64,
        preview: Box<Preview>,
    },
    Done {
        id: u64,
        result: Result<Box<Loaded>, TransportFailure>,
    },
}

/// How a load goes.
pub struct LoadOptions<'c> {
    pub width: u16,
    pub cancel: &'c Cancel,
    /// Keep the render tree for later layouts (the browser: a resize); `--dump` does not.
    pub keep_tree: bool,
    /// Tell the page's first screens before the whole page is ready.
    pub preview: bool,
}

/// What a load tells as it goes.
pub enum LoadEvent {
    Progress { bytes: u64, total: Option<u64> },
    Preview(Box<Preview>),
}

/// A response with its body parsed and laid out (when it has one).
pub struct Loaded {
    pub response: FetchResponse,
    pub page: Option<(Document, Rendered)>,
    /// After a 304: the cached copy, parsed and laid out.
    pub cached: Option<CachedPage>,
    /// What the cache did with this response.
    pub cache: CacheOutcome,
}

/// A cached copy shown after a 304, with the stored headers merged with the new ones.
pub struct CachedPage {
    pub doc: Document,
    pub rendered: Rendered,
    pub headers: Vec<(String, String)>,
    pub size: usize,
    pub body: super::Body,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded").field("response", &self.response.head).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for FetchEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchEvent::Progress { id, bytes, .. } => write!(f, "Progress({id}, {bytes})"),
            FetchEvent::Preview { id, preview } => {
                write!(f, "Preview({id}, {} lines)", preview.rendered.lines.len())
            }
            FetchEvent::Done { id, result } => write!(f, "Done({id}, ok={})", result.is_ok()),
        }
    }
}

/// Cancels its load when asked (not on drop: a finished load needs no handle).
#[derive(Clone, Debug)]
pub struct FetchHandle {
    cancel: Cancel,
}

impl FetchHandle {
    pub fn cancel(&self) {
        self.cancel.raise();
    }
}

/// Fetch, parse and lay out one response, all of it before answering, the page's tree not
/// kept (`--dump`, tests). `progress` is told the bytes read; `false` stops the load.
pub fn load(
    client: &Client,
    req: &FetchRequest,
    width: u16,
    progress: &mut dyn FnMut(u64, Option<u64>) -> bool,
) -> Result<Loaded, TransportFailure> {
    let cancel = Cancel::new();
    let options = LoadOptions { width, cancel: &cancel, keep_tree: false, preview: false };
    load_with(client, req, &options, &mut |event| {
        if let LoadEvent::Progress { bytes, total } = event {
            if !progress(bytes, total) {
                cancel.raise();
            }
        }
    })
}

/// Fetch, parse and lay out one response as `options` say, telling `on` along the way. A GET
/// of a cached page is made conditional; a 304 brings the cached copy back, parsed and laid
/// out. A raised cancel flag ends it with [`TransportFailure::Cancelled`].
pub fn load_with(
    client: &Client,
    req: &FetchRequest,
    options: &LoadOptions,
    on: &mut dyn FnMut(LoadEvent),
) -> Result<Loaded, TransportFailure> {
    let (width, cancel) = (options.width, options.cancel);
    let stopped = || TransportFailure::Cancelled;
    let is_get = req.method == Method::Get;
    let mut request = req.clone();
    if let Some(parts) = request.multipart.take() {
        let (content_type, body) = multipart_body(&parts)?;
        request.headers.retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        request.headers.push(("Content-Type".into(), content_type));
        request.body = Some(body);
    }
    let mut cached = None;
    if is_get && !request.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("if-none-match")) {
        cached = client.with_cache_do(|c| c.get(&req.url)).flatten();
        if let Some(entry) = &cached {
            request.headers.extend(Cache::conditional_headers(entry));
        }
    }
    let mut previewed = !options.preview;
    let mut last_report: Option<Instant> = None;
    let mut last_percent = None;
    let response = client.fetch_watching(&request, &mut |arriving| {
        if cancel.raised() {
            return false;
        }
        // Every 50 ms at most, and each new percent of a known length (a hundred reports more
        // at most): a server that stalls leaves the percent it reached shown, not an older one.
        let bytes = arriving.body.len() as u64;
        let percent = arriving.total.filter(|t| *t > 0).map(|t| bytes.min(t) * 100 / t);
        if last_report.is_none_or(|t| t.elapsed() >= Duration::from_millis(50)) || percent > last_percent {
            last_report = Some(Instant::now());
            last_percent = percent;
            on(LoadEvent::Progress { bytes, total: arriving.total });
        }
        // A page the user will see whole (not a redirect, not an error page), once enough of
        // it is here for many screens.
        if !previewed
            && arriving.body.len() >= PREVIEW_BYTES
            && matches!(arriving.head.status, 200 | 202 | 203)
        {
            previewed = true;
            let content_type = arriving.head.header("content-type");
            if let Some(preview) =
                crate::document::preview(&req.url, content_type, arriving.body, width, cancel)
            {
                on(LoadEvent::Preview(Box::new(preview)));
            }
        }
        true
    });
    let response = match response {
        Err(TransportFailure::Cancelled) => return Err(stopped()),
        other => other?,
    };
    // A page laid out once (`--dump`) gives its tree up to the layout, and a large one is
    // made in pieces where it can be.
    let parse_and_lay_out = |url: &url::Url, content_type: Option<&str>, body: &super::Body| {
        if options.keep_tree {
            let doc = Document::parse_shared(url, content_type, body, cancel)?;
            let rendered = doc.layout(width, cancel)?;
            Some((doc, rendered))
        } else {
            Document::parse_and_lay_out_once(
                url,
                content_type,
                body,
                width,
                cancel,
                crate::jobs::making_once(),
            )
        }
    };
    let status = response.head.status;
    let mut cached_page = None;
    // A disk write that failed still leaves the copy in memory: stored.
    let outcome_of = |stored: Option<Result<StoreOutcome, _>>| match stored {
        Some(Ok(StoreOutcome::Skipped(reason))) => CacheOutcome::NotStored(reason),
        Some(_) => CacheOutcome::Stored,
        None => CacheOutcome::Bypassed,
    };
    let cache = match (status, cached) {
        (304, Some(mut entry)) => {
            Cache::merge_not_modified(&mut entry, &response.head.headers);
            let _ = client.with_cache_do(|c| c.store_entry(entry.clone()));
            let content_type = entry.header("content-type").map(str::to_string);
            let body: super::Body = std::sync::Arc::new(std::mem::take(&mut entry.body));
            let (doc, rendered) =
                parse_and_lay_out(&response.url, content_type.as_deref(), &body).ok_or_else(stopped)?;
            cached_page = Some(CachedPage { doc, rendered, size: body.len(), headers: entry.headers, body });
            CacheOutcome::Revalidated
        }
        _ if is_get && !response.truncated => outcome_of(
            client.with_cache_do(|c| c.store(&response.url, status, &response.head.headers, &response.body)),
        ),
        _ if !is_get => {
            client.with_cache_do(|c| c.remove(&response.url));
            CacheOutcome::Bypassed
        }
        _ => CacheOutcome::Bypassed,
    };
    let page = if response.body.is_empty() {
        None
    } else {
        Some(parse_and_lay_out(&response.url, response.content_type(), &response.body).ok_or_else(stopped)?)
    };
    Ok(Loaded { response, page, cached: cached_page, cache })
}

/// A multipart/form-data body (RFC 7578); file fields are read now, when the form is sent.
fn multipart_body(parts: &[Part]) -> Result<(String, Vec<u8>), TransportFailure> {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let boundary = format!("margay-{nanos:x}-{}", std::process::id());
    // Names and file names are quoted; a quote or line break in them would end the header.
    let quote = |s: &str| s.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A");
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text { name, value } => {
                let head = format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", quote(name));
                body.extend_from_slice(head.as_bytes());
                body.extend_from_slice(value.as_bytes());
            }
            Part::File { name, path } => {
                let (file_name, contents) = if path.is_empty() {
                    (String::new(), Vec::new())
                } else {
                    let contents = std::fs::read(path)
                        .map_err(|e| TransportFailure::Io(format!("cannot read {path} to send it: {e}")))?;
                    (
                        std::path::Path::new(path)
                            .file_name()
                            .map_or(String::new(), |f| f.to_string_lossy().into_owned()),
                        contents,
                    )
                };
                let head = format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                    quote(name),
                    quote(&file_name)
                );
                body.extend_from_slice(head.as_bytes());
                body.extend_from_slice(&contents);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((format!("multipart/form-data; boundary={boundary}"), body))
}

/// Start a load on a load thread of its own: its first screens (`Preview`), progress, and
/// its answer come to `sink`; nothing comes once it is cancelled. A panic on the way is a
/// failed load.
pub fn spawn_fetch(
    client: Client,
    id: u64,
    req: FetchRequest,
    width: u16,
    sink: impl Fn(FetchEvent) + Send + Sync + 'static,
) -> FetchHandle {
    let cancel = Cancel::new();
    let flag = cancel.clone();
    let sink = std::sync::Arc::new(sink);
    let (events, done) = (sink.clone(), sink);
    let work = move || {
        let options = LoadOptions { width, cancel: &flag, keep_tree: true, preview: true };
        load_with(&client, &req, &options, &mut |event| {
            if flag.raised() {
                return;
            }
            events(match event {
                LoadEvent::Progress { bytes, total } => FetchEvent::Progress { id, bytes, total },
                LoadEvent::Preview(preview) => FetchEvent::Preview { id, preview },
            })
        })
        .map(Box::new)
    };
    let stopped = cancel.clone();
    let started = crate::jobs::spawn(crate::jobs::Kind::Load, work, move |result| {
        if stopped.raised() {
            return;
        }
        let result = match result {
            Ok(Ok(loaded)) => Ok(loaded),
            Ok(Err(failure)) => Err(failure),
            Err(panic) => Err(TransportFailure::Protocol(format!(
                "margay could not read or lay out this answer ({panic})"
            ))),
        };
        done(FetchEvent::Done { id, result });
    });
    // No thread to be had (out of memory or threads): the status line says it is loading
    // until Esc; nothing may be printed over the screen.
    if !started {
        cancel.raise();
    }
    FetchHandle { cancel }
}
