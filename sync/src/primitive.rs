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

    /// The owner's half of an asymmetric store-load barrier: a compiler
    /// barrier, paired with [`heavy_fence`] (see `bias`).
    #[inline(always)]
    pub(crate) fn light_fence() {
        std::sync::atomic::compiler_fence(Ordering::SeqCst);
    }

    /// `membarrier`'s private expedited command, and its registration.
    #[cfg(target_os = "linux")]
    const MEMBARRIER_CMD_PRIVATE_EXPEDITED: libc::c_long = 1 << 3;
    #[cfg(target_os = "linux")]
    const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: libc::c_long = 1 << 4;

    /// Whether [`heavy_fence`] works here: registers the process for
    /// Linux's expedited `membarrier` (once); false elsewhere.
    pub(crate) fn heavy_fence_available() -> bool {
        #[cfg(target_os = "linux")]
        {
            static REGISTERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
            *REGISTERED.get_or_init(|| {
                // SAFETY: `membarrier` takes two integer arguments and a CPU
                // number (unused by this command); it touches no memory of ours.
                let r = unsafe {
                    libc::syscall(
                        libc::SYS_membarrier,
                        MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
                        0 as libc::c_long,
                        0 as libc::c_long,
                    )
                };
                r == 0
            })
        }
        #[cfg(not(target_os = "linux"))]
        {
            false
        }
    }

    /// The revoker's half of the asymmetric barrier: every thread of the
    /// process runs a full memory barrier before this returns, so a
    /// [`light_fence`] anywhere acts as a full one against this call.
    /// Only called after [`heavy_fence_available`] said true.
    pub(crate) fn heavy_fence() {
        fence(Ordering::SeqCst);
        #[cfg(target_os = "linux")]
        {
            // SAFETY: as in `heavy_fence_available`; the process registered.
            let r = unsafe {
                libc::syscall(
                    libc::SYS_membarrier,
                    MEMBARRIER_CMD_PRIVATE_EXPEDITED,
                    0 as libc::c_long,
                    0 as libc::c_long,
                )
            };
            assert_eq!(r, 0, "membarrier failed after registering");
        }
        #[cfg(not(target_os = "linux"))]
        unreachable!("no heavy fence on this platform; nothing is claimed");
    }

    /// One step of a wait for another thread: spins briefly, then yields.
    #[inline]
    pub(crate) fn spin_wait(spins: &mut u32) {
        if *spins < 64 {
            *spins += 1;
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
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

    /// Under loom both halves of the asymmetric barrier are `SeqCst`
    /// fences: what `membarrier` with a compiler barrier provides.
    pub(crate) fn light_fence() {
        fence(Ordering::SeqCst);
    }

    /// See [`light_fence`].
    pub(crate) fn heavy_fence() {
        fence(Ordering::SeqCst);
    }

    /// Always available in a model.
    pub(crate) fn heavy_fence_available() -> bool {
        true
    }

    /// A wait step: lets loom run another thread.
    pub(crate) fn spin_wait(_spins: &mut u32) {
        loom::thread::yield_now();
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
