//! Mutator threads: registration, attach/detach, and the safepoint poll.
//!
//! Each registered thread owns one atomic state word. Its low two bits are
//! the state, the rest are requests and hand-off flags:
//!
//! | bits | meaning |
//! |---|---|
//! | `DETACHED` / `ATTACHED` / `SUSPENDED` | the state (DESIGN §4) |
//! | `STOP` | a requester asks this attached thread to park |
//! | `QUIESCE` | reclamation asks this thread to report a quiescent state |
//! | `SERVICE` | the thread asked itself to run a service (a collection) at its next poll |
//! | `RESUME_ATTACHED` | on a suspended thread: the resume hands it back attached |
//! | `PARKED_QUIESCENT` | on a suspended thread: it parked outside every executor |
//!
//! The requester's stop and the thread's attach are read-modify-writes of
//! this one word, so they are totally ordered: no Dekker handshake (the
//! classic loom false alarm) and no lost stop. Only the resuming requester
//! moves a thread out of `SUSPENDED`. A thread that wants to attach while
//! suspended sets `RESUME_ATTACHED` and is handed the attached state by the
//! resume itself, so back-to-back pauses cannot starve it.
//!
//! Every change of another thread's word happens under the registry lock;
//! the owner changes its own word lock-free on the fast paths.

use std::cell::Cell;
use std::marker::PhantomData;

use crate::event::{EventKind, Watchable};
use crate::primitive::MutexGuard as MutexGuardOf;
use crate::primitive::{current_thread_id, fence, Arc, AtomicU32, AtomicU64, Ordering, ThreadId};
use crate::solo::is_solo;
use crate::stats::PauseCause;
use crate::world::{fault, Registry, World, WorldInner};

pub(crate) const STATE_MASK: u32 = 0b11;
pub(crate) const DETACHED: u32 = 0;
pub(crate) const ATTACHED: u32 = 1;
pub(crate) const SUSPENDED: u32 = 2;
pub(crate) const STOP: u32 = 1 << 2;
pub(crate) const QUIESCE: u32 = 1 << 3;
pub(crate) const RESUME_ATTACHED: u32 = 1 << 4;
pub(crate) const PARKED_QUIESCENT: u32 = 1 << 5;
pub(crate) const SERVICE: u32 = 1 << 6;
/// Requests that the poll fast path must notice.
const POLL_REQUESTS: u32 = STOP | QUIESCE | SERVICE;
/// Requests that survive every state transition until they are answered.
pub(crate) const STICKY: u32 = QUIESCE | SERVICE;

/// Another thread's way to reach a mutator: made by [`Mutator::remote`],
/// `Send + Sync` and cheap to clone. It outlives the mutator harmlessly: a
/// request to a thread that unregistered goes nowhere.
///
/// ```
/// let world = stillpoint_sync::World::new();
/// let m = world.register();
/// m.attach();
/// let remote = m.remote();
/// std::thread::spawn(move || remote.request_service()).join().unwrap();
/// let mut served = false;
/// m.poll_with(|_| served = true);
/// assert!(served);
/// ```
#[derive(Clone)]
pub struct RemoteMutator {
    world: World,
    shared: Arc<MutatorShared>,
}

impl RemoteMutator {
    /// Asks for the service of the owner's next [`Mutator::poll_with`], as
    /// the owner's own [`Mutator::request_service`] does (an embedder's
    /// interrupt uses it). The request survives pauses, detaching and
    /// re-attaching.
    ///
    /// It sets the flag under the registry lock: the owner's slow paths and
    /// pause requesters rewrite the word with plain stores (load, compute,
    /// store) under that lock, which a lock-free `fetch_or` could slip
    /// between and be lost to; every lock-free write (the owner's fast
    /// paths) is a read-modify-write, which cannot lose it. So this is one
    /// more writer under the lock (invariant 3), and needs no new model.
    pub fn request_service(&self) {
        let _registry = self.world.inner.registry.lock();
        self.shared.state.fetch_or(SERVICE, Ordering::Relaxed);
    }
}

