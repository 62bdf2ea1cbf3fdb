//! Roots: per-thread root sources and handle scopes, global roots, and
//! [`Root<T>`] handles.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

use crate::heap::{lock, HeapInner, ThreadHeap, ThreadState};
use crate::object::{ErasedGc, Gc};
use crate::trace::Tracer;

/// Something that can enumerate roots: a thread's frames, a module table.
///
/// `trace_roots` runs inside a collection, on the collecting thread, while
/// every mutator is parked at a safepoint or detached; it must not block,
/// allocate in the GC heap, or take a lock a mutator may hold at a
/// safepoint. Closures `Fn(&mut Tracer)` are root sources.
pub trait RootSource {
    /// Marks every root with [`Tracer::mark`] (or [`crate::Trace::trace`]).
    fn trace_roots(&self, tracer: &mut Tracer);
}

impl<F: Fn(&mut Tracer)> RootSource for F {
    fn trace_roots(&self, tracer: &mut Tracer) {
        self(tracer)
    }
}

/// One thread's roots (behind its mutex: the collector reads them from
/// another thread).
#[derive(Default)]
pub(crate) struct ThreadRoots {
    pub(crate) source: Option<Box<dyn RootSource + Send>>,
    /// Open handle scopes by index; `None` once closed (trailing closed
    /// scopes are popped).
    scopes: Vec<Option<Vec<ErasedGc>>>,
}

impl ThreadRoots {
    pub(crate) fn trace(&self, tracer: &mut Tracer) {
        if let Some(source) = &self.source {
            source.trace_roots(tracer);
        }
        for gc in self.scopes.iter().flatten().flatten() {
            tracer.mark_header(gc.0);
        }
    }
}

/// A frame of short-lived roots on one thread: every `Gc` passed to
/// [`HandleScope::root`] stays alive until the scope is dropped.
///
/// ```
/// # use stillpoint_gc::{Heap, HeapConfig};
/// # let world = stillpoint_sync::World::new();
/// # let heap = Heap::new(&world, HeapConfig::default());
/// # let m = world.register();
/// # m.attach();
/// let th = heap.thread(&m);
/// let scope = th.scope();
/// let s = scope.root(th.alloc(String::from("kept")));
/// // SAFETY: `s` is rooted by `scope`.
/// unsafe { th.collect() };
/// assert_eq!(*s, "kept");
/// ```
///
/// Scopes may be dropped in any order; each keeps its own roots.
pub struct HandleScope<'a> {
    thread: &'a ThreadState,
    index: usize,
    _not_send: PhantomData<*const ()>,
}

impl<'a> HandleScope<'a> {
    pub(crate) fn open(thread: &'a ThreadState) -> Self {
        let mut roots = lock(&thread.roots);
        let index = roots.scopes.len();
        roots.scopes.push(Some(Vec::new()));
        HandleScope {
            thread,
            index,
            _not_send: PhantomData,
        }
    }

    /// Roots `gc` until this scope is dropped; returns it for convenience.
    pub fn root<T: 'static>(&self, gc: Gc<T>) -> Gc<T> {
        let mut roots = lock(&self.thread.roots);
        roots.scopes[self.index]
            .as_mut()
            .expect("an open scope has a slot")
            .push(gc.into());
        gc
    }

    /// How many roots this scope holds.
    pub fn len(&self) -> usize {
        lock(&self.thread.roots).scopes[self.index]
            .as_ref()
            .map_or(0, Vec::len)
    }

    /// Whether this scope holds no root.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for HandleScope<'_> {
    fn drop(&mut self) {
        let mut roots = lock(&self.thread.roots);
        roots.scopes[self.index] = None;
        while matches!(roots.scopes.last(), Some(None)) {
            roots.scopes.pop();
        }
    }
}

impl fmt::Debug for HandleScope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandleScope")
            .field("index", &self.index)
            .field("roots", &self.len())
            .finish()
    }
}

