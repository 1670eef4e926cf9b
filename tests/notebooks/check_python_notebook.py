"""Execute notebooks/utrecht_oost_python.ipynb against the real service and check its outputs.

Starts `buurt serve` on a free port, writes the two CLI exports the notebook reads, runs every
cell with nbclient and then checks what came out:

- the committed notebook carries no outputs;
- every code cell ran, none produced an error;
- every cell tagged `plot` showed a PNG (at least two: the trend lines and the choropleth);
- the `results` cell printed JSON whose numbers agree with the API, read here independently:
  Oost's inwoners and aandachtspunten from its profile, the population-weighted means
  recomputed from `/api/v1/indicators/{id}/values` (not from the exports the notebook used),
  the published wijk values, the trend series and the map's counts.

Run by tests/notebooks/run_python_notebook.sh (which makes the venv); usage:
    python check_python_notebook.py --bin BUURT --cache DIR --work DIR [--notebook FILE]
"""

import argparse
import base64
import io
import json
import math
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "utrecht_oost_python.ipynb"
WIJK, GEMEENTE = "WK034405", "GM0344"
# The indicators in the GeoJSON export (as in notebooks/README.md).
GEOJSON_INDICATORS = [
    "inwoners", "inwoners_65plus", "eenzaam_18plus", "eenzaam_65plus", "mantelzorger_18plus",
]
CELL_TIMEOUT_S = 300


