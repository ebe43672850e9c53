//! The keymap is data: the built-in file, user overrides, and errors that name the line.

use margay::ui::keymap::{Key, Keymap};
use margay::ui::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn press(map: &Keymap, code: KeyCode, mods: KeyModifiers) -> Option<Action> {
    map.action_for(margay::ui::Layer::Page, &KeyEvent::new(code, mods))
}

#[test]
fn defaults_are_lynx_like_and_every_action_is_bound() {
    let map = Keymap::defaults();
    assert_eq!(press(&map, KeyCode::Tab, KeyModifiers::NONE), Some(Action::NextLink));
    assert_eq!(press(&map, KeyCode::BackTab, KeyModifiers::SHIFT), Some(Action::PrevLink));
    assert_eq!(press(&map, KeyCode::Enter, KeyModifiers::NONE), Some(Action::FollowLink));
    assert_eq!(press(&map, KeyCode::Left, KeyModifiers::NONE), Some(Action::Back));
    assert_eq!(press(&map, KeyCode::Char('g'), KeyModifiers::NONE), Some(Action::GotoUrl));
    assert_eq!(press(&map, KeyCode::Char('r'), KeyModifiers::CONTROL), Some(Action::Reload));
    assert_eq!(press(&map, KeyCode::Char('/'), KeyModifiers::NONE), Some(Action::Search));
    assert_eq!(press(&map, KeyCode::Char('N'), KeyModifiers::SHIFT), Some(Action::SearchPrev));
    assert_eq!(press(&map, KeyCode::F(1), KeyModifiers::NONE), Some(Action::Help));
    assert_eq!(press(&map, KeyCode::Char('q'), KeyModifiers::NONE), Some(Action::AskQuit));
    assert_eq!(press(&map, KeyCode::Char('Q'), KeyModifiers::SHIFT), Some(Action::Quit));
    for action in Action::ALL {
        assert!(!map.keys_for(*action).is_empty(), "{action:?} has no key");
        assert!(!action.description().is_empty());
    }
}

#[test]
fn a_user_file_overrides_one_action_and_keeps_the_rest() {
    let map = Keymap::with_overrides("back = [\"B\"]\n", "keymap.toml").unwrap();
    assert_eq!(press(&map, KeyCode::Char('B'), KeyModifiers::SHIFT), Some(Action::Back));
    assert_eq!(press(&map, KeyCode::Left, KeyModifiers::NONE), None, "replaced, not added");
    assert_eq!(press(&map, KeyCode::Tab, KeyModifiers::NONE), Some(Action::NextLink));
}

#[test]
fn errors_name_the_line() {
    let err = Keymap::with_overrides("# comment\nback = [\"Left\"]\nfly = [\"x\"]\n", "k.toml").unwrap_err();
    assert_eq!(err.line, 3);
    assert!(err.message.starts_with("unknown action 'fly'"), "{err}");
    let err = Keymap::with_overrides("\nback = [\"Hyper-Q\"]\n", "k.toml").unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.message.contains("unknown key 'Hyper-Q'"));
    let err = Keymap::with_overrides("a\nback = [\n", "k.toml").unwrap_err();
    assert!(err.line >= 1, "{err}");
    let err = Keymap::with_overrides("\n\nreload = [\"g\"]\n", "k.toml").unwrap_err();
    assert_eq!(err.line, 3);
    assert!(err.message.contains("bound to both"), "{err}");
    assert!(err.to_string().starts_with("k.toml, line 3:"));
}

#[test]
fn digits_cannot_be_bound() {
    assert!(Key::parse("5").is_none());
    assert!(Keymap::with_overrides("back = [\"1\"]", "k").is_err());
}

/// The keys named in the first column of the README's table for `layer`.
fn readme_keys(readme: &str, layer: margay::ui::Layer) -> Vec<String> {
    let heading = format!("{}:\n", layer.title());
    let start =
        readme.find(&heading).unwrap_or_else(|| panic!("the README has no '{heading}'")) + heading.len();
    let table = &readme[start..][readme[start..].find('|').expect("a table under the heading")..];
    table[..table.find("\n\n").unwrap_or(table.len())]
        .lines()
        .filter_map(|row| row.strip_prefix("| "))
        .filter_map(|row| row.split(" | ").next())
        .flat_map(|cell| {
            cell.split([',', '/', ' '])
                .map(|k| k.trim().trim_matches('`').to_string())
                .filter(|k| !k.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_readme_tables_name_every_default_key_under_its_kind_of_page() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let map = Keymap::defaults();
    for layer in margay::ui::Layer::ALL {
        let listed = readme_keys(&readme, *layer);
        for action in Action::ALL.iter().filter(|a| a.layer() == *layer) {
            for key in map.keys_for(*action) {
                // "/" separates keys in a cell; the search key is the one "/ then n / N".
                let label = key.label();
                assert!(
                    listed.contains(&label) || (label == "/" && listed.contains(&"then".to_string())),
                    "the README's table '{}' does not name {label} ({}): {listed:?}",
                    layer.title(),
                    action.name()
                );
            }
        }
    }
}
