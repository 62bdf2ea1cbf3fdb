//! Executors: install and enter, register-then-check install failures,
//! invalidation of exactly the executors that relied on what changed, slot
//! operations, identities, and exactly-once payload drops on every path.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

use common::{drop_counter, drops, join_within, Counted};
use stillpoint_sync::{
    EventKind, ExecutorId, ExecutorSlot, InstallError, Threshold, Watchable, World, WorldConfig,
};

/// Whether a mutator can enter `slot` (a valid executor is linked).
fn enterable<T: Send + Sync + 'static>(
    slot: &ExecutorSlot<T>,
    m: &stillpoint_sync::Mutator,
) -> bool {
    slot.enter(m).is_some()
}

#[test]
fn install_then_enter_gives_the_payload() {
    let world = World::new();
    let class = Watchable::new(EventKind::ClassAttrSet);
    let slot = ExecutorSlot::new();
    assert!(!slot.is_linked());
    let dep = world.assume_object(&class).unwrap();
    let id = world.install(&slot, String::from("trace"), &[dep]).unwrap();
    assert!(slot.is_linked());
    assert_eq!(class.registered_dependents(), 1);
    let m = world.register();
    m.attach();
    let entered = slot.enter(&m).expect("a valid executor is linked");
    assert_eq!(entered.as_str(), "trace");
    assert_eq!(entered.len(), 5, "derefs to the payload");
    assert!(entered.is_valid());
    assert_eq!(entered.id(), id);
    drop(entered);
    // Entering twice at once (nested) is fine.
    let a = slot.enter(&m).unwrap();
    let b = slot.enter(&m).unwrap();
    assert_eq!(a.id(), b.id());
}

#[test]
fn an_empty_slot_cannot_be_entered() {
    let world = World::new();
    let slot = ExecutorSlot::<u32>::default();
    let m = world.register();
    m.attach();
    assert!(slot.enter(&m).is_none());
}

#[test]
fn an_executor_without_dependencies_installs_and_survives_every_fire() {
    let world =
        World::with_config(WorldConfig::new().threshold(EventKind::ClassSet, Threshold::Never));
    let class = Watchable::new(EventKind::ClassAttrSet);
    let slot = ExecutorSlot::new();
    world.install(&slot, 1u8, &[]).unwrap();
    world.fire(EventKind::ClassSet, None, || ());
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert!(slot.is_linked());
}

#[test]
fn install_fails_when_a_local_dependency_fired_after_assume() {
    let world = World::new();
    let class = Watchable::new(EventKind::ClassAttrSet);
    let slot = ExecutorSlot::new();
    let d = drop_counter();
    let dep = world.assume_object(&class).unwrap();
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert_eq!(
        world.install(&slot, Counted::new(&d, 0), &[dep]),
        Err(InstallError::DependencyFired(EventKind::ClassAttrSet))
    );
    assert!(!slot.is_linked());
    assert_eq!(drops(&d), 1, "a refused payload is dropped at once");
    assert_eq!(
        class.registered_dependents(),
        0,
        "nothing registered on the fired object"
    );
    let stats = world.stats().executors;
    assert_eq!(
        (
            stats.created,
            stats.installed,
            stats.install_failed,
            stats.freed
        ),
        (1, 0, 1, 1)
    );
    // A fresh dependency installs.
    let dep = world.assume_object(&class).unwrap();
    world.install(&slot, Counted::new(&d, 1), &[dep]).unwrap();
    assert!(slot.is_linked());
}

#[test]
fn install_fails_when_a_global_dependency_fired_after_assume() {
    let kind = EventKind::EvalFrameHookSet;
    for threshold in [Threshold::After(1), Threshold::After(5), Threshold::Never] {
        let world = World::with_config(WorldConfig::new().threshold(kind, threshold));
        let slot = ExecutorSlot::new();
        let d = drop_counter();
        let dep = world.assume(kind).unwrap();
        assert_eq!(dep.kind(), kind);
        world.fire(kind, None, || ());
        assert_eq!(
            world.install(&slot, Counted::new(&d, 0), &[dep]),
            Err(InstallError::DependencyFired(kind)),
            "{threshold:?}"
        );
        assert!(!slot.is_linked());
        assert_eq!(drops(&d), 1);
    }
}

