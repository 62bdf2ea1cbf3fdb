//! Builtins, str/list/dict methods and dict views, through the
//! `stillpoint` binary; each program also runs under `-X gc-stress`
//! (lazy iterators and views hold values across Python calls). Expected
//! outputs were written from CPython 3.11.

mod common;

use common::check;

#[test]
fn lazy_iterators() {
    check(
        "lazy",
        r#"
def gen(n):
    for k in range(n):
        yield [k] * 2
print(list(zip(gen(3), "abcd", range(10))))
print(list(map(lambda a, b: a + b, [1, 2, 3], (10, 20))))
print(list(filter(lambda s: len(s) > 1, ["a", "bb", "ccc"])), list(filter(None, [0, "", 3])))
print(list(enumerate(gen(2), start=5)), list(reversed([1, 2, 3])), list(reversed(range(1, 10, 3))))
m = map(str, [1, 2])
print(next(m), next(m), next(m, "done"))
try:
    list(zip([1, 2], [1], strict=True))
except ValueError as e:
    print(e)
calls = iter([3, 2, 1, 0, 9])
print(list(iter(lambda: next(calls), 0)))
print(any(x > 2 for x in [1, 3]), all(x > 2 for x in [1, 3]), any([]), all([]))
def g():
    yield 1
    return "ret"
it = g()
next(it)
try:
    next(it)
except StopIteration as e:
    print("value", e.value)
"#,
        "[([0, 0], 'a', 0), ([1, 1], 'b', 1), ([2, 2], 'c', 2)]\n\
         [11, 22]\n\
         ['bb', 'ccc'] [3]\n\
         [(5, [0, 0]), (6, [1, 1])] [3, 2, 1] [7, 4, 1]\n\
         1 2 done\n\
         zip() argument 2 is shorter than argument 1\n\
         [3, 2, 1]\n\
         True False False True\n\
         value ret\n",
    );
}

#[test]
fn numeric_builtins() {
    check(
        "numeric",
        r#"
print(divmod(7, -2), divmod(-7.5, 2), pow(3, 200, 7), pow(2, -1, 7), pow(2, 10))
print(round(0.5), round(1.5), round(2.5), round(-2.5), round(2.675, 2), round(1250, -2), round(1350, -2))
print(bin(10), bin(-3), hex(255), oct(-8), (1 << 80).bit_length(), (7.0).is_integer(), (0.75).as_integer_ratio())
"#,
        "(-4, -1) (-4.0, 0.5) 2 4 1024\n\
         0 2 2 -2 2.67 1200 1400\n\
         0b1010 -0b11 0xff -0o10 81 True (3, 4)\n",
    );
}

#[test]
fn str_methods() {
    check(
        "strs",
        r#"
s = "  Hello, World  "
print(s.strip(), s.lstrip(), s.rstrip() + "|", "xxhixx".strip("x"))
print("a,b,,c".split(","), "a b  c".split(None, 1), "a,b,c".rsplit(",", 1), "l1\nl2\r\nl3".splitlines(True))
print("hello world".title(), "hELLO".capitalize(), "AbC".swapcase(), "abc".center(8, "*"), "7".zfill(3), "-7".zfill(4))
print("abcabc".find("c", 3), "abcabc".rfind("b"), "abcabc".count("bc"), "abc".index("c"), "héllo".find("l"))
print("a=b=c".partition("="), "a=b=c".rpartition("="), "x".ljust(3, "-") + "|", "x".rjust(3) + "|")
print("file.py".endswith((".txt", ".py")), "abc".startswith("b", 1), "aaa".replace("a", "b", 2), "".replace("", "x"))
print("abc".isalpha(), "12".isdigit(), " \t".isspace(), "a1".isalnum(), "ABC".isupper(), "Title Case".istitle())
"#,
        "Hello, World Hello, World     Hello, World| hi\n\
         ['a', 'b', '', 'c'] ['a', 'b  c'] ['a,b', 'c'] ['l1\\n', 'l2\\r\\n', 'l3']\n\
         Hello World Hello aBc **abc*** 007 -007\n\
         5 4 2 2 2\n\
         ('a', '=', 'b=c') ('a=b', '=', 'c') x--|   x|\n\
         True True bba x\n\
         True True True True True True\n",
    );
}

#[test]
fn dict_views_and_methods() {
    check(
        "dicts",
        r#"
d = {"a": 1, "b": 2}
k, v, it = d.keys(), d.values(), d.items()
d["c"] = 3
print(k, v, it, len(k), "c" in k, 3 in v, ("a", 1) in it)
print(sorted(k & {"a", "z"}), list(reversed(k)), [x for x in it])
print(d.popitem(), d, dict.fromkeys("xy", 0), d.setdefault("q", 9), d.pop("q"))
print([1, 2, 3, 2].index(2, 2), [1, 2, 2].count(2), (1, 2).index(2), range(0, 20, 5).index(10))
def f(a, b=2):
    c = a + b
    return sorted(locals().items())
print(f(1), globals()["__name__"], "f" in dir())
class P:
    def __init__(self):
        self.a = 1
p = P()
print(vars(p), "a" in dir(p))
delattr(p, "a")
q = P.__new__(P)
print(hasattr(p, "a"), type(q).__name__, hasattr(q, "a"))
"#,
        "dict_keys(['a', 'b', 'c']) dict_values([1, 2, 3]) dict_items([('a', 1), ('b', 2), ('c', 3)]) 3 True True True\n\
         ['a'] ['c', 'b', 'a'] [('a', 1), ('b', 2), ('c', 3)]\n\
         ('c', 3) {'a': 1, 'b': 2} {'x': 0, 'y': 0} 9 9\n\
         3 2 1 2\n\
         [('a', 1), ('b', 2), ('c', 3)] __main__ True\n\
         {'a': 1} True\n\
         False P False\n",
    );
}
