//! Iterator objects over builtin containers ([`IteratorData`]).
//!
//! The iterators of `for` loops — over a range, a list or a tuple — step
//! without a lock: each keeps its position in one atomic word, which a
//! step loads and then stores moved on, with plain (relaxed) moves. A
//! compare-exchange there was a third of a bare `for` loop's time
//! (ARCHITECTURE.md, decisions). Every other kind keeps its state behind
//! the object lock.
//!
//! Racing steps of one shared iterator are memory-safe and lose nothing
//! but are not serialized, as in free-threaded CPython, whose iterators
//! may hand two threads the same item: two threads that load the same
//! position both get its item. No item is skipped: the position only ever
//! becomes `p + 1` by a step that returned item `p`, so it cannot pass an
//! item nobody got. No value is made up: the position is the only moving
//! part, so a step returns the item at some position the iterator really
//! reached (for a range, `start + p·step` with `p` below the length).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use stillpoint_gc::{Trace, Tracer};

use super::{IterState, ListItems, Mutex, ObjectData};
use crate::value::Value;

/// The state of an iterator object (`ObjectData::Iterator`); its kind
/// never changes.
pub enum IteratorData {
    /// Over a range of `i64` values, stepped without a lock.
    Range(RangeCursor),
    /// Over a list or tuple by index, stepped without a lock.
    Sequence(SequenceCursor),
    /// Any other kind, stepped under the object lock.
    Locked(Mutex<IterState>),
}

impl IteratorData {
    /// The state of `iter(v)` for `v` (whose data is `data`) a list, tuple
    /// or range, whose iterators step without running Python code or
    /// taking a lock; `None` for anything else.
    pub fn of_sequence(v: Value, data: &ObjectData) -> Option<IteratorData> {
        match data {
            ObjectData::List(_) | ObjectData::Tuple(_) => {
                Some(IteratorData::Sequence(SequenceCursor::new(v)))
            }
            ObjectData::Range(r) => Some(r.iterator(false)),
            _ => None,
        }
    }
}

impl From<IterState> for IteratorData {
    fn from(state: IterState) -> IteratorData {
        IteratorData::Locked(Mutex::new(state))
    }
}

// SAFETY: traces the container the iterator walks.
unsafe impl Trace for IteratorData {
    fn trace(&self, tracer: &mut Tracer) {
        match self {
            IteratorData::Range(_) => {}
            IteratorData::Sequence(cursor) => cursor.seq.trace(tracer),
            IteratorData::Locked(state) => state.lock().trace(tracer),
        }
    }
}

/// A range iterator's position: the values are `start + p·step` for `p`
/// below `len`.
pub struct RangeCursor {
    start: i64,
    step: i64,
    len: u64,
    /// How many values were taken (`p` of the next one).
    taken: AtomicU64,
}

impl RangeCursor {
    /// An iterator over `len` values from `start` by `step`; every one of
    /// them fits in an `i64`.
    pub fn new(start: i64, step: i64, len: u64) -> RangeCursor {
        RangeCursor {
            start,
            step,
            len,
            taken: AtomicU64::new(0),
        }
    }

    /// Takes the next value if `accept` makes something of it: `Some(None)`
    /// when the range is exhausted, `None` (nothing taken) when `accept`
    /// refuses.
    #[inline]
    pub fn step<T>(&self, accept: impl FnOnce(i64) -> Option<T>) -> Option<Option<T>> {
        let taken = self.taken.load(Ordering::Relaxed);
        if taken >= self.len {
            return Some(None);
        }
        // `start + taken·step` is a value of the range, so it fits: the
        // wrapping operations compute it exactly, even where `taken·step`
        // alone does not fit (a reversed range steps by −step).
        let value = self
            .start
            .wrapping_add((taken as i64).wrapping_mul(self.step));
        let made = accept(value)?;
        self.taken.store(taken + 1, Ordering::Relaxed);
        Some(Some(made))
    }

    /// The next value; `None` once exhausted.
    #[inline]
    pub fn next(&self) -> Option<i64> {
        // `Some` accepts every value: the step always answers.
        self.step(Some).flatten()
    }
}

/// A list or tuple iterator's position.
pub struct SequenceCursor {
    /// The list or tuple (or an instance of a list subclass).
    seq: Value,
    /// The next index; [`EXHAUSTED`] once a step found no item, so that a
    /// list that grows afterwards does not restart it (as CPython's).
    index: AtomicUsize,
}

/// [`SequenceCursor::index`] of an exhausted iterator.
const EXHAUSTED: usize = usize::MAX;

impl SequenceCursor {
    /// An iterator over `seq`, a list or tuple, from its first item.
    pub fn new(seq: Value) -> SequenceCursor {
        SequenceCursor {
            seq,
            index: AtomicUsize::new(0),
        }
    }

    /// The next item; `None` once exhausted.
    #[inline]
    pub fn next(&self) -> Option<Value> {
        let index = self.index.load(Ordering::Relaxed);
        let item = match self.seq.builtin_data() {
            Some(ObjectData::List(l)) => {
                ListItems::get_unlocked(l, index).or_else(|| l.lock().get(index).copied())
            }
            Some(ObjectData::Tuple(t)) => t.get(index).copied(),
            _ => None,
        };
        let next = if item.is_some() { index + 1 } else { EXHAUSTED };
        self.index.store(next, Ordering::Relaxed);
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(cursor: &RangeCursor) -> Vec<i64> {
        std::iter::from_fn(|| cursor.next()).collect()
    }

    #[test]
    fn a_range_cursor_yields_every_value_once_then_stays_exhausted() {
        let cursor = RangeCursor::new(-3, 4, 4);
        assert_eq!(drain(&cursor), [-3, 1, 5, 9]);
        assert_eq!(cursor.next(), None);
    }

    #[test]
    fn a_range_cursor_computes_values_whose_offsets_overflow() {
        // reversed(range(i64::MIN, i64::MAX, i64::MAX)): the offset
        // `p·step` leaves i64, the values do not.
        let step = i64::MAX;
        let last = i64::MIN + step + step;
        let cursor = RangeCursor::new(last, step.wrapping_neg(), 3);
        assert_eq!(drain(&cursor), [last, i64::MIN + step, i64::MIN]);
    }

    #[test]
    fn a_refused_value_is_not_taken() {
        let cursor = RangeCursor::new(10, 1, 2);
        assert_eq!(cursor.step(|_| None::<i64>), None);
        assert_eq!(drain(&cursor), [10, 11]);
    }
}
