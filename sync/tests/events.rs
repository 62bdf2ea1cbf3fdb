//! Events and thresholds: DESIGN §2 defaults, configuration, exact counting
//! (also under concurrent fires), the behaviour below, at and beyond each
//! threshold, and the `apply` closure's once-only run.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

use common::{join_within, Spinners};
use stillpoint_sync::{
    EventKind, ExecutorSlot, PauseCause, Scope, Threshold, Thresholds, Watchable, World,
    WorldConfig,
};

/// DESIGN §2, row by row.
const DESIGN_TABLE: [(EventKind, Scope, Threshold); 11] = [
    (EventKind::ClassSet, Scope::Global, Threshold::After(1)),
    (EventKind::BasesSet, Scope::Global, Threshold::After(1)),
    (
        EventKind::EvalFrameHookSet,
        Scope::Global,
        Threshold::After(1),
    ),
    (
        EventKind::ModuleDictReplaced,
        Scope::Global,
        Threshold::After(1),
    ),
    (
        EventKind::FunctionModified,
        Scope::Global,
        Threshold::After(1),
    ),
    (
        EventKind::DescriptorMutated,
        Scope::Global,
        Threshold::After(1),
    ),
    (EventKind::DebuggerSetLocal, Scope::Global, Threshold::Never),
    (
        EventKind::BuiltinModified,
        Scope::Local,
        Threshold::After(4),
    ),
    (EventKind::ClassAttrSet, Scope::Local, Threshold::After(8)),
    (EventKind::GlobalSet, Scope::Local, Threshold::After(8)),
    (EventKind::Instrumentation, Scope::Local, Threshold::Never),
];

const GLOBAL_KINDS: [EventKind; 7] = [
    EventKind::ClassSet,
    EventKind::BasesSet,
    EventKind::EvalFrameHookSet,
    EventKind::ModuleDictReplaced,
    EventKind::FunctionModified,
    EventKind::DescriptorMutated,
    EventKind::DebuggerSetLocal,
];

const LOCAL_KINDS: [EventKind; 4] = [
    EventKind::BuiltinModified,
    EventKind::ClassAttrSet,
    EventKind::GlobalSet,
    EventKind::Instrumentation,
];

#[test]
fn defaults_scopes_and_indices_match_design_section_2() {
    let world = World::new();
    let stats = world.stats();
    assert_eq!(EventKind::ALL.len(), DESIGN_TABLE.len());
    for (i, (kind, scope, threshold)) in DESIGN_TABLE.into_iter().enumerate() {
        assert_eq!(EventKind::ALL[i], kind, "ALL is in declaration order");
        assert_eq!(kind.index(), i);
        assert_eq!(kind.scope(), scope, "{kind:?}");
        assert_eq!(kind.default_threshold(), threshold, "{kind:?}");
        assert_eq!(world.threshold(kind), threshold, "{kind:?}");
        assert_eq!(Thresholds::default().get(kind), threshold, "{kind:?}");
        assert_eq!(stats.event(kind).kind, kind);
        assert_eq!(stats.event(kind).threshold, threshold, "{kind:?}");
        assert_eq!(stats.event(kind).invalidating_fires, 0);
        assert!(!stats.event(kind).threshold_reached);
    }
    let mut names: Vec<_> = EventKind::ALL.iter().map(|k| k.name()).collect();
    assert!(names
        .iter()
        .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 11, "event names are distinct");
}

#[test]
fn world_config_overrides_one_threshold_and_keeps_the_others() {
    let world = World::with_config(
        WorldConfig::new()
            .threshold(EventKind::ClassSet, Threshold::After(5))
            .threshold(EventKind::Instrumentation, Threshold::After(2))
            .threshold(EventKind::DebuggerSetLocal, Threshold::After(0))
            .threshold(EventKind::GlobalSet, Threshold::Never),
    );
    for (kind, _, default) in DESIGN_TABLE {
        let expected = match kind {
            EventKind::ClassSet => Threshold::After(5),
            EventKind::Instrumentation => Threshold::After(2),
            EventKind::DebuggerSetLocal => Threshold::After(0),
            EventKind::GlobalSet => Threshold::Never,
            _ => default,
        };
        assert_eq!(world.threshold(kind), expected, "{kind:?}");
        assert_eq!(world.stats().event(kind).threshold, expected, "{kind:?}");
    }
}

