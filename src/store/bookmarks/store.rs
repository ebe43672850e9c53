//! The bookmark file on disk. Every change goes through [`BookmarkStore::update`]:
//!
//! 1. take the advisory lock (`bookmarks.html.lock` beside the file; other margays wait);
//! 2. re-read and parse the file, so that what another running margay wrote is kept;
//! 3. apply the change to that;
//! 4. write the previous bytes to `bookmarks.html.bak` and the new file to a temp file in the
//!    same directory, each fsynced and renamed into place, then fsync the directory. Temp
//!    files left by a margay killed while writing are removed here, under the lock.
//!
//! A file that cannot be parsed is never written: the store is read-only and every change
//! fails with the line at fault until the file is fixed. A failed write (full disk,
//! unwritable directory) removes its temp file and leaves the old file as it was.
//!
//! Undo keeps a patch per change (see `patch.rs`) and reverts it through the same locked
//! merge, so undoing never throws away what another instance wrote in between.

use super::patch::{diff, Patch};
use super::{Added, Bookmark, Bookmarks, ParseError};
use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// How many changes can be undone.
const UNDO_DEPTH: usize = 100;

/// Why the bookmark file could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but is not a bookmark file margay can read; it is left untouched.
    #[error("{}: {error}; the file is left untouched and the bookmarks are read-only until it is fixed", path.display())]
    Unparseable { path: PathBuf, error: ParseError },
    #[error("cannot read {}: {}; check the path (or name another file with --bookmarks)", path.display(), crate::plain::io(error))]
    Read { path: PathBuf, error: io::Error },
    #[error("cannot lock {}: {}; check that its folder can be written", path.display(), crate::plain::io(error))]
    Lock { path: PathBuf, error: io::Error },
    /// Writing failed; the file it was replacing is as it was.
    #[error("cannot save the bookmarks to {}: {}; the file is unchanged (check the disk and the folder)", path.display(), crate::plain::io(error))]
    Write { path: PathBuf, error: io::Error },
    /// An import file cannot be parsed.
    #[error("{}: {error}", path.display())]
    Import { path: PathBuf, error: ParseError },
}

/// The bookmark file, its last known content, and the changes that can be undone.
#[derive(Debug)]
pub struct BookmarkStore {
    path: PathBuf,
    bookmarks: Bookmarks,
    broken: Option<ParseError>,
    undo: Vec<Patch>,
}

