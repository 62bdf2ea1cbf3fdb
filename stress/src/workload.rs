//! The threads of a run: mutator lanes (each a sequence of short-lived
//! mutator threads), and injectors that fire events, invalidate slots,
//! replace objects and stop the world.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use stillpoint_sync::{
    EventKind, ExecutorRef, ExecutorSlot, InstallError, Mutator, Watchable, World,
};

use crate::checks::{check_world_stopped, Violation};
use crate::model::{DepRecord, Lane, Object, Payload, Phase, Shared, Target, MAX_DEPS};
use crate::rng::Rng;
use crate::InjectedBug;

/// Who fires: a host thread (not a mutator) or a registered mutator.
#[derive(Clone, Copy)]
pub(crate) enum Firer<'a> {
    Host(&'a World),
    Mutator(&'a Mutator),
}

impl Firer<'_> {
    fn fire<R>(self, kind: EventKind, object: Option<&Watchable>, apply: impl FnOnce() -> R) -> R {
        match self {
            Firer::Host(world) => world.fire(kind, object, apply),
            Firer::Mutator(m) => m.fire(kind, object, apply),
        }
    }

    fn stop_the_world<R>(self, f: impl FnOnce() -> R) -> R {
        match self {
            Firer::Host(world) => world.stop_the_world(f),
            Firer::Mutator(m) => m.stop_the_world(f),
        }
    }
}

/// Fires the local event of `object`'s kind, mutating its value, and
/// publishes what completed.
pub(crate) fn fire_local(shared: &Shared, firer: Firer<'_>, object: &Object) {
    let kind = object.watch.kind();
    object.local_attempts.fetch_add(1, Ordering::Relaxed);
    shared.counters.local_fires.inc();
    let before = object.watch.count();
    let produced = firer.fire(kind, Some(&object.watch), || {
        object.value.fetch_add(1, Ordering::Relaxed) + 1
    });
    // Our fire took the object's lock and bumped the counter iff it saw the
    // counter below the limit; `after < limit` proves it did (the counter
    // only grows, and every read of ours inside `fire` came before `after`).
    let after = object.count_acquire();
    let bumped = after < shared.limit(kind);
    publish_object_count(object, after, bumped.then_some(before));
    object.published.publish_value(produced);
}

/// Publishes the largest counter value of `object` whose fire is known to
/// be complete.
///
/// - `after` was read with acquire semantics after our fire returned: the
///   fire that stored it has *started* its critical section, so the one
///   that stored `after - 1` has completed (same lock).
/// - `bumped_from`: if our own fire bumped the counter, the value read
///   before it: our bump produced at least `bumped_from + 1`, and the fire
///   that produced `bumped_from + 1` is ours or an earlier one, complete
///   either way.
fn publish_object_count(object: &Object, after: u32, bumped_from: Option<u32>) {
    let mut complete = after.saturating_sub(1);
    if let Some(before) = bumped_from {
        complete = complete.max(before + 1);
    }
    if complete > 0 {
        object.published.publish_count(complete);
    }
}

/// Fires a global event kind (optionally with an object) and publishes.
pub(crate) fn fire_global(
    shared: &Shared,
    firer: Firer<'_>,
    kind: EventKind,
    object: Option<&Object>,
) {
    let state = &shared.globals[kind.index()];
    state.attempts.fetch_add(1, Ordering::Relaxed);
    shared.counters.global_fires.inc();
    let limit = shared.limit(kind);
    let object_before = object.map(|o| o.watch.count());
    let requested = Instant::now();
    let mut action_started = None;
    let (produced_count, produced_value, object_value) =
        firer.fire(kind, object.map(|o| &o.watch), || {
            // Inside an invalidating pause the kind's counter is below the
            // limit and will be bumped right after `apply` by this very fire
            // (pauses are serialized); on the no-op path it is at the limit.
            let count = shared.world.global_count(kind);
            let invalidating = count < limit;
            if invalidating {
                action_started = Some(Instant::now());
            }
            let snapshot = invalidating.then(|| shared.activity_snapshot());
            let value = state.value.fetch_add(1, Ordering::Relaxed) + 1;
            // The object's dependents are invalidated only by an invalidating
            // fire (documented: at the threshold a global fire is a relaxed
            // load + apply), so only then does the object's state change.
            let object_value = match object {
                Some(o) if invalidating => Some(o.value.fetch_add(1, Ordering::Relaxed) + 1),
                _ => None,
            };
            if let Some(before) = snapshot {
                check_world_stopped(shared, &before, Duration::ZERO, "a global fire's apply");
            }
            (invalidating.then_some(count + 1), value, object_value)
        });
    if let Some(action) = action_started {
        shared
            .pause_timings
            .record(requested, action, Instant::now());
    }
    if let Some(count) = produced_count {
        state.invalidating.fetch_add(1, Ordering::Relaxed);
        state.published.publish_count(count);
    }
    state.published.publish_value(produced_value);
    if let (Some(object), Some(value)) = (object, object_value) {
        object.global_bumps.fetch_add(1, Ordering::Relaxed);
        let after = object.count_acquire();
        publish_object_count(object, after, object_before);
        object.published.publish_value(value);
    }
}

