//! The builtins module's functions, the constructors of the builtin
//! types, and the methods of the builtin types.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};
use stillpoint_gc::Gc;

use crate::error::{PyErr, PyResult};
use crate::interp::{Interp, NativeFn};
use crate::object::{Dict, ObjectData, PyObject, Range};
use crate::runtime::Types;
use crate::value::{Unpacked, Value};

type Args<'x> = &'x [Value];
type Kwargs<'x> = &'x [(Value, Value)];

/// The builtins module's functions.
pub fn functions() -> Vec<(&'static str, NativeFn)> {
    vec![
        ("print", print as NativeFn),
        ("len", len),
        ("repr", repr),
        ("isinstance", isinstance),
        ("issubclass", issubclass),
        ("abs", abs),
        ("min", min),
        ("max", max),
        ("sum", sum),
        ("hash", hash),
        ("id", id),
        ("ord", ord),
        ("chr", chr),
        ("sorted", sorted),
        ("iter", iter),
        ("next", next),
        ("callable", callable),
        ("getattr", getattr),
        ("setattr", setattr),
        ("hasattr", hasattr),
    ]
}

/// A table of named native functions.
pub type NativeTable = Vec<(&'static str, NativeFn)>;

/// The methods of the builtin types, by class.
pub fn type_methods(t: &Types) -> Vec<(Gc<PyObject>, NativeTable)> {
    vec![
        (
            t.str,
            vec![
                ("upper", str_upper as NativeFn),
                ("lower", str_lower),
                ("strip", str_strip),
                ("lstrip", str_lstrip),
                ("rstrip", str_rstrip),
                ("split", str_split),
                ("join", str_join),
                ("startswith", str_startswith),
                ("endswith", str_endswith),
                ("replace", str_replace),
                ("find", str_find),
                ("count", str_count),
                ("isdigit", str_isdigit),
                ("isalpha", str_isalpha),
            ],
        ),
        (
            t.list,
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
            ],
        ),
        (
            t.tuple,
            vec![("index", seq_index as NativeFn), ("count", seq_count)],
        ),
        (
            t.dict,
            vec![
                ("get", dict_get as NativeFn),
                ("keys", dict_keys),
                ("values", dict_values),
                ("items", dict_items),
                ("pop", dict_pop),
                ("setdefault", dict_setdefault),
                ("update", dict_update),
                ("copy", dict_copy),
                ("clear", dict_clear),
            ],
        ),
    ]
}

// ---------------------------------------------------------------- helpers

fn arity(i: &mut Interp<'_>, name: &str, args: Args<'_>, min: usize, max: usize) -> PyResult<()> {
    if args.len() < min || args.len() > max {
        let msg = if min == max {
            format!(
                "{name}() takes exactly {min} argument{} ({} given)",
                if min == 1 { "" } else { "s" },
                args.len()
            )
        } else if args.len() < min {
            format!(
                "{name} expected at least {min} argument{}, got {}",
                if min == 1 { "" } else { "s" },
                args.len()
            )
        } else {
            format!(
                "{name} expected at most {max} argument{}, got {}",
                if max == 1 { "" } else { "s" },
                args.len()
            )
        };
        return i.type_error(&msg);
    }
    Ok(())
}

fn no_kwargs(i: &mut Interp<'_>, name: &str, kwargs: Kwargs<'_>) -> PyResult<()> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        i.type_error(&format!("{name}() takes no keyword arguments"))
    }
}

fn kwarg(i: &Interp<'_>, kwargs: Kwargs<'_>, name: &str) -> Option<Value> {
    kwargs
        .iter()
        .find(|(k, _)| i.str_of(*k).as_deref() == Some(name))
        .map(|(_, v)| *v)
}

fn text(i: &mut Interp<'_>, v: Value, what: &str) -> PyResult<String> {
    match i.str_of(v) {
        Some(s) => Ok(s),
        None => {
            let msg = format!("{what} must be str, not {}", i.type_name(v));
            i.type_error(&msg)
        }
    }
}

