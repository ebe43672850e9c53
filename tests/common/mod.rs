//! Shared test helpers: a real HTTP server on 127.0.0.1 that records what it received, and a
//! driver that runs the app's update loop with real fetches against it.
#![allow(dead_code)]

pub mod pty;
pub mod servers;

use margay::net::cache::Cache;
use margay::net::cookies::CookieJar;
use margay::net::download::{spawn_download, DownloadEvent, DownloadHandle};
use margay::net::{self, Client, FetchEvent, NetConfig};
use margay::ui::{App, Effect, Keymap, Msg};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// What the server answers: status, headers, body.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn html(body: &str) -> Reply {
        Reply::new(200).header("Content-Type", "text/html; charset=utf-8").body(body.as_bytes())
    }
    pub fn text(body: &str) -> Reply {
        Reply::new(200).header("Content-Type", "text/plain; charset=utf-8").body(body.as_bytes())
    }
    pub fn new(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: Vec::new() }
    }
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
    pub fn body(mut self, body: &[u8]) -> Reply {
        self.body = body.to_vec();
        self
    }
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

pub struct TestServer {
    pub base: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Start a server on 127.0.0.1 (a free port) answering with `route(method, path)`.
    pub fn start(route: impl Fn(&Seen) -> Reply + Send + 'static) -> TestServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (srv, log) = (server.clone(), seen.clone());
        let thread = std::thread::spawn(move || {
            for mut request in srv.incoming_requests() {
                let mut body = Vec::new();
                let _ = request.as_reader().read_to_end(&mut body);
                let req = Seen {
                    method: request.method().as_str().to_string(),
                    path: request.url().to_string(),
                    headers: request
                        .headers()
                        .iter()
                        .map(|h| (h.field.to_string(), h.value.to_string()))
                        .collect(),
                    body,
                };
                let reply = route(&req);
                log.lock().unwrap().push(req);
                let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
                for (name, value) in &reply.headers {
                    if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                        response.add_header(h);
                    }
                }
                let _ = request.respond(response);
            }
        });
        TestServer { base: format!("http://127.0.0.1:{port}"), seen, server, thread: Some(thread) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Runs the app as the terminal loop does, but fetches synchronously: each Fetch effect is
/// carried out at once against the real server and its answer fed back as messages.
pub struct Driver {
    pub app: App,
    pub client: Client,
    pub quit: bool,
    /// Bookmark relinks the app asked for, (old, new).
    pub relinked: Vec<(String, String)>,
    /// Downloads running on their threads, reporting here.
    pub download_events: std::sync::mpsc::Receiver<DownloadEvent>,
    download_sender: std::sync::mpsc::Sender<DownloadEvent>,
    download_handles: Vec<(u64, DownloadHandle)>,
    pub progress_seen: Vec<(u64, Option<u64>)>,
    /// The bookmark file's side, when the test gave one.
    pub bookmarks: Option<margay::shell::BookmarkShell>,
    /// Bodies the app asked to open in a viewer: (type, name, length).
    pub opened: Vec<(String, String, usize)>,
    /// Keep reader views asked for in `held_readers` instead of making them at once (as a
    /// slow page would), until `finish_readers`.
    pub hold_readers: bool,
    pub held_readers: Vec<(u64, std::sync::Arc<margay::document::Document>, u16)>,
    /// The reader views the app stopped.
    pub readers_stopped: Vec<u64>,
}

impl Driver {
    pub fn new(width: u16, height: u16) -> Driver {
        let (download_sender, download_events) = std::sync::mpsc::channel();
        let (jar, _) = CookieJar::new(None);
        let client = Client::new(NetConfig::default())
            .with_cache(Cache::new(None, 1 << 24, 1 << 24))
            .with_cookies(jar);
        Driver {
            app: App::new(Keymap::defaults(), width, height),
            client,
            quit: false,
            relinked: Vec::new(),
            download_events,
            download_sender,
            download_handles: Vec::new(),
            progress_seen: Vec::new(),
            bookmarks: None,
            opened: Vec::new(),
            hold_readers: false,
            held_readers: Vec::new(),
            readers_stopped: Vec::new(),
        }
    }

    pub fn run(&mut self, effects: Vec<Effect>) {
        let mut queue = effects;
        while !queue.is_empty() {
            let mut next = Vec::new();
            for effect in queue {
                match effect {
                    Effect::Fetch { id, request, width } => {
                        let result = net::load(&self.client, &request, width, &mut |_, _| true).map(Box::new);
                        next.extend(self.app.update(Msg::Fetch(FetchEvent::Done { id, result })));
                    }
                    Effect::Cancel { .. } => {}
                    Effect::Layout { doc, width } => {
                        let rendered = doc.layout(width, &margay::document::Cancel::new());
                        next.extend(self.app.update(Msg::Laid { doc: doc.id, width, rendered }));
                    }
                    Effect::Download { id, request, path, overwrite } => {
                        let tx = self.download_sender.clone();
                        let handle =
                            spawn_download(self.client.clone(), id, request, path, overwrite, move |e| {
                                let _ = tx.send(e);
                            });
                        self.download_handles.push((id, handle));
                    }
                    Effect::CancelDownload { id } => {
                        if let Some((_, h)) = self.download_handles.iter().find(|(i, _)| *i == id) {
                            h.cancel();
                        }
                    }
                    Effect::SaveFile { path, bytes, overwrite, what } => {
                        let result = margay::store::save::save_atomically(&path, &bytes, overwrite);
                        next.extend(self.app.update(Msg::Saved { what, result }));
                    }
                    Effect::ShowCookies { site } => {
                        let cookies = self.client.cookies().map(|j| j.list_for(&site)).unwrap_or_default();
                        next.extend(self.app.update(Msg::Cookies { site, cookies, cleared: None }));
                    }
                    Effect::ClearCookies { site } => {
                        let cleared = self.client.cookies().map(|j| j.clear_for(&site));
                        let cookies = self.client.cookies().map(|j| j.list_for(&site)).unwrap_or_default();
                        next.extend(self.app.update(Msg::Cookies { site, cookies, cleared }));
                    }
                    Effect::CheckBookmarks { urls } => {
                        let results =
                            margay::shell::check_bookmarks(&self.client, &self.app.bookmarks, &urls);
                        next.extend(self.app.update(Msg::BookmarkCheck(results)));
                    }
                    other @ (Effect::AddBookmark { .. }
                    | Effect::ChangeBookmark { .. }
                    | Effect::UndoBookmark
                    | Effect::RelinkBookmarks { .. }) => {
                        if let Effect::RelinkBookmarks { old, new } = &other {
                            self.relinked.push((old.clone(), new.to_string()));
                        }
                        if let Some(update) = self.bookmarks.as_mut().and_then(|b| b.apply(&other)) {
                            next.extend(self.app.update(Msg::Bookmarks(update)));
                        }
                    }
                    // Tests stand in for the user's editor: the text comes back in capitals.
                    Effect::EditText { field, text } => next
                        .extend(self.app.update(Msg::TextEdited { field, result: Ok(text.to_uppercase()) })),
                    Effect::TrustCertificate { host_port, sha256, subject } => {
                        let cert = margay::store::trusted_certs::TrustedCert {
                            host_port: host_port.clone(),
                            sha256,
                            added: margay::store::trusted_certs::today(),
                            subject,
                        };
                        let result = self.client.trusted_certs().write().unwrap().add(cert);
                        next.extend(self.app.update(Msg::CertificateTrusted { host_port, result }));
                    }
                    Effect::OpenExternally { mime, name, body } => self.opened.push((mime, name, body.len())),
                    Effect::Reader { id, doc, width } if self.hold_readers => {
                        self.held_readers.push((id, doc, width))
                    }
                    Effect::Reader { id, doc, width } => {
                        let view =
                            doc.reader_view(width, &margay::document::Cancel::new()).expect("not stopped");
                        next.extend(self.app.update(Msg::Reader { id, view: Ok(view) }));
                    }
                    Effect::CancelReader { id } => self.readers_stopped.push(id),
                    Effect::Quit => self.quit = true,
                }
            }
            queue = next;
        }
    }

    /// Make the reader views held so far and hand them to the app, as their threads would
    /// (even a stopped one: the app must drop what it no longer wants).
    pub fn finish_readers(&mut self) {
        for (id, doc, width) in std::mem::take(&mut self.held_readers) {
            let view = doc.reader_view(width, &margay::document::Cancel::new()).expect("not stopped");
            let effects = self.app.update(Msg::Reader { id, view: Ok(view) });
            self.run(effects);
        }
    }

    /// Use this bookmark file, as the browser does at start.
    pub fn with_bookmarks(mut self, path: &std::path::Path) -> Driver {
        let shell = margay::shell::BookmarkShell::open(Some(path.to_path_buf()));
        let effects = self.app.update(Msg::Bookmarks(shell.update(None, None)));
        self.bookmarks = Some(shell);
        self.run(effects);
        self
    }

    /// Feed download reports to the app until `n` downloads have finished.
    pub fn wait_downloads(&mut self, n: usize) {
        let mut done = 0;
        while done < n {
            let event = self
                .download_events
                .recv_timeout(std::time::Duration::from_secs(30))
                .expect("a download report");
            match &event {
                DownloadEvent::Done { .. } => done += 1,
                DownloadEvent::Progress { bytes, total, .. } => self.progress_seen.push((*bytes, *total)),
            }
            let effects = self.app.update(Msg::Download(event));
            self.run(effects);
        }
    }

    /// The built-in start page, laid out.
    pub fn start_page(&mut self) {
        self.app.show_start_page();
        let effects = self.app.pending_effects();
        self.run(effects);
    }

    pub fn open(&mut self, url: &str) {
        let effects = self.app.open_typed(url);
        self.run(effects);
    }

    pub fn key(&mut self, code: KeyCode) {
        self.key_mod(code, KeyModifiers::NONE);
    }

    pub fn key_mod(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        let effects = self.app.update(Msg::Key(KeyEvent::new(code, modifiers)));
        self.run(effects);
    }

    pub fn char(&mut self, c: char) {
        self.key(KeyCode::Char(c));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.char(c);
        }
    }

    /// The visible screen as text, drawn through the same draw function as the terminal.
    pub fn screen(&self) -> String {
        let backend = ratatui::backend::TestBackend::new(self.app.width, self.app.height);
        let mut terminal = ratatui::Terminal::new(backend).expect("a test terminal");
        terminal.draw(|f| margay::ui::draw::draw(&self.app, f)).expect("draw");
        let buffer = terminal.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut line = String::new();
            for x in 0..buffer.area.width {
                line.push_str(buffer[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    pub fn address(&self) -> String {
        self.app.page().map(|p| p.address.to_string()).unwrap_or_default()
    }

    pub fn page_text(&self) -> String {
        self.app
            .page()
            .map(|p| p.rendered.lines.iter().map(|l| l.text()).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default()
    }
}
