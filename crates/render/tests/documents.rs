//! Documents as a reader gets them: the PDF read back as text (pdf-extract) finds the
//! partner's name with its accents, the figures, the "à compléter" of empty fields, the footer
//! with the right page count, the table header again on later pages and the picture's own
//! text; DOCX and ODT are well-formed packages whose every XML part parses, with real heading
//! styles, the picture embedded and described, and French typography. A broken picture is an
//! error that names it, never a panic.

mod common;

use std::io::Read;

use common::sample_document::{AMOUNT, PARTNER, PARTNER_TYPOGRAPHIC, SECOND, labels, sheet};
use partinnov_render::document::{
    Block, DocFormat, Document, DocumentError, Inline, Picture, Table, write,
};

/// Text of each page, with every kind of space made a plain one and runs of spaces folded, so
/// that a name wrapped across two lines is still found.
fn pdf_pages(doc: &Document) -> Vec<String> {
    let bytes = write(doc, DocFormat::Pdf).expect("PDF");
    assert!(bytes.starts_with(b"%PDF-"));
    pdf_extract::extract_text_from_mem_by_pages(&bytes)
        .expect("the PDF reads back")
        .into_iter()
        .map(|p| normalise(&p))
        .collect()
}

#[test]
fn pdf_says_its_language_and_lists_its_headings() {
    let bytes = write(&sheet(50, 5, false), DocFormat::Pdf).expect("PDF");
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"/Lang(fr)"));
    assert!(has(b"/Outlines"));
    assert!(has(b"/Title(Historique)"), "level-2 heading in the outline");
}

fn normalise(s: &str) -> String {
    s.replace(['\u{a0}', '\u{202f}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn pdf_reads_back_with_names_accents_figures_and_missing_fields() {
    let pages = pdf_pages(&sheet(200, 10, false));
    let all = pages.join(" ");
    assert!(all.contains(PARTNER_TYPOGRAPHIC), "{all}");
    assert!(all.contains(SECOND));
    assert!(all.contains(&normalise(AMOUNT)), "{all}");
    assert!(all.contains("775 622 241 00019"));
    assert!(all.contains("à compléter"));
    assert!(
        all.contains("« Les Jardins de la Montagne Verte »"),
        "{all}"
    );
    assert!(all.contains("Édité le 23/11/2026"));
    let n = pages.len();
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} sur {n}", i + 1)),
            "footer of page {}: {page}",
            i + 1
        );
    }
}

#[test]
fn long_text_and_long_table_flow_over_pages_with_the_header_repeated() {
    let pages = pdf_pages(&sheet(3000, 80, false));
    let n = pages.len();
    assert!(n >= 4, "3,000 words and 80 rows fill {n} pages");
    assert!(pages[0].contains(&format!("Page 1 sur {n}")));
    assert!(pages[n - 1].contains(&format!("Page {n} sur {n}")));
    let with_header: Vec<usize> = (0..n)
        .filter(|&i| pages[i].contains("Année Partenaire Forme Montant"))
        .collect();
    assert!(with_header.len() >= 2, "header on pages {with_header:?}");
    assert!(with_header[1] > with_header[0]);
    // Every row is there: the last year and the last amount of the table.
    let all = pages.join(" ");
    assert!(
        all.contains("40 923 €") || all.contains("40 923"),
        "row 80 is missing"
    );
}

#[test]
fn more_text_makes_more_pages() {
    let short = pdf_pages(&sheet(100, 5, false)).len();
    let long = pdf_pages(&sheet(3000, 5, false)).len();
    assert!(long > short, "{short} pages then {long}");
}

#[test]
fn a_picture_is_drawn_with_its_own_text_and_a_numbered_caption() {
    let without = pdf_pages(&sheet(50, 5, false)).join(" ");
    let with = pdf_pages(&sheet(50, 5, true)).join(" ");
    // Only the matrix names the third partner. Its labels are placed glyph by glyph, which
    // the extractor reads back with spaces between letters.
    let squeeze = |s: &str| s.replace(' ', "");
    assert!(!squeeze(&without).contains("MairiedeSélestat"));
    assert!(squeeze(&with).contains("MairiedeSélestat"), "{with}");
    assert!(
        with.contains("Figure 1 : Formes de partenariat par partenaire"),
        "{with}"
    );
}

