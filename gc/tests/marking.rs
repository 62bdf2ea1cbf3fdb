//! Marking through every kind of edge, exact drops, and a million-long
//! list (marking must not recurse on the native stack).

mod common;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use common::{list_values, setup, small, DropLog, Link, Node};
use stillpoint_gc::{trace, Gc, HeapConfig, ThreadHeap, Trace, Tracer};

fn node(th: &ThreadHeap<'_>, log: &DropLog, id: usize) -> Gc<Node> {
    th.alloc(Node {
        next: None,
        id,
        log: log.clone(),
    })
}

/// Checks that the objects with ids in `live` survive a collection (and
/// are not dropped) while every other id below `n` is dropped exactly once.
fn assert_drops(log: &DropLog, n: usize, live: &[usize]) {
    for id in 0..n {
        let want = if live.contains(&id) { 0 } else { 1 };
        assert_eq!(log.dropped(id), want, "object {id}");
    }
}

/// One holder per edge kind; each test roots the holder only.
struct Holder {
    gc: Gc<Node>,
    option: Option<Gc<Node>>,
    none: Option<Gc<Node>>,
    vec: Vec<Gc<Node>>,
    boxed: Box<Gc<Node>>,
    tuple: (u32, Gc<Node>, (Gc<Node>, bool)),
    array: [Option<Gc<Node>>; 3],
    nested: Vec<Option<Box<[Gc<Node>; 2]>>>,
    deque: VecDeque<Gc<Node>>,
    map: HashMap<u32, Gc<Node>>,
    tree: BTreeMap<u32, Vec<Gc<Node>>>,
    shared: Arc<Gc<Node>>,
    result: Result<Gc<Node>, String>,
}
trace!(Holder {
    gc,
    option,
    none,
    vec,
    boxed,
    tuple,
    array,
    nested,
    deque,
    map,
    tree,
    shared,
    result
});

#[test]
fn marks_through_every_edge_kind() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let log = DropLog::new(64);
    let next = std::cell::Cell::new(0);
    let n = || {
        next.set(next.get() + 1);
        node(&th, &log, next.get() - 1)
    };
    let holder = Holder {
        gc: n(),
        option: Some(n()),
        none: None,
        vec: vec![n(), n()],
        boxed: Box::new(n()),
        tuple: (7, n(), (n(), true)),
        array: [Some(n()), None, Some(n())],
        nested: vec![None, Some(Box::new([n(), n()]))],
        deque: VecDeque::from([n()]),
        map: HashMap::from([(1, n())]),
        tree: BTreeMap::from([(2, vec![n(), n()])]),
        shared: Arc::new(n()),
        result: Ok(n()),
    };
    let reachable = next.get();
    // Garbage, pointing at reachable objects too.
    for _ in 0..10 {
        let g = n();
        let _ = g;
    }
    let total = next.get();
    let holder = th.root(th.alloc(holder));
    // SAFETY: only objects reachable from `holder` are used afterwards.
    unsafe { th.collect() };
    let live: Vec<usize> = (0..reachable).collect();
    assert_drops(&log, total, &live);
    assert_eq!(heap.stats().last.objects_freed, (total - reachable) as u64);
    // Contents intact, through every edge.
    assert_eq!(holder.gc.id, 0);
    assert_eq!(holder.option.unwrap().id, 1);
    assert_eq!(holder.vec[1].id, 3);
    assert_eq!(holder.boxed.id, 4);
    assert_eq!(holder.tuple.2 .0.id, 6);
    assert_eq!(holder.array[2].unwrap().id, 8);
    assert_eq!(holder.nested[1].as_ref().unwrap()[1].id, 10);
    assert_eq!(holder.map[&1].id, 12);
    assert_eq!(holder.tree[&2][1].id, 14);
    assert_eq!(holder.shared.id, 15);
    assert_eq!(holder.result.as_ref().unwrap().id, 16);
    assert!(holder.none.is_none());
    // Dropping the handle frees them all, each exactly once.
    drop(holder);
    // SAFETY: nothing is used afterwards.
    unsafe { th.collect() };
    assert_drops(&log, total, &[]);
}

