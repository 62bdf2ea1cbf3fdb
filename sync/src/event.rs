//! The rare events, their thresholds, and the per-object counter block.
//!
//! An event is something the optimizer would like to assume never happens
//! (DESIGN §2). Each kind is *global* (it pauses the world below its
//! threshold and invalidates everything that assumed it) or *local* (it
//! invalidates only the dependents of one object, without a pause).
//!
//! Counting: global kinds count in the [`World`](crate::World); local kinds
//! count in the [`Watchable`] embedded in the object (a class, a module, a
//! code object). A counter counts exactly the *invalidating* fires: it is
//! incremented under the lock that also guards the dependents it
//! invalidates, so no increment is lost, and it stops at the threshold (or
//! saturates at `u32::MAX` for the kinds without one). A fire that finds
//! its counter at the threshold is a relaxed load and nothing else.

use crate::executor::Dependents;
use crate::primitive::{AtomicU32, Mutex, Ordering};

/// The eleven rare events of DESIGN §2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// `obj.__class__ = C`.
    ClassSet,
    /// `C.__bases__ = (...)` (the MRO changes).
    BasesSet,
    /// The embedder installs a frame-evaluation hook (PEP 523 analogue).
    EvalFrameHookSet,
    /// The embedder replaces a module's dict.
    ModuleDictReplaced,
    /// `f.__code__`, `f.__defaults__` or `f.__kwdefaults__` is set.
    FunctionModified,
    /// `property`/`staticmethod`/`classmethod` `.__init__` is called again.
    DescriptorMutated,
    /// A debugger writes a local of some thread's frame.
    DebuggerSetLocal,
    /// `builtins.x = ...` or `del builtins.x`.
    BuiltinModified,
    /// `C.x = ...` or `del C.x` (also through a base class).
    ClassAttrSet,
    /// A module-level global is rebound or deleted.
    GlobalSet,
    /// Tracing, profiling or monitoring is switched on for some code.
    Instrumentation,
}

/// Whether an event pauses the world (global) or touches one object (local).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Below its threshold the event stops the world and invalidates every
    /// executor that assumed it (and the dependents of the object, if any).
    Global,
    /// The event invalidates the dependents of one [`Watchable`] without a
    /// pause.
    Local,
}

/// After how many invalidating fires the optimizer stops assuming an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    /// The optimizer may assume the event until it has fired this many
    /// times; from then on firing is a lock-free no-op. `After(0)` means
    /// the event is never assumed.
    After(u32),
    /// The optimizer may always assume the event, and every fire
    /// invalidates (a slow event, such as a debugger writing a local).
    Never,
}

impl Threshold {
    /// The counter value at which firing stops invalidating (and
    /// [`World::assume`](crate::World::assume) returns `None`). For
    /// [`Threshold::Never`] that is only a saturated counter.
    #[inline]
    pub fn limit(self) -> u32 {
        match self {
            Threshold::After(n) => n,
            Threshold::Never => u32::MAX,
        }
    }
}

impl EventKind {
    /// Every kind, in declaration order (the index of a kind is its
    /// position here).
    pub const ALL: [EventKind; 11] = [
        EventKind::ClassSet,
        EventKind::BasesSet,
        EventKind::EvalFrameHookSet,
        EventKind::ModuleDictReplaced,
        EventKind::FunctionModified,
        EventKind::DescriptorMutated,
        EventKind::DebuggerSetLocal,
        EventKind::BuiltinModified,
        EventKind::ClassAttrSet,
        EventKind::GlobalSet,
        EventKind::Instrumentation,
    ];

    /// Position of this kind in [`EventKind::ALL`].
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// Global or local (DESIGN §2).
    #[inline]
    pub fn scope(self) -> Scope {
        match self {
            EventKind::BuiltinModified
            | EventKind::ClassAttrSet
            | EventKind::GlobalSet
            | EventKind::Instrumentation => Scope::Local,
            _ => Scope::Global,
        }
    }

    /// The default threshold of DESIGN §2.
    pub fn default_threshold(self) -> Threshold {
        match self {
            EventKind::DebuggerSetLocal | EventKind::Instrumentation => Threshold::Never,
            EventKind::BuiltinModified => Threshold::After(4),
            EventKind::ClassAttrSet | EventKind::GlobalSet => Threshold::After(8),
            _ => Threshold::After(1),
        }
    }

