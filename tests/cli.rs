//! The conventions of a command-line tool, on the real binary: `--version`, `--help` with
//! the commands and exit statuses, the man page and the shell completions made from the
//! clap definitions, and the sample settings file and keymap that `margay config` and
//! `margay keys` print, which must be what margay really reads.

use margay::ui::keymap::{Action, Keymap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh home whose XDG folders are its own.
fn home(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("margay-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("config/margay")).unwrap();
    dir
}

fn margay(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_margay"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .output()
        .expect("margay runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("UTF-8 messages")
}

#[test]
fn version_says_the_crate_version() {
    let out = margay(&home("version"), &["--version"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out).trim(), format!("margay {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_lists_the_commands_and_every_exit_status() {
    let out = margay(&home("help"), &["--help"]);
    assert!(out.status.success());
    let help = stdout(&out);
    for command in ["bookmarks", "certs", "config", "keys"] {
        assert!(help.lines().any(|l| l.trim_start().starts_with(command)), "no {command}:\n{help}");
    }
    // The generator is for packagers: documented in the README, not in the everyday help.
    assert!(!help.contains("generate"), "{help}");
    let exit = &help[help.find("Exit status:").expect("an exit status section")..];
    for code in ["0", "1", "2", "3"] {
        assert!(exit.lines().any(|l| l.trim_start().starts_with(&format!("{code}  "))), "no {code}:\n{exit}");
    }
    assert!(help.contains("config.toml") && help.contains("WWW_HOME"), "{help}");
}

#[test]
fn the_man_page_is_made_from_the_command_line() {
    let dir = home("man");
    let out = margay(&dir, &["generate", "man"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.lines().any(|l| l.starts_with(".TH margay 1")), "{}", &page[..page.len().min(200)]);
    assert_eq!(page.matches(".el .ds Aq").count(), 1, "one preamble");
    assert!(!page.contains("margay\\-help"), "no page for clap's help command");
    for part in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        "\\-\\-dump",
        "margay\\-bookmarks(1)",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
        "WWW_HOME",
    ] {
        assert!(page.contains(part), "no {part} in the man page:\n{page}");
    }
    let pages = dir.join("man1");
    let out = margay(&dir, &["generate", "man", "--dir", pages.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in [
        "margay.1",
        "margay-bookmarks.1",
        "margay-bookmarks-add.1",
        "margay-certs.1",
        "margay-config.1",
        "margay-keys.1",
    ] {
        let text = std::fs::read_to_string(pages.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.lines().any(|l| l.starts_with(".TH")), "{name}");
    }
    assert!(!pages.join("margay-generate.1").exists(), "the hidden command has no page");
}

#[test]
fn completions_are_made_for_bash_zsh_and_fish() {
    let dir = home("completions");
    for (shell, marker) in
        [("bash", "complete -F"), ("zsh", "#compdef margay"), ("fish", "complete -c margay")]
    {
        let out = margay(&dir, &["generate", "completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}:\n{script}");
        for word in ["bookmarks", "certs", "dump", "width"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    let out = margay(&dir, &["generate", "completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2), "an unknown shell is a wrong command line");
}

#[test]
fn the_printed_sample_settings_are_what_margay_reads() {
    let dir = home("config-sample");
    let out = margay(&dir, &["config", "--print-default"]);
    assert!(out.status.success());
    let sample = stdout(&out);
    assert_eq!(sample, margay::store::config::sample());
    // Saved as the user's file, it is used as it is, without a message.
    let file = dir.join("config/margay/config.toml");
    std::fs::write(&file, &sample).unwrap();
    let out = margay(&dir, &["config"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("settings: {}: ok", file.display())), "{}", stdout(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn margay_config_names_a_mistake_and_fails() {
    let dir = home("config-mistake");
    let file = dir.join("config/margay/config.toml");
    std::fs::write(&file, "[network]\nbody_cap_mb = \"ten\"\n").unwrap();
    let out = margay(&dir, &["config"]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains(&format!(
            "{}, line 2: body_cap_mb must be a whole number of megabytes",
            file.display()
        )),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "one line: {message}");
    assert!(message.contains("margay config --print-default"), "says what to do: {message}");
}

#[test]
fn the_printed_keymap_is_the_default_keymap_with_every_action_described() {
    let dir = home("keys");
    let out = margay(&dir, &["keys", "--print-default"]);
    assert!(out.status.success());
    let printed = stdout(&out);
    let parsed = Keymap::with_overrides(&printed, "printed").expect("the printed keymap parses");
    let defaults = Keymap::defaults();
    for action in Action::ALL {
        assert_eq!(parsed.keys_for(*action), defaults.keys_for(*action), "{}", action.name());
        let line = format!("\n{} = [", action.name());
        let at = printed.find(&line).unwrap_or_else(|| panic!("no {line}"));
        let before: Vec<&str> = printed[..at + 1].lines().collect();
        assert_eq!(before.last().copied(), Some(format!("# {}", action.description()).as_str()));
    }
    // `margay keys` lists the keys in effect, the user's override included.
    std::fs::write(dir.join("config/margay/keymap.toml"), "reload = [\"F5\"]\n").unwrap();
    let out = margay(&dir, &["keys"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list = stdout(&out);
    let reload = list.lines().find(|l| l.starts_with("reload ")).expect("a reload line");
    assert!(reload.contains("F5") && !reload.contains("Ctrl-R"), "{reload}");
}

#[test]
fn a_bookmark_file_set_under_the_home_with_a_tilde_is_that_file() {
    let home = home("tilde");
    std::fs::write(home.join("config/margay/config.toml"), "[bookmarks]\nfile = \"~/kept/bookmarks.html\"\n")
        .unwrap();
    std::fs::create_dir_all(home.join("kept")).unwrap();
    let out = margay(&home, &["bookmarks", "add", "http://127.0.0.1:9/tilde", "--title", "Under the home"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let file = std::fs::read_to_string(home.join("kept/bookmarks.html")).expect("the file under the home");
    assert!(file.contains("Under the home"), "{file}");
    assert!(!home.join("config/margay/~").exists() && !Path::new("~").exists(), "no folder named ~");
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn a_relative_bookmark_file_is_beside_the_settings_whatever_the_folder_margay_starts_in() {
    let home = home("relative");
    std::fs::write(home.join("config/margay/config.toml"), "[bookmarks]\nfile = \"rel/bookmarks.html\"\n")
        .unwrap();
    let elsewhere = home.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_margay"))
        .args(["bookmarks", "add", "http://127.0.0.1:9/relative", "--title", "Beside the settings"])
        .current_dir(&elsewhere)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .expect("margay runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let file =
        std::fs::read_to_string(home.join("config/margay/rel/bookmarks.html")).expect("beside config.toml");
    assert!(file.contains("Beside the settings"), "{file}");
    assert!(!elsewhere.join("rel").exists(), "not in the folder it started in");
    let _ = std::fs::remove_dir_all(&home);
}
