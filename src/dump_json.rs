//! `--dump --json`: how a navigation ended as one JSON object on stdout, for scripts that
//! would otherwise scrape the text dump (the README documents the fields: "For scripts").
//!
//! It only describes what `dump` already loaded and laid out; it never fetches, lays out or
//! decides an outcome itself, so its exit code is always the text dump's. Nothing here is
//! printed raw: serde_json escapes every control character a server could send, and a
//! password in an address is masked as in the text dump's References.

use crate::document::forms::{field_of_href, Enctype, Field, FieldKind, FieldValue, FormMethod, Forms};
use crate::document::{Document, Rendered};
use crate::navigation::{CacheState, PageInfo};
use crate::policy::Hop;
use crate::sanitize::display_url;
use serde::Serialize;
use std::io::Write;
use std::time::Duration;

/// The version of the object's shape; it goes up when a field changes meaning or goes away.
pub const SCHEMA: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    schema: u32,
    /// What the user asked for, and where the body came from after redirects.
    requested_url: &'a str,
    final_url: Option<String>,
    redirects: Vec<RedirectHop>,
    status: Option<u16>,
    reason: &'a str,
    /// "page", "no content", "error page" or "failed": which exit code follows.
    outcome: &'static str,
    exit_code: u8,
    /// What went wrong, or what the status adds (the line the text dump writes to stderr).
    message: Option<&'a str>,
    headers: Vec<[&'a str; 2]>,
    content_type: Option<&'a str>,
    charset: Option<&'a str>,
    /// Body bytes as received (after content codings are undone).
    size: usize,
    cache: &'static str,
    proxy: Option<&'a str>,
    title: &'a str,
    text: String,
    /// The page's links; a form field's `[n]` is in its field's `number` instead.
    links: Vec<LinkEntry>,
    forms: Vec<FormEntry>,
    /// Fields outside any form (a page's search box wired up by script, say).
    other_fields: Vec<FieldEntry>,
    timings: Timings,
}

#[derive(Serialize)]
struct RedirectHop {
    method: String,
    url: String,
    status: u16,
}

#[derive(Serialize)]
struct LinkEntry {
    /// The number the text dump and the screen show, `[n]`.
    number: usize,
    text: String,
    /// Resolved against the page's base; `null` when the href does not resolve.
    url: Option<String>,
    href: String,
}

#[derive(Serialize)]
struct FormEntry {
    number: usize,
    method: &'static str,
    action: String,
    enctype: &'static str,
    fields: Vec<FieldEntry>,
}

#[derive(Serialize)]
struct FieldEntry {
    /// The number the text dump and the screen show, `[n]`, when the field is shown.
    number: Option<usize>,
    kind: &'static str,
    name: String,
    /// The value the page gives it (what a checkbox or button sends); `null` for passwords,
    /// never printed, and for selects (see `selected`).
    value: Option<String>,
    /// A checkbox's or radio button's initial state.
    #[serde(skip_serializing_if = "Option::is_none")]
    checked: Option<bool>,
    /// A select's options, `[value, label]`, and the values selected at first.
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<Vec<[String; 2]>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    selected: Option<Vec<String>>,
    disabled: bool,
}

#[derive(Serialize)]
struct Timings {
    /// From the start of the run to the page laid out.
    total_ms: f64,
    /// The last response: from its request to its head, and to its last body byte.
    first_byte_ms: Option<f64>,
    last_response_ms: Option<f64>,
}

/// What the dump had when it ended.
pub struct Ending<'a> {
    pub requested: &'a str,
    pub chain: &'a [Hop],
    pub outcome: &'static str,
    pub exit_code: u8,
    pub message: Option<&'a str>,
    pub started: std::time::Instant,
}

/// A page (or a diagnostic page in its place) as one JSON object.
pub fn write_shown(
    out: &mut dyn Write,
    end: &Ending,
    doc: &Document,
    info: &PageInfo,
    rendered: &Rendered,
) -> std::io::Result<()> {
    let (forms, other_fields) = forms(&doc.forms, rendered);
    let report = Report {
        schema: SCHEMA,
        requested_url: end.requested,
        final_url: info.final_url.as_ref().map(display_url),
        redirects: redirects(end.chain),
        status: info.status,
        reason: &info.reason,
        outcome: end.outcome,
        exit_code: end.exit_code,
        message: end.message,
        headers: info.headers.iter().map(|(n, v)| [n.as_str(), v.as_str()]).collect(),
        content_type: info
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.as_str()),
        charset: info.charset.as_deref(),
        size: info.size,
        cache: match info.cache {
            CacheState::Network => "network",
            CacheState::Revalidated => "revalidated",
            CacheState::Local => "local",
        },
        proxy: info.proxy.as_deref(),
        title: &doc.title,
        text: text(rendered),
        links: links(rendered),
        forms,
        other_fields,
        timings: Timings {
            total_ms: millis(end.started.elapsed()),
            first_byte_ms: info.first_byte.map(millis),
            last_response_ms: info.elapsed.map(millis),
        },
    };
    emit(out, &report)
}

