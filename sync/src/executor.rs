//! Executors, their validity cells, dependencies, install and invalidation.
//!
//! The protocol treats an executor as an opaque payload `T` with a validity
//! flag. Its life:
//!
//! 1. The optimizer asks [`World::assume`] / [`World::assume_object`] for a
//!    [`Dependency`] *before* it reads the state it will assume; `None`
//!    means the threshold is reached: keep the guard instead.
//! 2. [`World::install`] registers the executor on every dependency, each
//!    under that dependency's lock, re-checking there that its counter is
//!    unchanged (register-then-check: a fire either sees the registration
//!    or the installer sees the fire), then links it into an
//!    [`ExecutorSlot`].
//! 3. Threads enter it through [`ExecutorSlot::enter`], which returns an
//!    [`ExecutorRef`] that keeps it alive and checks validity.
//! 4. A fire marks it invalid (running threads leave at their next
//!    [`ExecutorRef::is_valid`] check), unlinks it from its slot (no new
//!    entries) and retires it; [`crate::reclaim`] frees it once no thread
//!    can be inside.
//!
//! Dependency registries are per-object lists (see ARCHITECTURE.md for the
//! measurement against a CPython-style bloom filter). An executor stays in
//! the lists of its other dependencies after it is invalidated; lists prune
//! invalid entries when they grow, so each stays within twice its valid
//! entries plus a constant.

use std::marker::PhantomData;
use std::ptr;

use crate::event::{EventKind, Scope, Watchable};
use crate::mutator::Mutator;
use crate::primitive::{Arc, AtomicBool, AtomicPtr, Mutex, Ordering};
use crate::stats::Counters;
use crate::world::{fault, World, WorldInner};

/// Identity of an installed executor (unique within its world).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExecutorId(pub u64);

/// The part of an executor that registries share: identity, validity, the
/// link to its slot, and the payload (freed by reclamation).
pub(crate) struct ExecutorCore {
    id: u64,
    world: usize,
    valid: AtomicBool,
    /// The boxed payload; swapped to null when freed, so it is freed once.
    payload: AtomicPtr<()>,
    drop_payload: unsafe fn(*mut ()),
    link: Mutex<Link>,
    counters: Arc<Counters>,
}

enum Link {
    /// Registered on its dependencies, not yet in a slot.
    Pending,
    /// In this slot, which holds one strong reference to the core.
    Linked(*const SlotCell),
    /// Out of its slot for good.
    Gone,
}

// SAFETY: the payload pointer is a `Box<T>` with `T: Send + Sync` (enforced
// by `World::install`), freed once through the atomic swap; the slot pointer
// in `Link::Linked` is dereferenced only under the `link` lock while it is
// `Linked`, and a slot moves its executor out of that state under the same
// lock before its memory goes away (`ExecutorSlot::drop`).
unsafe impl Send for ExecutorCore {}
// SAFETY: as for `Send`; every shared field is atomic or behind a lock.
unsafe impl Sync for ExecutorCore {}

/// Drops a `Box<T>` given as an erased pointer.
///
/// # Safety
/// `p` must come from `Box::<T>::into_raw` and not have been freed.
unsafe fn drop_box<T>(p: *mut ()) {
    // SAFETY: by the contract, `p` is a live `Box<T>` we own.
    drop(unsafe { Box::from_raw(p as *mut T) });
}

impl ExecutorCore {
    #[inline]
    pub(crate) fn is_valid(&self) -> bool {
        self.valid.load(Ordering::Relaxed)
    }

