//! The injectors: every rare event of DESIGN §2, fired at random, in
//! Python through `workload.py`'s helpers and through the Rust embedding
//! API.

use std::thread;
use std::time::Duration;

use stillpoint::{Error, IntoPy, Object, Python};

use super::{Channel, LogEntry, Shared};
use crate::rng::Rng;
use crate::InjectedBug;

/// One kind of injection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// `C.k = g` (class attribute set).
    ClassAttr,
    /// `C.m = <new function>` (class attribute set).
    Method,
    /// `o2.__class__ = <the other class>` (object's class set).
    ObjectClass,
    /// `Child.__bases__ = (<the other base>,)` (bases set).
    Bases,
    /// `<Child's base>.bgen = g` (class attribute set, on a base).
    BaseAttr,
    /// `fd.__defaults__ = (g,)` (function modified).
    Defaults,
    /// `fd.__code__ = <equivalent code>` (function modified).
    Code,
    /// `fk.__kwdefaults__ = {'d': g}` (function modified).
    KwDefaults,
    /// `property.__init__` again (descriptor mutated).
    Property,
    /// `staticmethod.__init__` again (descriptor mutated).
    StaticMethod,
    /// `classmethod.__init__` again (descriptor mutated).
    ClassMethod,
    /// `global G; G = g` (global set).
    Global,
    /// `stress_ns.h = g` (global set, on another module).
    ModuleAttr,
    /// The Rust API replaces `stress_ns`'s dict (module dict replaced).
    ModuleDict,
    /// `builtins.stress_b = g` (builtin modified).
    Builtin,
    /// `builtins.stress_f = <new function>` (builtin modified).
    BuiltinFunc,
    /// The Rust API sets a frame-evaluation hook, for a moment, then
    /// removes it (frame-evaluation hook set, twice; global set).
    EvalHook,
    /// The Rust API's debugger writes a worker's local (debugger sets a
    /// local).
    DebuggerWrite,
    /// The Rust API's debugger lists the threads and reads a local (a
    /// pause, no event).
    DebuggerRead,
    /// `sys.settrace` on and off in the injector (instrumentation).
    Trace,
    /// `sys.setprofile` on and off in the injector (instrumentation).
    Profile,
    /// `C.one` becomes 1, 1.0 or True (class attribute set, same value).
    ClassOne,
    /// `ONE` becomes 1, 1.0 or True (global set, same value).
    GlobalOne,
    /// A shared list's item becomes an equal int or float (no event).
    ListItem,
    /// `GL = list(GL)` (global set, same value).
    GlobalList,
    /// `builtins.abs` becomes an equal Python function or back (builtin
    /// modified, same answers).
    Abs,
    /// `C.scratch = g; del C.scratch` (class attribute set twice, nobody
    /// reads it).
    ScratchClassAttr,
    /// A global nobody reads is set and deleted (global set).
    ScratchGlobal,
    /// A builtin nobody reads is set and deleted (builtin modified).
    ScratchBuiltin,
    /// A target set is replaced by a new one (fresh classes, below every
    /// local threshold again).
    RefreshTargets,
}

impl Action {
    /// Every action.
    pub(crate) const ALL: [Action; 30] = [
        Action::ClassAttr,
        Action::Method,
        Action::ObjectClass,
        Action::Bases,
        Action::BaseAttr,
        Action::Defaults,
        Action::Code,
        Action::KwDefaults,
        Action::Property,
        Action::StaticMethod,
        Action::ClassMethod,
        Action::Global,
        Action::ModuleAttr,
        Action::ModuleDict,
        Action::Builtin,
        Action::BuiltinFunc,
        Action::EvalHook,
        Action::DebuggerWrite,
        Action::DebuggerRead,
        Action::Trace,
        Action::Profile,
        Action::ClassOne,
        Action::GlobalOne,
        Action::ListItem,
        Action::GlobalList,
        Action::Abs,
        Action::ScratchClassAttr,
        Action::ScratchGlobal,
        Action::ScratchBuiltin,
        Action::RefreshTargets,
    ];

