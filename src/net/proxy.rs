//! Which proxy a request goes through, as curl chooses it: `http_proxy` for http://,
//! `https_proxy` for https://, `all_proxy` for either when its own is not set (lower or upper
//! case, lower case first — except `HTTP_PROXY`, which curl ignores because CGI servers set it
//! from a request header, "httpoxy"), and `no_proxy` naming hosts reached directly: a list
//! separated by commas or spaces, `*` means every host, `example.com` and `.example.com` mean
//! that domain and everything under it, `host:port` only that port, and an IP address or
//! `10.0.0.0/8`-style block the addresses in it. A proxy setting that cannot be used makes
//! the requests it is for fail, as curl's do, rather than go out directly.
//!
//! Pure: the environment is read by the caller and handed in; nothing here connects.

use std::net::IpAddr;
use url::Url;

/// A proxy margay can use: an http:// (or https://) proxy, with credentials if its URL had any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proxy {
    /// The proxy's URL, credentials included.
    pub url: Url,
}

impl Proxy {
    /// Parse a proxy setting; like curl, a bare `host:port` means http://.
    pub fn parse(setting: &str) -> Result<Proxy, String> {
        let setting = setting.trim();
        let with_scheme =
            if setting.contains("://") { setting.to_string() } else { format!("http://{setting}") };
        let url =
            Url::parse(&with_scheme).map_err(|e| format!("'{setting}' is not a proxy address ({e})"))?;
        match url.scheme() {
            "http" | "https" if url.host_str().is_some_and(|h| !h.is_empty()) => Ok(Proxy { url }),
            "http" | "https" => Err(format!("'{setting}' names no proxy host")),
            other => Err(format!("'{setting}': margay speaks to http and https proxies, not {other}")),
        }
    }

    /// `host:port` as the user would name it, never with credentials.
    pub fn name(&self) -> String {
        let host = self.url.host_str().unwrap_or("");
        let port = self.url.port_or_known_default().unwrap_or(80);
        format!("{host}:{port}")
    }

    /// The user name and password from the proxy's URL, percent-decoded.
    pub fn credentials(&self) -> Option<(String, String)> {
        if self.url.username().is_empty() && self.url.password().is_none() {
            return None;
        }
        let decode = |s: &str| percent_encoding_decode(s);
        Some((decode(self.url.username()), decode(self.url.password().unwrap_or(""))))
    }
}

fn percent_encoding_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map_or_else(|| s.to_string(), |(_, v)| v.into_owned())
}

/// The proxy settings of the environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxySettings {
    pub http: Option<Setting>,
    pub https: Option<Setting>,
    pub all: Option<Setting>,
    pub no_proxy: NoProxy,
}

/// A proxy variable as it was set: a proxy, or why it cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    Proxy(Proxy),
    Unusable(String),
}

impl ProxySettings {
    /// Read the settings through `var` (the process environment, or a test's table).
    /// A setting that cannot be used is left out, with a warning saying why.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> (ProxySettings, Vec<String>) {
        let mut warnings = Vec::new();
        let mut read = |name: &str| {
            let names = if name == "http_proxy" {
                vec![name.to_string()]
            } else {
                vec![name.to_string(), name.to_ascii_uppercase()]
            };
            let (used, value) =
                names.into_iter().find_map(|n| var(&n).filter(|v| !v.trim().is_empty()).map(|v| (n, v)))?;
            match Proxy::parse(&value) {
                Ok(proxy) => Some(Setting::Proxy(proxy)),
                Err(e) => {
                    let reason = format!("{used}: {e}");
                    warnings.push(format!("{reason}; the addresses it is for are not opened"));
                    Some(Setting::Unusable(reason))
                }
            }
        };
        let settings = ProxySettings {
            http: read("http_proxy"),
            https: read("https_proxy"),
            all: read("all_proxy"),
            no_proxy: NoProxy::parse(&var("no_proxy").or_else(|| var("NO_PROXY")).unwrap_or_default()),
        };
        (settings, warnings)
    }

    pub fn from_env() -> (ProxySettings, Vec<String>) {
        ProxySettings::from_vars(|name| std::env::var(name).ok())
    }

    /// The proxy for `url` (`Ok(None)`: connect directly), or why the setting that would
    /// choose it cannot be used.
    pub fn for_url(&self, url: &Url) -> Result<Option<&Proxy>, String> {
        let own = match url.scheme() {
            "http" => self.http.as_ref(),
            "https" => self.https.as_ref(),
            _ => return Ok(None),
        };
        let Some(setting) = own.or(self.all.as_ref()) else { return Ok(None) };
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else { return Ok(None) };
        if self.no_proxy.matches(host, port) {
            return Ok(None);
        }
        match setting {
            Setting::Proxy(proxy) => Ok(Some(proxy)),
            Setting::Unusable(reason) => Err(reason.clone()),
        }
    }
}

