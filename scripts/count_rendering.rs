//! Counts three layout faults in `margay --dump` of the Rust documentation's pages with tables
//! and code, at 40, 80 and 200 columns:
//!
//! - words cut inside table cells: a cell line ends and the next line of the same cell starts
//!   without a space between two parts of one word of the page (a break marked with `↪` is
//!   counted apart, as a marked break);
//! - cells wrapped when the row fits: a cell laid out on several lines, within one line of the
//!   page, although the table leaves room to its right for the cell on one line;
//! - long `<pre>` lines that lose their indent: an indented line of code wider than the screen
//!   (its indent narrower), some visual line of which does not start at its indent.
//!
//! ```text
//! cargo run --release --example count-rendering -- [--margay BIN] [--docs DIR] [--list]
//! ```
//!
//! BIN defaults to target/release/margay, DIR to `$(rustc --print sysroot)/share/doc/rust/html`.
//! The pages: every HTML file there with a `<table`, and the trait pages `std/*/trait.*.html`.
//! `--list` prints each fault found. The page source is read with html5ever's tokenizer: the
//! words and lines of table cells, and the lines of `<pre>` blocks. Only local files are read.
//!
//! Written by hand: no crate takes a text layout apart into table cells.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use unicode_width::UnicodeWidthChar;

const WIDTHS: [usize; 3] = [40, 80, 200];
/// The mark margay puts at the start of a line that continues a broken word or code line.
const CONTINUED: char = '↪';

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut margay, mut docs, mut list) = (PathBuf::from("target/release/margay"), None, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--margay" => margay = args.next().map(PathBuf::from).unwrap_or(margay),
            "--docs" => docs = args.next().map(PathBuf::from),
            "--list" => list = true,
            other => {
                eprintln!("count-rendering: unknown argument {other:?} (see the file's doc comment)");
                std::process::exit(2);
            }
        }
    }
    let docs = docs.unwrap_or_else(rust_docs);
    let pages = pages(&docs);
    if pages.is_empty() {
        eprintln!(
            "count-rendering: no pages under {} (is the rust-docs component installed?)",
            docs.display()
        );
        std::process::exit(1);
    }
    println!("{} pages under {}, dumped by {}", pages.len(), docs.display(), margay.display());
    println!(
        "{:>5}  {:>14}  {:>13}  {:>18}  {:>20}",
        "width", "cut (pages)", "marked breaks", "wrapped with room", "long pre: indent kept"
    );
    let sources: Vec<Source> = pages.iter().map(|page| Source::read(page)).collect();
    for width in WIDTHS {
        let mut total = Counts::default();
        let (mut cut_pages, mut wrapped_pages) = (0, 0);
        for (page, source) in pages.iter().zip(&sources) {
            let dump = dump(&margay, page, width);
            let counts = count(source, &dump, width, list.then_some(page.as_path()));
            cut_pages += usize::from(counts.cut > 0);
            wrapped_pages += usize::from(counts.wrapped > 0);
            total.add(&counts);
        }
        println!(
            "{width:>5}  {:>14}  {:>13}  {:>18}  {:>20}",
            format!("{} ({cut_pages})", total.cut),
            total.marked,
            format!("{} ({wrapped_pages})", total.wrapped),
            format!("{} of {}", total.pre_kept, total.pre_long),
        );
    }
}

fn rust_docs() -> PathBuf {
    let sysroot = Command::new("rustc").args(["--print", "sysroot"]).output();
    let sysroot = sysroot.map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string());
    PathBuf::from(sysroot.unwrap_or_default()).join("share/doc/rust/html")
}

/// The HTML files under `docs` with a table, and the trait pages of `std`'s modules, sorted.
fn pages(docs: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![docs.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let trait_page = path.strip_prefix(docs).is_ok_and(|rel| {
                    let parts: Vec<_> = rel.iter().collect();
                    parts.len() == 3 && parts[0] == "std" && parts[2].to_string_lossy().starts_with("trait.")
                });
                let html = std::fs::read_to_string(&path).unwrap_or_default();
                if trait_page || html.contains("<table") {
                    found.push(path);
                }
            }
        }
    }
    found.sort();
    found
}

