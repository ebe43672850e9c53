//! Page info (`=`, as in lynx): everything margay knows about the page being read — its
//! addresses, the redirect chain, status, headers, type, charset, size, cache state and
//! timing — as a page of its own.

use super::tab::Page;
use crate::document::{escape_html, SourceKind};
use crate::navigation::CacheState;
use crate::ui::draw::human_size;
use std::fmt::Write as _;

pub fn page_info_html(page: &Page) -> String {
    let info = &page.info;
    let e = escape_html;
    let mut rows: Vec<(&str, String)> = Vec::new();
    let title = if page.doc.title.is_empty() { "(none)".to_string() } else { page.doc.title.clone() };
    rows.push(("Title", e(&title)));
    rows.push(("Address", link(page.address.as_str())));
    if let Some(final_url) = info.final_url.as_ref().filter(|u| **u != page.address) {
        rows.push(("Final URL", link(final_url.as_str())));
    }
    if let Some(requested) = info.requested.as_ref().filter(|u| **u != page.address) {
        rows.push(("Original URL", link(requested.as_str())));
    }
    if let Some(code) = info.status {
        let mut status = format!("{code} {}", e(&info.reason));
        let standard = crate::policy::explain(code).reason;
        if !standard.is_empty() && !info.reason.trim().eq_ignore_ascii_case(standard) {
            status.push_str(&format!(" (the standard phrase: {})", e(standard)));
        }
        if info.partial {
            status.push_str(" — partial information: not the origin server's definitive copy");
        }
        rows.push(("Status", status));
    }
    if let Some(created) = &info.created {
        rows.push(("Created", link(created.as_str())));
    }
    let kind = match &page.doc.kind {
        SourceKind::Html => "HTML".to_string(),
        SourceKind::Text => "plain text".to_string(),
        SourceKind::Other { mime } => mime.clone(),
    };
    rows.push(("Content type", e(info.content_type().unwrap_or(&kind))));
    rows.push(("Charset", e(info.charset.as_deref().unwrap_or("(not decoded)"))));
    let size = match info.size {
        0..1024 => human_size(info.size as u64),
        _ => format!("{} ({} bytes)", human_size(info.size as u64), info.size),
    };
    rows.push(("Size", size));
    let cache = match info.cache {
        CacheState::Network => "fetched from the network",
        CacheState::Revalidated => "revalidated (304): the cached copy is current",
        CacheState::Local => "made by margay",
    };
    rows.push(("Cache", cache.to_string()));
    if let Some(elapsed) = info.elapsed {
        rows.push(("Time", format!("{} ms", elapsed.as_millis())));
    }
    if let Some(proxy) = &info.proxy {
        let through = if info.from_proxy {
            format!("the answer is the proxy {}'s own (it did not reach the server)", e(proxy))
        } else {
            format!("through the proxy {}", e(proxy))
        };
        rows.push(("Proxy", through));
    }
    if info.truncated {
        rows.push((
            "Cut",
            "the body went over the size limit (body_cap_mb); only its start was kept".to_string(),
        ));
    }
    if info.downgraded {
        rows.push(("Security", "redirected from https to http: not encrypted".to_string()));
    }
    rows.push(("Links", page.rendered.links.len().to_string()));

    let mut html = String::from(
        "<!DOCTYPE html><html><head><title>Page info</title></head><body><h1>Page info</h1>\n<ul>\n",
    );
    for (name, value) in rows {
        let _ = writeln!(html, "<li><strong>{name}:</strong> {value}</li>");
    }
    html.push_str("</ul>\n");
    if !info.chain.is_empty() {
        html.push_str("<h2>Redirects</h2>\n<ol>\n");
        for hop in &info.chain {
            let _ = writeln!(
                html,
                "<li>{} {} → {}</li>",
                e(hop.method.as_str()),
                link(hop.url.as_str()),
                hop.status
            );
        }
        let last = info.final_url.as_ref().unwrap_or(&page.address);
        let method = page.request.as_ref().map_or("GET", |r| r.method.as_str());
        let _ = writeln!(
            html,
            "<li>{} {} → {}</li>\n</ol>",
            e(method),
            link(last.as_str()),
            info.status.map_or(String::new(), |s| s.to_string())
        );
    }
    if !info.headers.is_empty() {
        html.push_str("<h2>Response headers</h2>\n<pre>");
        for (name, value) in &info.headers {
            let _ = writeln!(html, "{}: {}", e(name), e(value));
        }
        html.push_str("</pre>\n");
    }
    html.push_str("<p>Press Left to go back to the page.</p></body></html>");
    html
}

fn link(url: &str) -> String {
    // A password in the address is not shown (tests/hostile_injection.rs); the link still works.
    format!("<a href=\"{}\">{}</a>", escape_html(url), escape_html(&crate::sanitize::display_url_str(url)))
}
