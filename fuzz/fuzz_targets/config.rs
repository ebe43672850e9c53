//! The settings file and the keymap file: no panic; an error names a line of the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use margay::store::config::Config;
use margay::ui::Keymap;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count().max(1);
    if let Err(e) = Config::parse(&text, "config.toml") {
        assert!(e.line >= 1 && e.line <= lines + 1, "line {} of {lines}", e.line);
    }
    if let Ok(config) = Config::parse(&text, "config.toml") {
        let _ = margay::net::NetConfig::from_settings(&config.network);
    }
    let _ = Keymap::with_overrides(&text, "keymap.toml");
});
