//! Tier 2: executors that assume rare events away (DESIGN §2, §3, §6).
//!
//! # Life of an executor
//!
//! A loop's back-edge (`JumpBackward`) counts down in the thread's own
//! bytecode copy (tier 1's adaptive counter and back-off, so no two
//! threads write one; a back-edge waits twice tier 1's warm-up, so the
//! loop body is specialized first). When it is hot, the thread *projects*
//! the loop's region — the instructions ordinary control flow reaches from
//! the head without leaving the loop — from its specialized instructions
//! ([`project`]), expanding each into the micro-ops the one instruction
//! table names ([`uop`]). The optimizer ([`optimize`]) removes what the
//! region proves or assumes: guards on values whose types or classes it
//! knows, global loads, class attributes and descriptors' callables that
//! become constants, call guards on constant functions, and validity
//! checks that follow nothing escaping. A small constant function called in
//! the region is inlined (one with a loop only where its loop loses no
//! inlining of its own): its own optimized micro-ops run on the
//! real frame that `PushFrame` pushes for it, until `PopFrame`, or, when
//! nothing in them can look for that frame, on a virtual one that is
//! pushed only if the executor leaves inside the callee
//! (`PushVirtualFrame`; ARCHITECTURE.md, "Inlining"). What it assumed becomes
//! [`stillpoint_sync::Dependency`]s,
//! taken before the state they cover was read, and the executor is
//! installed through `sync` (register-then-check) into its loop's slot,
//! shared by every thread. The thread then rewrites its back-edge to
//! `EnterExecutor`.
//!
//! `EnterExecutor` polls like any back-edge, then runs the executor in
//! the micro-op interpreter ([`exec`]) on the frame's own stack and
//! locals, holding its own reference to the executor and a
//! [`stillpoint_sync::Validity`] (not a grace period: calls inside reach
//! safepoints). Every micro-op keeps the frame exactly as tier 1 would have
//! it between instructions, so leaving — a failed guard, a branch out of
//! the loop, an invalidated executor — resumes tier 1 at the exact
//! instruction with the exact frame state. After every escaping micro-op
//! and on every back-edge the executor checks its validity; an event that
//! changes what it relied on invalidates it first, so the thread leaves
//! before using anything the event changed.
//!
//! # Why constants in micro-ops are safe
//!
//! A constant an executor embeds (a global's value) is reachable from the
//! dict it came from for as long as the executor stays valid: changing that
//! entry fires the dict's event, which invalidates the executor first. A
//! thread reads an embedded constant only while no safepoint has passed
//! since its last validity check, and the collector runs only at
//! safepoints; so a constant is never read after it could have been
//! collected (invariant 28).

pub mod exec;
pub mod optimize;
pub mod project;
pub(crate) mod stack;
pub mod uop;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use stillpoint_sync::ExecutorSlot;

use crate::bytecode::{Instr, Opcode};
use crate::interp::Callee;
use crate::value::Value;
pub use uop::{Access, Operands, Placed, Uop, UopOp};

/// The most instructions one superblock covers.
pub const MAX_TRACE_INSTRUCTIONS: usize = 256;

/// The most instructions of a function inlined into a superblock.
pub const MAX_INLINE_INSTRUCTIONS: usize = 96;

/// The most instructions all the functions inlined into one superblock
/// add up to.
pub const MAX_INLINED_INSTRUCTIONS: usize = 1024;

/// The most instructions of a function with a loop that calls Python
/// functions, for it to be inlined (see `exec`'s `may_inline_loop`): one
/// that calls none may be as long as any other.
pub const MAX_LOOPING_INLINE_INSTRUCTIONS: usize = 16;

/// How deep inlined calls nest (a call inside an inlined function is
/// inlined too, up to this depth).
pub const MAX_INLINE_DEPTH: u32 = 5;

/// How many times a loop's executor is rebuilt because one of its guards
/// failed often (a type changed; the thread's tier-1 forms have moved on),
/// before the loop keeps what it has.
pub const MAX_REBUILDS: u32 = 4;

