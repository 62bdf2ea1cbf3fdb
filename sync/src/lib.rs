//! `stillpoint-sync`: the protocol that lets many mutator threads run
//! optimized code while rare events invalidate it.
//!
//! It knows nothing of Python. Its parts:
//!
//! - [`World`]: the shared state, with per-world [`WorldConfig`]
//!   (thresholds).
//! - [`Mutator`]: a registered thread, with attach/detach, the
//!   [`Mutator::poll`] safepoint and [`Mutator::stop_the_world`].
//! - Events ([`EventKind`], [`Threshold`], [`Watchable`]): counted, fired
//!   with [`World::fire`] / [`Mutator::fire`]; global kinds pause the world
//!   below their threshold, local kinds invalidate one object's dependents
//!   without a pause, and at the threshold firing is a relaxed load.
//! - Executors ([`ExecutorSlot`], [`ExecutorRef`], [`Dependency`]):
//!   register-then-check install, validity, invalidation, unlinking.
//! - Reclamation: retired executors are freed by quiescent-state-based
//!   reclamation over the safepoints.
//! - Solo mode ([`is_solo`]): object locks elided while a world with
//!   [`WorldConfig::lock_elision`] has one mutator, ended by a pause when a
//!   second one attaches.
//! - [`Stats`]: pauses (time-to-safepoint and length histograms), events,
//!   executors.
//!
//! ```
//! use stillpoint_sync::{EventKind, ExecutorSlot, Watchable, World};
//!
//! let world = World::new();
//! let class = Watchable::new(EventKind::ClassAttrSet);
//! let slot = ExecutorSlot::new();
//!
//! // The optimizer takes its dependency, then installs.
//! let dep = world.assume_object(&class).expect("below threshold");
//! world.install(&slot, "trace for C.f", &[dep]).unwrap();
//!
//! let m = world.register();
//! m.attach();
//! assert_eq!(slot.enter(&m).as_deref(), Some(&"trace for C.f"));
//!
//! // `C.x = ...`: the executor that relied on C is gone.
//! m.fire(EventKind::ClassAttrSet, Some(&class), || { /* the store */ });
//! assert!(slot.enter(&m).is_none());
//! m.poll(); // a safepoint: the retired executor is freed here
//! assert_eq!(world.stats().executors.live, 0);
//! ```
//!
//! The whole crate compiles under `RUSTFLAGS="--cfg loom"`, where every
//! primitive comes from loom through `primitive`'s shim; the models live
//! in the `stillpoint-loom-tests` crate.

mod event;
mod executor;
mod mutator;
mod primitive;
mod reclaim;
mod solo;
mod stats;
mod stw;
mod world;

pub use event::{EventKind, Scope, Threshold, Thresholds, Watchable};
pub use executor::{Dependency, ExecutorId, ExecutorRef, ExecutorSlot, InstallError, Validity};
pub use mutator::{Mutator, RemoteMutator};
pub use solo::{end_solo, is_solo};
pub use stats::{EventStats, ExecutorStats, PauseCause, PauseStats, Percentiles, Stats};
#[cfg(loom)]
pub use world::Fault;
pub use world::{World, WorldConfig};