fn list_of(v: Value) -> Option<Gc<PyObject>> {
    v.as_object()
        .filter(|o| matches!(o.data, ObjectData::List(_)))
}

fn with_list<R>(v: Value, f: impl FnOnce(&mut Vec<Value>) -> R) -> Option<R> {
    match &list_of(v)?.data {
        ObjectData::List(l) => Some(f(&mut l.lock())),
        _ => None,
    }
}

fn with_dict<R>(v: Value, f: impl FnOnce(&mut Dict) -> R) -> Option<R> {
    match &v.as_object()?.data {
        ObjectData::Dict(d) => Some(f(&mut d.lock())),
        _ => None,
    }
}

// ---------------------------------------------------------------- functions

fn print(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let mut sep = " ".to_string();
    let mut end = "\n".to_string();
    let mut file = None;
    for (k, v) in kwargs {
        let key = i.str_of(*k).unwrap_or_default();
        if key == "file" {
            file = Some(*v).filter(|f| !f.is_none());
            continue;
        }
        let value = if v.is_none() {
            None
        } else {
            Some(text(i, *v, &key)?)
        };
        match key.as_str() {
            "sep" => sep = value.unwrap_or_else(|| " ".into()),
            "end" => end = value.unwrap_or_else(|| "\n".into()),
            "flush" => {}
            _ => {
                return i.type_error(&format!(
                    "'{key}' is an invalid keyword argument for print()"
                ))
            }
        }
    }
    let mut line = String::new();
    for (n, a) in args.iter().enumerate() {
        if n > 0 {
            line.push_str(&sep);
        }
        line.push_str(&i.str(*a)?);
    }
    line.push_str(&end);
    match file {
        // Any object with a `write` method (sys.stderr, a user stream).
        Some(f) => {
            let write = i.new_str("write");
            let method = i.get_attr(f, write)?;
            i.push_root(method);
            let text = i.new_str(&line);
            let mark = i.push_root(text);
            let r = i.call_value(method, &[text], &[]);
            i.truncate_roots(mark - 1);
            r?;
        }
        None => i.rt.write_stdout(&line),
    }
    Ok(Value::NONE)
}

fn len(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    no_kwargs(i, "len", kwargs)?;
    arity(i, "len", args, 1, 1)?;
    let n = i.len(args[0])?;
    Ok(i.new_int(n as i64))
}

fn repr(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "repr", args, 1, 1)?;
    let s = i.repr(args[0])?;
    Ok(i.new_str(&s))
}

fn class_arg(i: &mut Interp<'_>, v: Value, func: &str) -> PyResult<Vec<Gc<PyObject>>> {
    match v.as_object().map(|o| (o, v.data())) {
        Some((o, Some(ObjectData::Class(_)))) => Ok(vec![o]),
        Some((_, Some(ObjectData::Tuple(items)))) => {
            let mut out = Vec::new();
            for item in items.iter() {
                out.extend(class_arg(i, *item, func)?);
            }
            Ok(out)
        }
        _ => i.type_error(&format!(
            "{func}() arg 2 must be a type, a tuple of types, or a union"
        )),
    }
}

fn isinstance(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "isinstance", args, 2, 2)?;
    let classes = class_arg(i, args[1], "isinstance")?;
    Ok(Value::bool(
        classes.iter().any(|c| i.isinstance(args[0], *c)),
    ))
}

fn issubclass(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "issubclass", args, 2, 2)?;
    let Some(sub) = args[0].as_object().filter(|o| o.as_class().is_some()) else {
        return i.type_error("issubclass() arg 1 must be a class");
    };
    let classes = class_arg(i, args[1], "issubclass")?;
    Ok(Value::bool(classes.iter().any(|c| i.is_subclass(sub, *c))))
}