#[test]
fn a_row_taller_than_a_page_is_split_and_nothing_is_lost() {
    let words: Vec<String> = (1..=1500).map(|i| format!("mot{i:04}")).collect();
    let mut doc = sheet(10, 0, false);
    doc.blocks.push(Block::Table(Table {
        headers: vec!["Étape".to_owned(), "Récit".to_owned()],
        rows: vec![vec![
            vec![Inline::text("1")],
            vec![Inline::text(words.join(" "))],
        ]],
        numeric: vec![true, false],
        widths: vec![],
        caption: None,
    }));
    let pages = pdf_pages(&doc);
    let all = pages.join(" ");
    for w in ["mot0001", "mot0750", "mot1500"] {
        assert!(all.contains(w), "{w} is lost");
    }
    assert!(pages.len() >= 3);
}

fn broken() -> Document {
    let mut doc = sheet(10, 2, false);
    doc.blocks.push(Block::Picture(Picture {
        svg: "<svg xmlns='http://www.w3.org/2000/svg'><rect".to_owned(),
        caption: "Carte des partenaires".to_owned(),
        alt: "Carte".to_owned(),
    }));
    doc
}

#[test]
fn a_broken_picture_is_an_error_naming_it_in_every_format() {
    for format in DocFormat::ALL {
        match write(&broken(), format) {
            Err(e @ DocumentError::Picture { .. }) => {
                assert!(e.to_string().contains("Carte des partenaires"), "{e}");
            }
            other => panic!("{format:?}: {:?}", other.map(|b| b.len())),
        }
    }
}

/// Every entry of a ZIP: name, compression, bytes, in order.
fn unzip(bytes: &[u8]) -> Vec<(String, zip::CompressionMethod, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).expect("entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("read entry");
            (
                f.name().expect("entry name").to_string(),
                f.compression(),
                data,
            )
        })
        .collect()
}

fn part<'a>(entries: &'a [(String, zip::CompressionMethod, Vec<u8>)], name: &str) -> &'a str {
    let (_, _, data) = entries
        .iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("{name} is missing"));
    std::str::from_utf8(data).expect("UTF-8")
}

