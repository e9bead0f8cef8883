//! The JSON API under `/api/v1`: bearer tokens, lists as `{items, total, page, per_page}`,
//! `If-Match` or `version` for updates (412 / 409 when stale), problem+json errors naming
//! the field. The OpenAPI document is generated from these handlers' annotations.

mod accounts;
mod documents;
mod evaluations;
mod exports;
mod figures;
mod graph;
mod guests;
mod imports;
mod json;
mod organisations;
mod partnerships;
mod strategy;
mod workspaces;

use std::collections::HashMap;

use axum::{
    Json, Router,
    extract::{FromRequest, FromRequestParts, Query, Request},
    http::{HeaderMap, header, request::Parts},
    routing::get,
};
use serde::de::DeserializeOwned;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use crate::{
    App,
    error::{ApiError, FieldError, WebError},
    i18n::Tr,
};

pub use json::*;
pub use organisations::organisations_query;
pub use partnerships::{LIFETIME_START, partnerships_query, period, period_from};

pub fn router() -> Router<App> {
    Router::new()
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .merge(workspaces::router())
        .merge(accounts::router())
        .merge(organisations::router())
        .merge(partnerships::router())
        .merge(exports::router())
        .merge(figures::router())
        .merge(documents::router())
        .merge(crate::duplicates::api_router())
        .merge(imports::router())
        .merge(graph::router())
        .merge(strategy::router())
        .merge(evaluations::router())
        .merge(guests::router())
        .fallback(|| async { ApiError(WebError::NotFound) })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Part'Innov API", description = "Inventaire, qualification et suivi des partenariats des structures d'insertion. Authentification : `Authorization: Bearer <jeton>` (`partinnov token create`)."),
    paths(
        workspaces::list_workspaces, workspaces::typology, workspaces::communes,
        workspaces::list_contacts, workspaces::create_contact, workspaces::update_contact, workspaces::delete_contact, workspaces::export_contact, workspaces::anonymise_contact,
        organisations::list, organisations::create, organisations::get_one, organisations::update, organisations::history,
        partnerships::list_in_workspace, partnerships::create, partnerships::list_visible, partnerships::get_one,
        partnerships::update, partnerships::delete, partnerships::history, partnerships::list_interactions,
        partnerships::create_interaction, partnerships::list_outcomes, partnerships::create_outcome, partnerships::list_flows, partnerships::create_flow, partnerships::dashboard, partnerships::network_figures, partnerships::update_interaction, partnerships::delete_interaction,
        exports::organisations, exports::partnerships, exports::contacts, exports::dashboard,
        figures::partnership_dashboard, figures::list_costs, figures::put_costs,
        crate::duplicates::api_list, crate::duplicates::api_merge,
        imports::import, imports::list_mappings, imports::save_mapping, imports::delete_mapping,
        graph::graph,
        documents::sheet, documents::strategy, documents::evaluation_report, documents::get_notes, documents::put_notes, documents::cartography,
        documents::start_sheets, documents::job, documents::job_zip,
        strategy::get_strategy, strategy::put_strategy, strategy::suggestions,
        strategy::list_actions, strategy::create_action, strategy::get_action, strategy::update_action, strategy::delete_action,
        evaluations::list_templates, evaluations::import_template, evaluations::list, evaluations::create, evaluations::get_one, evaluations::update, evaluations::delete_one,
        evaluations::create_criterion, evaluations::refresh, evaluations::delete_criterion, evaluations::create_indicator, evaluations::update_indicator, evaluations::delete_indicator, evaluations::create_measurement,
        guests::list_shared, guests::get_shared, guests::list_shared_comments, guests::create_shared_comment, guests::get_shared_evaluation, guests::put_shared_answers, guests::create_shared_measurement, guests::aggregates, guests::list_comments, guests::create_comment,
        accounts::list_workspaces, accounts::create_workspace, accounts::list_users, accounts::get_user, accounts::user_history, accounts::create_user,
        accounts::set_password, accounts::disable, accounts::enable, accounts::add_membership, accounts::reset_member_password,
    ),
    components(schemas(guests::CommentInput, guests::AnswersInput, documents::JobStatus, documents::NotesInput, crate::error::Problem, crate::error::FieldError, crate::importing::Report, imports::SavedMappingView)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// `Json` whose rejections are problem+json too: a syntax error is 400, a body of the
/// wrong shape 422 with the serde message.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<App> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, app: &App) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, app).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => {
                let status = rejection.status();
                let text = rejection.body_text();
                if status == axum::http::StatusCode::UNPROCESSABLE_ENTITY {
                    Err(ApiError(WebError::Invalid(vec![FieldError {
                        field: "body".into(),
                        code: "invalid_body".into(),
                        message: text,
                    }])))
                } else {
                    Err(ApiError(WebError::BadRequest(text)))
                }
            }
        }
    }
}

/// Query parameters as a map, parsed field by field so an unknown code is a 422 naming it.
#[derive(Default)]
pub struct Params(pub HashMap<String, String>);

impl FromRequestParts<App> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let Query(map) = Query::<HashMap<String, String>>::from_request_parts(parts, app)
            .await
            .map_err(|e| ApiError(WebError::BadRequest(e.body_text())))?;
        Ok(Params(map))
    }
}

impl Params {
    /// The parameters of a raw query string (pages read filters this way); a malformed
    /// string counts as no parameter at all.
    pub fn from_query(raw: Option<&str>) -> Self {
        let pairs: Vec<(String, String)> = raw
            .map(|r| serde_urlencoded::from_str(r).unwrap_or_default())
            .unwrap_or_default();
        Params(pairs.into_iter().collect())
    }

    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// `page` ≥ 1 and `per_page` in 1..=500 (default 50).
    pub fn paging(&self, errors: &mut Vec<FieldError>, tr: &Tr) -> (u32, u32) {
        let mut num = |k: &str, default: u32, max: u32| match self.get(k) {
            None => default,
            Some(v) => match v.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    errors.push(FieldError::new(tr, k, "out_of_range"));
                    default
                }
            },
        };
        (num("page", 1, u32::MAX), num("per_page", 50, 500))
    }
}

/// The version an update is based on: `If-Match` (answered 412 when stale) or the body's
/// `version` (answered 409 when stale). One of them is required.
pub fn expected_version(
    headers: &HeaderMap,
    body: Option<i64>,
    tr: &Tr,
) -> Result<(i64, bool), ApiError> {
    if let Some(v) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) {
        let v = v.trim().trim_start_matches("W/").trim_matches('"');
        return v.parse().map(|n| (n, true)).map_err(|_| {
            ApiError(WebError::Invalid(vec![FieldError::new(
                tr,
                "If-Match",
                "invalid_version",
            )]))
        });
    }
    body.map(|v| (v, false)).ok_or_else(|| {
        ApiError(WebError::Invalid(vec![FieldError::new(
            tr,
            "version",
            "version_required",
        )]))
    })
}

/// Maps a stale write to 412 when the client used `If-Match`.
pub fn stale(e: WebError, if_match: bool) -> ApiError {
    match e {
        WebError::Conflict { current } if if_match => {
            ApiError(WebError::PreconditionFailed { current })
        }
        e => ApiError(e),
    }
}

pub fn etag(version: i64) -> [(header::HeaderName, String); 1] {
    [(header::ETAG, format!("\"{version}\""))]
}
