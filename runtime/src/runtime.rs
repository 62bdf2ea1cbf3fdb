//! [`Runtime`]: the world (sync), the heap (gc), the builtin types and
//! the builtins module, shared by every thread that runs Python.
//!
//! Nothing here is thread-local or global: a runtime is a `Send + Sync`
//! value, objects are shared through the heap, and each thread that runs
//! Python registers its own mutator and [`Interp`].

use std::collections::HashMap;
use std::io::{BufRead, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use stillpoint_gc::{Gc, Heap, HeapConfig, Trace};
use stillpoint_sync::{EventKind, Watchable, World, WorldConfig};

use crate::compile;
use crate::error::{format_syntax_error, PyErr};
use crate::events::DictWatcher;
use crate::interp::{Interp, NativeFn};
use crate::modules::random::RandomState;
use crate::modules::thread::ThreadRegistry;
use crate::object::{
    BuiltinFunction, Class, Dict, Layout, Module, NativeCode, ObjectData, PyObject, PyStr,
};
use crate::value::Value;

macro_rules! builtin_types {
    ($($field:ident = $name:literal),* $(,)?) => {
        /// The builtin classes (created once per runtime, rooted globally).
        #[derive(Clone, Copy)]
        #[allow(missing_docs)]
        pub struct Types {
            $(pub $field: Gc<PyObject>,)*
        }

        impl Types {
            fn all(&self) -> Vec<Gc<PyObject>> {
                vec![$(self.$field,)*]
            }
        }
    };
}

builtin_types! {
    object = "object", type_ = "type", int = "int", float = "float", str = "str", bool = "bool",
    none = "NoneType", list = "list", tuple = "tuple", dict = "dict", function = "function",
    builtin_function = "builtin_function_or_method", method = "method", module = "module",
    code = "code", range = "range", iterator = "iterator",
    // Language-helper hook (closures, slices, generators): types the interpreter creates.
    cell = "cell", slice = "slice", generator = "generator", frame = "frame",
    // Language hook (crate::object::set, crate::interp::lang): sets and descriptors.
    set = "set", frozenset = "frozenset", property = "property", staticmethod = "staticmethod",
    classmethod = "classmethod", not_implemented_type = "NotImplementedType",
    ellipsis_type = "ellipsis", super_ = "super", mappingproxy = "mappingproxy",
    member_descriptor = "member_descriptor",
    base_exception = "BaseException", exception = "Exception", type_error = "TypeError",
    value_error = "ValueError", name_error = "NameError", unbound_local_error = "UnboundLocalError",
    arithmetic_error = "ArithmeticError", zero_division_error = "ZeroDivisionError",
    overflow_error = "OverflowError", lookup_error = "LookupError", index_error = "IndexError",
    key_error = "KeyError", attribute_error = "AttributeError", runtime_error = "RuntimeError",
    recursion_error = "RecursionError", not_implemented_error = "NotImplementedError",
    assertion_error = "AssertionError", stop_iteration = "StopIteration",
    system_exit = "SystemExit", keyboard_interrupt = "KeyboardInterrupt",
    memory_error = "MemoryError",
    generator_exit = "GeneratorExit",
    import_error = "ImportError", module_not_found_error = "ModuleNotFoundError",
    syntax_error = "SyntaxError",
    // Builtins hook: lazy iterators and dict views (crate::builtins).
    zip = "zip", map = "map", filter = "filter", enumerate = "enumerate", reversed = "reversed",
    dict_keys = "dict_keys", dict_values = "dict_values", dict_items = "dict_items",
}

/// The names of the attribute hooks every instance attribute access
/// looks for, as strs made once (a lookup by a str value uses the class
/// dicts' hash index).
#[derive(Clone, Copy)]
pub(crate) struct HookNames {
    /// `__getattribute__`.
    pub getattribute: Value,
    /// `__setattr__`.
    pub setattr: Value,
    /// `__delattr__`.
    pub delattr: Value,
    /// `__hash__` (dict and set keys).
    pub hash: Value,
    /// `__eq__` (dict and set keys).
    pub eq: Value,
    /// `__slots__` (instances without an attribute dict).
    pub slots: Value,
    /// `__init__` (class instantiation).
    pub init: Value,
}

/// The default recursion limit (CPython's).
pub const DEFAULT_RECURSION_LIMIT: u32 = 1000;
/// The default [`RuntimeInner::native_stack_budget`]: safe on a 2 MiB thread.
pub const DEFAULT_NATIVE_STACK_BUDGET: usize = 1 << 20;

/// Where [`RuntimeInner::run_source`] ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The program ran to completion.
    Completed,
    /// An uncaught exception (or syntax error) was printed on stderr.
    UncaughtException,
    /// `SystemExit` ended the program with this exit status.
    Exit(i32),
}

/// A Python runtime: a cheap handle (an `Arc`) to the state every thread
/// that runs Python shares. `Send + Sync`; clones share one runtime. The
/// methods of [`RuntimeInner`] are reachable through `Deref`.
///
/// ```
/// let rt = stillpoint::Runtime::new();
/// let other = rt.clone();
/// std::thread::spawn(move || other.run_source("x = 1\n", "<t>")).join().unwrap();
/// ```
#[derive(Clone)]
pub struct Runtime(Arc<RuntimeInner>);

impl std::ops::Deref for Runtime {
    type Target = RuntimeInner;

    fn deref(&self) -> &RuntimeInner {
        &self.0
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").finish_non_exhaustive()
    }
}

impl Runtime {
    /// A runtime with the default heap configuration.
    pub fn new() -> Runtime {
        Runtime::with_heap_config(HeapConfig::default())
    }

