"""Reference numbers for tests/tests/hotspots.rs's Utrecht case, from PySAL's esda 2.9.0.

Make the input with the test helper (the atlas's drawing of Utrecht's buurten, indeling 2020,
eenzaam_65plus 2020, the 6 buurten without a value left out):
  BUURT_HOTSPOTS_GEOJSON=/tmp/utrecht-eenzaam.geojson \
    cargo test --workspace --test hotspots -- export_utrecht_geojson_for_esda
then run: ~/.cache/buurt-esda/bin/python tests/esda/utrecht.py /tmp/utrecht-eenzaam.geojson
Queen contiguity by libpysal (shared vertices), row-standardised.
"""
import json
import sys

import geopandas as gpd
import numpy as np
from esda.moran import Moran, Moran_Local
from libpysal.weights import Queen

gdf = gpd.read_file(sys.argv[1])
w = Queen.from_dataframe(gdf, use_index=False)
y = gdf["value"].to_numpy(dtype=float)
print("n", len(y), "islands", [gdf["code"][i] for i in w.islands])
print("cardinalities", json.dumps({gdf["code"][i]: int(c) for i, c in w.cardinalities.items()}))
np.random.seed(1)
m = Moran(y, w, permutations=9999)
print(f"I={m.I!r} EI={m.EI!r} VI_norm={m.VI_norm!r} z_norm={m.z_norm!r} p_norm={m.p_norm!r}")
print(f"p_sim={m.p_sim!r}")
lm = Moran_Local(y, w, permutations=9999, seed=1)
print("codes", json.dumps(list(gdf["code"])))
print("Is", json.dumps([float(v) for v in lm.Is]))
print("q", json.dumps([int(v) for v in lm.q]))
print("p_sim", json.dumps([float(v) for v in lm.p_sim]))
