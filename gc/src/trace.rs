//! Tracing: the [`Trace`] trait, the [`Tracer`] the collector passes to it,
//! impls for common types, and the [`trace!`](crate::trace!) and
//! [`trace_leaf!`](crate::trace_leaf!) macros.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::ptr::NonNull;

use crate::object::{Gc, Header};

/// A type whose values can live in the GC heap or hold GC pointers.
///
/// `trace` calls [`Trace::trace`] on every field that may hold a [`Gc`]
/// (directly or inside containers); [`Gc`]'s own impl marks the object.
///
/// `trace` runs inside a collection, with every mutator stopped: it must not
/// block, allocate in the GC heap, or take a lock a mutator may hold at a
/// safepoint. A panic in `trace` aborts the process.
///
/// # Safety
/// Every `Gc` the value can reach without going through another GC object
/// must be traced: a missed field is a use after free once the collector
/// frees the object it points to. Prefer [`trace!`](crate::trace!), which
/// makes the compiler check that every field is listed.
pub unsafe trait Trace {
    /// Reports this value's GC pointers to `tracer`.
    fn trace(&self, tracer: &mut Tracer);
}

/// The collector's marking state, handed to [`Trace::trace`] and
/// [`RootSource::trace_roots`](crate::RootSource::trace_roots).
///
/// Marking uses an explicit work stack, never the native stack: a
/// million-long linked list marks in constant native stack depth.
pub struct Tracer {
    stack: Vec<NonNull<Header>>,
    marked: usize,
}

impl Tracer {
    /// Only the collector creates tracers (inside a pause).
    pub(crate) fn new() -> Self {
        Tracer {
            stack: Vec::with_capacity(1024),
            marked: 0,
        }
    }

    /// Marks `gc`'s object reachable (its fields are traced later).
    pub fn mark<T: 'static>(&mut self, gc: Gc<T>) {
        self.mark_header(gc.header());
    }

    pub(crate) fn mark_header(&mut self, header: NonNull<Header>) {
        // SAFETY: tracers only exist inside a collection (every mutator
        // parked), and the pointer is reachable from a root, so by the
        // rooting contract it names an allocated object.
        let h = unsafe { header.as_ref() };
        debug_assert!(h.vtable().is_some(), "marking a freed cell");
        if !h.is_marked() {
            h.set_mark();
            self.marked += 1;
            self.stack.push(header);
        }
    }

    /// Traces every marked object's fields until no unvisited object is
    /// left.
    pub(crate) fn drain(&mut self) {
        while let Some(header) = self.stack.pop() {
            // SAFETY: only marked, allocated objects are pushed (above).
            let vtable = unsafe { header.as_ref() }
                .vtable()
                .expect("marked objects are allocated");
            // SAFETY: `header` starts a live object of the vtable's type,
            // and we are inside a collection.
            unsafe { (vtable.trace)(header, self) };
        }
    }

    /// How many objects this tracer marked.
    pub(crate) fn marked(&self) -> usize {
        self.marked
    }
}

// SAFETY: marking the object is all a `Gc` has to report.
unsafe impl<T: 'static> Trace for Gc<T> {
    fn trace(&self, tracer: &mut Tracer) {
        tracer.mark(*self);
    }
}

// SAFETY: traces the value if present.
unsafe impl<T: Trace> Trace for Option<T> {
    fn trace(&self, tracer: &mut Tracer) {
        if let Some(v) = self {
            v.trace(tracer);
        }
    }
}

// SAFETY: traces both alternatives' payloads.
unsafe impl<T: Trace, E: Trace> Trace for Result<T, E> {
    fn trace(&self, tracer: &mut Tracer) {
        match self {
            Ok(v) => v.trace(tracer),
            Err(e) => e.trace(tracer),
        }
    }
}

// SAFETY: traces the boxed value.
unsafe impl<T: Trace + ?Sized> Trace for Box<T> {
    fn trace(&self, tracer: &mut Tracer) {
        (**self).trace(tracer);
    }
}

// SAFETY: traces the shared value.
unsafe impl<T: Trace + ?Sized> Trace for std::sync::Arc<T> {
    fn trace(&self, tracer: &mut Tracer) {
        (**self).trace(tracer);
    }
}

// SAFETY: traces every element.
unsafe impl<T: Trace> Trace for [T] {
    fn trace(&self, tracer: &mut Tracer) {
        for v in self {
            v.trace(tracer);
        }
    }
}

// SAFETY: traces every element.
unsafe impl<T: Trace, const N: usize> Trace for [T; N] {
    fn trace(&self, tracer: &mut Tracer) {
        self.as_slice().trace(tracer);
    }
}

