//! `_thread`: real OS threads and the blocking primitives under
//! `threading`.
//!
//! Each Python thread is an OS thread registered as its own sync mutator
//! with its own gc thread heap and [`Interp`], sharing the runtime. There is
//! no global interpreter lock. Every wait (lock, condition, event,
//! semaphore, barrier, join) first tries without blocking and otherwise
//! runs detached ([`Interp::detached`]), so pauses never wait for a
//! blocked thread.
//!
//! The primitives live in the [`ThreadRegistry`]'s handle table; the Python
//! objects in `threading` hold their handle (an int). Handles are never
//! freed (there are no finalizers yet): a program that creates locks in a
//! loop grows the table.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use stillpoint_gc::{Gc, Tracer};

use super::{arg, float_arg, native_function, raise, ModuleBuilder};
use crate::error::PyResult;
use crate::interp::{Interp, NativeFn};
use crate::object::{ObjectData, PyObject};
use crate::runtime::{Runtime, RuntimeInner};
use crate::value::Value;

/// The native stack of a Python thread (address space only; see main.rs).
const THREAD_STACK: usize = 256 << 20;

/// A blocking primitive.
#[derive(Clone)]
enum Primitive {
    Lock(Arc<PyLock>),
    RLock(Arc<PyRLock>),
    Condition(Arc<PyCondition>),
    Event(Arc<PyEvent>),
    Semaphore(Arc<PySemaphore>),
    Barrier(Arc<PyBarrier>),
}

/// Waits on `cv` until `ready` holds or `deadline` passes; returns whether
/// it holds.
fn wait_until<T>(
    cv: &Condvar,
    guard: &mut parking_lot::MutexGuard<'_, T>,
    deadline: Option<Instant>,
    mut ready: impl FnMut(&T) -> bool,
) -> bool {
    while !ready(guard) {
        match deadline {
            None => cv.wait(guard),
            Some(d) => {
                if cv.wait_until(guard, d).timed_out() {
                    return ready(guard);
                }
            }
        }
    }
    true
}

#[derive(Default)]
struct PyLock {
    locked: Mutex<bool>,
    cv: Condvar,
}

impl PyLock {
    fn try_acquire(&self) -> bool {
        let mut g = self.locked.lock();
        !std::mem::replace(&mut *g, true)
    }
    fn acquire(&self, deadline: Option<Instant>) -> bool {
        let mut g = self.locked.lock();
        let ok = wait_until(&self.cv, &mut g, deadline, |locked| !*locked);
        if ok {
            *g = true;
        }
        ok
    }
    fn release(&self) -> bool {
        let mut g = self.locked.lock();
        if !*g {
            return false;
        }
        *g = false;
        self.cv.notify_one();
        true
    }
}

/// (owner ident, count); owner 0 = free.
#[derive(Default)]
struct PyRLock {
    state: Mutex<(u64, u64)>,
    cv: Condvar,
}

impl PyRLock {
    fn try_acquire(&self, me: u64) -> bool {
        let mut g = self.state.lock();
        if g.0 == me {
            g.1 += 1;
            true
        } else if g.0 == 0 {
            *g = (me, 1);
            true
        } else {
            false
        }
    }
    fn acquire(&self, me: u64, count: u64, deadline: Option<Instant>) -> bool {
        let mut g = self.state.lock();
        let ok = wait_until(&self.cv, &mut g, deadline, |s| s.0 == 0);
        if ok {
            *g = (me, count);
        }
        ok
    }
    fn release(&self, me: u64) -> bool {
        let mut g = self.state.lock();
        if g.0 != me {
            return false;
        }
        g.1 -= 1;
        if g.1 == 0 {
            g.0 = 0;
            self.cv.notify_one();
        }
        true
    }
    /// Releases fully; the count to restore.
    fn release_all(&self, me: u64) -> Option<u64> {
        let mut g = self.state.lock();
        if g.0 != me {
            return None;
        }
        let count = g.1;
        *g = (0, 0);
        self.cv.notify_one();
        Some(count)
    }
}

#[derive(Default)]
struct Waiter {
    signaled: Mutex<bool>,
    cv: Condvar,
}

#[derive(Default)]
struct PyCondition {
    waiters: Mutex<VecDeque<Arc<Waiter>>>,
}

