//! Stop-the-world pauses with real threads: nothing runs inside a pause,
//! everything runs again after it, and no thread in any state (detached,
//! attaching, registering, exiting, requesting) hangs a pause or is
//! starved by pauses.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;

use common::{join_within, observe_pause, recv, wait_until, within_deadline, Spinners, SETTLE};
use stillpoint_sync::{EventKind, PauseCause, World};

/// A host-thread pause with `n` spinning mutators: frozen inside, moving
/// after.
fn host_pause_freezes_spinners(n: usize) {
    let world = World::new();
    let spinners = Arc::new(Spinners::start(&world, n));
    for _ in 0..3 {
        let (w, s) = (world.clone(), spinners.clone());
        let (start, end) =
            within_deadline("a pause", move || w.stop_the_world(|| observe_pause(&s)));
        assert_eq!(start, end, "a mutator ran during the pause");
        spinners.wait_all_past(&end);
    }
    assert_eq!(world.stats().pauses.count, 3);
    Arc::into_inner(spinners)
        .expect("the pause threads are done")
        .stop();
}

#[test]
fn a_pause_freezes_one_spinning_mutator() {
    host_pause_freezes_spinners(1);
}

#[test]
fn a_pause_freezes_two_spinning_mutators() {
    host_pause_freezes_spinners(2);
}

#[test]
fn a_pause_freezes_three_spinning_mutators() {
    host_pause_freezes_spinners(3);
}

#[test]
fn a_pause_freezes_four_spinning_mutators() {
    host_pause_freezes_spinners(4);
}

#[test]
fn a_pause_without_mutators_runs_its_closure() {
    let world = World::new();
    assert_eq!(world.stop_the_world(|| 7), 7);
    assert_eq!(
        world.stop_the_world_for(PauseCause::Collection, || "gc"),
        "gc"
    );
    let stats = world.stats();
    assert_eq!(stats.pauses.count, 2);
    assert_eq!(stats.pauses_for(PauseCause::Other).count, 1);
    assert_eq!(stats.pauses_for(PauseCause::Collection).count, 1);
}

#[test]
fn a_mutator_requester_stops_the_others_and_stays_attached() {
    let world = World::new();
    let spinners = Spinners::start(&world, 3);
    let (world2, s) = (world.clone(), Arc::new(spinners));
    let s2 = s.clone();
    let results = within_deadline("mutator pauses", move || {
        let m = world2.register();
        m.attach();
        let mut results = Vec::new();
        for _ in 0..3 {
            let (start, end) = m.stop_the_world(|| observe_pause(&s2));
            results.push((start, end.clone(), m.is_attached()));
            s2.wait_all_past(&end);
            m.poll();
        }
        m.detach();
        results
    });
    for (start, end, attached_after) in results {
        assert_eq!(start, end, "a mutator ran during a mutator's pause");
        assert!(
            attached_after,
            "the requester is attached again after its pause"
        );
    }
    assert_eq!(world.stats().pauses.count, 3);
    Arc::into_inner(s).unwrap().stop();
}

#[test]
fn a_detached_mutator_may_request_a_pause() {
    let world = World::new();
    let spinners = Arc::new(Spinners::start(&world, 1));
    let (w, s) = (world.clone(), spinners.clone());
    let (start, end, attached) = within_deadline("a pause", move || {
        let m = w.register();
        let (start, end) = m.stop_the_world(|| observe_pause(&s));
        (start, end, m.is_attached())
    });
    assert_eq!(start, end);
    assert!(!attached, "a detached requester stays detached");
    Arc::into_inner(spinners).unwrap().stop();
}

#[test]
fn a_detached_mutator_thread_may_use_world_stop_the_world() {
    let world = World::new();
    let m = world.register();
    let w = world.clone();
    // The caller's own (detached) mutator is parked and resumed like any other.
    assert_eq!(w.stop_the_world(|| 5), 5);
    m.attach();
    assert!(m.is_attached());
}

#[test]
#[should_panic(expected = "World::stop_the_world called on an attached mutator thread")]
fn world_stop_the_world_on_an_attached_mutator_thread_panics() {
    let world = World::new();
    let m = world.register();
    m.attach();
    world.stop_the_world(|| ());
}

#[test]
#[should_panic(expected = "World::stop_the_world called on an attached mutator thread")]
fn world_fire_of_a_global_event_on_an_attached_mutator_thread_panics() {
    let world = World::new();
    let m = world.register();
    m.attach();
    world.fire(EventKind::ClassSet, None, || ());
}

