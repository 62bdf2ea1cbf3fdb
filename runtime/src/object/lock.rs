//! The lock inside every mutable builtin object (lists, dicts, sets,
//! instance dicts, iterators): the per-object lock that makes each
//! container operation atomic (DESIGN §3, contract 6).
//!
//! Critical sections are a handful of loads and stores, and the lock rule
//! (invariant 15) keeps safepoints and Python code out of them, so waiting
//! is rare and short. The lock is a byte taken with one compare-exchange and
//! released with a plain release store; a waiter spins briefly, then
//! yields its core. A general-purpose lock (parking_lot's) must release with
//! a read-modify-write to find parked waiters, which doubled the atomic
//! operations of every list read (`ARCHITECTURE.md`, decisions).

use std::sync::atomic::{AtomicU8, Ordering};

/// The raw lock (see the module docs).
pub struct ObjectRawLock(AtomicU8);

const UNLOCKED: u8 = 0;
const LOCKED: u8 = 1;

/// Spins before the first yield.
const SPINS: u32 = 64;

impl ObjectRawLock {
    #[cold]
    fn lock_contended(&self) {
        let mut spins = 0u32;
        loop {
            // Test, then test-and-set: wait on a shared cache line.
            while self.0.load(Ordering::Relaxed) == LOCKED {
                if spins < SPINS {
                    spins += 1;
                    std::hint::spin_loop();
                } else {
                    std::thread::yield_now();
                }
            }
            if self
                .0
                .compare_exchange_weak(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
        }
    }
}

// SAFETY: the byte is set from UNLOCKED to LOCKED only by a successful
// acquire compare-exchange, so at most one holder exists at a time, and
// `unlock` (called only by the holder, per the trait's contract) releases
// with a release store, which orders the critical section before the next
// acquirer's.
unsafe impl lock_api::RawMutex for ObjectRawLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: ObjectRawLock = ObjectRawLock(AtomicU8::new(UNLOCKED));

    type GuardMarker = lock_api::GuardSend;

    #[inline]
    fn lock(&self) {
        if self
            .0
            .compare_exchange_weak(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            self.lock_contended();
        }
    }

    #[inline]
    fn try_lock(&self) -> bool {
        self.0
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    #[inline]
    unsafe fn unlock(&self) {
        self.0.store(UNLOCKED, Ordering::Release);
    }

    #[inline]
    fn is_locked(&self) -> bool {
        self.0.load(Ordering::Relaxed) == LOCKED
    }
}

/// A mutex over an object's mutable state.
pub type Mutex<T> = lock_api::Mutex<ObjectRawLock, T>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn threads_never_lose_an_increment() {
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

    #[test]
    fn try_lock_fails_while_held() {
        let m = Mutex::new(());
        let g = m.lock();
        assert!(m.try_lock().is_none());
        drop(g);
        assert!(m.try_lock().is_some());
    }
}
