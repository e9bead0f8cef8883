//! Tables and facts on the page: rows of cells kept whole on a page when they fit one, the
//! header drawn again at the top of every page a table continues on, a row taller than a page
//! split between lines.

use super::{
    Align, BOTTOM, CELL_PAD_X, CELL_PAD_Y, FACT_LABEL_SHARE, Item, LEADING, LEFT, PARAGRAPH_GAP,
    Pager, RIGHT, TOP, WIDTH, ink, muted, plain, size, spans, text_style,
};
use crate::document::fonts::Face;
use crate::document::lines::{Colour, Line, Span, break_lines};
use crate::document::{Fact, Table};
use crate::style;

/// A cell (or a fact's label or value): its lines and where they go across.
struct Cell {
    lines: Vec<Line>,
    x: f32,
    w: f32,
    align: Align,
    lh: f32,
}

impl Pager<'_> {
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

    pub(super) fn table(&mut self, t: &Table) {
        let missing = self.doc.labels.missing.clone();
        let cols = t.columns();
        let widths: Vec<f32> = t.shares().iter().map(|s| WIDTH * s).collect();
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

    pub(super) fn facts(&mut self, facts: &[Fact]) {
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
}

fn row_height(cells: &[Cell]) -> f32 {
    cells
        .iter()
        .map(|c| c.lines.len().max(1) as f32 * c.lh)
        .fold(0.0, f32::max)
        + 2.0 * CELL_PAD_Y
}
