//! Loom models of every protocol in `stillpoint-sync` (issue 2, models a–i),
//! and the broken variants that show the models have teeth.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p stillpoint-loom-tests --release`
//! (`LOOM_MAX_PREEMPTIONS` defaults to 3 here). Each model prints how many
//! interleavings it explored.
//!
//! "The heap" in these models is a set of `loom::cell::UnsafeCell`s: loom
//! reports any two accesses to one cell that are not ordered by
//! happens-before, so a mutator touching its cell while a pause's action
//! touches it too is caught as a causality violation.
#![cfg(loom)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::AtomicUsize as StdAtomicUsize;
use std::sync::atomic::Ordering::Relaxed as StdRelaxed;

use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;
use stillpoint_sync::{
    EventKind, ExecutorSlot, Fault, PauseCause, Threshold, Watchable, World, WorldConfig,
};

/// Runs `model` under loom at the suite's preemption bound and prints the
/// number of interleavings explored.
fn check(name: &str, model: impl Fn() + Sync + Send + 'static) {
    let iterations = std::sync::Arc::new(StdAtomicUsize::new(0));
    let counted = iterations.clone();
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(3);
    }
    let bound = builder.preemption_bound;
    let start = std::time::Instant::now();
    builder.check(move || {
        counted.fetch_add(1, StdRelaxed);
        model();
    });
    eprintln!(
        "model {name}: {} interleavings at preemption bound {bound:?} in {:.1?}",
        iterations.load(StdRelaxed),
        start.elapsed()
    );
}

/// Asserts that loom finds a failure in `model` (a broken variant), and
/// returns the failure's message.
fn assert_rejected(name: &str, model: impl Fn() + Sync + Send + 'static) -> String {
    let result = catch_unwind(AssertUnwindSafe(|| check(name, model)));
    let payload = result.expect_err("loom accepted a deliberately broken protocol");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    eprintln!("model {name}: rejected as expected: {message}");
    message
}

fn config(fault: Option<Fault>) -> WorldConfig {
    let config = WorldConfig::new();
    match fault {
        Some(fault) => config.inject(fault),
        None => config,
    }
}

/// A heap word that mutators and pause actions touch.
struct Cell(UnsafeCell<u64>);

// SAFETY: sharing is the point of the model: every access goes through
// loom's `UnsafeCell`, which reports the ones not ordered by happens-before.
unsafe impl Sync for Cell {}

impl Cell {
    fn new() -> Self {
        Cell(UnsafeCell::new(0))
    }
    fn touch(&self) {
        // SAFETY: exclusive access is exactly what the model checks: loom
        // reports this write if another access to the cell is concurrent.
        self.0.with_mut(|p| unsafe { *p += 1 });
    }
}

/// A mutator's hot loop: poll at every back-edge until `flag` is set.
/// (loom needs the yield to make progress in a spin loop.)
fn spin_until(m: &stillpoint_sync::Mutator, flag: &AtomicBool) {
    loop {
        m.poll();
        if flag.load(Ordering::Acquire) {
            return;
        }
        thread::yield_now();
    }
}

// ---------------------------------------------------------------- (a)

/// (a) No mutator runs between the start of a pause and its resume:
/// two mutators attach, touch their heap cells, reach a safepoint (one
/// spins in a polling loop, where the pause must park it; the other polls
/// once), touch their cells, detach and re-attach; a host requester's pause
/// action touches both cells. (One spinner per model: two spinners can
/// yield to each other forever, which loom reports as a livelock.)
fn pause_excludes_mutators(fault: Option<Fault>) {
    let world = World::with_config(config(fault));
    let cells = Arc::new([Cell::new(), Cell::new()]);
    let done = Arc::new(AtomicBool::new(false));
    let mutators: Vec<_> = (0..2)
        .map(|i| {
            let (world, cells, done) = (world.clone(), cells.clone(), done.clone());
            thread::spawn(move || {
                let m = world.register();
                m.attach();
                cells[i].touch();
                if i == 0 {
                    spin_until(&m, &done);
                } else {
                    m.poll();
                }
                cells[i].touch();
                m.detach();
                m.attach();
                cells[i].touch();
            })
        })
        .collect();
    world.stop_the_world(|| {
        cells[0].touch();
        cells[1].touch();
    });
    done.store(true, Ordering::Release);
    for t in mutators {
        t.join().unwrap();
    }
}

