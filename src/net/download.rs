//! Downloads: a body streamed to disk on its own thread, with progress. The bytes go to
//! `NAME.part` beside the target and are renamed only when complete, so a cancelled or
//! failed download never leaves a partial file under the final name. An existing file is
//! never overwritten unless the user said so.

use super::{Client, FetchRequest};
use crate::policy::{self, Context, Outcome, RequestInfo};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub enum DownloadEvent {
    Progress { id: u64, bytes: u64, total: Option<u64>, elapsed: Duration },
    Done { id: u64, result: Result<Downloaded, DownloadError> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    pub path: PathBuf,
    pub bytes: u64,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DownloadError {
    #[error("{} already exists", .0.display())]
    Exists(PathBuf),
    #[error("download cancelled; nothing was kept")]
    Cancelled,
    #[error("{0}")]
    Failed(String),
}

/// Cancels its download when asked.
#[derive(Clone, Debug)]
pub struct DownloadHandle {
    cancelled: Arc<AtomicBool>,
    /// The `.part` file once it exists; the lock is held while it is created.
    part: Arc<Mutex<Option<PathBuf>>>,
}

impl DownloadHandle {
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Cancel and remove the `.part` file now, for a browser that is about to exit (the
    /// download's thread would not get to it). No `.part` file is made after this.
    pub fn abandon(&self) {
        let mut part = self.part.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.cancel();
        if let Some(path) = part.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

pub fn spawn_download(
    client: Client,
    id: u64,
    request: FetchRequest,
    path: PathBuf,
    overwrite: bool,
    sink: impl Fn(DownloadEvent) + Send + Sync + 'static,
) -> DownloadHandle {
    let handle = DownloadHandle { cancelled: Arc::new(AtomicBool::new(false)), part: Default::default() };
    let thread_handle = handle.clone();
    let sink = std::sync::Arc::new(sink);
    let report = sink.clone();
    crate::jobs::spawn(
        crate::jobs::Kind::Download,
        move || {
            download(&client, request, &path, overwrite, &thread_handle, &mut |bytes, total, elapsed| {
                report(DownloadEvent::Progress { id, bytes, total, elapsed })
            })
        },
        move |result| {
            let result = result
                .unwrap_or_else(|panic| Err(DownloadError::Failed(format!("the download stopped: {panic}"))));
            sink(DownloadEvent::Done { id, result });
        },
    );
    handle
}

/// The `.part` file a download writes before it is complete.
pub fn part_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".part");
    path.with_file_name(name)
}

fn download(
    client: &Client,
    mut request: FetchRequest,
    path: &Path,
    overwrite: bool,
    handle: &DownloadHandle,
    progress: &mut dyn FnMut(u64, Option<u64>, Duration),
) -> Result<Downloaded, DownloadError> {
    let cancelled = &*handle.cancelled;
    if path.exists() && !overwrite {
        return Err(DownloadError::Exists(path.to_path_buf()));
    }
    let started = Instant::now();
    let failed = |what: &str, e: &std::io::Error| {
        DownloadError::Failed(format!("{what}: {}; choose another place to save it", crate::plain::io(e)))
    };
    // Redirects are followed by the same policy as pages (no prompts: a download is a GET).
    let mut ctx = Context::default();
    let (head, mut reader) = loop {
        let super::Opened { head, body: reader, .. } = client.open(&request).map_err(|e| {
            let diagnosis = policy::diagnose_transport(&request.url, &e, &ctx.chain);
            DownloadError::Failed(format!(
                "{}: {} {}",
                diagnosis.title, diagnosis.explanation, diagnosis.advice
            ))
        })?;
        let info = RequestInfo::get(request.url.clone());
        match policy::decide(&info, &head, &[], &ctx) {
            Outcome::Show { .. } => break (head, reader),
            Outcome::Redirect(redirect) if !redirect.ask_before_resend => {
                ctx.followed(&info, head.status);
                request = FetchRequest::get(redirect.to);
            }
            _ => {
                return Err(DownloadError::Failed(format!(
                    "the server answered {} {}; open the link to see its page",
                    head.status,
                    crate::sanitize::line(&head.reason)
                )))
            }
        }
    };
    let total = head.header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    let part = part_path(path);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| failed(&format!("cannot make the folder {}", dir.display()), &e))?;
    }
    let mut part_slot = handle.part.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if cancelled.load(Ordering::Relaxed) {
        return Err(DownloadError::Cancelled);
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&part)
        .map_err(|e| failed(&format!("cannot write {}", part.display()), &e))?;
    *part_slot = Some(part.clone());
    drop(part_slot);
    let result = copy(&mut reader, &mut file, cancelled, total, started, progress);
    let result = result.and_then(|bytes| {
        file.sync_all().map_err(|e| failed("cannot finish writing", &e))?;
        Ok(bytes)
    });
    drop(file);
    match result {
        Ok(bytes) => {
            std::fs::rename(&part, path)
                .map_err(|e| failed(&format!("cannot rename to {}", path.display()), &e))?;
            Ok(Downloaded { path: path.to_path_buf(), bytes, elapsed: started.elapsed() })
        }
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            Err(e)
        }
    }
}

