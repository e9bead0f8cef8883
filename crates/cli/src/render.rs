//! `partinnov render`: the documents of the pages from the command line, for people who
//! hold the database rather than an account (read-only scope, like `partinnov export`).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use partinnov_domain::lang::Lang;
use partinnov_store::PartnershipId;
use partinnov_web::{api::Params, documents, error::WebError, exports::File, i18n::Tr};

use crate::Db;

#[derive(Subcommand)]
pub enum RenderCommand {
    /// Fiche de capitalisation d'un partenariat.
    Sheet {
        #[command(flatten)]
        common: Common,
        /// Identifiant du partenariat (dans son adresse : /espaces/…/partenariats/ID).
        #[arg(long)]
        partnership: i64,
    },
    /// Toutes les fiches de capitalisation d'un espace, réunies dans une archive ZIP.
    Sheets {
        #[command(flatten)]
        common: Common,
        /// Identifiant court de l'espace.
        #[arg(long)]
        workspace: String,
    },
    /// Synthèse de la stratégie partenariale d'un espace.
    Strategy {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        workspace: String,
    },
    /// Rapport d'une évaluation en quatre étapes.
    Evaluation {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        workspace: String,
        /// Identifiant de l'évaluation (dans l'API : /api/v1/evaluations/ID).
        #[arg(long)]
        evaluation: i64,
    },
    /// Cartographie d'un espace : graphe, carte et matrices avec leurs légendes.
    Cartography {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        workspace: String,
        /// Filtre CLÉ=VALEUR de la page Cartographie (family, status, kind, departement,
        /// sector, date=AAAA-MM-JJ).
        #[arg(long = "filter", value_name = "CLÉ=VALEUR")]
        filters: Vec<String>,
    },
}

#[derive(Args)]
pub struct Common {
    #[command(flatten)]
    db: Db,
    /// pdf, docx ou odt.
    #[arg(long, default_value = "pdf")]
    format: String,
    /// Fichier à écrire.
    #[arg(long)]
    out: PathBuf,
    /// Langue du document : fr ou en.
    #[arg(long, default_value = "fr")]
    lang: String,
}

impl Common {
    fn tr(&self) -> Result<Tr> {
        let lang: Lang = self
            .lang
            .parse()
            .map_err(|_| anyhow::anyhow!("langue « {} » inconnue : fr ou en", self.lang))?;
        Ok(Tr::new(lang))
    }

    fn format(&self, tr: &Tr) -> Result<partinnov_render::document::DocFormat> {
        documents::format(Some(&self.format), tr)
            .map_err(|_| anyhow::anyhow!("format « {} » inconnu : pdf, docx ou odt", self.format))
    }
}

fn one_line(e: WebError) -> anyhow::Error {
    match e {
        WebError::Invalid(errors) => anyhow::anyhow!(
            "{}",
            errors
                .iter()
                .map(|e| format!("{} : {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join(" ; ")
        ),
        WebError::NotFound => anyhow::anyhow!("introuvable"),
        WebError::Internal(e) => anyhow::anyhow!("le document n'a pas pu être écrit : {e}"),
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn run(command: RenderCommand) -> Result<()> {
    match command {
        RenderCommand::Sheet {
            common,
            partnership,
        } => {
            let tr = common.tr()?;
            let format = common.format(&tr)?;
            let store = common.db.open().await?;
            let scope = store
                .operator_partnership_scope(PartnershipId(partnership))
                .await
                .with_context(|| format!("partenariat {partnership}"))?;
            let file = documents::sheet_file(&store, &scope, partnership, format, tr)
                .await
                .map_err(one_line)?;
            write_out(&common.out, &file.bytes)
        }
        RenderCommand::Sheets { common, workspace } => {
            let tr = common.tr()?;
            let format = common.format(&tr)?;
            let store = common.db.open().await?;
            let scope = scope_of(&store, &workspace).await?;
            let today = chrono::Utc::now().date_naive();
            let bytes = documents::sheets_zip(&store, &scope, tr, format, today, |done, total| {
                if done == total || done % 50 == 0 {
                    eprintln!("fiches : {done} sur {total}");
                }
            })
            .await
            .map_err(one_line)?;
            write_out(&common.out, &bytes)
        }
        RenderCommand::Strategy { common, workspace } => {
            let tr = common.tr()?;
            let format = common.format(&tr)?;
            let store = common.db.open().await?;
            let scope = scope_of(&store, &workspace).await?;
            let file = documents::strategy_file(&store, &scope, format, tr)
                .await
                .map_err(one_line)?;
            write_out(&common.out, &file.bytes)
        }
        RenderCommand::Evaluation {
            common,
            workspace,
            evaluation,
        } => {
            let tr = common.tr()?;
            let format = common.format(&tr)?;
            let store = common.db.open().await?;
            let scope = scope_of(&store, &workspace).await?;
            let file = documents::evaluation_file(
                &store,
                &scope,
                partinnov_store::EvaluationId(evaluation),
                format,
                tr,
            )
            .await
            .map_err(one_line)?;
            write_out(&common.out, &file.bytes)
        }
        RenderCommand::Cartography {
            common,
            workspace,
            filters,
        } => {
            let tr = common.tr()?;
            let mut map = std::collections::HashMap::new();
            for f in &filters {
                let Some((k, v)) = f.split_once('=') else {
                    anyhow::bail!(
                        "filtre « {f} » illisible : écrivez CLÉ=VALEUR, par exemple family=mecenat"
                    );
                };
                map.insert(k.trim().to_owned(), v.trim().to_owned());
            }
            map.insert("format".into(), common.format.clone());
            common.format(&tr)?;
            let store = common.db.open().await?;
            let scope = scope_of(&store, &workspace).await?;
            let file: File = documents::cartography_file(&store, &scope, &Params(map), tr)
                .await
                .map_err(one_line)?;
            write_out(&common.out, &file.bytes)
        }
    }
}

async fn scope_of(
    store: &partinnov_store::Store,
    slug: &str,
) -> Result<partinnov_store::WorkspaceScope> {
    store
        .operator_read_scope(slug)
        .await
        .with_context(|| format!("espace « {slug} »"))
}

/// Writes next to the target and renames at the end: a failed render never leaves a
/// truncated file under the expected name.
fn write_out(out: &PathBuf, bytes: &[u8]) -> Result<()> {
    let partial = out.with_extension("partiel");
    std::fs::write(&partial, bytes)
        .with_context(|| format!("impossible d'écrire {}", partial.display()))?;
    std::fs::rename(&partial, out)
        .with_context(|| format!("impossible de créer {}", out.display()))?;
    eprintln!(
        "document écrit : {} ({} octets)",
        out.display(),
        bytes.len()
    );
    Ok(())
}