#[test]
fn a_pause_excludes_mutators() {
    check("a", || pause_excludes_mutators(None));
}

#[test]
fn a_broken_attach_without_cas_is_rejected() {
    assert_rejected("a/attach-without-cas", || {
        pause_excludes_mutators(Some(Fault::AttachWithoutCas))
    });
}

// ---------------------------------------------------------------- (b)

/// (b) Two concurrent requesters, one of them a mutator, and a third thread
/// spinning as a mutator: the actions never overlap each other or the
/// running mutator, and the mutator requester is parked by the other pause
/// while it waits for its own.
#[test]
fn b_two_requesters_one_a_mutator() {
    check("b", || {
        let world = World::new();
        let heap = Arc::new(Cell::new());
        let mine = Arc::new(Cell::new());
        let done = Arc::new(AtomicBool::new(false));
        let requester = {
            let (world, heap) = (world.clone(), heap.clone());
            thread::spawn(move || {
                let m = world.register();
                m.attach();
                m.stop_the_world(|| heap.touch());
                m.poll();
            })
        };
        let runner = {
            let (world, mine, done) = (world.clone(), mine.clone(), done.clone());
            thread::spawn(move || {
                let m = world.register();
                m.attach();
                mine.touch();
                spin_until(&m, &done);
                mine.touch();
            })
        };
        world.stop_the_world(|| {
            heap.touch();
            mine.touch();
        });
        requester.join().unwrap();
        done.store(true, Ordering::Release);
        runner.join().unwrap();
    });
}

// ---------------------------------------------------------------- (c)

/// (c) A mutator detaches (to block) and re-attaches while a pause may be
/// in progress: it never touches the heap inside the pause, and the pause
/// does not wait for it while it is detached.
#[test]
fn c_detach_and_reattach_during_a_pause() {
    check("c", || {
        let world = World::new();
        let cell = Arc::new(Cell::new());
        let t = {
            let (world, cell) = (world.clone(), cell.clone());
            thread::spawn(move || {
                let m = world.register();
                m.attach();
                cell.touch();
                m.detached(|| { /* blocking work, off the heap */ });
                cell.touch();
            })
        };
        world.stop_the_world(|| cell.touch());
        t.join().unwrap();
    });
}

// ---------------------------------------------------------------- (d)

/// (d) Registration and exit during a pause: one thread registers (possibly
/// while the pause is in progress, so it must start suspended) and runs;
/// another exits while it may have been asked to stop. The pause completes
/// and excludes both.
#[test]
fn d_registration_and_exit_during_a_pause() {
    check("d", || {
        let world = World::new();
        let cells = Arc::new([Cell::new(), Cell::new()]);
        let newcomer = {
            let (world, cells) = (world.clone(), cells.clone());
            thread::spawn(move || {
                let m = world.register();
                m.attach();
                cells[0].touch();
            })
        };
        let leaver = {
            let (world, cells) = (world.clone(), cells.clone());
            thread::spawn(move || {
                let m = world.register();
                m.attach();
                cells[1].touch();
                drop(m); // exits attached, perhaps asked to stop
            })
        };
        world.stop_the_world(|| {
            cells[0].touch();
            cells[1].touch();
        });
        newcomer.join().unwrap();
        leaver.join().unwrap();
        assert_eq!(world.mutator_count(), 0);
    });
}

// ---------------------------------------------------------------- (e)

