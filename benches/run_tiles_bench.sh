#!/usr/bin/env bash
# The map-service benchmark of buurt against martin and GDAL, in one run on this machine
# (not run by CI). See benches/README.md, "Map service", for what each figure means.
#
#   benches/run_tiles_bench.sh                 # from the repository root
#
# Needs: the real data (BUURT_DATA, else ../shared/data beside the repository), python3, curl,
# wrk, ogr2ogr (Debian: apt-get install wrk gdal-bin) and martin with only its archive features:
#   cargo install martin@1.14.0 --locked --no-default-features --features pmtiles,mbtiles
# (1.14.0 is the newest release that builds with rust 1.95; MARTIN=/path/to/martin overrides).
#
# Settings: DURATION (wrk seconds per run, default 20), ROUNDS (turns of buurt and martin on
# Utrecht and on the national wijk layer, default 3), CONNECTIONS (64), NATIONAL_MAXZOOM
# (highest zoom of the synthetic national pyramids, default 16), SKIP_UTRECHT=1,
# SKIP_NL_WIJK=1, SKIP_NATIONAL=1 (the synthetic layer), NL_INDICATORS (the national wijk
# runs' indicators, default aandeel_65plus,eenzaam_65plus,mantelzorger_18plus),
# NL_SAMPLE (tiles per zoom above z11 in the national tile list, default 1500).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="${BUURT_DATA:-$root/../shared/data}"
out="${BUURT_BENCH_OUT:-$root/target/bench}/tiles"
duration="${DURATION:-20}"
rounds="${ROUNDS:-3}"
connections="${CONNECTIONS:-64}"
national_maxzoom="${NATIONAL_MAXZOOM:-16}"
indicators="eenzaam_65plus,mantelzorger_18plus,ervaren_gezondheid_goed_18plus"
year=2020
mkdir -p "$out"
# Outputs of an earlier run: ogr2ogr will not overwrite an MBTiles file.
rm -f "$out"/*.mbtiles "$out"/*.pmtiles

for tool in wrk ogr2ogr curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install wrk gdal-bin curl)" >&2; exit 1; }
done
martin="${MARTIN:-$(command -v martin || echo "$HOME/.cache/martin-bin/bin/martin")}"
[ -x "$martin" ] || {
    echo "martin not found; cargo install martin@1.14.0 --locked --no-default-features --features pmtiles,mbtiles" >&2
    exit 1
}

# Two builds, not one: building both packages together unifies their dependencies' features
# differently and would compile polars a third time. tile_bench only for the sections that use
# it (the national wijk layer needs only buurt).
cargo build --release --locked -p buurt-cli
if [ "${SKIP_UTRECHT:-0}" != 1 ] || [ "${SKIP_NATIONAL:-0}" != 1 ]; then
    cargo build --release --locked -p buurt-benches --bin tile_bench
fi
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
buurt="$target_dir/release/buurt"
tile_bench="$target_dir/release/tile_bench"
results="$out/results.txt"
: > "$results"
report() { echo "$*" | tee -a "$results"; }
slug() { echo "$1" | tr -c 'a-zA-Z0-9_\n-' '_'; }

# Wall seconds of a command, and its peak RSS in MiB, via GNU time.
timed() { # label, command...
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$out/time.tmp" "$@" > "$out/$(slug "$label").log" 2>&1 ||
        { echo "$label failed; see $out/$(slug "$label").log" >&2; exit 1; }
    read -r wall kib < "$out/time.tmp"
    report "$(printf '%-44s wall %8.2f s   peak RSS %6d MiB' "$label" "$wall" $((kib / 1024)))"
}

# Start a server, time it to its first good tile, leave its pid in $server_pid.
start_server() { # label, first-tile URL, command...
    local label=$1 url=$2; shift 2
    local t0; t0=$(date +%s.%N)
    "$@" > "$out/$(slug "$label").server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 6000); do
        if curl -sf -o /dev/null "$url"; then
            report "$(printf '%-44s first tile after %.2f s' "$label" "$(awk "BEGIN {print $(date +%s.%N) - $t0}")")"
            return 0
        fi
        kill -0 "$server_pid" 2>/dev/null || { echo "$label exited; see $out/$(slug "$label").server.log" >&2; exit 1; }
        sleep 0.05
    done
    echo "$label: no tile after 300 s" >&2
    exit 1
}

stop_server() { # label
    local rss; rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$server_pid/status")
    report "$(printf '%-44s peak RSS %d MiB' "$1" "$rss")"
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
}

# wrk over a fixed list of tile paths (one per line), round robin from a per-thread offset,
# asking for gzip as browsers do.
cat > "$out/paths.lua" <<'EOF'
local paths = {}
local counter = 0
init = function(args)
    for line in io.lines(args[1]) do paths[#paths + 1] = line end
    counter = math.random(#paths)
end
request = function()
    counter = counter % #paths + 1
    return wrk.format("GET", paths[counter], {["Accept-Encoding"] = "gzip"})
end
EOF

load() { # label, base URL, paths file
    local log; log="$out/$(slug "$1").wrk.log"
    # Warm-up: one pass over the list first (buurt renders each tile once, then serves it from
    # its cache; martin's archive is rendered beforehand), then the measured run.
    wrk -t2 -c"$connections" -d3s -s "$out/paths.lua" "$2" -- "$3" > /dev/null
    wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$out/paths.lua" "$2" -- "$3" > "$log"
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ {print $2}' "$log")
    p50=$(awk '$1 == "50%" {print $2}' "$log")
    p99=$(awk '$1 == "99%" {print $2}' "$log")
    errors=$(grep -E "Non-2xx|Socket errors" "$log" | tr '\n' ' ' || true)
    report "$(printf '%-44s %10s req/s   p50 %8s   p99 %8s   %s' "$1" "$rps" "$p50" "$p99" "$errors")"
}

# The median requests/s and p99 of one server's rounds (the lines "<label> #<n>" above).
median() { # label
    report "$(grep -F "$1 #" "$results" | grep "req/s" | python3 -c '
import re, statistics, sys
def ms(v):
    n, unit = re.fullmatch(r"([0-9.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
rps, p99 = [], []
for line in sys.stdin:
    rps.append(float(re.search(r"([0-9.]+) req/s", line).group(1)))
    p99.append(ms(re.search(r"p99 +([0-9.]+[mu]?s)", line).group(1)))
print("%-44s median of %d: %10.2f req/s   p99 %.2fms" % (sys.argv[1], len(rps), statistics.median(rps), statistics.median(p99)))
' "$1")"
}

# Tile paths z10-16 over a layer's extent: every tile up to z14, then a seeded sample per zoom.
tile_list() { # geojson, url template with {z}/{x}/{y}, out file
    python3 - "$1" "$2" "$3" <<'EOF'
import json, math, random, sys
src, template, dest = sys.argv[1:]
lons, lats = [], []
for f in json.load(open(src))["features"]:
    g = f["geometry"]
    polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
    for p in polys:
        for x, y in p[0]:
            lons.append(x); lats.append(y)
def tile(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y
rng = random.Random(16)
paths = []
for z in range(10, 17):
    x0, y0 = tile(min(lons), max(lats), z)
    x1, y1 = tile(max(lons), min(lats), z)
    tiles = [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    if len(tiles) > 800:
        tiles = rng.sample(tiles, 800)
    paths += [template.format(z=z, x=x, y=y) for x, y in tiles]
rng.shuffle(paths)
open(dest, "w").write("\n".join(paths) + "\n")
print(f"{len(paths)} tile paths z10-16 in {dest}")
EOF
}

report "== buurt map-service benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
report "   martin: $("$martin" --version 2>&1 | head -1); GDAL: $(ogr2ogr --version)"

# ---------------------------------------------------------------- Utrecht, real data
if [ "${SKIP_UTRECHT:-0}" != 1 ]; then
    report ""
    report "== Utrecht: the buurt layer of gemeente Utrecht (real boundaries, $indicators, $year)"
    common=(--data "$data" --quiet)
    "$buurt" "${common[@]}" validate > /dev/null # builds the atlas cache once, untimed
    "$buurt" "${common[@]}" tiles export --format geojson --layers buurt --within GM0344 \
        --indicators "$indicators" --year "$year" --out "$out/utrecht.geojson"
    report "   features: $(python3 -c "import json; print(len(json.load(open('$out/utrecht.geojson'))['features']))")"

    # (b) the z0-16 pyramid from the same GeoJSON: buurt (library, all cores) vs ogr2ogr.
    timed "pyramid z0-16 utrecht buurt (tile_bench)" \
        "$tile_bench" pyramid "$out/utrecht.geojson" "$out/utrecht_buurt.mbtiles" --maxzoom 16
    timed "pyramid z0-16 utrecht GDAL ogr2ogr" \
        ogr2ogr -f MBTiles "$out/utrecht_gdal.mbtiles" "$out/utrecht.geojson" \
        -nln buurt -dsco MINZOOM=0 -dsco MAXZOOM=16
    timed "export z0-16 utrecht buurt CLI (from atlas)" \
        "$buurt" "${common[@]}" tiles export --format pmtiles --layers buurt --within GM0344 \
        --minzoom 0 --maxzoom 16 --indicators "$indicators" --year "$year" --out "$out/utrecht_buurt.pmtiles"
    report "   sizes: buurt mbtiles $(( $(stat -c %s "$out/utrecht_buurt.mbtiles") / 1024 )) KiB, GDAL mbtiles $(( $(stat -c %s "$out/utrecht_gdal.mbtiles") / 1024 )) KiB, buurt pmtiles $(( $(stat -c %s "$out/utrecht_buurt.pmtiles") / 1024 )) KiB"
    grep -h "PYRAMID" "$out"/pyramid_z0-16_utrecht_buurt*.log | sed 's/^/   /' | tee -a "$results"

    # (a) throughput over the same tile list: buurt serve (dynamic attributes; with its tile cache
    # and with the cache off) vs martin serving buurt's PMTiles export of the same layer.
    tile_list "$out/utrecht.geojson" "/tiles/buurt/{z}/{x}/{y}.mvt?indicators=$indicators&year=$year" "$out/utrecht_buurt_paths.txt"
    sed 's#^/tiles/buurt/\([0-9]*/[0-9]*/[0-9]*\)\.mvt.*#/utrecht_buurt/\1#' "$out/utrecht_buurt_paths.txt" > "$out/utrecht_martin_paths.txt"
    first=$(head -1 "$out/utrecht_buurt_paths.txt")
    port=18180
    # A shared 2-core VM drifts by 10-20 % between runs, so buurt (cached) and martin take turns,
    # ROUNDS times, and the medians are compared.
    for round in $(seq 1 "$rounds"); do
        label="buurt serve utrecht (tile cache 64 MiB) #$round"
        start_server "$label" "http://127.0.0.1:$port$first" \
            "$buurt" "${common[@]}" serve --addr "127.0.0.1:$port" --tile-cache-mb 64
        load "$label" "http://127.0.0.1:$port" "$out/utrecht_buurt_paths.txt"
        stop_server "$label"
        label="martin utrecht (pmtiles) #$round"
        start_server "$label" "http://127.0.0.1:$port$(head -1 "$out/utrecht_martin_paths.txt")" \
            "$martin" --listen-addresses "127.0.0.1:$port" "$out/utrecht_buurt.pmtiles"
        load "$label" "http://127.0.0.1:$port" "$out/utrecht_martin_paths.txt"
        stop_server "$label"
    done
    for server in "buurt serve utrecht (tile cache 64 MiB)" "martin utrecht (pmtiles)"; do
        median "$server"
    done
    label="buurt serve utrecht (tile cache 0 MiB)"
    start_server "$label" "http://127.0.0.1:$port$first" \
        "$buurt" "${common[@]}" serve --addr "127.0.0.1:$port" --tile-cache-mb 0
    load "$label" "http://127.0.0.1:$port" "$out/utrecht_buurt_paths.txt"
    stop_server "$label"
