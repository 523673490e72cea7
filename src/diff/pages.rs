//! Two renderings of a page compared with a tolerance for anti-aliasing, the changed regions
//! boxed, and the pair drawn side by side.

use image::{Rgb, RgbImage};

/// How far apart two channels of a pixel may be and still count as the same (anti-aliasing).
const TOLERANCE: u8 = 48;

/// How many pixels must differ for a page to count as changed: fewer is noise.
const MIN_CHANGED_PIXELS: usize = 4;

/// The side of a cell of the grid changes are gathered on, in pixels (2 mm at 100 dpi).
const CELL: u32 = 8;

/// Changed cells this many cells apart or closer are boxed together (the words of one line).
const REACH: i64 = 2;

/// How much a box is widened around its cells, in pixels, so that it does not hide the change.
const MARGIN: u32 = 3;

/// A rectangle of a page, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// Its left edge.
    pub x: u32,
    /// Its top edge.
    pub y: u32,
    /// Its width.
    pub width: u32,
    /// Its height.
    pub height: u32,
}

impl Region {
    fn overlaps(&self, other: &Region) -> bool {
        self.x <= other.x + other.width
            && other.x <= self.x + self.width
            && self.y <= other.y + other.height
            && other.y <= self.y + self.height
    }

    fn union(&self, other: &Region) -> Region {
        let (x, y) = (self.x.min(other.x), self.y.min(other.y));
        let right = (self.x + self.width).max(other.x + other.width);
        let bottom = (self.y + self.height).max(other.y + other.height);
        Region { x, y, width: right - x, height: bottom - y }
    }
}

/// The regions where two renderings of a page differ, top to bottom; none when they differ by
/// anti-aliasing only. Pages of different sizes differ everywhere.
pub fn changed_regions(old: &RgbImage, new: &RgbImage) -> Vec<Region> {
    if old.dimensions() != new.dimensions() {
        let (width, height) = (old.width().max(new.width()), old.height().max(new.height()));
        return vec![Region { x: 0, y: 0, width, height }];
    }
    let (cells, changed_pixels) = changed_cells(old, new);
    if changed_pixels < MIN_CHANGED_PIXELS {
        return Vec::new();
    }
    let boxes = group_cells(&cells).into_iter().map(|b| widen(b, old.width(), old.height()));
    merge_overlapping(boxes.collect())
}

/// The cells of the grid (column, row) holding a pixel that differs, and how many pixels do.
fn changed_cells(old: &RgbImage, new: &RgbImage) -> (Vec<(i64, i64)>, usize) {
    let row_bytes = old.width() as usize * 3;
    let rows = old.as_raw().chunks_exact(row_bytes).zip(new.as_raw().chunks_exact(row_bytes));
    let (mut cells, mut count) = (Vec::new(), 0);
    // Most rows of a page are identical: comparing whole rows first skips them at memcmp speed.
    for (y, (a, b)) in rows.enumerate().filter(|(_, (a, b))| a != b) {
        let pixels = a.chunks_exact(3).zip(b.chunks_exact(3));
        for (x, _) in pixels.enumerate().filter(|(_, (p, q))| differs(p, q)) {
            count += 1;
            cells.push((x as i64 / i64::from(CELL), y as i64 / i64::from(CELL)));
        }
    }
    cells.sort_unstable();
    cells.dedup();
    (cells, count)
}

/// Whether two pixels differ by more than anti-aliasing does.
fn differs(p: &[u8], q: &[u8]) -> bool {
    p.iter().zip(q).any(|(a, b)| a.abs_diff(*b) > TOLERANCE)
}

