# The Python half of `stillpoint-stress --python`: shared classes and
# functions that worker threads run in hot loops, and the helpers that
# injector threads call to fire rare events at them.
#
# Every value an injector changes is a *channel*. An injector changing a
# channel takes the next generation number g (increasing over the whole
# run), stores g in `started[ch]`, makes the change so that every read of
# the channel returns g, then stores g in `pub[ch]`. Each iteration of a
# worker's loop reads a channel (v), then calls `late`, which reads
# `pub[ch]` (q), and reads the channel again (w). What it reads must be at
# least what was published before the last back-edge ("stale": v < q of
# the previous iteration) and at least what the call read ("stale after a
# call": w < q; executors check their validity after every escaping
# micro-op, and the event fired before the call read q), and never more
# than `started[ch]` ("out of range": a value nobody wrote, or one of the
# wrong type). The first read of an iteration meets its guards; the
# second may not (guards that dependencies let the optimizer drop). Everything else injectors change keeps the
# answer (1, 1.0 and True; a builtin replaced by an equal Python
# function; list items as int or float), so the workers' checksums are
# exact and the harness recomputes them in Rust.
#
# The file also runs under CPython (`python3 workload.py`): a self-test
# with Python threads, to tell a harness bug from a runtime bug.

import builtins
import sys

try:
    import stress_ns as NS
except ImportError:
    # run as a program (CPython or `stillpoint workload.py`): an object
    # stands in for the module the harness makes
    class StandIn:
        pass

    NS = StandIn()

MOD = 1000003

# Channels, in the harness's order (it checks this list at start-up).
CHANNELS = [
    "class_attr",    # o.k and C.k: C.k = g
    "method",        # o.m(): C.m = a new function
    "property",      # o.p: property.__init__ again
    "staticmethod",  # C.sm(): staticmethod.__init__ again
    "classmethod",   # o.cm(): classmethod.__init__ again
    "object_class",  # o2.cgen, o2.ctag(), o2.pad (a slot): o2.__class__ = the other class
    "bases",         # o3.bgen, o3.bm(): Child.__bases__ = the other base, or a base's attribute
    "defaults",      # fd(i): fd.__defaults__, fd.__code__
    "kwdefaults",    # fk(i): fk.__kwdefaults__
    "global",        # G: module global rebinding
    "module_attr",   # NS.h: setattr on the module, or its dict replaced (Rust)
    "builtin",       # stress_b: builtins.stress_b = g
    "builtin_func",  # stress_f(i): builtins.stress_f = a new function
    "eval_hook",     # probe(): a frame-evaluation hook answers (Rust), or PG
    "debugger",      # dbg, a local of loop_debugger, written by a debugger (Rust)
]
(CH_CLASS_ATTR, CH_METHOD, CH_PROPERTY, CH_STATICMETHOD, CH_CLASSMETHOD,
 CH_OBJECT_CLASS, CH_BASES, CH_DEFAULTS, CH_KWDEFAULTS, CH_GLOBAL,
 CH_MODULE_ATTR, CH_BUILTIN, CH_BUILTIN_FUNC, CH_EVAL_HOOK, CH_DEBUGGER) = range(15)
NCH = len(CHANNELS)
# What `bad` counts, per channel: bad[3 * ch + kind], kind = stale, stale
# after a call, out of range.

G = 0
PG = 0
ONE = 1
ONES = [1, 1.0, True]
GL = [3, 1, 4, 1, 5, 9, 2, 6]
SCRATCH = 0

# Module-level channels' publications; one list per worker for its local.
MPUB = [0] * NCH
MSTARTED = [0] * NCH
WPUB = []
WSTARTED = []
# The live target sets (classes, instances and functions workers share).
TARGETS = []

REAL_ABS = builtins.abs


def py_abs(x):
    return -x if x < 0 else x


def make_builtin_func(g):
    def stress_f(i):
        return g
    return stress_f


