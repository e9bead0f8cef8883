//! Workspace settings (owners: name, dormancy threshold; members listed) and the creation
//! of a workspace (platform administrators).

use askama::Template;
use axum::{
    Router,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use partinnov_store::{StoreError, guests::GuestRole, workspaces::NewWorkspace};

use crate::{
    App,
    api::Params,
    auth::{CsrfForm, Session},
    error::{FieldError, WebError, WebResult},
    pages::{Chrome, Errors, guests::role_label, render, render_with},
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/espaces/{slug}/parametres", get(show).post(save))
        .route("/espaces", post(create))
        .route("/espaces/{slug}/membres/{user}", post(change_member))
        .route("/espaces/{slug}/invitations", post(invite))
        .route("/espaces/{slug}/invites/{user}/retirer", post(remove_guest))
        .route(
            "/espaces/{slug}/membres/{user}/mot-de-passe",
            post(reset_member_password),
        )
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    c: Chrome,
    /// The person viewing: their own password is changed on "Mon compte", not here.
    me: i64,
    name: String,
    dormant_months: String,
    version: i64,
    is_owner: bool,
    members: Vec<MemberLine>,
    roles: Vec<(String, String)>,
    /// The roles an invitation may give: the team's, then the guests'.
    invite_roles: Vec<(String, String)>,
    /// Organisations a partner may be invited for: (id, name).
    organisations: Vec<(i64, String)>,
    /// The invitation form as sent back: role and organisation.
    invite_typed: (String, String),
    /// Guests: id, name, email, role label (with the organisation).
    guests: Vec<(i64, String, String, String)>,
    invitations: Vec<(String, String, String)>,
    /// The link just created, shown once.
    new_link: String,
    errors: Errors,
    /// What the last action did ("Mot de passe de Camille changé…").
    notice: String,
}

pub struct MemberLine {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub role_label: String,
}

async fn page(
    app: &App,
    s: &Session,
    slug: &str,
    name: Option<String>,
    months: Option<String>,
    errors: &[FieldError],
) -> WebResult<SettingsPage> {
    page_with_link(app, s, slug, name, months, errors, String::new()).await
}

async fn page_with_link(
    app: &App,
    s: &Session,
    slug: &str,
    name: Option<String>,
    months: Option<String>,
    errors: &[FieldError],
    new_link: String,
) -> WebResult<SettingsPage> {
    page_full(
        app,
        s,
        slug,
        name,
        months,
        errors,
        new_link,
        Default::default(),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn page_full(
    app: &App,
    s: &Session,
    slug: &str,
    name: Option<String>,
    months: Option<String>,
    errors: &[FieldError],
    new_link: String,
    invite_typed: (String, String),
) -> WebResult<SettingsPage> {
    let scope = app.store.scope(&s.caller, slug).await?;
    let ws = app.store.workspace(&scope).await?;
    let members = app
        .store
        .members(&scope)
        .await?
        .into_iter()
        .map(|m| MemberLine {
            id: m.user_id,
            role_label: role_label(&s.t, &m.role, None),
            name: m.name,
            email: m.email,
            role: m.role,
        })
        .collect();
    let is_owner = scope.role == partinnov_store::Role::Owner;
    let invitations = if is_owner {
        app.store
            .invitations(&scope)
            .await?
            .into_iter()
            .map(|i| {
                let state = match i.accepted_at {
                    Some(at) => s.t.f(
                        "invitation.used_on",
                        &[("date", &s.t.date(&at.date_naive()))],
                    ),
                    None if i.expires_at < chrono::Utc::now() => {
                        s.t.t("invitation.expired").to_owned()
                    }
                    None => s.t.f(
                        "invitation.valid_until",
                        &[("date", &s.t.date(&i.expires_at.date_naive()))],
                    ),
                };
                (
                    role_label(&s.t, &i.role, i.organisation_name.as_deref()),
                    s.t.date(&i.created_at.date_naive()),
                    state,
                )
            })
            .collect()
    } else {
        vec![]
    };
    let (guests, organisations) = if is_owner {
        (
            app.store
                .guests(&scope)
                .await?
                .into_iter()
                .map(|g| {
                    (
                        g.user_id,
                        g.name,
                        g.email,
                        role_label(&s.t, &g.role, g.organisation_name.as_deref()),
                    )
                })
                .collect(),
            app.store
                .invitable_organisations(&scope)
                .await?
                .into_iter()
                .map(|(id, name)| (id.0, name))
                .collect(),
        )
    } else {
        (vec![], vec![])
    };
    let invite_roles = partinnov_store::Role::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                s.t.t(&format!("role.{}", r.as_str())).to_owned(),
            )
        })
        .chain(GuestRole::ALL.iter().map(|r| {
            (
                r.as_str().to_owned(),
                s.t.t(&format!("guest.invite_{}", r.as_str())).to_owned(),
            )
        }))
        .collect();
    Ok(SettingsPage {
        notice: String::new(),
        me: s.caller.user_id.0,
        invite_roles,
        organisations,
        invite_typed,
        guests,
        c: Chrome::new(&app.store, s, Some(&scope), s.t.t("settings.title")).await?,
        name: name.unwrap_or(ws.name),
        dormant_months: months.unwrap_or_else(|| ws.dormant_months.to_string()),
        version: ws.version,
        is_owner: scope.role == partinnov_store::Role::Owner,
        members,
        roles: partinnov_store::Role::ALL
            .iter()
            .map(|r| {
                (
                    r.as_str().to_owned(),
                    s.t.t(&format!("role.{}", r.as_str())).to_owned(),
                )
            })
            .collect(),
        invitations,
        new_link,
        errors: Errors::from(errors),
    })
}

