//! Property: any text in a paragraph, a heading, a link or a table cell comes out literally.

use crate::common;

use std::path::Path;

use presse::diag::Pos;
use presse::model::{Align, Block, BlockKind, Inline, InlineKind, LinkTarget, Table};
use proptest::prelude::*;

fn text(s: &str) -> Vec<Inline> {
    vec![Inline::new(Pos::new(1, 1), InlineKind::Text(s.to_string()))]
}

/// The same text in the four places where Markdown text lands.
fn blocks_around(s: &str) -> Vec<Block> {
    let at = |kind| Block { pos: Pos::new(1, 1), kind };
    let link = Inline::new(
        Pos::new(1, 1),
        InlineKind::Link {
            target: LinkTarget::Url("https://paris.fr".into()),
            title: String::new(),
            content: text(s),
        },
    );
    vec![
        at(BlockKind::Paragraph(text(s))),
        at(BlockKind::Heading { level: 2, id: "h".into(), content: text(s) }),
        at(BlockKind::Paragraph(vec![link])),
        at(BlockKind::Table(Table {
            aligns: vec![Align::Left],
            header: vec![text("t")],
            rows: vec![vec![text(s)]],
        })),
    ]
}

/// Characters that cannot change a comparison: spaces, and hyphens typst may add at a break.
fn comparable(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{2010}').collect()
}

fn laid_out(s: &str) -> Result<String, String> {
    let mut publication = presse::load::from_markdown("");
    publication.chapters[0].blocks = blocks_around(s);
    let style = presse::styles::resolve(Path::new("."), &publication).unwrap();
    let typeset = presse::pdf::typeset(&publication, Path::new("."), common::environment(), &style);
    match typeset {
        Ok(t) => Ok(presse::pdf::laid_out_text(&t.output.document)),
        Err(found) => Err(format!("{found:?}")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_text_comes_out_literally(s in "[ -~àâçéèêëîïôûùüÿœæÀÇÉ«»’…–—\u{a0}\u{202f}\u{2028}\u{b}]{1,40}") {
        let laid = laid_out(&s).map_err(TestCaseError::fail)?;
        let wanted = comparable(&s.replace(['\u{2028}', '\u{b}'], ""));
        let got = comparable(&laid);
        prop_assert!(got.matches(&wanted).count() >= 4, "{wanted:?} not found 4 times in {got:?}");
    }
}

#[test]
fn typst_syntax_in_text_is_never_evaluated() {
    let hostile =
        "#set page(fill: red) #read(\"/etc/passwd\") $x^2$ <l> @l // c /* c */ \\ `r` *s* _e_ = h";
    let laid = laid_out(hostile).unwrap();
    assert!(comparable(&laid).contains(&comparable(hostile)), "{laid}");
}
