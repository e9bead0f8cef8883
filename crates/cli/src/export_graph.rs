//! `partinnov export graph`: the partnership graph of a workspace written to a file, in the
//! formats of the cartography page (GEXF for Gephi, GraphML, SVG, PNG, JSON).
//!
//! Kept apart from the list exports so that both can live under `partinnov export`; the
//! command's entry point is [`run_graph`].

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use partinnov_domain::lang::Lang;
use partinnov_web::{carto, i18n::Tr};

use crate::Db;

#[derive(Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub db: Db,
    /// Identifiant court de l'espace.
    #[arg(long)]
    pub workspace: String,
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["gexf", "graphml", "svg", "png", "json"]))]
    pub format: String,
    /// Fichier à écrire (remplacé seulement une fois le fichier complet).
    #[arg(long)]
    pub out: PathBuf,
    /// Jour représenté, aaaa-mm-jj (aujourd'hui par défaut).
    #[arg(long)]
    pub date: Option<String>,
}

/// Writes the graph of `args.workspace` to `args.out`.
pub async fn run_graph(args: GraphArgs) -> Result<()> {
    let format: carto::Format = args
        .format
        .parse()
        .map_err(|()| anyhow::anyhow!("format inconnu : {}", args.format))?;
    let today = chrono::Utc::now().date_naive();
    let as_of = match args.date.as_deref() {
        None => today,
        Some(d) => chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
            .or_else(|_| chrono::NaiveDate::parse_from_str(d.trim(), "%d/%m/%Y"))
            .map_err(|_| anyhow::anyhow!("date invalide : {d} (attendu aaaa-mm-jj)"))?,
    };
    let store = args.db.open().await?;
    let scope = match store.operator_read_scope(&args.workspace).await {
        Ok(scope) => scope,
        Err(partinnov_store::StoreError::NotFound { .. }) => {
            bail!("aucun espace n'a l'identifiant {}", args.workspace)
        }
        Err(e) => return Err(e.into()),
    };
    let data = store.carto(&scope).await?;
    let name = scope.name.clone();
    let input = carto::to_carto(&data);
    let view = input.view(&partinnov_render_selection(as_of, today));
    let tr = Tr::new(Lang::Fr);
    let bytes = carto::export(&view, format, Lang::Fr, &carto::title(&tr, &name))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let partial = args.out.with_extension("partiel");
    std::fs::write(&partial, &bytes)
        .with_context(|| format!("impossible d'écrire {}", partial.display()))?;
    std::fs::rename(&partial, &args.out)
        .with_context(|| format!("impossible de créer {}", args.out.display()))?;
    println!(
        "graphe écrit : {} ({} partenaires, {} partenariats, au {})",
        args.out.display(),
        view.partners.len(),
        view.links.len(),
        as_of.format("%d/%m/%Y")
    );
    Ok(())
}

fn partinnov_render_selection(
    as_of: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> partinnov_render::Selection {
    partinnov_render::Selection {
        as_of,
        ..partinnov_render::Selection::all_on(today)
    }
}
