//! `/api/v1/organisations`: the shared registry.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::get,
};
use partinnov_domain::kind::StructureKind;
use partinnov_store::{OrganisationId, organisations::OrganisationQuery};

use super::{
    ApiJson, HistoryEntry, ListOf, OrganisationView, Params, etag, expected_version, stale,
};
use crate::{
    App,
    auth::{ApiCaller, lang},
    error::{ApiError, ApiResult, WebError},
    forms::{Check, OrganisationInput},
    i18n::Tr,
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/organisations", get(list).post(create))
        .route("/organisations/{id}", get(get_one).put(update))
        .route("/organisations/{id}/history", get(history))
}

/// A registry query from `q`, `kind`, `departement`, `page` and `per_page`.
pub fn organisations_query(
    params: &Params,
    tr: &Tr,
) -> Result<OrganisationQuery, Vec<crate::error::FieldError>> {
    let mut c = Check::new(tr);
    let kind = c.opt_code::<StructureKind>("kind", params.get("kind"));
    let mut errors = c.errors;
    let (page, per_page) = params.paging(&mut errors, tr);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(OrganisationQuery {
        q: params.get("q").map(str::to_owned),
        kind,
        departement: params.get("departement").map(str::to_owned),
        page,
        per_page,
    })
}

/// The registry, searched without accents or case on name, commune and SIRET.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "registre",
    params(("q" = Option<String>, Query), ("kind" = Option<String>, Query), ("departement" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListOf<OrganisationView>), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Json<ListOf<OrganisationView>>> {
    app.store.require_registry_reader(&caller).await?;
    let tr = lang(&headers);
    let q = organisations_query(&params, &tr).map_err(|e| ApiError(WebError::Invalid(e)))?;
    let found = app.store.organisations(&q).await?;
    Ok(Json(ListOf {
        items: found.items.into_iter().map(Into::into).collect(),
        total: found.total,
        page: found.page,
        per_page: found.per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/organisations", tag = "registre", request_body = OrganisationInput,
    responses((status = 201, body = OrganisationView), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    ApiJson(body): ApiJson<OrganisationInput>,
) -> ApiResult<impl IntoResponse> {
    app.store.require_registry_reader(&caller).await?;
    if !app.store.can_edit_registry(&caller).await? {
        return Err(WebError::Forbidden.into());
    }
    let draft = body.to_draft(&lang(&headers)).map_err(WebError::Invalid)?;
    let id = app.store.create_organisation(&caller, &draft).await?;
    let saved = app.store.organisation(id).await?;
    Ok((
        StatusCode::CREATED,
        etag(saved.version),
        Json(OrganisationView::from(saved)),
    ))
}

#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "registre", params(("id" = i64, Path)),
    responses((status = 200, body = OrganisationView), (status = 404, body = crate::error::Problem)))]
pub async fn get_one(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    app.store.require_registry_reader(&caller).await?;
    let o = app.store.organisation(OrganisationId(id)).await?;
    Ok((etag(o.version), Json(OrganisationView::from(o))))
}

#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "registre", params(("id" = i64, Path)), request_body = OrganisationInput,
    responses((status = 200, body = OrganisationView), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<OrganisationInput>,
) -> ApiResult<impl IntoResponse> {
    app.store.require_registry_reader(&caller).await?;
    if !app.store.can_edit_registry(&caller).await? {
        return Err(WebError::Forbidden.into());
    }
    let tr = lang(&headers);
    let (version, if_match) = expected_version(&headers, body.version, &tr)?;
    let draft = body.to_draft(&tr).map_err(WebError::Invalid)?;
    let saved = app
        .store
        .update_organisation(&caller, OrganisationId(id), version, &draft)
        .await
        .map_err(|e| stale(e.into(), if_match))?;
    Ok((etag(saved.version), Json(OrganisationView::from(saved))))
}

#[utoipa::path(get, path = "/api/v1/organisations/{id}/history", tag = "registre", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn history(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    app.store.require_registry_reader(&caller).await?;
    let tr = lang(&headers);
    let events = app.store.organisation_history(OrganisationId(id)).await?;
    Ok(Json(
        events
            .into_iter()
            .map(|e| HistoryEntry::from_event(e, &tr))
            .collect(),
    ))
}
