//! Where each page of the laid-out PDF begins in the sources, for the EPUB's page list: read
//! from the pages typst laid out (their glyphs carry spans into the emitted source, which maps
//! back to the Markdown), so it costs no second layout.

use typst::foundations::NativeElement;
use typst::introspection::{Location, Tag};
use typst::layout::{Frame, FrameItem};
use typst::pdf::ArtifactElem;
use typst::syntax::FileId;
use typst::text::TextItem;
use typst::{World, WorldExt};

use crate::diag::Pos;
use crate::pdf::Typeset;
use crate::pdf::emit::SourceMap;
use crate::pdf::world::PresseWorld;

/// How many characters of a page's first words are kept to find them again in the EPUB.
const WORDS_KEPT: usize = 48;

/// Where a page of the PDF begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageStart {
    /// The page's number in the PDF, from 1.
    pub page: usize,
    /// The chapter (its index in the publication) whose text begins the page.
    pub chapter: usize,
    /// The Markdown position the emitted text there comes from (its block, or an inline
    /// element inside it).
    pub pos: Pos,
    /// The first words of the page, as laid out.
    pub words: String,
}

/// The start of every page that shows text of the chapters, in page order. A page that shows
/// only the style's own words (a cover, a blank page) or words of pages before it (a contents
/// entry) has none.
pub fn page_starts(typeset: &Typeset) -> Vec<PageStart> {
    let main = typeset.world.main();
    let mut starts = Vec::new();
    let mut reached = 0;
    for (index, page) in typeset.document.pages().iter().enumerate() {
        let mut runs = Runs {
            main,
            world: &typeset.world,
            map: &typeset.source.map,
            artifacts: Vec::new(),
            all: Vec::new(),
        };
        runs.frame(&page.frame);
        let Some((from, first)) = runs.first_from(reached) else { continue };
        reached = first.mark;
        let (chapter, pos) = typeset.source.map.mark(first.mark);
        starts.push(PageStart { page: index + 1, chapter, pos, words: runs.words_from(from) });
    }
    starts
}

/// A run of laid-out text that comes from the emitted source.
#[derive(Debug, Clone)]
struct Run {
    /// The source map's mark its first glyph follows: the block or inline element it is in.
    mark: usize,
    /// Its text from that glyph on.
    text: String,
}

/// The runs of a page, in the order of its frames, leaving out artifacts (running heads,
/// folios, decoration) and the template's own words.
struct Runs<'a> {
    /// The emitted source.
    main: FileId,
    world: &'a PresseWorld,
    map: &'a SourceMap,
    /// The artifacts being walked through.
    artifacts: Vec<Location>,
    all: Vec<Run>,
}

impl Runs<'_> {
    fn frame(&mut self, frame: &Frame) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => self.frame(&group.frame),
                FrameItem::Tag(Tag::Start(element, _)) if element.elem() == ArtifactElem::ELEM => {
                    self.artifacts.extend(element.location());
                }
                FrameItem::Tag(Tag::End(location, ..))
                    if self.artifacts.last() == Some(location) =>
                {
                    self.artifacts.pop();
                }
                FrameItem::Text(text) if self.artifacts.is_empty() => self.text(text),
                _ => {}
            }
        }
    }

    fn text(&mut self, text: &TextItem) {
        let Some(glyph) = text.glyphs.first() else { return };
        let (span, _) = glyph.span;
        if span.id() != Some(self.main) {
            return;
        }
        // Offsets inside one string literal are not in reading order (typst gives the parts
        // after an escape the literal's start), but a literal lies between two marks.
        let Some(range) = self.world.range(span) else { return };
        let Some(mark) = self.map.mark_at(range.start) else { return };
        let start = glyph.range().start.min(text.text.len());
        let text = text.text.get(start..).unwrap_or_default().to_string();
        self.all.push(Run { mark, text });
    }

    /// The run that comes first in the sources, at or after `mark`; of the runs of one mark,
    /// the first laid out.
    fn first_from(&self, mark: usize) -> Option<(usize, &Run)> {
        let after = self.all.iter().enumerate().filter(|(_, run)| run.mark >= mark);
        after.min_by_key(|(index, run)| (run.mark, *index))
    }

    /// The words of the run at `from`, and of those laid out after it, up to [`WORDS_KEPT`].
    fn words_from(&self, from: usize) -> String {
        let mut words = String::new();
        for run in &self.all[from..] {
            if run.mark < self.all[from].mark {
                break;
            }
            words.push_str(&run.text);
            if words.chars().count() >= WORDS_KEPT {
                break;
            }
        }
        words.chars().take(WORDS_KEPT).collect()
    }
}