#[derive(Default)]
struct PyEvent {
    flag: Mutex<bool>,
    cv: Condvar,
}

struct PySemaphore {
    value: Mutex<i64>,
    bound: i64,
    cv: Condvar,
}

struct BarrierState {
    count: usize,
    generation: u64,
    broken: bool,
}

struct PyBarrier {
    parties: usize,
    state: Mutex<BarrierState>,
    cv: Condvar,
}

/// Signals that a thread finished.
#[derive(Default)]
struct Done {
    finished: Mutex<bool>,
    cv: Condvar,
}

#[derive(Default)]
struct RegistryState {
    /// Threads started and not finished.
    live: usize,
    /// The Python thread objects of live threads and the main thread, by
    /// ident (gc roots).
    objects: HashMap<u64, Value>,
    idents: HashMap<ThreadId, u64>,
    main_ident: u64,
    done: HashMap<u64, Arc<Done>>,
    thread_numbers: u64,
}

/// The runtime's threads and primitives.
#[derive(Default)]
pub struct ThreadRegistry {
    state: Mutex<RegistryState>,
    all_done: Condvar,
    handles: Mutex<HashMap<u64, Primitive>>,
    next_id: AtomicU64,
}

impl ThreadRegistry {
    fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The calling OS thread's ident (assigned on first use).
    pub fn current_ident(&self) -> u64 {
        let id = std::thread::current().id();
        if let Some(i) = self.state.lock().idents.get(&id) {
            return *i;
        }
        let ident = self.next_id();
        self.state.lock().idents.insert(id, ident);
        ident
    }

    /// Marks the calling thread as the main thread of a `run_source`.
    pub(crate) fn enter_source(&self) {
        let ident = self.current_ident();
        let mut st = self.state.lock();
        st.main_ident = ident;
    }

    /// Waits (the caller holds no attached mutator) until every started
    /// thread finished, then ends the `run_source`.
    pub(crate) fn leave_source(&self) {
        let mut st = self.state.lock();
        while st.live > 0 {
            self.all_done.wait(&mut st);
        }
    }

    /// Marks the thread objects (a global root; the lock is never held
    /// across a safepoint).
    pub(crate) fn trace(&self, tracer: &mut Tracer) {
        for v in self.state.lock().objects.values() {
            if let Some(o) = v.as_object() {
                tracer.mark(o);
            }
        }
    }

    fn add(&self, p: Primitive) -> u64 {
        let id = self.next_id();
        self.handles.lock().insert(id, p);
        id
    }
}

/// The `_thread` module.
pub fn create(i: &mut Interp<'_>) -> Gc<PyObject> {
    let mut b = ModuleBuilder::new(i, "_thread");
    let functions: &[(&'static str, NativeFn)] = &[
        ("get_ident", get_ident),
        ("main_ident", main_ident),
        ("monotonic", monotonic),
        ("new_thread_number", new_thread_number),
        ("start", start),
        ("call", call),
        ("join", join),
        ("is_alive", is_alive),
        ("current", current),
        ("set_main_thread", set_main_thread),
        ("active_count", active_count),
        ("all_threads", all_threads),
        ("lock_new", lock_new),
        ("lock_acquire", lock_acquire),
        ("lock_release", lock_release),
        ("lock_locked", lock_locked),
        ("rlock_new", rlock_new),
        ("rlock_acquire", rlock_acquire),
        ("rlock_release", rlock_release),
        ("cond_new", cond_new),
        ("cond_wait", cond_wait),
        ("cond_notify", cond_notify),
        ("event_new", event_new),
        ("event_set", event_set),
        ("event_clear", event_clear),
        ("event_is_set", event_is_set),
        ("event_wait", event_wait),
        ("sem_new", sem_new),
        ("sem_acquire", sem_acquire),
        ("sem_release", sem_release),
        ("barrier_new", barrier_new),
        ("barrier_wait", barrier_wait),
        ("barrier_abort", barrier_abort),
        ("barrier_reset", barrier_reset),
    ];
    b.functions(i, functions);
    let _ = native_function;
    b.finish(i)
}

type Args<'x> = &'x [Value];
type Kwargs<'x> = &'x [(Value, Value)];

fn registry<'r>(i: &Interp<'r>) -> &'r ThreadRegistry {
    &i.rt.threads
}

