//! HTML forms: the fields a page holds, found once when the page is parsed, and the request
//! a submission makes. html2text draws no form controls, so each control in the DOM is
//! replaced by a link (`margay-field:N`) whose text is a fixed-width placeholder: fields are
//! then numbered, selected and followed exactly like links, and the UI only swaps the
//! placeholder for the field's current value when it draws — the layout never changes
//! while the user types.

use html2text::{Handle, RcDom};
use html5ever::{ns, Attribute, LocalName, QualName};
use std::cell::RefCell;
use url::Url;

/// The link scheme that marks a form field in the rendered page.
pub const FIELD_SCHEME: &str = "margay-field";
/// The src of the placeholder images; a control character, so no page has it.
pub(super) const FIELD_SRC: &str = "\u{1}label";
const NBSP: char = '\u{a0}';

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Password,
    Hidden,
    Checkbox,
    Radio,
    Select {
        options: Vec<SelectOption>,
        multiple: bool,
    },
    Textarea,
    Submit,
    Reset,
    File,
    /// `<button type=button>` and the like: shown, does nothing.
    Button,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
}

/// What a field holds now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    Text(String),
    Checked(bool),
    /// Indices into the select's options.
    Selected(Vec<usize>),
    /// Buttons hold nothing.
    None,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub form: Option<usize>,
    pub kind: FieldKind,
    pub name: String,
    /// The value attribute: what a checkbox, radio or button sends.
    pub value: String,
    pub initial: FieldValue,
    /// What a button shows.
    pub label: String,
    /// Placeholder width in columns (text fields, selects, textareas).
    pub width: usize,
    pub disabled: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormMethod {
    Get,
    Post,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enctype {
    UrlEncoded,
    Multipart,
    TextPlain,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub action: Url,
    pub method: FormMethod,
    pub enctype: Enctype,
    /// `accept-charset`, when the page names one encoding_rs knows; else the page's own.
    pub charset: Option<&'static encoding_rs::Encoding>,
}

/// All the forms and fields of a page, in document order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forms {
    pub forms: Vec<Form>,
    pub fields: Vec<Field>,
}

/// The href of the placeholder link of field `index`.
pub fn field_href(index: usize) -> String {
    format!("{FIELD_SCHEME}:{index}")
}

impl Forms {
    /// Add the forms and fields of a later part of the same page (its form numbers follow).
    pub fn append(&mut self, later: Forms) {
        let forms_before = self.forms.len();
        self.forms.extend(later.forms);
        self.fields.extend(later.fields.into_iter().map(|mut field| {
            field.form = field.form.map(|form| form + forms_before);
            field
        }));
    }
}

/// The field a link stands for, if it is a field placeholder.
pub fn field_of_href(href: &str) -> Option<usize> {
    href.strip_prefix(FIELD_SCHEME)?.strip_prefix(':')?.parse().ok()
}

fn attr(node: &Handle, wanted: &str) -> Option<String> {
    let html2text::Element { attrs, .. } = &node.data else { return None };
    let attrs = attrs.borrow();
    attrs.iter().find(|a| &*a.name.local == wanted).map(|a| a.value.to_string())
}

/// An HTML element's name, as the DOM holds it (not copied: every element of a page with a
/// form is asked).
fn local_name(node: &Handle) -> Option<&str> {
    match &node.data {
        html2text::Element { name, .. } if name.ns == ns!(html) => Some(&name.local),
        _ => None,
    }
}

/// The text inside an element (textarea, option), as the DOM holds it.
fn text_content(node: &Handle) -> String {
    let mut out = String::new();
    let mut stack = vec![node.clone()];
    while let Some(n) = stack.pop() {
        if matches!(n.data, html2text::Element { .. }) {
            stack.extend(n.children.borrow().iter().rev().cloned());
        } else if let html2text::Text { contents } = &n.data {
            out.push_str(&contents.borrow());
        }
    }
    out
}

