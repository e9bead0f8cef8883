//! The cartography of a workspace (network graph, partner × form matrix, families × state
//! heat map), and the network across all the caller's workspaces where shared partners stand
//! out. Each picture is drawn on the server by `render`, shown inline with the same data in a
//! table beside it; filters and the day drawn are a GET form; downloads in SVG, PNG, GEXF
//! and GraphML carry the same filters.

use askama::Template;
use axum::{
    Router,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use partinnov_domain::{
    kind::KindGroup,
    typology::{Family, PartnershipStatus},
};
use partinnov_render::{LinkState, graph_svg, map::Level, matrix};

use crate::{
    App,
    api::Params,
    auth::Session,
    carto::{self, Filters, Format},
    error::WebResult,
    pages::{Chrome, Errors, render_with},
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/espaces/{slug}/cartographie", get(workspace_page))
        .route(
            "/espaces/{slug}/cartographie/telecharger",
            get(workspace_download),
        )
        .route("/reseau", get(network_page))
        .route("/reseau/telecharger", get(network_download))
}

/// One partner in the table beside the graph.
pub struct PartnerRow {
    pub name: String,
    pub href: String,
    pub kind: String,
    pub forms: String,
    pub state: String,
    pub commune: String,
    pub structures: String,
    pub shared: bool,
}

pub struct MatrixRow {
    pub name: String,
    /// Per form: "●" current, "○" before, "" never; and the cell's accessible text.
    pub cells: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "carto.html")]
struct CartoPage {
    c: Chrome,
    heading: String,
    action: String,
    network: bool,
    filters: Filters,
    errors: Errors,
    summary: String,
    graph_svg: String,
    matrix_svg: String,
    status_svg: String,
    team_svg: String,
    map_svg: String,
    /// The map's level label (the table's first column), its areas' names and counts.
    map_level: String,
    map_rows: Vec<(String, String)>,
    /// When the map is zoomed: the link back to all of France.
    map_unzoom: String,
    /// Région name, count.
    region_rows: Vec<(String, String)>,
    without_commune: String,
    off_map: String,
    partners: Vec<PartnerRow>,
    shared_count: String,
    matrix_forms: Vec<String>,
    matrix_rows: Vec<MatrixRow>,
    status_heads: Vec<String>,
    status_rows: Vec<(String, Vec<String>)>,
    families: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    sectors: Vec<(String, String)>,
    regions: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    downloads: Vec<(String, String)>,
}

fn download(s: &Session, scope_slug: Option<&str>, filters: &Filters) -> Vec<(String, String)> {
    let base = match scope_slug {
        Some(slug) => format!("/espaces/{slug}/cartographie/telecharger"),
        None => "/reseau/telecharger".to_owned(),
    };
    let q = filters.query();
    [
        (Format::Svg, "carto.download_svg"),
        (Format::Png, "carto.download_png"),
        (Format::Gexf, "carto.download_gexf"),
        (Format::Graphml, "carto.download_graphml"),
        (Format::MatrixSvg, "carto.download_matrix"),
        (Format::MapSvg, "carto.download_map"),
        (Format::MapPng, "carto.download_map_png"),
    ]
    .into_iter()
    .map(|(f, key)| {
        let amp = if q.is_empty() { "" } else { "&" };
        (
            s.t.t(key).to_owned(),
            format!("{base}?format={}{amp}{q}", f.as_str()),
        )
    })
    .collect()
}

