# SystemExit can be caught; raising SystemExit(0) exits cleanly.
import sys

try:
    sys.exit(5)
except SystemExit as e:
    print("caught SystemExit", e.code)
try:
    sys.exit()
except SystemExit as e:
    print("no code", e.code)
try:
    raise SystemExit("msg")
except SystemExit as e:
    print("message code", e.code)
print("exiting normally")
raise SystemExit(0)
