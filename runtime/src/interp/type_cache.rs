//! A per-thread cache of MRO lookups, keyed by class version tag and name
//! (CPython's type attribute cache, one per thread so no cache line is
//! written by two threads).
//!
//! An entry says "looking `name` up on a class whose version tag was
//! `version` found `value`" (`Value::NULL`: found nothing — instance
//! attribute loads look the class up first and mostly miss, so misses are
//! cached too). It is valid while the class still has that tag: every
//! change to a class or a base resets the tags of the classes it affects
//! (invariant 20), and tags are never reused. The tag is read before the
//! lookup, so a racing change leaves the entry under a dead tag.
//!
//! Two-way set associative with 2048 sets (128 KiB per thread): direct
//! mapping thrashed on hierarchies with many classes (see ARCHITECTURE.md,
//! *Decisions*).
//!
//! Entries remember raw addresses without rooting them: each also records
//! the heap's collection epoch, and is valid only in that epoch, during
//! which no address can be freed and reused (`Heap::epoch`).

use std::cell::Cell;

use stillpoint_gc::Gc;

use super::Interp;
use crate::object::PyObject;
use crate::value::Value;

/// Two-way set associative: `SETS` pairs of entries.
const SETS: usize = 2048;
const INDEX_BITS: u32 = SETS.trailing_zeros();

#[derive(Clone, Copy)]
struct Entry {
    epoch: u64,
    version: u32,
    name: Value,
    value: Value,
}

const EMPTY: Entry = Entry {
    epoch: u64::MAX,
    version: 0,
    name: Value::NULL,
    value: Value::NULL,
};

/// The cache (see the module docs).
pub(crate) struct TypeCache(Box<[Cell<Entry>]>);

impl Default for TypeCache {
    fn default() -> Self {
        TypeCache((0..2 * SETS).map(|_| Cell::new(EMPTY)).collect())
    }
}

impl TypeCache {
    /// The two entries a key may live in, most recently used first.
    fn set(&self, version: u32, name: Value) -> (&Cell<Entry>, &Cell<Entry>) {
        // Fibonacci hashing: the product's top bits mix every key bit.
        let key = name.to_bits() ^ (u64::from(version) << 40);
        let h = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - INDEX_BITS)) as usize;
        (&self.0[2 * h], &self.0[2 * h + 1])
    }

    /// The cached result for `(version, name)` in `epoch`: `Some(NULL)`
    /// for a cached miss.
    #[inline]
    fn get(&self, epoch: u64, version: u32, name: Value) -> Option<Value> {
        let (first, second) = self.set(version, name);
        let hit = |e: Entry| e.version == version && e.name == name && e.epoch == epoch;
        let e = first.get();
        if hit(e) {
            return Some(e.value);
        }
        let e = second.get();
        if hit(e) {
            // Most recently used first.
            second.set(first.get());
            first.set(e);
            return Some(e.value);
        }
        None
    }

    /// Caches a result, evicting the pair's least recently used entry.
    fn put(&self, entry: Entry) {
        let (first, second) = self.set(entry.version, entry.name);
        second.set(first.get());
        first.set(entry);
    }
}

impl Interp<'_> {
    /// Looks a str-valued `name` up along `class`'s MRO, through this
    /// thread's cache.
    pub(crate) fn lookup_value(&self, class: Gc<PyObject>, name: Value) -> Option<Value> {
        let c = class.as_class()?;
        let cache = &self.cell.1;
        let epoch = self.rt.heap().epoch();
        let current = c.version.peek();
        if current != 0 {
            if let Some(v) = cache.get(epoch, current, name) {
                return (!v.is_null()).then_some(v);
            }
        }
        // Tag first, then look (see the module docs).
        let version = c.version.get();
        let found = self.lookup_uncached(c, name);
        if version != 0 {
            cache.put(Entry {
                epoch,
                version,
                name,
                value: found.unwrap_or(Value::NULL),
            });
        }
        found
    }
}
