//! The synthetic world the stress run plays in: objects with local event
//! counters, per-global-kind state, executor payloads with canaries, the
//! slot table, and the harness's own counters.
//!
//! Every piece of "state" an executor may assume (an object's value, a
//! global kind's value) is a harness atomic that only the `apply` closure of
//! a fire changes. Next to it the firing thread *publishes*, after `fire`
//! returned, what it knows to be complete (see [`Published`]); executors
//! compare what they assumed against what was published.

use std::sync::atomic::{fence, AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use stillpoint_sync::{
    EventKind, ExecutorSlot, Percentiles, Scope, Threshold, Watchable, World, WorldConfig,
};

use crate::checks::Violations;
use crate::Args;

/// Canary of a live payload is `MAGIC ^ serial`.
pub(crate) const MAGIC: u64 = 0x57A1_1907_C0DE_CAFE;
/// What a payload's `Drop` writes over its canary before the memory goes.
pub(crate) const POISON: u64 = 0xDEAD_DEAD_DEAD_DEAD;
/// An optimizer takes at most this many dependencies.
pub(crate) const MAX_DEPS: usize = 4;

/// Payloads dropped so far (by reclamation, failed installs, dropped slots).
pub(crate) static PAYLOADS_DROPPED: AtomicU64 = AtomicU64::new(0);

/// The thresholds of the stress world. Chosen so that events keep
/// invalidating for the whole run (`Never` kinds) while some thresholds are
/// crossed early (global `ClassSet` after 3, `EvalFrameHookSet` after 1,
/// `DescriptorMutated` after 200) and again and again (the local kinds
/// with a threshold, on the objects that keep being replaced).
pub(crate) fn stress_thresholds() -> [(EventKind, Threshold); 11] {
    use EventKind::*;
    use Threshold::*;
    [
        (ClassSet, After(3)),
        (BasesSet, Never),
        (EvalFrameHookSet, After(1)),
        (ModuleDictReplaced, Never),
        (FunctionModified, Never),
        (DescriptorMutated, After(200)),
        (DebuggerSetLocal, Never),
        (BuiltinModified, After(4)),
        (ClassAttrSet, After(8)),
        (GlobalSet, Never),
        (Instrumentation, Never),
    ]
}

/// The event kinds of `scope`, in [`EventKind::ALL`] order.
pub(crate) fn kinds_of(scope: Scope) -> Vec<EventKind> {
    EventKind::ALL
        .into_iter()
        .filter(|kind| kind.scope() == scope)
        .collect()
}

/// What firing threads announce once `fire` has returned. Both words only
/// grow (`fetch_max`, Release); readers load them with Acquire.
///
/// - `count`: a value `P` of the protocol's counter such that the fire
///   that moved the counter from `P - 1` to `P` has *completed* (its
///   invalidations happen-before the publication). Every executor that
///   observed a count below `P` was registered before that fire (install
///   checks the count under the same lock) and so was invalidated by it.
/// - `value`: the harness state produced by a completed fire's `apply`.
#[derive(Default)]
pub(crate) struct Published {
    pub(crate) count: AtomicU32,
    pub(crate) value: AtomicU64,
}

impl Published {
    pub(crate) fn publish_count(&self, count: u32) {
        self.count.fetch_max(count, Ordering::Release);
    }

    pub(crate) fn publish_value(&self, value: u64) {
        self.value.fetch_max(value, Ordering::Release);
    }

    /// `(count, value)`, each with Acquire.
    pub(crate) fn load(&self) -> (u32, u64) {
        (
            self.count.load(Ordering::Acquire),
            self.value.load(Ordering::Acquire),
        )
    }
}

/// A synthetic object (a class, a module, a code object) with its
/// protocol counter block.
pub(crate) struct Object {
    pub(crate) serial: u64,
    pub(crate) watch: Watchable,
    /// The state executors specialize on; `apply` increments it.
    pub(crate) value: AtomicU64,
    pub(crate) published: Published,
    /// Local fires attempted on this object.
    pub(crate) local_attempts: AtomicU64,
    /// Global fires with this object that invalidated (each bumps the
    /// object's counter once, whatever the object's own threshold).
    pub(crate) global_bumps: AtomicU64,
}

impl Object {
    pub(crate) fn new(serial: u64, kind: EventKind) -> Self {
        Object {
            serial,
            watch: Watchable::new(kind),
            value: AtomicU64::new(0),
            published: Published::default(),
            local_attempts: AtomicU64::new(0),
            global_bumps: AtomicU64::new(0),
        }
    }

    /// The protocol counter read with acquire semantics: the fire that
    /// stored it (a Release store under the object's lock) happens-before
    /// what follows, and so does every earlier fire's whole critical
    /// section (they are ordered by the same lock).
    pub(crate) fn count_acquire(&self) -> u32 {
        let c = self.watch.count();
        fence(Ordering::Acquire);
        c
    }
}

/// Harness state of one global event kind.
#[derive(Default)]
pub(crate) struct GlobalKindState {
    pub(crate) value: AtomicU64,
    pub(crate) published: Published,
    pub(crate) attempts: AtomicU64,
    /// Fires whose `apply` ran inside an invalidating pause.
    pub(crate) invalidating: AtomicU64,
}

/// What one dependency of an executor is about.
pub(crate) enum Target {
    Global(EventKind),
    Object(Arc<Object>),
}

/// One dependency as the optimizer saw it.
pub(crate) struct DepRecord {
    pub(crate) target: Target,
    /// The protocol counter the dependency observed
    /// ([`Dependency::observed`](stillpoint_sync::Dependency::observed)):
    /// install succeeds only if it is still the counter's value.
    pub(crate) observed_count: u32,
    /// The state the executor specializes on, read after the dependency.
    pub(crate) observed_value: u64,
}

/// Set by the payload's `Drop`; held by a thread inside the executor so
/// that it can tell, without touching freed memory, that the payload was
/// freed under it.
#[derive(Default)]
pub(crate) struct Tomb {
    pub(crate) freed: AtomicBool,
}

/// The executor payload the protocol carries (opaque to it).
pub(crate) struct Payload {
    canary: AtomicU64,
    pub(crate) serial: u64,
    pub(crate) deps: Vec<DepRecord>,
    pub(crate) tomb: Arc<Tomb>,
}

impl Payload {
    pub(crate) fn new(serial: u64, deps: Vec<DepRecord>) -> Self {
        Payload {
            canary: AtomicU64::new(MAGIC ^ serial),
            serial,
            deps,
            tomb: Arc::new(Tomb::default()),
        }
    }

    /// Whether the canary still says "payload `serial`".
    pub(crate) fn canary_ok(&self, serial: u64) -> bool {
        self.canary.load(Ordering::Relaxed) == MAGIC ^ serial
    }
}

impl Drop for Payload {
    fn drop(&mut self) {
        self.canary.store(POISON, Ordering::Relaxed);
        self.tomb.freed.store(true, Ordering::Release);
        PAYLOADS_DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

/// Where a thread is, for hang diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Phase {
    Starting,
    Registering,
    Attaching,
    Running,
    InExecutor,
    Optimizing,
    Detached,
    DetachedInExecutor,
    Firing,
    StoppingWorld,
    Sleeping,
    Exiting,
    Done,
}

impl Phase {
    const ALL: [Phase; 13] = [
        Phase::Starting,
        Phase::Registering,
        Phase::Attaching,
        Phase::Running,
        Phase::InExecutor,
        Phase::Optimizing,
        Phase::Detached,
        Phase::DetachedInExecutor,
        Phase::Firing,
        Phase::StoppingWorld,
        Phase::Sleeping,
        Phase::Exiting,
        Phase::Done,
    ];
}

/// Progress and whereabouts of one thread role (a mutator lane, whose
/// threads come and go, or an injector).
#[derive(Default)]
pub(crate) struct Lane {
    /// Bumped only while the thread is an attached mutator running (never
    /// while detached): a pause checks that it stands still.
    pub(crate) activity: AtomicU64,
    /// Bumped on any progress (attached or not), for the watchdog.
    pub(crate) progress: AtomicU64,
    phase: AtomicU8,
    pub(crate) generation: AtomicU64,
}

impl Lane {
    pub(crate) fn set_phase(&self, phase: Phase) {
        self.phase.store(phase as u8, Ordering::Relaxed);
    }

    pub(crate) fn phase(&self) -> Phase {
        Phase::ALL[usize::from(self.phase.load(Ordering::Relaxed))]
    }

    pub(crate) fn tick_attached(&self) {
        self.activity.fetch_add(1, Ordering::Relaxed);
        self.progress.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn tick(&self) {
        self.progress.fetch_add(1, Ordering::Relaxed);
    }
}

/// A relaxed event counter of the harness.
#[derive(Default)]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    pub(crate) fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    pub(crate) fn inc(&self) {
        self.add(1);
    }
    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// What the harness itself counted.
#[derive(Default)]
pub(crate) struct HarnessCounters {
    pub(crate) loop_iterations: Counter,
    pub(crate) entries: Counter,
    pub(crate) body_iterations: Counter,
    pub(crate) canary_checks: Counter,
    pub(crate) reader_checks: Counter,
    pub(crate) left_invalid: Counter,
    pub(crate) detached_outside: Counter,
    pub(crate) detached_inside: Counter,
    pub(crate) threads_spawned: Counter,
    pub(crate) install_attempts: Counter,
    pub(crate) installed: Counter,
    pub(crate) failed_dependency_fired: Counter,
    pub(crate) failed_invalidated_during_install: Counter,
    pub(crate) failed_slot_occupied: Counter,
    pub(crate) deps_refused: Counter,
    pub(crate) local_fires: Counter,
    pub(crate) global_fires: Counter,
    pub(crate) fires_from_executors: Counter,
    pub(crate) slot_invalidate_calls: Counter,
    pub(crate) slot_invalidate_hits: Counter,
    pub(crate) stw_requests: Counter,
    pub(crate) stw_checks: Counter,
    pub(crate) replaced_objects: Counter,
    pub(crate) fake_publications: Counter,
    pub(crate) next_payload: AtomicU64,
}

/// Pauses timed by the harness itself around the fires and
/// `stop_the_world` calls it issues: from the request to the start of the
/// action (time to safepoint plus queueing behind other requesters), and
/// to the return.
#[derive(Default)]
pub(crate) struct PauseTimings {
    samples: Mutex<Vec<(u64, u64)>>,
}

/// Figures of [`PauseTimings`].
pub(crate) struct PauseTimingSummary {
    pub(crate) count: u64,
    pub(crate) to_action: Percentiles,
    pub(crate) total: Percentiles,
}

impl PauseTimings {
    pub(crate) fn record(&self, requested: Instant, action: Instant, returned: Instant) {
        let ns = |d: std::time::Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.samples
            .lock()
            .unwrap()
            .push((ns(action - requested), ns(returned - requested)));
    }

    pub(crate) fn summary(&self) -> PauseTimingSummary {
        let samples = self.samples.lock().unwrap();
        let percentiles = |mut v: Vec<u64>| {
            v.sort_unstable();
            let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
            if v.is_empty() {
                Percentiles::default()
            } else {
                Percentiles {
                    p50: at(0.5),
                    p99: at(0.99),
                    max: at(1.0),
                }
            }
        };
        PauseTimingSummary {
            count: samples.len() as u64,
            to_action: percentiles(samples.iter().map(|s| s.0).collect()),
            total: percentiles(samples.iter().map(|s| s.1).collect()),
        }
    }
}

/// Everything the threads share.
pub(crate) struct Shared {
    pub(crate) world: World,
    /// The global event kinds, that injectors and the optimizer pick from.
    pub(crate) global_kinds: Vec<EventKind>,
    pub(crate) args: Args,
    pub(crate) slots: Vec<ExecutorSlot<Payload>>,
    /// The live object table; entries are replaced by fresh objects.
    pub(crate) objects: Vec<Mutex<Arc<Object>>>,
    /// Every object ever created, for the final accounting.
    pub(crate) all_objects: Mutex<Vec<Arc<Object>>>,
    next_object: AtomicU64,
    pub(crate) globals: [GlobalKindState; 11],
    pub(crate) mutator_lanes: Vec<Lane>,
    pub(crate) injector_lanes: Vec<Lane>,
    pub(crate) stop: AtomicBool,
    pub(crate) counters: HarnessCounters,
    pub(crate) pause_timings: PauseTimings,
    pub(crate) violations: Violations,
}

impl Shared {
    pub(crate) fn new(args: Args) -> Self {
        let mut config = WorldConfig::new();
        for (kind, threshold) in stress_thresholds() {
            config = config.threshold(kind, threshold);
        }
        let world = World::with_config(config);
        let shared = Shared {
            world,
            global_kinds: kinds_of(Scope::Global),
            slots: (0..args.slots).map(|_| ExecutorSlot::new()).collect(),
            objects: Vec::new(),
            all_objects: Mutex::new(Vec::new()),
            next_object: AtomicU64::new(0),
            globals: Default::default(),
            mutator_lanes: (0..args.threads).map(|_| Lane::default()).collect(),
            injector_lanes: (0..args.injectors).map(|_| Lane::default()).collect(),
            stop: AtomicBool::new(false),
            counters: HarnessCounters::default(),
            pause_timings: PauseTimings::default(),
            violations: Violations::default(),
            args,
        };
        let local_kinds = kinds_of(Scope::Local);
        let objects = (0..shared.args.objects)
            .map(|i| Mutex::new(shared.fresh_object(local_kinds[i as usize % local_kinds.len()])))
            .collect();
        Shared { objects, ..shared }
    }

    /// A new object of `kind`, remembered for the final accounting.
    pub(crate) fn fresh_object(&self, kind: EventKind) -> Arc<Object> {
        debug_assert_eq!(kind.scope(), Scope::Local);
        let serial = self.next_object.fetch_add(1, Ordering::Relaxed);
        let object = Arc::new(Object::new(serial, kind));
        self.all_objects.lock().unwrap().push(object.clone());
        object
    }

    /// The object currently at `index` of the table.
    pub(crate) fn object(&self, index: usize) -> Arc<Object> {
        self.objects[index].lock().unwrap().clone()
    }

    /// Replaces the object at `index` by a fresh one of the same kind (a
    /// new class, module or code object).
    pub(crate) fn replace_object(&self, index: usize) {
        let kind = self.object(index).watch.kind();
        let fresh = self.fresh_object(kind);
        *self.objects[index].lock().unwrap() = fresh;
        self.counters.replaced_objects.inc();
    }

    pub(crate) fn limit(&self, kind: EventKind) -> u32 {
        self.world.threshold(kind).limit()
    }

    pub(crate) fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    pub(crate) fn published<'a>(&'a self, target: &'a Target) -> &'a Published {
        match target {
            Target::Global(kind) => &self.globals[kind.index()].published,
            Target::Object(object) => &object.published,
        }
    }

    /// The activity word of every thread role that runs as a mutator.
    pub(crate) fn activity_snapshot(&self) -> Vec<u64> {
        self.mutator_lanes
            .iter()
            .chain(&self.injector_lanes)
            .map(|lane| lane.activity.load(Ordering::Relaxed))
            .collect()
    }
}
