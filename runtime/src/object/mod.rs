//! The object model: every heap value is a [`PyObject`] in the gc heap.
//!
//! A `PyObject` is its class (an atomic word: `__class__` assignment will
//! be an event) and its [`ObjectData`]. Immutable payloads (str, tuple, big
//! int, code, function) need no lock; shared mutable payloads (list items,
//! dict entries, instance and class attributes) sit behind a per-object
//! `parking_lot::Mutex`, so every builtin container operation is atomic
//! (DESIGN §3.6). The slots of a `__slots__` instance are the exception:
//! they never move, so each is an atomic word of its own
//! ([`InstanceAttrs::Slots`]).
//!
//! # The lock rule
//!
//! **Never hold an object lock across a safepoint or across a call into
//! Python code.** Copy the values out (they are `Copy` words) and release
//! the lock first. The collector locks objects to trace them while the
//! world is stopped; a mutator parked while holding one would deadlock the
//! pause, and Python code may reach a safepoint anywhere.

pub(crate) mod atomic_buffer;
pub mod dict;
pub mod generator;
pub mod iterator;
pub mod list_items;
pub mod lock;
pub mod native;
pub mod range;
pub mod repr;
pub mod set;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub use list_items::ListItems;
pub use lock::Mutex;
use num_bigint::BigInt;
use stillpoint_gc::{Gc, Trace, Tracer};
use stillpoint_sync::{EventKind, Watchable};

use crate::bytecode::CodeObject;
use crate::events::VersionTag;
use crate::interp::NativeFn;
use crate::value::{AtomicValue, Value};

pub use dict::Dict;
pub use generator::{GenStatus, Generator};
pub use iterator::IteratorData;
pub use range::Range;
pub use set::SetTable;

/// A heap object: its class and its payload.
pub struct PyObject {
    /// The class, as the raw address of a `Gc<PyObject>` (0 only while the
    /// bootstrap builds `type` itself).
    class: AtomicU64,
    /// The payload.
    pub data: ObjectData,
}

impl PyObject {
    /// A new object of `class`.
    pub fn new(class: Gc<PyObject>, data: ObjectData) -> PyObject {
        PyObject {
            class: AtomicU64::new(class.into_raw() as u64),
            data,
        }
    }

    /// An object whose class is set later with [`PyObject::set_class`]
    /// (only the bootstrap of `type` and `object` needs this).
    pub(crate) fn new_classless(data: ObjectData) -> PyObject {
        PyObject {
            class: AtomicU64::new(0),
            data,
        }
    }

    /// The object's class.
    #[inline]
    pub fn class(&self) -> Gc<PyObject> {
        let raw = self.class.load(Ordering::Acquire);
        debug_assert!(raw != 0, "an object's class is set before it is used");
        // SAFETY: the word always holds the address of a live class object
        // (set from a `Gc<PyObject>`), which the trace below keeps alive.
        unsafe { Gc::from_raw(raw as *const ()) }
    }

    /// Sets the object's class.
    pub fn set_class(&self, class: Gc<PyObject>) {
        self.class.store(class.into_raw() as u64, Ordering::Release);
    }

    /// The class payload, if this object is a class.
    pub fn as_class(&self) -> Option<&Class> {
        match &self.data {
            ObjectData::Class(c) => Some(c),
            _ => None,
        }
    }

    /// The payload builtin operations work on: the list or dict inside an
    /// instance of a user subclass of `list` or `dict`, else the payload
    /// itself. (Operators check the subclass's Python overrides first.)
    #[inline]
    pub fn builtin_data(&self) -> &ObjectData {
        match &self.data {
            ObjectData::Subclassed(s) => &s.base,
            data => data,
        }
    }

    /// The items of a list, or of an instance of a list subclass.
    #[inline]
    pub fn list_items(&self) -> Option<&Mutex<ListItems>> {
        match self.builtin_data() {
            ObjectData::List(items) => Some(items),
            _ => None,
        }
    }

    /// The table of a dict: a dict's own (also inside an instance of a
    /// dict subclass), or the attribute table an `AttrDict` view shows.
    pub fn dict_table(&self) -> Option<&Mutex<Dict>> {
        match self.builtin_data() {
            ObjectData::Dict(d) => Some(d),
            ObjectData::AttrDict(owner) => owner.attribute_table(),
            _ => None,
        }
    }

    /// `dict_table`, except for read-only views (`C.__dict__`).
    pub fn dict_table_mut(&self) -> Option<&Mutex<Dict>> {
        match &self.data {
            ObjectData::AttrDict(owner) if owner.as_class().is_some() => None,
            _ => self.dict_table(),
        }
    }

