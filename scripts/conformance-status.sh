#!/usr/bin/env bash
# Runs the stillpoint binary on EVERY program of the conformance corpus
# (runtime/tests/programs/*.py, listed in SUPPORTED or not), compares each
# run with CPython's recorded results the way runtime/tests/conformance.rs
# does (stdout identical, same exit code, same last non-blank stderr line),
# and prints PASS/FAIL per program, then passed/total per area.
#
# Usage: scripts/conformance-status.sh [options] [NAME.py ...]
#   --bin PATH          binary to run (default: target/release/stillpoint if it
#                       exists, else target/debug/stillpoint; $CARGO_TARGET_DIR
#                       is honoured)
#   --gc-stress         pass -X gc-stress to the binary
#   --timeout S         per-program time limit in seconds (default 30)
#   -j N                programs run at once (default: number of CPUs)
#   -v                  show why each failing program failed
#   --write-supported   rewrite runtime/tests/programs/SUPPORTED with the
#                       programs that passed (keeps its comment header)
#   NAME.py ...         only these programs
# Exit status: 0 when every program run passed, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
programs_dir="$root/runtime/tests/programs"
target_dir=${CARGO_TARGET_DIR:-$root/target}

# --one BIN TIMEOUT EXTRA NAME: internal mode, runs one program and prints
# "PASS NAME" or "FAIL NAME<TAB>reason".
if [ "${1:-}" = "--one" ]; then
    # Each check below reports instead of stopping the script.
    set +e +o pipefail
    bin=$2 limit=$3 extra=$4 name=$5
    base=${name%.py}
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    if [ ! -f "$programs_dir/$base.out" ] || [ ! -f "$programs_dir/$base.status" ]; then
        printf 'FAIL %s\tno expected files (run scripts/regen-expected.sh)\n' "$name"
        exit 0
    fi
    code=0
    # shellcheck disable=SC2086 # $extra is deliberately split into arguments.
    (cd "$programs_dir" && timeout -k 5 "$limit" "$bin" $extra "$name" </dev/null >"$work/out" 2>"$work/err") || code=$?
    last=$({ grep -v '^[[:space:]]*$' "$work/err" || true; } | tail -n 1 | sed 's/[[:space:]]*$//')
    expected_exit=$(sed -n '1s/^exit //p' "$programs_dir/$base.status")
    expected_last=$(sed -n '2p' "$programs_dir/$base.status")
    reasons=()
    if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
        reasons+=("timed out after ${limit}s")
    elif [ "$code" != "$expected_exit" ]; then
        reasons+=("exit $code, expected $expected_exit")
    fi
    if [ "$last" != "$expected_last" ]; then
        reasons+=("stderr: '$last', expected '$expected_last'")
    fi
    if ! cmp -s "$work/out" "$programs_dir/$base.out"; then
        line=$({ cmp "$work/out" "$programs_dir/$base.out" 2>&1 || true; } | sed -n 's/.* line \([0-9]*\).*/\1/p' | head -n 1)
        reasons+=("stdout differs${line:+ from line $line}")
    fi
    if [ ${#reasons[@]} -eq 0 ]; then
        printf 'PASS %s\n' "$name"
    else
        joined=$(printf '%s; ' "${reasons[@]}")
        printf 'FAIL %s\t%s\n' "$name" "${joined%; }"
    fi
    exit 0
fi

bin=""
extra=""
limit=30
jobs=$(nproc 2>/dev/null || echo 2)
verbose=0
write_supported=0
names=()
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) bin="$2"; shift 2 ;;
        --gc-stress) extra="-X gc-stress"; shift ;;
        --timeout) limit="$2"; shift 2 ;;
        -j) jobs="$2"; shift 2 ;;
        -v) verbose=1; shift ;;
        --write-supported) write_supported=1; shift ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        -*) echo "unknown option: $1" >&2; exit 2 ;;
        *) names+=("$(basename "$1")"); shift ;;
    esac
done
if [ -z "$bin" ]; then
    if [ -x "$target_dir/release/stillpoint" ]; then
        bin="$target_dir/release/stillpoint"
    else
        bin="$target_dir/debug/stillpoint"
    fi
fi
if [ ! -x "$bin" ]; then
    echo "no stillpoint binary at $bin (cargo build --release -p stillpoint, or --bin PATH)" >&2
    exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
if [ ${#names[@]} -eq 0 ]; then
    while IFS= read -r f; do names+=("$f"); done < <(cd "$programs_dir" && ls -1 -- *.py | grep -v '^_')
fi
if [ "$write_supported" -eq 1 ] && [ -n "$extra" ]; then
    echo "note: --write-supported with --gc-stress lists what passes under gc-stress" >&2
fi

results=$(printf '%s\n' "${names[@]}" |
    xargs -P "$jobs" -I{} "$0" --one "$bin" "$limit" "$extra" {} | sort -k2,2 || true)

echo "binary: $bin${extra:+ $extra}"
while IFS= read -r line; do
    if [ "$verbose" -eq 1 ]; then
        printf '%s\n' "$line" | sed 's/\t/  -- /'
    else
        printf '%s\n' "${line%%	*}"
    fi
done <<<"$results"

echo
printf '%-10s %6s %6s\n' area passed total
awk '{ split($2, parts, "_"); area = parts[1]; total[area]++; if ($1 == "PASS") passed[area]++ }
     END { for (a in total) printf "%-10s %6d %6d\n", a, passed[a], total[a] }' <<<"$results" | sort
passed=$(grep -c '^PASS ' <<<"$results" || true)
total=$(grep -c . <<<"$results" || true)
printf '%-10s %6d %6d\n' all "$passed" "$total"

if [ "$write_supported" -eq 1 ]; then
    supported="$programs_dir/SUPPORTED"
    header=$(grep '^#' "$supported" 2>/dev/null || true)
    {
        [ -n "$header" ] && printf '%s\n' "$header"
        grep '^PASS ' <<<"$results" | awk '{print $2}' | sort
    } >"$supported.tmp"
    mv "$supported.tmp" "$supported"
    echo "wrote $passed programs to $supported"
fi
[ "$passed" -eq "$total" ]
