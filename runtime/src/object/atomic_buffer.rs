//! [`AtomicBuffer`]: the storage of a container whose items threads may
//! read without the container's lock
//! ([`read_optimistically`](crate::object::lock::read_optimistically)): a
//! dict's entries, a list's items.
//!
//! Two things make that possible:
//! - every word a reader may load is an atomic (the buffer pointer, the
//!   length, the slots), so a racing writer is never a data race; the
//!   writer, holding the lock, stores them one by one with relaxed stores
//!   (plain moves on x86), and the lock's sequence tells the reader whether
//!   it saw a consistent state;
//! - a buffer that growth replaces is *retired*, not freed: kept in a list
//!   until the next garbage collection traces its owner (a collection runs
//!   in a pause, where no thread is halfway through a read) or the owner is
//!   dropped. Growth at least doubles, so what an owner keeps retired is
//!   less than what it holds.
//!
//! The length and capacity live in the buffer's header, so a reader's
//! bounds check never mixes one buffer's capacity with another's.
//! Invariant 31 (ARCHITECTURE.md) says what owners must uphold.

use std::alloc::{alloc_zeroed, dealloc, handle_alloc_error, Layout};
use std::marker::PhantomData;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};

use stillpoint_gc::Tracer;

/// A slot type of an [`AtomicBuffer`].
///
/// # Safety
/// The type is made of atomics only, so all-zero bytes are a valid value
/// and loads may race with stores.
pub unsafe trait AtomicSlot {
    /// Copies `from` into `self`, word by word.
    fn copy_from(&self, from: &Self);
}

/// A slot of one word.
#[repr(transparent)]
pub struct WordSlot(pub AtomicU64);

