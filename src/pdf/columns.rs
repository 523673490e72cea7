//! The columns of a laid-out page: how many there are, and where the text of each begins and
//! ends between the elements that span them, read from the page's frames (no PDF needed).
//!
//! A page's text area is its largest frame. A style sets its columns inside it side by side,
//! each within its share of the width, so a page has `n` columns when what it holds fits in
//! `n` equal slots; an element wider than a slot (a title across the page, a wide figure)
//! spans the columns and divides them into bands.

use typst::foundations::NativeElement;
use typst::introspection::Tag;
use typst::layout::{Abs, Frame, FrameItem, Point, Size};
use typst::model::FootnoteEntry;
use typst::pdf::ArtifactElem;
use typst::syntax::Span;

/// How much of the page's text, by width, must sit inside the slots for a page to count as
/// set in that many columns.
const FITTING_SHARE: f64 = 0.75;

/// The columns of one page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageColumns {
    /// How many columns the page is set in (1 when it has none).
    pub count: usize,
    /// The left edge of the text area.
    pub left: Abs,
    /// The width of the text area.
    pub width: Abs,
    /// The distance between two lines of running text, when the page has two of them.
    pub pitch: Option<Abs>,
    /// The stretches of columns between spanning elements, from the top.
    pub bands: Vec<Band>,
    /// What spans the columns (or fits in none of them).
    pub spanning: Vec<Piece>,
}

/// A stretch of columns between two elements that span them (or the page's edges).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Where its first line begins.
    pub top: Abs,
    /// Where the content of each column ends (`None` for an empty column), left to right.
    pub bottoms: Vec<Option<Abs>>,
    /// Where the element that spans the columns below it begins, if one does.
    pub until: Option<Abs>,
    /// What each column holds, from the top.
    pub pieces: Vec<Vec<Piece>>,
}

impl Band {
    /// The bottoms of the columns that hold something.
    pub fn filled(&self) -> impl Iterator<Item = Abs> + '_ {
        self.bottoms.iter().flatten().copied()
    }
}

/// Something laid out in the text area (a run of text, a picture, a shape, a group spanning
/// the columns), with its extent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece {
    /// Its left edge.
    pub left: Abs,
    /// Its right edge.
    pub right: Abs,
    /// Its top (for text, the top of its capitals).
    pub top: Abs,
    /// Its bottom (for text, its baseline).
    pub bottom: Abs,
    /// Whether it is a run of text (as opposed to a picture, a shape or a group kept whole).
    pub text: bool,
    /// Whether it belongs to a footnote at the column's foot.
    pub note: bool,
    /// Where in the emitted source it comes from: its first glyph's, or a picture's (detached
    /// for the rest).
    pub span: Span,
}

/// The columns of a page, at most `max_columns` of them.
pub fn read(page: &Frame, max_columns: usize) -> PageColumns {
    let (left, width) = text_area(page);
    let mut whole = Vec::new();
    Walk { left, slot: Abs::inf() }.collect(page, Point::zero(), &mut whole);
    let count = (1..=max_columns.max(1))
        .rev()
        .find(|&n| fitting_share(&whole, left, width / n as f64) >= FITTING_SHARE)
        .unwrap_or(1);
    let walk = Walk { left, slot: width / count as f64 };
    let mut pieces = Vec::new();
    walk.collect(page, Point::zero(), &mut pieces);
    let bands = bands(&pieces, &walk, count);
    let spanning = pieces.iter().filter(|p| slot_of(p, walk.left, walk.slot).is_none()).copied();
    let spanning = spanning.collect();
    PageColumns { count, left, width, pitch: pitch(&pieces), bands, spanning }
}

/// The left edge and the width of a page's text area: those of its widest group.
fn text_area(page: &Frame) -> (Abs, Abs) {
    let groups = page.items().filter_map(|(at, item)| match item {
        FrameItem::Group(group) => Some((at.x, group.frame.width())),
        _ => None,
    });
    groups.max_by(|a, b| a.1.cmp(&b.1)).unwrap_or((Abs::zero(), page.width()))
}