/// Failures of one guard before its executor is rebuilt.
pub const HOT_EXIT: u32 = 64;

/// An optimized loop, shared by every thread that runs it.
pub struct Executor {
    /// The micro-ops, in instruction order.
    pub uops: Box<[Uop]>,
    /// The loop head: the first instruction the loop covers.
    pub head: u32,
    /// How many instructions of the code it covers.
    pub instructions: u32,
    /// For each code (segment) of the micro-ops, and each of its
    /// instructions from its first covered one on, the first micro-op of
    /// that code at or after it (where a jump to it lands).
    labels: Box<[Labels]>,
    /// Failures per micro-op (relaxed counters; only guard exits write
    /// them).
    exits: Box<[AtomicU32]>,
    /// For each micro-op that may jump inside the executor, where its jump
    /// lands (its label, resolved once); [`NO_JUMP`] otherwise.
    jumps: Box<[u32]>,
    /// For each segment that a `PushVirtualFrame` or `PushFrame` runs (the
    /// one its next micro-op starts), its callee, read once here: a
    /// constant function whose code the executor depends on (invariant 28
    /// keeps the code alive as it does the function).
    callees: Box<[Option<Callee>]>,
    /// For each segment, the most its micro-ops raise the stack above its
    /// height where they start (the room `run_uops` reserves: `stack`).
    room: Box<[u32]>,
}

/// Makes the last micro-op one that never goes on to the next: if it may,
/// an `Exit` (for the instruction after the loop's last) follows it.
/// Valid code never runs past its last instruction, so that `Exit` is
/// never reached; with it, every micro-op's next one exists, which the
/// interpreter relies on ([`Executor::uop`]).
fn end_in_a_leave(uops: &mut Vec<Uop>, head: u32) {
    let ends = uops
        .last()
        .is_some_and(|u| matches!(u.op, UopOp::Exit | UopOp::ExitUntaken | UopOp::JumpToTop));
    if ends {
        return;
    }
    let last = uops
        .iter()
        .filter(|u| u.segment == 0)
        .map(|u| u.at)
        .max()
        .unwrap_or(head);
    let instr = Instr {
        op: Opcode::Nop,
        arg: 0,
    };
    // At the last instruction, so that no label moves to it.
    uops.push(Uop::new(UopOp::Exit, instr, last, last + 1));
}

/// The callee of `PushVirtualFrame` or `PushFrame` `u`: its constant
/// function's code (always one in the executors the optimizer builds).
fn callee_of(u: &Uop) -> Option<Callee> {
    let func = crate::value::Value::from_bits(u.operand);
    let Some(crate::object::ObjectData::Function(f)) = func.data() else {
        return None;
    };
    Some(Callee::of_code(f.code()))
}

/// For each segment, the most its micro-ops raise the stack above its
/// height where they start (`stack`): a `Step` by its instruction's stack
/// effect, any other micro-op by what it pushes itself, and a virtual
/// frame (run by the same reservation) by its callee's locals, laid out
/// above the arguments, and its segment's room. A real frame's segment
/// reserves its own when it starts.
fn segment_room(uops: &[Uop], callees: &[Option<Callee>]) -> Box<[u32]> {
    let mut room = vec![0u32; callees.len()];
    // Callees come after their callers: their room is known first.
    for (i, u) in uops.iter().enumerate().rev() {
        let pushed = match u.op {
            UopOp::Step => {
                let effect = |jump| u.opcode.stack_effect(u.arg, jump);
                effect(false).max(effect(true)).max(0) as u32
            }
            UopOp::PushVirtualFrame => {
                let body = usize::from(uops[i + 1].segment);
                let callee = callees[body].as_ref().expect("a virtual frame's callee");
                // The locals past the arguments, and `__init__`'s or an
                // operator method's extra slot.
                stack::MAX_UOP_PUSHES as u32 + callee.nlocals + room[body]
            }
            _ => stack::MAX_UOP_PUSHES as u32,
        };
        room[usize::from(u.segment)] += pushed;
    }
    room.into_boxed_slice()
}

