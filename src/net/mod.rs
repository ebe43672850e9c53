//! The network edge: one ureq Agent that never follows redirects and never turns a status
//! code into an error, so that margay's own policy sees every response; `file://` reading;
//! and the worker threads that keep the UI responsive while a body arrives.
//!
//! Nothing here decides what a status code means — that is `policy`'s job.

pub mod cache;
pub mod cookies;
pub mod download;
pub mod encoding;
mod file;
pub mod proxy;
pub mod tls;
mod transport;
mod worker;

pub use worker::{
    load, load_with, spawn_fetch, CachedPage, FetchEvent, FetchHandle, LoadEvent, LoadOptions, Loaded,
};

use crate::policy::{Method, ResponseHead, TransportFailure};
use cache::Cache;
use cookies::CookieJar;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// The largest body read before the load stops (tests/hostile_network.rs). 50 MB.
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
    /// Credentials the user gave proxies this session; only the proxy they are for gets them.
    pub proxy_credentials: Vec<ProxyCredential>,
}

impl FetchRequest {
    pub fn get(url: Url) -> FetchRequest {
        FetchRequest {
            url,
            method: Method::Get,
            headers: Vec::new(),
            body: None,
            multipart: None,
            proxy_credentials: Vec::new(),
        }
    }
}

/// What has arrived of a response so far, told to a load as it comes.
pub struct Arriving<'a> {
    pub head: &'a ResponseHead,
    pub body: &'a [u8],
    /// The length the server announced.
    pub total: Option<u64>,
}

/// A body as received, shared by the page, its document and the cache without copies.
pub type Body = Arc<Vec<u8>>;

/// A response as received: head, body bytes and how long it took.
#[derive(Clone, Debug)]
pub struct FetchResponse {
    pub url: Url,
    pub head: ResponseHead,
    pub body: Body,
    pub elapsed: Duration,
    /// From the request to its answer's head (time to first byte, as curl's
    /// `time_starttransfer`); `None` where nothing was sent (a file).
    pub first_byte: Option<Duration>,
    /// The body reached the cap and was cut there.
    pub truncated: bool,
    /// The proxy the request went through (`host:port`).
    pub proxy: Option<String>,
    /// The answer is the proxy's own, not the server's (a refused tunnel).
    pub from_proxy: bool,
    /// The request's header lines as they were written (empty for a file).
    pub sent: Vec<(String, String)>,
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
    /// Which proxy each request goes through (from the environment).
    pub proxies: proxy::ProxySettings,
    pub tls: tls::TlsSettings,
    /// Certificates the user trusts for one host and port.
    pub trusted: crate::store::trusted_certs::TrustedCerts,
}

impl NetConfig {
    pub fn from_settings(network: &crate::store::config::Network) -> NetConfig {
        NetConfig {
            body_cap: network.body_cap(),
            connect_timeout: network.connect_timeout(),
            response_timeout: network.read_timeout(),
            total_timeout: network.total_timeout(),
            tls: tls::TlsSettings { ca_file: network.ca_file.clone() },
            ..NetConfig::default()
        }
    }
}

