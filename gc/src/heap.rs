//! The heap ([`Heap`]), its configuration, and the per-thread allocation
//! handle ([`ThreadHeap`]).

use std::cell::UnsafeCell;
use std::fmt;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use stillpoint_sync::{Mutator, PauseCause, World};

use crate::alloc::{AllocState, BlockPool, LargeObjects};
use crate::object::{Gc, GcBox, Header, VTableOf};
use crate::roots::{GlobalRootId, GlobalRoots, HandleTable, Root, RootSource, ThreadRoots};
use crate::stats::{HeapStats, Totals};
use crate::trace::Trace;
use crate::weak::{Weak, WeakTable};

/// Locks a mutex, ignoring poisoning (no heap invariant is left broken by a
/// panic while one of these locks is held: collections abort instead).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Heap configuration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HeapConfig {
    /// The smallest heap size (live bytes plus bytes allocated since the
    /// last collection) that requests a collection, per thread the heap
    /// has (counted at each collection). Default 512 KiB: small enough
    /// that the cells a thread allocates, and the buffers they own, are
    /// still in its core's cache when a collection frees them and the
    /// thread allocates them again. With 8 MiB, reusing cold cells cost
    /// `board_game` and `raytrace` a fifth of their time; per thread, so
    /// that many allocating threads do not stop the world more often.
    pub initial_budget: usize,
    /// After a collection, the next one is requested when the heap reaches
    /// `growth_factor ×` the live bytes (or `initial_budget`, whichever is
    /// larger). Default 2.0.
    pub growth_factor: f64,
    /// Start in GC-stress mode (see [`Heap::set_gc_stress`]).
    pub gc_stress: bool,
    /// A soft limit on live bytes, or `None` (the default). Collections
    /// are requested before the heap grows past it, and after a collection
    /// that leaves more live bytes than this, [`Heap::over_limit`] is true:
    /// the runtime raises `MemoryError` in the thread that collected
    /// instead of growing without bound. Nothing is freed early.
    pub limit: Option<usize>,
}

impl Default for HeapConfig {
    fn default() -> Self {
        HeapConfig {
            initial_budget: 512 << 10,
            growth_factor: 2.0,
            gc_stress: false,
            limit: None,
        }
    }
}

impl HeapConfig {
    /// [`HeapConfig::initial_budget`].
    pub fn initial_budget(mut self, bytes: usize) -> Self {
        self.initial_budget = bytes;
        self
    }

    /// [`HeapConfig::growth_factor`].
    ///
    /// # Panics
    /// If `factor < 1.0` (or NaN).
    pub fn growth_factor(mut self, factor: f64) -> Self {
        assert!(factor >= 1.0, "the growth factor must be at least 1.0");
        self.growth_factor = factor;
        self
    }

    /// [`HeapConfig::gc_stress`].
    pub fn gc_stress(mut self, on: bool) -> Self {
        self.gc_stress = on;
        self
    }

    /// [`HeapConfig::limit`].
    pub fn limit(mut self, bytes: Option<usize>) -> Self {
        self.limit = bytes;
        self
    }
}

/// The garbage-collected heap of one world. Cheap to clone (a shared
/// handle); `Send + Sync`.
#[derive(Clone)]
pub struct Heap {
    inner: Arc<HeapInner>,
}

pub(crate) struct HeapInner {
    world: World,
    pub(crate) config: HeapConfig,
    stress: AtomicBool,
    /// A collection was requested and has not run yet.
    pub(crate) requested: AtomicBool,
    /// Bytes allocated since the last collection (as threads report them).
    pub(crate) allocated_since: AtomicUsize,
    /// Live bytes after the last collection.
    pub(crate) live_bytes: AtomicUsize,
    /// The heap size that requests a collection.
    pub(crate) budget: AtomicUsize,
    /// Counts collections (see [`Heap::epoch`]).
    pub(crate) epoch: AtomicU64,
    pub(crate) pool: Mutex<BlockPool>,
    pub(crate) large: Mutex<LargeObjects>,
    pub(crate) threads: Mutex<Vec<Arc<ThreadState>>>,
    pub(crate) handles: Mutex<HandleTable>,
    pub(crate) globals: Mutex<GlobalRoots>,
    pub(crate) weaks: Mutex<WeakTable>,
    pub(crate) totals: Mutex<Totals>,
    /// Set by [`Heap::free_objects_on_drop`].
    free_on_drop: AtomicBool,
}

