//! Documents from the browser: the capitalisation sheet of a partnership (the team's notes
//! on success factors, difficulties and outlook, then the download as PDF, DOCX or ODT),
//! the workspace's documents page (cartography, all the sheets as one ZIP made in the
//! background with its progress shown).

use askama::Template;
use axum::{
    Router,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use chrono::Utc;
use partinnov_render::document::{Block, DocFormat, Document, Inline};
use partinnov_store::{PartnershipId, StoreError, capitalisation::CapitalisationDraft};

use crate::{
    App,
    api::Params,
    auth::{CsrfForm, Session},
    documents::{self, sheet},
    error::{FieldError, WebError, WebResult},
    jobs::{Output, State as JobState},
    pages::{Chrome, Errors, render, render_with},
};

pub fn router() -> Router<App> {
    Router::new()
        .route(
            "/espaces/{slug}/partenariats/{id}/fiche",
            get(sheet_page).post(save_notes),
        )
        .route(
            "/espaces/{slug}/partenariats/{id}/fiche/telecharger",
            get(sheet_download),
        )
        .route("/espaces/{slug}/documents", get(documents_page))
        .route(
            "/espaces/{slug}/documents/strategie",
            get(strategy_download),
        )
        .route(
            "/espaces/{slug}/documents/evaluations/{id}",
            get(evaluation_download),
        )
        .route(
            "/espaces/{slug}/documents/cartographie",
            get(cartography_download),
        )
        .route(
            "/espaces/{slug}/documents/fiches",
            axum::routing::post(start_sheets),
        )
        .route("/espaces/{slug}/documents/fiches/{job}", get(job_page))
        .route(
            "/espaces/{slug}/documents/fiches/{job}/telecharger",
            get(job_download),
        )
}

/// The three download links of a document.
pub struct Links {
    /// Ends with `?` or `&`, ready for `format=…`.
    pub base: String,
}

impl Links {
    pub fn formats(&self) -> Vec<(&'static str, String)> {
        DocFormat::ALL
            .iter()
            .map(|f| (f.as_str(), format!("{}format={}", self.base, f.as_str())))
            .collect()
    }
}

#[derive(Template)]
#[template(path = "sheet.html")]
struct SheetPage {
    c: Chrome,
    title: String,
    partnership_href: String,
    action: String,
    links: Links,
    notes: CapitalisationDraft,
    version: i64,
    /// What is saved now, when the person's save came too late (someone saved in between).
    conflict: Option<CapitalisationDraft>,
    errors: Errors,
    missing: usize,
}

/// How many "à compléter" a document holds.
fn missing_count(doc: &Document) -> usize {
    let inlines = |v: &Vec<Inline>| v.iter().filter(|i| **i == Inline::Missing).count();
    doc.blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => inlines(p),
            Block::Bullets(items) => items.iter().map(inlines).sum(),
            Block::Facts(facts) => facts.iter().map(|f| inlines(&f.value)).sum(),
            Block::Table(t) => t.rows.iter().flatten().map(inlines).sum(),
            _ => 0,
        })
        .sum()
}

async fn sheet_view(
    app: &App,
    s: &Session,
    slug: &str,
    id: i64,
    typed: Option<(CapitalisationDraft, i64)>,
    conflict: Option<CapitalisationDraft>,
    errors: &[FieldError],
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, slug).await?;
    let today = Utc::now().date_naive();
    let data = sheet::gather(&app.store, &scope, PartnershipId(id), today).await?;
    let doc = sheet::document(&data, &s.t, today);
    let (notes, version) = typed.unwrap_or((data.notes.data.clone(), data.notes.version));
    let base = format!("/espaces/{slug}/partenariats/{id}");
    let page = SheetPage {
        c: Chrome::new(&app.store, s, Some(&scope), doc.title.clone()).await?,
        title: data.partnership.data.title.clone(),
        partnership_href: base.clone(),
        action: format!("{base}/fiche"),
        links: Links {
            base: format!("{base}/fiche/telecharger?"),
        },
        notes,
        version,
        conflict,
        errors: Errors::from(errors),
        missing: missing_count(&doc),
    };
    Ok(if page.conflict.is_some() {
        render_with(StatusCode::CONFLICT, &page)
    } else if errors.is_empty() {
        render(&page)
    } else {
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
    })
}

