//! Four threads build and drop linked structures (lists and trees with
//! checksums) while collections happen: everything reachable survives with
//! its contents intact, everything unreachable is freed.

mod common;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::small;
use stillpoint_gc::{trace, trace_leaf, Gc, Heap, HeapConfig, Root, ThreadHeap, Tracer};
use stillpoint_sync::World;

/// Counts drops of the objects that carry it.
struct Dropped(Arc<AtomicUsize>);
trace_leaf!(Dropped);

impl Drop for Dropped {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

struct ListNode {
    next: Option<Gc<ListNode>>,
    value: u64,
    dropped: Dropped,
}
trace!(ListNode {
    next,
    value,
    dropped
});

struct TreeNode {
    left: Option<Gc<TreeNode>>,
    right: Option<Gc<TreeNode>>,
    value: u64,
    dropped: Dropped,
}
trace!(TreeNode {
    left,
    right,
    value,
    dropped
});

fn mix(x: u64) -> u64 {
    let x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 29)
}

fn list_checksum(head: Gc<ListNode>) -> (u64, usize) {
    let (mut sum, mut len, mut cur) = (0u64, 0, Some(head));
    while let Some(n) = cur {
        len += 1;
        sum = sum.wrapping_mul(31).wrapping_add(n.value);
        cur = n.next;
    }
    (sum, len)
}

fn tree_checksum(t: Option<Gc<TreeNode>>) -> (u64, usize) {
    match t {
        None => (7, 0),
        Some(n) => {
            let (l, ln) = tree_checksum(n.left);
            let (r, rn) = tree_checksum(n.right);
            (mix(l ^ r.rotate_left(17) ^ n.value), ln + rn + 1)
        }
    }
}

struct Worker<'a> {
    th: ThreadHeap<'a>,
    drops: Arc<AtomicUsize>,
    allocated: usize,
}

impl Worker<'_> {
    /// Builds a list, reaching a safepoint every 32 nodes with the partial
    /// list rooted by the thread's root source (`frame`).
    fn build_list(
        &mut self,
        seed: u64,
        len: usize,
        frame: &Mutex<Option<Gc<ListNode>>>,
    ) -> Gc<ListNode> {
        let mut head = None;
        for i in 0..len {
            let node = self.th.alloc(ListNode {
                next: head,
                value: mix(seed + i as u64),
                dropped: Dropped(self.drops.clone()),
            });
            self.allocated += 1;
            head = Some(node);
            if i % 32 == 31 {
                *frame.lock().unwrap() = head;
                // SAFETY: the partial list is rooted by the frame.
                unsafe { self.th.safepoint() };
            }
        }
        *frame.lock().unwrap() = None;
        head.expect("len > 0")
    }

    /// Builds a tree (no safepoint while building).
    fn build_tree(&mut self, seed: u64, depth: u32) -> Option<Gc<TreeNode>> {
        if depth == 0 {
            return None;
        }
        let left = self.build_tree(mix(seed), depth - 1);
        let right = self.build_tree(mix(seed + 1), depth - 1);
        self.allocated += 1;
        Some(self.th.alloc(TreeNode {
            left,
            right,
            value: seed,
            dropped: Dropped(self.drops.clone()),
        }))
    }
}

#[test]
fn four_threads_build_and_drop_structures_while_collecting() {
    let iterations: u64 = if small() {
        60
    } else if cfg!(debug_assertions) {
        400
    } else {
        2000
    };
    let world = World::new();
    let heap = Heap::new(&world, HeapConfig::default().initial_budget(128 * 1024));
    // SAFETY: no `Gc` of this heap is used after it is gone.
    unsafe { heap.free_objects_on_drop() };
    let drops = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let (world, heap, drops) = (world.clone(), heap.clone(), drops.clone());
            std::thread::spawn(move || {
                let m = world.register();
                m.attach();
                let th = heap.thread(&m);
                let frame: Arc<Mutex<Option<Gc<ListNode>>>> = Arc::default();
                let traced = frame.clone();
                th.set_root_source(move |tr: &mut Tracer| {
                    if let Some(head) = *traced.lock().unwrap() {
                        tr.mark(head);
                    }
                });
                let mut w = Worker {
                    th,
                    drops,
                    allocated: 0,
                };
                let mut lists: VecDeque<(Root<ListNode>, (u64, usize))> = VecDeque::new();
                let mut trees: VecDeque<(Root<TreeNode>, (u64, usize))> = VecDeque::new();
                for i in 0..iterations {
                    let seed = mix(t << 32 | i);
                    let len = 50 + (seed % 200) as usize;
                    let head = w.build_list(seed, len, &frame);
                    let sum = list_checksum(head);
                    assert_eq!(sum.1, len);
                    lists.push_back((w.th.root(head), sum));
                    let tree = w.build_tree(seed, 1 + (seed % 7) as u32).unwrap();
                    let tsum = tree_checksum(Some(tree));
                    trees.push_back((w.th.root(tree), tsum));
                    // Unrooted garbage that points into kept structures.
                    for _ in 0..20 {
                        w.th.alloc(ListNode {
                            next: Some(head),
                            value: 0,
                            dropped: Dropped(w.drops.clone()),
                        });
                        w.allocated += 1;
                    }
                    if lists.len() > 8 {
                        lists.pop_front();
                    }
                    if trees.len() > 5 {
                        trees.pop_front();
                    }
                    if t == 0 && i % 25 == 0 {
                        // SAFETY: everything used later is rooted.
                        unsafe { w.th.collect() };
                    }
                    // SAFETY: everything used later is rooted.
                    unsafe { w.th.safepoint() };
                    for (root, sum) in &lists {
                        assert_eq!(
                            list_checksum(root.get()),
                            *sum,
                            "thread {t}: a list changed"
                        );
                    }
                    for (root, sum) in &trees {
                        assert_eq!(
                            tree_checksum(Some(root.get())),
                            *sum,
                            "thread {t}: a tree changed"
                        );
                    }
                }
                w.allocated
            })
        })
        .collect();
    let allocated: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let during = heap.stats();
    assert!(
        during.collections >= 4,
        "only {} collections",
        during.collections
    );
    assert!(
        drops.load(Ordering::Relaxed) > 0,
        "garbage was freed while running"
    );
    // Every root is gone with its thread: one more collection frees all.
    let m = world.register();
    m.attach();
    let th = heap.thread(&m);
    // SAFETY: nothing is used afterwards.
    unsafe { th.collect() };
    let s = heap.stats();
    eprintln!(
        "allocated {allocated}, {} collections ({} skipped)",
        s.collections, s.collections_skipped
    );
    assert_eq!(
        drops.load(Ordering::Relaxed),
        allocated,
        "every object dropped exactly once"
    );
    assert_eq!(s.objects_freed as usize, allocated);
    assert_eq!(s.live_bytes, 0);
    assert_eq!(s.handles, 0);
    assert_eq!(s.pauses.count, s.collections + s.collections_skipped);
}