/// Changes a member's role, or removes them (`role` = `remove`). Owners only.
async fn change_member(
    State(app): State<App>,
    Path((slug, user)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let role = match form.get("role") {
        "remove" => None,
        r => Some(
            r.parse::<partinnov_store::Role>()
                .map_err(|_| WebError::BadRequest(s.t.error("unknown_code")))?,
        ),
    };
    match app
        .store
        .change_member(&scope, partinnov_store::UserId(user), role)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/espaces/{slug}/parametres")).into_response()),
        Err(StoreError::Invalid {
            code: "last_owner", ..
        }) => {
            let errors = vec![FieldError::new(&s.t, "members", "last_owner")];
            let p = page(&app, &s, &slug, None, None, &errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(e) => Err(e.into()),
    }
}

/// Creates an invitation link with a role, for the team or a guest (a partner names its
/// organisation); shown once on the settings page.
async fn invite(
    State(app): State<App>,
    headers: axum::http::HeaderMap,
    Path(slug): Path<String>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let typed = (
        form.get("role").to_owned(),
        form.get("organisation").to_owned(),
    );
    let result = if let Ok(role) = typed.0.parse::<partinnov_store::Role>() {
        app.store.invite(&scope, role).await
    } else {
        let role: GuestRole = typed
            .0
            .parse()
            .map_err(|_| WebError::BadRequest(s.t.error("unknown_code")))?;
        let organisation = match typed.1.trim() {
            "" => None,
            id => Some(
                id.parse()
                    .map(partinnov_store::OrganisationId)
                    .map_err(|_| WebError::BadRequest(s.t.error("unknown_code")))?,
            ),
        };
        app.store.invite_guest(&scope, role, organisation).await
    };
    let secret = match result {
        Ok(secret) => secret,
        Err(StoreError::Invalid { field, code }) => {
            let errors = vec![FieldError::new(&s.t, field, code)];
            let p = page_full(&app, &s, &slug, None, None, &errors, String::new(), typed).await?;
            return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p));
        }
        Err(e) => return Err(e.into()),
    };
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if app.secure_cookies { "https" } else { "http" };
    let link = format!("{scheme}://{host}/invitation/{secret}");
    Ok(render(
        &page_with_link(&app, &s, &slug, None, None, &[], link).await?,
    ))
}

