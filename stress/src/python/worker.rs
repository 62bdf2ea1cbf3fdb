//! The workers: rounds of `workload.py`'s hot loops, each checked.

use std::sync::atomic::Ordering;

use stillpoint::{Error, Object, Python};

use super::{Channel, Shared, CHANNELS, WRONG_READ_KINDS};
use crate::rng::Rng;

/// The checksums' modulus (`MOD` in `workload.py`).
const MOD: i64 = 1_000_003;

/// Channel reads per `n` of a round's outer iteration, each read before
/// and after a call: o.k, C.k, o.m(), o.p, C.sm(), o.cm(), o2.cgen,
/// o2.ctag(), o3.bgen, o3.bm(), fd, fk, probe, G, NS.h, stress_b and
/// stress_f in nine loops of `n` iterations, and dbg in `loop_debugger`'s
/// `4 n`.
const READS_PER_ITERATION: u64 = 2 * (17 + 4);

/// Inner-loop iterations per `n` of a round's outer iteration (nine loops
/// of `n`, `loop_debugger` of `4 n`).
const LOOPS: u64 = 9 + 4;

/// What `work(w, slot, outer, n, acc, ...)` must return as its checksums,
/// whatever the injectors did: the integer checksum and the float one.
/// One line per inner loop, in `work`'s order (`expected_round` in
/// `workload.py` is the same in Python).
pub(crate) fn expected_round(outer: u64, n: u64, mut acc: i64) -> (i64, f64) {
    let l: Vec<i64> = (0..16).map(|j| j * j % 11 + 1).collect();
    let gl = [3, 1, 4, 1, 5, 9, 2, 6];
    let mut accf = 0.0f64;
    let n = n as i64;
    for _ in 0..outer {
        (0..n).for_each(|i| acc = (acc * 31 + l[(i & 15) as usize] + (i * 3) % 17) % MOD);
        (0..n).for_each(|i| acc = (acc * 7 + i) % MOD);
        (0..n).for_each(|i| acc = (acc * 11 + l[((i * 3) & 15) as usize]) % MOD);
        (0..n).for_each(|i| acc = (acc * 17 + i) % MOD);
        (0..n).for_each(|_| acc = (acc * 19 + 16) % MOD);
        (0..n).for_each(|i| acc = (acc * 13 + l[((i * 7) & 15) as usize] + 16 - i % 7) % MOD);
        (0..n).for_each(|i| acc = (acc * 23 + gl[(i & 3) as usize]) % MOD);
        (0..n).for_each(|i| acc = (acc * 29 + gl[(i & 7) as usize] + i.min(5)) % MOD);
        for i in 0..n {
            acc = (acc * 3 + 1) % MOD;
            accf += i as f64 * 0.25;
        }
        (0..4 * n).for_each(|i| acc = (acc * 5 + i) % MOD);
    }
    (acc, accf)
}

/// One worker's state between rounds.
struct Worker<'a> {
    shared: &'a Shared,
    index: usize,
    rng: Rng,
    /// Its `bad` list (wrong reads by channel and kind), and what it held
    /// after the last round.
    bad: Object,
    bad_seen: Vec<i64>,
    /// The debugger channel's value at the end of the last round (a round
    /// carries it from one `loop_debugger` call to the next).
    dbg: u64,
    rounds: u64,
}

