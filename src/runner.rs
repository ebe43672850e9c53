//! The one effect runner: it carries out what the app asks for (`Effect`s) — loads, layouts,
//! downloads, saves, the cookie jar, the bookmark file and its checker, trusted certificates,
//! the visited links, the session — and hands back what comes of them as `Msg`s: at once when the answer
//! is known at once, else through the channel. The terminal loop and the tests' driver both
//! use it, so what the tests drive is what ships.
//!
//! What only a terminal can do — give the user's editor or viewer the terminal, write to the
//! clipboard through it — is behind [`Handover`], which the binary implements and the tests
//! fake. Every effect is matched by name: a new one does not compile until it is carried out
//! here. Threads are started only through `crate::jobs` (the network's workers included).

use crate::jobs::{self, Layouts};
use crate::net::download::{spawn_download, DownloadEvent, DownloadHandle};
use crate::net::{self, Client, FetchEvent, FetchHandle};
use crate::shell::BookmarkShell;
use crate::store::trusted_certs::{self, TrustedCert};
use crate::ui::files::OpenedWith;
use crate::ui::{Effect, Msg};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::Sender;

/// What only the terminal can do, for the runner.
pub trait Handover {
    /// Stop as a shell's job (Ctrl-Z) with the terminal as it was before margay, and take it
    /// back, the screen drawn whole, when the shell continues it; the window's size then.
    fn suspend(&mut self) -> Option<(u16, u16)>;
    /// Give the terminal to the user's editor for `text`; the text as edited, or why not.
    fn edit_text(&mut self, text: &str) -> Result<String, String>;
    /// Hand a body to the user's viewer. `late` takes what is only known later (a viewer of
    /// its own that then fails).
    fn open_externally(
        &mut self,
        body: &[u8],
        mime: &str,
        name: &str,
        late: Sender<Msg>,
    ) -> Result<OpenedWith, String>;
    /// Write a clipboard sequence (OSC 52, made by `ui::clipboard::osc52`) to the terminal.
    fn set_clipboard(&mut self, sequence: &[u8]) -> Result<(), String>;
    /// Inside tmux, which keeps an application's OSC 52 to itself unless told otherwise:
    /// hand the text to tmux (its paste buffer, and from there the outer terminal's
    /// clipboard). `None` outside tmux; an error when tmux would not take it.
    fn copy_through_tmux(&mut self, _text: &str) -> Option<Result<(), String>> {
        None
    }
}

/// What came of a batch of effects.
#[derive(Debug, Default)]
pub struct Ran {
    /// Answers known at once, for the app before anything else.
    pub ready: Vec<Msg>,
    /// A layout was asked for (it usually comes within milliseconds: a frame drawn before it
    /// would flash an empty page).
    pub laying_out: bool,
    /// The app asked to quit.
    pub quit: bool,
}

pub struct Runner {
    client: Client,
    tx: Sender<Msg>,
    loads: HashMap<u64, FetchHandle>,
    layouts: Layouts,
    /// Layouts asked for and not answered yet.
    layouts_owed: usize,
    downloads: HashMap<u64, DownloadHandle>,
    /// Bookmark checks running.
    checks_owed: usize,
    bookmarks: BookmarkShell,
    visited_file: Option<PathBuf>,
    /// The reader view being made (one at a time: a newer one stops the older).
    reader: Option<(u64, crate::document::Cancel)>,
    /// Reader views asked for whose threads have not ended.
    readers_owed: usize,
    /// Where the session is kept, until `start` opens it.
    session_file: Option<PathBuf>,
    session: Option<crate::store::session::Keeper>,
}

impl Runner {
    /// A runner whose answers go to `tx`; the bookmark file and the visited links live where
    /// they are given (none: not kept).
    pub fn new(
        client: Client,
        tx: Sender<Msg>,
        bookmark_file: Option<PathBuf>,
        visited_file: Option<PathBuf>,
    ) -> Runner {
        let laid = tx.clone();
        Runner {
            client,
            layouts: Layouts::new(move |doc, width, rendered| {
                let _ = laid.send(Msg::Laid { doc, width, rendered });
            }),
            tx,
            loads: HashMap::new(),
            layouts_owed: 0,
            downloads: HashMap::new(),
            checks_owed: 0,
            bookmarks: BookmarkShell::open(bookmark_file),
            visited_file,
            reader: None,
            readers_owed: 0,
            session_file: None,
            session: None,
        }
    }

    /// Keep the session in this file (none: not kept).
    pub fn with_session_file(mut self, path: Option<PathBuf>) -> Runner {
        self.session_file = path;
        self
    }