    /// A short name, for reports.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::ClassAttr => "class_attr",
            Action::Method => "method",
            Action::ObjectClass => "object_class",
            Action::Bases => "bases",
            Action::BaseAttr => "base_attr",
            Action::Defaults => "defaults",
            Action::Code => "code",
            Action::KwDefaults => "kwdefaults",
            Action::Property => "property",
            Action::StaticMethod => "staticmethod",
            Action::ClassMethod => "classmethod",
            Action::Global => "global",
            Action::ModuleAttr => "module_attr",
            Action::ModuleDict => "module_dict",
            Action::Builtin => "builtin",
            Action::BuiltinFunc => "builtin_func",
            Action::EvalHook => "eval_hook",
            Action::DebuggerWrite => "debugger_write",
            Action::DebuggerRead => "debugger_read",
            Action::Trace => "settrace",
            Action::Profile => "setprofile",
            Action::ClassOne => "class_one",
            Action::GlobalOne => "global_one",
            Action::ListItem => "list_item",
            Action::GlobalList => "global_list",
            Action::Abs => "abs",
            Action::ScratchClassAttr => "scratch_class_attr",
            Action::ScratchGlobal => "scratch_global",
            Action::ScratchBuiltin => "scratch_builtin",
            Action::RefreshTargets => "refresh_targets",
        }
    }

    /// How often it is picked, relative to the others.
    fn weight(self) -> u64 {
        match self {
            Action::ScratchClassAttr
            | Action::ScratchGlobal
            | Action::ScratchBuiltin
            | Action::Trace
            | Action::Profile
            | Action::RefreshTargets
            | Action::EvalHook
            | Action::DebuggerRead => 1,
            Action::ClassOne
            | Action::GlobalOne
            | Action::ListItem
            | Action::GlobalList
            | Action::Abs
            | Action::ModuleDict => 2,
            Action::DebuggerWrite => 3,
            _ => 4,
        }
    }

    /// One action at random, by weight.
    fn pick(rng: &mut Rng) -> Action {
        let total: u64 = Action::ALL.iter().map(|a| a.weight()).sum();
        let mut x = rng.below(total);
        for a in Action::ALL {
            if x < a.weight() {
                return a;
            }
            x -= a.weight();
        }
        unreachable!("x < total")
    }

    /// Whether it works on a target set (the one it logs).
    fn uses_target(self) -> bool {
        match self.channel_helper() {
            Some((channel, _)) => channel.per_target(),
            None => matches!(
                self,
                Action::ClassOne
                    | Action::ListItem
                    | Action::ScratchClassAttr
                    | Action::RefreshTargets
            ),
        }
    }

    /// The channel it changes and the `workload.py` helper that does it,
    /// for the actions that are one helper call.
    fn channel_helper(self) -> Option<(Channel, &'static str)> {
        Some(match self {
            Action::ClassAttr => (Channel::ClassAttr, "set_class_attr"),
            Action::Method => (Channel::Method, "set_method"),
            Action::ObjectClass => (Channel::ObjectClass, "switch_object_class"),
            Action::Bases => (Channel::Bases, "switch_bases"),
            Action::BaseAttr => (Channel::Bases, "set_base_attr"),
            Action::Defaults => (Channel::Defaults, "set_defaults"),
            Action::Code => (Channel::Defaults, "set_code"),
            Action::KwDefaults => (Channel::KwDefaults, "set_kwdefaults"),
            Action::Property => (Channel::Property, "reinit_property"),
            Action::StaticMethod => (Channel::StaticMethod, "reinit_staticmethod"),
            Action::ClassMethod => (Channel::ClassMethod, "reinit_classmethod"),
            Action::Global => (Channel::Global, "set_global"),
            Action::ModuleAttr => (Channel::ModuleAttr, "set_module_attr"),
            Action::Builtin => (Channel::Builtin, "set_builtin"),
            Action::BuiltinFunc => (Channel::BuiltinFunc, "set_builtin_func"),
            _ => return None,
        })
    }
}

