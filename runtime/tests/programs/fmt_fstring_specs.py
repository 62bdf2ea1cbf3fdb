# Format specs: width, alignment, fill, sign, precision, type.
x = 3.14159265
n = 1234567
print(f"[{x:.2f}] [{x:10.3f}] [{x:<10.1f}] [{x:^10.2f}] [{x:+.3f}] [{-x:.0f}]")
print(f"[{n:,}] [{n:_}] [{n:10d}] [{n:<10d}] [{n:*^12}] [{n:+d}] [{-n:d}] [{n:010d}]")
print(f"[{255:x}] [{255:X}] [{255:#x}] [{255:o}] [{255:#o}] [{10:b}] [{10:#010b}]")
print(f"[{0.000123:e}] [{123456.0:.2e}] [{x:g}] [{1e-7:g}] [{123456789.0:g}] [{0.5:%}] [{0.256:.1%}]")
print(f"[{'text':>8}] [{'text':<8}] [{'text':^9}] [{'text':.2}] [{'ab':*<5}]")
width, prec = 12, 3
print(f"[{x:{width}.{prec}f}]")
print(f"[{12:5}] [{'s':5}] [{1.5:8}] [{True:>6}]")
