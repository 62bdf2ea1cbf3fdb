#!/usr/bin/env python3
"""Times the benchmark programs (benches/programs/*.py) on stillpoint and on CPython.

Each program runs N times on each interpreter, the two alternating (and the
order swapping every round, so neither side always runs on a warm or a cold
machine). The script checks that both print the same output, then prints a
table of median wall-clock times and ratios (stillpoint / CPython: above 1 means
stillpoint is slower) and the geometric mean of the ratios. A program that
stillpoint fails (non-zero exit, time limit, or output different from
CPython's) is reported as such and left out of the mean.

Usage: python3 scripts/compare-cpython.py [--runs N] [--bin PATH] [--python PATH]
                                         [--timeout S] [--json PATH] [NAME ...]
  NAME: program names (with or without .py) to run; default: all of them.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS_DIR = os.path.join(ROOT, "benches", "programs")


def default_binary():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "stillpoint")


def run_once(command, timeout):
    """Runs command in the programs folder; returns (seconds, exit code, stdout, stderr).

    Exit code None means the time limit was hit.
    """
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=PROGRAMS_DIR, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, None, b"", b""
    except OSError as err:
        return 0.0, -1, b"", str(err).encode()
    return time.perf_counter() - start, done.returncode, done.stdout, done.stderr


def last_line(data):
    lines = [line for line in data.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def failure_reason(code, out, err, expected_out):
    """Why a stillpoint run does not count, or None when it matches CPython."""
    if code is None:
        return "timed out"
    if code != 0:
        return "exit %d: %s" % (code, last_line(err) or "(no stderr)")
    if out != expected_out:
        got = out.decode("utf-8", "replace").splitlines()
        want = expected_out.decode("utf-8", "replace").splitlines()
        for number, (g, w) in enumerate(zip(got, want), 1):
            if g != w:
                return "output differs at line %d: %r, expected %r" % (number, g, w)
        return "output has %d lines, expected %d" % (len(got), len(want))
    return None


def compare(name, args):
    path = name if name.endswith(".py") else name + ".py"
    cpython = [args.python, path]
    ours = [args.bin, path]
    cpython_times = []
    our_times = []
    reference = None
    for round_number in range(args.runs):
        order = [("cpython", cpython), ("stillpoint", ours)]
        if round_number % 2:
            order.reverse()
        for which, command in order:
            seconds, code, out, err = run_once(command, args.timeout)
            if which == "cpython":
                if code != 0:
                    return {"program": name, "status": "cpython failed",
                            "reason": "exit %s: %s" % (code, last_line(err))}
                if reference is None:
                    reference = out
                elif out != reference:
                    return {"program": name, "status": "cpython failed",
                            "reason": "CPython's output differs between runs"}
                cpython_times.append(seconds)
            else:
                our_times.append((seconds, code, out, err))
        # Checked once both sides have run: a failing stillpoint stops the program.
        seconds, code, out, err = our_times[-1]
        reason = failure_reason(code, out, err, reference)
        if reason is not None:
            return {"program": name, "status": "stillpoint failed", "reason": reason,
                    "cpython_s": statistics.median(cpython_times)}
    cpython_median = statistics.median(cpython_times)
    ours_median = statistics.median(t for t, _, _, _ in our_times)
    return {"program": name, "status": "ok", "cpython_s": cpython_median,
            "stillpoint_s": ours_median, "ratio": ours_median / cpython_median,
            "cpython_runs": cpython_times, "stillpoint_runs": [t for t, _, _, _ in our_times]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="programs to run (default: all)")
    parser.add_argument("--runs", type=int, default=5, help="runs per interpreter (default 5)")
    parser.add_argument("--bin", default=default_binary(), help="stillpoint binary (default target/release/stillpoint)")
    parser.add_argument("--python", default="/usr/bin/python3.11", help="CPython to compare with (default /usr/bin/python3.11)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per run before it counts as failed (default 300)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.bin = os.path.abspath(args.bin)
    names = args.names or sorted(f[:-3] for f in os.listdir(PROGRAMS_DIR) if f.endswith(".py"))
    if not os.access(args.bin, os.X_OK):
        print("note: no stillpoint binary at %s (cargo build --release -p stillpoint);"
              " every program will be reported as failed" % args.bin, file=sys.stderr)

    print("stillpoint: %s" % args.bin)
    print("cpython:    %s (%s)" % (args.python, subprocess.run(
        [args.python, "--version"], capture_output=True, text=True).stdout.strip()))
    print("median of %d runs each, alternating\n" % args.runs)
    header = "%-16s %12s %14s %9s" % ("program", "cpython (s)", "stillpoint (s)", "ratio")
    print(header)
    print("-" * len(header))
    results = []
    for name in names:
        result = compare(name[:-3] if name.endswith(".py") else name, args)
        results.append(result)
        if result["status"] == "ok":
            print("%-16s %12.3f %14.3f %8.2fx" % (result["program"], result["cpython_s"],
                                                  result["stillpoint_s"], result["ratio"]))
        else:
            cpython_s = result.get("cpython_s")
            print("%-16s %12s %14s %9s  %s: %s" % (
                result["program"], "%.3f" % cpython_s if cpython_s is not None else "-", "-", "-",
                result["status"], result["reason"]))
        sys.stdout.flush()
    ratios = [r["ratio"] for r in results if r["status"] == "ok"]
    print("-" * len(header))
    if ratios:
        geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print("geometric mean of %d ratios: %.2fx (stillpoint time / CPython time)" % (len(ratios), geomean))
    else:
        geomean = None
        print("geometric mean: no program ran on stillpoint")
    failed = [r["program"] for r in results if r["status"] != "ok"]
    if failed:
        print("not compared (%d): %s" % (len(failed), ", ".join(failed)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"runs": args.runs, "python": args.python, "stillpoint": args.bin,
                       "geometric_mean": geomean, "programs": results}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