#[test]
fn install_fails_on_the_dependency_that_fired_and_leaves_no_live_registration() {
    let world = World::new();
    let a = Watchable::new(EventKind::ClassAttrSet);
    let b = Watchable::new(EventKind::GlobalSet);
    let slot = ExecutorSlot::new();
    let d = drop_counter();
    let deps = [
        world.assume_object(&a).unwrap(),
        world.assume_object(&b).unwrap(),
    ];
    world.fire(EventKind::GlobalSet, Some(&b), || ());
    assert_eq!(
        world.install(&slot, Counted::new(&d, 0), &deps),
        Err(InstallError::DependencyFired(EventKind::GlobalSet))
    );
    assert_eq!(drops(&d), 1);
    // The failed executor may sit in `a`'s list, but a fire on `a` finds
    // it invalid: it counts no invalidation and frees nothing twice.
    world.fire(EventKind::ClassAttrSet, Some(&a), || ());
    assert_eq!(
        world
            .stats()
            .event(EventKind::ClassAttrSet)
            .executors_invalidated,
        0
    );
    assert_eq!(world.reclaim(), 0);
    assert_eq!(drops(&d), 1);
}

#[test]
fn a_second_install_into_an_occupied_slot_fails() {
    let world = World::new();
    let slot = ExecutorSlot::new();
    let d = drop_counter();
    let first = world.install(&slot, Counted::new(&d, 1), &[]).unwrap();
    assert_eq!(
        world.install(&slot, Counted::new(&d, 2), &[]),
        Err(InstallError::SlotOccupied)
    );
    assert_eq!(drops(&d), 1, "the refused payload is dropped");
    let m = world.register();
    m.attach();
    let r = slot.enter(&m).unwrap();
    assert_eq!((r.id(), r.value), (first, 1), "the first executor stays");
}

#[test]
fn a_refused_executor_registered_on_a_dependency_is_never_invalidated_later() {
    let world = World::new();
    let class = Watchable::new(EventKind::ClassAttrSet);
    let slot = ExecutorSlot::new();
    let d = drop_counter();
    world.install(&slot, Counted::new(&d, 1), &[]).unwrap();
    let dep = world.assume_object(&class).unwrap();
    assert_eq!(
        world.install(&slot, Counted::new(&d, 2), &[dep]),
        Err(InstallError::SlotOccupied)
    );
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert!(
        slot.is_linked(),
        "the fire did not unlink the slot's other executor"
    );
    assert_eq!(
        world
            .stats()
            .event(EventKind::ClassAttrSet)
            .executors_invalidated,
        0
    );
    assert_eq!(drops(&d), 1);
}

#[test]
fn a_local_fire_invalidates_exactly_the_dependents_of_that_object() {
    let world = World::new();
    let a = Watchable::new(EventKind::ClassAttrSet);
    let b = Watchable::new(EventKind::ClassAttrSet);
    let module = Watchable::new(EventKind::GlobalSet);
    let (on_a, on_b, on_a_and_b, on_module, on_global) = (
        ExecutorSlot::new(),
        ExecutorSlot::new(),
        ExecutorSlot::new(),
        ExecutorSlot::new(),
        ExecutorSlot::new(),
    );
    world
        .install(&on_a, "a", &[world.assume_object(&a).unwrap()])
        .unwrap();
    world
        .install(&on_b, "b", &[world.assume_object(&b).unwrap()])
        .unwrap();
    world
        .install(
            &on_a_and_b,
            "a+b",
            &[
                world.assume_object(&a).unwrap(),
                world.assume_object(&b).unwrap(),
            ],
        )
        .unwrap();
    world
        .install(&on_module, "m", &[world.assume_object(&module).unwrap()])
        .unwrap();
    world
        .install(
            &on_global,
            "g",
            &[world.assume(EventKind::ClassSet).unwrap()],
        )
        .unwrap();

    let m = world.register();
    m.attach();
    m.fire(EventKind::ClassAttrSet, Some(&a), || ());
    assert!(!enterable(&on_a, &m));
    assert!(!enterable(&on_a_and_b, &m));
    assert!(enterable(&on_b, &m), "b did not change");
    assert!(enterable(&on_module, &m), "the module did not change");
    assert!(enterable(&on_global, &m), "no global event fired");
    assert_eq!(
        world
            .stats()
            .event(EventKind::ClassAttrSet)
            .executors_invalidated,
        2
    );

    m.fire(EventKind::ClassAttrSet, Some(&b), || ());
    assert!(!enterable(&on_b, &m));
    assert!(enterable(&on_module, &m));
    assert!(enterable(&on_global, &m));
    // on_a_and_b was already invalid: only on_b counts.
    assert_eq!(
        world
            .stats()
            .event(EventKind::ClassAttrSet)
            .executors_invalidated,
        3
    );
}

