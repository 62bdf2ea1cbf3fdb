//! The methods of `dict` and its views.

//!
//! `keys()`, `values()` and `items()` return live views: instances of
//! `dict_keys` / `dict_values` / `dict_items` holding the dict as their
//! `mapping` attribute, whose dunders (iteration, `len`, `in`, repr, and
//! set operations for keys and items) are the builtin methods below.

use stillpoint_gc::Gc;

use super::iter::{new_lazy, LazyIter};
use super::{arity, with_dict, Args, Kwargs, NativeTable};
use crate::error::{PyErr, PyResult};
use crate::interp::{Interp, NativeFn};
use crate::object::{Dict, InstanceAttrs, ObjectData, PyObject};
use crate::value::Value;

/// The methods of `dict`.
pub(super) fn dict_methods() -> NativeTable {
    vec![
        ("get", dict_get as NativeFn),
        ("keys", dict_keys),
        ("values", dict_values),
        ("items", dict_items),
        ("pop", dict_pop),
        ("popitem", dict_popitem),
        ("setdefault", dict_setdefault),
        ("update", dict_update),
        ("copy", dict_copy),
        ("clear", dict_clear),
        ("fromkeys", dict_fromkeys),
    ]
}

/// The methods of the three view classes (`kind` 0 keys, 1 values,
/// 2 items).
/// The methods of `mappingproxy` (a read-only view of a class dict):
/// dict's reading methods.
pub(super) fn mappingproxy_methods() -> NativeTable {
    dict_methods()
        .into_iter()
        .filter(|(name, _)| matches!(*name, "keys" | "values" | "items" | "get" | "copy"))
        .collect()
}

pub(super) fn view_methods(kind: u8) -> NativeTable {
    let mut m: NativeTable = vec![
        ("__iter__", view_iter as NativeFn),
        ("__len__", view_len),
        ("__repr__", view_repr),
        ("__reversed__", view_reversed),
        ("__contains__", view_contains),
    ];
    if kind != 1 {
        m.extend([
            ("__eq__", view_eq as NativeFn),
            ("__ne__", view_ne),
            ("__and__", view_and),
            ("__rand__", view_and),
            ("__or__", view_or),
            ("__ror__", view_or),
            ("__sub__", view_sub),
            ("__xor__", view_xor),
            ("__rxor__", view_xor),
            ("isdisjoint", view_isdisjoint),
        ]);
    }
    m
}

// ---------------------------------------------------------------- views

/// Which view an object is, and its dict.
fn view_parts(i: &Interp<'_>, v: Value) -> Option<(u8, Value)> {
    let t = i.rt.types;
    let o = v.as_object()?;
    let class = o.class();
    let kind = if class == t.dict_keys {
        0
    } else if class == t.dict_values {
        1
    } else if class == t.dict_items {
        2
    } else {
        return None;
    };
    let ObjectData::Instance(attrs) = &o.data else {
        return None;
    };
    let entries: Vec<(Value, Value)> = attrs.dict()?.lock().items().collect();
    entries
        .into_iter()
        .find(|(k, _)| i.str_of(*k).as_deref() == Some("mapping"))
        .map(|(_, d)| (kind, d))
}

fn view_self(i: &mut Interp<'_>, args: Args<'_>, name: &str) -> PyResult<(u8, Value)> {
    match args.first().and_then(|v| view_parts(i, *v)) {
        Some(p) => Ok(p),
        None => i.type_error(&format!("descriptor '{name}' needs a dict view")),
    }
}

/// A new view of `dict`.
fn new_view(i: &mut Interp<'_>, class: Gc<PyObject>, dict: Value) -> Value {
    let mut attrs = Dict::new();
    let key = i.new_str("mapping");
    attrs.insert(key, dict).expect("str keys hash");
    Value::object(i.alloc(
        class,
        ObjectData::Instance(InstanceAttrs::Dict(crate::object::Mutex::new(attrs))),
    ))
}

