//! The builtins module's functions, the constructors of the builtin
//! types, and the methods of the builtin types.

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};
use stillpoint_gc::Gc;

use crate::error::PyResult;
use crate::interp::{Interp, NativeFn};
use crate::object::{Dict, ListItems, ObjectData, PyObject, Range};
use crate::runtime::Types;
use crate::value::{Unpacked, Value};

mod container_dunders;
mod dict;
pub(crate) mod format;
mod introspect;
pub mod iter;
mod list;
pub(crate) mod numeric;
pub(crate) mod str;

type Args<'x> = &'x [Value];
type Kwargs<'x> = &'x [(Value, Value)];

/// The builtins module's functions.
pub fn functions() -> Vec<(&'static str, NativeFn)> {
    vec![
        ("print", print as NativeFn),
        ("format", format::builtin_format),
        ("len", len),
        ("repr", repr),
        ("exit", crate::modules::sys::exit),
        ("quit", crate::modules::sys::exit),
        ("ascii", introspect::ascii),
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
        ("iter", iter::iter),
        ("next", iter::next),
        ("any", iter::any),
        ("all", iter::all),
        ("callable", callable),
        ("getattr", getattr),
        ("setattr", setattr),
        ("hasattr", hasattr),
        ("delattr", introspect::delattr),
        ("divmod", numeric::divmod),
        ("pow", numeric::pow),
        ("round", numeric::round),
        ("bin", numeric::bin),
        ("hex", numeric::hex),
        ("oct", numeric::oct),
        ("globals", introspect::globals),
        ("locals", introspect::locals),
        ("vars", introspect::vars),
        ("dir", introspect::dir),
    ]
}

