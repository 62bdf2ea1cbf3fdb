//! Weak references, cleared by the collector when their target dies.

use std::fmt;
use std::marker::PhantomData;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Arc;

use crate::heap::{lock, Heap};
use crate::object::{Gc, Header};

/// The shared cell of a weak reference: the target, or null once cleared.
pub(crate) struct WeakCell {
    target: AtomicPtr<Header>,
}

impl WeakCell {
    /// Clears the cell if its target was not marked (inside a collection,
    /// after marking and before sweeping); returns whether it still points
    /// somewhere.
    ///
    /// # Safety
    /// Only inside a collection after marking, before sweeping.
    pub(crate) unsafe fn clear_if_unmarked(&self) -> bool {
        let target = self.target.load(Ordering::Relaxed);
        let Some(header) = NonNull::new(target) else {
            return false;
        };
        // SAFETY: a non-null target was alive at the previous collection's
        // end (or was cleared then), and the sweep has not run yet: the
        // header is valid to read.
        if unsafe { header.as_ref() }.is_marked() {
            true
        } else {
            self.target.store(ptr::null_mut(), Ordering::Relaxed);
            false
        }
    }

    /// Clears the cell (the heap is going away).
    pub(crate) fn clear(&self) {
        self.target.store(ptr::null_mut(), Ordering::Relaxed);
    }
}

/// A weak reference: points to its object while it is reachable, and is
/// cleared by the collector (before the object is freed) once it is not.
///
/// For interning tables and caches. `Send + Sync` when `T` is; cloning is a
/// reference-count increment.
pub struct Weak<T: 'static> {
    cell: Arc<WeakCell>,
    _target: PhantomData<Gc<T>>,
}

impl<T: 'static> Weak<T> {
    /// A weak reference to `gc`'s object.
    pub fn new(heap: &Heap, gc: Gc<T>) -> Self {
        let cell = Arc::new(WeakCell {
            target: AtomicPtr::new(gc.header().as_ptr()),
        });
        lock(&heap.inner().weaks).push(cell.clone());
        Weak {
            cell,
            _target: PhantomData,
        }
    }

    /// The object, or `None` if the collector found it unreachable.
    ///
    /// A returned `Gc` is subject to the rooting contract like any other:
    /// root it before the next safepoint if it is used after it.
    pub fn get(&self) -> Option<Gc<T>> {
        // Acquire pairs with the collector's clearing inside the pause (the
        // pause's own synchronization already orders it for mutators).
        let target = NonNull::new(self.cell.target.load(Ordering::Acquire))?;
        Some(Gc::from_box(target.cast()))
    }

    /// Whether the target was cleared.
    pub fn is_cleared(&self) -> bool {
        self.cell.target.load(Ordering::Acquire).is_null()
    }
}

impl<T: 'static> Clone for Weak<T> {
    fn clone(&self) -> Self {
        Weak {
            cell: self.cell.clone(),
            _target: PhantomData,
        }
    }
}

impl<T: 'static> fmt::Debug for Weak<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Weak")
            .field("cleared", &self.is_cleared())
            .finish()
    }
}

/// The heap's list of weak cells; cells whose `Weak`s were all dropped, or
/// that were cleared, are removed at each collection.
pub(crate) type WeakTable = Vec<Arc<WeakCell>>;

/// Clears dead targets and drops unused cells.
///
/// # Safety
/// Only inside a collection after marking, before sweeping.
pub(crate) unsafe fn process_weaks(table: &mut WeakTable) -> u64 {
    let mut cleared = 0;
    table.retain(|cell| {
        let had_target = !cell.target.load(Ordering::Relaxed).is_null();
        // SAFETY: forwarded from the caller.
        let alive = unsafe { cell.clear_if_unmarked() };
        if had_target && !alive {
            cleared += 1;
        }
        alive && Arc::strong_count(cell) > 1
    });
    cleared
}
