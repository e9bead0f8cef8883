//! What the cartography page, its downloads and the graph API share: reading the filters
//! and the day from the query, turning the store's scoped data into the picture's input,
//! and producing each download format.

use chrono::NaiveDate;
use partinnov_domain::{
    kind::KindGroup,
    lang::Lang,
    typology::{Family, PartnershipStatus},
};
use partinnov_render::{
    Carto, Centre, DatedForm, GraphOptions, Organisation, Partnership, Selection, View, exchange,
    graph_svg,
    map::{Level, Zoom},
    matrix, png,
};
use partinnov_store::carto::CartoData;
use serde::Serialize;

use partinnov_store::{Caller, Store, WorkspaceScope};

use crate::{
    api::Params,
    error::{FieldError, WebError},
    exports::File,
    forms::Check,
    i18n::Tr,
};

/// A download format of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Gexf,
    Graphml,
    Svg,
    Png,
    /// The partner × form matrix as SVG.
    MatrixSvg,
    /// The families × state heat map as SVG.
    StatusSvg,
    /// The map of partners (per région, département, EPCI or commune), as SVG and PNG.
    MapSvg,
    MapPng,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Json,
        Format::Gexf,
        Format::Graphml,
        Format::Svg,
        Format::Png,
        Format::MatrixSvg,
        Format::StatusSvg,
        Format::MapSvg,
        Format::MapPng,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Gexf => "gexf",
            Format::Graphml => "graphml",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::MatrixSvg => "matrix-svg",
            Format::StatusSvg => "status-svg",
            Format::MapSvg => "map-svg",
            Format::MapPng => "map-png",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Gexf => "application/gexf+xml",
            Format::Graphml => "application/graphml+xml",
            Format::Svg | Format::MatrixSvg | Format::StatusSvg | Format::MapSvg => "image/svg+xml",
            Format::Png | Format::MapPng => "image/png",
        }
    }

    pub fn file_name(self, stem: &str) -> String {
        match self {
            Format::Json => format!("{stem}-graphe.json"),
            Format::Gexf => format!("{stem}-graphe.gexf"),
            Format::Graphml => format!("{stem}-graphe.graphml"),
            Format::Svg => format!("{stem}-graphe.svg"),
            Format::Png => format!("{stem}-graphe.png"),
            Format::MatrixSvg => format!("{stem}-matrice.svg"),
            Format::StatusSvg => format!("{stem}-familles-statuts.svg"),
            Format::MapSvg => format!("{stem}-carte.svg"),
            Format::MapPng => format!("{stem}-carte.png"),
        }
    }
}

impl std::str::FromStr for Format {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Format::ALL.into_iter().find(|f| f.as_str() == s).ok_or(())
    }
}

/// The filters and day of a cartography request, as the person typed them (for the form).
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub family: String,
    pub status: String,
    pub kind: String,
    pub departement: String,
    pub region: String,
    pub sector: String,
    pub date: String,
    /// The map's level (`region`, `departement`, `epci`, `commune`).
    pub level: String,
}

