//! Reader tests on whole files, and a seeded fuzz loop over the CSV reader.

use super::*;

fn table(bytes: &[u8]) -> Table {
    read(bytes).unwrap_or_else(|e| panic!("unreadable: {e}"))
}

#[test]
fn a_windows_1252_semicolon_file_with_french_headers_reads_with_line_numbers() {
    let bytes = b"Raison sociale;N\xb0 SIRET;Code postal;Ville\r\n\
Boulangerie \xc9ole;732 829 320 00074;1000;Bourg-en-Bresse\r\n\
\r\n\
\"Dupont; fr\xe8res\";;69001;Lyon\r\n";
    let t = table(bytes);
    assert_eq!(
        t.format,
        SourceFormat::Csv {
            encoding: Encoding::Windows1252,
            separator: ';'
        }
    );
    assert_eq!(
        t.headers,
        ["Raison sociale", "N° SIRET", "Code postal", "Ville"]
    );
    assert_eq!(t.rows.len(), 2);
    assert_eq!(
        (t.rows[0].line, t.rows[0].cells[0].as_str()),
        (2, "Boulangerie Éole")
    );
    assert_eq!(
        (t.rows[1].line, t.rows[1].cells[0].as_str()),
        (4, "Dupont; frères")
    );
}

#[test]
fn a_header_only_file_an_empty_file_and_binary_junk_are_refused_clearly() {
    let e = read(b"Nom;Ville\n\n").unwrap_err();
    assert!(e.message.contains("que la ligne d'en-tête"), "{e}");
    assert_eq!(e.line, Some(1));
    assert!(read(b"").unwrap_err().message.contains("vide"));
    assert!(read(b"\n \n").unwrap_err().message.contains("vide"));
    let junk: Vec<u8> = (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let e = read(&junk).unwrap_err();
    assert!(e.message.contains("binaire"), "{e}");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    assert!(read(png).unwrap_err().message.contains("binaire"));
}

#[test]
fn a_huge_single_line_is_refused_before_the_whole_file_is_read() {
    struct Endless(usize);
    impl std::io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(b'a');
            self.0 += buf.len();
            Ok(buf.len())
        }
    }
    let mut source = Endless(0);
    let e = read_bounded(&mut source).unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(e.message.contains("ligne de plus de 1 Mo"), "{e}");
    // Stopped right after the limit, not at the end of an endless stream.
    assert!(source.0 < MAX_LINE_BYTES + 128 * 1024);
}

#[test]
fn a_truncated_workbook_is_refused_clearly() {
    let e = read(b"PK\x03\x04\x14\x00\x00\x00\x08\x00tronque").unwrap_err();
    assert!(e.message.contains("classeur illisible"), "{e}");
}

/// xorshift64*: a tiny deterministic generator, so a failure replays exactly.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Bytes that look like CSV often enough to reach deep states: separators, quotes, line
/// breaks, BOMs, Latin-1 letters, NULs, and random bytes.
fn fuzz_bytes(rng: &mut Rng) -> Vec<u8> {
    const PIECES: &[&[u8]] = &[
        b";",
        b",",
        b"\t",
        b"\"",
        b"\"\"",
        b"\n",
        b"\r\n",
        b"\r",
        b"a",
        b"Nom",
        b"\xe9",
        b"\xef\xbb\xbf",
        b"\xc3\xa9",
        b"\0",
        b" ",
        b"PK\x03\x04",
        b"1000",
        b"\xff\xfe",
    ];
    let len = rng.below(60) as usize;
    let mut out = Vec::new();
    for _ in 0..len {
        if rng.below(5) == 0 {
            out.push(rng.next() as u8);
        } else {
            out.extend_from_slice(PIECES[rng.below(PIECES.len() as u64) as usize]);
        }
    }
    out
}

