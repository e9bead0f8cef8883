//! Registry pages: search, detail with history, create and edit (each error beside its
//! field, the SIRET checked, the commune chosen from the official geographic code).

use askama::Template;
use axum::{
    Router,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use partinnov_domain::kind::StructureKind;
use partinnov_interop::{geo, naf};
use partinnov_store::{
    OrganisationId, StoreError,
    organisations::{Organisation, OrganisationQuery},
};

use crate::{
    App,
    api::{HistoryEntry, Params},
    auth::{CsrfForm, FormData, Session},
    error::{FieldError, WebError, WebResult},
    forms::{FiguresInput, OrganisationInput, parse_euros},
    i18n::Tr,
    options,
    pages::{Chrome, Errors, render, render_with},
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/organisations", get(list))
        .route("/organisations/nouvelle", get(new_form).post(create))
        .route("/organisations/{id}", get(show))
        .route("/organisations/{id}/modifier", get(edit_form).post(update))
}

pub struct OrgRow {
    pub href: String,
    pub name: String,
    pub siret: String,
    pub kinds: String,
    pub commune: String,
}

fn kinds_label(t: &Tr, o: &Organisation) -> String {
    o.data
        .kinds
        .iter()
        .map(|k| k.label(t.lang))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Template)]
#[template(path = "organisation_list.html")]
struct ListPage {
    c: Chrome,
    dl: super::downloads::Downloads,
    q: String,
    kind: String,
    departement: String,
    kinds: Vec<(String, String)>,
    rows: Vec<OrgRow>,
    total: String,
    prev: String,
    next: String,
    can_edit: bool,
}

async fn list(State(app): State<App>, s: Session, RawQuery(raw): RawQuery) -> WebResult<Response> {
    app.store.require_registry_reader(&s.caller).await?;
    let t = s.t;
    let p = Params::from_query(raw.as_deref());
    let page: u32 = p
        .get("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let q = OrganisationQuery {
        q: p.get("q").map(str::to_owned),
        kind: p.get("kind").and_then(|k| k.parse().ok()),
        departement: p.get("departement").map(str::to_owned),
        page,
        per_page: 50,
    };
    let found = app.store.organisations(&q).await?;
    let keep = format!(
        "q={}&kind={}&departement={}",
        serde_urlencoded::to_string([("", p.get("q").unwrap_or(""))])
            .unwrap_or_default()
            .trim_start_matches('='),
        p.get("kind").unwrap_or(""),
        p.get("departement").unwrap_or("")
    );
    let rows = found
        .items
        .iter()
        .map(|o| OrgRow {
            href: format!("/organisations/{}", o.id),
            name: o.data.name.clone(),
            siret: o
                .data
                .siret
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            kinds: kinds_label(&t, o),
            commune: o
                .data
                .territory
                .as_ref()
                .map(|t| format!("{} ({})", t.commune_name, t.departement_code))
                .unwrap_or_default(),
        })
        .collect();
    let c = Chrome::new(&app.store, &s, None, t.t("organisation.list_title")).await?;
    Ok(render(&ListPage {
        dl: super::downloads::Downloads::new("/organisations/export", raw.as_deref(), true),
        q: p.get("q").unwrap_or("").to_owned(),
        kind: p.get("kind").unwrap_or("").to_owned(),
        departement: p.get("departement").unwrap_or("").to_owned(),
        kinds: options!(StructureKind, t.lang),
        rows,
        total: t.int(&found.total),
        prev: if page > 1 {
            format!("?{keep}&page={}", page - 1)
        } else {
            String::new()
        },
        next: if i64::from(page) * 50 < found.total {
            format!("?{keep}&page={}", page + 1)
        } else {
            String::new()
        },
        can_edit: app.store.can_edit_registry(&s.caller).await?,
        c,
    }))
}

#[derive(Template)]
#[template(path = "organisation_show.html")]
struct ShowPage {
    c: Chrome,
    o: Organisation,
    kinds: String,
    naf: String,
    territory: Vec<(String, String)>,
    figures: Vec<(String, String, String, String)>,
    history: Vec<(String, Vec<String>)>,
    can_edit: bool,
}

