#!/usr/bin/env bash
# Concurrent editing through the API: N clients, each editing its own partnership of one
# workspace, for a fixed time; then a count of versions to check that no update was lost.
#
#   scripts/bench/concurrent_edits.sh sqlite|postgres [SCALE]      (SCALE defaults to 10)
#
# Builds nothing: it runs $PARTINNOV_BIN (default target/release/partinnov) and
# $EDIT_LOAD_BIN (default target/release/examples/edit_load), both built by
#   cargo build --release -p partinnov --bin partinnov --example edit_load
# Steps: fresh database (temporary SQLite file, or a new PostgreSQL database on
# $PGHOST:$PGPORT as $PGUSER), `partinnov gen --scale SCALE` (100 partnerships per
# workspace), an editor of workspace structure-1 with a write API token limited to it,
# `partinnov serve` on 127.0.0.1:0, then the load client (crates/cli/examples/edit_load.rs):
# each client loops GET /api/v1/partnerships/{id} → PUT with the version read, on its own
# partnership. The client prints throughput, latency percentiles, errors and the lost-update
# check (versions and history entries counted after the run); the script adds the server's
# log lines at warning level or above and its peak RSS. Exits non-zero if anything failed.
#
# Environment:
#   BENCH_CLIENTS       concurrent clients (default 32; the workspace has 100 partnerships)
#   BENCH_SECONDS       duration (default 20)
#   BENCH_DATABASE_URL  reuse an already generated database (skips gen)
#   KEEP_DB=1           keep the fresh database afterwards (its URL is printed)
#   PGHOST PGPORT PGUSER  PostgreSQL server (default 127.0.0.1, 5432, postgres)
#
# Only 127.0.0.1 is ever loaded.
set -euo pipefail

usage() {
    echo "usage: $0 sqlite|postgres [SCALE]" >&2
    exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
backend=$1
scale=${2:-10}
[[ $backend == sqlite || $backend == postgres ]] || usage
[[ $scale =~ ^[1-9][0-9]*$ ]] || usage

root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
bin=${PARTINNOV_BIN:-$target/release/partinnov}
load=${EDIT_LOAD_BIN:-$target/release/examples/edit_load}
clients=${BENCH_CLIENTS:-32}
seconds=${BENCH_SECONDS:-20}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

for b in "$bin" "$load"; do
    [[ -x $b ]] || {
        echo "no binary at $b: cargo build --release -p partinnov --bin partinnov --example edit_load" >&2
        exit 1
    }
done

mkdir -p "${BENCH_TMPDIR:-$target/bench}"
work=$(mktemp -d "${BENCH_TMPDIR:-$target/bench}/edits.XXXXXX")
server_pid=
pg_db=
cleanup() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ ${KEEP_DB:-0} == 1 ]]; then
        echo "database kept: $db_url" >&2
        [[ $backend == sqlite ]] && return 0
    fi
    if [[ -n $pg_db && ${KEEP_DB:-0} != 1 ]]; then
        psql -q -d postgres -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# --- database -------------------------------------------------------------------------
if [[ -n ${BENCH_DATABASE_URL:-} ]]; then
    db_url=$BENCH_DATABASE_URL
else
    if [[ $backend == sqlite ]]; then
        db_url="sqlite:$work/bench.sqlite"
    else
        pg_db="partinnov_edits_${scale}_$$"
        psql -q -d postgres -c "CREATE DATABASE $pg_db" >/dev/null
        db_url="postgres://$PGUSER@$PGHOST:$PGPORT/$pg_db"
    fi
    echo "gen --scale $scale on $backend…" >&2
    "$bin" gen --database-url "$db_url" --scale "$scale" >&2
fi

# --- an editor of structure-1, with a write token limited to it ------------------------
email="edits-$$-$(date +%s)@partinnov.test"
PARTINNOV_PASSWORD="bench-password-$$" "$bin" user create --database-url "$db_url" \
    --email "$email" --name "Banc d'essai" --workspace structure-1 --role editor >/dev/null
token=$("$bin" token create --database-url "$db_url" --email "$email" --name edits \
    --workspace structure-1)

# --- server ---------------------------------------------------------------------------
PARTINNOV_LOG=warn "$bin" serve --database-url "$db_url" --bind 127.0.0.1:0 \
    >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
base=
for _ in $(seq 1 300); do
    base=$(sed -n 's|^Part.Innov : \(http://127\.0\.0\.1:[0-9]*\)/$|\1|p' "$work/serve.out")
    [[ -n $base ]] && break
    kill -0 "$server_pid" 2>/dev/null || {
        cat "$work/serve.err" >&2
        exit 1
    }
    sleep 0.1
done
[[ -n $base ]] || {
    echo "the server did not print its address" >&2
    exit 1
}

echo
echo "Part'Innov concurrent edits — backend $backend, scale $scale, $(nproc) CPU, $clients clients, ${seconds} s"
status=0
BENCH_TOKEN=$token "$load" --base "$base" --workspace structure-1 --clients "$clients" \
    --seconds "$seconds" || status=$?

hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status")
echo "server peak RSS (VmHWM): $((hwm_kb / 1024)) MB"
logged=$(grep -c . "$work/serve.err" || true)
locked=$(grep -ci 'database is locked' "$work/serve.err" || true)
echo "server log lines at warning or above: $logged ('database is locked': $locked)"
if [[ $logged -gt 0 ]]; then
    sort "$work/serve.err" | sed 's/^[^ ]* *//' | sort | uniq -c | sort -rn | head -5
fi
if [[ $locked -gt 0 ]]; then status=1; fi
exit "$status"
