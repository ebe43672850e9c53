//! The network edge: one ureq Agent that never follows redirects and never turns a status
//! code into an error, so that margay's own policy sees every response; `file://` reading;
//! and the worker threads that keep the UI responsive while a body arrives.
//!
//! Nothing here decides what a status code means — that is `policy`'s job.

pub mod cache;
pub mod cookies;
pub mod download;
mod file;
mod isolate;
mod worker;

pub use isolate::{quiet_load_thread_panics, run_on_load_thread, LOAD_THREAD};
pub use worker::{load, spawn_fetch, CachedPage, FetchEvent, FetchHandle, Loaded};

use crate::policy::{Method, ResponseHead, TransportFailure};
use cache::Cache;
use cookies::CookieJar;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// The largest body read before the load stops (issue: hostile pages). 50 MB.
pub const DEFAULT_BODY_CAP: u64 = 50 * 1024 * 1024;

/// One request as the user's navigation asks for it.
#[derive(Clone, Debug)]
pub struct FetchRequest {
    pub url: Url,
    pub method: Method,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// A multipart/form-data body, built (files read) when the request is sent.
    pub multipart: Option<Vec<crate::document::forms::Part>>,
}

impl FetchRequest {
    pub fn get(url: Url) -> FetchRequest {
        FetchRequest { url, method: Method::Get, headers: Vec::new(), body: None, multipart: None }
    }
}

/// A response as received: head, body bytes and how long it took.
#[derive(Clone, Debug)]
pub struct FetchResponse {
    pub url: Url,
    pub head: ResponseHead,
    pub body: Vec<u8>,
    pub elapsed: Duration,
    /// The body reached the cap and was cut there.
    pub truncated: bool,
}

impl FetchResponse {
    pub fn content_type(&self) -> Option<&str> {
        self.head.header("content-type")
    }
}

/// Settings of the network edge.
#[derive(Clone, Debug)]
pub struct NetConfig {
    pub body_cap: u64,
    pub connect_timeout: Duration,
    /// Without progress for this long (headers or body), a load is cut off.
    pub response_timeout: Duration,
    /// A whole request, body included, may take this long.
    pub total_timeout: Duration,
    pub user_agent: String,
}

impl NetConfig {
    pub fn from_settings(network: &crate::store::config::Network) -> NetConfig {
        NetConfig {
            body_cap: network.body_cap(),
            connect_timeout: network.connect_timeout(),
            response_timeout: network.read_timeout(),
            total_timeout: network.total_timeout(),
            ..NetConfig::default()
        }
    }
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            body_cap: DEFAULT_BODY_CAP,
            connect_timeout: Duration::from_secs(30),
            response_timeout: Duration::from_secs(60),
            total_timeout: Duration::from_secs(300),
            user_agent: format!("margay/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// The HTTP client. Cheap to clone (the agent and the cache are shared).
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    config: NetConfig,
    cache: Option<Arc<Mutex<Cache>>>,
    cookies: Option<Arc<CookieJar>>,
}

impl Client {
    pub fn new(config: NetConfig) -> Client {
        let agent_config = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_connect(Some(config.connect_timeout))
            .timeout_recv_response(Some(config.response_timeout))
            .timeout_per_read(Some(config.response_timeout))
            .timeout_global(Some(config.total_timeout))
            .user_agent(config.user_agent.as_str())
            .build();
        Client { agent: agent_config.into(), config, cache: None, cookies: None }
    }

    /// Keep pages with their validators, so that revisits and reloads ask the server only
    /// whether they changed.
    pub fn with_cache(mut self, cache: Cache) -> Client {
        self.cache = Some(Arc::new(Mutex::new(cache)));
        self
    }

    /// Send and keep cookies (RFC 6265) with every request.
    pub fn with_cookies(mut self, jar: CookieJar) -> Client {
        self.cookies = Some(Arc::new(jar));
        self
    }

    pub fn cookies(&self) -> Option<&CookieJar> {
        self.cookies.as_deref()
    }

    /// Run `f` on the cache, if there is one. A poisoned lock (a panic elsewhere while
    /// caching) only costs the cache, never the page.
    pub(crate) fn with_cache_do<T>(&self, f: impl FnOnce(&mut Cache) -> T) -> Option<T> {
        let cache = self.cache.as_ref()?;
        let mut guard = cache.lock().ok()?;
        Some(f(&mut guard))
    }

    pub fn config(&self) -> &NetConfig {
        &self.config
    }

    /// Perform one request (no redirects followed). `progress` is called with the number
    /// of body bytes read so far and the announced length; returning `false` cancels.
    pub fn fetch(
        &self,
        req: &FetchRequest,
        progress: &mut dyn FnMut(u64, Option<u64>) -> bool,
    ) -> Result<FetchResponse, TransportFailure> {
        let started = Instant::now();
        match req.url.scheme() {
            "http" | "https" => self.fetch_http(req, started, progress),
            "file" => file::fetch(&req.url, started, self.config.body_cap),
            other => Err(TransportFailure::Protocol(format!(
                "margay cannot open {other}: addresses (only http, https and file)"
            ))),
        }
    }

