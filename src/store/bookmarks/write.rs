//! Writing [`Bookmarks`] as a Netscape bookmark file, in the layout Firefox and Chrome use
//! (four-space indent, `<DL><p>`, dates in seconds), so that both browsers import it and
//! [`Bookmarks::parse`] reads it back to the same value.
//!
//! Every piece of text and every attribute value goes through [`escape`]; attributes margay
//! does not interpret are written back after the ones it does, in their original order.

use super::{Bookmark, Bookmarks, Folder, Item};
use std::fmt::Write as _;

const HEADER: &str = "<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=UTF-8\">
";

impl Bookmarks {
    /// The whole file, UTF-8.
    pub fn to_html(&self) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str(HEADER);
        let _ = writeln!(out, "<TITLE>{}</TITLE>", escape(&self.title));
        out.push_str("<H1");
        folder_attrs(&mut out, &self.root);
        let _ = writeln!(out, ">{}</H1>", escape(&self.root.title));
        if let Some(d) = &self.root.description {
            let _ = writeln!(out, "<DD>{}", escape(d));
        }
        out.push('\n');
        list(&mut out, &self.root.items, 0);
        out
    }
}

fn list(out: &mut String, items: &[Item], depth: usize) {
    let indent = "    ".repeat(depth);
    let _ = writeln!(out, "{indent}<DL><p>");
    for item in items {
        match item {
            Item::Folder(folder) => {
                let _ = write!(out, "{indent}    <DT><H3");
                folder_attrs(out, folder);
                let _ = writeln!(out, ">{}</H3>", escape(&folder.title));
                if let Some(d) = &folder.description {
                    let _ = writeln!(out, "{indent}    <DD>{}", escape(d));
                }
                list(out, &folder.items, depth + 1);
            }
            Item::Bookmark(b) => bookmark(out, b, &indent),
            Item::Separator => {
                let _ = writeln!(out, "{indent}    <HR>");
            }
        }
    }
    let _ = writeln!(out, "{indent}</DL><p>");
}

fn bookmark(out: &mut String, b: &Bookmark, indent: &str) {
    let _ = write!(out, "{indent}    <DT><A");
    attr(out, "HREF", &b.url);
    dates(out, b.add_date, b.last_modified);
    if let Some(former) = &b.former_url {
        attr(out, "FORMER_HREF", former);
    }
    for (name, value) in &b.attrs {
        attr(out, name, value);
    }
    let _ = writeln!(out, ">{}</A>", escape(&b.title));
    if let Some(d) = &b.description {
        let _ = writeln!(out, "{indent}    <DD>{}", escape(d));
    }
}

fn folder_attrs(out: &mut String, folder: &Folder) {
    dates(out, folder.add_date, folder.last_modified);
    for (name, value) in &folder.attrs {
        attr(out, name, value);
    }
}

fn dates(out: &mut String, add: Option<i64>, modified: Option<i64>) {
    if let Some(t) = add {
        let _ = write!(out, " ADD_DATE=\"{t}\"");
    }
    if let Some(t) = modified {
        let _ = write!(out, " LAST_MODIFIED=\"{t}\"");
    }
}

fn attr(out: &mut String, name: &str, value: &str) {
    // A name that could break the tag (it came from a file, so it cannot hold spaces, `=`
    // or `>`, but may hold quotes) is dropped rather than written.
    if name.is_empty() || name.contains(['"', '\'', '<', '>', '=', '/']) || name.contains(char::is_whitespace)
    {
        return;
    }
    let _ = write!(out, " {name}=\"{}\"", escape(value));
}

/// HTML-escape text or an attribute value: `& < > " '`. The parser's `unescape` undoes it.
pub fn escape(s: &str) -> String {
    crate::document::escape_html(s)
}
