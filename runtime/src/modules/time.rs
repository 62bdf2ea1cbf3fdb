//! `time`: wall clock, monotonic clocks and `sleep` (detached).

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use stillpoint_gc::Gc;

use super::{float_arg, ModuleBuilder};
use crate::error::PyResult;
use crate::interp::{Interp, NativeFn};
use crate::object::PyObject;
use crate::value::Value;

type Args<'x> = &'x [Value];
type Kwargs<'x> = &'x [(Value, Value)];

/// Seconds on a monotonic clock (process-wide origin).
pub fn monotonic_seconds() -> f64 {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64()
}

fn wall_seconds() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// The `time` module.
pub fn create(i: &mut Interp<'_>) -> Gc<PyObject> {
    let mut b = ModuleBuilder::new(i, "time");
    let functions: &[(&'static str, NativeFn)] = &[
        ("time", time),
        ("time_ns", time_ns),
        ("perf_counter", monotonic),
        ("perf_counter_ns", monotonic_ns),
        ("monotonic", monotonic),
        ("monotonic_ns", monotonic_ns),
        ("process_time", monotonic),
        ("sleep", sleep),
    ];
    b.functions(i, functions);
    b.finish(i)
}

fn time(_: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(Value::float(wall_seconds()))
}

fn time_ns(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let ns = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    Ok(i.new_bigint(ns.into()))
}

fn monotonic(_: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(Value::float(monotonic_seconds()))
}

fn monotonic_ns(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(i.new_int((monotonic_seconds() * 1e9) as i64))
}

fn sleep(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let Some(&secs) = args.first() else {
        return i.type_error("sleep() takes exactly one argument (0 given)");
    };
    let secs = float_arg(i, secs)?;
    if secs.is_nan() || secs < 0.0 {
        return i.value_error("sleep length must be non-negative");
    }
    let d = Duration::from_secs_f64(secs.min(1e9));
    i.detached(|| std::thread::sleep(d));
    Ok(Value::NONE)
}
