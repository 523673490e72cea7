//! Every sample publication in `sources/` builds cleanly (no error, no warning), its PDF embeds
//! every font, and its EPUB passes EPUBCheck and Ace.

use crate::common;

#[test]
fn every_sample_publication_builds_without_a_warning() {
    let root = common::repository();
    let (out, stderr) = common::samples();
    assert!(!stderr.contains("warning"), "warnings:\n{stderr}");
    let samples = std::fs::read_dir(root.join("sources")).unwrap().flatten().count();
    assert!(samples > 0, "sources/ holds no publication");
    for entry in std::fs::read_dir(root.join("sources")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pdf = out.join(&name).join(format!("{name}.pdf"));
        assert!(pdf.is_file(), "no PDF for {name}");
        common::assert_fonts_embedded(&pdf);
        let epub = out.join(&name).join(format!("{name}.epub"));
        common::validators::assert_epubcheck_clean(&epub);
        common::validators::assert_ace_clean(&epub);
    }
}
