//! When collections run: the budget requests one (allocation never
//! collects), the safepoint service runs it, GC-stress mode collects at
//! every servicing safepoint after an allocation; and the statistics.

mod common;

use common::{setup, Link};
use stillpoint_gc::HeapConfig;
use stillpoint_sync::PauseCause;

#[test]
fn allocation_past_the_budget_requests_but_never_collects() {
    let budget = 256 * 1024;
    let (_w, heap, m) = setup(HeapConfig::default().initial_budget(budget));
    let th = heap.thread(&m);
    // Allocate four times the budget without a safepoint.
    for value in 0..(4 * budget / 32) as u64 {
        th.alloc(Link { next: None, value });
    }
    let stats = heap.stats();
    assert_eq!(stats.collections, 0, "allocation itself never collects");
    assert!(heap.collection_requested());
    // A plain poll answers pauses but does not run the service.
    m.poll();
    assert_eq!(heap.stats().collections, 0);
    assert!(heap.collection_requested(), "the heap still wants one");
}

#[test]
fn the_request_runs_at_the_next_servicing_poll() {
    let budget = 256 * 1024;
    let (_w, heap, m) = setup(HeapConfig::default().initial_budget(budget));
    let th = heap.thread(&m);
    let mut allocated = 0;
    while !heap.collection_requested() {
        th.alloc(Link {
            next: None,
            value: 0,
        });
        allocated += 32;
        assert!(allocated < 2 * budget, "no request after twice the budget");
    }
    assert!(
        allocated >= budget - 64 * 1024,
        "requested after {allocated} bytes"
    );
    assert_eq!(heap.epoch(), 0, "allocation does not change the epoch");
    // SAFETY: nothing allocated is used afterwards.
    m.poll_with(|m| unsafe { heap.service(m) });
    let stats = heap.stats();
    assert_eq!(stats.collections, 1);
    assert_eq!(heap.epoch(), 1, "a collection does");
    assert!(!heap.collection_requested());
    assert_eq!(stats.pauses.count, 1, "one Collection pause");
    // The request was consumed: the next servicing poll does nothing.
    // SAFETY: as above.
    unsafe { th.safepoint() };
    assert_eq!(heap.stats().collections, 1);
    assert_eq!(heap.epoch(), 1);
}

#[test]
fn the_budget_grows_with_the_live_heap() {
    let budget = 128 * 1024;
    let (_w, heap, m) = setup(
        HeapConfig::default()
            .initial_budget(budget)
            .growth_factor(3.0),
    );
    let th = heap.thread(&m);
    // 1 MiB live (32-byte cells).
    let mut head = None;
    for value in 0..32_768u64 {
        head = Some(th.alloc(Link { next: head, value }));
    }
    let root = th.root(head.unwrap());
    // SAFETY: only the rooted list is used afterwards.
    unsafe { th.collect() };
    let stats = heap.stats();
    assert_eq!(stats.live_bytes, 32_768 * 32);
    assert_eq!(stats.budget, 3 * 32_768 * 32);
    // Allocating less than the headroom does not request.
    for value in 0..(32_768u64 * 3 / 2) {
        th.alloc(Link { next: None, value });
    }
    assert!(!heap.collection_requested());
    for value in 0..32_768u64 {
        th.alloc(Link { next: None, value });
    }
    assert!(heap.collection_requested());
    let _ = root;
}

#[test]
fn the_initial_budget_is_per_thread() {
    let budget = 128 * 1024;
    let (world, heap, m) = setup(HeapConfig::default().initial_budget(budget));
    let th = heap.thread(&m);
    // SAFETY: nothing allocated is used afterwards.
    unsafe { th.collect() };
    assert_eq!(heap.stats().budget, budget as u64);
    let other = world.register();
    let other_heap = heap.thread(&other);
    // SAFETY: as above.
    unsafe { th.collect() };
    assert_eq!(heap.stats().budget, 2 * budget as u64, "two threads");
    drop(other_heap);
    // SAFETY: as above.
    unsafe { th.collect() };
    assert_eq!(heap.stats().budget, budget as u64, "one thread again");
}

