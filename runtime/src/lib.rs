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

pub mod builtins;
pub mod bytecode;
pub mod compile;
pub mod error;
pub mod events;
pub mod interp;
pub mod modules;
pub mod object;
pub mod runtime;
pub mod specialize;
pub mod value;

pub use error::{PyErr, PyResult};
pub use runtime::{Outcome, Runtime};
pub use value::Value;
