//! Evaluations of partnerships in four steps: `/api/v1/evaluation-templates`,
//! `/api/v1/partnerships/{id}/evaluations`, `/api/v1/evaluations/{id}` (If-Match or
//! `version`, 412 / 409 when stale) and their criteria, indicators and measurements.
//! Bodies are answered with the store's types as JSON; figures are hundredths.

use std::collections::BTreeMap;

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::{delete, get, post, put},
};
use chrono::Utc;
use partinnov_domain::evaluation::{EvaluationStatus, FilledBy, IndicatorKind, Step, Template};
use partinnov_store::{
    CriterionId, EvaluationId, IndicatorId, PartnershipId, WorkspaceScope,
    evaluations::{
        Answer, CriterionDraft, Evaluation, EvaluationDraft, EvaluationPart, EvaluationSummary,
        TemplateEntry,
    },
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiJson, Params, etag, expected_version, stale};
use crate::{
    App,
    auth::{ApiCaller, lang},
    error::{ApiError, ApiResult, FieldError, WebError},
    pages::evaluation::{indicator_draft, measurement_draft, template_error_message},
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/evaluation-templates", get(list_templates))
        .route(
            "/workspaces/{slug}/evaluation-templates",
            post(import_template),
        )
        .route("/partnerships/{id}/evaluations", get(list).post(create))
        .route(
            "/evaluations/{id}",
            get(get_one).put(update).delete(delete_one),
        )
        .route("/evaluations/{id}/criteria", post(create_criterion))
        .route("/evaluations/{id}/refresh", post(refresh))
        .route("/criteria/{id}", delete(delete_criterion))
        .route("/criteria/{id}/indicators", post(create_indicator))
        .route(
            "/indicators/{id}",
            put(update_indicator).delete(delete_indicator),
        )
        .route("/indicators/{id}/measurements", post(create_measurement))
}

/// The scope of evaluation `id` if the caller may write there: 404 or 403 before the body.
async fn writable(
    app: &App,
    caller: &partinnov_store::Caller,
    id: i64,
) -> Result<(WorkspaceScope, Evaluation), ApiError> {
    let (scope, e) = app.store.evaluation_any(caller, EvaluationId(id)).await?;
    scope.require_write()?;
    Ok((scope, e))
}

async fn part(
    app: &App,
    caller: &partinnov_store::Caller,
    part: EvaluationPart,
) -> Result<(WorkspaceScope, EvaluationId), ApiError> {
    let (scope, e) = app.store.evaluation_part_any(caller, part).await?;
    scope.require_write()?;
    Ok((scope, e))
}

/// Built-in templates, plus the workspace's own with `?workspace=slug`.
#[utoipa::path(get, path = "/api/v1/evaluation-templates", tag = "evaluations",
    params(("workspace" = Option<String>, Query, description = "identifiant d'un espace : ajoute ses modèles")),
    responses((status = 200, description = "templates: code, name, steps with their questions, criteria with their indicators, builtin"), (status = 404, body = crate::error::Problem)))]
pub async fn list_templates(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    params: Params,
) -> ApiResult<Json<Vec<TemplateEntry>>> {
    Ok(Json(match params.get("workspace") {
        Some(slug) => {
            let scope = app.store.scope(&caller, slug).await?;
            app.store.evaluation_templates(&scope).await?
        }
        None => partinnov_domain::evaluation::builtin_templates()
            .into_iter()
            .map(|template| TemplateEntry {
                template,
                builtin: true,
            })
            .collect(),
    }))
}

/// Adds a template to the workspace. The body is the template itself (the JSON format of
/// the built-in ones); a refused one is 422 with the place of the problem as `field`.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/evaluation-templates", tag = "evaluations",
    params(("slug" = String, Path)), request_body(content = String, description = "le modèle en JSON", content_type = "application/json"),
    responses((status = 201, description = "the template as read"), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn import_template(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: String,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    scope.require_write()?;
    let template = Template::from_json(&body).map_err(|e| {
        WebError::Invalid(vec![FieldError {
            field: e.at.clone(),
            code: format!("template_{}", e.problem.code()),
            message: template_error_message(&tr, &e),
        }])
    })?;
    app.store.add_evaluation_template(&scope, &template).await?;
    Ok((StatusCode::CREATED, Json(template)))
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/evaluations", tag = "evaluations", params(("id" = i64, Path)),
    responses((status = 200, description = "evaluations of the partnership, latest first"), (status = 404, body = crate::error::Problem)))]
