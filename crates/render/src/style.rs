//! The one visual language of Part'Innov, defined here once and used by every picture (and
//! by the stylesheet through [`css_variables`]): a colour per family of partnership form from
//! the Okabe–Ito palette, a marker shape per family and a node shape per kind of
//! organisation as second cues, dashes for what is dormant or ended, one type scale, and
//! French number formatting.

use partinnov_domain::{kind::KindGroup, lang::Lang, typology::Family};

/// Okabe & Ito (2008), "Color Universal Design": eight colours that readers with the common
/// colour-vision deficiencies can tell apart. Yellow is kept out of lines (too light on white).
pub mod okabe_ito {
    pub const BLACK: &str = "#000000";
    pub const ORANGE: &str = "#E69F00";
    pub const SKY_BLUE: &str = "#56B4E9";
    pub const BLUISH_GREEN: &str = "#009E73";
    pub const YELLOW: &str = "#F0E442";
    pub const BLUE: &str = "#0072B2";
    pub const VERMILLION: &str = "#D55E00";
    pub const REDDISH_PURPLE: &str = "#CC79A7";
}

/// Ink for text and outlines, and the neutral grey of things with no current form.
pub const INK: &str = "#1A1A1A";
pub const MUTED: &str = "#6B6B6B";
pub const NEUTRAL: &str = "#9A9A9A";
pub const PAPER: &str = "#FFFFFF";
pub const RULE: &str = "#D0D0D0";

/// The colour of a family of partnership forms.
pub const fn family_colour(f: Family) -> &'static str {
    match f {
        Family::Mecenat => okabe_ito::ORANGE,
        Family::PratiquesResponsables => okabe_ito::BLUISH_GREEN,
        Family::CooperationEconomique => okabe_ito::BLUE,
        Family::InnovationSocietale => okabe_ito::REDDISH_PURPLE,
    }
}

/// Second cue for a family, for readers who cannot tell the colours apart (and for
/// black-and-white prints): the marker drawn on its edges and in its legend entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    Diamond,
    Triangle,
}

pub const fn family_marker(f: Family) -> Marker {
    match f {
        Family::Mecenat => Marker::Circle,
        Family::PratiquesResponsables => Marker::Square,
        Family::CooperationEconomique => Marker::Diamond,
        Family::InnovationSocietale => Marker::Triangle,
    }
}

/// The shape of a partner node, by coarse kind of organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Square,
    Diamond,
    TriangleUp,
    TriangleDown,
    Hexagon,
}

pub const fn kind_shape(g: KindGroup) -> Shape {
    match g {
        KindGroup::Entreprise => Shape::Circle,
        KindGroup::Siae => Shape::Square,
        KindGroup::Handicap => Shape::Diamond,
        KindGroup::AutreEss => Shape::TriangleUp,
        KindGroup::Public => Shape::Hexagon,
        KindGroup::Autre => Shape::TriangleDown,
    }
}

/// Dash pattern of an edge or outline that is dormant or ended; `None` draws it solid.
pub const DASH_INACTIVE: &str = "6 4";

/// One type scale (px at 100 %): every picture uses these sizes only.
pub mod type_scale {
    pub const SMALL: f64 = 11.0;
    pub const BODY: f64 = 13.0;
    pub const HEADING: f64 = 16.0;
    pub const TITLE: f64 = 20.0;
}

/// The font of every picture; the PNG export embeds DejaVu Sans, so pages name it first.
pub const FONT_FAMILY: &str = "'DejaVu Sans', Verdana, 'Helvetica Neue', Arial, sans-serif";

/// Average advance of a DejaVu Sans character, as a fraction of the font size; used to keep
/// labels from overlapping without measuring glyphs.
pub const CHAR_WIDTH: f64 = 0.62;

/// Estimated width in px of `text` at `size`.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * CHAR_WIDTH
}

/// CSS custom properties for the pages, so that HTML tables and legends use the same
/// colours as the pictures.
pub fn css_variables() -> String {
    let mut out = String::from(":root{");
    for f in Family::ALL {
        out.push_str(&format!("--family-{}:{};", f.as_str(), family_colour(*f)));
    }
    out.push('}');
    out
}

/// An integer with thin groups of three: `12 345` in French (narrow no-break space),
/// `12,345` in English.
pub fn format_int(n: i64, lang: Lang) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = match lang {
        Lang::Fr => '\u{202f}',
        Lang::En => ',',
    };
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A decimal number with `decimals` places: `1 234,5` in French, `1,234.5` in English.
pub fn format_decimal(x: f64, decimals: usize, lang: Lang) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let int: i64 = int.parse().unwrap_or(0);
    let mut out = format_int(int, lang);
    if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    if !frac.is_empty() {
        out.push(match lang {
            Lang::Fr => ',',
            Lang::En => '.',
        });
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_the_french_way() {
        assert_eq!(format_int(0, Lang::Fr), "0");
        assert_eq!(format_int(999, Lang::Fr), "999");
        assert_eq!(format_int(1234, Lang::Fr), "1\u{202f}234");
        assert_eq!(format_int(-1234567, Lang::Fr), "-1\u{202f}234\u{202f}567");
        assert_eq!(format_int(1234567, Lang::En), "1,234,567");
        assert_eq!(format_decimal(1234.5, 1, Lang::Fr), "1\u{202f}234,5");
        assert_eq!(format_decimal(-0.25, 2, Lang::En), "-0.25");
        assert_eq!(format_decimal(f64::NAN, 2, Lang::Fr), "–");
    }

    #[test]
    fn every_family_has_its_own_colour_and_marker() {
        for a in Family::ALL {
            for b in Family::ALL {
                if a != b {
                    assert_ne!(family_colour(*a), family_colour(*b));
                    assert_ne!(family_marker(*a), family_marker(*b));
                }
            }
        }
        for a in KindGroup::ALL {
            for b in KindGroup::ALL {
                if a != b {
                    assert_ne!(kind_shape(*a), kind_shape(*b));
                }
            }
        }
    }
}
