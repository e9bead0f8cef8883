//! CSV as spreadsheets write it: decoding (UTF-8 with or without BOM, else Windows-1252),
//! separator detection, and an RFC 4180 reader that keeps line numbers, accepts quoted
//! separators and line breaks, skips empty lines and says where a quote was never closed.

use super::{Encoding, MAX_LINE_BYTES, ReadError, Row, SourceFormat, Table, line_too_long};

const SEPARATORS: [char; 3] = [';', ',', '\t'];

pub(crate) fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    let (text, encoding) = decode(bytes)?;
    check_text(&text)?;
    let separator = detect_separator(&text);
    let records = parse(&text, separator)?;
    let mut records = records
        .into_iter()
        .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()));
    let Some(header) = records.next() else {
        return Err(ReadError::file(
            "le fichier est vide : aucune ligne d'en-tête ni aucune donnée",
        ));
    };
    let rows: Vec<Row> = records.collect();
    if rows.is_empty() {
        return Err(ReadError::at(
            header.line,
            "le fichier ne contient que la ligne d'en-tête : aucune ligne de données à importer",
        ));
    }
    Ok(Table {
        format: SourceFormat::Csv {
            encoding,
            separator,
        },
        headers: header.cells.iter().map(|h| h.trim().to_owned()).collect(),
        header_line: header.line,
        rows,
        cell_problems: Vec::new(),
    })
}

/// UTF-8 (BOM removed) when the bytes are valid UTF-8, Windows-1252 otherwise.
pub(crate) fn decode(bytes: &[u8]) -> Result<(String, Encoding), ReadError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_owned(), Encoding::Utf8Bom)),
            Err(e) => Err(ReadError::at(
                line_of(rest, e.valid_up_to()),
                "le fichier se dit UTF-8 (BOM) mais contient des octets invalides : réenregistrez-le en « CSV UTF-8 »",
            )),
        };
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ReadError::file(
            "fichier en UTF-16, non pris en charge : réenregistrez-le en « CSV UTF-8 » ou « CSV (séparateur : point-virgule) »",
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_owned(), Encoding::Utf8)),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), Encoding::Windows1252))
        }
    }
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// Refuses what is clearly not text: NUL bytes or many control characters (an image, a
/// PDF or an executable renamed `.csv`).
fn check_text(text: &str) -> Result<(), ReadError> {
    let mut control = 0usize;
    let mut total = 0usize;
    let mut line = 1usize;
    for c in text.chars() {
        total += 1;
        if c == '\n' {
            line += 1;
        }
        if c == '\0' {
            return Err(ReadError::at(line, not_text()));
        }
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            control += 1;
        }
    }
    if control > 8 && control * 100 > total {
        return Err(ReadError::file(not_text()));
    }
    Ok(())
}

fn not_text() -> String {
    "contenu binaire : ce fichier n'est ni un CSV ni un classeur XLSX ou ODS (vérifiez le fichier choisi)".into()
}

/// The separator among `;`, `,` and tab that splits the first lines into the most, and
/// most regular, columns. A file with one column gets `;` (nothing to split).
pub(crate) fn detect_separator(text: &str) -> char {
    // The first lines are enough; cut on a line boundary.
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let mut best = (';', 0usize);
    for sep in SEPARATORS {
        let records = parse_lenient(sample, sep, 20);
        let mut records = records.iter().filter(|n| **n > 0);
        let Some(&header) = records.next() else {
            continue;
        };
        if header < 2 {
            continue;
        }
        let rest: Vec<usize> = records.copied().collect();
        let regular = rest.iter().filter(|&&n| n == header).count();
        // How regular the next lines are (percent) first, then the number of columns.
        let percent = if rest.is_empty() {
            100
        } else {
            regular * 100 / rest.len()
        };
        let score = percent * 1000 + header;
        if score > best.1 {
            best = (sep, score);
        }
    }
    best.0
}

/// Field counts of the first `max` records (for detection only; never fails).
fn parse_lenient(text: &str, sep: char, max: usize) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut fields = 1usize;
    let mut in_quotes = false;
    let mut any = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                if in_quotes && chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    in_quotes = !in_quotes;
                }
                any = true;
            }
            '\n' | '\r' if !in_quotes => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                counts.push(if any { fields } else { 0 });
                if counts.len() >= max {
                    return counts;
                }
                fields = 1;
                any = false;
            }
            c if c == sep && !in_quotes => {
                fields += 1;
                any = true;
            }
            c if !c.is_whitespace() => any = true,
            _ => {}
        }
    }
    if any {
        counts.push(fields);
    }
    counts
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted field: either the first of `""` or the closing quote.
    QuoteInQuoted,
}

