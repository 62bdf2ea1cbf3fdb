//! Projection: from a hot loop's specialized instructions to the micro-ops
//! of its executor.
//!
//! The executor covers the loop's *region*: every instruction between the
//! loop head and its last back-edge that ordinary control flow reaches
//! from the head without leaving that range (exception handlers, reached
//! only by unwinding, stay out). Instructions keep their order; a branch whose
//! target is in the region becomes a jump between micro-ops, one whose
//! target is outside becomes an exit, and a back-edge to the head closes
//! the loop with `JumpToTop`. A nested loop inside the region runs in the
//! same executor, its back-edge a `JumpBack` (a safepoint and a validity
//! check, like `JumpToTop`). Instructions that end the frame (`return`,
//! `raise`, `yield`) become exits to tier 1, which runs them.
//!
//! So an `if` inside a loop costs a micro-op jump, not a side exit: CPython
//! projects a linear trace and grows side traces from hot exits instead;
//! here the loop body is small and known, so covering it whole is simpler
//! and exits only where the loop really ends.

use super::uop::{expansion, Operands, Slot, Uop, UopOp};
use super::MAX_TRACE_INSTRUCTIONS;
use crate::bytecode::{Instr, Opcode, Operand};
use crate::specialize::{monomorphic_receiver, shared_receiver};
use crate::value::Value;

/// A projected loop, before optimization.
#[derive(Debug, PartialEq, Eq)]
pub struct Trace {
    /// The micro-ops, in instruction order.
    pub uops: Vec<Uop>,
    /// Instructions covered.
    pub instructions: u32,
}

/// Whether `op` ends a frame or raises by design: tier 1 runs it.
fn leaves_frame(op: Opcode) -> bool {
    matches!(
        op,
        Opcode::ReturnValue
            | Opcode::YieldValue
            | Opcode::Send
            | Opcode::Raise
            | Opcode::Reraise
            | Opcode::PrintExpr
    )
}

/// Whether `i` is a loop's back-edge (in either form).
pub fn is_back_edge(i: Instr) -> bool {
    matches!(i.op, Opcode::JumpBackward | Opcode::EnterExecutor)
}

/// Whether an instruction of `op` (other than the branches projection
/// lays out itself) may continue at its operand's target.
fn may_jump(op: Opcode) -> bool {
    op.operand() == Operand::Target
}

/// Where control may go after the instruction `i` at `pc`.
fn successors(i: Instr, pc: usize) -> Vec<usize> {
    match i.op {
        Opcode::Jump | Opcode::JumpBackward | Opcode::EnterExecutor => vec![i.arg as usize],
        op if leaves_frame(op) => vec![],
        op if may_jump(op) => vec![pc + 1, i.arg as usize],
        _ => vec![pc + 1],
    }
}

/// The instructions of the region (module docs), as a membership table
/// indexed from `head`.
fn region(instr: &impl Fn(usize) -> Instr, head: usize, back_edge: usize) -> Vec<bool> {
    let mut member = vec![false; back_edge - head + 1];
    let mut work = vec![head];
    while let Some(pc) = work.pop() {
        if pc < head || pc > back_edge || member[pc - head] {
            continue;
        }
        member[pc - head] = true;
        work.extend(successors(instr(pc), pc));
    }
    member
}

/// Projects the loop at `head` whose last back-edge is at `last` (a
/// `continue` jumps back from earlier: the body past it is the loop's
/// too, and a loop whose last back-edge follows a `yield` is entered
/// through another). Whichever of its back-edges is hot, the region is
/// the same, and must reach one of them. `instr` reads the projecting
/// thread's (specialized) instructions, `cache` their inline caches'
/// words, `constant` a code constant.
pub fn project(
    instr: impl Fn(usize) -> Instr,
    cache: impl Fn(usize) -> [u64; 8],
    constant: impl Fn(u32) -> Value,
    head: u32,
    last: u32,
) -> Result<Trace, &'static str> {
    let (head, last) = (head as usize, last as usize);
    if last < head {
        return Err("not a loop");
    }
    let member = region(&instr, head, last);
    let cycles = (head..=last)
        .any(|pc| member[pc - head] && is_back_edge(instr(pc)) && instr(pc).arg as usize == head);
    if !cycles {
        return Err("no back-edge is reachable");
    }
    lay_out(
        &instr,
        &cache,
        &constant,
        head,
        &member,
        MAX_TRACE_INSTRUCTIONS,
        false,
    )
}