    /// Frees the payload if it has not been freed yet. The caller must know
    /// that no thread can be inside the executor.
    pub(crate) fn free_payload(&self) {
        let p = self.payload.swap(ptr::null_mut(), Ordering::AcqRel);
        if !p.is_null() {
            // SAFETY: `p` is the payload box installed with this core's
            // `drop_payload`; the swap hands it to exactly one caller.
            unsafe { (self.drop_payload)(p) };
            self.counters.freed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The executors that assumed one object (or one global event) unchanged.
#[derive(Default)]
pub(crate) struct Dependents {
    list: Vec<Arc<ExecutorCore>>,
    /// Prune invalid entries when the list reaches this length.
    prune_at: usize,
}

impl Dependents {
    fn push(&mut self, core: Arc<ExecutorCore>) {
        if self.list.len() >= self.prune_at {
            self.list.retain(|c| c.is_valid());
            self.prune_at = (self.list.len() * 2).max(8);
        }
        self.list.push(core);
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    fn take(&mut self) -> Vec<Arc<ExecutorCore>> {
        self.prune_at = 0;
        std::mem::take(&mut self.list)
    }
}

/// What an executor assumes: that a global event kind, or a local event on
/// one object, does not happen after the moment this was taken.
#[derive(Clone, Copy, Debug)]
pub struct Dependency<'a> {
    on: DependencyOn<'a>,
    observed: u32,
}

#[derive(Clone, Copy, Debug)]
enum DependencyOn<'a> {
    Global(EventKind),
    Object(&'a Watchable),
}

impl Dependency<'_> {
    /// The counter value the optimizer observed when it took this
    /// dependency (install fails if the counter moved since).
    pub fn observed(&self) -> u32 {
        self.observed
    }

    /// The event kind this dependency is about.
    pub fn kind(&self) -> EventKind {
        match self.on {
            DependencyOn::Global(kind) => kind,
            DependencyOn::Object(w) => w.kind(),
        }
    }
}

/// Why [`World::install`] refused an executor. Its payload was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstallError {
    /// A dependency's event fired after the optimizer took it.
    DependencyFired(EventKind),
    /// A dependency fired while the executor was being installed.
    InvalidatedDuringInstall,
    /// The slot already holds a valid executor.
    SlotOccupied,
}

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InstallError::DependencyFired(kind) => {
                write!(
                    f,
                    "a {} event fired after the optimizer relied on it",
                    kind.name()
                )
            }
            InstallError::InvalidatedDuringInstall => {
                write!(f, "invalidated while being installed")
            }
            InstallError::SlotOccupied => write!(f, "the slot already holds an executor"),
        }
    }
}

impl std::error::Error for InstallError {}

/// Where a slot's executor pointer lives; boxed so that it never moves
/// while an executor points back at it.
struct SlotCell {
    ptr: AtomicPtr<ExecutorCore>,
}

/// An entry point that holds at most one executor of payload type `T`
/// (for example one per code object and loop head). Shared by all threads.
pub struct ExecutorSlot<T> {
    cell: Box<SlotCell>,
    _payload: PhantomData<T>,
}

impl<T: Send + Sync + 'static> Default for ExecutorSlot<T> {
    fn default() -> Self {
        ExecutorSlot::new()
    }
}

impl<T: Send + Sync + 'static> ExecutorSlot<T> {
    /// An empty slot.
    pub fn new() -> Self {
        ExecutorSlot {
            cell: Box::new(SlotCell {
                ptr: AtomicPtr::new(ptr::null_mut()),
            }),
            _payload: PhantomData,
        }
    }

    /// Whether an executor is linked here (it may be invalidated at any
    /// moment after this returns).
    pub fn is_linked(&self) -> bool {
        !self.cell.ptr.load(Ordering::Acquire).is_null()
    }

    /// Enters the linked executor if there is a valid one. While the
    /// returned reference lives, the executor is not freed.
    ///
    /// # Panics
    /// If `mutator` is not attached, or belongs to another world than the
    /// executor.
    #[inline]
    pub fn enter<'a>(&'a self, mutator: &'a Mutator) -> Option<ExecutorRef<'a, T>> {
        assert!(
            mutator.is_attached(),
            "ExecutorSlot::enter: the mutator is detached"
        );
        let p = self.cell.ptr.load(Ordering::Acquire);
        if p.is_null() {
            return None;
        }
        // SAFETY: `p` was linked here when we loaded it, and we are an
        // attached, online mutator that has not passed a quiescent point
        // since: an unlink after our last report is retired with a goal
        // beyond our sequence, so the core and its payload are not freed
        // until this thread reports again, which it cannot do while the
        // `ExecutorRef` created below holds its depth above zero.
        let core = unsafe { &*p };
        assert_eq!(
            core.world,
            mutator.world.inner.id(),
            "ExecutorSlot::enter: the mutator belongs to another world"
        );
        if !core.is_valid() {
            return None;
        }
        let payload = core.payload.load(Ordering::Relaxed) as *const T;
        if payload.is_null() {
            // Unreachable while reclamation keeps its contract; a cheap
            // refusal keeps a broken variant (loom fault) from going further.
            return None;
        }
        mutator.depth.set(mutator.depth.get() + 1);
        // SAFETY: the payload is a live `Box<T>` (this slot's type) kept
        // alive exactly as long as the core, as argued above.
        let payload = unsafe { &*payload };
        Some(ExecutorRef {
            core,
            payload,
            mutator,
        })
    }

    /// Invalidates, unlinks and retires the linked executor, if any.
    /// Returns whether there was one. Frees nothing itself (this may run
    /// inside a pause): the retired executor is freed by reclamation.
    pub fn invalidate(&self, world: &World) -> bool {
        let inner = &world.inner;
        let Some(core) = inner.invalidate_slot(&self.cell) else {
            return false;
        };
        inner.reclaimer.retire(inner, vec![core]);
        true
    }
}

