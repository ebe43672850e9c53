//! The built-in pages: the start page (an asset) and the help page, which is generated from
//! the keymap so that it always tells the keys that really work.

use super::keymap::{Action, Keymap};
use crate::document::escape_html;

pub const START_PAGE: &str = include_str!("../../assets/start.html");

pub fn help_html(keymap: &Keymap) -> String {
    let mut rows = String::new();
    for action in Action::ALL {
        let keys: Vec<String> = keymap.keys_for(*action).iter().map(|k| k.label()).collect();
        let keys = if keys.is_empty() { "(not bound)".to_string() } else { keys.join(", ") };
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>\n",
            escape_html(&keys),
            escape_html(action.description())
        ));
    }
    format!(
        "<!DOCTYPE html><html><head><title>margay help: keys</title></head><body>\n\
         <h1>Keys</h1>\n<table>\n<tr><th>Keys</th><th>What they do</th></tr>\n{rows}\
         <tr><td>0-9</td><td>Type a link's number, then Enter, to follow it</td></tr>\n\
         <tr><td>Mouse</td><td>Click a link to follow it; the wheel scrolls</td></tr>\n\
         </table>\n\
         <p>Keys can be changed in <code>$XDG_CONFIG_HOME/margay/keymap.toml</code>: \
         the same form as the built-in file, one line per action, for example \
         <code>back = [\"Left\", \"Backspace\", \"B\"]</code>.</p>\n\
         <p>Press Left or Backspace to go back to the page you were reading.</p>\n\
         </body></html>"
    )
}