async fn show(State(app): State<App>, s: Session, Path(id): Path<i64>) -> WebResult<Response> {
    app.store.require_registry_reader(&s.caller).await?;
    let t = s.t;
    let o = app.store.organisation(OrganisationId(id)).await?;
    let history = app.store.organisation_history(OrganisationId(id)).await?;
    let territory = o
        .data
        .territory
        .as_ref()
        .map(|te| {
            let mut v = vec![(
                t.t("field.commune").to_owned(),
                format!("{} ({})", te.commune_name, te.commune_code),
            )];
            if let Some(e) = te.epci_code.as_deref().and_then(geo::epci) {
                v.push((t.t("field.epci").to_owned(), e.name.to_owned()));
            }
            if let Some(d) = geo::departement(&te.departement_code) {
                v.push((
                    t.t("field.departement").to_owned(),
                    format!("{} ({})", d.name, d.code),
                ));
            }
            if let Some(r) = geo::region(&te.region_code) {
                v.push((t.t("field.region").to_owned(), r.name.to_owned()));
            }
            v
        })
        .unwrap_or_default();
    let eur = |c: Option<i64>| {
        c.map(|c| format!("{} €", t.int(&(c / 100))))
            .unwrap_or_default()
    };
    let num = |n: Option<i32>| n.map(|n| t.int(&i64::from(n))).unwrap_or_default();
    let page = ShowPage {
        kinds: kinds_label(&t, &o),
        naf: o
            .data
            .naf
            .as_deref()
            .map(|code| format!("{code} — {}", naf::label(code).unwrap_or("")))
            .unwrap_or_default(),
        territory,
        figures: o
            .data
            .figures
            .iter()
            .map(|f| {
                (
                    f.year.to_string(),
                    num(f.staff),
                    num(f.insertion_staff),
                    eur(f.turnover_cents),
                )
            })
            .collect(),
        history: history
            .into_iter()
            .rev()
            .map(|e| (t.datetime(&e.at), HistoryEntry::from_event(e, &t).changes))
            .collect(),
        can_edit: app.store.can_edit_registry(&s.caller).await?,
        c: Chrome::new(&app.store, &s, None, o.data.name.clone()).await?,
        o,
    };
    Ok(render(&page))
}

/// Rows of key figures offered in the form (existing years, then blank rows).
const BLANK_FIGURES: usize = 2;

pub struct FigureRow {
    pub year: String,
    pub staff: String,
    pub insertion_staff: String,
    pub turnover: String,
}

#[derive(Template)]
#[template(path = "organisation_form.html")]
struct FormPage {
    c: Chrome,
    action: String,
    cancel: String,
    heading: String,
    v: OrganisationInput,
    version: i64,
    kinds: Vec<(String, String, bool)>,
    figures: Vec<FigureRow>,
    errors: Errors,
    conflict: bool,
}

impl FormPage {
    fn opt<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

fn read_form(
    form: &FormData,
    errors: &mut Vec<FieldError>,
    t: &Tr,
) -> (OrganisationInput, Vec<FigureRow>) {
    let mut figures = vec![];
    let mut rows = vec![];
    let mut i = 0;
    while form.0.iter().any(|(k, _)| k == &format!("fig_year_{i}")) {
        let row = FigureRow {
            year: form.get(&format!("fig_year_{i}")).to_owned(),
            staff: form.get(&format!("fig_staff_{i}")).to_owned(),
            insertion_staff: form.get(&format!("fig_insertion_{i}")).to_owned(),
            turnover: form.get(&format!("fig_turnover_{i}")).to_owned(),
        };
        if !row.year.is_empty() {
            let mut int = |v: &str, field: &str| -> Option<i32> {
                if v.is_empty() {
                    return None;
                }
                let cleaned: String = v
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
                    .collect();
                match cleaned.parse() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        errors.push(FieldError::new(
                            t,
                            format!("figures[{i}].{field}"),
                            "invalid_number",
                        ));
                        None
                    }
                }
            };
            let year = int(&row.year, "year").unwrap_or(0);
            let staff = int(&row.staff, "staff");
            let insertion_staff = int(&row.insertion_staff, "insertion_staff");
            let turnover_cents = if row.turnover.is_empty() {
                None
            } else {
                match parse_euros(&row.turnover) {
                    Ok(c) => Some(c),
                    Err(code) => {
                        errors.push(FieldError::new(
                            t,
                            format!("figures[{i}].turnover_cents"),
                            code,
                        ));
                        None
                    }
                }
            };
            figures.push(FiguresInput {
                year,
                staff,
                insertion_staff,
                turnover_cents,
            });
        }
        rows.push(row);
        i += 1;
    }
    let input = OrganisationInput {
        name: form.get("name").to_owned(),
        siret: form.opt("siret"),
        siren: form.opt("siren"),
        kinds: form.all("kind").into_iter().map(str::to_owned).collect(),
        legal_form: form.opt("legal_form"),
        ess: form.checked("ess"),
        naf: form.opt("naf"),
        address: form.opt("address"),
        postcode: form.opt("postcode"),
        commune_code: form.opt("commune_code"),
        head_office: form.checked("head_office"),
        website: form.opt("website"),
        figures,
        version: form.get("version").parse().ok(),
    };
    (input, rows)
}

fn figure_rows(t: &Tr, v: &OrganisationInput) -> Vec<FigureRow> {
    let mut rows: Vec<FigureRow> = v
        .figures
        .iter()
        .map(|f| FigureRow {
            year: f.year.to_string(),
            staff: f.staff.map(|n| n.to_string()).unwrap_or_default(),
            insertion_staff: f.insertion_staff.map(|n| n.to_string()).unwrap_or_default(),
            turnover: f
                .turnover_cents
                .map(|c| {
                    if c % 100 == 0 {
                        (c / 100).to_string()
                    } else {
                        format!("{},{:02}", c / 100, c % 100)
                    }
                })
                .unwrap_or_default(),
        })
        .collect();
    let _ = t;
    rows.extend((0..BLANK_FIGURES).map(|_| FigureRow {
        year: String::new(),
        staff: String::new(),
        insertion_staff: String::new(),
        turnover: String::new(),
    }));
    rows
}

