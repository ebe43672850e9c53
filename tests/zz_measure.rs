#[test]
#[ignore]
fn measure() {
    let path = std::env::var("PAGE").unwrap();
    let html = std::fs::read_to_string(path).unwrap();
    let cfg = html2text::config::plain();
    let t = std::time::Instant::now();
    let dom = {
        use html5ever::tendril::TendrilSink;
        html5ever::parse_document(html2text::RcDom::default(), Default::default()).one(html.as_str())
    };
    let parse = t.elapsed();
    let errors = dom.errors.borrow().len();
    let t = std::time::Instant::now();
    let tree = cfg.dom_to_render_tree(&dom).unwrap();
    let build = t.elapsed();
    drop(dom);
    let t = std::time::Instant::now();
    let copy = tree.clone();
    let clone = t.elapsed();
    let t = std::time::Instant::now();
    let lines = cfg.render_to_lines(tree, 80).unwrap();
    let layout = t.elapsed();
    let t = std::time::Instant::now();
    let lines2 = cfg.render_to_lines(copy, 80).unwrap();
    let layout2 = t.elapsed();
    println!("parse {parse:?} errors {errors} build {build:?} clone {clone:?} layout {layout:?} layout-of-clone {layout2:?} lines {} {}", lines.len(), lines2.len());
}
