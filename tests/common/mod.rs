//! Shared test helpers: a real HTTP server on 127.0.0.1 that records what it received, and a
//! driver that runs the app with the browser's own effect runner against it.
#![allow(dead_code)]

pub mod pty;
pub mod servers;

use margay::net::cache::Cache;
use margay::net::cookies::CookieJar;
use margay::net::download::DownloadEvent;
use margay::net::{Client, NetConfig};
use margay::runner::{Handover, Runner};
use margay::ui::files::OpenedWith;
use margay::ui::{App, BookmarkOp, Effect, Keymap, Msg};
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

/// Runs the app with the runner the browser uses (`margay::runner`), against real servers:
/// each step carries out the effects and feeds the answers back until nothing is owed (no
/// load, layout or check still running), as the terminal loop would between two keys.
pub struct Driver {
    pub app: App,
    pub client: Client,
    pub quit: bool,
    /// Bookmark relinks the app asked for, (old, new).
    pub relinked: Vec<(String, String)>,
    pub progress_seen: Vec<(u64, Option<u64>)>,
    /// Bodies the app asked to open in a viewer: (type, name, length).
    pub opened: Vec<(String, String, usize)>,
    /// Times the app asked to be suspended (Ctrl-Z).
    pub suspended: usize,
    /// Keep reader views asked for in `held_readers` instead of making them at once (as a
    /// slow page would), until `finish_readers`.
    pub hold_readers: bool,
    pub held_readers: Vec<(u64, std::sync::Arc<margay::document::Document>, u16)>,
    /// The reader views the app stopped.
    pub readers_stopped: Vec<u64>,
    /// What the app wrote to the terminal's clipboard, each sequence as its bytes.
    pub clipboard: Vec<Vec<u8>>,
    runner: Runner,
    answers: std::sync::mpsc::Receiver<Msg>,
    sender: std::sync::mpsc::Sender<Msg>,
    downloads_done: usize,
    downloads_waited: usize,
}

/// The terminal's part, faked: the "editor" gives the text back in capitals, a "viewer" is
/// noted and said to have run, what is written to the clipboard is kept.
struct FakeTerminal<'a> {
    opened: &'a mut Vec<(String, String, usize)>,
    suspended: &'a mut usize,
    clipboard: &'a mut Vec<Vec<u8>>,
}

impl Handover for FakeTerminal<'_> {
    fn suspend(&mut self) -> Option<(u16, u16)> {
        *self.suspended += 1;
        None
    }

    fn edit_text(&mut self, text: &str) -> Result<String, String> {
        Ok(text.to_uppercase())
    }

    fn open_externally(
        &mut self,
        body: &[u8],
        mime: &str,
        name: &str,
        _late: std::sync::mpsc::Sender<Msg>,
    ) -> Result<OpenedWith, String> {
        self.opened.push((mime.to_string(), name.to_string(), body.len()));
        Ok(OpenedWith::Started("the test viewer".into()))
    }

    fn set_clipboard(&mut self, sequence: &[u8]) -> Result<(), String> {
        self.clipboard.push(sequence.to_vec());
        Ok(())
    }
}

/// The OSC 52 sequence that puts `text` on the clipboard, as a terminal should receive it
/// (written out here, not taken from margay, so that a test states what it expects).
pub fn osc52(text: &str) -> Vec<u8> {
    use base64::Engine;
    let mut sequence = b"\x1b]52;c;".to_vec();
    sequence.extend(base64::engine::general_purpose::STANDARD.encode(text).bytes());
    sequence.push(0x07);
    sequence
}

/// How long an answer may take to come.
const ANSWER_DEADLINE: std::time::Duration = std::time::Duration::from_secs(90);

/// Where `needle` starts in a drawn buffer: (column, row).
pub fn find_in(buf: &ratatui::buffer::Buffer, needle: &str) -> Option<(u16, u16)> {
    for y in 0..buf.area.height {
        let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
        if let Some(i) = row.find(needle) {
            return Some((row[..i].chars().count() as u16, y));
        }
    }
    None
}

