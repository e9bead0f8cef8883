//! XML text helpers shared by the SVG, GEXF and GraphML writers: escaping, characters XML
//! cannot carry, truncation with an ellipsis, and numbers written the same way everywhere.

use std::fmt::Write;

/// Escapes `s` for XML text and attribute values, and drops the characters XML 1.0 cannot
/// hold at all (control characters other than tab, newline and carriage return).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `s` cut to at most `max` characters, the last one an ellipsis when cut. Whitespace runs
/// (including new lines) become one space so that a label stays on one line.
pub fn truncate(s: &str, max: usize) -> String {
    let clean: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.chars().count() <= max {
        return clean;
    }
    let mut out: String = clean.chars().take(max.saturating_sub(1)).collect();
    out = out.trim_end().to_owned();
    out.push('…');
    out
}

/// A coordinate with at most one decimal, without a trailing `.0`: keeps SVG small and
/// output byte-identical for the same input.
pub fn num(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let mut s = String::new();
    if r.fract() == 0.0 {
        let _ = write!(s, "{}", r as i64);
    } else {
        let _ = write!(s, "{r:.1}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            escape("A&B <C> \"d\" 'e'\u{1}\u{7}"),
            "A&amp;B &lt;C&gt; &quot;d&quot; &apos;e&apos;"
        );
    }

    #[test]
    fn truncates_on_characters_not_bytes() {
        assert_eq!(truncate("Évènement", 20), "Évènement");
        assert_eq!(truncate("Société générale d'éclairage", 10), "Société g…");
        assert_eq!(truncate("a\n  b", 10), "a b");
        assert_eq!(truncate(&"é".repeat(200), 30).chars().count(), 30);
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(12.345), "12.3");
    }
}
