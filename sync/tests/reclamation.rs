//! Reclamation: a retired executor is freed only once no thread can be
//! inside it, and then it is freed (by polls, pauses, `World::reclaim`, or
//! the world going away).

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use common::{drop_counter, drops, join_within, recv, Counted, Spinners};
use stillpoint_sync::{EventKind, ExecutorSlot, Threshold, Watchable, World, WorldConfig};

/// A world where class attribute sets always invalidate, a class, and a
/// slot whose executor depends on it.
fn world_with_dependent_executor(
    drops: &Arc<std::sync::atomic::AtomicUsize>,
) -> (World, Arc<Watchable>, Arc<ExecutorSlot<Counted>>) {
    let world =
        World::with_config(WorldConfig::new().threshold(EventKind::ClassAttrSet, Threshold::Never));
    let class = Arc::new(Watchable::new(EventKind::ClassAttrSet));
    let slot = Arc::new(ExecutorSlot::new());
    let dep = world.assume_object(&class).unwrap();
    world
        .install(&slot, Counted::new(drops, 7), &[dep])
        .unwrap();
    (world, class, slot)
}

#[derive(Debug, PartialEq)]
enum Step {
    Entered,
    PolledInside { valid: bool, alive: bool },
    Left,
    Polled,
}

/// A thread enters the executor and holds it; the main thread fires. The
/// executor must survive until the thread leaves it and passes a safepoint.
fn retired_while_held(poll_while_inside: bool) {
    let d = drop_counter();
    let (world, class, slot) = world_with_dependent_executor(&d);
    let (step_tx, step_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let holder = {
        let (w, slot) = (world.clone(), slot.clone());
        thread::spawn(move || {
            let m = w.register();
            m.attach();
            let inside = slot.enter(&m).expect("installed");
            step_tx.send(Step::Entered).unwrap();
            recv("the fire", &go_rx);
            if poll_while_inside {
                // Not a quiescent point: we are inside.
                m.poll();
            }
            step_tx
                .send(Step::PolledInside {
                    valid: inside.is_valid(),
                    alive: inside.is_alive() && inside.value == 7,
                })
                .unwrap();
            recv("leave", &go_rx);
            drop(inside);
            step_tx.send(Step::Left).unwrap();
            recv("poll", &go_rx);
            m.poll();
            step_tx.send(Step::Polled).unwrap();
            recv("exit", &go_rx);
            m.detach();
        })
    };
    assert_eq!(recv("the holder to enter", &step_rx), Step::Entered);
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert!(!slot.is_linked());
    assert_eq!(world.reclaim(), 0, "a thread is inside");
    go_tx.send(()).unwrap();
    assert_eq!(
        recv("the holder's check", &step_rx),
        Step::PolledInside {
            valid: false,
            alive: true
        }
    );
    assert_eq!(
        world.reclaim(),
        0,
        "a poll inside an executor is not quiescent"
    );
    assert_eq!(drops(&d), 0);
    assert_eq!(world.stats().executors.pending_reclamation, 1);

    go_tx.send(()).unwrap();
    assert_eq!(recv("the holder to leave", &step_rx), Step::Left);
    go_tx.send(()).unwrap();
    assert_eq!(recv("the holder to poll", &step_rx), Step::Polled);
    world.reclaim();
    assert_eq!(drops(&d), 1, "freed once the holder left and polled");
    let stats = world.stats().executors;
    assert_eq!(
        (stats.freed, stats.pending_reclamation, stats.live),
        (1, 0, 0)
    );
    go_tx.send(()).unwrap();
    join_within("the holder", holder);
    drop((world, slot));
    assert_eq!(drops(&d), 1);
}

#[test]
fn an_executor_held_by_a_thread_is_not_freed_until_it_leaves_and_polls() {
    retired_while_held(false);
}

#[test]
fn a_poll_inside_an_executor_defers_the_report_until_the_thread_leaves() {
    retired_while_held(true);
}

#[test]
fn an_attached_thread_that_has_not_polled_blocks_reclamation() {
    let d = drop_counter();
    let (world, class, _slot) = world_with_dependent_executor(&d);
    let m = world.register();
    m.attach();
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert_eq!(
        world.reclaim(),
        0,
        "m may still hold a pointer read before the fire"
    );
    assert_eq!(drops(&d), 0);
    m.poll();
    assert_eq!(drops(&d), 1, "the poll that answers the request frees it");
}

#[test]
fn a_detached_thread_outside_executors_does_not_block_reclamation() {
    let d = drop_counter();
    let (world, class, _slot) = world_with_dependent_executor(&d);
    let m = world.register();
    m.attach();
    m.detach();
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert_eq!(world.reclaim(), 1);
    assert_eq!(drops(&d), 1);
}

#[test]
fn detaching_releases_a_thread_that_blocked_reclamation() {
    let d = drop_counter();
    let (world, class, _slot) = world_with_dependent_executor(&d);
    let m = world.register();
    m.attach();
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert_eq!(world.reclaim(), 0);
    m.detach();
    assert_eq!(
        world.reclaim(),
        1,
        "a detached thread outside executors holds nothing"
    );
    assert_eq!(drops(&d), 1);
    m.attach();
    m.poll();
}

#[test]
fn a_thread_blocked_detached_on_another_thread_does_not_block_reclamation() {
    let d = drop_counter();
    let (world, class, _slot) = world_with_dependent_executor(&d);
    let (blocked_tx, blocked_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let blocked = {
        let w = world.clone();
        thread::spawn(move || {
            let m = w.register();
            m.attach();
            m.poll();
            m.detached(|| {
                blocked_tx.send(()).unwrap();
                recv("the release", &release_rx);
            });
            m.poll();
        })
    };
    recv("the thread to block", &blocked_rx);
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert_eq!(world.reclaim(), 1);
    assert_eq!(drops(&d), 1);
    release_tx.send(()).unwrap();
    join_within("the blocked thread", blocked);
}

#[test]
fn a_thread_detached_inside_an_executor_blocks_reclamation() {
    let d = drop_counter();
    let (world, class, slot) = world_with_dependent_executor(&d);
    let m = world.register();
    m.attach();
    let inside = slot.enter(&m).unwrap();
    // Blocking work in the middle of the executor: detached, yet inside.
    m.detach();
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert_eq!(
        world.reclaim(),
        0,
        "a detached thread inside the executor still uses it"
    );
    assert_eq!(drops(&d), 0);
    assert!(inside.is_alive());
    m.attach();
    assert_eq!(world.reclaim(), 0);
    drop(inside);
    m.poll();
    world.reclaim();
    assert_eq!(drops(&d), 1);
}

#[test]
fn a_thread_blocked_detached_inside_an_executor_on_another_thread_blocks_reclamation() {
    let d = drop_counter();
    let (world, class, slot) = world_with_dependent_executor(&d);
    let (blocked_tx, blocked_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let worker = {
        let (w, slot) = (world.clone(), slot.clone());
        thread::spawn(move || {
            let m = w.register();
            m.attach();
            let inside = slot.enter(&m).unwrap();
            let alive_after = m.detached(|| {
                blocked_tx.send(()).unwrap();
                recv("the release", &release_rx);
                inside.is_alive() && inside.value == 7
            });
            drop(inside);
            m.poll();
            alive_after
        })
    };
    recv("the worker to block", &blocked_rx);
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert_eq!(world.reclaim(), 0);
    assert_eq!(drops(&d), 0);
    release_tx.send(()).unwrap();
    assert!(
        join_within("the worker", worker),
        "the payload stayed alive while used"
    );
    world.reclaim();
    assert_eq!(drops(&d), 1);
}

#[test]
fn a_pause_frees_what_it_retired_when_everyone_parked_outside_executors() {
    let world = World::new();
    let d = drop_counter();
    let slot = ExecutorSlot::new();
    world
        .install(
            &slot,
            Counted::new(&d, 0),
            &[world.assume(EventKind::ClassSet).unwrap()],
        )
        .unwrap();
    let spinners = Spinners::start(&world, 2);
    world.fire(EventKind::ClassSet, None, || ());
    assert_eq!(
        drops(&d),
        1,
        "freed right after the resume, without any poll or reclaim call"
    );
    assert_eq!(world.stats().executors.pending_reclamation, 0);
    spinners.stop();
}

#[test]
fn a_pause_does_not_free_an_executor_a_parked_thread_is_inside() {
    let world = World::new();
    let d = drop_counter();
    let slot = Arc::new(ExecutorSlot::new());
    world
        .install(
            &slot,
            Counted::new(&d, 3),
            &[world.assume(EventKind::ClassSet).unwrap()],
        )
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let (inside_tx, inside_rx) = mpsc::channel();
    let worker = {
        let (w, slot, stop) = (world.clone(), slot.clone(), stop.clone());
        thread::spawn(move || {
            let m = w.register();
            m.attach();
            let inside = slot.enter(&m).unwrap();
            inside_tx.send(()).unwrap();
            let mut alive = true;
            // The loop of an executor: poll at the back-edge, check validity.
            while inside.is_valid() || !stop.load(Ordering::SeqCst) {
                m.poll();
                alive &= inside.is_alive();
            }
            drop(inside);
            m.poll();
            alive
        })
    };
    recv("the worker to enter", &inside_rx);
    world.fire(EventKind::ClassSet, None, || ());
    assert_eq!(drops(&d), 0, "the worker parked inside the executor");
    world.reclaim();
    assert_eq!(drops(&d), 0);
    stop.store(true, Ordering::SeqCst);
    assert!(join_within("the worker", worker));
    world.reclaim();
    assert_eq!(drops(&d), 1);
}

#[test]
fn polls_alone_free_every_executor_that_local_fires_retire() {
    // Nothing but the spinners' polls may free here: no pause, no
    // `World::reclaim`. Each retire asks every online thread for a report;
    // once all of them have polled, the executor must be gone. Repeated for
    // a while, because the reports of two threads can race.
    let d = drop_counter();
    let (world, class, slot) = world_with_dependent_executor(&d);
    let spinners = Spinners::start(&world, 4);
    let start = Instant::now();
    let mut retired = 0;
    while start.elapsed() < Duration::from_millis(700) {
        world.fire(EventKind::ClassAttrSet, Some(&class), || ());
        retired += 1;
        let fired = Instant::now();
        while drops(&d) != retired && fired.elapsed() < Duration::from_millis(100) {
            thread::yield_now();
        }
        if drops(&d) != retired {
            // Slow scheduling, or lost? Let every spinner pass two more
            // polls: then each has reported since the retire, and each
            // report's reclamation attempt has finished.
            for _ in 0..2 {
                let snapshot = spinners.snapshot();
                spinners.wait_all_past(&snapshot);
            }
            assert_eq!(
                drops(&d),
                retired,
                "retire #{retired}: every online mutator has polled since, yet the executor is still \
                 pending ({:?})",
                world.stats().executors
            );
        }
        let dep = world.assume_object(&class).unwrap();
        world.install(&slot, Counted::new(&d, 7), &[dep]).unwrap();
    }
    spinners.stop();
}

#[test]
fn entering_while_executors_are_retired_never_sees_a_freed_payload() {
    // Mutators enter and run the executor in a loop while the main thread
    // keeps invalidating and reinstalling it: every payload read must be
    // alive, and every payload is freed exactly once in the end.
    let d = drop_counter();
    let (world, class, slot) = world_with_dependent_executor(&d);
    let stop = Arc::new(AtomicBool::new(false));
    let entries = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..3)
        .map(|i| {
            let (w, slot, stop, entries) =
                (world.clone(), slot.clone(), stop.clone(), entries.clone());
            thread::spawn(move || {
                let m = w.register();
                m.attach();
                let mut dead_reads = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    m.poll();
                    if let Some(inside) = slot.enter(&m) {
                        entries.fetch_add(1, Ordering::Relaxed);
                        for _ in 0..8 {
                            if !inside.is_alive() || inside.value != 7 {
                                dead_reads += 1;
                            }
                            if !inside.is_valid() {
                                break;
                            }
                            m.poll();
                        }
                    }
                    if i == 0 {
                        m.detached(thread::yield_now);
                    }
                }
                m.detach();
                dead_reads
            })
        })
        .collect();
    let mut installs = 1;
    let start = Instant::now();
    // A fixed time budget rather than a count: on a loaded machine the
    // workers still get to run, on an idle one the churn is heavy.
    while start.elapsed() < Duration::from_millis(200) || entries.load(Ordering::Relaxed) < 10 {
        assert!(
            start.elapsed() < common::DEADLINE,
            "the workers never entered"
        );
        world.fire(EventKind::ClassAttrSet, Some(&class), || ());
        let dep = world.assume_object(&class).unwrap();
        world.install(&slot, Counted::new(&d, 7), &[dep]).unwrap();
        installs += 1;
    }
    stop.store(true, Ordering::Relaxed);
    let dead: u64 = workers
        .into_iter()
        .map(|h| join_within("a worker", h))
        .sum();
    assert_eq!(dead, 0, "a thread read a freed payload");
    assert!(entries.load(Ordering::Relaxed) > 0);
    world.reclaim();
    assert_eq!(
        drops(&d),
        installs - 1,
        "every retired executor is freed once nobody is online"
    );
    drop(world);
    drop(Arc::into_inner(slot).unwrap());
    assert_eq!(drops(&d), installs);
}

#[test]
fn everything_is_freed_when_the_world_and_all_slots_drop() {
    let d = drop_counter();
    let world =
        World::with_config(WorldConfig::new().threshold(EventKind::ClassAttrSet, Threshold::Never));
    let classes: Vec<_> = (0..4)
        .map(|_| Watchable::new(EventKind::ClassAttrSet))
        .collect();
    let slots: Vec<ExecutorSlot<Counted>> = (0..16).map(|_| ExecutorSlot::new()).collect();
    let mut payloads = 0;
    for (i, slot) in slots.iter().enumerate() {
        let dep = world.assume_object(&classes[i % 4]).unwrap();
        world.install(slot, Counted::new(&d, 0), &[dep]).unwrap();
        payloads += 1;
        // A refused install as well.
        assert!(world.install(slot, Counted::new(&d, 0), &[]).is_err());
        payloads += 1;
    }
    // An online mutator that never reports keeps the retired ones pending.
    let m = world.register();
    m.attach();
    world.fire(EventKind::ClassAttrSet, Some(&classes[0]), || ());
    world.fire(EventKind::ClassAttrSet, Some(&classes[1]), || ());
    assert!(slots[2].invalidate(&world));
    assert_eq!(world.reclaim(), 0);
    let stats = world.stats().executors;
    assert_eq!(stats.pending_reclamation, 9, "8 fired + 1 unlinked");
    assert_eq!(drops(&d), 16, "only the refused ones so far");
    drop(m);
    drop(world);
    assert_eq!(drops(&d), 16 + 9, "the world freed what it had retired");
    drop(slots);
    assert_eq!(drops(&d), payloads, "the slots freed the rest");
}

#[test]
fn a_mutator_firing_from_inside_an_executor_keeps_it_alive_until_it_leaves() {
    let world = World::new();
    let d = drop_counter();
    let slot = ExecutorSlot::new();
    world
        .install(
            &slot,
            Counted::new(&d, 5),
            &[world.assume(EventKind::ClassSet).unwrap()],
        )
        .unwrap();
    let m = world.register();
    m.attach();
    let inside = slot.enter(&m).unwrap();
    // The executor's own code fires an event it relied on.
    m.fire(EventKind::ClassSet, None, || ());
    assert!(m.is_attached());
    assert!(!inside.is_valid());
    assert_eq!(drops(&d), 0, "the firing thread is still inside");
    m.poll();
    assert_eq!(world.reclaim(), 0);
    assert!(inside.is_alive() && inside.value == 5);
    drop(inside);
    m.poll();
    world.reclaim();
    assert_eq!(drops(&d), 1);
}
