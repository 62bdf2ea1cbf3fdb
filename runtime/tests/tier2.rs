//! Tier 2 under the events of DESIGN §2, checked through the statistics:
//! for each event kind, a hot loop runs in an executor, sees the event at
//! once when it fires inside the loop, a loop spinning in another thread on
//! what the event changes stops, the executors that assumed the event are
//! invalidated, and past the event's threshold the event no longer pauses
//! or invalidates while the loop still runs in an executor. The `tier2_*`
//! programs of the conformance corpus check the same against CPython's
//! output; this file checks what only the statistics show, and the
//! command-line options `-X notier2` and `-X threshold=`.
//!
//! Every kind has a `*_is_seen_*` test (what must hold whatever tier 2
//! assumes) and an `*_invalidates_*` test (the executors that assumed the
//! event are thrown away by it).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use stillpoint::object::ObjectData;
use stillpoint::tier2::Tier2Stats;
use stillpoint::{EventKind, Runtime, Threshold, Value};
use stillpoint_sync::{PauseCause, Scope};

/// Iterations of every hot loop (executors are built after a few dozen).
const N: i64 = 3000;

/// Where a loop fires its event.
const FIRE_AT: i64 = N / 2;

/// How long a spinning thread may take to see a change before the test
/// calls it lost (it normally takes microseconds).
const SPIN_LIMIT: Duration = Duration::from_secs(60);

/// A runtime that collects statistics, with the default thresholds.
fn runtime() -> Arc<Runtime> {
    let rt = Runtime::new();
    rt.set_collect_stats(true);
    Arc::new(rt)
}

/// A runtime that collects statistics, with `kind`'s threshold raised so
/// that resetting a case between runs leaves it assumable.
fn runtime_assuming(kind: EventKind) -> Arc<Runtime> {
    let world = stillpoint_sync::WorldConfig::new().threshold(kind, Threshold::After(1000));
    let rt = Runtime::with_configs(stillpoint_gc::HeapConfig::default(), world);
    rt.set_collect_stats(true);
    Arc::new(rt)
}

/// Runs `source` as a fresh module (each run gets its own name) and
/// returns its int `r`. Its interpreter ends before this returns, so its
/// tier-2 statistics are in the runtime's.
fn run_int(rt: &Runtime, source: &str) -> i64 {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("step{}", NEXT.fetch_add(1, Ordering::Relaxed));
    rt.attach_interp(|i| {
        let m = match i.exec_module(&name, source) {
            Ok(m) => m,
            Err(e) => panic!("{name} raised: {}\n{source}", i.format_exception(e)),
        };
        i.push_root(m);
        let r = i.get_attr(m, i.new_str("r")).expect("the step sets r");
        r.as_inline_int().expect("r is an int")
    })
}

/// Runs `source` as module `name` (what the steps import).
fn define(rt: &Runtime, name: &str, source: &str) {
    rt.attach_interp(|i| {
        if let Err(e) = i.exec_module(name, source) {
            panic!("{name} raised: {}", i.format_exception(e));
        }
    });
}

/// The statistics a check compares before and after a step.
#[derive(Clone, Debug)]
struct Snapshot {
    tier2: Tier2Stats,
    invalidating_fires: u64,
    executors_invalidated: u64,
    threshold_reached: bool,
    pauses: u64,
}

impl Snapshot {
    fn take(rt: &Runtime, kind: EventKind) -> Snapshot {
        let sync = rt.world().stats();
        let ev = &sync.events[kind.index()];
        Snapshot {
            tier2: rt.tier2_stats(),
            invalidating_fires: ev.invalidating_fires,
            executors_invalidated: ev.executors_invalidated,
            threshold_reached: ev.threshold_reached,
            pauses: sync
                .pauses_by_cause
                .iter()
                .find(|(cause, _)| *cause == PauseCause::Event(kind))
                .map_or(0, |(_, p)| p.count),
        }
    }
}

/// What changed between two snapshots.
#[derive(Debug)]
struct Delta {
    entries: u64,
    uops: u64,
    projected: u64,
    exits_invalidated: u64,
    invalidating_fires: u64,
    executors_invalidated: u64,
    pauses: u64,
}

impl Delta {
    fn between(a: &Snapshot, b: &Snapshot) -> Delta {
        Delta {
            entries: b.tier2.entries - a.tier2.entries,
            uops: b.tier2.uops - a.tier2.uops,
            projected: b.tier2.projected - a.tier2.projected,
            exits_invalidated: b.tier2.exits_invalidated - a.tier2.exits_invalidated,
            invalidating_fires: b.invalidating_fires - a.invalidating_fires,
            executors_invalidated: b.executors_invalidated - a.executors_invalidated,
            pauses: b.pauses - a.pauses,
        }
    }

    /// The step ran (most of) its loop in executors.
    fn ran_in_executor(&self, what: &str) {
        assert!(
            self.entries > 0,
            "{what}: no executor was entered: {self:?}"
        );
        assert!(
            self.uops as i64 >= N,
            "{what}: too few micro-ops for a {N}-iteration loop: {self:?}"
        );
    }
}

/// An event kind as Python code fires it. `source` defines, as module `m`:
///
/// - `hot(n, fire_at)`: a loop of `n` iterations whose int result depends
///   on what the event changes, firing the event itself at iteration
///   `fire_at` (never when it is -1);
/// - `reset()`: the state before the event (it may fire the event too);
/// - `fire_many(k)`: fires the event `k` times, then resets;
/// - `spin()`: a loop that runs while what the event changes says so, and
///   returns its iteration count; `stop()` fires the event that ends it.
struct Case {
    kind: EventKind,
    source: &'static str,
    /// `hot(N, -1)`.
    cold: i64,
    /// `hot(N, FIRE_AT)` after `reset()`.
    fired: i64,
}

/// Executors installed in `rt` so far.
fn installed(rt: &Runtime) -> u64 {
    rt.world().stats().executors.installed
}

