//! `presse new`: a new publication that builds at once, showing the syntax its style uses.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::styles::BuiltInStyle;

/// Where a new publication goes: `(project root, publication folder)`.
///
/// `sources/<name>` (anywhere) is a publication of the project above `sources/`; any other
/// folder becomes a new project holding `sources/<its name>/`.
pub fn locate(dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let name = dir.file_name().and_then(|n| n.to_str()).context("the folder needs a name")?;
    let parent = dir.parent().unwrap_or(Path::new(""));
    if parent.file_name().is_some_and(|n| n == "sources") {
        let root = parent.parent().unwrap_or(Path::new("")).to_path_buf();
        let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
        return Ok((root, dir.to_path_buf()));
    }
    Ok((dir.to_path_buf(), dir.join("sources").join(name)))
}

/// Writes the starter files of a publication in `style`; refuses to touch an existing folder.
pub fn create(publication_dir: &Path, style: BuiltInStyle, date: &str) -> Result<Vec<PathBuf>> {
    if publication_dir.exists()
        && fs::read_dir(publication_dir).map(|mut d| d.next().is_some()).unwrap_or(true)
    {
        bail!("{} exists and is not empty; presse new never overwrites", publication_dir.display());
    }
    let files = match style {
        BuiltInStyle::Cahiers => cahiers(),
        BuiltInStyle::Newsletter => newsletter(),
        BuiltInStyle::Default => plain(),
    };
    let mut written = Vec::new();
    let manifest = manifest(style, date);
    for (name, text) in std::iter::once(("publication.toml", manifest.as_str())).chain(files) {
        let path = publication_dir.join(name);
        fs::create_dir_all(publication_dir)
            .with_context(|| format!("cannot create {}", publication_dir.display()))?;
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

fn manifest(style: BuiltInStyle, date: &str) -> String {
    let (title, subtitle) = match style {
        BuiltInStyle::Cahiers => ("Paris, les cahiers de la métropole", "Le thème du numéro"),
        BuiltInStyle::Newsletter => {
            ("Paris métropolitaine", "La lettre de la coopération métropolitaine")
        }
        BuiltInStyle::Default => ("Titre de la publication", "Sous-titre"),
    };
    // A newsletter goes to the printer on a folded sheet: four pages, or eight …
    let print = match style {
        BuiltInStyle::Newsletter => "\n[print]\npages_multiple_of = 4\n",
        _ => "",
    };
    let style = style.name();
    format!(
        "# What the publication is; README.md lists every field.\n\
         title = \"{title}\"\nsubtitle = \"{subtitle}\"\nnumber = 1\ndate = \"{date}\"\n\
         lang = \"fr\"\nstyle = \"{style}\"\nauthors = [\"La rédaction\"]\n\
         publisher = \"Ville de Paris\"\n\n\
         # Options of the style (presse styles lists them), for instance:\n\
         # [options]\n# accent = \"#e4513a\"\n{print}"
    )
}

fn plain() -> Vec<(&'static str, &'static str)> {
    vec![(
        "01-introduction.md",
        "# Introduction\n\nÉcrivez ici en Markdown : *italique*, **gras**, des listes, des \
         tableaux et des notes[^1].\n\n[^1]: Une note de bas de page.\n",
    )]
}

fn cahiers() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "01-editorial.md",
            "---\ntitle: Éditorial\n---\nLe texte de l'éditorial, court et signé.\n\n\
             ::: signature\nLa rédaction\n:::\n",
        ),
        (
            "02-article.md",
            "---\nkicker: Rubrique\ntitle: Le titre de l'article\nstandfirst: Le chapô résume \
             l'article en deux ou trois lignes.\n---\nLe premier paragraphe de l'article.\n\n\
             ## Un intertitre\n\nLa suite du texte, avec une note[^1].\n\n\
             ::: encadre Un encadré\nUn texte à part, dans un cadre.\n:::\n\n\
             ::: citation Un élu de la petite couronne\nUne phrase forte, mise en exergue.\n:::\n\n\
             ::: chiffres\n- **2,2 millions** d'habitants à Paris\n- **124** communes en petite \
             couronne\n- **6** départements en Île-de-France hors Paris\n:::\n\n\
             [^1]: La source de l'information.\n",
        ),
    ]
}

fn newsletter() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "01-editorial.md",
            "---\nkicker: Éditorial\ntitle: Le mot du mois\n---\nQuelques lignes d'éditorial.\n\n\
             ::: signature\nLa rédaction\n:::\n",
        ),
        (
            "02-a-la-une.md",
            "---\nkicker: À la une\ntitle: Le titre de l'article principal\nstandfirst: Le chapô \
             de l'article principal.\n---\nLe texte de l'article principal.\n\n\
             ## Un intertitre\n\nLa suite du texte.\n",
        ),
        (
            "03-agenda.md",
            "---\nkicker: Rendez-vous\ntitle: Les rendez-vous du mois\n---\n::: agenda Agenda\n\
             - **12 janvier** — Une conférence, Hôtel de Ville\n- **9 février** — Une \
             rencontre, à préciser\n:::\n\n::: breves En bref\nUne brève, en deux phrases.\n:::\n",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_under_sources_is_a_publication_else_a_project() {
        let (root, dir) = locate(Path::new("projet/sources/lettre")).unwrap();
        assert_eq!((root, dir), ("projet".into(), "projet/sources/lettre".into()));
        let (root, dir) = locate(Path::new("sources/lettre")).unwrap();
        assert_eq!((root, dir), (".".into(), "sources/lettre".into()));
        let (root, dir) = locate(Path::new("revue")).unwrap();
        assert_eq!((root, dir), ("revue".into(), "revue/sources/revue".into()));
    }

    #[test]
    fn an_existing_folder_is_never_overwritten() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("x.md"), "mine").unwrap();
        assert!(create(tmp.path(), BuiltInStyle::Cahiers, "2012-01-01").is_err());
        assert_eq!(fs::read_to_string(tmp.path().join("x.md")).unwrap(), "mine");
    }
}
