//! The official geography (COG): communes, départements, régions and EPCI.
//!
//! Data: `@etalab/decoupage-administratif` 6.0.0, COG vintage 2026 (Licence Ouverte), embedded
//! by `scripts/refdata/build.sh`. Communes are the current communes plus the 45
//! arrondissements municipaux of Paris, Lyon and Marseille; communes déléguées and associées
//! are not here. Lookups take codes as people type them (a leading zero eaten by a
//! spreadsheet, a lower-case `2a`); searching by name folds accents and case.
//!
//! The collectivités d'outre-mer (975 Saint-Pierre-et-Miquelon, 977, 978, 984, 986, 987,
//! 988, 989) appear as both a département and a région under one code, as in the source:
//! filter on [`Zone::Com`] when only the 101 départements and 18 régions are wanted.

use std::cmp::Reverse;
use std::sync::OnceLock;

use partinnov_domain::text::fold;

use crate::table::{folded, optional, rows};

/// A current commune, or an arrondissement municipal (then [`Commune::parent`] is set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commune {
    /// Code officiel géographique (INSEE), five characters: `01053`, `2A004`, `97411`.
    pub code: &'static str,
    pub name: &'static str,
    /// Code of the département (or collectivité d'outre-mer): `01`, `2A`, `974`.
    pub departement: &'static str,
    /// Code of the région (or collectivité d'outre-mer): `84`, `04`, `975`.
    pub region: &'static str,
    /// SIREN of the EPCI à fiscalité propre the commune belongs to; an arrondissement has its
    /// commune's. `None` for the few communes in none (islands, overseas collectivités).
    pub epci: Option<&'static str>,
    /// La Poste postcodes, in source order; empty for the uninhabited TAAF districts.
    pub postcodes: Box<[&'static str]>,
    /// Population municipale, when INSEE publishes one.
    pub population: Option<u32>,
    /// For an arrondissement municipal, the code of its commune (`75056`, `69123`, `13055`).
    pub parent: Option<&'static str>,
}

impl Commune {
    pub fn is_arrondissement(&self) -> bool {
        self.parent.is_some()
    }
}

/// Where a département or région lies: the COG's `zone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Zone {
    /// Metropolitan France, Corsica included.
    Metro,
    /// Départements et régions d'outre-mer: Guadeloupe, Martinique, Guyane, La Réunion, Mayotte.
    Drom,
    /// Collectivités d'outre-mer and other overseas territories.
    Com,
}

