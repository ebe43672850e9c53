//! Files that are not what they should be: a settings, keymap, bookmark or cookie file that
//! is a directory, a FIFO, corrupted or not UTF-8; a data or cache directory that cannot be
//! written. Each gives a clear message and the defaults, never a hang or a crash, and
//! nothing already on disk is lost. (Tests run as root here, so "unreadable" is made of
//! directories, FIFOs and files where directories should be, not of permission bits.)

use margay::store::bookmarks::{Bookmark, BookmarkStore};
use margay::store::config::Config;
use margay::ui::Keymap;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("margay-hostile-files-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

/// Run `f` on a thread and fail (instead of hanging) if it takes longer than `limit`.
fn within<T: Send + 'static>(limit: Duration, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).unwrap_or_else(|_| panic!("{what} hangs"))
}

#[test]
fn a_bad_settings_file_gives_a_message_and_the_defaults() {
    let dir = scratch("config");
    type Make = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Make, &str)> = vec![
        ("a directory", Box::new(|p: &Path| std::fs::create_dir(p).unwrap()), ""),
        (
            "not UTF-8",
            Box::new(|p: &Path| std::fs::write(p, b"[network]\nbody_cap_mb = \xff\xfe\n").unwrap()),
            "",
        ),
        (
            "corrupted",
            Box::new(|p: &Path| std::fs::write(p, "[network\nbody_cap_mb = 5\n").unwrap()),
            "line 1",
        ),
        (
            "a wrong type",
            Box::new(|p: &Path| std::fs::write(p, "[network]\nbody_cap_mb = \"lots\"\n").unwrap()),
            "line 2",
        ),
        (
            "negative",
            Box::new(|p: &Path| std::fs::write(p, "[network]\nread_timeout_secs = -1\n").unwrap()),
            "line 2",
        ),
        ("unknown key", Box::new(|p: &Path| std::fs::write(p, "[netwrok]\n").unwrap()), "line 1"),
        ("binary", Box::new(|p: &Path| std::fs::write(p, [0u8, 159, 146, 150, 0, 1, 2]).unwrap()), ""),
        ("a FIFO", Box::new(|p: &Path| fifo(p)), ""),
    ];
    for (i, (what, make, line)) in cases.into_iter().enumerate() {
        let path = dir.join(format!("config-{i}.toml"));
        make(&path);
        let shown = path.clone();
        let (config, warning) = within(Duration::from_secs(5), what, move || Config::load(Some(&shown)));
        assert_eq!(config, Config::default(), "{what}");
        let warning = warning.unwrap_or_else(|| panic!("{what}: no message"));
        assert!(warning.contains(&path.display().to_string()) && warning.contains(line), "{what}: {warning}");
        assert!(warning.contains("default"), "{what}: {warning}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn extreme_settings_are_clamped_not_obeyed() {
    let dir = scratch("extreme");
    let path = dir.join("config.toml");
    // Zero would make every page empty or every request fail: a mistake, said with its line.
    std::fs::write(&path, "[network]\nread_timeout_secs = 5\nbody_cap_mb = 0\n").unwrap();
    let (_, warning) = Config::load(Some(&path));
    let warning = warning.expect("a message");
    assert!(
        warning.contains("line 3")
            && warning.contains("body_cap_mb must be a whole number of megabytes, 1 or more"),
        "{warning}"
    );
    let (config, warning) = {
        std::fs::write(
            &path,
            "[network]\nbody_cap_mb = 18446744073709551615\nconnect_timeout_secs = 1\nread_timeout_secs = 1\ntotal_timeout_secs = 18446744073709551615\n",
        )
        .unwrap();
        Config::load(Some(&path))
    };
    assert!(warning.is_none(), "{warning:?}");
    let net = margay::net::NetConfig::from_settings(&config.network);
    assert!(net.body_cap > 0 && net.connect_timeout >= Duration::from_secs(1));
    assert!(net.response_timeout >= Duration::from_secs(1));
    // A client can be made from them.
    let _ = margay::net::Client::new(net);
}

#[test]
fn a_bad_keymap_file_gives_a_message_naming_its_line() {
    for (text, expect) in [
        ("back = [\"Left\"]\nfly = [\"x\"]\n", "line 2"),
        ("back = \"Left\"\n", "line 1"),
        ("[[[", "line 1"),
        ("back = [\"Ctrl-Ctrl-Ctrl\"]\n", "line 1"),
        ("back = [\"\u{1b}]0;x\u{7}\"]\n", "line 1"),
        ("back = [\"q\"]\n", "q"),
    ] {
        match Keymap::with_overrides(text, "keymap.toml") {
            Ok(_) => panic!("{text:?} was accepted"),
            Err(e) => assert!(e.to_string().contains(expect), "{text:?}: {e}"),
        }
    }
}

#[test]
fn a_bad_bookmark_file_opens_read_only_or_fails_clearly_and_is_never_overwritten() {
    let dir = scratch("bookmarks");
    // A directory where the file should be.
    let as_dir = dir.join("dir.html");
    std::fs::create_dir(&as_dir).unwrap();
    let opened =
        within(Duration::from_secs(5), "a directory", move || BookmarkStore::open(as_dir).map(|_| ()));
    assert!(opened.is_err(), "a directory opened as a bookmark file");
    // Not UTF-8, and binary junk: read-only (or an error), and the bytes stay as they were.
    for (name, bytes) in [
        ("latin1.html", &b"<DL><DT><A HREF=\"http://a/\">caf\xe9</A>\n</DL>"[..]),
        ("junk.html", &[0u8, 1, 2, 0xff, b'<', 0][..]),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        if let Ok(mut store) = BookmarkStore::open(&path) {
            if store.read_only().is_some() {
                assert!(store.add(&[] as &[&str], Bookmark::new("http://new.example/", "new")).is_err());
            }
        }
        if std::fs::read(&path).unwrap() != bytes {
            // Written only when it could be parsed: then it still holds what it had.
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains("http://a/"), "{name} lost its content:\n{text}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bookmark_file_that_is_a_fifo_does_not_hang() {
    let dir = scratch("fifo");
    let path = dir.join("bookmarks.html");
    fifo(&path);
    let opened =
        within(Duration::from_secs(5), "a FIFO bookmark file", move || BookmarkStore::open(path).map(|_| ()));
    assert!(opened.unwrap_err().to_string().contains("not a regular file"));
    // Nor a cookie file.
    let cookies = dir.join("cookies.json");
    fifo(&cookies);
    let (_, warning) = within(Duration::from_secs(5), "a FIFO cookie file", move || {
        margay::net::cookies::CookieJar::new(Some(cookies))
    });
    assert!(warning.is_some_and(|w| w.contains("not a regular file")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_data_directory_that_cannot_be_written_gives_an_error_not_a_crash() {
    let dir = scratch("unwritable");
    // A file where the data directory should be: nothing can be created inside it.
    let not_a_dir = dir.join("data");
    std::fs::write(&not_a_dir, b"I am a file").unwrap();
    let path = not_a_dir.join("margay").join("bookmarks.html");
    let error = match BookmarkStore::open(&path) {
        Err(e) => e.to_string(),
        Ok(mut store) => store
            .add(&[] as &[&str], Bookmark::new("http://example.com/", "Example"))
            .expect_err("saving into a file cannot succeed")
            .to_string(),
    };
    assert!(error.contains("bookmarks.html") && error.contains("not a folder"), "{error}");
    assert_eq!(std::fs::read(&not_a_dir).unwrap(), b"I am a file");

    // The HTTP cache and the cookie jar only lose their disk copy.
    let mut cache = margay::net::cache::Cache::new(Some(not_a_dir.join("http")), 1 << 20, 1 << 20);
    let url = url::Url::parse("http://example.com/").unwrap();
    let _ = cache.store(&url, 200, &[("etag".into(), "\"x\"".into())], b"body");
    let (jar, warning) = margay::net::cookies::CookieJar::new(Some(not_a_dir.join("cookies.json")));
    let _ = (jar, warning);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn local_files_that_never_end_or_block_are_capped_or_refused() {
    let dir = scratch("local");
    // A sparse 1 GB file: read up to the cap, and the cap is shown.
    let big = dir.join("big.txt");
    std::fs::File::create(&big).unwrap().set_len(1 << 30).unwrap();
    let pipe = dir.join("pipe");
    fifo(&pipe);
    let config = margay::net::NetConfig { body_cap: 1 << 20, ..margay::net::NetConfig::default() };
    let client = margay::net::Client::new(config);
    let fetch = move |path: &Path| {
        let url = url::Url::from_file_path(path).unwrap();
        let client = client.clone();
        within(Duration::from_secs(10), &path.display().to_string(), move || {
            client.fetch(&margay::net::FetchRequest::get(url), &mut |_, _| true)
        })
    };
    let response = fetch(&big).expect("a capped read");
    assert!(response.truncated && response.body.len() == 1 << 20);
    for refused in [pipe.as_path(), Path::new("/dev/zero"), Path::new("/dev/null")] {
        match fetch(refused) {
            Err(e) => {
                assert!(format!("{e:?}").contains("not a regular file"), "{}: {e:?}", refused.display())
            }
            Ok(r) => panic!("{} was read: {} bytes", refused.display(), r.body.len()),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