/// Waits until `rt` has installed more than `before` executors (a thread's
/// loop got one; it enters it at once), then a little longer so that the
/// loop runs in it a while.
fn wait_for_install(rt: &Runtime, before: u64) {
    let deadline = std::time::Instant::now() + SPIN_LIMIT;
    while installed(rt) <= before {
        assert!(
            std::time::Instant::now() < deadline,
            "no executor was installed"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(20));
}

/// Starts `m.spin()` on a new thread of `rt`; the receiver gets its result.
/// Returns once the thread runs its loop in an executor.
fn start_spinner(rt: &Arc<Runtime>) -> mpsc::Receiver<i64> {
    start_call(rt, "m", "spin")
}

/// Starts `module.func()` on a new thread of `rt`; the receiver gets its
/// result. Returns once the thread runs its loop in an executor.
fn start_call(rt: &Arc<Runtime>, module: &'static str, func: &'static str) -> mpsc::Receiver<i64> {
    let before = installed(rt);
    let (done_tx, done_rx) = mpsc::channel();
    let rt2 = rt.clone();
    std::thread::spawn(move || {
        let n = rt2.attach_interp(|i| {
            let m = stillpoint::modules::import(i, i.new_str(module)).expect("module defined");
            i.push_root(m);
            let f = i.get_attr(m, i.new_str(func)).expect("the function");
            i.push_root(f);
            match i.call_value(f, &[], &[]) {
                Ok(v) => v.as_inline_int().expect("an int result"),
                Err(e) => panic!("{func}() raised: {}", i.format_exception(e)),
            }
        });
        let _ = done_tx.send(n);
    });
    wait_for_install(rt, before);
    done_rx
}

/// Fires `m.stop()` from this thread while `m.spin()` runs on another, and
/// returns how the spinner ended (the statistics delta covers both).
fn stop_spinner(rt: &Arc<Runtime>, kind: EventKind) -> (i64, Delta) {
    let before = Snapshot::take(rt, kind);
    let done = start_spinner(rt);
    assert_eq!(run_int(rt, "import m\nm.stop()\nr = 0\n"), 0);
    let spins = done
        .recv_timeout(SPIN_LIMIT)
        .unwrap_or_else(|_| panic!("{kind:?}: the spinning thread never saw the change"));
    (spins, Delta::between(&before, &Snapshot::take(rt, kind)))
}

/// What every event kind must do, whether or not tier 2 assumes it yet:
/// the change is seen at once by the loop that fires it and by a loop
/// spinning on it in another thread, both running in executors, and past
/// the threshold the event no longer pauses or invalidates while the loop
/// still runs in an executor and computes the right result.
fn check_seen(case: &Case) {
    let kind = case.kind;
    // Another thread spins, in an executor, until this one fires.
    let rt = runtime();
    define(&rt, "m", case.source);
    let (spins, spin) = stop_spinner(&rt, kind);
    assert!(spins > 0, "{kind:?}: the spinner ran");
    spin.ran_in_executor(&format!("{kind:?} spinner"));

    // The loop itself, cold (no event) and firing inside the loop.
    let rt = runtime();
    define(&rt, "m", case.source);
    let s0 = Snapshot::take(&rt, kind);
    assert_eq!(
        run_int(&rt, &format!("import m\nr = m.hot({N}, -1)\n")),
        case.cold,
        "{kind:?}: the loop without the event"
    );
    let s1 = Snapshot::take(&rt, kind);
    Delta::between(&s0, &s1).ran_in_executor(&format!("{kind:?} cold loop"));
    assert_eq!(
        run_int(
            &rt,
            &format!("import m\nm.reset()\nr = m.hot({N}, {FIRE_AT})\n")
        ),
        case.fired,
        "{kind:?}: the loop that fires the event sees it at once"
    );
    let s2 = Snapshot::take(&rt, kind);
    let fired = Delta::between(&s1, &s2);
    fired.ran_in_executor(&format!("{kind:?} firing loop"));
    assert!(fired.invalidating_fires > 0, "{kind:?} fired: {fired:?}");

    // Far past the threshold.
    assert_eq!(run_int(&rt, "import m\nm.fire_many(40)\nr = 0\n"), 0);
    let s3 = Snapshot::take(&rt, kind);
    if matches!(kind.default_threshold(), Threshold::After(_)) && kind.scope() == Scope::Global {
        assert!(s3.threshold_reached, "{kind:?}: threshold reached");
    }
    // Past it: the same loop, firing the event, still runs in an executor
    // and sees the change, and the event neither pauses nor invalidates.
    assert_eq!(
        run_int(
            &rt,
            &format!("import m\nm.reset()\nr = m.hot({N}, {FIRE_AT})\n")
        ),
        case.fired,
        "{kind:?}: the loop past the threshold"
    );
    let s4 = Snapshot::take(&rt, kind);
    let after = Delta::between(&s3, &s4);
    after.ran_in_executor(&format!("{kind:?} loop past the threshold"));
    assert_eq!(
        after.pauses, 0,
        "{kind:?} paused past its threshold: {after:?}"
    );
    assert_eq!(
        after.invalidating_fires, 0,
        "{kind:?} invalidated past its threshold: {after:?}"
    );
    assert_eq!(after.executors_invalidated, 0, "{kind:?}: {after:?}");
    assert_eq!(after.exits_invalidated, 0, "{kind:?}: {after:?}");

    // A spinner past the threshold still stops.
    let (spins, spin) = stop_spinner(&rt, kind);
    assert!(spins > 0);
    spin.ran_in_executor(&format!("{kind:?} spinner past the threshold"));
    assert_eq!(spin.pauses, 0, "{kind:?}: {spin:?}");
}

/// What tier 2 does for an event it assumes away: the executors built on
/// the assumption are invalidated by the fire (the firing loop's own
/// executor and the spinner's, each leaving through its validity check),
/// a global kind pauses the world below its threshold, and the loops run
/// in executors again afterwards.
fn check_invalidates(case: &Case) {
    let kind = case.kind;
    let rt = runtime();
    define(&rt, "m", case.source);
    let (_, spin) = stop_spinner(&rt, kind);
    assert!(
        spin.executors_invalidated > 0,
        "{kind:?}: the spinner's executor depended on the event: {spin:?}"
    );
    assert!(
        spin.exits_invalidated > 0,
        "{kind:?}: the spinner left its executor through the validity check: {spin:?}"
    );
    if kind.scope() == Scope::Global {
        assert_eq!(spin.pauses, 1, "{kind:?} paused the world: {spin:?}");
    }

    // `reset` fires the event too: raise a threshold of 1 for this part.
    let rt = runtime_assuming(kind);
    define(&rt, "m", case.source);
    run_int(&rt, &format!("import m\nr = m.hot({N}, -1)\n"));
    let s1 = Snapshot::take(&rt, kind);
    run_int(
        &rt,
        &format!("import m\nm.reset()\nr = m.hot({N}, {FIRE_AT})\n"),
    );
    let fired = Delta::between(&s1, &Snapshot::take(&rt, kind));
    assert!(
        fired.executors_invalidated > 0,
        "{kind:?}: the firing loop's executor depended on the event: {fired:?}"
    );
    assert!(
        fired.exits_invalidated > 0,
        "{kind:?}: the firing loop left its executor through the validity check: {fired:?}"
    );
    assert!(
        fired.projected > 0,
        "{kind:?}: the loop got a new executor after the fire: {fired:?}"
    );
}

// --- The cases -----------------------------------------------------------

const CLASS_ATTR_SET: Case = Case {
    kind: EventKind::ClassAttrSet,
    source: "\
class C:
    x = 1
def reset():
    C.x = 1
def hot(n, fire_at):
    t = 0
    for i in range(n):
        t += C.x
        if i == fire_at:
            C.x = 3
    return t
def fire_many(k):
    for j in range(k):
        C.x = j
    reset()
class Flag:
    on = True
def spin():
    n = 0
    while Flag.on:
        n += 1
    return n
def stop():
    Flag.on = False
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

const CLASS_ATTR_SET_ON_BASE: Case = Case {
    kind: EventKind::ClassAttrSet,
    source: "\
class Base:
    x = 1
class Middle(Base):
    pass
class Leaf(Middle):
    pass
def reset():
    Base.x = 1
def hot(n, fire_at):
    t = 0
    for i in range(n):
        t += Leaf.x
        if i == fire_at:
            Base.x = 3
    return t
def fire_many(k):
    for j in range(k):
        Base.x = j
    reset()
class FlagBase:
    on = True
class Flag(FlagBase):
    pass
def spin():
    n = 0
    while Flag.on:
        n += 1
    return n
def stop():
    FlagBase.on = False
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

const CLASS_SET: Case = Case {
    kind: EventKind::ClassSet,
    source: "\
class A:
    def v(self):
        return 1
class B:
    def v(self):
        return 3
obj = A()
def reset():
    obj.__class__ = A
def hot(n, fire_at):
    t = 0
    for i in range(n):
        t += obj.v()
        if i == fire_at:
            obj.__class__ = B
    return t
def fire_many(k):
    for j in range(k):
        obj.__class__ = B if j % 2 == 0 else A
    reset()
class Going:
    def going(self):
        return True
class Done:
    def going(self):
        return False
task = Going()
def spin():
    n = 0
    while task.going():
        n += 1
    return n
def stop():
    task.__class__ = Done
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

const BASES_SET: Case = Case {
    kind: EventKind::BasesSet,
    source: "\
class Small:
    size = 1
class Large:
    size = 3
class Item(Small):
    pass
item = Item()
def reset():
    Item.__bases__ = (Small,)
def hot(n, fire_at):
    t = 0
    for i in range(n):
        t += item.size
        if i == fire_at:
            Item.__bases__ = (Large,)
    return t
def fire_many(k):
    for j in range(k):
        Item.__bases__ = (Large,) if j % 2 == 0 else (Small,)
    reset()
class Going:
    def going(self):
        return True
class Done:
    def going(self):
        return False
class Task(Going):
    pass
task = Task()
def spin():
    n = 0
    while task.going():
        n += 1
    return n
def stop():
    Task.__bases__ = (Done,)
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

const FUNCTION_CODE_SET: Case = Case {
    kind: EventKind::FunctionModified,
    source: "\
def one():
    return 1
def three():
    return 3
original = one.__code__
def reset():
    one.__code__ = original
def hot(n, fire_at):
    t = 0
    for i in range(n):
        t += one()
        if i == fire_at:
            one.__code__ = three.__code__
    return t
def fire_many(k):
    for j in range(k):
        one.__code__ = three.__code__ if j % 2 == 0 else original
    reset()
def going():
    return True
def done():
    return False
def spin():
    n = 0
    while going():
        n += 1
    return n
def stop():
    going.__code__ = done.__code__
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

const FUNCTION_DEFAULTS_SET: Case = Case {
    kind: EventKind::FunctionModified,
    source: "\
def value(x=1):
    return x
def reset():
    value.__defaults__ = (1,)
def hot(n, fire_at):
    t = 0
    for i in range(n):
        t += value()
        if i == fire_at:
            value.__defaults__ = (3,)
    return t
def fire_many(k):
    for j in range(k):
        value.__defaults__ = (j,)
    reset()
def going(on=True):
    return on
def spin():
    n = 0
    while going():
        n += 1
    return n
def stop():
    going.__defaults__ = (False,)
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

const FUNCTION_KWDEFAULTS_SET: Case = Case {
    kind: EventKind::FunctionModified,
    source: "\
def value(*, x=1):
    return x
def reset():
    value.__kwdefaults__ = {'x': 1}
def hot(n, fire_at):
    t = 0
    for i in range(n):
        t += value()
        if i == fire_at:
            value.__kwdefaults__ = {'x': 3}
    return t
def fire_many(k):
    for j in range(k):
        value.__kwdefaults__ = {'x': j}
    reset()
def going(*, on=True):
    return on
def spin():
    n = 0
    while going():
        n += 1
    return n
def stop():
    going.__kwdefaults__ = {'on': False}
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

const PROPERTY_REINIT: Case = Case {
    kind: EventKind::DescriptorMutated,
    source: "\
def get_one(self):
    return 1
def get_three(self):
    return 3
class Box:
    size = property(get_one)
box = Box()
def reset():
    Box.__dict__['size'].__init__(get_one)
def hot(n, fire_at):
    t = 0
    for i in range(n):
        t += box.size
        if i == fire_at:
            Box.__dict__['size'].__init__(get_three)
    return t
def fire_many(k):
    for j in range(k):
        Box.__dict__['size'].__init__(get_three if j % 2 == 0 else get_one)
    reset()
def yes(self):
    return True
def no(self):
    return False
class Task:
    on = property(yes)
task = Task()
def spin():
    n = 0
    while task.on:
        n += 1
    return n
def stop():
    Task.__dict__['on'].__init__(no)
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

const STATICMETHOD_REINIT: Case = Case {
    kind: EventKind::DescriptorMutated,
    source: "\
def one():
    return 1
def three():
    return 3
class Ops:
    value = staticmethod(one)
def reset():
    Ops.__dict__['value'].__init__(one)
def hot(n, fire_at):
    t = 0
    for i in range(n):
        t += Ops.value()
        if i == fire_at:
            Ops.__dict__['value'].__init__(three)
    return t
def fire_many(k):
    for j in range(k):
        Ops.__dict__['value'].__init__(three if j % 2 == 0 else one)
    reset()
def yes():
    return True
def no():
    return False
class Task:
    on = staticmethod(yes)
task = Task()
def spin():
    n = 0
    while task.on():
        n += 1
    return n
def stop():
    Task.__dict__['on'].__init__(no)
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

const CLASSMETHOD_REINIT: Case = Case {
    kind: EventKind::DescriptorMutated,
    source: "\
def one(cls):
    return 1
def three(cls):
    return 3
class Ops:
    value = classmethod(one)
def reset():
    Ops.__dict__['value'].__init__(one)
def hot(n, fire_at):
    t = 0
    for i in range(n):
        t += Ops.value()
        if i == fire_at:
            Ops.__dict__['value'].__init__(three)
    return t
def fire_many(k):
    for j in range(k):
        Ops.__dict__['value'].__init__(three if j % 2 == 0 else one)
    reset()
def yes(cls):
    return True
def no(cls):
    return False
class Task:
    on = classmethod(yes)
def spin():
    n = 0
    while Task.on():
        n += 1
    return n
def stop():
    Task.__dict__['on'].__init__(no)
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

const BUILTIN_REBOUND: Case = Case {
    kind: EventKind::BuiltinModified,
    source: "\
import builtins
real_abs = builtins.abs
def three(x):
    return 3
def reset():
    builtins.abs = real_abs
def hot(n, fire_at):
    t = 0
    for i in range(n):
        t += abs(-1)
        if i == fire_at:
            builtins.abs = three
    return t
def fire_many(k):
    for j in range(k):
        builtins.abs = three if j % 2 == 0 else real_abs
    reset()
builtins.keep_spinning = True
def spin():
    n = 0
    while keep_spinning:
        n += 1
    return n
def stop():
    builtins.keep_spinning = False
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

const GLOBAL_REBOUND: Case = Case {
    kind: EventKind::GlobalSet,
    source: "\
rate = 1
def reset():
    global rate
    rate = 1
def hot(n, fire_at):
    global rate
    t = 0
    for i in range(n):
        t += rate
        if i == fire_at:
            rate = 3
    return t
def fire_many(k):
    global rate
    for j in range(k):
        rate = j
    reset()
running = True
def spin():
    n = 0
    while running:
        n += 1
    return n
def stop():
    global running
    running = False
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

const GLOBAL_DELETED: Case = Case {
    kind: EventKind::GlobalSet,
    source: "\
def shadow(x):
    return 1
len = shadow
items = [1, 2, 3]
def reset():
    global len
    len = shadow
def hot(n, fire_at):
    global len
    t = 0
    for i in range(n):
        t += len(items)
        if i == fire_at:
            del len
    return t
def fire_many(k):
    global len
    for j in range(k):
        if j % 2 == 0:
            len = shadow
        else:
            del len
    reset()
def max(a, b):
    return a
def spin():
    n = 0
    while max(0, 1) == 0:
        n += 1
    return n
def stop():
    global max
    del max
",
    cold: N,
    fired: (FIRE_AT + 1) + (N - FIRE_AT - 1) * 3,
};

#[test]
fn class_attribute_set_is_seen_at_once_and_past_its_threshold() {
    check_seen(&CLASS_ATTR_SET);
}

#[test]
fn class_attribute_set_on_a_base_class_is_seen_at_once_and_past_its_threshold() {
    check_seen(&CLASS_ATTR_SET_ON_BASE);
}

#[test]
fn class_assignment_is_seen_at_once_and_past_its_threshold() {
    check_seen(&CLASS_SET);
}

#[test]
fn bases_assignment_is_seen_at_once_and_past_its_threshold() {
    check_seen(&BASES_SET);
}

#[test]
fn function_code_set_is_seen_at_once_and_past_its_threshold() {
    check_seen(&FUNCTION_CODE_SET);
}

#[test]
fn function_defaults_set_is_seen_at_once_and_past_its_threshold() {
    check_seen(&FUNCTION_DEFAULTS_SET);
}

#[test]
fn function_kwdefaults_set_is_seen_at_once_and_past_its_threshold() {
    check_seen(&FUNCTION_KWDEFAULTS_SET);
}

#[test]
fn property_reinit_is_seen_at_once_and_past_its_threshold() {
    check_seen(&PROPERTY_REINIT);
}

#[test]
fn staticmethod_reinit_is_seen_at_once_and_past_its_threshold() {
    check_seen(&STATICMETHOD_REINIT);
}

#[test]
fn classmethod_reinit_is_seen_at_once_and_past_its_threshold() {
    check_seen(&CLASSMETHOD_REINIT);
}

#[test]
fn builtin_rebound_is_seen_at_once_and_past_its_threshold() {
    check_seen(&BUILTIN_REBOUND);
}

#[test]
fn global_rebound_is_seen_at_once_and_past_its_threshold() {
    check_seen(&GLOBAL_REBOUND);
}

#[test]
fn global_deleted_is_seen_at_once_and_past_its_threshold() {
    check_seen(&GLOBAL_DELETED);
}

#[test]
fn builtin_rebound_invalidates_the_executors_that_assumed_it() {
    check_invalidates(&BUILTIN_REBOUND);
}

#[test]
fn global_rebound_invalidates_the_executors_that_assumed_it() {
    check_invalidates(&GLOBAL_REBOUND);
}

#[test]
fn global_deleted_invalidates_the_executors_that_assumed_it() {
    check_invalidates(&GLOBAL_DELETED);
}

#[test]
fn class_attribute_set_invalidates_the_executors_that_assumed_it() {
    check_invalidates(&CLASS_ATTR_SET);
}

#[test]
fn class_attribute_set_on_a_base_class_invalidates_the_executors_that_assumed_it() {
    check_invalidates(&CLASS_ATTR_SET_ON_BASE);
}

#[test]
fn class_assignment_invalidates_the_executors_that_assumed_it() {
    check_invalidates(&CLASS_SET);
}

#[test]
fn bases_assignment_invalidates_the_executors_that_assumed_it() {
    check_invalidates(&BASES_SET);
}

#[test]
fn function_modified_invalidates_the_executors_that_assumed_it() {
    check_invalidates(&FUNCTION_CODE_SET);
    check_invalidates(&FUNCTION_DEFAULTS_SET);
}

#[test]
fn kwdefaults_set_invalidates_the_executors_that_assumed_it() {
    check_invalidates(&FUNCTION_KWDEFAULTS_SET);
}

#[test]
fn descriptor_reinit_invalidates_the_executors_that_assumed_it() {
    check_invalidates(&PROPERTY_REINIT);
    check_invalidates(&STATICMETHOD_REINIT);
    check_invalidates(&CLASSMETHOD_REINIT);
}

/// A global set in one module invalidates the executors that depend on
/// that module and no others: a loop over another module's globals keeps
/// its executor (it is not projected again).
#[test]
fn a_global_set_invalidates_only_the_executors_of_its_module() {
    let rt = runtime();
    let module = |other: &str| {
        format!(
            "rate = 1\ndef hot(n):\n    t = 0\n    for i in range(n):\n        t += rate\n    return t\ndef set_rate(v):\n    global rate\n    rate = v\nother = '{other}'\n"
        )
    };
    define(&rt, "a", &module("b"));
    define(&rt, "b", &module("a"));
    let kind = EventKind::GlobalSet;
    run_int(&rt, &format!("import a, b\nr = a.hot({N}) + b.hot({N})\n"));
    let s1 = Snapshot::take(&rt, kind);
    assert_eq!(
        run_int(
            &rt,
            &format!("import a, b\na.set_rate(2)\nr = b.hot({N})\n")
        ),
        N
    );
    let b_only = Delta::between(&s1, &Snapshot::take(&rt, kind));
    b_only.ran_in_executor("b's loop");
    assert_eq!(b_only.projected, 0, "b's executor survived: {b_only:?}");
    assert_eq!(
        b_only.executors_invalidated, 1,
        "a's executor only: {b_only:?}"
    );
    let s2 = Snapshot::take(&rt, kind);
    assert_eq!(run_int(&rt, &format!("import a\nr = a.hot({N})\n")), 2 * N);
    let a_again = Delta::between(&s2, &Snapshot::take(&rt, kind));
    a_again.ran_in_executor("a's loop");
    assert_eq!(
        a_again.projected, 1,
        "a's loop was projected again: {a_again:?}"
    );
}

/// The same for a class: setting an attribute of one class leaves the
/// executor of a loop over an unrelated class installed.
#[test]
fn a_class_attribute_set_invalidates_only_the_executors_of_its_class() {
    let rt = runtime();
    define(
        &rt,
        "m",
        "class A:\n    x = 1\nclass B:\n    x = 1\ndef hot_a(n):\n    t = 0\n    for i in range(n):\n        t += A.x\n    return t\ndef hot_b(n):\n    t = 0\n    for i in range(n):\n        t += B.x\n    return t\n",
    );
    let kind = EventKind::ClassAttrSet;
    run_int(&rt, &format!("import m\nr = m.hot_a({N}) + m.hot_b({N})\n"));
    let s1 = Snapshot::take(&rt, kind);
    assert_eq!(
        run_int(&rt, &format!("import m\nm.A.x = 2\nr = m.hot_b({N})\n")),
        N
    );
    let b_only = Delta::between(&s1, &Snapshot::take(&rt, kind));
    b_only.ran_in_executor("B's loop");
    assert_eq!(b_only.projected, 0, "B's executor survived: {b_only:?}");
    assert_eq!(
        b_only.executors_invalidated, 1,
        "A's executor only: {b_only:?}"
    );
}

/// Instrumentation always invalidates (no threshold): switched on inside
/// a hot loop it throws the loop's executor away and the trace function
/// sees every later call; traced code never enters an executor; switched
/// off, the loop runs in an executor again, however many times this
/// happens. Another thread, not traced, keeps running in executors.
#[test]
fn instrumentation_invalidates_keeps_traced_code_out_and_lets_it_back() {
    let kind = EventKind::Instrumentation;
    let source = "\
import sys
import time
calls = [0]
def tracer(frame, event, arg):
    if event == 'call':
        calls[0] += 1
    return None
def body(i):
    return 1
def hot(n, fire_at):
    calls[0] = 0
    t = 0
    for i in range(n):
        t += body(i)
        if i == fire_at:
            sys.settrace(tracer)
    sys.settrace(None)
    return t + 1000 * calls[0]
def loop(n):
    t = 0
    for i in range(n):
        t += i
    return t
def traced_loop(n):
    sys.settrace(tracer)
    r = loop(n)
    sys.settrace(None)
    return r
state = {'on': True}
def spin():
    n = 0
    while state['on']:
        n += 1
    return n
def stop():
    sys.settrace(tracer)
    body(0)
    sys.settrace(None)
    time.sleep(0.1)
    state['on'] = False
";
    let rt = runtime();
    define(&rt, "m", source);
    let s0 = Snapshot::take(&rt, kind);
    assert_eq!(
        run_int(&rt, &format!("import m\nr = m.hot({N}, {FIRE_AT})\n")),
        N + 1000 * (N - FIRE_AT - 1),
        "every call after the switch is traced"
    );
    let fired = Delta::between(&s0, &Snapshot::take(&rt, kind));
    fired.ran_in_executor("the loop before the switch");
    assert_eq!(fired.invalidating_fires, 1, "{fired:?}");
    assert!(fired.executors_invalidated > 0, "{fired:?}");
    assert!(fired.exits_invalidated > 0, "{fired:?}");

    let triangle = N * (N - 1) / 2;
    for round in 0..10 {
        let s1 = Snapshot::take(&rt, kind);
        assert_eq!(
            run_int(&rt, &format!("import m\nr = m.traced_loop({N})\n")),
            triangle
        );
        let traced = Delta::between(&s1, &Snapshot::take(&rt, kind));
        assert_eq!(
            traced.entries, 0,
            "round {round}: traced code ran in an executor"
        );
        assert_eq!(traced.invalidating_fires, 1, "round {round}: {traced:?}");
        let s2 = Snapshot::take(&rt, kind);
        assert_eq!(
            run_int(&rt, &format!("import m\nr = m.loop({N})\n")),
            triangle
        );
        Delta::between(&s2, &Snapshot::take(&rt, kind))
            .ran_in_executor(&format!("round {round}: the loop untraced again"));
    }

    // Another thread: its executor is thrown away too, but it is not
    // traced, so it goes back into one (stop() gives it 0.1 s to), and it
    // sees the change it spins on.
    let (spins, spin) = stop_spinner(&rt, kind);
    assert!(spins > 0);
    spin.ran_in_executor("the untraced spinner");
    assert!(spin.exits_invalidated > 0, "{spin:?}");
    assert!(
        spin.entries >= 2,
        "the spinner went back into an executor: {spin:?}"
    );
}

/// The debugger's set-local (embedding API) on a thread spinning in an
/// executor: each write pauses the world, invalidates the executors of the
/// frame's code, and the loop goes on with the new value at once — every
/// time (the event has no threshold) — and back in an executor between
/// writes.
#[test]
fn debugger_set_local_invalidates_the_frame_code_every_time() {
    let kind = EventKind::DebuggerSetLocal;
    let rt = runtime();
    define(
        &rt,
        "looper",
        "def run():\n    step = 0\n    seen = 0\n    while step < 3:\n        seen |= 1 << step\n    return seen * 10 + step\n",
    );
    let before = Snapshot::take(&rt, kind);
    let done = start_call(&rt, "looper", "run");
    for step in 1..=3i64 {
        let mid = Snapshot::take(&rt, kind);
        let before_write = installed(&rt);
        rt.attach_interp(|i| {
            let (ident, depth) = i
                .debug_threads()
                .into_iter()
                .find_map(|t| {
                    let d = t.frames.iter().position(|f| f.function == "run")?;
                    Some((t.ident, d))
                })
                .expect("the looping thread is there");
            i.debug_set_local(ident, depth, "step", Value::try_int(step).unwrap())
                .expect("written");
        });
        let write = Delta::between(&mid, &Snapshot::take(&rt, kind));
        assert_eq!(write.pauses, 1, "write {step} paused: {write:?}");
        assert_eq!(write.invalidating_fires, 1, "write {step}: {write:?}");
        assert_eq!(
            write.executors_invalidated, 1,
            "write {step} threw away the loop's executor: {write:?}"
        );
        // Back into an executor before the next write.
        if step < 3 {
            wait_for_install(&rt, before_write);
        }
    }
    let result = done
        .recv_timeout(SPIN_LIMIT)
        .expect("the loop saw the last write");
    assert_eq!(result, 0b111 * 10 + 3, "every value written was seen");
    let all = Delta::between(&before, &Snapshot::take(&rt, kind));
    assert!(all.entries >= 3, "an executor before each write: {all:?}");
    assert_eq!(all.exits_invalidated, 3, "{all:?}");
}

/// The debugger's set-local on the frame of a call that an executor
/// inlined: the frame is real, the write invalidates the executor that
/// inlined its code (and no other), and the call returns the new value.
#[test]
fn debugger_set_local_in_an_inlined_call_invalidates_the_executor_that_inlined_it() {
    let kind = EventKind::DebuggerSetLocal;
    let rt = runtime();
    define(
        &rt,
        "inliner",
        "def hold():\n    n = 0\n    while n < 2000:\n        n += 1\n\ndef probe():\n    step = 0\n    hold()\n    return step\n\ndef run():\n    while True:\n        s = probe()\n        if s:\n            return s\n",
    );
    let before = installed(&rt);
    let done = start_call(&rt, "inliner", "run");
    // `hold`'s loop, then `run`'s, which inlines `probe`.
    wait_for_install(&rt, before + 1);
    let mid = Snapshot::take(&rt, kind);
    let deadline = std::time::Instant::now() + SPIN_LIMIT;
    // The thread is inside `probe` nearly always (in `hold`); retry when
    // the write finds it between calls.
    while !rt.attach_interp(|i| {
        let Some((ident, depth)) = i.debug_threads().into_iter().find_map(|t| {
            let d = t.frames.iter().position(|f| f.function == "probe")?;
            Some((t.ident, d))
        }) else {
            return false;
        };
        i.debug_set_local(ident, depth, "step", Value::try_int(7).unwrap())
            .is_ok()
    }) {
        assert!(
            std::time::Instant::now() < deadline,
            "never caught in probe"
        );
    }
    let result = done.recv_timeout(SPIN_LIMIT).expect("run returned");
    assert_eq!(result, 7, "the inlined call returned the value written");
    assert!(
        rt.tier2_stats().calls_inlined > 0,
        "run's executor inlined probe"
    );
    let write = Delta::between(&mid, &Snapshot::take(&rt, kind));
    assert_eq!(
        write.executors_invalidated, 1,
        "the executor that inlined probe, not hold's: {write:?}"
    );
}

/// Replacing the builtins module's dict (embedding API) while a thread
/// spins in an executor that made a builtin a constant: the executor is
/// invalidated and the loop sees the new dict's value.
#[test]
fn module_dict_replaced_reaches_a_constant_builtin_in_an_executor() {
    let kind = EventKind::ModuleDictReplaced;
    let rt = runtime();
    define(
        &rt,
        "spinner",
        "def spin():\n    n = 0\n    while abs(-1) == 1:\n        n += 1\n    return n\n",
    );
    define(
        &rt,
        "replacement",
        "import builtins\nnew = dict(vars(builtins))\nnew['abs'] = lambda x: 0\n",
    );
    let before = Snapshot::take(&rt, kind);
    let done = start_call(&rt, "spinner", "spin");
    rt.attach_interp(|i| {
        let builtins = stillpoint::modules::import(i, i.new_str("builtins")).unwrap();
        i.push_root(builtins);
        let replacement = stillpoint::modules::import(i, i.new_str("replacement")).unwrap();
        i.push_root(replacement);
        let new = i.get_attr(replacement, i.new_str("new")).unwrap();
        i.push_root(new);
        i.replace_module_dict(builtins, new).expect("replaced");
    });
    let spins = done
        .recv_timeout(SPIN_LIMIT)
        .expect("the loop saw the new abs");
    assert!(spins > 0);
    let d = Delta::between(&before, &Snapshot::take(&rt, kind));
    d.ran_in_executor("the spinner");
    assert_eq!(d.pauses, 1, "{d:?}");
    assert!(
        d.executors_invalidated > 0,
        "the executor assumed the builtins dict: {d:?}"
    );
    assert!(d.exits_invalidated > 0, "{d:?}");
}

/// A frame-evaluation hook installed (embedding API) while a thread spins
/// in an executor calling a Python function: the next call goes through
/// the hook, which ends the loop. Past the threshold (1), removing the hook
/// does not pause, and the loop runs in an executor without it.
#[test]
fn eval_frame_hook_reaches_a_call_in_an_executor() {
    let kind = EventKind::EvalFrameHookSet;
    let rt = runtime();
    define(
        &rt,
        "spinner",
        "def value():\n    return 1\ndef spin():\n    n = 0\n    while value() == 1:\n        n += 1\n    return n\ndef hot(n):\n    t = 0\n    for i in range(n):\n        t += value()\n    return t\n",
    );
    let before = Snapshot::take(&rt, kind);
    let done = start_call(&rt, "spinner", "spin");
    let hook: stillpoint::events::hooks::EvalFrameHook = Arc::new(|_, f, _, _| match f.data() {
        Some(ObjectData::Function(func)) if func.name() == "value" => {
            Some(Ok(Value::try_int(2).unwrap()))
        }
        _ => None,
    });
    rt.attach_interp(|i| i.set_eval_frame_hook(Some(hook)));
    let spins = done
        .recv_timeout(SPIN_LIMIT)
        .expect("the loop saw the hook");
    assert!(spins > 0);
    let d = Delta::between(&before, &Snapshot::take(&rt, kind));
    d.ran_in_executor("the spinner");
    assert_eq!(d.pauses, 1, "{d:?}");
    assert_eq!(
        run_int(&rt, &format!("import spinner\nr = spinner.hot({N})\n")),
        2 * N
    );

    rt.attach_interp(|i| i.set_eval_frame_hook(None));
    let s = Snapshot::take(&rt, kind);
    assert!(s.threshold_reached);
    assert_eq!(
        run_int(&rt, &format!("import spinner\nr = spinner.hot({N})\n")),
        N
    );
    let after = Delta::between(&s, &Snapshot::take(&rt, kind));
    after.ran_in_executor("the loop without the hook");
    assert_eq!(
        s.pauses,
        before.pauses + 1,
        "removing the hook did not pause"
    );
}

/// Calls an executor makes without guards (`CallPyConst`) assume that no
/// frame-evaluation hook is set: installing one invalidates them.
#[test]
fn eval_frame_hook_invalidates_the_executors_that_inlined_calls() {
    let kind = EventKind::EvalFrameHookSet;
    let rt = runtime();
    define(
        &rt,
        "spinner",
        "def value():\n    return 1\ndef spin():\n    n = 0\n    while value() == 1:\n        n += 1\n    return n\n",
    );
    let before = Snapshot::take(&rt, kind);
    let done = start_call(&rt, "spinner", "spin");
    let hook: stillpoint::events::hooks::EvalFrameHook = Arc::new(|_, f, _, _| match f.data() {
        Some(ObjectData::Function(func)) if func.name() == "value" => {
            Some(Ok(Value::try_int(2).unwrap()))
        }
        _ => None,
    });
    rt.attach_interp(|i| i.set_eval_frame_hook(Some(hook)));
    done.recv_timeout(SPIN_LIMIT)
        .expect("the loop saw the hook");
    let d = Delta::between(&before, &Snapshot::take(&rt, kind));
    assert!(d.executors_invalidated > 0, "{d:?}");
    assert!(d.exits_invalidated > 0, "{d:?}");
}

// --- The command line ------------------------------------------------------

/// Runs `source` with `args` and `--stats-json`; returns stdout and the
/// statistics JSON.
fn run_cli(args: &[&str], source: &str) -> (String, String) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("stillpoint-tier2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let program = dir.join(format!("p{n}.py"));
    let stats = dir.join(format!("p{n}.json"));
    std::fs::write(&program, source).expect("the program is written");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stillpoint"))
        .args(args)
        .arg("--stats-json")
        .arg(&stats)
        .arg(&program)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = std::fs::read_to_string(&stats).expect("the statistics are written");
    (String::from_utf8_lossy(&out.stdout).into_owned(), json)
}

/// The number `"field": N` of the JSON object `"object": {...}`.
fn json_field(json: &str, object: &str, field: &str) -> u64 {
    let start = json
        .find(&format!("\"{object}\": {{"))
        .unwrap_or_else(|| panic!("no {object} in {json}"));
    let body = &json[start..start + json[start..].find('}').expect("the object ends")];
    let at = body
        .find(&format!("\"{field}\": "))
        .unwrap_or_else(|| panic!("no {object}.{field} in {json}"))
        + field.len()
        + 4;
    let digits: String = body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().expect("a number")
}

/// A program with hot loops over globals, a builtin and class attributes,
/// firing events of each counted kind on the way.
const EVENTFUL: &str = "\
class C:
    x = 1
rate = 2
def hot(n):
    global rate
    t = 0
    for i in range(n):
        t += C.x + rate + abs(-1)
        if i % 500 == 0:
            C.x = i
            rate = i
    return t
print(hot(20000), hot(20000))
";

#[test]
fn notier2_runs_no_executor_and_prints_the_same() {
    let (out, json) = run_cli(&[], EVENTFUL);
    assert!(json_field(&json, "tier2", "entries") > 0, "{json}");
    assert!(json_field(&json, "executors", "installed") > 0, "{json}");
    let (out_t1, json) = run_cli(&["-X", "notier2"], EVENTFUL);
    assert_eq!(out_t1, out);
    assert_eq!(json_field(&json, "tier2", "entries"), 0, "{json}");
    assert_eq!(json_field(&json, "tier2", "projected"), 0, "{json}");
    assert_eq!(json_field(&json, "tier2", "uops"), 0, "{json}");
    assert_eq!(json_field(&json, "executors", "created"), 0, "{json}");
}

/// `-X threshold=N` sets every counted kind's threshold (the debugger's
/// set-local and instrumentation keep "never"); at 0 nothing counted is
/// assumed (no global becomes a constant, no fire invalidates), and the
/// results stay the same.
#[test]
fn threshold_option_sets_every_counted_event_kind() {
    let (out, json) = run_cli(&[], EVENTFUL);
    assert!(json_field(&json, "tier2", "globals_constant") > 0, "{json}");
    for (arg, shown) in [("threshold=3", "After(3)"), ("threshold=never", "Never")] {
        let (out_n, json) = run_cli(&["-X", arg], EVENTFUL);
        assert_eq!(out_n, out, "-X {arg}");
        for kind in EventKind::ALL {
            let expected = match kind.default_threshold() {
                Threshold::Never => "Never".to_string(),
                Threshold::After(_) => shown.to_string(),
            };
            let entry = format!("\"kind\": \"{kind:?}\", \"threshold\": \"{expected}\"");
            assert!(json.contains(&entry), "-X {arg}: {entry} missing in {json}");
        }
    }
    let (out_0, json) = run_cli(&["-X", "threshold=0"], EVENTFUL);
    assert_eq!(out_0, out);
    assert!(json_field(&json, "tier2", "entries") > 0, "{json}");
    assert_eq!(json_field(&json, "tier2", "globals_constant"), 0, "{json}");
    let fires: Vec<&str> = json
        .split("\"invalidating_fires\": ")
        .skip(1)
        .map(|rest| rest.split(',').next().unwrap_or(""))
        .collect();
    assert_eq!(fires.len(), EventKind::ALL.len(), "{json}");
    assert!(
        fires.iter().all(|n| *n == "0"),
        "no fire invalidated: {json}"
    );
    assert_eq!(json_field(&json, "tier2", "exits_invalidated"), 0, "{json}");

    for bad in ["threshold=", "threshold=-1", "threshold=often"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_stillpoint"))
            .args(["-X", bad, "-c", "pass"])
            .output()
            .expect("the binary runs");
        assert_eq!(out.status.code(), Some(2), "-X {bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("expected a count or 'never'"),
            "-X {bad}: {err}"
        );
    }
}

/// The debugger writes a value of another type into a local that the
/// executor's types say is an int: the loop must not run one more
/// iteration on the old type (it would add a float as an int).
#[test]
fn debugger_set_local_of_another_type_is_seen_at_once() {
    let kind = EventKind::DebuggerSetLocal;
    let rt = runtime();
    define(
        &rt,
        "typed",
        "def run():\n    step = 1\n    total = 0\n    while step == 1:\n        total = total + step\n        total = total - step\n    total = total + step\n    return int(total * 4) * 10 + (1 if type(step) is float else 0)\n",
    );
    let done = start_call(&rt, "typed", "run");
    rt.attach_interp(|i| {
        let (ident, depth) = i
            .debug_threads()
            .into_iter()
            .find_map(|t| {
                let d = t.frames.iter().position(|f| f.function == "run")?;
                Some((t.ident, d))
            })
            .expect("the looping thread is there");
        let half = Value::float(0.5);
        i.debug_set_local(ident, depth, "step", half)
            .expect("written");
    });
    let result = done.recv_timeout(SPIN_LIMIT).expect("the loop ends");
    assert_eq!(result, 2 * 10 + 1, "total is 0.5 after the loop");
    let s = Snapshot::take(&rt, kind);
    assert!(s.tier2.entries > 0);
}

/// A loop-free function that tier 1 calls (here a builtin's callback,
/// never inlined into a loop's executor) runs in its function-entry
/// executor once hot; a global set it assumed throws that executor away
/// and the next call sees the new value; the function is then projected
/// again.
#[test]
fn a_hot_loop_free_function_runs_in_its_entry_executor_until_an_event_throws_it_away() {
    let rt = runtime();
    define(
        &rt,
        "fe",
        "rate = 1\ndef f(x):\n    if x < 0:\n        return 0\n    return x * 2 + rate\ndef set_rate(v):\n    global rate\n    rate = v\n",
    );
    let kind = EventKind::GlobalSet;
    let sum = |rate: i64| (0..N).map(|x| x * 2 + rate).sum::<i64>();
    let s0 = Snapshot::take(&rt, kind);
    let call_all = format!("import fe\nr = sum(map(fe.f, range({N})))\n");
    assert_eq!(run_int(&rt, &call_all), sum(1));
    let first = Delta::between(&s0, &Snapshot::take(&rt, kind));
    assert_eq!(first.projected, 1, "f's entry executor: {first:?}");
    assert!(
        first.entries as i64 > N - 100,
        "nearly every call enters it: {first:?}"
    );
    let s1 = Snapshot::take(&rt, kind);
    assert_eq!(
        run_int(
            &rt,
            &format!("import fe\nfe.set_rate(5)\n{}", &call_all[10..])
        ),
        sum(5)
    );
    let after = Delta::between(&s1, &Snapshot::take(&rt, kind));
    assert_eq!(
        after.executors_invalidated, 1,
        "the entry executor assumed `rate`: {after:?}"
    );
    assert_eq!(after.projected, 1, "projected again: {after:?}");
    assert!(after.entries > 0, "{after:?}");
}

/// A function with a loop that tier 1 calls gets a function-entry
/// executor too, which runs the whole call, its loop included (the loop's
/// back-edge a `JumpBack` inside it), and leaves at the return: tier 1 no
/// longer runs what comes before and after the loop, nor enters the loop's
/// own executor at each call. A global set it assumed throws it away.
#[test]
fn a_hot_function_with_a_loop_runs_whole_in_its_entry_executor() {
    let rt = runtime();
    define(
        &rt,
        "fl",
        "scale = 3\ndef f(x):\n    total = x\n    for k in range(4):\n        total += x * k\n    \
         if total > 100:\n        total -= 1\n    return total * scale\n\
         def set_scale(v):\n    global scale\n    scale = v\n",
    );
    let expected = |scale: i64| {
        (0..N)
            .map(|x| {
                let total = 7 * x;
                (if total > 100 { total - 1 } else { total }) * scale
            })
            .sum::<i64>()
    };
    let kind = EventKind::GlobalSet;
    let call_all = format!("import fl\nr = sum(map(fl.f, range({N})))\n");
    let s0 = Snapshot::take(&rt, kind);
    assert_eq!(run_int(&rt, &call_all), expected(3));
    let d = Delta::between(&s0, &Snapshot::take(&rt, kind));
    let ends = |a: &Snapshot, b: &Snapshot| b.tier2.exits_end - a.tier2.exits_end;
    let s1 = Snapshot::take(&rt, kind);
    assert!(
        ends(&s0, &s1) as i64 > N - 200,
        "nearly every call returns from its entry executor: {d:?}, {} end exits",
        ends(&s0, &s1)
    );
    assert!(
        (d.entries as i64) < N + 200,
        "one entry per call, not one more for the loop: {d:?}"
    );
    assert_eq!(
        run_int(
            &rt,
            &format!("import fl\nfl.set_scale(5)\n{}", &call_all[10..])
        ),
        expected(5)
    );
    let after = Delta::between(&s1, &Snapshot::take(&rt, kind));
    assert!(
        after.executors_invalidated >= 1,
        "the entry executor assumed `scale`: {after:?}"
    );
}

/// `STILLPOINT_DUMP_EXECUTORS` prints each executor built and, for a loop
/// that projection refuses, why: the developer's view of what tier 2 did.
#[test]
fn the_executor_dump_says_why_a_loop_was_not_projected() {
    let dir = std::env::temp_dir().join(format!("stillpoint-dump-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let program = dir.join("dump.py");
    let source = "\
def numbers(n):
    i = 0
    while i < n:
        yield i
        i += 1

def main():
    total = 0
    for x in numbers(20000):
        total += x
    for k in range(20000):
        total -= k
    print(total)

main()
";
    std::fs::write(&program, source).expect("the program is written");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stillpoint"))
        .env("STILLPOINT_DUMP_EXECUTORS", "1")
        .arg(&program)
        .output()
        .expect("the binary runs");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0\n");
    let dump = String::from_utf8_lossy(&out.stderr);
    assert!(
        dump.contains("tier 2: main line 9: not projected: iterates a generator"),
        "{dump}"
    );
    assert!(dump.contains("tier 2: main line 11: "), "{dump}");
    assert!(dump.contains("executor for the loop at"), "{dump}");
}

/// How many micro-ops of kind `name` the statistics counted.
/// The micro-ops run most, for an assertion's message.
fn most_run(stats: &Tier2Stats) -> String {
    format!("{:?}", stats.top_uops(12))
}

fn uops_run(stats: &Tier2Stats, name: &str) -> u64 {
    stats
        .top_uops(usize::MAX)
        .into_iter()
        .find(|(n, _)| *n == name)
        .map_or(0, |(_, c)| c)
}

/// Checks that the loop just run (most of its iterations in an executor)
/// made `calls` inlined calls per iteration, all on virtual frames.
fn assert_only_virtual_calls(rt: &Runtime, calls: u64) {
    let stats = rt.tier2_stats();
    let iterations = uops_run(&stats, "JumpToTop");
    assert!(iterations > 2000, "{:?}", stats.top_uops(10));
    assert_eq!(
        uops_run(&stats, "PushVirtualFrame"),
        calls * iterations,
        "{:?}",
        stats.top_uops(10)
    );
    assert_eq!(uops_run(&stats, "PushFrame"), 0, "{:?}", stats.top_uops(10));
}

/// The iterations that the one `for i in range(n)` loop just run made in
/// its executor (its last `ForIterRange` ends the loop; `JumpToTop` would
/// count those of other executors built on the way too), checked to be
/// most of them.
fn range_loop_iterations(stats: &Tier2Stats) -> u64 {
    let iterations = uops_run(stats, "ForIterRange") - 1;
    assert!(iterations > 2000, "{}", most_run(stats));
    iterations
}

/// A loop of `n` calls of `g`, whose `slow` path (`slow` is the
/// expression given) calls a method.
fn slow_path_source(slow: &str) -> String {
    format!(
        "\
def g(x, slow):
    if slow:
        return x.bit_length()
    return x + 1
def f(n):
    t = 0
    for i in range(n):
        t += g(i, {slow})
    return t
r = f(3000)
"
    )
}

/// The statistics count the micro-ops run by kind (what `-X stats` lists
/// first): a loop of `t = t * 3 + i` runs each iteration's fused multiply
/// and add once, and the kinds add up to the micro-ops run.
#[test]
fn the_statistics_count_micro_ops_by_kind() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
def f(n):
    t = 0
    for i in range(n):
        t = (t * 3 + i) & 1023
    return t
r = f(3000)
",
    );
    let mut t = 0i64;
    for i in 0..3000 {
        t = (t * 3 + i) & 1023;
    }
    assert_eq!(r, t);
    let stats = rt.tier2_stats();
    let count = |name: &str| uops_run(&stats, name);
    // Most iterations run in the executor, each once through every kind
    // (the range's last step, which ends the loop, one more).
    let iterations = count("JumpToTop");
    assert!(iterations > 2000, "{:?}", stats.top_uops(10));
    assert_eq!(
        count("ForIterRange"),
        iterations + 1,
        "{:?}",
        stats.top_uops(10)
    );
    assert_eq!(count("IntMul3"), iterations, "{:?}", stats.top_uops(10));
    assert_eq!(count("IntAdd3"), iterations, "{:?}", stats.top_uops(10));
    let total: u64 = stats.top_uops(usize::MAX).iter().map(|(_, c)| c).sum();
    assert_eq!(total, stats.uops);
}

/// A constructor call whose `__init__` is small and frameless runs it on
/// a virtual frame: no frame is pushed (the instance is allocated and the
/// locals laid out in place), and the call's result is the instance.
#[test]
fn a_small_init_runs_on_a_virtual_frame() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
class P:
    def __init__(self, x, y):
        self.x = x
        self.y = y * 2
def f(n):
    t = 0
    for i in range(n):
        p = P(i, 1)
        t += p.x + p.y
    return t
r = f(3000)
",
    );
    assert_eq!(r, (0..3000).map(|i| i + 2).sum::<i64>());
    assert_only_virtual_calls(&rt, 1);
}

/// A call whose argument a `Step` computes (`len(items)` has no micro-op)
/// is still a call of its constant function: the step changes only the
/// values it pops, so what is known of the callable below them stays, and
/// the call is inlined (on a virtual frame) rather than made by tier 1.
#[test]
fn a_call_with_an_argument_computed_by_a_step_is_still_inlined() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
def g(a, b):
    return a + b
def f(items, n):
    t = 0
    for i in range(n):
        t += g(len(items), i)
    return t
r = f([1, 2, 3], 3000)
",
    );
    assert_eq!(r, (0..3000).map(|i| i + 3).sum::<i64>());
    assert_only_virtual_calls(&rt, 1);
}

/// A polymorphic method call whose every class's method is inlined loads
/// its method by the receiver's class version (`LoadMethodVersions`, no
/// tier-1 cache), so the function that makes it runs on a virtual frame
/// too; a receiver of a class the site never saw leaves at the load, and
/// tier 1 gives the right result.
#[test]
fn a_polymorphic_call_whose_methods_are_all_inlined_stays_virtual() {
    let source = |calls: &str| {
        format!(
            "\
class A:
    def m(self, k):
        return k + 1
class B:
    def m(self, k):
        return k * 2
class C:
    def m(self, k):
        return -k
def use(o, k):
    return o.m(k) + 1
def f(items, n):
    t = 0
    for i in range(n):
        t += use(items[i % len(items)], i)
    return t
def g(items, n):
    t = 0
    for i in range(n):
        t += use(items[i % 2], i)
    return t
{calls}
"
        )
    };
    let two = |i: i64| if i % 2 == 0 { i + 2 } else { i * 2 + 1 };
    let rt = runtime();
    let r = run_int(&rt, &source("r = g([A(), B()], 3000)"));
    assert_eq!(r, (0..3000).map(two).sum::<i64>());
    let stats = rt.tier2_stats();
    let iterations = uops_run(&stats, "JumpToTop");
    assert!(iterations > 2000, "{}", most_run(&stats));
    // `use` and the receiver's method, each iteration. Real frames only
    // while the first executor ran (`B.m`'s `k * 2` was not specialized
    // yet when it was built, so its body was a step).
    assert!(uops_run(&stats, "PushVirtualFrame") >= 2 * iterations);
    let real = uops_run(&stats, "PushFrame");
    assert!(real * 4 < iterations, "{}", most_run(&stats));
    assert!(uops_run(&stats, "LoadMethodVersions") >= iterations);
    assert_eq!(uops_run(&stats, "LoadMethodCached"), 0);

    // A third class, once the executors were built for two: its
    // receivers leave at the load (a failed guard).
    let rt = runtime();
    let r = run_int(
        &rt,
        &source("r = f([A(), B()], 3000) - f([A(), B()], 3000) + f([A(), B(), C()], 3000)"),
    );
    let three = |i: i64| match i % 3 {
        0 => i + 2,
        1 => i * 2 + 1,
        _ => 1 - i,
    };
    assert_eq!(r, (0..3000).map(three).sum::<i64>());
    let stats = rt.tier2_stats();
    assert!(stats.exits_guard > 0, "{}", most_run(&stats));
    assert!(uops_run(&stats, "LoadMethodVersions") > 0);
}

/// A path of an inlined function that had never run when the executor was
/// built leaves for tier 1 there (`ExitUntaken`) instead of running its
/// generic instructions as steps, so the call it would make does not need
/// the function's frame: the call is virtual.
#[test]
fn a_call_on_a_path_not_taken_leaves_its_function_frame_virtual() {
    let rt = runtime();
    let r = run_int(&rt, &slow_path_source("False"));
    assert_eq!(r, (0..3000).map(|i| i + 1).sum::<i64>());
    assert_only_virtual_calls(&rt, 1);
}

/// When that path turns hot, its exits count as failed guards do and the
/// executor is rebuilt with the path's instructions specialized: it stops
/// leaving there, and every result is right on both sides of the switch.
#[test]
fn a_path_not_taken_that_turns_hot_rebuilds_the_executor() {
    let rt = runtime();
    let r = run_int(&rt, &slow_path_source("i >= n // 2"));
    let expected: i64 = (0..3000i64)
        .map(|i| {
            if i >= 1500 {
                64 - i64::from(i.leading_zeros())
            } else {
                i + 1
            }
        })
        .sum();
    assert_eq!(r, expected);
    let stats = rt.tier2_stats();
    let exits = uops_run(&stats, "ExitUntaken");
    assert!(stats.rebuilt >= 1, "{stats:?}");
    assert!(
        (64..1500).contains(&exits),
        "{exits} exits: {}",
        most_run(&stats)
    );
}

/// Checks that the `for i in range(n)` loop just run inlined a looping
/// function on a real frame each iteration (its back-edge is a safepoint)
/// (at least) and left no call to tier 1; returns the frames pushed.
fn assert_looping_callee_inlined(rt: &Runtime) -> u64 {
    let stats = rt.tier2_stats();
    let iterations = range_loop_iterations(&stats);
    let pushed = uops_run(&stats, "PushFrame");
    assert!(pushed >= iterations, "{}", most_run(&stats));
    assert!(
        uops_run(&stats, "JumpBack") >= 2 * iterations,
        "{}",
        most_run(&stats)
    );
    assert_eq!(uops_run(&stats, "CallPyConst"), 0, "{}", most_run(&stats));
    pushed
}

/// A function with a loop that calls no Python function is inlined, on a
/// real frame (its back-edge is a safepoint), wherever it is called: the
/// loop runs in the caller's executor, entering no executor of its own.
#[test]
fn a_function_whose_loop_calls_nothing_is_inlined() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
def total(xs):
    t = 0
    for x in xs:
        t += x
    return t
def f(n):
    xs = [1, 2, 3]
    t = 0
    for i in range(n):
        t += total(xs) + i
    return t
r = f(3000)
",
    );
    assert_eq!(r, (0..3000).map(|i| i + 6).sum::<i64>());
    let iterations = range_loop_iterations(&rt.tier2_stats());
    assert_eq!(assert_looping_callee_inlined(&rt), iterations);
}

/// What a looping function calls outside its loop does not keep it from
/// being inlined (deeper than the executor's own code too): its loop's
/// own executor would not have covered those calls.
#[test]
fn a_function_that_calls_only_outside_its_loop_is_inlined_at_depth() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
def one(x):
    return x + 1
def total(xs):
    t = one(0)
    for x in xs:
        t += x
    return one(t)
def via(xs):
    return total(xs)
def f(n):
    xs = [1, 2, 3]
    t = 0
    for i in range(n):
        t += via(xs) + i
    return t
r = f(3000)
",
    );
    assert_eq!(r, (0..3000).map(|i| i + 8).sum::<i64>());
    // `total`'s frame, inside `via`'s virtual one.
    assert_looping_callee_inlined(&rt);
}

/// A short function whose loop calls Python functions is inlined only
/// into the executor's own code: deeper, its loop's calls would lose the
/// inlining depth that its own executor gives them.
#[test]
fn a_short_function_whose_loop_calls_is_inlined_only_into_the_loop() {
    let source = |caller: &str| {
        format!(
            "\
def one(x):
    return x
def each(xs):
    for x in xs:
        one(x)
def via(xs):
    return each(xs)
def f(n):
    xs = [1, 2, 3]
    t = 0
    for i in range(n):
        {caller}(xs)
        t += i
    return t
r = f(3000)
"
        )
    };
    let rt = runtime();
    assert_eq!(run_int(&rt, &source("each")), (0..3000).sum::<i64>());
    let stats = rt.tier2_stats();
    let iterations = range_loop_iterations(&stats);
    assert_eq!(uops_run(&stats, "CallPyConst"), 0, "{}", most_run(&stats));
    assert_eq!(
        uops_run(&stats, "PushFrame"),
        iterations,
        "{}",
        most_run(&stats)
    );

    let rt = runtime();
    assert_eq!(run_int(&rt, &source("via")), (0..3000).sum::<i64>());
    let stats = rt.tier2_stats();
    let iterations = range_loop_iterations(&stats);
    assert_eq!(
        uops_run(&stats, "CallPyConst"),
        iterations,
        "{}",
        most_run(&stats)
    );
}

/// A `for` loop inside a hot loop gets its iterator from the `GetIter`
/// micro-op (natively for a tuple), not from a step of tier 1's form.
#[test]
fn an_inner_loop_gets_its_iterator_from_a_micro_op() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
def f(n):
    t = 0
    for i in range(n):
        for sign in (1, -1):
            t += i * sign + 1
    return t
r = f(3000)
",
    );
    assert_eq!(r, 6000);
    let stats = rt.tier2_stats();
    let iterations = range_loop_iterations(&stats);
    assert_eq!(
        uops_run(&stats, "GetIter"),
        iterations,
        "{}",
        most_run(&stats)
    );
    assert_eq!(
        stats.top_steps(usize::MAX),
        vec![],
        "{:?}",
        stats.top_steps(8)
    );
}

/// A generator's loop whose last back-edge follows its `yield` (so is
/// never taken without a resume) is built from its `continue`'s
/// back-edge, and runs the body up to the yield in the executor.
#[test]
fn a_loop_is_built_to_its_last_back_edge_from_a_continue() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
def evens(n, seen):
    for i in range(n):
        if i % 2:
            continue
        seen.append(i)
        yield i
def f(n):
    seen = []
    t = 0
    for v in evens(n, seen):
        t += v
    return t + len(seen)
r = f(3000)
",
    );
    assert_eq!(r, (0..3000).step_by(2).sum::<i64>() + 1500);
    let stats = rt.tier2_stats();
    // The appends (all but those before the executor was built).
    let appends = uops_run(&stats, "CallNativeMethod");
    assert!(appends > 1000, "{}", most_run(&stats));
}

/// `for j in range(k)` inside a hot loop makes its iterator with one
/// micro-op (`RangeIter`: the call of the builtin and the `GetIter`), no
/// step and no range object.
#[test]
fn a_range_loop_gets_its_iterator_from_one_micro_op() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
def f(n):
    t = 0
    for i in range(n):
        for j in range(i % 4, 5):
            t += j
    return t
r = f(3000)
",
    );
    let expected: i64 = (0..3000).map(|i| (i % 4..5).sum::<i64>()).sum();
    assert_eq!(r, expected);
    let stats = rt.tier2_stats();
    // The outer loop's iterations in its executor: most of the 3000.
    let ranges = uops_run(&stats, "RangeIter");
    assert!(ranges > 2000, "{}", most_run(&stats));
    assert_eq!(uops_run(&stats, "GetIter"), 0, "{}", most_run(&stats));
    assert_eq!(
        stats.top_steps(usize::MAX),
        vec![],
        "{:?}",
        stats.top_steps(8)
    );
}

