//! `stillpoint`: the Stillpoint Python runtime.
//!
//! Not built yet: this crate is issue 4 (front end, compiler, object model,
//! interpreter, command line). It exists now only so the workspace has the
//! layout of `DESIGN.md` §1; it exports nothing.
