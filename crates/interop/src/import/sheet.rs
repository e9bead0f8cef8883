//! XLSX, ODS (and old XLS) workbooks through calamine: the first sheet, its first non-empty
//! row as header. Numbers that are whole are written without `.0` (a SIRET or postcode typed
//! as a number), dates as `yyyy-mm-dd`; a formula with no cached value or an error cell is a
//! located problem, not a failure of the whole file.

use std::io::Cursor;

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};

use super::{Problem, ReadError, Row, SourceFormat, Table, values::excel_serial_date};

pub(crate) fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|_| {
        ReadError::file(
            "classeur illisible (fichier tronqué ou endommagé ?) : rouvrez-le dans votre tableur et enregistrez-le à nouveau en XLSX, ODS ou CSV",
        )
    })?;
    let names = book.sheet_names();
    let Some(sheet) = names.first().cloned() else {
        return Err(ReadError::file("le classeur ne contient aucune feuille"));
    };
    let range = book.worksheet_range(&sheet).map_err(|_| {
        ReadError::file(format!(
            "la feuille « {sheet} » est illisible (fichier tronqué ou endommagé ?) : enregistrez-la à nouveau depuis votre tableur"
        ))
    })?;
    // Formulas, to tell "empty" from "formula whose result was never saved".
    let formulas = book.worksheet_formula(&sheet).ok();
    let format = match &book {
        Sheets::Xlsx(_) | Sheets::Xlsb(_) => SourceFormat::Xlsx {
            sheet: sheet.clone(),
        },
        Sheets::Ods(_) => SourceFormat::Ods {
            sheet: sheet.clone(),
        },
        Sheets::Xls(_) => SourceFormat::Xls {
            sheet: sheet.clone(),
        },
    };
    let Some((row0, col0)) = range.start() else {
        return Err(ReadError::file(format!(
            "la feuille « {sheet} » est vide : aucune ligne d'en-tête ni aucune donnée"
        )));
    };
    let mut headers: Option<(usize, Vec<String>)> = None;
    let mut rows = Vec::new();
    let mut cell_problems = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let line = row0 as usize + i + 1;
        let mut texts = Vec::with_capacity(cells.len());
        for (j, cell) in cells.iter().enumerate() {
            let (r, c) = (row0 as usize + i, col0 as usize + j);
            let text = match cell {
                Data::Empty => {
                    let formula = formulas
                        .as_ref()
                        .and_then(|f| f.get_value((r as u32, c as u32)))
                        .filter(|f| !f.is_empty());
                    if let Some(f) = formula {
                        cell_problems.push((line, j, format!("={f}"), "formule sans résultat enregistré : ouvrez le fichier dans votre tableur, laissez-le calculer et enregistrez-le, ou remplacez la formule par sa valeur".to_owned()));
                    }
                    String::new()
                }
                Data::String(s) => s.clone(),
                Data::Int(n) => n.to_string(),
                Data::Float(f) => float_text(*f),
                Data::Bool(b) => if *b { "oui" } else { "non" }.to_owned(),
                Data::DateTime(d) => {
                    if d.is_datetime() {
                        excel_serial_date(d.as_f64())
                            .map(|d| d.format("%Y-%m-%d").to_string())
                            .unwrap_or_else(|| float_text(d.as_f64()))
                    } else {
                        float_text(d.as_f64())
                    }
                }
                Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_owned(),
                Data::DurationIso(s) => s.clone(),
                Data::Error(e) => {
                    cell_problems.push((line, j, format!("{e}"), format!("la cellule contient une erreur de calcul ({e}) : corrigez la formule ou saisissez la valeur")));
                    String::new()
                }
            };
            texts.push(text);
        }
        if texts.iter().all(|t| t.trim().is_empty()) {
            continue;
        }
        match headers {
            None => headers = Some((line, texts.iter().map(|t| t.trim().to_owned()).collect())),
            Some(_) => rows.push(Row { line, cells: texts }),
        }
    }
    let Some((header_line, headers)) = headers else {
        return Err(ReadError::file(format!(
            "la feuille « {sheet} » est vide : aucune ligne d'en-tête ni aucune donnée"
        )));
    };
    if rows.is_empty() {
        return Err(ReadError::at(
            header_line,
            "la feuille ne contient que la ligne d'en-tête : aucune ligne de données à importer",
        ));
    }
    let cell_problems = cell_problems
        .into_iter()
        .map(|(line, col, value, message)| Problem {
            line,
            column: headers
                .get(col)
                .cloned()
                .unwrap_or_else(|| format!("colonne {}", col + 1)),
            value,
            message,
        })
        .collect();
    Ok(Table {
        format,
        headers,
        header_line,
        rows,
        cell_problems,
    })
}

/// `73282932000074.0` → `73282932000074`; `12.5` → `12.5`.
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}
