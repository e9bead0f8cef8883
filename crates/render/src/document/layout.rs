//! Page layout of the PDF, independent of the PDF library: a [`Document`] in, pages of
//! positioned text, rules, boxes and pictures out ([`Item`]). [`super::pdf`] only draws them.
//!
//! A4 portrait, 20 mm margins, one type scale and the colours of [`crate::style`]. Text flows
//! line by line onto new pages; a heading keeps company with the lines after it; a table row
//! that does not fit moves to the next page under a repeated header, and a row taller than a
//! page is split between lines rather than lost; a picture takes the text width, keeps its
//! proportions, moves to the next page when it does not fit and shrinks when it is taller
//! than a page. The footer is laid last, once the number of pages is known.

use super::fonts::Face;
use super::lines::{Colour, Line, Span, Style, break_lines};
use super::{Block, Document, Inline, typography};
use crate::style;

mod tables;

pub(crate) const PAGE_WIDTH: f32 = 595.28;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.7;
const LEFT: f32 = MARGIN;
const RIGHT: f32 = PAGE_WIDTH - MARGIN;
const TOP: f32 = MARGIN;
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN;
const WIDTH: f32 = RIGHT - LEFT;
const FOOTER_BASELINE: f32 = PAGE_HEIGHT - 30.0;

/// The type scale, in points.
mod size {
    pub const TITLE: f32 = 20.0;
    pub const SUBTITLE: f32 = 12.5;
    pub const H1: f32 = 15.0;
    pub const H2: f32 = 12.5;
    pub const H3: f32 = 11.0;
    pub const BODY: f32 = 10.0;
    pub const TABLE: f32 = 9.0;
    pub const SMALL: f32 = 8.0;
}

const LEADING: f32 = 1.38;
const PARAGRAPH_GAP: f32 = 6.0;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.0;
const BULLET_INDENT: f32 = 14.0;
const FACT_LABEL_SHARE: f32 = 0.34;

/// Something to draw, in points from the page's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: String,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        colour: Colour,
    },
    Box {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
    /// The document's `index`-th picture.
    Picture {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        index: usize,
    },
}

/// A heading, for the PDF outline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mark {
    pub level: u8,
    pub text: String,
    pub page: usize,
    pub y: f32,
}

#[derive(Debug, Default)]
pub(crate) struct Laid {
    pub pages: Vec<Vec<Item>>,
    pub marks: Vec<Mark>,
}

fn ink() -> Colour {
    Colour::hex(style::INK)
}
fn muted() -> Colour {
    Colour::hex(style::MUTED)
}
fn accent() -> Colour {
    Colour::hex(style::okabe_ito::BLUE)
}

fn text_style(face: Face, size: f32, colour: Colour) -> Style {
    Style {
        face,
        size,
        colour,
        missing: false,
    }
}

/// The spans of a paragraph's runs at `size`, `Missing` as the label in grey italics.
fn spans(inlines: &[Inline], size: f32, missing: &str) -> Vec<Span> {
    inlines
        .iter()
        .map(|inline| match inline {
            Inline::Text(t) => Span {
                style: text_style(Face::Regular, size, ink()),
                text: t.clone(),
            },
            Inline::Strong(t) => Span {
                style: text_style(Face::Bold, size, ink()),
                text: t.clone(),
            },
            Inline::Emphasis(t) => Span {
                style: text_style(Face::Oblique, size, ink()),
                text: t.clone(),
            },
            Inline::Missing => Span {
                style: Style {
                    face: Face::Oblique,
                    size,
                    colour: muted(),
                    missing: true,
                },
                text: missing.to_owned(),
            },
        })
        .collect()
}

fn plain(text: &str, style: Style) -> Vec<Span> {
    vec![Span {
        style,
        text: text.to_owned(),
    }]
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
    Centre,
}

struct Pager<'a> {
    doc: &'a Document,
    laid: Laid,
    y: f32,
    pictures: usize,
}

impl<'a> Pager<'a> {
    fn page(&mut self) -> &mut Vec<Item> {
        if self.laid.pages.is_empty() {
            self.new_page();
        }
        let last = self.laid.pages.len() - 1;
        &mut self.laid.pages[last]
    }

