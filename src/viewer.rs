//! Opening a body margay does not display (an image, a PDF) with the user's viewer, as lynx
//! and w3m do: the first matching entry of the user's mailcap files (RFC 1524), else
//! `xdg-open` in a graphical session. Nothing is opened without the user's key press.
//!
//! The mailcap reading is written here: the one crate for it is GPL-licensed and unmaintained,
//! and what a browser needs — type, command, `needsterminal`, `copiousoutput`, `test=`,
//! `nametemplate=` and `%s`/`%t` — is a page of code. Commands run through `sh -c` (as the RFC
//! says) with the file name passed as a positional argument, never pasted into the command, so
//! a hostile name cannot run anything.

use std::path::{Path, PathBuf};

/// One mailcap line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailcapEntry {
    /// `type/subtype` in lower case; `type/*` or a bare `type` match every subtype.
    pub mime: String,
    pub command: String,
    /// The viewer needs the terminal: margay hands it over and waits.
    pub needs_terminal: bool,
    /// The viewer writes text to stdout, to be shown as a page.
    pub copious_output: bool,
    /// A shell command that must succeed for the entry to apply.
    pub test: Option<String>,
    /// How to name the file (`%s.pdf`).
    pub name_template: Option<String>,
}

/// Every entry of a mailcap file, in order.
pub fn parse_mailcap(text: &str) -> Vec<MailcapEntry> {
    let joined = text.replace("\\\n", "");
    joined.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<MailcapEntry> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let fields = split_fields(line);
    let mime = fields.first()?.trim().to_ascii_lowercase();
    let command = fields.get(1)?.trim().to_string();
    if mime.is_empty() || command.is_empty() {
        return None;
    }
    let mut entry = MailcapEntry {
        mime,
        command,
        needs_terminal: false,
        copious_output: false,
        test: None,
        name_template: None,
    };
    for field in &fields[2..] {
        let (name, value) = match field.split_once('=') {
            Some((n, v)) => (n.trim().to_ascii_lowercase(), Some(v.trim().to_string())),
            None => (field.trim().to_ascii_lowercase(), None),
        };
        match (name.as_str(), value) {
            ("needsterminal", _) => entry.needs_terminal = true,
            ("copiousoutput", _) => entry.copious_output = true,
            ("test", Some(v)) => entry.test = Some(v),
            ("nametemplate", Some(v)) => entry.name_template = Some(v),
            _ => {}
        }
    }
    Some(entry)
}

/// Fields separated by `;`, where `\;` is a semicolon inside a field.
fn split_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&';') => {
                field.push(';');
                chars.next();
            }
            ';' => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

impl MailcapEntry {
    pub fn matches(&self, mime: &str) -> bool {
        let (top, _) = mime.split_once('/').unwrap_or((mime, ""));
        self.mime == mime || self.mime == format!("{top}/*") || self.mime == top
    }

    /// The command for `sh -c`: `%s` becomes `"$1"` (the file, passed as an argument), `%t`
    /// the type. Without `%s` the file goes to the command's standard input (the RFC's rule).
    pub fn shell_command(&self, mime: &str) -> (String, bool) {
        let mut out = String::new();
        let mut uses_file = false;
        let mut chars = self.command.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('s') => {
                    uses_file = true;
                    out.push_str("\"$1\"");
                }
                Some('t') => out.push_str(&shell_quote(mime)),
                Some('%') => out.push('%'),
                Some(other) => {
                    out.push('%');
                    out.push(other);
                }
                None => out.push('%'),
            }
        }
        // `'%s'` in a mailcap file quotes what is now "$1" a second time: undo that.
        let out = out.replace("'\"$1\"'", "\"$1\"").replace("\"\"$1\"\"", "\"$1\"");
        (out, uses_file)
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Where mailcap files are read from: `$MAILCAPS` (colon-separated), else the RFC's list.
pub fn mailcap_paths(mailcaps: Option<String>, home: Option<PathBuf>) -> Vec<PathBuf> {
    if let Some(list) = mailcaps.filter(|l| !l.trim().is_empty()) {
        return std::env::split_paths(&list).collect();
    }
    let mut paths: Vec<PathBuf> = home.map(|h| h.join(".mailcap")).into_iter().collect();
    paths.extend(["/etc/mailcap", "/usr/etc/mailcap", "/usr/local/etc/mailcap"].iter().map(PathBuf::from));
    paths
}

