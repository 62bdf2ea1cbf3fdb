//! The lock inside every mutable builtin object (lists, dicts, sets,
//! instance dicts, iterators): the per-object lock that makes each
//! container operation atomic (DESIGN §3, contract 6).
//!
//! Critical sections are a handful of loads and stores, and the lock rule
//! (invariant 15) keeps safepoints and Python code out of them, so waiting
//! is rare and short. The lock is `stillpoint_sync::bias::BiasedLock`: the
//! first thread to lock an object owns the lock and takes it with plain
//! stores; any other thread revokes that bias once (a heavy fence), and
//! from then on takes the lock with one compare-exchange and releases it
//! with a plain release store, spinning briefly, then yielding, while it
//! waits. A general-purpose lock (parking_lot's) must release with a
//! read-modify-write to find parked waiters, which doubled the atomic
//! operations of every list read (`ARCHITECTURE.md`, decisions).
//!
//! The word is also a *sequence* (a seqlock's): it is odd while the lock is
//! held and every release moves it on, so a reader that finds it even and
//! unchanged around its reads saw no writer ([`read_optimistically`]). Such
//! a reader writes nothing, so it costs no read-modify-write: an instance
//! attribute read under the lock spent most of its time waiting for the
//! compare-exchange to drain the store buffer (ARCHITECTURE.md, decisions).
//! Only data kept in atomics may be read that way (the dict's entries are).

use std::cell::Cell;
use std::sync::LazyLock;

use stillpoint_gc::Tracer;
use stillpoint_sync::bias::{BiasRecord, BiasTable, BiasedLock};

/// The raw lock (see the module docs): a biased seqlock.
pub struct ObjectRawLock(BiasedLock);

/// The process's bias records (one per thread that locks objects).
static BIAS: LazyLock<BiasTable> = LazyLock::new(BiasTable::new);

/// The calling thread's record, given back when the thread exits.
struct Registration(Option<&'static BiasRecord>);

impl Drop for Registration {
    fn drop(&mut self) {
        RECORD.with(|r| r.set(NO_RECORD));
        if let Some(record) = self.0 {
            BIAS.release(record);
        }
    }
}

/// [`RECORD`] of a thread without a record (all taken, or exiting).
const NO_RECORD: *const BiasRecord = std::ptr::dangling();

thread_local! {
    /// The calling thread's record: null until its first lock, then the
    /// record or [`NO_RECORD`]. A plain thread-local word (no destructor,
    /// so no state check), read on every lock.
    static RECORD: Cell<*const BiasRecord> = const { Cell::new(std::ptr::null()) };
    /// Owns the record; registers on first use, releases at thread exit.
    static REGISTRATION: Registration = Registration(BIAS.register());
}

/// The calling thread's bias record; `None` when all are taken or the
/// thread is exiting (it then locks the ordinary way).
#[inline(always)]
fn me() -> Option<&'static BiasRecord> {
    let record = RECORD.with(Cell::get);
    if record.is_null() {
        return register();
    }
    // SAFETY: a non-null word other than NO_RECORD is a record of the
    // static table, which lives for the whole process.
    (record != NO_RECORD).then(|| unsafe { &*record })
}

#[cold]
fn register() -> Option<&'static BiasRecord> {
    let record = REGISTRATION.try_with(|r| r.0).ok().flatten();
    RECORD.with(|r| r.set(record.map_or(NO_RECORD, |r| r as *const BiasRecord)));
    record
}

/// Revocations of a lock's bias so far (`-X stats`).
pub fn bias_revocations() -> u64 {
    BIAS.revocations()
}

/// Whether fresh locks are still claimed (`-X stats`).
pub fn bias_claiming() -> bool {
    BIAS.claiming()
}

// SAFETY: `BiasedLock` is a mutual-exclusion lock (its module docs and
// loom models): at most one holder at a time, and each release is ordered
// before the next acquisition. `unlock` is called only by the holder (the
// trait's contract), on the thread that locked (the guard is not `Send`'s
// concern: `GuardNoSend` keeps it on that thread, so `me()` is the record
// `lock` used).
unsafe impl lock_api::RawMutex for ObjectRawLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: ObjectRawLock = ObjectRawLock(BiasedLock::new());

    type GuardMarker = lock_api::GuardNoSend;

    #[inline(always)]
    fn lock(&self) {
        self.0.lock(me(), || &BIAS);
    }

    #[inline]
    fn try_lock(&self) -> bool {
        self.0.try_lock(&BIAS, me())
    }

    #[inline(always)]
    unsafe fn unlock(&self) {
        // SAFETY: the caller holds the lock (the trait's contract).
        unsafe { self.0.unlock(me) };
    }

    #[inline]
    fn is_locked(&self) -> bool {
        self.0.is_locked()
    }
}

/// A mutex over an object's mutable state.
pub type Mutex<T> = lock_api::Mutex<ObjectRawLock, T>;

/// The data behind `mutex`, for the collector: no lock is taken.
///
/// Only a pause makes a [`Tracer`] (`stillpoint_gc`'s contract), and during
/// a pause every thread that touches objects is parked at a safepoint or
/// detached, neither of which it reaches holding an object lock (the lock
/// rule, invariant 15). Locking here would revoke the bias of every object
/// another thread owns, at every collection.
#[inline]
pub fn traced<'m, T>(mutex: &'m Mutex<T>, _in_pause: &Tracer) -> &'m T {
    // SAFETY: nobody holds the lock or takes it while the pause lasts
    // (above), and the borrow ends with the trace, inside the pause.
    unsafe { &*mutex.data_ptr() }
}

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
    // SAFETY: `raw` is unsafe only because locking the raw lock directly
    // could break the guard's bookkeeping; we only read its sequence.
    let lock = &unsafe { mutex.raw() }.0;
    let before = lock.read_begin()?;
    let found = read(mutex.data_ptr())?;
    lock.read_validate(before).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
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

    fn load(p: *const AtomicU64) -> Option<u64> {
        // SAFETY: the mutex outlives every read in these tests.
        Some(unsafe { &*p }.load(Ordering::Relaxed))
    }

    #[test]
    fn an_optimistic_read_counts_only_if_no_writer_came_between() {
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
        let m = Mutex::new(());
        let g = m.lock();
        assert!(m.try_lock().is_none());
        drop(g);
        assert!(m.try_lock().is_some());
    }
}
