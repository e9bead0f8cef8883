//! The API of a workspace's guests, and the conversation with the invited partner.
//!
//! An invited partner reads `/workspaces/{slug}/shared/…`: its organisation's partnerships,
//! their conversation and evaluations, and adds its own measurements. An observer reads
//! `/workspaces/{slug}/aggregates`. The team reads and writes the conversation under
//! `/partnerships/{id}/comments`. Anyone else gets 404, as on the team's routes.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::get,
};
use partinnov_store::{
    EvaluationId, IndicatorId, PartnershipId, StoreError,
    evaluations::{Evaluation, EvaluationSummary},
    guests::{Aggregates, Comment, SharedPartnership},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiJson, Params, evaluations::MeasurementInput, expected_version, period, stale};
use crate::{
    App,
    auth::{ApiCaller, lang},
    error::{ApiResult, WebError},
    pages::evaluation::measurement_draft,
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/workspaces/{slug}/shared/partnerships", get(list_shared))
        .route(
            "/workspaces/{slug}/shared/partnerships/{id}",
            get(get_shared),
        )
        .route(
            "/workspaces/{slug}/shared/partnerships/{id}/comments",
            get(list_shared_comments).post(create_shared_comment),
        )
        .route(
            "/workspaces/{slug}/shared/evaluations/{id}",
            get(get_shared_evaluation),
        )
        .route(
            "/workspaces/{slug}/shared/evaluations/{id}/answers",
            axum::routing::put(put_shared_answers),
        )
        .route(
            "/workspaces/{slug}/shared/indicators/{id}/measurements",
            axum::routing::post(create_shared_measurement),
        )
        .route("/workspaces/{slug}/aggregates", get(aggregates))
        .route(
            "/partnerships/{id}/comments",
            get(list_comments).post(create_comment),
        )
}

/// A shared partnership with its conversation and evaluations.
#[derive(Serialize)]
pub struct SharedDetail {
    #[serde(flatten)]
    partnership: SharedPartnership,
    comments: Vec<Comment>,
    evaluations: Vec<EvaluationSummary>,
}

#[derive(Deserialize, ToSchema)]
pub struct CommentInput {
    /// The message, 1 to 5,000 characters.
    pub body: String,
}

