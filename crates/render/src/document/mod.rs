//! Documents people print or edit: one model, three writers (PDF, DOCX, ODT).
//!
//! A builder (the capitalisation sheet of a partnership, a workspace's strategy synthesis,
//! an evaluation report, a cartography) turns data into a [`Document`]; the writer for the
//! chosen [`DocFormat`] turns the document into bytes. Builders never think about pages or
//! XML, writers never think about partnerships, so the three formats always say the same
//! thing and a writer can be swapped without touching what a document contains.
//!
//! Missing data is explicit: a builder writes [`Inline::Missing`] where a field is empty and
//! every writer shows the document's `missing_label` ("à compléter") there, set apart, so a
//! reader sees what is left to fill in rather than a gap in the layout.

use chrono::NaiveDate;

mod docx;
mod fonts;
mod layout;
mod lines;
mod odt;
mod package;
mod pdf;
pub mod typography;

/// Why a document could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// A picture's SVG cannot be read or drawn; `caption` says which picture.
    #[error("picture \"{caption}\" cannot be rendered: {reason}")]
    Picture { caption: String, reason: String },
    /// The PDF library refused the document.
    #[error("PDF: {0}")]
    Pdf(String),
    /// The DOCX or ODT package (a ZIP) could not be assembled.
    #[error("{format}: {reason}")]
    Package {
        format: &'static str,
        reason: String,
    },
}

/// Writes `doc` in `format`: PDF, or DOCX / ODT to edit. Under a French `lang` the text is set
/// in French typography first (see [`typography`]), the same way in all three formats.
pub fn write(doc: &Document, format: DocFormat) -> Result<Vec<u8>, DocumentError> {
    let doc = typography::prepare(doc);
    match format {
        DocFormat::Pdf => pdf::write(&doc),
        DocFormat::Docx => docx::write(&doc),
        DocFormat::Odt => odt::write(&doc),
    }
}

/// What a document is made of, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub subtitle: Option<String>,
    /// BCP 47 tag of the text (`fr` or `en`): French typography applies under `fr`.
    pub lang: String,
    /// Date shown on the cover line and in the footer ("Édité le 23/11/2026").
    pub issued_on: NaiveDate,
    /// Footer words around the date and page numbers, from the catalogue.
    pub labels: Labels,
    pub blocks: Vec<Block>,
}

/// Words the writers themselves print, so that no writer holds a French sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    /// Shown for [`Inline::Missing`]: "à compléter".
    pub missing: String,
    /// Footer: "Édité le {date}" (the writer formats the date the document's way).
    pub issued: String,
    /// Footer: "Page {page} sur {pages}".
    pub page: String,
    /// Printed under a picture before its caption: "Figure".
    pub figure: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Level 1 to 3.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(Vec<Inline>),
    Bullets(Vec<Vec<Inline>>),
    /// Label and value pairs: an identity card, a summary of key figures.
    Facts(Vec<Fact>),
    Table(Table),
    Picture(Picture),
    PageBreak,
}

/// A run of text with one emphasis.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Strong(String),
    Emphasis(String),
    /// A field left empty: printed as the document's `missing` label.
    Missing,
}

impl Inline {
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }

    /// The text, or [`Inline::Missing`] when it is blank.
    pub fn or_missing(s: &str) -> Self {
        if s.trim().is_empty() {
            Self::Missing
        } else {
            Self::Text(s.to_owned())
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub label: String,
    pub value: Vec<Inline>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Vec<Inline>>>,
    /// Per column: figures, aligned right.
    pub numeric: Vec<bool>,
    /// Per column: share of the width, summing to 1 (equal shares when empty).
    pub widths: Vec<f32>,
    pub caption: Option<String>,
}

impl Table {
    /// Number of columns: the header's, or the widest row's when there is no header.
    pub fn columns(&self) -> usize {
        self.headers
            .len()
            .max(self.rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1)
    }

    /// Share of the width of each column, summing to 1: `widths` when it has one positive
    /// share per column (rescaled), equal shares otherwise.
    pub fn shares(&self) -> Vec<f32> {
        let cols = self.columns();
        let valid =
            self.widths.len() == cols && self.widths.iter().all(|w| w.is_finite() && *w > 0.0);
        if !valid {
            return vec![1.0 / cols as f32; cols];
        }
        let total: f32 = self.widths.iter().sum();
        self.widths.iter().map(|w| w / total).collect()
    }
}

/// An SVG picture from this crate, with the words that stand for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub svg: String,
    pub caption: String,
    /// Text alternative (also the description in DOCX and ODT).
    pub alt: String,
}

/// The formats a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocFormat {
    Pdf,
    Docx,
    Odt,
}

impl DocFormat {
    pub const ALL: [Self; 3] = [Self::Pdf, Self::Docx, Self::Odt];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Odt => "odt",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Odt => "application/vnd.oasis.opendocument.text",
        }
    }
}
