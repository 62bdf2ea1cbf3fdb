//! Heap objects: the header every object starts with, its type's vtable,
//! and [`Gc<T>`], the pointer to an object.

use std::alloc::Layout;
use std::cell::Cell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::Deref;
use std::ptr::{self, NonNull};

use crate::alloc::class_of;
use crate::trace::{Trace, Tracer};

/// The low bit of the vtable pointer is the mark bit (vtables are aligned
/// to at least 8 bytes, so the bit is free).
const MARK_BIT: usize = 1;

/// The first 16 bytes of every cell, allocated or free.
///
/// Allocated: `vtable` points to the object's type vtable (low bit: mark).
/// Free: `vtable` is null and `next_free` links the block's free list.
///
/// Headers are written by the allocating thread on cells it owns, and by
/// the collector inside a pause (every mutator parked); never both at once,
/// so plain `Cell`s suffice.
#[repr(C)]
pub(crate) struct Header {
    vtable: Cell<*const VTable>,
    next_free: Cell<*mut Header>,
}

impl Header {
    /// The header of a free cell linking to `next`.
    pub(crate) fn free(next: *mut Header) -> Header {
        Header {
            vtable: Cell::new(ptr::null()),
            next_free: Cell::new(next),
        }
    }

    /// The header of a new, unmarked object of the type `vtable` describes.
    pub(crate) fn allocated(vtable: &'static VTable) -> Header {
        Header {
            vtable: Cell::new(vtable),
            next_free: Cell::new(ptr::null_mut()),
        }
    }

    /// The object's vtable, or `None` for a free cell.
    pub(crate) fn vtable(&self) -> Option<&'static VTable> {
        let vtable = self.vtable.get().map_addr(|a| a & !MARK_BIT);
        // SAFETY: a non-null vtable pointer (mark bit removed) always comes
        // from `Header::allocated`, which only takes `&'static VTable`.
        unsafe { vtable.as_ref() }
    }

    pub(crate) fn is_marked(&self) -> bool {
        self.vtable.get().addr() & MARK_BIT != 0
    }

    pub(crate) fn set_mark(&self) {
        self.vtable
            .set(self.vtable.get().map_addr(|a| a | MARK_BIT));
    }

    pub(crate) fn clear_mark(&self) {
        self.vtable
            .set(self.vtable.get().map_addr(|a| a & !MARK_BIT));
    }

    pub(crate) fn next_free(&self) -> *mut Header {
        self.next_free.get()
    }

    /// Turns this cell into a free cell linking to `next` (its value must
    /// already be dropped).
    pub(crate) fn make_free(&self, next: *mut Header) {
        self.vtable.set(ptr::null());
        self.next_free.set(next);
    }
}

/// An object in memory: its header, then its value.
#[repr(C)]
pub(crate) struct GcBox<T> {
    pub(crate) header: Header,
    pub(crate) value: T,
}

/// What the collector needs to know about one object type.
pub(crate) struct VTable {
    /// Traces the value of the object whose header is given.
    pub(crate) trace: unsafe fn(NonNull<Header>, &mut Tracer),
    /// Drops the value in place of the object whose header is given.
    pub(crate) drop_value: unsafe fn(NonNull<Header>),
    /// The layout of the whole `GcBox<T>`.
    pub(crate) layout: Layout,
    /// Its size class (index), or `None` for large objects.
    pub(crate) class: Option<usize>,
}

/// Holder of one vtable per type (a `const` of a generic type, so each
/// `&VTable` is a `'static` constant).
pub(crate) struct VTableOf<T>(PhantomData<T>);

impl<T: Trace + 'static> VTableOf<T> {
    pub(crate) const VTABLE: &'static VTable = &VTable {
        trace: trace_value::<T>,
        drop_value: drop_value::<T>,
        layout: Layout::new::<GcBox<T>>(),
        class: class_of(Layout::new::<GcBox<T>>()),
    };
}

/// # Safety
/// `header` must be the header of a live (allocated, not yet dropped)
/// `GcBox<T>`, and no mutator may run (the collector calls this inside a
/// pause).
unsafe fn trace_value<T: Trace>(header: NonNull<Header>, tracer: &mut Tracer) {
    // SAFETY: by the contract, `header` starts a live `GcBox<T>` (repr(C):
    // the header is at offset 0), so its value may be borrowed.
    let value = unsafe { &(*header.cast::<GcBox<T>>().as_ptr()).value };
    value.trace(tracer);
}

