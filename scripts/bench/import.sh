#!/usr/bin/env bash
# Importing organisations from a spreadsheet (issue 5): `partinnov import organisations` of
# a generated, realistic file (French headers, `;`, 5 % rows with an error, 5 % rows that
# repeat an earlier organisation) into a fresh SQLite database, against `sqlite3 :memory:`
# `.import` of the same file into a plain table, in the same run.
#
#   scripts/bench/import.sh [ROWS] [RUNS]      (default 100,000 rows, 3 runs)
#
# PARTINNOV_BIN chooses the binary (default: target/release/partinnov, built if absent).
set -euo pipefail
ROWS=${1:-100000}
RUNS=${2:-3}
cd "$(dirname "$0")/../.."
BIN=${PARTINNOV_BIN:-target/release/partinnov}
[ -x "$BIN" ] || cargo build --release --locked --quiet -p partinnov
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
[ -n "${KEEP:-}" ] && trap - EXIT

python3 - "$WORK/orgs.csv" "$ROWS" <<'PY'
import random, sys
out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261124)
def luhn_ok(digits):
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0
def with_key(base):
    return next(base + k for k in "0123456789" if luhn_ok(base + k))
def siret(i):
    # Both keys hold: the SIREN's own (9 digits) and the SIRET's (14).
    siren = with_key("%08d" % (70_000_000 + i))
    return with_key(siren + "0001")
# Real communes with their postcodes, so that every row resolves against the official list.
places = [("69003", "Lyon"), ("49000", "Angers"), ("01000", "Bourg-en-Bresse"), ("33000", "Bordeaux"),
          ("59000", "Lille"), ("35000", "Rennes"), ("13001", "Marseille"), ("67000", "Strasbourg"),
          ("44000", "Nantes"), ("31000", "Toulouse"), ("21000", "Dijon"), ("63000", "Clermont-Ferrand")]
words = ["Boulangerie", "Garage", "Menuiserie", "Atelier", "Transports", "Jardins", "Services", "Bâtiment",
         "Propreté", "Restauration", "Imprimerie", "Librairie", "Textile", "Recyclerie"]
kinds = ["entreprise", "association", "EI", "ACI", "collectivité", "coopérative"]
rows = []
for i in range(n):
    pc, commune = places[i % len(places)]
    name = f"{words[i % len(words)]} {rng.choice(['du Lac', 'des Alpes', 'Martin', 'Dupré', 'de l’Est'])} {i}"
    rows.append([name, siret(i), f"{i % 300} rue de la République", pc, commune,
                 rng.choice(kinds), "oui" if i % 3 == 0 else "non", "47.11Z"])
# 5 % repeat an earlier organisation (same SIRET, name written differently).
for i in range(0, n, 20):
    j = rng.randrange(0, max(1, i))
    dup = list(rows[j]); dup[0] = dup[0].upper()
    rows[i] = dup
