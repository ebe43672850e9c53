//! The validator cache: responses to GET kept with their validators (ETag, Last-Modified) so
//! that a revisit or reload can ask "has it changed?" (If-None-Match / If-Modified-Since) and
//! show the stored copy on a 304 (RFC 9111 §4.3).
//!
//! Entries live in memory (LRU, capped) and, when a directory is given, on disk (one file per
//! URL, LRU by last use, capped). margay always revalidates, so freshness (max-age, Expires)
//! is never computed here: an entry is worth keeping only when it carries a validator.
//!
//! This module must never fail a page load: disk trouble leaves the memory entry in place and
//! is reported as an error the caller may log; a disk file that cannot be read or parsed is
//! dropped, never a panic. It touches only files it named itself in the directory it is given.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use url::Url;

/// Default cap for the on-disk part: 100 MB.
pub const DEFAULT_DISK_CAP: u64 = 100 * 1024 * 1024;
/// Default cap for the in-memory part: 32 MB.
pub const DEFAULT_MEMORY_CAP: u64 = 32 * 1024 * 1024;
/// Bodies larger than this are never cached: 10 MB.
pub const ENTRY_BODY_CAP: usize = 10 * 1024 * 1024;

/// A disk file larger than this is not ours to read (body cap plus room for the head).
const MAX_FILE: u64 = ENTRY_BODY_CAP as u64 + 1024 * 1024;
const MAGIC: &str = "margay-cache 1";
const ENTRY_EXT: &str = ".entry";
const TMP_EXT: &str = ".tmp";
/// Temp files left by a crashed writer are removed when older than this.
const STALE_TMP: Duration = Duration::from_secs(600);

/// Header fields never stored: hop-by-hop fields (RFC 9110 §7.6.1) and cookies (a replayed
/// `Set-Cookie` from a cache is wrong, and cookies do not belong in a cache directory).
const NOT_STORED: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "proxy-authenticate",
    "proxy-authentication-info",
    "set-cookie",
];

/// Header fields a 304 must not update: they describe the stored body (RFC 9111 §3.2 and
/// §4.3.4; the body is stored decoded, so its coding and type stay as they were received).
const DESCRIBE_BODY: &[&str] =
    &["content-length", "content-encoding", "content-type", "content-range", "transfer-encoding"];

/// A stored response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedEntry {
    /// The URL without fragment (the cache key).
    pub url: Url,
    /// 200 or 203.
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When the response was stored or last revalidated.
    pub stored_at: SystemTime,
}

impl CachedEntry {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The ETag validator, if any.
    pub fn etag(&self) -> Option<&str> {
        self.header("etag").map(str::trim).filter(|v| !v.is_empty())
    }

    /// The Last-Modified validator, if any and a valid HTTP-date.
    pub fn last_modified(&self) -> Option<&str> {
        self.header("last-modified").map(str::trim).filter(|v| httpdate::parse_http_date(v).is_ok())
    }

    /// Memory the entry takes, roughly.
    fn size(&self) -> u64 {
        let headers: usize = self.headers.iter().map(|(n, v)| n.len() + v.len() + 4).sum();
        (self.body.len() + headers + self.url.as_str().len() + 64) as u64
    }
}

/// What the cache did for one response, for the network log. margay always revalidates, so
/// no answer is ever taken from the cache unasked ("fresh"): a cached page costs a 304.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    /// The server answered 304 and the stored copy was shown.
    Revalidated,
    /// Not in the cache (or changed): fetched and kept with its validators.
    Stored,
    /// Fetched and not kept, for this reason (`no-store` among them).
    NotStored(SkipReason),
    /// The cache had no part: not a GET, no cache, a body cut at the size limit.
    Bypassed,
}

impl std::fmt::Display for CacheOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheOutcome::Revalidated => f.write_str("revalidated: the cached copy was used"),
            CacheOutcome::Stored => f.write_str("miss, stored"),
            CacheOutcome::NotStored(SkipReason::NoStore) => f.write_str("no-store, not kept"),
            CacheOutcome::NotStored(reason) => write!(f, "miss, not stored: {reason}"),
            CacheOutcome::Bypassed => f.write_str("not cached"),
        }
    }
}

/// What `store` did with a response that raised no error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreOutcome {
    Stored,
    Skipped(SkipReason),
}

