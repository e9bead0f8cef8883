//! The workspace dashboard for a period: people accompanied through partners, outcomes by
//! kind, exits by official category with the durable-exit rate, staff-lending hours,
//! flows by kind and year, and a warning when the structure depends on few partners.
//! Each chart is an SVG drawn here, with the same figures in a table beside it.

use askama::Template;
use axum::response::{IntoResponse, Redirect};
use axum::{
    Router,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::Response,
    routing::get,
};
use partinnov_domain::{
    event::OutcomeKind,
    flow::{ACI_CAPS_PCT, CommercialLevel, FlowKind},
    outcome::ExitCategory,
};
use partinnov_store::StoreError;

use crate::{
    App,
    api::{Params, period},
    auth::{CsrfForm, Session},
    error::{FieldError, WebResult},
    forms::parse_euros,
    i18n::Tr,
    pages::{Chrome, Errors, partnerships::euros, render, render_with},
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/espaces/{slug}/tableau-de-bord", get(show))
        .route(
            "/espaces/{slug}/tableau-de-bord/charges",
            axum::routing::post(save_costs),
        )
}

/// One bar of a chart: label, value as shown, value for the length.
pub struct Bar {
    pub label: String,
    pub shown: String,
    pub value: i64,
}

/// Horizontal bars as SVG; text is escaped, the longest bar takes the full width.
fn bars_svg(title: &str, bars: &[Bar], colour: &str) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let row = 28;
    let height = row * bars.len().max(1) + 8;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 {height}" width="560" height="{height}" role="img" aria-label="{}" font-family="system-ui, sans-serif" font-size="13">"#,
        esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 4 + i * row;
        let w = (b.value.max(0) * 300 / max).max(if b.value > 0 { 2 } else { 0 });
        svg.push_str(&format!(
            r##"<text x="190" y="{}" text-anchor="end" fill="#1b1f24">{}</text><rect x="200" y="{}" width="{w}" height="18" fill="{colour}"/><text x="{}" y="{}" fill="#1b1f24">{}</text>"##,
            y + 14,
            esc(&b.label),
            y + 1,
            206 + w,
            y + 14,
            esc(&b.shown)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    dl: super::downloads::Downloads,
    from: String,
    to: String,
    people: String,
    durable_rate: String,
    lending_hours: String,
    immersion_days: String,
    outcomes: Vec<Bar>,
    outcomes_svg: String,
    exits: Vec<Bar>,
    exits_svg: String,
    flows: Vec<(String, String, String)>,
    partners: Vec<Bar>,
    partners_svg: String,
    warning: String,
    errors: Errors,
    /// The workspace's structure is an ACI: the commercial ceiling section shows.
    aci: bool,
    /// For an EITI, the hours as full-time equivalents ("2,00"); empty otherwise.
    fte: String,
    commercial: Vec<CommercialLine>,
    /// Owners enter the costs of commercial activities here.
    is_owner: bool,
    costs: CostsForm,
    cap_options: Vec<(String, String)>,
}

/// One year of the ACI ceiling table, formatted.
pub struct CommercialLine {
    pub year: String,
    pub receipts: String,
    pub costs: String,
    pub ratio: String,
    pub cap: String,
    /// `within`, `approaching`, `above`, or empty when no costs were entered.
    pub level: String,
    pub message: String,
}

/// The costs form as typed, kept when it is refused.
#[derive(Default, Clone)]
pub struct CostsForm {
    pub year: String,
    pub costs: String,
    pub cap_pct: String,
}

pub(crate) fn percent(t: &Tr, permille: u32) -> String {
    let value = t.fixed(i64::from(permille), 1);
    match t.lang {
        partinnov_domain::lang::Lang::Fr => format!("{value}\u{202f}%"),
        partinnov_domain::lang::Lang::En => format!("{value}%"),
    }
}

async fn show(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    dashboard_page(
        &app,
        &s,
        &slug,
        raw.as_deref(),
        CostsForm::default(),
        vec![],
    )
    .await
}

/// Records a year's costs of commercial activities and authorised rate (ACI owners), then
/// shows that year's dashboard; a refused entry comes back with its messages.
async fn save_costs(
    State(app): State<App>,
    Path(slug): Path<String>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_owner()?;
    let typed = CostsForm {
        year: form.get("year").trim().to_owned(),
        costs: form.get("costs").trim().to_owned(),
        cap_pct: form.get("cap_pct").trim().to_owned(),
    };
    let mut errors = vec![];
    let year = typed.year.parse::<i32>().ok();
    if year.is_none() {
        errors.push(FieldError::new(&s.t, "year", "invalid_number"));
    }
    let costs = match parse_euros(&typed.costs) {
        Ok(c) => Some(c),
        Err(code) => {
            errors.push(FieldError::new(&s.t, "costs", code));
            None
        }
    };
    let cap = typed.cap_pct.parse::<i32>().unwrap_or(0);
    if let (Some(year), Some(costs_cents), true) = (year, costs, errors.is_empty()) {
        let entry = partinnov_store::flows::CommercialCosts {
            year,
            costs_cents,
            cap_pct: cap,
        };
        match app.store.set_commercial_costs(&scope, &entry).await {
            Ok(()) => {
                return Ok(Redirect::to(&format!(
                    "/espaces/{slug}/tableau-de-bord?from={year}-01-01&to={year}-12-31#recettes"
                ))
                .into_response());
            }
            Err(StoreError::Invalid { field, code }) => {
                errors.push(FieldError::new(&s.t, field, code));
            }
            Err(e) => return Err(e.into()),
        }
    }
    // Shown again on the year that was being entered, when it is one.
    let period = year
        .filter(|y| (1990..=2100).contains(y))
        .map(|y| format!("from={y}-01-01&to={y}-12-31"));
    dashboard_page(&app, &s, &slug, period.as_deref(), typed, errors).await
}

async fn dashboard_page(
    app: &App,
    s: &Session,
    slug: &str,
    raw: Option<&str>,
    costs_form: CostsForm,
    cost_errors: Vec<FieldError>,
) -> WebResult<Response> {
    let t = s.t;
    let scope = app.store.scope(&s.caller, slug).await?;
    let params = Params::from_query(raw);
    let (range, mut errors) = match period(&params, &t) {
        Ok(r) => (r, vec![]),
        Err(e) => (
            period(&Params(Default::default()), &t).unwrap_or_default(),
            e,
        ),
    };
    let d = app.store.dashboard(&scope, range.0, range.1).await?;
    let count = |list: &[partinnov_store::people::CountBy], code: &str| {
        list.iter().find(|c| c.code == code).map_or(0, |c| c.count)
    };
    let outcomes: Vec<Bar> = OutcomeKind::ALL
        .iter()
        .map(|k| {
            let n = count(&d.outcomes_by_kind, k.as_str());
            Bar {
                label: k.label(t.lang).to_owned(),
                shown: t.int(&n),
                value: n,
            }
        })
        .collect();
    let exits: Vec<Bar> = ExitCategory::ALL
        .iter()
        .map(|k| {
            let n = count(&d.exits_by_category, k.as_str());
            Bar {
                label: k.label(t.lang).to_owned(),
                shown: t.int(&n),
                value: n,
            }
        })
        .collect();
    let partners: Vec<Bar> = d
        .revenue_by_partner
        .iter()
        .take(10)
        .map(|(name, cents)| Bar {
            label: name.chars().take(28).collect(),
            shown: euros(&t, *cents),
            value: *cents,
        })
        .collect();
    let warning = match d.concentration {
        Some(c) if c.is_risky() => t.f(
            "dashboard.concentration_warning",
            &[
                ("top1", &percent(&t, c.top1_permille)),
                ("top3", &percent(&t, c.top3_permille)),
            ],
        ),
        _ => String::new(),
    };
    let commercial = d
        .commercial
        .iter()
        .map(|y| commercial_line(&t, y))
        .collect();
    let costs = CostsForm {
        year: if costs_form.year.is_empty() {
            range.1.format("%Y").to_string()
        } else {
            costs_form.year
        },
        cap_pct: if costs_form.cap_pct.is_empty() {
            "30".into()
        } else {
            costs_form.cap_pct
        },
        costs: costs_form.costs,
    };
    let refused = !cost_errors.is_empty();
    errors.extend(cost_errors);
    let page = DashboardPage {
        fte: d.fte_hundredths.map(|h| t.fixed(h, 2)).unwrap_or_default(),
        aci: d.aci,
        commercial,
        is_owner: scope.role == partinnov_store::Role::Owner && !scope.read_only,
        costs,
        cap_options: ACI_CAPS_PCT
            .iter()
            .map(|p| {
                (
                    p.to_string(),
                    t.f("dashboard.cap_option", &[("pct", &p.to_string())]),
                )
            })
            .collect(),
        dl: super::downloads::Downloads::new(
            &format!("/espaces/{slug}/tableau-de-bord/export"),
            Some(&format!("from={}&to={}", range.0, range.1)),
            false,
        ),
        c: Chrome::new(&app.store, s, Some(&scope), t.t("dashboard.title")).await?,
        from: range.0.to_string(),
        to: range.1.to_string(),
        people: t.int(&d.people),
        durable_rate: d
            .durable_rate_permille
            .map(|p| percent(&t, p))
            .unwrap_or_else(|| "—".into()),
        lending_hours: t.int(&d.lending_hours),
        immersion_days: t.int(&d.immersion_days),
        outcomes_svg: bars_svg(t.t("dashboard.outcomes"), &outcomes, "#0072b2"),
        outcomes,
        exits_svg: bars_svg(t.t("dashboard.exits"), &exits, "#009e73"),
        exits,
        flows: d
            .flows
            .iter()
            .map(|f| {
                (
                    f.year.to_string(),
                    f.kind
                        .parse::<FlowKind>()
                        .map_or(f.kind.clone(), |k| k.label(t.lang).to_owned()),
                    euros(&t, f.cents),
                )
            })
            .collect(),
        partners_svg: bars_svg(t.t("dashboard.revenue_by_partner"), &partners, "#e69f00"),
        partners,
        warning,
        errors: Errors::from(&errors),
    };
    Ok(if errors.is_empty() && !refused {
        render(&page)
    } else {
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
    })
}

fn commercial_line(t: &Tr, y: &partinnov_store::flows::CommercialYear) -> CommercialLine {
    let pct = |permille: u32| percent(t, permille);
    let (level, message) = match &y.check {
        None => (String::new(), t.t("dashboard.costs_missing").to_owned()),
        Some(c) => {
            let key = match c.level {
                CommercialLevel::Within => "within",
                CommercialLevel::Approaching => "approaching",
                CommercialLevel::Above => "above",
            };
            (
                key.to_owned(),
                t.f(
                    &format!("dashboard.commercial_{key}"),
                    &[
                        ("ratio", &pct(c.ratio_permille)),
                        ("cap", &pct(c.cap_permille)),
                        ("year", &y.year.to_string()),
                    ],
                ),
            )
        }
    };
    CommercialLine {
        year: y.year.to_string(),
        receipts: euros(t, y.receipts_cents),
        costs: y
            .costs_cents
            .map(|c| euros(t, c))
            .unwrap_or_else(|| "—".into()),
        ratio: y
            .check
            .map(|c| pct(c.ratio_permille))
            .unwrap_or_else(|| "—".into()),
        cap: y
            .cap_pct
            .map(|c| format!("{c}\u{202f}%"))
            .unwrap_or_else(|| "—".into()),
        level,
        message,
    }
}