/// `--inject-bug fake-fire`: announce a fire that never happened.
fn fake_fire(shared: &Shared, object: &Object) {
    object.published.publish_count(object.watch.count() + 1);
    shared.counters.fake_publications.inc();
}

/// Fires one random event: a local fire on a random object, or (one time
/// in `global_one_in`) a global kind, with an object one time in three.
fn fire_random(shared: &Shared, firer: Firer<'_>, rng: &mut Rng, global_one_in: u64) {
    let object = shared.object(rng.index(shared.objects.len()));
    if rng.one_in(global_one_in) {
        let kind = shared.global_kinds[rng.index(shared.global_kinds.len())];
        let with_object = rng.one_in(3).then_some(&*object);
        fire_global(shared, firer, kind, with_object);
    } else {
        fire_local(shared, firer, &object);
    }
}

/// A mutator lane: spawns mutator threads one after the other (each exits
/// after a random while) until the run stops.
pub(crate) fn mutator_lane(shared: Arc<Shared>, lane_index: usize) {
    let mut generation = 0u64;
    while !shared.stopping() {
        let shared2 = shared.clone();
        shared.counters.threads_spawned.inc();
        let worker = thread::Builder::new()
            .name(format!("mutator-{lane_index}.{generation}"))
            .spawn(move || mutator_thread(&shared2, lane_index, generation))
            .expect("spawn a mutator thread");
        worker.join().expect("a mutator thread panicked");
        generation += 1;
        shared.mutator_lanes[lane_index]
            .generation
            .store(generation, Ordering::Relaxed);
    }
    shared.mutator_lanes[lane_index].set_phase(Phase::Done);
}

/// One mutator thread: registers, attaches, and loops: enter a slot's
/// executor and run it, or act as the optimizer and install one.
fn mutator_thread(shared: &Shared, lane_index: usize, generation: u64) {
    let lane = &shared.mutator_lanes[lane_index];
    let args = &shared.args;
    let mut rng = Rng::new(args.seed, ((lane_index as u64) << 32) | generation);
    lane.set_phase(Phase::Registering);
    let m = shared.world.register();
    lane.set_phase(Phase::Attaching);
    m.attach();
    lane.set_phase(Phase::Running);
    if args.inject_bug == Some(InjectedBug::BlockAttached) && lane_index == 0 && generation == 1 {
        // Blocking without detaching: every later pause waits for us.
        lane.set_phase(Phase::Sleeping);
        thread::sleep(Duration::from_secs(3600));
    }
    while !shared.stopping() {
        m.poll();
        lane.tick_attached();
        shared.counters.loop_iterations.inc();
        if rng.one_in(args.exit_one_in) {
            break; // the lane spawns a replacement
        }
        let slot = &shared.slots[rng.index(shared.slots.len())];
        match slot.enter(&m) {
            Some(executor) => {
                lane.set_phase(Phase::InExecutor);
                run_executor(shared, lane, &m, executor, &mut rng);
            }
            None if rng.one_in(args.optimize_one_in) => {
                lane.set_phase(Phase::Optimizing);
                optimize(shared, lane, &m, slot, &mut rng);
            }
            None => {}
        }
        lane.set_phase(Phase::Running);
        match rng.below(10_000) {
            0..=4 => {
                // Blocking work outside any executor: offline for QSBR.
                lane.set_phase(Phase::Detached);
                shared.counters.detached_outside.inc();
                m.detached(|| short_block(&mut rng));
                lane.set_phase(Phase::Running);
            }
            5..=9 => {
                lane.set_phase(Phase::Firing);
                fire_random(shared, Firer::Mutator(&m), &mut rng, 8);
                lane.set_phase(Phase::Running);
            }
            _ => {}
        }
    }
    lane.set_phase(Phase::Exiting);
    // Leave attached or detached: both must unregister cleanly, also
    // while a pause is counting on us.
    if rng.one_in(2) {
        m.detach();
    }
    drop(m);
}

