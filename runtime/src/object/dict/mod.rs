//! [`Dict`]: an insertion-ordered hash table keyed by Python hash and
//! equality (CPython's compact layout: an entry vector in insertion order
//! plus an open-addressed index table).
//!
//! Small dicts — every instance's attribute dict, nearly always — keep no
//! index table: a dict whose table would have at most [`SMALL_TABLE`]
//! slots holds at most 10 entry slots, and a lookup scans them, comparing
//! the stored hash first, then the key, as a probe does. The table is
//! built only when the dict grows past that, and dropped when compaction
//! brings it back. Whether a table exists never changes an entry's
//! position: the size the table *would* have (`table_size`) alone decides
//! when entries are compacted, exactly as in the always-indexed layout,
//! because tier 1 caches positions (`value_at_str`, `replace_at_str`)
//! under `keys_version`. So creating an instance costs one allocation (the
//! entries, [`FIRST_CAPACITY`] of them reserved at the first insertion)
//! instead of two or three. Entries are 24 bytes: a removed one is marked
//! by a `Value::NULL` key rather than wrapped in an `Option`.
//!
//! Measured (ARCHITECTURE.md, *Decisions*): allocation calls of `raytrace`
//! at `SIZE = 100` under heaptrack fell from 776 k to 452 k at the same
//! peak heap; user time of `raytrace` 3.59 → 3.35 s, the other benchmark
//! programs within noise.
//!
//! Key equality is decided natively ([`keys_equal`]): identity, numeric
//! equality across int/float/bool, str contents and tuples element-wise.
//! Calling Python code here would break the lock rule: keys with a
//! user-defined `__hash__`/`__eq__` are resolved by the interpreter before
//! the table is touched (`crate::interp`'s `user_keys`: the hash is
//! computed by `Interp::hash`, and the stored equal key found with
//! [`Dict::keys_with_hash`] and `==` outside the lock).

use std::ptr;
use std::sync::Arc;

use num_traits::{One, Zero};
use stillpoint_gc::{Trace, Tracer};

use crate::events::{DictWatcher, VersionTag};

use crate::object::lock::{read_optimistically, Mutex};
use crate::object::{hash_bigint, hash_f64, hash_i64, hash_tuple, ObjectData, PyObject, PyStr};
use crate::value::{Unpacked, Value};

mod entries;
mod index_table;
use entries::{Entries, Entry};
use index_table::IndexTable;

/// An index-table slot that never held an entry (ends a probe).
const EMPTY: u32 = u32::MAX;
/// An index-table slot whose entry was removed (a probe goes on).
const DELETED: u32 = u32::MAX - 1;

/// The largest index table a dict does without: such a dict has at most
/// 10 entry slots (the table is rebuilt at two-thirds full), few enough
/// that a linear scan beats hashing into a table it must allocate.
pub const SMALL_TABLE: usize = 16;

/// Entry slots reserved by the first insertion, so an instance's
/// `__init__` adds its first attributes (rarely more than 8) without
/// reallocating.
pub const FIRST_CAPACITY: usize = 8;

/// An insertion-ordered dict.
#[derive(Default)]
pub struct Dict {
    /// The entries in insertion order; a removed one leaves a hole
    /// ([`Entry::HOLE`]) until the next compaction (in [`Dict::grow`]).
    entries: Entries,
    /// The open-addressed index table (entry positions, [`EMPTY`],
    /// [`DELETED`]) of `table_size` slots; empty while `table_size` is at
    /// most [`SMALL_TABLE`] (lookups scan `entries` then).
    indices: IndexTable,
    /// The index table's size whether it is built or not: it alone decides
    /// when entries are compacted, so positions do not depend on whether
    /// the dict is small.
    table_size: u32,
    len: usize,
    /// Changes whenever the set of keys (or their positions) changes, not
    /// when a value is replaced: a cached position stays right while it
    /// holds.
    keys_version: VersionTag,
    /// Set on module dicts: every change fires their event.
    watcher: Option<Arc<DictWatcher>>,
}

/// A key that cannot be hashed (its type name, for the TypeError).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unhashable(pub &'static str);

/// The Python hash of a value, natively (see the module docs).
#[inline]
pub fn hash_value(v: Value) -> Result<i64, Unhashable> {
    // Inline ints, the commonest keys, without the call.
    match v.as_inline_int() {
        Some(i) => Ok(hash_i64(i)),
        None => hash_other(v),
    }
}

