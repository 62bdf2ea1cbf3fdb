#!/usr/bin/env python3
"""Measures how much of a stillpoint run waits on atomic read-modify-writes.

A locked instruction (`lock cmpxchg`, `lock xadd`, `xchg` with memory...) on
x86 waits for the core's store buffer to drain; `perf` charges that wait to
the instruction right after it. This script disassembles BIN, records each
benchmark program under `perf record` (cpu-clock sampling, no hardware
counters needed), and prints the share of samples that land right after a
locked instruction, split by function: the cost of object locks and other
atomics that instruction counts (instruction-counts.py) cannot show and that
noisy wall-clock times hide.

Usage: python3 scripts/locked-samples.py BIN [NAME ...]
"""

import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = os.path.join(ROOT, "benches", "programs")


def after_locked(binary):
    """Addresses of the instructions that follow a locked one."""
    out = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", binary], capture_output=True, text=True, check=True
    ).stdout
    after, previous_locked = set(), False
    for line in out.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(.*)", line)
        if not m:
            continue
        if previous_locked:
            after.add(int(m.group(1), 16))
        text = m.group(2)
        previous_locked = text.startswith("lock ") or text.startswith("xchg ")
    return after


def symbols(binary):
    """Start address of every defined symbol, by demangled name."""
    out = subprocess.run(
        ["nm", "-C", "--defined-only", binary], capture_output=True, text=True, check=True
    ).stdout
    starts = {}
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3:
            starts.setdefault(parts[2], int(parts[0], 16))
    return starts


def measure(binary, program, after, starts):
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "perf.data")
        subprocess.run(
            ["perf", "record", "-q", "-o", data, binary, program],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        out = subprocess.run(
            ["perf", "script", "-i", data, "-F", "ip,sym,symoff,dso"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    name = os.path.basename(binary)
    total, by_function = 0, collections.Counter()
    for line in out.splitlines():
        total += 1
        m = re.match(r"\s*[0-9a-f]+ (.*)\+0x([0-9a-f]+) \((.*)\)", line)
        if not m or os.path.basename(m.group(3)) != name:
            continue
        start = starts.get(m.group(1))
        if start is not None and start + int(m.group(2), 16) in after:
            by_function[m.group(1)] += 1
    return total, by_function


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    names = sys.argv[2:] or sorted(
        f[:-3] for f in os.listdir(PROGRAMS) if f.endswith(".py")
    )
    after, starts = after_locked(binary), symbols(binary)
    for name in names:
        total, by_function = measure(binary, os.path.join(PROGRAMS, name + ".py"), after, starts)
        locked = sum(by_function.values())
        print(f"{name:14} {100 * locked / max(total, 1):5.1f} % of samples after a locked instruction")
        for function, n in by_function.most_common(3):
            print(f"{'':14} {100 * n / total:5.1f} % {function[:100]}")


if __name__ == "__main__":
    main()