    /// A runtime whose heap uses `config` (e.g. GC stress).
    pub fn with_heap_config(config: HeapConfig) -> Runtime {
        Runtime::with_configs(config, WorldConfig::new())
    }

    /// A runtime with a heap configuration and a world configuration
    /// (event thresholds); [`crate::RuntimeBuilder`] is the friendly way.
    pub fn with_configs(heap: HeapConfig, world: WorldConfig) -> Runtime {
        Runtime::assemble(heap, world, Default::default())
    }

    /// A runtime with every configuration (the builder's).
    pub(crate) fn assemble(
        heap: HeapConfig,
        world: WorldConfig,
        embed: crate::embed::EmbedConfig,
    ) -> Runtime {
        Runtime(Arc::new_cyclic(|this| {
            let mut inner = RuntimeInner::new(heap, world);
            inner.embed = embed;
            inner.this = this.clone();
            inner
        }))
    }

    /// Whether two handles name the same runtime.
    pub fn same_runtime(&self, other: &Runtime) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The state behind a [`Runtime`] handle: the world, the heap, the
/// builtin types and modules. Internal code borrows it as
/// `&RuntimeInner`; embedders use it through the handle.
pub struct RuntimeInner {
    /// Unique among the runtimes of the process (handles check it).
    pub(crate) id: u64,
    world: World,
    heap: Heap,
    pub(crate) types: Types,
    pub(crate) hook_names: HookNames,
    /// Interned identifier strings (names in code, identifier-like string
    /// constants): one object per spelling, so attribute and global lookups
    /// compare keys by identity. Roots, like CPython's interned strings.
    pub(crate) interned: Arc<Mutex<HashMap<Box<str>, Gc<PyObject>>>>,
    pub(crate) builtins: Gc<PyObject>,
    /// Module objects by name (rooted).
    modules: Arc<Mutex<HashMap<String, Gc<PyObject>>>>,
    /// Source texts by file name (for tracebacks).
    sources: Mutex<HashMap<Arc<str>, Arc<str>>>,
    stdout: Mutex<BufWriter<std::io::Stdout>>,
    stdout_is_terminal: bool,
    recursion_limit: AtomicU32,
    /// What the embedding API's builder set (crate::embed).
    embed: crate::embed::EmbedConfig,
    /// The handle's own `Arc`, weakly (Python threads take a handle, so the
    /// runtime outlives them).
    this: std::sync::Weak<RuntimeInner>,
    /// How many bytes of native stack nested dispatch loops (Rust code
    /// calling back into Python) may use below an interpreter's start.
    native_stack_budget: AtomicUsize,
    /// `sys.argv`.
    argv: Mutex<Vec<String>>,
    /// Where `import` looks for `.py` modules.
    search_path: Mutex<Vec<PathBuf>>,
    /// Python threads and the primitives of `_thread`.
    pub(crate) threads: Arc<ThreadRegistry>,
    /// The generator behind the `random` module.
    pub(crate) random: RandomState,
    /// Held while bases, MROs and subclass lists change (crate::events),
    /// never across a safepoint; counts those changes.
    pub(crate) class_hierarchy: Mutex<u64>,
    /// Every interpreter's stacks (for debuggers).
    pub(crate) stacks: crate::interp::StackRegistry,
    /// The frame-evaluation hook, if any, and whether there is one (the
    /// test every Python call makes).
    eval_frame_hook: parking_lot::RwLock<Option<crate::events::hooks::EvalFrameHook>>,
    has_eval_frame_hook: std::sync::atomic::AtomicBool,
    /// Whether threads specialize (`-X nospecialize` turns it off).
    specializing: std::sync::atomic::AtomicBool,
    /// Whether specialization statistics are collected (`-X stats`).
    collect_stats: std::sync::atomic::AtomicBool,
    /// The thread indices of thread-local bytecode.
    pub(crate) thread_indices: crate::specialize::ThreadIndexPool,
    /// The specialization statistics of finished interpreters.
    spec_totals: Mutex<crate::specialize::SpecializationStats>,
    /// Whether hot loops get tier-2 executors (`-X notier2` turns it off).
    tier2: std::sync::atomic::AtomicBool,
    /// The tier-2 statistics of finished interpreters.
    tier2_totals: Mutex<crate::tier2::Tier2Stats>,
    /// The builtins dict made at start-up and its watcher (the builtins a
    /// specialized global load caches, unless the dict is replaced).
    builtins_dict: Gc<PyObject>,
    builtins_watcher: Arc<DictWatcher>,
    /// The "all code" watch of the instrumentation event (tracing or
    /// profiling switched on in some thread).
    instrumentation: Watchable,
}

impl RuntimeInner {
    fn new(config: HeapConfig, world_config: WorldConfig) -> RuntimeInner {
        let world = World::with_config(world_config.lock_elision(true));
        let heap = Heap::new(&world, config);
        let m = world.register();
        m.attach();
        let th = heap.thread(&m);
        // Allocation never collects, and no safepoint is reached until the
        // global root below is installed, so the bootstrap needs no rooting.
        let alloc = |class: Option<Gc<PyObject>>, data: ObjectData| match class {
            Some(c) => th.alloc(PyObject::new(c, data)),
            None => th.alloc(PyObject::new_classless(data)),
        };
        // Bases and MROs are tuples, and `tuple` is itself a class: the
        // first three classes get classless tuples, fixed up below.
        let tuple_class: std::cell::Cell<Option<Gc<PyObject>>> = std::cell::Cell::new(None);
        let class_tuple = |classes: &[Gc<PyObject>]| {
            let items = classes.iter().map(|c| Value::object(*c)).collect();
            Value::object(alloc(tuple_class.get(), ObjectData::Tuple(items)))
        };
        let new_class =
            |name: &str, bases: &[Gc<PyObject>], layout: Layout, meta: Option<Gc<PyObject>>| {
                let mut mro_tail = Vec::new();
                if let Some(base) = bases.first() {
                    mro_tail.push(*base);
                    mro_tail.extend(
                        base.as_class()
                            .expect("bases are classes")
                            .mro_tail()
                            .iter(),
                    );
                }
                alloc(
                    meta,
                    ObjectData::Class(Box::new(Class::new(
                        name,
                        class_tuple(bases),
                        class_tuple(&mro_tail),
                        Dict::new(),
                        layout,
                        None,
                    ))),
                )
            };
        let object = new_class("object", &[], Layout::Instance, None);
        let type_ = new_class("type", &[object], Layout::Builtin, None);
        object.set_class(type_);
        type_.set_class(type_);
        let tuple = new_class("tuple", &[object], Layout::Builtin, Some(type_));
        for early in [object, type_, tuple] {
            let c = early.as_class().expect("a class");
            for list in [c.bases(), c.mro_tail()] {
                list.as_value()
                    .as_object()
                    .expect("a tuple")
                    .set_class(tuple);
            }
        }
        tuple_class.set(Some(tuple));
        let t = Some(type_);
        let b = |name: &str| new_class(name, &[object], Layout::Builtin, t);
        let int = b("int");
        let base_exception = new_class("BaseException", &[object], Layout::Exception, t);
        let exception = new_class("Exception", &[base_exception], Layout::Exception, t);
        let exc = |name: &str, base: Gc<PyObject>| new_class(name, &[base], Layout::Exception, t);
        let arithmetic_error = exc("ArithmeticError", exception);
        let lookup_error = exc("LookupError", exception);
        let name_error = exc("NameError", exception);
        let runtime_error = exc("RuntimeError", exception);
        let import_error = exc("ImportError", exception);
        let types = Types {
            object,
            type_,
            int,
            float: b("float"),
            str: b("str"),
            bool: new_class("bool", &[int], Layout::Builtin, t),
            none: b("NoneType"),
            list: new_class("list", &[object], Layout::List, t),
            tuple,
            dict: new_class("dict", &[object], Layout::Dict, t),
            function: b("function"),
            builtin_function: b("builtin_function_or_method"),
            method: b("method"),
            module: b("module"),
            code: b("code"),
            range: b("range"),
            iterator: b("iterator"),
            // Language-helper hook: see `builtin_types!`.
            cell: b("cell"),
            slice: b("slice"),
            generator: b("generator"),
            frame: b("frame"),
            set: b("set"),
            frozenset: b("frozenset"),
            property: b("property"),
            staticmethod: b("staticmethod"),
            classmethod: b("classmethod"),
            not_implemented_type: b("NotImplementedType"),
            ellipsis_type: b("ellipsis"),
            super_: b("super"),
            mappingproxy: b("mappingproxy"),
            member_descriptor: b("member_descriptor"),
            base_exception,
            exception,
            type_error: exc("TypeError", exception),
            value_error: exc("ValueError", exception),
            name_error,
            unbound_local_error: exc("UnboundLocalError", name_error),
            arithmetic_error,
            zero_division_error: exc("ZeroDivisionError", arithmetic_error),
            overflow_error: exc("OverflowError", arithmetic_error),
            lookup_error,
            index_error: exc("IndexError", lookup_error),
            key_error: exc("KeyError", lookup_error),
            attribute_error: exc("AttributeError", exception),
            runtime_error,
            recursion_error: exc("RecursionError", runtime_error),
            not_implemented_error: exc("NotImplementedError", runtime_error),
            assertion_error: exc("AssertionError", exception),
            stop_iteration: exc("StopIteration", exception),
            system_exit: exc("SystemExit", base_exception),
            keyboard_interrupt: exc("KeyboardInterrupt", base_exception),
            memory_error: exc("MemoryError", exception),
            generator_exit: exc("GeneratorExit", base_exception),
            import_error,
            module_not_found_error: exc("ModuleNotFoundError", import_error),
            syntax_error: exc("SyntaxError", exception),
            // Builtins hook: see `builtin_types!`. Views are instances
            // whose dunders are builtin methods (crate::builtins::dict).
            zip: b("zip"),
            map: b("map"),
            filter: b("filter"),
            enumerate: b("enumerate"),
            reversed: b("reversed"),
            dict_keys: new_class("dict_keys", &[object], Layout::Instance, t),
            dict_values: new_class("dict_values", &[object], Layout::Instance, t),
            dict_items: new_class("dict_items", &[object], Layout::Instance, t),
        };
        let str_value =
            |s: &str| Value::object(alloc(Some(types.str), ObjectData::Str(PyStr::new(s))));
        let native = |name: &'static str, func: NativeFn| {
            Value::object(alloc(
                Some(types.builtin_function),
                ObjectData::Builtin(BuiltinFunction {
                    name,
                    func: NativeCode::Fn(func),
                    bound: None,
                }),
            ))
        };
        // Class dicts: builtin methods, and `__name__`-less entries.
        // Language hook: set/frozenset and descriptor methods live in
        // crate::object::set and crate::interp.
        let mut all_methods = crate::builtins::type_methods(&types);
        all_methods.extend(crate::object::set::type_methods(&types));
        all_methods.extend(crate::interp::lang_type_methods(&types));
        for (class, methods) in all_methods {
            let Some(c) = class.as_class() else { continue };
            let mut dict = c.dict.lock();
            for (name, func) in methods {
                dict.insert(str_value(name), native(name, func))
                    .expect("str keys hash");
            }
        }
        // The builtins module.
        let builtins_watcher = Arc::new(DictWatcher::new(&world, EventKind::BuiltinModified));
        let builtins_dict = alloc(
            Some(types.dict),
            ObjectData::Dict(crate::object::Mutex::new(Dict::watched(
                builtins_watcher.clone(),
            ))),
        );
        {
            let ObjectData::Dict(d) = &builtins_dict.data else {
                unreachable!()
            };
            let mut d = d.lock();
            for (name, func) in crate::builtins::functions() {
                d.insert(str_value(name), native(name, func))
                    .expect("str keys hash");
            }
            for class in types.all() {
                let name = class.as_class().expect("a class").name.to_string();
                if !matches!(
                    name.as_str(),
                    "NoneType"
                        | "function"
                        | "builtin_function_or_method"
                        | "method"
                        | "module"
                        | "code"
                        | "frame"
                        | "iterator"
                        | "dict_keys"
                        | "dict_values"
                        | "dict_items"
                        | "NotImplementedType"
                        | "ellipsis"
                        | "mappingproxy"
                        | "member_descriptor"
                ) {
                    d.insert(str_value(&name), Value::object(class))
                        .expect("str keys hash");
                }
            }
            d.insert(str_value("__name__"), str_value("builtins"))
                .expect("str keys hash");
            // Language hook: the NotImplemented and Ellipsis singletons.
            for (name, class) in [
                ("NotImplemented", types.not_implemented_type),
                ("Ellipsis", types.ellipsis_type),
            ] {
                let singleton = alloc(
                    Some(class),
                    ObjectData::Instance(crate::object::InstanceAttrs::Dict(
                        crate::object::Mutex::new(Dict::new()),
                    )),
                );
                d.insert(str_value(name), Value::object(singleton))
                    .expect("str keys hash");
            }
            // Built: from now on every change is a builtin-modified event.
            d.watcher().expect("watched").activate();
        }
        let builtins = alloc(
            Some(types.module),
            ObjectData::Module(Module::new("builtins", builtins_dict, None)),
        );
        let hook_names = HookNames {
            getattribute: str_value("__getattribute__"),
            setattr: str_value("__setattr__"),
            delattr: str_value("__delattr__"),
            hash: str_value("__hash__"),
            eq: str_value("__eq__"),
            slots: str_value("__slots__"),
            init: str_value("__init__"),
        };
        let modules = Arc::new(Mutex::new(HashMap::new()));
        modules.lock().insert("builtins".to_string(), builtins);
        let roots = types.all();
        let modules_for_roots = modules.clone();
        let threads = Arc::new(ThreadRegistry::default());
        let threads_for_roots = threads.clone();
        let interned: Arc<Mutex<HashMap<Box<str>, Gc<PyObject>>>> = Default::default();
        let interned_for_roots = interned.clone();
        heap.add_global_root(move |tracer: &mut stillpoint_gc::Tracer| {
            // Never held across a safepoint.
            for s in interned_for_roots.lock().values() {
                tracer.mark(*s);
            }
            // The registry's lock is never held across a safepoint either.
            threads_for_roots.trace(tracer);
            for class in &roots {
                tracer.mark(*class);
            }
            // Kept even if the builtins module's dict is replaced: its
            // address identifies it (`Runtime::builtins_dict`).
            tracer.mark(builtins_dict);
            for name in [
                hook_names.getattribute,
                hook_names.setattr,
                hook_names.delattr,
                hook_names.hash,
                hook_names.eq,
                hook_names.slots,
                hook_names.init,
            ] {
                name.trace(tracer);
            }
            // The modules lock is never held across a safepoint.
            for module in modules_for_roots.lock().values() {
                tracer.mark(*module);
            }
        });
        drop(th);
        drop(m);
        let stdout = std::io::stdout();
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        RuntimeInner {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            world,
            heap,
            types,
            hook_names,
            interned,
            builtins,
            modules,
            sources: Mutex::new(HashMap::new()),
            stdout_is_terminal: stdout.is_terminal(),
            stdout: Mutex::new(BufWriter::with_capacity(1 << 16, stdout)),
            recursion_limit: AtomicU32::new(DEFAULT_RECURSION_LIMIT),
            embed: Default::default(),
            this: std::sync::Weak::new(),
            native_stack_budget: AtomicUsize::new(DEFAULT_NATIVE_STACK_BUDGET),
            argv: Mutex::new(Vec::new()),
            search_path: Mutex::new(Vec::new()),
            threads,
            class_hierarchy: Mutex::new(0),
            instrumentation: Watchable::new(EventKind::Instrumentation),
            specializing: std::sync::atomic::AtomicBool::new(true),
            collect_stats: std::sync::atomic::AtomicBool::new(false),
            thread_indices: Default::default(),
            spec_totals: Default::default(),
            tier2: std::sync::atomic::AtomicBool::new(true),
            tier2_totals: Default::default(),
            builtins_dict,
            builtins_watcher,
            stacks: Default::default(),
            eval_frame_hook: Default::default(),
            has_eval_frame_hook: Default::default(),
            random: RandomState::default(),
        }
    }

