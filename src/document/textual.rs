//! What kind of body a MIME type names — a page (HTML), text to show (plain text, JSON, XML,
//! scripts, CSS …) or data margay does not display (images, PDF, archives) — and how text
//! types are made readable: JSON pretty-printed (serde_json: indentation, one key a line, in
//! the server's order), everything else decoded and shown as it is.
//!
//! The same rendering serves a page and a server's message on a diagnostic page, so an API's
//! error reads the same wherever it appears. Pure: bytes in, text out.

use super::charset::decode;

/// How a body is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    Html,
    /// Text shown as it is; JSON made readable first.
    Text {
        json: bool,
    },
    /// Not shown: described, with keys to save it or open it in a viewer.
    Other,
}

/// The kind of a body of MIME type `mime` (lower case, without parameters; empty when the
/// server gave none and nothing could be guessed).
pub fn kind_of(mime: &str) -> BodyKind {
    let (top, sub) = mime.split_once('/').unwrap_or((mime, ""));
    let suffix = sub.rsplit_once('+').map(|(_, s)| s);
    match (top, sub) {
        ("text", "html") | ("application", "xhtml+xml") => BodyKind::Html,
        _ if sub == "json" || suffix == Some("json") || sub == "json-seq" || sub == "x-ndjson" => {
            BodyKind::Text { json: sub != "json-seq" && sub != "x-ndjson" }
        }
        ("text", _) | ("", _) => BodyKind::Text { json: false },
        ("message", "rfc822" | "http" | "news" | "delivery-status") => BodyKind::Text { json: false },
        ("image", "svg+xml") => BodyKind::Text { json: false },
        ("application", s)
            if s == "xml"
                || suffix == Some("xml")
                || matches!(
                    s,
                    "javascript"
                        | "x-javascript"
                        | "ecmascript"
                        | "x-sh"
                        | "x-shellscript"
                        | "toml"
                        | "yaml"
                        | "x-yaml"
                        | "sql"
                        | "graphql"
                        | "x-www-form-urlencoded"
                        | "x-tex"
                        | "x-perl"
                        | "x-python"
                        | "x-ruby"
                        | "x-httpd-php"
                        | "csv"
                        | "x-subrip"
                        | "mbox"
                        | "pgp-signature"
                        | "pgp-keys"
                        | "x-pem-file"
                        | "x-x509-ca-cert"
                        | "pkix-cert"
                ) =>
        {
            BodyKind::Text { json: false }
        }
        ("application", "x-ndjson") => BodyKind::Text { json: false },
        _ => BodyKind::Other,
    }
}

/// A text body as it should be read: decoded from its charset, and for JSON pretty-printed
/// (a body that is not valid JSON is shown as it came).
pub fn readable_text(bytes: &[u8], content_type: Option<&str>, json: bool) -> (String, &'static str) {
    let decoded = decode(bytes, content_type, false);
    let text = match json {
        true => pretty_json(&decoded.text).unwrap_or_else(|| decoded.text.into_owned()),
        false => decoded.text.into_owned(),
    };
    (text, decoded.encoding)
}

/// JSON with indentation and one key a line, or `None` when `text` is not JSON.
pub fn pretty_json(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()?;
    serde_json::to_string_pretty(&value).ok()
}

/// A few words for what a type is, for the page that describes a body margay does not show.
pub fn describe(mime: &str) -> String {
    let (top, sub) = mime.split_once('/').unwrap_or((mime, ""));
    let named = match sub {
        "pdf" => Some("a PDF document"),
        "zip" => Some("a ZIP archive"),
        "gzip" | "x-gzip" => Some("a gzip-compressed file"),
        "x-tar" => Some("a tar archive"),
        "x-xz" => Some("an xz-compressed file"),
        "x-bzip2" => Some("a bzip2-compressed file"),
        "zstd" => Some("a zstd-compressed file"),
        "x-7z-compressed" => Some("a 7-Zip archive"),
        "vnd.debian.binary-package" => Some("a Debian package"),
        "octet-stream" => Some("binary data"),
        "wasm" => Some("a WebAssembly module"),
        "epub+zip" => Some("an EPUB book"),
        "msword" | "vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            Some("a word-processor document")
        }
        "vnd.oasis.opendocument.text" => Some("an OpenDocument text"),
        _ => None,
    };
    if let Some(words) = named {
        return words.to_string();
    }
    let format = sub.trim_start_matches("x-").trim_start_matches("vnd.").to_ascii_uppercase();
    match top {
        "image" => format!("a {format} image"),
        "audio" => format!("audio ({format})"),
        "video" => format!("a video ({format})"),
        "font" => format!("a font ({format})"),
        "model" => format!("a 3-D model ({format})"),
        _ => format!("a file of type {mime}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_textual_type_is_text() {
        for mime in [
            "application/json",
            "application/problem+json",
            "application/vnd.api+json",
            "application/xml",
            "application/atom+xml",
            "application/javascript",
            "text/plain",
            "text/css",
            "text/csv",
            "image/svg+xml",
            "application/toml",
        ] {
            assert!(matches!(kind_of(mime), BodyKind::Text { .. }), "{mime}");
        }
        assert_eq!(kind_of("application/problem+json"), BodyKind::Text { json: true });
        assert_eq!(kind_of("text/html"), BodyKind::Html);
        for mime in
            ["image/png", "application/pdf", "application/zip", "application/octet-stream", "video/mp4"]
        {
            assert_eq!(kind_of(mime), BodyKind::Other, "{mime}");
        }
    }

    #[test]
    fn json_is_pretty_printed_in_the_servers_order() {
        let (text, _) = readable_text(br#"{"z":1,"a":{"b":[true,null]}}"#, Some("application/json"), true);
        assert_eq!(text, "{\n  \"z\": 1,\n  \"a\": {\n    \"b\": [\n      true,\n      null\n    ]\n  }\n}");
        let (text, _) = readable_text(b"{not json", None, true);
        assert_eq!(text, "{not json", "invalid JSON is shown as it came");
    }

    #[test]
    fn types_are_described_in_words() {
        assert_eq!(describe("image/png"), "a PNG image");
        assert_eq!(describe("application/pdf"), "a PDF document");
        assert_eq!(describe("application/x-foo"), "a file of type application/x-foo");
    }
}