#[test]
fn a_global_fire_invalidates_exactly_the_executors_that_assumed_the_kind() {
    let world = World::new();
    let class = Watchable::new(EventKind::ClassAttrSet);
    let (class_set, bases_set, on_class, class_set_and_class) = (
        ExecutorSlot::new(),
        ExecutorSlot::new(),
        ExecutorSlot::new(),
        ExecutorSlot::new(),
    );
    world
        .install(&class_set, 1, &[world.assume(EventKind::ClassSet).unwrap()])
        .unwrap();
    world
        .install(&bases_set, 2, &[world.assume(EventKind::BasesSet).unwrap()])
        .unwrap();
    world
        .install(&on_class, 3, &[world.assume_object(&class).unwrap()])
        .unwrap();
    world
        .install(
            &class_set_and_class,
            4,
            &[
                world.assume(EventKind::ClassSet).unwrap(),
                world.assume_object(&class).unwrap(),
            ],
        )
        .unwrap();
    world.fire(EventKind::ClassSet, None, || ());
    let m = world.register();
    m.attach();
    assert!(!enterable(&class_set, &m));
    assert!(!enterable(&class_set_and_class, &m));
    assert!(enterable(&bases_set, &m), "another global kind");
    assert!(
        enterable(&on_class, &m),
        "an object dependency, no object fired"
    );
    assert_eq!(class.count(), 0);
    let stats = world.stats();
    assert_eq!(stats.event(EventKind::ClassSet).executors_invalidated, 2);
    assert_eq!(stats.event(EventKind::BasesSet).executors_invalidated, 0);
}

#[test]
fn a_global_fire_with_an_object_also_invalidates_that_objects_dependents() {
    let world = World::new();
    let class = Watchable::new(EventKind::ClassAttrSet);
    let other = Watchable::new(EventKind::ClassAttrSet);
    let (bases, on_class, on_other) = (
        ExecutorSlot::new(),
        ExecutorSlot::new(),
        ExecutorSlot::new(),
    );
    world
        .install(&bases, 1, &[world.assume(EventKind::BasesSet).unwrap()])
        .unwrap();
    world
        .install(&on_class, 2, &[world.assume_object(&class).unwrap()])
        .unwrap();
    world
        .install(&on_other, 3, &[world.assume_object(&other).unwrap()])
        .unwrap();
    let m = world.register();
    m.attach();
    m.fire(EventKind::BasesSet, Some(&class), || ());
    assert!(!enterable(&bases, &m));
    assert!(!enterable(&on_class, &m));
    assert!(enterable(&on_other, &m));
    assert_eq!(
        world
            .stats()
            .event(EventKind::BasesSet)
            .executors_invalidated,
        2
    );
}

#[test]
fn a_global_fire_at_its_threshold_invalidates_nothing() {
    let world = World::new();
    world.fire(EventKind::ClassSet, None, || ());
    let class = Watchable::new(EventKind::ClassAttrSet);
    let slot = ExecutorSlot::new();
    world
        .install(&slot, 1, &[world.assume_object(&class).unwrap()])
        .unwrap();
    // At the threshold the fire is a load and `apply`: no registry walk,
    // not even for the object passed along.
    world.fire(EventKind::ClassSet, Some(&class), || ());
    assert!(slot.is_linked());
}