#[allow(clippy::too_many_arguments)]
async fn page(
    app: &App,
    s: &Session,
    action: String,
    cancel: String,
    heading: String,
    v: OrganisationInput,
    figures: Vec<FigureRow>,
    version: i64,
    errors: &[FieldError],
    conflict: bool,
) -> WebResult<FormPage> {
    let lang = s.t.lang;
    Ok(FormPage {
        c: Chrome::new(&app.store, s, None, heading.clone()).await?,
        action,
        cancel,
        heading,
        kinds: StructureKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_owned(),
                    k.label(lang).to_owned(),
                    v.kinds.iter().any(|x| x == k.as_str()),
                )
            })
            .collect(),
        figures,
        version,
        errors: Errors::from(errors),
        conflict,
        v,
    })
}

async fn new_form(State(app): State<App>, s: Session) -> WebResult<Response> {
    app.store.require_registry_reader(&s.caller).await?;
    if !app.store.can_edit_registry(&s.caller).await? {
        return Err(WebError::Forbidden);
    }
    let v = OrganisationInput {
        head_office: true,
        ..Default::default()
    };
    let figures = figure_rows(&s.t, &v);
    let p = page(
        &app,
        &s,
        "/organisations/nouvelle".into(),
        "/organisations".into(),
        s.t.t("organisation.new").into(),
        v,
        figures,
        0,
        &[],
        false,
    )
    .await?;
    Ok(render(&p))
}

async fn create(
    State(app): State<App>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    app.store.require_registry_reader(&s.caller).await?;
    let mut errors = vec![];
    let (input, rows) = read_form(&form, &mut errors, &s.t);
    let outcome = match input.to_draft(&s.t) {
        Ok(d) if errors.is_empty() => app
            .store
            .create_organisation(&s.caller, &d)
            .await
            .map_err(WebError::from),
        Ok(_) => Err(WebError::Invalid(errors)),
        Err(mut more) => {
            errors.append(&mut more);
            Err(WebError::Invalid(errors))
        }
    };
    match outcome {
        Ok(id) => Ok(Redirect::to(&format!("/organisations/{id}")).into_response()),
        Err(WebError::Invalid(errors)) => {
            let p = page(
                &app,
                &s,
                "/organisations/nouvelle".into(),
                "/organisations".into(),
                s.t.t("organisation.new").into(),
                input,
                rows,
                0,
                &errors,
                false,
            )
            .await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(e) => Err(e),
    }
}

async fn edit_form(State(app): State<App>, s: Session, Path(id): Path<i64>) -> WebResult<Response> {
    app.store.require_registry_reader(&s.caller).await?;
    if !app.store.can_edit_registry(&s.caller).await? {
        return Err(WebError::Forbidden);
    }
    let o = app.store.organisation(OrganisationId(id)).await?;
    let v = OrganisationInput::from_draft(&o.data, o.version);
    let figures = figure_rows(&s.t, &v);
    let p = page(
        &app,
        &s,
        format!("/organisations/{id}/modifier"),
        format!("/organisations/{id}"),
        s.t.f("organisation.edit", &[("name", &o.data.name)]),
        v,
        figures,
        o.version,
        &[],
        false,
    )
    .await?;
    Ok(render(&p))
}

async fn update(
    State(app): State<App>,
    Path(id): Path<i64>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    app.store.require_registry_reader(&s.caller).await?;
    let mut errors = vec![];
    let (input, rows) = read_form(&form, &mut errors, &s.t);
    let version = input.version.unwrap_or(0);
    let heading = s.t.f("organisation.edit", &[("name", &input.name)]);
    let outcome = match input.to_draft(&s.t) {
        Ok(d) if errors.is_empty() => {
            app.store
                .update_organisation(&s.caller, OrganisationId(id), version, &d)
                .await
        }
        Ok(_) => Err(StoreError::Invalid {
            field: "form",
            code: "invalid",
        }),
        Err(mut more) => {
            errors.append(&mut more);
            Err(StoreError::Invalid {
                field: "form",
                code: "invalid",
            })
        }
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/organisations/{id}")).into_response()),
        Err(StoreError::Conflict { current }) => {
            let p = page(
                &app,
                &s,
                format!("/organisations/{id}/modifier"),
                format!("/organisations/{id}"),
                heading,
                input,
                rows,
                current,
                &[],
                true,
            )
            .await?;
            Ok(render_with(StatusCode::CONFLICT, &p))
        }
        Err(e) => {
            if errors.is_empty() {
                match WebError::from(e) {
                    WebError::Invalid(list) => errors = list,
                    other => return Err(other),
                }
            }
            let p = page(
                &app,
                &s,
                format!("/organisations/{id}/modifier"),
                format!("/organisations/{id}"),
                heading,
                input,
                rows,
                version,
                &errors,
                false,
            )
            .await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
    }
}
