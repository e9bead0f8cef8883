//! The registry's review queue of duplicates: groups of records that may be one
//! organisation, each pair with its score and reason, and the merge a person chooses
//! ("garder celle-ci"). Shown at `/organisations/doublons`, served by the API and by
//! `partinnov dedup`.

use askama::Template;
use axum::{
    Json, Router,
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use partinnov_domain::dedup::{Candidate, OrgFacts, groups};
use partinnov_interop::geo;
use partinnov_store::{OrganisationId, Store, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    App,
    api::{ApiJson, OrganisationView},
    auth::{ApiCaller, CsrfForm, Session},
    error::{ApiResult, WebError, WebResult},
    pages::{Chrome, render},
};

/// One record of a group, as the queue shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DuplicateRecord {
    pub id: i64,
    pub name: String,
    pub siret: Option<String>,
    pub commune: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DuplicatePair {
    pub a: i64,
    pub b: i64,
    /// 0–100.
    pub score: u8,
    /// `certain` or `possible`; different SIRETs are never proposed.
    pub confidence: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DuplicateGroup {
    pub score: u8,
    pub organisations: Vec<DuplicateRecord>,
    pub pairs: Vec<DuplicatePair>,
}

/// The queue: every candidate group of the registry, best first.
pub async fn duplicate_groups(store: &Store) -> Result<Vec<DuplicateGroup>, WebError> {
    let (found, facts) = store.duplicate_candidates().await?;
    Ok(build_groups(&found, &facts))
}

fn build_groups(
    found: &[Candidate],
    facts: &std::collections::HashMap<i64, OrgFacts>,
) -> Vec<DuplicateGroup> {
    groups(found)
        .into_iter()
        .map(|(ids, pairs)| DuplicateGroup {
            score: pairs.iter().map(|c| c.score).max().unwrap_or(0),
            organisations: ids
                .iter()
                .filter_map(|id| facts.get(id))
                .map(|f| DuplicateRecord {
                    id: f.id,
                    name: f.name.clone(),
                    siret: f.siret.clone(),
                    commune: f
                        .commune_code
                        .as_deref()
                        .and_then(geo::commune)
                        .map(|c| format!("{} ({})", c.name, c.departement))
                        .or_else(|| f.postcode.clone()),
                })
                .collect(),
            pairs: pairs
                .into_iter()
                .map(|c| DuplicatePair {
                    a: c.a,
                    b: c.b,
                    score: c.score,
                    confidence: match c.confidence {
                        partinnov_domain::dedup::Confidence::Certain => "certain",
                        partinnov_domain::dedup::Confidence::Possible => "possible",
                    }
                    .to_owned(),
                    reason: c.reason.clone(),
                })
                .collect(),
        })
        .collect()
}

pub fn page_router() -> Router<App> {
    Router::new()
        .route("/organisations/doublons", get(queue))
        .route("/organisations/{id}/fusionner", post(merge_page))
}

pub fn api_router() -> Router<App> {
    Router::new()
        .route("/organisations/duplicates", get(api_list))
        .route("/organisations/{id}/merge", post(api_merge))
}

#[derive(Template)]
#[template(path = "duplicates.html")]
struct QueuePage {
    c: Chrome,
    groups: Vec<DuplicateGroup>,
    shown: usize,
    total: usize,
}

/// Groups shown at once: the best ones; merging them brings the next.
const PAGE: usize = 100;

async fn queue(State(app): State<App>, s: Session) -> WebResult<Response> {
    app.store.require_registry_reader(&s.caller).await?;
    if !app.store.can_edit_registry(&s.caller).await? {
        return Err(WebError::Forbidden);
    }
    let mut groups = duplicate_groups(&app.store).await?;
    let total = groups.len();
    groups.truncate(PAGE);
    Ok(render(&QueuePage {
        c: Chrome::new(&app.store, &s, None, s.t.t("dedup.title")).await?,
        shown: groups.len(),
        total,
        groups,
    }))
}

/// Keeps organisation `id` and merges the form's `drop` into it.
async fn merge_page(
    State(app): State<App>,
    Path(id): Path<i64>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    app.store.require_registry_reader(&s.caller).await?;
    let drop: i64 = form
        .get("drop")
        .parse()
        .map_err(|_| WebError::BadRequest(s.t.error("invalid_id")))?;
    match app
        .store
        .merge_organisations(&s.caller, OrganisationId(id), OrganisationId(drop))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/organisations/{id}")).into_response()),
        Err(StoreError::Invalid { code, .. }) => Err(WebError::BadRequest(s.t.error(code))),
        Err(e) => Err(e.into()),
    }
}

/// The review queue of the registry's duplicates (registry editors).
#[utoipa::path(get, path = "/api/v1/organisations/duplicates", tag = "registre",
    responses((status = 200, body = Vec<DuplicateGroup>), (status = 403, body = crate::error::Problem)))]
pub async fn api_list(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<Vec<DuplicateGroup>>> {
    app.store.require_registry_reader(&caller).await?;
    if !app.store.can_edit_registry(&caller).await? {
        return Err(WebError::Forbidden.into());
    }
    Ok(Json(duplicate_groups(&app.store).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct MergeInput {
    /// The record merged into this one and removed.
    pub drop: i64,
}

/// Merges `drop` into organisation `id`: links, contacts and history move to `id`; facts
/// `id` lacks are taken from `drop`. Two different SIRETs are refused (422).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/merge", tag = "registre", params(("id" = i64, Path)), request_body = MergeInput,
    responses((status = 200, body = OrganisationView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn api_merge(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    _headers: HeaderMap,
    ApiJson(body): ApiJson<MergeInput>,
) -> ApiResult<Json<OrganisationView>> {
    app.store.require_registry_reader(&caller).await?;
    let kept = app
        .store
        .merge_organisations(&caller, OrganisationId(id), OrganisationId(body.drop))
        .await?;
    Ok(Json(kept.into()))
}
