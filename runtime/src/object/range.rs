//! The range object's values.
//!
//! CPython's ranges are unbounded (`range(10**20)`, `range(-10**30, 10**30,
//! 10**25)`), so bounds beyond `i64` must work; but nearly every range is
//! small, and `for i in range(n)` must stay native arithmetic. So a range
//! is [`Range::Small`] (three `i64`s: every value and the length fit in
//! `i128` arithmetic) whenever its bounds fit, and [`Range::Big`] (big-int
//! bounds, boxed) otherwise. Operations on the hot paths (iteration,
//! length, truth, `int in range`) have a `Small` fast path; the rest
//! (slicing, repr, equality, hash, `index`) work on big ints for both.

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::iterator::RangeCursor;
use super::{IterState, IteratorData};

/// A range: its values are `start, start + step, …` up to `stop` (excluded).
#[derive(Clone, Debug)]
pub enum Range {
    /// Bounds that fit in `i64` (nearly every range).
    Small {
        /// First value.
        start: i64,
        /// Bound (excluded).
        stop: i64,
        /// Step (never 0).
        step: i64,
    },
    /// Some bound beyond `i64` (boxed: keeps the object payload small).
    Big(Box<BigRange>),
}

/// The bounds of a [`Range::Big`].
#[derive(Clone, Debug)]
pub struct BigRange {
    /// First value.
    pub start: BigInt,
    /// Bound (excluded).
    pub stop: BigInt,
    /// Step (never 0).
    pub step: BigInt,
}

/// The state of an iterator over a [`Range::Big`].
#[derive(Debug)]
pub struct BigRangeIter {
    /// The next value.
    pub next: BigInt,
    /// How many values are left.
    pub remaining: BigInt,
    /// The step.
    pub step: BigInt,
}

impl Range {
    /// The range with these bounds (`step` must not be 0), `Small` when
    /// they all fit in `i64`.
    pub fn new(start: BigInt, stop: BigInt, step: BigInt) -> Range {
        debug_assert!(!step.is_zero(), "range step 0");
        match (start.to_i64(), stop.to_i64(), step.to_i64()) {
            (Some(start), Some(stop), Some(step)) => Range::Small { start, stop, step },
            _ => Range::Big(Box::new(BigRange { start, stop, step })),
        }
    }

    /// `(start, stop, step)` as big ints.
    pub fn bounds(&self) -> (BigInt, BigInt, BigInt) {
        match self {
            Range::Small { start, stop, step } => (
                BigInt::from(*start),
                BigInt::from(*stop),
                BigInt::from(*step),
            ),
            Range::Big(b) => (b.start.clone(), b.stop.clone(), b.step.clone()),
        }
    }

    /// The length of a small range (at most 2⁶⁴ − 1: always fits).
    fn small_len(start: i64, stop: i64, step: i64) -> u64 {
        let (lo, hi) = if step > 0 {
            (start, stop)
        } else {
            (stop, start)
        };
        if lo >= hi {
            return 0;
        }
        // Both fit in u64: the distance between two i64s, and |step|. No
        // 128-bit division (a library call) for `range(n)`.
        let span = hi.wrapping_sub(lo) as u64;
        match step.unsigned_abs() {
            1 => span,
            step => (span - 1) / step + 1,
        }
    }

    /// The number of values.
    pub fn len(&self) -> BigInt {
        match self {
            Range::Small { start, stop, step } => Self::small_len(*start, *stop, *step).into(),
            Range::Big(b) => {
                let (lo, hi, step) = if b.step.is_positive() {
                    (&b.start, &b.stop, b.step.clone())
                } else {
                    (&b.stop, &b.start, -&b.step)
                };
                if lo >= hi {
                    BigInt::zero()
                } else {
                    (hi - lo - 1u32) / step + 1u32
                }
            }
        }
    }

