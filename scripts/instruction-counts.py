#!/usr/bin/env python3
"""Counts the instructions stillpoint binaries execute on the benchmark programs.

Wall-clock times on a shared 2-core machine swing by 10-20 % between runs;
instruction counts do not: valgrind's cachegrind (without cache simulation)
counts every instruction a program executes, the same for the same binary and
input whatever else the machine is doing. This script runs every benchmark
program (benches/programs), shrunk to a quick size (SMALL below), on each
binary under cachegrind, and prints the counts and each binary's ratio to the
first (above 1: fewer instructions), with the geometric mean.

Instructions are not time: memory traffic, branch mispredictions and atomic
operations cost cycles that the count does not show (`--branches` adds
cachegrind's branch-prediction simulation, a simple model of a real
predictor). Use it to see a change's effect on work done, and the timing
scripts (compare-cpython.py) for speed.

Usage: python3 scripts/instruction-counts.py [--branches] BIN [BIN ...] [-- NAME ...]
"""

import math
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = os.path.join(ROOT, "benches", "programs")

# Each program's size constants at a quick size (0.05-0.5 s natively).
SMALL = {
    "board_game": {"GAMES": 4},
    "constraints": {"ROUNDS": 40},
    "fannkuch": {"N": 8, "ROUNDS": 1},
    "float_points": {"ROUNDS": 2},
    "nbody": {"STEPS": 30000},
    "nqueens": {"PERMUTATION_SIZE": 7, "BACKTRACKING_SIZE": 10},
    "raytrace": {"SIZE": 100},
    "scheduler": {"ROUNDS": 25},
    "spectral_norm": {"N": 150},
}


def shrink(name, source):
    for constant, value in SMALL.get(name, {}).items():
        source, n = re.subn(rf"^{constant} = .*$", f"{constant} = {value}", source, count=1, flags=re.M)
        if n != 1:
            sys.exit(f"{name}: no size constant {constant}")
    return source


def count(binary, name, workdir, branches):
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    if branches:
        command.append("--branch-sim=yes")
    r = subprocess.run(command + [binary, name + ".py"], cwd=workdir, capture_output=True, text=True)
    refs = re.search(r"I\s+refs:\s+([\d,]+)", r.stderr)
    if r.returncode != 0 or not refs:
        sys.exit(f"{binary} {name}: failed\n{r.stderr[-2000:]}")
    mispredicts = re.search(r"Mispredicts:\s+([\d,]+)", r.stderr)
    number = lambda m: int(m.group(1).replace(",", "")) if m else None
    return number(refs), number(mispredicts)


def main():
    args = sys.argv[1:]
    branches = "--branches" in args
    args = [a for a in args if a != "--branches"]
    names = None
    if "--" in args:
        names = args[args.index("--") + 1:]
        args = args[: args.index("--")]
    binaries = [os.path.abspath(b) for b in args]
    if not binaries or any(b.startswith("-") for b in args):
        sys.exit(__doc__)
    names = names or sorted(p[:-3] for p in os.listdir(PROGRAMS) if p.endswith(".py"))
    with tempfile.TemporaryDirectory() as workdir:
        for name in names:
            with open(os.path.join(PROGRAMS, name + ".py")) as f:
                source = shrink(name, f.read())
            with open(os.path.join(workdir, name + ".py"), "w") as f:
                f.write(source)
        with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
            jobs = {(b, n): pool.submit(count, b, n, workdir, branches) for n in names for b in binaries}
            results = {k: job.result() for k, job in jobs.items()}
    for name in names:
        counts = [results[(b, name)][0] for b in binaries]
        line = f"{name:15s} " + "  ".join(f"{c / 1e6:9.1f}M" for c in counts)
        line += "  ratio " + "  ".join(f"{counts[0] / c:5.3f}" for c in counts[1:])
        if branches:
            line += "  mispredicts " + "  ".join(f"{results[(b, name)][1] / 1e6:6.2f}M" for b in binaries)
        print(line, flush=True)
    for b in binaries[1:]:
        mean = math.exp(sum(math.log(results[(binaries[0], n)][0] / results[(b, n)][0]) for n in names) / len(names))
        print(f"geometric mean, {os.path.basename(b)} against {os.path.basename(binaries[0])}: {mean:.3f}")


if __name__ == "__main__":
    main()
