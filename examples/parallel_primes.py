"""Counts primes in parallel: four threads share a work queue, a
Lock-protected result dict and a statistics object, then the main thread
prints a checksum. The output does not depend on how the threads interleave."""

import threading

LIMIT = 1_500_000
CHUNK = 25_000


class Tally:
    """Statistics shared by every worker (updated under its own lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.chunks = 0
        self.largest = 0

    def record(self, largest):
        with self.lock:
            self.chunks += 1
            if largest > self.largest:
                self.largest = largest


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def worker(starts, starts_lock, results, results_lock, tally):
    while True:
        with starts_lock:
            if not starts:
                return
            start = starts.pop()
        primes = [n for n in range(start, start + CHUNK) if is_prime(n)]
        with results_lock:
            results[start] = primes
        tally.record(primes[-1] if primes else 0)


def main():
    starts = list(range(0, LIMIT, CHUNK))
    starts_lock = threading.Lock()
    results = {}
    results_lock = threading.Lock()
    tally = Tally()
    threads = [
        threading.Thread(
            target=worker, args=(starts, starts_lock, results, results_lock, tally)
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    primes = [p for start in sorted(results) for p in results[start]]
    checksum = 0
    for p in primes:
        checksum = (checksum * 31 + p) % 1_000_000_007
    print(f"primes below {LIMIT}: {len(primes)}")
    print(f"chunks: {tally.chunks}, largest: {tally.largest}")
    print(f"checksum: {checksum}")


main()
