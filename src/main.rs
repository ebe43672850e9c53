//! The binary: the command line, `--dump` / `--source` for scripts (never touching the
//! terminal's modes), and the interactive terminal loop that feeds events to `App::update`
//! and carries out its effects. The terminal is restored on every way out: quit, error,
//! panic, and every signal that ends the process (`signals`). A terminal that cannot show
//! the full-screen browser (`TERM=dumb`, or output that is not a terminal) gets the page as
//! `--dump` prints it, with a message saying so.

use anyhow::Context as _;
use clap::Parser;
use margay::dump::{self, DumpMode};
use margay::net::cache::{Cache, DEFAULT_DISK_CAP, DEFAULT_MEMORY_CAP};
use margay::net::cookies::CookieJar;
use margay::net::{Client, NetConfig};
use margay::runner::{Handover, Runner};
use margay::store::config::Config;
use margay::store::paths::Paths;
use margay::ui::{self, App, Keymap, Msg, Settings};
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use std::process::ExitCode;
use std::sync::mpsc;

mod allocator;
mod signals;
mod terminal;

/// mimalloc lays a large page out about a fifth faster than the system allocator; see
/// `allocator` for how it is asked and what keeps its memory as low.
#[global_allocator]
static ALLOCATOR: allocator::Allocator = allocator::Allocator;

#[derive(Parser, Debug)]
#[command(
    name = "margay",
    version,
    about = "A terminal hypertext browser",
    long_about = "A terminal hypertext browser.\n\n\
                  margay opens URL (or the start page) full-screen; press ? there for its keys.\n\
                  --dump and --source print a page for scripts. The commands manage bookmarks,\n\
                  trusted certificates, settings and keys."
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The page to open (a URL, `example.com`, or a file path).
    url: Option<String>,
    /// Print the rendered page to stdout, with a numbered list of its links, and exit.
    #[arg(long, conflicts_with = "source")]
    dump: bool,
    /// With --dump: print only the page's article (title, byline, text), as the reader view
    /// (r) shows it. A page without one is printed whole, said on stderr, exit status 4.
    #[arg(long, requires = "dump", conflicts_with = "json")]
    reader: bool,
    /// Print the body as received, and exit. Into a pipe or a file the bytes pass unchanged;
    /// on a terminal, control characters are shown as ^[ … and a binary body is refused.
    #[arg(long)]
    source: bool,
    /// With --dump: print one JSON object instead (URLs, redirects, status, headers, title,
    /// text, links, forms, timings; the README's "For scripts" lists the fields).
    #[arg(long, requires = "dump")]
    json: bool,
    /// Width for --dump.
    #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u16).range(10..=1000))]
    width: u16,
    /// Print the redirect chain to stderr (with --dump and --source).
    #[arg(short, long)]
    verbose: bool,
    /// Open the tabs and pages the last margay had open, each where it was read (as the start
    /// page's "Resume where you left off" does).
    #[arg(long, conflicts_with_all = ["url", "dump", "source"])]
    restore: bool,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Manage the bookmark file: list, add, remove, import, export, check.
    Bookmarks(margay::bookmarks_cli::BookmarksArgs),
    /// List or remove the certificates trusted in the browser.
    Certs(margay::certs_cli::CertsArgs),
    /// Say where the settings and keymap files are and check them; print a sample settings file.
    Config(margay::cli::ConfigArgs),
    /// List the keys in effect; print the default keymap.
    Keys(margay::cli::KeysArgs),
    /// Make the man page or a shell's completions (for packaging; see the README).
    #[command(hide = true)]
    Generate(margay::cli::GenerateArgs),
}

/// The command line as `--help`, the man page and the completions show it.
fn command() -> clap::Command {
    margay::cli::describe(<Cli as clap::CommandFactory>::command())
}