/// How a body will be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    /// The command for `sh -c`, with the file as `$1`.
    pub command: String,
    /// The file goes to standard input instead.
    pub on_stdin: bool,
    pub needs_terminal: bool,
    pub copious_output: bool,
    /// For messages: what is being run.
    pub description: String,
    pub name_template: Option<String>,
}

/// The viewer for `mime`: the first matching mailcap entry whose test passes, else xdg-open
/// when there is a graphical session to open it in.
pub fn find_viewer(mime: &str) -> Option<Viewer> {
    let paths = mailcap_paths(std::env::var("MAILCAPS").ok(), std::env::var_os("HOME").map(PathBuf::from));
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        for entry in parse_mailcap(&text) {
            if !entry.matches(mime) || !entry.test.as_deref().is_none_or(test_passes) {
                continue;
            }
            let (command, uses_file) = entry.shell_command(mime);
            return Some(Viewer {
                description: format!("{} (from {})", entry.command, path.display()),
                command,
                on_stdin: !uses_file,
                needs_terminal: entry.needs_terminal,
                copious_output: entry.copious_output,
                name_template: entry.name_template,
            });
        }
    }
    let graphical =
        ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()));
    (graphical && which("xdg-open")).then(|| Viewer {
        command: "xdg-open \"$1\"".into(),
        on_stdin: false,
        needs_terminal: false,
        copious_output: false,
        description: "xdg-open".into(),
        name_template: None,
    })
}

fn test_passes(test: &str) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(test)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Write `body` into `dir` under a name the viewer can recognise (the suggested name, or the
/// mailcap's name template), and return the file.
pub fn write_for_viewer(dir: &Path, body: &[u8], name: &str, viewer: &Viewer) -> std::io::Result<PathBuf> {
    let safe: String = name.chars().filter(|c| !c.is_control() && *c != '/' && *c != '\\').collect();
    let safe = safe.trim_start_matches('.');
    let safe = if safe.is_empty() { "download" } else { safe };
    let file_name = match &viewer.name_template {
        Some(template) if template.contains("%s") => {
            let stem =
                Path::new(safe).file_stem().map_or(safe.to_string(), |s| s.to_string_lossy().into_owned());
            template.replace("%s", &stem).replace('/', "_")
        }
        _ => safe.to_string(),
    };
    let path = dir.join(file_name);
    std::fs::write(&path, body)?;
    Ok(path)
}

/// The command that runs `viewer` on `file`.
pub fn command_for(viewer: &Viewer, file: &Path) -> std::process::Command {
    let mut command = std::process::Command::new("sh");
    command.arg("-c").arg(&viewer.command).arg("sh").arg(file);
    if viewer.on_stdin {
        match std::fs::File::open(file) {
            Ok(f) => {
                command.stdin(f);
            }
            Err(_) => {
                command.stdin(std::process::Stdio::null());
            }
        }
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailcap_lines_as_the_rfc_has_them() {
        let entries = parse_mailcap(
            "# comment\n\
             image/png; feh %s; test=test -n \"$DISPLAY\"\n\
             application/pdf; pdftotext '%s' -; copiousoutput; nametemplate=%s.pdf\n\
             image/*; echo a\\;b %t; needsterminal\n\
             text/plain; less\\\n -R; needsterminal\n",
        );
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0].test.as_deref(), Some("test -n \"$DISPLAY\""));
        assert!(entries[1].copious_output && entries[1].name_template.as_deref() == Some("%s.pdf"));
        assert!(
            entries[2].needs_terminal && entries[2].matches("image/gif") && !entries[2].matches("text/plain")
        );
        assert_eq!(entries[2].shell_command("image/gif"), ("echo a;b 'image/gif'".to_string(), false));
        assert_eq!(entries[1].shell_command("application/pdf").0, "pdftotext \"$1\" -");
        assert_eq!(entries[3].command, "less -R");
    }

    #[test]
    fn a_hostile_file_name_is_an_argument_not_code() {
        let dir = tempfile::tempdir().unwrap();
        let viewer = Viewer {
            command: "cat \"$1\"".into(),
            on_stdin: false,
            needs_terminal: false,
            copious_output: true,
            description: String::new(),
            name_template: None,
        };
        let file = write_for_viewer(dir.path(), b"payload", "$(touch pwned); x.txt", &viewer).unwrap();
        let out = command_for(&viewer, &file).output().unwrap();
        assert_eq!(out.stdout, b"payload");
        assert!(!dir.path().join("pwned").exists() && !std::path::Path::new("pwned").exists());
    }
}
