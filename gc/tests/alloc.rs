//! Allocation: small objects, every size class, large objects, zero-sized
//! and over-aligned types, and reuse of freed memory.

mod common;

use common::{setup, DropLog, Node};
use stillpoint_gc::{trace_leaf, Gc, HeapConfig, MAX_SMALL, SIZE_CLASSES};

#[test]
fn small_objects_keep_their_values() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let objs: Vec<Gc<u64>> = (0..10_000u64).map(|i| th.alloc(i * 3)).collect();
    for (i, o) in objs.iter().enumerate() {
        assert_eq!(**o, i as u64 * 3);
    }
    let mut addrs: Vec<_> = objs.iter().map(|o| o.into_raw() as usize).collect();
    addrs.sort_unstable();
    addrs.dedup();
    assert_eq!(addrs.len(), objs.len(), "every object has its own cell");
    assert_eq!(
        objs[0].allocation_size(),
        32,
        "16-byte header + 8-byte u64 rounds to 32"
    );
}

/// A byte array of `N` bytes, filled with a pattern.
struct Bytes<const N: usize>([u8; N]);

// SAFETY: plain bytes hold no `Gc`.
unsafe impl<const N: usize> stillpoint_gc::Trace for Bytes<N> {
    fn trace(&self, _tracer: &mut stillpoint_gc::Tracer) {}
}

fn check_size<const N: usize>(th: &stillpoint_gc::ThreadHeap<'_>, expect_cell: usize) {
    let objs: Vec<Gc<Bytes<N>>> = (0..50)
        .map(|i| th.alloc(Bytes([(i as u8).wrapping_mul(7).wrapping_add(N as u8); N])))
        .collect();
    for (i, o) in objs.iter().enumerate() {
        let want = (i as u8).wrapping_mul(7).wrapping_add(N as u8);
        assert!(
            o.0.iter().all(|&b| b == want),
            "size {N}: object {i} corrupted"
        );
        assert_eq!(o.allocation_size(), expect_cell, "size {N}");
        assert_eq!(o.into_raw() as usize % 16, 0, "cells are 16-byte aligned");
    }
}

#[test]
fn every_size_class_is_used_and_keeps_contents() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    // Payload N bytes + 16-byte header: the largest payload of each class.
    macro_rules! classes {
        ($($cell:literal)*) => {$(
            check_size::<{ $cell - 16 }>(&th, $cell);
        )*};
    }
    classes!(32 48 64 80 96 112 128 160 192 224 256 320 384 448 512 640 768 896 1024
        1280 1536 1792 2048);
    // One byte more than a class moves to the next.
    check_size::<{ 32 - 16 + 1 }>(&th, 48);
    check_size::<{ 1024 - 16 + 1 }>(&th, 1280);
    assert_eq!(SIZE_CLASSES.len(), 24);
    assert_eq!(*SIZE_CLASSES.last().unwrap(), MAX_SMALL);
}

#[test]
fn large_objects_are_allocated_and_freed() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let big = th.root(th.alloc(Bytes([0xAB; 100_000])));
    let just_large = th.alloc(Bytes::<{ MAX_SMALL - 16 + 1 }>([1; MAX_SMALL - 16 + 1]));
    assert_eq!(
        just_large.allocation_size(),
        MAX_SMALL + 8,
        "its own layout"
    );
    let v: Gc<Vec<u64>> = th.alloc((0..100_000).collect());
    assert_eq!(heap.stats().large_objects, 2);
    // SAFETY: only `big` is used afterwards, and it is rooted.
    unsafe { th.collect() };
    let stats = heap.stats();
    assert_eq!(stats.large_objects, 1, "the unrooted large object is freed");
    assert_eq!(
        stats.last.objects_freed, 2,
        "plus the small Vec header object"
    );
    assert!(big.0.iter().all(|&b| b == 0xAB));
    let _ = v;
    drop(big);
    // SAFETY: nothing is used afterwards.
    unsafe { th.collect() };
    assert_eq!(heap.stats().large_objects, 0);
}

#[derive(Debug, PartialEq)]
struct Empty;
trace_leaf!(Empty);

#[repr(align(64))]
struct Aligned64(u64);
trace_leaf!(Aligned64);

#[repr(align(32))]
struct Aligned32([u8; 3]);
trace_leaf!(Aligned32);

#[repr(align(16))]
struct Aligned16(u8);
trace_leaf!(Aligned16);

#[test]
fn zero_sized_and_over_aligned_types() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let scope = th.scope();
    let e1 = scope.root(th.alloc(Empty));
    let e2 = scope.root(th.alloc(Empty));
    assert!(
        !Gc::ptr_eq(e1, e2),
        "zero-sized objects are distinct objects"
    );
    assert_eq!(e1.allocation_size(), 16, "just the header");
    let a64: Vec<_> = (0..20)
        .map(|i| scope.root(th.alloc(Aligned64(i))))
        .collect();
    let a32: Vec<_> = (0..20)
        .map(|i| scope.root(th.alloc(Aligned32([i; 3]))))
        .collect();
    let a16: Vec<_> = (0..20)
        .map(|i| scope.root(th.alloc(Aligned16(i))))
        .collect();
    // SAFETY: everything used below is rooted by `scope`.
    unsafe { th.collect() };
    for (i, a) in a64.iter().enumerate() {
        assert_eq!(&a.0 as *const u64 as usize % 64, 0);
        assert_eq!(a.0, i as u64);
    }
    for (i, a) in a32.iter().enumerate() {
        assert_eq!(&a.0 as *const [u8; 3] as usize % 32, 0);
        assert_eq!(a.0, [i as u8; 3]);
    }
    for (i, a) in a16.iter().enumerate() {
        assert_eq!(&a.0 as *const u8 as usize % 16, 0);
        assert_eq!(a.0, i as u8);
        assert_eq!(a.allocation_size(), 32, "align 16 stays small");
    }
    assert_eq!(*e1, Empty);
    assert_eq!(
        heap.stats().large_objects,
        40,
        "align > 16 goes to the large path"
    );
}

#[test]
fn freed_cells_are_reused() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    let log = DropLog::new(200_000);
    for round in 0..10 {
        for i in 0..20_000 {
            th.alloc(Node {
                next: None,
                id: round * 20_000 + i,
                log: log.clone(),
            });
        }
        // SAFETY: nothing allocated is used again.
        unsafe { th.collect() };
    }
    let stats = heap.stats();
    assert_eq!(log.total(), 200_000);
    assert_eq!(stats.objects_freed, 200_000);
    // 20,000 cells of 48 bytes need 15 blocks; reuse keeps the heap there
    // (plus the reserve of empty blocks), not 10 times that.
    assert!(
        stats.heap_size <= 32 * 64 * 1024,
        "heap grew to {} bytes",
        stats.heap_size
    );
}

#[test]
#[should_panic(expected = "must be attached")]
fn allocating_while_detached_panics() {
    let (_w, heap, m) = setup(HeapConfig::default());
    let th = heap.thread(&m);
    m.detach();
    th.alloc(1u32);
}
