//! Two sequences of pages lined up: identical pages matched by a longest common subsequence of
//! their hashes, the pages between matches paired in order as changed, the rest added or
//! removed, and an added page identical to a removed one counted as moved.

/// What became of one page, by its index (0-based) in the old and the new edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The same page, perhaps at another place among pages that did not move.
    Same {
        /// Its index in the old edition.
        old: usize,
        /// Its index in the new edition.
        new: usize,
    },
    /// A page whose place in the sequence is the same but whose content differs.
    Changed {
        /// Its index in the old edition.
        old: usize,
        /// Its index in the new edition.
        new: usize,
    },
    /// A page only the new edition has.
    Added {
        /// Its index in the new edition.
        new: usize,
    },
    /// A page only the old edition has.
    Removed {
        /// Its index in the old edition.
        old: usize,
    },
    /// A page identical to one of the old edition, found elsewhere in the order.
    Moved {
        /// Its index in the old edition.
        old: usize,
        /// Its index in the new edition.
        new: usize,
    },
}

/// Lines up the pages of two editions, given each page's hash; the steps come in the new
/// edition's order, each removed page after the new page it followed.
pub fn align(old: &[u64], new: &[u64]) -> Vec<Step> {
    let mut steps = Vec::new();
    let (mut o, mut n) = (0, 0);
    for (match_old, match_new) in common_pages(old, new) {
        pair_gap(o..match_old, n..match_new, &mut steps);
        steps.push(Step::Same { old: match_old, new: match_new });
        (o, n) = (match_old + 1, match_new + 1);
    }
    pair_gap(o..old.len(), n..new.len(), &mut steps);
    find_moves(old, new, &mut steps);
    steps
}

/// The pairs of indices of a longest common subsequence of `old` and `new`, in order.
fn common_pages(old: &[u64], new: &[u64]) -> Vec<(usize, usize)> {
    let (rows, cols) = (old.len(), new.len());
    // lengths[i][j]: the length of the longest common subsequence of old[i..] and new[j..].
    let mut lengths = vec![0u32; (rows + 1) * (cols + 1)];
    let at = |i: usize, j: usize| i * (cols + 1) + j;
    for i in (0..rows).rev() {
        for j in (0..cols).rev() {
            lengths[at(i, j)] = if old[i] == new[j] {
                lengths[at(i + 1, j + 1)] + 1
            } else {
                lengths[at(i + 1, j)].max(lengths[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < rows && j < cols {
        if old[i] == new[j] {
            pairs.push((i, j));
            (i, j) = (i + 1, j + 1);
        } else if lengths[at(i + 1, j)] >= lengths[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// The pages between two matches: paired in order as changed, the surplus added or removed.
fn pair_gap(old: std::ops::Range<usize>, new: std::ops::Range<usize>, steps: &mut Vec<Step>) {
    let paired = old.len().min(new.len());
    for k in 0..paired {
        steps.push(Step::Changed { old: old.start + k, new: new.start + k });
    }
    steps.extend((new.start + paired..new.end).map(|new| Step::Added { new }));
    steps.extend((old.start + paired..old.end).map(|old| Step::Removed { old }));
}

/// Turns an added page identical to a removed one into a move, and drops the removal.
fn find_moves(old: &[u64], new: &[u64], steps: &mut Vec<Step>) {
    let removed: Vec<usize> = steps
        .iter()
        .filter_map(|s| if let Step::Removed { old } = *s { Some(old) } else { None })
        .collect();
    let mut moved_from = Vec::new();
    for step in steps.iter_mut() {
        let Step::Added { new: n } = *step else { continue };
        let from = removed.iter().find(|&&o| old[o] == new[n] && !moved_from.contains(&o));
        if let Some(&o) = from {
            *step = Step::Moved { old: o, new: n };
            moved_from.push(o);
        }
    }
    steps.retain(|s| !matches!(s, Step::Removed { old } if moved_from.contains(old)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use Step::*;

    #[test]
    fn identical_editions_are_the_same_page_for_page() {
        assert_eq!(
            align(&[1, 2, 3], &[1, 2, 3]),
            [Same { old: 0, new: 0 }, Same { old: 1, new: 1 }, Same { old: 2, new: 2 }]
        );
    }

    #[test]
    fn an_edited_page_between_identical_ones_is_changed() {
        assert_eq!(
            align(&[1, 2, 3, 4], &[1, 2, 3, 9]),
            [
                Same { old: 0, new: 0 },
                Same { old: 1, new: 1 },
                Same { old: 2, new: 2 },
                Changed { old: 3, new: 3 }
            ]
        );
    }

    #[test]
    fn a_page_inserted_shifts_the_next_ones_without_changing_them() {
        let steps = align(&[1, 2, 3], &[1, 7, 2, 3]);
        assert_eq!(
            steps,
            [
                Same { old: 0, new: 0 },
                Added { new: 1 },
                Same { old: 1, new: 2 },
                Same { old: 2, new: 3 }
            ]
        );
    }

    #[test]
    fn a_reflow_changes_the_pages_it_touches_and_adds_the_last() {
        let steps = align(&[1, 2, 3, 4], &[1, 5, 6, 7, 8]);
        assert_eq!(
            steps,
            [
                Same { old: 0, new: 0 },
                Changed { old: 1, new: 1 },
                Changed { old: 2, new: 2 },
                Changed { old: 3, new: 3 },
                Added { new: 4 }
            ]
        );
    }

    #[test]
    fn a_page_dropped_at_the_end_is_removed() {
        assert_eq!(
            align(&[1, 2, 3], &[1, 2]),
            [Same { old: 0, new: 0 }, Same { old: 1, new: 1 }, Removed { old: 2 }]
        );
    }

    #[test]
    fn two_pages_swapped_are_one_moved() {
        let steps = align(&[1, 2, 3], &[2, 1, 3]);
        assert_eq!(
            steps,
            [Same { old: 1, new: 0 }, Moved { old: 0, new: 1 }, Same { old: 2, new: 2 }]
        );
    }

    #[test]
    fn empty_editions_align_to_additions_or_removals() {
        assert_eq!(align(&[], &[4, 5]), [Added { new: 0 }, Added { new: 1 }]);
        assert_eq!(align(&[4], &[]), [Removed { old: 0 }]);
    }
}