/// The tags [`extract`] looks for.
const FIELD_TAGS: [&[u8]; 5] = [b"form", b"input", b"select", b"textarea", b"button"];

/// Whether `html` has a start tag of a form or a field: when not, [`extract`] (a walk of every
/// node) has nothing to find. Most large pages have none; looking costs a small part of the
/// walk.
pub fn may_have_fields(html: &str) -> bool {
    let b = html.as_bytes();
    memchr::memchr_iter(b'<', b).any(|at| {
        let rest = &b[at + 1..];
        FIELD_TAGS.iter().any(|tag| {
            rest.len() > tag.len()
                && rest[..tag.len()].eq_ignore_ascii_case(tag)
                && !rest[tag.len()].is_ascii_alphanumeric()
                && rest[tag.len()] != b'-'
        })
    })
}

/// Find the page's forms and put a placeholder link in place of each visible control.
pub fn extract(dom: &RcDom, base: &Url) -> Forms {
    let mut forms = Forms::default();
    let mut stack: Vec<(Handle, Option<usize>)> = vec![(dom.document.clone(), None)];
    while let Some((node, form)) = stack.pop() {
        let name = local_name(&node);
        let form = match name {
            Some("form") => {
                forms.forms.push(form_of(&node, base));
                Some(forms.forms.len() - 1)
            }
            _ => form,
        };
        if let Some(field) = name.and_then(|n| field_of(&node, n, form)) {
            let index = forms.fields.len();
            let visible = field.kind != FieldKind::Hidden;
            let text = display(&field, &field.initial);
            forms.fields.push(field);
            replace(&node, if visible { field_link(&node, index, &text) } else { None });
            continue;
        }
        stack.extend(node.children.borrow().iter().rev().map(|c| (c.clone(), form)));
    }
    forms
}

fn form_of(node: &Handle, base: &Url) -> Form {
    let action = attr(node, "action")
        .filter(|a| !a.trim().is_empty())
        .and_then(|a| base.join(&crate::sanitize::restore_bidi(a.trim())).ok())
        .unwrap_or_else(|| base.clone());
    let method = match attr(node, "method").map(|m| m.to_ascii_lowercase()) {
        Some(m) if m == "post" => FormMethod::Post,
        _ => FormMethod::Get,
    };
    let enctype = match attr(node, "enctype").map(|e| e.to_ascii_lowercase()) {
        Some(e) if e == "multipart/form-data" => Enctype::Multipart,
        Some(e) if e == "text/plain" => Enctype::TextPlain,
        _ => Enctype::UrlEncoded,
    };
    let charset = attr(node, "accept-charset")
        .and_then(|c| c.split([' ', ',']).find_map(|l| encoding_rs::Encoding::for_label(l.as_bytes())));
    Form { action, method, enctype, charset }
}

