//! `POST /api/v1/workspaces/{slug}/imports/{kind}`: the file is the request body.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::post,
};
use partinnov_interop::import::{Kind, MAX_FILE_BYTES};
use partinnov_store::imports::ImportTarget;

use super::Params;
use crate::{
    App,
    auth::ApiCaller,
    error::{ApiError, ApiResult, FieldError, WebError},
    importing::{self, ImportError, Report, RunOptions},
};

pub fn router() -> Router<App> {
    Router::new().route(
        "/workspaces/{slug}/imports/{kind}",
        post(import).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 1024)),
    )
}

fn invalid(field: &str, code: &str, message: String) -> ApiError {
    ApiError(WebError::Invalid(vec![FieldError {
        field: field.into(),
        code: code.into(),
        message,
    }]))
}

fn flag(params: &Params, name: &str) -> Result<bool, ApiError> {
    match params.get(name) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(other) => Err(invalid(
            name,
            "invalid_boolean",
            format!("« {other} » : attendu true ou false"),
        )),
    }
}

/// Imports a CSV, XLSX or ODS file sent as the body (kind: `organisations`,
/// `partnerships`, `contacts`, `outcomes`, `interactions`; outcomes and interactions go on
/// the workspace's existing partnerships). Answers the row-level report. Without `skip_invalid`, a
/// file with rejected rows writes nothing and answers 422 with the report; `dry_run`
/// writes nothing and answers 200. An unreadable file is a problem+json 422 on `file`.
#[utoipa::path(
    post,
    path = "/api/v1/workspaces/{slug}/imports/{kind}",
    tag = "imports",
    params(
        ("slug" = String, Path, description = "Identifiant court de l'espace"),
        ("kind" = String, Path, description = "organisations, partnerships, contacts, outcomes (résultats pour les personnes) ou interactions (échanges)"),
        ("dry_run" = Option<bool>, Query, description = "Vérifier sans rien écrire"),
        ("update" = Option<bool>, Query, description = "Mettre à jour les fiches déjà connues"),
        ("skip_invalid" = Option<bool>, Query, description = "Importer les lignes valides même si d'autres sont refusées"),
    ),
    request_body(content = Vec<u8>, description = "Le fichier (CSV, XLSX ou ODS)", content_type = "application/octet-stream"),
    responses(
        (status = 200, body = Report, description = "Importé (ou vérifié, avec dry_run)"),
        (status = 422, body = Report, description = "Lignes refusées : rien n'a été écrit ; ou fichier illisible (problem+json)"),
        (status = 401, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem),
    )
)]
pub async fn import(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, kind)): Path<(String, String)>,
    params: Params,
    body: Bytes,
) -> ApiResult<Response> {
    let scope = app.store.scope(&caller, &slug).await?;
    let target = ImportTarget::member(&scope).map_err(WebError::from)?;
    let kind: Kind = kind
        .parse()
        .map_err(|e: String| invalid("kind", "unknown_kind", e))?;
    let opts = RunOptions {
        dry_run: flag(&params, "dry_run")?,
        update: flag(&params, "update")?,
        skip_invalid: flag(&params, "skip_invalid")?,
    };
    let table = importing::read(&body).map_err(|e| invalid("file", "unreadable", e.to_string()))?;
    let columns = importing::columns(&table, kind, None)
        .map_err(|e| invalid("columns", "unmapped", e.message))?;
    let run = importing::run(&app.store, &target, &table, &columns, opts)
        .await
        .map_err(|e| match e {
            ImportError::Store(e) => ApiError(e.into()),
            other => invalid("file", "unreadable", other.to_string()),
        })?;
    let status = if !run.written && !opts.dry_run {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Json(run.report)).into_response())
}
