//! Parsers for the response headers the policy reads beyond `Location`: `WWW-Authenticate`
//! challenges (RFC 9110 §11.6.1) and `Retry-After` (§10.2.3).
//!
//! They are lenient with what old servers send (an unquoted realm with spaces, several
//! challenges in one header) and never panic on any input: header values come from the network.

use std::time::{Duration, SystemTime};

/// One authentication challenge: a scheme and its parameters, or a token68 blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: String,
    /// Parameter names as sent; look them up with [`Challenge::param`].
    pub params: Vec<(String, String)>,
    pub token68: Option<String>,
}

impl Challenge {
    /// A parameter's value (quotes and escapes removed), name compared case-insensitively.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// All challenges in the given `WWW-Authenticate` header values, in order.
pub fn parse_challenges<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    let mut out: Vec<Challenge> = Vec::new();
    for value in values {
        // A new header line always starts a new challenge.
        let mut current: Option<Challenge> = None;
        for element in split_outside_quotes(value) {
            let element = element.trim();
            if element.is_empty() {
                continue;
            }
            let token_len = element.find(|c: char| !is_tchar(c)).unwrap_or(element.len());
            let after = element[token_len..].trim_start();
            if token_len > 0 && after.starts_with('=') {
                // `name=value`: a parameter of the challenge being read.
                if let Some(ch) = current.as_mut() {
                    if let Some(p) = parse_param(element) {
                        ch.params.push(p);
                    }
                }
                continue;
            }
            if token_len == 0 {
                continue; // garbage; skip it
            }
            out.extend(current.take());
            let mut ch =
                Challenge { scheme: element[..token_len].to_string(), params: Vec::new(), token68: None };
            if !after.is_empty() {
                match parse_param(after) {
                    Some(p) => ch.params.push(p),
                    None => ch.token68 = Some(after.to_string()),
                }
            }
            current = Some(ch);
        }
        out.extend(current);
    }
    out
}

/// `Retry-After` as a duration from `now`: delay-seconds or an HTTP-date (a date in the past
/// gives zero). `None` when the value is neither.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_digit()) {
        // A number too large for u64 is still "a very long time".
        let secs = v.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// `name = value` where value is a quoted string or the rest of the element (lenient).
fn parse_param(s: &str) -> Option<(String, String)> {
    let (name, value) = s.split_once('=')?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(is_tchar) {
        return None;
    }
    let value = value.trim();
    if value.is_empty() || value.starts_with('=') {
        return None; // token68 padding such as `abc==`; an empty value must be quoted
    }
    Some((name.to_string(), unquote(value)))
}

fn unquote(v: &str) -> String {
    let Some(inner) = v.strip_prefix('"') else {
        return v.to_string();
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '"' => break,
            c => out.push(c),
        }
    }
    out
}

/// Split at commas that are not inside a quoted string.
fn split_outside_quotes(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_challenges_in_one_header() {
        let v = r#"Digest realm="a, b", nonce="x", Basic realm="Site \"one\"", Bearer"#;
        let ch = parse_challenges([v]);
        let schemes: Vec<&str> = ch.iter().map(|c| c.scheme.as_str()).collect();
        assert_eq!(schemes, ["Digest", "Basic", "Bearer"]);
        assert_eq!(ch[0].param("realm"), Some("a, b"));
        assert_eq!(ch[0].param("nonce"), Some("x"));
        assert_eq!(ch[1].param("REALM"), Some("Site \"one\""));
    }

    #[test]
    fn token68_and_spaced_params() {
        let ch = parse_challenges(["Negotiate abc==", "Basic realm = Old Site"]);
        assert_eq!(ch[0].token68.as_deref(), Some("abc=="));
        assert_eq!(ch[1].param("realm"), Some("Old Site"));
    }

    #[test]
    fn garbage_does_not_panic() {
        for v in ["", ",,,", "=", "\"", "Basic \"", "Basic realm=\"unterminated", "é=é"] {
            let _ = parse_challenges([v]);
        }
    }
}
