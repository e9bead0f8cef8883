//! The three faces of DejaVu Sans a PDF embeds (regular, bold, oblique), and what layout needs
//! from them: a glyph and its advance for each character. Layout measures with exactly the
//! advances the PDF writer then places glyphs with, so a line never comes out wider than it was
//! measured. No kerning: DejaVu Sans is regular enough that body text reads well without it.
//!
//! Fonts are embedded in the binary, never read from the system, so a server and a laptop
//! write the same PDF.

use std::sync::OnceLock;

/// DejaVu Sans Bold and Oblique 2.37, from the same Debian package and under the same licence
/// as the regular face (`fonts/LICENSE-DejaVu.txt`).
pub(crate) static BOLD: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");
pub(crate) static OBLIQUE: &[u8] = include_bytes!("../../fonts/DejaVuSans-Oblique.ttf");

/// A face of the one family documents are set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
    Oblique,
}

impl Face {
    pub(crate) const ALL: [Self; 3] = [Self::Regular, Self::Bold, Self::Oblique];

    pub(crate) fn data(self) -> &'static [u8] {
        match self {
            Self::Regular => crate::png::FONT,
            Self::Bold => BOLD,
            Self::Oblique => OBLIQUE,
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Regular => 0,
            Self::Bold => 1,
            Self::Oblique => 2,
        }
    }
}

/// Characters below this are looked up once and kept in a table: Latin, general punctuation
/// (the narrow no-break space, the apostrophe, guillemets' neighbours) and the euro sign.
const TABLE_END: u32 = 0x2200;

struct Metrics {
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
    /// Glyph id and advance (font units) of every character below [`TABLE_END`].
    table: Vec<(u16, u16)>,
}

impl Metrics {
    fn load(data: &'static [u8]) -> Option<Self> {
        let face = ttf_parser::Face::parse(data, 0).ok()?;
        let units_per_em = f32::from(face.units_per_em());
        let table = (0..TABLE_END)
            .map(|u| char::from_u32(u).map_or((0, 0), |c| lookup(&face, c)))
            .collect();
        Some(Self {
            face,
            units_per_em,
            table,
        })
    }
}

fn lookup(face: &ttf_parser::Face<'_>, c: char) -> (u16, u16) {
    let id = face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
    (id.0, face.glyph_hor_advance(id).unwrap_or(0))
}

fn metrics(face: Face) -> Option<&'static Metrics> {
    static ALL: OnceLock<[Option<Metrics>; 3]> = OnceLock::new();
    ALL.get_or_init(|| Face::ALL.map(|f| Metrics::load(f.data())))[face.index()].as_ref()
}

/// The glyph of `c` in `face` and its advance as a fraction of the font size (the `.notdef`
/// glyph when the face lacks the character).
pub(crate) fn glyph(face: Face, c: char) -> (u16, f32) {
    let Some(m) = metrics(face) else {
        return (0, 0.6);
    };
    let (id, advance) = match m.table.get(c as usize) {
        Some(&entry) => entry,
        None => lookup(&m.face, c),
    };
    (id, f32::from(advance) / m.units_per_em)
}

/// Width of `text` set in `face` at `size` points.
pub(crate) fn width(face: Face, text: &str, size: f32) -> f32 {
    text.chars().map(|c| glyph(face, c).1).sum::<f32>() * size
}

/// True when the embedded faces can be read (they are compiled in, so only a corrupt build
/// fails this).
pub(crate) fn available() -> bool {
    Face::ALL.iter().all(|f| metrics(*f).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_characters_have_real_glyphs_in_every_face() {
        for face in Face::ALL {
            for c in "àâçéèêëîïôùûüÉÀÇ’«»€\u{202f}\u{a0}œŒ·…–—".chars()
            {
                assert_ne!(glyph(face, c).0, 0, "{c:?} in {face:?}");
            }
        }
        assert!(available());
    }

    #[test]
    fn bold_text_is_wider_and_narrow_space_is_narrower() {
        let text = "Société alsacienne de torréfaction";
        assert!(width(Face::Bold, text, 10.0) > width(Face::Regular, text, 10.0));
        assert!(glyph(Face::Regular, '\u{202f}').1 < glyph(Face::Regular, ' ').1);
        assert!(
            (width(Face::Regular, "ab", 20.0) - 2.0 * width(Face::Regular, "ab", 10.0)).abs()
                < 1e-3
        );
    }
}
