//! Biased object locks: a lock that the one thread using it takes with
//! plain stores, and that any other thread takes after revoking the bias.
//!
//! Every mutable container of the runtime has a lock (a seqlock: odd while
//! held), and nearly all of them are only ever locked by one thread. A
//! compare-exchange costs little by itself, but it waits for the core's
//! store buffer to drain, and an interpreter's store buffer is always full:
//! the compare-exchange of a list store or an instance attribute store was
//! a tenth of some benchmark programs. So the first thread to lock a
//! [`BiasedLock`] *claims* it; from then on it locks and unlocks it with
//! plain stores. That a second thread locks it is one more rare event
//! assumed away: the second thread *revokes* the bias, once, and the lock
//! becomes an ordinary one for good.
//!
//! Mutual exclusion between the owner's plain stores and a revoker needs a
//! store-load barrier on both sides (Dekker). The owner publishes the lock
//! it is taking in its [`BiasRecord`] and then re-reads the owner word,
//! with only a compiler barrier between; the revoker writes the owner word
//! and then runs a *heavy fence* (Linux `membarrier`, which makes every
//! thread of the process run a full barrier) before it reads the owner's
//! record. Either the owner sees the revocation and backs off, or the
//! revoker sees the owner inside and waits for it to leave. Under loom both
//! fences are `SeqCst` fences, which is what the asymmetric pair provides.
//!
//! The owner word's states: [`FRESH`] (never locked), a thread's record
//! number (biased to it), [`REVOKING`] (a revoker is waiting for the owner
//! to leave), [`SHARED`] (an ordinary lock). Only a thread that saw
//! [`SHARED`] takes the lock with a compare-exchange, and only the owner
//! takes it with plain stores while the word names it: the two never meet.
//! After [`REVOCATION_THRESHOLD`] revocations (or where there is no heavy
//! fence), nothing is claimed any more: a fresh lock becomes [`SHARED`] at
//! its first use, and objects are locked as before biasing existed.
//!
//! The sequence word: bit 0 is set while held, bit 1 while held through
//! the bias (so that unlocking knows to clear the record), and the count
//! above them moves on at every release, for optimistic readers.

use crate::primitive::{
    fence, heavy_fence, heavy_fence_available, light_fence, spin_wait, AtomicBool, AtomicU32,
    AtomicU64, Ordering,
};

/// The owner word of a lock never locked.
pub const FRESH: u32 = 0;
/// The owner word of an ordinary (unbiased) lock, forever.
pub const SHARED: u32 = u32::MAX;
/// The owner word while a revoker waits for the owner to leave.
pub const REVOKING: u32 = u32::MAX - 1;

/// Revocations after which no lock is claimed any more: each one costs a
/// heavy fence (a few microseconds), so a program that hands many objects
/// from thread to thread stops paying it.
pub const REVOCATION_THRESHOLD: u64 = 1024;

/// How many biased locks one thread can hold at once (nested); a deeper
/// one is taken the ordinary way.
const HOLD_SLOTS: usize = 4;

/// Threads that can own biased locks at once; later ones lock the ordinary way.
#[cfg(not(loom))]
const RECORDS: usize = 256;
#[cfg(loom)]
const RECORDS: usize = 2;

const HELD: u32 = 1;
const HELD_BIASED: u32 = 2;
const STEP: u32 = 4;

#[inline]
fn is_held(seq: u32) -> bool {
    seq & HELD != 0
}

/// A thread's record: the biased locks it is inside of, for revokers to
/// see. Only its thread writes it.
#[repr(align(64))]
pub struct BiasRecord {
    /// The owner word value naming this record (its index plus one).
    id: u32,
    /// The addresses of the locks held through the bias (0: none).
    holding: [AtomicU64; HOLD_SLOTS],
    taken: AtomicBool,
    /// A deliberately broken variant for the loom models: take the lock
    /// through the bias without re-reading the owner word.
    #[cfg(loom)]
    skip_recheck: bool,
}

