//! The pages of a workspace's guests.
//!
//! An invited partner lands on `/espaces/{slug}/partage`: the partnerships its
//! organisation is a party to, each with what the two sides share, the conversation with
//! the team and the evaluations, where it adds its own measurements. An observer lands on
//! `/espaces/{slug}/chiffres`: counts and totals, no name. Every route enters through
//! [`Store::guest_scope`](partinnov_store::Store::guest_scope), so a member of the team or
//! a stranger gets "not found" here, as a guest does on the team's pages.

use askama::Template;
use axum::{
    Router,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use partinnov_domain::{
    event::OutcomeKind,
    outcome::ExitCategory,
    typology::{Family, PartnershipStatus},
};
use partinnov_store::{
    EvaluationId, IndicatorId, PartnershipId, StoreError,
    guests::{Aggregates, Comment, GuestRole, GuestScope, SharedPartnership},
    people::CountBy,
};

use crate::{
    App,
    api::{Params, period},
    auth::{CsrfForm, Session},
    error::{FieldError, WebError, WebResult},
    i18n::Tr,
    pages::{
        Chrome, Errors,
        dashboard::percent,
        evaluation::{Back, EvaluationView, Typed, measurement_draft, view},
        partnerships::euros,
        render, render_with,
    },
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/espaces/{slug}/partage", get(list))
        .route("/espaces/{slug}/partage/{id}", get(show))
        .route("/espaces/{slug}/partage/{id}/commentaires", post(comment))
        .route(
            "/espaces/{slug}/partage/evaluations/{eid}",
            get(show_evaluation),
        )
        .route(
            "/espaces/{slug}/partage/evaluations/{eid}/indicateurs/{iid}/mesures",
            post(add_measurement),
        )
        .route(
            "/espaces/{slug}/partage/evaluations/{eid}/reponses",
            post(save_answers),
        )
        .route(
            "/espaces/{slug}/partage/evaluations/{eid}/rapport",
            get(report),
        )
        .route("/espaces/{slug}/chiffres", get(figures))
}

/// Where a guest's visit to a workspace starts.
pub fn home_of(g: &GuestScope) -> String {
    home_of_space(&g.slug, g.role.as_str())
}

/// The same for a workspace listed on the home page.
pub fn home_of_space(slug: &str, role: &str) -> String {
    match role.parse::<GuestRole>() {
        Ok(GuestRole::Partner) => format!("/espaces/{slug}/partage"),
        _ => format!("/espaces/{slug}/chiffres"),
    }
}

/// A role as people read it, with the organisation an invited partner represents:
/// "partenaire invité (Fondation Horizon)". For members, guests and invitations alike.
pub fn role_label(t: &Tr, role: &str, organisation: Option<&str>) -> String {
    let label = t.t(&format!("role.{role}"));
    match organisation {
        Some(org) => format!("{label} ({org})"),
        None => label.to_owned(),
    }
}

/// One partnership shared with the partner, formatted.
pub struct SharedView {
    pub href: String,
    pub title: String,
    pub status: String,
    pub partners: String,
    pub forms: Vec<(String, String)>,
    pub objectives: Vec<(String, String)>,
    pub means: String,
    pub governance: String,
    pub holders: String,
    pub updated: String,
}

fn shared_view(t: &Tr, slug: &str, p: &SharedPartnership) -> SharedView {
    SharedView {
        href: format!("/espaces/{slug}/partage/{}", p.id),
        title: p.title.clone(),
        status: p.status.label(t.lang).to_owned(),
        partners: p
            .partners
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        forms: p
            .forms
            .iter()
            .map(|f| {
                let span = match (f.started_on, f.ended_on) {
                    (Some(a), Some(b)) => format!("{} → {}", t.date(&a), t.date(&b)),
                    (Some(a), None) => t.f("guest.since", &[("date", &t.date(&a))]),
                    (None, Some(b)) => t.f("guest.until", &[("date", &t.date(&b))]),
                    (None, None) => String::new(),
                };
                (f.form.label(t.lang).to_owned(), span)
            })
            .collect(),
        objectives: p
            .objectives
            .iter()
            .map(|o| (o.party.label(t.lang).to_owned(), o.text.clone()))
            .collect(),
        means: p.means.clone(),
        governance: p.governance.clone(),
        holders: p
            .holders
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        updated: t.datetime(&p.updated_at),
    }
}

/// One message of a conversation, formatted.
pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub side: String,
    pub from_partner: bool,
    pub when: String,
    pub body: String,
}

