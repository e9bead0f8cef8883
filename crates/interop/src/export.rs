//! Tables out: CSV (plain UTF-8, or the "Excel français" flavour with `;`, a BOM, decimal
//! commas and dd/mm/yyyy dates), XLSX with typed cells and a frozen header row, and JSON.
//!
//! Callers build a [`Sheet`] (columns with a stable key and a header in the reader's
//! language, rows of typed [`Cell`]s) from whatever they may show; this module only writes
//! bytes. Amounts are integer cents all the way: never a float until the spreadsheet cell.

use chrono::{Datelike, NaiveDate};
use serde_json::{Map, Value};

/// One value of a table, typed so each format can write it the way its readers expect.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// An amount in euro cents.
    Cents(i64),
    Date(NaiveDate),
    Bool(bool),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::from(s.to_owned())
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

impl From<i32> for Cell {
    fn from(n: i32) -> Self {
        Cell::Int(n.into())
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Self {
        Cell::Date(d)
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Self {
        Cell::Bool(b)
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    /// Stable machine name: the JSON key.
    pub key: String,
    /// Header shown to people (CSV first line, XLSX first row).
    pub header: String,
}

/// A table ready to be written. `name` becomes the XLSX sheet name and the file stem.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(name: impl Into<String>) -> Self {
        Sheet {
            name: name.into(),
            columns: Vec::new(),
            rows: Vec::new(),
        }
    }

    pub fn column(mut self, key: &str, header: &str) -> Self {
        self.columns.push(Column {
            key: key.to_owned(),
            header: header.to_owned(),
        });
        self
    }

    /// Adds a row; panics in debug builds only if its width is wrong (a programming error).
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "row width of {}", self.name);
        self.rows.push(row);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// UTF-8 without BOM, `,`, ISO dates, decimal point.
    Csv,
    /// What French Excel opens with a double click: BOM, `;`, dd/mm/yyyy, decimal comma.
    CsvExcel,
    Xlsx,
    Json,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Csv, Format::CsvExcel, Format::Xlsx, Format::Json];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::CsvExcel => "csv-excel",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv | Format::CsvExcel => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv | Format::CsvExcel => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Json => "application/json",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("écriture CSV impossible : {0}")]
    Csv(#[from] csv::Error),
    #[error("écriture XLSX impossible : {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("écriture JSON impossible : {0}")]
    Json(#[from] serde_json::Error),
}

/// Writes one sheet in `format`.
pub fn write(sheet: &Sheet, format: Format) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Csv => csv_bytes(sheet, b',', false),
        Format::CsvExcel => csv_bytes(sheet, b';', true),
        Format::Xlsx => xlsx_bytes(std::slice::from_ref(sheet)),
        Format::Json => Ok(serde_json::to_vec_pretty(&json_rows(sheet))?),
    }
}

/// Several sheets in one workbook (XLSX) or one JSON object keyed by sheet name.
pub fn write_book(sheets: &[Sheet], format: Format) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Xlsx => xlsx_bytes(sheets),
        Format::Json => {
            let map: Map<String, Value> = sheets
                .iter()
                .map(|s| (s.name.clone(), json_rows(s)))
                .collect();
            Ok(serde_json::to_vec_pretty(&Value::Object(map))?)
        }
        Format::Csv | Format::CsvExcel => {
            // CSV holds one table: the sheets follow one another, each with its name and
            // header, separated by an empty line. Readers that want one table ask for it.
            let mut out = Vec::new();
            for (i, s) in sheets.iter().enumerate() {
                let bytes = write(s, format)?;
                let body = if i > 0 && format == Format::CsvExcel {
                    &bytes[BOM.len()..]
                } else {
                    &bytes[..]
                };
                if i > 0 {
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(body);
            }
            Ok(out)
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn csv_bytes(sheet: &Sheet, delimiter: u8, excel: bool) -> Result<Vec<u8>, ExportError> {
    let mut buf = Vec::new();
    if excel {
        buf.extend_from_slice(BOM);
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(buf);
    w.write_record(sheet.columns.iter().map(|c| c.header.as_str()))?;
    for row in &sheet.rows {
        w.write_record(row.iter().map(|c| csv_text(c, excel)))?;
    }
    w.flush().map_err(csv::Error::from)?;
    Ok(w.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?)
}

fn csv_text(cell: &Cell, excel: bool) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => formula_safe(s),
        Cell::Int(n) => n.to_string(),
        Cell::Cents(c) => {
            let s = cents_text(*c);
            if excel { s.replace('.', ",") } else { s }
        }
        Cell::Date(d) if excel => d.format("%d/%m/%Y").to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Bool(b) => if *b { "oui" } else { "non" }.to_owned(),
    }
}

/// A text starting with `=`, `+`, `-` or `@` would run as a formula when a spreadsheet
/// opens the CSV (CSV injection); a leading apostrophe keeps it text. Numbers such as
/// "-12" never reach here as text.
fn formula_safe(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

/// `123456` → `"1234.56"`, `-5` → `"-0.05"`.
pub fn cents_text(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

fn json_rows(sheet: &Sheet) -> Value {
    Value::Array(
        sheet
            .rows
            .iter()
            .map(|row| {
                let obj: Map<String, Value> = sheet
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(col, cell)| (col.key.clone(), json_value(cell)))
                    .collect();
                Value::Object(obj)
            })
            .collect(),
    )
}

fn json_value(cell: &Cell) -> Value {
    match cell {
        Cell::Empty => Value::Null,
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Int(n) => Value::from(*n),
        // A string, so no reader turns 0.1 + 0.2 into a rounding error.
        Cell::Cents(c) => Value::String(cents_text(*c)),
        Cell::Date(d) => Value::String(d.format("%Y-%m-%d").to_string()),
        Cell::Bool(b) => Value::Bool(*b),
    }
}

fn xlsx_bytes(sheets: &[Sheet]) -> Result<Vec<u8>, ExportError> {
    use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, FormatBorder, Workbook};
    let mut book = Workbook::new();
    let header = XFormat::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let date = XFormat::new().set_num_format("dd/mm/yyyy");
    let euros = XFormat::new().set_num_format("#,##0.00\\ \"€\"");
    let mut used = Vec::new();
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&sheet.name, &mut used))?;
        for (c, col) in sheet.columns.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            ws.write_string_with_format(0, c, &col.header, &header)?;
            ws.set_column_width(
                c,
                (col.header.chars().count() as f64 + 4.0).clamp(10.0, 40.0),
            )?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                match cell {
                    Cell::Empty => {}
                    // write_string never interprets a leading `=`: no formula injection.
                    Cell::Text(s) => {
                        ws.write_string(r, c, s)?;
                    }
                    Cell::Int(n) => {
                        ws.write_number(r, c, *n as f64)?;
                    }
                    Cell::Cents(n) => {
                        ws.write_number_with_format(r, c, *n as f64 / 100.0, &euros)?;
                    }
                    Cell::Date(d) => {
                        let x = ExcelDateTime::from_ymd(
                            u16::try_from(d.year()).unwrap_or(1900),
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        ws.write_datetime_with_format(r, c, &x, &date)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                }
            }
        }
        if !sheet.rows.is_empty() && !sheet.columns.is_empty() {
            let last_row = u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX);
            let last_col = u16::try_from(sheet.columns.len() - 1).unwrap_or(u16::MAX);
            ws.autofilter(0, 0, last_row, last_col)?;
        }
    }
    Ok(book.save_to_buffer()?)
}

