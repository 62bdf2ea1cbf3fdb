//! Weak references: cleared exactly when their target becomes unreachable.

mod common;

use common::{setup, DropLog, Node};
use stillpoint_gc::{Gc, HeapConfig, Weak};

#[test]
fn weak_is_cleared_exactly_when_unreachable() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let log = DropLog::new(2);
    let target = th.root(th.alloc(Node {
        next: None,
        id: 0,
        log: log.clone(),
    }));
    let weak = heap.weak(target.get());
    let weak2 = weak.clone();
    for _ in 0..3 {
        // SAFETY: `target` is rooted.
        unsafe { th.collect() };
        let got = weak.get().expect("reachable: not cleared");
        assert!(Gc::ptr_eq(got, target.get()));
        assert_eq!(got.id, 0);
    }
    drop(target);
    assert!(weak.get().is_some(), "only the collector clears");
    // SAFETY: nothing is used afterwards but the weak reference.
    unsafe { th.collect() };
    assert!(weak.get().is_none());
    assert!(weak2.is_cleared());
    assert_eq!(log.dropped(0), 1);
    assert_eq!(heap.stats().last.weaks_cleared, 1);
}

#[test]
fn weak_to_an_object_reachable_only_through_another_object_survives() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let log = DropLog::new(2);
    let inner = th.alloc(Node {
        next: None,
        id: 0,
        log: log.clone(),
    });
    let outer = th.root(th.alloc(Node {
        next: Some(inner),
        id: 1,
        log: log.clone(),
    }));
    let weak = Weak::new(&heap, inner);
    // SAFETY: `inner` is reachable from the rooted `outer`.
    unsafe { th.collect() };
    assert_eq!(weak.get().map(|n| n.id), Some(0));
    drop(outer);
    // SAFETY: nothing is used afterwards but the weak reference.
    unsafe { th.collect() };
    assert!(weak.get().is_none());
    assert_eq!((log.dropped(0), log.dropped(1)), (1, 1));
}

#[test]
fn many_weaks_as_an_interning_table() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let strings: Vec<_> = (0..1000).map(|i| th.alloc(format!("s{i}"))).collect();
    let weaks: Vec<Weak<String>> = strings.iter().map(|s| heap.weak(*s)).collect();
    // Keep the even ones.
    let kept: Vec<_> = strings.iter().step_by(2).map(|s| th.root(*s)).collect();
    // SAFETY: only the rooted strings are used afterwards.
    unsafe { th.collect() };
    for (i, w) in weaks.iter().enumerate() {
        match w.get() {
            Some(s) => {
                assert_eq!(i % 2, 0);
                assert_eq!(*s, format!("s{i}"));
            }
            None => assert_eq!(i % 2, 1, "weak {i} cleared while reachable"),
        }
    }
    assert_eq!(heap.stats().last.weaks_cleared, 500);
    drop(kept);
    drop(weaks);
    // SAFETY: nothing is used afterwards.
    unsafe { th.collect() };
    assert_eq!(heap.stats().last.objects_freed, 500);
}

#[test]
fn weak_outlives_the_heap_cleared() {
    let weak = {
        let (_w, heap, m) = setup(HeapConfig::default());
        let th = heap.thread(&m);
        let g = th.root(th.alloc(5u32));
        heap.weak(g.get())
    };
    assert!(weak.get().is_none());
}
