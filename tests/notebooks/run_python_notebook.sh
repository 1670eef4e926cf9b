#!/usr/bin/env bash
# Executes notebooks/utrecht_oost_python.ipynb against `buurt serve` and the CLI's exports, and
# checks its outputs (tests/notebooks/check_python_notebook.py says what).
#
# Needs python3 (3.11 or newer) with venv (Debian: python3-venv), the data (BUURT_DATA, else ../shared/data
# beside the repository) and a built binary (BUURT_BIN, else debug/buurt in CARGO_TARGET_DIR or
# target/). The venv (BUURT_PY_VENV, else ~/.cache/buurt-py) is made on first use from the pinned
# tests/notebooks/requirements.txt, wheels only, and made again when that file changes. The
# atlas cache is BUURT_CACHE, else the repository's .buurt-cache/ (the one the e2e tests use).
# Exports, the server log and the executed notebook go to a scratch folder that is removed on
# success and kept (its path printed) on failure; BUURT_NB_WORK names another. Arguments go to
# the checker (e.g. --notebook FILE to check another copy).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

bin="${BUURT_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/buurt}"
export BUURT_DATA="${BUURT_DATA:-$root/../shared/data}"
cache="${BUURT_CACHE:-$root/.buurt-cache}"
venv="${BUURT_PY_VENV:-$HOME/.cache/buurt-py}"
python="${PYTHON:-python3}"
req="$root/tests/notebooks/requirements.txt"

if [ ! -x "$bin" ]; then
  echo "buurt binary $bin not found: build it with 'cargo build -p buurt-cli' or set BUURT_BIN" >&2
  exit 1
fi

start=$SECONDS
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "the notebook needs Python 3.11 or newer; $python is $("$python" --version 2>&1)" >&2
    exit 1
  fi
  echo "   making the venv $venv"
  "$python" -m venv --clear "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
    --no-deps -r "$req"
  "$venv/bin/python" -m pip check >/dev/null
  echo "$want" > "$venv/.requirements.sha256"
  echo "   venv ready ($((SECONDS - start)) s)"
fi

if [ -n "${BUURT_NB_WORK:-}" ]; then
  work="$BUURT_NB_WORK"
  mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/buurt-notebook.XXXXXX")"
fi
# matplotlib's font cache and config stay in the venv, not in the home folder.
export MPLCONFIGDIR="$venv/.matplotlib"
if "$venv/bin/python" tests/notebooks/check_python_notebook.py --bin "$bin" --cache "$cache" --work "$work" "$@"; then
  [ -n "${BUURT_NB_WORK:-}" ] || rm -rf "$work"
  echo "   python notebook ok ($((SECONDS - start)) s)"
else
  echo "python notebook check failed; exports, server log and executed notebook in $work" >&2
  exit 1
fi