impl Filters {
    /// The query string that reproduces these filters (for download links).
    pub fn query(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("family", self.family.as_str()),
            ("status", self.status.as_str()),
            ("kind", self.kind.as_str()),
            ("departement", self.departement.as_str()),
            ("region", self.region.as_str()),
            ("sector", self.sector.as_str()),
            ("date", self.date.as_str()),
            ("level", self.level.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// Reads `family`, `status`, `kind` (a coarse kind of partner), `departement`, `region`,
/// `sector`, `date` (the day drawn, default today; `yyyy-mm-dd` or `dd/mm/yyyy`) and checks
/// the map's `level`.
pub fn selection(
    params: &Params,
    tr: &Tr,
    today: NaiveDate,
) -> (Filters, Result<Selection, Vec<FieldError>>) {
    let mut c = Check::new(tr);
    let filters = Filters {
        family: params.get("family").unwrap_or_default().to_owned(),
        status: params.get("status").unwrap_or_default().to_owned(),
        kind: params.get("kind").unwrap_or_default().to_owned(),
        departement: params.get("departement").unwrap_or_default().to_owned(),
        region: params.get("region").unwrap_or_default().to_owned(),
        sector: params.get("sector").unwrap_or_default().to_owned(),
        date: params.get("date").unwrap_or_default().to_owned(),
        level: params.get("level").unwrap_or_default().to_owned(),
    };
    let family = c.opt_code::<Family>("family", params.get("family"));
    let status = c.opt_code::<PartnershipStatus>("status", params.get("status"));
    let kind = c.opt_code::<KindGroup>("kind", params.get("kind"));
    let departement = match params.get("departement") {
        None => None,
        Some(code) => {
            let code = code.to_uppercase();
            match partinnov_interop::geo::departement(&code) {
                Some(d) => Some(d.code.to_owned()),
                None => {
                    c.fail("departement", "unknown_departement");
                    None
                }
            }
        }
    };
    let region = match params.get("region") {
        None => None,
        Some(code) => match partinnov_interop::geo::region(code) {
            Some(r) => Some(r.code.to_owned()),
            None => {
                c.fail("region", "unknown_region");
                None
            }
        },
    };
    if params
        .get("level")
        .is_some_and(|l| l.parse::<Level>().is_err())
    {
        c.fail("level", "unknown_level");
    }
    let sector = match params.get("sector") {
        None => None,
        Some(letter) => {
            let letter = letter.to_uppercase();
            match partinnov_interop::naf::get(&letter) {
                Some(a) if a.level == partinnov_interop::naf::Level::Section => Some(letter),
                _ => {
                    c.fail("sector", "unknown_code");
                    None
                }
            }
        }
    };
    let as_of = c.date("date", params.get("date")).unwrap_or(today);
    let sel = Selection {
        family,
        status,
        kind,
        departement,
        region,
        sector,
        as_of,
        today,
    };
    (filters, c.finish(sel))
}

/// Which map is drawn: the level the partners are counted at, and the area shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapChoice {
    pub level: Level,
    pub zoom: Zoom,
}

impl MapChoice {
    /// The map `params` ask for; values [`selection`] refuses are ignored here. A département
    /// (filter) is shown by commune, a région by département, France by département, unless
    /// `level` says otherwise.
    pub fn from_params(params: &Params) -> Self {
        let zoom = if let Some(d) = params
            .get("departement")
            .and_then(|d| partinnov_interop::geo::departement(&d.to_uppercase()))
        {
            Zoom::Departement(d.code.to_owned())
        } else if let Some(r) = params
            .get("region")
            .and_then(partinnov_interop::geo::region)
        {
            Zoom::Region(r.code.to_owned())
        } else {
            Zoom::France
        };
        let level = params
            .get("level")
            .and_then(|l| l.parse().ok())
            .unwrap_or(match zoom {
                Zoom::Departement(_) => Level::Commune,
                _ => Level::Departement,
            });
        Self { level, zoom }
    }
}

/// The name of an area of the map, from the embedded official geography.
pub fn area_name(level: Level, code: &str) -> Option<&'static str> {
    use partinnov_interop::geo;
    match level {
        Level::Region => geo::region(code).map(|r| r.name),
        Level::Departement => geo::departement(code).map(|d| d.name),
        Level::Epci => geo::epci(code).map(|e| e.name),
        Level::Commune => geo::commune(code).map(|c| c.name),
    }
}

/// The store's data as the picture's input; each partnership links to its page.
pub fn to_carto(data: &CartoData) -> Carto {
    let centres: Vec<Centre> = data
        .workspaces
        .iter()
        .map(|w| Centre {
            key: w.slug.clone(),
            name: w.name.clone(),
            href: Some(format!("/espaces/{}/cartographie", w.slug)),
        })
        .collect();
    let organisations: Vec<Organisation> = data
        .organisations
        .iter()
        .map(|o| {
            let commune = o
                .commune_code
                .as_deref()
                .and_then(partinnov_interop::geo::commune);
            Organisation {
                id: o.id,
                name: o.name.clone(),
                kinds: o.kinds.clone(),
                commune_code: o.commune_code.clone(),
                commune_name: o.commune_name.clone(),
                departement: o.departement_code.clone(),
                region: o.region_code.clone(),
                epci: commune.and_then(|c| c.epci).map(String::from),
                place: commune.and_then(|c| c.parent).map(String::from),
                sector: o
                    .naf
                    .as_deref()
                    .and_then(partinnov_interop::naf::section)
                    .map(String::from),
            }
        })
        .collect();
    let org_index: std::collections::BTreeMap<i64, usize> = data
        .organisations
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id, i))
        .collect();
    let partnerships = data
        .partnerships
        .iter()
        .filter_map(|p| {
            let centre = data
                .workspaces
                .iter()
                .position(|w| w.id == p.workspace_id)?;
            let slug = &data.workspaces[centre].slug;
            Some(Partnership {
                id: p.id,
                centre,
                title: p.title.clone(),
                partners: p
                    .partners
                    .iter()
                    .filter_map(|id| org_index.get(id).copied())
                    .collect(),
                status: p.status,
                dormant: p.dormant,
                created_on: p.created_on,
                forms: p
                    .forms
                    .iter()
                    .map(|f| DatedForm {
                        form: f.form,
                        start: f.started_on,
                        end: f.ended_on,
                    })
                    .collect(),
                status_history: p.status_history.clone(),
                href: Some(format!("/espaces/{slug}/partenariats/{}", p.id)),
            })
        })
        .collect();
    Carto {
        centres,
        organisations,
        partnerships,
    }
}

