//! `--dump` and `--source`: the page for scripts, like `lynx -dump`. The same navigation
//! policy as the browser, run to the end without a terminal; nothing here touches the
//! terminal's modes.
//!
//! Nothing a server sends reaches a terminal raw: the dump is made of laid-out text (no
//! control characters) and serialised URLs, messages on stderr go through
//! `sanitize::line`, and `--source` on a terminal shows control characters as `^[` and
//! refuses binary bodies. `--source` into a pipe or a file passes the bytes as received.

use crate::document::{write_rendered, Cancel, ReaderView, Rendered};
use crate::navigation::{resolve_typed, Navigation, Shown, Step};
use crate::net::{self, Client};
use crate::policy::DiagnosisKind;
use crate::sanitize;
use std::io::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpMode {
    Rendered,
    /// The page's article alone (`--reader`): the whole page when it has none.
    Reader,
    Source,
    /// The rendered page and what is known about its loading as one JSON object (`dump_json`).
    Json,
}

/// How a dump ended; each has its exit status (documented in `--help`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DumpOutcome {
    Printed,
    /// 204: nothing to print.
    NoContent,
    /// The server answered with an error status; its diagnostic page was printed.
    HttpError(u16),
    /// Nothing could be loaded (network, file, bad address); the reason went to stderr.
    Failed(String),
    /// `--reader` on a page without an article: the whole page was printed, and said so.
    NoArticle,
}

impl DumpOutcome {
    /// The outcome's name in `--dump --json`.
    pub fn name(&self) -> &'static str {
        match self {
            DumpOutcome::Printed => "page",
            DumpOutcome::NoContent => "no content",
            DumpOutcome::HttpError(_) => "error page",
            DumpOutcome::NoArticle => "no article",
            DumpOutcome::Failed(_) => "failed",
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            DumpOutcome::Printed | DumpOutcome::NoContent => 0,
            DumpOutcome::Failed(_) => 1,
            DumpOutcome::HttpError(_) => 3,
            DumpOutcome::NoArticle => 4,
        }
    }
}

/// Load `input` and print it. `terminal`: stdout is a terminal (`--source` then shows
/// control characters visibly and refuses binary bodies).
pub fn run(
    client: &Client,
    input: &str,
    width: u16,
    mode: DumpMode,
    verbose: bool,
    terminal: bool,
    out: &mut dyn Write,
) -> DumpOutcome {
    let mut json = (mode == DumpMode::Json).then(|| Json {
        started: std::time::Instant::now(),
        requested: sanitize::display_url_str(input),
        chain: Vec::new(),
        last: None,
        note: None,
        written: false,
    });
    let outcome = match resolve_typed(input, None) {
        Ok(url) => {
            let asked = Asked { width, mode, verbose, terminal };
            dump(client, Navigation::new(url, true), asked, &mut json, out)
        }
        Err(reason) => DumpOutcome::Failed(reason),
    };
    if let DumpOutcome::Failed(reason) = &outcome {
        warn(reason);
    }
    match json {
        Some(json) if !json.written => {
            let message = match &outcome {
                DumpOutcome::Failed(reason) => Some(reason.as_str()),
                _ => json.note.as_deref(),
            };
            let (status, reason) = json.last.clone().unzip();
            let end = json.ending(&json.chain, &outcome, message);
            let written = crate::dump_json::write_ending(out, &end, status, reason.as_deref().unwrap_or(""));
            write_result(written, outcome)
        }
        _ => outcome,
    }
}

/// What `--dump --json` keeps while the navigation runs.
struct Json {
    started: std::time::Instant,
    requested: String,
    /// The requests before the last one, as the navigation saw them.
    chain: Vec<crate::policy::Hop>,
    /// The last answer's status and reason.
    last: Option<(u16, String)>,
    /// What a 204 or 205 said.
    note: Option<String>,
    /// The object was printed (a page was shown).
    written: bool,
}

impl Json {
    fn ending<'a>(
        &'a self,
        chain: &'a [crate::policy::Hop],
        outcome: &DumpOutcome,
        message: Option<&'a str>,
    ) -> crate::dump_json::Ending<'a> {
        crate::dump_json::Ending {
            requested: &self.requested,
            chain,
            outcome: outcome.name(),
            exit_code: outcome.exit_code(),
            message,
            started: self.started,
        }
    }
}

/// A line on stderr, made safe for the terminal it is likely on.
fn warn(message: &str) {
    eprintln!("margay: {}", sanitize::line(message));
}

/// How `run` was asked to print.
#[derive(Clone, Copy)]
struct Asked {
    width: u16,
    mode: DumpMode,
    verbose: bool,
    terminal: bool,
}