    /// The embedding API's settings (crate::embed).
    /// A handle to this runtime (`None` only while it is being dropped).
    pub(crate) fn handle(&self) -> Option<Runtime> {
        self.this.upgrade().map(Runtime)
    }

    pub(crate) fn embed_config(&self) -> &crate::embed::EmbedConfig {
        &self.embed
    }

    /// The world (mutator registry, pauses, events).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Turns specialization (tier 1) on or off for interpreters made from
    /// now on (`-X nospecialize`).
    pub fn set_specializing(&self, on: bool) {
        self.specializing.store(on, Ordering::Relaxed);
    }

    /// Whether new interpreters specialize.
    pub fn specializing(&self) -> bool {
        self.specializing.load(Ordering::Relaxed)
    }

    /// Collects specialization statistics in interpreters made from now on
    /// (`-X stats`, `--stats-json`).
    pub fn set_collect_stats(&self, on: bool) {
        self.collect_stats.store(on, Ordering::Relaxed);
    }

    /// Whether specialization statistics are collected.
    pub fn collects_stats(&self) -> bool {
        self.collect_stats.load(Ordering::Relaxed)
    }

    /// Adds a finished interpreter's specialization statistics.
    pub(crate) fn add_specialization_stats(&self, stats: &crate::specialize::SpecializationStats) {
        self.spec_totals.lock().merge(stats);
    }

