//! The optimizer: passes over a projected loop, each tested on its own.
//!
//! 1. [`fuse_tuple_swaps`]: `a, b = b, a` builds a tuple only to unpack
//!    it; a swap of the stack does the same without allocating. And
//!    [`fuse_slices`]: `seq[a:b]` of a list or tuple builds a slice only
//!    to subscript by it; `SliceSequence` does both, without the slice.
//! 2. [`globals_to_constants`]: a global load becomes a constant when the
//!    runtime lets the executor depend on its module dict (and on the
//!    builtins, for a builtin) staying unchanged; past a dict's event
//!    threshold the load stays.
//! 3. [`class_attributes`]: a load of an attribute of a class that is now
//!    a constant becomes a constant under a dependency on the class (a
//!    staticmethod's or classmethod's function under one on descriptor
//!    re-initialization too); a store to one goes straight to the class
//!    attribute event. A property's getter and a staticmethod's function
//!    loaded through an instance of a guarded class become constants under
//!    the descriptor dependency, so the call that follows can lose its
//!    guards in pass 4. An attribute of a constant module (`math.sqrt`)
//!    becomes a constant under a dependency on the module's globals.
//! 4. [`propagate_types`]: an abstract interpretation of the locals and the
//!    stack over int, float, bool and instance class versions, and
//!    boundness, forgetting everything where a jump lands (so what it
//!    knows always comes from micro-ops that ran on the way there). It
//!    removes guards the trace already proved, lets known-bound local loads
//!    skip their check, and turns a branch on a known bool into one that
//!    cannot escape. Facts about locals survive escaping micro-ops: only a
//!    debugger can write a frame's locals behind the trace's back, and that
//!    event invalidates the executor, which the validity check after the
//!    escape catches; a class version survives them only when the executor
//!    depends on that class. A call of the constant builtin `range` with
//!    one or two arguments and the `GetIter` after it become one
//!    `RangeIter` ([`fuse_range_iterators`]).
//! 5. [`fuse_operands`]: an int or float operation or comparison, or a
//!    list or tuple subscript, takes the loads of its operands from locals
//!    or a constant, and the store of its result to a local (or the branch
//!    on a comparison's result), into one micro-op (with its guard); an
//!    instance attribute load or store takes the load of its receiver from
//!    a local and the class guard (a receiver from anywhere else takes
//!    just the guard), and so does a constant method's load
//!    (`LoadMethodLocal`); a `for` loop's next item goes straight to the
//!    loop variable.
//!    Before it, [`reload_copies`] turns a copy of a value just loaded
//!    into that load again, and [`fuse_rotated_stores`] lets a list store
//!    take its operands in the order `b[k] op= v` leaves them, so an
//!    augmented subscript reads through one fused micro-op and stores
//!    without swaps.
//! 6. [`remove_dead_pushes`]: a push that is popped right away. And
//!    [`fuse_constant_returns`]: an inlined `return None` returns its
//!    constant without pushing it.
//! 7. [`place_validity_checks`]: a check after every escaping micro-op and
//!    nowhere else (back-edges, steps and constant calls check on their
//!    own, and so do branches and unary operators on the rare path that
//!    ran Python code).
//! 8. [`mark_unshared_stores`], once calls are inlined: an inlined
//!    `__init__`'s first stores to its instance skip the instance's lock,
//!    which no other thread can have seen yet.
//! 9. [`place_fused_operands`], once one code's micro-ops are final (the
//!    loop's, and each inlined body's before its own calls are inlined):
//!    each fused operation's operands and result get the frame slots they
//!    lie in ([`Access::place`]).

use super::project::{jump_target, jump_targets};
use super::uop::{
    class_store, local_attribute, local_attribute_parts, with_attribute_hint, Access, Operands,
    Slot, Uop, UopOp, NEW_KEY_HINT,
};
use crate::bytecode::{CodeObject, Opcode};
use crate::value::Value;

/// What the optimizer may assume, and the dependencies that pay for it
/// (implemented by the interpreter; tests use a table).
pub trait Assumptions {
    /// The current value of global `names[name]` as a constant the
    /// executor may embed, after taking the dependencies that make it one;
    /// `None` keeps the load.
    fn global_constant(&mut self, name: u32) -> Option<Value>;

    /// Where global `names[name]` is now in the globals dict's entries: a
    /// hint for a load that stays (`LoadGlobal`'s operand), 0 if absent.
    fn global_position(&mut self, _name: u32) -> u64 {
        0
    }

    /// Whether storing `names[name]` on `v` is a plain class attribute
    /// store: `v` a user class whose metaclass is `type` (no `__setattr__`
    /// of its own), and the name not a dunder (`__bases__`, `__class__`
    /// and friends are events of their own).
    fn plain_class_store(&self, v: Value, name: u32) -> bool;

    /// The value of attribute `names[name]` of the class `class` as a
    /// constant the executor may embed, after taking the dependencies that
    /// make it one (the class, whose event also fires for changes to its
    /// bases, and bases assignment); `None` keeps the load.
    fn class_attribute(&mut self, class: Value, name: u32) -> Option<Value>;

    /// What `class.name(...)` loads for the class `class` (`LoadMethod`'s
    /// pair: the callable and the receiver, NULL for none) as constants
    /// the executor may embed, after taking the dependencies
    /// [`Assumptions::class_attribute`] takes (and descriptor
    /// re-initialization, for a staticmethod's or classmethod's function);
    /// `None` keeps the load.
    fn class_method(&mut self, class: Value, name: u32) -> Option<(Value, Value)>;

    /// The callable of the `kind` descriptor that attribute `names[name]`
    /// of the class with version `version` is now (a property's getter, a
    /// staticmethod's function), as a constant the executor may embed
    /// after depending on descriptor re-initialization (the class guard
    /// that precedes its use vouches for the descriptor itself); `None`
    /// keeps reading it from the descriptor.
    fn descriptor_callable(
        &mut self,
        version: u64,
        name: u32,
        kind: DescriptorKind,
    ) -> Option<Value>;

    /// Whether a call of `func` with `nargs` positional arguments may skip
    /// its guards: `func` a Python function taking them (its keyword-only
    /// parameters, if any, filled from `__kwdefaults__`), after taking the
    /// dependencies on its code and both defaults (function modification)
    /// and on there being no frame-evaluation hook.
    fn constant_call(&mut self, func: Value, nargs: u32) -> bool;

    /// Attribute `names[name]` of the module `module` (`math.sqrt`) as a
    /// constant the executor may embed, after taking the dependencies on
    /// the module's globals and on module-dict replacement; `None` keeps
    /// the load.
    fn module_attribute(&mut self, module: Value, name: u32) -> Option<Value>;

    /// The `__init__` that `class(args)` with `nargs` positional arguments
    /// runs, when the call may skip its guards: `class` a plain user class
    /// (metaclass `type`, instances with a dict) whose `__init__` is a
    /// Python function taking the instance and the arguments, after
    /// taking the dependencies of [`Assumptions::class_attribute`] and of
    /// [`Assumptions::constant_call`]; `None` keeps the guarded call.
    fn constant_init(&mut self, class: Value, nargs: u32) -> Option<Value>;

    /// Where attribute `names[name]` is in the dict of class `class` now:
    /// a hint a store looks at first (no dependency: the store checks the
    /// key there). `None` when it is not there.
    fn class_attribute_position(&mut self, _class: Value, _name: u32) -> Option<usize> {
        None
    }

    /// Whether `v` is the builtin `range` (a constant the executor holds
    /// under its global or builtin dependency): a call of it with ints
    /// runs no Python code.
    fn is_range(&self, _v: Value) -> bool {
        false
    }

    /// Where `v` is in the table of `math`'s functions of one float that
    /// run without an interpreter (`modules::math::float_function`), if
    /// it is one of them.
    fn float_function(&self, _v: Value) -> Option<u32> {
        None
    }

    /// Where `v` is in the table of builtin methods of one argument that
    /// run without an interpreter (`builtins::native_method`), if it is
    /// one of them.
    fn native_method(&self, _v: Value) -> Option<u32> {
        None
    }
}

/// The descriptors whose callable an executor may embed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescriptorKind {
    /// A `property`: its getter.
    Property,
    /// A `staticmethod`: its function.
    StaticMethod,
}

/// What the passes did (statistics).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Guards and checks removed or made cheaper.
    pub guards_removed: u64,
    /// Global loads turned into constants.
    pub globals_constant: u64,
    /// Calls inlined (by the planner, after these passes).
    pub calls_inlined: u64,
}

/// Runs every pass in order. `stable` lists the class versions the
/// executor depends on (with object-class assignment assumed away), whose
/// guards hold across escaping micro-ops too.
pub fn optimize(uops: &mut Vec<Uop>, env: &mut dyn Assumptions, stable: &[u64]) -> Report {
    fuse_tuple_swaps(uops);
    fuse_slices(uops);
    let mut report = Report {
        globals_constant: globals_to_constants(uops, env),
        ..Report::default()
    };
    report.globals_constant += class_attributes(uops, env);
    report.guards_removed = propagate_types(uops, stable, env);
    fuse_range_iterators(uops);
    reload_copies(uops);
    fuse_rotated_stores(uops);
    report.guards_removed += fuse_operands(uops);
    remove_dead_pushes(uops);
    fuse_constant_returns(uops);
    place_validity_checks(uops);
    report
}

/// Pass 1 (module docs): `BuildTuple n` then `UnpackSequence n` (n = 2
/// or 3, nothing jumping between them) reverses the top n values, which
/// `Swap n` does.
pub fn fuse_tuple_swaps(uops: &mut Vec<Uop>) {
    let targets = jump_targets(uops);
    let mut out: Vec<Uop> = Vec::with_capacity(uops.len());
    for u in uops.drain(..) {
        let fuses = matches!(u.op, UopOp::Step | UopOp::UnpackTwo)
            && u.opcode.family() == Opcode::UnpackSequence
            && targets.binary_search(&u.at).is_err()
            && out.last().is_some_and(|p| {
                p.op == UopOp::Step
                    && p.opcode == Opcode::BuildTuple
                    && p.arg == u.arg
                    && (2..=3).contains(&u.arg)
            });
        if fuses {
            let build = out.last_mut().expect("checked");
            build.op = UopOp::Swap;
            build.target = u.target;
        } else {
            out.push(u);
        }
    }
    *uops = out;
}

/// Pass 1, second part (module docs): `BuildSlice 2` then a list or tuple
/// subscript by it (nothing jumping between them) become one
/// `SliceSequence`, which builds no slice object.
pub fn fuse_slices(uops: &mut Vec<Uop>) {
    let targets = jump_targets(uops);
    let mut out: Vec<Uop> = Vec::with_capacity(uops.len());
    for u in uops.drain(..) {
        let fuses = u.op == UopOp::Step
            && u.opcode == Opcode::BinarySubscrSeqSlice
            && targets.binary_search(&u.at).is_err()
            && out.last().is_some_and(|p| {
                p.op == UopOp::Step
                    && p.opcode == Opcode::BuildSlice
                    && p.arg == 2
                    && p.segment == u.segment
            });
        if fuses {
            let build = out.last_mut().expect("checked");
            build.op = UopOp::SliceSequence;
            build.target = u.target;
        } else {
            out.push(u);
        }
    }
    *uops = out;
}

/// Pass 2 (module docs). Returns how many loads became constants.
pub fn globals_to_constants(uops: &mut [Uop], env: &mut dyn Assumptions) -> u64 {
    let mut n = 0;
    for u in uops.iter_mut().filter(|u| u.op == UopOp::LoadGlobal) {
        if let Some(v) = env.global_constant(u.arg) {
            u.op = UopOp::LoadConst;
            u.operand = v.to_bits();
            n += 1;
        } else {
            u.operand = env.global_position(u.arg);
        }
    }
    n
}

/// Pass 3 (module docs): `LoadConst C; LoadAttr name` becomes `LoadConst
/// value` where the runtime makes the attribute a constant, and
/// `LoadConst C; LoadMethod name` two constants (callable, receiver); the
/// same for a constant module `C` (its method forms push no receiver);
/// `LoadConst C; StoreAttr name` (generic, its receiver a plain class, the
/// name not a dunder that names an event) becomes `StoreClassAttr name`
/// with `C` as its operand. After a class guard, `LoadAttrProperty`
/// becomes `LoadAttrPropertyConst` with the getter as its operand, and
/// `LoadMethodStatic` pops the receiver and pushes the function and NULL
/// as constants. Returns how many loads became constants.
pub fn class_attributes(uops: &mut Vec<Uop>, env: &mut dyn Assumptions) -> u64 {
    let targets = jump_targets(uops);
    let mut out: Vec<Uop> = Vec::with_capacity(uops.len());
    let mut constants = 0;
    for mut u in uops.drain(..) {
        // The guard projected with a receiver form names its class.
        let guarded = out
            .last()
            .filter(|g| g.op == UopOp::GuardClassVersion && g.at == u.at)
            .map(|g| g.operand);
        match (u.op, guarded) {
            (UopOp::LoadAttrProperty, Some(version)) => {
                if let Some(fget) =
                    env.descriptor_callable(version, u.arg, DescriptorKind::Property)
                {
                    u.op = UopOp::LoadAttrPropertyConst;
                    u.operand = fget.to_bits();
                    constants += 1;
                }
                out.push(u);
                continue;
            }
            (UopOp::LoadMethodStatic, Some(version)) => {
                match env.descriptor_callable(version, u.arg, DescriptorKind::StaticMethod) {
                    Some(f) => {
                        let konst = |v: Value| Uop {
                            op: UopOp::LoadConst,
                            operand: v.to_bits(),
                            ..u
                        };
                        out.push(Uop {
                            op: UopOp::PopTop,
                            ..u
                        });
                        out.push(konst(f));
                        out.push(konst(Value::NULL));
                        constants += 1;
                    }
                    None => out.push(u),
                }
                continue;
            }
            _ => {}
        }
        let loads_method = u.op == UopOp::Step
            && matches!(u.opcode, Opcode::LoadMethod | Opcode::LoadMethodModule)
            && targets.binary_search(&u.at).is_err()
            && out.last().is_some_and(|p| p.op == UopOp::LoadConst);
        if loads_method {
            let owner = Value::from_bits(out.last().expect("checked").operand);
            let pair = match u.opcode {
                Opcode::LoadMethod => env.class_method(owner, u.arg),
                _ => None,
            }
            .or_else(|| Some((env.module_attribute(owner, u.arg)?, Value::NULL)));
            if let Some((callable, receiver)) = pair {
                let load = out.last_mut().expect("checked");
                load.operand = callable.to_bits();
                load.at = u.at;
                load.target = u.target;
                let mut second = *load;
                second.operand = receiver.to_bits();
                out.push(second);
                constants += 1;
                continue;
            }
        }
        let loads = u.op == UopOp::Step
            && matches!(u.opcode, Opcode::LoadAttr | Opcode::LoadAttrModule)
            && targets.binary_search(&u.at).is_err()
            && out.last().is_some_and(|p| p.op == UopOp::LoadConst);
        if loads {
            let owner = Value::from_bits(out.last().expect("checked").operand);
            let value = match u.opcode {
                Opcode::LoadAttr => env.class_attribute(owner, u.arg),
                _ => None,
            }
            .or_else(|| env.module_attribute(owner, u.arg));
            if let Some(v) = value {
                // It stays at its own instruction, where tier 1 would load
                // the owner: a fused operation that takes the constant
                // leaves for it, with the stack as tier 1 has it there.
                let load = out.last_mut().expect("checked");
                load.operand = v.to_bits();
                load.target = u.target;
                constants += 1;
                continue;
            }
        }
        let fuses = u.op == UopOp::Step
            && u.opcode == Opcode::StoreAttr
            && targets.binary_search(&u.at).is_err()
            && out.last().is_some_and(|p| {
                p.op == UopOp::LoadConst
                    && env.plain_class_store(Value::from_bits(p.operand), u.arg)
            });
        if fuses {
            let class = out.pop().expect("checked");
            let hint = env.class_attribute_position(Value::from_bits(class.operand), u.arg);
            out.push(Uop {
                op: UopOp::StoreClassAttr,
                arg: class_store(u.arg, hint),
                operand: class.operand,
                at: u.at,
                ..u
            });
        } else {
            out.push(u);
        }
    }
    *uops = out;
    constants
}