fn dump(
    client: &Client,
    mut nav: Navigation,
    asked: Asked,
    json: &mut Option<Json>,
    out: &mut dyn Write,
) -> DumpOutcome {
    let Asked { width, mode, verbose, terminal } = asked;
    loop {
        if let Some(json) = json.as_mut() {
            json.chain.clone_from(&nav.ctx.chain);
        }
        if verbose {
            warn(&format!("{} {}", nav.request.method.as_str(), sanitize::display_url(&nav.request.url)));
        }
        // The body as received, into a pipe or a file: streamed, whatever its size (it is not
        // laid out, so the page size limit does not apply).
        let web = matches!(nav.request.url.scheme(), "http" | "https");
        if mode == DumpMode::Source && !terminal && web {
            match stream_source(client, &nav, verbose, out) {
                Streamed::Done(outcome) => return outcome,
                Streamed::Redirect(loaded) => match nav.step(*loaded) {
                    Step::Fetch(_) => continue,
                    Step::AskResend { status, method, to } => {
                        return DumpOutcome::Failed(format!(
                            "{status}: the server asks to send {method} data again to {to}"
                        ))
                    }
                    Step::Show(shown) => return print_shown(out, *shown, width, mode, json),
                    Step::AskCredentials { on_cancel, .. } => {
                        return print_shown(out, *on_cancel, width, mode, json)
                    }
                    Step::Keep { .. } => return DumpOutcome::NoContent,
                },
            }
        }
        // On a load thread: its stack fits the deepest page, and a panic there is a failure.
        let loaded = crate::jobs::run(crate::jobs::Kind::Load, || {
            net::load(client, &nav.request, width, &mut |_, _| true)
        })
        .unwrap_or_else(|panic| {
            Err(crate::policy::TransportFailure::Protocol(format!(
                "margay could not read or lay out this answer ({panic})"
            )))
        });
        let step = match loaded {
            Ok(loaded) => {
                let response = &loaded.response;
                if verbose {
                    let via = response
                        .proxy
                        .as_ref()
                        .map_or(String::new(), |p| format!(" (through the proxy {p})"));
                    warn(&format!("{} {}{via}", response.head.status, response.head.reason));
                }
                if response.truncated {
                    warn(&format!(
                        "{}: the body was cut at {} bytes, the size limit (body_cap_mb in config.toml).",
                        sanitize::display_url(&response.url),
                        response.body.len()
                    ));
                }
                if mode == DumpMode::Source && !is_redirect(response.head.status) {
                    let outcome = status_outcome(response.head.status);
                    if !terminal {
                        return write_out(out, &response.body, outcome);
                    }
                    return match source_for_terminal(response) {
                        Ok(text) => write_out(out, text.as_bytes(), outcome),
                        Err(reason) => DumpOutcome::Failed(reason),
                    };
                }
                if let Some(json) = json.as_mut() {
                    json.last = Some((response.head.status, response.head.reason.clone()));
                }
                nav.step(loaded)
            }
            Err(failure) => return DumpOutcome::Failed(transport_reason(&nav, &failure)),
        };
        match step {
            Step::Fetch(_) => continue,
            Step::Keep { message, .. } => {
                if let Some(json) = json.as_mut() {
                    json.note = Some(message);
                }
                return DumpOutcome::NoContent;
            }
            Step::Show(shown) => return print_shown(out, *shown, width, mode, json),
            // A script cannot be asked: a 401 prints its diagnostic page.
            Step::AskCredentials { on_cancel, .. } => return print_shown(out, *on_cancel, width, mode, json),
            Step::AskResend { status, method, to } => {
                return DumpOutcome::Failed(format!(
                    "{status}: the server asks to send {method} data again to {to}"
                ))
            }
        }
    }
}

enum Streamed {
    Done(DumpOutcome),
    /// A redirect, for the navigation to follow.
    Redirect(Box<net::Loaded>),
}