/// The share of a page's text (its pieces, groups opened), by width, that sits inside slots
/// of `slot`.
fn fitting_share(pieces: &[Piece], left: Abs, slot: Abs) -> f64 {
    let (mut fitting, mut all) = (0.0, 0.0);
    for piece in pieces.iter().filter(|piece| piece.text) {
        let width = (piece.right - piece.left).to_pt();
        all += width;
        if slot_of(piece, left, slot).is_some() {
            fitting += width;
        }
    }
    if all == 0.0 { 0.0 } else { fitting / all }
}

/// The slot a piece sits in, if it sits in one: with a point of play on the left, and on the
/// right what a hyphen or a punctuation mark hangs into the margin.
fn slot_of(piece: &Piece, left: Abs, slot: Abs) -> Option<usize> {
    if slot >= Abs::inf() {
        return Some(0);
    }
    let index = ((piece.left + Abs::pt(1.0) - left) / slot).floor().max(0.0) as usize;
    let end = left + slot * (index + 1) as f64;
    (piece.right <= end + slot * 0.03).then_some(index)
}

/// A walk through a page's frames in slots of one width, leaving out artifacts (running
/// heads, folios, decoration).
struct Walk {
    left: Abs,
    slot: Abs,
}

impl Walk {
    /// The pieces of a frame: its lines of text, pictures and shapes, and whole the groups
    /// that hold something wider than a slot (elements spanning the columns).
    fn collect(&self, frame: &Frame, at: Point, pieces: &mut Vec<Piece>) {
        let mut artifacts = 0usize;
        // Where the pieces of the footnote entry being read begin.
        let mut note = None;
        for (pos, item) in frame.items() {
            let p = at + *pos;
            match item {
                FrameItem::Tag(Tag::Start(element, _)) if element.elem() == ArtifactElem::ELEM => {
                    artifacts += 1;
                }
                FrameItem::Tag(Tag::End(..)) if artifacts > 0 => artifacts -= 1,
                _ if artifacts > 0 => {}
                FrameItem::Tag(Tag::Start(element, _)) if element.elem() == FootnoteEntry::ELEM => {
                    note = Some(pieces.len());
                }
                FrameItem::Tag(Tag::End(..)) if note.is_some() => {
                    let start = note.take().unwrap_or(pieces.len());
                    pieces[start..].iter_mut().for_each(|piece| piece.note = true);
                }
                FrameItem::Group(group) => {
                    let mut inside = Vec::new();
                    self.collect(&group.frame, p, &mut inside);
                    if inside.iter().any(|piece| slot_of(piece, self.left, self.slot).is_none()) {
                        let size = group.frame.size();
                        pieces.push(Piece::new(p, size, false, Span::detached()));
                    } else {
                        pieces.extend(inside);
                    }
                }
                FrameItem::Text(text) if !text.glyphs.is_empty() => {
                    let top = p - Point::with_y(text.size * 0.75);
                    let size = Size::new(text.width(), text.size * 0.75);
                    pieces.push(Piece::new(top, size, true, text.glyphs[0].span.0));
                }
                FrameItem::Image(_, size, span) => pieces.push(Piece::new(p, *size, false, *span)),
                FrameItem::Shape(shape, _) => {
                    let bbox = shape.bbox(false);
                    pieces.push(Piece::new(p + bbox.min, bbox.size(), false, Span::detached()));
                }
                _ => {}
            }
        }
    }
}

impl Piece {
    fn new(at: Point, size: Size, text: bool, span: Span) -> Self {
        let (left, right, top, bottom) = (at.x, at.x + size.x, at.y, at.y + size.y);
        Piece { left, right, top, bottom, text, note: false, span }
    }
}

