//! `stillpoint-gc`: the Stillpoint heap.
//!
//! Not built yet: this crate is issue 3 (allocation and mark–sweep collection
//! run while the world is stopped through `stillpoint-sync`). It exists now
//! only so the workspace has the layout of `DESIGN.md` §1; it exports nothing.