/// Blocking work of a detached thread: a short sleep or a yield.
fn short_block(rng: &mut Rng) {
    if rng.one_in(2) {
        thread::yield_now();
    } else {
        thread::sleep(Duration::from_micros(rng.below(100)));
    }
}

/// Runs an entered executor: a loop whose back-edges poll and check
/// validity, and whose every iteration uses the payload.
///
/// THE CHECK (each iteration): load every dependency's published
/// `(count, value)` with Acquire, *then* `is_valid()`. If valid, the
/// assumptions must still hold: no published count above the one the
/// optimizer observed, no published value above the one it read.
///
/// Why there are no false positives: a published count `P > observed`
/// means the fire that took the counter from `P - 1` to `P` completed
/// before the publication, and that fire (or an earlier one) took the
/// counter from `observed` to `observed + 1` under the lock under which
/// install had registered this executor while the counter still read
/// `observed` — so it swapped the validity flag to false before the
/// publication (Release), which happens-before our Acquire load, and our
/// later relaxed load of the flag cannot see the older `true` (coherence;
/// the flag never goes back to true). For values: the optimizer read its
/// value after taking the dependency (Acquire); a fire whose `apply`
/// produced a larger value had not bumped the counter before that read
/// (else the Acquire would have ordered the apply before the read), so it
/// bumps after install registered us, and invalidates us before it returns.
///
/// Where the protocol promises less: a global fire at or after its
/// kind's threshold does not invalidate the dependents of the object it is
/// given (documented), so the harness changes an object's state in a global
/// fire only when that fire invalidates. A local fire at the threshold
/// should find nothing left to invalidate, but sync's relaxed fast path
/// does not wait for the fire that *reached* the threshold to finish (see
/// `examples/threshold_race.rs`): a stale-assumed-value report on an object
/// "at its threshold" is that race.
fn run_executor(
    shared: &Shared,
    lane: &Lane,
    m: &Mutator,
    executor: ExecutorRef<'_, Payload>,
    rng: &mut Rng,
) {
    let counters = &shared.counters;
    let bug = shared.args.inject_bug;
    counters.entries.inc();
    let serial = executor.serial;
    let tomb = executor.tomb.clone();
    let iterations = 1 + rng.below(16);
    for _ in 0..iterations {
        m.poll(); // the back-edge safepoint (not quiescent: we are inside)
        lane.tick_attached();
        counters.body_iterations.inc();

        let mut published = [(0u32, 0u64); MAX_DEPS];
        for (slot, dep) in published.iter_mut().zip(&executor.deps) {
            *slot = shared.published(&dep.target).load();
        }
        if !executor.is_valid() && bug != Some(InjectedBug::IgnoreValidity) {
            counters.left_invalid.inc();
            break;
        }

        // Use the executor: its memory must be alive and its assumptions
        // must not contradict any fire we are synchronized with.
        counters.canary_checks.inc();
        if tomb.freed.load(Ordering::Acquire) {
            shared.violations.report(
                Violation::UseAfterFree,
                format!("payload #{serial} was freed while a thread was inside its executor"),
            );
            return; // its memory is gone: touch nothing more
        }
        if !executor.canary_ok(serial) {
            shared.violations.report(
                Violation::Canary,
                format!("payload #{serial}: canary overwritten while inside"),
            );
            return;
        }
        for (dep, &(count, value)) in executor.deps.iter().zip(&published) {
            counters.reader_checks.inc();
            if count > dep.observed_count {
                shared.violations.report(
                    Violation::StaleCount,
                    format!(
                        "payload #{serial} still valid although {} fired past its observed count {} (published {count})",
                        describe(shared, &dep.target),
                        dep.observed_count
                    ),
                );
            }
            if value > dep.observed_value {
                shared.violations.report(
                    Violation::StaleValue,
                    format!(
                        "payload #{serial} still valid although {} changed from {} to {value} by a completed fire",
                        describe(shared, &dep.target),
                        dep.observed_value
                    ),
                );
            }
        }

        match rng.below(10_000) {
            // Blocking work inside the executor: stays online for QSBR, so
            // nothing this thread is inside may be freed meanwhile.
            0..=2 => {
                lane.set_phase(Phase::DetachedInExecutor);
                counters.detached_inside.inc();
                m.detached(|| short_block(rng));
                lane.set_phase(Phase::InExecutor);
            }
            // The running code itself fires an event (`C.x = ...` in a hot
            // loop), possibly invalidating the executor it runs in.
            3..=5 => {
                lane.set_phase(Phase::Firing);
                counters.fires_from_executors.inc();
                fire_random(shared, Firer::Mutator(m), rng, 16);
                lane.set_phase(Phase::InExecutor);
            }
            _ => {}
        }
    }
}

