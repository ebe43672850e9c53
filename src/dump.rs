//! `--dump` and `--source`: the page for scripts, like `lynx -dump`. The same navigation
//! policy as the browser, run to the end without a terminal; nothing here touches the
//! terminal's modes.

use crate::document::Rendered;
use crate::navigation::{Navigation, Shown, Step};
use crate::net::{self, Client};
use crate::policy::DiagnosisKind;
use crate::ui::nav::resolve_typed;
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

/// The text of a dump: the page's lines, then its links as a numbered References list.
pub fn format_rendered(rendered: &Rendered) -> String {
    let mut out = String::new();
    for line in &rendered.lines {
        out.push_str(line.text().trim_end());
        out.push('\n');
    }
    if !rendered.links.is_empty() {
        out.push_str("\nReferences\n\n");
        let digits = rendered.links.len().to_string().len().max(3);
        for (i, link) in rendered.links.iter().enumerate() {
            let target = link
                .target
                .as_ref()
                .map_or_else(|| link.href.escape_default().to_string(), |u| u.to_string());
            out.push_str(&format!("{:>digits$}. {target}\n", i + 1));
        }
    }
    out
}

pub fn run(
    client: &Client,
    input: &str,
    width: u16,
    mode: DumpMode,
    verbose: bool,
    out: &mut dyn Write,
) -> DumpOutcome {
    let outcome = match resolve_typed(input, None) {
        Ok(url) => dump(client, Navigation::new(url, true), width, mode, verbose, out),
        Err(reason) => DumpOutcome::Failed(reason),
    };
    if let DumpOutcome::Failed(reason) = &outcome {
        eprintln!("margay: {reason}");
    }
    outcome
}

fn dump(
    client: &Client,
    mut nav: Navigation,
    width: u16,
    mode: DumpMode,
    verbose: bool,
    out: &mut dyn Write,
) -> DumpOutcome {
    let mut no_progress = |_, _| true;
    loop {
        if verbose {
            eprintln!("margay: {} {}", nav.request.method.as_str(), nav.request.url);
        }
        let step = match net::load(client, &nav.request, width, &mut no_progress) {
            Ok(loaded) => {
                if verbose {
                    eprintln!("margay: {} {}", loaded.response.head.status, loaded.response.head.reason);
                }
                if mode == DumpMode::Source && !is_redirect(loaded.response.head.status) {
                    return write_out(
                        out,
                        &loaded.response.body,
                        status_outcome(loaded.response.head.status),
                    );
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

fn transport_reason(nav: &Navigation, failure: &crate::policy::TransportFailure) -> String {
    let diagnosis = crate::policy::diagnose_transport(&nav.request.url, failure, &nav.ctx.chain);
    format!("{}: {} — {}", diagnosis.title, nav.request.url, diagnosis.advice.lines().next().unwrap_or(""))
}

fn print_shown(out: &mut dyn Write, shown: Shown, width: u16) -> DumpOutcome {
    let rendered = shown.rendered.filter(|r| r.width == width).unwrap_or_else(|| shown.doc.render(width));
    let outcome = match (&shown.info.diagnosis, shown.info.status) {
        (Some(DiagnosisKind::Transport(_)), _) | (Some(_), None) => {
            DumpOutcome::Failed(shown.message.unwrap_or_default())
        }
        (Some(_), Some(status)) => DumpOutcome::HttpError(status),
        (None, Some(status)) => status_outcome(status),
        (None, None) => DumpOutcome::Printed,
    };
    write_out(out, format_rendered(&rendered).as_bytes(), outcome)
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
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => outcome,
        // A closed pipe (`margay --dump URL | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => outcome,
        Err(e) => DumpOutcome::Failed(format!("cannot write the output: {e}")),
    }
}
