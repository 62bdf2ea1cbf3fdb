//! What a run checks: violations found while running, the live-executor
//! bound, the hang watchdog, and the accounting at the end.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use stillpoint_sync::{EventKind, PauseCause, Scope, Stats, Threshold};

use crate::model::{Lane, Shared, PAYLOADS_DROPPED};

/// The kinds of violation a run can find.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Violation {
    /// A payload was freed while a thread was inside its executor.
    UseAfterFree,
    /// A payload's canary did not match while a thread was inside.
    Canary,
    /// A valid executor, although a fire of one of its dependencies had
    /// completed and was published to this reader.
    StaleCount,
    /// A valid executor whose assumed state was changed by a completed fire.
    StaleValue,
    /// An attached mutator ran while the world was stopped.
    RanDuringPause,
    /// More live executors than the bound.
    LiveBound,
    /// A counter at the end disagrees with what the harness did.
    Accounting,
}

impl Violation {
    const ALL: [Violation; 7] = [
        Violation::UseAfterFree,
        Violation::Canary,
        Violation::StaleCount,
        Violation::StaleValue,
        Violation::RanDuringPause,
        Violation::LiveBound,
        Violation::Accounting,
    ];

    fn name(self) -> &'static str {
        match self {
            Violation::UseAfterFree => "use-after-free",
            Violation::Canary => "canary",
            Violation::StaleCount => "used-after-invalidating-fire",
            Violation::StaleValue => "stale-assumed-value",
            Violation::RanDuringPause => "ran-during-pause",
            Violation::LiveBound => "live-bound",
            Violation::Accounting => "accounting",
        }
    }
}

/// Violation counts, and the first few messages.
#[derive(Default)]
pub(crate) struct Violations {
    counts: [AtomicU64; 7],
    messages: Mutex<Vec<String>>,
}

const KEPT_MESSAGES: usize = 24;

impl Violations {
    pub(crate) fn report(&self, kind: Violation, message: String) {
        let index = Violation::ALL
            .iter()
            .position(|&v| v == kind)
            .expect("listed");
        let seen = self.counts[index].fetch_add(1, Ordering::Relaxed);
        // One example per kind, except accounting: each mismatch is different.
        if seen == 0 || kind == Violation::Accounting {
            let mut messages = self.messages.lock().unwrap();
            if messages.len() < KEPT_MESSAGES {
                messages.push(format!("[{}] {message}", kind.name()));
            }
        }
    }

    pub(crate) fn total(&self) -> u64 {
        self.counts.iter().map(|c| c.load(Ordering::Relaxed)).sum()
    }

    /// `name N, name N` for the kinds that occurred, or `none`.
    pub(crate) fn summary(&self) -> String {
        let parts: Vec<String> = Violation::ALL
            .iter()
            .zip(&self.counts)
            .map(|(v, c)| (v, c.load(Ordering::Relaxed)))
            .filter(|&(_, n)| n > 0)
            .map(|(v, n)| format!("{} {n}", v.name()))
            .collect();
        if parts.is_empty() {
            "none".to_string()
        } else {
            parts.join(", ")
        }
    }

    pub(crate) fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}

/// Called inside a pause: no attached mutator may make progress while the
/// world is stopped. Compares every mutator's activity word with
/// `before`, after spinning for `spin` (a parked thread's last increment
/// happens-before the pause through the registry lock it counts down under).
pub(crate) fn check_world_stopped(shared: &Shared, before: &[u64], spin: Duration, during: &str) {
    shared.counters.stw_checks.inc();
    let start = Instant::now();
    while start.elapsed() < spin {
        std::hint::spin_loop();
    }
    let after = shared.activity_snapshot();
    for (index, (b, a)) in before.iter().zip(&after).enumerate() {
        if a != b {
            shared.violations.report(
                Violation::RanDuringPause,
                format!("thread role {index} made {} steps during {during}", a - b),
            );
        }
    }
}

/// The bound on live executors: each slot links at most one; each thread
/// that can install holds at most one not yet linked or freed; and retired
/// ones wait at most about one grace period — a grace period ends when
/// every online mutator has passed a poll outside its executor, which a
/// mutator does every few microseconds unless it sleeps inside one (at most
/// ~100 µs per body iteration here), so the backlog stays within a few
/// refills of the slot table. `--max-live` overrides it.
pub(crate) fn live_bound(shared: &Shared) -> u64 {
    shared.args.max_live.unwrap_or_else(|| {
        let slots = u64::from(shared.args.slots);
        let threads = (shared.args.threads + shared.args.injectors) as u64;
        16 * slots + threads + 1024
    })
}

/// What the sampler saw.
#[derive(Default)]
pub(crate) struct Samples {
    pub(crate) count: u64,
    pub(crate) max_live: u64,
    pub(crate) max_pending: u64,
}

