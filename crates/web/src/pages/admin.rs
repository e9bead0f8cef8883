//! Platform administration (`/admin`): every workspace and account, their creation,
//! deactivation, new passwords and memberships. Anyone but a platform administrator gets
//! "not found" on every page and form here; the store checks again on each call.

use askama::Template;
use axum::{
    Router,
    extract::{FromRequest, FromRequestParts, Path, Request, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use partinnov_store::{
    Role, UserId,
    accounts::{Account, Placement},
    users::{NewUser, generate_password},
    workspaces::NewWorkspace,
};

use crate::{
    App,
    auth::{CsrfForm, FormData, Session},
    error::{FieldError, WebError, WebResult},
    i18n::Tr,
    pages::{Chrome, Errors, history::describe_account, render, render_with},
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/admin", get(overview))
        .route("/admin/espaces", get(workspaces).post(create_workspace))
        .route("/admin/utilisateurs", get(users).post(create_user))
        .route("/admin/utilisateurs/{id}", get(user))
        .route("/admin/utilisateurs/{id}/mot-de-passe", post(set_password))
        .route("/admin/utilisateurs/{id}/desactiver", post(disable))
        .route("/admin/utilisateurs/{id}/reactiver", post(enable))
        .route("/admin/utilisateurs/{id}/espaces", post(add_member))
}

/// A signed-in platform administrator, on a page.
struct Admin(Session);

impl FromRequestParts<App> for Admin {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        app: &App,
    ) -> Result<Self, Self::Rejection> {
        let s = Session::from_request_parts(parts, app).await?;
        s.caller.require_admin()?;
        Ok(Admin(s))
    }
}

/// A form posted by a platform administrator. Whether the caller administers is checked
/// before the CSRF token, so a non-administrator gets "not found" whatever they post.
struct AdminForm {
    s: Session,
    form: FormData,
}

impl FromRequest<App> for AdminForm {
    type Rejection = WebError;

    async fn from_request(req: Request, app: &App) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        Admin::from_request_parts(&mut parts, app).await?;
        let CsrfForm { session, form } =
            CsrfForm::from_request(Request::from_parts(parts, body), app).await?;
        Ok(AdminForm { s: session, form })
    }
}

fn role_options(t: &Tr) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                t.t(&format!("role.{}", r.as_str())).to_owned(),
            )
        })
        .collect()
}

// ------------------------------------------------------------------ overview

#[derive(Template)]
#[template(path = "admin.html")]
struct OverviewPage {
    c: Chrome,
    workspaces: usize,
    users: usize,
    disabled: usize,
}

async fn overview(State(app): State<App>, Admin(s): Admin) -> WebResult<Response> {
    let workspaces = app.store.admin_workspaces(&s.caller).await?.len();
    let accounts = app.store.admin_accounts(&s.caller).await?;
    Ok(render(&OverviewPage {
        c: Chrome::new(&app.store, &s, None, s.t.t("admin.title")).await?,
        workspaces,
        users: accounts.len(),
        disabled: accounts.iter().filter(|a| a.disabled_at.is_some()).count(),
    }))
}

// ------------------------------------------------------------------ workspaces

pub struct WorkspaceLine {
    pub name: String,
    pub slug: String,
    pub members: i64,
    pub partnerships: i64,
    pub created: String,
}

#[derive(Template)]
#[template(path = "admin_workspaces.html")]
struct WorkspacesPage {
    c: Chrome,
    items: Vec<WorkspaceLine>,
    name: String,
    slug: String,
    errors: Errors,
}

async fn workspaces_page(
    app: &App,
    s: &Session,
    name: String,
    slug: String,
    errors: &[FieldError],
) -> WebResult<WorkspacesPage> {
    let items = app
        .store
        .admin_workspaces(&s.caller)
        .await?
        .into_iter()
        .map(|w| WorkspaceLine {
            created: s.t.date(&w.created_at.date_naive()),
            name: w.name,
            slug: w.slug,
            members: w.members,
            partnerships: w.partnerships,
        })
        .collect();
    Ok(WorkspacesPage {
        c: Chrome::new(&app.store, s, None, s.t.t("admin.workspaces")).await?,
        items,
        name,
        slug,
        errors: Errors::from(errors),
    })
}