pub fn comment_views(t: &Tr, list: &[Comment]) -> Vec<CommentView> {
    list.iter()
        .map(|c| CommentView {
            id: c.id,
            author: c.author_name.clone().unwrap_or_default(),
            side: t
                .t(if c.from_partner {
                    "comments.partner"
                } else {
                    "comments.team"
                })
                .to_owned(),
            from_partner: c.from_partner,
            when: t.datetime(&c.created_at),
            body: c.body.clone(),
        })
        .collect()
}

async fn guest(app: &App, s: &Session, slug: &str) -> WebResult<GuestScope> {
    Ok(app.store.guest_scope(&s.caller, slug).await?)
}

#[derive(Template)]
#[template(path = "guest_list.html")]
struct ListPage {
    c: Chrome,
    organisation: String,
    items: Vec<SharedView>,
}

async fn list(State(app): State<App>, s: Session, Path(slug): Path<String>) -> WebResult<Response> {
    let g = guest(&app, &s, &slug).await?;
    if g.role == GuestRole::Observer {
        return Ok(Redirect::to(&home_of(&g)).into_response());
    }
    let items = app
        .store
        .shared_partnerships(&g)
        .await?
        .iter()
        .map(|p| shared_view(&s.t, &slug, p))
        .collect();
    Ok(render(&ListPage {
        c: Chrome::for_guest(&app.store, &s, &g, s.t.t("guest.title")).await?,
        organisation: g.organisation_name.clone().unwrap_or_default(),
        items,
    }))
}

#[derive(Template)]
#[template(path = "guest_partnership.html")]
struct ShowPage {
    c: Chrome,
    p: SharedView,
    id: i64,
    can_write: bool,
    comments: Vec<CommentView>,
    /// (href, title, status, started)
    evaluations: Vec<(String, String, String, String)>,
    body: String,
    errors: Errors,
}

async fn show_page(
    app: &App,
    s: &Session,
    g: &GuestScope,
    id: i64,
    body: String,
    errors: &[FieldError],
) -> WebResult<ShowPage> {
    let t = s.t;
    let p = app.store.shared_partnership(g, PartnershipId(id)).await?;
    let comments = app.store.shared_comments(g, PartnershipId(id)).await?;
    let evaluations = app
        .store
        .shared_evaluations(g, PartnershipId(id))
        .await?
        .into_iter()
        .map(|e| {
            (
                format!("/espaces/{}/partage/evaluations/{}", g.slug, e.id),
                e.title,
                e.status.label(t.lang).to_owned(),
                t.date(&e.started_on),
            )
        })
        .collect();
    Ok(ShowPage {
        c: Chrome::for_guest(&app.store, s, g, p.title.clone()).await?,
        p: shared_view(&t, &g.slug, &p),
        id,
        can_write: !g.read_only,
        comments: comment_views(&t, &comments),
        evaluations,
        body,
        errors: Errors::from(errors),
    })
}