/// A table of named native functions.
pub type NativeTable = Vec<(&'static str, NativeFn)>;

/// The methods of the builtin types, by class.
pub fn type_methods(t: &Types) -> Vec<(Gc<PyObject>, NativeTable)> {
    vec![
        (t.str, str::methods()),
        (t.list, list::list_methods()),
        (t.list, container_dunders::container_dunders::<false>()),
        (t.tuple, list::tuple_methods()),
        (t.dict, dict::dict_methods()),
        (t.dict, container_dunders::container_dunders::<true>()),
        (t.mappingproxy, dict::mappingproxy_methods()),
        (t.dict_keys, dict::view_methods(0)),
        (t.dict_values, dict::view_methods(1)),
        (t.dict_items, dict::view_methods(2)),
        (t.int, numeric::int_methods()),
        (t.float, numeric::float_methods()),
        (t.object, introspect::object_methods()),
        (t.type_, introspect::type_methods()),
        (t.range, list::range_methods()),
        (t.slice, list::slice_methods()),
    ]
}

// ---------------------------------------------------------------- helpers

fn arity(i: &mut Interp<'_>, name: &str, args: Args<'_>, min: usize, max: usize) -> PyResult<()> {
    if args.len() < min || args.len() > max {
        // CPython's one-argument builtins word this differently by calling
        // convention: METH_O ones say "one", argument-clinic ones "expected".
        let msg = if min == 1 && max == 1 && matches!(name, "sorted" | "reversed") {
            format!("{name} expected 1 argument, got {}", args.len())
        } else if min == 1 && max == 1 && name != "type" {
            format!("{name}() takes exactly one argument ({} given)", args.len())
        } else if min == max {
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

/// `v` if it is a list or an instance of a list subclass.
fn list_of(v: Value) -> Option<Gc<PyObject>> {
    v.as_object().filter(|o| o.list_items().is_some())
}

fn with_list<R>(v: Value, f: impl FnOnce(&mut ListItems) -> R) -> Option<R> {
    Some(f(&mut v.as_ref()?.list_items()?.lock()))
}

fn with_dict<R>(v: Value, f: impl FnOnce(&mut Dict) -> R) -> Option<R> {
    Some(f(&mut v.as_object()?.dict_table()?.lock()))
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
        if key == "flush" {
            // Output is written through at once, so any flush value is a no-op.
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
        None => crate::modules::sys::write_fd(i, 1, &line),
    }
    Ok(Value::NONE)
}

/// Whether `f` is the `len` builtin's code (tier 1's `CallLen`).
pub(crate) fn is_len(f: NativeFn) -> bool {
    std::ptr::fn_addr_eq(f, len as NativeFn)
}

/// Whether `f` is the `isinstance` builtin's code (tier 1's
/// `CallIsinstance`).
pub(crate) fn is_isinstance(f: NativeFn) -> bool {
    std::ptr::fn_addr_eq(f, isinstance as NativeFn)
}

/// What a method of [`NATIVE_METHODS`] does natively, given its receiver
/// and argument.
type NativeMethod = fn(Value, Value) -> Option<Value>;

/// The methods of one argument that tier 2 calls without an interpreter
/// (`CallNativeMethod`): each builtin, and what it does for a receiver of
/// its type and an argument when no Python code need run (a native key, an
/// index in range), `None` otherwise: the builtin's own call then decides
/// (converts, hashes through Python code, raises).
const NATIVE_METHODS: &[(NativeFn, NativeMethod)] = &[
    (list::list_append, |list, item| {
        with_list(list, |items| items.push(item)).map(|()| Value::NONE)
    }),
    (list::list_pop, |list, index| {
        let k = index.as_inline_int()?;
        with_list(list, |items| {
            let n = items.len() as i64;
            let k = if k < 0 { k + n } else { k };
            (0..n).contains(&k).then(|| items.remove(k as usize))
        })?
    }),
    (crate::object::set::set_add, |set, key| {
        crate::object::native::set_add(set, key).then_some(Value::NONE)
    }),
    (crate::object::set::set_discard, |set, key| {
        crate::object::native::set_discard(set, key).then_some(Value::NONE)
    }),
];

/// Where the builtin method `v` is in the table of methods tier 2 calls
/// natively (`CallNativeMethod`), if it is one.
pub(crate) fn native_method(v: Value) -> Option<u32> {
    place_in(NATIVE_METHODS, v)
}

/// Where the code of `v`, an unbound builtin function, is in `table`
/// (natives keyed by the builtin each stands for), if it is there.
pub(crate) fn place_in<T>(table: &[(NativeFn, T)], v: Value) -> Option<u32> {
    let Some(ObjectData::Builtin(b)) = v.data() else {
        return None;
    };
    let crate::object::NativeCode::Fn(f) = b.func else {
        return None;
    };
    if b.bound.is_some() {
        return None;
    }
    table
        .iter()
        .position(|&(g, _)| std::ptr::fn_addr_eq(f, g))
        .map(|k| k as u32)
}

/// Method `k` of [`native_method`]'s table on `receiver` with `arg`: its
/// result, or `None` where the builtin's own call must decide.
#[inline]
pub(crate) fn apply_native_method(k: u32, receiver: Value, arg: Value) -> Option<Value> {
    (NATIVE_METHODS[k as usize].1)(receiver, arg)
}

/// Whether `v` is the `isinstance` builtin (tier 2's `Isinstance`).
pub(crate) fn is_isinstance_builtin(v: Value) -> bool {
    matches!(v.data(), Some(ObjectData::Builtin(b)) if matches!(b.func, crate::object::NativeCode::Fn(f) if is_isinstance(f)))
}

fn len(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    no_kwargs(i, "len", kwargs)?;
    arity(i, "len", args, 1, 1)?;
    let n = i.len(args[0])?;
    Ok(i.new_int(n as i64))
}

/// `type(name, bases, dict)`: a new class, as a class statement makes.
fn type_new(i: &mut Interp<'_>, args: Args<'_>) -> PyResult<Value> {
    let checks = [
        (1, matches!(args[0].data(), Some(ObjectData::Str(_))), "str"),
        (
            2,
            matches!(args[1].data(), Some(ObjectData::Tuple(_))),
            "tuple",
        ),
        (
            3,
            matches!(args[2].data(), Some(ObjectData::Dict(_))),
            "dict",
        ),
    ];
    for (n, ok, want) in checks {
        if !ok {
            let msg = format!(
                "type.__new__() argument {n} must be {want}, not {}",
                i.type_name(args[n - 1])
            );
            return i.type_error(&msg);
        }
    }
    let namespace = args[2].as_object().expect("checked to be a dict");
    i.build_class(args[0], args[1], namespace)
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
                if let Some(f) = i.user_method(v, "__abs__") {
                    return i.call_value(f, &[v], &[]);
                }
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
/// Sorts `order` (positions into `keys`) when the keys compare without
/// running anything: all numbers (inline ints, bools and floats, no NaN:
/// each is exactly an `f64`) or all exact strs. A stable sort with that
/// total order gives the one result CPython's gives. False, having done
/// nothing, for any other keys.
fn sort_natively(keys: &[Value], order: &mut [usize], reverse: bool) -> bool {
    let as_number = |k: &Value| match k.unpack() {
        Unpacked::Int(n) => Some(n as f64),
        Unpacked::Bool(b) => Some(f64::from(u8::from(b))),
        Unpacked::Float(f) if !f.is_nan() => Some(f),
        _ => None,
    };
    if let Some(numbers) = keys.iter().map(as_number).collect::<Option<Vec<f64>>>() {
        order.sort_by(|&a, &b| {
            // No NaN: a total order (with -0.0 equal to 0.0, as in Python).
            let o = numbers[a]
                .partial_cmp(&numbers[b])
                .unwrap_or(std::cmp::Ordering::Equal);
            if reverse {
                o.reverse()
            } else {
                o
            }
        });
        return true;
    }
    // str cannot be subclassed: a str payload is an exact str.
    fn as_str(k: &Value) -> Option<&crate::object::PyStr> {
        k.as_ref()?.as_str()
    }
    if let Some(texts) = keys.iter().map(as_str).collect::<Option<Vec<_>>>() {
        order.sort_by(|&a, &b| {
            let o = texts[a].as_str().cmp(texts[b].as_str());
            if reverse {
                o.reverse()
            } else {
                o
            }
        });
        return true;
    }
    false
}

fn sort_values(
    i: &mut Interp<'_>,
    items: &mut Vec<Value>,
    keys: Option<Vec<Value>>,
    reverse: bool,
) -> PyResult<()> {
    let keys = keys.unwrap_or_else(|| items.clone());
    let mut order: Vec<usize> = (0..items.len()).collect();
    if sort_natively(&keys, &mut order, reverse) {
        *items = order.into_iter().map(|k| items[k]).collect();
        return Ok(());
    }
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
    let mut items = with_list(list, |l| l.to_vec()).unwrap_or_default();
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
    with_list(list, |l| l.replace(&items));
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

/// `tuple(v)` (`to_tuple`) or `list(v)` for an exact list or tuple `v`:
/// its items copied at once (an exact tuple is its own tuple). `None` for
/// anything else, which is iterated.
fn copy_sequence(i: &Interp<'_>, v: Value, to_tuple: bool) -> Option<Value> {
    let t = i.rt.types;
    let o = v.as_ref()?;
    match &o.data {
        ObjectData::Tuple(_) if to_tuple && o.class() == t.tuple => Some(v),
        ObjectData::Tuple(items) if o.class() == t.tuple => Some(i.new_list_of(items[..].into())),
        // Read without the lock when no writer is busy.
        ObjectData::List(l) if o.class() == t.list && to_tuple => {
            let copy = ListItems::read_unlocked(l, |items| Some(items.to_vec()))
                .unwrap_or_else(|| l.lock().to_vec());
            Some(i.new_tuple_of(copy.into()))
        }
        ObjectData::List(l) if o.class() == t.list => {
            let copy = ListItems::read_unlocked(l, |items| Some(items.to_list()))
                .unwrap_or_else(|| ListItems::from(&l.lock()[..]));
            Some(i.new_list_of(copy))
        }
        _ => None,
    }
}

/// Calls a builtin type (`int(x)`, `list(it)`, `type(x)`...).
pub fn construct(
    i: &mut Interp<'_>,
    class: Gc<PyObject>,
    args: Args<'_>,
    kwargs: Kwargs<'_>,
) -> PyResult<Value> {
    let t = i.rt.types;
    // Borrowed: only an error message needs it as a string.
    let name: &str = class.as_class().map_or("", |c| &c.name);
    // Lazy iterators (crate::builtins::iter).
    if class == t.zip {
        return iter::construct_zip(i, args, kwargs);
    }
    if class == t.map {
        return iter::construct_map(i, args, kwargs);
    }
    if class == t.filter {
        return iter::construct_filter(i, args, kwargs);
    }
    if class == t.enumerate {
        return iter::construct_enumerate(i, args, kwargs);
    }
    if class == t.reversed {
        return iter::construct_reversed(i, args, kwargs);
    }
    if class != t.dict {
        no_kwargs(i, name, kwargs)?;
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
        arity(i, name, args, 0, 1)?;
        if let Some(copy) = args
            .first()
            .and_then(|v| copy_sequence(i, *v, class == t.tuple))
        {
            return Ok(copy);
        }
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
                for (k, v) in dict::dict_source_pairs(i, *src)? {
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
    if class == t.none {
        arity(i, "NoneType", args, 0, 0)?;
        return Ok(Value::NONE);
    }
    if class == t.type_ {
        if args.len() == 3 {
            return type_new(i, args);
        }
        if args.len() != 1 {
            return i.type_error("type() takes 1 or 3 arguments");
        }
        return Ok(Value::object(i.class_of(args[0])));
    }
    if class == t.range {
        arity(i, "range", args, 1, 3)?;
        return construct_range(i, args);
    }
    if class == t.super_ {
        return i.construct_super(args);
    }
    if class == t.slice {
        arity(i, "slice", args, 1, 3)?;
        let parts = match *args {
            [stop] => [Value::NONE, stop, Value::NONE],
            [start, stop] => [start, stop, Value::NONE],
            [start, stop, step] => [start, stop, step],
            _ => unreachable!("arity checked"),
        };
        return Ok(Value::object(i.alloc(t.slice, ObjectData::Slice(parts))));
    }
    if class == t.object {
        arity(i, "object", args, 0, 0)?;
        return Ok(i.new_instance(t.object));
    }
    // Embedding hook: native classes (crate::embed).
    if let Some(v) = crate::embed::construct_native(i, class, args)? {
        return Ok(v);
    }
    i.type_error(&format!("cannot create '{name}' instances"))
}

/// `range(stop)`, `range(start, stop[, step])`: ints (or `__index__`
/// objects) of any size; all-`i64` arguments skip the big-int arithmetic.
fn construct_range(i: &mut Interp<'_>, args: Args<'_>) -> PyResult<Value> {
    let small: Option<Vec<i64>> = args
        .iter()
        .map(|a| (!a.is_float()).then(|| i.as_i64(*a)).flatten())
        .collect();
    let r = match small.as_deref() {
        Some(&[stop]) => Range::Small {
            start: 0,
            stop,
            step: 1,
        },
        Some(&[start, stop]) => Range::Small {
            start,
            stop,
            step: 1,
        },
        Some(&[start, stop, step]) if step != 0 => Range::Small { start, stop, step },
        _ => {
            let mut ints = Vec::with_capacity(args.len());
            for a in args {
                ints.push(numeric::index_of(i, *a)?);
            }
            let mut ints = ints.into_iter();
            let (start, stop, step) = match (ints.next(), ints.next(), ints.next()) {
                (Some(stop), None, _) => (BigInt::zero(), stop, BigInt::one()),
                (Some(start), Some(stop), None) => (start, stop, BigInt::one()),
                (Some(start), Some(stop), Some(step)) => (start, stop, step),
                _ => unreachable!("arity checked"),
            };
            if step.is_zero() {
                return i.value_error("range() arg 3 must not be zero");
            }
            Range::new(start, stop, step)
        }
    };
    Ok(i.new_range(r))
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