fn copy(
    reader: &mut dyn Read,
    file: &mut std::fs::File,
    cancelled: &AtomicBool,
    total: Option<u64>,
    started: Instant,
    progress: &mut dyn FnMut(u64, Option<u64>, Duration),
) -> Result<u64, DownloadError> {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    // The first bytes are reported at once, so a slow server still shows progress.
    let mut last_report: Option<Instant> = None;
    loop {
        if cancelled.load(Ordering::Relaxed) {
            return Err(DownloadError::Cancelled);
        }
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(DownloadError::Failed(format!(
                    "the download broke off ({}); try again",
                    crate::plain::io(&e)
                )))
            }
        };
        file.write_all(&buffer[..n]).map_err(|e| {
            DownloadError::Failed(format!(
                "cannot write the file: {}; choose another place to save it",
                crate::plain::io(&e)
            ))
        })?;
        bytes += n as u64;
        if last_report.is_none_or(|t| t.elapsed() >= Duration::from_millis(100)) {
            last_report = Some(Instant::now());
            progress(bytes, total, started.elapsed());
        }
    }
    if total.is_some_and(|t| bytes < t) {
        return Err(DownloadError::Failed(format!(
            "the server sent {bytes} of {} bytes; try again",
            total.unwrap_or(0)
        )));
    }
    progress(bytes, total, started.elapsed());
    Ok(bytes)
}

/// The file name a response suggests: Content-Disposition's filename (RFC 6266; the
/// `filename*` form first, decoded in its charset), else the URL's last segment, else
/// "download". Never a path: separators, control characters and bidirectional formatting
/// characters (which would show the name reversed) are taken out, and no name starts with
/// a dot.
pub fn suggested_name(content_disposition: Option<&str>, url: &url::Url) -> String {
    let from_header = content_disposition.and_then(|cd| {
        let params: Vec<(String, String)> = cd
            .split(';')
            .skip(1)
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().trim_matches('"').to_string()))
            .collect();
        let extended = params.iter().find(|(k, _)| k == "filename*").and_then(|(_, v)| {
            let (charset, rest) = v.split_once('\'')?;
            let (_, encoded) = rest.split_once('\'')?;
            // The bytes as they are: decoding them as UTF-8 first would lose a Latin-1 name.
            let bytes: Vec<u8> = percent_encoding::percent_decode_str(encoded).collect();
            let encoding = encoding_rs::Encoding::for_label(charset.as_bytes()).unwrap_or(encoding_rs::UTF_8);
            Some(encoding.decode(&bytes).0.into_owned())
        });
        extended.or_else(|| params.iter().find(|(k, _)| k == "filename").map(|(_, v)| v.clone()))
    });
    let from_url = || {
        url.path_segments()
            .and_then(|mut s| s.next_back().map(str::to_string))
            .map(|s| percent_decode(&s))
            .filter(|s| !s.is_empty())
    };
    let raw = from_header.filter(|n| !n.trim().is_empty()).or_else(from_url).unwrap_or_default();
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|&c| !crate::sanitize::is_unsafe(c)).collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() {
        "download".to_string()
    } else {
        clean
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}
