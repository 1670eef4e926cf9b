# Sourced by check.sh and schemathesis.sh: `pinned_venv VENV REQUIREMENTS` makes VENV from the
# pinned REQUIREMENTS (wheels only, no dependency resolution: every package is in the file) and
# makes it again when that file changes (its sha256 is kept in the venv).
pinned_venv() {
  local venv="$1" req="$2" want
  want="$(sha256sum "$req" | cut -d' ' -f1)"
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
    python3 -m venv --clear "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
      --no-deps -r "$req"
    echo "$want" > "$venv/.requirements.sha256"
  fi
}
