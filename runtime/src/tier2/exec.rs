//! Building executors from the interpreter (projection, the optimizer's
//! assumptions, install) and running them: the micro-op interpreter.

use std::sync::Arc;

use stillpoint_gc::Gc;
use stillpoint_sync::{Dependency, EventKind, Validity};

use super::optimize::{self, Assumptions, DescriptorKind};
use super::project::{project, project_entry, project_function, Trace};
use super::stack::ReservedStack;
use super::uop::{
    class_store_parts, local_attribute_parts, Operands, Placed, Slot, Uop, UopOp, NEW_KEY_HINT,
    RETURNS_INSTANCE, RETURNS_OPERATOR_RESULT,
};
use super::{
    Executor, Loop, Tier2Stats, MAX_INLINED_INSTRUCTIONS, MAX_INLINE_DEPTH,
    MAX_INLINE_INSTRUCTIONS, MAX_LOOPING_INLINE_INSTRUCTIONS, MAX_REBUILDS,
};
use crate::bytecode::{BinaryOp, CodeObject, CompareOp, Instr, Opcode};
use crate::error::{PyErr, PyResult};
use crate::events::DictWatcher;
use crate::interp::{Callee, Interp, VirtualCall};
use crate::object::{
    slot_load, slot_store, Descriptor, Dict, InstanceAttrs, IteratorData, Layout, Mutex,
    ObjectData, PyObject, PyStr,
};
use crate::specialize::{float_operands, ThreadCode};
use crate::value::{AtomicValue, Value};

/// Why an executor left, and where tier 1 resumes.
#[derive(Debug)]
pub(crate) enum Leave {
    /// Resume tier 1 at this instruction.
    At(usize),
    /// The instruction at this index raised.
    Raised(usize, PyErr),
}

/// The optimizer's assumptions for one projection, paid for with
/// dependencies taken before each value is read.
struct Planner<'i, 'a, 'w> {
    interp: &'i mut Interp<'a>,
    /// The names of the code being optimized (the loop's, or an inlined
    /// function's).
    names: &'w [Value],
    globals: Option<(Gc<PyObject>, &'w DictWatcher)>,
    builtins: Option<(Gc<PyObject>, &'w DictWatcher)>,
    deps: Vec<Dependency<'w>>,
    /// Classes whose attributes may become constants (see
    /// `Interp::constant_classes`).
    classes: &'w [Gc<PyObject>],
    /// Functions whose calls may be inlined, with the code they had (see
    /// `Interp::inline_candidates`).
    callees: &'w [(Gc<PyObject>, Gc<PyObject>)],
    /// What optimizing the inlined functions did, and how many there are.
    inlined: optimize::Report,
    calls_inlined: u64,
    /// Instructions that inlined functions may still add to the executor.
    inline_budget: usize,
    /// The classes of receivers that are locals or globals at projection,
    /// by the version their guard checks (see `Interp::receiver_classes`).
    receivers: &'w [(u64, Gc<PyObject>)],
    /// Modules whose attributes may become constants, with their dicts'
    /// watchers (see `Interp::constant_modules`); the flags say which ones
    /// the executor already depends on.
    modules: &'w [(Gc<PyObject>, Arc<DictWatcher>)],
    modules_assumed: Vec<bool>,
    module_dicts_assumed: bool,
    calls_assumed: bool,
    descriptors_assumed: bool,
    module_assumed: bool,
    builtins_assumed: bool,
}

impl Planner<'_, '_, '_> {
    fn lookup(&mut self, dict: Gc<PyObject>, name: Value) -> Option<Value> {
        let hash = name.as_ref().and_then(|n| n.as_str())?.hash();
        let ObjectData::Dict(d) = &dict.data else {
            return None;
        };
        d.lock().get_hashed(hash, name)
    }
}

impl<'w> Planner<'_, '_, 'w> {
    /// Takes the dependency on descriptor re-initialization (once); false
    /// past its threshold.
    fn assume_descriptors(&mut self) -> bool {
        if !self.descriptors_assumed {
            let Some(dep) = self.interp.rt.world().assume(EventKind::DescriptorMutated) else {
                return false;
            };
            self.deps.push(dep);
            self.descriptors_assumed = true;
        }
        true
    }

    /// Attribute `names[name]` of `class`, one of the classes collected
    /// before planning, when it may become a constant: a user class whose
    /// metaclass is `type`, the name not a dunder. Returns what it found
    /// with the dependencies that keep it (bases assignment, then the
    /// class's own event, which also fires for changes to its bases'
    /// attributes: `Interp::class_modified`), taken before the lookup; the
    /// caller keeps them only if it uses the value.
    fn class_lookup(&mut self, class: Value, name: u32) -> Option<(Value, [Dependency<'w>; 2])> {
        let rt = self.interp.rt;
        // Only classes collected before planning (their dependencies must
        // borrow from something that outlives the planner).
        let o: &'w Gc<PyObject> = self.classes.iter().find(|c| Value::object(**c) == class)?;
        let ObjectData::Class(c) = &o.data else {
            return None;
        };
        let name_value = *self.names.get(name as usize)?;
        let text = name_value.as_ref()?.as_str()?;
        // Dunders may be the metaclass's data descriptors (`__name__`...).
        if c.is_builtin() || o.class() != rt.types.type_ || text.as_str().starts_with("__") {
            return None;
        }
        let world = rt.world().clone();
        let bases = world.assume(EventKind::BasesSet)?;
        // Depend first, then look.
        let dep = world.assume_object(&c.watch)?;
        let found = self.interp.lookup_value(*o, name_value)?;
        Some((found, [bases, dep]))
    }

    /// Takes dependencies on `classes` (each with the version a guard
    /// checks) and on object-class assignment and bases changes; returns
    /// the versions the optimizer may then trust across escaping
    /// micro-ops. Past a threshold, none (the guards stay).
    fn assume_classes(&mut self, classes: &'w [(u64, Gc<PyObject>)]) -> Vec<u64> {
        if classes.is_empty() {
            return Vec::new();
        }
        let world = self.interp.rt.world().clone();
        let (Some(class_set), Some(bases_set)) = (
            world.assume(EventKind::ClassSet),
            world.assume(EventKind::BasesSet),
        ) else {
            return Vec::new();
        };
        self.deps.push(class_set);
        self.deps.push(bases_set);
        let mut stable = Vec::new();
        for (version, class) in classes {
            let Some(c) = class.as_class() else { continue };
            let Some(dep) = world.assume_object(&c.watch) else {
                continue;
            };
            // Depend first, then check the class is still in the state the
            // guard names: a change after this fails the install.
            if u64::from(c.version.peek()) == *version {
                self.deps.push(dep);
                stable.push(*version);
            }
        }
        stable
    }
}

impl<'w> Planner<'_, '_, 'w> {
    /// Replaces the calls of constant functions in `uops` (optimized code
    /// at inlining depth `depth`) by the functions' own optimized
    /// micro-ops between `PushFrame` and `PopFrame`, where the function is
    /// a candidate and small (and, with a loop, `may_inline_loop`).
    /// `segments` counts the inlined
    /// bodies (each is a segment of its own).
    fn inline_calls(
        &mut self,
        uops: Vec<Uop>,
        site: &dyn Fn(usize) -> (Instr, [u64; 8]),
        stable: &[u64],
        depth: u32,
        segments: &mut u16,
    ) -> Vec<Uop> {
        let mut out = Vec::with_capacity(uops.len());
        for u in uops {
            if u.op == UopOp::Step && u.extra != 0 && depth < MAX_INLINE_DEPTH {
                self.inline_polymorphic_call(u, site, stable, depth, segments, &mut out);
                continue;
            }
            let call = matches!(
                u.op,
                UopOp::CallPyConst | UopOp::CallInitConst | UopOp::CallOperatorConst
            );
            let body = (call && depth < MAX_INLINE_DEPTH)
                .then(|| self.inline_body(u, stable, depth, segments))
                .flatten();
            match body {
                Some(body) => {
                    out.push(Uop {
                        op: frame_push(&u, &body),
                        ..u
                    });
                    out.extend(body);
                    self.calls_inlined += 1;
                }
                None => out.push(u),
            }
        }
        out
    }

    /// A method call `call` (a `Step`) whose method the
    /// `LoadMethodCached` at `call.extra - 1` loaded, pushed to `out`
    /// as each method of that site's classes that may be inlined, inlined
    /// under a `PushFrame` or `PushVirtualFrame` that runs it only when the
    /// receiver's class has that method's class version (`extra`), then
    /// the `Step` for the other receivers.
    fn inline_polymorphic_call(
        &mut self,
        call: Uop,
        site: &dyn Fn(usize) -> (Instr, [u64; 8]),
        stable: &[u64],
        depth: u32,
        segments: &mut u16,
        out: &mut Vec<Uop>,
    ) {
        let (load, words) = site(call.extra as usize - 1);
        let name = self.names.get(load.arg as usize).copied();
        let methods = match (load.op, name, self.globals) {
            (Opcode::LoadMethodInstance, Some(name), Some((globals, _))) => {
                self.interp.polymorphic_methods(&words, name, globals)
            }
            _ => Vec::new(),
        };
        let cached = words.chunks_exact(2).filter(|e| e[0] != 0).count();
        let mut all_inlined = !methods.is_empty() && methods.len() == cached;
        for (version, method) in methods {
            // The receiver is the method's first argument.
            let body = self
                .constant_call(method, call.arg + 1)
                .then_some(Uop {
                    op: UopOp::CallPyConst,
                    operand: method.to_bits(),
                    ..call
                })
                .and_then(|constant| {
                    let body = self.inline_body(constant, stable, depth, segments)?;
                    Some((constant, body))
                });
            let Some((constant, body)) = body else {
                all_inlined = false;
                continue;
            };
            out.push(Uop {
                op: frame_push(&constant, &body),
                extra: version,
                ..constant
            });
            out.extend(body);
            self.calls_inlined += 1;
        }
        let load_at = call.extra - 1;
        let load = out
            .iter_mut()
            .rev()
            .find(|u| u.segment == call.segment && u.at == load_at);
        match load {
            // Every class the site saw has its method inlined: the load
            // picks the method by the receiver's class version, which
            // needs no tier-1 cache (so a virtual frame may run it), and
            // any other receiver leaves at the load. The call's own
            // fallback then runs only if the receiver's class changed in
            // between (its arguments ran Python code): tier 1 makes it.
            Some(load) if all_inlined && load.op == UopOp::LoadMethodCached => {
                *load = Uop {
                    op: UopOp::LoadMethodVersions,
                    target: call.at,
                    ..*load
                };
                out.push(Uop {
                    op: UopOp::ExitUntaken,
                    extra: 0,
                    target: call.at,
                    ..call
                });
            }
            _ => out.push(Uop { extra: 0, ..call }),
        }
    }

