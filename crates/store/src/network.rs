//! A network's figures: the outcomes and flows of every workspace where the caller is a
//! member, one line each and their total, for people who follow several structures (a
//! network delegate, a DLA adviser). The caller's memberships are a join of the one
//! statement that reads them, so a workspace the caller does not belong to never shows.

use chrono::{Datelike, NaiveDate};
use partinnov_domain::outcome::ExitCategory;
use sea_orm::FromQueryResult;
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

/// A line as the statement reads it, before its rate.
#[derive(FromQueryResult)]
struct Row {
    slug: String,
    name: String,
    partnerships: i64,
    people: i64,
    outcomes: i64,
    exits: i64,
    durable_exits: i64,
    lending_hours: i64,
    immersion_days: i64,
    flows_cents: i64,
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

impl From<Row> for NetworkLine {
    fn from(r: Row) -> Self {
        Self {
            slug: r.slug,
            name: r.name,
            partnerships: r.partnerships,
            people: r.people,
            outcomes: r.outcomes,
            exits: r.exits,
            durable_exits: r.durable_exits,
            lending_hours: r.lending_hours,
            immersion_days: r.immersion_days,
            flows_cents: r.flows_cents,
            durable_rate_permille: None,
        }
        .with_rate()
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
        let outcomes = "FROM outcomes o WHERE o.workspace_id = w.id \
             AND o.started_on >= $3 AND o.started_on <= $4 \
             AND EXISTS (SELECT 1 FROM partnerships p WHERE p.id = o.partnership_id AND p.deleted_at IS NULL)";
        let sql = format!(
            "SELECT w.slug, w.name, \
             (SELECT COUNT(*) FROM partnerships p WHERE p.workspace_id = w.id AND p.deleted_at IS NULL) AS partnerships, \
             (SELECT COUNT(DISTINCT o.person_ref) {outcomes}) AS people, \
             (SELECT COUNT(*) {outcomes}) AS outcomes, \
             (SELECT COUNT(*) {outcomes} AND o.category IS NOT NULL) AS exits, \
             (SELECT COUNT(*) {outcomes} AND o.category = $7) AS durable_exits, \
             (SELECT CAST(COALESCE(SUM(o.hours), 0) AS BIGINT) {outcomes}) AS lending_hours, \
             (SELECT CAST(COALESCE(SUM(o.days), 0) AS BIGINT) {outcomes}) AS immersion_days, \
             (SELECT CAST(COALESCE(SUM(f.amount_cents), 0) AS BIGINT) FROM flows f WHERE f.workspace_id = w.id \
                AND f.year >= $5 AND f.year <= $6 \
                AND EXISTS (SELECT 1 FROM partnerships p WHERE p.id = f.partnership_id AND p.deleted_at IS NULL)) AS flows_cents \
             FROM workspaces w JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1 \
             WHERE ($2 IS NULL OR w.id = $2) \
             ORDER BY w.name, w.id"
        );
        let rows: Vec<Row> = db::all(
            &self.db,
            &sql,
            vec![
                caller.user_id.0.into(),
                caller.only_workspace.map(|w| w.0).into(),
                from.into(),
                to.into(),
                from.year().into(),
                to.year().into(),
                ExitCategory::EmploiDurable.as_str().into(),
            ],
        )
        .await?;
        let lines: Vec<NetworkLine> = rows.into_iter().map(NetworkLine::from).collect();
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