/// `isinstance(k, C)` runs as a micro-op, so an operator method that tests
/// its operand with it still runs on a virtual frame (with the
/// constructor it calls).
#[test]
fn an_operator_method_testing_isinstance_runs_on_a_virtual_frame() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
class V:
    def __init__(self, x):
        self.x = x
    def __mul__(self, k):
        if isinstance(k, V):
            return V(self.x * k.x)
        return V(self.x * k)
def f(n):
    t = 0
    v = V(2)
    for i in range(n):
        t += (v * i).x
    return t
r = f(3000)
",
    );
    assert_eq!(r, (0..3000).map(|i| 2 * i).sum::<i64>());
    assert_only_virtual_calls(&rt, 2);
    let stats = rt.tier2_stats();
    assert!(
        uops_run(&stats, "Isinstance") > 2000,
        "{}",
        most_run(&stats)
    );
}

/// `xs[a:b]` of a list inside a hot loop is one micro-op
/// (`SliceSequence`): no step, no slice object.
#[test]
fn a_sequence_slice_is_one_micro_op() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
def f(n):
    xs = [1, 2, 3, 4, 5]
    t = 0
    for i in range(n):
        t += xs[i % 3:][0] + xs[:-1][-1]
    return t
r = f(3000)
",
    );
    assert_eq!(r, (0..3000).map(|i| i % 3 + 1 + 4).sum::<i64>());
    let stats = rt.tier2_stats();
    let iterations = range_loop_iterations(&stats);
    assert_eq!(
        uops_run(&stats, "SliceSequence"),
        2 * iterations,
        "{}",
        most_run(&stats)
    );
    assert_eq!(
        stats.top_steps(usize::MAX),
        vec![],
        "{:?}",
        stats.top_steps(8)
    );
}

