//! Where each page of the laid-out PDF begins in the sources, for the EPUB's page list: read
//! from the pages typst laid out (their glyphs carry spans into the emitted source, which maps
//! back to the Markdown), so it costs no second layout.

use std::collections::{BTreeMap, HashMap};
use typst::foundations::NativeElement;
use typst::introspection::{Location, Tag};
use typst::layout::{Frame, FrameItem};
use typst::pdf::ArtifactElem;
use typst::syntax::{FileId, LinkedNode, Side, Span, SpanKind};
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
        runs.read(&page.frame);
        let marked: Vec<Marked> = runs
            .all
            .iter()
            .filter_map(|run| Some(Marked { mark: runs.marks.of(run.span)?, text: run.text }))
            .collect();
        let Some((from, first)) = first_from(&marked, reached) else { continue };
        reached = first.mark;
        let (chapter, pos) = typeset.source.map.mark(first.mark);
        starts.push(PageStart { page: index + 1, chapter, pos, words: words_from(&marked, from) });
    }
    starts
}

/// The chapters whose text each page shows (by their index), page by page, each with where
/// its earliest text on the page comes from in the sources.
pub fn chapters_by_page(typeset: &Typeset) -> Vec<BTreeMap<usize, Pos>> {
    let mut runs = Runs::new(typeset);
    let chapters = ChapterSpans::of(typeset);
    let pages = typeset.document.pages().iter().map(|page| {
        runs.read(&page.frame);
        // The earliest span of each chapter's runs, found without placing every span in the
        // source; only those earliest are placed.
        let mut earliest: BTreeMap<usize, Span> = BTreeMap::new();
        let mut placed = Vec::new();
        for run in &runs.all {
            match chapters.group(run.span) {
                Some(group) => {
                    let first = earliest.entry(group).or_insert(run.span);
                    if run.span.into_raw() < first.into_raw() {
                        *first = run.span;
                    }
                }
                None => placed.push(run.span),
            }
        }
        let mut marks: BTreeMap<usize, usize> = BTreeMap::new();
        for span in earliest.into_values().chain(placed) {
            let Some(mark) = runs.marks.of(span) else { continue };
            let (chapter, _) = typeset.source.map.mark(mark);
            marks.entry(chapter).and_modify(|m| *m = (*m).min(mark)).or_insert(mark);
        }
        marks
            .into_iter()
            .map(|(chapter, mark)| (chapter, typeset.source.map.mark(mark).1))
            .collect()
    });
    pages.collect()
}

/// Where each chapter's nodes begin in the numbering of the emitted source's syntax tree. typst
/// numbers a source's nodes in the order of their text (a node before its children, siblings
/// left to right), so which chapter a numbered span lies in is found by comparing it with these,
/// without the walk of the tree that placing it in the text takes.
struct ChapterSpans {
    /// The span of the first node of each chapter, in order.
    starts: Vec<Span>,
}

impl ChapterSpans {
    fn of(typeset: &Typeset) -> Self {
        let Ok(source) = typeset.world.source(typeset.world.main()) else {
            return ChapterSpans { starts: Vec::new() };
        };
        let root = LinkedNode::new(source.root());
        let starts = typeset.source.map.chapter_starts();
        let leaf = |offset: usize| root.leaf_at(offset, Side::After).map(|leaf| leaf.span());
        ChapterSpans { starts: starts.into_iter().filter_map(leaf).collect() }
    }

    /// Which group of nodes a span of the emitted source belongs to: 0 before the first
    /// chapter, n + 1 in the chapter n. `None` for a span that is not a node's number (it is
    /// placed in the text instead).
    fn group(&self, span: Span) -> Option<usize> {
        if !matches!(span.get(), SpanKind::Number { .. }) || self.starts.is_empty() {
            return None;
        }
        Some(self.starts.partition_point(|start| start.into_raw() <= span.into_raw()))
    }
}

/// A run of laid-out text that comes from the emitted source.
#[derive(Debug, Clone, Copy)]
struct Run<'a> {
    /// The span of its first glyph.
    span: Span,
    /// Its text from that glyph on.
    text: &'a str,
}

/// A run placed in the sources.
#[derive(Debug, Clone, Copy)]
struct Marked<'a> {
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
    marks: Marks<'a>,
    /// The artifacts being walked through.
    artifacts: Vec<Location>,
    /// The runs of the page being read.
    all: Vec<Run<'a>>,
}

impl<'a> Runs<'a> {
    fn new(typeset: &'a Typeset) -> Self {
        let marks =
            Marks { world: &typeset.world, map: &typeset.source.map, cache: HashMap::new() };
        Runs { main: typeset.world.main(), marks, artifacts: Vec::new(), all: Vec::new() }
    }

    /// Reads the runs of a page, in place of the last page's.
    fn read(&mut self, page: &'a Frame) {
        self.all.clear();
        self.frame(page);
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
        let start = glyph.range().start.min(text.text.len());
        let text = text.text.get(start..).unwrap_or_default();
        self.all.push(Run { span, text });
    }
}

/// The mark of each span met so far: the lines of a paragraph share one, and finding a span's
/// place in the source walks its syntax tree.
struct Marks<'a> {
    world: &'a PresseWorld,
    map: &'a SourceMap,
    cache: HashMap<Span, Option<usize>>,
}

impl Marks<'_> {
    /// The mark a span of the emitted source follows. Offsets inside one string literal are
    /// not in reading order (typst gives the parts after an escape the literal's start), but a
    /// literal lies between two marks.
    fn of(&mut self, span: Span) -> Option<usize> {
        let (world, map) = (self.world, self.map);
        *self.cache.entry(span).or_insert_with(|| map.mark_at(world.range(span)?.start))
    }
}

/// The run that comes first in the sources, at or after `mark`; of the runs of one mark, the
/// first laid out.
fn first_from<'r, 'a>(runs: &'r [Marked<'a>], mark: usize) -> Option<(usize, &'r Marked<'a>)> {
    let after = runs.iter().enumerate().filter(|(_, run)| run.mark >= mark);
    after.min_by_key(|(index, run)| (run.mark, *index))
}

/// The words of the run at `from`, and of those laid out after it, up to [`WORDS_KEPT`].
fn words_from(runs: &[Marked], from: usize) -> String {
    let mut words = String::new();
    for run in &runs[from..] {
        if run.mark < runs[from].mark {
            break;
        }
        words.push_str(run.text);
        if words.chars().count() >= WORDS_KEPT {
            break;
        }
    }
    words.chars().take(WORDS_KEPT).collect()
}
