//! Heap statistics.

use stillpoint_sync::PauseStats;

/// Figures of one collection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CollectionStats {
    /// Bytes of objects before the collection (live and dead).
    pub bytes_before: u64,
    /// Bytes of objects that survived.
    pub bytes_after: u64,
    /// Objects before the collection.
    pub objects_before: u64,
    /// Objects freed.
    pub objects_freed: u64,
    /// Objects marked reachable.
    pub objects_marked: u64,
    /// Weak references cleared.
    pub weaks_cleared: u64,
    /// Heap size (block and large-object memory) after the collection.
    pub heap_size_after: u64,
    /// Time spent marking, ns.
    pub mark_ns: u64,
    /// Time spent sweeping, ns.
    pub sweep_ns: u64,
}

/// A snapshot of the heap's statistics ([`crate::Heap::stats`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeapStats {
    /// Collections run.
    pub collections: u64,
    /// Requested collections that found another thread had already
    /// collected (their pause did nothing).
    pub collections_skipped: u64,
    /// Objects freed by all collections.
    pub objects_freed: u64,
    /// Bytes freed by all collections.
    pub bytes_freed: u64,
    /// The last collection's figures (zero before the first).
    pub last: CollectionStats,
    /// Memory the heap holds now: blocks (in use and in reserve) and large
    /// objects, in bytes.
    pub heap_size: u64,
    /// Blocks holding objects, and empty blocks kept for reuse.
    pub blocks_in_use: u64,
    /// Empty blocks kept for reuse.
    pub blocks_empty: u64,
    /// Large objects.
    pub large_objects: u64,
    /// Live bytes after the last collection.
    pub live_bytes: u64,
    /// Bytes allocated since the last collection that the budget knows of
    /// (threads report theirs when they take a new block).
    pub allocated_since_collection: u64,
    /// The heap size that triggers the next collection request.
    pub budget: u64,
    /// Rooted handles alive.
    pub handles: u64,
    /// Collection pauses (count, time to safepoint, length; ns), as
    /// `stillpoint-sync` recorded them.
    pub pauses: PauseStats,
}

/// The collector's running totals (behind the heap's stats mutex).
#[derive(Default)]
pub(crate) struct Totals {
    pub(crate) collections: u64,
    pub(crate) skipped: u64,
    pub(crate) objects_freed: u64,
    pub(crate) bytes_freed: u64,
    pub(crate) last: CollectionStats,
}
