//! Per-frame benchmarks on large pages: one frame drawn at the top, middle and end of the
//! page, a scroll step, and a search over the whole page typed at the `/` prompt. Work per
//! frame should follow the screen's size, not the page's length: the three positions and
//! the three pages should cost about the same.
//!
//! `cargo bench --bench screen`

use criterion::{criterion_group, criterion_main, Criterion};
use margay::document::Document;
use margay::ui::{Action, App, Effect, Keymap, Msg, PageKind};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::hint::black_box;
use std::time::Duration;

#[path = "support/mod.rs"]
mod support;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

/// The app showing the page, laid out (the layout it asks for is made here, in turn).
fn app_with(page: &support::BenchPage, width: u16, height: u16) -> App {
    let mut app = App::new(Keymap::defaults(), width, height);
    let doc = Document::from_bytes(&page.url(), Some("text/html"), &page.bytes);
    app.show_document(page.url(), PageKind::Web, doc);
    for effect in app.pending_effects() {
        if let Effect::Layout { doc, width } = effect {
            let rendered = doc.layout(width, &margay::document::Cancel::new());
            app.update(Msg::Laid { doc: doc.id, width, rendered });
        }
    }
    app
}

fn scroll_to(app: &mut App, fraction: f64) {
    let body = app.body_height();
    let lines = app.page().map_or(0, |p| p.rendered.lines.len());
    app.scroll_to((lines.saturating_sub(body) as f64 * fraction) as usize);
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn search(app: &mut App, query: &str) {
    key(app, KeyCode::Char('/'));
    for c in query.chars() {
        key(app, KeyCode::Char(c));
    }
    key(app, KeyCode::Enter);
}

fn frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    for page in support::pages() {
        for (w, h) in SIZES {
            let mut app = app_with(&page, w, h);
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
            for (at, fraction) in [("top", 0.0), ("middle", 0.5), ("end", 1.0)] {
                scroll_to(&mut app, fraction);
                group.bench_function(format!("{}/{w}x{h}/{at}", page.name), |b| {
                    b.iter(|| terminal.draw(|f| margay::ui::draw::draw(black_box(&app), f)).map(|_| ()))
                });
            }
            // With a search active, matches on screen are highlighted.
            search(&mut app, "the");
            scroll_to(&mut app, 0.5);
            group.bench_function(format!("{}/{w}x{h}/middle+search", page.name), |b| {
                b.iter(|| terminal.draw(|f| margay::ui::draw::draw(black_box(&app), f)).map(|_| ()))
            });
        }
    }
}

/// A key that scrolls, then the frame that shows it: what the reader waits for.
fn scroll(c: &mut Criterion) {
    let mut group = c.benchmark_group("scroll");
    for page in support::pages() {
        let (w, h) = SIZES[0];
        let mut app = app_with(&page, w, h);
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
        scroll_to(&mut app, 0.5);
        for (name, forth, back) in
            [("line", Action::LineDown, Action::LineUp), ("page", Action::PageDown, Action::PageUp)]
        {
            let mut down = false;
            group.bench_function(format!("{}/{name}+draw", page.name), |b| {
                b.iter(|| {
                    down = !down;
                    app.act(if down { forth } else { back });
                    terminal.draw(|f| margay::ui::draw::draw(&app, f)).map(|_| ())
                })
            });
        }
    }
}

/// `/the` Enter: every line of the page is searched (a common word: many matches).
fn search_page(c: &mut Criterion) {
    let mut group = c.benchmark_group("search");
    for page in support::pages() {
        let mut app = app_with(&page, 80, 24);
        group.bench_function(format!("{}/the", page.name), |b| b.iter(|| search(&mut app, "the")));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .without_plots()
        .configure_from_args();
    targets = frame, scroll, search_page
}
criterion_main!(benches);
