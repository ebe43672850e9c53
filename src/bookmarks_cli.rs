//! `margay bookmarks …`: list, add, remove, import, export and check the bookmark file from
//! the command line, through the same [`BookmarkStore`] as the browser (so every change is a
//! locked, merged, atomic write).
//!
//! Exit status: 0 when everything went well (for `check`: every bookmark is ok), 1 when
//! something failed or some bookmark is not ok, 2 for a wrong command line. Whatever goes to
//! a terminal — lists, the check's table, `export` without a file, messages — is printed
//! without control characters (`crate::sanitize`), so a bookmark title cannot drive the
//! terminal; `export` into a file or a pipe writes the bookmark file's bytes unchanged.

use crate::net::{Client, NetConfig};
use crate::shell::bookmark_check::{self, Category, Verdict};
use crate::store::bookmarks::{Added, Bookmark, BookmarkStore, Bookmarks, Folder, Item};
use crate::store::config::Config;
use crate::store::paths::Paths;
use anyhow::{bail, Context as _};
use std::collections::HashMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use url::Url;

/// The largest body a GET of the checker reads: enough to see the answer, not a download.
const CHECK_BODY_CAP: u64 = 64 * 1024;

#[derive(clap::Args, Debug)]
#[command(after_help = "Exit status: 0 done (check: every bookmark ok), 1 failed (check: some bookmark \
                        not ok), 2 wrong command line.")]
