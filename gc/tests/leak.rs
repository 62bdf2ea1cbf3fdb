//! The leak test: a steady-state loop (a fixed-size live set whose members
//! are replaced all the time) keeps its live heap and resident size
//! bounded. Alone in its binary, so no other test moves the resident size.

mod common;

use std::collections::VecDeque;

use common::{small, Link};
use stillpoint_gc::{Gc, HeapConfig, Root};

/// Resident set size in bytes, from `/proc/self/statm` (in pages).
fn rss_bytes(page_size: u64) -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size)
}

/// The page size, from the kernel's `KernelPageSize` of our mappings
/// (4 KiB if unreadable).
fn page_size() -> u64 {
    std::fs::read_to_string("/proc/self/smaps")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("KernelPageSize:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(4096, |kb| kb * 1024)
}

#[test]
fn steady_state_keeps_live_heap_and_resident_size_bounded() {
    let (rounds, warmup) = if small() { (700, 100) } else { (4000, 1000) };
    let list_len = 200u64;
    let kept_lists = 50;
    let (_w, heap, m) = setup();
    let th = heap.thread(&m);
    let mut kept: VecDeque<Root<Link>> = VecDeque::new();
    let mut live_after: Vec<u64> = Vec::new();
    let mut rss_at_warmup = None;
    let mut max_rss = 0;
    let mut last_collections = 0;
    let page = page_size();
    for round in 0..rounds {
        let mut head: Option<Gc<Link>> = None;
        for value in 0..list_len {
            head = Some(th.alloc(Link { next: head, value }));
        }
        // A short-lived Vec in the heap, with its own system buffer.
        th.alloc(vec![round as u64; 64]);
        kept.push_back(th.root(head.unwrap()));
        if kept.len() > kept_lists {
            kept.pop_front();
        }
        // SAFETY: everything used later is rooted.
        unsafe { th.safepoint() };
        let s = heap.stats();
        if s.collections != last_collections {
            last_collections = s.collections;
            if round >= warmup {
                live_after.push(s.last.bytes_after);
            }
        }
        if round == warmup {
            rss_at_warmup = rss_bytes(page);
        }
        if round > warmup {
            max_rss = max_rss.max(rss_bytes(page).unwrap_or(0));
        }
    }
    // Kept contents intact.
    for r in &kept {
        assert_eq!(common::list_values(Some(r.get())).len() as u64, list_len);
    }
    let s = heap.stats();
    assert!(
        live_after.len() >= 10,
        "only {} collections after warm-up",
        live_after.len()
    );
    // The live set: 50 (+1 being built) lists of 200 32-byte cells, plus
    // at most a round's garbage Vec header.
    let bound = (kept_lists as u64 + 1) * list_len * 32 + 4096;
    let max_live = *live_after.iter().max().unwrap();
    assert!(
        max_live <= bound,
        "live bytes after a collection reached {max_live} (bound {bound})"
    );
    // The heap's own memory stays under the budget-driven size.
    assert!(s.heap_size <= 16 << 20, "heap size {}", s.heap_size);
    if let (Some(start), false) = (rss_at_warmup, small()) {
        let growth = max_rss.saturating_sub(start);
        eprintln!("RSS at warm-up {start} B, max after {max_rss} B, growth {growth} B; heap {} B; {} collections", s.heap_size, s.collections);
        assert!(
            growth <= 16 << 20,
            "resident size grew by {growth} bytes after warm-up"
        );
    }
}

fn setup() -> (
    stillpoint_sync::World,
    stillpoint_gc::Heap,
    stillpoint_sync::Mutator,
) {
    common::setup(HeapConfig::default().initial_budget(256 << 10))
}
