//! The national data·inclusion "structure" schema in JSON: a list of structures, or a page
//! of the referential's API (`{"items": [...]}`), read into the same table as its CSV form
//! (the schema's field names as headers), each structure on the line where it starts.
//!
//! Fields the schema has and we do not keep (`thematiques`, `horaires_ouverture`…) are
//! ignored; text fields may also be written as numbers (`"code_postal": 1500` keeps its
//! zero back when checked), `reseaux_porteurs` as a list or as one text.

use serde_json::Value;

use super::{ReadError, Row, SourceFormat, Table};
use crate::datainclusion::COLUMNS;

/// True when the content is JSON rather than a table: its first character opens a list or
/// an object (a CSV header never starts with one).
pub(crate) fn looks_like_json(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    matches!(
        bytes.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'[' | b'{')
    )
}

pub(crate) fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ReadError::at(
            1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count(),
            "fichier JSON avec des octets qui ne sont pas de l'UTF-8 : réenregistrez-le en UTF-8",
        )
    })?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ReadError::at(
            e.line(),
            format!(
                "JSON mal formé (colonne {}) : vérifiez les guillemets, virgules et accolades autour de cet endroit",
                e.column()
            ),
        )
    })?;
    let (records, key) = match value {
        Value::Array(records) => (records, None),
        Value::Object(mut page) => match page.remove("items") {
            Some(Value::Array(records)) => (records, Some("items")),
            _ => return Err(not_structures()),
        },
        _ => return Err(not_structures()),
    };
    let lines = record_lines(text, key);
    if records.is_empty() {
        return Err(ReadError::file(
            "la liste de structures est vide : aucune donnée à importer",
        ));
    }
    let mut rows = Vec::with_capacity(records.len());
    for (i, record) in records.into_iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let Value::Object(fields) = record else {
            return Err(ReadError::at(
                line,
                format!(
                    "la structure n° {} n'est pas un objet {{\"id\": …, \"nom\": …}}",
                    i + 1
                ),
            ));
        };
        let mut cells = Vec::with_capacity(COLUMNS.len());
        for column in COLUMNS {
            let cell = match fields.get(column) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Array(items)) if column == "reseaux_porteurs" => {
                    let mut names = Vec::with_capacity(items.len());
                    for item in items {
                        match item {
                            Value::String(s) => names.push(s.clone()),
                            _ => return Err(not_text(line, i, column)),
                        }
                    }
                    names.join(",")
                }
                Some(_) => return Err(not_text(line, i, column)),
            };
            cells.push(cell);
        }
        rows.push(Row { line, cells });
    }
    Ok(Table {
        format: SourceFormat::DataInclusionJson {
            structures: rows.len(),
        },
        headers: COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
        header_line: 1,
        rows,
        cell_problems: Vec::new(),
    })
}

fn not_structures() -> ReadError {
    ReadError::file(
        "JSON non reconnu : attendu une liste de structures au schéma data·inclusion, [{\"id\": \"…\", \"nom\": \"…\", \"siret\": \"…\"}, …], ou une page {\"items\": [...]}",
    )
}

fn not_text(line: usize, i: usize, column: &str) -> ReadError {
    ReadError::at(
        line,
        format!(
            "structure n° {}, champ « {column} » : attendu du texte{}",
            i + 1,
            if column == "reseaux_porteurs" {
                " ou une liste de textes"
            } else {
                ""
            }
        ),
    )
}

/// The line where each element of the list of structures starts: the top-level list, or
/// the list under `key` in a top-level object. The text is valid JSON (parsed before).
fn record_lines(text: &str, key: Option<&str>) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut line = 1;
    // Each open container: is it an object, and is it the list of structures?
    let mut open: Vec<(bool, bool)> = Vec::new();
    let mut last_key: Option<&str> = None;
    let mut expect_record = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
        }
        if expect_record && !b.is_ascii_whitespace() {
            expect_record = false;
            if b != b']' {
                lines.push(line);
            }
        }
        match b {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if open.len() == 1 && open[0].0 {
                    last_key = text.get(start..i);
                }
            }
            b'[' => {
                let records = match key {
                    None => open.is_empty(),
                    Some(k) => open.len() == 1 && open[0].0 && last_key == Some(k),
                };
                open.push((false, records));
                expect_record = records;
            }
            b'{' => open.push((true, false)),
            b'}' | b']' => {
                open.pop();
            }
            b',' => expect_record = open.last().is_some_and(|c| c.1),
            _ => {}
        }
        i += 1;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_structure_is_found_on_its_line_in_a_list_and_in_a_page() {
        let list = "[\n  {\"id\": \"1\", \"nom\": \"A [b] {c}\"},\n  {\"id\": \"2\",\n   \"nom\": \"B\\\"\"}\n]";
        assert_eq!(record_lines(list, None), [2, 3]);
        let page = "{\"total\": 2, \"meta\": {\"items\": [9]},\n \"items\": [\n {\"id\": 1}, {\"id\": 2},\n\n {\"id\": 3}]}";
        assert_eq!(record_lines(page, Some("items")), [3, 3, 5]);
        assert_eq!(record_lines("[]", None), Vec::<usize>::new());
    }
}
