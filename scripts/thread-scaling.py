#!/usr/bin/env python3
"""Measures how stillpoint's throughput scales from one thread to two.

Two kinds of workload, each timed N times alternating one and two threads,
medians reported with the throughput ratio (one-thread time / two-thread
time for the same work: 2.0 is perfect scaling on two cores):

- every benchmark program (benches/programs): a driver imports two copies
  of the program one after the other on one thread, or at once on two
  threads, in one process (the programs run at import; their output is
  discarded);
- benches/parallel/*.py (not the `_` helper their harness comes from;
  "serial" vs "threads" modes, same checksums required): independent
  loops, method calls on shared classes with shared globals, and reads of
  one shared list and instance.

Usage: python3 scripts/thread-scaling.py [--runs N] [--bin PATH] [--args ...] [names...]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = os.path.join(ROOT, "benches", "programs")
PARALLEL = os.path.join(ROOT, "benches", "parallel")

DRIVER = """
import sys
import threading



def run_a():
    import copy_a


def run_b():
    import copy_b


mode = sys.argv[1]
if mode == "one":
    run_a()
    run_b()
else:
    threads = [threading.Thread(target=run_a), threading.Thread(target=run_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"""


def timed(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stderr}")
    return elapsed, out.stdout


def scale(label, commands, runs, same_output):
    times = {"one": [], "two": []}
    outputs = set()
    for r in range(runs):
        order = ["one", "two"] if r % 2 == 0 else ["two", "one"]
        for mode in order:
            t, out = timed(commands[mode])
            times[mode].append(t)
            if same_output:
                outputs.add(" ".join(out.split()[1:]))
    if same_output and len(outputs) != 1:
        sys.exit(f"{label}: the modes printed different results: {outputs}")
    one = statistics.median(times["one"])
    two = statistics.median(times["two"])
    print(f"{label:<20} one thread {one:7.3f} s   two threads {two:7.3f} s   throughput x{one / two:.2f}")
    return one / two


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "stillpoint"))
    parser.add_argument("--args", nargs="*", default=[], help="extra stillpoint options, e.g. -X notier2")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    binary = [args.bin] + args.args
    print(f"median of {args.runs} runs each, alternating ({os.cpu_count()} CPUs); {' '.join(binary)}")
    programs = sorted(f[:-3] for f in os.listdir(PROGRAMS) if f.endswith(".py"))
    parallel = sorted(
        f[:-3] for f in os.listdir(PARALLEL) if f.endswith(".py") and not f.startswith("_")
    )
    wanted = set(args.names)
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        driver = os.path.join(tmp, "driver.py")
        with open(driver, "w") as f:
            f.write(DRIVER)
        for name in programs:
            if wanted and name not in wanted:
                continue
            for copy in ("copy_a", "copy_b"):
                shutil.copy(os.path.join(PROGRAMS, name + ".py"), os.path.join(tmp, copy + ".py"))
            commands = {mode: binary + [driver, mode] for mode in ("one", "two")}
            ratios.append(scale(name, commands, args.runs, False))
        if ratios:
            print(f"{'geometric mean':<20} throughput x{statistics.geometric_mean(ratios):.2f}")
    for name in parallel:
        if wanted and name not in wanted:
            continue
        path = os.path.join(PARALLEL, name + ".py")
        commands = {"one": binary + [path, "serial"], "two": binary + [path, "threads"]}
        scale(name, commands, args.runs, True)


if __name__ == "__main__":
    main()