#[test]
fn gc_stress_collects_at_every_safepoint_after_an_allocation() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    assert!(!heap.gc_stress());
    heap.set_gc_stress(true);
    let keep = th.root(th.alloc(1u64));
    for i in 1..=5 {
        th.alloc(2u64); // garbage
                        // SAFETY: only `keep` is used afterwards.
        unsafe { th.safepoint() };
        let stats = heap.stats();
        assert_eq!(
            stats.collections, i,
            "one collection per safepoint after an allocation"
        );
        assert_eq!(stats.last.objects_freed, 1);
        // No allocation since: the next safepoint does not collect.
        // SAFETY: as above.
        unsafe { th.safepoint() };
        assert_eq!(heap.stats().collections, i);
    }
    heap.set_gc_stress(false);
    th.alloc(3u64);
    // SAFETY: as above.
    unsafe { th.safepoint() };
    assert_eq!(heap.stats().collections, 5, "switched off at run time");
    assert_eq!(*keep, 1);
    // It can start switched on.
    let (_w2, heap2, m2) = setup(HeapConfig::default().gc_stress(true));
    let th2 = heap2.thread(&m2);
    th2.alloc(0u8);
    // SAFETY: nothing is used afterwards.
    unsafe { th2.safepoint() };
    assert_eq!(heap2.stats().collections, 1);
}

#[test]
fn stats_count_collections_bytes_objects_heap_size_and_pauses() {
    let (world, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let live: Vec<_> = (0..1000u64).map(|i| th.root(th.alloc(i))).collect();
    for i in 0..3000u64 {
        th.alloc(Link {
            next: None,
            value: i,
        });
    }
    let big = th.alloc([0u64; 1000]); // large, garbage
    let _ = big;
    // SAFETY: only the rooted objects are used afterwards.
    unsafe { th.collect() };
    let s = heap.stats();
    assert_eq!(s.collections, 1);
    assert_eq!(s.last.objects_before, 4001);
    assert_eq!(s.last.objects_freed, 3001);
    assert_eq!(s.objects_freed, 3001);
    assert_eq!(s.last.objects_marked, 1000);
    let large = 16 + 8000;
    assert_eq!(s.last.bytes_before, 4000 * 32 + large);
    assert_eq!(s.last.bytes_after, 1000 * 32);
    assert_eq!(s.bytes_freed, 3000 * 32 + large);
    assert_eq!(s.live_bytes, 1000 * 32);
    assert!(s.heap_size >= s.live_bytes && s.heap_size == s.last.heap_size_after);
    assert_eq!(s.handles, 1000);
    assert_eq!(s.large_objects, 0);
    // SAFETY: as above.
    unsafe { th.collect() };
    let s = heap.stats();
    assert_eq!(s.collections, 2);
    assert_eq!(s.last.objects_freed, 0);
    assert_eq!(s.last.bytes_before, s.last.bytes_after);
    // Pause percentiles come from sync, for Collection pauses only.
    assert_eq!(s.pauses.count, 2);
    let p = s.pauses.length;
    assert!(p.p50 > 0 && p.p50 <= p.p99 && p.p99 <= p.max);
    assert_eq!(s.pauses, world.stats().pauses_for(PauseCause::Collection));
    m.stop_the_world(|| ()); // another cause: not counted
    assert_eq!(heap.stats().pauses.count, 2);
    assert!(live.iter().enumerate().all(|(i, r)| **r == i as u64));
}

#[test]
fn concurrent_requests_collect_once() {
    // Two threads both over budget: the second servicing pause finds the
    // request answered and does nothing.
    let (world, heap, m) = setup(HeapConfig::default().initial_budget(64 * 1024));
    let th = heap.thread(&m);
    let heap2 = heap.clone();
    let world2 = world.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let (tx_go, rx_go) = std::sync::mpsc::channel::<()>();
    let t = std::thread::spawn(move || {
        let m2 = world2.register();
        m2.attach();
        let th2 = heap2.thread(&m2);
        while !m2.detached(|| heap2.collection_requested()) {
            th2.alloc(0u64);
        }
        // Stay requested, but wait (detached) for the main thread.
        tx.send(()).unwrap();
        m2.detached(|| rx_go.recv().unwrap());
        // SAFETY: nothing allocated is used afterwards.
        unsafe { th2.safepoint() };
    });
    rx.recv().unwrap();
    // Past the budget too (two new blocks: two reports, both over it).
    for _ in 0..5000 {
        th.alloc(0u64);
    }
    // SAFETY: nothing allocated is used afterwards.
    m.poll_with(|m| unsafe { heap.service(m) });
    assert_eq!(heap.stats().collections, 1, "the main thread's request ran");
    tx_go.send(()).unwrap();
    m.detached(|| t.join().unwrap());
    let s = heap.stats();
    assert_eq!(s.collections, 1, "the second request found it answered");
    assert_eq!(s.pauses.count, s.collections + s.collections_skipped);
}
