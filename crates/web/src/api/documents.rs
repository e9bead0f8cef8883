//! Documents over the API: a partnership's capitalisation sheet and the notes it ends on,
//! a workspace's cartography, and all of a workspace's sheets as a ZIP made in the
//! background (start, follow, download).

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
};
use partinnov_store::{PartnershipId, capitalisation::CapitalisationDraft};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiJson, Params, etag, expected_version, stale};
use crate::{
    App,
    auth::{ApiCaller, lang},
    documents,
    error::{ApiResult, WebError},
    jobs::State as JobState,
    pages::documents as pages,
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/partnerships/{id}/sheet", get(sheet))
        .route(
            "/partnerships/{id}/capitalisation",
            get(get_notes).put(put_notes),
        )
        .route("/workspaces/{slug}/documents/cartography", get(cartography))
        .route("/workspaces/{slug}/documents/strategy", get(strategy))
        .route("/evaluations/{id}/report", get(evaluation_report))
        .route(
            "/workspaces/{slug}/documents/sheets",
            axum::routing::post(start_sheets),
        )
        .route("/workspaces/{slug}/documents/sheets/{job}", get(job))
        .route(
            "/workspaces/{slug}/documents/sheets/{job}/zip",
            get(job_zip),
        )
}

/// The capitalisation sheet of a partnership as a document.
#[utoipa::path(get, path = "/api/v1/partnerships/{id}/sheet", tag = "documents",
    params(("id" = i64, Path), ("format" = Option<String>, Query, description = "pdf (default) | docx | odt")),
    responses((status = 200, description = "the document"), (status = 400, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn sheet(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let tr = lang(&headers);
    let format = documents::format(params.get("format"), &tr)?;
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    Ok(documents::sheet_file(&app.store, &scope, id, format, tr)
        .await?
        .into_response())
}

/// What the team learnt from a partnership: success factors, difficulties, outlook.
/// `version` is 0 until the first save.
#[utoipa::path(get, path = "/api/v1/partnerships/{id}/capitalisation", tag = "documents",
    params(("id" = i64, Path)),
    responses((status = 200, description = "the notes, with their version in ETag"), (status = 404, body = crate::error::Problem)))]
