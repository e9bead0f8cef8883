//! The catalogue: every visible word of the interface, in French (default) and English.
//!
//! `locales/fr.txt` and `locales/en.txt` hold `key = text` lines; `{name}` marks an
//! argument. Both files are embedded; a test proves they have the same keys. Labels of
//! the typology (forms, kinds, statuses) come from `domain`, which owns them.

use std::{collections::HashMap, sync::OnceLock};

use partinnov_domain::lang::Lang;

const FR: &str = include_str!("../locales/fr.txt");
const EN: &str = include_str!("../locales/en.txt");

fn parse(src: &'static str) -> HashMap<&'static str, &'static str> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = ").map(|(k, v)| (k.trim(), v.trim())))
        .collect()
}

fn catalogue(lang: Lang) -> &'static HashMap<&'static str, &'static str> {
    static FR_MAP: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    static EN_MAP: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    match lang {
        Lang::Fr => FR_MAP.get_or_init(|| parse(FR)),
        Lang::En => EN_MAP.get_or_init(|| parse(EN)),
    }
}

/// The translator handed to every page.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The text of `key`; a missing key shows itself (and a test forbids missing keys).
    pub fn t(&self, key: &str) -> &'static str {
        catalogue(self.lang)
            .get(key)
            .or_else(|| catalogue(Lang::Fr).get(key))
            .copied()
            .unwrap_or_else(|| {
                tracing::warn!(key, "missing catalogue key");
                "⟦?⟧"
            })
    }

    /// The text of `key` with `{name}` arguments replaced.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_owned();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// The message for an error code of a field (`error.required`, …).
    pub fn error(&self, code: &str) -> String {
        let key = format!("error.{code}");
        if catalogue(Lang::Fr).contains_key(key.as_str()) {
            self.t(&key).to_owned()
        } else {
            self.t("error.invalid").to_owned()
        }
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.as_str()
    }

    /// dd/mm/yyyy in French, yyyy-mm-dd in English.
    pub fn date(&self, d: &chrono::NaiveDate) -> String {
        match self.lang {
            Lang::Fr => d.format("%d/%m/%Y").to_string(),
            Lang::En => d.format("%Y-%m-%d").to_string(),
        }
    }

    pub fn opt_date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.as_ref().map(|d| self.date(d)).unwrap_or_default()
    }

    pub fn datetime(&self, d: &chrono::DateTime<chrono::Utc>) -> String {
        match self.lang {
            Lang::Fr => d.format("%d/%m/%Y %H:%M").to_string(),
            Lang::En => d.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// A fixed-point number stored as an integer with `decimals` digits after the point
    /// (cents, per mille, hundredths of a full-time equivalent), written the reader's way:
    /// `fixed(123_456, 2)` is "1 234,56" in French, "1,234.56" in English.
    pub fn fixed(&self, n: i64, decimals: u32) -> String {
        let scale = 10_i64.pow(decimals);
        let units = self.int(&(n / scale).abs());
        let sign = if n < 0 { "-" } else { "" };
        if decimals == 0 {
            return format!("{sign}{units}");
        }
        let point = match self.lang {
            Lang::Fr => ',',
            Lang::En => '.',
        };
        let width = decimals as usize;
        format!("{sign}{units}{point}{:0width$}", (n % scale).abs())
    }

    /// Integers with a narrow no-break space as thousands separator in French.
    pub fn int(&self, n: &i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let sep = match self.lang {
            Lang::Fr => "\u{202f}",
            Lang::En => ",",
        };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(c);
        }
        if *n < 0 { format!("-{out}") } else { out }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_numbers_are_written_the_readers_way() {
        let (fr, en) = (Tr::new(Lang::Fr), Tr::new(Lang::En));
        assert_eq!(fr.fixed(123_456, 2), "1\u{202f}234,56");
        assert_eq!(en.fixed(123_456, 2), "1,234.56");
        assert_eq!(fr.fixed(280, 1), "28,0");
        assert_eq!(
            fr.fixed(-5, 2),
            "-0,05",
            "the sign of less than one unit stays"
        );
        assert_eq!(fr.fixed(7, 0), "7");
    }

    #[test]
    fn french_and_english_catalogues_have_the_same_keys() {
        let fr = parse(FR);
        let en = parse(EN);
        let mut missing_en: Vec<_> = fr.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut missing_fr: Vec<_> = en.keys().filter(|k| !fr.contains_key(*k)).collect();
        missing_en.sort();
        missing_fr.sort();
        assert!(
            missing_en.is_empty() && missing_fr.is_empty(),
            "missing in en: {missing_en:?}; missing in fr: {missing_fr:?}"
        );
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists_in_the_catalogue() {
        let fr = parse(FR);
        let sources = [
            include_str!("../templates/base.html"),
            include_str!("../templates/partnership_form.html"),
            include_str!("../templates/partnership_show.html"),
            include_str!("../templates/partnership_list.html"),
            include_str!("../templates/workspace_home.html"),
            include_str!("../templates/organisation_form.html"),
            include_str!("../templates/organisation_show.html"),
            include_str!("../templates/organisation_list.html"),
            include_str!("../templates/login.html"),
            include_str!("../templates/index.html"),
            include_str!("../templates/error.html"),
            include_str!("../templates/contacts.html"),
            include_str!("../templates/settings.html"),
            include_str!("../templates/invitation.html"),
            include_str!("../templates/account.html"),
            include_str!("../templates/dashboard.html"),
            include_str!("../templates/downloads.html"),
            include_str!("../templates/duplicates.html"),
            include_str!("../templates/import.html"),
            include_str!("../templates/sheet.html"),
            include_str!("../templates/documents.html"),
            include_str!("../templates/job.html"),
            include_str!("../templates/carto.html"),
            include_str!("../templates/strategy.html"),
            include_str!("../templates/strategy_suggestion.html"),
            include_str!("../templates/evaluation.html"),
            include_str!("../templates/evaluation_templates.html"),
        ];
        let mut missing = vec![];
        for src in sources {
            for part in src.split("t.t(\"").skip(1) {
                let key = &part[..part.find('"').unwrap_or(0)];
                if !fr.contains_key(key) {
                    missing.push(key.to_owned());
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from locales/fr.txt: {missing:?}"
        );
    }

    #[test]
    fn numbers_and_dates_follow_french_typography() {
        let t = Tr::new(Lang::Fr);
        assert_eq!(t.int(&1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(
            t.date(&chrono::NaiveDate::from_ymd_opt(2026, 3, 12).unwrap()),
            "12/03/2026"
        );
        assert_eq!(Tr::new(Lang::En).int(&1234), "1,234");
    }
}