async fn workspaces(State(app): State<App>, Admin(s): Admin) -> WebResult<Response> {
    Ok(render(
        &workspaces_page(&app, &s, String::new(), String::new(), &[]).await?,
    ))
}

async fn create_workspace(
    State(app): State<App>,
    AdminForm { s, form }: AdminForm,
) -> WebResult<Response> {
    let new = NewWorkspace {
        slug: form.get("slug").to_lowercase(),
        name: form.get("name").to_owned(),
        organisation_id: None,
        dormant_months: 12,
    };
    match app.store.admin_create_workspace(&s.caller, &new).await {
        Ok(_) => Ok(Redirect::to("/admin/espaces").into_response()),
        Err(e) => match WebError::from(e) {
            WebError::Invalid(errors) => {
                let p = workspaces_page(&app, &s, new.name, new.slug, &errors).await?;
                Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
            }
            other => Err(other),
        },
    }
}

// ------------------------------------------------------------------ users

pub struct UserLine {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub enabled: bool,
    /// "Espace (rôle)", one per workspace.
    pub memberships: Vec<String>,
    pub last_sign_in: String,
    pub created: String,
}

fn user_line(t: &Tr, a: Account) -> UserLine {
    UserLine {
        id: a.id,
        is_admin: a.is_admin,
        enabled: a.disabled_at.is_none(),
        memberships: a
            .memberships
            .iter()
            .map(|m| format!("{} ({})", m.name, t.t(&format!("role.{}", m.role))))
            .collect(),
        last_sign_in: a
            .last_sign_in_at
            .map(|d| t.datetime(&d))
            .unwrap_or_else(|| t.t("account.never").to_owned()),
        created: t.date(&a.created_at.date_naive()),
        name: a.name,
        email: a.email,
    }
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    c: Chrome,
    items: Vec<UserLine>,
    workspaces: Vec<(String, String)>,
    roles: Vec<(String, String)>,
    name: String,
    email: String,
    workspace: String,
    role: String,
    errors: Errors,
}

async fn users_page(
    app: &App,
    s: &Session,
    form: Option<&FormData>,
    errors: &[FieldError],
) -> WebResult<UsersPage> {
    let items = app
        .store
        .admin_accounts(&s.caller)
        .await?
        .into_iter()
        .map(|a| user_line(&s.t, a))
        .collect();
    let workspaces = app
        .store
        .admin_workspaces(&s.caller)
        .await?
        .into_iter()
        .map(|w| (w.slug, w.name))
        .collect();
    let typed = |k: &str| form.map(|f| f.get(k).to_owned()).unwrap_or_default();
    let role = typed("role");
    Ok(UsersPage {
        c: Chrome::new(&app.store, s, None, s.t.t("admin.users")).await?,
        items,
        workspaces,
        roles: role_options(&s.t),
        name: typed("name"),
        email: typed("email"),
        workspace: typed("workspace"),
        role: if role.is_empty() {
            Role::Editor.as_str().to_owned()
        } else {
            role
        },
        errors: Errors::from(errors),
    })
}

async fn users(State(app): State<App>, Admin(s): Admin) -> WebResult<Response> {
    Ok(render(&users_page(&app, &s, None, &[]).await?))
}

/// Creates an account. Without a password typed, one is generated and shown once on the
/// account's page.
async fn create_user(
    State(app): State<App>,
    AdminForm { s, form }: AdminForm,
) -> WebResult<Response> {
    let generated = form.opt("password").is_none().then(generate_password);
    let password = generated
        .clone()
        .unwrap_or_else(|| form.get("password").to_owned());
    let role = match form.get("role") {
        "" => Ok(Role::Editor),
        r => r.parse::<Role>(),
    };
    let result = match role {
        Ok(role) => {
            let placement = form.opt("workspace");
            app.store
                .admin_create_account(
                    &s.caller,
                    NewUser {
                        email: form.get("email"),
                        name: form.get("name"),
                        password: &password,
                        is_admin: false,
                    },
                    placement.as_deref().map(|slug| Placement { slug, role }),
                )
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            let notice = s.t.t("admin.user_created").to_owned();
            let p = user_page(&app, &s, id, notice, generated.unwrap_or_default(), &[]).await?;
            Ok(render(&p))
        }
        Err(e) => match WebError::from(e) {
            WebError::Invalid(errors) => {
                let p = users_page(&app, &s, Some(&form), &errors).await?;
                Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
            }
            other => Err(other),
        },
    }
}