impl Zone {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Metro => "metro",
            Self::Drom => "drom",
            Self::Com => "com",
        }
    }

    fn from_cell(cell: &str) -> Option<Self> {
        match cell {
            "metro" => Some(Self::Metro),
            "drom" => Some(Self::Drom),
            "com" => Some(Self::Com),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departement {
    /// `01`, `2A`, `974`; for a collectivité d'outre-mer, its code (`975`).
    pub code: &'static str,
    pub name: &'static str,
    pub region: &'static str,
    pub zone: Zone,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// `84`, `04`; for a collectivité d'outre-mer, its code (`975`).
    pub code: &'static str,
    pub name: &'static str,
    pub zone: Zone,
}

/// The legal form of an EPCI à fiscalité propre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EpciKind {
    CommunauteDeCommunes,
    CommunauteDAgglomeration,
    CommunauteUrbaine,
    Metropole,
    /// The Métropole de Lyon, a collectivité à statut particulier counted with the EPCI.
    MetropoleDeLyon,
}

impl EpciKind {
    /// The DGCL abbreviation: `CC`, `CA`, `CU`, `METRO`, `MET69`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CommunauteDeCommunes => "CC",
            Self::CommunauteDAgglomeration => "CA",
            Self::CommunauteUrbaine => "CU",
            Self::Metropole => "METRO",
            Self::MetropoleDeLyon => "MET69",
        }
    }

    fn from_cell(cell: &str) -> Option<Self> {
        [
            Self::CommunauteDeCommunes,
            Self::CommunauteDAgglomeration,
            Self::CommunauteUrbaine,
            Self::Metropole,
            Self::MetropoleDeLyon,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == cell)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Epci {
    /// SIREN, nine digits.
    pub code: &'static str,
    pub name: &'static str,
    pub kind: EpciKind,
}

/// Communes sorted by code, with what search needs beside them.
struct Communes {
    all: Vec<Commune>,
    /// Folded names, same order as `all`.
    folded: Vec<&'static str>,
    /// (postcode, index into `all`), sorted by postcode then by population descending.
    by_postcode: Vec<(&'static str, u32)>,
}

fn communes_data() -> &'static Communes {
    static DATA: OnceLock<Communes> = OnceLock::new();
    DATA.get_or_init(|| {
        let file = "communes.tsv.gz";
        let mut all: Vec<Commune> = rows::<8>(include_bytes!("../data/communes.tsv.gz"), file)
            .map(
                |[
                    code,
                    name,
                    departement,
                    region,
                    epci,
                    postcodes,
                    population,
                    parent,
                ]| Commune {
                    code,
                    name,
                    departement,
                    region,
                    epci: optional(epci),
                    postcodes: postcodes.split(',').filter(|p| !p.is_empty()).collect(),
                    population: optional(population).map(|p| {
                        p.parse()
                            .unwrap_or_else(|e| panic!("{file}: {code} population {p:?}: {e}"))
                    }),
                    parent: optional(parent),
                },
            )
            .collect();
        all.sort_unstable_by_key(|c| c.code);
        let folded = folded(all.iter().map(|c| c.name));
        let mut by_postcode: Vec<(&'static str, u32)> = all
            .iter()
            .zip(0u32..)
            .flat_map(|(c, i)| c.postcodes.iter().map(move |&p| (p, i)))
            .collect();
        by_postcode.sort_unstable_by_key(|&(p, i)| (p, rank(&all[i as usize])));
        Communes {
            all,
            folded,
            by_postcode,
        }
    })
}

/// Order among equals: most populous first (unknown last), then by code.
fn rank(c: &Commune) -> (Reverse<Option<u32>>, &'static str) {
    (Reverse(c.population), c.code)
}

fn departements_data() -> &'static [Departement] {
    static DATA: OnceLock<Box<[Departement]>> = OnceLock::new();
    DATA.get_or_init(|| {
        let file = "departements.tsv.gz";
        let mut all: Box<[Departement]> =
            rows::<4>(include_bytes!("../data/departements.tsv.gz"), file)
                .map(|[code, name, region, zone]| Departement {
                    code,
                    name,
                    region,
                    zone: Zone::from_cell(zone)
                        .unwrap_or_else(|| panic!("{file}: {code} zone {zone:?}")),
                })
                .collect();
        all.sort_unstable_by_key(|d| d.code);
        all
    })
}

fn regions_data() -> &'static [Region] {
    static DATA: OnceLock<Box<[Region]>> = OnceLock::new();
    DATA.get_or_init(|| {
        let file = "regions.tsv.gz";
        let mut all: Box<[Region]> = rows::<3>(include_bytes!("../data/regions.tsv.gz"), file)
            .map(|[code, name, zone]| Region {
                code,
                name,
                zone: Zone::from_cell(zone)
                    .unwrap_or_else(|| panic!("{file}: {code} zone {zone:?}")),
            })
            .collect();
        all.sort_unstable_by_key(|r| r.code);
        all
    })
}

fn epci_data() -> &'static [Epci] {
    static DATA: OnceLock<Box<[Epci]>> = OnceLock::new();
    DATA.get_or_init(|| {
        let file = "epci.tsv.gz";
        let mut all: Box<[Epci]> = rows::<3>(include_bytes!("../data/epci.tsv.gz"), file)
            .map(|[code, name, kind]| Epci {
                code,
                name,
                kind: EpciKind::from_cell(kind)
                    .unwrap_or_else(|| panic!("{file}: {code} type {kind:?}")),
            })
            .collect();
        all.sort_unstable_by_key(|e| e.code);
        all
    })
}

/// Trims, upper-cases (`2a` → `2A`) and restores leading zeros a spreadsheet ate: a
/// numeric code shorter than `width` is left-padded with `0`.
fn normalise_code(input: &str, width: usize) -> String {
    let code = input.trim().to_ascii_uppercase();
    if !code.is_empty() && code.len() < width && code.bytes().all(|b| b.is_ascii_digit()) {
        format!("{code:0>width$}")
    } else {
        code
    }
}