#[test]
fn fuzz_arbitrary_bytes_never_panic_and_give_rows_or_a_located_error() {
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut inputs: Vec<Vec<u8>> = std::fs::read_dir(&corpus)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| std::fs::read(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    assert!(inputs.len() >= 5, "corpus missing in {}", corpus.display());
    for _ in 0..20_000 {
        inputs.push(fuzz_bytes(&mut rng));
    }
    for bytes in &inputs {
        match read(bytes) {
            Ok(t) => {
                assert!(!t.rows.is_empty());
                assert!(t.rows.iter().all(|r| r.line > t.header_line));
                assert!(t.rows.windows(2).all(|w| w[0].line < w[1].line));
            }
            Err(e) => assert!(!e.message.is_empty()),
        }
    }
}

/// Writes cells as a spreadsheet would: quoted when needed, quotes doubled.
fn write_csv(rows: &[Vec<String>], sep: char) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains([sep, '"', '\n', '\r']) || c.starts_with(' ') {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&cells.join(&sep.to_string()));
        out.push_str("\r\n");
    }
    out
}

#[test]
fn fuzz_quoted_fields_round_trip() {
    let mut rng = Rng(0x00DD_BA11_5EED_0002);
    const ALPHABET: &[&str] = &[
        "a", "É", "é", ";", ",", "\t", "\"", "\n", " ", "x", "œ", "€", "1", "\r\n",
    ];
    for _ in 0..3000 {
        let sep = [';', ',', '\t'][rng.below(3) as usize];
        let ncols = 1 + rng.below(5) as usize;
        let nrows = 1 + rng.below(6) as usize;
        let mut rows = vec![(0..ncols).map(|i| format!("Col{i}")).collect::<Vec<_>>()];
        for _ in 0..nrows {
            let mut row: Vec<String> = (0..ncols)
                .map(|_| {
                    (0..rng.below(8))
                        .map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize])
                        .collect::<String>()
                        .replace("\r\n", "\n")
                })
                .collect();
            // A row whose cells are all blank is an empty line, skipped by design.
            if row.iter().all(|c| c.trim().is_empty()) {
                row[0] = "x".into();
            }
            rows.push(row);
        }
        let text = write_csv(&rows, sep);
        let parsed = csv::parse(&text, sep).expect("well-formed CSV parses");
        let got: Vec<Vec<String>> = parsed.into_iter().map(|r| r.cells).collect();
        assert_eq!(got, rows, "{text:?}");
        // Through the whole reader too, when the separator is not ambiguous.
        if ncols > 1
            && let Ok(t) = read(text.as_bytes())
            && t.format
                == (SourceFormat::Csv {
                    encoding: Encoding::Utf8,
                    separator: sep,
                })
        {
            assert_eq!(t.rows.len(), nrows);
        }
    }
}

#[test]
fn rows_are_checked_with_located_french_problems() {
    let csv = "Raison sociale;SIRET;CP;Ville;Forme(s) de partenariat;Date de début;Date de fin;Statut\n\
Boulangerie Éole;732 829 320 00074;1000;Bourg-en-Bresse;Don en nature, PMSMP;15/03/2021;;actif\n\
Faute de frappe;732 829 320 00075;69001;Lyon;achats responsables;;;\n\
Mauvaise ville;;69001;Marseille;;;;\n\
Forme inconnue;;;;bisous;le 3 mars;;\n\
Dates inversées;;75011;Paris;sous-traitance;01/02/2022;01/01/2022;terminé\n";
    let t = table(csv.as_bytes());
    let cols = fields::resolve(&t.headers, Kind::Partnerships, None).unwrap();
    let checked = check_rows(&t, &cols);
    assert_eq!(checked.total, 5);
    assert_eq!(checked.rows.len(), 1);
    let Record::Partnership(p) = &checked.rows[0].record else {
        panic!("not a partnership")
    };
    assert_eq!(p.org.postcode.as_deref(), Some("01000"));
    assert_eq!(p.org.commune.map(|c| c.code), Some("01053"));
    assert_eq!(
        p.forms.iter().map(|f| f.form).collect::<Vec<_>>(),
        [
            partinnov_domain::typology::Form::MecenatNature,
            partinnov_domain::typology::Form::AccueilImmersions
        ]
    );
    let found: Vec<(usize, &str)> = checked
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (3, "SIRET"),
            (4, "Ville"),
            (5, "Forme(s) de partenariat"),
            (5, "Date de début"),
            (6, "Date de fin"),
        ]
    );
    assert!(checked.problems[0].message.contains("clé de contrôle"));
    assert!(
        checked.problems[1]
            .message
            .contains("n'a pas le code postal 69001")
    );
    assert!(
        checked.problems[4]
            .message
            .contains("avant la date de début")
    );
    assert_eq!(checked.problems[2].value, "bisous");
}