/// [`hash_value`] of anything but an inline int.
fn hash_other(v: Value) -> Result<i64, Unhashable> {
    Ok(match v.unpack() {
        Unpacked::Int(i) => hash_i64(i),
        Unpacked::Float(f) => hash_f64(f),
        Unpacked::Bool(b) => b as i64,
        Unpacked::None => 0x5f5f_4e6f_6e65,
        Unpacked::Null | Unpacked::Unbound => 0,
        Unpacked::Object(o) => match &o.data {
            ObjectData::Int(b) => hash_bigint(b),
            ObjectData::Str(s) => s.hash(),
            ObjectData::Tuple(items) => {
                let mut hashes = Vec::with_capacity(items.len());
                for item in items.iter() {
                    hashes.push(hash_value(*item)?);
                }
                hash_tuple(hashes.into_iter(), items.len())
            }
            ObjectData::Range(r) => {
                // Consistent with `Range::same_values`: the length, then the
                // start and step only where they matter.
                let none = hash_value(Value::NONE)?;
                let n = r.len();
                let (start, _, step) = r.bounds();
                let start = if n.is_zero() {
                    none
                } else {
                    hash_bigint(&start)
                };
                let step = if n.is_zero() || n.is_one() {
                    none
                } else {
                    hash_bigint(&step)
                };
                hash_tuple([hash_bigint(&n), start, step].into_iter(), 3)
            }
            ObjectData::List(_) => return Err(Unhashable("list")),
            ObjectData::Dict(_) => return Err(Unhashable("dict")),
            ObjectData::Set(t) => {
                let t = t.lock();
                if !t.is_frozen() {
                    return Err(Unhashable("set"));
                }
                t.hash()
            }
            _ => {
                // Identity hash, as CPython's object.__hash__ (address >> 4).
                (o.into_raw() as u64 >> 4) as i64
            }
        },
    })
}

/// Whether live entry `e`'s key is `key`: the same word (an interned name
/// nearly always), inline, before the general comparison. A hole's NULL key
/// is never a key.
#[inline(always)]
fn same_key(e: &Entry, key: Value) -> bool {
    e.key == key || (e.is_live() && keys_equal(e.key, key))
}

/// Whether two keys are equal, natively (see the module docs).
pub fn keys_equal(a: Value, b: Value) -> bool {
    if a == b {
        // Identical words: equal except for NaN (which dict lookups treat
        // as equal by identity anyway).
        return true;
    }
    let (obj_a, obj_b) = (a.as_object(), b.as_object());
    // Two strs, the commonest keys (not numbers: no cross-type equality).
    if let (Some(ObjectData::Str(s)), Some(ObjectData::Str(t))) = (
        obj_a.as_ref().map(|o| &o.data),
        obj_b.as_ref().map(|o| &o.data),
    ) {
        return s.as_str() == t.as_str();
    }
    match (numeric(a, obj_a.as_deref()), numeric(b, obj_b.as_deref())) {
        (Some(x), Some(y)) => return x.eq(&y),
        (Some(_), None) | (None, Some(_)) => return false,
        (None, None) => {}
    }
    match (obj_a, obj_b) {
        (Some(x), Some(y)) => match (&x.data, &y.data) {
            (ObjectData::Str(s), ObjectData::Str(t)) => s.as_str() == t.as_str(),
            (ObjectData::Tuple(s), ObjectData::Tuple(t)) => {
                s.len() == t.len() && s.iter().zip(t.iter()).all(|(p, q)| keys_equal(*p, *q))
            }
            (ObjectData::Range(s), ObjectData::Range(t)) => s.same_values(t),
            (ObjectData::Set(s), ObjectData::Set(t)) => {
                // Copies: never two object locks at once.
                let (s, t) = (s.lock().clone(), t.lock().clone());
                crate::object::set::is_subset(&s, &t) && s.len() == t.len()
            }
            _ => false,
        },
        _ => false,
    }
}

/// Whether the entry's key is the str `name` whose text is `text`: the
/// same object, or a str with the same hash and text.
#[inline]
fn str_key_is(e: &Entry, name: Value, text: &PyStr) -> bool {
    e.key == name
        || (e.hash == text.hash()
            && e.key
                .as_ref()
                .and_then(|k| k.as_str())
                .is_some_and(|k| k.as_str() == text.as_str()))
}

/// A number view for cross-type equality.
#[derive(Debug)]
enum Num<'a> {
    Int(i64),
    Big(&'a num_bigint::BigInt),
    Float(f64),
}

impl Num<'_> {
    fn eq(&self, other: &Num<'_>) -> bool {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => a == b,
            (Num::Big(a), Num::Big(b)) => a == b,
            (Num::Float(a), Num::Float(b)) => a == b,
            (Num::Int(i), Num::Float(f)) | (Num::Float(f), Num::Int(i)) => {
                f.fract() == 0.0 && f.is_finite() && (*i as f64) == *f && (*f as i128) == *i as i128
            }
            (Num::Big(b), Num::Float(f)) | (Num::Float(f), Num::Big(b)) => {
                f.fract() == 0.0
                    && f.is_finite()
                    && <num_bigint::BigInt as num_traits::FromPrimitive>::from_f64(*f).as_ref()
                        == Some(*b)
            }
            // Normalized: a big int never equals an inline one.
            (Num::Int(_), Num::Big(_)) | (Num::Big(_), Num::Int(_)) => false,
        }
    }
}