fn describe(shared: &Shared, target: &Target) -> String {
    match target {
        Target::Global(kind) => format!("global kind {}", kind.name()),
        Target::Object(object) => {
            let kind = object.watch.kind();
            let count = object.watch.count();
            let at_limit = if count >= shared.limit(kind) {
                " (at its threshold)"
            } else {
                ""
            };
            format!(
                "{} object #{} (count {count}{at_limit})",
                kind.name(),
                object.serial
            )
        }
    }
}

/// The optimizer: takes dependencies first, then reads the state it
/// specializes on, then installs. Failing to install is normal.
fn optimize(
    shared: &Shared,
    lane: &Lane,
    m: &Mutator,
    slot: &ExecutorSlot<Payload>,
    rng: &mut Rng,
) {
    let world = &shared.world;
    let counters = &shared.counters;
    let stale_read = shared.args.inject_bug == Some(InjectedBug::StaleRead);
    let wanted = 1 + rng.index(MAX_DEPS - 1);
    let mut globals = Vec::new();
    let mut objects = Vec::new();
    for _ in 0..wanted {
        if rng.one_in(3) {
            globals.push(shared.global_kinds[rng.index(shared.global_kinds.len())]);
        } else {
            objects.push(shared.object(rng.index(shared.objects.len())));
        }
    }
    // With the stale-read bug the optimizer reads the state first,
    // compiles, and only then takes its dependencies.
    let early_globals: Vec<u64> = globals
        .iter()
        .map(|kind| shared.globals[kind.index()].value.load(Ordering::Acquire))
        .collect();
    let early_objects: Vec<u64> = objects
        .iter()
        .map(|o| o.value.load(Ordering::Acquire))
        .collect();
    if stale_read {
        compile(lane, m, rng);
    }
    let mut deps = Vec::with_capacity(wanted);
    let mut records = Vec::with_capacity(wanted);
    for (kind, early) in globals.into_iter().zip(early_globals) {
        let state = &shared.globals[kind.index()];
        match world.assume(kind) {
            Some(dep) => {
                let observed_count = dep.observed();
                let observed_value = if stale_read {
                    early
                } else {
                    state.value.load(Ordering::Acquire)
                };
                deps.push(dep);
                records.push(DepRecord {
                    target: Target::Global(kind),
                    observed_count,
                    observed_value,
                });
            }
            None => counters.deps_refused.inc(), // threshold reached: keep the guard
        }
    }
    for (object, early) in objects.iter().zip(early_objects) {
        match world.assume_object(&object.watch) {
            Some(dep) => {
                let observed_count = dep.observed();
                let observed_value = if stale_read {
                    early
                } else {
                    object.value.load(Ordering::Acquire)
                };
                deps.push(dep);
                records.push(DepRecord {
                    target: Target::Object(object.clone()),
                    observed_count,
                    observed_value,
                });
            }
            None => counters.deps_refused.inc(),
        }
    }
    if !stale_read {
        compile(lane, m, rng);
    }
    let serial = counters.next_payload.fetch_add(1, Ordering::Relaxed);
    counters.install_attempts.inc();
    match world.install(slot, Payload::new(serial, records), &deps) {
        Ok(_) => counters.installed.inc(),
        Err(InstallError::DependencyFired(_)) => counters.failed_dependency_fired.inc(),
        Err(InstallError::InvalidatedDuringInstall) => {
            counters.failed_invalidated_during_install.inc()
        }
        Err(InstallError::SlotOccupied) => counters.failed_slot_occupied.inc(),
    }
}