#[test]
fn a_large_file_with_old_mac_line_endings_is_read_line_by_line() {
    let mut text = String::from("Nom;Ville\r");
    for i in 0..80_000 {
        text.push_str(&format!("Entreprise {i};Lyon\r"));
    }
    assert!(text.len() > MAX_LINE_BYTES);
    let bytes = read_bounded(text.as_bytes()).expect("lines are short");
    let t = read(&bytes).unwrap();
    assert_eq!(t.rows.len(), 80_000);
    assert_eq!(t.rows[79_999].line, 80_001);
}

fn check(kind: Kind, csv: &str) -> records::Checked {
    let t = table(csv.as_bytes());
    let columns = fields::resolve(&t.headers, kind, None).unwrap_or_else(|e| panic!("{e}"));
    check_rows(&t, &columns)
}

#[test]
fn an_outcome_sheet_reads_french_words_and_counts_a_hire_from_its_dates() {
    let c = check(
        Kind::Outcomes,
        "Partenaire;Réf. personne;Type;Date;Date de fin;Contrat;Aidé;Quotité\n\
Protim;P-1;Job-dating;02/03/2026;;;;\n\
Protim;P-1;contrat;01/04/2026;30/09/2026;CDD;non;temps plein\n\
Protim;P-2;Embauche;01/04/2026;;contrat pro;oui;mi-temps\n",
    );
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    let outcomes: Vec<&records::OutcomeRecord> = c
        .rows
        .iter()
        .map(|r| match &r.record {
            Record::Outcome(o) => o,
            other => panic!("{other:?}"),
        })
        .collect();
    use partinnov_domain::{event::OutcomeKind, outcome::ExitKind};
    assert_eq!(outcomes[0].kind, OutcomeKind::JobDating);
    assert_eq!(outcomes[1].kind, OutcomeKind::Embauche);
    assert_eq!(
        outcomes[1].duration_days,
        Some(183),
        "1 April to 30 September, both days counted"
    );
    assert_eq!(outcomes[1].working_time_pct, Some(100));
    assert_eq!(
        outcomes[2].contract,
        Some(ExitKind::ContratProfessionnalisation)
    );
    assert_eq!(outcomes[2].aided, Some(true));
    assert_eq!(outcomes[2].working_time_pct, Some(50));
    assert_eq!(outcomes[2].org.name, "Protim");
}

#[test]
fn an_outcome_row_a_person_gets_wrong_is_refused_with_its_line_column_and_a_fix() {
    let c = check(
        Kind::Outcomes,
        "Partenaire;Référence;Type;Date;Date de fin;Heures;Contrat;Durée\n\
Protim;P-3;embauche;01/05/2026;30/04/2026;;CDI;\n\
Protim;Jean Dupont;PMSMP;01/05/2026;;;;\n\
Protim;P-4;embauche;01/05/2026;;;CDD;\n\
Protim;P-5;mise à disposition;01/02/2026;;-3;;\n\
Protim;P-6;embauche;01/05/2026;;;CDD;6 lunes\n\
Protim;P-7;embauche;01/05/2026;;;;\n\
Protim;P-8;immersion;01/05/2026;;;CDI;\n\
Protim;;poney;01/05/2026;;;;\n\
Protim;P-9;embauche;01/05/2026;;;CDD;6\n",
    );
    assert!(c.rows.is_empty(), "{:?}", c.rows);
    let found: Vec<(usize, &str, &str)> = c
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.message.as_str()))
        .collect();
    let expect: &[(usize, &str, &str)] = &[
        (2, "Date de fin", "avant la date de début"),
        (3, "Référence", "jamais le nom"),
        (4, "Durée", "un CDD se classe selon sa durée"),
        (5, "Heures", "négatif"),
        (6, "Durée", "unité de durée inconnue « lunes »"),
        (7, "Contrat", "contrat manquant"),
        (8, "Contrat", "ne se donne que pour une embauche"),
        (9, "Référence", "référence de la personne manquante"),
        (9, "Type", "type inconnu « poney »"),
        (10, "Durée", "n'a pas d'unité"),
    ];
    assert_eq!(found.len(), expect.len(), "{found:#?}");
    for (got, want) in found.iter().zip(expect) {
        assert_eq!((got.0, got.1), (want.0, want.1), "{}", got.2);
        assert!(got.2.contains(want.2), "line {}: {}", got.0, got.2);
    }
}