    /// The optimized micro-ops of the function `call` (a `CallPyConst`, a
    /// `CallInitConst`'s `__init__`, a `CallOperatorConst`'s method)
    /// calls, with its own calls inlined, if it may be inlined.
    fn inline_body(
        &mut self,
        call: Uop,
        stable: &[u64],
        depth: u32,
        segments: &mut u16,
    ) -> Option<Vec<Uop>> {
        let func = Value::from_bits(call.operand);
        let callees: &'w [(Gc<PyObject>, Gc<PyObject>)] = self.callees;
        let (_, code_obj) = callees.iter().find(|(f, _)| Value::object(*f) == func)?;
        let Some(ObjectData::Function(f)) = func.data() else {
            return None;
        };
        let ObjectData::Code(code) = &code_obj.data else {
            return None;
        };
        // `constant_call` made the executor depend on the function's code
        // staying this one; a frame it pushes reads the same globals.
        if f.code() != *code_obj
            || Some(f.globals) != self.globals.map(|(g, _)| g)
            || code.has_flag(crate::bytecode::CodeFlags::GENERATOR)
            || *segments == u16::MAX
        {
            return None;
        }
        // A debugger writing a local of the inlined frame throws the
        // executor away, as for the loop's own frame.
        let world = self.interp.rt.world().clone();
        let watch = world.assume_object(&code.watch)?;
        let tc = self.interp.thread_code(code);
        let trace = project_function(
            |pc| tc.instr(pc),
            |pc| tc.cache(pc).get().words,
            |i| code.constants[i as usize],
            code.instructions.len() as u32,
            MAX_INLINE_INSTRUCTIONS,
        )
        .ok()?;
        let mut body = trace.uops;
        exit_at_untaken(&mut body, tc);
        if body.iter().any(|u| u.op == UopOp::JumpBack)
            && !may_inline_loop(&body, trace.instructions, depth)
        {
            return None;
        }
        self.inline_budget = self
            .inline_budget
            .checked_sub(trace.instructions as usize)?;
        self.deps.push(watch);
        let names = std::mem::replace(&mut self.names, &code.names);
        let report = optimize::optimize(&mut body, self, stable);
        if !optimize::place_fused_operands(&mut body, code) {
            self.names = names;
            return None;
        }
        self.inlined.guards_removed += report.guards_removed;
        self.inlined.globals_constant += report.globals_constant;
        *segments += 1;
        let segment = *segments;
        for u in &mut body {
            u.segment = segment;
            if matches!(u.op, UopOp::PopFrame | UopOp::PopFrameConst) {
                match call.op {
                    UopOp::CallInitConst => u.arg = RETURNS_INSTANCE,
                    UopOp::CallOperatorConst => u.arg = RETURNS_OPERATOR_RESULT,
                    _ => {}
                }
            }
        }
        let site = |pc: usize| (tc.instr(pc), tc.cache(pc).get().words);
        let body = self.inline_calls(body, &site, stable, depth + 1, segments);
        self.names = names;
        Some(body)
    }
}

/// What a loop's executor may turn into constants or inline, collected
/// before planning (see `Interp::inline_candidates`).
#[derive(Default)]
struct Candidates {
    /// Functions with the code they had.
    callees: Vec<(Gc<PyObject>, Gc<PyObject>)>,
    /// Modules with their dicts' watchers.
    modules: Vec<(Gc<PyObject>, Arc<DictWatcher>)>,
    /// Classes.
    classes: Vec<Gc<PyObject>>,
}

/// How the inlined `call` with `body` pushes its frame: a plain call, a
/// constructor's `__init__` or an operator method (one that never stores
/// to its operands) whose body is all [`frameless`] on a virtual frame,
/// any other on a real one.
fn frame_push(call: &Uop, body: &[Uop]) -> UopOp {
    let virtual_call = match call.op {
        UopOp::CallPyConst | UopOp::CallInitConst => true,
        // Its frame, pushed inside, needs the operands (the first two
        // locals) for a NotImplemented return.
        UopOp::CallOperatorConst => body
            .iter()
            .filter(|b| b.segment == body[0].segment)
            .all(|b| b.stored_local().is_none_or(|k| k > 1)),
        _ => false,
    };
    if virtual_call && body.iter().all(|b| frameless(b.op)) {
        UopOp::PushVirtualFrame
    } else {
        UopOp::PushFrame
    }
}

/// Whether an inlined body made only of micro-ops like `op` may run on a
/// virtual frame (`PushVirtualFrame`): `op` never runs Python code, reaches
/// a safepoint, calls, or saves the frame's position, so nothing can look
/// for the callee's frame while it runs (it is pushed when the executor
/// leaves inside it). A truth test or unary operator whose operand would
/// need Python code (`__bool__`, `__neg__`) leaves instead while its frame
/// is virtual. Nor does `op` read the thread's copy of the code (as `Step`
/// and `LoadMethodCached` do): a virtual frame runs with its caller's.
fn frameless(op: UopOp) -> bool {
    use UopOp::*;
    op.is_fused()
        || matches!(
            op,
            UnaryOp
                | GetIter
                | RangeIter
                | Isinstance
                | CallFloatFunction
                | CallNativeMethod
                | SliceSequence
                | ExitIf
                | JumpIf
                | JumpIfOrPop
                | LoadFast
                | LoadFastBound
                | StoreFast
                | LoadConst
                | PopTop
                | Copy
                | Swap
                | LoadGlobal
                | GuardBothInt
                | GuardFloatMix
                | BinaryOpInt
                | BinaryOpIntAny
                | BinaryOpFloat
                | CompareInt
                | CompareFloat
                | CompareIs
                | ExitIfBool
                | JumpIfBool
                | Jump
                | SubscrSequenceInt
                | SubscrDict
                | StoreSubscrListInt
                | GuardClassVersion
                | GuardClassVersions
                | GuardOperandPartner
                | LoadAttrInstanceDict
                | LoadAttrLocal
                | LoadAttrLocal2
                | LoadAttrConst
                | LoadMethodConst
                | LoadMethodLocal
                | StoreAttrInstanceDict
                | StoreAttrLocal
                | StoreAttrLocalUnshared
                | CheckValidity
                | Exit
                | ExitUntaken
                | PushVirtualFrame
                | PopFrame
                | PopFrameConst
                | LoadMethodVersions
        )
}

/// Whether the function with a loop whose projected micro-ops are
/// `body` (from `instructions` instructions) may be inlined at depth
/// `depth` (it runs on a real frame: its back-edge is a safepoint).
/// Not inlined, its loop gets an executor of its own, whose calls
/// inline from depth 0; inlined, they start deeper, and past
/// [`MAX_INLINE_DEPTH`] stay calls. So its loops must call no Python
/// function, or it must be short (at most
/// [`MAX_LOOPING_INLINE_INSTRUCTIONS`], where the call's own cost weighs
/// most) and inlined into the executor's own code, which costs its calls
/// one level. Its calls outside its loops do not count: not inlined, the
/// function makes them in tier 1 (its loop's executor covers only the
/// loop), so inlining can only help them.
fn may_inline_loop(body: &[Uop], instructions: u32, depth: u32) -> bool {
    // The loops' instructions: from each back-edge's target to it.
    let loops: Vec<(u32, u32)> = body
        .iter()
        .filter(|u| u.op == UopOp::JumpBack)
        .map(|u| (u.target, u.at))
        .collect();
    let in_loop = |u: &&Uop| {
        loops
            .iter()
            .any(|&(head, end)| (head..=end).contains(&u.at))
    };
    !body.iter().filter(in_loop).any(calls_python)
        || (depth == 0 && instructions as usize <= MAX_LOOPING_INLINE_INSTRUCTIONS)
}

/// Whether `u` calls a Python function that could be inlined: a constant
/// call, or the step of a call instruction in any form but a builtin's.
fn calls_python(u: &Uop) -> bool {
    use Opcode::*;
    match u.op {
        UopOp::CallPyConst | UopOp::CallInitConst | UopOp::CallOperatorConst => true,
        UopOp::Step => {
            matches!(
                u.opcode.family(),
                Call | CallMethod | CallKw | CallMethodKw | CallEx
            ) && !matches!(
                u.opcode,
                CallBuiltin | CallMethodBuiltin | CallLen | CallIsinstance | CallBuiltinClass
            )
        }
        _ => false,
    }
}

/// Turns each `Step` of an inlined body (of code `tc`, this thread's copy)
/// whose generic instruction has never run here into an `ExitUntaken`: its
/// path has not been taken yet. Only inlined bodies: there it spares the
/// function's frame, while in a loop's own body an untaken path costs a
/// `Step` no more than an exit would (and a path that fires an event from
/// inside the executor keeps being seen by its validity check).
fn exit_at_untaken(uops: &mut [Uop], tc: &ThreadCode) {
    for u in uops.iter_mut().filter(|u| u.op == UopOp::Step) {
        if u.opcode.is_adaptive() && tc.never_ran(u.at as usize) {
            u.op = UopOp::ExitUntaken;
        }
    }
}

/// Points each `PushFrame` at the micro-op its caller goes on with: the
/// next one of the caller's segment (the callee's body comes between),
/// past the other methods and the `Step` of a polymorphic call.
fn link_inlined_returns(uops: &mut [Uop]) {
    for p in 0..uops.len() {
        if matches!(uops[p].op, UopOp::PushFrame | UopOp::PushVirtualFrame) {
            let segment = uops[p].segment;
            let mut next = (p + 1..uops.len()).filter(|&q| uops[q].segment == segment);
            let mut after = next
                .next()
                .expect("a return or the loop's end follows every call");
            if uops[p].conditional_frame() {
                // The other methods that follow, then the call's `Step`.
                while uops[after].conditional_frame() && uops[after].at == uops[p].at {
                    after = next.next().expect("a polymorphic call ends in its step");
                }
                after = next.next().expect("the step is not the loop's end");
            }
            uops[p].target = after as u32;
        }
    }
}

impl<'w> Assumptions for Planner<'_, '_, 'w> {
    fn plain_class_store(&self, v: Value, name: u32) -> bool {
        let rt = self.interp.rt;
        let plain_name = self
            .names
            .get(name as usize)
            .and_then(|n| n.as_ref())
            .and_then(|n| n.as_str())
            .is_some_and(|n| !n.as_str().starts_with("__"));
        plain_name
            && v.as_ref().is_some_and(|o| match &o.data {
                ObjectData::Class(c) => !c.is_builtin() && o.class() == rt.types.type_,
                _ => false,
            })
    }

    fn class_attribute(&mut self, class: Value, name: u32) -> Option<Value> {
        let (found, deps) = self.class_lookup(class, name)?;
        let value = match found.data() {
            // What `C.name` gives for a staticmethod (a classmethod's
            // would be a new bound method each time).
            Some(ObjectData::Descriptor(Descriptor::StaticMethod(f))) => {
                if !self.assume_descriptors() {
                    return None;
                }
                // Depend first, then read.
                f.load()
            }
            // Values a class attribute read returns as they are (no
            // `__get__`).
            Some(
                ObjectData::Descriptor(_) | ObjectData::Instance(_) | ObjectData::Subclassed(_),
            ) => return None,
            _ => found,
        };
        self.deps.extend(deps);
        Some(value)
    }

    fn class_method(&mut self, class: Value, name: u32) -> Option<(Value, Value)> {
        let (found, deps) = self.class_lookup(class, name)?;
        // `generic_load_method` on a class: the descriptor unwrapped
        // (`Interp::unwrap_on_class`), anything else with no receiver.
        let pair = match found.data() {
            Some(ObjectData::Descriptor(
                Descriptor::StaticMethod(f) | Descriptor::ClassMethod(f),
            )) => {
                if !self.assume_descriptors() {
                    return None;
                }
                let receiver = match found.data() {
                    Some(ObjectData::Descriptor(Descriptor::ClassMethod(_))) => class,
                    _ => Value::NULL,
                };
                (f.load(), receiver)
            }
            Some(
                ObjectData::Descriptor(_) | ObjectData::Instance(_) | ObjectData::Subclassed(_),
            ) => return None,
            _ => (found, Value::NULL),
        };
        self.deps.extend(deps);
        Some(pair)
    }

    fn descriptor_callable(
        &mut self,
        version: u64,
        name: u32,
        kind: DescriptorKind,
    ) -> Option<Value> {
        // A receiver's class in the guarded state holds the descriptor the
        // tier-1 form cached: look it up there (the cache's own word may
        // be stale), so it is alive while read.
        let (_, class) = *self.receivers.iter().find(|(v, _)| *v == version)?;
        let c = class.as_class()?;
        let name_value = *self.names.get(name as usize)?;
        let found = self.interp.lookup_value(class, name_value)?;
        if u64::from(c.version.peek()) != version {
            return None;
        }
        let Some(ObjectData::Descriptor(d)) = found.data() else {
            return None;
        };
        let fits = matches!(
            (d, kind),
            (Descriptor::Property { .. }, DescriptorKind::Property)
                | (Descriptor::StaticMethod(_), DescriptorKind::StaticMethod)
        );
        if !fits || !self.assume_descriptors() {
            return None;
        }
        // Depend first, then read.
        Some(match d {
            Descriptor::Property { fget, .. } => fget.load(),
            Descriptor::StaticMethod(f) | Descriptor::ClassMethod(f) => f.load(),
            Descriptor::Member { .. } => unreachable!("fits no descriptor kind"),
        })
    }

    fn constant_call(&mut self, func: Value, nargs: u32) -> bool {
        let Some(ObjectData::Function(f)) = func.data() else {
            return false;
        };
        // A callee that does not qualify now takes no dependency.
        if crate::specialize::positional_code(f, nargs as usize).is_err() {
            return false;
        }
        let world = self.interp.rt.world().clone();
        if !self.calls_assumed {
            // Depend first, then read the code and defaults (again).
            let (Some(modified), Some(hook)) = (
                world.assume(EventKind::FunctionModified),
                world.assume(EventKind::EvalFrameHookSet),
            ) else {
                return false;
            };
            self.deps.push(modified);
            self.deps.push(hook);
            self.calls_assumed = true;
        }
        if self.interp.rt.has_eval_frame_hook() {
            return false;
        }
        // What tier 1's call guard checks (keyword-only parameters filled
        // from `__kwdefaults__` included), read after depending on it.
        crate::specialize::positional_code(f, nargs as usize).is_ok()
    }

