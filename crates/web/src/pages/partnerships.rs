//! Partnership pages: the filtered list, the detail page (forms, objectives, timeline,
//! history), the create/edit form (each error beside its field; on a concurrent edit the
//! person sees both values and chooses), delete and restore.

use askama::Template;
use axum::{
    Router,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Utc;
use partinnov_domain::{
    kind::StructureKind,
    text::fold,
    typology::{
        Family, Form, InteractionKind, Involvement, ObjectiveParty, PartnershipStatus, Potential,
        Priority,
    },
};
use partinnov_store::{
    Caller, OrganisationId, PartnershipId, Store, StoreError, WorkspaceScope,
    organisations::{OrganisationDraft, OrganisationQuery},
    partnerships::{Partnership, PartnershipDraft, PartnershipSort},
};

use crate::{
    App,
    api::{HistoryEntry, Params},
    auth::{CsrfForm, FormData, Session},
    error::{FieldError, WebError, WebResult},
    forms::{
        FlowInput, FormInput, InteractionInput, ObjectiveInput, OutcomeInput, PartnershipInput,
    },
    i18n::Tr,
    options,
    pages::{Chrome, Errors, render, render_with},
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/espaces/{slug}/partenariats", get(list))
        .route(
            "/espaces/{slug}/partenariats/nouveau",
            get(new_form).post(create),
        )
        .route("/espaces/{slug}/partenariats/{id}", get(show))
        .route(
            "/espaces/{slug}/partenariats/{id}/modifier",
            get(edit_form).post(update),
        )
        .route("/espaces/{slug}/partenariats/{id}/supprimer", post(delete))
        .route("/espaces/{slug}/partenariats/{id}/restaurer", post(restore))
        .route(
            "/espaces/{slug}/partenariats/{id}/interactions",
            post(add_interaction),
        )
        .route(
            "/espaces/{slug}/partenariats/{id}/resultats",
            post(add_outcome),
        )
        .route("/espaces/{slug}/partenariats/{id}/flux", post(add_flow))
        .route(
            "/espaces/{slug}/partenariats/{id}/commentaires",
            post(add_comment),
        )
        .route(
            "/espaces/{slug}/partenariats/{id}/interactions/{interaction}/supprimer",
            post(delete_interaction),
        )
}

// ---------------------------------------------------------------- list

pub struct Row {
    pub href: String,
    pub title: String,
    pub partners: String,
    pub status: String,
    pub status_code: String,
    pub families: Vec<(String, String)>,
    pub priority: String,
    pub holders: String,
    pub last: String,
    pub dormant: bool,
}

#[derive(Template)]
#[template(path = "partnership_list.html")]
struct ListPage {
    c: Chrome,
    dl: super::downloads::Downloads,
    rows: Vec<Row>,
    total: String,
    /// Current filter values, by parameter name.
    f: Params,
    families: Vec<(String, String)>,
    forms: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    priorities: Vec<(String, String)>,
    holders: Vec<(String, String)>,
    sorts: Vec<(String, String)>,
    errors: Errors,
    prev: String,
    next: String,
    page_label: String,
    deleted: bool,
    is_owner: bool,
}

impl ListPage {
    fn val(&self, k: &str) -> &str {
        self.f.get(k).unwrap_or("")
    }
}

fn page_link(raw: &Option<String>, page: u32) -> String {
    format!(
        "?{}page={page}",
        super::downloads::query_prefix(raw.as_deref(), &["page"])
    )
}

pub fn row(t: &Tr, slug: &str, p: &Partnership) -> Row {
    let today = Utc::now().date_naive();
    Row {
        href: format!("/espaces/{slug}/partenariats/{}", p.id),
        title: p.data.title.clone(),
        partners: p
            .partner_refs
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        status: p.data.status.label(t.lang).to_owned(),
        status_code: p.data.status.as_str().to_owned(),
        families: p
            .current_families(today)
            .iter()
            .map(|f| (f.as_str().to_owned(), f.label(t.lang).to_owned()))
            .collect(),
        priority: p
            .data
            .priority
            .map(|x| x.label(t.lang).to_owned())
            .unwrap_or_default(),
        holders: p
            .holder_refs
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        last: p
            .last_interaction_on
            .map(|d| t.date(&d))
            .unwrap_or_default(),
        dormant: p.dormant,
    }
}

async fn list(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let t = s.t;
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    let (mut query, errors) = match crate::api::partnerships_query(&params, &t) {
        Ok(q) => (q, vec![]),
        Err(errors) => (Default::default(), errors),
    };
    if query.per_page == 0 || params.get("per_page").is_none() {
        query.per_page = 50;
    }
    query.deleted =
        params.get("deleted") == Some("1") && scope.role == partinnov_store::Role::Owner;
    let page = app.store.partnerships(&scope, &query).await?;
    let members = app.store.members(&scope).await?;
    let pages = (page.total + i64::from(page.per_page) - 1) / i64::from(page.per_page.max(1));
    let c = Chrome::new(&app.store, &s, Some(&scope), t.t("partnership.list_title")).await?;
    let lang = t.lang;
    let html = ListPage {
        dl: super::downloads::Downloads::new(
            &format!("/espaces/{slug}/partenariats/export"),
            raw.as_deref(),
            false,
        ),
        rows: page.items.iter().map(|p| row(&t, &slug, p)).collect(),
        total: t.int(&page.total),
        families: options!(Family, lang),
        forms: options!(Form, lang),
        statuses: options!(PartnershipStatus, lang),
        kinds: options!(StructureKind, lang),
        priorities: options!(Priority, lang),
        holders: members
            .iter()
            .map(|m| (m.user_id.to_string(), m.name.clone()))
            .collect(),
        sorts: PartnershipSort::ALL
            .iter()
            .map(|x| {
                (
                    x.as_str().to_owned(),
                    t.t(&format!("sort.{}", x.as_str())).to_owned(),
                )
            })
            .collect(),
        errors: Errors::from(&errors),
        prev: if page.page > 1 {
            page_link(&raw, page.page - 1)
        } else {
            String::new()
        },
        next: if i64::from(page.page) < pages {
            page_link(&raw, page.page + 1)
        } else {
            String::new()
        },
        page_label: t.f(
            "list.page_of",
            &[
                ("page", &page.page.to_string()),
                ("pages", &pages.max(1).to_string()),
            ],
        ),
        deleted: query.deleted,
        is_owner: scope.role == partinnov_store::Role::Owner,
        f: params,
        c,
    };
    Ok(if errors.is_empty() {
        render(&html)
    } else {
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &html)
    })
}