    fn fetch_http(
        &self,
        req: &FetchRequest,
        started: Instant,
        progress: &mut dyn FnMut(u64, Option<u64>) -> bool,
    ) -> Result<FetchResponse, TransportFailure> {
        let (head, mut reader) = self.open(req)?;
        let announced = head.header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
        let (body, truncated) = read_capped(&mut reader, self.config.body_cap, announced, progress)?;
        Ok(FetchResponse { url: req.url.clone(), head, body, elapsed: started.elapsed(), truncated })
    }

    /// Send one http(s) request and return the head with the body still to read (decoded:
    /// gzip and brotli undone), for callers that stream it (downloads).
    pub fn open(&self, req: &FetchRequest) -> Result<(ResponseHead, Box<dyn Read + Send>), TransportFailure> {
        let mut builder = ureq::http::Request::builder()
            .method(req.method.as_str())
            .uri(req.url.as_str())
            .header("Accept", "text/html, application/xhtml+xml, text/plain;q=0.9, */*;q=0.5");
        for (name, value) in &req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let has_cookie_header = req.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("cookie"));
        if let (Some(jar), false) = (&self.cookies, has_cookie_header) {
            if let Some(cookie) = jar.header_for(&req.url) {
                builder = builder.header("Cookie", cookie);
            }
        }
        let result = match &req.body {
            Some(body) => builder
                .body(body.clone())
                .map_err(|e| TransportFailure::Protocol(e.to_string()))
                .and_then(|r| self.agent.run(r).map_err(transport_failure)),
            None => builder
                .body(())
                .map_err(|e| TransportFailure::Protocol(e.to_string()))
                .and_then(|r| self.agent.run(r).map_err(transport_failure)),
        }?;
        let status = result.status();
        let head = ResponseHead {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            headers: result
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
        };
        if let Some(jar) = &self.cookies {
            jar.store_from(&req.url, &head.headers);
        }
        let reader = result.into_body().into_with_config().limit(u64::MAX).reader();
        Ok((head, Box::new(reader)))
    }
}

/// Read a body up to `cap` bytes, reporting progress; stops early when cancelled.
fn read_capped(
    reader: &mut dyn Read,
    cap: u64,
    announced: Option<u64>,
    progress: &mut dyn FnMut(u64, Option<u64>) -> bool,
) -> Result<(Vec<u8>, bool), TransportFailure> {
    let mut body = Vec::with_capacity(announced.unwrap_or(16 * 1024).min(cap).min(8 << 20) as usize);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut last_report = Instant::now();
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_failure(e)),
        };
        let room = (cap - body.len() as u64) as usize;
        body.extend_from_slice(&chunk[..n.min(room)]);
        if n > room || body.len() as u64 >= cap {
            return Ok((body, true));
        }
        if last_report.elapsed() >= Duration::from_millis(50) {
            last_report = Instant::now();
            if !progress(body.len() as u64, announced) {
                return Err(TransportFailure::Cancelled);
            }
        }
    }
    progress(body.len() as u64, announced);
    Ok((body, false))
}

fn io_failure(e: std::io::Error) -> TransportFailure {
    // ureq wraps its own errors (timeouts among them) in io::Error while a body is read.
    let text = e.to_string();
    if let Some(tls) = tls_error(&e) {
        return TransportFailure::Tls(tls);
    }
    match e.kind() {
        std::io::ErrorKind::TimedOut => TransportFailure::Timeout(text),
        _ if text.contains("timeout") || text.contains("timed out") => TransportFailure::Timeout(text),
        _ => TransportFailure::Io(text),
    }
}

/// The TLS error (a refused certificate, a failed handshake) inside an I/O error, if any.
fn tls_error(e: &std::io::Error) -> Option<String> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        if let Some(ureq::Error::Rustls(tls)) = err.downcast_ref::<ureq::Error>() {
            return Some(tls.to_string());
        }
        current = match err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner),
            None => err.source(),
        };
    }
    None
}

fn transport_failure(e: ureq::Error) -> TransportFailure {
    use ureq::Error as E;
    match e {
        E::HostNotFound => TransportFailure::Dns("the host name was not found".into()),
        E::ConnectionFailed => TransportFailure::Refused("the connection failed".into()),
        E::Timeout(t) => TransportFailure::Timeout(format!("{t}")),
        E::Tls(reason) => TransportFailure::Tls(reason.to_string()),
        E::Rustls(err) => TransportFailure::Tls(err.to_string()),
        // rustls reports a certificate it will not trust as an io::Error.
        E::Io(io) if tls_error(&io).is_some() => TransportFailure::Tls(tls_error(&io).unwrap_or_default()),
        E::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => TransportFailure::Refused(io.to_string()),
            std::io::ErrorKind::TimedOut => TransportFailure::Timeout(io.to_string()),
            _ => {
                let text = io.to_string();
                if text.contains("failed to lookup") || text.contains("Name or service not known") {
                    TransportFailure::Dns(text)
                } else {
                    TransportFailure::Io(text)
                }
            }
        },
        E::BodyExceedsLimit(limit) => TransportFailure::TooLarge { limit },
        E::Protocol(ureq_proto::Error::HttpParseTooManyHeaders) => TransportFailure::HeadTooLarge(format!(
            "more than {} header lines",
            ureq_proto::client::MAX_RESPONSE_HEADERS
        )),
        E::LargeResponseHeader(_, limit) => {
            TransportFailure::HeadTooLarge(format!("more than {} KB of headers", limit / 1024))
        }
        other => TransportFailure::Protocol(other.to_string()),
    }
}
