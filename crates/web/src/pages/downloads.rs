//! The "Télécharger" links of the lists and the dashboard: the same filters as the page
//! they sit on, every matching row (not only the page shown), in the format chosen.

use axum::{
    Router,
    extract::{Path, RawQuery, State},
    response::Response,
    routing::get,
};
use partinnov_store::Role;

use crate::{
    App,
    api::{Params, organisations_query, partnerships_query, period},
    auth::Session,
    error::{WebError, WebResult},
    exports::{self, Target},
};

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
    let params = Params::from_query(raw.as_deref());
    let target = Target::from_params(&params, &s.t, true)?;
    let query = organisations_query(&params, &s.t).map_err(WebError::Invalid)?;
    let items = exports::all_organisations(&app.store, &query).await?;
    exports::organisations_download(&s.t, &items, target)
}

async fn partnerships(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    let format = exports::table_format(&params, &s.t)?;
    let mut query = partnerships_query(&params, &s.t).map_err(WebError::Invalid)?;
    // The owners' bin is exportable too, as the list shows it to them.
    query.deleted = params.get("deleted") == Some("1") && scope.role == Role::Owner;
    let items = exports::all_partnerships(&app.store, &scope, &query).await?;
    exports::sheets_download(
        &[exports::partnerships_sheet(&s.t, &items)],
        format,
        &format!("partenariats-{slug}"),
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
    let format = exports::table_format(&params, &s.t)?;
    let items = app
        .store
        .contacts_up_to(&scope, None, params.get("q"), i64::MAX)
        .await?;
    exports::sheets_download(
        &[exports::contacts_sheet(&s.t, &items)],
        format,
        &format!("contacts-{slug}"),
    )
}

async fn dashboard(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    let format = exports::table_format(&params, &s.t)?;
    let (from, to) = period(&params, &s.t).map_err(WebError::Invalid)?;
    let d = app.store.dashboard(&scope, from, to).await?;
    exports::sheets_download(
        &exports::dashboard_sheets(&s.t, &d),
        format,
        &format!("tableau-de-bord-{slug}-{from}-{to}"),
    )
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
        let kept: Vec<&str> = raw
            .unwrap_or("")
            .split('&')
            .filter(|kv| {
                !kv.is_empty()
                    && !kv.starts_with("page=")
                    && !kv.starts_with("per_page=")
                    && !kv.starts_with("format=")
            })
            .collect();
        let mut base = format!("{path}?{}", kept.join("&"));
        if !kept.is_empty() {
            base.push('&');
        }
        Downloads { base, registry }
    }
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
