//! Accounts managed by someone else: `/api/v1/admin/...` for platform administrators
//! (every workspace and account; "not found" for anyone else, as the store decides) and
//! `/api/v1/workspaces/{slug}/members/{user}/password` for a workspace's owners.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use partinnov_store::{
    Role, StoreError, UserId,
    accounts::{Account, AccountEvent, Placement, WorkspaceSummary},
    users::{NewUser, generate_password},
    workspaces::NewWorkspace,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiJson, ListOf};
use crate::{
    App,
    auth::{ApiCaller, lang},
    error::{ApiError, ApiResult, WebError},
    pages::history::describe_account,
};

/// A platform administrator calling the API. Checked before the body is read, so that
/// anyone else gets "not found" whatever they send; the store checks again.
pub struct ApiAdmin(pub partinnov_store::Caller);

impl axum::extract::FromRequestParts<App> for ApiAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        app: &App,
    ) -> Result<Self, Self::Rejection> {
        let ApiCaller(caller) = ApiCaller::from_request_parts(parts, app).await?;
        caller.require_admin()?;
        Ok(ApiAdmin(caller))
    }
}

pub fn router() -> Router<App> {
    Router::new()
        .route(
            "/admin/workspaces",
            get(list_workspaces).post(create_workspace),
        )
        .route("/admin/users", get(list_users).post(create_user))
        .route("/admin/users/{id}", get(get_user))
        .route("/admin/users/{id}/history", get(user_history))
        .route("/admin/users/{id}/password", post(set_password))
        .route("/admin/users/{id}/disable", post(disable))
        .route("/admin/users/{id}/enable", post(enable))
        .route("/admin/users/{id}/memberships", post(add_membership))
        .route(
            "/workspaces/{slug}/members/{user}/password",
            post(reset_member_password),
        )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminWorkspaceView {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Number of members.
    pub members: i64,
    /// Number of partnerships (deleted ones excluded).
    pub partnerships: i64,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

impl From<WorkspaceSummary> for AdminWorkspaceView {
    fn from(w: WorkspaceSummary) -> Self {
        Self {
            id: w.id,
            slug: w.slug,
            name: w.name,
            members: w.members,
            partnerships: w.partnerships,
            created_at: w.created_at,
            version: w.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    pub workspace_id: i64,
    pub slug: String,
    pub name: String,
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    /// False while the account is deactivated: no sign-in, no session, no token.
    pub enabled: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
    pub memberships: Vec<MembershipView>,
    /// Only in the answer to a creation without a password: the generated one, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_password: Option<String>,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            name: a.name,
            email: a.email,
            is_admin: a.is_admin,
            enabled: a.disabled_at.is_none(),
            disabled_at: a.disabled_at,
            last_sign_in_at: a.last_sign_in_at,
            created_at: a.created_at,
            version: a.version,
            memberships: a
                .memberships
                .into_iter()
                .map(|m| MembershipView {
                    workspace_id: m.workspace_id,
                    slug: m.slug,
                    name: m.name,
                    role: m.role,
                })
                .collect(),
            initial_password: None,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WorkspaceInput {
    pub name: String,
    /// Lower-case letters, digits and dashes, 2 to 60 characters.
    pub slug: String,
    /// Months without interaction before a partnership is dormant (1 to 120, 12 by default).
    pub dormant_months: Option<i32>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AccountInput {
    pub name: String,
    pub email: String,
    /// At least 8 characters; omitted, one is generated and answered once.
    pub password: Option<String>,
    /// Slug of a workspace to join.
    pub workspace: Option<String>,
    /// Role in that workspace (`editor` by default).
    pub role: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordInput {
    /// At least 8 characters.
    #[serde(default)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MembershipInput {
    /// Slug of the workspace.
    pub workspace: String,
    pub role: String,
}

fn list<T: ToSchema>(items: Vec<T>) -> ListOf<T> {
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let per_page = u32::try_from(items.len().max(1)).unwrap_or(u32::MAX);
    ListOf {
        items,
        total,
        page: 1,
        per_page,
    }
}

fn role(code: &str) -> Result<Role, StoreError> {
    code.parse()
}

/// Every workspace, with its numbers of members and partnerships (platform administrators).
#[utoipa::path(get, path = "/api/v1/admin/workspaces", tag = "administration",
    responses((status = 200, body = ListOf<AdminWorkspaceView>), (status = 404, body = crate::error::Problem)))]
pub async fn list_workspaces(
    State(app): State<App>,
    ApiAdmin(caller): ApiAdmin,
) -> ApiResult<Json<ListOf<AdminWorkspaceView>>> {
    let items = app.store.admin_workspaces(&caller).await?;
    Ok(Json(list(items.into_iter().map(Into::into).collect())))
}

/// Creates a workspace; the administrator becomes its first owner.
#[utoipa::path(post, path = "/api/v1/admin/workspaces", tag = "administration", request_body = WorkspaceInput,
    responses((status = 201, body = AdminWorkspaceView), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_workspace(
    State(app): State<App>,
    ApiAdmin(caller): ApiAdmin,
    ApiJson(body): ApiJson<WorkspaceInput>,
) -> ApiResult<impl IntoResponse> {
    let new = NewWorkspace {
        slug: body.slug.trim().to_lowercase(),
        name: body.name,
        organisation_id: None,
        dormant_months: body.dormant_months.unwrap_or(12),
    };
    let id = app.store.admin_create_workspace(&caller, &new).await?;
    let created = app
        .store
        .admin_workspaces(&caller)
        .await?
        .into_iter()
        .find(|w| w.id == id.0)
        .ok_or(WebError::NotFound)?;
    Ok((StatusCode::CREATED, Json(AdminWorkspaceView::from(created))))
}

/// Every account, with its workspaces and roles (platform administrators).
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "administration",
    responses((status = 200, body = ListOf<AccountView>), (status = 404, body = crate::error::Problem)))]
pub async fn list_users(
    State(app): State<App>,
    ApiAdmin(caller): ApiAdmin,
) -> ApiResult<Json<ListOf<AccountView>>> {
    let items = app.store.admin_accounts(&caller).await?;
    Ok(Json(list(items.into_iter().map(Into::into).collect())))
}

#[utoipa::path(get, path = "/api/v1/admin/users/{id}", tag = "administration", params(("id" = i64, Path)),
    responses((status = 200, body = AccountView), (status = 404, body = crate::error::Problem)))]
pub async fn get_user(
    State(app): State<App>,
    ApiAdmin(caller): ApiAdmin,
    Path(id): Path<i64>,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(
        app.store.admin_account(&caller, UserId(id)).await?.into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountHistoryEntry {
    pub id: i64,
    /// `user` (the account itself), `membership` (a team role) or `guest` (a guest place).
    pub entity: String,
    /// `create`, `update` or `delete`.
    pub action: String,
    /// Who made the change; absent when it was made on the server's command line.
    pub user: Option<String>,
    /// The workspace of a role or guest place.
    pub workspace: Option<String>,
    pub at: DateTime<Utc>,
    /// The change as a sentence ("Nora a désactivé le compte le 12/03/2026").
    pub change: String,
}

/// What was done to an account, oldest first: creation, deactivation, new passwords,
/// roles and guest places. Never a password.
#[utoipa::path(get, path = "/api/v1/admin/users/{id}/history", tag = "administration", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AccountHistoryEntry>), (status = 404, body = crate::error::Problem)))]
pub async fn user_history(
    State(app): State<App>,
    ApiAdmin(caller): ApiAdmin,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<AccountHistoryEntry>>> {
    let tr = lang(&headers);
    // The account's existence first, so an unknown id is 404 rather than an empty trail.
    app.store.admin_account(&caller, UserId(id)).await?;
    let events: Vec<AccountEvent> = app.store.admin_account_history(&caller, UserId(id)).await?;
    Ok(Json(
        events
            .into_iter()
            .map(|e| AccountHistoryEntry {
                change: describe_account(&tr, &e),
                id: e.id,
                entity: e.entity,
                action: e.action,
                user: e.user_name,
                workspace: e.workspace_name,
                at: e.at,
            })
            .collect(),
    ))
}

/// Creates an account (never an administrator), optionally in a workspace with a role.
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "administration", request_body = AccountInput,
    responses((status = 201, body = AccountView), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_user(
    State(app): State<App>,
    ApiAdmin(caller): ApiAdmin,
    ApiJson(body): ApiJson<AccountInput>,
) -> ApiResult<impl IntoResponse> {
    let generated = match body.password.as_deref().map(str::trim) {
        None | Some("") => Some(generate_password()),
        Some(_) => None,
    };
    let password = generated.clone().or(body.password).unwrap_or_default();
    let placement_role = match body.role.as_deref() {
        Some(r) => role(r)?,
        None => Role::Editor,
    };
    let placement = body
        .workspace
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|slug| Placement {
            slug,
            role: placement_role,
        });
    let id = app
        .store
        .admin_create_account(
            &caller,
            NewUser {
                email: &body.email,
                name: &body.name,
                password: &password,
                is_admin: false,
            },
            placement,
        )
        .await?;
    let mut view = AccountView::from(app.store.admin_account(&caller, id).await?);
    view.initial_password = generated;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Chooses a new password for an account; its sessions end.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/password", tag = "administration", params(("id" = i64, Path)), request_body = PasswordInput,
    responses((status = 204), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn set_password(
    State(app): State<App>,
    ApiAdmin(caller): ApiAdmin,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PasswordInput>,
) -> ApiResult<StatusCode> {
    app.store
        .admin_set_password(&caller, UserId(id), &body.password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deactivates an account: no sign-in; its sessions end and its tokens are refused.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/disable", tag = "administration", params(("id" = i64, Path)),
    responses((status = 200, body = AccountView), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn disable(
    State(app): State<App>,
    ApiAdmin(caller): ApiAdmin,
    Path(id): Path<i64>,
) -> ApiResult<Json<AccountView>> {
    app.store
        .admin_set_enabled(&caller, UserId(id), false)
        .await?;
    Ok(Json(
        app.store.admin_account(&caller, UserId(id)).await?.into(),
    ))
}

/// Reactivates an account: it signs in again and its tokens work again.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/enable", tag = "administration", params(("id" = i64, Path)),
    responses((status = 200, body = AccountView), (status = 404, body = crate::error::Problem)))]
pub async fn enable(
    State(app): State<App>,
    ApiAdmin(caller): ApiAdmin,
    Path(id): Path<i64>,
) -> ApiResult<Json<AccountView>> {
    app.store
        .admin_set_enabled(&caller, UserId(id), true)
        .await?;
    Ok(Json(
        app.store.admin_account(&caller, UserId(id)).await?.into(),
    ))
}

/// Adds an account to a workspace with a role (or changes its role there).
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/memberships", tag = "administration", params(("id" = i64, Path)), request_body = MembershipInput,
    responses((status = 200, body = AccountView), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_membership(
    State(app): State<App>,
    ApiAdmin(caller): ApiAdmin,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<MembershipInput>,
) -> ApiResult<Json<AccountView>> {
    let role = role(&body.role)?;
    app.store
        .admin_add_member(&caller, UserId(id), &body.workspace, role)
        .await?;
    Ok(Json(
        app.store.admin_account(&caller, UserId(id)).await?.into(),
    ))
}

/// A workspace owner chooses a new password for a member; the member's sessions end.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/members/{user}/password", tag = "espaces", params(("slug" = String, Path), ("user" = i64, Path)), request_body = PasswordInput,
    responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn reset_member_password(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, user)): Path<(String, i64)>,
    ApiJson(body): ApiJson<PasswordInput>,
) -> ApiResult<StatusCode> {
    let scope = app.store.scope(&caller, &slug).await?;
    app.store
        .reset_member_password(&scope, UserId(user), &body.password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