impl Driver {
    /// The screen with `server`'s port written as PORT, so that a snapshot does not depend
    /// on the port the test got.
    pub fn screen_on(&self, server: &TestServer) -> String {
        self.screen().replace(&server.base, "http://127.0.0.1:PORT")
    }

    pub fn new(width: u16, height: u16) -> Driver {
        let (jar, _) = CookieJar::new(None);
        let client = Client::new(NetConfig::default())
            .with_cache(Cache::new(None, 1 << 24, 1 << 24))
            .with_cookies(jar);
        Driver::with_client(client, width, height)
    }

    /// A driver whose loads go through `client`.
    pub fn with_client(client: Client, width: u16, height: u16) -> Driver {
        let (sender, answers) = std::sync::mpsc::channel();
        Driver {
            app: App::new(Keymap::defaults(), width, height),
            runner: Runner::new(client.clone(), sender.clone(), None, None),
            client,
            quit: false,
            relinked: Vec::new(),
            progress_seen: Vec::new(),
            opened: Vec::new(),
            suspended: 0,
            hold_readers: false,
            held_readers: Vec::new(),
            readers_stopped: Vec::new(),
            clipboard: Vec::new(),
            answers,
            sender,
            downloads_done: 0,
            downloads_waited: 0,
        }
    }

    /// Load through `client` from now on.
    pub fn set_client(&mut self, client: Client) {
        self.client = client;
        self.runner = Runner::new(self.client.clone(), self.sender.clone(), None, None);
    }

    /// Keep bookmarks in this file and visited links in that one, as the browser does at
    /// start (a visited file of `None`: not kept).
    pub fn with_files(
        mut self,
        bookmarks: Option<&std::path::Path>,
        visited: Option<&std::path::Path>,
    ) -> Driver {
        self.runner = Runner::new(
            self.client.clone(),
            self.sender.clone(),
            bookmarks.map(|p| p.to_path_buf()),
            visited.map(|p| p.to_path_buf()),
        );
        let mut effects = Vec::new();
        for msg in self.runner.start() {
            effects.extend(self.app.update(msg));
        }
        self.run(effects);
        self
    }

    /// Keep the session in this file, as the browser does at start (the last session in it
    /// is read, and this driver's app saves there, unless another holds its lock).
    pub fn with_session(mut self, path: &std::path::Path) -> Driver {
        self.runner = Runner::new(self.client.clone(), self.sender.clone(), None, None)
            .with_session_file(Some(path.to_path_buf()));
        let msgs = self.runner.start();
        let mut effects = Vec::new();
        for msg in msgs {
            effects.extend(self.app.update(msg));
        }
        self.run(effects);
        self
    }

    /// Carry out `effects` and everything that follows from them, until nothing is owed.
    pub fn run(&mut self, effects: Vec<Effect>) {
        self.carry_out(effects, true);
    }

    /// Carry out `effects` and what follows at once, leaving loads and layouts running.
    pub fn begin(&mut self, effects: Vec<Effect>) {
        self.carry_out(effects, false);
    }

