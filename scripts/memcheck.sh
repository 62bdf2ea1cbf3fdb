#!/usr/bin/env bash
# Runs every stillpoint-gc test binary under valgrind's memcheck: no invalid
# access, no uninitialised read, no leak. STILLPOINT_GC_SMALL=1 shrinks the
# biggest tests (valgrind is ~50x slower). The one suppression
# (gc/valgrind.supp) is libtest's own main-thread handle, not our code.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null; then
    echo "memcheck: valgrind is not installed here (apt-get install valgrind); skipped"
    exit 0
fi
bins=$(cargo test -p stillpoint-gc --no-run --message-format=json 2>/dev/null |
    grep -oE '"executable":"[^"]+"' | cut -d'"' -f4)
status=0
for bin in $bins; do
    log="target/memcheck-$(basename "$bin").log"
    if STILLPOINT_GC_SMALL=1 valgrind --tool=memcheck --error-exitcode=1 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect,possible --suppressions=gc/valgrind.supp \
        "$bin" --test-threads=1 >"$log" 2>&1; then
        echo "memcheck $(basename "$bin"): clean ($(grep -oE 'ERROR SUMMARY: [0-9]+ errors' "$log"))"
    else
        echo "memcheck $(basename "$bin"): FAILED, see $log"
        status=1
    fi
done
exit $status
