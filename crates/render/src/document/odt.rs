//! ODT (OpenDocument Text 1.3) written by hand. `mimetype` comes first and stored, the
//! manifest lists every part, headings carry their outline level (LibreOffice's navigator and
//! table of contents use it), a table's header row repeats on each page, the footer counts
//! pages with fields, `meta.xml` gives the title and language.
//!
//! Pictures are the SVG itself with a PNG of it as fallback in the same `draw:frame`, the
//! OpenDocument way of offering a replacement image: LibreOffice shows the SVG (sharp at any
//! zoom and in its PDF export), a reader without SVG support the PNG.

use std::fmt::Write;

use super::package::{Figure, Package, escape, figures, footer_parts, language};
use super::{Block, Document, DocumentError, Fact, Inline, Table, typography};
use crate::style;

const MIMETYPE: &str = "application/vnd.oasis.opendocument.text";
const XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3""#;

pub(crate) fn write(doc: &Document) -> Result<Vec<u8>, DocumentError> {
    let figures = figures(doc)?;
    let mut zip = Package::new("ODT");
    zip.stored("mimetype", MIMETYPE.as_bytes())?;
    zip.deflated("content.xml", content(doc, &figures).as_bytes())?;
    zip.deflated("styles.xml", styles(doc).as_bytes())?;
    zip.deflated("meta.xml", meta(doc).as_bytes())?;
    for f in &figures {
        zip.deflated(
            &format!("Pictures/figure{}.svg", f.number),
            f.svg.as_bytes(),
        )?;
        zip.stored(&format!("Pictures/figure{}.png", f.number), &f.png)?;
    }
    zip.deflated("META-INF/manifest.xml", manifest(&figures).as_bytes())?;
    zip.finish()
}

