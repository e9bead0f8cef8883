//! Candidate duplicates in the registry, for a person to review and merge.
//!
//! Two records are compared on what identifies an organisation in France: the SIRET (one
//! per establishment), the SIREN (one per legal unit), the name as people write it
//! (through [`name_key`]: accents, case, legal forms, link words and word order removed)
//! and the place (commune code, else postcode). The rules, strongest first:
//!
//! - two different SIRETs are two establishments: never proposed;
//! - the same name key in the same place, with at most one SIRET: **certain**;
//! - the same SIREN (one record has only the SIREN) and the same place: **certain**;
//! - the same name in two communes: not proposed (most often two establishments of one
//!   organisation, each with its SIRET, which must stay apart);
//! - keys one or two letters apart (Damerau–Levenshtein), same place: **possible**, a typo.
//!   "Envie Anjou" / "Envie Autonomie" are further apart and never "certain".
//!
//! Comparing every pair of 100,000 records is five billion comparisons, so records are
//! grouped into blocks first (same key; same place and the key's first letters) and only
//! pairs inside a block are scored.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::text::{name_compact, name_key};

/// What the comparison needs to know of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFacts {
    pub id: i64,
    pub name: String,
    pub siret: Option<String>,
    /// Kept on its own when only the SIREN is known.
    pub siren: Option<String>,
    pub commune_code: Option<String>,
    pub postcode: Option<String>,
}

impl OrgFacts {
    fn siren(&self) -> Option<&str> {
        self.siren
            .as_deref()
            .or_else(|| self.siret.as_deref().and_then(|s| s.get(..9)))
    }

    /// Commune code when known, else the postcode: where the record says it is.
    fn place(&self) -> Option<&str> {
        self.commune_code.as_deref().or(self.postcode.as_deref())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Possible,
    Certain,
}

/// A pair proposed for review, with its score (0–100) and the reason in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub a: i64,
    pub b: i64,
    pub score: u8,
    pub confidence: Confidence,
    pub reason: String,
}

/// Letters that may differ between two keys of the same place for a typo.
pub const MAX_TYPOS: usize = 2;
/// Shorter keys are too short for a difference of two letters to be a typo.
pub const MIN_TYPO_LEN: usize = 8;

/// Scores one pair; `None` when they are not worth a person's time.
pub fn compare(a: &OrgFacts, b: &OrgFacts) -> Option<Candidate> {
    compare_keyed(a, &Keys::of(a), b, &Keys::of(b))
}

/// The two spellings of a name used for comparison, computed once per record.
struct Keys {
    sorted: String,
    compact: String,
}

impl Keys {
    fn of(r: &OrgFacts) -> Keys {
        Keys {
            sorted: name_key(&r.name),
            compact: name_compact(&r.name),
        }
    }
}

fn compare_keyed(a: &OrgFacts, ka: &Keys, b: &OrgFacts, kb: &Keys) -> Option<Candidate> {
    let (ka_all, kb_all) = (ka, kb);
    let (ka, kb) = (ka.sorted.as_str(), kb.sorted.as_str());
    if let (Some(sa), Some(sb)) = (&a.siret, &b.siret)
        && sa != sb
    {
        return None;
    }
    let same_place = matches!((a.place(), b.place()), (Some(x), Some(y)) if x == y);
    let candidate = |score: u8, confidence, reason: &str| {
        Some(Candidate {
            a: a.id.min(b.id),
            b: a.id.max(b.id),
            score,
            confidence,
            reason: reason.to_owned(),
        })
    };
    if let (Some(x), Some(y)) = (a.siren(), b.siren())
        && x == y
        && same_place
    {
        return candidate(
            98,
            Confidence::Certain,
            "même SIREN et même commune, un SIRET sur une seule fiche",
        );
    }
    if ka.is_empty() || kb.is_empty() {
        return None;
    }
    if ka == kb {
        // The same name in two communes is most often two establishments of one
        // organisation, each with its SIRET, which must stay apart: not proposed.
        if !same_place {
            return None;
        }
        return candidate(
            95,
            Confidence::Certain,
            "même nom (forme juridique, accents et ordre des mots mis à part) et même commune",
        );
    }
    // A typo: at most two letters apart (one swap, one slip) in a name long enough for
    // that to be a slip rather than another word ("Envie Anjou" / "Envie Autonomie" are
    // further apart).
    if same_place && ka.chars().count().min(kb.chars().count()) >= MIN_TYPO_LEN {
        let distance = strsim::damerau_levenshtein(ka, kb).min(strsim::damerau_levenshtein(
            &ka_all.compact,
            &kb_all.compact,
        ));
        if distance <= MAX_TYPOS {
            return candidate(
                if distance == 1 { 85 } else { 75 },
                Confidence::Possible,
                "noms presque identiques (une ou deux lettres) dans la même commune",
            );
        }
    }
    None
}

