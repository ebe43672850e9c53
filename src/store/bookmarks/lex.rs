//! The tag soup of a bookmark file as tokens: start tags with their attributes, end tags,
//! text, comments and declarations, each with the line it starts on. Entity references are
//! decoded here ([`unescape`]); the writer's [`super::write::escape`] is the inverse.
//!
//! It knows nothing of bookmarks; `parse.rs` gives the tokens their meaning. It must never
//! panic on any input: everything it cannot read becomes a [`ParseError`] with a line.

use super::ParseError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// `<NAME attr="value" …>`: the name in upper case, attribute values decoded.
    Start { name: String, attrs: Vec<(String, String)>, line: usize },
    /// `</NAME>`, the name in upper case.
    End { name: String, line: usize },
    /// Text between tags, not yet decoded.
    Text { text: &'a str, line: usize },
    /// `<!…>` (a DOCTYPE): the text between `<!` and `>`.
    Declaration { text: &'a str, line: usize },
}

impl Token<'_> {
    pub(super) fn line(&self) -> usize {
        match self {
            Token::Start { line, .. }
            | Token::End { line, .. }
            | Token::Text { line, .. }
            | Token::Declaration { line, .. } => *line,
        }
    }
}

/// Split `text` into tokens. Comments are dropped.
pub(super) fn tokenize(text: &str) -> Result<Vec<Token<'_>>, ParseError> {
    let mut lexer = Lexer { text, pos: 0, line: 1 };
    let mut tokens = Vec::new();
    while lexer.pos < text.len() {
        if let Some(token) = lexer.next_token()? {
            tokens.push(token);
        }
    }
    Ok(tokens)
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    /// Move `n` bytes on (always to a char boundary), counting lines.
    fn advance(&mut self, n: usize) -> &'a str {
        let taken = &self.text[self.pos..self.pos + n];
        self.line += taken.bytes().filter(|&b| b == b'\n').count();
        self.pos += n;
        taken
    }

    fn next_token(&mut self) -> Result<Option<Token<'a>>, ParseError> {
        let line = self.line;
        let rest = self.rest();
        let bytes = rest.as_bytes();
        if bytes[0] == b'<' {
            if let Some(comment) = rest.strip_prefix("<!--") {
                return match comment.find("-->") {
                    Some(end) => {
                        self.advance(4 + end + 3);
                        Ok(None)
                    }
                    None => Err(ParseError::new(line, "a comment (<!--) is never closed (-->)")),
                };
            }
            if rest.starts_with("<!") {
                return match rest.find('>') {
                    Some(end) => {
                        let text = &self.advance(end + 1)[2..end];
                        Ok(Some(Token::Declaration { text, line }))
                    }
                    None => Err(ParseError::new(line, "a declaration (<!) is never closed (>)")),
                };
            }
            if bytes.len() > 1 && bytes[1] == b'/' && bytes.get(2).is_some_and(u8::is_ascii_alphabetic) {
                return match rest.find('>') {
                    Some(end) => {
                        let name = tag_name(&rest[2..end]);
                        self.advance(end + 1);
                        Ok(Some(Token::End { name, line }))
                    }
                    None => {
                        Err(ParseError::new(line, format!("the tag {} is never closed (>)", preview(rest))))
                    }
                };
            }
            if bytes.get(1).is_some_and(u8::is_ascii_alphabetic) {
                return self.start_tag(line).map(Some);
            }
        }
        // Text runs to the next '<' that is not the first character.
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let end = rest[first..].find('<').map_or(rest.len(), |i| i + first);
        let text = self.advance(end);
        Ok(Some(Token::Text { text, line }))
    }

    fn start_tag(&mut self, line: usize) -> Result<Token<'a>, ParseError> {
        let rest = self.rest();
        let unclosed = || ParseError::new(line, format!("the tag {} is never closed (>)", preview(rest)));
        let name_len = rest[1..].find(|c: char| !c.is_ascii_alphanumeric()).map_or(rest.len() - 1, |n| n);
        let name = rest[1..1 + name_len].to_ascii_uppercase();
        let mut i = 1 + name_len;
        let mut attrs = Vec::new();
        loop {
            i += rest[i..].len() - rest[i..].trim_start().len();
            let Some(c) = rest[i..].chars().next() else { return Err(unclosed()) };
            match c {
                '>' => {
                    i += 1;
                    break;
                }
                '/' => i += 1,
                _ => {
                    let attr_len = rest[i..]
                        .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                        .unwrap_or(rest.len() - i);
                    let attr = rest[i..i + attr_len].to_string();
                    if attr.contains(['"', '\'']) {
                        // A quote where a name should be: an earlier value lost its closing quote.
                        return Err(ParseError::new(
                            line,
                            format!(
                                "a stray quote in {}: a value is missing its closing quote",
                                preview(rest)
                            ),
                        ));
                    }
                    i += attr_len;
                    let after_space = i + (rest[i..].len() - rest[i..].trim_start().len());
                    if !rest[after_space..].starts_with('=') {
                        attrs.push((attr, String::new()));
                        continue;
                    }
                    i = after_space + 1;
                    i += rest[i..].len() - rest[i..].trim_start().len();
                    let value = match rest[i..].chars().next() {
                        Some(q @ ('"' | '\'')) => {
                            let Some(end) = rest[i + 1..].find(q) else {
                                return Err(ParseError::new(
                                    line,
                                    format!("the value of {attr} in {} is never closed ({q})", preview(rest)),
                                ));
                            };
                            let raw = &rest[i + 1..i + 1 + end];
                            i += end + 2;
                            raw
                        }
                        Some(_) => {
                            let end = rest[i..]
                                .find(|c: char| c.is_whitespace() || c == '>')
                                .ok_or_else(unclosed)?;
                            let raw = &rest[i..i + end];
                            i += end;
                            raw
                        }
                        None => return Err(unclosed()),
                    };
                    attrs.push((attr, unescape(value)));
                }
            }
        }
        self.advance(i);
        Ok(Token::Start { name, attrs, line })
    }
}

