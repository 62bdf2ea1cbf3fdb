//! Reclamation of retired executors: quiescent-state-based (QSBR) over the
//! safepoints.
//!
//! A retired executor is stamped with a *goal*: the value of the global
//! sequence after its retirement advanced it. It may be freed once every
//! online mutator has reported a quiescent state (a safepoint outside every
//! executor) with a sequence at least that goal. Offline threads (detached
//! outside every executor) hold nothing. A thread that is inside an
//! executor never reports, not even while detached, so nothing it may
//! still be running is freed.
//!
//! The poll fast path stays a single relaxed load: reclamation asks for
//! reports by setting `QUIESCE` in the threads' state words, and a thread
//! parked at a pause outside every executor is advanced by the resume.
//!
//! Freeing (running the payload's `Drop`) never happens inside a pause: it
//! runs after a resume, at a poll that answers a request, or when asked
//! through [`World::reclaim`].

use crate::executor::ExecutorCore;
use crate::mutator::QUIESCE;
use crate::primitive::{fence, Arc, AtomicU64, Mutex, Ordering};
use crate::world::{fault, World, WorldInner};

struct Retired {
    goal: u64,
    core: Arc<ExecutorCore>,
}

pub(crate) struct Reclaimer {
    /// The global sequence; starts at 1 (0 means "offline" in a mutator).
    seq: AtomicU64,
    retired: Mutex<Vec<Retired>>,
}

impl Reclaimer {
    pub(crate) fn new() -> Self {
        Reclaimer {
            seq: AtomicU64::new(1),
            retired: Mutex::new(Vec::new()),
        }
    }

    /// The current global sequence, ordered after the retirements that
    /// produced it.
    pub(crate) fn current(&self) -> u64 {
        self.seq.load(Ordering::Acquire)
    }

    /// Retires unlinked executors (whose slot references are handed over)
    /// and asks every online mutator for a quiescent report. Frees nothing:
    /// this may run inside a pause.
    pub(crate) fn retire(&self, inner: &WorldInner, cores: Vec<Arc<ExecutorCore>>) {
        if cores.is_empty() {
            return;
        }
        let n = cores.len() as u64;
        {
            let mut retired = self.retired.lock();
            // The increment orders after every unlink above it: a thread
            // whose report reads this value no longer sees those executors.
            let goal = self.seq.fetch_add(1, Ordering::AcqRel) + 1;
            retired.extend(cores.into_iter().map(|core| Retired { goal, core }));
        }
        inner.counters.retired.fetch_add(n, Ordering::Relaxed);
        let reg = inner.registry.lock();
        for m in reg.mutators.iter() {
            if m.qsbr_seq.load(Ordering::Relaxed) != 0 {
                m.state.fetch_or(QUIESCE, Ordering::Relaxed);
            }
        }
    }

    /// Frees every retired executor that no thread can still be inside.
    /// Returns how many were freed.
    pub(crate) fn try_reclaim(&self, inner: &WorldInner) -> usize {
        // Wait for a reclaimer already scanning rather than skip: it may
        // have read our sequence before we reported, and once the QUIESCE
        // requests are answered nobody would scan again. The lock covers
        // only the scan and the split; payloads are freed after it.
        let mut retired = self.retired.lock();
        if retired.is_empty() {
            return 0;
        }
        // Pairs with the fence of a thread coming online: either we see
        // it online, or it sees every unlink that preceded its retirement.
        fence(Ordering::SeqCst);
        let safe = if inner.fault(fault!(FreeWithoutGracePeriod)) {
            u64::MAX
        } else {
            let reg = inner.registry.lock();
            reg.mutators
                .iter()
                .map(|m| m.qsbr_seq.load(Ordering::Acquire))
                .filter(|&seq| seq != 0)
                .min()
                .unwrap_or(u64::MAX)
        };
        // Goals grow along the list (each is taken under its lock), so the
        // expired entries are a prefix.
        let n = retired.partition_point(|r| r.goal <= safe);
        let expired: Vec<Retired> = retired.drain(..n).collect();
        drop(retired);
        for r in expired {
            r.core.free_payload();
        }
        n
    }

    /// Frees everything retired; only when no mutator exists.
    pub(crate) fn free_all(&self) {
        let retired = std::mem::take(&mut *self.retired.lock());
        for r in retired {
            r.core.free_payload();
        }
    }

    /// How many retired executors wait for their grace period.
    pub(crate) fn pending(&self) -> usize {
        self.retired.lock().len()
    }
}

impl World {
    /// Frees the retired executors that no thread can still be inside, now.
    /// Returns how many were freed. (Reclamation also runs by itself after
    /// pauses and at the polls that answer its requests.)
    pub fn reclaim(&self) -> usize {
        self.inner.reclaimer.try_reclaim(&self.inner)
    }
}
