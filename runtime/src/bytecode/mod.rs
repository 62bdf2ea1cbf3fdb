//! The instruction set, defined once (DESIGN §6), and code objects.
//!
//! `define_instructions!` lists every instruction with its operand kind
//! and its stack effects (falling through and jumping); the [`Opcode`]
//! enum, the names table, [`Opcode::operand`], [`Opcode::stack_effect`] and
//! the disassembler all come from that one table. Later tiers (specialized
//! forms, statistics names, micro-op expansion) extend the same table.
//!
//! An instruction is an [`Instr`]: an opcode byte and a 32-bit operand.
//! Jump targets are absolute instruction indices.

use std::fmt::Write as _;
use std::sync::Arc;

use stillpoint_gc::{Trace, Tracer};

use crate::value::Value;

/// What an instruction's operand means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    /// No operand (0).
    None,
    /// An index into the code object's constants.
    Const,
    /// An index into the local variables (`varnames`).
    Local,
    /// An index into the code object's names.
    Name,
    /// A count (arguments, items).
    Count,
    /// An absolute jump target.
    Target,
    /// A [`BinaryOp`].
    BinaryOp,
    /// A [`UnaryOp`].
    UnaryOp,
    /// A [`CompareOp`].
    CompareOp,
    /// A value conversion for f-strings (0: str, 1: repr).
    Conversion,
    /// Instruction-specific flags.
    Flags,
    /// An index into the frame's cells and free variables (cellvars
    /// first, then freevars).
    Deref,
}

macro_rules! define_instructions {
    ($(
        $(#[$doc:meta])*
        $name:ident($operand:ident) fall: $fall:expr, jump: $jump:expr
            $(, specializes $base:ident)? $(, uops [$($uop:ident),*])?;
    )*) => {
        /// An opcode (see the module docs).
        #[repr(u8)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Opcode {
            $($(#[$doc])* $name,)*
        }

        impl Opcode {
            /// Every opcode, in table order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$name,)*];

            /// Whether specialized forms of this instruction exist: it is the
            /// generic instruction of a family, which counts its runs.
            pub fn is_adaptive(self) -> bool {
                Opcode::ALL.iter().any(|&o| o != self && o.family() == self)
            }

            /// The instruction's name (disassembly and statistics).
            pub fn name(self) -> &'static str {
                match self {
                    $(Opcode::$name => stringify!($name),)*
                }
            }

            /// What the operand means.
            pub fn operand(self) -> Operand {
                match self {
                    $(Opcode::$name => Operand::$operand,)*
                }
            }

            /// The change in stack depth when the instruction falls through
            /// (`jump == false`) or takes its jump (`jump == true`).
            pub fn stack_effect(self, arg: u32, jump: bool) -> i32 {
                let arg = arg as i32;
                match self {
                    $(Opcode::$name => {
                        let fall: fn(i32) -> i32 = $fall;
                        let jump_effect: fn(i32) -> i32 = $jump;
                        if jump { jump_effect(arg) } else { fall(arg) }
                    })*
                }
            }

            /// The generic (adaptive) instruction of a specialized form's
            /// family; the instruction itself otherwise. Deoptimizing
            /// rewrites a specialized form to this.
            #[inline]
            pub fn family(self) -> Opcode {
                match self {
                    $(Opcode::$name => {
                        #[allow(unused_mut, unused_assignments)]
                        let mut base = Opcode::$name;
                        $(base = Opcode::$base;)?
                        base
                    })*
                }
            }

            /// The instruction's micro-op expansion in a tier-2 superblock,
            /// if the table names one (otherwise it runs there as one
            /// `Step` of its tier-1 form: crate::tier2::uop).
            pub fn uops(self) -> Option<&'static [crate::tier2::UopOp]> {
                match self {
                    $(Opcode::$name => {
                        #[allow(unused_mut, unused_assignments)]
                        let mut uops = None;
                        $(uops = Some(&[$(crate::tier2::UopOp::$uop),*][..]);)?
                        uops
                    })*
                }
            }
        }
    };
}

