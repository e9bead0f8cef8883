//! `/reseau/chiffres`: the outcomes and flows of every workspace the person belongs to,
//! one line each with their total, for a period. The store reads only the caller's
//! workspaces.

use askama::Template;
use axum::{
    Router,
    extract::{RawQuery, State},
    http::StatusCode,
    response::Response,
    routing::get,
};
use partinnov_store::network::NetworkLine;

use crate::{
    App,
    api::{Params, period},
    auth::Session,
    error::WebResult,
    i18n::Tr,
    pages::{Chrome, Errors, dashboard::percent, partnerships::euros, render, render_with},
};

pub fn router() -> Router<App> {
    Router::new().route("/reseau/chiffres", get(show))
}

/// One line of the table, formatted.
pub struct Row {
    pub href: String,
    pub name: String,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "network_figures.html")]
struct NetworkPage {
    c: Chrome,
    from: String,
    to: String,
    errors: Errors,
    rows: Vec<Row>,
    total: Vec<String>,
}

fn cells(t: &Tr, l: &NetworkLine) -> Vec<String> {
    vec![
        t.int(&l.partnerships),
        t.int(&l.people),
        t.int(&l.outcomes),
        t.int(&l.exits),
        t.int(&l.durable_exits),
        l.durable_rate_permille
            .map_or_else(|| "—".to_owned(), |p| percent(t, p)),
        t.int(&l.lending_hours),
        t.int(&l.immersion_days),
        euros(t, l.flows_cents),
    ]
}

async fn show(State(app): State<App>, s: Session, RawQuery(raw): RawQuery) -> WebResult<Response> {
    let t = s.t;
    let params = Params::from_query(raw.as_deref());
    let (range, errors) = match period(&params, &t) {
        Ok(r) => (r, vec![]),
        Err(e) => (
            period(&Params(Default::default()), &t).unwrap_or_default(),
            e,
        ),
    };
    let figures = app
        .store
        .network_figures(&s.caller, range.0, range.1)
        .await?;
    let page = NetworkPage {
        c: Chrome::new(&app.store, &s, None, t.t("network.title")).await?,
        from: range.0.to_string(),
        to: range.1.to_string(),
        errors: Errors::from(&errors[..]),
        rows: figures
            .lines
            .iter()
            .map(|l| Row {
                href: format!(
                    "/espaces/{}/tableau-de-bord?from={}&to={}",
                    l.slug, range.0, range.1
                ),
                name: l.name.clone(),
                cells: cells(&t, l),
            })
            .collect(),
        total: cells(&t, &figures.total),
    };
    Ok(if errors.is_empty() {
        render(&page)
    } else {
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
    })
}
