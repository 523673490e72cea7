//! Style presets: typst templates embedded in the binary, or a project's own `styles/<name>/`.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::manifest::key_pos;
use crate::model::Publication;

/// The presets built into presse, by name: (name, typst template).
const BUILT_IN: [(&str, &str); 1] = [("default", include_str!("../styles/default/template.typ"))];

/// The EPUB stylesheet of the default preset, used by styles that bring none.
const DEFAULT_CSS: &str = include_str!("../styles/default/epub.css");

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
}

/// The names of the built-in presets.
pub fn built_in_names() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(name, _)| *name).collect()
}

/// The style a publication asks for: the project's `styles/<name>/` first, then a built-in one.
pub fn resolve(root: &Path, publication: &Publication) -> Result<Style, Diagnostic> {
    let name = &publication.manifest.style;
    let local = Path::new("styles").join(name).join("template.typ");
    let manifest = publication.dir.join("publication.toml");
    let safe_name =
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
    if safe_name && root.join(&local).is_file() {
        let template = crate::load::read_text(root, &local)?;
        let css_path = Path::new("styles").join(name).join("epub.css");
        let css = match root.join(&css_path).is_file() {
            true => crate::load::read_text(root, &css_path)?,
            false => DEFAULT_CSS.to_string(),
        };
        return Ok(Style { name: name.clone(), template, origin: local, css });
    }
    if let Some((_, template)) = BUILT_IN.iter().find(|(n, _)| n == name) {
        let origin = PathBuf::from(format!("<built-in style {name}>/template.typ"));
        let css = DEFAULT_CSS.to_string();
        return Ok(Style { name: name.clone(), template: template.to_string(), origin, css });
    }
    let text = std::fs::read_to_string(root.join(&manifest)).unwrap_or_default();
    Err(Diagnostic::error(&manifest, key_pos(&text, "style"), format!("unknown style `{name}`"))
        .with_code("unknown-style")
        .with_hint(format!(
            "use one of: {}, or add styles/{name}/template.typ to the project",
            built_in_names().join(", ")
        )))
}