/// Who in the team knows whom: the same partnerships, with the team members who hold each
/// relationship at the centres (and "no holder" for those nobody holds), so that a partner
/// known by several people stands out as a shared partner does across workspaces.
pub fn team_carto(data: &CartoData, no_holder: &str) -> Carto {
    let base = to_carto(data);
    let mut people: Vec<(String, i64)> = data
        .partnerships
        .iter()
        .flat_map(|p| p.holders.iter().map(|h| (h.name.clone(), h.id)))
        .collect();
    people.sort_by(|a, b| {
        partinnov_domain::text::fold(&a.0)
            .cmp(&partinnov_domain::text::fold(&b.0))
            .then(a.1.cmp(&b.1))
    });
    people.dedup();
    let mut centres: Vec<Centre> = people
        .iter()
        .map(|(name, id)| Centre {
            key: format!("u{id}"),
            name: name.clone(),
            href: None,
        })
        .collect();
    let nobody = centres.len();
    let mut partnerships = Vec::new();
    for (p, src) in base.partnerships.iter().zip(
        data.partnerships
            .iter()
            .filter(|p| data.workspaces.iter().any(|w| w.id == p.workspace_id)),
    ) {
        if src.holders.is_empty() {
            partnerships.push(Partnership {
                centre: nobody,
                ..p.clone()
            });
        }
        for h in &src.holders {
            if let Some(k) = people.iter().position(|(_, id)| *id == h.id) {
                partnerships.push(Partnership {
                    centre: k,
                    ..p.clone()
                });
            }
        }
    }
    if partnerships.iter().any(|p| p.centre == nobody) {
        centres.push(Centre {
            key: "sans-referent".to_owned(),
            name: no_holder.to_owned(),
            href: None,
        });
    }
    Carto {
        centres,
        organisations: base.organisations,
        partnerships,
    }
}