// ---------------------------------------------------------------- detail

pub struct FormLine {
    pub family: String,
    pub family_code: String,
    pub label: String,
    pub period: String,
    pub note: String,
    pub current: bool,
}

pub struct Event {
    pub id: i64,
    pub date: String,
    pub kind: String,
    pub author: String,
    pub participants: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "partnership_show.html")]
struct ShowPage {
    c: Chrome,
    p: Partnership,
    base: String,
    status: String,
    involvement: String,
    priority: String,
    potential: String,
    partners: Vec<(String, String, String)>,
    forms: Vec<FormLine>,
    objectives: Vec<(String, String)>,
    holders: String,
    events: Vec<Event>,
    history: Vec<(String, Vec<String>)>,
    kinds: Vec<(String, String)>,
    i: InteractionInput,
    o: OutcomeInput,
    outcomes: Vec<OutcomeLine>,
    outcome_kinds: Vec<(String, String)>,
    contracts: Vec<(String, String)>,
    f: FlowInput,
    flows: Vec<(String, String, String, String)>,
    flow_kinds: Vec<(String, String)>,
    /// What the partnership produced over its life: (label, figure).
    produced: Vec<(String, String)>,
    /// The conversation with the invited partner.
    comments: Vec<super::guests::CommentView>,
    comment: String,
    errors: Errors,
}

/// One employment outcome as the partnership page shows it.
pub struct OutcomeLine {
    pub person: String,
    pub kind: String,
    pub period: String,
    pub detail: String,
    pub category: String,
    pub category_code: String,
    pub reason: String,
}

pub(crate) fn outcome_line(t: &Tr, o: &partinnov_store::outcomes::Outcome) -> OutcomeLine {
    let d = &o.data;
    let mut detail = vec![];
    if let Some(days) = d.days {
        detail.push(t.f("outcome.n_days", &[("n", &days.to_string())]));
    }
    if let Some(hours) = d.hours {
        detail.push(t.f("outcome.n_hours", &[("n", &t.int(&i64::from(hours)))]));
    }
    if let Some(contract) = d.contract {
        let mut c = contract.label(t.lang).to_owned();
        if let Some(days) = d.duration_days {
            c.push_str(&format!(
                " · {}",
                t.f("outcome.n_days", &[("n", &days.to_string())])
            ));
        }
        if d.aided {
            c.push_str(&format!(" · {}", t.t("outcome.aided")));
        }
        detail.push(c);
    }
    if !d.note.is_empty() {
        detail.push(d.note.clone());
    }
    let classification = d.classification().ok().flatten();
    OutcomeLine {
        person: d.person_ref.as_str().to_owned(),
        kind: d.kind.label(t.lang).to_owned(),
        period: match (d.started_on, d.ended_on) {
            (Some(s), Some(e)) if s != e => t.f(
                "period.from_to",
                &[("from", &t.date(&s)), ("to", &t.date(&e))],
            ),
            (Some(s), _) => t.date(&s),
            (None, Some(e)) => t.date(&e),
            (None, None) => String::new(),
        },
        detail: detail.join(" — "),
        category: o
            .category
            .map(|c| c.label(t.lang).to_owned())
            .unwrap_or_default(),
        category_code: o
            .category
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        reason: classification
            .map(|c| c.reason.label(t.lang).to_owned())
            .unwrap_or_default(),
    }
}

