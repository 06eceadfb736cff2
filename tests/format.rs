//! The looks of the dialogs (`src/ui/dialogs/`) are declared by the dialogs' list, a
//! macro, and `cargo fmt` does not follow modules that a macro declares: their formatting
//! is checked here, as `cargo fmt --check` checks the rest of the tree.

use std::path::Path;
use std::process::Command;

#[test]
fn the_looks_of_the_dialogs_are_formatted() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui/dialogs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    assert!(files.len() > 2, "no dialog files in {}", dir.display());
    let out = Command::new("rustfmt")
        .args(["--check", "--edition", "2024"])
        .args(&files)
        .output()
        .expect("rustfmt, which `cargo fmt` runs");
    assert!(
        out.status.success(),
        "not formatted; run `rustfmt --edition 2024 src/ui/dialogs/*.rs`:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