/// `--source` into a pipe or a file: the body is copied as it arrives. A transfer that breaks
/// off, or ends before the length the server announced, fails (exit 1) after what arrived.
fn stream_source(client: &Client, nav: &Navigation, verbose: bool, out: &mut dyn Write) -> Streamed {
    let started = std::time::Instant::now();
    let opened = match client.open(&nav.request) {
        Ok(opened) => opened,
        Err(failure) => return Streamed::Done(DumpOutcome::Failed(transport_reason(nav, &failure))),
    };
    let net::Opened { head, mut body, proxy, from_proxy, sent } = opened;
    if verbose {
        let via = proxy.as_ref().map_or(String::new(), |p| format!(" (through the proxy {p})"));
        warn(&format!("{} {}{via}", head.status, head.reason));
    }
    if is_redirect(head.status) {
        // A redirect's own body is a note for people; a little of it is enough.
        let mut note = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::Read::take(&mut body, 64 * 1024), &mut note);
        let response = net::FetchResponse {
            url: nav.request.url.clone(),
            head,
            body: std::sync::Arc::new(note),
            elapsed: started.elapsed(),
            first_byte: Some(started.elapsed()),
            truncated: false,
            proxy,
            from_proxy,
            sent,
        };
        return Streamed::Redirect(Box::new(net::Loaded {
            response,
            page: None,
            cached: None,
            cache: net::cache::CacheOutcome::Bypassed,
        }));
    }
    let announced = head
        .header("content-length")
        .filter(|_| head.header("content-encoding").is_none_or(|c| c.trim().eq_ignore_ascii_case("identity")))
        .and_then(|v| v.trim().parse::<u64>().ok());
    let outcome = status_outcome(head.status);
    let mut buffered = std::io::BufWriter::with_capacity(64 << 10, out);
    let copied = std::io::copy(&mut body, &mut buffered);
    let flushed = buffered.flush();
    let url = sanitize::display_url(&nav.request.url);
    Streamed::Done(match (copied, flushed) {
        (Err(e), _) if e.kind() == std::io::ErrorKind::BrokenPipe => outcome,
        (_, Err(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => outcome,
        (Err(e), _) if e.get_ref().is_some_and(|inner| inner.is::<net::encoding::DecodeFailed>()) => {
            DumpOutcome::Failed(format!("{url}: {}", e.get_ref().map_or(String::new(), |i| i.to_string())))
        }
        (Err(e), _) => DumpOutcome::Failed(format!(
            "{url}: the transfer broke off ({}); what arrived was written, try again for the rest",
            crate::plain::io(&e)
        )),
        (Ok(_), Err(e)) => DumpOutcome::Failed(format!(
            "cannot write the output: {}; check where it goes (a full disk?)",
            crate::plain::io(&e)
        )),
        (Ok(n), Ok(())) if announced.is_some_and(|a| n < a) => DumpOutcome::Failed(format!(
            "{url}: the transfer was cut after {n} of {} bytes",
            announced.unwrap_or(0)
        )),
        (Ok(_), Ok(())) => outcome,
    })
}

/// The body as text a terminal can show: decoded with its charset, control characters in
/// caret notation. A binary body is refused.
fn source_for_terminal(response: &net::FetchResponse) -> Result<String, String> {
    let content_type = response.content_type();
    let mime = crate::document::mime_of(content_type, &response.url, &response.body);
    let textual = mime.is_empty()
        || mime.starts_with("text/")
        || mime.ends_with("+xml")
        || mime.ends_with("/xml")
        || mime.ends_with("/json")
        || mime.ends_with("javascript");
    if !textual || sanitize::looks_binary(&response.body) {
        return Err(format!(
            "{} is binary ({}, {} bytes): not printed on a terminal. Redirect the output to a file.",
            sanitize::display_url(&response.url),
            if mime.is_empty() { "no type" } else { &mime },
            response.body.len()
        ));
    }
    let html = mime == "text/html" || mime == "application/xhtml+xml";
    let decoded = crate::document::decode(&response.body, content_type, html);
    Ok(sanitize::text(&decoded.text).into_owned())
}

fn transport_reason(nav: &Navigation, failure: &crate::policy::TransportFailure) -> String {
    let diagnosis = crate::policy::diagnose_transport(&nav.request.url, failure, &nav.ctx.chain);
    let url = sanitize::display_url(&nav.request.url);
    let what = diagnosis.explanation.split("\n\n").next().unwrap_or("");
    format!("{}: {url} — {what} {}", diagnosis.title, diagnosis.advice.lines().next().unwrap_or(""))
}

fn print_shown(
    out: &mut dyn Write,
    mut shown: Shown,
    width: u16,
    mode: DumpMode,
    json: &mut Option<Json>,
) -> DumpOutcome {
    let had_password = shown.request.url.password().is_some();
    if let (Some(status), Some(message)) = (shown.info.status, shown.message.as_mut()) {
        *message = for_a_script(status, message, had_password);
    }
    let outcome = match (&shown.info.diagnosis, shown.info.status) {
        // An interim answer and nothing after it: nothing was loaded.
        (Some(DiagnosisKind::Transport(_) | DiagnosisKind::Interim), _) | (Some(_), None) => {
            DumpOutcome::Failed(shown.message.clone().unwrap_or_default())
        }
        // 300: the server's list of choices is the page.
        (Some(DiagnosisKind::MultipleChoices), Some(_)) => DumpOutcome::Printed,
        (Some(_), Some(status)) => DumpOutcome::HttpError(status),
        (None, Some(status)) => status_outcome(status),
        (None, None) => DumpOutcome::Printed,
    };
    // An error page goes to stdout like any page; what it is about, in one line, to stderr.
    if let (DumpOutcome::HttpError(_), Some(message)) = (&outcome, &shown.message) {
        warn(message);
    }
    // 201, 202, 203: printed (exit 0), and what the status adds is said on stderr.
    if let (None, Some(201..=203), Some(message)) = (&shown.info.diagnosis, shown.info.status, &shown.message)
    {
        warn(message);
    }
    // An error page is printed as it is; a page's reader view only when it has an article.
    let Shown { doc, rendered: laid, address, info, message, .. } = shown;
    let (doc, rendered, outcome) = match (mode, outcome) {
        (DumpMode::Reader, DumpOutcome::Printed) => match reader_view(&doc, width) {
            Some((article, rendered)) => (article, rendered, DumpOutcome::Printed),
            None => {
                warn(&format!(
                    "{}: no article found on this page; the whole page was printed.",
                    sanitize::display_url(&address)
                ));
                let rendered = whole(&doc, laid, width);
                (doc, rendered, DumpOutcome::NoArticle)
            }
        },
        (_, outcome) => {
            let rendered = whole(&doc, laid, width);
            (doc, rendered, outcome)
        }
    };
    let mut buffered = std::io::BufWriter::with_capacity(64 << 10, out);
    let written = match json.as_mut() {
        Some(json) => {
            json.written = true;
            let message = match &outcome {
                DumpOutcome::Failed(reason) => Some(reason.as_str()),
                _ => message.as_deref(),
            };
            let end = json.ending(&info.chain, &outcome, message);
            crate::dump_json::write_shown(&mut buffered, &end, &doc, &info, &rendered)
        }
        None => write_rendered(&mut buffered, &rendered).and_then(|()| buffered.flush()),
    };
    drop(buffered);
    let parts = rendered.lines.len();
    crate::jobs::free_in_background((doc, rendered), parts);
    write_result(written, outcome)
}

/// The one-line message of an error page, with advice a script's author can follow: the
/// browser's ("Reload to be asked …") names keys a dump has not got.
fn for_a_script(status: u16, message: &str, had_password: bool) -> String {
    let advice = match status {
        401 if had_password => "The user name and password in the address were refused: check them.",
        401 => "Give the user name and password in the address: http://USER:PASSWORD@HOST/PATH.",
        407 => "Give the proxy's user name and password in its setting: http_proxy=http://USER:PASSWORD@PROXY:PORT.",
        402 => "The server wants payment (a ChargeTo header); --dump cannot send one.",
        _ => return message.replace("Reload to try again", "Run it again later"),
    };
    match message.split_once(" — ") {
        Some((title, _)) => format!("{title} — {advice}"),
        None => format!("{message} — {advice}"),
    }
}

/// The whole page laid out for `width` (the loader's layout when it made one for it).
fn whole(doc: &crate::document::Document, laid: Option<Rendered>, width: u16) -> Rendered {
    laid.filter(|r| r.width == width).unwrap_or_else(|| doc.render(width))
}

/// The page's article laid out for `width`, found on a thread of its own (its stack fits the
/// deepest page); `None` when there is none, or finding it failed.
fn reader_view(doc: &crate::document::Document, width: u16) -> Option<(crate::document::Document, Rendered)> {
    let view = crate::jobs::run(crate::jobs::Kind::Reader, || doc.reader_view(width, &Cancel::new()));
    match view {
        Ok(Some(ReaderView::Article(article))) => Some(*article),
        Ok(_) => None,
        Err(panicked) => {
            warn(&format!("the reader view failed ({panicked})"));
            None
        }
    }
}

fn is_redirect(status: u16) -> bool {
    (300..400).contains(&status) && status != 304
}

fn status_outcome(status: u16) -> DumpOutcome {
    if status >= 400 {
        DumpOutcome::HttpError(status)
    } else if status == 204 {
        DumpOutcome::NoContent
    } else {
        DumpOutcome::Printed
    }
}

fn write_out(out: &mut dyn Write, bytes: &[u8], outcome: DumpOutcome) -> DumpOutcome {
    write_result(out.write_all(bytes).and_then(|()| out.flush()), outcome)
}

fn write_result(written: std::io::Result<()>, outcome: DumpOutcome) -> DumpOutcome {
    match written {
        Ok(()) => outcome,
        // A closed pipe (`margay --dump URL | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => outcome,
        Err(e) => DumpOutcome::Failed(format!(
            "cannot write the output: {}; check where it goes (a full disk?)",
            crate::plain::io(&e)
        )),
    }
}
