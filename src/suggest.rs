//! "Did you mean": the known word nearest to a misspelt one.

/// The candidate within two edits of `word` (case aside), if any; the nearest first.
pub fn near_miss<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .iter()
        .map(|candidate| {
            (strsim::damerau_levenshtein(&word, &candidate.to_lowercase()), *candidate)
        })
        .filter(|(distance, candidate)| *distance <= 2 && *distance < candidate.len() / 2 + 1)
        .min()
        .map(|(_, candidate)| candidate)
}
