//! Invitation links: an owner creates one on the settings page; the person who opens it
//! joins the workspace, creating an account first if they have none. A forged, used or
//! expired link gets the same "not valid" page, and a line in the log.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use partinnov_store::{
    StoreError, UserId,
    invitations::InvitationTarget,
    users::{NewUser, SESSION_TTL},
};

use crate::{
    App,
    auth::{CsrfForm, FormData, SESSION_COOKIE, cookie, lang, session_cookie},
    error::{FieldError, WebError, WebResult},
    i18n::Tr,
    pages::{Errors, render, render_with},
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/invitation/{secret}", get(show).post(join))
        .route("/invitation/{secret}/compte", post(sign_up))
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    t: Tr,
    target: InvitationTarget,
    role: String,
    secret: String,
    /// Set when the visitor is signed in: they only confirm.
    csrf: Option<String>,
    user: String,
    name: String,
    email: String,
    errors: Errors,
}

async fn target_or_404(app: &App, secret: &str) -> WebResult<InvitationTarget> {
    app.store.invitation(secret).await.map_err(|e| match e {
        StoreError::NotFound { .. } => {
            tracing::warn!("invitation link not valid (forged, used or expired)");
            WebError::NotFound
        }
        other => other.into(),
    })
}

/// Answers a link that leads nowhere with a page saying so: the same words for a forged,
/// a used and an expired link, so none reveals which it is.
fn invalid_link(t: Tr, e: WebError) -> Response {
    match e {
        WebError::NotFound => render_with(
            StatusCode::NOT_FOUND,
            &super::ErrorPage {
                t,
                title: t.t("invitation.invalid_title"),
                detail: t.t("invitation.invalid").to_owned(),
            },
        ),
        other => other.into_response(),
    }
}

async fn current_session(
    app: &App,
    headers: &HeaderMap,
) -> WebResult<Option<(partinnov_store::Caller, String)>> {
    match cookie(headers, SESSION_COOKIE) {
        Some(secret) => Ok(app.store.session(secret).await?),
        None => Ok(None),
    }
}

async fn show(
    State(app): State<App>,
    headers: HeaderMap,
    Path(secret): Path<String>,
) -> WebResult<Response> {
    let t = lang(&headers);
    let target = match target_or_404(&app, &secret).await {
        Ok(target) => target,
        Err(e) => return Ok(invalid_link(t, e)),
    };
    let session = current_session(&app, &headers).await?;
    let page = InvitationPage {
        t,
        role: super::guests::role_label(&t, &target.role, target.organisation_name.as_deref()),
        target,
        secret,
        user: session
            .as_ref()
            .map(|(c, _)| c.name.clone())
            .unwrap_or_default(),
        csrf: session.map(|(_, csrf)| csrf),
        name: String::new(),
        email: String::new(),
        errors: Errors::default(),
    };
    Ok(render(&page))
}

/// A signed-in person joins.
async fn join(
    State(app): State<App>,
    Path(secret): Path<String>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    target_or_404(&app, &secret).await?;
    let target = app
        .store
        .accept_invitation(&secret, s.caller.user_id)
        .await
        .map_err(|e| match e {
            // A member of the team invited as a guest: said plainly, the link stays usable.
            StoreError::Invalid { code, .. } => WebError::BadRequest(s.t.error(code)),
            other => other.into(),
        })?;
    tracing::info!(
        user = s.caller.user_id.0,
        workspace = target.workspace_id,
        "invitation accepted"
    );
    Ok(Redirect::to(&format!("/espaces/{}", target.slug)).into_response())
}

/// Someone without an account creates one and joins. The link's secret, unguessable and
/// single-use, is what authorises this post (there is no session yet to carry a CSRF token).
async fn sign_up(
    State(app): State<App>,
    headers: HeaderMap,
    Path(secret): Path<String>,
    body: axum::body::Bytes,
) -> WebResult<Response> {
    let t = lang(&headers);
    let target = target_or_404(&app, &secret).await?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| WebError::BadRequest("formulaire mal formé".into()))?;
    let form = FormData(pairs);
    let (name, email, password) = (
        form.get("name").to_owned(),
        form.get("email").to_owned(),
        form.get("password").to_owned(),
    );
    let mut errors = vec![];
    if name.is_empty() {
        errors.push(FieldError::new(&t, "name", "required"));
    }
    let created = if errors.is_empty() {
        match app
            .store
            .create_user(NewUser {
                email: &email,
                name: &name,
                password: &password,
                is_admin: false,
            })
            .await
        {
            Ok(id) => Some(id),
            Err(e) => {
                match WebError::from(e) {
                    WebError::Invalid(list) => errors.extend(list),
                    other => return Err(other),
                }
                None
            }
        }
    } else {
        None
    };
    let Some(user) = created else {
        let page = InvitationPage {
            t,
            role: super::guests::role_label(&t, &target.role, target.organisation_name.as_deref()),
            target,
            secret,
            csrf: None,
            user: String::new(),
            name,
            email,
            errors: Errors::from(&errors),
        };
        return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let target = app.store.accept_invitation(&secret, user).await?;
    let session = app.store.create_session(UserId(user.0)).await?;
    let cookie = session_cookie(
        &session.secret,
        app.secure_cookies,
        SESSION_TTL.num_seconds(),
    );
    tracing::info!(
        user = user.0,
        workspace = target.workspace_id,
        "account created from an invitation"
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Redirect::to(&format!("/espaces/{}", target.slug)),
    )
        .into_response())
}
