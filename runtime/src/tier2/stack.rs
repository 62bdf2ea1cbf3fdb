//! [`ReservedStack`]: the thread's value stack as the micro-op interpreter
//! uses it, without a capacity check on a push or a bounds check on a
//! read.
//!
//! Those checks were a twentieth of the instructions of the benchmark
//! programs (ARCHITECTURE.md, invariant 33, and decisions: "The micro-op
//! interpreter steps a pointer, pushes into reserved room..."). What
//! makes them unnecessary:
//!
//! - **Room.** No micro-op pushes more than [`MAX_UOP_PUSHES`] values
//!   itself, and a `Step` leaves at most its instruction's stack effect
//!   more than it found (pushing through the `Vec`, checked, while it
//!   runs). The stack's height at a micro-op is the same however the
//!   executor got there (as at a bytecode instruction), so the height of
//!   one frame's micro-ops (a segment) never rises above its height at
//!   entry by more than the sum of those bounds over the segment
//!   ([`Executor::room`](super::Executor::room)). `run_uops` reserves
//!   that room when it starts on a segment, and a `Vec` never gives
//!   capacity back. A real frame's segment gets its own reservation when
//!   its `run_uops` starts; a virtual frame's locals and micro-ops count
//!   in its caller's room.
//! - **Reads.** Locals lie below the frame's stack base and operands below
//!   the stack's end, where the projection put them (as tier 1's
//!   compiler-balanced stack has them), so every index is below the
//!   length.
//!
//! Debug builds (the test command's) assert both at every access.

use crate::value::Value;

/// The most values one micro-op pushes itself (`LoadMethodLocal`,
/// `LoadAttrLocal2` and `UnpackTwo` push two).
pub(crate) const MAX_UOP_PUSHES: usize = 2;

/// The thread's value stack while micro-ops run (see the module docs).
#[repr(transparent)]
pub(crate) struct ReservedStack(Vec<Value>);

impl ReservedStack {
    /// `values` as a reserved stack.
    ///
    /// # Safety
    /// Until the reference ends, every push through it has room below
    /// `values`' capacity, and every index, `pop` and `last` through it is
    /// below its length.
    #[inline(always)]
    pub unsafe fn new(values: &mut Vec<Value>) -> &mut ReservedStack {
        // SAFETY: `ReservedStack` is a `repr(transparent)` wrapper of
        // `Vec<Value>`, so the two references have the same layout; the
        // returned one borrows `values` mutably for as long as it lives.
        unsafe { &mut *(values as *mut Vec<Value>).cast::<ReservedStack>() }
    }

    /// How many values it holds.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Pushes `v` into the reserved room.
    #[inline(always)]
    pub fn push(&mut self, v: Value) {
        let n = self.0.len();
        debug_assert!(n < self.0.capacity(), "a micro-op pushed past its room");
        // SAFETY: `n` is below the capacity (`new`'s contract), so the slot
        // is inside the allocation, and the length grows over it once it
        // holds a value.
        unsafe {
            self.0.as_mut_ptr().add(n).write(v);
            self.0.set_len(n + 1);
        }
    }

    /// Pops the top value (always `Some`: the stack is not empty).
    #[inline(always)]
    pub fn pop(&mut self) -> Option<Value> {
        let n = self.0.len();
        debug_assert!(n > 0, "a micro-op popped an empty stack");
        // SAFETY: the stack is not empty (`new`'s contract): slot `n - 1`
        // holds a value, read before the length stops covering it.
        unsafe {
            let v = *self.0.as_ptr().add(n - 1);
            self.0.set_len(n - 1);
            Some(v)
        }
    }

    /// Drops the values from `len` up.
    #[inline(always)]
    pub fn truncate(&mut self, len: usize) {
        debug_assert!(len <= self.0.len(), "a micro-op truncated above the top");
        // SAFETY: a shorter length covers only initialized slots, and
        // `Value` has no destructor to run for the others.
        unsafe { self.0.set_len(len) }
    }