/// (e) Back-to-back pauses from one requester, with one mutator spinning
/// in a polling loop across both and one that polls and re-attaches in
/// between: no lost wake-up
/// (a parked thread always resumes; a lost one deadlocks the model), no
/// stale stop flag (after both pauses the mutators poll freely: a stale
/// flag would park them forever).
#[test]
fn e_back_to_back_pauses() {
    check("e", || {
        let world = World::new();
        let cells = Arc::new([Cell::new(), Cell::new()]);
        let first = Arc::new(AtomicBool::new(false));
        let second = Arc::new(AtomicBool::new(false));
        let mutators: Vec<_> = (0..2)
            .map(|i| {
                let (world, cells) = (world.clone(), cells.clone());
                let (first, second) = (first.clone(), second.clone());
                thread::spawn(move || {
                    let m = world.register();
                    m.attach();
                    cells[i].touch();
                    if i == 0 {
                        spin_until(&m, &first);
                        cells[i].touch();
                        spin_until(&m, &second);
                    } else {
                        m.poll();
                        m.detached(|| ());
                        cells[i].touch();
                    }
                    m.poll();
                    cells[i].touch();
                })
            })
            .collect();
        world.stop_the_world(|| cells.iter().for_each(Cell::touch));
        first.store(true, Ordering::Release);
        world.stop_the_world(|| cells.iter().for_each(Cell::touch));
        second.store(true, Ordering::Release);
        for t in mutators {
            t.join().unwrap();
        }
        assert_eq!(world.stats().pauses.count, 2);
    });
}

// ---------------------------------------------------------------- (f)

/// (f) A fire racing an install: an installed executor whose dependency
/// fired after the optimizer took it must end up invalid.
fn fire_races_install(fault: Option<Fault>) {
    let world =
        World::with_config(config(fault).threshold(EventKind::ClassAttrSet, Threshold::Never));
    let class = Arc::new(Watchable::new(EventKind::ClassAttrSet));
    let slot = Arc::new(ExecutorSlot::<u32>::new());
    let firer = {
        let (world, class) = (world.clone(), class.clone());
        thread::spawn(move || world.fire(EventKind::ClassAttrSet, Some(&class), || ()))
    };
    let dep = world
        .assume_object(&class)
        .expect("Never is always assumed");
    let observed = dep.observed();
    let installed = world.install(&slot, 7, &[dep]).is_ok();
    firer.join().unwrap();
    let m = world.register();
    m.attach();
    let alive = slot.enter(&m).is_some();
    if installed && observed == 0 {
        // The fire came after the assumption: it must have been noticed.
        assert!(!alive, "an executor survived a fire of its dependency");
    }
}

#[test]
fn f_fire_racing_install() {
    check("f", || fire_races_install(None));
}

#[test]
fn f_broken_install_check_outside_lock_is_rejected() {
    let message = assert_rejected("f/check-before-locking", || {
        fire_races_install(Some(Fault::InstallChecksBeforeLocking))
    });
    assert!(
        message.contains("survived"),
        "rejected for another reason: {message}"
    );
}

// ---------------------------------------------------------------- (g)

/// (g) A threshold crossing (threshold 1) raced by two firing threads and
/// an installer: exactly one pause, none after the threshold, and the
/// executor that assumed the event does not survive.
fn threshold_crossing(fault: Option<Fault>) {
    let kind = EventKind::FunctionModified;
    let world = World::with_config(config(fault).threshold(kind, Threshold::After(1)));
    let slot = Arc::new(ExecutorSlot::<u32>::new());
    let applied = Arc::new(AtomicUsize::new(0));
    let firers: Vec<_> = (0..2)
        .map(|_| {
            let (world, applied) = (world.clone(), applied.clone());
            thread::spawn(move || {
                world.fire(kind, None, || {
                    applied.fetch_add(1, Ordering::Relaxed);
                })
            })
        })
        .collect();
    let assumed = world.assume(kind);
    let installed = assumed.is_some_and(|dep| world.install(&slot, 1, &[dep]).is_ok());
    for t in firers {
        t.join().unwrap();
    }
    assert_eq!(
        applied.load(Ordering::Relaxed),
        2,
        "every fire applies its mutation"
    );
    let stats = world.stats();
    assert_eq!(
        stats.pauses_for(PauseCause::Event(kind)).count,
        1,
        "a threshold of 1 allows exactly one pause"
    );
    assert_eq!(world.global_count(kind), 1);
    assert!(!world.may_assume(kind));
    let m = world.register();
    m.attach();
    if installed {
        assert!(
            slot.enter(&m).is_none(),
            "a dependent survived the threshold crossing"
        );
    }
}