/// What the trace knows about a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Known {
    Nothing,
    Int,
    Float,
    Bool,
    /// An instance whose class had this version when guarded.
    Instance(u64),
}

impl Known {
    fn of(v: Value) -> Known {
        if v.as_inline_int().is_some() {
            Known::Int
        } else if v.is_float() {
            Known::Float
        } else if v.as_bool().is_some() {
            Known::Bool
        } else {
            Known::Nothing
        }
    }
}

/// A stack entry: what is known of it, and the local it is a copy of
/// (a guard on it then teaches the local too).
#[derive(Clone, Copy, Debug)]
struct Entry {
    known: Known,
    copy_of: Option<usize>,
    /// The constant it is (a `LoadConst`'s operand).
    constant: Option<u64>,
    /// It is the receiver a `LoadMethodConst` pushed after its method
    /// (so a method call passes it as the first argument).
    receiver: bool,
    /// It is the method the `LoadMethodCached` at this instruction
    /// pushed.
    method_site: Option<u32>,
    /// The builtin method that the `LoadMethodCached` of a
    /// `LoadMethodBuiltin` that pushed it cached when projected (the
    /// running thread's cache may hold another: not a constant).
    builtin_method: Option<u64>,
}

const UNKNOWN: Entry = Entry {
    known: Known::Nothing,
    copy_of: None,
    constant: None,
    receiver: false,
    method_site: None,
    builtin_method: None,
};

/// The abstract frame: the locals the trace has seen, and the part of the
/// stack it pushed (below that, nothing is known).
#[derive(Default)]
struct Abstract {
    locals: Vec<(Known, bool)>,
    stack: Vec<Entry>,
}

impl Abstract {
    fn local(&mut self, k: usize) -> &mut (Known, bool) {
        if self.locals.len() <= k {
            self.locals.resize(k + 1, (Known::Nothing, false));
        }
        &mut self.locals[k]
    }

    fn pop(&mut self) -> Entry {
        self.stack.pop().unwrap_or(UNKNOWN)
    }

    fn peek(&self, depth: usize) -> Entry {
        let n = self.stack.len();
        if depth <= n {
            self.stack[n - depth]
        } else {
            UNKNOWN
        }
    }

    /// After Python code may have run: classes not depended on may have
    /// changed.
    fn step_escaped(&mut self, stable: &[u64]) {
        let forget = |k: &mut Known| {
            if let Known::Instance(v) = *k {
                if !stable.contains(&v) {
                    *k = Known::Nothing;
                }
            }
        };
        for local in self.locals.iter_mut() {
            forget(&mut local.0);
        }
        for entry in self.stack.iter_mut() {
            forget(&mut entry.known);
        }
    }

    /// Learns that the entry `depth` from the top is `known`.
    fn learn(&mut self, depth: usize, known: Known) {
        let n = self.stack.len();
        if depth > n {
            return;
        }
        let e = &mut self.stack[n - depth];
        e.known = known;
        if let Some(k) = e.copy_of {
            self.local(k).0 = known;
        }
    }

    /// The net stack change of an instruction run as a `Step`: what it
    /// pushes is unknown, and so is everything it may have popped. It may
    /// have run Python code: an instance's class may have changed since,
    /// unless the executor depends on that class and on object-class
    /// assignment.
    fn step(&mut self, u: &Uop, stable: &[u64]) {
        self.step_escaped(stable);
        match single_result_operands(u.opcode, u.arg) {
            // The values under its operands stay (nothing the step runs
            // can change which value a slot of this frame holds), and so
            // does what is known of them: a constant callable below an
            // argument computed by a step is still that callable.
            Some(pops) if pops <= self.stack.len() => {
                self.stack.truncate(self.stack.len() - pops);
                self.stack.push(UNKNOWN);
            }
            _ => {
                let effect = u.opcode.stack_effect(u.arg, false);
                let n = self.stack.len() as i32 + effect;
                self.stack.clear();
                self.stack.resize(n.max(0) as usize, UNKNOWN);
            }
        }
        if u.opcode == Opcode::DeleteFast {
            *self.local(u.arg as usize) = (Known::Nothing, false);
        }
    }
}

/// How many values an instruction of `op` (operand `arg`) pops, for the
/// families whose every form pops its operands and pushes exactly one
/// result (calls, operators, subscripts, attribute loads, builds); `None`
/// for the others.
fn single_result_operands(op: Opcode, arg: u32) -> Option<usize> {
    use Opcode::*;
    let one_result = matches!(
        op.family(),
        Call | CallMethod
            | CallKw
            | CallMethodKw
            | BinaryOp
            | CompareOp
            | BinarySubscr
            | LoadAttr
            | BuildTuple
            | BuildList
            | BuildMap
            | BuildString
            | BuildSlice
            | BuildSet
            | LoadGlobal
            | LoadName
            | LoadDeref
    );
    let pops = 1 - op.stack_effect(arg, false);
    (one_result && pops >= 0).then_some(pops as usize)
}

/// Pass 4 (module docs). Returns how many guards it removed or cheapened.
pub fn propagate_types(uops: &mut Vec<Uop>, stable: &[u64], env: &mut dyn Assumptions) -> u64 {
    let targets = jump_targets(uops);
    let mut state = Abstract::default();
    let mut removed = 0;
    let mut out: Vec<Uop> = Vec::with_capacity(uops.len());
    let mut previous: Option<Uop> = None;
    for mut u in uops.drain(..) {
        let lands = previous.is_none_or(|p| p.at != u.at) && targets.binary_search(&u.at).is_ok();
        let follows_transfer = previous.is_some_and(|p| {
            matches!(
                p.op,
                UopOp::Jump | UopOp::JumpBack | UopOp::JumpToTop | UopOp::Exit | UopOp::ExitUntaken
            )
        });
        if lands || follows_transfer {
            state = Abstract::default();
        }
        previous = Some(u);
        match u.op {
            UopOp::LoadFast | UopOp::LoadFastBound => {
                let k = u.arg as usize;
                let (known, bound) = *state.local(k);
                if bound && u.op == UopOp::LoadFast {
                    u.op = UopOp::LoadFastBound;
                    removed += 1;
                }
                state.local(k).1 = true;
                state.stack.push(Entry {
                    known,
                    copy_of: Some(k),
                    ..UNKNOWN
                });
            }
            UopOp::StoreFast => {
                let k = u.arg as usize;
                let e = state.pop();
                for s in state.stack.iter_mut().filter(|s| s.copy_of == Some(k)) {
                    s.copy_of = None;
                }
                *state.local(k) = (e.known, true);
            }
            UopOp::LoadConst => {
                let v = Value::from_bits(u.operand);
                // A constant instance of a class the executor depends on
                // keeps that class while the executor is valid.
                let version = super::exec::instance_class_version(v);
                let known = if version != 0 && stable.contains(&version) {
                    Known::Instance(version)
                } else {
                    Known::of(v)
                };
                state.stack.push(Entry {
                    known,
                    constant: Some(u.operand),
                    ..UNKNOWN
                });
            }
            UopOp::LoadGlobal | UopOp::LoadDeref => state.stack.push(UNKNOWN),
            UopOp::UnaryOp => {
                let operand = state.pop().known;
                let op = crate::bytecode::UnaryOp::from_arg(u.arg);
                // Only an instance runs Python code here.
                if !matches!(operand, Known::Int | Known::Float | Known::Bool) {
                    state.step_escaped(stable);
                }
                state.stack.push(Entry {
                    known: match (op, operand) {
                        (crate::bytecode::UnaryOp::Not, _) => Known::Bool,
                        (_, Known::Float) => Known::Float,
                        _ => Known::Nothing,
                    },
                    ..UNKNOWN
                });
            }
            UopOp::PopTop => {
                state.pop();
            }
            // Three operands, one result; no Python code runs.
            UopOp::SliceSequence | UopOp::Isinstance => {
                for _ in 0..3 {
                    state.pop();
                }
                let known = match u.op {
                    UopOp::Isinstance => Known::Bool,
                    _ => Known::Nothing,
                };
                state.stack.push(Entry { known, ..UNKNOWN });
            }
            UopOp::GetIter => {
                state.pop();
                // An `__iter__` may run (the natives' types are not known).
                state.step_escaped(stable);
                state.stack.push(UNKNOWN);
            }
            UopOp::Copy => {
                let e = state.peek(u.arg as usize);
                state.stack.push(e);
            }
            UopOp::Swap => {
                let n = state.stack.len();
                let d = u.arg as usize;
                if d <= n {
                    state.stack.swap(n - 1, n - d);
                } else if let Some(top) = state.stack.last_mut() {
                    *top = UNKNOWN;
                }
            }
            UopOp::GuardBothInt => {
                if state.peek(1).known == Known::Int && state.peek(2).known == Known::Int {
                    removed += 1;
                    continue;
                }
                state.learn(1, Known::Int);
                state.learn(2, Known::Int);
            }
            UopOp::GuardFloatMix => {
                // Floats, or a float and an inline int.
                let (a, b) = (state.peek(2).known, state.peek(1).known);
                let number = |k: Known| matches!(k, Known::Int | Known::Float);
                if number(a) && number(b) && (a == Known::Float || b == Known::Float) {
                    removed += 1;
                    continue;
                }
                // What passing teaches: an operand beside a known int is a
                // float; two unknown operands stay unknown.
                if a == Known::Int {
                    state.learn(1, Known::Float);
                } else if b == Known::Int {
                    state.learn(2, Known::Float);
                }
            }
            UopOp::BinaryOpInt | UopOp::BinaryOpFloat => {
                state.pop();
                state.pop();
                state.stack.push(Entry {
                    known: if u.op == UopOp::BinaryOpInt {
                        Known::Int
                    } else {
                        Known::Float
                    },
                    ..UNKNOWN
                });
            }
            UopOp::CompareInt | UopOp::CompareFloat | UopOp::CompareIs => {
                state.pop();
                state.pop();
                state.stack.push(Entry {
                    known: Known::Bool,
                    ..UNKNOWN
                });
            }
            UopOp::ExitIf | UopOp::ExitIfBool | UopOp::JumpIf | UopOp::JumpIfBool => {
                if state.pop().known == Known::Bool {
                    let cheaper = match u.op {
                        UopOp::ExitIf => UopOp::ExitIfBool,
                        UopOp::JumpIf => UopOp::JumpIfBool,
                        same => same,
                    };
                    if cheaper != u.op {
                        u.op = cheaper;
                        removed += 1;
                    }
                }
            }
            UopOp::ForIterRange | UopOp::ForIterSequence => state.stack.push(Entry {
                known: if u.op == UopOp::ForIterRange {
                    Known::Int
                } else {
                    Known::Nothing
                },
                ..UNKNOWN
            }),
            UopOp::SubscrSequenceInt | UopOp::SubscrDict => {
                state.pop();
                state.pop();
                state.stack.push(UNKNOWN);
            }
            UopOp::StoreSubscrListInt => {
                state.pop();
                state.pop();
                state.pop();
            }
            UopOp::JumpIfOrPop => {
                state.pop();
            }
            UopOp::GuardClassVersion => {
                let d = u.arg as usize;
                if state.peek(d).known == Known::Instance(u.operand) {
                    removed += 1;
                    continue;
                }
                state.learn(d, Known::Instance(u.operand));
            }
            // What passing teaches (one of several classes) is not kept.
            UopOp::GuardClassVersions => {}
            UopOp::LoadAttrInstanceDict => {
                state.pop();
                state.stack.push(UNKNOWN);
            }
            UopOp::LoadAttrConst => {
                state.pop();
                state.stack.push(Entry {
                    known: Known::of(Value::from_bits(u.operand)),
                    ..UNKNOWN
                });
            }
            UopOp::LoadMethodConst | UopOp::LoadMethodCached | UopOp::LoadMethodVersions => {
                let receiver = state.pop();
                state.stack.push(if u.op == UopOp::LoadMethodConst {
                    Entry {
                        constant: Some(u.operand),
                        ..UNKNOWN
                    }
                } else {
                    Entry {
                        method_site: Some(u.at),
                        builtin_method: (u.op == UopOp::LoadMethodCached
                            && u.opcode == Opcode::LoadMethodBuiltin
                            && u.operand != 0)
                            .then_some(u.operand),
                        ..UNKNOWN
                    }
                });
                state.stack.push(Entry {
                    receiver: true,
                    method_site: None,
                    builtin_method: None,
                    ..receiver
                });
            }
            UopOp::LoadMethodLocal => {
                // Fused after this pass; as its `LoadFast` and
                // `LoadMethodConst` would be.
                let k = u.arg as usize;
                let (known, _) = *state.local(k);
                state.local(k).1 = true;
                state.stack.push(Entry {
                    constant: Some(u.operand),
                    ..UNKNOWN
                });
                state.stack.push(Entry {
                    known,
                    copy_of: Some(k),
                    receiver: true,
                    ..UNKNOWN
                });
            }
            UopOp::LoadMethodStatic => {
                state.pop();
                state.stack.push(UNKNOWN);
                state.stack.push(Entry {
                    constant: Some(Value::NULL.to_bits()),
                    ..UNKNOWN
                });
            }
            UopOp::LoadAttrProperty | UopOp::LoadAttrPropertyConst => {
                // The getter may run any code.
                state.pop();
                state.step_escaped(stable);
                state.stack.push(UNKNOWN);
            }
            UopOp::BinaryOpIntAny => {
                state.pop();
                state.pop();
                state.stack.push(UNKNOWN);
            }
            UopOp::ListAppend => {
                state.pop();
            }
            // Natively mostly; Python code may run on the slow path (each
            // checks validity itself then), so instance facts go.
            UopOp::UnpackTwo => {
                state.pop();
                state.step_escaped(stable);
                state.stack.push(UNKNOWN);
                state.stack.push(UNKNOWN);
            }
            UopOp::ContainsOp => {
                state.pop();
                state.pop();
                state.step_escaped(stable);
                state.stack.push(Entry {
                    known: Known::Bool,
                    ..UNKNOWN
                });
            }
            UopOp::SetAdd => {
                state.pop();
                state.step_escaped(stable);
            }
            UopOp::StoreAttrInstanceDict => {
                state.pop();
                state.pop();
            }
            UopOp::StoreClassAttr => {
                state.pop();
                state.step_escaped(stable);
            }
            UopOp::Step => {
                let n = u.arg;
                // The callee and how many arguments it gets: a method
                // call's are `LoadMethod`'s (callee, receiver or NULL,
                // arguments), where the receiver slot must be the receiver
                // a `LoadMethodConst` pushed, or a known constant.
                let (callee, nargs) = match u.opcode {
                    Opcode::CallPy => (state.peek(n as usize + 1).constant, Some(n)),
                    Opcode::CallMethodPy => {
                        let slot = state.peek(n as usize + 1);
                        let nargs = if slot.receiver {
                            Some(n + 1)
                        } else {
                            slot.constant
                                .map(|r| n + u32::from(!Value::from_bits(r).is_null()))
                        };
                        (state.peek(n as usize + 2).constant, nargs)
                    }
                    Opcode::CallClassInit => (state.peek(n as usize + 1).constant, Some(n)),
                    _ => (None, None),
                };
                let method_site = match u.opcode {
                    Opcode::CallMethodPy => state.peek(n as usize + 2).method_site,
                    _ => None,
                };
                let range_call = u.opcode == Opcode::CallBuiltinClass
                    && (1..=2).contains(&n)
                    && state
                        .peek(n as usize + 1)
                        .constant
                        .is_some_and(|c| env.is_range(Value::from_bits(c)));
                state.step(&u, stable);
                if range_call {
                    // With the `GetIter` after it (`fuse_range_iterators`),
                    // or back to a `Step`.
                    u.op = UopOp::RangeIter;
                }
                if u.opcode == Opcode::CallClassInit {
                    let init = callee
                        .zip(nargs)
                        .and_then(|(class, n)| env.constant_init(Value::from_bits(class), n));
                    if let Some(init) = init {
                        u.op = UopOp::CallInitConst;
                        u.operand = init.to_bits();
                        removed += 1;
                    }
                } else if callee
                    .zip(nargs)
                    .is_some_and(|(f, nargs)| env.constant_call(Value::from_bits(f), nargs))
                {
                    u.op = UopOp::CallPyConst;
                    u.operand = callee.expect("checked");
                    removed += 1;
                } else if let Some(site) = method_site {
                    // The planner may inline the methods that site's
                    // classes resolve to, each under its class's version.
                    u.extra = site + 1;
                }
            }
            UopOp::CallBuiltin | UopOp::CallFloatFunction | UopOp::CallNativeMethod => {
                // A call that runs natively: its micro-op, operand and
                // table place; its callable, receiver slot and argument
                // go, its result comes (no Python code runs).
                let native = match u.op {
                    UopOp::CallBuiltin => float_function_call(&state, &u, env)
                        .map(|k| (UopOp::CallFloatFunction, u.operand, k))
                        .or_else(|| {
                            native_method_call(&state, &u, env)
                                .map(|(method, k)| (UopOp::CallNativeMethod, method, k))
                        }),
                    op => Some((op, u.operand, u.extra)),
                };
                match native {
                    Some((op, operand, k)) => {
                        (u.op, u.operand, u.extra) = (op, operand, k);
                        let method = u.opcode == Opcode::CallMethodBuiltin;
                        for _ in 0..2 + usize::from(method) {
                            state.pop();
                        }
                        let known = match op {
                            UopOp::CallFloatFunction => Known::Float,
                            _ => Known::Nothing,
                        };
                        state.stack.push(Entry { known, ..UNKNOWN });
                    }
                    None => state.step(&u, stable),
                }
            }
            UopOp::CallPyConst | UopOp::CallInitConst | UopOp::RangeIter => state.step(&u, stable),
            UopOp::GuardOperandPartner => {}
            UopOp::CallOperatorConst => {
                state.step(&u, stable);
                // Without the dependencies, tier 1's form runs it (guarded).
                if !env.constant_call(Value::from_bits(u.operand), 2) {
                    u.op = UopOp::Step;
                    u.operand = 0;
                }
            }
            // Fusion and inlining come after this pass (were inlining
            // before it, nothing known of one frame would hold in the
            // other).
            UopOp::PushFrame
            | UopOp::PushVirtualFrame
            | UopOp::PopFrame
            | UopOp::PopFrameConst
            | UopOp::LoadAttrLocal
            | UopOp::LoadAttrLocal2
            | UopOp::StoreAttrLocal
            | UopOp::StoreAttrLocalUnshared
            | UopOp::IntOp3
            | UopOp::IntAdd3
            | UopOp::IntSub3
            | UopOp::IntMul3
            | UopOp::FloatOp3
            | UopOp::FloatAdd3
            | UopOp::FloatSub3
            | UopOp::FloatMul3
            | UopOp::FloatDiv3
            | UopOp::CompareInt3
            | UopOp::CompareFloat3
            | UopOp::CompareIs3
            | UopOp::Subscr3
            | UopOp::SubscrLocalConst
            | UopOp::StoreSubscr3 => state = Abstract::default(),
            UopOp::CheckValidity
            | UopOp::Jump
            | UopOp::JumpBack
            | UopOp::JumpToTop
            | UopOp::Exit
            | UopOp::ExitUntaken => {}
        }
        out.push(u);
    }
    *uops = out;
    removed
}

