//! The rare events of DESIGN §2 as the runtime performs them: each goes
//! through `stillpoint-sync` with its threshold, invalidates exactly its
//! dependents, bumps the version tags, and the three that only the
//! embedding API causes (frame-evaluation hook, module-dict replacement,
//! debugger set-local) work against another thread running Python.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use stillpoint::object::{Dict, ObjectData};
use stillpoint::{Runtime, Value};
use stillpoint_sync::{EventKind, ExecutorSlot, PauseCause};

/// Runs `source` as module `name` and returns `attr` of it.
fn exec_get(rt: &Runtime, name: &str, source: &str, attr: &str) -> Value {
    rt.attach_interp(|i| {
        let m = i.exec_module(name, source).expect("module runs");
        let key = i.new_str(attr);
        i.get_attr(m, key).expect("attribute exists")
    })
}

/// Runs `source` as module `name`, then returns how its int `attr` ended.
fn exec_int(rt: &Runtime, name: &str, source: &str, attr: &str) -> i64 {
    let v = exec_get(rt, name, source, attr);
    v.as_inline_int().expect("an int")
}

fn invalidating_fires(rt: &Runtime, kind: EventKind) -> u64 {
    rt.world().stats().events[kind.index()].invalidating_fires
}

fn event_pauses(rt: &Runtime, kind: EventKind) -> u64 {
    rt.world()
        .stats()
        .pauses_by_cause
        .iter()
        .find(|(cause, _)| *cause == PauseCause::Event(kind))
        .map_or(0, |(_, p)| p.count)
}

/// Starts `module.func()` on a new thread and waits until the Python code
/// has set `module.started` (so it is inside its loop); the handle yields
/// the call's int result.
fn spin_in_thread(
    rt: &Arc<Runtime>,
    module: &'static str,
    func: &'static str,
) -> std::thread::JoinHandle<i64> {
    let ready = Arc::new(AtomicBool::new(false));
    let handle = {
        let rt = rt.clone();
        let ready = ready.clone();
        std::thread::spawn(move || {
            rt.attach_interp(|i| {
                let key = i.new_str(module);
                let m = stillpoint::modules::import(i, key).expect("module imported");
                i.push_root(m);
                let f = i.get_attr(m, i.new_str(func)).expect("function");
                ready.store(true, Ordering::SeqCst);
                let r = i.call_value(f, &[], &[]).expect("loop returns");
                r.as_inline_int().expect("an int")
            })
        })
    };
    while !ready.load(Ordering::SeqCst) {
        std::thread::yield_now();
    }
    // Let it get into the loop.
    std::thread::sleep(Duration::from_millis(50));
    handle
}

#[test]
fn class_attribute_set_fires_on_the_class_and_its_subclasses_only() {
    let rt = Runtime::new();
    let source = "class Base:\n    x = 1\nclass Sub(Base):\n    pass\nclass Other:\n    x = 1\n";
    let classes = exec_get(&rt, "hier", source, "Base");
    let _ = classes;
    rt.attach_interp(|i| {
        let m = stillpoint::modules::import(i, i.new_str("hier")).unwrap();
        i.push_root(m);
        let get = |i: &mut stillpoint::interp::Interp<'_>, n: &str| {
            let v = i.get_attr(m, i.new_str(n)).unwrap();
            v.as_object().unwrap()
        };
        let (base, sub, other) = (get(i, "Base"), get(i, "Sub"), get(i, "Other"));
        let world = rt.world().clone();
        // An executor that assumed each class unchanged.
        let slots: Vec<ExecutorSlot<u32>> = (0..3).map(|_| ExecutorSlot::new()).collect();
        for (slot, class) in slots.iter().zip([base, sub, other]) {
            let c = class.as_class().unwrap();
            let dep = world.assume_object(&c.watch).expect("below threshold");
            world.install(slot, 7, &[dep]).expect("installs");
        }
        let versions: Vec<u32> = [base, sub, other]
            .iter()
            .map(|c| c.as_class().unwrap().version.get())
            .collect();
        // `Base.x = 2` from Python.
        i.exec_module("setter", "import hier\nhier.Base.x = 2\n")
            .unwrap();
        assert!(!slots[0].is_linked(), "Base's dependent is invalidated");
        assert!(!slots[1].is_linked(), "a subclass sees what Base changed");
        assert!(
            slots[2].is_linked(),
            "an unrelated class keeps its executor"
        );
        let after: Vec<u32> = [base, sub, other]
            .iter()
            .map(|c| c.as_class().unwrap().version.peek())
            .collect();
        assert_eq!(after[0], 0, "Base's version tag is invalidated");
        assert_eq!(after[1], 0, "and Sub's");
        assert_eq!(after[2], versions[2], "Other keeps its tag");
        assert_ne!(base.as_class().unwrap().version.get(), versions[0]);
    });
    assert_eq!(invalidating_fires(&rt, EventKind::ClassAttrSet), 2);
}