#[test]
fn slot_invalidate_unlinks_and_retires() {
    let world = World::new();
    let slot = ExecutorSlot::new();
    let d = drop_counter();
    assert!(!slot.invalidate(&world), "nothing to invalidate");
    world.install(&slot, Counted::new(&d, 0), &[]).unwrap();
    assert!(slot.invalidate(&world));
    assert!(!slot.is_linked());
    assert!(!slot.invalidate(&world), "already unlinked");
    let stats = world.stats().executors;
    assert_eq!((stats.unlinked, stats.retired), (1, 1));
    assert_eq!(world.reclaim(), 1, "no mutator: freed at once");
    assert_eq!(drops(&d), 1);
    // The slot takes a new executor.
    world.install(&slot, Counted::new(&d, 1), &[]).unwrap();
    assert!(slot.is_linked());
}

#[test]
fn an_entered_executor_sees_its_invalidation() {
    let world = World::new();
    let class = Watchable::new(EventKind::ClassAttrSet);
    let slot = ExecutorSlot::new();
    let d = drop_counter();
    world
        .install(
            &slot,
            Counted::new(&d, 9),
            &[world.assume_object(&class).unwrap()],
        )
        .unwrap();
    let m = world.register();
    m.attach();
    let inside = slot.enter(&m).unwrap();
    m.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert!(
        !inside.is_valid(),
        "the running code leaves at its next check"
    );
    assert!(inside.is_alive(), "but its payload is still there");
    assert_eq!(inside.value, 9);
    assert!(slot.enter(&m).is_none(), "no new entries");
}

#[test]
fn dropping_a_slot_frees_its_executor_at_once() {
    let world = World::new();
    let class = Watchable::new(EventKind::ClassAttrSet);
    let d = drop_counter();
    let slot = ExecutorSlot::new();
    world
        .install(
            &slot,
            Counted::new(&d, 0),
            &[world.assume_object(&class).unwrap()],
        )
        .unwrap();
    drop(slot);
    assert_eq!(drops(&d), 1);
    // The executor is still in the class's list: a fire must neither
    // touch the freed slot nor drop the payload again.
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert_eq!(world.reclaim(), 0);
    drop(world);
    assert_eq!(drops(&d), 1);
}

#[test]
fn dropping_a_linked_slot_counts_as_freed_in_stats() {
    let world = World::new();
    let d = drop_counter();
    let slot = ExecutorSlot::new();
    world.install(&slot, Counted::new(&d, 0), &[]).unwrap();
    assert_eq!(world.stats().executors.live, 1);
    drop(slot);
    assert_eq!(drops(&d), 1);
    let stats = world.stats().executors;
    assert_eq!(
        stats.freed, 1,
        "ExecutorStats::freed counts payloads freed by a slot drop: {stats:?}"
    );
    assert_eq!(stats.live, 0, "{stats:?}");
}

#[test]
fn executor_ids_are_unique_across_threads() {
    let world = World::new();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let w = world.clone();
            thread::spawn(move || {
                let slots: Vec<ExecutorSlot<u32>> = (0..100).map(|_| ExecutorSlot::new()).collect();
                let mut ids: Vec<ExecutorId> = Vec::new();
                for (i, slot) in slots.iter().enumerate() {
                    ids.push(w.install(slot, i as u32, &[]).unwrap());
                    // Failed installs consume ids too; they must not repeat.
                    assert_eq!(w.install(slot, 0, &[]), Err(InstallError::SlotOccupied));
                }
                let m = w.register();
                m.attach();
                for (slot, id) in slots.iter().zip(&ids) {
                    assert_eq!(slot.enter(&m).unwrap().id(), *id);
                }
                ids
            })
        })
        .collect();
    let mut all = HashSet::new();
    for h in handles {
        for id in join_within("an installing thread", h) {
            assert!(all.insert(id), "{id:?} was handed out twice");
        }
    }
    assert_eq!(all.len(), 400);
}

#[test]
#[should_panic(expected = "ExecutorSlot::enter: the mutator is detached")]
fn entering_with_a_detached_mutator_panics() {
    let world = World::new();
    let slot = ExecutorSlot::new();
    world.install(&slot, 0, &[]).unwrap();
    let m = world.register();
    let _ = slot.enter(&m);
}

