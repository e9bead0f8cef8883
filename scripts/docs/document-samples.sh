#!/usr/bin/env bash
# Renders the first two pages of the sample capitalisation sheet (the document tests'
# sample, written by the `doc_bench` example) to PNG in docs/documents/, for people to look
# at the PDF layout without opening a PDF. Needs pdftoppm (Debian's poppler-utils).
#
#   scripts/docs/document-samples.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v pdftoppm >/dev/null || { echo "pdftoppm not found (apt-get install poppler-utils)"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo run -q --release -p partinnov-render --example doc_bench -- --write "$work" >/dev/null
mkdir -p docs/documents
pdftoppm -r 100 -f 1 -l 2 -png "$work/sheet.pdf" docs/documents/fiche-capitalisation
ls -l docs/documents/
