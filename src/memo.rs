//! Memoised work stays bounded however many times one process builds: work that the last round
//! did not use is evicted when the next round begins.
//!
//! presse memoises its chapter parse and its typography, and typst memoises its layout, all
//! through comemo's one global cache, so that a rebuild redoes only what changed. A process that
//! builds many times (`presse watch`, a fuzzer, a program using presse as a library) would
//! otherwise keep every build's work for ever. So every stage that memoises (loading, the passes,
//! typesetting, the EPUB) runs inside a [`Round`], and so does every build as a whole; when a
//! round begins and no other is running, what the previous rounds did not use is dropped.
//! Nothing is evicted while any round runs, so a build never loses work it is in the middle of.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Evictions that memoised work survives unused, after rounds that went well: one keeps exactly
/// what the last round used, which is what the next one (an edit, a rebuild) needs.
const KEPT: usize = 1;

/// Evictions that memoised work survives unused, after a round that failed: the next rounds are
/// likely the fix, which needs the work of the last good round back. Still bounded, so that a
/// caller whose every round fails (a fuzzer) does not grow either.
const KEPT_AFTER_FAILURE: usize = 4;

/// The rounds running, and what those that ended since the last eviction did.
#[derive(Debug, Default)]
struct Rounds {
    running: usize,
    worked: bool,
    failed: bool,
}

impl Rounds {
    /// Counts a round in; says how old unused work may be to stay, when it is time to evict.
    fn begin(&mut self, works: bool) -> Option<usize> {
        let evict = (self.running == 0 && self.worked).then_some(if self.failed {
            KEPT_AFTER_FAILURE
        } else {
            KEPT
        });
        if evict.is_some() {
            (self.worked, self.failed) = (false, false);
        }
        self.running += 1;
        self.worked |= works;
        evict
    }
}

static ROUNDS: Mutex<Rounds> = Mutex::new(Rounds { running: 0, worked: false, failed: false });

fn rounds() -> MutexGuard<'static, Rounds> {
    ROUNDS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One round of work: memoised work it uses is kept for the next round, the rest is evicted.
/// Rounds begun while another runs (a stage inside a build, publications built side by side)
/// belong to the same round.
#[must_use = "the round ends when this value is dropped"]
pub struct Round(());

impl Round {
    /// Begins a round that groups other rounds without memoising anything itself. A program that
    /// calls presse's stages one by one holds one over each build, so that the stages count as
    /// one round and the next build finds their work.
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
        Round(())
    }
}

impl Drop for Round {
    fn drop(&mut self) {
        rounds().running -= 1;
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

    /// Plays rounds one after the other (`true`: a round that works, `false`: a group, `!`: one
    /// that fails) and gives the eviction each began with.
    fn play(rounds: &[&str]) -> Vec<Option<usize>> {
        let mut state = Rounds::default();
        let mut evictions = Vec::new();
        for round in rounds {
            evictions.push(state.begin(*round != "group"));
            state.failed |= *round == "fails";
            state.running -= 1;
        }
        evictions
    }

    #[test]
    fn each_round_after_work_keeps_what_the_last_one_used() {
        assert_eq!(play(&["works", "works", "works"]), [None, Some(KEPT), Some(KEPT)]);
    }

    #[test]
    fn rounds_that_did_no_work_age_nothing() {
        // An up-to-date build loads nothing: the work of the build before stays as it is.
        assert_eq!(play(&["works", "group", "group", "works"]), [None, Some(KEPT), None, None]);
    }

    #[test]
    fn after_a_failure_earlier_work_is_kept_longer_until_a_round_goes_well() {
        assert_eq!(
            play(&["works", "fails", "fails", "works", "works"]),
            [None, Some(KEPT), Some(KEPT_AFTER_FAILURE), Some(KEPT_AFTER_FAILURE), Some(KEPT)]
        );
    }

    #[test]
    fn nothing_is_evicted_while_a_round_runs() {
        let mut state = Rounds { worked: true, ..Rounds::default() };
        assert_eq!(state.begin(true), Some(KEPT));
        assert_eq!(state.begin(true), None, "a stage inside a running build");
        assert_eq!(state.running, 2);
    }
}
