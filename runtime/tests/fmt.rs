//! String formatting (`%`, format specs, f-strings, `str.format`) through
//! the `stillpoint` binary; each program also runs under `-X gc-stress`
//! (formatting calls back into Python holding values). Expected outputs
//! were written from CPython 3.11.

mod common;

use common::check;

#[test]
fn percent_and_specs() {
    check(
        "percent_and_specs",
        r###"print("%s %r %d %i %f %e %g %x %o %c %%" % ("a", "b", 3, -4, 1.5, 12345.678, 0.0001, 255, 8, 65))
print("%5.2f|%-6d|%06.1f|%+d|% d|%#x|%#o|%.3s|%*d|%-*d|" % (3.14159, 42, -2.5, 5, 7, 255, 8, "abcdef", 5, 3, 4, 9))
print("%(a)s and %(b)05d" % {"a": 1, "b": 2})
print("%s" % [1, 2], "%s" % (1,), "%.3g %g %G %E" % (1234567.0, 1e-10, 1e20, 1.5))
print("%10.4e|%-10s|%.0f|%.0f|%#.0f" % (0.000123, "hi", 0.5, 1.5, 3.0))
for spec in ["", ".2f", "10.3f", "<10", "^10", ">+10.2e", ",.2f", "_", ".3", ".0%", "g", "e", "010.2f", "z.1f", "#.0f", "E", "G", ".10g", ".1f"]:
    print(repr(spec), repr(format(1234.5678, spec)), repr(format(-0.00001, spec)))
for spec in ["", "d", "5", "<5", "^7", "=+8", ",", "_", "08,", "#x", "#X", "#o", "#b", "_b", "e", ".2f", "%", "+", " ", "010", "x", "n"]:
    print(repr(spec), repr(format(1234567, spec)), repr(format(-42, spec)))
for spec in ["", "10", "<10", ">10", "^10", "*^11", ".2", "10.3"]:
    print(repr(format("hello", spec)))
"###,
        r###"a 'b' 3 -4 1.500000 1.234568e+04 0.0001 ff 10 A %
 3.14|42    |-002.5|+5| 7|0xff|0o10|abc|    3|9   |
1 and 00002
[1, 2] 1 1.23e+06 1e-10 1E+20 1.500000E+00
1.2300e-04|hi        |0|2|3.
'' '1234.5678' '-1e-05'
'.2f' '1234.57' '-0.00'
'10.3f' '  1234.568' '    -0.000'
'<10' '1234.5678 ' '-1e-05    '
'^10' '1234.5678 ' '  -1e-05  '
'>+10.2e' ' +1.23e+03' ' -1.00e-05'
',.2f' '1,234.57' '-0.00'
'_' '1_234.5678' '-1e-05'
'.3' '1.23e+03' '-1e-05'
'.0%' '123457%' '-0%'
'g' '1234.57' '-1e-05'
'e' '1.234568e+03' '-1.000000e-05'
'010.2f' '0001234.57' '-000000.00'
'z.1f' '1234.6' '0.0'
'#.0f' '1235.' '-0.'
'E' '1.234568E+03' '-1.000000E-05'
'G' '1234.57' '-1E-05'
'.10g' '1234.5678' '-1e-05'
'.1f' '1234.6' '-0.0'
'' '1234567' '-42'
'd' '1234567' '-42'
'5' '1234567' '  -42'
'<5' '1234567' '-42  '
'^7' '1234567' '  -42  '
'=+8' '+1234567' '-     42'
',' '1,234,567' '-42'
'_' '1_234_567' '-42'
'08,' '1,234,567' '-000,042'
'#x' '0x12d687' '-0x2a'
'#X' '0X12D687' '-0X2A'
'#o' '0o4553207' '-0o52'
'#b' '0b100101101011010000111' '-0b101010'
'_b' '1_0010_1101_0110_1000_0111' '-10_1010'
'e' '1.234567e+06' '-4.200000e+01'
'.2f' '1234567.00' '-42.00'
'%' '123456700.000000%' '-4200.000000%'
'+' '+1234567' '-42'
' ' ' 1234567' '-42'
'010' '0001234567' '-000000042'
'x' '12d687' '-2a'
'n' '1234567' '-42'
'hello'
'hello     '
'hello     '
'     hello'
'  hello   '
'***hello***'
'he'
'hel       '
"###,
    );
}

