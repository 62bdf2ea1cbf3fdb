# An error inside a function with a loop that tier 2 inlined (on a real
# frame) into a hot loop: the traceback names the inlined function's frame
# and line, and the caller's, as tier 1's would.


def scaled(xs, k):
    t = 0
    for x in xs:
        if x == k:
            raise ValueError(x)
        t += x
    return t


def run(n, k):
    xs = [1, 2, 3]
    for i in range(n):
        if i == n - 1:
            k = 2
        scaled(xs, k)


run(3000, 10)
