//! The evaluation of a partnership in four steps (DOMAIN.md §7): start one from a template,
//! answer the guiding questions of each step (a concurrent save shows both texts, as the
//! partnership form does), edit criteria and indicators, add dated measurements (each
//! refused value explained beside its field), refresh the automatic ones, and follow each
//! indicator over time in a chart with its table. Plus the page of templates, where a
//! workspace imports its own JSON template.

use axum::{
    Router,
    extract::{FromRequest, Multipart, Path, RawQuery, Request, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Utc;
use partinnov_domain::evaluation::{
    AutoSource, EvaluationStatus, FilledBy, IndicatorKind, Step, Template, TemplateError, Unit,
    format_value, parse_number, parse_value,
};
use partinnov_store::{
    CriterionId, EvaluationId, IndicatorId, PartnershipId, StoreError, WorkspaceScope,
    evaluations::{
        Answer, CriterionDraft, Evaluation, EvaluationDraft, IndicatorDraft, MeasurementDraft,
    },
};

use crate::{
    App,
    api::Params,
    auth::{CsrfForm, FormData, Session, constant_time_eq},
    documents::evaluation::{
        indicator_ref, numeric_points, progress_text, series_svg, target_text,
    },
    error::{FieldError, WebError, WebResult},
    i18n::Tr,
    options,
    pages::{Chrome, partnerships::Conflict, render_with},
};

mod results;
mod templates;
mod view;

use results::{
    add_criterion, add_indicator, add_measurement, delete_criterion, delete_indicator,
    edit_indicator, refresh,
};
pub use results::{indicator_draft, measurement_draft};
pub use templates::template_error_message;
use templates::{import_template, templates};
use view::saved_values;
pub(crate) use view::{EvaluationView, view};

pub fn router() -> Router<App> {
    let e = "/espaces/{slug}/partenariats/{id}/evaluation";
    Router::new()
        .route(e, get(show).post(start))
        .route(&format!("{e}/{{eid}}/etapes"), post(save_steps))
        .route(&format!("{e}/{{eid}}/criteres"), post(add_criterion))
        .route(
            &format!("{e}/{{eid}}/criteres/{{cid}}/supprimer"),
            post(delete_criterion),
        )
        .route(
            &format!("{e}/{{eid}}/criteres/{{cid}}/indicateurs"),
            post(add_indicator),
        )
        .route(
            &format!("{e}/{{eid}}/indicateurs/{{iid}}/supprimer"),
            post(delete_indicator),
        )
        .route(
            &format!("{e}/{{eid}}/indicateurs/{{iid}}/mesures"),
            post(add_measurement),
        )
        .route(
            &format!("{e}/{{eid}}/indicateurs/{{iid}}/modifier"),
            post(edit_indicator),
        )
        .route(&format!("{e}/{{eid}}/actualiser"), post(refresh))
        .route(
            "/espaces/{slug}/modeles-evaluation",
            get(templates).post(import_template),
        )
}

/// An add or edit form as typed, with its messages by field.
#[derive(Default, Clone)]
pub struct Typed {
    pub values: std::collections::HashMap<String, String>,
    pub errors: std::collections::HashMap<String, String>,
}

impl Typed {
    pub fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }
    pub fn e(&self, k: &str) -> &str {
        self.errors.get(k).map_or("", String::as_str)
    }
    pub fn has(&self, k: &str) -> bool {
        self.errors.contains_key(k)
    }
    pub(crate) fn from(form: &FormData, keys: &[&str], errors: &[FieldError]) -> Self {
        Self {
            values: keys
                .iter()
                .map(|k| ((*k).to_owned(), form.get(k).to_owned()))
                .collect(),
            errors: errors
                .iter()
                .map(|e| (e.field.clone(), e.message.clone()))
                .collect(),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "evaluation.html")]
struct EvaluationPage {
    c: Chrome,
    base: String,
    partnership: String,
    partnership_href: String,
    /// (href, title, status, start day, shown).
    evaluations: Vec<(String, String, String, String, bool)>,
    templates: Vec<(String, String)>,
    start: Typed,
    e: Option<EvaluationView>,
    steps_error: Typed,
    new_criterion: Typed,
    conflict: Vec<Conflict>,
    statuses: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    units: Vec<(String, String)>,
    sources: Vec<(String, String)>,
    refreshed: String,
}

/// What a refused form brings back to the page.
#[derive(Default)]
pub(crate) struct Back {
    start: Typed,
    steps: Option<(i64, EvaluationDraft)>,
    steps_error: Typed,
    conflict: Vec<Conflict>,
    criterion: Typed,
    indicator: Option<(i64, Typed)>,
    measure: Option<(i64, Typed)>,
    /// The invited partner's answers sent back (its page).
    partner: Option<Typed>,
    /// The indicator edit form sent back, by indicator id.
    edit: Option<(i64, Typed)>,
    refreshed: String,
}

impl Back {
    /// The invited partner's answers as typed, refused or overtaken by another save.
    pub(crate) fn partner(typed: Typed) -> Self {
        Self {
            partner: Some(typed),
            ..Self::default()
        }
    }

    /// A refused measurement of indicator `id`, as typed.
    pub(crate) fn measure(id: i64, typed: Typed) -> Self {
        Self {
            measure: Some((id, typed)),
            ..Self::default()
        }
    }
}

async fn page(
    app: &App,
    s: &Session,
    scope: &WorkspaceScope,
    pid: PartnershipId,
    selected: Option<EvaluationId>,
    back: Back,
    status: StatusCode,
) -> WebResult<Response> {
    let t = s.t;
    let p = app.store.partnership(scope, pid).await?;
    let list = app.store.evaluations(scope, pid).await?;
    let base = format!("/espaces/{}/partenariats/{}/evaluation", scope.slug, pid);
    let shown = selected.or(list.first().map(|e| e.id));
    let e = match shown {
        Some(id) => {
            let e = app.store.evaluation(scope, id).await?;
            if e.partnership_id != pid {
                return Err(WebError::NotFound);
            }
            Some(e)
        }
        None => None,
    };
    let templates = app
        .store
        .evaluation_templates(scope)
        .await?
        .into_iter()
        .map(|x| (x.template.code, x.template.name))
        .collect();
    let lang = t.lang;
    let html = EvaluationPage {
        c: Chrome::new(
            &app.store,
            s,
            Some(scope),
            t.f("evaluation.title", &[("title", &p.data.title)]),
        )
        .await?,
        partnership_href: format!("/espaces/{}/partenariats/{}", scope.slug, pid),
        partnership: p.data.title.clone(),
        evaluations: list
            .iter()
            .map(|x| {
                (
                    format!("{base}?e={}", x.id),
                    x.title.clone(),
                    x.status.label(lang).to_owned(),
                    t.date(&x.started_on),
                    Some(x.id) == shown,
                )
            })
            .collect(),
        templates,
        start: back.start.clone(),
        e: e.as_ref().map(|e| view(&t, &base, e, &back)),
        steps_error: back.steps_error,
        new_criterion: back.criterion,
        conflict: back.conflict,
        statuses: options!(EvaluationStatus, lang),
        kinds: options!(IndicatorKind, lang),
        units: options!(Unit, lang),
        sources: AutoSource::all()
            .into_iter()
            .map(|x| (x.code(), x.label(lang)))
            .collect(),
        refreshed: back.refreshed,
        base,
    };
    Ok(render_with(status, &html))
}

// ---------------------------------------------------------------- handlers

async fn show(
    State(app): State<App>,
    s: Session,
    Path((slug, id)): Path<(String, i64)>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    let selected = params
        .get("e")
        .and_then(|v| v.parse().ok())
        .map(EvaluationId);
    let back = Back {
        refreshed: match params
            .get("actualise")
            .and_then(|v| v.parse::<usize>().ok())
        {
            Some(n) => s.t.f("evaluation.refreshed", &[("n", &n.to_string())]),
            None => String::new(),
        },
        ..Back::default()
    };
    page(
        &app,
        &s,
        &scope,
        PartnershipId(id),
        selected,
        back,
        StatusCode::OK,
    )
    .await
}

/// Starts an evaluation from a template.
async fn start(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let pid = PartnershipId(id);
    match app
        .store
        .create_evaluation(
            &scope,
            pid,
            form.get("template"),
            form.get("title"),
            Utc::now().date_naive(),
        )
        .await
    {
        Ok(e) => Ok(Redirect::to(&format!(
            "/espaces/{slug}/partenariats/{id}/evaluation?e={}",
            e.id
        ))
        .into_response()),
        Err(StoreError::NotFound {
            entity: "evaluation_template",
        }) => {
            let errors = [FieldError::new(&s.t, "template", "unknown_code")];
            let back = Back {
                start: Typed::from(&form, &["template", "title"], &errors),
                ..Back::default()
            };
            page(
                &app,
                &s,
                &scope,
                pid,
                None,
                back,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The evaluation `eid` if it belongs to partnership `pid` of the scope.
async fn owned(app: &App, scope: &WorkspaceScope, pid: i64, eid: i64) -> WebResult<Evaluation> {
    let e = app.store.evaluation(scope, EvaluationId(eid)).await?;
    if e.partnership_id != PartnershipId(pid) {
        return Err(WebError::NotFound);
    }
    Ok(e)
}

fn here(slug: &str, pid: i64, eid: i64, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/espaces/{slug}/partenariats/{pid}/evaluation?e={eid}#{anchor}"
    ))
    .into_response()
}

/// Saves the title, status and every answer of the four steps.
async fn save_steps(
    State(app): State<App>,
    Path((slug, pid, eid)): Path<(String, i64, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    let t = s.t;
    let mut errors = vec![];
    let status = form.get("status").parse().unwrap_or_else(|_| {
        errors.push(FieldError::new(&t, "status", "unknown_code"));
        e.data.status
    });
    let mut answers = std::collections::BTreeMap::new();
    for step in Step::ALL {
        for q in e.template.questions(*step) {
            let text = form.get(&format!("q_{}", q.code));
            if !text.is_empty() {
                // Kept as it was written when it did not change: whoever filled it.
                let filled_by = e
                    .data
                    .answers
                    .get(&q.code)
                    .filter(|a| a.text == text)
                    .map_or(FilledBy::Structure, |a| a.filled_by);
                answers.insert(
                    q.code.clone(),
                    Answer {
                        text: text.to_owned(),
                        filled_by,
                    },
                );
            }
        }
    }
    let draft = EvaluationDraft {
        title: form.get("title").to_owned(),
        status,
        answers,
    };
    if draft.title.is_empty() {
        errors.push(FieldError::new(&t, "title", "required"));
    }
    let version = form.get("version").parse().unwrap_or(0);
    if !errors.is_empty() {
        let back = Back {
            steps_error: Typed::from(&form, &[], &errors),
            steps: Some((version, draft)),
            ..Back::default()
        };
        return page(
            &app,
            &s,
            &scope,
            PartnershipId(pid),
            Some(e.id),
            back,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match app
        .store
        .update_evaluation(&scope, e.id, version, &draft)
        .await
    {
        Ok(_) => Ok(here(&slug, pid, eid, "etapes")),
        Err(StoreError::Conflict { current }) => {
            // Someone saved in between: both texts side by side, and the form now carries
            // the current version so saving again keeps this person's text.
            let saved = app.store.evaluation(&scope, e.id).await?;
            let mut diff = vec![];
            if saved.data.title != draft.title {
                diff.push(Conflict {
                    field: t.t("evaluation.eval_title").to_owned(),
                    theirs: saved.data.title.clone(),
                    mine: draft.title.clone(),
                });
            }
            for step in Step::ALL {
                for q in saved.template.questions(*step) {
                    let (a, b) = (saved.data.answer(&q.code), draft.answer(&q.code));
                    if a != b {
                        diff.push(Conflict {
                            field: q.label.clone(),
                            theirs: a.to_owned(),
                            mine: b.to_owned(),
                        });
                    }
                }
            }
            tracing::info!(
                evaluation = eid,
                expected = version,
                current,
                "concurrent edit detected"
            );
            let back = Back {
                steps: Some((current, draft)),
                conflict: diff,
                ..Back::default()
            };
            page(
                &app,
                &s,
                &scope,
                PartnershipId(pid),
                Some(e.id),
                back,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
