//! Helpers shared by the gc integration tests.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;

use stillpoint_gc::{trace, Gc, Heap, HeapConfig};
use stillpoint_sync::{Mutator, World};

/// Whether to use small sizes (under valgrind: `STILLPOINT_GC_SMALL=1`).
pub fn small() -> bool {
    std::env::var_os("STILLPOINT_GC_SMALL").is_some()
}

/// A world, a heap and an attached mutator for the calling thread.
pub fn setup(config: HeapConfig) -> (World, Heap, Mutator) {
    let world = World::new();
    let heap = Heap::new(&world, config);
    // SAFETY: the tests use no `Gc` after their heap is gone.
    unsafe { heap.free_objects_on_drop() };
    let m = world.register();
    m.attach();
    (world, heap, m)
}

/// Counts drops per object id: every freed object must be dropped exactly
/// once, and no live one at all.
#[derive(Clone)]
pub struct DropLog {
    counts: Arc<Vec<AtomicU8>>,
    total: Arc<AtomicUsize>,
}

impl DropLog {
    pub fn new(ids: usize) -> Self {
        DropLog {
            counts: Arc::new((0..ids).map(|_| AtomicU8::new(0)).collect()),
            total: Arc::new(AtomicUsize::new(0)),
        }
    }

    pub fn dropped(&self, id: usize) -> u8 {
        self.counts[id].load(Ordering::Relaxed)
    }

    pub fn total(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }

    pub fn record(&self, id: usize) {
        self.counts[id].fetch_add(1, Ordering::Relaxed);
        self.total.fetch_add(1, Ordering::Relaxed);
    }
}

/// A list node that records its drop.
pub struct Node {
    pub next: Option<Gc<Node>>,
    pub id: usize,
    pub log: DropLog,
}

// `DropLog` holds no `Gc`.
stillpoint_gc::trace_leaf!(DropLog);
trace!(Node { next, id, log });

impl Drop for Node {
    fn drop(&mut self) {
        self.log.record(self.id);
    }
}

/// A node without drop logging (for big structures).
pub struct Link {
    pub next: Option<Gc<Link>>,
    pub value: u64,
}
trace!(Link { next, value });

/// The values of a list, from its head.
pub fn list_values(head: Option<Gc<Link>>) -> Vec<u64> {
    let mut out = Vec::new();
    let mut cur = head;
    while let Some(n) = cur {
        out.push(n.value);
        cur = n.next;
    }
    out
}
