#!/usr/bin/env bash
# Regenerates the expected results used by the command's tests
# (runtime/tests/cli.rs) by running the programs on CPython:
#
#   examples/NAME.py                  -> examples/NAME.out (stdout)
#   runtime/tests/tracebacks/NAME.py  -> NAME.out (stdout), NAME.stderr (the
#       whole stderr, with the folder's absolute path written as <DIR>, since
#       tracebacks name the script by its absolute path) and NAME.status
#       ("exit N").
#   runtime/tests/repl/NAME.input     -> NAME.out, NAME.stderr, NAME.status: the
#       interactive prompt (`-i -q`) reading NAME.input from stdin (prompts and
#       tracebacks go to stderr).
#
# Usage: scripts/regen-cli-expected.sh [--python PY]
# Programs run with their folder as the working directory, the bare file
# name as the script argument and stdin from /dev/null.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
root=$(pwd)
python=python3
if [ "${1:-}" = "--python" ]; then python="$2"; fi

# run DIR NAME OUT ERR [INPUT]: runs DIR/NAME (or, given INPUT, the prompt
# reading INPUT), stdout to OUT and stderr to ERR; prints the exit code.
run() {
    local code=0 input=/dev/null
    local -a command=("$python" "$2")
    if [ $# -gt 4 ]; then input=$5; command=("$python" -i -q); fi
    (cd "$1" && env PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 PYTHONIOENCODING=utf-8 \
        PYTHONUNBUFFERED= PYTHONWARNINGS= PYTHONPATH= PYTHONSTARTUP= \
        timeout 120 "${command[@]}" <"$input" >"$3" 2>"$4") || code=$?
    echo "$code"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for path in "$root"/examples/*.py; do
    name=$(basename "$path" .py)
    code=$(run "$root/examples" "$name.py" "$root/examples/$name.out" "$tmp/stderr")
    if [ "$code" -ne 0 ]; then
        echo "examples/$name.py exited $code:" >&2
        cat "$tmp/stderr" >&2
        exit 1
    fi
done

dir="$root/runtime/tests/tracebacks"
for path in "$dir"/*.py; do
    name=$(basename "$path" .py)
    code=$(run "$dir" "$name.py" "$dir/$name.out" "$tmp/stderr")
    echo "exit $code" >"$dir/$name.status"
    # Literal replacement of the folder (no regex: paths may hold dots).
    python3 -c 'import sys; d = sys.argv[1]; sys.stdout.write(open(sys.argv[2]).read().replace(d + "/", "<DIR>/"))' \
        "$dir" "$tmp/stderr" >"$dir/$name.stderr"
done
dir="$root/runtime/tests/repl"
for path in "$dir"/*.input; do
    name=$(basename "$path" .input)
    code=$(run "$dir" - "$dir/$name.out" "$dir/$name.stderr" "$path")
    echo "exit $code" >"$dir/$name.status"
done
echo "regenerated with $("$python" --version 2>&1)"
