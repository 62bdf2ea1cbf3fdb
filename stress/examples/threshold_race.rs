//! Reproducer: a local event fired at its threshold returns before the
//! fire that *reached* the threshold has finished invalidating, so a thread
//! synchronized with the second fire can still enter an executor that
//! assumed the object unchanged (DESIGN §3, contract 1).
//!
//! Thread A fires `C.x = 1`, the fire that reaches `ClassAttrSet`'s
//! threshold; it bumps the counter, then invalidates `N` dependents under
//! the object's lock. Thread B waits until it sees the bump, fires
//! `C.x = 2` (the relaxed fast path: no lock) and raises a flag. Mutator C
//! waits for the flag (Acquire) and enters the executor invalidated last.
//!
//! `cargo run --release -p stillpoint-stress --example threshold_race [after|never]`
//! With `never` (no threshold) B takes the lock and waits for A: no race.
//! Exits 1 when it sees the violation.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

use stillpoint_sync::{EventKind, ExecutorSlot, Threshold, Watchable, World, WorldConfig};

const DEPENDENTS: usize = 200_000;

fn main() {
    let threshold = match std::env::args().nth(1).as_deref() {
        None | Some("after") => Threshold::After(1),
        Some("never") => Threshold::Never,
        Some(other) => panic!("expected `after` or `never`, got {other}"),
    };
    let world =
        World::with_config(WorldConfig::new().threshold(EventKind::ClassAttrSet, threshold));
    let class = Arc::new(Watchable::new(EventKind::ClassAttrSet));
    let attr = Arc::new(AtomicU64::new(0)); // C.x
    let slots: Arc<Vec<ExecutorSlot<u64>>> =
        Arc::new((0..DEPENDENTS).map(|_| ExecutorSlot::new()).collect());
    for slot in slots.iter() {
        let dep = world.assume_object(&class).expect("below the threshold");
        let assumed = attr.load(Ordering::Acquire); // C.x folded into the trace
        world
            .install(slot, assumed, &[dep])
            .expect("nothing fired yet");
    }
    let second_fire_done = Arc::new(AtomicBool::new(false));
    let a = {
        let (world, class, attr) = (world.clone(), class.clone(), attr.clone());
        thread::spawn(move || {
            world.fire(EventKind::ClassAttrSet, Some(&class), || {
                attr.store(1, Ordering::Release)
            })
        })
    };
    let b = {
        let (world, class, attr, done) = (
            world.clone(),
            class.clone(),
            attr.clone(),
            second_fire_done.clone(),
        );
        thread::spawn(move || {
            while class.count() == 0 {
                std::hint::spin_loop();
            }
            world.fire(EventKind::ClassAttrSet, Some(&class), || {
                attr.store(2, Ordering::Release)
            });
            done.store(true, Ordering::Release);
        })
    };
    let m = world.register();
    m.attach();
    while !second_fire_done.load(Ordering::Acquire) {
        m.poll();
    }
    let now = attr.load(Ordering::Acquire);
    let stale = slots[DEPENDENTS - 1]
        .enter(&m)
        .filter(|executor| executor.is_valid())
        .map(|executor| *executor);
    drop(m);
    a.join().expect("thread A");
    b.join().expect("thread B");
    match stale {
        Some(assumed) => {
            println!(
                "VIOLATION ({threshold:?}): the fire `C.x = {now}` has returned, yet an executor that assumed C.x == {assumed} was still valid and entered"
            );
            std::process::exit(1);
        }
        None => println!(
            "ok ({threshold:?}): the executor was invalid by the time the second fire returned"
        ),
    }
}