    fn class_attribute_position(&mut self, class: Value, name: u32) -> Option<usize> {
        let name = *self.names.get(name as usize)?;
        let hash = name.as_ref()?.as_str()?.hash();
        let c = class.as_ref()?.as_class()?;
        let position = c.dict.lock().get_hashed_at(hash, name).map(|(_, at)| at);
        position
    }

    fn is_range(&self, v: Value) -> bool {
        v == Value::object(self.interp.rt.types.range)
    }

    fn float_function(&self, v: Value) -> Option<u32> {
        crate::modules::math::float_function(v)
    }

    fn native_method(&self, v: Value) -> Option<u32> {
        crate::builtins::native_method(v)
    }

    fn constant_init(&mut self, class: Value, nargs: u32) -> Option<Value> {
        let rt = self.interp.rt;
        // Only classes collected before planning, as for `class_lookup`.
        let o: &'w Gc<PyObject> = self.classes.iter().find(|c| Value::object(**c) == class)?;
        let ObjectData::Class(c) = &o.data else {
            return None;
        };
        if c.is_builtin() || c.layout != Layout::Instance || o.class() != rt.types.type_ {
            return None;
        }
        let world = rt.world().clone();
        let bases = world.assume(EventKind::BasesSet)?;
        // Depend first, then look.
        let dep = world.assume_object(&c.watch)?;
        let init = self.interp.lookup_value(*o, rt.hook_names.init)?;
        let Some(ObjectData::Function(f)) = init.data() else {
            return None;
        };
        let generator = matches!(&f.code().data,
            ObjectData::Code(code) if code.has_flag(crate::bytecode::CodeFlags::GENERATOR));
        if generator || !self.constant_call(init, nargs + 1) {
            return None;
        }
        self.deps.extend([bases, dep]);
        Some(init)
    }

    fn module_attribute(&mut self, module: Value, name: u32) -> Option<Value> {
        let modules: &'w [(Gc<PyObject>, Arc<DictWatcher>)] = self.modules;
        let k = modules
            .iter()
            .position(|(m, _)| Value::object(*m) == module)?;
        let (m, watcher) = &modules[k];
        let ObjectData::Module(data) = &m.data else {
            return None;
        };
        let name = *self.names.get(name as usize)?;
        let world = self.interp.rt.world().clone();
        if !self.module_dicts_assumed {
            self.deps.push(world.assume(EventKind::ModuleDictReplaced)?);
            self.module_dicts_assumed = true;
        }
        // The dict may have been replaced since it was collected.
        let dict = data.dict();
        if !watcher_of(dict).is_some_and(|w| Arc::ptr_eq(&w, watcher)) {
            return None;
        }
        if !self.modules_assumed[k] {
            // Activate, then depend, then read (events::DictWatcher).
            watcher.activate();
            self.deps.push(world.assume_object(watcher.watch())?);
            self.modules_assumed[k] = true;
        }
        self.lookup(dict, name)
    }

    fn global_constant(&mut self, name: u32) -> Option<Value> {
        let name = *self.names.get(name as usize)?;
        let (globals, gw) = self.globals?;
        let world = self.interp.rt.world().clone();
        if !self.module_assumed {
            // Activate, then depend, then read (events::DictWatcher).
            gw.activate();
            self.deps.push(world.assume_object(gw.watch())?);
            self.module_assumed = true;
        }
        if let Some(v) = self.lookup(globals, name) {
            return Some(v);
        }
        let (builtins, bw) = self.builtins?;
        if !self.builtins_assumed {
            bw.activate();
            self.deps.push(world.assume(EventKind::ModuleDictReplaced)?);
            self.deps.push(world.assume_object(bw.watch())?);
            self.builtins_assumed = true;
        }
        // The dict may have been replaced before the dependency was taken.
        if self.interp.rt.builtins_dict() != Some(builtins) {
            return None;
        }
        self.lookup(builtins, name)
    }

    fn global_position(&mut self, name: u32) -> u64 {
        let (Some(&name), Some((globals, _))) = (self.names.get(name as usize), self.globals)
        else {
            return 0;
        };
        let (Some(text), ObjectData::Dict(d)) =
            (name.as_ref().and_then(|n| n.as_str()), &globals.data)
        else {
            return 0;
        };
        let position = d.lock().get_hashed_at(text.hash(), name);
        position.map_or(0, |(_, at)| at as u64)
    }
}

/// Whether `STILLPOINT_DUMP_EXECUTORS` is set: every executor built is
/// printed on stderr with its micro-ops, and every loop or function that
/// projection refused with why (a developer's view of tier 2).
fn dump_executors() -> bool {
    static DUMP: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *DUMP.get_or_init(|| std::env::var_os("STILLPOINT_DUMP_EXECUTORS").is_some())
}

/// The watcher of a module dict.
fn watcher_of(dict: Gc<PyObject>) -> Option<Arc<DictWatcher>> {
    let ObjectData::Dict(d) = &dict.data else {
        return None;
    };
    d.lock().watcher().cloned()
}

impl Interp<'_> {
    /// The classes of receivers that are locals or globals at the
    /// projection: for a class guard on a value just loaded from local or
    /// global `k`, the class of `k`'s current value, if it is in the
    /// guarded version.
    fn receiver_classes(
        &mut self,
        uops: &[super::Uop],
        base: usize,
        globals: Gc<PyObject>,
        names: &[Value],
    ) -> Vec<(u64, Gc<PyObject>)> {
        let mut found: Vec<(u64, Gc<PyObject>)> = Vec::new();
        for pair in uops.windows(2) {
            let (load, guard) = (pair[0], pair[1]);
            if guard.op != UopOp::GuardClassVersion
                || !matches!(
                    load.op,
                    UopOp::LoadFast | UopOp::LoadFastBound | UopOp::LoadGlobal
                )
                || found.iter().any(|(v, _)| *v == guard.operand)
            {
                continue;
            }
            let v = if load.op == UopOp::LoadGlobal {
                match names.get(load.arg as usize) {
                    Some(&name) => self.load_global(globals, name).unwrap_or(Value::NONE),
                    None => continue,
                }
            } else {
                self.st_values()[base + load.arg as usize]
            };
            if instance_class_version(v) == guard.operand && guard.operand != 0 {
                if let Some(o) = v.as_ref() {
                    found.push((guard.operand, o.class()));
                }
            }
        }
        found
    }

    /// The classes that global loads name now (their attributes, methods
    /// and constructor calls may become constants), added to `found`
    /// (read without dependencies: the planner takes them before it
    /// relies on anything).
    fn constant_classes(
        &mut self,
        uops: &[Uop],
        globals: Gc<PyObject>,
        names: &[Value],
        found: &mut Vec<Gc<PyObject>>,
    ) {
        for load in uops.iter().filter(|u| u.op == UopOp::LoadGlobal) {
            let Some(&name) = names.get(load.arg as usize) else {
                continue;
            };
            if let Ok(v) = self.load_global(globals, name) {
                if let Some(o) = v.as_object() {
                    if matches!(o.data, ObjectData::Class(_)) && !found.contains(&o) {
                        found.push(o);
                    }
                }
            }
        }
    }

    /// The modules that global loads followed by an attribute load name
    /// now, with their dicts' watchers, added to `found` (read without
    /// dependencies, as `constant_classes`).
    fn constant_modules(
        &mut self,
        uops: &[Uop],
        globals: Gc<PyObject>,
        names: &[Value],
        found: &mut Vec<(Gc<PyObject>, Arc<DictWatcher>)>,
    ) {
        for pair in uops.windows(2) {
            let (load, access) = (pair[0], pair[1]);
            if load.op != UopOp::LoadGlobal
                || access.op != UopOp::Step
                || !matches!(
                    access.opcode,
                    Opcode::LoadAttrModule | Opcode::LoadMethodModule
                )
            {
                continue;
            }
            let Some(&name) = names.get(load.arg as usize) else {
                continue;
            };
            let Some(module) = self
                .load_global(globals, name)
                .ok()
                .and_then(|v| v.as_object())
            else {
                continue;
            };
            let ObjectData::Module(m) = &module.data else {
                continue;
            };
            if found.iter().any(|(f, _)| *f == module) {
                continue;
            }
            if let Some(w) = watcher_of(m.dict()) {
                found.push((module, w));
            }
        }
    }

    /// The functions the micro-ops `uops` (of code with `names` whose
    /// instructions and tier-1 caches `site` reads, running in `globals`) may call through a
    /// constant — a global, a method of a guarded class, one of the
    /// methods of a polymorphic method load ([`Interp::polymorphic_methods`]),
    /// or the `__init__` of a global class — and, to the
    /// inlining depth, the functions those call, each with its current
    /// code, added to `found.callees`; with the classes and modules all
    /// their bodies name (`constant_classes`, `constant_modules`). Read
    /// without dependencies: the planner takes them before it relies on
    /// anything, and checks the code is still the same.
    fn inline_candidates(
        &mut self,
        uops: &[Uop],
        site: &dyn Fn(usize) -> (Instr, [u64; 8]),
        globals: Gc<PyObject>,
        names: &[Value],
        depth: u32,
        found: &mut Candidates,
    ) {
        self.constant_modules(uops, globals, names, &mut found.modules);
        self.constant_classes(uops, globals, names, &mut found.classes);
        if depth >= MAX_INLINE_DEPTH {
            return;
        }
        let mut called = Vec::new();
        for u in uops {
            called.push(match u.op {
                UopOp::LoadGlobal => match names.get(u.arg as usize) {
                    Some(&name) => {
                        let v = self.load_global(globals, name).unwrap_or(Value::NONE);
                        match v.as_object() {
                            Some(class) if matches!(class.data, ObjectData::Class(_)) => self
                                .lookup_value(class, self.rt.hook_names.init)
                                .unwrap_or(Value::NONE),
                            _ => v,
                        }
                    }
                    None => continue,
                },
                UopOp::LoadMethodConst | UopOp::CallOperatorConst => Value::from_bits(u.operand),
                UopOp::LoadMethodCached if u.opcode == Opcode::LoadMethodInstance => {
                    let Some(&name) = names.get(u.arg as usize) else {
                        continue;
                    };
                    let methods = self.polymorphic_methods(&site(u.at as usize).1, name, globals);
                    called.extend(methods.into_iter().map(|(_, f)| f));
                    continue;
                }
                _ => continue,
            });
        }
        for v in called {
            let (Some(func), Some(ObjectData::Function(f))) = (v.as_object(), v.data()) else {
                continue;
            };
            let code_obj = f.code();
            if f.globals != globals || found.callees.iter().any(|(g, _)| *g == func) {
                continue;
            }
            found.callees.push((func, code_obj));
            let ObjectData::Code(code) = &code_obj.data else {
                continue;
            };
            let tc = self.thread_code(code);
            if let Ok(t) = project_function(
                |pc| tc.instr(pc),
                |pc| tc.cache(pc).get().words,
                |i| code.constants[i as usize],
                code.instructions.len() as u32,
                MAX_INLINE_INSTRUCTIONS,
            ) {
                let site = |pc: usize| (tc.instr(pc), tc.cache(pc).get().words);
                self.inline_candidates(&t.uops, &site, globals, &code.names, depth + 1, found);
            }
        }
    }

    /// The methods a polymorphic `LoadMethodInstance` site (its cache
    /// `words`, its `name`) found for classes that are globals of
    /// `globals` (each with the version the site cached): looked up again
    /// in a class that still has that version (so the cache entry holds,
    /// and the method is alive), never read from the cache itself, whose
    /// entries may be stale.
    fn polymorphic_methods(
        &mut self,
        words: &[u64; 8],
        name: Value,
        globals: Gc<PyObject>,
    ) -> Vec<(u32, Value)> {
        let ObjectData::Dict(d) = &globals.data else {
            return Vec::new();
        };
        let classes: Vec<Gc<PyObject>> = d
            .lock()
            .items()
            .filter_map(|(_, v)| v.as_object())
            .filter(|o| matches!(o.data, ObjectData::Class(_)))
            .collect();
        let mut found = Vec::new();
        for entry in words.chunks_exact(2) {
            let version = match u32::try_from(entry[0]) {
                Ok(v) if v != 0 => v,
                _ => continue,
            };
            let class = classes
                .iter()
                .find(|c| c.as_class().is_some_and(|k| k.version.peek() == version));
            let Some(&class) = class else {
                continue;
            };
            match self.lookup_value(class, name) {
                Some(f)
                    if f.to_bits() == entry[1]
                        && matches!(f.data(), Some(ObjectData::Function(_))) =>
                {
                    found.push((version, f))
                }
                _ => {}
            }
        }
        found
    }