/// What an injection did: the generation it published (0: none), and how
/// it ended.
struct Outcome {
    generation: u64,
    note: &'static str,
}

impl Outcome {
    fn ok(generation: u64) -> Outcome {
        Outcome {
            generation,
            note: "ok",
        }
    }
}

/// `TARGETS[slot]`.
fn target(shared: &Shared, py: &mut Python<'_>, slot: u32) -> Result<Object, Error> {
    shared.targets.call_method(py, "__getitem__", (slot,))
}

/// A frame-evaluation hook's signature, for `None`.
type Hook = fn(&mut Python<'_>, &Object, &[Object]) -> Option<Result<Object, Error>>;

/// Changes `channel` through `helper` under the channel's lock: begin
/// (started = g), change, publish (pub = g).
fn change_channel(
    shared: &Shared,
    py: &mut Python<'_>,
    channel: Channel,
    helper: &str,
    slot: u32,
    variant: u64,
) -> Result<Outcome, Error> {
    let _lock = shared.lock_channel(py, channel, slot, 0);
    let t = if channel.per_target() {
        Some(target(shared, py, slot)?)
    } else {
        None
    };
    let g = shared.next_generation();
    let ch = channel as usize;
    shared
        .function("begin")
        .call::<()>(py, (t.as_ref(), ch, g))?;
    match shared.args.inject_bug {
        Some(InjectedBug::PublishEarly) => {
            shared
                .function("publish")
                .call::<()>(py, (t.as_ref(), ch, g))?;
        }
        Some(InjectedBug::SleepAttached) => {
            // no detach: every pause from now on waits for this thread
            thread::sleep(Duration::from_secs_f64(2.0 * shared.args.hang_seconds));
        }
        _ => {}
    }
    match &t {
        Some(t) => shared.function(helper).call::<()>(py, (t, g, variant))?,
        None => shared.function(helper).call::<()>(py, (g, variant))?,
    }
    shared
        .function("publish")
        .call::<()>(py, (t.as_ref(), ch, g))?;
    Ok(Outcome::ok(g))
}

/// A frame-evaluation hook set for a moment: it answers `g_on` for every
/// call of `probe`; then `PG` becomes `g_off` and the hook goes. `probe()`
/// answers increasing generations throughout.
fn hook_burst(shared: &Shared, py: &mut Python<'_>, rng: &mut Rng) -> Result<Outcome, Error> {
    let _lock = shared.lock_channel(py, Channel::EvalHook, 0, 0);
    let ch = Channel::EvalHook as usize;
    let none: Option<&Object> = None;
    let g_on = shared.next_generation();
    shared.function("begin").call::<()>(py, (none, ch, g_on))?;
    py.set_eval_frame_hook(Some(
        move |py: &mut Python<'_>, f: &Object, _args: &[Object]| {
            let name: String = f.get(py, "__name__").ok()?;
            (name == "probe").then(|| g_on.into_py(py))
        },
    ));
    let on = shared.function("publish").call::<()>(py, (none, ch, g_on));
    let hold = rng.below(2000);
    py.detach(|| thread::sleep(Duration::from_micros(hold)));
    // The hook goes even if publishing failed.
    let g_off = shared.next_generation();
    let off = shared
        .function("begin")
        .call::<()>(py, (none, ch, g_off))
        .and_then(|()| shared.function("set_probe_global").call::<()>(py, (g_off,)));
    py.set_eval_frame_hook(None::<Hook>);
    on?;
    off?;
    shared
        .function("publish")
        .call::<()>(py, (none, ch, g_off))?;
    Ok(Outcome::ok(g_off))
}

