//! Where each page of the laid-out PDF begins in the sources, for the EPUB's page list: read
//! from the pages typst laid out (their glyphs carry spans into the emitted source, which maps
//! back to the Markdown), so it costs no second layout.

use std::collections::{BTreeMap, HashMap};
use typst::foundations::NativeElement;
use typst::introspection::{Location, Tag};
use typst::layout::{Frame, FrameItem};
use typst::pdf::ArtifactElem;
use typst::syntax::{FileId, Span};
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
    let mut starts = Vec::new();
    let mut reached = 0;
    let mut runs = Runs::new(typeset);
    for (index, page) in typeset.document.pages().iter().enumerate() {
        runs.all.clear();
        runs.frame(&page.frame);
        let Some((from, first)) = runs.first_from(reached) else { continue };
        reached = first.mark;
        let (chapter, pos) = typeset.source.map.mark(first.mark);
        starts.push(PageStart { page: index + 1, chapter, pos, words: runs.words_from(from) });
    }
    starts
}

/// The chapters whose text each page shows (by their index), page by page, each with where
/// its earliest text on the page comes from in the sources.
pub fn chapters_by_page(typeset: &Typeset) -> Vec<BTreeMap<usize, Pos>> {
    let mut runs = Runs::new(typeset);
    let pages = typeset.document.pages().iter().map(|page| {
        runs.all.clear();
        runs.frame(&page.frame);
        let mut earliest = BTreeMap::new();
        for run in &runs.all {
            let (chapter, _) = typeset.source.map.mark(run.mark);
            earliest
                .entry(chapter)
                .and_modify(|m: &mut usize| *m = (*m).min(run.mark))
                .or_insert(run.mark);
        }
        earliest
            .into_iter()
            .map(|(chapter, mark)| (chapter, typeset.source.map.mark(mark).1))
            .collect()
    });
    pages.collect()
}

/// A run of laid-out text that comes from the emitted source.
#[derive(Debug, Clone, Copy)]
struct Run<'a> {
    /// The source map's mark its first glyph follows: the block or inline element it is in.
    mark: usize,
    /// Its text from that glyph on.
    text: &'a str,
}

/// The runs of a page, in the order of its frames, leaving out artifacts (running heads,
/// folios, decoration) and the template's own words.
struct Runs<'a> {
    /// The emitted source.
    main: FileId,
    world: &'a PresseWorld,
    map: &'a SourceMap,
    /// The mark of each span met so far: the lines of a paragraph share one, and finding a
    /// span's place in the source walks its syntax tree.
    marks: HashMap<Span, Option<usize>>,
    /// The artifacts being walked through.
    artifacts: Vec<Location>,
    /// The runs of the page being read.
    all: Vec<Run<'a>>,
}

impl<'a> Runs<'a> {
    fn new(typeset: &'a Typeset) -> Self {
        Runs {
            main: typeset.world.main(),
            world: &typeset.world,
            map: &typeset.source.map,
            marks: HashMap::new(),
            artifacts: Vec::new(),
            all: Vec::new(),
        }
    }

    fn frame(&mut self, frame: &'a Frame) {
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

    fn text(&mut self, text: &'a TextItem) {
        let Some(glyph) = text.glyphs.first() else { return };
        let (span, _) = glyph.span;
        if span.id() != Some(self.main) {
            return;
        }
        let Some(mark) = self.mark(span) else { return };
        let start = glyph.range().start.min(text.text.len());
        let text = text.text.get(start..).unwrap_or_default();
        self.all.push(Run { mark, text });
    }

    /// The mark a span of the emitted source follows. Offsets inside one string literal are
    /// not in reading order (typst gives the parts after an escape the literal's start), but a
    /// literal lies between two marks.
    fn mark(&mut self, span: Span) -> Option<usize> {
        let (world, map) = (self.world, self.map);
        *self.marks.entry(span).or_insert_with(|| map.mark_at(world.range(span)?.start))
    }

    /// The run that comes first in the sources, at or after `mark`; of the runs of one mark,
    /// the first laid out.
    fn first_from(&self, mark: usize) -> Option<(usize, &Run<'a>)> {
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
            words.push_str(run.text);
            if words.chars().count() >= WORDS_KEPT {
                break;
            }
        }
        words.chars().take(WORDS_KEPT).collect()
    }
}