fn abs(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "abs", args, 1, 1)?;
    let v = args[0];
    match v.unpack() {
        Unpacked::Float(f) => Ok(Value::float(f.abs())),
        Unpacked::Int(n) => Ok(i.new_int(n.abs())),
        Unpacked::Bool(b) => Ok(i.new_int(b as i64)),
        Unpacked::Object(o) => match &o.data {
            ObjectData::Int(b) => Ok(i.new_bigint(b.abs())),
            _ => {
                let msg = format!("bad operand type for abs(): '{}'", i.type_name(v));
                i.type_error(&msg)
            }
        },
        _ => {
            let msg = format!("bad operand type for abs(): '{}'", i.type_name(v));
            i.type_error(&msg)
        }
    }
}

fn min_max(
    i: &mut Interp<'_>,
    args: Args<'_>,
    kwargs: Kwargs<'_>,
    name: &str,
    want: crate::bytecode::CompareOp,
) -> PyResult<Value> {
    let key = kwarg(i, kwargs, "key").filter(|k| !k.is_none());
    let default = kwarg(i, kwargs, "default");
    let items = match args.len() {
        0 => return i.type_error(&format!("{name} expected at least 1 argument, got 0")),
        1 => i.collect_iterable(args[0])?,
        _ => args.to_vec(),
    };
    if items.is_empty() {
        return match default {
            Some(d) => Ok(d),
            None => i.value_error(&format!("{name}() arg is an empty sequence")),
        };
    }
    // Root the items and keys: comparisons and key calls may run Python.
    let list = i.new_list(items.clone());
    let mark = i.push_root(list);
    let result = (|| {
        let mut best = items[0];
        let mut best_key = match key {
            Some(k) => i.call_value(k, &[best], &[])?,
            None => best,
        };
        i.push_root(best_key);
        for item in &items[1..] {
            let k = match key {
                Some(f) => i.call_value(f, &[*item], &[])?,
                None => *item,
            };
            i.push_root(k);
            if i.compare(k, best_key, want)? == Value::TRUE {
                best = *item;
                best_key = k;
            }
        }
        Ok(best)
    })();
    i.truncate_roots(mark);
    result
}

fn min(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    min_max(i, args, kwargs, "min", crate::bytecode::CompareOp::Lt)
}

fn max(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    min_max(i, args, kwargs, "max", crate::bytecode::CompareOp::Gt)
}

fn sum(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "sum", args, 1, 2)?;
    let mut total = args
        .get(1)
        .copied()
        .or_else(|| kwarg(i, kwargs, "start"))
        .unwrap_or(Value::try_int(0).expect("0 is inline"));
    if i.str_of(total).is_some() {
        return i.type_error("sum() can't sum strings [use ''.join(seq) instead]");
    }
    let items = i.collect_iterable(args[0])?;
    let list = i.new_list(items.clone());
    let mark = i.push_root(list);
    let result = (|| {
        for item in items {
            total = i.binary_op(total, item, crate::bytecode::BinaryOp::Add)?;
            i.push_root(total);
        }
        Ok(total)
    })();
    i.truncate_roots(mark);
    result
}

fn hash(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "hash", args, 1, 1)?;
    let h = i.hash(args[0])?;
    Ok(i.new_int(h))
}

fn id(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "id", args, 1, 1)?;
    let bits = match args[0].as_object() {
        Some(o) => o.into_raw() as i64,
        None => args[0].to_bits() as i64 & 0x0000_FFFF_FFFF_FFFF,
    };
    Ok(i.new_int(bits))
}

fn ord(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "ord", args, 1, 1)?;
    let s = text(i, args[0], "ord() argument")?;
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(i.new_int(c as i64)),
        _ => {
            let msg = format!(
                "ord() expected a character, but string of length {} found",
                s.chars().count()
            );
            i.type_error(&msg)
        }
    }
}

fn chr(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "chr", args, 1, 1)?;
    match i
        .as_i64(args[0])
        .and_then(|n| u32::try_from(n).ok())
        .and_then(char::from_u32)
    {
        Some(c) => Ok(i.new_str(&c.to_string())),
        None => i.value_error("chr() arg not in range(0x110000)"),
    }
}

