# Writing through sys.stdout and sys.stderr directly, mixed with print.
import sys

sys.stdout.write("no newline ")
sys.stdout.write("then newline\n")
n = sys.stdout.write("counted\n")
print(n)
print("to stdout", end="")
print(" same line", end="\n")
print("a", "b", "c", sep="-")
print("x", "y", sep="", end="!\n")
print(file=sys.stdout)
print("to stderr", file=sys.stderr)
sys.stderr.write("stderr last line\n")
print(*range(3), sep=", ")
print()
print("flushed", flush=True)
