//! Line breaking for the PDF: runs of styled text in, lines of placed fragments out, measured
//! with the advances of the embedded faces ([`super::fonts`]).
//!
//! Lines break at plain spaces and tabs and at new lines, never at a no-break space (U+00A0)
//! or a narrow no-break space (U+202F), so "12 500 €" and "Objectif : 3" stay whole, nor
//! inside the label of a missing field. A word wider than the line is broken between
//! characters rather than running into the margin.

use super::fonts::{self, Face};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Colour(pub u8, pub u8, pub u8);

impl Colour {
    /// `#RRGGBB` as written in [`crate::style`]; black when it is not one.
    pub(crate) fn hex(s: &str) -> Self {
        let v = u32::from_str_radix(s.trim_start_matches('#'), 16).unwrap_or(0);
        Self((v >> 16) as u8, (v >> 8) as u8, v as u8)
    }
}

/// How a run of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub face: Face,
    pub size: f32,
    pub colour: Colour,
    /// Set apart as a field left to fill in.
    pub missing: bool,
}

/// A run of text in one style, as given to [`break_lines`].
#[derive(Debug, Clone)]
pub(crate) struct Span {
    pub style: Style,
    pub text: String,
}

/// A piece of a line in one style, `x` from the line's start.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placed {
    pub style: Style,
    pub text: String,
    pub x: f32,
    pub width: f32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Line {
    pub pieces: Vec<Placed>,
    pub width: f32,
}

impl Line {
    /// Its text, for tests and for the outline.
    #[cfg(test)]
    pub(crate) fn text(&self) -> String {
        self.pieces.iter().map(|p| p.text.as_str()).collect()
    }
}

/// A word: fragments with no break opportunity between them, then what follows.
struct Word {
    fragments: Vec<(Style, String)>,
    /// The space after the word (dropped at the end of a line), or a forced line end.
    after: After,
}

enum After {
    Nothing,
    Space(Style),
    NewLine,
}

fn words(spans: &[Span]) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current: Vec<(Style, String)> = Vec::new();
    for span in spans {
        for c in span.text.chars() {
            let after = match c {
                // The missing label ("à compléter") reads as one mark: never split.
                ' ' | '\t' if !span.style.missing => After::Space(span.style),
                '\n' => After::NewLine,
                '\r' => continue,
                _ => {
                    match current.last_mut() {
                        Some((style, text)) if *style == span.style => text.push(c),
                        _ => current.push((span.style, c.to_string())),
                    }
                    continue;
                }
            };
            // Several spaces in a row make one.
            if current.is_empty()
                && matches!(after, After::Space(_))
                && words
                    .last()
                    .is_some_and(|w: &Word| !matches!(w.after, After::Nothing))
            {
                continue;
            }
            words.push(Word {
                fragments: std::mem::take(&mut current),
                after,
            });
        }
    }
    if !current.is_empty() {
        words.push(Word {
            fragments: current,
            after: After::Nothing,
        });
    }
    words
}

struct Filler {
    max: f32,
    lines: Vec<Line>,
    line: Line,
}

impl Filler {
    fn push(&mut self, style: Style, text: &str, width: f32) {
        let x = self.line.width;
        match self.line.pieces.last_mut() {
            Some(last) if last.style == style => {
                last.text.push_str(text);
                last.width += width;
            }
            _ => self.line.pieces.push(Placed {
                style,
                text: text.to_owned(),
                x,
                width,
            }),
        }
        self.line.width += width;
    }

    fn flush(&mut self) {
        self.lines.push(std::mem::take(&mut self.line));
    }

    fn room(&self) -> f32 {
        self.max - self.line.width
    }
}