impl<T> Drop for ExecutorSlot<T> {
    fn drop(&mut self) {
        // `&mut self`: no `ExecutorRef` borrows this slot, so no thread is
        // inside the linked executor and it can be freed at once.
        let p = self.cell.ptr.swap(ptr::null_mut(), Ordering::AcqRel);
        if p.is_null() {
            return;
        }
        // SAFETY: the swap took the slot's strong reference out of the slot.
        let core = unsafe { Arc::from_raw(p as *const ExecutorCore) };
        core.valid.store(false, Ordering::Release);
        // Any invalidator that saw `Linked` finishes under this lock before
        // we let the cell's memory go.
        *core.link.lock() = Link::Gone;
        core.free_payload();
    }
}

/// A thread's presence inside an executor. Dereferences to the payload;
/// the executor is not freed while this lives.
pub struct ExecutorRef<'a, T> {
    core: &'a ExecutorCore,
    payload: &'a T,
    mutator: &'a Mutator,
}

impl<T> ExecutorRef<'_, T> {
    /// The validity check: false once the executor was invalidated. Running
    /// code must leave at its next check after this turns false.
    #[inline(always)]
    pub fn is_valid(&self) -> bool {
        self.core.is_valid()
    }

    /// The executor's identity.
    pub fn id(&self) -> ExecutorId {
        ExecutorId(self.core.id)
    }
}

impl<T> ExecutorRef<'_, T> {
    /// A handle on this executor's validity flag that outlives the
    /// reference: for a runtime that leaves the executor's grace period
    /// (drops the reference) around code that reaches safepoints, and
    /// keeps what it needs of the payload alive itself (for example an
    /// `Arc` payload it cloned). The handle keeps the flag readable, never
    /// the payload.
    pub fn validity(&self) -> Validity {
        let p = self.core as *const ExecutorCore;
        // SAFETY: `core` came from `Arc::into_raw` (the slot's strong
        // reference) and is alive while this reference is (see `enter`);
        // the `ManuallyDrop` leaves that reference's count as it was, and
        // the clone takes a count of its own.
        let slot_ref = std::mem::ManuallyDrop::new(unsafe { Arc::from_raw(p) });
        Validity(Arc::clone(&slot_ref))
    }
}

/// An executor's validity flag, readable after leaving the executor (see
/// [`ExecutorRef::validity`]).
pub struct Validity(Arc<ExecutorCore>);

impl Validity {
    /// False once the executor was invalidated (one relaxed load: an
    /// invalidation that happened before this thread synchronized with the
    /// event's thread is seen by coherence).
    #[inline(always)]
    pub fn is_valid(&self) -> bool {
        self.0.is_valid()
    }
}

impl std::fmt::Debug for Validity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Validity").field(&self.is_valid()).finish()
    }
}

impl<T> std::ops::Deref for ExecutorRef<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.payload
    }
}

