//! The report at the end of a Python run, and its verdict.

use std::time::Duration;

use stillpoint_sync::{EventKind, PauseCause, Scope};

use super::{live_bound, Action, Channel, Samples, Shared, WRONG_READ_KINDS};
use crate::{big, micros, threshold_text};

/// Prints the report; returns the exit status (0: every check passed).
pub(crate) fn print(shared: &Shared, samples: &Samples, elapsed: Duration) -> i32 {
    let args = &shared.args;
    let c = &shared.counters;
    let stats = shared.rt.world().stats();
    let t2 = shared.rt.tier2_stats();
    println!(
        "stillpoint-stress --python: {:.1} s, seed {}, {} workers, {} injectors, {} target sets, tier {}, thresholds {:?}{}{}",
        elapsed.as_secs_f64(),
        args.seed,
        args.threads,
        args.injectors,
        args.targets,
        args.tier,
        args.thresholds,
        if args.gc_stress { ", gc-stress" } else { "" },
        args.inject_bug
            .map(|b| format!(", INJECTED BUG {b:?}"))
            .unwrap_or_default()
    );
    let thresholds: Vec<String> = EventKind::ALL
        .iter()
        .map(|&k| format!("{} {}", k.name(), threshold_text(stats.event(k).threshold)))
        .collect();
    println!("thresholds: {}", thresholds.join(", "));
    println!(
        "workers: {} rounds ({} traced) in {} attachments, {} loop iterations",
        big(c.rounds.get()),
        big(c.traced_rounds.get()),
        big(c.attachments.get()),
        big(c.iterations.get())
    );
    let checked = c.reads_checked.get() + c.checksums_checked.get() + c.trace_checks.get();
    println!(
        "results checked: {} ({} channel reads, {} checksums, {} trace counts)",
        big(checked),
        big(c.reads_checked.get()),
        big(c.checksums_checked.get()),
        big(c.trace_checks.get())
    );
    let mut wrong_reads = Vec::new();
    for (channel, kinds) in c.wrong_reads.iter().enumerate() {
        for (kind, n) in kinds.iter().enumerate() {
            if n.get() > 0 {
                wrong_reads.push(format!(
                    "{} {} {}",
                    Channel::NAMES[channel],
                    WRONG_READ_KINDS[kind],
                    big(n.get())
                ));
            }
        }
    }
    println!(
        "wrong results: {} (checksums {}, traces {}, reads: {})",
        big(c.wrong()),
        c.wrong_checksums.get(),
        c.wrong_traces.get(),
        if wrong_reads.is_empty() {
            "none".to_string()
        } else {
            wrong_reads.join(", ")
        }
    );
    println!("crashes: {}", c.crashes.get());
    let actions: Vec<String> = Action::ALL
        .iter()
        .map(|&a| format!("{} {}", a.name(), big(c.actions[a as usize].get())))
        .collect();
    let total_actions: u64 = c.actions.iter().map(|n| n.get()).sum();
    println!(
        "injections: {} ({} debugger writes missed loop_debugger): {}",
        big(total_actions),
        big(c.debugger_misses.get()),
        actions.join(", ")
    );
    let p = &stats.pauses;
    println!(
        "pauses: {}; time to safepoint {}; length {}",
        big(p.count),
        micros(p.time_to_safepoint),
        micros(p.length)
    );
    for (cause, s) in &stats.pauses_by_cause {
        let name = match cause {
            PauseCause::Event(kind) => kind.name().to_string(),
            PauseCause::Collection => "collection".to_string(),
            PauseCause::SoloEnd => "end of solo mode".to_string(),
            PauseCause::Other => "other (debugger reads)".to_string(),
        };
        println!(
            "  {name}: {}; time to safepoint {}; length {}",
            big(s.count),
            micros(s.time_to_safepoint),
            micros(s.length)
        );
    }
    println!("events: kind: invalidating fires / executors invalidated [threshold reached]");
    for chunk in EventKind::ALL.chunks(4) {
        let line: Vec<String> = chunk
            .iter()
            .map(|&kind| {
                let e = stats.event(kind);
                format!(
                    "{}{}: {}/{}{}",
                    kind.name(),
                    if kind.scope() == Scope::Local {
                        "·local"
                    } else {
                        ""
                    },
                    big(e.invalidating_fires),
                    big(e.executors_invalidated),
                    if e.threshold_reached {
                        " [reached]"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        println!("  {}", line.join("; "));
    }
    let e = &stats.executors;
    let invalidated: u64 = stats
        .events
        .iter()
        .map(|e| e.executors_invalidated)
        .sum::<u64>()
        + e.unlinked;
    let bound = live_bound(args);
    println!(
        "executors: created {}, installed {}, install_failed {}, invalidated {}, retired {}, freed {}, live at end {}; live max {} (bound {bound}), pending reclamation max {}, over {} samples",
        big(e.created),
        big(e.installed),
        big(e.install_failed),
        big(invalidated),
        big(e.retired),
        big(e.freed),
        e.live,
        samples.max_live,
        samples.max_pending,
        samples.count
    );
    let fields: Vec<String> = t2
        .fields()
        .iter()
        .map(|(name, n)| format!("{name} {}", big(*n)))
        .collect();
    println!("tier 2: {}", fields.join(", "));
    let steps: Vec<String> = t2
        .top_steps(6)
        .iter()
        .map(|(name, n)| format!("{name} {}", big(*n)))
        .collect();
    if !steps.is_empty() {
        println!(
            "tier 2 steps (tier-1 forms inside executors): {}",
            steps.join(", ")
        );
    }

    let mut problems = Vec::new();
    if c.wrong() > 0 {
        problems.push(format!("{} wrong results", c.wrong()));
    }
    if c.crashes.get() > 0 {
        problems.push(format!("{} crashes", c.crashes.get()));
    }
    if samples.max_live > bound {
        problems.push(format!(
            "{} live executors at once (bound {bound})",
            samples.max_live
        ));
    }
    if c.rounds.get() == 0 {
        problems.push("no round finished".to_string());
    }
    if args.tier == 2 && t2.entries == 0 {
        problems.push("no executor was entered: the run did not test tier 2".to_string());
    }
    for failure in shared.failures() {
        println!("  {failure}");
    }
    if problems.is_empty() {
        println!("verdict: ok");
        0
    } else {
        println!("verdict: FAILED: {}", problems.join(", "));
        1
    }
}
