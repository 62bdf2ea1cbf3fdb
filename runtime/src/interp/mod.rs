//! The tier-0 interpreter.
//!
//! One [`Interp`] per thread that runs Python: the thread's sync mutator
//! and gc allocation handle, plus its **value stack** and **frame stack**,
//! which are the thread's root source for the collector.
//!
//! # Frames without native recursion
//!
//! A Python-to-Python call pushes a `Frame` and continues in the same
//! dispatch loop; returning pops it. The native stack grows only when Rust
//! code calls back into Python ([`Interp::call_value`]: builtins calling
//! `__repr__`, for example), which starts a nested dispatch loop. Every
//! frame push checks the recursion limit (RecursionError), and a nested
//! loop is refused (RecursionError) once the thread has used the runtime's
//! native stack budget below where its interpreter started, or after
//! [`MAX_NATIVE_DEPTH`] loops, so no Python program can overflow the native
//! stack, whatever thread it runs on.
//!
//! # Locals live on the value stack
//!
//! A frame's locals are the `nlocals` slots at its `base`; its operand
//! stack follows. Call arguments already on the caller's stack become the
//! callee's first locals without copying.
//!
//! # Roots and safepoints
//!
//! Every `Value` the interpreter will use after a safepoint lives on the
//! value stack, in a frame (code, globals, namespace, pending return
//! action) or on the handled-exception stack. The safepoints are loop
//! back-edges (`JumpBackward`) and function entry; there the thread polls
//! (`m.poll_with(|m| heap.service(m))`) and may park for a pause or run a
//! collection. Native functions receive copies of their arguments while the
//! originals stay on the value stack, so arguments are rooted for the whole
//! call; natives that call back into Python keep any other value they need
//! on the value stack ([`Interp::push_root`]).

mod attr_hooks;
mod lang;
pub(crate) use lang::GenLoopStep;
mod lang2;
mod ops;
mod slots;
mod suggest;
mod trace;
mod type_cache;

use trace::TraceEvent;

pub(crate) use attr_hooks::hook;
pub(crate) use lang::{c3_merge_with, SliceIndices};
pub(crate) use ops::dunder_names;
mod superobj;
mod user_keys;

pub(crate) use attr_hooks::object_attribute_methods;
pub use lang2::lang_type_methods;

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use stillpoint_gc::{Gc, ThreadHeap, Tracer};

use crate::bytecode::{
    BinaryOp, CodeFlags, CodeKind, CodeObject, CompareOp, Instr, Opcode, UnaryOp,
};
use crate::compile::{Compiled, Const};
use crate::error::{PyErr, PyResult};
use crate::events::VersionTag;
use crate::object::{Dict, Function, Layout, Module, ObjectData, PyObject, TracebackEntry};
use crate::runtime::RuntimeInner;
use crate::specialize::{PositionalCallee, ThreadCode};
use crate::value::{AtomicValue, Value};

/// A function implemented in Rust: positional arguments (a bound receiver
/// first) and keyword arguments as (name, value) pairs.
pub type NativeFn = fn(&mut Interp<'_>, &[Value], &[(Value, Value)]) -> PyResult<Value>;

/// The most nested dispatch loops (Rust code calling back into Python) one
/// thread may have.
pub const MAX_NATIVE_DEPTH: u32 = 1000;

/// Printed between an exception and the one raised `from` it.
const CAUSE_SEPARATOR: &str =
    "\nThe above exception was the direct cause of the following exception:\n\n";
/// Printed between an exception and one raised while handling it.
const CONTEXT_SEPARATOR: &str =
    "\nDuring handling of the above exception, another exception occurred:\n\n";

/// An address in the caller's stack frame (a stand-in for the stack
/// pointer).
#[inline(never)]
fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// What happens with a frame's return value.
#[derive(Clone, Copy, Debug)]
enum OnReturn {
    /// It is the call's result.
    Value,
    /// `__init__` returned: the result is the instance (the return value
    /// must be None).
    Init(Value),
    /// A class body finished: build the class from its namespace.
    ClassBody { name: Value, bases: Value },
    /// A generator's frame yielded or returned: its state goes back into
    /// the generator object.
    Generator(Value),
    /// A generator resumed by tier 1's `ForIterGenerator` in its caller's
    /// dispatch loop: its state goes back into the generator too, then a
    /// yielded value is pushed for the caller's loop body, and a return
    /// pops the generator and jumps to `exit`, the loop's end.
    GeneratorLoop { gen: Value, exit: u32 },
    /// An operator method called for `a op b` (`BinaryOpInstance`)
    /// returned: NotImplemented becomes the operator's TypeError (that
    /// form only calls when nothing else would be tried).
    Operator { a: Value, b: Value, op: BinaryOp },
}

/// Whether `s` is spelled like an identifier (short, ASCII letters,
/// digits and underscores): such string constants are interned.
fn looks_like_identifier(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// An activation of a code object.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame {
    /// The code object (`ObjectData::Code`).
    code: Gc<PyObject>,
    /// The globals dict.
    pub(crate) globals: Gc<PyObject>,
    /// The namespace dict of a class body.
    namespace: Option<Gc<PyObject>>,
    /// The next instruction.
    pc: u32,
    /// Where the locals start on the value stack.
    base: u32,
    /// The value-stack length to restore when the frame returns.
    ret_to: u32,
    on_return: OnReturn,
    /// Whether the dispatch loop has started running it (its "call"
    /// trace event is due when it has not).
    entered: bool,
    /// Its `frame` object once a hook asked for one (`Value::NULL` until
    /// then).
    frame_obj: Value,
    /// The thread's copy of the code's instructions (owned by the code
    /// object, which the frame keeps alive).
    tc: *const ThreadCode,
}

impl Frame {
    /// A copy read a word at a time, for a frame pushed a moment ago:
    /// its fields were stored one by one, and a plain copy reads them 16
    /// bytes at a time, which the store buffer cannot forward (the copy
    /// waits for the stores to drain). Volatile loads keep each read one
    /// word wide.
    #[inline(always)]
    fn copy_by_words(&self) -> Frame {
        const WORDS: usize = std::mem::size_of::<Frame>() / 8;
        const _: () = assert!(std::mem::size_of::<Frame>() % 8 == 0);
        const _: () = assert!(std::mem::align_of::<Frame>() == 8);
        let from = (self as *const Frame).cast::<MaybeUninit<u64>>();
        let mut copy = MaybeUninit::<Frame>::uninit();
        let to = copy.as_mut_ptr().cast::<MaybeUninit<u64>>();
        for i in 0..WORDS {
            // SAFETY: `i` words into a frame of `WORDS` 8-byte-aligned
            // words, for reading `self` and writing `copy`; a
            // `MaybeUninit` word may hold padding.
            unsafe { to.add(i).write(std::ptr::read_volatile(from.add(i))) };
        }
        // SAFETY: every byte of `self`, a valid frame, was copied.
        unsafe { copy.assume_init() }
    }

    /// The code object it runs.
    pub(crate) fn code_object(&self) -> Gc<PyObject> {
        self.code
    }

    /// Where its locals start on the value stack.
    pub(crate) fn locals_base(&self) -> usize {
        self.base as usize
    }

    /// The thread's copy of its code that it runs.
    ///
    /// # Safety
    /// The frame (this copy of it) is on the calling thread's frame stack
    /// for as long as the reference is used: the copy belongs to the
    /// frame's code object, which the frame keeps alive, and only this
    /// thread uses it (see `ThreadCode`).
    pub(crate) unsafe fn thread_code<'c>(&self) -> &'c ThreadCode {
        // SAFETY: the caller's contract.
        unsafe { &*self.tc }
    }
}

/// What the call of a virtual frame makes of its return (tier 2's
/// `PushVirtualFrame`), for the frame it pushes if it leaves inside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VirtualCall {
    /// A function call: the returned value.
    Plain,
    /// A constructor's `__init__`: the instance (in the callable's slot).
    Init,
    /// An operator method (`a op b`, the operands its first two locals,
    /// which the body never stores to): the returned value; the
    /// operation's TypeError for NotImplemented.
    Operator(BinaryOp),
}

/// The thread's stacks: its roots.
pub(crate) struct Stacks {
    values: Vec<Value>,
    frames: Vec<Frame>,
    /// Exceptions being handled (innermost last), for bare `raise`.
    handled: Vec<Value>,
    /// `sys.settrace`'s function for this thread, or None.
    trace_func: Value,
    /// `sys.setprofile`'s function for this thread, or None.
    profile_func: Value,
}

impl Default for Stacks {
    fn default() -> Self {
        Stacks {
            values: Vec::new(),
            frames: Vec::new(),
            handled: Vec::new(),
            trace_func: Value::NONE,
            profile_func: Value::NONE,
        }
    }
}

impl Stacks {
    fn trace(&self, tracer: &mut Tracer) {
        for v in &self.values {
            if let Some(o) = v.as_object() {
                tracer.mark(o);
            }
        }
        for f in &self.frames {
            tracer.mark(f.code);
            tracer.mark(f.globals);
            if let Some(ns) = f.namespace {
                tracer.mark(ns);
            }
            let pending = match f.on_return {
                OnReturn::Value => [Value::NONE, Value::NONE],
                OnReturn::Init(v) => [v, Value::NONE],
                OnReturn::ClassBody { name, bases } => [name, bases],
                OnReturn::Generator(g) | OnReturn::GeneratorLoop { gen: g, .. } => [g, Value::NONE],
                OnReturn::Operator { a, b, .. } => [a, b],
            };
            for v in pending.into_iter().chain([f.frame_obj]) {
                if let Some(o) = v.as_object() {
                    tracer.mark(o);
                }
            }
        }
        for hook in [self.trace_func, self.profile_func] {
            if let Some(o) = hook.as_object() {
                tracer.mark(o);
            }
        }
        for v in &self.handled {
            if let Some(o) = v.as_object() {
                tracer.mark(o);
            }
        }
    }
}

/// The stacks (shared between the owning interpreter and its root source
/// and, inside pauses, debuggers) and the type-attribute cache (only the
/// owner touches it).
pub(crate) struct StackCell(UnsafeCell<Stacks>, type_cache::TypeCache);

// SAFETY: the owning thread mutates the stacks only while it is attached
// and between safepoints; the root source reads them only inside a pause,
// when the owner is parked at a safepoint (or detached, or is itself the
// collector inside `poll_with`, holding no reference from `Interp::st`).
// The two never overlap: a pause waits for every attached mutator to park
// first, and parking synchronizes (acquire/release on the state word). The
// cache's cells are only used by the owning thread.
unsafe impl Sync for StackCell {}
// SAFETY: as for `Sync`; the contents are plain words and gc pointers.
unsafe impl Send for StackCell {}

impl StackCell {
    /// The frames, outermost first, for a debugger.
    ///
    /// # Safety
    /// The owning thread must not be using its stacks: the world is stopped
    /// (it is parked or detached), or the caller is the owner and holds no
    /// reference into them.
    pub(crate) unsafe fn describe_frames(&self) -> Vec<crate::events::hooks::DebugFrame> {
        // SAFETY: the caller's contract.
        let stacks = unsafe { &*self.0.get() };
        stacks
            .frames
            .iter()
            .filter_map(|frame| {
                let ObjectData::Code(code) = &frame.code.data else {
                    return None;
                };
                let locals = match frame.namespace {
                    Some(_) => Vec::new(),
                    None if code.name.as_ref() == "<module>" => Vec::new(),
                    None => code
                        .varnames
                        .iter()
                        .chain(code.cellvars.iter())
                        .chain(code.freevars.iter())
                        .enumerate()
                        .filter(|(slot, _)| {
                            let v = stacks.values.get(frame.base as usize + slot);
                            v.is_some_and(|v| *v != Value::UNBOUND && *v != Value::NULL)
                        })
                        .map(|(_, n)| n.to_string())
                        .collect(),
                };
                Some(crate::events::hooks::DebugFrame {
                    function: code.name.to_string(),
                    filename: code.filename.to_string(),
                    line: code.line_of(frame.pc.saturating_sub(1)),
                    locals,
                })
            })
            .collect()
    }

    /// Where local `name` of the frame at `depth` lives.
    ///
    /// # Safety
    /// As for [`StackCell::describe_frames`].
    pub(crate) unsafe fn locate_local(
        &self,
        depth: usize,
        name: &str,
    ) -> Result<LocatedLocal, crate::events::hooks::DebugError> {
        use crate::events::hooks::DebugError;
        // SAFETY: the caller's contract.
        let stacks = unsafe { &*self.0.get() };
        let frame = stacks
            .frames
            .get(depth)
            .ok_or(DebugError::NoSuchFrame(depth))?;
        let ObjectData::Code(code) = &frame.code.data else {
            return Err(DebugError::NotAFunctionFrame);
        };
        if frame.namespace.is_some() || code.name.as_ref() == "<module>" {
            return Err(DebugError::NotAFunctionFrame);
        }
        let slot = code
            .varnames
            .iter()
            .chain(code.cellvars.iter())
            .chain(code.freevars.iter())
            .position(|n| n.as_ref() == name)
            .ok_or_else(|| DebugError::NoSuchLocal(name.to_string()))?;
        Ok(LocatedLocal {
            depth,
            base: frame.base,
            code: frame.code,
            slot,
            nvars: code.varnames.len(),
        })
    }

    /// The value of the local `at` describes (None while it is unbound, or
    /// if its frame is gone). Cells are dereferenced.
    ///
    /// # Safety
    /// As for [`StackCell::describe_frames`].
    pub(crate) unsafe fn read_local(&self, at: &LocatedLocal) -> Option<Value> {
        // SAFETY: the caller's contract.
        let stacks = unsafe { &*self.0.get() };
        let frame = stacks.frames.get(at.depth)?;
        if frame.base != at.base || frame.code != at.code {
            return None;
        }
        let mut v = *stacks.values.get(at.base as usize + at.slot)?;
        if at.slot >= at.nvars {
            v = match v.data() {
                Some(ObjectData::Cell(c)) => c.load(),
                _ => Value::UNBOUND,
            };
        }
        (v != Value::UNBOUND && v != Value::NULL).then_some(v)
    }

    /// Writes `value` into the local `at` describes if its frame is still
    /// the same activation; false if it is gone.
    ///
    /// # Safety
    /// As for [`StackCell::describe_frames`], and the stacks must not be
    /// read through any other reference meanwhile.
    pub(crate) unsafe fn write_local(&self, at: &LocatedLocal, value: Value) -> bool {
        // SAFETY: the caller's contract.
        let stacks = unsafe { &mut *self.0.get() };
        let same = stacks
            .frames
            .get(at.depth)
            .is_some_and(|f| f.base == at.base && f.code == at.code);
        if same {
            trace::write_locals(stacks, at.base as usize, at.nvars, &[(at.slot, value)]);
        }
        same
    }
}

/// A local found by [`StackCell::locate_local`].
pub(crate) struct LocatedLocal {
    depth: usize,
    base: u32,
    pub(crate) code: Gc<PyObject>,
    slot: usize,
    nvars: usize,
}

/// Every interpreter's stacks by thread ident: what a debugger walks.
#[derive(Default)]
pub(crate) struct StackRegistry(parking_lot::Mutex<Vec<(u64, std::sync::Weak<StackCell>)>>);

impl StackRegistry {
    fn register(&self, ident: u64, cell: &Arc<StackCell>) {
        let mut all = self.0.lock();
        all.retain(|(_, w)| w.strong_count() > 0);
        all.push((ident, Arc::downgrade(cell)));
    }

    /// The stacks of the interpreters alive now.
    pub(crate) fn live(&self) -> Vec<(u64, Arc<StackCell>)> {
        self.0
            .lock()
            .iter()
            .filter_map(|(t, w)| Some((*t, w.upgrade()?)))
            .collect()
    }
}

/// A thread's interpreter (see the module docs).
pub struct Interp<'a> {
    pub(crate) rt: &'a RuntimeInner,
    th: ThreadHeap<'a>,
    cell: Arc<StackCell>,
    native_depth: u32,
    /// An address near the top of this thread's stack when the interpreter
    /// was made: nested dispatch loops measure their native stack use
    /// against it (the stack grows down on every target we build for).
    stack_origin: usize,
    /// The containers whose repr is being built on this thread (CPython's
    /// `Py_ReprEnter`): a cycle prints `[...]`, and depth is bounded.
    pub(crate) repr_active: Vec<usize>,
    /// Whether this thread has a trace or profile function (the dispatch
    /// loop's one test for instrumentation).
    pub(crate) tracing: bool,
    /// Whether a trace or profile function is running (hooks do not trace
    /// themselves).
    in_hook: bool,
    /// Whether the frame-evaluation hook is running on this thread (the
    /// calls it makes are evaluated normally).
    in_eval_frame_hook: bool,
    /// Whether the last generator frame that left a dispatch loop of
    /// `gen_resume` yielded (rather than returned). Kept here, not read
    /// back from the generator, which another thread may already have
    /// resumed.
    generator_yielded: bool,
    /// Where the frame of a virtual frame's caller resumes, when that
    /// caller is virtual too and the executor left inside the call: said
    /// by the caller's `PushVirtualFrame` to the one that materializes
    /// the caller's frame (crate::tier2::exec).
    pub(crate) virtual_resume: u32,
    /// This thread's index for thread-local bytecode (`None`: it runs the
    /// frozen copies, unspecialized).
    tlbc_index: Option<usize>,
    /// This thread's specialization statistics, when they are collected.
    pub(crate) spec_stats: Option<Box<crate::specialize::SpecializationStats>>,
    /// Whether hot loops get tier-2 executors on this thread.
    tier2: bool,
    /// This thread's tier-2 statistics, when they are collected.
    pub(crate) t2_stats: Option<Box<crate::tier2::Tier2Stats>>,
    /// The embedder's interrupt flag and step budget.
    control: ThreadControl,
}

/// What an embedder controls on a thread from outside (crate::embed).
pub(crate) struct ThreadControl {
    /// Set by another thread (which then requests a service of this
    /// thread's mutator): raise KeyboardInterrupt at the next safepoint.
    pub(crate) interrupt: Arc<AtomicBool>,
    /// Safepoints left before RuntimeError, or `None`: no budget.
    pub(crate) steps_left: Option<u64>,
}