/// Splits `text` into records. Each record carries the line it starts on. Empty lines give
/// no record. A quote opened and never closed is an error at the line where it opened.
pub(crate) fn parse(text: &str, sep: char) -> Result<Vec<Row>, ReadError> {
    let mut rows = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut state = State::FieldStart;
    let mut line = 1usize;
    let mut record_line = 1usize;
    let mut quote_line = 1usize;
    let mut record_bytes = 0usize;
    let mut chars = text.chars().peekable();

    let end_record =
        |cells: &mut Vec<String>, field: &mut String, rows: &mut Vec<Row>, at: usize| {
            cells.push(std::mem::take(field));
            let done = std::mem::take(cells);
            if !(done.len() == 1 && done[0].is_empty()) {
                rows.push(Row {
                    line: at,
                    cells: done,
                });
            }
        };

    while let Some(c) = chars.next() {
        record_bytes += c.len_utf8();
        if record_bytes > MAX_LINE_BYTES * 4 {
            return Err(line_too_long(record_line));
        }
        let newline = c == '\n' || c == '\r';
        if newline && c == '\r' && chars.peek() == Some(&'\n') {
            chars.next();
        }
        match state {
            State::FieldStart | State::Unquoted => {
                if c == '"' && state == State::FieldStart {
                    state = State::Quoted;
                    quote_line = line;
                } else if c == sep {
                    cells.push(std::mem::take(&mut field));
                    state = State::FieldStart;
                } else if newline {
                    end_record(&mut cells, &mut field, &mut rows, record_line);
                    line += 1;
                    record_line = line;
                    record_bytes = 0;
                    state = State::FieldStart;
                } else {
                    field.push(c);
                    state = State::Unquoted;
                }
            }
            State::Quoted => {
                if c == '"' {
                    state = State::QuoteInQuoted;
                } else {
                    if newline {
                        line += 1;
                        field.push('\n');
                    } else {
                        field.push(c);
                    }
                }
            }
            State::QuoteInQuoted => {
                if c == '"' {
                    field.push('"');
                    state = State::Quoted;
                } else if c == sep {
                    cells.push(std::mem::take(&mut field));
                    state = State::FieldStart;
                } else if newline {
                    end_record(&mut cells, &mut field, &mut rows, record_line);
                    line += 1;
                    record_line = line;
                    record_bytes = 0;
                    state = State::FieldStart;
                } else {
                    // `"abc"def`: text after the closing quote is kept, as spreadsheets do.
                    field.push(c);
                    state = State::Unquoted;
                }
            }
        }
    }
    if state == State::Quoted {
        return Err(ReadError::at(
            quote_line,
            "guillemet ouvert jamais refermé : fermez le champ entre guillemets (\"…\") ou retirez le guillemet",
        ));
    }
    if !(cells.is_empty() && field.is_empty() && state == State::FieldStart) {
        end_record(&mut cells, &mut field, &mut rows, record_line);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(rows: &[Row]) -> Vec<(usize, Vec<&str>)> {
        rows.iter()
            .map(|r| (r.line, r.cells.iter().map(String::as_str).collect()))
            .collect()
    }

    #[test]
    fn quoted_separators_line_breaks_and_doubled_quotes_are_kept() {
        let text = "a;b\r\n\"x;y\";\"deux\nlignes\"\n\n\"dit \"\"oui\"\"\";fin";
        let rows = parse(text, ';').unwrap();
        assert_eq!(
            cells(&rows),
            vec![
                (1, vec!["a", "b"]),
                (2, vec!["x;y", "deux\nlignes"]),
                (5, vec!["dit \"oui\"", "fin"]),
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_is_located_where_it_opened() {
        let err = parse("a;b\n1;\"ouvert\n2;3\n", ';').unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("guillemet"));
    }

    #[test]
    fn the_separator_is_the_one_that_splits_the_header_regularly() {
        assert_eq!(detect_separator("Nom;Ville\nA, B;Lyon\n"), ';');
        assert_eq!(detect_separator("Nom,Ville\n\"A; B\",Lyon\n"), ',');
        assert_eq!(detect_separator("Nom\tVille\tCP\nA\tLyon\t69001\n"), '\t');
        assert_eq!(detect_separator("Nom\nA\n"), ';');
    }

    #[test]
    fn windows_1252_is_decoded_when_the_bytes_are_not_utf8() {
        let (text, enc) = decode(b"Ard\xe8che;\x80\n").unwrap();
        assert_eq!((text.as_str(), enc), ("Ardèche;€\n", Encoding::Windows1252));
        let (text, enc) = decode("\u{feff}Élan".as_bytes()).unwrap();
        assert_eq!((text.as_str(), enc), ("Élan", Encoding::Utf8Bom));
    }
}