fn find<T>(all: &'static [T], code: &str, key: impl Fn(&T) -> &'static str) -> Option<&'static T> {
    all.binary_search_by(|item| key(item).cmp(code))
        .ok()
        .map(|i| &all[i])
}

/// All communes and arrondissements municipaux, sorted by code.
pub fn communes() -> &'static [Commune] {
    &communes_data().all
}

/// The commune or arrondissement municipal with this INSEE code (`01053`; `1053` and
/// `2a004` are accepted too).
pub fn commune(code: &str) -> Option<&'static Commune> {
    find(communes(), &normalise_code(code, 5), |c| c.code)
}

/// Every département, DROM included, plus the collectivités d'outre-mer ([`Zone::Com`]),
/// sorted by code.
pub fn departements() -> &'static [Departement] {
    departements_data()
}

/// The département with this code (`01`, `1`, `2a`, `974`).
pub fn departement(code: &str) -> Option<&'static Departement> {
    find(departements(), &normalise_code(code, 2), |d| d.code)
}

/// Every région, DROM included, plus the collectivités d'outre-mer ([`Zone::Com`]), sorted
/// by code.
pub fn regions() -> &'static [Region] {
    regions_data()
}

/// The région with this code (`84`, `04`, `4`).
pub fn region(code: &str) -> Option<&'static Region> {
    find(regions(), &normalise_code(code, 2), |r| r.code)
}

/// Every EPCI à fiscalité propre, sorted by SIREN.
pub fn epcis() -> &'static [Epci] {
    epci_data()
}

/// The EPCI with this SIREN (`200046977`; spaces are ignored).
pub fn epci(code: &str) -> Option<&'static Epci> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    find(epcis(), &code, |e| e.code)
}

/// The communes a postcode serves, most populous first. A four-digit postcode is taken as
/// one whose leading zero a spreadsheet removed (`1000` → `01000`).
pub fn communes_by_postcode(pc: &str) -> Vec<&'static Commune> {
    let data = communes_data();
    let pc = normalise_code(pc, 5);
    let start = data.by_postcode.partition_point(|&(p, _)| p < pc.as_str());
    data.by_postcode[start..]
        .iter()
        .take_while(|&&(p, _)| p == pc)
        .map(|&(_, i)| &data.all[i as usize])
        .collect()
}

