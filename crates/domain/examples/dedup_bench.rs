//! Duplicate detection over a labelled generated registry: time, precision and recall.
//!
//! `cargo run --release -p partinnov-domain --example dedup_bench [-- N]` (N records,
//! default 100,000: 95 % distinct organisations, 5 % duplicates of one of them written
//! differently). Deterministic: the same N gives the same records and the same figures.

use std::{collections::HashSet, time::Instant};

use partinnov_domain::dedup::{Confidence, OrgFacts, candidates};

/// SplitMix64: small, fast, good enough to draw test data, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FIRST: &[&str] = &[
    "Atelier",
    "Jardins",
    "Bâtiment",
    "Menuiserie",
    "Boulangerie",
    "Garage",
    "Imprimerie",
    "Transports",
    "Recyclerie",
    "Textile",
    "Propreté",
    "Traiteur",
    "Logistique",
    "Services",
    "Ressourcerie",
    "Ferme",
    "Librairie",
    "Pharmacie",
    "Hôtel",
    "Restaurant",
    "Plomberie",
    "Électricité",
    "Peinture",
    "Maçonnerie",
    "Couverture",
    "Carrosserie",
    "Fromagerie",
    "Brasserie",
    "Conserverie",
    "Blanchisserie",
    "Serrurerie",
    "Ébénisterie",
    "Tapisserie",
    "Horticulture",
    "Paysages",
    "Nettoyage",
    "Déménagements",
    "Informatique",
    "Conseil",
    "Cabinet",
    "Clinique",
    "Laboratoire",
    "Agence",
    "Coopérative",
    "Comptoir",
    "Maison",
    "Domaine",
    "Caves",
    "Moulin",
    "Scierie",
    "Forge",
    "Verrerie",
    "Poterie",
    "Tissage",
    "Filature",
    "Tannerie",
    "Chocolaterie",
    "Confiserie",
    "Biscuiterie",
    "Distillerie",
];
const SECOND: &[&str] = &[
    "du Bugey",
    "de l'Ain",
    "du Rhône",
    "des Alpes",
    "du Jura",
    "de la Loire",
    "du Lac",
    "des Monts",
    "du Val",
    "de la Plaine",
    "du Port",
    "des Forges",
    "du Moulin",
    "des Prés",
    "de la Vallée",
    "du Plateau",
    "des Coteaux",
    "de la Côte",
    "du Marais",
    "des Îles",
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
];
const THIRD: &[&str] = &[
    "",
    "& Fils",
    "Frères",
    "et Associés",
    "Solidaire",
    "Services",
    "Concept",
    "Plus",
    "Nord",
    "Sud",
    "Est",
    "Ouest",
    "Centre",
    "Pro",
    "Express",
    "Innovation",
    "Avenir",
    "Horizon",
    "Nature",
    "Tradition",
    "Création",
    "Distribution",
    "Industrie",
    "Habitat",
    "Environnement",
    "Énergie",
    "Mobilité",
    "Insertion",
    "Emploi",
    "Territoires",
];
const FORMS: &[&str] = &["SARL", "SAS", "SA", "EURL", "SCOP", "Association", "Asso."];

fn communes(rng: &mut Rng) -> Vec<String> {
    (0..800)
        .map(|_| format!("{:02}{:03}", 1 + rng.below(95), 1 + rng.below(600)))
        .collect()
}

/// The same organisation written by someone else: legal form added or removed, accents
/// and case lost, words reordered, SIRET left out, now and then one typo.
fn variant(rng: &mut Rng, name: &str) -> String {
    let mut s = name.to_owned();
    match rng.below(5) {
        0 => s = format!("{} {s}", FORMS[rng.below(FORMS.len())]),
        1 => s = format!("{s} ({})", FORMS[rng.below(FORMS.len())]),
        2 => s = partinnov_domain::text::fold(&s).to_uppercase(),
        3 => {
            let mut words: Vec<&str> = s.split(' ').collect();
            words.rotate_left(1);
            s = words.join(" ");
        }
        _ => {
            // One typo: two neighbouring letters swapped, away from the first word.
            let chars: Vec<char> = s.chars().collect();
            if chars.len() > 8 {
                let i = 5 + rng.below(chars.len() - 6);
                let mut c = chars.clone();
                c.swap(i, i + 1);
                s = c.into_iter().collect();
            }
        }
    }
    s
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut rng = Rng(2026);
    let places = communes(&mut rng);
    let distinct = n * 95 / 100;
    let mut records = Vec::with_capacity(n);
    let mut used = HashSet::new();
    while records.len() < distinct {
        let name = format!(
            "{} {} {}",
            FIRST[rng.below(FIRST.len())],
            SECOND[rng.below(SECOND.len())],
            THIRD[rng.below(THIRD.len())]
        )
        .trim()
        .to_owned();
        let place = places[rng.below(places.len())].clone();
        if !used.insert((partinnov_domain::text::name_key(&name), place.clone())) {
            continue;
        }
        let id = records.len() as i64 + 1;
        records.push(OrgFacts {
            id,
            name,
            siret: (rng.below(10) < 7).then(|| format!("{:014}", 90_000_000_000_000 + id)),
            siren: None,
            commune_code: Some(place),
            postcode: None,
        });
    }
    // Which organisation each record describes: a pair is a true duplicate when both say
    // the same one (two copies of one original are duplicates of each other too).
    let mut of: Vec<i64> = records.iter().map(|r| r.id).collect();
    while records.len() < n {
        let original = records[rng.below(distinct)].clone();
        let id = records.len() as i64 + 1;
        of.push(original.id);
        records.push(OrgFacts {
            id,
            name: variant(&mut rng, &original.name),
            siret: None,
            ..original
        });
    }

    let started = Instant::now();
    let found = candidates(&records);
    let elapsed = started.elapsed();

    let same = |a: i64, b: i64| of[(a - 1) as usize] == of[(b - 1) as usize];
    let mut truth = 0usize;
    {
        let mut copies: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
        for o in &of {
            *copies.entry(*o).or_default() += 1;
        }
        for k in copies.values() {
            truth += k * (k - 1) / 2;
        }
    }
    let score = |only_certain: bool| {
        let proposed: Vec<_> = found
            .iter()
            .filter(|c| !only_certain || c.confidence == Confidence::Certain)
            .collect();
        let hits = proposed.iter().filter(|c| same(c.a, c.b)).count();
        let precision = hits as f64 / proposed.len().max(1) as f64;
        let recall = hits as f64 / truth.max(1) as f64;
        (proposed.len(), precision, recall)
    };
    println!(
        "{n} organisations ({} duplicate pairs planted): candidates in {:.2} s",
        truth,
        elapsed.as_secs_f64()
    );
    if std::env::var_os("DEDUP_BENCH_DETAIL").is_some() {
        let mut by_reason: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for c in &found {
            let e = by_reason.entry(c.reason.as_str()).or_default();
            if same(c.a, c.b) { e.0 += 1 } else { e.1 += 1 }
        }
        for (reason, (good, bad)) in by_reason {
            println!("  {good:>6} right, {bad:>6} wrong: {reason}");
        }
    }
    for (label, only) in [("all proposals", false), ("certain only", true)] {
        let (count, p, r) = score(only);
        println!("{label}: {count} pairs, precision {p:.3}, recall {r:.3}");
    }
}
