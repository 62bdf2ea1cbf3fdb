//! Mutator registration and the attach/detach/poll state machine, on one
//! thread and across threads.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;

use common::{join_within, recv};
use stillpoint_sync::World;

#[test]
fn a_registered_mutator_starts_detached() {
    let world = World::new();
    let m = world.register();
    assert!(!m.is_attached());
    assert_eq!(world.mutator_count(), 1);
}

#[test]
fn attach_and_detach_move_between_the_two_states() {
    let world = World::new();
    let m = world.register();
    for _ in 0..3 {
        m.attach();
        assert!(m.is_attached());
        m.poll();
        assert!(
            m.is_attached(),
            "a poll with nothing pending changes nothing"
        );
        m.detach();
        assert!(!m.is_attached());
    }
}

#[test]
fn a_mutator_knows_its_world() {
    let world = World::new();
    let other = World::new();
    let m = world.register();
    assert_eq!(m.world().mutator_count(), 1);
    let _n = other.register();
    let _n2 = other.register();
    assert_eq!(
        m.world().mutator_count(),
        1,
        "the mutator's world is not `other`"
    );
}

#[test]
fn detached_runs_the_closure_detached_and_reattaches() {
    let world = World::new();
    let m = world.register();
    m.attach();
    let (inside, value) = m.detached(|| (m.is_attached(), 42));
    assert!(!inside, "the closure runs detached");
    assert_eq!(value, 42, "the closure's value comes back");
    assert!(m.is_attached(), "re-attached after the closure");
}

#[test]
fn detached_reattaches_when_the_closure_panics() {
    let world = World::new();
    let m = world.register();
    m.attach();
    let result = catch_unwind(AssertUnwindSafe(|| {
        m.detached(|| panic!("blocking work failed"))
    }));
    assert!(result.is_err(), "the panic propagates");
    assert!(m.is_attached(), "re-attached while unwinding");
    // The state word is consistent: the usual transitions still work.
    m.poll();
    m.detach();
    assert!(!m.is_attached());
}

#[test]
fn polling_a_detached_mutator_does_not_attach_it() {
    let world = World::new();
    let m = world.register();
    m.poll();
    assert!(!m.is_attached());
}

#[test]
#[should_panic(expected = "Mutator::attach: the thread is already attached")]
fn attaching_twice_panics() {
    let world = World::new();
    let m = world.register();
    m.attach();
    m.attach();
}

#[test]
#[should_panic(expected = "Mutator::detach: the thread is not attached")]
fn detaching_a_detached_mutator_panics() {
    let world = World::new();
    let m = world.register();
    m.detach();
}

#[test]
#[should_panic(expected = "Mutator::detach: the thread is not attached")]
fn detaching_twice_panics() {
    let world = World::new();
    let m = world.register();
    m.attach();
    m.detach();
    m.detach();
}

#[test]
fn dropping_a_mutator_unregisters_it() {
    let world = World::new();
    assert_eq!(world.mutator_count(), 0);
    let a = world.register();
    let b = world.register();
    assert_eq!(world.mutator_count(), 2);
    b.attach();
    drop(a);
    assert_eq!(world.mutator_count(), 1);
    // An attached mutator unregisters too.
    drop(b);
    assert_eq!(world.mutator_count(), 0);
    // The world is usable afterwards.
    let c = world.register();
    c.attach();
    assert_eq!(world.mutator_count(), 1);
}

#[test]
fn mutators_of_many_threads_register_and_unregister() {
    let world = World::new();
    let (registered_tx, registered_rx) = mpsc::channel();
    let mut exits = Vec::new();
    let mut handles = Vec::new();
    for _ in 0..4 {
        let (exit_tx, exit_rx) = mpsc::channel::<()>();
        let (world, registered_tx) = (world.clone(), registered_tx.clone());
        handles.push(thread::spawn(move || {
            let m = world.register();
            m.attach();
            registered_tx.send(()).unwrap();
            m.detached(|| recv("the exit signal", &exit_rx));
            assert!(m.is_attached());
        }));
        exits.push(exit_tx);
    }
    for _ in 0..4 {
        recv("a registration", &registered_rx);
    }
    assert_eq!(world.mutator_count(), 4);
    for (exit, handle) in exits.into_iter().zip(handles) {
        exit.send(()).unwrap();
        join_within("a mutator thread to exit", handle);
    }
    assert_eq!(world.mutator_count(), 0);
}

#[test]
fn a_cloned_world_is_the_same_world() {
    let world = World::new();
    let clone = world.clone();
    let _m = clone.register();
    assert_eq!(world.mutator_count(), 1);
    assert!(format!("{world:?}").contains("mutators: 1"), "{world:?}");
}

#[test]
fn a_requested_service_runs_once_at_the_next_poll_with() {
    let world = World::new();
    let m = world.register();
    m.attach();
    let mut runs = 0;
    m.poll_with(|_| runs += 1);
    assert_eq!(runs, 0, "no service without a request");
    m.request_service();
    m.detached(|| ()); // survives detaching
    m.poll_with(|_| runs += 1);
    m.poll_with(|_| runs += 1);
    assert_eq!(runs, 1);
}

#[test]
fn a_plain_poll_drops_a_requested_service() {
    let world = World::new();
    let m = world.register();
    m.attach();
    m.request_service();
    m.poll();
    let mut runs = 0;
    m.poll_with(|_| runs += 1);
    assert_eq!(runs, 0);
}

/// Another thread's service requests reach the owner's next poll, also
/// when they race the owner's own detaches, re-attaches and pauses (the
/// slow paths rewrite the word under the registry lock, as the remote
/// request does): none is lost.
#[test]
fn remote_service_requests_reach_the_next_poll_and_none_is_lost() {
    let world = World::new();
    let m = world.register();
    m.attach();
    let mut served = 0;
    m.poll_with(|_| served += 1);
    assert_eq!(served, 0, "nothing requested yet");
    let remote = m.remote();
    thread::spawn(move || remote.request_service())
        .join()
        .unwrap();
    m.poll_with(|_| served += 1);
    m.poll_with(|_| served += 1);
    assert_eq!(served, 1, "one request, one service");

    // Requests racing detach/attach and a third thread's pauses.
    let (acked_tx, acked_rx) = mpsc::channel::<()>();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let remote = m.remote();
    let requester = thread::spawn(move || {
        while go_rx.recv().is_ok() {
            remote.request_service();
            acked_tx.send(()).unwrap();
        }
    });
    let pauser_world = world.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let pauser_stop = stop.clone();
    let pauser = thread::spawn(move || {
        while !pauser_stop.load(std::sync::atomic::Ordering::Relaxed) {
            pauser_world.stop_the_world(|| ());
        }
    });
    for round in 0..200 {
        go_tx.send(()).unwrap();
        // Churn the word while the request may be landing.
        for _ in 0..3 {
            m.detach();
            m.attach();
        }
        recv("the request", &acked_rx);
        let mut got = false;
        m.poll_with(|_| got = true);
        assert!(got, "round {round}: the request was lost");
    }
    drop(go_tx);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    m.detach();
    join_within("the requester", requester);
    join_within("the pauser", pauser);
}
