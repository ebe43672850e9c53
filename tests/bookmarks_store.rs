//! The bookmark file on disk: concurrent writers (threads with separate stores, and real
//! processes) both keep their additions; a corrupted file is never written and is reported
//! with its line; the previous version is kept; relink and undo merge with what others
//! wrote; a failed write leaves the old file intact. Every test works in its own temp dir.

use margay::store::bookmarks::{Added, Bookmark, BookmarkStore, Bookmarks, Item, Match, StoreError};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "margay-bookmarks-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        TempDir(dir)
    }

    fn file(&self) -> PathBuf {
        self.0.join("bookmarks.html")
    }

    /// Files in the dir other than the bookmark file, its backup and its lock.
    fn strays(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .expect("read the temp dir")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| {
                !matches!(n.as_str(), "bookmarks.html" | "bookmarks.html.bak" | "bookmarks.html.lock")
            })
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run the real binary with its data and config dirs inside `dir`.
fn margay(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_margay"))
        .args(args)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("HOME", dir)
        .output()
        .expect("run margay")
}

fn read(path: &Path) -> Bookmarks {
    Bookmarks::parse_bytes(&std::fs::read(path).expect("read the file")).expect("the file parses")
}

fn bm(url: &str) -> Bookmark {
    Bookmark::new(url, url)
}

const NO_FOLDER: &[&str] = &[];

#[test]
fn two_stores_in_threads_keep_both_hundreds() {
    let dir = TempDir::new("threads");
    let path = dir.file();
    let started = Instant::now();
    std::thread::scope(|s| {
        for side in ["left", "right"] {
            let path = path.clone();
            s.spawn(move || {
                let mut store = BookmarkStore::open(&path).expect("open");
                for i in 0..100 {
                    let added = store.add(&[side], bm(&format!("http://127.0.0.1/{side}/{i}"))).expect("add");
                    assert_eq!(added, Added::Added);
                }
            });
        }
    });
    eprintln!("2 stores × 100 adds in threads: {:?}", started.elapsed());
    let doc = read(&path);
    assert_eq!(doc.len(), 200);
    for side in ["left", "right"] {
        assert_eq!(doc.folder(&[side]).expect("folder").items.len(), 100);
    }
    assert!(dir.strays().is_empty(), "{:?}", dir.strays());
}

#[test]
fn two_processes_adding_a_hundred_each_leave_two_hundred() {
    let dir = TempDir::new("processes");
    let file = dir.file();
    let file = file.to_str().expect("a UTF-8 temp path");
    let started = Instant::now();
    std::thread::scope(|s| {
        for side in ["a", "b"] {
            let dir = &dir.0;
            s.spawn(move || {
                for i in 0..100 {
                    let url = format!("http://127.0.0.1/{side}/{i}");
                    let out = margay(dir, &["bookmarks", "--bookmarks", file, "add", &url, "--folder", side]);
                    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                }
            });
        }
    });
    eprintln!("2 processes × 100 `margay bookmarks add`: {:?}", started.elapsed());
    let doc = read(&dir.file());
    assert_eq!(doc.len(), 200);
    let mut keys: Vec<String> = doc.entries().iter().map(|e| e.bookmark.url.clone()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 200);
    assert!(dir.strays().is_empty(), "{:?}", dir.strays());
}

