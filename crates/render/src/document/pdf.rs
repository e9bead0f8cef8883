//! The PDF engine: draws the pages [`super::layout`] made with `krilla`, pictures as vectors
//! through `krilla-svg`, text in the embedded DejaVu Sans faces (subset, with a ToUnicode map
//! so text can be searched and copied). This is the only module that knows the PDF library:
//! swapping it means rewriting this file only.

use std::sync::OnceLock;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla_svg::{SurfaceExt, SvgSettings};
use resvg::usvg;

use super::fonts::{self, Face};
use super::layout::{self, Item, Mark, PAGE_HEIGHT, PAGE_WIDTH};
use super::lines::Colour;
use super::{Block, Document, DocumentError};

/// The three faces as krilla fonts, made once per process (krilla hashes a font's bytes when
/// it is created, which is worth doing only once).
fn krilla_fonts() -> Result<&'static [Font; 3], DocumentError> {
    static FONTS: OnceLock<Option<[Font; 3]>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let [r, b, o] = Face::ALL.map(|f| Font::new(f.data().into(), 0));
            Some([r?, b?, o?])
        })
        .as_ref()
        .filter(|_| fonts::available())
        .ok_or_else(|| DocumentError::Pdf("the embedded fonts cannot be read".to_owned()))
}

fn font(fonts: &[Font; 3], face: Face) -> Font {
    match face {
        Face::Regular => fonts[0].clone(),
        Face::Bold => fonts[1].clone(),
        Face::Oblique => fonts[2].clone(),
    }
}

/// Parses every picture of `doc`, in reading order; the error names the failing picture.
pub(crate) fn pictures(doc: &Document) -> Result<Vec<usvg::Tree>, DocumentError> {
    let opt = crate::png::usvg_options();
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Picture(p) => Some(p),
            _ => None,
        })
        .map(|p| {
            usvg::Tree::from_str(&p.svg, &opt).map_err(|e| DocumentError::Picture {
                caption: p.caption.clone(),
                reason: e.to_string(),
            })
        })
        .collect()
}

pub(crate) fn write(doc: &Document) -> Result<Vec<u8>, DocumentError> {
    let fonts = krilla_fonts()?;
    let trees = pictures(doc)?;
    let sizes: Vec<(f32, f32)> = trees
        .iter()
        .map(|t| (t.size().width(), t.size().height()))
        .collect();
    let laid = layout::lay_out(doc, &sizes);

    let mut pdf = krilla::Document::new();
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| DocumentError::Pdf("page size".to_owned()))?;
    for items in &laid.pages {
        let mut page = pdf.start_page_with(settings.clone());
        let mut surface = page.surface();
        for item in items {
            draw(&mut surface, item, fonts, &trees, doc)?;
        }
        surface.finish();
        page.finish();
    }
    pdf.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .language(doc.lang.clone())
            .creator("Part'Innov".to_owned()),
    );
    pdf.set_outline(outline(&laid.marks));
    pdf.finish().map_err(|e| DocumentError::Pdf(e.to_string()))
}

fn paint(c: Colour) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

fn draw(
    surface: &mut Surface<'_>,
    item: &Item,
    fonts: &[Font; 3],
    trees: &[usvg::Tree],
    doc: &Document,
) -> Result<(), DocumentError> {
    match item {
        Item::Text { x, y, style, text } => {
            let glyphs: Vec<KrillaGlyph> = text
                .char_indices()
                .map(|(i, c)| {
                    let (id, advance) = fonts::glyph(style.face, c);
                    KrillaGlyph::new(
                        GlyphId::new(u32::from(id)),
                        advance,
                        0.0,
                        0.0,
                        0.0,
                        i..i + c.len_utf8(),
                        None,
                    )
                })
                .collect();
            surface.set_stroke(None);
            surface.set_fill(Some(Fill {
                paint: paint(style.colour),
                opacity: NormalizedF32::ONE,
                rule: Default::default(),
            }));
            surface.draw_glyphs(
                Point::from_xy(*x, *y),
                &glyphs,
                font(fonts, style.face),
                text,
                style.size,
                false,
            );
        }
        Item::Rule {
            x1,
            y1,
            x2,
            y2,
            width,
            colour,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y1);
            pb.line_to(*x2, *y2);
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: paint(*colour),
                    width: *width,
                    ..Default::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Item::Box { x, y, w, h, colour } => {
            let mut pb = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                pb.push_rect(rect);
            }
            if let Some(path) = pb.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(Fill {
                    paint: paint(*colour),
                    opacity: NormalizedF32::ONE,
                    rule: Default::default(),
                }));
                surface.draw_path(&path);
            }
        }
        Item::Picture { x, y, w, h, index } => {
            let failed = || DocumentError::Picture {
                caption: picture_caption(doc, *index),
                reason: "it cannot be drawn".to_owned(),
            };
            let tree = trees.get(*index).ok_or_else(failed)?;
            let size = Size::from_wh(*w, *h).ok_or_else(failed)?;
            surface.push_transform(&Transform::from_translate(*x, *y));
            let drawn = surface.draw_svg(tree, size, SvgSettings::default());
            surface.pop();
            drawn.ok_or_else(failed)?;
        }
    }
    Ok(())
}

fn picture_caption(doc: &Document, index: usize) -> String {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Picture(p) => Some(p.caption.clone()),
            _ => None,
        })
        .nth(index)
        .unwrap_or_default()
}

/// The headings as a nested outline: a level-2 heading under the level-1 before it, and so on.
fn outline(marks: &[Mark]) -> Outline {
    fn node(m: &Mark) -> OutlineNode {
        OutlineNode::new(
            m.text.clone(),
            krilla::destination::XyzDestination::new(m.page, Point::from_xy(0.0, m.y)),
        )
    }
    fn children(marks: &[Mark], i: &mut usize, level: u8) -> Vec<OutlineNode> {
        let mut out = Vec::new();
        while let Some(m) = marks.get(*i) {
            if m.level < level {
                break;
            }
            *i += 1;
            let mut n = node(m);
            for c in children(marks, i, m.level + 1) {
                n.push_child(c);
            }
            out.push(n);
        }
        out
    }
    let mut outline = Outline::new();
    let mut i = 0;
    while i < marks.len() {
        let level = marks[i].level;
        for n in children(marks, &mut i, level) {
            outline.push_child(n);
        }
    }
    outline
}
