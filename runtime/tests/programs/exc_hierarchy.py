# Built-in exception hierarchy.
checks = [
    (ZeroDivisionError, ArithmeticError), (OverflowError, ArithmeticError), (KeyError, LookupError),
    (IndexError, LookupError), (LookupError, Exception), (Exception, BaseException),
    (KeyboardInterrupt, Exception), (SystemExit, BaseException), (StopIteration, Exception),
    (RecursionError, RuntimeError), (NotImplementedError, RuntimeError), (UnboundLocalError, NameError),
    (AssertionError, Exception), (TypeError, ValueError), (GeneratorExit, Exception),
]
for sub, sup in checks:
    print(sub.__name__, sup.__name__, issubclass(sub, sup))
try:
    {}["missing"]
except LookupError as e:
    print("LookupError caught", type(e).__name__, repr(e))
try:
    1 / 0
except ArithmeticError as e:
    print("ArithmeticError caught", type(e).__name__)
