//! Iteration builtins: the lazy iterators (`zip`, `map`, `filter`,
//! `enumerate`, `reversed`, `iter(func, sentinel)`), `iter`, `next`,
//! `any` and `all`.
//!
//! A lazy iterator is an `ObjectData::Iterator` whose (locked) state is
//! [`IterState::Lazy`]. Stepping it advances other iterators and calls
//! functions, which may run Python code and reach safepoints, so
//! [`lazy_next`] copies what it needs out of the state and releases the
//! lock first (the lock rule), then writes the new position back.

use stillpoint_gc::{Gc, Trace, Tracer};

use super::{arity, kwarg, no_kwargs, Args, Kwargs};
use crate::error::{PyErr, PyResult};
use crate::interp::Interp;
use crate::object::{Dict, IterState, IteratorData, ObjectData, PyObject};
use crate::value::Value;

/// The state of a lazy builtin iterator.
pub enum LazyIter {
    /// `zip(*iterables, strict=False)`.
    Zip {
        /// One iterator per argument.
        iters: Box<[Value]>,
        /// Whether unequal lengths raise ValueError.
        strict: bool,
    },
    /// `map(func, *iterables)`.
    Map {
        /// The function.
        func: Value,
        /// One iterator per iterable.
        iters: Box<[Value]>,
    },
    /// `filter(func, iterable)`; a None func keeps the true items.
    Filter {
        /// The predicate, or None.
        func: Value,
        /// The iterator.
        iter: Value,
    },
    /// `enumerate(iterable, start)`.
    Enumerate {
        /// The iterator.
        iter: Value,
        /// The next count.
        count: i64,
    },
    /// `reversed(seq)` over a list, tuple or an object with `__len__` and
    /// `__getitem__`: `remaining` items are left, the next is at
    /// `remaining - 1`.
    Reversed {
        /// The sequence.
        seq: Value,
        /// How many items are left.
        remaining: usize,
    },
    /// `iter(func, sentinel)`: calls `func` until it returns `sentinel`.
    Callable {
        /// The function.
        func: Value,
        /// The value that ends the iteration.
        sentinel: Value,
    },
    /// The old sequence protocol: `seq[0]`, `seq[1]`, ... until IndexError
    /// (`iter()` of an object with `__getitem__` but no `__iter__`).
    GetItem {
        /// The sequence.
        seq: Value,
        /// The next index.
        index: i64,
    },
    /// Iteration over `dict.values()` / `dict.items()`, by entry index.
    DictView {
        /// The dict.
        dict: Value,
        /// The next entry index.
        index: usize,
        /// Yield (key, value) tuples rather than values.
        items: bool,
    },
}

// SAFETY: traces every value the iterator holds.
unsafe impl Trace for LazyIter {
    fn trace(&self, tracer: &mut Tracer) {
        match self {
            LazyIter::Zip { iters, .. } => iters.trace(tracer),
            LazyIter::Map { func, iters } => {
                func.trace(tracer);
                iters.trace(tracer);
            }
            LazyIter::Filter { func, iter } => {
                func.trace(tracer);
                iter.trace(tracer);
            }
            LazyIter::Enumerate { iter, .. } => iter.trace(tracer),
            LazyIter::Reversed { seq, .. } => seq.trace(tracer),
            LazyIter::Callable { func, sentinel } => {
                func.trace(tracer);
                sentinel.trace(tracer);
            }
            LazyIter::DictView { dict, .. } => dict.trace(tracer),
            LazyIter::GetItem { seq, .. } => seq.trace(tracer),
        }
    }
}

/// A new lazy iterator object of `class`.
pub(crate) fn new_lazy(i: &Interp<'_>, class: Gc<PyObject>, state: LazyIter) -> Value {
    Value::object(i.alloc(class, ObjectData::Iterator(IterState::Lazy(state).into())))
}

/// Runs `f` on the lazy state of `it` under its lock (no Python code may
/// run inside `f`). `None` once the iterator is exhausted.
fn with_state<R>(it: Value, f: impl FnOnce(&mut LazyIter) -> R) -> Option<R> {
    match it.data() {
        Some(ObjectData::Iterator(IteratorData::Locked(state))) => match &mut *state.lock() {
            IterState::Lazy(lazy) => Some(f(lazy)),
            _ => None,
        },
        _ => None,
    }
}

