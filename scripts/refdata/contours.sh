#!/usr/bin/env bash
# Regenerates crates/render/data/departements.tsv.gz (département contours for the map) from
# the pinned npm package @gouvfr/dsfr-chart (MIT), whose MapChart component carries SVG paths
# of the 96 metropolitan départements (one 1010×1010 frame, Lambert-like projection) and of
# the five overseas départements (one small frame each, drawn as insets).
#
# Run by hand; the output is committed and embedded with include_bytes!. Needs npm, python3
# and gzip. Deterministic: same package in, same bytes out.
#
# Usage: scripts/refdata/contours.sh   (from anywhere inside the repository)
set -euo pipefail

PKG="@gouvfr/dsfr-chart@2.0.4"
SHA512="sha512-/JoW6R7ystExxvuLvHacR0ZWcL1PpDkUyG/niF8jgqRaksWgb31EpJGQjmgaHR29nrANdyvoRb1DEQAL00XZ1A=="

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/crates/render/data"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

tgz="$(cd "$tmp" && npm pack --silent "$PKG" 2>/dev/null | tail -n 1)"
got="sha512-$(python3 -c 'import base64,hashlib,sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1],"rb").read()).digest()).decode())' "$tmp/$tgz")"
if [[ "$got" != "$SHA512" ]]; then
    echo "integrity mismatch for $PKG: got $got, want $SHA512" >&2
    exit 1
fi
tar -xzf "$tmp/$tgz" -C "$tmp"
mkdir -p "$out"

python3 - "$tmp/package/dist/MapChart/MapChart.js" "$out/departements.tsv" <<'EOF'
import re, sys

src = open(sys.argv[1], encoding="utf-8").read()
rows = []
# Metropolitan départements: `class: "FR-01", style: …, d: "…"` inside the 1010×1010 frame.
for code, d in re.findall(r'class: "FR-([0-9AB]{2})",\s*style: [^\n]*\n\s*d: "([^"]+)"', src):
    rows.append((code, "0 0 1010 1010", d))
# Overseas départements: each in its own small component, `viewBox: "0 0 W 50"` then its path.
for m in re.finditer(r'viewBox: "(0 0 \d+ 50)"', src):
    seg = src[m.end():m.end() + 200000]
    first = re.search(r'class: "FR-(97\d)",\s*d: "([^"]+)"', seg)
    rows.append((first.group(1), m.group(1), first.group(2)))
codes = [r[0] for r in rows]
assert len(rows) == 101 and len(set(codes)) == 101, (len(rows), sorted(codes))
rows.sort()
with open(sys.argv[2], "w", encoding="utf-8", newline="\n") as f:
    for code, viewbox, d in rows:
        assert "\t" not in d and "\n" not in d
        f.write(f"{code}\t{viewbox}\t{d}\n")
print(f"{len(rows)} départements", file=sys.stderr)
EOF
gzip -9 -n -f "$out/departements.tsv"
echo "wrote $out/departements.tsv.gz" >&2
