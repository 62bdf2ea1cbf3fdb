//! [`Value`]: the 64-bit NaN-boxed word every Python value is (DESIGN §5).
//!
//! Encoding (the top 16 bits select the kind):
//!
//! | top 16 bits | meaning |
//! |---|---|
//! | anything below `0xFFF9` | an `f64` (every NaN is canonicalized to `0x7FF8_0000_0000_0000`) |
//! | `0xFFF9` | a pointer to a heap object (`Gc<PyObject>`, 48-bit address) |
//! | `0xFFFA` | an inline int: a signed 48-bit payload |
//! | `0xFFFB` | an immediate: `None`, `False`, `True`, and internal sentinels |
//!
//! Words with a top half of `0xFFF9..=0xFFFF` are NaNs as `f64`s, and no
//! float is ever stored with those bits (NaNs are canonicalized), so the
//! float space and the tagged space never overlap.
//!
//! Ints: an int in `[INLINE_INT_MIN, INLINE_INT_MAX]` is *always* inline and
//! every other int is a heap big int (`ObjectData::Int`). Arithmetic on two
//! inline ints computes in `i64` (no overflow is possible for `+`/`-` on
//! 48-bit operands; `*` uses `i128`) and promotes when the result leaves the
//! inline range, so equality and hashing never see two encodings of one int.

use std::fmt;

use stillpoint_gc::{Gc, Trace, Tracer};

use crate::object::PyObject;

const TAG_SHIFT: u32 = 48;
const PAYLOAD_MASK: u64 = (1 << TAG_SHIFT) - 1;
const TAG_PTR: u64 = 0xFFF9;
const TAG_INT: u64 = 0xFFFA;
const TAG_IMM: u64 = 0xFFFB;
const FIRST_TAG: u64 = TAG_PTR;
const CANONICAL_NAN: u64 = 0x7FF8_0000_0000_0000;

const IMM_NONE: u64 = 0;
const IMM_FALSE: u64 = 1;
const IMM_TRUE: u64 = 2;
const IMM_NULL: u64 = 3;
const IMM_UNBOUND: u64 = 4;

/// The smallest int stored inline (−2⁴⁷).
pub const INLINE_INT_MIN: i64 = -(1 << 47);
/// The largest int stored inline (2⁴⁷ − 1).
pub const INLINE_INT_MAX: i64 = (1 << 47) - 1;

/// A Python value: a `Copy` 64-bit word (see the module docs).
///
/// A `Value` holding a pointer is unrooted, like `Gc`: it must be reachable
/// from a root (the thread's value stack, another object, a handle) at every
/// safepoint where it will be used afterwards.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Value(u64);

/// What a [`Value`] holds, decoded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unpacked {
    /// A float.
    Float(f64),
    /// An inline int.
    Int(i64),
    /// `None`.
    None,
    /// `True` or `False`.
    Bool(bool),
    /// A heap object.
    Object(Gc<PyObject>),
    /// The internal "no value" sentinel (an empty method slot on the stack).
    Null,
    /// The internal "unbound local" sentinel.
    Unbound,
}

impl Value {
    /// `None`.
    pub const NONE: Value = Value::imm(IMM_NONE);
    /// `True`.
    pub const TRUE: Value = Value::imm(IMM_TRUE);
    /// `False`.
    pub const FALSE: Value = Value::imm(IMM_FALSE);
    /// The internal "no value" sentinel (never visible to Python code).
    pub const NULL: Value = Value::imm(IMM_NULL);
    /// The internal marker of an unbound local variable.
    pub const UNBOUND: Value = Value::imm(IMM_UNBOUND);

    const fn imm(payload: u64) -> Value {
        Value((TAG_IMM << TAG_SHIFT) | payload)
    }

    /// The raw 64 bits.
    pub fn to_bits(self) -> u64 {
        self.0
    }

    /// The value whose [`Value::to_bits`] gave `bits` (caches keep values
    /// as words; the rooting contract applies to the result as to any
    /// value).
    #[inline]
    pub(crate) fn from_bits(bits: u64) -> Value {
        Value(bits)
    }

    /// A float value (NaNs are canonicalized).
    #[inline]
    pub fn float(f: f64) -> Value {
        if f.is_nan() {
            Value(CANONICAL_NAN)
        } else {
            Value(f.to_bits())
        }
    }

