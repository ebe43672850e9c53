//! Diagnostic pages: what went wrong, in plain words, with everything a person needs to see
//! why — the code and its meaning (1992 and today), the address and redirect chain, the
//! response headers and timing — followed by the server's own error body, rendered.

use super::{decode, describe_type, escape_html, kind_of, mime_of, readable_text, BodyKind};
use crate::policy::{
    CertificateInfo, Choice, Diagnosis, DiagnosisKind, ResponseHead, TlsFailure, TransportFailure,
};
use std::fmt::Write as _;
use std::time::Duration;
use url::Url;

/// The page for a diagnosis. `response` is the answer that led to it, when there was one:
/// its head, body and how long it took. `network_log`: the page is shown where the browser's
/// network log (`about:network`) can be opened, and links to it.
pub fn diagnostic_html(
    diagnosis: &Diagnosis,
    url: &Url,
    response: Option<(&ResponseHead, &[u8], Duration)>,
    network_log: bool,
) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html><html><head><title>{}</title></head><body>\n<h1>{}</h1>\n",
        escape_html(&diagnosis.title),
        escape_html(&diagnosis.title)
    );
    for paragraph in diagnosis.explanation.split("\n\n") {
        let _ = writeln!(html, "<p>{}</p>", escape_html(paragraph));
    }
    if !diagnosis.advice.is_empty() {
        let _ = writeln!(html, "<p><strong>What to do:</strong> {}</p>", escape_html(&diagnosis.advice));
    }
    if let DiagnosisKind::Transport(TransportFailure::Tls(failure)) = &diagnosis.kind {
        if let Some(cert) = &failure.certificate {
            html.push_str(&certificate_html(cert, failure));
        }
    }
    if let Some(wait) = diagnosis.retry_after {
        let _ = writeln!(
            html,
            "<p>The server asks to retry after {} seconds. Press Ctrl-R to reload.</p>",
            wait.as_secs()
        );
    }
    let _ = writeln!(
        html,
        "<h2>Request</h2>\n<p>Address: <a href=\"{}\">{}</a></p>",
        escape_html(url.as_str()),
        escape_html(&crate::sanitize::display_url(url))
    );
    // An answer's own hop ends its chain; redirects followed come before it. (A transport
    // failure's chain holds only the redirects before the request that failed.)
    let own = usize::from(!diagnosis.is_transport());
    let followed = &diagnosis.chain[..diagnosis.chain.len().saturating_sub(own)];
    if followed.iter().any(|hop| (300..400).contains(&hop.status)) {
        html.push_str("<p>Redirects followed:</p>\n<ol>\n");
        for hop in &diagnosis.chain {
            let _ = writeln!(
                html,
                "<li>{} {} → {}</li>",
                escape_html(hop.method.as_str()),
                escape_html(&crate::sanitize::display_url(&hop.url)),
                hop.status
            );
        }
        // A transport failure's chain stops before the request that failed.
        if diagnosis.chain.last().is_none_or(|hop| hop.url != *url) {
            let _ =
                writeln!(html, "<li>{} (no answer)</li>", escape_html(&crate::sanitize::display_url(url)));
        }
        html.push_str("</ol>\n");
    }
    if network_log {
        html.push_str(
            "<p>Network log: L, or <a href=\"about:network\">every request of this tab</a>, \
             with its headers.</p>\n",
        );
    }
    if let Some((head, body, elapsed)) = response {
        let _ = writeln!(
            html,
            "<h2>Response</h2>\n<p>Status: {} {} — {} bytes in {} ms</p>\n<pre>",
            head.status,
            escape_html(&head.reason),
            body.len(),
            elapsed.as_millis()
        );
        for (name, value) in &head.headers {
            let _ = writeln!(html, "{}: {}", escape_html(name), escape_html(value));
        }
        html.push_str("</pre>\n");
        if !body.is_empty() {
            html.push_str("<h2>The server's message</h2>\n<hr>\n");
            html.push_str(&server_body_html(head, body, url));
        }
    }
    html.push_str("</body></html>\n");
    html
}

/// The certificate a TLS server presented, for the user to judge.
fn certificate_html(cert: &CertificateInfo, failure: &TlsFailure) -> String {
    let mut html = String::from("<h2>The certificate presented</h2>\n<ul>\n");
    let names = if cert.names.is_empty() { "(none)".to_string() } else { cert.names.join(", ") };
    for (label, value) in [
        ("Subject", cert.subject.as_str()),
        ("Issued by", if cert.self_signed { "itself (self-signed)" } else { cert.issuer.as_str() }),
        ("Valid from", cert.not_before.as_str()),
        ("Valid until", cert.not_after.as_str()),
        ("Names", names.as_str()),
        ("SHA-256 fingerprint", cert.sha256.as_str()),
    ] {
        let _ = writeln!(html, "<li><strong>{label}:</strong> {}</li>", escape_html(value));
    }
    html.push_str("</ul>\n");
    if failure.can_be_trusted() {
        let _ = writeln!(
            html,
            "<p>Press <strong>A</strong> to trust this certificate for {} (you are asked once more, with its fingerprint). Trusted certificates are listed by <code>margay certs list</code>.</p>",
            escape_html(&failure.host_port)
        );
    }
    html
}

/// The server's error body as part of our page, rendered as the same body would be as a
/// page: HTML as HTML (so its links work), text as text (JSON pretty-printed, so an API's
/// error reads in full), anything else described.
fn server_body_html(head: &ResponseHead, body: &[u8], url: &Url) -> String {
    let content_type = head.header("content-type");
    let mime = mime_of(content_type, url, body);
    match kind_of(&mime) {
        BodyKind::Html => without_title(decode(body, content_type, true).text.into_owned()),
        BodyKind::Text { json } => {
            format!("<pre>{}</pre>", escape_html(&readable_text(body, content_type, json).0))
        }
        BodyKind::Other => format!(
            "<p>{} ({}, {} bytes), which margay does not display.</p>",
            escape_html(&describe_type(&mime)),
            escape_html(&mime),
            body.len()
        ),
    }
}

/// The server's page sits inside ours, where its `<title>` would be shown as text: drop it
/// (our page has the title).
fn without_title(mut html: String) -> String {
    let lower = html.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title"), lower.find("</title>")) {
        if start < end {
            html.replace_range(start..end + "</title>".len(), "");
        }
    }
    html
}

/// A page to choose between addresses (1992 `URI:` lines, 300 Multiple Choices).
pub fn choice_page_html(status: u16, choices: &[Choice], explanation: &str, url: &Url) -> String {
    let mut html = format!(
        "<!DOCTYPE html><html><head><title>{status}: choose an address</title></head><body>\n\
         <h1>{status}: the document is at more than one address</h1>\n<p>{}</p>\n<ul>\n",
        escape_html(explanation)
    );
    for choice in choices {
        let comment = if choice.comment.is_empty() {
            String::new()
        } else {
            format!(" — {}", escape_html(&choice.comment))
        };
        let _ =
            writeln!(html, "<li><a href=\"{0}\">{0}</a>{1}</li>", escape_html(choice.url.as_str()), comment);
    }
    let _ = write!(html, "</ul>\n<p>Asked for: {}</p></body></html>", escape_html(url.as_str()));
    html
}