fn int(i: &mut Interp<'_>, v: Option<Value>) -> PyResult<i64> {
    match v.and_then(|v| i.as_i64(v)) {
        Some(n) => Ok(n),
        None => i.type_error("an integer is required"),
    }
}

fn handle(i: &mut Interp<'_>, args: Args<'_>) -> PyResult<Primitive> {
    let id = int(i, args.first().copied())? as u64;
    let found = registry(i).handles.lock().get(&id).cloned();
    match found {
        Some(p) => Ok(p),
        None => raise(i, i.rt.types.runtime_error, "invalid primitive handle"),
    }
}

/// The deadline for a timeout argument (None or negative: none).
fn deadline(i: &mut Interp<'_>, v: Option<Value>) -> PyResult<Option<Instant>> {
    match v {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => {
            let secs = float_arg(i, v)?;
            if secs < 0.0 {
                Ok(None)
            } else {
                Ok(Some(
                    Instant::now() + Duration::from_secs_f64(secs.min(9.2e9)),
                ))
            }
        }
    }
}

fn truthy(i: &mut Interp<'_>, v: Option<Value>, default: bool) -> PyResult<bool> {
    match v {
        Some(v) => i.is_true(v),
        None => Ok(default),
    }
}

fn get_ident(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let ident = registry(i).current_ident();
    Ok(i.new_int(ident as i64))
}

fn main_ident(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let ident = registry(i).state.lock().main_ident;
    Ok(i.new_int(ident as i64))
}

fn monotonic(_: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(Value::float(super::time::monotonic_seconds()))
}

fn new_thread_number(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let n = {
        let mut st = registry(i).state.lock();
        st.thread_numbers += 1;
        st.thread_numbers
    };
    Ok(i.new_int(n as i64))
}

/// `_thread.start(thread)`: runs `thread.run()` on a new OS thread.
fn start(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let Some(&thread) = args.first() else {
        return i.type_error("start() takes a thread object");
    };
    let registry = i.rt.threads.clone();
    let ident = registry.next_id();
    let key = i.new_str("ident");
    let ident_value = i.new_int(ident as i64);
    i.set_attr(thread, key, ident_value)?;
    let key = i.new_str("native_id");
    i.set_attr(thread, key, ident_value)?;
    // The thread holds a handle: the runtime outlives it, whether it was
    // started inside `run_source` (which waits for it) or by code an
    // embedder runs in `attach` (which does not).
    let Some(rt) = i.rt.handle() else {
        return raise(i, i.rt.types.runtime_error, "the runtime is shutting down");
    };
    let done = Arc::new(Done::default());
    let mut st = registry.state.lock();
    st.objects.insert(ident, thread);
    st.done.insert(ident, done.clone());
    st.live += 1;
    let thread_registry = registry.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("python-{ident}"))
        .stack_size(THREAD_STACK)
        .spawn(move || thread_main(rt, thread_registry, ident, done));
    if spawned.is_err() {
        st.objects.remove(&ident);
        st.done.remove(&ident);
        st.live -= 1;
        drop(st);
        return raise(i, i.rt.types.runtime_error, "can't start new thread");
    }
    Ok(Value::NONE)
}

fn thread_main(rt: Runtime, registry: Arc<ThreadRegistry>, ident: u64, done: Arc<Done>) {
    let rt: &RuntimeInner = &rt;
    registry
        .state
        .lock()
        .idents
        .insert(std::thread::current().id(), ident);
    {
        let m = rt.world().register();
        m.attach();
        let _attachment = crate::embed::enter_attachment(&m);
        let th = rt.heap().thread(&m);
        let mut interp = Interp::new(rt, th);
        let thread = registry.state.lock().objects.get(&ident).copied();
        if let Some(thread) = thread {
            interp.push_root(thread);
            let run = interp.new_str("run");
            let result = match interp.get_attr(thread, run) {
                Ok(f) => {
                    interp.push_root(f);
                    interp.call_value(f, &[], &[])
                }
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                if !interp.isinstance(e.0, rt.types.system_exit) {
                    interp.push_root(e.0);
                    let key = interp.new_str("name");
                    let name = match interp.get_attr(thread, key) {
                        Ok(n) => interp.str(n).unwrap_or_default(),
                        Err(_) => format!("Thread-{ident}"),
                    };
                    let text = interp.format_exception(e);
                    rt.flush_stdout();
                    eprint!("Exception in thread {name}:\n{text}");
                }
            }
        }
    }
    // Leave the registry before `join` can return: a joined thread no
    // longer counts in `active_count` or `enumerate`.
    {
        let mut st = registry.state.lock();
        st.objects.remove(&ident);
        st.idents.remove(&std::thread::current().id());
        st.live -= 1;
    }
    *done.finished.lock() = true;
    done.cv.notify_all();
    registry.all_done.notify_all();
}