fn manifest(figures: &[Figure<'_>]) -> String {
    let mut s = format!(
        r#"{XML}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="{MIMETYPE}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>"#
    );
    for f in figures {
        let n = f.number;
        let _ = write!(
            s,
            r#"<manifest:file-entry manifest:full-path="Pictures/figure{n}.svg" manifest:media-type="image/svg+xml"/><manifest:file-entry manifest:full-path="Pictures/figure{n}.png" manifest:media-type="image/png"/>"#
        );
    }
    s.push_str("</manifest:manifest>");
    s
}

fn meta(doc: &Document) -> String {
    let (lang, country) = language(doc);
    format!(
        r#"{XML}<office:document-meta {NS}><office:meta><dc:title>{}</dc:title><dc:language>{lang}-{country}</dc:language><meta:generator>Part'Innov</meta:generator><meta:creation-date>{}T00:00:00</meta:creation-date></office:meta></office:document-meta>"#,
        escape(&doc.title),
        doc.issued_on.format("%Y-%m-%d"),
    )
}

fn styles(doc: &Document) -> String {
    let (lang, country) = language(doc);
    let ink = style::INK;
    let muted = style::MUTED;
    let accent = style::okabe_ito::BLUE;
    let heading = |n: u8, size: f32, before: f32, colour: &str| {
        format!(
            r#"<style:style style:name="Heading_20_{n}" style:display-name="Heading {n}" style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="{n}" style:class="text"><style:paragraph-properties fo:margin-top="{before}pt" fo:margin-bottom="4pt" fo:keep-with-next="always"/><style:text-properties fo:font-size="{size}pt" fo:font-weight="bold" fo:color="{colour}"/></style:style>"#
        )
    };
    let mut outline = String::new();
    for n in 1..=10 {
        let _ = write!(
            outline,
            r#"<text:outline-level-style text:level="{n}" style:num-format=""><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="nothing"/></style:list-level-properties></text:outline-level-style>"#
        );
    }
    let (before, between, after) = footer_parts(doc);
    format!(
        r##"{XML}<office:document-styles {NS}><office:font-face-decls><style:font-face style:name="DejaVu Sans" svg:font-family="'DejaVu Sans'" style:font-family-generic="swiss" style:font-pitch="variable"/></office:font-face-decls><office:styles><style:default-style style:family="paragraph"><style:text-properties style:font-name="DejaVu Sans" fo:font-size="10pt" fo:color="{ink}" fo:language="{lang}" fo:country="{country}"/></style:default-style><style:style style:name="Standard" style:family="paragraph" style:class="text"><style:paragraph-properties fo:margin-top="0pt" fo:margin-bottom="6pt" fo:line-height="125%"/></style:style><style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text"/><style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Subtitle" style:class="chapter"><style:paragraph-properties fo:margin-bottom="3pt"/><style:text-properties fo:font-size="20pt" fo:font-weight="bold"/></style:style><style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="chapter"><style:text-properties fo:font-size="12.5pt" fo:color="{muted}"/></style:style><style:style style:name="Issued" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body"><style:paragraph-properties fo:margin-bottom="14pt" fo:padding-bottom="4pt" fo:border-bottom="1.5pt solid {accent}"/><style:text-properties fo:font-size="8pt" fo:color="{muted}"/></style:style><style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:keep-with-next="always"/></style:style>{h1}{h2}{h3}<style:style style:name="List_20_Bullet" style:display-name="List Bullet" style:family="paragraph" style:parent-style-name="Standard" style:class="list"><style:paragraph-properties fo:margin-bottom="2pt"/></style:style><style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:text-align="center" fo:margin-top="3pt" fo:margin-bottom="10pt"/><style:text-properties fo:font-size="8.5pt" fo:font-style="italic" fo:color="{muted}"/></style:style><style:style style:name="Table_20_Caption" style:display-name="Table Caption" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-top="6pt" fo:margin-bottom="3pt" fo:keep-with-next="always"/><style:text-properties fo:font-size="9pt" fo:font-weight="bold" fo:color="{muted}"/></style:style><style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:margin-bottom="0pt" fo:line-height="115%"/><style:text-properties fo:font-size="9pt"/></style:style><style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Table_20_Contents" style:class="extra"><style:text-properties fo:font-weight="bold"/></style:style><style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:text-align="center" fo:margin-bottom="0pt"/><style:text-properties fo:font-size="8pt" fo:color="{muted}"/></style:style><style:style style:name="Missing" style:family="text"><style:text-properties fo:font-style="italic" fo:color="{muted}" fo:background-color="#EEEEEE"/></style:style><style:style style:name="Strong_20_Emphasis" style:display-name="Strong Emphasis" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style><style:style style:name="Emphasis" style:family="text"><style:text-properties fo:font-style="italic"/></style:style><text:outline-style style:name="Outline">{outline}</text:outline-style></office:styles><office:automatic-styles><style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="2cm" fo:margin-bottom="1cm" fo:margin-left="2cm" fo:margin-right="2cm"/><style:footer-style><style:header-footer-properties fo:min-height="1cm" fo:margin-top="0.4cm"/></style:footer-style></style:page-layout></office:automatic-styles><office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4"><style:footer><text:p text:style-name="Footer">{}<text:page-number text:select-page="current">1</text:page-number>{}<text:page-count>1</text:page-count>{}</text:p></style:footer></style:master-page></office:master-styles></office:document-styles>"##,
        escape(&before),
        escape(&between),
        escape(&after),
        h1 = heading(1, 15.0, 14.0, ink),
        h2 = heading(2, 12.5, 10.0, ink),
        h3 = heading(3, 11.0, 8.0, muted),
    )
}

/// Text inside a paragraph: runs of spaces kept, new lines and tabs as elements.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut spaces = 0;
    let flush = |out: &mut String, spaces: &mut usize| {
        match *spaces {
            0 => {}
            1 => out.push(' '),
            n => {
                out.push(' ');
                let _ = write!(out, r#"<text:s text:c="{}"/>"#, n - 1);
            }
        }
        *spaces = 0;
    };
    for c in s.chars() {
        match c {
            ' ' => spaces += 1,
            '\n' => {
                flush(&mut out, &mut spaces);
                out.push_str("<text:line-break/>");
            }
            '\t' => {
                flush(&mut out, &mut spaces);
                out.push_str("<text:tab/>");
            }
            c => {
                flush(&mut out, &mut spaces);
                out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
            }
        }
    }
    flush(&mut out, &mut spaces);
    out
}

fn span(style: &str, s: &str) -> String {
    format!(
        r#"<text:span text:style-name="{style}">{}</text:span>"#,
        text(s)
    )
}

fn runs(inlines: &[Inline], missing: &str) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(t) => text(t),
            Inline::Strong(t) => span("Strong_20_Emphasis", t),
            Inline::Emphasis(t) => span("Emphasis", t),
            // No-break spaces: the label reads as one mark, never split over two lines.
            Inline::Missing => span("Missing", &missing.replace(' ', "\u{a0}")),
        })
        .collect()
}