fn main() -> ExitCode {
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    allocator::configure(cli.dump || cli.source);
    match cli.command {
        Some(Command::Bookmarks(args)) => return margay::bookmarks_cli::run(args),
        Some(Command::Certs(args)) => return margay::certs_cli::run(args),
        Some(Command::Config(args)) => return margay::cli::config(args),
        Some(Command::Keys(args)) => return margay::cli::keys(args),
        Some(Command::Generate(args)) => return margay::cli::generate(args, command()),
        None => {}
    }
    let paths = Paths::from_env();
    let (config, config_warning) = Config::load(paths.config_file().as_deref());
    let (net_config, net_warnings) = NetConfig::for_user(&config.network, paths.trusted_certs_file());
    let config_warning = config_warning.or_else(|| net_warnings.first().cloned());
    let client = Client::new(net_config);
    if cli.dump || cli.source {
        let Some(url) = cli.url.as_deref() else {
            eprintln!("margay: --dump and --source need a URL");
            return ExitCode::from(2);
        };
        if let Some(warning) = &config_warning {
            eprintln!("margay: {}", margay::sanitize::line(warning));
        }
        let mode = match (cli.source, cli.json, cli.reader) {
            (true, _, _) => DumpMode::Source,
            (false, true, _) => DumpMode::Json,
            (false, false, true) => DumpMode::Reader,
            (false, false, false) => DumpMode::Rendered,
        };
        // Cookies live for the run, as in lynx -dump: one set on a redirect is sent on.
        let client = client.with_cookies(CookieJar::new(None).0);
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
        let outcome =
            dump::run(&client, url, cli.width, mode, cli.verbose, terminal, &mut std::io::stdout().lock());
        return ExitCode::from(outcome.exit_code());
    }
    let cache =
        Cache::new(paths.cache_dir.as_ref().map(|d| d.join("http")), DEFAULT_DISK_CAP, DEFAULT_MEMORY_CAP);
    let cookie_file =
        config.cookies.persist.then(|| paths.data_dir.as_ref().map(|d| d.join("cookies.json"))).flatten();
    if let Some(why) = no_full_screen() {
        // The page is printed once, as `--dump` prints it.
        allocator::configure(true);
        return print_instead(&client, cli.url.as_deref(), &why);
    }
    let (jar, cookie_warning) = CookieJar::new(cookie_file);
    let (keymap, keymap_warning) = load_keymap(&paths);
    let download_dir = config
        .downloads
        .dir
        .clone()
        .or_else(|| {
            std::env::var_os("XDG_DOWNLOAD_DIR").filter(|d| !d.is_empty()).map(std::path::PathBuf::from)
        })
        .or_else(|| directories::UserDirs::new().and_then(|u| u.download_dir().map(|d| d.to_path_buf())))
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join("Downloads")))
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    let session = Session {
        client: client.with_cache(cache).with_cookies(jar),
        start: cli.url,
        keymap,
        warning: keymap_warning.or(config_warning).or(cookie_warning),
        download_dir,
        bookmark_file: config.bookmarks.file.clone().or_else(|| paths.bookmarks_file()),
        visited_file: paths.visited_file(),
        session_file: paths.session_file(),
        restore: cli.restore,
        page_colours: config.display.page_colours,
    };
    let result = run_tui(session);
    // A signal that ended the browser ends the process the same way, now that the terminal
    // is restored.
    signals::end();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("margay: {}", margay::sanitize::line(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

/// What the interactive browser starts with.
struct Session {
    client: Client,
    start: Option<String>,
    keymap: Keymap,
    /// A settings problem to show at once.
    warning: Option<String>,
    download_dir: std::path::PathBuf,
    bookmark_file: Option<std::path::PathBuf>,
    /// Where the visited links are kept (none: not kept).
    visited_file: Option<std::path::PathBuf>,
    /// Where the session is kept (none: not kept).
    session_file: Option<std::path::PathBuf>,
    /// Resume the last session rather than open the start page.
    restore: bool,
    page_colours: bool,
}

fn load_keymap(paths: &Paths) -> (Keymap, Option<String>) {
    Keymap::load(paths.keymap_file().as_deref())
}

/// Why this terminal cannot show the full-screen browser, if it cannot: `TERM` unset,
/// empty, `dumb` or `unknown` (no cursor addressing), or standard output not a terminal.
fn no_full_screen() -> Option<String> {
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Some("the output is not a terminal".to_string());
    }
    match std::env::var("TERM").unwrap_or_default().trim() {
        "" => Some("TERM is not set, so the terminal's abilities are unknown".to_string()),
        term @ ("dumb" | "unknown") => {
            Some(format!("this terminal (TERM={term}) cannot move the cursor or draw a screen"))
        }
        _ => None,
    }
}

/// Instead of the full-screen browser: the page as `--dump` prints it (with the terminal's
/// width), after a message saying why.
fn print_instead(client: &Client, url: Option<&str>, why: &str) -> ExitCode {
    let start =
        url.map(str::to_string).or_else(|| std::env::var("WWW_HOME").ok().filter(|s| !s.trim().is_empty()));
    let Some(url) = start else {
        eprintln!(
            "margay: {why}; the full-screen browser needs one. Give an address to print the page \
             as text (margay --dump ADDRESS), or run margay in a terminal such as xterm."
        );
        return ExitCode::from(2);
    };
    eprintln!("margay: {why}; printing the page as text instead (as margay --dump does).");
    let width = ratatui::crossterm::terminal::size()
        .ok()
        .map(|(columns, _)| columns)
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse().ok()))
        .filter(|&w| w >= 10)
        .unwrap_or(80);
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let outcome =
        dump::run(client, &url, width, DumpMode::Rendered, false, terminal, &mut std::io::stdout().lock());
    ExitCode::from(outcome.exit_code())
}