    /// Pushes the frame of the constant call `u` (a `CallPyConst`,
    /// `CallInitConst` or `CallOperatorConst`, or the `PushFrame` of one)
    /// as tier 1's form of its instruction would: true when the frame is
    /// pushed, false when the call is already done and its result pushed.
    /// `callee` is the function's, when the executor read it already.
    fn push_constant_call(&mut self, u: &Uop, callee: Option<&Callee>) -> PyResult<bool> {
        let func = Value::from_bits(u.operand);
        match u.opcode {
            Opcode::CallClassInit => self.push_constant_init(func, u.arg as usize),
            Opcode::BinaryOpInstance => self.push_operator_call(func, BinaryOp::from_arg(u.arg)),
            op => {
                let method = op == Opcode::CallMethodPy;
                self.push_constant_function(func, callee, u.arg as usize, method)
            }
        }
    }

    /// `iter(range(start, stop))`, with no range object (`RangeIter`).
    #[inline(never)]
    fn range_iterator(&self, start: i64, stop: i64) -> Value {
        let range = crate::object::Range::Small {
            start,
            stop,
            step: 1,
        };
        self.new_iterator(range.iterator(false))
    }

    /// Tier 2's statistics hook.
    fn t2_stats(&mut self) -> Option<&mut Tier2Stats> {
        self.t2_stats.as_deref_mut()
    }

    /// A hot back-edge at `back_edge` (jumping to `head`) in `tc`: makes
    /// sure its loop has an executor, projecting and installing one if
    /// needed. True when the thread should rewrite the back-edge to enter
    /// it.
    pub(crate) fn tier2_hot_loop(
        &mut self,
        code: &CodeObject,
        tc: &ThreadCode,
        globals: Gc<PyObject>,
        base: usize,
        back_edge: usize,
        head: usize,
    ) -> bool {
        let Some(lp) = code.loops.at(back_edge) else {
            return false;
        };
        // The loop's last back-edge: the region runs to it from whichever
        // back-edge is hot.
        let last = code
            .loops
            .iter()
            .map(|l| l.back_edge)
            .filter(|&b| b as usize >= back_edge && tc.instr(b as usize).arg as usize == head)
            .max()
            .unwrap_or(back_edge as u32);
        let project = |tc: &ThreadCode| {
            project(
                |pc| tc.instr(pc),
                |pc| tc.cache(pc).get().words,
                |i| code.constants[i as usize],
                head as u32,
                last,
            )
        };
        self.tier2_build(code, tc, globals, base, lp, head, project)
    }

    /// A function is hot at its entry (`lp`, its code's
    /// [`crate::tier2::Loops::entry`]): projects, optimizes and installs
    /// an executor for its body, unless one is installed already. True
    /// when one is.
    pub(crate) fn tier2_hot_entry(
        &mut self,
        code: &CodeObject,
        tc: &ThreadCode,
        globals: Gc<PyObject>,
        base: usize,
    ) -> bool {
        let project = |tc: &ThreadCode| {
            project_entry(
                |pc| tc.instr(pc),
                |pc| tc.cache(pc).get().words,
                |i| code.constants[i as usize],
                code.instructions.len() as u32,
            )
        };
        self.tier2_build(code, tc, globals, base, code.loops.entry(), 0, project)
    }

    /// Builds and installs the executor of `lp` (a loop, or a function's
    /// entry), whose micro-ops `project` lays out from instruction `head`
    /// of the thread's copy `tc`. True when one is installed.
    #[allow(clippy::too_many_arguments)]
    fn tier2_build(
        &mut self,
        code: &CodeObject,
        tc: &ThreadCode,
        globals: Gc<PyObject>,
        base: usize,
        lp: &Loop,
        head: usize,
        project: impl Fn(&ThreadCode) -> Result<Trace, &'static str>,
    ) -> bool {
        if lp.slot.is_linked() {
            return true;
        }
        let world = self.rt.world().clone();
        // Dependencies come before what they cover is read: the code's own
        // watch (a debugger writing a local of one of its frames) and all
        // instrumentation.
        let Some(code_dep) = world.assume_object(&code.watch) else {
            return false;
        };
        let Some(instr_dep) = world.assume_object(self.rt.instrumentation()) else {
            return false;
        };
        let mut trace = match project(tc) {
            Ok(t) => t,
            Err(why) => {
                if dump_executors() {
                    eprintln!(
                        "tier 2: {} line {}: not projected: {why}",
                        code.qualname,
                        code.locations.get(head).map_or(0, |l| l.line),
                    );
                }
                if let Some(s) = self.t2_stats() {
                    s.projection_failed += 1;
                }
                return false;
            }
        };
        let classes = self.receiver_classes(&trace.uops, base, globals, &code.names);
        let mut candidates = Candidates::default();
        let site = |pc: usize| (tc.instr(pc), tc.cache(pc).get().words);
        self.inline_candidates(&trace.uops, &site, globals, &code.names, 0, &mut candidates);
        let Candidates {
            callees,
            modules,
            classes: constant_classes,
        } = candidates;
        let gw = watcher_of(globals);
        let bw = self.rt.builtins_dict().and_then(watcher_of);
        let (report, deps) = {
            let mut planner = Planner {
                interp: self,
                names: &code.names,
                globals: gw.as_deref().map(|w| (globals, w)),
                builtins: None,
                deps: vec![code_dep, instr_dep],
                classes: &constant_classes,
                callees: &callees,
                inlined: optimize::Report::default(),
                calls_inlined: 0,
                inline_budget: MAX_INLINED_INSTRUCTIONS,
                receivers: &classes,
                modules: &modules,
                modules_assumed: vec![false; modules.len()],
                module_dicts_assumed: false,
                calls_assumed: false,
                descriptors_assumed: false,
                module_assumed: false,
                builtins_assumed: false,
            };
            if let (Some(b), Some(w)) = (planner.interp.rt.builtins_dict(), bw.as_deref()) {
                planner.builtins = Some((b, w));
            }
            let stable = planner.assume_classes(&classes);
            let mut report = optimize::optimize(&mut trace.uops, &mut planner, &stable);
            if !optimize::place_fused_operands(&mut trace.uops, code) {
                return false;
            }
            let loop_uops = std::mem::take(&mut trace.uops);
            let mut segments = 0;
            trace.uops = planner.inline_calls(loop_uops, &site, &stable, 0, &mut segments);
            link_inlined_returns(&mut trace.uops);
            optimize::mark_unshared_stores(&mut trace.uops);
            report.guards_removed += planner.inlined.guards_removed;
            report.globals_constant += planner.inlined.globals_constant;
            report.calls_inlined = planner.calls_inlined;
            (report, planner.deps)
        };
        if dump_executors() {
            eprintln!(
                "tier 2: {} line {}: {} dependencies\n{:?}",
                code.qualname,
                code.locations.get(head).map_or(0, |l| l.line),
                deps.len(),
                Executor::new(trace.uops.clone(), head as u32, trace.instructions)
            );
        }
        let n_uops = trace.uops.len() as u64;
        let executor = Arc::new(Executor::new(trace.uops, head as u32, trace.instructions));
        let installed = world.install(&lp.slot, executor, &deps).is_ok();
        drop(deps);
        if let Some(s) = self.t2_stats() {
            s.projected += 1;
            if installed {
                s.trace_uops += n_uops;
                s.trace_instructions += trace.instructions as u64;
                s.guards_removed += report.guards_removed;
                s.globals_constant += report.globals_constant;
                s.calls_inlined += report.calls_inlined;
            } else {
                s.install_failed += 1;
            }
        }
        // Another thread may have installed one meanwhile.
        installed || lp.slot.is_linked()
    }

    /// A guard of `lp`'s executor failed often: the values moved on, and so
    /// did this thread's tier-1 forms. Throw the executor away to rebuild
    /// it from them, a bounded number of times.
    #[cold]
    fn hot_exit(&mut self, lp: &Loop) {
        if lp
            .rebuilds
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            >= MAX_REBUILDS
        {
            return;
        }
        lp.slot.invalidate(self.rt.world());
        if let Some(s) = self.t2_stats() {
            s.rebuilt += 1;
        }
    }

    /// The value stack as `run_uops` uses it: without a capacity check on
    /// a push or a bounds check on a read (`stack`'s module docs).
    #[inline(always)]
    fn uop_stack(&mut self) -> &mut ReservedStack {
        // SAFETY: only `run_uops` calls this (and `attribute_of_local`, for
        // it), after reserving its segment's room: its pushes stay within
        // the capacity and its reads below the length (`stack`).
        unsafe { ReservedStack::new(self.st_values()) }
    }