#[test]
#[should_panic(expected = "ExecutorSlot::enter: the mutator belongs to another world")]
fn entering_with_a_mutator_of_another_world_panics() {
    let world = World::new();
    let other = World::new();
    let slot = ExecutorSlot::new();
    world.install(&slot, 0, &[]).unwrap();
    let m = other.register();
    m.attach();
    let _ = slot.enter(&m);
}

#[test]
fn install_error_messages_name_the_problem() {
    let fired = InstallError::DependencyFired(EventKind::ClassAttrSet).to_string();
    assert!(fired.contains("class_attr_set"), "{fired}");
    assert!(!InstallError::SlotOccupied.to_string().is_empty());
    assert!(!InstallError::InvalidatedDuringInstall
        .to_string()
        .is_empty());
    let _: &dyn std::error::Error = &InstallError::SlotOccupied;
}

// ---- payload drops: exactly once on every path ----

#[test]
fn payload_dropped_once_after_a_refused_install() {
    let world = World::new();
    let class = Watchable::new(EventKind::ClassAttrSet);
    let slot = ExecutorSlot::new();
    let d = drop_counter();
    let dep = world.assume_object(&class).unwrap();
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert!(world.install(&slot, Counted::new(&d, 0), &[dep]).is_err());
    world.install(&slot, Counted::new(&d, 1), &[]).unwrap();
    assert!(world.install(&slot, Counted::new(&d, 2), &[]).is_err());
    assert_eq!(drops(&d), 2, "both refused payloads, only them");
    drop(slot);
    drop(world);
    assert_eq!(drops(&d), 3);
}

#[test]
fn payload_dropped_once_after_invalidation_and_reclamation() {
    let world =
        World::with_config(WorldConfig::new().threshold(EventKind::ClassAttrSet, Threshold::Never));
    let class = Watchable::new(EventKind::ClassAttrSet);
    let slot = ExecutorSlot::new();
    let d = drop_counter();
    world
        .install(
            &slot,
            Counted::new(&d, 0),
            &[world.assume_object(&class).unwrap()],
        )
        .unwrap();
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert_eq!(world.reclaim(), 1);
    assert_eq!(drops(&d), 1);
    // Nothing frees it again: more fires, more reclaims, the slot and the
    // world going away.
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert_eq!(world.reclaim(), 0);
    assert!(!slot.invalidate(&world));
    drop(slot);
    drop(world);
    assert_eq!(drops(&d), 1);
}

#[test]
fn payload_dropped_once_when_its_world_drops_before_reclamation() {
    let world =
        World::with_config(WorldConfig::new().threshold(EventKind::ClassAttrSet, Threshold::Never));
    let class = Watchable::new(EventKind::ClassAttrSet);
    let slot = ExecutorSlot::new();
    let d = drop_counter();
    world
        .install(
            &slot,
            Counted::new(&d, 0),
            &[world.assume_object(&class).unwrap()],
        )
        .unwrap();
    // A local fire retires but does not reclaim by itself.
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert_eq!(drops(&d), 0);
    assert_eq!(world.stats().executors.pending_reclamation, 1);
    drop(world);
    assert_eq!(drops(&d), 1, "the world frees what it retired");
    drop(slot);
    drop(class);
    assert_eq!(drops(&d), 1);
}

#[test]
fn payload_of_a_linked_slot_outliving_its_world_is_dropped_once_with_the_slot() {
    let world = World::new();
    let slot = ExecutorSlot::new();
    let d = drop_counter();
    world
        .install(
            &slot,
            Counted::new(&d, 0),
            &[world.assume(EventKind::ClassSet).unwrap()],
        )
        .unwrap();
    drop(world);
    assert_eq!(drops(&d), 0, "still linked: the slot owns it");
    drop(slot);
    assert_eq!(drops(&d), 1);
}