fn numeric(v: Value, obj: Option<&PyObject>) -> Option<Num<'_>> {
    match v.unpack() {
        Unpacked::Int(i) => Some(Num::Int(i)),
        Unpacked::Float(f) => Some(Num::Float(f)),
        Unpacked::Bool(b) => Some(Num::Int(b as i64)),
        Unpacked::Object(_) => match obj.map(|o| &o.data) {
            Some(ObjectData::Int(b)) => Some(Num::Big(b)),
            _ => None,
        },
        _ => None,
    }
}

/// Whether the entry's key is a str whose text is `text`, its hash
/// `hash` (a lookup by name without a key object).
#[inline]
fn str_text_is(e: &Entry, hash: i64, text: &str) -> bool {
    e.hash == hash
        && e.key
            .as_ref()
            .and_then(|o| o.as_str())
            .is_some_and(|s| s.as_str() == text)
}

/// The first slot of `hash`'s probe sequence in a table of `mask + 1`
/// slots, and the perturbation that drives the rest ([`next_slot`]).
#[inline]
fn first_slot(hash: i64, mask: usize) -> (usize, u64) {
    (hash as u64 as usize & mask, hash as u64)
}

/// The next slot of a probe sequence (CPython's recurrence).
#[inline]
fn next_slot(slot: usize, perturb: &mut u64, mask: usize) -> usize {
    *perturb >>= 5;
    (slot * 5 + 1 + *perturb as usize) & mask
}

impl Dict {
    /// An empty dict.
    pub fn new() -> Dict {
        Dict::default()
    }

    /// An empty dict whose every change fires `watcher`'s event.
    pub fn watched(watcher: Arc<DictWatcher>) -> Dict {
        Dict {
            watcher: Some(watcher),
            ..Dict::default()
        }
    }

    /// Makes this dict watched (a dict that becomes a module's globals).
    pub fn set_watcher(&mut self, watcher: Arc<DictWatcher>) {
        self.watcher = Some(watcher);
    }

    /// The watcher, on a module dict.
    pub fn watcher(&self) -> Option<&Arc<DictWatcher>> {
        self.watcher.as_ref()
    }

    /// The keys version (see the field).
    pub fn keys_version(&self) -> &VersionTag {
        &self.keys_version
    }