/// `_thread.call(f, args, kwargs)`: `f(*args, **kwargs)`.
fn call(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let Some(&f) = args.first() else {
        return i.type_error("call() takes a callable");
    };
    let positional = match args.get(1) {
        Some(a) if !a.is_none() => i.collect_iterable(*a)?,
        _ => Vec::new(),
    };
    let mark = i.root_all(&positional);
    let mut keywords = Vec::new();
    if let Some(ObjectData::Dict(d)) = args.get(2).and_then(|k| k.data()) {
        keywords = d.lock().items().collect::<Vec<_>>();
    }
    for (k, v) in &keywords {
        i.push_root(*k);
        i.push_root(*v);
    }
    let r = i.call_value(f, &positional, &keywords);
    i.truncate_roots(mark);
    r
}

fn join(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let ident = int(i, args.first().copied())? as u64;
    let deadline = deadline(i, args.get(1).copied())?;
    let done = registry(i).state.lock().done.get(&ident).cloned();
    if let Some(done) = done {
        let finished = i.detached(|| {
            let mut g = done.finished.lock();
            wait_until(&done.cv, &mut g, deadline, |f| *f)
        });
        if finished {
            registry(i).state.lock().done.remove(&ident);
        }
    }
    Ok(Value::NONE)
}

fn is_alive(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let ident = int(i, args.first().copied())? as u64;
    let st = registry(i).state.lock();
    let alive = match st.done.get(&ident) {
        Some(d) => !*d.finished.lock(),
        None => ident == st.main_ident,
    };
    Ok(Value::bool(alive))
}

fn current(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let ident = registry(i).current_ident();
    let st = registry(i).state.lock();
    Ok(st.objects.get(&ident).copied().unwrap_or(Value::NONE))
}

fn set_main_thread(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let mut st = registry(i).state.lock();
    let main = st.main_ident;
    if let Some(&t) = args.first() {
        st.objects.insert(main, t);
    }
    Ok(Value::NONE)
}

fn active_count(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let n = registry(i).state.lock().live + 1;
    Ok(i.new_int(n as i64))
}

fn all_threads(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let items: Vec<Value> = {
        let st = registry(i).state.lock();
        let mut pairs: Vec<(u64, Value)> = st.objects.iter().map(|(k, v)| (*k, *v)).collect();
        pairs.sort_by_key(|(k, _)| *k);
        pairs.into_iter().map(|(_, v)| v).collect()
    };
    Ok(i.new_list(items))
}

// ------------------------------------------------------------ primitives

fn new_handle(i: &mut Interp<'_>, p: Primitive) -> PyResult<Value> {
    let id = registry(i).add(p);
    Ok(i.new_int(id as i64))
}

fn lock_new(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    new_handle(i, Primitive::Lock(Arc::default()))
}

fn rlock_new(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    new_handle(i, Primitive::RLock(Arc::default()))
}

fn cond_new(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    new_handle(i, Primitive::Condition(Arc::default()))
}

fn event_new(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    new_handle(i, Primitive::Event(Arc::default()))
}

fn sem_new(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let value = int(i, args.first().copied())?;
    let bound = int(i, args.get(1).copied())?;
    new_handle(
        i,
        Primitive::Semaphore(Arc::new(PySemaphore {
            value: Mutex::new(value),
            bound,
            cv: Condvar::new(),
        })),
    )
}

fn barrier_new(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let parties = int(i, args.first().copied())?.max(1) as usize;
    new_handle(
        i,
        Primitive::Barrier(Arc::new(PyBarrier {
            parties,
            state: Mutex::new(BarrierState {
                count: 0,
                generation: 0,
                broken: false,
            }),
            cv: Condvar::new(),
        })),
    )
}