    /// An inline int, or `None` if `i` is outside the inline range (the
    /// caller then allocates a big int).
    #[inline]
    pub fn try_int(i: i64) -> Option<Value> {
        if (INLINE_INT_MIN..=INLINE_INT_MAX).contains(&i) {
            Some(Value((TAG_INT << TAG_SHIFT) | (i as u64 & PAYLOAD_MASK)))
        } else {
            None
        }
    }

    /// `self + other` when both are inline ints and so is the sum.
    #[inline(always)]
    pub fn inline_int_add(self, other: Value) -> Option<Value> {
        let (x, y) = Value::scaled_int_pair(self, other)?;
        Some(Value::from_scaled_int(x.checked_add(y)?))
    }

    /// `self - other` when both are inline ints and so is the difference.
    #[inline(always)]
    pub fn inline_int_sub(self, other: Value) -> Option<Value> {
        let (x, y) = Value::scaled_int_pair(self, other)?;
        Some(Value::from_scaled_int(x.checked_sub(y)?))
    }

    /// `self * other` when both are inline ints and so is the product.
    #[inline(always)]
    pub fn inline_int_mul(self, other: Value) -> Option<Value> {
        let (x, y) = Value::scaled_int_pair(self, other)?;
        // One factor scaled, the other not: the product comes out scaled.
        Some(Value::from_scaled_int(
            x.checked_mul(y >> (64 - TAG_SHIFT))?,
        ))
    }

    /// Two inline ints, each as its payload in the top 48 bits of an i64
    /// (the int times 2¹⁶): in that form i64 arithmetic overflows exactly
    /// when the result leaves the inline range, so one overflow flag checks
    /// it, and comparisons order them as the ints. One test covers both
    /// tags.
    #[inline(always)]
    pub fn scaled_int_pair(a: Value, b: Value) -> Option<(i64, i64)> {
        const INT_TAG_BITS: u64 = TAG_INT << TAG_SHIFT;
        if ((a.0 ^ INT_TAG_BITS) | (b.0 ^ INT_TAG_BITS)) >> TAG_SHIFT != 0 {
            return None;
        }
        let scale = 64 - TAG_SHIFT;
        Some(((a.0 << scale) as i64, (b.0 << scale) as i64))
    }

    /// The inline int whose payload is the top 48 bits of `scaled`.
    #[inline(always)]
    fn from_scaled_int(scaled: i64) -> Value {
        Value((scaled as u64) >> (64 - TAG_SHIFT) | TAG_INT << TAG_SHIFT)
    }

    /// A bool.
    #[inline]
    pub fn bool(b: bool) -> Value {
        if b {
            Value::TRUE
        } else {
            Value::FALSE
        }
    }

    /// A heap object.
    #[inline]
    pub fn object(gc: Gc<PyObject>) -> Value {
        let addr = gc.into_raw() as u64;
        debug_assert!(addr & !PAYLOAD_MASK == 0, "heap addresses fit in 48 bits");
        Value((TAG_PTR << TAG_SHIFT) | addr)
    }

    #[inline]
    fn tag(self) -> u64 {
        self.0 >> TAG_SHIFT
    }

    /// Whether this is a float.
    #[inline]
    pub fn is_float(self) -> bool {
        self.tag() < FIRST_TAG
    }

    /// The float, if this is one.
    #[inline]
    pub fn as_float(self) -> Option<f64> {
        self.is_float().then(|| f64::from_bits(self.0))
    }

    /// The inline int, if this is one.
    #[inline]
    pub fn as_inline_int(self) -> Option<i64> {
        if self.tag() == TAG_INT {
            // Sign-extend the 48-bit payload.
            Some(((self.0 << 16) as i64) >> 16)
        } else {
            None
        }
    }

    /// The heap object, if this is one.
    #[inline]
    pub fn as_object(self) -> Option<Gc<PyObject>> {
        if self.tag() == TAG_PTR {
            // SAFETY: pointer-tagged words are only made by `Value::object`
            // from a `Gc<PyObject>`; the rooting contract keeps it alive.
            Some(unsafe { Gc::from_raw((self.0 & PAYLOAD_MASK) as *const ()) })
        } else {
            None
        }
    }

