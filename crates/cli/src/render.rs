//! `partinnov render`: the documents of the pages from the command line, for people who
//! hold the database rather than an account (read-only scope, like `partinnov export`).

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use partinnov_store::{PartnershipId, StoreError};
use partinnov_web::{documents, exports::File, i18n::Tr};

use crate::{
    Db,
    export::{one_line, params, scope_of, tr, write_out},
};

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
        tr(&self.lang)
    }

    fn format(&self, tr: &Tr) -> Result<partinnov_render::document::DocFormat> {
        documents::format(Some(&self.format), tr)
            .map_err(|_| anyhow::anyhow!("format « {} » inconnu : pdf, docx ou odt", self.format))
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
                .map_err(|e| match e {
                    StoreError::NotFound { .. } => {
                        anyhow::anyhow!("partenariat {partnership} introuvable")
                    }
                    e => anyhow::Error::new(e).context(format!("partenariat {partnership}")),
                })?;
            let file = documents::sheet_file(&store, &scope, partnership, format, tr)
                .await
                .map_err(|e| one_line(e, "document"))?;
            write_out(&common.out, &file.bytes, "document")
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
            .map_err(|e| one_line(e, "document"))?;
            write_out(&common.out, &bytes, "document")
        }
        RenderCommand::Strategy { common, workspace } => {
            let tr = common.tr()?;
            let format = common.format(&tr)?;
            let store = common.db.open().await?;
            let scope = scope_of(&store, &workspace).await?;
            let file = documents::strategy_file(&store, &scope, format, tr)
                .await
                .map_err(|e| one_line(e, "document"))?;
            write_out(&common.out, &file.bytes, "document")
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
            .map_err(|e| one_line(e, "document"))?;
            write_out(&common.out, &file.bytes, "document")
        }
        RenderCommand::Cartography {
            common,
            workspace,
            filters,
        } => {
            let tr = common.tr()?;
            common.format(&tr)?;
            let params = params(&filters, &common.format)?;
            let store = common.db.open().await?;
            let scope = scope_of(&store, &workspace).await?;
            let file: File = documents::cartography_file(&store, &scope, &params, tr)
                .await
                .map_err(|e| one_line(e, "document"))?;
            write_out(&common.out, &file.bytes, "document")
        }
    }
}
