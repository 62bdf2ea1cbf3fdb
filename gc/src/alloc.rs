//! Allocation: size classes, blocks of equal cells, the global block pool,
//! per-thread current blocks, and large objects.
//!
//! Small objects (header included, at most [`MAX_SMALL`] bytes, alignment at
//! most 16) live in 64 KiB blocks carved into cells of one size class. Each
//! thread owns one current block per class and pops cells off its free list
//! without any lock; it goes to the pool (a mutex) only for a new block.
//! Large or over-aligned objects get their own allocation, listed under a
//! lock.
//!
//! Ownership invariant: outside a collection every block is either some
//! thread's current block for its class (only that thread pops from it), or
//! owned by the pool. A collection (all mutators parked) takes every current
//! block back, sweeps all blocks, and hands them out again from the pool.

use std::alloc::Layout;
use std::ptr::{self, NonNull};

use crate::object::{Header, VTable};

/// The size of a block, in bytes.
pub(crate) const BLOCK_SIZE: usize = 64 * 1024;
const BLOCK_ALIGN: usize = 4096;

/// Cell sizes (each a multiple of 16, so every cell is 16-byte aligned).
pub const SIZE_CLASSES: [usize; 24] = [
    16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024,
    1280, 1536, 1792, 2048,
];
/// The largest small object (header included); bigger ones are large.
pub const MAX_SMALL: usize = 2048;
/// The largest alignment a small object may have.
const MAX_SMALL_ALIGN: usize = 16;
/// Empty blocks kept for reuse beyond this many are returned to the system.
const MIN_EMPTY_KEPT: usize = 16;