    /// The heap object, borrowed for as long as this word is (the rooting
    /// contract keeps it alive, as for `Gc`'s `Deref`).
    #[inline]
    pub fn as_ref(&self) -> Option<&PyObject> {
        let gc = self.as_object()?;
        let r: *const PyObject = std::ops::Deref::deref(&gc);
        // SAFETY: heap objects never move and stay allocated while
        // reachable; the caller keeps this value rooted while it uses the
        // reference (the same contract `Gc::deref` relies on). The
        // reference is tied to the borrow of `self`, not to the local `gc`.
        Some(unsafe { &*r })
    }

    /// The payload of the heap object, if this is one.
    #[inline]
    pub fn data(&self) -> Option<&crate::object::ObjectData> {
        self.as_ref().map(|o| &o.data)
    }

    /// The payload builtin operations work on
    /// ([`PyObject::builtin_data`]), if this is a heap object.
    #[inline]
    pub fn builtin_data(&self) -> Option<&crate::object::ObjectData> {
        self.as_ref().map(|o| o.builtin_data())
    }

    /// The items, if this is a tuple (borrowed like [`Value::as_ref`]).
    #[inline]
    pub fn as_tuple(&self) -> Option<&[Value]> {
        match self.data() {
            Some(crate::object::ObjectData::Tuple(items)) => Some(items),
            _ => None,
        }
    }

    /// Whether this is `None`.
    #[inline]
    pub fn is_none(self) -> bool {
        self == Value::NONE
    }

    /// Whether this is the internal null sentinel.
    #[inline]
    pub fn is_null(self) -> bool {
        self == Value::NULL
    }

    /// The bool, if this is `True` or `False`.
    #[inline]
    pub fn as_bool(self) -> Option<bool> {
        match self {
            Value::TRUE => Some(true),
            Value::FALSE => Some(false),
            _ => None,
        }
    }

    /// Decodes the word.
    pub fn unpack(self) -> Unpacked {
        if let Some(f) = self.as_float() {
            return Unpacked::Float(f);
        }
        if let Some(i) = self.as_inline_int() {
            return Unpacked::Int(i);
        }
        if let Some(o) = self.as_object() {
            return Unpacked::Object(o);
        }
        match self.0 & PAYLOAD_MASK {
            IMM_NONE => Unpacked::None,
            IMM_FALSE => Unpacked::Bool(false),
            IMM_TRUE => Unpacked::Bool(true),
            IMM_NULL => Unpacked::Null,
            _ => Unpacked::Unbound,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.unpack() {
            Unpacked::Object(o) => write!(f, "Object({:p})", o.into_raw()),
            other => write!(f, "{other:?}"),
        }
    }
}

// SAFETY: the only pointer a `Value` can hold is its object, which is marked.
unsafe impl Trace for Value {
    #[inline]
    fn trace(&self, tracer: &mut Tracer) {
        if let Some(o) = self.as_object() {
            tracer.mark(o);
        }
    }
}

/// A [`Value`] in a word that can be replaced while other threads read it:
/// the fields that rare events rewrite (a function's code and defaults, a
/// class's bases and MRO, a module's dict, a descriptor's callables).
///
/// A load is an acquire load (a plain load on x86 and ARMv8) and pairs
/// with the release store, so a reader that sees a new object sees it
/// fully built. The old value needs no care: the collector only runs in a
/// pause, when no reader is between its load and its use.
pub struct AtomicValue(std::sync::atomic::AtomicU64);

impl AtomicValue {
    /// A word holding `v`.
    pub fn new(v: Value) -> AtomicValue {
        AtomicValue(std::sync::atomic::AtomicU64::new(v.0))
    }

    /// The current value.
    #[inline]
    pub fn load(&self) -> Value {
        Value(self.0.load(std::sync::atomic::Ordering::Acquire))
    }

    /// Replaces the value.
    #[inline]
    pub fn store(&self, v: Value) {
        self.0.store(v.0, std::sync::atomic::Ordering::Release);
    }

    /// Replaces the value and returns the one it replaced, in one atomic
    /// step: two threads swapping at once never both get the same value.
    #[inline]
    pub fn swap(&self, v: Value) -> Value {
        Value(self.0.swap(v.0, std::sync::atomic::Ordering::AcqRel))
    }
}

impl fmt::Debug for AtomicValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.load().fmt(f)
    }
}

