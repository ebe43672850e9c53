//! The repository stands alone: nothing in it points at what a clone does not have — a
//! folder beside the repository (`../shared`), design notes kept elsewhere, the status-code
//! document's file, or the number of an issue in a tracker. The design notes are
//! `docs/design.md`; a comment says the reason itself, or names a test or a section of the
//! README.

use std::path::{Path, PathBuf};

/// What must not appear, and why.
const POINTERS: &[(&str, &str)] = &[
    ("../shared", "a folder outside the repository"),
    ("shared/design", "design notes outside the repository (they are docs/design.md)"),
    ("shared/spec", "the status-code document's file, outside the repository"),
    ("http-status-codes-1992.md", "the status-code document's file, outside the repository"),
    ("(issue", "an issue number or label"),
    ("issue:", "an issue label"),
];

/// Our own files: everything but the vendored html2text (upstream's text), the fuzz corpus
/// (data) and what git ignores or builds.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if matches!(
            name.as_str(),
            "target" | ".git" | ".test-servers" | "corpus" | "html2text" | "snapshots" | "data"
        ) {
            continue;
        }
        if path.is_dir() {
            files(&path, out);
        } else if name.ends_with(".rs")
            || name.ends_with(".md")
            || name.ends_with(".sh")
            || name.ends_with(".py")
            || name.ends_with(".toml")
            || name.ends_with(".conf")
            || name == "run"
        {
            out.push(path);
        }
    }
}

/// `issue 3`, `issues 12`, `Issue #4`: a tracker's number.
fn issue_number(line: &str) -> bool {
    let lower = line.to_lowercase();
    lower.match_indices("issue").any(|(at, _)| {
        let after = lower[at + 5..].trim_start_matches('s').trim_start_matches(' ').trim_start_matches('#');
        after.starts_with(|c: char| c.is_ascii_digit())
    })
}

#[test]
fn nothing_points_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    files(root, &mut all);
    assert!(all.iter().any(|p| p.ends_with("README.md")), "the walk found the README");
    assert!(all.iter().any(|p| p.ends_with("docs/design.md")), "the design notes are in the repository");
    let this = Path::new(file!()).file_name().expect("this file's name");
    let mut found = Vec::new();
    for path in all.iter().filter(|p| p.file_name() != Some(this)) {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            for (pointer, why) in POINTERS {
                if lower.contains(pointer) {
                    found.push(format!("{}:{}: {why}: {}", path.display(), n + 1, line.trim()));
                }
            }
            if issue_number(line) {
                found.push(format!("{}:{}: an issue number: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "references a clone cannot follow:\n{}", found.join("\n"));
}

#[test]
fn the_checker_finds_what_it_looks_for() {
    assert!(issue_number("// How many redirects (issue 3, point 5)."));
    assert!(issue_number("what was changed for Issue #7"));
    assert!(!issue_number("an issue with multiple versions"));
    assert!(POINTERS.iter().any(|(p, _)| "See `../shared/DESIGN.md`".to_lowercase().contains(p)));
}
