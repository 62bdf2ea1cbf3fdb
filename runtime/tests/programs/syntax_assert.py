# assert: passing, failing with and without a message.
assert True
assert 1 + 1 == 2, "math works"
try:
    assert 1 > 2
except AssertionError as exc:
    print("caught", repr(exc), exc.args)
try:
    assert [] , "empty list is falsy"
except AssertionError as exc:
    print("caught", exc)
print("done")