/// Why a response was not cached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// Not an http(s) URL.
    Scheme,
    /// Only 200 and 203 are cached.
    Status,
    /// `Cache-Control: no-store` (any stored copy was removed).
    NoStore,
    /// Neither ETag nor Last-Modified: nothing to revalidate with.
    NoValidator,
    /// `Vary: *`: the response cannot be reused.
    VaryAll,
    /// The body is larger than [`ENTRY_BODY_CAP`] or than both caps.
    TooLarge,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SkipReason::Scheme => "not an http address",
            SkipReason::Status => "status not cacheable",
            SkipReason::NoStore => "no-store",
            SkipReason::NoValidator => "no validator (ETag, Last-Modified)",
            SkipReason::VaryAll => "Vary: *",
            SkipReason::TooLarge => "too large",
        })
    }
}

/// A disk operation failed; the memory part of the cache is unaffected.
#[derive(Debug, thiserror::Error)]
#[error("cache {}: {source}", path.display())]
pub struct CacheError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

struct MemSlot {
    entry: CachedEntry,
    size: u64,
    tick: u64,
}

/// What the cache knows of one of its disk files; LRU order is (last_used, tick).
struct DiskSlot {
    size: u64,
    last_used: SystemTime,
    tick: u64,
}

/// The validator cache. Call `store` for GET responses only (and after any other method,
/// `remove` the URL: RFC 9111 §4.4); never store a truncated body.
pub struct Cache {
    dir: Option<PathBuf>,
    disk_cap: u64,
    memory_cap: u64,
    memory: HashMap<String, MemSlot>,
    memory_total: u64,
    /// Disk files by file name.
    disk: HashMap<String, DiskSlot>,
    disk_total: u64,
    tick: u64,
}

impl Cache {
    /// A cache with an optional directory dedicated to it (e.g. `<XDG cache>/margay/http`).
    /// The directory is created when first written; if it cannot be, the cache is memory-only.
    pub fn new(dir: Option<PathBuf>, disk_cap: u64, memory_cap: u64) -> Cache {
        let mut cache = Cache {
            dir,
            disk_cap,
            memory_cap,
            memory: HashMap::new(),
            memory_total: 0,
            disk: HashMap::new(),
            disk_total: 0,
            tick: 0,
        };
        cache.rescan(true);
        cache.evict_disk();
        cache
    }

    /// The stored response for `url` (fragment ignored): memory first, then disk.
    pub fn get(&mut self, url: &Url) -> Option<CachedEntry> {
        let key = cache_key(url)?;
        let tick = self.next_tick();
        if let Some(slot) = self.memory.get_mut(&key) {
            slot.tick = tick;
            let entry = slot.entry.clone();
            self.touch_disk(&key, tick);
            return Some(entry);
        }
        let name = file_name(&key);
        let path = self.dir.as_ref()?.join(&name);
        let size = fs::metadata(&path).ok()?.len();
        let entry = (size <= MAX_FILE).then(|| fs::read(&path).ok()).flatten();
        let Some(entry) = entry.as_deref().and_then(parse_entry) else {
            self.remove_file(&name);
            return None;
        };
        if entry.url.as_str() != key {
            return None; // another URL with the same hash; leave its file alone
        }
        // Another instance may have written it since the last scan.
        let slot = DiskSlot { size, last_used: SystemTime::now(), tick };
        if let Some(old) = self.disk.insert(name, slot) {
            self.disk_total -= old.size;
        }
        self.disk_total += size;
        self.touch_disk(&key, tick);
        self.insert_memory(key, entry.clone(), tick);
        Some(entry)
    }