/// Samples the executor figures every few milliseconds until the run stops.
pub(crate) fn sampler(shared: Arc<Shared>) -> Samples {
    let bound = live_bound(&shared);
    let mut samples = Samples::default();
    let mut over = false;
    while !shared.stopping() {
        let executors = shared.world.stats().executors;
        samples.count += 1;
        samples.max_live = samples.max_live.max(executors.live);
        samples.max_pending = samples.max_pending.max(executors.pending_reclamation);
        if executors.live > bound && !over {
            over = true;
            shared.violations.report(
                Violation::LiveBound,
                format!(
                    "{} live executors (bound {bound}), {} pending reclamation",
                    executors.live, executors.pending_reclamation
                ),
            );
        }
        thread::sleep(Duration::from_millis(10));
    }
    samples
}

/// Watches every thread role's progress once a second. A role that makes
/// no progress for `--hang-seconds` (or a shutdown that takes that long) is
/// a hang: print what every thread was doing and exit with status 3.
pub(crate) fn watchdog(shared: Arc<Shared>, finished: Arc<std::sync::atomic::AtomicBool>) {
    let hang = Duration::from_secs_f64(shared.args.hang_seconds);
    let lanes: Vec<(&str, usize, &Lane)> = shared
        .mutator_lanes
        .iter()
        .enumerate()
        .map(|(i, l)| ("mutator lane", i, l))
        .chain(
            shared
                .injector_lanes
                .iter()
                .enumerate()
                .map(|(i, l)| ("injector", i, l)),
        )
        .collect();
    let mut last: Vec<(u64, Instant)> = lanes
        .iter()
        .map(|(_, _, l)| (l.progress.load(Ordering::Relaxed), Instant::now()))
        .collect();
    let mut stop_seen: Option<Instant> = None;
    while !finished.load(Ordering::Relaxed) {
        thread::sleep(Duration::from_millis(200));
        let now = Instant::now();
        let mut stuck = Vec::new();
        for ((what, index, lane), (progress, since)) in lanes.iter().zip(last.iter_mut()) {
            let p = lane.progress.load(Ordering::Relaxed);
            if p != *progress {
                *progress = p;
                *since = now;
            } else if now - *since > hang && !shared.stopping() {
                stuck.push(format!("{what} {index}"));
            }
        }
        if shared.stopping() {
            let since = *stop_seen.get_or_insert(now);
            if now - since > hang {
                stuck.push("shutdown".to_string());
            }
        }
        if !stuck.is_empty() {
            hang_report(&shared, &lanes, &stuck);
            std::process::exit(3);
        }
    }
}

