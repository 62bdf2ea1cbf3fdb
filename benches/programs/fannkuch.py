# fannkuch: for every permutation of 1..n, count the prefix reversals needed
# until 1 is in front. Prints the permutation checksum and the maximum flips.
# Size of the run (tuned for about 1.3 s on /usr/bin/python3.11); lower it for quick runs.
N = 9
ROUNDS = 4

def fannkuch(n):
    perm = list(range(n))
    count = [0] * n
    max_flips = 0
    checksum = 0
    permutation_index = 0
    remaining = n
    while True:
        # Count the flips of this permutation.
        if perm[0] != 0:
            p = perm[:]
            flips = 0
            first = p[0]
            while first != 0:
                # Reverse the first (first + 1) elements.
                i, j = 0, first
                while i < j:
                    p[i], p[j] = p[j], p[i]
                    i += 1
                    j -= 1
                flips += 1
                first = p[0]
            if flips > max_flips:
                max_flips = flips
            checksum += flips if permutation_index % 2 == 0 else -flips
        # Next permutation in the counting order: rotate prefixes.
        while remaining != 1:
            count[remaining - 1] = remaining
            remaining -= 1
        while True:
            if remaining == n:
                return checksum, max_flips
            head = perm[0]
            for i in range(remaining):
                perm[i] = perm[i + 1]
            perm[remaining] = head
            count[remaining] -= 1
            if count[remaining] > 0:
                break
            remaining += 1
        permutation_index += 1


def main(n, rounds):
    # Repeated rounds make the run long enough to time; they must all agree.
    results = [fannkuch(n) for _ in range(rounds)]
    checksum, flips = results[0]
    assert all(r == results[0] for r in results)
    print(checksum)
    print("Pfannkuchen(%d) = %d" % (n, flips))


main(N, ROUNDS)