#[test]
fn g_threshold_crossing() {
    check("g", || threshold_crossing(None));
}

#[test]
fn g_broken_fire_without_recheck_is_rejected() {
    let message = assert_rejected("g/no-recheck", || {
        threshold_crossing(Some(Fault::FireWithoutRecheck))
    });
    assert!(
        message.contains("exactly one pause"),
        "rejected for another reason: {message}"
    );
}

// ---------------------------------------------------------------- (h)

/// What the model's executor payload guards: a word outside the payload
/// that the payload's drop poisons, so a use after free shows up as a
/// causality violation on that word without touching freed memory.
struct Canary(Arc<Flag>);

/// A loom-checked boolean shared between threads.
struct Flag(UnsafeCell<bool>);

// SAFETY: as for `Cell`: loom checks every access.
unsafe impl Sync for Flag {}

impl Drop for Canary {
    fn drop(&mut self) {
        // SAFETY: the access is what the model checks (see `Cell::touch`).
        self.0 .0.with_mut(|freed| unsafe { *freed = true });
    }
}

/// (h) Reclamation: an executor is never freed while a thread is inside
/// it, and it is freed eventually.
fn reclamation(fault: Option<Fault>) {
    let world =
        World::with_config(config(fault).threshold(EventKind::ClassAttrSet, Threshold::Never));
    let class = Arc::new(Watchable::new(EventKind::ClassAttrSet));
    // A second dependency that never fires keeps the executor's core
    // registered (alive), so that even a broken variant only frees the
    // payload, never memory the reader dereferences.
    let never = Watchable::new(EventKind::ClassAttrSet);
    let slot = Arc::new(ExecutorSlot::<Canary>::new());
    let freed = Arc::new(Flag(UnsafeCell::new(false)));
    let deps = [
        world.assume_object(&class).unwrap(),
        world.assume_object(&never).unwrap(),
    ];
    world.install(&slot, Canary(freed.clone()), &deps).unwrap();
    let reader = {
        let (world, slot, freed) = (world.clone(), slot.clone(), freed.clone());
        thread::spawn(move || {
            let m = world.register();
            m.attach();
            if let Some(executor) = slot.enter(&m) {
                // SAFETY: the read is what the model checks.
                let was_freed = freed.0.with(|f| unsafe { *f });
                assert!(!was_freed, "entered a freed executor");
                let _ = executor.is_valid();
            }
            m.poll();
        })
    };
    world.fire(EventKind::ClassAttrSet, Some(&class), || ());
    world.reclaim();
    reader.join().unwrap();
    world.reclaim();
    let stats = world.stats().executors;
    assert_eq!(stats.freed, 1, "the retired executor is freed eventually");
    assert_eq!(stats.live, 0);
}

#[test]
fn h_reclamation() {
    check("h", || reclamation(None));
}

#[test]
fn h_broken_free_without_grace_period_is_rejected() {
    assert_rejected("h/no-grace-period", || {
        reclamation(Some(Fault::FreeWithoutGracePeriod))
    });
}

/// (h2) Reclamation across a pause: a global event retires the executor
/// inside the pause while the reader (the main thread, already inside the
/// executor) may be parked inside it (its sequence must not advance) or,
/// later, outside it (the resume advances it); the executor is freed after
/// the resume and never while the reader can still use it.
fn reclamation_across_a_pause(fault: Option<Fault>) {
    let kind = EventKind::DebuggerSetLocal;
    let world = World::with_config(config(fault));
    let never = Watchable::new(EventKind::Instrumentation);
    let slot = ExecutorSlot::<Canary>::new();
    let freed = Arc::new(Flag(UnsafeCell::new(false)));
    let deps = [
        world.assume(kind).unwrap(),
        world.assume_object(&never).unwrap(),
    ];
    world.install(&slot, Canary(freed.clone()), &deps).unwrap();
    let m = world.register();
    m.attach();
    let executor = slot.enter(&m).expect("nothing fired yet");
    let fired = Arc::new(AtomicBool::new(false));
    let firer = {
        let (world, fired) = (world.clone(), fired.clone());
        thread::spawn(move || {
            world.fire(kind, None, || ());
            fired.store(true, Ordering::Release);
        })
    };
    // A hot loop inside the executor, polling at its back-edge until the
    // event is seen: the pause must park it here, inside.
    spin_until(&m, &fired);
    assert!(!executor.is_valid(), "the fire invalidated the executor");
    // SAFETY: the read is what the model checks.
    let was_freed = freed.0.with(|f| unsafe { *f });
    assert!(!was_freed, "used a freed executor after a pause");
    drop(executor);
    m.poll(); // may park outside every executor
    m.detached(|| firer.join().unwrap());
    drop(m);
    world.reclaim();
    assert_eq!(world.stats().executors.freed, 1, "freed eventually");
}

