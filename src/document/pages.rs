//! Pages margay writes itself: `file://` directory listings and the page shown in place of
//! a body that is neither HTML nor text.
//!
//! Everything taken from outside (file names, URLs, MIME types) is HTML-escaped here, and
//! names in hrefs are percent-encoded, so a hostile file name cannot inject markup. The raw
//! bytes of a non-text body are never put into a page.

use url::Url;

/// Escape text for use in HTML element content and quoted attribute values.
pub fn escape_html(s: &str) -> String {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A listing of a `file://` directory, like lynx's: parent link, then directories, then
/// files, each a link. `entries` are (name, is_dir, size in bytes).
pub fn directory_listing_html(dir_url: &Url, entries: &[(String, bool, u64)]) -> String {
    // Relative hrefs only resolve into the directory when its URL ends in '/'.
    let mut base = dir_url.clone();
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    let path = super::text::percent_decode(base.path());
    let title = escape_html(&format!("Index of {path}"));
    let mut html = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title><base href=\"{}\"></head><body>\n\
         <h1>{title}</h1>\n<ul>\n",
        escape_html(base.as_str())
    );
    if path != "/" {
        html.push_str("<li><a href=\"../\">../</a> (parent directory)</li>\n");
    }
    let mut sorted: Vec<&(String, bool, u64)> = entries.iter().collect();
    sorted.sort_by(|a, b| (!a.1, a.0.to_lowercase(), &a.0).cmp(&(!b.1, b.0.to_lowercase(), &b.0)));
    for (name, is_dir, size) in sorted {
        let slash = if *is_dir { "/" } else { "" };
        let href = format!("{}{slash}", percent_encode(name));
        let text = escape_html(&format!("{name}{slash}"));
        html.push_str(&format!("<li><a href=\"{}\">{text}</a>", escape_html(&href)));
        if !is_dir {
            html.push_str(&format!(" {}", human_size(*size)));
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ul>\n</body></html>\n");
    html
}

/// The page shown instead of a body margay does not display: what it is, and the keys that
/// save it or open it in the user's viewer. Nothing is opened or saved until a key is pressed.
pub fn non_text_page_html(url: &Url, mime: &str, size: u64) -> String {
    let name = super::text::title_for(url);
    let file = match url.path_segments().and_then(|mut s| s.next_back()) {
        Some(last) if !last.is_empty() => super::text::percent_decode(last),
        _ => "FILE".to_string(),
    };
    let command = format!("margay --source {} > {}", shell_quote(url.as_str()), shell_quote(&file));
    format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head><body>\n\
         <h1>{title}</h1>\n\
         <p>This is {what} (<code>{mime}</code>, {size_text}), which margay does not display.</p>\n\
         <ul><li>Press <strong>p</strong> to save it to a file.</li>\n\
         <li>Press <strong>o</strong> to open it with your viewer (the program your mailcap \
         file names for {mime}, else xdg-open).</li></ul>\n\
         <p>From a script: <code>{command}</code></p>\n\
         <p>Address: {url}</p>\n</body></html>\n",
        title = escape_html(&format!("{name} ({mime})")),
        what = escape_html(&super::textual::describe(mime)),
        mime = escape_html(mime),
        size_text =
            if size < 1024 { format!("{size} bytes") } else { format!("{}, {size} bytes", human_size(size)) },
        command = escape_html(&command),
        url = escape_html(&crate::sanitize::display_url(url)),
    )
}

/// Sizes in binary units with one decimal, e.g. "1.5 KiB"; small sizes in bytes.
pub fn human_size(size: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if size < 1024 {
        return format!("{size} bytes");
    }
    let mut value = size as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Percent-encode a file name for use as a relative URL path segment. Everything outside
/// the unreserved set is encoded, so names like `a:b`, `x?y` or `50%` stay one segment.
fn percent_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for &b in name.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Quote for a POSIX shell so that a copied command is safe to paste.
fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._/:=@%+,".contains(&b)) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}