fn p(style: &str, content: &str) -> String {
    format!(r#"<text:p text:style-name="{style}">{content}</text:p>"#)
}

/// Automatic styles and body, built together since tables name their column styles.
struct Content<'a> {
    doc: &'a Document,
    styles: String,
    body: String,
    tables: usize,
}

fn content(doc: &Document, figures: &[Figure<'_>]) -> String {
    let mut c = Content {
        doc,
        styles: String::new(),
        body: String::new(),
        tables: 0,
    };
    c.styles.push_str(r##"<style:style style:name="PageBreak" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:break-before="page"/></style:style><style:style style:name="Numeric" style:family="paragraph" style:parent-style-name="Table_20_Contents"><style:paragraph-properties fo:text-align="end"/></style:style><style:style style:name="NumericHeading" style:family="paragraph" style:parent-style-name="Table_20_Heading"><style:paragraph-properties fo:text-align="end"/></style:style><style:style style:name="FigureParagraph" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center" fo:margin-top="6pt" fo:margin-bottom="0pt" fo:keep-with-next="always"/></style:style><style:style style:name="Figure" style:family="graphic"><style:graphic-properties style:wrap="none" style:vertical-pos="top" style:vertical-rel="baseline" style:horizontal-pos="center" style:horizontal-rel="paragraph"/></style:style><style:style style:name="HeaderCell" style:family="table-cell"><style:table-cell-properties fo:background-color="#F0F2F5" fo:padding="0.08cm" fo:border-top="none" fo:border-left="none" fo:border-right="none" fo:border-bottom="0.75pt solid #1A1A1A"/></style:style>"##);
    let rule = style::RULE;
    let _ = write!(
        c.styles,
        r#"<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border-top="none" fo:border-left="none" fo:border-right="none" fo:border-bottom="0.5pt solid {rule}"/></style:style><style:style style:name="FactLabel" style:family="text"><style:text-properties fo:font-weight="bold" fo:color="{}"/></style:style>"#,
        style::MUTED
    );
    c.body.push_str(&p("Title", &text(&doc.title)));
    if let Some(sub) = &doc.subtitle {
        c.body.push_str(&p("Subtitle", &text(sub)));
    }
    c.body
        .push_str(&p("Issued", &text(&typography::issued(doc))));
    let mut figures = figures.iter();
    let missing = &doc.labels.missing;
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text: t } => {
                let n = (*level).clamp(1, 3);
                let _ = write!(
                    c.body,
                    r#"<text:h text:style-name="Heading_20_{n}" text:outline-level="{n}">{}</text:h>"#,
                    text(t)
                );
            }
            Block::Paragraph(inlines) => {
                c.body.push_str(&p("Text_20_body", &runs(inlines, missing)))
            }
            Block::Bullets(items) => {
                c.body.push_str(r#"<text:list text:style-name="Bullets">"#);
                for item in items {
                    let _ = write!(
                        c.body,
                        "<text:list-item>{}</text:list-item>",
                        p("List_20_Bullet", &runs(item, missing))
                    );
                }
                c.body.push_str("</text:list>");
            }
            Block::Facts(facts) => c.facts(facts),
            Block::Table(t) => c.table(t),
            Block::Picture(_) => {
                if let Some(f) = figures.next() {
                    c.picture(f);
                }
            }
            Block::PageBreak => c.body.push_str(&p("PageBreak", "")),
        }
    }
    format!(
        r#"{XML}<office:document-content {NS}><office:automatic-styles><text:list-style style:name="Bullets"><text:list-level-style-bullet text:level="1" text:bullet-char="•"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.6cm" fo:text-indent="-0.45cm" fo:margin-left="0.6cm"/></style:list-level-properties><style:text-properties fo:color="{}"/></text:list-level-style-bullet></text:list-style>{}</office:automatic-styles><office:body><office:text>{}</office:text></office:body></office:document-content>"#,
        style::okabe_ito::BLUE,
        c.styles,
        c.body
    )
}

