#!/usr/bin/env bash
# LISA over all wijken of the Netherlands, buurt against PySAL's esda on this machine: local
# Moran's I with 999 conditional permutations on the same values and the same queen weights.
#
#   benches/run_lisa_bench.sh            # from the repository root
#
# Needs the real data (BUURT_DATA, else ../shared/data beside the repository) and a Python with
# esda and libpysal: ESDA_PYTHON (default ~/.cache/buurt-esda/bin/python, the venv of
# tests/esda/). esda runs its permutations through numba when it can import it; NUMBA_PATH (a
# folder from `pip install --target DIR numba`) puts numba on the path for a second esda run.
# Settings: INDICATOR (eenzaam_65plus), RUNS (7 for buurt), ESDA_RUNS (5), LISA_DEV_OPT=1 (see
# below: no release build of the dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export BUURT_BENCH_OUT="${BUURT_BENCH_OUT:-$root/target/bench}"
out="$BUURT_BENCH_OUT/lisa"
python="${ESDA_PYTHON:-$HOME/.cache/buurt-esda/bin/python}"
mkdir -p "$out"
rm -f "$out"/esda*.log

target_dir=$(cargo metadata --format-version 1 --no-deps \
    | "$python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
if [ "${LISA_DEV_OPT:-0}" = 1 ]; then
    # The dev profile's build (dependencies at opt-level 1, as the tests build them), with
    # buurt-diagnose, which holds all the timed code, optimised as in release: no release
    # build of polars needed. Workspace-wide so that features unify as for the tests.
    cargo build --workspace --locked --bin lisa_bench \
        --config 'profile.dev.package.buurt-diagnose.opt-level=3' \
        --config 'profile.dev.package.buurt-diagnose.debug-assertions=false' \
        --config 'profile.dev.package.buurt-diagnose.overflow-checks=false'
    bin="$target_dir/debug/lisa_bench"
else
    cargo build --release --locked -p buurt-benches --bin lisa_bench
    bin="$target_dir/release/lisa_bench"
fi

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" --indicator "${INDICATOR:-eenzaam_65plus}" \
    --runs "${RUNS:-7}" --out "$out" | tee "$out/rust.log"

"$python" benches/lisa_esda.py --dir "$out" --runs "${ESDA_RUNS:-5}" | tee "$out/esda.log"
if [ -n "${NUMBA_PATH:-}" ]; then
    PYTHONPATH="$NUMBA_PATH${PYTHONPATH:+:$PYTHONPATH}" \
        "$python" benches/lisa_esda.py --dir "$out" --runs "${ESDA_RUNS:-5}" | tee "$out/esda-numba.log"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

read -r rust_local rust_hot < <(sed -n 's/^RUST_MS .*local=\([0-9.]*\) .*hotspots=\([0-9.]*\) .*/\1 \2/p' "$out/rust.log")
esda_line() { sed -n 's/^ESDA_MS first=\([0-9.]*\) median=\([0-9.]*\) .*numba=\(.*\)$/\1 \2 \3/p' "$1"; }
echo
echo "== local Moran's I, 999 permutations, all NL wijken (one thread each) =="
printf 'buurt moran::local (median)               %10.1f ms\n' "$rust_local"
printf 'buurt hotspots() end to end (median)      %10.1f ms  (incl. weights from the polygons)\n' "$rust_hot"
for log in "$out/esda.log" "$out/esda-numba.log"; do
    [ -f "$log" ] || continue
    read -r first median numba < <(esda_line "$log")
    printf 'esda Moran_Local, numba %-8s (median) %10.1f ms  (first call %.1f ms)  ratio %.1f x\n' \
        "$numba" "$median" "$first" "$(echo "$median / $rust_local" | bc -l)"
done
