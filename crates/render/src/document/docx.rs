//! DOCX (Office Open XML) written by hand: the parts Word and LibreOffice need and no more.
//! Real heading styles (so Word's navigation pane and table of contents work), a table header
//! row repeated on each page, bullets through a numbering definition, pictures as PNG with
//! their text alternative, the footer's page number and count as fields, the document's
//! language in the styles and settings.

use std::fmt::Write;

use super::package::{Figure, Package, escape, figures, footer_parts, language};
use super::{Block, Document, DocumentError, Fact, Inline, Table, typography};
use crate::style;

/// Twentieths of a point: A4 and 20 mm margins.
const PAGE_W: u32 = 11_906;
const PAGE_H: u32 = 16_838;
const MARGIN: u32 = 1_134;
const TEXT_W: u32 = PAGE_W - 2 * MARGIN;
/// English Metric Units per millimetre.
const EMU_PER_MM: f64 = 36_000.0;

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#;
const XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

pub(crate) fn write(doc: &Document) -> Result<Vec<u8>, DocumentError> {
    let figures = figures(doc)?;
    let mut zip = Package::new("DOCX");
    zip.deflated("[Content_Types].xml", content_types().as_bytes())?;
    zip.deflated("_rels/.rels", ROOT_RELS.as_bytes())?;
    zip.deflated("docProps/core.xml", core(doc).as_bytes())?;
    zip.deflated(
        "word/_rels/document.xml.rels",
        document_rels(&figures).as_bytes(),
    )?;
    zip.deflated("word/document.xml", body(doc, &figures).as_bytes())?;
    zip.deflated("word/styles.xml", styles(doc).as_bytes())?;
    zip.deflated("word/settings.xml", settings(doc).as_bytes())?;
    zip.deflated("word/numbering.xml", NUMBERING.as_bytes())?;
    zip.deflated("word/footer1.xml", footer(doc).as_bytes())?;
    for f in &figures {
        zip.stored(&format!("word/media/figure{}.png", f.number), &f.png)?;
    }
    zip.finish()
}

fn content_types() -> String {
    let main = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    format!(
        r#"{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="{main}.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="{main}.styles+xml"/><Override PartName="/word/settings.xml" ContentType="{main}.settings+xml"/><Override PartName="/word/numbering.xml" ContentType="{main}.numbering+xml"/><Override PartName="/word/footer1.xml" ContentType="{main}.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#
    )
}

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