/// Communes for a picker, at most `limit`: those whose folded name starts with the folded
/// query, then those whose name contains it, then those whose postcode or code starts with
/// it (a four-digit query also matches the postcode with its leading zero restored). Most
/// populous first within each of these tiers.
pub fn search_communes(query: &str, limit: usize) -> Vec<&'static Commune> {
    let needle = fold(query);
    if needle.is_empty() || limit == 0 {
        return Vec::new();
    }
    let compact: String = query
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let padded = (compact.len() == 4 && compact.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("0{compact}"));
    let by_number = |c: &Commune| {
        !compact.is_empty()
            && (c.code.starts_with(&compact)
                || c.postcodes
                    .iter()
                    .any(|p| p.starts_with(&compact) || padded.as_deref().is_some_and(|z| *p == z)))
    };

    let data = communes_data();
    let mut hits: Vec<(u8, &'static Commune)> = data
        .all
        .iter()
        .zip(&data.folded)
        .filter_map(|(c, name)| {
            let tier = if name.starts_with(&needle) {
                0
            } else if name.contains(&needle) {
                1
            } else if by_number(c) {
                2
            } else {
                return None;
            };
            Some((tier, c))
        })
        .collect();
    hits.sort_unstable_by_key(|&(tier, c)| (tier, rank(c)));
    hits.into_iter().take(limit).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_table_parses_and_has_the_expected_size() {
        assert_eq!(communes().len(), 34_969 + 45);
        assert!(communes().windows(2).all(|w| w[0].code < w[1].code));
        assert_eq!(
            communes().iter().filter(|c| c.is_arrondissement()).count(),
            45
        );
        let mainland_and_drom = |zone: Zone| zone != Zone::Com;
        assert_eq!(
            departements()
                .iter()
                .filter(|d| mainland_and_drom(d.zone))
                .count(),
            101
        );
        assert_eq!(
            regions()
                .iter()
                .filter(|r| mainland_and_drom(r.zone))
                .count(),
            18
        );
        assert_eq!(epcis().len(), 1_255);
    }

    #[test]
    fn every_reference_between_tables_resolves() {
        for c in communes() {
            assert!(departement(c.departement).is_some(), "{}", c.code);
            assert!(region(c.region).is_some(), "{}", c.code);
            if let Some(e) = c.epci {
                assert!(epci(e).is_some(), "{}", c.code);
            }
            if let Some(p) = c.parent {
                assert!(commune(p).is_some_and(|p| !p.is_arrondissement()));
            }
        }
        for d in departements() {
            assert!(
                region(d.region).is_some_and(|r| r.zone == d.zone),
                "{}",
                d.code
            );
        }
    }

    #[test]
    fn lyon_and_its_first_arrondissement_sit_in_the_metropole_de_lyon() {
        for code in ["69123", "69381"] {
            let c = commune(code).expect(code);
            assert_eq!((c.departement, c.region), ("69", "84"));
            assert_eq!(c.epci, Some("200046977"));
        }
        assert_eq!(commune("69381").unwrap().parent, Some("69123"));
        let metropole = epci("200046977").unwrap();
        assert_eq!(metropole.name, "Métropole de Lyon");
        assert_eq!(metropole.kind, EpciKind::MetropoleDeLyon);
        assert_eq!(region("84").unwrap().name, "Auvergne-Rhône-Alpes");
    }

    #[test]
    fn bourg_en_bresse_is_found_by_code_name_and_postcode_even_without_its_leading_zero() {
        let bourg = commune("01053").unwrap();
        assert_eq!(bourg.name, "Bourg-en-Bresse");
        assert_eq!((bourg.departement, bourg.region), ("01", "84"));
        assert_eq!(commune("1053"), Some(bourg));
        assert_eq!(departement("1").unwrap().name, "Ain");
        for query in ["bourg en bresse", "Bourg-en-Bresse", "01000", "1000"] {
            assert!(
                search_communes(query, 10).contains(&bourg),
                "{query:?} does not find Bourg-en-Bresse"
            );
        }
        assert_eq!(search_communes("Bourg-en-Bresse", 10)[0], bourg);
        assert!(communes_by_postcode("01000").contains(&bourg));
        assert_eq!(communes_by_postcode("1000"), communes_by_postcode("01000"));
    }

    #[test]
    fn accents_do_not_matter_when_searching() {
        let fecamp = commune("76259").unwrap();
        assert_eq!(fecamp.name, "Fécamp");
        assert_eq!(search_communes("fecamp", 5)[0], fecamp);
    }

    #[test]
    fn search_ranks_name_prefix_before_substring_and_bigger_towns_first() {
        let hits = search_communes("lyon", 50);
        assert_eq!(hits[0].code, "69123");
        let first_substring = hits.iter().position(|c| !fold(c.name).starts_with("lyon"));
        if let Some(i) = first_substring {
            assert!(hits[i..].iter().all(|c| !fold(c.name).starts_with("lyon")));
        }
        assert!(search_communes("", 10).is_empty());
        assert!(search_communes("lyon", 0).is_empty());
        assert_eq!(search_communes("a", 7).len(), 7);
    }

    #[test]
    fn overseas_communes_are_present() {
        let saint_denis = commune("97411").unwrap();
        assert_eq!(saint_denis.name, "Saint-Denis");
        assert_eq!(
            departement(saint_denis.departement).unwrap().name,
            "La Réunion"
        );
        assert_eq!(region(saint_denis.region).unwrap().zone, Zone::Drom);
        assert_eq!(commune("2a004").unwrap().name, "Ajaccio");
    }

    #[test]
    fn unknown_codes_are_none() {
        assert_eq!(commune("99999"), None);
        assert_eq!(commune(""), None);
        assert_eq!(departement("00"), None);
        assert_eq!(region("99"), None);
        assert_eq!(epci("123456789"), None);
        assert!(communes_by_postcode("00000").is_empty());
        assert!(communes_by_postcode("").is_empty());
    }
}