async fn sheet_page(
    State(app): State<App>,
    s: Session,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult<Response> {
    sheet_view(&app, &s, &slug, id, None, None, &[]).await
}

/// Saves the team's notes; a save made on a stale version shows what is saved now beside
/// what the person typed, who then chooses (saving again keeps their text).
async fn save_notes(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let draft = CapitalisationDraft {
        success_factors: form.get("success_factors").trim().to_owned(),
        difficulties: form.get("difficulties").trim().to_owned(),
        outlook: form.get("outlook").trim().to_owned(),
    };
    let Ok(version) = form.get("version").parse::<i64>() else {
        // Not found comes first: a form without its version says nothing of another
        // workspace's partnership.
        app.store.capitalisation(&scope, PartnershipId(id)).await?;
        return Err(WebError::BadRequest(s.t.error("invalid_number")));
    };
    match app
        .store
        .set_capitalisation(&scope, PartnershipId(id), &draft, version)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/espaces/{slug}/partenariats/{id}/fiche#notes")).into_response(),
        ),
        Err(StoreError::Conflict { current }) => {
            let saved = app.store.capitalisation(&scope, PartnershipId(id)).await?;
            sheet_view(
                &app,
                &s,
                &slug,
                id,
                Some((draft, current)),
                Some(saved.data),
                &[],
            )
            .await
        }
        Err(StoreError::Invalid { field, code }) => {
            let errors = [FieldError::new(&s.t, field, code)];
            sheet_view(&app, &s, &slug, id, Some((draft, version)), None, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn sheet_download(
    State(app): State<App>,
    s: Session,
    Path((slug, id)): Path<(String, i64)>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    let format = documents::format(params.get("format"), &s.t)?;
    Ok(documents::sheet_file(&app.store, &scope, id, format, s.t)
        .await?
        .into_response())
}

async fn cartography_download(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    Ok(
        documents::cartography_file(&app.store, &scope, &params, s.t)
            .await?
            .into_response(),
    )
}

async fn strategy_download(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    let format = documents::format(params.get("format"), &s.t)?;
    Ok(documents::strategy_file(&app.store, &scope, format, s.t)
        .await?
        .into_response())
}

async fn evaluation_download(
    State(app): State<App>,
    s: Session,
    Path((slug, id)): Path<(String, i64)>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    let format = documents::format(params.get("format"), &s.t)?;
    Ok(documents::evaluation_file(
        &app.store,
        &scope,
        partinnov_store::EvaluationId(id),
        format,
        s.t,
    )
    .await?
    .into_response())
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    c: Chrome,
    cartography: Links,
    strategy: Links,
    partnerships: i64,
}

async fn documents_page(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let summary = app.store.home_summary(&scope).await?;
    let page = DocumentsPage {
        c: Chrome::new(&app.store, &s, Some(&scope), s.t.t("doc.page_title")).await?,
        cartography: Links {
            base: format!("/espaces/{slug}/documents/cartographie?"),
        },
        strategy: Links {
            base: format!("/espaces/{slug}/documents/strategie?"),
        },
        partnerships: summary.total,
    };
    Ok(render(&page))
}

/// Starts (or finds) the person's ZIP of all sheets in this workspace, then shows it.
pub fn start_sheets_job(
    app: &App,
    scope: &partinnov_store::WorkspaceScope,
    format: DocFormat,
    t: crate::i18n::Tr,
) -> String {
    let (id, new) = app.jobs.start(scope.user_id, scope.workspace_id);
    if new {
        let (app, scope, job) = (app.clone(), scope.clone(), id.clone());
        tokio::spawn(async move {
            let today = Utc::now().date_naive();
            let jobs = app.jobs.clone();
            let outcome = documents::sheets_zip(&app.store, &scope, t, format, today, |d, n| {
                jobs.progress(&job, d, n)
            })
            .await;
            let output = match outcome {
                Ok(bytes) => Some(Output {
                    bytes: bytes.into(),
                    name: format!("fiches-{}-{today}-{}.zip", scope.slug, format.as_str()),
                    content_type: "application/zip",
                }),
                Err(e) => {
                    tracing::error!(error = %e, workspace = scope.workspace_id.0, "sheets ZIP failed");
                    None
                }
            };
            app.jobs.finish(&job, output);
        });
    }
    id
}

async fn start_sheets(
    State(app): State<App>,
    Path(slug): Path<String>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let format = documents::format(Some(form.get("format")), &s.t)?;
    let id = start_sheets_job(&app, &scope, format, s.t);
    Ok(Redirect::to(&format!("/espaces/{slug}/documents/fiches/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    c: Chrome,
    done: usize,
    total: usize,
    running: bool,
    failed: bool,
    download: String,
}

async fn job_page(
    State(app): State<App>,
    s: Session,
    Path((slug, job)): Path<(String, String)>,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let j = app
        .jobs
        .get(&job, scope.user_id, scope.workspace_id)
        .ok_or(WebError::NotFound)?;
    let page = JobPage {
        c: Chrome::new(&app.store, &s, Some(&scope), s.t.t("doc.zip_title")).await?,
        done: j.done,
        total: j.total,
        running: matches!(j.state, JobState::Running),
        failed: matches!(j.state, JobState::Failed),
        download: format!("/espaces/{slug}/documents/fiches/{job}/telecharger"),
    };
    Ok(render(&page))
}

/// The finished ZIP; 404 for anyone but the person who started it, 409 while it runs.
pub fn job_output(
    app: &App,
    scope: &partinnov_store::WorkspaceScope,
    job: &str,
) -> Result<Response, WebError> {
    let j = app
        .jobs
        .get(job, scope.user_id, scope.workspace_id)
        .ok_or(WebError::NotFound)?;
    match j.state {
        JobState::Done(out) => Ok((
            crate::exports::attachment(out.content_type, &out.name),
            out.bytes,
        )
            .into_response()),
        JobState::Running => Err(WebError::Conflict { current: 0 }),
        JobState::Failed => Err(WebError::Internal("the sheets ZIP failed".into())),
    }
}

async fn job_download(
    State(app): State<App>,
    s: Session,
    Path((slug, job)): Path<(String, String)>,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    job_output(&app, &scope, &job)
}
