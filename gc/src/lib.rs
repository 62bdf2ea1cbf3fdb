//! `stillpoint-gc`: the Stillpoint heap (DESIGN §5).
//!
//! A non-moving mark–sweep collector whose collections run with the world
//! stopped through `stillpoint-sync`.
//!
//! - [`Heap`]: one per world; [`Heap::thread`] gives each mutator thread a
//!   [`ThreadHeap`], which allocates ([`ThreadHeap::alloc`]) from its own
//!   blocks of size-classed cells without a lock; large objects get their
//!   own allocation.
//! - [`Gc<T>`]: a `Copy`, one-word, unrooted pointer to an object.
//!   [`Trace`] tells the collector where an object's pointers are;
//!   [`trace!`] implements it for a struct in one line, [`trace_leaf!`] for
//!   types without pointers.
//! - Allocation never collects. Past the budget (a growth factor of the
//!   live heap, [`HeapConfig`]) it requests a collection with
//!   [`Mutator::request_service`](stillpoint_sync::Mutator::request_service);
//!   the collection runs at the thread's next servicing safepoint,
//!   `m.poll_with(|m| unsafe { heap.service(m) })` (or
//!   [`ThreadHeap::safepoint`]), as the action of a
//!   [`PauseCause::Collection`](stillpoint_sync::PauseCause) pause.
//! - Roots: each thread's [`RootSource`] and [`HandleScope`]s, global root
//!   sources ([`Heap::add_global_root`]) and [`Root<T>`] handles.
//! - [`Weak<T>`] references, cleared by the collector before it frees their
//!   target.
//! - [`HeapStats`]: collections, bytes before and after, objects freed,
//!   heap size, and the collection pauses' percentiles.
//! - GC-stress mode ([`Heap::set_gc_stress`]): every safepoint after an
//!   allocation collects.
//!
//! # The rooting contract
//!
//! `Gc<T>` is `Copy` and unrooted, and dereferencing it is safe. The
//! unsafety is concentrated where objects die: [`Heap::collect`],
//! [`Heap::service`], [`ThreadHeap::safepoint`] and friends are `unsafe fn`s
//! whose callers promise that
//!
//! > every mutator of the world keeps each `Gc` it will use again reachable
//! > from a root — its thread's root source, a handle scope, a [`Root`]
//! > handle, a global root, or another reachable object — at each of its
//! > safepoints (polls and detaches): the collector may run at any of them.
//!
//! This is DESIGN §5's rule: native code that holds values across anything
//! that can reach a safepoint roots them. A detached thread counts as being
//! at a safepoint for as long as it stays detached, so it must not use
//! unrooted `Gc`s or store new pointers into objects meanwhile.
//!
//! Further rules:
//! - When the last [`Heap`] handle (and every [`Root`], which holds the
//!   heap) is dropped, the objects are leaked, since a `Gc` may outlive
//!   them; [`Heap::free_objects_on_drop`] (an `unsafe fn`: no `Gc` is used
//!   afterwards) makes that drop free them instead.
//! - [`Trace`] impls, root sources and the destructors of heap values run
//!   inside the pause: they must not dereference other `Gc`s (in a
//!   destructor they may already be freed), allocate in the heap, block,
//!   or take locks mutators may hold at a safepoint. A panic there aborts.
//! - Only attached threads allocate ([`ThreadHeap::alloc`] panics
//!   otherwise); a [`ThreadHeap`] must be created for a mutator of the
//!   heap's own world.
//!
//! - One heap per world: `Gc`s, [`Root`]s and [`Weak`]s of one heap must
//!   never be handed to another heap (its collector would mark and free
//!   objects it does not own).
//!
//! # Testing
//!
//! `cargo test -p stillpoint-gc`. Every test binary under valgrind's
//! memcheck, with smaller sizes (`STILLPOINT_GC_SMALL=1`):
//! `./scripts/memcheck.sh` (part of `./scripts/test.sh`). Its one
//! suppression (`gc/valgrind.supp`) is a 48-byte "possibly lost" block of
//! libtest's own main-thread handle.
//!
//! ```
//! use stillpoint_gc::{trace, Gc, Heap, HeapConfig};
//! use stillpoint_sync::World;
//!
//! struct Node {
//!     next: Option<Gc<Node>>,
//!     value: u64,
//! }
//! trace!(Node { next, value });
//!
//! let world = World::new();
//! let heap = Heap::new(&world, HeapConfig::default());
//! let m = world.register();
//! m.attach();
//! let th = heap.thread(&m);
//!
//! let a = th.alloc(Node { next: None, value: 1 });
//! let b = th.root(th.alloc(Node { next: Some(a), value: 2 }));
//! th.alloc(Node { next: None, value: 3 }); // garbage
//!
//! // SAFETY: everything used below is reachable from the handle `b`.
//! unsafe { th.collect() };
//! assert_eq!(b.next.unwrap().value, 1);
//! assert_eq!(heap.stats().last.objects_freed, 1);
//! ```

mod alloc;
mod collect;
mod heap;
mod object;
mod roots;
mod stats;
mod trace;
mod weak;

pub use alloc::{MAX_SMALL, SIZE_CLASSES};
pub use heap::{Heap, HeapConfig, ThreadHeap};
pub use object::Gc;
pub use roots::{GlobalRootId, HandleScope, Root, RootSource};
pub use stats::{CollectionStats, HeapStats};
pub use trace::{Trace, Tracer};
pub use weak::Weak;
