//! `stillpoint`: the Stillpoint Python runtime.
//!
//! The pipeline: source → [`compile`] (ruff's parser, scope analysis,
//! bytecode from the one instruction table in [`bytecode`]) → code objects
//! in the gc heap → the tier-0 interpreter ([`interp`]), one per thread,
//! each a `stillpoint-sync` mutator whose value and frame stacks are its
//! gc roots.
//!
//! - [`value::Value`]: the NaN-boxed 64-bit word (floats, 48-bit ints,
//!   immediates, heap pointers).
//! - [`object`]: `PyObject` (an atomic class word and an `ObjectData`
//!   payload; shared mutable payloads behind per-object locks — read the
//!   lock rule there).
//! - [`runtime::Runtime`]: world, heap, builtin types, builtins module.
//!
//! ```
//! let rt = stillpoint::Runtime::new();
//! assert_eq!(rt.run_source("x = 6 * 7\n", "<doc>"), stillpoint::Outcome::Completed);
//! ```
//!
//! # Embedding
//!
//! [`embed`] is the API for Rust programs: one runtime shared by many
//! threads, each running Python in parallel.
//!
//! ```
//! use stillpoint::{Object, Runtime};
//! let rt = Runtime::new();
//! let code = rt.compile("def work(n):\n    return sum(i * i for i in range(n))\n", "work.py")?;
//! let threads: Vec<_> = (0..4).map(|t| {
//!     let (rt, code) = (rt.clone(), code.clone());
//!     std::thread::spawn(move || rt.attach(|py| {
//!         let m = py.module(&format!("w{t}"))?;
//!         py.exec(&code, &m)?;
//!         m.get::<Object>(py, "work")?.call::<i64>(py, (1000 + t,))
//!     }))
//! }).collect();
//! for t in threads { println!("{}", t.join().unwrap()?); }
//! # Ok::<(), stillpoint::Error>(())
//! ```

pub mod builtins;
pub mod bytecode;
pub mod compile;
pub mod embed;
pub mod error;
pub mod events;
pub mod interp;
pub mod modules;
pub mod object;
pub mod runtime;
pub mod specialize;
pub mod tier2;
pub mod value;

pub use embed::{
    ClassBuilder, Code, DebugFrame, DebugThread, Error, ErrorKind, FrameInfo, FromPy, FromPyArgs,
    InterruptHandle, IntoPy, IntoPyArgs, Object, Python, RuntimeBuilder, TraceEvent,
    TracebackFrame,
};
pub use error::{PyErr, PyResult};
pub use runtime::{Outcome, Runtime};
pub use stillpoint_sync::{EventKind, Threshold};
pub use value::Value;