    /// The specialization statistics of the interpreters that finished.
    pub fn specialization_stats(&self) -> crate::specialize::SpecializationStats {
        self.spec_totals.lock().clone()
    }

    /// Turns tier 2 on or off for interpreters made from now on
    /// (`-X notier2`). Tier 2 also needs specialization on.
    pub fn set_tier2(&self, on: bool) {
        self.tier2.store(on, Ordering::Relaxed);
    }

    /// Whether new interpreters build and run tier-2 executors.
    pub fn tier2(&self) -> bool {
        self.tier2.load(Ordering::Relaxed)
    }

    /// Adds a finished interpreter's tier-2 statistics.
    pub(crate) fn add_tier2_stats(&self, stats: &crate::tier2::Tier2Stats) {
        self.tier2_totals.lock().merge(stats);
    }

    /// The tier-2 statistics of the interpreters that finished.
    pub fn tier2_stats(&self) -> crate::tier2::Tier2Stats {
        self.tier2_totals.lock().clone()
    }

    /// The builtins dict, if it is still the one made at start-up.
    pub(crate) fn builtins_dict(&self) -> Option<Gc<PyObject>> {
        let ObjectData::Module(m) = &self.builtins.data else {
            return None;
        };
        (m.dict() == self.builtins_dict).then_some(self.builtins_dict)
    }

