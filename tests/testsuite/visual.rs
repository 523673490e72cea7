//! Visual regression: chosen pages of the sample publications, rendered to pixels, compared
//! with committed references. A change that alters a page fails here until it is accepted on
//! purpose with `PRESSE_UPDATE_REFERENCES=1 cargo test --test testsuite visual::`.

use crate::common;

use std::path::{Path, PathBuf};

use image::RgbaImage;

/// Pixels per point of the references (A4 becomes 298 x 421 pixels).
const SCALE: f64 = 0.5;
/// A pixel differs when one of its channels moved by more than this.
const CHANNEL_TOLERANCE: u8 = 48;
/// A page differs when more than this share of its pixels differ.
const PIXEL_TOLERANCE: f64 = 0.004;

/// The pages watched: (publication, 1-based page numbers).
const WATCHED: [(&str, &[usize]); 2] = [("cahiers", &[1, 2, 3, 4, 14]), ("lettre", &[1, 2, 4])];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn reference(publication: &str, page: usize) -> PathBuf {
    root().join("tests/references").join(format!("{publication}-page-{page:02}.png"))
}

/// The share of pixels that differ, or 1.0 when the sizes differ.
fn difference(a: &RgbaImage, b: &RgbaImage) -> f64 {
    if a.dimensions() != b.dimensions() {
        return 1.0;
    }
    let differing = a
        .pixels()
        .zip(b.pixels())
        .filter(|(p, q)| p.0.iter().zip(q.0).any(|(x, y)| x.abs_diff(y) > CHANNEL_TOLERANCE))
        .count();
    differing as f64 / (a.width() * a.height()) as f64
}

fn render(name: &str) -> typst_layout::PagedDocument {
    render_at(root(), name)
}

fn render_at(root: &Path, name: &str) -> typst_layout::PagedDocument {
    let publication = presse::build::prepare(root, name)
        .unwrap_or_else(|found| panic!("{name} does not load: {found:?}"))
        .output;
    let style = presse::styles::resolve(root, &publication).unwrap();
    let env = common::environment_with_project_fonts();
    presse::pdf::typeset(&publication, root, env, &style)
        .unwrap_or_else(|found| panic!("{name} does not compile: {found:?}"))
        .output
        .document
}

#[test]
fn sample_pages_match_their_references() {
    let update = std::env::var_os("PRESSE_UPDATE_REFERENCES").is_some();
    let mut changed = Vec::new();
    for (name, pages) in WATCHED {
        let document = render(name);
        for &page in pages {
            let actual = presse::pdf::rasterise(&document.pages()[page - 1], SCALE);
            let path = reference(name, page);
            if update {
                actual.save(&path).unwrap();
                continue;
            }
            let expected = image::open(&path)
                .unwrap_or_else(|e| {
                    panic!(
                        "no reference {} ({e}); run with PRESSE_UPDATE_REFERENCES=1",
                        path.display()
                    )
                })
                .to_rgba8();
            let share = difference(&actual, &expected);
            if share > PIXEL_TOLERANCE {
                let seen = std::env::temp_dir().join(format!("presse-{name}-page-{page:02}.png"));
                actual.save(&seen).unwrap();
                changed.push(format!(
                    "{name} page {page}: {:.2}% of pixels differ (now in {})",
                    share * 100.0,
                    seen.display()
                ));
            }
        }
    }
    assert!(
        changed.is_empty(),
        "pages changed; if on purpose, run PRESSE_UPDATE_REFERENCES=1 cargo test --test testsuite visual::\n{}",
        changed.join("\n")
    );
}

#[test]
fn the_comparison_notices_a_change() {
    let white = RgbaImage::from_pixel(100, 100, image::Rgba([255, 255, 255, 255]));
    let mut marked = white.clone();
    for x in 0..10 {
        for y in 0..10 {
            marked.put_pixel(x, y, image::Rgba([0, 0, 0, 255]));
        }
    }
    assert_eq!(difference(&white, &white), 0.0);
    assert!(difference(&white, &marked) > PIXEL_TOLERANCE);
}

/// Both presets lay out a title written as `# …` atop a chapter as they lay out the front
/// matter's `title:` (the newsletter's lead story, editorial and news items; the cahiers'
/// openers, contents and cover lines).
#[test]
fn a_title_written_as_an_opening_heading_is_laid_out_as_the_front_matter_s() {
    let changed = [
        ("lettre", &["01-editorial.md", "02-paris-metropole.md", "04-grand-paris-express.md"][..]),
        ("cahiers", &["02-sdrif.md", "03-paris-metropole.md"][..]),
    ];
    for (name, chapters) in changed {
        let project = tempfile::tempdir().unwrap();
        let sample = project.path().join("sources").join(name);
        common::copy_tree(&root().join("sources").join(name), &sample);
        for chapter in chapters {
            let path = sample.join(chapter);
            let markdown = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, title_as_heading(&markdown)).unwrap();
        }
        let (expected, actual) = (render(name), render_at(project.path(), name));
        assert_eq!(expected.pages().len(), actual.pages().len(), "{name}");
        for (number, (a, b)) in expected.pages().iter().zip(actual.pages()).enumerate() {
            let (a, b) = (presse::pdf::rasterise(a, SCALE), presse::pdf::rasterise(b, SCALE));
            assert_eq!(difference(&a, &b), 0.0, "{name}: page {} differs", number + 1);
        }
    }
}

/// The Markdown with its front matter's `title: …` moved to a `# …` line atop the body.
fn title_as_heading(markdown: &str) -> String {
    let title_line = markdown.lines().find(|l| l.starts_with("title: ")).expect("a title");
    let title = title_line.trim_start_matches("title: ");
    let without = markdown.replacen(&format!("{title_line}\n"), "", 1);
    let end = without[3..].find("---\n").unwrap() + 3 + 4;
    format!("{}\n# {title}\n{}", &without[..end], &without[end..])
}
