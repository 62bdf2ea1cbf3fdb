#!/usr/bin/env python3
"""The tier-2 event figures of issue 6, measured side by side in one run.

1. Pauses: for each global event kind Python code can fire, with 1 and 2
   busy threads spinning in executors, time-to-safepoint and pause length
   p50/p99 (benches/events/global_pauses.py under `-X threshold=never`, so
   every fire stops the world; read from --stats-json).
2. The cost of an event past its threshold: a loop setting a class
   attribute against a loop setting an instance attribute
   (benches/events/store_cost.py; the median ratio over runs).

Usage: python3 scripts/event-figures.py [--runs N] [--fires N] [--bin PATH]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVENTS = os.path.join(ROOT, "benches", "events")
KINDS = ["class_set", "bases_set", "function_modified", "descriptor_mutated"]


def pauses(binary, kind, busy, fires):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [binary, "-X", "threshold=never", "--stats-json", out.name,
               os.path.join(EVENTS, "global_pauses.py"), kind, str(busy), str(fires)]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0 or "spun yes" not in run.stdout:
            sys.exit(f"{' '.join(cmd)} failed:\n{run.stdout}{run.stderr}")
        stats = json.load(open(out.name))
    for cause in stats["pauses"]["by_cause"]:
        if cause["cause"] == f"event:{kind}":
            return cause
    sys.exit(f"no pauses recorded for {kind}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fires", type=int, default=200)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "stillpoint"))
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; {args.fires} fires per run, every fire pausing (-X threshold=never)")
    print(f"{'event':<20} {'busy':>4} {'pauses':>6} {'to safepoint p50':>17} {'p99':>10} {'length p50':>11} {'p99':>10}")
    for kind in KINDS:
        for busy in (1, 2):
            c = pauses(args.bin, kind, busy, args.fires)
            tts, length = c["time_to_safepoint"], c["length"]
            us = lambda ns: f"{ns / 1000:.1f} us"
            print(f"{kind:<20} {busy:>4} {c['count']:>6} {us(tts['p50_ns']):>17} {us(tts['p99_ns']):>10} {us(length['p50_ns']):>11} {us(length['p99_ns']):>10}")
    ratios = []
    for _ in range(args.runs):
        out = subprocess.run([args.bin, os.path.join(EVENTS, "store_cost.py")],
                             capture_output=True, text=True, check=True).stdout
        ratios.append(float(out.split("ratio:")[1]))
    print(f"class attribute store past its threshold / instance attribute store: "
          f"median ratio {statistics.median(ratios):.2f} over {args.runs} runs ({', '.join(f'{r:.2f}' for r in ratios)})")


if __name__ == "__main__":
    main()