pub async fn get_notes(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    let notes = app.store.capitalisation(&scope, PartnershipId(id)).await?;
    Ok((etag(notes.version), Json(notes)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct NotesInput {
    #[serde(default)]
    pub success_factors: String,
    #[serde(default)]
    pub difficulties: String,
    #[serde(default)]
    pub outlook: String,
    /// The version read (0 for the first save); or send `If-Match`.
    pub version: Option<i64>,
}

/// Replaces the notes. Send `If-Match: "<version>"` (412 when stale) or `version` in the
/// body (409 when stale). Editors and owners.
#[utoipa::path(put, path = "/api/v1/partnerships/{id}/capitalisation", tag = "documents",
    params(("id" = i64, Path)), request_body = NotesInput,
    responses((status = 200, description = "the saved notes"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn put_notes(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NotesInput>,
) -> ApiResult<Response> {
    let tr = lang(&headers);
    let (version, if_match) = expected_version(&headers, body.version, &tr)?;
    let (scope, _) = app
        .store
        .partnership_any(&caller, PartnershipId(id))
        .await?;
    let draft = CapitalisationDraft {
        success_factors: body.success_factors.trim().to_owned(),
        difficulties: body.difficulties.trim().to_owned(),
        outlook: body.outlook.trim().to_owned(),
    };
    let saved = app
        .store
        .set_capitalisation(&scope, PartnershipId(id), &draft, version)
        .await
        .map_err(|e| stale(e.into(), if_match))?;
    Ok((etag(saved.version), Json(saved)).into_response())
}

/// The cartography of a workspace as a document (graph, map, matrices with legends and
/// figures), with the cartography's filters and day.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/documents/cartography", tag = "documents",
    params(("slug" = String, Path), ("format" = Option<String>, Query, description = "pdf (default) | docx | odt"),
        ("family" = Option<String>, Query), ("status" = Option<String>, Query), ("kind" = Option<String>, Query),
        ("departement" = Option<String>, Query), ("sector" = Option<String>, Query), ("date" = Option<String>, Query)),
    responses((status = 200, description = "the document"), (status = 400, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn cartography(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    Ok(documents::cartography_file(&app.store, &scope, &params, tr)
        .await?
        .into_response())
}

/// The strategy synthesis of a workspace: answers, priorities, suggestions, action plan.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/documents/strategy", tag = "documents",
    params(("slug" = String, Path), ("format" = Option<String>, Query, description = "pdf (default) | docx | odt")),
    responses((status = 200, description = "the document"), (status = 400, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn strategy(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let tr = lang(&headers);
    let format = documents::format(params.get("format"), &tr)?;
    let scope = app.store.scope(&caller, &slug).await?;
    Ok(documents::strategy_file(&app.store, &scope, format, tr)
        .await?
        .into_response())
}

/// The report of an evaluation: parties, the four steps, criteria and indicators with
/// targets and measurements, a chart per measured indicator.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/report", tag = "documents",
    params(("id" = i64, Path), ("format" = Option<String>, Query, description = "pdf (default) | docx | odt")),
    responses((status = 200, description = "the document"), (status = 400, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn evaluation_report(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let tr = lang(&headers);
    let format = documents::format(params.get("format"), &tr)?;
    let (scope, _) = app
        .store
        .evaluation_any(&caller, partinnov_store::EvaluationId(id))
        .await?;
    Ok(documents::evaluation_file(
        &app.store,
        &scope,
        partinnov_store::EvaluationId(id),
        format,
        tr,
    )
    .await?
    .into_response())
}

/// Where a background job stands.
#[derive(Serialize, ToSchema)]
pub struct JobStatus {
    pub id: String,
    /// `running`, `done` or `failed`.
    pub state: &'static str,
    pub done: usize,
    pub total: usize,
    /// Where to fetch the ZIP once `done`.
    pub download: String,
}

fn status(slug: &str, id: &str, j: &crate::jobs::Job) -> JobStatus {
    JobStatus {
        id: id.to_owned(),
        state: match j.state {
            JobState::Running => "running",
            JobState::Done(_) => "done",
            JobState::Failed => "failed",
        },
        done: j.done,
        total: j.total,
        download: format!("/api/v1/workspaces/{slug}/documents/sheets/{id}/zip"),
    }
}

/// Starts writing every capitalisation sheet of the workspace into one ZIP, in the
/// background (or returns the caller's job already running there). Answers 202 with the
/// job; follow it with `GET …/sheets/{job}`.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/documents/sheets", tag = "documents",
    params(("slug" = String, Path), ("format" = Option<String>, Query, description = "pdf (default) | docx | odt")),
    responses((status = 202, body = JobStatus), (status = 400, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn start_sheets(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Response> {
    let tr = lang(&headers);
    let format = documents::format(params.get("format"), &tr)?;
    let scope = app.store.scope(&caller, &slug).await?;
    let id = pages::start_sheets_job(&app, &scope, format, tr);
    let j = app
        .jobs
        .get(&id, scope.user_id, scope.workspace_id)
        .ok_or(WebError::NotFound)?;
    Ok((StatusCode::ACCEPTED, Json(status(&slug, &id, &j))).into_response())
}

/// Where the caller's ZIP job stands; another person's job is not found.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/documents/sheets/{job}", tag = "documents",
    params(("slug" = String, Path), ("job" = String, Path)),
    responses((status = 200, body = JobStatus), (status = 404, body = crate::error::Problem)))]
pub async fn job(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, job)): Path<(String, String)>,
) -> ApiResult<Json<JobStatus>> {
    let scope = app.store.scope(&caller, &slug).await?;
    let j = app
        .jobs
        .get(&job, scope.user_id, scope.workspace_id)
        .ok_or(WebError::NotFound)?;
    Ok(Json(status(&slug, &job, &j)))
}

/// The finished ZIP (409 while the job runs).
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/documents/sheets/{job}/zip", tag = "documents",
    params(("slug" = String, Path), ("job" = String, Path)),
    responses((status = 200, description = "application/zip"), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn job_zip(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, job)): Path<(String, String)>,
) -> ApiResult<Response> {
    let scope = app.store.scope(&caller, &slug).await?;
    Ok(pages::job_output(&app, &scope, &job)?)
}