impl BiasRecord {
    fn new(id: u32) -> BiasRecord {
        BiasRecord {
            id,
            holding: std::array::from_fn(|_| AtomicU64::new(0)),
            taken: AtomicBool::new(false),
            #[cfg(loom)]
            skip_recheck: false,
        }
    }

    fn holds(&self, lock: u64) -> bool {
        self.holding
            .iter()
            .any(|h| h.load(Ordering::Acquire) == lock)
    }
}

/// The records of the threads and the revocation count (one per process
/// in the runtime; one per model under loom).
pub struct BiasTable {
    records: Box<[BiasRecord]>,
    revocations: AtomicU64,
    claiming: AtomicBool,
}

impl Default for BiasTable {
    fn default() -> Self {
        BiasTable::new()
    }
}

impl BiasTable {
    /// A table; claiming is on where the heavy fence is available.
    pub fn new() -> BiasTable {
        BiasTable {
            records: (0..RECORDS as u32)
                .map(|i| BiasRecord::new(i + 1))
                .collect(),
            revocations: AtomicU64::new(0),
            claiming: AtomicBool::new(heavy_fence_available()),
        }
    }

    /// A table whose owners skip the re-read of the owner word after
    /// publishing their hold (a broken variant for the loom models).
    #[cfg(loom)]
    pub fn skipping_owner_recheck() -> BiasTable {
        let mut table = BiasTable::new();
        for r in table.records.iter_mut() {
            r.skip_recheck = true;
        }
        table
    }

    /// A free record for the calling thread, which must give it back with
    /// [`BiasTable::release`] when it stops locking; `None` when all are
    /// taken (the thread then locks the ordinary way).
    pub fn register(&self) -> Option<&BiasRecord> {
        self.records.iter().find(|r| {
            r.taken
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        })
    }

    /// Gives back a record whose thread holds no lock and locks no more.
    /// Locks still biased to it pass to the record's next thread, which is
    /// harmless: the bias only says who may take the lock with plain stores.
    pub fn release(&self, record: &BiasRecord) {
        debug_assert!(record
            .holding
            .iter()
            .all(|h| h.load(Ordering::Relaxed) == 0));
        record.taken.store(false, Ordering::Release);
    }

    /// Revocations so far.
    pub fn revocations(&self) -> u64 {
        self.revocations.load(Ordering::Relaxed)
    }

    /// Whether a fresh lock is still claimed by its first locker.
    pub fn claiming(&self) -> bool {
        self.claiming.load(Ordering::Relaxed)
    }

    fn record(&self, id: u32) -> &BiasRecord {
        &self.records[id as usize - 1]
    }
}

/// The lock (module docs): a sequence word and an owner word.
pub struct BiasedLock {
    seq: AtomicU32,
    owner: AtomicU32,
}

impl Default for BiasedLock {
    fn default() -> Self {
        BiasedLock::new()
    }
}

impl BiasedLock {
    /// A fresh, unlocked lock.
    #[cfg(not(loom))]
    pub const fn new() -> BiasedLock {
        BiasedLock {
            seq: AtomicU32::new(0),
            owner: AtomicU32::new(FRESH),
        }
    }

    /// A fresh, unlocked lock.
    #[cfg(loom)]
    pub fn new() -> BiasedLock {
        BiasedLock {
            seq: AtomicU32::new(0),
            owner: AtomicU32::new(FRESH),
        }
    }

    fn address(&self) -> u64 {
        self as *const BiasedLock as u64
    }

