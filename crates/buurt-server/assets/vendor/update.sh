#!/usr/bin/env bash
# Re-fetches the pinned maplibre-gl from the npm registry and vendors its browser build (the files
# `buurt serve` embeds), after checking them against SHA256SUMS. `update.sh --check` only checks the
# vendored files (no network). To move to another version: set VERSION, run with --accept-new-sums
# once, review the diff of SHA256SUMS, and note the version in the README.
set -euo pipefail
VERSION=5.24.1
cd "$(dirname "$0")"

if [ "${1:-}" = "--check" ]; then
  sha256sum --check --quiet SHA256SUMS
  echo "vendored maplibre-gl $VERSION matches SHA256SUMS"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# npm pack checks the tarball against the registry's integrity hash.
(cd "$work" && npm pack --silent "maplibre-gl@$VERSION" >/dev/null && tar xzf "maplibre-gl-$VERSION.tgz")
cp "$work/package/dist/maplibre-gl.js" "$work/package/dist/maplibre-gl.css" "$work/"
cp "$work/package/LICENSE.txt" "$work/maplibre-gl.LICENSE.txt"
if [ "${1:-}" = "--accept-new-sums" ]; then
  (cd "$work" && sha256sum maplibre-gl.js maplibre-gl.css maplibre-gl.LICENSE.txt) > SHA256SUMS
else
  (cd "$work" && sha256sum --check --quiet "$OLDPWD/SHA256SUMS")
fi
cp "$work/maplibre-gl.js" "$work/maplibre-gl.css" "$work/maplibre-gl.LICENSE.txt" .
echo "vendored maplibre-gl $VERSION"
