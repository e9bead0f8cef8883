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
        .route(&format!("{e}/{{eid}}/actualiser"), post(refresh))
        .route(
            "/espaces/{slug}/modeles-evaluation",
            get(templates).post(import_template),
        )
}

// ---------------------------------------------------------------- views

pub struct QuestionView {
    pub name: String,
    pub label: String,
    pub help: String,
    pub example: String,
    pub value: String,
}

pub struct StepView {
    pub number: usize,
    pub code: String,
    pub title: String,
    pub questions: Vec<QuestionView>,
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
    fn from(form: &FormData, keys: &[&str], errors: &[FieldError]) -> Self {
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

pub struct MeasureRow {
    pub date: String,
    pub value: String,
    pub note: String,
    pub who: String,
}

pub struct IndicatorView {
    pub id: i64,
    pub reference: String,
    pub text: String,
    pub kind: String,
    pub unit: String,
    pub source: String,
    pub target: String,
    pub latest: String,
    pub progress: String,
    pub progress_code: String,
    pub quantitative: bool,
    pub chart: String,
    pub rows: Vec<MeasureRow>,
    pub form: Typed,
}

pub struct CriterionView {
    pub id: i64,
    pub code: String,
    pub text: String,
    pub group: String,
    pub indicators: Vec<IndicatorView>,
    pub form: Typed,
}

pub struct EvaluationView {
    pub id: i64,
    pub version: i64,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub template_name: String,
    pub template_source: String,
    pub started: String,
    pub steps: Vec<StepView>,
    pub criteria: Vec<CriterionView>,
    pub automatic: bool,
    pub url: String,
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
struct Back {
    start: Typed,
    steps: Option<(i64, EvaluationDraft)>,
    steps_error: Typed,
    conflict: Vec<Conflict>,
    criterion: Typed,
    indicator: Option<(i64, Typed)>,
    measure: Option<(i64, Typed)>,
    refreshed: String,
}

fn measure_row(t: &Tr, i: &partinnov_store::evaluations::Indicator) -> Vec<MeasureRow> {
    i.measurements
        .iter()
        .rev()
        .map(|m| MeasureRow {
            date: t.date(&m.data.measured_on),
            value: format_value(&m.data.value, i.data.unit, t.lang),
            note: m.data.note.clone(),
            who: if m.automatic {
                t.t("evaluation.automatic").to_owned()
            } else {
                let party = m.data.filled_by.label(t.lang);
                match &m.author_name {
                    Some(n) => format!("{n} ({party})"),
                    None => party.to_owned(),
                }
            },
        })
        .collect()
}

fn view(t: &Tr, base: &str, e: &Evaluation, back: &Back) -> EvaluationView {
    let mine = back.steps.as_ref().map(|(_, d)| d);
    let data = mine.unwrap_or(&e.data);
    let steps = Step::ALL
        .iter()
        .enumerate()
        .map(|(n, step)| StepView {
            number: n + 1,
            code: step.as_str().to_owned(),
            title: t
                .t(&format!("evaluation.step_{}", step.as_str()))
                .to_owned(),
            questions: e
                .template
                .questions(*step)
                .iter()
                .map(|q| QuestionView {
                    name: format!("q_{}", q.code),
                    label: q.label.clone(),
                    help: q.help.clone(),
                    example: q.example.clone(),
                    value: data.answer(&q.code).to_owned(),
                })
                .collect(),
        })
        .collect();
    let criteria = e
        .criteria
        .iter()
        .map(|c| CriterionView {
            id: c.id.0,
            code: c.code.clone(),
            text: c.data.text.clone(),
            group: c.data.group.clone(),
            form: match &back.indicator {
                Some((id, typed)) if *id == c.id.0 => typed.clone(),
                _ => Typed {
                    values: [("kind".to_owned(), "quantitatif".to_owned())].into(),
                    ..Default::default()
                },
            },
            indicators: c
                .indicators
                .iter()
                .map(|i| {
                    let reference = indicator_ref(&c.code, &i.code);
                    let points = numeric_points(i);
                    IndicatorView {
                        id: i.id.0,
                        text: i.data.text.clone(),
                        kind: i.data.kind.label(t.lang).to_owned(),
                        unit: i
                            .data
                            .unit
                            .map(|u| u.label(t.lang).to_owned())
                            .unwrap_or_default(),
                        source: i.data.source.map(|s| s.label(t.lang)).unwrap_or_default(),
                        target: target_text(i, t.lang),
                        latest: i
                            .latest()
                            .map(|m| format_value(&m.data.value, i.data.unit, t.lang))
                            .unwrap_or_default(),
                        progress: progress_text(i, t),
                        progress_code: i.progress().code().to_owned(),
                        quantitative: i.data.kind == IndicatorKind::Quantitatif,
                        chart: if points.is_empty() {
                            String::new()
                        } else {
                            series_svg(
                                &format!("{reference} {}", i.data.text),
                                &points,
                                i.data.unit,
                                i.data.target,
                                t,
                            )
                        },
                        rows: measure_row(t, i),
                        form: match &back.measure {
                            Some((id, typed)) if *id == i.id.0 => typed.clone(),
                            _ => Typed {
                                values: [(
                                    "measured_on".to_owned(),
                                    Utc::now().date_naive().to_string(),
                                )]
                                .into(),
                                ..Default::default()
                            },
                        },
                        reference,
                    }
                })
                .collect(),
        })
        .collect();
    EvaluationView {
        id: e.id.0,
        version: back.steps.as_ref().map_or(e.version, |(v, _)| *v),
        title: data.title.clone(),
        status: data.status.as_str().to_owned(),
        status_label: e.data.status.label(t.lang).to_owned(),
        template_name: e.template.name.clone(),
        template_source: e.template.source.clone(),
        started: t.date(&e.started_on),
        steps,
        criteria,
        automatic: e
            .criteria
            .iter()
            .flat_map(|c| &c.indicators)
            .any(|i| i.data.source.is_some()),
        url: format!("{base}/{}", e.id.0),
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

async fn add_criterion(
    State(app): State<App>,
    Path((slug, pid, eid)): Path<(String, i64, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    let d = CriterionDraft {
        text: form.get("text").to_owned(),
        group: form.get("group").to_owned(),
    };
    match app.store.add_criterion(&scope, e.id, &d).await {
        Ok(c) => Ok(here(&slug, pid, eid, &format!("critere-{}", c.id))),
        Err(err) => match WebError::from(err) {
            WebError::Invalid(errors) => {
                let back = Back {
                    criterion: Typed::from(&form, &["text", "group"], &errors),
                    ..Back::default()
                };
                page(
                    &app,
                    &s,
                    &scope,
                    PartnershipId(pid),
                    Some(e.id),
                    back,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            other => Err(other),
        },
    }
}

async fn delete_criterion(
    State(app): State<App>,
    Path((slug, pid, eid, cid)): Path<(String, i64, i64, i64)>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    if !e.criteria.iter().any(|c| c.id.0 == cid) {
        return Err(WebError::NotFound);
    }
    app.store.delete_criterion(&scope, CriterionId(cid)).await?;
    Ok(here(&slug, pid, eid, "resultats"))
}

/// Reads an indicator form: kind, unit, source and target, each refused with its field.
pub fn indicator_draft(
    t: &Tr,
    text: &str,
    kind: &str,
    unit: &str,
    source: &str,
    target: &str,
    target_text: &str,
) -> Result<IndicatorDraft, Vec<FieldError>> {
    let mut errors = vec![];
    let kind: Option<IndicatorKind> = kind.trim().parse().ok();
    if kind.is_none() {
        errors.push(FieldError::new(t, "kind", "unknown_code"));
    }
    let unit = match unit.trim() {
        "" => None,
        u => match u.parse::<Unit>() {
            Ok(u) => Some(u),
            Err(_) => {
                errors.push(FieldError::new(t, "unit", "unknown_code"));
                None
            }
        },
    };
    let source = match source.trim() {
        "" => None,
        x => match AutoSource::parse(x) {
            Ok(x) => Some(x),
            Err(_) => {
                errors.push(FieldError::new(t, "source", "unknown_code"));
                None
            }
        },
    };
    let target = match target.trim() {
        "" => None,
        x => match parse_number(x) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(FieldError::new(t, "target", e.code()));
                None
            }
        },
    };
    if text.trim().is_empty() {
        errors.push(FieldError::new(t, "text", "required"));
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok(IndicatorDraft {
            text: text.trim().to_owned(),
            kind,
            // A qualitative indicator shows no unit even if the select kept one.
            unit: unit.filter(|_| kind == IndicatorKind::Quantitatif),
            source,
            target,
            target_text: target_text.trim().to_owned(),
        }),
        _ => Err(errors),
    }
}

async fn add_indicator(
    State(app): State<App>,
    Path((slug, pid, eid, cid)): Path<(String, i64, i64, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    if !e.criteria.iter().any(|c| c.id.0 == cid) {
        return Err(WebError::NotFound);
    }
    let keys = ["text", "kind", "unit", "source", "target", "target_text"];
    let result = match indicator_draft(
        &s.t,
        form.get("text"),
        form.get("kind"),
        form.get("unit"),
        form.get("source"),
        form.get("target"),
        form.get("target_text"),
    ) {
        Ok(d) => app
            .store
            .add_indicator(&scope, CriterionId(cid), &d)
            .await
            .map_err(WebError::from),
        Err(errors) => Err(WebError::Invalid(errors)),
    };
    match result {
        Ok(i) => Ok(here(&slug, pid, eid, &format!("indicateur-{}", i.id))),
        Err(WebError::Invalid(errors)) => {
            let back = Back {
                indicator: Some((cid, Typed::from(&form, &keys, &errors))),
                ..Back::default()
            };
            page(
                &app,
                &s,
                &scope,
                PartnershipId(pid),
                Some(e.id),
                back,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

async fn delete_indicator(
    State(app): State<App>,
    Path((slug, pid, eid, iid)): Path<(String, i64, i64, i64)>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    if e.indicator(IndicatorId(iid)).is_none() {
        return Err(WebError::NotFound);
    }
    app.store.delete_indicator(&scope, IndicatorId(iid)).await?;
    Ok(here(&slug, pid, eid, "resultats"))
}

/// Reads a measurement typed for an indicator of `kind`, each problem with its field.
pub fn measurement_draft(
    t: &Tr,
    kind: IndicatorKind,
    measured_on: &str,
    value: &str,
    note: &str,
) -> Result<MeasurementDraft, Vec<FieldError>> {
    let mut c = crate::forms::Check::new(t);
    let day = c.date("measured_on", Some(measured_on));
    if measured_on.trim().is_empty() {
        c.fail("measured_on", "required");
    }
    let value = match parse_value(kind, value) {
        Ok(v) => Some(v),
        Err(e) => {
            c.fail("value", e.code());
            None
        }
    };
    match (day, value) {
        (Some(measured_on), Some(value)) if c.errors.is_empty() => Ok(MeasurementDraft {
            measured_on,
            value,
            note: note.trim().to_owned(),
            filled_by: FilledBy::Structure,
        }),
        _ => Err(c.errors),
    }
}

async fn add_measurement(
    State(app): State<App>,
    Path((slug, pid, eid, iid)): Path<(String, i64, i64, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    let kind = e
        .indicator(IndicatorId(iid))
        .ok_or(WebError::NotFound)?
        .1
        .data
        .kind;
    let result = match measurement_draft(
        &s.t,
        kind,
        form.get("measured_on"),
        form.get("value"),
        form.get("note"),
    ) {
        Ok(d) => app
            .store
            .add_measurement(&scope, IndicatorId(iid), &d)
            .await
            .map_err(WebError::from),
        Err(errors) => Err(WebError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(here(&slug, pid, eid, &format!("indicateur-{iid}"))),
        Err(WebError::Invalid(errors)) => {
            let back = Back {
                measure: Some((
                    iid,
                    Typed::from(&form, &["measured_on", "value", "note"], &errors),
                )),
                ..Back::default()
            };
            page(
                &app,
                &s,
                &scope,
                PartnershipId(pid),
                Some(e.id),
                back,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// "Actualiser": measures every automatic indicator today from the partnership's data.
async fn refresh(
    State(app): State<App>,
    Path((slug, pid, eid)): Path<(String, i64, i64)>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    let n = app
        .store
        .refresh_automatic(&scope, e.id, Utc::now().date_naive())
        .await?;
    Ok(Redirect::to(&format!(
        "/espaces/{slug}/partenariats/{pid}/evaluation?e={eid}&actualise={n}#resultats"
    ))
    .into_response())
}

// ---------------------------------------------------------------- templates page

pub struct TemplateLine {
    pub code: String,
    pub name: String,
    pub description: String,
    pub source: String,
    pub builtin: bool,
    pub criteria: usize,
    pub indicators: usize,
}

#[derive(askama::Template)]
#[template(path = "evaluation_templates.html")]
struct TemplatesPage {
    c: Chrome,
    templates: Vec<TemplateLine>,
    error: String,
    typed: String,
    imported: String,
}

async fn templates_page(
    app: &App,
    s: &Session,
    scope: &WorkspaceScope,
    error: String,
    typed: String,
    imported: String,
    status: StatusCode,
) -> WebResult<Response> {
    let t = s.t;
    let templates = app
        .store
        .evaluation_templates(scope)
        .await?
        .into_iter()
        .map(|x| TemplateLine {
            criteria: x.template.criteria.len(),
            indicators: x.template.criteria.iter().map(|c| c.indicators.len()).sum(),
            code: x.template.code,
            name: x.template.name,
            description: x.template.description,
            source: x.template.source,
            builtin: x.builtin,
        })
        .collect();
    let page = TemplatesPage {
        c: Chrome::new(
            &app.store,
            s,
            Some(scope),
            t.t("evaluation.templates_title"),
        )
        .await?,
        templates,
        error,
        typed,
        imported,
    };
    Ok(render_with(status, &page))
}

async fn templates(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let imported = Params::from_query(raw.as_deref())
        .get("importe")
        .map(|name| s.t.f("evaluation.imported", &[("name", name)]))
        .unwrap_or_default();
    templates_page(
        &app,
        &s,
        &scope,
        String::new(),
        String::new(),
        imported,
        StatusCode::OK,
    )
    .await
}

/// The message for a refused template, saying where the problem is.
pub fn template_error_message(t: &Tr, e: &TemplateError) -> String {
    use partinnov_domain::evaluation::TemplateProblem as P;
    let what = match &e.problem {
        P::Syntax { line, column, .. } => {
            return t.f(
                "evaluation.template_syntax",
                &[("line", &line.to_string()), ("column", &column.to_string())],
            );
        }
        P::Missing(field) => t.f("evaluation.template_missing", &[("field", field)]),
        P::UnknownStep(v) => t.f("evaluation.template_unknown_step", &[("value", v)]),
        P::UnknownKind(v) => t.f("evaluation.template_unknown_kind", &[("value", v)]),
        P::UnknownUnit(v) => t.f("evaluation.template_unknown_unit", &[("value", v)]),
        P::UnknownSource(v) => t.f("evaluation.template_unknown_source", &[("value", v)]),
        P::Duplicate(v) => t.f("evaluation.template_duplicate", &[("value", v)]),
        P::BadCode(v) => t.f("evaluation.template_bad_code", &[("value", v)]),
        P::QualitativeWithUnit => t.t("evaluation.template_qualitative_with_unit").to_owned(),
        P::SourceUnit { expected, .. } => t.f(
            "evaluation.template_source_unit",
            &[("unit", expected.label(t.lang))],
        ),
    };
    t.f(
        "evaluation.template_at",
        &[("at", &e.at), ("problem", &what)],
    )
}

/// Multipart (`csrf`, `file`) or a pasted text (`json`): the template is validated and
/// added to the workspace, or the page comes back saying where the file is wrong.
async fn import_template(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    req: Request,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let t = s.t;
    let (mut csrf, mut json) = (String::new(), String::new());
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    if multipart {
        let mut m = Multipart::from_request(req, &app)
            .await
            .map_err(|_| WebError::BadRequest(t.t("import.not_multipart").into()))?;
        while let Some(field) = m
            .next_field()
            .await
            .map_err(|_| WebError::BadRequest(t.t("import.too_big").into()))?
        {
            match field.name().unwrap_or_default() {
                "csrf" => csrf = field.text().await.unwrap_or_default(),
                "json" | "file" => {
                    let text = field.text().await.unwrap_or_default();
                    if !text.trim().is_empty() {
                        json = text;
                    }
                }
                _ => {}
            }
        }
    } else {
        let bytes = axum::body::to_bytes(req.into_body(), 2 * 1024 * 1024)
            .await
            .map_err(|_| WebError::BadRequest(t.t("import.too_big").into()))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| WebError::BadRequest("formulaire mal formé".into()))?;
        let form = FormData(pairs);
        csrf = form.get("csrf").to_owned();
        json = form.get("json").to_owned();
    }
    if !constant_time_eq(csrf.as_bytes(), s.csrf.as_bytes()) {
        return Err(WebError::Forbidden);
    }
    if json.trim().is_empty() {
        let error = t.t("evaluation.template_empty").to_owned();
        return templates_page(
            &app,
            &s,
            &scope,
            error,
            json,
            String::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let template = match Template::from_json(&json) {
        Ok(x) => x,
        Err(e) => {
            let error = template_error_message(&t, &e);
            return templates_page(
                &app,
                &s,
                &scope,
                error,
                json,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match app.store.add_evaluation_template(&scope, &template).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/espaces/{slug}/modeles-evaluation?importe={}",
            url_encode(&template.name)
        ))
        .into_response()),
        Err(StoreError::Duplicate { .. }) => {
            let error = t.f(
                "evaluation.template_code_taken",
                &[("code", &template.code)],
            );
            templates_page(
                &app,
                &s,
                &scope,
                error,
                json,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .map(|q| q.trim_start_matches("x=").to_owned())
        .unwrap_or_default()
}