impl Drop for HeapInner {
    fn drop(&mut self) {
        // No handle, thread heap or heap clone is left. Weak references
        // outlive the heap, cleared.
        for cell in lock(&self.weaks).drain(..) {
            cell.clear();
        }
        if !self.free_on_drop.load(Ordering::Relaxed) {
            // A `Gc` carries no lifetime: one may still be held somewhere,
            // so the objects stay (leaked) unless the owner promised
            // otherwise through `free_objects_on_drop`.
            std::mem::forget(std::mem::take(
                self.pool.get_mut().unwrap_or_else(|e| e.into_inner()),
            ));
            std::mem::forget(std::mem::take(
                self.large.get_mut().unwrap_or_else(|e| e.into_inner()),
            ));
        }
        // Otherwise the block pool and large-object list drop their objects.
    }
}

impl Heap {
    /// A heap for the mutators of `world`.
    pub fn new(world: &World, config: HeapConfig) -> Heap {
        Heap {
            inner: Arc::new(HeapInner {
                world: world.clone(),
                config,
                stress: AtomicBool::new(config.gc_stress),
                requested: AtomicBool::new(false),
                allocated_since: AtomicUsize::new(0),
                live_bytes: AtomicUsize::new(0),
                budget: AtomicUsize::new(config.initial_budget),
                epoch: AtomicU64::new(0),
                pool: Mutex::default(),
                large: Mutex::default(),
                threads: Mutex::default(),
                handles: Mutex::default(),
                globals: Mutex::default(),
                weaks: Mutex::default(),
                totals: Mutex::default(),
                free_on_drop: AtomicBool::new(false),
            }),
        }
    }

    pub(crate) fn inner(&self) -> &HeapInner {
        &self.inner
    }

    /// The world whose pauses this heap collects in.
    pub fn world(&self) -> &World {
        &self.inner.world
    }