/// # Safety
/// `header` must be the header of a live `GcBox<T>` that nothing will use
/// again; after this call its value is dropped and the cell is raw memory.
unsafe fn drop_value<T>(header: NonNull<Header>) {
    // SAFETY: by the contract the value is live and unused from now on, so
    // dropping it in place is its one and only drop.
    unsafe {
        ptr::drop_in_place(ptr::addr_of_mut!(
            (*header.cast::<GcBox<T>>().as_ptr()).value
        ))
    }
}

/// A pointer to an object in the GC heap: `Copy`, one word, unrooted.
///
/// A `Gc<T>` stays valid as long as the object is reachable from a root at
/// every safepoint where a collection could run (the crate's rooting
/// contract, see the crate docs). Dereferencing is safe: the unsafety is
/// carried by the collection entry points ([`crate::Heap::collect`],
/// [`crate::Heap::service`]), whose callers promise the contract holds.
///
/// `Gc<T>` is `Send + Sync` when `T` is: objects are shared between the
/// threads of a free-threaded runtime.
pub struct Gc<T: 'static> {
    ptr: NonNull<GcBox<T>>,
}

// SAFETY: a `Gc<T>` is a shared reference to a `T` that lives in the heap;
// sharing or sending it is sharing a `&T`, which needs `T: Sync`; the value
// may be dropped on another thread (the collector's), which needs `T: Send`.
unsafe impl<T: Send + Sync> Send for Gc<T> {}
// SAFETY: as for `Send`.
unsafe impl<T: Send + Sync> Sync for Gc<T> {}

impl<T: 'static> Gc<T> {
    /// Wraps a pointer to a freshly written `GcBox<T>`.
    pub(crate) fn from_box(ptr: NonNull<GcBox<T>>) -> Self {
        Gc { ptr }
    }

    /// The object's header.
    pub(crate) fn header(self) -> NonNull<Header> {
        self.ptr.cast()
    }

    /// Whether two pointers name the same object.
    pub fn ptr_eq(a: Gc<T>, b: Gc<T>) -> bool {
        a.ptr == b.ptr
    }

    /// The object's address as a raw pointer (for the runtime's 64-bit
    /// value words). Turn it back with [`Gc::from_raw`].
    pub fn into_raw(self) -> *const () {
        self.ptr.as_ptr() as *const ()
    }

    /// Turns a pointer from [`Gc::into_raw`] back into a `Gc<T>`.
    ///
    /// # Safety
    /// `raw` must come from `Gc::<T>::into_raw` (same `T`), and the object
    /// must still be alive (reachable since, as the rooting contract asks).
    pub unsafe fn from_raw(raw: *const ()) -> Self {
        Gc {
            // SAFETY: `raw` came from a `NonNull` (the contract above).
            ptr: unsafe { NonNull::new_unchecked(raw as *mut GcBox<T>) },
        }
    }

    /// The bytes this object occupies in the heap: its size-class cell, or
    /// its own allocation for a large object.
    pub fn allocation_size(self) -> usize {
        crate::alloc::allocation_size(self.vtable())
    }

    fn vtable(self) -> &'static VTable {
        // SAFETY: the rooting contract keeps the object allocated while a
        // `Gc` to it is used, and only the collector writes its header, while
        // no mutator runs.
        let header = unsafe { self.header().as_ref() };
        header
            .vtable()
            .expect("Gc points to a freed cell: the rooting contract was broken")
    }
}

impl<T: 'static> Clone for Gc<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Gc<T> {}

impl<T: 'static> Deref for Gc<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the rooting contract keeps the object alive while `Gc`s to
        // it are used; values are only dropped by the collector (inside a
        // pause, unreachable objects) or when the heap itself is dropped.
        unsafe { &(*self.ptr.as_ptr()).value }
    }
}

impl<T: 'static> PartialEq for Gc<T> {
    fn eq(&self, other: &Self) -> bool {
        self.ptr == other.ptr
    }
}

impl<T: 'static> Eq for Gc<T> {}

impl<T: 'static> Hash for Gc<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.ptr.hash(state);
    }
}

impl<T: fmt::Debug + 'static> fmt::Debug for Gc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Gc").field(&**self).finish()
    }
}

/// A type-erased object pointer, as the root tables keep it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct ErasedGc(pub(crate) NonNull<Header>);

// SAFETY: an `ErasedGc` is only dereferenced by the collector inside a
// pause; moving the address between threads does not touch the object.
unsafe impl Send for ErasedGc {}

impl<T: 'static> From<Gc<T>> for ErasedGc {
    fn from(gc: Gc<T>) -> Self {
        ErasedGc(gc.header())
    }
}
