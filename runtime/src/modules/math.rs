//! `math`: the common functions and constants, with CPython's results
//! (libm through Rust's f64, CPython's domain and range errors).

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, One, Signed, Zero};
use stillpoint_gc::Gc;

use super::{float_arg, int_arg, ModuleBuilder};
use crate::error::PyResult;
use crate::interp::{Interp, NativeFn};
use crate::object::{ObjectData, PyObject};
use crate::value::Value;

type Args<'x> = &'x [Value];
type Kwargs<'x> = &'x [(Value, Value)];

/// The `math` module.
pub fn create(i: &mut Interp<'_>) -> Gc<PyObject> {
    let mut b = ModuleBuilder::new(i, "math");
    for (name, v) in [
        ("pi", std::f64::consts::PI),
        ("e", std::f64::consts::E),
        ("tau", std::f64::consts::TAU),
        ("inf", f64::INFINITY),
        ("nan", f64::NAN),
    ] {
        b.value(i, name, Value::float(v));
    }
    let functions: &[(&'static str, NativeFn)] = &[
        ("sqrt", sqrt),
        ("exp", exp),
        ("log", log),
        ("log2", log2),
        ("log10", log10),
        ("sin", sin),
        ("cos", cos),
        ("tan", tan),
        ("asin", asin),
        ("acos", acos),
        ("atan", atan),
        ("atan2", atan2),
        ("sinh", sinh),
        ("cosh", cosh),
        ("tanh", tanh),
        ("pow", pow),
        ("fabs", fabs),
        ("log1p", log1p),
        ("expm1", expm1),
        ("asinh", asinh),
        ("hypot", hypot),
        ("copysign", copysign),
        ("degrees", degrees),
        ("radians", radians),
        ("floor", floor),
        ("ceil", ceil),
        ("trunc", trunc),
        ("isnan", isnan),
        ("isinf", isinf),
        ("isfinite", isfinite),
        ("isclose", isclose),
        ("gcd", gcd),
        ("lcm", lcm),
        ("factorial", factorial),
        ("isqrt", isqrt),
        ("fsum", fsum),
        ("prod", prod),
        ("comb", comb),
        ("perm", perm),
        ("fmod", fmod),
        ("modf", modf),
    ];
    b.functions(i, functions);
    b.finish(i)
}

fn one(i: &mut Interp<'_>, args: Args<'_>, name: &str) -> PyResult<f64> {
    if args.len() != 1 {
        let msg = format!(
            "math.{name}() takes exactly one argument ({} given)",
            args.len()
        );
        return i.type_error(&msg);
    }
    float_arg(i, args[0])
}

fn two(i: &mut Interp<'_>, args: Args<'_>, name: &str) -> PyResult<(f64, f64)> {
    if args.len() != 2 {
        let msg = format!("{name} expected 2 arguments, got {}", args.len());
        return i.type_error(&msg);
    }
    Ok((float_arg(i, args[0])?, float_arg(i, args[1])?))
}

fn domain<T>(i: &mut Interp<'_>) -> PyResult<T> {
    i.value_error("math domain error")
}

/// A result that must be finite when the input was (CPython's
/// OverflowError "math range error").
fn finite(i: &mut Interp<'_>, input_finite: bool, r: f64) -> PyResult<Value> {
    if r.is_nan() && input_finite {
        return domain(i);
    }
    if r.is_infinite() && input_finite {
        return Err(i.new_exception(i.rt.types.overflow_error, "math range error"));
    }
    Ok(Value::float(r))
}

/// Why a function of one float raises for `x` when it computed `r`, as
/// CPython's do: a NaN from a number (`sin(inf)`) is a domain error, an
/// infinity from a finite number (`exp(1000)`) a range error.
enum Failure {
    Domain,
    Range,
}

fn unary_failure(x: f64, r: f64) -> Option<Failure> {
    if r.is_nan() && !x.is_nan() {
        Some(Failure::Domain)
    } else if r.is_infinite() && x.is_finite() {
        Some(Failure::Range)
    } else {
        None
    }
}

/// `r`, computed from `x`, as the builtin returns it: `None` where it
/// raises instead ([`unary_failure`]).
fn checked(x: f64, r: f64) -> Option<f64> {
    unary_failure(x, r).is_none().then_some(r)
}

macro_rules! unary {
    ($($name:ident => $f:expr;)*) => {
        $(
            fn $name(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
                let x = one(i, args, stringify!($name))?;
                let f: fn(f64) -> f64 = $f;
                let r = f(x);
                match unary_failure(x, r) {
                    None => Ok(Value::float(r)),
                    Some(Failure::Domain) => domain(i),
                    Some(Failure::Range) => {
                        Err(i.new_exception(i.rt.types.overflow_error, "math range error"))
                    }
                }
            }
        )*

        /// The functions of one float that run without an interpreter
        /// (tier 2's `CallFloatFunction`): each builtin, and what it
        /// returns for a float argument, `None` where it raises.
        const FLOAT_FUNCTIONS: &[(NativeFn, fn(f64) -> Option<f64>)] = &[
            (sqrt, square_root),
            $(($name, |x| {
                let f: fn(f64) -> f64 = $f;
                checked(x, f(x))
            }),)*
        ];
    };
}

/// The position in the table of `math`'s functions of one float (tier 2's
/// `CallFloatFunction`) of the builtin `v`, if it is one.
pub(crate) fn float_function(v: Value) -> Option<u32> {
    crate::builtins::place_in(FLOAT_FUNCTIONS, v)
}

/// Function `k` of [`float_function`]'s table at `x`: `None` where the
/// builtin would raise.
#[inline]
pub(crate) fn apply_float_function(k: u32, x: f64) -> Option<f64> {
    (FLOAT_FUNCTIONS[k as usize].1)(x)
}

unary! {
    exp => f64::exp;
    sin => f64::sin;
    cos => f64::cos;
    tan => f64::tan;
    atan => f64::atan;
    sinh => f64::sinh;
    cosh => f64::cosh;
    tanh => f64::tanh;
    fabs => f64::abs;
    log1p => f64::ln_1p;
    expm1 => f64::exp_m1;
    asinh => f64::asinh;
    degrees => f64::to_degrees;
    radians => f64::to_radians;
}

/// The square root of `x`, or `None` for a negative `x` (a domain error).
fn square_root(x: f64) -> Option<f64> {
    (x >= 0.0 || x.is_nan()).then(|| x.sqrt())
}

fn sqrt(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let x = one(i, args, "sqrt")?;
    match square_root(x) {
        Some(r) => Ok(Value::float(r)),
        None => domain(i),
    }
}

fn asin(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let x = one(i, args, "asin")?;
    if !(-1.0..=1.0).contains(&x) {
        return domain(i);
    }
    Ok(Value::float(x.asin()))
}

fn acos(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let x = one(i, args, "acos")?;
    if !(-1.0..=1.0).contains(&x) {
        return domain(i);
    }
    Ok(Value::float(x.acos()))
}

/// The natural log of an int or float argument (big ints exactly, as
/// CPython does, by splitting off a power of two).
fn ln_arg(i: &mut Interp<'_>, v: Value) -> PyResult<f64> {
    if let Some(ObjectData::Int(b)) = v.data() {
        if !b.is_positive() {
            return domain(i);
        }
        let bits = b.bits();
        if bits > 1000 {
            let shift = bits - 60;
            let top: BigInt = b >> shift;
            let top = num_traits::ToPrimitive::to_f64(&top).unwrap_or(1.0);
            return Ok(top.ln() + shift as f64 * std::f64::consts::LN_2);
        }
    }
    let x = float_arg(i, v)?;
    if x <= 0.0 || x.is_nan() {
        if x.is_nan() {
            return Ok(x);
        }
        return domain(i);
    }
    Ok(x.ln())
}

fn log(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    if args.is_empty() || args.len() > 2 {
        let msg = format!("log expected 1 or 2 arguments, got {}", args.len());
        return i.type_error(&msg);
    }
    let num = ln_arg(i, args[0])?;
    match args.get(1) {
        None => Ok(Value::float(num)),
        Some(base) => {
            let den = ln_arg(i, *base)?;
            if den == 0.0 {
                return Err(
                    i.new_exception(i.rt.types.zero_division_error, "float division by zero")
                );
            }
            Ok(Value::float(num / den))
        }
    }
}

fn log2(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let x = one(i, args, "log2")?;
    if x <= 0.0 {
        return domain(i);
    }
    Ok(Value::float(x.log2()))
}

fn log10(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let x = one(i, args, "log10")?;
    if x <= 0.0 {
        return domain(i);
    }
    Ok(Value::float(x.log10()))
}

fn atan2(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (y, x) = two(i, args, "atan2")?;
    Ok(Value::float(y.atan2(x)))
}

fn pow(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (x, y) = two(i, args, "pow")?;
    if x == 0.0 && y < 0.0 {
        return domain(i);
    }
    if x < 0.0 && x.is_finite() && y.is_finite() && y.fract() != 0.0 {
        return domain(i);
    }
    let r = x.powf(y);
    finite(i, x.is_finite() && y.is_finite(), r)
}

fn hypot(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let mut acc = 0.0f64;
    for a in args {
        let x = float_arg(i, *a)?;
        acc = acc.hypot(x);
    }
    Ok(Value::float(acc))
}

fn copysign(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (x, y) = two(i, args, "copysign")?;
    Ok(Value::float(x.copysign(y)))
}

fn fmod(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (x, y) = two(i, args, "fmod")?;
    if y == 0.0 || x.is_infinite() {
        return domain(i);
    }
    Ok(Value::float(x % y))
}

fn modf(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let x = one(i, args, "modf")?;
    let int_part = x.trunc();
    let frac = if x.is_infinite() {
        0.0f64.copysign(x)
    } else {
        (x - int_part).copysign(x)
    };
    Ok(i.new_tuple(vec![Value::float(frac), Value::float(int_part)]))
}

/// `floor`/`ceil`/`trunc`: ints stay ints; floats round to an int.
fn to_integral(
    i: &mut Interp<'_>,
    args: Args<'_>,
    name: &str,
    round: fn(f64) -> f64,
) -> PyResult<Value> {
    if args.len() != 1 {
        let msg = format!(
            "math.{name}() takes exactly one argument ({} given)",
            args.len()
        );
        return i.type_error(&msg);
    }
    let v = args[0];
    if v.as_float().is_none() {
        if let Ok(n) = int_arg(i, v) {
            return Ok(i.new_bigint(n));
        }
    }
    let x = float_arg(i, v)?;
    if x.is_nan() {
        return i.value_error("cannot convert float NaN to integer");
    }
    if x.is_infinite() {
        return Err(i.new_exception(
            i.rt.types.overflow_error,
            "cannot convert float infinity to integer",
        ));
    }
    let r = round(x);
    match BigInt::from_f64(r) {
        Some(b) => Ok(i.new_bigint(b)),
        None => i.value_error("cannot convert float to integer"),
    }
}

fn floor(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    to_integral(i, args, "floor", f64::floor)
}

fn ceil(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    to_integral(i, args, "ceil", f64::ceil)
}

fn trunc(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    to_integral(i, args, "trunc", f64::trunc)
}

fn isnan(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(Value::bool(one(i, args, "isnan")?.is_nan()))
}

fn isinf(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(Value::bool(one(i, args, "isinf")?.is_infinite()))
}

fn isfinite(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(Value::bool(one(i, args, "isfinite")?.is_finite()))
}

fn isclose(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let (a, b) = two(i, args, "isclose")?;
    let rel = match super::arg(i, &[], kwargs, 0, "rel_tol") {
        Some(v) => float_arg(i, v)?,
        None => 1e-9,
    };
    let abs = match super::arg(i, &[], kwargs, 0, "abs_tol") {
        Some(v) => float_arg(i, v)?,
        None => 0.0,
    };
    if rel < 0.0 || abs < 0.0 {
        return i.value_error("tolerances must be non-negative");
    }
    if a == b {
        return Ok(Value::TRUE);
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(Value::FALSE);
    }
    let diff = (b - a).abs();
    Ok(Value::bool(
        diff <= (rel * b).abs() || diff <= (rel * a).abs() || diff <= abs,
    ))
}

fn ints(i: &mut Interp<'_>, args: Args<'_>) -> PyResult<Vec<BigInt>> {
    args.iter().map(|a| int_arg(i, *a)).collect()
}

fn gcd(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let r = ints(i, args)?
        .into_iter()
        .fold(BigInt::zero(), |acc, n| acc.gcd(&n));
    Ok(i.new_bigint(r))
}

fn lcm(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let r = ints(i, args)?
        .into_iter()
        .fold(BigInt::one(), |acc, n| acc.lcm(&n));
    Ok(i.new_bigint(r))
}

fn factorial(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    if args.len() != 1 {
        return i.type_error("math.factorial() takes exactly one argument");
    }
    if args[0].as_float().is_some() {
        return i.type_error("'float' object cannot be interpreted as an integer");
    }
    let n = int_arg(i, args[0])?;
    if n.is_negative() {
        return i.value_error("factorial() not defined for negative values");
    }
    let n = num_traits::ToPrimitive::to_u64(&n).unwrap_or(u64::MAX);
    let mut r = BigInt::one();
    for k in 2..=n {
        r *= k;
    }
    Ok(i.new_bigint(r))
}

fn isqrt(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let n = ints(i, args)?.pop().unwrap_or_default();
    if n.is_negative() {
        return i.value_error("isqrt() argument must be nonnegative");
    }
    Ok(i.new_bigint(n.sqrt()))
}

fn comb(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let v = ints(i, args)?;
    if v.len() != 2 {
        return i.type_error("comb expected 2 arguments");
    }
    if v[0].is_negative() || v[1].is_negative() {
        return i.value_error("n must be a non-negative integer");
    }
    if v[1] > v[0] {
        return Ok(i.new_int(0));
    }
    let k = num_traits::ToPrimitive::to_u64(&v[1]).unwrap_or(0);
    let mut r = BigInt::one();
    for j in 0..k {
        r = r * (&v[0] - j) / (j + 1);
    }
    Ok(i.new_bigint(r))
}

fn perm(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let v = ints(i, args)?;
    let n = v.first().cloned().unwrap_or_default();
    let k = v.get(1).cloned().unwrap_or_else(|| n.clone());
    if n.is_negative() || k.is_negative() {
        return i.value_error("n must be a non-negative integer");
    }
    if k > n {
        return Ok(i.new_int(0));
    }
    let k = num_traits::ToPrimitive::to_u64(&k).unwrap_or(0);
    let mut r = BigInt::one();
    for j in 0..k {
        r *= &n - j;
    }
    Ok(i.new_bigint(r))
}

/// `fsum`: exact summation (Shewchuk's partials, as CPython does).
fn fsum(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let Some(&iterable) = args.first() else {
        return i.type_error("fsum() takes exactly one argument (0 given)");
    };
    let items = i.collect_iterable(iterable)?;
    let mut partials: Vec<f64> = Vec::new();
    for item in items {
        let mut x = float_arg(i, item)?;
        let mut kept = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        partials.truncate(kept);
        partials.push(x);
    }
    // Round the partials' exact sum to nearest (CPython's final step).
    let mut hi = 0.0;
    if let Some(mut n) = partials.len().checked_sub(1) {
        hi = partials[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = partials[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
    }
    Ok(Value::float(hi))
}

fn prod(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let Some(&iterable) = args.first() else {
        return i.type_error("prod() takes exactly 1 positional argument (0 given)");
    };
    let mut acc = super::arg(i, args, kwargs, 1, "start").unwrap_or(i.new_int(1));
    let items = i.collect_iterable(iterable)?;
    let list = i.new_list(items.clone());
    let mark = i.push_root(list);
    let r = (|| {
        for item in items {
            acc = i.binary_op(acc, item, crate::bytecode::BinaryOp::Mul)?;
            i.push_root(acc);
        }
        Ok(acc)
    })();
    i.truncate_roots(mark);
    r
}