/// Virtual frames nest: a small function calling a small function runs
/// both on virtual frames, pushing none.
#[test]
fn inlined_calls_inside_virtual_frames_are_virtual_too() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
def leaf(x):
    return x * 3
def middle(x):
    return leaf(x) + 1
def f(n):
    t = 0
    for i in range(n):
        t += middle(i)
    return t
r = f(3000)
",
    );
    assert_eq!(r, (0..3000).map(|i| i * 3 + 1).sum::<i64>());
    assert_only_virtual_calls(&rt, 2);
}

/// A small operator method (`a + b` with `a`'s class defining `__add__`)
/// runs on a virtual frame, and so does the constructor call inside it.
#[test]
fn a_small_operator_method_runs_on_a_virtual_frame() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
class N:
    def __init__(self, v):
        self.v = v
    def __add__(self, o):
        return N(self.v + o.v)
def f(n):
    acc = N(0)
    one = N(1)
    for i in range(n):
        acc = acc + one
    return acc.v
r = f(3000)
",
    );
    assert_eq!(r, 3000);
    assert_only_virtual_calls(&rt, 2);
}

/// `math.sqrt(x)` and `math.sin(x)` of a float or an int run as one
/// micro-op each (`CallFloatFunction`), so a method that makes them runs
/// on a virtual frame.
#[test]
fn a_math_function_of_a_float_is_one_micro_op() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
import math
class P:
    def __init__(self, x):
        self.x = x
    def size(self, k):
        return math.sqrt(self.x * self.x + k) + math.sin(k)