    /// The number of values if `len()` can return it (at most
    /// `sys.maxsize`; CPython raises OverflowError beyond).
    pub fn len_usize(&self) -> Option<usize> {
        let n = match self {
            Range::Small { start, stop, step } => Self::small_len(*start, *stop, *step),
            Range::Big(_) => self.len().to_u64()?,
        };
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= isize::MAX as usize)
    }

    /// Whether the range is empty.
    pub fn is_empty(&self) -> bool {
        match self {
            Range::Small { start, stop, step } => Self::small_len(*start, *stop, *step) == 0,
            Range::Big(b) => {
                if b.step.is_positive() {
                    b.start >= b.stop
                } else {
                    b.start <= b.stop
                }
            }
        }
    }

    /// Whether `n` is one of the values (allocation-free for small ranges:
    /// `x in range(a, b)` sits in loops).
    pub fn contains_i64(&self, n: i64) -> bool {
        match self {
            Range::Small { start, stop, step } => {
                let in_bounds = if *step > 0 {
                    n >= *start && n < *stop
                } else {
                    n <= *start && n > *stop
                };
                in_bounds && (n as i128 - *start as i128) % *step as i128 == 0
            }
            Range::Big(_) => self.position(&BigInt::from(n)).is_some(),
        }
    }

    /// The position of the value `n`, if the range holds it.
    pub fn position(&self, n: &BigInt) -> Option<BigInt> {
        let (start, stop, step) = self.bounds();
        let in_bounds = if step.is_positive() {
            *n >= start && *n < stop
        } else {
            *n <= start && *n > stop
        };
        let offset = n - start;
        (in_bounds && (&offset % &step).is_zero()).then(|| offset / step)
    }

    /// The value at `index` (negative counts from the end), if in range.
    pub fn get(&self, index: &BigInt) -> Option<BigInt> {
        let len = self.len();
        let index = if index.is_negative() {
            index + &len
        } else {
            index.clone()
        };
        if index.is_negative() || index >= len {
            return None;
        }
        let (start, _, step) = self.bounds();
        Some(start + index * step)
    }

    /// The value at `index` of a small range, natively; `None` when the
    /// range is big or the index is out of range (then ask [`Range::get`],
    /// which tells the two apart).
    pub fn get_small(&self, index: i64) -> Option<i64> {
        let Range::Small { start, stop, step } = *self else {
            return None;
        };
        let len = Self::small_len(start, stop, step) as i128;
        let index = if index < 0 {
            index as i128 + len
        } else {
            index as i128
        };
        // A value in range lies between start and stop: it fits in i64.
        (0..len)
            .contains(&index)
            .then(|| (start as i128 + index * step as i128) as i64)
    }

    /// `self[start:stop:step]`, with the slice's parts (`None`: omitted)
    /// already ints; `step` must not be 0. As CPython, the parts are
    /// clamped to the positions first, so the result's bounds are values
    /// of `self` (or its ends): `range(10)[8:1:-3]` is `range(8, 1, -3)`.
    pub fn slice(&self, start: Option<BigInt>, stop: Option<BigInt>, step: BigInt) -> Range {
        let len = self.len();
        let backwards = step.is_negative();
        // The clamp bounds: a backward slice may stop just before position 0.
        let (lower, upper) = if backwards {
            (BigInt::from(-1), &len - 1u32)
        } else {
            (BigInt::zero(), len.clone())
        };
        let clamp = |part: Option<BigInt>, default: &BigInt| match part {
            None => default.clone(),
            Some(p) => {
                let p = if p.is_negative() { p + &len } else { p };
                p.clamp(lower.clone(), upper.clone())
            }
        };
        let (first, last) = if backwards {
            (&upper, &lower)
        } else {
            (&lower, &upper)
        };
        let start = clamp(start, first);
        let stop = clamp(stop, last);
        let (base, _, base_step) = self.bounds();
        Range::new(
            &base + start * &base_step,
            &base + stop * &base_step,
            step * base_step,
        )
    }

    /// Whether both ranges produce the same values (`==` compares ranges
    /// as sequences: `range(0) == range(2, 2)`).
    pub fn same_values(&self, other: &Range) -> bool {
        let n = self.len();
        if n != other.len() {
            return false;
        }
        let ((start, _, step), (other_start, _, other_step)) = (self.bounds(), other.bounds());
        n.is_zero() || (start == other_start && (n.is_one() || step == other_step))
    }

    /// An iterator's state over the values, last first when `reversed`.
    /// Inlined, so that a small range's state is built where the iterator
    /// is allocated: returned in memory, it was stored field by field and
    /// copied into the object 16 bytes at a time, a store-forwarding stall.
    #[inline]
    pub fn iterator(&self, reversed: bool) -> IteratorData {
        match *self {
            Range::Small { start, stop, step } => {
                let len = Self::small_len(start, stop, step);
                if !reversed {
                    return IteratorData::Range(RangeCursor::new(start, step, len));
                }
                // The last value fits in i64; stepping back from it wraps
                // modulo 2⁶⁴ correctly even where −step does not fit.
                let last = start as i128 + (len.max(1) as i128 - 1) * step as i128;
                IteratorData::Range(RangeCursor::new(last as i64, step.wrapping_neg(), len))
            }
            Range::Big(ref b) => {
                let remaining = self.len();
                let state = if reversed {
                    let last = if remaining.is_zero() {
                        b.start.clone()
                    } else {
                        &b.start + (&remaining - 1u32) * &b.step
                    };
                    BigRangeIter {
                        next: last,
                        remaining,
                        step: -&b.step,
                    }
                } else {
                    BigRangeIter {
                        next: b.start.clone(),
                        remaining,
                        step: b.step.clone(),
                    }
                };
                IterState::BigRange(Box::new(state)).into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(s: &str) -> BigInt {
        s.parse().unwrap()
    }

    fn small(start: i64, stop: i64, step: i64) -> Range {
        Range::Small { start, stop, step }
    }

    #[test]
    fn lengths() {
        let n = |start, stop, step| small(start, stop, step).len();
        assert_eq!(n(0, 10, 1), 10.into());
        assert_eq!(n(0, 10, 3), 4.into());
        assert_eq!(n(10, 0, -3), 4.into());
        assert_eq!(n(5, 5, 1), 0.into());
        assert_eq!(n(5, 0, 1), 0.into());
        assert_eq!(n(i64::MIN, i64::MAX, i64::MAX), 3.into());
        assert_eq!(n(i64::MIN, i64::MAX, 1), BigInt::from(u64::MAX));
        assert_eq!(n(i64::MAX, i64::MIN, -1), BigInt::from(u64::MAX));
        assert_eq!(n(i64::MAX, i64::MIN, i64::MIN), 2.into());
        assert_eq!(n(-5, 5, 1), 10.into());
        assert_eq!(n(5, -5, -2), 5.into());
        assert_eq!(small(i64::MIN, i64::MAX, 1).len_usize(), None);
        let r = Range::new(
            big("-1000000000000000000000000000000"),
            big("1000000000000000000000000000000"),
            big("10000000000000000000000000"),
        );
        assert!(matches!(r, Range::Big(_)));
        assert_eq!(r.len(), 200000.into());
        assert_eq!(r.len_usize(), Some(200000));
        assert!(!r.is_empty());
        let empty = Range::new(big("100000000000000000000"), 0.into(), 1.into());
        assert!(empty.is_empty() && empty.len().is_zero());
    }

    #[test]
    fn new_picks_small_when_it_fits() {
        assert!(matches!(
            Range::new(0.into(), 5.into(), 1.into()),
            Range::Small { .. }
        ));
        assert!(matches!(
            Range::new(0.into(), big("9223372036854775808"), 1.into()),
            Range::Big(_)
        ));
    }

    #[test]
    fn positions_and_items() {
        let r = Range::new(0.into(), big("100000000000000000000"), 7.into());
        assert_eq!(r.position(&big("700000000000000000000")), None);
        assert_eq!(
            r.position(&big("70000000000000000000")),
            Some(big("10000000000000000000"))
        );
        assert_eq!(r.position(&8.into()), None);
        assert!(r.contains_i64(14) && !r.contains_i64(15) && !r.contains_i64(-7));
        assert_eq!(r.get(&(-1).into()), Some(big("99999999999999999998")));
        assert_eq!(r.get(&big("100000000000000000000")), None);
        let s = small(10, 0, -3);
        assert_eq!(s.get_small(-1), Some(1));
        assert_eq!(s.get_small(4), None);
        assert!(s.contains_i64(4) && !s.contains_i64(0) && !s.contains_i64(11));
        assert_eq!(r.get_small(0), None);
    }

    #[test]
    fn slices_clamp_as_cpython() {
        let bounds = |r: Range| r.bounds();
        let ten = small(0, 10, 1);
        let (a, b, c) = bounds(ten.slice(Some(8.into()), Some(1.into()), (-3).into()));
        assert_eq!((a, b, c), (8.into(), 1.into(), (-3).into()));
        let (a, b, c) = bounds(ten.slice(Some(5.into()), Some(2.into()), 1.into()));
        assert_eq!((a, b, c), (5.into(), 2.into(), 1.into()));
        let (a, b, c) = bounds(ten.slice(None, None, (-1).into()));
        assert_eq!((a, b, c), (9.into(), (-1).into(), (-1).into()));
        let (a, b, c) = bounds(small(0, 20, 5).slice(Some(1.into()), Some(3.into()), 1.into()));
        assert_eq!((a, b, c), (5.into(), 15.into(), 5.into()));
    }

    #[test]
    fn equality_by_values() {
        assert!(small(0, 0, 1).same_values(&small(5, 2, 3)));
        assert!(small(1, 2, 1).same_values(&small(1, 0, -7)));
        assert!(!small(0, 3, 1).same_values(&small(0, 6, 2)));
        let big_one = Range::new(
            big("100000000000000000000"),
            big("100000000000000000001"),
            1.into(),
        );
        assert!(big_one.same_values(&Range::new(
            big("100000000000000000000"),
            big("99999999999999999999"),
            (-5).into()
        )));
        assert!(!big_one.same_values(&Range::new(
            big("100000000000000000000"),
            0.into(),
            (-5).into()
        )));
    }
}