    /// The allocation handle of the thread of `m`.
    ///
    /// # Panics
    /// If `m` is not a mutator of this heap's world (the heap relies on
    /// that world's pauses).
    pub fn thread<'m>(&self, m: &'m Mutator) -> ThreadHeap<'m> {
        self.assert_own_mutator(m);
        let state = Arc::new(ThreadState {
            alloc: UnsafeCell::new(AllocState::new()),
            roots: Mutex::default(),
        });
        lock(&self.inner.threads).push(state.clone());
        ThreadHeap {
            heap: self.clone(),
            m,
            state,
        }
    }

    /// Makes the last drop of this heap (its last `Heap` clone, `Root` and
    /// `ThreadHeap` gone) free every object, running their destructors.
    /// Without it a dropped heap leaks its objects, because a `Gc` (which
    /// carries no lifetime) may still be held somewhere:
    ///
    /// ```
    /// # use stillpoint_gc::{Heap, HeapConfig};
    /// let world = stillpoint_sync::World::new();
    /// let m = world.register();
    /// m.attach();
    /// let stale = {
    ///     let heap = Heap::new(&world, HeapConfig::default());
    ///     let th = heap.thread(&m);
    ///     th.alloc(7u32)
    /// };
    /// assert_eq!(*stale, 7); // still there: the heap leaked it
    /// ```
    ///
    /// # Safety
    /// No `Gc` of this heap is dereferenced after its last drop.
    pub unsafe fn free_objects_on_drop(&self) {
        self.inner.free_on_drop.store(true, Ordering::Relaxed);
    }

    /// Switches GC-stress mode: while on, every allocation requests a
    /// collection, so every safepoint after an allocation collects.
    pub fn set_gc_stress(&self, on: bool) {
        self.inner.stress.store(on, Ordering::Relaxed);
    }

    /// Whether GC-stress mode is on.
    #[inline]
    pub fn gc_stress(&self) -> bool {
        self.inner.stress.load(Ordering::Relaxed)
    }

    /// Whether the last collection left more live bytes than
    /// [`HeapConfig::limit`] (false without a limit).
    ///
    /// ```
    /// use stillpoint_gc::{Heap, HeapConfig};
    /// let world = stillpoint_sync::World::new();
    /// let heap = Heap::new(&world, HeapConfig::default().limit(Some(64)));
    /// let m = world.register();
    /// m.attach();
    /// let th = heap.thread(&m);
    /// let kept = heap.root(th.alloc([0u64; 32]));
    /// // SAFETY: the only object used again is rooted (`kept`).
    /// unsafe { heap.collect(&m) };
    /// assert!(heap.over_limit());
    /// drop(kept);
    /// unsafe { heap.collect(&m) };
    /// assert!(!heap.over_limit());
    /// ```
    pub fn over_limit(&self) -> bool {
        let inner = &self.inner;
        inner
            .config
            .limit
            .is_some_and(|limit| inner.live_bytes.load(Ordering::Relaxed) > limit)
    }

    /// Whether a collection was requested and has not run yet.
    pub fn collection_requested(&self) -> bool {
        self.inner.requested.load(Ordering::Relaxed)
    }

    /// The safepoint service: collects if a collection was requested (or
    /// always, in GC-stress mode). Call it from safepoints:
    /// `m.poll_with(|m| unsafe { heap.service(m) })`.
    ///
    /// # Safety
    /// The rooting contract (crate docs): every mutator of the world keeps
    /// each `Gc` it will use again reachable from a root at this point.
    ///
    /// # Panics
    /// If `m` is not a mutator of this heap's world.
    pub unsafe fn service(&self, m: &Mutator) {
        let stress = self.gc_stress();
        if stress || self.collection_requested() {
            // SAFETY: forwarded from the caller.
            unsafe { self.collect_with(m, !stress) };
        }
    }

    /// Collects now, stopping the world.
    ///
    /// # Safety
    /// As for [`Heap::service`].
    pub unsafe fn collect(&self, m: &Mutator) {
        // SAFETY: forwarded from the caller.
        unsafe { self.collect_with(m, false) };
    }

    /// # Safety
    /// As for [`Heap::service`].
    unsafe fn collect_with(&self, m: &Mutator, only_if_requested: bool) {
        self.assert_own_mutator(m);
        m.stop_the_world_for(PauseCause::Collection, || {
            // SAFETY: this is a pause of the heap's world (asserted just
            // above), and the caller upholds the rooting contract.
            unsafe { self.inner.collect_in_pause(only_if_requested) }
        });
    }

    fn assert_own_mutator(&self, m: &Mutator) {
        assert!(
            m.world().same_world(&self.inner.world),
            "the mutator belongs to another world than the heap"
        );
    }

    /// Collects now from a thread that is not an attached mutator (a host
    /// thread), stopping the world.
    ///
    /// # Safety
    /// The rooting contract, as for [`Heap::service`].
    ///
    /// # Panics
    /// If the calling thread is an attached mutator of the world.
    pub unsafe fn collect_from_host(&self) {
        self.inner
            .world
            .stop_the_world_for(PauseCause::Collection, || {
                // SAFETY: a pause of the heap's world; the caller upholds
                // the rooting contract.
                unsafe { self.inner.collect_in_pause(false) }
            });
    }

    /// Roots `gc` in a handle until the last clone of the handle drops.
    pub fn root<T: 'static>(&self, gc: Gc<T>) -> Root<T> {
        Root::new(&self.inner, gc)
    }

    /// A weak reference to `gc`'s object.
    pub fn weak<T: 'static>(&self, gc: Gc<T>) -> Weak<T> {
        Weak::new(self, gc)
    }

    /// Adds a global root source (module tables, runtime globals).
    pub fn add_global_root(&self, source: impl RootSource + Send + 'static) -> GlobalRootId {
        lock(&self.inner.globals).add(Box::new(source))
    }

    /// Removes a global root source; returns whether it was there.
    pub fn remove_global_root(&self, id: GlobalRootId) -> bool {
        let removed = lock(&self.inner.globals).remove(id);
        removed.is_some() // dropped outside the lock
    }

    /// The collection epoch: it changes in every collection, before any
    /// freed memory can be reused, and at no other time. So an object
    /// address remembered during one epoch names the same object for as
    /// long as the epoch is unchanged (caches keyed by raw addresses check
    /// it instead of rooting what they remember). One relaxed load; the
    /// pause orders it with the collection.
    #[inline]
    pub fn epoch(&self) -> u64 {
        self.inner.epoch.load(Ordering::Relaxed)
    }

    /// A snapshot of the statistics.
    pub fn stats(&self) -> HeapStats {
        let inner = &self.inner;
        let (heap_blocks, in_use, empty) = {
            let pool = lock(&inner.pool);
            let (in_use, empty) = pool.block_counts();
            (pool.block_bytes(), in_use, empty)
        };
        let (large_bytes, large_count) = {
            let large = lock(&inner.large);
            (large.bytes(), large.count())
        };
        let handles = lock(&inner.handles).len() as u64;
        let totals = lock(&inner.totals);
        HeapStats {
            collections: totals.collections,
            collections_skipped: totals.skipped,
            objects_freed: totals.objects_freed,
            bytes_freed: totals.bytes_freed,
            last: totals.last,
            heap_size: (heap_blocks + large_bytes) as u64,
            blocks_in_use: in_use as u64,
            blocks_empty: empty as u64,
            large_objects: large_count as u64,
            live_bytes: inner.live_bytes.load(Ordering::Relaxed) as u64,
            allocated_since_collection: inner.allocated_since.load(Ordering::Relaxed) as u64,
            budget: inner.budget.load(Ordering::Relaxed) as u64,
            handles,
            pauses: inner.world.stats().pauses_for(PauseCause::Collection),
        }
    }

    /// Adds `bytes` to the budget's count; past the budget, requests a
    /// collection at this thread's next safepoint.
    fn report_allocated(&self, bytes: usize, m: &Mutator) {
        let inner = &self.inner;
        let since = inner.allocated_since.fetch_add(bytes, Ordering::Relaxed) + bytes;
        let size = inner.live_bytes.load(Ordering::Relaxed) + since;
        if size >= inner.budget.load(Ordering::Relaxed) {
            inner.requested.store(true, Ordering::Relaxed);
            m.request_service();
        }
    }
}