    /// The start-up builtins dict's watcher.
    #[inline]
    pub(crate) fn builtins_watcher(&self) -> &DictWatcher {
        &self.builtins_watcher
    }

    /// Stores the frame-evaluation hook (inside its event).
    pub(crate) fn store_eval_frame_hook(&self, hook: Option<crate::events::hooks::EvalFrameHook>) {
        self.has_eval_frame_hook
            .store(hook.is_some(), Ordering::Release);
        *self.eval_frame_hook.write() = hook;
    }

    /// Whether a frame-evaluation hook is set (one load: the test a
    /// specialized call makes).
    #[inline]
    pub(crate) fn has_eval_frame_hook(&self) -> bool {
        self.has_eval_frame_hook.load(Ordering::Acquire)
    }

    /// The frame-evaluation hook, if one is set.
    #[inline]
    pub(crate) fn eval_frame_hook(&self) -> Option<crate::events::hooks::EvalFrameHook> {
        if !self.has_eval_frame_hook.load(Ordering::Acquire) {
            return None;
        }
        self.eval_frame_hook.read().clone()
    }

    /// The watch of the instrumentation event for all code: executors that
    /// assume no thread traces or profiles depend on it.
    pub fn instrumentation(&self) -> &Watchable {
        &self.instrumentation
    }

    /// The heap.
    pub fn heap(&self) -> &Heap {
        &self.heap
    }

    /// The recursion limit (Python frames per thread).
    pub fn recursion_limit(&self) -> u32 {
        self.recursion_limit.load(Ordering::Relaxed)
    }

    /// Sets the recursion limit.
    pub fn set_recursion_limit(&self, limit: u32) {
        self.recursion_limit.store(limit.max(1), Ordering::Relaxed);
    }

    /// The native stack (bytes) that nested dispatch loops may use on a
    /// thread running Python before they raise RecursionError.
    pub fn native_stack_budget(&self) -> usize {
        self.native_stack_budget.load(Ordering::Relaxed)
    }

    /// Sets [`RuntimeInner::native_stack_budget`]. The default (1 MiB) is safe
    /// on any thread; raise it only for threads whose stacks are known to
    /// be larger (the `stillpoint` command runs Python on 256 MiB stacks).
    pub fn set_native_stack_budget(&self, bytes: usize) {
        self.native_stack_budget.store(bytes, Ordering::Relaxed);
    }

    /// Registers a module (rooted for the runtime's life).
    pub(crate) fn add_module(&self, name: &str, module: Gc<PyObject>) {
        self.modules.lock().insert(name.to_string(), module);
    }

    /// A registered module.
    pub(crate) fn module(&self, name: &str) -> Option<Gc<PyObject>> {
        self.modules.lock().get(name).copied()
    }

    /// Forgets a module (its import failed).
    pub(crate) fn remove_module(&self, name: &str) {
        self.modules.lock().remove(name);
    }

    /// Every registered module, by name.
    pub(crate) fn module_list(&self) -> Vec<(String, Gc<PyObject>)> {
        let mut list: Vec<_> = self
            .modules
            .lock()
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        list.sort_by(|a, b| a.0.cmp(&b.0));
        list
    }

    /// Sets `sys.argv` (the script name first).
    pub fn set_argv(&self, argv: Vec<String>) {
        *self.argv.lock() = argv;
    }