impl NetConfig {
    /// The settings as the user has them: config.toml's, the proxies of the environment, and
    /// the certificates trusted in `trusted_file`. Warnings say what could not be used.
    pub fn for_user(
        network: &crate::store::config::Network,
        trusted_file: Option<std::path::PathBuf>,
    ) -> (NetConfig, Vec<String>) {
        let (proxies, mut warnings) = proxy::ProxySettings::from_env();
        let (trusted, warning) = crate::store::trusted_certs::TrustedCerts::load(trusted_file);
        warnings.extend(warning);
        if let Some(file) = network.ca_file.as_ref().filter(|f| !f.is_file()) {
            warnings
                .push(format!("ca_file {} is not a file that can be read; it is not used", file.display()));
        }
        (NetConfig { proxies, trusted, ..NetConfig::from_settings(network) }, warnings)
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
            proxies: proxy::ProxySettings::default(),
            tls: tls::TlsSettings::default(),
            trusted: Default::default(),
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
    tls: Arc<tls::Tls>,
}

/// A response whose body is still to be read (decoded: content codings undone).
pub struct Opened {
    pub head: ResponseHead,
    pub body: Box<dyn Read + Send>,
    /// The proxy the request went through (`host:port`).
    pub proxy: Option<String>,
    /// The answer is the proxy's own (it refused to connect to the server), not the server's.
    pub from_proxy: bool,
    /// The request's header lines as they were written.
    pub sent: Vec<(String, String)>,
}

impl Client {
    pub fn new(config: NetConfig) -> Client {
        let agent_config = ureq::Agent::config_builder()
            // ureq would read the proxy variables itself, its own way; `proxy.rs` decides.
            .proxy(None)
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_connect(Some(config.connect_timeout))
            .timeout_recv_response(Some(config.response_timeout))
            .timeout_per_read(Some(config.response_timeout))
            .timeout_global(Some(config.total_timeout))
            .user_agent(config.user_agent.as_str())
            .build();
        let tls = Arc::new(tls::Tls::new(config.tls.clone(), config.trusted.clone()));
        let agent = transport::agent(agent_config, tls.clone());
        Client { agent, config, cache: None, cookies: None, tls }
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

    /// The certificates the user trusts, shared with every connection of this client.
    pub fn trusted_certs(&self) -> &std::sync::RwLock<crate::store::trusted_certs::TrustedCerts> {
        &self.tls.trusted
    }

    /// Problems met loading the trusted authorities (once a TLS connection needed them).
    pub fn tls_notes(&self) -> Vec<String> {
        self.tls.notes()
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
        self.fetch_watching(req, &mut |arriving| progress(arriving.body.len() as u64, arriving.total))
    }

    /// [`Client::fetch`], telling `watch` after every piece of the body what has arrived;
    /// returning `false` cancels.
    pub fn fetch_watching(
        &self,
        req: &FetchRequest,
        watch: &mut dyn FnMut(&Arriving) -> bool,
    ) -> Result<FetchResponse, TransportFailure> {
        let started = Instant::now();
        match req.url.scheme() {
            "http" | "https" => self.fetch_http(req, started, watch),
            "file" => file::fetch(&req.url, started, self.config.body_cap, watch),
            other => Err(TransportFailure::Unsupported(format!("margay cannot open {other}: addresses"))),
        }
    }

    fn fetch_http(
        &self,
        req: &FetchRequest,
        started: Instant,
        watch: &mut dyn FnMut(&Arriving) -> bool,
    ) -> Result<FetchResponse, TransportFailure> {
        let Opened { head, mut body, proxy, from_proxy, sent } = self.open(req)?;
        let first_byte = started.elapsed();
        // Only an unencoded body's length is the length of what is read.
        let announced = head
            .header("content-length")
            .filter(|_| {
                head.header("content-encoding").is_none_or(|c| c.trim().eq_ignore_ascii_case("identity"))
            })
            .and_then(|v| v.trim().parse::<u64>().ok());
        let (body, truncated) = read_capped(&mut body, self.config.body_cap, announced, &mut |so_far| {
            watch(&Arriving { head: &head, body: so_far, total: announced })
        })?;
        Ok(FetchResponse {
            url: req.url.clone(),
            head,
            body: Arc::new(body),
            elapsed: started.elapsed(),
            first_byte: Some(first_byte),
            truncated,
            proxy,
            from_proxy,
            sent,
        })
    }

    /// Send one http(s) request and return the head with the body still to read (decoded:
    /// content codings undone), for callers that stream it (downloads, `--source`).
    pub fn open(&self, req: &FetchRequest) -> Result<Opened, TransportFailure> {
        let proxy = self.config.proxies.for_url(&req.url).map_err(TransportFailure::ProxyUnusable)?.cloned();
        let proxy_name = proxy.as_ref().map(proxy::Proxy::name);
        let credentials = proxy.as_ref().and_then(|p| {
            req.proxy_credentials
                .iter()
                .rev()
                .find(|c| c.proxy == p.name())
                .map(|c| (c.user.clone(), c.password.clone()))
                .or_else(|| p.credentials())
        });
        let target = without_fragment(&req.url);
        let mut builder = ureq::http::Request::builder()
            .method(req.method.as_str())
            .header("Accept", "text/html, application/xhtml+xml, text/plain;q=0.9, */*;q=0.5")
            .header("Accept-Encoding", encoding::ACCEPT_ENCODING);
        builder = match (&proxy, req.url.scheme()) {
            // Through an HTTP proxy a plain request names the whole address (RFC 9112
            // §3.2.2), on a connection to the proxy; only https:// needs a CONNECT tunnel.
            (Some(p), "http") => {
                let mut builder = builder.uri(via_proxy(p, &target)).header("Host", host_header(&req.url));
                if let Some((user, password)) = &credentials {
                    builder = builder.header("Proxy-Authorization", basic(user, password));
                }
                builder
            }
            _ => builder.uri(target.as_str()),
        };
        for (name, value) in &req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let has_cookie_header = req.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("cookie"));
        if let (Some(jar), false) = (&self.cookies, has_cookie_header) {
            if let Some(cookie) = jar.header_for(&req.url) {
                builder = builder.header("Cookie", cookie);
            }
        }
        let tunnel = match (&proxy, req.url.scheme()) {
            (Some(p), "https") => Some(tunnel_proxy(p, credentials.as_ref())?),
            _ => None,
        };
        let bad_request =
            |e: ureq::http::Error| TransportFailure::Protocol(format!("the request could not be made ({e})"));
        let origin = match (&proxy, req.url.scheme()) {
            (Some(_), "http") => Some(format!("http://{}", host_header(&req.url))),
            _ => None,
        };
        transport::begin(origin);
        let result = match &req.body {
            Some(body) => builder.body(body.clone()).map_err(bad_request).map(|r| self.run(r, tunnel)),
            None => builder.body(()).map_err(bad_request).map(|r| self.run(r, tunnel)),
        }?;
        let heads = transport::heads();
        let sent = transport::sent();
        let response = match result {
            Ok(response) => response,
            Err(e) => return self.refused(e, &req.url, proxy_name, heads, sent),
        };
        let status = response.status().as_u16();
        let reason = heads
            .iter()
            .rev()
            .find(|h| h.status == status)
            .map(|h| h.reason.clone())
            .unwrap_or_else(|| response.status().canonical_reason().unwrap_or("").to_string());
        // The headers as the server wrote them (names' case, order, repeats); ureq's map
        // when the tap saw no head (it always does, unless a head was too large to keep).
        let headers = match heads.iter().rev().find(|h| h.status == status) {
            Some(raw) => raw.headers.clone(),
            None => response
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
        };
        let head = ResponseHead { status, reason, headers };
        if let Some(jar) = &self.cookies {
            jar.store_from(&req.url, &head.headers);
        }
        // HEAD and these codes never have a body (RFC 9110 §6.4.1): nothing is read, so no
        // decoder runs over a body that does not exist.
        if req.method == Method::Head || matches!(status, 100..=199 | 204 | 304) {
            return Ok(Opened {
                head,
                body: Box::new(std::io::empty()),
                proxy: proxy_name,
                from_proxy: false,
                sent,
            });
        }
        let codings = encoding::codings(head.headers_all("content-encoding"))
            .map_err(|e| TransportFailure::Undecodable(e.to_string()))?;
        let reader = response.into_body().into_with_config().limit(u64::MAX).reader();
        let body = encoding::decoder(Box::new(reader), &codings);
        Ok(Opened { head, body, proxy: proxy_name, from_proxy: false, sent })
    }

