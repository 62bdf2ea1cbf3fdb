//! `stillpoint-stress`: many synthetic mutators run synthetic executors
//! while injector threads fire events, invalidate slots, replace objects
//! and stop the world; every use of an executor is checked.
//!
//! Checks (a violation makes the exit status 1; a hang, 3):
//! - no executor payload is freed, or its canary overwritten, while a
//!   thread is inside it;
//! - no executor is used (found valid) after a fire of one of its
//!   dependencies completed and was published to the using thread
//!   (`workload::run_executor` explains why this has no false positives),
//!   nor after the state it specialized on was changed by such a fire;
//! - no attached mutator makes progress while the world is stopped;
//! - the number of live executors stays bounded;
//! - no thread stops making progress (watchdog);
//! - at the end, the world's counters agree with what the harness did
//!   (pauses per cause and kind, thresholds, executors created, installed,
//!   retired, freed) and every executor was freed.
//!
//! `--inject-bug` (hidden) breaks the harness on purpose to show the checks
//! fire: `fake-fire` publishes fires that never happened, `stale-read` makes
//! the optimizer read state before taking its dependency,
//! `ignore-validity` makes executors ignore `is_valid()`, and
//! `block-attached` makes a mutator sleep while attached (a hang: exit 3).
//! With `--python`: `publish-early` publishes generations before making
//! the change (stale reads: exit 1), `sleep-attached` makes an injector
//! sleep while attached (a hang: exit 3).
//!
//! `--python` stresses the runtime itself instead: worker threads run hot,
//! checked Python loops on shared classes while injectors fire every rare
//! event, in Python and through the embedding API (see the `python`
//! module).

mod checks;
mod model;
mod python;
mod rng;
mod workload;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use stillpoint_sync::{EventKind, PauseCause, Percentiles, Scope, Stats, Threshold};

use crate::checks::Samples;
use crate::model::Shared;

/// A deliberate harness bug, to show that the checks catch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum InjectedBug {
    /// Publish a fire count without firing.
    FakeFire,
    /// The optimizer reads the state before taking its dependency.
    StaleRead,
    /// Executors ignore `is_valid()`.
    IgnoreValidity,
    /// One mutator blocks while attached (the next pause waits forever).
    BlockAttached,
    /// (--python) Injectors publish a generation before they make the
    /// change: workers must count stale reads.
    PublishEarly,
    /// (--python) Injectors sleep while attached, in the middle of an
    /// injection: the next pause waits forever (a hang).
    SleepAttached,
}

/// Stress the stillpoint-sync protocol (synthetic mutators, executors,
/// events, pauses), or with --python the runtime: Python workers, injected
/// events, checked results.
#[derive(Clone, Debug, Parser)]
#[command(version)]
pub(crate) struct Args {
    /// Run Python on the runtime: worker threads run checked hot loops
    /// while injectors fire every rare event (in Python and through the
    /// embedding API).
    #[arg(long)]
    python: bool,
    /// (--python) Target sets: the classes, instances and functions that
    /// workers share and injectors change.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    targets: u32,
    /// (--python) The events' thresholds.
    #[arg(long, value_enum, default_value_t = python::ThresholdMode::Mixed)]
    thresholds: python::ThresholdMode,
    /// (--python) Collect at every safepoint after an allocation (slow:
    /// shorten the rounds' work with few threads).
    #[arg(long)]
    gc_stress: bool,
    /// (--python) The highest tier: 0 (no specialization), 1 or 2.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(0..=2))]
    tier: u8,
    /// Mutator threads (each lane respawns its thread now and then), or
    /// with --python worker threads.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: u32,
    /// Run time in seconds (fractions allowed).
    #[arg(long, default_value_t = 20.0)]
    seconds: f64,
    /// Seed of every thread's random stream.
    #[arg(long, default_value_t = 0x5711_7901)]
    seed: u64,
    /// Injector threads (even-numbered ones are host threads, odd-numbered
    /// ones registered mutators; with --python all are attached threads).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=256))]
    injectors: u32,
    /// Executor slots shared by all threads.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
    slots: u32,
    /// Objects (classes, modules, code objects) in the table.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    objects: u32,
    /// Mean pause of an injector between two actions, in microseconds.
    #[arg(long, default_value_t = 200)]
    fire_interval_us: u64,
    /// An injector's fire is of a global kind one time in this many.
    #[arg(long, default_value_t = 6)]
    global_one_in: u64,
    /// A mutator thread exits after a loop iteration one time in this many.
    #[arg(long, default_value_t = 100_000)]
    exit_one_in: u64,
    /// A mutator that finds an empty slot optimizes one time in this many.
    #[arg(long, default_value_t = 4)]
    optimize_one_in: u64,
    /// Fail if more executors are live at once (default: 16 x slots +
    /// threads + 1024; with --python 256 + 64 x (threads + injectors)).
    #[arg(long)]
    max_live: Option<u64>,
    /// A thread that makes no progress this long is a hang (exit 3).
    #[arg(long, default_value_t = 10.0)]
    hang_seconds: f64,
    /// Break the harness on purpose (the checks must then fail; synthetic
    /// mode).
    #[arg(long, value_enum, hide = true)]
    inject_bug: Option<InjectedBug>,
}

