#!/usr/bin/env bash
# Latency of the filtered partnership lists against /healthz, under load.
#
#   scripts/bench/list_latency.sh sqlite|postgres [SCALE]      (SCALE defaults to 1000)
#
# Builds nothing: it runs $PARTINNOV_BIN (default target/release/partinnov, built with
# `cargo build --release -p partinnov`). Steps: fresh database (temporary SQLite file, or a
# new PostgreSQL database on $PGHOST:$PGPORT as $PGUSER), `partinnov gen --scale SCALE`
# (timed), one reader of workspace structure-1 with an API token, `partinnov serve` on
# 127.0.0.1:0, sign-in for the HTML page, then wrk (-t2 -c32 -d20s --latency) on each URL
# one after the other, against the same server process. Prints a table with the median,
# p99 and requests/s of each URL, each median's ratio to /healthz's, and the server's
# peak RSS (VmHWM).
#
# Environment:
#   PARTINNOV_BIN       binary to run (default: $CARGO_TARGET_DIR or ./target, release)
#   BENCH_DURATION      wrk duration (default 20s)
#   BENCH_CONNECTIONS   wrk connections (default 32)
#   BENCH_THREADS       wrk threads (default 2)
#   BENCH_DATABASE_URL  reuse an already generated database instead of a fresh one (skips
#                       gen; for investigating, not for published figures)
#   KEEP_DB=1           keep the fresh database afterwards (its URL is printed)
#   PGHOST PGPORT PGUSER  PostgreSQL server (default 127.0.0.1, 5432, postgres)
#   PARTINNOV_CALLER_CACHE_SECONDS  passed to `serve` (default 0: sessions and tokens
#                       looked up on every request); printed in the report
#
# Only 127.0.0.1 is ever loaded.
set -euo pipefail

usage() {
    echo "usage: $0 sqlite|postgres [SCALE]" >&2
    exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
backend=$1
scale=${2:-1000}
[[ $backend == sqlite || $backend == postgres ]] || usage
[[ $scale =~ ^[1-9][0-9]*$ ]] || usage

root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PARTINNOV_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/partinnov}
duration=${BENCH_DURATION:-20s}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

[[ -x $bin ]] || {
    echo "no binary at $bin: cargo build --release -p partinnov" >&2
    exit 1
}
if ! command -v wrk >/dev/null; then
    echo "installing wrk from Debian…" >&2
    if [[ $(id -u) -eq 0 ]]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
fi

# Not under /tmp: other jobs on shared machines tidy it up while a long gen is running.
mkdir -p "${BENCH_TMPDIR:-$root/target/bench}"
work=$(mktemp -d "${BENCH_TMPDIR:-$root/target/bench}/run.XXXXXX")
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
gen_seconds=reused
if [[ -n ${BENCH_DATABASE_URL:-} ]]; then
    db_url=$BENCH_DATABASE_URL
else
    if [[ $backend == sqlite ]]; then
        db_url="sqlite:$work/bench.sqlite"
    else
        pg_db="partinnov_bench_${scale}_$$"
        psql -q -d postgres -c "CREATE DATABASE $pg_db" >/dev/null
        db_url="postgres://$PGUSER@$PGHOST:$PGPORT/$pg_db"
    fi
    echo "gen --scale $scale on $backend…" >&2
    start=$(date +%s.%N)
    "$bin" gen --database-url "$db_url" --scale "$scale"
    end=$(date +%s.%N)
    gen_seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
    echo "gen took ${gen_seconds} s" >&2
fi

# --- a reader of structure-1, with a token ---------------------------------------------
email="bench-$$-$(date +%s)@partinnov.test"
password="bench-password-$$"
PARTINNOV_PASSWORD=$password "$bin" user create --database-url "$db_url" \
    --email "$email" --name "Banc d'essai" --workspace structure-1 --role reader >/dev/null
token=$("$bin" token create --database-url "$db_url" --email "$email" --name bench)

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

# Sign in for the page; keep the session cookie.
curl -sS -o /dev/null -c "$work/jar" --data-urlencode "email=$email" \
    --data-urlencode "password=$password" "$base/connexion"
