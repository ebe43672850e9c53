#!/usr/bin/env python3
"""The reader view's figures on real article pages, beside lynx, w3m and margay without it.

    scripts/reader-figures.py CORPUS [--margay target/release/margay] [--tsv out.tsv]

CORPUS holds one folder per page, each with `source.html` (the page as served) and
`expected.html` (the article alone, as Mozilla's Readability.js extracts it: the layout of
Readability's test pages). Pages are read from these local files only; nothing goes to the
network (lynx and w3m are given the files, margay file:// addresses).

Per page and per program, at a width of 80 columns:
- first-paragraph line: the line of the dump (1 = the first) where the article's first
  paragraph starts. The first paragraph is the first block of expected.html (a <p>, but also
  a <div>, a <header>, a list item, an <h2> standfirst: pages mark paragraphs up so) with at
  least eight words of its own text, not counting text in figures, captions, the <h1>, a
  block of links only (a table of contents' entry) or a block that only repeats the title;
  `--opening p` takes the first <p> of eight words instead, as earlier versions did. It is
  found as its first six words in a row (fifteen characters in Chinese or Japanese; case,
  punctuation and line breaks ignored). "-" when not found.
- words kept: the share of expected.html's words (as a multiset) found in the dump, before
  its list of link addresses.

The summary gives the median and 90th percentile of the line (a page without it counts as
the end of the dump), the share of pages where it is within the first 5 lines, the median of
the words kept and the share of pages keeping at least 95 %.

Pages Readability finds no article on (expected-metadata.json's "readerable": false; margay
then prints the whole page and says so) and its feature tests (pages of Lorem ipsum) are left
out and listed; `--all` counts them too.

`--as-shown` counts margay's lines as the browser shows them: `--dump` draws a rule under
each heading (text has no bold), the screen does not, so those rules are not counted.
"""

import argparse
import collections
import html.parser
import json
import os
import re
import statistics
import subprocess
import sys

# Chinese, Japanese and Korean are written without spaces: each of their characters is a word
# (else a line break in the middle of a run would make two words of one).
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
WORD = re.compile(f"[{CJK}]|[^\\W_{CJK}]+", re.UNICODE)
WIDTH = 80


# Blocks whose own text can be the article's first paragraph: a paragraph is often marked up
# as a <div>, a standfirst as an <h2>, a lead as a <header> (as in expected.html of cnn, buzzfeed-1,
# medicalnewstoday).
BLOCKS = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "li",
    "dd", "dt", "td", "th", "pre", "h2", "h3", "h4", "h5", "h6", "center", "address",
}
# Text inside these is never the first paragraph: a picture's caption, the headline, scripts.
NOT_TEXT = {"figure", "figcaption", "picture", "caption", "h1", "script", "style", "noscript", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}


class Blocks(html.parser.HTMLParser):
    """The text of the whole document, each block's own text (not its inner blocks'), in the
    order its text starts, and each <p>'s text. expected.html is Readability's serialised
    DOM, so every element it opens is closed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.stack = []  # (tag, index of its block in self.blocks or None)
        self.blocks = []  # [position of its first word, [text], [its text outside links]]
        self.paragraphs = []
        self.p_depth = 0
        self.p_text = []
        self.position = 0

    def handle_starttag(self, tag, attrs):
        self.text.append(" ")
        if tag in VOID:
            return
        block = None
        if tag in BLOCKS:
            block = len(self.blocks)
            self.blocks.append([None, [], []])
        self.stack.append((tag, block))
        if tag == "p":
            if self.p_depth == 0:
                self.p_text = []
            self.p_depth += 1

    def handle_startendtag(self, tag, attrs):
        self.text.append(" ")

    def handle_endtag(self, tag):
        self.text.append(" ")
        if tag in VOID or all(t != tag for t, _ in self.stack):
            return
        while self.stack:
            top, _ = self.stack.pop()
            if top == tag:
                break
        if tag == "p" and self.p_depth > 0:
            self.p_depth -= 1
            if self.p_depth == 0:
                self.paragraphs.append("".join(self.p_text))

    def handle_data(self, data):
        self.text.append(data)
        if self.p_depth > 0:
            self.p_text.append(data)
        if any(t in NOT_TEXT for t, _ in self.stack):
            return
        block = next((b for _, b in reversed(self.stack) if b is not None), None)
        if block is None:
            return
        if self.blocks[block][0] is None and data.strip():
            self.position += 1
            self.blocks[block][0] = self.position
        self.blocks[block][1].append(data)
        if not any(t == "a" for t, _ in self.stack):
            self.blocks[block][2].append(data)


def words(text):
    return [w.lower() for w in WORD.findall(text)]


def opening_of(text):
    """The words a paragraph is found by: its first six (fifteen in a language written without
    spaces, where six characters are too few to be found only where the paragraph is)."""
    opening = words(text)
    length = 15 if sum(len(w) == 1 for w in opening) * 2 > len(opening) else 6
    return opening[:length]


def article_of(expected_html, title, rule):
    """The words of expected.html, and the opening words of its first paragraph: by `rule`
    "block", the first block with eight words of its own text that is not the title again;
    by "p", the first <p> of eight words."""
    parser = Blocks()
    parser.feed(expected_html)
    parser.close()
    if rule == "p":
        candidates = parser.paragraphs
    else:
        title_words = set(words(title))
        started = sorted((b for b in parser.blocks if b[0] is not None), key=lambda b: b[0])
        # A block of links only (a table of contents' entry, a menu) is no paragraph.
        candidates = ["".join(b[1]) for b in started if words("".join(b[2]))]
        candidates = [c for c in candidates if not set(words(c)) <= title_words]
    first = next((c for c in candidates if len(words(c)) >= 8), None)
    return words("".join(parser.text)), (opening_of(first) if first else None)


LINK_NUMBER = re.compile(r"\[\d+\]")
# What margay's --dump draws under a heading.
HEADING_RULE = re.compile("[═─┄]+")


def strip_references(dump):
    """The dump without the list of link addresses lynx and margay print after the page, nor
    the links' numbers ("[12]") in the text, which would glue themselves to a word."""
    at = dump.rfind("\nReferences\n")
    return LINK_NUMBER.sub("", dump[:at] if at >= 0 else dump)