def make_method(g, variant):
    if variant == 0:
        def m(self):
            return g
    elif variant == 1:
        def m(self, _g=g):
            return _g
    else:
        def m(self):
            return (g, self)[0]
    return m


def make_getter(g):
    def get(self):
        return g
    return get


def make_static(g):
    def sm():
        return g
    return sm


def make_classfn(g):
    def cm(cls):
        return g
    return cm


# Code objects for fd.__code__ (same signature, no free variables).
def fd_plain(x, d=0):
    return d


def fd_arith(x, d=0):
    return d + 0 * x


def fd_tuple(x, d=0):
    return (d, x)[0]


FD_CODES = [fd_plain.__code__, fd_arith.__code__, fd_tuple.__code__]


class Targets:
    """One set of shared classes, instances and functions."""


def make_targets(g):
    # (class bodies here read no local of this function: the runtime's
    # compiler does not give class bodies closures yet)
    class C:
        one = 1

        def mix(self, i):
            return (i * 3) % 17

    C.k = g
    C.m = make_method(g, 0)
    C.p = property(make_getter(g))
    C.sm = staticmethod(make_static(g))
    C.cm = classmethod(make_classfn(g))

    # Slotted, with one layout: o2's slot survives the class switches.
    class X0:
        __slots__ = ("pad",)

        def ctag(self):
            return X0.cgen

    class X1:
        __slots__ = ("pad",)

        def ctag(self):
            return self.cgen

    class B0:
        def bm(self):
            return self.bgen

    class B1:
        def bm(self):
            return B1.bgen

    class Child(B0):
        pass

    X0.cgen = X1.cgen = B0.bgen = B1.bgen = g

    def fd(x, d=g):
        return d

    def fk(x, *, d=g):
        return d

    t = Targets()
    t.C = C
    t.o = C()
    t.X = [X0, X1]
    t.o2 = X0()
    t.B = [B0, B1]
    t.Child = Child
    t.o3 = Child()
    t.fd = fd
    t.fk = fk
    t.L = [j * j % 11 + 1 for j in range(16)]
    t.pub = [g] * NCH
    t.started = [g] * NCH
    return t


def setup(targets, workers, g):
    global G, PG
    G = g
    PG = g
    builtins.stress_b = g
    builtins.stress_f = make_builtin_func(g)
    NS.h = g
    for j in range(targets):
        TARGETS.append(make_targets(g))
    for w in range(workers):
        WPUB.append([g] * NCH)
        WSTARTED.append([g] * NCH)
    for ch in range(NCH):
        MPUB[ch] = g
        MSTARTED[ch] = g


def probe():
    return PG


# ---- the workers' hot loops ----------------------------------------------


def late(pub, ch):
    """Reads a publication late in a call: an event published before this
    read fired before the call returned, so the executor that made the
    call must see it invalid when the call returns."""
    x = 0
    for k in range(8):
        x += k
    return pub[ch]


def loop_attrs(t, n, acc, bad):
    C = t.C
    o = t.o
    L = t.L
    pub = t.pub
    hi = t.started
    pk = pub[CH_CLASS_ATTR]
    for i in range(n):
        v0 = o.k
        v1 = C.k
        q = late(pub, CH_CLASS_ATTR)
        w0 = o.k
        w1 = C.k
        if v0 < pk or v1 < pk:
            bad[3 * CH_CLASS_ATTR] += 1
        if w0 < q or w1 < q:
            bad[3 * CH_CLASS_ATTR + 1] += 1
        h = hi[CH_CLASS_ATTR]
        if v0 > h or v1 > h or w0 > h or w1 > h:
            bad[3 * CH_CLASS_ATTR + 2] += 1
        pk = q

        acc = (acc * 31 + L[i & 15] * C.one + o.mix(i)) % MOD
    return acc


