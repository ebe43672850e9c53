//! Writing a file the user asked for (a saved page): atomically — a temporary file beside
//! it, fsync, rename — and never over an existing file unless the user said so, so a full
//! disk or a crash never leaves a half-written file under the name asked for.
//!
//! The temporary file has an unpredictable name (tempfile), so no other process and no
//! earlier margay with the same process id can block a save by holding that name; those a
//! killed margay left behind for the same target are removed once they are a day old
//! ([`remove_stale_temps`]). Nothing here removes any file but such leftovers.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why a save failed: the path, a reason, and whether it was only because the file exists.
pub type SaveFailure = (PathBuf, String, bool);

/// How old a leftover temporary file of a save must be before it is removed: no save takes
/// this long, so the file cannot be one that another margay is still writing.
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// `~/x` means the home directory's x, as in a shell.
pub fn expand_tilde(path: &Path) -> PathBuf {
    under_home(path, std::env::var_os("HOME").map(PathBuf::from).as_deref())
}

/// `~/x` as `home`'s x (`~other/x` and paths without `~` as they are; without a home, as
/// it is).
pub fn under_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

/// The start and end of the names of the temporary files a save of `name` writes.
fn temp_affixes(name: &str) -> (String, &'static str) {
    (format!(".{name}."), ".margay.tmp")
}

pub fn save_atomically(path: &Path, bytes: &[u8], overwrite: bool) -> Result<PathBuf, SaveFailure> {
    let path = expand_tilde(path);
    let fail = |message: String| (path.clone(), message, false);
    if path.is_dir() {
        return Err(fail("that is a directory".into()));
    }
    if path.exists() && !overwrite {
        return Err((path.clone(), "it exists".into(), true));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (prefix, suffix) = temp_affixes(&name);
    remove_stale_temps(&dir, &prefix, suffix, STALE_TEMP_AGE);
    let written = (|| -> std::io::Result<()> {
        let mut file = new_temp(&dir, &prefix, suffix)?;
        file.write_all(bytes)?;
        file.as_file().sync_all()?;
        // Without overwrite, a file that appeared meanwhile is kept, not replaced.
        if overwrite {
            file.persist(&path).map_err(|e| e.error)?;
        } else {
            file.persist_noclobber(&path).map_err(|e| e.error)?;
        }
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    match written {
        Ok(()) => Ok(path),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err((path.clone(), "it exists".into(), true))
        }
        Err(e) => Err(fail(e.to_string())),
    }
}

/// A new temporary file in `dir` named `prefix…suffix`, with the permissions
/// `File::create` would give it (tempfile's own default, private to the user, is not what
/// a saved page or a bookmark file gets).
pub fn new_temp(dir: &Path, prefix: &str, suffix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(suffix);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir)
}

/// Remove the regular files in `dir` named `prefix…suffix` that were last changed at least
/// `age` ago: temporary files of writes that never finished (the writer was killed).
/// Symbolic links, directories and anything younger are left alone.
pub fn remove_stale_temps(dir: &Path, prefix: &str, suffix: &str, age: Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.len() <= prefix.len() + suffix.len() || !name.starts_with(prefix) || !name.ends_with(suffix) {
            continue;
        }
        // Not followed: a link named like a leftover is not one of ours.
        let Ok(meta) = entry.path().symlink_metadata() else { continue };
        let old = meta.modified().ok().and_then(|t| t.elapsed().ok()).is_some_and(|elapsed| elapsed >= age);
        if meta.file_type().is_file() && old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
