//! Economic flows on partnerships, and the workspace dashboard: what partnerships produce
//! in jobs and in money over a period, computed by SQL aggregates inside the scope.

use chrono::NaiveDate;
use partinnov_domain::{
    event::eiti_fte_hundredths,
    flow::{
        ACI_CAPS_PCT, CommercialCheck, Concentration, FlowKind, aci_commercial_check, concentration,
    },
    outcome::ExitCategory,
};
use sea_orm::FromQueryResult;
use serde::Serialize;

use crate::{
    PartnershipId, Store, StoreError, WorkspaceScope,
    audit::{self, Action, Record},
    db,
    error::Result,
    organisations::corrupt,
    people::CountBy,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowDraft {
    pub kind: FlowKind,
    pub year: i32,
    pub amount_cents: i64,
    pub days: Option<i32>,
    pub day_rate_cents: Option<i64>,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Flow {
    pub id: i64,
    pub version: i64,
    pub partnership_id: i64,
    #[serde(flatten)]
    pub data: FlowDraft,
}

#[derive(FromQueryResult)]
struct Row {
    id: i64,
    version: i64,
    partnership_id: i64,
    kind: String,
    year: i32,
    amount_cents: i64,
    days: Option<i32>,
    day_rate_cents: Option<i64>,
    note: String,
}

impl FlowDraft {
    fn validate(&self) -> Result<()> {
        if !(1990..=2100).contains(&self.year) {
            return Err(StoreError::Invalid {
                field: "year",
                code: "out_of_range",
            });
        }
        if self.amount_cents < 0
            || self.days.is_some_and(|d| d < 0)
            || self.day_rate_cents.is_some_and(|r| r < 0)
        {
            return Err(StoreError::Invalid {
                field: "amount_cents",
                code: "negative",
            });
        }
        Ok(())
    }
}

/// What the dashboard shows for a period.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Distinct pseudonymous people with at least one outcome in the period.
    pub people: i64,
    pub outcomes_by_kind: Vec<CountBy>,
    pub exits_by_category: Vec<CountBy>,
    /// Durable exits among hires classified in the period, in per mille.
    pub durable_rate_permille: Option<u32>,
    pub lending_hours: i64,
    pub immersion_days: i64,
    /// (year, kind, cents) for the years of the period.
    pub flows: Vec<FlowTotal>,
    /// Commercial revenue per partner organisation (name, cents), largest first.
    pub revenue_by_partner: Vec<(String, i64)>,
    pub concentration: Option<Concentration>,
    /// The workspace's own structure is an ACI, so the ceiling on commercial receipts
    /// applies (001:203).
    pub aci: bool,
    /// For an EITI, the hours worked as full-time equivalents (1,505 h each, 001:223), in
    /// hundredths.
    pub fte_hundredths: Option<i64>,
    /// For an ACI, each year of the period: recorded commercial receipts against the
    /// costs its owners entered.
    pub commercial: Vec<CommercialYear>,
}

/// One year of an ACI's commercial receipts against its ceiling.
#[derive(Debug, Clone, Serialize)]
pub struct CommercialYear {
    pub year: i32,
    /// Commercial flows recorded with partners: a floor, since sales to people and
    /// organisations outside the inventory are not here.
    pub receipts_cents: i64,
    pub costs_cents: Option<i64>,
    pub cap_pct: Option<i32>,
    pub check: Option<CommercialCheck>,
}

/// What an ACI's owners entered for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct CommercialCosts {
    pub year: i32,
    pub costs_cents: i64,
    pub cap_pct: i32,
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct FlowTotal {
    pub year: i32,
    pub kind: String,
    pub cents: i64,
}

impl Store {
    pub async fn create_flow(
        &self,
        scope: &WorkspaceScope,
        partnership: PartnershipId,
        d: &FlowDraft,
    ) -> Result<Flow> {
        scope.require_write()?;
        d.validate()?;
        let txn = self.write().await?;
        let id = db::insert_on_partnership(
            &txn,
            "INSERT INTO flows (workspace_id, partnership_id, kind, year, amount_cents, days, day_rate_cents, note, author_id, created_at) \
             SELECT $1, p.id, $2, $3, $4, $5, $6, $7, $8, $9 FROM partnerships p WHERE p.id = $10 AND p.workspace_id = $1 AND p.deleted_at IS NULL \
             RETURNING id",
            vec![
                scope.workspace_id.0.into(),
                d.kind.as_str().into(),
                d.year.into(),
                d.amount_cents.into(),
                d.days.into(),
                d.day_rate_cents.into(),
                d.note.trim().into(),
                scope.user_id.0.into(),
                db::now().into(),
                partnership.0.into(),
            ],
        )
        .await?;
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "flow",
                entity_id: id,
                action: Action::Create,
                before: None,
                after: Some(d),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(Flow {
            id,
            version: 1,
            partnership_id: partnership.0,
            data: d.clone(),
        })
    }

    pub async fn flows(
        &self,
        scope: &WorkspaceScope,
        partnership: PartnershipId,
    ) -> Result<Vec<Flow>> {
        let rows: Vec<Row> = db::all(
            &self.db,
            "SELECT id, version, partnership_id, kind, year, amount_cents, days, day_rate_cents, note FROM flows \
             WHERE partnership_id = $1 AND workspace_id = $2 ORDER BY year, kind, id",
            vec![partnership.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Flow {
                    id: r.id,
                    version: r.version,
                    partnership_id: r.partnership_id,
                    data: FlowDraft {
                        kind: r.kind.parse().map_err(|_| corrupt("kind"))?,
                        year: r.year,
                        amount_cents: r.amount_cents,
                        days: r.days,
                        day_rate_cents: r.day_rate_cents,
                        note: r.note,
                    },
                })
            })
            .collect()
    }

    /// The workspace's outcomes and flows between `from` and `to` (inclusive). Outcomes
    /// count by their start day; flows by year.
    pub async fn dashboard(
        &self,
        scope: &WorkspaceScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Dashboard> {
        self.dashboard_of(scope, from, to, None).await
    }

    /// The same figures for one partnership of the workspace, or for all when `None`.
    pub async fn dashboard_of(
        &self,
        scope: &WorkspaceScope,
        from: NaiveDate,
        to: NaiveDate,
        partnership: Option<PartnershipId>,
    ) -> Result<Dashboard> {
        let ws = scope.workspace_id.0;
        let only = partnership.map(|p| p.0);
        // Outcomes of partnerships that are not deleted, started within the period.
        // The partnership's predicate only when there is one: `($4 IS NULL OR …)` would cost
        // the workspace's dashboard a second look at every outcome row on SQLite.
        let one = |column: &str| match only {
            Some(_) => format!("AND {column} = $4"),
            None => String::new(),
        };
        let period = format!(
            "o.workspace_id = $1 AND o.started_on >= $2 AND o.started_on <= $3 {} \
             AND EXISTS (SELECT 1 FROM partnerships p WHERE p.id = o.partnership_id AND p.deleted_at IS NULL)",
            one("o.partnership_id")
        );
        let with_only = |mut v: Vec<sea_orm::Value>| {
            if let Some(p) = only {
                v.push(p.into());
            }
            v
        };
        let vals = || with_only(vec![ws.into(), from.into(), to.into()]);
        let people = db::scalar(
            &self.db,
            &format!("SELECT COUNT(DISTINCT o.person_ref) FROM outcomes o WHERE {period}"),
            vals(),
        )
        .await?;
        let outcomes_by_kind: Vec<CountBy> =
            db::all(&self.db, &format!("SELECT o.kind AS code, COUNT(*) AS count FROM outcomes o WHERE {period} GROUP BY o.kind ORDER BY o.kind"), vals()).await?;
        let exits_by_category: Vec<CountBy> = db::all(
            &self.db,
            &format!("SELECT o.category AS code, COUNT(*) AS count FROM outcomes o WHERE {period} AND o.category IS NOT NULL GROUP BY o.category ORDER BY o.category"),
            vals(),
        )
        .await?;
        let lending_hours = db::scalar(
            &self.db,
            &format!(
                "SELECT CAST(COALESCE(SUM(o.hours), 0) AS BIGINT) FROM outcomes o WHERE {period}"
            ),
            vals(),
        )
        .await?;
        let immersion_days = db::scalar(
            &self.db,
            &format!(
                "SELECT CAST(COALESCE(SUM(o.days), 0) AS BIGINT) FROM outcomes o WHERE {period}"
            ),
            vals(),
        )
        .await?;
        let exits: i64 = exits_by_category.iter().map(|c| c.count).sum();
        let durable = exits_by_category
            .iter()
            .find(|c| c.code == ExitCategory::EmploiDurable.as_str())
            .map_or(0, |c| c.count);
        let durable_rate_permille =
            (exits > 0).then(|| u32::try_from(durable * 1000 / exits).unwrap_or(1000));

        let years = (
            from.format("%Y").to_string().parse::<i32>().unwrap_or(0),
            to.format("%Y").to_string().parse::<i32>().unwrap_or(0),
        );
        let live = format!(
            "f.workspace_id = $1 AND f.year >= $2 AND f.year <= $3 {} \
             AND EXISTS (SELECT 1 FROM partnerships p WHERE p.id = f.partnership_id AND p.deleted_at IS NULL)",
            one("f.partnership_id")
        );
        let yvals = || with_only(vec![ws.into(), years.0.into(), years.1.into()]);
        // SUM(bigint) is NUMERIC on PostgreSQL: cast back to BIGINT for one decoding path.
        let flows: Vec<FlowTotal> = db::all(
            &self.db,
            &format!("SELECT f.year, f.kind, CAST(SUM(f.amount_cents) AS BIGINT) AS cents FROM flows f WHERE {live} GROUP BY f.year, f.kind ORDER BY f.year, f.kind"),
            yvals(),
        )
        .await?;
        #[derive(FromQueryResult)]
        struct Partner {
            name: String,
            cents: i64,
        }
        let commercial: Vec<String> = FlowKind::ALL
            .iter()
            .filter(|k| k.is_commercial())
            .map(|k| format!("'{}'", k.as_str()))
            .collect();
        let partners: Vec<Partner> = db::all(
            &self.db,
            &format!(
                "SELECT o.name, CAST(SUM(f.amount_cents) AS BIGINT) AS cents FROM flows f \
                 JOIN partnership_partners pp ON pp.partnership_id = f.partnership_id AND pp.position = 0 \
                 JOIN organisations o ON o.id = pp.organisation_id \
                 WHERE {live} AND f.kind IN ({}) GROUP BY o.id, o.name ORDER BY cents DESC, o.name",
                commercial.join(", ")
            ),
            yvals(),
        )
        .await?;
        let amounts: Vec<i64> = partners.iter().map(|p| p.cents).collect();
        #[derive(FromQueryResult)]
        struct Kind {
            kind: String,
        }
        let kinds: Vec<Kind> = db::all(
            &self.db,
            "SELECT k.kind FROM workspaces w JOIN organisation_kinds k ON k.organisation_id = w.organisation_id \
             WHERE w.id = $1",
            vec![ws.into()],
        )
        .await?;
        let is = |code: &str| kinds.iter().any(|k| k.kind == code);
        let aci = is("ACI");
        // 001:223: for an EITI, one full-time equivalent is 1,505 hours worked.
        let fte_hundredths = is("EITI").then(|| {
            i64::from(eiti_fte_hundredths(
                u32::try_from(lending_hours.max(0)).unwrap_or(u32::MAX),
            ))
        });
        let commercial = if aci && partnership.is_none() {
            let costs = self.commercial_costs(scope).await?;
            (years.0..=years.1)
                .map(|year| {
                    let receipts_cents = flows
                        .iter()
                        .filter(|f| {
                            f.year == year
                                && f.kind
                                    .parse::<FlowKind>()
                                    .is_ok_and(FlowKind::is_commercial)
                        })
                        .map(|f| f.cents)
                        .sum();
                    let entered = costs.iter().find(|c| c.year == year);
                    CommercialYear {
                        year,
                        receipts_cents,
                        costs_cents: entered.map(|c| c.costs_cents),
                        cap_pct: entered.map(|c| c.cap_pct),
                        check: entered.and_then(|c| {
                            aci_commercial_check(
                                receipts_cents,
                                c.costs_cents,
                                u8::try_from(c.cap_pct).unwrap_or(0),
                            )
                        }),
                    }
                })
                .collect()
        } else {
            vec![]
        };
        Ok(Dashboard {
            aci,
            fte_hundredths,
            commercial,
            from,
            to,
            people,
            outcomes_by_kind,
            exits_by_category,
            durable_rate_permille,
            lending_hours,
            immersion_days,
            flows,
            concentration: concentration(&amounts),
            revenue_by_partner: partners.into_iter().map(|p| (p.name, p.cents)).collect(),
        })
    }
}

impl Store {
    /// The costs of commercial activities and authorised rates an ACI's owners entered.
    pub async fn commercial_costs(&self, scope: &WorkspaceScope) -> Result<Vec<CommercialCosts>> {
        db::all(
            &self.db,
            "SELECT year, costs_cents, cap_pct FROM commercial_costs WHERE workspace_id = $1 ORDER BY year",
            vec![scope.workspace_id.0.into()],
        )
        .await
    }

    /// Records (or replaces) a year's costs of commercial activities and authorised rate.
    /// Owners only; the rate is one the guide gives (30 or 50).
    pub async fn set_commercial_costs(
        &self,
        scope: &WorkspaceScope,
        c: &CommercialCosts,
    ) -> Result<()> {
        scope.require_owner()?;
        if !(1990..=2100).contains(&c.year) {
            return Err(StoreError::Invalid {
                field: "year",
                code: "out_of_range",
            });
        }
        if c.costs_cents <= 0 {
            return Err(StoreError::Invalid {
                field: "costs",
                code: "must_be_positive",
            });
        }
        if !u8::try_from(c.cap_pct).is_ok_and(|p| ACI_CAPS_PCT.contains(&p)) {
            return Err(StoreError::Invalid {
                field: "cap_pct",
                code: "unknown_code",
            });
        }
        let txn = self.write().await?;
        let before: Option<CommercialCosts> = db::one(
            &txn,
            "SELECT year, costs_cents, cap_pct FROM commercial_costs WHERE workspace_id = $1 AND year = $2",
            vec![scope.workspace_id.0.into(), c.year.into()],
        )
        .await?;
        db::exec(
            &txn,
            "INSERT INTO commercial_costs (workspace_id, year, costs_cents, cap_pct, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (workspace_id, year) DO UPDATE SET costs_cents = excluded.costs_cents, cap_pct = excluded.cap_pct, updated_at = excluded.updated_at",
            vec![scope.workspace_id.0.into(), c.year.into(), c.costs_cents.into(), c.cap_pct.into(), db::now().into()],
        )
        .await?;
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "commercial_costs",
                entity_id: i64::from(c.year),
                action: if before.is_some() {
                    Action::Update
                } else {
                    Action::Create
                },
                before: before.as_ref(),
                after: Some(c),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