impl BookmarkStore {
    /// Open the file at `path` (a missing file is an empty list; a symbolic link is followed,
    /// so that the link stays a link). A file that cannot be parsed opens read-only: see
    /// [`BookmarkStore::read_only`].
    pub fn open(path: impl Into<PathBuf>) -> Result<BookmarkStore, StoreError> {
        let path = follow_links(path.into());
        let mut store =
            BookmarkStore { path, bookmarks: Bookmarks::default(), broken: None, undo: Vec::new() };
        store.reload()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the previous version is kept: `bookmarks.html.bak`.
    pub fn backup_path(&self) -> PathBuf {
        sibling(&self.path, ".bak")
    }

    /// The advisory lock file: `bookmarks.html.lock`.
    pub fn lock_path(&self) -> PathBuf {
        sibling(&self.path, ".lock")
    }

    /// The bookmarks as last read or written by this store.
    pub fn bookmarks(&self) -> &Bookmarks {
        &self.bookmarks
    }

    /// Why the file is read-only (the line that cannot be parsed), if it is.
    pub fn read_only(&self) -> Option<&ParseError> {
        self.broken.as_ref()
    }

    /// Read the file again (to show what another margay changed). A file that cannot be
    /// parsed makes the store read-only and keeps the last good content in memory.
    pub fn reload(&mut self) -> Result<(), StoreError> {
        match self.read_disk() {
            Ok((bookmarks, _)) => {
                self.bookmarks = bookmarks;
                self.broken = None;
                Ok(())
            }
            Err(StoreError::Unparseable { error, .. }) => {
                self.broken = Some(error);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Change the bookmarks: under the lock, re-read the file, apply `change` to what is on
    /// disk now, and write the result atomically (unless nothing changed). Returns what
    /// `change` returned. The change can be undone with [`BookmarkStore::undo`].
    pub fn update<T>(&mut self, change: impl FnOnce(&mut Bookmarks) -> T) -> Result<T, StoreError> {
        let (value, patch) = self.apply(change)?;
        if let Some(patch) = patch {
            if self.undo.len() == UNDO_DEPTH {
                self.undo.remove(0);
            }
            self.undo.push(patch);
        }
        Ok(value)
    }

    /// There is a change of this store's to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Undo this store's last change, through the same locked re-read and merge as a change.
    /// Returns false when there is nothing to undo. On error the change stays undoable.
    pub fn undo(&mut self) -> Result<bool, StoreError> {
        let Some(patch) = self.undo.pop() else { return Ok(false) };
        match self.apply(|doc| patch.revert(doc)) {
            Ok(_) => Ok(true),
            Err(e) => {
                self.undo.push(patch);
                Err(e)
            }
        }
    }

    /// Add a bookmark to `folder` unless its address is already bookmarked.
    pub fn add<S: AsRef<str>>(&mut self, folder: &[S], bookmark: Bookmark) -> Result<Added, StoreError> {
        self.update(|doc| doc.add(folder, bookmark))
    }

    /// Remove the bookmarks with this address; returns how many.
    pub fn remove(&mut self, url: &str) -> Result<usize, StoreError> {
        self.update(|doc| doc.remove(url))
    }

    pub fn rename(&mut self, url: &str, title: &str) -> Result<usize, StoreError> {
        self.update(|doc| doc.rename(url, title))
    }

    pub fn set_url(&mut self, url: &str, new_url: &str) -> Result<usize, StoreError> {
        self.update(|doc| doc.set_url(url, new_url))
    }

    pub fn move_to<S: AsRef<str>>(&mut self, url: &str, folder: &[S]) -> Result<usize, StoreError> {
        self.update(|doc| doc.move_to(url, folder))
    }

    /// Relink after a permanent move; see [`Bookmarks::relink`].
    pub fn relink(&mut self, old: &str, new: &str) -> Result<usize, StoreError> {
        self.update(|doc| doc.relink(old, new))
    }

    /// Merge another browser's bookmarks without duplicates; returns how many were added.
    pub fn import(&mut self, other: &Bookmarks) -> Result<usize, StoreError> {
        self.update(|doc| doc.merge(other))
    }

    /// Read and merge a Netscape bookmark file; returns how many bookmarks were added.
    pub fn import_file(&mut self, file: &Path) -> Result<usize, StoreError> {
        let bytes = fs::read(file).map_err(|error| StoreError::Read { path: file.to_path_buf(), error })?;
        let other = Bookmarks::parse_bytes(&bytes)
            .map_err(|error| StoreError::Import { path: file.to_path_buf(), error })?;
        self.import(&other)
    }

    /// The bookmarks as a Netscape bookmark file (what was last read or written).
    pub fn export(&self) -> String {
        self.bookmarks.to_html()
    }

    /// Write the bookmarks to another file, atomically.
    pub fn export_to(&self, file: &Path) -> Result<(), StoreError> {
        atomic_write(file, self.export().as_bytes())
            .map_err(|error| StoreError::Write { path: file.to_path_buf(), error })
    }

    fn apply<T>(
        &mut self,
        change: impl FnOnce(&mut Bookmarks) -> T,
    ) -> Result<(T, Option<Patch>), StoreError> {
        let dir = parent_dir(&self.path);
        fs::create_dir_all(dir).map_err(|error| StoreError::Write { path: self.path.clone(), error })?;
        let lock_path = self.lock_path();
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|error| StoreError::Lock { path: lock_path.clone(), error })?;
        lock.lock().map_err(|error| StoreError::Lock { path: lock_path, error })?;
        remove_leftover_temps(&self.path);

        let (on_disk, old_bytes) = match self.read_disk() {
            Ok(read) => read,
            Err(StoreError::Unparseable { path, error }) => {
                self.broken = Some(error.clone());
                return Err(StoreError::Unparseable { path, error });
            }
            Err(e) => return Err(e),
        };
        self.broken = None;
        let mut next = on_disk.clone();
        let value = change(&mut next);
        if next == on_disk {
            self.bookmarks = next;
            return Ok((value, None));
        }
        if let Some(old) = &old_bytes {
            let backup = self.backup_path();
            atomic_write(&backup, old).map_err(|e| StoreError::Write {
                path: self.path.clone(),
                error: io::Error::new(
                    e.kind(),
                    format!("the backup {} cannot be written ({})", backup.display(), crate::plain::io(&e)),
                ),
            })?;
        }
        atomic_write(&self.path, next.to_html().as_bytes())
            .map_err(|error| StoreError::Write { path: self.path.clone(), error })?;
        let patch = diff(&on_disk, &next);
        self.bookmarks = next;
        drop(lock);
        Ok((value, Some(patch).filter(|p| !p.is_empty())))
    }

    /// The parsed file and its bytes (`None` when there is no file yet).
    fn read_disk(&self) -> Result<(Bookmarks, Option<Vec<u8>>), StoreError> {
        // A FIFO or a device would block the read forever (tests/hostile_files.rs).
        if fs::metadata(&self.path).is_ok_and(|m| !m.is_file()) {
            let error = io::Error::other("not a regular file");
            return Err(StoreError::Read { path: self.path.clone(), error });
        }
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Bookmarks::default(), None)),
            Err(error) => return Err(StoreError::Read { path: self.path.clone(), error }),
        };
        match Bookmarks::parse_bytes(&bytes) {
            Ok(doc) => Ok((doc, Some(bytes))),
            Err(error) => Err(StoreError::Unparseable { path: self.path.clone(), error }),
        }
    }
}