/// Sorts `items` in place with `<` (merge sort: stable, and comparisons
/// may raise). The caller keeps the items rooted.
fn sort_values(
    i: &mut Interp<'_>,
    items: &mut Vec<Value>,
    keys: Option<Vec<Value>>,
    reverse: bool,
) -> PyResult<()> {
    let keys = keys.unwrap_or_else(|| items.clone());
    let mut order: Vec<usize> = (0..items.len()).collect();
    let mut width = 1;
    let n = order.len();
    let mut buf = Vec::with_capacity(n);
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut a, mut b) = (start, mid);
            buf.clear();
            while a < mid && b < end {
                let (x, y) = (keys[order[a]], keys[order[b]]);
                // Take from the right only if strictly smaller (stability).
                // Take from the right only if it must come strictly first,
                // so equal keys keep their order (a stable sort).
                let (smaller, larger) = if reverse { (x, y) } else { (y, x) };
                let take_right =
                    i.compare(smaller, larger, crate::bytecode::CompareOp::Lt)? == Value::TRUE;
                if take_right {
                    buf.push(order[b]);
                    b += 1;
                } else {
                    buf.push(order[a]);
                    a += 1;
                }
            }
            buf.extend_from_slice(&order[a..mid]);
            buf.extend_from_slice(&order[b..end]);
            order[start..end].copy_from_slice(&buf);
            start = end;
        }
        width *= 2;
    }
    *items = order.into_iter().map(|k| items[k]).collect();
    Ok(())
}

fn sort_list(i: &mut Interp<'_>, list: Value, kwargs: Kwargs<'_>) -> PyResult<()> {
    let key = kwarg(i, kwargs, "key").filter(|k| !k.is_none());
    let reverse = match kwarg(i, kwargs, "reverse") {
        Some(r) => i.is_true(r)?,
        None => false,
    };
    let mut items = with_list(list, |l| l.clone()).unwrap_or_default();
    // The copies are rooted: keys and comparisons may mutate the list.
    let mark = i.root_all(&items);
    let result = (|| {
        let keys = match key {
            Some(f) => {
                let mut keys = Vec::with_capacity(items.len());
                for item in &items {
                    let k = i.call_value(f, &[*item], &[])?;
                    i.push_root(k);
                    keys.push(k);
                }
                Some(keys)
            }
            None => None,
        };
        sort_values(i, &mut items, keys, reverse)
    })();
    i.truncate_roots(mark);
    result?;
    with_list(list, |l| *l = items);
    Ok(())
}

fn sorted(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "sorted", args, 1, 1)?;
    let items = i.collect_iterable(args[0])?;
    let list = i.new_list(items);
    let mark = i.push_root(list);
    let r = sort_list(i, list, kwargs);
    i.truncate_roots(mark);
    r.map(|_| list)
}

fn iter(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "iter", args, 1, 1)?;
    i.get_iter(args[0])
}

fn next(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "next", args, 1, 2)?;
    match i.iter_next(args[0])? {
        Some(v) => Ok(v),
        None => match args.get(1) {
            Some(d) => Ok(*d),
            None => {
                let args = i.new_tuple(Vec::new());
                Err(PyErr(
                    i.new_exception_object(i.rt.types.stop_iteration, args),
                ))
            }
        },
    }
}

fn callable(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "callable", args, 1, 1)?;
    let c = match args[0].data() {
        Some(
            ObjectData::Function(_)
            | ObjectData::Builtin(_)
            | ObjectData::BoundMethod { .. }
            | ObjectData::Class(_),
        ) => true,
        Some(ObjectData::Instance(_)) => i.lookup(i.class_of(args[0]), "__call__").is_some(),
        _ => false,
    };
    Ok(Value::bool(c))
}

fn getattr(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "getattr", args, 2, 3)?;
    text(i, args[1], "attribute name")?;
    match i.get_attr(args[0], args[1]) {
        Ok(v) => Ok(v),
        Err(e) if args.len() == 3 && i.isinstance(e.0, i.rt.types.attribute_error) => Ok(args[2]),
        Err(e) => Err(e),
    }
}

