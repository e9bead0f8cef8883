//! Figures that are not lists: what one partnership produced, and the costs an ACI enters
//! to check its commercial receipts against its ceiling (001:203).

use axum::{
    Json, Router,
    extract::{Path, State},
    http::HeaderMap,
    routing::get,
};
use partinnov_store::{
    PartnershipId,
    flows::{CommercialCosts, Dashboard},
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiJson, LIFETIME_START, Params, period_from};
use crate::{
    App,
    auth::{ApiCaller, lang},
    error::{ApiError, ApiResult, FieldError, WebError},
    forms::parse_euros,
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/partnerships/{id}/dashboard", get(partnership_dashboard))
        .route("/workspaces/{slug}/commercial-costs", get(list_costs))
        .route(
            "/workspaces/{slug}/commercial-costs/{year}",
            axum::routing::put(put_costs),
        )
}

/// What one partnership produced: people, outcomes, exits and the durable-exit rate,
/// hours, flows. Without `from`/`to`, its whole life.
#[utoipa::path(get, path = "/api/v1/partnerships/{id}/dashboard", tag = "partenariats",
    params(("id" = i64, Path), ("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, description = "aggregates of the partnership"), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn partnership_dashboard(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Json<Dashboard>> {
    let tr = lang(&headers);
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    let (from, to) = period_from(&params, &tr, LIFETIME_START).map_err(WebError::Invalid)?;
    Ok(Json(
        app.store
            .dashboard_of(&scope, from, to, Some(PartnershipId(id)))
            .await?,
    ))
}

/// The costs of commercial activities and authorised rates entered, by year.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/commercial-costs", tag = "espaces",
    params(("slug" = String, Path)),
    responses((status = 200, description = "years entered"), (status = 404, body = crate::error::Problem)))]
pub async fn list_costs(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<CommercialCosts>>> {
    let scope = app.store.scope(&caller, &slug).await?;
    Ok(Json(app.store.commercial_costs(&scope).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct CostsInput {
    /// Euros as people write them ("412 000,50").
    pub costs: String,
    /// 30, or 50 when the exception is granted.
    #[serde(default = "thirty")]
    pub cap_pct: i32,
}

fn thirty() -> i32 {
    30
}

/// Records a year's costs of commercial activities and authorised rate. Owners only.
#[utoipa::path(put, path = "/api/v1/workspaces/{slug}/commercial-costs/{year}", tag = "espaces",
    params(("slug" = String, Path), ("year" = i32, Path)), request_body = CostsInput,
    responses((status = 200, description = "years entered"), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn put_costs(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, year)): Path<(String, i32)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CostsInput>,
) -> ApiResult<Json<Vec<CommercialCosts>>> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    scope.require_owner()?;
    let costs_cents = parse_euros(&body.costs)
        .map_err(|code| ApiError(WebError::Invalid(vec![FieldError::new(&tr, "costs", code)])))?;
    app.store
        .set_commercial_costs(
            &scope,
            &CommercialCosts {
                year,
                costs_cents,
                cap_pct: body.cap_pct,
            },
        )
        .await?;
    Ok(Json(app.store.commercial_costs(&scope).await?))
}
