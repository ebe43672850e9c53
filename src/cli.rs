//! The subcommands that only read and print: `margay config` (where the settings and keymap
//! files are looked for, and whether they can be used; `--print-default`: a commented
//! sample config.toml), `margay keys` (the keys in effect; `--print-default`: the default
//! keymap, each action with what it does), and `margay generate` (the man page and the shell
//! completions, made from the clap definitions). Also the texts that `--help` and the man
//! page share: exit status, environment and files.
//!
//! Nothing here changes a file of the user's; `generate man --dir` writes only the pages it
//! names.

use crate::net::NetConfig;
use crate::store::config::{self, Config};
use crate::store::paths::Paths;
use crate::ui::keymap::{Action, Keymap, Layer, DEFAULT_KEYMAP};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exit status: 0 the files can be used (or are not there), 1 one has a mistake (said on \
                        stderr), 2 wrong command line."
)]
pub struct ConfigArgs {
    /// Print a commented config.toml with every setting and its default, and exit.
    #[arg(long)]
    pub print_default: bool,
}

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exit status: 0 done, 1 the keymap file has a mistake (the default keys are listed), \
                        2 wrong command line."
)]
pub struct KeysArgs {
    /// Print the default keymap, commented, in the form of keymap.toml, and exit.
    #[arg(long)]
    pub print_default: bool,
}

#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: Generated,
}

#[derive(clap::Subcommand, Debug)]
pub enum Generated {
    /// The man page, margay(1), to standard output; with --dir, it and one page per
    /// subcommand (margay-bookmarks(1) …) into that folder.
    Man {
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// The completion script for a shell, to standard output.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// What each exit status means, for `--help` and the man page.
pub const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Done: the browser was quit; the page was printed (--dump, --source; a 204 prints nothing); a subcommand did what it was asked."),
    ("1", "Failed: the page could not be loaded (network or file failure, or no final answer; the reason is on stderr); the browser could not use the terminal; a subcommand failed (bookmarks check: some bookmark is not ok; config: a file has a mistake)."),
    ("2", "Wrong command line."),
    ("3", "--dump, --source: the server answered with an error (4xx, 5xx) or a redirect that cannot be followed; its diagnostic page is printed and its title said on stderr."),
    ("4", "--dump --reader: the page has no article; the whole page is printed, and that said on stderr."),
];

/// The environment variables margay reads.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("WWW_HOME", "The start page, as in lynx."),
    ("NO_COLOR", "Set and not empty: no colours."),
    ("VISUAL, EDITOR", "The editor for a textarea."),
    (
        "http_proxy, https_proxy, all_proxy, no_proxy",
        "Proxies, chosen as curl chooses them (HTTP_PROXY in capitals is ignored, as curl does).",
    ),
    ("SSL_CERT_FILE, SSL_CERT_DIR", "More certificate authorities to trust."),
    ("MAILCAPS", "The mailcap files that say which viewer opens a body margay does not display."),
    (
        "XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_CACHE_HOME, XDG_STATE_HOME, XDG_DOWNLOAD_DIR",
        "Where margay's files live (see the files below).",
    ),
    ("MARGAY_ONE_THREAD", "1: lay every page out on one thread."),
    ("MARGAY_WHOLE_PAGE", "1: --dump lays a large page out whole, not piece by piece (the same text)."),
];

/// margay's files.
pub const FILES: &[(&str, &str)] = &[
    ("$XDG_CONFIG_HOME/margay/config.toml", "Settings (usually ~/.config/margay/config.toml); margay config --print-default prints a commented sample."),
    ("$XDG_CONFIG_HOME/margay/keymap.toml", "Keys that replace the defaults; margay keys --print-default prints the default keymap."),
    ("$XDG_DATA_HOME/margay/bookmarks.html", "Bookmarks, a Netscape bookmark file (bookmarks.html.bak is the previous version)."),
    ("$XDG_DATA_HOME/margay/cookies.json", "Cookies, only with persist = true in [cookies]."),
    ("$XDG_DATA_HOME/margay/trusted-certs", "Certificates trusted in the browser (margay certs lists and removes them)."),
    ("$XDG_STATE_HOME/margay/visited", "The visited links (D on the history page forgets them)."),
    ("$XDG_STATE_HOME/margay/session.json", "The session: tabs, their pages, places and unsent form values (margay --restore resumes it)."),
    ("$XDG_CACHE_HOME/margay/http/", "The page cache (100 MB at most)."),
];

/// The command line's help with the exit status, environment and files added, for `--help`
/// and the man page alike.
pub fn describe(cmd: clap::Command) -> clap::Command {
    const WIDTH: usize = 96;
    let mut text = String::from("Exit status:\n");
    for (code, what) in EXIT_STATUS {
        for (i, line) in config::wrap(what, WIDTH - 5).iter().enumerate() {
            let lead = if i == 0 { format!("  {code}  ") } else { "     ".to_string() };
            text.push_str(&format!("{lead}{line}\n"));
        }
    }
    for (heading, rows) in [("Environment", ENVIRONMENT), ("Files", FILES)] {
        text.push_str(&format!("\n{heading}:\n"));
        for (name, what) in rows {
            text.push_str(&format!("  {name}\n"));
            for line in config::wrap(what, WIDTH - 6) {
                text.push_str(&format!("      {line}\n"));
            }
        }
    }
    cmd.after_help(text.trim_end().to_string())
}