/// The local names of a frame ([`Interp::frame_scope`]; builtins hook).
pub enum FrameLocals {
    /// Module level: the locals are the globals.
    Globals,
    /// A class body's namespace dict.
    Namespace(Gc<PyObject>),
    /// A function's bound locals, by name. The values are also in the
    /// frame, so they stay rooted while the frame lives.
    Function(Vec<(String, Value)>),
}

/// How a call went.
enum CallOutcome {
    /// A Python frame was pushed; the dispatch loop runs it.
    Pushed,
    /// The call completed with this value.
    Done(Value),
}

impl<'a> Interp<'a> {
    /// An interpreter for the calling thread, whose mutator `th` belongs
    /// to (attached).
    pub fn new(rt: &'a RuntimeInner, th: ThreadHeap<'a>) -> Interp<'a> {
        let cell = Arc::new(StackCell(
            UnsafeCell::new(Stacks::default()),
            type_cache::TypeCache::default(),
        ));
        rt.stacks.register(rt.threads.current_ident(), &cell);
        let source = cell.clone();
        th.set_root_source(move |tracer: &mut Tracer| {
            // SAFETY: root sources run inside a pause (see `StackCell`).
            let stacks = unsafe { &*source.0.get() };
            stacks.trace(tracer);
        });
        Interp {
            rt,
            th,
            cell,
            native_depth: 0,
            stack_origin: stack_address(),
            repr_active: Vec::new(),
            tracing: false,
            in_hook: false,
            in_eval_frame_hook: false,
            generator_yielded: false,
            virtual_resume: 0,
            tlbc_index: if rt.specializing() {
                rt.thread_indices.acquire()
            } else {
                None
            },
            spec_stats: rt.collects_stats().then(Default::default),
            tier2: rt.tier2() && rt.specializing(),
            t2_stats: rt.collects_stats().then(Default::default),
            control: ThreadControl {
                interrupt: Arc::new(AtomicBool::new(false)),
                steps_left: None,
            },
        }
    }

    #[inline(always)]
    fn st(&mut self) -> &mut Stacks {
        // SAFETY: only the owning thread calls this (Interp is !Send
        // through ThreadHeap), and no reference it returns survives a
        // safepoint: `safepoint` takes `&mut self`, so the borrow checker
        // ends every such borrow first. See `StackCell` for the collector.
        unsafe { &mut *self.cell.0.get() }
    }

    /// The thread's value stack (tier 2 works on it directly).
    #[inline(always)]
    pub(crate) fn st_values(&mut self) -> &mut Vec<Value> {
        &mut self.st().values
    }

    /// Records where the top frame is (tier 2 keeps it as tier 1 would).
    #[inline(always)]
    pub(crate) fn set_frame_pc(&mut self, pc: u32) {
        self.st().frames.last_mut().expect("a frame").pc = pc;
    }

    /// Records where frame `index` (from the bottom) is.
    pub(crate) fn set_frame_pc_at(&mut self, index: usize, pc: u32) {
        self.st().frames[index].pc = pc;
    }

    /// How many frames this thread has pushed.
    #[inline(always)]
    pub(crate) fn st_frames_len(&mut self) -> usize {
        self.st().frames.len()
    }

    /// The UnboundLocalError of reading local `slot` of `code`.
    pub(crate) fn unbound_local(&mut self, code: &CodeObject, slot: usize) -> PyErr {
        let msg = format!(
            "cannot access local variable '{}' where it is not associated with a value",
            code.varnames[slot]
        );
        self.new_exception(self.rt.types.unbound_local_error, &msg)
    }

    /// Keeps `v` alive until the stack is cut back below it (for native
    /// code that calls back into Python). Returns its slot.
    pub fn push_root(&mut self, v: Value) -> usize {
        let values = &mut self.st().values;
        values.push(v);
        values.len() - 1
    }

    /// Whether half the native stack budget is used: tier 2 then leaves
    /// calls to tier 1, which makes them without native recursion.
    ///
    /// An executor is entered only below that mark: its inlined calls
    /// then nest at most `MAX_INLINE_DEPTH` frames of the micro-op
    /// interpreter on top, which the other half holds many times over, so
    /// they need no check of their own; every call that may recurse
    /// without bound (a nested dispatch loop, a builtin) checks again.
    pub(crate) fn native_stack_half_used(&self) -> bool {
        let used = self.stack_origin.saturating_sub(stack_address());
        self.native_depth >= MAX_NATIVE_DEPTH / 2 || used > self.rt.native_stack_budget() / 2
    }

    /// Whether another nested dispatch loop would take this thread past its
    /// native stack budget (or past [`MAX_NATIVE_DEPTH`] loops): then the
    /// call raises RecursionError instead of overflowing the native stack.
    pub(crate) fn native_stack_exhausted(&self) -> bool {
        let used = self.stack_origin.saturating_sub(stack_address());
        self.native_depth >= MAX_NATIVE_DEPTH || used > self.rt.native_stack_budget()
    }

    /// The current value-stack length: a mark for [`Interp::truncate_roots`]
    /// that releases every root pushed after it.
    pub fn root_mark(&mut self) -> usize {
        self.st().values.len()
    }

    /// Roots every value of `items` (see [`Interp::push_root`]); returns
    /// the mark to pass to [`Interp::truncate_roots`].
    pub fn root_all(&mut self, items: &[Value]) -> usize {
        let values = &mut self.st().values;
        let mark = values.len();
        values.extend_from_slice(items);
        mark
    }

    /// Cuts the value stack back to `len` (releases roots from
    /// [`Interp::push_root`]).
    pub fn truncate_roots(&mut self, len: usize) {
        self.st().values.truncate(len);
    }

    /// A safepoint: parks for a pending pause and runs a requested
    /// service (a collection, an embedder's interrupt). Raises
    /// KeyboardInterrupt for an interrupt, MemoryError when a collection
    /// here left the heap over its limit, and RuntimeError when the step
    /// budget ran out. Without a budget the fast path is the poll's load
    /// and branch plus one branch on the budget.
    #[inline]
    pub(crate) fn safepoint(&mut self) -> PyResult<()> {
        if self.control.steps_left.is_some() {
            self.count_step()?;
        }
        let mut due = false;
        self.th.mutator().poll_with(|_| due = true);
        if due {
            return self.service();
        }
        Ok(())
    }

    /// A safepoint at the entry of the top frame (before its next
    /// instruction): an exception it raises is raised in that frame.
    fn entry_safepoint(&mut self, entry: usize) -> PyResult<()> {
        if let Err(e) = self.safepoint() {
            let pc = self.st().frames.last().expect("a frame").pc as usize;
            self.raise_before(pc, e, entry)?;
        }
        Ok(())
    }

    /// Spends one step of the budget (crate::embed); RuntimeError once it
    /// is spent, at this and every later safepoint.
    #[cold]
    fn count_step(&mut self) -> PyResult<()> {
        let left = self.control.steps_left.as_mut().expect("a budget");
        if *left == 0 {
            return Err(
                self.new_exception(self.rt.types.runtime_error, "instruction budget exhausted")
            );
        }
        *left -= 1;
        Ok(())
    }

    /// The service a poll found requested: a collection if one is due,
    /// then the embedder's interrupt and the heap limit.
    #[cold]
    #[inline(never)]
    fn service(&mut self) -> PyResult<()> {
        let heap = self.rt.heap();
        let epoch = heap.epoch();
        // SAFETY: the rooting contract: every value this thread uses after
        // this point is on its stacks (the module docs), which its root
        // source reports; runtime-wide objects are global roots.
        unsafe { heap.service(self.th.mutator()) };
        if self.control.interrupt.swap(false, Ordering::AcqRel) {
            let args = self.new_tuple(Vec::new());
            let exc = self.new_exception_object(self.rt.types.keyboard_interrupt, args);
            return Err(PyErr(exc));
        }
        if heap.epoch() != epoch && heap.over_limit() {
            return Err(self.new_exception(self.rt.types.memory_error, "heap limit exceeded"));
        }
        Ok(())
    }

    /// The controls an embedder holds over this thread (crate::embed).
    pub(crate) fn control(&mut self) -> &mut ThreadControl {
        &mut self.control
    }

    /// This thread's mutator (for firing events).
    pub(crate) fn mutator(&self) -> &'a stillpoint_sync::Mutator {
        self.th.mutator()
    }

    /// Runs blocking `work` detached from the world, so pauses and
    /// collections need not wait for it (hook for crate::modules: every
    /// blocking wait goes through here). Values the caller needs afterwards
    /// must be rooted (on the value stack).
    pub fn detached<R>(&mut self, work: impl FnOnce() -> R) -> R {
        self.th.mutator().detached(work)
    }

    // Builtins hook (globals(), locals(), vars() without arguments).
    /// The innermost Python frame's scope: its globals dict, and its local
    /// names — `Namespace` for a class body, `Globals` at module level,
    /// or a function's bound locals (cells dereferenced) in slot order.
    pub fn frame_scope(&mut self) -> Option<(Gc<PyObject>, FrameLocals)> {
        let depth = self.st().frames.len().checked_sub(1)?;
        self.frame_scope_at(depth)
    }

    /// [`Interp::frame_scope`] of the frame at `depth` (0: the outermost).
    pub(crate) fn frame_scope_at(&mut self, depth: usize) -> Option<(Gc<PyObject>, FrameLocals)> {
        let frame = *self.st().frames.get(depth)?;
        if let Some(ns) = frame.namespace {
            return Some((frame.globals, FrameLocals::Namespace(ns)));
        }
        let ObjectData::Code(code) = &frame.code.data else {
            return None;
        };
        if code.name.as_ref() == "<module>" {
            return Some((frame.globals, FrameLocals::Globals));
        }
        let names = code
            .varnames
            .iter()
            .chain(code.cellvars.iter())
            .chain(code.freevars.iter());
        let base = frame.base as usize;
        let nvars = code.varnames.len();
        let mut locals = Vec::new();
        for (slot, name) in names.enumerate() {
            let mut v = self.st().values[base + slot];
            if slot >= nvars {
                v = match v.data() {
                    Some(ObjectData::Cell(c)) => c.load(),
                    _ => Value::UNBOUND,
                };
            }
            if v != Value::UNBOUND && v != Value::NULL && !crate::compile::is_hidden_local(name) {
                locals.push((name.to_string(), v));
            }
        }
        Some((frame.globals, FrameLocals::Function(locals)))
    }

    /// Allocates an object.
    #[inline(always)]
    pub fn alloc(&self, class: Gc<PyObject>, data: ObjectData) -> Gc<PyObject> {
        self.th.alloc(PyObject::new(class, data))
    }

    /// Turns compiled code into a code object in the heap.
    pub fn materialize(&mut self, c: &Compiled, filename: &Arc<str>) -> Gc<PyObject> {
        // No safepoint is reached while the pieces are built, so the
        // partially built constants need no rooting.
        let constants: Vec<Value> = c
            .constants
            .iter()
            .map(|k| self.constant(k, filename))
            .collect();
        let names: Vec<Value> = c.names.iter().map(|n| self.intern(n)).collect();
        let code = CodeObject {
            tlbc: crate::specialize::ThreadCodes::new(&c.instructions),
            loops: crate::tier2::Loops::new(&c.instructions),
            watch: stillpoint_sync::Watchable::new(stillpoint_sync::EventKind::Instrumentation),
            name: c.name.clone(),
            name_object: self.intern(&c.name),
            qualname: c.qualname.clone(),
            filename: filename.clone(),
            first_line: c.first_line,
            kind: c.kind,
            argcount: c.argcount,
            kwonlyargcount: c.kwonlyargcount,
            flags: c.flags,
            varnames: c.varnames.clone().into(),
            cellvars: c.cellvars.clone().into(),
            freevars: c.freevars.clone().into(),
            instructions: c.instructions.clone().into(),
            constants: constants.into(),
            names: names.into(),
            locations: c.locations.clone().into(),
            exception_table: c.exception_table.clone().into(),
            comprehensions: c.comprehensions.clone().into(),
            max_stack: c.max_stack,
        };
        self.alloc(self.rt.types.code, ObjectData::Code(Box::new(code)))
    }

    fn constant(&mut self, c: &Const, filename: &Arc<str>) -> Value {
        match c {
            Const::None => Value::NONE,
            Const::Bool(b) => Value::bool(*b),
            Const::Int(i) => self.new_bigint(i.clone()),
            Const::Float(f) => Value::float(*f),
            // Identifier-like constants are interned, as in CPython
            // (`getattr(o, "name")` then finds keys by identity).
            Const::Str(s) if looks_like_identifier(s) => self.intern(s),
            Const::Str(s) => self.new_str(s),
            Const::Tuple(items) => {
                let items: Vec<Value> = items.iter().map(|k| self.constant(k, filename)).collect();
                self.new_tuple(items)
            }
            Const::Code(code) => Value::object(self.materialize(code, filename)),
            Const::Ellipsis => self.builtin_singleton("Ellipsis"),
        }
    }

    /// Runs compiled module code as a new module `name`.
    pub fn run_module(&mut self, c: &Compiled, name: &str, filename: &Arc<str>) -> PyResult<()> {
        let globals = self.new_module(name, filename)?;
        self.run_in_globals(c, globals, filename)
    }

    /// Runs compiled code in module `__main__`'s namespace, made first if
    /// there is none yet (the interactive prompt: every input shares it).
    pub fn run_in_main(&mut self, c: &Compiled, filename: &Arc<str>) -> PyResult<()> {
        let existing = self.rt.module("__main__").and_then(|m| match &m.data {
            ObjectData::Module(m) => Some(m.dict()),
            _ => None,
        });
        let globals = match existing {
            Some(globals) => globals,
            None => self.new_module("__main__", filename)?,
        };
        self.run_in_globals(c, globals, filename)
    }

    /// A new module `name` (registered in the runtime); returns its
    /// globals dict.
    pub(crate) fn new_module(&mut self, name: &str, filename: &Arc<str>) -> PyResult<Gc<PyObject>> {
        let base = self.st().values.len();
        let globals = self.new_module_dict();
        self.push_root(Value::object(globals));
        let module = self.alloc(
            self.rt.types.module,
            ObjectData::Module(Module::new(name, globals, Some(filename.clone()))),
        );
        self.rt.add_module(name, module);
        let key = self.new_str("__name__");
        let value = self.new_str(name);
        self.dict_set(globals, key, value)?;
        let key = self.new_str("__builtins__");
        self.dict_set(globals, key, Value::object(self.rt.builtins))?;
        self.truncate_roots(base);
        Ok(globals)
    }

    /// Runs compiled module-level code with `globals` as its namespace.
    pub(crate) fn run_in_globals(
        &mut self,
        c: &Compiled,
        globals: Gc<PyObject>,
        filename: &Arc<str>,
    ) -> PyResult<()> {
        self.eval_in_globals(c, globals, filename).map(|_| ())
    }

    /// Runs compiled module-level code with `globals` as its namespace and
    /// returns what it returns (an `eval` expression's value). The caller
    /// keeps `globals` alive (a registered module's, or a rooted one).
    pub(crate) fn eval_in_globals(
        &mut self,
        c: &Compiled,
        globals: Gc<PyObject>,
        filename: &Arc<str>,
    ) -> PyResult<Value> {
        let code = self.materialize(c, filename);
        let top = self.st().values.len() as u32;
        self.push_frame(code, globals, None, top, top, OnReturn::Value)?;
        let entry = self.st().frames.len();
        self.run(entry)
    }

    /// Pushes a frame of `code` to run from its first instruction.
    /// Inlined, like [`Interp::push_new_frame`]: called, it took the
    /// caller's `on_return` by pointer and copied it 16 bytes at a time
    /// from 8-byte stores (a store-forwarding stall at every call).
    #[inline(always)]
    fn push_frame(
        &mut self,
        code: Gc<PyObject>,
        globals: Gc<PyObject>,
        namespace: Option<Gc<PyObject>>,
        base: u32,
        ret_to: u32,
        on_return: OnReturn,
    ) -> PyResult<()> {
        let frame = self.new_frame(code, globals, namespace, base, ret_to, on_return, 0);
        self.push_new_frame(frame)
    }

    /// Pushes `frame` (made by `new_frame`), below the recursion limit. A
    /// resumed generator's frame is made with its `pc` rather than patched
    /// after the push: the dispatch loop reads the frame back at once, and
    /// a separate narrower store of `pc` would stall that read (store
    /// forwarding). Inlined so that the frame is built where the push
    /// stores it: passed by pointer, it was stored field by field and read
    /// back 16 bytes at a time, which store forwarding cannot serve (a
    /// tenth of a generator-driven loop's time).
    #[inline(always)]
    fn push_new_frame(&mut self, frame: Frame) -> PyResult<()> {
        if self.st().frames.len() as u32 >= self.rt.recursion_limit() {
            return Err(self.recursion_error());
        }
        self.st().frames.push(frame);
        Ok(())
    }

    /// The RecursionError of a call too deep (frames or native stack).
    #[cold]
    fn recursion_error(&mut self) -> PyErr {
        self.new_exception(
            self.rt.types.recursion_error,
            "maximum recursion depth exceeded",
        )
    }

    /// A frame of `code` that the dispatch loop has not entered yet, to
    /// run from instruction `pc`.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn new_frame(
        &self,
        code: Gc<PyObject>,
        globals: Gc<PyObject>,
        namespace: Option<Gc<PyObject>>,
        base: u32,
        ret_to: u32,
        on_return: OnReturn,
        pc: u32,
    ) -> Frame {
        Frame {
            code,
            globals,
            namespace,
            pc,
            base,
            ret_to,
            on_return,
            entered: false,
            frame_obj: Value::NULL,
            tc: match &code.data {
                ObjectData::Code(c) => c.tlbc.get(self.tlbc_index),
                _ => unreachable!("frames run code objects"),
            },
        }
    }

    /// Calls `callable` with positional `args` and keyword arguments
    /// `kwargs` (name str, value), from native code.
    pub fn call_value(
        &mut self,
        callable: Value,
        args: &[Value],
        kwargs: &[(Value, Value)],
    ) -> PyResult<Value> {
        if self.native_stack_exhausted() {
            return Err(self.recursion_error());
        }
        let callable_pos = self.st().values.len();
        self.st().values.push(callable);
        self.st().values.extend_from_slice(args);
        let kwnames = if kwargs.is_empty() {
            None
        } else {
            for (_, v) in kwargs {
                self.st().values.push(*v);
            }
            let names: Vec<Value> = kwargs.iter().map(|(k, _)| *k).collect();
            let t = self.new_tuple(names);
            self.st().values.push(t);
            Some(t)
        };
        let nargs = args.len() + kwargs.len();
        let result = match self.call_at(callable_pos, callable_pos + 1, nargs, kwnames) {
            Ok(CallOutcome::Done(v)) => Ok(v),
            Ok(CallOutcome::Pushed) => {
                let entry = self.st().frames.len();
                self.run_nested(entry)
            }
            Err(e) => Err(e),
        };
        self.st().values.truncate(callable_pos);
        result
    }

    /// Calls the callable at `callable_pos` with `nargs` arguments starting
    /// at `args_start` (the last `len(kwnames)` of them by keyword; the
    /// kwnames tuple, if any, sits right after them). On `Done` the caller
    /// cuts the stack back to `callable_pos`; on `Pushed` the new frame
    /// does so when it returns.
    fn call_at(
        &mut self,
        callable_pos: usize,
        args_start: usize,
        nargs: usize,
        kwnames: Option<Value>,
    ) -> PyResult<CallOutcome> {
        let callable = self.st().values[callable_pos];
        let Some(obj) = callable.as_object() else {
            return Err(self.not_callable(callable));
        };
        match &obj.data {
            ObjectData::Function(f) => self.call_function(
                obj,
                f,
                callable_pos,
                args_start,
                nargs,
                kwnames,
                OnReturn::Value,
            ),
            ObjectData::Builtin(b) if kwnames.is_none() && !self.tracing && nargs < 8 => self
                .call_builtin_positional(b, args_start, nargs)
                .map(CallOutcome::Done),
            ObjectData::Builtin(b) => {
                let (mut args, kwargs) = self.collect_args(args_start, nargs, kwnames);
                if let Some(receiver) = b.bound {
                    args.insert(0, receiver);
                }
                if self.tracing {
                    return self
                        .call_builtin_profiled(callable, &b.func, &args, &kwargs)
                        .map(CallOutcome::Done);
                }
                let v = b.func.call(self, &args, &kwargs)?;
                Ok(CallOutcome::Done(v))
            }
            ObjectData::BoundMethod { func, receiver } => {
                let (func, receiver) = (*func, *receiver);
                // Rewrite [method, args...] as [func, receiver, args...].
                let values = &mut self.st().values;
                values[callable_pos] = func;
                values.insert(args_start, receiver);
                self.call_at(callable_pos, args_start, nargs + 1, kwnames)
            }
            ObjectData::Class(_) => self.call_class(obj, callable_pos, args_start, nargs, kwnames),
            _ => {
                // Instances with __call__.
                let class = self.class_of(callable);
                match self.lookup(class, "__call__") {
                    Some(f) => {
                        let values = &mut self.st().values;
                        values[callable_pos] = f;
                        values.insert(args_start, callable);
                        self.call_at(callable_pos, args_start, nargs + 1, kwnames)
                    }
                    None => Err(self.not_callable(callable)),
                }
            }
        }
    }

    fn not_callable(&mut self, v: Value) -> PyErr {
        let msg = format!("'{}' object is not callable", self.type_name(v));
        self.new_exception(self.rt.types.type_error, &msg)
    }

    /// Copies call arguments off the stack (they stay there, rooted).
    fn collect_args(
        &mut self,
        args_start: usize,
        nargs: usize,
        kwnames: Option<Value>,
    ) -> (Vec<Value>, Vec<(Value, Value)>) {
        let values = &self.st().values;
        let all = &values[args_start..args_start + nargs];
        match kwnames.and_then(|k| k.as_object()) {
            Some(names) => {
                let ObjectData::Tuple(names) = &names.data else {
                    return (all.to_vec(), Vec::new());
                };
                let npos = nargs - names.len();
                let kwargs = names
                    .iter()
                    .copied()
                    .zip(all[npos..].iter().copied())
                    .collect();
                (all[..npos].to_vec(), kwargs)
            }
            None => (all.to_vec(), Vec::new()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn call_function(
        &mut self,
        func_obj: Gc<PyObject>,
        f: &Function,
        callable_pos: usize,
        args_start: usize,
        nargs: usize,
        kwnames: Option<Value>,
        on_return: OnReturn,
    ) -> PyResult<CallOutcome> {
        if !self.in_eval_frame_hook {
            if let Some(hook) = self.rt.eval_frame_hook() {
                let (args, kwargs) = self.collect_args(args_start, nargs, kwnames);
                self.in_eval_frame_hook = true;
                let replaced = hook(self, Value::object(func_obj), &args, &kwargs);
                self.in_eval_frame_hook = false;
                if let Some(result) = replaced {
                    self.st().values.truncate(callable_pos);
                    return result.map(CallOutcome::Done);
                }
            }
        }
        let code_obj = f.code();
        let ObjectData::Code(code) = &code_obj.data else {
            return Err(self.new_exception(self.rt.types.type_error, "function without code"));
        };
        let argcount = code.argcount as usize;
        let nvars = code.varnames.len();
        let fast = kwnames.is_none()
            && nargs == argcount
            && code.kwonlyargcount == 0
            && code.flags & (CodeFlags::VARARGS | CodeFlags::VARKEYWORDS) == 0;
        if fast {
            // The arguments already are the first locals.
            let values = &mut self.st().values;
            values.truncate(args_start + nargs);
            values.resize(args_start + nvars, Value::UNBOUND);
        } else if !self.bind_keywords_in_place(f, code, args_start, nargs, kwnames) {
            let (args, kwargs) = self.collect_args(args_start, nargs, kwnames);
            let locals = self.bind_arguments(f, code, &args, &kwargs)?;
            let values = &mut self.st().values;
            values.truncate(args_start);
            values.extend_from_slice(&locals);
        }
        self.enter_function(f, code_obj, code, callable_pos, args_start, on_return)
    }

    /// The last step of every Python call, once the frame's locals (from
    /// `args_start`) hold the bound arguments: its cells, then a generator
    /// object for a generator function, or the frame pushed. Inlined into
    /// its two callers: called, it took `on_return` by pointer and copied
    /// it 16 bytes at a time from 8-byte stores (a store-forwarding stall).
    #[inline(always)]
    fn enter_function(
        &mut self,
        f: &crate::object::Function,
        code_obj: Gc<PyObject>,
        code: &CodeObject,
        callable_pos: usize,
        args_start: usize,
        on_return: OnReturn,
    ) -> PyResult<CallOutcome> {
        self.init_cells(code, f.closure_cells(), args_start);
        if code.has_flag(CodeFlags::GENERATOR) {
            return self.call_generator_function(f, code_obj, callable_pos, args_start, on_return);
        }
        self.push_frame(
            code_obj,
            f.globals,
            None,
            args_start as u32,
            callable_pos as u32,
            on_return,
        )?;
        Ok(CallOutcome::Pushed)
    }

    /// Where a call's pieces are on the value stack, its `nargs` arguments
    /// on top: `(callable, first argument, argument count)`. A method call
    /// (`LoadMethod`'s layout) passes its receiver as the first argument
    /// unless the slot after the callable is NULL.
    pub(crate) fn call_positions(&mut self, method: bool, nargs: usize) -> (usize, usize, usize) {
        let len = self.st().values.len();
        if !method {
            return (len - nargs - 1, len - nargs, nargs);
        }
        let callable_pos = len - nargs - 2;
        if self.st().values[callable_pos + 1].is_null() {
            (callable_pos, callable_pos + 2, nargs)
        } else {
            (callable_pos, callable_pos + 1, nargs + 1)
        }
    }

    /// The call of generator function `f` (whose code is `code_obj`): a
    /// new generator, into which the frame's segment, from `args_start`
    /// (locals and cells, ready), moves; the stack is cut back to
    /// `callable_pos`. As `__init__` it is an error (not None).
    fn call_generator_function(
        &mut self,
        f: &Function,
        code_obj: Gc<PyObject>,
        callable_pos: usize,
        args_start: usize,
        on_return: OnReturn,
    ) -> PyResult<CallOutcome> {
        let segment = self.st().values[args_start..].to_vec();
        let gen = crate::object::Generator::new(code_obj, f.globals, f.name, segment);
        let g = self.alloc(self.rt.types.generator, ObjectData::Generator(gen));
        self.st().values.truncate(callable_pos);
        if let OnReturn::Init(_) = on_return {
            return Err(self.new_exception(
                self.rt.types.type_error,
                "__init__() should return None, not 'generator'",
            ));
        }
        Ok(CallOutcome::Done(Value::object(g)))
    }

    /// Calls the Python function `func` as a tier-1 guard found it
    /// callable with the `nargs` positional arguments at `args_start`: its
    /// code (read once by the guard), the defaults tuple whose last items
    /// fill the parameters the call leaves out, and the `__kwdefaults__`
    /// dict that fills the keyword-only ones. The arguments already are its
    /// first locals. A generator function's call makes the generator.
    fn call_positional(
        &mut self,
        func: Value,
        callee: PositionalCallee,
        callable_pos: usize,
        args_start: usize,
        nargs: usize,
        on_return: OnReturn,
    ) -> PyResult<CallOutcome> {
        let Some(ObjectData::Function(f)) = func.data() else {
            unreachable!("the guard checked the function")
        };
        let code_obj = callee.code;
        let ObjectData::Code(code) = &code_obj.data else {
            unreachable!("a function's code is a code object")
        };
        let values = &mut self.st().values;
        values.truncate(args_start + nargs);
        let argcount = code.argcount as usize;
        let missing = argcount - nargs;
        if missing > 0 {
            let defaults = callee
                .defaults
                .as_tuple()
                .expect("the guard checked the defaults");
            values.extend_from_slice(&defaults[defaults.len() - missing..]);
        }
        if code.kwonlyargcount != 0 {
            let Some(ObjectData::Dict(d)) = callee.kwdefaults.data() else {
                unreachable!("the guard checked the keyword-only defaults")
            };
            let kwonly = &code.varnames[argcount..argcount + code.kwonlyargcount as usize];
            let lost: Vec<String> = {
                // The dict may have lost a key since the guard (another
                // thread): the call then fails as if that came first.
                let d = d.lock();
                let mut lost = Vec::new();
                for name in kwonly.iter() {
                    match d.get_str(crate::object::hash_str(name), name) {
                        Some(v) => values.push(v),
                        None => lost.push(format!("'{name}'")),
                    }
                }
                lost
            };
            if !lost.is_empty() {
                return Err(self.missing_arguments(f.qualname(), "keyword-only", &lost));
            }
        }
        values.resize(args_start + code.varnames.len(), Value::UNBOUND);
        self.enter_function(f, code_obj, code, callable_pos, args_start, on_return)
    }

    /// Rewrites a call of a bound method at `callable_pos` (`func`,
    /// `receiver`) as a call of `func` with the receiver first: into the
    /// empty receiver slot of a method call (`args_start` two past the
    /// callable), or inserted before the arguments. Returns the new
    /// `(args_start, nargs)`.
    fn unpack_bound_method(
        &mut self,
        callable_pos: usize,
        args_start: usize,
        nargs: usize,
        func: Value,
        receiver: Value,
    ) -> (usize, usize) {
        let values = &mut self.st().values;
        values[callable_pos] = func;
        if args_start == callable_pos + 2 {
            values[callable_pos + 1] = receiver;
        } else {
            values.insert(args_start, receiver);
        }
        (callable_pos + 1, nargs + 1)
    }

    /// Calls builtin `b` with the `nargs` (fewer than eight) positional
    /// arguments at `args_start`, copied into a buffer on the native stack,
    /// not a Vec (the originals stay on the value stack, rooted).
    #[inline]
    pub(crate) fn call_builtin_positional(
        &mut self,
        b: &crate::object::BuiltinFunction,
        args_start: usize,
        nargs: usize,
    ) -> PyResult<Value> {
        let mut buf = [Value::NONE; 8];
        let bound = usize::from(b.bound.is_some());
        if let Some(receiver) = b.bound {
            buf[0] = receiver;
        }
        buf[bound..bound + nargs]
            .copy_from_slice(&self.st().values[args_start..args_start + nargs]);
        b.func.call(self, &buf[..bound + nargs], &[])
    }

    /// Appends a frame's cell and free-variable slots after its locals
    /// (which start at `base`): new cells (holding the argument for
    /// parameters that are cells), then the function's closure cells.
    /// Inlined into the calls: most codes have neither.
    #[inline]
    fn init_cells(&mut self, code: &CodeObject, closure: &[Value], base: usize) {
        if !code.cellvars.is_empty() || !code.freevars.is_empty() {
            self.make_cells(code, closure, base);
        }
    }

    /// [`Interp::init_cells`] for a code with cells or free variables.
    fn make_cells(&mut self, code: &CodeObject, closure: &[Value], base: usize) {
        let nvars = code.varnames.len();
        self.st().values.truncate(base + nvars);
        for name in code.cellvars.iter() {
            let initial = match code.varnames.iter().position(|v| v == name) {
                Some(i) => self.st().values[base + i],
                None => Value::UNBOUND,
            };
            // No safepoint between the allocation and the push.
            let cell = self.alloc(
                self.rt.types.cell,
                ObjectData::Cell(crate::value::AtomicValue::new(initial)),
            );
            self.st().values.push(Value::object(cell));
        }
        for i in 0..code.freevars.len() {
            let cell = closure.get(i).copied().unwrap_or(Value::NONE);
            self.st().values.push(cell);
        }
    }

    /// Binds a call's arguments where they are, when it passes keywords to
    /// a function without `*args` or `**kwargs`, every name matches a
    /// parameter left free by the positional arguments, and every
    /// parameter missing has a default: the locals laid out from
    /// `args_start` as
    /// [`Interp::bind_arguments`] would make them, with no allocation.
    /// False, having changed nothing, for any other call (which the
    /// general binding makes, or rejects with its message).
    fn bind_keywords_in_place(
        &mut self,
        f: &Function,
        code: &CodeObject,
        args_start: usize,
        nargs: usize,
        kwnames: Option<Value>,
    ) -> bool {
        const MAX_KEYWORDS: usize = 8;
        let Some(names) = kwnames.and_then(|k| k.as_object()) else {
            return false;
        };
        let ObjectData::Tuple(names) = &names.data else {
            return false;
        };
        let (argcount, kwonly) = (code.argcount as usize, code.kwonlyargcount as usize);
        let (nkw, nvars) = (names.len(), code.varnames.len());
        let npos = nargs - nkw;
        if code.flags & (CodeFlags::VARARGS | CodeFlags::VARKEYWORDS) != 0
            || npos > argcount
            || nkw > MAX_KEYWORDS
        {
            return false;
        }
        // Where each keyword goes: a parameter after the positional ones,
        // named once.
        let mut slots = [0usize; MAX_KEYWORDS];
        for (k, name) in names.iter().enumerate() {
            let Some(text) = name.as_ref().and_then(|n| n.as_str()) else {
                return false;
            };
            let found = code.varnames[npos..argcount + kwonly]
                .iter()
                .position(|v| **v == *text.as_str());
            match found {
                Some(at) if !slots[..k].contains(&(npos + at)) => slots[k] = npos + at,
                _ => return false,
            }
        }
        let defaults = f.defaults();
        let defaults = defaults.as_tuple().unwrap_or_default();
        let first_default = argcount.saturating_sub(defaults.len());
        let bound = |i: usize| i < npos || slots[..nkw].contains(&i);
        if (npos..first_default.max(npos)).any(|i| !bound(i)) || kwonly > MAX_KEYWORDS {
            return false;
        }
        // The keyword-only parameters no keyword names take their
        // defaults (all found before anything moves).
        let mut kw_defaults = [Value::UNBOUND; MAX_KEYWORDS];
        let table = f.kwdefaults.load().as_object();
        for i in (argcount..argcount + kwonly).filter(|i| !bound(*i)) {
            let name = &code.varnames[i];
            let found = match table.as_ref().map(|d| &d.data) {
                Some(ObjectData::Dict(d)) => d.lock().get_str(crate::object::hash_str(name), name),
                _ => None,
            };
            match found {
                Some(v) => kw_defaults[i - argcount] = v,
                None => return false,
            }
        }
        let values = &mut self.st().values;
        let mut keyword_values = [Value::UNBOUND; MAX_KEYWORDS];
        keyword_values[..nkw].copy_from_slice(&values[args_start + npos..args_start + nargs]);
        values.truncate(args_start + npos);
        values.resize(args_start + nvars, Value::UNBOUND);
        let locals = &mut values[args_start..];
        for (slot, v) in slots[..nkw].iter().zip(keyword_values) {
            locals[*slot] = v;
        }
        for i in first_default.max(npos)..argcount {
            if locals[i] == Value::UNBOUND {
                locals[i] = defaults[i - first_default];
            }
        }
        for (local, default) in locals[argcount..argcount + kwonly]
            .iter_mut()
            .zip(kw_defaults)
        {
            if *local == Value::UNBOUND {
                *local = default;
            }
        }
        true
    }

    fn bind_arguments(
        &mut self,
        f: &Function,
        code: &CodeObject,
        args: &[Value],
        kwargs: &[(Value, Value)],
    ) -> PyResult<Vec<Value>> {
        let argcount = code.argcount as usize;
        let kwonly = code.kwonlyargcount as usize;
        let defaults = f.defaults();
        let defaults = defaults.as_tuple().unwrap_or_default();
        let has_varargs = code.has_flag(CodeFlags::VARARGS);
        let has_varkw = code.has_flag(CodeFlags::VARKEYWORDS);
        let mut locals = vec![Value::UNBOUND; code.varnames.len()];
        let name = f.qualname();
        let mut slot = argcount + kwonly;
        if args.len() > argcount && !has_varargs {
            let given = args.len();
            let takes = if defaults.is_empty() {
                format!(
                    "{argcount} positional argument{}",
                    if argcount == 1 { "" } else { "s" }
                )
            } else {
                format!(
                    "from {} to {argcount} positional arguments",
                    argcount - defaults.len()
                )
            };
            let msg = format!(
                "{name}() takes {takes} but {given} {} given",
                if given == 1 { "was" } else { "were" }
            );
            return Err(self.new_exception(self.rt.types.type_error, &msg));
        }
        let npos = args.len().min(argcount);
        locals[..npos].copy_from_slice(&args[..npos]);
        if has_varargs {
            let extra = args[npos..].to_vec();
            locals[slot] = self.new_tuple(extra);
            slot += 1;
        }
        let mut extra_kw = Dict::new();
        for (k, v) in kwargs {
            let key = self.str_of(*k).unwrap_or_default();
            match code.varnames[..argcount + kwonly]
                .iter()
                .position(|n| **n == *key)
            {
                Some(i) => {
                    if locals[i] != Value::UNBOUND {
                        let msg = format!("{name}() got multiple values for argument '{key}'");
                        return Err(self.new_exception(self.rt.types.type_error, &msg));
                    }
                    locals[i] = *v;
                }
                None if has_varkw => {
                    let h = self.hash(*k)?;
                    if extra_kw.get_hashed(h, *k).is_some() {
                        let msg = format!("{name}() got multiple values for argument '{key}'");
                        return Err(self.new_exception(self.rt.types.type_error, &msg));
                    }
                    extra_kw.insert_hashed(h, *k, *v);
                }
                None => {
                    let msg = format!("{name}() got an unexpected keyword argument '{key}'");
                    return Err(self.new_exception(self.rt.types.type_error, &msg));
                }
            }
        }
        if has_varkw {
            locals[slot] = self.new_dict(extra_kw);
        }
        let first_default = argcount.saturating_sub(defaults.len());
        let mut missing = Vec::new();
        for (i, slot) in locals.iter_mut().enumerate().take(argcount) {
            if *slot == Value::UNBOUND {
                if i >= first_default {
                    *slot = defaults[i - first_default];
                } else {
                    missing.push(format!("'{}'", code.varnames[i]));
                }
            }
        }
        if !missing.is_empty() {
            return Err(self.missing_arguments(name, "positional", &missing));
        }
        let mut missing = Vec::new();
        for (i, pname) in code
            .varnames
            .iter()
            .enumerate()
            .take(argcount + kwonly)
            .skip(argcount)
        {
            if locals[i] == Value::UNBOUND {
                let pname = pname.to_string();
                let default = match f.kwdefaults.load().as_object() {
                    Some(d) => {
                        let key = self.new_str(&pname);
                        self.dict_get(d, key)?
                    }
                    None => None,
                };
                match default {
                    Some(v) => locals[i] = v,
                    None => missing.push(format!("'{pname}'")),
                }
            }
        }
        if !missing.is_empty() {
            return Err(self.missing_arguments(name, "keyword-only", &missing));
        }
        Ok(locals)
    }

    fn missing_arguments(&mut self, name: &str, kind: &str, missing: &[String]) -> PyErr {
        let n = missing.len();
        let list = match n {
            1 => missing[0].clone(),
            2 => format!("{} and {}", missing[0], missing[1]),
            _ => format!("{}, and {}", missing[..n - 1].join(", "), missing[n - 1]),
        };
        let msg = format!(
            "{name}() missing {n} required {kind} argument{}: {list}",
            if n == 1 { "" } else { "s" }
        );
        self.new_exception(self.rt.types.type_error, &msg)
    }

    fn call_class(
        &mut self,
        class: Gc<PyObject>,
        callable_pos: usize,
        args_start: usize,
        nargs: usize,
        kwnames: Option<Value>,
    ) -> PyResult<CallOutcome> {
        let layout = class.as_class().map(|c| c.layout);
        if let Some(v) = self.construct_language_type(class, args_start, nargs, kwnames)? {
            return Ok(CallOutcome::Done(v));
        }
        let t = &self.rt.types;
        let is_builtin = class == t.list || class == t.dict;
        match layout {
            Some(Layout::Builtin) | None => {
                let (args, kwargs) = self.collect_args(args_start, nargs, kwnames);
                let v = crate::builtins::construct(self, class, &args, &kwargs)?;
                Ok(CallOutcome::Done(v))
            }
            Some(Layout::List | Layout::Dict) if is_builtin => {
                let (args, kwargs) = self.collect_args(args_start, nargs, kwnames);
                let v = crate::builtins::construct(self, class, &args, &kwargs)?;
                Ok(CallOutcome::Done(v))
            }
            Some(layout) => {
                let subclassed = |base| {
                    ObjectData::Subclassed(Box::new(crate::object::SubclassedBuiltin {
                        base,
                        attrs: crate::object::Mutex::new(Dict::new()),
                    }))
                };
                let instance = match layout {
                    Layout::Exception => {
                        let (args, _) = self.collect_args(args_start, nargs, kwnames);
                        let args = self.new_tuple(args);
                        self.new_exception_object(class, args)
                    }
                    // Filled by `list.__init__` / `dict.__init__` (or a
                    // Python `__init__` calling it through super()).
                    Layout::List => Value::object(self.alloc(
                        class,
                        subclassed(ObjectData::List(crate::object::Mutex::new(
                            Default::default(),
                        ))),
                    )),
                    Layout::Dict => Value::object(self.alloc(
                        class,
                        subclassed(ObjectData::Dict(crate::object::Mutex::new(Dict::new()))),
                    )),
                    Layout::Instance | Layout::Builtin => self.new_instance(class),
                };
                let init = self.lookup_value(class, self.rt.hook_names.init);
                match init.and_then(|f| f.as_object()) {
                    Some(f_obj) if matches!(f_obj.data, ObjectData::Function(_)) => {
                        let ObjectData::Function(f) = &f_obj.data else {
                            unreachable!()
                        };
                        let values = &mut self.st().values;
                        values[callable_pos] = Value::object(f_obj);
                        values.insert(args_start, instance);
                        self.call_function(
                            f_obj,
                            f,
                            callable_pos,
                            args_start,
                            nargs + 1,
                            kwnames,
                            OnReturn::Init(instance),
                        )
                    }
                    Some(_) if matches!(layout, Layout::List | Layout::Dict) => {
                        // The builtin `__init__` (list's or dict's).
                        let (args, kwargs) = self.collect_args(args_start, nargs, kwnames);
                        let init = init.expect("matched Some");
                        let mut all = Vec::with_capacity(args.len() + 1);
                        all.push(instance);
                        all.extend(args);
                        self.call_value(init, &all, &kwargs)?;
                        Ok(CallOutcome::Done(instance))
                    }
                    _ => {
                        if nargs > 0 && layout == Layout::Instance {
                            let name = class
                                .as_class()
                                .map(|c| c.name.to_string())
                                .unwrap_or_default();
                            let msg = format!("{name}() takes no arguments");
                            return Err(self.new_exception(self.rt.types.type_error, &msg));
                        }
                        Ok(CallOutcome::Done(instance))
                    }
                }
            }
        }
    }

    /// Builds a class from a finished class body.
    pub(crate) fn build_class(
        &mut self,
        name: Value,
        bases: Value,
        namespace: Gc<PyObject>,
    ) -> PyResult<Value> {
        let name_text = self.str_of(name).unwrap_or_default();
        let mut base_classes = Vec::new();
        if let Some(ObjectData::Tuple(items)) = bases.data() {
            for b in items.iter() {
                match b.as_object().filter(|o| o.as_class().is_some()) {
                    Some(c) => base_classes.push(c),
                    None => {
                        return Err(
                            self.new_exception(self.rt.types.type_error, "bases must be types")
                        );
                    }
                }
            }
        }
        for (i, b) in base_classes.iter().enumerate() {
            if base_classes[..i]
                .iter()
                .any(|x| x.into_raw() == b.into_raw())
            {
                let name = b.as_class().map(|c| c.name.to_string()).unwrap_or_default();
                let msg = format!("duplicate base class {name}");
                return Err(self.new_exception(self.rt.types.type_error, &msg));
            }
        }
        if base_classes.is_empty() {
            base_classes.push(self.rt.types.object);
        }
        for b in &base_classes {
            let bc = b.as_class().expect("checked above");
            if bc.layout == Layout::Builtin {
                let msg = format!("subclassing '{}' is not supported yet", bc.name);
                return Err(self.new_exception(self.rt.types.type_error, &msg));
            }
        }
        let Some(mro_tail) = lang::c3_merge(&base_classes) else {
            return Err(self.mro_conflict(&base_classes));
        };
        // The instance layout: that of the bases that are not plain
        // instances, which must agree (an instance cannot be both a list and
        // a dict, or an exception).
        let mut solid = base_classes
            .iter()
            .filter_map(|b| b.as_class().map(|c| c.layout))
            .filter(|l| *l != Layout::Instance);
        let layout = solid.next().unwrap_or(Layout::Instance);
        if solid.any(|l| l != layout) {
            return Err(self.new_exception(
                self.rt.types.type_error,
                "multiple bases have instance lay-out conflict",
            ));
        }
        let ObjectData::Dict(ns) = &namespace.data else {
            return Err(
                self.new_exception(self.rt.types.type_error, "class namespace is not a dict")
            );
        };
        let inherited = self.inherited_slots(&base_classes)?;
        let inherited = inherited.filter(|_| layout == Layout::Instance);
        let mut slots = self.slots_request(ns, inherited)?;
        let mut dict = Dict::new();
        for (k, v) in ns.lock().items() {
            let v = self.implicit_classmethod(k, v);
            dict.insert_hashed(crate::object::dict::hash_value(k).unwrap_or(0), k, v);
        }
        self.implicit_hash_none(&mut dict);
        // Every class has its own `__doc__` (None without a docstring), so
        // a base's docstring is not inherited.
        let doc = self.new_str("__doc__");
        let doc_hash = crate::object::dict::hash_value(doc).unwrap_or(0);
        if dict.get_hashed(doc_hash, doc).is_none() {
            dict.insert_hashed(doc_hash, doc, Value::NONE);
        }
        let module = self.globals_name();
        let bases = self.class_tuple(&base_classes);
        let mro_tail = self.class_tuple(&mro_tail);
        let mut class =
            crate::object::Class::new(&name_text, bases, mro_tail, dict, layout, module);
        class.slot_names = slots.as_mut().and_then(|s| s.layout.take());
        let class = self.alloc(self.rt.types.type_, ObjectData::Class(Box::new(class)));
        if let Some(slots) = slots {
            self.install_members(class, &slots.own);
        }
        for base in &base_classes {
            self.add_subclass(*base, class);
        }
        let mark = self.push_root(Value::object(class));
        let hooked = self.init_subclass(class);
        self.truncate_roots(mark);
        hooked.map(|()| Value::object(class))
    }

    fn globals_name(&mut self) -> Option<Box<str>> {
        let globals = self.st().frames.last()?.globals;
        let key = self.new_str("__name__");
        let v = self.dict_get(globals, key).ok()??;
        self.str_of(v).map(Into::into)
    }

    /// Creates an exception instance of `class` with `args` (a tuple).
    pub fn new_exception_object(&mut self, class: Gc<PyObject>, args: Value) -> Value {
        Value::object(self.alloc(
            class,
            ObjectData::Exception(Box::new(crate::object::ExceptionData {
                args: crate::object::Mutex::new(args),
                dict: crate::object::Mutex::new(Dict::new()),
                traceback: crate::object::Mutex::new(Vec::new()),
                suggestion: crate::object::Mutex::new(None),
            })),
        ))
    }

    /// A new exception of `class` with one message argument.
    pub fn new_exception(&mut self, class: Gc<PyObject>, message: &str) -> PyErr {
        let msg = self.new_str(message);
        let args = self.new_tuple(vec![msg]);
        PyErr(self.new_exception_object(class, args))
    }

    fn add_traceback(&mut self, exc: Value, frame: &Frame) {
        let ObjectData::Code(code) = &frame.code.data else {
            return;
        };
        let pc = frame.pc.saturating_sub(1);
        let Some(ObjectData::Exception(e)) = exc.data() else {
            return;
        };
        let mut traceback = e.traceback.lock();
        let mut entry = |pc: u32, comprehension: Option<&'static str>| {
            traceback.push(TracebackEntry {
                code: frame.code,
                line: code.line_of(pc),
                pc,
                comprehension,
            })
        };
        // An inlined comprehension's loop shows as CPython 3.11's frame of
        // its own, called from where the comprehension is.
        match code.comprehension_at(pc) {
            Some(c) => {
                entry(pc, Some(c.name));
                entry(c.call, None);
            }
            None => entry(pc, None),
        }
    }

    /// Renders an uncaught exception as CPython prints it: the exceptions
    /// it was chained to first (its `__cause__`, else its `__context__`
    /// unless `__suppress_context__`), oldest first, each followed by
    /// CPython's separator line.
    pub fn format_exception(&mut self, err: PyErr) -> String {
        // The chain hangs off `err`, so rooting it keeps every link alive
        // while `__str__` methods run.
        let mark = self.push_root(err.0);
        // Newest first; `links[k]` joins `chain[k]` to `chain[k + 1]`.
        let mut chain = vec![err.0];
        let mut links = Vec::new();
        loop {
            let exc = chain[chain.len() - 1];
            let cause = self.exception_attr(exc, "__cause__");
            let (earlier, link) = match cause {
                Some(c) if !c.is_none() => (c, CAUSE_SEPARATOR),
                _ => {
                    let suppressed = self
                        .exception_attr(exc, "__suppress_context__")
                        .is_some_and(|s| s == Value::TRUE);
                    match self.exception_attr(exc, "__context__") {
                        Some(c) if !c.is_none() && !suppressed => (c, CONTEXT_SEPARATOR),
                        _ => break,
                    }
                }
            };
            // A cycle (built by assigning the attributes) ends the chain.
            if chain.contains(&earlier) || !matches!(earlier.data(), Some(ObjectData::Exception(_)))
            {
                break;
            }
            chain.push(earlier);
            links.push(link);
        }
        let mut out = String::new();
        for k in (0..chain.len()).rev() {
            out.push_str(&self.format_one_exception(chain[k]));
            if k > 0 {
                out.push_str(links[k - 1]);
            }
        }
        self.truncate_roots(mark);
        out
    }

    /// One exception's traceback and its `Type: message` line.
    fn format_one_exception(&mut self, exc: Value) -> String {
        let mut out = String::new();
        if let Some(ObjectData::Exception(e)) = exc.data() {
            let entries = e.traceback.lock().clone();
            if !entries.is_empty() {
                out.push_str("Traceback (most recent call last):\n");
            }
            // A run of more than three identical entries (a recursion) is
            // printed as its first three and a count, as CPython does.
            const REPEATS_SHOWN: usize = 3;
            let repeated = |out: &mut String, count: usize| {
                if count > REPEATS_SHOWN {
                    let more = count - REPEATS_SHOWN;
                    let s = if more > 1 { "s" } else { "" };
                    out.push_str(&format!("  [Previous line repeated {more} more time{s}]\n"));
                }
            };
            let mut last: Option<(&str, u32, &str)> = None;
            let mut count = 0;
            for entry in entries.iter().rev() {
                let ObjectData::Code(code) = &entry.code.data else {
                    continue;
                };
                let name = entry.comprehension.unwrap_or(&code.name);
                let here = (&*code.filename, entry.line, name);
                if last != Some(here) {
                    repeated(&mut out, count);
                    last = Some(here);
                    count = 0;
                }
                count += 1;
                if count > REPEATS_SHOWN {
                    continue;
                }
                out.push_str(&format!(
                    "  File \"{}\", line {}, in {name}\n",
                    code.filename, entry.line
                ));
                if let Some(text) = self.rt.source_line(&code.filename, entry.line) {
                    let stripped = text.trim();
                    if !stripped.is_empty() {
                        out.push_str(&format!("    {stripped}\n"));
                        let loc = code.locations.get(entry.pc as usize).copied();
                        let carets = loc
                            .filter(|l| l.line == entry.line)
                            .and_then(|l| crate::error::position_carets(&text, l));
                        if let Some(carets) = carets {
                            out.push_str(&carets);
                            out.push('\n');
                        }
                    }
                }
            }
            repeated(&mut out, count);
        }
        let class = self.class_of(exc);
        let name = class
            .as_class()
            .map(|c| c.name.to_string())
            .unwrap_or_default();
        let qualified = match class.as_class().and_then(|c| c.module.as_deref()) {
            Some(m) if m != "builtins" && m != "__main__" => format!("{m}.{name}"),
            _ => name,
        };
        let text = match self.str(exc) {
            Ok(s) => s,
            Err(_) => "<exception str() failed>".to_string(),
        };
        let hint = match exc.data() {
            Some(ObjectData::Exception(e)) => e.suggestion.lock().clone(),
            _ => None,
        };
        let hint = hint
            .map(|n| format!(". Did you mean: '{n}'?"))
            .unwrap_or_default();
        if text.is_empty() {
            out.push_str(&format!("{qualified}\n"));
        } else {
            out.push_str(&format!("{qualified}: {text}{hint}\n"));
        }
        out
    }

    /// A NameError for `name`, with the "Did you mean" hint CPython's
    /// traceback would give: the closest name among the frame's locals,
    /// then its globals, then the builtins.
    pub(crate) fn undefined_name_error(&mut self, name: Value) -> PyErr {
        let text = self.str_of(name).unwrap_or_default();
        let msg = format!("name '{text}' is not defined");
        let err = self.new_exception(self.rt.types.name_error, &msg);
        let keys = |i: &Self, d: Gc<PyObject>| -> Vec<String> {
            match &d.data {
                ObjectData::Dict(d) => d.lock().items().filter_map(|(k, _)| i.str_of(k)).collect(),
                _ => Vec::new(),
            }
        };
        let mut groups = Vec::new();
        if let Some((globals, locals)) = self.frame_scope() {
            groups.push(match locals {
                FrameLocals::Globals => keys(self, globals),
                FrameLocals::Namespace(ns) => keys(self, ns),
                FrameLocals::Function(pairs) => pairs.into_iter().map(|(n, _)| n).collect(),
            });
            groups.push(keys(self, globals));
        }
        if let ObjectData::Module(b) = &self.rt.builtins.data {
            groups.push(keys(self, b.dict()));
        }
        for group in &groups {
            let names: Vec<&str> = group.iter().map(String::as_str).collect();
            if let Some(best) = suggest::best_match(&text, &names) {
                if let Some(ObjectData::Exception(e)) = err.0.data() {
                    *e.suggestion.lock() = Some(best.into());
                }
                break;
            }
        }
        err
    }

    /// The dispatch loop: runs until the frame at depth `entry` returns.
    fn run(&mut self, entry: usize) -> PyResult<Value> {
        // Function entry is a safepoint (the new frame is on the stack).
        self.entry_safepoint(entry)?;
        'frames: loop {
            let top = self.st().frames.last().expect("a frame to run");
            // What dispatch needs first is read field by field: the frame
            // was usually just pushed by narrow stores, which the wide
            // loads of the whole copy below cannot take from the store
            // buffer (they wait for the stores to drain).
            let (code_gc, tc, base, pc, entered) =
                (top.code, top.tc, top.base, top.pc, top.entered);
            let frame = *top;
            let ObjectData::Code(code) = &code_gc.data else {
                unreachable!("frames run code objects")
            };
            let code: &CodeObject = code;
            // SAFETY: the frame's thread code belongs to its code object,
            // which the frame keeps alive (it is on the thread's stacks),
            // and only this thread uses it (see `ThreadCode`).
            let tc: &ThreadCode = unsafe { &*tc };
            let base = base as usize;
            let stack_base = base + code.nlocals();
            let mut pc = pc as usize;
            if !entered {
                self.st().frames.last_mut().expect("a frame").entered = true;
                if self.tracing {
                    if let Err(e) = self.trace_event(TraceEvent::Call, Value::NONE, frame.pc) {
                        self.raise_before(pc, e, entry)?;
                        continue 'frames;
                    }
                }
                if self.tier2
                    && !self.tracing
                    && pc == 0
                    && code.kind == CodeKind::Function
                    && code.flags & CodeFlags::GENERATOR == 0
                {
                    let depth = self.st().frames.len();
                    if let Some(leave) = self.tier2_entry(code, tc, base, stack_base, &frame) {
                        match leave {
                            crate::tier2::exec::Leave::At(resume)
                                if self.st().frames.len() == depth =>
                            {
                                pc = resume;
                            }
                            // It left inside an inlined call, or raised:
                            // tier 1 goes on in the frame it left.
                            crate::tier2::exec::Leave::At(resume) => {
                                self.set_frame_pc(resume as u32);
                                continue 'frames;
                            }
                            crate::tier2::exec::Leave::Raised(at, e) => {
                                self.set_frame_pc(at as u32 + 1);
                                self.unwind(e, entry, false)?;
                                continue 'frames;
                            }
                        }
                    }
                }
            }
            loop {
                if self.tracing {
                    if let Err(e) = self.trace_line(pc as u32) {
                        self.raise_before(pc, e, entry)?;
                        continue 'frames;
                    }
                }
                let instr = tc.instr(pc);
                pc += 1;
                let outcome: Result<Step, PyErr> = self.step(
                    instr.op, instr.arg, code, tc, base, stack_base, &frame, &mut pc,
                );
                match outcome {
                    Ok(Step::Next) => {}
                    Ok(Step::Switched) => continue 'frames,
                    Ok(Step::Unwind(e)) => {
                        self.unwind(e, entry, false)?;
                        continue 'frames;
                    }
                    Ok(Step::Call | Step::Resume) => {
                        // Save the caller's position; run the callee.
                        let frames = &mut self.st().frames;
                        let n = frames.len();
                        frames[n - 2].pc = pc as u32;
                        self.entry_safepoint(entry)?;
                        continue 'frames;
                    }
                    Ok(Step::Yield(value)) => {
                        if self.tracing {
                            if let Err(e) = self.trace_return(value, pc) {
                                self.raise_before(pc - 1, e, entry)?;
                                continue 'frames;
                            }
                        }
                        // Only generator frames yield: save the frame into
                        // the generator. One resumed by `gen_resume` runs in
                        // its own dispatch loop, which it leaves; one
                        // resumed by `ForIterGenerator` hands the value to
                        // its caller's loop body, in this loop.
                        let done = self.st().frames.pop().expect("the yielding frame");
                        if let OnReturn::Generator(g) | OnReturn::GeneratorLoop { gen: g, .. } =
                            done.on_return
                        {
                            if let Some(ObjectData::Generator(gen)) = g.data() {
                                self.save_segment(gen, done.base as usize, pc as u32);
                            }
                        }
                        self.st().values.truncate(done.ret_to as usize);
                        if let OnReturn::GeneratorLoop { .. } = done.on_return {
                            self.st().values.push(value);
                            continue 'frames;
                        }
                        self.generator_yielded = true;
                        return Ok(value);
                    }
                    Ok(Step::Return(value)) => {
                        if self.tracing {
                            if let Err(e) = self.trace_return(value, pc) {
                                self.raise_before(pc - 1, e, entry)?;
                                continue 'frames;
                            }
                        }
                        let done = self.st().frames.pop().expect("the returning frame");
                        self.st().values.truncate(done.ret_to as usize);
                        if let OnReturn::GeneratorLoop { gen, exit } = done.on_return {
                            // The loop is over: what `ForIter` does when its
                            // iterator is exhausted (the value is dropped).
                            self.finish_generator(gen);
                            self.st().values.pop();
                            self.st().frames.last_mut().expect("the loop's frame").pc = exit;
                            continue 'frames;
                        }
                        let result = match done.on_return {
                            OnReturn::Value => Ok(value),
                            OnReturn::Init(instance) => {
                                if value.is_none() {
                                    Ok(instance)
                                } else {
                                    let msg = format!(
                                        "__init__() should return None, not '{}'",
                                        self.type_name(value)
                                    );
                                    Err(self.new_exception(self.rt.types.type_error, &msg))
                                }
                            }
                            OnReturn::ClassBody { name, bases } => {
                                // Keep the pieces rooted while the class is built.
                                let mark = self.push_root(name);
                                self.push_root(bases);
                                let ns = done.namespace.expect("class bodies have a namespace");
                                self.push_root(Value::object(ns));
                                self.push_root(value);
                                let r = self.build_class(name, bases, ns);
                                if let (Ok(class), Some(ObjectData::Cell(cell))) =
                                    (&r, value.data())
                                {
                                    // The body returned its `__class__` cell.
                                    cell.store(*class);
                                }
                                self.truncate_roots(mark);
                                r
                            }
                            OnReturn::Generator(g) => {
                                self.finish_generator(g);
                                self.generator_yielded = false;
                                Ok(value)
                            }
                            OnReturn::GeneratorLoop { .. } => unreachable!("handled above"),
                            OnReturn::Operator { a, b, op } if self.is_not_implemented(value) => {
                                self.unsupported_operands(a, b, op)
                            }
                            OnReturn::Operator { .. } => Ok(value),
                        };
                        if self.st().frames.len() < entry {
                            return result;
                        }
                        match result {
                            Ok(v) => {
                                self.st().values.push(v);
                                continue 'frames;
                            }
                            Err(e) => {
                                // Raised at the caller's call instruction.
                                if self.unwind(e, entry, false)? {
                                    continue 'frames;
                                }
                            }
                        }
                    }
                    Err(e) => {
                        self.st().frames.last_mut().expect("a frame").pc = pc as u32;
                        let reraise = matches!(instr.op, Opcode::Reraise)
                            || (instr.op == Opcode::Raise && instr.arg == 0);
                        self.unwind(e, entry, reraise)?;
                        continue 'frames;
                    }
                }
            }
        }
    }

    /// Finds a handler for `exc`, raised at the current instruction of the
    /// top frame (recording it in the traceback unless `reraise`), popping
    /// frames without one. `Ok(true)`: a handler in a frame above `entry`
    /// will run; `Err`: the exception leaves the frame at `entry`.
    fn unwind(&mut self, mut exc: PyErr, entry: usize, reraise: bool) -> PyResult<bool> {
        let mut record = !reraise;
        // First raised here (no frame recorded yet), while the innermost
        // handled exception, if any, is being handled: that is its implicit
        // context, as CPython sets one where an exception is raised. Later
        // unwinds of the same exception (past native calls) keep it.
        let first_raise = match exc.0.data() {
            Some(ObjectData::Exception(e)) => e.traceback.lock().is_empty(),
            _ => false,
        };
        if record && first_raise {
            self.chain_context(exc.0);
        }
        loop {
            let frame = *self.st().frames.last().expect("a frame");
            if record {
                self.add_traceback(exc.0, &frame);
                if self.tracing {
                    exc = self.trace_exception(exc, frame.pc.saturating_sub(1));
                }
            }
            record = true;
            let ObjectData::Code(code) = &frame.code.data else {
                unreachable!()
            };
            if let Some(h) = code.handler_for(frame.pc.saturating_sub(1)) {
                let depth = frame.base as usize + code.nlocals() + h.depth as usize;
                let st = self.st();
                st.values.truncate(depth);
                st.values.push(exc.0);
                st.frames.last_mut().expect("a frame").pc = h.handler;
                return Ok(true);
            }
            if self.tracing {
                let mark = self.push_root(exc.0);
                let traced = self.trace_event(TraceEvent::Return, Value::NONE, frame.pc);
                self.truncate_roots(mark);
                if let Err(e) = traced {
                    exc = e;
                }
            }
            let done = self.st().frames.pop().expect("a frame");
            self.st().values.truncate(done.ret_to as usize);
            if let OnReturn::Generator(g) | OnReturn::GeneratorLoop { gen: g, .. } = done.on_return
            {
                self.finish_generator(g);
                if self.isinstance(exc.0, self.rt.types.stop_iteration) {
                    exc = self.stop_iteration_escaped(exc);
                }
            }
            if self.st().frames.len() < entry {
                return Err(exc);
            }
        }
    }

    /// `exc` raised before the top frame's instruction `pc` ran (by a hook):
    /// unwinds as if that instruction raised it.
    fn raise_before(&mut self, pc: usize, exc: PyErr, entry: usize) -> PyResult<bool> {
        self.st().frames.last_mut().expect("a frame").pc = pc as u32 + 1;
        self.unwind(exc, entry, false)
    }

    /// The `return` event of the top frame (which is returning `value`
    /// from the instruction before `pc`).
    fn trace_return(&mut self, value: Value, pc: usize) -> PyResult<()> {
        let mark = self.push_root(value);
        let traced = self.trace_event(TraceEvent::Return, value, pc as u32 - 1);
        self.truncate_roots(mark);
        traced
    }

    /// The `exception` event of the top frame; a hook that raises replaces
    /// the exception.
    fn trace_exception(&mut self, exc: PyErr, pc: u32) -> PyErr {
        let mark = self.push_root(exc.0);
        let class = Value::object(self.class_of(exc.0));
        let arg = self.new_tuple(vec![class, exc.0, Value::NONE]);
        self.push_root(arg);
        let traced = self.trace_event(TraceEvent::Exception, arg, pc);
        self.truncate_roots(mark);
        match traced {
            Ok(()) => exc,
            Err(e) => e,
        }
    }

    /// Tier 2 at the back-edge at `at`, after its safepoint (`*pc` is the
    /// loop head): a `JumpBackward` whose count just ran out (the caller
    /// ticked it) gets its loop an executor and becomes `EnterExecutor`;
    /// `EnterExecutor` runs the executor and sets `*pc`
    /// where tier 1 resumes (crate::tier2), or switches to the frame of an
    /// inlined call the executor left in.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn tier2_back_edge(
        &mut self,
        op: Opcode,
        code: &CodeObject,
        tc: &ThreadCode,
        base: usize,
        stack_base: usize,
        frame: &Frame,
        at: usize,
        pc: &mut usize,
    ) -> PyResult<Step> {
        if op == Opcode::JumpBackward {
            if self.tier2_hot_loop(code, tc, frame.globals, base, at, *pc) {
                tc.rewrite(at, Opcode::EnterExecutor);
            } else {
                tc.back_off(at);
            }
            return Ok(Step::Next);
        }
        let Some(lp) = code.loops.at(at) else {
            tc.deoptimize(at);
            return Ok(Step::Next);
        };
        if self.native_stack_half_used() {
            // Tier 1 runs the turn (see `native_stack_half_used`).
            return Ok(Step::Next);
        }
        let Some(entered) = self.enter_executor(lp, tc) else {
            // Invalidated: back to counting, to rebuild when hot again.
            tc.deoptimize(at);
            return Ok(Step::Next);
        };
        let depth = self.st().frames.len();
        let leave = self.run_executor(lp, &entered, code, tc, base, stack_base, frame);
        let (resume, raised) = match leave {
            crate::tier2::exec::Leave::At(resume) => (resume, None),
            crate::tier2::exec::Leave::Raised(i, e) => (i + 1, Some(e)),
        };
        if self.st().frames.len() == depth {
            *pc = resume;
            return match raised {
                None => Ok(Step::Next),
                Some(e) => Err(e),
            };
        }
        // It left inside an inlined call: tier 1 goes on in that frame.
        self.set_frame_pc(resume as u32);
        Ok(match raised {
            None => Step::Switched,
            Some(e) => Step::Unwind(e),
        })
    }

    /// At the entry of a function (not a generator) that tier 1 runs: counts the
    /// call, builds the function-entry executor when the function is hot,
    /// and runs it once this thread enters it. `None`: tier 1 runs the
    /// function.
    fn tier2_entry(
        &mut self,
        code: &CodeObject,
        tc: &ThreadCode,
        base: usize,
        stack_base: usize,
        frame: &Frame,
    ) -> Option<crate::tier2::exec::Leave> {
        let lp = code.loops.entry();
        if !tc.has_entered(lp.index) {
            if !tc.entry_tick() {
                return None;
            }
            if !self.tier2_hot_entry(code, tc, frame.globals, base) {
                tc.entry_failed();
                return None;
            }
        }
        if self.native_stack_half_used() {
            return None;
        }
        let Some(entered) = self.enter_executor(lp, tc) else {
            tc.leave_executor_at_entry();
            return None;
        };
        Some(self.run_executor(lp, &entered, code, tc, base, stack_base, frame))
    }

    /// The executor installed in `lp`'s slot, to run: `None` when it was
    /// thrown away. It leaves the executor's grace period at once (its
    /// calls reach safepoints): what keeps the executor alive is the
    /// thread's own reference, kept in its copy of the code (`tc`) between
    /// entries, so that entering writes no counter the other threads
    /// entering the executor share; the validity handle says when an
    /// event threw it away.
    fn enter_executor(
        &mut self,
        lp: &crate::tier2::Loop,
        tc: &ThreadCode,
    ) -> Option<std::rc::Rc<crate::tier2::exec::Entered>> {
        let cached = tc.entered(lp.index);
        let Some(r) = lp.slot.enter(self.mutator()) else {
            if let Some(s) = self.t2_stats.as_deref_mut() {
                s.entry_misses += 1;
            }
            tc.set_entered(lp.index, None);
            return None;
        };
        Some(match cached {
            Some(c) if Arc::ptr_eq(&c.exec, &r) => c,
            _ => {
                let entered = std::rc::Rc::new(crate::tier2::exec::Entered {
                    exec: Arc::clone(&r),
                    validity: r.validity(),
                });
                tc.set_entered(lp.index, Some(entered.clone()));
                entered
            }
        })
    }

    /// Runs the frame just pushed at depth `entry` to completion in a nested
    /// dispatch loop (native recursion, counted against the native stack
    /// limits) and returns what it returns.
    pub(crate) fn run_nested(&mut self, entry: usize) -> PyResult<Value> {
        self.native_depth += 1;
        let result = self.run(entry);
        self.native_depth -= 1;
        result
    }

    /// Where a tier-2 call that `outcome` says is done or has pushed its
    /// frame stands: its result replaces the callable at `callable_pos`
    /// (false), or the frame waits to run (true).
    fn settle_call(&mut self, outcome: CallOutcome, callable_pos: usize) -> bool {
        match outcome {
            CallOutcome::Done(v) => {
                let values = &mut self.st().values;
                values.truncate(callable_pos);
                values.push(v);
                false
            }
            CallOutcome::Pushed => true,
        }
    }

    /// Runs the frame a tier-2 call just pushed, if it pushed one, to
    /// completion in a nested dispatch loop, and pushes its result.
    pub(crate) fn run_pushed(&mut self, pushed: bool) -> PyResult<()> {
        if pushed {
            let entry = self.st().frames.len();
            let v = self.run_nested(entry)?;
            self.st().values.push(v);
        }
        Ok(())
    }

    /// `func(args)` for tier 2's `CallPyConst`, up to its frame: `func`
    /// (on the stack below its `nargs` arguments, and a receiver slot for
    /// a `method` call: `LoadMethod`'s layout) is a Python function the
    /// executor depends on (its code and defaults unchanged, no
    /// frame-evaluation hook), so no guard runs. True when the frame is
    /// pushed, false when the call is done and its result pushed (a
    /// generator function's).
    pub(crate) fn push_constant_function(
        &mut self,
        func: Value,
        callee: Option<&Callee>,
        nargs: usize,
        method: bool,
    ) -> PyResult<bool> {
        let Some(ObjectData::Function(f)) = func.data() else {
            unreachable!("the optimizer made a function constant")
        };
        // The common case binds nothing: the arguments are exactly the
        // parameters, and the other locals start unbound.
        let read;
        let callee = match callee {
            Some(callee) => callee,
            None => {
                read = Callee::of_code(f.code());
                &read
            }
        };
        if let Some((callable_pos, args_start)) = self.lay_out_plain_call(callee, nargs, method) {
            self.push_frame(
                callee.code,
                f.globals,
                None,
                args_start as u32,
                callable_pos as u32,
                OnReturn::Value,
            )?;
            return Ok(true);
        }
        let (callable_pos, args_start, nargs) = self.call_positions(method, nargs);
        // The executor depends on the code and both defaults objects; the
        // `__kwdefaults__` dict may still have lost a key in place (not an
        // event): then the generic call binds, and fails, as tier 1's would.
        let outcome = match crate::specialize::positional_code(f, nargs) {
            Ok(callee) => self.call_positional(
                func,
                callee,
                callable_pos,
                args_start,
                nargs,
                OnReturn::Value,
            )?,
            Err(_) => self.call_at(callable_pos, args_start, nargs, None)?,
        };
        Ok(self.settle_call(outcome, callable_pos))
    }

    /// `C(args)` for the plain class `class` at `callable_pos`, whose
    /// Python `__init__` `init` takes the new instance and the `nargs`
    /// arguments (as `callee`): `class, args` → `init, instance, args`,
    /// called so that its return gives the instance (tier 1's
    /// `CallClassInit` and tier 2's `CallInitConst`).
    #[inline]
    fn call_init(
        &mut self,
        class: Gc<PyObject>,
        init: Value,
        callee: PositionalCallee,
        callable_pos: usize,
        nargs: usize,
    ) -> PyResult<CallOutcome> {
        // No safepoint until the instance is on the stack.
        let instance = self.new_instance(class);
        let args_start = callable_pos + 1;
        let values = &mut self.st().values;
        values[callable_pos] = init;
        values.insert(args_start, instance);
        self.call_positional(
            init,
            callee,
            callable_pos,
            args_start,
            nargs + 1,
            OnReturn::Init(instance),
        )
    }

    /// `a op b` through `a`'s operator method `method` (called as
    /// `callee`), the operands on top of the stack: `a, b` → `method, a,
    /// b` (tier 1's `BinaryOpInstance` and tier 2's `CallOperatorConst`).
    #[inline]
    fn call_operator_method(
        &mut self,
        method: Value,
        callee: PositionalCallee,
        op: BinaryOp,
    ) -> PyResult<CallOutcome> {
        let callable_pos = self.st().values.len() - 2;
        let (a, b) = (
            self.st().values[callable_pos],
            self.st().values[callable_pos + 1],
        );
        self.st().values.insert(callable_pos, method);
        let on_return = OnReturn::Operator { a, b, op };
        self.call_positional(method, callee, callable_pos, callable_pos + 1, 2, on_return)
    }

    /// `C(args)` for tier 2's `CallInitConst`, up to `init`'s frame: `C`
    /// (under the arguments) is a plain class whose `__init__` is the
    /// Python function `init` (the executor depends on both), and the call
    /// is made as tier 1's `CallClassInit` makes it: true when the frame is pushed (its return
    /// gives the instance), false when the call is done and the instance
    /// pushed.
    pub(crate) fn push_constant_init(&mut self, init: Value, nargs: usize) -> PyResult<bool> {
        let Some(ObjectData::Function(f)) = init.data() else {
            unreachable!("the optimizer made an __init__ constant")
        };
        let len = self.st().values.len();
        let (callable_pos, args_start) = (len - nargs - 1, len - nargs);
        // As for `push_constant_function`: a `__kwdefaults__` changed in
        // place (not an event) sends the call the generic way.
        let outcome = match crate::specialize::positional_code(f, nargs + 1) {
            Ok(callee) => {
                let class = self.st().values[callable_pos]
                    .as_object()
                    .expect("the optimizer made the class constant");
                self.call_init(class, init, callee, callable_pos, nargs)?
            }
            Err(_) => self.call_at(callable_pos, args_start, nargs, None)?,
        };
        Ok(self.settle_call(outcome, callable_pos))
    }

    /// `a op b` for tier 2's `CallOperatorConst` (after its guards), up to
    /// the left operand's operator method `method`'s frame, as tier 1's
    /// `BinaryOpInstance` makes it (`a, b` → `method, a, b`): true when
    /// the frame is pushed, false when the call is done and its result
    /// pushed.
    pub(crate) fn push_operator_call(&mut self, method: Value, op: BinaryOp) -> PyResult<bool> {
        let Some(ObjectData::Function(f)) = method.data() else {
            unreachable!("the optimizer made an operator method constant")
        };
        let callable_pos = self.st().values.len() - 2;
        let (a, b) = (
            self.st().values[callable_pos],
            self.st().values[callable_pos + 1],
        );
        let outcome = match crate::specialize::positional_code(f, 2) {
            Ok(callee) => self.call_operator_method(method, callee, op)?,
            // Its defaults changed in place (not an event): the generic
            // operation, as tier 1's would after its guard failed.
            Err(_) => CallOutcome::Done(self.binary_op(a, b, op)?),
        };
        Ok(self.settle_call(outcome, callable_pos))
    }

    /// The locals of tier 2's constant call of `callee` with `nargs`
    /// arguments, laid out where its frame's go, when the call binds
    /// nothing (see [`Callee::params`]) and a frame would not be one too
    /// many; no frame is pushed (the caller pushes one, or runs the callee
    /// on a virtual frame: `PushVirtualFrame`). Returns where the call's
    /// result goes and where the locals start; `None`, changing nothing,
    /// otherwise. Always inlined: tier 2 calls it for every inlined call.
    #[inline(always)]
    pub(crate) fn lay_out_plain_call(
        &mut self,
        callee: &Callee,
        nargs: usize,
        method: bool,
    ) -> Option<(usize, usize)> {
        let (callable_pos, args_start, nargs) = self.call_positions(method, nargs);
        if !self.fits_virtual_frame(callee, nargs) {
            return None;
        }
        let values = &mut self.st().values;
        values.truncate(args_start + nargs);
        // Most callees have no locals besides their parameters: no call.
        if callee.nlocals as usize > nargs {
            values.resize(args_start + callee.nlocals as usize, Value::UNBOUND);
        }
        Some((callable_pos, args_start))
    }

    /// As `lay_out_plain_call`, for tier 2's `CallOperatorConst` of the
    /// operator method `method` (whose code is `callee`'s; the operands
    /// `a, b` on top of the stack), laid out as tier 1's
    /// `BinaryOpInstance` lays out its call (`a, b` → `method, a, b`).
    #[inline(always)]
    pub(crate) fn lay_out_operator_call(
        &mut self,
        method: Value,
        callee: &Callee,
    ) -> Option<(usize, usize)> {
        if !self.fits_virtual_frame(callee, 2) {
            return None;
        }
        let values = &mut self.st().values;
        let ret_to = values.len() - 2;
        values.insert(ret_to, method);
        let base = ret_to + 1;
        if callee.nlocals > 2 {
            values.resize(base + callee.nlocals as usize, Value::UNBOUND);
        }
        Some((ret_to, base))
    }

    /// Whether a call of `callee` with `nparams` arguments binds nothing
    /// and its virtual frame could not be one too many: the frames
    /// pushed, its virtual callers (as many as calls nest inlined) and
    /// itself stay below the recursion limit. False: the call pushes a
    /// real frame, whose push checks the limit exactly.
    #[inline(always)]
    fn fits_virtual_frame(&mut self, callee: &Callee, nparams: usize) -> bool {
        let virtual_callers = crate::tier2::MAX_INLINE_DEPTH;
        let frames = self.st().frames.len() as u32;
        callee.params as usize == nparams
            && frames + virtual_callers + 1 < self.rt.recursion_limit()
    }

    /// As `lay_out_plain_call`, for tier 2's `CallInitConst` of an
    /// `__init__` whose code is `callee`'s (taking the instance and the
    /// `nargs` arguments above the class): allocates the instance and
    /// lays out the locals as tier 1's `CallClassInit` does, except that
    /// the callable's slot (where the result goes) holds the instance, for
    /// the virtual frame's return (`PopFrame` with `RETURNS_INSTANCE`).
    /// `None`, changing nothing, as `lay_out_plain_call`.
    #[inline(always)]
    pub(crate) fn lay_out_init_call(
        &mut self,
        callee: &Callee,
        nargs: usize,
    ) -> Option<(usize, usize)> {
        if !self.fits_virtual_frame(callee, nargs + 1) {
            return None;
        }
        let callable_pos = self.st().values.len() - nargs - 1;
        let class = self.st().values[callable_pos]
            .as_object()
            .expect("the optimizer made the class constant");
        // No safepoint until the instance is on the stack.
        let instance = self.new_instance(class);
        let (ret_to, args_start) = (callable_pos, callable_pos + 1);
        let values = &mut self.st().values;
        values[ret_to] = instance;
        values.insert(args_start, instance);
        if callee.nlocals as usize > nargs + 1 {
            values.resize(args_start + callee.nlocals as usize, Value::UNBOUND);
        }
        Some((ret_to, args_start))
    }

    /// Puts in the real frame of a virtual one that tier 2 leaves (at a
    /// side exit or an error inside it): the frame tier 1's call would
    /// have pushed, already running at `pc` (its locals and stack are in
    /// place), at position `at` of the frame stack (under the frames of
    /// the virtual calls it made, which left first). `call` says what
    /// its return gives.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn materialize_frame(
        &mut self,
        code: Gc<PyObject>,
        globals: Gc<PyObject>,
        base: usize,
        ret_to: usize,
        call: VirtualCall,
        at: usize,
        pc: u32,
    ) {
        let values = &self.st().values;
        let on_return = match call {
            VirtualCall::Plain => OnReturn::Value,
            VirtualCall::Init => OnReturn::Init(values[ret_to]),
            VirtualCall::Operator(op) => OnReturn::Operator {
                a: values[base],
                b: values[base + 1],
                op,
            },
        };
        // The layout checked the limit when the call began.
        let frame = Frame {
            entered: true,
            ..self.new_frame(
                code,
                globals,
                None,
                base as u32,
                ret_to as u32,
                on_return,
                pc,
            )
        };
        self.st().frames.insert(at, frame);
    }

    /// The frame tier 2 just pushed for an inlined call, which its
    /// micro-ops run: the dispatch loop will not announce it (tier 2 runs
    /// only while nothing traces).
    pub(crate) fn enter_inlined_frame(&mut self) -> Frame {
        let frame = self.st().frames.last_mut().expect("the pushed frame");
        frame.entered = true;
        frame.copy_by_words()
    }

    /// The contents of cell `i` of the frame whose locals start at `base`
    /// (`LoadDeref`).
    #[inline]
    pub(crate) fn load_deref(
        &mut self,
        code: &CodeObject,
        base: usize,
        i: usize,
    ) -> PyResult<Value> {
        let cell = self.st().values[base + code.varnames.len() + i];
        let v = match cell.data() {
            Some(ObjectData::Cell(c)) => c.load(),
            _ => Value::UNBOUND,
        };
        if v == Value::UNBOUND {
            return Err(self.unbound_deref(code, i));
        }
        Ok(v)
    }

    /// `set.add(item)` for `SetAdd` (a set display or comprehension):
    /// natively for an int, float or str, else through `__hash__` and
    /// `__eq__`.
    pub(crate) fn set_add(&mut self, set: Value, item: Value) -> PyResult<()> {
        if crate::object::native::set_add(set, item) {
            return Ok(());
        }
        let h = self.hash(item)?;
        let item = self.table_key(item, || {
            crate::object::set::with_table(set, |t| t.keys_with_hash(h)).unwrap_or_default()
        })?;
        crate::object::set::with_table(set, |t| t.add_hashed(h, item));
        Ok(())
    }

    /// This thread's copy of `code`'s instructions.
    pub(crate) fn thread_code<'c>(&self, code: &'c CodeObject) -> &'c ThreadCode {
        code.tlbc.get(self.tlbc_index)
    }

    /// Pops the top frame of an inlined call, which returns `value` (on
    /// top of its stack): its values go and the call's result takes the
    /// callable's place — `value`, or the instance an `__init__` that
    /// returned None initialized. False, changing nothing, when the return
    /// must raise (an `__init__` that returned something else, an operator
    /// that returned NotImplemented): tier 1's return does that.
    pub(crate) fn pop_inlined_frame(&mut self, value: Value) -> bool {
        let on_return = self
            .st()
            .frames
            .last()
            .expect("the inlined frame")
            .on_return;
        let result = match on_return {
            OnReturn::Init(instance) if value.is_none() => instance,
            OnReturn::Init(_) => return false,
            OnReturn::Operator { .. } if self.is_not_implemented(value) => return false,
            _ => value,
        };
        let st = self.st();
        // Only the field needed is read: the frame was pushed a few
        // micro-ops ago by narrow stores, which a copy of the whole frame
        // (16-byte loads) would wait for.
        let depth = st.frames.len() - 1;
        let ret_to = st.frames[depth].ret_to;
        st.frames.truncate(depth);
        st.values.truncate(ret_to as usize);
        st.values.push(result);
        true
    }

    /// Runs one instruction as tier 1 does, for a tier-2 `Step`: a call it
    /// makes runs to completion in a nested dispatch loop, and its result
    /// is pushed as the dispatch loop would push it.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    pub(crate) fn step_out_of_line(
        &mut self,
        instr: Instr,
        code: &CodeObject,
        tc: &ThreadCode,
        base: usize,
        stack_base: usize,
        frame: &Frame,
        pc: &mut usize,
    ) -> PyResult<()> {
        match self.step(instr.op, instr.arg, code, tc, base, stack_base, frame, pc)? {
            Step::Next => Ok(()),
            Step::Call => self.run_pushed(true),
            Step::Return(_) | Step::Yield(_) | Step::Resume | Step::Switched | Step::Unwind(_) => {
                Err(self.new_exception(
                    self.rt.types.runtime_error,
                    "tier 2 ran an instruction that leaves its frame",
                ))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn step(
        &mut self,
        op: Opcode,
        arg: u32,
        code: &CodeObject,
        tc: &ThreadCode,
        base: usize,
        stack_base: usize,
        frame: &Frame,
        pc: &mut usize,
    ) -> PyResult<Step> {
        macro_rules! pop {
            () => {
                self.st()
                    .values
                    .pop()
                    .expect("the compiler balances the stack")
            };
        }
        macro_rules! push {
            ($v:expr) => {{
                let v = $v;
                self.st().values.push(v)
            }};
        }
        // Operands that an operation may need across a call into Python
        // (dunders, __repr__...) stay on the stack, rooted, until it is
        // done: `peek!` them, then `drop_n!` them.
        macro_rules! peek {
            ($n:expr) => {{
                let values = &self.st().values;
                values[values.len() - $n]
            }};
        }
        macro_rules! drop_n {
            ($n:expr) => {{
                let values = &mut self.st().values;
                let len = values.len();
                values.truncate(len - $n);
            }};
        }
        // A `+ - *` form of two ints or floats: `$cached` computes it with
        // `$arith`; the generic operation runs when a guard failed.
        macro_rules! arithmetic_form {
            ($cached:ident, $arith:expr) => {{
                let b = peek!(1);
                let a = peek!(2);
                let v = match self.$cached(tc, *pc - 1, op, a, b, $arith) {
                    Some(v) => v,
                    None => self.binary_op(a, b, BinaryOp::from_arg(arg))?,
                };
                drop_n!(2);
                push!(v);
            }};
        }
        macro_rules! top {
            () => {
                *self
                    .st()
                    .values
                    .last()
                    .expect("the compiler balances the stack")
            };
        }
        // A call's outcome: its value replaces the callable and arguments,
        // or its frame runs next.
        macro_rules! finish_call {
            ($outcome:expr, $callable_pos:expr) => {
                match $outcome {
                    CallOutcome::Done(v) => {
                        self.st().values.truncate($callable_pos);
                        push!(v);
                    }
                    CallOutcome::Pushed => return Ok(Step::Call),
                }
            };
        }
        let _ = stack_base;
        match op {
            Opcode::Nop => {}
            Opcode::LoadConst => push!(code.constants[arg as usize]),
            Opcode::LoadFast => {
                let v = self.st().values[base + arg as usize];
                if v == Value::UNBOUND {
                    return Err(self.unbound_local(code, arg as usize));
                }
                push!(v);
            }
            Opcode::StoreFast => {
                let v = pop!();
                self.st().values[base + arg as usize] = v;
            }
            Opcode::LoadGlobal => {
                let name = code.names[arg as usize];
                if self.adaptive(tc, *pc - 1, op) {
                    self.specialize_load_global(tc, *pc - 1, frame.globals, name);
                }
                let v = self.load_global(frame.globals, name)?;
                push!(v);
            }
            Opcode::LoadGlobalModule | Opcode::LoadGlobalBuiltin => {
                let v = match self.load_global_cached(tc, *pc - 1, op, frame.globals) {
                    Some(v) => v,
                    None => self.load_global(frame.globals, code.names[arg as usize])?,
                };
                push!(v);
            }
            Opcode::StoreGlobal => {
                let v = pop!();
                self.dict_set(frame.globals, code.names[arg as usize], v)?;
            }
            Opcode::LoadName => {
                let name = code.names[arg as usize];
                let found = match frame.namespace {
                    Some(ns) => self.dict_get(ns, name)?,
                    None => None,
                };
                let v = match found {
                    Some(v) => v,
                    None => self.load_global(frame.globals, name)?,
                };
                push!(v);
            }
            Opcode::StoreName => {
                let v = pop!();
                let ns = frame.namespace.unwrap_or(frame.globals);
                self.dict_set(ns, code.names[arg as usize], v)?;
            }
            Opcode::LoadAttr => {
                let obj = peek!(1);
                let name = code.names[arg as usize];
                if self.adaptive(tc, *pc - 1, op) {
                    self.specialize_load_attr(tc, *pc - 1, obj, name);
                }
                let v = self.get_attr(obj, name)?;
                drop_n!(1);
                push!(v);
            }
            Opcode::LoadAttrInstance | Opcode::LoadAttrClass | Opcode::LoadAttrProperty => {
                let obj = peek!(1);
                let name = code.names[arg as usize];
                let v = match self.load_attr_instance_cached(tc, *pc - 1, op, obj, name)? {
                    Some(v) => v,
                    None => self.get_attr(obj, name)?,
                };
                drop_n!(1);
                push!(v);
            }
            Opcode::LoadAttrModule => {
                let obj = peek!(1);
                let v = match self.load_attr_module_cached(tc, *pc - 1, op, obj) {
                    Some(v) => v,
                    None => self.get_attr(obj, code.names[arg as usize])?,
                };
                drop_n!(1);
                push!(v);
            }
            Opcode::StoreAttr => {
                let obj = peek!(1);
                let v = peek!(2);
                let name = code.names[arg as usize];
                if self.adaptive(tc, *pc - 1, op) {
                    self.specialize_store_attr(tc, *pc - 1, obj, name);
                }
                self.set_attr(obj, name, v)?;
                drop_n!(2);
            }
            Opcode::StoreAttrInstance => {
                let obj = peek!(1);
                let v = peek!(2);
                let name = code.names[arg as usize];
                if !self.store_attr_cached(tc, *pc - 1, obj, name, v) {
                    self.set_attr(obj, name, v)?;
                }
                drop_n!(2);
            }
            Opcode::StoreAttrProperty => {
                let obj = peek!(1);
                let v = peek!(2);
                let name = code.names[arg as usize];
                // The operands stay on the stack (rooted) while the setter
                // runs.
                match self.store_attr_property_cached(tc, *pc - 1, obj) {
                    Some(property) => self.property_store(property, obj, name, Some(v))?,
                    None => self.set_attr(obj, name, v)?,
                }
                drop_n!(2);
            }
            Opcode::LoadMethod => {
                let obj = peek!(1);
                let name = code.names[arg as usize];
                if self.adaptive(tc, *pc - 1, op) {
                    self.specialize_load_method(tc, *pc - 1, obj, name);
                }
                let (method, receiver) = self.load_method(obj, name)?;
                drop_n!(1);
                push!(method);
                push!(receiver);
            }
            Opcode::LoadMethodBuiltin => {
                let obj = peek!(1);
                let (method, receiver) = match self.load_method_builtin_cached(tc, *pc - 1, obj) {
                    Some(f) => (f, obj),
                    None => self.load_method(obj, code.names[arg as usize])?,
                };
                drop_n!(1);
                push!(method);
                push!(receiver);
            }
            Opcode::LoadMethodModule | Opcode::LoadMethodStatic => {
                // Both push a plain function and no receiver.
                let obj = peek!(1);
                let cached = if op == Opcode::LoadMethodModule {
                    self.load_attr_module_cached(tc, *pc - 1, op, obj)
                } else {
                    self.load_method_static_cached(tc, *pc - 1, obj)
                };
                let (method, receiver) = match cached {
                    Some(f) => (f, Value::NULL),
                    None => self.load_method(obj, code.names[arg as usize])?,
                };
                drop_n!(1);
                push!(method);
                push!(receiver);
            }
            Opcode::LoadMethodInstance => {
                let obj = peek!(1);
                let name = code.names[arg as usize];
                let (method, receiver) = match self.load_method_cached(tc, *pc - 1, obj, name) {
                    Some(f) => (f, obj),
                    None => self.load_method(obj, name)?,
                };
                drop_n!(1);
                push!(method);
                push!(receiver);
            }
            Opcode::CallClassInit => {
                let len = self.st().values.len();
                let nargs = arg as usize;
                let (callable_pos, args_start) = (len - nargs - 1, len - nargs);
                let class = self.st().values[callable_pos];
                if let Some((init, callee)) = self.class_call_guard(tc, *pc - 1, class, nargs) {
                    let class = class.as_object().expect("the guard checked the class");
                    let outcome = self.call_init(class, init, callee, callable_pos, nargs)?;
                    finish_call!(outcome, callable_pos);
                } else {
                    finish_call!(
                        self.call_at(callable_pos, args_start, nargs, None)?,
                        callable_pos
                    );
                }
            }
            Opcode::CallClassNoInit => {
                let len = self.st().values.len();
                let nargs = arg as usize;
                let callable_pos = len - nargs - 1;
                let class = self.st().values[callable_pos];
                if self.class_no_init_guard(tc, *pc - 1, class) {
                    let class = class.as_object().expect("the guard checked the class");
                    let instance = self.new_instance(class);
                    self.st().values.truncate(callable_pos);
                    push!(instance);
                } else {
                    let outcome = self.call_at(callable_pos, callable_pos + 1, nargs, None)?;
                    finish_call!(outcome, callable_pos);
                }
            }
            Opcode::CallPy | Opcode::CallMethodPy => {
                let (callable_pos, args_start, nargs) =
                    self.call_positions(op == Opcode::CallMethodPy, arg as usize);
                let callable = self.st().values[callable_pos];
                let outcome = match self.py_call_guard(tc, *pc - 1, op, callable, nargs) {
                    Some(callee) => self.call_positional(
                        callable,
                        callee,
                        callable_pos,
                        args_start,
                        nargs,
                        OnReturn::Value,
                    )?,
                    None => self.call_at(callable_pos, args_start, nargs, None)?,
                };
                finish_call!(outcome, callable_pos);
            }
            Opcode::CallBound | Opcode::CallMethodBound => {
                let (callable_pos, args_start, nargs) =
                    self.call_positions(op == Opcode::CallMethodBound, arg as usize);
                let callable = self.st().values[callable_pos];
                let outcome = match self.bound_call_guard(tc, *pc - 1, op, callable, nargs) {
                    Some((func, receiver, callee)) => {
                        let (args_start, nargs) = self.unpack_bound_method(
                            callable_pos,
                            args_start,
                            nargs,
                            func,
                            receiver,
                        );
                        self.call_positional(
                            func,
                            callee,
                            callable_pos,
                            args_start,
                            nargs,
                            OnReturn::Value,
                        )?
                    }
                    None => self.call_at(callable_pos, args_start, nargs, None)?,
                };
                finish_call!(outcome, callable_pos);
            }
            Opcode::CallBuiltin | Opcode::CallMethodBuiltin => {
                let (callable_pos, args_start, nargs) =
                    self.call_positions(op == Opcode::CallMethodBuiltin, arg as usize);
                let callable = self.st().values[callable_pos];
                let tracing = self.tracing;
                if self.builtin_call_guard(tc, *pc - 1, op, callable, nargs, tracing) {
                    let Some(ObjectData::Builtin(b)) = callable.data() else {
                        unreachable!("the guard checked the builtin")
                    };
                    let v = self.call_builtin_positional(b, args_start, nargs)?;
                    self.st().values.truncate(callable_pos);
                    push!(v);
                } else {
                    finish_call!(
                        self.call_at(callable_pos, args_start, nargs, None)?,
                        callable_pos
                    );
                }
            }
            Opcode::CallLen | Opcode::CallIsinstance => {
                let nargs = arg as usize;
                let callable_pos = self.st().values.len() - nargs - 1;
                let callable = self.st().values[callable_pos];
                let tracing = self.tracing;
                let (first, last) = (self.st().values[callable_pos + 1], peek!(1));
                let cached = if op == Opcode::CallLen {
                    self.len_cached(tc, *pc - 1, callable, first, tracing)
                } else {
                    self.isinstance_cached(tc, *pc - 1, callable, first, last, tracing)
                };
                match cached {
                    Some(v) => {
                        let v = v?;
                        self.st().values.truncate(callable_pos);
                        push!(v);
                    }
                    None => {
                        let outcome = self.call_at(callable_pos, callable_pos + 1, nargs, None)?;
                        finish_call!(outcome, callable_pos);
                    }
                }
            }
            Opcode::CallBuiltinClass => {
                let nargs = arg as usize;
                let callable_pos = self.st().values.len() - nargs - 1;
                let class = self.st().values[callable_pos];
                if self.builtin_class_guard(tc, *pc - 1, class) {
                    let class = class.as_object().expect("the guard checked the class");
                    // The arguments stay on the stack, rooted, while the
                    // constructor runs (it may run Python code).
                    let mut args = [Value::NONE; 8];
                    args[..nargs].copy_from_slice(&self.st().values[callable_pos + 1..]);
                    let v = self.construct_builtin_class(class, &args[..nargs])?;
                    self.st().values.truncate(callable_pos);
                    push!(v);
                } else {
                    let outcome = self.call_at(callable_pos, callable_pos + 1, nargs, None)?;
                    finish_call!(outcome, callable_pos);
                }
            }
            Opcode::Call | Opcode::CallKw | Opcode::CallMethod | Opcode::CallMethodKw => {
                let nargs = arg as usize;
                let has_kw = matches!(op, Opcode::CallKw | Opcode::CallMethodKw);
                let kwnames = if has_kw { Some(pop!()) } else { None };
                let (callable_pos, args_start, nargs) = self.call_positions(
                    matches!(op, Opcode::CallMethod | Opcode::CallMethodKw),
                    nargs,
                );
                if has_kw {
                    // Keep the kwnames tuple rooted during the call.
                    push!(kwnames.expect("set above"));
                } else if self.adaptive(tc, *pc - 1, op) {
                    let callable = self.st().values[callable_pos];
                    self.specialize_call(tc, *pc - 1, op, callable, nargs);
                }
                match self.call_at(callable_pos, args_start, nargs, kwnames)? {
                    CallOutcome::Done(v) => {
                        self.st().values.truncate(callable_pos);
                        push!(v);
                    }
                    CallOutcome::Pushed => return Ok(Step::Call),
                }
            }
            Opcode::PopTop => {
                pop!();
            }
            Opcode::PrintExpr => {
                // Stays on the stack (rooted) while its repr runs.
                let v = peek!(1);
                if !v.is_none() {
                    let text = self.repr(v)?;
                    crate::modules::sys::write_fd(self, 1, &format!("{text}\n"));
                    if let ObjectData::Module(b) = &self.rt.builtins.data {
                        let key = self.new_str("_");
                        self.dict_set(b.dict(), key, v)?;
                    }
                }
                drop_n!(1);
            }
            Opcode::Copy => {
                let values = &mut self.st().values;
                let v = values[values.len() - arg as usize];
                values.push(v);
            }
            Opcode::Swap => {
                let values = &mut self.st().values;
                let n = values.len();
                values.swap(n - 1, n - arg as usize);
            }
            Opcode::BinaryOpAddInt => arithmetic_form!(int_arith_cached, Value::inline_int_add),
            Opcode::BinaryOpSubtractInt => {
                arithmetic_form!(int_arith_cached, Value::inline_int_sub)
            }
            Opcode::BinaryOpMultiplyInt => {
                arithmetic_form!(int_arith_cached, Value::inline_int_mul)
            }
            Opcode::BinaryOpAddFloat => arithmetic_form!(float_arith_cached, |x, y| x + y),
            Opcode::BinaryOpSubtractFloat => arithmetic_form!(float_arith_cached, |x, y| x - y),
            Opcode::BinaryOpMultiplyFloat => arithmetic_form!(float_arith_cached, |x, y| x * y),
            Opcode::BinaryOpInstance => {
                let b = peek!(1);
                let a = peek!(2);
                let bop = BinaryOp::from_arg(arg);
                if let Some(method) = self.binary_op_instance_guard(tc, *pc - 1, a, b) {
                    // The guard proved a plain function of two parameters
                    // (no safepoint since: its code cannot have changed).
                    let Some(ObjectData::Function(f)) = method.data() else {
                        unreachable!("the guard checked the function")
                    };
                    let callee = PositionalCallee {
                        code: f.code(),
                        defaults: Value::NONE,
                        kwdefaults: Value::NONE,
                    };
                    self.call_operator_method(method, callee, bop)?;
                    return Ok(Step::Call);
                }
                let v = self.binary_op(a, b, bop)?;
                drop_n!(2);
                push!(v);
            }
            Opcode::BinaryOpInt
            | Opcode::BinaryOpFloat
            | Opcode::BinaryOpStrConcat
            | Opcode::BinaryOpSeqConcat => {
                let b = peek!(1);
                let a = peek!(2);
                let bop = BinaryOp::from_arg(arg);
                let v = match self.binary_op_cached(tc, *pc - 1, op, a, b, bop) {
                    Some(v) => v,
                    None => self.binary_op(a, b, bop)?,
                };
                drop_n!(2);
                push!(v);
            }
            Opcode::BinaryOp => {
                let b = peek!(1);
                let a = peek!(2);
                let bop = BinaryOp::from_arg(arg);
                if self.adaptive(tc, *pc - 1, op) {
                    self.specialize_binary_op(tc, *pc - 1, a, b, bop);
                }
                let op = bop;
                let v = match (a.as_inline_int(), b.as_inline_int(), op.plain()) {
                    (Some(x), Some(y), BinaryOp::Add) => Value::try_int(x + y),
                    (Some(x), Some(y), BinaryOp::Sub) => Value::try_int(x - y),
                    _ => None,
                };
                let v = match v {
                    Some(v) => v,
                    None => self.binary_op(a, b, op)?,
                };
                drop_n!(2);
                push!(v);
            }
            Opcode::UnaryOp => {
                let a = peek!(1);
                let v = self.unary_op(a, UnaryOp::from_arg(arg))?;
                drop_n!(1);
                push!(v);
            }
            Opcode::CompareOpInt
            | Opcode::CompareOpFloat
            | Opcode::CompareOpStr
            | Opcode::CompareOpIs
            | Opcode::CompareOpInDict
            | Opcode::CompareOpInSet => {
                let b = peek!(1);
                let a = peek!(2);
                let cop = CompareOp::from_arg(arg);
                let v = match self.compare_op_cached(tc, *pc - 1, op, a, b, cop) {
                    Some(v) => v,
                    None => self.compare(a, b, cop)?,
                };
                drop_n!(2);
                push!(v);
            }
            Opcode::CompareOp => {
                let b = peek!(1);
                let a = peek!(2);
                let cop = CompareOp::from_arg(arg);
                if self.adaptive(tc, *pc - 1, op) {
                    self.specialize_compare_op(tc, *pc - 1, a, b, cop);
                }
                let op = cop;
                let v = match (a.as_inline_int(), b.as_inline_int()) {
                    (Some(x), Some(y)) => Value::bool(match op {
                        CompareOp::Lt => x < y,
                        CompareOp::Le => x <= y,
                        CompareOp::Gt => x > y,
                        CompareOp::Ge => x >= y,
                        CompareOp::Eq | CompareOp::Is => x == y,
                        CompareOp::Ne | CompareOp::IsNot => x != y,
                        CompareOp::In | CompareOp::NotIn => {
                            let v = self.compare(a, b, op)?;
                            return {
                                drop_n!(2);
                                push!(v);
                                Ok(Step::Next)
                            };
                        }
                    }),
                    _ => self.compare(a, b, op)?,
                };
                drop_n!(2);
                push!(v);
            }
            Opcode::Jump => *pc = arg as usize,
            Opcode::JumpBackward | Opcode::EnterExecutor => {
                let back_edge = *pc;
                *pc = arg as usize;
                let frames = &mut self.st().frames;
                frames.last_mut().expect("a frame").pc = arg;
                if let Err(e) = self.safepoint() {
                    // Raised at the back-edge (inside the loop's `try`).
                    *pc = back_edge;
                    return Err(e);
                }
                if self.tier2 && !self.tracing {
                    // Most back-edges only count (a loop still cold, or
                    // one tier 2 gave up on): no call for those.
                    let at = back_edge - 1;
                    if op == Opcode::JumpBackward && !tc.tick(at) {
                        return Ok(Step::Next);
                    }
                    return self.tier2_back_edge(op, code, tc, base, stack_base, frame, at, pc);
                }
            }
            Opcode::PopJumpIfFalse | Opcode::PopJumpIfTrue => {
                let v = peek!(1);
                let truth = match v.as_bool() {
                    Some(b) => b,
                    None => self.is_true(v)?,
                };
                drop_n!(1);
                if truth == (op == Opcode::PopJumpIfTrue) {
                    *pc = arg as usize;
                }
            }
            Opcode::JumpIfFalseOrPop | Opcode::JumpIfTrueOrPop => {
                let v = top!();
                let truth = self.is_true(v)?;
                if truth == (op == Opcode::JumpIfTrueOrPop) {
                    *pc = arg as usize;
                } else {
                    pop!();
                }
            }
            Opcode::GetIter => {
                let v = peek!(1);
                let it = self.get_iter(v)?;
                drop_n!(1);
                push!(it);
            }
            Opcode::ForIterRange | Opcode::ForIterSequence => {
                let it = top!();
                let next = match self.for_iter_cached(tc, *pc - 1, op, it) {
                    Some(next) => next,
                    None => self.iter_next(it)?,
                };
                match next {
                    Some(v) => push!(v),
                    None => {
                        pop!();
                        *pc = arg as usize;
                    }
                }
            }
            Opcode::ForIterGenerator => {
                let it = top!();
                let next = match self.for_iter_gen_cached(tc, *pc - 1, it, arg) {
                    Some(step) => match step? {
                        GenLoopStep::Resumed => return Ok(Step::Resume),
                        GenLoopStep::Finished => None,
                    },
                    None => self.iter_next(it)?,
                };
                match next {
                    Some(v) => push!(v),
                    None => {
                        pop!();
                        *pc = arg as usize;
                    }
                }
            }
            Opcode::ForIter => {
                let it = top!();
                if self.adaptive(tc, *pc - 1, op) {
                    self.specialize_for_iter(tc, *pc - 1, it);
                }
                match self.iter_next(it)? {
                    Some(v) => push!(v),
                    None => {
                        pop!();
                        *pc = arg as usize;
                    }
                }
            }
            Opcode::BuildTuple | Opcode::BuildList | Opcode::BuildString => {
                let n = arg as usize;
                let len = self.st().values.len();
                let items: Vec<Value> = self.st().values[len - n..].to_vec();
                let v = match op {
                    Opcode::BuildTuple => self.new_tuple(items),
                    Opcode::BuildList => self.new_list(items),
                    _ => {
                        let mut s = String::new();
                        for item in items {
                            s.push_str(&self.str_of(item).unwrap_or_default());
                        }
                        self.new_str(&s)
                    }
                };
                self.st().values.truncate(len - n);
                push!(v);
            }
            Opcode::BuildMap => {
                let n = arg as usize;
                let len = self.st().values.len();
                let items: Vec<Value> = self.st().values[len - 2 * n..].to_vec();
                let mut dict = Dict::new();
                for pair in items.chunks(2) {
                    let h = self.hash(pair[0])?;
                    let key = self.table_key(pair[0], || dict.keys_with_hash(h))?;
                    dict.insert_hashed(h, key, pair[1]);
                }
                let v = Value::object(self.alloc(
                    self.rt.types.dict,
                    ObjectData::Dict(crate::object::Mutex::new(dict)),
                ));
                self.st().values.truncate(len - 2 * n);
                push!(v);
            }
            Opcode::FormatValue => {
                if arg & 4 != 0 {
                    let spec = peek!(1);
                    let v = peek!(2);
                    let spec = self.str_of(spec).unwrap_or_default();
                    let s = crate::builtins::format::fstring_value(self, v, arg & 3, &spec)?;
                    drop_n!(2);
                    push!(s);
                } else {
                    let v = peek!(1);
                    let is_str = v
                        .as_object()
                        .is_some_and(|o| matches!(o.data, ObjectData::Str(_)));
                    let s = if arg == 0 && is_str {
                        v
                    } else if arg == 0 || arg == 2 {
                        let text = self.str(v)?;
                        self.new_str(&text)
                    } else {
                        crate::builtins::format::fstring_value(self, v, arg, "")?
                    };
                    drop_n!(1);
                    push!(s);
                }
            }
            Opcode::BinarySubscr => {
                let key = peek!(1);
                let container = peek!(2);
                if self.adaptive(tc, *pc - 1, op) {
                    self.specialize_binary_subscr(tc, *pc - 1, container, key);
                }
                let v = self.get_item(container, key)?;
                drop_n!(2);
                push!(v);
            }
            Opcode::BinarySubscrListInt
            | Opcode::BinarySubscrTupleInt
            | Opcode::BinarySubscrStrInt
            | Opcode::BinarySubscrSeqSlice
            | Opcode::BinarySubscrDict => {
                let key = peek!(1);
                let container = peek!(2);
                let v = match self.binary_subscr_cached(tc, *pc - 1, op, container, key) {
                    Some(v) => v,
                    None => self.get_item(container, key)?,
                };
                drop_n!(2);
                push!(v);
            }
            Opcode::StoreSubscr => {
                let key = peek!(1);
                let container = peek!(2);
                let v = peek!(3);
                if self.adaptive(tc, *pc - 1, op) {
                    self.specialize_store_subscr(tc, *pc - 1, container, key);
                }
                self.set_item(container, key, v)?;
                drop_n!(3);
            }
            Opcode::StoreSubscrListInt | Opcode::StoreSubscrDict => {
                let key = peek!(1);
                let container = peek!(2);
                let v = peek!(3);
                if !self.store_subscr_cached(tc, *pc - 1, op, container, key, v) {
                    self.set_item(container, key, v)?;
                }
                drop_n!(3);
            }
            Opcode::UnpackSequenceTuple | Opcode::UnpackSequenceList => {
                let seq = peek!(1);
                let n = arg as usize;
                let mut items = [Value::NONE; 8];
                if self.unpack_cached(tc, *pc - 1, op, seq, n, &mut items) {
                    drop_n!(1);
                    for v in items[..n].iter().rev() {
                        push!(*v);
                    }
                } else {
                    let items = self.unpack(seq, n)?;
                    drop_n!(1);
                    for v in items.into_iter().rev() {
                        push!(v);
                    }
                }
            }
            Opcode::UnpackSequenceTwoTuple => {
                let seq = peek!(1);
                if let Some([first, second]) = self.unpack_two_cached(tc, *pc - 1, seq) {
                    drop_n!(1);
                    push!(second);
                    push!(first);
                } else {
                    let items = self.unpack(seq, 2)?;
                    drop_n!(1);
                    for v in items.into_iter().rev() {
                        push!(v);
                    }
                }
            }
            Opcode::UnpackSequence => {
                let seq = peek!(1);
                if self.adaptive(tc, *pc - 1, op) {
                    self.specialize_unpack(tc, *pc - 1, seq, arg as usize);
                }
                let items = self.unpack(seq, arg as usize)?;
                drop_n!(1);
                for v in items.into_iter().rev() {
                    push!(v);
                }
            }
            Opcode::ReturnValue => {
                let v = pop!();
                return Ok(Step::Return(v));
            }
            Opcode::MakeFunction => {
                let qualname = peek!(1);
                let code_value = peek!(2);
                let mut n = 2;
                let closure = if arg & 4 != 0 {
                    n += 1;
                    Some(peek!(n))
                } else {
                    None
                };
                let kwdefaults = if arg & 2 != 0 {
                    n += 1;
                    peek!(n)
                } else {
                    Value::NONE
                };
                let defaults = if arg & 1 != 0 {
                    n += 1;
                    Some(peek!(n))
                } else {
                    None
                };
                drop_n!(n);
                let closure = closure
                    .filter(|c| c.as_tuple().is_some())
                    .unwrap_or(Value::NONE);
                let code_gc = code_value
                    .as_object()
                    .expect("MakeFunction takes a code object");
                let ObjectData::Code(c) = &code_gc.data else {
                    unreachable!("a code constant")
                };
                let defaults = defaults
                    .filter(|d| d.as_tuple().is_some())
                    .unwrap_or(Value::NONE);
                let qualname = match qualname.as_ref().and_then(|q| q.as_str()) {
                    Some(_) => qualname,
                    None => self.new_str(&c.qualname),
                };
                let f = Function {
                    name: c.name_object,
                    qualname,
                    code: AtomicValue::new(code_value),
                    globals: frame.globals,
                    defaults: AtomicValue::new(defaults),
                    kwdefaults: AtomicValue::new(kwdefaults),
                    closure,
                    attrs: crate::object::Mutex::new(Dict::new()),
                    version: VersionTag::new(),
                };
                let v = Value::object(
                    self.alloc(self.rt.types.function, ObjectData::Function(Box::new(f))),
                );
                push!(v);
            }
            Opcode::MakeClass => {
                let n = arg as usize;
                let len = self.st().values.len();
                let bases: Vec<Value> = self.st().values[len - n..].to_vec();
                let bases = self.new_tuple(bases);
                self.st().values.truncate(len - n);
                let name = pop!();
                let body = pop!();
                // Root the pieces in the new frame's return action.
                let ns = self.alloc(
                    self.rt.types.dict,
                    ObjectData::Dict(crate::object::Mutex::new(Dict::new())),
                );
                let Some(ObjectData::Function(f)) = body.data() else {
                    unreachable!("MakeClass takes the body function")
                };
                let key = self.new_str("__module__");
                if let Some(module) = self.dict_get(frame.globals, self.new_str("__name__"))? {
                    self.dict_set(ns, key, module)?;
                }
                let key = self.new_str("__qualname__");
                self.dict_set(ns, key, f.qualname)?;
                let values_len = self.st().values.len();
                let body_code_obj = f.code();
                if let ObjectData::Code(body_code) = &body_code_obj.data {
                    self.init_cells(body_code, f.closure_cells(), values_len);
                }
                self.push_frame(
                    body_code_obj,
                    f.globals,
                    Some(ns),
                    values_len as u32,
                    values_len as u32,
                    OnReturn::ClassBody { name, bases },
                )?;
                return Ok(Step::Call);
            }
            Opcode::Raise => {
                let exc = match arg {
                    0 => match self.st().handled.last() {
                        Some(e) => *e,
                        None => {
                            return Err(self.new_exception(
                                self.rt.types.runtime_error,
                                "No active exception to reraise",
                            ));
                        }
                    },
                    1 => {
                        let v = pop!();
                        self.make_raisable(v)?
                    }
                    _ => {
                        let cause = top!();
                        // Both stay on the stack (rooted) while classes are
                        // instantiated; the instance replaces its class.
                        let below = self.st().values.len() - 2;
                        let v = self.st().values[below];
                        let exc = self.make_raisable(v)?;
                        self.st().values[below] = exc;
                        let cause = if cause.is_none() {
                            cause
                        } else {
                            self.make_raisable(cause).map_err(|e| {
                                if self.isinstance(e.0, self.rt.types.type_error) {
                                    self.new_exception(
                                        self.rt.types.type_error,
                                        "exception causes must derive from BaseException",
                                    )
                                } else {
                                    e
                                }
                            })?
                        };
                        self.set_exception_attr(exc, "__cause__", cause);
                        self.set_exception_attr(exc, "__suppress_context__", Value::TRUE);
                        pop!();
                        pop!();
                        exc
                    }
                };
                if arg != 0 {
                    self.chain_context(exc);
                }
                return Err(PyErr(exc));
            }
            Opcode::Reraise => {
                let exc = pop!();
                return Err(PyErr(exc));
            }
            Opcode::PushExcInfo => {
                let exc = top!();
                self.st().handled.push(exc);
            }
            Opcode::PopExcept => {
                self.st().handled.pop();
            }
            Opcode::CheckExcMatch => {
                let ty = pop!();
                let exc = top!();
                let m = self.exception_matches(exc, ty)?;
                push!(Value::bool(m));
            }
            Opcode::LoadAssertionError => push!(Value::object(self.rt.types.assertion_error)),
            Opcode::LoadDeref => {
                let v = self.load_deref(code, base, arg as usize)?;
                push!(v);
            }
            Opcode::StoreDeref | Opcode::DeleteDeref => {
                let v = if op == Opcode::StoreDeref {
                    pop!()
                } else {
                    Value::UNBOUND
                };
                let cell = self.st().values[base + code.varnames.len() + arg as usize];
                if let Some(ObjectData::Cell(c)) = cell.data() {
                    if op == Opcode::StoreDeref {
                        c.store(v);
                    } else if c.swap(v) == Value::UNBOUND {
                        // Of two threads deleting at once, one succeeds.
                        return Err(self.unbound_deref(code, arg as usize));
                    }
                }
            }
            Opcode::LoadClosure => {
                let cell = self.st().values[base + code.varnames.len() + arg as usize];
                push!(cell);
            }
            Opcode::DeleteFast => {
                let slot = base + arg as usize;
                if self.st().values[slot] == Value::UNBOUND {
                    let msg = format!(
                        "cannot access local variable '{}' where it is not associated with a value",
                        code.varnames[arg as usize]
                    );
                    return Err(self.new_exception(self.rt.types.unbound_local_error, &msg));
                }
                self.st().values[slot] = Value::UNBOUND;
            }
            Opcode::DeleteGlobal | Opcode::DeleteName => {
                let name = code.names[arg as usize];
                let target = match (op, frame.namespace) {
                    (Opcode::DeleteName, Some(ns)) => ns,
                    _ => frame.globals,
                };
                if !self.dict_delete(target, name)? {
                    let msg = format!(
                        "name '{}' is not defined",
                        self.str_of(name).unwrap_or_default()
                    );
                    return Err(self.new_exception(self.rt.types.name_error, &msg));
                }
            }
            Opcode::DeleteAttr => {
                let obj = peek!(1);
                self.del_attr(obj, code.names[arg as usize])?;
                drop_n!(1);
            }
            Opcode::DeleteSubscr => {
                let key = peek!(1);
                let container = peek!(2);
                self.del_item(container, key)?;
                drop_n!(2);
            }
            Opcode::BuildSlice => {
                let n = arg as usize;
                let step = if n == 3 { peek!(1) } else { Value::NONE };
                let stop = peek!(if n == 3 { 2 } else { 1 });
                let start = peek!(n);
                let v = self.alloc(self.rt.types.slice, ObjectData::Slice([start, stop, step]));
                drop_n!(n);
                push!(Value::object(v));
            }
            Opcode::BuildSet => {
                let n = arg as usize;
                let len = self.st().values.len();
                let items: Vec<Value> = self.st().values[len - n..].to_vec();
                let mut table = crate::object::SetTable::new(false);
                for item in items {
                    let h = self.hash(item)?;
                    let item = self.table_key(item, || table.keys_with_hash(h))?;
                    table.add_hashed(h, item);
                }
                let v = self.new_set(table);
                self.st().values.truncate(len - n);
                push!(v);
            }
            Opcode::SetAdd | Opcode::SetUpdate => {
                let item = peek!(1);
                let set = peek!(1 + arg as usize);
                if op == Opcode::SetAdd {
                    self.set_add(set, item)?;
                } else {
                    // Collected items stay referenced by `item` (rooted) or
                    // were rooted while collected; no safepoint follows.
                    let other = self.set_table_from(item, false)?;
                    crate::object::set::with_table(set, |t| t.merge(&other));
                }
                drop_n!(1);
            }
            Opcode::ListAppend => {
                let item = pop!();
                let list = peek!(arg as usize);
                crate::object::native::list_append(list, item);
            }
            Opcode::ListExtend => {
                let item = peek!(1);
                let list = peek!(1 + arg as usize);
                let items = self.collect_iterable(item)?;
                if let Some(ObjectData::List(l)) = list.data() {
                    l.lock().extend(items);
                }
                drop_n!(1);
            }
            Opcode::MapAdd => {
                let value = peek!(1);
                let key = peek!(2);
                let dict = peek!(2 + arg as usize);
                if let Some(d) = dict.as_object() {
                    self.dict_set(d, key, value)?;
                }
                drop_n!(2);
            }
            Opcode::DictUpdate | Opcode::DictMerge => {
                let mapping = peek!(1);
                let dict = peek!(1 + arg as usize);
                // For DictMerge the callable sits below the args list.
                let callee = if op == Opcode::DictMerge {
                    Some(peek!(3 + arg as usize))
                } else {
                    None
                };
                self.dict_update(dict, mapping, callee)?;
                drop_n!(1);
            }
            Opcode::ListToTuple => {
                let list = peek!(1);
                let items = match list.data() {
                    Some(ObjectData::List(l)) => l.lock().to_vec(),
                    _ => Vec::new(),
                };
                let t = self.new_tuple(items);
                drop_n!(1);
                push!(t);
            }
            Opcode::CallEx => {
                let kwargs = if arg & 1 != 0 { Some(peek!(1)) } else { None };
                let args = peek!(1 + (arg & 1) as usize);
                let positional = match args.data() {
                    Some(ObjectData::List(l)) => l.lock().to_vec(),
                    Some(ObjectData::Tuple(t)) => t.to_vec(),
                    _ => self.collect_iterable(args)?,
                };
                let keywords: Vec<(Value, Value)> = kwargs
                    .and_then(|k| {
                        k.as_object()?
                            .dict_table()
                            .map(|d| d.lock().items().collect())
                    })
                    .unwrap_or_default();
                // Rewrite the stack as an ordinary call (the dict and list
                // stay referenced from the copies until then; no safepoint
                // in between).
                let len = self.st().values.len();
                let callable_pos = len - 2 - (arg & 1) as usize;
                self.st().values.truncate(callable_pos + 1);
                self.st().values.extend_from_slice(&positional);
                let kwnames = if keywords.is_empty() {
                    None
                } else {
                    for (_, v) in &keywords {
                        self.st().values.push(*v);
                    }
                    let names = self.new_tuple(keywords.iter().map(|(k, _)| *k).collect());
                    Some(names)
                };
                let nargs = positional.len() + keywords.len();
                if let Some(names) = kwnames {
                    push!(names);
                }
                match self.call_at(callable_pos, callable_pos + 1, nargs, kwnames)? {
                    CallOutcome::Done(v) => {
                        self.st().values.truncate(callable_pos);
                        push!(v);
                    }
                    CallOutcome::Pushed => return Ok(Step::Call),
                }
            }
            Opcode::UnpackEx => {
                let seq = peek!(1);
                let (before, after) = ((arg & 0xff) as usize, (arg >> 8) as usize);
                let items = self.collect_iterable(seq)?;
                if items.len() < before + after {
                    let msg = format!(
                        "not enough values to unpack (expected at least {}, got {})",
                        before + after,
                        items.len()
                    );
                    return self.value_error(&msg);
                }
                let middle = self.new_list(items[before..items.len() - after].to_vec());
                drop_n!(1);
                for v in items[items.len() - after..].iter().rev() {
                    push!(*v);
                }
                push!(middle);
                for v in items[..before].iter().rev() {
                    push!(*v);
                }
            }
            Opcode::LoadSuperMethod | Opcode::LoadSuperAttr => {
                let receiver = peek!(1);
                let class = peek!(2);
                let name = code.names[arg as usize];
                let (method, bound) = self.super_lookup(class, receiver, name)?;
                drop_n!(2);
                if op == Opcode::LoadSuperMethod {
                    push!(method);
                    push!(bound);
                } else if bound.is_null() {
                    push!(method);
                } else {
                    let m = self.alloc(
                        self.rt.types.method,
                        ObjectData::BoundMethod {
                            func: method,
                            receiver: bound,
                        },
                    );
                    push!(Value::object(m));
                }
            }
            Opcode::YieldValue => {
                let v = pop!();
                return Ok(Step::Yield(v));
            }
            Opcode::Send => {
                let sent = peek!(1);
                let iter = peek!(2);
                match self.send_to(iter, sent)? {
                    lang::Resumed::Yielded(v) => {
                        drop_n!(1);
                        push!(v);
                    }
                    lang::Resumed::Returned(v) => {
                        drop_n!(2);
                        push!(v);
                        *pc = arg as usize;
                    }
                }
            }
            // Hooks for crate::modules (imports).
            Opcode::ImportName => {
                let v = crate::modules::import(self, code.names[arg as usize])?;
                push!(v);
            }
            Opcode::ImportFrom => {
                let module = top!();
                let v = crate::modules::import_from(self, module, code.names[arg as usize])?;
                push!(v);
            }
            Opcode::BeforeWith => {
                let manager = peek!(1);
                let (exit, entered) = self.before_with(manager)?;
                drop_n!(1);
                push!(exit);
                push!(entered);
            }
            Opcode::WithExceptStart => {
                let exc = peek!(1);
                let exit = peek!(2);
                let ty = Value::object(self.class_of(exc));
                let r = self.call_value(exit, &[ty, exc, Value::NONE], &[])?;
                push!(r);
            }
        }
        Ok(Step::Next)
    }
}

/// What one instruction did to control flow.
enum Step {
    Next,
    /// A callee's frame was pushed: run it, then push its result.
    Call,
    /// `ForIterGenerator` pushed a generator's frame above its loop's: run
    /// it in the same dispatch loop. Unlike a callee's frame it never
    /// returns a result: it pushes what it yields for the loop body, and
    /// ends the loop in its caller's frame (`OnReturn::GeneratorLoop`), so
    /// only `run` itself may run it, not a nested loop that pushes a result.
    Resume,
    Return(Value),
    Yield(Value),
    /// An executor left tier 1 to run a frame it pushed (an inlined
    /// call), whose position it saved: run the top frame.
    Switched,
    /// An executor's inlined call raised this in the frame it pushed, at
    /// the position it saved: unwind from there.
    Unwind(PyErr),
}

impl Drop for Interp<'_> {
    fn drop(&mut self) {
        self.th.clear_root_source();
        if let Some(index) = self.tlbc_index {
            self.rt.thread_indices.release(index);
        }
        if let Some(stats) = self.spec_stats.take() {
            self.rt.add_specialization_stats(&stats);
        }
        if let Some(stats) = self.t2_stats.take() {
            self.rt.add_tier2_stats(&stats);
        }
    }
}

/// What tier 2's constant call needs of its callee's code, read once
/// (when the executor is built, for an inlined call): the code, its number
/// of locals, and how many positional arguments a call must pass to bind
/// nothing. The executor depends on the function's code (the function
/// modification event), so none of it changes while the executor runs.
#[derive(Clone, Copy)]
pub(crate) struct Callee {
    /// The code object.
    pub code: Gc<PyObject>,
    /// The number of positional arguments with which a call binds
    /// nothing: the arguments are exactly the parameters (no defaults
    /// used, no keyword-only or variadic ones), and the code has no cells
    /// and is no generator. `u32::MAX` (no call) when it has any of those.
    pub params: u32,
    /// Its number of locals.
    pub nlocals: u32,
}

impl Callee {
    /// The callee whose code is `code_obj`.
    pub fn of_code(code_obj: Gc<PyObject>) -> Callee {
        let ObjectData::Code(code) = &code_obj.data else {
            unreachable!("a function's code is a code object")
        };
        let plain = code.kwonlyargcount == 0
            && code.flags & (CodeFlags::VARARGS | CodeFlags::VARKEYWORDS | CodeFlags::GENERATOR)
                == 0
            && code.cellvars.is_empty()
            && code.freevars.is_empty();
        Callee {
            code: code_obj,
            params: if plain { code.argcount } else { u32::MAX },
            nlocals: code.varnames.len() as u32,
        }
    }
}
