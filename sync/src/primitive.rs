//! The one shim between this crate and its concurrency primitives.
//!
//! Every atomic, lock, condition variable, shared pointer and thread identity
//! used by the protocol comes from here, so that the same code runs on
//! `std` + `parking_lot` in production and on `loom`'s mocks under
//! `RUSTFLAGS="--cfg loom"`. Nothing else in the crate may name
//! `std::sync`, `parking_lot` or `loom` directly (architecture invariant
//! "one shim").
//!
//! parking_lot has no loom mocks, so the loom side adapts loom's
//! `std`-shaped `Mutex`/`Condvar` to parking_lot's shape: `lock()` returns
//! the guard (no poisoning: a panic inside a model fails the model anyway)
//! and `Condvar::wait` takes `&mut guard`.

#[cfg(not(loom))]
mod imp {
    pub(crate) use std::sync::atomic::{
        fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, Ordering,
    };
    pub(crate) use std::sync::Arc;

    /// The calling thread's identity.
    pub(crate) fn current_thread_id() -> std::thread::ThreadId {
        std::thread::current().id()
    }
    pub(crate) type ThreadId = std::thread::ThreadId;

    /// The process's one solo-mode flag (`solo.rs`).
    pub(crate) fn shared_objects_flag() -> &'static AtomicBool {
        static SHARED_OBJECTS: AtomicBool = AtomicBool::new(false);
        &SHARED_OBJECTS
    }

    /// A mutual-exclusion lock (parking_lot: no poisoning, eventual fairness).
    #[derive(Default)]
    pub(crate) struct Mutex<T>(parking_lot::Mutex<T>);
    pub(crate) type MutexGuard<'a, T> = parking_lot::MutexGuard<'a, T>;

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Self {
            Mutex(parking_lot::Mutex::new(value))
        }
        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock()
        }
    }

    /// A condition variable paired with [`Mutex`].
    #[derive(Default)]
    pub(crate) struct Condvar(parking_lot::Condvar);

    impl Condvar {
        pub(crate) fn new() -> Self {
            Condvar(parking_lot::Condvar::new())
        }
        pub(crate) fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
            self.0.wait(guard);
        }
        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }
    }
}

#[cfg(loom)]
mod imp {
    pub(crate) use loom::sync::atomic::{
        fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, Ordering,
    };
    pub(crate) use loom::sync::Arc;

    /// The calling thread's identity (loom's model thread).
    pub(crate) fn current_thread_id() -> loom::thread::ThreadId {
        loom::thread::current().id()
    }
    pub(crate) type ThreadId = loom::thread::ThreadId;

    loom::lazy_static! {
        static ref SHARED_OBJECTS: AtomicBool = AtomicBool::new(false);
    }

    /// The solo-mode flag (`solo.rs`), fresh in every loom execution.
    pub(crate) fn shared_objects_flag() -> &'static AtomicBool {
        &SHARED_OBJECTS
    }

    /// loom's mutex with parking_lot's shape.
    pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

    /// The guard of [`Mutex`]; an `Option` only so that [`Condvar::wait`]
    /// can hand the inner guard to loom by value and put it back.
    pub(crate) struct MutexGuard<'a, T>(Option<loom::sync::MutexGuard<'a, T>>);

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Self {
            Mutex(loom::sync::Mutex::new(value))
        }
        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            MutexGuard(Some(self.0.lock().expect("loom mutex poisoned")))
        }
    }

    impl<T: Default> Default for Mutex<T> {
        fn default() -> Self {
            Mutex::new(T::default())
        }
    }

    impl<T> std::ops::Deref for MutexGuard<'_, T> {
        type Target = T;
        fn deref(&self) -> &T {
            self.0
                .as_ref()
                .expect("guard present outside Condvar::wait")
        }
    }

    impl<T> std::ops::DerefMut for MutexGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            self.0
                .as_mut()
                .expect("guard present outside Condvar::wait")
        }
    }

    /// loom's condition variable with parking_lot's `wait(&mut guard)`.
    pub(crate) struct Condvar(loom::sync::Condvar);

    impl Default for Condvar {
        fn default() -> Self {
            Condvar::new()
        }
    }

    impl Condvar {
        pub(crate) fn new() -> Self {
            Condvar(loom::sync::Condvar::new())
        }
        pub(crate) fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
            let inner = guard.0.take().expect("guard present before wait");
            guard.0 = Some(self.0.wait(inner).expect("loom mutex poisoned"));
        }
        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }
    }
}

pub(crate) use imp::*;