/// The place in `math`'s table of functions of one float of the callable
/// of `call`, a `CallBuiltin` of one argument, when the state holds it as
/// a constant (a method call's receiver slot the NULL of a module
/// function's load): its `CallFloatFunction`.
fn float_function_call(state: &Abstract, call: &Uop, env: &dyn Assumptions) -> Option<u32> {
    if call.arg != 1 {
        return None;
    }
    let callee = match call.opcode {
        Opcode::CallMethodBuiltin => {
            let slot = state.peek(2).constant;
            state
                .peek(3)
                .constant
                .filter(|_| slot == Some(Value::NULL.to_bits()))
        }
        Opcode::CallBuiltin => state.peek(2).constant,
        _ => None,
    }?;
    env.float_function(Value::from_bits(callee))
}

/// The builtin method of `call`, a method call (`CallMethodBuiltin`) of
/// one argument, and its place in the table of methods tier 2 calls
/// natively, when a `LoadMethodBuiltin` loaded it: its `CallNativeMethod`.
fn native_method_call(state: &Abstract, call: &Uop, env: &dyn Assumptions) -> Option<(u64, u32)> {
    if call.opcode != Opcode::CallMethodBuiltin || call.arg != 1 || !state.peek(2).receiver {
        return None;
    }
    let method = state.peek(3).builtin_method?;
    Some((method, env.native_method(Value::from_bits(method))?))
}

/// Pass 4, second part: `range(a[, b])` (the `RangeIter` that pass 4 made
/// of its call) then `GetIter`, nothing jumping between them, become one
/// `RangeIter` that makes the iterator without the range object; a
/// `RangeIter` without its `GetIter` is a `Step` again.
pub fn fuse_range_iterators(uops: &mut Vec<Uop>) {
    let targets = jump_targets(uops);
    let mut out: Vec<Uop> = Vec::with_capacity(uops.len());
    let mut fused = Vec::new();
    for u in uops.drain(..) {
        let fuses = u.op == UopOp::GetIter
            && targets.binary_search(&u.at).is_err()
            && out
                .last()
                .is_some_and(|p| p.op == UopOp::RangeIter && p.segment == u.segment);
        if fuses {
            out.last_mut().expect("checked").target = u.target;
            fused.push(out.len() - 1);
        } else {
            out.push(u);
        }
    }
    for (i, u) in out.iter_mut().enumerate() {
        if u.op == UopOp::RangeIter && fused.binary_search(&i).is_err() {
            u.op = UopOp::Step;
        }
    }
    *uops = out;
}

/// Pass 5, first part (module docs): `Copy n` right after `n` loads
/// (locals or constants) copies what the first of them pushed: it becomes
/// that load again (a local known bound now), which `fuse_operands` can
/// then take into an operation. `b[k] op= v` and `o.x op= v` copy their
/// container and key, or their receiver, this way. Not where a jump lands
/// on the copy or on one of the loads after the first.
pub fn reload_copies(uops: &mut [Uop]) {
    let targets = jump_targets(uops);
    let lands = |at: u32| targets.binary_search(&at).is_ok();
    for i in 0..uops.len() {
        let copy = uops[i];
        let n = copy.arg as usize;
        if copy.op != UopOp::Copy || n == 0 || n > i || lands(copy.at) {
            continue;
        }
        let loads = &uops[i - n..i];
        let pure = |l: &Uop| {
            matches!(
                l.op,
                UopOp::LoadFast | UopOp::LoadFastBound | UopOp::LoadConst
            ) && l.segment == copy.segment
        };
        if !loads.iter().all(pure) || loads[1..].iter().any(|l| lands(l.at)) {
            continue;
        }
        let source = loads[0];
        uops[i] = Uop {
            op: match source.op {
                UopOp::LoadFast => UopOp::LoadFastBound,
                op => op,
            },
            arg: source.arg,
            operand: source.operand,
            ..copy
        };
    }
}

/// Pass 5, second part (module docs): `Swap 3; Swap 2` before a list
/// store puts the value under the container and key it was computed
/// after (`b[k] op= v`); the store takes them in that order instead
/// (`arg` 1). It leaves, when its guard fails, for the first swap, with
/// the stack as tier 1 has it there.
pub fn fuse_rotated_stores(uops: &mut Vec<Uop>) {
    let targets = jump_targets(uops);
    let lands = |at: u32| targets.binary_search(&at).is_ok();
    let mut out: Vec<Uop> = Vec::with_capacity(uops.len());
    for u in uops.drain(..) {
        let n = out.len();
        let rotated = u.op == UopOp::StoreSubscrListInt
            && n >= 2
            && !lands(u.at)
            && !lands(out[n - 1].at)
            && matches!(
                (&out[n - 2], &out[n - 1]),
                (a, b) if a.op == UopOp::Swap && a.arg == 3 && b.op == UopOp::Swap && b.arg == 2
            );
        if rotated {
            let first = out[n - 2].at;
            out.truncate(n - 2);
            out.push(Uop {
                arg: 1,
                at: first,
                ..u
            });
        } else {
            out.push(u);
        }
    }
    *uops = out;
}

/// Pass 5 (module docs). A group is fused only where no jump lands inside
/// it (a jump to its first instruction lands on the fused micro-op, which
/// leaves for that instruction, having changed nothing, when it fails).
/// Returns how many guards went into the operations.
pub fn fuse_operands(uops: &mut Vec<Uop>) -> u64 {
    let targets = jump_targets(uops);
    let lands = |at: u32| targets.binary_search(&at).is_ok();
    let mut out: Vec<Uop> = Vec::with_capacity(uops.len());
    let mut guards = 0;
    let mut i = 0;
    while i < uops.len() {
        let u = uops[i];
        i += 1;
        if matches!(
            u.op,
            UopOp::LoadAttrInstanceDict | UopOp::StoreAttrInstanceDict
        ) {
            let attribute = fuse_attribute_access(&mut out, u, &lands);
            let attribute = fold_receiver_guard(&mut out, attribute);
            let attribute = pair_attribute_loads(&mut out, attribute, &lands);
            out.push(attribute);
            continue;
        }
        if u.op == UopOp::LoadMethodConst {
            let load = fold_receiver_guard(&mut out, u);
            let load = fuse_local_receiver(&mut out, load, &lands);
            out.push(load);
            continue;
        }
        if matches!(u.op, UopOp::ForIterRange | UopOp::ForIterSequence) {
            // The loop variable's store: the next item goes to the local.
            let mut iterate = u;
            if let Some(store) = uops
                .get(i)
                .filter(|n| n.op == UopOp::StoreFast && !lands(n.at))
            {
                iterate.extra = store.arg + 1;
                i += 1;
            }
            out.push(iterate);
            continue;
        }
        let fused = match u.op {
            UopOp::BinaryOpInt => Some(UopOp::IntOp3),
            // The other operators whose result on two inline ints is
            // always one (an exit leaves a zero divisor to tier 1).
            UopOp::BinaryOpIntAny if always_inline_int(u.arg) => Some(UopOp::IntOp3),
            UopOp::BinaryOpFloat => Some(UopOp::FloatOp3),
            UopOp::CompareInt => Some(UopOp::CompareInt3),
            UopOp::CompareFloat => Some(UopOp::CompareFloat3),
            UopOp::CompareIs => Some(UopOp::CompareIs3),
            UopOp::SubscrSequenceInt => Some(UopOp::Subscr3),
            // The list and index of `p[i] = v` (not the rotated form,
            // whose list and index were pushed before the value).
            UopOp::StoreSubscrListInt if u.arg == 0 => Some(UopOp::StoreSubscr3),
            _ => None,
        }
        .filter(|_| u.arg <= 0xFF);
        let Some(fused) = fused else {
            out.push(u);
            continue;
        };
        // The operation checks its operands itself.
        if out.last().is_some_and(|g| {
            matches!(g.op, UopOp::GuardBothInt | UopOp::GuardFloatMix) && g.at == u.at
        }) {
            out.pop();
            guards += 1;
        }
        let mut constant = None;
        let mut source = |p: Option<&Uop>| -> Option<Slot> {
            let p = p?;
            match p.op {
                UopOp::LoadFast | UopOp::LoadFastBound if p.arg as usize <= Slot::MAX_LOCAL => {
                    Some(Slot::Local(p.arg as u8))
                }
                UopOp::LoadConst if constant.is_none() => {
                    let v = Value::from_bits(p.operand);
                    // Any container or identity; numbers otherwise.
                    let takes = matches!(fused, UopOp::Subscr3 | UopOp::CompareIs3)
                        || v.as_inline_int().is_some()
                        || v.is_float();
                    takes.then(|| {
                        constant = Some(p.operand);
                        Slot::Constant
                    })
                }
                _ => None,
            }
        };
        let (mut a, mut b, mut first) = (Slot::Stack, Slot::Stack, u.at);
        if !lands(u.at) {
            if let Some(slot) = source(out.last()) {
                b = slot;
                first = out.pop().expect("a source").at;
                if !lands(first) {
                    if let Some(slot) = source(out.last()) {
                        a = slot;
                        first = out.pop().expect("a source").at;
                    }
                }
            }
        }
        if fused == UopOp::StoreSubscr3 && a == Slot::Stack && b == Slot::Stack {
            // Nothing to read from elsewhere: the plain store is shorter.
            out.push(u);
            continue;
        }
        let mut result = Slot::Stack;
        let mut target = u.target;
        let stores = fused == UopOp::StoreSubscr3;
        if let Some(next) = uops.get(i).filter(|n| !lands(n.at) && !stores) {
            let compares = fused.is_fused_compare();
            match next.op {
                UopOp::StoreFast if next.arg as usize <= Slot::MAX_LOCAL => {
                    result = Slot::Local(next.arg as u8);
                    i += 1;
                }
                UopOp::ExitIf | UopOp::ExitIfBool | UopOp::JumpIf | UopOp::JumpIfBool
                    if compares =>
                {
                    result = Slot::Branch {
                        exit: matches!(next.op, UopOp::ExitIf | UopOp::ExitIfBool),
                        when: next.arg == 1,
                    };
                    target = next.target;
                    i += 1;
                }
                _ => {}
            }
        }
        let operator = match u.op {
            // The in-place forms compute as their operators do.
            UopOp::BinaryOpInt | UopOp::BinaryOpIntAny | UopOp::BinaryOpFloat => {
                crate::bytecode::BinaryOp::from_arg(u.arg).plain() as u32
            }
            _ => u.arg,
        };
        let operands = Operands {
            op: operator as u8,
            a,
            b,
            result,
        };
        let fused = match fused {
            UopOp::IntOp3 | UopOp::FloatOp3 => {
                fused.for_operator(crate::bytecode::BinaryOp::from_arg(operator))
            }
            UopOp::Subscr3
                if matches!(a, Slot::Local(_))
                    && b == Slot::Constant
                    && constant
                        .and_then(|c| Value::from_bits(c).as_inline_int())
                        .is_some_and(|k| k >= 0) =>
            {
                UopOp::SubscrLocalConst
            }
            _ => fused,
        };
        out.push(Uop {
            op: fused,
            arg: operands.encode(),
            at: first,
            target,
            operand: constant.unwrap_or(0),
            ..u
        });
    }
    *uops = out;
    guards
}

