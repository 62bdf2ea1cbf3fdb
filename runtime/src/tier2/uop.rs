//! Micro-ops: what a superblock is made of.
//!
//! Each instruction of the one instruction table names its micro-op
//! expansion (`uops [...]` in [`crate::bytecode`]); an instruction without
//! one runs in a superblock as a single [`UopOp::Step`], which performs the
//! thread's own tier-1 form of that instruction. `define_uops!` lists the
//! micro-ops with what the optimizer must know about each: whether it may
//! leave the superblock at its instruction (a guard), and whether it may run
//! arbitrary code or reach a safepoint (escaping: a validity check follows
//! it).

use crate::bytecode::{Instr, Opcode};

macro_rules! define_uops {
    ($(
        $(#[$doc:meta])*
        $name:ident { guard: $guard:expr, escapes: $escapes:expr };
    )*) => {
        /// A micro-op (see the module docs).
        #[repr(u8)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum UopOp {
            $($(#[$doc])* $name,)*
        }

        impl UopOp {
            /// Every micro-op, in table order.
            pub const ALL: &'static [UopOp] = &[$(UopOp::$name,)*];

            /// The micro-op's name (traces and statistics).
            pub fn name(self) -> &'static str {
                match self {
                    $(UopOp::$name => stringify!($name),)*
                }
            }

            /// Whether it may leave the superblock at its own instruction
            /// (before changing anything), to run it in tier 1.
            pub fn is_guard(self) -> bool {
                match self {
                    $(UopOp::$name => $guard,)*
                }
            }

            /// Whether it may run Python code or reach a safepoint, after
            /// which the executor may have been invalidated, and leaves the
            /// validity check to a `CheckValidity` after it (the micro-ops
            /// that escape often check themselves, saving a dispatch).
            pub fn escapes(self) -> bool {
                match self {
                    $(UopOp::$name => $escapes,)*
                }
            }
        }
    };
}

impl UopOp {
    /// Whether it is a fused operation: its operands and result where the
    /// [`Operands`] in its `arg` say.
    pub fn is_fused(self) -> bool {
        use UopOp::*;
        matches!(
            self,
            IntOp3
                | IntAdd3
                | IntSub3
                | IntMul3
                | FloatOp3
                | FloatAdd3
                | FloatSub3
                | FloatMul3
                | FloatDiv3
                | CompareInt3
                | CompareFloat3
                | CompareIs3
                | Subscr3
                | SubscrLocalConst
                | StoreSubscr3
        )
    }

    /// Whether it is a fused comparison: its result may be a branch
    /// ([`Slot::Branch`]) instead of a value.
    pub fn is_fused_compare(self) -> bool {
        use UopOp::*;
        matches!(self, CompareInt3 | CompareFloat3 | CompareIs3)
    }

    /// The fused operation for `self`, an `IntOp3` or `FloatOp3`, of the
    /// plain operator `op`: the operator's own micro-op where it has one.
    pub fn for_operator(self, op: crate::bytecode::BinaryOp) -> UopOp {
        use crate::bytecode::BinaryOp as B;
        match (self, op) {
            (UopOp::IntOp3, B::Add) => UopOp::IntAdd3,
            (UopOp::IntOp3, B::Sub) => UopOp::IntSub3,
            (UopOp::IntOp3, B::Mul) => UopOp::IntMul3,
            (UopOp::FloatOp3, B::Add) => UopOp::FloatAdd3,
            (UopOp::FloatOp3, B::Sub) => UopOp::FloatSub3,
            (UopOp::FloatOp3, B::Mul) => UopOp::FloatMul3,
            (UopOp::FloatOp3, B::TrueDiv) => UopOp::FloatDiv3,
            (fused, _) => fused,
        }
    }
}

define_uops! {
    /// Runs the instruction at `at` as the thread's tier 1 does (any form
    /// of its family); leaves the superblock if it jumps elsewhere than
    /// `target`. A call it makes runs to completion. It may run Python
    /// code, so it checks validity itself before going on (one dispatch
    /// fewer than a `CheckValidity` after it).
    Step { guard: false, escapes: false };
    /// Pushes local `arg` (UnboundLocalError if unbound).
    LoadFast { guard: false, escapes: false };
    /// Pushes local `arg`, known bound.
    LoadFastBound { guard: false, escapes: false };
    /// Pops into local `arg`.
    StoreFast { guard: false, escapes: false };
    /// Pushes the value in `operand`.
    LoadConst { guard: false, escapes: false };
    /// Pushes the contents of cell `arg` (NameError if empty).
    LoadDeref { guard: false, escapes: false };
    /// `a` → `op a` (`arg` the operator): natively on a bool, an inline
    /// int or a float, else the generic operation, which may run Python
    /// code (`__neg__`, `__bool__`...): then it checks validity itself, as
    /// `ExitIf` does.
    UnaryOp { guard: false, escapes: false };
    /// Discards the top of the stack.
    PopTop { guard: false, escapes: false };
    /// `seq, start, stop` → `seq[start:stop]` for an exact list or tuple
    /// and bounds that are inline ints or None, with no slice object:
    /// `BuildSlice 2` fused with the `BinarySubscrSeqSlice` after it.
    /// Leaves for tier 1 to build the slice otherwise.
    SliceSequence { guard: true, escapes: false };
    /// `isinstance, x, C` → whether `x` is an instance of the class `C`
    /// (its class's MRO holds `C`): tier 1's `CallIsinstance`, natively.
    /// Leaves unless the callable is the `isinstance` builtin and `C` a
    /// class (a tuple of classes: tier 1 runs it).
    Isinstance { guard: true, escapes: false };
    /// `f, [NULL,] x` → `f(x)` for a constant `math` function of one
    /// float (`sqrt`, `sin`, ...; `extra`: its place in
    /// `modules::math::float_function`'s table) and a float or inline int
    /// `x`, natively: the call of the builtin (a `CallBuiltin` of a
    /// `CallBuiltin` or `CallMethodBuiltin` form, with or without the
    /// receiver slot) without its arguments tuple. Leaves for tier 1's
    /// call for any other argument, and where the builtin raises.
    CallFloatFunction { guard: true, escapes: false };
    /// `method, receiver, x` → `receiver.method(x)` for the builtin
    /// method `operand` of a builtin type that tier 2 calls without an
    /// interpreter (`list.append`, `list.pop`, `set.add`, `set.discard`;
    /// `extra`: its place in `builtins::native_method`'s table), loaded by
    /// the `LoadMethodCached` of a `LoadMethodBuiltin` before it: the call
    /// of the method (a `CallBuiltin` of a `CallMethodBuiltin`) without
    /// its arguments tuple. Leaves for tier 1's call for another method
    /// (another thread's cache), and where the method would need Python
    /// code (a key's `__hash__`) or raise.
    CallNativeMethod { guard: true, escapes: false };
    /// `range, a[, b]` (`arg` of them) → `iter(range(a[, b]))` for inline
    /// ints, the iterator made at once with no range object: the call of
    /// the builtin `range` (a `Step` of `CallBuiltinClass` whose callable
    /// the optimizer holds as a constant) fused with the `GetIter` after
    /// it. Leaves for tier 1 to make the call for any other arguments.
    RangeIter { guard: true, escapes: false };
    /// `v` → `iter(v)`: natively for an exact list, tuple or range (the
    /// iterator allocated; allocation never collects), else the generic
    /// operation, which may run Python code (`__iter__`): then it checks
    /// validity itself, as `UnaryOp` does.
    GetIter { guard: false, escapes: false };
    /// Pushes a copy of the `arg`-th item from the top.
    Copy { guard: false, escapes: false };
    /// Swaps the top with the `arg`-th item from the top.
    Swap { guard: false, escapes: false };
    /// Pushes global `names[arg]` looked up in the frame's globals, then
    /// the builtins (NameError if neither has it).
    LoadGlobal { guard: false, escapes: false };
    /// Leaves unless the top two values are inline ints.
    GuardBothInt { guard: true, escapes: false };
    /// Leaves unless the top two values are floats, or a float and an
    /// inline int (tier 1's float forms take both).
    GuardFloatMix { guard: true, escapes: false };
    /// `a, b` → `a op b` on inline ints (`arg` the operator); leaves
    /// before changing anything when the result is not an inline int.
    BinaryOpInt { guard: true, escapes: false };
    /// `a, b` → `a op b` on inline ints for the other operators (`//`, `%`,
    /// shifts, bitwise, `/`, `**`): the generic operation when the result
    /// is not an inline int (ints run no Python code), so its type is not
    /// known.
    BinaryOpIntAny { guard: false, escapes: false };
    /// `seq` → `second, first`: natively for a tuple of two, else the
    /// generic unpacking, which may run an iterator's Python code: then it
    /// checks validity itself.
    UnpackTwo { guard: false, escapes: false };
    /// `key, container` → `key in container` (`arg`: `in` or `not in`):
    /// natively for an exact dict or set and an int, float or str key,
    /// else the generic comparison (checking validity itself after).
    ContainsOp { guard: false, escapes: false };
    /// `set, ..., item` → `set, ...` with the item added (the set `arg`
    /// below it): natively for an int, float or str, else through
    /// `__hash__` (checking validity itself after).
    SetAdd { guard: false, escapes: false };
    /// `list, ..., item` → `list, ...` with the item appended (a
    /// comprehension's list, `arg` below the top).
    ListAppend { guard: false, escapes: false };
    /// `a, b` → `a op b` on floats (an inline int operand converted);
    /// leaves on a zero divisor.
    BinaryOpFloat { guard: true, escapes: false };
    /// `a, b` → `a cmp b` on inline ints (`arg` the comparison).
    CompareInt { guard: false, escapes: false };
    /// `a, b` → `a cmp b` on floats (an inline int operand converted).
    CompareFloat { guard: false, escapes: false };
    /// `a, b` → `a is b` (or `is not`, by `arg`): identity.
    CompareIs { guard: false, escapes: false };
    /// Pops a value; leaves for `target` (outside the loop) when its truth
    /// is `arg == 1`. The truth of a non-bool may run `__bool__`/`__len__`;
    /// then it checks validity itself before going on.
    ExitIf { guard: false, escapes: false };
    /// `ExitIf` on a value known to be a bool.
    ExitIfBool { guard: false, escapes: false };
    /// Pops a value; jumps to instruction `target` (inside the loop) when
    /// its truth is `arg == 1`; checks validity after a `__bool__` as
    /// `ExitIf` does.
    JumpIf { guard: false, escapes: false };
    /// `JumpIf` on a value known to be a bool.
    JumpIfBool { guard: false, escapes: false };
    /// Jumps to instruction `target` (inside the loop).
    Jump { guard: false, escapes: false };
    /// A nested loop's back-edge to instruction `target`: a safepoint, a
    /// validity check, then the jump.
    JumpBack { guard: false, escapes: true };
    /// `iterator` → `iterator, next` for a range iterator whose values are
    /// inline ints; when exhausted pops it and jumps to `arg` (the
    /// instruction's target). Leaves for `at` on any other iterator.
    ForIterRange { guard: true, escapes: false };
    /// As `ForIterRange`, for a list or tuple iterator.
    ForIterSequence { guard: true, escapes: false };
    /// `container, key` → `container[key]` for an exact list or tuple and
    /// an inline int index in range; leaves for `at` otherwise.
    SubscrSequenceInt { guard: true, escapes: false };
    /// `dict, key` → `dict[key]` for an exact dict holding the native key
    /// (int, float, str); leaves for `at` otherwise (tier 1 then raises
    /// KeyError).
    SubscrDict { guard: true, escapes: false };
    /// `value, list, key` → (stores `list[key] = value`) for an exact list
    /// and an inline int index in range; leaves for `at` otherwise. With
    /// `arg` 1 the stack is `list, key, value` (the swaps of `b[k] op= v`
    /// fused into it: `at` is the first swap).
    StoreSubscrListInt { guard: true, escapes: false };
    /// Jumps to `arg` keeping the top when its truth is `(opcode ==
    /// JumpIfTrueOrPop)`, else pops it; checks validity after a
    /// `__bool__` as `ExitIf` does.
    JumpIfOrPop { guard: false, escapes: false };
    /// Leaves for `at` unless the value `arg` from the top is an instance
    /// whose class has version `operand` (a version names one class in one
    /// state: a class attribute set or a bases change gives it a new one).
    GuardClassVersion { guard: true, escapes: false };
    /// As `GuardClassVersion` for up to four versions: `operand`'s two
    /// halves, `target` and `extra` (0 where fewer), the classes of a
    /// method call site that all resolve the name to one function.
    GuardClassVersions { guard: true, escapes: false };
    /// `obj` → `obj.__dict__[names[arg]]`, for an instance whose class
    /// (guarded) neither defines the name nor hooks attribute access,
    /// looked for first at the position `operand` (tier 1's hint); leaves
    /// for `at` when the dict lacks it (tier 1 then raises or asks
    /// `__getattr__`). A class version in `extra` is the receiver's class
    /// guard folded in (leaving for `at` when it fails), as for
    /// `LoadMethodConst` and `StoreAttrInstanceDict`.
    LoadAttrInstanceDict { guard: true, escapes: false };
    /// `LoadFast`, the receiver's class guard and `LoadAttrInstanceDict`
    /// in one: pushes attribute `names[n]` of local `k`, looked for first
    /// at position `hint`, where `arg` is `n | k << 12 | hint << 20`
    /// ([`local_attribute`]), and the class must have one of the versions
    /// `GuardClassVersions` keeps in `operand`, `target` and `extra` (no guard when
    /// `operand` is 0: the class is known). Leaves for `at`, the load,
    /// when anything fails.
    LoadAttrLocal { guard: true, escapes: false };
    /// Two `LoadAttrLocal`s in a row (`self.x * o.x`) in one: the first's
    /// `arg` in `arg`, the second's in `extra`, the class version each
    /// receiver must have in `operand`'s low and high halves (0: none),
    /// and the second's instruction in `target`. Leaves for `at` when the
    /// first load fails, for `target` (the first value pushed) when the
    /// second does.
    LoadAttrLocal2 { guard: true, escapes: false };
    /// `obj` → the class attribute in `operand` (guarded class).
    LoadAttrConst { guard: false, escapes: false };
    /// `obj` → `method, obj` with the function in `operand` (guarded
    /// class: by a `GuardClassVersion`, or by itself with the version in
    /// `extra`).
    LoadMethodConst { guard: true, escapes: false };
    /// `LoadFast arg` and `LoadMethodConst` in one (the receiver a local):
    /// → `method, obj` with the function in `operand`, `extra` the class
    /// version the receiver must have (0: none). Leaves for `at`, the
    /// local's load, when the local is unbound or the version differs.
    LoadMethodLocal { guard: true, escapes: false };
    /// `obj` → `method, obj` through tier 1's cache of the
    /// `LoadMethodBuiltin`, or the polymorphic `LoadMethodInstance`
    /// (several classes, several methods), at `at`, in the running
    /// thread's copy; leaves for `at` when it misses or that copy has
    /// another form there.
    LoadMethodCached { guard: true, escapes: false };
    /// `obj` → `method, obj` for a polymorphic method call whose every
    /// cached class's method is inlined: the method of the candidate
    /// (`PushFrame` or `PushVirtualFrame` with a class version in `extra`)
    /// whose version the receiver's class has, found from the first
    /// candidate (its jump, resolved when the executor is built, from
    /// `target`: the call's instruction) along their chain. Leaves for
    /// `at` when no candidate's version matches. Reads no tier-1 cache,
    /// so a virtual frame may run it.
    LoadMethodVersions { guard: true, escapes: false };
    /// `obj` → `fget(obj)` for the property in `operand` (guarded class:
    /// it holds the property), its getter read when it runs.
    LoadAttrProperty { guard: false, escapes: true };
    /// `obj` → `fget(obj)` for the getter in `operand`, which the executor
    /// depends on (descriptor re-initialization) besides the class guard.
    LoadAttrPropertyConst { guard: false, escapes: true };
    /// `obj` → `function, NULL` for the staticmethod in `operand` (guarded
    /// class), its function read when it runs.
    LoadMethodStatic { guard: false, escapes: false };
    /// `value, obj` → (stores `obj.__dict__[names[arg]] = value`) for an
    /// instance whose class (guarded) neither defines the name nor hooks
    /// attribute stores, first at the position `operand` (tier 1's hint);
    /// the guard may be folded in (`extra`, as `LoadAttrInstanceDict`'s).
    StoreAttrInstanceDict { guard: true, escapes: false };
    /// `LoadFast k; GuardClassVersion(s); StoreAttrInstanceDict n` in one:
    /// `value` → (stores attribute `names[n]` of local `k`, first at
    /// position `hint`), with `arg`, the guard's versions and the exit as
    /// `LoadAttrLocal`'s.
    StoreAttrLocal { guard: true, escapes: false };
    /// `StoreAttrLocal` on the instance an inlined `__init__` was called
    /// for, before anything could show it to another thread (see
    /// [`crate::tier2::optimize::mark_unshared_stores`]): stores without
    /// taking the instance's lock.
    StoreAttrLocalUnshared { guard: true, escapes: false };
    /// `value` → (stores `C.names[n] = value` for the plain class `C` in
    /// `operand`): the class attribute event, which may invalidate this
    /// very executor. `arg` is `n` with where the name was in the class
    /// dict when the executor was built ([`class_store`]), looked at first.
    StoreClassAttr { guard: false, escapes: true };
    /// `func, arg × arg` → `func(args)` for the Python function in
    /// `operand`, which the executor depends on (code and both defaults
    /// unchanged, no frame-evaluation hook): no guard. From a `CallMethodPy`
    /// the layout is `LoadMethod`'s (`func, receiver or NULL, args`). It
    /// checks validity itself after the call, as `Step` does.
    CallPyConst { guard: false, escapes: false };
    /// Leaves for `at` unless the top of the stack may be the right operand
    /// of the left one's operator method that tier 1 calls directly (a
    /// float, an inline int, or an instance of the left one's class).
    GuardOperandPartner { guard: true, escapes: false };
    /// `a, b` → `method(a, b)` for the operator method in `operand` of
    /// `a`'s class (guarded), which the executor depends on as for
    /// `CallPyConst`; NotImplemented from it raises the TypeError, as
    /// tier 1's `BinaryOpInstance` does. It checks validity itself after
    /// the call.
    CallOperatorConst { guard: false, escapes: false };
    /// `class, arg × arg` → a new instance of the plain class `class`,
    /// initialized by its `__init__` in `operand` (the executor depends on
    /// the class and the function, as for `CallPyConst`): no guard. It
    /// checks validity itself after the call.
    CallInitConst { guard: false, escapes: false };
    /// `func, arg × arg` → `func(args)` for a builtin function taking at
    /// most eight arguments, called natively (tier 1's `CallBuiltin`; from
    /// a `CallMethodBuiltin` the layout is `LoadMethod`'s); leaves for `at`
    /// when the callable is not one, or a trace function wants to see the
    /// call. A builtin may run Python code (a key function, `__hash__`),
    /// so it checks validity itself after the call, as `Step` does.
    CallBuiltin { guard: true, escapes: false };
    /// `func, arg × arg` → a new frame for the Python function in
    /// `operand`, called as `CallPyConst` calls it (from a `CallClassInit`
    /// or a `BinaryOpInstance`, as `CallInitConst` or `CallOperatorConst`
    /// call theirs); the function's inlined
    /// micro-ops follow and run on that frame, until a `PopFrame` returns
    /// to the caller's micro-op at `target` (a micro-op index, not an
    /// instruction). A side exit inside leaves tier 1 running the callee's
    /// frame, which returns to the caller as any call does. With a class
    /// version in `extra`, one method of a polymorphic method call: it
    /// runs only when the receiver's class has that version, else goes on
    /// with the caller's next micro-op (another method, or the call's
    /// `Step`).
    PushFrame { guard: false, escapes: false };
    /// As `PushFrame` for a call of a plain function (the arguments are
    /// its parameters; no cells) whose inlined micro-ops never run Python
    /// code, call or reach a safepoint: its locals go where the frame's
    /// would, but no frame is pushed unless the executor leaves inside the
    /// callee (then the frame tier 1's call would have pushed is, before
    /// tier 1 goes on in it). Otherwise, a real frame as `PushFrame`'s.
    PushVirtualFrame { guard: false, escapes: false };
    /// An inlined function returns the top of its stack: its frame is
    /// popped and the value pushed where the call's callable was (the
    /// instance, for an `__init__`: `arg` is [`RETURNS_INSTANCE`] in an
    /// inlined `__init__`'s body, [`RETURNS_OPERATOR_RESULT`] in an
    /// operator method's). Where tier 1's return would raise
    /// instead (an `__init__` returning a value, an operator returning
    /// NotImplemented), it leaves for the return, which does.
    PopFrame { guard: false, escapes: false };
    /// `LoadConst; PopFrame` (`return None`, `return True`...): the
    /// constant in `operand` is returned, from nothing on the stack. Its
    /// `at` is the constant load's, so that where it leaves (as
    /// `PopFrame` does), tier 1 loads the constant and returns.
    PopFrameConst { guard: false, escapes: false };
    /// `a op b` on inline ints, its operands and result where
    /// [`Operands`] in `arg` says (locals, the constant in `operand`, the
    /// stack): a run of loads, the operation and a store in one micro-op.
    /// Leaves for `at`, the run's first instruction, before changing
    /// anything when an operand is not an inline int or the result is not
    /// one.
    IntOp3 { guard: true, escapes: false };
    /// `IntOp3` for `+` (its own micro-op, as the next ones are for
    /// theirs: the commonest operators skip the operator's dispatch).
    IntAdd3 { guard: true, escapes: false };
    /// `IntOp3` for `-`.
    IntSub3 { guard: true, escapes: false };
    /// `IntOp3` for `*`.
    IntMul3 { guard: true, escapes: false };
    /// As `IntOp3` on floats (or a float and an inline int, as
    /// `GuardFloatMix` takes them); leaves on a zero divisor too.
    FloatOp3 { guard: true, escapes: false };
    /// `FloatOp3` for `+`.
    FloatAdd3 { guard: true, escapes: false };
    /// `FloatOp3` for `-`.
    FloatSub3 { guard: true, escapes: false };
    /// `FloatOp3` for `*`.
    FloatMul3 { guard: true, escapes: false };
    /// `FloatOp3` for `/`.
    FloatDiv3 { guard: true, escapes: false };
    /// As `IntOp3` for a comparison of inline ints (a bool result, or the
    /// branch it decides: [`Slot::Branch`]).
    CompareInt3 { guard: true, escapes: false };
    /// As `FloatOp3` for a comparison (a bool result).
    CompareFloat3 { guard: true, escapes: false };
    /// As `CompareInt3` for `is` and `is not` (`CompareIs`) on any two
    /// values: `x is None` with its constant and its branch in one.
    CompareIs3 { guard: false, escapes: false };
    /// `container[key]` as `SubscrSequenceInt`, its operands and result
    /// where [`Operands`] says (as `IntOp3`).
    Subscr3 { guard: true, escapes: false };
    /// `Subscr3` of a local's item at a constant index (`b[3]`), the
    /// commonest subscript: the index, a non-negative inline int, is the
    /// micro-op's constant, and only the local is read through
    /// [`Operands`] (the result a local or pushed).
    SubscrLocalConst { guard: true, escapes: false };
    /// `StoreSubscrListInt` (`arg` 0) with the list and the index where
    /// [`Operands`] says (`p[i] = v`: the list a local, the index a local
    /// or the constant) and the value under them; no result. It leaves,
    /// having changed nothing, for the first instruction it replaced.
    StoreSubscr3 { guard: true, escapes: false };
    /// Leaves for `target` unless the executor is still valid.
    CheckValidity { guard: false, escapes: false };
    /// The loop's back-edge: a safepoint, a validity check, then back to
    /// the first micro-op.
    JumpToTop { guard: false, escapes: true };
    /// Leaves for `target`.
    Exit { guard: false, escapes: false };
    /// Leaves for tier 1 at its own instruction, a generic one of an
    /// inlined body that had never run in the building thread (its path
    /// not taken yet), instead of running it as a `Step`: counted as a
    /// failed guard, so that the executor is rebuilt, with the instruction
    /// specialized by then, once the path turns hot. A cold path's call no
    /// longer makes its function's frame real (`frameless`).
    ExitUntaken { guard: true, escapes: false };
}

/// `PopFrame`'s `arg` in an inlined `__init__`'s body: the call's result
/// is the instance, not the returned value (which must be None).
pub const RETURNS_INSTANCE: u32 = 1;

/// `PopFrame`'s `arg` in an inlined operator method's body: a returned
/// NotImplemented is not the result (the operation raises a TypeError).
pub const RETURNS_OPERATOR_RESULT: u32 = 2;

/// One micro-op of a superblock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uop {
    /// What it does.
    pub op: UopOp,
    /// The opcode of the instruction it came from (its form when
    /// projected).
    pub opcode: Opcode,
    /// Its small operand (local slot, operator, count, direction).
    pub arg: u32,
    /// The instruction it came from: a guard leaves to run it in tier 1,
    /// an error is raised there.
    pub at: u32,
    /// The instruction it leaves for or jumps to, or where the loop goes
    /// on after a `Step`.
    pub target: u32,
    /// Its word operand (a constant's bits).
    pub operand: u64,
    /// The code it belongs to: 0 for the loop's, then one number per
    /// inlined call (`at`, `target` and jumps count in that code).
    pub segment: u16,
    /// A second small operand, for the few micro-ops that need more than
    /// `arg`, `target` and `operand`: the fourth class version of a
    /// `GuardClassVersions` or a guarded `LoadAttrLocal`; the class version
    /// a conditional `PushFrame` or `PushVirtualFrame` requires of the
    /// receiver; for a method call's `Step`, the instruction after the
    /// `LoadMethodCached` that loaded its method; for a `ForIterRange` or
    /// `ForIterSequence`, 1 + the local its items are stored to (0: pushed);
    /// for a `LoadAttrInstanceDict`, `StoreAttrInstanceDict` or
    /// `LoadMethodConst`, the receiver's class version it checks (0: none);
    /// for a fused operation, its [`Access`]'s operands (set when the
    /// executor is built).
    pub extra: u32,
    /// A fused operation's [`Access`] result and height (0 for the
    /// others).
    pub place: u32,
}