/// Breaks `spans` into lines no wider than `max` points (except a single character wider
/// than the whole line, which has nowhere else to go).
pub(crate) fn break_lines(spans: &[Span], max: f32) -> Vec<Line> {
    const EPSILON: f32 = 0.01;
    let mut f = Filler {
        max,
        lines: Vec::new(),
        line: Line::default(),
    };
    let mut pending_space: Option<Style> = None;
    for word in words(spans) {
        let width: f32 = word
            .fragments
            .iter()
            .map(|(s, t)| fonts::width(s.face, t, s.size))
            .sum();
        let space = match (pending_space, f.line.pieces.is_empty()) {
            (Some(s), false) => fonts::width(s.face, " ", s.size),
            _ => 0.0,
        };
        if !word.fragments.is_empty() {
            if space + width > f.room() + EPSILON && !f.line.pieces.is_empty() {
                f.flush();
            } else if let (Some(s), false) = (pending_space, f.line.pieces.is_empty()) {
                f.push(s, " ", space);
            }
            if width <= f.room() + EPSILON {
                for (style, text) in &word.fragments {
                    f.push(*style, text, fonts::width(style.face, text, style.size));
                }
            } else {
                for (style, text) in &word.fragments {
                    for c in text.chars() {
                        let w = fonts::glyph(style.face, c).1 * style.size;
                        if w > f.room() + EPSILON && !f.line.pieces.is_empty() {
                            f.flush();
                        }
                        f.push(*style, c.encode_utf8(&mut [0; 4]), w);
                    }
                }
            }
        }
        pending_space = None;
        match word.after {
            After::Nothing => {}
            After::Space(s) => pending_space = Some(s),
            After::NewLine => f.flush(),
        }
    }
    if !f.line.pieces.is_empty() {
        f.flush();
    }
    f.lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(face: Face) -> Style {
        Style {
            face,
            size: 10.0,
            colour: Colour(0, 0, 0),
            missing: false,
        }
    }

    fn plain(text: &str) -> Vec<Span> {
        vec![Span {
            style: style(Face::Regular),
            text: text.to_owned(),
        }]
    }

    #[test]
    fn lines_never_exceed_the_width_and_keep_every_word() {
        let text =
            "Société alsacienne de torréfaction et Caisse d’Épargne Grand Est Europe ".repeat(20);
        let lines = break_lines(&plain(&text), 200.0);
        assert!(lines.len() > 10);
        for l in &lines {
            assert!(l.width <= 200.01, "{} is {} wide", l.text(), l.width);
            assert!(!l.text().starts_with(' ') && !l.text().ends_with(' '));
        }
        let joined: Vec<String> = lines.iter().map(Line::text).collect();
        assert_eq!(joined.join(" "), text.trim_end());
    }

    #[test]
    fn no_break_spaces_hold_figures_together() {
        let text = "Montant versé : 12\u{a0}500\u{a0}€ et objectif\u{202f}: 3";
        for max in [40.0, 60.0, 80.0, 120.0] {
            for l in break_lines(&plain(text), max) {
                let t = l.text();
                assert!(
                    !t.starts_with('\u{a0}') && !t.starts_with('\u{202f}'),
                    "{t:?}"
                );
                assert!(
                    !t.ends_with("12") || t.contains('€') || max < 50.0,
                    "{t:?} at {max}"
                );
            }
        }
        let lines = break_lines(&plain(text), 75.0);
        assert!(
            lines
                .iter()
                .any(|l| l.text().contains("12\u{a0}500\u{a0}€"))
        );
    }

    #[test]
    fn a_word_longer_than_the_line_is_broken_hard() {
        let word = "Anticonstitutionnellement".repeat(6);
        let lines = break_lines(&plain(&format!("Voir {word} ici")), 100.0);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| l.width <= 100.01));
        let all: String = lines.iter().map(Line::text).collect();
        assert_eq!(all.replace(' ', ""), format!("Voir{word}ici"));
    }

    #[test]
    fn styles_change_inside_a_line_and_new_lines_are_kept() {
        let spans = vec![
            Span {
                style: style(Face::Bold),
                text: "Nom :".into(),
            },
            Span {
                style: style(Face::Regular),
                text: " Dupont\nsuite".into(),
            },
        ];
        let lines = break_lines(&spans, 400.0);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].pieces.len(), 2);
        assert_eq!(lines[0].pieces[1].text, " Dupont");
        assert!(lines[0].pieces[1].x > 0.0);
        assert_eq!(lines[1].text(), "suite");
    }
}