def first_line_of(dump, needle):
    """The 1-based line where the words `needle` start in a row, or None."""
    seq = []
    for number, line in enumerate(dump.split("\n"), start=1):
        seq.extend((w, number) for w in words(line))
    n = len(needle)
    for i in range(len(seq) - n + 1):
        if all(seq[i + k][0] == needle[k] for k in range(n)):
            return seq[i][1]
    return None


def kept(expected, dump_words):
    have = collections.Counter(dump_words)
    found = 0
    for w in expected:
        if have[w] > 0:
            have[w] -= 1
            found += 1
    return found / max(1, len(expected))


def run(argv):
    try:
        done = subprocess.run(argv, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    return done.stdout.decode("utf-8", "replace"), done.returncode


def programs(margay):
    return {
        "margay --reader": lambda path: [margay, "--dump", "--reader", "--width", str(WIDTH), path],
        "margay": lambda path: [margay, "--dump", "--width", str(WIDTH), path],
        "lynx": lambda path: ["lynx", "-dump", "-nolist", f"-width={WIDTH}", "-display_charset=utf-8", path],
        "w3m": lambda path: ["w3m", "-dump", "-cols", str(WIDTH), "-T", "text/html", "-O", "utf-8", path],
    }


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--margay", default="target/release/margay")
    ap.add_argument("--tsv", help="write the per-page figures here")
    ap.add_argument("--as-shown", action="store_true",
                    help="leave out the rules --dump draws under headings (the screen has none)")
    ap.add_argument("--opening", choices=("block", "p"), default="block",
                    help="the first paragraph: the first block of eight words of text (default), "
                         "or the first <p> of eight words")
    ap.add_argument("--all", action="store_true",
                    help="count every page: also those Readability finds no article on, and its "
                         "feature tests (pages of Lorem ipsum)")
    args = ap.parse_args()
    margay = os.path.abspath(args.margay)
    progs = programs(margay)
    pages = sorted(
        d for d in os.listdir(args.corpus)
        if os.path.isfile(os.path.join(args.corpus, d, "source.html"))
        and os.path.isfile(os.path.join(args.corpus, d, "expected.html"))
    )
    rows = []
    left_out = {"not readerable": [], "a feature test": []}
    figures = {name: {"lines": [], "kept": [], "no_article": 0} for name in progs}
    for page in pages:
        folder = os.path.abspath(os.path.join(args.corpus, page))
        with open(os.path.join(folder, "expected.html"), encoding="utf-8", errors="replace") as f:
            expected_html = f.read()
        metadata = {}
        try:
            with open(os.path.join(folder, "expected-metadata.json"), encoding="utf-8") as f:
                metadata = json.load(f)
        except (OSError, ValueError):
            pass
        if not args.all and metadata.get("readerable") is False:
            left_out["not readerable"].append(page)
            continue
        if not args.all and "lorem ipsum" in " ".join(words(re.sub("<[^>]*>", " ", expected_html))):
            left_out["a feature test"].append(page)
            continue
        expected, needle = article_of(expected_html, metadata.get("title") or "", args.opening)
        if not needle:
            print(f"{page}: no paragraph of eight words in expected.html; left out", file=sys.stderr)
            continue
        row = [page]
        for name, argv in progs.items():
            out, code = run(argv(os.path.join(folder, "source.html")))
            if out is None:
                print(f"{page}: {name} failed: {code}", file=sys.stderr)
                out = ""
            if name == "margay --reader" and code == 4:
                figures[name]["no_article"] += 1
            body = strip_references(out)
            if args.as_shown and name.startswith("margay"):
                body = "\n".join(line for line in body.split("\n") if not HEADING_RULE.fullmatch(line))
            line = first_line_of(body, needle)
            total_lines = body.count("\n") + 1
            share = kept(expected, words(body))
            figures[name]["lines"].append(line if line is not None else total_lines)
            figures[name]["kept"].append(share)
            row += [str(line) if line is not None else "-", f"{share:.3f}"]
        rows.append(row)
    if args.tsv:
        with open(args.tsv, "w", encoding="utf-8") as f:
            head = ["page"] + [f"{n} {what}" for n in progs for what in ("first line", "words kept")]
            f.write("\t".join(head) + "\n")
            for row in rows:
                f.write("\t".join(row) + "\n")
    n = len(rows)
    print(f"{n} pages, width {WIDTH}")
    print("| | first paragraph: median line | 90th percentile | pages within 5 lines "
          "| words kept: median | pages keeping ≥95 % |")
    print("|---|---|---|---|---|---|")
    for name, fig in figures.items():
        lines, shares = fig["lines"], fig["kept"]
        within = sum(1 for line in lines if line <= 5)
        full = sum(1 for s in shares if s >= 0.95)
        print(f"| {name} | {statistics.median(lines):g} | {percentile(lines, 0.9):g} "
              f"| {within}/{n} ({100 * within / n:.0f} %) | {100 * statistics.median(shares):.1f} % "
              f"| {full}/{n} ({100 * full / n:.0f} %) |")
    print(f"margay --reader found no article on {figures['margay --reader']['no_article']} pages")
    for why, left in left_out.items():
        if left:
            print(f"left out, {why} ({len(left)}): {' '.join(left)}")


if __name__ == "__main__":
    main()