async fn show(
    State(app): State<App>,
    s: Session,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult<Response> {
    let g = guest(&app, &s, &slug).await?;
    let page = show_page(&app, &s, &g, id, String::new(), &[]).await?;
    Ok(render(&page))
}

/// The partner writes to the team; an empty or too long message comes back with its
/// message beside the field.
async fn comment(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let g = guest(&app, &s, &slug).await?;
    let body = form.get("body").to_owned();
    match app
        .store
        .add_shared_comment(&g, PartnershipId(id), &body)
        .await
    {
        Ok(c) => Ok(Redirect::to(&format!(
            "/espaces/{slug}/partage/{id}#commentaire-{}",
            c.id
        ))
        .into_response()),
        Err(StoreError::Invalid { field, code }) => {
            let errors = [FieldError::new(&s.t, field, code)];
            let page = show_page(&app, &s, &g, id, body, &errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "guest_evaluation.html")]
struct EvaluationPage {
    c: Chrome,
    e: EvaluationView,
    /// Why the answers were sent back: another save came first.
    answers_error: String,
    partnership: (String, String),
    can_write: bool,
    /// Indicators computed from the team's data take no hand entry.
    manual: Vec<i64>,
}

impl EvaluationPage {
    fn is_manual(&self, id: &i64) -> bool {
        self.manual.contains(id)
    }
}

async fn evaluation_page(
    app: &App,
    s: &Session,
    g: &GuestScope,
    eid: i64,
    back: Back,
) -> WebResult<EvaluationPage> {
    let e = app.store.shared_evaluation(g, EvaluationId(eid)).await?;
    let p = app.store.shared_partnership(g, e.partnership_id).await?;
    let base = format!("/espaces/{}/partage/evaluations/{eid}", g.slug);
    let mut v = view(&s.t, &base, &e, &back);
    v.url = base;
    let manual = e
        .criteria
        .iter()
        .flat_map(|c| c.indicators.iter())
        .filter(|i| i.data.source.is_none())
        .map(|i| i.id.0)
        .collect();
    Ok(EvaluationPage {
        c: Chrome::for_guest(&app.store, s, g, e.data.title.clone()).await?,
        e: v,
        answers_error: String::new(),
        partnership: (format!("/espaces/{}/partage/{}", g.slug, p.id), p.title),
        can_write: !g.read_only,
        manual,
    })
}

async fn show_evaluation(
    State(app): State<App>,
    s: Session,
    Path((slug, eid)): Path<(String, i64)>,
) -> WebResult<Response> {
    let g = guest(&app, &s, &slug).await?;
    let page = evaluation_page(&app, &s, &g, eid, Back::default()).await?;
    Ok(render(&page))
}

/// The partner's own measurement of an indicator, marked as filled by the partner.
async fn add_measurement(
    State(app): State<App>,
    Path((slug, eid, iid)): Path<(String, i64, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let g = guest(&app, &s, &slug).await?;
    let e = app.store.shared_evaluation(&g, EvaluationId(eid)).await?;
    let kind = e
        .indicator(IndicatorId(iid))
        .map(|(_, i)| i.data.kind)
        .ok_or(WebError::NotFound)?;
    let result = match measurement_draft(
        &s.t,
        kind,
        form.get("measured_on"),
        form.get("value"),
        form.get("note"),
    ) {
        Ok(d) => app
            .store
            .partner_measurement(&g, IndicatorId(iid), &d)
            .await
            .map_err(WebError::from),
        Err(errors) => Err(WebError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/espaces/{slug}/partage/evaluations/{eid}#indicateur-{iid}"
        ))
        .into_response()),
        Err(WebError::Invalid(errors)) => {
            let back = Back::measure(
                iid,
                Typed::from(&form, &["measured_on", "value", "note"], &errors),
            );
            let page = evaluation_page(&app, &s, &g, eid, back).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e),
    }
}

/// The partner's own answers to the guiding questions. If the team or another person of
/// the partner saved in between, nothing is saved: the page comes back with what was typed
/// and says so.
async fn save_answers(
    State(app): State<App>,
    Path((slug, eid)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let g = guest(&app, &s, &slug).await?;
    let e = app.store.shared_evaluation(&g, EvaluationId(eid)).await?;
    let version: i64 = form.get("version").parse().unwrap_or(0);
    let codes: Vec<String> = partinnov_domain::evaluation::Step::ALL
        .iter()
        .flat_map(|st| e.template.questions(*st))
        .map(|q| q.code.clone())
        .collect();
    let answers = codes
        .iter()
        .map(|code| (code.clone(), form.get(&format!("q_{code}")).to_owned()))
        .collect();
    match app
        .store
        .partner_answers(&g, EvaluationId(eid), version, &answers)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/espaces/{slug}/partage/evaluations/{eid}#reponses"
        ))
        .into_response()),
        Err(StoreError::Conflict { .. }) => {
            let keys: Vec<String> = codes.iter().map(|c| format!("q_{c}")).collect();
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let back = Back::partner(Typed::from(&form, &keys, &[]));
            let mut page = evaluation_page(&app, &s, &g, eid, back).await?;
            page.answers_error = s.t.error("answers_changed_meanwhile");
            Ok(render_with(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// The evaluation report, as the team downloads it.
async fn report(
    State(app): State<App>,
    s: Session,
    Path((slug, eid)): Path<(String, i64)>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let g = guest(&app, &s, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    let format = crate::documents::format(params.get("format"), &s.t)?;
    Ok(
        crate::documents::shared_evaluation_file(&app.store, &g, EvaluationId(eid), format, s.t)
            .await?
            .into_response(),
    )
}

/// A label and a formatted count.
pub struct Figure {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "aggregates.html")]
struct FiguresPage {
    c: Chrome,
    from: String,
    to: String,
    errors: Errors,
    headline: Vec<Figure>,
    by_status: Vec<Figure>,
    by_family: Vec<Figure>,
    outcomes: Vec<Figure>,
    exits: Vec<Figure>,
    flows: Vec<(String, String, String)>,
}

/// Counts and totals of the workspace, no name: the observer's page. A member of the
/// team sees the same page (it is what the observer sees).
async fn figures(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let t = s.t;
    let params = Params::from_query(raw.as_deref());
    let (range, errors) = match period(&params, &t) {
        Ok(r) => (r, vec![]),
        Err(e) => (
            period(&Params(Default::default()), &t).unwrap_or_default(),
            e,
        ),
    };
    let (a, c) = match app.store.scope(&s.caller, &slug).await {
        Ok(scope) => (
            app.store.team_aggregates(&scope, range.0, range.1).await?,
            Chrome::new(&app.store, &s, Some(&scope), t.t("figures.title")).await?,
        ),
        Err(StoreError::NotFound { .. }) => {
            let g = guest(&app, &s, &slug).await?;
            if g.role != GuestRole::Observer {
                return Err(WebError::NotFound);
            }
            (
                app.store.aggregates(&g, range.0, range.1).await?,
                Chrome::for_guest(&app.store, &s, &g, t.t("figures.title")).await?,
            )
        }
        Err(e) => return Err(e.into()),
    };
    let page = figures_page(c, &t, &a, range, &errors);
    Ok(if errors.is_empty() {
        render(&page)
    } else {
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
    })
}

fn figures_page(
    c: Chrome,
    t: &Tr,
    a: &Aggregates,
    range: (chrono::NaiveDate, chrono::NaiveDate),
    errors: &[FieldError],
) -> FiguresPage {
    let count =
        |list: &[CountBy], code: &str| list.iter().find(|c| c.code == code).map_or(0, |c| c.count);
    let d = &a.dashboard;
    FiguresPage {
        from: range.0.to_string(),
        to: range.1.to_string(),
        errors: Errors::from(errors),
        headline: vec![
            Figure {
                label: t.t("figures.partnerships").into(),
                value: t.int(&a.partnerships),
            },
            Figure {
                label: t.t("figures.partner_organisations").into(),
                value: t.int(&a.partner_organisations),
            },
            Figure {
                label: t.t("dashboard.people").into(),
                value: t.int(&d.people),
            },
            Figure {
                label: t.t("dashboard.durable_rate").into(),
                value: d
                    .durable_rate_permille
                    .map(|p| percent(t, p))
                    .unwrap_or_else(|| "—".into()),
            },
            Figure {
                label: t.t("dashboard.lending_hours").into(),
                value: t.int(&d.lending_hours),
            },
            Figure {
                label: t.t("dashboard.immersion_days").into(),
                value: t.int(&d.immersion_days),
            },
        ],
        by_status: PartnershipStatus::ALL
            .iter()
            .map(|st| Figure {
                label: st.label(t.lang).into(),
                value: t.int(&count(&a.partnerships_by_status, st.as_str())),
            })
            .collect(),
        by_family: Family::ALL
            .iter()
            .map(|f| Figure {
                label: f.label(t.lang).into(),
                value: t.int(&count(&a.partnerships_by_family, f.as_str())),
            })
            .collect(),
        outcomes: OutcomeKind::ALL
            .iter()
            .map(|k| Figure {
                label: k.label(t.lang).into(),
                value: t.int(&count(&d.outcomes_by_kind, k.as_str())),
            })
            .collect(),
        exits: ExitCategory::ALL
            .iter()
            .map(|k| Figure {
                label: k.label(t.lang).into(),
                value: t.int(&count(&d.exits_by_category, k.as_str())),
            })
            .collect(),
        flows: d
            .flows
            .iter()
            .map(|f| {
                (
                    f.year.to_string(),
                    f.kind
                        .parse::<partinnov_domain::flow::FlowKind>()
                        .map_or_else(|_| f.kind.clone(), |k| k.label(t.lang).to_owned()),
                    euros(t, f.cents),
                )
            })
            .collect(),
        c,
    }
}