    /// The request headers that revalidate `entry`: If-None-Match from its ETag and
    /// If-Modified-Since from its Last-Modified (both when both exist).
    pub fn conditional_headers(entry: &CachedEntry) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(etag) = entry.etag() {
            out.push(("If-None-Match".to_string(), etag.to_string()));
        }
        if let Some(date) = entry.last_modified() {
            out.push(("If-Modified-Since".to_string(), date.to_string()));
        }
        out
    }

    /// Store a response to GET `url`. `Cache-Control: no-store` removes any stored copy, as
    /// does a 200/203 that cannot be kept. `Err` means the disk write failed and the entry is
    /// kept in memory only; it must never fail the page load.
    pub fn store(
        &mut self,
        url: &Url,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<StoreOutcome, CacheError> {
        if has_no_store(headers) {
            self.remove(url);
            return Ok(StoreOutcome::Skipped(SkipReason::NoStore));
        }
        if !matches!(status, 200 | 203) {
            return Ok(StoreOutcome::Skipped(SkipReason::Status));
        }
        let entry = CachedEntry {
            url: url.clone(),
            status,
            headers: headers.to_vec(),
            body: body.to_vec(),
            stored_at: SystemTime::now(),
        };
        self.store_entry(entry)
    }

    /// Store (or refresh, after `merge_not_modified`) an entry, under the rules of `store`.
    pub fn store_entry(&mut self, mut entry: CachedEntry) -> Result<StoreOutcome, CacheError> {
        let Some(key) = cache_key(&entry.url) else {
            return Ok(StoreOutcome::Skipped(SkipReason::Scheme));
        };
        entry.url.set_fragment(None);
        entry.headers = storable_headers(&entry.headers);
        let skip = if has_no_store(&entry.headers) {
            Some(SkipReason::NoStore)
        } else if !matches!(entry.status, 200 | 203) {
            Some(SkipReason::Status)
        } else if all_values(&entry.headers, "vary").any(|v| v == "*") {
            Some(SkipReason::VaryAll)
        } else if entry.etag().is_none() && entry.last_modified().is_none() {
            Some(SkipReason::NoValidator)
        } else if entry.body.len() > ENTRY_BODY_CAP {
            Some(SkipReason::TooLarge)
        } else {
            None
        };
        if let Some(reason) = skip {
            // The response supersedes whatever was stored for this URL.
            self.remove(&entry.url);
            return Ok(StoreOutcome::Skipped(reason));
        }
        let tick = self.next_tick();
        let bytes = encode_entry(&entry);
        let fits_memory = entry.size() <= self.memory_cap;
        if fits_memory {
            self.insert_memory(key.clone(), entry, tick);
        } else {
            self.remove_memory(&key);
        }
        let Some(dir) = self.dir.clone() else {
            let outcome = if fits_memory { StoreOutcome::Stored } else { SkipReason::TooLarge.into() };
            return Ok(outcome);
        };
        let name = file_name(&key);
        if bytes.len() as u64 > self.disk_cap {
            self.remove_file(&name);
            return Ok(if fits_memory { StoreOutcome::Stored } else { SkipReason::TooLarge.into() });
        }
        if let Err(err) = write_atomic(&dir, &name, &bytes) {
            self.remove_file(&name); // an older copy must not outlive the failed update
            return Err(err);
        }
        let old =
            self.disk.insert(name, DiskSlot { size: bytes.len() as u64, last_used: SystemTime::now(), tick });
        self.disk_total = self.disk_total + bytes.len() as u64 - old.map_or(0, |o| o.size);
        if self.disk_total > self.disk_cap {
            self.rescan(false);
            self.evict_disk();
        }
        Ok(StoreOutcome::Stored)
    }

    /// Apply a 304's headers to `entry` (RFC 9111 §3.2, §4.3.4): each header in the 304
    /// replaces the stored ones of the same name, except those that describe the body
    /// (Content-Length, Content-Type, Content-Encoding …) and hop-by-hop fields. The body is
    /// kept and `stored_at` is reset. Call `store_entry` afterwards to refresh the stored copy.
    pub fn merge_not_modified(entry: &mut CachedEntry, new_headers: &[(String, String)]) {
        let updates: Vec<(String, String)> = storable_headers(new_headers)
            .into_iter()
            .filter(|(n, _)| !DESCRIBE_BODY.iter().any(|d| n.eq_ignore_ascii_case(d)))
            .collect();
        entry.headers.retain(|(n, _)| !updates.iter().any(|(u, _)| u.eq_ignore_ascii_case(n)));
        entry.headers.extend(updates);
        entry.stored_at = SystemTime::now();
    }

    /// Forget the entry for `url`, in memory and on disk.
    pub fn remove(&mut self, url: &Url) {
        if let Some(key) = cache_key(url) {
            self.remove_memory(&key);
            self.remove_file(&file_name(&key));
        }
    }

    /// Forget every entry, in memory and on disk.
    pub fn clear(&mut self) {
        self.memory.clear();
        self.memory_total = 0;
        self.rescan(false);
        let names: Vec<String> = self.disk.keys().cloned().collect();
        for name in names {
            self.remove_file(&name);
        }
    }

    fn next_tick(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    fn insert_memory(&mut self, key: String, entry: CachedEntry, tick: u64) {
        self.remove_memory(&key);
        let size = entry.size();
        if size > self.memory_cap {
            return;
        }
        self.memory_total += size;
        self.memory.insert(key, MemSlot { entry, size, tick });
        while self.memory_total > self.memory_cap {
            let Some(oldest) = self.memory.iter().min_by_key(|(_, s)| s.tick).map(|(k, _)| k.clone()) else {
                break;
            };
            self.remove_memory(&oldest);
        }
    }

    fn remove_memory(&mut self, key: &str) {
        if let Some(slot) = self.memory.remove(key) {
            self.memory_total -= slot.size;
        }
    }

    fn remove_file(&mut self, name: &str) {
        if let Some(slot) = self.disk.remove(name) {
            self.disk_total -= slot.size;
        }
        if let Some(dir) = &self.dir {
            let _ = fs::remove_file(dir.join(name));
        }
    }

    /// Mark a disk entry used: in the index, and in the file's mtime for other instances.
    fn touch_disk(&mut self, key: &str, tick: u64) {
        let name = file_name(key);
        let Some(slot) = self.disk.get_mut(&name) else { return };
        let now = SystemTime::now();
        slot.last_used = now;
        slot.tick = tick;
        if let Some(dir) = &self.dir {
            if let Ok(file) = fs::File::options().write(true).open(dir.join(&name)) {
                let _ = file.set_modified(now);
            }
        }
    }

    /// Bring the disk index in line with the directory (other instances write there too).
    /// At start-up, also remove temp files a crashed writer left behind.
    fn rescan(&mut self, startup: bool) {
        let Some(dir) = &self.dir else { return };
        let Ok(read) = fs::read_dir(dir) else {
            self.disk.clear();
            self.disk_total = 0;
            return;
        };
        let mut seen = HashMap::new();
        for item in read.flatten() {
            let Ok(name) = item.file_name().into_string() else { continue };
            let Ok(meta) = item.metadata() else { continue };
            let mtime = meta.modified().unwrap_or(UNIX_EPOCH);
            if startup && is_tmp_name(&name) {
                if mtime.elapsed().is_ok_and(|age| age > STALE_TMP) {
                    let _ = fs::remove_file(item.path());
                }
                continue;
            }
            if !meta.is_file() || !is_entry_name(&name) {
                continue;
            }
            let slot = match self.disk.remove(&name) {
                Some(known) => DiskSlot { size: meta.len(), ..known },
                None => DiskSlot { size: meta.len(), last_used: mtime, tick: 0 },
            };
            seen.insert(name, slot);
        }
        self.disk = seen;
        self.disk_total = self.disk.values().map(|s| s.size).sum();
    }

    /// Remove least-recently-used disk files until the total fits the cap.
    fn evict_disk(&mut self) {
        if self.disk_total <= self.disk_cap {
            return;
        }
        let mut order: Vec<(SystemTime, u64, String)> =
            self.disk.iter().map(|(n, s)| (s.last_used, s.tick, n.clone())).collect();
        order.sort();
        for (_, _, name) in order {
            if self.disk_total <= self.disk_cap {
                break;
            }
            self.remove_file(&name);
        }
    }
}

impl From<SkipReason> for StoreOutcome {
    fn from(reason: SkipReason) -> StoreOutcome {
        StoreOutcome::Skipped(reason)
    }
}

/// The cache key: the URL without fragment; only http and https are cached.
fn cache_key(url: &Url) -> Option<String> {
    // An address with a password is not cached: the file would hold the password.
    if !matches!(url.scheme(), "http" | "https") || url.password().is_some() {
        return None;
    }
    let mut url = url.clone();
    url.set_fragment(None);
    Some(url.into())
}

/// FNV-1a, 64 bits. File names must stay the same across margay builds so that the cache
/// directory survives an upgrade; std's `DefaultHasher` makes no such promise (its
/// algorithm may change between Rust releases), and a cryptographic hash would need a crate.
/// Collisions are harmless: each file records its URL and a mismatch is a miss.
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

fn file_name(key: &str) -> String {
    format!("{:016x}{ENTRY_EXT}", fnv1a64(key.as_bytes()))
}

fn is_entry_name(name: &str) -> bool {
    name.strip_suffix(ENTRY_EXT).is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_tmp_name(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(TMP_EXT) && name[1..].contains(ENTRY_EXT)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// Every comma-separated element of every header of that name, trimmed and lower-cased.
fn all_values<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = String> + 'a {
    headers
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .flat_map(|(_, v)| v.split(','))
        .map(|item| item.trim().to_ascii_lowercase())
}

fn has_no_store(headers: &[(String, String)]) -> bool {
    all_values(headers, "cache-control").any(|d| d.split('=').next().map(str::trim) == Some("no-store"))
}

/// The headers worth storing: no hop-by-hop fields, none named in `Connection`, no cookies,
/// and nothing that cannot be written as one line.
fn storable_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    let connection: Vec<String> = all_values(headers, "connection").collect();
    headers
        .iter()
        .filter(|(n, v)| {
            let lower = n.to_ascii_lowercase();
            !n.is_empty()
                && !NOT_STORED.contains(&lower.as_str())
                && !connection.contains(&lower)
                && !n.contains([':', '\r', '\n', ' ', '\t'])
                && !v.contains(['\r', '\n'])
        })
        .cloned()
        .collect()
}

/// The disk format: a UTF-8 head of lines, an empty line, then the body bytes.
///
/// ```text
/// margay-cache 1
/// url https://example.org/page
/// status 200
/// stored-at 1700000000.123456789
/// body 5120
/// header Content-Type: text/html
/// header ETag: "abc"
///
/// <5120 bytes>
/// ```
fn encode_entry(entry: &CachedEntry) -> Vec<u8> {
    let since = entry.stored_at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let mut head = format!(
        "{MAGIC}\nurl {}\nstatus {}\nstored-at {}.{:09}\nbody {}\n",
        entry.url,
        entry.status,
        since.as_secs(),
        since.subsec_nanos(),
        entry.body.len()
    );
    for (name, value) in &entry.headers {
        head.push_str(&format!("header {name}: {value}\n"));
    }
    head.push('\n');
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&entry.body);
    bytes
}

