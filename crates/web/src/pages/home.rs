//! The list of the person's workspaces and each workspace's home page.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use partinnov_domain::typology::{Family, PartnershipStatus};
use partinnov_store::StoreError;

use crate::{
    App,
    auth::Session,
    error::WebResult,
    pages::{Chrome, render},
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/", get(index))
        .route("/espaces/{slug}", get(workspace_home))
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    c: Chrome,
    /// href, name, role label: the team's workspaces, then those where the person is a
    /// guest
    workspaces: Vec<(String, String, String)>,
    is_admin: bool,
}

async fn index(State(app): State<App>, s: Session) -> WebResult<Response> {
    let list = app.store.workspaces(&s.caller).await?;
    let guest_of = app.store.guest_spaces(&s.caller).await?;
    let mut workspaces: Vec<(String, String, String)> = list
        .into_iter()
        .map(|w| {
            (
                format!("/espaces/{}", w.slug),
                w.name,
                s.t.t(&format!("role.{}", w.role)).to_owned(),
            )
        })
        .collect();
    workspaces.extend(guest_of.into_iter().map(|g| {
        (
            super::guests::home_of_space(&g.slug, &g.role),
            g.name,
            super::guests::role_label(&s.t, &g.role, g.organisation_name.as_deref()),
        )
    }));
    if workspaces.len() == 1 && !s.caller.is_admin {
        return Ok(Redirect::to(&workspaces[0].0).into_response());
    }
    let c = Chrome::new(&app.store, &s, None, s.t.t("home.title")).await?;
    Ok(render(&IndexPage {
        c,
        workspaces,
        is_admin: s.caller.is_admin,
    }))
}

pub struct Line {
    pub label: String,
    pub count: String,
    pub href: String,
}

pub struct PartnershipLine {
    pub href: String,
    pub title: String,
    pub partners: String,
    pub last: String,
}

pub struct InteractionLine {
    pub date: String,
    pub kind: String,
    pub title: String,
    pub href: String,
    pub note: String,
}

/// An action of the strategy's plan past its due day.
pub struct LateLine {
    pub title: String,
    pub href: String,
    pub due: String,
    pub owner: String,
    pub partnership: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "workspace_home.html")]
struct WorkspaceHome {
    late: Vec<LateLine>,
    c: Chrome,
    total: String,
    by_status: Vec<Line>,
    by_family: Vec<Line>,
    dormant_total: String,
    dormant_href: String,
    dormant: Vec<PartnershipLine>,
    recent: Vec<InteractionLine>,
    dormant_months: i32,
}

async fn workspace_home(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
) -> WebResult<Response> {
    let scope = match app.store.scope(&s.caller, &slug).await {
        Ok(scope) => scope,
        // A guest's visit starts on its own page.
        Err(StoreError::NotFound { .. }) => {
            let g = app.store.guest_scope(&s.caller, &slug).await?;
            return Ok(Redirect::to(&super::guests::home_of(&g)).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let sum = app.store.home_summary(&scope).await?;
    let t = s.t;
    let base = format!("/espaces/{slug}/partenariats");
    let count_of = |list: &[partinnov_store::people::CountBy], code: &str| {
        list.iter().find(|c| c.code == code).map_or(0, |c| c.count)
    };
    let by_status = PartnershipStatus::ALL
        .iter()
        .map(|st| Line {
            label: st.label(t.lang).to_owned(),
            count: t.int(&count_of(&sum.by_status, st.as_str())),
            href: format!("{base}?status={}", st.as_str()),
        })
        .collect();
    let by_family = Family::ALL
        .iter()
        .map(|f| Line {
            label: f.label(t.lang).to_owned(),
            count: t.int(&count_of(&sum.by_family, f.as_str())),
            href: format!("{base}?family={}", f.as_str()),
        })
        .collect();
    let dormant = sum
        .dormant
        .iter()
        .map(|p| PartnershipLine {
            href: format!("{base}/{}", p.id),
            title: p.data.title.clone(),
            partners: p
                .partner_refs
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            last: p.last_interaction_on.map_or_else(
                || t.t("partnership.no_interaction").to_owned(),
                |d| t.date(&d),
            ),
        })
        .collect();
    let recent = sum
        .recent
        .iter()
        .map(|i| InteractionLine {
            date: t.date(&i.data.occurred_on),
            kind: i.data.kind.label(t.lang).to_owned(),
            title: i.partnership_title.clone(),
            href: format!("{base}/{}", i.partnership_id),
            note: i.data.note.chars().take(140).collect(),
        })
        .collect();
    let late = app
        .store
        .late_actions(&scope)
        .await?
        .into_iter()
        .map(|a| LateLine {
            href: format!("/espaces/{slug}/strategie#action-{}", a.id),
            due: t.opt_date(&a.data.due_on),
            owner: a.owner_name.unwrap_or_default(),
            partnership: a
                .data
                .partnership_id
                .zip(a.partnership_title)
                .map(|(id, title)| (format!("{base}/{id}"), title)),
            title: a.data.title,
        })
        .collect();
    let c = Chrome::new(&app.store, &s, Some(&scope), scope.name.clone()).await?;
    Ok(render(&WorkspaceHome {
        late,
        c,
        total: t.int(&sum.total),
        by_status,
        by_family,
        dormant_total: t.int(&sum.dormant_total),
        dormant_href: format!("{base}?dormant=true&sort=activity"),
        dormant,
        recent,
        dormant_months: scope.dormant_months,
    }))
}