#[test]
fn an_outcome_file_needs_a_reference_and_a_kind_and_an_interaction_file_a_kind_and_a_date() {
    let t = table("Partenaire;Type;Date\nProtim;PMSMP;01/05/2026\n".as_bytes());
    let e = fields::resolve(&t.headers, Kind::Outcomes, None).unwrap_err();
    assert!(e.message.contains("Référence de la personne"), "{e}");
    let t = table("Partenaire;Objet\nProtim;Bilan\n".as_bytes());
    let e = fields::resolve(&t.headers, Kind::Interactions, None).unwrap_err();
    assert!(e.message.contains("Type d'échange"), "{e}");
}

#[test]
fn an_interaction_sheet_takes_everyday_words_and_its_subject_is_the_note() {
    let c = check(
        Kind::Interactions,
        "Entreprise;Type;Date;Présents;Objet\n\
Mondial Tissus;RDV;12/01/2026;Mme Roux;Bilan\n\
Mondial Tissus;mail;13/01/2026;;\n\
Mondial Tissus;télépathie;14/01/2026;;\n\
Mondial Tissus;appel;;;\n",
    );
    use partinnov_domain::typology::InteractionKind;
    let kinds: Vec<(InteractionKind, Option<String>)> = c
        .rows
        .iter()
        .map(|r| match &r.record {
            Record::Interaction(i) => (i.kind, i.notes.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (InteractionKind::Reunion, Some("Bilan".to_owned())),
            (InteractionKind::Courriel, None)
        ]
    );
    let problems: Vec<(usize, &str)> = c
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert_eq!(problems, [(4, "Type"), (5, "Date")]);
}

#[test]
fn contract_lengths_need_a_unit_and_working_time_is_a_share_of_full_time() {
    use values::{parse_duration_days, parse_working_time};
    assert_eq!(parse_duration_days("6 mois"), Ok(183));
    assert_eq!(parse_duration_days("6,5 mois"), Ok(198));
    assert_eq!(parse_duration_days("26 semaines"), Ok(182));
    assert_eq!(parse_duration_days("180 jours"), Ok(180));
    assert_eq!(parse_duration_days("1 an"), Ok(365));
    assert_eq!(parse_duration_days("2 ANS"), Ok(731));
    assert!(
        parse_duration_days("6")
            .unwrap_err()
            .contains("n'a pas d'unité")
    );
    assert!(parse_duration_days("-2 mois").is_err());
    assert!(parse_duration_days("mois").is_err());
    assert_eq!(parse_working_time("80 %"), Ok(80));
    assert_eq!(parse_working_time("80"), Ok(80));
    assert_eq!(parse_working_time("Temps plein"), Ok(100));
    assert!(parse_working_time("0").is_err());
    assert!(parse_working_time("120 %").is_err());
    assert!(parse_working_time("beaucoup").is_err());
}

/// A LibreOffice Calc file as it saves one: `mimetype` stored first, then `content.xml`
/// with typed cells (a date, a float with its French display, a string).
fn ods(rows: &[&[(&str, &str, &str)]]) -> Vec<u8> {
    use std::io::Write;
    use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};
    let mut table = String::new();
    for row in rows {
        table.push_str("<table:table-row>");
        for (kind, value, shown) in *row {
            match *kind {
                "date" => table.push_str(&format!(
                    "<table:table-cell office:value-type=\"date\" office:date-value=\"{value}\"><text:p>{shown}</text:p></table:table-cell>"
                )),
                "float" => table.push_str(&format!(
                    "<table:table-cell office:value-type=\"float\" office:value=\"{value}\"><text:p>{shown}</text:p></table:table-cell>"
                )),
                "empty" => table.push_str("<table:table-cell/>"),
                _ => table.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{shown}</text:p></table:table-cell>"
                )),
            }
        }
        table.push_str("</table:table-row>");
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.3\">\
<office:body><office:spreadsheet><table:table table:name=\"Partenaires\">{table}</table:table>\
</office:spreadsheet></office:body></office:document-content>"
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">\
<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
</manifest:manifest>";
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    for (name, bytes) in [
        ("content.xml", content.as_bytes()),
        ("META-INF/manifest.xml", manifest.as_bytes()),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_libreoffice_sheet_reads_its_typed_cells_and_its_rows_check_like_csv() {
    let bytes = ods(&[
        &[
            ("string", "", "Raison sociale"),
            ("string", "", "Code postal"),
            ("string", "", "Ville"),
            ("string", "", "Forme(s) de partenariat"),
            ("string", "", "Date de début"),
            ("string", "", "Degré d'implication"),
        ],
        &[
            ("string", "", "Boulangerie Éole"),
            ("float", "1000", "1000"),
            ("string", "", "Bourg-en-Bresse"),
            ("string", "", "Don en nature (depuis le 15/03/2021)"),
            ("date", "2021-03-15", "15/03/2021"),
            ("float", "3", "3"),
        ],
        &[
            ("string", "", "Garage Martin"),
            ("string", "", "49100"),
            ("string", "", "Angers"),
            ("string", "", "recrutement"),
            ("empty", "", ""),
            ("float", "9", "9"),
        ],
    ]);
    let t = table(&bytes);
    assert_eq!(
        t.format,
        SourceFormat::Ods {
            sheet: "Partenaires".into()
        }
    );
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].line, 2, "the row number the spreadsheet shows");
    let columns = fields::resolve(&t.headers, Kind::Partnerships, None).unwrap();
    let c = check_rows(&t, &columns);
    let Record::Partnership(p) = &c.rows[0].record else {
        panic!("{:?}", c.rows)
    };
    assert_eq!(
        p.org.postcode.as_deref(),
        Some("01000"),
        "the lost zero is back"
    );
    assert_eq!(p.org.commune.map(|c| c.code), Some("01053"));
    assert_eq!(
        p.started_on,
        chrono::NaiveDate::from_ymd_opt(2021, 3, 15),
        "a date cell"
    );
    assert_eq!(p.involvement.map(|i| i.get()), Some(3));
    let problems: Vec<(usize, &str)> = c
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert_eq!(problems, [(3, "Degré d'implication")], "{:?}", c.problems);
}