/// "Compiling": a few safepoints between taking the dependencies and
/// installing, so that fires and pauses land in between and install has to
/// notice them.
fn compile(lane: &Lane, m: &Mutator, rng: &mut Rng) {
    for _ in 0..rng.below(4) {
        m.poll();
        lane.tick_attached();
        spin_for(Duration::from_micros(1 + rng.below(3)));
    }
}

/// An injector: fires random events, invalidates slots, replaces objects
/// and stops the world, sleeping a random while between actions. Odd
/// injectors run as registered mutators, even ones as host threads.
pub(crate) fn injector(shared: Arc<Shared>, index: usize) {
    let lane = &shared.injector_lanes[index];
    let args = &shared.args;
    let mut rng = Rng::new(args.seed, (1 << 60) | index as u64);
    let registered = index % 2 == 1;
    lane.set_phase(Phase::Registering);
    let mutator = registered.then(|| shared.world.register());
    if let Some(m) = &mutator {
        lane.set_phase(Phase::Attaching);
        m.attach();
    }
    let firer = match &mutator {
        Some(m) => Firer::Mutator(m),
        None => Firer::Host(&shared.world),
    };
    let mean_interval = args.fire_interval_us;
    while !shared.stopping() {
        lane.set_phase(Phase::Running);
        match &mutator {
            Some(m) => {
                m.poll();
                lane.tick_attached();
            }
            None => lane.tick(),
        }
        let action = rng.below(100);
        match action {
            0..=49 => {
                lane.set_phase(Phase::Firing);
                fire_random(&shared, firer, &mut rng, args.global_one_in);
            }
            50..=74 => {
                let slot = &shared.slots[rng.index(shared.slots.len())];
                shared.counters.slot_invalidate_calls.inc();
                if slot.invalidate(&shared.world) {
                    shared.counters.slot_invalidate_hits.inc();
                }
            }
            75..=79 => shared.replace_object(rng.index(shared.objects.len())),
            80..=81 => {
                lane.set_phase(Phase::StoppingWorld);
                shared.counters.stw_requests.inc();
                let requested = Instant::now();
                let action = firer.stop_the_world(|| {
                    let action = Instant::now();
                    let before = shared.activity_snapshot();
                    check_world_stopped(
                        &shared,
                        &before,
                        Duration::from_micros(50),
                        "a stop_the_world action",
                    );
                    action
                });
                shared
                    .pause_timings
                    .record(requested, action, Instant::now());
            }
            82..=91 if args.inject_bug == Some(InjectedBug::FakeFire) => {
                fake_fire(&shared, &shared.object(rng.index(shared.objects.len())));
            }
            _ => {
                shared.world.reclaim();
            }
        }
        lane.set_phase(Phase::Sleeping);
        let pause = Duration::from_micros(rng.below(2 * mean_interval + 1));
        match &mutator {
            Some(m) => m.detached(|| sleep_or_yield(pause)),
            None => sleep_or_yield(pause),
        }
    }
    lane.set_phase(Phase::Exiting);
    drop(mutator);
    lane.set_phase(Phase::Done);
}

fn spin_for(duration: Duration) {
    let start = Instant::now();
    while start.elapsed() < duration {
        std::hint::spin_loop();
    }
}

fn sleep_or_yield(pause: Duration) {
    if pause < Duration::from_micros(5) {
        thread::yield_now();
    } else {
        let until = Instant::now() + pause;
        thread::sleep(until.saturating_duration_since(Instant::now()));
    }
}