    /// Runs the executor of loop `lp` on the current frame from its first
    /// micro-op until it leaves (in that frame, or in the frame of a call
    /// it inlined). Inlined into its two callers: called, it read its
    /// stack-passed arguments and `run_uops`' result back 16 bytes at a
    /// time from 8-byte stores (store-forwarding stalls at every entry).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn run_executor(
        &mut self,
        lp: &Loop,
        entered: &Entered,
        code: &CodeObject,
        tc: &ThreadCode,
        base: usize,
        stack_base: usize,
        frame: &crate::interp::Frame,
    ) -> Leave {
        let mut executed = 0u64;
        let run = Run {
            lp,
            exec: &entered.exec,
            validity: &entered.validity,
        };
        // Counting costs the loop a register: only with statistics on.
        let run_uops = if self.t2_stats.is_some() {
            Self::run_uops::<true>
        } else {
            Self::run_uops::<false>
        };
        let flow = run_uops(
            self,
            &run,
            0,
            code,
            tc,
            base,
            stack_base,
            frame,
            &mut executed,
            None,
        );
        let Flow::Left(why, leave) = flow else {
            unreachable!("only an inlined call's micro-ops return")
        };
        if let Some(s) = self.t2_stats() {
            s.entries += 1;
            s.uops += executed;
            match why {
                Why::Guard => s.exits_guard += 1,
                Why::Branch => s.exits_branch += 1,
                Why::Jump => s.exits_jump += 1,
                Why::Invalidated => s.exits_invalidated += 1,
                Why::Error => s.exits_error += 1,
                Why::End => s.exits_end += 1,
            }
        }
        leave
    }

    /// Runs the micro-ops from `start` on one frame (the loop's, or an
    /// inlined call's) until they leave, or return from the inlined call.
    #[allow(clippy::too_many_arguments)]
    fn run_uops<const COUNT: bool>(
        &mut self,
        run: &Run<'_>,
        start: usize,
        code: &CodeObject,
        tc: &ThreadCode,
        base: usize,
        stack_base: usize,
        frame: &crate::interp::Frame,
        executed_total: &mut u64,
        virtual_ret: Option<usize>,
    ) -> Flow {
        let Run { lp, exec, validity } = *run;
        // SAFETY: `start` is 0 or follows a `PushFrame` or
        // `PushVirtualFrame`, whose inlined body goes on at `start`
        // (`Executor::uop`'s contract, as for every `go_to!` below).
        let first = unsafe { exec.uop(start) };
        // The room this frame's micro-ops push into (`stack`); a virtual
        // frame's is its caller's.
        if virtual_ret.is_none() {
            let room = exec.room(first.segment);
            let values = self.st_values();
            if values.capacity() - values.len() < room {
                values.reserve(room);
            }
        }
        // The micro-op to run, stepped as a pointer rather than an index:
        // the dispatch then reads its op without first loading the
        // micro-ops' address and scaling an index (4 instructions of every
        // micro-op). `i!()` is its index, for the side tables.
        let mut cursor: *const Uop = first;
        macro_rules! i {
            () => {
                // SAFETY: `cursor` points into `exec`'s micro-ops (`go_to!`).
                unsafe { cursor.offset_from(exec.uop(0)) as usize }
            };
        }
        macro_rules! go_to {
            ($l:expr) => {{
                let l: usize = $l;
                // SAFETY: `l` is a label or jump target of `exec`, or
                // follows a micro-op that goes on (`Executor::uop`).
                cursor = unsafe { exec.uop(l) };
            }};
        }
        let mut executed = 0u64;
        macro_rules! leave {
            ($why:expr, $to:expr) => {{
                let to = $to;
                break Flow::Left($why, Leave::At(to as usize));
            }};
        }
        // A guard failed: counted (a hot one rebuilds the executor), then
        // tier 1 runs the instruction (micro-op `u`'s, or the one at `at`).
        macro_rules! guard_failed {
            ($u:expr) => {
                guard_failed!(at $u.at)
            };
            (at $at:expr) => {{
                if exec.count_exit(i!()) {
                    self.hot_exit(lp);
                }
                leave!(Why::Guard, $at);
            }};
        }
        macro_rules! raise {
            ($u:expr, $e:expr) => {
                break Flow::Left(Why::Error, Leave::Raised($u.at as usize, $e))
            };
        }
        // The jump of micro-op `i` to instruction `pc`, resolved when the
        // executor was built (leaving if the executor does not cover it).
        macro_rules! take {
            ($pc:expr) => {{
                match exec.jump(i!()) {
                    Some(l) => {
                        go_to!(l);
                        continue;
                    }
                    None => leave!(Why::Jump, $pc),
                }
            }};
        }
        // A jump inside the executor to instruction `pc` of the running
        // code, known only now (leaving if the executor does not cover it).
        macro_rules! jump {
            ($u:expr, $pc:expr) => {{
                let pc = $pc as usize;
                match exec.label($u.segment, pc) {
                    Some(l) => {
                        go_to!(l);
                        continue;
                    }
                    None => leave!(Why::Jump, pc),
                }
            }};
        }
        // The two operands of fused micro-op `$u`, as `(access, a, b)`,
        // each from its slot (`Access`): one load, and the constant
        // selected over what it read, without a branch.
        macro_rules! fused_operands {
            ($u:ident) => {{
                let access = $u.access();
                let values = self.uop_stack();
                debug_assert_eq!(values.len(), base + height_before($u), "{}", $u);
                let read = |k: usize| {
                    let v = values[base + access.slot(k)];
                    if access.constant(k) {
                        Value::from_bits($u.operand)
                    } else {
                        v
                    }
                };
                (access, read(0), read(1))
            }};
        }
        // A fused operation (`IntOp3`...): `$compute` of the operator and
        // the two operands, or `None` to leave. One arm per micro-op, so
        // that no branch inside chooses the operation.
        macro_rules! fused {
            ($u:ident, |$op:ident, $a:ident, $b:ident| $compute:expr) => {{
                let (access, $a, $b) = fused_operands!($u);
                let $op = $u.arg & 0xFF;
                let Some(v) = $compute else {
                    guard_failed!($u);
                };
                let values = self.uop_stack();
                let height = base + access.height_after();
                match access.result() {
                    Placed::Slot(k) => values.put(base + k, v, height),
                    Placed::Branch { exit, when } => {
                        values.truncate(height);
                        if v == Value::bool(when) {
                            if exit {
                                leave!(Why::Branch, $u.target);
                            }
                            take!($u.target);
                        }
                    }
                }
            }};
        }
        // An inlined function returns `$v`: its frame (virtual or real)
        // goes, and `$v` (or the instance) takes the callable's place.
        macro_rules! pop_frame {
            ($u:expr, $v:expr) => {{
                let mut v = $v;
                if let Some(ret_to) = virtual_ret {
                    match $u.arg {
                        RETURNS_INSTANCE => {
                            if !v.is_none() {
                                // Tier 1's return raises the TypeError.
                                leave!(Why::End, $u.at);
                            }
                            // In the callable's slot (`lay_out_init_call`).
                            v = self.uop_stack()[ret_to];
                        }
                        // Tier 1's return raises the TypeError (the
                        // operand guard left no reflected method).
                        RETURNS_OPERATOR_RESULT if self.is_not_implemented(v) => {
                            leave!(Why::End, $u.at)
                        }
                        _ => {}
                    }
                    let values = self.uop_stack();
                    values.truncate(ret_to);
                    values.push(v);
                    break Flow::Returned;
                }
                if !self.pop_inlined_frame(v) {
                    // Tier 1's return raises what the call must.
                    leave!(Why::End, $u.at);
                }
                break Flow::Returned;
            }};
        }
        let flow = loop {
            // SAFETY: `cursor` points to a micro-op of `exec` (`go_to!`),
            // which outlives the loop.
            let u = unsafe { &*cursor };
            if COUNT {
                executed += 1;
                if let Some(s) = self.t2_stats() {
                    s.uops_by_op[u.op as usize] += 1;
                }
            }
            match u.op {
                UopOp::LoadFast => {
                    let v = self.uop_stack()[base + u.arg as usize];
                    if v == Value::UNBOUND {
                        let e = self.unbound_local(code, u.arg as usize);
                        raise!(u, e);
                    }
                    self.uop_stack().push(v);
                }
                UopOp::LoadFastBound => {
                    let values = self.uop_stack();
                    let v = values[base + u.arg as usize];
                    values.push(v);
                }
                UopOp::StoreFast => {
                    let values = self.uop_stack();
                    let v = values.pop().expect("the loop balances the stack");
                    values[base + u.arg as usize] = v;
                }
                UopOp::LoadConst => self.uop_stack().push(Value::from_bits(u.operand)),
                UopOp::LoadDeref => match self.load_deref(code, base, u.arg as usize) {
                    Ok(v) => self.uop_stack().push(v),
                    Err(e) => raise!(u, e),
                },
                UopOp::UnaryOp => {
                    let a = *self.uop_stack().last().expect("an operand");
                    let op = crate::bytecode::UnaryOp::from_arg(u.arg);
                    match unary_native(op, a) {
                        Some(v) => *self.uop_stack().last_mut().expect("an operand") = v,
                        // Python code must not run on a virtual frame.
                        None if virtual_ret.is_some() => leave!(Why::Guard, u.at),
                        None => {
                            match self.unary_op(a, op) {
                                Ok(v) => *self.uop_stack().last_mut().expect("an operand") = v,
                                Err(e) => raise!(u, e),
                            }
                            // `__neg__` or `__bool__` ran.
                            if !validity.is_valid() {
                                leave!(Why::Invalidated, u.at + 1);
                            }
                        }
                    }
                }
                UopOp::PopTop => {
                    self.uop_stack().pop();
                }
                UopOp::SliceSequence => {
                    let values = self.uop_stack();
                    let n = values.len();
                    let (seq, start, stop) = (values[n - 3], values[n - 2], values[n - 1]);
                    let Some(v) = self.slice_sequence(seq, [start, stop, Value::NONE]) else {
                        guard_failed!(u);
                    };
                    let values = self.uop_stack();
                    values.truncate(n - 3);
                    values.push(v);
                }
                UopOp::Isinstance => {
                    let values = self.uop_stack();
                    let n = values.len();
                    let (callable, x, classinfo) = (values[n - 3], values[n - 2], values[n - 1]);
                    let class = classinfo.as_object().filter(|c| c.as_class().is_some());
                    let Some(class) = class else {
                        guard_failed!(u);
                    };
                    if !crate::builtins::is_isinstance_builtin(callable) {
                        guard_failed!(u);
                    }
                    let is = Value::bool(self.isinstance(x, class));
                    let values = self.uop_stack();
                    values.truncate(n - 3);
                    values.push(is);
                }
                UopOp::CallFloatFunction => {
                    let values = self.uop_stack();
                    let n = values.len();
                    let x = values[n - 1];
                    let Some(x) = x.as_float().or_else(|| x.as_inline_int().map(|i| i as f64))
                    else {
                        guard_failed!(u);
                    };
                    let Some(r) = crate::modules::math::apply_float_function(u.extra, x) else {
                        guard_failed!(u);
                    };
                    let method = u.opcode == Opcode::CallMethodBuiltin;
                    let (callable_pos, _, _) = self.call_positions(method, 1);
                    let values = self.uop_stack();
                    values.truncate(callable_pos);
                    values.push(Value::float(r));
                }
                UopOp::CallNativeMethod => {
                    let values = self.uop_stack();
                    let n = values.len();
                    let (method, receiver, arg) = (values[n - 3], values[n - 2], values[n - 1]);
                    if method.to_bits() != u.operand {
                        guard_failed!(u);
                    }
                    let Some(r) = crate::builtins::apply_native_method(u.extra, receiver, arg)
                    else {
                        guard_failed!(u);
                    };
                    values.truncate(n - 3);
                    values.push(r);
                }
                UopOp::RangeIter => {
                    let values = self.uop_stack();
                    let end = values.len();
                    let bounds = match values[end - u.arg as usize..] {
                        [stop] => stop.as_inline_int().map(|stop| (0, stop)),
                        [start, stop] => start.as_inline_int().zip(stop.as_inline_int()),
                        _ => None,
                    };
                    let Some((start, stop)) = bounds else {
                        guard_failed!(u);
                    };
                    let it = self.range_iterator(start, stop);
                    let values = self.uop_stack();
                    values.truncate(end - u.arg as usize - 1);
                    values.push(it);
                }
                UopOp::GetIter => {
                    let v = *self.uop_stack().last().expect("an iterable");
                    let native = v.data().and_then(|d| IteratorData::of_sequence(v, d));
                    let escaped = native.is_none();
                    let it = match native {
                        Some(state) => self.new_iterator(state),
                        // Python code must not run on a virtual frame.
                        None if virtual_ret.is_some() => leave!(Why::Guard, u.at),
                        None => match self.get_iter(v) {
                            Ok(it) => it,
                            Err(e) => raise!(u, e),
                        },
                    };
                    *self.uop_stack().last_mut().expect("an iterable") = it;
                    // An `__iter__` may have run.
                    if escaped && !validity.is_valid() {
                        leave!(Why::Invalidated, u.at + 1);
                    }
                }
                UopOp::Copy => {
                    let values = self.uop_stack();
                    let v = values[values.len() - u.arg as usize];
                    values.push(v);
                }
                UopOp::Swap => {
                    let values = self.uop_stack();
                    let n = values.len();
                    values.swap(n - 1, n - u.arg as usize);
                }
                UopOp::LoadGlobal => {
                    let name = code.names[u.arg as usize];
                    // Where the build found the name first, without the
                    // lock (its value is no constant: the module changes).
                    let found = match &frame.globals.data {
                        ObjectData::Dict(d) => Dict::find_unlocked(d, u.operand as usize, name),
                        _ => None,
                    };
                    let v = match found {
                        Some((v, _)) => v,
                        None => match self.load_global(frame.globals, name) {
                            Ok(v) => v,
                            Err(e) => raise!(u, e),
                        },
                    };
                    self.uop_stack().push(v);
                }
                UopOp::GuardBothInt | UopOp::GuardFloatMix => {
                    let values = self.uop_stack();
                    let n = values.len();
                    let (a, b) = (values[n - 2], values[n - 1]);
                    let holds = if u.op == UopOp::GuardBothInt {
                        a.as_inline_int().is_some() && b.as_inline_int().is_some()
                    } else {
                        as_f64(a).is_some() && as_f64(b).is_some() && (a.is_float() || b.is_float())
                    };
                    if !holds {
                        guard_failed!(u);
                    }
                }
                UopOp::BinaryOpInt
                | UopOp::BinaryOpFloat
                | UopOp::CompareInt
                | UopOp::CompareFloat => {
                    let values = self.uop_stack();
                    let n = values.len();
                    let (a, b) = (values[n - 2], values[n - 1]);
                    let result = match u.op {
                        UopOp::BinaryOpInt => binary_int(u.arg, a, b),
                        UopOp::BinaryOpFloat => binary_float(u.arg, a, b),
                        UopOp::CompareInt => compare(u.arg, a.as_inline_int(), b.as_inline_int()),
                        _ => compare(u.arg, as_f64(a), as_f64(b)),
                    };
                    // Overflow or a zero divisor: tier 1's generic path.
                    let Some(v) = result else {
                        leave!(Why::Guard, u.at);
                    };
                    values.truncate(n - 2);
                    values.push(v);
                }
                UopOp::IntOp3 => fused!(u, |op, a, b| binary_int(op, a, b)),
                UopOp::IntAdd3 => fused!(u, |_op, a, b| a.inline_int_add(b)),
                UopOp::IntSub3 => fused!(u, |_op, a, b| a.inline_int_sub(b)),
                UopOp::IntMul3 => fused!(u, |_op, a, b| a.inline_int_mul(b)),
                UopOp::FloatOp3 => fused!(u, |op, a, b| binary_float(op, a, b)),
                UopOp::FloatAdd3 => fused!(u, |_op, a, b| float_operands(a, b)
                    .map(|(x, y)| Value::float(x + y))),
                UopOp::FloatSub3 => fused!(u, |_op, a, b| float_operands(a, b)
                    .map(|(x, y)| Value::float(x - y))),
                UopOp::FloatMul3 => fused!(u, |_op, a, b| float_operands(a, b)
                    .map(|(x, y)| Value::float(x * y))),
                // A zero divisor leaves: tier 1 raises ZeroDivisionError.
                UopOp::FloatDiv3 => fused!(u, |_op, a, b| float_operands(a, b)
                    .and_then(|(x, y)| (y != 0.0).then(|| Value::float(x / y)))),
                UopOp::CompareInt3 => {
                    fused!(u, |op, a, b| Value::scaled_int_pair(a, b)
                        .and_then(|(x, y)| compare(op, Some(x), Some(y))))
                }
                UopOp::CompareFloat3 => fused!(u, |op, a, b| compare(op, as_f64(a), as_f64(b))
                    .filter(|_| a.is_float() || b.is_float())),
                UopOp::Subscr3 => fused!(u, |_op, a, b| crate::object::native::sequence_item(a, b)),
                UopOp::SubscrLocalConst => {
                    let access = u.access();
                    let values = self.uop_stack();
                    debug_assert_eq!(values.len(), base + height_before(u), "{u}");
                    let container = values[base + access.slot(0)];
                    let index = Value::from_bits(u.operand);
                    let Some(v) = crate::object::native::sequence_item(container, index) else {
                        guard_failed!(u);
                    };
                    let height = base + access.height_after();
                    match access.result() {
                        Placed::Slot(k) => values.put(base + k, v, height),
                        Placed::Branch { .. } => unreachable!("a subscript has no branch"),
                    }
                }
                UopOp::CompareIs3 => fused!(u, |op, a, b| Some(Value::bool(
                    (a == b) == (CompareOp::from_arg(op) == CompareOp::Is)
                ))),
                UopOp::CompareIs => {
                    let values = self.uop_stack();
                    let n = values.len();
                    let same = values[n - 2] == values[n - 1];
                    values.truncate(n - 2);
                    values.push(Value::bool(
                        same == (CompareOp::from_arg(u.arg) == CompareOp::Is),
                    ));
                }
                UopOp::ExitIf | UopOp::ExitIfBool | UopOp::JumpIf | UopOp::JumpIfBool => {
                    let v = *self.uop_stack().last().expect("a value to test");
                    let (truth, escaped) = match crate::object::native::truth(v) {
                        Some(t) => (t, false),
                        // Python code must not run on a virtual frame.
                        None if virtual_ret.is_some() => leave!(Why::Guard, u.at),
                        None => match self.is_true(v) {
                            Ok(t) => (t, true),
                            Err(e) => raise!(u, e),
                        },
                    };
                    self.uop_stack().pop();
                    let taken = truth == (u.arg == 1);
                    // `__bool__` ran: leave here if that invalidated us.
                    if escaped && !validity.is_valid() {
                        leave!(Why::Invalidated, if taken { u.target } else { u.at + 1 });
                    }
                    if taken {
                        if matches!(u.op, UopOp::ExitIf | UopOp::ExitIfBool) {
                            leave!(Why::Branch, u.target);
                        }
                        take!(u.target);
                    }
                }
                UopOp::BinaryOpIntAny => {
                    let values = self.uop_stack();
                    let n = values.len();
                    let (a, b) = (values[n - 2], values[n - 1]);
                    let v = match binary_int(u.arg, a, b) {
                        Some(v) => v,
                        None => match self.binary_op(a, b, BinaryOp::from_arg(u.arg)) {
                            Ok(v) => v,
                            Err(e) => raise!(u, e),
                        },
                    };
                    let values = self.uop_stack();
                    values.truncate(n - 2);
                    values.push(v);
                }
                UopOp::UnpackTwo => {
                    let seq = *self.uop_stack().last().expect("a sequence");
                    if let Some([first, second]) = crate::object::native::two_tuple(seq) {
                        let values = self.uop_stack();
                        values.pop();
                        values.push(second);
                        values.push(first);
                    } else {
                        let items = match self.unpack(seq, 2) {
                            Ok(items) => items,
                            Err(e) => raise!(u, e),
                        };
                        let values = self.uop_stack();
                        values.pop();
                        values.extend(items.into_iter().rev());
                        if !validity.is_valid() {
                            leave!(Why::Invalidated, u.at + 1);
                        }
                    }
                }
                UopOp::ContainsOp => {
                    let values = self.uop_stack();
                    let n = values.len();
                    let (key, container) = (values[n - 2], values[n - 1]);
                    let op = CompareOp::from_arg(u.arg);
                    let (v, escaped) = match crate::object::native::contains(container, key) {
                        Some(found) => (Value::bool(found == (op == CompareOp::In)), false),
                        None => match self.compare(key, container, op) {
                            Ok(v) => (v, true),
                            Err(e) => raise!(u, e),
                        },
                    };
                    let values = self.uop_stack();
                    values.truncate(n - 2);
                    values.push(v);
                    if escaped && !validity.is_valid() {
                        leave!(Why::Invalidated, u.at + 1);
                    }
                }
                UopOp::SetAdd => {
                    let values = self.uop_stack();
                    let item = *values.last().expect("an item");
                    let set = values[values.len() - 1 - u.arg as usize];
                    if let Err(e) = self.set_add(set, item) {
                        raise!(u, e);
                    }
                    self.uop_stack().pop();
                    // `__hash__` or `__eq__` may have run.
                    if !validity.is_valid() {
                        leave!(Why::Invalidated, u.at + 1);
                    }
                }
                UopOp::ListAppend => {
                    let values = self.uop_stack();
                    let item = values.pop().expect("an item");
                    let list = values[values.len() - u.arg as usize];
                    crate::object::native::list_append(list, item);
                }
                UopOp::ForIterRange | UopOp::ForIterSequence => {
                    let it = *self.uop_stack().last().expect("an iterator");
                    let next = if u.op == UopOp::ForIterRange {
                        crate::object::native::range_next(it)
                    } else {
                        crate::object::native::sequence_next(it)
                    };
                    match next {
                        Some(Some(v)) => match u.extra {
                            0 => self.uop_stack().push(v),
                            local => self.uop_stack()[base + local as usize - 1] = v,
                        },
                        Some(None) => {
                            self.uop_stack().pop();
                            take!(u.arg);
                        }
                        None => {
                            guard_failed!(u);
                        }
                    }
                }
                UopOp::SubscrSequenceInt | UopOp::SubscrDict => {
                    let values = self.uop_stack();
                    let n = values.len();
                    let (container, key) = (values[n - 2], values[n - 1]);
                    let item = if u.op == UopOp::SubscrDict {
                        crate::object::native::dict_item(container, key)
                    } else {
                        crate::object::native::sequence_item(container, key)
                    };
                    match item {
                        Some(v) => {
                            values.truncate(n - 2);
                            values.push(v);
                        }
                        None => leave!(Why::Guard, u.at),
                    }
                }
                UopOp::StoreSubscrListInt => {
                    let values = self.uop_stack();
                    let n = values.len();
                    let (list, key, value) = if u.arg == 1 {
                        (values[n - 3], values[n - 2], values[n - 1])
                    } else {
                        (values[n - 2], values[n - 1], values[n - 3])
                    };
                    if !crate::object::native::list_store(list, key, value) {
                        leave!(Why::Guard, u.at);
                    }
                    values.truncate(n - 3);
                }
                UopOp::StoreSubscr3 => {
                    let (access, list, key) = fused_operands!(u);
                    let values = self.uop_stack();
                    // The value lies under the list and index, where the
                    // stack ends once they are stored (`Access::place_store`).
                    let below = base + access.height_after();
                    if !crate::object::native::list_store(list, key, values[below]) {
                        leave!(Why::Guard, u.at);
                    }
                    values.truncate(below);
                }
                UopOp::JumpIfOrPop => {
                    let v = *self.uop_stack().last().expect("a value to test");
                    let (truth, escaped) = match crate::object::native::truth(v) {
                        Some(t) => (t, false),
                        None if virtual_ret.is_some() => leave!(Why::Guard, u.at),
                        None => match self.is_true(v) {
                            Ok(t) => (t, true),
                            Err(e) => raise!(u, e),
                        },
                    };
                    let taken = truth == (u.opcode == Opcode::JumpIfTrueOrPop);
                    if !taken {
                        self.uop_stack().pop();
                    }
                    if escaped && !validity.is_valid() {
                        leave!(Why::Invalidated, if taken { u.arg } else { u.at + 1 });
                    }
                    if taken {
                        take!(u.arg);
                    }
                }
                UopOp::GuardClassVersion => {
                    let values = self.uop_stack();
                    let v = values[values.len() - u.arg as usize];
                    if instance_class_version(v) != u.operand {
                        guard_failed!(u);
                    }
                }
                UopOp::GuardClassVersions => {
                    let values = self.uop_stack();
                    let v = instance_class_version(values[values.len() - u.arg as usize]);
                    let holds = has_version(v, u);
                    if !holds {
                        guard_failed!(u);
                    }
                }
                UopOp::LoadAttrInstanceDict => {
                    let obj = *self.uop_stack().last().expect("a receiver");
                    let holds = |v| v == u64::from(u.extra);
                    let (name, hint) = (code.names[u.arg as usize], u.operand as usize);
                    match guarded_instance_attribute(obj, u.extra != 0, holds, name, hint) {
                        Ok(v) => *self.uop_stack().last_mut().expect("a receiver") = v,
                        Err(AttributeMiss::Guard) => guard_failed!(u),
                        Err(AttributeMiss::Absent) => leave!(Why::Guard, u.at),
                    }
                }
                UopOp::LoadAttrLocal2 => {
                    let first = attribute_of_local(code, base, u.arg, u.operand as u32, self);
                    let Some(first) = first else {
                        guard_failed!(u);
                    };
                    self.uop_stack().push(first);
                    let version = (u.operand >> 32) as u32;
                    match attribute_of_local(code, base, u.extra, version, self) {
                        Some(v) => self.uop_stack().push(v),
                        // The first load is done: tier 1 runs the second.
                        None => guard_failed!(at u.target),
                    }
                }
                UopOp::LoadAttrLocal => {
                    let (name, local, hint) = local_attribute_parts(u.arg);
                    let obj = self.uop_stack()[base + local];
                    let holds = |v| has_version(v, u);
                    let name = code.names[name];
                    match guarded_instance_attribute(obj, u.operand != 0, holds, name, hint) {
                        Ok(v) => self.uop_stack().push(v),
                        Err(AttributeMiss::Guard) => guard_failed!(u),
                        Err(AttributeMiss::Absent) => leave!(Why::Guard, u.at),
                    }
                }
                UopOp::LoadAttrConst => {
                    *self.uop_stack().last_mut().expect("a receiver") = Value::from_bits(u.operand)
                }
                UopOp::LoadMethodConst => {
                    let values = self.uop_stack();
                    let top = values.last_mut().expect("a receiver");
                    let obj = *top;
                    if !receiver_holds(obj, u) {
                        guard_failed!(u);
                    }
                    *top = Value::from_bits(u.operand);
                    values.push(obj);
                }
                UopOp::LoadMethodLocal => {
                    let values = self.uop_stack();
                    let obj = values[base + u.arg as usize];
                    // Unbound, or another class: tier 1 runs the load.
                    if obj == Value::UNBOUND || !receiver_holds(obj, u) {
                        guard_failed!(u);
                    }
                    values.push(Value::from_bits(u.operand));
                    values.push(obj);
                }
                UopOp::LoadMethodCached => {
                    // The cache is this thread's, whose form of the
                    // instruction may differ from the projecting thread's
                    // (and lay its words out differently).
                    if tc.instr(u.at as usize).op != u.opcode {
                        guard_failed!(u);
                    }
                    let obj = *self.uop_stack().last().expect("a receiver");
                    let name = code.names[u.arg as usize];
                    let method = if u.opcode == Opcode::LoadMethodBuiltin {
                        self.load_method_builtin_cached(tc, u.at as usize, obj)
                    } else {
                        self.load_method_cached(tc, u.at as usize, obj, name)
                    };
                    match method {
                        Some(method) => {
                            let values = self.uop_stack();
                            *values.last_mut().expect("a receiver") = method;
                            values.push(obj);
                        }
                        None => guard_failed!(u),
                    }
                }
                UopOp::LoadMethodVersions => {
                    let obj = *self.uop_stack().last().expect("a receiver");
                    let Some(method) = exec.candidate_method(i!(), instance_class_version(obj))
                    else {
                        guard_failed!(u)
                    };
                    let values = self.uop_stack();
                    *values.last_mut().expect("a receiver") = method;
                    values.push(obj);
                }
                UopOp::LoadMethodStatic => {
                    // The guarded class (alive: the receiver's) holds it.
                    let descriptor = Value::from_bits(u.operand);
                    let Some(ObjectData::Descriptor(Descriptor::StaticMethod(f))) =
                        descriptor.data()
                    else {
                        unreachable!("projected from a staticmethod form")
                    };
                    let f = f.load();
                    let values = self.uop_stack();
                    *values.last_mut().expect("a receiver") = f;
                    values.push(Value::NULL);
                }
                UopOp::LoadAttrProperty | UopOp::LoadAttrPropertyConst => {
                    if self.native_stack_half_used() {
                        leave!(Why::End, u.at);
                    }
                    let fget = if u.op == UopOp::LoadAttrPropertyConst {
                        Value::from_bits(u.operand)
                    } else {
                        // The guarded class (alive: the receiver's) holds it.
                        let property = Value::from_bits(u.operand);
                        let Some(ObjectData::Descriptor(Descriptor::Property { fget, .. })) =
                            property.data()
                        else {
                            unreachable!("projected from a property form")
                        };
                        fget.load()
                    };
                    self.set_frame_pc(u.at + 1);
                    // The receiver stays on the stack (rooted) during the
                    // call.
                    let obj = *self.uop_stack().last().expect("a receiver");
                    match self.property_get(fget, obj, code.names[u.arg as usize]) {
                        Ok(v) => *self.uop_stack().last_mut().expect("a receiver") = v,
                        Err(e) => raise!(u, e),
                    }
                }
                UopOp::StoreAttrInstanceDict => {
                    let values = self.uop_stack();
                    let n = values.len();
                    let (value, obj) = (values[n - 2], values[n - 1]);
                    if !receiver_holds(obj, u) {
                        guard_failed!(u);
                    }
                    let name = code.names[u.arg as usize];
                    if !store_instance_attribute(obj, name, u.operand as usize, value) {
                        leave!(Why::Guard, u.at);
                    }
                    self.uop_stack().truncate(n - 2);
                }
                UopOp::StoreAttrLocal | UopOp::StoreAttrLocalUnshared => {
                    let (name, local, hint) = local_attribute_parts(u.arg);
                    let values = self.uop_stack();
                    let (obj, value) = (values[base + local], values[values.len() - 1]);
                    if u.operand != 0 && !has_version(instance_class_version(obj), u) {
                        guard_failed!(u);
                    }
                    let stored = if u.op == UopOp::StoreAttrLocalUnshared {
                        // SAFETY: the optimizer gives this form only to a
                        // store to the instance its inlined `__init__` was
                        // called for, with nothing between the instance's
                        // allocation and this store that reaches a safepoint
                        // or could store it anywhere
                        // (`optimize::mark_unshared_stores`).
                        unsafe {
                            store_unshared_instance_attribute(obj, code.names[name], hint, value)
                        }
                    } else {
                        store_instance_attribute(obj, code.names[name], hint, value)
                    };
                    if !stored {
                        leave!(Why::Guard, u.at);
                    }
                    self.uop_stack().pop();
                }
                UopOp::StoreClassAttr => {
                    let value = *self.uop_stack().last().expect("a value");
                    let class = Value::from_bits(u.operand).as_object().expect("a class");
                    let (name, hint) = class_store_parts(u.arg);
                    let name = code.names[name];
                    if let Err(e) = self.store_class_attr_at(class, name, value, hint) {
                        raise!(u, e);
                    }
                    self.uop_stack().pop();
                }
                UopOp::Jump => take!(u.target),
                UopOp::Step => {
                    if self.native_stack_half_used() {
                        // Calls from here would nest native frames, which
                        // tier 1's frame-pushing calls do not.
                        leave!(Why::End, u.at);
                    }
                    let instr = tc.instr(u.at as usize);
                    if instr.op == Opcode::ForIterGenerator {
                        // It resumes the generator's frame in the running
                        // dispatch loop, which only tier 1 is.
                        leave!(Why::End, u.at);
                    }
                    // The instruction was not specialized yet when the loop
                    // was projected (a rarely taken path), and now is, in a
                    // form with micro-ops: rebuilt, the loop would run them.
                    if instr.op != u.opcode && instr.op.uops().is_some() && exec.count_exit(i!()) {
                        self.hot_exit(lp);
                    }
                    self.set_frame_pc(u.at + 1);
                    if COUNT {
                        if let Some(s) = self.t2_stats() {
                            s.steps[instr.op as usize] += 1;
                        }
                    }
                    let mut next = u.at as usize + 1;
                    if let Err(e) =
                        self.step_out_of_line(instr, code, tc, base, stack_base, frame, &mut next)
                    {
                        raise!(u, e);
                    }
                    if !validity.is_valid() {
                        leave!(Why::Invalidated, next);
                    }
                    if next != u.target as usize {
                        // It jumped (a loop ran out).
                        jump!(u, next);
                    }
                }
                UopOp::CallPyConst | UopOp::CallOperatorConst | UopOp::CallInitConst => {
                    if self.native_stack_half_used() {
                        leave!(Why::End, u.at);
                    }
                    self.set_frame_pc(u.at + 1);
                    // Not inlined: the callee's frame runs to completion in
                    // a nested dispatch loop.
                    let called = self
                        .push_constant_call(u, None)
                        .and_then(|pushed| self.run_pushed(pushed));
                    if let Err(e) = called {
                        raise!(u, e);
                    }
                    if !validity.is_valid() {
                        leave!(Why::Invalidated, u.at + 1);
                    }
                }
                UopOp::GuardOperandPartner => {
                    let values = self.uop_stack();
                    let (a, b) = (values[values.len() - 2], values[values.len() - 1]);
                    let partner = a
                        .as_ref()
                        .is_some_and(|o| Interp::instance_operand_partner(o.class(), b));
                    if !partner {
                        guard_failed!(u);
                    }
                }
                UopOp::CallBuiltin => {
                    if self.native_stack_half_used() {
                        // A builtin calling back into Python nests frames.
                        leave!(Why::End, u.at);
                    }
                    let method = u.opcode == Opcode::CallMethodBuiltin;
                    let (callable_pos, args_start, nargs) =
                        self.call_positions(method, u.arg as usize);
                    let callable = self.uop_stack()[callable_pos];
                    let builtin = match callable.data() {
                        Some(ObjectData::Builtin(b))
                            if !self.tracing && nargs + usize::from(b.bound.is_some()) <= 8 =>
                        {
                            b
                        }
                        _ => guard_failed!(u),
                    };
                    self.set_frame_pc(u.at + 1);
                    match self.call_builtin_positional(builtin, args_start, nargs) {
                        Ok(v) => {
                            let values = self.uop_stack();
                            values.truncate(callable_pos);
                            values.push(v);
                        }
                        Err(e) => raise!(u, e),
                    }
                    if !validity.is_valid() {
                        leave!(Why::Invalidated, u.at + 1);
                    }
                }
                UopOp::CheckValidity => {
                    if !validity.is_valid() {
                        leave!(Why::Invalidated, u.target);
                    }
                }
                UopOp::JumpToTop | UopOp::JumpBack => {
                    self.set_frame_pc(u.target);
                    if let Err(e) = self.safepoint() {
                        // Raised at the back-edge, as tier 1 raises it.
                        raise!(u, e);
                    }
                    if !validity.is_valid() {
                        leave!(Why::Invalidated, u.target);
                    }
                    take!(u.target);
                }
                UopOp::Exit => leave!(Why::End, u.target),
                UopOp::ExitUntaken => guard_failed!(u),
                UopOp::PushFrame | UopOp::PushVirtualFrame => {
                    if u.extra != 0 {
                        // One method of a polymorphic call: the receiver's
                        // class still has the version whose method this
                        // is (so that method is alive), and the callable
                        // is that method.
                        let values = self.uop_stack();
                        let n = values.len() - u.arg as usize;
                        let (method, receiver) = (values[n - 2], values[n - 1]);
                        if instance_class_version(receiver) != u64::from(u.extra)
                            || method.to_bits() != u.operand
                        {
                            go_to!(exec
                                .jump(i!())
                                .expect("a polymorphic call ends in its step"));
                            continue;
                        }
                    }
                    // No native stack check: the executor was entered
                    // below half the budget, and inlining nests at most
                    // `MAX_INLINE_DEPTH` of these (`native_stack_half_used`).
                    let call = match u.opcode {
                        Opcode::CallClassInit => VirtualCall::Init,
                        Opcode::BinaryOpInstance => {
                            VirtualCall::Operator(BinaryOp::from_arg(u.arg))
                        }
                        _ => VirtualCall::Plain,
                    };
                    let virtual_frame = if u.op == UopOp::PushVirtualFrame {
                        // SAFETY: a frame push goes on to its callee's
                        // body (`Executor::uop`), so a micro-op follows.
                        let body = unsafe { &*cursor.add(1) };
                        let callee = exec.callee(body.segment);
                        let laid_out = match call {
                            VirtualCall::Init => self.lay_out_init_call(callee, u.arg as usize),
                            VirtualCall::Operator(_) => {
                                let method = Value::from_bits(u.operand);
                                self.lay_out_operator_call(method, callee)
                            }
                            VirtualCall::Plain => {
                                let method = u.opcode == Opcode::CallMethodPy;
                                self.lay_out_plain_call(callee, u.arg as usize, method)
                            }
                        };
                        laid_out.map(|(ret_to, callee_base)| (ret_to, callee_base, callee.code))
                    } else {
                        None
                    };
                    if let Some((ret_to, callee_base, code_obj)) = virtual_frame {
                        let ObjectData::Code(callee_code) = &code_obj.data else {
                            unreachable!("a function's code is a code object")
                        };
                        // The frames that the callee's own virtual calls
                        // materialize, if it leaves inside them, go above.
                        let depth = self.st_frames_len();
                        // The callee's micro-ops neither escape nor reach a
                        // safepoint (`frameless`): nothing looks for its
                        // frame before it returns, or leaves, which pushes
                        // the frame tier 1 goes on with. Nor do they read
                        // the thread's copy of the code (no `Step`, no
                        // cache): the caller's stands in for the callee's,
                        // which it would cost a lookup to find.
                        let flow = self.run_uops::<COUNT>(
                            run,
                            i!() + 1,
                            callee_code,
                            tc,
                            callee_base,
                            callee_base + callee_code.nlocals(),
                            frame,
                            executed_total,
                            Some(ret_to),
                        );
                        if let Flow::Left(..) = flow {
                            // The callee's frame goes under those: it
                            // resumes where its call that left returns,
                            // or, the top frame, where the executor left
                            // (set by whoever handles the leave).
                            let resume = if self.st_frames_len() > depth {
                                self.virtual_resume
                            } else {
                                0
                            };
                            self.materialize_frame(
                                code_obj,
                                frame.globals,
                                callee_base,
                                ret_to,
                                call,
                                depth,
                                resume,
                            );
                            // This frame resumes after the call: a real one
                            // now, a virtual one once its caller
                            // materializes it.
                            match virtual_ret {
                                Some(_) => self.virtual_resume = u.at + 1,
                                None => self.set_frame_pc_at(depth - 1, u.at + 1),
                            }
                            break flow;
                        }
                        go_to!(u.target as usize);
                        continue;
                    }
                    // A real frame (one a virtual frame cannot stand for:
                    // the call binds defaults, say, or is one frame too
                    // many). Never above a virtual frame: tier 1 makes the
                    // call once the frame is real.
                    if virtual_ret.is_some() {
                        leave!(Why::End, u.at);
                    }
                    self.set_frame_pc(u.at + 1);
                    // SAFETY: a frame push goes on to its callee's body
                    // (`Executor::uop`), so a micro-op follows.
                    let body = unsafe { &*cursor.add(1) };
                    match self.push_constant_call(u, exec.known_callee(body.segment)) {
                        Err(e) => raise!(u, e),
                        Ok(false) => {}
                        Ok(true) => {
                            let callee = self.enter_inlined_frame();
                            let code_obj = callee.code_object();
                            let ObjectData::Code(callee_code) = &code_obj.data else {
                                unreachable!("frames run code objects")
                            };
                            // SAFETY: the callee's frame stays pushed while
                            // its micro-ops run (it is popped by its
                            // `PopFrame`, after them, or left to tier 1).
                            let callee_tc = unsafe { callee.thread_code() };
                            let callee_base = callee.locals_base();
                            let flow = self.run_uops::<COUNT>(
                                run,
                                i!() + 1,
                                callee_code,
                                callee_tc,
                                callee_base,
                                callee_base + callee_code.nlocals(),
                                &callee,
                                executed_total,
                                None,
                            );
                            if let Flow::Left(..) = flow {
                                break flow;
                            }
                            // A real frame's body may reach safepoints and
                            // read what another thread published after an
                            // event it fired: as after an escaping call,
                            // the caller sees the event before it relies on
                            // what it assumed.
                            if !validity.is_valid() {
                                leave!(Why::Invalidated, u.at + 1);
                            }
                        }
                    }
                    go_to!(u.target as usize);
                    continue;
                }
                UopOp::PopFrame => {
                    let v = *self.uop_stack().last().expect("a return value");
                    pop_frame!(u, v);
                }
                UopOp::PopFrameConst => pop_frame!(u, Value::from_bits(u.operand)),
            }
            // SAFETY: the micro-op went on, so another follows it
            // (`Executor::uop`).
            cursor = unsafe { cursor.add(1) };
        };
        *executed_total += executed;
        flow
    }
}

