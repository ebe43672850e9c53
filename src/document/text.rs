//! text/plain bodies: shown as they are, hard-wrapped to the width; and a MIME guess for
//! bodies that arrive without a Content-Type (mostly `file://`).
//!
//! Output never contains control characters: a terminal would act on them.

use super::{Line, Rendered};
use url::Url;

const TAB_STOP: usize = 8;

/// A title for a document that has none of its own: the last path segment, else the URL.
pub fn title_for(url: &Url) -> String {
    url.path_segments()
        .and_then(|mut segments| segments.next_back())
        .filter(|last| !last.is_empty())
        .map(|last| percent_decode(last).chars().filter(|c| !c.is_control()).collect())
        .unwrap_or_else(|| url.to_string())
}

/// Lay out plain text: tabs expanded to 8-column stops, control characters dropped, lines
/// longer than `width` display cells hard-wrapped.
pub fn render(text: &str, width: u16) -> Rendered {
    let width = usize::from(width.max(1));
    let mut lines = Vec::new();
    for source_line in text.lines() {
        let mut line = String::new();
        let mut col = 0;
        for c in source_line.chars() {
            if c == '\t' {
                let spaces = TAB_STOP - col % TAB_STOP;
                for _ in 0..spaces {
                    if col == width {
                        lines.push(Line::plain(std::mem::take(&mut line)));
                        col = 0;
                    }
                    line.push(' ');
                    col += 1;
                }
                continue;
            }
            if c.is_control() {
                continue;
            }
            let w = char_width(c);
            if col + w > width && col > 0 {
                lines.push(Line::plain(std::mem::take(&mut line)));
                col = 0;
            }
            line.push(c);
            col += w;
        }
        lines.push(Line::plain(line));
    }
    Rendered { width: width as u16, lines, ..Rendered::default() }
}

/// Display width of a string in terminal cells.
///
/// unicode-width is not a direct dependency of the crate, so this borrows html2text's
/// (which uses unicode-width). Control characters count 1; callers strip them first.
pub(crate) fn display_width(s: &str) -> usize {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.len();
    }
    html2text::render::TaggedLine::from_string(s.to_string(), &()).iter().map(|element| element.width()).sum()
}

fn char_width(c: char) -> usize {
    if (' '..='~').contains(&c) {
        1
    } else {
        display_width(c.encode_utf8(&mut [0; 4]))
    }
}

/// Guess a MIME type for a body without a Content-Type: by extension, then by content.
pub fn sniff(url: &Url, bytes: &[u8]) -> String {
    by_extension(url).map(str::to_string).unwrap_or_else(|| by_content(bytes).to_string())
}

fn by_extension(url: &Url) -> Option<&'static str> {
    let last = url.path_segments()?.next_back()?;
    let (_, ext) = last.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" | "shtml" => "text/html",
        "xhtml" | "xht" => "application/xhtml+xml",
        "txt" | "text" | "md" | "markdown" | "rst" | "org" | "log" | "rs" | "toml" | "c" | "h" | "cc"
        | "cpp" | "hpp" | "py" | "sh" | "bash" | "pl" | "rb" | "go" | "java" | "js" | "ts" | "json"
        | "csv" | "tsv" | "ini" | "cfg" | "conf" | "yaml" | "yml" | "xml" | "css" | "diff" | "patch"
        | "lock" | "mk" | "tex" => "text/plain",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" | "tgz" => "application/gzip",
        "bz2" => "application/x-bzip2",
        "xz" => "application/x-xz",
        "zst" => "application/zstd",
        "tar" => "application/x-tar",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        _ => return None,
    })
}

fn by_content(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(512)];
    let start = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let trimmed = match start.iter().position(|b| !b.is_ascii_whitespace()) {
        Some(p) => &start[p..],
        None => &[][..],
    };
    let starts_with =
        |prefix: &[u8]| trimmed.len() >= prefix.len() && trimmed[..prefix.len()].eq_ignore_ascii_case(prefix);
    if starts_with(b"<!doctype html") || starts_with(b"<html") {
        return "text/html";
    }
    if head.starts_with(b"%PDF-") {
        return "application/pdf";
    }
    if head.starts_with(b"\x89PNG") {
        return "image/png";
    }
    if head.contains(&0) {
        return "application/octet-stream";
    }
    // Text in any common encoding is mostly printable; count bytes that are clearly binary.
    let binary =
        head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)).count();
    if binary * 10 > head.len() {
        "application/octet-stream"
    } else {
        "text/plain"
    }
}

/// Decode %XX escapes for display; invalid UTF-8 becomes U+FFFD.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
