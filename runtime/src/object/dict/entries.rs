//! A dict's entry vector, in a buffer that readers without the dict's lock
//! may load from ([`crate::object::lock::read_optimistically`]).
//!
//! Two things make that possible:
//! - every word a reader may load is an atomic (the buffer pointer, the
//!   length, each entry's three words), so a racing writer is never a data
//!   race; the writer, holding the lock, stores them one by one with
//!   relaxed stores (plain moves on x86), and the lock's sequence tells the
//!   reader whether it saw a consistent state;
//! - a buffer that growth replaces is *retired*, not freed: kept in a list
//!   until the next garbage collection traces the dict (a collection runs
//!   in a pause, where no thread is halfway through a read) or the dict is
//!   dropped. A dict only ever retires buffers smaller than its current
//!   one, so what it keeps is less than what it holds.
//!
//! The length and capacity live in the buffer's header, so a reader's
//! bounds check never mixes one buffer's capacity with another's.

use std::alloc::{alloc_zeroed, dealloc, handle_alloc_error, Layout};
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicI64, AtomicPtr, AtomicU64, AtomicUsize, Ordering};

use stillpoint_gc::Tracer;

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

/// The start of every buffer; its `capacity` slots follow it.
#[repr(C)]
struct Header {
    capacity: usize,
    len: AtomicUsize,
    /// The next buffer in the retired list (only while retired).
    next_retired: AtomicPtr<Header>,
}

/// How many entries a reader without the lock compares against a key
/// when the remembered position does not hold it: an instance with a
/// dozen attributes, beyond which the locked lookup hashes.
const SCAN_WITHOUT_LOCK: usize = 16;

/// The buffer of every dict that has never held an entry: nothing to
/// free, no slot to load.
static EMPTY: Header = Header {
    capacity: 0,
    len: AtomicUsize::new(0),
    next_retired: AtomicPtr::new(ptr::null_mut()),
};

fn empty() -> *mut Header {
    ptr::addr_of!(EMPTY).cast_mut()
}

/// The layout of a buffer of `capacity` slots, and where its slots start.
fn layout(capacity: usize) -> (Layout, usize) {
    Layout::new::<Header>()
        .extend(Layout::array::<Slot>(capacity).expect("dict capacity fits memory"))
        .expect("dict capacity fits memory")
}

/// The entry vector (module docs).
pub(super) struct Entries {
    /// The current buffer: [`EMPTY`] or one this dict allocated.
    buf: AtomicPtr<Header>,
    /// Buffers growth replaced, linked through `next_retired`.
    retired: AtomicPtr<Header>,
}

impl Default for Entries {
    fn default() -> Self {
        Entries {
            buf: AtomicPtr::new(empty()),
            retired: AtomicPtr::new(ptr::null_mut()),
        }
    }
}

// SAFETY (for every `unsafe` block below that dereferences a buffer
// pointer): `buf` always points to `EMPTY` or to a buffer this value
// allocated with `layout(capacity)` and has neither retired nor freed; a
// retired buffer stays allocated until `free_retired` or `drop`, which
// run only when no thread can be reading (module docs).
impl Entries {
    #[inline]
    fn header(&self) -> &Header {
        // SAFETY: see above; the lock's holder is the only writer of `buf`,
        // and holds `&mut self` or this `&self` under the lock.
        unsafe { &*self.buf.load(Ordering::Relaxed) }
    }

    /// Slot `i` of the buffer `header` heads; `i` below its capacity.
    ///
    /// # Safety
    /// `header` is a live buffer (see above) and `i < header.capacity`.
    #[inline]
    unsafe fn slot(header: *const Header, i: usize) -> *const Slot {
        let (_, offset) = layout(0);
        // SAFETY: the caller's contract: `i` is within the buffer's slots,
        // which start `offset` bytes after its header.
        unsafe { header.cast::<u8>().add(offset).cast::<Slot>().add(i) }
    }

