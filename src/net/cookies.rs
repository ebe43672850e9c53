//! The cookie jar: RFC 6265 rules (domain, path, Secure, expiry, public suffixes) from the
//! `cookie_store` crate, applied by margay itself on every request and response — ureq's own
//! jar is off, so the cookies of each hop of a redirect chain are scoped by that hop's URL
//! and can be listed and cleared per site. Persistence is off unless the settings turn it
//! on; then persistent cookies are written (atomically) to the data dir after each change.

use cookie_store::{CookieDomain, CookieExpiration, CookieStore, RawCookie};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use url::Url;

/// A cookie as page info and the cookie page show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieInfo {
    pub name: String,
    pub value: String,
    pub domain: String,
    pub path: String,
    /// "end of session" or an RFC 3339 time.
    pub expires: String,
    pub secure: bool,
    pub http_only: bool,
}

pub struct CookieJar {
    store: Mutex<CookieStore>,
    /// Where persistent cookies are kept, when the user asked for that.
    file: Option<PathBuf>,
}

impl CookieJar {
    /// A jar for this session; with `file`, loaded from it and saved to it.
    /// A file that cannot be read gives an empty jar and a message (the file is left alone).
    pub fn new(file: Option<PathBuf>) -> (CookieJar, Option<String>) {
        let mut warning = None;
        let store = match &file {
            // A FIFO or a device would block the read forever (tests/hostile_files.rs).
            Some(path) if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) => {
                warning = Some(format!(
                    "{}: not a regular file, so no cookies were read or will be kept; remove it to keep cookies again",
                    path.display()
                ));
                CookieStore::default()
            }
            Some(path) => match std::fs::File::open(path) {
                // serde's words about types would say nothing to the user: the file is not
                // one margay wrote.
                Ok(f) => cookie_store::serde::json::load(std::io::BufReader::new(f)).unwrap_or_else(|_| {
                    warning = Some(format!(
                        "{}: not a cookie file margay can read; starting with no cookies and leaving it as it is (remove it to keep cookies again)",
                        path.display()
                    ));
                    CookieStore::default()
                }),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => CookieStore::default(),
                Err(e) => {
                    warning = Some(format!(
                        "{}: cannot be read ({}); starting with no cookies",
                        path.display(),
                        crate::plain::io(&e)
                    ));
                    CookieStore::default()
                }
            },
            None => CookieStore::default(),
        };
        // A jar that could not be read is not written over: persistence stays off.
        let file = if warning.is_some() { None } else { file };
        (CookieJar { store: Mutex::new(store), file }, warning)
    }

    fn with<T>(&self, f: impl FnOnce(&mut CookieStore) -> T) -> Option<T> {
        self.store.lock().ok().map(|mut s| f(&mut s))
    }

    /// The Cookie header for a request to `url`, if any cookie applies.
    pub fn header_for(&self, url: &Url) -> Option<String> {
        let value = self.with(|s| {
            s.get_request_values(url).map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ")
        })?;
        (!value.is_empty()).then_some(value)
    }

    /// Keep the cookies a response from `url` sets.
    pub fn store_from(&self, url: &Url, headers: &[(String, String)]) {
        let cookies: Vec<RawCookie<'static>> = headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| RawCookie::parse(v.clone()).ok())
            .collect();
        if cookies.is_empty() {
            return;
        }
        self.with(|s| s.store_response_cookies(cookies.into_iter(), url));
        let _ = self.save();
    }

    /// The cookies a site has set or would be sent (its host, and domains above it).
    pub fn list_for(&self, url: &Url) -> Vec<CookieInfo> {
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        self.with(|s| {
            s.iter_unexpired()
                .filter(|c| applies_to_host(&c.domain, &host))
                .map(|c| CookieInfo {
                    name: c.name().to_string(),
                    value: c.value().to_string(),
                    domain: domain_text(&c.domain),
                    path: String::from(&c.path),
                    expires: match &c.expires {
                        CookieExpiration::AtUtc(t) => t.to_string(),
                        CookieExpiration::SessionEnd => "end of session".to_string(),
                    },
                    secure: c.secure().unwrap_or(false),
                    http_only: c.http_only().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default()
    }

    /// Forget every cookie of a site; returns how many went.
    pub fn clear_for(&self, url: &Url) -> usize {
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        let removed = self
            .with(|s| {
                let doomed: Vec<(String, String, String)> = s
                    .iter_any()
                    .filter(|c| applies_to_host(&c.domain, &host))
                    .map(|c| (domain_text(&c.domain), String::from(&c.path), c.name().to_string()))
                    .collect();
                for (domain, path, name) in &doomed {
                    s.remove(domain, path, name);
                }
                doomed.len()
            })
            .unwrap_or(0);
        let _ = self.save();
        removed
    }

    /// Write the persistent cookies, when persistence is on: temp file, fsync, rename.
    pub fn save(&self) -> Result<(), String> {
        let Some(path) = &self.file else { return Ok(()) };
        let mut json = Vec::new();
        self.with(|s| cookie_store::serde::json::save(s, &mut json))
            .unwrap_or(Ok(()))
            .map_err(|e| e.to_string())?;
        let dir = path.parent().ok_or("the cookie file has no folder")?;
        std::fs::create_dir_all(dir).map_err(|e| {
            format!("cannot make the folder {} for cookies: {}", dir.display(), crate::plain::io(&e))
        })?;
        let temp = path.with_extension(format!("tmp{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options.open(&temp)?;
            f.write_all(&json)?;
            f.sync_all()?;
            std::fs::rename(&temp, path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            format!("cannot save cookies to {}: {}", path.display(), crate::plain::io(&e))
        })
    }
}

fn domain_text(domain: &CookieDomain) -> String {
    match domain {
        CookieDomain::HostOnly(d) | CookieDomain::Suffix(d) => d.clone(),
        CookieDomain::NotPresent | CookieDomain::Empty => String::new(),
    }
}

fn applies_to_host(domain: &CookieDomain, host: &str) -> bool {
    match domain {
        CookieDomain::HostOnly(d) => d == host,
        CookieDomain::Suffix(d) => host == d || host.ends_with(&format!(".{d}")),
        _ => false,
    }
}
