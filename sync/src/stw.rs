//! Stop-the-world pauses (DESIGN §4).
//!
//! A pause: take the requester lock (a mutator requester detaches first, so
//! it counts as parked while it waits), then under the registry lock park
//! every detached thread (`DETACHED → SUSPENDED`) and flag every attached
//! one (`ATTACHED → ATTACHED|STOP`), counting the flagged ones; wait until
//! the countdown reaches zero (each flagged thread counts down when it
//! parks at a safepoint, detaches or exits); run the action; move every
//! suspended thread back out and wake them. Threads that register while
//! `pausing` is set start suspended.

use std::time::Instant;

use crate::mutator::{
    Mutator, MutatorShared, ATTACHED, DETACHED, PARKED_QUIESCENT, RESUME_ATTACHED, STATE_MASK,
    STICKY, STOP, SUSPENDED,
};
use crate::primitive::{current_thread_id, Arc, Ordering};
use crate::stats::PauseCause;
use crate::world::{World, WorldInner};

impl World {
    /// Stops every mutator, runs `f`, and resumes them; returns only then.
    ///
    /// For threads that are not registered mutators (host threads). A
    /// mutator must call [`Mutator::stop_the_world`] instead, which counts
    /// it as parked while it waits.
    ///
    /// # Panics
    /// If the calling thread is an attached mutator of this world (the
    /// pause would wait for the caller forever).
    pub fn stop_the_world<R>(&self, f: impl FnOnce() -> R) -> R {
        self.stop_the_world_for(PauseCause::Other, f)
    }

    /// [`World::stop_the_world`], recording the pause under `cause`.
    pub fn stop_the_world_for<R>(&self, cause: PauseCause, f: impl FnOnce() -> R) -> R {
        self.inner
            .pause(None, cause, || true, f)
            .expect("an unconditional pause always runs")
    }
}

impl WorldInner {
    /// Runs `action` with every mutator but `me` parked, if `precheck`
    /// (evaluated under the requester lock, before stopping anyone) says
    /// the pause is still needed; `None` if it did not.
    ///
    /// Retired executors are freed after the resume, never inside the pause.
    pub(crate) fn pause<R>(
        &self,
        me: Option<&Mutator>,
        cause: PauseCause,
        precheck: impl FnOnce() -> bool,
        action: impl FnOnce() -> R,
    ) -> Option<R> {
        let was_attached = match me {
            Some(m) => m.is_attached(),
            None => {
                self.assert_not_attached_here();
                false
            }
        };
        let me_shared = me.map(|m| &m.shared);
        // A mutator requester counts as parked while it waits for the lock.
        let reattach =
            was_attached.then(|| me.expect("attached implies a mutator").detached_scope());
        let result = {
            let _requester = self.requester.lock();
            if precheck() {
                let start = Instant::now();
                self.stop_others(me_shared);
                let stopped = Instant::now();
                // Resumes even if the action panics: a panic must not leave
                // the world stopped.
                let resume = ResumeOnDrop {
                    inner: self,
                    me: me_shared,
                };
                let result = action();
                drop(resume);
                let end = Instant::now();
                self.pause_log
                    .lock()
                    .record(cause, stopped - start, end - start);
                Some(result)
            } else {
                None
            }
        };
        drop(reattach);
        self.reclaimer.try_reclaim(self);
        result
    }

    fn assert_not_attached_here(&self) {
        let me = current_thread_id();
        let reg = self.registry.lock();
        let attached_here = reg
            .mutators
            .iter()
            .any(|m| m.thread == me && m.state() == ATTACHED);
        drop(reg);
        assert!(
            !attached_here,
            "World::stop_the_world called on an attached mutator thread: \
             use Mutator::stop_the_world (or Mutator::fire), which detaches the caller"
        );
    }

    fn stop_others(&self, me: Option<&Arc<MutatorShared>>) {
        let mut reg = self.registry.lock();
        debug_assert!(!reg.pausing && reg.countdown == 0);
        reg.pausing = true;
        let mut countdown = 0;
        for m in reg.mutators.iter() {
            if me.is_some_and(|me| Arc::ptr_eq(me, m)) {
                continue;
            }
            loop {
                let s = m.state.load(Ordering::Acquire);
                let to = match s & STATE_MASK {
                    DETACHED => (s & !STATE_MASK) | SUSPENDED,
                    ATTACHED => s | STOP,
                    _ => unreachable!("a thread is suspended outside a pause"),
                };
                if m.state
                    .compare_exchange(s, to, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
                {
                    if to & STOP != 0 {
                        countdown += 1;
                    }
                    break;
                }
            }
        }
        reg.countdown = countdown;
        while reg.countdown > 0 {
            self.stopped.wait(&mut reg);
        }
    }

    fn resume_others(&self, me: Option<&Arc<MutatorShared>>) {
        let mut reg = self.registry.lock();
        let seq = self.reclaimer.current();
        for m in reg.mutators.iter() {
            if me.is_some_and(|me| Arc::ptr_eq(me, m)) {
                continue;
            }
            let s = m.state.load(Ordering::Relaxed);
            debug_assert_eq!(s & STOP, 0, "a stop flag outlived its pause");
            if s & STATE_MASK != SUSPENDED {
                continue;
            }
            if s & PARKED_QUIESCENT != 0 {
                // Parked outside every executor: it holds nothing retired
                // during the pause.
                m.qsbr_seq.store(seq, Ordering::Release);
            }
            let state = if s & RESUME_ATTACHED != 0 {
                ATTACHED
            } else {
                DETACHED
            };
            // Only the resume moves a thread out of SUSPENDED, and every
            // other writer of a suspended thread's word holds the lock.
            m.state.store(state | (s & STICKY), Ordering::Release);
        }
        reg.pausing = false;
        drop(reg);
        self.resumed.notify_all();
    }
}

/// Resumes the world when dropped (also while unwinding from a panicking
/// pause action).
struct ResumeOnDrop<'a> {
    inner: &'a WorldInner,
    me: Option<&'a Arc<MutatorShared>>,
}

impl Drop for ResumeOnDrop<'_> {
    fn drop(&mut self) {
        self.inner.resume_others(self.me);
    }
}
