#!/usr/bin/env bash
# SIRENE stock import: lines per second and peak memory of `partinnov sirene import` on a
# generated stock file shaped like INSEE's (the real header's 53 columns, ~260 bytes a
# line), against `wc -l` and `cut` reading the same file in the same run.
#
#   scripts/bench/sirene.sh [LINES]        (default 2,000,000)
set -euo pipefail
LINES=${1:-2000000}
cd "$(dirname "$0")/../.."
cargo build --release --locked --quiet
BIN=target/release/partinnov
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
[ -n "${KEEP:-}" ] && trap - EXIT
DB="sqlite:$WORK/bench.sqlite"
"$BIN" gen --database-url "$DB" --scale 10 >/dev/null
# SIRETs of the registry, so that some lines match (as a real stock would).
"$BIN" export organisations --database-url "$DB" --format csv --out "$WORK/orgs.csv" 2>/dev/null
python3 - "$WORK/orgs.csv" "$WORK/stock.csv" "$LINES" <<'PY'
import csv, sys
orgs, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
sirets = [r["SIRET"] for r in csv.DictReader(open(orgs, encoding="utf-8")) if r["SIRET"]]
header = ("siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,trancheEffectifsEtablissement,"
  "anneeEffectifsEtablissement,activitePrincipaleRegistreMetiersEtablissement,dateDernierTraitementEtablissement,"
  "etablissementSiege,nombrePeriodesEtablissement,complementAdresseEtablissement,numeroVoieEtablissement,"
  "indiceRepetitionEtablissement,dernierNumeroVoieEtablissement,indiceRepetitionDernierNumeroVoieEtablissement,"
  "typeVoieEtablissement,libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
  "libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,codeCommuneEtablissement,"
  "codeCedexEtablissement,libelleCedexEtablissement,codePaysEtrangerEtablissement,libellePaysEtrangerEtablissement,"
  "identifiantAdresseEtablissement,coordonneeLambertAbscisseEtablissement,coordonneeLambertOrdonneeEtablissement,"
  "complementAdresse2Etablissement,numeroVoie2Etablissement,indiceRepetition2Etablissement,typeVoie2Etablissement,"
  "libelleVoie2Etablissement,codePostal2Etablissement,libelleCommune2Etablissement,libelleCommuneEtranger2Etablissement,"
  "distributionSpeciale2Etablissement,codeCommune2Etablissement,codeCedex2Etablissement,libelleCedex2Etablissement,"
  "codePaysEtranger2Etablissement,libellePaysEtranger2Etablissement,dateDebut,etatAdministratifEtablissement,"
  "enseigne1Etablissement,enseigne2Etablissement,enseigne3Etablissement,denominationUsuelleEtablissement,"
  "activitePrincipaleEtablissement,nomenclatureActivitePrincipaleEtablissement,caractereEmployeurEtablissement")
cols = header.count(",") + 1
with open(out, "w", encoding="utf-8") as f:
    f.write(header + "\n")
    for i in range(n):
        siret = sirets[i % len(sirets)] if i % 1000 == 0 else "%014d" % (10**13 + i)
        row = [siret[:9], siret[9:], siret, "O", "2001-05-14", "03", "2022", "", "2024-03-01T12:00:00", "false", "3",
               "", str(i % 200), "", "", "", "RUE", "DE LA REPUBLIQUE", "69003", "LYON 3E ARRONDISSEMENT", "", "",
               "69383", "", "", "", "", "692380001", "842000.5", "6519000.2"]
        row += [""] * (cols - len(row) - 9)
        row += ["2019-01-01", "A", "", "", "", "BOULANGERIE DU COIN", "10.71C", "NAFRev2", "O"]
        f.write(",".join(row) + "\n")
PY
SIZE=$(du -m "$WORK/stock.csv" | cut -f1)
t0=$(date +%s.%N); wc -l "$WORK/stock.csv" >/dev/null; t1=$(date +%s.%N)
cut -d, -f3 "$WORK/stock.csv" >/dev/null; t2=$(date +%s.%N)
/usr/bin/time -v "$BIN" sirene import "$WORK/stock.csv" --database-url "$DB" >"$WORK/out.txt" 2>"$WORK/time.txt"
t3=$(date +%s.%N)
RSS=$(grep 'Maximum resident' "$WORK/time.txt" | awk '{print $NF}')
python3 - "$LINES" "$SIZE" "$t0" "$t1" "$t2" "$t3" "$RSS" "$(cat "$WORK/out.txt")" <<'PY'
import sys
n, size, t0, t1, t2, t3, rss, said = int(sys.argv[1]), sys.argv[2], *map(float, sys.argv[3:7]), int(sys.argv[7]), sys.argv[8]
ours = t3 - t2
print(f"{n} lines, {size} MB")
print(f"wc -l            {t1-t0:6.2f} s")
print(f"cut -f3          {t2-t1:6.2f} s")
print(f"partinnov sirene {ours:6.2f} s  -> {n/ours:,.0f} lines/s, peak RSS {rss/1024:.0f} MB")
print(said)
PY