/// Pause closure that records overlapping pauses instead of panicking (a
/// panic inside a pause would leave the world stopped).
fn exclusive_section(
    in_pause: &AtomicBool,
    overlaps: &AtomicU64,
    spinners: &Spinners,
    moved: &AtomicU64,
) {
    if in_pause.swap(true, Ordering::SeqCst) {
        overlaps.fetch_add(1, Ordering::SeqCst);
    }
    let start = spinners.snapshot();
    thread::yield_now();
    if spinners.snapshot() != start {
        moved.fetch_add(1, Ordering::SeqCst);
    }
    in_pause.store(false, Ordering::SeqCst);
}

#[test]
fn two_concurrent_requesters_both_complete_many_pauses() {
    const PAUSES: u64 = 100;
    let world = World::new();
    let spinners = Arc::new(Spinners::start(&world, 1));
    let in_pause = Arc::new(AtomicBool::new(false));
    let overlaps = Arc::new(AtomicU64::new(0));
    let moved = Arc::new(AtomicU64::new(0));

    let host = {
        let (w, s, ip, o, mv) = (
            world.clone(),
            spinners.clone(),
            in_pause.clone(),
            overlaps.clone(),
            moved.clone(),
        );
        thread::spawn(move || {
            for _ in 0..PAUSES {
                w.stop_the_world(|| exclusive_section(&ip, &o, &s, &mv));
            }
        })
    };
    let mutator = {
        let (w, s, ip, o, mv) = (
            world.clone(),
            spinners.clone(),
            in_pause.clone(),
            overlaps.clone(),
            moved.clone(),
        );
        thread::spawn(move || {
            let m = w.register();
            m.attach();
            for _ in 0..PAUSES {
                m.stop_the_world(|| exclusive_section(&ip, &o, &s, &mv));
                assert!(m.is_attached());
                m.poll();
            }
            m.detach();
        })
    };
    join_within("the host requester", host);
    join_within("the mutator requester", mutator);
    assert_eq!(overlaps.load(Ordering::SeqCst), 0, "two pauses overlapped");
    assert_eq!(
        moved.load(Ordering::SeqCst),
        0,
        "a mutator ran during a pause"
    );
    assert_eq!(world.stats().pauses.count, 2 * PAUSES);
    // Both requesters are gone and the spinners still run.
    let snap = spinners.snapshot();
    spinners.wait_all_past(&snap);
    Arc::into_inner(spinners).unwrap().stop();
}