    /// `sys.argv`.
    pub fn argv(&self) -> Vec<String> {
        self.argv.lock().clone()
    }

    /// The directories `import` searches for `.py` modules.
    pub fn search_path(&self) -> Vec<PathBuf> {
        self.search_path.lock().clone()
    }

    /// Adds a directory to the module search path.
    pub fn add_search_path(&self, dir: PathBuf) {
        let mut path = self.search_path.lock();
        if !path.contains(&dir) {
            path.push(dir);
        }
    }

    /// Remembers a file's source for tracebacks. Pseudo-files (`<string>`,
    /// `<stdin>`: names in angle brackets) are not remembered: CPython's
    /// tracebacks show no source lines for them.
    pub(crate) fn add_source(&self, filename: &Arc<str>, source: &str) {
        if filename.starts_with('<') && filename.ends_with('>') {
            return;
        }
        self.sources
            .lock()
            .insert(filename.clone(), Arc::from(source));
    }

    /// Line `line` (1-based) of a remembered source.
    pub(crate) fn source_line(&self, filename: &str, line: u32) -> Option<String> {
        let sources = self.sources.lock();
        let text = sources.get(filename)?;
        text.lines()
            .nth((line as usize).checked_sub(1)?)
            .map(str::to_string)
    }

    /// Writes to stdout (atomically: one lock per call).
    pub fn write_stdout(&self, text: &str) {
        let mut out = self.stdout.lock();
        let _ = out.write_all(text.as_bytes());
        if self.stdout_is_terminal {
            let _ = out.flush();
        }
    }

    /// Flushes stdout.
    pub fn flush_stdout(&self) {
        let _ = self.stdout.lock().flush();
    }