#[test]
fn default_file_is_under_xdg_data_home() {
    let dir = TempDir::new("xdg");
    let out = margay(&dir.0, &["bookmarks", "add", "https://example.org/", "--title", "Example"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = read(&dir.0.join("data/margay/bookmarks.html"));
    assert_eq!(doc.find("https://example.org/", Match::Exact)[0].bookmark.title, "Example");
    let out = margay(&dir.0, &["bookmarks", "list"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Example  https://example.org/\n");
}

/// A file whose line 12 has an unclosed quote.
fn corrupted() -> String {
    let mut doc = Bookmarks::default();
    for i in 0..5 {
        doc.add(NO_FOLDER, bm(&format!("http://127.0.0.1/{i}")));
    }
    let html = doc.to_html();
    let broken = html.replacen("HREF=\"http://127.0.0.1/2\"", "HREF=\"http://127.0.0.1/2", 1);
    assert_ne!(html, broken);
    assert_eq!(broken.lines().position(|l| l.contains("127.0.0.1/2")), Some(11));
    broken
}

#[test]
fn corrupted_file_is_never_written_and_names_its_line() {
    let dir = TempDir::new("corrupted");
    let path = dir.file();
    let original = corrupted();
    std::fs::write(&path, &original).expect("write");

    let mut store = BookmarkStore::open(&path).expect("open");
    assert_eq!(store.read_only().map(|e| e.line), Some(12));
    for result in [
        store.add(NO_FOLDER, bm("http://127.0.0.1/new")).map(|_| ()),
        store.remove("http://127.0.0.1/1").map(|_| ()),
        store.relink("http://127.0.0.1/1", "http://127.0.0.1/x").map(|_| ()),
    ] {
        match result {
            Err(e @ StoreError::Unparseable { .. }) => {
                let message = e.to_string();
                assert!(message.contains("line 12:") && message.contains("untouched"), "{message}");
            }
            other => panic!("expected the file to be refused, got {other:?}"),
        }
    }

    for args in [vec!["add", "http://127.0.0.1/cli"], vec!["list"], vec!["remove", "http://127.0.0.1/1"]] {
        let mut full = vec!["bookmarks", "--bookmarks", path.to_str().expect("UTF-8 path")];
        full.extend(args);
        let out = margay(&dir.0, &full);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("line 12:"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(std::fs::read_to_string(&path).expect("read"), original, "byte for byte");
    assert!(!store.backup_path().exists());
    assert!(dir.strays().is_empty(), "{:?}", dir.strays());

    // Once the file is fixed, changes work again.
    std::fs::write(&path, original.replace("127.0.0.1/2", "127.0.0.1/2\"")).expect("fix");
    store.add(NO_FOLDER, bm("http://127.0.0.1/new")).expect("add after the fix");
    assert!(store.read_only().is_none());
    assert_eq!(read(&path).len(), 6);
}

#[test]
fn previous_version_is_kept_as_backup() {
    let dir = TempDir::new("backup");
    let mut store = BookmarkStore::open(dir.file()).expect("open");
    store.add(NO_FOLDER, bm("http://127.0.0.1/a")).expect("add a");
    assert!(!store.backup_path().exists(), "no previous version yet");
    let first = std::fs::read(dir.file()).expect("read");
    store.add(NO_FOLDER, bm("http://127.0.0.1/b")).expect("add b");
    assert_eq!(std::fs::read(store.backup_path()).expect("read the backup"), first);
    assert_eq!(store.backup_path(), dir.0.join("bookmarks.html.bak"));
}

#[test]
fn no_duplicates_by_normalised_address() {
    let dir = TempDir::new("dupes");
    let mut store = BookmarkStore::open(dir.file()).expect("open");
    assert_eq!(store.add(&["F"], bm("http://Example.COM:80/page")).expect("add"), Added::Added);
    let again = store.add(NO_FOLDER, bm("http://example.com/page#part")).expect("add");
    assert_eq!(again, Added::Exists { folder: vec!["F".into()], title: "http://Example.COM:80/page".into() });
    assert_eq!(store.bookmarks().find("http://EXAMPLE.com/page", Match::Normalized).len(), 1);
    assert_eq!(store.bookmarks().find("http://EXAMPLE.com/page", Match::Exact).len(), 0);
    // The refused add changed nothing, so the one change to undo is the first add.
    assert!(store.undo().expect("undo"));
    assert!(!store.can_undo());
    assert!(read(&dir.file()).is_empty());
}

#[test]
fn operations_and_undo_of_each() {
    let dir = TempDir::new("ops");
    let mut store = BookmarkStore::open(dir.file()).expect("open");
    for url in ["http://127.0.0.1/a", "http://127.0.0.1/b", "http://127.0.0.1/c"] {
        store.add(NO_FOLDER, bm(url)).expect("add");
    }
    let start = read(&dir.file());
    assert_eq!(store.rename("http://127.0.0.1/a", "A").expect("rename"), 1);
    assert_eq!(store.set_url("http://127.0.0.1/b", "http://127.0.0.1/b2").expect("set_url"), 1);
    assert_eq!(store.move_to("http://127.0.0.1/c", &["Moved", "Deeper"]).expect("move"), 1);
    assert_eq!(store.remove("http://127.0.0.1/a").expect("remove"), 1);
    assert_eq!(store.bookmarks().len(), 2);
    assert_eq!(store.bookmarks().find("http://127.0.0.1/c", Match::Exact)[0].folder, vec!["Moved", "Deeper"]);
    for _ in 0..4 {
        assert!(store.undo().expect("undo"));
    }
    assert_eq!(read(&dir.file()), start);
    // The three adds remain undoable.
    for _ in 0..3 {
        assert!(store.undo().expect("undo"));
    }
    assert!(!store.undo().expect("nothing left"));
    assert!(read(&dir.file()).is_empty());
}

#[test]
fn relink_then_undo_keeps_what_another_instance_added() {
    let dir = TempDir::new("relink");
    let mut mine = BookmarkStore::open(dir.file()).expect("open");
    mine.add(NO_FOLDER, bm("http://old.example/doc")).expect("add");
    // `add` refuses a second entry for the same address (fragment ignored) …
    let again = mine.add(&["Reading"], bm("http://OLD.example:80/doc#chapter-2")).expect("add");
    assert!(matches!(again, Added::Exists { .. }));
    // … but a file written by another program may hold one.
    mine.update(|doc| {
        doc.folder_mut(&["Reading"]).items.push(Item::Bookmark(bm("http://OLD.example:80/doc#chapter-2")))
    })
    .expect("update");
    assert_eq!(mine.bookmarks().len(), 2);

    assert_eq!(mine.relink("http://old.example/doc", "https://new.example/doc").expect("relink"), 2);
    let text = std::fs::read_to_string(dir.file()).expect("read");
    assert!(text.contains(r#"HREF="https://new.example/doc#chapter-2""#), "{text}");
    assert!(text.contains(r#"FORMER_HREF="http://OLD.example:80/doc#chapter-2""#), "{text}");
    assert!(text.contains(r#"FORMER_HREF="http://old.example/doc""#), "{text}");

    // Another margay adds a bookmark meanwhile; undo must not lose it.
    let mut theirs = BookmarkStore::open(dir.file()).expect("open a second store");
    theirs.add(&["Reading"], bm("http://127.0.0.1/theirs")).expect("add");
    assert!(mine.undo().expect("undo the relink"));
    let doc = read(&dir.file());
    assert!(doc.contains("http://127.0.0.1/theirs"));
    assert_eq!(doc.find("http://old.example/doc", Match::Normalized).len(), 2);
    assert!(doc.find("https://new.example/doc", Match::Normalized).is_empty());
    assert!(doc.entries().iter().all(|e| e.bookmark.former_url.is_none()));

    // FORMER_HREF also lets a later session undo a relink.
    mine.relink("http://old.example/doc", "https://new.example/doc").expect("relink again");
    let mut later = BookmarkStore::open(dir.file()).expect("open");
    assert_eq!(later.update(|doc| doc.undo_relink("https://new.example/doc")).expect("undo_relink"), 2);
    assert_eq!(read(&dir.file()).find("http://old.example/doc", Match::Normalized).len(), 2);
}

#[test]
fn import_merges_without_duplicates() {
    let dir = TempDir::new("import");
    let export = dir.0.join("firefox.html");
    let mut firefox = Bookmarks::default();
    firefox.root.title = "Bookmarks Menu".into();
    firefox.add(&["Bookmarks Toolbar"], bm("https://www.rust-lang.org/"));
    firefox.add(&["Bookmarks Toolbar", "News"], bm("https://lwn.net/"));
    firefox.add(NO_FOLDER, bm("https://example.com/"));
    firefox.folder_mut(&["Bookmarks Toolbar"]).attrs.push(("PERSONAL_TOOLBAR_FOLDER".into(), "true".into()));
    std::fs::write(&export, firefox.to_html()).expect("write the export");

    let mut store = BookmarkStore::open(dir.file()).expect("open");
    store.add(NO_FOLDER, bm("https://EXAMPLE.com:443/")).expect("add");
    assert_eq!(store.import_file(&export).expect("import"), 2);
    assert_eq!(store.import_file(&export).expect("import again"), 0);
    let doc = read(&dir.file());
    assert_eq!(doc.len(), 3);
    assert_eq!(doc.find("https://lwn.net/", Match::Exact)[0].folder, vec!["Bookmarks Toolbar", "News"]);
    let toolbar = doc.folder(&["Bookmarks Toolbar"]).expect("the toolbar folder");
    assert!(toolbar.attrs.contains(&("PERSONAL_TOOLBAR_FOLDER".into(), "true".into())));

    let file = dir.file();
    let out = margay(
        &dir.0,
        &[
            "bookmarks",
            "--bookmarks",
            file.to_str().expect("UTF-8"),
            "import",
            export.to_str().expect("UTF-8"),
        ],
    );
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "imported 0 of 3 bookmarks (3 already there)\n");

    let out = margay(&dir.0, &["bookmarks", "--bookmarks", file.to_str().expect("UTF-8"), "export"]);
    assert_eq!(Bookmarks::parse(&String::from_utf8_lossy(&out.stdout)).expect("the export parses"), doc);

    let bad = dir.0.join("bad.html");
    std::fs::write(&bad, "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF=\"x\">x\n")
        .expect("write");
    let before = std::fs::read(&file).expect("read");
    let out = margay(
        &dir.0,
        &["bookmarks", "--bookmarks", file.to_str().expect("UTF-8"), "import", bad.to_str().expect("UTF-8")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 3:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&file).expect("read"), before);
}

#[test]
fn cli_usage_errors_exit_2_and_misses_exit_1() {
    let dir = TempDir::new("usage");
    let file = dir.file();
    let file = file.to_str().expect("UTF-8");
    assert_eq!(
        margay(&dir.0, &["bookmarks", "--bookmarks", file, "add", "not a url"]).status.code(),
        Some(2)
    );
    assert_eq!(margay(&dir.0, &["bookmarks", "frobnicate"]).status.code(), Some(2));
    assert_eq!(
        margay(&dir.0, &["bookmarks", "--bookmarks", file, "remove", "http://nothing/"]).status.code(),
        Some(1)
    );
    let out = margay(&dir.0, &["bookmarks", "add", "http://127.0.0.1/x", "--bookmarks", file]);
    assert!(out.status.success());
    let out = margay(&dir.0, &["bookmarks", "--bookmarks", file, "remove", "http://127.0.0.1/x#frag"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "removed 1 bookmark\n");
}

#[test]
fn a_failed_write_leaves_the_old_file_intact() {
    let dir = TempDir::new("failed-write");
    let mut store = BookmarkStore::open(dir.file()).expect("open");
    store.add(NO_FOLDER, bm("http://127.0.0.1/a")).expect("add");
    let before = std::fs::read(dir.file()).expect("read");
    // The backup cannot be replaced: a non-empty directory is in its way.
    std::fs::create_dir_all(dir.0.join("bookmarks.html.bak/x")).expect("mkdir");
    let err = store.add(NO_FOLDER, bm("http://127.0.0.1/b")).expect_err("the write fails");
    assert!(matches!(err, StoreError::Write { .. }), "{err:?}");
    assert!(err.to_string().contains("cannot save the bookmarks"), "{err}");
    assert_eq!(std::fs::read(dir.file()).expect("read"), before);
    std::fs::remove_dir_all(dir.0.join("bookmarks.html.bak")).expect("rmdir");
    assert!(dir.strays().is_empty(), "{:?}", dir.strays());
    // In memory too, the store still shows what is on disk.
    assert_eq!(store.bookmarks().len(), 1);
}

/// A full disk, simulated with a file size limit (writes fail with EFBIG, as with ENOSPC):
/// the CLI says it could not save, and the file and directory are as they were.
#[cfg(unix)]
#[test]
fn a_full_disk_leaves_the_old_file_intact() {
    let dir = TempDir::new("full-disk");
    let mut doc = Bookmarks::default();
    for i in 0..100 {
        doc.add(NO_FOLDER, bm(&format!("http://127.0.0.1/{i}")));
    }
    let original = doc.to_html();
    std::fs::write(dir.file(), &original).expect("write");
    let out = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 4 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_margay"))
        .args([
            "bookmarks",
            "--bookmarks",
            dir.file().to_str().expect("UTF-8"),
            "add",
            "http://127.0.0.1/new",
        ])
        .env("XDG_CONFIG_HOME", dir.0.join("config"))
        .output()
        .expect("run margay under ulimit");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot save the bookmarks"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.file()).expect("read"), original);
    assert!(dir.strays().is_empty(), "{:?}", dir.strays());
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_stays_a_link() {
    let dir = TempDir::new("symlink");
    let real = dir.0.join("dotfiles");
    std::fs::create_dir_all(&real).expect("mkdir");
    std::os::unix::fs::symlink(real.join("bookmarks.html"), dir.file()).expect("symlink");
    let mut store = BookmarkStore::open(dir.file()).expect("open");
    store.add(NO_FOLDER, bm("http://127.0.0.1/a")).expect("add");
    store.add(NO_FOLDER, bm("http://127.0.0.1/b")).expect("add");
    assert!(std::fs::symlink_metadata(dir.file()).expect("lstat").file_type().is_symlink());
    assert_eq!(read(&real.join("bookmarks.html")).len(), 2);
}

#[test]
fn export_into_a_pipe_or_a_file_is_the_bookmark_file_byte_for_byte() {
    let dir = TempDir::new("export-bytes");
    let mut store = BookmarkStore::open(dir.file()).expect("open");
    // Titles a terminal would act on: on a pipe or in a file they stay exactly as they are.
    let hostile = "T\x1b]52;c;cHduZWQ=\x07\x1b]0;x\x07\x1b[2J\u{202E}gpj.exe\r";
    store.add(&["F\x1b[31m"], Bookmark::new("http://127.0.0.1/a", hostile)).expect("add");
    let on_disk = std::fs::read(dir.file()).expect("read");
    let file = dir.file();
    let file = file.to_str().unwrap();
    let piped = margay(&dir.0, &["bookmarks", "--bookmarks", file, "export"]);
    assert!(piped.status.success(), "{}", String::from_utf8_lossy(&piped.stderr));
    assert_eq!(piped.stdout, on_disk);
    let exported = dir.0.join("exported.html");
    let written = margay(&dir.0, &["bookmarks", "--bookmarks", file, "export", exported.to_str().unwrap()]);
    assert!(written.status.success());
    assert_eq!(std::fs::read(&exported).expect("read the export"), on_disk);
}

#[test]
fn temp_files_a_killed_margay_left_never_block_a_save_and_are_removed() {
    let dir = TempDir::new("leftovers");
    let mut store = BookmarkStore::open(dir.file()).expect("open");
    store.add(NO_FOLDER, bm("http://127.0.0.1/first")).expect("add");
    // What a margay killed while saving left, under the names a later process with the same
    // process id would use (this shell's id, which `exec` hands to margay), for the file and
    // for its backup; and files that only look alike, which must stay.
    let d = dir.0.display();
    let script = format!(
        "for n in 0 1 2 3; do touch '{d}/.bookmarks.html.'$$.$n.tmp '{d}/.bookmarks.html.bak.'$$.$n.tmp; done; \
         mkdir '{d}/.bookmarks.html.dir.tmp'; touch '{d}/.bookmarks.html.tmp.keep' '{d}/.other.html.1.tmp'; \
         exec '{}' bookmarks --bookmarks '{d}/bookmarks.html' add http://127.0.0.1/second",
        env!("CARGO_BIN_EXE_margay")
    );
    let out = Command::new("sh").args(["-c", &script]).env("HOME", &dir.0).output().expect("run sh");
    assert!(out.status.success(), "the save failed: {}", String::from_utf8_lossy(&out.stderr));
    let urls: Vec<String> = read(&dir.file()).entries().iter().map(|e| e.bookmark.url.clone()).collect();
    assert_eq!(urls, ["http://127.0.0.1/first", "http://127.0.0.1/second"]);
    assert_eq!(dir.strays(), [".bookmarks.html.dir.tmp", ".bookmarks.html.tmp.keep", ".other.html.1.tmp"]);
}

#[test]
fn a_closed_pipe_ends_a_listing_quietly() {
    let dir = TempDir::new("closed-pipe");
    let mut store = BookmarkStore::open(dir.file()).expect("open");
    store.add(NO_FOLDER, bm("http://127.0.0.1/a")).expect("add");
    let file = dir.file();
    for command in ["list", "export"] {
        // The reading end is closed before margay writes a byte (as `| head -0` would).
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_margay"))
            .args(["bookmarks", "--bookmarks", file.to_str().unwrap(), command])
            .env("HOME", &dir.0)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("run margay");
        assert!(out.status.success(), "{command}: {:?}", out.status);
        assert!(out.stderr.is_empty(), "{command}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
