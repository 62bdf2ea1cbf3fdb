//! `stillpoint-stress --python`: the runtime itself under stress.
//!
//! Worker threads (host threads attached through the embedding API) run
//! the hot loops of `workload.py` round after round, on classes,
//! instances and functions they all share, so tier 1 specializes and tier
//! 2 builds executors that every worker enters. Injector threads meanwhile
//! fire every event of DESIGN §2 at random: in Python (`C.x = ...`,
//! `obj.__class__ = ...`, `C.__bases__ = ...`, `f.__code__`/`__defaults__`/
//! `__kwdefaults__`, `property.__init__` again, `builtins.x = ...`, module
//! globals, `sys.settrace`/`setprofile`) and through the Rust API (a
//! frame-evaluation hook, a module's dict replaced, a debugger writing a
//! worker's local).
//!
//! What is checked (any failure: exit status 1; a hang: 3):
//! - every read of a value an injector changes is at least the generation
//!   the injector had published before the reader's last back-edge or
//!   last call, and at most the one it had started (`workload.py`
//!   explains the channels);
//! - every round's checksums equal the ones computed here in Rust (the
//!   value-preserving changes — 1, 1.0, True; a builtin replaced by an
//!   equal Python function; list items as int or float — keep them exact);
//! - a tracer switched on mid-loop sees exactly the calls it should;
//! - no round or injection raises, no thread panics (crashes);
//! - live executors stay under a bound, and tier 2 did run (entries > 0);
//! - no thread stops making progress (the watchdog).
//!
//! Choices come from one random stream per thread derived from `--seed`;
//! the interleaving of threads is not reproducible, but the last
//! injections before the first wrong result are printed.

mod actions;
mod report;
mod worker;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use clap::ValueEnum;
use stillpoint::{Error, EventKind, Object, Python, Runtime, Threshold};
use stillpoint_sync::Scope;

use crate::model::Counter;
use crate::rng::Rng;
use crate::Args;

pub(crate) use actions::Action;

/// The Python half of the workload (module `stress_work`).
const WORKLOAD: &str = include_str!("workload.py");

/// How a run sets the events' thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ThresholdMode {
    /// A spread over the kinds, rotated by the seed: DESIGN's default,
    /// never reached, 64, 0 (never assumed) and 1 (local kinds: the first
    /// three). The debugger's write and instrumentation keep DESIGN's
    /// (never).
    Mixed,
    /// DESIGN §2's defaults.
    Design,
    /// Never reached: every event invalidates (and global ones pause)
    /// for the whole run.
    Never,
    /// 0: no event is ever assumed; executors keep every guard.
    Zero,
}

impl ThresholdMode {
    /// The threshold of `kind` in this mode.
    fn threshold(self, kind: EventKind, seed: u64) -> Threshold {
        let fixed = matches!(
            kind,
            EventKind::DebuggerSetLocal | EventKind::Instrumentation
        );
        match self {
            _ if fixed => kind.default_threshold(),
            ThresholdMode::Design => kind.default_threshold(),
            ThresholdMode::Never => Threshold::Never,
            ThresholdMode::Zero => Threshold::After(0),
            ThresholdMode::Mixed => {
                // Local events count per object, and refreshed target sets
                // bring new ones: never 0 or 1 there, so that executors
                // depend on classes and modules (`zero` covers the rest).
                let choices: &[Threshold] = if kind.scope() == Scope::Local {
                    &[
                        kind.default_threshold(),
                        Threshold::Never,
                        Threshold::After(64),
                    ]
                } else {
                    &[
                        kind.default_threshold(),
                        Threshold::Never,
                        Threshold::After(64),
                        Threshold::After(0),
                        Threshold::After(1),
                    ]
                };
                let rotation = Rng::new(seed, 0x7472_6573).index(5);
                let i = EventKind::ALL.iter().position(|&k| k == kind).unwrap_or(0);
                choices[(i + rotation) % choices.len()]
            }
        }
    }
}

