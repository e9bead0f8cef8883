//! `/api/v1/workspaces/{slug}/partnerships`, `/api/v1/partnerships[/{id}[/history|/interactions]]`.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::get,
};
use partinnov_domain::{
    kind::StructureKind,
    typology::{Family, Form, PartnershipStatus, Priority},
};
use partinnov_store::{
    PartnershipId, UserId,
    partnerships::{PartnershipQuery, PartnershipSort},
};

use super::{
    ApiJson, HistoryEntry, InteractionView, ListOf, OutcomeView, Params, PartnershipView, etag,
    expected_version, stale,
};
use crate::{
    App,
    auth::{ApiCaller, lang},
    error::{ApiError, ApiResult, FieldError, WebError},
    forms::{Check, InteractionInput, OutcomeInput, PartnershipInput},
    i18n::Tr,
};

pub fn router() -> Router<App> {
    Router::new()
        .route(
            "/workspaces/{slug}/partnerships",
            get(list_in_workspace).post(create),
        )
        .route("/partnerships", get(list_visible))
        .route(
            "/partnerships/{id}",
            get(get_one).put(update).delete(delete),
        )
        .route("/partnerships/{id}/history", get(history))
        .route(
            "/partnerships/{id}/interactions",
            get(list_interactions).post(create_interaction),
        )
        .route(
            "/partnerships/{id}/outcomes",
            get(list_outcomes).post(create_outcome),
        )
        .route(
            "/partnerships/{id}/flows",
            get(list_flows).post(create_flow),
        )
        .route("/workspaces/{slug}/dashboard", get(dashboard))
        .route("/network/figures", get(network_figures))
        .route(
            "/interactions/{id}",
            axum::routing::put(update_interaction).delete(delete_interaction),
        )
}

/// The caller's scope in the workspace of partnership `id`, if they may write there.
/// Checked before any input is validated: 404 or 403 first, never a 422 that would tell
/// an outsider or a reader how their body fared.
async fn writable(
    app: &App,
    caller: &partinnov_store::Caller,
    id: i64,
) -> Result<partinnov_store::WorkspaceScope, ApiError> {
    let (scope, _) = app.store.partnership_any(caller, PartnershipId(id)).await?;
    scope.require_write()?;
    Ok(scope)
}

/// Reads the list filters (API and page alike); an unknown code is an error naming the parameter.
pub fn partnerships_query(params: &Params, tr: &Tr) -> Result<PartnershipQuery, Vec<FieldError>> {
    let mut c = Check::new(tr);
    let mut q = PartnershipQuery {
        q: params.get("q").map(str::to_owned),
        family: c.opt_code::<Family>("family", params.get("family")),
        form: c.opt_code::<Form>("form", params.get("form")),
        status: c.opt_code::<PartnershipStatus>("status", params.get("status")),
        partner_kind: c.opt_code::<StructureKind>("partner_kind", params.get("partner_kind")),
        departement: params.get("departement").map(str::to_owned),
        region: params.get("region").map(str::to_owned),
        priority: c.opt_code::<Priority>("priority", params.get("priority")),
        sort: c
            .opt_code::<PartnershipSort>("sort", params.get("sort"))
            .unwrap_or_default(),
        ..Default::default()
    };
    q.holder = match params.get("holder") {
        Some(h) => match h.parse() {
            Ok(id) => Some(UserId(id)),
            Err(_) => {
                c.fail("holder", "invalid_id");
                None
            }
        },
        None => None,
    };
    q.dormant = match params.get("dormant") {
        Some("true" | "1" | "oui") => Some(true),
        Some("false" | "0" | "non") => Some(false),
        Some(_) => {
            c.fail("dormant", "invalid_boolean");
            None
        }
        None => None,
    };
    let mut errors = c.errors;
    (q.page, q.per_page) = params.paging(&mut errors, tr);
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(errors)
    }
}

