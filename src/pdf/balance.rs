//! Columns that end level. typst fills a page's columns one after the other, so where a chapter
//! ends, the first column is full and the last one short. Where a chapter ends on a page set
//! in columns and nothing follows it there (the next chapter starts a page, or none follows),
//! presse reads the laid-out page and keeps a height free at its foot, across its columns,
//! chosen so that the columns end within a line of each other, the first the longer. That
//! takes a second layout, and a third when the first guess is off, only for publications that
//! have such a page.

use std::collections::BTreeMap;

use typst::layout::Abs;

use crate::diag::Pos;
use crate::pdf::Typeset;
use crate::pdf::columns::{self, Band};
use crate::pdf::emit::{Reserve, Reserves};
use crate::pdf::pagination;

/// Where each chapter's text ends, and whether a page without any follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    /// By chapter: its last page (0-based), and whether the page after it shows no chapter's
    /// text.
    ends: Vec<Option<(usize, bool)>>,
}

impl Outline {
    /// The outline of laid-out pages.
    pub fn of(typeset: &Typeset) -> Self {
        Outline::from_pages(&pagination::chapters_by_page(typeset))
    }

    /// The outline of the chapters each page shows.
    fn from_pages(by_page: &[BTreeMap<usize, Pos>]) -> Self {
        let mut ends: Vec<Option<(usize, bool)>> = Vec::new();
        for (page, chapters) in by_page.iter().enumerate() {
            for &chapter in chapters.keys() {
                if ends.len() <= chapter {
                    ends.resize(chapter + 1, None);
                }
                let blank_after = by_page.get(page + 1).is_some_and(BTreeMap::is_empty);
                ends[chapter] = Some((page, blank_after));
            }
        }
        Outline { ends }
    }

    /// The chapters among `chapters` that take more pages in `typeset` than here (counted
    /// from the end of the chapter before), or that are now followed by a page without text.
    pub fn moved<'a>(
        &self,
        typeset: &Typeset,
        chapters: impl Iterator<Item = &'a usize>,
    ) -> Vec<usize> {
        let now = Outline::of(typeset);
        let moved = |chapter: &usize| match (self.length(*chapter), now.length(*chapter)) {
            (Some((before, blank_before)), Some((after, blank_after))) => {
                after > before || (blank_after && !blank_before)
            }
            _ => false,
        };
        chapters.filter(|chapter| moved(chapter)).copied().collect()
    }

    /// The pages from the end of the chapter before to the end of this one, and whether a page
    /// without text follows.
    fn length(&self, chapter: usize) -> Option<(usize, bool)> {
        let (last, blank) = self.ends.get(chapter).copied().flatten()?;
        let before = self.ends[..chapter].iter().rev().find_map(|end| *end);
        Some((last - before.map_or(0, |(page, _)| page), blank))
    }
}

/// The reserves that level the columns where chapters end, read from pages laid out with
/// `current`.
pub fn reserves(typeset: &Typeset, current: &Reserves, max_columns: usize) -> Reserves {
    let by_page = pagination::chapters_by_page(typeset);
    let pages = typeset.document.pages();
    let read: Vec<_> = pages.iter().map(|page| columns::read(&page.frame, max_columns)).collect();
    // Where a full column ends: the lowest bottom of any column.
    let columned = read.iter().filter(|page| page.count > 1).flat_map(|page| &page.bands);
    let foot = columned.flat_map(Band::filled).max().unwrap_or_default();
    let mut next = Reserves::new();
    for (chapter, end) in Outline::from_pages(&by_page).ends.iter().enumerate() {
        let Some((last, _)) = *end else { continue };
        if by_page[last].keys().any(|&other| other > chapter) {
            continue;
        }
        // Where the chapter's text on that page begins.
        let from = by_page[last][&chapter];
        let now = current.get(&chapter).map_or(Abs::zero(), |reserve| reserve.height);
        let page = &read[last];
        let (Some(band), Some(pitch)) = (page.bands.last(), page.pitch) else { continue };
        let reserve = reserve_for(band, pitch, now, foot);
        if reserve >= pitch {
            next.insert(chapter, Reserve { height: reserve, from, line: pitch });
        }
    }
    next
}