define_instructions! {
    /// Does nothing.
    Nop(None) fall: |_| 0, jump: |_| 0, uops [];
    /// Pushes a constant.
    LoadConst(Const) fall: |_| 1, jump: |_| 1, uops [LoadConst];
    /// Pushes a local (UnboundLocalError if unbound).
    LoadFast(Local) fall: |_| 1, jump: |_| 1, uops [LoadFast];
    /// Pops into a local.
    StoreFast(Local) fall: |_| -1, jump: |_| -1, uops [StoreFast];
    /// Pushes a global (then builtin) by name.
    LoadGlobal(Name) fall: |_| 1, jump: |_| 1, uops [LoadGlobal];
    /// Pops into a global.
    StoreGlobal(Name) fall: |_| -1, jump: |_| -1;
    /// Pushes a name from the frame's namespace dict, then globals, then
    /// builtins (module and class bodies).
    LoadName(Name) fall: |_| 1, jump: |_| 1;
    /// Pops into the frame's namespace dict.
    StoreName(Name) fall: |_| -1, jump: |_| -1;
    /// `obj` → `obj.name`.
    LoadAttr(Name) fall: |_| 0, jump: |_| 0;
    /// `value, obj` → (sets `obj.name = value`).
    StoreAttr(Name) fall: |_| -2, jump: |_| -2;
    /// `obj` → `method, obj` for a method found on the class, or
    /// `attr, NULL` otherwise (no bound-method allocation on calls).
    LoadMethod(Name) fall: |_| 1, jump: |_| 1;
    /// `callable, arg × n` → result.
    Call(Count) fall: |n| -n, jump: |n| -n;
    /// `callable, self-or-NULL, arg × n` → result.
    CallMethod(Count) fall: |n| -n - 1, jump: |n| -n - 1;
    /// `callable, arg × n, kwnames` → result (the last `len(kwnames)`
    /// arguments are keyword arguments).
    CallKw(Count) fall: |n| -n - 1, jump: |n| -n - 1;
    /// `callable, self-or-NULL, arg × n, kwnames` → result.
    CallMethodKw(Count) fall: |n| -n - 2, jump: |n| -n - 2;
    /// Discards the top of the stack.
    PopTop(None) fall: |_| -1, jump: |_| -1, uops [PopTop];
    /// Pops a value; unless it is None, prints its repr and binds it to
    /// `builtins._` (an expression statement at the interactive prompt).
    PrintExpr(None) fall: |_| -1, jump: |_| -1;
    /// Pushes a copy of the n-th item from the top (1 = top).
    Copy(Count) fall: |_| 1, jump: |_| 1, uops [Copy];
    /// Swaps the top with the n-th item from the top.
    Swap(Count) fall: |_| 0, jump: |_| 0, uops [Swap];
    /// `a, b` → `a op b`.
    BinaryOp(BinaryOp) fall: |_| -1, jump: |_| -1;
    /// `a` → `op a`.
    UnaryOp(UnaryOp) fall: |_| 0, jump: |_| 0, uops [UnaryOp];
    /// `a, b` → `a op b`.
    CompareOp(CompareOp) fall: |_| -1, jump: |_| -1;
    /// Jumps.
    Jump(Target) fall: |_| 0, jump: |_| 0, uops [];
    /// Jumps back (a loop back-edge: a safepoint).
    JumpBackward(Target) fall: |_| 0, jump: |_| 0, uops [JumpToTop];
    /// Pops; jumps if false.
    PopJumpIfFalse(Target) fall: |_| -1, jump: |_| -1, uops [ExitIf];
    /// Pops; jumps if true.
    PopJumpIfTrue(Target) fall: |_| -1, jump: |_| -1, uops [ExitIf];
    /// Jumps (keeping the value) if false, else pops.
    JumpIfFalseOrPop(Target) fall: |_| -1, jump: |_| 0, uops [JumpIfOrPop];
    /// Jumps (keeping the value) if true, else pops.
    JumpIfTrueOrPop(Target) fall: |_| -1, jump: |_| 0, uops [JumpIfOrPop];
    /// `iterable` → `iterator`.
    GetIter(None) fall: |_| 0, jump: |_| 0, uops [GetIter];
    /// `iterator` → `iterator, next`; when exhausted pops the iterator and
    /// jumps.
    ForIter(Target) fall: |_| 1, jump: |_| -1;
    /// `item × n` → tuple.
    BuildTuple(Count) fall: |n| 1 - n, jump: |n| 1 - n;
    /// `item × n` → list.
    BuildList(Count) fall: |n| 1 - n, jump: |n| 1 - n;
    /// `(key, value) × n` → dict.
    BuildMap(Count) fall: |n| 1 - 2 * n, jump: |n| 1 - 2 * n;
    /// `str × n` → their concatenation (f-strings).
    BuildString(Count) fall: |n| 1 - n, jump: |n| 1 - n;
    /// `value [spec]` → its formatted text (f-strings): conversion in the
    /// low bits (0 none, 1 repr, 2 str, 3 ascii); flag 4: a format spec
    /// str lies above the value.
    FormatValue(Conversion) fall: |c| -(((c & 4) != 0) as i32), jump: |c| -(((c & 4) != 0) as i32);
    /// `container, key` → `container[key]`.
    BinarySubscr(None) fall: |_| -1, jump: |_| -1;
    /// `value, container, key` → (sets `container[key] = value`).
    StoreSubscr(None) fall: |_| -3, jump: |_| -3;
    /// `sequence` → its n items, the first on top.
    UnpackSequence(Count) fall: |n| n - 1, jump: |n| n - 1;
    /// Returns the top of the stack.
    ReturnValue(None) fall: |_| -1, jump: |_| -1;
    /// `[defaults,] [kwdefaults,] [closure,] code, qualname` → function
    /// (flag 1: a defaults tuple, 2: a keyword-only defaults dict, 4: a
    /// tuple of cells lie below the code).
    MakeFunction(Flags) fall: |f| -1 - (f & 7).count_ones() as i32,
        jump: |f| -1 - (f & 7).count_ones() as i32;
    /// `body function, name, base × n` → class (runs the body first).
    MakeClass(Count) fall: |n| -1 - n, jump: |n| -1 - n;
    /// Raises: 0 operands re-raises the exception being handled; 1 raises
    /// the top; 2 raises `exc from cause`.
    Raise(Count) fall: |n| -n, jump: |n| -n;
    /// Re-raises the exception on top without adding a traceback entry.
    Reraise(None) fall: |_| -1, jump: |_| -1;
    /// Handler entry: records the exception on top as being handled.
    PushExcInfo(None) fall: |_| 0, jump: |_| 0;
    /// Handler exit: forgets the exception being handled.
    PopExcept(None) fall: |_| 0, jump: |_| 0;
    /// `exc, type` → `exc, isinstance(exc, type)`.
    CheckExcMatch(None) fall: |_| 0, jump: |_| 0;
    /// Pushes `AssertionError`.
    LoadAssertionError(None) fall: |_| 1, jump: |_| 1;
    /// Pushes the contents of a cell (NameError/UnboundLocalError if
    /// empty).
    LoadDeref(Deref) fall: |_| 1, jump: |_| 1, uops [LoadDeref];
    /// Pops into a cell.
    StoreDeref(Deref) fall: |_| -1, jump: |_| -1;
    /// Empties a cell (`del`).
    DeleteDeref(Deref) fall: |_| 0, jump: |_| 0;
    /// Pushes the cell object itself (to build a closure).
    LoadClosure(Deref) fall: |_| 1, jump: |_| 1;
    /// Unbinds a local (`del`).
    DeleteFast(Local) fall: |_| 0, jump: |_| 0;
    /// Removes a global (`del`).
    DeleteGlobal(Name) fall: |_| 0, jump: |_| 0;
    /// Removes a name from the frame's namespace (`del`).
    DeleteName(Name) fall: |_| 0, jump: |_| 0;
    /// `obj` → (deletes `obj.name`).
    DeleteAttr(Name) fall: |_| -1, jump: |_| -1;
    /// `container, key` → (deletes `container[key]`).
    DeleteSubscr(None) fall: |_| -2, jump: |_| -2;
    /// `start, stop[, step]` → slice.
    BuildSlice(Count) fall: |n| 1 - n, jump: |n| 1 - n;
    /// `item × n` → set.
    BuildSet(Count) fall: |n| 1 - n, jump: |n| 1 - n;
    /// `item` → (appends it to the list n deep after the pop).
    ListAppend(Count) fall: |_| -1, jump: |_| -1, uops [ListAppend];
    /// `iterable` → (extends the list n deep after the pop).
    ListExtend(Count) fall: |_| -1, jump: |_| -1;
    /// `item` → (adds it to the set n deep after the pop).
    SetAdd(Count) fall: |_| -1, jump: |_| -1, uops [SetAdd];
    /// `iterable` → (adds its items to the set n deep after the pop).
    SetUpdate(Count) fall: |_| -1, jump: |_| -1;
    /// `key, value` → (stores it in the dict n deep after the pops).
    MapAdd(Count) fall: |_| -2, jump: |_| -2;
    /// `mapping` → (updates the dict n deep after the pop).
    DictUpdate(Count) fall: |_| -1, jump: |_| -1;
    /// `mapping` → (updates the dict n deep after the pop; a repeated key
    /// is a TypeError: keyword arguments).
    DictMerge(Count) fall: |_| -1, jump: |_| -1;
    /// `list` → tuple.
    ListToTuple(None) fall: |_| 0, jump: |_| 0;
    /// `callable, args, [kwargs]` → result (flag 1: a kwargs dict is on
    /// top).
    CallEx(Flags) fall: |f| -1 - (f & 1), jump: |f| -1 - (f & 1);
    /// `value` → (suspends the generator, yielding it) → the sent value.
    YieldValue(None) fall: |_| 0, jump: |_| 0;
    /// `sequence` → its items with a starred target: `before` items, a
    /// list of the middle, `after` items, the first on top (operand:
    /// `before | after << 8`).
    UnpackEx(Count) fall: |n| (n & 0xff) + (n >> 8), jump: |n| (n & 0xff) + (n >> 8);
    /// `class, self` → `method, self` or `attr, NULL`: zero-argument
    /// `super().name(...)`, looked up after `class` in `type(self)`'s MRO.
    LoadSuperMethod(Name) fall: |_| 0, jump: |_| 0;
    /// `class, self` → `super().name` (bound).
    LoadSuperAttr(Name) fall: |_| -1, jump: |_| -1;
    /// `iterator, sent` → `iterator, yielded` (delegation continues), or
    /// jumps with `result` when the iterator is exhausted (`yield from`).
    Send(Target) fall: |_| 0, jump: |_| -1;
    /// Imports the module `name` (a builtin module or a `.py` file beside
    /// the script) and pushes it (`crate::modules::import`).
    ImportName(Name) fall: |_| 1, jump: |_| 1;
    /// `module` → `module, module.name` (ImportError if missing).
    ImportFrom(Name) fall: |_| 1, jump: |_| 1;
    /// `manager` → `bound __exit__, manager.__enter__()` (`with`).
    BeforeWith(None) fall: |_| 1, jump: |_| 1;
    /// `exit, exc` → `exit, exc, exit(type(exc), exc, None)` (a `with`
    /// body raised).
    WithExceptStart(None) fall: |_| 1, jump: |_| 1;

    // Specialized forms (tier 1). The compiler never emits them; the
    // specializer rewrites a thread's copy of the bytecode to them and
    // back (crate::specialize). Each guards what it assumed and, when a
    // guard fails, performs the generic operation and deoptimizes.

    /// A module global, cached under the globals dict's version.
    LoadGlobalModule(Name) fall: |_| 1, jump: |_| 1, specializes LoadGlobal,
        uops [LoadGlobal];
    /// A builtin, cached under the globals' and the builtins' versions.
    LoadGlobalBuiltin(Name) fall: |_| 1, jump: |_| 1, specializes LoadGlobal,
        uops [LoadGlobal];
    /// A module attribute (`math.sqrt`), cached under the module dict's
    /// version.
    LoadAttrModule(Name) fall: |_| 0, jump: |_| 0, specializes LoadAttr;
    /// An instance attribute: the class (by version, up to eight classes)
    /// has nothing of that name, so the instance's dict is the only place
    /// to look.
    LoadAttrInstance(Name) fall: |_| 0, jump: |_| 0, specializes LoadAttr,
        uops [GuardClassVersion, LoadAttrInstanceDict];
    /// A class attribute that is not a method or descriptor, for a class
    /// whose instances never shadow class attributes: the cached value.
    LoadAttrClass(Name) fall: |_| 0, jump: |_| 0, specializes LoadAttr,
        uops [GuardClassVersion, LoadAttrConst];
    /// A `property` of the instance's class (by version, one class): its
    /// getter, read from the property when it runs, called.
    LoadAttrProperty(Name) fall: |_| 0, jump: |_| 0, specializes LoadAttr,
        uops [GuardClassVersion, LoadAttrProperty];
    /// `obj.name = value` into an instance's dict: the class (by version,
    /// up to eight) has no attribute of that name, no `__setattr__` and no
    /// `__slots__`.
    StoreAttrInstance(Name) fall: |_| -2, jump: |_| -2, specializes StoreAttr,
        uops [GuardClassVersion, StoreAttrInstanceDict];
    /// `obj.name = value` through a `property` of the instance's class (by
    /// version, one class): its setter, read from the property when it
    /// runs, called (tier 2 runs it as a step).
    StoreAttrProperty(Name) fall: |_| -2, jump: |_| -2, specializes StoreAttr;
    /// A method of an instance's class (a Python function), cached under
    /// the class version, for classes whose instances never hold an
    /// attribute named like a class attribute (so the instance need not be
    /// looked in).
    LoadMethodInstance(Name) fall: |_| 1, jump: |_| 1, specializes LoadMethod,
        uops [GuardClassVersion, LoadMethodConst];
    /// A `staticmethod` of an instance's class (by version, one class),
    /// for classes whose instances never shadow class attributes: its
    /// function, read from the descriptor when it runs, with no receiver.
    LoadMethodStatic(Name) fall: |_| 1, jump: |_| 1, specializes LoadMethod,
        uops [GuardClassVersion, LoadMethodStatic];
    /// `int op int` on inline ints for the operators without a form of
    /// their own (in-place forms too); a zero divisor, a negative shift or
    /// exponent and a big result go the generic way.
    BinaryOpInt(BinaryOp) fall: |_| -1, jump: |_| -1, specializes BinaryOp,
        uops [GuardBothInt, BinaryOpIntAny];
    /// `int + int` (and `+=`) on inline ints.
    BinaryOpAddInt(BinaryOp) fall: |_| -1, jump: |_| -1, specializes BinaryOp,
        uops [GuardBothInt, BinaryOpInt];
    /// `int - int` (and `-=`) on inline ints.
    BinaryOpSubtractInt(BinaryOp) fall: |_| -1, jump: |_| -1, specializes BinaryOp,
        uops [GuardBothInt, BinaryOpInt];
    /// `int * int` (and `*=`) on inline ints.
    BinaryOpMultiplyInt(BinaryOp) fall: |_| -1, jump: |_| -1, specializes BinaryOp,
        uops [GuardBothInt, BinaryOpInt];
    /// `/` and `**` on two floats or a float and an inline int (and
    /// in-place forms).
    BinaryOpFloat(BinaryOp) fall: |_| -1, jump: |_| -1, specializes BinaryOp,
        uops [GuardFloatMix, BinaryOpFloat];
    /// `+` (and `+=`) on two floats or a float and an inline int.
    BinaryOpAddFloat(BinaryOp) fall: |_| -1, jump: |_| -1, specializes BinaryOp,
        uops [GuardFloatMix, BinaryOpFloat];
    /// `-` (and `-=`) on two floats or a float and an inline int.
    BinaryOpSubtractFloat(BinaryOp) fall: |_| -1, jump: |_| -1, specializes BinaryOp,
        uops [GuardFloatMix, BinaryOpFloat];
    /// `*` (and `*=`) on two floats or a float and an inline int.
    BinaryOpMultiplyFloat(BinaryOp) fall: |_| -1, jump: |_| -1, specializes BinaryOp,
        uops [GuardFloatMix, BinaryOpFloat];
    /// `str + str`.
    BinaryOpStrConcat(BinaryOp) fall: |_| -1, jump: |_| -1, specializes BinaryOp;
    /// `list + list` or `tuple + tuple` (exact types; `+=` extends a list).
    BinaryOpSeqConcat(BinaryOp) fall: |_| -1, jump: |_| -1, specializes BinaryOp;
    /// An instance's operator method (a Python function, cached under the
    /// class version), called in a new frame, when the right operand is a
    /// float, an inline int or an instance of the same class.
    BinaryOpInstance(BinaryOp) fall: |_| -1, jump: |_| -1, specializes BinaryOp,
        uops [GuardClassVersion, GuardOperandPartner, CallOperatorConst];
    /// Comparing two inline ints.
    CompareOpInt(CompareOp) fall: |_| -1, jump: |_| -1, specializes CompareOp,
        uops [GuardBothInt, CompareInt];
    /// Comparing two floats, or a float and an inline int.
    CompareOpFloat(CompareOp) fall: |_| -1, jump: |_| -1, specializes CompareOp,
        uops [GuardFloatMix, CompareFloat];
    /// `==`/`!=` on two strs.
    CompareOpStr(CompareOp) fall: |_| -1, jump: |_| -1, specializes CompareOp;
    /// `f(args)` of a Python function whose code (read when it runs, so
    /// any function, closure or replaced `__code__` is judged afresh) takes
    /// these positional arguments and nothing else, the missing last ones
    /// from its `__defaults__` and the keyword-only ones from its
    /// `__kwdefaults__`: the frame is pushed, or the generator made,
    /// without binding checks.
    CallPy(Count) fall: |n| -n, jump: |n| -n, specializes Call;
    /// `C(args)` of the cached plain class (by identity and version) whose
    /// `__init__` takes these arguments, the same way: the instance is made
    /// and `__init__`'s frame pushed directly.
    CallClassInit(Count) fall: |n| -n, jump: |n| -n, specializes Call;
    /// `obj.m(args)` / `f(args)` through `LoadMethod`, as `CallPy`.
    CallMethodPy(Count) fall: |n| -n - 1, jump: |n| -n - 1, specializes CallMethod;
    /// `C()` of the cached plain class (by identity and version) with no
    /// Python `__init__` (`object.__init__`): the instance, made directly.
    CallClassNoInit(Count) fall: |n| -n, jump: |n| -n, specializes Call;
    /// `m(args)` of a bound method whose Python function takes the
    /// receiver and these arguments (as `CallPy`): unpacked in place, the
    /// frame pushed.
    CallBound(Count) fall: |n| -n, jump: |n| -n, specializes Call;
    /// `obj.m(args)` where `LoadMethod` found a bound method, the same way.
    CallMethodBound(Count) fall: |n| -n - 1, jump: |n| -n - 1, specializes CallMethod;
    /// `f(args)` of a native builtin function with at most eight
    /// positional arguments: called straight from the stack.
    CallBuiltin(Count) fall: |n| -n, jump: |n| -n, specializes Call,
        uops [CallBuiltin];
    /// `obj.m(args)` of a builtin method (`list.append`, `math.sqrt`), the
    /// same way.
    CallMethodBuiltin(Count) fall: |n| -n - 1, jump: |n| -n - 1, specializes CallMethod,
        uops [CallBuiltin];
    /// `len(x)` of the cached `len` builtin (by identity and code): exact
    /// lists, tuples, strs, dicts and sets read their length directly.
    CallLen(Count) fall: |n| -n, jump: |n| -n, specializes Call;
    /// `isinstance(x, C)` of the cached `isinstance` builtin: a class
    /// argument is answered by walking the MRO.
    CallIsinstance(Count) fall: |n| -n, jump: |n| -n, specializes Call,
        uops [Isinstance];
    /// `T(args)` of the cached builtin type (`range`, `list`, `int`...;
    /// immutable and never freed): constructed without the generic call's
    /// argument vectors; `range` of machine ints directly.
    CallBuiltinClass(Count) fall: |n| -n, jump: |n| -n, specializes Call;
    /// Iterating a range of machine ints.
    ForIterRange(Target) fall: |_| 1, jump: |_| -1, specializes ForIter,
        uops [ForIterRange];
    /// Iterating a list or tuple.
    ForIterSequence(Target) fall: |_| 1, jump: |_| -1, specializes ForIter,
        uops [ForIterSequence];
    /// Iterating a generator: its frame is resumed in the running dispatch
    /// loop (no nested loop, no copy of the protocol's result); a yield
    /// pushes the value here, a return jumps to the loop's exit.
    ForIterGenerator(Target) fall: |_| 1, jump: |_| -1, specializes ForIter;
    /// Unpacking a tuple of two items into two targets.
    UnpackSequenceTwoTuple(Count) fall: |n| n - 1, jump: |n| n - 1, specializes UnpackSequence, uops [UnpackTwo];
    /// Unpacking a tuple of exactly the operand's length.
    UnpackSequenceTuple(Count) fall: |n| n - 1, jump: |n| n - 1, specializes UnpackSequence;
    /// Unpacking a list of exactly the operand's length.
    UnpackSequenceList(Count) fall: |n| n - 1, jump: |n| n - 1, specializes UnpackSequence;
    /// `is` / `is not`: identity, whatever the operands.
    CompareOpIs(CompareOp) fall: |_| -1, jump: |_| -1, specializes CompareOp,
        uops [CompareIs];
    /// `key in dict` / `not in` for a key hashed natively (int, float,
    /// str).
    CompareOpInDict(CompareOp) fall: |_| -1, jump: |_| -1, specializes CompareOp, uops [ContainsOp];
    /// `key in set` / `not in`, the same way.
    CompareOpInSet(CompareOp) fall: |_| -1, jump: |_| -1, specializes CompareOp, uops [ContainsOp];
    /// `dict[key]` for a key hashed natively (int, float, str).
    BinarySubscrDict(None) fall: |_| -1, jump: |_| -1, specializes BinarySubscr,
        uops [SubscrDict];
    /// `list[int] = value`.
    StoreSubscrListInt(None) fall: |_| -3, jump: |_| -3, specializes StoreSubscr,
        uops [StoreSubscrListInt];
    /// `dict[key] = value` for a key hashed natively.
    StoreSubscrDict(None) fall: |_| -3, jump: |_| -3, specializes StoreSubscr;
    /// A module attribute called as a function (`math.sqrt(x)`), cached
    /// under the module dict's version; no receiver.
    LoadMethodModule(Name) fall: |_| 1, jump: |_| 1, specializes LoadMethod;
    /// A method of a builtin type (`list.append`, `str.join`...) on an
    /// object of that exact type (builtin types never change).
    LoadMethodBuiltin(Name) fall: |_| 1, jump: |_| 1, specializes LoadMethod,
        uops [LoadMethodCached];
    /// `list[int]`.
    BinarySubscrListInt(None) fall: |_| -1, jump: |_| -1, specializes BinarySubscr,
        uops [SubscrSequenceInt];
    /// `tuple[int]`.
    BinarySubscrTupleInt(None) fall: |_| -1, jump: |_| -1, specializes BinarySubscr,
        uops [SubscrSequenceInt];
    /// `str[int]` (a byte offset for ASCII text).
    BinarySubscrStrInt(None) fall: |_| -1, jump: |_| -1, specializes BinarySubscr;
    /// `list[a:b:c]` / `tuple[a:b:c]` with inline int or None parts.
    BinarySubscrSeqSlice(None) fall: |_| -1, jump: |_| -1, specializes BinarySubscr;
    /// A hot loop's back-edge whose loop has a tier-2 executor: a
    /// safepoint, then the executor runs from the loop head (crate::tier2).
    EnterExecutor(Target) fall: |_| 0, jump: |_| 0, specializes JumpBackward,
        uops [JumpToTop];
}