impl Args {
    fn validate(&self) -> Result<(), String> {
        if !(self.seconds.is_finite() && self.seconds > 0.0) {
            return Err(format!("--seconds must be positive, got {}", self.seconds));
        }
        if !(self.hang_seconds.is_finite() && self.hang_seconds > 0.0) {
            return Err("--hang-seconds must be positive".to_string());
        }
        Ok(())
    }
}

fn main() {
    let args = Args::parse();
    if let Err(message) = args.validate() {
        eprintln!("error: {message}");
        std::process::exit(2);
    }
    if args.python {
        std::process::exit(python::run(args));
    }
    let duration = Duration::from_secs_f64(args.seconds);
    let shared = Arc::new(Shared::new(args));
    let finished = Arc::new(AtomicBool::new(false));
    let started = Instant::now();

    let watchdog = {
        let (shared, finished) = (shared.clone(), finished.clone());
        thread::Builder::new()
            .name("watchdog".into())
            .spawn(move || checks::watchdog(shared, finished))
            .expect("spawn the watchdog")
    };
    let sampler = {
        let shared = shared.clone();
        thread::Builder::new()
            .name("sampler".into())
            .spawn(move || checks::sampler(shared))
            .expect("spawn the sampler")
    };
    let lanes: Vec<_> = (0..shared.mutator_lanes.len())
        .map(|i| {
            let shared = shared.clone();
            thread::Builder::new()
                .name(format!("lane-{i}"))
                .spawn(move || workload::mutator_lane(shared, i))
                .expect("spawn a mutator lane")
        })
        .collect();
    let injectors: Vec<_> = (0..shared.injector_lanes.len())
        .map(|i| {
            let shared = shared.clone();
            thread::Builder::new()
                .name(format!("injector-{i}"))
                .spawn(move || workload::injector(shared, i))
                .expect("spawn an injector")
        })
        .collect();

    thread::sleep(duration);
    shared.stop.store(true, Ordering::Relaxed);
    for handle in injectors.into_iter().chain(lanes) {
        handle.join().expect("a harness thread panicked");
    }
    let samples = sampler.join().expect("the sampler panicked");
    let elapsed = started.elapsed();

    // Every mutator is gone: nothing can be inside an executor.
    // (A mutator that exits does not reclaim: what its leaving made free
    // waits for this call.)
    shared.world.reclaim();
    let before = shared.world.stats();
    let linked_at_end = shared.slots.iter().filter(|s| s.is_linked()).count() as u64;
    finished.store(true, Ordering::Relaxed);
    watchdog.join().expect("the watchdog panicked");
    let mut shared = Arc::into_inner(shared).expect("every thread has let go of the shared state");
    shared.slots.clear(); // frees the linked executors at once
    let after = shared.world.stats();
    let problems = checks::final_accounting(&shared, &before, &after, linked_at_end);
    shared.objects.clear();
    shared.all_objects.lock().unwrap().clear();

    print_report(&shared, &after, &samples, elapsed, &problems);
    let ok = shared.violations.total() == 0;
    drop(shared); // drops the World last
    std::process::exit(if ok { 0 } else { 1 });
}

pub(crate) fn micros(p: Percentiles) -> String {
    let us = |ns: u64| ns as f64 / 1000.0;
    format!(
        "p50 {:.1} p99 {:.1} max {:.1} µs",
        us(p.p50),
        us(p.p99),
        us(p.max)
    )
}

/// Thousands separators, for the big counters.
pub(crate) fn big(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('_');
        }
        out.push(ch);
    }
    out
}

pub(crate) fn threshold_text(threshold: Threshold) -> String {
    match threshold {
        Threshold::After(n) => format!("after {n}"),
        Threshold::Never => "never".to_string(),
    }
}

