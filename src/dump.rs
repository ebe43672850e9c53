//! `--dump` and `--source`: the page for scripts, like `lynx -dump`. The same navigation
//! policy as the browser, run to the end without a terminal; nothing here touches the
//! terminal's modes.
//!
//! Nothing a server sends reaches a terminal raw: the dump is made of laid-out text (no
//! control characters) and serialised URLs, messages on stderr go through
//! `sanitize::line`, and `--source` on a terminal shows control characters as `^[` and
//! refuses binary bodies. `--source` into a pipe or a file passes the bytes as received.

use crate::document::write_rendered;
use crate::navigation::{resolve_typed, Navigation, Shown, Step};
use crate::net::{self, Client};
use crate::policy::DiagnosisKind;
use crate::sanitize;
use std::io::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpMode {
    Rendered,
    Source,
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
}

impl DumpOutcome {
    pub fn exit_code(&self) -> u8 {
        match self {
            DumpOutcome::Printed | DumpOutcome::NoContent => 0,
            DumpOutcome::Failed(_) => 1,
            DumpOutcome::HttpError(_) => 3,
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
    let outcome = match resolve_typed(input, None) {
        Ok(url) => dump(client, Navigation::new(url, true), width, mode, verbose, terminal, out),
        Err(reason) => DumpOutcome::Failed(reason),
    };
    if let DumpOutcome::Failed(reason) = &outcome {
        warn(reason);
    }
    outcome
}

/// A line on stderr, made safe for the terminal it is likely on.
fn warn(message: &str) {
    eprintln!("margay: {}", sanitize::line(message));
}

fn dump(
    client: &Client,
    mut nav: Navigation,
    width: u16,
    mode: DumpMode,
    verbose: bool,
    terminal: bool,
    out: &mut dyn Write,
) -> DumpOutcome {
    loop {
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
                    Step::Show(shown) => return print_shown(out, *shown, width),
                    Step::AskCredentials { on_cancel, .. } => return print_shown(out, *on_cancel, width),
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
                nav.step(loaded)
            }
            Err(failure) => return DumpOutcome::Failed(transport_reason(&nav, &failure)),
        };
        match step {
            Step::Fetch(_) => continue,
            Step::Keep { .. } => return DumpOutcome::NoContent,
            Step::Show(shown) => return print_shown(out, *shown, width),
            // A script cannot be asked: a 401 prints its diagnostic page.
            Step::AskCredentials { on_cancel, .. } => return print_shown(out, *on_cancel, width),
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
    let net::Opened { head, mut body, proxy, from_proxy } = opened;
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
            truncated: false,
            proxy,
            from_proxy,
        };
        return Streamed::Redirect(Box::new(net::Loaded { response, page: None, cached: None }));
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

fn print_shown(out: &mut dyn Write, shown: Shown, width: u16) -> DumpOutcome {
    let rendered = shown.rendered.filter(|r| r.width == width).unwrap_or_else(|| shown.doc.render(width));
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
    let mut buffered = std::io::BufWriter::with_capacity(64 << 10, out);
    let written = write_rendered(&mut buffered, &rendered).and_then(|()| buffered.flush());
    drop(buffered);
    let parts = rendered.lines.len();
    crate::jobs::free_in_background((shown.doc, rendered), parts);
    write_result(written, outcome)
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