#[test]
fn h2_reclamation_across_a_pause() {
    check("h2", || reclamation_across_a_pause(None));
}

#[test]
fn h2_broken_free_without_grace_period_is_rejected() {
    assert_rejected("h2/no-grace-period", || {
        reclamation_across_a_pause(Some(Fault::FreeWithoutGracePeriod))
    });
}

// ---------------------------------------------------------------- (i)

/// (i) Local events invalidate without a pause: a thread that synchronizes
/// with the firing thread afterwards (here through a flag it reads with
/// acquire) sees the executor invalid at its next check.
#[test]
fn i_local_invalidation_is_visible_after_synchronization() {
    check("i", || {
        let world = World::with_config(
            WorldConfig::new().threshold(EventKind::GlobalSet, Threshold::Never),
        );
        let module = Arc::new(Watchable::new(EventKind::GlobalSet));
        let slot = Arc::new(ExecutorSlot::<u32>::new());
        let dep = world.assume_object(&module).unwrap();
        world.install(&slot, 3, &[dep]).unwrap();
        let fired = Arc::new(AtomicBool::new(false));
        let firer = {
            let (world, module, fired) = (world.clone(), module.clone(), fired.clone());
            thread::spawn(move || {
                world.fire(EventKind::GlobalSet, Some(&module), || ());
                fired.store(true, Ordering::Release);
            })
        };
        let m = world.register();
        m.attach();
        if let Some(executor) = slot.enter(&m) {
            if fired.load(Ordering::Acquire) {
                assert!(
                    !executor.is_valid(),
                    "a synchronized reader saw a stale executor"
                );
            }
        }
        drop(m);
        firer.join().unwrap();
    });
}

/// (i2) The fire that reaches a local threshold races a later fire that
/// finds the threshold reached and takes the lock-free path: a reader that
/// synchronizes with the later fire must still see the executor invalid
/// (the counter may show the threshold only once the dependents are
/// invalidated).
fn after_threshold_fire(fault: Option<Fault>) {
    {
        let world = World::with_config(
            config(fault).threshold(EventKind::ClassAttrSet, Threshold::After(1)),
        );
        let class = Arc::new(Watchable::new(EventKind::ClassAttrSet));
        let slot = ExecutorSlot::<u32>::new();
        let dep = world.assume_object(&class).unwrap();
        world.install(&slot, 5, &[dep]).unwrap();
        let fired = Arc::new(AtomicBool::new(false));
        let crossing = {
            let (world, class) = (world.clone(), class.clone());
            thread::spawn(move || world.fire(EventKind::ClassAttrSet, Some(&class), || ()))
        };
        let later = {
            let (world, class, fired) = (world.clone(), class.clone(), fired.clone());
            thread::spawn(move || {
                world.fire(EventKind::ClassAttrSet, Some(&class), || ());
                fired.store(true, Ordering::Release);
            })
        };
        let m = world.register();
        m.attach();
        if let Some(executor) = slot.enter(&m) {
            if fired.load(Ordering::Acquire) {
                assert!(
                    !executor.is_valid(),
                    "a fire returned while a stale executor was still valid"
                );
            }
        }
        drop(m);
        crossing.join().unwrap();
        later.join().unwrap();
    }
}

