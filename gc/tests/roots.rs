//! Roots: handles, handle scopes, global roots and thread root sources.

mod common;

use std::sync::{Arc, Mutex};

use common::{setup, DropLog, Node};
use stillpoint_gc::{Gc, HeapConfig, ThreadHeap, Tracer};

fn node(th: &ThreadHeap<'_>, log: &DropLog, id: usize) -> Gc<Node> {
    th.alloc(Node {
        next: None,
        id,
        log: log.clone(),
    })
}

#[test]
fn root_keeps_its_object_across_collections_and_drop_frees_it() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let log = DropLog::new(2);
    let root = th.root(node(&th, &log, 0));
    let copy = root.clone();
    node(&th, &log, 1);
    for _ in 0..3 {
        // SAFETY: only the rooted object is used afterwards.
        unsafe { th.collect() };
        assert_eq!(log.dropped(0), 0);
        assert_eq!(root.id, 0);
    }
    assert_eq!(log.dropped(1), 1);
    assert_eq!(heap.stats().handles, 1, "clones share one slot");
    drop(root);
    // SAFETY: only `copy` (still rooted) is used afterwards.
    unsafe { th.collect() };
    assert_eq!(log.dropped(0), 0, "a clone still roots it");
    assert_eq!(copy.get().id, 0);
    drop(copy);
    assert_eq!(heap.stats().handles, 0);
    // SAFETY: nothing is used afterwards.
    unsafe { th.collect() };
    assert_eq!(log.dropped(0), 1);
}

#[test]
fn roots_are_send_and_keep_objects_alive_for_other_threads() {
    let (world, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let root = th.root(th.alloc(String::from("shared")));
    let heap2 = heap.clone();
    let world2 = world.clone();
    let t = std::thread::spawn(move || {
        let m2 = world2.register();
        m2.attach();
        let th2 = heap2.thread(&m2);
        // SAFETY: `root` keeps the string alive.
        unsafe { th2.collect() };
        assert_eq!(*root, "shared");
        root.len()
    });
    // This thread must reach safepoints while the other collects.
    let len = loop {
        // SAFETY: nothing unrooted is held across this safepoint.
        unsafe { th.safepoint() };
        if t.is_finished() {
            break t.join().unwrap();
        }
        std::thread::yield_now();
    };
    assert_eq!(len, 6);
    assert_eq!(heap.stats().collections, 1);
}

#[test]
fn handle_scope_roots_until_dropped() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let log = DropLog::new(3);
    {
        let scope = th.scope();
        let a = scope.root(node(&th, &log, 0));
        let b = scope.root(node(&th, &log, 1));
        node(&th, &log, 2);
        assert_eq!(scope.len(), 2);
        // SAFETY: `a` and `b` are rooted by `scope`.
        unsafe { th.collect() };
        assert_eq!((a.id, b.id), (0, 1));
        assert_eq!((log.dropped(0), log.dropped(1), log.dropped(2)), (0, 0, 1));
    }
    // SAFETY: nothing is used afterwards.
    unsafe { th.collect() };
    assert_eq!((log.dropped(0), log.dropped(1)), (1, 1));
}

#[test]
fn nested_scopes_dropped_out_of_order_keep_their_own_roots() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let log = DropLog::new(3);
    let outer = th.scope();
    let inner = th.scope();
    let a = outer.root(node(&th, &log, 0));
    let b = inner.root(node(&th, &log, 1));
    // Rooting into the outer scope after the inner one opened.
    let c = outer.root(node(&th, &log, 2));
    drop(outer); // out of order: the inner scope stays open
                 // SAFETY: only `b` (rooted by `inner`) is used afterwards.
    unsafe { th.collect() };
    assert_eq!((log.dropped(0), log.dropped(1), log.dropped(2)), (1, 0, 1));
    assert_eq!(b.id, 1);
    let _ = (a, c);
    drop(inner);
    // SAFETY: nothing is used afterwards.
    unsafe { th.collect() };
    assert_eq!(log.dropped(1), 1);
    // A scope opened after all that starts empty.
    assert!(th.scope().is_empty());
}

#[test]
fn global_roots_are_traced_until_removed() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let log = DropLog::new(2);
    let table: Arc<Mutex<Vec<Gc<Node>>>> = Arc::default();
    let traced = table.clone();
    let id = heap.add_global_root(move |t: &mut Tracer| {
        for g in traced.lock().unwrap().iter() {
            t.mark(*g);
        }
    });
    table.lock().unwrap().push(node(&th, &log, 0));
    node(&th, &log, 1);
    // SAFETY: only the object in the global table is used afterwards.
    unsafe { th.collect() };
    assert_eq!((log.dropped(0), log.dropped(1)), (0, 1));
    assert_eq!(table.lock().unwrap()[0].id, 0);
    assert!(heap.remove_global_root(id));
    assert!(!heap.remove_global_root(id));
    // SAFETY: the table's pointer is not used afterwards.
    unsafe { th.collect() };
    assert_eq!(log.dropped(0), 1);
}

#[test]
fn thread_root_source_is_traced_and_removed_with_the_thread_heap() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let log = DropLog::new(2);
    let frames: Arc<Mutex<Vec<Gc<Node>>>> = Arc::default();
    {
        let th = heap.thread(&m);
        let traced = frames.clone();
        th.set_root_source(move |t: &mut Tracer| {
            for g in traced.lock().unwrap().iter() {
                t.mark(*g);
            }
        });
        frames.lock().unwrap().push(node(&th, &log, 0));
        node(&th, &log, 1);
        // SAFETY: only the object in `frames` is used afterwards.
        unsafe { th.collect() };
        assert_eq!((log.dropped(0), log.dropped(1)), (0, 1));
        assert_eq!(frames.lock().unwrap()[0].id, 0);
    }
    // The thread heap is gone, with its root source.
    let th = heap.thread(&m);
    // SAFETY: `frames`' pointer is not used afterwards.
    unsafe { th.collect() };
    assert_eq!(log.dropped(0), 1);
    // Replaced and cleared sources stop rooting too.
    let keep = th.alloc(7u64);
    th.set_root_source(move |t: &mut Tracer| t.mark(keep));
    // SAFETY: `keep` is rooted by the source.
    unsafe { th.collect() };
    assert_eq!(*keep, 7);
    assert_eq!(heap.stats().last.objects_freed, 0);
    th.clear_root_source();
    // SAFETY: `keep` is not used afterwards.
    unsafe { th.collect() };
    assert_eq!(heap.stats().last.objects_freed, 1);
}

#[test]
#[should_panic(expected = "another world")]
fn a_mutator_of_another_world_is_refused() {
    let world = stillpoint_sync::World::new();
    let other = stillpoint_sync::World::new();
    let heap = stillpoint_gc::Heap::new(&world, stillpoint_gc::HeapConfig::default());
    let m = other.register();
    m.attach();
    let _ = heap.thread(&m);
}
