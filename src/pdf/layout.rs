//! Layout findings, read from the laid-out pages as a designer reads a proof: a publication
//! that runs over or falls short of its style's page count, a heading alone at the foot of a
//! column, a paragraph's line alone at the top or foot of one, a column ending short in the
//! middle of an article or before the next one, an article's last lines alone on a page, a
//! picture running off the page. Each names the Markdown file and
//! line of the text concerned and the page; warnings, errors under `--strict`.

use std::path::PathBuf;

use typst::layout::{Abs, Frame, FrameItem, Point, Size};
use typst::syntax::Span;

use crate::diag::{Diagnostic, Diagnostics, Pos, Severity};
use crate::model::{BlockKind, Chapter, Publication, plain_text};
use crate::pdf::Typeset;
use crate::pdf::columns::{self, Band, PageColumns, Piece};
use crate::pdf::pagination;

/// How many lines a column may end short of its neighbours in the middle of an article.
const SHORT_COLUMN_LINES: f64 = 3.0;

/// At most which share of a page an article's last lines may fill alone on it before they
/// are said to run over.
const RUNOVER_SHARE: f64 = 0.25;

/// The layout findings of a publication's laid-out pages.
pub fn check_layout(typeset: &Typeset, publication: &Publication, strict: bool) -> Diagnostics {
    let options = &typeset.style.options;
    let integer = |key: &str| options.get(key).and_then(toml::Value::as_integer);
    let max_columns = integer("columns").unwrap_or(1).max(1) as usize;
    let pages: Vec<PageColumns> = typeset
        .document
        .pages()
        .iter()
        .map(|page| columns::read(&page.frame, max_columns))
        .collect();
    let proof = Proof {
        typeset,
        publication,
        severity: if strict { Severity::Error } else { Severity::Warning },
        by_page: pagination::chapters_by_page(typeset),
        pages,
    };
    let mut found = Diagnostics::default();
    if let Some(count) = integer("pages").filter(|&count| count > 0) {
        found.extend(proof.fit(count as usize));
    }
    for page in 0..proof.pages.len() {
        found.extend(proof.page(page));
        found.extend(proof.runover(page));
        found.extend(proof.overflow(page));
    }
    found
}

/// The laid-out pages, read.
struct Proof<'a> {
    typeset: &'a Typeset,
    publication: &'a Publication,
    severity: Severity,
    /// The chapters whose text each page shows.
    by_page: Vec<std::collections::BTreeMap<usize, Pos>>,
    /// The columns of each page.
    pages: Vec<PageColumns>,
}

