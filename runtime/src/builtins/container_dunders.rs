//! The dunder methods of `list` and `dict` that Python subclasses inherit:
//! what `super().__init__(...)`, `super().__getitem__(k)` and friends
//! reach, and what `list.__len__(x)` names. Each runs the builtin
//! operation itself, never a subclass's Python override of it (the
//! operators call those: `Interp::subclass_override`).

use super::{arity, dict, Args, Kwargs, NativeTable};
use crate::error::PyResult;
use crate::interp::{Interp, NativeFn};
use crate::value::Value;

/// The dunders of `list` (`DICT` false) or `dict` (`DICT` true).
pub(super) fn container_dunders<const DICT: bool>() -> NativeTable {
    vec![
        (
            "__init__",
            if DICT {
                dict_init as NativeFn
            } else {
                list_init
            },
        ),
        ("__repr__", repr::<DICT>),
        ("__len__", len::<DICT>),
        ("__getitem__", get_item::<DICT>),
        ("__setitem__", set_item::<DICT>),
        ("__delitem__", del_item::<DICT>),
        ("__contains__", contains::<DICT>),
        ("__iter__", iter::<DICT>),
    ]
}

/// Checks that `args` is a receiver of the right builtin (a list or a
/// dict, or an instance of a subclass) followed by `min..=max` arguments.
fn receiver<const DICT: bool>(
    i: &mut Interp<'_>,
    args: Args<'_>,
    name: &str,
    min: usize,
    max: usize,
) -> PyResult<Value> {
    let fits = args.first().and_then(|v| v.as_ref()).is_some_and(|o| {
        if DICT {
            o.dict_table().is_some()
        } else {
            o.list_items().is_some()
        }
    });
    if !fits {
        let owner = if DICT { "dict" } else { "list" };
        let msg = match args.first() {
            Some(v) => format!(
                "descriptor '{name}' requires a '{owner}' object but received a '{}'",
                i.type_name(*v)
            ),
            None => format!("descriptor '{name}' of '{owner}' object needs an argument"),
        };
        return i.type_error(&msg);
    }
    arity(i, name, &args[1..], min, max)?;
    Ok(args[0])
}

/// `list.__init__(self, iterable=())`: the list's items become those of
/// `iterable`.
fn list_init(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    super::no_kwargs(i, "list", kwargs)?;
    let this = receiver::<false>(i, args, "__init__", 0, usize::MAX)?;
    arity(i, "list", &args[1..], 0, 1)?;
    let items = match args.get(1) {
        Some(v) => i.collect_iterable(*v)?,
        None => Vec::new(),
    };
    super::with_list(this, |l| l.replace(&items));
    Ok(Value::NONE)
}

/// `dict.__init__(self, source=(), **kwargs)`: adds the pairs of `source`
/// and the keyword arguments.
fn dict_init(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let this = receiver::<true>(i, args, "__init__", 0, usize::MAX)?;
    arity(i, "dict", &args[1..], 0, 1)?;
    dict::update(i, this, args.get(1).copied(), kwargs)
}

fn repr<const DICT: bool>(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let this = receiver::<DICT>(i, args, "__repr__", 0, 0)?;
    let text = i.builtin_repr(this)?;
    Ok(i.new_str(&text))
}

fn len<const DICT: bool>(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let this = receiver::<DICT>(i, args, "__len__", 0, 0)?;
    let n = i.builtin_len(this)?;
    Ok(i.new_int(n as i64))
}

fn get_item<const DICT: bool>(
    i: &mut Interp<'_>,
    args: Args<'_>,
    _: Kwargs<'_>,
) -> PyResult<Value> {
    let this = receiver::<DICT>(i, args, "__getitem__", 1, 1)?;
    i.builtin_get_item(this, args[1])
}

fn set_item<const DICT: bool>(
    i: &mut Interp<'_>,
    args: Args<'_>,
    _: Kwargs<'_>,
) -> PyResult<Value> {
    let this = receiver::<DICT>(i, args, "__setitem__", 2, 2)?;
    i.builtin_set_item(this, args[1], args[2])?;
    Ok(Value::NONE)
}

fn del_item<const DICT: bool>(
    i: &mut Interp<'_>,
    args: Args<'_>,
    _: Kwargs<'_>,
) -> PyResult<Value> {
    let this = receiver::<DICT>(i, args, "__delitem__", 1, 1)?;
    i.builtin_del_item(this, args[1])?;
    Ok(Value::NONE)
}

fn contains<const DICT: bool>(
    i: &mut Interp<'_>,
    args: Args<'_>,
    _: Kwargs<'_>,
) -> PyResult<Value> {
    let this = receiver::<DICT>(i, args, "__contains__", 1, 1)?;
    Ok(Value::bool(i.builtin_contains(this, args[1])?))
}

fn iter<const DICT: bool>(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let this = receiver::<DICT>(i, args, "__iter__", 0, 0)?;
    i.builtin_iter(this)
}
