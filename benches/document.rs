//! Document pipeline benchmarks on large real pages (see `support`): parse, render at 80
//! and 200 columns (the first layout, and a later one), re-render on resize in the app, the
//! first screens of a page, how soon a cancelled parse stops,
//! `--dump` end to end in process, and the start-up of the real binary dumping a small page.
//!
//! `cargo bench --bench document` (a filter narrows it: `cargo bench --bench document -- parse/book`).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use margay::document::{preview, Cancel, Document};
use margay::dump::{self, DumpMode};
use margay::net::{Client, NetConfig};
use margay::ui::{App, Effect, Keymap, Msg, PageKind};
use std::hint::black_box;

#[path = "support/mod.rs"]
mod support;

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.sampling_mode(SamplingMode::Flat);
    for page in support::pages() {
        let url = page.url();
        group.throughput(Throughput::Bytes(page.bytes.len() as u64));
        group.bench_function(page.name, |b| {
            b.iter(|| Document::from_bytes(black_box(&url), Some("text/html"), black_box(&page.bytes)))
        });
    }
}

/// The first layout of a page (the one every load makes: it keeps a copy of the render tree),
/// and a later one at another width (resize), which starts from the kept tree.
fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group.sampling_mode(SamplingMode::Flat);
    for page in support::pages() {
        let url = page.url();
        let parse = || Document::from_bytes(&url, Some("text/html"), &page.bytes);
        group.throughput(Throughput::Bytes(page.bytes.len() as u64));
        for width in [80u16, 200] {
            group.bench_function(format!("{}/first/{width}", page.name), |b| {
                b.iter_batched(
                    parse,
                    |doc| {
                        let rendered = doc.render(black_box(width));
                        (doc, rendered)
                    },
                    BatchSize::PerIteration,
                )
            });
        }
        let doc = parse();
        drop(doc.render(120));
        group.bench_function(format!("{}/again/80", page.name), |b| b.iter(|| doc.render(black_box(80))));
    }
}

/// Run the layouts the app asks for, as the runner does (here, in turn).
fn run_layouts(app: &mut App, effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::Layout { doc, width } = effect {
            let rendered = doc.layout(width, &Cancel::new());
            app.update(Msg::Laid { doc: doc.id, width, rendered });
        }
    }
}

/// The app re-wraps the page when the terminal's width changes: 80 ↔ 200 columns.
fn resize(c: &mut Criterion) {
    let mut group = c.benchmark_group("resize");
    group.sampling_mode(SamplingMode::Flat);
    for page in support::pages() {
        let mut app = App::new(Keymap::defaults(), 80, 40);
        app.show_document(
            page.url(),
            PageKind::Web,
            Document::from_bytes(&page.url(), Some("text/html"), &page.bytes),
        );
        let effects = app.pending_effects();
        run_layouts(&mut app, effects);
        let mut wide = false;
        // The whole resize: the app asks for a layout off the UI thread (`Effect::Layout`), the
        // job lays the kept render tree out, and the new layout is handed back.
        group.bench_function(format!("{}/80<->200", page.name), |b| {
            b.iter(|| {
                wide = !wide;
                let effects = app.update(Msg::Resize(if wide { 200 } else { 80 }, 40));
                run_layouts(&mut app, effects);
            })
        });
    }
}

/// The first screens of a page, laid out from the start of its body while the rest arrives:
/// what decides how soon a page appears.
fn first_screen(c: &mut Criterion) {
    let mut group = c.benchmark_group("first_screen");
    group.sampling_mode(SamplingMode::Flat);
    for page in support::pages() {
        let url = page.url();
        group.bench_function(page.name, |b| {
            b.iter(|| preview(black_box(&url), Some("text/html"), black_box(&page.bytes), 80, &Cancel::new()))
        });
    }
}

/// Esc during a load: from the cancel, raised while the page is being parsed, to the end of
/// the thread that was parsing it (how soon abandoned work stops taking the processor).
fn cancel(c: &mut Criterion) {
    let mut group = c.benchmark_group("cancel");
    group.sampling_mode(SamplingMode::Flat);
    for page in support::pages() {
        let url = page.url();
        group.bench_function(format!("{}/in_parse", page.name), |b| {
            b.iter_custom(|iters| {
                let mut stopping = std::time::Duration::ZERO;
                for _ in 0..iters {
                    let cancel = Cancel::new();
                    let (started, begun) = std::sync::mpsc::channel();
                    std::thread::scope(|scope| {
                        let worker = scope.spawn(|| {
                            let _ = started.send(());
                            let doc = Document::parse(&url, Some("text/html"), &page.bytes, &cancel);
                            doc.and_then(|doc| doc.layout(80, &cancel)).map(|r| r.lines.len())
                        });
                        let _ = begun.recv();
                        // Well into the parse (a large page takes ten times as long).
                        std::thread::sleep(std::time::Duration::from_millis(10));
                        let raised = std::time::Instant::now();
                        cancel.raise();
                        let _ = black_box(worker.join());
                        stopping += raised.elapsed();
                    });
                }
                stopping
            })
        });
    }
}

/// `--dump` as the binary runs it, minus process start-up: load the file, parse, lay out,
/// format the text and the References list.
fn dump_in_process(c: &mut Criterion) {
    let mut group = c.benchmark_group("dump");
    group.sampling_mode(SamplingMode::Flat);
    let client = Client::new(NetConfig::default());
    for page in support::pages() {
        let input = page.path.to_string_lossy().into_owned();
        group.throughput(Throughput::Bytes(page.bytes.len() as u64));
        group.bench_function(page.name, |b| {
            b.iter_batched_ref(
                || Vec::with_capacity(page.bytes.len()),
                |out| dump::run(&client, &input, 80, DumpMode::Rendered, false, false, out),
                BatchSize::PerIteration,
            )
        });
    }
}

/// The real binary, start to exit, dumping a 2 KB page: start-up cost.
fn startup(c: &mut Criterion) {
    let small = support::small_page();
    let mut group = c.benchmark_group("startup");
    group.bench_function("dump_small_page", |b| {
        b.iter(|| {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_margay"))
                .args(["--dump", "--width", "80"])
                .arg(&small)
                .output()
                .expect("run margay");
            assert!(out.status.success(), "margay --dump failed: {}", String::from_utf8_lossy(&out.stderr));
            out.stdout.len()
        })
    });
}

criterion_group! {
    name = benches;
    config = support::big_inputs();
    targets = parse, render, resize, first_screen, cancel, dump_in_process, startup
}
criterion_main!(benches);
