//! Regression tests for behaviours fixed to match CPython 3.12; each
//! expected output is what CPython prints for the program.

mod common;
use common::check;

#[test]
fn operators_on_lists_dicts_and_bools() {
    check(
        "operators",
        "a = [1, 2]\nb = a\na *= 2\nprint(b, a is b)\na *= 0\nprint(b)\n\
         d = {'x': 1}\ne = d\nd |= {'y': 2}\nprint(e, {'x': 1} | {'x': 3, 'z': 0})\n\
         print(True & False, True | False, True ^ True, True & 3)\n\
         try:\n    (1,) * 2.0\nexcept TypeError as exc:\n    print(exc)\n",
        "[1, 2, 1, 2] True\n[]\n{'x': 1, 'y': 2} {'x': 3, 'z': 0}\nFalse True False 1\n\
         can't multiply sequence by non-int of type 'float'\n",
    );
}

#[test]
fn dict_size_change_during_iteration_raises() {
    check(
        "dict iteration",
        "d = {1: 1, 2: 2}\ntry:\n    for k in d:\n        d[k + 10] = 0\n\
         except RuntimeError as exc:\n    print(exc)\nfor k in d:\n    d[k] = 5\nprint(d)\n",
        "dictionary changed size during iteration\n{1: 5, 2: 5, 11: 5}\n",
    );
}

#[test]
fn exception_chaining_attributes() {
    check(
        "chaining",
        "try:\n    try:\n        {}['k']\n    except KeyError:\n        raise ValueError('v')\n\
         except ValueError as e:\n    print(repr(e.__context__), e.__cause__, e.__suppress_context__)\n\
         try:\n    try:\n        1 / 0\n    except ZeroDivisionError as z:\n        raise TypeError from z\n\
         except TypeError as e:\n    print(type(e.__cause__).__name__, e.__suppress_context__)\n\
         try:\n    raise SystemExit(3)\nexcept SystemExit as e:\n    print(e.code)\n\
         print(issubclass(GeneratorExit, Exception), issubclass(GeneratorExit, BaseException))\n",
        "KeyError('k') None False\nZeroDivisionError True\n3\nFalse True\n",
    );
}

#[test]
fn sequence_protocol_getattr_and_slots() {
    check(
        "protocols",
        "class S:\n    def __getitem__(self, i):\n        if i > 2:\n            raise IndexError\n        return i * 10\n\
         print(list(S()), 20 in S(), 25 in S())\n\
         class P:\n    def __getattr__(self, name):\n        return name.upper()\n\
         p = P()\np.x = 1\nprint(p.x, p.abc)\n\
         class V:\n    __slots__ = ('a',)\nv = V()\nv.a = 1\ntry:\n    v.b = 2\n\
         except AttributeError as exc:\n    print(exc)\n\
         class W(V):\n    pass\nw = W()\nw.b = 2\nprint(w.b)\n",
        "[0, 10, 20] True False\n1 ABC\n'V' object has no attribute 'b'\n2\n",
    );
}

#[test]
fn introspection_attributes() {
    check(
        "introspection",
        "def outer():\n    n = 1\n    def inner(a, b=2):\n        return n + a\n    return inner\n\
         f = outer()\nprint(len(f.__closure__), f.__code__.co_name, f.__code__.co_freevars, \
         f.__code__.co_argcount, f.__code__.co_varnames, outer.__closure__)\n\
         class A:\n    'doc'\nclass B(A):\n    pass\nprint(A.__doc__, B.__doc__, [k.__name__ for k in B.mro()])\n\
         print((7).__add__(3), (7).__add__(1.5), (5).real, (5).imag, True.numerator, (2.5).imag)\n\
         class N:\n    def __abs__(self):\n        return 'abs'\nprint(abs(N()))\n",
        "1 inner ('n',) 2 ('a', 'b') None\ndoc None ['B', 'A', 'object']\n\
         10 NotImplemented 5 0 1 0.0\nabs\n",
    );
}

#[test]
fn deep_recursion_through_dunders() {
    check(
        "native recursion",
        "class C:\n    def __init__(self, nxt):\n        self.nxt = nxt\n    def __len__(self):\n\
         \x20       return 1 + (len(self.nxt) if self.nxt is not None else 0)\n\
         c = None\nfor _ in range(500):\n    c = C(c)\nprint(len(c))\n\
         class L:\n    def __repr__(self):\n        return repr(self)\n\
         try:\n    repr(L())\nexcept RecursionError:\n    print('RecursionError')\n",
        "500\nRecursionError\n",
    );
}

#[test]
fn three_argument_type_builds_a_class() {
    check(
        "type()",
        "D = type('D', (object,), {'x': 5, 'f': lambda self: self.x * 2})\n\
         d = D()\nprint(D.__name__, d.x, d.f(), isinstance(d, D), D.__doc__)\n\
         try:\n    type('E', [], {})\nexcept TypeError as exc:\n    print(exc)\n\
         try:\n    type(1, 2)\nexcept TypeError as exc:\n    print(exc)\n",
        "D 5 10 True None\ntype.__new__() argument 2 must be tuple, not list\n\
         type() takes 1 or 3 arguments\n",
    );
}

/// Deep native recursion (a `__len__` calling `len()` of the next object)
/// on an ordinary thread's stack raises RecursionError through the
/// runtime's native stack budget instead of overflowing that stack.
#[test]
fn native_recursion_is_bounded_by_the_stack_budget_on_a_small_thread() {
    let source = "class N:\n    def __init__(self, nxt):\n        self.nxt = nxt\n    def __len__(self):\n        return len(self.nxt) + 1 if self.nxt else 0\n\nn = None\nfor i in range(100000):\n    n = N(n)\ntry:\n    len(n)\nexcept RecursionError:\n    print('RecursionError')\n";
    let outcome = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let rt = stillpoint::Runtime::new();
            rt.set_recursion_limit(1_000_000);
            // A native stack overflow would abort this whole test process.
            rt.run_source(source, "<deep>")
        })
        .expect("a thread")
        .join()
        .expect("the interpreter thread returns");
    assert!(
        matches!(outcome, stillpoint::Outcome::Completed),
        "the RecursionError is raised and caught: {outcome:?}"
    );
}