// ------------------------------------------------------------------ one user

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    c: Chrome,
    u: UserLine,
    /// The page's own administrator: no "deactivate" button.
    is_self: bool,
    workspaces: Vec<(String, String)>,
    roles: Vec<(String, String)>,
    /// What the last action did.
    notice: String,
    /// A generated password, shown once.
    new_password: String,
    errors: Errors,
    /// What was done to the account, newest first, as sentences.
    trail: Vec<String>,
}

async fn user_page(
    app: &App,
    s: &Session,
    id: UserId,
    notice: String,
    new_password: String,
    errors: &[FieldError],
) -> WebResult<UserPage> {
    let account = app.store.admin_account(&s.caller, id).await?;
    let workspaces = app
        .store
        .admin_workspaces(&s.caller)
        .await?
        .into_iter()
        .map(|w| (w.slug, w.name))
        .collect();
    let trail = app
        .store
        .admin_account_history(&s.caller, id)
        .await?
        .iter()
        .rev()
        .map(|e| describe_account(&s.t, e))
        .collect();
    Ok(UserPage {
        c: Chrome::new(&app.store, s, None, account.name.clone()).await?,
        is_self: id == s.caller.user_id,
        u: user_line(&s.t, account),
        workspaces,
        roles: role_options(&s.t),
        notice,
        new_password,
        errors: Errors::from(errors),
        trail,
    })
}

async fn user(State(app): State<App>, Admin(s): Admin, Path(id): Path<i64>) -> WebResult<Response> {
    Ok(render(
        &user_page(&app, &s, UserId(id), String::new(), String::new(), &[]).await?,
    ))
}

/// The account's page again: with a notice after a success, with the field's message (422)
/// after a refusal.
async fn after(
    app: &App,
    s: &Session,
    id: UserId,
    result: partinnov_store::Result<()>,
    done: &str,
) -> WebResult<Response> {
    match result {
        Ok(()) => Ok(render(
            &user_page(app, s, id, s.t.t(done).to_owned(), String::new(), &[]).await?,
        )),
        Err(e) => match WebError::from(e) {
            WebError::Invalid(errors) => {
                let p = user_page(app, s, id, String::new(), String::new(), &errors).await?;
                Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
            }
            other => Err(other),
        },
    }
}

async fn set_password(
    State(app): State<App>,
    Path(id): Path<i64>,
    AdminForm { s, form }: AdminForm,
) -> WebResult<Response> {
    let result = app
        .store
        .admin_set_password(&s.caller, UserId(id), form.get("password"))
        .await;
    after(&app, &s, UserId(id), result, "admin.password_set").await
}

async fn disable(
    State(app): State<App>,
    Path(id): Path<i64>,
    AdminForm { s, .. }: AdminForm,
) -> WebResult<Response> {
    let result = app
        .store
        .admin_set_enabled(&s.caller, UserId(id), false)
        .await;
    after(&app, &s, UserId(id), result, "admin.disabled_done").await
}

async fn enable(
    State(app): State<App>,
    Path(id): Path<i64>,
    AdminForm { s, .. }: AdminForm,
) -> WebResult<Response> {
    let result = app
        .store
        .admin_set_enabled(&s.caller, UserId(id), true)
        .await;
    after(&app, &s, UserId(id), result, "admin.enabled_done").await
}

async fn add_member(
    State(app): State<App>,
    Path(id): Path<i64>,
    AdminForm { s, form }: AdminForm,
) -> WebResult<Response> {
    let result = match form.get("role").parse::<Role>() {
        Ok(role) => {
            app.store
                .admin_add_member(&s.caller, UserId(id), form.get("workspace"), role)
                .await
        }
        Err(e) => Err(e),
    };
    after(&app, &s, UserId(id), result, "admin.member_added").await
}
