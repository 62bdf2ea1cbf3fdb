//! Criterion benchmarks of the `stillpoint-sync` protocol.
//!
//! Groups (each prints its derived figures on stderr, prefixed
//! `[stillpoint-bench]`, so that they can be quoted):
//!
//! 1. `poll`: the safepoint fast path against a plain relaxed load + branch.
//! 2. `stop_the_world`: a host thread's pause with 1, 2 and 4 mutators
//!    spinning on `poll()`; the time-to-safepoint and pause percentiles
//!    are printed afterwards, both as the host measured them and as
//!    `World::stats` recorded them.
//! 3. `fire`: below the threshold (local and global kinds) and after it,
//!    against a relaxed load + relaxed `fetch_add` baseline.
//! 4. `invalidate` / `reclaim_after_invalidate`: one local fire against 1,
//!    100 and 10,000 dependents, and freeing them afterwards.
//! 5. `install`: one executor with 1 and 4 dependencies.
//! 6. `registry`: our per-object dependents lists against a CPython-style
//!    walk of every executor testing a 256-bit bloom filter (simulated here).
//! 7. `reclamation`: QSBR (our poll) against crossbeam-epoch, per safepoint
//!    and end to end (retire and free 1000 executors).
//!
//! Run: `cargo bench -p stillpoint-benches --bench sync`.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode};
use crossbeam_epoch::{Atomic, Collector, Shared};
use stillpoint_sync::{
    Dependency, EventKind, ExecutorSlot, Threshold, Watchable, World, WorldConfig,
};

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_poll(&mut c);
    bench_stop_the_world(&mut c);
    bench_fire(&mut c);
    bench_invalidate(&mut c);
    bench_install(&mut c);
    bench_registry(&mut c);
    bench_reclamation(&mut c);
    c.final_summary();
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/// A benchmark group with the modest settings that keep the whole run at a
/// few minutes on a 2-core machine.
fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    g
}

/// Prints one derived figure, in a form easy to grep out of the log.
macro_rules! report {
    ($($arg:tt)*) => {
        eprintln!("[stillpoint-bench] {}", format_args!($($arg)*))
    };
}

/// Times two closures in alternating rounds (so that machine noise hits
/// both alike) and returns the median ns per call of each. Criterion's
/// estimates come from separate runs; this gives the ratio of one run.
fn paired_ns_per_call(mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    const ROUNDS: usize = 31;
    const CALLS: u32 = 200_000;
    fn round(f: &mut impl FnMut()) -> f64 {
        let start = Instant::now();
        for _ in 0..CALLS {
            f();
        }
        start.elapsed().as_nanos() as f64 / f64::from(CALLS)
    }
    let (mut xs, mut ys) = (Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS));
    for _ in 0..ROUNDS {
        xs.push(round(&mut a));
        ys.push(round(&mut b));
    }
    xs.sort_by(f64::total_cmp);
    ys.sort_by(f64::total_cmp);
    (xs[ROUNDS / 2], ys[ROUNDS / 2])
}

/// A small deterministic PRNG (xorshift64*), so that the registry shapes are
/// the same in every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A lap counter alone on its cache line, so that spinners do not slow each
/// other down through false sharing.
#[repr(align(128))]
#[derive(Default)]
struct Laps(AtomicU64);

/// Threads that run until dropped; dropping sets their stop flag and joins
/// them (a panic in one of them is re-raised).
struct Background {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Background {
    /// Starts `n` threads running `body(index, stop)` and returns once each
    /// has called the `ready` barrier it is given.
    fn start<F>(n: usize, body: F) -> Self
    where
        F: Fn(usize, &AtomicBool, &Barrier) + Send + Sync + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let ready = Arc::new(Barrier::new(n + 1));
        let body = Arc::new(body);
        let threads = (0..n)
            .map(|i| {
                let (stop, ready, body) = (stop.clone(), ready.clone(), body.clone());
                thread::spawn(move || body(i, &stop, &ready))
            })
            .collect();
        ready.wait();
        Background { stop, threads }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            if let Err(panic) = t.join() {
                if !thread::panicking() {
                    std::panic::resume_unwind(panic);
                }
            }
        }
    }
}

