//! Workspace settings (owners: name, dormancy threshold; members listed) and the creation
//! of a workspace (platform administrators).

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use partinnov_store::{StoreError, workspaces::NewWorkspace};

use crate::{
    App,
    auth::{CsrfForm, Session},
    error::{FieldError, WebError, WebResult},
    pages::{Chrome, Errors, render, render_with},
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/espaces/{slug}/parametres", get(show).post(save))
        .route("/espaces", post(create))
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    c: Chrome,
    name: String,
    dormant_months: String,
    version: i64,
    is_owner: bool,
    /// name, e-mail, role label
    members: Vec<(String, String, String)>,
    errors: Errors,
}

async fn page(
    app: &App,
    s: &Session,
    slug: &str,
    name: Option<String>,
    months: Option<String>,
    errors: &[FieldError],
) -> WebResult<SettingsPage> {
    let scope = app.store.scope(&s.caller, slug).await?;
    let ws = app.store.workspace(&scope).await?;
    let members = app
        .store
        .members(&scope)
        .await?
        .into_iter()
        .map(|m| {
            (
                m.name,
                m.email,
                s.t.t(&format!("role.{}", m.role)).to_owned(),
            )
        })
        .collect();
    Ok(SettingsPage {
        c: Chrome::new(&app.store, s, Some(&scope), s.t.t("settings.title")).await?,
        name: name.unwrap_or(ws.name),
        dormant_months: months.unwrap_or_else(|| ws.dormant_months.to_string()),
        version: ws.version,
        is_owner: scope.role == partinnov_store::Role::Owner,
        members,
        errors: Errors::from(errors),
    })
}

async fn show(State(app): State<App>, s: Session, Path(slug): Path<String>) -> WebResult<Response> {
    Ok(render(&page(&app, &s, &slug, None, None, &[]).await?))
}

async fn save(
    State(app): State<App>,
    Path(slug): Path<String>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
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
