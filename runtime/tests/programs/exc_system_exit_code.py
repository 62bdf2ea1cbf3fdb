# sys.exit with an integer sets the exit code; finally blocks run first.
import sys

try:
    print("exiting with 3")
    sys.exit(3)
finally:
    print("finally before exit")
print("not reached")