#[test]
fn fstrings_and_str_format() {
    check(
        "fstrings_and_str_format",
        r###"x = 3.14159; n = 42; s = "hi"
print(f"{x:.2f} {n:5d} {s!r:>6} {x=} {n = } {x=:.1f} {n:{n//10}} {s:*^{n//6}}")
print("{} {} {}".format(1, 2.5, "x"), "{0} {1} {0}".format("a", "b"), "{name} is {age:3d}".format(name="Bo", age=7))
print("{0[1]} {0[a]}".format({1: "one", "a": "A"}), "{:>{w}.{p}f}".format(3.14159, w=10, p=3), "{{}} {!r}".format("q"))
class P:
    def __init__(self): self.x = 5
    def __format__(self, spec): return "P<" + spec + ">"
print("{0.x}".format(P()), format(P(), "abc"), f"{P():zz}")
print(format(True), format(True, "d"), format(True, ">5"), format(1e16), format(1.0e-5), format(float("inf"), "010f"), "%010f" % float("inf"))
print(format(1234, "08,"), format(1234, "06,"), format(-1234.5, "012,.2f"), "%5s|%-5s|" % ("ab", "cd"))
print(f"{'a'!a} {'é'!a} {3!s:>3}", "%a" % "é", "%.2f%%" % 99.5)
print(format(65, "c"), format(65, "^5c"))
"###,
        r###"3.14    42   'hi' x=3.14159 n = 42 x=3.1   42 **hi***
1 2.5 x a b a Bo is   7
one A      3.142 {} 'q'
5 P<abc> P<zz>
True 1     1 1e+16 1e-05 0000000inf 0000000inf
0,001,234 01,234 -0,001,234.50    ab|cd   |
'a' '\xe9'   3 '\xe9' 99.50%
A   A  
"###,
    );
}

#[test]
fn errors_and_edge_cases() {
    check(
        "errors_and_edge_cases",
        r###"def err(f):
    try: f()
    except Exception as e: print(type(e).__name__, e)
err(lambda: "%d" % "x"); err(lambda: "%x" % 1.5); err(lambda: "%f" % "x"); err(lambda: "%d %d" % (1,)); err(lambda: "%d" % (1, 2))
err(lambda: "%z" % 1); err(lambda: "%" % 1); err(lambda: "%c" % "ab"); err(lambda: "%(a)s" % 1)
err(lambda: format(1.5, "d")); err(lambda: format("s", "d")); err(lambda: format(1, ".2")); err(lambda: format("x", "+")); err(lambda: format(1, ",c"))
err(lambda: "{} {0}".format(1, 2)); err(lambda: "{0} {}".format(1, 2)); err(lambda: "{5}".format(1)); err(lambda: "{a}".format(b=1)); err(lambda: "}".format())
err(lambda: format(object(), "x")); err(lambda: format(1, "abc")); err(lambda: format(1.0, "..")); err(lambda: "%s %s" % ("a",))
print("%s" % (), "x" % ()) if False else print("%d%%" % 5, "a%%b" % ())
print("%.2d|%5.3d|%-+5d|%x|%X" % (3, 7, 2, -255, 255), "%.1e" % 9.96, "%g" % 100000.0, "%g" % 1000000.0, "%#g" % 1.0)
print(f"{1e100:.2e} {123.456:08.2f} {-0.0:.1f} {-0.0:z.1f} {2**100:,} {2**70:x}")
print(f"{'x':<{3}}|{10:#b}|{3.0:%}|{0.5:.0%}|{12345.6789:.3g}|{1e-7:g}|{123456789.0:n}")
"###,
        r###"TypeError %d format: a real number is required, not str
TypeError %x format: an integer is required, not float
TypeError must be real number, not str
TypeError not enough arguments for format string
TypeError not all arguments converted during string formatting
ValueError unsupported format character 'z' (0x7a) at index 1
ValueError incomplete format
TypeError %c requires int or char
TypeError format requires a mapping
ValueError Unknown format code 'd' for object of type 'float'
ValueError Unknown format code 'd' for object of type 'str'
ValueError Precision not allowed in integer format specifier
ValueError Sign not allowed in string format specifier
ValueError Cannot specify ',' with 'c'.
ValueError cannot switch from automatic field numbering to manual field specification
ValueError cannot switch from manual field specification to automatic field numbering
IndexError Replacement index 5 out of range for positional args tuple
KeyError 'a'
ValueError Single '}' encountered in format string
TypeError unsupported format string passed to object.__format__
ValueError Invalid format specifier 'abc' for object of type 'int'
ValueError Format specifier missing precision
TypeError not enough arguments for format string
5% a%b
03|  007|+2   |-ff|FF 1.0e+01 100000 1e+06 1.00000
1.00e+100 00123.46 -0.0 0.0 1,267,650,600,228,229,401,496,703,205,376 400000000000000000
x  |0b1010|300.000000%|50%|1.23e+04|1e-07|1.23457e+08
"###,
    );
}