    #[inline]
    fn slot_at(&self, i: usize) -> &Slot {
        let header = self.header();
        assert!(
            i < header.len.load(Ordering::Relaxed),
            "entry {i} is past the end"
        );
        // SAFETY: `i` is below the length, which never exceeds capacity.
        unsafe { &*Self::slot(header, i) }
    }

    /// The number of entries (holes included).
    #[inline]
    pub fn len(&self) -> usize {
        self.header().len.load(Ordering::Relaxed)
    }

    /// The slots allocated.
    pub fn capacity(&self) -> usize {
        self.header().capacity
    }

    /// Entry `i` (below [`Entries::len`]).
    #[inline]
    pub fn get(&self, i: usize) -> Entry {
        let s = self.slot_at(i);
        Entry {
            hash: s.hash.load(Ordering::Relaxed),
            key: Value::from_bits(s.key.load(Ordering::Relaxed)),
            value: Value::from_bits(s.value.load(Ordering::Relaxed)),
        }
    }

    /// Overwrites entry `i` (below [`Entries::len`]).
    #[inline]
    pub fn set(&mut self, i: usize, e: Entry) {
        Self::store(self.slot_at(i), e);
    }

    /// Overwrites the value of entry `i` (below [`Entries::len`]).
    #[inline]
    pub fn set_value(&mut self, i: usize, value: Value) {
        self.slot_at(i)
            .value
            .store(value.to_bits(), Ordering::Relaxed);
    }

    fn store(s: &Slot, e: Entry) {
        s.hash.store(e.hash, Ordering::Relaxed);
        s.key.store(e.key.to_bits(), Ordering::Relaxed);
        s.value.store(e.value.to_bits(), Ordering::Relaxed);
    }

    /// Appends an entry, growing the buffer (doubling, at least to
    /// `first_capacity`) when it is full.
    #[inline]
    pub fn push(&mut self, e: Entry, first_capacity: usize) {
        let len = self.len();
        if len == self.capacity() {
            self.reserve_exact((len * 2).max(first_capacity));
        }
        let header = self.header();
        // SAFETY: `len` is below the capacity just ensured.
        Self::store(unsafe { &*Self::slot(header, len) }, e);
        header.len.store(len + 1, Ordering::Relaxed);
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = Entry> + '_ {
        (0..self.len()).map(|i| self.get(i))
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
        self.header().len.store(kept, Ordering::Relaxed);
    }

    /// Empties the vector, keeping its buffer.
    pub fn clear(&mut self) {
        self.retain(|_| false);
    }

    /// Makes room for at least `capacity` entries: a new buffer with the
    /// entries copied, published with a release store (a reader that loads
    /// it sees it filled), the old one retired.
    pub fn reserve_exact(&mut self, capacity: usize) {
        if capacity <= self.capacity() {
            return;
        }
        let (layout, _) = layout(capacity);
        // SAFETY: the layout has a nonzero size (it has a header).
        let new = unsafe { alloc_zeroed(layout) }.cast::<Header>();
        let Some(new) = NonNull::new(new) else {
            handle_alloc_error(layout);
        };
        let len = self.len();
        // SAFETY: `new` is freshly allocated for a header and `capacity`
        // slots, and all-zero bytes are valid atomics.
        unsafe {
            ptr::write(
                new.as_ptr(),
                Header {
                    capacity,
                    len: AtomicUsize::new(len),
                    next_retired: AtomicPtr::new(ptr::null_mut()),
                },
            );
        }
        for i in 0..len {
            // SAFETY: `i < len <= capacity`.
            Self::store(unsafe { &*Self::slot(new.as_ptr(), i) }, self.get(i));
        }
        // Plain loads and stores: only the lock's holder writes these.
        let old = self.buf.load(Ordering::Relaxed);
        self.buf.store(new.as_ptr(), Ordering::Release);
        if old != empty() {
            // SAFETY: `old` was this value's live buffer (see above); it is
            // now only in the retired list.
            unsafe { &*old }
                .next_retired
                .store(self.retired.load(Ordering::Relaxed), Ordering::Relaxed);
            self.retired.store(old, Ordering::Relaxed);
        }
    }

