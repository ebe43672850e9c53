//! The pages the benchmarks run on: the Rust documentation shipped with the toolchain
//! (`$(rustc --print sysroot)/share/doc/rust/html`), or generated pages of the same sizes
//! where it is absent. Shared by the bench targets with `#[path]`.
#![allow(dead_code)]

use criterion::Criterion;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A page to measure: a short name for the report, where it lives and its bytes.
pub struct BenchPage {
    pub name: &'static str,
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    /// True when the toolchain's docs were missing and the page was generated.
    pub generated: bool,
}

impl BenchPage {
    pub fn url(&self) -> url::Url {
        url::Url::from_file_path(&self.path).expect("an absolute path")
    }
}

/// The three pages of the speed targets (docs/performance.md), biggest last: the Vec page, the book, the reference.
pub fn pages() -> Vec<BenchPage> {
    let docs = docs_dir();
    [
        ("vec", "std/vec/struct.Vec.html", 940_000),
        ("book", "book/print.html", 1_900_000),
        ("reference", "reference/print.html", 4_400_000),
    ]
    .into_iter()
    .map(|(name, rel, size)| {
        let real = docs.as_ref().map(|d| d.join(rel)).filter(|p| p.is_file());
        match real.and_then(|p| std::fs::read(&p).ok().map(|bytes| (p, bytes))) {
            Some((path, bytes)) => BenchPage { name, path, bytes, generated: false },
            None => {
                let path = generated_dir().join(format!("{name}.html"));
                let bytes = generate(size).into_bytes();
                std::fs::write(&path, &bytes).expect("write a generated page");
                eprintln!("bench: {rel} not found, using a generated page of {} bytes", bytes.len());
                BenchPage { name, path, bytes, generated: true }
            }
        }
    })
    .collect()
}

/// A small page, for start-up: about 2 KB, a heading, paragraphs and a few links.
pub fn small_page() -> PathBuf {
    let path = generated_dir().join("small.html");
    std::fs::write(&path, generate(2_000)).expect("write the small page");
    path
}

/// Criterion settings for inputs that take tens to hundreds of milliseconds: few samples,
/// short measurement, so that `cargo bench` takes minutes, not hours.
pub fn big_inputs() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .without_plots()
        .configure_from_args()
}

fn docs_dir() -> Option<PathBuf> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let out = std::process::Command::new(rustc).args(["--print", "sysroot"]).output().ok()?;
    let sysroot = String::from_utf8(out.stdout).ok()?;
    let dir = Path::new(sysroot.trim()).join("share/doc/rust/html");
    dir.is_dir().then_some(dir)
}

fn generated_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("margay-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create a directory for generated pages");
    dir
}

/// A page of about `size` bytes that looks like documentation: headings, paragraphs with
/// links, emphasis and code, code blocks, lists and tables. Deterministic.
pub fn generate(size: usize) -> String {
    const WORDS: [&str; 16] = [
        "the",
        "vector",
        "returns",
        "an",
        "iterator",
        "over",
        "slice",
        "of",
        "elements",
        "memory",
        "capacity",
        "length",
        "borrow",
        "owned",
        "value",
        "reference",
    ];
    let mut html = String::with_capacity(size + 4096);
    html.push_str(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>Generated page</title></head><body>\n",
    );
    let mut n = 0usize;
    let word = |k: usize| WORDS[(k * 7 + k / 16) % WORDS.len()];
    while html.len() < size {
        n += 1;
        html.push_str(&format!("<h2 id=\"s{n}\">Section {n}: the {} {}</h2>\n", word(n), word(n + 3)));
        for p in 0..4 {
            html.push_str("<p>");
            for w in 0..60 {
                let k = n * 1000 + p * 100 + w;
                match w % 17 {
                    3 => html.push_str(&format!(
                        "<a href=\"page{}.html#s{k}\">{} {}</a> ",
                        k % 97,
                        word(k),
                        word(k + 1)
                    )),
                    7 => html.push_str(&format!("<code>{}::{}</code> ", word(k), word(k + 2))),
                    11 => html.push_str(&format!("<em>{}</em> ", word(k))),
                    _ => {
                        html.push_str(word(k));
                        html.push(' ');
                    }
                }
            }
            html.push_str("</p>\n");
        }
        html.push_str("<pre><code>");
        for l in 0..8 {
            html.push_str(&format!("let {}_{l} = {}.{}({l});\n", word(n + l), word(n), word(l)));
        }
        html.push_str("</code></pre>\n<ul>");
        for i in 0..5 {
            html.push_str(&format!(
                "<li><a href=\"#s{}\">{} {}</a> and {}</li>",
                n + i,
                word(i),
                word(n),
                word(n * i)
            ));
        }
        html.push_str("</ul>\n");
        if n.is_multiple_of(3) {
            html.push_str("<table><tr><th>Name</th><th>Meaning</th></tr>");
            for r in 0..4 {
                html.push_str(&format!(
                    "<tr><td><code>{}</code></td><td>{} {} {}</td></tr>",
                    word(r + n),
                    word(r),
                    word(n),
                    word(r * n)
                ));
            }
            html.push_str("</table>\n");
        }
    }
    html.push_str("</body></html>\n");
    html
}
