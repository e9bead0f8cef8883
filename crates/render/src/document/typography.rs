//! French typography, applied by every writer to a document whose language is French: a
//! narrow no-break space (U+202F) before `;` `:` `!` `?` and inside « », the typographic
//! apostrophe, and dates as dd/mm/yyyy. Pure functions over text; URLs, e-mail addresses and
//! times such as 10:30 are left as they are.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::{Block, Document, Fact, Inline, Labels, Picture, Table};

pub const NARROW_NBSP: char = '\u{202f}';

/// True when `lang` (a BCP 47 tag) is French: `fr`, `fr-FR`, `fr-BE`…
pub fn is_french(lang: &str) -> bool {
    let lang = lang.trim().to_ascii_lowercase();
    lang == "fr" || lang.starts_with("fr-") || lang.starts_with("fr_")
}

/// A date the document's way: 23/11/2026 in French, 2026-11-23 otherwise.
pub fn date(d: NaiveDate, lang: &str) -> String {
    if is_french(lang) {
        d.format("%d/%m/%Y").to_string()
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

/// `text` in French typography.
pub fn french(text: &str) -> String {
    french_after(None, text)
}

/// `text` in French typography, knowing the character that precedes it (the end of the
/// previous run of a paragraph), so that "Nom" followed by a bold ": valeur" still gets its
/// space.
pub fn french_after(before: Option<char>, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let verbatim = verbatim_mask(&chars);
    let mut out = String::with_capacity(text.len() + 8);
    let last = |out: &String| out.chars().next_back().or(before);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if verbatim[i] {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '\'' => out.push('’'),
            ':' if last(&out).is_some_and(|p| p.is_ascii_digit())
                && chars.get(i + 1).is_some_and(char::is_ascii_digit) =>
            {
                out.push(':');
            }
            ';' | ':' | '!' | '?' | '»' => {
                space_before(&mut out, before);
                out.push(c);
            }
            '«' => {
                out.push('«');
                match chars.get(i + 1) {
                    Some(&(' ' | '\u{a0}' | NARROW_NBSP)) => {
                        out.push(NARROW_NBSP);
                        i += 1;
                    }
                    Some(n) if !n.is_whitespace() => out.push(NARROW_NBSP),
                    _ => {}
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Puts exactly one narrow no-break space at the end of `out`, replacing a plain or no-break
/// space, unless what precedes cannot take one (start of text, an opening bracket, another
/// mark of the same kind as in "?!").
fn space_before(out: &mut String, before: Option<char>) {
    match out.chars().next_back() {
        Some(' ' | '\u{a0}') => {
            out.pop();
            if out
                .chars()
                .next_back()
                .or(before)
                .is_some_and(|p| p != '\n')
            {
                out.push(NARROW_NBSP);
            }
        }
        Some(NARROW_NBSP) => {}
        Some(p) if takes_space(p) => out.push(NARROW_NBSP),
        Some(_) => {}
        None => {
            if before.is_some_and(takes_space) {
                out.push(NARROW_NBSP);
            }
        }
    }
}

fn takes_space(p: char) -> bool {
    p.is_alphanumeric() || matches!(p, ')' | ']' | '%' | '€' | '$' | '»' | '’' | '"' | '.' | '…')
}

/// Characters inside a URL or an e-mail address, which typography must not touch.
fn verbatim_mask(chars: &[char]) -> Vec<bool> {
    let mut mask = vec![false; chars.len()];
    let mut start = 0;
    while start < chars.len() {
        if chars[start].is_whitespace() {
            start += 1;
            continue;
        }
        let end = (start..chars.len())
            .find(|&j| chars[j].is_whitespace())
            .unwrap_or(chars.len());
        let word: String = chars[start..end].iter().collect();
        let lower = word.to_ascii_lowercase();
        if lower.contains("://")
            || lower.starts_with("www.")
            || lower.starts_with("mailto:")
            || (word.contains('@') && word.contains('.'))
        {
            // Punctuation closing a sentence after the address is still the sentence's.
            let mut body_end = end;
            while body_end > start
                && matches!(chars[body_end - 1], '.' | ',' | ';' | ':' | '!' | '?' | ')')
            {
                body_end -= 1;
            }
            mask[start..body_end].iter_mut().for_each(|m| *m = true);
        }
        start = end;
    }
    mask
}

/// The document in French typography when its language is French, untouched otherwise.
pub(crate) fn prepare(doc: &Document) -> Cow<'_, Document> {
    if !is_french(&doc.lang) {
        return Cow::Borrowed(doc);
    }
    let runs = |inlines: &[Inline]| -> Vec<Inline> {
        let mut before = None;
        inlines
            .iter()
            .map(|inline| {
                let (out, end) = match inline {
                    Inline::Text(s) => {
                        let t = french_after(before, s);
                        let end = t.chars().next_back();
                        (Inline::Text(t), end)
                    }
                    Inline::Strong(s) => {
                        let t = french_after(before, s);
                        let end = t.chars().next_back();
                        (Inline::Strong(t), end)
                    }
                    Inline::Emphasis(s) => {
                        let t = french_after(before, s);
                        let end = t.chars().next_back();
                        (Inline::Emphasis(t), end)
                    }
                    Inline::Missing => (Inline::Missing, Some('e')),
                };
                before = end.or(before);
                out
            })
            .collect()
    };
    let blocks = doc
        .blocks
        .iter()
        .map(|block| match block {
            Block::Heading { level, text } => Block::Heading {
                level: *level,
                text: french(text),
            },
            Block::Paragraph(p) => Block::Paragraph(runs(p)),
            Block::Bullets(items) => Block::Bullets(items.iter().map(|i| runs(i)).collect()),
            Block::Facts(facts) => Block::Facts(
                facts
                    .iter()
                    .map(|f| Fact {
                        label: french(&f.label),
                        value: runs(&f.value),
                    })
                    .collect(),
            ),
            Block::Table(t) => Block::Table(Table {
                headers: t.headers.iter().map(|h| french(h)).collect(),
                rows: t
                    .rows
                    .iter()
                    .map(|r| r.iter().map(|c| runs(c)).collect())
                    .collect(),
                numeric: t.numeric.clone(),
                widths: t.widths.clone(),
                caption: t.caption.as_deref().map(french),
            }),
            Block::Picture(p) => Block::Picture(Picture {
                svg: p.svg.clone(),
                caption: french(&p.caption),
                alt: french(&p.alt),
            }),
            Block::PageBreak => Block::PageBreak,
        })
        .collect();
    Cow::Owned(Document {
        title: french(&doc.title),
        subtitle: doc.subtitle.as_deref().map(french),
        lang: doc.lang.clone(),
        issued_on: doc.issued_on,
        labels: Labels {
            missing: french(&doc.labels.missing),
            issued: french(&doc.labels.issued),
            page: french(&doc.labels.page),
            figure: french(&doc.labels.figure),
        },
        blocks,
    })
}

/// The footer line: "Édité le 23/11/2026 · Page 2 sur 5".
pub(crate) fn footer(doc: &Document, page: usize, pages: usize) -> String {
    format!(
        "{} · {}",
        issued(doc),
        doc.labels
            .page
            .replace("{page}", &page.to_string())
            .replace("{pages}", &pages.to_string())
    )
}

/// "Édité le 23/11/2026".
pub(crate) fn issued(doc: &Document) -> String {
    doc.labels
        .issued
        .replace("{date}", &date(doc.issued_on, &doc.lang))
}

/// "Figure 2 : Réseau des partenaires" (the colon spaced the French way under `fr`).
pub(crate) fn figure_caption(doc: &Document, n: usize, caption: &str) -> String {
    let s = format!("{} {n}: {caption}", doc.labels.figure);
    if is_french(&doc.lang) { french(&s) } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: char = NARROW_NBSP;

    #[test]
    fn high_punctuation_gets_a_narrow_no_break_space() {
        assert_eq!(
            french("Objectif : 12 emplois"),
            format!("Objectif{N}: 12 emplois")
        );
        assert_eq!(french("Vraiment?"), format!("Vraiment{N}?"));
        assert_eq!(french("Oui !"), format!("Oui{N}!"));
        assert_eq!(french("a\u{a0};b"), format!("a{N};b"));
        assert_eq!(french("Quoi ?!"), format!("Quoi{N}?!"));
        assert_eq!(french(&format!("Déjà{N}: fait")), format!("Déjà{N}: fait"));
        assert_eq!(french("(?)"), "(?)");
        assert_eq!(french("? en tête"), "? en tête");
    }

    #[test]
    fn guillemets_hold_their_text_with_narrow_spaces() {
        assert_eq!(
            french("« Entreprise inclusive »"),
            format!("«{N}Entreprise inclusive{N}»")
        );
        assert_eq!(french("«oui»"), format!("«{N}oui{N}»"));
    }

    #[test]
    fn urls_times_and_addresses_are_left_alone() {
        assert_eq!(
            french("Voir https://exemple.fr/a?b=1 !"),
            format!("Voir https://exemple.fr/a?b=1{N}!")
        );
        assert_eq!(french("Réunion à 10:30"), "Réunion à 10:30");
        assert_eq!(french("contact@exemple.fr"), "contact@exemple.fr");
        assert_eq!(french("www.exemple.fr:8080"), "www.exemple.fr:8080");
    }

    #[test]
    fn apostrophes_become_typographic() {
        assert_eq!(french("Caisse d'Épargne"), "Caisse d’Épargne");
    }

    #[test]
    fn the_previous_run_counts() {
        assert_eq!(french_after(Some('m'), ": valeur"), format!("{N}: valeur"));
        assert_eq!(french_after(None, ": valeur"), ": valeur");
    }

    #[test]
    fn dates_and_languages() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(date(d, "fr"), "05/03/2026");
        assert_eq!(date(d, "fr-FR"), "05/03/2026");
        assert_eq!(date(d, "en"), "2026-03-05");
        assert!(is_french("FR"));
        assert!(!is_french("fra"));
        assert!(!is_french("en-FR"));
        assert!(!is_french(""));
    }
}