impl Uop {
    /// The local of its own frame it stores to, if any (of the micro-ops a
    /// virtual frame may run: `StoreFast` and the fused operations).
    pub fn stored_local(&self) -> Option<u32> {
        match self.op {
            UopOp::StoreFast => Some(self.arg),
            op if op.is_fused() => match Operands::decode(self.arg).result {
                Slot::Local(k) => Some(u32::from(k)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether this pushes the frame of one method of a polymorphic call,
    /// only for receivers whose class has the version in `extra`.
    #[inline]
    pub fn conditional_frame(&self) -> bool {
        matches!(self.op, UopOp::PushFrame | UopOp::PushVirtualFrame) && self.extra != 0
    }

    /// A micro-op of `instr` (at index `at`), with its operand and no
    /// word operand.
    pub fn new(op: UopOp, instr: Instr, at: u32, target: u32) -> Uop {
        Uop {
            op,
            opcode: instr.op,
            arg: instr.arg,
            at,
            target,
            operand: 0,
            segment: 0,
            extra: 0,
            place: 0,
        }
    }

    /// A fused operation's [`Access`].
    #[inline(always)]
    pub fn access(&self) -> Access {
        Access {
            operands: self.extra,
            result: self.place,
        }
    }
}

impl std::fmt::Display for Uop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>2}:{:>4} {:<14} {:<4} ({})",
            self.segment,
            self.at,
            self.op.name(),
            self.arg,
            self.opcode.name()
        )?;
        match self.op {
            UopOp::Step
            | UopOp::Exit
            | UopOp::ExitUntaken
            | UopOp::ExitIf
            | UopOp::ExitIfBool
            | UopOp::JumpIf
            | UopOp::JumpIfBool
            | UopOp::Jump
            | UopOp::JumpBack
            | UopOp::JumpToTop => write!(f, " -> {}", self.target),
            UopOp::CheckValidity => write!(f, " (else -> {})", self.target),
            UopOp::PushFrame | UopOp::PushVirtualFrame => write!(f, " (then #{})", self.target),
            UopOp::LoadConst => write!(f, " ({:#x})", self.operand),
            UopOp::ForIterRange | UopOp::ForIterSequence if self.extra != 0 => {
                write!(f, " -> Local({})", self.extra - 1)
            }
            op if op.is_fused() => {
                let o = Operands::decode(self.arg);
                write!(f, " {:?} {:?} -> {:?}", o.a, o.b, o.result)?;
                if let Slot::Branch { .. } = o.result {
                    write!(f, " {}", self.target)?;
                }
                if o.a == Slot::Constant || o.b == Slot::Constant {
                    write!(f, " ({:#x})", self.operand)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// Where a fused operation (`IntOp3`...) finds an operand or puts its
/// result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// A local of the frame (at most [`Slot::MAX_LOCAL`]).
    Local(u8),
    /// The micro-op's `operand` (operands only).
    Constant,
    /// The stack (the right operand on top).
    Stack,
    /// A comparison's result decides the branch that followed it: when
    /// it is `when`, an exit (`exit`) or a jump to instruction `target`
    /// (results only).
    Branch {
        /// Leaves the superblock rather than jumping inside it.
        exit: bool,
        /// The result that takes the branch.
        when: bool,
    },
}

impl Slot {
    /// The highest local a slot names.
    pub const MAX_LOCAL: usize = 0xF7;

    fn encode(self) -> u32 {
        match self {
            Slot::Local(k) => u32::from(k),
            Slot::Constant => 0xFE,
            Slot::Stack => 0xFF,
            Slot::Branch { exit, when } => 0xF8 | u32::from(exit) << 1 | u32::from(when),
        }
    }

    #[inline(always)]
    fn decode(bits: u32) -> Slot {
        match bits & 0xFF {
            0xFE => Slot::Constant,
            0xFF => Slot::Stack,
            k @ 0xF8..=0xFB => Slot::Branch {
                exit: k & 2 != 0,
                when: k & 1 != 0,
            },
            k => Slot::Local(k as u8),
        }
    }
}

/// The `arg` of a fused operation: its operator (a [`crate::bytecode::BinaryOp`]
/// or [`crate::bytecode::CompareOp`] operand) and its three slots, a byte
/// each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operands {
    /// The operator.
    pub op: u8,
    /// The left operand.
    pub a: Slot,
    /// The right operand.
    pub b: Slot,
    /// Where the result goes (a local or the stack).
    pub result: Slot,
}

impl Operands {
    /// As a micro-op's `arg`.
    pub fn encode(self) -> u32 {
        u32::from(self.op)
            | self.a.encode() << 8
            | self.b.encode() << 16
            | self.result.encode() << 24
    }

    /// From a micro-op's `arg`.
    #[inline]
    pub fn decode(arg: u32) -> Operands {
        Operands {
            op: arg as u8,
            a: Slot::decode(arg >> 8),
            b: Slot::decode(arg >> 16),
            result: Slot::decode(arg >> 24),
        }
    }
}

/// Where a fused operation reads its two operands and puts its result:
/// slots of its frame counted from the frame's locals base, set when the
/// executor is built ([`Access::place`]). A local is its own slot; a value
/// on the stack lies at a slot known then too, since the stack's height at
/// an instruction is the same however the instruction is reached
/// ([`crate::bytecode::stack_depths`]) and every micro-op leaves the frame
/// as tier 1 has it at its instruction (`at`). The interpreter then reads
/// an operand with one load and a select (the constant over it), never
/// asking whether it is a local or where the stack ends: one place in the
/// micro-op interpreter serves every fused operation of every executor,
/// where branching on the slots mispredicts (cachegrind's branch
/// simulation put 29 % of `board_game`'s conditional mispredicts there).
///
/// `operands` (the micro-op's `extra`): each operand's slot in 15 bits,
/// its top bit set for the constant (whose slot is the other operand's,
/// a slot that holds a value). `result` (its `place`): the result's slot
/// in the low 16 bits (or, with the top bit set, its branch: `exit` in
/// bit 1, `when` in bit 0), the stack's height after the operation (from
/// the base) in the high 16.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// The operands' slots.
    pub operands: u32,
    /// The result's slot or branch, and the height after.
    pub result: u32,
}

/// Where a fused operation's result goes ([`Access::result`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placed {
    /// This slot (a local, or the new top of the stack).
    Slot(usize),
    /// The branch its comparison decides (see [`Slot::Branch`]).
    Branch {
        /// Leaves the superblock rather than jumping inside it.
        exit: bool,
        /// The result that takes the branch.
        when: bool,
    },
}

impl Access {
    /// The slots of `operands`, a fused operation at an instruction where
    /// the frame has `locals` slots and `depth` values on its stack; `None`
    /// if a slot does not fit in 15 bits.
    pub fn place(operands: Operands, locals: usize, depth: usize) -> Option<Access> {
        let height = locals + depth;
        // The right operand is on top when both are on the stack.
        let on_stack = [operands.a, operands.b].map(|s| s == Slot::Stack);
        let pops = on_stack.iter().filter(|&&s| s).count();
        let after = height.checked_sub(pops)?;
        let slot = |i: usize, s: Slot| match s {
            Slot::Local(k) => Some(usize::from(k)),
            Slot::Stack if i == 0 && on_stack[1] => Some(height - 2),
            Slot::Stack => Some(height - 1),
            Slot::Constant | Slot::Branch { .. } => None,
        };
        let (a, b) = (slot(0, operands.a), slot(1, operands.b));
        let word = |own: Option<usize>, other: Option<usize>| -> Option<u32> {
            let slot = own.or(other)?;
            let slot = u32::try_from(slot).ok().filter(|&s| s < 0x8000)?;
            Some(slot | u32::from(own.is_none()) << 15)
        };
        let (result, height_after) = match operands.result {
            Slot::Local(k) => (u32::from(k), after),
            Slot::Branch { exit, when } => (0x8000 | u32::from(exit) << 1 | u32::from(when), after),
            // Pushed: the new top.
            _ => (
                u32::try_from(after).ok().filter(|&s| s < 0x8000)?,
                after + 1,
            ),
        };
        let height_after = u32::try_from(height_after).ok().filter(|&h| h < 0x1_0000)?;
        Some(Access {
            operands: word(a, b)? | word(b, a)? << 16,
            result: result | height_after << 16,
        })
    }

