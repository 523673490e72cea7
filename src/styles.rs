//! Style presets: typst template, EPUB stylesheet and options, built into the binary or taken
//! from a project's own `styles/<name>/`.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Pos, pos_of_offset};
use crate::files::read_text;
use crate::model::Publication;

/// A style preset built into presse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltInStyle {
    /// A plain book.
    Default,
    /// A magazine issue, after *Paris, les cahiers de la métropole*.
    Cahiers,
    /// A monthly newsletter, after *Paris métropolitaine*.
    Newsletter,
}

/// The files of a built-in style.
struct BuiltIn {
    template: &'static str,
    css: &'static str,
    preset: &'static str,
}

impl BuiltInStyle {
    /// Every built-in style, the default first.
    pub const ALL: [BuiltInStyle; 3] =
        [BuiltInStyle::Default, BuiltInStyle::Cahiers, BuiltInStyle::Newsletter];

    /// Its name, as `publication.toml` writes it.
    pub fn name(self) -> &'static str {
        match self {
            BuiltInStyle::Default => "default",
            BuiltInStyle::Cahiers => "cahiers",
            BuiltInStyle::Newsletter => "newsletter",
        }
    }

    /// The built-in style of this name.
    pub fn named(name: &str) -> Option<BuiltInStyle> {
        BuiltInStyle::ALL.into_iter().find(|style| style.name() == name)
    }

    /// Its options, with their defaults and what each does: the text of its `preset.toml`.
    pub fn preset(self) -> &'static str {
        self.files().preset
    }

    fn files(self) -> BuiltIn {
        match self {
            BuiltInStyle::Default => BuiltIn {
                template: include_str!("../styles/default/template.typ"),
                css: include_str!("../styles/default/epub.css"),
                preset: include_str!("../styles/default/preset.toml"),
            },
            BuiltInStyle::Cahiers => BuiltIn {
                template: include_str!("../styles/cahiers/template.typ"),
                css: include_str!("../styles/cahiers/epub.css"),
                preset: include_str!("../styles/cahiers/preset.toml"),
            },
            BuiltInStyle::Newsletter => BuiltIn {
                template: include_str!("../styles/newsletter/template.typ"),
                css: include_str!("../styles/newsletter/epub.css"),
                preset: include_str!("../styles/newsletter/preset.toml"),
            },
        }
    }
}

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

/// The texts of every built-in style: a stamp of the inputs hashes them.
pub fn built_in_texts() -> impl Iterator<Item = &'static str> {
    BuiltInStyle::ALL
        .into_iter()
        .map(BuiltInStyle::files)
        .flat_map(|b| [b.template, b.css, b.preset])
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
    let built_in = BuiltInStyle::named(name).map(BuiltInStyle::files);
    if safe_name && root.join(dir.join("template.typ")).is_file() {
        let template = read_text(root, &dir.join("template.typ"))?;
        let css = match root.join(dir.join("epub.css")).is_file() {
            true => read_text(root, &dir.join("epub.css"))?,
            false => built_in.unwrap_or(BuiltInStyle::Default.files()).css.to_string(),
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
    let names: Vec<&str> = BuiltInStyle::ALL.iter().map(|b| b.name()).collect();
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
        let pos = err.span().map_or(Pos::new(1, 1), |s| pos_of_offset(text, s.start));
        Diagnostic::error(file, pos, err.message().trim().to_string()).with_code("bad-preset")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_preset_parses() {
        for style in BuiltInStyle::ALL {
            let options = parse_preset(style.preset(), Path::new("p")).unwrap();
            assert!(!options.is_empty(), "{} declares no option", style.name());
            assert_eq!(BuiltInStyle::named(style.name()), Some(style));
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