/// A micro-op without a jump, or whose target the executor does not cover.
const NO_JUMP: u32 = u32::MAX;

/// Where jumps land in one segment (see [`Executor::label`]).
struct Labels {
    first: u32,
    uops: Box<[u32]>,
}

impl Executor {
    /// An executor over `uops` for the loop at `head`.
    pub fn new(mut uops: Vec<Uop>, head: u32, instructions: u32) -> Executor {
        end_in_a_leave(&mut uops, head);
        let segments = uops.iter().map(|u| u.segment).max().map_or(1, |s| s + 1);
        let labels = (0..segments)
            .map(|s| {
                let mine = || uops.iter().enumerate().filter(move |(_, u)| u.segment == s);
                let first = if s == 0 {
                    head
                } else {
                    mine().map(|(_, u)| u.at).min().unwrap_or(0)
                };
                let last = mine().map(|(_, u)| u.at).max().unwrap_or(first);
                let uops = (first..=last)
                    .map(|pc| {
                        mine()
                            .find(|(_, u)| u.at >= pc)
                            .map_or(uops.len(), |(i, _)| i) as u32
                    })
                    .collect();
                Labels { first, uops }
            })
            .collect();
        let mut callees = vec![None; segments as usize];
        for (u, body) in uops.iter().zip(uops.iter().skip(1)) {
            match u.op {
                UopOp::PushVirtualFrame => {
                    let callee = callee_of(u).expect("the optimizer made the callee constant");
                    callees[body.segment as usize] = Some(callee);
                }
                UopOp::PushFrame => callees[body.segment as usize] = callee_of(u),
                _ => {}
            }
        }
        let room = segment_room(&uops, &callees);
        let exits = uops.iter().map(|_| AtomicU32::new(0)).collect();
        let mut executor = Executor {
            uops: uops.into_boxed_slice(),
            head,
            instructions,
            labels,
            exits,
            jumps: Box::new([]),
            callees: callees.into_boxed_slice(),
            room,
        };
        executor.thread_jumps_to_returns();
        executor.jumps = executor
            .uops
            .iter()
            .enumerate()
            .map(|(i, u)| {
                if u.op == UopOp::LoadMethodVersions {
                    // The first candidate of its call (at `target`).
                    let first = (i + 1..executor.uops.len()).find(|&q| {
                        let c = &executor.uops[q];
                        c.segment == u.segment && c.conditional_frame() && c.at == u.target
                    });
                    return first.map_or(NO_JUMP, |q| q as u32);
                }
                if u.conditional_frame() {
                    // Another receiver: the caller's next micro-op (the
                    // next method, or the call's `Step`).
                    let next = (i + 1..executor.uops.len())
                        .find(|&q| executor.uops[q].segment == u.segment);
                    return next.map_or(NO_JUMP, |q| q as u32);
                }
                project::jump_target(u)
                    .and_then(|pc| executor.label(u.segment, pc as usize))
                    .map_or(NO_JUMP, |l| l as u32)
            })
            .collect();
        executor
    }

    /// A `Jump` that lands on a `PopFrame` or an `Exit` (a function's
    /// branches meeting at its `return`) becomes a copy of it: one
    /// micro-op fewer on that path. It keeps its own instruction (`at`),
    /// so that labels stay where they were and a `PopFrame` that leaves
    /// resumes tier 1 at the jump, which goes on to the same return.
    fn thread_jumps_to_returns(&mut self) {
        for i in 0..self.uops.len() {
            let u = self.uops[i];
            if u.op != UopOp::Jump {
                continue;
            }
            let Some(l) = self.label(u.segment, u.target as usize) else {
                continue;
            };
            let landing = self.uops[l];
            if matches!(
                landing.op,
                UopOp::PopFrame | UopOp::PopFrameConst | UopOp::Exit
            ) {
                self.uops[i] = Uop {
                    at: u.at,
                    ..landing
                };
            }
        }
    }

