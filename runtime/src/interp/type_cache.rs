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
//! Entries remember raw addresses without rooting them: each also records
//! the heap's collection epoch, and is valid only in that epoch, during
//! which no address can be freed and reused (`Heap::epoch`).

use std::cell::Cell;

use stillpoint_gc::Gc;

use super::Interp;
use crate::object::PyObject;
use crate::value::Value;

const ENTRIES: usize = 1024;

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
        TypeCache((0..ENTRIES).map(|_| Cell::new(EMPTY)).collect())
    }
}

impl TypeCache {
    fn slot(&self, version: u32, name: Value) -> &Cell<Entry> {
        let h = (name.to_bits() >> 3) ^ u64::from(version).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        &self.0[(h as usize) & (ENTRIES - 1)]
    }
}

impl Interp<'_> {
    /// Looks a str-valued `name` up along `class`'s MRO, through this
    /// thread's cache.
    pub(super) fn lookup_value(&self, class: Gc<PyObject>, name: Value) -> Option<Value> {
        let c = class.as_class()?;
        let cache = &self.cell.1;
        let epoch = self.rt.heap().epoch();
        let current = c.version.peek();
        if current != 0 {
            let e = cache.slot(current, name).get();
            if e.version == current && e.name == name && e.epoch == epoch {
                return (!e.value.is_null()).then_some(e.value);
            }
        }
        // Tag first, then look (see the module docs).
        let version = c.version.get();
        let found = self.lookup_uncached(c, name);
        if version != 0 {
            cache.slot(version, name).set(Entry {
                epoch,
                version,
                name,
                value: found.unwrap_or(Value::NULL),
            });
        }
        found
    }
}
