//! Generated inputs for the unit tests that hold a fast path to the rule it
//! shortcuts: every concatenation of a few pieces, or a long fixed walk through them.

/// Every concatenation of at most `most` of `pieces` (repeats allowed, the empty string
/// included), each arrangement once, shortest first. Two arrangements may spell the
/// same string; it is then tested twice.
pub(crate) fn concatenations(pieces: &[&str], most: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut longest = vec![String::new()];
    for _ in 0..most {
        longest = longest
            .iter()
            .flat_map(|s| pieces.iter().map(move |p| format!("{s}{p}")))
            .collect();
        all.extend(longest.iter().cloned());
    }
    all
}

/// Lines of up to `most_pieces` pieces picked by a fixed pseudo-random walk (a linear
/// congruential generator from `seed`), so that the same lines are tested every run.
pub(crate) fn walk(pieces: &[&str], seed: u32, lines: usize, most_pieces: usize) -> Vec<String> {
    let mut state = seed;
    let mut next = |bound: usize| {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (state >> 16) as usize % bound
    };
    (0..lines)
        .map(|_| {
            let count = next(most_pieces + 1);
            (0..count).map(|_| pieces[next(pieces.len())]).collect()
        })
        .collect()
}
