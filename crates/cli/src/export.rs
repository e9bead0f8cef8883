//! `partinnov export`: the pages' downloads from the command line, for scripts and for
//! people who hold the database rather than an account. Filters use the API's names
//! (`--filter family=mecenat --filter status=actif`).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use partinnov_domain::lang::Lang;
use partinnov_web::{
    api::{Params, organisations_query, partnerships_query, period},
    error::{FieldError, WebError},
    exports::{self, File, Target},
    i18n::Tr,
};

use crate::Db;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Graphe des partenariats d'un espace : GEXF (Gephi, avec le temps), GraphML, SVG, PNG ou JSON.
    Graph(crate::export_graph::GraphArgs),
    /// Partenariats d'un espace (tous ceux qui correspondent aux filtres).
    Partnerships {
        #[command(flatten)]
        common: Common,
        /// Identifiant court de l'espace.
        #[arg(long)]
        workspace: String,
    },
    /// Registre des organisations ; aussi au schéma data·inclusion
    /// (--format datainclusion-json ou datainclusion-csv).
    Organisations {
        #[command(flatten)]
        common: Common,
    },
    /// Contacts d'un espace.
    Contacts {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        workspace: String,
    },
    /// Chiffres du tableau de bord d'un espace pour une période (--filter from=AAAA-MM-JJ
    /// --filter to=AAAA-MM-JJ ; par défaut l'année en cours).
    Dashboard {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        workspace: String,
    },
}

#[derive(Args)]
pub struct Common {
    #[command(flatten)]
    db: Db,
    /// csv, csv-excel (point-virgule, BOM, virgule décimale), xlsx ou json.
    #[arg(long, default_value = "csv")]
    format: String,
    /// Fichier à écrire ; « - » pour la sortie standard.
    #[arg(long)]
    out: PathBuf,
    /// Filtre CLÉ=VALEUR, avec les noms de l'API (family, form, status, departement, q…).
    #[arg(long = "filter", value_name = "CLÉ=VALEUR")]
    filters: Vec<String>,
    /// Langue des en-têtes et des libellés : fr ou en.
    #[arg(long, default_value = "fr")]
    lang: String,
}

impl Common {
    fn params(&self) -> Result<Params> {
        let mut map = std::collections::HashMap::new();
        for f in &self.filters {
            let Some((k, v)) = f.split_once('=') else {
                bail!("filtre « {f} » illisible : écrivez CLÉ=VALEUR, par exemple family=mecenat");
            };
            map.insert(k.trim().to_owned(), v.trim().to_owned());
        }
        map.insert("format".into(), self.format.clone());
        Ok(Params(map))
    }

    fn tr(&self) -> Result<Tr> {
        let lang: Lang = self
            .lang
            .parse()
            .map_err(|_| anyhow::anyhow!("langue « {} » inconnue : fr ou en", self.lang))?;
        Ok(Tr::new(lang))
    }
}

/// A web error as the one line the command prints.
fn one_line(e: WebError) -> anyhow::Error {
    match e {
        WebError::Invalid(errors) => anyhow::anyhow!(
            "{}",
            errors
                .iter()
                .map(|FieldError { field, message, .. }| format!("{field} : {message}"))
                .collect::<Vec<_>>()
                .join(" ; ")
        ),
        WebError::NotFound => anyhow::anyhow!("espace introuvable"),
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn run(command: ExportCommand) -> Result<()> {
    let (common, file) = match command {
        ExportCommand::Graph(args) => return crate::export_graph::run_graph(args).await,
        ExportCommand::Partnerships { common, workspace } => {
            let (tr, params) = (common.tr()?, common.params()?);
            let format = exports::table_format(&params, &tr).map_err(one_line)?;
            let query =
                partnerships_query(&params, &tr).map_err(|e| one_line(WebError::Invalid(e)))?;
            let store = common.db.open().await?;
            let scope = store
                .operator_read_scope(&workspace)
                .await
                .with_context(|| format!("espace « {workspace} »"))?;
            let items = exports::all_partnerships(&store, &scope, &query)
                .await
                .map_err(one_line)?;
            let sheet = exports::partnerships_sheet(&tr, &items);
            let file = exports::sheets_file(&[sheet], format, &format!("partenariats-{workspace}"))
                .map_err(one_line)?;
            (common, file)
        }
        ExportCommand::Organisations { common } => {
            let (tr, params) = (common.tr()?, common.params()?);
            let target = Target::from_params(&params, &tr, true).map_err(one_line)?;
            let query =
                organisations_query(&params, &tr).map_err(|e| one_line(WebError::Invalid(e)))?;
            let store = common.db.open().await?;
            let items = exports::all_organisations(&store, &query)
                .await
                .map_err(one_line)?;
            let file = exports::organisations_file(&tr, &items, target).map_err(one_line)?;
            (common, file)
        }
        ExportCommand::Contacts { common, workspace } => {
            let (tr, params) = (common.tr()?, common.params()?);
            let format = exports::table_format(&params, &tr).map_err(one_line)?;
            let store = common.db.open().await?;
            let scope = store
                .operator_read_scope(&workspace)
                .await
                .with_context(|| format!("espace « {workspace} »"))?;
            let items = store
                .contacts_up_to(&scope, None, params.get("q"), i64::MAX)
                .await?;
            let file = exports::sheets_file(
                &[exports::contacts_sheet(&tr, &items)],
                format,
                &format!("contacts-{workspace}"),
            )
            .map_err(one_line)?;
            (common, file)
        }
        ExportCommand::Dashboard { common, workspace } => {
            let (tr, params) = (common.tr()?, common.params()?);
            let format = exports::table_format(&params, &tr).map_err(one_line)?;
            let (from, to) = period(&params, &tr).map_err(|e| one_line(WebError::Invalid(e)))?;
            let store = common.db.open().await?;
            let scope = store
                .operator_read_scope(&workspace)
                .await
                .with_context(|| format!("espace « {workspace} »"))?;
            let d = store.dashboard(&scope, from, to).await?;
            let file = exports::sheets_file(
                &exports::dashboard_sheets(&tr, &d),
                format,
                &format!("tableau-de-bord-{workspace}-{from}-{to}"),
            )
            .map_err(one_line)?;
            (common, file)
        }
    };
    write_out(&common.out, &file)
}

/// Writes next to the target and renames at the end, so a failed export never leaves a
/// truncated file under the expected name.
fn write_out(out: &PathBuf, file: &File) -> Result<()> {
    use std::io::Write;
    if out.as_os_str() == "-" {
        std::io::stdout()
            .write_all(&file.bytes)
            .context("écriture sur la sortie standard impossible")?;
        return Ok(());
    }
    let partial = out.with_extension("partiel");
    std::fs::write(&partial, &file.bytes)
        .with_context(|| format!("impossible d'écrire {}", partial.display()))?;
    std::fs::rename(&partial, out)
        .with_context(|| format!("impossible de créer {}", out.display()))?;
    eprintln!(
        "export écrit : {} ({} octets)",
        out.display(),
        file.bytes.len()
    );
    Ok(())
}
