//! The outcome of one request among the many a large call is split into.

use std::ops::Range;

use crate::error::Result;

/// What one chunk of a split call did: which items of the caller's list it carried, and
/// what the service answered for them.
///
/// The `*_chunked` calls (Beams audiences, Channels fan-out) validate the whole list first,
/// then send it as several requests, each within the service's limits; they return one
/// `ChunkResult` per request, in chunk order. A failed chunk does not stop the others and is
/// never dropped: retry exactly the items [`ChunkResult::covered`] names.
///
/// ```
/// use push_core::{ChunkResult, Covered};
///
/// let chunk = ChunkResult { index: 1, covered: Covered::range(100..150), result: Ok("pub-2") };
/// let ids: Vec<String> = (0..150).map(|i| format!("user-{i}")).collect();
/// let carried: Vec<&String> = chunk.covered.pick(&ids).collect();
/// assert_eq!(carried.len(), 50);
/// assert_eq!(carried[0], "user-100");
/// ```
#[derive(Debug)]
pub struct ChunkResult<T> {
    /// The chunk's position among the chunks (0-based): the order they were planned in.
    pub index: usize,
    /// Which items of the caller's list this chunk carried.
    pub covered: Covered,
    /// The service's answer for this chunk, or why it failed.
    pub result: Result<T>,
}

impl<T> ChunkResult<T> {
    /// A chunk's outcome.
    pub fn new(index: usize, covered: Covered, result: Result<T>) -> Self {
        Self {
            index,
            covered,
            result,
        }
    }
}

/// The positions, in the caller's list, of the items one chunk carried: ascending and
/// non-overlapping ranges (one range when the chunk is a run of the list, several when it
/// gathers items from across it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Covered {
    ranges: Vec<Range<usize>>,
}

impl Covered {
    /// The items `range` of the list.
    pub fn range(range: Range<usize>) -> Self {
        Self {
            ranges: if range.is_empty() {
                Vec::new()
            } else {
                vec![range]
            },
        }
    }

    /// The items at `positions`, which must be ascending; runs of consecutive positions
    /// become one range.
    pub fn positions(positions: impl IntoIterator<Item = usize>) -> Self {
        let mut ranges: Vec<Range<usize>> = Vec::new();
        for at in positions {
            match ranges.last_mut() {
                Some(last) if last.end == at => last.end = at + 1,
                _ => ranges.push(at..at + 1),
            }
        }
        Self { ranges }
    }

    /// The ranges, ascending.
    pub fn ranges(&self) -> &[Range<usize>] {
        &self.ranges
    }

    /// Every position, ascending.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.ranges.iter().flat_map(Clone::clone)
    }

    /// How many items the chunk carried.
    pub fn len(&self) -> usize {
        self.ranges.iter().map(ExactSizeIterator::len).sum()
    }

    /// Whether the chunk carried nothing.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether the item at `position` was in this chunk.
    pub fn contains(&self, position: usize) -> bool {
        self.ranges.iter().any(|r| r.contains(&position))
    }

    /// The items of `list` this chunk carried (positions beyond the list are skipped).
    pub fn pick<'a, T>(&'a self, list: &'a [T]) -> impl Iterator<Item = &'a T> + 'a {
        self.iter().filter_map(|at| list.get(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_become_ranges() {
        let covered = Covered::positions([0, 1, 2, 5, 7, 8]);
        assert_eq!(covered.ranges(), [0..3, 5..6, 7..9]);
        assert_eq!(covered.len(), 6);
        assert_eq!(covered.iter().collect::<Vec<_>>(), [0, 1, 2, 5, 7, 8]);
        assert!(covered.contains(5) && !covered.contains(6));
        assert!(Covered::positions([]).is_empty());
        assert!(Covered::range(3..3).is_empty());
        let names = ["a", "b", "c", "d", "e", "f"];
        assert_eq!(
            covered.pick(&names).copied().collect::<Vec<_>>(),
            ["a", "b", "c", "f"]
        );
    }
}
