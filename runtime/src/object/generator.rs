//! [`Generator`]: a generator object's suspended frame and the claim that
//! lets one thread run it.
//!
//! Resuming a generator *claims* it: one compare-exchange moves its status
//! from created or suspended to running, and from then on the claiming
//! thread alone touches the saved frame. It copies the frame's values onto
//! its value stack, runs the frame, and at the next `yield` copies them
//! back and *releases* the claim with a release store of the new status.
//! A second resume while it runs (another thread, or the generator itself)
//! finds the status running: a `ValueError`, as in CPython. A lock around
//! the frame took a compare-exchange at the resume and another at the
//! yield; the claim takes one (ARCHITECTURE.md, decisions).
//!
//! The collector reads the saved frame inside a pause. The claimer writes
//! it only between two safepoints (taking the values out, putting them
//! back), so a pause never finds it halfway through.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicU8, Ordering};

use stillpoint_gc::{Gc, Trace, Tracer};

use super::PyObject;
use crate::value::Value;

/// Where a generator is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum GenStatus {
    /// Created, not started.
    Created,
    /// Suspended at a `yield`.
    Suspended,
    /// Running on some thread (re-entry is a ValueError).
    Running,
    /// Returned or raised: exhausted.
    Finished,
}

impl GenStatus {
    fn from_u8(v: u8) -> GenStatus {
        match v {
            0 => GenStatus::Created,
            1 => GenStatus::Suspended,
            2 => GenStatus::Running,
            _ => GenStatus::Finished,
        }
    }
}

/// A generator's frame while it is not running: where it resumes and the
/// frame's value-stack segment (locals, cells, operand stack), which the
/// generator owns while suspended and lends to the thread's value stack
/// while it runs.
pub struct SavedFrame {
    /// The next instruction.
    pub pc: u32,
    /// The frame's slots and operand stack (empty while it runs: the
    /// buffer is kept for the next yield).
    pub stack: Vec<Value>,
}

/// A generator object (see the module docs).
pub struct Generator {
    /// The code object.
    pub code: Gc<PyObject>,
    /// The globals dict.
    pub globals: Gc<PyObject>,
    /// `__name__` / `__qualname__`: its function's name (a str).
    pub name: Value,
    /// A [`GenStatus`].
    status: AtomicU8,
    /// Touched only by the thread holding the claim, or in a pause.
    frame: UnsafeCell<SavedFrame>,
}

// SAFETY: the only unsynchronized part is `frame`, and its accesses are
// ordered: a thread touches it only while it holds the claim (taken by an
// acquire compare-exchange, given back by a release store, so successive
// claimers are ordered), and the collector reads it only inside a pause,
// which every mutator enters and leaves through the pause's
// synchronization, never while writing the frame (the claimer writes it
// only between safepoints; `Generator::frame`'s contract).
unsafe impl Sync for Generator {}

impl Generator {
    /// A created generator whose frame starts at its first instruction
    /// with the slots `stack` (the bound arguments).
    pub fn new(code: Gc<PyObject>, globals: Gc<PyObject>, name: Value, stack: Vec<Value>) -> Self {
        Generator {
            code,
            globals,
            name,
            status: AtomicU8::new(GenStatus::Created as u8),
            frame: UnsafeCell::new(SavedFrame { pc: 0, stack }),
        }
    }

    /// Its status now (it may change at once unless this thread holds the
    /// claim).
    #[inline]
    pub fn status(&self) -> GenStatus {
        GenStatus::from_u8(self.status.load(Ordering::Acquire))
    }

    /// Claims the generator to run (or finish) it: from created or
    /// suspended to running. `Ok(status it had)`, or `Err(status)` when it
    /// is running or finished.
    #[inline]
    pub fn claim(&self) -> Result<GenStatus, GenStatus> {
        let mut now = self.status.load(Ordering::Relaxed);
        loop {
            let was = GenStatus::from_u8(now);
            if matches!(was, GenStatus::Running | GenStatus::Finished) {
                return Err(was);
            }
            match self.status.compare_exchange_weak(
                now,
                GenStatus::Running as u8,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Ok(was),
                Err(seen) => now = seen,
            }
        }
    }

    /// Gives the claim back, leaving the generator `to` (suspended,
    /// finished, or what it was before a resume that failed). Only the
    /// claim's holder calls this.
    #[inline]
    pub fn release(&self, to: GenStatus) {
        debug_assert_eq!(self.status(), GenStatus::Running);
        self.status.store(to as u8, Ordering::Release);
    }

    /// The saved frame.
    ///
    /// # Safety
    /// This thread holds the claim ([`Generator::claim`] succeeded and it
    /// has not released it), and reaches no safepoint while the reference
    /// lives (the collector reads the frame in a pause).
    #[inline]
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn frame(&self) -> &mut SavedFrame {
        // SAFETY: the caller's contract: no other thread, nor the
        // collector, touches the frame while the reference lives, and the
        // caller holds no other reference to it.
        unsafe { &mut *self.frame.get() }
    }
}

// SAFETY: traces the code, globals, name and the saved frame segment.
unsafe impl Trace for Generator {
    fn trace(&self, tracer: &mut Tracer) {
        tracer.mark(self.code);
        tracer.mark(self.globals);
        self.name.trace(tracer);
        // SAFETY: tracing runs only inside a pause (a `Tracer` exists only
        // there), and no claimer is halfway through writing the frame at a
        // safepoint (`Generator::frame`'s contract).
        let frame = unsafe { &*self.frame.get() };
        frame.stack.trace(tracer);
    }
}
