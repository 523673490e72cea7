//! Layout a designer would sign: columns that end level where articles end (read from the PDF
//! by poppler's `pdftotext -bbox`, not by presse), a newsletter held to its page count, and
//! the layout findings, each shown to fire on a fixture made for it.

use crate::common;

#[test]
fn where_an_article_of_the_cahiers_ends_its_columns_end_level() {
    let root = common::repository();
    let publication = presse::build::prepare(root, "cahiers").unwrap().output;
    let style = presse::styles::resolve(root, &publication).unwrap();
    let env = common::environment_with_project_fonts();
    let typeset = presse::pdf::typeset(&publication, root, env, &style).ok().unwrap().output;
    let pages: Vec<_> = typeset
        .document
        .pages()
        .iter()
        .map(|page| presse::pdf::columns::read(&page.frame, 2))
        .collect();
    // An article opens a page with its title across the columns: their text begins low.
    let opens = |index: usize| {
        pages
            .get(index)
            .and_then(|p| p.bands.first())
            .is_some_and(|b| b.top > typst::layout::Abs::pt(150.0))
    };
    let (mut checked, mut uneven) = (0, Vec::new());
    for (index, page) in pages.iter().enumerate() {
        let (Some(band), Some(pitch)) = (page.bands.last(), page.pitch) else { continue };
        if page.count < 2 || !(opens(index + 1) || index + 2 == pages.len()) {
            continue;
        }
        checked += 1;
        let ends: Vec<f64> = band.bottoms.iter().map(|b| b.unwrap_or(band.top).to_pt()).collect();
        let spread = ends.iter().cloned().fold(f64::MIN, f64::max)
            - ends.iter().cloned().fold(f64::MAX, f64::min);
        // Within a line, or a little more where the article ends with a block that does not
        // break (the editorial's signature), which cannot be shared between the columns.
        if spread > 2.5 * pitch.to_pt() {
            uneven.push(format!("page {}: {ends:?}", index + 1));
        }
    }
    assert!(checked >= 5, "only {checked} article ends found");
    assert!(uneven.is_empty(), "columns ending more than 2.5 lines apart: {uneven:?}");
}

/// The `lettre` sample in a project of its own, with `extra` of its chapters added again under
/// new names.
fn lettre_with(extra: &[&str]) -> tempfile::TempDir {
    let project = tempfile::tempdir().unwrap();
    let to = project.path().join("sources/lettre");
    common::copy_tree(&common::repository().join("sources/lettre"), &to);
    let manifest = std::fs::read_to_string(to.join("publication.toml")).unwrap();
    let mut added = String::new();
    for (index, chapter) in extra.iter().enumerate() {
        let name = format!("20-encore-{index}.md");
        std::fs::copy(to.join(chapter), to.join(&name)).unwrap();
        added.push_str(&format!("  \"{name}\",\n"));
    }
    let manifest =
        manifest.replacen("  \"13-agenda.md\",", &format!("{added}  \"13-agenda.md\","), 1);
    std::fs::write(to.join("publication.toml"), manifest).unwrap();
    project
}

#[test]
fn a_newsletter_with_three_articles_too_many_says_what_runs_past_page_four() {
    let project = lettre_with(&["03-sdrif.md", "05-tramway.md", "07-atelier.md"]);
    let root = project.path().to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let args = ["build", "--root", root, "--out", out.path().to_str().unwrap(), "--format", "pdf"];
    let (code, stderr) = common::run_presse(&args);
    assert_eq!(code, 0, "{stderr}");
    let finding = stderr.lines().find(|l| l.contains("lines too many")).expect(&stderr);
    assert!(finding.contains("page 4:") && finding.contains("lines too many"), "{finding}");
    assert!(finding.contains("sources/lettre/") && finding.contains(".md:"), "{finding}");
    assert!(stderr.contains("the last article that fits whole is « "), "{stderr}");
    let (code, stderr) = common::run_presse(&[&args[..], &["--strict"]].concat());
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error: page 4: about"), "{stderr}");
}

#[test]
fn a_newsletter_that_leaves_a_page_blank_says_how_much_is_missing() {
    let project = tempfile::tempdir().unwrap();
    let to = project.path().join("sources/lettre");
    common::copy_tree(&common::repository().join("sources/lettre"), &to);
    let manifest = std::fs::read_to_string(to.join("publication.toml")).unwrap();
    let start = manifest.find("chapters = [").unwrap();
    let end = start + manifest[start..].find(']').unwrap() + 1;
    let short = format!(
        "{}chapters = [\"01-editorial.md\", \"02-paris-metropole.md\"]{}",
        &manifest[..start],
        &manifest[end..]
    );
    std::fs::write(to.join("publication.toml"), short).unwrap();
    let (_, stderr) = common::build_ok(project.path(), &["--format", "pdf"]);
    let finding = stderr.lines().find(|l| l.contains(" blank")).expect(&stderr);
    assert!(
        finding.contains("publication.toml:")
            && finding.contains("2 of its 4 pages: 2 pages blank"),
        "{finding}"
    );
}

