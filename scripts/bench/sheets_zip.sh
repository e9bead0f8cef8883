#!/usr/bin/env bash
# All the capitalisation sheets of a 1,000-partnership workspace as one ZIP, end to end:
# every sheet read from the database (partners, forms, objectives and exchanges; outcomes,
# flows and the team's notes are queried too, though `gen` makes none), laid out and
# written, then stored in the archive — what the "Documents" page's background job and
# `partinnov render sheets` do.
#
#   scripts/bench/sheets_zip.sh [RUNS]     (default 3 runs per format)
#
# The database is made once by `partinnov gen --scale 1 --partnerships 1000` (SQLite, in
# target/bench/). Each run is a fresh process timed by /usr/bin/time: wall-clock seconds
# and peak resident memory (the whole process: runtime, pool, fonts, the ZIP in memory).
# With LibreOffice installed (`soffice`), the same run also converts 20 of the ODT sheets
# to PDF in one `soffice` call, its best case, for the ratio asked by issue 8.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-3}"

# PARTINNOV_BIN=path uses an already built binary instead of building one.
bin="${PARTINNOV_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release -q --locked -p partinnov --bin partinnov
  bin=target/release/partinnov
fi
mkdir -p target/bench
db=target/bench/sheets1000.sqlite
url="sqlite:$db"
if [ ! -s "$db" ]; then
  "$bin" gen --database-url "$url" --scale 1 --partnerships 1000 >/dev/null
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

for format in pdf odt; do
  for r in $(seq 1 "$runs"); do
    out="$work/sheets-$r.$format.zip"
    /usr/bin/time -f "%e %M" -o "$work/time" \
      "$bin" render sheets --database-url "$url" --workspace structure-1 \
      --format "$format" --out "$out" 2>/dev/null
    read -r secs kb <"$work/time"
    files="$(python3 -c 'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))' "$out")"
    size="$(du -m "$out" | cut -f1)"
    printf '%s run %s: %s sheets in %s s, peak %s MB, ZIP %s MB\n' \
      "$format" "$r" "$files" "$secs" "$((kb / 1024))" "$size"
  done
done

if command -v soffice >/dev/null; then
  mkdir -p "$work/odt" "$work/lo"
  python3 - "$work/sheets-1.odt.zip" "$work/odt" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for name in sorted(z.namelist())[:20]:
    open(f"{sys.argv[2]}/{name}", "wb").write(z.read(name))
PY
  profile="file://$work/profile"
  lo() { soffice "-env:UserInstallation=$profile" --headless --convert-to pdf --outdir "$work/lo" "$@" >/dev/null 2>&1; }
  first="$(find "$work/odt" -name '*.odt' | head -1)"
  lo "$first"   # creates the profile, untimed
  rm -f "$work/lo"/*
  start="$(date +%s.%N)"
  lo "$work"/odt/*.odt
  end="$(date +%s.%N)"
  made="$(find "$work/lo" -name '*.pdf' | wc -l)"
  per_sheet="$(echo "($end - $start) / $made" | bc -l)"
  printf 'LibreOffice: %s ODT sheets to PDF in one call, %.3f s each, so %.0f s for 1,000\n' \
    "$made" "$per_sheet" "$(echo "$per_sheet * 1000" | bc -l)"
else
  echo "LibreOffice: soffice not found (apt-get install libreoffice-writer-nogui)"
fi