/// The values injectors change, in the order of `CHANNELS` in
/// `workload.py` (checked at start-up).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Channel {
    /// `o.k`, `C.k`: class attribute sets.
    ClassAttr,
    /// `o.m()`: a new method set on the class.
    Method,
    /// `o.p`: `property.__init__` again.
    Property,
    /// `C.sm()`: `staticmethod.__init__` again.
    StaticMethod,
    /// `o.cm()`: `classmethod.__init__` again.
    ClassMethod,
    /// `o2.cgen`, `o2.ctag()`: `o2.__class__` set.
    ObjectClass,
    /// `o3.bgen`, `o3.bm()`: `Child.__bases__` set, or a base's attribute.
    Bases,
    /// `fd(i)`: `fd.__defaults__` and `fd.__code__` set.
    Defaults,
    /// `fk(i)`: `fk.__kwdefaults__` set.
    KwDefaults,
    /// `G`: a module global rebound.
    Global,
    /// `NS.h`: another module's attribute set, or its dict replaced.
    ModuleAttr,
    /// `stress_b`: a builtin rebound.
    Builtin,
    /// `stress_f(i)`: a builtin function rebound.
    BuiltinFunc,
    /// `probe()`: a frame-evaluation hook set and removed.
    EvalHook,
    /// `dbg`: a worker's local, written by a debugger.
    Debugger,
}

/// How many channels there are.
pub(crate) const CHANNELS: usize = 15;

impl Channel {
    /// The names, as `workload.py` spells them.
    pub(crate) const NAMES: [&'static str; CHANNELS] = [
        "class_attr",
        "method",
        "property",
        "staticmethod",
        "classmethod",
        "object_class",
        "bases",
        "defaults",
        "kwdefaults",
        "global",
        "module_attr",
        "builtin",
        "builtin_func",
        "eval_hook",
        "debugger",
    ];

    /// Whether the channel belongs to a target set (else to the module,
    /// or, for the debugger's, to a worker).
    pub(crate) fn per_target(self) -> bool {
        (self as usize) <= Channel::KwDefaults as usize
    }
}

/// How a worker's reads can be wrong, as `workload.py` counts them.
pub(crate) const WRONG_READ_KINDS: [&str; 3] = ["stale", "stale-after-call", "out-of-range"];

/// One thread's progress, for the watchdog.
#[derive(Default)]
pub(crate) struct Lane {
    /// Bumped after every round or injection.
    pub(crate) progress: AtomicU64,
    /// What it is doing now.
    pub(crate) doing: Mutex<&'static str>,
}

impl Lane {
    /// Says what the thread does now.
    pub(crate) fn set(&self, doing: &'static str) {
        *self.doing.lock().unwrap_or_else(|e| e.into_inner()) = doing;
    }

    /// Counts progress.
    pub(crate) fn step(&self) {
        self.progress.fetch_add(1, Ordering::Relaxed);
    }
}

/// An injection, for the log printed with the first wrong result.
#[derive(Clone, Debug)]
pub(crate) struct LogEntry {
    /// Microseconds since the start.
    pub(crate) at_us: u64,
    /// Which injector.
    pub(crate) injector: usize,
    /// What it did.
    pub(crate) action: Action,
    /// The target set, if the action had one.
    pub(crate) slot: Option<u32>,
    /// The generation it published (0: none).
    pub(crate) generation: u64,
    /// How it ended ("ok", or what went wrong).
    pub(crate) outcome: &'static str,
}

/// How many recent injections are kept.
const LOG_LENGTH: usize = 48;

/// What the run counted.
#[derive(Default)]
pub(crate) struct Counters {
    /// Worker rounds (work and traced).
    pub(crate) rounds: Counter,
    /// Of which traced.
    pub(crate) traced_rounds: Counter,
    /// Worker attachments (each a fresh interpreter).
    pub(crate) attachments: Counter,
    /// Iterations of the workers' hot loops.
    pub(crate) iterations: Counter,
    /// Channel reads checked (both bounds).
    pub(crate) reads_checked: Counter,
    /// Checksums compared with the Rust computation.
    pub(crate) checksums_checked: Counter,
    /// Tracer call counts and traced sums compared.
    pub(crate) trace_checks: Counter,
    /// Checksums that differed.
    pub(crate) wrong_checksums: Counter,
    /// Trace counts or sums that differed.
    pub(crate) wrong_traces: Counter,
    /// Wrong reads by channel and kind (`WRONG_READ_KINDS`).
    pub(crate) wrong_reads: [[Counter; 3]; CHANNELS],
    /// Rounds or injections that raised, threads that panicked.
    pub(crate) crashes: Counter,
    /// Injections by action.
    pub(crate) actions: [Counter; Action::ALL.len()],
    /// Debugger writes that found no frame to write (the worker was
    /// between rounds).
    pub(crate) debugger_misses: Counter,
}

impl Counters {
    /// Every wrong result: reads, checksums and traces.
    pub(crate) fn wrong(&self) -> u64 {
        let reads: u64 = self
            .wrong_reads
            .iter()
            .flat_map(|c| c.iter())
            .map(Counter::get)
            .sum();
        reads + self.wrong_checksums.get() + self.wrong_traces.get()
    }
}