def loop_methods(t, n, acc, bad):
    C = t.C
    o = t.o
    pub = t.pub
    hi = t.started
    pm = pub[CH_METHOD]
    pp = pub[CH_PROPERTY]
    for i in range(n):
        v0 = o.m()
        q = late(pub, CH_METHOD)
        w0 = o.m()
        if v0 < pm:
            bad[3 * CH_METHOD] += 1
        if w0 < q:
            bad[3 * CH_METHOD + 1] += 1
        h = hi[CH_METHOD]
        if v0 > h or w0 > h:
            bad[3 * CH_METHOD + 2] += 1
        pm = q

        v0 = o.p
        q = late(pub, CH_PROPERTY)
        w0 = o.p
        if v0 < pp:
            bad[3 * CH_PROPERTY] += 1
        if w0 < q:
            bad[3 * CH_PROPERTY + 1] += 1
        h = hi[CH_PROPERTY]
        if v0 > h or w0 > h:
            bad[3 * CH_PROPERTY + 2] += 1
        pp = q

        acc = (acc * 7 + i * C.one) % MOD
    return acc


def loop_descriptors(t, n, acc, bad):
    C = t.C
    o = t.o
    L = t.L
    pub = t.pub
    hi = t.started
    ps = pub[CH_STATICMETHOD]
    pc = pub[CH_CLASSMETHOD]
    for i in range(n):
        v0 = C.sm()
        q = late(pub, CH_STATICMETHOD)
        w0 = C.sm()
        if v0 < ps:
            bad[3 * CH_STATICMETHOD] += 1
        if w0 < q:
            bad[3 * CH_STATICMETHOD + 1] += 1
        h = hi[CH_STATICMETHOD]
        if v0 > h or w0 > h:
            bad[3 * CH_STATICMETHOD + 2] += 1
        ps = q

        v0 = o.cm()
        q = late(pub, CH_CLASSMETHOD)
        w0 = o.cm()
        if v0 < pc:
            bad[3 * CH_CLASSMETHOD] += 1
        if w0 < q:
            bad[3 * CH_CLASSMETHOD + 1] += 1
        h = hi[CH_CLASSMETHOD]
        if v0 > h or w0 > h:
            bad[3 * CH_CLASSMETHOD + 2] += 1
        pc = q

        acc = (acc * 11 + L[(i * 3) & 15]) % MOD
    return acc


def loop_object_class(t, n, acc, bad):
    o2 = t.o2
    pub = t.pub
    hi = t.started
    px = pub[CH_OBJECT_CLASS]
    for i in range(n):
        v0 = o2.cgen
        v1 = o2.ctag()
        # Every thread stores an equal value (1, 1.0 or True), lock-free.
        o2.pad = ONE
        q = late(pub, CH_OBJECT_CLASS)
        w0 = o2.cgen
        w1 = o2.ctag()
        if v0 < px or v1 < px:
            bad[3 * CH_OBJECT_CLASS] += 1
        if w0 < q or w1 < q or o2.pad != 1:
            bad[3 * CH_OBJECT_CLASS + 1] += 1
        h = hi[CH_OBJECT_CLASS]
        if v0 > h or v1 > h or w0 > h or w1 > h:
            bad[3 * CH_OBJECT_CLASS + 2] += 1
        px = q

        acc = (acc * 17 + i * ONE) % MOD
    return acc


def loop_bases(t, n, acc, bad):
    o3 = t.o3
    L = t.L
    pub = t.pub
    hi = t.started
    pb = pub[CH_BASES]
    for i in range(n):
        v0 = o3.bgen
        v1 = o3.bm()
        q = late(pub, CH_BASES)
        w0 = o3.bgen
        w1 = o3.bm()
        if v0 < pb or v1 < pb:
            bad[3 * CH_BASES] += 1
        if w0 < q or w1 < q:
            bad[3 * CH_BASES + 1] += 1
        h = hi[CH_BASES]
        if v0 > h or v1 > h or w0 > h or w1 > h:
            bad[3 * CH_BASES + 2] += 1
        pb = q

        acc = (acc * 19 + len(L)) % MOD
    return acc


