//! Style presets: typst template, EPUB stylesheet and options, built into the binary or taken
//! from a project's own `styles/<name>/`.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::load::read_text;
use crate::model::{Pos, Publication};

/// A preset built into presse.
struct BuiltIn {
    name: &'static str,
    template: &'static str,
    css: &'static str,
    preset: &'static str,
}

/// The presets built into presse.
const BUILT_IN: [BuiltIn; 3] = [
    BuiltIn {
        name: "default",
        template: include_str!("../styles/default/template.typ"),
        css: include_str!("../styles/default/epub.css"),
        preset: include_str!("../styles/default/preset.toml"),
    },
    BuiltIn {
        name: "cahiers",
        template: include_str!("../styles/cahiers/template.typ"),
        css: include_str!("../styles/cahiers/epub.css"),
        preset: include_str!("../styles/cahiers/preset.toml"),
    },
    BuiltIn {
        name: "newsletter",
        template: include_str!("../styles/newsletter/template.typ"),
        css: include_str!("../styles/newsletter/epub.css"),
        preset: include_str!("../styles/newsletter/preset.toml"),
    },
];

/// A style resolved for one publication.
#[derive(Debug, Clone)]
pub struct Style {
    /// Its name.
    pub name: String,
    /// The typst template text.
    pub template: String,
    /// Where the template comes from, for error messages (relative to the root, or built in).
    pub origin: PathBuf,
    /// The EPUB stylesheet: `styles/<name>/epub.css`, else the default preset's.
    pub css: String,
    /// The options: the preset's defaults, overridden by the publication's `[options]`.
    pub options: toml::Table,
}

/// The built-in presets: (name, the text of their `preset.toml`).
pub fn built_in() -> Vec<(&'static str, &'static str)> {
    BUILT_IN.iter().map(|b| (b.name, b.preset)).collect()
}

/// The texts of every built-in style: a stamp of the inputs hashes them.
pub fn built_in_texts() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().flat_map(|b| [b.template, b.css, b.preset])
}

/// The style a publication asks for: the project's `styles/<name>/` first, then a built-in one.
pub fn resolve(root: &Path, publication: &Publication) -> Result<Style, Diagnostic> {
    let mut style = find(root, publication)?;
    let manifest = publication.dir.join("publication.toml");
    let at = |key: &str| publication.manifest.key_pos(key);
    for (key, value) in &publication.manifest.options {
        let Some(default) = style.options.get(key) else {
            let known: Vec<&str> = style.options.keys().map(String::as_str).collect();
            return Err(Diagnostic::error(
                &manifest,
                at(key),
                format!("the style `{}` has no option `{key}`", style.name),
            )
            .with_code("unknown-option")
            .with_hint(format!("its options are: {}", known.join(", "))));
        };
        if default.type_str() != value.type_str() {
            return Err(Diagnostic::error(
                &manifest,
                at(key),
                format!(
                    "the option `{key}` takes a {}, not a {}",
                    default.type_str(),
                    value.type_str()
                ),
            )
            .with_code("bad-option")
            .with_hint(format!("its default is {default}")));
        }
        style.options.insert(key.clone(), value.clone());
    }
    Ok(style)
}

fn find(root: &Path, publication: &Publication) -> Result<Style, Diagnostic> {
    let name = &publication.manifest.style;
    let dir = Path::new("styles").join(name);
    let safe_name =
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
    let built_in = BUILT_IN.iter().find(|b| b.name == name);
    if safe_name && root.join(dir.join("template.typ")).is_file() {
        let template = read_text(root, &dir.join("template.typ"))?;
        let css = match root.join(dir.join("epub.css")).is_file() {
            true => read_text(root, &dir.join("epub.css"))?,
            false => built_in.map_or(BUILT_IN[0].css, |b| b.css).to_string(),
        };
        let preset_path = dir.join("preset.toml");
        let options = match root.join(&preset_path).is_file() {
            true => parse_preset(&read_text(root, &preset_path)?, &preset_path)?,
            false => toml::Table::new(),
        };
        return Ok(Style {
            name: name.clone(),
            template,
            origin: dir.join("template.typ"),
            css,
            options,
        });
    }
    if let Some(b) = built_in {
        let origin = PathBuf::from(format!("<built-in style {name}>/template.typ"));
        let preset_path = PathBuf::from(format!("<built-in style {name}>/preset.toml"));
        let options = parse_preset(b.preset, &preset_path)?;
        let (template, css) = (b.template.to_string(), b.css.to_string());
        return Ok(Style { name: name.clone(), template, origin, css, options });
    }
    let manifest = publication.dir.join("publication.toml");
    let names: Vec<&str> = BUILT_IN.iter().map(|b| b.name).collect();
    Err(Diagnostic::error(
        &manifest,
        publication.manifest.key_pos("style"),
        format!("unknown style `{name}`"),
    )
    .with_code("unknown-style")
    .with_hint(format!(
        "use one of: {}, or add styles/{name}/template.typ to the project",
        names.join(", ")
    )))
}

fn parse_preset(text: &str, file: &Path) -> Result<toml::Table, Diagnostic> {
    text.parse::<toml::Table>().map_err(|err| {
        let pos = err.span().map_or(Pos::new(1, 1), |s| crate::diag::pos_of_offset(text, s.start));
        Diagnostic::error(file, pos, err.message().trim().to_string()).with_code("bad-preset")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_preset_parses() {
        for b in &BUILT_IN {
            let options = parse_preset(b.preset, Path::new("p")).unwrap();
            assert!(!options.is_empty(), "{} declares no option", b.name);
        }
    }

    fn publication(options: &str) -> Publication {
        let mut p = crate::load::from_markdown("x");
        p.manifest.options = options.parse().unwrap();
        p
    }

    #[test]
    fn publication_options_override_the_preset_and_are_checked() {
        let root = Path::new(".");
        let style = resolve(root, &publication("font-size = \"12pt\"")).unwrap();
        assert_eq!(style.options["font-size"].as_str(), Some("12pt"));
        let err = resolve(root, &publication("fontsize = \"12pt\"")).unwrap_err();
        assert!(err.message.contains("no option `fontsize`"), "{err}");
        let err = resolve(root, &publication("font-size = 12")).unwrap_err();
        assert!(err.message.contains("takes a string"), "{err}");
    }
}
