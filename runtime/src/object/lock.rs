//! The lock inside every mutable builtin object (lists, dicts, sets,
//! instance dicts, iterators): the per-object lock that makes each
//! container operation atomic (DESIGN §3, contract 6).
//!
//! Critical sections are a handful of loads and stores, and the lock rule
//! (invariant 15) keeps safepoints and Python code out of them, so waiting
//! is rare and short. The lock is a word taken with one compare-exchange and
//! released with a plain release store; a waiter spins briefly, then
//! yields its core. A general-purpose lock (parking_lot's) must release with
//! a read-modify-write to find parked waiters, which doubled the atomic
//! operations of every list read (`ARCHITECTURE.md`, decisions).
//!
//! The word is also a *sequence* (a seqlock's): it is odd while the lock is
//! held and every release moves it on, so a reader that finds it even and
//! unchanged around its reads saw no writer ([`read_optimistically`]). Such
//! a reader writes nothing, so it costs no read-modify-write: an instance
//! attribute read under the lock spent most of its time waiting for the
//! compare-exchange to drain the store buffer (ARCHITECTURE.md, decisions).
//! Only data kept in atomics may be read that way (the dict's entries are).
//!
//! While the process is in solo mode (`stillpoint_sync::is_solo`: no
//! runtime has had two mutator threads at once) a lock takes nothing and
//! an optimistic read checks nothing: no other thread can reach the
//! object. The second thread's first attach ends solo mode in a pause,
//! where no critical section is open (invariant 15), so from then on every
//! lock is taken. An elided lock leaves the word as it found it, even, and
//! `unlock` releases only an odd word, so a critical section that began
//! elided and ends after the flip (another runtime's thread: the flag is
//! the process's) ends without touching the word.

use std::sync::atomic::{fence, AtomicU32, Ordering};

use stillpoint_sync::is_solo;

/// The raw lock (see the module docs): the sequence, odd while held.
pub struct ObjectRawLock(AtomicU32);

/// Spins before the first yield.
const SPINS: u32 = 64;

#[inline]
fn is_held(seq: u32) -> bool {
    seq & 1 == 1
}

impl ObjectRawLock {
    /// Takes the lock from the even sequence `seq`; false if another
    /// thread changed it first.
    #[inline]
    fn try_take(&self, seq: u32) -> bool {
        let taken = self
            .0
            .compare_exchange_weak(seq, seq | 1, Ordering::Acquire, Ordering::Relaxed)
            .is_ok();
        // Orders the odd sequence before every write of the critical
        // section: a reader that sees one of those writes then sees the
        // sequence odd or moved on (`read_optimistically`'s acquire fence).
        // A compiler barrier on x86.
        fence(Ordering::Release);
        taken
    }

    #[cold]
    fn lock_contended(&self) {
        let mut spins = 0u32;
        loop {
            // Test, then test-and-set: wait on a shared cache line.
            let mut seq = self.0.load(Ordering::Relaxed);
            while is_held(seq) {
                if spins < SPINS {
                    spins += 1;
                    std::hint::spin_loop();
                } else {
                    std::thread::yield_now();
                }
                seq = self.0.load(Ordering::Relaxed);
            }
            if self.try_take(seq) {
                return;
            }
        }
    }
}

// SAFETY: the word goes from even to odd only by a successful acquire
// compare-exchange, so at most one holder exists at a time, and `unlock`
// (called only by the holder, per the trait's contract) makes it even with
// a release store, which orders the critical section before the next
// acquirer's. In solo mode exactly one thread can reach the object, and it
// never locks an object it holds (with the word taken that would deadlock
// it), so an elided lock has no other holder either; the pause that ends
// solo mode finds no critical section open (invariant 15) and orders every
// elided one before the locks taken after it.
unsafe impl lock_api::RawMutex for ObjectRawLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: ObjectRawLock = ObjectRawLock(AtomicU32::new(0));

    type GuardMarker = lock_api::GuardSend;

    #[inline]
    fn lock(&self) {
        if is_solo() {
            return;
        }
        let seq = self.0.load(Ordering::Relaxed);
        if is_held(seq) || !self.try_take(seq) {
            self.lock_contended();
        }
    }

    #[inline]
    fn try_lock(&self) -> bool {
        if is_solo() {
            return true;
        }
        let seq = self.0.load(Ordering::Relaxed);
        !is_held(seq) && self.try_take(seq)
    }

    #[inline]
    unsafe fn unlock(&self) {
        // Only the holder writes the word while it is odd; an even word
        // was never taken (an elided lock, module docs).
        let seq = self.0.load(Ordering::Relaxed);
        if is_held(seq) {
            self.0.store(seq.wrapping_add(1), Ordering::Release);
        }
    }

    #[inline]
    fn is_locked(&self) -> bool {
        is_held(self.0.load(Ordering::Relaxed))
    }
}

