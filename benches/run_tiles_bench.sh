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
# Utrecht, default 3), CONNECTIONS (64), NATIONAL_MAXZOOM
# (highest zoom of the national pyramids, default 16), SKIP_NATIONAL=1.
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
# differently and would compile polars a third time.
cargo build --release --locked -p buurt-cli
cargo build --release --locked -p buurt-benches --bin tile_bench
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