def loop_functions(t, n, acc, bad):
    fd = t.fd
    fk = t.fk
    L = t.L
    pub = t.pub
    hi = t.started
    pd = pub[CH_DEFAULTS]
    pk = pub[CH_KWDEFAULTS]
    for i in range(n):
        v0 = fd(i)
        q = late(pub, CH_DEFAULTS)
        w0 = fd(i)
        if v0 < pd:
            bad[3 * CH_DEFAULTS] += 1
        if w0 < q:
            bad[3 * CH_DEFAULTS + 1] += 1
        h = hi[CH_DEFAULTS]
        if v0 > h or w0 > h:
            bad[3 * CH_DEFAULTS + 2] += 1
        pd = q

        v0 = fk(i)
        q = late(pub, CH_KWDEFAULTS)
        w0 = fk(i)
        if v0 < pk:
            bad[3 * CH_KWDEFAULTS] += 1
        if w0 < q:
            bad[3 * CH_KWDEFAULTS + 1] += 1
        h = hi[CH_KWDEFAULTS]
        if v0 > h or w0 > h:
            bad[3 * CH_KWDEFAULTS + 2] += 1
        pk = q

        acc = (acc * 13 + L[(i * 7) & 15] + len(L) - abs(-i) % 7) % MOD
    return acc


def loop_hook(n, acc, bad):
    pub = MPUB
    hi = MSTARTED
    ph = pub[CH_EVAL_HOOK]
    pg = pub[CH_GLOBAL]
    for i in range(n):
        v0 = probe()
        q = late(pub, CH_EVAL_HOOK)
        w0 = probe()
        if v0 < ph:
            bad[3 * CH_EVAL_HOOK] += 1
        if w0 < q:
            bad[3 * CH_EVAL_HOOK + 1] += 1
        h = hi[CH_EVAL_HOOK]
        if v0 > h or w0 > h:
            bad[3 * CH_EVAL_HOOK + 2] += 1
        ph = q

        v0 = G
        q = late(pub, CH_GLOBAL)
        w0 = G
        if v0 < pg:
            bad[3 * CH_GLOBAL] += 1
        if w0 < q:
            bad[3 * CH_GLOBAL + 1] += 1
        h = hi[CH_GLOBAL]
        if v0 > h or w0 > h:
            bad[3 * CH_GLOBAL + 2] += 1
        pg = q

        acc = (acc * 23 + GL[i & 3]) % MOD
    return acc


def loop_modules(n, acc, bad):
    pub = MPUB
    hi = MSTARTED
    pn = pub[CH_MODULE_ATTR]
    pb = pub[CH_BUILTIN]
    for i in range(n):
        v0 = NS.h
        q = late(pub, CH_MODULE_ATTR)
        w0 = NS.h
        if v0 < pn:
            bad[3 * CH_MODULE_ATTR] += 1
        if w0 < q:
            bad[3 * CH_MODULE_ATTR + 1] += 1
        h = hi[CH_MODULE_ATTR]
        if v0 > h or w0 > h:
            bad[3 * CH_MODULE_ATTR + 2] += 1
        pn = q

        v0 = stress_b
        q = late(pub, CH_BUILTIN)
        w0 = stress_b
        if v0 < pb:
            bad[3 * CH_BUILTIN] += 1
        if w0 < q:
            bad[3 * CH_BUILTIN + 1] += 1
        h = hi[CH_BUILTIN]
        if v0 > h or w0 > h:
            bad[3 * CH_BUILTIN + 2] += 1
        pb = q

        acc = (acc * 29 + GL[i & 7] * ONE + min(i, 5)) % MOD
    return acc