impl ThreadHeap<'_> {
    /// Opens a handle scope on this thread.
    pub fn scope(&self) -> HandleScope<'_> {
        HandleScope::open(self.state())
    }

    /// Sets this thread's root source (the runtime enumerates the thread's
    /// frames there), replacing any previous one.
    pub fn set_root_source(&self, source: impl RootSource + Send + 'static) {
        let old = lock(&self.state().roots).source.replace(Box::new(source));
        drop(old); // outside the lock: its drop may do anything
    }

    /// Removes this thread's root source.
    pub fn clear_root_source(&self) {
        let old = lock(&self.state().roots).source.take();
        drop(old);
    }
}

/// The handle table: slots of rooted objects, reused when freed.
#[derive(Default)]
pub(crate) struct HandleTable {
    slots: Vec<Option<ErasedGc>>,
    free: Vec<usize>,
}

impl HandleTable {
    fn insert(&mut self, gc: ErasedGc) -> usize {
        match self.free.pop() {
            Some(i) => {
                self.slots[i] = Some(gc);
                i
            }
            None => {
                self.slots.push(Some(gc));
                self.slots.len() - 1
            }
        }
    }

    fn remove(&mut self, index: usize) {
        self.slots[index] = None;
        self.free.push(index);
    }

    pub(crate) fn trace(&self, tracer: &mut Tracer) {
        for gc in self.slots.iter().flatten() {
            tracer.mark_header(gc.0);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }
}

/// A rooted handle: keeps its object alive across safepoints and
/// collections until the last clone is dropped.
///
/// For native code and the embedder. `Send + Sync` when `T` is; cloning is
/// a reference-count increment. A `Root` keeps its heap alive: do not store
/// one inside a GC object (use a `Gc` field), or the heap can never be
/// dropped.
pub struct Root<T: 'static> {
    slot: Arc<RootSlot<T>>,
}

struct RootSlot<T: 'static> {
    heap: Arc<HeapInner>,
    index: usize,
    gc: Gc<T>,
}

impl<T: 'static> Root<T> {
    pub(crate) fn new(heap: &Arc<HeapInner>, gc: Gc<T>) -> Self {
        let index = lock(&heap.handles).insert(gc.into());
        Root {
            slot: Arc::new(RootSlot {
                heap: heap.clone(),
                index,
                gc,
            }),
        }
    }

    /// The rooted object.
    pub fn get(&self) -> Gc<T> {
        self.slot.gc
    }
}

impl<T: 'static> Drop for RootSlot<T> {
    fn drop(&mut self) {
        lock(&self.heap.handles).remove(self.index);
    }
}

impl<T: 'static> Clone for Root<T> {
    fn clone(&self) -> Self {
        Root {
            slot: self.slot.clone(),
        }
    }
}

impl<T: 'static> Deref for Root<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.slot.gc
    }
}

impl<T: fmt::Debug + 'static> fmt::Debug for Root<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Root").field(&*self.slot.gc).finish()
    }
}

/// Identifies a global root source (to remove it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalRootId(u64);

/// Global root sources (module tables, runtime globals).
#[derive(Default)]
pub(crate) struct GlobalRoots {
    next_id: u64,
    sources: Vec<(GlobalRootId, Box<dyn RootSource + Send>)>,
}

impl GlobalRoots {
    pub(crate) fn add(&mut self, source: Box<dyn RootSource + Send>) -> GlobalRootId {
        self.next_id += 1;
        let id = GlobalRootId(self.next_id);
        self.sources.push((id, source));
        id
    }

    pub(crate) fn remove(&mut self, id: GlobalRootId) -> Option<Box<dyn RootSource + Send>> {
        let i = self.sources.iter().position(|(i, _)| *i == id)?;
        Some(self.sources.swap_remove(i).1)
    }

    pub(crate) fn trace(&self, tracer: &mut Tracer) {
        for (_, source) in &self.sources {
            source.trace_roots(tracer);
        }
    }
}