fn restore_terminal() {
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    signals::set_active(false);
}

fn run_tui(session: Session) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel::<Msg>();
    let (restored, restored_rx) = mpsc::channel::<()>();
    signals::watch(tx.clone(), restored_rx).context("cannot install signal handlers")?;
    signals::remember_terminal();

    // ratatui's init restores the terminal on panic; mouse capture is ours to undo.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        previous_hook(info);
    }));
    signals::set_active(true);
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(e) => {
            restore_terminal();
            return Err(e).context("cannot set up the terminal");
        }
    };
    // A panic while a page loads is caught and shown; it must not restore the terminal.
    margay::jobs::quiet_worker_panics();
    let result = execute!(std::io::stdout(), EnableMouseCapture)
        .context("cannot enable the mouse")
        .and_then(|()| event_loop(&mut terminal, session, tx, rx));
    restore_terminal();
    let _ = restored.send(());
    // Said once more where it stays: the status line is gone with the screen.
    if let Ok(Some(unsaved)) = &result {
        eprintln!("margay: the session was not saved: {}", margay::sanitize::line(unsaved));
    }
    result.map(|_| ())
}

/// The terminal's side of the runner: the user's editor and viewer get the terminal.
struct TerminalHandover<'a> {
    terminal: &'a mut ratatui::DefaultTerminal,
    gate: &'a terminal::InputGate,
    /// Files handed to viewers live here until margay ends (a viewer may read them late).
    viewer_files: &'a mut Option<std::io::Result<tempfile::TempDir>>,
}

impl Handover for TerminalHandover<'_> {
    fn suspend(&mut self) -> Option<(u16, u16)> {
        terminal::suspend(self.terminal, self.gate)
    }

    fn edit_text(&mut self, text: &str) -> Result<String, String> {
        terminal::edit_externally(self.terminal, self.gate, text)
    }

    fn open_externally(
        &mut self,
        body: &[u8],
        mime: &str,
        name: &str,
        late: mpsc::Sender<Msg>,
    ) -> Result<margay::ui::files::OpenedWith, String> {
        let dir = self
            .viewer_files
            .get_or_insert_with(|| tempfile::Builder::new().prefix("margay-").tempdir())
            .as_ref()
            .map_err(|e| format!("cannot make a folder for the viewer's files: {e}"))?;
        terminal::open_externally(self.terminal, self.gate, dir.path(), body, mime, name, late)
    }

    fn set_clipboard(&mut self, sequence: &[u8]) -> Result<(), String> {
        use std::io::Write;
        let out = self.terminal.backend_mut();
        out.write_all(sequence).and_then(|()| out.flush()).map_err(|e| margay::plain::io(&e))
    }

    fn copy_through_tmux(&mut self, text: &str) -> Option<Result<(), String>> {
        terminal::copy_through_tmux(text)
    }
}

