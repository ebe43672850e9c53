//! Writing a file the user asked for (a saved page): atomically — a temporary file beside
//! it, fsync, rename — and never over an existing file unless the user said so, so a full
//! disk or a crash never leaves a half-written file under the name asked for.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a save failed: the path, a reason, and whether it was only because the file exists.
pub type SaveFailure = (PathBuf, String, bool);

/// `~/x` means the home directory's x, as in a shell.
pub fn expand_tilde(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_path_buf(),
    }
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
    let temp = dir.join(format!(".{name}.margay-{}.tmp", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, &path)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    match written {
        Ok(()) => Ok(path),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(fail(e.to_string()))
        }
    }
}