impl<T> Drop for ExecutorRef<'_, T> {
    fn drop(&mut self) {
        let m = self.mutator;
        let depth = m.depth.get() - 1;
        m.depth.set(depth);
        if depth == 0 && m.quiesce_pending.get() {
            m.report_quiescent();
        }
    }
}

impl World {
    /// A dependency on a global event kind, or `None` if the optimizer may
    /// no longer assume it (threshold reached): then keep the guard.
    ///
    /// Take it *before* reading the state the executor will assume.
    ///
    /// # Panics
    /// If `kind` is a local event kind.
    pub fn assume(&self, kind: EventKind) -> Option<Dependency<'static>> {
        assert_eq!(
            kind.scope(),
            Scope::Global,
            "World::assume: {kind:?} is local"
        );
        let w = &self.inner.globals[kind.index()];
        let observed = w.count.acquire();
        (observed < self.inner.config.limit(kind)).then_some(Dependency {
            on: DependencyOn::Global(kind),
            observed,
        })
    }

    /// A dependency on one object staying unchanged, or `None` if its
    /// threshold is reached. Take it *before* reading the object.
    pub fn assume_object<'a>(&self, object: &'a Watchable) -> Option<Dependency<'a>> {
        let observed = object.count.acquire();
        (observed < self.inner.config.limit(object.kind())).then_some(Dependency {
            on: DependencyOn::Object(object),
            observed,
        })
    }

    /// Whether the optimizer may still assume `kind` does not happen (for
    /// global kinds) — a query without a dependency.
    pub fn may_assume(&self, kind: EventKind) -> bool {
        self.inner.globals[kind.index()].count.relaxed() < self.inner.config.limit(kind)
    }

    /// Whether the optimizer may still assume `object` unchanged.
    pub fn may_assume_object(&self, object: &Watchable) -> bool {
        object.count.relaxed() < self.inner.config.limit(object.kind())
    }

    /// Installs `payload` as the executor of `slot`, depending on `deps`.
    ///
    /// Register-then-check: the executor is registered on each dependency
    /// under that dependency's lock, where its counter is checked against
    /// the value the optimizer observed. It fails cleanly (dropping the
    /// payload) if any dependency fired since, or if the slot is occupied.
    pub fn install<T: Send + Sync + 'static>(
        &self,
        slot: &ExecutorSlot<T>,
        payload: T,
        deps: &[Dependency<'_>],
    ) -> Result<ExecutorId, InstallError> {
        let inner = &self.inner;
        let id = inner.fresh_executor_id();
        let core = Arc::new(ExecutorCore {
            id,
            world: inner.id(),
            valid: AtomicBool::new(true),
            payload: AtomicPtr::new(Box::into_raw(Box::new(payload)) as *mut ()),
            drop_payload: drop_box::<T>,
            link: Mutex::new(Link::Pending),
            counters: inner.counters.clone(),
        });
        inner.counters.created.fetch_add(1, Ordering::Relaxed);
        let fail = |error: InstallError| {
            core.valid.store(false, Ordering::Release);
            // Never linked: no thread can be inside.
            core.free_payload();
            inner
                .counters
                .install_failed
                .fetch_add(1, Ordering::Relaxed);
            Err(error)
        };
        let checks_before_locking = inner.fault(fault!(InstallChecksBeforeLocking));
        for dep in deps {
            let w = inner.watchable(dep);
            if checks_before_locking && w.count.acquire() != dep.observed {
                return fail(InstallError::DependencyFired(dep.kind()));
            }
            let mut dependents = w.dependents.lock();
            if !checks_before_locking && w.count.relaxed() != dep.observed {
                drop(dependents);
                return fail(InstallError::DependencyFired(dep.kind()));
            }
            dependents.push(core.clone());
        }
        let mut link = core.link.lock();
        if !core.is_valid() {
            drop(link);
            return fail(InstallError::InvalidatedDuringInstall);
        }
        let raw = Arc::into_raw(core.clone()) as *mut ExecutorCore;
        match slot.cell.ptr.compare_exchange(
            ptr::null_mut(),
            raw,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => {
                *link = Link::Linked(&*slot.cell as *const SlotCell);
                drop(link);
                inner.counters.installed.fetch_add(1, Ordering::Relaxed);
                Ok(ExecutorId(id))
            }
            Err(_) => {
                // SAFETY: `raw` came from `Arc::into_raw` just above and was
                // not published.
                drop(unsafe { Arc::from_raw(raw as *const ExecutorCore) });
                drop(link);
                fail(InstallError::SlotOccupied)
            }
        }
    }
}