impl fmt::Debug for Heap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Heap")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// What the heap keeps of one thread: its allocation state and its roots.
pub(crate) struct ThreadState {
    /// Used without a lock by the owning thread while it is attached, and
    /// by the collector inside a pause (while the owner is parked or
    /// detached); see [`ThreadState::alloc_state`].
    alloc: UnsafeCell<AllocState>,
    pub(crate) roots: Mutex<ThreadRoots>,
}

// SAFETY: `roots` is behind a mutex. `alloc` is only touched by its owner
// while attached (no collection can run then: a pause waits for every
// attached thread to park first), by the collector inside a pause, and by
// the owner's `ThreadHeap::drop` under the threads lock, which the
// collector holds for the whole collection. Its raw block pointers are
// heap memory, not tied to a thread.
unsafe impl Sync for ThreadState {}
// SAFETY: as for `Sync`.
unsafe impl Send for ThreadState {}

impl ThreadState {
    /// The allocation state.
    ///
    /// # Safety
    /// The caller is either the owning thread while it is attached to the
    /// heap's world (or holds the heap's threads lock), or the collector
    /// inside a pause; and it holds no other reference from this method.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn alloc_state(&self) -> &mut AllocState {
        // SAFETY: the caller's contract gives exclusive access.
        unsafe { &mut *self.alloc.get() }
    }
}

/// One mutator thread's handle on the heap: allocation without locks on
/// the fast path, handle scopes, and the thread's root source.
///
/// Tied to its [`Mutator`] (and so to its thread: not `Send`). Dropping it
/// returns its current blocks to the heap and removes its roots.
pub struct ThreadHeap<'m> {
    heap: Heap,
    m: &'m Mutator,
    state: Arc<ThreadState>,
}

impl<'m> ThreadHeap<'m> {
    /// The heap.
    pub fn heap(&self) -> &Heap {
        &self.heap
    }