/// The hosts `no_proxy` sends directly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoProxy {
    every_host: bool,
    entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Entry {
    /// A domain and everything under it, optionally on one port only.
    Domain { name: String, port: Option<u16> },
    /// An address block (a single address is a block of its whole length).
    Block { net: IpAddr, bits: u8, port: Option<u16> },
}

impl NoProxy {
    pub fn parse(list: &str) -> NoProxy {
        let mut out = NoProxy::default();
        for item in list.split(|c: char| c == ',' || c.is_whitespace()).filter(|i| !i.is_empty()) {
            if item == "*" {
                out.every_host = true;
                continue;
            }
            if let Some(entry) = parse_entry(item) {
                out.entries.push(entry);
            }
        }
        out
    }

    pub fn matches(&self, host: &str, port: u16) -> bool {
        if self.every_host {
            return true;
        }
        let host =
            host.trim_start_matches('[').trim_end_matches(']').trim_end_matches('.').to_ascii_lowercase();
        let ip = host.parse::<IpAddr>().ok();
        self.entries.iter().any(|entry| match entry {
            Entry::Domain { name, port: p } => {
                p.is_none_or(|p| p == port)
                    && (host == *name
                        || host.strip_suffix(name.as_str()).is_some_and(|rest| rest.ends_with('.')))
            }
            Entry::Block { net, bits, port: p } => {
                p.is_none_or(|p| p == port) && ip.is_some_and(|ip| in_block(ip, *net, *bits))
            }
        })
    }
}

fn parse_entry(item: &str) -> Option<Entry> {
    let item = item.to_ascii_lowercase();
    // [v6]:port, v6, v4/bits, v4:port, name:port, name
    let (addr, port) = if let Some(rest) = item.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        (inside.to_string(), after.strip_prefix(':').and_then(|p| p.parse().ok()))
    } else if item.matches(':').count() > 1 {
        (item.clone(), None)
    } else {
        match item.rsplit_once(':') {
            Some((a, p)) => (a.to_string(), Some(p.parse().ok()?)),
            None => (item.clone(), None),
        }
    };
    let (addr, bits) = match addr.split_once('/') {
        Some((a, b)) => (a.to_string(), Some(b.parse::<u8>().ok()?)),
        None => (addr, None),
    };
    if let Ok(net) = addr.parse::<IpAddr>() {
        let full = if net.is_ipv4() { 32 } else { 128 };
        return Some(Entry::Block { net, bits: bits.unwrap_or(full).min(full), port });
    }
    let name = addr.trim_start_matches("*.").trim_start_matches('.').trim_end_matches('.').to_string();
    (!name.is_empty()).then_some(Entry::Domain { name, port })
}

