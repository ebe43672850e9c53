//! Certificates the user chose to trust, one per host and port, in a file like ssh's
//! known_hosts: `$XDG_DATA_HOME/margay/trusted-certs`, one line each —
//! `HOST:PORT SHA256-FINGERPRINT ADDED-DATE SUBJECT`. The browser adds a line only after the
//! user saw the fingerprint and said yes; `margay certs list` and `margay certs remove` read
//! and change it. Lines margay cannot read are kept as they are and named in a warning.
//!
//! A change is made on what the file holds at that moment (another process may have changed
//! it), then written atomically.

use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedCert {
    pub host_port: String,
    pub sha256: String,
    pub added: String,
    pub subject: String,
}

#[derive(Clone, Debug, Default)]
pub struct TrustedCerts {
    path: Option<PathBuf>,
    entries: Vec<TrustedCert>,
    /// Lines that are not entries (comments, damaged lines), kept on rewrite.
    other_lines: Vec<String>,
    /// The file as last read or written (modification time, length).
    seen: Option<(std::time::SystemTime, u64)>,
}

fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

const HEADER: &str =
    "# Certificates trusted in margay, one per host and port: HOST:PORT SHA-256 ADDED SUBJECT";

impl TrustedCerts {
    /// The file's entries; a missing file is an empty list. The warning names damaged lines.
    pub fn load(path: Option<PathBuf>) -> (TrustedCerts, Option<String>) {
        let Some(file) = path.clone() else { return (TrustedCerts::default(), None) };
        match std::fs::read_to_string(&file) {
            Ok(text) => {
                let (certs, bad) = TrustedCerts::parse(&text);
                let certs = TrustedCerts { seen: stamp(&file), ..certs };
                let warning = (!bad.is_empty()).then(|| {
                    format!(
                        "{}: line {} is not HOST:PORT FINGERPRINT DATE SUBJECT; it is kept but not used",
                        file.display(),
                        bad[0]
                    )
                });
                (TrustedCerts { path, ..certs }, warning)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                (TrustedCerts { path, ..Default::default() }, None)
            }
            Err(e) => (
                TrustedCerts { path, ..Default::default() },
                Some(format!(
                    "{}: cannot be read ({}), so no certificate is trusted beyond the usual authorities; make it a text file or remove it",
                    file.display(),
                    crate::plain::io(&e)
                )),
            ),
        }
    }

    /// Entries and the numbers (1-based) of lines that are not entries.
    fn parse(text: &str) -> (TrustedCerts, Vec<usize>) {
        let mut certs = TrustedCerts::default();
        let mut bad = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed == HEADER {
                continue;
            }
            if trimmed.starts_with('#') {
                certs.other_lines.push(line.to_string());
                continue;
            }
            let mut fields = trimmed.splitn(4, ' ');
            match (fields.next(), fields.next(), fields.next(), fields.next()) {
                (Some(host_port), Some(sha256), Some(added), subject)
                    if host_port.contains(':') && sha256.split(':').count() == 32 =>
                {
                    certs.entries.push(TrustedCert {
                        host_port: host_port.to_string(),
                        sha256: sha256.to_ascii_uppercase(),
                        added: added.to_string(),
                        subject: subject.unwrap_or("").to_string(),
                    });
                }
                _ => {
                    bad.push(i + 1);
                    certs.other_lines.push(line.to_string());
                }
            }
        }
        (certs, bad)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn entries(&self) -> &[TrustedCert] {
        &self.entries
    }

    pub fn fingerprint_for(&self, host_port: &str) -> Option<&str> {
        self.entries.iter().find(|e| e.host_port.eq_ignore_ascii_case(host_port)).map(|e| e.sha256.as_str())
    }

    /// Trust `sha256` for `host_port` from now on (replacing what was trusted there).
    pub fn add(&mut self, cert: TrustedCert) -> Result<(), super::StoreError> {
        self.reload();
        self.entries.retain(|e| !e.host_port.eq_ignore_ascii_case(&cert.host_port));
        self.entries.push(cert);
        self.write()
    }

