//! The methods of `list` and `tuple`.

use super::{arity, list_of, sort_list, with_list, Args, Kwargs, NativeTable};
use crate::error::PyResult;
use crate::interp::{Interp, NativeFn};
use crate::object::{ObjectData, Range};
use crate::value::Value;

/// The methods of `list`.
pub(super) fn list_methods() -> NativeTable {
    vec![
        ("append", list_append as NativeFn),
        ("pop", list_pop),
        ("insert", list_insert),
        ("extend", list_extend),
        ("index", seq_index),
        ("count", seq_count),
        ("reverse", list_reverse),
        ("sort", list_sort),
        ("remove", list_remove),
        ("copy", list_copy),
        ("clear", list_clear),
    ]
}

/// The methods of `range`.
pub(super) fn range_methods() -> NativeTable {
    vec![("index", range_index as NativeFn), ("count", range_count)]
}

/// The range a range method is called on, or CPython's TypeError.
fn range_self(i: &mut Interp<'_>, args: Args<'_>, name: &str) -> PyResult<Range> {
    match args.first().map(|r| r.data()) {
        Some(Some(ObjectData::Range(r))) => {
            let r = r.clone();
            arity(i, name, &args[1..], 1, 1)?;
            Ok(r)
        }
        Some(_) => {
            let msg = format!(
                "descriptor '{name}' for 'range' objects doesn't apply to a '{}' object",
                i.type_name(args[0])
            );
            i.type_error(&msg)
        }
        None => i.type_error(&format!("unbound method range.{name}() needs an argument")),
    }
}

fn range_index(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let r = range_self(i, args, "index")?;
    match i.range_search(&r, args[1], true)?.0 {
        Some(k) => Ok(i.new_bigint(k)),
        None if crate::builtins::numeric::big_of(args[1]).is_some() => {
            let r = i.repr(args[1])?;
            i.value_error(&format!("{r} is not in range"))
        }
        None => i.value_error("sequence.index(x): x not in sequence"),
    }
}

fn range_count(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let r = range_self(i, args, "count")?;
    let count = i.range_search(&r, args[1], false)?.1;
    Ok(i.new_bigint(count))
}

/// The methods of `slice`.
pub(super) fn slice_methods() -> NativeTable {
    vec![("indices", slice_indices as NativeFn)]
}

/// `slice.indices(length)`: the normalized `(start, stop, step)`.
fn slice_indices(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "indices", args, 2, 2)?;
    let Some(ObjectData::Slice(parts)) = args[0].data() else {
        return i.type_error("descriptor 'indices' requires a 'slice' object");
    };
    let parts = *parts;
    let length = match i.as_i64(args[1]).filter(|_| !args[1].is_float()) {
        Some(n) if n >= 0 => n as usize,
        Some(_) => return i.value_error("length should not be negative"),
        None => {
            let msg = format!(
                "'{}' object cannot be interpreted as an integer",
                i.type_name(args[1])
            );
            return i.type_error(&msg);
        }
    };
    let s = i.slice_indices(parts, length)?;
    let items = vec![i.new_int(s.start), i.new_int(s.stop), i.new_int(s.step)];
    Ok(i.new_tuple(items))
}

/// The methods of `tuple`.
pub(super) fn tuple_methods() -> NativeTable {
    vec![("index", seq_index as NativeFn), ("count", seq_count)]
}

fn list_self(
    i: &mut Interp<'_>,
    args: Args<'_>,
    name: &str,
    min: usize,
    max: usize,
) -> PyResult<Value> {
    if args.is_empty() || list_of(args[0]).is_none() {
        return i.type_error(&format!(
            "descriptor '{name}' for 'list' objects needs a list"
        ));
    }
    arity(i, name, &args[1..], min, max)?;
    Ok(args[0])
}

pub(super) fn list_append(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let l = list_self(i, args, "append", 1, 1)?;
    with_list(l, |v| v.push(args[1]));
    Ok(Value::NONE)
}

pub(super) fn list_pop(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let l = list_self(i, args, "pop", 0, 1)?;
    let index = match args.get(1) {
        Some(v) => match i.as_i64(*v) {
            Some(n) => Some(n),
            None => {
                let msg = format!(
                    "'{}' object cannot be interpreted as an integer",
                    i.type_name(*v)
                );
                return i.type_error(&msg);
            }
        },
        None => None,
    };
    let popped = with_list(l, |v| {
        if v.is_empty() {
            return Err("pop from empty list");
        }
        let n = v.len() as i64;
        let idx = index.unwrap_or(-1);
        let idx = if idx < 0 { idx + n } else { idx };
        if idx < 0 || idx >= n {
            return Err("pop index out of range");
        }
        Ok(v.remove(idx as usize))
    })
    .expect("checked a list");
    popped.map_err(|msg| i.new_exception(i.rt.types.index_error, msg))
}