fi

# ---------------------------------------------------------------- national wijk layer, real data
# All 3 340 wijken of NL (tmap 2022, the `wijk` tile layer of `buurt serve`) with indicators
# that most wijken have a value for: kwb 2022 and RIVM 2020 (each at its newest year).
if [ "${SKIP_NL_WIJK:-0}" != 1 ]; then
    nl_indicators="${NL_INDICATORS:-aandeel_65plus,eenzaam_65plus,mantelzorger_18plus}"
    nl_sample="${NL_SAMPLE:-1500}"
    report ""
    report "== National wijk layer: all wijken of NL, dynamic attributes ($nl_indicators, newest year), load $(cut -d' ' -f1-3 /proc/loadavg)"
    # (e) The first build of the atlas cache, as on a fresh machine: an empty --cache directory
    # (the data files are in the page cache, as after unpacking them). `diagnose` opens the
    # atlas (loads every dataset, validates, indexes, writes the cache), then one profile.
    nl_cache="$out/nl-cache"
    rm -rf "$nl_cache" "$out/.nl-cache.new" "$out/.nl-cache.old"
    timed "first build of the atlas cache (empty --cache)" \
        "$buurt" --data "$data" --cache "$nl_cache" --quiet diagnose WK034405 --format json
    timed "validate (loads and checks, no cache)" \
        "$buurt" --data "$data" --quiet validate
    nl=(--data "$data" --cache "$nl_cache" --quiet)
    # martin serves buurt's own PMTiles export of the same layer, zooms and attributes.
    timed "export wijk z6-14 NL to PMTiles (from atlas)" \
        "$buurt" "${nl[@]}" tiles export --format pmtiles --layers wijk \
        --minzoom 6 --maxzoom 14 --indicators "$nl_indicators" --out "$out/nl_wijk.pmtiles"
    report "   nl_wijk.pmtiles: $(( $(stat -c %s "$out/nl_wijk.pmtiles") / 1024 )) KiB"
    # The request mix: the tiles of that archive (exactly the z6-14 tiles that cover a wijk),
    # every one up to z11, then a seeded sample of NL_SAMPLE per zoom, shuffled.
    python3 - "$out/nl_wijk.pmtiles" "$nl_sample" "$nl_indicators" "$out/nl_wijk_paths.txt" \
        "$out/nl_wijk_martin_paths.txt" <<'EOF' | sed 's/^/   /' | tee -a "$results"