fn document_rels(figures: &[Figure<'_>]) -> String {
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut s = format!(
        r#"{XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="{rel}/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="{rel}/settings" Target="settings.xml"/><Relationship Id="rIdNumbering" Type="{rel}/numbering" Target="numbering.xml"/><Relationship Id="rIdFooter" Type="{rel}/footer" Target="footer1.xml"/>"#
    );
    for f in figures {
        let _ = write!(
            s,
            r#"<Relationship Id="rIdFigure{n}" Type="{rel}/image" Target="media/figure{n}.png"/>"#,
            n = f.number
        );
    }
    s.push_str("</Relationships>");
    s
}

fn core(doc: &Document) -> String {
    let (lang, country) = language(doc);
    format!(
        r#"{XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:language>{lang}-{country}</dc:language><dc:creator>Part'Innov</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">{}T00:00:00Z</dcterms:created></cp:coreProperties>"#,
        escape(&doc.title),
        doc.issued_on.format("%Y-%m-%d"),
    )
}

fn settings(doc: &Document) -> String {
    let (lang, country) = language(doc);
    format!(
        r#"{XML}<w:settings {NS}><w:defaultTabStop w:val="708"/><w:characterSpacingControl w:val="doNotCompress"/><w:themeFontLang w:val="{lang}-{country}"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#
    )
}

fn hex(c: &str) -> &str {
    c.trim_start_matches('#')
}

fn styles(doc: &Document) -> String {
    let (lang, country) = language(doc);
    let ink = hex(style::INK);
    let muted = hex(style::MUTED);
    let accent = hex(style::okabe_ito::BLUE);
    let rule = hex(style::RULE);
    let heading = |id: u8, size: u32, before: u32, colour: &str| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="Heading{id}"><w:name w:val="heading {id}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="80"/><w:outlineLvl w:val="{lvl}"/></w:pPr><w:rPr><w:b/><w:color w:val="{colour}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>"#,
            lvl = id - 1
        )
    };
    format!(
        r#"{XML}<w:styles {NS}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="DejaVu Sans" w:hAnsi="DejaVu Sans" w:cs="DejaVu Sans" w:eastAsia="DejaVu Sans"/><w:color w:val="{ink}"/><w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="{lang}-{country}"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Subtitle"/><w:qFormat/><w:pPr><w:spacing w:after="60"/></w:pPr><w:rPr><w:b/><w:sz w:val="40"/><w:szCs w:val="40"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:rPr><w:color w:val="{muted}"/><w:sz w:val="25"/><w:szCs w:val="25"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Issued"><w:name w:val="Issued"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="{accent}"/></w:pBdr><w:spacing w:after="240"/></w:pPr><w:rPr><w:color w:val="{muted}"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>{h1}{h2}{h3}<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:spacing w:after="40"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="center"/><w:spacing w:before="60" w:after="200"/></w:pPr><w:rPr><w:i/><w:color w:val="{muted}"/><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableCaption"><w:name w:val="Table Caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="60"/></w:pPr><w:rPr><w:b/><w:color w:val="{muted}"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/><w:spacing w:after="0"/></w:pPr><w:rPr><w:color w:val="{muted}"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style><w:style w:type="character" w:styleId="Missing"><w:name w:val="Missing"/><w:rPr><w:i/><w:color w:val="{muted}"/><w:shd w:val="clear" w:color="auto" w:fill="EEEEEE"/></w:rPr></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="table" w:styleId="PartinnovTable"><w:name w:val="Part'Innov Table"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="{rule}"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="{rule}"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="{rule}"/></w:tblBorders><w:tblCellMar><w:top w:w="50" w:type="dxa"/><w:left w:w="80" w:type="dxa"/><w:bottom w:w="50" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="F0F2F5"/></w:tcPr></w:tblStylePr></w:style></w:styles>"#,
        h1 = heading(1, 30, 280, ink),
        h2 = heading(2, 25, 200, ink),
        h3 = heading(3, 22, 160, muted),
    )
}

const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="360" w:hanging="280"/></w:pPr><w:rPr><w:color w:val="0072B2"/></w:rPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;

fn footer(doc: &Document) -> String {
    let (before, between, after) = footer_parts(doc);
    format!(
        r#"{XML}<w:ftr {NS}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>{}<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>{}<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple>{}</w:p></w:ftr>"#,
        run(&before, ""),
        run(&between, ""),
        run(&after, ""),
    )
}

/// A run of text; new lines become line breaks and tabs tabs.
fn run(text: &str, props: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let mut s = String::from("<w:r>");
    if !props.is_empty() {
        let _ = write!(s, "<w:rPr>{props}</w:rPr>");
    }
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            s.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                s.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                let _ = write!(s, r#"<w:t xml:space="preserve">{}</w:t>"#, escape(piece));
            }
        }
    }
    s.push_str("</w:r>");
    s
}

fn runs(inlines: &[Inline], missing: &str) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(t) => run(t, ""),
            Inline::Strong(t) => run(t, "<w:b/>"),
            Inline::Emphasis(t) => run(t, "<w:i/>"),
            // No-break spaces: the label reads as one mark, never split over two lines.
            Inline::Missing => run(
                &missing.replace(' ', "\u{a0}"),
                r#"<w:rStyle w:val="Missing"/>"#,
            ),
        })
        .collect()
}

