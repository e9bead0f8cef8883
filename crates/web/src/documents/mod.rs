//! The documents people print, send to a board or a funder, or edit: each is built here as a
//! [`Document`] from what the caller's scope sees, then written as PDF, DOCX or ODT by
//! `partinnov_render::document`. Pages, the API and the command line call the same
//! builders, so a sheet downloaded from the browser and one made by `partinnov render` are
//! the same document.

pub mod cartography;
pub mod evaluation;
pub mod sheet;
pub mod strategy;

use chrono::{NaiveDate, Utc};
use partinnov_render::document::{Block, DocFormat, Document, Inline, Labels};
use partinnov_store::PartnershipId;

use crate::{api::Params, error::WebError, exports::File, i18n::Tr};

/// The words the writers print themselves, from the catalogue.
fn labels(t: &Tr) -> Labels {
    Labels {
        missing: t.t("doc.missing").to_owned(),
        issued: t.t("doc.issued").to_owned(),
        page: t.t("doc.page").to_owned(),
        figure: t.t("doc.figure").to_owned(),
    }
}

/// An empty document in the caller's language, issued `today`.
pub fn blank(t: &Tr, title: String, subtitle: Option<String>, today: NaiveDate) -> Document {
    Document {
        title,
        subtitle,
        lang: t.lang_code().to_owned(),
        issued_on: today,
        labels: labels(t),
        blocks: vec![],
    }
}

/// A text that may be empty: the text, or "à compléter".
pub fn text_or_missing(s: &str) -> Vec<Inline> {
    vec![Inline::or_missing(s)]
}

pub fn heading(level: u8, text: &str) -> Block {
    Block::Heading {
        level,
        text: text.to_owned(),
    }
}

/// A table cell holding plain text.
pub fn cell(s: &str) -> Vec<Inline> {
    vec![Inline::text(s)]
}

/// A note as paragraphs, one per blank-line-separated block with its whitespace runs made
/// single spaces; an empty note is one "à compléter".
pub fn paragraphs(text: &str) -> Vec<Block> {
    let parts: Vec<Block> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            Block::Paragraph(vec![Inline::text(
                p.split_whitespace().collect::<Vec<_>>().join(" "),
            )])
        })
        .collect();
    if parts.is_empty() {
        vec![Block::Paragraph(vec![Inline::Missing])]
    } else {
        parts
    }
}

/// The `format` query value: PDF unless another is named; an unknown one is refused.
pub fn format(value: Option<&str>, t: &Tr) -> Result<DocFormat, WebError> {
    match value {
        None | Some("") => Ok(DocFormat::Pdf),
        Some(v) => {
            DocFormat::parse(v).ok_or_else(|| WebError::BadRequest(t.error("unknown_format")))
        }
    }
}

/// A file name made of ASCII letters, digits and dashes, from a title or a slug.
pub fn file_stem(s: &str) -> String {
    let folded = partinnov_domain::text::fold(s);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "document".to_owned()
    } else {
        out.chars().take(60).collect()
    }
}

/// Writes `doc` in `format`, off the async threads, as a download named `{stem}.{ext}`. A
/// document that cannot be written (a broken picture, say) is an internal error, logged
/// once, never half a file.
async fn file(doc: Document, format: DocFormat, stem: &str) -> Result<File, WebError> {
    let name = format!("{}.{}", file_stem(stem), format.as_str());
    let bytes =
        tokio::task::spawn_blocking(move || partinnov_render::document::write(&doc, format))
            .await
            .map_err(|e| WebError::Internal(Box::new(e)))?
            .map_err(|e| WebError::Internal(Box::new(e)))?;
    Ok(File {
        bytes,
        content_type: format.content_type(),
        name,
    })
}

/// The sheet of partnership `id` as a file (pages and API alike).
pub async fn sheet_file(
    store: &partinnov_store::Store,
    scope: &partinnov_store::WorkspaceScope,
    id: i64,
    format: DocFormat,
    t: Tr,
) -> Result<File, WebError> {
    let today = Utc::now().date_naive();
    let data = sheet::gather(store, scope, PartnershipId(id), today).await?;
    let doc = sheet::document(&data, &t, today);
    let stem = format!("fiche-{}", data.partnership.data.title);
    file(doc, format, &stem).await
}

/// The strategy synthesis of a workspace as a file.
pub async fn strategy_file(
    store: &partinnov_store::Store,
    scope: &partinnov_store::WorkspaceScope,
    format: DocFormat,
    t: Tr,
) -> Result<File, WebError> {
    let doc = strategy::strategy_synthesis(store, scope, &t).await?;
    let stem = format!("strategie-{}", scope.slug);
    file(doc, format, &stem).await
}

