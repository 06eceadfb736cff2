//! Which paths name the same file. The report of `apply` is created (emptied) before the
//! first row is read: were it the input, or the report `--resume` reads, the batch would
//! destroy what it works from, so that is refused before anything is touched. The same
//! file may hide behind another spelling, a symlink or a hard link: paths are compared
//! after resolving them, and existing files by device and inode as well.

use super::exit::Failure;
use super::input;
use crate::cli::ApplyArgs;
use std::fs::File;
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// What identifies a file, as far as it can be known.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    /// The resolved path; for a file not created yet, its resolved directory and name.
    path: Option<PathBuf>,
    /// Device and inode, for a file that exists.
    node: Option<(u64, u64)>,
}

impl Identity {
    fn of(path: &Path) -> Self {
        match std::fs::metadata(path) {
            Ok(meta) => Self {
                path: path.canonicalize().ok(),
                node: Some((meta.dev(), meta.ino())),
            },
            Err(_) => Self {
                path: not_created(path),
                node: None,
            },
        }
    }

    /// Standard input, when it is a file (`apply - < rows.csv`).
    fn of_stdin() -> Self {
        let node = std::io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .map(File::from)
            .and_then(|file| file.metadata().ok())
            .filter(|meta| meta.is_file())
            .map(|meta| (meta.dev(), meta.ino()));
        Self { path: None, node }
    }

    fn same(&self, other: &Self) -> bool {
        known_equal(&self.node, &other.node) || known_equal(&self.path, &other.path)
    }
}

/// Both known, and equal: what is not known never makes two files the same.
fn known_equal<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a == b)
}

/// A path with nothing there yet: its directory resolved, and its name.
fn not_created(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    Some(dir.canonicalize().ok()?.join(name))
}

/// Refuses a `--report` that names the input or the `--resume` report, and a `--resume`
/// that names the input, before anything is read, created or sent.
pub fn check(args: &ApplyArgs) -> Result<(), Failure> {
    let input = if input::is_stdin(&args.file) {
        Identity::of_stdin()
    } else {
        Identity::of(&args.file)
    };
    let resume = args.resume.as_deref().map(Identity::of);
    if let Some(resume_path) = &args.resume
        && resume.as_ref().is_some_and(|r| r.same(&input))
    {
        return Err(Failure::usage(format!(
            "--resume {} is the input: name the report of an earlier run of this input",
            resume_path.display()
        )));
    }
    let Some(report_path) = &args.report else {
        return Ok(());
    };
    let report = Identity::of(report_path);
    if report.same(&input) {
        return Err(Failure::usage(format!(
            "--report {} is the input {}: writing the report would destroy the rows it \
             reads; name another file",
            report_path.display(),
            input::shown(&args.file)
        )));
    }
    if resume.is_some_and(|r| r.same(&report)) {
        return Err(Failure::usage(
            "--report and --resume must be different files: the new report is written \
             while the old one is read",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dir(PathBuf);

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn scratch(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("lc-files-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        Dir(dir)
    }

    #[test]
    fn the_same_file_is_found_behind_other_paths_and_links() {
        let dir = scratch("same");
        let d = &dir.0;
        std::fs::write(d.join("in.csv"), "id,title\n").unwrap();
        std::fs::write(d.join("other.csv"), "id,title\n").unwrap();
        std::fs::hard_link(d.join("in.csv"), d.join("hard.csv")).unwrap();
        std::os::unix::fs::symlink(d.join("in.csv"), d.join("sub/link.csv")).unwrap();
        let input = Identity::of(&d.join("in.csv"));
        for same in [
            d.join("in.csv"),
            d.join("sub/../in.csv"),
            d.join("hard.csv"),
            d.join("sub/link.csv"),
        ] {
            assert!(Identity::of(&same).same(&input), "{}", same.display());
        }
        assert!(!Identity::of(&d.join("other.csv")).same(&input));
        // Not created yet: its directory resolved, and its name.
        let new = Identity::of(&d.join("sub/../new.jsonl"));
        assert_eq!(new.node, None);
        assert!(new.same(&Identity::of(&d.join("new.jsonl"))));
        assert!(!new.same(&input));
        assert!(!Identity::of(&d.join("none/x")).same(&Identity::of(&d.join("none/x"))));
    }
}