/// Mutator threads that register, attach and spin on `poll()` until
/// dropped, each counting its laps.
struct Spinners {
    laps: Arc<Vec<Laps>>,
    _threads: Background,
}

impl Spinners {
    fn start(world: &World, n: usize) -> Self {
        let laps: Arc<Vec<Laps>> = Arc::new((0..n).map(|_| Laps::default()).collect());
        let (world, shared_laps) = (world.clone(), laps.clone());
        let threads = Background::start(n, move |i, stop, ready| {
            let m = world.register();
            m.attach();
            ready.wait();
            let mut lap = 0u64;
            while !stop.load(Ordering::Relaxed) {
                m.poll();
                lap += 1;
                shared_laps[i].0.store(lap, Ordering::Relaxed);
            }
            m.detach();
        });
        Spinners {
            laps,
            _threads: threads,
        }
    }

    /// Returns once every spinner has completed a lap after this call: all
    /// are back in their loop, none is still waking up from a pause.
    fn wait_all_running(&self) {
        let before: Vec<u64> = self
            .laps
            .iter()
            .map(|l| l.0.load(Ordering::Relaxed))
            .collect();
        for (lap, seen) in self.laps.iter().zip(before) {
            let mut spins = 0u32;
            while lap.0.load(Ordering::Relaxed) == seen {
                spins += 1;
                if spins % 64 == 0 {
                    thread::yield_now();
                } else {
                    std::hint::spin_loop();
                }
            }
        }
    }
}

/// Spins (yielding now and then) until `done()`; panics after 10 s so that
/// a reclamation that never happens shows up as a failure, not a hang.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    let mut spins = 0u32;
    while !done() {
        spins += 1;
        if spins % 64 == 0 {
            thread::yield_now();
            if start.elapsed() > Duration::from_secs(10) {
                panic!("{what}: still not done after 10 s");
            }
        } else {
            std::hint::spin_loop();
        }
    }
}

#[cold]
#[inline(never)]
fn cold_path() {
    black_box(());
}

/// The bits of `POLL_REQUESTS` in the sync crate's state word; any nonzero
/// mask gives the baseline the same load-and-test shape.
const REQUEST_MASK: u32 = 0b1100;

// ---------------------------------------------------------------------------
// 1. The poll fast path
// ---------------------------------------------------------------------------

fn bench_poll(c: &mut Criterion) {
    let world = World::new();
    let m = world.register();
    m.attach();
    // The baseline's word lives behind an `Arc`, like a mutator's.
    let flag = Arc::new(AtomicU32::new(0));
    let baseline = || {
        if flag.load(Ordering::Relaxed) & REQUEST_MASK != 0 {
            cold_path();
        }
    };

    let mut g = group(c, "poll");
    g.bench_function("mutator_poll", |b| b.iter(|| m.poll()));
    g.bench_function("baseline_relaxed_load_branch", |b| b.iter(baseline));
    g.bench_function("mutator_poll_x1000", |b| {
        b.iter(|| {
            for _ in 0..1000 {
                m.poll();
            }
        })
    });
    g.bench_function("baseline_relaxed_load_branch_x1000", |b| {
        b.iter(|| {
            for _ in 0..1000 {
                baseline();
            }
        })
    });
    g.finish();

    let (poll, base) = paired_ns_per_call(|| m.poll(), baseline);
    report!(
        "poll: mutator_poll {poll:.3} ns, baseline load+branch {base:.3} ns, ratio {:.2}",
        poll / base
    );
    m.detach();
}

// ---------------------------------------------------------------------------
// 2. Time to safepoint and pause length
// ---------------------------------------------------------------------------

