#!/usr/bin/env python3
"""The full diagnose of all NL buurten for every RIVM indicator and year, in pandas.

The same computation as `full_table(engine, Level::Buurt, rivm_50090)` in
benches/benches/diagnose.rs, on the same long table (exported by the Rust bench with
BUURT_BENCH_EXPORT=1): for every buurt cell of rivm_50090, the published wijk, gemeente and NL
values of the same (dataset, indicator, year, indeling), index = value / gemeente * 100, and the
z-score (population sd) and mid-rank percentile within the gemeente and NL-wide.

The result is checked against the Rust result (rust_full.parquet), every row and column: the
value and the three benchmarks (float64 on both sides) within 1e-9; the five standings, which
Rust stores as float32, within a relative 1e-6 (+ 1e-9 absolute). float32 keeps 24 significant
bits, a relative rounding error of at most 6e-8, so 1e-6 allows for that and nothing more: a
wrong tie, group or mean moves a z-score or rank by far more. A sample of 1000 random rows
prints the largest z_gemeente difference.

Usage: diagnose_pandas.py [--long target/bench/long.parquet] [--rust target/bench/rust_full.parquet]
                          [--runs 5]
"""

import argparse
import statistics
import sys
import time

import numpy as np
import pandas as pd

RIVM = "rivm_50090"
KEYS = ["dataset", "indicator", "year", "indeling"]
BENCHMARKS = ["bench_wijk", "bench_gemeente", "bench_nl"]
# Stored as float32 by Rust.
STANDINGS = ["index_gemeente", "z_gemeente", "rank_gemeente", "z_nl", "rank_nl"]
STATS = BENCHMARKS + STANDINGS
# Relative tolerance for the float32 standings (see the module docstring).
F32_RTOL = 1e-6


def prepare(long: pd.DataFrame) -> dict:
    """Split the RIVM rows by level; parent codes from the buurt code (BUggggwwbb)."""
    rivm = long[long["dataset"] == RIVM]
    cols = KEYS + ["region", "value"]
    buurt = rivm.loc[rivm["level"] == "buurt", cols].reset_index(drop=True)
    buurt["wijk"] = "WK" + buurt["region"].str[2:8]
    buurt["gemeente"] = "GM" + buurt["region"].str[2:6]
    parents = {
        level: rivm.loc[rivm["level"] == level, cols]
        for level in ("wijk", "gemeente", "land")
    }
    return {"buurt": buurt, **parents}


def z_and_rank(df: pd.DataFrame, by: list, min_n: int) -> tuple:
    """z-score with the population sd, NaN where fewer than `min_n` values or sd 0, and the
    percentile rank of the middle of each run of ties."""
    g = df.groupby(by, sort=False, observed=True)["value"]
    n = g.transform("count")
    mean = g.transform("mean")
    sd = g.transform("std", ddof=0)
    z = ((df["value"] - mean) / sd).where((n >= min_n) & (sd > 0))
    rank = (g.rank(method="average") - 0.5) / n * 100.0
    return z, rank


def diagnose(p: dict) -> pd.DataFrame:
    b = p["buurt"]
    wijk = p["wijk"].rename(columns={"region": "wijk", "value": "bench_wijk"})
    gem = p["gemeente"].rename(columns={"region": "gemeente", "value": "bench_gemeente"})
    nl = p["land"].drop(columns="region").rename(columns={"value": "bench_nl"})
    b = b.merge(wijk, on=KEYS + ["wijk"], how="left")
    b = b.merge(gem, on=KEYS + ["gemeente"], how="left")
    b = b.merge(nl, on=KEYS, how="left")
    b["index_gemeente"] = b["value"] / b["bench_gemeente"] * 100.0
    b["z_gemeente"], b["rank_gemeente"] = z_and_rank(b, KEYS + ["gemeente"], 3)
    b["z_nl"], b["rank_nl"] = z_and_rank(b, KEYS, 1)
    return b


def timed(f, runs: int) -> tuple:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return out, times


def ms(times: list) -> str:
    return f"median {statistics.median(times) * 1e3:.0f} ms (min {min(times) * 1e3:.0f}, max {max(times) * 1e3:.0f})"


def check(ours: pd.DataFrame, rust: pd.DataFrame, sample: int, tol: float) -> None:
    key = ["region", "dataset", "indicator", "year"]
    if len(ours) != len(rust):
        sys.exit(f"row count differs: pandas {len(ours)}, rust {len(rust)}")
    m = ours[key + ["value"] + STATS].merge(
        rust[key + ["value"] + STATS], on=key, how="outer", suffixes=("_pd", "_rs"), indicator=True
    )
    unmatched = (m["_merge"] != "both").sum()
    if unmatched:
        sys.exit(f"{unmatched} rows only on one side")
    bad = []
    for col in ["value"] + STATS:
        a, r = m[f"{col}_pd"].to_numpy(), m[f"{col}_rs"].to_numpy()
        rtol = F32_RTOL if col in STANDINGS else 0.0
        ok = np.isclose(a, r.astype(np.float64), rtol=rtol, atol=tol, equal_nan=True)
        if not ok.all():
            bad.append(f"{col}: {(~ok).sum()} rows differ, e.g. {m.loc[~ok, key].head(3).to_dict('records')}")
    if bad:
        sys.exit("pandas and Rust differ:\n  " + "\n  ".join(bad))
    rows = m[m["z_gemeente_rs"].notna()].sample(n=sample, random_state=50090)
    diff = (rows["z_gemeente_pd"] - rows["z_gemeente_rs"].astype(np.float64)).abs()
    rel = (diff / rows["z_gemeente_pd"].abs().clip(lower=1.0)).max()
    print(
        f"check: all {len(m)} rows equal in {len(STATS) + 1} columns (value, benchmarks within "
        f"{tol:g}; float32 standings within relative {F32_RTOL:g}); {sample} random rows: "
        f"max |z_gemeente pandas - rust| = {diff.max():.2e} (relative {rel:.2e})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--long", default="target/bench/long.parquet")
    ap.add_argument("--rust", default="target/bench/rust_full.parquet")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    t = time.perf_counter()
    long = pd.read_parquet(args.long)
    print(f"read {len(long)} long-table rows in {time.perf_counter() - t:.1f} s (pandas {pd.__version__})")

    prepared, t_prep = timed(lambda: prepare(long), args.runs)
    out, t_diag = timed(lambda: diagnose(prepared), args.runs)
    print(f"pandas prepare (filter + parent codes): {ms(t_prep)}")
    print(f"pandas diagnose (joins, index, z, ranks): {ms(t_diag)}")
    print(f"pandas total: {ms([a + b for a, b in zip(t_prep, t_diag)])}")
    print(f"rows: {len(out)}, buurten: {out['region'].nunique()}")
    check(out, pd.read_parquet(args.rust), 1000, 1e-9)
    # One line for run_diagnose_bench.sh.
    print(f"PANDAS_MS prepare={statistics.median(t_prep) * 1e3:.1f} diagnose={statistics.median(t_diag) * 1e3:.1f}")


if __name__ == "__main__":
    main()