    /// The slots of `operands` of a `StoreSubscr3` (its list and index;
    /// the result slot and the stack's height after it are those of the
    /// value under them), as [`Access::place`].
    pub fn place_store(operands: Operands, locals: usize, depth: usize) -> Option<Access> {
        let mut access = Access::place(operands, locals, depth)?;
        let value = access.height_after().checked_sub(2)? as u32;
        access.result = value | value << 16;
        Some(access)
    }

    /// Operand `k`'s slot (the other operand's for the constant).
    #[inline(always)]
    pub fn slot(self, k: usize) -> usize {
        (self.operands >> (16 * k) & 0x7FFF) as usize
    }

    /// Whether operand `k` is the micro-op's constant.
    #[inline(always)]
    pub fn constant(self, k: usize) -> bool {
        self.operands & 0x8000 << (16 * k) != 0
    }

    /// Where the result goes.
    #[inline(always)]
    pub fn result(self) -> Placed {
        let r = self.result & 0xFFFF;
        if r & 0x8000 == 0 {
            Placed::Slot(r as usize)
        } else {
            Placed::Branch {
                exit: r & 2 != 0,
                when: r & 1 != 0,
            }
        }
    }

    /// The stack's height (from the base) after the operation.
    #[inline(always)]
    pub fn height_after(self) -> usize {
        (self.result >> 16) as usize
    }
}

/// The `arg` of `LoadAttrLocal` for name `n`, local `k` and position
/// hint `hint`, if they fit (12, 8 and 12 bits; a hint that does not fit
/// becomes none, `0xFFF`, and so does [`NEW_KEY_HINT`], which only the
/// optimizer sets).
pub fn local_attribute(n: u32, k: u32, hint: u64) -> Option<u32> {
    let hint = if hint >= u64::from(NEW_KEY_HINT) {
        0xFFF
    } else {
        hint as u32
    };
    (n < 1 << 12 && k < 1 << 8).then_some(n | k << 12 | hint << 20)
}

/// The hint of a `StoreAttrLocalUnshared` that adds a name its instance's
/// dict does not have yet (set by `optimize::mark_unshared_stores`): the
/// store appends it without looking for it.
pub const NEW_KEY_HINT: u32 = 0xFFE;

/// `arg` (a `local_attribute`) with its hint replaced by `hint`.
pub fn with_attribute_hint(arg: u32, hint: u32) -> u32 {
    arg & 0xF_FFFF | hint << 20
}

/// What a `LoadAttrLocal` `arg` holds: (name, local, position hint).
#[inline]
pub fn local_attribute_parts(arg: u32) -> (usize, usize, usize) {
    let hint = (arg >> 20) as usize;
    (
        (arg & 0xFFF) as usize,
        (arg >> 12 & 0xFF) as usize,
        if hint == 0xFFF { usize::MAX } else { hint },
    )
}

/// The `arg` of `StoreClassAttr` for name `n` and the position `hint` of
/// the name in the class dict when the executor was built (20 and 12 bits;
/// a name or hint that does not fit becomes no hint).
pub fn class_store(n: u32, hint: Option<usize>) -> u32 {
    match hint {
        Some(h) if n < 1 << 20 && h < 0xFFF => n | (h as u32) << 20,
        _ => n | 0xFFF << 20,
    }
}

/// What a `StoreClassAttr` `arg` holds: (name, position hint or
/// `usize::MAX`).
#[inline]
pub fn class_store_parts(arg: u32) -> (usize, usize) {
    let hint = (arg >> 20) as usize;
    (
        (arg & 0xF_FFFF) as usize,
        if hint == 0xFFF { usize::MAX } else { hint },
    )
}

/// How an instruction enters a superblock: its table expansion, or one
/// `Step` when it names none.
pub fn expansion(op: Opcode) -> &'static [UopOp] {
    op.uops().unwrap_or(&[UopOp::Step])
}