fn setattr(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "setattr", args, 3, 3)?;
    text(i, args[1], "attribute name")?;
    i.set_attr(args[0], args[1], args[2])?;
    Ok(Value::NONE)
}

fn hasattr(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "hasattr", args, 2, 2)?;
    text(i, args[1], "attribute name")?;
    match i.get_attr(args[0], args[1]) {
        Ok(_) => Ok(Value::TRUE),
        Err(e) if i.isinstance(e.0, i.rt.types.attribute_error) => Ok(Value::FALSE),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- constructors

/// Calls a builtin type (`int(x)`, `list(it)`, `type(x)`...).
pub fn construct(
    i: &mut Interp<'_>,
    class: Gc<PyObject>,
    args: Args<'_>,
    kwargs: Kwargs<'_>,
) -> PyResult<Value> {
    let t = i.rt.types;
    let name = class
        .as_class()
        .map(|c| c.name.to_string())
        .unwrap_or_default();
    if class != t.dict {
        no_kwargs(i, &name, kwargs)?;
    }
    if class == t.int {
        arity(i, "int", args, 0, 2)?;
        return construct_int(i, args);
    }
    if class == t.float {
        arity(i, "float", args, 0, 1)?;
        let Some(v) = args.first() else {
            return Ok(Value::float(0.0));
        };
        return match v.unpack() {
            Unpacked::Float(_) => Ok(*v),
            Unpacked::Int(n) => Ok(Value::float(n as f64)),
            Unpacked::Bool(b) => Ok(Value::float(b as i64 as f64)),
            Unpacked::Object(o) => match &o.data {
                ObjectData::Int(b) => match b.to_f64() {
                    Some(f) if f.is_finite() => Ok(Value::float(f)),
                    _ => {
                        Err(i.new_exception(t.overflow_error, "int too large to convert to float"))
                    }
                },
                ObjectData::Str(s) => {
                    let text = s.as_str().trim().to_ascii_lowercase().replace('_', "");
                    let parsed = match text.as_str() {
                        "inf" | "+inf" | "infinity" | "+infinity" => Some(f64::INFINITY),
                        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
                        "nan" | "+nan" | "-nan" => Some(f64::NAN),
                        other => other.parse::<f64>().ok(),
                    };
                    match parsed {
                        Some(f) => Ok(Value::float(f)),
                        None => {
                            let msg = format!(
                                "could not convert string to float: {}",
                                crate::object::repr::str_repr(s.as_str())
                            );
                            i.value_error(&msg)
                        }
                    }
                }
                _ => {
                    let msg = format!(
                        "float() argument must be a string or a real number, not '{}'",
                        i.type_name(*v)
                    );
                    i.type_error(&msg)
                }
            },
            _ => {
                let msg = format!(
                    "float() argument must be a string or a real number, not '{}'",
                    i.type_name(*v)
                );
                i.type_error(&msg)
            }
        };
    }
    if class == t.str {
        arity(i, "str", args, 0, 1)?;
        let s = match args.first() {
            Some(v) => i.str(*v)?,
            None => String::new(),
        };
        return Ok(i.new_str(&s));
    }
    if class == t.bool {
        arity(i, "bool", args, 0, 1)?;
        return match args.first() {
            Some(v) => Ok(Value::bool(i.is_true(*v)?)),
            None => Ok(Value::FALSE),
        };
    }
    if class == t.list || class == t.tuple {
        arity(i, &name, args, 0, 1)?;
        let items = match args.first() {
            Some(v) => i.collect_iterable(*v)?,
            None => Vec::new(),
        };
        return Ok(if class == t.list {
            i.new_list(items)
        } else {
            i.new_tuple(items)
        });
    }
    if class == t.dict {
        arity(i, "dict", args, 0, 1)?;
        let mut dict = Dict::new();
        // The dict under construction is not a heap object yet, and `hash`
        // (a `__hash__`) or advancing an iterator may run Python code: every
        // key and value stays rooted on the value stack until it is built.
        let mark = i.root_mark();
        let built = (|| {
            if let Some(src) = args.first() {
                for (k, v) in dict_source_pairs(i, *src)? {
                    let h = i.hash(k)?;
                    dict.insert_hashed(h, k, v);
                }
            }
            for (k, v) in kwargs {
                let h = i.hash(*k)?;
                dict.insert_hashed(h, *k, *v);
            }
            Ok(())
        })();
        let result = built.map(|()| i.new_dict(dict));
        i.truncate_roots(mark);
        return result;
    }
    if class == t.type_ {
        arity(i, "type", args, 1, 1)?;
        return Ok(Value::object(i.class_of(args[0])));
    }
    if class == t.range {
        arity(i, "range", args, 1, 3)?;
        let mut ints = Vec::new();
        for a in args {
            match (!a.is_float()).then(|| i.as_i64(*a)).flatten() {
                Some(n) => ints.push(n),
                None => {
                    let msg = format!(
                        "'{}' object cannot be interpreted as an integer",
                        i.type_name(*a)
                    );
                    return i.type_error(&msg);
                }
            }
        }
        let r = match ints[..] {
            [stop] => Range {
                start: 0,
                stop,
                step: 1,
            },
            [start, stop] => Range {
                start,
                stop,
                step: 1,
            },
            [start, stop, step] => {
                if step == 0 {
                    return i.value_error("range() arg 3 must not be zero");
                }
                Range { start, stop, step }
            }
            _ => unreachable!("arity checked"),
        };
        return Ok(i.new_range(r));
    }
    if class == t.object {
        arity(i, "object", args, 0, 0)?;
        return Ok(Value::object(i.alloc(
            t.object,
            ObjectData::Instance(parking_lot::Mutex::new(Dict::new())),
        )));
    }
    i.type_error(&format!("cannot create '{name}' instances"))
}

fn construct_int(i: &mut Interp<'_>, args: Args<'_>) -> PyResult<Value> {
    let t = i.rt.types;
    let Some(v) = args.first().copied() else {
        return Ok(i.new_int(0));
    };
    if let Some(base_value) = args.get(1) {
        let Some(s) = i.str_of(v) else {
            return i.type_error("int() can't convert non-string with explicit base");
        };
        let base = i.as_i64(*base_value).unwrap_or(-1);
        return parse_int(i, &s, base as u32);
    }
    match v.unpack() {
        Unpacked::Int(_) => Ok(v),
        Unpacked::Bool(b) => Ok(i.new_int(b as i64)),
        Unpacked::Float(f) => {
            if f.is_nan() {
                return i.value_error("cannot convert float NaN to integer");
            }
            if f.is_infinite() {
                return Err(
                    i.new_exception(t.overflow_error, "cannot convert float infinity to integer")
                );
            }
            let b = <BigInt as num_traits::FromPrimitive>::from_f64(f.trunc()).expect("finite");
            Ok(i.new_bigint(b))
        }
        Unpacked::Object(o) => match &o.data {
            ObjectData::Int(_) => Ok(v),
            ObjectData::Str(s) => {
                let s = s.as_str().to_string();
                parse_int(i, &s, 10)
            }
            _ => {
                let msg = format!("int() argument must be a string, a bytes-like object or a real number, not '{}'", i.type_name(v));
                i.type_error(&msg)
            }
        },
        _ => {
            let msg = format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                i.type_name(v)
            );
            i.type_error(&msg)
        }
    }
}