#[test]
fn as_if_unoptimized_no_valid_executor_assumes_a_state_older_than_a_finished_fire() {
    // The optimizer assumes the object, reads the state, and installs an
    // executor that bakes in what it read. Another thread keeps mutating
    // the state through fires, and after each fire returns it enters every
    // slot: register-then-check means that no executor still valid then
    // baked in a state older than that fire's mutation.
    let kind = EventKind::ClassAttrSet;
    let world = World::with_config(WorldConfig::new().threshold(kind, Threshold::Never));
    let class = Arc::new(Watchable::new(kind));
    let state = Arc::new(AtomicU64::new(0));
    let slots: Arc<Vec<ExecutorSlot<Counted>>> =
        Arc::new((0..64).map(|_| ExecutorSlot::new()).collect());
    let sweeping = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let d = drop_counter();
    let firing = {
        let (w, class, state, slots) = (world.clone(), class.clone(), state.clone(), slots.clone());
        let (sweeping, stop) = (sweeping.clone(), stop.clone());
        thread::spawn(move || {
            let m = w.register();
            m.attach();
            // Start once the optimizer is at work, so that the two overlap.
            m.detached(|| {
                common::wait_until("the first sweep", || sweeping.load(Ordering::SeqCst))
            });
            let mut stale = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let now = m.fire(kind, Some(&class), || {
                    state.fetch_add(1, Ordering::SeqCst) + 1
                });
                for slot in slots.iter() {
                    if let Some(r) = slot.enter(&m) {
                        if r.value < now {
                            stale.push((r.value, now));
                        }
                    }
                }
                m.poll();
            }
            m.detach();
            stale
        })
    };
    let mut installed = 0;
    let start = std::time::Instant::now();
    let sweep = |installed: &mut u32| {
        for slot in slots.iter() {
            let Some(dep) = world.assume_object(&class) else {
                continue;
            };
            let seen = state.load(Ordering::SeqCst);
            // Refusals (fired dependency, occupied slot, invalidated
            // while installing) are all fine here.
            if world.install(slot, Counted::new(&d, seen), &[dep]).is_ok() {
                *installed += 1;
            }
        }
    };
    sweep(&mut installed);
    sweeping.store(true, Ordering::SeqCst);
    while start.elapsed() < std::time::Duration::from_millis(150)
        || state.load(Ordering::SeqCst) < 1000
    {
        assert!(
            start.elapsed() < common::DEADLINE,
            "the firing thread never fired"
        );
        sweep(&mut installed);
    }
    stop.store(true, Ordering::SeqCst);
    let stale = join_within("the firing thread", firing);
    assert!(
        stale.is_empty(),
        "{} times a valid executor had a stale state after a fire, e.g. (baked in, fired): {:?}",
        stale.len(),
        &stale[..stale.len().min(5)]
    );
    // One more sweep after the last fire: every slot holds an executor of
    // the final state.
    sweep(&mut installed);
    let final_state = state.load(Ordering::SeqCst);
    let m = world.register();
    m.attach();
    for slot in slots.iter() {
        assert_eq!(slot.enter(&m).map(|r| r.value), Some(final_state));
    }
    assert!(
        installed > 2 * 64,
        "fires invalidated installed executors: {installed} installs"
    );
}

#[test]
fn a_dependency_remembers_the_count_it_observed() {
    let world =
        World::with_config(WorldConfig::new().threshold(EventKind::GlobalSet, Threshold::Never));
    let module = Watchable::new(EventKind::GlobalSet);
    assert_eq!(world.assume_object(&module).unwrap().observed(), 0);
    for _ in 0..3 {
        world.fire(EventKind::GlobalSet, Some(&module), || ());
    }
    let dep = world.assume_object(&module).unwrap();
    assert_eq!((dep.kind(), dep.observed()), (EventKind::GlobalSet, 3));
    let global = world.assume(EventKind::DebuggerSetLocal).unwrap();
    assert_eq!(global.observed(), 0);
    world.fire(EventKind::DebuggerSetLocal, None, || ());
    assert_eq!(
        world
            .assume(EventKind::DebuggerSetLocal)
            .unwrap()
            .observed(),
        1
    );
}