/// What every frame of one executor run shares.
#[derive(Clone, Copy)]
struct Run<'r> {
    lp: &'r Loop,
    exec: &'r Executor,
    validity: &'r Validity,
}

/// A function-entry executor a thread enters, with its validity, kept in
/// the thread's copy of the code ([`ThreadCode`]) so that a call takes no
/// count of the shared `Arc`s (whose counters every thread calling the
/// function would write): a call clones this thread-private `Rc` instead.
pub(crate) struct Entered {
    /// The executor.
    pub exec: Arc<Executor>,
    /// Its validity.
    pub validity: Validity,
}

/// How a run of micro-ops on one frame ended.
enum Flow {
    /// The executor left: why, and where tier 1 resumes (in the top
    /// frame).
    Left(Why, Leave),
    /// An inlined call returned (its frame is popped, its value pushed).
    Returned,
}

/// Why an executor left (statistics).
#[derive(Clone, Copy, Debug)]
enum Why {
    Guard,
    Branch,
    Jump,
    Invalidated,
    Error,
    End,
}

/// The stack's height (from the frame's base) where fused micro-op `u`
/// runs, as its placed slots imply: debug builds check it against the
/// stack's length.
fn height_before(u: &Uop) -> usize {
    let o = Operands::decode(u.arg);
    let pops = [o.a, o.b].iter().filter(|&&s| s == Slot::Stack).count();
    let after = u.access().height_after();
    match (u.op, o.result) {
        (UopOp::StoreSubscr3, _) => after + 1 + pops,
        (_, Slot::Stack) => after - 1 + pops,
        _ => after + pops,
    }
}