fn print_report(
    shared: &Shared,
    stats: &Stats,
    samples: &Samples,
    elapsed: Duration,
    problems: &[String],
) {
    let args = &shared.args;
    let c = &shared.counters;
    let hosts = args.injectors.div_ceil(2);
    println!(
        "stillpoint-stress: {:.1} s, seed {}, {} mutator lanes ({} threads spawned), {} injectors ({} host, {} mutator), {} slots, {} objects{}",
        elapsed.as_secs_f64(),
        args.seed,
        args.threads,
        c.threads_spawned.get(),
        args.injectors,
        hosts,
        args.injectors - hosts,
        args.slots,
        args.objects,
        args.inject_bug.map(|b| format!(", INJECTED BUG {b:?}")).unwrap_or_default()
    );
    println!(
        "mutators: {} loop iterations, {} executor entries, {} body iterations, left on invalid {}, detached outside/inside {}/{}, fires from executors {}",
        big(c.loop_iterations.get()),
        big(c.entries.get()),
        big(c.body_iterations.get()),
        big(c.left_invalid.get()),
        big(c.detached_outside.get()),
        big(c.detached_inside.get()),
        big(c.fires_from_executors.get()),
    );
    println!(
        "checks: {} canary/tomb checks, {} synchronized-reader checks, {} stopped-world checks",
        big(c.canary_checks.get()),
        big(c.reader_checks.get()),
        big(c.stw_checks.get()),
    );
    println!(
        "optimizer: {} installs tried: {} installed, failed {} dependency-fired / {} invalidated-during-install / {} slot-occupied; {} dependencies refused (threshold)",
        big(c.install_attempts.get()),
        big(c.installed.get()),
        big(c.failed_dependency_fired.get()),
        big(c.failed_invalidated_during_install.get()),
        big(c.failed_slot_occupied.get()),
        big(c.deps_refused.get()),
    );
    println!(
        "injected: {} local fires, {} global fires, {} slot invalidations ({} hit), {} stop_the_world, {} objects replaced",
        big(c.local_fires.get()),
        big(c.global_fires.get()),
        big(c.slot_invalidate_calls.get()),
        big(c.slot_invalidate_hits.get()),
        big(c.stw_requests.get()),
        big(c.replaced_objects.get()),
    );
    let p = &stats.pauses;
    println!(
        "pauses: {} total; time to safepoint {}",
        big(p.count),
        micros(p.time_to_safepoint)
    );
    println!("        length {}", micros(p.length));
    let causes: Vec<String> = stats
        .pauses_by_cause
        .iter()
        .map(|(cause, s)| {
            let name = match cause {
                PauseCause::Event(kind) => kind.name().to_string(),
                PauseCause::Collection => "collection".to_string(),
                PauseCause::SoloEnd => "end of solo mode".to_string(),
                PauseCause::Other => "other".to_string(),
            };
            format!("{name} {}", s.count)
        })
        .collect();
    println!("pauses by cause: {}", causes.join(", "));
    let timings = shared.pause_timings.summary();
    println!(
        "harness-timed pauses ({}): request->action {}; request->return {}",
        big(timings.count),
        micros(timings.to_action),
        micros(timings.total)
    );
    println!(
        "events: kind (threshold): invalidating fires / executors invalidated [threshold reached]"
    );
    for chunk in EventKind::ALL.chunks(4) {
        let line: Vec<String> = chunk
            .iter()
            .map(|&kind| {
                let e = stats.event(kind);
                let reached = if e.threshold_reached {
                    " [reached]"
                } else {
                    ""
                };
                let scope = if kind.scope() == Scope::Local {
                    "·local"
                } else {
                    ""
                };
                format!(
                    "{}{scope} ({}): {}/{}{reached}",
                    kind.name(),
                    threshold_text(e.threshold),
                    big(e.invalidating_fires),
                    big(e.executors_invalidated)
                )
            })
            .collect();
        println!("  {}", line.join("; "));
    }
    let e = &stats.executors;
    let invalidated: u64 = stats
        .events
        .iter()
        .map(|e| e.executors_invalidated)
        .sum::<u64>()
        + e.unlinked;
    println!(
        "executors: created {}, installed {}, install_failed {}, invalidated {} (unlinked {}), retired {}, freed {}, live at end {}",
        big(e.created),
        big(e.installed),
        big(e.install_failed),
        big(invalidated),
        big(e.unlinked),
        big(e.retired),
        big(e.freed),
        e.live
    );
    println!(
        "live executors: max {} (bound {}), max pending reclamation {}, over {} samples",
        samples.max_live,
        checks::live_bound(shared),
        samples.max_pending,
        samples.count
    );
    println!(
        "accounting: {}",
        if problems.is_empty() {
            "ok (pauses per cause and kind, thresholds, object counters, executors created = freed)"
                .to_string()
        } else {
            format!("{} mismatches", problems.len())
        }
    );
    for message in shared.violations.messages() {
        println!("  {message}");
    }
    println!(
        "violations: {} ({})",
        shared.violations.total(),
        shared.violations.summary()
    );
}
