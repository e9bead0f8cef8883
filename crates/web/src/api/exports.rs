//! Downloads through the API: the same files as the pages' "Télécharger" links, for
//! scripts and other tools. Filters are those of the matching list.

use super::{Params, organisations_query, partnerships_query, period};
use crate::{
    App,
    auth::{ApiCaller, lang},
    error::{ApiResult, WebError},
    exports::{self, Target},
};
use axum::{
    Router,
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
    routing::get,
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
    ApiCaller(_caller): ApiCaller,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let tr = lang(&headers);
    let target = Target::from_params(&params, &tr, true)?;
    let query = organisations_query(&params, &tr).map_err(WebError::Invalid)?;
    let items = exports::all_organisations(&app.store, &query).await?;
    Ok(exports::organisations_download(&tr, &items, target)?)
}

/// A workspace's partnerships matching the list's filters, every page at once.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/partnerships/export", tag = "exports",
    params(("slug" = String, Path), ("format" = Option<String>, Query, description = "csv | csv-excel | xlsx | json"),
        ("q" = Option<String>, Query), ("family" = Option<String>, Query), ("form" = Option<String>, Query), ("status" = Option<String>, Query),
        ("partner_kind" = Option<String>, Query), ("departement" = Option<String>, Query), ("region" = Option<String>, Query),
        ("holder" = Option<i64>, Query), ("priority" = Option<String>, Query), ("dormant" = Option<bool>, Query), ("sort" = Option<String>, Query)),
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
    let format = exports::table_format(&params, &tr)?;
    let query = partnerships_query(&params, &tr).map_err(WebError::Invalid)?;
    let items = exports::all_partnerships(&app.store, &scope, &query).await?;
    let sheet = exports::partnerships_sheet(&tr, &items);
    Ok(exports::sheets_download(
        &[sheet],
        format,
        &format!("partenariats-{slug}"),
    )?)
}

/// Every contact of a workspace.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/contacts/export", tag = "exports",
    params(("slug" = String, Path), ("format" = Option<String>, Query, description = "csv | csv-excel | xlsx | json")),
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
    let format = exports::table_format(&params, &tr)?;
    let items = app
        .store
        .contacts_up_to(&scope, None, None, i64::MAX)
        .await?;
    let sheet = exports::contacts_sheet(&tr, &items);
    Ok(exports::sheets_download(
        &[sheet],
        format,
        &format!("contacts-{slug}"),
    )?)
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
    let format = exports::table_format(&params, &tr)?;
    let (from, to) = period(&params, &tr).map_err(WebError::Invalid)?;
    let d = app.store.dashboard(&scope, from, to).await?;
    Ok(exports::sheets_download(
        &exports::dashboard_sheets(&tr, &d),
        format,
        &format!("tableau-de-bord-{slug}-{from}-{to}"),
    )?)
}
