"""Reference numbers for tests/tests/harmonise.rs: Almere's wijken of 2021 carried over to those
of 2022 with PySAL's tobler, on the polygons the atlas uses and the kwb values of 2021.

Run: BUURT_DATA=/work/shared/data ~/.cache/buurt-tobler/bin/python tests/tobler/almere.py
(tobler 0.13.0, geopandas 1.x; pip install tobler). Prints the Rust constants of the test.

Sources: cartomap_almere_wijk_2021_2022/wijk_2021_GM0034_rd.geojson (the only 2021 polygons).
Targets: the 71 WK0034 wijken of tmap_nld_wijk_gemeente_2022/derived/wijk_2022_NL_rd.geojson,
the layer the atlas draws Almere's 2022 wijken with (more detailed than cartomap's 2022 one).
Values: cbs_kwb_almere_2018_2025/derived/almere_key_indicators_long.csv, year 2021, level Wijk
(p_jz_tn decoded there against the count). WK003406 Almere Pampus has no inhabitants and no
jeugdzorg or Wmo figures: a source without a value is dropped for that variable (buurt leaves
the targets it covers for more than 1 % without value; the others are compared), a source with
no population carries no weight in the population-weighted rate.
Population-weighted rate = extensive(rate * pop) / extensive(pop), tobler's own extensive rule.
"""
import csv
import os

import geopandas as gpd
import numpy as np
from tobler.area_weighted import area_interpolate

data = os.environ.get("BUURT_DATA", "../shared/data")
src = gpd.read_file(f"{data}/cartomap_almere_wijk_2021_2022/wijk_2021_GM0034_rd.geojson")
src = src.rename(columns={"statcode": "code"})[["code", "geometry"]].sort_values("code").reset_index(drop=True)
tgt = gpd.read_file(f"{data}/tmap_nld_wijk_gemeente_2022/derived/wijk_2022_NL_rd.geojson")
tgt = tgt[tgt["code"].str.startswith("WK0034")][["code", "geometry"]].sort_values("code").reset_index(drop=True)

values = {}
with open(f"{data}/cbs_kwb_almere_2018_2025/derived/almere_key_indicators_long.csv", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        if r["year"] == "2021" and r["level"] == "Wijk":
            values[(r["code"], r["indicator"])] = float(r["value"]) if r["value"] else np.nan
for col in ["a_inw", "a_00_14", "a_jz_tn", "p_jz_tn", "p_wmo_t"]:
    src[col] = [values.get((c, col), np.nan) for c in src["code"]]


def extensive(col):
    s = src[src[col].notna()]
    return area_interpolate(s, tgt, extensive_variables=[col])[col].to_numpy()


def intensive(col):
    s = src[src[col].notna()]
    return area_interpolate(s, tgt, intensive_variables=[col])[col].to_numpy()


def population_weighted(col, pop):
    s = src[(src[pop] > 0) & src[col].notna()].copy()
    s["vp"] = s[col] * s[pop]
    e = area_interpolate(s, tgt, extensive_variables=["vp", pop])
    return (e["vp"] / e[pop]).to_numpy()


def lit(v):
    """A Rust float literal with clippy's digit grouping (groups of three)."""
    if not np.isfinite(v):
        return "f64::NAN"
    whole, frac = repr(float(v)).split(".")
    if len(whole) > 3:
        whole = f"{int(whole):_}"
    if len(frac) > 3:
        frac = "_".join(frac[i : i + 3] for i in range(0, len(frac), 3))
    return f"{whole}.{frac}"


inw = extensive("a_inw")
jz_count = extensive("a_jz_tn")
jz_area = intensive("p_jz_tn")
jz_pop = population_weighted("p_jz_tn", "a_00_14")
wmo_pop = population_weighted("p_wmo_t", "a_inw")
pampus = src[src["code"] == "WK003406"].geometry.iloc[0]
share = tgt.geometry.intersection(pampus).area / tgt.geometry.area

print("// code, inwoners (extensive), jeugdzorg_aantal (extensive), jeugdzorg (intensive),")
print("// jeugdzorg (population-weighted by inwoners_0_14), wmo_per_1000 (population-weighted by")
print("// inwoners), share of the target in WK003406 Almere Pampus (2021)")
print(f"const TOBLER: [Row; {len(tgt)}] = [")
for i, code in enumerate(tgt["code"]):
    row = [inw[i], jz_count[i], jz_area[i], jz_pop[i], wmo_pop[i], share.iloc[i]]
    print(f'    ("{code}", ' + ", ".join(lit(v) for v in row) + "),")
print("];")
print("// total inwoners", float(np.nansum(inw)), "of", float(src["a_inw"].sum()))