fn field_of(node: &Handle, tag: &str, form: Option<usize>) -> Option<Field> {
    let name = attr(node, "name").unwrap_or_default();
    let value_attr = attr(node, "value");
    let size = |default: usize| {
        attr(node, "size").and_then(|s| s.trim().parse::<usize>().ok()).unwrap_or(default).clamp(1, 60)
    };
    let (kind, initial, width) = match tag {
        "input" => {
            let kind = match attr(node, "type").unwrap_or_default().to_ascii_lowercase().as_str() {
                "password" => FieldKind::Password,
                "hidden" => FieldKind::Hidden,
                "checkbox" => FieldKind::Checkbox,
                "radio" => FieldKind::Radio,
                "submit" | "image" => FieldKind::Submit,
                "reset" => FieldKind::Reset,
                "file" => FieldKind::File,
                "button" => FieldKind::Button,
                _ => FieldKind::Text,
            };
            let initial = match kind {
                FieldKind::Checkbox | FieldKind::Radio => {
                    FieldValue::Checked(attr(node, "checked").is_some())
                }
                FieldKind::Submit | FieldKind::Reset | FieldKind::Button => FieldValue::None,
                FieldKind::File => FieldValue::Text(String::new()),
                _ => FieldValue::Text(value_attr.clone().unwrap_or_default()),
            };
            (kind, initial, size(20))
        }
        "textarea" => {
            let cols =
                attr(node, "cols").and_then(|c| c.trim().parse::<usize>().ok()).unwrap_or(40).clamp(10, 60);
            // The HTML parser drops one newline right after <textarea>; the DOM has the rest.
            (FieldKind::Textarea, FieldValue::Text(text_content(node)), cols)
        }
        "select" => {
            let (options, selected) = options_of(node);
            let multiple = attr(node, "multiple").is_some();
            let width = options.iter().map(|o| o.label.chars().count()).max().unwrap_or(1).clamp(1, 50);
            let selected = match (selected.is_empty(), multiple, options.is_empty()) {
                (true, false, false) => vec![0],
                (_, false, _) => selected.into_iter().last().into_iter().collect(),
                _ => selected,
            };
            (FieldKind::Select { options, multiple }, FieldValue::Selected(selected), width + 2)
        }
        "button" => {
            let kind = match attr(node, "type").unwrap_or_default().to_ascii_lowercase().as_str() {
                "reset" => FieldKind::Reset,
                "button" => FieldKind::Button,
                _ => FieldKind::Submit,
            };
            (kind, FieldValue::None, 0)
        }
        _ => return None,
    };
    // A <button> shows its content; an <input> button its value, or a default.
    let label = match (tag, &kind) {
        ("button", _) => text_content(node).split_whitespace().collect::<Vec<_>>().join(" "),
        (_, FieldKind::Submit) => value_attr.clone().unwrap_or_else(|| "Submit".into()),
        (_, FieldKind::Reset) => value_attr.clone().unwrap_or_else(|| "Reset".into()),
        (_, FieldKind::Button) => value_attr.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let value = match kind {
        FieldKind::Checkbox | FieldKind::Radio => value_attr.unwrap_or_else(|| "on".into()),
        _ => value_attr.unwrap_or_default(),
    };
    let disabled = attr(node, "disabled").is_some();
    Some(Field { form, kind, name, value, label, initial, width, disabled })
}

fn options_of(select: &Handle) -> (Vec<SelectOption>, Vec<usize>) {
    let mut options = Vec::new();
    let mut selected = Vec::new();
    let mut stack = vec![select.clone()];
    while let Some(n) = stack.pop() {
        if local_name(&n) == Some("option") {
            let label = text_content(&n).split_whitespace().collect::<Vec<_>>().join(" ");
            let value = attr(&n, "value").unwrap_or_else(|| label.clone());
            if attr(&n, "selected").is_some() {
                selected.push(options.len());
            }
            options.push(SelectOption { value, label });
            continue;
        }
        stack.extend(n.children.borrow().iter().rev().cloned());
    }
    (options, selected)
}

/// The text a field shows for a value, exactly as wide as its placeholder.
pub fn display(field: &Field, value: &FieldValue) -> String {
    let fit = |text: &str, width: usize, pad: char| -> String {
        let mut out: String =
            text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(width).collect();
        let len = out.chars().count();
        out.extend(std::iter::repeat_n(pad, width - len));
        out
    };
    match (&field.kind, value) {
        (FieldKind::Text | FieldKind::File, FieldValue::Text(t)) => fit(t, field.width, '_'),
        (FieldKind::Password, FieldValue::Text(t)) => fit(&"*".repeat(t.chars().count()), field.width, '_'),
        (FieldKind::Textarea, FieldValue::Text(t)) => {
            let first = t.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            let more = t.lines().filter(|l| !l.trim().is_empty()).count() > 1;
            let shown = if more { format!("{first} …") } else { first.to_string() };
            fit(&shown, field.width, '_')
        }
        (FieldKind::Checkbox, FieldValue::Checked(on)) => if *on { "[X]" } else { "[\u{a0}]" }.to_string(),
        (FieldKind::Radio, FieldValue::Checked(on)) => if *on { "(*)" } else { "(\u{a0})" }.to_string(),
        (FieldKind::Select { options, .. }, FieldValue::Selected(sel)) => {
            let labels: Vec<&str> =
                sel.iter().filter_map(|i| options.get(*i)).map(|o| o.label.as_str()).collect();
            let text = fit(&labels.join(", "), field.width.saturating_sub(2), NBSP);
            format!("{text}\u{a0}▾")
        }
        (FieldKind::Submit | FieldKind::Reset | FieldKind::Button, _) => {
            let label = if field.label.trim().is_empty() { "Button" } else { field.label.trim() };
            format!("[{}]", label.replace(' ', "\u{a0}"))
        }
        _ => fit("", field.width, '_'),
    }
}

/// A new `<a href="margay-field:N"><img alt="placeholder"></a>`, its names cloned from the
/// control (html2text re-exports no way to build DOM names from scratch).
fn field_link(control: &Handle, index: usize, text: &str) -> Option<Handle> {
    type Node = <Handle as std::ops::Deref>::Target;
    let html2text::Element { name, .. } = &control.data else { return None };
    let qual = |local: &str| QualName::new(None, ns!(), LocalName::from(local));
    let mut a_name = name.clone();
    a_name.local = LocalName::from("a");
    let mut img_name = name.clone();
    img_name.local = LocalName::from("img");
    let img = Node::new(html2text::Element {
        name: img_name,
        attrs: RefCell::new(vec![
            Attribute { name: qual("src"), value: FIELD_SRC.into() },
            Attribute { name: qual("alt"), value: text.into() },
        ]),
        template_contents: RefCell::new(None),
        mathml_annotation_xml_integration_point: false,
    });
    let link = Node::new(html2text::Element {
        name: a_name,
        attrs: RefCell::new(vec![Attribute { name: qual("href"), value: field_href(index).into() }]),
        template_contents: RefCell::new(None),
        mathml_annotation_xml_integration_point: false,
    });
    link.children.borrow_mut().push(img);
    Some(link)
}

/// Put `replacement` where `node` is in its parent (or just remove `node`).
fn replace(node: &Handle, replacement: Option<Handle>) {
    let Some(parent) = node.parent.take().and_then(|weak| weak.upgrade()) else { return };
    let mut children = parent.children.borrow_mut();
    if let Some(position) = children.iter().position(|c| std::rc::Rc::ptr_eq(c, node)) {
        match replacement {
            Some(new) => {
                new.parent.set(Some(std::rc::Rc::downgrade(&parent)));
                children[position] = new;
            }
            None => {
                children.remove(position);
            }
        }
    }
}

/// One part of a multipart/form-data body; files are read when the request is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text { name: String, value: String },
    File { name: String, path: String },
}

