//! Property tests: URL resolution (what the user types, link targets joined to a base) and
//! the history's invariants, against a simple model.

use margay::navigation::resolve_typed;
use margay::sanitize;
use margay::store::history::History;
use proptest::prelude::*;
use url::Url;

/// Text a user might type, or a page might put in an href: URL-ish pieces, controls,
/// bidi overrides, spaces, non-ASCII.
fn urlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("http://".to_string()),
        Just("https://".to_string()),
        Just("file:///".to_string()),
        Just("localhost".to_string()),
        Just("127.0.0.1".to_string()),
        Just("example.com".to_string()),
        Just(":8080".to_string()),
        Just("/".to_string()),
        Just("../".to_string()),
        Just("?q=1".to_string()),
        Just("#frag".to_string()),
        Just("@".to_string()),
        Just("user:pw@".to_string()),
        Just("[::1]".to_string()),
        Just("%41%zz".to_string()),
        Just("\u{1b}]0;x\u{7}".to_string()),
        Just("\u{9b}".to_string()),
        Just("\u{202E}".to_string()),
        Just(" ".to_string()),
        Just("\t\n".to_string()),
        Just("é漢".to_string()),
        "[a-z0-9.]{0,8}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

fn base() -> impl Strategy<Value = Url> {
    prop_oneof![
        Just(Url::parse("http://example.com/dir/page.html?x=1#top").unwrap()),
        Just(Url::parse("https://user:pw@example.org:8443/a/b/").unwrap()),
        Just(Url::parse("file:///tmp/dir/file.html").unwrap()),
        Just(Url::parse("about:start").unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Whatever is typed resolves to an address or a message, never a panic; an address is
    /// serialised without control characters (so it is safe to show) and is stable: typing
    /// it again gives the same address.
    #[test]
    fn typed_addresses_resolve_to_clean_stable_urls(typed in urlish(), base in prop::option::of(base())) {
        if let Ok(url) = resolve_typed(&typed, base.as_ref()) {
            let shown = url.as_str();
            // (A space may stay in the opaque path of a scheme such as `javascript:`.)
            prop_assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
            prop_assert!(sanitize::is_clean(&sanitize::display_url(&url)));
            if matches!(url.scheme(), "http" | "https" | "file") {
                let again = resolve_typed(shown, None);
                prop_assert_eq!(again.as_ref(), Ok(&url), "{} → {:?}", shown, again);
            }
        }
    }

    /// A link target joined to the page's base: never a panic, a clean serialisation, the
    /// join of the serialisation is itself, and a password is never displayed.
    #[test]
    fn link_targets_join_to_clean_urls(href in urlish(), base in base()) {
        if let Ok(url) = base.join(href.trim()) {
            let shown = url.as_str();
            prop_assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
            let rejoined = base.join(shown).ok();
            prop_assert_eq!(rejoined.as_ref(), Some(&url));
            if let Some(password) = url.password().filter(|p| p.len() > 3) {
                prop_assert!(!sanitize::display_url(&url).contains(password));
            }
        }
    }

    /// Terminal cleaning: the result is always clean, and clean text is left alone.
    #[test]
    fn cleaning_makes_any_text_clean(text in any::<String>(), extra in urlish()) {
        let text = text + &extra;
        prop_assert!(sanitize::is_clean(&sanitize::text(&text)));
        prop_assert!(sanitize::is_clean(&sanitize::line(&text)));
        prop_assert!(!sanitize::line(&text).contains('\n'));
        if sanitize::is_clean(&text) {
            prop_assert_eq!(sanitize::text(&text), text.as_str());
        }
    }

    /// The history against a model (a list and a cursor): push drops what is ahead, back and
    /// forward move within bounds, replace keeps the cursor.
    #[test]
    fn history_behaves_like_a_list_and_a_cursor(ops in prop::collection::vec(0u8..4, 0..200)) {
        let mut history = History::default();
        let (mut model, mut cursor): (Vec<u32>, usize) = (Vec::new(), 0);
        for (n, op) in ops.into_iter().enumerate() {
            let n = n as u32;
            match op {
                0 => {
                    history.push(n);
                    if !model.is_empty() {
                        model.truncate(cursor + 1);
                    }
                    model.push(n);
                    cursor = model.len() - 1;
                }
                1 => {
                    let moved = history.back();
                    prop_assert_eq!(moved, cursor > 0);
                    cursor -= usize::from(moved);
                }
                2 => {
                    let moved = history.forward();
                    prop_assert_eq!(moved, cursor + 1 < model.len());
                    cursor += usize::from(moved);
                }
                _ => {
                    history.replace_current(n);
                    match model.get_mut(cursor) {
                        Some(slot) => *slot = n,
                        None => {
                            model.push(n);
                            cursor = model.len() - 1;
                        }
                    }
                }
            }
            prop_assert_eq!(history.len(), model.len());
            prop_assert_eq!(history.index(), cursor);
            prop_assert_eq!(history.current(), model.get(cursor));
            prop_assert!(history.is_empty() || history.index() < history.len());
            prop_assert_eq!(history.iter().copied().collect::<Vec<_>>(), model.clone());
        }
    }
}
