//! The partnership graph of a workspace for programs and network tools: JSON, GEXF 1.3,
//! GraphML, SVG or PNG, with the filters and the day of the cartography page.

use axum::{
    Router,
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{
    App,
    api::Params,
    auth::{ApiCaller, lang},
    carto::{self, Format},
    error::ApiResult,
};

pub fn router() -> Router<App> {
    Router::new().route("/workspaces/{slug}/graph", get(graph))
}

/// The partnership graph of a workspace on a day, filtered. `format=json` (default) gives
/// nodes and edges; `gexf` (dynamic, opens in Gephi with its timeline) and `graphml` carry
/// the same attributes; `svg` and `png` are the picture of the cartography page; `map-svg`
/// and `map-png` its map, at the `level` asked, zoomed on the `region` or `departement`.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/graph", tag = "espaces",
    params(("slug" = String, Path),
        ("format" = Option<String>, Query, description = "json | gexf | graphml | svg | png | matrix-svg | status-svg | map-svg | map-png"),
        ("family" = Option<String>, Query), ("status" = Option<String>, Query),
        ("kind" = Option<String>, Query, description = "type de partenaire : siae | handicap | autre_ess | entreprise | public | autre"),
        ("departement" = Option<String>, Query, description = "code officiel (69, 2A, 974) : ne garde que ses partenaires ; la carte est zoomée sur lui"),
        ("region" = Option<String>, Query, description = "code officiel (84, 11, 04) : ne garde que ses partenaires ; la carte est zoomée sur elle"),
        ("level" = Option<String>, Query, description = "carte : region | departement | epci | commune (par défaut : commune pour un département, département sinon)"),
        ("sector" = Option<String>, Query, description = "section NAF, A à U"), ("date" = Option<String>, Query, description = "jour représenté, aaaa-mm-jj")),
    responses((status = 200, description = "the graph in the format asked", body = crate::carto::GraphJson),
        (status = 400, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn graph(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    let reach = carto::Reach::Workspace(&scope);
    Ok(carto::file(&app.store, reach, &params, &tr, Format::Json)
        .await?
        .into_response())
}
