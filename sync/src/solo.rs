//! Solo mode: object locks that cost nothing while one thread runs.
//!
//! A world made with [`WorldConfig::lock_elision`] promises that its heap's
//! object locks ask [`is_solo`] first and take nothing while it says yes.
//! That is sound while each such world has had at most one registered
//! mutator: no other thread can reach its objects. Thread creation is a
//! rare event like the others the runtime assumes away (DESIGN §2), and
//! handled the same way: the first attach of a second mutator of such a
//! world stops the world and ends solo mode inside the pause, before the
//! new thread touches the heap. Every other mutator is then parked at a
//! safepoint, where it holds no object lock (the lock rule), and after the
//! resume every thread takes its locks. Solo mode never comes back: a
//! thread leaving does not make the program single-threaded for good.
//!
//! The flag is the process's, not the world's: a lock cannot know its
//! world. A thread of another world that is inside an elided critical
//! section when the flag flips touches only its own world's objects, which
//! no other thread can reach; an elided lock leaves the lock word as it
//! found it, so its unlock must release only a word it took (the runtime's
//! `ObjectRawLock::unlock`).
//!
//! The loom model (k) checks the hand-over: a solo mutator's elided
//! critical sections and a newcomer's locked ones never overlap.

use crate::mutator::Mutator;
use crate::primitive::{shared_objects_flag, Ordering};
use crate::stats::PauseCause;

/// Whether object locks may be elided: no world made with
/// [`WorldConfig::lock_elision`](crate::WorldConfig::lock_elision) has had
/// two mutators registered at once. A relaxed load: the only store
/// happens in a pause, whose resume orders it before everything the
/// resumed threads do.
#[inline]
pub fn is_solo() -> bool {
    !shared_objects_flag().load(Ordering::Relaxed)
}

/// Ends solo mode for the process now. For threads that share objects
/// without being mutators of one world (the runtime's own unit tests of
/// its locks); a world with lock elision ends it itself, in a pause.
pub fn end_solo() {
    shared_objects_flag().store(true, Ordering::Relaxed);
}

impl Mutator {
    /// Ends solo mode from a newly attached second mutator: stops every
    /// other mutator (each parks at a safepoint, outside every critical
    /// section), flips the flag, and resumes them.
    #[cold]
    pub(crate) fn end_solo_in_a_pause(&self) {
        if self
            .inner()
            .fault(crate::world::fault!(EndSoloWithoutPause))
        {
            end_solo();
            return;
        }
        self.inner()
            .pause(Some(self), PauseCause::SoloEnd, is_solo, end_solo);
    }
}