fn parse_int(i: &mut Interp<'_>, s: &str, base: u32) -> PyResult<Value> {
    let trimmed = s.trim();
    let (neg, digits) = match trimmed.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let mut base = base;
    let mut digits = digits.to_string();
    let lower = digits.to_ascii_lowercase();
    for (prefix, b) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if (base == b || base == 0) && lower.starts_with(prefix) {
            digits = digits[2..].to_string();
            base = b;
        }
    }
    if base == 0 {
        base = 10;
    }
    let valid = (2..=36).contains(&base)
        && !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__");
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    match valid
        .then(|| BigInt::parse_bytes(clean.as_bytes(), base))
        .flatten()
    {
        Some(b) => Ok(i.new_bigint(if neg { -b } else { b })),
        None => {
            let msg = format!(
                "invalid literal for int() with base {base}: {}",
                crate::object::repr::str_repr(s)
            );
            i.value_error(&msg)
        }
    }
}

// ---------------------------------------------------------------- str methods

fn str_self(
    i: &mut Interp<'_>,
    args: Args<'_>,
    name: &str,
    min: usize,
    max: usize,
) -> PyResult<String> {
    if args.is_empty() {
        return i.type_error(&format!(
            "descriptor '{name}' of 'str' object needs an argument"
        ));
    }
    arity(i, name, &args[1..], min, max)?;
    text(i, args[0], "self")
}

