//! Downloads through the API: the same files as the pages' "Télécharger" links, for
//! scripts and other tools. Filters are those of the matching list.

use axum::{
    Router,
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::get,
};

use super::Params;
use crate::{
    App,
    auth::{ApiCaller, lang},
    error::ApiResult,
    exports,
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/organisations/export", get(organisations))
        .route("/workspaces/{slug}/partnerships/export", get(partnerships))
        .route("/workspaces/{slug}/contacts/export", get(contacts))
        .route("/workspaces/{slug}/dashboard/export", get(dashboard))
}

/// The registry (filters of `GET /organisations`) as a file; `datainclusion-json` and
/// `datainclusion-csv` follow the national data·inclusion structure schema.
#[utoipa::path(get, path = "/api/v1/organisations/export", tag = "exports",
    params(("format" = Option<String>, Query, description = "csv | csv-excel | xlsx | json | datainclusion-json | datainclusion-csv"),
        ("q" = Option<String>, Query), ("kind" = Option<String>, Query), ("departement" = Option<String>, Query)),
    responses((status = 200, description = "the file"), (status = 422, body = crate::error::Problem)))]
pub async fn organisations(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    app.store.require_registry_reader(&caller).await?;
    let tr = lang(&headers);
    Ok(exports::organisations_export(&app.store, &params, &tr)
        .await?
        .into_response())
}

/// A workspace's partnerships matching the list's filters, every page at once.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/partnerships/export", tag = "exports",
    params(("slug" = String, Path), ("format" = Option<String>, Query, description = "csv | csv-excel | xlsx | json"),
        ("q" = Option<String>, Query), ("family" = Option<String>, Query), ("form" = Option<String>, Query), ("status" = Option<String>, Query),
        ("partner_kind" = Option<String>, Query), ("departement" = Option<String>, Query), ("region" = Option<String>, Query),
        ("holder" = Option<i64>, Query), ("priority" = Option<String>, Query), ("dormant" = Option<bool>, Query), ("sort" = Option<String>, Query),
        ("deleted" = Option<String>, Query, description = "1 : la corbeille (propriétaires)")),
    responses((status = 200, description = "the file"), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn partnerships(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    Ok(
        exports::partnerships_export(&app.store, &scope, &params, &tr)
            .await?
            .into_response(),
    )
}

/// Every contact of a workspace (`q` searches their names).
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/contacts/export", tag = "exports",
    params(("slug" = String, Path), ("format" = Option<String>, Query, description = "csv | csv-excel | xlsx | json"), ("q" = Option<String>, Query)),
    responses((status = 200, description = "the file"), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn contacts(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    Ok(exports::contacts_export(&app.store, &scope, &params, &tr)
        .await?
        .into_response())
}

/// The dashboard's figures for a period: one sheet per table (XLSX workbook, JSON object
/// keyed by sheet, or the CSV tables one after another).
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/dashboard/export", tag = "exports",
    params(("slug" = String, Path), ("format" = Option<String>, Query, description = "csv | csv-excel | xlsx | json"),
        ("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, description = "the file"), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn dashboard(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    Ok(exports::dashboard_export(&app.store, &scope, &params, &tr)
        .await?
        .into_response())
}