    /// The table of the object's own attributes (what `__dict__` shows),
    /// if it has one.
    pub fn attribute_table(&self) -> Option<&Mutex<Dict>> {
        match &self.data {
            ObjectData::Instance(attrs) => attrs.dict(),
            ObjectData::Exception(e) => Some(&e.dict),
            ObjectData::Function(f) => Some(&f.attrs),
            ObjectData::Class(c) => Some(&c.dict),
            ObjectData::Subclassed(s) => Some(&s.attrs),
            _ => None,
        }
    }

    /// The string, if this object is a str.
    pub fn as_str(&self) -> Option<&PyStr> {
        match &self.data {
            ObjectData::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl std::fmt::Debug for PyObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PyObject@{:p}", self)
    }
}

// SAFETY: traces the class word and every pointer of the payload. Locks
// taken here are object locks, which no mutator holds at a safepoint (the
// lock rule in the module docs).
unsafe impl Trace for PyObject {
    fn trace(&self, tracer: &mut Tracer) {
        let raw = self.class.load(Ordering::Relaxed);
        if raw != 0 {
            // SAFETY: see `PyObject::class`.
            tracer.mark(unsafe { Gc::<PyObject>::from_raw(raw as *const ()) });
        }
        self.data.trace(tracer);
    }
}

/// The payload of a heap object.
pub enum ObjectData {
    /// An int outside the inline range (always: inline ints never live here).
    Int(BigInt),
    /// A str.
    Str(PyStr),
    /// A tuple.
    Tuple(Box<[Value]>),
    /// A list.
    List(Mutex<ListItems>),
    /// A dict.
    Dict(Mutex<Dict>),
    /// A Python function (boxed, as a class and an exception are: they
    /// are the large payloads, and an unboxed one would make every object,
    /// a float or a tuple too, as large).
    Function(Box<Function>),
    /// A function written in Rust.
    Builtin(BuiltinFunction),
    /// A method bound to its receiver.
    BoundMethod {
        /// The function.
        func: Value,
        /// The receiver (`self`).
        receiver: Value,
    },
    /// A class.
    Class(Box<Class>),
    /// An instance of a user class.
    Instance(InstanceAttrs),
    /// An exception instance.
    Exception(Box<ExceptionData>),
    /// A module.
    Module(Module),
    /// A code object.
    Code(Box<CodeObject>),
    /// A range.
    Range(Range),
    /// An iterator over a builtin container.
    Iterator(IteratorData),
    /// A closure cell (a variable shared with nested functions);
    /// `Value::UNBOUND` while empty. One word, read and written without a
    /// lock (as CPython's free-threaded cells: a load or a store is atomic,
    /// a deletion swaps).
    Cell(crate::value::AtomicValue),
    /// A slice (`start`, `stop`, `step`; None where omitted).
    Slice([Value; 3]),
    /// A generator: a suspended frame.
    Generator(Generator),
    /// A set or frozenset (the table says which).
    Set(Mutex<SetTable>),
    /// A `property`, `staticmethod` or `classmethod` object.
    Descriptor(Descriptor),
    /// A frame as trace and profile functions see it.
    Frame(FrameObject),
    /// The attribute table of another object (an instance, exception,
    /// function or class), seen as a dict: `obj.__dict__` and `vars(obj)`
    /// (class `dict`, live and writable), `C.__dict__` (class
    /// `mappingproxy`, read-only).
    AttrDict(Gc<PyObject>),
    /// An instance of a user subclass of `list` or `dict`.
    Subclassed(Box<SubclassedBuiltin>),
    /// An instance of a native class (crate::embed): the host's data,
    /// which holds no heap pointers (a host value that keeps Python
    /// objects holds rooted handles).
    Host(Box<dyn std::any::Any + Send + Sync>),
    /// A `super(this_class, receiver)` object: attribute lookups on it
    /// search the receiver's MRO after `this_class`.
    Super {
        /// The class whose successors in the MRO are searched.
        this_class: Gc<PyObject>,
        /// The instance (or class) the found methods bind to.
        receiver: Value,
    },
}

/// Where an instance of a user class keeps its attributes.
pub enum InstanceAttrs {
    /// In its attribute dict (`__dict__`), under any names.
    Dict(Mutex<Dict>),
    /// In fixed slots, one for each name of its class's layout
    /// ([`Class::slot_names`]: a `__slots__` class without `__dict__`),
    /// `Value::UNBOUND` while unset (as are those past the layout). The
    /// slots never move, so each is one atomic word that a load or a store
    /// reaches without a lock, as CPython's member descriptors do. They
    /// live in the object itself, in the room its dict would take, so a
    /// layout has at most [`MAX_SLOTS`] (a class that needs more keeps a
    /// dict).
    Slots([AtomicValue; MAX_SLOTS]),
}

/// The most slots a layout has: as many words as an instance's dict
/// takes, so that the payload does not grow.
pub const MAX_SLOTS: usize = 7;

impl InstanceAttrs {
    /// The attributes of a new instance of `class`: every slot unset, or
    /// an empty dict.
    #[inline]
    pub fn for_class(class: &Class) -> InstanceAttrs {
        match &class.slot_names {
            Some(_) => {
                InstanceAttrs::Slots(std::array::from_fn(|_| AtomicValue::new(Value::UNBOUND)))
            }
            None => InstanceAttrs::Dict(Mutex::new(Dict::new())),
        }
    }