fn view_iter(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (kind, dict) = view_self(i, args, "__iter__")?;
    if kind == 0 {
        return i.get_iter(dict);
    }
    let state = LazyIter::DictView {
        dict,
        index: 0,
        items: kind == 2,
    };
    Ok(new_lazy(i, i.rt.types.iterator, state))
}

fn view_len(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (_, dict) = view_self(i, args, "__len__")?;
    let n = with_dict(dict, |d| d.len()).unwrap_or(0);
    Ok(i.new_int(n as i64))
}

/// The view's items as values (keys, values or (key, value) tuples).
fn view_items(i: &mut Interp<'_>, kind: u8, dict: Value) -> Vec<Value> {
    let pairs: Vec<(Value, Value)> = with_dict(dict, |d| d.items().collect()).unwrap_or_default();
    // Allocation never collects: the tuples need no rooting while built.
    pairs
        .into_iter()
        .map(|(k, v)| match kind {
            0 => k,
            1 => v,
            _ => i.new_tuple(vec![k, v]),
        })
        .collect()
}

fn view_repr(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (kind, dict) = view_self(i, args, "__repr__")?;
    let items = view_items(i, kind, dict);
    let list = i.new_list(items);
    let mark = i.push_root(list);
    let inner = i.repr(list);
    i.truncate_roots(mark);
    let name = ["dict_keys", "dict_values", "dict_items"][kind as usize];
    Ok(i.new_str(&format!("{name}({})", inner?)))
}

fn view_reversed(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (kind, dict) = view_self(i, args, "__reversed__")?;
    let mut items = view_items(i, kind, dict);
    items.reverse();
    let tuple = i.new_tuple(items);
    let mark = i.push_root(tuple);
    let r = i.get_iter(tuple);
    i.truncate_roots(mark);
    r
}

fn view_contains(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (kind, dict) = view_self(i, args, "__contains__")?;
    arity(i, "__contains__", &args[1..], 1, 1)?;
    let Some(d) = dict.as_object() else {
        return Ok(Value::FALSE);
    };
    if kind == 0 {
        return Ok(Value::bool(i.dict_get(d, args[1])?.is_some()));
    }
    if kind == 1 {
        let values = view_items(i, 1, dict);
        let mark = i.root_all(&values);
        let mut found = Ok(false);
        for v in values {
            found = i.eq(v, args[1]);
            if !matches!(found, Ok(false)) {
                break;
            }
        }
        i.truncate_roots(mark);
        return Ok(Value::bool(found?));
    }
    let pair = match args[1].data() {
        Some(ObjectData::Tuple(t)) if t.len() == 2 => [t[0], t[1]],
        _ => return Ok(Value::FALSE),
    };
    match i.dict_get(d, pair[0])? {
        Some(v) => Ok(Value::bool(i.eq(v, pair[1])?)),
        None => Ok(Value::FALSE),
    }
}

/// `set(x)`, through the set type.
fn to_set(i: &mut Interp<'_>, v: Value) -> PyResult<Value> {
    let set = Value::object(i.rt.types.set);
    i.call_value(set, &[v], &[])
}

/// A set operation on a view and another iterable, done on sets.
fn view_setop(
    i: &mut Interp<'_>,
    args: Args<'_>,
    op: crate::bytecode::BinaryOp,
) -> PyResult<Value> {
    arity(i, "view operation", args, 2, 2)?;
    let mark = i.root_mark();
    let r = (|| {
        let a = to_set(i, args[0])?;
        i.push_root(a);
        let b = to_set(i, args[1])?;
        i.push_root(b);
        i.binary_op(a, b, op)
    })();
    i.truncate_roots(mark);
    r
}

fn view_and(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    view_setop(i, args, crate::bytecode::BinaryOp::And)
}

fn view_or(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    view_setop(i, args, crate::bytecode::BinaryOp::Or)
}