/// The size class of an object layout, or `None` if it is large.
pub(crate) const fn class_of(layout: Layout) -> Option<usize> {
    if layout.size() > MAX_SMALL || layout.align() > MAX_SMALL_ALIGN {
        return None;
    }
    let mut i = 0;
    while i < SIZE_CLASSES.len() {
        if SIZE_CLASSES[i] >= layout.size() {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The bytes an object of this type occupies.
pub(crate) fn allocation_size(vtable: &VTable) -> usize {
    match vtable.class {
        Some(class) => SIZE_CLASSES[class],
        None => vtable.layout.size(),
    }
}

/// One block of cells of a single size class.
pub(crate) struct Block {
    mem: NonNull<u8>,
    class: usize,
    cell_size: usize,
    cells: usize,
    free: *mut Header,
    free_count: usize,
}

/// What a sweep found.
#[derive(Default, Clone, Copy, Debug)]
pub(crate) struct SweepCounts {
    pub(crate) live_objects: u64,
    pub(crate) live_bytes: u64,
    pub(crate) freed_objects: u64,
    pub(crate) freed_bytes: u64,
}

impl Block {
    /// A new block formatted for `class`, every cell free.
    fn new(class: usize) -> NonNull<Block> {
        let layout = Self::layout();
        // SAFETY: the layout has a non-zero size.
        let mem = unsafe { std::alloc::alloc(layout) };
        let Some(mem) = NonNull::new(mem) else {
            std::alloc::handle_alloc_error(layout)
        };
        let mut block = Block {
            mem,
            class,
            cell_size: 0,
            cells: 0,
            free: ptr::null_mut(),
            free_count: 0,
        };
        block.format(class);
        NonNull::from(Box::leak(Box::new(block)))
    }

    fn layout() -> Layout {
        Layout::from_size_align(BLOCK_SIZE, BLOCK_ALIGN).expect("block layout is valid")
    }

    fn cell(&self, i: usize) -> *mut Header {
        debug_assert!(i < self.cells);
        // SAFETY: `i < cells` and `cells * cell_size <= BLOCK_SIZE`, so the
        // offset stays inside the block's allocation.
        unsafe { self.mem.as_ptr().add(i * self.cell_size).cast() }
    }

    /// Makes every cell a free cell of `class` (the block holds no object).
    fn format(&mut self, class: usize) {
        self.class = class;
        self.cell_size = SIZE_CLASSES[class];
        self.cells = BLOCK_SIZE / self.cell_size;
        let mut next = ptr::null_mut();
        for i in (0..self.cells).rev() {
            let cell = self.cell(i);
            // SAFETY: the cell lies inside the block, is 16-byte aligned
            // (block alignment 4096, cell sizes multiples of 16) and holds
            // no object, so writing a header there overwrites nothing live.
            unsafe { cell.write(Header::free(next)) };
            next = cell;
        }
        self.free = next;
        self.free_count = self.cells;
    }

    /// Pops a free cell, if any.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<NonNull<Header>> {
        let cell = NonNull::new(self.free)?;
        // SAFETY: cells on the free list are free cells of this block with
        // an initialized header, owned by whoever owns the block (us).
        self.free = unsafe { cell.as_ref() }.next_free();
        self.free_count -= 1;
        Some(cell)
    }

    pub(crate) fn cell_size(&self) -> usize {
        self.cell_size
    }

    /// Drops every unmarked object, clears the marks of the others, and
    /// rebuilds the free list.
    ///
    /// # Safety
    /// Only inside a collection after marking (no mutator runs, every live
    /// object is marked); the block must not be any thread's current block.
    unsafe fn sweep(&mut self, counts: &mut SweepCounts) {
        let mut next = ptr::null_mut();
        let mut free = 0;
        // Counted in locals, added once: through `counts`, the counts went
        // to memory and back at every cell (the drop is an opaque call).
        let (mut live, mut freed) = (0u64, 0u64);
        for i in (0..self.cells).rev() {
            let cell = self.cell(i);
            // SAFETY: every cell of a formatted block has a header.
            let header = unsafe { &*cell };
            if let Some(vtable) = header.vtable() {
                if header.is_marked() {
                    header.clear_mark();
                    live += 1;
                    continue;
                }
                // SAFETY: the object is allocated and unmarked: unreachable
                // from every root, so nothing uses it again (the rooting
                // contract); this is its only drop.
                unsafe { (vtable.drop_value)(NonNull::new_unchecked(cell)) };
                freed += 1;
            }
            header.make_free(next);
            next = cell;
            free += 1;
        }
        self.free = next;
        self.free_count = free;
        let cell_size = self.cell_size as u64;
        counts.live_objects += live;
        counts.live_bytes += live * cell_size;
        counts.freed_objects += freed;
        counts.freed_bytes += freed * cell_size;
    }

    /// Drops every object in the block (the heap is going away).
    ///
    /// # Safety
    /// Nothing may use any object of the heap again.
    unsafe fn drop_all(&mut self) {
        for i in 0..self.cells {
            let cell = self.cell(i);
            // SAFETY: every cell of a formatted block has a header.
            let header = unsafe { &*cell };
            if let Some(vtable) = header.vtable() {
                // SAFETY: the object is allocated and, by the contract,
                // never used again: this is its only drop.
                unsafe { (vtable.drop_value)(NonNull::new_unchecked(cell)) };
                header.make_free(ptr::null_mut());
            }
        }
    }

    /// Frees a block's memory and metadata.
    ///
    /// # Safety
    /// `block` came from [`Block::new`], holds no live object, and nothing
    /// refers to it any more.
    unsafe fn destroy(block: NonNull<Block>) {
        // SAFETY: `Block::new` leaked this box; we are its last user.
        let block = unsafe { Box::from_raw(block.as_ptr()) };
        // SAFETY: `mem` was allocated with this layout in `Block::new`.
        unsafe { std::alloc::dealloc(block.mem.as_ptr(), Self::layout()) };
    }
}

/// The global pool of blocks (behind the heap's pool mutex).
#[derive(Default)]
pub(crate) struct BlockPool {
    /// Every formatted block holding (or able to hold) objects: the pool's
    /// own and the threads' current ones. Sweeping walks this list.
    in_use: Vec<NonNull<Block>>,
    /// Blocks with free cells that no thread owns, per class.
    available: [Vec<NonNull<Block>>; SIZE_CLASSES.len()],
    /// Blocks without any object, ready to be formatted for any class.
    empty: Vec<NonNull<Block>>,
}

// SAFETY: the pool owns its blocks (heap memory not tied to a thread); the
// pointers are only used under the pool's mutex or by the collector.
unsafe impl Send for BlockPool {}

impl BlockPool {
    /// A block with free cells of `class` for a thread to own.
    pub(crate) fn take(&mut self, class: usize) -> NonNull<Block> {
        if let Some(block) = self.available[class].pop() {
            return block;
        }
        let block = match self.empty.pop() {
            Some(mut block) => {
                // SAFETY: empty blocks are owned by the pool (we hold its
                // lock) and hold no object.
                unsafe { block.as_mut() }.format(class);
                block
            }
            None => Block::new(class),
        };
        self.in_use.push(block);
        block
    }

    /// Takes back a thread's current block (the thread is going away).
    ///
    /// # Safety
    /// `block` is a block of this pool that the caller owned and stops
    /// using now.
    pub(crate) unsafe fn give_back(&mut self, block: NonNull<Block>) {
        // SAFETY: the caller owned the block and hands it over.
        let b = unsafe { block.as_ref() };
        if b.free_count > 0 {
            self.available[b.class].push(block);
        }
    }

    /// Sweeps every block; then empty blocks go to the empty list (beyond a
    /// reserve, back to the system) and blocks with free cells to their
    /// class's available list.
    ///
    /// # Safety
    /// Only inside a collection after marking, after every thread's current
    /// blocks were taken back (see [`AllocState::reset`]).
    pub(crate) unsafe fn sweep(&mut self, counts: &mut SweepCounts) {
        for list in &mut self.available {
            list.clear();
        }
        let mut kept = Vec::with_capacity(self.in_use.len());
        for mut block in std::mem::take(&mut self.in_use) {
            // SAFETY: the pool owns every block now (precondition), and
            // this is a collection after marking.
            let b = unsafe { block.as_mut() };
            // SAFETY: as above.
            unsafe { b.sweep(counts) };
            if b.free_count == b.cells {
                self.empty.push(block);
            } else {
                if b.free_count > 0 {
                    self.available[b.class].push(block);
                }
                kept.push(block);
            }
        }
        self.in_use = kept;
        // Keep a reserve of empty blocks (a quarter of the blocks in use,
        // at least MIN_EMPTY_KEPT) and give the rest back: a steady live set
        // keeps a steady footprint.
        let reserve = (self.in_use.len() / 4).max(MIN_EMPTY_KEPT);
        while self.empty.len() > reserve {
            let block = self.empty.pop().expect("len > reserve >= 0");
            // SAFETY: an empty block holds no object and is only listed
            // here, which we just removed it from.
            unsafe { Block::destroy(block) };
        }
    }

    /// Bytes of block memory the heap holds.
    pub(crate) fn block_bytes(&self) -> usize {
        (self.in_use.len() + self.empty.len()) * BLOCK_SIZE
    }

    /// Blocks in use and empty blocks held in reserve.
    pub(crate) fn block_counts(&self) -> (usize, usize) {
        (self.in_use.len(), self.empty.len())
    }
}

impl Drop for BlockPool {
    fn drop(&mut self) {
        for mut block in self.in_use.drain(..) {
            // SAFETY: the heap is being dropped: no thread heap, root or
            // handle is left, so nothing uses its objects again.
            unsafe {
                block.as_mut().drop_all();
                Block::destroy(block);
            }
        }
        for block in self.empty.drain(..) {
            // SAFETY: empty blocks hold no object and are listed only here.
            unsafe { Block::destroy(block) };
        }
    }
}

/// Large objects: one system allocation each.
#[derive(Default)]
pub(crate) struct LargeObjects {
    objects: Vec<NonNull<Header>>,
    bytes: usize,
}

// SAFETY: the list owns its allocations; only used under the heap's mutex
// or by the collector.
unsafe impl Send for LargeObjects {}

impl LargeObjects {
    /// Allocates raw memory for a large object of `layout` and lists it.
    /// The caller must write the object at once (before any collection).
    pub(crate) fn alloc(&mut self, layout: Layout) -> NonNull<Header> {
        // SAFETY: every GcBox has a non-zero size (its header).
        let mem = unsafe { std::alloc::alloc(layout) };
        let Some(mem) = NonNull::new(mem.cast::<Header>()) else {
            std::alloc::handle_alloc_error(layout)
        };
        self.objects.push(mem);
        self.bytes += layout.size();
        mem
    }

    /// Frees every unmarked large object and clears the others' marks.
    ///
    /// # Safety
    /// Only inside a collection after marking.
    pub(crate) unsafe fn sweep(&mut self, counts: &mut SweepCounts) {
        let mut bytes = 0;
        self.objects.retain(|&header| {
            // SAFETY: listed objects are allocated and initialized (written
            // right after `alloc`, before any collection could run).
            let h = unsafe { header.as_ref() };
            let vtable = h.vtable().expect("large objects are always allocated");
            let size = vtable.layout.size();
            if h.is_marked() {
                h.clear_mark();
                counts.live_objects += 1;
                counts.live_bytes += size as u64;
                bytes += size;
                true
            } else {
                // SAFETY: unmarked means unreachable; this is its only drop,
                // and its memory was allocated with `vtable.layout`.
                unsafe {
                    (vtable.drop_value)(header);
                    std::alloc::dealloc(header.as_ptr().cast(), vtable.layout);
                }
                counts.freed_objects += 1;
                counts.freed_bytes += size as u64;
                false
            }
        });
        self.bytes = bytes;
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn count(&self) -> usize {
        self.objects.len()
    }
}

impl Drop for LargeObjects {
    fn drop(&mut self) {
        for header in self.objects.drain(..) {
            // SAFETY: the heap is being dropped; nothing uses its objects
            // again. Each was allocated with its vtable's layout.
            unsafe {
                let vtable = header.as_ref().vtable().expect("allocated");
                (vtable.drop_value)(header);
                std::alloc::dealloc(header.as_ptr().cast(), vtable.layout);
            }
        }
    }
}

/// One thread's allocation state: its current block per class and the
/// bytes it allocated that the heap's budget does not know of yet.
pub(crate) struct AllocState {
    pub(crate) current: [Option<NonNull<Block>>; SIZE_CLASSES.len()],
    pub(crate) unreported_bytes: usize,
}

impl AllocState {
    pub(crate) fn new() -> Self {
        AllocState {
            current: [None; SIZE_CLASSES.len()],
            unreported_bytes: 0,
        }
    }

    /// Fast path: a cell of `class` from the current block.
    #[inline]
    pub(crate) fn pop(&mut self, class: usize) -> Option<NonNull<Header>> {
        let mut block = self.current[class]?;
        // SAFETY: the current block is owned by this thread (the alloc
        // module's ownership invariant) and we hold `&mut self`.
        let b = unsafe { block.as_mut() };
        let cell = b.pop()?;
        self.unreported_bytes += b.cell_size();
        Some(cell)
    }

    /// Forgets the current blocks (a collection took them back; they are
    /// all in the pool's `in_use` list) and the unreported bytes.
    pub(crate) fn reset(&mut self) {
        self.current = [None; SIZE_CLASSES.len()];
        self.unreported_bytes = 0;
    }
}
