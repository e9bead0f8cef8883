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

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn accents_case_ligatures_and_punctuation_fold_away() {
        assert_eq!(fold("  L'Œuvre  d'Été "), "l oeuvre d ete");
        assert_eq!(fold("ASDIÉS"), "asdies");
        assert_eq!(fold("Saint-Étienne"), "saint etienne");
        assert_eq!(fold("Caisse d’Épargne"), "caisse d epargne");
    }

    #[test]
    fn digits_are_kept_so_sirets_and_codes_stay_searchable() {
        assert_eq!(fold("732 829 320 00074"), "732 829 320 00074");
    }
}