#[test]
fn world_config_takes_a_whole_threshold_table() {
    let mut table = Thresholds::default();
    for kind in EventKind::ALL {
        table.set(kind, Threshold::After(3));
    }
    table.set(EventKind::BasesSet, Threshold::Never);
    let world = World::with_config(WorldConfig::new().thresholds(table));
    for kind in EventKind::ALL {
        let expected = if kind == EventKind::BasesSet {
            Threshold::Never
        } else {
            Threshold::After(3)
        };
        assert_eq!(world.threshold(kind), expected, "{kind:?}");
    }
    // A later per-kind override applies on top.
    let world = World::with_config(
        WorldConfig::new()
            .thresholds(table)
            .threshold(EventKind::BasesSet, Threshold::After(9)),
    );
    assert_eq!(world.threshold(EventKind::BasesSet), Threshold::After(9));
}

#[test]
fn a_global_kind_pauses_exactly_threshold_times() {
    let kind = EventKind::FunctionModified;
    let world = World::with_config(WorldConfig::new().threshold(kind, Threshold::After(3)));
    let applied = AtomicU64::new(0);
    for i in 0..10u32 {
        assert_eq!(world.may_assume(kind), i < 3, "before fire {i}");
        assert_eq!(world.assume(kind).is_some(), i < 3, "before fire {i}");
        world.fire(kind, None, || applied.fetch_add(1, Ordering::SeqCst));
        assert_eq!(world.global_count(kind), (i + 1).min(3), "after fire {i}");
    }
    assert_eq!(
        applied.load(Ordering::SeqCst),
        10,
        "every fire applies its mutation"
    );
    assert_eq!(world.global_count(kind), 3);
    assert!(!world.may_assume(kind));
    assert!(world.assume(kind).is_none());
    let stats = world.stats();
    assert_eq!(stats.pauses_for(PauseCause::Event(kind)).count, 3);
    assert_eq!(stats.pauses.count, 3, "no pause for any other cause");
    assert_eq!(stats.event(kind).invalidating_fires, 3);
    assert!(stats.event(kind).threshold_reached);
    // Other kinds are untouched.
    for other in GLOBAL_KINDS.into_iter().filter(|&k| k != kind) {
        assert_eq!(world.global_count(other), 0, "{other:?}");
        assert!(world.may_assume(other), "{other:?}");
        assert_eq!(stats.pauses_for(PauseCause::Event(other)).count, 0);
    }
}

#[test]
fn every_global_kind_pauses_once_by_default_and_then_no_more() {
    let world = World::new();
    for kind in GLOBAL_KINDS
        .into_iter()
        .filter(|&k| k != EventKind::DebuggerSetLocal)
    {
        for _ in 0..3 {
            world.fire(kind, None, || ());
        }
        assert_eq!(world.global_count(kind), 1, "{kind:?}");
        assert!(!world.may_assume(kind), "{kind:?}");
        assert_eq!(
            world.stats().pauses_for(PauseCause::Event(kind)).count,
            1,
            "{kind:?}"
        );
    }
}

#[test]
fn global_fires_from_a_mutator_with_spinning_mutators_count_exactly() {
    let kind = EventKind::DescriptorMutated;
    let world = World::with_config(WorldConfig::new().threshold(kind, Threshold::After(4)));
    let spinners = Spinners::start(&world, 2);
    let w = world.clone();
    let attached_after = common::within_deadline("mutator fires", move || {
        let m = w.register();
        m.attach();
        let mut attached = true;
        for _ in 0..10 {
            m.fire(kind, None, || ());
            attached &= m.is_attached();
            m.poll();
        }
        m.detach();
        attached
    });
    assert!(attached_after, "a mutator is attached again after its fire");
    assert_eq!(world.global_count(kind), 4);
    assert_eq!(world.stats().pauses_for(PauseCause::Event(kind)).count, 4);
    spinners.stop();
}

