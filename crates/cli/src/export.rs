//! `partinnov export`: the pages' downloads from the command line, for scripts and for
//! people who hold the database rather than an account. Filters use the API's names
//! (`--filter family=mecenat --filter status=actif`).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use partinnov_domain::lang::Lang;
use partinnov_store::{Store, StoreError, WorkspaceScope};
use partinnov_web::{
    api::Params,
    error::{FieldError, WebError},
    exports,
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
        params(&self.filters, &self.format)
    }

    fn tr(&self) -> Result<Tr> {
        tr(&self.lang)
    }
}

/// `--filter CLÉ=VALEUR` options and the format, as the API's query parameters.
pub(crate) fn params(filters: &[String], format: &str) -> Result<Params> {
    let mut map = std::collections::HashMap::new();
    for f in filters {
        let Some((k, v)) = f.split_once('=') else {
            bail!("filtre « {f} » illisible : écrivez CLÉ=VALEUR, par exemple family=mecenat");
        };
        map.insert(k.trim().to_owned(), v.trim().to_owned());
    }
    map.insert("format".into(), format.to_owned());
    Ok(Params(map))
}

/// The catalogue of `--lang`.
pub(crate) fn tr(lang: &str) -> Result<Tr> {
    let lang: Lang = lang
        .parse()
        .map_err(|_| anyhow::anyhow!("langue « {lang} » inconnue : fr ou en"))?;
    Ok(Tr::new(lang))
}

/// A web error as the one line the command prints; `missing` names what was not found.
pub(crate) fn one_line(e: WebError, missing: &str) -> anyhow::Error {
    match e {
        WebError::Invalid(errors) => anyhow::anyhow!(
            "{}",
            errors
                .iter()
                .map(|FieldError { field, message, .. }| format!("{field} : {message}"))
                .collect::<Vec<_>>()
                .join(" ; ")
        ),
        WebError::NotFound => anyhow::anyhow!("{missing} introuvable"),
        WebError::Internal(e) => anyhow::anyhow!("erreur interne : {e}"),
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn run(command: ExportCommand) -> Result<()> {
    let (common, wanted) = match command {
        ExportCommand::Graph(args) => return crate::export_graph::run_graph(args).await,
        ExportCommand::Organisations { common } => (common, Wanted::Registry),
        ExportCommand::Partnerships { common, workspace } => {
            (common, Wanted::Partnerships(workspace))
        }
        ExportCommand::Contacts { common, workspace } => (common, Wanted::Contacts(workspace)),
        ExportCommand::Dashboard { common, workspace } => (common, Wanted::Dashboard(workspace)),
    };
    let (tr, params) = (common.tr()?, common.params()?);
    let store = common.db.open().await?;
    let file = match wanted {
        Wanted::Registry => exports::organisations_export(&store, &params, &tr).await,
        Wanted::Partnerships(slug) => {
            let scope = scope_of(&store, &slug).await?;
            exports::partnerships_export(&store, &scope, &params, &tr).await
        }
        Wanted::Contacts(slug) => {
            let scope = scope_of(&store, &slug).await?;
            exports::contacts_export(&store, &scope, &params, &tr).await
        }
        Wanted::Dashboard(slug) => {
            let scope = scope_of(&store, &slug).await?;
            exports::dashboard_export(&store, &scope, &params, &tr).await
        }
    }
    .map_err(|e| one_line(e, "espace"))?;
    write_out(&common.out, &file.bytes, "export")
}

/// What is exported, and from which workspace.
enum Wanted {
    Registry,
    Partnerships(String),
    Contacts(String),
    Dashboard(String),
}

/// Read access for whoever holds the database URL.
pub(crate) async fn scope_of(store: &Store, slug: &str) -> Result<WorkspaceScope> {
    store.operator_read_scope(slug).await.map_err(|e| match e {
        StoreError::NotFound { .. } => anyhow::anyhow!("espace « {slug} » introuvable"),
        e => anyhow::Error::new(e).context(format!("espace « {slug} »")),
    })
}

/// Writes next to the target and renames at the end, so a failed export or render never
/// leaves a truncated file under the expected name. `what` names it in the closing line.
pub(crate) fn write_out(out: &PathBuf, bytes: &[u8], what: &str) -> Result<()> {
    use std::io::Write;
    if out.as_os_str() == "-" {
        std::io::stdout()
            .write_all(bytes)
            .context("écriture sur la sortie standard impossible")?;
        return Ok(());
    }
    let partial = out.with_extension("partiel");
    std::fs::write(&partial, bytes)
        .with_context(|| format!("impossible d'écrire {}", partial.display()))?;
    std::fs::rename(&partial, out)
        .with_context(|| format!("impossible de créer {}", out.display()))?;
    eprintln!("{what} écrit : {} ({} octets)", out.display(), bytes.len());
    Ok(())
}
