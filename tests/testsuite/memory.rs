//! Memoised work stays bounded: thousands of different small chapters built one after the other
//! in one process, through the EPUB alone, the PDF alone and both editions, leave its resident
//! memory flat once warmed up.
//!
//! Each case runs in a process of its own (this test binary, run again on the ignored test
//! `memory::builds_in_this_process`), so that no other test's memory is counted.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use presse::build::progress::Progress;
use presse::build::{BuildConfig, build_with};
use presse::pdf::Environment;

use crate::fuzz_checks::Harness;

/// The variable that tells the child process which case to run.
const CASE: &str = "PRESSE_MEMORY_CASE";
/// Builds before the first measure: caches, fonts and the allocator's pools fill up.
const WARM_UP: usize = 300;
/// Builds measured after the warm-up.
const MEASURED: usize = 2_000;
/// The most the resident memory may grow over the measured builds.
const MARGIN_MIB: f64 = 24.0;

#[test]
fn memory_stays_flat_over_thousands_of_epubs() {
    stays_flat("epub");
}

#[test]
fn memory_stays_flat_over_thousands_of_pdfs() {
    stays_flat("pdf");
}

#[test]
fn memory_stays_flat_over_thousands_of_builds_of_both_editions() {
    stays_flat("both");
}

/// Runs `case` in a child process and checks what it measured.
fn stays_flat(case: &str) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["memory::builds_in_this_process", "--exact", "--ignored", "--nocapture"])
        .env(CASE, case)
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{case}: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let measure = |name: &str| -> f64 {
        let line = stdout.lines().find_map(|l| l.strip_prefix(&format!("{name} MiB: ")));
        line.unwrap_or_else(|| panic!("{case}: no {name} measure in:\n{stdout}")).parse().unwrap()
    };
    let (warm, last) = (measure("warm"), measure("last"));
    assert!(
        last - warm <= MARGIN_MIB,
        "{case}: resident memory grew from {warm:.0} MiB to {last:.0} MiB over {MEASURED} builds"
    );
}

/// The child: builds `WARM_UP + MEASURED` different chapters in one process, printing the
/// resident memory after the warm-up and at the end.
#[test]
#[ignore = "run by the memory_stays_flat tests, in a process of its own"]
fn builds_in_this_process() {
    let case = std::env::var(CASE).expect("PRESSE_MEMORY_CASE names the case");
    let project = tempfile::tempdir().unwrap();
    let build = builder(&case, project.path());
    for n in 0..WARM_UP {
        build(n);
    }
    println!("warm MiB: {:.1}", resident_mib());
    for n in WARM_UP..WARM_UP + MEASURED {
        build(n);
    }
    println!("last MiB: {:.1}", resident_mib());
}

/// What builds the `n`th chapter: the fuzz harness's stages one by one for one edition (as a
/// program using presse as a library does, each build on its own), `build_with` for both as
/// `presse watch` does, each build reusing the work of the one before.
fn builder(case: &str, root: &Path) -> Box<dyn Fn(usize)> {
    let harness = Harness::new(root);
    match case {
        "epub" => Box::new(move |n| harness.check_xhtml(chapter(n).as_bytes()).unwrap()),
        "pdf" => Box::new(move |n| harness.check_typst(chapter(n).as_bytes()).unwrap()),
        "both" => {
            presse::memo::keep_between_builds();
            let root = root.to_path_buf();
            let env = OnceLock::from(Environment::for_project(&root, false).keeping_files());
            let config =
                BuildConfig { jobs: 1, ..BuildConfig::new(root.clone(), root.join("output")) };
            Box::new(move |n| {
                std::fs::write(root.join("sources/fuzz/texte.md"), chapter(n)).unwrap();
                let report = build_with(&config, &env, &Progress::silent()).unwrap();
                assert!(report.failed.is_empty(), "{:?}", report.diagnostics);
            })
        }
        other => panic!("no memory case {other}"),
    }
}

/// The `n`th chapter: a page of French text, a list, a table and a note, different for every `n`.
fn chapter(n: usize) -> String {
    let words = ["métropole", "Seine", "quartier", "tramway", "budget", "école", "parc", "rue"];
    let word = |i: usize| words[(n / (i + 1) + i) % words.len()];
    let sentence = |i: usize| {
        format!(
            "Le {} numéro {n} relie la {} au {} depuis {} ans. ",
            word(i),
            word(i + 1),
            word(i + 2),
            n % 97 + i
        )
    };
    let paragraph: String = (0..12).map(sentence).collect();
    format!(
        "# Chapitre {n}\n\n{paragraph}\n\n- premier {n}\n- second *{}*\n\n\
         | Lieu | Nombre |\n|---|---|\n| {} | {n} |\n\n\
         Une note[^{n}] sur le **{}**.\n\n[^{n}]: La note {n}.\n",
        word(3),
        word(4),
        word(5)
    )
}

/// This process's resident memory, in MiB, from `/proc/self/statm`.
fn resident_mib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: f64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096.0 / (1024.0 * 1024.0)
}