fn paragraph(style: &str, extra: &str, content: &str) -> String {
    format!(r#"<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra}</w:pPr>{content}</w:p>"#)
}

fn body(doc: &Document, figures: &[Figure<'_>]) -> String {
    let missing = &doc.labels.missing;
    let mut s = format!("{XML}<w:document {NS}><w:body>");
    s.push_str(&paragraph("Title", "", &run(&doc.title, "")));
    if let Some(sub) = &doc.subtitle {
        s.push_str(&paragraph("Subtitle", "", &run(sub, "")));
    }
    s.push_str(&paragraph("Issued", "", &run(&typography::issued(doc), "")));
    let mut figures = figures.iter();
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let style = format!("Heading{}", (*level).clamp(1, 3));
                s.push_str(&paragraph(&style, "", &run(text, "")));
            }
            Block::Paragraph(inlines) => {
                s.push_str(&paragraph("Normal", "", &runs(inlines, missing)))
            }
            Block::Bullets(items) => {
                for item in items {
                    s.push_str(&paragraph("ListBullet", "", &runs(item, missing)));
                }
            }
            Block::Facts(facts) => s.push_str(&facts_table(facts, missing)),
            Block::Table(t) => s.push_str(&table(t, missing)),
            Block::Picture(_) => {
                if let Some(f) = figures.next() {
                    s.push_str(&picture(f));
                }
            }
            Block::PageBreak => s.push_str(r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#),
        }
    }
    let _ = write!(
        s,
        r#"<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/><w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/><w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    );
    s
}

fn grid(widths: &[u32]) -> String {
    let mut s = String::from("<w:tblGrid>");
    for w in widths {
        let _ = write!(s, r#"<w:gridCol w:w="{w}"/>"#);
    }
    s.push_str("</w:tblGrid>");
    s
}

fn table_start(look_first_row: bool) -> String {
    format!(
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="PartinnovTable"/><w:tblW w:w="{TEXT_W}" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="{}" w:firstRow="{}" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>"#,
        if look_first_row { "0420" } else { "0400" },
        u8::from(look_first_row),
    )
}

fn cell(width: u32, right: bool, content: &str) -> String {
    let jc = if right {
        r#"<w:jc w:val="right"/>"#
    } else {
        ""
    };
    format!(
        r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{}</w:tc>"#,
        paragraph("TableText", jc, content)
    )
}

fn table(t: &Table, missing: &str) -> String {
    let widths: Vec<u32> = t
        .shares()
        .iter()
        .map(|share| (TEXT_W as f32 * share).round() as u32)
        .collect();
    let numeric = |i: usize| t.numeric.get(i).copied().unwrap_or(false);
    let mut s = String::new();
    if let Some(caption) = &t.caption {
        s.push_str(&paragraph("TableCaption", "", &run(caption, "")));
    }
    s.push_str(&table_start(!t.headers.is_empty()));
    s.push_str(&grid(&widths));
    if !t.headers.is_empty() {
        s.push_str("<w:tr><w:trPr><w:tblHeader/></w:trPr>");
        for (i, w) in widths.iter().enumerate() {
            let text = t.headers.get(i).map_or("", String::as_str);
            s.push_str(&cell(*w, numeric(i), &run(text, "<w:b/>")));
        }
        s.push_str("</w:tr>");
    }
    for row in &t.rows {
        s.push_str("<w:tr>");
        for (i, w) in widths.iter().enumerate() {
            let content = row.get(i).map_or(String::new(), |c| runs(c, missing));
            s.push_str(&cell(*w, numeric(i), &content));
        }
        s.push_str("</w:tr>");
    }
    s.push_str("</w:tbl>");
    // Word needs a paragraph between two tables and after the last one.
    s.push_str(r#"<w:p><w:pPr><w:spacing w:after="60"/></w:pPr></w:p>"#);
    s
}

fn facts_table(facts: &[Fact], missing: &str) -> String {
    let label = TEXT_W * 34 / 100;
    let widths = [label, TEXT_W - label];
    let muted = hex(style::MUTED);
    let mut s = table_start(false);
    s.push_str(&grid(&widths));
    for f in facts {
        s.push_str("<w:tr>");
        s.push_str(&cell(
            widths[0],
            false,
            &run(&f.label, &format!(r#"<w:b/><w:color w:val="{muted}"/>"#)),
        ));
        s.push_str(&cell(widths[1], false, &runs(&f.value, missing)));
        s.push_str("</w:tr>");
    }
    s.push_str("</w:tbl>");
    s.push_str(r#"<w:p><w:pPr><w:spacing w:after="60"/></w:pPr></w:p>"#);
    s
}

fn picture(f: &Figure<'_>) -> String {
    let cx = (f.width_mm * EMU_PER_MM).round() as u64;
    let cy = (f.height_mm * EMU_PER_MM).round() as u64;
    let n = f.number;
    let alt = escape(f.alt);
    let drawing = format!(
        r#"<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{n}" name="Figure {n}" descr="{alt}"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="{n}" name="figure{n}.png" descr="{alt}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdFigure{n}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#
    );
    format!(
        "{}{}",
        paragraph(
            "Normal",
            r#"<w:keepNext/><w:spacing w:before="120" w:after="0"/><w:jc w:val="center"/>"#,
            &drawing
        ),
        paragraph("Caption", "", &run(&f.caption, ""))
    )
}