/// Bits of a code object's `flags`.
#[allow(non_snake_case)]
pub mod CodeFlags {
    /// The function collects extra positional arguments (`*args`).
    pub const VARARGS: u32 = 1;
    /// The function collects extra keyword arguments (`**kwargs`).
    pub const VARKEYWORDS: u32 = 2;
    /// Calling the function creates a generator.
    pub const GENERATOR: u32 = 4;
    /// The body starts with a docstring: it is `constants[0]`.
    pub const HAS_DOCSTRING: u32 = 8;
}

/// The operators of [`Opcode::BinaryOp`] (in-place forms after the plain
/// ones).
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    TrueDiv,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    And,
    Or,
    Xor,
    InplaceAdd,
    InplaceSub,
    InplaceMul,
    InplaceTrueDiv,
    InplaceFloorDiv,
    InplaceMod,
    InplacePow,
    InplaceLShift,
    InplaceRShift,
    InplaceAnd,
    InplaceOr,
    InplaceXor,
}

impl BinaryOp {
    const ALL: [BinaryOp; 24] = [
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::TrueDiv,
        BinaryOp::FloorDiv,
        BinaryOp::Mod,
        BinaryOp::Pow,
        BinaryOp::LShift,
        BinaryOp::RShift,
        BinaryOp::And,
        BinaryOp::Or,
        BinaryOp::Xor,
        BinaryOp::InplaceAdd,
        BinaryOp::InplaceSub,
        BinaryOp::InplaceMul,
        BinaryOp::InplaceTrueDiv,
        BinaryOp::InplaceFloorDiv,
        BinaryOp::InplaceMod,
        BinaryOp::InplacePow,
        BinaryOp::InplaceLShift,
        BinaryOp::InplaceRShift,
        BinaryOp::InplaceAnd,
        BinaryOp::InplaceOr,
        BinaryOp::InplaceXor,
    ];

