//! Memoised work stays bounded however many times one process builds: a process that builds
//! once drops it as soon as no stage runs; one that builds again keeps what the last build used.
//!
//! presse memoises its chapter parse and its typography, and typst memoises its layout, all
//! through comemo's one global cache. Every stage that memoises (loading, the passes,
//! typesetting, the EPUB, previews) runs inside a [`Round`], and so does every build as a whole.
//!
//! - By default nothing is expected to follow: when the last stage running ends, all memoised
//!   work is evicted. A one-shot `presse build` thus exports a book's PDF without typst's cache
//!   of its layout beside it (a few hundred MB at 1,000 pages), and a fuzzer or a program that
//!   builds many times stays flat.
//! - A process that builds again and again, reusing what did not change (`presse watch`), calls
//!   [`keep_between_builds`]: when a round begins with no other running, the work that the
//!   previous round did not use is evicted, and the rest kept for this one.
//!
//! Nothing is evicted while another stage runs, so no build loses work it is in the middle of.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Evictions that memoised work survives unused, after rounds that went well: one keeps exactly
/// what the last round used, which is what the next one (an edit, a rebuild) needs.
const KEPT: usize = 1;

/// Evictions that memoised work survives unused, after a round that failed: the next rounds are
/// likely the fix, which needs the work of the last good round back. Still bounded, so that a
/// caller whose every round fails does not grow either.
const KEPT_AFTER_FAILURE: usize = 4;

/// The rounds running, and what those that ended since the last eviction did.
#[derive(Debug, Default)]
struct Rounds {
    /// Whether this process builds again, reusing memoised work: see [`keep_between_builds`].
    keep: bool,
    /// Rounds running, stages and groups.
    running: usize,
    /// Stages running.
    working: usize,
    /// Whether a stage ran since the last eviction.
    worked: bool,
    /// Whether a round failed since the last eviction.
    failed: bool,
}

impl Rounds {
    /// Counts a round in; says how old unused work may be to stay, when it is time to evict.
    fn begin(&mut self, works: bool) -> Option<usize> {
        let evict = (self.keep && self.running == 0 && self.worked).then_some(if self.failed {
            KEPT_AFTER_FAILURE
        } else {
            KEPT
        });
        if evict.is_some() {
            (self.worked, self.failed) = (false, false);
        }
        self.running += 1;
        self.working += usize::from(works);
        self.worked |= works;
        evict
    }

    /// Counts a round out; says whether to evict everything (the last stage of a process that
    /// does not build again).
    fn end(&mut self, works: bool) -> bool {
        self.running -= 1;
        self.working -= usize::from(works);
        works && !self.keep && self.working == 0
    }
}

static ROUNDS: Mutex<Rounds> =
    Mutex::new(Rounds { keep: false, running: 0, working: 0, worked: false, failed: false });

fn rounds() -> MutexGuard<'static, Rounds> {
    ROUNDS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Says that this process builds again and again, each build reusing what the last one did
/// (`presse watch`): memoised work is then kept from one round to the next.
pub fn keep_between_builds() {
    rounds().keep = true;
}

/// Whether this process builds again (see [`keep_between_builds`]): memoising work for a later
/// build is then worth its cost.
pub(crate) fn builds_again() -> bool {
    rounds().keep
}

/// One round of work: a stage of a build, or a group of stages (a build).
#[must_use = "the round ends when this value is dropped"]
pub struct Round {
    works: bool,
}

impl Round {
    /// Begins a round that groups other rounds without memoising anything itself. A program that
    /// calls presse's stages one by one, after [`keep_between_builds`], holds one over each
    /// build, so that its stages count as one round and the next build finds their work.
    pub fn group() -> Round {
        Round::begin(false)
    }

    /// Begins a round that does memoised work: one stage of a build.
    pub(crate) fn work() -> Round {
        Round::begin(true)
    }

    /// Notes that the work of this round failed: earlier work is then kept a few rounds longer.
    pub fn fail(&self) {
        rounds().failed = true;
    }

    fn begin(works: bool) -> Round {
        // The lock is held while evicting: no round begins with half of the cache evicted.
        let mut rounds = rounds();
        if let Some(max_age) = rounds.begin(works) {
            comemo::evict(max_age);
        }
        Round { works }
    }
}

impl Drop for Round {
    fn drop(&mut self) {
        let mut rounds = rounds();
        if rounds.end(self.works) {
            comemo::evict(0);
        }
    }
}

/// Runs `work` as one round of memoised work, noting whether it failed.
pub(crate) fn stage<T, E>(work: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    let round = Round::work();
    let result = work();
    if result.is_err() {
        round.fail();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plays rounds one after the other ("works", "group", or "fails": a stage that fails) and
    /// gives the eviction each began with, and whether all was evicted as it ended.
    fn play(keep: bool, rounds: &[&str]) -> Vec<(Option<usize>, bool)> {
        let mut state = Rounds { keep, ..Rounds::default() };
        let mut evictions = Vec::new();
        for round in rounds {
            let works = *round != "group";
            let at_begin = state.begin(works);
            state.failed |= *round == "fails";
            evictions.push((at_begin, state.end(works)));
        }
        evictions
    }

    #[test]
    fn a_process_that_builds_once_drops_all_work_as_each_stage_ends() {
        let played = play(false, &["works", "group", "fails"]);
        assert_eq!(played, [(None, true), (None, false), (None, true)]);
    }

    #[test]
    fn when_builds_reuse_work_each_round_keeps_what_the_last_one_used() {
        let played = play(true, &["works", "works", "works"]);
        assert_eq!(played, [(None, false), (Some(KEPT), false), (Some(KEPT), false)]);
    }

    #[test]
    fn rounds_that_did_no_work_age_nothing() {
        // An up-to-date build loads nothing: the work of the build before stays as it was.
        let played = play(true, &["works", "group", "group", "works"]);
        let at_begin: Vec<_> = played.iter().map(|(evict, _)| *evict).collect();
        assert_eq!(at_begin, [None, Some(KEPT), None, None]);
    }

    #[test]
    fn after_a_failure_earlier_work_is_kept_longer_until_a_round_goes_well() {
        let played = play(true, &["works", "fails", "fails", "works", "works"]);
        let at_begin: Vec<_> = played.iter().map(|(evict, _)| *evict).collect();
        let longer = Some(KEPT_AFTER_FAILURE);
        assert_eq!(at_begin, [None, Some(KEPT), longer, longer, Some(KEPT)]);
    }

    #[test]
    fn nothing_is_evicted_while_another_stage_runs() {
        let mut state = Rounds { keep: true, worked: true, ..Rounds::default() };
        assert_eq!(state.begin(true), Some(KEPT));
        assert_eq!(state.begin(true), None, "a stage inside a running build");
        let mut once = Rounds::default();
        once.begin(true);
        once.begin(true);
        assert!(!once.end(true), "the EPUB ends while the PDF is being laid out");
        assert!(once.end(true));
    }
}
