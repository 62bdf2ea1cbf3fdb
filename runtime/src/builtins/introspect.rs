//! Introspection builtins: `globals`, `locals`, `vars`, `dir`, `delattr`,
//! `ascii`, and `object.__new__`.

use super::{arity, text, Args, Kwargs, NativeTable};
use crate::error::PyResult;
use crate::interp::{FrameLocals, Interp, NativeFn};
use crate::object::{Dict, Layout, ObjectData};
use crate::value::Value;

/// The methods of `object` itself.
pub(super) fn object_methods() -> NativeTable {
    vec![
        ("__new__", object_new as NativeFn),
        ("__format__", super::format::object_format),
        ("__init_subclass__", object_init_subclass),
    ]
    .into_iter()
    .chain(crate::interp::object_attribute_methods())
    .collect()
}

/// `object.__init_subclass__()`: the end of the `__init_subclass__`
/// chain, which does nothing.
fn object_init_subclass(_: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(Value::NONE)
}

/// The methods of `type` (called on classes).
pub(super) fn type_methods() -> NativeTable {
    vec![("mro", type_mro as NativeFn)]
}

/// `cls.mro()`: the method resolution order as a new list.
fn type_mro(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "mro", args, 1, 1)?;
    let cls = args[0];
    let Some(c) = cls
        .as_object()
        .and_then(|o| o.as_class().map(|c| c.mro_tail().to_vec()))
    else {
        let msg = format!(
            "descriptor 'mro' for 'type' objects doesn't apply to a '{}' object",
            i.type_name(cls)
        );
        return i.type_error(&msg);
    };
    let mut mro = vec![cls];
    mro.extend(c.iter().map(|k| Value::object(*k)));
    Ok(i.new_list(mro))
}

/// `globals()`.
pub(super) fn globals(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "globals", args, 0, 0)?;
    match i.frame_scope() {
        Some((g, _)) => Ok(Value::object(g)),
        None => Ok(i.new_dict(Dict::new())),
    }
}

/// `locals()`: the module or class namespace itself, or a new dict of a
/// function's bound locals.
pub(super) fn locals(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "locals", args, 0, 0)?;
    match i.frame_scope() {
        None => Ok(i.new_dict(Dict::new())),
        Some((g, FrameLocals::Globals)) => Ok(Value::object(g)),
        Some((_, FrameLocals::Namespace(ns))) => Ok(Value::object(ns)),
        Some((_, FrameLocals::Function(pairs))) => {
            // The values are still in the frame (rooted); the keys are new
            // strs, and allocation never collects.
            let mut d = Dict::new();
            for (name, v) in pairs {
                let key = i.new_str(&name);
                d.insert(key, v).expect("str keys hash");
            }
            Ok(i.new_dict(d))
        }
    }
}

/// `vars([obj])`: `locals()`, or `obj.__dict__`.
pub(super) fn vars(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "vars", args, 0, 1)?;
    let Some(obj) = args.first().copied() else {
        return locals(i, args, kwargs);
    };
    match obj.data() {
        Some(ObjectData::Module(m)) => return Ok(Value::object(m.dict())),
        Some(ObjectData::Dict(_)) => {}
        _ => {}
    }
    let key = i.new_str("__dict__");
    match i.get_attr(obj, key) {
        Ok(d) => Ok(d),
        Err(e) if i.isinstance(e.0, i.rt.types.attribute_error) => {
            i.type_error("vars() argument must have __dict__ attribute")
        }
        Err(e) => Err(e),
    }
}

/// The keys of a dict object that are strs.
fn str_keys(v: Value, out: &mut Vec<String>) {
    if let Some(ObjectData::Dict(d)) = v.data() {
        let keys: Vec<Value> = d.lock().items().map(|(k, _)| k).collect();
        for k in keys {
            if let Some(s) = k
                .as_object()
                .and_then(|o| o.as_str().map(|s| s.as_str().to_string()))
            {
                out.push(s);
            }
        }
    }
}

/// The attribute names of a class and its bases.
fn class_names(class: stillpoint_gc::Gc<crate::object::PyObject>, out: &mut Vec<String>) {
    let Some(c) = class.as_class() else { return };
    let mut chain = vec![class];
    chain.extend(c.mro_tail().iter());
    for k in chain {
        if let Some(kc) = k.as_class() {
            let keys: Vec<Value> = kc.dict.lock().items().map(|(k, _)| k).collect();
            for key in keys {
                if let Some(s) = key
                    .as_object()
                    .and_then(|o| o.as_str().map(|s| s.as_str().to_string()))
                {
                    out.push(s);
                }
            }
        }
    }
    for dunder in ["__class__", "__doc__", "__module__", "__dict__"] {
        out.push(dunder.to_string());
    }
}

/// `dir([obj])`: the sorted attribute names.
pub(super) fn dir(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "dir", args, 0, 1)?;
    let mut names = Vec::new();
    match args.first().copied() {
        None => {
            let scope = locals(i, args, kwargs)?;
            str_keys(scope, &mut names);
        }
        Some(obj) => {
            let class = i.class_of(obj);
            if let Some(f) = i
                .lookup(class, "__dir__")
                .filter(|_| matches!(obj.data(), Some(ObjectData::Instance(_))))
            {
                let r = i.call_value(f, &[obj], &[])?;
                let mark = i.push_root(r);
                let items = i.collect_iterable(r);
                i.truncate_roots(mark);
                let items = items?;
                let mark = i.root_all(&items);
                let list = i.new_list(items);
                i.push_root(list);
                let sorted = super::sorted(i, &[list], &[]);
                i.truncate_roots(mark);
                return sorted;
            }
            match obj.data() {
                Some(ObjectData::Module(m)) => str_keys(Value::object(m.dict()), &mut names),
                Some(ObjectData::Class(_)) => {
                    class_names(obj.as_object().expect("a class"), &mut names)
                }
                Some(ObjectData::Instance(attrs)) => {
                    let keys: Vec<Value> = match attrs.dict() {
                        Some(d) => d.lock().items().map(|(k, _)| k).collect(),
                        None => Vec::new(),
                    };
                    for k in keys {
                        if let Some(s) = i.str_of(k) {
                            names.push(s);
                        }
                    }
                    class_names(class, &mut names);
                }
                _ => class_names(class, &mut names),
            }
        }
    }
    names.sort();
    names.dedup();
    let items = names.iter().map(|n| i.new_str(n)).collect();
    Ok(i.new_list(items))
}

/// `delattr(obj, name)`: `del obj.name`.
pub(super) fn delattr(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "delattr", args, 2, 2)?;
    text(i, args[1], "attribute name")?;
    i.del_attr(args[0], args[1])?;
    Ok(Value::NONE)
}

/// `ascii(obj)`: the repr with non-ASCII characters escaped.
pub(super) fn ascii(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "ascii", args, 1, 1)?;
    let r = i.repr(args[0])?;
    Ok(i.new_str(&super::format::ascii_escape(&r)))
}

/// `object.__new__(cls)`: a bare instance of `cls` (no `__init__` run).
fn object_new(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let Some(cls) = args.first().and_then(|v| v.as_object()) else {
        return i.type_error("object.__new__(): not enough arguments");
    };
    let Some(c) = cls.as_class() else {
        let msg = format!(
            "object.__new__(X): X is not a type object ({})",
            i.type_name(args[0])
        );
        return i.type_error(&msg);
    };
    if c.layout != Layout::Instance {
        let msg = format!(
            "object.__new__({}) is not safe, use {}.__new__()",
            c.name, c.name
        );
        return i.type_error(&msg);
    }
    Ok(i.new_instance(cls))
}