impl Worker<'_> {
    /// A `work` round on a random target set, checked.
    fn work_round(&mut self, py: &mut Python<'_>) -> Result<(), Error> {
        let shared = self.shared;
        let slot = self.rng.below(u64::from(shared.args.targets));
        let outer = 1 + self.rng.below(4);
        let n = 16 + self.rng.below(241);
        let acc0 = self.rng.below(MOD as u64) as i64;
        let dbg = self
            .dbg
            .max(shared.debugger_published[self.index].load(Ordering::Acquire));
        let (acc, accf, dbg_after): (f64, f64, f64) = shared
            .function("work")
            .call(py, (self.index, slot, outer, n, acc0, dbg, &self.bad))?;
        self.dbg = dbg_after as u64;
        let c = &shared.counters;
        c.iterations.add(LOOPS * outer * n);
        c.reads_checked.add(outer * READS_PER_ITERATION * n);
        c.checksums_checked.add(2);
        let (want, want_f) = expected_round(outer, n, acc0);
        if acc != want as f64 || accf != want_f {
            c.wrong_checksums.inc();
            shared.fail(format!(
                "worker {} round {}: work(slot {slot}, outer {outer}, n {n}, acc {acc0}) returned checksums ({acc}, {accf}), expected ({want}, {want_f})",
                self.index, self.rounds
            ));
        }
        self.check_reads(py, Some(slot))
    }

    /// Counts the wrong reads the round found (the `bad` list only grows).
    fn check_reads(&mut self, py: &mut Python<'_>, slot: Option<u64>) -> Result<(), Error> {
        let now: Vec<i64> = self.bad.extract(py)?;
        for (i, (&after, before)) in now.iter().zip(self.bad_seen.iter_mut()).enumerate() {
            if after == *before {
                continue;
            }
            let new = (after - *before) as u64;
            *before = after;
            let (channel, kind) = (i / 3, i % 3);
            self.shared.counters.wrong_reads[channel][kind].add(new);
            self.shared.fail(format!(
                "worker {} round {}: {new} {} reads of channel {}{}",
                self.index,
                self.rounds,
                WRONG_READ_KINDS[kind],
                Channel::NAMES[channel],
                slot.map(|s| format!(" (target set {s})"))
                    .unwrap_or_default()
            ));
        }
        Ok(())
    }

    /// A round that switches tracing or profiling on and off mid-loop,
    /// checked.
    fn traced_round(&mut self, py: &mut Python<'_>) -> Result<(), Error> {
        let shared = self.shared;
        let n = 64 + self.rng.below(512);
        let start = self.rng.below(n / 2);
        let stop = start + 1 + self.rng.below(n / 2 - 1);
        let profile = self.rng.one_in(2);
        let (seen, total): (u64, u64) = shared
            .function("traced_round")
            .call(py, (n, start, stop, profile))?;
        let c = &shared.counters;
        c.traced_rounds.inc();
        c.trace_checks.add(2);
        c.iterations.add(n);
        if seen != stop - start || total != n * (n + 1) / 2 {
            c.wrong_traces.inc();
            shared.fail(format!(
                "worker {} round {}: traced_round(n {n}, on after {start}, off after {stop}, profile {profile}) saw {seen} calls and summed {total}; expected {} and {}",
                self.index,
                self.rounds,
                stop - start,
                n * (n + 1) / 2
            ));
        }
        Ok(())
    }
}

/// A worker ends its attachment and attaches again (a fresh interpreter:
/// new thread-local bytecode, tier-1 state and tier-2 counters, entering
/// the executors other threads built) after a round one time in this many.
const REATTACH_ONE_IN: u64 = 64;

/// Worker `index`: rounds until the run stops.
pub(crate) fn run(shared: &Shared, index: usize) {
    let lane = &shared.workers[index];
    let result = (|| {
        let bad: Object = shared
            .rt
            .attach(|py| py.eval(&format!("[0] * {}", 3 * CHANNELS)))?;
        let mut worker = Worker {
            shared,
            index,
            rng: Rng::new(shared.args.seed, index as u64),
            bad,
            bad_seen: vec![0; 3 * CHANNELS],
            dbg: 1,
            rounds: 0,
        };
        while !shared.stopping() {
            shared.rt.attach(|py| worker.attachment(py, lane))?;
            shared.counters.attachments.inc();
        }
        Ok::<(), Error>(())
    })();
    if let Err(e) = result {
        shared.counters.crashes.inc();
        shared.fail(format!("worker {index} failed:\n{e}"));
    }
    lane.set("done");
}

impl Worker<'_> {
    /// Rounds in one attachment, until the run stops or it is time to
    /// attach again.
    fn attachment(&mut self, py: &mut Python<'_>, lane: &super::Lane) -> Result<(), Error> {
        let shared = self.shared;
        shared.worker_idents[self.index].store(py.thread_ident(), Ordering::Release);
        while !shared.stopping() {
            let traced = self.rng.one_in(8);
            lane.set(if traced { "traced round" } else { "work round" });
            let result = if traced {
                self.traced_round(py)
            } else {
                self.work_round(py)
            };
            if let Err(e) = result {
                shared.counters.crashes.inc();
                shared.fail(format!(
                    "worker {} round {} raised:\n{e}",
                    self.index, self.rounds
                ));
                // what the round counted before it raised
                self.check_reads(py, None)?;
            }
            self.rounds += 1;
            shared.counters.rounds.inc();
            lane.step();
            if self.rng.one_in(REATTACH_ONE_IN) {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::expected_round;

    #[test]
    fn the_expected_checksums_follow_the_formula() {
        // one inner iteration of each loop (i = 0), by hand
        let m = 1_000_003;
        let mut acc = 5;
        for (times, plus) in [
            (31, 1),
            (7, 0),
            (11, 1),
            (17, 0),
            (19, 16),
            (13, 17),
            (23, 3),
            (29, 3),
            (3, 1),
        ] {
            acc = (acc * times + plus) % m;
        }
        for i in 0..4 {
            acc = (acc * 5 + i) % m; // loop_debugger runs 4 n
        }
        assert_eq!(expected_round(1, 1, 5), (acc, 0.0));
        let (_, accf) = expected_round(2, 4, 0);
        assert_eq!(accf, 2.0 * (0.25 + 0.5 + 0.75));
    }
}
