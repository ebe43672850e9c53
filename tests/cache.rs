//! The validator cache: memory and disk, validators, no-store, 304 merge, eviction, and
//! disk trouble that must never cost the page.

use margay::net::cache::{Cache, CachedEntry, SkipReason, StoreOutcome};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use url::Url;

const MB: u64 = 1024 * 1024;

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let path =
            std::env::temp_dir().join(format!("margay-cache-{name}-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn entry_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "entry"))
            .collect();
        files.sort();
        files
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
}

fn page_headers() -> Vec<(String, String)> {
    h(&[
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "11"),
        ("Date", "Mon, 01 Jan 2024 10:00:00 GMT"),
        ("ETag", "\"v1\""),
        ("Last-Modified", "Sun, 31 Dec 2023 09:00:00 GMT"),
    ])
}

fn memory_cache() -> Cache {
    Cache::new(None, 100 * MB, 32 * MB)
}

#[test]
fn store_and_get_in_memory() {
    let mut cache = memory_cache();
    let u = url("http://example.org/page#top");
    let outcome = cache.store(&u, 200, &page_headers(), b"hello world").unwrap();
    assert_eq!(outcome, StoreOutcome::Stored);

    // The fragment is not part of the key.
    let entry = cache.get(&url("http://example.org/page#elsewhere")).expect("cached");
    assert_eq!(entry.url.as_str(), "http://example.org/page");
    assert_eq!(entry.status, 200);
    assert_eq!(entry.body, b"hello world");
    assert_eq!(entry.etag(), Some("\"v1\""));
    assert_eq!(entry.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(cache.get(&url("http://example.org/other")).is_none());
    assert!(cache.get(&url("http://example.org/page?q=1")).is_none());
}

#[test]
fn only_200_and_203_with_validators_are_stored() {
    let mut cache = memory_cache();
    let u = url("http://example.org/");
    assert_eq!(
        cache.store(&u, 404, &page_headers(), b"gone").unwrap(),
        StoreOutcome::Skipped(SkipReason::Status)
    );
    let plain = h(&[("Content-Type", "text/plain")]);
    assert_eq!(cache.store(&u, 200, &plain, b"x").unwrap(), StoreOutcome::Skipped(SkipReason::NoValidator));
    assert!(cache.get(&u).is_none());
    assert_eq!(cache.store(&u, 203, &page_headers(), b"partial").unwrap(), StoreOutcome::Stored);
    assert_eq!(cache.get(&u).unwrap().status, 203);
    let file = url("file:///tmp/x.html");
    assert_eq!(
        cache.store(&file, 200, &page_headers(), b"x").unwrap(),
        StoreOutcome::Skipped(SkipReason::Scheme)
    );
}

#[test]
fn oversized_body_is_not_stored() {
    let mut cache = memory_cache();
    let u = url("http://example.org/big");
    let body = vec![b'a'; margay::net::cache::ENTRY_BODY_CAP + 1];
    assert_eq!(
        cache.store(&u, 200, &page_headers(), &body).unwrap(),
        StoreOutcome::Skipped(SkipReason::TooLarge)
    );
    assert!(cache.get(&u).is_none());
}

#[test]
fn entries_persist_across_instances() {
    let dir = TempDir::new("persist");
    let u = url("https://example.org/a/b?c=d");
    {
        let mut cache = Cache::new(Some(dir.0.clone()), 100 * MB, 32 * MB);
        cache.store(&u, 200, &page_headers(), b"hello world").unwrap();
    }
    assert_eq!(dir.entry_files().len(), 1);
    let mut cache = Cache::new(Some(dir.0.clone()), 100 * MB, 32 * MB);
    let entry = cache.get(&u).expect("read back from disk");
    assert_eq!(entry.body, b"hello world");
    assert_eq!(entry.status, 200);
    assert_eq!(entry.headers, page_headers());
    // No temp files are left behind.
    assert_eq!(std::fs::read_dir(&dir.0).unwrap().count(), 1);

    cache.remove(&u);
    assert!(cache.get(&u).is_none());
    assert!(dir.entry_files().is_empty());
}

#[test]
fn stored_at_round_trips_through_disk() {
    let dir = TempDir::new("stored-at");
    let u = url("http://example.org/");
    let stored_at = {
        let mut cache = Cache::new(Some(dir.0.clone()), 100 * MB, 32 * MB);
        cache.store(&u, 200, &page_headers(), b"x").unwrap();
        cache.get(&u).unwrap().stored_at
    };
    let mut cache = Cache::new(Some(dir.0.clone()), 100 * MB, 32 * MB);
    assert_eq!(cache.get(&u).unwrap().stored_at, stored_at);
}

#[test]
fn conditional_headers_from_validators() {
    let entry = |headers: Vec<(String, String)>| CachedEntry {
        url: url("http://example.org/"),
        status: 200,
        headers,
        body: Vec::new(),
        stored_at: std::time::SystemTime::now(),
    };
    assert_eq!(
        Cache::conditional_headers(&entry(page_headers())),
        h(&[("If-None-Match", "\"v1\""), ("If-Modified-Since", "Sun, 31 Dec 2023 09:00:00 GMT")])
    );
    assert_eq!(
        Cache::conditional_headers(&entry(h(&[("etag", "W/\"x\"")]))),
        h(&[("If-None-Match", "W/\"x\"")])
    );
    assert_eq!(
        Cache::conditional_headers(&entry(h(&[("Last-Modified", "Sun, 31 Dec 2023 09:00:00 GMT")]))),
        h(&[("If-Modified-Since", "Sun, 31 Dec 2023 09:00:00 GMT")])
    );
    // A Last-Modified that is not an HTTP-date is no validator.
    assert!(Cache::conditional_headers(&entry(h(&[("Last-Modified", "yesterday")]))).is_empty());
}

#[test]
fn no_store_is_not_stored_and_removes_an_existing_entry() {
    let dir = TempDir::new("no-store");
    let mut cache = Cache::new(Some(dir.0.clone()), 100 * MB, 32 * MB);
    let u = url("http://example.org/account");
    let mut headers = page_headers();
    headers.push(("Cache-Control".into(), "private, No-Store".into()));
    assert_eq!(
        cache.store(&u, 200, &headers, b"secret").unwrap(),
        StoreOutcome::Skipped(SkipReason::NoStore)
    );
    assert!(cache.get(&u).is_none());
    assert!(dir.entry_files().is_empty());

    // private alone is fine for a browser cache.
    let mut private = page_headers();
    private.push(("Cache-Control".into(), "private, max-age=0".into()));
    assert_eq!(cache.store(&u, 200, &private, b"mine").unwrap(), StoreOutcome::Stored);
    assert_eq!(dir.entry_files().len(), 1);

    // A later response with no-store (any status) removes it, in memory and on disk.
    let later = h(&[("Cache-Control", "no-store")]);
    assert_eq!(cache.store(&u, 200, &later, b"new").unwrap(), StoreOutcome::Skipped(SkipReason::NoStore));
    assert!(cache.get(&u).is_none());
    assert!(dir.entry_files().is_empty());
}

#[test]
fn a_304_merge_replaces_date_and_etag_but_keeps_body_and_type() {
    let dir = TempDir::new("merge");
    let u = url("http://example.org/page");
    let mut cache = Cache::new(Some(dir.0.clone()), 100 * MB, 32 * MB);
    cache.store(&u, 200, &page_headers(), b"hello world").unwrap();
    let mut entry = cache.get(&u).unwrap();
    let before = entry.stored_at;

    let not_modified = h(&[
        ("Date", "Tue, 02 Jan 2024 12:00:00 GMT"),
        ("ETag", "\"v2\""),
        ("Cache-Control", "max-age=60"),
        ("Content-Type", "application/octet-stream"),
        ("Content-Length", "0"),
        ("Connection", "close"),
        ("Set-Cookie", "id=1"),
    ]);
    Cache::merge_not_modified(&mut entry, &not_modified);
    assert_eq!(entry.header("date"), Some("Tue, 02 Jan 2024 12:00:00 GMT"));
    assert_eq!(entry.etag(), Some("\"v2\""));
    assert_eq!(entry.header("cache-control"), Some("max-age=60"));
    assert_eq!(entry.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(entry.header("content-length"), Some("11"));
    assert_eq!(entry.last_modified(), Some("Sun, 31 Dec 2023 09:00:00 GMT"));
    assert_eq!(entry.header("connection"), None);
    assert_eq!(entry.header("set-cookie"), None);
    assert_eq!(entry.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("date")).count(), 1);
    assert_eq!(entry.body, b"hello world");
    assert!(entry.stored_at >= before);

    assert_eq!(cache.store_entry(entry.clone()).unwrap(), StoreOutcome::Stored);
    let mut fresh = Cache::new(Some(dir.0.clone()), 100 * MB, 32 * MB);
    let reread = fresh.get(&u).unwrap();
    assert_eq!(reread.etag(), Some("\"v2\""));
    assert_eq!(reread.body, b"hello world");
    assert_eq!(
        Cache::conditional_headers(&reread),
        h(&[("If-None-Match", "\"v2\""), ("If-Modified-Since", "Sun, 31 Dec 2023 09:00:00 GMT")])
    );
}

#[test]
fn a_304_with_no_store_drops_the_entry() {
    let mut cache = memory_cache();
    let u = url("http://example.org/page");
    cache.store(&u, 200, &page_headers(), b"hello world").unwrap();
    let mut entry = cache.get(&u).unwrap();
    Cache::merge_not_modified(&mut entry, &h(&[("Cache-Control", "no-store")]));
    assert_eq!(cache.store_entry(entry).unwrap(), StoreOutcome::Skipped(SkipReason::NoStore));
    assert!(cache.get(&u).is_none());
}

#[test]
fn disk_cap_evicts_least_recently_used_first() {
    let dir = TempDir::new("evict");
    let body = vec![b'x'; 10_000];
    // Each file is the body plus a head of a few hundred bytes: three fit, four do not.
    let cap = 35_000;
    let [a, b, c, d] = ["a", "b", "c", "d"].map(|p| url(&format!("http://example.org/{p}")));
    let mut cache = Cache::new(Some(dir.0.clone()), cap, 32 * MB);
    for u in [&a, &b, &c] {
        cache.store(u, 200, &page_headers(), &body).unwrap();
    }
    assert_eq!(dir.entry_files().len(), 3);
    assert!(cache.get(&a).is_some()); // a is now more recent than b and c
    cache.store(&d, 200, &page_headers(), &body).unwrap();
    assert_eq!(dir.entry_files().len(), 3);

    let mut fresh = Cache::new(Some(dir.0.clone()), cap, 32 * MB);
    assert!(fresh.get(&b).is_none(), "the least recently used entry goes first");
    for u in [&a, &c, &d] {
        assert!(fresh.get(u).is_some(), "{u} kept");
    }
}

#[test]
fn memory_cap_evicts_least_recently_used_first() {
    let body = vec![b'x'; 1000];
    let [a, b, c] = ["a", "b", "c"].map(|p| url(&format!("http://example.org/{p}")));
    let mut cache = Cache::new(None, 100 * MB, 2 * 1400);
    cache.store(&a, 200, &page_headers(), &body).unwrap();
    cache.store(&b, 200, &page_headers(), &body).unwrap();
    assert!(cache.get(&a).is_some());
    cache.store(&c, 200, &page_headers(), &body).unwrap();
    assert!(cache.get(&b).is_none());
    assert!(cache.get(&a).is_some());
    assert!(cache.get(&c).is_some());
}

#[test]
fn a_corrupted_disk_file_is_ignored_and_removed() {
    let dir = TempDir::new("corrupt");
    let [a, b] = ["a", "b"].map(|p| url(&format!("http://example.org/{p}")));
    {
        let mut cache = Cache::new(Some(dir.0.clone()), 100 * MB, 32 * MB);
        cache.store(&a, 200, &page_headers(), b"hello world").unwrap();
        cache.store(&b, 200, &page_headers(), b"hello world").unwrap();
    }
    let files = dir.entry_files();
    assert_eq!(files.len(), 2);
    // One file is garbage, the other torn (its body cut short).
    std::fs::write(&files[0], b"\x00\xffnot a cache file\n\n").unwrap();
    let whole = std::fs::read(&files[1]).unwrap();
    std::fs::write(&files[1], &whole[..whole.len() - 3]).unwrap();

    let mut cache = Cache::new(Some(dir.0.clone()), 100 * MB, 32 * MB);
    assert!(cache.get(&a).is_none());
    assert!(cache.get(&b).is_none());
    assert!(dir.entry_files().is_empty(), "corrupted files are removed");

    // The cache still works afterwards.
    cache.store(&a, 200, &page_headers(), b"again").unwrap();
    assert_eq!(Cache::new(Some(dir.0.clone()), 100 * MB, 32 * MB).get(&a).unwrap().body, b"again");
}

#[test]
fn an_unwritable_dir_still_caches_in_memory() {
    let dir = TempDir::new("unwritable");
    let file = dir.0.join("a-file");
    std::fs::write(&file, b"not a directory").unwrap();
    let mut cache = Cache::new(Some(file.join("cache")), 100 * MB, 32 * MB);
    let u = url("http://example.org/");
    let result = cache.store(&u, 200, &page_headers(), b"hello world");
    assert!(result.is_err(), "the disk failure is reported");
    assert!(!result.unwrap_err().to_string().is_empty());
    assert_eq!(cache.get(&u).unwrap().body, b"hello world");
}

#[test]
fn clear_forgets_everything() {
    let dir = TempDir::new("clear");
    let mut cache = Cache::new(Some(dir.0.clone()), 100 * MB, 32 * MB);
    let [a, b] = ["a", "b"].map(|p| url(&format!("http://example.org/{p}")));
    cache.store(&a, 200, &page_headers(), b"1").unwrap();
    cache.store(&b, 200, &page_headers(), b"2").unwrap();
    std::fs::write(dir.0.join("not-ours.txt"), b"keep me").unwrap();
    cache.clear();
    assert!(cache.get(&a).is_none());
    assert!(cache.get(&b).is_none());
    assert!(dir.entry_files().is_empty());
    assert!(dir.0.join("not-ours.txt").exists(), "files the cache did not write are left alone");
}