/// Projects a whole function body of `len` instructions to be inlined
/// where it is called: its returns become `PopFrame`, its back-edges
/// `JumpBack` (never `JumpToTop`: the executor's top is its caller's). A
/// function longer than `max` instructions is not inlined.
pub fn project_function(
    instr: impl Fn(usize) -> Instr,
    cache: impl Fn(usize) -> [u64; 8],
    constant: impl Fn(u32) -> Value,
    len: u32,
    max: usize,
) -> Result<Trace, &'static str> {
    if len == 0 {
        return Err("no code");
    }
    let member = region(&instr, 0, len as usize - 1);
    lay_out(&instr, &cache, &constant, 0, &member, max, true)
}

/// Projects a whole function body of `len` instructions for its
/// function-entry executor: laid out as a loop's region is, from the first
/// instruction, so a return leaves the executor for tier 1 to run it and
/// its loops' back-edges are `JumpBack`s inside it (their own executors
/// still serve tier 1 when this one leaves midway).
pub fn project_entry(
    instr: impl Fn(usize) -> Instr,
    cache: impl Fn(usize) -> [u64; 8],
    constant: impl Fn(u32) -> Value,
    len: u32,
) -> Result<Trace, &'static str> {
    if len == 0 {
        return Err("no code");
    }
    let member = region(&instr, 0, len as usize - 1);
    lay_out(
        &instr,
        &cache,
        &constant,
        0,
        &member,
        MAX_TRACE_INSTRUCTIONS,
        false,
    )
}