/// What every thread of the run shares.
pub(crate) struct Shared {
    /// The module's functions the harness calls, by name (dropped before
    /// the runtime).
    functions: HashMap<&'static str, Object>,
    /// `stress_ns`, the module whose dict injectors replace.
    pub(crate) namespace: Object,
    /// `TARGETS`, the live target sets.
    pub(crate) targets: Object,
    /// The runtime under test.
    pub(crate) rt: Runtime,
    /// The command line.
    pub(crate) args: Args,
    /// When the run started.
    pub(crate) started: Instant,
    /// Set when the run's time is up.
    pub(crate) stop: AtomicBool,
    /// The last generation handed out (they increase over the whole run).
    generation: AtomicU64,
    /// One lock per channel instance: per target set and channel, per
    /// module channel, per worker's debugger channel. An injector holds
    /// it from `begin` to `publish`, so a channel's generations appear in
    /// order.
    locks: Vec<Mutex<()>>,
    /// Each worker's thread ident (0 until it attached).
    pub(crate) worker_idents: Vec<AtomicU64>,
    /// The last generation published on each worker's debugger channel
    /// (a round starts with its `dbg` at least this).
    pub(crate) debugger_published: Vec<AtomicU64>,
    /// The workers' progress.
    pub(crate) workers: Vec<Lane>,
    /// The injectors' progress.
    pub(crate) injectors: Vec<Lane>,
    /// What the run counted.
    pub(crate) counters: Counters,
    /// The last injections.
    log: Mutex<VecDeque<LogEntry>>,
    /// The first failures, with the injections before the first one.
    failures: Mutex<Vec<String>>,
}

/// How many failure messages are kept.
const KEPT_FAILURES: usize = 12;

impl Shared {
    /// The workload function `name`.
    pub(crate) fn function(&self, name: &str) -> &Object {
        self.functions
            .get(name)
            .unwrap_or_else(|| panic!("workload.py defines {name} (checked at start-up)"))
    }

    /// Whether the run is over.
    pub(crate) fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Microseconds since the start.
    pub(crate) fn now_us(&self) -> u64 {
        self.started.elapsed().as_micros() as u64
    }