/// The version of `v`'s class if `v` is an instance (0 otherwise: no
/// guard's version).
#[inline]
pub(super) fn instance_class_version(v: Value) -> u64 {
    as_instance(&v).map_or(0, |(o, _)| class_version(o))
}

/// The object and attributes of `v`, if it is an instance: one check
/// of the word and of the payload, which an attribute load's class guard
/// and its lookup share.
#[inline(always)]
fn as_instance(v: &Value) -> Option<(&PyObject, &InstanceAttrs)> {
    let o = v.as_ref()?;
    match &o.data {
        ObjectData::Instance(attrs) => Some((o, attrs)),
        _ => None,
    }
}

/// The version of the class of `o` (0: none, which no guard holds).
#[inline(always)]
fn class_version(o: &PyObject) -> u64 {
    u64::from(o.class().as_class().map_or(0, |c| c.version.peek()))
}

/// Why an instance attribute load failed: the receiver's class failed the
/// guard (counted: a hot failure rebuilds), or the receiver has no such
/// attribute in its dict (tier 1 looks further).
enum AttributeMiss {
    Guard,
    Absent,
}

/// Attribute `name` of `obj` (looked for first at position `hint`), when
/// `obj` is an instance whose class version `holds` accepts (0 for a
/// non-instance); `holds` is not asked when `check` is false.
#[inline(always)]
fn guarded_instance_attribute(
    obj: Value,
    check: bool,
    holds: impl FnOnce(u64) -> bool,
    name: Value,
    hint: usize,
) -> Result<Value, AttributeMiss> {
    let instance = as_instance(&obj);
    if check && !holds(instance.map_or(0, |(o, _)| class_version(o))) {
        return Err(AttributeMiss::Guard);
    }
    let (o, attrs) = instance.ok_or(AttributeMiss::Absent)?;
    match attrs {
        InstanceAttrs::Dict(d) => dict_attribute(d, name, hint),
        InstanceAttrs::Slots(slots) => slot_attribute(o, slots, name, hint),
    }
    .ok_or(AttributeMiss::Absent)
}