/// Replaces `stress_ns`'s dict by a copy whose `h` is the next generation.
fn replace_module_dict(shared: &Shared, py: &mut Python<'_>) -> Result<Outcome, Error> {
    let _lock = shared.lock_channel(py, Channel::ModuleAttr, 0, 0);
    let ch = Channel::ModuleAttr as usize;
    let none: Option<&Object> = None;
    let g = shared.next_generation();
    shared.function("begin").call::<()>(py, (none, ch, g))?;
    let dict: Object = shared.function("module_dict_with").call(py, (g,))?;
    py.replace_module_dict(&shared.namespace, &dict)?;
    shared.function("publish").call::<()>(py, (none, ch, g))?;
    Ok(Outcome::ok(g))
}

/// Writes local `dbg` of the `loop_debugger` frame of a worker that is in
/// one (found in a first pause; the write is a second one, and misses if
/// the frame has gone meanwhile: only `loop_debugger` has a `dbg`).
fn debugger_write(
    shared: &Shared,
    py: &mut Python<'_>,
    rng: &mut Rng,
    variant: u64,
) -> Result<Outcome, Error> {
    let listed = py.threads();
    let candidates: Vec<(usize, u64, usize)> = shared
        .worker_idents
        .iter()
        .enumerate()
        .filter_map(|(w, ident)| {
            let ident = ident.load(std::sync::atomic::Ordering::Acquire);
            let thread = listed.iter().find(|t| t.ident == ident)?;
            let depth = thread
                .frames
                .iter()
                .position(|f| f.function == "loop_debugger")?;
            Some((w, ident, depth))
        })
        .collect();
    if candidates.is_empty() {
        shared.counters.debugger_misses.inc();
        return Ok(Outcome {
            generation: 0,
            note: "nobody in loop_debugger",
        });
    }
    let (w, ident, depth) = candidates[rng.index(candidates.len())];
    let _lock = shared.lock_channel(py, Channel::Debugger, 0, w);
    let g = shared.next_generation();
    shared.function("begin_worker").call::<()>(py, (w, g))?;
    let written = if variant & 1 == 1 {
        py.set_local(ident, depth, "dbg", g as f64)
    } else {
        py.set_local(ident, depth, "dbg", g)
    };
    match written {
        Ok(()) => {
            shared.function("publish_worker").call::<()>(py, (w, g))?;
            shared.debugger_published[w].store(g, std::sync::atomic::Ordering::Release);
            Ok(Outcome::ok(g))
        }
        // It left loop_debugger between the two pauses.
        Err(_) => {
            shared.counters.debugger_misses.inc();
            Ok(Outcome {
                generation: 0,
                note: "left loop_debugger",
            })
        }
    }
}

/// Lists the threads (a pause) and reads a worker's `acc`.
fn debugger_read(shared: &Shared, py: &mut Python<'_>, w: usize) -> Result<Outcome, Error> {
    let ident = shared.worker_idents[w].load(std::sync::atomic::Ordering::Acquire);
    let listed = py.threads();
    let in_work = listed
        .iter()
        .find(|t| t.ident == ident)
        .and_then(|t| t.frames.first())
        .is_some_and(|f| f.function == "work");
    if !in_work {
        return Ok(Outcome {
            generation: 0,
            note: "no work frame",
        });
    }
    match py.get_local(ident, 0, "acc") {
        Ok(acc) => {
            // acc is an int or a float, whatever happens to it
            acc.extract::<f64>(py)?;
            Ok(Outcome::ok(0))
        }
        Err(_) => Ok(Outcome {
            generation: 0,
            note: "the frame returned",
        }),
    }
}