def loop_builtin_func(n, acc, accf, bad):
    pub = MPUB
    hi = MSTARTED
    pf = pub[CH_BUILTIN_FUNC]
    for i in range(n):
        v0 = stress_f(i)
        q = late(pub, CH_BUILTIN_FUNC)
        w0 = stress_f(i)
        if v0 < pf:
            bad[3 * CH_BUILTIN_FUNC] += 1
        if w0 < q:
            bad[3 * CH_BUILTIN_FUNC + 1] += 1
        h = hi[CH_BUILTIN_FUNC]
        if v0 > h or w0 > h:
            bad[3 * CH_BUILTIN_FUNC + 2] += 1
        pf = q

        acc = (acc * 3 + 1) % MOD
        accf = accf + i * 0.25
    return acc, accf


def loop_debugger(w, n, acc, dbg, bad):
    # `dbg` is the channel: a debugger writes it, while the world is
    # stopped, from another thread. (Arithmetic on the local: what an
    # executor knows of its type must not outlive the write.)
    pub = WPUB[w]
    hi = WSTARTED[w]
    pd = pub[CH_DEBUGGER]
    for i in range(n):
        v0 = dbg + 0
        q = late(pub, CH_DEBUGGER)
        w0 = dbg + 0
        if v0 < pd:
            bad[3 * CH_DEBUGGER] += 1
        if w0 < q:
            bad[3 * CH_DEBUGGER + 1] += 1
        h = hi[CH_DEBUGGER]
        if v0 > h or w0 > h:
            bad[3 * CH_DEBUGGER + 2] += 1
        pd = q

        acc = (acc * 5 + i) % MOD
    return acc, dbg


def work(w, slot, outer, n, acc, carried, bad):
    """One round of worker w on target set `slot`; `carried` is the
    debugger channel's value, carried from call to call."""
    t = TARGETS[slot]
    accf = 0.0
    for j in range(outer):
        acc = loop_attrs(t, n, acc, bad)
        acc = loop_methods(t, n, acc, bad)
        acc = loop_descriptors(t, n, acc, bad)
        acc = loop_object_class(t, n, acc, bad)
        acc = loop_bases(t, n, acc, bad)
        acc = loop_functions(t, n, acc, bad)
        acc = loop_hook(n, acc, bad)
        acc = loop_modules(n, acc, bad)
        acc, accf = loop_builtin_func(n, acc, accf, bad)
        acc, carried = loop_debugger(w, 4 * n, acc, carried, bad)
    return acc, accf, carried


def traced_target(i):
    return i + 1


def traced_round(n, start, stop, profile):
    """Tracing (or profiling) is switched on in this thread after iteration
    `start` and off after `stop`: the tracer must see exactly the calls in
    between, however hot the loop was before."""
    seen = [0]

    def tracer(frame, event, arg):
        if event == "call" and frame.f_code.co_name == "traced_target":
            seen[0] += 1
        return None

    total = 0
    for i in range(n):
        total += traced_target(i)
        if i == start:
            if profile:
                sys.setprofile(tracer)
            else:
                sys.settrace(tracer)
        if i == stop:
            if profile:
                sys.setprofile(None)
            else:
                sys.settrace(None)
    return seen[0], total


# ---- the injectors' helpers: each fires events in Python ------------------
# (the harness takes the channel's lock, allocates g, sets started, calls
# one of these, then publishes g)


def begin(t, ch, g):
    (MSTARTED if t is None else t.started)[ch] = g


def publish(t, ch, g):
    (MPUB if t is None else t.pub)[ch] = g


def begin_worker(w, g):
    WSTARTED[w][CH_DEBUGGER] = g


def publish_worker(w, g):
    WPUB[w][CH_DEBUGGER] = g


def as_number(g, variant):
    # g as an int or an equal float: the type changes, the value does not
    return float(g) if variant & 1 else g


def set_class_attr(t, g, variant):
    t.C.k = as_number(g, variant)


def set_method(t, g, variant):
    t.C.m = make_method(g, variant % 3)


def switch_object_class(t, g, variant):
    # the class o2 is not an instance of gets g first, then o2 moves to it
    other = t.X[1] if type(t.o2) is t.X[0] else t.X[0]
    other.cgen = as_number(g, variant)
    t.o2.__class__ = other