#[test]
fn a_commune_is_found_by_its_name_when_the_postcode_is_a_cedex_or_missing() {
    let c = check(
        Kind::Organisations,
        "Raison sociale;Code postal;Ville\n\
Mairie;69289;Lyon Cedex 03\n\
Garage;;Bourg-en-Bresse\n\
Atelier;;St-Priest\n\
Scierie;;Villenouvelle-sur-Rien\n\
Ferme;;Saint-Denis\n\
Boutique;99999;Lyon\n",
    );
    let communes: Vec<(usize, Option<&str>)> = c
        .rows
        .iter()
        .map(|r| (r.line, r.record.org().commune.map(|c| c.code)))
        .collect();
    // A CEDEX code: the one Lyon of the Rhône; a name alone when it is unique in France.
    assert_eq!(communes, [(2, Some("69123")), (3, Some("01053"))]);
    let problems: Vec<(usize, &str)> = c
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert_eq!(
        problems,
        vec![(4, "Ville"), (5, "Ville"), (6, "Ville"), (7, "Code postal")]
    );
    // "St" is read "Saint"; Saint-Priest is in the Ardèche, the Creuse and the Rhône.
    assert!(
        c.problems[0]
            .message
            .contains("plusieurs communes s'appellent")
    );
    assert!(
        c.problems[0].message.contains("07, 23, 69"),
        "{}",
        c.problems[0].message
    );
    assert!(c.problems[1].message.contains("commune inconnue"));
    assert!(
        c.problems[2]
            .message
            .contains("plusieurs communes s'appellent")
    );
    assert!(
        c.problems[3]
            .message
            .contains("code postal inconnu « 99999 »")
    );
}

