# The `threading` module: Python classes over the native primitives of
# `_thread` (every blocking wait there detaches from the world first).
import _thread

get_ident = _thread.get_ident
TIMEOUT_MAX = 9223372036.0


class BrokenBarrierError(RuntimeError):
    pass


class Lock:
    def __init__(self):
        self._handle = _thread.lock_new()

    def acquire(self, blocking=True, timeout=-1):
        return _thread.lock_acquire(self._handle, blocking, timeout)

    def release(self):
        _thread.lock_release(self._handle)

    def locked(self):
        return _thread.lock_locked(self._handle)

    def __enter__(self):
        return _thread.lock_acquire(self._handle, True, -1)

    def __exit__(self, exc_type, exc, tb):
        _thread.lock_release(self._handle)


class RLock:
    def __init__(self):
        self._handle = _thread.rlock_new()

    def acquire(self, blocking=True, timeout=-1):
        return _thread.rlock_acquire(self._handle, blocking, timeout)

    def release(self):
        _thread.rlock_release(self._handle)

    def __enter__(self):
        return _thread.rlock_acquire(self._handle, True, -1)

    def __exit__(self, exc_type, exc, tb):
        _thread.rlock_release(self._handle)


class Condition:
    def __init__(self, lock=None):
        if lock is None:
            lock = RLock()
        self._lock = lock
        self._handle = _thread.cond_new()

    def acquire(self, blocking=True, timeout=-1):
        return self._lock.acquire(blocking, timeout)

    def release(self):
        self._lock.release()

    def __enter__(self):
        return self._lock.acquire()

    def __exit__(self, exc_type, exc, tb):
        self._lock.release()

    def wait(self, timeout=None):
        return _thread.cond_wait(self._handle, self._lock._handle, timeout)

    def wait_for(self, predicate, timeout=None):
        deadline = None
        if timeout is not None:
            deadline = _thread.monotonic() + timeout
        result = predicate()
        while not result:
            if deadline is not None:
                remaining = deadline - _thread.monotonic()
                if remaining <= 0:
                    break
                self.wait(remaining)
            else:
                self.wait()
            result = predicate()
        return result

    def notify(self, n=1):
        _thread.cond_notify(self._handle, self._lock._handle, n)

    def notify_all(self):
        _thread.cond_notify(self._handle, self._lock._handle, -1)

    def notifyAll(self):
        _thread.cond_notify(self._handle, self._lock._handle, -1)


class Semaphore:
    def __init__(self, value=1):
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        self._handle = _thread.sem_new(value, -1)

    def acquire(self, blocking=True, timeout=None):
        return _thread.sem_acquire(self._handle, blocking, timeout)

    def release(self, n=1):
        _thread.sem_release(self._handle, n)

    def __enter__(self):
        return _thread.sem_acquire(self._handle, True, None)

    def __exit__(self, exc_type, exc, tb):
        _thread.sem_release(self._handle, 1)


class BoundedSemaphore(Semaphore):
    def __init__(self, value=1):
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        self._handle = _thread.sem_new(value, value)


class Event:
    def __init__(self):
        self._handle = _thread.event_new()

    def is_set(self):
        return _thread.event_is_set(self._handle)

    def isSet(self):
        return _thread.event_is_set(self._handle)

    def set(self):
        _thread.event_set(self._handle)

    def clear(self):
        _thread.event_clear(self._handle)

    def wait(self, timeout=None):
        return _thread.event_wait(self._handle, timeout)


class Barrier:
    def __init__(self, parties, action=None, timeout=None):
        if parties < 1:
            raise ValueError("parties must be > 0")
        self.parties = parties
        self._action = action
        self._timeout = timeout
        self._handle = _thread.barrier_new(parties)

    def wait(self, timeout=None):
        if timeout is None:
            timeout = self._timeout
        index = _thread.barrier_wait(self._handle, timeout, self._action)
        if index < 0:
            raise BrokenBarrierError()
        return index

    def abort(self):
        _thread.barrier_abort(self._handle)

    def reset(self):
        _thread.barrier_reset(self._handle)


class Thread:
    def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, daemon=None):
        self._target = target
        self._args = args
        self._kwargs = kwargs
        if name is None:
            name = "Thread-" + str(_thread.new_thread_number())
            if target is not None:
                target_name = getattr(target, "__name__", None)
                if target_name is not None:
                    name = name + " (" + target_name + ")"
        self.name = name
        if daemon is None:
            daemon = False
        self.daemon = daemon
        self.ident = None
        self.native_id = None
        self._started = False

    def start(self):
        if self._started:
            raise RuntimeError("threads can only be started once")
        self._started = True
        _thread.start(self)

    def run(self):
        if self._target is not None:
            _thread.call(self._target, self._args, self._kwargs)

    def join(self, timeout=None):
        if not self._started:
            raise RuntimeError("cannot join thread before it is started")
        if self.ident == get_ident():
            raise RuntimeError("cannot join current thread")
        _thread.join(self.ident, timeout)

    def is_alive(self):
        return self._started and _thread.is_alive(self.ident)

    def getName(self):
        return self.name

    def setName(self, name):
        self.name = name

    def isDaemon(self):
        return self.daemon

    def setDaemon(self, daemonic):
        self.daemon = daemonic


class _MainThread(Thread):
    def __init__(self):
        Thread.__init__(self, name="MainThread")
        self._started = True
        self.ident = _thread.main_ident()
        self.native_id = self.ident


_main_thread = _MainThread()
_thread.set_main_thread(_main_thread)


def current_thread():
    t = _thread.current()
    if t is None:
        return _main_thread
    return t


def main_thread():
    return _main_thread


def active_count():
    return _thread.active_count()


def enumerate():
    return _thread.all_threads()


currentThread = current_thread
activeCount = active_count