    /// Decodes an operand.
    #[inline]
    pub fn from_arg(arg: u32) -> BinaryOp {
        // The compiler emits operands below 24: no division on that path.
        match BinaryOp::ALL.get(arg as usize) {
            Some(&op) => op,
            None => BinaryOp::ALL[arg as usize % BinaryOp::ALL.len()],
        }
    }

    /// The in-place form.
    pub fn inplace(self) -> BinaryOp {
        BinaryOp::from_arg((self as u32 % 12) + 12)
    }

    /// The plain form (in-place forms fall back to it).
    #[inline]
    pub fn plain(self) -> BinaryOp {
        let k = self as usize;
        BinaryOp::ALL[if k >= 12 { k - 12 } else { k }]
    }

    /// Whether this is an in-place form.
    pub fn is_inplace(self) -> bool {
        self as u32 >= 12
    }

    /// The operator's symbol (`+`, `+=`, ...).
    pub fn symbol(self) -> &'static str {
        const PLAIN: [&str; 12] = [
            "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^",
        ];
        const INPLACE: [&str; 12] = [
            "+=", "-=", "*=", "/=", "//=", "%=", "**=", "<<=", ">>=", "&=", "|=", "^=",
        ];
        let i = self as usize % 12;
        if self.is_inplace() {
            INPLACE[i]
        } else {
            PLAIN[i]
        }
    }
}

