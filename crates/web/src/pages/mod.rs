//! HTML pages. Each page is an askama struct carrying a [`Chrome`] (the layout: language,
//! user, CSRF token, workspace switcher) and view data already formatted for display, so
//! templates hold no logic beyond loops and conditions.

mod account;
mod admin;
mod auth;
mod carto;
mod contacts;
pub(crate) mod dashboard;
pub(crate) mod documents;
pub(crate) mod downloads;
pub(crate) mod evaluation;
mod guests;
pub mod history;
mod home;
mod imports;
mod invitations;
mod network;
mod organisations;
pub(crate) mod partnerships;
mod settings;
mod strategy;

use std::collections::HashMap;

use askama::Template;
use axum::{
    Router,
    response::{Html, IntoResponse, Response},
};
use partinnov_store::{Store, WorkspaceScope};

use crate::{
    App,
    auth::Session,
    error::{FieldError, WebError, WebResult},
    i18n::Tr,
};

pub fn router() -> Router<App> {
    Router::new()
        .merge(auth::router())
        .merge(home::router())
        .merge(partnerships::router())
        .merge(organisations::router())
        .merge(contacts::router())
        .merge(settings::router())
        .merge(invitations::router())
        .merge(account::router())
        .merge(admin::router())
        .merge(dashboard::router())
        .merge(downloads::router())
        .merge(documents::router())
        .merge(imports::router())
        .merge(carto::router())
        .merge(network::router())
        .merge(strategy::router())
        .merge(evaluation::router())
        .merge(guests::router())
}

/// What the layout needs on every page.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub t: Tr,
    pub user: String,
    pub csrf: String,
    pub workspaces: Vec<(String, String)>,
    /// Slug and name of the workspace the page belongs to.
    pub current: Option<(String, String)>,
    pub can_write: bool,
    /// A platform administrator (the navigation shows "Administration").
    pub is_admin: bool,
    /// The `<title>` of the page.
    pub title: String,
    /// On a guest's pages (invited partner, observer): the workspace's slug, the guest's
    /// home in it and the workspace's name, shown instead of the team's menu.
    pub guest: Option<(String, String, String)>,
}

impl Chrome {
    pub async fn new(
        store: &Store,
        s: &Session,
        scope: Option<&WorkspaceScope>,
        title: impl Into<String>,
    ) -> WebResult<Self> {
        let workspaces = store
            .workspaces(&s.caller)
            .await?
            .into_iter()
            .map(|w| (w.slug, w.name))
            .collect();
        Ok(Self {
            t: s.t,
            user: s.caller.name.clone(),
            csrf: s.csrf.clone(),
            workspaces,
            current: scope.map(|sc| (sc.slug.clone(), sc.name.clone())),
            can_write: scope.is_some_and(WorkspaceScope::can_write),
            is_admin: s.caller.require_admin().is_ok(),
            title: title.into(),
            guest: None,
        })
    }

    /// The layout of a guest's page: no team menu, a link back to the guest's home.
    pub async fn for_guest(
        store: &Store,
        s: &Session,
        g: &partinnov_store::guests::GuestScope,
        title: impl Into<String>,
    ) -> WebResult<Self> {
        let mut c = Self::new(store, s, None, title).await?;
        c.guest = Some((g.slug.clone(), guests::home_of(g), g.name.clone()));
        Ok(c)
    }

    pub fn slug(&self) -> &str {
        self.current.as_ref().map_or("", |c| c.0.as_str())
    }

    /// The workspace of the page, for a member or a guest.
    pub fn slug_or_guest(&self) -> &str {
        match &self.guest {
            Some((slug, _, _)) => slug,
            None => self.slug(),
        }
    }

    pub fn is_current(&self, slug: &str) -> bool {
        self.current.as_ref().is_some_and(|c| c.0 == slug)
    }
}

/// Field errors keyed by field name, for showing each message beside its field.
#[derive(Debug, Clone, Default)]
pub struct Errors(pub HashMap<String, String>);

impl Errors {
    pub fn from(list: &[FieldError]) -> Self {
        let mut map = HashMap::new();
        for e in list {
            map.entry(e.field.clone())
                .or_insert_with(|| e.message.clone());
        }
        Self(map)
    }

    pub fn get(&self, field: &str) -> &str {
        self.0.get(field).map_or("", String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// For rows: `at("forms", i, "form")` is the error of `forms[i].form`, and
    /// `at("partner_new_", i, "")` the error of `partner_new_i`.
    pub fn at(&self, list: &str, i: impl std::fmt::Display, field: &str) -> &str {
        self.get(&Self::key(list, i, field))
    }

    pub fn has_at(&self, list: &str, i: impl std::fmt::Display, field: &str) -> bool {
        self.has(&Self::key(list, i, field))
    }

    fn key(list: &str, i: impl std::fmt::Display, field: &str) -> String {
        if field.is_empty() {
            format!("{list}{i}")
        } else {
            format!("{list}[{i}].{field}")
        }
    }

    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// Every message, for the summary at the top of a form.
    pub fn all(&self) -> Vec<(String, String)> {
        let mut v: Vec<_> = self.0.iter().map(|(k, m)| (k.clone(), m.clone())).collect();
        v.sort();
        v
    }
}

/// Renders a page, turning a template failure into a logged internal error.
pub fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => WebError::Internal(Box::new(e)).into_response(),
    }
}

/// A page with a status other than 200 (a form re-rendered with its errors is 422).
pub fn render_with(status: axum::http::StatusCode, page: &impl Template) -> Response {
    let mut r = render(page);
    if r.status().is_success() {
        *r.status_mut() = status;
    }
    r
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: Tr,
    pub title: &'static str,
    pub detail: String,
}

/// Organisations of the registry as the `<datalist>` suggestions show them: "Name (#id)".
/// [`suggested_id`] reads the id back from what the person chose.
pub async fn organisation_suggestions(store: &Store) -> WebResult<Vec<String>> {
    let page = store
        .organisations(&partinnov_store::organisations::OrganisationQuery {
            per_page: 300,
            ..Default::default()
        })
        .await?;
    Ok(page
        .items
        .into_iter()
        .map(|o| format!("{} (#{})", o.data.name, o.id))
        .collect())
}

/// The id in a suggestion "Name (#id)", if the text is one.
pub fn suggested_id(typed: &str) -> Option<i64> {
    typed
        .rsplit_once("(#")
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .and_then(|n| n.parse().ok())
}

/// `(code, label)` pairs of a coded enum, for `<select>` options.
#[macro_export]
macro_rules! options {
    ($t:ty, $lang:expr) => {
        <$t>::ALL
            .iter()
            .map(|v| (v.as_str().to_owned(), v.label($lang).to_owned()))
            .collect::<Vec<(String, String)>>()
    };
}
