//! Statistics: pause histograms, event counts, executor counts.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;

use crate::event::{EventKind, Scope, Threshold};
use crate::primitive::{AtomicU64, Ordering};
use crate::world::World;

/// What a pause was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PauseCause {
    /// A global event below its threshold.
    Event(EventKind),
    /// A garbage collection.
    Collection,
    /// A second mutator ended solo mode (`solo.rs`): once per process.
    SoloEnd,
    /// Any other stop-the-world request.
    Other,
}

/// Two histograms of one kind of pause, in nanoseconds.
struct PauseHistograms {
    time_to_safepoint: Histogram<u64>,
    length: Histogram<u64>,
}

impl PauseHistograms {
    fn new() -> Self {
        // Two significant figures, auto-resizing: a few KiB each.
        let h = || Histogram::new(2).expect("2 significant figures is a valid precision");
        PauseHistograms {
            time_to_safepoint: h(),
            length: h(),
        }
    }

    fn record(&mut self, ttsp: Duration, length: Duration) {
        fn add(h: &mut Histogram<u64>, d: Duration) {
            let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).max(1);
            // `record` grows the histogram; `saturating_record` would clamp
            // to its initial range instead.
            if h.record(ns).is_err() {
                h.saturating_record(ns);
            }
        }
        add(&mut self.time_to_safepoint, ttsp);
        add(&mut self.length, length);
    }

    fn summary(&self) -> PauseStats {
        PauseStats {
            count: self.length.len(),
            time_to_safepoint: Percentiles::of(&self.time_to_safepoint),
            length: Percentiles::of(&self.length),
        }
    }
}

/// The pause record (written by each requester after its resume).
#[derive(Default)]
pub(crate) struct PauseLog {
    by_cause: BTreeMap<PauseCause, PauseHistograms>,
    all: Option<PauseHistograms>,
}

impl PauseLog {
    pub(crate) fn record(&mut self, cause: PauseCause, ttsp: Duration, length: Duration) {
        self.all
            .get_or_insert_with(PauseHistograms::new)
            .record(ttsp, length);
        self.by_cause
            .entry(cause)
            .or_insert_with(PauseHistograms::new)
            .record(ttsp, length);
    }
}

/// Relaxed event and executor counters.
pub(crate) struct Counters {
    pub(crate) created: AtomicU64,
    pub(crate) installed: AtomicU64,
    pub(crate) install_failed: AtomicU64,
    pub(crate) unlinked: AtomicU64,
    pub(crate) retired: AtomicU64,
    pub(crate) freed: AtomicU64,
    /// Invalidating fires per kind (fires after the threshold are not
    /// counted: they cost only the relaxed load).
    pub(crate) fires: [AtomicU64; 11],
    pub(crate) invalidated: [AtomicU64; 11],
}

impl Default for Counters {
    fn default() -> Self {
        let zero = || AtomicU64::new(0);
        Counters {
            created: zero(),
            installed: zero(),
            install_failed: zero(),
            unlinked: zero(),
            retired: zero(),
            freed: zero(),
            fires: std::array::from_fn(|_| zero()),
            invalidated: std::array::from_fn(|_| zero()),
        }
    }
}

/// p50, p99 and max of a histogram, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Percentiles {
    /// Median.
    pub p50: u64,
    /// 99th percentile.
    pub p99: u64,
    /// Maximum.
    pub max: u64,
}

impl Percentiles {
    fn of(h: &Histogram<u64>) -> Self {
        if h.is_empty() {
            return Percentiles::default();
        }
        Percentiles {
            p50: h.value_at_quantile(0.5),
            p99: h.value_at_quantile(0.99),
            max: h.max(),
        }
    }
}

/// Pause figures: how many, time-to-safepoint (from the stop request until
/// every other mutator is parked) and length (from the stop request until
/// every mutator is resumed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PauseStats {
    /// Number of pauses.
    pub count: u64,
    /// Time to safepoint, ns.
    pub time_to_safepoint: Percentiles,
    /// Pause length, ns.
    pub length: Percentiles,
}

/// One event kind's figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventStats {
    /// The kind.
    pub kind: EventKind,
    /// Its threshold in this world.
    pub threshold: Threshold,
    /// Fires that invalidated (at most the threshold, for a global kind;
    /// summed over objects for a local kind).
    pub invalidating_fires: u64,
    /// Executors this kind invalidated.
    pub executors_invalidated: u64,
    /// For a global kind: the threshold is reached and firing is a no-op.
    pub threshold_reached: bool,
}

/// Executor figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExecutorStats {
    /// Payloads handed to `install` (installed or not).
    pub created: u64,
    /// Installed and linked.
    pub installed: u64,
    /// Refused by `install`.
    pub install_failed: u64,
    /// Unlinked explicitly through [`crate::ExecutorSlot::invalidate`].
    pub unlinked: u64,
    /// Handed to reclamation.
    pub retired: u64,
    /// Payloads freed (by reclamation, by a failed install, or by a slot
    /// dropped while holding one).
    pub freed: u64,
    /// Created and not yet freed.
    pub live: u64,
    /// Retired and waiting for their grace period.
    pub pending_reclamation: u64,
}

/// A snapshot of a world's statistics.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// All pauses.
    pub pauses: PauseStats,
    /// Pauses by cause.
    pub pauses_by_cause: Vec<(PauseCause, PauseStats)>,
    /// Per event kind, in [`EventKind::ALL`] order.
    pub events: Vec<EventStats>,
    /// Executors.
    pub executors: ExecutorStats,
}

impl World {
    /// A snapshot of the statistics (safe to call from any thread, also
    /// while another thread pauses the world).
    pub fn stats(&self) -> Stats {
        let inner = &self.inner;
        let (pauses, pauses_by_cause) = {
            let log = inner.pause_log.lock();
            (
                log.all
                    .as_ref()
                    .map(PauseHistograms::summary)
                    .unwrap_or_default(),
                log.by_cause
                    .iter()
                    .map(|(c, h)| (*c, h.summary()))
                    .collect(),
            )
        };
        let c = &inner.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let events = EventKind::ALL
            .iter()
            .map(|&kind| EventStats {
                kind,
                threshold: self.threshold(kind),
                invalidating_fires: get(&c.fires[kind.index()]),
                executors_invalidated: get(&c.invalidated[kind.index()]),
                threshold_reached: kind.scope() == Scope::Global && !self.may_assume(kind),
            })
            .collect();
        let created = get(&c.created);
        let freed = get(&c.freed);
        Stats {
            pauses,
            pauses_by_cause,
            events,
            executors: ExecutorStats {
                created,
                installed: get(&c.installed),
                install_failed: get(&c.install_failed),
                unlinked: get(&c.unlinked),
                retired: get(&c.retired),
                freed,
                live: created.saturating_sub(freed),
                pending_reclamation: inner.reclaimer.pending() as u64,
            },
        }
    }
}

impl Stats {
    /// Pause figures for one cause (zero if it never paused).
    pub fn pauses_for(&self, cause: PauseCause) -> PauseStats {
        self.pauses_by_cause
            .iter()
            .find(|(c, _)| *c == cause)
            .map(|(_, s)| *s)
            .unwrap_or_default()
    }

    /// Figures for one event kind.
    pub fn event(&self, kind: EventKind) -> EventStats {
        self.events[kind.index()]
    }
}