// SAFETY: traces every element.
unsafe impl<T: Trace> Trace for Vec<T> {
    fn trace(&self, tracer: &mut Tracer) {
        self.as_slice().trace(tracer);
    }
}

// SAFETY: traces every element.
unsafe impl<T: Trace> Trace for VecDeque<T> {
    fn trace(&self, tracer: &mut Tracer) {
        for v in self {
            v.trace(tracer);
        }
    }
}

// SAFETY: traces every key and value.
unsafe impl<K: Trace, V: Trace, S> Trace for HashMap<K, V, S> {
    fn trace(&self, tracer: &mut Tracer) {
        for (k, v) in self {
            k.trace(tracer);
            v.trace(tracer);
        }
    }
}

// SAFETY: traces every element.
unsafe impl<K: Trace, S> Trace for HashSet<K, S> {
    fn trace(&self, tracer: &mut Tracer) {
        for k in self {
            k.trace(tracer);
        }
    }
}

// SAFETY: traces every key and value.
unsafe impl<K: Trace, V: Trace> Trace for BTreeMap<K, V> {
    fn trace(&self, tracer: &mut Tracer) {
        for (k, v) in self {
            k.trace(tracer);
            v.trace(tracer);
        }
    }
}

// SAFETY: traces every element.
unsafe impl<K: Trace> Trace for BTreeSet<K> {
    fn trace(&self, tracer: &mut Tracer) {
        for k in self {
            k.trace(tracer);
        }
    }
}

macro_rules! trace_tuples {
    ($( ( $($name:ident),+ ) )+) => {$(
        // SAFETY: traces every component.
        unsafe impl<$($name: Trace),+> Trace for ($($name,)+) {
            #[allow(non_snake_case)]
            fn trace(&self, tracer: &mut Tracer) {
                let ($($name,)+) = self;
                $($name.trace(tracer);)+
            }
        }
    )+};
}

trace_tuples! {
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, F)
    (A, B, C, D, E, F, G)
    (A, B, C, D, E, F, G, H)
}

/// Implements [`Trace`] as a no-op for types that hold no [`Gc`] pointer.
///
/// ```
/// struct Counter(u64);
/// stillpoint_gc::trace_leaf!(Counter);
/// ```
///
/// This is an unchecked promise: a type named here must not contain a
/// `Gc` (directly or in any field), or the objects it points to may be freed
/// while it still uses them.
#[macro_export]
macro_rules! trace_leaf {
    ($($ty:ty),+ $(,)?) => {$(
        // SAFETY: the macro's caller promises the type holds no `Gc`.
        unsafe impl $crate::Trace for $ty {
            #[inline]
            fn trace(&self, _tracer: &mut $crate::Tracer) {}
        }
    )+};
}

trace_leaf!(
    (),
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    String,
    &'static str,
    std::sync::atomic::AtomicBool,
    std::sync::atomic::AtomicU32,
    std::sync::atomic::AtomicU64,
    std::sync::atomic::AtomicUsize,
    std::sync::atomic::AtomicI64,
);

/// Implements [`Trace`] for a struct by listing its fields; every field's
/// type must implement `Trace`.
///
/// The macro destructures the struct without `..`, so forgetting a field is
/// a compile error, not a use after free.
///
/// ```
/// use stillpoint_gc::Gc;
///
/// struct Node {
///     next: Option<Gc<Node>>,
///     value: u64,
/// }
/// stillpoint_gc::trace!(Node { next, value });
///
/// struct Pair(Gc<Node>, Gc<Node>);
/// stillpoint_gc::trace!(Pair(first, second));
/// ```
///
/// ```compile_fail
/// use stillpoint_gc::Gc;
/// struct Node { next: Option<Gc<Node>>, value: u64 }
/// stillpoint_gc::trace!(Node { value }); // error: pattern does not mention field `next`
/// ```
///
/// Enums and generic types implement `Trace` by hand (an `unsafe impl`).
#[macro_export]
macro_rules! trace {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        // SAFETY: the exhaustive pattern below lists every field, and each
        // one is traced.
        unsafe impl $crate::Trace for $ty {
            fn trace(&self, tracer: &mut $crate::Tracer) {
                let $ty { $($field),* } = self;
                $($crate::Trace::trace($field, tracer);)*
                let _ = tracer;
            }
        }
    };
    ($ty:ident ( $($field:ident),* $(,)? )) => {
        // SAFETY: the exhaustive pattern below binds every field, and each
        // one is traced.
        unsafe impl $crate::Trace for $ty {
            fn trace(&self, tracer: &mut $crate::Tracer) {
                let $ty ( $($field),* ) = self;
                $($crate::Trace::trace($field, tracer);)*
                let _ = tracer;
            }
        }
    };
}
