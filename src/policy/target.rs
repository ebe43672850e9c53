//! Where a response points: the `Location` header, the 1992 `URI: <url> comment` header
//! lines, the 1992 303 body form `Method: GET <url>`, and the 1992 201 whose reason phrase is
//! the new document's URI; plus the URL comparisons the redirect rules and the bookmark
//! relink share ([`same_origin`], [`normalize_for_compare`]).
//!
//! It only reads and resolves addresses. Deciding whether to follow them is `redirect.rs`'s job.

use super::redirect::Choice;
use super::{RequestInfo, ResponseHead};
use url::Url;

/// Where a redirect target came from, for page info.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSource {
    /// The `Location` header.
    Location,
    /// A 1992 `URI: <url> comment` header line (Location was missing).
    UriHeader { comment: String },
    /// The 1992 303 body form `Method: GET <url>`.
    MethodBody,
}

/// What a 3xx response names as its target.
pub(crate) enum Found {
    One {
        url: Url,
        source: TargetSource,
    },
    /// Several `URI:` lines (already resolved; any scheme).
    Several(Vec<Choice>),
    /// A target that cannot be used as an address: the raw value.
    Bad(String),
    /// A 303 `Method:` body asking for a method other than GET.
    NonGet {
        method: String,
        url: Url,
    },
    Missing,
}

/// How many body lines the 303 `Method:` scan reads before giving up.
const METHOD_SCAN_LINES: usize = 32;

/// Find the target of a redirect: Location wins; without it the 1992 `URI:` lines; for a 303
/// without either, the `Method:` body form.
pub(crate) fn find(req: &RequestInfo, head: &ResponseHead, body_prefix: &[u8]) -> Found {
    let locations: Vec<&str> = head.headers_all("location").map(str::trim).collect();
    if let Some(&first) = locations.first() {
        if locations.iter().any(|l| *l != first) {
            return Found::Bad(locations.join(", "));
        }
        return match resolve(&req.url, first) {
            Some(url) => Found::One { url, source: TargetSource::Location },
            None => Found::Bad(first.to_string()),
        };
    }

    let lines: Vec<&str> = head.headers_all("uri").collect();
    if !lines.is_empty() {
        let mut choices = uri_choices(req, head);
        return match (lines.len(), choices.len()) {
            (_, 0) => Found::Bad(lines[0].trim().to_string()),
            (1, _) => {
                let c = choices.remove(0);
                Found::One { url: c.url, source: TargetSource::UriHeader { comment: c.comment } }
            }
            _ => Found::Several(choices),
        };
    }

    if head.status == 303 {
        if let Some((method, raw)) = method_body(body_prefix) {
            let Some(url) = resolve(&req.url, &raw) else {
                return Found::Bad(raw);
            };
            if method.eq_ignore_ascii_case("GET") {
                return Found::One { url, source: TargetSource::MethodBody };
            }
            return Found::NonGet { method, url };
        }
    }
    Found::Missing
}

/// The valid `URI:` header lines as choices, in order; malformed lines are dropped.
pub(crate) fn uri_choices(req: &RequestInfo, head: &ResponseHead) -> Vec<Choice> {
    head.headers_all("uri")
        .filter_map(parse_uri_line)
        .filter_map(|(raw, comment)| {
            resolve(&req.url, raw).map(|url| Choice { url, comment: super::diagnosis::clean(comment) })
        })
        .collect()
}

/// The Location of a 201, or the 1992 form: the URI in the reason phrase. Only http(s)
/// addresses are returned, since the UI offers them as links.
pub(crate) fn created_location(req: &RequestInfo, head: &ResponseHead) -> Option<Url> {
    let url = match head.header("location") {
        Some(raw) => resolve(&req.url, raw.trim())?,
        None => {
            let reason = head.reason.trim();
            // A plain word like "Created" would resolve as a relative path: only accept an
            // absolute URL or an absolute path.
            match Url::parse(reason) {
                Ok(u) => u,
                Err(_) if reason.starts_with('/') => resolve(&req.url, reason)?,
                Err(_) => return None,
            }
        }
    };
    is_web(&url).then_some(url)
}

