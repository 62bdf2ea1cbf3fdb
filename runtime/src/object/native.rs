//! Container operations without dispatch, for the specialized forms of
//! tier 1 and the micro-ops of tier 2: each is atomic under the
//! container's lock and returns `None`/false when the operands are not
//! what it handles (the caller then deoptimizes or leaves its executor).

use super::{IteratorData, ListItems, Mutex, ObjectData};
use crate::value::Value;

/// The next value of a range iterator that stays an inline int:
/// `Some(Some(v))`, `Some(None)` when exhausted, `None` when `it` is not
/// such an iterator (or its next value would not be inline; nothing is
/// consumed then).
#[inline]
pub fn range_next(it: Value) -> Option<Option<Value>> {
    match it.data()? {
        ObjectData::Iterator(IteratorData::Range(cursor)) => cursor.step(Value::try_int),
        _ => None,
    }
}

/// The next item of a list or tuple iterator: as [`range_next`].
#[inline]
pub fn sequence_next(it: Value) -> Option<Option<Value>> {
    match it.data()? {
        ObjectData::Iterator(IteratorData::Sequence(cursor)) => Some(cursor.next()),
        _ => None,
    }
}

/// `list.append(item)` for the list a comprehension builds (`ListAppend`).
pub fn list_append(list: Value, item: Value) {
    if let Some(ObjectData::List(l)) = list.data() {
        l.lock().push(item);
    }
}

/// `index` as a position in a sequence of `len` items (negative from the
/// end), if it is one.
fn position(index: i64, len: usize) -> Option<usize> {
    let i = if index < 0 { index + len as i64 } else { index };
    usize::try_from(i).ok().filter(|k| *k < len)
}

/// `container[key]` for an exact list or tuple and an inline int key in
/// range; `None` otherwise (the generic operation decides). Always inlined
/// (tier 2's subscript is this): the lock-free read of a list item, a
/// few loads, would cost less than the call.
#[inline(always)]
pub fn sequence_item(container: Value, key: Value) -> Option<Value> {
    let i = key.as_inline_int()?;
    match container.data()? {
        ObjectData::List(l) => {
            // Without the lock when no writer is busy (a negative index
            // needs the length: the locked path).
            if let Some(v) = usize::try_from(i)
                .ok()
                .and_then(|k| ListItems::get_unlocked(l, k))
            {
                return Some(v);
            }
            list_item_locked(l, i)
        }
        ObjectData::Tuple(t) => position(i, t.len()).map(|k| t[k]),
        _ => None,
    }
}

/// `sequence_item` of a list under its lock: a negative index, or a
/// writer was busy.
#[cold]
#[inline(never)]
fn list_item_locked(list: &Mutex<ListItems>, i: i64) -> Option<Value> {
    let items = list.lock();
    position(i, items.len()).map(|k| items[k])
}

/// `container[key] = value` for an exact list and an inline int key in
/// range; false otherwise (nothing stored).
pub fn list_store(container: Value, key: Value, value: Value) -> bool {
    let (Some(ObjectData::List(l)), Some(i)) = (container.data(), key.as_inline_int()) else {
        return false;
    };
    let mut items = l.lock();
    match position(i, items.len()) {
        Some(k) => {
            items.set(k, value);
            true
        }
        None => false,
    }
}

/// The truth of `v` where no Python code decides it (a bool, None, a
/// number, an exact str, tuple, list, dict, set or range); `None` for
/// anything that may have `__bool__` or `__len__`. A bool, the common
/// case (conditions are mostly comparisons), is answered inline.
#[inline]
pub fn truth(v: Value) -> Option<bool> {
    match v.as_bool() {
        Some(b) => Some(b),
        None => truth_of_other(v),
    }
}

/// [`truth`] of anything but a bool.
fn truth_of_other(v: Value) -> Option<bool> {
    use crate::value::Unpacked;
    Some(match v.unpack() {
        Unpacked::Bool(b) => b,
        Unpacked::None => false,
        Unpacked::Int(i) => i != 0,
        Unpacked::Float(f) => f != 0.0,
        Unpacked::Object(o) => match &o.data {
            ObjectData::Str(s) => !s.as_str().is_empty(),
            ObjectData::Tuple(t) => !t.is_empty(),
            ObjectData::List(l) => !l.lock().is_empty(),
            ObjectData::Dict(d) => !d.lock().is_empty(),
            ObjectData::Set(t) => !t.lock().is_empty(),
            ObjectData::Range(r) => !r.is_empty(),
            _ => return None,
        },
        Unpacked::Null | Unpacked::Unbound => return None,
    })
}

/// Whether `v` hashes and compares natively (an int, float or str): a
/// table operation with it runs no Python code.
pub fn native_key(v: Value) -> bool {
    v.as_inline_int().is_some() || v.is_float() || is_str(v)
}

/// Whether `v` is an exact str.
pub fn is_str(v: Value) -> bool {
    matches!(v.data(), Some(ObjectData::Str(_)))
}

/// `dict[key]` for an exact dict holding the native key `key`; `None`
/// otherwise (the generic operation decides, or raises KeyError).
#[inline]
pub fn dict_item(container: Value, key: Value) -> Option<Value> {
    let ObjectData::Dict(d) = container.data()? else {
        return None;
    };
    if !native_key(key) {
        return None;
    }
    let hash = super::dict::hash_value(key).ok()?;
    let found = d.lock().get_hashed(hash, key);
    found
}

/// `key in container` for an exact dict or set and a native key; `None`
/// otherwise.
pub fn contains(container: Value, key: Value) -> Option<bool> {
    if !native_key(key) {
        return None;
    }
    let hash = super::dict::hash_value(key).ok()?;
    match container.data()? {
        ObjectData::Dict(d) => Some(d.lock().get_hashed(hash, key).is_some()),
        ObjectData::Set(t) => Some(t.lock().contains_hashed(hash, key)),
        _ => None,
    }
}

/// `f` on the live table of `set` with `key` and its hash, when no Python
/// code could take part: `set` a set (not frozen) and `key` native (no
/// `__hash__` or `__eq__` to run). `None`, having done nothing, otherwise.
#[inline]
fn with_set_key<R>(
    set: Value,
    key: Value,
    f: impl FnOnce(&mut super::SetTable, i64, Value) -> R,
) -> Option<R> {
    if !native_key(key) {
        return None;
    }
    let hash = super::dict::hash_value(key).ok()?;
    let ObjectData::Set(t) = set.data()? else {
        return None;
    };
    let mut t = t.lock();
    if t.is_frozen() {
        return None;
    }
    Some(f(&mut t, hash, key))
}

/// Adds `item` to the set `set` when `item` is a native key (`SetAdd`,
/// `set.add`); false (nothing done) otherwise.
#[inline]
pub fn set_add(set: Value, item: Value) -> bool {
    with_set_key(set, item, |t, hash, key| t.add_hashed(hash, key)).is_some()
}

/// Removes `item` from the set `set` if there, when `item` is a native
/// key (`set.discard`); false (nothing done) otherwise.
#[inline]
pub fn set_discard(set: Value, item: Value) -> bool {
    with_set_key(set, item, |t, hash, key| t.discard_hashed(hash, key)).is_some()
}

/// The two items of an exact tuple of two.
pub fn two_tuple(seq: Value) -> Option<[Value; 2]> {
    match seq.data()? {
        ObjectData::Tuple(t) => match **t {
            [first, second] => Some([first, second]),
            _ => None,
        },
        _ => None,
    }
}
