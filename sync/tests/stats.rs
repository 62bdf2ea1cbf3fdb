//! Statistics: pause counts and histograms, and executor counters that add
//! up.

mod common;

use std::thread;
use std::time::Duration;

use common::{drop_counter, drops, Counted, Spinners};
use stillpoint_sync::{
    EventKind, ExecutorSlot, PauseCause, PauseStats, Threshold, Watchable, World, WorldConfig,
};

#[test]
fn a_fresh_world_has_empty_statistics() {
    let stats = World::new().stats();
    assert_eq!(stats.pauses, PauseStats::default());
    assert!(stats.pauses_by_cause.is_empty());
    assert_eq!(stats.events.len(), 11);
    assert_eq!(stats.executors, Default::default());
}

#[test]
fn pauses_are_counted_by_cause_with_nonzero_histograms() {
    let world = World::new();
    let spinners = Spinners::start(&world, 2);
    for _ in 0..5 {
        world.stop_the_world(|| ());
    }
    world.stop_the_world_for(PauseCause::Collection, || {
        thread::sleep(Duration::from_millis(3))
    });
    world.fire(EventKind::ClassSet, None, || ());
    spinners.stop();

    let stats = world.stats();
    assert_eq!(stats.pauses.count, 7);
    assert_eq!(stats.pauses_for(PauseCause::Other).count, 5);
    assert_eq!(stats.pauses_for(PauseCause::Collection).count, 1);
    assert_eq!(
        stats
            .pauses_for(PauseCause::Event(EventKind::ClassSet))
            .count,
        1
    );
    assert_eq!(
        stats.pauses_for(PauseCause::Event(EventKind::BasesSet)),
        PauseStats::default()
    );
    let by_cause_total: u64 = stats.pauses_by_cause.iter().map(|(_, p)| p.count).sum();
    assert_eq!(by_cause_total, stats.pauses.count);

    for (what, p) in [
        ("all", stats.pauses),
        ("other", stats.pauses_for(PauseCause::Other)),
        ("collection", stats.pauses_for(PauseCause::Collection)),
    ] {
        for (name, h) in [
            ("time to safepoint", p.time_to_safepoint),
            ("length", p.length),
        ] {
            assert!(h.p50 > 0, "{what} {name}: {h:?}");
            assert!(h.p50 <= h.p99 && h.p99 <= h.max, "{what} {name}: {h:?}");
        }
        assert!(
            p.length.max >= p.time_to_safepoint.max,
            "{what}: a pause lasts at least its time to safepoint: {p:?}"
        );
    }
    // The collection slept 3 ms inside the pause.
    let gc = stats.pauses_for(PauseCause::Collection);
    assert!(gc.length.max >= 2_900_000, "{gc:?}");
    assert!(stats.pauses.length.max >= gc.length.max * 99 / 100);
}

#[test]
fn event_statistics_count_invalidating_fires_and_invalidated_executors() {
    let world =
        World::with_config(WorldConfig::new().threshold(EventKind::GlobalSet, Threshold::After(2)));
    let module = Watchable::new(EventKind::GlobalSet);
    let slots: Vec<ExecutorSlot<u32>> = (0..3).map(|_| ExecutorSlot::new()).collect();
    for slot in &slots {
        world
            .install(slot, 0, &[world.assume_object(&module).unwrap()])
            .unwrap();
    }
    for _ in 0..5 {
        world.fire(EventKind::GlobalSet, Some(&module), || ());
    }
    let e = world.stats().event(EventKind::GlobalSet);
    assert_eq!(e.kind, EventKind::GlobalSet);
    assert_eq!(e.threshold, Threshold::After(2));
    assert_eq!(
        e.invalidating_fires, 2,
        "fires beyond the threshold are not counted"
    );
    assert_eq!(e.executors_invalidated, 3);
}

#[test]
fn executor_counters_add_up() {
    let d = drop_counter();
    let world =
        World::with_config(WorldConfig::new().threshold(EventKind::ClassAttrSet, Threshold::Never));
    let class = Watchable::new(EventKind::ClassAttrSet);
    let slots: Vec<ExecutorSlot<Counted>> = (0..10).map(|_| ExecutorSlot::new()).collect();
    // 10 installed, 10 refused (occupied), 1 refused (fired dependency).
    for slot in &slots {
        world
            .install(
                slot,
                Counted::new(&d, 0),
                &[world.assume_object(&class).unwrap()],
            )
            .unwrap();
        assert!(world.install(slot, Counted::new(&d, 0), &[]).is_err());
    }
    let stale = world.assume_object(&class).unwrap();
    let m = world.register();
    m.attach();
    // Retire 10 by a fire, with m online and not yet polled: pending.
    m.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert!(world
        .install(&ExecutorSlot::new(), Counted::new(&d, 0), &[stale])
        .is_err());
    let s = world.stats().executors;
    assert_eq!(s.created, 21);
    assert_eq!(s.installed, 10);
    assert_eq!(s.install_failed, 11);
    assert_eq!(s.created, s.installed + s.install_failed);
    assert_eq!(s.retired, 10);
    assert_eq!(s.unlinked, 0);
    assert_eq!(s.pending_reclamation, 10);
    assert_eq!(s.freed, 11);
    assert_eq!(s.live, s.created - s.freed);
    assert_eq!(s.freed as usize, drops(&d));
    assert_eq!(
        world
            .stats()
            .event(EventKind::ClassAttrSet)
            .executors_invalidated,
        10
    );

    // Reinstall into two slots and unlink them explicitly.
    for slot in &slots[..2] {
        world.install(slot, Counted::new(&d, 0), &[]).unwrap();
        assert!(slot.invalidate(&world));
    }
    m.poll(); // the quiescent report frees everything retired
    let s = world.stats().executors;
    assert_eq!(
        (s.created, s.installed, s.unlinked, s.retired),
        (23, 12, 2, 12)
    );
    assert_eq!(s.pending_reclamation, 0);
    assert_eq!(s.freed, 11 + 12);
    assert_eq!(s.live, 0);
    assert_eq!(s.freed as usize, drops(&d));
}

#[test]
fn stats_are_readable_inside_a_pause_and_by_an_attached_mutator_during_pauses() {
    let world = World::new();
    let spinners = Spinners::start(&world, 1);
    let w = world.clone();
    let inside = common::within_deadline("stats inside a pause", move || {
        w.stop_the_world(|| w.stats().pauses.count)
    });
    assert_eq!(inside, 0, "a pause is recorded when it ends");

    // An attached mutator reads statistics (polling between reads) while a
    // host thread pauses the world again and again.
    let w = world.clone();
    let reader = thread::spawn(move || {
        let m = w.register();
        m.attach();
        let mut last = 0;
        for _ in 0..50 {
            let count = w.stats().pauses.count;
            assert!(count >= last, "the pause count never goes back");
            last = count;
            m.poll();
        }
        m.detach();
    });
    for _ in 0..20 {
        let w = world.clone();
        common::within_deadline("a pause while a mutator reads stats", move || {
            w.stop_the_world(|| ())
        });
    }
    common::join_within("the stats reader", reader);
    assert_eq!(world.stats().pauses.count, 21);
    spinners.stop();
}