/// Excel sheet names: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
fn sheet_name(name: &str, used: &mut Vec<String>) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    let clean = if clean.trim().is_empty() {
        "Feuille".to_owned()
    } else {
        clean
    };
    let mut candidate = clean.clone();
    let mut n = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&candidate)) {
        let stem: String = clean.chars().take(27).collect();
        candidate = format!("{stem} {n}");
        n += 1;
    }
    used.push(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Sheet {
        let mut s = Sheet::new("Partenariats")
            .column("nom", "Nom")
            .column("montant", "Montant (€)")
            .column("debut", "Début")
            .column("actif", "Actif")
            .column("n", "Nombre");
        s.push(vec![
            "Mondial Tissus; Lyon".into(),
            Cell::Cents(123_456),
            NaiveDate::from_ymd_opt(2021, 3, 1).into(),
            true.into(),
            3_i64.into(),
        ]);
        s.push(vec![
            "=HYPERLINK(\"x\")".into(),
            Cell::Cents(-5),
            Cell::Empty,
            false.into(),
            Cell::Empty,
        ]);
        s
    }

    #[test]
    fn plain_csv_is_comma_separated_iso_and_decimal_point() {
        let text = String::from_utf8(write(&sample(), Format::Csv).unwrap()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "Nom,Montant (€),Début,Actif,Nombre");
        assert_eq!(lines[1], "Mondial Tissus; Lyon,1234.56,2021-03-01,oui,3");
        assert!(!text.starts_with('\u{feff}'));
    }

    #[test]
    fn excel_csv_has_bom_semicolons_commas_and_french_dates() {
        let bytes = write(&sample(), Format::CsvExcel).unwrap();
        assert!(bytes.starts_with(BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "Nom;Montant (€);Début;Actif;Nombre");
        // The `;` inside the name is quoted; the amount uses a decimal comma.
        assert_eq!(
            lines[1],
            "\"Mondial Tissus; Lyon\";1234,56;01/03/2021;oui;3"
        );
    }

    #[test]
    fn a_formula_never_reaches_a_spreadsheet_as_a_formula() {
        let text = String::from_utf8(write(&sample(), Format::Csv).unwrap()).unwrap();
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{text}");
        assert!(text.contains(",-0.05,"), "{text}");
    }

    #[test]
    fn json_keeps_types_and_exact_amounts() {
        let v: Value = serde_json::from_slice(&write(&sample(), Format::Json).unwrap()).unwrap();
        assert_eq!(v[0]["nom"], "Mondial Tissus; Lyon");
        assert_eq!(v[0]["montant"], "1234.56");
        assert_eq!(v[0]["debut"], "2021-03-01");
        assert_eq!(v[0]["actif"], true);
        assert_eq!(v[0]["n"], 3);
        assert_eq!(v[1]["debut"], Value::Null);
    }

    #[test]
    fn xlsx_is_a_zip_workbook_with_unique_sheet_names() {
        let mut a = sample();
        a.name = "Flux: 2024/2025".into();
        let b = sample();
        let c = sample();
        let bytes = write_book(&[a, b, c], Format::Xlsx).unwrap();
        assert!(bytes.starts_with(b"PK"));
        let mut used = vec![];
        assert_eq!(sheet_name("Flux: 2024/2025", &mut used), "Flux- 2024-2025");
        assert_eq!(
            sheet_name("flux- 2024-2025", &mut used),
            "flux- 2024-2025 2"
        );
    }

    #[test]
    fn cents_are_exact() {
        assert_eq!(cents_text(0), "0.00");
        assert_eq!(cents_text(7), "0.07");
        assert_eq!(cents_text(-123_456), "-1234.56");
        assert_eq!(cents_text(i64::MIN), "-92233720368547758.08");
    }
}