    /// Micro-op `i`, which the interpreter reaches only by going on from
    /// the micro-op before it or by jumping to a label.
    ///
    /// # Safety
    /// `i` is 0, the index after a micro-op that may go on to the next, or
    /// a label ([`Executor::jump`], [`Executor::label`], a `PushFrame`'s
    /// `target`): always in bounds, as the last micro-op never goes on
    /// (`end_in_a_leave`) and labels index micro-ops.
    #[inline(always)]
    pub(crate) unsafe fn uop(&self, i: usize) -> &Uop {
        debug_assert!(i < self.uops.len());
        // SAFETY: the caller's contract.
        unsafe { self.uops.get_unchecked(i) }
    }

    /// The room the micro-ops of segment `segment` push into, with those
    /// of the virtual frames they push.
    #[inline]
    pub(crate) fn room(&self, segment: u16) -> usize {
        self.room[usize::from(segment)] as usize
    }

    /// The callee of the `PushVirtualFrame` whose body is segment `body`
    /// (that of the micro-op after it).
    #[inline]
    pub(crate) fn callee(&self, body: u16) -> &Callee {
        self.known_callee(body)
            .expect("a virtual frame's body has its callee")
    }

    /// The callee of the `PushVirtualFrame` or `PushFrame` whose body is
    /// segment `body`, if read.
    #[inline]
    pub(crate) fn known_callee(&self, body: u16) -> Option<&Callee> {
        self.callees[usize::from(body)].as_ref()
    }

    /// Where the jump of micro-op `i` lands, if the executor covers its
    /// target.
    #[inline]
    pub(crate) fn jump(&self, i: usize) -> Option<usize> {
        let l = self.jumps[i];
        (l != NO_JUMP).then_some(l as usize)
    }

    /// The method of the candidate of `LoadMethodVersions` `i` whose
    /// class version is `version`, if any: it is alive while the
    /// receiver's class has that version (invariant 28).
    #[inline]
    pub(crate) fn candidate_method(&self, i: usize, version: u64) -> Option<Value> {
        let mut candidate = self.jump(i);
        while let Some(c) = candidate {
            let push = &self.uops[c];
            if !push.conditional_frame() {
                return None;
            }
            if u64::from(push.extra) == version {
                return Some(Value::from_bits(push.operand));
            }
            candidate = self.jump(c);
        }
        None
    }

    /// The micro-op where a jump to instruction `pc` of segment `segment`
    /// lands, if the executor covers it.
    #[inline]
    pub fn label(&self, segment: u16, pc: usize) -> Option<usize> {
        let labels = &self.labels[usize::from(segment)];
        let i = *labels.uops.get(pc.checked_sub(labels.first as usize)?)? as usize;
        (i < self.uops.len() && self.uops[i].at as usize >= pc).then_some(i)
    }

    /// Counts a guard failure at micro-op `i`; true when it just became
    /// hot.
    pub(crate) fn count_exit(&self, i: usize) -> bool {
        self.exits[i].fetch_add(1, Ordering::Relaxed) + 1 == HOT_EXIT
    }
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "executor for the loop at {}:", self.head)?;
        for u in self.uops.iter() {
            writeln!(f, "  {u}")?;
        }
        Ok(())
    }
}

/// One loop of a code object: its back-edge and the executor slot every
/// thread enters. A function's entry is one too, whose executor
/// runs the whole body (see [`Loops::entry`]).
pub struct Loop {
    /// The index of its `JumpBackward` ([`Loop::ENTRY`] for a function's
    /// entry).
    pub back_edge: u32,
    /// The executor, if one is installed.
    pub slot: ExecutorSlot<Arc<Executor>>,
    /// Rebuilds after hot guard failures (bounded by [`MAX_REBUILDS`]).
    pub(crate) rebuilds: AtomicU32,
    /// Its place among its code's loops (the entry's is last): where a
    /// thread's copy of the code keeps the executor it enters.
    pub(crate) index: u32,
}