# 5 % have an error a person makes: a SIRET with a bad check digit, a postcode that is not
# the commune's, a commune that does not exist.
for i in range(7, n, 20):
    r = rows[i]
    kind = (i // 20) % 3
    if kind == 0:
        r[1] = r[1][:-1] + str((int(r[1][-1]) + 1) % 10)
    elif kind == 1:
        r[3] = "99999"
    else:
        r[4] = "Villenouvelle-sur-Rien"
with open(out, "w", encoding="utf-8") as f:
    f.write("Raison sociale;N° SIRET;Adresse;Code postal;Ville;Type de structure;ESS;Code NAF\n")
    for r in rows:
        f.write(";".join(r) + "\n")
PY
SIZE=$(du -k "$WORK/orgs.csv" | cut -f1)

sqlite_import() {
    sqlite3 :memory: <<SQL
.mode csv
.separator ";"
CREATE TABLE orgs (name TEXT, siret TEXT, address TEXT, postcode TEXT, commune TEXT, kind TEXT, ess TEXT, naf TEXT);
.import --skip 1 $WORK/orgs.csv orgs
SQL
}

ours() {
    local db="sqlite:$WORK/run-$1.sqlite"
    "$BIN" migrate --database-url "$db" >/dev/null
    "$BIN" user create --database-url "$db" --email bench@example.org --name Bench \
        --password motdepasse-long >/dev/null
    "$BIN" workspace create --database-url "$db" --slug bench --name Bench \
        --owner bench@example.org >/dev/null
    local t0 t1
    t0=$(date +%s.%N)
    /usr/bin/time -v "$BIN" import organisations "$WORK/orgs.csv" --workspace bench \
        --database-url "$db" --skip-invalid --report "$WORK/report-$1.json" \
        >/dev/null 2>"$WORK/time-$1.txt"
    t1=$(date +%s.%N)
    echo "$t0 $t1 $(grep 'Maximum resident' "$WORK/time-$1.txt" | awk '{print $NF}')"
}

echo "rows: $ROWS, file: ${SIZE} kB, runs: $RUNS"
for run in $(seq 1 "$RUNS"); do
    t0=$(date +%s.%N); sqlite_import; t1=$(date +%s.%N)
    read -r a b rss < <(ours "$run")
    python3 - "$t0" "$t1" "$a" "$b" "$rss" "$WORK/report-$run.json" "$run" <<'PY'
import json, sys
t0, t1, a, b = map(float, sys.argv[1:5])
rss, report, run = int(sys.argv[5]), json.load(open(sys.argv[6])), sys.argv[7]
base, ours = t1 - t0, b - a
print(f"run {run}: sqlite3 .import {base:6.3f} s | partinnov import {ours:6.2f} s "
      f"(ratio {ours / base:5.1f}x, peak RSS {rss // 1024} MB) | "
      f"rows {report['rows']}, created {report['created']}, rejected lines "
      f"{len({p['line'] for p in report['rejected']})}")
PY
done

# Where the time goes. The floor: the very rows the last run wrote (organisations, their
# kinds, their audit events), copied by Python's sqlite3 into an empty database with our
# schema and indexes, in one transaction, no checking. Then the same file imported again
# into the last run's database (every row unchanged), and `partinnov dedup` over it.
last="$WORK/run-$RUNS.sqlite"
empty="$WORK/empty.sqlite"
"$BIN" migrate --database-url "sqlite:$empty" >/dev/null
python3 - "$last" "$empty" <<'PY'
import sqlite3, sys, time
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
dst.execute("PRAGMA journal_mode = WAL"); dst.execute("PRAGMA synchronous = NORMAL")
tables = {}
for table in ("organisations", "organisation_kinds", "audit_events"):
    cols = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
    tables[table] = (cols, src.execute(f"SELECT * FROM {table}").fetchall())
t = time.time()
dst.execute("BEGIN")
for table, (cols, rows) in tables.items():
    marks = ", ".join("?" * len(cols))
    dst.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)
dst.execute("COMMIT")
print(f"floor: the same {len(tables['organisations'][1])} organisations, "
      f"{len(tables['organisation_kinds'][1])} kinds and {len(tables['audit_events'][1])} audit "
      f"events written by Python's sqlite3 into our schema: {time.time() - t:.2f} s")
PY
t0=$(date +%s.%N)
"$BIN" import organisations "$WORK/orgs.csv" --workspace bench --database-url "sqlite:$last" \
    --skip-invalid --report "$WORK/again.json" >/dev/null
t1=$(date +%s.%N)
python3 - "$t0" "$t1" "$WORK/again.json" <<'PY'
import json, sys
t0, t1, report = float(sys.argv[1]), float(sys.argv[2]), json.load(open(sys.argv[3]))
print(f"the same file again: {t1 - t0:.2f} s, unchanged {report['unchanged']}, "
      f"created {report['created']}, updated {report['updated']}")
PY
t0=$(date +%s.%N)
groups=$("$BIN" dedup --database-url "sqlite:$last" --format json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["groups"]))')
t1=$(date +%s.%N)
echo "partinnov dedup over that database: $(python3 -c "print(f'{$t1 - $t0:.2f}')") s, $groups group(s)"
