//! Tier 1: the specializing adaptive interpreter (PEP 659), free-threaded.
//!
//! # Thread-local bytecode
//!
//! Every thread that runs a code object runs its own copy of the code's
//! instructions and inline caches (a [`ThreadCode`]), made on first use
//! from the code's pristine instructions; the specializer rewrites only the
//! calling thread's copy, so no counter or cache entry is ever written by
//! two threads and nothing here needs an atomic. The pristine instructions
//! themselves form a frozen `ThreadCode` that is never written: threads
//! run it when specialization is off (`-X nospecialize`) or when all
//! [`MAX_THREAD_CODES`] per-code copies are taken. (CPython lets the first
//! thread specialize the original in place; keeping it pristine means a
//! copy never races with a specialization, for one extra array per code
//! object.)
//!
//! # Adaptive instructions
//!
//! A generic instruction of a family (`LoadGlobal`, `BinaryOp`, ...) counts
//! down its cache's counter each time it runs; at zero the specializer
//! looks at the operands and rewrites it to a specialized form with its
//! cache filled, or, failing, backs off exponentially (and gives up after
//! [`MAX_FAILURES`] failures). A specialized form checks its guards; when
//! one fails it performs the generic operation — nothing is lost — and
//! rewrites itself back to the generic instruction with a backed-off
//! counter (a deoptimization).
//!
//! # Guards
//!
//! Guards compare version tags that the rare events reset (invariant 20),
//! so every event keeps tier 1 correct with no work at the event site: a
//! global load caches its value under the module dict's change count
//! ([`DictWatcher::values_version`](crate::events::DictWatcher::values_version)),
//! operator forms check the operands' types, which immediates carry in
//! their bits.

mod families;
pub mod stats;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::OnceLock;

use crate::bytecode::{Instr, Opcode};
use crate::tier2::exec::Entered;

pub(crate) use families::{
    float_op, float_operands, int_op, monomorphic_receiver, order_holds, positional_code,
    shared_receiver, PositionalCallee,
};
pub use stats::{FamilyStats, SpecializationStats};

/// How many threads at once can have their own copy of one code object.
pub const MAX_THREAD_CODES: usize = 64;

/// Failed specializations after which an instruction stops trying.
pub const MAX_FAILURES: u8 = 8;

/// Executions of a generic instruction before its first specialization
/// attempt.
const WARMUP: u16 = 8;

/// Back-edges a loop takes in one thread before tier 2 projects it: twice
/// the warm-up, so the body's instructions are specialized first.
const HOT_LOOP: u16 = 2 * WARMUP;

/// Calls of a function in one thread, run by tier 1, before tier
/// 2 projects its body into a function-entry executor: more than a loop's
/// back-edges, since a call runs fewer instructions than the loop it
/// comes from would.
const HOT_ENTRY: u16 = 4 * WARMUP;

/// The largest back-off exponent (a retry every 2¹² executions at most).
const MAX_BACKOFF: u8 = 12;

/// One instruction's inline cache: its adaptive counter and what its
/// specialized form remembered.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Cache {
    /// Executions left before the next specialization attempt.
    pub counter: u16,
    /// The back-off exponent of the next wait.
    pub backoff: u8,
    /// Failed attempts so far.
    pub failures: u8,
    /// The specialized form's data (versions, addresses, values).
    pub words: [u64; 8],
}

/// A thread's copy of a code object's instructions and caches (see the
/// module docs).
pub struct ThreadCode {
    instrs: Box<[Cell<Instr>]>,
    caches: Box<[Cell<Cache>]>,
    /// Tier 1's entries into the code (a function's calls), counted as a
    /// back-edge is, until the function-entry executor is installed.
    entry: Cell<Cache>,
    /// For each loop of the code and its entry (by `Loop::index`), the
    /// executor this thread enters there, if any.
    entered: Box<[Cell<Option<Rc<Entered>>>]>,
}

// SAFETY: a `ThreadCode` is used by one thread at a time. A private copy
// belongs to the thread holding its index in the runtime's pool (an index
// passes to another thread only through the pool's mutex, which orders the
// two threads' accesses); the frozen copy has no caches, no entered
// executor, and its instructions are never written after it is made, so
// threads only read it. The `Rc` in `entered` is cloned only by the thread
// holding the copy, and its clones live only in that thread's running
// calls, all returned before the index passes on.
unsafe impl Sync for ThreadCode {}
// SAFETY: as for `Sync`: the cells hold plain words and the holder's
// thread-private `Rc`; when the code object is freed (by whichever thread
// collects it), no thread is running it, so no clone of that `Rc` is live.
unsafe impl Send for ThreadCode {}

impl ThreadCode {
    /// A frozen copy: never specialized, no caches.
    fn frozen(instrs: &[Instr]) -> ThreadCode {
        ThreadCode {
            instrs: instrs.iter().copied().map(Cell::new).collect(),
            caches: Box::new([]),
            entry: Cell::default(),
            entered: Box::new([]),
        }
    }

