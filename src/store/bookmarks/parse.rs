//! Reading a Netscape bookmark file into [`Bookmarks`].
//!
//! The format, as Netscape published it and as Firefox and Chrome write it:
//!
//! ```text
//! <!DOCTYPE NETSCAPE-Bookmark-file-1>
//! <META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
//! <TITLE>Bookmarks</TITLE>
//! <H1>Bookmarks</H1>
//! <DL><p>
//!     <DT><H3 ADD_DATE="…" LAST_MODIFIED="…">Folder</H3>
//!     <DD>What the folder is for
//!     <DL><p>
//!         <DT><A HREF="…" ADD_DATE="…" ICON="…">Title</A>
//!         <DD>Description
//!     </DL><p>
//!     <HR>
//! </DL><p>
//! ```
//!
//! Reading is tolerant where the exporters differ (case, quoting, `<p>`s, unknown tags and
//! attributes) and strict where a mistake would lose bookmarks on the next write: a missing
//! DOCTYPE, an unclosed tag, quote or list, or text that cannot be decoded is a
//! [`ParseError`] naming the line, and the store then refuses to write the file.

use super::lex::{tokenize, unescape, Token};
use super::{Bookmark, Bookmarks, Folder, Item};

/// Why a bookmark file cannot be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl ParseError {
    pub(super) fn new(line: usize, message: impl Into<String>) -> ParseError {
        ParseError { line, message: message.into() }
    }
}

const DOCTYPE: &str = "DOCTYPE NETSCAPE-Bookmark-file-1";

impl Bookmarks {
    /// Parse a bookmark file's text. A file of nothing but white space is an empty list.
    pub fn parse(text: &str) -> Result<Bookmarks, ParseError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Ok(Bookmarks::default());
        }
        let tokens = tokenize(text)?;
        Builder::default().run(&tokens)
    }

    /// Parse a file's bytes: UTF-8 (with or without a byte-order mark), or the charset its
    /// `<META>` declares (old Netscape files are often ISO-8859-1).
    pub fn parse_bytes(bytes: &[u8]) -> Result<Bookmarks, ParseError> {
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => Bookmarks::parse(text),
            Err(e) => {
                let declared = declared_charset(bytes).filter(|enc| *enc != encoding_rs::UTF_8);
                match declared {
                    Some(encoding) => Bookmarks::parse(&encoding.decode_without_bom_handling(bytes).0),
                    None => {
                        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
                        Err(ParseError::new(
                            line,
                            "the text is not UTF-8 and the file declares no other charset",
                        ))
                    }
                }
            }
        }
    }
}

/// The `charset=` of a `<META>` near the start of the file.
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let label: String = head[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    encoding_rs::Encoding::for_label(label.as_bytes())
}

#[derive(Default)]
struct Builder {
    doc: Bookmarks,
    /// Open lists, innermost last, with the line of their `<DL>`. The first is the root.
    stack: Vec<(Folder, usize)>,
    /// A folder heading (`<H3>`) whose `<DL>` has not come yet.
    pending: Option<Folder>,
    /// The `<H1>` heading: the root's title and attributes.
    heading: Option<Folder>,
    /// The root list was opened at least once.
    root_seen: bool,
    doctype_seen: bool,
}