    /// A short snake_case name, for statistics.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::ClassSet => "class_set",
            EventKind::BasesSet => "bases_set",
            EventKind::EvalFrameHookSet => "eval_frame_hook_set",
            EventKind::ModuleDictReplaced => "module_dict_replaced",
            EventKind::FunctionModified => "function_modified",
            EventKind::DescriptorMutated => "descriptor_mutated",
            EventKind::DebuggerSetLocal => "debugger_set_local",
            EventKind::BuiltinModified => "builtin_modified",
            EventKind::ClassAttrSet => "class_attr_set",
            EventKind::GlobalSet => "global_set",
            EventKind::Instrumentation => "instrumentation",
        }
    }
}

/// One threshold per event kind; part of a world's configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds([Threshold; 11]);

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds(EventKind::ALL.map(EventKind::default_threshold))
    }
}

impl Thresholds {
    /// The threshold of `kind`.
    #[inline]
    pub fn get(&self, kind: EventKind) -> Threshold {
        self.0[kind.index()]
    }

    /// Sets the threshold of `kind`.
    pub fn set(&mut self, kind: EventKind, threshold: Threshold) {
        self.0[kind.index()] = threshold;
    }
}

/// A counter that saturates at `limit`; incremented only under the lock of
/// the dependents it belongs to, read anywhere with a relaxed load.
pub(crate) struct EventCounter(AtomicU32);

impl EventCounter {
    pub(crate) fn new() -> Self {
        EventCounter(AtomicU32::new(0))
    }

    /// The current count, for reads under the dependents lock (and for
    /// queries that promise nothing).
    #[inline]
    pub(crate) fn relaxed(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }

    /// The current count, ordered after the mutation and the invalidations
    /// of the fire that produced it (pairs with
    /// [`EventCounter::bump_locked`]). This is the lock-free threshold
    /// test: on x86 and ARMv8 an acquire load is a plain load.
    #[inline]
    pub(crate) fn acquire(&self) -> u32 {
        self.0.load(Ordering::Acquire)
    }

    /// Counts one invalidating fire, after its dependents were invalidated.
    /// Must be called with the owning dependents lock held, which makes the
    /// read-modify-write exact.
    pub(crate) fn bump_locked(&self) {
        let c = self.0.load(Ordering::Relaxed);
        self.0.store(c.saturating_add(1), Ordering::Release);
    }
}

/// The counter block that an object embeds so that local events on it can
/// be watched: classes (class attribute set), modules (global set; the
/// builtins module for builtin modified), code objects (instrumentation,
/// and the per-code dependents of the debugger's set-local).
///
/// It holds the object's event counter and the list of executors that
/// assumed the object unchanged. It knows nothing of the object itself.
pub struct Watchable {
    kind: EventKind,
    pub(crate) count: EventCounter,
    pub(crate) dependents: Mutex<Dependents>,
}

impl Watchable {
    /// A fresh counter block for an object whose local events are of
    /// `kind` (the kind decides the threshold).
    pub fn new(kind: EventKind) -> Self {
        Watchable {
            kind,
            count: EventCounter::new(),
            dependents: Mutex::new(Dependents::default()),
        }
    }

    /// The kind of local event this object counts.
    pub fn kind(&self) -> EventKind {
        self.kind
    }

    /// How many invalidating events this object has seen (stops at the
    /// threshold).
    pub fn count(&self) -> u32 {
        self.count.relaxed()
    }

    /// How many executors are registered as depending on this object
    /// (including invalidated ones not yet pruned).
    pub fn registered_dependents(&self) -> usize {
        self.dependents.lock().len()
    }
}

impl std::fmt::Debug for Watchable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watchable")
            .field("kind", &self.kind)
            .field("count", &self.count())
            .finish_non_exhaustive()
    }
}