    fn run<B: ureq::AsSendBody>(
        &self,
        request: ureq::http::Request<B>,
        tunnel: Option<ureq::Proxy>,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        match tunnel {
            Some(proxy) => self.agent.run(self.agent.configure_request(request).proxy(Some(proxy)).build()),
            None => self.agent.run(request),
        }
    }

    /// A request that got no answer from the server: why, naming the proxy when the proxy is
    /// the one that failed. A proxy's refusal to open a tunnel is the proxy's own answer (407
    /// asks for its credentials), handed on as a response with the page the proxy sent.
    fn refused(
        &self,
        e: ureq::Error,
        url: &Url,
        proxy: Option<String>,
        heads: Vec<transport::RawHead>,
        sent: Vec<(String, String)>,
    ) -> Result<Opened, TransportFailure> {
        if let (ureq::Error::ConnectProxyFailed(_), Some(head)) =
            (&e, heads.iter().rev().find(|h| h.status != 200))
        {
            let head = ResponseHead {
                status: head.status,
                reason: head.reason.clone(),
                headers: head.headers.clone(),
            };
            let body = Box::new(std::io::Cursor::new(transport::refusal_body()));
            return Ok(Opened { head, body, proxy, from_proxy: true, sent });
        }
        // Only interim (1xx) answers came before the connection ended: that is the answer.
        if let Some(last) = heads.last().filter(|_| heads.iter().all(|h| (100..200).contains(&h.status))) {
            let head = ResponseHead {
                status: last.status,
                reason: last.reason.clone(),
                headers: last.headers.clone(),
            };
            return Ok(Opened { head, body: Box::new(std::io::empty()), proxy, from_proxy: false, sent });
        }
        let failure = transport_failure(e, url);
        Err(match (proxy, failure) {
            (Some(proxy), TransportFailure::Refused(detail) | TransportFailure::Dns(detail))
                if heads.is_empty() =>
            {
                TransportFailure::ProxyUnreachable { proxy, detail }
            }
            (Some(proxy), TransportFailure::Timeout(detail))
                if heads.is_empty() && url.scheme() == "https" =>
            {
                TransportFailure::ProxyUnreachable { proxy, detail }
            }
            (_, failure) => failure,
        })
    }
}

/// One proxy's credentials for this session, given after a 407.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyCredential {
    /// The proxy's `host:port`.
    pub proxy: String,
    pub user: String,
    pub password: String,
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

fn without_fragment(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    url
}

fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// The URI ureq is given for a plain request through `proxy`: the proxy's address with the
/// target's path (the tap in `transport.rs` puts the target's origin in front of the path).
fn via_proxy(proxy: &proxy::Proxy, target: &Url) -> String {
    let host = proxy.url.host_str().unwrap_or("");
    let port = proxy.url.port_or_known_default().unwrap_or(80);
    format!("{}://{host}:{port}{}", proxy.url.scheme(), &target[url::Position::BeforePath..])
}

/// ureq's CONNECT proxy for an https:// request, with the credentials to send it.
fn tunnel_proxy(
    proxy: &proxy::Proxy,
    credentials: Option<&(String, String)>,
) -> Result<ureq::Proxy, TransportFailure> {
    let mut url = proxy.url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    if let Some((user, password)) = credentials {
        let _ = url.set_username(user);
        let _ = url.set_password(Some(password));
    }
    ureq::Proxy::new(url.as_str())
        .map_err(|e| TransportFailure::Protocol(format!("the proxy {} cannot be used ({e})", proxy.name())))
}

/// Read a body up to `cap` bytes, reporting progress; stops early when cancelled.
pub(crate) fn read_capped(
    reader: &mut dyn Read,
    cap: u64,
    announced: Option<u64>,
    watch: &mut dyn FnMut(&[u8]) -> bool,
) -> Result<(Vec<u8>, bool), TransportFailure> {
    let mut body = Vec::with_capacity(announced.unwrap_or(16 * 1024).min(cap).min(8 << 20) as usize);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(match io_failure(e) {
                    // How far the body came says more than the library's words.
                    TransportFailure::Io(_) => TransportFailure::Io(match announced {
                        Some(total) => {
                            format!("the server closed the connection after {} of {total} bytes", body.len())
                        }
                        None => format!("the server closed the connection after {} bytes", body.len()),
                    }),
                    other => other,
                });
            }
        };
        let room = (cap - body.len() as u64) as usize;
        body.extend_from_slice(&chunk[..n.min(room)]);
        if n > room || body.len() as u64 >= cap {
            return Ok((body, true));
        }
        if !watch(&body) {
            return Err(TransportFailure::Cancelled);
        }
    }
    watch(&body);
    Ok((body, false))
}

