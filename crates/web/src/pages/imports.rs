//! "Importer": upload a spreadsheet, see how it was read and which field each column
//! fills (a select per column, prefilled from the headers), check it row by row, correct
//! rejected cells in the page and check again, then import the valid rows or cancel.
//!
//! The file stays on the server between steps (`import_uploads`, keyed by a random id and
//! scoped to the person and the workspace, expiring after a day); the browser only holds
//! the id. Every step is a POST with the CSRF token, except the preview.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use partinnov_interop::import::{Field, Kind, MAX_FILE_BYTES, Mapping, Table};
use partinnov_store::{WorkspaceScope, imports::Upload};

use crate::{
    App,
    auth::{CsrfForm, FormData, Session, constant_time_eq},
    error::{WebError, WebResult},
    i18n::Tr,
    importing::{self, Report, RunOptions},
    pages::{Chrome, render, render_with},
};

pub fn router() -> Router<App> {
    Router::new()
        .route(
            "/espaces/{slug}/import",
            get(upload_form)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .route("/espaces/{slug}/import/{id}", get(preview))
        .route("/espaces/{slug}/import/{id}/verifier", post(check))
        .route("/espaces/{slug}/import/{id}/importer", post(import))
        .route("/espaces/{slug}/import/{id}/annuler", post(cancel))
}

pub struct ColumnView {
    pub index: usize,
    pub header: String,
    pub selected: String,
}

pub struct ProblemView {
    pub line: usize,
    pub column: String,
    pub value: String,
    pub message: String,
    /// Name of the correction input (`fix:LINE:COL`), empty when the cell is not one column.
    pub input: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    c: Chrome,
    /// upload | preview | check | done
    step: &'static str,
    kinds: Vec<(String, String)>,
    kind: String,
    error: String,
    id: String,
    filename: String,
    format: String,
    columns: Vec<ColumnView>,
    fields: Vec<(String, String)>,
    sample: Vec<(usize, Vec<String>)>,
    total: usize,
    report: Report,
    problems: Vec<ProblemView>,
    update: bool,
    list_href: String,
    read_as: String,
    summary: Vec<String>,
    /// Names of the workspace's saved mappings for this kind, and the one applied.
    saved: Vec<String>,
    saved_chosen: String,
    /// A confirmation shown above the report ("Correspondance « … » enregistrée.").
    notice: String,
}

impl ImportPage {
    async fn new(
        app: &App,
        s: &Session,
        scope: &WorkspaceScope,
        step: &'static str,
    ) -> WebResult<Self> {
        let t = s.t;
        Ok(Self {
            c: Chrome::new(&app.store, s, Some(scope), t.t("import.title")).await?,
            step,
            kinds: Kind::ALL
                .iter()
                .map(|k| {
                    (
                        k.as_str().to_owned(),
                        t.t(&format!("import.kind.{}", k.as_str())).to_owned(),
                    )
                })
                .collect(),
            kind: Kind::Partnerships.as_str().to_owned(),
            error: String::new(),
            id: String::new(),
            filename: String::new(),
            format: String::new(),
            columns: vec![],
            fields: vec![],
            sample: vec![],
            total: 0,
            report: Report::default(),
            problems: vec![],
            update: false,
            list_href: String::new(),
            read_as: String::new(),
            summary: vec![],
            saved: vec![],
            saved_chosen: String::new(),
            notice: String::new(),
        })
    }
}

fn read_as(t: &Tr, file: &str, format: &str, rows: usize) -> String {
    t.f(
        "import.read_as",
        &[
            ("file", file),
            ("format", format),
            ("rows", &rows.to_string()),
        ],
    )
}

fn summary(t: &Tr, keys: [&str; 4], r: &Report) -> Vec<String> {
    let counts = [r.created, r.updated, r.unchanged, r.rejected_lines()];
    keys.iter()
        .zip(counts)
        .map(|(k, n)| t.f(k, &[("n", &n.to_string())]))
        .collect()
}

fn field_options(t: &Tr, kind: Kind) -> Vec<(String, String)> {
    kind.fields()
        .iter()
        .map(|f| {
            (
                f.as_str().to_owned(),
                t.t(&format!("import.field.{}", f.as_str())).to_owned(),
            )
        })
        .collect()
}

async fn upload_form(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    Ok(render(&ImportPage::new(&app, &s, &scope, "upload").await?))
}

/// Multipart: `csrf`, `kind`, `file`. The scope and the role are checked before the body
/// is read.
async fn upload(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    req: Request,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let mut multipart = Multipart::from_request(req, &app)
        .await
        .map_err(|_| WebError::BadRequest(s.t.t("import.not_multipart").into()))?;
    let (mut csrf, mut kind, mut filename, mut content) =
        (String::new(), String::new(), String::new(), None);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| WebError::BadRequest(s.t.t("import.too_big").into()))?
    {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.unwrap_or_default(),
            "kind" => kind = field.text().await.unwrap_or_default(),
            "file" => {
                filename = field
                    .file_name()
                    .unwrap_or("fichier")
                    .chars()
                    .take(200)
                    .collect();
                content = Some(
                    field
                        .bytes()
                        .await
                        .map_err(|_| WebError::BadRequest(s.t.t("import.too_big").into()))?,
                );
            }
            _ => {}
        }
    }
    if !constant_time_eq(csrf.as_bytes(), s.csrf.as_bytes()) {
        return Err(WebError::Forbidden);
    }
    let mut page = ImportPage::new(&app, &s, &scope, "upload").await?;
    let kind: Kind = match kind.parse() {
        Ok(k) => k,
        Err(_) => {
            page.error = s.t.t("import.choose_kind").into();
            return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    page.kind = kind.as_str().to_owned();
    let content = match content {
        Some(c) if !c.is_empty() => c,
        _ => {
            page.error = s.t.t("import.choose_file").into();
            return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    // Refused now if it cannot be read at all: the person picks another file.
    if let Err(e) = importing::read(&content) {
        page.error = e.to_string();
        return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let id = app
        .store
        .save_import_upload(&scope, kind.as_str(), &filename, &content)
        .await?;
    Ok(Redirect::to(&format!("/espaces/{}/import/{id}", scope.slug)).into_response())
}

/// The upload, its table with the corrections applied, the mapping chosen so far.
struct Prepared {
    upload: Upload,
    kind: Kind,
    table: Table,
    mapping: Option<Mapping>,
    corrections: BTreeMap<String, String>,
}

async fn prepare(app: &App, scope: &WorkspaceScope, id: &str) -> WebResult<Prepared> {
    scope.require_write()?;
    let upload = app.store.import_upload(scope, id).await?;
    let kind: Kind = upload.kind.parse().map_err(|_| WebError::NotFound)?;
    let table =
        importing::read(&upload.content).map_err(|e| WebError::BadRequest(e.to_string()))?;
    let mapping = upload
        .mapping_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    let corrections = upload
        .corrections_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let mut p = Prepared {
        upload,
        kind,
        table,
        mapping,
        corrections,
    };
    apply_corrections(&mut p.table, &p.corrections);
    Ok(p)
}

/// Cells corrected in the browser, keyed `LINE:COLUMN_INDEX`.
fn apply_corrections(table: &mut Table, corrections: &BTreeMap<String, String>) {
    for (key, value) in corrections {
        let Some((line, col)) = key.split_once(':') else {
            continue;
        };
        let (Ok(line), Ok(col)) = (line.parse::<usize>(), col.parse::<usize>()) else {
            continue;
        };
        if col >= table.headers.len() {
            continue;
        }
        if let Some(row) = table.rows.iter_mut().find(|r| r.line == line) {
            if row.cells.len() <= col {
                row.cells.resize(col + 1, String::new());
            }
            row.cells[col] = value.clone();
        }
        // A corrected cell replaces what the workbook could not read.
        table
            .cell_problems
            .retain(|p| !(p.line == line && table.headers.get(col) == Some(&p.column)));
    }
}

fn preview_page(page: &mut ImportPage, p: &Prepared, t: &Tr) {
    let guessed = importing::columns(&p.table, p.kind, p.mapping.as_ref())
        .map(|c| c.fields)
        .unwrap_or_else(|_| {
            p.table
                .headers
                .iter()
                .map(|h| Field::guess(h, p.kind))
                .collect()
        });
    page.step = "preview";
    page.id = p.upload.id.clone();
    page.filename = p.upload.filename.clone();
    page.kind = p.kind.as_str().to_owned();
    page.format = p.table.format.describe();
    page.total = p.table.rows.len();
    page.read_as = read_as(t, &page.filename, &page.format, page.total);
    page.fields = field_options(t, p.kind);
    page.columns = p
        .table
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| ColumnView {
            index: i,
            header: if h.is_empty() {
                format!("({})", i + 1)
            } else {
                h.clone()
            },
            selected: guessed
                .get(i)
                .copied()
                .flatten()
                .map(|f| f.as_str().to_owned())
                .unwrap_or_default(),
        })
        .collect();
    page.sample = p
        .table
        .rows
        .iter()
        .take(8)
        .map(|r| {
            (
                r.line,
                (0..p.table.headers.len())
                    .map(|i| p.table.cell(r, i).to_owned())
                    .collect(),
            )
        })
        .collect();
}

#[derive(serde::Deserialize)]
struct PreviewQuery {
    /// A saved mapping to apply to the columns.
    correspondance: Option<String>,
}

async fn preview(
    State(app): State<App>,
    s: Session,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<PreviewQuery>,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let mut p = prepare(&app, &scope, &id).await?;
    let mut page = ImportPage::new(&app, &s, &scope, "preview").await?;
    let mut status = StatusCode::OK;
    if let Some(name) = q.correspondance.as_deref().filter(|n| !n.trim().is_empty()) {
        match app
            .store
            .import_mapping(&scope, p.kind.as_str(), name)
            .await
        {
            Ok(saved) => {
                p.mapping = serde_json::from_str(&saved.mapping_json).ok();
                page.saved_chosen = saved.name;
            }
            Err(partinnov_store::StoreError::NotFound { .. }) => {
                page.error = s.t.t("import.saved_unknown").into();
                status = StatusCode::NOT_FOUND;
            }
            Err(e) => return Err(e.into()),
        }
    }
    page.saved = saved_names(&app, &scope, p.kind).await?;
    preview_page(&mut page, &p, &s.t);
    Ok(render_with(status, &page))
}

async fn saved_names(app: &App, scope: &WorkspaceScope, kind: Kind) -> WebResult<Vec<String>> {
    Ok(app
        .store
        .import_mappings(scope, kind.as_str())
        .await?
        .into_iter()
        .map(|m| m.name)
        .collect())
}

/// Every column's chosen field, as a mapping that can be saved and applied to the next file.
pub fn mapping_of(table: &Table, columns: &partinnov_interop::import::fields::Columns) -> Mapping {
    Mapping {
        columns: table
            .headers
            .iter()
            .cloned()
            .zip(columns.fields.iter().copied())
            .collect(),
    }
}

/// The mapping posted by the preview form (`col_0`, `col_1`…), if it was posted.
fn posted_mapping(form: &FormData, table: &Table) -> Option<Mapping> {
    if !form.0.iter().any(|(k, _)| k.starts_with("col_")) {
        return None;
    }
    let mut m = Mapping::default();
    for (i, h) in table.headers.iter().enumerate() {
        let code = form.get(&format!("col_{i}"));
        m.columns.insert(h.clone(), Field::parse_code(code));
    }
    Some(m)
}

async fn check(
    State(app): State<App>,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let mut p = prepare(&app, &scope, &id).await?;
    if let Some(m) = posted_mapping(&form, &p.table) {
        p.mapping = Some(m);
    }
    // Corrections typed in the report: `fix:LINE:COL`.
    let mut changed = false;
    for (k, v) in &form.0 {
        if let Some(key) = k.strip_prefix("fix:") {
            p.corrections.insert(key.to_owned(), v.trim().to_owned());
            changed = true;
        }
    }
    if changed {
        apply_corrections(&mut p.table, &p.corrections);
    }
    let mapping_json = p
        .mapping
        .as_ref()
        .and_then(|m| serde_json::to_string(m).ok());
    let corrections_json = serde_json::to_string(&p.corrections).ok();
    app.store
        .set_import_choices(
            &scope,
            &id,
            mapping_json.as_deref(),
            corrections_json.as_deref(),
        )
        .await?;
    let update = form.checked("update");
    let mut page = ImportPage::new(&app, &s, &scope, "check").await?;
    let columns = match importing::columns(&p.table, p.kind, p.mapping.as_ref()) {
        Ok(c) => c,
        Err(e) => {
            page.saved = saved_names(&app, &scope, p.kind).await?;
            preview_page(&mut page, &p, &s.t);
            page.error = e.message;
            return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    // "Enregistrer ces choix sous le nom…": the columns as resolved, for the next file.
    let save_as = form.get("save_as").trim();
    if !save_as.is_empty() {
        let json = serde_json::to_string(&mapping_of(&p.table, &columns))
            .map_err(|e| WebError::Internal(Box::new(e)))?;
        match app
            .store
            .save_import_mapping(&scope, p.kind.as_str(), save_as, &json)
            .await
        {
            Ok(saved) => page.notice = s.t.f("import.saved_done", &[("name", &saved.name)]),
            Err(partinnov_store::StoreError::Invalid { .. }) => {
                page.saved = saved_names(&app, &scope, p.kind).await?;
                preview_page(&mut page, &p, &s.t);
                page.error = s.t.t("import.saved_name_invalid").into();
                return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let target = partinnov_store::imports::ImportTarget::member(&scope)?;
    let run = importing::run(
        &app.store,
        &target,
        &p.table,
        &columns,
        RunOptions {
            dry_run: true,
            update,
            skip_invalid: true,
        },
    )
    .await
    .map_err(import_error)?;
    page.id = id;
    page.filename = p.upload.filename.clone();
    page.kind = p.kind.as_str().to_owned();
    page.format = p.table.format.describe();
    page.update = update;
    page.problems = run
        .report
        .rejected
        .iter()
        .map(|pr| {
            let col = p.table.headers.iter().position(|h| *h == pr.column);
            ProblemView {
                line: pr.line,
                column: pr.column.clone(),
                value: pr.value.clone(),
                message: pr.message.clone(),
                input: col
                    .map(|c| format!("fix:{}:{c}", pr.line))
                    .unwrap_or_default(),
                label: s.t.f(
                    "import.fix_label",
                    &[("line", &pr.line.to_string()), ("column", &pr.column)],
                ),
            }
        })
        .collect();
    page.read_as = read_as(&s.t, &page.filename, &page.format, run.report.rows);
    page.summary = summary(
        &s.t,
        [
            "import.will_create",
            "import.will_update",
            "import.will_keep",
            "import.rejected_lines",
        ],
        &run.report,
    );
    page.report = run.report;
    Ok(render(&page))
}

fn import_error(e: importing::ImportError) -> WebError {
    match e {
        importing::ImportError::Store(e) => e.into(),
        other => WebError::BadRequest(other.to_string()),
    }
}

async fn import(
    State(app): State<App>,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let p = prepare(&app, &scope, &id).await?;
    let columns = importing::columns(&p.table, p.kind, p.mapping.as_ref())
        .map_err(|e| WebError::BadRequest(e.message))?;
    let target = partinnov_store::imports::ImportTarget::member(&scope)?;
    let run = importing::run(
        &app.store,
        &target,
        &p.table,
        &columns,
        RunOptions {
            dry_run: false,
            update: form.checked("update"),
            skip_invalid: true,
        },
    )
    .await
    .map_err(import_error)?;
    app.store.delete_import_upload(&scope, &id).await?;
    let mut page = ImportPage::new(&app, &s, &scope, "done").await?;
    page.filename = p.upload.filename;
    page.kind = p.kind.as_str().to_owned();
    page.list_href = match p.kind {
        Kind::Organisations => "/organisations".to_owned(),
        Kind::Partnerships => format!("/espaces/{}/partenariats", scope.slug),
        Kind::Contacts => format!("/espaces/{}/contacts", scope.slug),
        Kind::Outcomes => format!("/espaces/{}/tableau-de-bord", scope.slug),
        Kind::Interactions => format!("/espaces/{}/partenariats", scope.slug),
    };
    page.read_as = s.t.f("import.done", &[("file", &page.filename)]);
    page.summary = summary(
        &s.t,
        [
            "import.created",
            "import.updated",
            "import.unchanged",
            "import.skipped",
        ],
        &run.report,
    );
    page.report = run.report;
    Ok(render(&page))
}

async fn cancel(
    State(app): State<App>,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    app.store.delete_import_upload(&scope, &id).await?;
    Ok(Redirect::to(&format!("/espaces/{}/import", scope.slug)).into_response())
}
