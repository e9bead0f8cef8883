//! What the DOCX and ODT writers share: the ZIP package, pictures as PNG, XML text, the
//! language tag and the page geometry (A4, 20 mm margins, like the PDF).

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::{Block, Document, DocumentError, typography};

/// Text width of an A4 page with 20 mm margins, in millimetres.
pub(crate) const TEXT_WIDTH_MM: f64 = 170.0;
/// Tallest picture, in millimetres, leaving room for its caption on the page.
pub(crate) const MAX_PICTURE_HEIGHT_MM: f64 = 220.0;

/// A ZIP being filled in memory.
pub(crate) struct Package {
    zip: ZipWriter<Cursor<Vec<u8>>>,
    format: &'static str,
}

impl Package {
    pub(crate) fn new(format: &'static str) -> Self {
        Self {
            zip: ZipWriter::new(Cursor::new(Vec::new())),
            format,
        }
    }

    fn error(&self, e: impl std::fmt::Display) -> DocumentError {
        DocumentError::Package {
            format: self.format,
            reason: e.to_string(),
        }
    }

    fn add(
        &mut self,
        name: &str,
        bytes: &[u8],
        method: CompressionMethod,
    ) -> Result<(), DocumentError> {
        let options = SimpleFileOptions::default().compression_method(method);
        self.zip
            .start_file(name, options)
            .map_err(|e| self.error(e))?;
        self.zip.write_all(bytes).map_err(|e| self.error(e))
    }

    /// A part stored as is (ODT's `mimetype` must be, so that `file` and desktops recognise
    /// the format from its first bytes).
    pub(crate) fn stored(&mut self, name: &str, bytes: &[u8]) -> Result<(), DocumentError> {
        self.add(name, bytes, CompressionMethod::Stored)
    }

    pub(crate) fn deflated(&mut self, name: &str, bytes: &[u8]) -> Result<(), DocumentError> {
        self.add(name, bytes, CompressionMethod::Deflated)
    }

    pub(crate) fn finish(self) -> Result<Vec<u8>, DocumentError> {
        let format = self.format;
        self.zip
            .finish()
            .map(Cursor::into_inner)
            .map_err(|e| DocumentError::Package {
                format,
                reason: e.to_string(),
            })
    }
}

/// A picture of the document made ready for a word processor.
pub(crate) struct Figure<'a> {
    /// 1-based, in reading order.
    pub number: usize,
    pub svg: &'a str,
    pub png: Vec<u8>,
    pub alt: &'a str,
    /// "Figure 1 : …", already in the document's typography.
    pub caption: String,
    /// Size on the page, in millimetres: the text width, or less for a tall picture.
    pub width_mm: f64,
    pub height_mm: f64,
}

/// Every picture of `doc` as PNG, in reading order; the error names the failing picture.
pub(crate) fn figures(doc: &Document) -> Result<Vec<Figure<'_>>, DocumentError> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Picture(p) => Some(p),
            _ => None,
        })
        .enumerate()
        .map(|(i, p)| {
            let png = crate::png::svg_to_png(&p.svg, 2.0).map_err(|e| DocumentError::Picture {
                caption: p.caption.clone(),
                reason: e.0,
            })?;
            let (w, h) = png_size(&png).unwrap_or((4, 3));
            let mut width_mm = TEXT_WIDTH_MM;
            let mut height_mm = width_mm * f64::from(h) / f64::from(w.max(1));
            if height_mm > MAX_PICTURE_HEIGHT_MM {
                width_mm *= MAX_PICTURE_HEIGHT_MM / height_mm;
                height_mm = MAX_PICTURE_HEIGHT_MM;
            }
            Ok(Figure {
                number: i + 1,
                svg: &p.svg,
                png,
                alt: &p.alt,
                caption: typography::figure_caption(doc, i + 1, &p.caption),
                width_mm,
                height_mm,
            })
        })
        .collect()
}

/// Width and height in pixels, from a PNG's header.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    let w = u32::from_be_bytes(png.get(16..20)?.try_into().ok()?);
    let h = u32::from_be_bytes(png.get(20..24)?.try_into().ok()?);
    (w > 0 && h > 0).then_some((w, h))
}

/// The document's language as a full tag: `fr` → `fr-FR`, `en` → `en-GB`.
pub(crate) fn language(doc: &Document) -> (String, String) {
    let lang = doc.lang.trim().replace('_', "-");
    let mut parts = lang.splitn(2, '-');
    let language = parts
        .next()
        .filter(|l| !l.is_empty())
        .unwrap_or("fr")
        .to_ascii_lowercase();
    let country = match parts.next() {
        Some(c) if !c.is_empty() => c.to_ascii_uppercase(),
        _ => match language.as_str() {
            "fr" => "FR".to_owned(),
            "en" => "GB".to_owned(),
            other => other.to_ascii_uppercase(),
        },
    };
    (language, country)
}

/// The footer's words split around the page number and the page count, so that each writer
/// can put its own fields there: ("Édité le 23/11/2026 · Page ", " sur ", "").
pub(crate) fn footer_parts(doc: &Document) -> (String, String, String) {
    let text = format!("{} · {}", typography::issued(doc), doc.labels.page);
    let (before, rest) = text.split_once("{page}").unwrap_or((&text, ""));
    let (between, after) = rest.split_once("{pages}").unwrap_or((rest, ""));
    (before.to_owned(), between.to_owned(), after.to_owned())
}

pub(crate) use crate::xml::escape;
