//! `sys.settrace` and `sys.setprofile`: the instrumentation event.
//!
//! Each thread has its own trace and profile function (as in CPython,
//! `sys.settrace` affects the calling thread). Setting one fires the
//! "instrumentation" event on the runtime's all-code watch, so every
//! executor that assumed uninstrumented code is thrown away; while one is
//! set, the dispatch loop's single `tracing` test routes each frame start,
//! new line, return and exception through [`Interp::trace_event`].
//!
//! The events follow CPython 3.11: `call` goes to the thread's trace
//! function, whose result becomes the frame's `f_trace`; `line`,
//! `return` and `exception` go to `f_trace` (a `None` result keeps it); the
//! profile function sees `call`, `return` and `c_call`/`c_return`/
//! `c_exception` around builtin calls. Hooks do not trace themselves. A
//! hook that raises switches tracing off and the exception propagates.
//!
//! Before each hook call the frame's locals are copied into `f_locals`;
//! afterwards, values the hook changed are written back into the frame:
//! that is a debugger setting a local, an event of its own (global, never
//! assumed away: it always pauses), which also invalidates the executors
//! built from the frame's code.

use std::sync::atomic::Ordering;

use stillpoint_gc::Gc;
use stillpoint_sync::EventKind;

use super::{FrameLocals, Interp};
use crate::error::PyResult;
use crate::object::{Dict, FrameObject, ObjectData, PyObject};
use crate::value::{AtomicValue, Value};

/// What a trace or profile function is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TraceEvent {
    /// A frame starts (or a generator resumes).
    Call,
    /// A new line is about to run.
    Line,
    /// A frame returns (or a generator yields); the argument is the value.
    Return,
    /// An exception was raised in the frame; the argument is `(type,
    /// value, traceback)`.
    Exception,
    /// A builtin function is about to be called.
    CCall,
    /// A builtin function returned.
    CReturn,
    /// A builtin function raised.
    CException,
}

impl TraceEvent {
    fn name(self) -> &'static str {
        match self {
            TraceEvent::Call => "call",
            TraceEvent::Line => "line",
            TraceEvent::Return => "return",
            TraceEvent::Exception => "exception",
            TraceEvent::CCall => "c_call",
            TraceEvent::CReturn => "c_return",
            TraceEvent::CException => "c_exception",
        }
    }

    fn goes_to_profile(self) -> bool {
        !matches!(self, TraceEvent::Line | TraceEvent::Exception)
    }
}