import gzip, random, struct, sys
path, sample, indicators, buurt_out, martin_out = sys.argv[1:]
data = open(path, "rb").read()
assert data[:7] == b"PMTiles" and data[7] == 3, "not a PMTiles v3 archive"
(root_off, root_len, _, _, leaf_off, _, _, _) = struct.unpack_from("<8Q", data, 8)
compression = data[97]
def inflate(b):
    return gzip.decompress(b) if compression == 2 else b
def varints(b):
    out, v, shift = [], 0, 0
    for byte in b:
        v |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            out.append(v); v, shift = 0, 0
    return out
def entries(b):
    v = varints(inflate(b))
    n = v[0]
    ids, runs, lens, offs = v[1:1 + n], v[1 + n:1 + 2 * n], v[1 + 2 * n:1 + 3 * n], v[1 + 3 * n:1 + 4 * n]
    tile_id, out = 0, []
    for i in range(n):
        tile_id += ids[i]
        off = offs[i] - 1 if offs[i] else out[-1][3] + out[-1][2]
        out.append((tile_id, runs[i], lens[i], off))
    return out
def tiles(b):
    for tile_id, run, length, off in entries(b):
        if run == 0:  # a leaf directory
            yield from tiles(data[leaf_off + off:leaf_off + off + length])
        else:
            yield from range(tile_id, tile_id + run)
