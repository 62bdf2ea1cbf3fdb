//! Collection: mark from every root, clear weak references, sweep.
//!
//! Runs as the action of a `stillpoint-sync` pause, so every mutator is
//! parked at a safepoint or detached. Parking and resuming go through the
//! world's registry lock (release on one side, acquire on the other), so
//! everything a mutator wrote before parking happens-before the collector's
//! reads, and the collector's writes happen-before the mutator's next step.

use std::sync::atomic::Ordering;
use std::time::Instant;

use crate::alloc::SweepCounts;
use crate::heap::{lock, HeapInner};
use crate::stats::CollectionStats;
use crate::trace::Tracer;
use crate::weak::process_weaks;

/// Aborts the process if a collection unwinds: a half-marked or half-swept
/// heap cannot be resumed from.
struct AbortOnUnwind;

impl Drop for AbortOnUnwind {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("stillpoint-gc: panic during a collection (in a Trace impl, root source or destructor); aborting");
            std::process::abort();
        }
    }
}

impl HeapInner {
    /// The collection itself.
    ///
    /// # Safety
    /// Only as a pause action of this heap's world (every mutator parked or
    /// detached), with the rooting contract upheld by every mutator.
    pub(crate) unsafe fn collect_in_pause(&self, only_if_requested: bool) {
        let _abort = AbortOnUnwind;
        if only_if_requested && !self.requested.load(Ordering::Relaxed) {
            lock(&self.totals).skipped += 1;
            return;
        }
        let start = Instant::now();
        // The threads lock is held for the whole collection: a thread heap
        // dropped on a detached thread waits (it touches its alloc state).
        let threads = lock(&self.threads);
        let mut pool = lock(&self.pool);
        for thread in threads.iter() {
            // SAFETY: we are inside a pause and hold the threads lock: the
            // owner is parked or detached (and detached threads never touch
            // their alloc state: allocation asserts attachment, and dropping
            // takes the threads lock).
            unsafe { thread.alloc_state() }.reset();
        }

        let mut tracer = Tracer::new();
        for thread in threads.iter() {
            lock(&thread.roots).trace(&mut tracer);
        }
        lock(&self.globals).trace(&mut tracer);
        lock(&self.handles).trace(&mut tracer);
        tracer.drain();
        let marked = tracer.marked() as u64;
        drop(tracer);

        // SAFETY: inside the pause, after marking, before sweeping.
        let weaks_cleared = unsafe { process_weaks(&mut lock(&self.weaks)) };
        let marked_at = Instant::now();

        // Destructors run below: no root or weak lock is held, so they may
        // drop handles and weak references.
        let mut counts = SweepCounts::default();
        let mut large = lock(&self.large);
        // SAFETY: inside the pause, after marking; every thread's current
        // blocks were taken back above.
        unsafe {
            pool.sweep(&mut counts);
            large.sweep(&mut counts);
        }
        let heap_size = (pool.block_bytes() + large.bytes()) as u64;
        let thread_count = threads.len().max(1);
        drop(large);
        drop(pool);
        drop(threads);
        let end = Instant::now();

        let live = counts.live_bytes as usize;
        let mut budget = self
            .config
            .initial_budget
            .saturating_mul(thread_count)
            .max((live as f64 * self.config.growth_factor) as usize);
        // Below a heap limit, collect again before growing past it; above
        // it, the usual growth (the runtime raises MemoryError meanwhile,
        // and collecting at every safepoint would not free anything).
        if let Some(limit) = self.config.limit {
            if live <= limit {
                budget = budget.min(limit);
            }
        }
        self.live_bytes.store(live, Ordering::Relaxed);
        self.allocated_since.store(0, Ordering::Relaxed);
        self.budget.store(budget, Ordering::Relaxed);
        self.requested.store(false, Ordering::Relaxed);
        // Still inside the pause: no thread reuses a freed cell before it
        // can see the new epoch.
        self.epoch.fetch_add(1, Ordering::Relaxed);

        let mut totals = lock(&self.totals);
        totals.collections += 1;
        totals.objects_freed += counts.freed_objects;
        totals.bytes_freed += counts.freed_bytes;
        totals.last = CollectionStats {
            bytes_before: counts.live_bytes + counts.freed_bytes,
            bytes_after: counts.live_bytes,
            objects_before: counts.live_objects + counts.freed_objects,
            objects_freed: counts.freed_objects,
            objects_marked: marked,
            weaks_cleared,
            heap_size_after: heap_size,
            mark_ns: nanos(marked_at - start),
            sweep_ns: nanos(end - marked_at),
        };
    }
}

fn nanos(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}