#[test]
fn class_attribute_events_stop_counting_at_the_threshold() {
    let rt = Runtime::new();
    let n = exec_int(
        &rt,
        "counted",
        "class C:\n    n = 0\nfor i in range(100):\n    C.n += 1\nresult = C.n\n",
        "result",
    );
    assert_eq!(n, 100);
    // Threshold 8: the first 8 sets invalidated, the other 92 were one load.
    assert_eq!(invalidating_fires(&rt, EventKind::ClassAttrSet), 8);
}

#[test]
fn global_events_pause_below_their_threshold_and_never_after() {
    let rt = Runtime::new();
    let source = "\
def f(x):
    return x + 1
def g(x):
    return x * 10
class K:
    pass
class A:
    pass
class B:
    pass
class D(A):
    pass
k = K()
out = []
for i in range(3):
    f.__code__ = (g if i % 2 == 0 else f).__code__
    out.append(f(2))
    D.__bases__ = (B,) if i % 2 == 0 else (A,)
    k.__class__ = A if i % 2 == 0 else K
    f.__defaults__ = (i,)
    p = property(lambda self: i)
    p.__init__(lambda self: -i)
result = out[0] * 100 + out[1] * 10 + out[2]
";
    let r = exec_int(&rt, "globals", source, "result");
    assert_eq!(
        r,
        20 * 100 + 20 * 10 + 20,
        "f's code stays g's once replaced"
    );
    for kind in [
        EventKind::FunctionModified,
        EventKind::BasesSet,
        EventKind::ClassSet,
        EventKind::DescriptorMutated,
    ] {
        assert_eq!(invalidating_fires(&rt, kind), 1, "{kind:?} counts once");
        assert_eq!(event_pauses(&rt, kind), 1, "{kind:?} paused once");
    }
}

#[test]
fn imported_module_globals_fire_once_the_module_has_run() {
    let rt = Runtime::new();
    // 20 top-level bindings while the module runs do not count...
    let mut source = String::new();
    for k in 0..20 {
        source.push_str(&format!("v{k} = {k}\n"));
    }
    exec_get(&rt, "config", &source, "v0");
    assert_eq!(invalidating_fires(&rt, EventKind::GlobalSet), 0);
    // ...rebinding them from outside afterwards does.
    exec_get(
        &rt,
        "user",
        "import config\nconfig.v1 = 100\nsetattr(config, 'v2', 5)\ndel config.v3\nr = 1\n",
        "r",
    );
    assert_eq!(invalidating_fires(&rt, EventKind::GlobalSet), 3);
}

#[test]
fn builtins_are_watched_from_the_start() {
    let rt = Runtime::new();
    let r = exec_int(
        &rt,
        "rebind",
        "import builtins\nold = builtins.len\nbuiltins.len = lambda x: 42\nr = len([1])\nbuiltins.len = old\nr += len([1])\n",
        "r",
    );
    assert_eq!(r, 43);
    assert_eq!(invalidating_fires(&rt, EventKind::BuiltinModified), 2);
}

#[test]
fn settrace_fires_instrumentation_and_function_versions_change() {
    let rt = Runtime::new();
    let f = exec_get(
        &rt,
        "traced",
        "import sys\ndef f():\n    return 1\ndef t(frame, event, arg):\n    return None\nsys.settrace(t)\nsys.settrace(None)\n",
        "f",
    );
    assert_eq!(invalidating_fires(&rt, EventKind::Instrumentation), 1);
    let Some(ObjectData::Function(func)) = f.data() else {
        panic!("a function")
    };
    let before = func.version.get();
    rt.attach_interp(|i| {
        i.exec_module("modify", "import traced\ntraced.f.__defaults__ = ()\n")
            .unwrap();
    });
    assert_eq!(
        func.version.peek(),
        0,
        "modifying a function resets its version"
    );
    assert_ne!(func.version.get(), before);
}

