#!/usr/bin/env bash
# Regenerates the expected results of the conformance corpus
# (runtime/tests/programs/*.py) by running every program on CPython.
#
# For each program NAME.py it writes:
#   NAME.out     the program's stdout, byte for byte;
#   NAME.status  line 1: "exit N" (N = exit code);
#                line 2: the last non-blank line of stderr, trailing
#                        whitespace removed (an empty line when stderr is blank).
# See runtime/tests/programs/README.md for the whole contract.
#
# Usage: scripts/regen-expected.sh [--python PY] [--check] [NAME.py ...]
#   --python PY  interpreter to use (default: python3, i.e. the machine's CPython 3.11)
#   --check      write nothing: rerun each program (twice, with two hash seeds)
#                and report programs whose results differ from the stored files
#                or between the two runs; exit 1 if any does
#   NAME.py ...  only these programs (default: every program; files whose
#                name starts with "_" are helper modules, not programs)
#
# Programs run the way the test harness runs them: working directory
# runtime/tests/programs, the bare file name as the script argument,
# stdin from /dev/null, a 60 s limit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
programs_dir="$root/runtime/tests/programs"

python=python3
check=0
names=()
while [ $# -gt 0 ]; do
    case "$1" in
        --python) python="$2"; shift 2 ;;
        --check) check=1; shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        -*) echo "unknown option: $1" >&2; exit 2 ;;
        *) names+=("$(basename "$1")"); shift ;;
    esac
done
if [ ${#names[@]} -eq 0 ]; then
    while IFS= read -r f; do names+=("$f"); done < <(cd "$programs_dir" && ls -1 -- *.py | grep -v '^_')
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME HASHSEED OUTFILE STATUSFILE: runs one program and writes its
# stdout and status files in the format above.
run() {
    local name=$1 seed=$2 out=$3 status=$4 code=0
    (cd "$programs_dir" && env PYTHONHASHSEED="$seed" PYTHONDONTWRITEBYTECODE=1 PYTHONIOENCODING=utf-8 \
        PYTHONUNBUFFERED= PYTHONWARNINGS= PYTHONPATH= \
        timeout 60 "$python" "$name" </dev/null >"$out" 2>"$tmp/stderr") || code=$?
    {
        echo "exit $code"
        { grep -v '^[[:space:]]*$' "$tmp/stderr" || true; } | tail -n 1 | sed 's/[[:space:]]*$//'
    } >"$status"
    # Always two lines, even when stderr was blank.
    if [ "$(wc -l <"$status")" -lt 2 ]; then echo >>"$status"; fi
    if [ "$code" -eq 124 ]; then echo "warning: $name timed out" >&2; fi
}

failures=0
count=0
for name in "${names[@]}"; do
    base=${name%.py}
    if [ ! -f "$programs_dir/$name" ]; then
        echo "no such program: $name" >&2
        failures=$((failures + 1))
        continue
    fi
    count=$((count + 1))
    if [ "$check" -eq 0 ]; then
        run "$name" 0 "$programs_dir/$base.out" "$programs_dir/$base.status"
        continue
    fi
    run "$name" 0 "$tmp/a.out" "$tmp/a.status"
    run "$name" 1 "$tmp/b.out" "$tmp/b.status"
    problem=""
    if ! cmp -s "$tmp/a.out" "$tmp/b.out" || ! cmp -s "$tmp/a.status" "$tmp/b.status"; then
        problem="not deterministic (differs between two runs)"
    elif [ ! -f "$programs_dir/$base.out" ] || [ ! -f "$programs_dir/$base.status" ]; then
        problem="no expected files"
    elif ! cmp -s "$tmp/a.out" "$programs_dir/$base.out"; then
        problem="stdout differs from $base.out"
    elif ! cmp -s "$tmp/a.status" "$programs_dir/$base.status"; then
        problem="status differs from $base.status: $(tr '\n' '|' <"$tmp/a.status")"
    fi
    if [ -n "$problem" ]; then
        echo "MISMATCH $name: $problem"
        failures=$((failures + 1))
    fi
done
# Programs that import helper modules must not leave bytecode caches behind.
rm -rf "$programs_dir/__pycache__"

if [ "$check" -eq 1 ]; then
    echo "checked $count programs with $("$python" --version 2>&1): $failures mismatches"
else
    echo "regenerated $count programs with $("$python" --version 2>&1)"
fi
[ "$failures" -eq 0 ]