    /// After a change: the watched dict's event.
    #[inline]
    fn changed(&self) {
        if let Some(w) = &self.watcher {
            w.changed();
        }
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the dict is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether lookups scan the entries (no index table is built).
    #[inline]
    fn is_small(&self) -> bool {
        self.indices.is_empty()
    }

    /// The live entry at position `i` (an indexed one always is).
    #[inline]
    fn indexed(&self, i: u32) -> Entry {
        let e = self.entries.get(i as usize);
        debug_assert!(e.is_live(), "indexed entries are live");
        e
    }

    /// Where `key` is: `Ok(its position in the entries)`, or, when it is
    /// absent, `Err(the index-table slot a new entry takes)` (`None` for a
    /// small dict, which has no table).
    fn locate(&self, hash: i64, key: Value) -> Result<usize, Option<usize>> {
        if self.is_small() {
            return self
                .entries
                .iter()
                .position(|e| e.hash == hash && same_key(&e, key))
                .ok_or(None);
        }
        match self.probe(hash, key) {
            Ok(slot) => Ok(self.indices[slot] as usize),
            Err(slot) => Err(Some(slot)),
        }
    }

    /// Probes the index table (which must be built): `Ok(the slot holding
    /// the key's position)` or `Err(the first free slot to use)`.
    fn probe(&self, hash: i64, key: Value) -> Result<usize, usize> {
        let mask = self.indices.len() - 1;
        let (mut slot, mut perturb) = first_slot(hash, mask);
        let mut first_deleted = None;
        loop {
            match self.indices[slot] {
                EMPTY => return Err(first_deleted.unwrap_or(slot)),
                DELETED => {
                    first_deleted.get_or_insert(slot);
                }
                i => {
                    let e = self.indexed(i);
                    if e.hash == hash && same_key(&e, key) {
                        return Ok(slot);
                    }
                }
            }
            slot = next_slot(slot, &mut perturb, mask);
        }
    }

    /// The keys stored with hash `hash` (those a lookup of a key with
    /// that hash compares against), for lookups whose key equality needs
    /// Python code (run after the lock is released). In probe order, or in
    /// insertion order for a small dict.
    pub fn keys_with_hash(&self, hash: i64) -> Vec<Value> {
        if self.is_small() {
            return self
                .entries
                .iter()
                .filter(|e| e.hash == hash && e.is_live())
                .map(|e| e.key)
                .collect();
        }
        let mut keys = Vec::new();
        let mask = self.indices.len() - 1;
        let (mut slot, mut perturb) = first_slot(hash, mask);
        loop {
            match self.indices[slot] {
                EMPTY => return keys,
                DELETED => {}
                i => {
                    let e = self.indexed(i);
                    if e.hash == hash {
                        keys.push(e.key);
                    }
                }
            }
            slot = next_slot(slot, &mut perturb, mask);
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: Value) -> Result<Option<Value>, Unhashable> {
        let hash = hash_value(key)?;
        Ok(self.get_hashed(hash, key))
    }

    /// The value of the str key whose text is `text` and whose hash is
    /// `hash` (`hash_str(text)`): a lookup by name without a key object.
    pub fn get_str(&self, hash: i64, text: &str) -> Option<Value> {
        if self.is_small() {
            return self
                .entries
                .iter()
                .find(|e| str_text_is(e, hash, text))
                .map(|e| e.value);
        }
        let mask = self.indices.len() - 1;
        let (mut slot, mut perturb) = first_slot(hash, mask);
        loop {
            match self.indices[slot] {
                EMPTY => return None,
                DELETED => {}
                i => {
                    let e = self.indexed(i);
                    if str_text_is(&e, hash, text) {
                        return Some(e.value);
                    }
                }
            }
            slot = next_slot(slot, &mut perturb, mask);
        }
    }

    /// The value of `key`, whose hash the caller computed.
    pub fn get_hashed(&self, hash: i64, key: Value) -> Option<Value> {
        self.get_hashed_at(hash, key).map(|(v, _)| v)
    }

    /// Inserts or replaces `key`.
    pub fn insert(&mut self, key: Value, value: Value) -> Result<(), Unhashable> {
        let hash = hash_value(key)?;
        self.insert_hashed(hash, key, value);
        Ok(())
    }

    /// Inserts or replaces `key`, whose hash the caller computed; returns
    /// the value it replaced.
    pub fn insert_hashed(&mut self, hash: i64, key: Value, value: Value) -> Option<Value> {
        self.insert_hashed_at(hash, key, value).1
    }

    /// [`Dict::insert_hashed`], also returning the key's position in the
    /// entry vector (a hint for [`Dict::value_at_str`]).
    pub fn insert_hashed_at(
        &mut self,
        hash: i64,
        key: Value,
        value: Value,
    ) -> (usize, Option<Value>) {
        // Before the lookup, even when `key` is present.
        self.grow_for_insertion();
        let (i, old) = match self.locate(hash, key) {
            Ok(i) => {
                let old = self.entries.get(i).value;
                if old == value {
                    return (i, Some(value)); // nothing changes, no event
                }
                self.entries.set_value(i, value);
                (i, Some(old))
            }
            Err(slot) => {
                let i = self.entries.len();
                if let Some(slot) = slot {
                    self.indices[slot] = i as u32;
                }
                debug_assert!(!key.is_null(), "NULL marks holes");
                self.entries
                    .push(Entry { hash, key, value }, FIRST_CAPACITY);
                self.len += 1;
                self.keys_version.invalidate();
                (i, None)
            }
        };
        self.changed();
        (i, old)
    }

    /// [`Dict::insert_hashed`] of a key the caller knows the dict does
    /// not have: a small dict (no index table) appends it without looking
    /// for it.
    #[inline]
    pub fn insert_absent(&mut self, hash: i64, key: Value, value: Value) {
        self.grow_for_insertion();
        if !self.indices.is_empty() {
            // Its slot in the table is found by probing.
            self.insert_hashed_at(hash, key, value);
            return;
        }
        debug_assert!(self.locate(hash, key).is_err(), "the key is absent");
        self.entries
            .push(Entry { hash, key, value }, FIRST_CAPACITY);
        self.len += 1;
        self.keys_version.invalidate();
        self.changed();
    }

    /// Grows (and compacts) the dict before an insertion when the index
    /// table, built or not, would be two-thirds full: the compaction points
    /// (and so positions) of the always-indexed layout, for every insertion.
    #[inline]
    fn grow_for_insertion(&mut self) {
        if (self.entries.len() + 1) * 3 >= self.table_size as usize * 2 {
            self.grow();
        }
    }

    /// The value at position `index` of the entry vector if its key is the
    /// str `name` (the same object, or equal text): one probe at a
    /// position remembered from an earlier lookup (instances of a class
    /// usually get their attributes in the same order). `None` when the
    /// position holds something else.
    #[inline]
    pub fn value_at_str(&self, index: usize, name: Value, text: &PyStr) -> Option<Value> {
        // A hole's NULL key is never `name` nor a str.
        let e = self.entries.get_checked(index)?;
        str_key_is(&e, name, text).then_some(e.value)
    }

    /// The value of the key that is the very object `name` (an interned
    /// attribute name, nearly always) and its position, read without
    /// taking `dict`'s lock ([`read_optimistically`]): at position `hint`
    /// first, then among the first entries (`Entries::find_racing`).
    /// `None` when it is not found there or a writer was busy, and the
    /// caller takes the lock.
    #[inline]
    pub fn find_unlocked(dict: &Mutex<Dict>, hint: usize, name: Value) -> Option<(Value, usize)> {
        read_optimistically(dict, |d| {
            // SAFETY: `addr_of!` makes no reference to the dict; it is not
            // dropped while the caller borrows its mutex, nor overwritten
            // while its object is reachable (invariant 31).
            unsafe { Entries::find_racing(ptr::addr_of!((*d).entries), hint, name) }
        })
    }

    /// Replaces the value at position `index` if its key is the str
    /// `name`, as [`Dict::value_at_str`] finds it; false (nothing changed)
    /// when the position holds something else.
    #[inline]
    pub fn replace_at_str(
        &mut self,
        index: usize,
        name: Value,
        text: &PyStr,
        value: Value,
    ) -> bool {
        match self
            .entries
            .replace_value_if(index, |e| str_key_is(e, name, text), value)
        {
            None => false,
            Some(changed) => {
                if changed {
                    self.changed();
                }
                true
            }
        }
    }

    /// The value of `key` (hashed by the caller) and its position in the
    /// entry vector (a hint for [`Dict::value_at_str`]).
    pub fn get_hashed_at(&self, hash: i64, key: Value) -> Option<(Value, usize)> {
        let i = self.locate(hash, key).ok()?;
        Some((self.entries.get(i).value, i))
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: Value) -> Result<Option<Value>, Unhashable> {
        let hash = hash_value(key)?;
        Ok(self.remove_hashed(hash, key))
    }

    /// Removes `key`, whose hash the caller computed, returning its value.
    pub fn remove_hashed(&mut self, hash: i64, key: Value) -> Option<Value> {
        let i = if self.is_small() {
            self.locate(hash, key).ok()?
        } else {
            let slot = self.probe(hash, key).ok()?;
            std::mem::replace(&mut self.indices[slot], DELETED) as usize
        };
        self.len -= 1;
        self.keys_version.invalidate();
        let removed = self.entries.get(i).value;
        self.entries.set(i, Entry::HOLE);
        self.changed();
        Some(removed)
    }

    /// Compacts the entries and resizes the index table to >= 3× the live
    /// count (a power of two, at least 16), building it only past
    /// [`SMALL_TABLE`].
    fn grow(&mut self) {
        self.keys_version.invalidate();
        self.entries.retain(Entry::is_live);
        let mut size = 8;
        while size * 2 < (self.len + 1) * 3 {
            size *= 2;
        }
        size *= 2;
        self.table_size = u32::try_from(size).expect("dict index table fits u32 positions");
        if size <= SMALL_TABLE {
            self.indices = IndexTable::default();
            if self.entries.capacity() == 0 {
                self.entries.reserve_exact(FIRST_CAPACITY);
            }
            return;
        }
        let mut indices = IndexTable::filled(size, EMPTY);
        let mask = size - 1;
        for (i, e) in self.entries.iter().enumerate() {
            let (mut slot, mut perturb) = first_slot(e.hash, mask);
            while indices[slot] != EMPTY {
                slot = next_slot(slot, &mut perturb, mask);
            }
            indices[slot] = i as u32;
        }
        self.indices = indices;
    }

    /// The live entries in insertion order.
    fn live(&self) -> impl Iterator<Item = Entry> + '_ {
        self.entries.iter().filter(|e| e.is_live())
    }

    /// The items in insertion order.
    pub fn items(&self) -> impl Iterator<Item = (Value, Value)> + '_ {
        self.live().map(|e| (e.key, e.value))
    }