/// The operators of [`Opcode::UnaryOp`].
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum UnaryOp {
    Neg,
    Pos,
    Not,
    Invert,
}

impl UnaryOp {
    /// Decodes an operand.
    pub fn from_arg(arg: u32) -> UnaryOp {
        [UnaryOp::Neg, UnaryOp::Pos, UnaryOp::Not, UnaryOp::Invert][arg as usize % 4]
    }
}

/// The operators of [`Opcode::CompareOp`].
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Is,
    IsNot,
    In,
    NotIn,
}

impl CompareOp {
    /// Decodes an operand.
    #[inline]
    pub fn from_arg(arg: u32) -> CompareOp {
        use CompareOp::*;
        const ALL: [CompareOp; 10] = [Eq, Ne, Lt, Le, Gt, Ge, Is, IsNot, In, NotIn];
        // The compiler emits operands below 10: no division on that path.
        match ALL.get(arg as usize) {
            Some(&op) => op,
            None => ALL[arg as usize % ALL.len()],
        }
    }

    /// The operator's symbol.
    pub fn symbol(self) -> &'static str {
        [
            "==", "!=", "<", "<=", ">", ">=", "is", "is not", "in", "not in",
        ][self as usize]
    }
}

/// One instruction: an opcode and its operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instr {
    /// The opcode.
    pub op: Opcode,
    /// The operand (0 when unused).
    pub arg: u32,
}