/// `acquire(handle, blocking, timeout)` for Lock and RLock.
fn acquire_any(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let p = handle(i, args)?;
    let blocking = truthy(i, arg(i, args, kwargs, 1, "blocking"), true)?;
    let deadline = deadline(i, arg(i, args, kwargs, 2, "timeout"))?;
    let me = registry(i).current_ident();
    let ok = match p {
        Primitive::Lock(l) => l.try_acquire() || (blocking && i.detached(|| l.acquire(deadline))),
        Primitive::RLock(l) => {
            l.try_acquire(me) || (blocking && i.detached(|| l.acquire(me, 1, deadline)))
        }
        _ => return i.type_error("not a lock"),
    };
    Ok(Value::bool(ok))
}

fn lock_acquire(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    acquire_any(i, args, kwargs)
}

fn rlock_acquire(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    acquire_any(i, args, kwargs)
}

fn lock_release(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    match handle(i, args)? {
        Primitive::Lock(l) if l.release() => Ok(Value::NONE),
        _ => raise(i, i.rt.types.runtime_error, "release unlocked lock"),
    }
}

fn rlock_release(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let me = registry(i).current_ident();
    match handle(i, args)? {
        Primitive::RLock(l) if l.release(me) => Ok(Value::NONE),
        _ => raise(
            i,
            i.rt.types.runtime_error,
            "cannot release un-acquired lock",
        ),
    }
}

fn lock_locked(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    match handle(i, args)? {
        Primitive::Lock(l) => Ok(Value::bool(*l.locked.lock())),
        Primitive::RLock(l) => Ok(Value::bool(l.state.lock().0 != 0)),
        _ => i.type_error("not a lock"),
    }
}

/// Whether the calling thread may use a condition over `lock`.
fn lock_held(lock: &Primitive, me: u64) -> bool {
    match lock {
        Primitive::Lock(l) => *l.locked.lock(),
        Primitive::RLock(l) => l.state.lock().0 == me,
        _ => false,
    }
}

/// `cond_wait(cond, lock, timeout)`.
fn cond_wait(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let Primitive::Condition(cond) = handle(i, args)? else {
        return i.type_error("not a condition");
    };
    let lock = handle(i, &args[1..])?;
    let deadline = deadline(i, args.get(2).copied())?;
    let me = registry(i).current_ident();
    if !lock_held(&lock, me) {
        return raise(
            i,
            i.rt.types.runtime_error,
            "cannot wait on un-acquired lock",
        );
    }
    let waiter = Arc::new(Waiter::default());
    cond.waiters.lock().push_back(waiter.clone());
    let saved = match &lock {
        Primitive::Lock(l) => {
            l.release();
            1
        }
        Primitive::RLock(l) => l.release_all(me).unwrap_or(1),
        _ => 1,
    };
    let signaled = i.detached(|| {
        let signaled = {
            let mut g = waiter.signaled.lock();
            wait_until(&waiter.cv, &mut g, deadline, |s| *s)
        };
        if !signaled {
            cond.waiters.lock().retain(|w| !Arc::ptr_eq(w, &waiter));
        }
        match &lock {
            Primitive::Lock(l) => {
                l.acquire(None);
            }
            Primitive::RLock(l) => {
                l.acquire(me, saved, None);
            }
            _ => {}
        }
        signaled
    });
    Ok(Value::bool(signaled))
}

/// `cond_notify(cond, lock, n)` (n < 0: all).
fn cond_notify(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let Primitive::Condition(cond) = handle(i, args)? else {
        return i.type_error("not a condition");
    };
    let lock = handle(i, &args[1..])?;
    let n = int(i, args.get(2).copied())?;
    let me = registry(i).current_ident();
    if !lock_held(&lock, me) {
        return raise(
            i,
            i.rt.types.runtime_error,
            "cannot notify on un-acquired lock",
        );
    }
    let mut waiters = cond.waiters.lock();
    let count = if n < 0 {
        waiters.len()
    } else {
        (n as usize).min(waiters.len())
    };
    for w in waiters.drain(..count) {
        *w.signaled.lock() = true;
        w.cv.notify_one();
    }
    Ok(Value::NONE)
}

fn event(i: &mut Interp<'_>, args: Args<'_>) -> PyResult<Arc<PyEvent>> {
    match handle(i, args)? {
        Primitive::Event(e) => Ok(e),
        _ => i.type_error("not an event"),
    }
}