/// A mutex over an object's mutable state.
pub type Mutex<T> = lock_api::Mutex<ObjectRawLock, T>;

/// Runs `read` on the protected data without taking the lock, and keeps
/// its answer only if no writer held the lock meanwhile: `None` when one
/// did (or `read` gave up), and the caller takes the lock instead.
///
/// `read` gets a raw pointer: it may only load atomics reachable from the
/// data, and must stay memory-safe whatever it finds there (a writer may
/// be halfway through its change). The sequence wraps after 2^31 critical
/// sections, which a reader's few loads cannot span.
#[inline]
pub fn read_optimistically<T, R>(
    mutex: &Mutex<T>,
    read: impl FnOnce(*const T) -> Option<R>,
) -> Option<R> {
    if is_solo() {
        // No writer can come between: only this thread reaches the object.
        return read(mutex.data_ptr());
    }
    // SAFETY: `raw` is unsafe only because locking the raw lock directly
    // could break the guard's bookkeeping; we only load its word.
    let word = &unsafe { mutex.raw() }.0;
    let before = word.load(Ordering::Acquire);
    if is_held(before) {
        return None;
    }
    let found = read(mutex.data_ptr())?;
    // Orders `read`'s loads before the second load of the sequence: if
    // they saw a writer's store, this load sees that writer's odd word or
    // later (the writer's release fence in `try_take`).
    fence(Ordering::Acquire);
    (word.load(Ordering::Relaxed) == before).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;
    use std::sync::Arc;

    #[test]
    fn threads_never_lose_an_increment() {
        // Locks taken for real: solo mode would elide them.
        stillpoint_sync::end_solo();
        let counter = Arc::new(Mutex::new(0u64));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let c = counter.clone();
                std::thread::spawn(move || {
                    for _ in 0..100_000 {
                        *c.lock() += 1;
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*counter.lock(), 400_000);
    }

    fn load(p: *const AtomicU64) -> Option<u64> {
        // SAFETY: the mutex outlives every read in these tests.
        Some(unsafe { &*p }.load(Ordering::Relaxed))
    }

    #[test]
    fn an_optimistic_read_counts_only_if_no_writer_came_between() {
        // Locks taken for real: solo mode would elide them.
        stillpoint_sync::end_solo();
        let m = Mutex::new(AtomicU64::new(5));
        assert_eq!(read_optimistically(&m, load), Some(5));
        let held = m.lock();
        assert_eq!(read_optimistically(&m, load), None, "the lock is held");
        drop(held);
        let interrupted = read_optimistically(&m, |p| {
            let v = load(p);
            m.lock().store(6, Ordering::Relaxed);
            v
        });
        assert_eq!(interrupted, None, "a writer came and went");
        assert_eq!(read_optimistically(&m, load), Some(6));
    }

    #[test]
    fn optimistic_readers_never_see_half_a_write() {
        // Locks taken for real: solo mode would elide them.
        stillpoint_sync::end_solo();
        // The writer stores the two words one after the other; a reader
        // that kept a mix of two writes would see them differ.
        let pair = Arc::new(Mutex::new([AtomicU64::new(0), AtomicU64::new(0)]));
        let done = Arc::new(AtomicU64::new(0));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (pair, done) = (pair.clone(), done.clone());
                std::thread::spawn(move || {
                    let mut kept = 0u64;
                    while done.load(Ordering::Relaxed) == 0 || kept == 0 {
                        let read = read_optimistically(&pair, |p| {
                            let words = p.cast::<AtomicU64>();
                            // SAFETY: the array's two words, loaded atomically.
                            Some(unsafe { (load(words)?, load(words.add(1))?) })
                        });
                        if let Some((a, b)) = read {
                            assert_eq!(a, b, "a torn read was kept");
                            kept += 1;
                        }
                    }
                    kept
                })
            })
            .collect();
        for n in 1..=200_000 {
            let words = pair.lock();
            words[0].store(n, Ordering::Relaxed);
            for _ in 0..10 {
                std::hint::spin_loop(); // widens the window a reader may hit
            }
            words[1].store(n, Ordering::Relaxed);
        }
        done.store(1, Ordering::Relaxed);
        for r in readers {
            assert!(r.join().unwrap() > 0);
        }
    }

    #[test]
    fn try_lock_fails_while_held() {
        // Locks taken for real: solo mode would elide them.
        stillpoint_sync::end_solo();
        let m = Mutex::new(());
        let g = m.lock();
        assert!(m.try_lock().is_none());
        drop(g);
        assert!(m.try_lock().is_some());
    }
}