/// The source position of an instruction: the span of the expression or
/// statement it belongs to (a traceback's carets underline it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// 1-based line (0: none, an artificial instruction).
    pub line: u32,
    /// 0-based column in characters.
    pub col: u32,
    /// The line where the span ends.
    pub end_line: u32,
    /// The column (in characters) just past the span's end.
    pub end_col: u32,
}

/// The value stack's depth (above the locals) before each instruction
/// that some path reaches (`None` for the others), by flow analysis over
/// jumps and exception handlers; `None` if some path underflows or two
/// paths reach an instruction with different depths (a compiler bug).
/// The compiler takes its `max_stack` from it, and tier 2 the stack's
/// height at each instruction an executor covers (the height is the same
/// however the instruction is reached).
pub fn stack_depths(instrs: &[Instr], table: &[ExceptionEntry]) -> Option<Vec<Option<u32>>> {
    let mut depth_at: Vec<Option<u32>> = vec![None; instrs.len()];
    let mut work = vec![(0usize, 0i64)];
    for e in table {
        work.push((e.handler as usize, i64::from(e.depth) + 1));
    }
    while let Some((pc, depth)) = work.pop() {
        if pc >= instrs.len() {
            continue;
        }
        let depth = u32::try_from(depth).ok()?;
        match depth_at[pc] {
            Some(d) if d == depth => continue,
            Some(_) => return None,
            None => depth_at[pc] = Some(depth),
        }
        let instr = instrs[pc];
        let op = instr.op;
        let fall = i64::from(depth) + i64::from(op.stack_effect(instr.arg, false));
        if fall < 0 {
            return None;
        }
        if op.operand() == Operand::Target {
            let jump = i64::from(depth) + i64::from(op.stack_effect(instr.arg, true));
            work.push((instr.arg as usize, jump));
        }
        let terminates = matches!(
            op,
            Opcode::Jump
                | Opcode::JumpBackward
                | Opcode::ReturnValue
                | Opcode::Raise
                | Opcode::Reraise
        );
        if !terminates {
            work.push((pc + 1, fall));
        }
    }
    Some(depth_at)
}