/// The partnerships shared with the caller's organisation (invited partners).
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/shared/partnerships", tag = "invités", params(("slug" = String, Path)),
    responses((status = 200, description = "title, status, forms, objectives, means, governance, partners, holders"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn list_shared(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<SharedPartnership>>> {
    let g = app.store.guest_scope(&caller, &slug).await?;
    Ok(Json(app.store.shared_partnerships(&g).await?))
}

/// One shared partnership, with its conversation and its evaluations.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/shared/partnerships/{id}", tag = "invités", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, description = "the partnership as shared"), (status = 404, body = crate::error::Problem)))]
pub async fn get_shared(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> ApiResult<Json<SharedDetail>> {
    let g = app.store.guest_scope(&caller, &slug).await?;
    let id = PartnershipId(id);
    Ok(Json(SharedDetail {
        partnership: app.store.shared_partnership(&g, id).await?,
        comments: app.store.shared_comments(&g, id).await?,
        evaluations: app.store.shared_evaluations(&g, id).await?,
    }))
}

/// The conversation on a shared partnership, oldest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/shared/partnerships/{id}/comments", tag = "invités", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, description = "messages"), (status = 404, body = crate::error::Problem)))]
pub async fn list_shared_comments(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> ApiResult<Json<Vec<Comment>>> {
    let g = app.store.guest_scope(&caller, &slug).await?;
    Ok(Json(
        app.store.shared_comments(&g, PartnershipId(id)).await?,
    ))
}

/// The invited partner writes to the team.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/shared/partnerships/{id}/comments", tag = "invités", params(("slug" = String, Path), ("id" = i64, Path)), request_body = CommentInput,
    responses((status = 201, description = "the message"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_shared_comment(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<CommentInput>,
) -> ApiResult<impl IntoResponse> {
    let g = app.store.guest_scope(&caller, &slug).await?;
    let c = app
        .store
        .add_shared_comment(&g, PartnershipId(id), &body.body)
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// An evaluation of a shared partnership, whole.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/shared/evaluations/{id}", tag = "invités", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, description = "the evaluation"), (status = 404, body = crate::error::Problem)))]
pub async fn get_shared_evaluation(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> ApiResult<Json<Evaluation>> {
    let g = app.store.guest_scope(&caller, &slug).await?;
    Ok(Json(
        app.store.shared_evaluation(&g, EvaluationId(id)).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct AnswersInput {
    /// The evaluation's version the answers are based on (or `If-Match`).
    pub version: Option<i64>,
    /// Question code → the partner's answer; an empty text removes it.
    pub answers: std::collections::BTreeMap<String, String>,
}

/// The invited partner's own answers to the guiding questions, beside the structure's.
/// Send `If-Match: "<version>"` (412 when stale) or `version` (409).
#[utoipa::path(put, path = "/api/v1/workspaces/{slug}/shared/evaluations/{id}/answers", tag = "invités", params(("slug" = String, Path), ("id" = i64, Path)), request_body = AnswersInput,
    responses((status = 200, description = "the evaluation"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn put_shared_answers(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AnswersInput>,
) -> ApiResult<Json<Evaluation>> {
    let tr = lang(&headers);
    let g = app.store.guest_scope(&caller, &slug).await?;
    let (version, if_match) = expected_version(&headers, body.version, &tr)?;
    app.store
        .partner_answers(&g, EvaluationId(id), version, &body.answers)
        .await
        .map(Json)
        .map_err(|e| stale(e.into(), if_match))
}

/// The partner's own dated measurement of an indicator (`filled_by` = `partenaire`).
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/shared/indicators/{id}/measurements", tag = "invités", params(("slug" = String, Path), ("id" = i64, Path)), request_body = MeasurementInput,
    responses((status = 201, description = "the measurement"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_shared_measurement(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MeasurementInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let g = app.store.guest_scope(&caller, &slug).await?;
    let (_, indicator) = app.store.shared_indicator(&g, IndicatorId(id)).await?;
    let raw = match &body.value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let d = measurement_draft(
        &tr,
        indicator.data.kind,
        &body.measured_on,
        &raw,
        &body.note,
    )
    .map_err(WebError::Invalid)?;
    let m = app
        .store
        .partner_measurement(&g, IndicatorId(id), &d)
        .await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// Counts and totals of the workspace for a period, without any name: for observers and
/// the team.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/aggregates", tag = "invités", params(("slug" = String, Path), ("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, description = "aggregates of the period"), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn aggregates(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Json<Aggregates>> {
    let (from, to) = period(&params, &lang(&headers)).map_err(WebError::Invalid)?;
    match app.store.scope(&caller, &slug).await {
        Ok(scope) => Ok(Json(app.store.team_aggregates(&scope, from, to).await?)),
        Err(StoreError::NotFound { .. }) => {
            let g = app.store.guest_scope(&caller, &slug).await?;
            match app.store.aggregates(&g, from, to).await {
                Err(StoreError::Forbidden) => Err(WebError::NotFound.into()),
                other => Ok(Json(other?)),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// The conversation with the invited partner on a partnership, oldest first (the team).
#[utoipa::path(get, path = "/api/v1/partnerships/{id}/comments", tag = "partenariats", params(("id" = i64, Path)),
    responses((status = 200, description = "messages"), (status = 404, body = crate::error::Problem)))]
pub async fn list_comments(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<Comment>>> {
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    Ok(Json(app.store.comments(&scope, PartnershipId(id)).await?))
}

/// A member of the team writes to the invited partner.
#[utoipa::path(post, path = "/api/v1/partnerships/{id}/comments", tag = "partenariats", params(("id" = i64, Path)), request_body = CommentInput,
    responses((status = 201, description = "the message"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_comment(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CommentInput>,
) -> ApiResult<impl IntoResponse> {
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    let c = app
        .store
        .add_comment(&scope, PartnershipId(id), &body.body)
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}
