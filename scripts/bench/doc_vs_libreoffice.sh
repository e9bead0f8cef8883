#!/usr/bin/env bash
# Our PDF writer against LibreOffice headless on the same content: the sample capitalisation
# sheet (2–3 pages, one picture) is written as PDF by `doc_bench`, and as ODT, which
# LibreOffice then converts to PDF (`soffice --headless --convert-to pdf`).
#
#   scripts/bench/doc_vs_libreoffice.sh [N]      (N conversions each, default 10)
#
# LibreOffice is timed two ways: one `soffice` process per document (what a server calling it
# per request pays), and N documents in one `soffice` call (its best case). Its user profile
# is created by a first, untimed run.
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-10}"
command -v soffice >/dev/null || { echo "soffice not found (apt-get install libreoffice-writer-nogui)"; exit 1; }

cargo build --release -q -p partinnov-render --example doc_bench
bench=target/release/examples/doc_bench
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bench" --write "$work" >/dev/null

ours="$("$bench" "$n")"
echo "ours:        $ours"
ours_ms="$(sed -n 's/.*mean \([0-9.]*\) ms.*/\1/p' <<<"$ours")"

profile="file://$work/profile"
lo() { soffice "-env:UserInstallation=$profile" --headless --convert-to pdf --outdir "$work/lo" "$@" >/dev/null 2>&1; }
lo "$work/sheet.odt"   # creates the profile, untimed
test -s "$work/lo/sheet.pdf" || { echo "LibreOffice made no PDF"; exit 1; }

start="$(date +%s.%N)"
for _ in $(seq 1 "$n"); do lo "$work/sheet.odt"; done
end="$(date +%s.%N)"
per_process_ms="$(echo "($end - $start) * 1000 / $n" | bc -l)"

mkdir -p "$work/batch"
for i in $(seq 1 "$n"); do cp "$work/sheet.odt" "$work/batch/sheet-$i.odt"; done
start="$(date +%s.%N)"
lo "$work"/batch/*.odt
end="$(date +%s.%N)"
batch_ms="$(echo "($end - $start) * 1000 / $n" | bc -l)"

pages="$(pdfinfo "$work/lo/sheet.pdf" 2>/dev/null | sed -n 's/^Pages: *//p' || true)"
printf 'LibreOffice: %.0f ms per document, one process each; %.0f ms per document, %s in one process (%s pages)\n' \
    "$per_process_ms" "$batch_ms" "$n" "${pages:-?}"
printf 'ratio LibreOffice / ours: %.0f× (one process each), %.0f× (batch)\n' \
    "$(echo "$per_process_ms / $ours_ms" | bc -l)" "$(echo "$batch_ms / $ours_ms" | bc -l)"