    /// Writes `v` to slot `at` and makes the stack `len` long: shorter
    /// (values popped), as long, or one longer (`at` the new top, in the
    /// reserved room).
    #[inline(always)]
    pub fn put(&mut self, at: usize, v: Value, len: usize) {
        debug_assert!(at < len && len <= self.0.capacity());
        debug_assert!(len <= self.0.len() || (len == self.0.len() + 1 && at + 1 == len));
        // SAFETY: `at` is below `len`, at most the capacity (the caller
        // keeps within the reserved room: `new`'s contract), so the slot is
        // inside the allocation; once it holds `v`, every slot below `len`
        // holds a value (those below the old length did, and a new top is
        // `at`, as the caller grows the stack only by pushing).
        unsafe {
            self.0.as_mut_ptr().add(at).write(v);
            self.0.set_len(len);
        }
    }

    /// The top value (always `Some`).
    #[inline(always)]
    pub fn last(&self) -> Option<&Value> {
        Some(&self[self.0.len().wrapping_sub(1)])
    }

    /// The top value, to replace (always `Some`).
    #[inline(always)]
    pub fn last_mut(&mut self) -> Option<&mut Value> {
        let top = self.0.len().wrapping_sub(1);
        Some(&mut self[top])
    }

    /// Swaps the values at `a` and `b`.
    #[inline(always)]
    pub fn swap(&mut self, a: usize, b: usize) {
        debug_assert!(a < self.0.len() && b < self.0.len());
        let items = self.0.as_mut_ptr();
        // SAFETY: both slots are below the length (`new`'s contract), so
        // both pointers are to values inside the allocation (`ptr::swap`
        // allows them to be the same).
        unsafe { std::ptr::swap(items.add(a), items.add(b)) }
    }

    /// Pushes `items` (checked: they need no reserved room).
    pub fn extend(&mut self, items: impl IntoIterator<Item = Value>) {
        self.0.extend(items)
    }
}

impl std::ops::Index<usize> for ReservedStack {
    type Output = Value;

    #[inline(always)]
    fn index(&self, i: usize) -> &Value {
        debug_assert!(i < self.0.len(), "a micro-op read above the top");
        // SAFETY: `i` is below the length (`new`'s contract).
        unsafe { self.0.get_unchecked(i) }
    }
}

impl std::ops::IndexMut<usize> for ReservedStack {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut Value {
        debug_assert!(i < self.0.len(), "a micro-op wrote above the top");
        // SAFETY: `i` is below the length (`new`'s contract).
        unsafe { self.0.get_unchecked_mut(i) }
    }
}

impl std::ops::Index<std::ops::RangeFrom<usize>> for ReservedStack {
    type Output = [Value];

    #[inline(always)]
    fn index(&self, r: std::ops::RangeFrom<usize>) -> &[Value] {
        debug_assert!(r.start <= self.0.len(), "a micro-op read above the top");
        // SAFETY: the range starts at or below the length (`new`'s
        // contract) and ends at it.
        unsafe { self.0.get_unchecked(r) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reserved_stack_pushes_pops_and_reads_as_a_vec_does() {
        let mut values = Vec::with_capacity(8);
        values.extend([Value::NONE, Value::TRUE]);
        // SAFETY: the pushes below stay within the capacity of 8 and the
        // reads below the length.
        let stack = unsafe { ReservedStack::new(&mut values) };
        stack.push(Value::FALSE);
        stack.swap(0, 2);
        assert_eq!(stack.len(), 3);
        assert_eq!(stack[0], Value::FALSE);
        assert_eq!(stack.pop(), Some(Value::NONE));
        *stack.last_mut().unwrap() = Value::UNBOUND;
        assert_eq!(&stack[1..], &[Value::UNBOUND]);
        stack.truncate(1);
        assert_eq!(stack.last(), Some(&Value::FALSE));
        assert_eq!(values, vec![Value::FALSE]);
    }
}
