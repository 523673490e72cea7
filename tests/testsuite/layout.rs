//! Layout a designer would sign: columns that end level where articles end (read from the
//! laid-out frames), a newsletter held to its page count, and
//! the layout findings, each shown to fire on a fixture made for it.

use crate::common;

/// How far apart, in lines, the columns of the samples' pages end: at most one line where an
/// article ends (or the newsletter's last page), three anywhere else.
#[test]
fn the_columns_of_both_samples_end_level() {
    let mut uneven = Vec::new();
    for name in ["cahiers", "lettre"] {
        let (pages, checked) = column_ends(name);
        assert!(checked >= if name == "cahiers" { 6 } else { 1 }, "{name}: {checked} ends");
        uneven.extend(pages.into_iter().map(|page| format!("{name} {page}")));
    }
    assert!(uneven.is_empty(), "columns ending apart: {uneven:#?}");
}

/// The pages of a sample whose columns end too far apart, and how many article ends were
/// checked. The columns are read from the laid-out frames.
fn column_ends(name: &str) -> (Vec<String>, usize) {
    let root = common::repository();
    let publication = presse::build::prepare(root, name).unwrap().output;
    let style = presse::styles::resolve(root, &publication).unwrap();
    let max = style.options.get("columns").and_then(toml::Value::as_integer).unwrap() as usize;
    let env = common::environment_with_project_fonts();
    let typeset = presse::pdf::typeset(&publication, root, env, &style).ok().unwrap().output;
    let pages: Vec<_> = typeset
        .document
        .pages()
        .iter()
        .map(|page| presse::pdf::columns::read(&page.frame, max))
        .collect();
    // An article of the cahiers opens a page with its title across the columns: their text
    // begins low. The newsletter's articles run on; its last page ends them.
    let opens = |index: usize| {
        pages.get(index).and_then(|p| p.bands.first()).is_some_and(|b| b.top.to_pt() > 150.0)
    };
    let last_text = pages.iter().rposition(|page| page.count > 1).unwrap();
    let (mut checked, mut uneven) = (0, Vec::new());
    for (index, page) in pages.iter().enumerate() {
        let Some(pitch) = page.pitch.filter(|_| page.count > 1) else { continue };
        for (band_index, band) in page.bands.iter().enumerate() {
            let ends: Vec<f64> = band.filled().map(|end| end.to_pt()).collect();
            let spread = ends.iter().cloned().fold(f64::MIN, f64::max)
                - ends.iter().cloned().fold(f64::MAX, f64::min);
            let last = band_index + 1 == page.bands.len();
            let article_end =
                last && (index == last_text || (name == "cahiers" && opens(index + 1)));
            checked += usize::from(article_end);
            // In whole lines: the spacing around headings and blocks makes fractions.
            let allowed = if article_end { 1.0 } else { 3.0 };
            if ends.len() < band.bottoms.len() || (spread / pitch.to_pt()).round() > allowed {
                uneven.push(format!("page {}: {ends:?}, {allowed} lines allowed", index + 1));
            }
        }
    }
    (uneven, checked)
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

#[test]
fn a_newsletter_column_left_short_before_the_next_article_is_found() {
    // The tramway article ends with a column break: its column stops short, and the next
    // article's head opens the next column.
    let project = lettre_with(&[]);
    let tramway = project.path().join("sources/lettre/05-tramway.md");
    let mut text = std::fs::read_to_string(&tramway).unwrap();
    text.push_str("\n```{=typst}\n#colbreak()\n```\n");
    std::fs::write(&tramway, text).unwrap();
    let (_, stderr) = common::build_ok(project.path(), &["--format", "pdf"]);
    let finding = stderr.lines().find(|l| l.contains("found no room at its foot")).expect(&stderr);
    assert!(
        finding.contains("05-tramway.md:") && finding.contains("the head of « Paris Nord"),
        "{finding}"
    );
}

#[test]
fn an_articles_last_lines_alone_on_a_page_are_found() {
    let pagebreak = "```{=typst}\n#pagebreak()\n```";
    let chapter = format!("# Essai\n\n{}{pagebreak}\n\nLa dernière phrase.\n", paragraphs(2));
    let project = cahiers_project(&chapter, &[]);
    let (_, stderr) = common::build_ok(project.path(), &["--format", "pdf"]);
    let finding = stderr.lines().find(|l| l.contains("line alone, leaving")).expect(&stderr);
    assert!(
        finding.contains("01-texte.md:11:1")
            && finding.contains("page 4: « Essai » ends on this page with 1 line alone"),
        "{finding}"
    );
}