    /// The next generation.
    pub(crate) fn next_generation(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The lock of `channel` (of target set `slot`, or of worker `worker`
    /// for the debugger's), taken detached: waiting for it must not stall
    /// pauses.
    pub(crate) fn lock_channel(
        &self,
        py: &mut Python<'_>,
        channel: Channel,
        slot: u32,
        worker: usize,
    ) -> MutexGuard<'_, ()> {
        let targets = self.args.targets as usize;
        let index = if channel == Channel::Debugger {
            (targets + 1) * CHANNELS + worker
        } else if channel.per_target() {
            slot as usize * CHANNELS + channel as usize
        } else {
            targets * CHANNELS + channel as usize
        };
        let lock = &self.locks[index];
        py.detach(|| lock.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Records an injection.
    pub(crate) fn log(&self, entry: LogEntry) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() == LOG_LENGTH {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// Records a failure; the first one also keeps the recent injections.
    pub(crate) fn fail(&self, message: String) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.is_empty() {
            let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
            let mut text = format!("{message}\n    the last injections before it (µs: injector action slot generation outcome):");
            for e in log.iter() {
                text.push_str(&format!(
                    "\n      {:>10}: {} {} {} {} {}",
                    e.at_us,
                    e.injector,
                    e.action.name(),
                    e.slot.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
                    e.generation,
                    e.outcome
                ));
            }
            failures.push(text);
        } else if failures.len() < KEPT_FAILURES {
            failures.push(message);
        }
    }

    /// The failure messages kept.
    pub(crate) fn failures(&self) -> Vec<String> {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The functions of `workload.py` the harness calls.
const FUNCTIONS: &[&str] = &[
    "setup",
    "work",
    "traced_round",
    "begin",
    "publish",
    "begin_worker",
    "publish_worker",
    "set_class_attr",
    "set_method",
    "switch_object_class",
    "switch_bases",
    "set_base_attr",
    "set_defaults",
    "set_code",
    "set_kwdefaults",
    "reinit_property",
    "reinit_staticmethod",
    "reinit_classmethod",
    "set_global",
    "set_module_attr",
    "module_dict_with",
    "set_builtin",
    "set_builtin_func",
    "set_probe_global",
    "flip_class_one",
    "flip_global_one",
    "flip_list_item",
    "rebind_global_list",
    "flip_abs",
    "scratch_class_attr",
    "scratch_global",
    "scratch_builtin",
    "instrumentation_burst",
    "refresh_targets",
];

/// Builds the runtime, loads the workload and shares it.
fn set_up(args: Args) -> Result<Shared, Error> {
    let mut builder = Runtime::builder()
        .specialize(args.tier >= 1)
        .gc_stress(args.gc_stress);
    for &kind in EventKind::ALL.iter() {
        builder = builder.threshold(kind, args.thresholds.threshold(kind, args.seed));
    }
    let rt = builder.build();
    rt.set_tier2(args.tier == 2);
    rt.set_collect_stats(true);
    let code = rt.compile(WORKLOAD, "stress_workload.py")?;
    let workers = args.threads as usize;
    let (functions, namespace, targets) = rt.attach(|py| {
        let namespace = py.module("stress_ns")?;
        let module = py.module("stress_work")?;
        py.exec(&code, &module)?;
        let names: Vec<String> = module.get(py, "CHANNELS")?;
        if names != Channel::NAMES {
            return Err(Error::type_error(format!(
                "workload.py's CHANNELS {names:?} differ from the harness's {:?}",
                Channel::NAMES
            )));
        }
        let mut functions = HashMap::new();
        for &name in FUNCTIONS {
            functions.insert(name, module.get::<Object>(py, name)?);
        }
        functions["setup"].call::<()>(py, (args.targets, workers, 1))?;
        let targets: Object = module.get(py, "TARGETS")?;
        Ok::<_, Error>((functions, namespace, targets))
    })?;
    Ok(Shared {
        functions,
        namespace,
        targets,
        rt,
        started: Instant::now(),
        stop: AtomicBool::new(false),
        generation: AtomicU64::new(1),
        locks: (0..(args.targets as usize + 1) * CHANNELS + workers)
            .map(|_| Mutex::new(()))
            .collect(),
        worker_idents: (0..workers).map(|_| AtomicU64::new(0)).collect(),
        debugger_published: (0..workers).map(|_| AtomicU64::new(1)).collect(),
        workers: (0..workers).map(|_| Lane::default()).collect(),
        injectors: (0..args.injectors).map(|_| Lane::default()).collect(),
        counters: Counters::default(),
        log: Mutex::new(VecDeque::with_capacity(LOG_LENGTH)),
        failures: Mutex::new(Vec::new()),
        args,
    })
}

/// What the sampler saw.
#[derive(Default)]
pub(crate) struct Samples {
    /// How many samples.
    pub(crate) count: u64,
    /// The most executors live at once.
    pub(crate) max_live: u64,
    /// The most retired executors waiting to be freed.
    pub(crate) max_pending: u64,
}

/// The bound on live executors: one per loop of the workload, rebuilt at
/// most a few times, plus those retired and waiting for every thread to
/// pass a safepoint — which each does within a round, so the backlog is a
/// few per thread. `--max-live` overrides it.
pub(crate) fn live_bound(args: &Args) -> u64 {
    args.max_live
        .unwrap_or(256 + 64 * u64::from(args.threads + args.injectors))
}

/// Samples the executor figures every 20 ms until the run stops.
fn sampler(shared: &Shared) -> Samples {
    let bound = live_bound(&shared.args);
    let mut samples = Samples::default();
    while !shared.stopping() {
        let executors = shared.rt.world().stats().executors;
        samples.count += 1;
        samples.max_live = samples.max_live.max(executors.live);
        samples.max_pending = samples.max_pending.max(executors.pending_reclamation);
        if executors.live > bound && samples.max_live == executors.live {
            shared.fail(format!(
                "{} live executors (bound {bound}), {} pending reclamation",
                executors.live, executors.pending_reclamation
            ));
        }
        thread::sleep(Duration::from_millis(20));
    }
    samples
}

/// Exits with status 3 when a thread makes no progress for
/// `--hang-seconds` (or shutting down takes that long), printing what
/// every thread was doing.
fn watchdog(shared: &Shared, finished: &AtomicBool) {
    let hang = Duration::from_secs_f64(shared.args.hang_seconds);
    let lanes: Vec<(String, &Lane)> = shared
        .workers
        .iter()
        .enumerate()
        .map(|(i, l)| (format!("worker {i}"), l))
        .chain(
            shared
                .injectors
                .iter()
                .enumerate()
                .map(|(i, l)| (format!("injector {i}"), l)),
        )
        .collect();
    let mut last: Vec<(u64, Instant)> = lanes
        .iter()
        .map(|(_, l)| (l.progress.load(Ordering::Relaxed), Instant::now()))
        .collect();
    let mut stop_seen: Option<Instant> = None;
    while !finished.load(Ordering::Relaxed) {
        thread::sleep(Duration::from_millis(100));
        let now = Instant::now();
        let mut stuck = Vec::new();
        for ((name, lane), (progress, since)) in lanes.iter().zip(last.iter_mut()) {
            let p = lane.progress.load(Ordering::Relaxed);
            if p != *progress {
                *progress = p;
                *since = now;
            } else if now - *since > hang && !shared.stopping() {
                stuck.push(name.clone());
            }
        }
        if shared.stopping() && now - *stop_seen.get_or_insert(now) > hang {
            stuck.push("shutdown".to_string());
        }
        if !stuck.is_empty() {
            let mut out = format!(
                "HANG: no progress for {} s in: {}\n",
                shared.args.hang_seconds,
                stuck.join(", ")
            );
            for (name, lane) in &lanes {
                let doing = lane
                    .doing
                    .try_lock()
                    .map(|d| *d)
                    .unwrap_or("(its state is locked)");
                out.push_str(&format!(
                    "  {name}: {doing}, progress {}\n",
                    lane.progress.load(Ordering::Relaxed)
                ));
            }
            let _ = std::io::Write::write_all(&mut std::io::stderr(), out.as_bytes());
            std::process::exit(3);
        }
    }
}

/// Runs the Python mode; returns the exit status.
pub(crate) fn run(args: Args) -> i32 {
    let duration = Duration::from_secs_f64(args.seconds);
    let shared = match set_up(args) {
        Ok(shared) => Arc::new(shared),
        Err(e) => {
            eprintln!("error: setting up the Python workload failed:\n{e}");
            return 2;
        }
    };
    let finished = AtomicBool::new(false);
    let (samples, elapsed) = thread::scope(|s| {
        s.spawn(|| watchdog(&shared, &finished));
        let sampler = s.spawn(|| sampler(&shared));
        let mut handles = Vec::new();
        for w in 0..shared.workers.len() {
            let shared = &shared;
            handles.push(
                thread::Builder::new()
                    .name(format!("worker-{w}"))
                    .spawn_scoped(s, move || worker::run(shared, w))
                    .expect("spawn a worker"),
            );
        }
        for i in 0..shared.injectors.len() {
            let shared = &shared;
            handles.push(
                thread::Builder::new()
                    .name(format!("injector-{i}"))
                    .spawn_scoped(s, move || actions::injector(shared, i))
                    .expect("spawn an injector"),
            );
        }
        thread::sleep(duration);
        shared.stop.store(true, Ordering::Relaxed);
        for handle in handles {
            if handle.join().is_err() {
                shared.counters.crashes.inc();
                shared.fail("a harness thread panicked".to_string());
            }
        }
        let elapsed = shared.started.elapsed();
        let samples = sampler.join().unwrap_or_default();
        finished.store(true, Ordering::Relaxed);
        (samples, elapsed)
    });
    shared.rt.world().reclaim();
    report::print(&shared, &samples, elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mixed_thresholds_spread_over_the_kinds() {
        for seed in 0..5 {
            let chosen: Vec<Threshold> = EventKind::ALL
                .iter()
                .map(|&k| ThresholdMode::Mixed.threshold(k, seed))
                .collect();
            assert!(chosen.contains(&Threshold::Never), "{chosen:?}");
            assert!(chosen.contains(&Threshold::After(0)), "{chosen:?}");
            assert!(chosen.contains(&Threshold::After(64)), "{chosen:?}");
            for kind in [EventKind::ClassAttrSet, EventKind::GlobalSet] {
                let t = ThresholdMode::Mixed.threshold(kind, seed);
                assert!(!matches!(t, Threshold::After(0 | 1)), "{kind:?}: {t:?}");
            }
        }
        assert_eq!(
            ThresholdMode::Zero.threshold(EventKind::DebuggerSetLocal, 0),
            Threshold::Never
        );
    }

    #[test]
    fn the_channels_match_the_workload() {
        let line = WORKLOAD
            .lines()
            .position(|l| l.starts_with("CHANNELS = ["))
            .expect("CHANNELS in workload.py");
        let names: Vec<&str> = WORKLOAD
            .lines()
            .skip(line + 1)
            .take_while(|l| !l.starts_with(']'))
            .map(|l| l.trim().split('"').nth(1).expect("a quoted name"))
            .collect();
        assert_eq!(names, Channel::NAMES);
    }
}