fn query_from(params: &Params, tr: &Tr) -> Result<PartnershipQuery, ApiError> {
    partnerships_query(params, tr).map_err(|e| ApiError(WebError::Invalid(e)))
}

/// Partnerships of one workspace.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/partnerships", tag = "partenariats",
    params(("slug" = String, Path), ("q" = Option<String>, Query, description = "recherche sans accents ni casse, titre et partenaires"),
        ("family" = Option<String>, Query), ("form" = Option<String>, Query), ("status" = Option<String>, Query),
        ("partner_kind" = Option<String>, Query), ("departement" = Option<String>, Query), ("region" = Option<String>, Query),
        ("holder" = Option<i64>, Query), ("priority" = Option<String>, Query), ("dormant" = Option<bool>, Query),
        ("sort" = Option<String>, Query, description = "title | updated | priority | activity"), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListOf<PartnershipView>), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list_in_workspace(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Json<ListOf<PartnershipView>>> {
    let tr = lang(&headers);
    let q = match query_from(&params, &tr) {
        Ok(q) => q,
        // Someone who may not see the workspace learns that first, not how their filters fared.
        Err(e) => {
            app.store.scope(&caller, &slug).await?;
            return Err(e);
        }
    };
    let page = app.store.partnerships_by_slug(&caller, &slug, &q).await?;
    Ok(Json(ListOf {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Partnerships of every workspace the token may see.
#[utoipa::path(get, path = "/api/v1/partnerships", tag = "partenariats",
    params(("q" = Option<String>, Query), ("family" = Option<String>, Query), ("status" = Option<String>, Query), ("dormant" = Option<bool>, Query),
        ("sort" = Option<String>, Query), ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = ListOf<PartnershipView>), (status = 401, body = crate::error::Problem)))]
pub async fn list_visible(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Json<ListOf<PartnershipView>>> {
    let q = query_from(&params, &lang(&headers))?;
    let page = app.store.partnerships_visible(&caller, &q).await?;
    Ok(Json(ListOf {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/partnerships", tag = "partenariats", params(("slug" = String, Path)), request_body = PartnershipInput,
    responses((status = 201, body = PartnershipView), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PartnershipInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    scope.require_write()?;
    let draft = body.to_draft(&tr).map_err(WebError::Invalid)?;
    let saved = app.store.create_partnership(&scope, &draft).await?;
    Ok((
        StatusCode::CREATED,
        etag(saved.version),
        Json(PartnershipView::from(saved)),
    ))
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}", tag = "partenariats", params(("id" = i64, Path)),
    responses((status = 200, body = PartnershipView), (status = 404, body = crate::error::Problem)))]
pub async fn get_one(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    let (_, p) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    Ok((etag(p.version), Json(PartnershipView::from(p))))
}

/// Replaces a partnership. Send `If-Match: "<version>"` (412 when stale) or `version` in the body (409 when stale).
#[utoipa::path(put, path = "/api/v1/partnerships/{id}", tag = "partenariats", params(("id" = i64, Path)), request_body = PartnershipInput,
    responses((status = 200, body = PartnershipView), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PartnershipInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let scope = writable(&app, &caller, id).await?;
    let (version, if_match) = expected_version(&headers, body.version, &tr)?;
    let draft = body.to_draft(&tr).map_err(WebError::Invalid)?;
    let saved = app
        .store
        .update_partnership(&scope, PartnershipId(id), version, &draft)
        .await
        .map_err(|e| stale(e.into(), if_match))?;
    Ok((etag(saved.version), Json(PartnershipView::from(saved))))
}

/// Deletes a partnership (an owner can restore it from the web interface).
#[utoipa::path(delete, path = "/api/v1/partnerships/{id}", tag = "partenariats", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem), (status = 412, body = crate::error::Problem)))]
pub async fn delete(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let tr = lang(&headers);
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    let version = expected_version(&headers, None, &tr).ok();
    app.store
        .delete_partnership(&scope, PartnershipId(id), version.map(|v| v.0))
        .await
        .map_err(|e| stale(e.into(), version.is_some_and(|v| v.1)))?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/history", tag = "partenariats", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn history(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    let tr = lang(&headers);
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    let events = app
        .store
        .partnership_history(&scope, PartnershipId(id))
        .await?;
    Ok(Json(
        events
            .into_iter()
            .map(|e| HistoryEntry::from_event(e, &tr))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/interactions", tag = "partenariats", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<InteractionView>), (status = 404, body = crate::error::Problem)))]
pub async fn list_interactions(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<InteractionView>>> {
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    let items = app.store.interactions(&scope, PartnershipId(id)).await?;
    Ok(Json(items.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/partnerships/{id}/interactions", tag = "partenariats", params(("id" = i64, Path)), request_body = InteractionInput,
    responses((status = 201, body = InteractionView), (status = 422, body = crate::error::Problem)))]
pub async fn create_interaction(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<InteractionInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let scope = writable(&app, &caller, id).await?;
    let draft = body.to_draft(&tr).map_err(WebError::Invalid)?;
    let saved = app
        .store
        .create_interaction(&scope, PartnershipId(id), &draft)
        .await?;
    Ok((StatusCode::CREATED, Json(InteractionView::from(saved))))
}

/// Employment outcomes of a partnership (people appear only by pseudonymous reference).
#[utoipa::path(get, path = "/api/v1/partnerships/{id}/outcomes", tag = "partenariats", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<OutcomeView>), (status = 404, body = crate::error::Problem)))]
pub async fn list_outcomes(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<OutcomeView>>> {
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    let items = app.store.outcomes(&scope, PartnershipId(id)).await?;
    Ok(Json(items.into_iter().map(Into::into).collect()))
}

/// Records an outcome; a hire is classified into the official exit categories.
#[utoipa::path(post, path = "/api/v1/partnerships/{id}/outcomes", tag = "partenariats", params(("id" = i64, Path)), request_body = OutcomeInput,
    responses((status = 201, body = OutcomeView), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_outcome(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<OutcomeInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let scope = writable(&app, &caller, id).await?;
    let draft = body.to_draft(&tr).map_err(WebError::Invalid)?;
    let saved = app
        .store
        .create_outcome(&scope, PartnershipId(id), &draft)
        .await?;
    Ok((StatusCode::CREATED, Json(OutcomeView::from(saved))))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FlowView {
    pub id: i64,
    pub partnership_id: i64,
    pub kind: String,
    pub year: i32,
    /// Euro cents.
    pub amount_cents: i64,
    pub days: Option<i32>,
    pub day_rate_cents: Option<i64>,
    pub note: String,
}

impl From<partinnov_store::flows::Flow> for FlowView {
    fn from(f: partinnov_store::flows::Flow) -> Self {
        Self {
            id: f.id,
            partnership_id: f.partnership_id,
            kind: f.data.kind.as_str().to_owned(),
            year: f.data.year,
            amount_cents: f.data.amount_cents,
            days: f.data.days,
            day_rate_cents: f.data.day_rate_cents,
            note: f.data.note,
        }
    }
}

/// Economic flows of a partnership, by year.
#[utoipa::path(get, path = "/api/v1/partnerships/{id}/flows", tag = "partenariats", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<FlowView>), (status = 404, body = crate::error::Problem)))]
pub async fn list_flows(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<FlowView>>> {
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    Ok(Json(
        app.store
            .flows(&scope, PartnershipId(id))
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Records an economic flow (euros with at most two decimals).
#[utoipa::path(post, path = "/api/v1/partnerships/{id}/flows", tag = "partenariats", params(("id" = i64, Path)), request_body = crate::forms::FlowInput,
    responses((status = 201, body = FlowView), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_flow(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<crate::forms::FlowInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let scope = writable(&app, &caller, id).await?;
    let draft = body.to_draft(&tr).map_err(WebError::Invalid)?;
    let saved = app
        .store
        .create_flow(&scope, PartnershipId(id), &draft)
        .await?;
    Ok((StatusCode::CREATED, Json(FlowView::from(saved))))
}

/// The period's dates from `from`/`to` (yyyy-mm-dd), the current year by default.
pub fn period(
    params: &Params,
    tr: &Tr,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate), Vec<crate::error::FieldError>> {
    let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    period_from(params, tr, chrono::NaiveDate::from_ymd_opt(year, 1, 1))
}

/// The first day a partnership's whole life can start: figures "since the beginning".
pub const LIFETIME_START: Option<chrono::NaiveDate> = chrono::NaiveDate::from_ymd_opt(1990, 1, 1);

/// `from`/`to` of `params`, else `default_from` to the end of the current year.
pub fn period_from(
    params: &Params,
    tr: &Tr,
    default_from: Option<chrono::NaiveDate>,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate), Vec<crate::error::FieldError>> {
    let mut c = Check::new(tr);
    let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    let from = c.date("from", params.get("from")).or(default_from);
    let to = c
        .date("to", params.get("to"))
        .or(chrono::NaiveDate::from_ymd_opt(year, 12, 31));
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        c.fail("to", "end_before_start");
    }
    match (from, to) {
        (Some(f), Some(t)) if c.errors.is_empty() => Ok((f, t)),
        _ => Err(c.errors),
    }
}

/// The workspace dashboard for a period: people, outcomes, exits and the durable-exit
/// rate, staff-lending hours, flows by kind and year, and dependency on few partners.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/dashboard", tag = "espaces", params(("slug" = String, Path), ("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, description = "aggregates of the period"), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn dashboard(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Json<partinnov_store::flows::Dashboard>> {
    let scope = app.store.scope(&caller, &slug).await?;
    let (from, to) = period(&params, &lang(&headers)).map_err(WebError::Invalid)?;
    Ok(Json(app.store.dashboard(&scope, from, to).await?))
}

/// The figures of every workspace the caller is a member of, one line each, with their
/// total: partnerships, people, outcomes, classified and durable exits, hours, days and
/// flows of the period. A token limited to one workspace gets that one only.
#[utoipa::path(get, path = "/api/v1/network/figures", tag = "espaces", params(("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, description = "one line per workspace, and the total"), (status = 422, body = crate::error::Problem)))]
pub async fn network_figures(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Json<partinnov_store::network::NetworkFigures>> {
    let (from, to) = period(&params, &lang(&headers)).map_err(WebError::Invalid)?;
    Ok(Json(app.store.network_figures(&caller, from, to).await?))
}

/// Corrects an interaction. Send `If-Match: "<version>"` (412 when stale) or `version` in the body (409).
#[utoipa::path(put, path = "/api/v1/interactions/{id}", tag = "partenariats", params(("id" = i64, Path)), request_body = InteractionInput,
    responses((status = 200, body = InteractionView), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_interaction(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<InteractionInput>,
) -> ApiResult<Json<InteractionView>> {
    let tr = lang(&headers);
    let (scope, _) = app
        .store
        .interaction_any(&caller, partinnov_store::InteractionId(id))
        .await?;
    scope.require_write()?;
    let (version, if_match) = expected_version(&headers, body.version, &tr)?;
    let draft = body.to_draft(&tr).map_err(WebError::Invalid)?;
    let saved = app
        .store
        .update_interaction(&scope, partinnov_store::InteractionId(id), version, &draft)
        .await
        .map_err(|e| stale(e.into(), if_match))?;
    Ok(Json(saved.into()))
}

/// Deletes an interaction; the partnership's last interaction day follows.
#[utoipa::path(delete, path = "/api/v1/interactions/{id}", tag = "partenariats", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete_interaction(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let (scope, _) = app
        .store
        .interaction_any(&caller, partinnov_store::InteractionId(id))
        .await?;
    app.store
        .delete_interaction(&scope, partinnov_store::InteractionId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
