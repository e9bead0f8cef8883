//! `partinnov export graph`: the partnership graph of a workspace written to a file, in the
//! formats of the cartography page (GEXF for Gephi, GraphML, SVG, PNG, JSON), or its other
//! pictures: the map (SVG, PNG; by région, département, EPCI or commune, zoomed on a région or
//! a département) and the partner × form matrix.
//!
//! Kept apart from the list exports so that both can live under `partinnov export`; the
//! command's entry point is [`run_graph`].

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use partinnov_domain::lang::Lang;
use partinnov_web::{api::Params, carto, i18n::Tr};

use crate::Db;

#[derive(Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub db: Db,
    /// Identifiant court de l'espace.
    #[arg(long)]
    pub workspace: String,
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["gexf", "graphml", "svg", "png", "json", "map-svg", "map-png", "matrix-svg", "status-svg"]))]
    pub format: String,
    /// Fichier à écrire (remplacé seulement une fois le fichier complet).
    #[arg(long)]
    pub out: PathBuf,
    /// Jour représenté, aaaa-mm-jj (aujourd'hui par défaut).
    #[arg(long)]
    pub date: Option<String>,
    /// Carte : niveau compté (region, departement, epci, commune ; selon la zone par défaut).
    #[arg(long)]
    pub level: Option<String>,
    /// Carte zoomée sur une région (code officiel : 84, 11, 04…) ; ne garde que ses partenaires.
    #[arg(long)]
    pub region: Option<String>,
    /// Carte zoomée sur un département (69, 2A, 974…) ; ne garde que ses partenaires.
    #[arg(long)]
    pub departement: Option<String>,
}

/// Writes the graph of `args.workspace` to `args.out`.
pub async fn run_graph(args: GraphArgs) -> Result<()> {
    let format: carto::Format = args
        .format
        .parse()
        .map_err(|()| anyhow::anyhow!("format inconnu : {}", args.format))?;
    let today = chrono::Utc::now().date_naive();
    // The same reading of the filters as the page and the API, with the same messages.
    let pairs: Vec<(&str, &str)> = [
        ("date", &args.date),
        ("level", &args.level),
        ("region", &args.region),
        ("departement", &args.departement),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k, v.as_deref()?)))
    .collect();
    let query = serde_urlencoded::to_string(pairs)?;
    let params = Params::from_query(Some(&query));
    let tr = Tr::new(Lang::Fr);
    let (_, selection) = carto::selection(&params, &tr, today);
    let selection = selection.map_err(|errors| {
        let e = &errors[0];
        anyhow::anyhow!("--{} : {}", e.field, e.message)
    })?;
    let as_of = selection.as_of;
    let map = carto::MapChoice::from_params(&params);
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
    let view = input.view(&selection);
    let bytes = carto::export(&view, format, Lang::Fr, &carto::title(&tr, &name), &map)
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