    /// Takes the lock; `me` is the calling thread's record, if it has one,
    /// and `table` gives the table (needed only off the owner's path).
    #[inline(always)]
    pub fn lock<'t>(&self, me: Option<&BiasRecord>, table: impl FnOnce() -> &'t BiasTable) {
        if let Some(me) = me {
            if self.owner.load(Ordering::Relaxed) == me.id && self.try_lock_biased(me) {
                return;
            }
        }
        self.lock_slow(table(), me);
    }

    /// Takes the lock if nobody holds it.
    pub fn try_lock(&self, table: &BiasTable, me: Option<&BiasRecord>) -> bool {
        loop {
            match self.owner.load(Ordering::Acquire) {
                SHARED => {
                    let seq = self.seq.load(Ordering::Relaxed);
                    return !is_held(seq) && self.try_take_shared(seq);
                }
                id if me.is_some_and(|m| m.id == id) => {
                    let me = me.expect("matched above");
                    if self.try_lock_biased(me) {
                        return true;
                    }
                    if is_held(self.seq.load(Ordering::Relaxed)) {
                        return false;
                    }
                    // Every hold slot is in use: the ordinary way from now
                    // on (unless a revoker came first).
                    let _ = self.owner.compare_exchange(
                        id,
                        SHARED,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    );
                }
                _ => self.settle(table, me),
            }
        }
    }

    /// Releases the lock; `me` gives the record given to the `lock` that
    /// took it (needed only when that was the owner's way).
    ///
    /// # Safety
    /// The calling thread holds the lock.
    #[inline(always)]
    pub unsafe fn unlock<'r>(&self, me: impl FnOnce() -> Option<&'r BiasRecord>) {
        // Only the holder writes the word while it is held.
        let seq = self.seq.load(Ordering::Relaxed);
        self.seq.store(
            (seq & !(HELD | HELD_BIASED)).wrapping_add(STEP),
            Ordering::Release,
        );
        if seq & HELD_BIASED != 0 {
            let me = me().expect("a lock held through the bias has its owner's record");
            let lock = self.address();
            if let Some(slot) = me
                .holding
                .iter()
                .find(|h| h.load(Ordering::Relaxed) == lock)
            {
                // Release: a revoker that sees the slot clear sees the
                // critical section's stores and the sequence moved on.
                slot.store(0, Ordering::Release);
            }
        }
    }

    /// Whether some thread holds the lock.
    pub fn is_locked(&self) -> bool {
        is_held(self.seq.load(Ordering::Relaxed))
    }

    /// The start of an optimistic read: the sequence, or `None` while held.
    #[inline]
    pub fn read_begin(&self) -> Option<u32> {
        let before = self.seq.load(Ordering::Acquire);
        (!is_held(before)).then_some(before)
    }

    /// Whether no writer held the lock since [`BiasedLock::read_begin`]
    /// gave `before`: then the reads in between saw one consistent state.
    #[inline]
    pub fn read_validate(&self, before: u32) -> bool {
        // Orders the reads before the second load of the sequence: if they
        // saw a writer's store, this load sees that writer's odd word or
        // later (the writer's release fence after taking the lock).
        fence(Ordering::Acquire);
        self.seq.load(Ordering::Relaxed) == before
    }

    /// The owner's way in: plain stores, no read-modify-write. False when
    /// the bias is being revoked, the lock is held (re-entry), or every
    /// hold slot is in use; nothing is changed then.
    #[inline(always)]
    fn try_lock_biased(&self, me: &BiasRecord) -> bool {
        let Some(slot) = me.holding.iter().find(|h| h.load(Ordering::Relaxed) == 0) else {
            return false;
        };
        slot.store(self.address(), Ordering::Relaxed);
        // Dekker with `revoke`'s heavy fence: the slot is visible to a
        // revoker, or this load sees its owner word.
        light_fence();
        let seq = self.seq.load(Ordering::Relaxed);
        #[cfg(loom)]
        let recheck = !me.skip_recheck;
        #[cfg(not(loom))]
        let recheck = true;
        if (recheck && self.owner.load(Ordering::Relaxed) != me.id) || is_held(seq) {
            slot.store(0, Ordering::Release);
            return false;
        }
        self.seq.store(seq | HELD | HELD_BIASED, Ordering::Relaxed);
        // Orders the odd sequence before the critical section's writes,
        // for optimistic readers (a compiler barrier on x86).
        fence(Ordering::Release);
        true
    }

    /// Takes an ordinary lock from the even sequence `seq`.
    #[inline]
    fn try_take_shared(&self, seq: u32) -> bool {
        let taken = self
            .seq
            .compare_exchange_weak(seq, seq | HELD, Ordering::Acquire, Ordering::Relaxed)
            .is_ok();
        fence(Ordering::Release);
        taken
    }

    #[cold]
    fn lock_slow(&self, table: &BiasTable, me: Option<&BiasRecord>) {
        loop {
            match self.owner.load(Ordering::Acquire) {
                SHARED => break,
                id if me.is_some_and(|m| m.id == id) => {
                    if self.try_lock_biased(me.expect("matched above")) {
                        return;
                    }
                    // Held already (a re-entry, which waits below as an
                    // ordinary lock would) or no free hold slot: only this
                    // thread takes it through the bias, so it may drop it
                    // (unless a revoker came first).
                    let _ = self.owner.compare_exchange(
                        id,
                        SHARED,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    );
                }
                _ => self.settle(table, me),
            }
        }
        let mut spins = 0u32;
        loop {
            // Test, then test-and-set: wait on a shared cache line.
            let mut seq = self.seq.load(Ordering::Relaxed);
            while is_held(seq) {
                spin_wait(&mut spins);
                seq = self.seq.load(Ordering::Relaxed);
            }
            if self.try_take_shared(seq) {
                return;
            }
        }
    }

    /// One step towards a lock that names this thread or is shared: claims
    /// a fresh lock (or shares it, when claiming is over), waits out a
    /// revocation, or revokes another thread's bias.
    fn settle(&self, table: &BiasTable, me: Option<&BiasRecord>) {
        match self.owner.load(Ordering::Acquire) {
            FRESH => {
                let to = match me {
                    Some(me) if table.claiming() => me.id,
                    _ => SHARED,
                };
                let _ =
                    self.owner
                        .compare_exchange(FRESH, to, Ordering::Relaxed, Ordering::Relaxed);
            }
            REVOKING => {
                let mut spins = 0;
                while self.owner.load(Ordering::Acquire) == REVOKING {
                    spin_wait(&mut spins);
                }
            }
            SHARED => {}
            id if me.is_some_and(|m| m.id == id) => {}
            id => self.revoke(table, id),
        }
    }

    /// Takes the bias from the thread with record `id` (another thread).
    fn revoke(&self, table: &BiasTable, id: u32) {
        if self
            .owner
            .compare_exchange(id, REVOKING, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return; // someone else changed it first; look again
        }
        // Dekker with `try_lock_biased`'s light fence: the owner sees
        // REVOKING, or its hold slot is visible here.
        heavy_fence();
        let owner = table.record(id);
        let lock = self.address();
        let mut spins = 0;
        while owner.holds(lock) {
            spin_wait(&mut spins);
        }
        // Release: whoever sees SHARED sees the owner's last release (read
        // through the slot's acquire load above).
        self.owner.store(SHARED, Ordering::Release);
        if table.revocations.fetch_add(1, Ordering::Relaxed) + 1 >= REVOCATION_THRESHOLD {
            table.claiming.store(false, Ordering::Relaxed);
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::cell::UnsafeCell;
    use std::sync::Arc;

    /// A counter behind a biased lock.
    struct Counter {
        lock: BiasedLock,
        value: UnsafeCell<u64>,
    }

    // SAFETY: `value` is only touched with `lock` held.
    unsafe impl Sync for Counter {}

    impl Counter {
        fn add(&self, table: &BiasTable, me: Option<&BiasRecord>) {
            self.lock.lock(me, || table);
            // SAFETY: the lock is held.
            unsafe { *self.value.get() += 1 };
            // SAFETY: taken just above.
            unsafe { self.lock.unlock(|| me) };
        }
    }

    #[test]
    fn the_first_locker_owns_the_lock_and_a_second_revokes_it_once() {
        let table = BiasTable::new();
        let a = table.register().unwrap();
        let b = table.register().unwrap();
        let lock = BiasedLock::new();
        lock.lock(Some(a), || &table);
        let claimed = table.claiming();
        if claimed {
            assert_eq!(lock.owner.load(Ordering::Relaxed), a.id);
            assert!(a.holds(lock.address()), "held through the bias");
        }
        assert!(lock.is_locked() && !lock.try_lock(&table, Some(a)));
        // SAFETY: taken above.
        unsafe { lock.unlock(|| Some(a)) };
        assert!(!a.holds(lock.address()) && !lock.is_locked());
        lock.lock(Some(b), || &table);
        assert_eq!(lock.owner.load(Ordering::Relaxed), SHARED);
        assert_eq!(table.revocations(), u64::from(claimed));
        // SAFETY: taken above.
        unsafe { lock.unlock(|| Some(b)) };
        lock.lock(Some(a), || &table);
        assert!(!a.holds(lock.address()), "shared for good");
        // SAFETY: taken above.
        unsafe { lock.unlock(|| Some(a)) };
        assert_eq!(table.revocations(), u64::from(claimed));
    }

    #[test]
    fn every_release_moves_the_sequence_on() {
        let table = BiasTable::new();
        let me = table.register();
        let lock = BiasedLock::new();
        let before = lock.read_begin().unwrap();
        lock.lock(me, || &table);
        assert_eq!(lock.read_begin(), None, "held");
        // SAFETY: taken above.
        unsafe { lock.unlock(|| me) };
        assert!(!lock.read_validate(before));
        assert!(lock.read_validate(lock.read_begin().unwrap()));
    }

    #[test]
    fn claiming_stops_at_the_threshold() {
        let table = BiasTable::new();
        if !table.claiming() {
            return; // no heavy fence here: nothing is ever claimed
        }
        let a = table.register().unwrap();
        let b = table.register().unwrap();
        for _ in 0..REVOCATION_THRESHOLD {
            let lock = BiasedLock::new();
            lock.lock(Some(a), || &table);
            // SAFETY: taken above.
            unsafe { lock.unlock(|| Some(a)) };
            lock.lock(Some(b), || &table);
            // SAFETY: taken above.
            unsafe { lock.unlock(|| Some(b)) };
        }
        assert_eq!(table.revocations(), REVOCATION_THRESHOLD);
        assert!(!table.claiming());
        let lock = BiasedLock::new();
        lock.lock(Some(a), || &table);
        assert_eq!(lock.owner.load(Ordering::Relaxed), SHARED);
        // SAFETY: taken above.
        unsafe { lock.unlock(|| Some(a)) };
    }

    #[test]
    fn threads_that_revoke_each_others_bias_never_lose_an_increment() {
        let table = Arc::new(BiasTable::new());
        let counters: Arc<Vec<Counter>> = Arc::new(
            (0..64)
                .map(|_| Counter {
                    lock: BiasedLock::new(),
                    value: UnsafeCell::new(0),
                })
                .collect(),
        );
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let (table, counters) = (table.clone(), counters.clone());
                std::thread::spawn(move || {
                    let me = table.register();
                    for i in 0..20_000usize {
                        // Mostly this thread's own counters, sometimes another's.
                        let own = (t * 16 + i % 16) % counters.len();
                        let which = if i % 97 == 0 {
                            (own + 16) % counters.len()
                        } else {
                            own
                        };
                        counters[which].add(&table, me);
                    }
                    if let Some(me) = me {
                        table.release(me);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        // SAFETY: every thread has been joined.
        let total: u64 = counters.iter().map(|c| unsafe { *c.value.get() }).sum();
        assert_eq!(total, 80_000);
    }
}
