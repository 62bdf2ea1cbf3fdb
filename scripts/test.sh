#!/usr/bin/env bash
# Every test of the project: the README's test command, and what CI runs.
#
#   1. formatting and lints (warnings are errors);
#   2. unit, integration and doc tests of the whole workspace;
#   3. the criterion benchmarks, once each in test mode (they must run);
#   4. the loom model checks (release, their own target dir, preemption
#      bound 3 unless LOOM_MAX_PREEMPTIONS says otherwise), including the
#      deliberately broken variants that loom must reject;
#   5. memcheck of the heap's test binaries (scripts/memcheck.sh);
#   6. a short stress run (4 mutator threads, 20 s, 0 violations);
#   7. a short Python stress run on the runtime (3 workers, 10 s, 0 wrong
#      results, 0 crashes, no hang).
#
# STRESS_SECONDS shortens or lengthens step 6 (default 20),
# PYTHON_STRESS_SECONDS step 7 (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

# Every cargo test output is also kept here, to add up the results at the end.
mkdir -p target
results=target/test-results.log
: >"$results"

step "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "unit, integration and doc tests"
cargo test --workspace --quiet 2>&1 | tee -a "$results"

step "benchmarks, once each (test mode)"
cargo test -p stillpoint-benches --benches --quiet 2>&1 | tee -a "$results"

step "loom models (preemption bound ${LOOM_MAX_PREEMPTIONS:-3})"
# The broken variants print (expected) panics: keep the full output in a
# log, show the per-model summary, and the whole log on failure.
loom_log=target/loom-tests.log
if RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-3}" \
    cargo test -p stillpoint-loom-tests --release --target-dir target/loom -- --nocapture >"$loom_log" 2>&1; then
    grep -oE 'model [^ ]+: .*|^test result: .*' "$loom_log" | grep -v ' 0 passed; 0 failed'
    grep -E '^test result: ' "$loom_log" >>"$results"
else
    cat "$loom_log"
    echo "loom models FAILED (full log above, also in $loom_log)"
    exit 1
fi

step "memcheck of the gc test binaries"
./scripts/memcheck.sh

step "stress (4 mutators, ${STRESS_SECONDS:-20} s)"
cargo run --release --quiet -p stillpoint-stress -- --threads 4 --seconds "${STRESS_SECONDS:-20}"

step "Python stress on the runtime (3 workers, ${PYTHON_STRESS_SECONDS:-10} s)"
cargo run --release --quiet -p stillpoint-stress -- --python --threads 3 --seconds "${PYTHON_STRESS_SECONDS:-10}"

passed=$(grep -oE '[0-9]+ passed' "$results" | awk '{n += $1} END {print n + 2}')
step "all tests passed (each stress run counts as one)"
echo "$passed passed, 0 failed"