def f(n):
    t = 0.0
    p = P(3.0)
    for i in range(n):
        t += p.size(i)
    return t
r = int(f(3000) * 1000)
",
    );
    let t = (0..3000).fold(0.0f64, |t, i| {
        t + ((9 + i) as f64).sqrt() + (i as f64).sin()
    });
    assert_eq!(r, (t * 1000.0) as i64);
    assert_only_virtual_calls(&rt, 1);
    let stats = rt.tier2_stats();
    let iterations = uops_run(&stats, "JumpToTop");
    assert!(
        uops_run(&stats, "CallFloatFunction") >= 2 * iterations,
        "{}",
        most_run(&stats)
    );
    assert_eq!(uops_run(&stats, "CallBuiltin"), 0, "{}", most_run(&stats));
}

/// `items.append(x)`, `items.pop(0)`, `seen.add(x)` and `seen.discard(x)`
/// on a list and a set run natively (`CallNativeMethod`), not through
/// the builtin call.
#[test]
fn list_and_set_methods_run_natively() {
    let rt = runtime();
    let r = run_int(
        &rt,
        "\
def f(n):
    items = []
    seen = set()
    for i in range(n):
        items.append(i)
        seen.add(i)
        if len(items) > 3:
            seen.discard(items.pop(0))
    return sum(items) + len(seen) * 1000000
r = f(3000)
",
    );
    assert_eq!(r, 2997 + 2998 + 2999 + 3 * 1_000_000);
    let stats = rt.tier2_stats();
    let iterations = range_loop_iterations(&stats);
    assert!(
        uops_run(&stats, "CallNativeMethod") >= 4 * (iterations - 4),
        "{}",
        most_run(&stats)
    );
    assert_eq!(uops_run(&stats, "CallBuiltin"), 0, "{}", most_run(&stats));
}