fn dump(margay: &Path, page: &Path, width: usize) -> Vec<String> {
    let out = Command::new(margay).arg("--dump").arg("--width").arg(width.to_string()).arg(page).output();
    let out = out.unwrap_or_else(|e| {
        eprintln!("count-rendering: cannot run {}: {e}", margay.display());
        std::process::exit(1);
    });
    let text = String::from_utf8_lossy(&out.stdout);
    // The References list is not laid out text.
    let body = text.split("\nReferences\n").next().unwrap_or("");
    body.lines().map(str::to_string).collect()
}

/// What the page source says: the words and lines of its table cells, and its code lines.
#[derive(Default)]
struct Source {
    cell_words: HashSet<String>,
    /// Each line of each cell (split at `<br>` and blocks), normalised, one per line.
    cell_lines: String,
    /// Lines of `<pre>` blocks, tabs expanded.
    pre_lines: Vec<String>,
}

#[derive(Default)]
struct Reading {
    /// Open table cells, innermost last: their text so far (`\n` where a line ends).
    cells: Vec<String>,
    pre: Option<String>,
    pre_depth: usize,
    source: Source,
}

struct Sink(RefCell<Reading>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut reading = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                let start = tag.kind == TagKind::StartTag;
                match (name, start) {
                    ("td" | "th", true) => reading.cells.push(String::new()),
                    ("td" | "th", false) => {
                        if let Some(cell) = reading.cells.pop() {
                            reading.source.add_cell(&cell);
                        }
                    }
                    ("pre", true) => {
                        reading.pre_depth += 1;
                        reading.pre.get_or_insert_with(String::new);
                    }
                    ("pre", false) => {
                        reading.pre_depth = reading.pre_depth.saturating_sub(1);
                        if reading.pre_depth == 0 {
                            if let Some(pre) = reading.pre.take() {
                                reading.source.add_pre(&pre);
                            }
                        }
                    }
                    ("script" | "style", true) => return TokenSinkResult::RawData(raw(true)),
                    ("title" | "textarea", true) => return TokenSinkResult::RawData(raw(false)),
                    _ => {}
                }
                let breaks_line = matches!(
                    name,
                    "br" | "p"
                        | "div"
                        | "li"
                        | "ul"
                        | "ol"
                        | "dl"
                        | "dt"
                        | "dd"
                        | "pre"
                        | "table"
                        | "tr"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "blockquote"
                        | "hr"
                );
                if breaks_line {
                    if let Some(cell) = reading.cells.last_mut() {
                        cell.push('\n');
                    }
                }
            }
            Token::CharacterTokens(text) => reading.text(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn raw(script: bool) -> html5ever::tokenizer::states::RawKind {
    use html5ever::tokenizer::states::RawKind;
    if script {
        RawKind::ScriptData
    } else {
        RawKind::Rcdata
    }
}

impl Reading {
    fn text(&mut self, text: &StrTendril) {
        if let Some(cell) = self.cells.last_mut() {
            cell.push_str(text);
        }
        if let Some(pre) = self.pre.as_mut() {
            pre.push_str(text);
        }
    }
}

impl Source {
    fn read(page: &Path) -> Source {
        let html = std::fs::read_to_string(page).unwrap_or_default();
        let sink = Sink(RefCell::new(Reading::default()));
        let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
        let queue = BufferQueue::default();
        queue.push_back(StrTendril::from_slice(&html));
        let _ = tokenizer.feed(&queue);
        tokenizer.end();
        tokenizer.sink.0.into_inner().source
    }

    fn add_cell(&mut self, cell: &str) {
        for word in cell.split_whitespace() {
            self.cell_words.insert(normalise(word));
        }
        for line in cell.split('\n') {
            let line = normalise(&line.split_whitespace().collect::<Vec<_>>().join(" "));
            if !line.is_empty() {
                self.cell_lines.push_str(&line);
                self.cell_lines.push('\n');
            }
        }
    }

    fn add_pre(&mut self, pre: &str) {
        // The parser drops a newline right after `<pre>`.
        let pre = pre.strip_prefix('\n').unwrap_or(pre);
        self.pre_lines.extend(pre.lines().map(expand_tabs));
    }
}

fn expand_tabs(line: &str) -> String {
    let mut out = String::new();
    for c in line.chars() {
        if c == '\t' {
            out.push(' ');
            while !columns(&out).is_multiple_of(8) {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Display width in terminal columns: the sum of the characters' widths.
fn columns(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Text as it compares between the page and its layout: no link numbers (`[12]`), no
/// superscript or subscript braces, no continuation marks, digits for super/subscripts.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                let digits: String = chars.clone().take_while(char::is_ascii_digit).collect();
                let after = chars.clone().nth(digits.len());
                if !digits.is_empty() && after == Some(']') {
                    for _ in 0..=digits.len() {
                        chars.next();
                    }
                } else {
                    out.push(c);
                }
            }
            '^' | '_' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' | '}' | CONTINUED => {}
            '⁰'..='⁹' | '¹' | '²' | '³' => out.push(superscript_digit(c)),
            '₀'..='₉' => out.push(char::from(b'0' + (c as u32 - '₀' as u32) as u8)),
            c => out.push(c),
        }
    }
    out
}

fn superscript_digit(c: char) -> char {
    match c {
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        c => char::from(b'0' + (c as u32 - '⁰' as u32) as u8),
    }
}

#[derive(Default)]
struct Counts {
    cut: usize,
    marked: usize,
    wrapped: usize,
    pre_long: usize,
    pre_kept: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.cut += other.cut;
        self.marked += other.marked;
        self.wrapped += other.wrapped;
        self.pre_long += other.pre_long;
        self.pre_kept += other.pre_kept;
    }
}