/// Parses every XML part: each must be well-formed.
fn all_parse(entries: &[(String, zip::CompressionMethod, Vec<u8>)]) {
    for (name, _, data) in entries {
        if name.ends_with(".xml") || name.ends_with(".rels") || name.ends_with(".svg") {
            let text = std::str::from_utf8(data).expect("UTF-8");
            roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

/// The text of each `block` element (by local name) of `xml`.
fn texts(xml: &str, block: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("XML");
    doc.descendants()
        .filter(|n| n.tag_name().name() == block)
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect::<String>()
        })
        .collect()
}

#[test]
fn docx_is_a_well_formed_package_with_headings_picture_and_footer_fields() {
    let doc = sheet(300, 20, true);
    let entries = unzip(&write(&doc, DocFormat::Docx).expect("DOCX"));
    all_parse(&entries);
    let types = part(&entries, "[Content_Types].xml");
    for (name, _, _) in &entries {
        if name.ends_with(".xml") && name != "[Content_Types].xml" {
            assert!(
                types.contains(&format!("PartName=\"/{name}\"")),
                "{name} has no content type"
            );
        }
    }
    let body = part(&entries, "word/document.xml");
    let paragraphs = texts(body, "p");
    let all = paragraphs.join("\n");
    assert!(all.contains(PARTNER_TYPOGRAPHIC));
    assert!(all.contains(SECOND));
    assert!(all.contains(AMOUNT));
    assert!(
        all.contains("Objectif\u{202f}: à\u{a0}compléter"),
        "French typography and the missing label"
    );
    for style in [
        "Title",
        "Heading1",
        "Heading2",
        "Heading3",
        "ListBullet",
        "Caption",
    ] {
        assert!(
            body.contains(&format!("<w:pStyle w:val=\"{style}\"/>")),
            "{style}"
        );
    }
    let styles = part(&entries, "word/styles.xml");
    assert!(
        styles.contains(r#"w:styleId="Heading1""#)
            && styles.contains(r#"<w:outlineLvl w:val="0"/>"#)
    );
    assert!(styles.contains(r#"<w:lang w:val="fr-FR"/>"#));
    assert!(part(&entries, "word/settings.xml").contains("fr-FR"));
    assert!(body.contains("<w:tblHeader/>"));
    assert!(body.contains(r#"<w:rStyle w:val="Missing"/>"#));
    // The picture: a PNG part, a relationship to it, a drawing that uses it, its description.
    let png = entries
        .iter()
        .find(|(n, _, _)| n == "word/media/figure1.png")
        .expect("PNG part");
    assert!(png.2.starts_with(b"\x89PNG"));
    assert!(part(&entries, "word/_rels/document.xml.rels").contains(r#"Id="rIdFigure1""#));
    assert!(body.contains(r#"r:embed="rIdFigure1""#));
    assert!(
        body.contains("descr=\"Matrice\u{202f}: Caisse d’Épargne"),
        "alt text in docPr"
    );
    assert!(all.contains("Figure 1\u{202f}: Formes de partenariat par partenaire"));
    let footer = part(&entries, "word/footer1.xml");
    assert!(footer.contains(" PAGE ") && footer.contains(" NUMPAGES "));
    assert!(footer.contains("Édité le 23/11/2026"));
}

#[test]
fn odt_is_a_well_formed_package_with_outline_levels_and_the_svg_picture() {
    let doc = sheet(300, 20, true);
    let entries = unzip(&write(&doc, DocFormat::Odt).expect("ODT"));
    let (first, method, data) = &entries[0];
    assert_eq!(first, "mimetype");
    assert_eq!(*method, zip::CompressionMethod::Stored);
    assert_eq!(data, b"application/vnd.oasis.opendocument.text");
    all_parse(&entries);
    let manifest = part(&entries, "META-INF/manifest.xml");
    for (name, _, _) in &entries {
        if name != "mimetype" && name != "META-INF/manifest.xml" {
            assert!(
                manifest.contains(&format!("manifest:full-path=\"{name}\"")),
                "{name} not in the manifest"
            );
        }
    }
    let content = part(&entries, "content.xml");
    let all = texts(content, "p").join("\n") + &texts(content, "h").join("\n");
    assert!(all.contains(PARTNER_TYPOGRAPHIC));
    assert!(all.contains(SECOND));
    assert!(all.contains(AMOUNT));
    assert!(all.contains("Objectif\u{202f}: à\u{a0}compléter"));
    for level in 1..=3 {
        assert!(content.contains(&format!(
            r#"text:style-name="Heading_20_{level}" text:outline-level="{level}""#
        )));
    }
    assert!(content.contains("<table:table-header-rows>"));
    assert!(content.contains(r#"text:style-name="Missing""#));
    assert!(content.contains(r#"xlink:href="Pictures/figure1.svg""#));
    assert!(content.contains(r#"xlink:href="Pictures/figure1.png""#));
    assert!(content.contains("<svg:desc>Matrice\u{202f}: Caisse d’Épargne"));
    let svg = part(&entries, "Pictures/figure1.svg");
    assert!(svg.contains("Mairie de Sélestat"));
    let styles = part(&entries, "styles.xml");
    assert!(styles.contains("<text:page-number") && styles.contains("<text:page-count"));
    assert!(styles.contains(r#"style:default-outline-level="1""#));
    let meta = part(&entries, "meta.xml");
    assert!(meta.contains("<dc:language>fr-FR</dc:language>"));
    assert!(meta.contains("Fiche de capitalisation\u{202f}: Caisse d’Épargne"));
}

#[test]
fn english_documents_keep_plain_typography() {
    let mut doc = sheet(20, 2, false);
    doc.lang = "en".to_owned();
    doc.labels = labels();
    let entries = unzip(&write(&doc, DocFormat::Docx).expect("DOCX"));
    let body = part(&entries, "word/document.xml");
    assert!(body.contains(&partinnov_render::xml::escape(PARTNER)));
    assert!(
        body.contains("Objectif : "),
        "no narrow space added in English"
    );
    assert!(part(&entries, "word/styles.xml").contains("en-GB"));
}