#[test]
fn dependent_lists_stay_bounded_when_other_dependencies_invalidate_their_entries() {
    // Each executor depends on a long-lived object and on a short-lived
    // one that fires: the invalidated entries must not pile up in the
    // long-lived object's list.
    let world =
        World::with_config(WorldConfig::new().threshold(EventKind::GlobalSet, Threshold::Never));
    let long_lived = Watchable::new(EventKind::ClassAttrSet);
    let module = Watchable::new(EventKind::GlobalSet);
    let keep = ExecutorSlot::new();
    world
        .install(&keep, 0u32, &[world.assume_object(&long_lived).unwrap()])
        .unwrap();
    let slot = ExecutorSlot::new();
    for i in 0..1000u32 {
        let deps = [
            world.assume_object(&long_lived).unwrap(),
            world.assume_object(&module).unwrap(),
        ];
        world.install(&slot, i, &deps).unwrap();
        world.fire(EventKind::GlobalSet, Some(&module), || ());
        assert!(!slot.is_linked());
        // One valid entry (`keep`): at most twice that plus a constant.
        assert!(
            long_lived.registered_dependents() <= 2 + 16,
            "after {i} cycles the list holds {} entries",
            long_lived.registered_dependents()
        );
    }
    assert!(keep.is_linked());
}

#[test]
fn a_fire_that_returns_leaves_no_stale_executor_even_when_it_raced_to_the_threshold() {
    // Two threads fire the same object at once. One invalidates (a long
    // list, so it takes a while); the other may find the threshold reached
    // and return at once. Either way, once a fire has returned, no
    // executor that assumed the object may still be valid.
    let kind = EventKind::ClassAttrSet;
    let world = World::with_config(WorldConfig::new().threshold(kind, Threshold::After(1)));
    for round in 0..20 {
        let class = Arc::new(Watchable::new(kind));
        let slots: Arc<Vec<ExecutorSlot<u32>>> =
            Arc::new((0..500).map(|_| ExecutorSlot::new()).collect());
        for (i, slot) in slots.iter().enumerate() {
            world
                .install(slot, i as u32, &[world.assume_object(&class).unwrap()])
                .unwrap();
        }
        let barrier = Arc::new(std::sync::Barrier::new(2));
        let firers: Vec<_> = (0..2)
            .map(|_| {
                let (w, class, slots, barrier) =
                    (world.clone(), class.clone(), slots.clone(), barrier.clone());
                thread::spawn(move || {
                    barrier.wait();
                    w.fire(kind, Some(&class), || ());
                    // The last executor in the list is invalidated last.
                    slots.iter().rev().filter(|s| s.is_linked()).count()
                })
            })
            .collect();
        for f in firers {
            assert_eq!(
                join_within("a firing thread", f),
                0,
                "round {round}: a fire returned while executors that assumed the object were still linked"
            );
        }
        assert_eq!(class.count(), 1);
    }
}

#[test]
#[should_panic(expected = "belongs to another world")]
fn invalidating_a_slot_through_another_world_panics() {
    let world = World::new();
    let other = World::new();
    let slot = ExecutorSlot::<u32>::new();
    world.install(&slot, 1, &[]).unwrap();
    slot.invalidate(&other);
}

#[test]
fn a_validity_handle_outlives_the_reference_and_sees_the_invalidation() {
    let world = World::new();
    let class = Watchable::new(EventKind::ClassAttrSet);
    let slot = ExecutorSlot::new();
    let dep = world.assume_object(&class).unwrap();
    world
        .install(&slot, Arc::new(String::from("loop")), &[dep])
        .unwrap();
    let m = world.register();
    m.attach();
    let (payload, validity) = {
        let r = slot.enter(&m).unwrap();
        (Arc::clone(&*r), r.validity())
    };
    assert!(validity.is_valid());
    m.fire(EventKind::ClassAttrSet, Some(&class), || ());
    assert!(!validity.is_valid());
    // Reclamation frees the slot's payload box; the clone and the flag
    // stay readable.
    m.poll();
    world.reclaim();
    assert_eq!(world.stats().executors.live, 0);
    assert_eq!(payload.as_str(), "loop");
    assert!(!validity.is_valid());
    drop(validity);
}