/// The bands of columns between the pieces that span them.
fn bands(pieces: &[Piece], walk: &Walk, count: usize) -> Vec<Band> {
    let (left, slot) = (walk.left, walk.slot);
    let mut spanning: Vec<(Abs, Abs)> = pieces
        .iter()
        .filter(|piece| slot_of(piece, left, slot).is_none())
        .map(|piece| (piece.top, piece.bottom))
        .collect();
    spanning.sort_by_key(|span| span.0);
    // The stretches between spanning pieces: (from, until).
    let mut limits = Vec::new();
    let mut from = Abs::zero();
    for (top, bottom) in spanning {
        if top > from {
            limits.push((from, Some(top)));
        }
        from = from.max(bottom);
    }
    limits.push((from, None));
    let mut bands = Vec::new();
    for (from, until) in limits {
        let inside = |piece: &&Piece| {
            piece.top >= from - Abs::pt(0.5) && until.is_none_or(|until| piece.bottom <= until)
        };
        let mut top = Abs::inf();
        let mut bottoms = vec![None; count];
        let mut held = vec![Vec::new(); count];
        for piece in pieces.iter().filter(inside) {
            let Some(index) = slot_of(piece, left, slot) else { continue };
            let index = index.min(count - 1);
            top = top.min(piece.top);
            let bottom: &mut Option<Abs> = &mut bottoms[index];
            *bottom = Some(bottom.map_or(piece.bottom, |b| b.max(piece.bottom)));
            held[index].push(*piece);
        }
        for (column, bottom) in held.iter_mut().zip(&mut bottoms) {
            column.sort_by_key(|piece| (piece.bottom, piece.left));
            *bottom = bottom.map(|bottom| with_notes_raised(column).unwrap_or(bottom));
        }
        if top < Abs::inf() {
            bands.push(Band { top, bottoms, until, pieces: held });
        }
    }
    bands
}

/// Where a column holding footnotes ends once its notes are set right under its text, as
/// when the columns are level: a short column's notes still sit at the foot of the page.
/// `None` for a column without notes.
fn with_notes_raised(column: &[Piece]) -> Option<Abs> {
    let notes_top = column.iter().filter(|piece| piece.note).map(|piece| piece.top).min()?;
    let notes_bottom = column.iter().filter(|piece| piece.note).map(|piece| piece.bottom).max()?;
    let above = column.iter().filter(|piece| !piece.note && piece.bottom <= notes_top);
    // The separator: the lowest shape above the notes, closer to them than to the text.
    let (separator, text): (Vec<&Piece>, Vec<&Piece>) = above.partition(|piece| {
        !piece.text
            && piece.bottom - piece.top < Abs::pt(3.0)
            && notes_top - piece.top < Abs::pt(24.0)
    });
    let text_bottom = text.iter().map(|piece| piece.bottom).max()?;
    let notes_from = separator.iter().map(|piece| piece.top).min().unwrap_or(notes_top);
    // The notes keep the room typst leaves above them, a line's worth at most.
    let clearance = (notes_from - text_bottom).min(Abs::pt(12.0));
    Some(text_bottom + clearance + (notes_bottom - notes_from))
}

/// The most common distance between two successive baselines of text, to a tenth of a point.
fn pitch(pieces: &[Piece]) -> Option<Abs> {
    let mut baselines: Vec<(i64, i64)> = pieces
        .iter()
        .filter(|piece| piece.text)
        .map(|piece| ((piece.left.to_pt() / 20.0) as i64, (piece.bottom.to_pt() * 10.0) as i64))
        .collect();
    baselines.sort_unstable();
    baselines.dedup();
    let mut counts = std::collections::BTreeMap::<i64, usize>::new();
    for pair in baselines.windows(2) {
        let step = pair[1].1 - pair[0].1;
        if pair[0].0 == pair[1].0 && (60..=300).contains(&step) {
            *counts.entry(step).or_default() += 1;
        }
    }
    let (step, _) = counts.into_iter().max_by_key(|&(step, count)| (count, -step))?;
    Some(Abs::pt(step as f64 / 10.0))
}
