//! Control from outside: interrupting a thread, step budgets.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use stillpoint_sync::RemoteMutator;

use super::Python;

/// Raises `KeyboardInterrupt` in one attached thread, from any thread:
/// `Send + Sync`, cheap to clone. Made by [`Python::interrupt_handle`] for
/// the attachment it is called in.
///
/// The exception is raised at the thread's next safepoint (a loop
/// iteration or a call); a thread blocked while detached (in
/// [`Python::detach`] or a Python-level blocking call) sees it when it
/// comes back. After that attachment ends, interrupting does nothing.
/// Costs nothing until used: the request rides on the thread's poll word.
///
/// ```
/// use stillpoint::{ErrorKind, Runtime};
/// let rt = Runtime::new();
/// let (tx, rx) = std::sync::mpsc::channel();
/// let worker = {
///     let rt = rt.clone();
///     std::thread::spawn(move || rt.attach(|py| {
///         tx.send(py.interrupt_handle()).unwrap();
///         py.run("while True:\n    pass\n")
///     }))
/// };
/// rx.recv().unwrap().interrupt();
/// let err = worker.join().unwrap().unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::KeyboardInterrupt);
/// ```
#[derive(Clone)]
pub struct InterruptHandle {
    flag: Arc<AtomicBool>,
    thread: RemoteMutator,
}

impl std::fmt::Debug for InterruptHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InterruptHandle").finish_non_exhaustive()
    }
}

impl InterruptHandle {
    /// Asks the thread to raise `KeyboardInterrupt` at its next safepoint.
    pub fn interrupt(&self) {
        // The flag first: the thread reads it after it sees the request.
        self.flag.store(true, Ordering::Release);
        self.thread.request_service();
    }
}

impl Python<'_> {
    /// A handle that interrupts this attachment from another thread.
    pub fn interrupt_handle(&mut self) -> InterruptHandle {
        InterruptHandle {
            flag: self.interp.control().interrupt.clone(),
            thread: self.interp.mutator().remote(),
        }
    }

    /// Sets this attachment's step budget: after `steps` more safepoints
    /// (loop iterations and calls, not bytecode instructions) Python code
    /// raises `RuntimeError("instruction budget exhausted")`, at that and
    /// every later safepoint, until the budget is set again. `None` (the
    /// default, unless [`crate::RuntimeBuilder::instruction_budget`] set
    /// one) removes it.
    ///
    /// ```
    /// let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| {
    ///     py.set_step_budget(Some(1000));
    ///     let err = py.run("while True:\n    pass\n").unwrap_err();
    ///     assert_eq!(err.message(), "instruction budget exhausted");
    ///     py.set_step_budget(None);
    ///     py.run("for i in range(5000):\n    pass\n").unwrap();
    /// });
    /// ```
    pub fn set_step_budget(&mut self, steps: Option<u64>) {
        self.interp.control().steps_left = steps;
    }

    /// The steps left of this attachment's budget (None: no budget).
    pub fn step_budget(&mut self) -> Option<u64> {
        self.interp.control().steps_left
    }
}
