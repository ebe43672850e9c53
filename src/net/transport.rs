//! The connection stack under margay's ureq agent: TCP (through a CONNECT tunnel when an
//! https:// page goes through a proxy), margay's TLS (`tls.rs`), and on top a tap that keeps
//! each response head as it came off the wire.
//!
//! The tap exists because ureq hands on a status code but not the reason phrase the server
//! wrote ("418 I'M A TEAPOT", "404 No Such Widget"), and a proxy's refusal of a CONNECT only
//! as an error string, without the page that says why; margay shows all of it as sent. It
//! also keeps the request head as written (the headers ureq added included), for the network
//! log. What the tap saw is kept per thread — a request runs on one thread from connect to
//! response head — and read by `net` right after the request.
//!
//! The tap changes bytes in one case: a plain http:// request through a proxy must name the
//! whole address on its request line (`GET http://host/path HTTP/1.1`, RFC 9112 §3.2.2),
//! which ureq 3 cannot write (the `http` crate refuses such a path, and ureq tunnels with
//! CONNECT instead, which ordinary proxies allow only to TLS ports). ureq is pointed at the
//! proxy and writes `GET /path`; the tap puts the origin in front of the path.

use super::tls::{Tls, TlsConnector};
use std::cell::RefCell;
use std::sync::Arc;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, NextTimeout, TcpConnector, Transport,
};

/// A response head as the server (or a proxy) sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawHead {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
}

/// How many heads one request can produce that are worth keeping: a CONNECT answer, interim
/// answers, the final one.
const KEPT_HEADS: usize = 8;

thread_local! {
    static HEADS: RefCell<Vec<RawHead>> = const { RefCell::new(Vec::new()) };
    /// The last request head written on this thread since `begin`: its header lines.
    static SENT: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
    /// `http://host:port` to put before the path of the request being sent to a proxy.
    static ABSOLUTE_FORM: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The body of a proxy's refusal of a CONNECT (ureq drops it with the connection).
    static REFUSAL_BODY: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The most of a proxy's refusal page kept: a page of explanation, not a download.
const MAX_REFUSAL_BODY: usize = 64 * 1024;

/// Forget what the tap saw on this thread (before a request). `origin`: the request goes
/// to a proxy and its request line must name this origin.
pub(super) fn begin(origin: Option<String>) {
    HEADS.with(|h| h.borrow_mut().clear());
    SENT.with(|s| s.borrow_mut().clear());
    REFUSAL_BODY.with(|b| b.borrow_mut().clear());
    ABSOLUTE_FORM.with(|a| *a.borrow_mut() = origin);
}

/// What the tap saw on this thread since [`begin`], oldest first.
pub(super) fn heads() -> Vec<RawHead> {
    ABSOLUTE_FORM.with(|a| *a.borrow_mut() = None);
    HEADS.with(|h| std::mem::take(&mut *h.borrow_mut()))
}

/// The header lines of the last request written on this thread since [`begin`] (empty when
/// none was written).
pub(super) fn sent() -> Vec<(String, String)> {
    SENT.with(|s| std::mem::take(&mut *s.borrow_mut()))
}

/// The body of the proxy's refusal of a CONNECT on this thread since [`begin`] (empty when
/// there was none, or it had no body).
pub(super) fn refusal_body() -> Vec<u8> {
    REFUSAL_BODY.with(|b| std::mem::take(&mut *b.borrow_mut()))
}

/// margay's agent: ureq with this module's connection stack.
pub(super) fn agent(config: ureq::config::Config, tls: Arc<Tls>) -> ureq::Agent {
    let connector =
        ().chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(TlsConnector { tls })
            .chain(TapConnector);
    ureq::Agent::with_parts(config, connector, DefaultResolver::default())
}

#[derive(Debug)]
struct TapConnector;

impl<In: Transport> Connector<In> for TapConnector {
    type Out = Tap<In>;

    fn connect(&self, _: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| Tap { inner, expecting: false, connect: false }))
    }
}

#[derive(Debug)]
struct Tap<T> {
    inner: T,
    /// A request went out and its final response head has not been seen yet.
    expecting: bool,
    /// That request is a CONNECT (to a proxy, for a tunnel).
    connect: bool,
}

impl<T: Transport> Transport for Tap<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let mut amount = amount;
        // The first bytes of a request (not of its body): the request line.
        if !self.expecting {
            if let Some(origin) = ABSOLUTE_FORM.with(|a| a.borrow().clone()) {
                amount = absolute_form(self.inner.buffers().output(), amount, origin.as_bytes())?;
            }
            if let Some(headers) = parse_request_head(&self.inner.buffers().output()[..amount]) {
                SENT.with(|s| *s.borrow_mut() = headers);
            }
            self.connect = self.inner.buffers().output()[..amount].starts_with(b"CONNECT ");
        }
        self.expecting = true;
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let progress = self.inner.await_input(timeout)?;
        if self.expecting {
            if let Some(head) = parse_head(self.inner.buffers().input()) {
                // An interim (1xx) answer is followed by the real one, except a switch.
                self.expecting = (100..200).contains(&head.status) && head.status != 101;
                if self.connect && head.status >= 300 {
                    self.keep_refusal_body(&head, timeout);
                }
                HEADS.with(|h| {
                    let mut h = h.borrow_mut();
                    if h.len() < KEPT_HEADS {
                        h.push(head);
                    }
                });
            }
        }
        Ok(progress)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

