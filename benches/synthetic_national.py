#!/usr/bin/env python3
"""A synthetic national buurt layer for the map-service benchmark: ~14 000 buurt-like polygons
over the Netherlands' extent that tile the plane without gaps or overlaps (neighbours share
their borders exactly), with wiggly borders of real-buurt vertex density, in WGS84, with the
same kind of attributes buurt tiles carry.

    python3 benches/synthetic_national.py --out target/bench/tiles/national.geojson

Deterministic (seeded), stdlib only. Each cell of a jittered grid is one buurt; every border
between two grid vertices is one shared polyline of `--edge-points` points with a seeded
perpendicular wiggle, written forwards for one neighbour and backwards for the other, as CBS
boundaries share their arcs.
"""

import argparse
import json
import math
import random

# The Netherlands' extent in WGS84 (lon, lat).
WEST, SOUTH, EAST, NORTH = 3.36, 50.75, 7.23, 53.55


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--columns", type=int, default=130)
    parser.add_argument("--rows", type=int, default=108)
    parser.add_argument("--edge-points", type=int, default=12,
                        help="points inside each shared border (real buurten: ~10-40 per side)")
    parser.add_argument("--seed", type=int, default=14_000)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    nx, ny = args.columns, args.rows
    dx, dy = (EAST - WEST) / nx, (NORTH - SOUTH) / ny

    # Grid vertices, jittered by up to 30 % of a cell so cells are irregular quadrilaterals.
    vertex = {}
    for j in range(ny + 1):
        for i in range(nx + 1):
            jx = 0.0 if i in (0, nx) else rng.uniform(-0.3, 0.3) * dx
            jy = 0.0 if j in (0, ny) else rng.uniform(-0.3, 0.3) * dy
            vertex[(i, j)] = (WEST + i * dx + jx, SOUTH + j * dy + jy)

    edges = {}

    def edge(a, b):
        """The shared border from vertex a to vertex b (computed once per unordered pair)."""
        key = (a, b) if a < b else (b, a)
        if key not in edges:
            (x0, y0), (x1, y1) = vertex[key[0]], vertex[key[1]]
            length = math.hypot(x1 - x0, y1 - y0)
            nxp, nyp = -(y1 - y0) / length, (x1 - x0) / length
            (ia, ja), (ib, jb) = key
            outer = (ia == ib and ia in (0, nx)) or (ja == jb and ja in (0, ny))
            amp = 0.0 if outer else 0.06 * length
            phase = rng.uniform(0, 2 * math.pi)
            pts = []
            for k in range(1, args.edge_points + 1):
                t = k / (args.edge_points + 1)
                w = amp * (math.sin(phase + 3 * math.pi * t) * math.sin(math.pi * t)
                           + 0.3 * rng.uniform(-1, 1) * math.sin(math.pi * t))
                pts.append((x0 + t * (x1 - x0) + w * nxp, y0 + t * (y1 - y0) + w * nyp))
            edges[key] = pts
        pts = edges[key]
        return pts if key[0] == a else list(reversed(pts))

    features = []
    n = 0
    for j in range(ny):
        for i in range(nx):
            corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]  # counter-clockwise
            ring = []
            for a, b in zip(corners, corners[1:] + corners[:1]):
                ring.append(vertex[a])
                ring.extend(edge(a, b))
            ring.append(ring[0])
            n += 1
            gemeente = (j // 6) * 22 + i // 6
            # Smooth fields plus noise, like rates that vary across the country.
            lon, lat = vertex[(i, j)]
            base = 0.5 + 0.5 * math.sin(lon * 2.1) * math.cos(lat * 3.3)
            props = {
                "code": f"BU{n:08d}",
                "name": f"Synthetische buurt {n}",
                "gemeente": f"GM{gemeente:04d}",
                "eenzaam_65plus": round(35 + 20 * base + rng.gauss(0, 3), 1),
                "mantelzorger_18plus": round(12 + 6 * base + rng.gauss(0, 1.5), 1),
                "inwoners": rng.randrange(5, 400) * 5,
            }
            # One in twelve buurten is too small to publish, as in the RIVM data.
            if rng.random() < 1 / 12:
                del props["eenzaam_65plus"]
                props["eenzaam_65plus_missing"] = "suppressed"
            features.append({
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Polygon",
                             "coordinates": [[[round(x, 7), round(y, 7)] for x, y in ring]]},
            })
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, separators=(",", ":"))
    vertices = sum(len(f["geometry"]["coordinates"][0]) for f in features)
    print(f"SYNTHETIC features={len(features)} vertices={vertices} out={args.out}")


if __name__ == "__main__":
    main()
