//! What the user typed at the URL prompt (or on the command line, or in `WWW_HOME`) made an
//! address, as lynx and w3m make it: absolute URLs as they are, `example.com` or
//! `localhost:8080` as a web address, an absolute path or `~/…` as a local file, anything
//! else relative to the current page (or to the working directory when there is none).
//!
//! Pure but for the two places it may be given (the working directory and the home
//! directory, read from the process by [`resolve_typed`]); it never touches the file system.

use std::path::{Path, PathBuf};
use url::Url;

/// Where a typed path starts from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Places {
    /// What a relative path is relative to when there is no page.
    pub cwd: Option<PathBuf>,
    /// What `~` stands for.
    pub home: Option<PathBuf>,
}

impl Places {
    /// This process's working directory and `$HOME`.
    pub fn of_process() -> Places {
        Places {
            cwd: std::env::current_dir().ok(),
            home: std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from),
        }
    }
}

/// [`resolve_in`] with this process's working and home directories.
pub fn resolve_typed(input: &str, base: Option<&Url>) -> Result<Url, String> {
    resolve_in(input, base, &Places::of_process())
}

/// Turn what was typed into an address (see the module's doc), or say why it is not one.
pub fn resolve_in(input: &str, base: Option<&Url>, places: &Places) -> Result<Url, String> {
    let input = input.trim();
    match Url::parse(input) {
        // "localhost:8080" parses as scheme "localhost"; only take real schemes.
        Ok(url) if KNOWN_SCHEMES.contains(&url.scheme()) => return Ok(url),
        // "scheme://…" is meant as an address: a mistake in it is said, never read as a path.
        Err(e) if input.split_once("://").is_some_and(|(scheme, _)| is_scheme(scheme)) => {
            return Err(format!("'{input}' is not a valid address: {e}"));
        }
        _ => {}
    }
    // A path from the root or the home directory names a file wherever it is typed, as in
    // lynx and w3m: `/usr/share/doc` on a web page opens the directory, not the site's path.
    if input.starts_with('/') {
        return file_url(Path::new(input), input);
    }
    if input == "~" || input.starts_with("~/") {
        let Some(home) = &places.home else {
            return Err(format!("'{input}' names the home directory, but HOME is not set."));
        };
        let rest = input.trim_start_matches('~').trim_start_matches('/');
        return file_url(&home.join(rest), input);
    }
    if looks_like_host(input) {
        let host = input.split(['/', ':', '?', '#']).next().unwrap_or("");
        let scheme =
            if host == "localhost" || host.parse::<std::net::Ipv4Addr>().is_ok() { "http" } else { "https" };
        return Url::parse(&format!("{scheme}://{input}"))
            .map_err(|e| format!("'{input}' is not a valid address: {e}"));
    }
    if let Some(base) = base.filter(|b| b.scheme() != "about") {
        return base.join(input).map_err(|e| format!("'{input}' is not a valid address: {e}"));
    }
    let Some(cwd) = &places.cwd else {
        return Err(format!("'{input}' is a relative path, and the working directory is unknown."));
    };
    file_url(&cwd.join(input), input)
}

/// The `file:` address of an absolute path.
fn file_url(path: &Path, input: &str) -> Result<Url, String> {
    // Parsed again so that `..` and `.` segments are resolved ("../" is the parent, not
    // "file:///cwd/..").
    Url::from_file_path(path)
        .ok()
        .and_then(|url| Url::parse(url.as_str()).ok())
        .ok_or_else(|| format!("'{input}' is not a valid address"))
}

/// Schemes taken as they are (those margay cannot open are refused by name later).
const KNOWN_SCHEMES: &[&str] = &[
    "http",
    "https",
    "file",
    "about",
    "data",
    "ftp",
    "mailto",
    "javascript",
    "gopher",
    "news",
    "telnet",
    "ssh",
];

fn is_scheme(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn looks_like_host(input: &str) -> bool {
    let host_port = input.split(['/', '?', '#']).next().unwrap_or("");
    let host = host_port.split(':').next().unwrap_or("");
    if host.is_empty() || input.starts_with('.') || input.contains(' ') {
        return false;
    }
    if host == "localhost" || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return true;
    }
    // A dotted name whose last label is alphabetic, and not a file name: "example.com" yes,
    // "page.html" no.
    let Some((_, last)) = host.rsplit_once('.') else { return false };
    const FILE_ENDINGS: &[&str] = &[
        "html", "htm", "txt", "md", "php", "xml", "json", "css", "js", "pdf", "png", "jpg", "gif", "rs",
        "toml",
    ];
    last.len() >= 2
        && last.chars().all(|c| c.is_ascii_alphabetic())
        && !FILE_ENDINGS.contains(&last.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Places {
        Places { cwd: Some("/work/here".into()), home: Some("/home/me".into()) }
    }

    fn resolve(input: &str, base: Option<&str>) -> Result<String, String> {
        let base = base.map(|b| Url::parse(b).unwrap());
        resolve_in(input, base.as_ref(), &places()).map(|u| u.to_string())
    }

    #[test]
    fn a_path_from_the_root_or_home_is_a_file_even_on_a_web_page() {
        let web = Some("http://example.com/a/page.html");
        assert_eq!(resolve("/usr/share/doc", web).unwrap(), "file:///usr/share/doc");
        assert_eq!(resolve("~/notes.txt", web).unwrap(), "file:///home/me/notes.txt");
        assert_eq!(resolve("~", web).unwrap(), "file:///home/me");
        // A relative reference stays relative to the page.
        assert_eq!(resolve("other.html", web).unwrap(), "http://example.com/a/other.html");
        assert_eq!(resolve("../up/", web).unwrap(), "http://example.com/up/");
        assert_eq!(resolve("?q=1", web).unwrap(), "http://example.com/a/page.html?q=1");
        // Without a page, relative to the working directory.
        assert_eq!(resolve("x/../y.txt", None).unwrap(), "file:///work/here/y.txt");
        assert_eq!(resolve("example.com/x", web).unwrap(), "https://example.com/x");
        let no_home = Places { home: None, ..places() };
        assert!(resolve_in("~/x", None, &no_home).unwrap_err().contains("HOME"));
    }
}