impl crate::World {
    /// Fires an event from a thread that is not an attached mutator (a host
    /// thread); mutators call [`Mutator::fire`](crate::Mutator::fire).
    ///
    /// `apply` performs the mutation itself (the store into the class, the
    /// module, the function...). What happens around it:
    ///
    /// - **Global kind below its threshold**: the world is stopped; inside
    ///   the pause `apply` runs, the kind's counter is bumped, and every
    ///   executor that assumed the kind (and, if `object` is given, every
    ///   dependent of that object) is invalidated and retired.
    /// - **Local kind below the object's threshold**: `apply` runs, then the
    ///   object's counter is bumped and its dependents invalidated, under
    ///   the object's lock, without a pause.
    /// - **At or after the threshold**: `apply` runs after one relaxed
    ///   load; no lock, no pause, no registry walk.
    ///
    /// `apply` must not run Python code or block: for global kinds it runs
    /// while the world is stopped.
    ///
    /// # Panics
    /// For a local kind without `object`, or with an object of another
    /// kind; for a global kind below its threshold, if called on an attached
    /// mutator thread of this world.
    #[inline]
    pub fn fire<R>(
        &self,
        kind: EventKind,
        object: Option<&Watchable>,
        apply: impl FnOnce() -> R,
    ) -> R {
        self.inner.fire(None, kind, object, apply)
    }
}

impl crate::world::WorldInner {
    /// The lock-free path, inlined into the caller: past the threshold a
    /// fire is one acquire load (a plain load on x86 and ARMv8) and `apply`.
    #[inline]
    pub(crate) fn fire<R>(
        &self,
        me: Option<&crate::Mutator>,
        kind: EventKind,
        object: Option<&Watchable>,
        apply: impl FnOnce() -> R,
    ) -> R {
        let counter = match (kind.scope(), object) {
            (Scope::Global, _) => &self.globals[kind.index()].count,
            (Scope::Local, Some(object)) => &object.count,
            (Scope::Local, None) => panic!("a local event fires on an object"),
        };
        if counter.acquire() >= self.config.limit(kind) {
            debug_assert!(
                kind.scope() == Scope::Global || object.is_some_and(|o| o.kind() == kind)
            );
            return apply();
        }
        self.fire_below_threshold(me, kind, object, apply)
    }

    #[cold]
    #[inline(never)]
    fn fire_below_threshold<R>(
        &self,
        me: Option<&crate::Mutator>,
        kind: EventKind,
        object: Option<&Watchable>,
        apply: impl FnOnce() -> R,
    ) -> R {
        match kind.scope() {
            Scope::Local => {
                let object = object.expect("a local event fires on an object");
                assert_eq!(object.kind(), kind, "the object counts another event kind");
                // Mutate first, then invalidate: an optimizer that read the
                // old value took its dependency before, so either its
                // install sees the bump or we see its registration.
                let result = apply();
                let limit = self.config.limit(kind);
                if object.count.acquire() < limit {
                    if let Some(unlinked) = self.invalidate_dependents(object, kind, limit) {
                        self.counters.fires[kind.index()].fetch_add(1, Ordering::Relaxed);
                        self.reclaimer.retire(self, unlinked);
                    }
                }
                result
            }
            Scope::Global => {
                let global = &self.globals[kind.index()];
                let limit = self.config.limit(kind);
                if global.count.acquire() >= limit {
                    return apply();
                }
                let recheck = !self.fault(crate::world::fault!(FireWithoutRecheck));
                let mut apply = Some(apply);
                let paused = self.pause(
                    me,
                    crate::stats::PauseCause::Event(kind),
                    || !recheck || global.count.relaxed() < limit,
                    || {
                        let result = (apply.take().expect("apply runs once"))();
                        // Without the recheck (a loom fault) the counter may
                        // already be at the limit: then nothing is counted.
                        if let Some(mut unlinked) = self.invalidate_dependents(global, kind, limit)
                        {
                            self.counters.fires[kind.index()].fetch_add(1, Ordering::Relaxed);
                            if let Some(object) = object {
                                unlinked.extend(
                                    self.invalidate_dependents(object, kind, u32::MAX)
                                        .unwrap_or_default(),
                                );
                            }
                            self.reclaimer.retire(self, unlinked);
                        }
                        result
                    },
                );
                match paused {
                    Some(result) => result,
                    // A racing fire reached the threshold first.
                    None => (apply.take().expect("apply runs once"))(),
                }
            }
        }
    }
}