    /// The items in insertion order with their stored hashes (for copying
    /// into another dict without hashing again).
    pub fn hashed_items(&self) -> impl Iterator<Item = (i64, Value, Value)> + '_ {
        self.live().map(|e| (e.hash, e.key, e.value))
    }

    /// [`Dict::entry_from`] without taking `dict`'s lock
    /// ([`read_optimistically`]): `Some(the entry or None past the last)`,
    /// or `None` when a writer was busy (the caller takes the lock).
    #[inline]
    pub fn entry_from_unlocked(
        dict: &Mutex<Dict>,
        index: usize,
    ) -> Option<Option<(usize, Value, Value)>> {
        read_optimistically(dict, |d| {
            // SAFETY: as in `find_unlocked`: `addr_of!` makes no reference
            // to the dict, which is not dropped while the caller borrows
            // its mutex, nor overwritten while its object is reachable
            // (invariant 31).
            Some(unsafe { Entries::next_live_racing(ptr::addr_of!((*d).entries), index) })
        })
    }

    /// The entry at position `index` of the entry vector, skipping holes:
    /// returns the next live entry at or after `index` and the position
    /// after it (for iterators, which keep a position across calls).
    pub fn entry_from(&self, mut index: usize) -> Option<(usize, Value, Value)> {
        while index < self.entries.len() {
            let e = self.entries.get(index);
            if e.is_live() {
                return Some((index + 1, e.key, e.value));
            }
            index += 1;
        }
        None
    }

    /// Removes every item (a watched dict stays watched); the index table
    /// is freed, so a cleared dict starts small again. The entry buffer is
    /// emptied in place, not freed: a thread may be reading it without the
    /// lock (`entries`).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.indices = IndexTable::default();
        self.table_size = 0;
        self.len = 0;
        self.keys_version.invalidate();
        self.changed();
    }
}