    fn new_page(&mut self) {
        self.laid.pages.push(Vec::new());
        self.y = TOP;
    }

    fn at_top(&self) -> bool {
        self.y <= TOP + 0.01
    }

    /// Moves to a new page unless `h` points still fit on this one (or it is fresh).
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM + 0.01 && !self.at_top() {
            self.new_page();
        }
    }

    fn line(&mut self, line: &Line, x: f32, w: f32, align: Align, lh: f32) {
        let size = line.pieces.iter().map(|p| p.style.size).fold(0.0, f32::max);
        let baseline = self.y + (lh - size) / 2.0 + size * 0.8;
        let dx = match align {
            Align::Left => 0.0,
            Align::Right => (w - line.width).max(0.0),
            Align::Centre => ((w - line.width) / 2.0).max(0.0),
        };
        for p in &line.pieces {
            let px = x + dx + p.x;
            if p.style.missing {
                let (pad, s) = (1.5, p.style.size);
                self.page().push(Item::Box {
                    x: px - pad,
                    y: baseline - s * 0.85,
                    w: p.width + 2.0 * pad,
                    h: s * 1.15,
                    colour: Colour(0xEE, 0xEE, 0xEE),
                });
            }
            self.page().push(Item::Text {
                x: px,
                y: baseline,
                style: p.style,
                text: p.text.clone(),
            });
        }
    }

    /// Lines flowing from the cursor, onto new pages as needed.
    fn flow(&mut self, lines: &[Line], x: f32, w: f32, align: Align, lh: f32) {
        for line in lines {
            self.ensure(lh);
            self.line(line, x, w, align, lh);
            self.y += lh;
        }
    }

    fn title_block(&mut self) {
        let doc = self.doc;
        let title = break_lines(
            &plain(&doc.title, text_style(Face::Bold, size::TITLE, ink())),
            WIDTH,
        );
        self.flow(&title, LEFT, WIDTH, Align::Left, size::TITLE * 1.25);
        if let Some(sub) = &doc.subtitle {
            self.y += 2.0;
            let lines = break_lines(
                &plain(sub, text_style(Face::Regular, size::SUBTITLE, muted())),
                WIDTH,
            );
            self.flow(&lines, LEFT, WIDTH, Align::Left, size::SUBTITLE * LEADING);
        }
        let issued = typography::issued(doc);
        let lines = break_lines(
            &plain(&issued, text_style(Face::Regular, size::SMALL, muted())),
            WIDTH,
        );
        self.y += 2.0;
        self.flow(&lines, LEFT, WIDTH, Align::Left, size::SMALL * LEADING);
        self.y += 4.0;
        let y = self.y;
        self.page().push(Item::Rule {
            x1: LEFT,
            y1: y,
            x2: RIGHT,
            y2: y,
            width: 1.5,
            colour: accent(),
        });
        self.y += 14.0;
    }

    fn heading(&mut self, level: u8, text: &str) {
        let (sz, before, colour) = match level {
            0 | 1 => (size::H1, 14.0, ink()),
            2 => (size::H2, 10.0, ink()),
            _ => (size::H3, 8.0, muted()),
        };
        let lines = break_lines(&plain(text, text_style(Face::Bold, sz, colour)), WIDTH);
        let lh = sz * 1.25;
        let rule = if level <= 1 { 4.0 } else { 0.0 };
        // Kept with at least two lines of what follows.
        let needed = before + lines.len() as f32 * lh + rule + 2.0 * size::BODY * LEADING;
        self.ensure(needed);
        if !self.at_top() {
            self.y += before;
        }
        self.laid.marks.push(Mark {
            level: level.clamp(1, 3),
            text: text.to_owned(),
            page: self.laid.pages.len().saturating_sub(1),
            y: self.y,
        });
        self.flow(&lines, LEFT, WIDTH, Align::Left, lh);
        if rule > 0.0 {
            let y = self.y + 1.0;
            self.page().push(Item::Rule {
                x1: LEFT,
                y1: y,
                x2: RIGHT,
                y2: y,
                width: 0.75,
                colour: accent(),
            });
            self.y += rule;
        }
        self.y += 3.0;
    }

    fn paragraph(&mut self, inlines: &[Inline]) {
        let lines = break_lines(&spans(inlines, size::BODY, &self.doc.labels.missing), WIDTH);
        self.flow(&lines, LEFT, WIDTH, Align::Left, size::BODY * LEADING);
        self.y += PARAGRAPH_GAP;
    }

    fn bullets(&mut self, items: &[Vec<Inline>]) {
        let lh = size::BODY * LEADING;
        let bullet = break_lines(
            &plain(
                "•",
                text_style(
                    Face::Regular,
                    size::BODY,
                    Colour::hex(style::okabe_ito::BLUE),
                ),
            ),
            WIDTH,
        );
        for item in items {
            let lines = break_lines(
                &spans(item, size::BODY, &self.doc.labels.missing),
                WIDTH - BULLET_INDENT,
            );
            self.ensure(lh);
            if let Some(b) = bullet.first() {
                self.line(b, LEFT + 3.0, WIDTH, Align::Left, lh);
            }
            self.flow(
                &lines,
                LEFT + BULLET_INDENT,
                WIDTH - BULLET_INDENT,
                Align::Left,
                lh,
            );
            self.y += 2.0;
        }
        self.y += PARAGRAPH_GAP - 2.0;
    }

    fn picture(&mut self, size: (f32, f32), caption: &str) {
        self.pictures += 1;
        let caption = typography::figure_caption(self.doc, self.pictures, caption);
        let lh = size::SMALL * LEADING;
        let lines = break_lines(
            &plain(
                &caption,
                text_style(Face::Oblique, size::SMALL + 0.5, muted()),
            ),
            WIDTH,
        );
        let caption_h = lines.len() as f32 * lh + 4.0;
        let (pw, ph) = (size.0.max(1.0), size.1.max(1.0));
        let mut w = WIDTH;
        let mut h = w * ph / pw;
        let max_h = BOTTOM - TOP - caption_h;
        if h > max_h {
            w *= max_h / h;
            h = max_h;
        }
        self.ensure(h + caption_h);
        let x = LEFT + (WIDTH - w) / 2.0;
        let y = self.y;
        let index = self.pictures - 1;
        self.page().push(Item::Picture { x, y, w, h, index });
        self.y += h + 4.0;
        self.flow(&lines, LEFT, WIDTH, Align::Centre, lh);
        self.y += PARAGRAPH_GAP + 4.0;
    }

    fn footer(&mut self) {
        let pages = self.laid.pages.len();
        let small = text_style(Face::Regular, size::SMALL, muted());
        for (i, page) in self.laid.pages.iter_mut().enumerate() {
            let text = typography::footer(self.doc, i + 1, pages);
            let lines = break_lines(&plain(&text, small), WIDTH);
            let Some(line) = lines.first() else { continue };
            let y = FOOTER_BASELINE - 10.0;
            page.push(Item::Rule {
                x1: LEFT,
                y1: y,
                x2: RIGHT,
                y2: y,
                width: 0.5,
                colour: Colour::hex(style::RULE),
            });
            let x = LEFT + ((WIDTH - line.width) / 2.0).max(0.0);
            for p in &line.pieces {
                page.push(Item::Text {
                    x: x + p.x,
                    y: FOOTER_BASELINE,
                    style: p.style,
                    text: p.text.clone(),
                });
            }
        }
    }
}