/// Lays out the region `member` (indexed from `head`) as micro-ops: a
/// loop's or a function entry's, or an inlined function's when `function`.
fn lay_out(
    instr: &impl Fn(usize) -> Instr,
    cache: &impl Fn(usize) -> [u64; 8],
    constant: &impl Fn(u32) -> Value,
    head: usize,
    member: &[bool],
    max: usize,
    function: bool,
) -> Result<Trace, &'static str> {
    let end = head + member.len() - 1;
    let inside = |pc: usize| pc >= head && pc <= end && member[pc - head];
    let instructions = member.iter().filter(|m| **m).count();
    if instructions > max {
        return Err("too long");
    }
    let mut uops = Vec::new();
    for pc in (head..=end).filter(|&pc| member[pc - head]) {
        let i = instr(pc);
        let at = pc as u32;
        let mut add = |op: UopOp, target: usize| uops.push(Uop::new(op, i, at, target as u32));
        match i.op {
            Opcode::Jump => {
                let t = i.arg as usize;
                if !inside(t) {
                    add(UopOp::Exit, t);
                } else if !(pc + 1..t).all(|p| !inside(p)) || t <= pc {
                    add(UopOp::Jump, t);
                }
                // Otherwise the target is the next instruction laid out.
            }
            // An inlined function's loop: its back-edge is a safepoint and
            // a validity check too, on the function's real frame (a body
            // that reaches a safepoint is not frameless).
            Opcode::JumpBackward | Opcode::EnterExecutor if function => {
                add(UopOp::JumpBack, i.arg as usize);
            }
            Opcode::JumpBackward | Opcode::EnterExecutor => {
                let t = i.arg as usize;
                if t == head {
                    add(UopOp::JumpToTop, head);
                } else if inside(t) {
                    add(UopOp::JumpBack, t);
                } else {
                    add(UopOp::Exit, pc);
                }
            }
            Opcode::PopJumpIfFalse | Opcode::PopJumpIfTrue => {
                let t = i.arg as usize;
                let op = if inside(t) {
                    UopOp::JumpIf
                } else {
                    UopOp::ExitIf
                };
                uops.push(Uop {
                    arg: (i.op == Opcode::PopJumpIfTrue) as u32,
                    ..Uop::new(op, i, at, t as u32)
                });
            }
            Opcode::ReturnValue if function => add(UopOp::PopFrame, pc),
            Opcode::YieldValue | Opcode::Send if function => {
                return Err("a generator");
            }
            op if leaves_frame(op) => add(UopOp::Exit, pc),
            // It resumes a generator's frame in the running dispatch loop,
            // which only tier 1 is: the loop stays in tier 1.
            Opcode::ForIterGenerator => return Err("iterates a generator"),
            op => {
                let expanded = expansion(op);
                // A receiver-guarded form: the versions of the classes it
                // saw and what it cached (one class, or several one guard
                // covers), or a step when the site is polymorphic.
                let words = cache(pc);
                let receiver = if expanded.contains(&UopOp::GuardClassVersion) {
                    let found = monomorphic_receiver(op, &words)
                        .map(|(version, value)| ([version, 0, 0, 0], value))
                        .or_else(|| shared_receiver(op, &words));
                    match found {
                        Some(r) => r,
                        None if op == Opcode::LoadMethodInstance => {
                            add(UopOp::LoadMethodCached, pc + 1);
                            continue;
                        }
                        None => {
                            add(UopOp::Step, pc + 1);
                            continue;
                        }
                    }
                } else {
                    ([0; 4], 0)
                };
                for &u in expanded {
                    let mut uop = Uop::new(u, i, at, at + 1);
                    uop.operand = match u {
                        UopOp::LoadConst => constant(i.arg).to_bits(),
                        UopOp::GuardClassVersion => receiver.0[0],
                        UopOp::LoadAttrConst
                        | UopOp::LoadMethodConst
                        | UopOp::LoadAttrProperty
                        | UopOp::LoadMethodStatic
                        | UopOp::LoadAttrInstanceDict
                        | UopOp::StoreAttrInstanceDict
                        | UopOp::CallOperatorConst => receiver.1,
                        // The builtin method it cached (one of a builtin
                        // type's, whose attributes never change), which it
                        // loads whenever it does not leave.
                        UopOp::LoadMethodCached if op == Opcode::LoadMethodBuiltin => words[1],
                        _ => 0,
                    };
                    if u == UopOp::GuardClassVersion {
                        // The receiver is the top of the stack (an
                        // operator's is its left operand, under the top).
                        uop.arg = if op == Opcode::BinaryOpInstance { 2 } else { 1 };
                        let [first, second, third, fourth] = receiver.0;
                        if second != 0 {
                            uop.op = UopOp::GuardClassVersions;
                            uop.operand = first | second << 32;
                            uop.target = third as u32;
                            uop.extra = fourth as u32;
                        }
                    }
                    uops.push(uop);
                }
            }
        }
    }
    Ok(Trace {
        uops,
        instructions: instructions as u32,
    })
}

/// The instruction `u` may jump to inside the executor: a branch's target,
/// or the one an instruction with a target keeps in its operand (where a
/// loop ends, say).
pub fn jump_target(u: &Uop) -> Option<u32> {
    match u.op {
        UopOp::Jump | UopOp::JumpIf | UopOp::JumpIfBool | UopOp::JumpBack | UopOp::JumpToTop => {
            Some(u.target)
        }
        UopOp::ExitIf | UopOp::ExitIfBool | UopOp::Exit | UopOp::ExitUntaken => None,
        op if op.is_fused_compare() => match Operands::decode(u.arg).result {
            Slot::Branch { exit: false, .. } => Some(u.target),
            _ => None,
        },
        _ if may_jump(u.opcode) => Some(u.arg),
        _ => None,
    }
}