def switch_bases(t, g, variant):
    other = t.B[1] if t.Child.__bases__[0] is t.B[0] else t.B[0]
    other.bgen = as_number(g, variant)
    t.Child.__bases__ = (other,)


def set_base_attr(t, g, variant):
    t.Child.__bases__[0].bgen = as_number(g, variant)


def set_defaults(t, g, variant):
    t.fd.__defaults__ = (as_number(g, variant),)


def set_code(t, g, variant):
    # the code changes to an equivalent one first: until the defaults
    # change, fd still answers the last generation
    t.fd.__code__ = FD_CODES[variant % 3]
    t.fd.__defaults__ = (as_number(g, variant),)


def set_kwdefaults(t, g, variant):
    t.fk.__kwdefaults__ = {"d": as_number(g, variant)}


def reinit_property(t, g, variant):
    t.C.__dict__["p"].__init__(make_getter(g))


def reinit_staticmethod(t, g, variant):
    t.C.__dict__["sm"].__init__(make_static(g))


def reinit_classmethod(t, g, variant):
    t.C.__dict__["cm"].__init__(make_classfn(g))


def set_global(g, variant):
    global G
    G = as_number(g, variant)


def set_module_attr(g, variant):
    NS.h = as_number(g, variant)


def module_dict_with(g):
    # the new dict for the module-dict replacement (made by the harness)
    d = dict(vars(NS))
    d["h"] = g
    return d


def set_builtin(g, variant):
    builtins.stress_b = as_number(g, variant)


def set_builtin_func(g, variant):
    builtins.stress_f = make_builtin_func(g)


def set_probe_global(g):
    global PG
    PG = g


# Changes that keep every answer: types change, values do not.


def flip_class_one(t, variant):
    t.C.one = ONES[variant % 3]


def flip_global_one(variant):
    global ONE
    ONE = ONES[variant % 3]


def flip_list_item(t, variant):
    j = variant & 15
    x = t.L[j]
    t.L[j] = float(x) if type(x) is int else int(x)


def rebind_global_list():
    global GL
    GL = list(GL)


def flip_abs(variant):
    builtins.abs = py_abs if variant & 1 else REAL_ABS


# Events that change nothing anyone reads.


# The two injectors may run the same scratch action at once: the other's
# `del` may come between this one's store and its `del`, which then finds
# nothing to delete (the events fired all the same).


def scratch_class_attr(t, g):
    t.C.scratch = g
    try:
        del t.C.scratch
    except AttributeError:
        pass


def scratch_global(g):
    global SCRATCH
    SCRATCH = g
    try:
        del SCRATCH
    except NameError:
        pass
    SCRATCH = 0


def scratch_builtin(g):
    builtins.stress_scratch = g
    try:
        del builtins.stress_scratch
    except AttributeError:
        pass


def noop_tracer(frame, event, arg):
    return None


def instrumentation_burst(n, profile):
    # tracing (or profiling) on in this (the injector's) thread for a while
    if profile:
        sys.setprofile(noop_tracer)
    else:
        sys.settrace(noop_tracer)
    total = 0
    for i in range(n):
        total += traced_target(i)
    if profile:
        sys.setprofile(None)
    else:
        sys.settrace(None)
    return total


def refresh_targets(slot, g):
    TARGETS[slot] = make_targets(g)


# ---- the expected answers, in Python (the harness has its own in Rust) ----