impl Interp<'_> {
    /// `sys.settrace(func)` (or `sys.setprofile(func)` when `profile`)
    /// for this thread.
    pub(crate) fn set_trace(&mut self, func: Value, profile: bool) {
        if !func.is_none() {
            let m = self.mutator();
            m.fire(
                EventKind::Instrumentation,
                Some(self.rt.instrumentation()),
                || (),
            );
        }
        let st = self.st();
        if profile {
            st.profile_func = func;
        } else {
            st.trace_func = func;
        }
        self.tracing = !st.trace_func.is_none() || !st.profile_func.is_none();
    }

    /// `sys.gettrace()` (or `sys.getprofile()` when `profile`).
    pub(crate) fn get_trace(&mut self, profile: bool) -> Value {
        let st = self.st();
        if profile {
            st.profile_func
        } else {
            st.trace_func
        }
    }

    /// A builtin call with the profile function's `c_call`, `c_return` and
    /// `c_exception` events around it (`callable` is rooted by the caller).
    pub(super) fn call_builtin_profiled(
        &mut self,
        callable: Value,
        func: &crate::object::NativeCode,
        args: &[Value],
        kwargs: &[(Value, Value)],
    ) -> PyResult<Value> {
        let pc = self
            .st()
            .frames
            .last()
            .map_or(0, |f| f.pc.saturating_sub(1));
        self.trace_event(TraceEvent::CCall, callable, pc)?;
        match func.call(self, args, kwargs) {
            Ok(v) => {
                let mark = self.push_root(v);
                let traced = self.trace_event(TraceEvent::CReturn, callable, pc);
                self.truncate_roots(mark);
                traced.map(|()| v)
            }
            Err(e) => {
                let mark = self.push_root(e.0);
                let traced = self.trace_event(TraceEvent::CException, callable, pc);
                self.truncate_roots(mark);
                traced?;
                Err(e)
            }
        }
    }

    /// The attributes of frame objects.
    pub(super) fn frame_attribute(&mut self, o: &Gc<PyObject>, name: &str) -> Option<Value> {
        let ObjectData::Frame(f) = &o.data else {
            return None;
        };
        Some(match name {
            "f_code" => Value::object(f.code),
            "f_globals" => Value::object(f.globals),
            "f_back" => f.back,
            "f_lineno" => self.new_int(i64::from(f.line.load(Ordering::Relaxed))),
            "f_locals" => f.locals.load(),
            "f_trace" => f.trace.load(),
            _ => return None,
        })
    }

    /// `frame.f_trace = func` (the only frame attribute hooks may set).
    pub(super) fn set_frame_attr(
        &mut self,
        o: Gc<PyObject>,
        name: Value,
        value: Value,
    ) -> PyResult<bool> {
        let ObjectData::Frame(f) = &o.data else {
            return Ok(false);
        };
        if self.str_of(name).as_deref() != Some("f_trace") {
            return Ok(false);
        }
        f.trace.store(value);
        Ok(true)
    }

    /// The top frame's object, if it has one.
    fn top_frame_object(&mut self) -> Option<Gc<PyObject>> {
        self.st().frames.last()?.frame_obj.as_object()
    }

    /// Before the top frame runs instruction `pc`: a `line` event if it
    /// starts a new line or a backward jump led here (CPython 3.11's rule).
    pub(super) fn trace_line(&mut self, pc: u32) -> PyResult<()> {
        if self.in_hook {
            return Ok(());
        }
        let Some(fo) = self.top_frame_object() else {
            return Ok(());
        };
        let ObjectData::Frame(f) = &fo.data else {
            unreachable!("frame objects are frames")
        };
        if f.trace.load().is_none() {
            return Ok(());
        }
        let ObjectData::Code(code) = &f.code.data else {
            unreachable!("frames run code objects")
        };
        let line = code.line_of(pc);
        let previous_pc = f.last_pc.swap(pc, Ordering::Relaxed);
        if line == 0 {
            return Ok(());
        }
        let new_line = line != f.last_line.load(Ordering::Relaxed);
        if new_line || pc < previous_pc {
            f.last_line.store(line, Ordering::Relaxed);
            self.trace_event(TraceEvent::Line, Value::NONE, pc)?;
        }
        Ok(())
    }

    /// Reports `event` of the top frame (running instruction `pc`) to the
    /// thread's hooks. `arg` must be rooted by the caller.
    pub(crate) fn trace_event(&mut self, event: TraceEvent, arg: Value, pc: u32) -> PyResult<()> {
        if self.in_hook || !self.tracing {
            return Ok(());
        }
        let profile = self.st().profile_func;
        if event.goes_to_profile() && !profile.is_none() {
            let r = self.call_hook(profile, event, arg, pc);
            if let Err(e) = r {
                self.set_trace(Value::NONE, true);
                return Err(e);
            }
        }
        let local = match event {
            TraceEvent::Call => self.st().trace_func,
            TraceEvent::CCall | TraceEvent::CReturn | TraceEvent::CException => return Ok(()),
            _ => match self.top_frame_object() {
                Some(fo) => match &fo.data {
                    ObjectData::Frame(f) => f.trace.load(),
                    _ => Value::NONE,
                },
                None => Value::NONE,
            },
        };
        if local.is_none() {
            return Ok(());
        }
        let result = self.call_hook(local, event, arg, pc);
        let fo = self.top_frame_object().expect("call_hook made it");
        let ObjectData::Frame(f) = &fo.data else {
            unreachable!("frame objects are frames")
        };
        match result {
            Ok(r) if r.is_none() => Ok(()),
            Ok(r) => {
                f.trace.store(r);
                Ok(())
            }
            Err(e) => {
                f.trace.store(Value::NONE);
                self.set_trace(Value::NONE, false);
                Err(e)
            }
        }
    }

    /// Calls `hook(frame, event, arg)` for the top frame, with its locals
    /// copied into `f_locals` before and written back after.
    fn call_hook(
        &mut self,
        hook: Value,
        event: TraceEvent,
        arg: Value,
        pc: u32,
    ) -> PyResult<Value> {
        let depth = self.st().frames.len() - 1;
        let fo = self.frame_object(depth);
        let ObjectData::Frame(f) = &fo.data else {
            unreachable!("frame objects are frames")
        };
        let ObjectData::Code(code) = &f.code.data else {
            unreachable!("frames run code objects")
        };
        let line = if event == TraceEvent::Call && pc == 0 {
            code.first_line
        } else {
            code.line_of(pc)
        };
        f.line.store(line, Ordering::Relaxed);
        if event == TraceEvent::Call {
            f.last_pc.store(pc, Ordering::Relaxed);
            let module_level = code.name.as_ref() == "<module>";
            let start = if module_level { 0 } else { line };
            f.last_line.store(start, Ordering::Relaxed);
        }
        let locals = self.locals_snapshot(depth);
        f.locals.store(locals);
        let name = self.new_str(event.name());
        self.in_hook = true;
        let result = self.call_value(hook, &[Value::object(fo), name, arg], &[]);
        self.in_hook = false;
        self.write_back_locals(depth, fo);
        result
    }

    /// The frame object of the frame at `depth`, made (with its callers')
    /// on first use; it stays rooted by the frame.
    pub(crate) fn frame_object(&mut self, depth: usize) -> Gc<PyObject> {
        let mut start = depth;
        while start > 0 && self.st().frames[start - 1].frame_obj.is_null() {
            start -= 1;
        }
        for d in start..=depth {
            let frame = self.st().frames[d];
            if !frame.frame_obj.is_null() {
                continue;
            }
            let back = match d {
                0 => Value::NONE,
                _ => self.st().frames[d - 1].frame_obj,
            };
            let line = match &frame.code.data {
                ObjectData::Code(c) if frame.pc > 0 => c.line_of(frame.pc - 1),
                ObjectData::Code(c) => c.first_line,
                _ => 0,
            };
            // No safepoint before the object is stored in the frame.
            let fo = self.alloc(
                self.rt.types.frame,
                ObjectData::Frame(FrameObject {
                    code: frame.code,
                    globals: frame.globals,
                    back,
                    line: line.into(),
                    locals: AtomicValue::new(Value::NONE),
                    trace: AtomicValue::new(Value::NONE),
                    last_pc: frame.pc.into(),
                    last_line: line.into(),
                }),
            );
            self.st().frames[d].frame_obj = Value::object(fo);
        }
        self.st().frames[depth]
            .frame_obj
            .as_object()
            .expect("made above")
    }

    /// `f_locals` of the frame at `depth`: the class namespace, the module
    /// globals, or a new dict of a function's bound locals.
    fn locals_snapshot(&mut self, depth: usize) -> Value {
        match self.frame_scope_at(depth) {
            Some((_, FrameLocals::Namespace(ns))) => Value::object(ns),
            Some((globals, FrameLocals::Globals)) => Value::object(globals),
            Some((_, FrameLocals::Function(pairs))) => {
                let mut dict = Dict::new();
                for (name, v) in pairs {
                    let key = self.new_str(&name);
                    dict.insert(key, v).expect("str keys hash");
                }
                self.new_dict(dict)
            }
            None => Value::NONE,
        }
    }

    /// After a hook: the function locals it changed in `f_locals` go back
    /// into the frame at `depth`, through the debugger's set-local event.
    fn write_back_locals(&mut self, depth: usize, fo: Gc<PyObject>) {
        let ObjectData::Frame(f) = &fo.data else {
            return;
        };
        let snapshot = f.locals.load();
        let Some(ObjectData::Dict(snapshot)) = snapshot.data() else {
            return;
        };
        let ObjectData::Code(code) = &f.code.data else {
            return;
        };
        if code.name.as_ref() == "<module>" || self.st().frames[depth].namespace.is_some() {
            return; // module and class namespaces are the dicts themselves
        }
        let names: Vec<Box<str>> = code
            .varnames
            .iter()
            .chain(code.cellvars.iter())
            .chain(code.freevars.iter())
            .cloned()
            .collect();
        let mut changes = Vec::new();
        for (slot, name) in names.iter().enumerate() {
            let key = self.new_str(name);
            let Ok(Some(wanted)) = snapshot.lock().get(key) else {
                continue;
            };
            if self.local_slot(depth, code.varnames.len(), slot) != Some(wanted) {
                changes.push((slot, wanted));
            }
        }
        if !changes.is_empty() {
            self.set_frame_locals(depth, &changes);
        }
    }

    /// The value of local slot `slot` of the frame at `depth` (cells
    /// dereferenced; `nvars` plain locals come first).
    fn local_slot(&mut self, depth: usize, nvars: usize, slot: usize) -> Option<Value> {
        let base = self.st().frames[depth].base as usize;
        let v = self.st().values[base + slot];
        let v = if slot >= nvars {
            match v.data() {
                Some(ObjectData::Cell(c)) => c.load(),
                _ => return None,
            }
        } else {
            v
        };
        (v != Value::UNBOUND).then_some(v)
    }

    /// Writes `(slot, value)` pairs into the locals of this thread's frame
    /// at `depth`: the "debugger sets a local" event (it pauses the world
    /// and invalidates the executors of the frame's code).
    pub(crate) fn set_frame_locals(&mut self, depth: usize, changes: &[(usize, Value)]) {
        let frame = self.st().frames[depth];
        let ObjectData::Code(code) = &frame.code.data else {
            return;
        };
        let nvars = code.varnames.len();
        let base = frame.base as usize;
        let cell = self.cell.clone();
        let m = self.mutator();
        m.fire(EventKind::DebuggerSetLocal, Some(&code.watch), || {
            // SAFETY: this thread owns the stacks and holds no reference
            // into them here (see `StackCell`); the world is stopped, so
            // the collector is not reading them either.
            let stacks = unsafe { &mut *cell.0.get() };
            write_locals(stacks, base, nvars, changes);
        });
    }
}

/// Stores `(slot, value)` pairs into a frame's locals at `base` (slots
/// from `nvars` on hold cells). Runs inside the set-local event.
pub(super) fn write_locals(
    stacks: &mut super::Stacks,
    base: usize,
    nvars: usize,
    changes: &[(usize, Value)],
) {
    for &(slot, value) in changes {
        let Some(current) = stacks.values.get_mut(base + slot) else {
            continue;
        };
        if slot < nvars {
            *current = value;
        } else if let Some(ObjectData::Cell(c)) = current.data() {
            c.store(value);
        }
    }
}
