//! The CI recipes of `examples/ci/` work as written: they parse, the README shows them as they
//! are, and every presse command in them is one presse accepts.

use std::path::Path;

use crate::common::{presse, repository};

const RECIPES: [&str; 3] = ["github-actions.yml", "github-actions-installed.yml", "gitlab-ci.yml"];

/// Every shell line of a YAML document: the values of GitHub's `run` and GitLab's `script`.
fn shell_lines(value: &serde_yaml_ng::Value, out: &mut Vec<String>) {
    use serde_yaml_ng::Value;
    let Value::Mapping(map) = value else {
        if let Value::Sequence(items) = value {
            items.iter().for_each(|v| shell_lines(v, out));
        }
        return;
    };
    for (key, value) in map {
        match (key.as_str(), value) {
            (Some("run"), Value::String(line)) => out.push(line.clone()),
            (Some("script"), Value::Sequence(lines)) => {
                out.extend(lines.iter().filter_map(|l| l.as_str().map(str::to_string)))
            }
            _ => shell_lines(value, out),
        }
    }
}

/// The presse commands of a recipe's steps, with the CI's variables given values.
fn presse_commands(recipe: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(recipe).unwrap();
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text)
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", recipe.display()));
    let mut all = Vec::new();
    shell_lines(&yaml, &mut all);
    let commands = all.iter().flat_map(|s| s.split(['\n', '|'])).flat_map(|s| s.split("||"));
    commands
        .map(|line| {
            line.replace("${{ matrix.shard }}", "1")
                .replace("${CI_NODE_INDEX}", "1")
                .replace("${CI_NODE_TOTAL}", "2")
        })
        .filter_map(|line| {
            let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
            let at = words.iter().position(|w| w == "presse" || w.ends_with("/presse"))?;
            let command = words[at + 1..].to_vec();
            (!command.is_empty()).then_some(command)
        })
        .collect()
}

#[test]
fn the_recipes_parse_and_name_commands_presse_accepts() {
    for recipe in RECIPES {
        let path = repository().join("examples/ci").join(recipe);
        let commands = presse_commands(&path);
        assert!(commands.len() >= 2, "{recipe}: {commands:?}");
        for command in commands {
            let output = presse().args(&command).arg("--help").output().unwrap();
            let said = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "{recipe}: presse {command:?}: {said}");
        }
    }
}

#[test]
fn the_readme_shows_the_recipes_as_they_are() {
    let readme = std::fs::read_to_string(repository().join("README.md")).unwrap();
    for recipe in ["github-actions.yml", "gitlab-ci.yml"] {
        let text = std::fs::read_to_string(repository().join("examples/ci").join(recipe)).unwrap();
        assert!(readme.contains(&format!("```yaml\n{text}```")), "README differs from {recipe}");
    }
}

#[test]
fn a_command_presse_does_not_know_is_caught() {
    let output = presse().args(["build", "--no-such-flag", "--help"]).output().unwrap();
    assert!(!output.status.success(), "the recipe check would let a wrong flag pass");
}
