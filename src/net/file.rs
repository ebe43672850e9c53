//! `file://` pages: a file is read as it is (up to the body cap, like a network body), a
//! directory becomes a listing page. Anything else — a FIFO, a device such as /dev/zero or
//! /dev/tty, a socket — is refused: reading it could block forever, never end, or take the
//! keys typed at the terminal.

use super::FetchResponse;
use crate::document::{directory_listing_html, escape_html};
use crate::policy::{ResponseHead, TransportFailure};

use std::time::Instant;
use url::Url;

pub fn fetch(
    url: &Url,
    started: Instant,
    cap: u64,
    watch: &mut dyn FnMut(&super::Arriving) -> bool,
) -> Result<FetchResponse, TransportFailure> {
    let path =
        url.to_file_path().map_err(|()| TransportFailure::File(format!("{url} is not a local file path")))?;
    let meta = std::fs::metadata(&path)
        .map_err(|e| TransportFailure::File(format!("{}: {}", path.display(), super::plain_io(&e))))?;
    let (content_type, body) = if meta.is_dir() {
        let mut entries = Vec::new();
        let dir = std::fs::read_dir(&path)
            .map_err(|e| TransportFailure::File(format!("{}: {}", path.display(), super::plain_io(&e))))?;
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let meta = entry.metadata().ok();
            let is_dir = meta.as_ref().is_some_and(|m| m.is_dir());
            entries.push((name, is_dir, meta.map_or(0, |m| m.len())));
        }
        let mut dir_url = url.clone();
        if !dir_url.path().ends_with('/') {
            dir_url.set_path(&format!("{}/", url.path()));
        }
        // The base makes the listing's relative links work whether or not the typed address
        // ended with a slash.
        let html = format!(
            "<base href=\"{}\">{}",
            escape_html(dir_url.as_str()),
            directory_listing_html(&dir_url, &entries)
        );
        (Some("text/html; charset=utf-8".to_string()), html.into_bytes())
    } else if meta.is_file() {
        let failed = |e: std::io::Error| {
            TransportFailure::File(format!("{}: {}", path.display(), super::plain_io(&e)))
        };
        let mut file = std::fs::File::open(&path).map_err(failed)?;
        // Read in pieces, telling `watch` (a page's first screens are made from its start).
        let head = ResponseHead { status: 200, reason: "OK".into(), headers: Vec::new() };
        let (mut bytes, cut) = super::read_capped(&mut file, cap, Some(meta.len()), &mut |so_far| {
            watch(&super::Arriving { head: &head, body: so_far, total: Some(meta.len()) })
        })?;
        if cut {
            bytes.push(0);
        }
        (None, bytes)
    } else {
        return Err(TransportFailure::File(format!(
            "{} is not a regular file or a directory (a device, FIFO or socket): margay does not read it",
            path.display()
        )));
    };
    let truncated = body.len() as u64 > cap;
    let mut body = body;
    body.truncate(body.len().min(cap as usize));
    let mut headers = vec![("content-length".to_string(), body.len().to_string())];
    if let Some(ct) = content_type {
        headers.push(("content-type".to_string(), ct));
    }
    Ok(FetchResponse {
        url: url.clone(),
        head: ResponseHead { status: 200, reason: "OK".into(), headers },
        body: std::sync::Arc::new(body),
        elapsed: started.elapsed(),
        first_byte: None,
        truncated,
        proxy: None,
        from_proxy: false,
        sent: Vec::new(),
    })
}
