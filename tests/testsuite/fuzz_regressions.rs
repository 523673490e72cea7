//! Every input the fuzzers once broke presse with (`tests/fixtures/fuzz/`) passes their checks
//! now: no panic, the typst compiles, the EPUB's XML is well-formed and script-free; every
//! hostile SVG (`tests/fixtures/fuzz/svg/`) comes out of the cleaner safe and stable.

use std::path::PathBuf;

use crate::fuzz_checks::Harness;

/// The minimised inputs, by file name.
fn inputs() -> Vec<PathBuf> {
    let dir = common_fixtures().join("fuzz");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no input under {}", dir.display());
    files
}

fn common_fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs one check on every input, naming every one that fails.
fn check_all(check: impl Fn(&Harness, &[u8]) -> Result<(), String>) {
    let project = tempfile::tempdir().unwrap();
    let harness = Harness::new(project.path());
    let failures: Vec<String> = inputs()
        .iter()
        .filter_map(|path| {
            let input = std::fs::read(path).unwrap();
            check(&harness, &input).err().map(|why| format!("{}: {why}", path.display()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn fuzz_findings_compile_to_typst() {
    check_all(Harness::check_typst);
}

#[test]
fn fuzz_findings_give_well_formed_epubs() {
    check_all(Harness::check_xhtml);
}

#[test]
fn hostile_svgs_come_out_safe_and_stable() {
    let dir = common_fixtures().join("fuzz/svg");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let input = std::fs::read(&path).unwrap();
        crate::fuzz_checks::check_svg(&input)
            .unwrap_or_else(|why| panic!("{}: {why}", path.display()));
        checked += 1;
    }
    assert!(checked > 0, "no SVG under {}", dir.display());
}