    /// Stop trusting whatever is trusted for `host_port` (`host` alone: every port of it).
    /// Returns how many entries went.
    pub fn remove(&mut self, host_port: &str) -> Result<usize, super::StoreError> {
        self.reload();
        let before = self.entries.len();
        let matches = |e: &TrustedCert| {
            e.host_port.eq_ignore_ascii_case(host_port)
                || (!host_port.contains(':')
                    && e.host_port.rsplit_once(':').is_some_and(|(h, _)| h.eq_ignore_ascii_case(host_port)))
        };
        self.entries.retain(|e| !matches(e));
        let removed = before - self.entries.len();
        if removed > 0 {
            self.write()?;
        }
        Ok(removed)
    }

    /// Read the file again if another process (`margay certs remove`) changed it since.
    pub fn refresh_if_changed(&mut self) {
        let now = self.path.as_deref().and_then(stamp);
        if now != self.seen {
            self.reload();
        }
    }

    fn reload(&mut self) {
        let Some(path) = self.path.clone() else { return };
        self.seen = stamp(&path);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let (fresh, _) = TrustedCerts::parse(&text);
                self.entries = fresh.entries;
                self.other_lines = fresh.other_lines;
            }
            // Removed: nothing is trusted any more.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.entries.clear();
                self.other_lines.clear();
            }
            Err(_) => {}
        }
    }

    fn write(&mut self) -> Result<(), super::StoreError> {
        let Some(path) = self.path.clone() else {
            return Err(super::StoreError::NoPlace { what: "trusted certificates" });
        };
        let mut text = format!("{HEADER}\n");
        for line in &self.other_lines {
            text.push_str(line);
            text.push('\n');
        }
        for e in &self.entries {
            let subject: String = e.subject.chars().filter(|c| !c.is_control()).collect();
            text.push_str(&format!("{} {} {} {}\n", e.host_port, e.sha256, e.added, subject));
        }
        let written =
            super::save::save_atomically(&path, text.as_bytes(), true).map(|_| ()).map_err(|(path, e, _)| {
                super::StoreError::Write {
                    what: "keep the trusted certificates",
                    path,
                    reason: crate::plain::debug_words(&e),
                }
            });
        self.seen = stamp(&path);
        written
    }
}

/// Today's date (UTC) as the file records it: `2026-12-01`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str =
        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";

    #[test]
    fn dates_are_iso() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_423), (2025, 12, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn trusted_certificates_survive_a_rewrite_and_damaged_lines_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trusted-certs");
        std::fs::write(&path, "# mine\nnot a line\n").unwrap();
        let (mut certs, warning) = TrustedCerts::load(Some(path.clone()));
        assert!(warning.unwrap().contains("line 2"));
        let cert = TrustedCert {
            host_port: "box:8443".into(),
            sha256: FP.into(),
            added: today(),
            subject: "CN=box".into(),
        };
        certs.add(cert).unwrap();
        let (again, warning) = TrustedCerts::load(Some(path.clone()));
        assert_eq!(again.fingerprint_for("BOX:8443"), Some(FP));
        assert!(warning.is_some(), "the damaged line is still there, and still named");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("# mine") && text.contains("not a line"), "{text}");
        // Another process removes it: a running margay sees that at the next connection.
        let mut other = TrustedCerts::load(Some(path.clone())).0;
        assert_eq!(other.remove("box:8443").unwrap(), 1);
        let mut again = again;
        again.refresh_if_changed();
        assert_eq!(again.fingerprint_for("box:8443"), None, "the removal is seen without a restart");
        let cert = TrustedCert {
            host_port: "box:8443".into(),
            sha256: FP.into(),
            added: today(),
            subject: "CN=box".into(),
        };
        again.add(cert).unwrap();
        assert_eq!(again.remove("box").unwrap(), 1);
        assert_eq!(TrustedCerts::load(Some(path)).0.fingerprint_for("box:8443"), None);
    }
}
