//! Loads run on their own thread so the UI never waits on the network or the parser: the
//! thread fetches, parses and lays the page out for the current width, then reports back
//! through a callback. A load is cancelled by its handle; a cancelled or superseded load's
//! late answer is dropped by the app, which matches answers to requests by id.

use super::cache::Cache;
use super::{Client, FetchRequest, FetchResponse};
use crate::document::forms::Part;
use crate::document::{Document, Rendered};
use crate::policy::Method;
use crate::policy::TransportFailure;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What a load reports.
pub enum FetchEvent {
    Progress { id: u64, bytes: u64, total: Option<u64> },
    Done { id: u64, result: Result<Box<Loaded>, TransportFailure> },
}

/// A response with its body parsed and laid out (when it has one).
pub struct Loaded {
    pub response: FetchResponse,
    pub page: Option<(Document, Rendered)>,
    /// After a 304: the cached copy, parsed and laid out.
    pub cached: Option<CachedPage>,
}

/// A cached copy shown after a 304, with the stored headers merged with the new ones.
pub struct CachedPage {
    pub doc: Document,
    pub rendered: Rendered,
    pub headers: Vec<(String, String)>,
    pub size: usize,
    pub body: Vec<u8>,
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
            FetchEvent::Done { id, result } => write!(f, "Done({id}, ok={})", result.is_ok()),
        }
    }
}

/// Cancels its load when asked (not on drop: a finished load needs no handle).
#[derive(Clone, Debug)]
pub struct FetchHandle {
    cancelled: Arc<AtomicBool>,
}

impl FetchHandle {
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

/// Fetch, parse and lay out one response; the same steps the worker thread runs, usable
/// synchronously (by `--dump`). A GET of a cached page is made conditional; a 304 brings
/// the cached copy back, parsed and laid out.
pub fn load(
    client: &Client,
    req: &FetchRequest,
    width: u16,
    progress: &mut dyn FnMut(u64, Option<u64>) -> bool,
) -> Result<Loaded, TransportFailure> {
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
    let response = client.fetch(&request, progress)?;
    let status = response.head.status;
    let mut cached_page = None;
    match (status, cached) {
        (304, Some(mut entry)) => {
            Cache::merge_not_modified(&mut entry, &response.head.headers);
            let _ = client.with_cache_do(|c| c.store_entry(entry.clone()));
            let (doc, rendered) =
                Document::laid_out(&response.url, entry.header("content-type"), &entry.body, width);
            cached_page = Some(CachedPage {
                doc,
                rendered,
                size: entry.body.len(),
                headers: entry.headers,
                body: entry.body,
            });
        }
        _ if is_get && !response.truncated => {
            let _ = client
                .with_cache_do(|c| c.store(&response.url, status, &response.head.headers, &response.body));
        }
        _ if !is_get => {
            client.with_cache_do(|c| c.remove(&response.url));
        }
        _ => {}
    }
    let page = (!response.body.is_empty())
        .then(|| Document::laid_out(&response.url, response.content_type(), &response.body, width));
    Ok(Loaded { response, page, cached: cached_page })
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

pub fn spawn_fetch(
    client: Client,
    id: u64,
    req: FetchRequest,
    width: u16,
    sink: impl Fn(FetchEvent) + Send + 'static,
) -> FetchHandle {
    let cancelled = Arc::new(AtomicBool::new(false));
    let flag = cancelled.clone();
    super::isolate::spawn_load_thread(move || {
        let mut progress = |bytes, total| {
            sink(FetchEvent::Progress { id, bytes, total });
            !flag.load(Ordering::Relaxed)
        };
        let result = super::isolate::catch_panic(|| load(&client, &req, width, &mut progress)).map(Box::new);
        if !flag.load(Ordering::Relaxed) {
            sink(FetchEvent::Done { id, result });
        }
    });
    FetchHandle { cancelled }
}