async fn page(
    app: &App,
    s: &Session,
    scope: Option<&partinnov_store::WorkspaceScope>,
    raw: Option<&str>,
) -> WebResult<Response> {
    let t = s.t;
    let lang = t.lang;
    let today = chrono::Utc::now().date_naive();
    let params = Params::from_query(raw);
    let (filters, sel) = carto::selection(&params, &t, today);
    let (sel, errors) = match sel {
        Ok(sel) => (sel, vec![]),
        Err(e) => (partinnov_render::Selection::all_on(today), e),
    };
    let data = match scope {
        Some(sc) => app.store.carto(sc).await?,
        None => app.store.carto_visible(&s.caller).await?,
    };
    let carto_data = carto::to_carto(&data);
    let view = carto_data.view(&sel);
    let name = match scope {
        Some(sc) => sc.name.clone(),
        None => t.t("carto.network_name").to_owned(),
    };
    let title = carto::title(&t, &name);
    let network = scope.is_none();
    let graph = graph_svg(&view, &carto::graph_options(lang, &title));
    let matrix_svg = matrix::form_matrix_svg(
        &view,
        lang,
        &t.f("carto.matrix_title", &[("name", &name)]),
        "matrice",
    );
    let team_svg = if network {
        String::new()
    } else {
        let team = carto::team_carto(&data, t.t("carto.no_holder"));
        graph_svg(
            &team.view(&sel),
            &partinnov_render::GraphOptions {
                lang,
                title: t.f("carto.team_title", &[("name", &name)]),
                id: "equipe".to_owned(),
            },
        )
    };
    let status_svg = matrix::status_matrix_svg(
        &view,
        lang,
        &t.f("carto.status_title", &[("name", &name)]),
        "statuts",
    );
    let action = match scope {
        Some(sc) => format!("/espaces/{}/cartographie", sc.slug),
        None => "/reseau".to_owned(),
    };
    let map = carto::MapChoice::from_params(&params);
    // The map's links and the way back keep every filter but the area and the level.
    let unzoomed = Filters {
        departement: String::new(),
        region: String::new(),
        level: String::new(),
        ..filters.clone()
    }
    .query();
    let href_prefix = if unzoomed.is_empty() {
        format!("{action}?")
    } else {
        format!("{action}?{unzoomed}&")
    };
    let map_title = match map.zoom.area() {
        None => t.f("carto.map_title", &[("name", &name)]),
        Some((level, code)) => {
            let area = carto::area_name(level, code).unwrap_or(code);
            t.f("carto.map_title_zoom", &[("name", &name), ("area", area)])
        }
    };
    let map_svg = carto::map_svg(&view, lang, &map_title, Some(href_prefix.clone()), &map);
    let map_counts = partinnov_render::map::counts(&view, map.level, &map.zoom);
    let mut map_rows: Vec<(String, String)> = map_counts
        .by_area
        .iter()
        .map(|(code, n)| {
            (
                partinnov_render::map::area_label(carto::area_name, map.level, code),
                t.int(&i64::from(*n)),
            )
        })
        .collect();
    // Régions and départements read best in code order; EPCI and communes by name.
    if matches!(map.level, Level::Epci | Level::Commune) {
        map_rows.sort_by_key(|(label, _)| partinnov_domain::text::fold(label));
    }
    let map_unzoom = match map.zoom.area() {
        None => String::new(),
        Some(_) => format!("{}#carte", href_prefix.trim_end_matches(['?', '&'])),
    };
    let region_rows = map_counts
        .by_region
        .iter()
        .map(|(code, n)| {
            let name = partinnov_interop::geo::region(code).map_or(code.as_str(), |r| r.name);
            (name.to_owned(), t.int(&i64::from(*n)))
        })
        .collect();
    let partners: Vec<PartnerRow> = view
        .partners
        .iter()
        .map(|pv| {
            let o = view.organisation(pv);
            let (state, _, href) = pv
                .centres
                .iter()
                .map(|c| view.edge(pv, *c))
                .min_by_key(|e| e.0)
                .unwrap_or((LinkState::Ended, vec![], None));
            PartnerRow {
                name: o.name.clone(),
                href: href.unwrap_or_default().to_owned(),
                kind: o.group().label(lang).to_owned(),
                forms: if pv.current_forms.is_empty() {
                    t.t("carto.no_current_form").to_owned()
                } else {
                    pv.current_forms
                        .iter()
                        .map(|f| f.label(lang))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                state: state.status().label(lang).to_owned(),
                commune: match (&o.commune_name, &o.departement) {
                    (Some(n), Some(d)) => format!("{n} ({d})"),
                    (Some(n), None) => n.clone(),
                    _ => t.t("carto.without_commune").to_owned(),
                },
                structures: pv
                    .centres
                    .iter()
                    .filter_map(|c| view.carto.centres.get(*c))
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                shared: pv.centres.len() > 1,
            }
        })
        .collect();
    let shared_count = partners.iter().filter(|p| p.shared).count() as i64;
    let m = matrix::form_matrix(&view);
    let counts = matrix::status_counts(&view);
    let status_rows = counts
        .iter()
        .enumerate()
        .map(|(i, row)| {
            (
                Family::ALL
                    .get(i)
                    .map_or(t.t("carto.no_current_form"), |f| f.label(lang))
                    .to_owned(),
                row.iter().map(|n| t.int(&i64::from(*n))).collect(),
            )
        })
        .collect();
    let heading = if network {
        t.t("carto.network_title").to_owned()
    } else {
        t.t("carto.title").to_owned()
    };
    let page = CartoPage {
        c: Chrome::new(&app.store, s, scope, heading.clone()).await?,
        heading,
        action,
        network,
        downloads: download(s, scope.map(|sc| sc.slug.as_str()), &filters),
        filters,
        errors: Errors::from(&errors),
        summary: partinnov_render::graph::summary(&view, lang),
        graph_svg: graph,
        matrix_svg,
        status_svg,
        team_svg,
        map_svg,
        map_level: t
            .t(&format!("carto.level_{}", map.level.as_str()))
            .to_owned(),
        map_rows,
        map_unzoom,
        region_rows,
        without_commune: t.int(&i64::from(map_counts.without_commune)),
        off_map: t.int(&i64::from(map_counts.off_map)),
        partners,
        shared_count: t.int(&shared_count),
        matrix_forms: m.forms.iter().map(|f| f.label(lang).to_owned()).collect(),
        matrix_rows: m
            .rows
            .iter()
            .map(|r| MatrixRow {
                name: r.name.clone(),
                cells: r
                    .cells
                    .iter()
                    .map(|c| match c {
                        matrix::Cell::Current => ("●", t.t("carto.cell_current").to_owned()),
                        matrix::Cell::Past => ("○", t.t("carto.cell_past").to_owned()),
                        matrix::Cell::Absent => ("", String::new()),
                    })
                    .collect(),
            })
            .collect(),
        status_heads: LinkState::ALL
            .iter()
            .map(|s| s.status().label(lang).to_owned())
            .collect(),
        status_rows,
        families: Family::ALL
            .iter()
            .map(|f| (f.as_str().to_owned(), f.label(lang).to_owned()))
            .collect(),
        statuses: PartnershipStatus::ALL
            .iter()
            .map(|f| (f.as_str().to_owned(), f.label(lang).to_owned()))
            .collect(),
        sectors: partinnov_interop::naf::activities()
            .iter()
            .filter(|a| a.level == partinnov_interop::naf::Level::Section)
            .map(|a| (a.code.to_owned(), format!("{} — {}", a.code, a.label)))
            .collect(),
        kinds: KindGroup::ALL
            .iter()
            .map(|f| (f.as_str().to_owned(), f.label(lang).to_owned()))
            .collect(),
        regions: partinnov_interop::geo::regions()
            .iter()
            .filter(|r| {
                partinnov_render::map::territories()
                    .get(Level::Region, r.code)
                    .is_some()
            })
            .map(|r| (r.code.to_owned(), r.name.to_owned()))
            .collect(),
        levels: Level::ALL
            .iter()
            .map(|l| {
                (
                    l.as_str().to_owned(),
                    t.t(&format!("carto.level_{}", l.as_str())).to_owned(),
                )
            })
            .collect(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_with(status, &page))
}

async fn workspace_page(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    page(&app, &s, Some(&scope), raw.as_deref()).await
}

async fn network_page(
    State(app): State<App>,
    s: Session,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    page(&app, &s, None, raw.as_deref()).await
}

async fn workspace_download(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    let reach = carto::Reach::Workspace(&scope);
    Ok(carto::file(&app.store, reach, &params, &s.t, Format::Svg)
        .await?
        .into_response())
}

async fn network_download(
    State(app): State<App>,
    s: Session,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let params = Params::from_query(raw.as_deref());
    let reach = carto::Reach::Visible(&s.caller);
    Ok(carto::file(&app.store, reach, &params, &s.t, Format::Svg)
        .await?
        .into_response())
}
