//! Sign-in, sign-out and the language switch.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use partinnov_store::users::{SESSION_TTL, SignInError};

use crate::{
    App,
    auth::{CsrfForm, FormData, LANG_COOKIE, SESSION_COOKIE, cookie, lang, session_cookie},
    error::{WebError, WebResult},
    i18n::Tr,
    pages::render_with,
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/connexion", get(login_page).post(login))
        .route("/deconnexion", post(logout))
        .route("/langue/{code}", get(set_lang))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Tr,
    email: String,
    error: String,
    /// Where to go after signing in (a path of this site only).
    next: String,
}

/// Keeps only a local path, so a crafted link cannot send people elsewhere.
fn safe_next(candidate: &str) -> String {
    // Browsers drop tabs and newlines inside URLs and read `\` as `/`, so `/\t/evil` or
    // `/\\evil` would leave the site: only printable ASCII, one leading slash.
    let local = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && candidate.chars().all(|c| c.is_ascii_graphic());
    if local {
        candidate.to_owned()
    } else {
        "/".to_owned()
    }
}

async fn login_page(
    headers: HeaderMap,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    // The raw value, untrimmed: safe_next judges exactly what the browser would follow.
    let next = crate::api::Params::from_query(raw.as_deref())
        .0
        .get("suite")
        .map_or_else(|| "/".to_owned(), |v| safe_next(v));
    render_with(
        StatusCode::OK,
        &LoginPage {
            t: lang(&headers),
            email: String::new(),
            error: String::new(),
            next,
        },
    )
}

/// Sign-in is the one form without a session, hence without a CSRF token: it only ever
/// creates a session for whoever knows the password; `SameSite=Lax` covers the rest.
async fn login(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> WebResult<Response> {
    let t = lang(&headers);
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| WebError::BadRequest("formulaire mal formé".into()))?;
    let form = FormData(pairs);
    let email = form.get("email").to_owned();
    match app.store.sign_in(&email, form.get("password")).await? {
        Ok(user) => {
            let session = app
                .store
                .create_session(partinnov_store::UserId(user.id))
                .await?;
            let cookie = session_cookie(
                &session.secret,
                app.secure_cookies,
                SESSION_TTL.num_seconds(),
            );
            tracing::info!(user = user.id, "signed in");
            Ok((
                [(header::SET_COOKIE, cookie)],
                Redirect::to(&safe_next(form.get("suite"))),
            )
                .into_response())
        }
        Err(reason) => {
            let (status, key) = match reason {
                SignInError::BadCredentials => (StatusCode::UNAUTHORIZED, "login.bad_credentials"),
                SignInError::Throttled => (StatusCode::TOO_MANY_REQUESTS, "login.throttled"),
                SignInError::Disabled => (StatusCode::FORBIDDEN, "login.disabled"),
            };
            tracing::info!(status = status.as_u16(), "sign-in refused");
            Ok(render_with(
                status,
                &LoginPage {
                    t,
                    email,
                    error: t.t(key).to_owned(),
                    next: safe_next(form.get("suite")),
                },
            ))
        }
    }
}

async fn logout(
    State(app): State<App>,
    headers: HeaderMap,
    CsrfForm { .. }: CsrfForm,
) -> WebResult<Response> {
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        app.store.delete_session(secret).await?;
    }
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    Ok(([(header::SET_COOKIE, clear)], Redirect::to("/connexion")).into_response())
}

/// Switches the interface language and goes back where the person was.
async fn set_lang(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let code = if code == "en" { "en" } else { "fr" };
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            r.find("://")
                .map(|i| &r[i + 3..])
                .and_then(|rest| rest.find('/').map(|j| safe_next(&rest[j..])))
        })
        .unwrap_or_else(|| "/".to_owned());
    let cookie = format!("{LANG_COOKIE}={code}; Path=/; SameSite=Lax; Max-Age=31536000");
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed_after_sign_in() {
        assert_eq!(safe_next("/invitation/abc"), "/invitation/abc");
        assert_eq!(safe_next("/espaces/atelier?x=1"), "/espaces/atelier?x=1");
        for hostile in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "https://evil.example",
            "evil",
            "/ /evil",
            "",
        ] {
            assert_eq!(safe_next(hostile), "/", "{hostile:?} must not be followed");
        }
    }
}
