//! The built-in pages: the start page (an asset) and the help page, which is generated from
//! the keymap — a table for each layer of keys — so that it always tells the keys that really
//! work, and where.

use super::keymap::{Action, Keymap, Layer};
use crate::document::escape_html;

pub const START_PAGE: &str = include_str!("../../assets/start.html");

pub fn help_html(keymap: &Keymap) -> String {
    let mut html = String::from(
        "<!DOCTYPE html><html><head><title>margay help: keys</title></head><body>\n<h1>Keys</h1>\n",
    );
    for layer in Layer::ALL {
        let mut rows: Vec<(String, &str)> = Action::ALL
            .iter()
            .filter(|action| action.layer() == *layer)
            .map(|action| {
                let keys: Vec<String> = keymap.keys_for(*action).iter().map(|k| k.label()).collect();
                let keys = if keys.is_empty() { "(not bound)".to_string() } else { keys.join(", ") };
                (keys, action.description())
            })
            .collect();
        if *layer == Layer::Page {
            rows.push(("0-9".into(), "Type a link's number, then Enter, to follow it"));
            rows.push(("Mouse".into(), "Click a link to follow it; the wheel scrolls"));
        }
        let key_width = rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0).max(4);
        let mut table = format!("{:key_width$}  What they do\n", "Keys");
        for (keys, description) in &rows {
            table.push_str(&format!("{keys:key_width$}  {description}\n"));
        }
        html.push_str(&format!(
            "<h2>{}</h2>\n<pre>{}</pre>\n",
            escape_html(layer.title()),
            escape_html(&table)
        ));
    }
    html.push_str(
        "<p>Keys can be changed in <code>$XDG_CONFIG_HOME/margay/keymap.toml</code> \
         (usually <code>~/.config/margay/keymap.toml</code>): the same form as the built-in \
         file, one line per action, for example <code>back = [\"Left\", \"B\"]</code>; the keys \
         of a kind of page go in its section, such as <code>[bookmarks_page]</code>.</p>\n\
         <p>Press Left to go back to the page you were reading.</p>\n</body></html>",
    );
    html
}
