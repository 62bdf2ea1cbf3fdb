//! The rare events only an embedder causes (DESIGN §2): installing a
//! frame-evaluation hook, replacing a module's dict, and a debugger
//! writing a local of any thread's frame. All three are global events: the
//! first two stop the world until their threshold, the debugger's write
//! always does (and throws away the executors of the frame's code).
//!
//! They are methods of an attached [`Interp`], so the values they take are
//! rooted by the caller (on its value stack) and they can pause the world.
//! The embedding API wraps them.

use std::sync::Arc;

use stillpoint_gc::Gc;
use stillpoint_sync::{EventKind, PauseCause};

use crate::error::PyResult;
use crate::interp::Interp;
use crate::object::{ObjectData, PyObject};
use crate::value::Value;

/// A frame-evaluation hook (the PEP 523 analogue): called instead of
/// evaluating each Python function call with the function and its
/// arguments. `None` evaluates the call normally; `Some(result)` is the
/// call's result. Calls made while the hook runs on a thread are evaluated
/// normally, so a hook can call Python functions.
pub type EvalFrameHook = Arc<
    dyn Fn(&mut Interp<'_>, Value, &[Value], &[(Value, Value)]) -> Option<PyResult<Value>>
        + Send
        + Sync,
>;

/// Why a debugger write was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DebugError {
    /// No Python thread with that ident.
    NoSuchThread(u64),
    /// The thread has fewer frames.
    NoSuchFrame(usize),
    /// The frame runs module or class-body code, whose names live in a
    /// dict: change the dict instead.
    NotAFunctionFrame,
    /// The frame's code has no local of that name.
    NoSuchLocal(String),
    /// The frame returned before the write could be made.
    FrameGone,
}

impl std::fmt::Display for DebugError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DebugError::NoSuchThread(t) => write!(f, "no Python thread {t}"),
            DebugError::NoSuchFrame(d) => write!(f, "no frame at depth {d}"),
            DebugError::NotAFunctionFrame => write!(f, "not a function frame"),
            DebugError::NoSuchLocal(n) => write!(f, "no local '{n}'"),
            DebugError::FrameGone => write!(f, "the frame returned"),
        }
    }
}

impl std::error::Error for DebugError {}

/// One frame of a thread, as [`Interp::debug_threads`] saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebugFrame {
    /// The code's name (`<module>` at module level).
    pub function: String,
    /// The code's file.
    pub filename: String,
    /// The line it was at.
    pub line: u32,
    /// The names of its bound locals (function frames).
    pub locals: Vec<String>,
}

/// One Python thread's frames, outermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebugThread {
    /// The thread's ident (`threading.get_ident()` on that thread).
    pub ident: u64,
    /// Its frames, outermost first (depth 0 is the first).
    pub frames: Vec<DebugFrame>,
}

impl Interp<'_> {
    /// Installs (or, with `None`, removes) the runtime's frame-evaluation
    /// hook: the "frame-evaluation hook set" event.
    pub fn set_eval_frame_hook(&mut self, hook: Option<EvalFrameHook>) {
        let m = self.mutator();
        m.fire(EventKind::EvalFrameHookSet, None, || {
            self.rt.store_eval_frame_hook(hook)
        });
    }

    /// Replaces `module`'s globals with `dict`: the "module dict replaced"
    /// event. Functions defined in the module keep the globals they were
    /// made with (as in CPython); `module.name` and imports read the new
    /// dict, whose changes are watched from now on.
    pub fn replace_module_dict(&mut self, module: Value, dict: Value) -> PyResult<()> {
        let Some(ObjectData::Module(m)) = module.data() else {
            return self.type_error("replace_module_dict() needs a module");
        };
        let Some(new) = dict.as_object() else {
            return self.type_error("replace_module_dict() needs a dict");
        };
        let ObjectData::Dict(d) = &new.data else {
            return self.type_error("replace_module_dict() needs a dict");
        };
        {
            let mut d = d.lock();
            if d.watcher().is_none() {
                let watcher = super::DictWatcher::new(self.rt.world(), EventKind::GlobalSet);
                d.set_watcher(Arc::new(watcher));
            }
            d.watcher().expect("set above").activate();
        }
        let old = m.dict();
        let mutator = self.mutator();
        mutator.fire(EventKind::ModuleDictReplaced, None, || m.set_dict(new));
        // What was cached from the old dict (tier 1's module attributes and
        // builtins) is stale now: count a change on it.
        if let ObjectData::Dict(d) = &old.data {
            if let Some(w) = d.lock().watcher() {
                w.changed();
            }
        }
        Ok(())
    }

    /// Every Python thread and its frames, read while the world is
    /// stopped.
    pub fn debug_threads(&mut self) -> Vec<DebugThread> {
        let threads = self.rt.stacks.live();
        let m = self.mutator();
        m.stop_the_world_for(PauseCause::Other, || {
            threads
                .iter()
                .map(|(ident, stacks)| DebugThread {
                    ident: *ident,
                    // SAFETY: the world is stopped: every other thread is
                    // parked or detached and does not touch its stacks, and
                    // this one holds no reference into its own here.
                    frames: unsafe { stacks.describe_frames() },
                })
                .collect()
        })
    }

    /// Sets local `name` of the frame at `depth` (0: outermost) of thread
    /// `ident` to `value` (rooted by the caller): the "debugger sets a
    /// local" event. It stops the world, throws away the executors built
    /// from the frame's code, and writes the local; the thread goes on with
    /// the new value.
    pub fn debug_set_local(
        &mut self,
        ident: u64,
        depth: usize,
        name: &str,
        value: Value,
    ) -> Result<(), DebugError> {
        let threads = self.rt.stacks.live();
        let Some((_, stacks)) = threads.iter().find(|(t, _)| *t == ident) else {
            return Err(DebugError::NoSuchThread(ident));
        };
        let m = self.mutator();
        // First find the frame's code (its watch names the executors to
        // throw away), then write in the event if the frame is still there.
        // SAFETY: as in `debug_threads`: the world is stopped.
        let found = m.stop_the_world_for(PauseCause::Other, || unsafe {
            stacks.locate_local(depth, name)
        })?;
        let code: Gc<PyObject> = found.code;
        let mark = self.push_root(Value::object(code));
        self.push_root(value);
        let ObjectData::Code(c) = &code.data else {
            unreachable!("frames run code objects")
        };
        let written = m.fire(EventKind::DebuggerSetLocal, Some(&c.watch), || {
            // SAFETY: as in `debug_threads`: the world is stopped (this
            // event always pauses).
            unsafe { stacks.write_local(&found, value) }
        });
        self.truncate_roots(mark);
        if written {
            Ok(())
        } else {
            Err(DebugError::FrameGone)
        }
    }
}
