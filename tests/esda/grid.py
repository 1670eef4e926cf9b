"""Reference numbers for tests/tests/hotspots.rs's 3x3 grid, from PySAL's esda.

Run: ~/.cache/buurt-esda/bin/python tests/esda/grid.py  (esda 2.9.0, libpysal; pip install esda)
The grid is numbered row by row (lat2W's order), queen contiguity, row-standardised.
"""
import numpy as np
import libpysal
from esda.moran import Moran, Moran_Local

w = libpysal.weights.lat2W(3, 3, rook=False)
y = np.array([1.1, 2.3, 3.7, 2.0, 4.4, 5.2, 3.05, 5.9, 9.6])
np.random.seed(1)
m = Moran(y, w, permutations=9999)
print(f"I={m.I!r} EI={m.EI!r} VI_norm={m.VI_norm!r} z_norm={m.z_norm!r} p_norm={m.p_norm!r}")
print(f"p_sim={m.p_sim!r} EI_sim={m.EI_sim!r} seI_sim={m.seI_sim!r}")
lm = Moran_Local(y, w, permutations=9999, seed=1)
print("Is=", [float(v) for v in lm.Is])
print("q=", [int(v) for v in lm.q])
print("p_sim=", [float(v) for v in lm.p_sim])
print("z_sim=", [float(v) for v in lm.z_sim])

# The tie case of ties_count_as_at_least_as_large, y = [1, 2, 3, 2, 4, 5, 3, 5, 9], region 1 (5
# neighbours, 0 2 3 4 5, sum 15): of the C(8, 5) = 56 neighbour sets drawn from the other 8
# values, 7 have a sum <= 15 (3 below, 4 equal), so the exact folded p is 7/56 = 0.125.
import itertools
y2 = [1, 2, 3, 2, 4, 5, 3, 5, 9]
others = [y2[j] for j in range(9) if j != 1]
sets = list(itertools.combinations(others, 5))
print("ties: region 1 exact p =", sum(1 for c in sets if sum(c) <= 15) / len(sets))
lm2 = Moran_Local(np.array(y2, dtype=float), w, permutations=9999, seed=1)
print("ties: esda p_sim[1] =", float(lm2.p_sim[1]))
