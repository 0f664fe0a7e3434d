#!/usr/bin/env bash
# Builds the fuzz targets, rebuilds their seed corpora from the project's real files, and runs
# each target in turn with a single libFuzzer job.
#
#   fuzz/run.sh                 # every target, 600 s each
#   FUZZ_TIME=60 fuzz/run.sh keys pkcs12
#   SANITIZER=none fuzz/run.sh  # without AddressSanitizer
#
# Works on a stable toolchain: RUSTC_BOOTSTRAP=1 lets stable rustc accept the -Z flags that
# cargo-fuzz passes (the AddressSanitizer runtime ships with the stable x86_64 Linux std).
# Logs go to fuzz/artifacts/logs/<target>.log, crash inputs to fuzz/artifacts/<target>/.
set -euo pipefail

cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
FUZZ_TIME="${FUZZ_TIME:-600}"
SANITIZER="${SANITIZER:-address}"
ALL_TARGETS=(ingest diagnose pkcs12 keys pkcs7 pem_text symptom rule_file)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

python3 seeds/build_corpora.py
mkdir -p artifacts/logs

# One build of every target, then the binaries are run directly, so that all targets fuzz the
# same snapshot of the library (cargo fuzz run would rebuild whenever src/ changes).
echo "== building all targets (sanitizer: $SANITIZER)"
cargo fuzz build -s "$SANITIZER"
TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
BIN="target/$TRIPLE/release"

for t in "${TARGETS[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    echo "== $t: fuzzing for ${FUZZ_TIME}s (log: fuzz/artifacts/logs/$t.log)"
    # A failing target (crash, timeout, OOM) does not stop the others.
    if "$BIN/$t" -artifact_prefix="artifacts/$t/" \
        -max_total_time="$FUZZ_TIME" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 "corpus/$t" >"artifacts/logs/$t.log" 2>&1; then
        echo "== $t: no failure"
    else
        echo "== $t: FAILED, see fuzz/artifacts/logs/$t.log and fuzz/artifacts/$t/"
    fi
    grep -E '^(#[0-9]+[[:space:]]+DONE|stat::|SUMMARY|==[0-9]+== ?ERROR|thread .* panicked)' \
        "artifacts/logs/$t.log" || true
done

# Every committed reproducer is run once (they are kept after the bug is fixed).
for f in regressions/*.bin; do
    [ -e "$f" ] || continue
    t="$(basename "$f")"; t="${t%-*}"
    echo "== regression $f"
    "$BIN/$t" -runs=1 -timeout=10 -rss_limit_mb=2048 "$f" >/dev/null 2>&1 \
        && echo "   passes" || echo "   still FAILS: $BIN/$t $f"
done
