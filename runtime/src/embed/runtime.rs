//! Building a [`Runtime`] for embedding.

use stillpoint_gc::HeapConfig;
use stillpoint_sync::{EventKind, Threshold, WorldConfig};

use crate::runtime::Runtime;

/// What the embedding API keeps in the runtime (set by the builder).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EmbedConfig {
    /// Every attachment's initial step budget.
    pub(crate) step_budget: Option<u64>,
}

/// Configures a [`Runtime`]: `Runtime::builder()....build()`.
///
/// ```
/// use stillpoint::{EventKind, Runtime, Threshold};
/// let rt = Runtime::builder()
///     .recursion_limit(200)
///     .threshold(EventKind::ClassAttrSet, Threshold::After(10))
///     .gc_initial_budget(4 << 20)
///     .heap_limit(256 << 20)
///     .instruction_budget(1_000_000)
///     .build();
/// let depth: i64 = rt
///     .attach(|py| py.import("sys")?.call_method(py, "getrecursionlimit", ()))
///     .unwrap();
/// assert_eq!(depth, 200);
/// ```
#[derive(Clone, Debug, Default)]
pub struct RuntimeBuilder {
    heap: HeapConfig,
    world: WorldConfig,
    recursion_limit: Option<u32>,
    specialize: Option<bool>,
    embed: EmbedConfig,
}

impl Runtime {
    /// A builder with the defaults of [`Runtime::new`].
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder::default()
    }
}

impl RuntimeBuilder {
    /// The most nested Python calls (RecursionError beyond); default 1000.
    pub fn recursion_limit(mut self, limit: u32) -> Self {
        self.recursion_limit = Some(limit);
        self
    }

    /// How many times an event kind may fire before optimized code stops
    /// assuming it (see `stillpoint_sync::EventKind`).
    pub fn threshold(mut self, kind: EventKind, threshold: Threshold) -> Self {
        self.world = self.world.threshold(kind, threshold);
        self
    }

    /// Whether threads specialize their bytecode (tier 1; default on).
    /// Off runs tier 0 only, as `stillpoint -X nospecialize` does.
    ///
    /// ```
    /// let rt = stillpoint::Runtime::builder().specialize(false).build();
    /// assert!(!rt.specializing());
    /// let n: i64 = rt.attach(|py| py.eval("sum(range(100))")).unwrap();
    /// assert_eq!(n, 4950);
    /// ```
    pub fn specialize(mut self, on: bool) -> Self {
        self.specialize = Some(on);
        self
    }

    /// The heap size that requests the first collection, per thread
    /// (default 512 KiB; see `HeapConfig::initial_budget`).
    pub fn gc_initial_budget(mut self, bytes: usize) -> Self {
        self.heap = self.heap.initial_budget(bytes);
        self
    }

    /// A soft limit on live heap bytes: a collection that leaves more
    /// raises `MemoryError` in the thread that ran it (the objects stay;
    /// once the program drops them, work goes on) instead of growing
    /// until the process aborts.
    ///
    /// ```
    /// let rt = stillpoint::Runtime::builder().heap_limit(16 << 20).build();
    /// let survived: String = rt.attach(|py| {
    ///     py.run("big = []\ntry:\n    while True:\n        big.append([0] * 100)\nexcept MemoryError:\n    big = None\n    outcome = 'MemoryError caught'\n")?;
    ///     py.eval("outcome")
    /// }).unwrap();
    /// assert_eq!(survived, "MemoryError caught");
    /// ```
    pub fn heap_limit(mut self, bytes: usize) -> Self {
        self.heap = self.heap.limit(Some(bytes));
        self
    }

    /// Every attachment's initial step budget ([`crate::Python::set_step_budget`]).
    pub fn instruction_budget(mut self, steps: u64) -> Self {
        self.embed.step_budget = Some(steps);
        self
    }

    /// Collect at every safepoint after an allocation (testing).
    pub fn gc_stress(mut self, on: bool) -> Self {
        self.heap = self.heap.gc_stress(on);
        self
    }

    /// Makes the runtime.
    pub fn build(self) -> Runtime {
        let rt = Runtime::assemble(self.heap, self.world, self.embed);
        if let Some(limit) = self.recursion_limit {
            rt.set_recursion_limit(limit);
        }
        if let Some(on) = self.specialize {
            rt.set_specializing(on);
        }
        rt
    }
}
