#!/usr/bin/env bash
# Build and run the Rust diagnose benchmark and the pandas version of the same computation, in
# one go, and print both timings and their ratio.
#
#   benches/run_diagnose_bench.sh            # from the repository root
#
# Needs the real data (BUURT_DATA, else ../shared/data beside the repository) and python3.
# The pandas venv is made on first use in target/bench-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export BUURT_BENCH_OUT="${BUURT_BENCH_OUT:-$root/target/bench}"
venv="${BENCH_VENV:-$root/target/bench-venv}"
mkdir -p "$BUURT_BENCH_OUT"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet pandas pyarrow
fi

log="$BUURT_BENCH_OUT/rust.log"
# --noplot: criterion is built without plotters; the export feeds the pandas side and its check.
BUURT_BENCH_EXPORT=1 cargo bench -p buurt-benches --bench diagnose -- --noplot 2>&1 | tee "$log"

pylog="$BUURT_BENCH_OUT/pandas.log"
"$venv/bin/python" benches/diagnose_pandas.py \
    --long "$BUURT_BENCH_OUT/long.parquet" --rust "$BUURT_BENCH_OUT/rust_full.parquet" \
    --runs "${PANDAS_RUNS:-5}" 2>&1 | tee "$pylog"

# Criterion prints "time:   [low mid high]" under each benchmark name; take the middle estimate.
rust_ms=$(awk '/^full_diagnose_nl_buurten_rivm/ {f=1} f && /time:/ {
    for (i = 1; i <= NF; i++) if ($i == "time:") { v = $(i+3); u = $(i+4) }
    if (u == "s") v *= 1000; else if (u == "µs" || u == "us") v /= 1000; else if (u == "ns") v /= 1e6
    print v; exit }' "$log")
rss=$(grep -o 'peak RSS at exit: [0-9]* MiB' "$log" | grep -o '[0-9]*' || true)
read -r prep diag < <(sed -n 's/^PANDAS_MS prepare=\([0-9.]*\) diagnose=\([0-9.]*\)$/\1 \2/p' "$pylog")

echo
echo "== full diagnose, all NL buurten x all RIVM indicators x 3 years =="
printf 'Rust (criterion median)            %10.1f ms   peak RSS %s MiB\n' "$rust_ms" "${rss:-?}"
printf 'pandas diagnose (median)           %10.1f ms\n' "$diag"
printf 'pandas prepare + diagnose (median) %10.1f ms\n' "$(echo "$prep + $diag" | bc -l)"
printf 'ratio pandas/Rust                  %10.1f x  (diagnose only)\n' "$(echo "$diag / $rust_ms" | bc -l)"