/// Keeps each reserve half a line under the one that was too much for its chapter (in `caps`), or
/// drops it when that leaves less than a line.
pub fn cap(reserves: &mut Reserves, caps: &Reserves) {
    reserves.retain(|chapter, reserve| {
        let Some(cap) = caps.get(chapter) else { return true };
        reserve.height = reserve.height.min(cap.height - cap.line * 0.5);
        reserve.height >= cap.line
    });
}

/// The reserve that levels a band of columns laid out with `now` kept free below them, on a
/// page whose full columns end at `foot`.
fn reserve_for(band: &Band, pitch: Abs, now: Abs, foot: Abs) -> Abs {
    if is_level(band, pitch) {
        return now;
    }
    let Some(first) = band.bottoms[0] else { return now };
    // Lines in each column: from the first line's top to the last baseline, less than a line.
    let lines: Vec<usize> = band
        .bottoms
        .iter()
        .map(|bottom| bottom.map_or(0, |bottom| ((bottom - band.top) / pitch).floor() as usize + 1))
        .collect();
    let total: usize = lines.iter().sum();
    let target = total.div_ceil(lines.len());
    let moved = lines[0] as f64 - target as f64;
    // The first column's last line, `moved` lines up, with half a line of room below it.
    let last = first - pitch * moved;
    (foot - last - pitch * 0.5).max(Abs::zero())
}

/// Whether a band's columns end within a line of its first one, in whole lines (the spacing
/// around headings and blocks makes fractions); an empty column is level only when the first
/// holds a single line.
pub fn is_level(band: &Band, pitch: Abs) -> bool {
    let Some(first) = band.bottoms.first().copied().flatten() else { return true };
    let within_a_line = |gap: Abs| (gap.abs() / pitch).round() <= 1.0;
    band.bottoms[1..].iter().all(|bottom| match bottom {
        Some(bottom) => within_a_line(first - *bottom),
        None => within_a_line(first - band.top),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(top: f64, bottoms: &[Option<f64>]) -> Band {
        let bottoms = bottoms.iter().map(|b| b.map(Abs::pt)).collect();
        Band { top: Abs::pt(top), bottoms, until: None, pieces: Vec::new() }
    }

    #[test]
    fn a_full_first_column_gives_half_its_surplus_to_the_second() {
        let pitch = Abs::pt(12.0);
        // 40 lines in the first column, 10 in the second: 25 each, the first ending 15 lines
        // higher, half a line of room below it.
        let foot = 100.0 + 39.0 * 12.0 + 7.0;
        let uneven = band(100.0, &[Some(foot), Some(100.0 + 9.0 * 12.0 + 7.0)]);
        assert!(!is_level(&uneven, pitch));
        let reserve = reserve_for(&uneven, pitch, Abs::zero(), Abs::pt(foot));
        assert_eq!(reserve, pitch * 14.5);
        // Laid out again with that, the columns end level and the reserve stays.
        let level =
            band(100.0, &[Some(100.0 + 24.0 * 12.0 + 7.0), Some(100.0 + 24.0 * 12.0 + 7.0)]);
        assert!(is_level(&level, pitch));
        assert_eq!(reserve_for(&level, pitch, reserve, Abs::pt(foot)), reserve);
    }

    #[test]
    fn a_short_first_column_shares_its_lines_too() {
        let pitch = Abs::pt(12.0);
        // 21 lines in the first column of a page whose columns hold 41: 11 and 10.
        let uneven = band(0.0, &[Some(20.0 * 12.0 + 7.0), None]);
        let foot = Abs::pt(40.0 * 12.0 + 7.0);
        assert_eq!(reserve_for(&uneven, pitch, Abs::zero(), foot), pitch * 29.5);
        let level = band(0.0, &[Some(10.0 * 12.0 + 7.0), Some(9.0 * 12.0 + 7.0)]);
        assert!(is_level(&level, pitch));
    }

    #[test]
    fn a_reserve_too_large_is_given_back() {
        let pitch = Abs::pt(12.0);
        // The second column is now longer than the first by six lines: 11 + 17 = 28 lines,
        // 14 each, the first column three lines lower.
        let over = band(0.0, &[Some(10.0 * 12.0 + 7.0), Some(16.0 * 12.0 + 7.0)]);
        assert!(!is_level(&over, pitch));
        let foot = Abs::pt(20.0 * 12.0 + 7.0);
        assert_eq!(reserve_for(&over, pitch, pitch * 10.0, foot), pitch * 6.5);
    }
}
