//! Reading the spreadsheets people really have (CSV in UTF-8 or Windows-1252 with `;`, `,`
//! or tab; XLSX; ODS) into rows of strings with their line numbers, recognising French
//! column headers, and turning each row into a checked record with located, French
//! problems. Pure: no database, no network. Matching records to the registry and writing
//! them is the store's business.
//!
//! - [`read`] sniffs the format from the bytes (never from the file name) and gives a
//!   [`Table`]; an unreadable file is one [`ReadError`] saying why and where.
//! - [`fields`] maps headers onto canonical [`Field`]s (synonyms, accents and case
//!   ignored), or follows an explicit, saveable [`Mapping`].
//! - [`values`] parses French dates, numbers, postcodes, SIRET, forms of partnership…
//! - [`records`] turns a mapped row into an organisation, partnership or contact record,
//!   or into [`Problem`]s `{line, column, value, message}`.

mod csv;
pub mod fields;
mod json;
pub mod records;
mod sheet;
#[cfg(test)]
mod tests;
pub mod values;

use serde::Serialize;

pub use fields::{Field, Kind, Mapping};
pub use records::{Problem, Record, check_rows};

/// Largest file accepted, whatever its format.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Longest physical line accepted in a CSV file: a longer one means the file is not a table
/// (or has lost its line breaks), and is refused before the rest is read.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// How the file was read, for the preview ("Windows-1252, séparateur point-virgule").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum SourceFormat {
    Csv {
        encoding: Encoding,
        separator: char,
    },
    Xlsx {
        sheet: String,
    },
    Ods {
        sheet: String,
    },
    Xls {
        sheet: String,
    },
    /// The national data·inclusion schema's JSON (a list of structures).
    DataInclusionJson {
        structures: usize,
    },
}

impl SourceFormat {
    /// One French phrase describing the format.
    pub fn describe(&self) -> String {
        match self {
            SourceFormat::Csv {
                encoding,
                separator,
            } => format!(
                "CSV, encodage {}, séparateur {}",
                encoding.label(),
                separator_name(*separator)
            ),
            SourceFormat::Xlsx { sheet } => format!("classeur Excel (XLSX), feuille « {sheet} »"),
            SourceFormat::Xls { sheet } => format!("classeur Excel 97 (XLS), feuille « {sheet} »"),
            SourceFormat::Ods { sheet } => {
                format!("classeur OpenDocument (ODS), feuille « {sheet} »")
            }
            SourceFormat::DataInclusionJson { structures } => {
                format!("JSON au schéma data·inclusion, {structures} structure(s)")
            }
        }
    }
}

fn separator_name(c: char) -> &'static str {
    match c {
        ';' => "point-virgule",
        ',' => "virgule",
        '\t' => "tabulation",
        _ => "aucun (une seule colonne)",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Windows1252,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (avec BOM)",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// One data row: its cells as text and the line (CSV) or row number (spreadsheet) a
/// person sees in their tool, counting from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// A file read as a table: the header row and the data rows below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub format: SourceFormat,
    pub headers: Vec<String>,
    pub header_line: usize,
    pub rows: Vec<Row>,
    /// Cells that could not be read as a value (a formula without a cached result, an
    /// error such as `#DIV/0!`): reported against their row, the rest of the file is fine.
    pub cell_problems: Vec<Problem>,
}

impl Table {
    /// The cell of `row` in column `col`, empty when the row is shorter.
    pub fn cell<'a>(&self, row: &'a Row, col: usize) -> &'a str {
        row.cells.get(col).map(String::as_str).unwrap_or("")
    }
}

/// Why a file cannot be read at all. The message is French and says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{}", self.describe())]
pub struct ReadError {
    /// The line where the problem is, when there is one.
    pub line: Option<usize>,
    pub message: String,
}

impl ReadError {
    pub(crate) fn file(message: impl Into<String>) -> Self {
        Self {
            line: None,
            message: message.into(),
        }
    }

    pub(crate) fn at(line: usize, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            message: message.into(),
        }
    }

    fn describe(&self) -> String {
        match self.line {
            Some(line) => format!("ligne {line} : {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// Reads a whole file already in memory. The format comes from the content: a ZIP is a
/// workbook (XLSX or ODS), an OLE2 container an XLS, a list or object in JSON the
/// data·inclusion schema, anything else must be CSV text.
pub fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ReadError::file(format!(
            "fichier trop volumineux ({} Mo, au plus {} Mo) : découpez-le en plusieurs fichiers",
            bytes.len() / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return sheet::read(bytes);
    }
    if json::looks_like_json(bytes) {
        return json::read(bytes);
    }
    csv::read(bytes)
}

/// Reads a file from disk, refusing an over-long line or an over-large file before it is
/// all in memory (a 200 MB single line is refused after the first megabyte).
pub fn read_path(path: &std::path::Path) -> Result<Table, ReadError> {
    let file = std::fs::File::open(path)
        .map_err(|e| ReadError::file(format!("impossible d'ouvrir {} : {e}", path.display())))?;
    let bytes = read_bounded(file)?;
    read(&bytes)
}

/// Reads everything from `input`, stopping with an error as soon as the content exceeds
/// [`MAX_FILE_BYTES`], or a line exceeds [`MAX_LINE_BYTES`] in what looks like text.
pub fn read_bounded(mut input: impl std::io::Read) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut line_len = 0usize;
    let mut line = 1usize;
    // Workbooks and JSON (often on one line) have no lines to bound.
    let mut unlined = None;
    let mut after_cr = false;
    loop {
        let n = match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::file(format!("lecture impossible : {e}"))),
        };
        out.extend_from_slice(&chunk[..n]);
        let skip_lines = *unlined.get_or_insert_with(|| {
            out.starts_with(b"PK\x03\x04")
                || out.starts_with(b"\xD0\xCF\x11\xE0")
                || json::looks_like_json(&out)
        });
        if out.len() > MAX_FILE_BYTES {
            return Err(ReadError::file(format!(
                "fichier trop volumineux (plus de {} Mo) : découpez-le en plusieurs fichiers",
                MAX_FILE_BYTES / (1024 * 1024)
            )));
        }
        if !skip_lines {
            for &b in &chunk[..n] {
                // `\r\n`, `\n` and a lone `\r` (Excel's "CSV Macintosh") all end a line.
                if b == b'\r' || (b == b'\n' && !after_cr) {
                    line += 1;
                    line_len = 0;
                    after_cr = b == b'\r';
                } else if b == b'\n' {
                    after_cr = false;
                } else {
                    after_cr = false;
                    line_len += 1;
                    if line_len > MAX_LINE_BYTES {
                        return Err(line_too_long(line));
                    }
                }
            }
        }
    }
    Ok(out)
}

pub(crate) fn line_too_long(line: usize) -> ReadError {
    ReadError::at(
        line,
        format!(
            "ligne de plus de {} Mo : ce fichier n'est pas un tableau CSV lisible (sauts de ligne perdus ?)",
            MAX_LINE_BYTES / (1024 * 1024)
        ),
    )
}
