# Float formatting edge cases: rounding, g-format switching, special values.
for v in [0.5, 1.5, 2.5, 0.125, 0.375, 1e16, 1.23456789e-5, 123456789.123, 0.1, -0.0]:
    print(f"{v:.0f} {v:.2f} {v:.3e} {v:g} {v:.3g} {v:.10g}")
for v in [float("inf"), float("-inf"), float("nan")]:
    print(f"{v:f} {v:.2e} {v:g} {v:10.2f}|")
print(str(1e16), str(1e-5), "%s" % 1e16, "{}".format(1e-5))
