//! `POST /api/v1/workspaces/{slug}/imports/{kind}`: the file is the request body; and the
//! workspace's saved mappings, `/api/v1/workspaces/{slug}/import-mappings/{kind}[/{name}]`.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use partinnov_interop::import::{Kind, MAX_FILE_BYTES, Mapping};
use partinnov_store::{StoreError, imports::ImportTarget};

use super::Params;
use crate::{
    App,
    auth::ApiCaller,
    error::{ApiError, ApiResult, FieldError, WebError},
    importing::{self, ImportError, Report, RunOptions},
};

pub fn router() -> Router<App> {
    Router::new()
        .route(
            "/workspaces/{slug}/imports/{kind}",
            post(import).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 1024)),
        )
        .route(
            "/workspaces/{slug}/import-mappings/{kind}",
            get(list_mappings),
        )
        .route(
            "/workspaces/{slug}/import-mappings/{kind}/{name}",
            put(save_mapping).delete(delete_mapping),
        )
}

fn parse_kind(kind: &str) -> Result<Kind, ApiError> {
    kind.parse()
        .map_err(|e: String| invalid("kind", "unknown_kind", e))
}

/// A saved mapping as the API shows it: the mapping itself, not its JSON text.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SavedMappingView {
    pub kind: String,
    pub name: String,
    /// `{"columns": {"Raison sociale": "name", "Colonne inutile": null}}`
    #[schema(value_type = Object)]
    pub mapping: serde_json::Value,
    pub author_name: Option<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<partinnov_store::imports::SavedMapping> for SavedMappingView {
    fn from(m: partinnov_store::imports::SavedMapping) -> Self {
        Self {
            kind: m.kind,
            name: m.name,
            mapping: serde_json::from_str(&m.mapping_json).unwrap_or_default(),
            author_name: m.author_name,
            updated_at: m.updated_at,
        }
    }
}

/// The workspace's saved mappings for one kind of import, by name.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{slug}/import-mappings/{kind}",
    tag = "imports",
    params(
        ("slug" = String, Path, description = "Identifiant court de l'espace"),
        ("kind" = String, Path, description = "organisations, partnerships, contacts, outcomes ou interactions"),
    ),
    responses(
        (status = 200, body = Vec<SavedMappingView>),
        (status = 404, body = crate::error::Problem),
    )
)]
pub async fn list_mappings(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, kind)): Path<(String, String)>,
) -> ApiResult<Json<Vec<SavedMappingView>>> {
    let scope = app.store.scope(&caller, &slug).await?;
    let kind = parse_kind(&kind)?;
    let list = app.store.import_mappings(&scope, kind.as_str()).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Saves (or replaces) a named mapping: column header → field code, `null` to ignore a
/// column. Every field must exist for this kind of import.
#[utoipa::path(
    put,
    path = "/api/v1/workspaces/{slug}/import-mappings/{kind}/{name}",
    tag = "imports",
    params(
        ("slug" = String, Path, description = "Identifiant court de l'espace"),
        ("kind" = String, Path, description = "organisations, partnerships, contacts, outcomes ou interactions"),
        ("name" = String, Path, description = "Nom de la correspondance (1 à 80 caractères)"),
    ),
    request_body(content = Object, description = "{\"columns\": {\"Raison sociale\": \"name\", \"Colonne inutile\": null}}"),
    responses(
        (status = 200, body = SavedMappingView),
        (status = 422, body = crate::error::Problem, description = "Correspondance illisible, champ inconnu pour ce type ou nom trop long"),
        (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem),
    )
)]
pub async fn save_mapping(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, kind, name)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult<Json<SavedMappingView>> {
    let scope = app.store.scope(&caller, &slug).await?;
    scope.require_write().map_err(WebError::from)?;
    let kind = parse_kind(&kind)?;
    let mapping: Mapping = serde_json::from_slice(&body).map_err(|e| {
        invalid(
            "columns",
            "invalid_mapping",
            format!("correspondance illisible : {e} ; attendu {{\"columns\": {{\"En-tête\": \"champ\"}}}}"),
        )
    })?;
    if let Some((header, field)) = mapping
        .columns
        .iter()
        .find_map(|(h, f)| f.filter(|f| !kind.fields().contains(f)).map(|f| (h, f)))
    {
        return Err(invalid(
            "columns",
            "unknown_field",
            format!(
                "la colonne « {header} » est associée au champ « {} », qui n'existe pas pour un import de {}",
                field.label(),
                kind.label()
            ),
        ));
    }
    let json = serde_json::to_string(&mapping).map_err(|e| WebError::Internal(Box::new(e)))?;
    let saved = app
        .store
        .save_import_mapping(&scope, kind.as_str(), &name, &json)
        .await
        .map_err(|e| match e {
            StoreError::Invalid { .. } => invalid(
                "name",
                "length",
                "le nom d'une correspondance a de 1 à 80 caractères".into(),
            ),
            other => ApiError(other.into()),
        })?;
    Ok(Json(saved.into()))
}

#[utoipa::path(
    delete,
    path = "/api/v1/workspaces/{slug}/import-mappings/{kind}/{name}",
    tag = "imports",
    params(
        ("slug" = String, Path, description = "Identifiant court de l'espace"),
        ("kind" = String, Path, description = "Type d'import"),
        ("name" = String, Path, description = "Nom de la correspondance"),
    ),
    responses(
        (status = 204, description = "Supprimée"),
        (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem),
    )
)]
pub async fn delete_mapping(
    State(app): State<App>,
    ApiCaller(caller): ApiCaller,
    Path((slug, kind, name)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let scope = app.store.scope(&caller, &slug).await?;
    let kind = parse_kind(&kind)?;
    app.store
        .delete_import_mapping(&scope, kind.as_str(), &name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
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
        ("mapping" = Option<String>, Query, description = "Nom d'une correspondance enregistrée de l'espace pour ce type d'import"),
    ),
    request_body(content = Vec<u8>, description = "Le fichier (CSV, XLSX ou ODS ; pour les organisations, aussi le JSON du schéma data·inclusion)", content_type = "application/octet-stream"),
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
    let kind = parse_kind(&kind)?;
    let mapping: Option<Mapping> = match params.get("mapping").filter(|n| !n.trim().is_empty()) {
        None => None,
        Some(name) => match app.store.import_mapping(&scope, kind.as_str(), name).await {
            Ok(saved) => serde_json::from_str(&saved.mapping_json).ok(),
            Err(StoreError::NotFound { .. }) => {
                return Err(invalid(
                    "mapping",
                    "unknown_mapping",
                    format!(
                        "aucune correspondance « {name} » pour un import de {} dans cet espace",
                        kind.label()
                    ),
                ));
            }
            Err(e) => return Err(ApiError(e.into())),
        },
    };
    let opts = RunOptions {
        dry_run: flag(&params, "dry_run")?,
        update: flag(&params, "update")?,
        skip_invalid: flag(&params, "skip_invalid")?,
    };
    let table = importing::read(&body).map_err(|e| invalid("file", "unreadable", e.to_string()))?;
    let columns = importing::columns(&table, kind, mapping.as_ref())
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