/// What the world knows about one registered thread.
pub(crate) struct MutatorShared {
    pub(crate) state: AtomicU32,
    /// QSBR: the reclamation sequence this thread last saw at a quiescent
    /// point, or 0 while it is offline (detached outside every executor).
    pub(crate) qsbr_seq: AtomicU64,
    pub(crate) thread: ThreadId,
}

impl MutatorShared {
    #[inline]
    pub(crate) fn state(&self) -> u32 {
        self.state.load(Ordering::Relaxed) & STATE_MASK
    }
}

/// A registered mutator thread: the right to run optimized code.
///
/// Created detached by [`World::register`]; unregisters when dropped.
/// Not `Send`: it stands for the thread that registered it.
///
/// ```compile_fail
/// let m = stillpoint_sync::World::new().register();
/// std::thread::spawn(move || drop(m)); // error: `Mutator` is not `Send`
/// ```
pub struct Mutator {
    pub(crate) world: World,
    pub(crate) shared: Arc<MutatorShared>,
    /// How many executors this thread is inside (owner-only).
    pub(crate) depth: Cell<usize>,
    /// Reclamation asked for a quiescent state while `depth > 0`; report it
    /// when the thread leaves its last executor.
    pub(crate) quiesce_pending: Cell<bool>,
    /// Registered beside another mutator of a world with lock elision: the
    /// first attach ends solo mode (`solo.rs`).
    ends_solo: Cell<bool>,
    _not_send: PhantomData<*const ()>,
}

impl World {
    /// Registers the calling thread as a mutator, detached. If a pause is
    /// in progress it starts suspended: its first [`Mutator::attach`] waits
    /// for the resume.
    pub fn register(&self) -> Mutator {
        let inner = &self.inner;
        let mut reg = inner.registry.lock();
        let initial = if reg.pausing { SUSPENDED } else { DETACHED };
        let shared = Arc::new(MutatorShared {
            state: AtomicU32::new(initial),
            qsbr_seq: AtomicU64::new(0),
            thread: current_thread_id(),
        });
        reg.mutators.push(shared.clone());
        let ends_solo = inner.config.lock_elision && reg.mutators.len() > 1 && is_solo();
        drop(reg);
        Mutator {
            world: self.clone(),
            shared,
            depth: Cell::new(0),
            quiesce_pending: Cell::new(false),
            ends_solo: Cell::new(ends_solo),
            _not_send: PhantomData,
        }
    }
}

impl Mutator {
    /// The world this thread is registered with.
    pub fn world(&self) -> &World {
        &self.world
    }

    pub(crate) fn inner(&self) -> &WorldInner {
        &self.world.inner
    }

    /// Whether the thread is attached (may run code and touch the heap).
    #[inline]
    pub fn is_attached(&self) -> bool {
        self.shared.state() == ATTACHED
    }

    /// The safepoint poll: one relaxed load and a well-predicted branch.
    /// Parks here while a pause is pending. A service requested with
    /// [`Mutator::request_service`] is dropped here: safepoints of code that
    /// runs services use [`Mutator::poll_with`].
    #[inline(always)]
    pub fn poll(&self) {
        self.poll_with(|_| ());
    }

    /// The safepoint poll, running `service` if this thread requested it
    /// (with [`Mutator::request_service`]) since its last poll. The fast
    /// path is the same single load and branch as [`Mutator::poll`].
    #[inline(always)]
    pub fn poll_with(&self, service: impl FnOnce(&Mutator)) {
        if self.shared.state.load(Ordering::Relaxed) & POLL_REQUESTS != 0 && self.poll_slow() {
            service(self);
        }
    }

    /// Asks for the service of the next [`Mutator::poll_with`] on this
    /// thread (the heap asks for a collection this way: allocation never
    /// collects). The request survives pauses, detaching and re-attaching.
    pub fn request_service(&self) {
        self.shared.state.fetch_or(SERVICE, Ordering::Relaxed);
    }

    /// A handle through which other threads can ask this thread for a
    /// service at its next poll ([`RemoteMutator::request_service`]).
    pub fn remote(&self) -> RemoteMutator {
        RemoteMutator {
            world: self.world.clone(),
            shared: self.shared.clone(),
        }
    }