/// `margay config`.
pub fn config(args: ConfigArgs) -> ExitCode {
    if args.print_default {
        print!("{}", config::sample());
        return ExitCode::SUCCESS;
    }
    let paths = Paths::from_env();
    let mut ok = true;
    match paths.config_file() {
        Some(file) => {
            let (settings, warning) = Config::load(Some(&file));
            ok &= report("settings", &file, warning);
            // A ca_file that cannot be read is only found when it is used.
            let (_, notes) = NetConfig::for_user(&settings.network, None);
            for note in notes {
                ok = false;
                eprintln!("margay: {}", crate::sanitize::line(&note));
            }
        }
        None => println!(
            "settings: no configuration folder (HOME and XDG_CONFIG_HOME are not set); the defaults are used"
        ),
    }
    match paths.keymap_file() {
        Some(file) => {
            let (_, warning) = Keymap::load(Some(&file));
            ok &= report("keymap", &file, warning);
        }
        None => println!("keymap: no configuration folder; the default keys are used"),
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// One file's line of `margay config`; false when it has a mistake.
fn report(what: &str, file: &Path, warning: Option<String>) -> bool {
    let shown = crate::sanitize::line(&file.display().to_string()).into_owned();
    match warning {
        Some(warning) => {
            println!("{what}: {shown}: has a mistake (below); the defaults are used");
            eprintln!("margay: {}", crate::sanitize::line(&warning));
            false
        }
        None if file.exists() => {
            println!("{what}: {shown}: ok");
            true
        }
        None => {
            println!("{what}: {shown}: not there; the defaults are used");
            true
        }
    }
}

/// `margay keys`.
pub fn keys(args: KeysArgs) -> ExitCode {
    if args.print_default {
        print!("{}", keymap_sample());
        return ExitCode::SUCCESS;
    }
    let (keymap, warning) = Keymap::load(Paths::from_env().keymap_file().as_deref());
    let mut out = std::io::stdout().lock();
    // By kind of page, as the help page shows them: a key of the bookmarks page acts only there.
    for layer in Layer::ALL {
        let _ = writeln!(out, "{}:", layer.title());
        for action in Action::ALL.iter().filter(|a| a.layer() == *layer) {
            let keys: Vec<String> = keymap.keys_for(*action).iter().map(|k| k.label()).collect();
            let keys = if keys.is_empty() { "(not bound)".to_string() } else { keys.join(", ") };
            let _ = writeln!(out, "{:<18} {:<22} {}", action.name(), keys, action.description());
        }
    }
    match warning {
        Some(warning) => {
            eprintln!("margay: {}", crate::sanitize::line(&warning));
            ExitCode::FAILURE
        }
        None => ExitCode::SUCCESS,
    }
}

/// The built-in keymap with each action's description above its line.
pub fn keymap_sample() -> String {
    let mut out = String::with_capacity(DEFAULT_KEYMAP.len() * 2);
    for line in DEFAULT_KEYMAP.lines() {
        let name = line.split('=').next().unwrap_or("").trim();
        if let Some(action) = Action::from_name(name).filter(|_| !line.trim_start().starts_with('#')) {
            if !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str(&format!("# {}\n", action.description()));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `margay generate`: `cmd` is the whole command line, as `describe` made it.
pub fn generate(args: GenerateArgs, mut cmd: clap::Command) -> ExitCode {
    let result = match args.what {
        Generated::Completions { shell } => {
            let name = cmd.get_name().to_string();
            clap_complete::generate(shell, &mut cmd, name, &mut std::io::stdout());
            Ok(())
        }
        Generated::Man { dir: None } => man_page(cmd).and_then(|page| std::io::stdout().write_all(&page)),
        Generated::Man { dir: Some(dir) } => write_man_pages(cmd, &dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("margay: cannot write the man page: {}; check the folder", crate::plain::io(&e));
            ExitCode::FAILURE
        }
    }
}

/// margay(1): clap_mangen's sections, then exit status, environment and files as sections of
/// their own (rather than the "EXTRA" section clap_mangen makes of the help's last part).
pub fn man_page(cmd: clap::Command) -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.disable_help_subcommand(true));
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    man.render_subcommands_section(&mut page)?;
    let mut roff = roff::Roff::new();
    for (heading, rows) in [("EXIT STATUS", EXIT_STATUS), ("ENVIRONMENT", ENVIRONMENT), ("FILES", FILES)] {
        roff.control("SH", [heading]);
        for (name, what) in rows {
            roff.control("TP", []);
            roff.text([roff::bold(*name)]);
            roff.text([roff::roman(*what)]);
        }
    }
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roff::roman("lynx(1), w3m(1), elinks(1). The README in margay's repository.")]);
    roff.to_writer(&mut page)?;
    man.render_version_section(&mut page)?;
    // Each part rendered alone starts with roff's preamble (how to print a quote); once is
    // enough.
    let text = String::from_utf8_lossy(&page).into_owned();
    let mut seen = std::collections::HashSet::new();
    let once: Vec<&str> = text
        .lines()
        .filter(|l| !(l.starts_with(".ie \\n(.g") || l.starts_with(".el .ds Aq")) || seen.insert(*l))
        .collect();
    Ok((once.join("\n") + "\n").into_bytes())
}

fn write_man_pages(cmd: clap::Command, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        // Each subcommand's page, and those of its own subcommands.
        clap_mangen::generate_to(sub.clone(), dir)?;
    }
    std::fs::write(dir.join("margay.1"), man_page(cmd)?)
}