fn view_sub(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    view_setop(i, args, crate::bytecode::BinaryOp::Sub)
}

fn view_xor(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    view_setop(i, args, crate::bytecode::BinaryOp::Xor)
}

fn view_eq(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "__eq__", args, 2, 2)?;
    let other_is_setlike = view_parts(i, args[1]).is_some_and(|(k, _)| k != 1)
        || matches!(i.type_name(args[1]).as_str(), "set" | "frozenset");
    if !other_is_setlike {
        return Ok(Value::FALSE);
    }
    let mark = i.root_mark();
    let r = (|| {
        let a = to_set(i, args[0])?;
        i.push_root(a);
        let b = to_set(i, args[1])?;
        i.push_root(b);
        i.eq(a, b)
    })();
    i.truncate_roots(mark);
    Ok(Value::bool(r?))
}

fn view_ne(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let eq = view_eq(i, args, kwargs)?;
    Ok(Value::bool(eq != Value::TRUE))
}

fn view_isdisjoint(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let r = view_setop(i, args, crate::bytecode::BinaryOp::And)?;
    let mark = i.push_root(r);
    let n = i.len(r);
    i.truncate_roots(mark);
    Ok(Value::bool(n? == 0))
}

// ---------------------------------------------------------------- methods

fn dict_self(
    i: &mut Interp<'_>,
    args: Args<'_>,
    name: &str,
    min: usize,
    max: usize,
) -> PyResult<Value> {
    if args.is_empty() || with_dict(args[0], |_| ()).is_none() {
        return i.type_error(&format!(
            "descriptor '{name}' for 'dict' objects needs a dict"
        ));
    }
    arity(i, name, &args[1..], min, max)?;
    Ok(args[0])
}

fn dict_get(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "get", 1, 2)?;
    let h = i.hash(args[1])?;
    let key = i.table_key(args[1], || {
        with_dict(d, |d| d.keys_with_hash(h)).unwrap_or_default()
    })?;
    let found = with_dict(d, |d| d.get_hashed(h, key)).flatten();
    Ok(found.unwrap_or(args.get(2).copied().unwrap_or(Value::NONE)))
}

fn dict_keys(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "keys", 0, 0)?;
    Ok(new_view(i, i.rt.types.dict_keys, d))
}

fn dict_values(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "values", 0, 0)?;
    Ok(new_view(i, i.rt.types.dict_values, d))
}

fn dict_items(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "items", 0, 0)?;
    Ok(new_view(i, i.rt.types.dict_items, d))
}

fn dict_popitem(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "popitem", 0, 0)?;
    let last = with_dict(d, |d| {
        let last = d.items().last();
        if let Some((k, _)) = last {
            // Keys whose hash needs Python code (`__hash__`) cannot be
            // removed here; they stay (a known limitation of `Dict::remove`).
            let _ = d.remove(k);
        }
        last
    })
    .flatten();
    match last {
        Some((k, v)) => Ok(i.new_tuple(vec![k, v])),
        None => {
            let msg = i.new_str("popitem(): dictionary is empty");
            let a = i.new_tuple(vec![msg]);
            Err(PyErr(i.new_exception_object(i.rt.types.key_error, a)))
        }
    }
}

/// `dict.fromkeys(iterable, value=None)` (called on the class).
fn dict_fromkeys(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let receiver = args
        .first()
        .is_some_and(|v| v.as_object().is_some_and(|o| o.as_class().is_some()));
    let args = if receiver { &args[1..] } else { args };
    arity(i, "fromkeys", args, 1, 2)?;
    let value = args.get(1).copied().unwrap_or(Value::NONE);
    let keys = i.collect_iterable(args[0])?;
    let mark = i.root_all(&keys);
    let built = (|| {
        let mut dict = Dict::new();
        for k in keys {
            let h = i.hash(k)?;
            dict.insert_hashed(h, k, value);
        }
        Ok(i.new_dict(dict))
    })();
    i.truncate_roots(mark);
    built
}