impl Builder {
    fn run(mut self, tokens: &[Token<'_>]) -> Result<Bookmarks, ParseError> {
        let mut i = 0;
        while i < tokens.len() {
            let token = &tokens[i];
            if !self.doctype_seen {
                match token {
                    Token::Text { text, .. } if text.trim().is_empty() => {}
                    Token::Declaration { text, .. } if is_doctype(text) => self.doctype_seen = true,
                    _ => {
                        return Err(ParseError::new(
                            token.line(),
                            "not a Netscape bookmark file: it must begin with <!DOCTYPE NETSCAPE-Bookmark-file-1>",
                        ))
                    }
                }
                i += 1;
                continue;
            }
            match token {
                Token::Start { name, attrs, line } => match name.as_str() {
                    "TITLE" => self.doc.title = text_until(tokens, &mut i, "TITLE", *line)?,
                    "H1" => {
                        let mut heading = folder_from(attrs);
                        heading.title = text_until(tokens, &mut i, "H1", *line)?;
                        self.heading = Some(heading);
                    }
                    "H3" => {
                        self.settle_pending(*line)?;
                        let mut folder = folder_from(attrs);
                        folder.title = text_until(tokens, &mut i, "H3", *line)?;
                        self.pending = Some(folder);
                    }
                    "A" => {
                        self.settle_pending(*line)?;
                        let mut bookmark = bookmark_from(attrs);
                        bookmark.title = text_until(tokens, &mut i, "A", *line)?;
                        self.current(*line, "a bookmark (<A>)")?.items.push(Item::Bookmark(bookmark));
                    }
                    "HR" => {
                        self.settle_pending(*line)?;
                        self.current(*line, "a separator (<HR>)")?.items.push(Item::Separator);
                    }
                    "DD" => {
                        let text = description(tokens, &mut i);
                        self.describe(text);
                    }
                    "DL" => self.open_list(*line),
                    _ => {}
                },
                Token::End { name, line } if name == "DL" => self.close_list(*line)?,
                _ => {}
            }
            i += 1;
        }
        if !self.doctype_seen {
            return Err(ParseError::new(
                1,
                "not a Netscape bookmark file: it has no <!DOCTYPE NETSCAPE-Bookmark-file-1>",
            ));
        }
        if let Some((_, line)) = self.stack.last() {
            return Err(ParseError::new(
                *line,
                "the list opened here (<DL>) is never closed (</DL>): the file may be cut short",
            ));
        }
        if !self.root_seen {
            let line = tokens.last().map_or(1, Token::line);
            return Err(ParseError::new(line, "the file has no bookmark list (<DL>): it may be cut short"));
        }
        Ok(self.doc)
    }

    /// The list being filled.
    fn current(&mut self, line: usize, what: &str) -> Result<&mut Folder, ParseError> {
        match self.stack.last_mut() {
            Some((folder, _)) => Ok(folder),
            None => Err(ParseError::new(line, format!("{what} outside any list (<DL>)"))),
        }
    }

    /// A heading not followed by its own `<DL>` is an empty folder.
    fn settle_pending(&mut self, line: usize) -> Result<(), ParseError> {
        if let Some(folder) = self.pending.take() {
            self.current(line, "a folder (<H3>)")?.items.push(Item::Folder(folder));
        }
        Ok(())
    }

    fn open_list(&mut self, line: usize) {
        let folder = match self.pending.take() {
            Some(folder) => folder,
            None if self.stack.is_empty() => {
                // The root list; a second top-level list continues the first.
                if self.root_seen {
                    std::mem::take(&mut self.doc.root)
                } else {
                    self.root_seen = true;
                    self.heading.take().unwrap_or_else(|| Bookmarks::default().root)
                }
            }
            // A nested list without a heading: keep its entries in an untitled folder.
            None => Folder::default(),
        };
        self.stack.push((folder, line));
    }

    fn close_list(&mut self, line: usize) -> Result<(), ParseError> {
        self.settle_pending(line)?;
        let Some((folder, _)) = self.stack.pop() else {
            return Err(ParseError::new(line, "</DL> closes a list that was never opened"));
        };
        match self.stack.last_mut() {
            Some((parent, _)) => parent.items.push(Item::Folder(folder)),
            None => self.doc.root = folder,
        }
        Ok(())
    }

    /// `<DD>` describes the heading or link just before it.
    fn describe(&mut self, text: String) {
        let text = Some(text).filter(|t| !t.is_empty());
        if let Some(folder) = self.pending.as_mut() {
            folder.description = text;
            return;
        }
        match self.stack.last_mut() {
            Some((folder, _)) => match folder.items.last_mut() {
                Some(Item::Bookmark(b)) => b.description = text,
                Some(Item::Folder(f)) => f.description = text,
                Some(Item::Separator) | None => {}
            },
            None => {
                if let Some(heading) = self.heading.as_mut() {
                    heading.description = text;
                }
            }
        }
    }
}

fn is_doctype(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.join(" ").eq_ignore_ascii_case(DOCTYPE)
}

/// Tags that start or end an entry: text of a heading or link cannot run across them.
fn is_structural(token: &Token<'_>) -> bool {
    match token {
        Token::Start { name, .. } => matches!(name.as_str(), "DT" | "DL" | "DD" | "A" | "H1" | "H3" | "HR"),
        Token::End { name, .. } => name == "DL",
        _ => false,
    }
}

/// The decoded text from the start tag at `*i` to its end tag `</name>`; `*i` is left on the
/// end tag. Tags in between are dropped.
fn text_until(tokens: &[Token<'_>], i: &mut usize, name: &str, line: usize) -> Result<String, ParseError> {
    let mut raw = String::new();
    let mut j = *i + 1;
    while let Some(token) = tokens.get(j) {
        match token {
            Token::End { name: end, .. } if end == name => {
                *i = j;
                return Ok(unescape(&raw));
            }
            Token::Text { text, .. } => raw.push_str(text),
            t if is_structural(t) => break,
            _ => {}
        }
        j += 1;
    }
    Err(ParseError::new(line, format!("<{name}> is never closed (</{name}>)")))
}

/// The decoded, trimmed text after `<DD>` up to the next entry; `*i` is left on its last token.
fn description(tokens: &[Token<'_>], i: &mut usize) -> String {
    let mut raw = String::new();
    while let Some(token) = tokens.get(*i + 1) {
        match token {
            Token::Text { text, .. } => raw.push_str(text),
            t if is_structural(t) => break,
            _ => {}
        }
        *i += 1;
    }
    unescape(raw.trim())
}

fn date(value: &str) -> Option<i64> {
    value.trim().parse().ok()
}

fn folder_from(attrs: &[(String, String)]) -> Folder {
    let mut folder = Folder::default();
    for (name, value) in attrs {
        match name.to_ascii_uppercase().as_str() {
            "ADD_DATE" if folder.add_date.is_none() && date(value).is_some() => folder.add_date = date(value),
            "LAST_MODIFIED" if folder.last_modified.is_none() && date(value).is_some() => {
                folder.last_modified = date(value)
            }
            _ => folder.attrs.push((name.clone(), value.clone())),
        }
    }
    folder
}

fn bookmark_from(attrs: &[(String, String)]) -> Bookmark {
    let mut b = Bookmark::default();
    let mut href_seen = false;
    for (name, value) in attrs {
        match name.to_ascii_uppercase().as_str() {
            "HREF" if !href_seen => {
                href_seen = true;
                b.url = value.clone();
            }
            "ADD_DATE" if b.add_date.is_none() && date(value).is_some() => b.add_date = date(value),
            "LAST_MODIFIED" if b.last_modified.is_none() && date(value).is_some() => {
                b.last_modified = date(value)
            }
            "FORMER_HREF" if b.former_url.is_none() => b.former_url = Some(value.clone()),
            _ => b.attrs.push((name.clone(), value.clone())),
        }
    }
    b
}
