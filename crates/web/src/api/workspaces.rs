//! `/api/v1/workspaces`, contacts, the typology and the commune search.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::{get, put},
};
use partinnov_domain::{
    kind::StructureKind,
    lang::Lang,
    typology::{
        Family, Form, InteractionKind, Involvement, ObjectiveParty, PartnershipStatus, Potential,
        Priority,
    },
};
use partinnov_interop::geo;
use partinnov_store::{ContactId, OrganisationId};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiJson, ContactView, ListOf, Params, WorkspaceView, expected_version, stale};
use crate::{
    App,
    auth::{ApiCaller, lang},
    error::{ApiResult, WebError},
    forms::ContactInput,
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/workspaces", get(list_workspaces))
        .route("/typology", get(typology))
        .route("/communes", get(communes))
        .route(
            "/workspaces/{slug}/contacts",
            get(list_contacts).post(create_contact),
        )
        .route(
            "/workspaces/{slug}/contacts/{id}",
            put(update_contact).delete(delete_contact),
        )
        .route(
            "/workspaces/{slug}/contacts/{id}/export",
            get(export_contact),
        )
        .route(
            "/workspaces/{slug}/contacts/{id}/anonymise",
            axum::routing::post(anonymise_contact),
        )
}

/// The workspaces the token may see, with the caller's role in each.
#[utoipa::path(get, path = "/api/v1/workspaces", tag = "espaces", responses((status = 200, body = ListOf<WorkspaceView>), (status = 401, body = crate::error::Problem)))]
pub async fn list_workspaces(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<ListOf<WorkspaceView>>> {
    let items: Vec<WorkspaceView> = app
        .store
        .workspaces(&caller)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let per_page = u32::try_from(items.len().max(1)).unwrap_or(u32::MAX);
    Ok(Json(ListOf {
        items,
        total,
        page: 1,
        per_page,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Coded {
    pub code: String,
    pub fr: String,
    pub en: String,
    /// For forms: the family they belong to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Typology {
    pub families: Vec<Coded>,
    pub forms: Vec<Coded>,
    pub statuses: Vec<Coded>,
    pub priorities: Vec<Coded>,
    pub potentials: Vec<Coded>,
    pub involvement_levels: Vec<Coded>,
    pub objective_parties: Vec<Coded>,
    pub interaction_kinds: Vec<Coded>,
    pub structure_kinds: Vec<Coded>,
}

macro_rules! coded {
    ($t:ty) => {
        <$t>::ALL
            .iter()
            .map(|v| Coded {
                code: v.as_str().to_owned(),
                fr: v.label(Lang::Fr).to_owned(),
                en: v.label(Lang::En).to_owned(),
                family: None,
            })
            .collect()
    };
}

/// The typology of partnership forms (four families) and every code the API accepts, with French and English labels.
#[utoipa::path(get, path = "/api/v1/typology", tag = "référentiels", security(), responses((status = 200, body = Typology)))]
pub async fn typology() -> Json<Typology> {
    Json(Typology {
        families: coded!(Family),
        forms: Form::ALL
            .iter()
            .map(|f| Coded {
                code: f.as_str().into(),
                fr: f.label(Lang::Fr).into(),
                en: f.label(Lang::En).into(),
                family: Some(f.family().as_str().into()),
            })
            .collect(),
        statuses: coded!(PartnershipStatus),
        priorities: coded!(Priority),
        potentials: coded!(Potential),
        involvement_levels: (1..=7u8)
            .filter_map(|n| Involvement::new(n).ok())
            .map(|i| Coded {
                code: i.get().to_string(),
                fr: i.label(Lang::Fr).into(),
                en: i.label(Lang::En).into(),
                family: None,
            })
            .collect(),
        objective_parties: coded!(ObjectiveParty),
        interaction_kinds: coded!(InteractionKind),
        structure_kinds: coded!(StructureKind),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommuneView {
    pub code: String,
    pub name: String,
    pub postcodes: Vec<String>,
    pub departement: String,
    pub region: String,
    pub epci: Option<String>,
}

/// Communes of the official geographic code, by name, postcode or code.
#[utoipa::path(get, path = "/api/v1/communes", tag = "référentiels", security(), params(("q" = String, Query)), responses((status = 200, body = Vec<CommuneView>)))]
pub async fn communes(params: Params) -> Json<Vec<CommuneView>> {
    let found = params
        .get("q")
        .map(|q| geo::search_communes(q, 20))
        .unwrap_or_default();
    Json(
        found
            .into_iter()
            .map(|c| CommuneView {
                code: c.code.into(),
                name: c.name.into(),
                postcodes: c.postcodes.iter().map(|p| (*p).to_owned()).collect(),
                departement: c.departement.into(),
                region: c.region.into(),
                epci: c.epci.map(str::to_owned),
            })
            .collect(),
    )
}

#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/contacts", tag = "espaces", params(("slug" = String, Path), ("q" = Option<String>, Query), ("organisation_id" = Option<i64>, Query)),
    responses((status = 200, body = ListOf<ContactView>), (status = 404, body = crate::error::Problem)))]
pub async fn list_contacts(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    params: Params,
) -> ApiResult<Json<ListOf<ContactView>>> {
    let scope = app.store.scope(&caller, &slug).await?;
    let org = params
        .get("organisation_id")
        .and_then(|o| o.parse().ok())
        .map(OrganisationId);
    let items: Vec<ContactView> = app
        .store
        .contacts(&scope, org, params.get("q"))
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let per_page = u32::try_from(items.len().max(1)).unwrap_or(u32::MAX);
    Ok(Json(ListOf {
        items,
        total,
        page: 1,
        per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/contacts", tag = "espaces", params(("slug" = String, Path)), request_body = ContactInput,
    responses((status = 201, body = ContactView), (status = 422, body = crate::error::Problem)))]
pub async fn create_contact(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ContactInput>,
) -> ApiResult<impl IntoResponse> {
    let scope = app.store.scope(&caller, &slug).await?;
    scope.require_write()?;
    let draft = body.to_draft(&lang(&headers)).map_err(WebError::Invalid)?;
    let saved = app.store.create_contact(&scope, &draft).await?;
    Ok((StatusCode::CREATED, Json(ContactView::from(saved))))
}

#[utoipa::path(put, path = "/api/v1/workspaces/{slug}/contacts/{id}", tag = "espaces", params(("slug" = String, Path), ("id" = i64, Path)), request_body = ContactInput,
    responses((status = 200, body = ContactView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_contact(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ContactInput>,
) -> ApiResult<Json<ContactView>> {
    let tr = lang(&headers);
    let scope = app.store.scope(&caller, &slug).await?;
    scope.require_write()?;
    let (version, if_match) = expected_version(&headers, body.version, &tr)?;
    let draft = body.to_draft(&tr).map_err(WebError::Invalid)?;
    let saved = app
        .store
        .update_contact(&scope, ContactId(id), version, &draft)
        .await
        .map_err(|e| stale(e.into(), if_match))?;
    Ok(Json(saved.into()))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{slug}/contacts/{id}", tag = "espaces", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete_contact(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    let scope = app.store.scope(&caller, &slug).await?;
    app.store.delete_contact(&scope, ContactId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everything held about a contact (subject-access request), as JSON.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/contacts/{id}/export", tag = "espaces", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, description = "the contact, the timeline entries that mention them, and the audit trail of the record"), (status = 404, body = crate::error::Problem)))]
pub async fn export_contact(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> ApiResult<Json<serde_json::Value>> {
    let scope = app.store.scope(&caller, &slug).await?;
    let export = app.store.export_contact(&scope, ContactId(id)).await?;
    Ok(Json(
        serde_json::to_value(export).map_err(|e| WebError::Internal(Box::new(e)))?,
    ))
}

/// Anonymises a contact: a neutral label replaces the name, details and their history are blanked.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/contacts/{id}/anonymise", tag = "espaces", params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = ContactView), (status = 404, body = crate::error::Problem)))]
pub async fn anonymise_contact(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, id)): Path<(String, i64)>,
) -> ApiResult<Json<ContactView>> {
    let scope = app.store.scope(&caller, &slug).await?;
    Ok(Json(
        app.store
            .anonymise_contact(&scope, ContactId(id))
            .await?
            .into(),
    ))
}