fn period(t: &Tr, f: &partinnov_store::partnerships::FormPeriod) -> String {
    match (f.started_on, f.ended_on) {
        (Some(s), Some(e)) => t.f(
            "period.from_to",
            &[("from", &t.date(&s)), ("to", &t.date(&e))],
        ),
        (Some(s), None) => t.f("period.since", &[("from", &t.date(&s))]),
        (None, Some(e)) => t.f("period.until", &[("to", &t.date(&e))]),
        (None, None) => String::new(),
    }
}

async fn show_page(
    app: &App,
    s: &Session,
    scope: &WorkspaceScope,
    id: PartnershipId,
    drafts: Drafts,
    errors: &[FieldError],
) -> WebResult<Response> {
    let t = s.t;
    let Drafts { i, o, f, comment } = drafts;
    let p = app.store.partnership(scope, id).await?;
    let outcomes = app
        .store
        .outcomes(scope, id)
        .await?
        .iter()
        .map(|o| outcome_line(&t, o))
        .collect();
    let events = app.store.interactions(scope, id).await?;
    let history = app.store.partnership_history(scope, id).await?;
    let today = Utc::now().date_naive();
    let produced = {
        let (from, to) =
            crate::api::period_from(&Params::default(), &t, crate::api::LIFETIME_START)
                .map_err(WebError::Invalid)?;
        let d = app.store.dashboard_of(scope, from, to, Some(id)).await?;
        let flows: i64 = d.flows.iter().map(|f| f.cents).sum();
        vec![
            (t.t("dashboard.people").to_owned(), t.int(&d.people)),
            (
                t.t("dashboard.durable_rate").to_owned(),
                d.durable_rate_permille
                    .map(|p| super::dashboard::percent(&t, p))
                    .unwrap_or_else(|| "—".into()),
            ),
            (
                t.t("dashboard.immersion_days").to_owned(),
                t.int(&d.immersion_days),
            ),
            (
                t.t("dashboard.lending_hours").to_owned(),
                t.int(&d.lending_hours),
            ),
            (t.t("partnership.flows_total").to_owned(), euros(&t, flows)),
        ]
    };
    let base = format!("/espaces/{}/partenariats/{}", scope.slug, id);
    let page = ShowPage {
        status: p.data.status.label(t.lang).to_owned(),
        involvement: p
            .data
            .involvement
            .map(|i| format!("{} — {}", i.get(), i.label(t.lang)))
            .unwrap_or_default(),
        priority: p
            .data
            .priority
            .map(|x| x.label(t.lang).to_owned())
            .unwrap_or_default(),
        potential: p
            .data
            .potential
            .map(|x| x.label(t.lang).to_owned())
            .unwrap_or_default(),
        partners: p
            .partner_refs
            .iter()
            .map(|r| {
                (
                    format!("/organisations/{}", r.id),
                    r.name.clone(),
                    r.commune_name.clone().unwrap_or_default(),
                )
            })
            .collect(),
        forms: p
            .data
            .forms
            .iter()
            .map(|f| FormLine {
                family: f.form.family().label(t.lang).to_owned(),
                family_code: f.form.family().as_str().to_owned(),
                label: f.form.label(t.lang).to_owned(),
                period: period(&t, f),
                note: f.note.clone(),
                current: f.is_current(today),
            })
            .collect(),
        objectives: p
            .data
            .objectives
            .iter()
            .map(|o| {
                (
                    format!("{}. {}", o.rank, o.party.label(t.lang)),
                    o.text.clone(),
                )
            })
            .collect(),
        holders: p
            .holder_refs
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        events: events
            .iter()
            .map(|e| Event {
                id: e.id.0,
                date: t.date(&e.data.occurred_on),
                kind: e.data.kind.label(t.lang).to_owned(),
                author: e.author_name.clone().unwrap_or_default(),
                participants: e.data.participants.clone(),
                note: e.data.note.clone(),
            })
            .collect(),
        history: history
            .into_iter()
            .rev()
            .map(|e| {
                let when = t.datetime(&e.at);
                (when, HistoryEntry::from_event(e, &t).changes)
            })
            .collect(),
        kinds: options!(InteractionKind, t.lang),
        i,
        o,
        outcomes,
        produced,
        outcome_kinds: options!(partinnov_domain::event::OutcomeKind, t.lang),
        contracts: options!(partinnov_domain::outcome::ExitKind, t.lang),
        flows: app
            .store
            .flows(scope, id)
            .await?
            .iter()
            .map(|x| {
                let detail = match (x.data.days, x.data.day_rate_cents) {
                    (Some(d), Some(r)) => t.f(
                        "flow.days_at_rate",
                        &[("days", &d.to_string()), ("rate", &euros(&t, r))],
                    ),
                    _ => String::new(),
                };
                (
                    x.data.year.to_string(),
                    x.data.kind.label(t.lang).to_owned(),
                    euros(&t, x.data.amount_cents),
                    if x.data.note.is_empty() {
                        detail
                    } else {
                        format!("{detail} {}", x.data.note).trim().to_owned()
                    },
                )
            })
            .collect(),
        flow_kinds: options!(partinnov_domain::flow::FlowKind, t.lang),
        f,
        comments: super::guests::comment_views(&t, &app.store.comments(scope, id).await?),
        comment,
        errors: Errors::from(errors),
        base,
        c: Chrome::new(&app.store, s, Some(scope), p.data.title.clone()).await?,
        p,
    };
    Ok(if errors.is_empty() {
        render(&page)
    } else {
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
    })
}