/// An I/O error in words, without the "(os error N)" a user has no use for.
pub(crate) fn plain_io(e: &std::io::Error) -> String {
    crate::plain::io(e)
}

/// What a ureq timeout was waiting for.
fn timeout_words(t: ureq::Timeout) -> String {
    use ureq::Timeout as T;
    match t {
        T::Resolve => "looking up the name took too long",
        T::Connect => "connecting took too long",
        T::SendRequest | T::SendBody | T::PerWrite => "sending the request took too long",
        T::RecvResponse => "the answer's headers did not come in time",
        T::RecvBody | T::PerRead => "the answer stopped coming in before its end",
        _ => "the whole request took too long",
    }
    .to_string()
}

fn io_failure(e: std::io::Error) -> TransportFailure {
    // ureq wraps its own errors (timeouts among them) in io::Error while a body is read.
    if let Some(failed) = e.get_ref().and_then(|inner| inner.downcast_ref::<encoding::DecodeFailed>()) {
        return TransportFailure::Undecodable(failed.to_string());
    }
    if let Some(ureq::Error::Timeout(t)) = e.get_ref().and_then(|inner| inner.downcast_ref::<ureq::Error>()) {
        return TransportFailure::Timeout(timeout_words(*t));
    }
    let text = plain_io(&e);
    match e.kind() {
        std::io::ErrorKind::TimedOut => TransportFailure::Timeout(text),
        _ if text.contains("timeout") || text.contains("timed out") => TransportFailure::Timeout(text),
        _ => TransportFailure::Io(text),
    }
}