/// One exception-table entry: instructions in `start..end` jump to
/// `handler` on an exception, with the value stack cut to `depth` and the
/// exception pushed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExceptionEntry {
    /// First covered instruction.
    pub start: u32,
    /// One past the last covered instruction.
    pub end: u32,
    /// The handler's first instruction.
    pub handler: u32,
    /// The value-stack depth (above the frame's locals) at the handler.
    pub depth: u32,
}

/// A list, set or dict comprehension compiled into its function's code
/// (PEP 709): the instructions `start..end` run its loop. Tracebacks show
/// them as CPython 3.11 does, in a frame of the comprehension's own
/// (`name`) called from the instruction `call` (whose position is the
/// whole comprehension's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InlinedComprehension {
    /// Its first instruction inside the loop (the loop head).
    pub start: u32,
    /// One past its last.
    pub end: u32,
    /// The instruction standing for the call of its frame in 3.11.
    pub call: u32,
    /// `<listcomp>`, `<setcomp>` or `<dictcomp>`.
    pub name: &'static str,
}

/// What kind of body a code object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    /// A module's top level (names live in the globals dict).
    Module,
    /// A class body (names live in the class namespace dict).
    Class,
    /// A function (fast locals).
    Function,
}

/// A compiled body.
pub struct CodeObject {
    /// `co_name`.
    pub name: Box<str>,
    /// `co_name` as a str object: the `__name__` of the functions made
    /// from this code.
    pub name_object: Value,
    /// `co_qualname`.
    pub qualname: Box<str>,
    /// The source file name.
    pub filename: Arc<str>,
    /// The first line.
    pub first_line: u32,
    /// What kind of body this is.
    pub kind: CodeKind,
    /// The number of positional parameters.
    pub argcount: u32,
    /// The number of keyword-only parameters (after the positional ones).
    pub kwonlyargcount: u32,
    /// [`CodeFlags`] bits.
    pub flags: u32,
    /// Local variable names (parameters first: positional, keyword-only,
    /// `*args`, `**kwargs`).
    pub varnames: Box<[Box<str>]>,
    /// Variables captured by inner functions (their cells follow the
    /// locals in the frame).
    pub cellvars: Box<[Box<str>]>,
    /// Variables captured from outer functions (their cells follow the
    /// cellvars).
    pub freevars: Box<[Box<str>]>,
    /// The instructions.
    pub instructions: Box<[Instr]>,
    /// The constants.
    pub constants: Box<[Value]>,
    /// Names used by name and attribute instructions (str objects).
    pub names: Box<[Value]>,
    /// The source position of each instruction.
    pub locations: Box<[Location]>,
    /// The exception table, sorted by `start`, non-overlapping.
    pub exception_table: Box<[ExceptionEntry]>,
    /// The comprehensions compiled into this code (their loops never
    /// overlap: one holding a nested scope keeps its own code).
    pub comprehensions: Box<[InlinedComprehension]>,
    /// The deepest the value stack gets (above the locals).
    pub max_stack: u32,
    /// The per-code events: instrumentation of this code, and the
    /// executors built from it (which a debugger writing one of its frames'
    /// locals throws away).
    pub watch: stillpoint_sync::Watchable,
    /// Each thread's copy of the instructions and inline caches (tier 1).
    pub tlbc: crate::specialize::ThreadCodes,
    /// Its loops and their tier-2 executors.
    pub loops: crate::tier2::Loops,
}

// SAFETY: constants, names and the name object are the only heap
// pointers.
unsafe impl Trace for CodeObject {
    fn trace(&self, tracer: &mut Tracer) {
        self.constants.trace(tracer);
        self.names.trace(tracer);
        self.name_object.trace(tracer);
    }
}

impl CodeObject {
    /// The number of frame slots before the operand stack: locals, then
    /// cells, then free variables.
    pub fn nlocals(&self) -> usize {
        self.varnames.len() + self.cellvars.len() + self.freevars.len()
    }