/// Parse the disk format; `None` for anything malformed or truncated.
fn parse_entry(bytes: &[u8]) -> Option<CachedEntry> {
    let split = bytes.windows(2).position(|w| w == b"\n\n")?;
    let head = std::str::from_utf8(&bytes[..split]).ok()?;
    let body = &bytes[split + 2..];
    let mut lines = head.split('\n');
    if lines.next()? != MAGIC {
        return None;
    }
    let (mut url, mut status, mut stored_at, mut body_len) = (None, None, None, None);
    let mut headers = Vec::new();
    for line in lines {
        let (field, value) = line.split_once(' ')?;
        match field {
            "url" => url = Some(Url::parse(value).ok()?),
            "status" => status = Some(value.parse::<u16>().ok()?),
            "stored-at" => {
                let (secs, nanos) = value.split_once('.')?;
                let since = Duration::new(secs.parse().ok()?, nanos.parse().ok()?);
                stored_at = Some(UNIX_EPOCH.checked_add(since)?);
            }
            "body" => body_len = Some(value.parse::<usize>().ok()?),
            "header" => {
                let (name, value) = value.split_once(':')?;
                let value = value.strip_prefix(' ').unwrap_or(value);
                headers.push((name.to_string(), value.to_string()));
            }
            _ => return None,
        }
    }
    if body_len? != body.len() || !matches!(status?, 200 | 203) {
        return None;
    }
    Some(CachedEntry { url: url?, status: status?, headers, body: body.to_vec(), stored_at: stored_at? })
}

/// Write `dir/name` atomically: a unique temp file in the same directory, then rename.
/// No fsync: this is a cache, and a file torn by a crash fails the body-length check in
/// `parse_entry` and is dropped; an fsync per page load would cost more than it saves.
fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), CacheError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    fn err(path: &Path) -> impl FnOnce(std::io::Error) -> CacheError + '_ {
        move |source| CacheError { path: path.to_path_buf(), source }
    }
    fs::create_dir_all(dir).map_err(err(dir))?;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}{TMP_EXT}", std::process::id()));
    let written = fs::File::create(&tmp).and_then(|mut f| f.write_all(bytes)).map_err(err(&tmp));
    let result = written.and_then(|()| fs::rename(&tmp, dir.join(name)).map_err(err(dir)));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