/// A navigation that printed no page (it failed, or the server had no content) as one JSON
/// object of the same shape: what is not known is `null` or empty.
pub fn write_ending(
    out: &mut dyn Write,
    end: &Ending,
    status: Option<u16>,
    reason: &str,
) -> std::io::Result<()> {
    let report = Report {
        schema: SCHEMA,
        requested_url: end.requested,
        final_url: None,
        redirects: redirects(end.chain),
        status,
        reason,
        outcome: end.outcome,
        exit_code: end.exit_code,
        message: end.message,
        headers: Vec::new(),
        content_type: None,
        charset: None,
        size: 0,
        cache: "network",
        proxy: None,
        title: "",
        text: String::new(),
        links: Vec::new(),
        forms: Vec::new(),
        other_fields: Vec::new(),
        timings: Timings {
            total_ms: millis(end.started.elapsed()),
            first_byte_ms: None,
            last_response_ms: None,
        },
    };
    emit(out, &report)
}

fn emit(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, report).map_err(std::io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

fn redirects(chain: &[Hop]) -> Vec<RedirectHop> {
    chain
        .iter()
        .map(|hop| RedirectHop {
            method: hop.method.as_str().to_string(),
            url: display_url(&hop.url),
            status: hop.status,
        })
        .collect()
}

/// The page's lines as the text dump prints them, without its References list.
fn text(rendered: &Rendered) -> String {
    let mut text = String::new();
    for line in &rendered.lines {
        let start = text.len();
        for span in &line.spans {
            text.push_str(&span.text);
        }
        let kept = text[start..].trim_end().len();
        text.truncate(start + kept);
        text.push('\n');
    }
    text
}

/// Each link with the text it is shown with (all its pieces, in reading order, without the
/// `[n]` before them).
fn links(rendered: &Rendered) -> Vec<LinkEntry> {
    let mut texts = vec![String::new(); rendered.links.len()];
    for line in &rendered.lines {
        for span in &line.spans {
            if let Some(text) = span.style.link_index().and_then(|i| texts.get_mut(i)) {
                if !text.is_empty() && !text.ends_with(' ') {
                    text.push(' ');
                }
                text.push_str(span.text.trim());
            }
        }
    }
    rendered
        .links
        .iter()
        .zip(texts)
        .enumerate()
        .filter(|(_, (link, _))| field_of_href(&link.href).is_none())
        .map(|(i, (link, text))| {
            let label = format!("[{}]", i + 1);
            let text = text.strip_prefix(&label).unwrap_or(&text).trim().to_string();
            LinkEntry {
                number: i + 1,
                text,
                url: link.target.as_ref().map(display_url),
                href: link.href.clone(),
            }
        })
        .collect()
}

fn forms(forms: &Forms, rendered: &Rendered) -> (Vec<FormEntry>, Vec<FieldEntry>) {
    let mut numbers = vec![None; forms.fields.len()];
    for (i, link) in rendered.links.iter().enumerate() {
        if let Some(number) = field_of_href(&link.href).and_then(|field| numbers.get_mut(field)) {
            *number = Some(i + 1);
        }
    }
    let mut entries: Vec<FormEntry> = forms
        .forms
        .iter()
        .enumerate()
        .map(|(i, form)| FormEntry {
            number: i + 1,
            method: match form.method {
                FormMethod::Get => "GET",
                FormMethod::Post => "POST",
            },
            action: display_url(&form.action),
            enctype: match form.enctype {
                Enctype::UrlEncoded => "application/x-www-form-urlencoded",
                Enctype::Multipart => "multipart/form-data",
                Enctype::TextPlain => "text/plain",
            },
            fields: Vec::new(),
        })
        .collect();
    let mut other = Vec::new();
    for (field, number) in forms.fields.iter().zip(numbers) {
        let entry = FieldEntry { number, ..field_entry(field) };
        match field.form.and_then(|i| entries.get_mut(i)) {
            Some(form) => form.fields.push(entry),
            None => other.push(entry),
        }
    }
    (entries, other)
}

fn field_entry(field: &Field) -> FieldEntry {
    let kind = match &field.kind {
        FieldKind::Text => "text",
        FieldKind::Password => "password",
        FieldKind::Hidden => "hidden",
        FieldKind::Checkbox => "checkbox",
        FieldKind::Radio => "radio",
        FieldKind::Select { multiple: true, .. } => "select multiple",
        FieldKind::Select { multiple: false, .. } => "select",
        FieldKind::Textarea => "textarea",
        FieldKind::Submit => "submit",
        FieldKind::Reset => "reset",
        FieldKind::File => "file",
        FieldKind::Button => "button",
    };
    let mut entry = FieldEntry {
        number: None,
        kind,
        name: field.name.clone(),
        value: Some(match &field.initial {
            FieldValue::Text(text) => text.clone(),
            _ => field.value.clone(),
        }),
        checked: None,
        options: None,
        selected: None,
        disabled: field.disabled,
    };
    match (&field.kind, &field.initial) {
        (FieldKind::Password, _) => entry.value = None,
        (FieldKind::Checkbox | FieldKind::Radio, FieldValue::Checked(on)) => entry.checked = Some(*on),
        (FieldKind::Select { options, .. }, chosen) => {
            entry.value = None;
            entry.options = Some(options.iter().map(|o| [o.value.clone(), o.label.clone()]).collect());
            let chosen = match chosen {
                FieldValue::Selected(chosen) => chosen.as_slice(),
                _ => &[],
            };
            entry.selected =
                Some(chosen.iter().filter_map(|&i| options.get(i)).map(|o| o.value.clone()).collect());
        }
        _ => {}
    }
    entry
}