    /// The mutator this handle belongs to.
    pub fn mutator(&self) -> &'m Mutator {
        self.m
    }

    pub(crate) fn state(&self) -> &ThreadState {
        &self.state
    }

    /// Allocates `value` in the heap. Never collects: past the budget it
    /// requests a collection, which runs at this thread's next safepoint
    /// that services the heap ([`ThreadHeap::safepoint`], or
    /// `m.poll_with(|m| unsafe { heap.service(m) })`).
    ///
    /// Small objects (header included, at most 2 KiB, alignment at most 16)
    /// come from this thread's current block for their size class without a
    /// lock; larger or over-aligned objects are allocated individually.
    ///
    /// # Panics
    /// If the thread is not attached.
    #[inline(always)]
    pub fn alloc<T: Trace + Send + 'static>(&self, value: T) -> Gc<T> {
        // Not dropped if a check below panics (it leaks): no unwinding path
        // needs `value` in memory, so an inlined caller can build it in
        // registers and store it straight into the cell.
        let value = std::mem::ManuallyDrop::new(value);
        assert!(
            self.m.is_attached(),
            "ThreadHeap::alloc: the thread must be attached (and not inside a collection)"
        );
        let vtable = VTableOf::<T>::VTABLE;
        if self.heap.gc_stress() {
            self.heap.inner.requested.store(true, Ordering::Relaxed);
            self.m.request_service();
        }
        let cell = match vtable.class {
            Some(class) => {
                // SAFETY: we are the owning thread and attached (asserted
                // above), and hold no other reference to the state.
                match unsafe { self.state.alloc_state() }.pop(class) {
                    Some(cell) => cell,
                    None => self.alloc_small_slow(class),
                }
            }
            None => self.alloc_large(vtable.layout),
        };
        let ptr = cell.cast::<GcBox<T>>();
        // SAFETY: `cell` is a free cell (or fresh allocation) owned by this
        // thread, large and aligned enough for `GcBox<T>` (its size class,
        // or its own layout), and no collection runs while we are attached.
        unsafe {
            ptr.as_ptr().write(GcBox {
                header: Header::allocated(vtable),
                value: std::mem::ManuallyDrop::into_inner(value),
            })
        };
        Gc::from_box(ptr)
    }

    #[cold]
    #[inline(never)]
    fn alloc_small_slow(&self, class: usize) -> NonNull<Header> {
        // SAFETY: the owning thread, attached (checked by `alloc`).
        let state = unsafe { self.state.alloc_state() };
        let unreported = std::mem::take(&mut state.unreported_bytes);
        let mut block = {
            let mut pool = lock(&self.heap.inner.pool);
            if let Some(old) = state.current[class].take() {
                // SAFETY: the old current block was ours; we stop using it.
                unsafe { pool.give_back(old) };
            }
            pool.take(class)
        };
        state.current[class] = Some(block);
        // SAFETY: the pool handed the block to this thread alone.
        let b = unsafe { block.as_mut() };
        let cell = b.pop().expect("the pool hands out blocks with free cells");
        state.unreported_bytes = b.cell_size();
        self.heap.report_allocated(unreported, self.m);
        cell
    }

    #[cold]
    fn alloc_large(&self, layout: std::alloc::Layout) -> NonNull<Header> {
        let cell = lock(&self.heap.inner.large).alloc(layout);
        self.heap.report_allocated(layout.size(), self.m);
        cell
    }

    /// A safepoint that services the heap: parks if a pause is pending, and
    /// collects if this thread's allocations requested it (or in GC-stress
    /// mode after any allocation).
    ///
    /// # Safety
    /// The rooting contract, as for [`Heap::service`].
    #[inline]
    pub unsafe fn safepoint(&self) {
        // SAFETY: forwarded from the caller.
        self.m.poll_with(|m| unsafe { self.heap.service(m) });
    }

    /// Collects now (see [`Heap::collect`]).
    ///
    /// # Safety
    /// As for [`Heap::service`].
    pub unsafe fn collect(&self) {
        // SAFETY: forwarded from the caller; our mutator belongs to the
        // heap's world (a condition of `Heap::thread`).
        unsafe { self.heap.collect(self.m) };
    }

    /// A rooted handle (see [`Heap::root`]).
    pub fn root<T: 'static>(&self, gc: Gc<T>) -> Root<T> {
        self.heap.root(gc)
    }
}

impl Drop for ThreadHeap<'_> {
    fn drop(&mut self) {
        let inner = &self.heap.inner;
        let mut threads = lock(&inner.threads);
        // SAFETY: we hold the threads lock, which a collection holds
        // throughout, and we are the owning thread.
        let state = unsafe { self.state.alloc_state() };
        {
            let mut pool = lock(&inner.pool);
            for block in state.current.iter_mut().filter_map(Option::take) {
                // SAFETY: our current block; we stop using it.
                unsafe { pool.give_back(block) };
            }
        }
        let unreported = std::mem::take(&mut state.unreported_bytes);
        inner
            .allocated_since
            .fetch_add(unreported, Ordering::Relaxed);
        threads.retain(|t| !Arc::ptr_eq(t, &self.state));
    }
}

impl fmt::Debug for ThreadHeap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadHeap").finish_non_exhaustive()
    }
}