fn transport_failure(e: ureq::Error, url: &Url) -> TransportFailure {
    use ureq::Error as E;
    match e {
        E::HostNotFound => TransportFailure::Dns("the host name was not found".into()),
        E::ConnectionFailed => TransportFailure::Refused("the connection failed".into()),
        E::Timeout(t) => TransportFailure::Timeout(timeout_words(t)),
        E::Tls(reason) => {
            TransportFailure::Tls(Box::new(crate::policy::TlsFailure::other(&host_port(url), reason)))
        }
        E::Io(io) => {
            if let Some(tls::HandshakeFailed(failure)) =
                io.get_ref().and_then(|inner| inner.downcast_ref::<tls::HandshakeFailed>())
            {
                return TransportFailure::Tls(Box::new(failure.clone()));
            }
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => TransportFailure::Refused(String::new()),
                std::io::ErrorKind::TimedOut => TransportFailure::Timeout(plain_io(&io)),
                _ => {
                    let text = io.to_string();
                    if text.contains("failed to lookup") || text.contains("Name or service not known") {
                        TransportFailure::Dns(text)
                    } else {
                        io_failure(io)
                    }
                }
            }
        }
        E::BodyExceedsLimit(limit) => TransportFailure::TooLarge { limit },
        E::Protocol(ureq_proto::Error::HttpParseTooManyHeaders) => TransportFailure::HeadTooLarge(format!(
            "more than {} header lines",
            ureq_proto::client::MAX_RESPONSE_HEADERS
        )),
        E::LargeResponseHeader(_, limit) => {
            TransportFailure::HeadTooLarge(format!("more than {} KB of headers", limit / 1024))
        }
        E::Protocol(p) => TransportFailure::Protocol(p.to_string()),
        other => TransportFailure::Protocol(ureq_words(&other)),
    }
}

/// ureq's other errors in words: its own texts start with the variant's name ("http: …",
/// "bad uri: …", "other: …") or carry another library's debug formatting.
fn ureq_words(e: &ureq::Error) -> String {
    use ureq::Error as E;
    match e {
        E::Http(e) => {
            format!("the request could not be made ({})", crate::plain::debug_words(&e.to_string()))
        }
        E::BadUri(uri) => format!("the address cannot be sent ({uri})"),
        E::InvalidProxyUrl => "the proxy's address is not usable".to_string(),
        E::ConnectProxyFailed(why) => format!("the proxy did not open a connection ({why})"),
        E::LargeResponseHeader(_, limit) => format!("the answer's headers are larger than {limit} bytes"),
        E::TlsRequired => "the connection needed TLS but was plain".to_string(),
        E::RequireHttpsOnly(why) => format!("only https is allowed ({why})"),
        E::Io(io) => plain_io(io),
        E::Other(other) => crate::plain::debug_words(&other.to_string()),
        other => crate::plain::debug_words(&other.to_string()),
    }
}

fn host_port(url: &Url) -> String {
    format!("{}:{}", url.host_str().unwrap_or(""), url.port_or_known_default().unwrap_or(443))
}
