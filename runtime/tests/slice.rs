//! End-to-end tests of the first vertical slice: programs run through the
//! `stillpoint` binary, checked against outputs written out by hand from
//! CPython 3.11 (the conformance corpus compares against python3 itself).

use std::io::Write;
use std::process::{Command, Output};

fn run_with(args: &[&str], source: &str) -> Output {
    let dir = std::env::temp_dir().join(format!(
        "stillpoint-slice-{}-{}",
        std::process::id(),
        source.len() ^ args.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("prog{}.py", fxhash(source)));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(source.as_bytes())
        .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stillpoint"));
    cmd.args(args).arg(&path);
    cmd.output().expect("the binary runs")
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

fn run(source: &str) -> Output {
    run_with(&[], source)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn last_stderr_line(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .last()
        .unwrap_or("")
        .to_string()
}

/// Runs `source` normally and under gc-stress; both must print `expected`
/// and exit 0.
fn check(source: &str, expected: &str) {
    for args in [&[][..], &["-X", "gc-stress"][..]] {
        let o = run_with(args, source);
        assert_eq!(
            stdout(&o),
            expected,
            "args {args:?}, stderr: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(o.status.code(), Some(0), "args {args:?}");
    }
}

/// Runs `source`, expecting an uncaught exception whose last line is
/// `last`, after `expected` on stdout.
fn check_raises(source: &str, expected: &str, last: &str) {
    let o = run(source);
    assert_eq!(stdout(&o), expected);
    assert_eq!(last_stderr_line(&o), last);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn arithmetic_matches_cpython() {
    check(
        "print(7 // 2, -7 // 2, 7 % -3, -7 % 3, 2 ** 100, 10 / 4, 2 ** -1)\n\
         print(140737488355327 + 1, -140737488355328 - 1, 3 * 2 ** 62, (2 ** 64) // 3)\n\
         print(0.1 + 0.2, 1e16, 1e-5, 1.0, -0.0, 3.0 // 2, -3.5 % 2, 1 / 3)\n\
         print(1 < 2 < 3, 1 < 3 < 2, 2 == 2.0, 5 & 3, 5 | 3, 5 ^ 3, 1 << 70, -(2 ** 47))\n",
        "3 -4 -2 2 1267650600228229401496703205376 2.5 0.5\n\
         140737488355328 -140737488355329 13835058055282163712 6148914691236517205\n\
         0.30000000000000004 1e+16 1e-05 1.0 -0.0 1.0 0.5 0.3333333333333333\n\
         True False True 1 7 6 1180591620717411303424 -140737488355328\n",
    );
}

#[test]
fn control_flow_and_functions() {
    check(
        "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\
         total = 0\nfor i in range(10):\n    if i % 2:\n        continue\n    total += fib(i)\n\
         i = 0\nwhile True:\n    i += 1\n    if i > 3:\n        break\nelse_ran = 0\n\
         def kw(a, b=2, c=3):\n    return a + b * c\n\
         print(total, i, kw(1), kw(1, c=10), kw(a=5, b=1, c=1))\n",
        "33 4 7 21 6\n",
    );
}

#[test]
fn containers_and_strings() {
    check(
        "l = [3, 1, 2]\nl.append(0)\nl[0] = 9\nl.sort()\nd = {'a': 1}\nd['b'] = [1, 2]\n\
         s = 'hello'\nt = (1,)\n\
         print(l, l[-1], len(l), 2 in l, d, d.get('z', 0), s.upper(), s[1], s[-1], repr(s), t)\n\
         print(f'{s}!{t!r}', 'a,b'.split(','), '-'.join(['x', 'y']), [1] * 3, 'ab' * 2, \"it's\")\n\
         for k in d:\n    print(k, d[k])\n\
         a, b = 1, 2\na, b = b, a\nprint(a, b, sorted([3, 2, 1]), min(4, 2), max([1, 5]), sum((1, 2)))\n",
        "[0, 1, 2, 9] 9 4 True {'a': 1, 'b': [1, 2]} 0 HELLO e o 'hello' (1,)\n\
         hello!(1,) ['a', 'b'] x-y [1, 1, 1] abab it's\n\
         a 1\nb [1, 2]\n\
         2 1 [1, 2, 3] 2 5 3\n",
    );
}

#[test]
fn classes_with_methods_and_inheritance() {
    check(
        "class A:\n    kind = 'a'\n    def __init__(self, x, y=5):\n        self.x = x\n        self.y = y\n\
         \x20   def total(self):\n        return self.x + self.y + self.extra()\n\
         \x20   def extra(self):\n        return 0\n\
         \x20   def __repr__(self):\n        return f'A({self.x}, {self.y})'\n\
         class B(A):\n    def extra(self):\n        return 100\n\
         a = A(1)\nb = B(1, 2)\n\
         print(a.total(), b.total(), a, [b], A.kind, b.kind, isinstance(b, A), type(b) is B)\n",
        "6 103 A(1, 5) [A(1, 2)] a a True True\n",
    );
}

#[test]
fn exceptions_are_caught_and_finally_runs() {
    check(
        "class MyError(Exception):\n    pass\n\
         def h(x):\n    for i in range(5):\n        try:\n            if i == x:\n                return i * 10\n        finally:\n            print('f', i)\n\
         try:\n    try:\n        {}['k']\n    except KeyError:\n        print('inner')\n        raise\nexcept LookupError as e:\n    print('outer', repr(e), e)\n\
         try:\n    raise MyError('custom')\nexcept Exception as e:\n    print(type(e).__name__, e)\n\
         print(h(1))\n",
        "inner\nouter KeyError('k') 'k'\nMyError custom\nf 0\nf 1\n10\n",
    );
}

#[test]
fn recursion_is_bounded() {
    check(
        "def f(n):\n    return f(n + 1)\ntry:\n    f(0)\nexcept RecursionError as e:\n    print('caught', e)\n",
        "caught maximum recursion depth exceeded\n",
    );
}

#[test]
fn uncaught_exceptions_exit_1_with_cpython_last_line() {
    check_raises(
        "print('before')\n1 / 0\n",
        "before\n",
        "ZeroDivisionError: division by zero",
    );
    check_raises(
        "def f():\n    return y\nf()\n",
        "",
        "NameError: name 'y' is not defined",
    );
    check_raises("[][1]\n", "", "IndexError: list index out of range");
    check_raises("{}['a']\n", "", "KeyError: 'a'");
    check_raises(
        "'a' + 1\n",
        "",
        "TypeError: can only concatenate str (not \"int\") to str",
    );
    check_raises(
        "class C:\n    pass\nC().x\n",
        "",
        "AttributeError: 'C' object has no attribute 'x'",
    );
    check_raises(
        "def f(a, b):\n    pass\nf(1)\n",
        "",
        "TypeError: f() missing 1 required positional argument: 'b'",
    );
    check_raises("assert 1 == 2, 'nope'\n", "", "AssertionError: nope");
}

#[test]
fn traceback_lists_frames_outermost_first() {
    let o = run("def inner():\n    raise ValueError('bad')\ndef outer():\n    inner()\nouter()\n");
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "Traceback (most recent call last):");
    assert!(lines[1].ends_with("line 5, in <module>"), "{err}");
    assert_eq!(lines[2], "    outer()");
    assert!(lines[3].ends_with("line 4, in outer"), "{err}");
    assert!(lines[5].ends_with("line 2, in inner"), "{err}");
    assert_eq!(lines[7], "ValueError: bad");
}

#[test]
fn unsupported_syntax_is_a_syntax_error_with_a_caret() {
    let o = run("x = 1\nmatch x:\n    case 1:\n        pass\n");
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines[0].ends_with("line 2"), "{err}");
    assert_eq!(lines[1], "    match x:");
    assert_eq!(lines[2], "    ^");
    assert_eq!(lines[3], "SyntaxError: 'match' is not supported yet");
    assert_eq!(o.status.code(), Some(1));
    let o = run("x = = 1\n");
    assert_eq!(last_stderr_line(&o), "SyntaxError: invalid syntax");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn command_line_contract() {
    let bin = env!("CARGO_BIN_EXE_stillpoint");
    let o = Command::new(bin).arg("/nonexistent/x.py").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(last_stderr_line(&o).ends_with("[Errno 2] No such file or directory"));
    let o = Command::new(bin)
        .args(["-c", "print(6 * 7)"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "42\n");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn garbage_is_collected_while_live_data_survives() {
    // Enough allocation to pass the default budget many times,
    // with a live structure that must survive every collection.
    check(
        "keep = []\nfor i in range(200):\n    keep.append([i, str(i)])\n\
         n = 0\nwhile n < 300000:\n    junk = [n, n + 1, 'x' * 10]\n    n += 1\n\
         total = 0\nfor pair in keep:\n    total += pair[0] + len(pair[1])\nprint(total)\n",
        "20390\n",
    );
}

// ---------------------------------------------------------------- language extensions

#[test]
fn closures_nonlocal_and_lambdas() {
    check(
        "def counter():\n    n = 0\n    def inc(k=1, *, by=1):\n        nonlocal n\n        n += k * by\n        return n\n    return inc\nc = counter()\nc(); c(2)\nprint(c(by=10))\nadders = [lambda x, i=i: x + i for i in range(3)]\nprint([f(10) for f in adders])\ndef outer():\n    x = 'a'\n    def mid():\n        def inner():\n            return x * 2\n        return inner\n    return mid()()\nprint(outer())\n",
        "13\n[10, 11, 12]\naa\n",
    );
}

#[test]
fn star_args_kwargs_and_decorators() {
    check(
        "def f(a, *rest, k=0, **kw):\n    return (a, rest, k, sorted(kw.items()))\nprint(f(1, 2, 3, k=4, z=5))\nxs = [1, 2]\nd = {'k': 7, 'q': 8}\nprint(f(*xs, **d))\ndef deco(fn):\n    def wrapper(*a, **k):\n        return ('wrapped', fn(*a, **k))\n    return wrapper\n@deco\ndef g(a, b=2):\n    return a + b\nprint(g(1), g(1, b=5))\ndef tag(cls):\n    cls.tagged = True\n    return cls\n@tag\nclass C:\n    pass\nprint(C.tagged)\n",
        "(1, (2, 3), 4, [('z', 5)])\n(1, (2,), 7, [('q', 8)])\n('wrapped', 3) ('wrapped', 6)\nTrue\n",
    );
    let o = run("def f(*, k):\n    return k\nf()\n");
    assert_eq!(
        last_stderr_line(&o),
        "TypeError: f() missing 1 required keyword-only argument: 'k'"
    );
}

#[test]
fn comprehensions_slices_del_and_unpacking() {
    check(
        "print([x * x for x in range(6) if x % 2], {k: v for k, v in [('a', 1), ('b', 2)]})\nprint([(i, j) for i in range(3) for j in range(i)])\nl = list(range(10))\nprint(l[::2], l[-3:], l[::-1][:3], 'hello'[1:4], (1, 2, 3)[1:])\nl[2:5] = ['a']\ndel l[0]\nprint(l)\ndel l[::2]\nprint(l)\nfirst, *mid, last = range(5)\nprint(first, mid, last)\nx = 1\ndel x\ntry:\n    x\nexcept NameError as e:\n    print(e)\nprint([*l, *'ab'], (*l,))\n",
        "[1, 9, 25] {'a': 1, 'b': 2}\n[(1, 0), (2, 0), (2, 1)]\n[0, 2, 4, 6, 8] [7, 8, 9] [9, 8, 7] ell (2, 3)\n[1, 'a', 5, 6, 7, 8, 9]\n['a', 6, 8]\n0 [1, 2, 3] 4\nname 'x' is not defined\n['a', 6, 8, 'a', 'b'] ('a', 6, 8)\n",
    );
}

#[test]
fn generators_send_and_yield_from() {
    check(
        "def gen(n):\n    for i in range(n):\n        x = yield i\n        if x:\n            print('got', x)\n    return 'done'\nprint(list(gen(3)))\ng = gen(3)\nprint(next(g), g.send('hi'))\ndef deleg():\n    r = yield from gen(2)\n    print('r', r)\n    yield from [7, 8]\nprint(list(deleg()))\nprint(sum(x * x for x in range(10)))\ndef fib():\n    a, b = 0, 1\n    while True:\n        yield a\n        a, b = b, a + b\nf = fib()\nprint([next(f) for _ in range(10)])\ng = gen(1)\nnext(g)\ntry:\n    g.__next__()\nexcept StopIteration as e:\n    print('stop', e.value)\n",
        "[0, 1, 2]\ngot hi\n0 1\nr done\n[0, 1, 7, 8]\n285\n[0, 1, 1, 2, 3, 5, 8, 13, 21, 34]\nstop done\n",
    );
}

#[test]
fn multiple_inheritance_and_zero_argument_super() {
    check(
        "class A:\n    def who(self):\n        return 'A'\nclass B(A):\n    def who(self):\n        return 'B' + super().who()\nclass C(A):\n    def who(self):\n        return 'C' + super().who()\nclass D(B, C):\n    def who(self):\n        return 'D' + super().who()\nprint(D().who(), [k.__name__ for k in D.__mro__])\nclass E(Exception):\n    def __init__(self, msg):\n        super().__init__('E: ' + msg)\nprint(E('x'))\n",
        "DBCA ['D', 'B', 'C', 'A', 'object']\nE: x\n",
    );
    let o = run("class A: pass\nclass B(A): pass\nclass X(A, B): pass\n");
    assert_eq!(last_stderr_line(&o), "order (MRO) for bases A, B");
}