impl Content<'_> {
    /// Declares a table of `widths` (shares) and returns its name.
    fn table_styles(&mut self, widths: &[f32]) -> String {
        self.tables += 1;
        let name = format!("Table{}", self.tables);
        let _ = write!(
            self.styles,
            r#"<style:style style:name="{name}" style:family="table"><style:table-properties style:width="17cm" table:align="margins" fo:margin-bottom="8pt"/></style:style>"#
        );
        let total: f32 = widths.iter().sum();
        for (i, w) in widths.iter().enumerate() {
            let _ = write!(
                self.styles,
                r#"<style:style style:name="{name}.C{i}" style:family="table-column"><style:table-column-properties style:column-width="{:.2}cm"/></style:style>"#,
                17.0 * w / total
            );
        }
        name
    }

    fn columns(&mut self, name: &str, n: usize) {
        for i in 0..n {
            let _ = write!(
                self.body,
                r#"<table:table-column table:style-name="{name}.C{i}"/>"#
            );
        }
    }

    fn table(&mut self, t: &Table) {
        let cols = t.columns();
        let widths = t.shares();
        let name = self.table_styles(&widths);
        let numeric = |i: usize| t.numeric.get(i).copied().unwrap_or(false);
        let missing = self.doc.labels.missing.clone();
        if let Some(caption) = &t.caption {
            self.body.push_str(&p("Table_20_Caption", &text(caption)));
        }
        let _ = write!(
            self.body,
            r#"<table:table table:name="{name}" table:style-name="{name}">"#
        );
        self.columns(&name, cols);
        if !t.headers.is_empty() {
            self.body
                .push_str("<table:table-header-rows><table:table-row>");
            for i in 0..cols {
                let style = if numeric(i) {
                    "NumericHeading"
                } else {
                    "Table_20_Heading"
                };
                let h = t.headers.get(i).map_or("", String::as_str);
                let _ = write!(
                    self.body,
                    r#"<table:table-cell table:style-name="HeaderCell" office:value-type="string">{}</table:table-cell>"#,
                    p(style, &text(h))
                );
            }
            self.body
                .push_str("</table:table-row></table:table-header-rows>");
        }
        for row in &t.rows {
            self.body.push_str("<table:table-row>");
            for i in 0..cols {
                let style = if numeric(i) {
                    "Numeric"
                } else {
                    "Table_20_Contents"
                };
                let content = row.get(i).map_or(String::new(), |c| runs(c, &missing));
                let _ = write!(
                    self.body,
                    r#"<table:table-cell table:style-name="Cell" office:value-type="string">{}</table:table-cell>"#,
                    p(style, &content)
                );
            }
            self.body.push_str("</table:table-row>");
        }
        self.body.push_str("</table:table>");
    }

    fn facts(&mut self, facts: &[Fact]) {
        let name = self.table_styles(&[0.34, 0.66]);
        let missing = self.doc.labels.missing.clone();
        let _ = write!(
            self.body,
            r#"<table:table table:name="{name}" table:style-name="{name}">"#
        );
        self.columns(&name, 2);
        for f in facts {
            let _ = write!(
                self.body,
                r#"<table:table-row><table:table-cell table:style-name="Cell" office:value-type="string">{}</table:table-cell><table:table-cell table:style-name="Cell" office:value-type="string">{}</table:table-cell></table:table-row>"#,
                p("Table_20_Contents", &span("FactLabel", &f.label)),
                p("Table_20_Contents", &runs(&f.value, &missing)),
            );
        }
        self.body.push_str("</table:table>");
    }

    fn picture(&mut self, f: &Figure<'_>) {
        let n = f.number;
        let frame = format!(
            r#"<draw:frame draw:style-name="Figure" draw:name="Figure {n}" text:anchor-type="as-char" svg:width="{:.1}mm" svg:height="{:.1}mm" draw:z-index="0"><draw:image xlink:href="Pictures/figure{n}.svg" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad" draw:mime-type="image/svg+xml"/><draw:image xlink:href="Pictures/figure{n}.png" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad" draw:mime-type="image/png"/><svg:title>{}</svg:title><svg:desc>{}</svg:desc></draw:frame>"#,
            f.width_mm,
            f.height_mm,
            escape(&format!("Figure {n}")),
            escape(f.alt),
        );
        self.body.push_str(&p("FigureParagraph", &frame));
        self.body.push_str(&p("Caption", &text(&f.caption)));
    }
}
