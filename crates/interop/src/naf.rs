//! NAF rév. 2 activity codes (INSEE, 2008): sections, divisions, groupes, classes and
//! sous-classes, with their French labels.
//!
//! Data: `@socialgouv/codes-naf` 1.1.1 (Apache-2.0), plus the 21 sections, embedded by
//! `scripts/refdata/build.sh`. Not NAF 2025. Codes are accepted as people and files write
//! them (`62.01Z`, `6201Z`, `6201z`, ` 62.01 Z`) and given back in the canonical dotted form.

use std::sync::OnceLock;

use partinnov_domain::text::fold;

use crate::table::{folded, rows};

/// The depth of a NAF code, told by its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// `J`
    Section,
    /// `62`
    Division,
    /// `62.0`
    Groupe,
    /// `62.01`
    Classe,
    /// `62.01Z`: what INSEE assigns as an APE code.
    SousClasse,
}

impl Level {
    fn of(code: &str) -> Option<Self> {
        match code.len() {
            1 => Some(Self::Section),
            2 => Some(Self::Division),
            4 => Some(Self::Groupe),
            5 => Some(Self::Classe),
            6 => Some(Self::SousClasse),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// Canonical form: `J`, `62`, `62.0`, `62.01`, `62.01Z`.
    pub code: &'static str,
    pub label: &'static str,
    /// The section letter, `A` to `U`.
    pub section: char,
    pub level: Level,
}

struct Naf {
    /// Sorted by code.
    all: Vec<Activity>,
    /// Folded labels, same order as `all`.
    folded: Vec<&'static str>,
}

fn data() -> &'static Naf {
    static DATA: OnceLock<Naf> = OnceLock::new();
    DATA.get_or_init(|| {
        let file = "naf.tsv.gz";
        let mut all: Vec<Activity> = rows::<3>(include_bytes!("../data/naf.tsv.gz"), file)
            .map(|[code, section, label]| Activity {
                code,
                label,
                section: section
                    .chars()
                    .next()
                    .filter(|s| s.is_ascii_uppercase() && section.len() == 1)
                    .unwrap_or_else(|| panic!("{file}: {code} section {section:?}")),
                level: Level::of(code).unwrap_or_else(|| panic!("{file}: code {code:?}")),
            })
            .collect();
        all.sort_unstable_by_key(|a| a.code);
        let folded = folded(all.iter().map(|a| a.label));
        Naf { all, folded }
    })
}

/// Upper-case, without white space or dots: `62.01z` → `6201Z`.
fn compact(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Every section, division, groupe, classe and sous-classe, sorted by code (divisions and
/// below, then sections).
pub fn activities() -> &'static [Activity] {
    &data().all
}

/// The entry for a code at any level, in any of the accepted spellings.
pub fn get(code: &str) -> Option<&'static Activity> {
    let compact = compact(code);
    let canonical = match compact.len() {
        0 => return None,
        1 | 2 => compact,
        _ if compact.is_char_boundary(2) => format!("{}.{}", &compact[..2], &compact[2..]),
        _ => return None,
    };
    let all = activities();
    all.binary_search_by(|a| a.code.cmp(&canonical))
        .ok()
        .map(|i| &all[i])
}

/// The French label of a code: `label("6201z")` is "Programmation informatique".
pub fn label(code: &str) -> Option<&'static str> {
    get(code).map(|a| a.label)
}

/// The canonical spelling of a known code: `6201z` → `62.01Z`. `None` if unknown.
pub fn normalise(code: &str) -> Option<&'static str> {
    get(code).map(|a| a.code)
}

/// The section letter of a known code: `62.01Z` → `J`.
pub fn section(code: &str) -> Option<char> {
    get(code).map(|a| a.section)
}

/// Activities for a picker, at most `limit`: those whose code starts with the query (dots
/// and case ignored), then those whose folded label starts with the folded query, then
/// those whose label contains it; by code within each tier. Classes and their single
/// sous-classe often share a label, so both come back: filter on [`Level`] if that matters.
pub fn search(query: &str, limit: usize) -> Vec<&'static Activity> {
    let needle = fold(query);
    let code_prefix = compact(query);
    if needle.is_empty() || limit == 0 {
        return Vec::new();
    }
    let data = data();
    let mut hits: Vec<(u8, &'static Activity)> = data
        .all
        .iter()
        .zip(&data.folded)
        .filter_map(|(a, label)| {
            let tier = if compact(a.code).starts_with(&code_prefix) {
                0
            } else if label.starts_with(&needle) {
                1
            } else if label.contains(&needle) {
                2
            } else {
                return None;
            };
            Some((tier, a))
        })
        .collect();
    hits.sort_by_key(|&(tier, a)| (tier, a.code));
    hits.into_iter().take(limit).map(|(_, a)| a).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses_with_every_level() {
        let count = |level| activities().iter().filter(|a| a.level == level).count();
        assert_eq!(count(Level::Section), 21);
        assert_eq!(count(Level::Division), 88);
        assert_eq!(count(Level::Groupe), 272);
        assert_eq!(count(Level::Classe), 615);
        assert_eq!(count(Level::SousClasse), 732);
    }

    #[test]
    fn a_sous_classe_is_found_however_it_is_written() {
        assert_eq!(label("62.01Z"), Some("Programmation informatique"));
        for spelling in ["62.01Z", "6201Z", "6201z", " 62.01 z "] {
            assert_eq!(normalise(spelling), Some("62.01Z"), "{spelling:?}");
            assert_eq!(section(spelling), Some('J'), "{spelling:?}");
        }
        assert_eq!(normalise("62"), Some("62"));
        assert_eq!(normalise("6201"), Some("62.01"));
        assert_eq!(label("j"), Some("Information et communication"));
    }

    #[test]
    fn every_code_sits_in_its_division_s_section() {
        for a in activities().iter().filter(|a| a.level != Level::Section) {
            let division = get(&a.code[..2]).unwrap();
            assert_eq!(a.section, division.section, "{}", a.code);
            assert_eq!(get(&a.section.to_string()).unwrap().level, Level::Section);
        }
        assert_eq!(section("01.11Z"), Some('A'));
        assert_eq!(section("99.00Z"), Some('U'));
        assert_eq!(section("35"), Some('D'));
    }

    #[test]
    fn unknown_or_malformed_codes_are_none() {
        for code in ["", "00", "62.01X", "6", "62.01ZZ", "é", "Z"] {
            assert_eq!(get(code), None, "{code:?}");
        }
    }

    #[test]
    fn search_takes_codes_then_labels_without_accents() {
        assert_eq!(search("6201", 1)[0].code, "62.01");
        let hits = search("programmation informatique", 5);
        assert!(hits.iter().any(|a| a.code == "62.01Z"));
        assert!(search("electricite", 50).iter().any(|a| a.code == "D"));
        assert!(search("", 5).is_empty());
    }
}
