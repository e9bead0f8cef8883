//! A network's figures: the outcomes and flows of every workspace where the caller is a
//! member, one line each and their total, for people who follow several structures (a
//! network delegate, a DLA adviser). The caller's memberships are a subquery of every
//! statement that reads them, so a workspace the caller does not belong to never shows.

use chrono::{Datelike, NaiveDate};
use partinnov_domain::outcome::ExitCategory;
use sea_orm::{FromQueryResult, Value};
use serde::Serialize;

use crate::{Caller, Store, db, error::Result};

/// One workspace's figures for the period (or the network's total, with an empty slug).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NetworkLine {
    pub slug: String,
    pub name: String,
    /// Partnerships not deleted, whatever their dates.
    pub partnerships: i64,
    /// Distinct pseudonymous people with an outcome started in the period. References are
    /// the workspace's own, so the total counts a person followed by two structures twice.
    pub people: i64,
    pub outcomes: i64,
    /// Classified exits, and those among them in durable employment.
    pub exits: i64,
    pub durable_exits: i64,
    pub lending_hours: i64,
    pub immersion_days: i64,
    /// Every flow of the period's years, in cents.
    pub flows_cents: i64,
    /// Durable exits among classified exits, in per mille.
    pub durable_rate_permille: Option<u32>,
}

impl NetworkLine {
    fn with_rate(self) -> Self {
        let rate = (self.exits > 0)
            .then(|| u32::try_from(self.durable_exits * 1000 / self.exits).unwrap_or(1000));
        Self {
            durable_rate_permille: rate,
            ..self
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NetworkFigures {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: Vec<NetworkLine>,
    pub total: NetworkLine,
}

impl Store {
    /// The figures of every workspace the caller is a member of (a token limited to one
    /// workspace sees that one), by workspace name, with their total. Outcomes count when
    /// they started in the period, flows when their year is in it; deleted partnerships
    /// count for nothing, as on each workspace's dashboard.
    pub async fn network_figures(
        &self,
        caller: &Caller,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<NetworkFigures> {
        // The caller's workspaces, then each figure grouped by workspace over them: the
        // memberships are a subquery of every statement, never a list passed in.
        let mine = "SELECT m.workspace_id FROM memberships m WHERE m.user_id = $1 AND ($2 IS NULL OR m.workspace_id = $2)";
        let with = |extra: Vec<Value>| {
            let mut v: Vec<Value> = vec![
                caller.user_id.0.into(),
                caller.only_workspace.map(|w| w.0).into(),
            ];
            v.extend(extra);
            v
        };
        #[derive(FromQueryResult)]
        struct Workspace {
            id: i64,
            slug: String,
            name: String,
        }
        let workspaces: Vec<Workspace> = db::all(
            &self.db,
            &format!("SELECT w.id, w.slug, w.name FROM workspaces w WHERE w.id IN ({mine}) ORDER BY w.name, w.id"),
            with(vec![]),
        )
        .await?;
        #[derive(FromQueryResult)]
        struct Count {
            workspace_id: i64,
            n: i64,
        }
        let partnerships: Vec<Count> = db::all(
            &self.db,
            &format!(
                "SELECT p.workspace_id, COUNT(*) AS n FROM partnerships p \
                 WHERE p.workspace_id IN ({mine}) AND p.deleted_at IS NULL GROUP BY p.workspace_id"
            ),
            with(vec![]),
        )
        .await?;
        #[derive(FromQueryResult)]
        struct Outcomes {
            workspace_id: i64,
            people: i64,
            outcomes: i64,
            exits: i64,
            durable_exits: i64,
            lending_hours: i64,
            immersion_days: i64,
        }
        let outcomes: Vec<Outcomes> = db::all(
            &self.db,
            &format!(
                "SELECT o.workspace_id, COUNT(DISTINCT o.person_ref) AS people, COUNT(*) AS outcomes, \
                 COUNT(o.category) AS exits, \
                 CAST(COALESCE(SUM(CASE WHEN o.category = $5 THEN 1 ELSE 0 END), 0) AS BIGINT) AS durable_exits, \
                 CAST(COALESCE(SUM(o.hours), 0) AS BIGINT) AS lending_hours, \
                 CAST(COALESCE(SUM(o.days), 0) AS BIGINT) AS immersion_days \
                 FROM outcomes o JOIN partnerships p ON p.id = o.partnership_id AND p.deleted_at IS NULL \
                 WHERE o.workspace_id IN ({mine}) AND o.started_on >= $3 AND o.started_on <= $4 \
                 GROUP BY o.workspace_id"
            ),
            with(vec![
                from.into(),
                to.into(),
                ExitCategory::EmploiDurable.as_str().into(),
            ]),
        )
        .await?;
        let flows: Vec<Count> = db::all(
            &self.db,
            &format!(
                "SELECT f.workspace_id, CAST(SUM(f.amount_cents) AS BIGINT) AS n \
                 FROM flows f JOIN partnerships p ON p.id = f.partnership_id AND p.deleted_at IS NULL \
                 WHERE f.workspace_id IN ({mine}) AND f.year >= $3 AND f.year <= $4 GROUP BY f.workspace_id"
            ),
            with(vec![from.year().into(), to.year().into()]),
        )
        .await?;
        let count = |list: &[Count], ws: i64| {
            list.iter()
                .find(|c| c.workspace_id == ws)
                .map_or(0, |c| c.n)
        };
        let lines: Vec<NetworkLine> = workspaces
            .into_iter()
            .map(|w| {
                let o = outcomes.iter().find(|o| o.workspace_id == w.id);
                let get = |f: fn(&Outcomes) -> i64| o.map_or(0, f);
                NetworkLine {
                    partnerships: count(&partnerships, w.id),
                    people: get(|o| o.people),
                    outcomes: get(|o| o.outcomes),
                    exits: get(|o| o.exits),
                    durable_exits: get(|o| o.durable_exits),
                    lending_hours: get(|o| o.lending_hours),
                    immersion_days: get(|o| o.immersion_days),
                    flows_cents: count(&flows, w.id),
                    slug: w.slug,
                    name: w.name,
                    durable_rate_permille: None,
                }
                .with_rate()
            })
            .collect();
        let total = lines
            .iter()
            .fold(NetworkLine::default(), |t, l| NetworkLine {
                partnerships: t.partnerships + l.partnerships,
                people: t.people + l.people,
                outcomes: t.outcomes + l.outcomes,
                exits: t.exits + l.exits,
                durable_exits: t.durable_exits + l.durable_exits,
                lending_hours: t.lending_hours + l.lending_hours,
                immersion_days: t.immersion_days + l.immersion_days,
                flows_cents: t.flows_cents + l.flows_cents,
                ..t
            })
            .with_rate();
        Ok(NetworkFigures {
            from,
            to,
            lines,
            total,
        })
    }
}