#[test]
fn eval_frame_hook_reaches_a_thread_spinning_in_python() {
    let rt = Arc::new(Runtime::new());
    exec_get(
        &rt,
        "spin",
        "def value():\n    return 1\ndef run():\n    n = 0\n    while value() == 1:\n        n += 1\n    return n\n",
        "run",
    );
    let worker = spin_in_thread(&rt, "spin", "run");
    let hook: stillpoint::events::hooks::EvalFrameHook = Arc::new(|_, f, _, _| match f.data() {
        Some(ObjectData::Function(func)) if func.name() == "value" => {
            Some(Ok(Value::try_int(2).unwrap()))
        }
        _ => None,
    });
    rt.attach_interp(|i| i.set_eval_frame_hook(Some(hook)));
    let spins = worker.join().expect("the loop ends");
    assert!(spins > 0);
    assert_eq!(event_pauses(&rt, EventKind::EvalFrameHookSet), 1);
    rt.attach_interp(|i| i.set_eval_frame_hook(None));
    // Past the threshold: removing it did not pause again.
    assert_eq!(event_pauses(&rt, EventKind::EvalFrameHookSet), 1);
    let v = exec_int(&rt, "after", "import spin\nr = spin.value()\n", "r");
    assert_eq!(v, 1, "without the hook calls evaluate normally");
}

#[test]
fn module_dict_replacement_reaches_a_thread_spinning_in_python() {
    let rt = Arc::new(Runtime::new());
    exec_get(&rt, "flags", "go = True\n", "go");
    exec_get(
        &rt,
        "worker",
        "import flags\ndef run():\n    n = 0\n    while flags.go:\n        n += 1\n    return n\n",
        "run",
    );
    let worker = spin_in_thread(&rt, "worker", "run");
    rt.attach_interp(|i| {
        let module = stillpoint::modules::import(i, i.new_str("flags")).unwrap();
        i.push_root(module);
        let mut d = Dict::new();
        d.insert(i.new_str("go"), Value::FALSE).unwrap();
        let dict = i.new_dict(d);
        i.push_root(dict);
        i.replace_module_dict(module, dict).expect("replaced");
    });
    assert!(worker.join().expect("the loop ends") > 0);
    assert_eq!(event_pauses(&rt, EventKind::ModuleDictReplaced), 1);
    // The new dict is watched: a store into it is a global-set event.
    let before = invalidating_fires(&rt, EventKind::GlobalSet);
    exec_get(&rt, "poke", "import flags\nflags.go = 3\nr = 0\n", "r");
    assert_eq!(invalidating_fires(&rt, EventKind::GlobalSet), before + 1);
}

#[test]
fn debugger_sets_a_local_of_a_thread_spinning_in_python() {
    let rt = Arc::new(Runtime::new());
    exec_get(
        &rt,
        "looper",
        "def run():\n    step = 0\n    total = 0\n    while step == 0:\n        total += 1\n    return total * 0 + step\n",
        "run",
    );
    let worker = spin_in_thread(&rt, "looper", "run");
    let deadline = Instant::now() + Duration::from_secs(20);
    rt.attach_interp(|i| {
        // Find the thread and frame that run `run`.
        let (ident, depth, frame) = loop {
            let found = i.debug_threads().into_iter().find_map(|t| {
                let d = t.frames.iter().position(|f| f.function == "run")?;
                Some((t.ident, d, t.frames[d].clone()))
            });
            if let Some(found) = found {
                break found;
            }
            assert!(Instant::now() < deadline, "the worker's frame shows up");
            std::thread::yield_now();
        };
        assert!(frame.locals.contains(&"step".to_string()));
        assert_eq!(frame.filename, "<looper>");
        use stillpoint::events::hooks::DebugError;
        assert_eq!(
            i.debug_set_local(ident, depth, "nope", Value::NONE),
            Err(DebugError::NoSuchLocal("nope".into()))
        );
        assert_eq!(
            i.debug_set_local(u64::MAX, 0, "step", Value::NONE),
            Err(DebugError::NoSuchThread(u64::MAX))
        );
        assert_eq!(
            i.debug_set_local(ident, depth + 5, "step", Value::NONE),
            Err(DebugError::NoSuchFrame(depth + 5))
        );
        i.debug_set_local(ident, depth, "step", Value::try_int(7).unwrap())
            .expect("written");
    });
    assert_eq!(worker.join().expect("the loop ends"), 7);
    assert_eq!(event_pauses(&rt, EventKind::DebuggerSetLocal), 1);
}
