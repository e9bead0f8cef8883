//! Everything the cartography draws, in one scoped read: the workspaces shown, their live
//! partnerships with status, dormancy, creation day and dated forms, and the partner
//! organisations with their kinds and territory.
//!
//! Two scopes, both inside the SQL: one workspace the caller holds a role in, or every
//! workspace they hold a role in (the network view across structures). A workspace where the
//! caller has no role contributes nothing, not even to counts.

use chrono::{DateTime, NaiveDate, Utc};
use partinnov_domain::{kind::StructureKind, typology::PartnershipStatus};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::Serialize;

use crate::{
    Caller, Store, WorkspaceScope, db, error::Result, organisations::corrupt,
    partnerships::FormPeriod,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct CartoWorkspace {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CartoOrganisation {
    pub id: i64,
    pub name: String,
    pub kinds: Vec<StructureKind>,
    pub commune_code: Option<String>,
    pub commune_name: Option<String>,
    pub departement_code: Option<String>,
    pub region_code: Option<String>,
    /// NAF code (`62.01Z`), when known.
    pub naf: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CartoPartnership {
    pub id: i64,
    pub workspace_id: i64,
    pub title: String,
    pub status: PartnershipStatus,
    /// No interaction for the workspace's number of months, today (and not ended).
    pub dormant: bool,
    pub created_on: NaiveDate,
    /// Organisation ids, in the partnership's order.
    pub partners: Vec<i64>,
    /// Dated forms, earliest first (undated last).
    pub forms: Vec<FormPeriod>,
    /// Team members who hold the relationship, by name.
    pub holders: Vec<CartoHolder>,
    /// The status as recorded from the day it was set, oldest first, one entry per change,
    /// read from the audit trail (empty for partnerships loaded without it: `gen`, old
    /// imports).
    pub status_history: Vec<(NaiveDate, PartnershipStatus)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct CartoHolder {
    pub id: i64,
    pub name: String,
}

/// What a graph, a matrix or a map of the visible workspaces needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CartoData {
    /// Ordered by name, then id.
    pub workspaces: Vec<CartoWorkspace>,
    /// Partners of the partnerships below, by id.
    pub organisations: Vec<CartoOrganisation>,
    /// Live (not deleted) partnerships, by id.
    pub partnerships: Vec<CartoPartnership>,
}

/// Which workspaces: a workspace id column must satisfy this clause (placeholders from `$1`).
enum Reach<'a> {
    Workspace(&'a WorkspaceScope),
    Caller(&'a Caller),
}

impl Reach<'_> {
    /// A condition on `{col}` and its two values.
    fn clause(&self, col: &str) -> (String, Vec<Value>) {
        match self {
            Reach::Workspace(s) => (format!("{col} = $1"), vec![s.workspace_id.0.into()]),
            Reach::Caller(c) => (
                format!(
                    "{col} IN (SELECT m.workspace_id FROM memberships m WHERE m.user_id = $1 \
                     AND ($2 IS NULL OR m.workspace_id = $2))"
                ),
                vec![c.user_id.0.into(), c.only_workspace.map(|w| w.0).into()],
            ),
        }
    }
}

async fn load(c: &impl ConnectionTrait, reach: Reach<'_>) -> Result<CartoData> {
    let (ws_clause, vals) = reach.clause("w.id");
    let workspaces: Vec<CartoWorkspace> = db::all(
        c,
        &format!(
            "SELECT w.id, w.slug, w.name FROM workspaces w WHERE {ws_clause} ORDER BY w.name, w.id"
        ),
        vals,
    )
    .await?;

    let (p_clause, vals) = reach.clause("p.workspace_id");
    #[derive(FromQueryResult)]
    struct P {
        id: i64,
        workspace_id: i64,
        title: String,
        status: String,
        dormant_on: NaiveDate,
        created_at: DateTime<Utc>,
    }
    let rows: Vec<P> = db::all(
        c,
        &format!(
            "SELECT p.id, p.workspace_id, p.title, p.status, p.dormant_on, p.created_at FROM partnerships p \
             WHERE p.deleted_at IS NULL AND {p_clause} ORDER BY p.id"
        ),
        vals.clone(),
    )
    .await?;

    #[derive(FromQueryResult)]
    struct Pp {
        partnership_id: i64,
        organisation_id: i64,
    }
    let links: Vec<Pp> = db::all(
        c,
        &format!(
            "SELECT pp.partnership_id, pp.organisation_id FROM partnership_partners pp \
             JOIN partnerships p ON p.id = pp.partnership_id \
             WHERE p.deleted_at IS NULL AND {p_clause} ORDER BY pp.partnership_id, pp.position, pp.organisation_id"
        ),
        vals.clone(),
    )
    .await?;

    #[derive(FromQueryResult)]
    struct F {
        partnership_id: i64,
        form: String,
        started_on: Option<NaiveDate>,
        ended_on: Option<NaiveDate>,
        note: String,
    }
    // Undated forms last on both backends: SQLite sorts NULL first, PostgreSQL last.
    let forms: Vec<F> = db::all(
        c,
        &format!(
            "SELECT pf.partnership_id, pf.form, pf.started_on, pf.ended_on, pf.note FROM partnership_forms pf \
             JOIN partnerships p ON p.id = pf.partnership_id \
             WHERE p.deleted_at IS NULL AND {p_clause} \
             ORDER BY pf.partnership_id, pf.started_on IS NULL, pf.started_on, pf.id"
        ),
        vals.clone(),
    )
    .await?;

    #[derive(FromQueryResult)]
    struct H {
        partnership_id: i64,
        id: i64,
        name: String,
    }
    let holders: Vec<H> = db::all(
        c,
        &format!(
            "SELECT h.partnership_id, u.id, u.name FROM partnership_holders h JOIN users u ON u.id = h.user_id \
             JOIN partnerships p ON p.id = h.partnership_id \
             WHERE p.deleted_at IS NULL AND {p_clause} ORDER BY h.partnership_id, u.name, u.id"
        ),
        vals.clone(),
    )
    .await?;

    // The status history, from the audit trail of each partnership (creation and updates).
    #[derive(FromQueryResult)]
    struct A {
        partnership_id: i64,
        after_json: String,
        at: DateTime<Utc>,
    }
    let audits: Vec<A> = db::all(
        c,
        &format!(
            "SELECT a.entity_id AS partnership_id, a.after_json, a.at FROM audit_events a \
             JOIN partnerships p ON p.id = a.entity_id \
             WHERE a.entity = 'partnership' AND a.after_json IS NOT NULL \
             AND p.deleted_at IS NULL AND {p_clause} ORDER BY a.entity_id, a.id"
        ),
        vals.clone(),
    )
    .await?;

    #[derive(FromQueryResult)]
    struct O {
        id: i64,
        name: String,
        commune_code: Option<String>,
        commune_name: Option<String>,
        departement_code: Option<String>,
        region_code: Option<String>,
        naf: Option<String>,
    }
    let partners_of_reach = format!(
        "SELECT pp.organisation_id FROM partnership_partners pp JOIN partnerships p ON p.id = pp.partnership_id \
         WHERE p.deleted_at IS NULL AND {p_clause}"
    );
    let orgs: Vec<O> = db::all(
        c,
        &format!(
            "SELECT o.id, o.name, o.commune_code, o.commune_name, o.departement_code, o.region_code, o.naf \
             FROM organisations o WHERE o.id IN ({partners_of_reach}) ORDER BY o.id"
        ),
        vals.clone(),
    )
    .await?;
    #[derive(FromQueryResult)]
    struct K {
        organisation_id: i64,
        kind: String,
    }
    let kinds: Vec<K> = db::all(
        c,
        &format!(
            "SELECT k.organisation_id, k.kind FROM organisation_kinds k \
             WHERE k.organisation_id IN ({partners_of_reach}) ORDER BY k.organisation_id, k.kind"
        ),
        vals,
    )
    .await?;

    let today = crate::partnerships::today();
    let mut organisations = Vec::with_capacity(orgs.len());
    let mut ki = kinds.iter().peekable();
    for o in orgs {
        let mut ks = Vec::new();
        while let Some(k) = ki.next_if(|k| k.organisation_id <= o.id) {
            if k.organisation_id == o.id {
                // A kind this version does not know is skipped, not fatal: the picture
                // still draws the partner (as "other").
                if let Ok(kind) = k.kind.parse::<StructureKind>() {
                    ks.push(kind);
                }
            }
        }
        ks.sort();
        organisations.push(CartoOrganisation {
            id: o.id,
            name: o.name,
            kinds: ks,
            commune_code: o.commune_code,
            commune_name: o.commune_name,
            departement_code: o.departement_code,
            region_code: o.region_code,
            naf: o.naf,
        });
    }

    let mut li = links.iter().peekable();
    let mut fi = forms.iter().peekable();
    let mut hi = holders.iter().peekable();
    let mut ai = audits.iter().peekable();
    let mut partnerships = Vec::with_capacity(rows.len());
    for r in rows {
        let status: PartnershipStatus = r.status.parse().map_err(|_| corrupt("status"))?;
        let mut partners = Vec::new();
        while let Some(l) = li.next_if(|l| l.partnership_id <= r.id) {
            if l.partnership_id == r.id {
                partners.push(l.organisation_id);
            }
        }
        let mut fs = Vec::new();
        while let Some(f) = fi.next_if(|f| f.partnership_id <= r.id) {
            if f.partnership_id == r.id {
                fs.push(FormPeriod {
                    form: f.form.parse().map_err(|_| corrupt("form"))?,
                    started_on: f.started_on,
                    ended_on: f.ended_on,
                    note: f.note.clone(),
                });
            }
        }
        let mut hs = Vec::new();
        while let Some(h) = hi.next_if(|h| h.partnership_id <= r.id) {
            if h.partnership_id == r.id {
                hs.push(CartoHolder {
                    id: h.id,
                    name: h.name.clone(),
                });
            }
        }
        let mut history: Vec<(NaiveDate, PartnershipStatus)> = Vec::new();
        while let Some(a) = ai.next_if(|a| a.partnership_id <= r.id) {
            if a.partnership_id != r.id {
                continue;
            }
            // An entry this version cannot read is skipped: the history is a help for past
            // days, never a reason to refuse the picture.
            let Some(status) = serde_json::from_str::<serde_json::Value>(&a.after_json)
                .ok()
                .and_then(|v| v.get("status")?.as_str()?.parse::<PartnershipStatus>().ok())
            else {
                continue;
            };
            let day = a.at.date_naive();
            match history.last_mut() {
                Some((_, last)) if *last == status => {}
                // Several changes on one day: the last one stands for that day.
                Some((d, last)) if *d == day => *last = status,
                _ => history.push((day, status)),
            }
        }
        partnerships.push(CartoPartnership {
            id: r.id,
            workspace_id: r.workspace_id,
            title: r.title,
            status,
            dormant: status != PartnershipStatus::Termine && r.dormant_on <= today,
            created_on: r.created_at.date_naive(),
            partners,
            forms: fs,
            holders: hs,
            status_history: history,
        });
    }
    Ok(CartoData {
        workspaces,
        organisations,
        partnerships,
    })
}

impl Store {
    /// The cartography data of one workspace (the scope proves the caller's role).
    pub async fn carto(&self, scope: &WorkspaceScope) -> Result<CartoData> {
        load(&self.db, Reach::Workspace(scope)).await
    }

    /// The cartography data of every workspace the caller holds a role in (restricted to one
    /// when their token is).
    pub async fn carto_visible(&self, caller: &Caller) -> Result<CartoData> {
        load(&self.db, Reach::Caller(caller)).await
    }
}