/// The report of evaluation `id` (of a partnership of the scope's workspace) as a file.
pub async fn evaluation_file(
    store: &partinnov_store::Store,
    scope: &partinnov_store::WorkspaceScope,
    id: partinnov_store::EvaluationId,
    format: DocFormat,
    t: Tr,
) -> Result<File, WebError> {
    let e = store.evaluation(scope, id).await?;
    let p = store.partnership(scope, e.partnership_id).await?;
    evaluation_report(&e, &scope.name, &p.data.title, &p.partner_refs, format, t).await
}

/// The same report for the invited partner of the evaluated partnership.
pub async fn shared_evaluation_file(
    store: &partinnov_store::Store,
    g: &partinnov_store::guests::GuestScope,
    id: partinnov_store::EvaluationId,
    format: DocFormat,
    t: Tr,
) -> Result<File, WebError> {
    let e = store.shared_evaluation(g, id).await?;
    let p = store.shared_partnership(g, e.partnership_id).await?;
    evaluation_report(&e, &g.name, &p.title, &p.partners, format, t).await
}

async fn evaluation_report(
    e: &partinnov_store::evaluations::Evaluation,
    structure: &str,
    title: &str,
    partners: &[partinnov_store::partnerships::PartnerRef],
    format: DocFormat,
    t: Tr,
) -> Result<File, WebError> {
    let doc = evaluation::evaluation_document(
        &t,
        &evaluation::ReportContext {
            structure,
            title,
            partners,
            issued_on: Utc::now().date_naive(),
        },
        e,
    );
    let stem = format!("evaluation-{title}");
    file(doc, format, &stem).await
}

/// The cartography of a workspace as a document, with the filters and day of the query.
pub async fn cartography_file(
    store: &partinnov_store::Store,
    scope: &partinnov_store::WorkspaceScope,
    params: &Params,
    t: Tr,
) -> Result<File, WebError> {
    let format = format(params.get("format"), &t)?;
    let today = Utc::now().date_naive();
    let (_, sel) = crate::carto::selection(params, &t, today);
    let sel = sel.map_err(WebError::Invalid)?;
    let data = store.carto(scope).await?;
    let doc = cartography::document(&data, &scope.name, &sel, &t, today);
    let stem = format!("cartographie-{}-{}", scope.slug, sel.as_of);
    file(doc, format, &stem).await
}

/// Every capitalisation sheet of the scope's workspace in one ZIP, one file per
/// partnership named `{id}-{title}.{ext}`. Reads each sheet through the scope, writes
/// several at once on the blocking pool, and reports `(done, total)` after each.
/// Any failure stops the whole bundle: a ZIP with sheets missing would look complete.
pub async fn sheets_zip(
    store: &partinnov_store::Store,
    scope: &partinnov_store::WorkspaceScope,
    t: Tr,
    format: DocFormat,
    today: NaiveDate,
    progress: impl Fn(usize, usize),
) -> Result<Vec<u8>, WebError> {
    use std::io::Write;

    let internal = |e: Box<dyn std::error::Error + Send + Sync>| WebError::Internal(e);
    let all = crate::exports::all_partnerships(
        store,
        scope,
        &partinnov_store::partnerships::PartnershipQuery::default(),
    )
    .await?;
    let total = all.len();
    progress(0, total);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // PDF, DOCX and ODT are compressed already: storing them is as small and much faster.
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut done = 0;
    for chunk in all.chunks(workers * 2) {
        let mut pending = Vec::with_capacity(chunk.len());
        for p in chunk {
            let data = sheet::gather(store, scope, p.id, today).await?;
            let doc = sheet::document(&data, &t, today);
            let name = format!(
                "{}-{}.{}",
                p.id.0,
                file_stem(&p.data.title),
                format.as_str()
            );
            pending.push((
                name,
                tokio::task::spawn_blocking(move || {
                    partinnov_render::document::write(&doc, format)
                }),
            ));
        }
        for (name, task) in pending {
            let bytes = task
                .await
                .map_err(|e| internal(Box::new(e)))?
                .map_err(|e| internal(Box::new(e)))?;
            zip.start_file(name, options)
                .map_err(|e| internal(Box::new(e)))?;
            zip.write_all(&bytes).map_err(|e| internal(Box::new(e)))?;
            done += 1;
            progress(done, total);
        }
    }
    Ok(zip
        .finish()
        .map_err(|e| internal(Box::new(e)))?
        .into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_only_plain_letters() {
        assert_eq!(
            file_stem("Fiche — Envie × Caisse d'Épargne"),
            "fiche-envie-caisse-d-epargne"
        );
        assert_eq!(file_stem("«»"), "document");
    }

    #[test]
    fn an_unknown_format_is_refused_and_none_means_pdf() {
        let t = Tr::new(partinnov_domain::lang::Lang::Fr);
        assert_eq!(format(None, &t).unwrap(), DocFormat::Pdf);
        assert_eq!(format(Some("ODT"), &t).unwrap(), DocFormat::Odt);
        assert!(format(Some("rtf"), &t).is_err());
    }
}