    fn carry_out(&mut self, effects: Vec<Effect>, wait: bool) {
        let mut effects = effects;
        loop {
            for effect in &effects {
                match effect {
                    Effect::Bookmark(BookmarkOp::Relink { old, new }) => {
                        self.relinked.push((old.clone(), new.to_string()))
                    }
                    Effect::CancelReader { id } => self.readers_stopped.push(*id),
                    _ => {}
                }
            }
            // Held reader views stay here, as on a slow page, until `finish_readers`.
            if self.hold_readers {
                let (held, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut effects)
                    .into_iter()
                    .partition(|e| matches!(e, Effect::Reader { .. }));
                for effect in held {
                    if let Effect::Reader { id, doc, width } = effect {
                        self.held_readers.push((id, doc, width));
                    }
                }
                effects = rest;
            }
            let ran = self.runner.run(
                std::mem::take(&mut effects),
                &mut FakeTerminal {
                    opened: &mut self.opened,
                    suspended: &mut self.suspended,
                    clipboard: &mut self.clipboard,
                },
            );
            if ran.quit {
                self.quit = true;
                return;
            }
            for msg in ran.ready {
                effects.extend(self.app.update(msg));
            }
            if !effects.is_empty() {
                continue;
            }
            if self.runner.owed() == 0 || !wait {
                return;
            }
            let msg = self.answers.recv_timeout(ANSWER_DEADLINE).expect("an answer from the runner");
            effects = self.feed(msg);
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

    /// A message from the channel, as the terminal loop hands it to the app.
    fn feed(&mut self, msg: Msg) -> Vec<Effect> {
        match &msg {
            Msg::Download(DownloadEvent::Done { .. }) => self.downloads_done += 1,
            Msg::Download(DownloadEvent::Progress { bytes, total, .. }) => {
                self.progress_seen.push((*bytes, *total))
            }
            _ => {}
        }
        let mut effects = Vec::new();
        for extra in self.runner.observe(&msg) {
            effects.extend(self.app.update(extra));
        }
        effects.extend(self.app.update(msg));
        effects
    }

    /// Give the app a message, and carry out what follows.
    pub fn send(&mut self, msg: Msg) {
        let effects = self.feed(msg);
        self.run(effects);
    }

    /// Use this bookmark file, as the browser does at start.
    pub fn with_bookmarks(self, path: &std::path::Path) -> Driver {
        self.with_files(Some(path), None)
    }

    /// Feed reports to the app until `n` more downloads have finished.
    pub fn wait_downloads(&mut self, n: usize) {
        while self.downloads_done < self.downloads_waited + n {
            let msg = self.answers.recv_timeout(ANSWER_DEADLINE).expect("a download report");
            let effects = self.feed(msg);
            self.run(effects);
        }
        self.downloads_waited += n;
    }

    /// A key, its effects started but not waited for (a load goes on meanwhile).
    pub fn key_started(&mut self, code: KeyCode) {
        let effects = self.app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self.begin(effects);
    }

    /// Feed the runner's messages to the app, without waiting for loads to end, until `done`.
    pub fn wait_until(&mut self, what: &str, done: impl Fn(&Driver) -> bool) {
        while !done(self) {
            let msg = self
                .answers
                .recv_timeout(ANSWER_DEADLINE)
                .unwrap_or_else(|_| panic!("timed out waiting for {what}; screen:\n{}", self.screen()));
            let effects = self.feed(msg);
            self.begin(effects);
        }
    }

    /// Wait for one message from the runner (a late answer), and carry out what follows.
    pub fn wait_message(&mut self) {
        let msg = self.answers.recv_timeout(ANSWER_DEADLINE).expect("a message from the runner");
        let effects = self.feed(msg);
        self.run(effects);
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
        let backend = ratatui::backend::TestBackend::new(self.app.width(), self.app.height());
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

    /// The visible screen as a buffer, to look at styles.
    pub fn buffer(&self) -> ratatui::buffer::Buffer {
        let backend = ratatui::backend::TestBackend::new(self.app.width(), self.app.height());
        let mut terminal = ratatui::Terminal::new(backend).expect("a test terminal");
        terminal.draw(|f| margay::ui::draw::draw(&self.app, f)).expect("draw");
        terminal.backend().buffer().clone()
    }

    /// The bottom line of the screen.
    pub fn status_line(&self) -> String {
        self.screen().lines().last().unwrap_or("").to_string()
    }

    pub fn page_text(&self) -> String {
        self.app
            .page()
            .map(|p| p.rendered.lines.iter().map(|l| l.text()).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default()
    }
}