/// Whether the operator `arg` of a `BinaryOpIntAny` gives an inline int
/// for any two inline ints it does not raise for: `//`, `%`, `&`, `|`,
/// `^` and `>>` (not `<<`, `**` or `/`).
fn always_inline_int(arg: u32) -> bool {
    use crate::bytecode::BinaryOp as B;
    matches!(
        B::from_arg(arg).plain(),
        B::FloorDiv | B::Mod | B::And | B::Or | B::Xor | B::RShift
    )
}

/// `LoadFast; [class guard]` at the end of `out` then `access`, a
/// `LoadAttrInstanceDict` or `StoreAttrInstanceDict`, as one
/// `LoadAttrLocal` or `StoreAttrLocal` (the guard and the receiver's load
/// removed from `out`), or `access` as it is.
fn fuse_attribute_access(out: &mut Vec<Uop>, access: Uop, lands: &impl Fn(u32) -> bool) -> Uop {
    if lands(access.at) {
        return access;
    }
    let fused = if access.op == UopOp::StoreAttrInstanceDict {
        UopOp::StoreAttrLocal
    } else {
        UopOp::LoadAttrLocal
    };
    let n = out.len();
    let guarded = out.last().is_some_and(|g| {
        matches!(g.op, UopOp::GuardClassVersion | UopOp::GuardClassVersions)
            && g.arg == 1
            && g.at == access.at
    });
    let guard = guarded.then(|| out[n - 1]);
    let Some(local) = out.get(n - 1 - usize::from(guarded)).copied() else {
        return access;
    };
    let arg = match local_attribute(access.arg, local.arg, access.operand) {
        Some(arg) if matches!(local.op, UopOp::LoadFast | UopOp::LoadFastBound) => arg,
        _ => return access,
    };
    out.truncate(n - 1 - usize::from(guarded));
    Uop {
        op: fused,
        arg,
        at: local.at,
        operand: guard.map_or(0, |g| g.operand),
        target: guard.map_or(0, |g| {
            if g.op == UopOp::GuardClassVersions {
                g.target
            } else {
                0
            }
        }),
        extra: guard.map_or(0, |g| g.extra),
        ..access
    }
}

/// The `GuardClassVersion` of the receiver on top of the stack at the end
/// of `out`, then `access` (a `LoadAttrInstanceDict`,
/// `StoreAttrInstanceDict` or `LoadMethodConst` of the same instruction),
/// as `access` checking that version itself (in `extra`; the guard removed
/// from `out`), or `access` as it is.
fn fold_receiver_guard(out: &mut Vec<Uop>, access: Uop) -> Uop {
    if !matches!(
        access.op,
        UopOp::LoadAttrInstanceDict | UopOp::StoreAttrInstanceDict | UopOp::LoadMethodConst
    ) {
        return access;
    }
    let version = match out.last() {
        Some(g) if g.op == UopOp::GuardClassVersion && g.arg == 1 && g.at == access.at => {
            u32::try_from(g.operand).ok().filter(|&v| v != 0)
        }
        _ => None,
    };
    let Some(version) = version else {
        return access;
    };
    out.pop();
    Uop {
        extra: version,
        ..access
    }
}

/// A `LoadAttrLocal` at the end of `out` then `second`, another, as one
/// `LoadAttrLocal2` (the first removed from `out`), when each guards one
/// class version at most and no jump lands on `second`'s instruction; or
/// `second` as it is.
fn pair_attribute_loads(out: &mut Vec<Uop>, second: Uop, lands: &impl Fn(u32) -> bool) -> Uop {
    // The one version a `LoadAttrLocal` guards (0: none), if not more.
    let single = |u: &Uop| {
        let version = u32::try_from(u.operand).ok()?;
        (u.target == 0 && u.extra == 0).then_some(version)
    };
    let first = match out.last() {
        Some(&f) if f.op == UopOp::LoadAttrLocal && second.op == UopOp::LoadAttrLocal => f,
        _ => return second,
    };
    let (Some(v1), Some(v2)) = (single(&first), single(&second)) else {
        return second;
    };
    if lands(second.at) {
        return second;
    }
    out.pop();
    Uop {
        op: UopOp::LoadAttrLocal2,
        operand: u64::from(v1) | u64::from(v2) << 32,
        target: second.at,
        extra: second.arg,
        ..first
    }
}

/// `LoadFast k` at the end of `out` then `load`, a `LoadMethodConst` (its
/// guard folded in or not), as one `LoadMethodLocal` of local `k` (the
/// load removed from `out`), unless a jump lands on `load`'s instruction.
fn fuse_local_receiver(out: &mut Vec<Uop>, load: Uop, lands: &impl Fn(u32) -> bool) -> Uop {
    let local = match out.last() {
        Some(&l) if matches!(l.op, UopOp::LoadFast | UopOp::LoadFastBound) && !lands(load.at) => l,
        _ => return load,
    };
    out.pop();
    Uop {
        op: UopOp::LoadMethodLocal,
        arg: local.arg,
        at: local.at,
        ..load
    }
}

/// Pass 6 (module docs): a push that cannot fail, popped at once (not
/// where a jump lands on the pop).
pub fn remove_dead_pushes(uops: &mut Vec<Uop>) {
    let targets = jump_targets(uops);
    let mut out: Vec<Uop> = Vec::with_capacity(uops.len());
    for u in uops.drain(..) {
        let dead = u.op == UopOp::PopTop
            && targets.binary_search(&u.at).is_err()
            && out.last().is_some_and(|p| {
                matches!(p.op, UopOp::LoadFastBound | UopOp::LoadConst | UopOp::Copy)
            });
        if dead {
            out.pop();
        } else {
            out.push(u);
        }
    }
    *uops = out;
}

/// Pass 6, second part (module docs): a constant load then the return of
/// an inlined function (nothing jumping to the return) become one
/// `PopFrameConst`, at the load's instruction.
pub fn fuse_constant_returns(uops: &mut Vec<Uop>) {
    let targets = jump_targets(uops);
    let mut out: Vec<Uop> = Vec::with_capacity(uops.len());
    for u in uops.drain(..) {
        let fuses = u.op == UopOp::PopFrame
            && targets.binary_search(&u.at).is_err()
            && out.last().is_some_and(|p| p.op == UopOp::LoadConst);
        if fuses {
            let load = out.last_mut().expect("checked");
            *load = Uop {
                op: UopOp::PopFrameConst,
                arg: u.arg,
                opcode: u.opcode,
                ..*load
            };
        } else {
            out.push(u);
        }
    }
    *uops = out;
}

/// Pass 7 (module docs). An escaping micro-op ends its instruction, so
/// the check after it resumes tier 1 at the next micro-op's instruction.
pub fn place_validity_checks(uops: &mut Vec<Uop>) {
    uops.retain(|u| u.op != UopOp::CheckValidity);
    let mut out = Vec::with_capacity(uops.len() * 2);
    for i in 0..uops.len() {
        let u = uops[i];
        out.push(u);
        if u.op.escapes() && !matches!(u.op, UopOp::JumpToTop | UopOp::JumpBack) {
            if let Some(next) = uops.get(i + 1) {
                let mut check = *next;
                check.op = UopOp::CheckValidity;
                check.target = next.at;
                check.operand = 0;
                out.push(check);
            }
        }
    }
    *uops = out;
}

/// Pass 9 (module docs): the slots of each fused operation in `uops`, the
/// micro-ops of `code`, from the stack's depth at its instruction. False
/// when an operation's instruction has no depth or its slots do not fit
/// (an executor or inlined body is then not built).
pub fn place_fused_operands(uops: &mut [Uop], code: &CodeObject) -> bool {
    let Some(depths) = crate::bytecode::stack_depths(&code.instructions, &code.exception_table)
    else {
        return false;
    };
    let locals = code.nlocals();
    for u in uops.iter_mut().filter(|u| u.op.is_fused()) {
        let Some(&Some(depth)) = depths.get(u.at as usize) else {
            return false;
        };
        let operands = Operands::decode(u.arg);
        let place = if u.op == UopOp::StoreSubscr3 {
            Access::place_store
        } else {
            Access::place
        };
        let Some(access) = place(operands, locals, depth as usize) else {
            return false;
        };
        u.extra = access.operands;
        u.place = access.result;
    }
    true
}