fn is_border(line: &str) -> bool {
    !line.is_empty() && line.chars().all(|c| "─┬┼┴┌┐└┘├┤│/".contains(c)) && line.contains(['─', '/'])
}

/// A line's characters with the column each starts at.
fn with_columns(line: &str) -> Vec<(usize, char)> {
    let mut col = 0;
    line.chars()
        .map(|c| {
            let at = col;
            col += c.width().unwrap_or(0);
            (at, c)
        })
        .collect()
}

fn count(source: &Source, dump: &[String], width: usize, list: Option<&Path>) -> Counts {
    let mut counts = Counts::default();
    let report = |what: &str, detail: &str| {
        if let Some(page) = list {
            println!("  {width:>3} {what}: {}: {detail}", page.display());
        }
    };
    let mut i = 0;
    while i < dump.len() {
        if !is_border(&dump[i]) {
            i += 1;
            continue;
        }
        // A table: its column edges are where the top border's joins are.
        let top = &dump[i];
        let edges: Vec<usize> =
            with_columns(top).into_iter().filter(|&(_, c)| "┬┼┴│".contains(c)).map(|(col, _)| col).collect();
        let table_width = columns(top);
        let mut row_start = i + 1;
        loop {
            let mut end = row_start;
            while end < dump.len() && !is_border(&dump[end]) {
                let fits = edges
                    .iter()
                    .all(|&edge| with_columns(&dump[end]).iter().any(|&(col, c)| col == edge && c == '│'));
                if dump[end].trim().is_empty() || !fits {
                    break;
                }
                end += 1;
            }
            if end >= dump.len() || !is_border(&dump[end]) || end == row_start {
                i = end.max(i + 1);
                break;
            }
            count_row(source, &dump[row_start..end], &edges, table_width, width, &mut counts, &report);
            row_start = end + 1;
        }
    }
    count_pre(source, dump, width, &mut counts, &report);
    counts
}

/// The text of each cell of a row's lines, by column.
fn cells_of(lines: &[String], edges: &[usize]) -> Vec<Vec<String>> {
    let mut cells = vec![Vec::new(); edges.len() + 1];
    for line in lines {
        let mut parts = vec![String::new(); edges.len() + 1];
        for (col, c) in with_columns(line) {
            let cell = edges.iter().filter(|&&edge| edge <= col).count();
            if !edges.contains(&col) {
                parts[cell].push(c);
            }
        }
        for (cell, part) in cells.iter_mut().zip(parts) {
            cell.push(part);
        }
    }
    cells
}

