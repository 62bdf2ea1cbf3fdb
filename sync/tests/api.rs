//! Static guarantees of the public API: which types cross threads.
//!
//! That `Mutator` and `ExecutorRef` are not `Send` cannot be asserted on
//! stable Rust in a test; the compile-fail doc test for it belongs in the
//! crate's documentation.

use stillpoint_sync::{
    Dependency, EventKind, EventStats, ExecutorId, ExecutorSlot, ExecutorStats, InstallError,
    PauseCause, PauseStats, RemoteMutator, Scope, Stats, Threshold, Thresholds, Watchable, World,
    WorldConfig,
};

fn send_sync<T: Send + Sync>() {}
fn clone<T: Clone>() {}

#[test]
fn shared_types_are_send_and_sync() {
    send_sync::<World>();
    send_sync::<RemoteMutator>();
    clone::<RemoteMutator>();
    clone::<World>();
    send_sync::<WorldConfig>();
    send_sync::<Watchable>();
    send_sync::<ExecutorSlot<String>>();
    send_sync::<ExecutorSlot<std::sync::Arc<Vec<u8>>>>();
    send_sync::<Dependency<'static>>();
    send_sync::<ExecutorId>();
    send_sync::<InstallError>();
    send_sync::<Stats>();
    send_sync::<PauseStats>();
    send_sync::<ExecutorStats>();
    send_sync::<EventStats>();
    send_sync::<(EventKind, Scope, Threshold, Thresholds, PauseCause)>();
}

#[test]
fn a_world_and_a_slot_can_be_shared_by_threads() {
    let world = World::new();
    let slot = std::sync::Arc::new(ExecutorSlot::new());
    world.install(&slot, 5u64, &[]).unwrap();
    let (w, s) = (world.clone(), slot.clone());
    let seen = std::thread::spawn(move || {
        let m = w.register();
        m.attach();
        let value = *s.enter(&m).unwrap();
        value
    })
    .join()
    .unwrap();
    assert_eq!(seen, 5);
}
