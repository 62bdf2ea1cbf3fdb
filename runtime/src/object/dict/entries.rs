//! A dict's entry vector, in an [`AtomicBuffer`]: readers without the
//! dict's lock may load from it (`Dict::find_unlocked`).

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use stillpoint_gc::Tracer;

use crate::object::atomic_buffer::{AtomicBuffer, AtomicSlot};
use crate::value::Value;

/// One key with its stored hash and value; a removed one is a hole
/// ([`Entry::HOLE`]). 24 bytes: marking holes by a key no Python value
/// can be, rather than `Option`, saves a tag word per entry.
#[derive(Clone, Copy)]
pub(super) struct Entry {
    pub hash: i64,
    pub key: Value,
    pub value: Value,
}

impl Entry {
    /// A removed entry: its key is `Value::NULL`, never a key (the
    /// interpreter's "no value" marker, which no Python code sees).
    pub const HOLE: Entry = Entry {
        hash: 0,
        key: Value::NULL,
        value: Value::NULL,
    };

    /// Whether this is a live entry, not a hole.
    #[inline]
    pub fn is_live(&self) -> bool {
        !self.key.is_null()
    }
}

/// An entry as it sits in the buffer.
struct Slot {
    hash: AtomicI64,
    key: AtomicU64,
    value: AtomicU64,
}

// SAFETY: three atomics.
unsafe impl AtomicSlot for Slot {
    #[inline]
    fn copy_from(&self, from: &Self) {
        Entries::store(self, Entries::load(from));
    }
}

/// How many entries a reader without the lock compares against a key
/// when the remembered position does not hold it: an instance with a
/// dozen attributes, beyond which the locked lookup hashes.
const SCAN_WITHOUT_LOCK: usize = 16;

/// The entry vector.
#[derive(Default)]
pub(super) struct Entries(AtomicBuffer<Slot>);

impl Entries {
    #[inline]
    fn load(s: &Slot) -> Entry {
        Entry {
            hash: s.hash.load(Ordering::Relaxed),
            key: Value::from_bits(s.key.load(Ordering::Relaxed)),
            value: Value::from_bits(s.value.load(Ordering::Relaxed)),
        }
    }

    #[inline]
    fn store(s: &Slot, e: Entry) {
        s.hash.store(e.hash, Ordering::Relaxed);
        s.key.store(e.key.to_bits(), Ordering::Relaxed);
        s.value.store(e.value.to_bits(), Ordering::Relaxed);
    }

    /// The number of entries (holes included).
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The entries allocated.
    pub fn capacity(&self) -> usize {
        self.0.capacity()
    }

    /// Entry `i` (below [`Entries::len`]).
    #[inline]
    pub fn get(&self, i: usize) -> Entry {
        Self::load(&self.0.slots()[i])
    }

    /// Entry `i`, or `None` past the end.
    #[inline]
    pub fn get_checked(&self, i: usize) -> Option<Entry> {
        self.0.slots().get(i).map(Self::load)
    }

    /// If entry `i` exists and `matches` it, makes its value `value`:
    /// `Some(whether that changed it)`, or `None` (nothing done). One
    /// bounds check for the read and the write.
    #[inline]
    pub fn replace_value_if(
        &mut self,
        i: usize,
        matches: impl FnOnce(&Entry) -> bool,
        value: Value,
    ) -> Option<bool> {
        let slot = self.0.slots().get(i)?;
        let e = Self::load(slot);
        if !matches(&e) {
            return None;
        }
        let changed = e.value != value;
        if changed {
            slot.value.store(value.to_bits(), Ordering::Relaxed);
        }
        Some(changed)
    }

    /// Overwrites entry `i` (below [`Entries::len`]).
    #[inline]
    pub fn set(&mut self, i: usize, e: Entry) {
        Self::store(&self.0.slots()[i], e);
    }