/// A one-chapter project in the `cahiers` style (two columns), its chapter's Markdown given.
fn cahiers_project(chapter: &str, files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let manifest = common::manifest("style = \"cahiers\"\n");
    let mut all: Vec<(&str, &[u8])> = vec![
        ("sources/essai/publication.toml", &manifest),
        ("sources/essai/01-texte.md", chapter.as_bytes()),
    ];
    all.extend_from_slice(files);
    common::project(&all)
}

fn paragraphs(count: usize) -> String {
    let paragraph = "La métropole se construit par des projets partagés entre les communes, les \
                     départements et la région, au fil des saisons et des budgets votés chaque année \
                     par leurs assemblées, qui en débattent longuement. ";
    (0..count).map(|_| format!("{}\n\n", paragraph.repeat(3))).collect()
}

#[test]
fn a_heading_left_at_the_foot_of_a_column_is_found_at_its_line() {
    let chapter = format!(
        "# Essai\n\n{}## Un intertitre seul\n\n```{{=typst}}\n#colbreak()\n```\n\n{}",
        paragraphs(2),
        paragraphs(2)
    );
    let project = cahiers_project(&chapter, &[]);
    let (_, stderr) = common::build_ok(project.path(), &["--format", "pdf"]);
    let finding =
        stderr.lines().find(|l| l.contains("alone, its text on the next")).expect(&stderr);
    assert!(
        finding.contains("01-texte.md:7:1") && finding.contains("Un intertitre seul"),
        "{finding}"
    );
}

#[test]
fn a_column_left_short_in_the_middle_of_an_article_is_found() {
    // A tall block that does not break finds no room at the foot of the first column and goes
    // to the second, leaving a hole; the article goes on after it.
    let block =
        "```{=typst}\n#block(width: 100%, height: 420pt, breakable: false, fill: luma(230))\n```";
    let chapter = format!("# Essai\n\n{}{block}\n\n{}", paragraphs(4), paragraphs(8));
    let project = cahiers_project(&chapter, &[]);
    let (_, stderr) = common::build_ok(project.path(), &["--format", "pdf"]);
    let finding = stderr.lines().find(|l| l.contains("lines short of the longest")).expect(&stderr);
    assert!(finding.contains("01-texte.md:") && finding.contains("page 3: column 1"), "{finding}");
}

#[test]
fn a_picture_running_off_the_page_is_found_at_its_line() {
    let chapter = "# Essai\n\nAvant.\n\n```{=typst}\n#image(\"/sources/essai/plan.png\", alt: \"Un plan\", width: 160%)\n```\n\nAprès.\n";
    let png = common::png(400, 200);
    let manifest = common::manifest("");
    let project = common::project(&[
        ("sources/essai/publication.toml", &manifest),
        ("sources/essai/01-texte.md", chapter.as_bytes()),
        ("sources/essai/plan.png", &png),
    ]);
    let (_, stderr) = common::build_ok(project.path(), &["--format", "pdf"]);
    let finding = stderr.lines().find(|l| l.contains("runs off the text area")).expect(&stderr);
    assert!(finding.contains("01-texte.md:") && finding.contains("runs off"), "{finding}");
}

#[test]
fn a_paragraphs_last_line_alone_at_the_top_of_a_page_is_found() {
    // typst keeps widows away by default; the chapter lets them be, and its text leaves the
    // last line of a paragraph alone at the top of page 4.
    let paragraph = "La métropole se construit par des projets partagés entre les communes, les \
                     départements et la région, au fil des saisons et des budgets votés chaque \
                     année. "
        .repeat(4);
    let body: String = (0..14).map(|_| format!("{paragraph}\n\n")).collect();
    let widows = "```{=typst}\n#set text(costs: (widow: 0%, orphan: 0%))\n```\n\n";
    let chapter = format!("# Essai\n\n{widows}mot\n\n{body}");
    let manifest = common::manifest("");
    let project = common::project(&[
        ("sources/essai/publication.toml", &manifest),
        ("sources/essai/01-texte.md", chapter.as_bytes()),
    ]);
    let (_, stderr) = common::build_ok(project.path(), &["--format", "pdf"]);
    let finding = stderr.lines().find(|l| l.contains("(a widow)")).expect(&stderr);
    assert!(finding.contains("01-texte.md:23:1") && finding.contains("page 4:"), "{finding}");
}