/// The file a chain of symbolic links ends at (which need not exist yet), so that writing
/// replaces the file and keeps the links.
fn follow_links(mut path: PathBuf) -> PathBuf {
    for _ in 0..40 {
        if !path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
            break;
        }
        match fs::read_link(&path) {
            Ok(target) => path = parent_dir(&path).join(target),
            Err(_) => break,
        }
    }
    path
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "bookmarks.html".into());
    name.push(suffix);
    path.with_file_name(name)
}

/// Replace `path` with `bytes`: a new temp file in the same directory (an unpredictable name,
/// so that no leftover and no other process can block it), fsynced, given the old file's
/// permissions, renamed over `path`, then the directory fsynced. On error the temp file is
/// removed and `path` is untouched.
pub(super) fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent_dir(path);
    let (prefix, suffix) = temp_affixes(path);
    let mut file = crate::store::save::new_temp(dir, &prefix, suffix)?;
    file.write_all(bytes)?;
    if let Ok(meta) = fs::metadata(path) {
        file.as_file().set_permissions(meta.permissions())?;
    }
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// The start and end of the names of `path`'s temp files: `.bookmarks.html.` and `.tmp`
/// (what earlier versions named `.bookmarks.html.PID.N.tmp` matches too).
fn temp_affixes(path: &Path) -> (String, &'static str) {
    let name = path.file_name().map_or_else(|| "bookmarks".into(), |n| n.to_string_lossy().into_owned());
    (format!(".{name}."), ".tmp")
}

/// Remove the temp files of writes that never finished (a margay killed while saving).
/// Called under the lock, which every writer of the file and its backup holds while its
/// temp file exists: any such file found then is a leftover. Only regular files named like
/// ours are removed.
fn remove_leftover_temps(path: &Path) {
    let (prefix, suffix) = temp_affixes(path);
    crate::store::save::remove_stale_temps(parent_dir(path), &prefix, suffix, std::time::Duration::ZERO);
}

/// Make the rename durable. The new file is already in place when this runs, so a failure
/// (some file systems cannot sync a directory) is not reported as a failed save.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