/// Marks `it` exhausted.
fn finish(it: Value) {
    if let Some(ObjectData::Iterator(IteratorData::Locked(state))) = it.data() {
        *state.lock() = IterState::Done;
    }
}

/// A snapshot of what one step needs (copied out under the lock).
enum Step {
    Zip(Box<[Value]>, bool),
    Map(Value, Box<[Value]>),
    Filter(Value, Value),
    Enumerate(Value, i64),
    Reversed(Value, usize),
    Callable(Value, Value),
    DictView(Value, usize, bool),
    /// A dict view's item already read (key, value, whether the view
    /// yields pairs).
    DictEntry(Value, Value, bool),
    /// A dict view past its last entry.
    DictEnd,
    GetItem(Value, i64),
}

/// The next item of a lazy iterator (`it` is rooted by the caller).
pub fn lazy_next(i: &mut Interp<'_>, it: Value) -> PyResult<Option<Value>> {
    let step = with_state(it, |s| match s {
        LazyIter::Zip { iters, strict } => Step::Zip(iters.clone(), *strict),
        LazyIter::Map { func, iters } => Step::Map(*func, iters.clone()),
        LazyIter::Filter { func, iter } => Step::Filter(*func, *iter),
        LazyIter::Enumerate { iter, count } => {
            let c = *count;
            *count = count.saturating_add(1);
            Step::Enumerate(*iter, c)
        }
        LazyIter::Reversed { seq, remaining } => {
            let r = *remaining;
            *remaining = remaining.saturating_sub(1);
            Step::Reversed(*seq, r)
        }
        LazyIter::Callable { func, sentinel } => Step::Callable(*func, *sentinel),
        LazyIter::DictView { dict, index, items } => match dict_view_next(*dict, index) {
            Some(Some((key, value))) => Step::DictEntry(key, value, *items),
            Some(None) => Step::DictEnd,
            None => Step::DictView(*dict, *index, *items),
        },
        LazyIter::GetItem { seq, index } => {
            let n = *index;
            *index = index.saturating_add(1);
            Step::GetItem(*seq, n)
        }
    });
    let Some(step) = step else {
        return Ok(None);
    };
    let mark = i.root_mark();
    let result = step_once(i, it, step);
    i.truncate_roots(mark);
    if let Ok(None) = result {
        finish(it);
    }
    result
}

/// The entry of `dict` (a dict view's) at position `*index` or later, read
/// without the dict's lock, moving `index` past it: `Some(None)` past the
/// last one; `None` when a writer was busy or `dict` has no table (the
/// view then steps under the dict's lock, `Step::DictView`).
fn dict_view_next(dict: Value, index: &mut usize) -> Option<Option<(Value, Value)>> {
    let table = dict.as_ref()?.dict_table()?;
    let found = Dict::entry_from_unlocked(table, *index)?;
    Some(found.map(|(next, key, value)| {
        *index = next;
        (key, value)
    }))
}

/// A dict view's next item, taken under its iterator's lock (which the
/// caller holds: `lazy` is the state it guards) with no other lock:
/// `Some(Some(item))`, `Some(None)` when the view is exhausted, `None` when
/// `lazy` is not a dict view or the dict was being written (the caller
/// steps it with `lazy_next`).
pub(crate) fn dict_view_step(i: &Interp<'_>, lazy: &mut LazyIter) -> Option<Option<Value>> {
    let LazyIter::DictView { dict, index, items } = lazy else {
        return None;
    };
    let entry = dict_view_next(*dict, index)?;
    Some(entry.map(|(key, value)| dict_item(i, key, value, *items)))
}

/// What a dict view yields for the entry `k: v`: the pair, or the value.
fn dict_item(i: &Interp<'_>, k: Value, v: Value, items: bool) -> Value {
    if items {
        i.new_tuple_of(Box::new([k, v]))
    } else {
        v
    }
}

