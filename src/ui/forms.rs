//! Form fields in the browser: following a field's link activates it — text fields are
//! edited in place, checkboxes and radios toggle, selects open a list, textareas go to the
//! user's editor, submit buttons submit. Values live in the page, so going back and forth
//! (or a 204 answer) keeps what was typed.

use super::app::{App, Mode, StatusLine};
use super::msg::{Effect, LoadMode};
use super::prompt::{Edit, LineEditor};
use crate::document::forms::{self, FieldKind, FieldValue, FormMethod};
use crate::navigation::Navigation;
use crate::net::FetchRequest;
use crate::policy::Method;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// A text field being edited where it stands on the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldEdit {
    pub field: usize,
    pub editor: LineEditor,
}

/// A select field's options, open for choosing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectList {
    pub field: usize,
    pub cursor: usize,
}

impl App {
    pub(super) fn activate_field(&mut self, index: usize) -> Vec<Effect> {
        let Some(page) = self.tabs[self.active].page_mut() else { return Vec::new() };
        let Some(field) = page.doc.forms.fields.get(index).cloned() else { return Vec::new() };
        if field.disabled {
            self.status = StatusLine::Info("This field is disabled.".into());
            return Vec::new();
        }
        let Some(value) = page.form_values.get_mut(index) else { return Vec::new() };
        match (&field.kind, value) {
            (FieldKind::Text | FieldKind::Password | FieldKind::File, FieldValue::Text(text)) => {
                self.mode =
                    Mode::EditField(FieldEdit { field: index, editor: LineEditor::new(text.clone()) });
                self.status = StatusLine::Info("Editing the field: Enter keeps it, Esc undoes.".into());
            }
            (FieldKind::Checkbox, FieldValue::Checked(on)) => *on = !*on,
            (FieldKind::Radio, FieldValue::Checked(_)) => {
                // One radio of a group (same form, same name) is on at a time.
                for (i, other) in page.doc.forms.fields.iter().enumerate() {
                    if other.kind == FieldKind::Radio && other.form == field.form && other.name == field.name
                    {
                        page.form_values[i] = FieldValue::Checked(i == index);
                    }
                }
            }
            (FieldKind::Select { multiple, .. }, FieldValue::Selected(selected)) => {
                let cursor = selected.first().copied().unwrap_or(0);
                self.mode = Mode::ChooseOption(SelectList { field: index, cursor });
                let hint = if *multiple { "Space toggles, Enter closes" } else { "Enter chooses" };
                self.status = StatusLine::Info(format!("Up/Down move, {hint}, Esc closes."));
            }
            (FieldKind::Textarea, FieldValue::Text(text)) => {
                return vec![Effect::EditText { field: index, text: text.clone() }];
            }
            (FieldKind::Submit, _) => {
                if let Some(form) = field.form {
                    return self.submit_form(form, Some(index));
                }
            }
            (FieldKind::Reset, _) => {
                if let Some(form) = field.form {
                    self.reset_form(self.active, form);
                }
            }
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn on_field_key(&mut self, mut edit: FieldEdit, key: KeyEvent) -> Vec<Effect> {
        match edit.editor.handle(&key) {
            Edit::Submit => {
                if let Some(value) = self.tab_mut().page_mut().and_then(|p| p.form_values.get_mut(edit.field))
                {
                    *value = FieldValue::Text(edit.editor.text);
                }
                self.status = StatusLine::None;
            }
            Edit::Cancel => self.status = StatusLine::None,
            Edit::Changed | Edit::Other => self.mode = Mode::EditField(edit),
        }
        Vec::new()
    }

    pub(super) fn on_list_key(&mut self, mut list: SelectList, key: KeyEvent) {
        let Some(page) = self.tabs[self.active].page_mut() else { return };
        let Some(FieldKind::Select { options, multiple }) =
            page.doc.forms.fields.get(list.field).map(|f| &f.kind)
        else {
            return;
        };
        let n = options.len();
        let multiple = *multiple;
        let Some(FieldValue::Selected(selected)) = page.form_values.get_mut(list.field) else { return };
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => list.cursor = list.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => list.cursor = (list.cursor + 1).min(n.saturating_sub(1)),
            KeyCode::Home => list.cursor = 0,
            KeyCode::End => list.cursor = n.saturating_sub(1),
            KeyCode::Char(' ') if multiple => match selected.iter().position(|&s| s == list.cursor) {
                Some(i) => {
                    selected.remove(i);
                }
                None => {
                    selected.push(list.cursor);
                    selected.sort_unstable();
                }
            },
            KeyCode::Enter => {
                if !multiple && n > 0 {
                    *selected = vec![list.cursor];
                }
                self.status = StatusLine::None;
                return;
            }
            KeyCode::Esc => {
                self.status = StatusLine::None;
                return;
            }
            _ => {}
        }
        self.mode = Mode::ChooseOption(list);
    }

    pub(super) fn text_edited(&mut self, field: usize, result: Result<String, String>) {
        match result {
            Ok(text) => {
                if let Some(value) = self.tab_mut().page_mut().and_then(|p| p.form_values.get_mut(field)) {
                    *value = FieldValue::Text(text);
                }
            }
            Err(message) => self.status = StatusLine::Error(crate::plain::debug_words(&message)),
        }
    }

    pub(super) fn reset_form(&mut self, ti: usize, form: usize) {
        if let Some(page) = self.tabs[ti].page_mut() {
            for (i, field) in page.doc.forms.fields.iter().enumerate() {
                if field.form == Some(form) {
                    page.form_values[i] = field.initial.clone();
                }
            }
        }
    }

    pub(super) fn submit_form(&mut self, form: usize, submitter: Option<usize>) -> Vec<Effect> {
        let Some(page) = self.page() else { return Vec::new() };
        let Some(submission) = forms::submit(&page.doc.forms, &page.form_values, form, submitter) else {
            return Vec::new();
        };
        let local_page = page.kind.may_open_files(&page.address);
        if !matches!(submission.url.scheme(), "http" | "https") {
            self.status = StatusLine::Error(format!("A form cannot be sent to {}", submission.url));
            return Vec::new();
        }
        let mut request = FetchRequest::get(submission.url);
        if submission.method == FormMethod::Post {
            request.method = Method::Post;
            if let Some((content_type, body)) = submission.body {
                request.headers.push(("Content-Type".into(), content_type));
                request.body = Some(body);
            }
            request.multipart = submission.parts;
        }
        let sending: Vec<(usize, FieldValue)> = self.page().map_or(Vec::new(), |page| {
            let fields = page.doc.forms.fields.iter().zip(&page.form_values).enumerate();
            fields
                .filter(|(_, (field, _))| field.form == Some(form))
                .map(|(i, (_, v))| (i, v.clone()))
                .collect()
        });
        let sends_password = self.page().is_some_and(|page| {
            page.doc.forms.fields.iter().zip(&page.form_values).any(|(field, value)| {
                field.form == Some(form)
                    && field.kind == FieldKind::Password
                    && !matches!(value, FieldValue::Text(t) if t.is_empty())
            })
        });
        let sent_from = self.tab().history.index();
        let effects = self.start(Navigation::with_request(request, local_page), LoadMode::Push);
        if let Some(pending) = self.tab_mut().pending.as_mut() {
            pending.form = Some(form);
            pending.sending = sending;
            pending.sent_from = sent_from;
            pending.sends_password = sends_password;
        }
        effects
    }

    /// A form's submission was answered without an error: the values it sent count as sent
    /// on the page they came from, history entry `origin` of tab `ti` (a session keeps a
    /// typed value only until then, so that a failed submission loses nothing). The entry
    /// stays where it is while the answer loads: going back or forward stops the load.
    pub(super) fn mark_sent(&mut self, ti: usize, origin: usize, sending: &[(usize, FieldValue)]) {
        let Some(page) = self.tabs[ti].history.iter_mut().nth(origin) else { return };
        for (i, value) in sending {
            if *i >= page.form_values.len() {
                continue;
            }
            page.sent_values.resize(page.form_values.len(), None);
            page.sent_values[*i] = Some(value.clone());
        }
    }
}