/// Performs one injection.
fn perform(
    shared: &Shared,
    py: &mut Python<'_>,
    rng: &mut Rng,
    action: Action,
    slot: u32,
) -> Result<Outcome, Error> {
    let variant = rng.below(6);
    let workers = shared.workers.len();
    if let Some((channel, helper)) = action.channel_helper() {
        return change_channel(shared, py, channel, helper, slot, variant);
    }
    let f = |name: &str| shared.function(name);
    match action {
        Action::EvalHook => hook_burst(shared, py, rng),
        Action::ModuleDict => replace_module_dict(shared, py),
        Action::DebuggerWrite => debugger_write(shared, py, rng, variant),
        Action::DebuggerRead => debugger_read(shared, py, rng.index(workers)),
        Action::Trace | Action::Profile => {
            let n = 16 + rng.below(64);
            let total: u64 = f("instrumentation_burst").call(py, (n, action == Action::Profile))?;
            if total != n * (n + 1) / 2 {
                shared.counters.wrong_traces.inc();
                shared.fail(format!(
                    "an injector's traced loop of {n} calls summed to {total}, not {}",
                    n * (n + 1) / 2
                ));
            }
            shared.counters.trace_checks.inc();
            Ok(Outcome::ok(0))
        }
        Action::ClassOne => {
            let t = target(shared, py, slot)?;
            f("flip_class_one").call::<()>(py, (&t, variant))?;
            Ok(Outcome::ok(0))
        }
        Action::GlobalOne => {
            f("flip_global_one").call::<()>(py, (variant,))?;
            Ok(Outcome::ok(0))
        }
        Action::ListItem => {
            let t = target(shared, py, slot)?;
            f("flip_list_item").call::<()>(py, (&t, rng.below(16)))?;
            Ok(Outcome::ok(0))
        }
        Action::GlobalList => {
            f("rebind_global_list").call::<()>(py, ())?;
            Ok(Outcome::ok(0))
        }
        Action::Abs => {
            f("flip_abs").call::<()>(py, (variant,))?;
            Ok(Outcome::ok(0))
        }
        Action::ScratchClassAttr => {
            let t = target(shared, py, slot)?;
            f("scratch_class_attr").call::<()>(py, (&t, variant))?;
            Ok(Outcome::ok(0))
        }
        Action::ScratchGlobal => {
            f("scratch_global").call::<()>(py, (variant,))?;
            Ok(Outcome::ok(0))
        }
        Action::ScratchBuiltin => {
            f("scratch_builtin").call::<()>(py, (variant,))?;
            Ok(Outcome::ok(0))
        }
        Action::RefreshTargets => {
            let g = shared.next_generation();
            f("refresh_targets").call::<()>(py, (slot, g))?;
            Ok(Outcome::ok(g))
        }
        _ => unreachable!("{action:?} is a channel change"),
    }
}

/// Injector `index`: injections at random, `--fire-interval-us` apart on
/// average, until the run stops.
pub(crate) fn injector(shared: &Shared, index: usize) {
    let mut rng = Rng::new(shared.args.seed, 1000 + index as u64);
    let lane = &shared.injectors[index];
    let interval = shared.args.fire_interval_us;
    shared.rt.attach(|py| {
        while !shared.stopping() {
            let action = Action::pick(&mut rng);
            let slot = rng.below(u64::from(shared.args.targets)) as u32;
            lane.set(action.name());
            let outcome = perform(shared, py, &mut rng, action, slot);
            shared.counters.actions[action as usize].inc();
            let (generation, note) = match outcome {
                Ok(o) => (o.generation, o.note),
                Err(e) => {
                    shared.counters.crashes.inc();
                    shared.fail(format!("injector {index}: {} raised:\n{e}", action.name()));
                    (0, "raised")
                }
            };
            shared.log(LogEntry {
                at_us: shared.now_us(),
                injector: index,
                action,
                slot: action.uses_target().then_some(slot),
                generation,
                outcome: note,
            });
            lane.step();
            lane.set("sleeping");
            let pause = rng.below(2 * interval + 1);
            py.detach(|| thread::sleep(Duration::from_micros(pause)));
        }
    });
    lane.set("done");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_gets_picked() {
        let mut rng = Rng::new(1, 2);
        let mut seen = [0u32; Action::ALL.len()];
        for _ in 0..20_000 {
            seen[Action::pick(&mut rng) as usize] += 1;
        }
        assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(*a as usize, i, "ALL is in declaration order");
        }
    }
}