fn list_insert(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let l = list_self(i, args, "insert", 2, 2)?;
    let Some(idx) = i.as_i64(args[1]) else {
        let msg = format!(
            "'{}' object cannot be interpreted as an integer",
            i.type_name(args[1])
        );
        return i.type_error(&msg);
    };
    with_list(l, |v| {
        let n = v.len() as i64;
        let at = if idx < 0 {
            (idx + n).max(0)
        } else {
            idx.min(n)
        };
        v.insert(at as usize, args[2]);
    });
    Ok(Value::NONE)
}

fn list_extend(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let l = list_self(i, args, "extend", 1, 1)?;
    let items = i.collect_iterable(args[1])?;
    with_list(l, |v| v.extend(items));
    Ok(Value::NONE)
}

fn seq_items(v: Value) -> Vec<Value> {
    match v.builtin_data() {
        Some(ObjectData::List(l)) => l.lock().to_vec(),
        Some(ObjectData::Tuple(t)) => t.to_vec(),
        _ => Vec::new(),
    }
}

fn seq_index(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "index", args, 2, 4)?;
    let items = seq_items(args[0]);
    let len = items.len() as i64;
    let mut bound = |v: Option<&Value>, default: i64| -> PyResult<i64> {
        let n = match v {
            None => default,
            Some(v) => match (!v.is_float())
                .then(|| i.index_operand(*v).map(|v| i.as_i64(v)))
                .transpose()?
                .flatten()
            {
                Some(n) => n,
                None => {
                    return i
                        .type_error("slice indices must be integers or have an __index__ method")
                }
            },
        };
        Ok(if n < 0 { (n + len).max(0) } else { n.min(len) })
    };
    let start = bound(args.get(2), 0)?;
    let stop = bound(args.get(3), len)?;
    // The snapshot stays rooted: `__eq__` may drop the list's references.
    let mark = i.root_all(&items);
    let mut found = None;
    for n in start..stop.max(start) {
        match i.eq(items[n as usize], args[1]) {
            Ok(true) => {
                found = Some(n);
                break;
            }
            Ok(false) => {}
            Err(e) => {
                i.truncate_roots(mark);
                return Err(e);
            }
        }
    }
    i.truncate_roots(mark);
    if let Some(n) = found {
        return Ok(i.new_int(n));
    }
    let msg = if super::list_of(args[0]).is_some() {
        let r = i.repr(args[1])?;
        format!("{r} is not in list")
    } else {
        "tuple.index(x): x not in tuple".to_string()
    };
    i.value_error(&msg)
}

fn seq_count(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "count", args, 2, 2)?;
    let items = seq_items(args[0]);
    let mark = i.root_all(&items);
    let mut n = 0;
    for item in items {
        match i.eq(item, args[1]) {
            Ok(true) => n += 1,
            Ok(false) => {}
            Err(e) => {
                i.truncate_roots(mark);
                return Err(e);
            }
        }
    }
    i.truncate_roots(mark);
    Ok(i.new_int(n))
}

fn list_reverse(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let l = list_self(i, args, "reverse", 0, 0)?;
    with_list(l, |v| v.reverse());
    Ok(Value::NONE)
}

fn list_sort(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let l = list_self(i, args, "sort", 0, 0)?;
    sort_list(i, l, kwargs)?;
    Ok(Value::NONE)
}

fn list_remove(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let l = list_self(i, args, "remove", 1, 1)?;
    let items = seq_items(l);
    let mark = i.root_all(&items);
    let mut found = None;
    for (n, item) in items.into_iter().enumerate() {
        match i.eq(item, args[1]) {
            Ok(true) => {
                found = Some((n, item));
                break;
            }
            Ok(false) => {}
            Err(e) => {
                i.truncate_roots(mark);
                return Err(e);
            }
        }
    }
    i.truncate_roots(mark);
    let Some((n, item)) = found else {
        return i.value_error("list.remove(x): x not in list");
    };
    with_list(l, |v| {
        // Another thread (or `__eq__`) may have moved it meanwhile.
        if v.get(n) == Some(&item) {
            v.remove(n);
        } else if let Some(p) = v.iter().position(|x| *x == item) {
            v.remove(p);
        }
    });
    Ok(Value::NONE)
}

fn list_copy(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let l = list_self(i, args, "copy", 0, 0)?;
    let items = seq_items(l);
    Ok(i.new_list(items))
}

fn list_clear(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let l = list_self(i, args, "clear", 0, 0)?;
    with_list(l, crate::object::ListItems::clear);
    Ok(Value::NONE)
}
