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

# Criterion's median (its "time:" line shows the mean, which one stall of the machine can
# move): read from its estimates under the target directory.
target_dir=$(cargo metadata --format-version 1 --no-deps \
    | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
criterion_ms() {
    "$venv/bin/python" - "$target_dir/criterion/$1/new/estimates.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
print(f"{e['median']['point_estimate'] / 1e6:.1f} {e['mean']['point_estimate'] / 1e6:.1f}")
PY
}
read -r rust_ms rust_mean < <(criterion_ms full_diagnose_nl_buurten_rivm)
read -r reused_ms reused_mean < <(criterion_ms full_diagnose_nl_buurten_rivm_reused_output)
rss=$(grep -o 'peak RSS at exit: [0-9]* MiB' "$log" | grep -o '[0-9]*' || true)
table_mb=$(grep -o '[0-9.]* MB$' "$log" | head -1 || true)
read -r prep diag < <(sed -n 's/^PANDAS_MS prepare=\([0-9.]*\) diagnose=\([0-9.]*\)$/\1 \2/p' "$pylog")

echo
echo "== full diagnose, all NL buurten x all RIVM indicators x 3 years =="
printf 'Rust, fresh output (criterion median)  %10.1f ms   (mean %s ms)  output %s, peak RSS %s MiB\n' \
    "$rust_ms" "$rust_mean" "${table_mb:-?}" "${rss:-?}"
printf 'Rust, reused output (criterion median) %10.1f ms   (mean %s ms)\n' "$reused_ms" "$reused_mean"
printf 'pandas diagnose (median)               %10.1f ms\n' "$diag"
printf 'pandas prepare + diagnose (median)     %10.1f ms\n' "$(echo "$prep + $diag" | bc -l)"
printf 'ratio pandas/Rust, diagnose only       %10.1f x fresh, %.1f x reused\n' \
    "$(echo "$diag / $rust_ms" | bc -l)" "$(echo "$diag / $reused_ms" | bc -l)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
