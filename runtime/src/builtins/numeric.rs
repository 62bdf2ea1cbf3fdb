//! Numeric builtins (`divmod`, `pow`, `round`, `bin`, `hex`, `oct`) and
//! the methods of `int` and `float`.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

use super::{arity, kwarg, Args, Kwargs, NativeTable};
use crate::bytecode::BinaryOp;
use crate::error::PyResult;
use crate::interp::{Interp, NativeFn};
use crate::object::ObjectData;
use crate::value::{Unpacked, Value};

/// The methods of `int` (and `bool`).
pub(super) fn int_methods() -> NativeTable {
    vec![
        ("bit_length", int_bit_length as NativeFn),
        ("bit_count", int_bit_count),
        ("conjugate", int_conjugate),
        ("__index__", int_conjugate),
        ("__int__", int_conjugate),
        ("__add__", int_add),
        ("__sub__", int_sub),
        ("__mul__", int_mul),
        ("__floordiv__", int_floordiv),
        ("__truediv__", int_truediv),
        ("__mod__", int_mod),
        ("__pow__", int_pow),
        ("__and__", int_and),
        ("__or__", int_or),
        ("__xor__", int_xor),
        ("__lshift__", int_lshift),
        ("__rshift__", int_rshift),
    ]
}

/// `int.__op__(self, other)`: the operator for two ints, NotImplemented
/// for anything else (as CPython's slot wrappers).
fn int_dunder(i: &mut Interp<'_>, args: Args<'_>, name: &str, op: BinaryOp) -> PyResult<Value> {
    arity(i, name, args, 2, 2)?;
    if big_of(args[0]).is_none() {
        let msg = format!(
            "descriptor '{name}' requires a 'int' object but received a '{}'",
            i.type_name(args[0])
        );
        return i.type_error(&msg);
    }
    if big_of(args[1]).is_none() {
        // The singleton lives in the builtins module's dict.
        let key = i.new_str("NotImplemented");
        let ObjectData::Module(m) = &i.rt.builtins.data else {
            unreachable!("builtins is a module")
        };
        let dict = m.dict();
        return Ok(i.dict_get(dict, key)?.unwrap_or(Value::NONE));
    }
    i.binary_op(args[0], args[1], op)
}

macro_rules! int_dunders {
    ($($func:ident $name:literal $op:ident),* $(,)?) => {$(
        fn $func(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
            int_dunder(i, args, $name, BinaryOp::$op)
        }
    )*};
}

int_dunders! {
    int_add "__add__" Add, int_sub "__sub__" Sub, int_mul "__mul__" Mul,
    int_floordiv "__floordiv__" FloorDiv, int_truediv "__truediv__" TrueDiv,
    int_mod "__mod__" Mod, int_pow "__pow__" Pow, int_and "__and__" And, int_or "__or__" Or,
    int_xor "__xor__" Xor, int_lshift "__lshift__" LShift, int_rshift "__rshift__" RShift,
}

/// The methods of `float`.
pub(super) fn float_methods() -> NativeTable {
    vec![
        ("is_integer", float_is_integer as NativeFn),
        ("as_integer_ratio", float_as_integer_ratio),
        ("conjugate", float_conjugate),
    ]
}