    /// What the app is told before anything else: the bookmarks, the visited links and the
    /// last session.
    pub fn start(&mut self) -> Vec<Msg> {
        use crate::store::session;
        let mut msgs = vec![Msg::Bookmarks(self.bookmarks.update(None, None))];
        if let Some(path) = &self.visited_file {
            let (visited, problem) = crate::store::visited::load(path);
            msgs.push(Msg::Visited { visited, problem });
        }
        let (found, saved_by) = match self.session_file.take() {
            Some(path) => {
                let (keeper, found, by) = session::Keeper::open(path);
                self.session = Some(keeper);
                (found, by)
            }
            None => (Ok(None), session::SavedBy::Nobody),
        };
        msgs.push(Msg::LastSession { found, saved_by });
        msgs
    }

    /// Answers still to come on the channel: loads, layouts and bookmark checks running.
    /// (Downloads are not counted: they run for as long as they take.)
    pub fn owed(&self) -> usize {
        self.loads.len() + self.layouts_owed + self.checks_owed + self.readers_owed
    }

    /// Why the session as it stands is not saved, for a word when margay ends.
    pub fn session_failure(&self) -> Option<&str> {
        self.session.as_ref().and_then(|keeper| keeper.failure())
    }

    /// Called with every message from the channel before the app sees it: the runner's own
    /// bookkeeping, and what the clock brings (another process changed the bookmark file,
    /// the margay that saved the session quit).
    pub fn observe(&mut self, msg: &Msg) -> Vec<Msg> {
        match msg {
            Msg::Fetch(FetchEvent::Done { id, .. }) => {
                self.loads.remove(id);
            }
            Msg::Laid { .. } => {
                self.layouts_owed = self.layouts_owed.saturating_sub(1);
                self.layouts.answered();
            }
            Msg::BookmarkCheck(_) => self.checks_owed = self.checks_owed.saturating_sub(1),
            Msg::Download(DownloadEvent::Done { id, .. }) => {
                self.downloads.remove(id);
            }
            Msg::Reader { id, .. } => {
                self.readers_owed = self.readers_owed.saturating_sub(1);
                self.reader.take_if(|(running, _)| running == id);
            }
            Msg::Tick => {
                let mut brought: Vec<Msg> =
                    self.bookmarks.refresh_if_changed().map(Msg::Bookmarks).into_iter().collect();
                if self.session.as_mut().is_some_and(|keeper| keeper.take_over()) {
                    brought.push(Msg::SessionTakenOver);
                }
                return brought;
            }
            _ => {}
        }
        Vec::new()
    }

    /// Carry out `effects` in order.
    pub fn run(&mut self, effects: Vec<Effect>, handover: &mut dyn Handover) -> Ran {
        let mut ran = Ran::default();
        for effect in effects {
            if ran.quit {
                break;
            }
            self.carry_out(effect, handover, &mut ran);
        }
        ran
    }