/// The request a submission makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    pub method: FormMethod,
    pub url: Url,
    /// For POST: the body and its type (multipart bodies are built from `parts`).
    pub body: Option<(String, Vec<u8>)>,
    pub parts: Option<Vec<Part>>,
}

/// The name/value pairs a form sends, in document order (the HTML "form data set"). Names
/// and values are sent with the bidirectional characters the page had, not the
/// placeholders shown for them (`crate::sanitize::restore_bidi`).
pub fn form_data(forms: &Forms, values: &[FieldValue], form: usize, submitter: Option<usize>) -> Vec<Part> {
    use crate::sanitize::restore_bidi;
    let text = |name: &str, value: &str| Part::Text {
        name: restore_bidi(name).into_owned(),
        value: restore_bidi(value).into_owned(),
    };
    let mut out = Vec::new();
    for (i, field) in forms.fields.iter().enumerate() {
        if field.form != Some(form) || field.disabled || field.name.is_empty() {
            continue;
        }
        let value = values.get(i).unwrap_or(&field.initial);
        let name = field.name.as_str();
        match (&field.kind, value) {
            (FieldKind::Submit, _) if submitter == Some(i) => out.push(text(name, &field.value)),
            (FieldKind::Submit | FieldKind::Reset | FieldKind::Button, _) => {}
            (FieldKind::Checkbox | FieldKind::Radio, FieldValue::Checked(true)) => {
                out.push(text(name, &field.value))
            }
            (FieldKind::Checkbox | FieldKind::Radio, _) => {}
            (FieldKind::Select { options, .. }, FieldValue::Selected(sel)) => {
                for o in sel.iter().filter_map(|i| options.get(*i)) {
                    out.push(text(name, &o.value));
                }
            }
            (FieldKind::File, FieldValue::Text(path)) => {
                out.push(Part::File { name: restore_bidi(name).into_owned(), path: path.clone() })
            }
            // Browsers send textarea line breaks as CRLF.
            (FieldKind::Textarea, FieldValue::Text(t)) => {
                out.push(text(name, &t.replace("\r\n", "\n").replace('\n', "\r\n")))
            }
            (_, FieldValue::Text(t)) => out.push(text(name, t)),
            _ => {}
        }
    }
    out
}

