#!/usr/bin/env bash
# Graph layout + SVG: Part'Innov against Graphviz `sfdp -Tsvg` on the same graph, in the same
# run. Needs Graphviz (Debian package `graphviz`). Results go to stdout; pictures and the DOT
# file to $OUT (default target/bench-graph).
#
# Usage: scripts/bench/graph_vs_sfdp.sh [NODES] [EDGES]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
nodes="${1:-2000}"
edges="${2:-10000}"
out="${OUT:-$root/target/bench-graph}"
command -v sfdp >/dev/null || { echo "sfdp not found: apt-get install graphviz" >&2; exit 1; }
cd "$root"
cargo build --release -q -p partinnov-render --example bench_graph
"$root/target/release/examples/bench_graph" "$out" "$nodes" "$edges"
sfdp -V 2>&1 | head -n 1
runs=()
for _ in 1 2 3; do
    start=$(date +%s%N)
    sfdp -Tsvg "$out/graph.dot" -o "$out/sfdp.svg"
    end=$(date +%s%N)
    runs+=($(( (end - start) / 1000000 )))
done
sorted=($(printf '%s\n' "${runs[@]}" | sort -n))
echo "sfdp -Tsvg: median ${sorted[1]} ms (min ${sorted[0]}, max ${sorted[2]}), $(( $(stat -c %s "$out/sfdp.svg") / 1024 )) KB"