#[test]
fn marks_through_chains_and_cycles() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    struct Cell2 {
        a: std::sync::Mutex<Option<Gc<Cell2>>>,
        id: usize,
        log: DropLog,
    }
    // SAFETY: traces the one pointer field (the mutex is never held by a
    // mutator at a safepoint in this test).
    unsafe impl Trace for Cell2 {
        fn trace(&self, tracer: &mut Tracer) {
            self.a.lock().unwrap().trace(tracer);
        }
    }
    impl Drop for Cell2 {
        fn drop(&mut self) {
            self.log.record(self.id);
        }
    }
    let log = DropLog::new(4);
    let mk = |id| {
        th.alloc(Cell2 {
            a: std::sync::Mutex::new(None),
            id,
            log: log.clone(),
        })
    };
    // A two-object cycle kept by a root, and an unreachable cycle.
    let (a, b, c, d) = (mk(0), mk(1), mk(2), mk(3));
    *a.a.lock().unwrap() = Some(b);
    *b.a.lock().unwrap() = Some(a);
    *c.a.lock().unwrap() = Some(d);
    *d.a.lock().unwrap() = Some(c);
    let root = th.root(a);
    // SAFETY: only `a` and `b` are used afterwards, reachable from `root`.
    unsafe { th.collect() };
    assert_drops(&log, 4, &[0, 1]);
    assert_eq!(root.a.lock().unwrap().unwrap().id, 1);
    drop(root);
    // SAFETY: nothing is used afterwards.
    unsafe { th.collect() };
    assert_drops(&log, 4, &[]);
}

#[test]
fn a_million_long_list_collects_without_overflowing_the_stack() {
    let len: u64 = if small() { 200_000 } else { 1_000_000 };
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let mut head: Option<Gc<Link>> = None;
    for value in 0..len {
        head = Some(th.alloc(Link { next: head, value }));
    }
    let root = th.root(head.unwrap());
    // SAFETY: only the list, rooted by `root`, is used afterwards.
    unsafe { th.collect() };
    let stats = heap.stats();
    assert_eq!(stats.last.objects_marked, len);
    assert_eq!(stats.last.objects_freed, 0);
    // Walk it: every value intact, in order.
    let mut expect = len;
    let mut cur = Some(root.get());
    while let Some(n) = cur {
        expect -= 1;
        assert_eq!(n.value, expect);
        cur = n.next;
    }
    assert_eq!(expect, 0);
    drop(root);
    // SAFETY: nothing is used afterwards.
    unsafe { th.collect() };
    assert_eq!(heap.stats().last.objects_freed, len);
}

#[test]
fn a_long_list_marks_on_a_small_thread_stack() {
    // Marking on a 256 KiB stack: recursion on the native stack would need
    // far more for 100,000 links.
    let world = stillpoint_sync::World::new();
    let heap = stillpoint_gc::Heap::new(&world, HeapConfig::default());
    // SAFETY: no `Gc` of this heap is used after it is gone.
    unsafe { heap.free_objects_on_drop() };
    let len = 100_000u64;
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let m = world.register();
            m.attach();
            let th = heap.thread(&m);
            let mut head = None;
            for value in 0..len {
                head = Some(th.alloc(Link { next: head, value }));
            }
            let root = th.root(head.unwrap());
            // SAFETY: only the rooted list is used afterwards.
            unsafe { th.collect() };
            assert_eq!(list_values(Some(root.get())).len() as u64, len);
            assert_eq!(heap.stats().last.objects_marked, len);
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn heap_drop_drops_every_object_once() {
    let log = DropLog::new(1000);
    {
        let (_w, heap, m) = setup(HeapConfig::default());
        let th = heap.thread(&m);
        let keep = th.root(node(&th, &log, 0));
        for id in 1..1000 {
            node(&th, &log, id);
        }
        // SAFETY: only `keep` is used afterwards.
        unsafe { th.collect() };
        assert_drops(&log, 1000, &[0]);
        assert_eq!(keep.id, 0);
    }
    assert_drops(&log, 1000, &[]);
}