    /// Whether `flag` (a [`CodeFlags`] bit) is set.
    pub fn has_flag(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// The name of deref slot `i` (cellvars, then freevars).
    pub fn deref_name(&self, i: usize) -> &str {
        match self.cellvars.get(i) {
            Some(n) => n,
            None => self
                .freevars
                .get(i - self.cellvars.len())
                .map_or("?", |n| n),
        }
    }

    /// The handler covering instruction `pc`, if any.
    pub fn handler_for(&self, pc: u32) -> Option<ExceptionEntry> {
        let table = &self.exception_table;
        let i = table.partition_point(|e| e.end <= pc);
        table.get(i).copied().filter(|e| e.start <= pc)
    }

    /// The line of instruction `pc`.
    pub fn line_of(&self, pc: u32) -> u32 {
        self.locations
            .get(pc as usize)
            .map_or(self.first_line, |l| l.line)
    }

    /// The inlined comprehension whose loop instruction `pc` is.
    pub fn comprehension_at(&self, pc: u32) -> Option<&InlinedComprehension> {
        self.comprehensions
            .iter()
            .rev()
            .find(|c| (c.start..c.end).contains(&pc))
    }

    /// A listing of the instructions; `describe` renders constants and
    /// names.
    pub fn disassemble(&self, describe: impl Fn(Value) -> String) -> String {
        let mut out = String::new();
        let mut last_line = 0;
        for (pc, instr) in self.instructions.iter().enumerate() {
            let line = self.locations[pc].line;
            let line_col = if line != last_line {
                last_line = line;
                format!("{line:>4}")
            } else {
                "    ".to_string()
            };
            let detail = match instr.op.operand() {
                Operand::None => String::new(),
                Operand::Const => format!(
                    "{} ({})",
                    instr.arg,
                    describe(self.constants[instr.arg as usize])
                ),
                Operand::Name => format!(
                    "{} ({})",
                    instr.arg,
                    describe(self.names[instr.arg as usize])
                ),
                Operand::Local => format!("{} ({})", instr.arg, self.varnames[instr.arg as usize]),
                Operand::Deref => {
                    format!("{} ({})", instr.arg, self.deref_name(instr.arg as usize))
                }
                Operand::Target => format!("to {}", instr.arg),
                Operand::BinaryOp => BinaryOp::from_arg(instr.arg).symbol().to_string(),
                Operand::UnaryOp => format!("{:?}", UnaryOp::from_arg(instr.arg)),
                Operand::CompareOp => CompareOp::from_arg(instr.arg).symbol().to_string(),
                Operand::Count | Operand::Conversion | Operand::Flags => instr.arg.to_string(),
            };
            let _ = writeln!(out, "{line_col} {pc:>6} {:<20} {detail}", instr.op.name());
        }
        for e in self.exception_table.iter() {
            let _ = writeln!(
                out,
                "  exception: {} to {} -> {} [{}]",
                e.start, e.end, e.handler, e.depth
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        assert!(Opcode::ALL.len() < 256);
        for (i, op) in Opcode::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert!(!op.name().is_empty());
            // Only jumps have a different jumping effect.
            if op.operand() != Operand::Target {
                assert_eq!(
                    op.stack_effect(3, false),
                    op.stack_effect(3, true),
                    "{op:?}"
                );
            }
        }
        assert_eq!(Opcode::ForIter.stack_effect(0, false), 1);
        assert_eq!(Opcode::ForIter.stack_effect(0, true), -1);
        assert_eq!(Opcode::BuildMap.stack_effect(3, false), -5);
        assert_eq!(Opcode::CallMethodKw.stack_effect(2, false), -4);
    }

    #[test]
    fn the_stack_depth_before_each_instruction_is_one_along_every_path() {
        let i = |op, arg| Instr { op, arg };
        // for x in it: (nothing); return None, with a handler over the
        // loop's body entered at depth 1 (the iterator).
        let code = [
            i(Opcode::LoadFast, 0),     // 0: it
            i(Opcode::GetIter, 0),      // 1
            i(Opcode::ForIter, 5),      // 2: x, or out to 5 (popped)
            i(Opcode::StoreFast, 1),    // 3
            i(Opcode::JumpBackward, 2), // 4
            i(Opcode::LoadConst, 0),    // 5
            i(Opcode::ReturnValue, 0),  // 6
            i(Opcode::LoadConst, 0),    // 7: unreachable
            i(Opcode::PopTop, 0),       // 8: the handler (exception pushed)
            i(Opcode::JumpBackward, 2), // 9
        ];
        let handler = ExceptionEntry {
            start: 3,
            end: 4,
            handler: 8,
            depth: 1,
        };
        let depths = stack_depths(&code, &[handler]).expect("consistent");
        let expected = [0, 1, 1, 2, 1, 0, 1, u32::MAX, 2, 1];
        let got: Vec<u32> = depths.iter().map(|d| d.unwrap_or(u32::MAX)).collect();
        assert_eq!(got, expected);
        // A path that reaches the loop head one value deeper: no depths.
        let mut broken = code;
        broken[9] = i(Opcode::Jump, 2);
        broken[8] = i(Opcode::LoadConst, 0);
        assert_eq!(stack_depths(&broken, &[handler]), None);
        // One that pops more than there is.
        assert_eq!(stack_depths(&[i(Opcode::PopTop, 0)], &[]), None);
    }

    #[test]
    fn generic_instructions_of_families_are_adaptive() {
        for op in [Opcode::LoadAttr, Opcode::LoadMethod, Opcode::BinaryOp] {
            assert!(op.is_adaptive(), "{op:?}");
        }
        // A specialized form, and an instruction without forms.
        for op in [
            Opcode::LoadAttrInstance,
            Opcode::LoadFast,
            Opcode::BuildList,
        ] {
            assert!(!op.is_adaptive(), "{op:?}");
        }
    }

    #[test]
    fn binary_op_forms() {
        assert_eq!(BinaryOp::Add.inplace(), BinaryOp::InplaceAdd);
        assert_eq!(BinaryOp::InplaceXor.plain(), BinaryOp::Xor);
        assert_eq!(BinaryOp::FloorDiv.symbol(), "//");
        assert_eq!(BinaryOp::InplacePow.symbol(), "**=");
        for arg in 0..24 {
            assert_eq!(BinaryOp::from_arg(arg) as u32, arg);
        }
    }

    #[test]
    fn handler_lookup() {
        let code = CodeObject {
            tlbc: crate::specialize::ThreadCodes::new(&[]),
            loops: crate::tier2::Loops::new(&[]),
            watch: stillpoint_sync::Watchable::new(stillpoint_sync::EventKind::Instrumentation),
            name: "f".into(),
            name_object: Value::NONE,
            qualname: "f".into(),
            filename: Arc::from("x.py"),
            first_line: 1,
            kind: CodeKind::Function,
            argcount: 0,
            kwonlyargcount: 0,
            flags: 0,
            varnames: Box::new([]),
            cellvars: Box::new([]),
            freevars: Box::new([]),
            instructions: Box::new([]),
            constants: Box::new([]),
            names: Box::new([]),
            locations: Box::new([]),
            comprehensions: Box::new([]),
            exception_table: vec![
                ExceptionEntry {
                    start: 2,
                    end: 5,
                    handler: 10,
                    depth: 0,
                },
                ExceptionEntry {
                    start: 7,
                    end: 9,
                    handler: 20,
                    depth: 1,
                },
            ]
            .into(),
            max_stack: 0,
        };
        assert_eq!(code.handler_for(1), None);
        assert_eq!(code.handler_for(2).unwrap().handler, 10);
        assert_eq!(code.handler_for(4).unwrap().handler, 10);
        assert_eq!(code.handler_for(5), None);
        assert_eq!(code.handler_for(8).unwrap().handler, 20);
        assert_eq!(code.handler_for(9), None);
    }
}
