#!/usr/bin/env python3
"""Measures whether two Python threads run in parallel on stillpoint.

Runs benches/parallel/independent_loops.py in "serial" mode (both loops on one
thread) and "threads" mode (one loop on each of two threads), alternating, N
times each, checks that both print the same checksums, and prints the median
wall-clock times and their ratio (threads / serial: 0.5 is perfect scaling on
two cores, 1.0 means no parallelism).

Usage: python3 scripts/two-thread-ratio.py [--runs N] [--bin PATH] [--n ITERATIONS]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAM = os.path.join(ROOT, "benches", "parallel", "independent_loops.py")


def run(binary, mode, n):
    start = time.perf_counter()
    out = subprocess.run([binary, PROGRAM, mode, str(n)], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, out.stdout.split()[1:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "stillpoint"))
    parser.add_argument("--n", type=int, default=3000000)
    args = parser.parse_args()
    times = {"serial": [], "threads": []}
    results = set()
    for r in range(args.runs):
        order = ["serial", "threads"] if r % 2 == 0 else ["threads", "serial"]
        for mode in order:
            t, checksum = run(args.bin, mode, args.n)
            times[mode].append(t)
            results.add(tuple(checksum))
    if len(results) != 1:
        sys.exit(f"the two modes printed different checksums: {results}")
    serial = statistics.median(times["serial"])
    threads = statistics.median(times["threads"])
    print(f"median of {args.runs} runs each, alternating ({os.cpu_count()} CPUs)")
    print(f"one thread, both loops: {serial:.3f} s")
    print(f"two threads, one loop each: {threads:.3f} s")
    print(f"ratio (two threads / one thread): {threads / serial:.2f}")


if __name__ == "__main__":
    main()
