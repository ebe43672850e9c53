//! A misbehaving server on 127.0.0.1: each connection's request head is read, then a
//! handler writes whatever bytes it likes — a broken answer, a stall, a drip, an endless
//! body, an early close. Every loop here is bounded in bytes and time, so a test that
//! forgets its server never leaves one running for long.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The longest any handler loop runs.
pub const MAX_TIME: Duration = Duration::from_secs(60);

/// A request as the raw server read it.
#[derive(Clone, Debug)]
pub struct Request {
    pub head: String,
    pub method: String,
    pub path: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

pub struct RawServer {
    pub port: u16,
    /// Connections accepted so far.
    pub connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl RawServer {
    /// Serve each connection with `handler` on a thread of its own.
    pub fn start(handler: impl Fn(&Request, &mut TcpStream) + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicUsize::new(0));
        let handler = Arc::new(handler);
        let (flag, count) = (stop.clone(), connections.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let handler = handler.clone();
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(20)));
                    if let Some(request) = read_head(&mut stream) {
                        handler(&request, &mut stream);
                    }
                    let _ = stream.flush();
                });
            }
        });
        RawServer { port, connections, stop, thread: Some(thread) }
    }

    /// A server that writes `bytes` to every connection and closes it.
    pub fn fixed(bytes: impl Into<Vec<u8>>) -> RawServer {
        let bytes = bytes.into();
        RawServer::start(move |_, stream| {
            let _ = stream.write_all(&bytes);
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn read_head(stream: &mut TcpStream) -> Option<Request> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut first = head.lines().next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("").to_string();
    // A request body (POST) is not read: these handlers answer GETs.
    Some(Request { head, method, path })
}

/// A response head with the given status line and headers, ended by the blank line.
pub fn head(status: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// Write `chunk` again and again (after `head`) until the client goes away, `max_bytes`
/// are written or [`MAX_TIME`] passes. Returns the bytes of body written.
pub fn endless(stream: &mut TcpStream, head: &[u8], chunk: &[u8], max_bytes: u64) -> u64 {
    let started = Instant::now();
    if stream.write_all(head).is_err() {
        return 0;
    }
    let mut sent = 0u64;
    while sent < max_bytes && started.elapsed() < MAX_TIME {
        if stream.write_all(chunk).is_err() {
            break;
        }
        sent += chunk.len() as u64;
    }
    sent
}

/// Write `head`, then one byte of `body` every `interval`, until the body is out, the client
/// goes away or [`MAX_TIME`] passes.
pub fn drip(stream: &mut TcpStream, head: &[u8], body: &[u8], interval: Duration) {
    let started = Instant::now();
    if stream.write_all(head).is_err() {
        return;
    }
    for byte in body {
        if started.elapsed() > MAX_TIME || stream.write_all(&[*byte]).and_then(|()| stream.flush()).is_err() {
            return;
        }
        std::thread::sleep(interval);
    }
}

/// Write `head` (maybe nothing) and then hold the connection open without a word until
/// the client closes it or `limit` passes.
pub fn stall(stream: &mut TcpStream, head: &[u8], limit: Duration) {
    let _ = stream.write_all(head);
    let _ = stream.flush();
    let _ = stream.set_read_timeout(Some(limit.min(MAX_TIME)));
    let mut sink = [0u8; 1024];
    // Returns when the client closes (0 or an error) or the timeout passes.
    while let Ok(n) = stream.read(&mut sink) {
        if n == 0 {
            break;
        }
    }
}