/// The browser until it quits; then why the session as it stands could not be saved, if it
/// could not.
fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    session: Session,
    tx: mpsc::Sender<Msg>,
    rx: mpsc::Receiver<Msg>,
) -> anyhow::Result<Option<String>> {
    let Session {
        client,
        start,
        keymap,
        warning,
        download_dir,
        bookmark_file,
        visited_file,
        session_file,
        restore,
        page_colours,
    } = session;
    let gate = terminal::spawn_input(tx.clone()).context("cannot read the keyboard")?;
    let ticks = tx.clone();
    margay::jobs::spawn_service(margay::jobs::Kind::Tick, move || loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
        if ticks.send(Msg::Tick).is_err() {
            break;
        }
    })
    .context("cannot start the clock")?;

    let size = terminal.size()?;
    let settings = Settings {
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        page_colours,
        download_dir,
    };
    let mut app = App::new(keymap, size.width, size.height).with_settings(settings);
    let mut runner = Runner::new(client, tx, bookmark_file, visited_file).with_session_file(session_file);
    // The bookmarks, visited links and last session first, so that a first page of them
    // shows them.
    let mut effects = Vec::new();
    for msg in runner.start() {
        effects.extend(app.update(msg));
    }
    let start = start.or_else(|| std::env::var("WWW_HOME").ok().filter(|s| !s.trim().is_empty()));
    match start {
        _ if restore && app.can_resume() => effects.extend(app.resume_session()),
        Some(url) if !restore => effects.extend(app.open_typed(&url)),
        _ => {
            // A session that could not be read says why on the status line already.
            let said = !matches!(app.status(), ui::StatusLine::None);
            app.show_start_page();
            effects.extend(app.pending_effects());
            if restore && !said {
                app.warn_until_key("There is no saved session to resume; this is the start page.".into());
            }
        }
    }
    if let Some(warning) = warning {
        app.warn_until_key(warning);
    }
    let mut viewer_files = None;
    loop {
        let mut handover = TerminalHandover { terminal, gate: &gate, viewer_files: &mut viewer_files };
        let ran = runner.run(std::mem::take(&mut effects), &mut handover);
        if ran.quit {
            return Ok(runner.session_failure().map(str::to_string));
        }
        // Answers known at once go to the app before anything else is looked at.
        if !ran.ready.is_empty() {
            for msg in ran.ready {
                effects.extend(app.update(msg));
            }
            continue;
        }
        // A layout just asked for (a page margay made, a resize) usually takes a few
        // milliseconds: drawing before it comes would flash an empty page.
        let first = match ran.laying_out {
            true => rx.recv_timeout(std::time::Duration::from_millis(30)).ok(),
            false => None,
        };
        let first = match first {
            Some(msg) => msg,
            None => {
                terminal.draw(|frame| ui::draw::draw(&app, frame))?;
                rx.recv().context("the input thread stopped")?
            }
        };
        // Take everything already waiting before drawing again: a burst of progress reports
        // or resize events costs one frame.
        let batch: Vec<Msg> = std::iter::once(first).chain(rx.try_iter()).collect();
        // While a window is dragged, only its last size needs a layout.
        let last_resize = batch.iter().rposition(|m| matches!(m, Msg::Resize(..)));
        for (i, msg) in batch.into_iter().enumerate() {
            if matches!(msg, Msg::Resize(..)) && Some(i) != last_resize {
                continue;
            }
            for extra in runner.observe(&msg) {
                effects.extend(app.update(extra));
            }
            effects.extend(app.update(msg));
        }
    }
}
