"""Reference numbers for the hand-made case of crates/buurt-diagnose/src/stats/interpolate.rs
(and tests/tests/harmonise.rs), from PySAL's tobler.

Run: ~/.cache/buurt-tobler/bin/python tests/tobler/squares.py  (tobler 0.13.0; pip install tobler)
Two unit squares A = [0,1]^2 and B = [1,2]x[0,1]; four targets T1 = [0,.5]^2,
T2 = [.5,1.5]x[0,.5], T3 = [.5,1.5]x[.5,1], T4 = [1.5,2.5]x[0,1] (half beyond B); A's quarter
[0,.5]x[.5,1] lies in no target. Population-weighted = extensive(v*p) / extensive(p).
"""
import geopandas as gpd
from shapely.geometry import box
from tobler.area_weighted import area_interpolate

crs = "EPSG:28992"
src = gpd.GeoDataFrame(
    {"count": [100.0, 40.0], "rate": [10.0, 20.0], "pop": [100.0, 300.0]},
    geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    crs=crs,
)
src["rate_x_pop"] = src["rate"] * src["pop"]
tgt = gpd.GeoDataFrame(
    geometry=[box(0, 0, 0.5, 0.5), box(0.5, 0, 1.5, 0.5), box(0.5, 0.5, 1.5, 1), box(1.5, 0, 2.5, 1)],
    crs=crs,
)
est = area_interpolate(src, tgt, extensive_variables=["count", "pop", "rate_x_pop"], intensive_variables=["rate"])
print("extensive count:", [float(v) for v in est["count"]])
print("intensive rate:", [float(v) for v in est["rate"]])
print("population-weighted rate:", [float(a / b) for a, b in zip(est["rate_x_pop"], est["pop"])])