session=$(awk '$6 == "partinnov_session" { print $6 "=" $7 }' "$work/jar")
[[ -n $session ]] || {
    echo "sign-in failed" >&2
    exit 1
}

names=(healthz ws_api cross_api ws_page)
paths=(
    "/healthz"
    "/api/v1/workspaces/structure-1/partnerships?status=actif&family=mecenat&sort=priority"
    "/api/v1/partnerships?dormant=true"
    "/espaces/structure-1/partenariats?status=actif&family=mecenat"
)
auths=("" "Authorization: Bearer $token" "Authorization: Bearer $token" "Cookie: $session")

# Every URL must answer 200 before it is timed.
for i in "${!paths[@]}"; do
    args=(-sS -o "$work/check.$i" -w '%{http_code} %{size_download}\n')
    if [[ -n ${auths[$i]} ]]; then args+=(-H "${auths[$i]}"); fi
    read -r code size < <(curl "${args[@]}" "$base${paths[$i]}")
    if [[ $code != 200 ]]; then
        echo "${paths[$i]} answered $code" >&2
        head -c 500 "$work/check.$i" >&2
        exit 1
    fi
    sizes[i]=$size
done
# What the lists hold (so that the numbers are not for empty pages).
totals=()
for i in 1 2; do
    totals[i]=$(grep -o '"total":[0-9]*' "$work/check.$i" | head -1 | cut -d: -f2)
done

# wrk prints latencies as 812.00us, 3.41ms or 1.02s: to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else { printf "%s", v } }'
}

declare -a p50 p99 rps errs
for i in "${!paths[@]}"; do
    args=(-t"$threads" -c"$connections" -d"$duration" --latency)
    if [[ -n ${auths[$i]} ]]; then args+=(-H "${auths[$i]}"); fi
    echo "wrk ${args[*]//Bearer */Bearer …} $base${paths[$i]}" | sed 's/partinnov_session=[^ ]*/partinnov_session=…/' >&2
    wrk "${args[@]}" "$base${paths[$i]}" >"$work/wrk.$i"
    p50[i]=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$work/wrk.$i")")
    p99[i]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$work/wrk.$i")")
    rps[i]=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$work/wrk.$i")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$work/wrk.$i")
    sock=$(awk '/Socket errors:/ { sub(/.*Socket errors: /, ""); print }' "$work/wrk.$i")
    errs[i]="${non2xx:-0}${sock:+ (socket: $sock)}"
done

hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status")
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status")

# --- report ---------------------------------------------------------------------------
echo
echo "Part'Innov list latency — backend $backend, scale $scale, $(nproc) CPU, wrk -t$threads -c$connections -d$duration"
echo "serve: PARTINNOV_CALLER_CACHE_SECONDS=${PARTINNOV_CALLER_CACHE_SECONDS:-0}"
echo "gen: ${gen_seconds} s$([[ $gen_seconds != reused ]] && echo '' || echo ' (database reused, not generated by this run)')"
echo "workspace list total: ${totals[1]:-?} partnerships; cross-workspace dormant total: ${totals[2]:-?}"
printf '%-10s %-86s %10s %10s %9s %7s %8s %9s\n' endpoint path "p50_ms" "p99_ms" "req/s" "x_hz" "bytes" "non2xx"
for i in "${!paths[@]}"; do
    ratio=$(awk -v a="${p50[i]}" -v b="${p50[0]}" 'BEGIN { printf "%.1f", a / b }')
    printf '%-10s %-86s %10s %10s %9s %7s %8s %9s\n' "${names[i]}" "${paths[i]}" "${p50[i]}" "${p99[i]}" \
        "${rps[i]}" "$ratio" "${sizes[i]}" "${errs[i]}"
done
echo "server peak RSS (VmHWM): $((hwm_kb / 1024)) MB; RSS at end: $((rss_kb / 1024)) MB"
verdict=PASS
for i in 1 2 3; do
    awk -v a="${p50[i]}" -v b="${p50[0]}" 'BEGIN { exit !(a <= 5 * b) }' || verdict=FAIL
done
[[ $hwm_kb -lt $((150 * 1024)) ]] || verdict=FAIL
echo "target (each list median ≤ 5× /healthz median, peak RSS < 150 MB): $verdict"
