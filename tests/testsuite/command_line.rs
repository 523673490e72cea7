//! The conventions of command-line tools: completions, a manual page, `--color`, a version that
//! names typst's, and a word from `presse check` when all is well.

use crate::common::{manifest, presse, project};

/// Runs presse; exit code, standard output and standard error.
fn run(args: &[&str]) -> (i32, String, String) {
    let output = presse().args(args).output().expect("presse runs");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8");
    (output.status.code().unwrap_or(-1), text(output.stdout), text(output.stderr))
}

#[test]
fn completions_come_for_every_shell_and_know_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script, said) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {said}");
        for command in ["build", "watch", "check", "new"] {
            assert!(script.contains(command), "{shell} completions lack {command}");
        }
    }
}

#[test]
fn the_manual_page_is_roff_and_the_version_names_typst() {
    let (code, page, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH presse 1") && page.contains("build"), "{page}");
    let (code, version, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(version.starts_with("presse ") && version.contains("(typst 0."), "{version}");
}

#[test]
fn color_always_colours_a_pipe_and_never_colours_nothing() {
    let dir = project(&[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", b"")]);
    let root = dir.path().to_str().unwrap();
    let (_, _, coloured) = run(&["--color", "always", "check", "--root", root]);
    assert!(coloured.contains("\u{1b}["), "{coloured}");
    let (_, _, plain) = run(&["check", "--root", root, "--color", "never"]);
    assert!(!plain.contains('\u{1b}') && plain.contains("empty"), "{plain}");
}

#[test]
fn check_says_one_line_when_all_is_well() {
    let dir =
        project(&[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", b"# Un\n")]);
    let (code, out, said) = run(&["check", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{said}");
    assert_eq!((out.as_str(), said.as_str()), ("", "checked 1 publication: no findings\n"));
}