#[test]
fn racing_global_fires_pause_no_more_than_the_threshold() {
    let kind = EventKind::ModuleDictReplaced;
    for threshold in [1, 3] {
        let world =
            World::with_config(WorldConfig::new().threshold(kind, Threshold::After(threshold)));
        let applied = Arc::new(AtomicU64::new(0));
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let (w, applied) = (world.clone(), applied.clone());
                thread::spawn(move || {
                    // Two host threads and two mutators.
                    let m = (i % 2 == 0).then(|| w.register());
                    if let Some(m) = &m {
                        m.attach();
                    }
                    for _ in 0..10 {
                        let apply = || applied.fetch_add(1, Ordering::SeqCst);
                        match &m {
                            Some(m) => {
                                m.fire(kind, None, apply);
                                m.poll();
                            }
                            None => {
                                w.fire(kind, None, apply);
                            }
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            join_within("a firing thread", h);
        }
        assert_eq!(
            applied.load(Ordering::SeqCst),
            40,
            "every fire applied once"
        );
        assert_eq!(world.global_count(kind), threshold);
        let stats = world.stats();
        assert_eq!(
            stats.pauses_for(PauseCause::Event(kind)).count,
            u64::from(threshold)
        );
        assert_eq!(stats.event(kind).invalidating_fires, u64::from(threshold));
    }
}

#[test]
fn a_local_kind_counts_up_to_its_threshold_then_stops_being_assumed() {
    let kind = EventKind::ClassAttrSet;
    let world = World::new(); // After(8)
    let class = Watchable::new(kind);
    let other_class = Watchable::new(kind);
    let drops = common::drop_counter();
    let mut slots = Vec::new();
    for i in 0..20u32 {
        // While below the threshold an executor can depend on the class.
        match world.assume_object(&class) {
            Some(dep) => {
                assert!(i < 8, "fire {i}: assumed beyond the threshold");
                let slot = ExecutorSlot::new();
                world
                    .install(&slot, common::Counted::new(&drops, 0), &[dep])
                    .unwrap();
                slots.push(slot);
            }
            None => assert!(i >= 8, "fire {i}: not assumed below the threshold"),
        }
        assert_eq!(world.may_assume_object(&class), i < 8);
        world.fire(kind, Some(&class), || ());
        assert_eq!(class.count(), (i + 1).min(8));
    }
    assert_eq!(class.count(), 8, "the counter saturates at the threshold");
    assert!(world.assume_object(&class).is_none());
    assert_eq!(slots.len(), 8);
    assert!(
        slots.iter().all(|s| !s.is_linked()),
        "each fire invalidated its executor"
    );
    // No pause for a local kind.
    let stats = world.stats();
    assert_eq!(stats.pauses.count, 0);
    assert_eq!(stats.event(kind).invalidating_fires, 8);
    assert_eq!(stats.event(kind).executors_invalidated, 8);
    assert!(
        !stats.event(kind).threshold_reached,
        "reported for global kinds only"
    );
    // Another object of the same kind is unaffected.
    assert_eq!(other_class.count(), 0);
    let dep = world
        .assume_object(&other_class)
        .expect("a fresh class may be assumed");
    let slot = ExecutorSlot::new();
    world
        .install(&slot, common::Counted::new(&drops, 1), &[dep])
        .unwrap();
    for _ in 0..5 {
        world.fire(kind, Some(&class), || ());
    }
    assert!(
        slot.is_linked(),
        "fires on a saturated class touch no other class"
    );
}

#[test]
fn every_local_kind_invalidates_its_object_without_a_pause() {
    let world = World::new();
    let drops = common::drop_counter();
    for kind in LOCAL_KINDS {
        let object = Watchable::new(kind);
        let bystander = Watchable::new(kind);
        let slot = ExecutorSlot::new();
        let dep = world
            .assume_object(&object)
            .expect("a fresh object may be assumed");
        assert_eq!(dep.kind(), kind);
        world
            .install(&slot, common::Counted::new(&drops, 0), &[dep])
            .unwrap();
        let other = ExecutorSlot::new();
        let dep = world.assume_object(&bystander).unwrap();
        world
            .install(&other, common::Counted::new(&drops, 0), &[dep])
            .unwrap();
        world.fire(kind, Some(&object), || ());
        assert!(!slot.is_linked(), "{kind:?}: the dependent was invalidated");
        assert!(
            other.is_linked(),
            "{kind:?}: another object's dependent was not"
        );
        assert_eq!(object.count(), 1, "{kind:?}");
        assert_eq!(bystander.count(), 0, "{kind:?}");
    }
    assert_eq!(world.stats().pauses.count, 0, "local kinds never pause");
}

#[test]
fn builtin_modified_defaults_to_four() {
    let world = World::new();
    let builtins = Watchable::new(EventKind::BuiltinModified);
    for _ in 0..10 {
        world.fire(EventKind::BuiltinModified, Some(&builtins), || ());
    }
    assert_eq!(builtins.count(), 4);
    assert!(world.assume_object(&builtins).is_none());
}

#[test]
fn threshold_never_keeps_invalidating_a_global_kind() {
    let kind = EventKind::DebuggerSetLocal; // Never by default
    let world = World::new();
    let drops = common::drop_counter();
    for i in 0..20u32 {
        let dep = world.assume(kind).expect("Never: always assumed");
        let slot = ExecutorSlot::new();
        world
            .install(&slot, common::Counted::new(&drops, 0), &[dep])
            .unwrap();
        world.fire(kind, None, || ());
        assert!(!slot.is_linked(), "fire {i} invalidated its executor");
        assert_eq!(world.global_count(kind), i + 1);
        assert!(world.may_assume(kind));
    }
    let stats = world.stats();
    assert_eq!(stats.pauses_for(PauseCause::Event(kind)).count, 20);
    assert_eq!(stats.event(kind).invalidating_fires, 20);
    assert_eq!(stats.event(kind).executors_invalidated, 20);
    assert!(!stats.event(kind).threshold_reached);
}

#[test]
fn threshold_never_keeps_invalidating_a_local_kind() {
    let kind = EventKind::Instrumentation; // Never by default
    let world = World::new();
    let code = Watchable::new(kind);
    let drops = common::drop_counter();
    for i in 0..20u32 {
        let dep = world.assume_object(&code).expect("Never: always assumed");
        let slot = ExecutorSlot::new();
        world
            .install(&slot, common::Counted::new(&drops, 0), &[dep])
            .unwrap();
        world.fire(kind, Some(&code), || ());
        assert!(!slot.is_linked(), "fire {i} invalidated its executor");
        assert_eq!(code.count(), i + 1);
    }
    assert!(world.may_assume_object(&code));
    assert_eq!(world.stats().event(kind).invalidating_fires, 20);
    assert_eq!(world.stats().pauses.count, 0);
}

#[test]
fn threshold_after_zero_is_never_assumed_and_never_pauses() {
    let world = World::with_config(
        WorldConfig::new()
            .threshold(EventKind::ClassSet, Threshold::After(0))
            .threshold(EventKind::GlobalSet, Threshold::After(0)),
    );
    let module = Watchable::new(EventKind::GlobalSet);
    assert!(world.assume(EventKind::ClassSet).is_none());
    assert!(!world.may_assume(EventKind::ClassSet));
    assert!(world.assume_object(&module).is_none());
    assert!(!world.may_assume_object(&module));
    let applied = AtomicU64::new(0);
    for _ in 0..5 {
        world.fire(EventKind::ClassSet, None, || {
            applied.fetch_add(1, Ordering::SeqCst)
        });
        world.fire(EventKind::GlobalSet, Some(&module), || {
            applied.fetch_add(1, Ordering::SeqCst)
        });
    }
    assert_eq!(applied.load(Ordering::SeqCst), 10);
    assert_eq!(world.global_count(EventKind::ClassSet), 0);
    assert_eq!(module.count(), 0);
    let stats = world.stats();
    assert_eq!(stats.pauses.count, 0);
    assert_eq!(stats.event(EventKind::ClassSet).invalidating_fires, 0);
    assert!(stats.event(EventKind::ClassSet).threshold_reached);
}

#[test]
fn a_fire_at_threshold_on_an_attached_mutator_thread_needs_no_pause() {
    // At the threshold a global fire is a load and `apply`: it is allowed
    // even through `World::fire` on an attached thread.
    let world = World::new();
    world.fire(EventKind::ClassSet, None, || ());
    let m = world.register();
    m.attach();
    assert_eq!(world.fire(EventKind::ClassSet, None, || 11), 11);
    assert!(m.is_attached());
}

#[test]
fn concurrent_local_fires_lose_no_increment() {
    const THREADS: u64 = 4;
    const FIRES: u64 = 200;
    let kind = EventKind::ClassAttrSet;
    let world = World::with_config(WorldConfig::new().threshold(kind, Threshold::After(1000)));
    let class = Arc::new(Watchable::new(kind));
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            let (w, class) = (world.clone(), class.clone());
            thread::spawn(move || {
                // Half fire from mutators, half from host threads.
                let m = (i % 2 == 0).then(|| w.register());
                if let Some(m) = &m {
                    m.attach();
                }
                for _ in 0..FIRES {
                    match &m {
                        Some(m) => {
                            m.fire(kind, Some(&class), || ());
                            m.poll();
                        }
                        None => w.fire(kind, Some(&class), || ()),
                    }
                }
            })
        })
        .collect();
    for h in handles {
        join_within("a firing thread", h);
    }
    assert_eq!(u64::from(class.count()), THREADS * FIRES);
    assert_eq!(
        world.stats().event(kind).invalidating_fires,
        THREADS * FIRES
    );
    assert!(world.may_assume_object(&class));
}

#[test]
fn concurrent_local_fires_stop_exactly_at_the_threshold() {
    let kind = EventKind::GlobalSet;
    let world = World::with_config(WorldConfig::new().threshold(kind, Threshold::After(100)));
    let module = Arc::new(Watchable::new(kind));
    let applied = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (w, module, applied) = (world.clone(), module.clone(), applied.clone());
            thread::spawn(move || {
                for _ in 0..100 {
                    w.fire(kind, Some(&module), || {
                        applied.fetch_add(1, Ordering::SeqCst)
                    });
                }
            })
        })
        .collect();
    for h in handles {
        join_within("a firing thread", h);
    }
    assert_eq!(applied.load(Ordering::SeqCst), 400);
    assert_eq!(module.count(), 100);
    assert_eq!(world.stats().event(kind).invalidating_fires, 100);
}

