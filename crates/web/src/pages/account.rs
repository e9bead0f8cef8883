//! The person's own account: password change (the current one is checked) and API
//! tokens, created (the secret shown once), listed with their last use, and revoked.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use partinnov_store::{TokenId, users::SignInError};

use crate::{
    App,
    auth::{CsrfForm, Session},
    error::{FieldError, WebError, WebResult},
    pages::{Chrome, Errors, render, render_with},
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/compte", get(show))
        .route("/compte/mot-de-passe", post(change_password))
        .route("/compte/jetons", post(create_token))
        .route("/compte/jetons/{id}/revoquer", post(revoke_token))
}

pub struct TokenLine {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    email: String,
    tokens: Vec<TokenLine>,
    workspaces: Vec<(String, String)>,
    new_token: String,
    done: String,
    errors: Errors,
}

async fn page(
    app: &App,
    s: &Session,
    new_token: String,
    done: String,
    errors: &[FieldError],
) -> WebResult<AccountPage> {
    let t = s.t;
    let workspaces = app.store.workspaces(&s.caller).await?;
    let tokens = app
        .store
        .tokens(s.caller.user_id)
        .await?
        .into_iter()
        .map(|k| {
            let ws = k
                .workspace_id
                .and_then(|id| workspaces.iter().find(|w| w.id == id))
                .map(|w| w.name.clone());
            let mut scope = ws.unwrap_or_else(|| t.t("account.all_workspaces").to_owned());
            if k.read_only {
                scope = format!("{scope} · {}", t.t("account.read_only"));
            }
            TokenLine {
                id: k.id,
                name: k.name,
                scope,
                created: t.date(&k.created_at.date_naive()),
                last_used: k
                    .last_used_at
                    .map(|d| t.datetime(&d))
                    .unwrap_or_else(|| t.t("account.never").to_owned()),
                revoked: k.revoked_at.is_some(),
            }
        })
        .collect();
    Ok(AccountPage {
        c: Chrome::new(&app.store, s, None, t.t("account.title")).await?,
        email: s.caller.email.clone(),
        tokens,
        workspaces: workspaces
            .into_iter()
            .map(|w| (w.id.to_string(), w.name))
            .collect(),
        new_token,
        done,
        errors: Errors::from(errors),
    })
}

async fn show(State(app): State<App>, s: Session) -> WebResult<Response> {
    Ok(render(
        &page(&app, &s, String::new(), String::new(), &[]).await?,
    ))
}

async fn change_password(
    State(app): State<App>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let t = s.t;
    let mut errors = vec![];
    match app
        .store
        .sign_in(&s.caller.email, form.get("current"))
        .await?
    {
        Ok(_) => {}
        Err(SignInError::BadCredentials) => {
            errors.push(FieldError::new(&t, "current", "wrong_password"))
        }
        Err(SignInError::Throttled) => return Err(WebError::TooManyRequests),
        // A deactivated account has no live session to post this form from.
        Err(SignInError::Disabled) => return Err(WebError::Unauthenticated),
    }
    let new = form.get("new");
    if new != form.get("confirm") {
        errors.push(FieldError::new(&t, "confirm", "passwords_differ"));
    }
    if errors.is_empty() {
        match app.store.set_password(&s.caller.email, new).await {
            Ok(()) => {
                tracing::info!(user = s.caller.user_id.0, "password changed");
                return Ok(render(
                    &page(
                        &app,
                        &s,
                        String::new(),
                        t.t("account.password_changed").to_owned(),
                        &[],
                    )
                    .await?,
                ));
            }
            Err(e) => match WebError::from(e) {
                WebError::Invalid(list) => errors.extend(list.into_iter().map(|mut f| {
                    f.field = "new".into();
                    f
                })),
                other => return Err(other),
            },
        }
    }
    Ok(render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        &page(&app, &s, String::new(), String::new(), &errors).await?,
    ))
}

async fn create_token(
    State(app): State<App>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let name = form.get("name");
    if name.is_empty() {
        let errors = vec![FieldError::new(&s.t, "token_name", "required")];
        return Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&app, &s, String::new(), String::new(), &errors).await?,
        ));
    }
    // A token may only be limited to a workspace the person is a member of.
    let workspace = match form.get("workspace") {
        "" => None,
        id => {
            let id: i64 = id
                .parse()
                .map_err(|_| WebError::BadRequest(s.t.error("invalid_id")))?;
            let mine = app.store.workspaces(&s.caller).await?;
            Some(partinnov_store::WorkspaceId(
                mine.iter()
                    .find(|w| w.id == id)
                    .ok_or(WebError::NotFound)?
                    .id,
            ))
        }
    };
    let (_, secret) = app
        .store
        .create_token(s.caller.user_id, name, workspace, form.checked("read_only"))
        .await?;
    tracing::info!(user = s.caller.user_id.0, "API token created");
    Ok(render(&page(&app, &s, secret, String::new(), &[]).await?))
}

async fn revoke_token(
    State(app): State<App>,
    Path(id): Path<i64>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    app.store
        .revoke_token(s.caller.user_id, TokenId(id))
        .await?;
    tracing::info!(user = s.caller.user_id.0, token = id, "API token revoked");
    Ok(Redirect::to("/compte").into_response())
}