/// Build the request for submitting `form`, pressed through `submitter` (or Enter in a
/// text field: `None`).
pub fn submit(
    forms: &Forms,
    values: &[FieldValue],
    form: usize,
    submitter: Option<usize>,
) -> Option<Submission> {
    let spec = forms.forms.get(form)?;
    let data = form_data(forms, values, form, submitter);
    let encoding = spec.charset.unwrap_or(encoding_rs::UTF_8);
    let encode = |parts: &[Part]| -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        fn encoder_for(
            encoding: &'static encoding_rs::Encoding,
        ) -> impl Fn(&str) -> std::borrow::Cow<'_, [u8]> {
            move |s| encoding.encode(s).0
        }
        let encoder = encoder_for(encoding);
        ser.encoding_override(Some(&encoder));
        for part in parts {
            match part {
                Part::Text { name, value } => ser.append_pair(name, value),
                // Without multipart, a file field sends its file name only.
                Part::File { name, path } => ser.append_pair(name, path.rsplit('/').next().unwrap_or("")),
            };
        }
        ser.finish()
    };
    match (spec.method, spec.enctype) {
        (FormMethod::Get, _) => {
            let mut url = spec.action.clone();
            url.set_query(Some(&encode(&data)));
            url.set_fragment(None);
            Some(Submission { method: FormMethod::Get, url, body: None, parts: None })
        }
        (FormMethod::Post, Enctype::Multipart) => Some(Submission {
            method: FormMethod::Post,
            url: spec.action.clone(),
            body: None,
            parts: Some(data),
        }),
        (FormMethod::Post, Enctype::TextPlain) => {
            let text: String = data
                .iter()
                .map(|p| match p {
                    Part::Text { name, value } => format!("{name}={value}\r\n"),
                    Part::File { name, path } => format!("{name}={path}\r\n"),
                })
                .collect();
            let body = ("text/plain; charset=utf-8".to_string(), text.into_bytes());
            Some(Submission {
                method: FormMethod::Post,
                url: spec.action.clone(),
                body: Some(body),
                parts: None,
            })
        }
        (FormMethod::Post, Enctype::UrlEncoded) => {
            let body = ("application/x-www-form-urlencoded".to_string(), encode(&data).into_bytes());
            Some(Submission {
                method: FormMethod::Post,
                url: spec.action.clone(),
                body: Some(body),
                parts: None,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::may_have_fields;

    #[test]
    fn a_page_is_looked_through_for_fields_only_when_it_has_a_field_tag() {
        for html in [
            "<INPUT name=q>",
            "<p>x<form action=/s>",
            "<Button>Go</Button>",
            "<select\nname=s>",
            "<textarea>",
        ] {
            assert!(may_have_fields(html), "{html}");
        }
        for html in ["<p>input and form</p>", "<inputs>", "<form-field>", "<formula>", "x < form", "<input"] {
            assert!(!may_have_fields(html), "{html}");
        }
    }
}