/// One step; roots pushed here are released by [`lazy_next`].
fn step_once(i: &mut Interp<'_>, it: Value, step: Step) -> PyResult<Option<Value>> {
    match step {
        Step::Zip(iters, strict) => {
            let mut items = Vec::with_capacity(iters.len());
            for (n, sub) in iters.iter().enumerate() {
                match i.iter_next(*sub)? {
                    Some(v) => {
                        i.push_root(v);
                        items.push(v);
                    }
                    None if strict => return zip_strict_error(i, &iters, n),
                    None => return Ok(None),
                }
            }
            if items.is_empty() {
                return Ok(None);
            }
            Ok(Some(i.new_tuple(items)))
        }
        Step::Map(func, iters) => {
            let mut args = Vec::with_capacity(iters.len());
            for sub in iters.iter() {
                match i.iter_next(*sub)? {
                    Some(v) => {
                        i.push_root(v);
                        args.push(v);
                    }
                    None => return Ok(None),
                }
            }
            i.call_value(func, &args, &[]).map(Some)
        }
        Step::Filter(func, sub) => loop {
            let Some(v) = i.iter_next(sub)? else {
                return Ok(None);
            };
            let mark = i.push_root(v);
            let keep = if func.is_none() {
                i.is_true(v)?
            } else {
                let r = i.call_value(func, &[v], &[])?;
                i.is_true(r)?
            };
            i.truncate_roots(mark);
            if keep {
                return Ok(Some(v));
            }
        },
        Step::Enumerate(sub, count) => {
            let Some(v) = i.iter_next(sub)? else {
                return Ok(None);
            };
            i.push_root(v);
            let n = i.new_int(count);
            Ok(Some(i.new_tuple(vec![n, v])))
        }
        Step::Reversed(seq, remaining) => {
            if remaining == 0 {
                return Ok(None);
            }
            let index = remaining - 1;
            let item = match seq.builtin_data() {
                Some(ObjectData::List(l)) => {
                    let l = l.lock();
                    // A list that shrank below the position ends the walk.
                    if index >= l.len() {
                        return Ok(None);
                    }
                    Some(l[index])
                }
                Some(ObjectData::Tuple(t)) => t.get(index).copied(),
                _ => None,
            };
            if let Some(v) = item {
                return Ok(Some(v));
            }
            let key = i.new_int(index as i64);
            match i.get_item(seq, key) {
                Ok(v) => Ok(Some(v)),
                Err(e)
                    if i.isinstance(e.0, i.rt.types.index_error)
                        || i.isinstance(e.0, i.rt.types.stop_iteration) =>
                {
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        }
        Step::GetItem(seq, index) => {
            let key = i.new_int(index);
            match i.get_item(seq, key) {
                Ok(v) => Ok(Some(v)),
                Err(e) if i.isinstance(e.0, i.rt.types.index_error) => Ok(None),
                Err(e) => Err(e),
            }
        }
        Step::Callable(func, sentinel) => {
            let v = i.call_value(func, &[], &[])?;
            i.push_root(v);
            Ok((!i.eq(v, sentinel)?).then_some(v))
        }
        Step::DictView(dict, index, items) => {
            let entry = match dict.as_ref().and_then(|o| o.dict_table()) {
                Some(d) => d.lock().entry_from(index),
                None => None,
            };
            let Some((next, k, v)) = entry else {
                return Ok(None);
            };
            with_state(it, |s| {
                if let LazyIter::DictView { index, .. } = s {
                    *index = next;
                }
            });
            Ok(Some(dict_item(i, k, v, items)))
        }
        Step::DictEntry(k, v, items) => Ok(Some(dict_item(i, k, v, items))),
        Step::DictEnd => Ok(None),
    }
}

/// CPython's error for `zip(strict=True)` when argument `n` ran out first
/// (or, for `n == 0`, when a later one is longer).
fn zip_strict_error(i: &mut Interp<'_>, iters: &[Value], n: usize) -> PyResult<Option<Value>> {
    if n > 0 {
        let plural = if n == 1 { " " } else { "s 1-" };
        let msg = format!(
            "zip() argument {} is shorter than argument{plural}{n}",
            n + 1
        );
        return i.value_error(&msg);
    }
    for (m, sub) in iters.iter().enumerate().skip(1) {
        if let Some(v) = i.iter_next(*sub)? {
            i.push_root(v);
            let plural = if m == 1 { " " } else { "s 1-" };
            let msg = format!(
                "zip() argument {} is longer than argument{plural}{m}",
                m + 1
            );
            return i.value_error(&msg);
        }
    }
    Ok(None)
}

/// The iterators of `iterables`, each rooted as it is made (the caller
/// truncates).
fn iterators_of(i: &mut Interp<'_>, iterables: &[Value]) -> PyResult<Vec<Value>> {
    let mut iters = Vec::with_capacity(iterables.len());
    for v in iterables {
        let it = i.get_iter(*v)?;
        i.push_root(it);
        iters.push(it);
    }
    Ok(iters)
}

/// `zip(...)`.
pub(super) fn construct_zip(
    i: &mut Interp<'_>,
    args: Args<'_>,
    kwargs: Kwargs<'_>,
) -> PyResult<Value> {
    let mut strict = false;
    for (k, v) in kwargs {
        if i.str_of(*k).as_deref() == Some("strict") {
            strict = i.is_true(*v)?;
        } else {
            return i.type_error("zip() takes no keyword arguments other than 'strict'");
        }
    }
    let mark = i.root_mark();
    let iters = iterators_of(i, args);
    // No safepoint between here and the allocation below.
    i.truncate_roots(mark);
    let state = LazyIter::Zip {
        iters: iters?.into(),
        strict,
    };
    Ok(new_lazy(i, i.rt.types.zip, state))
}

/// `map(func, *iterables)`.
pub(super) fn construct_map(
    i: &mut Interp<'_>,
    args: Args<'_>,
    kwargs: Kwargs<'_>,
) -> PyResult<Value> {
    no_kwargs(i, "map", kwargs)?;
    if args.len() < 2 {
        return i.type_error("map() must have at least two arguments.");
    }
    let mark = i.root_mark();
    let iters = iterators_of(i, &args[1..]);
    i.truncate_roots(mark);
    let state = LazyIter::Map {
        func: args[0],
        iters: iters?.into(),
    };
    Ok(new_lazy(i, i.rt.types.map, state))
}

/// `filter(func, iterable)`.
pub(super) fn construct_filter(
    i: &mut Interp<'_>,
    args: Args<'_>,
    kwargs: Kwargs<'_>,
) -> PyResult<Value> {
    no_kwargs(i, "filter", kwargs)?;
    arity(i, "filter", args, 2, 2)?;
    let iter = i.get_iter(args[1])?;
    let state = LazyIter::Filter {
        func: args[0],
        iter,
    };
    Ok(new_lazy(i, i.rt.types.filter, state))
}

/// `enumerate(iterable, start=0)`.
pub(super) fn construct_enumerate(
    i: &mut Interp<'_>,
    args: Args<'_>,
    kwargs: Kwargs<'_>,
) -> PyResult<Value> {
    let iterable = match args
        .first()
        .copied()
        .or_else(|| kwarg(i, kwargs, "iterable"))
    {
        Some(v) => v,
        None => return i.type_error("enumerate() missing required argument 'iterable'"),
    };
    if args.len() > 2 {
        let msg = format!(
            "enumerate() takes at most 2 arguments ({} given)",
            args.len()
        );
        return i.type_error(&msg);
    }
    let start = args.get(1).copied().or_else(|| kwarg(i, kwargs, "start"));
    let count = match start {
        None => 0,
        Some(s) => match (!s.is_float()).then(|| i.as_i64(s)).flatten() {
            Some(n) => n,
            None => {
                let msg = format!(
                    "'{}' object cannot be interpreted as an integer",
                    i.type_name(s)
                );
                return i.type_error(&msg);
            }
        },
    };
    let iter = i.get_iter(iterable)?;
    Ok(new_lazy(
        i,
        i.rt.types.enumerate,
        LazyIter::Enumerate { iter, count },
    ))
}

/// An iterator over a new tuple of `items`.
fn iter_over(i: &mut Interp<'_>, items: Vec<Value>) -> PyResult<Value> {
    let tuple = i.new_tuple(items);
    let mark = i.push_root(tuple);
    let it = i.get_iter(tuple);
    i.truncate_roots(mark);
    it
}

/// `reversed(seq)`.
pub(super) fn construct_reversed(
    i: &mut Interp<'_>,
    args: Args<'_>,
    kwargs: Kwargs<'_>,
) -> PyResult<Value> {
    no_kwargs(i, "reversed", kwargs)?;
    arity(i, "reversed", args, 1, 1)?;
    let seq = args[0];
    let t = i.rt.types;
    if let Some(f) = i.subclass_override(seq, "__reversed__") {
        return i.call_value(f, &[seq], &[]);
    }
    match seq.builtin_data() {
        Some(ObjectData::List(l)) => {
            let remaining = l.lock().len();
            return Ok(new_lazy(
                i,
                t.reversed,
                LazyIter::Reversed { seq, remaining },
            ));
        }
        Some(ObjectData::Tuple(items)) => {
            let remaining = items.len();
            return Ok(new_lazy(
                i,
                t.reversed,
                LazyIter::Reversed { seq, remaining },
            ));
        }
        Some(ObjectData::Range(r)) => {
            return Ok(i.new_iterator(r.iterator(true)));
        }
        Some(ObjectData::Str(s)) => {
            let chars: Vec<char> = s.as_str().chars().rev().collect();
            // Allocation never collects: the strs need no rooting.
            let items = chars
                .into_iter()
                .map(|c| i.new_str(c.encode_utf8(&mut [0u8; 4])))
                .collect();
            return iter_over(i, items);
        }
        Some(ObjectData::Dict(_) | ObjectData::AttrDict(_)) => {
            let d = seq.as_ref().and_then(|o| o.dict_table()).expect("a dict");
            let mut keys: Vec<Value> = d.lock().items().map(|(k, _)| k).collect();
            keys.reverse();
            return iter_over(i, keys);
        }
        _ => {}
    }
    let class = i.class_of(seq);
    if let Some(f) = i.lookup(class, "__reversed__") {
        return i.call_value(f, &[seq], &[]);
    }
    if i.lookup(class, "__getitem__").is_some() && i.lookup(class, "__len__").is_some() {
        let remaining = i.len(seq)?;
        return Ok(new_lazy(
            i,
            t.reversed,
            LazyIter::Reversed { seq, remaining },
        ));
    }
    let msg = format!("'{}' object is not reversible", i.type_name(seq));
    i.type_error(&msg)
}

/// `iter(obj)` / `iter(callable, sentinel)`.
pub(super) fn iter(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "iter", args, 1, 2)?;
    if args.len() == 2 {
        let state = LazyIter::Callable {
            func: args[0],
            sentinel: args[1],
        };
        return Ok(new_lazy(i, i.rt.types.iterator, state));
    }
    i.get_iter(args[0])
}

/// `next(it[, default])`; a generator's return value becomes the
/// StopIteration's value.
pub(super) fn next(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    arity(i, "next", args, 1, 2)?;
    let it = args[0];
    let is_iterator = match it.data() {
        Some(ObjectData::Iterator(_) | ObjectData::Generator(_)) => true,
        Some(ObjectData::Instance(_)) => i.lookup(i.class_of(it), "__next__").is_some(),
        _ => false,
    };
    if !is_iterator {
        let msg = format!("'{}' object is not an iterator", i.type_name(it));
        return i.type_error(&msg);
    }
    if let Some(ObjectData::Generator(_)) = it.data() {
        // Resume through `send(None)`, which raises StopIteration carrying
        // the return value.
        let send = i.new_str("send");
        let method = i.get_attr(it, send)?;
        let mark = i.push_root(method);
        let r = i.call_value(method, &[Value::NONE], &[]);
        i.truncate_roots(mark);
        return match r {
            Err(e) if args.len() == 2 && i.isinstance(e.0, i.rt.types.stop_iteration) => {
                Ok(args[1])
            }
            r => r,
        };
    }
    match i.iter_next(it)? {
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

/// `any(iterable)` / `all(iterable)`: stops at the first item whose truth
/// is `stop_on`.
fn any_all(i: &mut Interp<'_>, args: Args<'_>, name: &str, stop_on: bool) -> PyResult<Value> {
    arity(i, name, args, 1, 1)?;
    let it = i.get_iter(args[0])?;
    let mark = i.push_root(it);
    let result = (|| {
        while let Some(v) = i.iter_next(it)? {
            if i.is_true(v)? == stop_on {
                return Ok(Value::bool(stop_on));
            }
        }
        Ok(Value::bool(!stop_on))
    })();
    i.truncate_roots(mark);
    result
}

/// `any(iterable)`.
pub(super) fn any(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    any_all(i, args, "any", true)
}

/// `all(iterable)`.
pub(super) fn all(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    any_all(i, args, "all", false)
}
