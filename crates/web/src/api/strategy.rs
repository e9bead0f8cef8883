//! `/api/v1/workspaces/{slug}/strategy[/suggestions]` and `/api/v1/workspaces/{slug}/actions[/{id}]`:
//! the strategy canvas (answers to the eight questions of 001:549-556 and the priorities,
//! one version for the whole), the suggestions with their reasons, and the action plan.
//! Readers read; owners and editors write; another workspace's data is "not found".

use std::collections::BTreeMap;

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::get,
};
use chrono::{DateTime, NaiveDate, Utc};
use partinnov_domain::strategy::{StrategyQuestion, suggestions::Figures};
use partinnov_store::{
    actions::PlanAction,
    strategy::{Strategy, StrategyDraft},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiJson, etag, expected_version, stale};
use crate::{
    App,
    auth::{ApiCaller, lang},
    error::{ApiError, ApiResult, FieldError, WebError},
    forms::ActionInput,
    strategy::{links, question, reason},
};

pub fn router() -> Router<App> {
    Router::new()
        .route(
            "/workspaces/{slug}/strategy",
            get(get_strategy).put(put_strategy),
        )
        .route("/workspaces/{slug}/strategy/suggestions", get(suggestions))
        .route(
            "/workspaces/{slug}/actions",
            get(list_actions).post(create_action),
        )
        .route(
            "/workspaces/{slug}/actions/{id}",
            get(get_action).put(update_action).delete(delete_action),
        )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    /// `axes`, `objectifs`, `priorites`, `profil`, `contenu`, `forme`, `moyens`, `existant`.
    pub question: String,
    /// 1 to 8, the guide's order.
    pub number: u8,
    /// The question as the guide asks it, in the request's language.
    pub wording: String,
    /// Where the guide asks it (`001:549`…).
    pub source: String,
    pub text: String,
    /// 0 while never answered.
    pub version: i64,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StrategyView {
    /// The version of the whole canvas (0 before the first write); also the `ETag`.
    pub version: i64,
    pub answers: Vec<AnswerView>,
    /// Strategic priorities, the first one first.
    pub priorities: Vec<String>,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl StrategyView {
    fn new(s: Strategy, tr: &crate::i18n::Tr) -> Self {
        Self {
            version: s.version,
            answers: s
                .answers
                .into_iter()
                .map(|a| AnswerView {
                    question: a.question.as_str().to_owned(),
                    number: a.question.number(),
                    wording: question(tr, a.question).to_owned(),
                    source: a.question.source().to_owned(),
                    text: a.text,
                    version: a.version,
                    updated_by: a.updated_by,
                    updated_at: a.updated_at,
                })
                .collect(),
            priorities: s.priorities,
            updated_by: s.updated_by,
            updated_at: s.updated_at,
        }
    }
}

/// A write of the canvas: the answers to change, by question code (others are kept; an
/// empty text clears one), and the whole list of priorities when given.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StrategyInput {
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    pub priorities: Option<Vec<String>>,
    /// The version read (or send `If-Match`); 0 before the first write.
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionView {
    /// `dependance`, `priorite_sans_contact`, `ancien_mecene`, `acheteur_sans_immersion`,
    /// `elargir_formes`, `fixer_priorites`, `famille_absente`.
    pub rule: String,
    /// Why, with the figures, in the request's language.
    pub reason: String,
    pub partnership_id: Option<i64>,
    pub organisation_id: Option<i64>,
    /// The family suggested, or the one absent.
    pub family: Option<String>,
    pub subject: String,
    #[schema(value_type = Object)]
    pub figures: Figures,
    /// Pages where the data behind it shows, the main one first.
    pub links: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActionView {
    pub id: i64,
    pub version: i64,
    pub title: String,
    pub partnership_id: Option<i64>,
    pub partnership_title: Option<String>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub due_on: Option<NaiveDate>,
    /// `a_faire`, `en_cours`, `fait` or `abandonnee`.
    pub status: String,
    pub note: String,
    /// Open and past its due day.
    pub late: bool,
}

impl From<PlanAction> for ActionView {
    fn from(a: PlanAction) -> Self {
        Self {
            id: a.id,
            version: a.version,
            title: a.data.title,
            partnership_id: a.data.partnership_id.map(|p| p.0),
            partnership_title: a.partnership_title,
            owner_id: a.data.owner_id.map(|u| u.0),
            owner_name: a.owner_name,
            due_on: a.data.due_on,
            status: a.data.status.as_str().to_owned(),
            note: a.data.note,
            late: a.late,
        }
    }
}

/// The strategy canvas: the eight answers in the guide's order and the priorities.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/strategy", tag = "stratégie",
    params(("slug" = String, Path)),
    responses((status = 200, body = StrategyView), (status = 404, body = crate::error::Problem)))]
pub async fn get_strategy(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    let s = app.store.strategy(&scope).await?;
    Ok((etag(s.version), Json(StrategyView::new(s, &tr))))
}

/// Saves answers and priorities if the canvas is still at the version read (`If-Match`
/// → 412, or `version` → 409 when stale; nothing changes then).
#[utoipa::path(put, path = "/api/v1/workspaces/{slug}/strategy", tag = "stratégie",
    params(("slug" = String, Path)), request_body = StrategyInput,
    responses((status = 200, body = StrategyView), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn put_strategy(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StrategyInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    scope.require_write()?;
    let (version, if_match) = expected_version(&headers, body.version, &tr)?;
    let mut errors = vec![];
    let mut answers = vec![];
    for (code, text) in &body.answers {
        match code.parse::<StrategyQuestion>() {
            Ok(q) => answers.push((q, text.clone())),
            Err(_) => errors.push(FieldError::new(
                &tr,
                format!("answers.{code}"),
                "unknown_code",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError(WebError::Invalid(errors)));
    }
    let saved = app
        .store
        .save_strategy(
            &scope,
            version,
            &StrategyDraft {
                answers,
                priorities: body.priorities,
            },
        )
        .await
        .map_err(|e| stale(e.into(), if_match))?;
    Ok((etag(saved.version), Json(StrategyView::new(saved, &tr))))
}

/// Suggestions computed from the inventory, most useful first, each with its reason and
/// the pages where its data shows.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/strategy/suggestions", tag = "stratégie",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<SuggestionView>), (status = 404, body = crate::error::Problem)))]
pub async fn suggestions(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<SuggestionView>>> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    let list = app.store.suggestions(&scope).await?;
    Ok(Json(
        list.into_iter()
            .map(|s| SuggestionView {
                rule: s.rule.as_str().to_owned(),
                reason: reason(&tr, &s),
                links: links(&tr, &slug, &s).into_iter().map(|l| l.0).collect(),
                partnership_id: s.partnership,
                organisation_id: s.organisation,
                family: s.family.map(|f| f.as_str().to_owned()),
                subject: s.subject,
                figures: s.figures,
            })
            .collect(),
    ))
}

/// The action plan: open actions first, by due day.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/actions", tag = "stratégie",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<ActionView>), (status = 404, body = crate::error::Problem)))]
pub async fn list_actions(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<ActionView>>> {
    let scope = app.store.scope(&caller, &slug).await?;
    Ok(Json(
        app.store
            .plan_actions(&scope)
            .await?
            .into_iter()
            .map(ActionView::from)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/actions", tag = "stratégie",
    params(("slug" = String, Path)), request_body = ActionInput,
    responses((status = 201, body = ActionView), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_action(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ActionInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    scope.require_write()?;
    let draft = body.to_draft(&tr).map_err(WebError::Invalid)?;
    let saved = app.store.create_action(&scope, &draft).await?;
    Ok((
        StatusCode::CREATED,
        etag(saved.version),
        Json(ActionView::from(saved)),
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/actions/{id}", tag = "stratégie",
    params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = ActionView), (status = 404, body = crate::error::Problem)))]
pub async fn get_action(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> ApiResult<impl IntoResponse> {
    let scope = app.store.scope(&caller, &slug).await?;
    let a = app.store.plan_action(&scope, id).await?;
    Ok((etag(a.version), Json(ActionView::from(a))))
}

/// Saves an action if it is still at the version read (`If-Match` → 412, `version` → 409).
#[utoipa::path(put, path = "/api/v1/workspaces/{slug}/actions/{id}", tag = "stratégie",
    params(("slug" = String, Path), ("id" = i64, Path)), request_body = ActionInput,
    responses((status = 200, body = ActionView), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_action(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ActionInput>,
) -> ApiResult<impl IntoResponse> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    scope.require_write()?;
    app.store.plan_action(&scope, id).await?;
    let (version, if_match) = expected_version(&headers, body.version, &tr)?;
    let draft = body.to_draft(&tr).map_err(WebError::Invalid)?;
    let saved = app
        .store
        .update_action(&scope, id, version, &draft)
        .await
        .map_err(|e| stale(e.into(), if_match))?;
    Ok((etag(saved.version), Json(ActionView::from(saved))))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{slug}/actions/{id}", tag = "stratégie",
    params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 412, body = crate::error::Problem)))]
pub async fn delete_action(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    scope.require_write()?;
    let version = expected_version(&headers, None, &tr).ok();
    app.store
        .delete_action(&scope, id, version.map(|v| v.0))
        .await
        .map_err(|e| stale(e.into(), version.is_some_and(|v| v.1)))?;
    Ok(StatusCode::NO_CONTENT)
}