// SAFETY: traces every key and value.
unsafe impl Trace for Dict {
    fn trace(&self, tracer: &mut Tracer) {
        self.entries.free_retired(tracer);
        for e in self.live() {
            e.key.trace(tracer);
            e.value.trace(tracer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(i: i64) -> Value {
        Value::try_int(i).unwrap()
    }

    /// The always-indexed layout this module had before small dicts kept
    /// no table, reduced to what positions and `keys_version` depend on:
    /// the oracle the tests below compare against.
    mod reference {
        use super::super::{hash_value, keys_equal, Entry, DELETED, EMPTY};
        use crate::events::VersionTag;
        use crate::value::Value;

        /// The old `Dict`: every dict has an index table.
        #[derive(Default)]
        pub struct OldDict {
            pub entries: Vec<Option<Entry>>,
            indices: Vec<u32>,
            len: usize,
            pub keys_version: VersionTag,
        }

        impl OldDict {
            fn find(&self, hash: i64, key: Value) -> Result<usize, usize> {
                if self.indices.is_empty() {
                    return Err(usize::MAX);
                }
                let mask = self.indices.len() - 1;
                let mut slot = hash as u64 as usize & mask;
                let mut perturb = hash as u64;
                let mut first_deleted = None;
                loop {
                    match self.indices[slot] {
                        EMPTY => return Err(first_deleted.unwrap_or(slot)),
                        DELETED => {
                            first_deleted.get_or_insert(slot);
                        }
                        i => {
                            let e = self.entries[i as usize].unwrap();
                            if e.hash == hash && keys_equal(e.key, key) {
                                return Ok(slot);
                            }
                        }
                    }
                    perturb >>= 5;
                    slot = (slot * 5 + 1 + perturb as usize) & mask;
                }
            }

            pub fn insert(&mut self, key: Value, value: Value) -> usize {
                let hash = hash_value(key).unwrap();
                if (self.entries.len() + 1) * 3 >= self.indices.len() * 2 {
                    self.grow();
                }
                match self.find(hash, key) {
                    Ok(slot) => {
                        let i = self.indices[slot] as usize;
                        self.entries[i].as_mut().unwrap().value = value;
                        i
                    }
                    Err(slot) => {
                        let i = self.entries.len();
                        self.indices[slot] = i as u32;
                        self.entries.push(Some(Entry { hash, key, value }));
                        self.len += 1;
                        self.keys_version.invalidate();
                        i
                    }
                }
            }

            pub fn remove(&mut self, key: Value) -> Option<Value> {
                let slot = self.find(hash_value(key).unwrap(), key).ok()?;
                let i = self.indices[slot] as usize;
                self.indices[slot] = DELETED;
                self.len -= 1;
                self.keys_version.invalidate();
                self.entries[i].take().map(|e| e.value)
            }

            fn grow(&mut self) {
                self.keys_version.invalidate();
                self.entries.retain(Option::is_some);
                let mut size = 8;
                while size * 2 < (self.len + 1) * 3 {
                    size *= 2;
                }
                size *= 2;
                self.indices = vec![EMPTY; size];
                let mask = size - 1;
                for (i, e) in self.entries.iter().enumerate() {
                    let hash = e.unwrap().hash;
                    let mut slot = hash as u64 as usize & mask;
                    let mut perturb = hash as u64;
                    while self.indices[slot] != EMPTY {
                        perturb >>= 5;
                        slot = (slot * 5 + 1 + perturb as usize) & mask;
                    }
                    self.indices[slot] = i as u32;
                }
            }

            pub fn clear(&mut self) {
                *self = OldDict::default();
            }
        }
    }

    use reference::OldDict;

    /// Every (position, key, value) of the entry vector, holes skipped.
    fn layout(d: &Dict) -> Vec<(usize, Value, Value)> {
        let mut out = Vec::new();
        let mut i = 0;
        while let Some((next, k, v)) = d.entry_from(i) {
            out.push((next - 1, k, v));
            i = next;
        }
        out
    }

    /// The same for the reference layout.
    fn old_layout(d: &OldDict) -> Vec<(usize, Value, Value)> {
        let entries = d.entries.iter().enumerate();
        entries
            .filter_map(|(i, e)| e.map(|e| (i, e.key, e.value)))
            .collect()
    }

    /// Runs `op` on both dicts and checks they agree afterwards: positions,
    /// keys, values, lookups, and whether `keys_version` changed.
    fn same_after(
        new: &mut Dict,
        old: &mut OldDict,
        what: &str,
        op: impl FnOnce(&mut Dict, &mut OldDict),
    ) {
        let (nv, ov) = (new.keys_version().get(), old.keys_version.get());
        op(new, old);
        let (nv2, ov2) = (new.keys_version().get(), old.keys_version.get());
        assert_eq!(
            nv != nv2,
            ov != ov2,
            "keys_version bump differs after {what}"
        );
        let expected = old_layout(old);
        assert_eq!(layout(new), expected, "layout differs after {what}");
        assert_eq!(new.len(), expected.len(), "len differs after {what}");
        assert_eq!(new.items().count(), expected.len());
        for &(i, k, v) in &expected {
            let hash = hash_value(k).unwrap();
            assert_eq!(new.get_hashed_at(hash, k), Some((v, i)), "{what}");
        }
    }

    #[test]
    fn growing_to_twenty_keys_with_deletions_keeps_old_positions() {
        let (mut new, mut old) = (Dict::new(), OldDict::default());
        let mut was_small = Vec::new();
        for i in 0..20 {
            let (k, v) = (int(i), int(i * 10));
            same_after(&mut new, &mut old, &format!("insert {i}"), |n, o| {
                let at = n.insert_hashed_at(hash_value(k).unwrap(), k, v).0;
                assert_eq!(at, o.insert(k, v), "insert position of {i}");
            });
            was_small.push(new.is_small());
            if i % 3 == 2 {
                let gone = int(i - 1);
                same_after(&mut new, &mut old, &format!("remove {}", i - 1), |n, o| {
                    assert_eq!(n.remove(gone).unwrap(), o.remove(gone));
                });
                // Replacing a value keeps positions and the keys version
                // (unless it is the insertion that compacts).
                let k = int(i - 2);
                same_after(&mut new, &mut old, &format!("replace {}", i - 2), |n, o| {
                    n.insert(k, int(-i)).unwrap();
                    o.insert(k, int(-i));
                });
            }
        }
        // Small at first, indexed once the dict outgrew the limit.
        assert!(was_small[0] && was_small[5]);
        assert!(!was_small[19]);
        assert!(!new.is_small());
        assert_eq!(new.get(int(1)).unwrap(), None);
        assert_eq!(new.get(int(0)).unwrap(), Some(int(-2)));
    }

    #[test]
    fn random_operations_match_the_always_indexed_layout() {
        // xorshift64: deterministic, no dependency.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for round in 0..200 {
            let (mut new, mut old) = (Dict::new(), OldDict::default());
            // Small key ranges keep dicts around the small limit; -1 and
            // -2 share a hash (as in CPython), so collisions are covered.
            let range = [6, 12, 40][round % 3];
            for step in 0..300 {
                let k = int(next(range) as i64 - 2);
                let what = format!("round {round} step {step}");
                match next(10) {
                    0..=4 => same_after(&mut new, &mut old, &what, |n, o| {
                        let v = int(step);
                        let at = n.insert_hashed_at(hash_value(k).unwrap(), k, v).0;
                        assert_eq!(at, o.insert(k, v), "{what}");
                    }),
                    5..=8 => same_after(&mut new, &mut old, &what, |n, o| {
                        assert_eq!(n.remove(k).unwrap(), o.remove(k), "{what}");
                    }),
                    _ if next(8) == 0 => same_after(&mut new, &mut old, &what, |n, o| {
                        n.clear();
                        o.clear();
                    }),
                    _ => same_after(&mut new, &mut old, &what, |n, _| {
                        let got = n.get(k).unwrap();
                        let hash = hash_value(k).unwrap();
                        assert_eq!(got, n.get_hashed(hash, k));
                        // Every candidate has the hash; a present key is one.
                        let ks = n.keys_with_hash(hash);
                        assert!(ks.iter().all(|c| hash_value(*c) == Ok(hash)), "{what}");
                        assert_eq!(got.is_some(), ks.contains(&k), "{what}");
                    }),
                }
                if new.table_size as usize <= SMALL_TABLE {
                    assert!(new.is_small(), "{what}: no table below the limit");
                } else {
                    assert_eq!(new.indices.len(), new.table_size as usize, "{what}");
                }
            }
        }
    }

    #[test]
    fn small_dicts_find_colliding_keys_and_skip_holes() {
        let mut d = Dict::new();
        // hash(-1) == hash(-2) == -2.
        assert_eq!(hash_value(int(-1)), hash_value(int(-2)));
        d.insert(int(-1), int(1)).unwrap();
        d.insert(int(-2), int(2)).unwrap();
        d.insert(Value::float(3.0), int(3)).unwrap();
        assert!(d.is_small());
        assert_eq!(d.keys_with_hash(-2), vec![int(-1), int(-2)]);
        assert_eq!(d.get(int(-2)).unwrap(), Some(int(2)));
        assert_eq!(d.get(int(3)).unwrap(), Some(int(3))); // 3 == 3.0
        assert_eq!(d.remove(int(-1)).unwrap(), Some(int(1)));
        assert_eq!(d.get(int(-1)).unwrap(), None);
        assert_eq!(d.keys_with_hash(-2), vec![int(-2)]);
        assert_eq!(d.entry_from(0).map(|(n, k, _)| (n, k)), Some((2, int(-2))));
        d.insert(int(-1), int(4)).unwrap(); // appended, not in the hole
        let keys: Vec<Value> = d.items().map(|(k, _)| k).collect();
        assert_eq!(keys, vec![int(-2), Value::float(3.0), int(-1)]);
        d.clear();
        assert!(d.is_small() && d.is_empty() && d.entries.len() == 0);
        assert_eq!(d.entries.capacity(), FIRST_CAPACITY, "emptied in place");
        d.insert(int(5), int(5)).unwrap();
        assert_eq!(d.items().collect::<Vec<_>>(), vec![(int(5), int(5))]);
    }

    #[test]
    fn entries_are_three_words() {
        assert_eq!(std::mem::size_of::<Entry>(), 24);
        let mut d = Dict::new();
        d.insert(int(1), int(1)).unwrap();
        d.remove(int(1)).unwrap();
        assert!(!d.entries.get(0).is_live());
        assert_eq!(d.items().count(), 0);
        assert_eq!(d.entry_from(0), None);
    }

    #[test]
    fn first_insertion_reserves_room_for_an_init() {
        let mut d = Dict::new();
        d.insert(int(0), int(0)).unwrap();
        assert_eq!(d.entries.capacity(), FIRST_CAPACITY);
        for i in 1..FIRST_CAPACITY as i64 {
            d.insert(int(i), int(i)).unwrap();
        }
        assert_eq!(d.entries.capacity(), FIRST_CAPACITY);
        assert_eq!(d.entries.retired(), 0, "no reallocation up to the reserve");
        assert!(d.is_small());
    }

    #[test]
    fn unlocked_reads_follow_an_attribute_while_another_thread_grows_the_dict() {
        // Locks taken for real: solo mode would elide them.
        stillpoint_sync::end_solo();
        let dict = Arc::new(Mutex::new(Dict::new()));
        let key = int(-1);
        dict.lock().insert(key, int(0)).unwrap();
        let writes = 20_000;
        let reader = {
            let dict = dict.clone();
            std::thread::spawn(move || {
                let (mut last, mut kept) = (0, 0u64);
                while last < writes {
                    if let Some((v, _)) = Dict::find_unlocked(&dict, 0, key) {
                        let v = v.as_inline_int().expect("only ints are stored");
                        assert!(v >= last, "went back from {last} to {v}");
                        (last, kept) = (v, kept + 1);
                    }
                }
                kept
            })
        };
        for n in 1..=writes {
            let mut d = dict.lock();
            d.insert(key, int(n)).unwrap();
            d.insert(int(n), int(n)).unwrap();
        }
        assert!(reader.join().unwrap() > 0);
        let d = dict.lock();
        assert!(d.entries.retired() > 5, "growth retired its buffers");
        drop(d);
        assert_eq!(Dict::find_unlocked(&dict, 0, key), Some((int(writes), 0)));
        assert_eq!(
            Dict::find_unlocked(&dict, 3, key),
            Some((int(writes), 0)),
            "a wrong hint, then the scan"
        );
        assert_eq!(Dict::find_unlocked(&dict, 0, int(-5)), None, "no such key");
        assert_eq!(
            Dict::find_unlocked(&dict, 0, int(100)),
            None,
            "past the scan, the locked lookup hashes"
        );
        assert_eq!(
            Dict::find_unlocked(&dict, 100, int(100)),
            Some((int(100), 100))
        );
    }

    #[test]
    fn insertion_order_survives_growth_and_removal() {
        let mut d = Dict::new();
        for i in (0..100).rev() {
            d.insert(int(i), int(i * 10)).unwrap();
        }
        d.remove(int(50)).unwrap();
        d.insert(int(50), int(-1)).unwrap();
        d.insert(int(99), int(7)).unwrap(); // replace keeps position
        let keys: Vec<i64> = d.items().map(|(k, _)| k.as_inline_int().unwrap()).collect();
        let mut expected: Vec<i64> = (0..100).rev().filter(|&i| i != 50).collect();
        expected.push(50);
        assert_eq!(keys, expected);
        assert_eq!(d.len(), 100);
        assert_eq!(d.get(int(99)).unwrap(), Some(int(7)));
        assert_eq!(d.get(int(50)).unwrap(), Some(int(-1)));
        assert_eq!(d.get(int(1000)).unwrap(), None);
    }

    #[test]
    fn numeric_keys_unify_across_types() {
        let mut d = Dict::new();
        d.insert(int(1), int(1)).unwrap();
        d.insert(Value::float(1.0), int(2)).unwrap();
        d.insert(Value::TRUE, int(3)).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d.get(int(1)).unwrap(), Some(int(3)));
        assert_eq!(d.get(Value::float(1.5)).unwrap(), None);
    }

    #[test]
    fn many_removals_do_not_leak_slots() {
        let mut d = Dict::new();
        for round in 0..50 {
            for i in 0..20 {
                d.insert(int(round * 100 + i), Value::NONE).unwrap();
            }
            for i in 0..20 {
                assert!(d.remove(int(round * 100 + i)).unwrap().is_some());
            }
        }
        assert!(d.is_empty());
        assert!(d.entries.len() <= 64);
    }
}
