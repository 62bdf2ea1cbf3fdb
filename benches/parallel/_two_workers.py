# The harness every workload here shares: `work(seed, n, out, slot)` runs
# for seeds 1 and 2, one after the other on one thread ("serial", argv[1])
# or at once on two threads ("threads", the default), with n from argv[2];
# prints the mode and both checksums, which must not depend on the mode.
import sys
import threading


def run(work, default_n):
    mode = sys.argv[1] if len(sys.argv) > 1 else "threads"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else default_n
    out = [0, 0]
    if mode == "serial":
        work(1, n, out, 0)
        work(2, n, out, 1)
    else:
        threads = [threading.Thread(target=work, args=(k + 1, n, out, k)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    print(mode, out[0], out[1])