#[test]
fn i2_after_threshold_fire_orders_after_the_invalidation() {
    check("i2", || after_threshold_fire(None));
}

#[test]
fn i2_broken_count_before_invalidating_is_rejected() {
    let message = assert_rejected("i2/count-first", || {
        after_threshold_fire(Some(Fault::CountBeforeInvalidating))
    });
    assert!(
        message.contains("stale executor"),
        "rejected for another reason: {message}"
    );
}

/// (j) A service request (how the heap asks for a collection) survives a
/// concurrent pause and a detach/re-attach, and runs exactly once, at the
/// requesting thread's next `poll_with`.
#[test]
fn j_service_request_survives_pauses_and_runs_once() {
    check("j", || {
        let world = World::new();
        let done = Arc::new(AtomicBool::new(false));
        let mutator = {
            let (world, done) = (world.clone(), done.clone());
            thread::spawn(move || {
                let m = world.register();
                m.attach();
                m.request_service();
                m.detached(|| ());
                let mut runs = 0;
                loop {
                    m.poll_with(|_| runs += 1);
                    if done.load(Ordering::Acquire) {
                        break;
                    }
                    thread::yield_now();
                }
                m.poll_with(|_| runs += 1);
                assert_eq!(runs, 1, "the requested service runs exactly once");
            })
        };
        world.stop_the_world(|| ());
        done.store(true, Ordering::Release);
        mutator.join().unwrap();
    });
}

// ---------------------------------------------------------------- (k)

/// An object with the runtime's lock (`ObjectRawLock`): a word taken by a
/// compare-exchange from even to odd and released by a store, asked
/// nothing while solo mode lasts, so that the elided sections are unordered
/// by the word and only the pause that ends solo mode can order them.
struct LockedCell {
    word: AtomicUsize,
    data: UnsafeCell<u64>,
}

// SAFETY: as for `Cell`: loom reports every unordered access to `data`.
unsafe impl Sync for LockedCell {}

impl LockedCell {
    fn new() -> Self {
        LockedCell {
            word: AtomicUsize::new(0),
            data: UnsafeCell::new(0),
        }
    }

    /// One critical section.
    fn update(&self) {
        if !stillpoint_sync::is_solo() {
            while self
                .word
                .compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
            {
                thread::yield_now();
            }
        }
        // SAFETY: what the model checks: loom reports this write if another
        // critical section's is concurrent with it.
        self.data.with_mut(|p| unsafe { *p += 1 });
        // Releases only a word it took (an elided section left it even).
        if self.word.load(Ordering::Relaxed) == 1 {
            self.word.store(0, Ordering::Release);
        }
    }
}

/// (k) Solo mode ends in a pause: in a world with lock elision, one
/// mutator runs critical sections on an object (elided while solo mode
/// lasts) with a safepoint between them; a second registers, attaches
/// (ending solo mode) and runs a locked critical section on the same
/// object. No two critical sections overlap, whichever registers first.
fn solo_ends_in_a_pause(fault: Option<Fault>) {
    let world = World::with_config(config(fault).lock_elision(true));
    let object = Arc::new(LockedCell::new());
    let done = Arc::new(AtomicBool::new(false));
    let first = {
        let (world, object, done) = (world.clone(), object.clone(), done.clone());
        thread::spawn(move || {
            let m = world.register();
            m.attach();
            loop {
                object.update();
                m.poll();
                if done.load(Ordering::Acquire) {
                    break;
                }
                thread::yield_now();
            }
            object.update();
        })
    };
    let m = world.register();
    m.attach();
    object.update();
    done.store(true, Ordering::Release);
    drop(m);
    first.join().unwrap();
}

#[test]
fn k_solo_mode_ends_in_a_pause() {
    check("k", || solo_ends_in_a_pause(None));
}

#[test]
fn k_broken_end_of_solo_without_a_pause_is_rejected() {
    let message = assert_rejected("k/end-solo-without-pause", || {
        solo_ends_in_a_pause(Some(Fault::EndSoloWithoutPause))
    });
    assert!(
        message.to_lowercase().contains("causality") || message.contains("concurrent"),
        "rejected for another reason: {message}"
    );
}