/// The graph as JSON: what the picture shows, node by node and edge by edge.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GraphJson {
    pub as_of: NaiveDate,
    pub structures: Vec<GraphStructure>,
    pub partners: Vec<GraphPartner>,
    pub edges: Vec<GraphEdge>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GraphStructure {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GraphPartner {
    pub id: i64,
    pub name: String,
    /// NAF section letter of its activity.
    pub sector: Option<String>,
    pub kinds: Vec<String>,
    pub kind_group: String,
    pub commune_code: Option<String>,
    pub commune: Option<String>,
    pub departement: Option<String>,
    pub current_forms: Vec<String>,
    pub main_family: Option<String>,
    /// Slugs of the structures it is a partner of (several: a shared partner).
    pub structures: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GraphEdge {
    pub partnership_id: i64,
    pub title: String,
    pub structure: String,
    pub partner_id: i64,
    /// `active`, `planned`, `dormant` or `ended`, on the day drawn.
    pub state: String,
    pub status: String,
    pub families: Vec<String>,
    pub current_forms: Vec<String>,
}

pub fn graph_json(view: &View<'_>) -> GraphJson {
    let carto = view.carto;
    GraphJson {
        as_of: view.selection.as_of,
        structures: carto
            .centres
            .iter()
            .map(|c| GraphStructure {
                slug: c.key.clone(),
                name: c.name.clone(),
            })
            .collect(),
        partners: view
            .partners
            .iter()
            .map(|pv| {
                let o = view.organisation(pv);
                GraphPartner {
                    id: o.id,
                    name: o.name.clone(),
                    sector: o.sector.clone(),
                    kinds: o.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
                    kind_group: o.group().as_str().to_owned(),
                    commune_code: o.commune_code.clone(),
                    commune: o.commune_name.clone(),
                    departement: o.departement.clone(),
                    current_forms: pv
                        .current_forms
                        .iter()
                        .map(|f| f.as_str().to_owned())
                        .collect(),
                    main_family: pv.main_family.map(|f| f.as_str().to_owned()),
                    structures: pv
                        .centres
                        .iter()
                        .filter_map(|c| carto.centres.get(*c))
                        .map(|c| c.key.clone())
                        .collect(),
                }
            })
            .collect(),
        edges: view
            .links
            .iter()
            .flat_map(|l| {
                let p = view.partnership(l);
                p.partners.iter().filter_map(move |o| {
                    Some(GraphEdge {
                        partnership_id: p.id,
                        title: p.title.clone(),
                        structure: carto.centres.get(p.centre)?.key.clone(),
                        partner_id: carto.organisations.get(*o)?.id,
                        state: match l.state {
                            partinnov_render::LinkState::Active => "active",
                            partinnov_render::LinkState::Planned => "planned",
                            partinnov_render::LinkState::Dormant => "dormant",
                            partinnov_render::LinkState::Ended => "ended",
                        }
                        .to_owned(),
                        status: p.status.as_str().to_owned(),
                        families: l.families.iter().map(|f| f.as_str().to_owned()).collect(),
                        current_forms: l
                            .current_forms
                            .iter()
                            .map(|f| f.as_str().to_owned())
                            .collect(),
                    })
                })
            })
            .collect(),
    }
}

/// The title of the pictures of `name` on the day drawn.
pub fn title(tr: &Tr, name: &str) -> String {
    tr.f("carto.picture_title", &[("name", name)])
}

pub fn graph_options(lang: Lang, title: &str) -> GraphOptions {
    GraphOptions {
        lang,
        title: title.to_owned(),
        id: "graphe".to_owned(),
    }
}

/// Produces one download. PNG failures are reported, never replaced by something else.
pub fn export(
    view: &View<'_>,
    format: Format,
    lang: Lang,
    title: &str,
    map: &MapChoice,
) -> Result<Vec<u8>, String> {
    let opts = graph_options(lang, title);
    Ok(match format {
        Format::Json => serde_json::to_vec_pretty(&graph_json(view)).map_err(|e| e.to_string())?,
        Format::Gexf => exchange::gexf(view, title).into_bytes(),
        Format::Graphml => exchange::graphml(view, title).into_bytes(),
        Format::Svg => graph_svg(view, &opts).into_bytes(),
        Format::Png => png::svg_to_png(&graph_svg(view, &opts), 2.0).map_err(|e| e.to_string())?,
        Format::MatrixSvg => matrix::form_matrix_svg(view, lang, title, "matrice").into_bytes(),
        Format::StatusSvg => matrix::status_matrix_svg(view, lang, title, "statuts").into_bytes(),
        Format::MapSvg => map_svg(view, lang, title, None, map).into_bytes(),
        Format::MapPng => png::svg_to_png(&map_svg(view, lang, title, None, map), 2.0)
            .map_err(|e| e.to_string())?,
    })
}

/// The map `map` asks for, names from the embedded official geography; with `href_prefix`
/// (ending in `?` or `&`), a région with partners links to its départements and a
/// département to its communes.
pub fn map_svg(
    view: &View<'_>,
    lang: Lang,
    title: &str,
    href_prefix: Option<String>,
    map: &MapChoice,
) -> String {
    partinnov_render::map::map_svg(
        view,
        &partinnov_render::map::MapOptions {
            lang,
            title: title.to_owned(),
            id: "carte".to_owned(),
            level: map.level,
            zoom: map.zoom.clone(),
            names: area_name,
            href_prefix,
        },
    )
}

/// Whose partnerships a cartography file shows.
pub enum Reach<'a> {
    /// One workspace the caller holds a role in.
    Workspace(&'a WorkspaceScope),
    /// Every workspace the caller holds a role in (the network view).
    Visible(&'a Caller),
}

/// A cartography file as `params` asks (`format`, filters and day; `default` when no
/// format is given), for the page's downloads and the API alike.
pub async fn file(
    store: &Store,
    reach: Reach<'_>,
    params: &Params,
    tr: &Tr,
    default: Format,
) -> Result<File, WebError> {
    let format: Format = match params.get("format") {
        None => default,
        Some(f) => f
            .parse()
            .map_err(|()| WebError::BadRequest(tr.error("unknown_format")))?,
    };
    let (_, sel) = selection(params, tr, chrono::Utc::now().date_naive());
    let sel = sel.map_err(WebError::Invalid)?;
    let (data, name, stem) = match reach {
        Reach::Workspace(scope) => (
            store.carto(scope).await?,
            scope.name.clone(),
            scope.slug.clone(),
        ),
        Reach::Visible(caller) => (
            store.carto_visible(caller).await?,
            tr.t("carto.network_name").to_owned(),
            "reseau".to_owned(),
        ),
    };
    let carto_data = to_carto(&data);
    let map = MapChoice::from_params(params);
    let bytes = export(
        &carto_data.view(&sel),
        format,
        tr.lang,
        &title(tr, &name),
        &map,
    )
    .map_err(|e| WebError::Internal(e.into()))?;
    Ok(File {
        bytes,
        content_type: format.content_type(),
        name: format.file_name(&format!("{stem}-{}", sel.as_of)),
    })
}