/// The exact int value of `v` (int or bool), if it is one.
pub(crate) fn big_of(v: Value) -> Option<BigInt> {
    match v.unpack() {
        Unpacked::Int(n) => Some(n.into()),
        Unpacked::Bool(b) => Some((b as i64).into()),
        Unpacked::Object(o) => match &o.data {
            ObjectData::Int(b) => Some(b.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// An int argument (`__index__` for instances), or a TypeError.
pub(super) fn index_of(i: &mut Interp<'_>, v: Value) -> PyResult<BigInt> {
    if let Some(b) = big_of(i.index_operand(v)?) {
        return Ok(b);
    }
    let msg = format!(
        "'{}' object cannot be interpreted as an integer",
        i.type_name(v)
    );
    i.type_error(&msg)
}

fn self_int(i: &mut Interp<'_>, args: Args<'_>, name: &str) -> PyResult<BigInt> {
    arity(i, name, args, 1, 1)?;
    match big_of(args[0]) {
        Some(b) => Ok(b),
        None => i.type_error(&format!("descriptor '{name}' requires an 'int' object")),
    }
}

fn int_bit_length(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let b = self_int(i, args, "bit_length")?;
    Ok(i.new_int(b.abs().bits() as i64))
}

fn int_bit_count(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let b = self_int(i, args, "bit_count")?;
    let ones: u32 = b
        .abs()
        .to_u64_digits()
        .1
        .iter()
        .map(|d| d.count_ones())
        .sum();
    Ok(i.new_int(ones as i64))
}

fn int_conjugate(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let b = self_int(i, args, "conjugate")?;
    Ok(i.new_bigint(b))
}

fn self_float(i: &mut Interp<'_>, args: Args<'_>, name: &str) -> PyResult<f64> {
    arity(i, name, args, 1, 1)?;
    match args[0].as_float() {
        Some(f) => Ok(f),
        None => i.type_error(&format!("descriptor '{name}' requires a 'float' object")),
    }
}

fn float_is_integer(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let f = self_float(i, args, "is_integer")?;
    Ok(Value::bool(f.is_finite() && f.fract() == 0.0))
}

fn float_conjugate(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let f = self_float(i, args, "conjugate")?;
    Ok(Value::float(f))
}

fn float_as_integer_ratio(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let f = self_float(i, args, "as_integer_ratio")?;
    if f.is_nan() {
        return i.value_error("cannot convert NaN to integer ratio");
    }
    if f.is_infinite() {
        let t = i.rt.types.overflow_error;
        return Err(i.new_exception(t, "cannot convert Infinity to integer ratio"));
    }
    let (num, den) = float_ratio(f);
    let (n, d) = (i.new_bigint(num), i.new_bigint(den));
    Ok(i.new_tuple(vec![n, d]))
}

/// The exact ratio of a finite float, in lowest terms.
fn float_ratio(f: f64) -> (BigInt, BigInt) {
    if f == 0.0 {
        return (BigInt::zero(), BigInt::from(1));
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7FF) as i64;
    let mut mantissa = (bits & ((1 << 52) - 1)) as i64;
    let mut e = if exp == 0 {
        -1074
    } else {
        mantissa |= 1 << 52;
        exp - 1075
    };
    while mantissa & 1 == 0 && e < 0 {
        mantissa >>= 1;
        e += 1;
    }
    let sign = if f < 0.0 { -1 } else { 1 };
    let num = BigInt::from(sign * mantissa);
    if e >= 0 {
        (num << e as usize, BigInt::from(1))
    } else {
        (num, BigInt::from(1) << (-e) as usize)
    }
}

/// `divmod(a, b)`.
pub(super) fn divmod(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "divmod", args, 2, 2)?;
    let (a, b) = (args[0], args[1]);
    for (x, y, name) in [(a, b, "__divmod__"), (b, a, "__rdivmod__")] {
        if let Some(ObjectData::Instance(_)) = x.data() {
            if let Some(f) = i.lookup(i.class_of(x), name) {
                return i.call_value(f, &[x, y], &[]);
            }
        }
    }
    let q = i.binary_op(a, b, BinaryOp::FloorDiv)?;
    let mark = i.push_root(q);
    let r = i.binary_op(a, b, BinaryOp::Mod);
    i.truncate_roots(mark);
    let r = r?;
    Ok(i.new_tuple(vec![q, r]))
}

/// `pow(base, exp[, mod])`.
pub(super) fn pow(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let base = args.first().copied().or_else(|| kwarg(i, kwargs, "base"));
    let exp = args.get(1).copied().or_else(|| kwarg(i, kwargs, "exp"));
    let modulus = args.get(2).copied().or_else(|| kwarg(i, kwargs, "mod"));
    let (Some(base), Some(exp)) = (base, exp) else {
        return i.type_error("pow() missing required argument 'exp' (pos 2)");
    };
    if args.len() > 3 {
        let msg = format!("pow expected at most 3 arguments, got {}", args.len());
        return i.type_error(&msg);
    }
    let Some(m) = modulus.filter(|m| !m.is_none()) else {
        return i.binary_op(base, exp, BinaryOp::Pow);
    };
    let (Some(b), Some(e), Some(m)) = (big_of(base), big_of(exp), big_of(m)) else {
        return i.type_error("pow() 3rd argument not allowed unless all arguments are integers");
    };
    if m.is_zero() {
        return i.value_error("pow() 3rd argument cannot be 0");
    }
    let mut b = b;
    let mut e = e;
    if e.is_negative() {
        // The modular inverse of the base, then a positive exponent.
        match mod_inverse(&b, &m) {
            Some(inv) => b = inv,
            None => return i.value_error("base is not invertible for the given modulus"),
        }
        e = -e;
    }
    let am = m.abs();
    let mut r = b.modpow(&e, &am);
    // Python's result has the sign of the modulus.
    if !r.is_zero() && m.is_negative() {
        r -= &am;
    }
    if r.is_negative() && m.is_positive() {
        r += &am;
    }
    Ok(i.new_bigint(r))
}

/// The inverse of `a` modulo `m`, if it exists.
fn mod_inverse(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    let m = m.abs();
    let (mut old_r, mut r) = (((a % &m) + &m) % &m, m.clone());
    let (mut old_s, mut s) = (BigInt::from(1), BigInt::zero());
    while !r.is_zero() {
        let q = &old_r / &r;
        let next_r = &old_r - &q * &r;
        old_r = std::mem::replace(&mut r, next_r);
        let next_s = &old_s - &q * &s;
        old_s = std::mem::replace(&mut s, next_s);
    }
    if old_r != BigInt::from(1) {
        return None;
    }
    Some(((old_s % &m) + &m) % &m)
}

/// `round(number[, ndigits])` with CPython's round-half-to-even.
pub(super) fn round(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let number = args.first().copied().or_else(|| kwarg(i, kwargs, "number"));
    let Some(x) = number else {
        return i.type_error("round() missing required argument 'number' (pos 1)");
    };
    let ndigits = args
        .get(1)
        .copied()
        .or_else(|| kwarg(i, kwargs, "ndigits"))
        .filter(|n| !n.is_none());
    if let Some(ObjectData::Instance(_)) = x.data() {
        if let Some(f) = i.lookup(i.class_of(x), "__round__") {
            let extra: Vec<Value> = ndigits.into_iter().collect();
            let mut call = vec![x];
            call.extend(extra);
            return i.call_value(f, &call, &[]);
        }
    }
    let digits = match ndigits {
        None => None,
        Some(n) => Some(index_of(i, n)?.to_i64().unwrap_or(i64::MAX)),
    };
    if let Some(b) = big_of(x) {
        return match digits {
            Some(d) if d < 0 => Ok(i.new_bigint(round_int(&b, d.unsigned_abs()))),
            _ => Ok(i.new_bigint(b)),
        };
    }
    let Some(f) = x.as_float() else {
        let msg = format!("type {} doesn't define __round__ method", i.type_name(x));
        return i.type_error(&msg);
    };
    match digits {
        None => {
            if f.is_nan() {
                return i.value_error("cannot convert float NaN to integer");
            }
            if f.is_infinite() {
                let t = i.rt.types.overflow_error;
                return Err(i.new_exception(t, "cannot convert float infinity to integer"));
            }
            let r = round_half_even(f);
            let b = <BigInt as num_traits::FromPrimitive>::from_f64(r).expect("finite");
            Ok(i.new_bigint(b))
        }
        Some(d) => Ok(Value::float(round_float(f, d))),
    }
}

/// `round(f)`: the nearest integer, ties to even.
fn round_half_even(f: f64) -> f64 {
    f.round_ties_even()
}

/// `round(f, digits)`: correctly rounded through the exact decimal
/// expansion (Rust's fixed-precision formatting rounds the exact binary
/// value, ties to even, as CPython's dtoa-based rounding does).
fn round_float(f: f64, digits: i64) -> f64 {
    if !f.is_finite() || f == 0.0 {
        return f;
    }
    if digits > 323 {
        return f;
    }
    if digits >= 0 {
        let text = format!("{:.*}", digits as usize, f);
        return text.parse().unwrap_or(f);
    }
    if digits < -308 {
        return 0.0f64.copysign(f);
    }
    let pow = 10f64.powi((-digits) as i32);
    let y = f / pow;
    let z = y.round_ties_even();
    let r = z * pow;
    if r.is_finite() {
        r
    } else {
        f
    }
}

/// `round(n, -k)` for an int: to a multiple of 10^k, ties to even.
fn round_int(n: &BigInt, k: u64) -> BigInt {
    let Some(k) = u32::try_from(k).ok().filter(|k| *k < 10_000) else {
        return BigInt::zero();
    };
    let pow = num_traits::pow(BigInt::from(10), k as usize);
    let half = &pow / 2;
    let rem = ((n % &pow) + &pow) % &pow;
    let base = n - &rem;
    match rem.cmp(&half) {
        std::cmp::Ordering::Less => base,
        std::cmp::Ordering::Greater => base + pow,
        std::cmp::Ordering::Equal => {
            let q = &base / &pow;
            if (&q % 2u32).is_zero() {
                base
            } else {
                base + pow
            }
        }
    }
}

/// bin/hex/oct: the prefix and radix.
fn radix_text(
    i: &mut Interp<'_>,
    args: Args<'_>,
    name: &str,
    prefix: &str,
    radix: u32,
) -> PyResult<Value> {
    arity(i, name, args, 1, 1)?;
    let b = index_of(i, args[0])?;
    let digits = b.abs().to_str_radix(radix);
    let sign = if b.is_negative() { "-" } else { "" };
    Ok(i.new_str(&format!("{sign}{prefix}{digits}")))
}

/// `bin(n)`.
pub(super) fn bin(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    radix_text(i, args, "bin", "0b", 2)
}

/// `hex(n)`.
pub(super) fn hex(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    radix_text(i, args, "hex", "0x", 16)
}

/// `oct(n)`.
pub(super) fn oct(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    radix_text(i, args, "oct", "0o", 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_matches_cpython() {
        assert_eq!(round_half_even(0.5), 0.0);
        assert_eq!(round_half_even(1.5), 2.0);
        assert_eq!(round_half_even(2.5), 2.0);
        assert_eq!(round_half_even(-2.5), -2.0);
        assert_eq!(round_half_even(2.6), 3.0);
        // round(2.675, 2) is 2.67 in CPython: 2.675 is below the tie.
        assert_eq!(round_float(2.675, 2), 2.67);
        assert_eq!(round_float(0.125, 2), 0.12);
        assert_eq!(round_float(1234.5, -2), 1200.0);
        assert_eq!(round_int(&BigInt::from(1250), 2), BigInt::from(1200));
        assert_eq!(round_int(&BigInt::from(1350), 2), BigInt::from(1400));
        assert_eq!(round_int(&BigInt::from(-1250), 2), BigInt::from(-1200));
    }

    #[test]
    fn float_ratio_is_exact() {
        assert_eq!(float_ratio(0.5), (BigInt::from(1), BigInt::from(2)));
        assert_eq!(float_ratio(-3.0), (BigInt::from(-3), BigInt::from(1)));
        assert_eq!(float_ratio(0.1).1, BigInt::from(1) << 55usize);
    }

    #[test]
    fn modular_inverse() {
        assert_eq!(
            mod_inverse(&BigInt::from(3), &BigInt::from(7)),
            Some(BigInt::from(5))
        );
        assert_eq!(mod_inverse(&BigInt::from(2), &BigInt::from(4)), None);
    }
}
