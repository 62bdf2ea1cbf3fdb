//! The world: everything the protocol shares between mutator threads.

use crate::event::{EventKind, Threshold, Thresholds, Watchable};
use crate::mutator::MutatorShared;
use crate::primitive::{Arc, AtomicU64, Condvar, Mutex, Ordering};
use crate::reclaim::Reclaimer;
use crate::stats::{Counters, PauseLog};

/// A deliberately broken variant of the protocol, compiled only under
/// `--cfg loom`, so that the loom suite can show its models reject it.
#[cfg(loom)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Attach with a load and a plain store instead of a CAS (the shape of
    /// RustPython PR #7364): a pause can park a detached thread between the
    /// two, and the store lets it run inside the pause.
    AttachWithoutCas,
    /// Install checks each dependency's counter before taking its lock and
    /// does not re-check under it: a fire in between goes unnoticed.
    InstallChecksBeforeLocking,
    /// Reclamation frees retired executors without waiting for every
    /// online thread to pass a quiescent point.
    FreeWithoutGracePeriod,
    /// A global fire does not re-check the threshold under the requester
    /// lock: a racing fire pauses once more than the threshold allows.
    FireWithoutRecheck,
    /// A fire bumps the counter before invalidating the dependents: a later
    /// fire that sees the threshold reached returns while stale executors
    /// are still valid.
    CountBeforeInvalidating,
    /// A second mutator ends solo mode without a pause: a solo thread
    /// inside an elided critical section then races the newcomer's locked
    /// one.
    EndSoloWithoutPause,
}

/// Per-world settings: the event thresholds, lock elision (and, under
/// loom, an injected fault).
#[derive(Clone, Debug, Default)]
pub struct WorldConfig {
    pub(crate) thresholds: Thresholds,
    pub(crate) lock_elision: bool,
    #[cfg(loom)]
    pub(crate) fault: Option<Fault>,
}

impl WorldConfig {
    /// The defaults of DESIGN §2.
    pub fn new() -> Self {
        WorldConfig::default()
    }

    /// Sets the threshold of one event kind.
    pub fn threshold(mut self, kind: EventKind, threshold: Threshold) -> Self {
        self.thresholds.set(kind, threshold);
        self
    }

    /// Sets every threshold at once.
    pub fn thresholds(mut self, thresholds: Thresholds) -> Self {
        self.thresholds = thresholds;
        self
    }

    /// Declares that this world's heap elides its object locks while
    /// [`is_solo`](crate::is_solo) says so: the first attach of a second
    /// mutator registered at once then ends solo mode in a pause
    /// (`solo.rs`). Off by default.
    pub fn lock_elision(mut self, elide: bool) -> Self {
        self.lock_elision = elide;
        self
    }

    /// Injects a deliberately broken variant (loom test builds only).
    #[cfg(loom)]
    pub fn inject(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    #[inline]
    pub(crate) fn limit(&self, kind: EventKind) -> u32 {
        self.thresholds.get(kind).limit()
    }
}

/// The mutator registry, guarded by [`WorldInner::registry`].
#[derive(Default)]
pub(crate) struct Registry {
    pub(crate) mutators: Vec<Arc<MutatorShared>>,
    /// Attached threads asked to stop that have not parked yet.
    pub(crate) countdown: usize,
    /// Between a pause's stop request and its resume.
    pub(crate) pausing: bool,
}

pub(crate) struct WorldInner {
    pub(crate) config: WorldConfig,
    pub(crate) registry: Mutex<Registry>,
    /// Signalled when a pause ends (parked and attaching threads wait here).
    pub(crate) resumed: Condvar,
    /// Signalled when the countdown of a pause reaches zero.
    pub(crate) stopped: Condvar,
    /// Serializes pause requesters.
    pub(crate) requester: Mutex<()>,
    /// The pause histograms. Its own lock, held only to record or read:
    /// never while waiting for threads, so an attached mutator may read
    /// statistics while another thread pauses the world.
    pub(crate) pause_log: Mutex<PauseLog>,
    /// Counter and dependents of each global event kind (indexed by
    /// [`EventKind::index`]; the entries of local kinds stay unused).
    pub(crate) globals: [Watchable; 11],
    pub(crate) reclaimer: Reclaimer,
    /// Shared with every executor core, so that a slot dropped after the
    /// world still counts the payload it frees.
    pub(crate) counters: Arc<Counters>,
    pub(crate) next_executor_id: AtomicU64,
}

impl WorldInner {
    /// Identity of this world, to check that an executor is entered by a
    /// mutator of the world it was installed in.
    pub(crate) fn id(&self) -> usize {
        self as *const WorldInner as usize
    }

    pub(crate) fn fault(&self, _fault: FaultCheck) -> bool {
        #[cfg(loom)]
        {
            self.config.fault == Some(_fault.0)
        }
        #[cfg(not(loom))]
        {
            false
        }
    }

    pub(crate) fn fresh_executor_id(&self) -> u64 {
        self.next_executor_id.fetch_add(1, Ordering::Relaxed)
    }
}

/// A fault to test for with [`WorldInner::fault`]; outside loom builds it
/// carries nothing and every test is `false`, so the checks compile away.
#[derive(Clone, Copy)]
pub(crate) struct FaultCheck(#[cfg(loom)] pub(crate) Fault);

#[cfg(loom)]
macro_rules! fault {
    ($name:ident) => {
        $crate::world::FaultCheck($crate::world::Fault::$name)
    };
}
#[cfg(not(loom))]
macro_rules! fault {
    ($name:ident) => {
        $crate::world::FaultCheck()
    };
}
pub(crate) use fault;

impl Drop for WorldInner {
    fn drop(&mut self) {
        // Every mutator holds the world alive, so none is left: no thread
        // can be inside a retired executor.
        self.reclaimer.free_all();
    }
}

/// A runtime's shared protocol state. Cheap to clone; `Send + Sync`.
///
/// Threads that run optimized code register as [`Mutator`](crate::Mutator)s
/// with [`World::register`]. Other threads (an embedder's host threads) may
/// still fire events, install executors and stop the world.
#[derive(Clone)]
pub struct World {
    pub(crate) inner: Arc<WorldInner>,
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

impl World {
    /// A world with the default thresholds.
    pub fn new() -> Self {
        World::with_config(WorldConfig::default())
    }

    /// A world with the given configuration.
    pub fn with_config(config: WorldConfig) -> Self {
        World {
            inner: Arc::new(WorldInner {
                config,
                registry: Mutex::new(Registry::default()),
                resumed: Condvar::new(),
                stopped: Condvar::new(),
                requester: Mutex::new(()),
                pause_log: Mutex::new(PauseLog::default()),
                globals: EventKind::ALL.map(Watchable::new),
                reclaimer: Reclaimer::new(),
                counters: Arc::new(Counters::default()),
                next_executor_id: AtomicU64::new(1),
            }),
        }
    }

    /// The threshold in force for `kind`.
    pub fn threshold(&self, kind: EventKind) -> Threshold {
        self.inner.config.thresholds.get(kind)
    }

    /// How many invalidating fires a global event kind has had (stops at
    /// its threshold).
    pub fn global_count(&self, kind: EventKind) -> u32 {
        self.inner.globals[kind.index()].count()
    }

    /// Whether `self` and `other` are handles to the same world.
    pub fn same_world(&self, other: &World) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Number of registered mutators.
    pub fn mutator_count(&self) -> usize {
        self.inner.registry.lock().mutators.len()
    }
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("mutators", &self.mutator_count())
            .finish_non_exhaustive()
    }
}
