//! The specializer and the specialized forms, family by family: what each
//! form assumed (its guards), what it caches, and how it falls back.
//!
//! Each `specialize_*` looks at the operands of a generic instruction that
//! has warmed up and rewrites the thread's copy (or backs off, recording
//! why). Each `*_cached` runs a specialized form: `Some(result)` when the
//! guards held, `None` after deoptimizing, when the caller performs the
//! generic operation instead.

mod call;
mod containers;
mod global_attr;

pub(crate) use call::{positional_code, PositionalCallee};
pub(crate) use global_attr::{monomorphic_receiver, shared_receiver};
mod ops;

pub(crate) use ops::float_operands;

use std::sync::Arc;

use stillpoint_gc::Gc;

use super::ThreadCode;
use crate::bytecode::{BinaryOp, CompareOp, Opcode};
use crate::events::DictWatcher;
use crate::interp::Interp;
use crate::object::native::{is_str, native_key};
use crate::object::{ObjectData, PyObject};
use crate::value::Value;

/// The address of a heap object, as a cache word.
fn address(o: Gc<PyObject>) -> u64 {
    o.into_raw() as u64
}

/// A dict's watcher, read under its lock: `(address, values version)`.
fn watched(dict: Gc<PyObject>) -> Option<(u64, u64)> {
    let ObjectData::Dict(d) = &dict.data else {
        return None;
    };
    let d = d.lock();
    let w = d.watcher()?;
    Some((Arc::as_ptr(w) as u64, w.values_version()))
}

/// The watcher at a cache word.
///
/// # Safety
/// `word` came from [`watched`] on a dict the caller knows is still alive
/// (it compared the dict's address with a live reference first): a dict's
/// watcher lives as long as the dict and never changes once set.
unsafe fn watcher_at<'a>(word: u64) -> &'a DictWatcher {
    // SAFETY: the caller's contract.
    unsafe { &*(word as *const DictWatcher) }
}

impl Interp<'_> {
    /// Statistics hook: a specialized form ran with its guards holding.
    #[inline]
    fn count_hit(&mut self, op: Opcode) {
        if let Some(s) = self.spec_stats.as_mut() {
            s.hit(op);
        }
    }

    /// A specialized form's guard failed: deoptimize it.
    fn count_miss(&mut self, tc: &ThreadCode, at: usize, op: Opcode) {
        if let Some(s) = self.spec_stats.as_mut() {
            s.miss(op);
        }
        tc.deoptimize(at);
    }

    /// Records an attempt's outcome: rewrite to `form`, or back off.
    fn settle(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        family: Opcode,
        outcome: Result<Opcode, &'static str>,
    ) {
        match outcome {
            Ok(form) => {
                tc.rewrite(at, form);
                if let Some(s) = self.spec_stats.as_mut() {
                    s.specialized(family);
                }
            }
            Err(reason) => {
                tc.back_off(at);
                if let Some(s) = self.spec_stats.as_mut() {
                    s.failed(family, reason);
                }
            }
        }
    }

    /// Counts a generic execution; true when the instruction should try to
    /// specialize now.
    #[inline]
    pub(crate) fn adaptive(&mut self, tc: &ThreadCode, at: usize, op: Opcode) -> bool {
        if tc.is_frozen() {
            return false;
        }
        if let Some(s) = self.spec_stats.as_mut() {
            s.generic(op);
        }
        tc.tick(at)
    }
}

