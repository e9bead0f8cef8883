//! The "Télécharger" links of the lists and the dashboard: the same filters as the page
//! they sit on, every matching row (not only the page shown), in the format chosen.

use axum::{
    Router,
    extract::{Path, RawQuery, State},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{App, api::Params, auth::Session, error::WebResult, exports};

pub fn router() -> Router<App> {
    Router::new()
        .route("/organisations/export", get(organisations))
        .route("/espaces/{slug}/partenariats/export", get(partnerships))
        .route("/espaces/{slug}/contacts/export", get(contacts))
        .route("/espaces/{slug}/tableau-de-bord/export", get(dashboard))
}

async fn organisations(
    State(app): State<App>,
    s: Session,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    app.store.require_registry_reader(&s.caller).await?;
    let params = Params::from_query(raw.as_deref());
    Ok(exports::organisations_export(&app.store, &params, &s.t)
        .await?
        .into_response())
}

async fn partnerships(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    Ok(
        exports::partnerships_export(&app.store, &scope, &params, &s.t)
            .await?
            .into_response(),
    )
}

async fn contacts(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    Ok(exports::contacts_export(&app.store, &scope, &params, &s.t)
        .await?
        .into_response())
}

async fn dashboard(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    Ok(exports::dashboard_export(&app.store, &scope, &params, &s.t)
        .await?
        .into_response())
}

/// The "Télécharger" links of a page: the export route with the page's own filters.
pub struct Downloads {
    /// Ends with `?` or `&`, ready for `format=…`.
    pub base: String,
    /// Offers the data·inclusion formats (the registry only).
    pub registry: bool,
}

impl Downloads {
    /// `path` with the page's query string, minus paging and any previous format.
    pub fn new(path: &str, raw: Option<&str>, registry: bool) -> Self {
        let kept = query_prefix(raw, &["page", "per_page", "format"]);
        Downloads {
            base: format!("{path}?{kept}"),
            registry,
        }
    }
}

/// The page's query string without the parameters named in `drop`, ending with `&` when
/// anything is left, so that one more `name=value` can follow.
pub fn query_prefix(raw: Option<&str>, drop: &[&str]) -> String {
    let mut out = String::new();
    for pair in raw.unwrap_or("").split('&') {
        let name = pair.split('=').next().unwrap_or("");
        if !pair.is_empty() && !drop.contains(&name) {
            out.push_str(pair);
            out.push('&');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Downloads;

    #[test]
    fn download_links_keep_filters_but_not_paging() {
        let d = Downloads::new("/x/export", Some("family=mecenat&page=3&format=csv"), false);
        assert_eq!(d.base, "/x/export?family=mecenat&");
        assert_eq!(Downloads::new("/x/export", None, true).base, "/x/export?");
    }
}
