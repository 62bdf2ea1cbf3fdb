//! The embedding API: Rust programs that share one runtime between their
//! threads and run Python on all of them at once.
//!
//! - [`Runtime`] (`Send + Sync`, cheap to clone; [`RuntimeBuilder`]) and
//!   [`Runtime::attach`], which gives the calling thread a [`Python`]
//!   token for the length of a closure. The token cannot leave it, and
//!   [`Python::detach`] lets the thread block without stalling pauses.
//! - [`Code`]: source compiled once, run on any thread
//!   ([`Python::exec`], [`Python::run`], [`Python::eval`]).
//! - [`Object`]: a handle to a Python object, `Send + Sync`, kept alive
//!   until its last clone drops; [`IntoPy`]/[`FromPy`] convert values.
//! - [`Python::function`] and [`Python::class`]: Rust closures and host
//!   data as Python functions and classes.
//! - [`Error`]: an exception's type, message and traceback; `Display`
//!   prints CPython's format, and native functions raise by returning one.
//! - Control: [`InterruptHandle`], step budgets
//!   ([`Python::set_step_budget`]), a heap limit
//!   ([`RuntimeBuilder::heap_limit`]).
//! - The rare-event hooks ([`Python::set_eval_frame_hook`],
//!   [`Python::replace_module_dict`], [`Python::threads`],
//!   [`Python::get_local`], [`Python::set_local`], [`Python::set_trace`]).
//!
//! # The thread model
//!
//! Each attached thread is a mutator of the runtime's world: it runs
//! without a global lock and stops only at safepoints (loop iterations and
//! calls), for the rare pauses (collections, rare events). Attaching,
//! detaching and pauses are the `stillpoint-sync` protocol; the only way
//! to stall them is to block while attached (see [`Runtime::attach`]).

mod control;
mod convert;
mod debug;
mod error;
mod function;
mod object;
mod python;
mod runtime;

pub use control::InterruptHandle;
pub use convert::{FromPy, FromPyArgs, IntoPy, IntoPyArgs};
pub use debug::{DebugFrame, DebugThread, FrameInfo, TraceEvent};
pub use error::{Error, ErrorKind, TracebackFrame};
pub(crate) use function::construct_native;
pub use function::ClassBuilder;
pub use object::Object;
pub(crate) use python::enter_attachment;
pub use python::{Code, Python};
pub(crate) use runtime::EmbedConfig;
pub use runtime::RuntimeBuilder;

pub use crate::runtime::Runtime;

// The types that cross threads, pinned.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<Runtime>();
    shared::<Code>();
    shared::<Object>();
    shared::<Error>();
    shared::<InterruptHandle>();
    shared::<RuntimeBuilder>();
};