fn str_upper(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "upper", 0, 0)?;
    Ok(i.new_str(&s.to_uppercase()))
}

fn str_lower(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "lower", 0, 0)?;
    Ok(i.new_str(&s.to_lowercase()))
}

fn strip_chars(
    i: &mut Interp<'_>,
    args: Args<'_>,
    name: &str,
) -> PyResult<(String, Option<Vec<char>>)> {
    let s = str_self(i, args, name, 0, 1)?;
    let chars = match args.get(1) {
        Some(v) if !v.is_none() => Some(text(i, *v, "chars")?.chars().collect()),
        _ => None,
    };
    Ok((s, chars))
}

fn str_strip(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (s, chars) = strip_chars(i, args, "strip")?;
    let r = match chars {
        Some(c) => s.trim_matches(c.as_slice()).to_string(),
        None => s.trim().to_string(),
    };
    Ok(i.new_str(&r))
}

fn str_lstrip(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (s, chars) = strip_chars(i, args, "lstrip")?;
    let r = match chars {
        Some(c) => s.trim_start_matches(c.as_slice()).to_string(),
        None => s.trim_start().to_string(),
    };
    Ok(i.new_str(&r))
}

fn str_rstrip(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (s, chars) = strip_chars(i, args, "rstrip")?;
    let r = match chars {
        Some(c) => s.trim_end_matches(c.as_slice()).to_string(),
        None => s.trim_end().to_string(),
    };
    Ok(i.new_str(&r))
}

fn str_split(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "split", 0, 1)?;
    let parts: Vec<String> = match args.get(1) {
        Some(v) if !v.is_none() => {
            let sep = text(i, *v, "sep")?;
            if sep.is_empty() {
                return i.value_error("empty separator");
            }
            s.split(sep.as_str()).map(str::to_string).collect()
        }
        _ => s.split_whitespace().map(str::to_string).collect(),
    };
    let items = parts.iter().map(|p| i.new_str(p)).collect();
    Ok(i.new_list(items))
}

fn str_join(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let sep = str_self(i, args, "join", 1, 1)?;
    let items = i.collect_iterable(args[1])?;
    let mut out = String::new();
    for (n, item) in items.iter().enumerate() {
        let Some(s) = i.str_of(*item) else {
            let msg = format!(
                "sequence item {n}: expected str instance, {} found",
                i.type_name(*item)
            );
            return i.type_error(&msg);
        };
        if n > 0 {
            out.push_str(&sep);
        }
        out.push_str(&s);
    }
    Ok(i.new_str(&out))
}

fn str_startswith(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "startswith", 1, 1)?;
    let p = text(i, args[1], "startswith first arg")?;
    Ok(Value::bool(s.starts_with(p.as_str())))
}

fn str_endswith(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "endswith", 1, 1)?;
    let p = text(i, args[1], "endswith first arg")?;
    Ok(Value::bool(s.ends_with(p.as_str())))
}

fn str_replace(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "replace", 2, 2)?;
    let (old, new) = (
        text(i, args[1], "replace arg 1")?,
        text(i, args[2], "replace arg 2")?,
    );
    Ok(i.new_str(&s.replace(old.as_str(), &new)))
}