    /// A private copy with fresh counters. A back-edge waits longer than
    /// other instructions ([`HOT_LOOP`]): by the time its loop is projected
    /// for tier 2, every instruction in the body has run often enough to
    /// have specialized (or given up).
    fn private(instrs: &[Instr]) -> ThreadCode {
        let fresh = |i: &Instr| Cache {
            counter: if i.op == Opcode::JumpBackward {
                HOT_LOOP
            } else {
                WARMUP
            },
            ..Cache::default()
        };
        ThreadCode {
            instrs: instrs.iter().copied().map(Cell::new).collect(),
            caches: instrs.iter().map(|i| Cell::new(fresh(i))).collect(),
            entry: Cell::new(Cache {
                counter: HOT_ENTRY,
                ..Cache::default()
            }),
            entered: (0..=instrs
                .iter()
                .filter(|i| i.op == Opcode::JumpBackward)
                .count())
                .map(|_| Cell::new(None))
                .collect(),
        }
    }

    /// The instruction at `pc`.
    #[inline(always)]
    pub(crate) fn instr(&self, pc: usize) -> Instr {
        self.instrs[pc].get()
    }

    /// Whether this is the frozen copy (generic instructions only).
    #[inline(always)]
    pub(crate) fn is_frozen(&self) -> bool {
        self.caches.is_empty()
    }

    /// The cache of the instruction at `pc` (a private copy's).
    #[inline(always)]
    pub(crate) fn cache(&self, pc: usize) -> &Cell<Cache> {
        &self.caches[pc]
    }

    /// Rewrites the instruction at `pc` to `op`, keeping its operand.
    #[inline]
    pub(crate) fn rewrite(&self, pc: usize, op: Opcode) {
        let cell = &self.instrs[pc];
        let Instr { arg, .. } = cell.get();
        cell.set(Instr { op, arg });
    }

    /// Counts one execution of the generic instruction at `pc`; true when
    /// it is time to try specializing it.
    #[inline(always)]
    pub(crate) fn tick(&self, pc: usize) -> bool {
        if self.is_frozen() {
            return false;
        }
        let cell = &self.caches[pc];
        let mut c = cell.get();
        if c.counter == 0 {
            return c.failures < MAX_FAILURES;
        }
        c.counter -= 1;
        cell.set(c);
        false
    }

    /// Whether the generic instruction at `pc` (an adaptive one, which
    /// counts its runs) has never run in this thread: its counter is
    /// untouched. False for the frozen copy, which counts nothing.
    pub(crate) fn never_ran(&self, pc: usize) -> bool {
        self.caches.get(pc).is_some_and(|cell| {
            let c = cell.get();
            c.counter == WARMUP && c.backoff == 0 && c.failures == 0
        })
    }

    /// After a failed attempt: wait exponentially longer.
    pub(crate) fn back_off(&self, pc: usize) {
        Self::wait_longer(&self.caches[pc]);
    }

    /// A failure: counted, and the next wait is longer.
    fn wait_longer(cell: &Cell<Cache>) {
        let mut c = cell.get();
        c.failures = c.failures.saturating_add(1);
        cell.set(c);
        Self::wait_again(cell);
    }

    /// The next wait is longer (exponential back-off).
    fn wait_again(cell: &Cell<Cache>) {
        let mut c = cell.get();
        c.backoff = (c.backoff + 1).min(MAX_BACKOFF);
        c.counter = (1u16 << c.backoff) - 1;
        cell.set(c);
    }

    /// Counts one entry into the code by tier 1; true when it is time to
    /// build (or look for) the function-entry executor.
    #[inline]
    pub(crate) fn entry_tick(&self) -> bool {
        if self.is_frozen() {
            return false;
        }
        let mut c = self.entry.get();
        if c.counter == 0 {
            return c.failures < MAX_FAILURES;
        }
        c.counter -= 1;
        self.entry.set(c);
        false
    }

    /// The executor this thread entered last at loop `index` (the
    /// entry's is last), if any.
    #[inline]
    pub(crate) fn entered(&self, index: u32) -> Option<Rc<Entered>> {
        // (Threads share the frozen copy: it has none, and is never
        // written.)
        let cell = self.entered.get(index as usize)?;
        let entered = cell.take();
        let copy = entered.clone();
        cell.set(entered);
        copy
    }

    /// Whether this thread keeps an executor it entered at loop `index`
    /// ([`ThreadCode::entered`] without taking a count of it).
    #[inline]
    pub(crate) fn has_entered(&self, index: u32) -> bool {
        let Some(cell) = self.entered.get(index as usize) else {
            return false;
        };
        let entered = cell.take();
        let has = entered.is_some();
        cell.set(entered);
        has
    }

    /// Sets the executor this thread enters at loop `index`.
    pub(crate) fn set_entered(&self, index: u32, entered: Option<Rc<Entered>>) {
        if let Some(cell) = self.entered.get(index as usize) {
            cell.set(entered);
        }
    }

    /// The function-entry executor was thrown away: back to counting, to
    /// rebuild it when hot again.
    pub(crate) fn leave_executor_at_entry(&self) {
        Self::wait_again(&self.entry);
    }

    /// No function-entry executor could be built: count again, waiting
    /// longer (and give up after [`MAX_FAILURES`]).
    pub(crate) fn entry_failed(&self) {
        Self::wait_longer(&self.entry);
    }