// SAFETY: one atomic.
unsafe impl AtomicSlot for WordSlot {
    #[inline]
    fn copy_from(&self, from: &Self) {
        self.0
            .store(from.0.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}

/// The start of every buffer; its `capacity` slots follow it.
#[repr(C)]
struct Header {
    capacity: usize,
    len: AtomicUsize,
    /// The next buffer in the retired list (only while retired).
    next_retired: AtomicPtr<Header>,
}

/// The buffer of every container that has never held an item: nothing to
/// free, no slot to load.
static EMPTY: Header = Header {
    capacity: 0,
    len: AtomicUsize::new(0),
    next_retired: AtomicPtr::new(ptr::null_mut()),
};

fn empty() -> *mut Header {
    ptr::addr_of!(EMPTY).cast_mut()
}

/// The storage (module docs).
pub struct AtomicBuffer<S: AtomicSlot> {
    /// The current buffer: [`EMPTY`] or one this value allocated.
    buf: AtomicPtr<Header>,
    /// Buffers growth replaced, linked through `next_retired`.
    retired: AtomicPtr<Header>,
    slots: PhantomData<S>,
}

impl<S: AtomicSlot> Default for AtomicBuffer<S> {
    fn default() -> Self {
        AtomicBuffer {
            buf: AtomicPtr::new(empty()),
            retired: AtomicPtr::new(ptr::null_mut()),
            slots: PhantomData,
        }
    }
}

// SAFETY (for every `unsafe` block below that dereferences a buffer
// pointer): `buf` always points to `EMPTY` or to a buffer this value
// allocated with `layout(capacity)` whose header is initialized and which
// it has neither retired nor freed; a retired buffer stays allocated until
// `free_retired` or `drop`, which run only when no thread can be reading
// (module docs).
impl<S: AtomicSlot> AtomicBuffer<S> {
    /// The layout of a buffer of `capacity` slots, and where its slots
    /// start.
    fn layout(capacity: usize) -> (Layout, usize) {
        Layout::new::<Header>()
            .extend(Layout::array::<S>(capacity).expect("capacity fits memory"))
            .expect("capacity fits memory")
    }

    #[inline]
    fn header(&self) -> &Header {
        // SAFETY: see above; only the lock's holder, holding `&mut self`,
        // changes `buf`.
        unsafe { &*self.buf.load(Ordering::Relaxed) }
    }

    /// The first `len` slots of the buffer `header` heads.
    ///
    /// # Safety
    /// `header` is a live buffer (see above) and `len <= its capacity`.
    #[inline]
    unsafe fn slots_of<'a>(header: *const Header, len: usize) -> &'a [S] {
        let (_, offset) = Self::layout(0);
        // SAFETY: the caller's contract: the buffer's slots start `offset`
        // bytes after its header, and the first `len` are allocated and
        // initialized (zeroed at allocation, atomics since).
        unsafe { std::slice::from_raw_parts(header.cast::<u8>().add(offset).cast::<S>(), len) }
    }

    /// The number of slots in use.
    #[inline]
    pub fn len(&self) -> usize {
        self.header().len.load(Ordering::Relaxed)
    }

    /// The slots allocated.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.header().capacity
    }

    /// The slots in use.
    #[inline]
    pub fn slots(&self) -> &[S] {
        let header = self.header();
        // SAFETY: the length never exceeds the capacity (`set_len`).
        unsafe { Self::slots_of(header, header.len.load(Ordering::Relaxed)) }
    }

    /// The slots up to the capacity (those past the length are zeroed, or
    /// hold what was truncated away).
    #[inline]
    pub fn allocated(&self) -> &[S] {
        let header = self.header();
        // SAFETY: exactly the allocated slots.
        unsafe { Self::slots_of(header, header.capacity) }
    }

    /// Sets the number of slots in use (at most the capacity).
    #[inline]
    pub fn set_len(&mut self, len: usize) {
        assert!(len <= self.capacity(), "length {len} past the capacity");
        self.header().len.store(len, Ordering::Relaxed);
    }

    /// Makes room for `additional` more slots: at least double the
    /// capacity, and at least `first` slots.
    #[inline]
    pub fn reserve(&mut self, additional: usize, first: usize) {
        let needed = self
            .len()
            .checked_add(additional)
            .expect("capacity fits memory");
        if needed > self.capacity() {
            self.reserve_exact(needed.max(self.capacity() * 2).max(first));
        }
    }

    /// Makes room for at least `capacity` slots: a new buffer with the
    /// slots in use copied, published with a release store (a reader that
    /// loads it sees it filled), the old one retired.
    pub fn reserve_exact(&mut self, capacity: usize) {
        if capacity <= self.capacity() {
            return;
        }
        let (layout, _) = Self::layout(capacity);
        // SAFETY: the layout has a nonzero size (it has a header).
        let new = unsafe { alloc_zeroed(layout) }.cast::<Header>();
        let Some(new) = NonNull::new(new) else {
            handle_alloc_error(layout);
        };
        let len = self.len();
        // SAFETY: `new` is freshly allocated for a header and `capacity`
        // slots, and all-zero bytes are valid slots (`AtomicSlot`).
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
        // SAFETY: `new` is initialized above, and `len <= capacity`.
        let copies = unsafe { Self::slots_of(new.as_ptr(), len) };
        for (to, from) in copies.iter().zip(self.slots()) {
            to.copy_from(from);
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
        unsafe { Self::free_list(retired) };
    }

    /// How many buffers are retired and not yet freed.
    #[cfg(test)]
    pub fn retired(&self) -> usize {
        let mut n = 0;
        let mut next = self.retired.load(Ordering::Relaxed);
        while !next.is_null() {
            n += 1;
            // SAFETY: a retired buffer stays allocated until `drop`, which
            // this borrow excludes, or a collection, which unit tests never
            // run.
            next = unsafe { &*next }.next_retired.load(Ordering::Relaxed);
        }
        n
    }

    /// The slots in use, as a reader without the lock sees them (see
    /// [`read_optimistically`](crate::object::lock::read_optimistically)):
    /// possibly halfway through a writer's change, never out of bounds.
    ///
    /// # Safety
    /// `this` points to an `AtomicBuffer` that is not dropped while the
    /// slots are used: it belongs to a container inside an object the
    /// caller keeps alive (invariant 31).
    #[inline]
    pub unsafe fn racing_slots<'a>(this: *const AtomicBuffer<S>) -> &'a [S] {
        // SAFETY: the caller's contract; `buf` is an atomic.
        let buf = unsafe { &(*this).buf };
        // Acquire: a buffer published by growth is seen filled.
        let header = buf.load(Ordering::Acquire);
        // SAFETY: a buffer stays allocated while a reader may hold it
        // (module docs), and its header is always initialized.
        let h = unsafe { &*header };
        // The buffer's own capacity bounds the slots.
        let len = h.len.load(Ordering::Relaxed).min(h.capacity);
        // SAFETY: `len` is within this very buffer's capacity.
        unsafe { Self::slots_of(header, len) }
    }

    /// Frees the retired list starting at `head` (null for none).
    ///
    /// # Safety
    /// As [`AtomicBuffer::free`], for every buffer of the list.
    unsafe fn free_list(mut head: *mut Header) {
        while !head.is_null() {
            // SAFETY: the caller's contract, buffer by buffer.
            unsafe {
                let next = (*head).next_retired.load(Ordering::Relaxed);
                Self::free(head);
                head = next;
            }
        }
    }

    /// Frees a buffer this type allocated.
    ///
    /// # Safety
    /// `header` came from `reserve_exact`, is not `EMPTY`, and no thread
    /// will load from it again.
    unsafe fn free(header: *mut Header) {
        // SAFETY: the caller's contract; the capacity is the allocation's.
        unsafe {
            let (layout, _) = Self::layout((*header).capacity);
            dealloc(header.cast(), layout);
        }
    }
}

impl<S: AtomicSlot> Drop for AtomicBuffer<S> {
    fn drop(&mut self) {
        let buf = *self.buf.get_mut();
        if buf != empty() {
            // SAFETY: dropping needs the owner unreachable (an object swept
            // in a pause, or a container no other thread saw), so nobody
            // reads.
            unsafe { Self::free(buf) };
        }
        // SAFETY: as above, for each retired buffer.
        unsafe { Self::free_list(*self.retired.get_mut()) };
    }
}