/// Groups changed cells that lie within [`REACH`] of each other; each group's bounding box, in
/// pixels.
fn group_cells(cells: &[(i64, i64)]) -> Vec<Region> {
    let mut seen = vec![false; cells.len()];
    let mut boxes = Vec::new();
    for start in 0..cells.len() {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let (mut stack, mut bounds) = (vec![start], (cells[start], cells[start]));
        while let Some(i) = stack.pop() {
            let (cx, cy) = cells[i];
            bounds = (
                (bounds.0.0.min(cx), bounds.0.1.min(cy)),
                (bounds.1.0.max(cx), bounds.1.1.max(cy)),
            );
            // Cells are sorted by column: the neighbours lie in a window of that order.
            let first = cells.partition_point(|&(x, _)| x < cx - REACH);
            for j in first..cells.len() {
                let (x, y) = cells[j];
                if x > cx + REACH {
                    break;
                }
                if !seen[j] && (y - cy).abs() <= REACH {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        boxes.push(cell_box(bounds));
    }
    boxes
}

/// The pixels covered by the cells from `first` to `last` (column, row), both included.
fn cell_box((first, last): ((i64, i64), (i64, i64))) -> Region {
    let cell = i64::from(CELL);
    let (x, y) = (first.0 * cell, first.1 * cell);
    let (width, height) = ((last.0 + 1) * cell - x, (last.1 + 1) * cell - y);
    Region { x: x as u32, y: y as u32, width: width as u32, height: height as u32 }
}

/// A box widened by [`MARGIN`], kept on a page of `width` × `height`.
fn widen(region: Region, width: u32, height: u32) -> Region {
    let (x, y) = (region.x.saturating_sub(MARGIN), region.y.saturating_sub(MARGIN));
    let right = (region.x + region.width + MARGIN).min(width);
    let bottom = (region.y + region.height + MARGIN).min(height);
    Region { x, y, width: right.saturating_sub(x), height: bottom.saturating_sub(y) }
}

/// Boxes that overlap made one, until none does; sorted top to bottom, then left to right.
fn merge_overlapping(mut boxes: Vec<Region>) -> Vec<Region> {
    let mut merged = true;
    while merged {
        merged = false;
        'outer: for i in 0..boxes.len() {
            for j in i + 1..boxes.len() {
                if boxes[i].overlaps(&boxes[j]) {
                    boxes[i] = boxes[i].union(&boxes[j]);
                    boxes.remove(j);
                    merged = true;
                    break 'outer;
                }
            }
        }
    }
    boxes.sort_by_key(|b| (b.y, b.x));
    boxes
}

/// The space between the two pages of a side-by-side image, in pixels.
const GUTTER: u32 = 16;
const GUTTER_COLOUR: Rgb<u8> = Rgb([128, 128, 128]);
/// The colour of a side with no page (added or removed).
const ABSENT_COLOUR: Rgb<u8> = Rgb([220, 220, 220]);
const BOX_COLOUR: Rgb<u8> = Rgb([220, 0, 0]);
const BOX_THICKNESS: u32 = 3;

/// The old page on the left and the new one on the right, `regions` boxed on both; a page
/// missing on one side (added or removed) is drawn as a grey sheet of the other's size.
pub fn side_by_side(
    old: Option<&RgbImage>,
    new: Option<&RgbImage>,
    regions: &[Region],
) -> RgbImage {
    let size = |page: Option<&RgbImage>| page.map(RgbImage::dimensions);
    let (old_size, new_size) = (size(old), size(new));
    let (ow, oh) = old_size.or(new_size).unwrap_or((1, 1));
    let (nw, nh) = new_size.or(old_size).unwrap_or((1, 1));
    let mut canvas = RgbImage::from_pixel(ow + GUTTER + nw, oh.max(nh), GUTTER_COLOUR);
    for (page, (w, h), left) in [(old, (ow, oh), 0), (new, (nw, nh), ow + GUTTER)] {
        match page {
            Some(page) => paste(&mut canvas, page, left),
            None => fill(&mut canvas, Region { x: left, y: 0, width: w, height: h }, ABSENT_COLOUR),
        }
        if page.is_some() {
            for region in regions {
                draw_box(&mut canvas, Region { x: region.x + left, ..*region });
            }
        }
    }
    canvas
}

/// Copies `page` into `canvas` with its left edge at `left`, row by row.
fn paste(canvas: &mut RgbImage, page: &RgbImage, left: u32) {
    let (canvas_row, page_row) = (canvas.width() as usize * 3, page.width() as usize * 3);
    let start = left as usize * 3;
    let rows = canvas.chunks_exact_mut(canvas_row).zip(page.as_raw().chunks_exact(page_row));
    for (into, from) in rows {
        into[start..start + page_row].copy_from_slice(from);
    }
}

fn fill(canvas: &mut RgbImage, region: Region, colour: Rgb<u8>) {
    for y in region.y..(region.y + region.height).min(canvas.height()) {
        for x in region.x..(region.x + region.width).min(canvas.width()) {
            canvas.put_pixel(x, y, colour);
        }
    }
}

/// The outline of `region`, [`BOX_THICKNESS`] pixels thick, inside it.
fn draw_box(canvas: &mut RgbImage, region: Region) {
    let t = BOX_THICKNESS.min(region.width).min(region.height);
    let Region { x, y, width, height } = region;
    let edges = [
        Region { x, y, width, height: t },
        Region { x, y: y + height - t, width, height: t },
        Region { x, y, width: t, height },
        Region { x: x + width - t, y, width: t, height },
    ];
    for edge in edges {
        fill(canvas, edge, BOX_COLOUR);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> RgbImage {
        RgbImage::from_pixel(200, 300, Rgb([255, 255, 255]))
    }

    fn ink(image: &mut RgbImage, x: u32, y: u32, width: u32, height: u32) {
        fill(image, Region { x, y, width, height }, Rgb([0, 0, 0]));
    }

    #[test]
    fn anti_aliasing_alone_is_no_change() {
        let (old, mut new) = (page(), page());
        fill(&mut new, Region { x: 10, y: 10, width: 50, height: 2 }, Rgb([230, 230, 230]));
        assert_eq!(changed_regions(&old, &new), []);
        let mut speck = page();
        ink(&mut speck, 100, 100, 1, 2);
        assert_eq!(changed_regions(&old, &speck), [], "fewer pixels than the minimum");
    }

    #[test]
    fn a_changed_word_is_one_box_around_it() {
        let (old, mut new) = (page(), page());
        ink(&mut new, 40, 100, 30, 10);
        let regions = changed_regions(&old, &new);
        assert_eq!(regions.len(), 1, "{regions:?}");
        let r = regions[0];
        assert!(r.x <= 40 && r.y <= 100 && r.x + r.width >= 70 && r.y + r.height >= 110, "{r:?}");
        assert!(r.width < 50 && r.height < 30, "the box is tight: {r:?}");
    }

    #[test]
    fn nearby_changes_share_a_box_and_distant_ones_do_not() {
        let (old, mut new) = (page(), page());
        ink(&mut new, 20, 20, 10, 8);
        ink(&mut new, 40, 20, 10, 8);
        ink(&mut new, 20, 250, 10, 8);
        let regions = changed_regions(&old, &new);
        assert_eq!(regions.len(), 2, "{regions:?}");
        assert!(regions[0].y < 30 && regions[0].width >= 30, "{regions:?}");
        assert!(regions[1].y > 200, "top to bottom: {regions:?}");
    }

    #[test]
    fn pages_of_different_sizes_differ_everywhere() {
        let (old, new) = (page(), RgbImage::from_pixel(300, 300, Rgb([255, 255, 255])));
        assert_eq!(changed_regions(&old, &new), [Region { x: 0, y: 0, width: 300, height: 300 }]);
    }

    #[test]
    fn side_by_side_boxes_the_change_on_both_pages() {
        let (old, mut new) = (page(), page());
        ink(&mut new, 40, 100, 30, 10);
        let regions = changed_regions(&old, &new);
        let image = side_by_side(Some(&old), Some(&new), &regions);
        assert_eq!(image.dimensions(), (200 + GUTTER + 200, 300));
        let r = regions[0];
        assert_eq!(*image.get_pixel(r.x, r.y), BOX_COLOUR);
        assert_eq!(*image.get_pixel(r.x + 200 + GUTTER, r.y), BOX_COLOUR);
        assert_eq!(*image.get_pixel(0, 0), Rgb([255, 255, 255]));
        let added = side_by_side(None, Some(&new), &[]);
        assert_eq!(*added.get_pixel(0, 0), ABSENT_COLOUR);
    }
}