    /// A specialized form's guard failed: back to the generic instruction,
    /// which waits before trying again.
    pub(crate) fn deoptimize(&self, pc: usize) {
        let op = self.instr(pc).op.family();
        self.rewrite(pc, op);
        Self::wait_again(&self.caches[pc]);
    }
}

/// A code object's copies: the frozen one and one per thread index.
pub struct ThreadCodes {
    frozen: ThreadCode,
    copies: OnceLock<Box<[OnceLock<ThreadCode>]>>,
}

impl ThreadCodes {
    /// The copies of `instrs` (none made yet but the frozen one).
    pub fn new(instrs: &[Instr]) -> ThreadCodes {
        ThreadCodes {
            frozen: ThreadCode::frozen(instrs),
            copies: OnceLock::new(),
        }
    }

    /// The copy the thread with pool index `index` runs (`None`: the
    /// frozen copy).
    #[inline]
    pub(crate) fn get(&self, index: Option<usize>) -> &ThreadCode {
        let Some(index) = index else {
            return &self.frozen;
        };
        let copies = self
            .copies
            .get_or_init(|| (0..MAX_THREAD_CODES).map(|_| OnceLock::new()).collect());
        copies[index].get_or_init(|| {
            let pristine: Vec<Instr> = self.frozen.instrs.iter().map(Cell::get).collect();
            ThreadCode::private(&pristine)
        })
    }
}

impl std::fmt::Debug for ThreadCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadCodes").finish_non_exhaustive()
    }
}

/// The runtime's pool of thread indices (one per thread with its own
/// copies; at most [`MAX_THREAD_CODES`]).
#[derive(Debug, Default)]
pub struct ThreadIndexPool(parking_lot::Mutex<Vec<bool>>);

impl ThreadIndexPool {
    /// A free index, if any.
    pub fn acquire(&self) -> Option<usize> {
        let mut used = self.0.lock();
        if let Some(i) = used.iter().position(|u| !u) {
            used[i] = true;
            return Some(i);
        }
        if used.len() < MAX_THREAD_CODES {
            used.push(true);
            return Some(used.len() - 1);
        }
        None
    }

    /// Gives `index` back (its copies pass to the next thread that takes
    /// it).
    pub fn release(&self, index: usize) {
        if let Some(u) = self.0.lock().get_mut(index) {
            *u = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> Vec<Instr> {
        vec![
            Instr {
                op: Opcode::LoadGlobal,
                arg: 3,
            },
            Instr {
                op: Opcode::ReturnValue,
                arg: 0,
            },
        ]
    }

    #[test]
    fn counters_warm_up_then_back_off_and_give_up() {
        let tc = ThreadCode::private(&code());
        for _ in 0..WARMUP {
            assert!(!tc.tick(0));
        }
        assert!(tc.tick(0), "warmed up");
        // Each failure waits (2^k - 1) executions, k growing.
        let mut waits = Vec::new();
        for _ in 1..MAX_FAILURES {
            tc.back_off(0);
            let mut n = 0;
            while !tc.tick(0) {
                n += 1;
            }
            waits.push(n);
        }
        assert_eq!(waits, vec![1, 3, 7, 15, 31, 63, 127]);
        // The last failure: it never tries again.
        tc.back_off(0);
        assert!((0..100_000).all(|_| !tc.tick(0)), "gave up");
    }

    #[test]
    fn deoptimizing_restores_the_family_and_keeps_the_operand() {
        let tc = ThreadCode::private(&code());
        tc.rewrite(0, Opcode::LoadGlobalModule);
        assert_eq!(tc.instr(0).op, Opcode::LoadGlobalModule);
        tc.deoptimize(0);
        assert_eq!(tc.instr(0).op, Opcode::LoadGlobal);
        assert_eq!(tc.instr(0).arg, 3);
        assert!(tc.cache(0).get().counter > 0, "waits before retrying");
    }

    #[test]
    fn frozen_copies_never_specialize_and_threads_get_their_own() {
        let codes = ThreadCodes::new(&code());
        let frozen = codes.get(None);
        assert!(frozen.is_frozen());
        assert!(!frozen.tick(0));
        let a = codes.get(Some(0));
        let b = codes.get(Some(1));
        a.rewrite(0, Opcode::LoadGlobalModule);
        assert_eq!(b.instr(0).op, Opcode::LoadGlobal, "copies are separate");
        assert_eq!(frozen.instr(0).op, Opcode::LoadGlobal);
        assert!(std::ptr::eq(a, codes.get(Some(0))), "one copy per index");
    }

    #[test]
    fn the_pool_reuses_released_indices_and_is_bounded() {
        let pool = ThreadIndexPool::default();
        let first: Vec<usize> = (0..MAX_THREAD_CODES)
            .map(|_| pool.acquire().unwrap())
            .collect();
        assert_eq!(first, (0..MAX_THREAD_CODES).collect::<Vec<_>>());
        assert_eq!(pool.acquire(), None, "bounded");
        pool.release(5);
        assert_eq!(pool.acquire(), Some(5));
    }
}
