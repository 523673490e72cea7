//! The EPUB validators the tests run: W3C EPUBCheck and Ace by DAISY, installed by
//! `scripts/install-validators`; without them these checks fail, never pass.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where scripts/install-validators installs the tools ($PRESSE_TOOLS, else
/// ~/.cache/presse-tools).
pub fn tools_dir() -> PathBuf {
    std::env::var_os("PRESSE_TOOLS").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache/presse-tools")
    })
}

/// The validators' settings written by scripts/install-validators.
pub fn tools() -> HashMap<String, String> {
    let dir = tools_dir();
    let text = std::fs::read_to_string(dir.join("env")).unwrap_or_else(|_| {
        panic!(
            "the EPUB validators are not installed in {}: run scripts/install-validators",
            dir.display()
        )
    });
    text.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.to_string(), value.trim_matches('"').to_string()))
        .collect()
}

pub fn tool(tools: &HashMap<String, String>, key: &str) -> String {
    let value = tools.get(key).cloned().unwrap_or_default();
    assert!(
        Path::new(&value).exists(),
        "{key} ({value}) is missing: run scripts/install-validators"
    );
    value
}

/// EPUBCheck with warnings as failures: no error, no warning.
pub fn assert_epubcheck_clean(epub: &Path) {
    let tools = tools();
    let output = Command::new("java")
        .args(["-jar", &tool(&tools, "EPUBCHECK_JAR")])
        .arg(epub)
        .arg("--failonwarnings")
        .output()
        .expect("java runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && report.contains("No errors or warnings detected"),
        "EPUBCheck:\n{report}"
    );
}

/// Ace by DAISY: no violation at all.
pub fn assert_ace_clean(epub: &Path) {
    let tools = tools();
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(tool(&tools, "ACE"))
        .env("PUPPETEER_EXECUTABLE_PATH", tool(&tools, "PUPPETEER_EXECUTABLE_PATH"))
        .args(["--exiterror2", "--force", "--silent", "--outdir"])
        .arg(out.path())
        .arg(epub)
        .output()
        .expect("ace runs");
    let report = std::fs::read_to_string(out.path().join("report.json")).unwrap_or_default();
    let violations = violations(&report);
    assert!(
        output.status.success() && !report.is_empty() && violations.is_empty(),
        "Ace ({}): {violations:#?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The failed assertions of an Ace report, as "rule (file): description".
pub fn violations(report: &str) -> Vec<String> {
    let Ok(report) = serde_json::from_str::<serde_json::Value>(report) else {
        return vec![format!("the Ace report is not JSON: {report}")];
    };
    let mut found = Vec::new();
    let documents = report["assertions"].as_array().cloned().unwrap_or_default();
    for document in documents {
        let file = document["earl:testSubject"]["url"].as_str().unwrap_or("").to_string();
        for assertion in document["assertions"].as_array().cloned().unwrap_or_default() {
            if assertion["earl:result"]["earl:outcome"] == "fail" {
                let rule = assertion["earl:test"]["dct:title"].as_str().unwrap_or("?");
                let why = assertion["earl:test"]["dct:description"].as_str().unwrap_or("");
                found.push(format!("{rule} ({file}): {why}"));
            }
        }
    }
    found
}