fn count_row(
    source: &Source,
    lines: &[String],
    edges: &[usize],
    table_width: usize,
    width: usize,
    counts: &mut Counts,
    report: &dyn Fn(&str, &str),
) {
    let cells = cells_of(lines, edges);
    let mut starts = vec![0];
    starts.extend(edges.iter().map(|edge| edge + 1));
    for (column, cell) in cells.iter().enumerate() {
        let column_width = edges.get(column).copied().unwrap_or(table_width) - starts[column];
        let text: Vec<&str> = cell.iter().map(|l| l.trim_end()).collect();
        let last = text.iter().rposition(|l| !l.trim().is_empty()).unwrap_or(0);
        let first = text.iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
        let text = &text[first..=last.max(first)];
        if text.len() < 2 || text.iter().any(|l| l.trim().is_empty()) {
            continue;
        }
        let mut joined = text[0].trim().to_string();
        let mut any_cut = false;
        for pair in text.windows(2) {
            let before = pair[0].rsplit(' ').next().unwrap_or("");
            let after = pair[1].trim_start().split(' ').next().unwrap_or("");
            let whole = normalise(&format!("{before}{after}"));
            let cut = !before.is_empty()
                && !after.is_empty()
                && !pair[1].starts_with(' ')
                && source.cell_words.contains(&whole);
            if cut && after.starts_with(CONTINUED) {
                counts.marked += 1;
                any_cut = true;
                joined.push_str(pair[1].trim().trim_start_matches(CONTINUED));
            } else if cut {
                counts.cut += 1;
                any_cut = true;
                report("cut", &format!("{before}|{after}"));
                joined.push_str(pair[1].trim());
            } else {
                joined.push(' ');
                joined.push_str(pair[1].trim());
            }
        }
        // Wrapped, not broken: within one line of the source, and with room to the right.
        let one_line = !any_cut && source.cell_lines.contains(&normalise(&joined));
        let room = width.saturating_sub(table_width);
        if one_line && columns(&joined) <= column_width + room {
            counts.wrapped += 1;
            report("wrapped", &joined);
        }
    }
}

/// Indented code lines laid out on more than one visual line: find each in the dump and see
/// whether all its visual lines start at its indent.
fn count_pre(
    source: &Source,
    dump: &[String],
    width: usize,
    counts: &mut Counts,
    report: &dyn Fn(&str, &str),
) {
    let squeezed: Vec<String> = dump.iter().map(|l| squeeze(l)).collect();
    let mut from = 0;
    for line in &source.pre_lines {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let wanted = squeeze(line);
        // An indent as wide as the screen cannot be kept.
        if indent == 0 || indent + 1 >= width || wanted.is_empty() {
            continue;
        }
        let Some((start, end)) = find_wrapped(&squeezed, &wanted, from) else { continue };
        from = end;
        let lead = |l: &String| l.len() - l.trim_start_matches(' ').len();
        // A layout that wraps such a line flush left leaves its indent alone on the line
        // before (and the code may then fit on one line there).
        let moved = lead(&dump[start]) < indent && columns(&dump[start]) + indent > width;
        if end - start < 2 && !moved {
            continue;
        }
        counts.pre_long += 1;
        let kept = dump[start..end].iter().all(|l| lead(l) >= indent && !l.trim().is_empty());
        if kept {
            counts.pre_kept += 1;
        } else {
            report("pre indent lost", line.trim());
        }
    }
}

/// A line's text as it compares between the page and its layout, without white space.
fn squeeze(line: &str) -> String {
    normalise(line).chars().filter(|c| !c.is_whitespace()).collect()
}

/// How far after the last code line found the next is looked for (in visual lines).
const LOOK_AHEAD: usize = 400;

/// The visual lines `start..end` (from `from` on) whose text, squeezed, is `wanted`.
fn find_wrapped(squeezed: &[String], wanted: &str, from: usize) -> Option<(usize, usize)> {
    for start in from..squeezed.len().min(from + LOOK_AHEAD) {
        let first = &squeezed[start];
        if first.is_empty() || !wanted.starts_with(first.as_str()) {
            continue;
        }
        let mut matched = first.len();
        let mut end = start + 1;
        while matched < wanted.len() && end < squeezed.len() {
            let next = &squeezed[end];
            if next.is_empty() || !wanted[matched..].starts_with(next.as_str()) {
                break;
            }
            matched += next.len();
            end += 1;
        }
        if matched == wanted.len() {
            return Some((start, end));
        }
    }
    None
}