class CheckFailed(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise CheckFailed(msg)


def close(a, b, tol, what):
    check(
        a is not None and b is not None and math.isfinite(a) and abs(a - b) <= tol,
        f"{what}: notebook {a!r}, expected {b!r} (tolerance {tol})",
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=120) as r:
        return json.load(r)


def start_server(binary, cache, log_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [binary, "--quiet", "--cache", cache, "serve", "--addr", f"127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    # The first start builds the atlas from the data (a minute or more); later ones read the cache.
    deadline = time.monotonic() + 600
    while True:
        if proc.poll() is not None:
            raise CheckFailed(f"buurt serve exited ({proc.returncode}); log: {log_path}")
        try:
            get(base, "/health")
            return proc, base
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.terminate()
            raise CheckFailed(f"buurt serve did not answer /health in 600 s; log: {log_path}")
        time.sleep(0.5)


def write_exports(binary, cache, exports):
    exports.mkdir(parents=True, exist_ok=True)
    common = [binary, "--quiet", "--cache", cache]
    with open(exports / f"diagnose_buurt_{GEMEENTE}.csv", "wb") as out:
        subprocess.run(
            common + ["diagnose", "--within", GEMEENTE, "--level", "buurt", "--format", "csv"],
            stdout=out, check=True,
        )
    # It says where it wrote the file on stderr: shown only when it fails.
    done = subprocess.run(
        common + ["tiles", "export", "--format", "geojson", "--layers", "buurt",
                  "--within", GEMEENTE, "--indicators", ",".join(GEOJSON_INDICATORS),
                  "--out", str(exports / f"buurt_{GEMEENTE}.geojson")],
        capture_output=True, text=True,
    )
    check(done.returncode == 0, f"buurt tiles export failed:\n{done.stdout}{done.stderr}")


def check_committed(nb):
    check(nb.metadata.kernelspec.name == "python3", "the kernel must be python3")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            check(not cell.outputs and cell.execution_count is None,
                  f"code cell {i}: committed notebooks carry no outputs (clear them)")


def execute(nb, notebook, env, executed_path):
    os.environ.update(env)  # the kernel inherits this process's environment
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT_S, startup_timeout=120, kernel_name="python3",
        resources={"metadata": {"path": str(notebook.parent)}},
        # The kernel listens on localhost only; its warning about TCP without encryption is noise.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    try:
        client.execute()
    except CellExecutionError as e:
        nbformat.write(nb, executed_path)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", str(e))  # the traceback without its colours
        raise CheckFailed(f"a cell failed (executed notebook: {executed_path}):\n{plain}") from None
    finally:
        nbformat.write(nb, executed_path)


def check_drawn(png, what):
    # An empty figure is a PNG too: ask for a real drawing (many colours, much ink).
    img = np.asarray(Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB"))
    h, w, _ = img.shape
    check(h >= 300 and w >= 300, f"{what}: a {w}x{h} image")
    colours = len(np.unique(img.reshape(-1, 3) // 8, axis=0))
    ink = (img.min(axis=2) < 235).mean()
    check(colours >= 16 and ink >= 0.03,
          f"{what}: the image looks empty ({colours} colours, {ink:.1%} drawn)")


def check_outputs(nb):
    plots = 0
    results = None
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        check(cell.execution_count is not None, f"code cell {i} did not run")
        for out in cell.outputs:
            check(out.output_type != "error", f"code cell {i}: {out.get('ename')}: {out.get('evalue')}")
            check(not (out.output_type == "stream" and out.name == "stderr" and "Traceback" in out.text),
                  f"code cell {i} printed a traceback")
        tags = cell.metadata.get("tags", [])
        if "plot" in tags:
            pngs = [out.data["image/png"] for out in cell.outputs
                    if out.output_type in ("display_data", "execute_result")
                    and "image/png" in out.get("data", {})]
            check(pngs, f"plot cell {i} showed no image/png")
            for png in pngs:
                check_drawn(png, f"plot cell {i}")
            plots += 1
        if "results" in tags:
            text = "".join(o.text for o in cell.outputs
                           if o.output_type == "stream" and o.name == "stdout")
            try:
                results = json.loads(text)
            except json.JSONDecodeError as e:
                raise CheckFailed(f"results cell {i} did not print JSON ({e}): {text[:500]!r}")
    check(plots >= 2, f"{plots} plot cells; expected the trend lines and the choropleth")
    check(results is not None, "no cell tagged results")
    return results


def values(base, ind, within, **params):
    q = "&".join(f"{k}={v}" for k, v in params.items())
    return get(base, f"/api/v1/indicators/{ind}/values?level=buurt&within={within}&{q}")["values"]


def check_results(res, base):
    prof = get(base, f"/api/v1/regions/{WIJK}/profile")
    by_id = {i["id"]: i for i in prof["indicators"]}
    check(res["wijk"] == WIJK, f"wijk {res['wijk']!r}")
    close(res["inwoners"], by_id["inwoners"]["value"], 0, "Oost's inwoners")
    check(res["aandachtspunten"] == [p["indicator"] for p in prof["aandachtspunten"]],
          f"aandachtspunten {res['aandachtspunten']}")

    # Oost's buurten and their inwoners, from the API (the notebook used the CSV export).
    inwoners = {v["code"]: v["value"] for v in values(base, "inwoners", WIJK)}
    check(res["buurten"] == len(inwoners), f"{res['buurten']} buurten, API has {len(inwoners)}")
    close(res["inwoners_som_buurten"], sum(inwoners.values()), 0, "sum of the buurten's inwoners")
    # CBS rounds buurt and wijk counts to multiples of 5 each, so the two may differ a little.
    close(res["inwoners_som_buurten"], res["inwoners"], 5 * len(inwoners), "buurten vs wijk")

    # The population-weighted means, recomputed from the API's values per buurt.
    diffs = {}
    for ind, weight in [("eenzaam_18plus", "inwoners"), ("eenzaam_65plus", "inwoners_65plus"),
                        ("eenzaam_65plus", "inwoners")]:
        w = {v["code"]: v["value"] for v in values(base, weight, WIJK)}
        p = {v["code"]: v["value"] for v in values(base, ind, WIJK) if v["value"] is not None}
        pairs = [(p[c], w[c]) for c in p if w.get(c) is not None]
        mean = sum(x * y for x, y in pairs) / sum(y for _, y in pairs)
        published = by_id[ind]["value"]
        diffs[(ind, weight)] = abs(mean - published)
        key = f"{ind}/{weight}"
        if key in res["gewogen"]:
            got = res["gewogen"][key]
            close(got["gewogen"], mean, 1e-9, f"weighted mean {key}")
            close(got["gepubliceerd"], published, 0, f"published wijk value of {ind}")
            close(got["wijk_in_csv"], published, 0, f"benchmark_wijk of {ind} in the CSV export")
            close(got["som_gewichten"], sum(y for _, y in pairs), 0, f"sum of weights {key}")
            check(got["buurten"] == len(pairs), f"{key}: {got['buurten']} buurten, API {len(pairs)}")
            # The notebook's reading: near the published value, not equal to it.
            close(got["gewogen"], published, 2.0, f"weighted mean {key} vs the published wijk value")
    check(set(res["gewogen"]) == {"eenzaam_18plus/inwoners", "eenzaam_65plus/inwoners_65plus"},
          f"weighted means {sorted(res['gewogen'])}")
    # The notebook's text says 65+ weights bring the 65+ mean nearer the published value.
    check(diffs[("eenzaam_65plus", "inwoners_65plus")] < diffs[("eenzaam_65plus", "inwoners")],
          f"65+ weights no longer closer to the published value: {diffs}")

    # The trend lines: the profiles' series of Oost, Utrecht and Nederland.
    nl = get(base, "/api/v1/regions?level=land")[0]["code"]
    for name, code in [("Oost", WIJK), ("Utrecht", GEMEENTE), ("Nederland", nl)]:
        ind = next(i for i in get(base, f"/api/v1/regions/{code}/profile")["indicators"]
                   if i["id"] == "eenzaam_18plus")
        want = {str(s["year"]): s["value"] for s in ind["series"]
                if s["comparable"] and s["value"] is not None}
        got = res["trend_eenzaam_18plus"].get(name)
        check(got == want, f"eenzaam_18plus series of {name}: notebook {got}, API {want}")
        check(len(want) >= 3, f"eenzaam_18plus series of {name} has {len(want)} years")

    # The map: every buurt of Utrecht, the suppressed ones grey.
    vals = values(base, res["kaart"]["indicator"], GEMEENTE)
    check(res["kaart"]["buurten"] == len(vals), f"map buurten {res['kaart']}, API {len(vals)}")
    missing = sum(v["value"] is None for v in vals)
    check(res["kaart"]["zonder_waarde"] == missing,
          f"map buurten without a value {res['kaart']}, API {missing}")
    check(0 < missing < len(vals), "the map should show both values and grey buurten")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="the buurt binary")
    ap.add_argument("--cache", required=True, help="the atlas cache folder")
    ap.add_argument("--work", required=True, help="a scratch folder for exports and outputs")
    ap.add_argument("--notebook", type=Path, default=NOTEBOOK,
                    help="another notebook to check (to see the checks fail on a broken copy)")
    args = ap.parse_args()
    work = Path(args.work)
    executed = work / "utrecht_oost_python.executed.ipynb"

    nb = nbformat.read(args.notebook, as_version=4)
    check_committed(nb)
    t0 = time.monotonic()
    server, base = start_server(args.bin, args.cache, work / "serve.log")
    try:
        print(f"   buurt serve at {base} ({time.monotonic() - t0:.1f} s)", flush=True)
        t = time.monotonic()
        write_exports(args.bin, args.cache, work / "exports")
        print(f"   exports written ({time.monotonic() - t:.1f} s)", flush=True)
        t = time.monotonic()
        execute(nb, args.notebook, {"BUURT_API": base, "BUURT_EXPORTS": str(work / "exports"),
                     "MPLBACKEND": "module://matplotlib_inline.backend_inline"}, executed)
        print(f"   notebook executed ({time.monotonic() - t:.1f} s)", flush=True)
        res = check_outputs(nb)
        check_results(res, base)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"   ok: inwoners {res['inwoners']:.0f}, eenzaam 18+ gewogen "
          f"{res['gewogen']['eenzaam_18plus/inwoners']['gewogen']:.2f} vs gepubliceerd "
          f"{res['gewogen']['eenzaam_18plus/inwoners']['gepubliceerd']}")


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as e:
        print(f"notebook check failed: {e}", file=sys.stderr)
        sys.exit(1)