#[test]
fn a_data_inclusion_json_list_is_read_as_a_table_with_each_structure_on_its_line() {
    let json = "\u{feff}[\n  {\"id\": \"1\", \"nom\": \"Envie Rhône\", \"code_postal\": 1500,\n   \"reseaux_porteurs\": [\"envie\", \"emmaus\"], \"thematiques\": [\"mobilite\"]},\n  {\"id\": 2, \"nom\": \"Tremplin\", \"siret\": null}\n]";
    let t = table(json.as_bytes());
    assert_eq!(t.format, SourceFormat::DataInclusionJson { structures: 2 });
    assert_eq!(t.headers, crate::datainclusion::COLUMNS);
    let col = |name: &str| t.headers.iter().position(|h| h == name).unwrap();
    assert_eq!(
        (t.rows[0].line, t.rows[1].line),
        (2, 4),
        "where each structure starts"
    );
    assert_eq!(t.rows[0].cells[col("code_postal")], "1500");
    assert_eq!(t.rows[0].cells[col("reseaux_porteurs")], "envie,emmaus");
    assert_eq!(t.rows[1].cells[col("id")], "2");
    assert_eq!(t.rows[1].cells[col("siret")], "");
    // A page of the referential's API.
    let page = table(br#"{"total": 1, "items": [{"id": "x", "nom": "Tremplin"}]}"#);
    assert_eq!(page.rows.len(), 1);

    // Unreadable JSON: one located, French error.
    for (bytes, line, needle) in [
        (
            &b"[\n {\"id\": \"1\",\n  \"nom\": \"A\" \"siret\": \"1\"}\n]"[..],
            Some(3),
            "JSON mal formé",
        ),
        (b"{\"structures\": []}", None, "JSON non reconnu"),
        (b"[]", None, "vide"),
        (
            b"[\n {\"id\": \"1\", \"nom\": \"A\"},\n 42\n]",
            Some(3),
            "n° 2 n'est pas un objet",
        ),
        (
            b"[\n {\"id\": \"1\", \"nom\": {\"fr\": \"A\"}}\n]",
            Some(2),
            "champ « nom » : attendu du texte",
        ),
    ] {
        let e = read(bytes).unwrap_err();
        assert_eq!(e.line, line, "{e}");
        assert!(e.message.contains(needle), "{e}");
    }
}

#[test]
fn a_minified_json_of_several_megabytes_on_one_line_is_not_refused_as_a_long_line() {
    let one = r#"{"id": "1", "nom": "Atelier du Bugey", "code_postal": "01500", "commune": "Ambérieu-en-Bugey"}"#;
    let json = format!("[{}]", vec![one; 30_000].join(","));
    assert!(json.len() > 2 * MAX_LINE_BYTES);
    let bytes = read_bounded(json.as_bytes()).expect("JSON has no lines to bound");
    assert_eq!(read(&bytes).unwrap().rows.len(), 30_000);
}

#[test]
fn the_data_inclusion_schema_brings_its_typology_codes_and_its_rules() {
    let c = check(
        Kind::Organisations,
        "id;nom;siret;code_postal;commune;typologie;site_web\n\
1;Envie Rhône;;69003;Lyon;EI;https://envie.fr\n\
2;Mairie de Bourg;;01000;Bourg-en-Bresse;MUNI;\n\
3;Boulangerie Éole;;01000;Bourg-en-Bresse;ETABL_PRI;\n\
4;La Coop des Savoirs;;01000;Bourg-en-Bresse;ESS;\n\
5;Bibliothèque du Bugey;;01000;Bourg-en-Bresse;BIB;\n\
6;AB;;01000;Bourg-en-Bresse;EI;\n\
;Sans identifiant;;01000;Bourg-en-Bresse;EI;\n\
8;Point final.;73282932000075;01000;Bourg-en-Bresse;EI;www.exemple.fr\n",
    );
    let kinds: Vec<(
        usize,
        Vec<partinnov_domain::kind::StructureKind>,
        Option<bool>,
    )> = c
        .rows
        .iter()
        .map(|r| (r.line, r.record.org().kinds.clone(), r.record.org().ess))
        .collect();
    use partinnov_domain::kind::StructureKind::*;
    assert_eq!(
        kinds,
        vec![
            (2, vec![Ei], None),
            (3, vec![Muni], None),
            (4, vec![], None),
            (5, vec![], Some(true)),
            (6, vec![Autre], None),
        ]
    );
    let mut problems: Vec<(usize, &str)> = c
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    problems.sort();
    // Line 9's SIRET fails our own check (its key), once, not again by the schema.
    assert_eq!(
        problems,
        vec![
            (7, "nom"),
            (8, "id"),
            (9, "nom"),
            (9, "siret"),
            (9, "site_web")
        ]
    );
    let message = |line: usize, column: &str| {
        c.problems
            .iter()
            .find(|p| p.line == line && p.column == column)
            .map(|p| p.message.as_str())
            .unwrap()
    };
    assert!(
        message(7, "nom")
            .contains("entre 3 et 150 caractères (2 ici) (règle du schéma data·inclusion)")
    );
    assert!(message(8, "id").contains("identifiant"));
    assert!(message(9, "nom").contains("point"));
    assert!(message(9, "siret").contains("clé de contrôle"));

    // The same names in an ordinary spreadsheet: our words for kinds, none of the
    // schema's rules.
    let c = check(
        Kind::Organisations,
        "Nom;Code postal;Ville;Typologie\nAB;01000;Bourg-en-Bresse;EI\n",
    );
    assert!(c.problems.is_empty(), "{:?}", c.problems);
}

#[test]
fn a_partnership_row_may_list_several_partners_in_the_same_order_in_each_column() {
    let c = check(
        Kind::Partnerships,
        "Intitulé;Partenaires;SIRET des partenaires;Communes des partenaires;Type de structure\n\
Achats groupés;\"Boulangerie Éole ; Jardins d'Anjou\";\"73282932000074 ;\";\"Bourg-en-Bresse ; Angers\";EI\n\
Deux sans SIRET;\"Ferme du Lac ; Garage Martin\";73282932000074;;\n\
Une commune inconnue;\"Ferme du Lac ; Garage Martin\";;\"Lyon ; Nulle-Part-sur-Mer\";\n",
    );
    assert_eq!(c.rows.len(), 1, "{:?}", c.problems);
    let Record::Partnership(p) = &c.rows[0].record else {
        panic!("not a partnership")
    };
    assert_eq!(p.org.name, "Boulangerie Éole");
    assert_eq!(
        p.org.siret.as_ref().map(|s| s.as_str()),
        Some("73282932000074")
    );
    assert_eq!(p.org.commune.map(|c| c.code), Some("01053"));
    assert_eq!(p.org.kinds, [partinnov_domain::kind::StructureKind::Ei]);
    let others: Vec<(&str, Option<&str>, Option<&str>)> = p
        .other_partners
        .iter()
        .map(|o| {
            (
                o.name.as_str(),
                o.siret.as_ref().map(|s| s.as_str()),
                o.commune.map(|c| c.code),
            )
        })
        .collect();
    assert_eq!(others, [("Jardins d'Anjou", None, Some("49007"))]);

    let problems: Vec<(usize, &str, &str)> = c
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            (3, "SIRET des partenaires", "73282932000074"),
            (4, "Communes des partenaires", "Nulle-Part-sur-Mer")
        ]
    );
    assert!(
        c.problems[0]
            .message
            .starts_with("2 partenaires dans « Partenaires » mais 1 valeur(s) ici"),
        "{}",
        c.problems[0].message
    );
}