/// Attribute `name` of `o`, an instance with `slots` ([`slot_load`]).
#[inline(always)]
fn slot_attribute(o: &PyObject, slots: &[AtomicValue], name: Value, hint: usize) -> Option<Value> {
    slot_load(o, slots, name, hint).map(|(v, _)| v)
}

/// Attribute `n` of local `k`, looked for first at position `hint`
/// (`local` packs the three as `LoadAttrLocal`'s `arg`), when the local's
/// class has version `version` (0: any) and its dict has the attribute.
#[inline(always)]
fn attribute_of_local(
    code: &CodeObject,
    base: usize,
    local: u32,
    version: u32,
    interp: &mut Interp,
) -> Option<Value> {
    let (name, local, hint) = local_attribute_parts(local);
    let obj = interp.uop_stack()[base + local];
    let holds = |v: u64| v == u64::from(version);
    guarded_instance_attribute(obj, version != 0, holds, code.names[name], hint).ok()
}

/// Whether the receiver `obj` of an attribute or method load or store
/// `u` has the class version the guard folded into it requires (in
/// `extra`; 0: none folded).
#[inline(always)]
fn receiver_holds(obj: Value, u: &Uop) -> bool {
    u.extra == 0 || instance_class_version(obj) == u64::from(u.extra)
}

/// Whether class version `v` is one of those a `GuardClassVersions` (or
/// a guarded `LoadAttrLocal`) keeps: `operand`'s two halves, `target`
/// and `extra`.
#[inline]
fn has_version(v: u64, u: &Uop) -> bool {
    v != 0
        && (v == u.operand & u64::from(u32::MAX)
            || v == u.operand >> 32
            || v == u64::from(u.target)
            || v == u64::from(u.extra))
}

/// Where attribute `name` of `obj` goes, if `obj` is an instance (and
/// `name` a str): its dict, with the name's text, or its slots.
#[inline]
fn instance_store_place<'v>(obj: &'v Value, name: &'v Value) -> Option<StorePlace<'v>> {
    let o = obj.as_ref()?;
    let text = name.as_ref()?.as_str()?;
    match &o.data {
        ObjectData::Instance(InstanceAttrs::Dict(d)) => Some(StorePlace::Dict(d, text)),
        ObjectData::Instance(InstanceAttrs::Slots(slots)) => Some(StorePlace::Slots(o, slots)),
        _ => None,
    }
}

/// Where an instance attribute store goes ([`instance_store_place`]).
enum StorePlace<'v> {
    /// The instance's dict, and the name's text.
    Dict(&'v Mutex<Dict>, &'v PyStr),
    /// The instance and its slots.
    Slots(&'v PyObject, &'v [AtomicValue]),
}

/// Attribute `name` in the instance dict `d`: at position `hint` first
/// (checked), else by hash. Always inlined (tier 2's attribute loads are
/// this): the lock-free read is a few loads, less than a call's saving and
/// restoring of registers.
#[inline(always)]
fn dict_attribute(d: &Mutex<Dict>, name: Value, hint: usize) -> Option<Value> {
    // The name's text only matters under the lock.
    if let Some((v, _)) = Dict::find_unlocked(d, hint, name) {
        return Some(v);
    }
    let text = name.as_ref()?.as_str()?;
    instance_attribute_locked(d, text, name, hint)
}

/// `dict_attribute` under the dict's lock: a writer was busy, or the
/// name is not among the entries the lock-free read looks at.
#[cold]
#[inline(never)]
fn instance_attribute_locked(
    d: &Mutex<Dict>,
    text: &PyStr,
    name: Value,
    hint: usize,
) -> Option<Value> {
    let d = d.lock();
    d.value_at_str(hint, name, text)
        .or_else(|| d.get_hashed(text.hash(), name))
}

/// Stores attribute `name` of `obj`, an instance whose class (guarded)
/// neither defines the name nor hooks attribute stores, in its dict: at
/// position `hint` if the name is there, else by hash. False (nothing
/// stored) when `obj` is not an instance.
#[inline]
fn store_instance_attribute(obj: Value, name: Value, hint: usize, value: Value) -> bool {
    match instance_store_place(&obj, &name) {
        Some(StorePlace::Dict(d, text)) => {
            store_in_dict(&mut d.lock(), name, text, hint, value);
            true
        }
        Some(StorePlace::Slots(o, slots)) => slot_store(o, slots, name, hint, value),
        None => false,
    }
}

/// [`store_instance_attribute`] without taking the instance's lock.
///
/// # Safety
/// No other thread can reach `obj`, and this thread holds no guard of its
/// dict: it is the instance whose `__init__` is running, allocated by
/// this thread, which since then reached no safepoint (no pause, so no
/// debugger or collector looked at it) and ran nothing that could store
/// it anywhere.
/// With `hint` [`NEW_KEY_HINT`], the dict does not have the key `name`
/// (only stores of other names wrote it since it was made empty).
#[inline]
unsafe fn store_unshared_instance_attribute(
    obj: Value,
    name: Value,
    hint: usize,
    value: Value,
) -> bool {
    let (d, text) = match instance_store_place(&obj, &name) {
        Some(StorePlace::Dict(d, text)) => (d, text),
        // Slots take no lock anyway.
        Some(StorePlace::Slots(o, slots)) => return slot_store(o, slots, name, hint, value),
        None => return false,
    };
    // SAFETY: the caller's contract: nobody else reads or writes the dict
    // while this reference lives.
    let d = unsafe { &mut *d.data_ptr() };
    if hint == NEW_KEY_HINT as usize {
        // The first store of the name to the fresh instance's dict
        // (`optimize::mark_unshared_stores`): the key is not there.
        d.insert_absent(text.hash(), name, value);
    } else {
        store_in_dict(d, name, text, hint, value);
    }
    true
}

/// Stores `name` (whose text is `text`) in `d`: at position `hint` if the
/// name is there, else by hash.
#[inline]
fn store_in_dict(d: &mut Dict, name: Value, text: &PyStr, hint: usize, value: Value) {
    if !d.replace_at_str(hint, name, text, value) {
        d.insert_hashed(text.hash(), name, value);
    }
}

/// `a op b` on inline ints (`op` a [`BinaryOp`] operand); `None` when the
/// operands are not inline ints or the result is not one.
#[inline(always)]
fn binary_int(op: u32, a: Value, b: Value) -> Option<Value> {
    crate::specialize::int_op(
        BinaryOp::from_arg(op).plain(),
        a.as_inline_int()?,
        b.as_inline_int()?,
    )
    .and_then(Value::try_int)
}

/// `op a` on a bool, an inline int, a float (or `not None`), as the generic operation
/// computes it; `None` for anything else (or a result that is not an
/// inline int).
fn unary_native(op: crate::bytecode::UnaryOp, a: Value) -> Option<Value> {
    use crate::bytecode::UnaryOp as U;
    if op == U::Not {
        let falsy = match a.unpack() {
            crate::value::Unpacked::Bool(b) => !b,
            crate::value::Unpacked::Int(i) => i == 0,
            crate::value::Unpacked::Float(f) => f == 0.0,
            crate::value::Unpacked::None => true,
            _ => return None,
        };
        return Some(Value::bool(falsy));
    }
    if let Some(i) = a.as_inline_int() {
        return match op {
            U::Neg => Value::try_int(-i),
            U::Pos => Some(a),
            U::Invert => Value::try_int(!i),
            U::Not => None,
        };
    }
    let f = a.as_float()?;
    match op {
        U::Neg => Some(Value::float(-f)),
        U::Pos => Some(a),
        _ => None,
    }
}

/// `a op b` on floats, as tier 1's float form computes it.
fn binary_float(op: u32, a: Value, b: Value) -> Option<Value> {
    let (x, y) = float_operands(a, b)?;
    crate::specialize::float_op(BinaryOp::from_arg(op).plain(), x, y).map(Value::float)
}

/// A float, or an inline int as a float (exact: inline ints have 48
/// bits), as tier 1's float forms read their operands.
#[inline]
fn as_f64(v: Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_inline_int().map(|i| i as f64))
}

/// `a cmp b` for an ordered pair of native numbers.
#[inline(always)]
fn compare<T: PartialOrd>(op: u32, a: Option<T>, b: Option<T>) -> Option<Value> {
    crate::specialize::order_holds(CompareOp::from_arg(op), a?, b?).map(Value::bool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_set_holds_up_to_four_versions_and_never_zero() {
        let guard = Uop {
            operand: 5 | 6 << 32,
            target: 7,
            extra: 8,
            ..Uop::new(
                UopOp::GuardClassVersions,
                Instr {
                    op: Opcode::LoadMethodInstance,
                    arg: 0,
                },
                0,
                0,
            )
        };
        for v in 5..=8 {
            assert!(has_version(v, &guard), "version {v}");
        }
        assert!(!has_version(9, &guard));
        let three = Uop { extra: 0, ..guard };
        assert!(!has_version(0, &three), "0 is no class's version");
        assert!(!has_version(8, &three));
    }
}