impl WorldInner {
    fn watchable<'a>(&'a self, dep: &Dependency<'a>) -> &'a Watchable {
        match dep.on {
            DependencyOn::Global(kind) => &self.globals[kind.index()],
            DependencyOn::Object(w) => w,
        }
    }

    /// Invalidates every dependent of `w` and bumps its counter, if the
    /// counter is below `limit` (checked under the lock: a racing fire may
    /// have reached it first, then `None`). Returns the unlinked executors,
    /// for the caller to retire.
    pub(crate) fn invalidate_dependents(
        &self,
        w: &Watchable,
        kind: EventKind,
        limit: u32,
    ) -> Option<Vec<Arc<ExecutorCore>>> {
        let mut dependents = w.dependents.lock();
        if w.count.relaxed() >= limit {
            return None;
        }
        let count_first = self.fault(fault!(CountBeforeInvalidating));
        if count_first {
            w.count.bump_locked();
        }
        let mut unlinked = Vec::new();
        for core in dependents.take() {
            if let Some(slot_ref) = self.invalidate_core(&core, kind) {
                unlinked.push(slot_ref);
            }
        }
        // Count only now: a fire that sees the new count on its lock-free
        // path (acquire) is ordered after every invalidation above.
        if !count_first {
            w.count.bump_locked();
        }
        Some(unlinked)
    }

    /// Marks `core` invalid and unlinks it from its slot. Returns the slot's
    /// strong reference if this call unlinked it (the caller retires it).
    fn invalidate_core(&self, core: &ExecutorCore, kind: EventKind) -> Option<Arc<ExecutorCore>> {
        if !core.valid.swap(false, Ordering::AcqRel) {
            return None; // already invalid: whoever did that unlinks it
        }
        self.counters.invalidated[kind.index()].fetch_add(1, Ordering::Relaxed);
        let mut link = core.link.lock();
        let Link::Linked(cell) = *link else {
            *link = Link::Gone;
            return None;
        };
        *link = Link::Gone;
        // SAFETY: a `Linked` cell is alive while we hold the link lock
        // (`ExecutorSlot::drop` takes it before freeing the cell).
        let cell = unsafe { &*cell };
        let me = core as *const ExecutorCore as *mut ExecutorCore;
        cell.ptr
            .compare_exchange(me, ptr::null_mut(), Ordering::AcqRel, Ordering::Relaxed)
            .ok()
            // SAFETY: the successful exchange took the slot's strong
            // reference (from `Arc::into_raw` in `install`) out of the slot.
            .map(|p| unsafe { Arc::from_raw(p as *const ExecutorCore) })
    }

    /// Invalidates the executor linked in `cell`, if any (explicit unlink).
    fn invalidate_slot(&self, cell: &SlotCell) -> Option<Arc<ExecutorCore>> {
        loop {
            let p = cell.ptr.load(Ordering::Acquire);
            if p.is_null() {
                return None;
            }
            // Take the slot's reference ourselves, so the core stays alive
            // whatever other invalidators do.
            if cell
                .ptr
                .compare_exchange(p, ptr::null_mut(), Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                continue;
            }
            // SAFETY: the exchange took the slot's strong reference.
            let core = unsafe { Arc::from_raw(p as *const ExecutorCore) };
            if core.world != self.id() {
                // Another world's threads may be inside it, and only that
                // world's reclamation waits for them: keep it alive (leak
                // the reference) rather than retire it here.
                std::mem::forget(core);
                panic!("ExecutorSlot::invalidate: the executor belongs to another world");
            }
            if core.valid.swap(false, Ordering::AcqRel) {
                self.counters.unlinked.fetch_add(1, Ordering::Relaxed);
            }
            *core.link.lock() = Link::Gone;
            return Some(core);
        }
    }
}