    /// Answers every pending request; returns whether a service is due.
    #[cold]
    #[inline(never)]
    fn poll_slow(&self) -> bool {
        let s = self.shared.state.load(Ordering::Acquire);
        if s & STOP != 0 {
            self.park_at_safepoint();
        }
        if self.shared.state.load(Ordering::Relaxed) & QUIESCE != 0 {
            self.quiesce();
        }
        self.shared.state.fetch_and(!SERVICE, Ordering::Relaxed) & SERVICE != 0
    }

    fn park_at_safepoint(&self) {
        let inner = self.inner();
        let mut reg = inner.registry.lock();
        let quiescent = self.depth.get() == 0;
        let s = self.shared.state.load(Ordering::Relaxed);
        debug_assert_eq!(s & (STATE_MASK | STOP), ATTACHED | STOP);
        let mut parked = SUSPENDED | RESUME_ATTACHED | (s & STICKY);
        if quiescent {
            // The resume advances our sequence for us: a thread parked
            // outside every executor holds none across the pause.
            parked = (parked | PARKED_QUIESCENT) & !QUIESCE;
        }
        // Under the registry lock no one else writes our word.
        self.shared.state.store(parked, Ordering::Release);
        count_down(inner, &mut reg);
        wait_while_suspended(inner, &self.shared, &mut reg);
    }

    /// Attaches the thread, waiting if a pause is in progress.
    ///
    /// # Panics
    /// If the thread is already attached.
    pub fn attach(&self) {
        let attached = if self.inner().fault(fault!(AttachWithoutCas)) {
            // Broken on purpose: load, then a plain store.
            if self.shared.state.load(Ordering::Acquire) == DETACHED {
                self.shared.state.store(ATTACHED, Ordering::Release);
                true
            } else {
                false
            }
        } else {
            self.shared
                .state
                .compare_exchange(DETACHED, ATTACHED, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        };
        if !attached {
            self.attach_slow();
        }
        self.go_online();
        if self.ends_solo.get() {
            self.ends_solo.set(false);
            self.end_solo_in_a_pause();
        }
    }

    #[cold]
    fn attach_slow(&self) {
        let inner = self.inner();
        let mut reg = inner.registry.lock();
        loop {
            let s = self.shared.state.load(Ordering::Acquire);
            match s & STATE_MASK {
                DETACHED => {
                    let to = (s & !STATE_MASK) | ATTACHED;
                    if self
                        .shared
                        .state
                        .compare_exchange(s, to, Ordering::Acquire, Ordering::Relaxed)
                        .is_ok()
                    {
                        return;
                    }
                }
                SUSPENDED => {
                    // Ask the resume to hand us the attached state.
                    self.shared
                        .state
                        .store(s | RESUME_ATTACHED, Ordering::Relaxed);
                    wait_while_suspended(inner, &self.shared, &mut reg);
                    return;
                }
                _ => panic!("Mutator::attach: the thread is already attached"),
            }
        }
    }

    /// Detaches the thread: it may block, and pauses no longer wait for it.
    ///
    /// # Panics
    /// If the thread is not attached.
    pub fn detach(&self) {
        let fast = self
            .shared
            .state
            .compare_exchange(ATTACHED, DETACHED, Ordering::Release, Ordering::Relaxed)
            .is_ok();
        if fast {
            if self.depth.get() == 0 {
                self.shared.qsbr_seq.store(0, Ordering::Release);
            }
            return;
        }
        let inner = self.inner();
        let mut reg = inner.registry.lock();
        let s = self.shared.state.load(Ordering::Relaxed);
        assert_eq!(
            s & STATE_MASK,
            ATTACHED,
            "Mutator::detach: the thread is not attached"
        );
        let offline = self.depth.get() == 0;
        let mut to = if s & STOP != 0 {
            // Asked to stop: park ourselves as we leave, and count down.
            count_down(inner, &mut reg);
            SUSPENDED
        } else {
            DETACHED
        };
        // Going offline answers a reclamation request; a service request
        // waits for the poll after re-attaching.
        to |= s & if offline { SERVICE } else { STICKY };
        self.shared.state.store(to, Ordering::Release);
        if offline {
            self.shared.qsbr_seq.store(0, Ordering::Release);
        }
    }

    /// Runs `f` detached (around blocking work), then re-attaches (also if
    /// `f` panics).
    pub fn detached<R>(&self, f: impl FnOnce() -> R) -> R {
        let _reattach = self.detached_scope();
        f()
    }

    /// Detaches now and re-attaches when the returned guard drops.
    pub(crate) fn detached_scope(&self) -> Reattach<'_> {
        self.detach();
        Reattach(self)
    }