fn hang_report(shared: &Shared, lanes: &[(&str, usize, &Lane)], stuck: &[String]) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "HANG: no progress for {} s in: {}",
        shared.args.hang_seconds,
        stuck.join(", ")
    );
    for (what, index, lane) in lanes {
        let _ = writeln!(
            out,
            "  {what} {index}: phase {:?}, progress {}, generation {}",
            lane.phase(),
            lane.progress.load(Ordering::Relaxed),
            lane.generation.load(Ordering::Relaxed)
        );
    }
    // Never panic here (a closed stderr must not keep us from exiting).
    let _ = std::io::Write::write_all(&mut std::io::stderr(), out.as_bytes());
    // The stats and the registry take the protocol's locks, which a hang
    // may hold: ask from another thread and give up after a second.
    let (tx, rx) = mpsc::channel();
    let world = shared.world.clone();
    thread::spawn(move || {
        let count = world.mutator_count();
        let stats = world.stats();
        let _ = tx.send(format!(
            "  world: {count} registered mutators, {} pauses, executors {:?}",
            stats.pauses.count, stats.executors
        ));
    });
    let line = rx.recv_timeout(Duration::from_secs(1)).unwrap_or_else(|_| {
        "  world: stats() and mutator_count() did not answer within 1 s (a protocol lock is held)"
            .to_string()
    });
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Compares the world's counters with what the harness did, once every
/// thread is gone. `linked_at_end` is the number of slots still linked
/// before they were dropped; `after` is the snapshot taken after dropping
/// slots and reclaiming. Reports each mismatch as an accounting violation
/// and returns the lines describing them.
pub(crate) fn final_accounting(
    shared: &Shared,
    before: &Stats,
    after: &Stats,
    linked_at_end: u64,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expect = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    let c = &shared.counters;
    let e = &after.executors;

    // Executors: every payload handed to install is accounted for, and
    // every one of them was freed exactly once.
    expect(
        e.created == c.install_attempts.get(),
        format!(
            "created {} != install calls {}",
            e.created,
            c.install_attempts.get()
        ),
    );
    expect(
        e.installed == c.installed.get(),
        format!("installed {} != harness {}", e.installed, c.installed.get()),
    );
    let harness_failed = c.failed_dependency_fired.get()
        + c.failed_invalidated_during_install.get()
        + c.failed_slot_occupied.get();
    expect(
        e.install_failed == harness_failed,
        format!(
            "install_failed {} != harness {harness_failed}",
            e.install_failed
        ),
    );
    expect(
        e.created == e.installed + e.install_failed,
        format!("created {} != installed + failed", e.created),
    );
    expect(
        before.executors.installed == before.executors.retired + linked_at_end,
        format!(
            "installed {} != retired {} + still linked {linked_at_end}",
            before.executors.installed, before.executors.retired
        ),
    );
    expect(
        e.unlinked <= c.slot_invalidate_hits.get(),
        format!(
            "unlinked {} > successful slot invalidations {}",
            e.unlinked,
            c.slot_invalidate_hits.get()
        ),
    );
    // With no mutator left, reclaim frees every retired executor: what is
    // live then is exactly what the slots still link.
    expect(
        before.executors.pending_reclamation == 0 && before.executors.live == linked_at_end,
        format!(
            "after the final reclaim: {} live, {} pending, {linked_at_end} linked",
            before.executors.live, before.executors.pending_reclamation
        ),
    );
    // The payloads' own Drop is the ground truth that everything was freed.
    let dropped = PAYLOADS_DROPPED.load(Ordering::Relaxed);
    expect(
        dropped == e.created,
        format!("{dropped} payloads dropped of {} created", e.created),
    );
    // Dropping the slots freed the rest: the world counted every free.
    expect(
        e.freed == e.created && e.live == 0,
        format!(
            "freed {} of {} created (live {})",
            e.freed, e.created, e.live
        ),
    );
    expect(
        shared.world.mutator_count() == 0,
        format!("{} mutators still registered", shared.world.mutator_count()),
    );

    // Pauses: one per invalidating global fire, one per stop_the_world.
    let by_cause: u64 = after.pauses_by_cause.iter().map(|(_, p)| p.count).sum();
    expect(
        by_cause == after.pauses.count,
        format!(
            "pauses by cause sum to {by_cause}, total {}",
            after.pauses.count
        ),
    );
    let other = after.pauses_for(PauseCause::Other).count;
    expect(
        other == c.stw_requests.get(),
        format!(
            "{other} `Other` pauses for {} stop_the_world calls",
            c.stw_requests.get()
        ),
    );

    for kind in EventKind::ALL {
        let stats = after.event(kind);
        let pauses = after.pauses_for(PauseCause::Event(kind)).count;
        let limit = shared.limit(kind);
        match kind.scope() {
            Scope::Global => {
                let state = &shared.globals[kind.index()];
                let attempts = state.attempts.load(Ordering::Relaxed);
                let harness = state.invalidating.load(Ordering::Relaxed);
                let expected = attempts.min(u64::from(limit));
                expect(
                    pauses == expected && stats.invalidating_fires == expected && harness == expected,
                    format!(
                        "{}: {attempts} fires, threshold {limit}: {pauses} pauses, {} invalidating (harness saw {harness}), expected {expected}",
                        kind.name(),
                        stats.invalidating_fires
                    ),
                );
                expect(
                    u64::from(shared.world.global_count(kind)) == expected,
                    format!(
                        "{}: global count {}",
                        kind.name(),
                        shared.world.global_count(kind)
                    ),
                );
                expect(
                    stats.threshold_reached
                        == (stats.threshold != Threshold::Never && attempts >= u64::from(limit)),
                    format!(
                        "{}: threshold_reached {}",
                        kind.name(),
                        stats.threshold_reached
                    ),
                );
            }
            Scope::Local => {
                expect(
                    pauses == 0,
                    format!("{}: a local kind paused {pauses} times", kind.name()),
                );
                // Each object's counter = its local invalidating fires + the
                // global fires with it; the former sum to the kind's figure.
                let objects = shared.all_objects.lock().unwrap();
                let mut local_bumps = 0u64;
                for object in objects.iter().filter(|o| o.watch.kind() == kind) {
                    let count = u64::from(object.watch.count());
                    let global = object.global_bumps.load(Ordering::Relaxed);
                    let attempts = object.local_attempts.load(Ordering::Relaxed);
                    let Some(local) = count.checked_sub(global) else {
                        expect(
                            false,
                            format!(
                                "object #{}: count {count} < global bumps {global}",
                                object.serial
                            ),
                        );
                        continue;
                    };
                    local_bumps += local;
                    // Below the limit no local fire may have been skipped.
                    let exact = count < u64::from(limit);
                    expect(
                        local <= attempts && (!exact || local == attempts) && local <= u64::from(limit),
                        format!(
                            "{} object #{}: count {count} ({global} global) after {attempts} local fires, threshold {limit}",
                            kind.name(),
                            object.serial
                        ),
                    );
                }
                expect(
                    local_bumps == stats.invalidating_fires,
                    format!(
                        "{}: objects counted {local_bumps} local invalidating fires, stats {}",
                        kind.name(),
                        stats.invalidating_fires
                    ),
                );
            }
        }
    }
    for problem in &problems {
        shared
            .violations
            .report(Violation::Accounting, problem.clone());
    }
    problems
}