impl<T: Transport> Tap<T> {
    /// A proxy refused a CONNECT (`head`): its page says why. ureq ends the connection on
    /// the head alone, so the body is read here — as far as its Content-Length, or to the
    /// end of a connection the proxy closes after it (tinyproxy's way), within the
    /// request's timeout — and kept for the diagnostic page, [`MAX_REFUSAL_BODY`] at most.
    fn keep_refusal_body(&mut self, head: &RawHead, timeout: NextTimeout) {
        let header =
            |name: &str| head.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v);
        let length = header("content-length").and_then(|v| v.trim().parse::<usize>().ok());
        let closes = header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let wanted = length.unwrap_or(MAX_REFUSAL_BODY).min(MAX_REFUSAL_BODY);
        let Some(start) = head_length(self.inner.buffers().input()) else { return };
        while self.inner.buffers().input().len() - start < wanted && (length.is_some() || closes) {
            match self.inner.await_input(timeout) {
                Ok(true) => {}
                // The end of the connection, a timeout, an error: what came is what there is.
                Ok(false) | Err(_) => break,
            }
        }
        let input = self.inner.buffers().input();
        let body = &input[start..input.len().min(start + wanted)];
        REFUSAL_BODY.with(|b| *b.borrow_mut() = body.to_vec());
    }
}

/// The length of the complete response head at the start of `input`.
fn head_length(input: &[u8]) -> Option<usize> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    match httparse::Response::new(&mut headers).parse(input) {
        Ok(httparse::Status::Complete(n)) => Some(n),
        _ => None,
    }
}

/// Turn `METHOD /path …` at the start of `output[..amount]` into `METHOD origin/path …`;
/// returns the new length.
fn absolute_form(output: &mut [u8], amount: usize, origin: &[u8]) -> Result<usize, ureq::Error> {
    let refuse = || ureq::Error::Io(std::io::Error::other("the request line does not fit the output buffer"));
    let start = output[..amount].iter().position(|&b| b == b' ').ok_or_else(refuse)? + 1;
    if output.get(start) != Some(&b'/') {
        return Ok(amount);
    }
    let grown = amount + origin.len();
    if grown > output.len() {
        return Err(refuse());
    }
    output.copy_within(start..amount, start + origin.len());
    output[start..start + origin.len()].copy_from_slice(origin);
    Ok(grown)
}

/// The head at the start of `input`, once it is complete.
fn parse_head(input: &[u8]) -> Option<RawHead> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(input) {
        Ok(httparse::Status::Complete(_)) => Some(RawHead {
            status: response.code?,
            reason: response.reason.unwrap_or("").to_string(),
            headers: response
                .headers
                .iter()
                .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).into_owned()))
                .collect(),
        }),
        _ => None,
    }
}

/// The header lines of the request head at the start of `output`, once it is complete.
fn parse_request_head(output: &[u8]) -> Option<Vec<(String, String)>> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(output) {
        Ok(httparse::Status::Complete(_)) => Some(
            request
                .headers
                .iter()
                .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).into_owned()))
                .collect(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_line_gets_its_origin() {
        let mut buffer = vec![0u8; 64];
        let request = b"GET /a?b HTTP/1.1\r\nHost: x\r\n\r\n";
        buffer[..request.len()].copy_from_slice(request);
        let n = absolute_form(&mut buffer, request.len(), b"http://x:8080").unwrap();
        assert_eq!(&buffer[..n], b"GET http://x:8080/a?b HTTP/1.1\r\nHost: x\r\n\r\n");
        let mut tight = request.to_vec();
        assert!(
            absolute_form(&mut tight, request.len(), b"http://x").is_err(),
            "no room: an error, never a cut line"
        );
    }

    #[test]
    fn a_head_is_read_only_when_complete() {
        assert_eq!(parse_head(b"HTTP/1.1 418 I'M A TEAPOT\r\nX: 1\r\n"), None);
        let head = parse_head(b"HTTP/1.1 418 I'M A TEAPOT\r\nX: 1\r\n\r\nbody").unwrap();
        assert_eq!((head.status, head.reason.as_str()), (418, "I'M A TEAPOT"));
        assert_eq!(head.headers, vec![("X".to_string(), "1".to_string())]);
    }

    #[test]
    fn a_request_head_is_read_with_its_headers() {
        assert_eq!(parse_request_head(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        let headers = parse_request_head(b"GET / HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\nbody").unwrap();
        assert_eq!(headers, vec![("Host".into(), "x".into()), ("Accept".into(), "*/*".into())]);
    }
}