/// The instructions some micro-op may jump to inside the executor (where
/// what the optimizer knows from the instructions laid out before ends).
pub fn jump_targets(uops: &[Uop]) -> Vec<u32> {
    let mut targets: Vec<u32> = uops.iter().filter_map(jump_target).collect();
    targets.sort_unstable();
    targets.dedup();
    targets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ins(op: Opcode, arg: u32) -> Instr {
        Instr { op, arg }
    }

    fn ops(t: &Trace) -> Vec<UopOp> {
        t.uops.iter().map(|u| u.op).collect()
    }

    fn run(code: &[Instr], head: u32, back_edge: u32) -> Result<Trace, &'static str> {
        project(
            |pc| code[pc],
            |_| [7, 8, 0, 0, 0, 0, 0, 0],
            |_| Value::try_int(1).unwrap(),
            head,
            back_edge,
        )
    }

    /// `while i < n: i += 1` as the compiler lays it out, specialized.
    fn counting_loop() -> Vec<Instr> {
        vec![
            ins(Opcode::LoadFast, 0),        // 0 head
            ins(Opcode::LoadFast, 1),        // 1
            ins(Opcode::CompareOpInt, 2),    // 2 (<)
            ins(Opcode::PopJumpIfFalse, 9),  // 3
            ins(Opcode::LoadFast, 0),        // 4
            ins(Opcode::LoadConst, 0),       // 5
            ins(Opcode::BinaryOpAddInt, 12), // 6 (+=)
            ins(Opcode::StoreFast, 0),       // 7
            ins(Opcode::JumpBackward, 0),    // 8
            ins(Opcode::LoadConst, 0),       // 9
            ins(Opcode::ReturnValue, 0),     // 10
        ]
    }

    #[test]
    fn an_operator_method_call_guards_its_left_operand_and_calls_the_cached_method() {
        let code = vec![
            ins(Opcode::LoadFast, 0),         // 0 head
            ins(Opcode::LoadFast, 1),         // 1
            ins(Opcode::BinaryOpInstance, 0), // 2 (+)
            ins(Opcode::StoreFast, 0),        // 3
            ins(Opcode::JumpBackward, 0),     // 4
        ];
        let t = run(&code, 0, 4).unwrap();
        let call: Vec<(UopOp, u32, u64)> = t
            .uops
            .iter()
            .filter(|u| u.at == 2)
            .map(|u| (u.op, u.arg, u.operand))
            .collect();
        // The cache's first word is the class version, the second the method.
        assert_eq!(
            call,
            vec![
                (UopOp::GuardClassVersion, 2, 7),
                (UopOp::GuardOperandPartner, 0, 0),
                (UopOp::CallOperatorConst, 0, 8),
            ]
        );
    }

    #[test]
    fn a_loop_body_becomes_its_expansions_closed_by_jump_to_top() {
        let t = run(&counting_loop(), 0, 8).unwrap();
        assert_eq!(
            ops(&t),
            vec![
                UopOp::LoadFast,
                UopOp::LoadFast,
                UopOp::GuardBothInt,
                UopOp::CompareInt,
                UopOp::ExitIf,
                UopOp::LoadFast,
                UopOp::LoadConst,
                UopOp::GuardBothInt,
                UopOp::BinaryOpInt,
                UopOp::StoreFast,
                UopOp::JumpToTop,
            ]
        );
        assert_eq!(t.instructions, 9);
        // The branch leaves for the loop exit when false.
        let exit = t.uops[4];
        assert_eq!((exit.arg, exit.at, exit.target), (0, 3, 9));
        assert_eq!(t.uops[6].operand, Value::try_int(1).unwrap().to_bits());
        assert_eq!(t.uops.last().unwrap().target, 0);
    }

    #[test]
    fn branches_inside_the_loop_jump_and_leaving_ones_exit() {
        // for ...: if a: continue / if b: break / return c
        let code = vec![
            ins(Opcode::ForIterRange, 12),   // 0 head
            ins(Opcode::StoreFast, 0),       // 1
            ins(Opcode::LoadFast, 0),        // 2
            ins(Opcode::PopJumpIfFalse, 5),  // 3
            ins(Opcode::JumpBackward, 0),    // 4 continue
            ins(Opcode::LoadFast, 1),        // 5
            ins(Opcode::PopJumpIfTrue, 12),  // 6 break
            ins(Opcode::LoadFast, 2),        // 7
            ins(Opcode::PopJumpIfFalse, 10), // 8
            ins(Opcode::ReturnValue, 0),     // 9
            ins(Opcode::Nop, 0),             // 10
            ins(Opcode::JumpBackward, 0),    // 11
            ins(Opcode::LoadConst, 0),       // 12
        ];
        let t = run(&code, 0, 11).unwrap();
        assert_eq!(
            ops(&t),
            vec![
                UopOp::ForIterRange, // exhausted: jumps out
                UopOp::StoreFast,
                UopOp::LoadFast,
                UopOp::JumpIf,
                UopOp::JumpToTop,
                UopOp::LoadFast,
                UopOp::ExitIf,
                UopOp::LoadFast,
                UopOp::JumpIf,
                UopOp::Exit, // return: tier 1 runs it
                UopOp::JumpToTop,
            ]
        );
        assert_eq!((t.uops[3].target, t.uops[3].arg), (5, 0));
        assert_eq!((t.uops[6].target, t.uops[6].arg), (12, 1));
        assert_eq!(t.uops[9].target, 9);
        assert_eq!(jump_targets(&t.uops), vec![0, 5, 10, 12]);
    }

    #[test]
    fn a_nested_loop_runs_in_the_same_executor() {
        let code = vec![
            ins(Opcode::Nop, 0),            // 0 outer head
            ins(Opcode::LoadFast, 0),       // 1 inner head
            ins(Opcode::PopJumpIfFalse, 4), // 2 inner exit
            ins(Opcode::JumpBackward, 1),   // 3 inner back-edge
            ins(Opcode::JumpBackward, 0),   // 4 outer back-edge
        ];
        let t = run(&code, 0, 4).unwrap();
        assert_eq!(
            ops(&t),
            vec![
                UopOp::LoadFast,
                UopOp::JumpIf,
                UopOp::JumpBack,
                UopOp::JumpToTop
            ]
        );
        assert_eq!((t.uops[1].target, t.uops[2].target), (4, 1));
    }

    #[test]
    fn code_only_unwinding_reaches_is_left_out_and_loops_must_close() {
        let code = vec![
            ins(Opcode::LoadFast, 0),     // 0
            ins(Opcode::Jump, 4),         // 1
            ins(Opcode::Reraise, 0),      // 2 a handler
            ins(Opcode::Nop, 0),          // 3
            ins(Opcode::JumpBackward, 0), // 4
        ];
        let t = run(&code, 0, 4).unwrap();
        assert_eq!(ops(&t), vec![UopOp::LoadFast, UopOp::JumpToTop]);
        assert_eq!(t.instructions, 3);
        let never_loops = vec![ins(Opcode::ReturnValue, 0), ins(Opcode::JumpBackward, 0)];
        assert!(run(&never_loops, 0, 1).is_err());
    }

    #[test]
    fn attribute_forms_carry_their_cache_and_polymorphic_ones_step() {
        let code = vec![
            ins(Opcode::LoadFast, 0),
            ins(Opcode::LoadMethodInstance, 2),
            ins(Opcode::LoadAttrInstance, 3),
            ins(Opcode::JumpBackward, 0),
        ];
        let t = run(&code, 0, 3).unwrap();
        assert_eq!(
            ops(&t),
            vec![
                UopOp::LoadFast,
                UopOp::GuardClassVersion,
                UopOp::LoadMethodConst,
                // The cache (7, 8, ...) saw two classes.
                UopOp::Step,
                UopOp::JumpToTop
            ]
        );
        assert_eq!((t.uops[1].arg, t.uops[1].operand), (1, 7));
        assert_eq!(t.uops[2].operand, 8);
    }

    #[test]
    fn descriptor_forms_carry_their_class_and_descriptor() {
        let code = [
            ins(Opcode::LoadFast, 0),
            ins(Opcode::LoadAttrProperty, 2),
            ins(Opcode::LoadFast, 0),
            ins(Opcode::LoadMethodStatic, 3),
            ins(Opcode::JumpBackward, 0),
        ];
        let t = project(
            |pc| code[pc],
            |_| [7, 9, 0, 0, 0, 0, 0, 0],
            |_| Value::NONE,
            0,
            4,
        )
        .unwrap();
        assert_eq!(
            ops(&t),
            vec![
                UopOp::LoadFast,
                UopOp::GuardClassVersion,
                UopOp::LoadAttrProperty,
                UopOp::LoadFast,
                UopOp::GuardClassVersion,
                UopOp::LoadMethodStatic,
                UopOp::JumpToTop
            ]
        );
        assert_eq!((t.uops[1].operand, t.uops[2].operand), (7, 9));
        assert_eq!((t.uops[4].operand, t.uops[5].operand), (7, 9));
    }

    #[test]
    fn instructions_without_an_expansion_run_as_one_step() {
        let code = vec![ins(Opcode::LoadAttr, 3), ins(Opcode::JumpBackward, 0)];
        let t = run(&code, 0, 1).unwrap();
        assert_eq!(ops(&t), vec![UopOp::Step, UopOp::JumpToTop]);
        assert_eq!((t.uops[0].at, t.uops[0].target), (0, 1));
    }
    #[test]
    fn a_function_body_returns_through_pop_frame_and_its_loop_jumps_back() {
        // def f(x): if x: return 1 / return x + 1
        let body = vec![
            ins(Opcode::LoadFast, 0),       // 0
            ins(Opcode::PopJumpIfFalse, 4), // 1
            ins(Opcode::LoadConst, 0),      // 2
            ins(Opcode::ReturnValue, 0),    // 3
            ins(Opcode::LoadFast, 0),       // 4
            ins(Opcode::LoadConst, 0),      // 5
            ins(Opcode::BinaryOpAddInt, 0), // 6
            ins(Opcode::ReturnValue, 0),    // 7
        ];
        let inline = |code: &[Instr], max| {
            project_function(
                |pc| code[pc],
                |_| [0; 8],
                |_| Value::try_int(1).unwrap(),
                code.len() as u32,
                max,
            )
        };
        let t = inline(&body, 8).unwrap();
        assert_eq!(
            ops(&t),
            vec![
                UopOp::LoadFast,
                UopOp::JumpIf,
                UopOp::LoadConst,
                UopOp::PopFrame,
                UopOp::LoadFast,
                UopOp::LoadConst,
                UopOp::GuardBothInt,
                UopOp::BinaryOpInt,
                UopOp::PopFrame,
            ]
        );
        assert_eq!(t.uops[1].target, 4);
        assert!(inline(&body, 7).is_err(), "longer than allowed");
        let loops = vec![
            ins(Opcode::LoadFast, 0),
            ins(Opcode::PopJumpIfFalse, 3),
            ins(Opcode::JumpBackward, 0),
            ins(Opcode::ReturnValue, 0),
        ];
        // Its back-edge jumps back inside the body (a safepoint there),
        // never to the executor's top.
        let t = inline(&loops, 8).unwrap();
        assert_eq!(
            ops(&t),
            vec![
                UopOp::LoadFast,
                UopOp::JumpIf,
                UopOp::JumpBack,
                UopOp::PopFrame
            ]
        );
        assert_eq!(t.uops[2].target, 0);
        let generator = vec![ins(Opcode::LoadConst, 0), ins(Opcode::YieldValue, 0)];
        assert!(inline(&generator, 8).is_err(), "a generator");
    }
    #[test]
    fn a_loop_region_runs_to_its_last_back_edge() {
        // `for ...: if a: continue / b` : the body past the `continue`'s
        // back-edge (2) is the loop's too.
        let code = [
            ins(Opcode::LoadFast, 0),      // 0 head
            ins(Opcode::PopJumpIfTrue, 3), // 1
            ins(Opcode::JumpBackward, 0),  // 2 continue
            ins(Opcode::LoadFast, 1),      // 3
            ins(Opcode::PopTop, 0),        // 4
            ins(Opcode::JumpBackward, 0),  // 5 last back-edge
        ];
        let t = run(&code, 0, 5).unwrap();
        let at: Vec<u32> = t.uops.iter().map(|u| u.at).collect();
        assert_eq!(at, vec![0, 1, 2, 3, 4, 5]);
        // A last back-edge after a `yield` is unreachable: the loop is
        // still one through the `continue`, and the region ends at the
        // yield.
        let generator = [
            ins(Opcode::LoadFast, 0),      // 0 head
            ins(Opcode::PopJumpIfTrue, 3), // 1
            ins(Opcode::JumpBackward, 0),  // 2 continue
            ins(Opcode::LoadFast, 1),      // 3
            ins(Opcode::YieldValue, 0),    // 4
            ins(Opcode::PopTop, 0),        // 5
            ins(Opcode::JumpBackward, 0),  // 6 last back-edge
        ];
        let t = run(&generator, 0, 6).unwrap();
        assert_eq!(
            ops(&t),
            vec![
                UopOp::LoadFast,
                UopOp::JumpIf,
                UopOp::JumpToTop,
                UopOp::LoadFast,
                UopOp::Exit
            ]
        );
        let no_cycle = [
            ins(Opcode::LoadFast, 0),
            ins(Opcode::YieldValue, 0),
            ins(Opcode::JumpBackward, 0),
        ];
        assert!(run(&no_cycle, 0, 2).is_err(), "no back-edge is reachable");
    }
    #[test]
    fn classes_sharing_a_method_or_an_instance_attribute_share_one_guard() {
        let at = |op, words: [u64; 8]| {
            let code = [ins(op, 0), ins(Opcode::JumpBackward, 0)];
            project(|pc| code[pc], |_| words, |_| Value::NONE, 0, 1).unwrap()
        };
        // Two classes, one method (9): a guard on both versions.
        let t = at(Opcode::LoadMethodInstance, [3, 9, 4, 9, 0, 0, 0, 0]);
        assert_eq!(
            ops(&t),
            vec![
                UopOp::GuardClassVersions,
                UopOp::LoadMethodConst,
                UopOp::JumpToTop
            ]
        );
        assert_eq!((t.uops[0].operand, t.uops[0].target), (3 | 4 << 32, 0));
        assert_eq!(t.uops[1].operand, 9);
        // Two methods: tier 1's cache picks one.
        let t = at(Opcode::LoadMethodInstance, [3, 9, 4, 10, 0, 0, 0, 0]);
        assert_eq!(ops(&t), vec![UopOp::LoadMethodCached, UopOp::JumpToTop]);
        // Three instance classes (version << 32 | position hint).
        let entry = |version: u64| version << 32 | 1;
        let t = at(
            Opcode::LoadAttrInstance,
            [entry(5), entry(6), entry(7), 0, 0, 0, 0, 0],
        );
        assert_eq!(t.uops[0].op, UopOp::GuardClassVersions);
        assert_eq!((t.uops[0].operand, t.uops[0].target), (5 | 6 << 32, 7));
        // Four: the fourth version in `extra`.
        let t = at(
            Opcode::LoadAttrInstance,
            [entry(5), entry(6), entry(7), entry(8), 0, 0, 0, 0],
        );
        assert_eq!(t.uops[0].op, UopOp::GuardClassVersions);
        assert_eq!((t.uops[0].target, t.uops[0].extra), (7, 8));
        // Five: a step.
        let t = at(
            Opcode::LoadAttrInstance,
            [entry(5), entry(6), entry(7), entry(8), entry(9), 0, 0, 0],
        );
        assert_eq!(ops(&t), vec![UopOp::Step, UopOp::JumpToTop]);
    }
}
