//! The inventory the suggestion rules read, gathered inside the workspace's scope: live
//! partnerships with their partners (main one first), forms, flows by kind and year,
//! outcome counts by kind, and whether the structure prescribes PMSMP.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use partinnov_domain::{
    kind::StructureKind,
    strategy::suggestions::{
        FlowFacts, FormFacts, Inventory, OutcomeCount, PartnerFacts, PartnershipFacts, Thresholds,
        prescribes_pmsmp,
    },
    typology::PartnershipStatus,
};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{WorkspaceScope, db, error::Result, organisations::corrupt};

pub(super) async fn inventory(
    c: &impl ConnectionTrait,
    scope: &WorkspaceScope,
    day: NaiveDate,
) -> Result<Inventory> {
    #[derive(FromQueryResult)]
    struct P {
        id: i64,
        title: String,
        status: String,
        priority: Option<String>,
        created_at: DateTime<Utc>,
        last_interaction_on: Option<NaiveDate>,
        dormant_on: NaiveDate,
    }
    #[derive(FromQueryResult)]
    struct Partner {
        partnership_id: i64,
        id: i64,
        name: String,
    }
    #[derive(FromQueryResult)]
    struct F {
        partnership_id: i64,
        form: String,
        started_on: Option<NaiveDate>,
        ended_on: Option<NaiveDate>,
    }
    #[derive(FromQueryResult)]
    struct Flow {
        partnership_id: i64,
        kind: String,
        year: i32,
        cents: i64,
    }
    #[derive(FromQueryResult)]
    struct O {
        partnership_id: i64,
        kind: String,
        n: i64,
    }
    #[derive(FromQueryResult)]
    struct Kind {
        kind: String,
    }
    let ws = || vec![scope.workspace_id.0.into()];
    let live = "p.workspace_id = $1 AND p.deleted_at IS NULL";
    let rows: Vec<P> = db::all(
        c,
        &format!(
            "SELECT p.id, p.title, p.status, p.priority, p.created_at, p.last_interaction_on, p.dormant_on \
             FROM partnerships p WHERE {live} ORDER BY p.id"
        ),
        ws(),
    )
    .await?;
    let partners: Vec<Partner> = db::all(
        c,
        &format!(
            "SELECT pp.partnership_id, o.id, o.name FROM partnership_partners pp \
             JOIN partnerships p ON p.id = pp.partnership_id JOIN organisations o ON o.id = pp.organisation_id \
             WHERE {live} ORDER BY pp.partnership_id, pp.position, o.name"
        ),
        ws(),
    )
    .await?;
    let forms: Vec<F> = db::all(
        c,
        &format!(
            "SELECT f.partnership_id, f.form, f.started_on, f.ended_on FROM partnership_forms f \
             JOIN partnerships p ON p.id = f.partnership_id WHERE {live} ORDER BY f.partnership_id, f.id"
        ),
        ws(),
    )
    .await?;
    // SUM(bigint) is NUMERIC on PostgreSQL: cast back to BIGINT for one decoding path.
    let flows: Vec<Flow> = db::all(
        c,
        "SELECT partnership_id, kind, year, CAST(SUM(amount_cents) AS BIGINT) AS cents FROM flows \
         WHERE workspace_id = $1 GROUP BY partnership_id, kind, year ORDER BY partnership_id, year, kind",
        ws(),
    )
    .await?;
    let outcomes: Vec<O> = db::all(
        c,
        "SELECT partnership_id, kind, COUNT(*) AS n FROM outcomes WHERE workspace_id = $1 \
         GROUP BY partnership_id, kind ORDER BY partnership_id, kind",
        ws(),
    )
    .await?;
    let kinds: Vec<Kind> = db::all(
        c,
        "SELECT k.kind FROM workspaces w JOIN organisation_kinds k ON k.organisation_id = w.organisation_id WHERE w.id = $1",
        ws(),
    )
    .await?;
    let kinds: Vec<StructureKind> = kinds.iter().filter_map(|k| k.kind.parse().ok()).collect();

    let mut facts: Vec<PartnershipFacts> = Vec::with_capacity(rows.len());
    let mut index: HashMap<i64, usize> = HashMap::new();
    for r in rows {
        let status: PartnershipStatus = r.status.parse().map_err(|_| corrupt("status"))?;
        index.insert(r.id, facts.len());
        facts.push(PartnershipFacts {
            id: r.id,
            title: r.title,
            partners: vec![],
            forms: vec![],
            status,
            dormant: status != PartnershipStatus::Termine && r.dormant_on <= day,
            priority: r
                .priority
                .map(|p| p.parse().map_err(|_| corrupt("priority")))
                .transpose()?,
            created_on: r.created_at.date_naive(),
            last_interaction_on: r.last_interaction_on,
            flows: vec![],
            outcomes: vec![],
        });
    }
    let at = |id: i64| index.get(&id).copied();
    for x in partners {
        if let Some(i) = at(x.partnership_id) {
            facts[i].partners.push(PartnerFacts {
                id: x.id,
                name: x.name,
            });
        }
    }
    for x in forms {
        if let Some(i) = at(x.partnership_id) {
            facts[i].forms.push(FormFacts {
                form: x.form.parse().map_err(|_| corrupt("form"))?,
                started_on: x.started_on,
                ended_on: x.ended_on,
            });
        }
    }
    for x in flows {
        if let Some(i) = at(x.partnership_id) {
            facts[i].flows.push(FlowFacts {
                kind: x.kind.parse().map_err(|_| corrupt("kind"))?,
                year: x.year,
                amount_cents: x.cents,
            });
        }
    }
    for x in outcomes {
        if let Some(i) = at(x.partnership_id) {
            facts[i].outcomes.push(OutcomeCount {
                kind: x.kind.parse().map_err(|_| corrupt("kind"))?,
                count: u32::try_from(x.n).unwrap_or(u32::MAX),
            });
        }
    }
    Ok(Inventory {
        today: day,
        partnerships: facts,
        prescribes_pmsmp: prescribes_pmsmp(&kinds),
        thresholds: Thresholds::default(),
    })
}