fn event_set(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let e = event(i, args)?;
    *e.flag.lock() = true;
    e.cv.notify_all();
    Ok(Value::NONE)
}

fn event_clear(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let e = event(i, args)?;
    *e.flag.lock() = false;
    Ok(Value::NONE)
}

fn event_is_set(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let e = event(i, args)?;
    let set = *e.flag.lock();
    Ok(Value::bool(set))
}

fn event_wait(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let e = event(i, args)?;
    let deadline = deadline(i, args.get(1).copied())?;
    if *e.flag.lock() {
        return Ok(Value::TRUE);
    }
    let set = i.detached(|| {
        let mut g = e.flag.lock();
        wait_until(&e.cv, &mut g, deadline, |f| *f)
    });
    Ok(Value::bool(set))
}

fn semaphore(i: &mut Interp<'_>, args: Args<'_>) -> PyResult<Arc<PySemaphore>> {
    match handle(i, args)? {
        Primitive::Semaphore(s) => Ok(s),
        _ => i.type_error("not a semaphore"),
    }
}

fn sem_acquire(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let s = semaphore(i, args)?;
    let blocking = truthy(i, arg(i, args, kwargs, 1, "blocking"), true)?;
    let deadline = deadline(i, arg(i, args, kwargs, 2, "timeout"))?;
    let try_take = |s: &PySemaphore| {
        let mut g = s.value.lock();
        if *g > 0 {
            *g -= 1;
            true
        } else {
            false
        }
    };
    let ok = try_take(&s)
        || (blocking
            && i.detached(|| {
                let mut g = s.value.lock();
                let ok = wait_until(&s.cv, &mut g, deadline, |v| *v > 0);
                if ok {
                    *g -= 1;
                }
                ok
            }));
    Ok(Value::bool(ok))
}

fn sem_release(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = semaphore(i, args)?;
    let n = int(i, args.get(1).copied())?;
    if n < 1 {
        return i.value_error("n must be one or more");
    }
    let mut g = s.value.lock();
    if s.bound >= 0 && *g + n > s.bound {
        drop(g);
        return i.value_error("Semaphore released too many times");
    }
    *g += n;
    for _ in 0..n {
        s.cv.notify_one();
    }
    Ok(Value::NONE)
}

fn barrier(i: &mut Interp<'_>, args: Args<'_>) -> PyResult<Arc<PyBarrier>> {
    match handle(i, args)? {
        Primitive::Barrier(b) => Ok(b),
        _ => i.type_error("not a barrier"),
    }
}

/// `barrier_wait(barrier, timeout, action)`: the arrival index, or -1 if
/// the barrier is broken (threading raises BrokenBarrierError).
fn barrier_wait(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let b = barrier(i, args)?;
    let deadline = deadline(i, args.get(1).copied())?;
    let action = args.get(2).copied().filter(|a| !a.is_none());
    let (index, generation) = {
        let mut g = b.state.lock();
        if g.broken {
            return Ok(i.new_int(-1));
        }
        let index = g.count;
        g.count += 1;
        (index, g.generation)
    };
    if index + 1 == b.parties {
        if let Some(action) = action {
            if let Err(e) = i.call_value(action, &[], &[]) {
                let mut g = b.state.lock();
                g.broken = true;
                b.cv.notify_all();
                return Err(e);
            }
        }
        let mut g = b.state.lock();
        g.count = 0;
        g.generation += 1;
        b.cv.notify_all();
        return Ok(i.new_int(index as i64));
    }
    let passed = i.detached(|| {
        let mut g = b.state.lock();
        let ok = wait_until(&b.cv, &mut g, deadline, |s| {
            s.generation != generation || s.broken
        });
        if !ok || g.broken {
            g.broken = true;
            b.cv.notify_all();
            false
        } else {
            true
        }
    });
    Ok(i.new_int(if passed { index as i64 } else { -1 }))
}

fn barrier_abort(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let b = barrier(i, args)?;
    b.state.lock().broken = true;
    b.cv.notify_all();
    Ok(Value::NONE)
}

fn barrier_reset(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let b = barrier(i, args)?;
    let mut g = b.state.lock();
    g.broken = false;
    g.count = 0;
    g.generation += 1;
    b.cv.notify_all();
    Ok(Value::NONE)
}