fn bench_stop_the_world(c: &mut Criterion) {
    let mut g = group(c, "stop_the_world");
    g.sampling_mode(SamplingMode::Flat).sample_size(20);
    for spinners in [1usize, 2, 4] {
        let world = World::new();
        let running = Spinners::start(&world, spinners);
        // Our own view of every pause, independent of `World::stats`: the
        // action runs as soon as every spinner is parked, so the time it
        // reads is the time to safepoint as the host sees it.
        let mut time_to_safepoint = Vec::new();
        let mut whole = Vec::new();
        g.bench_function(BenchmarkId::new("host_pause_spinners", spinners), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    running.wait_all_running();
                    let start = Instant::now();
                    let stopped = world.stop_the_world(|| start.elapsed());
                    let elapsed = start.elapsed();
                    total += elapsed;
                    time_to_safepoint.push(stopped);
                    whole.push(elapsed);
                }
                total
            })
        });
        drop(running);
        if whole.is_empty() {
            continue; // filtered out
        }
        let oversubscribed = if spinners + 1 > available_cores() {
            " (spinners + host > cores: oversubscribed)"
        } else {
            ""
        };
        let (t, w) = (
            Percentiles::of(&mut time_to_safepoint),
            Percentiles::of(&mut whole),
        );
        report!(
            "pause with {spinners} spinner(s){oversubscribed}, host-measured over {} pauses: \
             time_to_safepoint p50 {} ns, p99 {} ns, max {} ns; whole stop_the_world call p50 {} ns, p99 {} ns, max {} ns",
            whole.len(),
            t.p50,
            t.p99,
            t.max,
            w.p50,
            w.p99,
            w.max
        );
        let p = world.stats().pauses;
        report!(
            "pause with {spinners} spinner(s), World::stats: {} pauses; time_to_safepoint p50 {} ns, p99 {} ns, \
             max {} ns; length p50 {} ns, p99 {} ns, max {} ns",
            p.count,
            p.time_to_safepoint.p50,
            p.time_to_safepoint.p99,
            p.time_to_safepoint.max,
            p.length.p50,
            p.length.p99,
            p.length.max,
        );
    }
    g.finish();
}

/// p50, p99 and max of some durations, in ns.
struct Percentiles {
    p50: u128,
    p99: u128,
    max: u128,
}

impl Percentiles {
    fn of(samples: &mut [Duration]) -> Self {
        samples.sort_unstable();
        let at = |q: usize| samples[(samples.len() - 1) * q / 100].as_nanos();
        Percentiles {
            p50: at(50),
            p99: at(99),
            max: at(100),
        }
    }
}

fn available_cores() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

// ---------------------------------------------------------------------------
// 3. Fire cost below and after the threshold
// ---------------------------------------------------------------------------

/// `n` fresh slots, each holding an executor that depends on `object`.
fn install_dependents(world: &World, object: &Watchable, n: usize) -> Vec<ExecutorSlot<u64>> {
    (0..n)
        .map(|i| {
            let slot = ExecutorSlot::new();
            let dep = world.assume_object(object).expect("below threshold");
            world.install(&slot, i as u64, &[dep]).expect("install");
            slot
        })
        .collect()
}