fn str_find(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "find", 1, 1)?;
    let sub = text(i, args[1], "find arg")?;
    let r = s
        .find(sub.as_str())
        .map_or(-1, |b| s[..b].chars().count() as i64);
    Ok(i.new_int(r))
}

fn str_count(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "count", 1, 1)?;
    let sub = text(i, args[1], "count arg")?;
    let n = if sub.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(sub.as_str()).count()
    };
    Ok(i.new_int(n as i64))
}

fn str_isdigit(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "isdigit", 0, 0)?;
    Ok(Value::bool(
        !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()),
    ))
}

fn str_isalpha(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "isalpha", 0, 0)?;
    Ok(Value::bool(
        !s.is_empty() && s.chars().all(char::is_alphabetic),
    ))
}

// ---------------------------------------------------------------- list methods

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

fn list_append(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let l = list_self(i, args, "append", 1, 1)?;
    with_list(l, |v| v.push(args[1]));
    Ok(Value::NONE)
}

fn list_pop(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
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
    match v.data() {
        Some(ObjectData::List(l)) => l.lock().clone(),
        Some(ObjectData::Tuple(t)) => t.to_vec(),
        _ => Vec::new(),
    }
}

fn seq_index(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "index", args, 2, 2)?;
    let what = i.type_name(args[0]);
    for (n, item) in seq_items(args[0]).into_iter().enumerate() {
        if i.eq(item, args[1])? {
            return Ok(i.new_int(n as i64));
        }
    }
    let msg = if what == "list" {
        let r = i.repr(args[1])?;
        format!("{r} is not in list")
    } else {
        "tuple.index(x): x not in tuple".to_string()
    };
    i.value_error(&msg)
}

fn seq_count(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "count", args, 2, 2)?;
    let mut n = 0;
    for item in seq_items(args[0]) {
        if i.eq(item, args[1])? {
            n += 1;
        }
    }
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
    for (n, item) in seq_items(l).into_iter().enumerate() {
        if i.eq(item, args[1])? {
            with_list(l, |v| {
                if v.get(n) == Some(&item) {
                    v.remove(n);
                }
            });
            return Ok(Value::NONE);
        }
    }
    i.value_error("list.remove(x): x not in list")
}

fn list_copy(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let l = list_self(i, args, "copy", 0, 0)?;
    let items = seq_items(l);
    Ok(i.new_list(items))
}

fn list_clear(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let l = list_self(i, args, "clear", 0, 0)?;
    with_list(l, Vec::clear);
    Ok(Value::NONE)
}

// ---------------------------------------------------------------- dict methods

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
    let found = with_dict(d, |d| d.get_hashed(h, args[1])).flatten();
    Ok(found.unwrap_or(args.get(2).copied().unwrap_or(Value::NONE)))
}

fn dict_keys(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "keys", 0, 0)?;
    let keys = with_dict(d, |d| d.items().map(|(k, _)| k).collect()).unwrap_or_default();
    Ok(i.new_list(keys))
}

fn dict_values(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "values", 0, 0)?;
    let values = with_dict(d, |d| d.items().map(|(_, v)| v).collect()).unwrap_or_default();
    Ok(i.new_list(values))
}

fn dict_items(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "items", 0, 0)?;
    let items: Vec<(Value, Value)> = with_dict(d, |d| d.items().collect()).unwrap_or_default();
    // No safepoint while the pairs are built: allocation never collects.
    let pairs = items
        .into_iter()
        .map(|(k, v)| i.new_tuple(vec![k, v]))
        .collect();
    Ok(i.new_list(pairs))
}

fn dict_pop(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let d = dict_self(i, args, "pop", 1, 2)?;
    i.hash(args[1])?;
    let removed = with_dict(d, |d| d.remove(args[1]))
        .and_then(Result::ok)
        .flatten();
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
    let mark = i.root_mark();
    let result = dict_update_from(i, d, args.get(1).copied(), kwargs);
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
fn dict_source_pairs(i: &mut Interp<'_>, src: Value) -> PyResult<Vec<(Value, Value)>> {
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