/// Removes a guest (owners only): they no longer see anything of the workspace.
async fn remove_guest(
    State(app): State<App>,
    Path((slug, user)): Path<(String, i64)>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    app.store
        .remove_guest(&scope, partinnov_store::UserId(user))
        .await?;
    Ok(Redirect::to(&format!("/espaces/{slug}/parametres#invites")).into_response())
}

/// After an owner's password reset the page is reached again with `?mot-de-passe=ID`,
/// and says whose password was changed (only for a member it lists).
async fn show(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let mut p = page(&app, &s, &slug, None, None, &[]).await?;
    let reset: Option<i64> = Params::from_query(raw.as_deref())
        .get(RESET_DONE)
        .and_then(|v| v.parse().ok());
    if let Some(member) = reset.and_then(|id| p.members.iter().find(|m| m.id == id))
        && p.is_owner
    {
        p.notice =
            s.t.f("settings.password_reset_done", &[("name", &member.name)]);
    }
    Ok(render(&p))
}

/// The query parameter that carries the member whose password was just reset.
const RESET_DONE: &str = "mot-de-passe";

async fn save(
    State(app): State<App>,
    Path(slug): Path<String>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_owner()?;
    let name = form.get("name").to_owned();
    let months_typed = form.get("dormant_months").to_owned();
    let version: i64 = form.get("version").parse().unwrap_or(0);
    let result = match months_typed.parse::<i32>() {
        Ok(months) => app
            .store
            .update_workspace(&scope, version, &name, months)
            .await
            .map_err(WebError::from),
        Err(_) => Err(WebError::Invalid(vec![FieldError::new(
            &s.t,
            "dormant_months",
            "invalid_number",
        )])),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/espaces/{slug}")).into_response()),
        Err(WebError::Invalid(errors)) => {
            let p = page(&app, &s, &slug, Some(name), Some(months_typed), &errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(WebError::Conflict { .. }) => {
            let errors = vec![FieldError::new(&s.t, "name", "changed_meanwhile")];
            let p = page(&app, &s, &slug, Some(name), Some(months_typed), &errors).await?;
            Ok(render_with(StatusCode::CONFLICT, &p))
        }
        Err(e) => Err(e),
    }
}

/// Creates a workspace (administrators), its creator becoming its owner.
async fn create(
    State(app): State<App>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    if !s.caller.is_admin {
        return Err(WebError::Forbidden);
    }
    let new = NewWorkspace {
        slug: form.get("slug").to_lowercase(),
        name: form.get("name").to_owned(),
        organisation_id: None,
        dormant_months: 12,
    };
    match app.store.create_workspace(s.caller.user_id, &new).await {
        Ok(_) => Ok(Redirect::to(&format!("/espaces/{}", new.slug)).into_response()),
        Err(e @ (StoreError::Invalid { .. } | StoreError::Duplicate { .. })) => {
            let detail = match WebError::from(e) {
                WebError::Invalid(list) => list
                    .into_iter()
                    .map(|f| f.message)
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => String::new(),
            };
            Err(WebError::BadRequest(detail))
        }
        Err(e) => Err(e.into()),
    }
}

/// An owner chooses a new password for a member of the workspace; the member's sessions
/// end. A refusal is shown in the member's row (`password-{id}`).
async fn reset_member_password(
    State(app): State<App>,
    Path((slug, user)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let result = app
        .store
        .reset_member_password(&scope, partinnov_store::UserId(user), form.get("password"))
        .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/espaces/{slug}/parametres?{RESET_DONE}={user}#membres"
        ))
        .into_response()),
        Err(e) => match WebError::from(e) {
            WebError::Invalid(list) => {
                let errors: Vec<FieldError> = list
                    .into_iter()
                    .map(|mut f| {
                        f.field = format!("password-{user}");
                        f
                    })
                    .collect();
                let p = page(&app, &s, &slug, None, None, &errors).await?;
                Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
            }
            other => Err(other),
        },
    }
}
