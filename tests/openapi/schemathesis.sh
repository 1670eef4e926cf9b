#!/usr/bin/env bash
# Runs schemathesis against `buurt serve` on the real data (issue 15: a contract that matches
# the server): every operation of /openapi.json, with generated valid and invalid requests,
# checked for
#   not_a_server_error           no 5xx (a 503 of the time limit or a busy pool included),
#   status_code_conformance      every status is one the document lists for the operation,
#   content_type_conformance     the Content-Type is one it lists for that status,
#   response_headers_conformance documented headers (Retry-After) match their schema,
#   response_schema_conformance  the body matches the schema of that status,
#   negative_data_rejection      a request the document calls invalid (a year or k out of
#                                range, a level not in the enum, …) is refused with a 4xx,
#   unsupported_method           a method the document does not list gets 405.
# Not positive_data_acceptance: a request valid by the schema may still be refused by what
# only the data decide (an unknown code or id is a 404, a year before all values or buurten
# of two gemeenten a 400), and those refusals are documented.
# A failure or an error (e.g. a request over the 10-s read timeout) exits non-zero.
#
# Builds nothing: BUURT_BIN, else debug/buurt in CARGO_TARGET_DIR or target/ (as check.sh).
# Data from BUURT_DATA (default /work/shared/data, else ../shared/data beside the clone); the
# server runs from the clone's root, so it shares the atlas cache (.buurt-cache/) with the
# end-to-end tests. The venv (BUURT_SCHEMATHESIS_VENV, else ~/.cache/buurt-schemathesis) is made
# from the pinned tests/openapi/schemathesis-requirements.txt, wheels only, and made again when
# that file changes. Extra arguments go to `st run` (e.g. --include-path /api/v1/hotspots).
#
# Nothing is excluded: profile.pdf and profile.xlsx are binary, but their documented content
# types and statuses are checked like any other (there is no body schema to check them against).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${BUURT_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/buurt}"
venv="${BUURT_SCHEMATHESIS_VENV:-$HOME/.cache/buurt-schemathesis}"
req="$root/tests/openapi/schemathesis-requirements.txt"
if [ -z "${BUURT_DATA:-}" ]; then
  if [ -d /work/shared/data ]; then BUURT_DATA=/work/shared/data; else BUURT_DATA="$root/../shared/data"; fi
fi
export BUURT_DATA
[ -x "$bin" ] || { echo "buurt binary $bin not found (cargo build --workspace, or set BUURT_BIN)" >&2; exit 1; }
[ -d "$BUURT_DATA" ] || { echo "data directory $BUURT_DATA not found (set BUURT_DATA)" >&2; exit 1; }

# shellcheck source=tests/openapi/venv.sh
. "$root/tests/openapi/venv.sh"
pinned_venv "$venv" "$req"

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A free port: bound by the kernel, released, then taken by the server.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port"
(cd "$root" && exec "$bin" --quiet serve --addr "127.0.0.1:$port") > "$work/server.log" 2>&1 &
server=$!

# The first start may build the atlas cache, which takes minutes.
for _ in $(seq 600); do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "buurt serve exited before answering /health:" >&2
    tail -n 50 "$work/server.log" >&2
    exit 1
  fi
  if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "$base/health" 2>/dev/null; then
    break
  fi
  sleep 0.5
done
python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$base/health" \
  || { echo "buurt serve did not answer /health within 300 s" >&2; tail -n 50 "$work/server.log" >&2; exit 1; }

# Fixed seed and a bounded number of examples per operation (BUURT_SCHEMATHESIS_EXAMPLES, 50):
# the same requests each run, about two minutes on two cores. One worker: the server answers
# 503 with Retry-After when its compute pool is busy, which concurrent requests of one client
# could cause and not_a_server_error would count; one at a time, none waits behind another. No
# example database, so nothing carries over between runs (and nothing is written outside $work).
status=0
(cd "$work" && "$venv/bin/st" run "$base/openapi.json" \
  --url "$base" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,unsupported_method \
  --seed 15 \
  --max-examples "${BUURT_SCHEMATHESIS_EXAMPLES:-50}" \
  --workers 1 \
  --request-timeout 10 \
  --generation-database none \
  --no-color \
  "$@") || status=$?
if [ "$status" -ne 0 ]; then
  echo "schemathesis found failures (exit $status); the server's log ends:" >&2
  tail -n 20 "$work/server.log" >&2
fi
exit "$status"