fn dict_pop(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "pop", 1, 2)?;
    let h = i.hash(args[1])?;
    let key = i.table_key(args[1], || {
        with_dict(d, |d| d.keys_with_hash(h)).unwrap_or_default()
    })?;
    let removed = with_dict(d, |d| d.remove_hashed(h, key)).flatten();
    match (removed, args.get(2)) {
        (Some(v), _) => Ok(v),
        (None, Some(default)) => Ok(*default),
        (None, None) => {
            let a = i.new_tuple(vec![args[1]]);
            Err(PyErr(i.new_exception_object(i.rt.types.key_error, a)))
        }
    }
}

fn dict_setdefault(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "setdefault", 1, 2)?;
    let h = i.hash(args[1])?;
    let default = args.get(2).copied().unwrap_or(Value::NONE);
    let v = with_dict(d, |d| match d.get_hashed(h, args[1]) {
        Some(v) => v,
        None => {
            d.insert_hashed(h, args[1], default);
            default
        }
    });
    Ok(v.unwrap_or(default))
}

fn dict_update(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "update", 0, 1)?;
    update(i, d, args.get(1).copied(), kwargs)
}

/// `d.update(src, **kwargs)` once the receiver `d` is checked (also
/// `dict.__init__`).
pub(super) fn update(
    i: &mut Interp<'_>,
    d: Value,
    src: Option<Value>,
    kwargs: Kwargs<'_>,
) -> PyResult<Value> {
    let mark = i.root_mark();
    let result = dict_update_from(i, d, src, kwargs);
    i.truncate_roots(mark);
    result
}

/// [`dict_update`] once its receiver is known; roots pushed here are
/// released by the caller.
fn dict_update_from(
    i: &mut Interp<'_>,
    d: Value,
    src: Option<Value>,
    kwargs: Kwargs<'_>,
) -> PyResult<Value> {
    let mut pairs: Vec<(Value, Value)> = Vec::new();
    if let Some(src) = src {
        pairs = dict_source_pairs(i, src)?;
    }
    pairs.extend(kwargs.iter().copied());
    for (k, v) in pairs {
        let h = i.hash(k)?;
        with_dict(d, |d| d.insert_hashed(h, k, v));
    }
    Ok(Value::NONE)
}

fn dict_copy(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "copy", 0, 0)?;
    let items: Vec<(Value, Value)> = with_dict(d, |d| d.items().collect()).unwrap_or_default();
    let mut copy = Dict::new();
    for (k, v) in items {
        let h = i.hash(k)?;
        copy.insert_hashed(h, k, v);
    }
    Ok(i.new_dict(copy))
}

fn dict_clear(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "clear", 0, 0)?;
    with_dict(d, Dict::clear);
    Ok(Value::NONE)
}

/// The (key, value) pairs of `dict(src)` / `d.update(src)`: a dict's items,
/// or an iterable of 2-item iterables. Each key and value is also pushed on
/// the value stack (rooted: collecting may run Python code); the caller
/// truncates the stack when it is done with them.
pub(super) fn dict_source_pairs(i: &mut Interp<'_>, src: Value) -> PyResult<Vec<(Value, Value)>> {
    let pairs = match with_dict(src, |d| d.items().collect::<Vec<_>>()) {
        Some(items) => items,
        None => {
            let sources = i.collect_iterable(src)?;
            i.root_all(&sources);
            let mut pairs = Vec::with_capacity(sources.len());
            for pair in sources {
                let kv = i.collect_iterable(pair)?;
                if kv.len() != 2 {
                    return i
                        .value_error("dictionary update sequence element has the wrong length");
                }
                i.root_all(&kv);
                pairs.push((kv[0], kv[1]));
            }
            return Ok(pairs);
        }
    };
    for (k, v) in &pairs {
        i.root_all(&[*k, *v]);
    }
    Ok(pairs)
}