    /// Frees the retired buffers. Only a collection calls this (it holds
    /// the only `Tracer`s), inside its pause: no thread is reading.
    pub fn free_retired(&self, _in_a_collection: &mut Tracer) {
        let retired = self.retired.swap(ptr::null_mut(), Ordering::Relaxed);
        // SAFETY: the list holds only buffers this value allocated and no
        // longer reaches from `buf`; nobody reads during a pause.
        unsafe { free_list(retired) };
    }

    /// How many buffers are retired and not yet freed.
    #[cfg(test)]
    pub fn retired(&self) -> usize {
        let mut n = 0;
        let mut next = self.retired.load(Ordering::Relaxed);
        while !next.is_null() {
            n += 1;
            // SAFETY: a retired buffer stays allocated until `drop`, which
            // this borrow excludes, or a collection, which tests of this
            // module never run.
            next = unsafe { &*next }.next_retired.load(Ordering::Relaxed);
        }
        n
    }

    /// The value of the entry whose key is the word `key`, and its
    /// position, found without the lock as
    /// [`read_optimistically`](crate::object::lock::read_optimistically)
    /// lets a reader: entry `hint` first, then the first
    /// [`SCAN_WITHOUT_LOCK`] entries (an instance's, nearly always).
    /// `None` if none of those has that key.
    ///
    /// # Safety
    /// `entries` points to an `Entries` that is not dropped while this
    /// runs: it belongs to a dict inside an object the caller keeps alive
    /// (such a dict is never dropped nor overwritten while its object
    /// lives; invariant 31).
    #[inline]
    pub unsafe fn find_racing(
        entries: *const Entries,
        hint: usize,
        key: Value,
    ) -> Option<(Value, usize)> {
        // SAFETY: the caller's contract; `buf` is an atomic.
        let buf = unsafe { &(*entries).buf };
        // Acquire: a buffer published by growth is seen filled.
        let header = buf.load(Ordering::Acquire);
        // SAFETY: a buffer stays allocated while a reader may hold it
        // (module docs: retired ones are freed only in a pause), and its
        // header is always initialized.
        let h = unsafe { &*header };
        // The buffer's own capacity bounds every slot loaded below.
        let len = h.len.load(Ordering::Relaxed).min(h.capacity);
        let key = key.to_bits();
        let value_if_key = |i: usize| {
            // SAFETY: `i < len <= capacity` of this very buffer.
            let s = unsafe { &*Self::slot(header, i) };
            (s.key.load(Ordering::Relaxed) == key)
                .then(|| (Value::from_bits(s.value.load(Ordering::Relaxed)), i))
        };
        if hint < len {
            if let Some(found) = value_if_key(hint) {
                return Some(found);
            }
        }
        (0..len.min(SCAN_WITHOUT_LOCK)).find_map(value_if_key)
    }
}

/// Frees the retired list starting at `head` (null for none).
///
/// # Safety
/// As [`free`], for every buffer of the list.
unsafe fn free_list(mut head: *mut Header) {
    while !head.is_null() {
        // SAFETY: the caller's contract, buffer by buffer.
        unsafe {
            let next = (*head).next_retired.load(Ordering::Relaxed);
            free(head);
            head = next;
        }
    }
}

/// Frees a buffer this module allocated.
///
/// # Safety
/// `header` came from `reserve_exact`, is not `EMPTY`, and no thread will
/// load from it again.
unsafe fn free(header: *mut Header) {
    // SAFETY: the caller's contract; the capacity is the allocation's.
    unsafe {
        let (layout, _) = layout((*header).capacity);
        dealloc(header.cast(), layout);
    }
}

impl Drop for Entries {
    fn drop(&mut self) {
        let buf = *self.buf.get_mut();
        if buf != empty() {
            // SAFETY: dropping needs the dict unreachable (an object swept
            // in a pause, or a dict no other thread saw), so nobody reads.
            unsafe { free(buf) };
        }
        // SAFETY: as above, for each retired buffer.
        unsafe { free_list(*self.retired.get_mut()) };
    }
}