pub async fn list(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<EvaluationSummary>>> {
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    Ok(Json(
        app.store.evaluations(&scope, PartnershipId(id)).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct StartInput {
    /// Code of a built-in template or one of the workspace's (`guide-quatre-etapes` by default).
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub title: String,
}

/// Starts an evaluation from a template: its criteria and indicators are copied.
#[utoipa::path(post, path = "/api/v1/partnerships/{id}/evaluations", tag = "evaluations", params(("id" = i64, Path)), request_body = StartInput,
    responses((status = 201, description = "the evaluation"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StartInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    scope.require_write()?;
    let code = body
        .template
        .unwrap_or_else(|| partinnov_domain::evaluation::DEFAULT_TEMPLATE.to_owned());
    let e = app
        .store
        .create_evaluation(
            &scope,
            PartnershipId(id),
            &code,
            &body.title,
            Utc::now().date_naive(),
        )
        .await
        .map_err(|e| match e {
            partinnov_store::StoreError::NotFound {
                entity: "evaluation_template",
            } => WebError::Invalid(vec![FieldError::new(&tr, "template", "unknown_code")]),
            e => e.into(),
        })?;
    Ok((StatusCode::CREATED, etag(e.version), Json(e)))
}

#[utoipa::path(get, path = "/api/v1/evaluations/{id}", tag = "evaluations", params(("id" = i64, Path)),
    responses((status = 200, description = "the evaluation with its template, answers, criteria, indicators and measurements"), (status = 404, body = crate::error::Problem)))]
pub async fn get_one(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    let (_, e) = app.store.evaluation_any(&caller, EvaluationId(id)).await?;
    Ok((etag(e.version), Json(e)))
}

/// Every field may be missing from the JSON, so that access is checked (404, 403) before
/// the body is judged (422, naming each field).
#[derive(Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EvaluationInput {
    pub title: String,
    /// `brouillon` or `terminee`.
    pub status: String,
    /// Answers by question code of the evaluation's template; a missing code is an empty answer.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    pub version: Option<i64>,
}

/// Replaces the title, status and answers. Send `If-Match: "<version>"` (412 when stale)
/// or `version` in the body (409 when stale).
#[utoipa::path(put, path = "/api/v1/evaluations/{id}", tag = "evaluations", params(("id" = i64, Path)), request_body = EvaluationInput,
    responses((status = 200, description = "the evaluation"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<EvaluationInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let (scope, e) = writable(&app, &caller, id).await?;
    let (version, if_match) = expected_version(&headers, body.version, &tr)?;
    let mut errors = vec![];
    let status: Option<EvaluationStatus> = body.status.parse().ok();
    if status.is_none() {
        errors.push(FieldError::new(&tr, "status", "unknown_code"));
    }
    let known: Vec<&str> = Step::ALL
        .iter()
        .flat_map(|s| e.template.questions(*s))
        .map(|q| q.code.as_str())
        .collect();
    let mut answers = BTreeMap::new();
    for (code, text) in body.answers {
        if !known.contains(&code.as_str()) {
            errors.push(FieldError::new(
                &tr,
                format!("answers.{code}"),
                "unknown_code",
            ));
            continue;
        }
        let filled_by = e
            .data
            .answers
            .get(&code)
            .filter(|a| a.text == text.trim())
            .map_or(FilledBy::Structure, |a| a.filled_by);
        answers.insert(code, Answer { text, filled_by });
    }
    let (Some(status), true) = (status, errors.is_empty()) else {
        return Err(WebError::Invalid(errors).into());
    };
    let saved = app
        .store
        .update_evaluation(
            &scope,
            e.id,
            version,
            &EvaluationDraft {
                title: body.title,
                status,
                answers,
            },
        )
        .await
        .map_err(|e| stale(e.into(), if_match))?;
    Ok((etag(saved.version), Json(saved)))
}

#[utoipa::path(delete, path = "/api/v1/evaluations/{id}", tag = "evaluations", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn delete_one(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let (scope, e) = writable(&app, &caller, id).await?;
    app.store.delete_evaluation(&scope, e.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CriterionInput {
    pub text: String,
    #[serde(default)]
    pub group: String,
}

/// Adds a criterion; its code is the next free one (C1, C2…).
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/criteria", tag = "evaluations", params(("id" = i64, Path)), request_body = CriterionInput,
    responses((status = 201, description = "the criterion"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_criterion(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CriterionInput>,
) -> ApiResult<impl IntoResponse> {
    let (scope, e) = writable(&app, &caller, id).await?;
    let c = app
        .store
        .add_criterion(
            &scope,
            e.id,
            &CriterionDraft {
                text: body.text,
                group: body.group,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// Removes a criterion with its indicators and their measurements.
#[utoipa::path(delete, path = "/api/v1/criteria/{id}", tag = "evaluations", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn delete_criterion(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let (scope, _) = part(&app, &caller, EvaluationPart::Criterion(CriterionId(id))).await?;
    app.store.delete_criterion(&scope, CriterionId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct IndicatorInput {
    pub text: String,
    /// `quantitatif` or `qualitatif`.
    pub kind: String,
    /// `nombre`, `pourcentage`, `euros`, `heures`, `jours`, `personnes` (quantitative only).
    #[serde(default)]
    pub unit: String,
    /// An automatic source (`embauches`, `sorties_durables`, `pmsmp`, `jours_pmsmp`,
    /// `heures_mise_a_disposition`, `personnes`, `flux`, `flux:<kind>`), or empty.
    #[serde(default)]
    pub source: String,
    /// A figure as people write it ("12,5", "45 %").
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub target_text: String,
    /// For updates.
    pub version: Option<i64>,
}

impl IndicatorInput {
    fn draft(
        &self,
        tr: &crate::i18n::Tr,
    ) -> Result<partinnov_store::evaluations::IndicatorDraft, WebError> {
        indicator_draft(
            tr,
            &self.text,
            &self.kind,
            &self.unit,
            &self.source,
            &self.target,
            &self.target_text,
        )
        .map_err(WebError::Invalid)
    }
}

/// Adds an indicator to a criterion; its code is the next free one (I1, I2…).
#[utoipa::path(post, path = "/api/v1/criteria/{id}/indicators", tag = "evaluations", params(("id" = i64, Path)), request_body = IndicatorInput,
    responses((status = 201, description = "the indicator"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_indicator(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<IndicatorInput>,
) -> ApiResult<impl IntoResponse> {
    let (scope, _) = part(&app, &caller, EvaluationPart::Criterion(CriterionId(id))).await?;
    let d = body.draft(&lang(&headers))?;
    let i = app.store.add_indicator(&scope, CriterionId(id), &d).await?;
    Ok((StatusCode::CREATED, etag(i.version), Json(i)))
}

/// Changes an indicator (measurements stay). `If-Match` (412) or `version` (409).
#[utoipa::path(put, path = "/api/v1/indicators/{id}", tag = "evaluations", params(("id" = i64, Path)), request_body = IndicatorInput,
    responses((status = 200, description = "the indicator"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_indicator(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<IndicatorInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let (scope, _) = part(&app, &caller, EvaluationPart::Indicator(IndicatorId(id))).await?;
    let (version, if_match) = expected_version(&headers, body.version, &tr)?;
    let d = body.draft(&tr)?;
    let i = app
        .store
        .update_indicator(&scope, IndicatorId(id), version, &d)
        .await
        .map_err(|e| stale(e.into(), if_match))?;
    Ok((etag(i.version), Json(i)))
}

#[utoipa::path(delete, path = "/api/v1/indicators/{id}", tag = "evaluations", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn delete_indicator(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let (scope, _) = part(&app, &caller, EvaluationPart::Indicator(IndicatorId(id))).await?;
    app.store.delete_indicator(&scope, IndicatorId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MeasurementInput {
    /// `yyyy-mm-dd` (or `dd/mm/yyyy`).
    pub measured_on: String,
    /// A figure ("12,5", 12.5, "45 %") for a quantitative indicator, a text otherwise.
    #[schema(value_type = String)]
    pub value: serde_json::Value,
    #[serde(default)]
    pub note: String,
}

/// Records a dated value of an indicator.
#[utoipa::path(post, path = "/api/v1/indicators/{id}/measurements", tag = "evaluations", params(("id" = i64, Path)), request_body = MeasurementInput,
    responses((status = 201, description = "the measurement"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_measurement(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MeasurementInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let (scope, eid) = part(&app, &caller, EvaluationPart::Indicator(IndicatorId(id))).await?;
    let e = app.store.evaluation(&scope, eid).await?;
    let kind = e
        .indicator(IndicatorId(id))
        .map_or(IndicatorKind::Quantitatif, |(_, i)| i.data.kind);
    let raw = match &body.value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        // A JSON number is written with a point: read it the same way as a typed one.
        other => other.to_string(),
    };
    let d = measurement_draft(&tr, kind, &body.measured_on, &raw, &body.note)
        .map_err(WebError::Invalid)?;
    let m = app
        .store
        .add_measurement(&scope, IndicatorId(id), &d)
        .await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// Measures every automatic indicator today from the partnership's outcomes and flows.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/refresh", tag = "evaluations", params(("id" = i64, Path)),
    responses((status = 200, description = "the evaluation with today's automatic measurements"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn refresh(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    let (scope, e) = writable(&app, &caller, id).await?;
    app.store
        .refresh_automatic(&scope, e.id, Utc::now().date_naive())
        .await?;
    let e = app.store.evaluation(&scope, e.id).await?;
    Ok((etag(e.version), Json(e)))
}