pub struct BookmarksArgs {
    /// The bookmark file to use instead of $XDG_DATA_HOME/margay/bookmarks.html (or the
    /// `[bookmarks] file` setting).
    #[arg(long, global = true, value_name = "FILE")]
    pub bookmarks: Option<PathBuf>,
    #[command(subcommand)]
    pub command: BookmarksCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum BookmarksCommand {
    /// Print the bookmarks, folder by folder.
    List,
    /// Add a bookmark (nothing changes if the address is already bookmarked).
    Add {
        /// An absolute address (http://…, https://…, file://…).
        url: String,
        /// The title (default: the address).
        #[arg(long)]
        title: Option<String>,
        /// The folder, as a path of titles separated by `/` (created if missing).
        #[arg(long)]
        folder: Option<String>,
    },
    /// Remove every bookmark with this address.
    Remove { url: String },
    /// Merge a Netscape bookmark file exported by another browser, without duplicates.
    Import { file: PathBuf },
    /// Write the bookmarks as a Netscape bookmark file, to FILE or to standard output.
    Export { file: Option<PathBuf> },
    /// Visit every bookmark and report: ok, moved permanently, moved temporarily, gone, failing.
    Check {
        /// Rewrite the bookmarks that moved permanently to their new address (the old one is
        /// kept as FORMER_HREF).
        #[arg(long)]
        relink: bool,
        /// How many bookmarks to visit at a time.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
        jobs: u16,
        /// Seconds to wait for each server.
        #[arg(long, value_name = "SECS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
        timeout: u64,
    },
}

/// Run a `bookmarks` subcommand and say how it went.
pub fn run(args: BookmarksArgs) -> ExitCode {
    let paths = Paths::from_env();
    let (config, warning) = Config::load(paths.config_file().as_deref());
    if let Some(warning) = warning {
        eprintln!("margay: {}", clean(&warning));
    }
    let Some(file) = args.bookmarks.or(config.bookmarks.file.clone()).or_else(|| paths.bookmarks_file())
    else {
        eprintln!("margay: there is no data directory for the bookmark file; name one with --bookmarks FILE");
        return ExitCode::from(2);
    };
    let result = BookmarkStore::open(&file)
        .with_context(|| format!("cannot open the bookmarks at {}", file.display()))
        .and_then(|store| match args.command {
            BookmarksCommand::List => list(&store),
            BookmarksCommand::Add { url, title, folder } => add(store, &url, title, folder.as_deref()),
            BookmarksCommand::Remove { url } => remove(store, &url),
            BookmarksCommand::Import { file } => import(store, &file),
            BookmarksCommand::Export { file } => export(&store, file),
            BookmarksCommand::Check { relink, jobs, timeout } => {
                check(store, &config, relink, usize::from(jobs), Duration::from_secs(timeout))
            }
        });
    match result {
        Ok(code) => code,
        // A closed pipe (`margay bookmarks list | head`) is not an error worth a message.
        Err(e) if e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(is_broken_pipe)) => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("margay: {}", clean(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

/// The bookmarks must be readable for anything but a change (which reports it itself).
fn readable(store: &BookmarkStore) -> anyhow::Result<()> {
    if let Some(error) = store.read_only() {
        bail!("{}: {error}; the file is left untouched", store.path().display());
    }
    Ok(())
}

fn list(store: &BookmarkStore) -> anyhow::Result<ExitCode> {
    readable(store)?;
    let mut out = std::io::stdout().lock();
    print_folder(&mut out, &store.bookmarks().root, 0)?;
    Ok(ExitCode::SUCCESS)
}

fn print_folder(out: &mut dyn std::io::Write, folder: &Folder, depth: usize) -> std::io::Result<()> {
    let indent = "  ".repeat(depth);
    for item in &folder.items {
        match item {
            Item::Folder(f) => {
                writeln!(out, "{indent}{}/", clean(&f.title))?;
                print_folder(out, f, depth + 1)?;
            }
            Item::Bookmark(b) if b.title.trim().is_empty() => writeln!(out, "{indent}{}", clean(&b.url))?,
            Item::Bookmark(b) => writeln!(out, "{indent}{}  {}", clean(&b.title), clean(&b.url))?,
            Item::Separator => {}
        }
    }
    Ok(())
}

fn add(
    mut store: BookmarkStore,
    url: &str,
    title: Option<String>,
    folder: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let parsed = match Url::parse(url.trim()) {
        Ok(u) => u,
        Err(e) => {
            let url = clean(url);
            eprintln!("margay: {url} is not an absolute address ({e}); write it with its scheme, e.g. https://{url}");
            return Ok(ExitCode::from(2));
        }
    };
    let folder: Vec<&str> =
        folder.map(|f| f.split('/').map(str::trim).filter(|s| !s.is_empty()).collect()).unwrap_or_default();
    let title = title.unwrap_or_else(|| parsed.to_string());
    match store.add(&folder, Bookmark::new(parsed.as_str(), &title))? {
        Added::Added => {}
        Added::Exists { folder, title } => {
            let place = if folder.is_empty() { "the top level".to_string() } else { folder.join("/") };
            eprintln!(
                "margay: {} is already bookmarked in {} as {:?}",
                clean(parsed.as_str()),
                clean(&place),
                clean(&title)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn remove(mut store: BookmarkStore, url: &str) -> anyhow::Result<ExitCode> {
    let n = store.remove(url)?;
    if n == 0 {
        eprintln!("margay: no bookmark has the address {}", clean(url));
        return Ok(ExitCode::FAILURE);
    }
    println!("removed {n} bookmark{}", plural(n));
    Ok(ExitCode::SUCCESS)
}

fn import(mut store: BookmarkStore, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => bail!("cannot read {}: {}; check the path", file.display(), crate::plain::io(&e)),
    };
    let other =
        Bookmarks::parse_bytes(&bytes).with_context(|| format!("cannot import {}", file.display()))?;
    let total = other.len();
    let added = store.import(&other)?;
    println!("imported {added} of {total} bookmark{} ({} already there)", plural(total), total - added);
    Ok(ExitCode::SUCCESS)
}

fn export(store: &BookmarkStore, file: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    readable(store)?;
    match file {
        Some(file) => store.export_to(&file)?,
        None => {
            let export = store.export();
            let mut out = std::io::stdout().lock();
            // On a terminal, a title's escape sequences would be acted on: shown inert there.
            let shown =
                if out.is_terminal() { crate::sanitize::text(&export) } else { export.as_str().into() };
            out.write_all(shown.as_bytes()).context("cannot write the export")?
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(
    mut store: BookmarkStore,
    config: &Config,
    relink: bool,
    jobs: usize,
    timeout: Duration,
) -> anyhow::Result<ExitCode> {
    readable(&store)?;
    let mut urls: Vec<String> = store.bookmarks().entries().iter().map(|e| e.bookmark.url.clone()).collect();
    let mut seen = std::collections::HashSet::new();
    urls.retain(|u| seen.insert(u.clone()));
    let (net, warnings) = NetConfig::for_user(&config.network, Paths::from_env().trusted_certs_file());
    for warning in warnings {
        eprintln!("margay: {}", crate::sanitize::line(&warning));
    }
    let client = Client::new(NetConfig {
        body_cap: CHECK_BODY_CAP,
        connect_timeout: timeout,
        response_timeout: timeout,
        total_timeout: timeout,
        ..net
    });

    let tty = std::io::stderr().is_terminal();
    let mut progress = |done: usize, total: usize| {
        if tty {
            let width = 30;
            let filled = done * width / total.max(1);
            eprint!("\r[{}{}] {done}/{total} checked", "#".repeat(filled), " ".repeat(width - filled));
            let _ = std::io::stderr().flush();
        }
    };
    let verdicts = bookmark_check::check_all(&client, &urls, jobs, &mut progress);
    if tty {
        eprint!("\r\x1b[2K");
    }

    let mut out = std::io::stdout().lock();
    print_table(&mut out, &urls, &verdicts)?;
    let moves: Vec<(&str, String)> = urls
        .iter()
        .zip(&verdicts)
        .filter_map(|(u, v)| match v {
            Verdict::MovedPermanently { to, .. } => Some((u.as_str(), to.to_string())),
            _ => None,
        })
        .collect();
    if relink && !moves.is_empty() {
        let n = store.update(|doc| moves.iter().map(|(old, new)| doc.relink(old, new)).sum::<usize>())?;
        writeln!(out, "relinked {n} bookmark{} (the former addresses are kept as FORMER_HREF)", plural(n))?;
    }
    Ok(if verdicts.iter().all(Verdict::is_ok) { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn print_table(out: &mut dyn std::io::Write, urls: &[String], verdicts: &[Verdict]) -> std::io::Result<()> {
    let mut rows: Vec<(Category, &String, &Verdict)> =
        urls.iter().zip(verdicts).map(|(u, v)| (v.category(), u, v)).collect();
    rows.sort_by_key(|(c, _, _)| *c);
    let mut counts: HashMap<Category, usize> = HashMap::new();
    for (category, url, verdict) in &rows {
        *counts.entry(*category).or_default() += 1;
        let status = verdict.status().map_or_else(|| "-".to_string(), |s| s.to_string());
        let note = match verdict {
            Verdict::Ok { .. } => String::new(),
            Verdict::MovedPermanently { to, .. } | Verdict::MovedTemporarily { to, .. } => {
                format!("  → {to}")
            }
            Verdict::Gone { at: Some(at), .. } => format!("  (at {at})"),
            Verdict::Gone { at: None, .. } => String::new(),
            Verdict::Failing { reason, .. } | Verdict::Skipped { reason } => format!("  ({reason})"),
        };
        writeln!(out, "{:<18} {status:>3}  {}{}", category.label(), clean(url), clean(&note))?;
    }
    let summary: Vec<String> = [
        Category::Ok,
        Category::MovedPermanently,
        Category::MovedTemporarily,
        Category::Gone,
        Category::Failing,
        Category::Skipped,
    ]
    .iter()
    .filter_map(|c| counts.get(c).map(|n| format!("{n} {}", c.label())))
    .collect();
    let total = rows.len();
    if total == 0 {
        return writeln!(out, "no bookmarks to check");
    }
    writeln!(out, "\n{total} address{}: {}", if total == 1 { "" } else { "es" }, summary.join(", "))
}

/// Text from a file or the network, safe to print (see `crate::sanitize`).
fn clean(s: &str) -> String {
    crate::sanitize::line(s).into_owned()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