async fn show(
    State(app): State<App>,
    s: Session,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    show_page(&app, &s, &scope, PartnershipId(id), Drafts::blank(), &[]).await
}

/// A member of the team writes to the invited partner.
async fn add_comment(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let body = form.get("body").to_owned();
    match app
        .store
        .add_comment(&scope, PartnershipId(id), &body)
        .await
    {
        Ok(c) => Ok(Redirect::to(&format!(
            "/espaces/{slug}/partenariats/{id}#commentaire-{}",
            c.id
        ))
        .into_response()),
        Err(StoreError::Invalid { field, code }) => {
            let errors = [FieldError::new(&s.t, field, code)];
            let drafts = Drafts {
                comment: body,
                ..Drafts::blank()
            };
            show_page(&app, &s, &scope, PartnershipId(id), drafts, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn add_interaction(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let input = InteractionInput {
        kind: form.get("kind").to_owned(),
        occurred_on: form.get("occurred_on").to_owned(),
        participants: form.get("participants").to_owned(),
        note: form.get("note").to_owned(),
        version: None,
    };
    match input.to_draft(&s.t) {
        Ok(draft) => {
            app.store
                .create_interaction(&scope, PartnershipId(id), &draft)
                .await?;
            Ok(
                Redirect::to(&format!("/espaces/{slug}/partenariats/{id}#chronologie"))
                    .into_response(),
            )
        }
        Err(errors) => {
            show_page(
                &app,
                &s,
                &scope,
                PartnershipId(id),
                Drafts {
                    i: input,
                    ..Drafts::blank()
                },
                &errors,
            )
            .await
        }
    }
}

fn blank_outcome() -> OutcomeInput {
    OutcomeInput {
        kind: "pmsmp".into(),
        duration_unit: Some("mois".into()),
        ..Default::default()
    }
}

/// What the three small forms of the partnership page hold: empty, or what was typed
/// in the one that was sent back with its errors.
struct Drafts {
    i: InteractionInput,
    o: OutcomeInput,
    f: FlowInput,
    /// A message to the invited partner, as typed.
    comment: String,
}

impl Drafts {
    fn blank() -> Self {
        Self {
            i: blank_interaction(),
            o: blank_outcome(),
            f: blank_flow(),
            comment: String::new(),
        }
    }
}

fn blank_flow() -> FlowInput {
    FlowInput {
        kind: "vente".into(),
        year: Some(chrono::Datelike::year(&Utc::now().date_naive())),
        ..Default::default()
    }
}

/// Cents as euros in the page's typography: "12 345,60 €".
pub fn euros(t: &Tr, cents: i64) -> String {
    if cents % 100 == 0 {
        format!("{} €", t.fixed(cents / 100, 0))
    } else {
        format!("{} €", t.fixed(cents, 2))
    }
}

async fn add_flow(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    app.store.partnership(&scope, PartnershipId(id)).await?;
    let input = FlowInput {
        kind: form.get("flow_kind").to_owned(),
        year: form.get("year").parse().ok(),
        amount: form.opt("amount"),
        days: form.get("flow_days").parse().ok(),
        day_rate: form.opt("day_rate"),
        note: form.get("flow_note").to_owned(),
    };
    let mut errors: Vec<FieldError> = [("year", "year"), ("flow_days", "days")]
        .into_iter()
        .filter(|(k, _)| !form.get(k).is_empty() && form.get(k).parse::<i32>().is_err())
        .map(|(_, f)| FieldError::new(&s.t, f, "invalid_number"))
        .collect();
    match input.to_draft(&s.t) {
        Ok(d) if errors.is_empty() => {
            app.store.create_flow(&scope, PartnershipId(id), &d).await?;
            Ok(Redirect::to(&format!("/espaces/{slug}/partenariats/{id}#flux")).into_response())
        }
        result => {
            if let Err(more) = result {
                errors.extend(more);
            }
            for e in &mut errors {
                e.field = format!("flow.{}", e.field);
            }
            show_page(
                &app,
                &s,
                &scope,
                PartnershipId(id),
                Drafts {
                    f: input,
                    ..Drafts::blank()
                },
                &errors,
            )
            .await
        }
    }
}

fn blank_interaction() -> InteractionInput {
    InteractionInput {
        kind: "reunion".into(),
        occurred_on: Utc::now().date_naive().to_string(),
        ..Default::default()
    }
}

async fn add_outcome(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    app.store.partnership(&scope, PartnershipId(id)).await?;
    let num = |k: &str| form.get(k).parse::<i32>().ok();
    let input = OutcomeInput {
        person_ref: form.get("person_ref").to_owned(),
        kind: form.get("outcome_kind").to_owned(),
        started_on: form.opt("started_on"),
        ended_on: form.opt("ended_on"),
        days: num("days"),
        hours: num("hours"),
        contract: form.opt("contract"),
        duration: num("duration"),
        duration_unit: form.opt("duration_unit"),
        aided: form.checked("aided"),
        working_time_pct: num("working_time_pct"),
        note: form.get("outcome_note").to_owned(),
    };
    // Numbers typed as words are refused, not silently dropped.
    let mut errors: Vec<FieldError> = ["days", "hours", "duration", "working_time_pct"]
        .into_iter()
        .filter(|k| !form.get(k).is_empty() && num(k).is_none())
        .map(|k| FieldError::new(&s.t, k, "invalid_number"))
        .collect();
    let result = match input.to_draft(&s.t) {
        Ok(draft) if errors.is_empty() => app
            .store
            .create_outcome(&scope, PartnershipId(id), &draft)
            .await
            .map_err(WebError::from),
        Ok(_) => Err(WebError::Invalid(vec![])),
        Err(more) => Err(WebError::Invalid(more)),
    };
    match result {
        Ok(_) => Ok(
            Redirect::to(&format!("/espaces/{slug}/partenariats/{id}#resultats")).into_response(),
        ),
        Err(WebError::Invalid(more)) => {
            errors.extend(more);
            // The outcome form's fields are shown under their own names, apart from the timeline's.
            for e in &mut errors {
                e.field = format!("outcome.{}", e.field);
            }
            show_page(
                &app,
                &s,
                &scope,
                PartnershipId(id),
                Drafts {
                    o: input,
                    ..Drafts::blank()
                },
                &errors,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn delete(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let version = form.get("version").parse().ok();
    app.store
        .delete_partnership(&scope, PartnershipId(id), version)
        .await?;
    Ok(Redirect::to(&format!("/espaces/{slug}/partenariats")).into_response())
}

async fn restore(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    app.store
        .restore_partnership(&scope, PartnershipId(id))
        .await?;
    Ok(Redirect::to(&format!("/espaces/{slug}/partenariats/{id}")).into_response())
}

// ---------------------------------------------------------------- form

/// Number of blank rows offered to add forms, objectives and partners without JavaScript.
const BLANK_FORMS: usize = 3;
const BLANK_OBJECTIVES: usize = 2;
const BLANK_PARTNERS: usize = 2;

pub struct Conflict {
    pub field: String,
    pub theirs: String,
    pub mine: String,
}

#[derive(Template)]
#[template(path = "partnership_form.html")]
struct FormPage {
    c: Chrome,
    action: String,
    cancel: String,
    heading: String,
    v: PartnershipInput,
    version: i64,
    /// Partners already chosen: id, display name.
    partners: Vec<(i64, String)>,
    /// What was typed in the "add a partner" boxes.
    new_partners: Vec<String>,
    create_missing: bool,
    forms: Vec<FormInput>,
    objectives: Vec<ObjectiveInput>,
    members: Vec<(i64, String, bool)>,
    errors: Errors,
    conflict: Vec<Conflict>,
    form_groups: Vec<(String, Vec<(String, String)>)>,
    statuses: Vec<(String, String)>,
    priorities: Vec<(String, String)>,
    potentials: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    parties: Vec<(String, String)>,
    suggestions: Vec<String>,
}

impl FormPage {
    fn involvement(&self) -> String {
        self.v
            .involvement
            .map(|i| i.to_string())
            .unwrap_or_default()
    }
    fn opt<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

struct FormContext<'a> {
    app: &'a App,
    s: &'a Session,
    scope: &'a WorkspaceScope,
}

impl FormContext<'_> {
    #[allow(clippy::too_many_arguments)]
    async fn page(
        &self,
        action: String,
        cancel: String,
        heading: String,
        v: PartnershipInput,
        version: i64,
        new_partners: Vec<String>,
        create_missing: bool,
        errors: &[FieldError],
        conflict: Vec<Conflict>,
    ) -> WebResult<FormPage> {
        let t = self.s.t;
        let lang = t.lang;
        let mut partners = vec![];
        for id in &v.partners {
            if let Ok(o) = self.app.store.organisation(OrganisationId(*id)).await {
                partners.push((*id, o.data.name));
            }
        }
        let mut forms = v.forms.clone();
        forms.extend((0..BLANK_FORMS).map(|_| FormInput::default()));
        let mut objectives = v.objectives.clone();
        objectives.extend((0..BLANK_OBJECTIVES).map(|_| ObjectiveInput::default()));
        let mut new_partners = new_partners;
        new_partners.resize(BLANK_PARTNERS.max(new_partners.len()), String::new());
        let members = self
            .app
            .store
            .members(self.scope)
            .await?
            .into_iter()
            .map(|m| (m.user_id, m.name, v.holders.contains(&m.user_id)))
            .collect();
        let suggestions = super::organisation_suggestions(&self.app.store).await?;
        Ok(FormPage {
            c: Chrome::new(&self.app.store, self.s, Some(self.scope), heading.clone()).await?,
            action,
            cancel,
            heading,
            version,
            partners,
            new_partners,
            create_missing,
            forms,
            objectives,
            members,
            errors: Errors::from(errors),
            conflict,
            form_groups: Family::ALL
                .iter()
                .map(|f| {
                    (
                        f.label(lang).to_owned(),
                        f.forms()
                            .map(|x| (x.as_str().to_owned(), x.label(lang).to_owned()))
                            .collect(),
                    )
                })
                .collect(),
            statuses: options!(PartnershipStatus, lang),
            priorities: options!(Priority, lang),
            potentials: options!(Potential, lang),
            levels: Involvement::all()
                .map(|i| {
                    (
                        i.get().to_string(),
                        format!("{} — {}", i.get(), i.label(lang)),
                    )
                })
                .collect(),
            parties: options!(ObjectiveParty, lang),
            suggestions,
            v,
        })
    }
}

/// Reads the form's fields. Blank rows are skipped; partner boxes are resolved later.
fn read_form(form: &FormData) -> (PartnershipInput, Vec<String>) {
    let mut forms = vec![];
    let mut i = 0;
    while form.0.iter().any(|(k, _)| k == &format!("form_code_{i}")) {
        let code = form.get(&format!("form_code_{i}"));
        if !code.is_empty() {
            forms.push(FormInput {
                form: code.to_owned(),
                started_on: form.opt(&format!("form_start_{i}")),
                ended_on: form.opt(&format!("form_end_{i}")),
                note: form.get(&format!("form_note_{i}")).to_owned(),
            });
        }
        i += 1;
    }
    let mut objectives = vec![];
    let mut i = 0;
    while form
        .0
        .iter()
        .any(|(k, _)| k == &format!("objective_text_{i}"))
    {
        let text = form.get(&format!("objective_text_{i}"));
        if !text.is_empty() {
            objectives.push(ObjectiveInput {
                party: form.get(&format!("objective_party_{i}")).to_owned(),
                rank: form.get(&format!("objective_rank_{i}")).parse().ok(),
                text: text.to_owned(),
            });
        }
        i += 1;
    }
    let input = PartnershipInput {
        title: form.get("title").to_owned(),
        status: form.get("status").to_owned(),
        involvement: form.get("involvement").parse().ok(),
        priority: form.opt("priority"),
        potential: form.opt("potential"),
        means: form.get("means").to_owned(),
        governance: form.get("governance").to_owned(),
        notes: form.get("notes").to_owned(),
        partners: form
            .all("partner_id")
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect(),
        forms,
        objectives,
        holders: form
            .all("holder")
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect(),
        version: form.get("version").parse().ok(),
    };
    let new_partners = form
        .0
        .iter()
        .filter(|(k, _)| k.starts_with("partner_new_"))
        .map(|(_, v)| v.trim().to_owned())
        .collect();
    (input, new_partners)
}

/// Resolves what was typed in an "add a partner" box: a suggestion ("Name (#12)"), a
/// SIRET, or an exact name (accents and case aside). With `create_missing`, an unknown
/// name becomes a new organisation of the registry.
async fn resolve_partner(
    store: &Store,
    caller: &Caller,
    typed: &str,
    create_missing: bool,
) -> Result<OrganisationId, &'static str> {
    if let Some(id) = super::suggested_id(typed) {
        return store
            .organisation(OrganisationId(id))
            .await
            .map(|o| o.id)
            .map_err(|_| "unknown_partner");
    }
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 14 && digits.chars().all(|c| c.is_ascii_digit()) {
        let siret =
            partinnov_domain::identity::Siret::parse(&digits).map_err(|_| "siret_checksum")?;
        return match store.organisation_by_siret(&siret).await {
            Ok(Some(o)) => Ok(o.id),
            _ => Err("unknown_partner"),
        };
    }
    let found = store
        .organisations(&OrganisationQuery {
            q: Some(typed.to_owned()),
            per_page: 50,
            ..Default::default()
        })
        .await
        .map_err(|_| "unknown_partner")?;
    let exact: Vec<_> = found
        .items
        .iter()
        .filter(|o| fold(&o.data.name) == fold(typed))
        .collect();
    match exact.as_slice() {
        [one] => Ok(one.id),
        [] if create_missing => store
            .create_organisation(
                caller,
                &OrganisationDraft {
                    name: typed.to_owned(),
                    head_office: true,
                    ..Default::default()
                },
            )
            .await
            .map_err(|_| "unknown_partner"),
        [] => Err("unknown_partner"),
        _ => Err("ambiguous_partner"),
    }
}

/// Validates and resolves a submitted form into a draft, or the field errors.
async fn draft_from(
    app: &App,
    s: &Session,
    input: &mut PartnershipInput,
    new_partners: &[String],
    create_missing: bool,
) -> Result<PartnershipDraft, Vec<FieldError>> {
    let mut errors = vec![];
    for (i, typed) in new_partners
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
    {
        match resolve_partner(&app.store, &s.caller, typed, create_missing).await {
            Ok(id) if !input.partners.contains(&id.0) => input.partners.push(id.0),
            Ok(_) => {}
            Err(code) => errors.push(FieldError::new(&s.t, format!("partner_new_{i}"), code)),
        }
    }
    match input.to_draft(&s.t) {
        Ok(d) if errors.is_empty() => Ok(d),
        Ok(_) => Err(errors),
        Err(mut more) => {
            errors.append(&mut more);
            Err(errors)
        }
    }
}

async fn new_form(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let ctx = FormContext {
        app: &app,
        s: &s,
        scope: &scope,
    };
    let v = PartnershipInput {
        status: "actif".into(),
        holders: vec![s.caller.user_id.0],
        ..Default::default()
    };
    let page = ctx
        .page(
            format!("/espaces/{slug}/partenariats/nouveau"),
            format!("/espaces/{slug}/partenariats"),
            s.t.t("partnership.new").into(),
            v,
            0,
            vec![],
            false,
            &[],
            vec![],
        )
        .await?;
    Ok(render(&page))
}

async fn create(
    State(app): State<App>,
    Path(slug): Path<String>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    // Permission before validation: a reader gets 403 whatever they typed.
    scope.require_write()?;
    let (mut input, new_partners) = read_form(&form);
    let create_missing = form.checked("create_missing");
    let result = match draft_from(&app, &s, &mut input, &new_partners, create_missing).await {
        Ok(draft) => app
            .store
            .create_partnership(&scope, &draft)
            .await
            .map_err(|e| match WebError::from(e) {
                WebError::Invalid(errors) => Ok(errors),
                other => Err(other),
            }),
        Err(errors) => Err(Ok(errors)),
    };
    match result {
        Ok(saved) => {
            Ok(Redirect::to(&format!("/espaces/{slug}/partenariats/{}", saved.id)).into_response())
        }
        Err(Err(e)) => Err(e),
        Err(Ok(errors)) => {
            let ctx = FormContext {
                app: &app,
                s: &s,
                scope: &scope,
            };
            let page = ctx
                .page(
                    format!("/espaces/{slug}/partenariats/nouveau"),
                    format!("/espaces/{slug}/partenariats"),
                    s.t.t("partnership.new").into(),
                    input,
                    0,
                    new_partners,
                    create_missing,
                    &errors,
                    vec![],
                )
                .await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

async fn edit_form(
    State(app): State<App>,
    s: Session,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let p = app.store.partnership(&scope, PartnershipId(id)).await?;
    let ctx = FormContext {
        app: &app,
        s: &s,
        scope: &scope,
    };
    let base = format!("/espaces/{slug}/partenariats/{id}");
    let page = ctx
        .page(
            format!("{base}/modifier"),
            base,
            s.t.f("partnership.edit", &[("title", &p.data.title)]),
            PartnershipInput::from_draft(&p.data, p.version),
            p.version,
            vec![],
            false,
            &[],
            vec![],
        )
        .await?;
    Ok(render(&page))
}

/// The fields where the saved partnership and the person's draft differ, for the
/// concurrent-edit screen.
fn conflicts(
    t: &Tr,
    saved: &Partnership,
    mine: &PartnershipDraft,
    names: &dyn Fn(&[OrganisationId]) -> String,
) -> Vec<Conflict> {
    let theirs = &saved.data;
    let lang = t.lang;
    let mut out = vec![];
    let mut push = |key: &str, a: String, b: String| {
        if a != b {
            out.push(Conflict {
                field: t.t(key).to_owned(),
                theirs: a,
                mine: b,
            });
        }
    };
    push("field.title", theirs.title.clone(), mine.title.clone());
    push(
        "field.status",
        theirs.status.label(lang).into(),
        mine.status.label(lang).into(),
    );
    let inv = |i: Option<Involvement>| i.map(|i| i.label(lang).to_owned()).unwrap_or_default();
    push(
        "field.involvement",
        inv(theirs.involvement),
        inv(mine.involvement),
    );
    push(
        "field.priority",
        theirs
            .priority
            .map(|p| p.label(lang).to_owned())
            .unwrap_or_default(),
        mine.priority
            .map(|p| p.label(lang).to_owned())
            .unwrap_or_default(),
    );
    push(
        "field.potential",
        theirs
            .potential
            .map(|p| p.label(lang).to_owned())
            .unwrap_or_default(),
        mine.potential
            .map(|p| p.label(lang).to_owned())
            .unwrap_or_default(),
    );
    push("field.means", theirs.means.clone(), mine.means.clone());
    push(
        "field.governance",
        theirs.governance.clone(),
        mine.governance.clone(),
    );
    push("field.notes", theirs.notes.clone(), mine.notes.clone());
    push(
        "field.partners",
        names(&theirs.partners),
        names(&mine.partners),
    );
    let forms = |d: &PartnershipDraft| {
        d.forms
            .iter()
            .map(|f| f.form.label(lang))
            .collect::<Vec<_>>()
            .join(", ")
    };
    push("field.forms", forms(theirs), forms(mine));
    let objectives = |d: &PartnershipDraft| {
        d.objectives
            .iter()
            .map(|o| o.text.as_str())
            .collect::<Vec<_>>()
            .join(" ; ")
    };
    push("field.objectives", objectives(theirs), objectives(mine));
    out
}

async fn update(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    // Permission and existence before validation: 403 or 404, never a form.
    scope.require_write()?;
    app.store.partnership(&scope, PartnershipId(id)).await?;
    let (mut input, new_partners) = read_form(&form);
    let create_missing = form.checked("create_missing");
    let version = input.version.unwrap_or(0);
    let base = format!("/espaces/{slug}/partenariats/{id}");
    let ctx = FormContext {
        app: &app,
        s: &s,
        scope: &scope,
    };
    let heading = s.t.f("partnership.edit", &[("title", &input.title)]);
    let draft = match draft_from(&app, &s, &mut input, &new_partners, create_missing).await {
        Ok(d) => d,
        Err(errors) => {
            let page = ctx
                .page(
                    format!("{base}/modifier"),
                    base.clone(),
                    heading,
                    input,
                    version,
                    new_partners,
                    create_missing,
                    &errors,
                    vec![],
                )
                .await?;
            return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    match app
        .store
        .update_partnership(&scope, PartnershipId(id), version, &draft)
        .await
    {
        Ok(_) => Ok(Redirect::to(&base).into_response()),
        Err(StoreError::Conflict { current }) => {
            // Someone saved in between: show both values and let the person choose. The
            // form now carries the current version, so saving again keeps their values.
            let saved = app.store.partnership(&scope, PartnershipId(id)).await?;
            let mut names = std::collections::HashMap::new();
            for p in saved.partner_refs.iter() {
                names.insert(p.id, p.name.clone());
            }
            for pid in &draft.partners {
                if let std::collections::hash_map::Entry::Vacant(e) = names.entry(pid.0)
                    && let Ok(o) = app.store.organisation(*pid).await
                {
                    e.insert(o.data.name);
                }
            }
            let show = |ids: &[OrganisationId]| {
                ids.iter()
                    .map(|i| names.get(&i.0).cloned().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let diff = conflicts(&s.t, &saved, &draft, &show);
            tracing::info!(
                partnership = id,
                expected = version,
                current,
                "concurrent edit detected"
            );
            let page = ctx
                .page(
                    format!("{base}/modifier"),
                    base,
                    heading,
                    input,
                    current,
                    vec![],
                    false,
                    &[],
                    diff,
                )
                .await?;
            Ok(render_with(StatusCode::CONFLICT, &page))
        }
        Err(e) => match WebError::from(e) {
            WebError::Invalid(errors) => {
                let page = ctx
                    .page(
                        format!("{base}/modifier"),
                        base.clone(),
                        heading,
                        input,
                        version,
                        new_partners,
                        create_missing,
                        &errors,
                        vec![],
                    )
                    .await?;
                Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
            }
            other => Err(other),
        },
    }
}

async fn delete_interaction(
    State(app): State<App>,
    Path((slug, id, interaction)): Path<(String, i64, i64)>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    app.store
        .delete_interaction(&scope, partinnov_store::InteractionId(interaction))
        .await?;
    Ok(Redirect::to(&format!("/espaces/{slug}/partenariats/{id}#chronologie")).into_response())
}