    /// Comes back online for reclamation after being offline. Pairs with
    /// the fence in [`crate::reclaim`]'s scan: either the scan sees us
    /// online, or we see every unlink that preceded it.
    fn go_online(&self) {
        let seq = &self.shared.qsbr_seq;
        if seq.load(Ordering::Relaxed) == 0 {
            seq.store(self.inner().reclaimer.current(), Ordering::Relaxed);
            fence(Ordering::SeqCst);
        }
    }

    /// Handles a reclamation request: report a quiescent state now, or when
    /// the thread leaves its last executor.
    fn quiesce(&self) {
        self.shared.state.fetch_and(!QUIESCE, Ordering::Relaxed);
        if self.depth.get() > 0 {
            self.quiesce_pending.set(true);
        } else {
            self.report_quiescent();
        }
    }

    /// Reports that this thread holds no executor, then frees what that
    /// made safe to free.
    pub(crate) fn report_quiescent(&self) {
        self.quiesce_pending.set(false);
        let inner = self.inner();
        self.shared
            .qsbr_seq
            .store(inner.reclaimer.current(), Ordering::Release);
        inner.reclaimer.try_reclaim(inner);
    }

    /// Stops every other mutator, runs `f`, and resumes them. The caller
    /// counts as parked while it waits for another requester.
    pub fn stop_the_world<R>(&self, f: impl FnOnce() -> R) -> R {
        self.stop_the_world_for(PauseCause::Other, f)
    }

    /// [`Mutator::stop_the_world`], recording the pause under `cause`.
    pub fn stop_the_world_for<R>(&self, cause: PauseCause, f: impl FnOnce() -> R) -> R {
        self.inner()
            .pause(Some(self), cause, || true, f)
            .expect("an unconditional pause always runs")
    }

    /// Fires an event from this thread: see [`World::fire`].
    #[inline]
    pub fn fire<R>(
        &self,
        kind: EventKind,
        object: Option<&Watchable>,
        apply: impl FnOnce() -> R,
    ) -> R {
        self.inner().fire(Some(self), kind, object, apply)
    }
}

/// Re-attaches its mutator when dropped.
pub(crate) struct Reattach<'a>(&'a Mutator);

impl Drop for Reattach<'_> {
    fn drop(&mut self) {
        self.0.attach();
    }
}

impl Drop for Mutator {
    fn drop(&mut self) {
        let inner = &self.world.inner;
        let mut reg = inner.registry.lock();
        let s = self.shared.state.load(Ordering::Relaxed);
        if s & STOP != 0 {
            count_down(inner, &mut reg);
        }
        reg.mutators.retain(|m| !Arc::ptr_eq(m, &self.shared));
        self.shared.qsbr_seq.store(0, Ordering::Release);
    }
}

impl std::fmt::Debug for Mutator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mutator")
            .field("attached", &self.is_attached())
            .field("depth", &self.depth.get())
            .finish_non_exhaustive()
    }
}

/// One thread that a pause counted has parked (or left).
fn count_down(inner: &WorldInner, reg: &mut MutexGuardOf<'_, Registry>) {
    reg.countdown -= 1;
    if reg.countdown == 0 {
        inner.stopped.notify_all();
    }
}

/// Waits, releasing the registry lock, until the resume moves this thread
/// out of `SUSPENDED`.
fn wait_while_suspended(
    inner: &WorldInner,
    shared: &MutatorShared,
    reg: &mut MutexGuardOf<'_, Registry>,
) {
    while shared.state.load(Ordering::Acquire) & STATE_MASK == SUSPENDED {
        inner.resumed.wait(reg);
    }
}