/// Lays `doc` out; `pictures` gives the natural size (width, height) of each picture in
/// reading order.
pub(crate) fn lay_out(doc: &Document, pictures: &[(f32, f32)]) -> Laid {
    let mut p = Pager {
        doc,
        laid: Laid::default(),
        y: TOP,
        pictures: 0,
    };
    p.new_page();
    p.title_block();
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => p.heading(*level, text),
            Block::Paragraph(inlines) => p.paragraph(inlines),
            Block::Bullets(items) => p.bullets(items),
            Block::Facts(facts) => p.facts(facts),
            Block::Table(t) => p.table(t),
            Block::Picture(pic) => {
                let size = pictures.get(p.pictures).copied().unwrap_or((4.0, 3.0));
                p.picture(size, &pic.caption);
            }
            Block::PageBreak => {
                if !p.at_top() {
                    p.new_page();
                }
            }
        }
    }
    p.footer();
    p.laid
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Fact, Labels, Table, fonts};

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            title: "Fiche de capitalisation".to_owned(),
            subtitle: None,
            lang: "fr".to_owned(),
            issued_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"),
            labels: Labels {
                missing: "à compléter".to_owned(),
                issued: "Édité le {date}".to_owned(),
                page: "Page {page} sur {pages}".to_owned(),
                figure: "Figure".to_owned(),
            },
            blocks,
        }
    }

    fn picture() -> Block {
        Block::Picture(super::super::Picture {
            svg: String::new(),
            caption: "Carte".to_owned(),
            alt: "Carte".to_owned(),
        })
    }

    #[test]
    fn everything_stays_inside_the_margins() {
        let long = "Anticonstitutionnellement".repeat(12);
        let text = Inline::text(format!("{} {long} fin", "mot ".repeat(900)));
        let blocks = vec![
            Block::Heading {
                level: 1,
                text: "Identité".to_owned(),
            },
            Block::Facts(vec![Fact {
                label: "Entreprise".to_owned(),
                value: vec![Inline::Missing],
            }]),
            Block::Paragraph(vec![text.clone()]),
            Block::Bullets(vec![vec![text.clone()], vec![Inline::Missing]]),
            Block::Table(Table {
                headers: vec!["Année".to_owned(), "Récit".to_owned(), "Montant".to_owned()],
                rows: (0..60)
                    .map(|i| {
                        vec![
                            vec![Inline::text(i.to_string())],
                            vec![text.clone()],
                            vec![Inline::text("12\u{a0}500\u{a0}€")],
                        ]
                    })
                    .take(3)
                    .chain((0..60).map(|i| {
                        vec![
                            vec![Inline::text(i.to_string())],
                            vec![Inline::text(&long)],
                            vec![Inline::Missing],
                        ]
                    }))
                    .collect(),
                numeric: vec![true, false, true],
                widths: vec![0.15, 0.6, 0.25],
                caption: Some("Flux".to_owned()),
            }),
            picture(),
            picture(),
        ];
        let laid = lay_out(&doc(blocks), &[(100.0, 800.0), (1000.0, 100.0)]);
        assert!(laid.pages.len() > 5);
        let mut pictures = 0;
        for page in &laid.pages {
            for item in page {
                match item {
                    Item::Text { x, y, style, text } => {
                        let w = fonts::width(style.face, text, style.size);
                        assert!(
                            *x >= LEFT - 0.01 && x + w <= RIGHT + 0.5,
                            "{text:?} at {x} + {w}"
                        );
                        assert!(
                            *y >= TOP && (*y <= BOTTOM || *y == FOOTER_BASELINE),
                            "{text:?} at y {y}"
                        );
                    }
                    Item::Picture { x, y, w, h, .. } => {
                        pictures += 1;
                        assert!(*x >= LEFT - 0.01 && x + w <= RIGHT + 0.01);
                        assert!(
                            *y >= TOP - 0.01 && y + h <= BOTTOM + 0.01,
                            "picture from {y} to {}",
                            y + h
                        );
                    }
                    Item::Rule { .. } | Item::Box { .. } => {}
                }
            }
        }
        assert_eq!(pictures, 2);
    }

    #[test]
    fn a_heading_is_never_the_last_line_of_a_page() {
        let para = Block::Paragraph(vec![Inline::text("ligne ".repeat(30))]);
        let mut blocks = Vec::new();
        for i in 0..40 {
            blocks.push(Block::Heading {
                level: 2,
                text: format!("Titre {i}"),
            });
            blocks.push(para.clone());
        }
        let laid = lay_out(&doc(blocks), &[]);
        for page in &laid.pages {
            let last_body = page
                .iter()
                .filter_map(|i| match i {
                    Item::Text { y, style, text, .. } if *y < FOOTER_BASELINE => {
                        Some((y, style, text))
                    }
                    _ => None,
                })
                .max_by(|a, b| a.0.total_cmp(b.0));
            if let Some((_, style, text)) = last_body {
                assert_ne!(style.face, Face::Bold, "{text:?} ends a page");
            }
        }
        assert_eq!(laid.marks.len(), 40);
    }
}
