# CPU-bound work split across threads, combined deterministically.
import threading


def count_primes(lo, hi, out, slot):
    count = 0
    for n in range(max(lo, 2), hi):
        d = 2
        prime = True
        while d * d <= n:
            if n % d == 0:
                prime = False
                break
            d += 1
        if prime:
            count += 1
    out[slot] = count


out = [0] * 4
step = 5000
threads = [threading.Thread(target=count_primes, args=(i * step, (i + 1) * step, out, i)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(out, sum(out))