// SAFETY: marks the one value the word holds.
unsafe impl Trace for AtomicValue {
    #[inline]
    fn trace(&self, tracer: &mut Tracer) {
        self.load().trace(tracer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_round_trip_including_specials() {
        for f in [
            0.0,
            -0.0,
            1.5,
            -2.25,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            5e-324,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let v = Value::float(f);
            assert!(v.is_float());
            assert_eq!(v.as_float().unwrap().to_bits(), f.to_bits());
            assert_eq!(v.as_inline_int(), None);
            assert_eq!(v.as_object(), None);
        }
    }

    #[test]
    fn every_nan_is_canonical_and_stays_a_float() {
        for bits in [
            0x7FF8_0000_0000_0000u64,
            0x7FF0_0000_0000_0001,
            0xFFF8_0000_0000_0000,
            0xFFF9_0000_0000_0001,
            0xFFFA_1234_5678_9ABC,
            0xFFFF_FFFF_FFFF_FFFF,
        ] {
            let v = Value::float(f64::from_bits(bits));
            assert_eq!(v.to_bits(), CANONICAL_NAN);
            assert!(v.as_float().unwrap().is_nan());
        }
    }

    #[test]
    fn inline_int_boundaries() {
        for i in [
            0,
            1,
            -1,
            INLINE_INT_MAX,
            INLINE_INT_MIN,
            INLINE_INT_MAX - 1,
            INLINE_INT_MIN + 1,
            12345678,
            -98765432,
        ] {
            let v = Value::try_int(i).unwrap();
            assert_eq!(v.as_inline_int(), Some(i));
            assert!(!v.is_float());
            assert_eq!(v.as_object(), None);
            assert_eq!(v.unpack(), Unpacked::Int(i));
        }
        assert_eq!(Value::try_int(INLINE_INT_MAX + 1), None);
        // The scaled arithmetic agrees with i64's wherever the operands and
        // the result are inline, and refuses exactly where they are not.
        let edge = [
            0,
            1,
            -1,
            2,
            -3,
            12345,
            -98765,
            1 << 23,
            -(1 << 24),
            INLINE_INT_MAX,
            INLINE_INT_MIN,
            INLINE_INT_MAX - 1,
            INLINE_INT_MIN + 1,
        ];
        for &x in &edge {
            for &y in &edge {
                let (a, b) = (Value::try_int(x).unwrap(), Value::try_int(y).unwrap());
                let expect = |r: Option<i64>| r.and_then(Value::try_int);
                assert_eq!(a.inline_int_add(b), expect(x.checked_add(y)), "{x} + {y}");
                assert_eq!(a.inline_int_sub(b), expect(x.checked_sub(y)), "{x} - {y}");
                assert_eq!(a.inline_int_mul(b), expect(x.checked_mul(y)), "{x} * {y}");
            }
        }
        let one = Value::try_int(1).unwrap();
        for other in [Value::float(1.0), Value::NONE, Value::TRUE] {
            assert_eq!(one.inline_int_add(other), None);
            assert_eq!(other.inline_int_sub(one), None);
            assert_eq!(other.inline_int_mul(other), None);
        }
        assert_eq!(Value::try_int(INLINE_INT_MIN - 1), None);
        assert_eq!(Value::try_int(i64::MAX), None);
        assert_eq!(Value::try_int(i64::MIN), None);
    }

    #[test]
    fn immediates_are_distinct() {
        let all = [
            Value::NONE,
            Value::TRUE,
            Value::FALSE,
            Value::NULL,
            Value::UNBOUND,
            Value::try_int(0).unwrap(),
            Value::float(0.0),
        ];
        for (i, a) in all.iter().enumerate() {
            for (j, b) in all.iter().enumerate() {
                assert_eq!(i == j, a == b, "{a:?} vs {b:?}");
            }
        }
        assert_eq!(Value::NONE.unpack(), Unpacked::None);
        assert_eq!(Value::TRUE.unpack(), Unpacked::Bool(true));
        assert_eq!(Value::FALSE.as_bool(), Some(false));
        assert_eq!(Value::NULL.unpack(), Unpacked::Null);
        assert_eq!(Value::UNBOUND.unpack(), Unpacked::Unbound);
    }
}