impl Loop {
    /// The `back_edge` of a function's entry, which has none.
    pub const ENTRY: u32 = u32::MAX;

    fn new(back_edge: u32, index: usize) -> Loop {
        Loop {
            back_edge,
            slot: ExecutorSlot::new(),
            rebuilds: AtomicU32::new(0),
            index: index as u32,
        }
    }
}

/// The loops of a code object, by back-edge, and its entry.
pub struct Loops {
    loops: Box<[Loop]>,
    entry: Loop,
}

impl Loops {
    /// A slot for every back-edge in `instrs`, and one for the entry.
    pub fn new(instrs: &[Instr]) -> Loops {
        let loops: Box<[Loop]> = instrs
            .iter()
            .enumerate()
            .filter(|(_, i)| i.op == Opcode::JumpBackward)
            .enumerate()
            .map(|(index, (pc, _))| Loop::new(pc as u32, index))
            .collect();
        let entry = Loop::new(Loop::ENTRY, loops.len());
        Loops { loops, entry }
    }

    /// The loop whose back-edge is at `pc`.
    pub fn at(&self, pc: usize) -> Option<&Loop> {
        let i = self
            .loops
            .binary_search_by_key(&(pc as u32), |l| l.back_edge)
            .ok()?;
        Some(&self.loops[i])
    }

    /// The function's entry: its executor runs a function's whole
    /// body from the first instruction for calls tier 1 makes (a call
    /// tier 2 inlines runs in its caller's executor instead).
    pub fn entry(&self) -> &Loop {
        &self.entry
    }

    /// Every loop.
    pub fn iter(&self) -> impl Iterator<Item = &Loop> {
        self.loops.iter()
    }
}

impl std::fmt::Debug for Loops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.loops.iter().map(|l| l.back_edge))
            .finish()
    }
}

/// Tier-2 statistics of one interpreter (merged into the runtime's when
/// it ends; `-X stats`, `--stats-json`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tier2Stats {
    /// Instructions run as a `Step` (their tier-1 form), by family: what
    /// has no micro-ops of its own yet.
    pub steps: [u64; 256],
    /// Micro-ops executed, by kind (what the executors spend their time
    /// on).
    pub uops_by_op: [u64; 256],
    /// Superblocks projected and optimized.
    pub projected: u64,
    /// Projections that found no loop to close (backed off).
    pub projection_failed: u64,
    /// Optimized executors refused by `install` (a dependency fired).
    pub install_failed: u64,
    /// Executors rebuilt because an exit ran hot.
    pub rebuilt: u64,
    /// Entries into executors.
    pub entries: u64,
    /// Back-edges rewritten to enter an executor that found none (it was
    /// invalidated): they go back to counting.
    pub entry_misses: u64,
    /// Exits by why: a guard, a branch, an instruction that jumped out,
    /// the executor invalidated, an error, the trace's end.
    pub exits_guard: u64,
    /// See `exits_guard`.
    pub exits_branch: u64,
    /// See `exits_guard`.
    pub exits_jump: u64,
    /// See `exits_guard`.
    pub exits_invalidated: u64,
    /// See `exits_guard`.
    pub exits_error: u64,
    /// See `exits_guard`.
    pub exits_end: u64,
    /// Micro-ops executed.
    pub uops: u64,
    /// Micro-ops of the superblocks installed (their sum), and
    /// instructions covered, for average trace lengths.
    pub trace_uops: u64,
    /// See `trace_uops`.
    pub trace_instructions: u64,
    /// Guards and checks the optimizer removed.
    pub guards_removed: u64,
    /// Global loads turned into constants.
    pub globals_constant: u64,
    /// Calls inlined into the superblocks installed.
    pub calls_inlined: u64,
}

