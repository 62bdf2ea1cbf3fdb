#!/usr/bin/env python3
"""Times the benchmark programs (benches/programs/*.py) on stillpoint and on CPython.

Each program runs N times on each interpreter, the two alternating (and the
order swapping every round, so neither side always runs on a warm or a cold
machine). The script checks that both print the same output, then prints a
table of median wall-clock times and ratios (stillpoint / CPython: above 1 means
stillpoint is slower) and the geometric mean of the ratios. A program that
stillpoint fails (non-zero exit, time limit, or output different from
CPython's) is reported as such and left out of the mean.

With --tiers, stillpoint runs three ways in the same alternation: tier 0
(`-X nospecialize`), tier 1 (`-X notier2`) and tiers 1+2 (the default);
the table then gives each one's ratio to CPython and tier 2's speed-up over
tier 1 (tier 1 time / tiers 1+2 time), with their geometric means.

With --dir, the programs come from another folder: benches/patterns holds
everyday-code patterns (module-level loops, sorting with a key, dict views,
string methods, keyword calls, properties, f-strings, word counts), which
the benchmark programs hardly use, timed the same way.

Usage: python3 scripts/compare-cpython.py [--runs N] [--bin PATH] [--python PATH]
                                         [--timeout S] [--json PATH] [--tiers]
                                         [--dir FOLDER] [NAME ...]
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


# The stillpoint configurations --tiers compares: (label, extra arguments).
TIERS = [("tier 0", ["-X", "nospecialize"]), ("tier 1", ["-X", "notier2"]), ("tiers 1+2", [])]


def compare(name, args, variants):
    """Times `name` on CPython and on each stillpoint variant, alternating."""
    path = name if name.endswith(".py") else name + ".py"
    cpython = [args.python, path]
    commands = [("cpython", cpython)] + [(label, [args.bin] + extra + [path])
                                         for label, extra in variants]
    times = {label: [] for label, _ in commands}
    reference = None
    for round_number in range(args.runs):
        order = list(commands)
        if round_number % 2:
            order.reverse()
        runs = {}
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
            else:
                runs[which] = (code, out, err)
            times[which].append(seconds)
        # Checked once every side has run: a failing stillpoint stops the program.
        for label, (code, out, err) in runs.items():
            reason = failure_reason(code, out, err, reference)
            if reason is not None:
                return {"program": name, "status": "stillpoint failed",
                        "reason": "%s: %s" % (label, reason),
                        "cpython_s": statistics.median(times["cpython"])}
    medians = {label: statistics.median(t) for label, t in times.items()}
    result = {"program": name, "status": "ok", "cpython_s": medians["cpython"],
              "cpython_runs": times["cpython"], "variants": {}}
    for label, _ in variants:
        result["variants"][label] = {"seconds": medians[label], "runs": times[label],
                                     "ratio": medians[label] / medians["cpython"]}
    last = variants[-1][0]
    result["stillpoint_s"] = medians[last]
    result["ratio"] = medians[last] / medians["cpython"]
    if args.tiers:
        result["tier2_speedup"] = medians["tier 1"] / medians["tiers 1+2"]
    return result


def geometric_mean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="programs to run (default: all)")
    parser.add_argument("--runs", type=int, default=5, help="runs per interpreter (default 5)")
    parser.add_argument("--bin", default=default_binary(), help="stillpoint binary (default target/release/stillpoint)")
    parser.add_argument("--python", default="/usr/bin/python3.11", help="CPython to compare with (default /usr/bin/python3.11)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per run before it counts as failed (default 300)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--tiers", action="store_true",
                        help="run stillpoint at tier 0, tier 1 and tiers 1+2 side by side")
    parser.add_argument("--dir", default=None,
                        help="folder of programs (default benches/programs; also benches/patterns)")
    args = parser.parse_args()
    if args.dir:
        global PROGRAMS_DIR
        PROGRAMS_DIR = os.path.abspath(args.dir)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.bin = os.path.abspath(args.bin)
    names = args.names or sorted(f[:-3] for f in os.listdir(PROGRAMS_DIR) if f.endswith(".py"))
    if not os.access(args.bin, os.X_OK):
        print("note: no stillpoint binary at %s (cargo build --release -p stillpoint);"
              " every program will be reported as failed" % args.bin, file=sys.stderr)
    variants = TIERS if args.tiers else [("stillpoint", [])]

    print("stillpoint: %s" % args.bin)
    print("cpython:    %s (%s)" % (args.python, subprocess.run(
        [args.python, "--version"], capture_output=True, text=True).stdout.strip()))
    print("median of %d runs each, alternating\n" % args.runs)
    if args.tiers:
        header = "%-16s %10s %18s %18s %18s %10s" % (
            "program", "cpython s", "tier 0 s (ratio)", "tier 1 s (ratio)", "tiers 1+2 (ratio)",
            "t1 / t1+2")
    else:
        header = "%-16s %12s %14s %9s" % ("program", "cpython (s)", "stillpoint (s)", "ratio")
    print(header)
    print("-" * len(header))
    results = []
    for name in names:
        result = compare(name[:-3] if name.endswith(".py") else name, args, variants)
        results.append(result)
        if result["status"] == "ok" and args.tiers:
            cells = ["%8.3f (%5.2fx)" % (v["seconds"], v["ratio"])
                     for v in result["variants"].values()]
            print("%-16s %10.3f %18s %18s %18s %9.2fx" % (
                result["program"], result["cpython_s"], *cells, result["tier2_speedup"]))
        elif result["status"] == "ok":
            print("%-16s %12.3f %14.3f %8.2fx" % (result["program"], result["cpython_s"],
                                                  result["stillpoint_s"], result["ratio"]))
        else:
            cpython_s = result.get("cpython_s")
            print("%-16s %12s %14s %9s  %s: %s" % (
                result["program"], "%.3f" % cpython_s if cpython_s is not None else "-", "-", "-",
                result["status"], result["reason"]))
        sys.stdout.flush()
    ok = [r for r in results if r["status"] == "ok"]
    print("-" * len(header))
    geomean = geometric_mean([r["ratio"] for r in ok])
    if geomean is None:
        print("geometric mean: no program ran on stillpoint")
    elif args.tiers:
        for label, _ in variants:
            print("geometric mean, %s / CPython: %.2fx" % (
                label, geometric_mean([r["variants"][label]["ratio"] for r in ok])))
        print("geometric mean, tier 2 speed-up (tier 1 time / tiers 1+2 time): %.2fx"
              % geometric_mean([r["tier2_speedup"] for r in ok]))
    else:
        print("geometric mean of %d ratios: %.2fx (stillpoint time / CPython time)"
              % (len(ok), geomean))
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