fn tag_name(inner: &str) -> String {
    inner.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("").to_ascii_uppercase()
}

/// The start of a tag for an error message: at most 40 characters, on one line.
fn preview(rest: &str) -> String {
    let line = rest.lines().next().unwrap_or("");
    let mut s: String = line.chars().take(40).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    s
}

/// Decode character references: `&amp; &lt; &gt; &quot; &apos; &nbsp;`, `&#NN;` and `&#xHH;`.
/// Anything else (a bare `&`, an unknown name, a reference without `;`) stays as it is, so
/// that `?a=1&b=2` in an address written without escaping survives.
pub(super) fn unescape(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest[1..]
            .find(';')
            .filter(|&n| n <= 10)
            .and_then(|n| decode_entity(&rest[1..1 + n]).map(|c| (c, n)));
        match decoded {
            Some((c, n)) => {
                out.push(c);
                rest = &rest[n + 2..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(name: &str) -> Option<char> {
    let code = match name {
        "amp" => return Some('&'),
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "quot" => return Some('"'),
        "apos" => return Some('\''),
        "nbsp" => return Some('\u{a0}'),
        _ => name.strip_prefix('#')?,
    };
    let n = match code.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => code.parse::<u32>().ok()?,
    };
    char::from_u32(n).filter(|&c| c != '\0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities() {
        assert_eq!(unescape("a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#x27;"), "a & b <c> \"d\" 'e'");
        assert_eq!(unescape("?a=1&b=2&amp;c"), "?a=1&b=2&c");
        assert_eq!(unescape("&unknown; &#xZZ; &#0; & &"), "&unknown; &#xZZ; &#0; & &");
        assert_eq!(unescape("caf&#233;&"), "café&");
    }

    #[test]
    fn tags_and_lines() {
        let tokens = tokenize("<DT><A HREF=\"x?a=1&amp;b\" ADD_DATE=5 private>T</A>\n<!-- c\n -->\n</DL><p>")
            .expect("tokens");
        assert_eq!(tokens[0], Token::Start { name: "DT".into(), attrs: vec![], line: 1 });
        assert_eq!(
            tokens[1],
            Token::Start {
                name: "A".into(),
                attrs: vec![
                    ("HREF".into(), "x?a=1&b".into()),
                    ("ADD_DATE".into(), "5".into()),
                    ("private".into(), String::new())
                ],
                line: 1
            }
        );
        assert_eq!(
            tokens.iter().find(|t| matches!(t, Token::End { name, .. } if name == "DL")).map(Token::line),
            Some(4)
        );
    }

    #[test]
    fn unclosed_quote_names_the_line() {
        let err = tokenize("<DL>\n<DT><A HREF=\"http://x>T</A>\n").expect_err("an error");
        assert_eq!(err.line, 2);
        let err = tokenize("<DL>\n\n<DT><A HREF=x").expect_err("an error");
        assert_eq!(err.line, 3);
    }

    #[test]
    fn odd_input_never_panics() {
        for s in ["<", "</", "<a", "< a", "<!", "<!--", "&", "é<é>", "<a b='é", "<a b=", "<a b= >", "</a"]
        {
            let _ = tokenize(s);
        }
    }
}
