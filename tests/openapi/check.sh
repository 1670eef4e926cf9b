#!/usr/bin/env bash
# Validates the service's OpenAPI document (`buurt openapi`, the same document /openapi.json
# serves) with openapi-spec-validator, as .ci/run does (issue 15: a contract that matches the
# server). Needs python3 with venv and a built binary (BUURT_BIN, else debug/buurt in
# CARGO_TARGET_DIR or target/). The venv (BUURT_OAS_VENV, else ~/.cache/buurt-oas) is made from
# the pinned tests/openapi/requirements.txt, wheels only, and made again when that file changes.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${BUURT_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/buurt}"
venv="${BUURT_OAS_VENV:-$HOME/.cache/buurt-oas}"
req="$root/tests/openapi/requirements.txt"
[ -x "$bin" ] || { echo "buurt binary $bin not found (cargo build -p buurt-cli, or set BUURT_BIN)" >&2; exit 1; }
# shellcheck source=tests/openapi/venv.sh
. "$root/tests/openapi/venv.sh"
pinned_venv "$venv" "$req"
doc="$(mktemp --suffix=.json)"
trap 'rm -f "$doc"' EXIT
"$bin" openapi > "$doc"
"$venv/bin/openapi-spec-validator" "$doc"