impl Proof<'_> {
    /// `layout-overset` when the pages run past the style's count, `layout-underset` when they
    /// leave one or more of its pages blank.
    fn fit(&self, count: usize) -> Option<Diagnostic> {
        let laid_out = self.pages.len();
        let manifest = self.publication.dir.join("publication.toml");
        if laid_out < count {
            let short = count - laid_out;
            let blank = if short == 1 { "a page".to_string() } else { format!("{short} pages") };
            let lines = self.free_lines(laid_out - 1)
                + short as f64 * self.lines_per_page(laid_out - 1).unwrap_or(0.0);
            let about =
                if lines > 0.0 { format!(", about {lines:.0} lines") } else { String::new() };
            let message = format!(
                "the publication fills {laid_out} of its {count} pages: {blank} blank{about}"
            );
            let hint = "add an article or a picture, or lower `pages` in [options]";
            let at = self.publication.manifest.key_pos("style");
            return Some(self.finding(manifest, at, message, hint.into(), "layout-underset"));
        }
        if laid_out == count {
            return None;
        }
        let lines: f64 = (count..laid_out).map(|page| self.used_lines(page)).sum();
        let over: Vec<usize> = (0..self.publication.chapters.len())
            .filter(|&chapter| self.by_page[count..].iter().any(|on| on.contains_key(&chapter)))
            .collect();
        let fits = (0..self.publication.chapters.len()).rev().find(|chapter| {
            !over.contains(chapter) && *chapter < over.first().copied().unwrap_or(0)
        });
        let titles: Vec<String> = over.iter().map(|&c| self.title(c)).collect();
        let message = format!(
            "page {count}: about {lines:.0} lines too many — the publication takes {laid_out} \
             pages, its style {count}; {} run{} past page {count}",
            titles.join(", "),
            if titles.len() == 1 { "s" } else { "" },
        );
        let last = fits.map_or("none".to_string(), |chapter| self.title(chapter));
        let hint = format!(
            "the last article that fits whole is {last}: shorten what follows by about \
             {lines:.0} lines, or keep an article for the next issue; `pages` in [options] sets \
             the count"
        );
        // The earliest text past the last page.
        let past = self.by_page[count].first_key_value();
        let (file, at) = match past {
            Some((&chapter, &pos)) => (self.publication.chapters[chapter].path.clone(), pos),
            None => (manifest, Pos::default()),
        };
        Some(self.finding(file, at, message, hint, "layout-overset"))
    }

    /// The findings of one page (0-based): headings and lines left alone, a short column.
    fn page(&self, page: usize) -> Vec<Diagnostic> {
        let columns = &self.pages[page];
        let (Some(band), Some(pitch)) = (columns.bands.last(), columns.pitch) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for (index, held) in band.pieces.iter().enumerate() {
            if let Some(last) = held.last() {
                found.extend(self.lone_heading(page, index, last));
            }
            found.extend(self.lone_line(page, held, pitch));
        }
        found.extend(self.short_column(page, band, pitch));
        found
    }

    /// `layout-heading`: a heading is the last thing of its column.
    fn lone_heading(&self, page: usize, column: usize, last: &Piece) -> Option<Diagnostic> {
        let (chapter, block) = self.block_of(last.span)?;
        let BlockKind::Heading { content, .. } = &block.kind else { return None };
        let message = format!(
            "page {}: the heading « {} » ends column {} alone, its text on the next",
            page + 1,
            plain_text(content),
            column + 1
        );
        let hint = "shorten the text before it by a line or two, or lengthen it, so that the \
                    heading reaches the next column with its first lines";
        let file = self.publication.chapters[chapter].path.clone();
        Some(self.finding(file, block.pos, message, hint.into(), "layout-heading"))
    }

    /// `layout-widow`: a paragraph's last line alone at the top of a column (a widow), or its
    /// first line alone at the foot of one (an orphan).
    fn lone_line(&self, page: usize, held: &[Piece], pitch: Abs) -> Vec<Diagnostic> {
        let lines = lines(held, pitch);
        let mut found = Vec::new();
        let ends = [(lines.first(), lines.get(1), "top"), (lines.last(), None, "foot")];
        for (line, next, at) in ends {
            let Some(line) = line else { continue };
            let Some((chapter, block)) = self.block_of(line.span) else { continue };
            if !matches!(block.kind, BlockKind::Paragraph(_)) {
                continue;
            }
            let alone = match at {
                "top" => {
                    let next = next.and_then(|next| self.block_of(next.span));
                    next.is_none_or(|(_, other)| other.pos != block.pos)
                        && self.continues_from_before(page, held, block.pos)
                }
                _ => {
                    lines.len() > 1
                        && lines
                            .iter()
                            .rev()
                            .nth(1)
                            .and_then(|l| self.block_of(l.span))
                            .is_some_and(|(_, other)| other.pos != block.pos)
                        && self.paragraph_continues(page, block.pos)
                }
            };
            if !alone {
                continue;
            }
            let what = if at == "top" { "last line (a widow)" } else { "first line (an orphan)" };
            let message = format!(
                "page {}: a paragraph's {what} stands alone at the {at} of a column",
                page + 1
            );
            let hint = "shorten or lengthen the paragraph, or the text before it, by a few words";
            let file = self.publication.chapters[chapter].path.clone();
            found.push(self.finding(file, block.pos, message, hint.into(), "layout-widow"));
        }
        found
    }

    /// Whether the paragraph at `pos` began before this column: on an earlier page, or in an
    /// earlier column of this one.
    fn continues_from_before(&self, page: usize, held: &[Piece], pos: Pos) -> bool {
        let Some(band) = self.pages[page].bands.last() else { return false };
        let column = band.pieces.iter().position(|c| c.first() == held.first());
        let before = band.pieces[..column.unwrap_or(0)].iter().flatten();
        let earlier_page = page.checked_sub(1).and_then(|p| self.pages[p].bands.last());
        let earlier = earlier_page.into_iter().flat_map(|band| band.pieces.iter().flatten());
        before
            .chain(earlier)
            .any(|piece| self.block_of(piece.span).is_some_and(|(_, b)| b.pos == pos))
    }

    /// Whether the paragraph at `pos` goes on after this page's column: in a later column of
    /// the page, or on the next page.
    fn paragraph_continues(&self, page: usize, pos: Pos) -> bool {
        let later = (page..=page + 1).filter_map(|p| self.pages.get(p)?.bands.first());
        let mut seen = 0;
        for band in later {
            for column in &band.pieces {
                if column
                    .iter()
                    .any(|piece| self.block_of(piece.span).is_some_and(|(_, b)| b.pos == pos))
                {
                    seen += 1;
                }
            }
        }
        seen > 1
    }

    /// `layout-short-column`: a column ends more than three lines short of the longest, in
    /// the middle of an article (its last text's chapter goes on in the next column), or
    /// where the next article's head found no room at its foot and starts the next column.
    fn short_column(&self, page: usize, band: &Band, pitch: Abs) -> Option<Diagnostic> {
        let longest = band.filled().max()?;
        for (column, held) in band.pieces.iter().enumerate() {
            let bottom = band.bottoms[column].unwrap_or(band.top);
            // Whole lines: the spacing around headings and blocks makes fractions.
            let short = ((longest - bottom) / pitch).round();
            if short <= SHORT_COLUMN_LINES {
                continue;
            }
            let Some((chapter, block)) = held.iter().rev().find_map(|p| self.block_of(p.span))
            else {
                continue;
            };
            let (message, hint) = if self.goes_on(page, column, chapter) {
                let message = format!(
                    "page {}: column {} ends {short:.0} lines short of the longest, in the \
                     middle of {}",
                    page + 1,
                    column + 1,
                    self.title(chapter)
                );
                let hint = "a block that does not break (a table, a picture, a box) found no \
                            room at the foot of the column: move it, shorten it, or shorten the \
                            text before it";
                (message, hint.to_string())
            } else if let Some(next) = self.opens_next_column(band, column, chapter) {
                let message = format!(
                    "page {}: column {} ends {short:.0} lines short of the longest, after {}: \
                     the head of {} found no room at its foot",
                    page + 1,
                    column + 1,
                    self.title(chapter),
                    self.title(next)
                );
                let hint = format!(
                    "shorten {} (or the text above it in the column) by a line or two so that \
                     the next article starts there, or lengthen it by about {short:.0} lines",
                    self.title(chapter)
                );
                (message, hint)
            } else {
                continue;
            };
            let file = self.publication.chapters[chapter].path.clone();
            return Some(self.finding(file, block.pos, message, hint, "layout-short-column"));
        }
        None
    }

    /// The chapter after `chapter` when its text opens the column after `column` of a band.
    fn opens_next_column(&self, band: &Band, column: usize, chapter: usize) -> Option<usize> {
        let first = band.pieces.get(column + 1)?.iter().find_map(|p| self.block_of(p.span))?;
        (first.0 > chapter).then_some(first.0)
    }

    /// Whether a chapter's text goes on after a column of a page: in a later column, or on
    /// the next page.
    fn goes_on(&self, page: usize, column: usize, chapter: usize) -> bool {
        let of_chapter =
            |piece: &Piece| self.block_of(piece.span).is_some_and(|(c, _)| c == chapter);
        let Some(band) = self.pages[page].bands.last() else { return false };
        let later = band.pieces[column + 1..].iter().flatten().any(of_chapter);
        later || self.by_page.get(page + 1).is_some_and(|next| next.contains_key(&chapter))
    }

    /// `layout-runover`: an article set in columns leaves its last lines alone on a page the
    /// next article does not share, most of it blank.
    fn runover(&self, page: usize) -> Option<Diagnostic> {
        let (&chapter, _) =
            self.by_page[page].iter().next().filter(|_| self.by_page[page].len() == 1)?;
        // Pages set in columns: a book's chapter may well end on a page of its own.
        let began_before = page > 0
            && self.pages[page - 1].count > 1
            && self.by_page[page - 1].contains_key(&chapter);
        let next = self.by_page.get(page + 1);
        if !began_before || next.is_some_and(|next| next.contains_key(&chapter)) {
            return None;
        }
        let (used, full) = (self.used_lines(page), self.lines_per_page(page - 1)?);
        if used == 0.0 || used > full * RUNOVER_SHARE {
            return None;
        }
        let blank = 100.0 - (used / full * 100.0);
        let plural = if used > 1.0 { "s" } else { "" };
        let message = format!(
            "page {}: {} ends on this page with {used:.0} line{plural} alone, leaving it \
             {blank:.0} % blank",
            page + 1,
            self.title(chapter)
        );
        let hint = format!(
            "shorten the article by about {used:.0} line{plural} so that it ends on page {page}, or \
             lengthen it (a picture, a box) to fill this page"
        );
        let held = self.pages[page].bands.iter().flat_map(|band| band.pieces.iter().flatten());
        let (_, block) = held.filter_map(|piece| self.block_of(piece.span)).next()?;
        let file = self.publication.chapters[chapter].path.clone();
        Some(self.finding(file, block.pos, message, hint, "layout-runover"))
    }

    /// `layout-overflow`: a picture wider than the text area, or running off the page.
    fn overflow(&self, page: usize) -> Vec<Diagnostic> {
        let columns = &self.pages[page];
        let frame = &self.typeset.document.pages()[page].frame;
        let right = columns.left + columns.width + Abs::pt(2.0);
        let mut pictures = Vec::new();
        pictures_of(frame, Point::zero(), &mut pictures);
        let mut found = Vec::new();
        for (at, size, span) in pictures {
            let off = at.x + size.x > right || at.y + size.y > frame.height() + Abs::pt(1.0);
            let Some((file, pos)) = off.then(|| self.typeset.locate(span)).flatten() else {
                continue;
            };
            let message = format!("page {}: a picture runs off the text area", page + 1);
            let hint = "give it a width (`{width=100%}`) or a smaller size";
            found.push(self.finding(file, pos, message, hint.into(), "layout-overflow"));
        }
        found
    }

    /// The lines a column could hold below its lowest piece, on the page given.
    fn free_lines(&self, page: usize) -> f64 {
        let columns = &self.pages[page];
        let (Some(band), Some(pitch)) = (columns.bands.last(), columns.pitch) else { return 0.0 };
        let foot = self.foot();
        band.bottoms.iter().map(|b| ((foot - b.unwrap_or(band.top)) / pitch).max(0.0).floor()).sum()
    }

    /// The lines a full page holds, judged by the page given.
    fn lines_per_page(&self, page: usize) -> Option<f64> {
        let columns = &self.pages[page];
        let (band, pitch) = (columns.bands.first()?, columns.pitch?);
        Some(((self.foot() - band.top) / pitch).floor() * band.bottoms.len() as f64)
    }

    /// The lines of text a page holds (judged with the page before's line pitch when it holds
    /// too few to have one).
    fn used_lines(&self, page: usize) -> f64 {
        let columns = &self.pages[page];
        let before = page.checked_sub(1).and_then(|before| self.pages[before].pitch);
        let Some(pitch) = columns.pitch.or(before) else { return 0.0 };
        let held = columns.bands.iter().flat_map(|band| &band.pieces);
        held.map(|column| lines(column, pitch).len() as f64).sum()
    }

    /// Where a full column ends: the lowest bottom of any column.
    fn foot(&self) -> Abs {
        let bands = self.pages.iter().flat_map(|page| &page.bands);
        bands.flat_map(Band::filled).max().unwrap_or_default()
    }

    /// The chapter and top-level block a span of the emitted source comes from.
    fn block_of(&self, span: Span) -> Option<(usize, &crate::model::Block)> {
        let (path, pos) = self.typeset.locate(span)?;
        let chapter = self.publication.chapters.iter().position(|c| c.path == path)?;
        let blocks = &self.publication.chapters[chapter].blocks;
        let block = blocks.iter().rev().find(|block| block.pos <= pos)?;
        Some((chapter, block))
    }

    /// A chapter's title in guillemets, or its file's name.
    fn title(&self, chapter: usize) -> String {
        let chapter: &Chapter = &self.publication.chapters[chapter];
        let heading = chapter.blocks.iter().find_map(|block| match &block.kind {
            BlockKind::Heading { level: 1, content, .. } => Some(plain_text(content)),
            _ => None,
        });
        let title = chapter.front.title.as_deref().map(plain_text).or(heading);
        match title {
            Some(title) => format!("« {} »", title.trim()),
            None => chapter.path.file_name().map_or(String::new(), |n| n.to_string_lossy().into()),
        }
    }

    fn finding(
        &self,
        file: PathBuf,
        pos: Pos,
        message: String,
        hint: String,
        code: &'static str,
    ) -> Diagnostic {
        Diagnostic::new(self.severity, &file, pos, message).with_hint(hint).with_code(code)
    }
}

/// The pictures of a frame, where they sit, their size and where they come from.
fn pictures_of(frame: &Frame, at: Point, pictures: &mut Vec<(Point, Size, Span)>) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(group) => pictures_of(&group.frame, at + *pos, pictures),
            FrameItem::Image(_, size, span) => pictures.push((at + *pos, *size, *span)),
            _ => {}
        }
    }
}

/// The lines of text of a column, top to bottom: its text pieces grouped by baseline, each
/// kept as its first piece.
fn lines(held: &[Piece], pitch: Abs) -> Vec<Piece> {
    let mut lines: Vec<Piece> = Vec::new();
    for piece in held.iter().filter(|piece| piece.text) {
        match lines.last() {
            Some(line) if (piece.bottom - line.bottom).abs() < pitch * 0.4 => {}
            _ => lines.push(*piece),
        }
    }
    lines
}