/// The `n` largest of the nonzero `counts`, most first.
fn most_first(
    counts: impl Iterator<Item = (&'static str, u64)>,
    n: usize,
) -> Vec<(&'static str, u64)> {
    let mut v: Vec<(&'static str, u64)> = counts.filter(|(_, c)| *c > 0).collect();
    v.sort_by_key(|(_, c)| std::cmp::Reverse(*c));
    v.truncate(n);
    v
}

impl Default for Tier2Stats {
    fn default() -> Self {
        Tier2Stats {
            steps: [0; 256],
            uops_by_op: [0; 256],
            projected: 0,
            projection_failed: 0,
            install_failed: 0,
            rebuilt: 0,
            entries: 0,
            entry_misses: 0,
            exits_guard: 0,
            exits_branch: 0,
            exits_jump: 0,
            exits_invalidated: 0,
            exits_error: 0,
            exits_end: 0,
            uops: 0,
            trace_uops: 0,
            trace_instructions: 0,
            guards_removed: 0,
            globals_constant: 0,
            calls_inlined: 0,
        }
    }
}

impl Tier2Stats {
    /// Adds `other` into this.
    pub fn merge(&mut self, other: &Tier2Stats) {
        macro_rules! add {
            ($($f:ident),*) => { $(self.$f += other.$f;)* };
        }
        for (a, b) in self.steps.iter_mut().zip(other.steps.iter()) {
            *a += b;
        }
        for (a, b) in self.uops_by_op.iter_mut().zip(other.uops_by_op.iter()) {
            *a += b;
        }
        add!(
            projected,
            projection_failed,
            install_failed,
            rebuilt,
            entries,
            entry_misses,
            exits_guard,
            exits_branch,
            exits_jump,
            exits_invalidated,
            exits_error,
            exits_end,
            uops,
            trace_uops,
            trace_instructions,
            guards_removed,
            globals_constant,
            calls_inlined
        );
    }

    /// All exits.
    pub fn exits(&self) -> u64 {
        self.exits_guard
            + self.exits_branch
            + self.exits_jump
            + self.exits_invalidated
            + self.exits_error
            + self.exits_end
    }

    /// The most frequent `Step` families, most first.
    pub fn top_steps(&self, n: usize) -> Vec<(&'static str, u64)> {
        most_first(
            Opcode::ALL
                .iter()
                .map(|op| (op.name(), self.steps[*op as usize])),
            n,
        )
    }

    /// The most executed micro-ops, most first.
    pub fn top_uops(&self, n: usize) -> Vec<(&'static str, u64)> {
        most_first(
            UopOp::ALL
                .iter()
                .map(|op| (op.name(), self.uops_by_op[*op as usize])),
            n,
        )
    }

    /// The fields by name, for reports.
    pub fn fields(&self) -> Vec<(&'static str, u64)> {
        vec![
            ("projected", self.projected),
            ("projection_failed", self.projection_failed),
            ("install_failed", self.install_failed),
            ("rebuilt", self.rebuilt),
            ("entries", self.entries),
            ("entry_misses", self.entry_misses),
            ("exits", self.exits()),
            ("exits_guard", self.exits_guard),
            ("exits_branch", self.exits_branch),
            ("exits_jump", self.exits_jump),
            ("exits_invalidated", self.exits_invalidated),
            ("exits_error", self.exits_error),
            ("exits_end", self.exits_end),
            ("uops", self.uops),
            ("trace_uops", self.trace_uops),
            ("trace_instructions", self.trace_instructions),
            ("guards_removed", self.guards_removed),
            ("globals_constant", self.globals_constant),
            ("calls_inlined", self.calls_inlined),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Micro-op `op` of segment `segment`'s instruction `at`, going on to
    /// the next instruction.
    fn at(op: UopOp, at: u32, segment: u16) -> Uop {
        let instr = Instr {
            op: Opcode::Nop,
            arg: 0,
        };
        Uop {
            segment,
            ..Uop::new(op, instr, at, at + 1)
        }
    }

    /// `u` with the target `target`.
    fn to(u: Uop, target: u32) -> Uop {
        Uop { target, ..u }
    }

    #[test]
    fn fused_operations_read_each_slot_where_it_lies_in_the_frame() {
        use uop::Slot::{Branch, Constant, Local, Stack};
        // A frame of 10 slots with 3 values on its stack (slots 10-12).
        let place = |a, b, result| {
            let operands = Operands {
                op: 0,
                a,
                b,
                result,
            };
            let access = Access::place(operands, 10, 3).expect("fits");
            (
                [access.slot(0), access.slot(1)],
                [access.constant(0), access.constant(1)],
                access.result(),
                access.height_after(),
            )
        };
        let (no, yes) = (false, true);
        // Both on the stack: the right operand on top; the result pushed
        // where the left one was.
        assert_eq!(
            place(Stack, Stack, Stack),
            ([11, 12], [no, no], Placed::Slot(11), 12)
        );
        assert_eq!(
            place(Stack, Local(7), Local(2)),
            ([12, 7], [no, no], Placed::Slot(2), 12)
        );
        assert_eq!(
            place(Local(3), Stack, Stack),
            ([3, 12], [no, no], Placed::Slot(12), 13)
        );
        // The constant reads the other operand's slot (then selected over).
        assert_eq!(
            place(Local(3), Constant, Stack),
            ([3, 3], [no, yes], Placed::Slot(13), 14)
        );
        let branch = Branch {
            exit: true,
            when: false,
        };
        assert_eq!(
            place(Constant, Local(0xF7), branch),
            (
                [0xF7, 0xF7],
                [yes, no],
                Placed::Branch {
                    exit: true,
                    when: false
                },
                13
            )
        );
        // A store: the value under the list and index, where the stack
        // then ends.
        let store = Operands {
            op: 0,
            a: Local(1),
            b: Stack,
            result: Stack,
        };
        let access = Access::place_store(store, 10, 3).expect("fits");
        assert_eq!((access.slot(1), access.result()), (12, Placed::Slot(11)));
        assert_eq!(access.height_after(), 11);
        // Slots past 15 bits do not fit.
        let far = Operands {
            op: 0,
            a: Stack,
            b: Local(0),
            result: Stack,
        };
        assert_eq!(Access::place(far, 0x8000, 1), None);
    }

    #[test]
    fn each_segment_reserves_room_for_what_its_micro_ops_may_push() {
        let step = |op, arg, at| Uop::new(UopOp::Step, Instr { op, arg }, at, at + 1);
        // The loop (segment 0) pushes, unpacks four values (a `Step` of
        // stack effect +3), builds a tuple of three (-2: none) and calls
        // a function inlined on a real frame (segment 1, its own room).
        let e = Executor::new(
            vec![
                at(UopOp::LoadFast, 10, 0),
                step(Opcode::UnpackSequence, 4, 11),
                step(Opcode::BuildTuple, 3, 12),
                at(UopOp::PushFrame, 13, 0),
                at(UopOp::LoadFast, 0, 1),
                at(UopOp::PopFrame, 1, 1),
                to(at(UopOp::JumpToTop, 14, 0), 10),
            ],
            10,
            5,
        );
        let most = stack::MAX_UOP_PUSHES;
        assert_eq!(e.room(0), most + 3 + most + most);
        assert_eq!(e.room(1), most + most);
    }

    #[test]
    fn jumps_land_in_the_segment_of_the_code_they_jump_in() {
        // The loop (segment 0, from instruction 10) inlines a function
        // (segment 1, instructions from 0) between its 11 and 12.
        let e = Executor::new(
            vec![
                at(UopOp::LoadFast, 10, 0),
                at(UopOp::PushFrame, 11, 0),
                at(UopOp::LoadFast, 0, 1),
                to(at(UopOp::JumpIf, 1, 1), 3),
                at(UopOp::PopFrame, 2, 1),
                at(UopOp::PopFrame, 3, 1),
                at(UopOp::CheckValidity, 12, 0),
                to(at(UopOp::JumpToTop, 12, 0), 10),
            ],
            10,
            3,
        );
        assert_eq!(e.label(0, 10), Some(0));
        assert_eq!(e.label(0, 12), Some(6), "past the inlined body");
        assert_eq!(e.label(1, 3), Some(5));
        assert_eq!(e.label(1, 0), Some(2));
        assert_eq!(e.label(0, 9), None, "before the loop");
        assert_eq!(e.label(1, 4), None, "past the function");
        // Each jump's landing is resolved when the executor is built.
        assert_eq!(e.jump(3), Some(5));
        assert_eq!(e.jump(7), Some(0));
        assert_eq!(e.jump(0), None, "not a jump");
    }

    #[test]
    fn a_jump_to_a_return_becomes_the_return() {
        // `return a if c else b` inlined (both branches jump to the
        // return), then a loop's jump to anything else, which stays.
        let e = Executor::new(
            vec![
                at(UopOp::PushFrame, 0, 0),
                at(UopOp::LoadFast, 0, 1),
                to(at(UopOp::JumpIf, 1, 1), 4),
                at(UopOp::LoadFast, 2, 1),
                to(at(UopOp::Jump, 3, 1), 6),
                at(UopOp::LoadFast, 4, 1),
                to(at(UopOp::Jump, 5, 1), 6),
                at(UopOp::PopFrame, 6, 1),
                to(at(UopOp::Jump, 1, 0), 2),
                at(UopOp::LoadFast, 2, 0),
                to(at(UopOp::Exit, 3, 0), 9),
            ],
            0,
            4,
        );
        let ops: Vec<(UopOp, u32)> = e.uops.iter().map(|u| (u.op, u.at)).collect();
        assert_eq!(ops[4], (UopOp::PopFrame, 3), "keeps its own instruction");
        assert_eq!(ops[6], (UopOp::PopFrame, 5));
        assert_eq!(e.uops[8].op, UopOp::Jump, "lands on a LoadFast");
        // Labels still find what they found: the instruction after the
        // first jump is its LoadFast, not the copied return.
        assert_eq!(e.label(1, 4), Some(5));
        assert_eq!(e.jump(2), Some(5));
        let exit = Executor::new(
            vec![
                to(at(UopOp::Jump, 0, 0), 2),
                at(UopOp::LoadFast, 1, 0),
                to(at(UopOp::Exit, 2, 0), 9),
            ],
            0,
            3,
        );
        assert_eq!((exit.uops[0].op, exit.uops[0].target), (UopOp::Exit, 9));
    }

    #[test]
    fn an_executor_ends_in_a_micro_op_that_does_not_go_on() {
        // A function body whose last laid-out micro-op could go on (an
        // inlined call's body comes before it in segment 1).
        let e = Executor::new(
            vec![
                at(UopOp::LoadFast, 4, 0),
                at(UopOp::LoadFast, 0, 1),
                at(UopOp::Step, 5, 0),
            ],
            4,
            2,
        );
        let last = e.uops.last().expect("micro-ops");
        assert_eq!((e.uops.len(), last.op), (4, UopOp::Exit));
        assert_eq!((last.at, last.target, last.segment), (5, 6, 0));
        assert_eq!(e.label(0, 5), Some(2), "the Step's label stays");
        // One that ends in a leave, or loops, gets nothing.
        for end in [UopOp::Exit, UopOp::JumpToTop] {
            let e = Executor::new(vec![at(UopOp::LoadFast, 4, 0), at(end, 5, 0)], 4, 2);
            assert_eq!(e.uops.len(), 2);
        }
        // Nothing at all: the Exit alone.
        assert_eq!(Executor::new(Vec::new(), 4, 0).uops[0].op, UopOp::Exit);
    }
}