fn bench_fire(c: &mut Criterion) {
    const FEW: usize = 4;
    // The mutation each fire applies, the same in every variant.
    let target = AtomicU64::new(0);
    let store = || target.fetch_add(1, Ordering::Relaxed);

    let never = World::with_config(
        WorldConfig::new()
            .threshold(EventKind::ClassAttrSet, Threshold::Never)
            .threshold(EventKind::DebuggerSetLocal, Threshold::Never),
    );
    let class = Watchable::new(EventKind::ClassAttrSet);
    // Check that a below-threshold local fire really invalidates.
    let probe = install_dependents(&never, &class, FEW);
    never.fire(EventKind::ClassAttrSet, Some(&class), store);
    assert!(
        probe.iter().all(|s| !s.is_linked()),
        "a local fire left a dependent linked"
    );
    never.reclaim();

    // After the threshold, reached the ordinary way (default thresholds).
    let defaults = World::new();
    let past_local = Watchable::new(EventKind::ClassAttrSet);
    while defaults.may_assume_object(&past_local) {
        defaults.fire(EventKind::ClassAttrSet, Some(&past_local), || ());
    }
    while defaults.may_assume(EventKind::FunctionModified) {
        defaults.fire(EventKind::FunctionModified, None, || ());
    }
    let pauses_before = defaults.stats().pauses.count;

    let gate = AtomicU32::new(0);
    let baseline = || {
        black_box(gate.load(Ordering::Relaxed));
        target.fetch_add(1, Ordering::Relaxed)
    };

    let mut g = group(c, "fire");
    g.bench_function("local_below_threshold_0_dependents", |b| {
        b.iter(|| never.fire(EventKind::ClassAttrSet, Some(&class), store))
    });
    g.bench_function(format!("local_below_threshold_{FEW}_dependents"), |b| {
        b.iter_batched(
            || {
                never.reclaim();
                let object = Watchable::new(EventKind::ClassAttrSet);
                let slots = install_dependents(&never, &object, FEW);
                (object, slots)
            },
            |(object, slots)| {
                never.fire(EventKind::ClassAttrSet, Some(&object), store);
                (object, slots)
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("global_below_threshold_0_mutators", |b| {
        b.iter(|| never.fire(EventKind::DebuggerSetLocal, None, store))
    });
    g.bench_function("local_after_threshold", |b| {
        b.iter(|| defaults.fire(EventKind::ClassAttrSet, Some(&past_local), store))
    });
    g.bench_function("global_after_threshold", |b| {
        b.iter(|| defaults.fire(EventKind::FunctionModified, None, store))
    });
    g.bench_function("baseline_relaxed_load_fetch_add", |b| b.iter(baseline));
    g.finish();

    assert_eq!(
        defaults.stats().pauses.count,
        pauses_before,
        "a fire after the threshold paused"
    );
    let (local, base) = paired_ns_per_call(
        || {
            black_box(defaults.fire(EventKind::ClassAttrSet, Some(&past_local), store));
        },
        || {
            black_box(baseline());
        },
    );
    let (global, base2) = paired_ns_per_call(
        || {
            black_box(defaults.fire(EventKind::FunctionModified, None, store));
        },
        || {
            black_box(baseline());
        },
    );
    report!(
        "fire after threshold: local {local:.3} ns vs baseline {base:.3} ns, ratio {:.2}; \
         global {global:.3} ns vs baseline {base2:.3} ns, ratio {:.2} (requirement: <= 1.5)",
        local / base,
        global / base2
    );
    drop(probe);
}

// ---------------------------------------------------------------------------
// 4. Invalidation and reclamation against N dependents
// ---------------------------------------------------------------------------

fn class_attr_never() -> World {
    World::with_config(WorldConfig::new().threshold(EventKind::ClassAttrSet, Threshold::Never))
}

/// Inputs with 10,000 executors are timed one at a time, to keep batches
/// of them out of memory; the smaller ones in batches.
fn batch_size_for(n: usize) -> BatchSize {
    if n >= 10_000 {
        BatchSize::PerIteration
    } else {
        BatchSize::SmallInput
    }
}

fn bench_invalidate(c: &mut Criterion) {
    let sizes = [1usize, 100, 10_000];
    let world = class_attr_never();

    // Check the measured work once: the fire unlinks and retires all N.
    for &n in &sizes {
        let object = Watchable::new(EventKind::ClassAttrSet);
        let slots = install_dependents(&world, &object, n);
        let retired = world.stats().executors.retired;
        world.fire(EventKind::ClassAttrSet, Some(&object), || ());
        assert!(slots.iter().all(|s| !s.is_linked()));
        assert_eq!(world.stats().executors.retired - retired, n as u64);
        assert_eq!(
            world.reclaim(),
            n,
            "reclaim with no mutator frees everything"
        );
    }

    let mut g = group(c, "invalidate");
    g.sampling_mode(SamplingMode::Flat);
    for &n in &sizes {
        g.bench_function(BenchmarkId::new("local_fire_dependents", n), |b| {
            b.iter_batched(
                || {
                    world.reclaim();
                    let object = Watchable::new(EventKind::ClassAttrSet);
                    let slots = install_dependents(&world, &object, n);
                    (object, slots)
                },
                |(object, slots)| {
                    world.fire(EventKind::ClassAttrSet, Some(&object), || ());
                    (object, slots)
                },
                batch_size_for(n),
            )
        });
    }
    g.finish();
    world.reclaim();

    let mut g = group(c, "reclaim_after_invalidate");
    g.sampling_mode(SamplingMode::Flat);
    for &n in &sizes {
        g.bench_function(BenchmarkId::new("world_reclaim_dependents", n), |b| {
            b.iter_batched(
                || {
                    // A world per input, so that each reclaim frees exactly
                    // its own N executors.
                    let world = class_attr_never();
                    let object = Watchable::new(EventKind::ClassAttrSet);
                    let slots = install_dependents(&world, &object, n);
                    world.fire(EventKind::ClassAttrSet, Some(&object), || ());
                    (world, object, slots)
                },
                |(world, object, slots)| {
                    let freed = world.reclaim();
                    (freed, world, object, slots)
                },
                batch_size_for(n),
            )
        });
    }
    g.finish();
}

// ---------------------------------------------------------------------------
// 5. Install
// ---------------------------------------------------------------------------

/// One dependency on each of `objects`, taken as the optimizer would.
fn assume_all<'a, const K: usize>(
    world: &World,
    objects: &'a [Watchable; K],
) -> [Dependency<'a>; K] {
    std::array::from_fn(|i| world.assume_object(&objects[i]).expect("below threshold"))
}

fn bench_install_with<const K: usize>(g: &mut BenchmarkGroup<'_, WallTime>, world: &World) {
    let objects: [Watchable; K] = std::array::from_fn(|_| Watchable::new(EventKind::ClassAttrSet));
    g.bench_function(BenchmarkId::new("empty_slot_dependencies", K), |b| {
        b.iter_batched(
            ExecutorSlot::<u64>::new,
            |slot| {
                let deps = assume_all(world, &objects);
                world.install(&slot, 7, &deps).expect("install");
                // Dropped outside the timing (it frees the executor).
                slot
            },
            BatchSize::SmallInput,
        )
    });
}

fn bench_install(c: &mut Criterion) {
    let world = World::new();
    let mut g = group(c, "install");
    bench_install_with::<1>(&mut g, &world);
    bench_install_with::<4>(&mut g, &world);
    g.finish();
    let e = world.stats().executors;
    assert_eq!(e.install_failed, 0, "an install into an empty slot failed");
    assert!(e.installed > 0 || e.created == 0, "nothing was installed");
}

// ---------------------------------------------------------------------------
// 6. Registry structure: per-object lists against a bloom-filter walk
// ---------------------------------------------------------------------------

/// Executors in the world for the registry comparison.
const TOTAL_EXECUTORS: usize = 10_000;
/// Objects the executors that do not depend on X depend on.
const OTHER_OBJECTS: usize = 1_000;
/// Dependencies of every executor.
const DEPS_PER_EXECUTOR: usize = 4;

/// The bench-local model of the alternative registry: every executor carries
/// a 256-bit bloom filter of the addresses it depends on, and invalidating
/// an object walks every executor testing the filter, invalidating each
/// match (false positives included, since the filter cannot tell them
/// apart).
mod bloom {
    use std::sync::atomic::{AtomicBool, Ordering};

    /// 4 × 64 = 256 bits.
    pub type Filter = [u64; 4];
    /// Bits set per address.
    const HASHES: u32 = 6;

    /// The filter bits of one address: mix the address so that nearby
    /// allocations spread, then read `HASHES` bit positions (8 bits each,
    /// 0..256) off the mixed value.
    pub fn bits_of(address: usize) -> Filter {
        let mut h = (address as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^= h >> 29;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 32;
        let mut filter = [0u64; 4];
        for i in 0..HASHES {
            let bit = (h >> (8 * i)) & 0xff;
            filter[(bit >> 6) as usize] |= 1 << (bit & 63);
        }
        filter
    }

    pub fn may_contain(filter: &Filter, key: &Filter) -> bool {
        (0..4).all(|w| filter[w] & key[w] == key[w])
    }

    pub struct Executor {
        filter: Filter,
        valid: AtomicBool,
        /// Index of the next executor in the registry's list (the list
        /// order is shuffled, as heap objects linked as they are created).
        next: u32,
    }

    const END: u32 = u32::MAX;

    /// All executors of a world, both as a contiguous array (the best case
    /// for the walk) and threaded as a linked list (CPython's shape).
    pub struct Registry {
        executors: Vec<Executor>,
        head: u32,
    }

    impl Registry {
        /// `dependencies[i]`: the addresses executor `i` depends on;
        /// `order`: the linked-list order, a permutation of the indices.
        pub fn new(dependencies: &[Vec<usize>], order: &[usize]) -> Self {
            let mut executors: Vec<Executor> = dependencies
                .iter()
                .map(|addresses| Executor {
                    filter: addresses.iter().fold([0; 4], |mut f, &a| {
                        let b = bits_of(a);
                        (0..4).for_each(|w| f[w] |= b[w]);
                        f
                    }),
                    valid: AtomicBool::new(true),
                    next: END,
                })
                .collect();
            for pair in order.windows(2) {
                executors[pair[0]].next = pair[1] as u32;
            }
            Registry {
                executors,
                head: order.first().map_or(END, |&i| i as u32),
            }
        }

        /// Invalidates the executors whose filter may contain `address`,
        /// walking the array. Returns how many matched.
        pub fn invalidate_walking_array(&self, address: usize) -> usize {
            let key = bits_of(address);
            let mut hits = 0;
            for e in &self.executors {
                if may_contain(&e.filter, &key) {
                    e.valid.store(false, Ordering::Release);
                    hits += 1;
                }
            }
            hits
        }

        /// The same, following the linked list.
        pub fn invalidate_walking_list(&self, address: usize) -> usize {
            let key = bits_of(address);
            let mut hits = 0;
            let mut at = self.head;
            while at != END {
                let e = &self.executors[at as usize];
                if may_contain(&e.filter, &key) {
                    e.valid.store(false, Ordering::Release);
                    hits += 1;
                }
                at = e.next;
            }
            hits
        }
    }
}

/// `k` distinct indices of other objects.
fn pick_others(rng: &mut Rng, k: usize) -> Vec<usize> {
    let mut picked: Vec<usize> = Vec::with_capacity(k);
    while picked.len() < k {
        let i = rng.below(OTHER_OBJECTS);
        if !picked.contains(&i) {
            picked.push(i);
        }
    }
    picked
}

/// A fresh object X and `n` executors depending on it and on
/// `DEPS_PER_EXECUTOR - 1` other objects each.
fn x_with_dependents(
    world: &World,
    others: &[Watchable],
    rng: &mut Rng,
    n: usize,
) -> (Watchable, Vec<ExecutorSlot<u64>>) {
    let x = Watchable::new(EventKind::ClassAttrSet);
    let slots = (0..n)
        .map(|i| {
            let slot = ExecutorSlot::new();
            let mut deps = vec![world.assume_object(&x).expect("below threshold")];
            deps.extend(
                pick_others(rng, DEPS_PER_EXECUTOR - 1)
                    .into_iter()
                    .map(|o| world.assume_object(&others[o]).expect("below threshold")),
            );
            world.install(&slot, i as u64, &deps).expect("install");
            slot
        })
        .collect();
    (x, slots)
}

fn bench_registry(c: &mut Criterion) {
    let world = class_attr_never();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let others: Vec<Watchable> = (0..OTHER_OBJECTS)
        .map(|_| Watchable::new(EventKind::ClassAttrSet))
        .collect();
    let mut g = group(c, "registry");
    g.sampling_mode(SamplingMode::Flat);
    for dependents in [1usize, 100] {
        // (a) Ours: the world holds TOTAL_EXECUTORS executors; the
        // background ones depend on other objects only, and each input adds
        // `dependents` executors on a fresh X (plus 3 other objects each).
        let background: Vec<ExecutorSlot<u64>> = (0..TOTAL_EXECUTORS - dependents)
            .map(|i| {
                let slot = ExecutorSlot::new();
                let deps: Vec<Dependency<'_>> = pick_others(&mut rng, DEPS_PER_EXECUTOR)
                    .into_iter()
                    .map(|o| world.assume_object(&others[o]).expect("below threshold"))
                    .collect();
                world.install(&slot, i as u64, &deps).expect("install");
                slot
            })
            .collect();
        let mut input_rng = Rng(rng.next() | 1);
        // Check the measured work once: the fire unlinks exactly X's
        // dependents.
        let (x, slots) = x_with_dependents(&world, &others, &mut input_rng, dependents);
        world.fire(EventKind::ClassAttrSet, Some(&x), || ());
        assert!(
            slots.iter().all(|s| !s.is_linked()),
            "a dependent of X stayed linked"
        );
        g.bench_function(BenchmarkId::new("per_object_list", dependents), |b| {
            b.iter_batched(
                || {
                    world.reclaim();
                    x_with_dependents(&world, &others, &mut input_rng, dependents)
                },
                |(x, slots)| {
                    world.fire(EventKind::ClassAttrSet, Some(&x), || ());
                    (x, slots)
                },
                BatchSize::SmallInput,
            )
        });
        assert!(
            background.iter().all(ExecutorSlot::is_linked),
            "a fire on X reached an executor that does not depend on X"
        );
        drop(background);
        world.reclaim();

        // (b) The bloom walk over the same number of executors, with the
        // same dependency shape, over the addresses of the same objects.
        let x = Watchable::new(EventKind::ClassAttrSet);
        let x_address = &x as *const Watchable as usize;
        let address_of = |o: usize| &others[o] as *const Watchable as usize;
        let dependencies: Vec<Vec<usize>> = (0..TOTAL_EXECUTORS)
            .map(|i| {
                let picked = pick_others(&mut rng, DEPS_PER_EXECUTOR);
                if i < dependents {
                    std::iter::once(x_address)
                        .chain(picked[1..].iter().map(|&o| address_of(o)))
                        .collect()
                } else {
                    picked.into_iter().map(address_of).collect()
                }
            })
            .collect();
        let mut order: Vec<usize> = (0..TOTAL_EXECUTORS).collect();
        for i in (1..order.len()).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        let registry = bloom::Registry::new(&dependencies, &order);
        let hits = registry.invalidate_walking_list(x_address);
        assert!(hits >= dependents, "the bloom walk missed a dependent");
        assert_eq!(hits, registry.invalidate_walking_array(x_address));
        report!(
            "registry: T={TOTAL_EXECUTORS}, D={dependents}: the bloom walk invalidates {hits} executors \
             ({} false positives)",
            hits - dependents
        );
        g.bench_function(
            BenchmarkId::new("bloom_walk_linked_list", dependents),
            |b| b.iter(|| registry.invalidate_walking_list(black_box(x_address))),
        );
        g.bench_function(BenchmarkId::new("bloom_walk_array", dependents), |b| {
            b.iter(|| registry.invalidate_walking_array(black_box(x_address)))
        });
    }
    g.finish();
}

// ---------------------------------------------------------------------------
// 7. Reclamation: QSBR over the safepoints against crossbeam-epoch
// ---------------------------------------------------------------------------

/// Payloads freed so far by the end-to-end reclamation benchmarks.
static FREED: AtomicUsize = AtomicUsize::new(0);

/// An 8-byte payload that counts its drop (both schemes free a heap box of
/// it).
struct Counted(#[allow(dead_code)] u64);

impl Drop for Counted {
    fn drop(&mut self) {
        FREED.fetch_add(1, Ordering::Release);
    }
}

const RETIRED_PER_ROUND: usize = 1000;

fn bench_reclamation(c: &mut Criterion) {
    let mut g = group(c, "reclamation");

    // Per safepoint, on a thread that must stay reclaim-safe.
    {
        let world = World::new();
        let m = world.register();
        m.attach();
        g.bench_function("per_safepoint_qsbr_poll", |b| b.iter(|| m.poll()));
        m.detach();

        let collector = Collector::new();
        let handle = collector.register();
        let mut guard = handle.pin();
        g.bench_function("per_safepoint_epoch_repin", |b| b.iter(|| guard.repin()));
        drop(guard);
        g.bench_function("per_safepoint_epoch_pin_unpin", |b| {
            b.iter(|| drop(handle.pin()))
        });
    }

    g.sampling_mode(SamplingMode::Flat).sample_size(20);
    // End to end: retire RETIRED_PER_ROUND executors and wait until all are
    // freed, with one other thread at its safepoints all along.
    {
        let world = class_attr_never();
        let poller = Spinners::start(&world, 1);
        for one_fire in [false, true] {
            let name = if one_fire {
                "retire_free_1000_qsbr_one_fire"
            } else {
                "retire_free_1000_qsbr_invalidate_each"
            };
            g.bench_function(name, |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for i in 0..iters {
                        let object = Watchable::new(EventKind::ClassAttrSet);
                        let slots: Vec<ExecutorSlot<Counted>> = (0..RETIRED_PER_ROUND)
                            .map(|_| {
                                let slot = ExecutorSlot::new();
                                let dep = world.assume_object(&object).expect("below threshold");
                                world.install(&slot, Counted(i), &[dep]).expect("install");
                                slot
                            })
                            .collect();
                        let target = FREED.load(Ordering::Acquire) + RETIRED_PER_ROUND;
                        let start = Instant::now();
                        if one_fire {
                            world.fire(EventKind::ClassAttrSet, Some(&object), || ());
                        } else {
                            for slot in &slots {
                                slot.invalidate(&world);
                            }
                        }
                        wait_until("QSBR reclamation", || {
                            FREED.load(Ordering::Acquire) >= target
                        });
                        total += start.elapsed();
                    }
                    total
                })
            });
        }
        drop(poller);
        let e = world.stats().executors;
        assert_eq!(e.pending_reclamation, 0);
        report!(
            "reclamation (QSBR): {} retired, {} freed",
            e.retired,
            e.freed
        );
    }
    {
        let collector = Collector::new();
        let poller = {
            let collector = collector.clone();
            Background::start(1, move |_, stop, ready| {
                let handle = collector.register();
                let mut guard = handle.pin();
                ready.wait();
                while !stop.load(Ordering::Relaxed) {
                    guard.repin();
                }
            })
        };
        let handle = collector.register();
        g.bench_function("retire_free_1000_epoch_defer_destroy", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for i in 0..iters {
                    let slots: Vec<Atomic<Counted>> = (0..RETIRED_PER_ROUND)
                        .map(|_| Atomic::new(Counted(i)))
                        .collect();
                    let target = FREED.load(Ordering::Acquire) + RETIRED_PER_ROUND;
                    let start = Instant::now();
                    {
                        let guard = handle.pin();
                        for slot in &slots {
                            let unlinked = slot.swap(Shared::null(), Ordering::AcqRel, &guard);
                            // SAFETY: `unlinked` was just swapped out of the
                            // only `Atomic` that held it, so no thread can
                            // load it anew; threads that loaded it before
                            // are pinned, and the destruction waits for them.
                            unsafe { guard.defer_destroy(unlinked) };
                        }
                    }
                    wait_until("epoch reclamation", || {
                        handle.pin().flush();
                        FREED.load(Ordering::Acquire) >= target
                    });
                    total += start.elapsed();
                }
                total
            })
        });
        drop(poller);
    }
    g.finish();
}
