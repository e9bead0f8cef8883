//! One error type for the web crate, two renderings: an HTML page ([`WebError`]) and,
//! under `/api/v1`, an RFC 9457 `application/problem+json` body ([`ApiError`]).
//! Internal errors are logged once, with their cause, and answered generically.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use partinnov_store::StoreError;
use serde::Serialize;

use crate::i18n::Tr;

/// The translator of the request being served (French outside a request).
fn request_tr() -> Tr {
    Tr::new(crate::REQUEST_LANG.try_with(|l| *l).unwrap_or_default())
}

/// A field that failed validation, with a stable code the catalogue turns into a sentence.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(tr: &Tr, field: impl Into<String>, code: &str) -> Self {
        Self {
            field: field.into(),
            code: code.to_owned(),
            message: tr.error(code),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("conflict: now at version {current}")]
    Conflict { current: i64 },
    #[error("precondition failed: now at version {current}")]
    PreconditionFailed { current: i64 },
    #[error("too many attempts")]
    TooManyRequests,
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Conflict { .. } => StatusCode::CONFLICT,
            WebError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            WebError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            WebError::NotFound => "not_found",
            WebError::Unauthenticated => "unauthenticated",
            WebError::Forbidden => "forbidden",
            WebError::BadRequest(_) => "bad_request",
            WebError::Invalid(_) => "validation",
            WebError::Conflict { .. } => "conflict",
            WebError::PreconditionFailed { .. } => "precondition_failed",
            WebError::TooManyRequests => "too_many_requests",
            WebError::Internal(_) => "internal",
        }
    }

    fn log(&self) {
        match self {
            WebError::Internal(e) => {
                let mut chain = e.to_string();
                let mut source = e.source();
                while let Some(s) = source {
                    chain.push_str(": ");
                    chain.push_str(&s.to_string());
                    source = s.source();
                }
                tracing::error!(error = %chain, "internal error");
            }
            WebError::Forbidden | WebError::NotFound | WebError::Unauthenticated => {
                tracing::info!(status = self.status().as_u16(), "request refused");
            }
            _ => {}
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => WebError::NotFound,
            StoreError::Forbidden => WebError::Forbidden,
            StoreError::Conflict { current } => WebError::Conflict { current },
            StoreError::Duplicate { field, .. } => {
                let tr = request_tr();
                WebError::Invalid(vec![FieldError::new(
                    &tr,
                    field,
                    &format!("duplicate_{field}"),
                )])
            }
            StoreError::Invalid { field, code } => {
                WebError::Invalid(vec![FieldError::new(&request_tr(), field, code)])
            }
            StoreError::Database(e) => WebError::Internal(Box::new(e)),
        }
    }
}

/// HTML rendering: a page in the catalogue's words. A missing session goes to sign-in.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        if let WebError::Unauthenticated = self {
            return Redirect::to("/connexion").into_response();
        }
        let tr = request_tr();
        let title = tr.t(&format!("problem.{}", self.code()));
        let detail = match &self {
            WebError::Invalid(errors) => errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" "),
            WebError::BadRequest(d) => d.clone(),
            _ => String::new(),
        };
        let page = crate::pages::ErrorPage {
            t: tr,
            title,
            detail,
        };
        let body = askama::Template::render(&page).unwrap_or_else(|_| title.to_owned());
        (self.status(), Html(body)).into_response()
    }
}

/// JSON rendering of the same errors, for `/api/v1`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

/// RFC 9457 problem details, with the offending fields.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// On 409/412: the version the object is at now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let tr = request_tr();
        let status = e.status();
        let problem = Problem {
            kind: format!("/problems/{}", e.code()),
            title: tr.t(&format!("problem.{}", e.code())).to_owned(),
            status: status.as_u16(),
            detail: match &e {
                WebError::BadRequest(d) => Some(d.clone()),
                _ => None,
            },
            current_version: match &e {
                WebError::Conflict { current } | WebError::PreconditionFailed { current } => {
                    Some(*current)
                }
                _ => None,
            },
            errors: match e {
                WebError::Invalid(errors) => errors,
                _ => vec![],
            },
        };
        let mut response = (status, axum::Json(problem)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

pub type WebResult<T> = Result<T, WebError>;
pub type ApiResult<T> = Result<T, ApiError>;
