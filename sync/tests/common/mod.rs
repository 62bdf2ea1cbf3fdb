//! Helpers shared by the integration tests: bounded waits (a protocol bug
//! must fail a test, never hang it), spinning mutator threads, and payloads
//! that count their drops.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use stillpoint_sync::World;

/// How long any wait may take before the test is declared hung. Generous:
/// the tests share two cores with other builds; a correct run takes
/// milliseconds.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// How long a test gives a broken protocol to misbehave (for example, a
/// thread to run during a pause) before checking that it did not.
pub const SETTLE: Duration = Duration::from_millis(30);

/// Spins (yielding) until `cond` holds; panics if it does not within
/// [`DEADLINE`].
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        thread::yield_now();
    }
}

/// Joins `handle`, panicking if the thread does not finish within
/// [`DEADLINE`] (the thread is then leaked) and re-raising its panic.
pub fn join_within<T>(what: &str, handle: JoinHandle<T>) -> T {
    wait_until(what, || handle.is_finished());
    match handle.join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Runs `f` on a fresh thread and returns its result; panics if it takes
/// longer than [`DEADLINE`].
pub fn within_deadline<R: Send + 'static>(what: &str, f: impl FnOnce() -> R + Send + 'static) -> R {
    join_within(what, thread::spawn(f))
}

/// Receives from `rx`, panicking after [`DEADLINE`].
pub fn recv<T>(what: &str, rx: &mpsc::Receiver<T>) -> T {
    match rx.recv_timeout(DEADLINE) {
        Ok(value) => value,
        Err(e) => panic!("waiting for {what}: {e}"),
    }
}

/// Threads that register with a world, attach, and spin forever on
/// `poll(); counter += 1` until stopped. Dropping this stops them (without
/// joining) so that a failing test does not leave them burning CPU.
pub struct Spinners {
    stop: Arc<AtomicBool>,
    counters: Vec<Arc<AtomicU64>>,
    handles: Vec<JoinHandle<()>>,
}

impl Spinners {
    /// Starts `n` spinners and waits until each has attached and counted.
    pub fn start(world: &World, n: usize) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let mut counters = Vec::new();
        let mut handles = Vec::new();
        for _ in 0..n {
            let counter = Arc::new(AtomicU64::new(0));
            let (world, stop, c) = (world.clone(), stop.clone(), counter.clone());
            handles.push(thread::spawn(move || {
                let m = world.register();
                m.attach();
                loop {
                    m.poll();
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    // After the poll: a parked thread cannot count.
                    c.fetch_add(1, Ordering::Relaxed);
                }
                m.detach();
            }));
            counters.push(counter);
        }
        let spinners = Spinners {
            stop,
            counters,
            handles,
        };
        let zero = vec![0; n];
        spinners.wait_all_past(&zero);
        spinners
    }

    /// The current value of every counter.
    pub fn snapshot(&self) -> Vec<u64> {
        self.counters
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect()
    }

    /// Waits until every counter is above its value in `snapshot`.
    pub fn wait_all_past(&self, snapshot: &[u64]) {
        self.wait_all_past_within(snapshot, DEADLINE);
    }

    /// [`Spinners::wait_all_past`] with a chosen time limit.
    pub fn wait_all_past_within(&self, snapshot: &[u64], limit: Duration) {
        let start = Instant::now();
        for (i, (c, &seen)) in self.counters.iter().zip(snapshot).enumerate() {
            while c.load(Ordering::Relaxed) <= seen {
                assert!(
                    start.elapsed() < limit,
                    "spinner {i} did not advance past {seen} within {limit:?}"
                );
                thread::yield_now();
            }
        }
    }

    /// Stops every spinner and joins it.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for (i, h) in std::mem::take(&mut self.handles).into_iter().enumerate() {
            join_within(&format!("spinner {i} to exit"), h);
        }
    }
}

impl Drop for Spinners {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Checks, from inside a pause, that no spinner moves while it lasts.
/// Returns `(counters at start, counters at end)` of the pause closure; the
/// caller asserts after the pause (a panic inside a pause would leave the
/// world stopped).
pub fn observe_pause(spinners: &Spinners) -> (Vec<u64>, Vec<u64>) {
    let start = spinners.snapshot();
    thread::sleep(Duration::from_millis(2));
    let end = spinners.snapshot();
    (start, end)
}

/// A payload that counts its drops into a shared counter and checks that
/// it is still alive whenever it is read.
pub struct Counted {
    drops: Arc<AtomicUsize>,
    /// Set to [`Counted::ALIVE`] while live, cleared by `Drop`: a read of a
    /// freed payload is likely to see something else.
    magic: AtomicU64,
    /// A value the test chooses (for example the state an executor assumed).
    pub value: u64,
}

impl Counted {
    const ALIVE: u64 = 0x5711_1F01_A7C0_FFEE;

    /// A payload with `value`, counting its drop into `drops`.
    pub fn new(drops: &Arc<AtomicUsize>, value: u64) -> Self {
        Counted {
            drops: drops.clone(),
            magic: AtomicU64::new(Self::ALIVE),
            value,
        }
    }

    /// Whether the payload has not been dropped.
    pub fn is_alive(&self) -> bool {
        self.magic.load(Ordering::Relaxed) == Self::ALIVE
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        assert!(self.is_alive(), "a payload was dropped twice");
        self.magic.store(0, Ordering::Relaxed);
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// A fresh drop counter.
pub fn drop_counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

/// The value of a drop counter.
pub fn drops(counter: &Arc<AtomicUsize>) -> usize {
    counter.load(Ordering::SeqCst)
}