/// Resolve a reference against the request URL. An empty reference is refused (it would
/// mean "this very address"). A target without a fragment keeps the request's fragment
/// (RFC 9110 §10.2.2).
pub(crate) fn resolve(base: &Url, raw: &str) -> Option<Url> {
    let raw = raw.trim();
    if raw.is_empty() || raw.chars().any(char::is_control) {
        return None;
    }
    let mut url = base.join(raw).ok()?;
    if url.fragment().is_none() && base.fragment().is_some() {
        url.set_fragment(base.fragment());
    }
    Some(url)
}

/// http and https are the only schemes a server may send the browser to.
pub(crate) fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// `<url> comment` or `url comment` (1992: `URI: <url> String`).
fn parse_uri_line(value: &str) -> Option<(&str, &str)> {
    let v = value.trim();
    let (url, comment) = match v.strip_prefix('<') {
        Some(rest) => {
            let end = rest.find('>')?;
            (&rest[..end], &rest[end + 1..])
        }
        None => v.split_once(char::is_whitespace).unwrap_or((v, "")),
    };
    let url = url.trim();
    (!url.is_empty()).then_some((url, comment.trim()))
}

/// The 1992 303 body: header-like lines at the start of the body, one of them
/// `Method: <method> <url>`. Returns the method and the raw url.
fn method_body(body: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim_start_matches('\u{feff}');
    let lines = text.lines().map(str::trim).skip_while(|l| l.is_empty()).take(METHOD_SCAN_LINES);
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return None; // not a field line: the body proper has begun
        }
        if name.eq_ignore_ascii_case("method") {
            let mut parts = value.split_whitespace();
            let method = parts.next()?;
            let url = parts.next()?;
            let url = url.trim_start_matches('<').trim_end_matches('>');
            return Some((method.to_string(), url.to_string()));
        }
    }
    None
}

/// Same origin: scheme, host and port (the default port filled in) all equal.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && match (a.host_str(), b.host_str()) {
            (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
            (None, None) => true,
            _ => false,
        }
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A URL as a comparison key: scheme and host lowercase, the default port dropped, an empty
/// path as "/", the fragment dropped; the query is kept. Used for loop detection and for
/// finding bookmarks that point at a moved address.
pub fn normalize_for_compare(url: &Url) -> String {
    let mut u = url.clone();
    u.set_fragment(None);
    // `url` already does all of this for http(s); other schemes need it spelled out.
    if let Some(host) = u.host_str() {
        if host.chars().any(|c| c.is_ascii_uppercase()) {
            let lower = host.to_ascii_lowercase();
            // A host that was valid stays valid in lowercase; if not, keep it as it was.
            let _ = u.set_host(Some(&lower));
        }
    }
    if u.port().is_some() && u.port() == default_port(u.scheme()) {
        let _ = u.set_port(None);
    }
    if u.has_host() && u.path().is_empty() {
        u.set_path("/");
    }
    u.as_str().to_string()
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        "gopher" => Some(70),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_line_forms() {
        assert_eq!(parse_uri_line("<http://a/> the A"), Some(("http://a/", "the A")));
        assert_eq!(parse_uri_line(" http://a/  comment "), Some(("http://a/", "comment")));
        assert_eq!(parse_uri_line("http://a/"), Some(("http://a/", "")));
        assert_eq!(parse_uri_line("<http://a/"), None);
        assert_eq!(parse_uri_line("  "), None);
    }

    #[test]
    fn method_body_forms() {
        let m = |b: &str| method_body(b.as_bytes());
        let get = Some(("GET".to_string(), "/x".to_string()));
        assert_eq!(m("Method: GET /x\r\n\r\nbody"), get);
        assert_eq!(m("\n\nMethod: GET </x>\n"), get);
        assert_eq!(m("Content-Type: text/plain\nmethod: GET /x\n"), get);
        assert_eq!(m("<html>Method: GET /x"), None);
        assert_eq!(m("Hello there: Method: GET /x"), None);
        assert_eq!(m("Method: GET"), None);
        assert_eq!(m(""), None);
    }

    #[test]
    fn normalize_other_schemes() {
        let u = Url::parse("gopher://Example.ORG:70").expect("test url");
        assert_eq!(normalize_for_compare(&u), "gopher://example.org/");
    }
}