#[test]
#[should_panic(expected = "a local event fires on an object")]
fn a_local_fire_without_an_object_panics() {
    World::new().fire(EventKind::GlobalSet, None, || ());
}

#[test]
#[should_panic(expected = "a local event fires on an object")]
fn a_local_fire_from_a_mutator_without_an_object_panics() {
    let world = World::new();
    let m = world.register();
    m.attach();
    m.fire(EventKind::ClassAttrSet, None, || ());
}

#[test]
#[should_panic(expected = "the object counts another event kind")]
fn a_local_fire_on_an_object_of_another_kind_panics() {
    let module = Watchable::new(EventKind::GlobalSet);
    World::new().fire(EventKind::ClassAttrSet, Some(&module), || ());
}

#[test]
#[should_panic(expected = "is local")]
fn assuming_a_local_kind_globally_panics() {
    let _ = World::new().assume(EventKind::ClassAttrSet);
}

#[test]
fn apply_runs_exactly_once_and_returns_its_value_on_every_path() {
    let world = World::with_config(
        WorldConfig::new()
            .threshold(EventKind::ClassSet, Threshold::After(1))
            .threshold(EventKind::ClassAttrSet, Threshold::After(1)),
    );
    let class = Watchable::new(EventKind::ClassAttrSet);
    let runs = AtomicU64::new(0);
    let check = |path: &str, fire: &dyn Fn(&dyn Fn() -> String) -> String| {
        let before = runs.load(Ordering::SeqCst);
        let value = fire(&|| {
            runs.fetch_add(1, Ordering::SeqCst);
            format!("applied {path}")
        });
        assert_eq!(
            value,
            format!("applied {path}"),
            "{path}: the value comes back"
        );
        assert_eq!(
            runs.load(Ordering::SeqCst),
            before + 1,
            "{path}: apply ran once"
        );
    };
    check("global below threshold", &|apply| {
        world.fire(EventKind::ClassSet, None, apply)
    });
    check("global at threshold", &|apply| {
        world.fire(EventKind::ClassSet, None, apply)
    });
    check("global Never", &|apply| {
        world.fire(EventKind::DebuggerSetLocal, None, apply)
    });
    check("global with object", &|apply| {
        world.fire(EventKind::BasesSet, Some(&class), apply)
    });
    check("local below threshold", &|apply| {
        world.fire(EventKind::ClassAttrSet, Some(&class), apply)
    });
    check("local at threshold", &|apply| {
        world.fire(EventKind::ClassAttrSet, Some(&class), apply)
    });
    check("local Never", &|apply| {
        world.fire(
            EventKind::Instrumentation,
            Some(&Watchable::new(EventKind::Instrumentation)),
            apply,
        )
    });
    let m = world.register();
    m.attach();
    check("mutator global below threshold", &|apply| {
        m.fire(EventKind::EvalFrameHookSet, None, apply)
    });
    check("mutator global at threshold", &|apply| {
        m.fire(EventKind::EvalFrameHookSet, None, apply)
    });
    check("mutator local", &|apply| {
        m.fire(
            EventKind::BuiltinModified,
            Some(&Watchable::new(EventKind::BuiltinModified)),
            apply,
        )
    });
    assert!(m.is_attached());
}

#[test]
fn a_global_apply_runs_while_the_world_is_stopped() {
    let world = World::new();
    let spinners = Spinners::start(&world, 2);
    let (start, end) = world.fire(EventKind::ClassSet, None, || {
        common::observe_pause(&spinners)
    });
    assert_eq!(start, end, "a mutator ran while a global event was applied");
    spinners.wait_all_past(&end);
    // At the threshold there is no pause: the spinners keep running.
    let before = spinners.snapshot();
    world.fire(EventKind::ClassSet, None, || {
        spinners.wait_all_past(&before)
    });
    spinners.stop();
}

#[test]
fn debug_formats_name_the_kind_and_count() {
    let class = Watchable::new(EventKind::ClassAttrSet);
    World::new().fire(EventKind::ClassAttrSet, Some(&class), || ());
    let text = format!("{class:?}");
    assert!(
        text.contains("ClassAttrSet") && text.contains("count: 1"),
        "{text}"
    );
    assert_eq!(class.kind(), EventKind::ClassAttrSet);
}