def expected_round(outer, n, acc):
    accf = 0.0
    L = [j * j % 11 + 1 for j in range(16)]
    gl = [3, 1, 4, 1, 5, 9, 2, 6]
    for j in range(outer):
        for i in range(n):
            acc = (acc * 31 + L[i & 15] + (i * 3) % 17) % MOD
        for i in range(n):
            acc = (acc * 7 + i) % MOD
        for i in range(n):
            acc = (acc * 11 + L[(i * 3) & 15]) % MOD
        for i in range(n):
            acc = (acc * 17 + i) % MOD
        for i in range(n):
            acc = (acc * 19 + 16) % MOD
        for i in range(n):
            acc = (acc * 13 + L[(i * 7) & 15] + 16 - i % 7) % MOD
        for i in range(n):
            acc = (acc * 23 + gl[i & 3]) % MOD
        for i in range(n):
            acc = (acc * 29 + gl[i & 7] + min(i, 5)) % MOD
        for i in range(n):
            acc = (acc * 3 + 1) % MOD
            accf = accf + i * 0.25
        for i in range(4 * n):
            acc = (acc * 5 + i) % MOD
    return acc, accf


def self_test(seconds, workers):
    """The workload with Python threads and one injector firing the
    Python-level events (no hook, no debugger): `python3 workload.py`, or
    `stillpoint workload.py`. Prints what it checked; exits 1 on a wrong
    result."""
    import threading
    import time

    class Lcg:
        def __init__(self, seed):
            self.s = seed

        def randrange(self, a, b=None):
            self.s = (self.s * 1103515245 + 12345) % 2147483648
            return self.s % a if b is None else a + self.s % (b - a)

    setup(2, workers, 1)
    stop = [False]
    totals = [0, 0, 0]  # rounds, wrong checksums, errors
    bads = []

    def worker(w):
        rng = Lcg(w)
        bad = [0] * (3 * NCH)
        bads.append(bad)
        while not stop[0]:
            outer = rng.randrange(1, 4)
            n = rng.randrange(50, 200)
            acc0 = rng.randrange(MOD)
            acc, accf, _ = work(w, rng.randrange(2), outer, n, acc0, 1, bad)
            want, wantf = expected_round(outer, n, acc0)
            totals[0] += 1
            if acc != want or accf != wantf:
                totals[1] += 1

    def injector():
        rng = Lcg(99)
        g = 1
        while not stop[0]:
            g += 1
            slot = rng.randrange(2)
            t = TARGETS[slot]
            v = rng.randrange(6)
            what = rng.randrange(14)
            if what == 13:
                refresh_targets(slot, g)
                continue
            table = [
                (CH_CLASS_ATTR, set_class_attr), (CH_METHOD, set_method),
                (CH_OBJECT_CLASS, switch_object_class), (CH_BASES, switch_bases),
                (CH_BASES, set_base_attr), (CH_DEFAULTS, set_defaults),
                (CH_DEFAULTS, set_code), (CH_KWDEFAULTS, set_kwdefaults),
                (CH_PROPERTY, reinit_property), (CH_STATICMETHOD, reinit_staticmethod),
                (CH_CLASSMETHOD, reinit_classmethod),
            ]
            if what < len(table):
                ch, f = table[what]
                begin(t, ch, g)
                f(t, g, v)
                publish(t, ch, g)
            else:
                ch, f = [(CH_GLOBAL, set_global), (CH_BUILTIN, set_builtin)][what - len(table)]
                begin(None, ch, g)
                f(g, v)
                publish(None, ch, g)
            flip_class_one(t, v)
            flip_global_one(v)
            flip_list_item(t, v)
            flip_abs(v)
            time.sleep(0.0002)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
    threads.append(threading.Thread(target=injector))
    for th in threads:
        th.start()
    time.sleep(seconds)
    stop[0] = True
    for th in threads:
        th.join()
    wrong = [0] * NCH
    for bad in bads:
        for j in range(3 * NCH):
            wrong[j // 3] += bad[j]
    print("rounds", totals[0], "wrong checksums", totals[1],
          "wrong reads", [(CHANNELS[c], wrong[c]) for c in range(NCH) if wrong[c]])
    return totals[0] > 0 and totals[1] == 0 and sum(wrong) == 0


if __name__ == "__main__":
    ok = self_test(float(sys.argv[1]) if len(sys.argv) > 1 else 2.0, 3)
    sys.exit(0 if ok else 1)