fn in_block(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let (ip, net, len) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(u32::from(a)), u128::from(u32::from(b)), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
        _ => return false,
    };
    if bits == 0 {
        return true;
    }
    let shift = len - u32::from(bits);
    ip >> shift == net >> shift
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> ProxySettings {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ProxySettings::from_vars(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())).0
    }

    fn via(s: &ProxySettings, url: &str) -> Option<String> {
        s.for_url(&Url::parse(url).unwrap()).unwrap().map(Proxy::name)
    }

    #[test]
    fn each_scheme_has_its_own_variable_and_all_proxy_is_the_fallback() {
        let s = settings(&[("http_proxy", "127.0.0.1:3128")]);
        assert_eq!(via(&s, "http://example.com/"), Some("127.0.0.1:3128".into()));
        assert_eq!(via(&s, "https://example.com/"), None, "http_proxy is not for https");
        let s = settings(&[("https_proxy", "http://p:8080")]);
        assert_eq!(via(&s, "http://example.com/"), None, "https_proxy alone must not capture http://");
        assert_eq!(via(&s, "https://example.com/"), Some("p:8080".into()));
        let s = settings(&[("ALL_PROXY", "http://all:1"), ("HTTPS_PROXY", "http://tls:2")]);
        assert_eq!(via(&s, "http://example.com/"), Some("all:1".into()));
        assert_eq!(via(&s, "https://example.com/"), Some("tls:2".into()));
        let s = settings(&[("HTTPS_PROXY", "http://upper:2")]);
        assert_eq!(via(&s, "https://example.com/"), Some("upper:2".into()));
        // HTTP_PROXY is ignored, as curl ignores it: a CGI server sets it from a request header.
        let s = settings(&[("HTTP_PROXY", "http://upper:2")]);
        assert_eq!(via(&s, "http://example.com/"), None);
    }

    #[test]
    fn no_proxy_as_curl_reads_it() {
        let s = settings(&[
            ("http_proxy", "http://p:1"),
            ("no_proxy", "localhost, 127.0.0.1 ,.internal, example.org:8080, 10.0.0.0/8, [::1]"),
        ]);
        for direct in [
            "http://localhost/",
            "http://127.0.0.1:9/",
            "http://a.internal/",
            "http://internal/",
            "http://example.org:8080/",
            "http://10.1.2.3/",
            "http://[::1]:8000/",
        ] {
            assert_eq!(via(&s, direct), None, "{direct} goes direct");
        }
        for proxied in
            ["http://example.org/", "http://notinternal/", "http://11.0.0.1/", "http://localhost.evil.com/"]
        {
            assert_eq!(via(&s, proxied), Some("p:1".into()), "{proxied} goes through the proxy");
        }
        let s = settings(&[("http_proxy", "http://p:1"), ("no_proxy", "localhost 127.0.0.1")]);
        assert_eq!(via(&s, "http://127.0.0.1/"), None, "spaces alone separate entries too");
        let s = settings(&[("http_proxy", "http://p:1"), ("NO_PROXY", "example.com")]);
        assert_eq!(via(&s, "http://www.example.com/"), None);
        assert_eq!(via(&s, "http://badexample.com/"), Some("p:1".into()));
        let s = settings(&[("http_proxy", "http://p:1"), ("no_proxy", "*")]);
        assert_eq!(via(&s, "http://anything/"), None);
    }

    #[test]
    fn credentials_and_bad_settings() {
        let proxy = Proxy::parse("http://us%40er:p%3Ass@proxy:3128").unwrap();
        assert_eq!(proxy.credentials(), Some(("us@er".into(), "p:ss".into())));
        assert_eq!(proxy.name(), "proxy:3128");
        let (s, warnings) =
            ProxySettings::from_vars(|n| (n == "http_proxy").then(|| "socks5://x:1".to_string()));
        let refused = s.for_url(&Url::parse("http://example.com/").unwrap());
        assert!(refused.is_err_and(|e| e.contains("socks5")), "an unusable proxy is never bypassed");
        assert!(warnings[0].contains("http_proxy") && warnings[0].contains("socks5"), "{warnings:?}");
    }
}