/// Pass 8, after inlining (module docs): stores to the instance an
/// inlined `__init__` was called for (the body's local 0) skip the
/// instance's lock while no other thread can have seen it. The constructor
/// call allocated it and pushed the frame without a safepoint, so until
/// the body reaches one, runs other code or stores the instance anywhere,
/// it is this thread's alone: the marking runs from the body's first
/// micro-op through loads, stores to other locals, stack shuffles,
/// attribute loads and these stores, and stops at anything else and where
/// a jump lands. Since the instance's dict starts empty and only these
/// stores write it, the first store of each name adds a key the dict does
/// not have yet: its hint becomes [`NEW_KEY_HINT`].
pub fn mark_unshared_stores(uops: &mut [Uop]) {
    // A jump lands in its own code: (segment, instruction).
    let mut targets: Vec<(u16, u32)> = uops
        .iter()
        .filter_map(|u| jump_target(u).map(|t| (u.segment, t)))
        .collect();
    targets.sort_unstable();
    for p in 0..uops.len() {
        let push = uops[p];
        let inlined_init = matches!(push.op, UopOp::PushFrame | UopOp::PushVirtualFrame)
            && push.opcode == Opcode::CallClassInit;
        let body = uops
            .get(p + 1)
            .map(|u| u.segment)
            .filter(|&s| s != push.segment);
        let (true, Some(segment)) = (inlined_init, body) else {
            continue;
        };
        // Names of one code: the same index is the same name.
        let mut stored: Vec<usize> = Vec::new();
        for u in uops[p + 1..].iter_mut() {
            if u.segment != segment || targets.binary_search(&(segment, u.at)).is_ok() {
                break;
            }
            match u.op {
                UopOp::LoadFast
                | UopOp::LoadFastBound
                | UopOp::LoadConst
                | UopOp::Copy
                | UopOp::Swap
                | UopOp::PopTop
                | UopOp::LoadAttrLocal
                | UopOp::LoadAttrLocal2 => {}
                UopOp::StoreFast if u.arg != 0 => {}
                UopOp::StoreAttrLocal if local_attribute_parts(u.arg).1 == 0 => {
                    u.op = UopOp::StoreAttrLocalUnshared;
                    let name = local_attribute_parts(u.arg).0;
                    if !stored.contains(&name) {
                        stored.push(name);
                        u.arg = with_attribute_hint(u.arg, NEW_KEY_HINT);
                    }
                }
                _ => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytecode::Instr;

    fn uop(op: UopOp, opcode: Opcode, arg: u32, at: u32) -> Uop {
        Uop::new(op, Instr { op: opcode, arg }, at, at + 1)
    }

    fn ops(uops: &[Uop]) -> Vec<UopOp> {
        uops.iter().map(|u| u.op).collect()
    }

    /// A `LoadConst` of `v` that stands for instruction `opcode` at `at`.
    fn load_const(opcode: Opcode, v: Value, at: u32) -> Uop {
        let mut u = uop(UopOp::LoadConst, opcode, 0, at);
        u.operand = v.to_bits();
        u
    }

    fn int(i: i64) -> Uop {
        load_const(Opcode::LoadConst, Value::try_int(i).unwrap(), 0)
    }

    struct Table(Vec<Option<Value>>);

    impl Assumptions for Table {
        fn global_constant(&mut self, name: u32) -> Option<Value> {
            self.0[name as usize]
        }

        fn plain_class_store(&self, v: Value, name: u32) -> bool {
            v == Value::TRUE && name != 99
        }

        fn class_attribute(&mut self, class: Value, name: u32) -> Option<Value> {
            (class == Value::TRUE && name == 5).then(|| Value::try_int(42).unwrap())
        }

        fn class_method(&mut self, class: Value, name: u32) -> Option<(Value, Value)> {
            // Name 7: a staticmethod (no receiver); 8: a classmethod.
            match (class == Value::TRUE, name) {
                (true, 7) => Some((Value::TRUE, Value::NULL)),
                (true, 8) => Some((Value::TRUE, class)),
                _ => None,
            }
        }

        fn descriptor_callable(
            &mut self,
            version: u64,
            name: u32,
            kind: DescriptorKind,
        ) -> Option<Value> {
            // Class version 42's attribute 3 is a property, 4 a
            // staticmethod.
            match (version, name, kind) {
                (42, 3, DescriptorKind::Property) => Some(Value::FALSE),
                (42, 4, DescriptorKind::StaticMethod) => Some(Value::TRUE),
                _ => None,
            }
        }

        fn constant_call(&mut self, func: Value, nargs: u32) -> bool {
            func == Value::TRUE && nargs == 1
        }

        fn module_attribute(&mut self, module: Value, name: u32) -> Option<Value> {
            // The "module" None's attribute 6 is 6.
            (module == Value::NONE && name == 6).then(|| Value::try_int(6).unwrap())
        }

        fn constant_init(&mut self, class: Value, nargs: u32) -> Option<Value> {
            // The "class" False's `__init__` (True) takes two arguments.
            (class == Value::FALSE && nargs == 2).then_some(Value::TRUE)
        }

        fn float_function(&self, v: Value) -> Option<u32> {
            // The "function" None is the table's third.
            (v == Value::NONE).then_some(2)
        }

        fn native_method(&self, v: Value) -> Option<u32> {
            // The "method" False is the table's second.
            (v == Value::FALSE).then_some(1)
        }
    }

    #[test]
    fn globals_become_constants_only_where_the_runtime_allows() {
        let mut uops = vec![
            uop(UopOp::LoadGlobal, Opcode::LoadGlobalModule, 0, 0),
            uop(UopOp::LoadGlobal, Opcode::LoadGlobalBuiltin, 1, 1),
        ];
        let five = Value::try_int(5).unwrap();
        let n = globals_to_constants(&mut uops, &mut Table(vec![Some(five), None]));
        assert_eq!(n, 1);
        assert_eq!(ops(&uops), vec![UopOp::LoadConst, UopOp::LoadGlobal]);
        assert_eq!(uops[0].operand, five.to_bits());
    }

    #[test]
    fn a_slice_built_to_subscript_a_sequence_fuses_with_it() {
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            uop(UopOp::LoadConst, Opcode::LoadConst, 0, 1),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 2),
            uop(UopOp::Step, Opcode::BuildSlice, 2, 3),
            uop(UopOp::Step, Opcode::BinarySubscrSeqSlice, 0, 4),
            // With a step, and by a generic subscript: apart.
            uop(UopOp::Step, Opcode::BuildSlice, 3, 5),
            uop(UopOp::Step, Opcode::BinarySubscrSeqSlice, 0, 6),
            uop(UopOp::Step, Opcode::BuildSlice, 2, 7),
            uop(UopOp::Step, Opcode::BinarySubscr, 0, 8),
        ];
        fuse_slices(&mut uops);
        assert_eq!(
            ops(&uops),
            vec![
                UopOp::LoadFast,
                UopOp::LoadConst,
                UopOp::LoadFast,
                UopOp::SliceSequence,
                UopOp::Step,
                UopOp::Step,
                UopOp::Step,
                UopOp::Step,
            ]
        );
        assert_eq!((uops[3].at, uops[3].target), (3, 5));
    }

    #[test]
    fn a_range_call_then_get_iter_becomes_one_range_iter() {
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            uop(UopOp::RangeIter, Opcode::CallBuiltinClass, 1, 1),
            uop(UopOp::GetIter, Opcode::GetIter, 0, 2),
            // Without its `GetIter`: a step again.
            uop(UopOp::RangeIter, Opcode::CallBuiltinClass, 2, 3),
            uop(UopOp::PopTop, Opcode::PopTop, 0, 4),
            // A `GetIter` something jumps to stays apart.
            uop(UopOp::RangeIter, Opcode::CallBuiltinClass, 1, 5),
            uop(UopOp::GetIter, Opcode::GetIter, 0, 6),
            uop(UopOp::JumpIf, Opcode::PopJumpIfTrue, 0, 7),
        ];
        uops[7].target = 6;
        fuse_range_iterators(&mut uops);
        assert_eq!(
            ops(&uops),
            vec![
                UopOp::LoadFast,
                UopOp::RangeIter,
                UopOp::Step,
                UopOp::PopTop,
                UopOp::Step,
                UopOp::GetIter,
                UopOp::JumpIf,
            ]
        );
        // The fused micro-op goes on after the `GetIter`.
        assert_eq!((uops[1].at, uops[1].target), (1, 3));
    }

    #[test]
    fn a_tuple_built_to_be_unpacked_becomes_a_swap() {
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 1),
            uop(UopOp::Step, Opcode::BuildTuple, 2, 2),
            uop(UopOp::Step, Opcode::UnpackSequenceTuple, 2, 3),
            uop(UopOp::Step, Opcode::BuildTuple, 4, 4),
            uop(UopOp::Step, Opcode::UnpackSequence, 4, 5),
            // The two-tuple form has a micro-op of its own.
            uop(UopOp::Step, Opcode::BuildTuple, 2, 6),
            uop(UopOp::UnpackTwo, Opcode::UnpackSequenceTwoTuple, 2, 7),
        ];
        fuse_tuple_swaps(&mut uops);
        assert_eq!(
            ops(&uops),
            vec![
                UopOp::LoadFast,
                UopOp::LoadFast,
                UopOp::Swap,
                UopOp::Step,
                UopOp::Step,
                UopOp::Swap,
            ]
        );
        assert_eq!((uops[2].arg, uops[2].at, uops[2].target), (2, 2, 4));
    }

    #[test]
    fn stores_to_a_constant_plain_class_go_straight_to_the_event() {
        let konst = |v: Value, at| load_const(Opcode::LoadGlobalModule, v, at);
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            konst(Value::TRUE, 1), // "a plain class" for the table
            uop(UopOp::Step, Opcode::StoreAttr, 4, 2),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 3),
            konst(Value::NONE, 4), // not a class
            uop(UopOp::Step, Opcode::StoreAttr, 4, 5),
            konst(Value::TRUE, 6),
            uop(UopOp::Step, Opcode::StoreAttr, 99, 7), // "a dunder"
        ];
        class_attributes(&mut uops, &mut Table(vec![]));
        assert_eq!(
            ops(&uops),
            vec![
                UopOp::LoadFast,
                UopOp::StoreClassAttr,
                UopOp::LoadFast,
                UopOp::LoadConst,
                UopOp::Step,
                UopOp::LoadConst,
                UopOp::Step
            ]
        );
        // Name 4, and no position hint (the table knows none).
        assert_eq!(
            (
                super::super::uop::class_store_parts(uops[1].arg),
                uops[1].at,
                uops[1].operand
            ),
            ((4, usize::MAX), 2, Value::TRUE.to_bits())
        );
        assert_eq!(
            super::super::uop::class_store_parts(class_store(7, Some(3))),
            (7, 3)
        );
    }

    #[test]
    fn attributes_of_a_constant_class_become_constants_where_allowed() {
        let konst = |v: Value, at| load_const(Opcode::LoadGlobalModule, v, at);
        let mut uops = vec![
            konst(Value::TRUE, 0),
            uop(UopOp::Step, Opcode::LoadAttr, 5, 1),
            konst(Value::TRUE, 2),
            uop(UopOp::Step, Opcode::LoadAttr, 6, 3), // not allowed
        ];
        assert_eq!(class_attributes(&mut uops, &mut Table(vec![])), 1);
        assert_eq!(
            ops(&uops),
            vec![UopOp::LoadConst, UopOp::LoadConst, UopOp::Step]
        );
        assert_eq!(uops[0].operand, Value::try_int(42).unwrap().to_bits());
        // At the class's load, where tier 1 resumes if an operation that
        // takes the constant leaves.
        assert_eq!((uops[0].at, uops[0].target), (0, 2));
    }

    #[test]
    fn descriptors_of_a_guarded_class_become_constants_where_allowed() {
        let guard = |version, at| {
            let mut g = uop(UopOp::GuardClassVersion, Opcode::LoadAttrProperty, 1, at);
            g.operand = version;
            g
        };
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            guard(42, 1),
            uop(UopOp::LoadAttrProperty, Opcode::LoadAttrProperty, 3, 1),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 2),
            guard(42, 3),
            uop(UopOp::LoadMethodStatic, Opcode::LoadMethodStatic, 4, 3),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 4),
            guard(42, 5),
            // Attribute 3 is a property, not a staticmethod: refused.
            uop(UopOp::LoadMethodStatic, Opcode::LoadMethodStatic, 3, 5),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 6),
            guard(7, 7),
            // Another class (the runtime found none it may depend on).
            uop(UopOp::LoadAttrProperty, Opcode::LoadAttrProperty, 3, 7),
        ];
        assert_eq!(class_attributes(&mut uops, &mut Table(vec![])), 2);
        assert_eq!(
            ops(&uops),
            vec![
                UopOp::LoadFast,
                UopOp::GuardClassVersion,
                UopOp::LoadAttrPropertyConst,
                UopOp::LoadFast,
                UopOp::GuardClassVersion,
                UopOp::PopTop,
                UopOp::LoadConst,
                UopOp::LoadConst,
                UopOp::LoadFast,
                UopOp::GuardClassVersion,
                UopOp::LoadMethodStatic,
                UopOp::LoadFast,
                UopOp::GuardClassVersion,
                UopOp::LoadAttrProperty,
            ]
        );
        assert_eq!(uops[2].operand, Value::FALSE.to_bits());
        assert_eq!(
            (uops[6].operand, uops[7].operand),
            (Value::TRUE.to_bits(), Value::NULL.to_bits())
        );
        assert!(uops[5..8].iter().all(|u| u.at == 3));
    }

    #[test]
    fn methods_of_a_constant_class_become_two_constants_where_allowed() {
        let konst = |v: Value, at| load_const(Opcode::LoadGlobalModule, v, at);
        let mut uops = vec![
            konst(Value::TRUE, 0),
            uop(UopOp::Step, Opcode::LoadMethod, 7, 1), // a staticmethod
            konst(Value::TRUE, 2),
            uop(UopOp::Step, Opcode::LoadMethod, 8, 3), // a classmethod
            konst(Value::TRUE, 4),
            uop(UopOp::Step, Opcode::LoadMethod, 9, 5), // not allowed
        ];
        assert_eq!(class_attributes(&mut uops, &mut Table(vec![])), 2);
        assert_eq!(
            ops(&uops),
            vec![
                UopOp::LoadConst,
                UopOp::LoadConst,
                UopOp::LoadConst,
                UopOp::LoadConst,
                UopOp::LoadConst,
                UopOp::Step
            ]
        );
        let operands: Vec<(u64, u32)> = uops[..4].iter().map(|u| (u.operand, u.at)).collect();
        let (t, null) = (Value::TRUE.to_bits(), Value::NULL.to_bits());
        assert_eq!(operands, vec![(t, 1), (null, 1), (t, 3), (t, 3)]);
    }

    #[test]
    fn attributes_and_functions_of_a_constant_module_become_constants_where_allowed() {
        let konst = |v: Value, at| load_const(Opcode::LoadGlobalModule, v, at);
        let six = Value::try_int(6).unwrap();
        let mut uops = vec![
            konst(Value::NONE, 0),
            uop(UopOp::Step, Opcode::LoadMethodModule, 6, 1),
            konst(Value::NONE, 2),
            uop(UopOp::Step, Opcode::LoadAttrModule, 6, 3),
            konst(Value::NONE, 4),
            uop(UopOp::Step, Opcode::LoadAttrModule, 9, 5), // not allowed
            konst(Value::TRUE, 6),
            uop(UopOp::Step, Opcode::LoadMethodModule, 6, 7), // not a module
        ];
        assert_eq!(class_attributes(&mut uops, &mut Table(vec![])), 2);
        let kinds: Vec<(UopOp, u64)> = uops.iter().map(|u| (u.op, u.operand)).collect();
        let (null, none) = (Value::NULL.to_bits(), Value::NONE.to_bits());
        assert_eq!(
            kinds[..4],
            [
                (UopOp::LoadConst, six.to_bits()),
                (UopOp::LoadConst, null),
                (UopOp::LoadConst, six.to_bits()),
                (UopOp::LoadConst, none),
            ]
        );
        assert_eq!(
            ops(&uops)[4..],
            [UopOp::Step, UopOp::LoadConst, UopOp::Step]
        );
    }

    #[test]
    fn method_calls_of_a_constant_function_count_a_constant_receiver() {
        let konst = |v: Value, at| load_const(Opcode::LoadMethod, v, at);
        let call = |n, at| uop(UopOp::Step, Opcode::CallMethodPy, n, at);
        let mut uops = vec![
            // f(x), no receiver: one argument.
            konst(Value::TRUE, 0),
            konst(Value::NULL, 0),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 1),
            call(1, 2),
            // f(C): the receiver is the one argument.
            konst(Value::TRUE, 3),
            konst(Value::FALSE, 3),
            call(0, 4),
            // f(C, x): two arguments, refused.
            konst(Value::TRUE, 5),
            konst(Value::FALSE, 5),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 6),
            call(1, 7),
            // A receiver slot not known: refused.
            konst(Value::TRUE, 8),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 9),
            call(0, 10),
        ];
        propagate_types(&mut uops, &[], &mut Table(vec![]));
        let calls: Vec<UopOp> = uops
            .iter()
            .filter(|u| u.opcode == Opcode::CallMethodPy)
            .map(|u| u.op)
            .collect();
        assert_eq!(
            calls,
            vec![
                UopOp::CallPyConst,
                UopOp::CallPyConst,
                UopOp::Step,
                UopOp::Step
            ]
        );
    }

    #[test]
    fn a_property_call_escapes_and_its_result_is_unknown() {
        let guard = || {
            let mut g = uop(UopOp::GuardClassVersion, Opcode::LoadAttrProperty, 1, 1);
            g.operand = 42;
            g
        };
        let body = |op| {
            vec![
                uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
                guard(),
                uop(op, Opcode::LoadAttrProperty, 3, 1),
                uop(UopOp::LoadFast, Opcode::LoadFast, 0, 2),
                uop(UopOp::LoadFast, Opcode::LoadFast, 0, 3),
                uop(UopOp::GuardBothInt, Opcode::BinaryOpAddInt, 0, 4),
            ]
        };
        for op in [UopOp::LoadAttrProperty, UopOp::LoadAttrPropertyConst] {
            let mut uops = body(op);
            let guarded = |u: &[Uop]| u.iter().filter(|u| u.op.is_guard()).count();
            propagate_types(&mut uops, &[], &mut Table(vec![]));
            assert_eq!(guarded(&uops), 2, "the getter may have changed the class");
            place_validity_checks(&mut uops);
            assert_eq!(uops[3].op, UopOp::CheckValidity);
        }
    }

    #[test]
    fn a_proved_int_guard_is_removed_and_locals_remember_it() {
        // i < n; i += 1 (i and n guarded by the compare).
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 1),
            uop(UopOp::GuardBothInt, Opcode::CompareOpInt, 0, 2),
            uop(UopOp::CompareInt, Opcode::CompareOpInt, 0, 2),
            uop(UopOp::ExitIf, Opcode::PopJumpIfFalse, 0, 3),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 4),
            int(1),
            uop(UopOp::GuardBothInt, Opcode::BinaryOpInt, 12, 6),
            uop(UopOp::BinaryOpInt, Opcode::BinaryOpInt, 12, 6),
            uop(UopOp::StoreFast, Opcode::StoreFast, 0, 7),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 8),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 9),
            uop(UopOp::GuardBothInt, Opcode::CompareOpInt, 0, 10),
        ];
        let removed = propagate_types(&mut uops, &[], &mut Table(vec![]));
        assert_eq!(
            ops(&uops),
            vec![
                UopOp::LoadFast,
                UopOp::LoadFast,
                UopOp::GuardBothInt,
                UopOp::CompareInt,
                UopOp::ExitIfBool,
                UopOp::LoadFastBound,
                UopOp::LoadConst,
                UopOp::BinaryOpInt,
                UopOp::StoreFast,
                UopOp::LoadFastBound,
                UopOp::LoadFastBound,
            ]
        );
        // Two guards, one branch and three loads' checks.
        assert_eq!(removed, 2 + 1 + 3);
    }

    #[test]
    fn a_store_or_a_step_forgets_what_it_overwrote() {
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 1),
            uop(UopOp::GuardBothInt, Opcode::BinaryOpInt, 0, 2),
            uop(UopOp::BinaryOpInt, Opcode::BinaryOpInt, 0, 2),
            // x = obj.attr: unknown type into local 0
            uop(UopOp::Step, Opcode::LoadAttr, 0, 3),
            uop(UopOp::StoreFast, Opcode::StoreFast, 0, 4),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 5),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 6),
            uop(UopOp::GuardBothInt, Opcode::BinaryOpInt, 0, 7),
            // del local 1, then load it again: the check stays.
            uop(UopOp::Step, Opcode::DeleteFast, 1, 8),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 9),
        ];
        propagate_types(&mut uops, &[], &mut Table(vec![]));
        assert_eq!(uops[8].op, UopOp::GuardBothInt, "local 0 is unknown again");
        assert_eq!(uops[10].op, UopOp::LoadFast, "local 1 may be unbound");
    }

    #[test]
    fn a_constant_float_function_call_becomes_one_micro_op_with_a_float_result() {
        let constant = |v: Value, at| load_const(Opcode::LoadConst, v, at);
        let mut uops = vec![
            // math.f(x) (a module function: NULL receiver), then its result
            // times a float: the guard goes.
            constant(Value::NONE, 0),
            constant(Value::NULL, 0),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 1),
            uop(UopOp::CallBuiltin, Opcode::CallMethodBuiltin, 1, 2),
            constant(Value::float(0.5), 3),
            uop(UopOp::GuardFloatMix, Opcode::BinaryOpFloat, 0, 4),
            uop(UopOp::BinaryOpFloat, Opcode::BinaryOpFloat, 0, 4),
            uop(UopOp::PopTop, Opcode::PopTop, 0, 5),
            // f(x) of the plain form.
            constant(Value::NONE, 6),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 7),
            uop(UopOp::CallBuiltin, Opcode::CallBuiltin, 1, 8),
            uop(UopOp::PopTop, Opcode::PopTop, 0, 9),
            // Another builtin, a bound receiver, two arguments: calls.
            constant(Value::TRUE, 10),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 11),
            uop(UopOp::CallBuiltin, Opcode::CallBuiltin, 1, 12),
            constant(Value::NONE, 13),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 14),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 15),
            uop(UopOp::CallBuiltin, Opcode::CallMethodBuiltin, 1, 16),
            constant(Value::NONE, 17),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 18),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 19),
            uop(UopOp::CallBuiltin, Opcode::CallBuiltin, 2, 20),
        ];
        propagate_types(&mut uops, &[], &mut Table(vec![]));
        let calls: Vec<(UopOp, u32)> = uops
            .iter()
            .filter(|u| matches!(u.op, UopOp::CallBuiltin | UopOp::CallFloatFunction))
            .map(|u| (u.op, u.extra))
            .collect();
        assert_eq!(
            calls,
            vec![
                (UopOp::CallFloatFunction, 2),
                (UopOp::CallFloatFunction, 2),
                (UopOp::CallBuiltin, 0),
                (UopOp::CallBuiltin, 0),
                (UopOp::CallBuiltin, 0),
            ]
        );
        assert!(
            !ops(&uops).contains(&UopOp::GuardFloatMix),
            "the result is known to be a float: {:?}",
            ops(&uops)
        );
    }

    #[test]
    fn a_cached_builtin_method_call_becomes_one_micro_op() {
        let load_method = |form: Opcode, method: Value, at| {
            let mut u = uop(UopOp::LoadMethodCached, form, 0, at);
            u.operand = method.to_bits();
            u
        };
        let mut uops = vec![
            // items.m(x), m a builtin method in the table: native.
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            load_method(Opcode::LoadMethodBuiltin, Value::FALSE, 1),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 2),
            uop(UopOp::CallBuiltin, Opcode::CallMethodBuiltin, 1, 3),
            uop(UopOp::PopTop, Opcode::PopTop, 0, 4),
            // A method not in the table, and a method an instance's cache
            // holds (no builtin type's): calls.
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 5),
            load_method(Opcode::LoadMethodBuiltin, Value::TRUE, 6),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 7),
            uop(UopOp::CallBuiltin, Opcode::CallMethodBuiltin, 1, 8),
            uop(UopOp::PopTop, Opcode::PopTop, 0, 9),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 10),
            load_method(Opcode::LoadMethodInstance, Value::FALSE, 11),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 12),
            uop(UopOp::CallBuiltin, Opcode::CallMethodBuiltin, 1, 13),
        ];
        propagate_types(&mut uops, &[], &mut Table(vec![]));
        let calls: Vec<(UopOp, u64, u32)> = uops
            .iter()
            .filter(|u| matches!(u.op, UopOp::CallBuiltin | UopOp::CallNativeMethod))
            .map(|u| (u.op, u.operand, u.extra))
            .collect();
        assert_eq!(
            calls,
            vec![
                (UopOp::CallNativeMethod, Value::FALSE.to_bits(), 1),
                (UopOp::CallBuiltin, 0, 0),
                (UopOp::CallBuiltin, 0, 0),
            ]
        );
    }

    #[test]
    fn an_escaping_step_keeps_what_is_known_of_locals() {
        let mut half = uop(UopOp::LoadConst, Opcode::LoadConst, 0, 0);
        half.operand = Value::float(0.5).to_bits();
        let mut uops = vec![
            half,
            uop(UopOp::StoreFast, Opcode::StoreFast, 0, 0),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 1),
            uop(UopOp::GuardFloatMix, Opcode::BinaryOpFloat, 0, 2),
            uop(UopOp::BinaryOpFloat, Opcode::BinaryOpFloat, 0, 2),
            uop(UopOp::Step, Opcode::Call, 1, 3),
            uop(UopOp::PopTop, Opcode::PopTop, 0, 4),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 5),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 6),
            uop(UopOp::GuardFloatMix, Opcode::BinaryOpFloat, 0, 7),
        ];
        propagate_types(&mut uops, &[], &mut Table(vec![]));
        assert_eq!(uops.last().unwrap().op, UopOp::LoadFastBound);
    }

    #[test]
    fn class_guards_hold_across_calls_only_for_classes_the_executor_depends_on() {
        let guard = |at| {
            let mut g = uop(UopOp::GuardClassVersion, Opcode::LoadMethodInstance, 1, at);
            g.operand = 42;
            g
        };
        let body = || {
            vec![
                uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
                guard(1),
                uop(UopOp::LoadAttrInstanceDict, Opcode::LoadAttrInstance, 0, 1),
                uop(UopOp::LoadFast, Opcode::LoadFast, 0, 2),
                guard(3), // no escape since the first: removed
                uop(UopOp::LoadMethodConst, Opcode::LoadMethodInstance, 0, 3),
                uop(UopOp::Step, Opcode::CallMethod, 0, 4),
                uop(UopOp::LoadFast, Opcode::LoadFast, 0, 5),
                guard(6), // after a call: kept unless the class is stable
            ]
        };
        let mut unstable = body();
        propagate_types(&mut unstable, &[], &mut Table(vec![]));
        let guards = |u: &[Uop]| {
            u.iter()
                .filter(|u| u.op == UopOp::GuardClassVersion)
                .count()
        };
        assert_eq!(guards(&unstable), 2);
        let mut stable = body();
        propagate_types(&mut stable, &[42], &mut Table(vec![]));
        assert_eq!(guards(&stable), 1);
    }

    #[test]
    fn calls_of_a_constant_function_the_runtime_vouches_for_lose_their_guards() {
        let konst = |v: Value, at| load_const(Opcode::LoadGlobalModule, v, at);
        let mut uops = vec![
            konst(Value::TRUE, 0),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 1),
            uop(UopOp::Step, Opcode::CallPy, 1, 2),
            konst(Value::TRUE, 3),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 4),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 5),
            uop(UopOp::Step, Opcode::CallPy, 2, 6), // two arguments: refused
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 7),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 8),
            uop(UopOp::Step, Opcode::CallPy, 1, 9), // callee not a constant
        ];
        propagate_types(&mut uops, &[], &mut Table(vec![]));
        let calls: Vec<UopOp> = uops
            .iter()
            .filter(|u| u.opcode == Opcode::CallPy)
            .map(|u| u.op)
            .collect();
        assert_eq!(calls, vec![UopOp::CallPyConst, UopOp::Step, UopOp::Step]);
        assert_eq!(uops[2].operand, Value::TRUE.to_bits());
    }

    #[test]
    fn constructor_calls_of_a_constant_class_the_runtime_vouches_for_call_its_init() {
        let konst = |v: Value, at| load_const(Opcode::LoadGlobalModule, v, at);
        let mut uops = vec![
            konst(Value::FALSE, 0),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 1),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 2),
            uop(UopOp::Step, Opcode::CallClassInit, 2, 3),
            konst(Value::FALSE, 4),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 5),
            uop(UopOp::Step, Opcode::CallClassInit, 1, 6), // one argument: refused
            konst(Value::TRUE, 7),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 8),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 9),
            uop(UopOp::Step, Opcode::CallClassInit, 2, 10), // not the class
        ];
        propagate_types(&mut uops, &[], &mut Table(vec![]));
        let calls: Vec<(UopOp, u64)> = uops
            .iter()
            .filter(|u| u.opcode == Opcode::CallClassInit)
            .map(|u| (u.op, u.operand))
            .collect();
        assert_eq!(
            calls,
            vec![
                (UopOp::CallInitConst, Value::TRUE.to_bits()),
                (UopOp::Step, 0),
                (UopOp::Step, 0)
            ]
        );
    }

    #[test]
    fn a_method_call_through_a_constant_method_becomes_a_call_with_its_receiver() {
        let method = |at| {
            let mut u = uop(UopOp::LoadMethodConst, Opcode::LoadMethodInstance, 0, at);
            u.operand = Value::TRUE.to_bits();
            u
        };
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            method(1),
            uop(UopOp::Step, Opcode::CallMethodPy, 0, 2),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 3),
            uop(UopOp::Step, Opcode::LoadMethod, 0, 4), // not a constant
            uop(UopOp::Step, Opcode::CallMethodPy, 0, 5),
        ];
        propagate_types(&mut uops, &[], &mut Table(vec![]));
        let call = uops[2];
        assert_eq!(call.op, UopOp::CallPyConst);
        assert_eq!(
            (call.opcode, call.arg, call.operand),
            (Opcode::CallMethodPy, 0, Value::TRUE.to_bits()),
            "called with the method layout: the receiver is the one argument"
        );
        assert_eq!(uops[5].op, UopOp::Step);
    }

    #[test]
    fn not_gives_a_bool_and_only_an_unknown_operand_may_run_code() {
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            uop(UopOp::UnaryOp, Opcode::UnaryOp, 2, 1), // not
            uop(UopOp::ExitIf, Opcode::PopJumpIfFalse, 0, 2),
            int(5),
            uop(UopOp::UnaryOp, Opcode::UnaryOp, 0, 4), // -5
            uop(UopOp::ExitIf, Opcode::PopJumpIfFalse, 0, 5),
        ];
        propagate_types(&mut uops, &[], &mut Table(vec![]));
        assert_eq!(uops[2].op, UopOp::ExitIfBool, "`not x` is a bool");
        assert_eq!(uops[5].op, UopOp::ExitIf, "`-5` is not known to be one");
    }

    #[test]
    fn operations_take_their_loads_and_store_but_not_across_a_landing() {
        let fused = |u: &Uop| Operands::decode(u.arg);
        // `x = x + 1` (0..=3) fuses whole; `a < b` (4..=7), where a jump
        // lands on the comparison (7), keeps its loads.
        let mut one = int(1);
        one.at = 1;
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            one,
            uop(UopOp::GuardBothInt, Opcode::BinaryOpAddInt, 0, 2),
            uop(UopOp::BinaryOpInt, Opcode::BinaryOpAddInt, 0, 2),
            uop(UopOp::StoreFast, Opcode::StoreFast, 0, 3),
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 4),
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 2, 5),
            uop(UopOp::CompareFloat, Opcode::CompareOpFloat, 0, 7),
            uop(UopOp::ExitIfBool, Opcode::PopJumpIfFalse, 0, 8),
            uop(UopOp::Jump, Opcode::Jump, 0, 9),
        ];
        uops[9].target = 7;
        uops[8].target = 20;
        let guards = fuse_operands(&mut uops);
        assert_eq!(guards, 1);
        assert_eq!(
            ops(&uops),
            vec![
                // `+` has its own micro-op.
                UopOp::IntAdd3,
                UopOp::LoadFast,
                UopOp::LoadFastBound,
                UopOp::CompareFloat3,
                UopOp::Jump,
            ]
        );
        assert_eq!(
            fused(&uops[0]),
            Operands {
                op: 0,
                a: Slot::Local(0),
                b: Slot::Constant,
                result: Slot::Local(0)
            }
        );
        assert_eq!(uops[0].at, 0, "it leaves for the first load");
        assert_eq!(uops[0].operand, Value::try_int(1).unwrap().to_bits());
        // A jump lands on the comparison: its operands stay loads; the
        // exit after it is its result's branch.
        assert_eq!(
            (fused(&uops[3]).a, fused(&uops[3]).b, fused(&uops[3]).result),
            (
                Slot::Stack,
                Slot::Stack,
                Slot::Branch {
                    exit: true,
                    when: false
                }
            )
        );
        assert_eq!((uops[3].at, uops[3].target), (7, 20));
        // A comparison that jumps inside the loop names its target.
        let mut jumps = uops[3];
        jumps.arg = Operands {
            result: Slot::Branch {
                exit: false,
                when: true,
            },
            ..fused(&jumps)
        }
        .encode();
        assert_eq!(jump_targets(&[jumps]), vec![20]);
    }

    #[test]
    fn a_loop_stores_its_items_to_the_loop_variable_unless_a_jump_lands_on_the_store() {
        // `for x in seq: ...` (0, 1) and `for i in range: ...` (10, 11),
        // where a jump lands on the second loop's store (11).
        let mut uops = vec![
            uop(UopOp::ForIterSequence, Opcode::ForIterSequence, 9, 0),
            uop(UopOp::StoreFast, Opcode::StoreFast, 3, 1),
            uop(UopOp::JumpToTop, Opcode::JumpBackward, 0, 2),
            uop(UopOp::ForIterRange, Opcode::ForIterRange, 19, 10),
            uop(UopOp::StoreFast, Opcode::StoreFast, 4, 11),
            uop(UopOp::Jump, Opcode::Jump, 0, 12),
        ];
        uops[5].target = 11;
        fuse_operands(&mut uops);
        assert_eq!(
            ops(&uops),
            vec![
                UopOp::ForIterSequence,
                UopOp::JumpToTop,
                UopOp::ForIterRange,
                UopOp::StoreFast,
                UopOp::Jump,
            ]
        );
        assert_eq!((uops[0].extra, uops[0].arg, uops[0].at), (3 + 1, 9, 0));
        assert_eq!(uops[2].extra, 0, "pushed: a jump lands on its store");
    }

    #[test]
    fn floor_division_fuses_but_a_left_shift_that_may_overflow_does_not() {
        use crate::bytecode::BinaryOp as B;
        for (op, fuses) in [
            (B::FloorDiv, true),
            (B::InplaceMod, true),
            (B::Xor, true),
            (B::LShift, false),
            (B::TrueDiv, false),
            (B::Pow, false),
        ] {
            let mut uops = vec![
                uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
                uop(UopOp::LoadFast, Opcode::LoadFast, 1, 1),
                uop(UopOp::GuardBothInt, Opcode::BinaryOpInt, 0, 2),
                uop(UopOp::BinaryOpIntAny, Opcode::BinaryOpInt, op as u32, 2),
            ];
            fuse_operands(&mut uops);
            let fused = ops(&uops) == vec![UopOp::IntOp3];
            assert_eq!(fused, fuses, "{op:?}");
            if fuses {
                assert_eq!(
                    u32::from(Operands::decode(uops[0].arg).op),
                    op.plain() as u32
                );
            }
        }
    }

    #[test]
    fn the_commonest_operators_get_their_own_fused_operation() {
        use crate::bytecode::BinaryOp as B;
        for (uop_op, opcode, op, expected) in [
            (
                UopOp::BinaryOpInt,
                Opcode::BinaryOpAddInt,
                B::Add,
                UopOp::IntAdd3,
            ),
            (
                UopOp::BinaryOpInt,
                Opcode::BinaryOpAddInt,
                B::InplaceAdd,
                UopOp::IntAdd3,
            ),
            (
                UopOp::BinaryOpInt,
                Opcode::BinaryOpSubtractInt,
                B::Sub,
                UopOp::IntSub3,
            ),
            (
                UopOp::BinaryOpInt,
                Opcode::BinaryOpMultiplyInt,
                B::Mul,
                UopOp::IntMul3,
            ),
            (
                UopOp::BinaryOpFloat,
                Opcode::BinaryOpAddFloat,
                B::Add,
                UopOp::FloatAdd3,
            ),
            (
                UopOp::BinaryOpFloat,
                Opcode::BinaryOpSubtractFloat,
                B::InplaceSub,
                UopOp::FloatSub3,
            ),
            (
                UopOp::BinaryOpFloat,
                Opcode::BinaryOpMultiplyFloat,
                B::Mul,
                UopOp::FloatMul3,
            ),
            (
                UopOp::BinaryOpFloat,
                Opcode::BinaryOpFloat,
                B::TrueDiv,
                UopOp::FloatDiv3,
            ),
            (
                UopOp::BinaryOpFloat,
                Opcode::BinaryOpFloat,
                B::Pow,
                UopOp::FloatOp3,
            ),
        ] {
            let mut uops = vec![
                uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
                uop(UopOp::LoadFast, Opcode::LoadFast, 1, 1),
                uop(uop_op, opcode, op as u32, 2),
            ];
            fuse_operands(&mut uops);
            assert_eq!(ops(&uops), vec![expected], "{op:?}");
            assert_eq!(
                u32::from(Operands::decode(uops[0].arg).op),
                op.plain() as u32,
                "{op:?}"
            );
        }
    }

    #[test]
    fn a_subscript_takes_any_constant_container_but_only_number_operands_do() {
        let mut list = uop(UopOp::LoadConst, Opcode::LoadGlobalModule, 0, 0);
        list.operand = Value::NONE.to_bits(); // some non-number constant
        let mut uops = vec![
            list,
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 1, 1),
            uop(UopOp::SubscrSequenceInt, Opcode::BinarySubscrListInt, 0, 2),
            list,
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 1, 4),
            uop(UopOp::BinaryOpInt, Opcode::BinaryOpAddInt, 0, 5),
        ];
        uops[3].at = 3;
        fuse_operands(&mut uops);
        assert_eq!(
            ops(&uops),
            vec![UopOp::Subscr3, UopOp::LoadConst, UopOp::IntAdd3]
        );
        let subscript = Operands::decode(uops[0].arg);
        assert_eq!((subscript.a, subscript.b), (Slot::Constant, Slot::Local(1)));
        let add = Operands::decode(uops[2].arg);
        assert_eq!((add.a, add.b), (Slot::Stack, Slot::Local(1)));
    }

    #[test]
    fn an_attribute_load_takes_its_receiver_from_a_local_and_its_guard() {
        let mut guard = uop(UopOp::GuardClassVersion, Opcode::LoadAttrInstance, 1, 1);
        guard.operand = 42;
        let mut load = uop(UopOp::LoadAttrInstanceDict, Opcode::LoadAttrInstance, 3, 1);
        load.operand = 2; // the position hint
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 5, 0),
            guard,
            load,
            // Known class: no guard left to take.
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 6, 2),
            uop(UopOp::LoadAttrInstanceDict, Opcode::LoadAttrInstance, 4, 3),
            // Not from a local.
            uop(UopOp::Step, Opcode::LoadAttr, 0, 4),
            uop(UopOp::LoadAttrInstanceDict, Opcode::LoadAttrInstance, 4, 5),
        ];
        fuse_operands(&mut uops);
        // The two loads from locals then pair up (`LoadAttrLocal2`).
        assert_eq!(
            ops(&uops),
            vec![
                UopOp::LoadAttrLocal2,
                UopOp::Step,
                UopOp::LoadAttrInstanceDict
            ]
        );
        let pair = uops[0];
        assert_eq!(
            (pair.at, pair.operand, local_attribute_parts(pair.arg)),
            (0, 42, (3, 5, 2)),
            "the first guards its class"
        );
        assert_eq!(
            (pair.target, local_attribute_parts(pair.extra)),
            (2, (4, 6, 0)),
            "the second: no guard left"
        );
        // A hint that does not fit the encoding is none.
        assert_eq!(
            local_attribute_parts(local_attribute(1, 2, u64::from(u32::MAX)).unwrap()),
            (1, 2, usize::MAX)
        );
        assert_eq!(local_attribute(1 << 12, 0, 0), None, "too many names");
    }

    #[test]
    fn attribute_loads_from_locals_pair_up_unless_a_jump_or_a_wide_guard_stops_them() {
        let load = |local: u32, version: u64, at: u32| {
            let mut u = uop(UopOp::LoadAttrLocal, Opcode::LoadAttrInstance, 0, at);
            u.arg = local_attribute(1, local, 0).unwrap();
            // Versions: the low and high halves of `operand`, then
            // `target` and `extra` (none here).
            (u.operand, u.target) = (version, 0);
            u
        };
        let lands_on = |pc: u32| move |at: u32| at == pc;
        // Guarded by one version each: one micro-op.
        let mut out = vec![load(0, 7, 0)];
        let pair = pair_attribute_loads(&mut out, load(1, 8, 2), &lands_on(99));
        assert!(out.is_empty());
        assert_eq!(
            (pair.op, pair.operand, pair.target, pair.at),
            (UopOp::LoadAttrLocal2, 7 | 8 << 32, 2, 0)
        );
        assert_eq!(local_attribute_parts(pair.extra).1, 1);
        // A jump lands on the second.
        let mut out = vec![load(0, 7, 0)];
        let second = pair_attribute_loads(&mut out, load(1, 8, 2), &lands_on(2));
        assert_eq!((out.len(), second.op), (1, UopOp::LoadAttrLocal));
        // The first guards two classes (`GuardClassVersions` folded in).
        let mut out = vec![load(0, 7 | 9 << 32, 0)];
        let second = pair_attribute_loads(&mut out, load(1, 8, 2), &lands_on(99));
        assert_eq!((out.len(), second.op), (1, UopOp::LoadAttrLocal));
    }

    #[test]
    fn an_inlined_init_stores_without_the_lock_until_its_instance_could_escape() {
        // `Vec(a, b)` inlined: `self.x = x; self.y = y; other.z = y;
        // self.w = y; registry.append(self)` (a `Step`), `self.v = x`; the
        // same body behind a method call's push is left alone.
        let store = |local: u32, at: u32| {
            let arg = local_attribute(0, local, 0).unwrap();
            uop(UopOp::StoreAttrLocal, Opcode::StoreAttrInstance, arg, at)
        };
        let body = |segment: u16| {
            let mut b = vec![
                uop(UopOp::LoadFastBound, Opcode::LoadFast, 1, 0),
                store(0, 1),
                uop(UopOp::LoadFastBound, Opcode::LoadFast, 2, 2),
                uop(UopOp::Copy, Opcode::Copy, 1, 3),
                store(0, 4),
                store(3, 5),
                store(0, 6),
                uop(UopOp::Step, Opcode::CallMethodPy, 1, 7),
                uop(UopOp::LoadFastBound, Opcode::LoadFast, 1, 8),
                store(0, 9),
            ];
            for u in &mut b {
                u.segment = segment;
            }
            b
        };
        let push = |opcode| uop(UopOp::PushFrame, opcode, 2, 20);
        let mut uops = vec![push(Opcode::CallClassInit)];
        uops.extend(body(1));
        uops.push(push(Opcode::CallMethodPy));
        uops.extend(body(2));
        mark_unshared_stores(&mut uops);
        let unshared: Vec<usize> = (0..uops.len())
            .filter(|&i| uops[i].op == UopOp::StoreAttrLocalUnshared)
            .collect();
        // Up to the store to another object: it may be shared, and it may
        // now hold the instance.
        assert_eq!(unshared, vec![2, 5]);
        // The first store of the name adds it; the second replaces it.
        let hints: Vec<usize> = unshared
            .iter()
            .map(|&i| local_attribute_parts(uops[i].arg).2)
            .collect();
        assert_eq!(hints, vec![NEW_KEY_HINT as usize, 0]);
        // A position that large from tier 1's cache is no hint at all.
        let cached = local_attribute(0, 0, u64::from(NEW_KEY_HINT)).unwrap();
        assert_eq!(local_attribute_parts(cached).2, usize::MAX);

        // A jump landing on the second store ends the marking before it.
        let mut uops = vec![push(Opcode::CallClassInit)];
        uops.extend(body(1));
        let mut jump = uop(UopOp::Jump, Opcode::Jump, 0, 30);
        (jump.target, jump.segment) = (2, 1);
        // A jump to the same instruction of another code changes nothing.
        let mut elsewhere = jump;
        (elsewhere.target, elsewhere.segment) = (1, 0);
        uops.extend([jump, elsewhere]);
        mark_unshared_stores(&mut uops);
        assert_eq!(uops[2].op, UopOp::StoreAttrLocalUnshared);
        assert_eq!(uops[5].op, UopOp::StoreAttrLocal);
    }

    #[test]
    fn an_attribute_store_takes_its_receiver_from_a_local_and_its_guard() {
        // `self.x = v` (self local 0, v local 1), then `other.y = v` where
        // a jump lands on the store (5).
        let mut guard = uop(UopOp::GuardClassVersions, Opcode::StoreAttrInstance, 1, 2);
        (guard.operand, guard.target, guard.extra) = (7 | 8 << 32, 9, 10);
        let mut store = uop(
            UopOp::StoreAttrInstanceDict,
            Opcode::StoreAttrInstance,
            3,
            2,
        );
        store.operand = 1; // the position hint
        let mut uops = vec![
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 1, 0),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 1),
            guard,
            store,
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 1, 3),
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 2, 4),
            uop(
                UopOp::StoreAttrInstanceDict,
                Opcode::StoreAttrInstance,
                4,
                5,
            ),
            uop(UopOp::Jump, Opcode::Jump, 0, 6),
        ];
        uops[7].target = 5;
        fuse_operands(&mut uops);
        assert_eq!(
            ops(&uops),
            vec![
                UopOp::LoadFastBound,
                UopOp::StoreAttrLocal,
                UopOp::LoadFastBound,
                UopOp::LoadFastBound,
                UopOp::StoreAttrInstanceDict,
                UopOp::Jump,
            ]
        );
        let fused = uops[1];
        assert_eq!(
            (fused.at, local_attribute_parts(fused.arg)),
            (1, (3, 0, 1)),
            "it leaves for the receiver's load, with the value pushed"
        );
        assert_eq!(
            (fused.operand, fused.target, fused.extra),
            (7 | 8 << 32, 9, 10)
        );
    }

    #[test]
    fn a_receiver_guard_folds_into_the_access_after_it() {
        // `a.b.c` (`a.b`'s class guarded), `a.b.m()` (a method made a
        // constant), `a.b.c = v`, then a guard of a value under the top,
        // and one of a version that does not fit the micro-op's word.
        let guard = |version: u64, depth, at| {
            let mut g = uop(
                UopOp::GuardClassVersion,
                Opcode::LoadAttrInstance,
                depth,
                at,
            );
            g.operand = version;
            g
        };
        let access = |op, opcode, at| uop(op, opcode, 5, at);
        let mut uops = vec![
            uop(UopOp::LoadAttrConst, Opcode::LoadAttrClass, 0, 0),
            guard(7, 1, 1),
            access(UopOp::LoadAttrInstanceDict, Opcode::LoadAttrInstance, 1),
            guard(8, 1, 2),
            access(UopOp::LoadMethodConst, Opcode::LoadMethodInstance, 2),
            guard(9, 1, 3),
            access(UopOp::StoreAttrInstanceDict, Opcode::StoreAttrInstance, 3),
            guard(10, 2, 4),
            access(UopOp::LoadAttrInstanceDict, Opcode::LoadAttrInstance, 4),
            guard(1 << 40, 1, 5),
            access(UopOp::LoadMethodConst, Opcode::LoadMethodInstance, 5),
        ];
        fuse_operands(&mut uops);
        let folded: Vec<(UopOp, u32)> = uops.iter().map(|u| (u.op, u.extra)).collect();
        assert_eq!(
            folded,
            vec![
                (UopOp::LoadAttrConst, 0),
                (UopOp::LoadAttrInstanceDict, 7),
                (UopOp::LoadMethodConst, 8),
                (UopOp::StoreAttrInstanceDict, 9),
                (UopOp::GuardClassVersion, 0),
                (UopOp::LoadAttrInstanceDict, 0),
                (UopOp::GuardClassVersion, 0),
                (UopOp::LoadMethodConst, 0),
            ]
        );
    }

    #[test]
    fn a_method_load_takes_its_receiver_from_a_local() {
        // `self.m(...)` (self local 2, its class guarded), `x.m(...)`
        // (x local 3 known bound, no guard left), then `y.m(...)` where a
        // jump lands on the method load (7).
        let method = |at| {
            let mut m = uop(UopOp::LoadMethodConst, Opcode::LoadMethodInstance, 4, at);
            m.operand = 0xF00;
            m
        };
        let mut guard = uop(UopOp::GuardClassVersion, Opcode::LoadMethodInstance, 1, 1);
        guard.operand = 9;
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 2, 0),
            guard,
            method(1),
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 3, 4),
            method(5),
            uop(UopOp::LoadFast, Opcode::LoadFast, 5, 6),
            method(7),
            uop(UopOp::Jump, Opcode::Jump, 0, 8),
        ];
        uops[7].target = 7;
        fuse_operands(&mut uops);
        let fused: Vec<(UopOp, u32, u32, u32)> =
            uops.iter().map(|u| (u.op, u.arg, u.at, u.extra)).collect();
        assert_eq!(
            fused,
            vec![
                (UopOp::LoadMethodLocal, 2, 0, 9),
                (UopOp::LoadMethodLocal, 3, 4, 0),
                (UopOp::LoadFast, 5, 6, 0),
                (UopOp::LoadMethodConst, 4, 7, 0),
                (UopOp::Jump, 0, 8, 0),
            ]
        );
        assert!(
            uops[..2].iter().all(|u| u.operand == 0xF00),
            "the method stays"
        );
    }

    #[test]
    fn an_identity_test_takes_its_constant_and_its_branch() {
        // `if x is not None:` (x local 1), then `y = a is b` (locals 2, 3
        // into 4).
        let mut none = uop(UopOp::LoadConst, Opcode::LoadConst, 0, 1);
        none.operand = Value::NONE.to_bits();
        let is_not = crate::bytecode::CompareOp::IsNot as u32;
        let is = crate::bytecode::CompareOp::Is as u32;
        let mut branch = uop(UopOp::JumpIfBool, Opcode::PopJumpIfFalse, 0, 3);
        branch.target = 9;
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 1, 0),
            none,
            uop(UopOp::CompareIs, Opcode::CompareOp, is_not, 2),
            branch,
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 2, 4),
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 3, 5),
            uop(UopOp::CompareIs, Opcode::CompareOp, is, 6),
            uop(UopOp::StoreFast, Opcode::StoreFast, 4, 7),
        ];
        fuse_operands(&mut uops);
        assert_eq!(ops(&uops), vec![UopOp::CompareIs3, UopOp::CompareIs3]);
        let test = uops[0];
        assert_eq!(
            (
                Operands::decode(test.arg),
                test.operand,
                test.target,
                test.at
            ),
            (
                Operands {
                    op: is_not as u8,
                    a: Slot::Local(1),
                    b: Slot::Constant,
                    result: Slot::Branch {
                        exit: false,
                        when: false
                    },
                },
                Value::NONE.to_bits(),
                9,
                0
            )
        );
        assert_eq!(
            Operands::decode(uops[1].arg),
            Operands {
                op: is as u8,
                a: Slot::Local(2),
                b: Slot::Local(3),
                result: Slot::Local(4),
            }
        );
    }

    /// `b[3] -= v` (b local 6): load b and 3, copy both, subscript,
    /// compute, then swap and store; with a jump landing at `land`.
    fn augmented_subscript(land: Option<u32>) -> Vec<Uop> {
        let mut three = int(3);
        three.at = 1;
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 6, 0),
            three,
            uop(UopOp::Copy, Opcode::Copy, 2, 2),
            uop(UopOp::Copy, Opcode::Copy, 2, 3),
            uop(UopOp::SubscrSequenceInt, Opcode::BinarySubscrListInt, 0, 4),
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 7, 5),
            uop(UopOp::BinaryOpFloat, Opcode::BinaryOpSubtractFloat, 23, 6),
            uop(UopOp::Swap, Opcode::Swap, 3, 7),
            uop(UopOp::Swap, Opcode::Swap, 2, 8),
            uop(UopOp::StoreSubscrListInt, Opcode::StoreSubscrListInt, 0, 9),
        ];
        if let Some(at) = land {
            let mut jump = uop(UopOp::Jump, Opcode::Jump, 0, 10);
            jump.target = at;
            uops.push(jump);
        }
        uops
    }

    #[test]
    fn an_augmented_subscript_reloads_its_copies_and_stores_without_swaps() {
        let mut uops = augmented_subscript(None);
        reload_copies(&mut uops);
        fuse_rotated_stores(&mut uops);
        fuse_operands(&mut uops);
        assert_eq!(
            ops(&uops),
            vec![
                UopOp::LoadFast,
                UopOp::LoadConst,
                UopOp::SubscrLocalConst,
                UopOp::FloatOp3,
                UopOp::StoreSubscrListInt,
            ]
        );
        // The subscript reads b and 3 itself (a local's item at a constant
        // index: its own micro-op), and leaves for the first copy (b and 3
        // on the stack, as tier 1 has them there).
        let subscript = Operands::decode(uops[2].arg);
        assert_eq!((subscript.a, subscript.b), (Slot::Local(6), Slot::Constant));
        assert_eq!((uops[2].at, uops[2].operand), (2, int(3).operand));
        // The store takes list, key, value and leaves for the first swap.
        assert_eq!((uops[4].arg, uops[4].at), (1, 7));
    }

    #[test]
    fn only_a_locals_item_at_a_non_negative_constant_index_gets_its_own_subscript() {
        let subscript = |container: Uop, key: Uop| {
            let mut uops = vec![
                container,
                key,
                uop(UopOp::SubscrSequenceInt, Opcode::BinarySubscrListInt, 0, 2),
            ];
            uops[1].at = 1;
            fuse_operands(&mut uops);
            assert_eq!(uops.len(), 1, "{uops:?}");
            uops[0].op
        };
        let local = || uop(UopOp::LoadFastBound, Opcode::LoadFast, 4, 0);
        assert_eq!(subscript(local(), int(0)), UopOp::SubscrLocalConst);
        assert_eq!(subscript(local(), int(7)), UopOp::SubscrLocalConst);
        // A negative index counts from the end: the general subscript.
        assert_eq!(subscript(local(), int(-1)), UopOp::Subscr3);
        let mut index = uop(UopOp::LoadFastBound, Opcode::LoadFast, 5, 1);
        index.at = 1;
        assert_eq!(subscript(local(), index), UopOp::Subscr3);
    }

    #[test]
    fn a_list_store_reads_its_list_and_index_from_where_they_are() {
        // `p[k] = v`: v computed, then p and k loaded just before the store.
        let store = |list: Uop, key: Uop| {
            let mut uops = vec![
                uop(UopOp::LoadFastBound, Opcode::LoadFast, 9, 0),
                list,
                key,
                uop(UopOp::StoreSubscrListInt, Opcode::StoreSubscrListInt, 0, 3),
            ];
            uops[1].at = 1;
            uops[2].at = 2;
            fuse_operands(&mut uops);
            uops
        };
        let local = |k| uop(UopOp::LoadFastBound, Opcode::LoadFast, k, 0);
        let uops = store(local(4), local(5));
        assert_eq!(ops(&uops), vec![UopOp::LoadFastBound, UopOp::StoreSubscr3]);
        let o = Operands::decode(uops[1].arg);
        assert_eq!((o.a, o.b), (Slot::Local(4), Slot::Local(5)));
        // It leaves, having changed nothing, for the list's load.
        assert_eq!(uops[1].at, 1);
        let uops = store(local(4), int(2));
        let o = Operands::decode(uops[1].arg);
        assert_eq!(
            (o.a, o.b, uops[1].operand),
            (Slot::Local(4), Slot::Constant, int(2).operand)
        );
        // A computed list and index: the plain store.
        let pushed = |at| uop(UopOp::BinaryOpInt, Opcode::BinaryOpAddInt, 0, at);
        let uops = store(pushed(1), pushed(2));
        assert_eq!(uops.last().map(|u| u.op), Some(UopOp::StoreSubscrListInt));
        // A store to a local after it is not a result the store has.
        let mut list = local(4);
        list.at = 1;
        let mut uops = vec![
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 9, 0),
            list,
            int(2),
            uop(UopOp::StoreSubscrListInt, Opcode::StoreSubscrListInt, 0, 3),
            uop(UopOp::StoreFast, Opcode::StoreFast, 3, 4),
        ];
        uops[2].at = 2;
        fuse_operands(&mut uops);
        assert_eq!(
            ops(&uops),
            vec![UopOp::LoadFastBound, UopOp::StoreSubscr3, UopOp::StoreFast]
        );
    }

    #[test]
    fn copies_and_swaps_stay_where_a_jump_lands_among_them() {
        // On the second load: the copies may copy values from elsewhere.
        let mut uops = augmented_subscript(Some(1));
        reload_copies(&mut uops);
        assert_eq!(uops.iter().filter(|u| u.op == UopOp::Copy).count(), 2);
        // On the second copy: only the first becomes a load.
        let mut uops = augmented_subscript(Some(3));
        reload_copies(&mut uops);
        assert_eq!(
            (uops[2].op, uops[2].arg, uops[3].op),
            (UopOp::LoadFastBound, 6, UopOp::Copy)
        );
        // On the second swap, or on the store: the swaps stay.
        for land in [8, 9] {
            let mut uops = augmented_subscript(Some(land));
            fuse_rotated_stores(&mut uops);
            assert_eq!(uops.iter().filter(|u| u.op == UopOp::Swap).count(), 2);
            let store = uops.iter().find(|u| u.op == UopOp::StoreSubscrListInt);
            assert_eq!(store.map(|s| s.arg), Some(0));
        }
    }

    #[test]
    fn pushes_popped_at_once_are_removed_but_checked_loads_stay() {
        let mut uops = vec![
            int(1),
            uop(UopOp::PopTop, Opcode::PopTop, 0, 1),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 2),
            uop(UopOp::PopTop, Opcode::PopTop, 0, 3),
            uop(UopOp::LoadFastBound, Opcode::LoadFast, 0, 4),
            uop(UopOp::PopTop, Opcode::PopTop, 0, 5),
        ];
        remove_dead_pushes(&mut uops);
        // The checked load can raise UnboundLocalError: it stays.
        assert_eq!(ops(&uops), vec![UopOp::LoadFast, UopOp::PopTop]);
    }

    #[test]
    fn validity_checks_follow_exactly_the_escaping_micro_ops() {
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            uop(UopOp::StoreClassAttr, Opcode::StoreAttr, 0, 1),
            uop(UopOp::ExitIfBool, Opcode::PopJumpIfFalse, 0, 2),
            // Steps and constant calls check validity themselves.
            uop(UopOp::Step, Opcode::Call, 0, 3),
            uop(UopOp::CallPyConst, Opcode::CallPy, 0, 4),
            uop(UopOp::StoreClassAttr, Opcode::StoreAttr, 0, 5),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 7),
            uop(UopOp::JumpToTop, Opcode::JumpBackward, 0, 8),
        ];
        place_validity_checks(&mut uops);
        assert_eq!(
            ops(&uops),
            vec![
                UopOp::LoadFast,
                UopOp::StoreClassAttr,
                UopOp::CheckValidity,
                UopOp::ExitIfBool,
                UopOp::Step,
                UopOp::CallPyConst,
                UopOp::StoreClassAttr,
                UopOp::CheckValidity,
                UopOp::LoadFast,
                UopOp::JumpToTop,
            ]
        );
        // Each check resumes tier 1 at the next instruction.
        assert_eq!(uops[2].target, 2);
        assert_eq!(uops[7].target, 7);
        for (i, u) in uops.iter().enumerate() {
            if u.op == UopOp::CheckValidity {
                assert!(uops[i - 1].op.escapes());
            }
        }
    }

    #[test]
    fn what_is_known_ends_where_a_jump_lands() {
        // 0: i (int) ...; 2: the target of a jump from 5; 3: guard on i.
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 1),
            uop(UopOp::GuardBothInt, Opcode::BinaryOpInt, 0, 2),
            uop(UopOp::BinaryOpInt, Opcode::BinaryOpInt, 0, 2),
            uop(UopOp::StoreFast, Opcode::StoreFast, 0, 3),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 4),
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 5),
            uop(UopOp::GuardBothInt, Opcode::BinaryOpInt, 0, 6),
            uop(UopOp::PopTop, Opcode::PopTop, 0, 7),
            uop(UopOp::LoadConst, Opcode::LoadConst, 0, 8),
            uop(UopOp::JumpIf, Opcode::PopJumpIfTrue, 1, 9),
        ];
        uops[10].target = 4;
        uops[9].operand = Value::TRUE.to_bits();
        propagate_types(&mut uops, &[], &mut Table(vec![]));
        // Instruction 4 is a jump target: its loads and guard stay.
        assert_eq!(uops[5].op, UopOp::LoadFast);
        assert_eq!(uops[7].op, UopOp::GuardBothInt);
        let mut dead = vec![
            uop(UopOp::LoadConst, Opcode::LoadConst, 0, 0),
            uop(UopOp::PopTop, Opcode::PopTop, 0, 1),
            uop(UopOp::Jump, Opcode::Jump, 0, 2),
        ];
        dead[2].target = 1;
        remove_dead_pushes(&mut dead);
        assert_eq!(dead.len(), 3, "a jump lands on the pop");
    }

    #[test]
    fn a_constant_return_is_one_micro_op_unless_a_jump_lands_on_the_return() {
        let mut uops = vec![
            uop(UopOp::LoadFast, Opcode::LoadFast, 0, 0),
            uop(UopOp::JumpIf, Opcode::PopJumpIfFalse, 0, 1),
            uop(UopOp::LoadConst, Opcode::LoadConst, 0, 2),
            uop(UopOp::PopFrame, Opcode::ReturnValue, 0, 3),
            uop(UopOp::LoadConst, Opcode::LoadConst, 1, 4),
            uop(UopOp::PopFrame, Opcode::ReturnValue, 0, 5),
        ];
        uops[1].target = 4;
        uops[2].operand = Value::NONE.to_bits();
        uops[4].operand = Value::TRUE.to_bits();
        fuse_constant_returns(&mut uops);
        let fused: Vec<_> = uops.iter().map(|u| (u.op, u.at, u.operand)).collect();
        assert_eq!(
            fused,
            [
                (UopOp::LoadFast, 0, 0),
                (UopOp::JumpIf, 1, 0),
                (UopOp::PopFrameConst, 2, Value::NONE.to_bits()),
                // The jump lands on the load: the fused return keeps its
                // instruction, so the label still finds it.
                (UopOp::PopFrameConst, 4, Value::TRUE.to_bits()),
            ]
        );
        let mut joined = vec![
            uop(UopOp::LoadConst, Opcode::LoadConst, 0, 0),
            uop(UopOp::Jump, Opcode::Jump, 0, 1),
            uop(UopOp::LoadConst, Opcode::LoadConst, 1, 2),
            uop(UopOp::PopFrame, Opcode::ReturnValue, 0, 3),
        ];
        joined[1].target = 3;
        fuse_constant_returns(&mut joined);
        assert_eq!(joined[3].op, UopOp::PopFrame, "a jump lands on the return");
    }
}