/// `x op y` on inline ints with Python's semantics (floor division and a
/// modulo with the divisor's sign); `None` when the generic operation must
/// decide (a zero divisor, a negative shift or exponent, a result out of
/// range, true division).
#[inline]
pub(crate) fn int_op(op: BinaryOp, x: i64, y: i64) -> Option<i64> {
    match op {
        BinaryOp::Add => Some(x + y),
        BinaryOp::Sub => Some(x - y),
        BinaryOp::Mul => x.checked_mul(y),
        BinaryOp::FloorDiv if y != 0 => {
            let q = x / y;
            Some(if x % y != 0 && (x < 0) != (y < 0) {
                q - 1
            } else {
                q
            })
        }
        BinaryOp::Mod if y != 0 => {
            let r = x % y;
            Some(if r != 0 && (r < 0) != (y < 0) {
                r + y
            } else {
                r
            })
        }
        BinaryOp::And => Some(x & y),
        BinaryOp::Or => Some(x | y),
        BinaryOp::Xor => Some(x ^ y),
        // Inline ints have 48 bits: a shift under 16 cannot overflow i64.
        BinaryOp::LShift if (0..16).contains(&y) => Some(x << y),
        BinaryOp::RShift if y >= 0 => Some(x >> y.min(63)),
        // A negative exponent makes a float: the generic operation's.
        BinaryOp::Pow => x.checked_pow(u32::try_from(y).ok()?),
        _ => None,
    }
}

/// For each [`CompareOp`], the outcomes of comparing two numbers that
/// make it true: bit 0 less, 1 equal, 2 greater, 3 unordered (a NaN). 0
/// for the operators that are not orderings.
const TRUE_OUTCOMES: [u8; 10] = {
    let mut table = [0; 10];
    table[CompareOp::Lt as usize] = 0b0001;
    table[CompareOp::Le as usize] = 0b0011;
    table[CompareOp::Eq as usize] = 0b0010;
    table[CompareOp::Ne as usize] = 0b1101;
    table[CompareOp::Gt as usize] = 0b0100;
    table[CompareOp::Ge as usize] = 0b0110;
    table
};

/// `x op y` for an ordering operator on two native numbers; `None` for
/// the other operators. It takes no branch on the operator: tier 1 and
/// the micro-op interpreter each compare at one place for every
/// comparison, where a jump table on the operator mispredicts (10 % of
/// `board_game`'s indirect mispredicts in cachegrind's branch simulation).
#[inline(always)]
pub(crate) fn order_holds<T: PartialOrd>(op: CompareOp, x: T, y: T) -> Option<bool> {
    let true_outcomes = TRUE_OUTCOMES[op as usize];
    if true_outcomes == 0 {
        return None;
    }
    let (less, equal, greater) = (u8::from(x < y), u8::from(x == y), u8::from(x > y));
    let unordered = 1 - (less | equal | greater);
    let outcome = less | equal << 1 | greater << 2 | unordered << 3;
    Some(true_outcomes & outcome != 0)
}

/// `x op y` on floats (tier 2's float micro-ops): `+ - * /`, and `**` of a
/// positive base with a finite result; `None` for everything the generic
/// operation must decide (a zero divisor, an overflow, a complex result).
#[inline]
pub(crate) fn float_op(op: BinaryOp, x: f64, y: f64) -> Option<f64> {
    match op {
        BinaryOp::Add => Some(x + y),
        BinaryOp::Sub => Some(x - y),
        BinaryOp::Mul => Some(x * y),
        BinaryOp::TrueDiv if y != 0.0 => Some(x / y),
        BinaryOp::Pow if x > 0.0 && x.is_finite() && y.is_finite() => {
            Some(x.powf(y)).filter(|r| r.is_finite())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orderings_hold_as_the_operators_say_nan_included() {
        let numbers = [f64::NEG_INFINITY, -1.5, 0.0, 2.0, f64::NAN];
        for x in numbers {
            for y in numbers {
                let expected = [
                    (CompareOp::Lt, x < y),
                    (CompareOp::Le, x <= y),
                    (CompareOp::Eq, x == y),
                    (CompareOp::Ne, x != y),
                    (CompareOp::Gt, x > y),
                    (CompareOp::Ge, x >= y),
                ];
                for (op, holds) in expected {
                    assert_eq!(order_holds(op, x, y), Some(holds), "{x} {op:?} {y}");
                }
            }
        }
        assert_eq!(order_holds(CompareOp::Le, 3i64, 3), Some(true));
        assert_eq!(order_holds(CompareOp::Gt, -4i64, 3), Some(false));
        for op in [
            CompareOp::Is,
            CompareOp::IsNot,
            CompareOp::In,
            CompareOp::NotIn,
        ] {
            assert_eq!(order_holds(op, 1i64, 1), None);
        }
    }
}