/// Blocks larger than this are compared on exact keys only, so one very common name
/// cannot make the run quadratic.
const MAX_BLOCK: usize = 400;

/// Every candidate pair among `records`, best first (then by ids, for a stable order).
pub fn candidates(records: &[OrgFacts]) -> Vec<Candidate> {
    let keys: Vec<Keys> = records.iter().map(Keys::of).collect();
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        if keys[i].sorted.is_empty() {
            continue;
        }
        blocks
            .entry(format!("k:{}", keys[i].sorted))
            .or_default()
            .push(i);
        if let Some(place) = r.place() {
            // A typo rarely touches both the first letters of the sorted words and those
            // of the name as written: two blocks catch it either way.
            for (tag, text) in [("p", &keys[i].sorted), ("c", &keys[i].compact)] {
                let prefix: String = text.chars().take(3).collect();
                blocks
                    .entry(format!("{tag}:{place}:{prefix}"))
                    .or_default()
                    .push(i);
            }
        }
        if let Some(siren) = r.siren() {
            blocks.entry(format!("s:{siren}")).or_default().push(i);
        }
    }
    let mut found: BTreeMap<(i64, i64), Candidate> = BTreeMap::new();
    for (name, members) in &blocks {
        let exact_only = members.len() > MAX_BLOCK && !name.starts_with("k:");
        if exact_only {
            continue;
        }
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                if let Some(c) = compare_keyed(&records[i], &keys[i], &records[j], &keys[j]) {
                    let slot = found.entry((c.a, c.b)).or_insert_with(|| c.clone());
                    if c.score > slot.score {
                        *slot = c;
                    }
                }
            }
        }
    }
    let mut out: Vec<Candidate> = found.into_values().collect();
    out.sort_by(|x, y| {
        y.score
            .cmp(&x.score)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    out
}

/// Candidates joined into groups (a record proposed with two others is one group of
/// three), each group's ids ascending, groups by their best score then first id.
pub fn groups(found: &[Candidate]) -> Vec<(Vec<i64>, Vec<&Candidate>)> {
    let mut parent: BTreeMap<i64, i64> = BTreeMap::new();
    fn root(parent: &mut BTreeMap<i64, i64>, x: i64) -> i64 {
        let mut r = x;
        while let Some(&p) = parent.get(&r) {
            if p == r {
                break;
            }
            r = p;
        }
        parent.insert(x, r);
        r
    }
    for c in found {
        parent.entry(c.a).or_insert(c.a);
        parent.entry(c.b).or_insert(c.b);
        let (ra, rb) = (root(&mut parent, c.a), root(&mut parent, c.b));
        if ra != rb {
            parent.insert(ra.max(rb), ra.min(rb));
        }
    }
    let mut by_root: BTreeMap<i64, (Vec<i64>, Vec<&Candidate>)> = BTreeMap::new();
    let ids: Vec<i64> = parent.keys().copied().collect();
    for id in ids {
        let r = root(&mut parent, id);
        by_root.entry(r).or_default().0.push(id);
    }
    for c in found {
        let r = root(&mut parent, c.a);
        if let Some(g) = by_root.get_mut(&r) {
            g.1.push(c);
        }
    }
    let mut out: Vec<(Vec<i64>, Vec<&Candidate>)> = by_root.into_values().collect();
    let best = |g: &(Vec<i64>, Vec<&Candidate>)| g.1.iter().map(|c| c.score).max().unwrap_or(0);
    out.sort_by(|x, y| best(y).cmp(&best(x)).then(x.0[0].cmp(&y.0[0])));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64, name: &str, siret: Option<&str>, commune: Option<&str>) -> OrgFacts {
        OrgFacts {
            id,
            name: name.into(),
            siret: siret.map(Into::into),
            siren: None,
            commune_code: commune.map(Into::into),
            postcode: None,
        }
    }

    #[test]
    fn the_same_name_in_the_same_commune_is_certain_whatever_the_legal_form() {
        let c = compare(
            &org(
                1,
                "SARL Les Jardins d'Éole",
                Some("73282062900018"),
                Some("01034"),
            ),
            &org(2, "Jardins Eole (Les)", None, Some("01034")),
        )
        .unwrap();
        assert_eq!((c.confidence, c.score), (Confidence::Certain, 95));
        assert!(c.reason.contains("même commune"));
    }

    #[test]
    fn two_sirets_are_two_establishments_and_are_never_proposed() {
        assert_eq!(
            compare(
                &org(1, "Envie Rhône", Some("73282062900018"), Some("69123")),
                &org(2, "Envie Rhône", Some("73282062900026"), Some("69123")),
            ),
            None
        );
    }

    #[test]
    fn envie_anjou_and_envie_autonomie_are_never_certain() {
        let a = org(1, "Envie Anjou", None, Some("49007"));
        let b = org(2, "Envie Autonomie", None, Some("49007"));
        if let Some(c) = compare(&a, &b) {
            assert_eq!(c.confidence, Confidence::Possible);
        }
        let far = org(3, "Envie Anjou", None, Some("69123"));
        assert_eq!(
            compare(&a, &far),
            None,
            "same name, other commune: two establishments"
        );
    }

    #[test]
    fn a_siren_alone_matches_its_establishment_in_the_same_place() {
        let mut a = org(1, "Boutique Boulot", None, Some("69123"));
        a.siren = Some("732829320".into());
        let b = org(2, "BB Lyon", Some("73282932000074"), Some("69123"));
        assert_eq!(compare(&a, &b).unwrap().confidence, Confidence::Certain);
    }

    #[test]
    fn a_typo_in_the_same_commune_is_possible_and_unrelated_names_are_not_proposed() {
        let c = compare(
            &org(1, "Tremplin Insertion", None, Some("01053")),
            &org(2, "Tremplin Insertoin", None, Some("01053")),
        )
        .unwrap();
        assert_eq!(c.confidence, Confidence::Possible);
        assert!((75..=85).contains(&c.score));
        assert_eq!(
            compare(
                &org(1, "Mondial Tissus", None, Some("01053")),
                &org(2, "Caisse d'Épargne", None, Some("01053")),
            ),
            None
        );
    }

    #[test]
    fn candidates_are_found_through_blocks_once_each_best_first() {
        let records = vec![
            org(1, "Jardins d'Éole", None, Some("01034")),
            org(2, "SARL Jardins Eole", None, Some("01034")),
            org(3, "Jardins d'Eoel", None, Some("01034")),
            org(4, "Mondial Tissus", None, Some("01053")),
        ];
        let found = candidates(&records);
        let pairs: Vec<(i64, i64, Confidence)> =
            found.iter().map(|c| (c.a, c.b, c.confidence)).collect();
        assert_eq!(
            pairs,
            [
                (1, 2, Confidence::Certain),
                (1, 3, Confidence::Possible),
                (2, 3, Confidence::Possible)
            ]
        );
        let g = groups(&found);
        assert_eq!(g.len(), 1, "one group of three");
        assert_eq!(g[0].0, [1, 2, 3]);
        assert_eq!(g[0].1.len(), 3);
    }
}