#[test]
fn a_blocked_detached_mutator_does_not_block_a_pause_and_reattaches_after_it() {
    let world = World::new();
    let (blocked_tx, blocked_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let pause_over = Arc::new(AtomicBool::new(false));
    let worker = {
        let (w, pause_over) = (world.clone(), pause_over.clone());
        thread::spawn(move || {
            let m = w.register();
            m.attach();
            m.detached(|| {
                blocked_tx.send(()).unwrap();
                recv("the release", &release_rx);
            });
            // Re-attached: the pause that released us must be over.
            (pause_over.load(Ordering::SeqCst), m.is_attached())
        })
    };
    recv("the worker to block detached", &blocked_rx);
    let (w, po) = (world.clone(), pause_over.clone());
    within_deadline("a pause with a blocked detached mutator", move || {
        w.stop_the_world(|| {
            // Let the worker try to attach while we are still paused.
            release_tx.send(()).unwrap();
            thread::sleep(SETTLE);
            po.store(true, Ordering::SeqCst);
        })
    });
    let (saw_pause_over, attached) = join_within("the worker", worker);
    assert!(saw_pause_over, "the worker attached before the pause ended");
    assert!(attached);
}

#[test]
fn a_thread_registered_during_a_pause_attaches_after_the_resume() {
    let world = World::new();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (registered_tx, registered_rx) = mpsc::channel();
    let pause_over = Arc::new(AtomicBool::new(false));
    let newcomer = {
        let (w, pause_over) = (world.clone(), pause_over.clone());
        thread::spawn(move || {
            recv("the go signal", &go_rx);
            let m = w.register();
            registered_tx.send(()).unwrap();
            m.attach();
            let saw = pause_over.load(Ordering::SeqCst);
            m.poll();
            m.detach();
            saw
        })
    };
    let (w, po) = (world.clone(), pause_over.clone());
    let count_inside = within_deadline("the pause", move || {
        w.stop_the_world(|| {
            go_tx.send(()).unwrap();
            recv("the registration", &registered_rx);
            let count = w.mutator_count();
            thread::sleep(SETTLE);
            po.store(true, Ordering::SeqCst);
            count
        })
    });
    assert_eq!(count_inside, 1, "registration is possible during a pause");
    assert!(
        join_within("the newcomer", newcomer),
        "a thread registered during a pause attached before its resume"
    );
    // And it took part in nothing afterwards that could hang: a second pause works.
    within_deadline("a second pause", move || world.stop_the_world(|| ()));
}

/// An attached thread that is asked to stop while blocked (without
/// polling) and then leaves in `leave`: the pause must complete.
fn attached_thread_leaves_while_asked_to_stop(leave: fn(stillpoint_sync::Mutator)) {
    let world = World::new();
    let (ready_tx, ready_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let worker = {
        let w = world.clone();
        thread::spawn(move || {
            let m = w.register();
            m.attach();
            ready_tx.send(()).unwrap();
            // Blocks while attached, on purpose: the pause must wait for it.
            recv("the go signal", &go_rx);
            leave(m);
        })
    };
    recv("the worker to attach", &ready_rx);
    let pause_ran = Arc::new(AtomicBool::new(false));
    let pauser = {
        let (w, ran) = (world.clone(), pause_ran.clone());
        thread::spawn(move || w.stop_the_world(|| ran.store(true, Ordering::SeqCst)))
    };
    // Give the pause time to flag the worker (not needed for correctness:
    // if it has not, the worker simply leaves before the request).
    thread::sleep(SETTLE);
    assert!(
        !pause_ran.load(Ordering::SeqCst),
        "the pause ran while an attached thread had not parked"
    );
    go_tx.send(()).unwrap();
    join_within("the pause", pauser);
    join_within("the worker", worker);
    assert!(pause_ran.load(Ordering::SeqCst));
}

#[test]
fn a_mutator_that_exits_while_asked_to_stop_does_not_hang_the_pause() {
    attached_thread_leaves_while_asked_to_stop(drop);
}

#[test]
fn a_mutator_that_detaches_while_asked_to_stop_does_not_hang_the_pause() {
    attached_thread_leaves_while_asked_to_stop(|m| {
        m.detach();
        // Whether or not the pause is still on, attaching again works.
        m.attach();
        m.poll();
    });
}

#[test]
fn back_to_back_pauses_do_not_starve_a_thread_that_detaches_and_attaches() {
    const CYCLES: usize = 100;
    let world = World::new();
    let done = Arc::new(AtomicBool::new(false));
    let pauses = Arc::new(AtomicU64::new(0));
    let hammer = {
        let (w, done, pauses) = (world.clone(), done.clone(), pauses.clone());
        thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                w.stop_the_world(|| ());
                pauses.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    wait_until("the first pauses", || pauses.load(Ordering::SeqCst) >= 3);
    let cycler = {
        let w = world.clone();
        thread::spawn(move || {
            let m = w.register();
            for _ in 0..CYCLES {
                m.attach();
                m.poll();
                m.detach();
            }
        })
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        join_within("100 attach cycles under back-to-back pauses", cycler)
    }));
    done.store(true, Ordering::SeqCst);
    join_within("the hammering thread", hammer);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    assert!(pauses.load(Ordering::SeqCst) >= 3);
}

#[test]
fn a_parked_mutator_inside_a_pause_cannot_be_seen_attached_running() {
    // Mutual exclusion through the pause alone: the mutators increment a
    // plain counter only while attached, the pause reads and writes it.
    let world = World::new();
    let shared = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut handles = Vec::new();
    for _ in 0..3 {
        let (w, shared, stop) = (world.clone(), shared.clone(), stop.clone());
        handles.push(thread::spawn(move || {
            let m = w.register();
            m.attach();
            while !stop.load(Ordering::Relaxed) {
                m.poll();
                // A non-atomic read-modify-write: only safe if pauses exclude it.
                let v = shared.load(Ordering::Relaxed);
                shared.store(v + 1, Ordering::Relaxed);
                // Blocking work every so often.
                if v % 64 == 0 {
                    m.detached(thread::yield_now);
                }
            }
            m.detach();
        }));
    }
    let mut lost = 0;
    for _ in 0..50 {
        let s = shared.clone();
        lost += world.stop_the_world(|| {
            let before = s.load(Ordering::Relaxed);
            s.store(before + 1_000_000, Ordering::Relaxed);
            thread::yield_now();
            u64::from(s.load(Ordering::Relaxed) != before + 1_000_000)
        });
    }
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        join_within("a mutator", h);
    }
    assert_eq!(lost, 0, "a mutator wrote during a pause");
    assert!(shared.load(Ordering::Relaxed) >= 50 * 1_000_000);
}

#[test]
fn a_panic_inside_a_pause_still_resumes_the_world() {
    // The action of a pause is embedder code (a mutation, a collection);
    // if it panics, the panic reaches the requester and the world runs on
    // rather than staying stopped forever.
    let world = World::new();
    let spinners = Spinners::start(&world, 2);
    let w = world.clone();
    let propagated = within_deadline("a panicking pause", move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            w.stop_the_world(|| panic!("the pause action failed (expected by this test)"))
        }))
        .is_err()
    });
    assert!(propagated, "the panic reaches the requester");
    let snapshot = spinners.snapshot();
    spinners.wait_all_past_within(&snapshot, std::time::Duration::from_secs(2));
    within_deadline("the next pause", move || world.stop_the_world(|| ()));
    spinners.stop();
}