    /// Overwrites the value of entry `i` (below [`Entries::len`]).
    #[inline]
    pub fn set_value(&mut self, i: usize, value: Value) {
        self.0.slots()[i]
            .value
            .store(value.to_bits(), Ordering::Relaxed);
    }

    /// Appends an entry, growing the buffer (doubling, at least to
    /// `first_capacity`) when it is full.
    #[inline]
    pub fn push(&mut self, e: Entry, first_capacity: usize) {
        let len = self.len();
        self.0.reserve(1, first_capacity);
        Self::store(&self.0.allocated()[len], e);
        self.0.set_len(len + 1);
    }

    /// Makes room for at least `capacity` entries.
    pub fn reserve_exact(&mut self, capacity: usize) {
        self.0.reserve_exact(capacity);
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = Entry> + '_ {
        self.0.slots().iter().map(Self::load)
    }

    /// Keeps only the entries `keep` accepts, in order, in place.
    pub fn retain(&mut self, keep: impl Fn(&Entry) -> bool) {
        let len = self.len();
        let mut kept = 0;
        for i in 0..len {
            let e = self.get(i);
            if keep(&e) {
                if kept != i {
                    self.set(kept, e);
                }
                kept += 1;
            }
        }
        for i in kept..len {
            self.set(i, Entry::HOLE);
        }
        self.0.set_len(kept);
    }

    /// Empties the vector, keeping its buffer.
    pub fn clear(&mut self) {
        self.retain(|_| false);
    }

    /// Frees the buffers growth retired (in a collection).
    pub fn free_retired(&self, in_a_collection: &mut Tracer) {
        self.0.free_retired(in_a_collection);
    }

    /// How many buffers are retired and not yet freed.
    #[cfg(test)]
    pub fn retired(&self) -> usize {
        self.0.retired()
    }

    /// The value of the entry whose key is the word `key`, and its
    /// position, found without the lock as
    /// [`read_optimistically`](crate::object::lock::read_optimistically)
    /// lets a reader: entry `hint` first, then the first
    /// [`SCAN_WITHOUT_LOCK`] entries (an instance's, nearly always).
    /// `None` if none of those has that key.
    ///
    /// # Safety
    /// As [`AtomicBuffer::racing_slots`]: `entries` belongs to a dict
    /// inside an object the caller keeps alive.
    #[inline]
    pub unsafe fn find_racing(
        entries: *const Entries,
        hint: usize,
        key: Value,
    ) -> Option<(Value, usize)> {
        // SAFETY: the caller's contract; `addr_of!` makes no reference.
        let slots = unsafe { AtomicBuffer::racing_slots(std::ptr::addr_of!((*entries).0)) };
        let key = key.to_bits();
        let value_if_key = |i: usize| {
            let s: &Slot = &slots[i];
            (s.key.load(Ordering::Relaxed) == key)
                .then(|| (Value::from_bits(s.value.load(Ordering::Relaxed)), i))
        };
        if hint < slots.len() {
            if let Some(found) = value_if_key(hint) {
                return Some(found);
            }
        }
        (0..slots.len().min(SCAN_WITHOUT_LOCK)).find_map(value_if_key)
    }

    /// The first live entry at position `from` or later, found without the
    /// lock as [`Entries::find_racing`] finds one: `(the position after it,
    /// its key, its value)`, or `None` past the last.
    ///
    /// # Safety
    /// As [`Entries::find_racing`].
    #[inline]
    pub unsafe fn next_live_racing(
        entries: *const Entries,
        from: usize,
    ) -> Option<(usize, Value, Value)> {
        // SAFETY: the caller's contract; `addr_of!` makes no reference.
        let slots = unsafe { AtomicBuffer::racing_slots(std::ptr::addr_of!((*entries).0)) };
        (from..slots.len()).find_map(|i| {
            let e = Self::load(&slots[i]);
            e.is_live().then_some((i + 1, e.key, e.value))
        })
    }
}