    /// Runs `f` with a raw interpreter for the calling thread, attached to
    /// the world while `f` runs (the runtime's own tests; embedders use
    /// [`Runtime::attach`] and its [`crate::Python`] token). Unlike
    /// `attach`, the calling thread must not be attached already (the
    /// outer attachment would never reach a safepoint, and pauses would
    /// wait for it forever).
    pub fn attach_interp<R>(&self, f: impl FnOnce(&mut Interp<'_>) -> R) -> R {
        let m = self.world.register();
        m.attach();
        let attachment = crate::embed::enter_attachment(&m);
        let th = self.heap.thread(&m);
        let mut interp = Interp::new(self, th);
        let result = f(&mut interp);
        drop(interp);
        drop(attachment);
        drop(m);
        result
    }

    /// Compiles and runs `source` as the `__main__` module on the calling
    /// thread (which becomes a mutator for the duration). An uncaught
    /// exception or syntax error is printed on stderr in CPython's format.
    pub fn run_source(&self, source: &str, filename: &str) -> Outcome {
        let filename: Arc<str> = Arc::from(filename);
        self.add_source(&filename, source);
        let compiled = match compile::compile_module(source) {
            Ok(c) => c,
            Err(e) => {
                self.flush_stdout();
                eprint!("{}", format_syntax_error(&filename, &e));
                return Outcome::UncaughtException;
            }
        };
        // Modules beside the script are importable.
        let script = std::path::Path::new(&*filename);
        if script.is_file() {
            if let Some(dir) = script.parent() {
                self.add_search_path(dir.to_path_buf());
            }
        }
        self.session(
            |interp| match interp.run_module(&compiled, "__main__", &filename) {
                Ok(()) => Outcome::Completed,
                Err(err) => self.uncaught(interp, err),
            },
        )
    }

    /// The interactive prompt, reading inputs from `input` until its end
    /// (then [`Outcome::Completed`]) or a `SystemExit`. Every input runs
    /// in module `__main__` (kept from an earlier [`RuntimeInner::run_source`],
    /// as `-i` wants); expression statements print their repr; an uncaught
    /// exception prints its traceback and the prompt goes on. The prompts
    /// `>>> ` and `... ` go to stderr, as CPython writes them when it
    /// reads without readline; the caller prints any banner.
    pub fn run_repl(&self, input: &mut dyn BufRead) -> Outcome {
        let filename: Arc<str> = Arc::from("<stdin>");
        self.session(|interp| loop {
            let Some(source) = self.read_interactive_input(interp, input) else {
                return Outcome::Completed;
            };
            let compiled = match compile::compile_interactive(&source) {
                Ok(c) => c,
                Err(e) => {
                    self.flush_stdout();
                    eprint!("{}", format_syntax_error(&filename, &e));
                    continue;
                }
            };
            if let Err(err) = interp.run_in_main(&compiled, &filename) {
                let outcome = self.uncaught(interp, err);
                if let Outcome::Exit(_) = outcome {
                    return outcome;
                }
            }
            self.flush_stdout();
        })
    }

    /// Reads one complete interactive input (a simple statement, or a
    /// compound one ended by a blank line), prompting on stderr; None at
    /// the end of `input` with nothing pending. The thread is detached
    /// while it waits, so other threads' pauses do not wait for it.
    fn read_interactive_input(
        &self,
        interp: &mut Interp<'_>,
        input: &mut dyn BufRead,
    ) -> Option<String> {
        let mut buffer = String::new();
        loop {
            self.flush_stdout();
            eprint!("{}", if buffer.is_empty() { ">>> " } else { "... " });
            let mut line = String::new();
            let read = interp.detached(|| input.read_line(&mut line));
            if !matches!(read, Ok(n) if n > 0) {
                // As CPython: the end of the input ends the prompt's line
                // and runs whatever is pending.
                eprintln!();
                return (!buffer.trim().is_empty()).then_some(buffer);
            }
            let blank = line.trim().is_empty();
            if buffer.is_empty() && blank {
                continue;
            }
            buffer.push_str(&line);
            if !line.ends_with('\n') {
                // The input ended inside this line: CPython prompts once
                // more before it sees the end.
                buffer.push('\n');
                continue;
            }
            if blank || !compile::needs_more_input(&buffer) {
                return Some(buffer);
            }
        }
    }

    /// Runs `body` with the calling thread as a mutator and an
    /// interpreter; then waits for the Python threads it started.
    fn session(&self, body: impl FnOnce(&mut Interp<'_>) -> Outcome) -> Outcome {
        self.threads.enter_source();
        let m = self.world.register();
        m.attach();
        let attachment = crate::embed::enter_attachment(&m);
        let th = self.heap.thread(&m);
        let mut interp = Interp::new(self, th);
        let outcome = body(&mut interp);
        drop(interp);
        drop(attachment);
        drop(m);
        // The main thread waits for the other threads (detached: its
        // mutator is gone, so their pauses never wait for it).
        self.threads.leave_source();
        self.flush_stdout();
        outcome
    }

    /// Reports an exception that reached the top level: a `SystemExit`
    /// gives its exit status, anything else prints its traceback.
    fn uncaught(&self, interp: &mut Interp<'_>, err: PyErr) -> Outcome {
        let mark = interp.push_root(err.0);
        let outcome = if interp.isinstance(err.0, self.types.system_exit) {
            self.system_exit_status(interp, err.0)
        } else {
            let text = interp.format_exception(err);
            self.flush_stdout();
            eprint!("{text}");
            Outcome::UncaughtException
        };
        interp.truncate_roots(mark);
        outcome
    }

    /// The exit status for an uncaught `SystemExit` (CPython's rules: None
    /// is 0, an int is itself, anything else is printed and gives 1).
    fn system_exit_status(&self, interp: &mut Interp<'_>, exc: Value) -> Outcome {
        let args = match exc.data() {
            Some(ObjectData::Exception(e)) => *e.args.lock(),
            _ => Value::NONE,
        };
        let code = match args.data() {
            Some(ObjectData::Tuple(items)) if items.len() == 1 => items[0],
            Some(ObjectData::Tuple(items)) if items.is_empty() => Value::NONE,
            _ => args,
        };
        if code.is_none() {
            return Outcome::Exit(0);
        }
        if let Some(n) = interp.as_i64(code) {
            return Outcome::Exit(n as i32);
        }
        let text = interp.str(code).unwrap_or_default();
        self.flush_stdout();
        eprintln!("{text}");
        Outcome::Exit(1)
    }
}

impl RuntimeInner {
    /// The runtime's statistics as JSON: `specialization` (empty until the
    /// specializing tier exists), `executors`, `events`, `pauses` (sync)
    /// and `gc` (the heap).
    pub fn stats_json(&self) -> String {
        let sync = self.world.stats();
        let gc = self.heap.stats();
        let percentiles = |p: &stillpoint_sync::Percentiles| {
            format!(
                "{{\"p50_ns\": {}, \"p99_ns\": {}, \"max_ns\": {}}}",
                p.p50, p.p99, p.max
            )
        };
        let e = &sync.executors;
        let executors = format!(
            "{{\"created\": {}, \"installed\": {}, \"install_failed\": {}, \"unlinked\": {}, \"retired\": {}, \"freed\": {}, \"live\": {}, \"pending_reclamation\": {}}}",
            e.created, e.installed, e.install_failed, e.unlinked, e.retired, e.freed, e.live, e.pending_reclamation
        );
        let events: Vec<String> = sync
            .events
            .iter()
            .map(|ev| {
                format!(
                    "{{\"kind\": \"{:?}\", \"threshold\": \"{:?}\", \"invalidating_fires\": {}, \"executors_invalidated\": {}, \"threshold_reached\": {}}}",
                    ev.kind, ev.threshold, ev.invalidating_fires, ev.executors_invalidated, ev.threshold_reached
                )
            })
            .collect();
        let pause = |p: &stillpoint_sync::PauseStats| {
            format!(
                "\"count\": {}, \"time_to_safepoint\": {}, \"length\": {}",
                p.count,
                percentiles(&p.time_to_safepoint),
                percentiles(&p.length)
            )
        };
        let by_cause: Vec<String> = sync
            .pauses_by_cause
            .iter()
            .map(|(cause, p)| {
                format!(
                    "{{\"cause\": \"{}\", {}}}",
                    pause_cause_name(*cause),
                    pause(p)
                )
            })
            .collect();
        let pauses = format!(
            "{{{}, \"by_cause\": [{}]}}",
            pause(&sync.pauses),
            by_cause.join(", ")
        );
        let gc = format!(
            "{{\"collections\": {}, \"collections_skipped\": {}, \"objects_freed\": {}, \"bytes_freed\": {}, \"heap_size\": {}, \"live_bytes\": {}, \"large_objects\": {}}}",
            gc.collections, gc.collections_skipped, gc.objects_freed, gc.bytes_freed, gc.heap_size, gc.live_bytes, gc.large_objects
        );
        let tier2: Vec<String> = self
            .tier2_stats()
            .fields()
            .iter()
            .map(|(name, n)| format!("\"{name}\": {n}"))
            .collect();
        let spec = self.specialization_stats();
        let families: Vec<String> = spec
            .families()
            .iter()
            .map(|(name, f)| {
                let reasons: Vec<String> = f
                    .failures
                    .iter()
                    .map(|(r, n)| format!("{{\"reason\": \"{r}\", \"count\": {n}}}"))
                    .collect();
                format!(
                    "\"{name}\": {{\"executions\": {}, \"hits\": {}, \"misses\": {}, \"generic\": {}, \"hit_rate\": {:.4}, \"specialized\": {}, \"deopts\": {}, \"refills\": {}, \"failures\": [{}]}}",
                    f.hits + f.misses + f.generic,
                    f.hits,
                    f.misses,
                    f.generic,
                    f.hit_rate(),
                    f.specialized,
                    f.deopts(),
                    f.refills,
                    reasons.join(", ")
                )
            })
            .collect();
        format!(
            "{{\"specialization\": {{{}}}, \"executors\": {executors}, \"tier2\": {{{}}}, \"events\": [{}], \"pauses\": {pauses}, \"gc\": {gc}}}\n",
            families.join(", "),
            tier2.join(", "),
            events.join(", ")
        )
    }

    /// A readable summary of [`RuntimeInner::stats_json`]'s data (`-X stats`).
    pub fn stats_summary(&self) -> String {
        let sync = self.world.stats();
        let gc = self.heap.stats();
        let e = &sync.executors;
        let mut out = String::from("stillpoint statistics\n");
        let spec = self.specialization_stats();
        let families = spec.families();
        if families.is_empty() {
            out.push_str("  specialization: nothing specializable ran (or -X nospecialize)\n");
        }
        for (name, f) in families {
            let mut reasons = f.failures.clone();
            reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
            let top: Vec<String> = reasons
                .iter()
                .take(3)
                .map(|(r, n)| format!("{r} ×{n}"))
                .collect();
            out.push_str(&format!(
                "  specialization {name}: {} executions, hit rate {:.1}%, {} misses, {} deopts, {} specialized{}\n",
                f.hits + f.misses + f.generic,
                100.0 * f.hit_rate(),
                f.misses,
                f.deopts(),
                f.specialized,
                if top.is_empty() {
                    String::new()
                } else {
                    format!(" (failures: {})", top.join(", "))
                }
            ));
        }
        out.push_str(&format!(
            "  executors: created {}, installed {}, install failed {}, live {}, freed {}\n",
            e.created, e.installed, e.install_failed, e.live, e.freed
        ));
        let t2 = self.tier2_stats();
        out.push_str(&format!(
            "  tier 2: {} entries ({} found their executor gone), {} exits (guard {}, branch {}, jump {}, invalidated {}, error {}, end {}), {} micro-ops run\n",
            t2.entries, t2.entry_misses, t2.exits(), t2.exits_guard, t2.exits_branch, t2.exits_jump,
            t2.exits_invalidated, t2.exits_error, t2.exits_end, t2.uops
        ));
        let installed = (t2.projected - t2.install_failed).max(1);
        out.push_str(&format!(
            "  tier 2: {} projected ({} failed to project, {} refused by install, {} rebuilt after hot exits), average trace {:.1} micro-ops over {:.1} instructions, {} guards removed, {} globals made constant, {} calls inlined\n",
            t2.projected, t2.projection_failed, t2.install_failed, t2.rebuilt,
            t2.trace_uops as f64 / installed as f64,
            t2.trace_instructions as f64 / installed as f64,
            t2.guards_removed, t2.globals_constant, t2.calls_inlined
        ));
        for (title, counts) in [
            (
                "tier 2 steps (tier-1 forms run inside executors)",
                t2.top_steps(8),
            ),
            ("tier 2 micro-ops run, most first", t2.top_uops(10)),
        ] {
            if !counts.is_empty() {
                let listed: Vec<String> = counts
                    .iter()
                    .map(|(name, n)| format!("{name} ×{n}"))
                    .collect();
                out.push_str(&format!("  {title}: {}\n", listed.join(", ")));
            }
        }
        for ev in &sync.events {
            let threshold = match ev.threshold {
                stillpoint_sync::Threshold::After(n) => n.to_string(),
                stillpoint_sync::Threshold::Never => "never".to_string(),
            };
            out.push_str(&format!(
                "  event {}: {} invalidating fires (threshold {threshold}{}), {} executors invalidated\n",
                ev.kind.name(),
                ev.invalidating_fires,
                if ev.threshold_reached { ", reached" } else { "" },
                ev.executors_invalidated
            ));
        }
        out.push_str(&format!(
            "  pauses: {} (time to safepoint p50 {} ns, max {} ns; length p50 {} ns, max {} ns)\n",
            sync.pauses.count,
            sync.pauses.time_to_safepoint.p50,
            sync.pauses.time_to_safepoint.max,
            sync.pauses.length.p50,
            sync.pauses.length.max
        ));
        for (cause, p) in &sync.pauses_by_cause {
            out.push_str(&format!(
                "    {}: {} (time to safepoint p50 {} ns, p99 {} ns; length p50 {} ns, p99 {} ns)\n",
                pause_cause_name(*cause),
                p.count,
                p.time_to_safepoint.p50,
                p.time_to_safepoint.p99,
                p.length.p50,
                p.length.p99
            ));
        }
        out.push_str(&format!(
            "  gc: {} collections, {} objects freed, heap {} bytes, live {} bytes\n",
            gc.collections, gc.objects_freed, gc.heap_size, gc.live_bytes
        ));
        out
    }
}

/// The statistics' name of a pause cause.
fn pause_cause_name(cause: stillpoint_sync::PauseCause) -> String {
    match cause {
        stillpoint_sync::PauseCause::Event(kind) => format!("event:{}", kind.name()),
        stillpoint_sync::PauseCause::Collection => "collection".to_string(),
        stillpoint_sync::PauseCause::SoloEnd => "end of solo mode".to_string(),
        stillpoint_sync::PauseCause::Other => "other".to_string(),
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::new()
    }
}