    fn carry_out(&mut self, effect: Effect, handover: &mut dyn Handover, ran: &mut Ran) {
        match effect {
            Effect::Fetch { id, request, width } => {
                let tx = self.tx.clone();
                let handle = net::spawn_fetch(self.client.clone(), id, request, width, move |ev| {
                    let _ = tx.send(Msg::Fetch(ev));
                });
                self.loads.insert(id, handle);
            }
            Effect::Cancel { id } => {
                // A cancelled load answers nothing.
                if let Some(handle) = self.loads.remove(&id) {
                    handle.cancel();
                }
            }
            Effect::Download { id, request, path, overwrite } => {
                let tx = self.tx.clone();
                let path = crate::store::save::expand_tilde(&path);
                let handle = spawn_download(self.client.clone(), id, request, path, overwrite, move |ev| {
                    let _ = tx.send(Msg::Download(ev));
                });
                self.downloads.insert(id, handle);
            }
            Effect::CancelDownload { id } => {
                if let Some(handle) = self.downloads.remove(&id) {
                    handle.cancel();
                }
            }
            Effect::SaveFile { path, bytes, overwrite, what } => {
                let result = crate::store::save::save_atomically(&path, &bytes, overwrite);
                ran.ready.push(Msg::Saved { what, result });
            }
            Effect::ShowCookies { site } => {
                let cookies = self.client.cookies().map(|jar| jar.list_for(&site)).unwrap_or_default();
                ran.ready.push(Msg::Cookies { site, cookies, cleared: None });
            }
            Effect::ClearCookies { site } => {
                let cleared = self.client.cookies().map(|jar| jar.clear_for(&site));
                let cookies = self.client.cookies().map(|jar| jar.list_for(&site)).unwrap_or_default();
                ran.ready.push(Msg::Cookies { site, cookies, cleared });
            }
            Effect::Layout { doc, width } => {
                self.layouts_owed += 1;
                self.layouts.request(doc, width);
                ran.laying_out = true;
            }
            Effect::Reader { id, doc, width } => {
                let cancel = crate::document::Cancel::new();
                if let Some((_, older)) = self.reader.replace((id, cancel.clone())) {
                    older.raise();
                }
                self.readers_owed += 1;
                let (answer, stop) = (self.tx.clone(), cancel.clone());
                let started = jobs::spawn(
                    jobs::Kind::Reader,
                    move || doc.reader_view(width, &stop),
                    move |view| {
                        // A stopped job answers too (the app has let it go and drops it): the
                        // runner counts what it owes by the answers.
                        let view = match view {
                            Ok(Some(view)) if !cancel.raised() => Ok(view),
                            Ok(_) => Err("stopped".to_string()),
                            Err(panicked) => Err(panicked.to_string()),
                        };
                        let _ = answer.send(Msg::Reader { id, view });
                    },
                );
                if !started {
                    self.readers_owed -= 1;
                    let why = "no thread could be started (the machine is short of memory)".to_string();
                    ran.ready.push(Msg::Reader { id, view: Err(why) });
                }
            }
            Effect::CancelReader { id } => {
                if let Some((_, cancel)) = self.reader.take_if(|(running, _)| *running == id) {
                    cancel.raise();
                }
            }
            Effect::EditText { field, text } => {
                ran.ready.push(Msg::TextEdited { field, result: handover.edit_text(&text) });
            }
            Effect::Bookmark(op) => ran.ready.push(Msg::Bookmarks(self.bookmarks.apply(&op))),
            Effect::CheckBookmarks { bookmarks } => {
                let (tx, client) = (self.tx.clone(), self.client.clone());
                self.checks_owed += 1;
                let started = jobs::spawn(
                    jobs::Kind::Check,
                    move || crate::shell::check_bookmarks(&client, &bookmarks),
                    move |results| {
                        let _ = tx.send(Msg::BookmarkCheck(results.unwrap_or_default()));
                    },
                );
                if !started {
                    self.checks_owed -= 1;
                    ran.ready.push(Msg::BookmarkCheck(Vec::new()));
                }
            }
            Effect::TrustCertificate { host_port, sha256, subject } => {
                let cert = TrustedCert {
                    host_port: host_port.clone(),
                    sha256,
                    added: trusted_certs::today(),
                    subject,
                };
                let result = match self.client.trusted_certs().write() {
                    Ok(mut trusted) => trusted.add(cert),
                    Err(_) => Err(crate::store::StoreError::Unusable { what: "trusted certificates" }),
                }
                .map_err(|e| e.to_string());
                ran.ready.push(Msg::CertificateTrusted { host_port, result });
            }
            Effect::OpenExternally { body, mime, name } => {
                let result = handover.open_externally(&body, &mime, &name, self.tx.clone());
                ran.ready.push(Msg::Opened(result));
            }
            Effect::CopyToClipboard { text } => {
                use crate::ui::clipboard::{osc52, Copied, Route};
                let result = match handover.copy_through_tmux(&text) {
                    Some(Ok(())) => Ok(Copied { text, route: Route::Tmux }),
                    // Not inside tmux, or tmux refused it: the terminal's own sequence.
                    tmux => handover.set_clipboard(&osc52(&text)).map(|()| Copied {
                        text,
                        route: Route::Terminal { tmux_refused: tmux.and_then(Result::err) },
                    }),
                };
                ran.ready.push(Msg::Copied(result));
            }
            Effect::SaveVisited { text } => {
                if let Some(path) = &self.visited_file {
                    if let Err(problem) = crate::store::visited::save(path, &text) {
                        ran.ready.push(Msg::VisitedNotSaved(problem.to_string()));
                    }
                }
            }
            Effect::SaveSession { session } => {
                if let Some(Err(problem)) = self.session.as_mut().map(|keeper| keeper.save(&session)) {
                    ran.ready.push(Msg::SessionNotSaved(problem.to_string()));
                }
            }
            Effect::Suspend => {
                if let Some((width, height)) = handover.suspend() {
                    ran.ready.push(Msg::Resize(width, height));
                }
            }
            Effect::Quit => {
                // Quitting (or a signal) during a download keeps nothing of it.
                for handle in self.downloads.values() {
                    handle.abandon();
                }
                ran.quit = true;
            }
        }
    }
}