    /// The attribute dict, unless the instance has slots instead.
    #[inline]
    pub fn dict(&self) -> Option<&Mutex<Dict>> {
        match self {
            InstanceAttrs::Dict(d) => Some(d),
            InstanceAttrs::Slots(_) => None,
        }
    }

    /// The slots, if the instance has them instead of a dict.
    #[inline]
    pub fn slots(&self) -> Option<&[AtomicValue]> {
        match self {
            InstanceAttrs::Slots(s) => Some(s),
            InstanceAttrs::Dict(_) => None,
        }
    }
}

/// The attribute `name` of `o`, an instance with `slots`, from the slot
/// its class's layout keeps it in (looked for at `hint` first), with that
/// slot's position; `None` when the slot is unset or the layout has no
/// such name. One load, no lock: slots never move.
#[inline(always)]
pub fn slot_load(
    o: &PyObject,
    slots: &[AtomicValue],
    name: Value,
    hint: usize,
) -> Option<(Value, usize)> {
    let k = o.class().as_class()?.slot_index(name, hint)?;
    let v = slots.get(k)?.load();
    (v != Value::UNBOUND).then_some((v, k))
}

/// Stores attribute `name` of `o`, an instance with `slots`, in the slot
/// its class's layout keeps it in (looked for at `hint` first): a plain
/// store, since slots never move. False (nothing stored) if the layout
/// has no such name.
#[inline(always)]
pub fn slot_store(
    o: &PyObject,
    slots: &[AtomicValue],
    name: Value,
    hint: usize,
    value: Value,
) -> bool {
    let slot = o.class().as_class().and_then(|c| c.slot_index(name, hint));
    match slot.and_then(|k| slots.get(k)) {
        Some(slot) => {
            slot.store(value);
            true
        }
        None => false,
    }
}

// SAFETY: traces every attribute value (the dict under its object lock:
// the lock rule).
unsafe impl Trace for InstanceAttrs {
    fn trace(&self, tracer: &mut Tracer) {
        match self {
            InstanceAttrs::Dict(d) => d.lock().trace(tracer),
            InstanceAttrs::Slots(slots) => slots.iter().for_each(|s| s.trace(tracer)),
        }
    }
}

/// The payload of an instance of a user subclass of a builtin container:
/// the builtin payload (`ObjectData::List` or `ObjectData::Dict`), which
/// the builtin operations and methods work on unchanged, and the
/// instance's own attributes.
pub struct SubclassedBuiltin {
    /// The list or dict payload.
    pub base: ObjectData,
    /// The instance attributes (`__dict__`).
    pub attrs: Mutex<Dict>,
}

/// The Python view of one activation (`frame`), made when a trace or
/// profile function needs it. The activation itself lives on its
/// thread's stacks; this holds what the hooks read and write.
pub struct FrameObject {
    /// `f_code`.
    pub code: Gc<PyObject>,
    /// `f_globals`.
    pub globals: Gc<PyObject>,
    /// `f_back`: the caller's frame object, or None.
    pub back: Value,
    /// `f_lineno` as of the last event.
    pub line: std::sync::atomic::AtomicU32,
    /// `f_locals`: the snapshot a hook may edit (written back to the
    /// frame after the hook returns), or None before the first event.
    pub locals: AtomicValue,
    /// `f_trace`: the local trace function, or None.
    pub trace: AtomicValue,
    /// Line tracing state: the instruction and line of the last event.
    pub(crate) last_pc: std::sync::atomic::AtomicU32,
    pub(crate) last_line: std::sync::atomic::AtomicU32,
}

// SAFETY: traces the code, globals, caller and the hook-visible values.
unsafe impl Trace for FrameObject {
    fn trace(&self, tracer: &mut Tracer) {
        tracer.mark(self.code);
        tracer.mark(self.globals);
        self.back.trace(tracer);
        self.locals.trace(tracer);
        self.trace.trace(tracer);
    }
}

/// The descriptors attribute lookup knows natively.
///
/// Their callables can be replaced (calling `__init__` again is the
/// "descriptor mutated" event), so they sit in atomic words.
pub enum Descriptor {
    /// `property(fget, fset, fdel, doc)` (None where absent).
    Property {
        /// The getter.
        fget: AtomicValue,
        /// The setter.
        fset: AtomicValue,
        /// The deleter.
        fdel: AtomicValue,
        /// The docstring.
        doc: AtomicValue,
    },
    /// `staticmethod(f)`.
    StaticMethod(AtomicValue),
    /// `classmethod(f)`.
    ClassMethod(AtomicValue),
    /// A `__slots__` name's member descriptor (class `member_descriptor`):
    /// slot `index` of the instances of `owner` and of its subclasses
    /// (whose layouts extend their base's).
    Member {
        /// The class whose `__slots__` named it.
        owner: Value,
        /// The slot's position in the instances' slots ([`InstanceAttrs`]).
        index: u32,
        /// The name (a str).
        name: Value,
    },
}

impl Descriptor {
    /// A property from `[fget, fset, fdel, doc]`.
    pub fn property(slots: [Value; 4]) -> Descriptor {
        let [fget, fset, fdel, doc] = slots.map(AtomicValue::new);
        Descriptor::Property {
            fget,
            fset,
            fdel,
            doc,
        }
    }
}

// SAFETY: traces the wrapped callables.
unsafe impl Trace for Descriptor {
    fn trace(&self, tracer: &mut Tracer) {
        match self {
            Descriptor::Property {
                fget,
                fset,
                fdel,
                doc,
            } => {
                fget.trace(tracer);
                fset.trace(tracer);
                fdel.trace(tracer);
                doc.trace(tracer);
            }
            Descriptor::StaticMethod(f) | Descriptor::ClassMethod(f) => f.trace(tracer),
            Descriptor::Member { owner, name, .. } => {
                owner.trace(tracer);
                name.trace(tracer);
            }
        }
    }
}

// SAFETY: every variant's pointers are traced; locks are object locks (the
// lock rule).
unsafe impl Trace for ObjectData {
    fn trace(&self, tracer: &mut Tracer) {
        match self {
            ObjectData::Int(_)
            | ObjectData::Str(_)
            | ObjectData::Range(_)
            | ObjectData::Host(_) => {}
            ObjectData::Tuple(items) => items.trace(tracer),
            ObjectData::List(items) => items.lock().trace(tracer),
            ObjectData::Dict(d) => d.lock().trace(tracer),
            ObjectData::Instance(attrs) => attrs.trace(tracer),
            ObjectData::Function(f) => f.trace(tracer),
            ObjectData::Builtin(b) => b.bound.trace(tracer),
            ObjectData::BoundMethod { func, receiver } => {
                func.trace(tracer);
                receiver.trace(tracer);
            }
            ObjectData::Class(c) => c.trace(tracer),
            ObjectData::Exception(e) => e.trace(tracer),
            ObjectData::Module(m) => m.dict.trace(tracer),
            ObjectData::Code(c) => c.trace(tracer),
            ObjectData::Iterator(data) => data.trace(tracer),
            ObjectData::Cell(v) => v.trace(tracer),
            ObjectData::Slice(parts) => parts.trace(tracer),
            ObjectData::Generator(g) => g.trace(tracer),
            ObjectData::Set(t) => t.lock().trace(tracer),
            ObjectData::Descriptor(d) => d.trace(tracer),
            ObjectData::Frame(f) => f.trace(tracer),
            ObjectData::AttrDict(owner) => tracer.mark(*owner),
            ObjectData::Subclassed(s) => {
                s.base.trace(tracer);
                s.attrs.lock().trace(tracer);
            }
            ObjectData::Super {
                this_class,
                receiver,
            } => {
                tracer.mark(*this_class);
                receiver.trace(tracer);
            }
        }
    }
}

/// An immutable str; its hash is computed when first asked for (most
/// strs, split or formatted, are never hashed), as CPython's.
pub struct PyStr {
    text: Box<str>,
    /// The hash, or [`UNHASHED`] until computed. Threads that race to
    /// compute it store the same value.
    hash: std::sync::atomic::AtomicI64,
    char_count: usize,
}

/// [`PyStr`]'s hash before it is computed: `hash_str` never returns -1.
const UNHASHED: i64 = -1;

/// The number of characters of `text`.
fn char_count(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

impl PyStr {
    /// A str holding `text`. Inlined, so that the str is built where it
    /// is allocated: returned in memory, it was stored 8 bytes at a time
    /// and copied into its object 16 bytes at a time, a store-forwarding
    /// stall at every str made (a tenth of a string-method loop's time).
    #[inline(always)]
    pub fn new(text: impl Into<Box<str>>) -> PyStr {
        let text = text.into();
        let char_count = char_count(&text);
        PyStr {
            text,
            hash: std::sync::atomic::AtomicI64::new(UNHASHED),
            char_count,
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The Python hash.
    #[inline]
    pub fn hash(&self) -> i64 {
        use std::sync::atomic::Ordering::Relaxed;
        match self.hash.load(Relaxed) {
            UNHASHED => {
                let h = hash_str(&self.text);
                self.hash.store(h, Relaxed);
                h
            }
            h => h,
        }
    }

    /// The length in code points (`len(s)`).
    pub fn char_count(&self) -> usize {
        self.char_count
    }

    /// Whether every character is ASCII (then indices are byte offsets).
    pub fn is_ascii(&self) -> bool {
        self.char_count == self.text.len()
    }
}

/// A Python function: code, globals and defaults.
pub struct Function {
    /// `__name__`: a str (the code's `name_object` when made, so making a
    /// function copies no text).
    pub name: Value,
    /// `__qualname__`: a str (a constant of the defining code).
    pub qualname: Value,
    /// The code object (`ObjectData::Code`); `__code__` can replace it
    /// (the "function modified" event).
    pub code: AtomicValue,
    /// The globals dict (`ObjectData::Dict`) of the defining module.
    pub globals: Gc<PyObject>,
    /// Default values of the last positional parameters: a tuple, or None
    /// (`__defaults__`, replaceable).
    pub defaults: AtomicValue,
    /// Defaults of keyword-only parameters (a dict), or None
    /// (`__kwdefaults__`, replaceable).
    pub kwdefaults: AtomicValue,
    /// The cells of the code's free variables, in `freevars` order: the
    /// tuple `MakeFunction` was given (`__closure__`), or None.
    pub closure: Value,
    /// Attributes set on the function (`f.calls = 0`; `__dict__`).
    pub attrs: Mutex<Dict>,
    /// The function version that calls specialized on this function guard
    /// on; replacing the code or defaults invalidates it.
    pub version: VersionTag,
}

impl Function {
    /// The code object (`ObjectData::Code`).
    #[inline]
    pub fn code(&self) -> Gc<PyObject> {
        self.code
            .load()
            .as_object()
            .expect("a function's code is an object")
    }

    /// The positional defaults: a tuple, or None.
    #[inline]
    pub fn defaults(&self) -> Value {
        self.defaults.load()
    }

    /// `__name__`'s text.
    pub fn name(&self) -> &str {
        str_text(&self.name)
    }

    /// `__qualname__`'s text.
    pub fn qualname(&self) -> &str {
        str_text(&self.qualname)
    }

    /// The closure's cells (none without a closure).
    #[inline]
    pub fn closure_cells(&self) -> &[Value] {
        self.closure.as_tuple().unwrap_or_default()
    }
}

/// The text of `v`, a str ("" for anything else).
pub fn str_text(v: &Value) -> &str {
    v.as_ref()
        .and_then(|o| o.as_str())
        .map_or("", |s| s.as_str())
}
// SAFETY: code, globals, defaults, the closure and the names are the
// function's pointers.
unsafe impl Trace for Function {
    fn trace(&self, tracer: &mut Tracer) {
        self.code.trace(tracer);
        tracer.mark(self.globals);
        self.defaults.trace(tracer);
        self.kwdefaults.trace(tracer);
        self.closure.trace(tracer);
        self.name.trace(tracer);
        self.qualname.trace(tracer);
        self.attrs.lock().trace(tracer);
    }
}

/// A function implemented in Rust.
pub struct BuiltinFunction {
    /// `__name__`.
    pub name: &'static str,
    /// The implementation.
    pub func: NativeCode,
    /// A receiver bound in front of the arguments (builtin methods fetched
    /// as attributes), or `None`.
    pub bound: Option<Value>,
}

/// A host closure implementing a builtin function (the embedding API's
/// native functions and methods): positional arguments (a bound receiver
/// first) and keyword arguments, as for [`NativeFn`].
pub type HostFn = std::sync::Arc<
    dyn Fn(
            &mut crate::interp::Interp<'_>,
            &[Value],
            &[(Value, Value)],
        ) -> crate::error::PyResult<Value>
        + Send
        + Sync,
>;

/// How a builtin function is implemented.
#[derive(Clone)]
pub enum NativeCode {
    /// A Rust function (the runtime's builtins): a plain pointer.
    Fn(NativeFn),
    /// A host closure (crate::embed).
    Host(HostFn),
}

impl NativeCode {
    /// Calls the implementation.
    #[inline]
    pub fn call(
        &self,
        i: &mut crate::interp::Interp<'_>,
        args: &[Value],
        kwargs: &[(Value, Value)],
    ) -> crate::error::PyResult<Value> {
        match self {
            NativeCode::Fn(f) => f(i, args, kwargs),
            NativeCode::Host(f) => f(i, args, kwargs),
        }
    }
}

/// How instances of a class are laid out (which payload they get).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Plain instances with an attribute dict (`object` and user classes).
    Instance,
    /// Exception instances (`BaseException` and its subclasses).
    Exception,
    /// A builtin type that cannot be subclassed yet (int, str, tuple, ...).
    Builtin,
    /// `list` and its subclasses (instances of subclasses are
    /// `ObjectData::Subclassed` around a list).
    List,
    /// `dict` and its subclasses (instances of subclasses are
    /// `ObjectData::Subclassed` around a dict).
    Dict,
}

/// A class: name, bases, MRO and attribute dict, and what the rare events
/// on classes need (DESIGN §2): the counter block of its class-attribute
/// events, its version tag, and its subclasses (a change to a class
/// changes what lookups on its subclasses find).
pub struct Class {
    /// `__name__`.
    pub name: Box<str>,
    /// `__bases__`: a tuple of classes (replaceable: the "bases set"
    /// event).
    bases: AtomicValue,
    /// The method resolution order after the class itself, a tuple of
    /// classes (the class cannot point to itself before it is allocated,
    /// so the first entry is implicit). Replaced with the bases.
    mro_tail: AtomicValue,
    /// The attribute dict. Change it only through
    /// `Interp::set_class_attr` (crate::events), which fires the event.
    pub dict: Mutex<Dict>,
    /// The layout of its instances.
    pub layout: Layout,
    /// The names of its instances' slots, in slot order (its bases' first),
    /// when its instances keep their attributes in slots and have no dict
    /// (`InstanceAttrs::Slots`); `None` for instances with a dict.
    pub slot_names: Option<Box<[Value]>>,
    /// The module that defined the class (`__module__`), for reprs.
    pub module: Option<Box<str>>,
    /// Counts this class's attribute events and holds the executors that
    /// assumed its attributes unchanged.
    pub watch: Watchable,
    /// The class version that specialized lookups guard on; any change to
    /// the class or a base invalidates it.
    pub version: VersionTag,
    /// The direct subclasses (weakly: a subclass does not keep itself
    /// alive through its base).
    pub(crate) subclasses: Mutex<Vec<stillpoint_gc::Weak<PyObject>>>,
    /// Set once the class has had a subclass (never cleared): a change to
    /// a class without one skips the hierarchy walk. Relaxed: read after
    /// the changer held the class dict's lock, which orders it with every
    /// lookup a subclass made (`Interp::class_modified`).
    pub(crate) has_subclasses: std::sync::atomic::AtomicBool,
    /// Which special methods the class defines in Python, tagged with the
    /// version they were found under (`Interp::class_hooks`).
    pub(crate) hooks_cache: std::sync::atomic::AtomicU64,
    /// Whether an instance may hold an attribute named like an attribute
    /// of the class (so a method lookup must look in the instance first).
    /// Set once, never cleared; setting it resets the version tag.
    pub(crate) instances_shadow: std::sync::atomic::AtomicBool,
}

impl Class {
    /// A class whose `bases` and `mro_tail` are tuples of classes.
    pub fn new(
        name: &str,
        bases: Value,
        mro_tail: Value,
        dict: Dict,
        layout: Layout,
        module: Option<Box<str>>,
    ) -> Class {
        Class {
            name: name.into(),
            bases: AtomicValue::new(bases),
            mro_tail: AtomicValue::new(mro_tail),
            dict: Mutex::new(dict),
            layout,
            slot_names: None,
            module,
            watch: Watchable::new(EventKind::ClassAttrSet),
            version: VersionTag::new(),
            subclasses: Mutex::new(Vec::new()),
            has_subclasses: std::sync::atomic::AtomicBool::new(false),
            hooks_cache: std::sync::atomic::AtomicU64::new(0),
            instances_shadow: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The slot that holds attribute `name` in its instances' layout,
    /// looked for at `hint` first (`None`: the instances have no slots,
    /// or none of that name).
    #[inline]
    pub fn slot_index(&self, name: Value, hint: usize) -> Option<usize> {
        let names = self.slot_names.as_deref()?;
        // Names are interned, so the word usually decides.
        if names.get(hint) == Some(&name) {
            return Some(hint);
        }
        names
            .iter()
            .position(|n| *n == name)
            .or_else(|| names.iter().position(|n| dict::keys_equal(*n, name)))
    }

    /// Whether this is one of the runtime's builtin types (immutable: no
    /// attribute, `__bases__` or `__class__` assignment). Classes made by
    /// Python code always know their module.
    pub fn is_builtin(&self) -> bool {
        self.module.is_none()
    }

    /// `__bases__`.
    #[inline]
    pub fn bases(&self) -> ClassList {
        ClassList(self.bases.load())
    }

    /// The MRO after the class itself.
    #[inline]
    pub fn mro_tail(&self) -> ClassList {
        ClassList(self.mro_tail.load())
    }

    /// Replaces bases and MRO (only crate::events does, inside the event).
    pub(crate) fn set_hierarchy(&self, bases: Value, mro_tail: Value) {
        self.bases.store(bases);
        self.mro_tail.store(mro_tail);
    }
}

/// A tuple of classes (a class's bases or MRO), read as classes.
///
/// It borrows nothing: the tuple stays alive while the caller does not
/// reach a safepoint (collections only run in pauses), and a caller that
/// does must root what it keeps, as for any value.
#[derive(Clone, Copy, Debug)]
pub struct ClassList(Value);

impl ClassList {
    /// The tuple.
    pub fn as_value(self) -> Value {
        self.0
    }

    fn items(&self) -> &[Value] {
        self.0.as_tuple().unwrap_or_default()
    }

    /// The classes in order.
    pub fn iter(&self) -> impl Iterator<Item = Gc<PyObject>> + '_ {
        self.items().iter().filter_map(|v| v.as_object())
    }

    /// How many classes.
    pub fn len(&self) -> usize {
        self.items().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items().is_empty()
    }

    /// The first class.
    pub fn first(&self) -> Option<Gc<PyObject>> {
        self.iter().next()
    }

    /// Whether `class` is one of them.
    pub fn contains(&self, class: Gc<PyObject>) -> bool {
        self.iter().any(|c| c.into_raw() == class.into_raw())
    }

    /// The classes, copied.
    pub fn to_vec(&self) -> Vec<Gc<PyObject>> {
        self.iter().collect()
    }
}

// SAFETY: traces bases, MRO and the dict (an object lock: the lock rule).
// Subclasses are weak.
unsafe impl Trace for Class {
    fn trace(&self, tracer: &mut Tracer) {
        self.bases.trace(tracer);
        self.mro_tail.trace(tracer);
        self.dict.lock().trace(tracer);
        self.slot_names
            .iter()
            .flatten()
            .for_each(|n| n.trace(tracer));
    }
}

/// An exception instance's state.
pub struct ExceptionData {
    /// `args` (a tuple value).
    pub args: Mutex<Value>,
    /// Other attributes.
    pub dict: Mutex<Dict>,
    /// Frames the exception passed through, innermost first.
    pub traceback: Mutex<Vec<TracebackEntry>>,
    /// The "Did you mean" name a traceback adds (NameError only).
    pub suggestion: Mutex<Option<Box<str>>>,
}

// SAFETY: traces args, attributes and the traceback's code objects.
unsafe impl Trace for ExceptionData {
    fn trace(&self, tracer: &mut Tracer) {
        self.args.lock().trace(tracer);
        self.dict.lock().trace(tracer);
        for entry in self.traceback.lock().iter() {
            entry.code.trace(tracer);
        }
    }
}

/// One frame of a traceback.
#[derive(Clone, Copy, Debug)]
pub struct TracebackEntry {
    /// The frame's code object.
    pub code: Gc<PyObject>,
    /// The line being executed.
    pub line: u32,
    /// The instruction being executed (its location gives the carets).
    pub pc: u32,
    /// The name of the inlined comprehension the instruction runs in,
    /// shown as a frame of its own (`None`: the code's name).
    pub comprehension: Option<&'static str>,
}

/// A module.
pub struct Module {
    /// `__name__`.
    pub name: Box<str>,
    /// Its globals dict (`ObjectData::Dict`); the embedding API can
    /// replace it (the "module dict replaced" event).
    dict: AtomicValue,
    /// The source file, if any.
    pub file: Option<Arc<str>>,
}

impl Module {
    /// A module named `name` whose globals are `dict`.
    pub fn new(name: &str, dict: Gc<PyObject>, file: Option<Arc<str>>) -> Module {
        Module {
            name: name.into(),
            dict: AtomicValue::new(Value::object(dict)),
            file,
        }
    }

    /// Its globals dict.
    #[inline]
    pub fn dict(&self) -> Gc<PyObject> {
        self.dict
            .load()
            .as_object()
            .expect("a module's dict is an object")
    }

    /// Replaces its globals dict (only crate::events does, inside the
    /// event).
    pub(crate) fn set_dict(&self, dict: Gc<PyObject>) {
        self.dict.store(Value::object(dict));
    }
}

/// The state of an iterator that steps under its lock
/// ([`IteratorData::Locked`]).
pub enum IterState {
    /// A str by byte offset (so iteration is linear for non-ASCII text).
    Str {
        /// The str.
        s: Value,
        /// The byte offset of the next character.
        offset: usize,
    },
    /// A range with big-int bounds.
    BigRange(Box<range::BigRangeIter>),
    /// A dict's keys, by entry index.
    DictKeys {
        /// The dict.
        dict: Value,
        /// The next entry index.
        index: usize,
        /// The dict's size when iteration began: a change is an error.
        len: usize,
    },
    /// A set's elements, by table slot.
    Set {
        /// The set.
        set: Value,
        /// The next slot.
        index: usize,
    },
    /// A lazy builtin iterator (zip, map, filter, enumerate, reversed):
    /// stepped by `crate::builtins::iter` without this lock held, since
    /// stepping runs Python code (builtins hook).
    Lazy(crate::builtins::iter::LazyIter),
    /// Exhausted.
    Done,
}

// SAFETY: traces the container the iterator walks.
unsafe impl Trace for IterState {
    fn trace(&self, tracer: &mut Tracer) {
        match self {
            IterState::Str { s: v, .. }
            | IterState::DictKeys { dict: v, .. }
            | IterState::Set { set: v, .. } => v.trace(tracer),
            IterState::Lazy(lazy) => lazy.trace(tracer),
            IterState::BigRange(_) | IterState::Done => {}
        }
    }
}

/// CPython's modulus for numeric hashes (2⁶¹ − 1).
pub const HASH_MODULUS: i64 = (1 << 61) - 1;

/// Python's hash of an `i64`.
#[inline]
pub fn hash_i64(i: i64) -> i64 {
    // Every inline int (48 bits) is its own hash, but -1.
    if i.unsigned_abs() < HASH_MODULUS as u64 {
        return if i == -1 { -2 } else { i };
    }
    let m = (i.unsigned_abs() % HASH_MODULUS as u64) as i64;
    let h = if i < 0 { -m } else { m };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// Python's hash of a big int.
pub fn hash_bigint(b: &BigInt) -> i64 {
    use num_traits::{Signed, ToPrimitive};
    let m = (b.abs() % BigInt::from(HASH_MODULUS)).to_i64().unwrap_or(0);
    let h = if b.is_negative() { -m } else { m };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// Python's hash of a float (equal to the int's hash for integral values).
pub fn hash_f64(f: f64) -> i64 {
    if f.is_nan() {
        return 0;
    }
    if f.is_infinite() {
        return if f > 0.0 { 314159 } else { -314159 };
    }
    // CPython's algorithm: reduce the mantissa modulo 2^61 - 1, 28 bits at
    // a time, then rotate by the exponent.
    let (mut m, mut e) = frexp(f.abs());
    let mut x: u64 = 0;
    let modulus = HASH_MODULUS as u64;
    while m != 0.0 {
        x = ((x << 28) & modulus) | (x >> (61 - 28));
        m *= 268435456.0; // 2**28
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= modulus {
            x -= modulus;
        }
    }
    let e = if e >= 0 {
        e % 61
    } else {
        61 - 1 - ((-1 - e) % 61)
    };
    x = ((x << e) & modulus) | (x >> (61 - e));
    let mut h = x as i64;
    if f < 0.0 {
        h = -h;
    }
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `frexp`: `f = m × 2^e` with `0.5 <= m < 1` (for finite nonzero `f`).
fn frexp(f: f64) -> (f64, i32) {
    if f == 0.0 {
        return (0.0, 0);
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7FF) as i32;
    if exp == 0 {
        // Subnormal: scale up first.
        let (m, e) = frexp(f * (1u64 << 54) as f64);
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7FF << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// The hash of a str (SipHash with fixed keys: stable across runs, so
/// programs that print hashes are reproducible).
pub fn hash_str(s: &str) -> i64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut hasher);
    let h = (hasher.finish() >> 1) as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// Combines element hashes like CPython's tuple hash (xxHash-based).
pub fn hash_tuple(hashes: impl Iterator<Item = i64>, len: usize) -> i64 {
    const P1: u64 = 11400714785074694791;
    const P2: u64 = 14029467366897019727;
    const P5: u64 = 2870177450012600261;
    let mut acc = P5;
    for h in hashes {
        acc = acc.wrapping_add((h as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add(len as u64 ^ (P5 ^ 3527539));
    if acc == u64::MAX {
        1546275796
    } else {
        acc as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_hashes_match_cpython() {
        assert_eq!(hash_i64(1), 1);
        assert_eq!(hash_i64(-1), -2);
        assert_eq!(hash_i64(HASH_MODULUS), 0);
        assert_eq!(hash_i64(HASH_MODULUS + 5), 5);
        assert_eq!(hash_f64(1.0), 1);
        assert_eq!(hash_f64(-1.0), -2);
        assert_eq!(hash_f64(2.5), 1152921504606846978); // hash(2.5) in CPython
        use num_traits::FromPrimitive;
        assert_eq!(
            hash_f64(1e300),
            hash_bigint(&BigInt::from_f64(1e300).unwrap())
        );
        assert_eq!(hash_f64(0.1), 230584300921369408); // hash(0.1) in CPython
    }

    #[test]
    fn tuple_hash_matches_cpython() {
        // hash((1, 2)) and hash(()) in CPython 3.11.
        assert_eq!(hash_tuple([1i64, 2].into_iter(), 2), -3550055125485641917);
        assert_eq!(hash_tuple(std::iter::empty(), 0), 5740354900026072187);
    }

    #[test]
    fn instance_attributes_fit_the_payload_a_dict_instance_had() {
        // Slots inline take the room of the dict they replace: the object
        // payload (and every object) stays as large as before slots.
        assert_eq!(std::mem::size_of::<InstanceAttrs>(), 64);
        assert_eq!(std::mem::size_of::<ObjectData>(), 72);
        assert_eq!(std::mem::size_of::<Mutex<Dict>>(), 56);
    }
}
