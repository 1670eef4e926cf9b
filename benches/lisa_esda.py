"""esda's Moran_Local with 999 permutations on the input `lisa_bench` wrote: the same wijken,
values and queen weights (libpysal W from buurt's neighbour lists, row-standardised), timed
on this machine, and its results set against buurt's.

  python benches/lisa_esda.py --dir target/bench/lisa [--runs 5]

Prints one line `ESDA_MS first=… median=… min=… numba=…`: `first` is the first call (with
numba, its compilation), `median` and `min` of the later calls. Checks that esda's local I and
quadrants equal buurt's and how far the pseudo p-values (other random draws) lie apart.
"""
import argparse
import json
import statistics
import sys
import time
import warnings

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()

try:
    import numba  # noqa: F401  esda's conditional permutations use it when present

    numba_version = numba.__version__
except ImportError:
    numba_version = "absent"

import esda
import libpysal
from esda.moran import Moran_Local
from libpysal.weights import W

with open(f"{args.dir}/lisa_input.json") as f:
    data = json.load(f)
with open(f"{args.dir}/lisa_rust.json") as f:
    rust = json.load(f)

y = np.asarray(data["values"], dtype=float)
with warnings.catch_warnings():
    # The Wadden islands' wijken have no neighbour; esda warns about islands.
    warnings.simplefilter("ignore")
    w = W({i: list(ns) for i, ns in enumerate(data["neighbours"])}, silence_warnings=True)
w.transform = "r"
print(
    f"esda {esda.__version__}, libpysal {libpysal.__version__}, numpy {np.__version__}, "
    f"numba {numba_version}; {data['indicator']} {data['year']}: n={w.n}, "
    f"links={sum(len(v) for v in w.neighbors.values())}, "
    f"islands={len(w.islands)}",
    flush=True,
)


def run():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Moran_Local(y, w, permutations=999, seed=1)


t = time.perf_counter()
lm = run()
first = (time.perf_counter() - t) * 1e3
times = []
for _ in range(args.runs):
    t = time.perf_counter()
    lm = run()
    times.append((time.perf_counter() - t) * 1e3)
median = statistics.median(times)
print(f"Moran_Local(permutations=999): first call {first:.1f} ms, then median {median:.1f} ms "
      f"(min {min(times):.1f}) over {args.runs} runs", flush=True)

# The same statistic: local I and quadrants equal buurt's; the pseudo p-values come from other
# random draws, so they agree only up to the permutation noise (about ±0.01 at p = 0.05).
rust_is = np.asarray(rust["is"], dtype=float)
max_is = float(np.max(np.abs(lm.Is - rust_is)))
islands = set(w.islands)
tested = [i for i in range(w.n) if i not in islands]
same_q = all(int(lm.q[i]) == int(rust["q"][i]) for i in tested)
p_rust = np.asarray([rust["p_sim"][i] for i in tested], dtype=float)
p_esda = np.asarray([lm.p_sim[i] for i in tested], dtype=float)
sig_rust = p_rust < 0.05
sig_esda = p_esda < 0.05
print(f"check: max |Is esda - Is buurt| = {max_is:.2e}; quadrants equal: {same_q}; "
      f"median |p esda - p buurt| = {float(np.median(np.abs(p_esda - p_rust))):.4f}; "
      f"p < 0.05: esda {int(sig_esda.sum())}, buurt {int(sig_rust.sum())}, both {int((sig_esda & sig_rust).sum())}")
if max_is > 1e-9 or not same_q:
    sys.exit("esda and buurt compute different local statistics")
print(f"ESDA_MS first={first:.3f} median={median:.3f} min={min(times):.3f} numba={numba_version}")
