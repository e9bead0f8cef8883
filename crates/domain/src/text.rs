//! Text folding for accent- and case-insensitive search.
//!
//! The store keeps a folded copy of every searchable name, and folds the query the same
//! way, so the same `LIKE` works on SQLite and PostgreSQL without collations or extensions.

/// Lower-cases, strips French (and other Latin) diacritics, expands ligatures, and turns
/// punctuation and runs of white space into one space: `"  L'Œuvre  d'Été "` → `"l oeuvre d ete"`.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.chars() {
        let mapped: &str = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
                "a"
            }
            'ç' | 'Ç' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
            'ñ' | 'Ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'ø' | 'Ø' => {
                "o"
            }
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
            'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ß' => "ss",
            c if c.is_alphanumeric() => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.extend(c.to_lowercase());
                continue;
            }
            _ => {
                pending_space = true;
                continue;
            }
        };
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push_str(mapped);
    }
    out
}

/// Words that say what kind of legal body a name belongs to, or link words, and so do not
/// tell two organisations apart: dropped by [`name_key`].
const NAME_NOISE: &[&str] = &[
    "sarl",
    "sas",
    "sasu",
    "sa",
    "eurl",
    "scop",
    "scic",
    "sci",
    "snc",
    "ei",
    "eirl",
    "sem",
    "spl",
    "gie",
    "asso",
    "association",
    "assoc",
    "ste",
    "societe",
    "cie",
    "compagnie",
    "ets",
    "etablissements",
    "etablissement",
    "la",
    "le",
    "les",
    "l",
    "d",
    "de",
    "du",
    "des",
    "et",
];

/// A key for matching organisation names written differently: folded, legal forms
/// (SARL, SAS, Asso.…) and link words dropped, `st`/`ste` spelled out, words sorted.
/// `"SARL Les Jardins d'Éole"` and `"Jardins Éole (Les) SARL"` give the same key; `"Envie
/// Anjou"` and `"Envie Autonomie"` do not. Empty when nothing distinctive is left.
pub fn name_key(name: &str) -> String {
    let folded = fold(name);
    let mut words: Vec<&str> = folded
        .split(' ')
        .map(|w| match w {
            "st" => "saint",
            "ste" => "sainte",
            w => w,
        })
        .filter(|w| !w.is_empty() && !NAME_NOISE.contains(w))
        .collect();
    words.sort_unstable();
    words.dedup();
    words.join(" ")
}

/// The distinctive words of a name in the order written, without spaces: where a typo
/// moved a space ("Atelie rdu Bugey"), the sorted words of [`name_key`] differ widely but
/// this stays within a letter or two of the original ("atelierbugey").
pub fn name_compact(name: &str) -> String {
    fold(name)
        .split(' ')
        .filter(|w| !w.is_empty() && !NAME_NOISE.contains(w))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{fold, name_compact, name_key};

    #[test]
    fn compact_names_survive_a_misplaced_space() {
        assert_eq!(name_compact("SARL Atelier du Bugey"), "atelierbugey");
        assert_eq!(name_compact("Atelie rdu Bugey"), "atelierdubugey");
    }

    #[test]
    fn accents_case_ligatures_and_punctuation_fold_away() {
        assert_eq!(fold("  L'Œuvre  d'Été "), "l oeuvre d ete");
        assert_eq!(fold("ASDIÉS"), "asdies");
        assert_eq!(fold("Saint-Étienne"), "saint etienne");
        assert_eq!(fold("Caisse d’Épargne"), "caisse d epargne");
    }

    #[test]
    fn name_keys_ignore_legal_forms_link_words_and_word_order() {
        assert_eq!(
            name_key("SARL Les Jardins d'Éole"),
            name_key("Jardins Eole (Les) sarl")
        );
        assert_eq!(name_key("Asso. Envie Anjou"), "anjou envie");
        assert_ne!(name_key("Envie Anjou"), name_key("Envie Autonomie"));
        assert_eq!(
            name_key("Boulangerie St Jean"),
            name_key("Boulangerie Saint-Jean")
        );
        assert_eq!(name_key("SAS"), "");
    }

    #[test]
    fn digits_are_kept_so_sirets_and_codes_stay_searchable() {
        assert_eq!(fold("732 829 320 00074"), "732 829 320 00074");
    }
}
