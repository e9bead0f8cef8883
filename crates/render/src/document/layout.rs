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
use super::{Block, Document, Inline, Table, typography};
use crate::style;

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

/// A cell (or a fact's label or value): its lines and where they go across.
struct Cell {
    lines: Vec<Line>,
    x: f32,
    w: f32,
    align: Align,
    lh: f32,
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

    /// Rows of cells, each row kept whole on a page when it fits one, with `header` drawn at
    /// the top of the table and again on every page the table continues on.
    fn rows(&mut self, header: Option<&[Cell]>, rows: Vec<Vec<Cell>>, rule: Colour) {
        let header_h = header.map_or(0.0, row_height);
        if let Some(h) = header {
            let first = rows
                .first()
                .map_or(0.0, |r| row_height(r).min(BOTTOM - TOP - header_h));
            self.ensure(header_h + first);
            self.header(h);
        }
        for mut row in rows {
            let mut fresh_page = self.y <= TOP + header_h + 0.01;
            loop {
                let h = row_height(&row);
                if self.y + h <= BOTTOM + 0.01 {
                    self.cells(&row, h, rule);
                    self.y += h;
                    break;
                }
                if !fresh_page {
                    self.new_page();
                    if let Some(hd) = header {
                        self.header(hd);
                    }
                    fresh_page = true;
                    continue;
                }
                // Taller than a page: what fits here, the rest on the next page.
                let room = BOTTOM - self.y - 2.0 * CELL_PAD_Y;
                let rest: Vec<Cell> = row
                    .iter_mut()
                    .map(|c| {
                        let keep = ((room / c.lh).floor() as usize).max(1).min(c.lines.len());
                        let tail = c.lines.split_off(keep);
                        Cell {
                            lines: tail,
                            x: c.x,
                            w: c.w,
                            align: c.align,
                            lh: c.lh,
                        }
                    })
                    .collect();
                let h = row_height(&row);
                self.cells(&row, h, rule);
                self.y += h;
                row = rest;
                self.new_page();
                if let Some(hd) = header {
                    self.header(hd);
                }
            }
        }
    }

    fn header(&mut self, cells: &[Cell]) {
        let h = row_height(cells);
        let y = self.y;
        self.page().push(Item::Box {
            x: LEFT,
            y,
            w: WIDTH,
            h,
            colour: Colour(0xF0, 0xF2, 0xF5),
        });
        self.cells(cells, h, ink());
        self.y += h;
    }

    fn cells(&mut self, cells: &[Cell], h: f32, rule: Colour) {
        let top = self.y;
        for c in cells {
            self.y = top + CELL_PAD_Y;
            for line in &c.lines {
                self.line(
                    line,
                    c.x + CELL_PAD_X,
                    c.w - 2.0 * CELL_PAD_X,
                    c.align,
                    c.lh,
                );
                self.y += c.lh;
            }
        }
        self.y = top;
        let y = top + h;
        self.page().push(Item::Rule {
            x1: LEFT,
            y1: y,
            x2: RIGHT,
            y2: y,
            width: 0.5,
            colour: rule,
        });
    }

    fn table(&mut self, t: &Table) {
        let missing = self.doc.labels.missing.clone();
        let cols = t
            .headers
            .len()
            .max(t.rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let widths = column_widths(&t.widths, cols);
        let mut xs = Vec::with_capacity(cols);
        let mut x = LEFT;
        for w in &widths {
            xs.push(x);
            x += w;
        }
        let align = |i: usize| {
            if t.numeric.get(i).copied().unwrap_or(false) {
                Align::Right
            } else {
                Align::Left
            }
        };
        let lh = size::TABLE * 1.3;
        let cell = |i: usize, spans: Vec<Span>| Cell {
            lines: break_lines(&spans, widths[i] - 2.0 * CELL_PAD_X),
            x: xs[i],
            w: widths[i],
            align: align(i),
            lh,
        };
        if let Some(caption) = &t.caption {
            let lines = break_lines(
                &plain(caption, text_style(Face::Bold, size::SMALL + 1.0, muted())),
                WIDTH,
            );
            self.ensure(lines.len() as f32 * lh + 3.0 * lh);
            self.flow(&lines, LEFT, WIDTH, Align::Left, lh);
            self.y += 2.0;
        }
        let header: Vec<Cell> = (0..cols)
            .map(|i| {
                let text = t.headers.get(i).map_or("", String::as_str);
                cell(i, plain(text, text_style(Face::Bold, size::TABLE, ink())))
            })
            .collect();
        let rows: Vec<Vec<Cell>> = t
            .rows
            .iter()
            .map(|r| {
                (0..cols)
                    .map(|i| {
                        cell(
                            i,
                            spans(
                                r.get(i).map_or(&[][..], Vec::as_slice),
                                size::TABLE,
                                &missing,
                            ),
                        )
                    })
                    .collect()
            })
            .collect();
        let header = (!t.headers.is_empty()).then_some(header);
        self.rows(header.as_deref(), rows, Colour::hex(style::RULE));
        self.y += PARAGRAPH_GAP + 4.0;
    }

    fn facts(&mut self, facts: &[super::Fact]) {
        let label_w = WIDTH * FACT_LABEL_SHARE;
        let lh = size::BODY * LEADING;
        let rows = facts
            .iter()
            .map(|f| {
                vec![
                    Cell {
                        lines: break_lines(
                            &plain(&f.label, text_style(Face::Bold, size::BODY, muted())),
                            label_w - 2.0 * CELL_PAD_X,
                        ),
                        x: LEFT,
                        w: label_w,
                        align: Align::Left,
                        lh,
                    },
                    Cell {
                        lines: break_lines(
                            &spans(&f.value, size::BODY, &self.doc.labels.missing),
                            WIDTH - label_w - 2.0 * CELL_PAD_X,
                        ),
                        x: LEFT + label_w,
                        w: WIDTH - label_w,
                        align: Align::Left,
                        lh,
                    },
                ]
            })
            .collect();
        self.rows(None, rows, Colour::hex(style::RULE));
        self.y += PARAGRAPH_GAP + 4.0;
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

fn row_height(cells: &[Cell]) -> f32 {
    cells
        .iter()
        .map(|c| c.lines.len().max(1) as f32 * c.lh)
        .fold(0.0, f32::max)
        + 2.0 * CELL_PAD_Y
}

/// Column widths in points: the table's shares when there is one per column and they are
/// positive, equal shares otherwise.
fn column_widths(shares: &[f32], cols: usize) -> Vec<f32> {
    let valid = shares.len() == cols && shares.iter().all(|s| s.is_finite() && *s > 0.0);
    if !valid {
        return vec![WIDTH / cols as f32; cols];
    }
    let total: f32 = shares.iter().sum();
    shares.iter().map(|s| WIDTH * s / total).collect()
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