def zxy(tile_id):  # the PMTiles Hilbert numbering
    acc, z = 0, 0
    while acc + (1 << 2 * z) <= tile_id:
        acc += 1 << 2 * z; z += 1
    t, x, y, s = tile_id - acc, 0, 0, 1
    while s < (1 << z):
        rx = 1 & (t // 2); ry = 1 & (t ^ rx)
        if ry == 0:
            if rx == 1:
                x, y = s - 1 - x, s - 1 - y
            x, y = y, x
        x += s * rx; y += s * ry
        t //= 4; s *= 2
    return z, x, y
by_zoom = {}
for t in tiles(data[root_off:root_off + root_len]):
    z, x, y = zxy(t)
    by_zoom.setdefault(z, []).append((x, y))
rng = random.Random(13)
picked = []
for z in sorted(by_zoom):
    xy = sorted(by_zoom[z])
    if z > 11 and len(xy) > int(sample):
        xy = rng.sample(xy, int(sample))
    picked += [(z, x, y) for x, y in xy]
    print(f"z{z}: {len(by_zoom[z])} tiles in the archive, {len(xy)} requested")
rng.shuffle(picked)
with open(buurt_out, "w") as f:
    f.writelines(f"/tiles/wijk/{z}/{x}/{y}.mvt?indicators={indicators}\n" for z, x, y in picked)
with open(martin_out, "w") as f:
    f.writelines(f"/nl_wijk/{z}/{x}/{y}\n" for z, x, y in picked)
print(f"{len(picked)} tile paths z{min(by_zoom)}-{max(by_zoom)}")
EOF
    nl_first=$(head -1 "$out/nl_wijk_paths.txt")
    # The densest tile: z6 over the middle of the country, all wijken in one tile.
    nl_z6="/tiles/wijk/6/32/21.mvt?indicators=$nl_indicators"
    port=18180
    # (c) Cold start with the national atlas from its cache, to the first tile: the z6 tile
    # of the whole country, three starts.
    for start in 1 2 3; do
        label="buurt serve NL wijk, cold start #$start"
        start_server "$label" "http://127.0.0.1:$port$nl_z6" \
            "$buurt" "${nl[@]}" serve --addr "127.0.0.1:$port"
        stop_server "$label"
    done
    # (a) cached, (b) every request rendered, against martin: in turns, ROUNDS times.
    for round in $(seq 1 "$rounds"); do
        label="buurt serve NL wijk (tile cache 64 MiB) #$round"
        start_server "$label" "http://127.0.0.1:$port$nl_first" \
            "$buurt" "${nl[@]}" serve --addr "127.0.0.1:$port" --tile-cache-mb 64
        load "$label" "http://127.0.0.1:$port" "$out/nl_wijk_paths.txt"
        stop_server "$label"
        label="martin NL wijk (pmtiles) #$round"
        start_server "$label" "http://127.0.0.1:$port$(head -1 "$out/nl_wijk_martin_paths.txt")" \
            "$martin" --listen-addresses "127.0.0.1:$port" "$out/nl_wijk.pmtiles"
        load "$label" "http://127.0.0.1:$port" "$out/nl_wijk_martin_paths.txt"
        stop_server "$label"
        label="buurt serve NL wijk (tile cache 0 MiB) #$round"
        start_server "$label" "http://127.0.0.1:$port$nl_first" \
            "$buurt" "${nl[@]}" serve --addr "127.0.0.1:$port" --tile-cache-mb 0
        load "$label" "http://127.0.0.1:$port" "$out/nl_wijk_paths.txt"
        stop_server "$label"
    done
    for server in "buurt serve NL wijk (tile cache 64 MiB)" "martin NL wijk (pmtiles)" \
        "buurt serve NL wijk (tile cache 0 MiB)"; do
        median "$server"
    done
    report "   load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

# ---------------------------------------------------------------- synthetic national layer
if [ "${SKIP_NATIONAL:-0}" != 1 ]; then
    report ""
    report "== National: synthetic layer of ~14 000 buurt-like polygons (benches/synthetic_national.py)"
    python3 benches/synthetic_national.py --out "$out/national.geojson" | sed 's/^/   /' | tee -a "$results"
    timed "pyramid z0-$national_maxzoom national buurt (tile_bench)" \
        "$tile_bench" pyramid "$out/national.geojson" "$out/national_buurt.mbtiles" --maxzoom "$national_maxzoom"
    timed "pyramid z0-$national_maxzoom national GDAL ogr2ogr" \
        ogr2ogr -f MBTiles "$out/national_gdal.mbtiles" "$out/national.geojson" \
        -nln buurt -dsco MINZOOM=0 -dsco MAXZOOM="$national_maxzoom"
    report "   sizes: buurt mbtiles $(( $(stat -c %s "$out/national_buurt.mbtiles") / 1024 )) KiB, GDAL mbtiles $(( $(stat -c %s "$out/national_gdal.mbtiles") / 1024 )) KiB"
    grep -h "PYRAMID" "$out"/pyramid_z0-*_national_buurt*.log | sed 's/^/   /' | tee -a "$results"

    tile_list "$out/national.geojson" "/tiles/buurt/{z}/{x}/{y}.mvt?indicators=eenzaam_65plus,mantelzorger_18plus" "$out/national_paths.txt"
    sed 's#^/tiles/buurt/\([0-9]*/[0-9]*/[0-9]*\)\.mvt.*#/national_buurt/\1#' "$out/national_paths.txt" > "$out/national_martin_paths.txt"
    first=$(head -1 "$out/national_paths.txt")
    start_server "buurt national (tile_bench serve, no cache)" "http://127.0.0.1:$port$first" \
        "$tile_bench" serve "$out/national.geojson" --addr "127.0.0.1:$port"
    load "buurt national (tile_bench serve, no cache)" "http://127.0.0.1:$port" "$out/national_paths.txt"
    stop_server "buurt national (tile_bench serve, no cache)"
    start_server "martin national (mbtiles)" "http://127.0.0.1:$port$(head -1 "$out/national_martin_paths.txt")" \
        "$martin" --listen-addresses "127.0.0.1:$port" "$out/national_buurt.mbtiles"
    load "martin national (mbtiles)" "http://127.0.0.1:$port" "$out/national_martin_paths.txt"
    stop_server "martin national (mbtiles)"
fi

echo
echo "results in $results"
