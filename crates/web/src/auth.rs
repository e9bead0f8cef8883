//! Who is calling: a session cookie on the HTML side (with a CSRF token checked on every
//! form), a bearer token on the API side. Extractors only; the store checks permissions.

use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::{HeaderMap, header, request::Parts},
};
use partinnov_domain::lang::Lang;
use partinnov_store::Caller;

use crate::{
    App,
    error::{ApiError, WebError},
    i18n::Tr,
};

pub const SESSION_COOKIE: &str = "partinnov_session";
pub const LANG_COOKIE: &str = "partinnov_lang";

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The interface language: the `partinnov_lang` cookie, French by default.
pub fn lang(headers: &HeaderMap) -> Tr {
    Tr::new(match cookie(headers, LANG_COOKIE) {
        Some("en") => Lang::En,
        _ => Lang::Fr,
    })
}

/// A signed-in person on the HTML side.
#[derive(Debug, Clone)]
pub struct Session {
    pub caller: Caller,
    pub csrf: String,
    pub t: Tr,
}

impl FromRequestParts<App> for Session {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let secret = cookie(&parts.headers, SESSION_COOKIE).ok_or(WebError::Unauthenticated)?;
        let (caller, csrf) = app
            .store
            .session(secret)
            .await?
            .ok_or(WebError::Unauthenticated)?;
        Ok(Session {
            caller,
            csrf,
            t: lang(&parts.headers),
        })
    }
}

/// The API caller, from `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct ApiCaller(pub Caller);

impl FromRequestParts<App> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(WebError::Unauthenticated)?;
        let caller = app
            .store
            .caller_by_token(token)
            .await?
            .ok_or(WebError::Unauthenticated)?;
        Ok(ApiCaller(caller))
    }
}

/// A submitted HTML form, as ordered name/value pairs (fields may repeat).
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The trimmed value of the first field called `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    }

    pub fn checked(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|(k, v)| k == name && !v.is_empty() && v != "off")
    }
}

/// A form post from a signed-in person whose CSRF token matches their session.
pub struct CsrfForm {
    pub session: Session,
    pub form: FormData,
}

impl FromRequest<App> for CsrfForm {
    type Rejection = WebError;

    async fn from_request(req: Request, app: &App) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, app).await?;
        let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024)
            .await
            .map_err(|_| WebError::BadRequest("corps de requête illisible ou trop grand".into()))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| WebError::BadRequest("formulaire mal formé".into()))?;
        let form = FormData(pairs);
        if !constant_time_eq(form.get("csrf").as_bytes(), session.csrf.as_bytes()) {
            tracing::warn!(
                user = session.caller.user_id.0,
                "form post without a valid CSRF token"
            );
            return Err(WebError::Forbidden);
        }
        Ok(CsrfForm { session, form })
    }
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn session_cookie(secret: &str, secure: bool, max_age_secs: i64) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}
