//! Backups: a consistent, versioned, portable archive of everything a deployment holds,
//! written from a read transaction while the server runs, and restored into an empty
//! SQLite or PostgreSQL database. The archive is JSON lines: a header, then for each
//! table a line naming its columns and one line per row. Values are plain JSON (dates
//! `yyyy-mm-dd`, timestamps RFC 3339 in UTC with microseconds), so the same archive
//! restores on either backend and a backup of the restored database is identical.
//!
//! Sessions and failed sign-ins are not kept: people sign in again after a restore. Nor
//! are files waiting for an import (`import_uploads`): they expire within a day. Pending
//! invitations are kept (only the SHA-256 of their secret is stored), so a link sent the
//! day before a move to PostgreSQL still works after it.

use std::io::{BufRead, Write};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sea_orm::{
    AccessMode, ConnectionTrait, DbBackend, IsolationLevel, QueryResult, TransactionTrait, Value,
};
use serde_json::{Value as Json, json};

use crate::{Store, StoreError, db, error::Result};

pub const FORMAT: &str = "partinnov-backup";
pub const FORMAT_VERSION: i64 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    /// BIGINT
    I,
    /// INTEGER
    N,
    Text,
    Bool,
    Date,
    Ts,
}
use Ty::*;

/// A table's columns with their types.
type Columns = &'static [(&'static str, Ty)];

/// Every table kept, parents before children, with its columns. A migration that adds a
/// table or a column adds it here too (the round-trip tests fail otherwise).
const TABLES: &[(&str, Columns)] = &[
    (
        "users",
        &[
            ("id", I),
            ("email", Text),
            ("name", Text),
            ("password_hash", Text),
            ("is_admin", Bool),
            ("locale", Text),
            ("created_at", Ts),
            ("version", I),
            ("disabled_at", Ts),
            ("last_sign_in_at", Ts),
        ],
    ),
    (
        "organisations",
        &[
            ("id", I),
            ("name", Text),
            ("name_folded", Text),
            ("siren", Text),
            ("siret", Text),
            ("legal_form", Text),
            ("ess", Bool),
            ("naf", Text),
            ("address", Text),
            ("postcode", Text),
            ("commune_code", Text),
            ("commune_name", Text),
            ("epci_code", Text),
            ("departement_code", Text),
            ("region_code", Text),
            ("head_office", Bool),
            ("website", Text),
            ("created_at", Ts),
            ("updated_at", Ts),
            ("version", I),
        ],
    ),
    (
        "organisation_kinds",
        &[("organisation_id", I), ("kind", Text)],
    ),
    (
        "organisation_figures",
        &[
            ("organisation_id", I),
            ("year", N),
            ("staff", N),
            ("insertion_staff", N),
            ("turnover_cents", I),
        ],
    ),
    (
        "workspaces",
        &[
            ("id", I),
            ("slug", Text),
            ("name", Text),
            ("organisation_id", I),
            ("dormant_months", N),
            ("created_at", Ts),
            ("version", I),
        ],
    ),
    (
        "memberships",
        &[
            ("user_id", I),
            ("workspace_id", I),
            ("role", Text),
            ("created_at", Ts),
        ],
    ),
    (
        "api_tokens",
        &[
            ("id", I),
            ("user_id", I),
            ("name", Text),
            ("token_hash", Text),
            ("workspace_id", I),
            ("read_only", Bool),
            ("created_at", Ts),
            ("last_used_at", Ts),
            ("revoked_at", Ts),
        ],
    ),
    (
        "partnerships",
        &[
            ("id", I),
            ("workspace_id", I),
            ("title", Text),
            ("title_folded", Text),
            ("status", Text),
            ("involvement", N),
            ("priority", Text),
            ("priority_rank", N),
            ("potential", Text),
            ("means", Text),
            ("governance", Text),
            ("notes", Text),
            ("last_interaction_on", Date),
            ("activity_on", Date),
            ("dormant_on", Date),
            ("created_at", Ts),
            ("updated_at", Ts),
            ("deleted_at", Ts),
            ("version", I),
        ],
    ),
    (
        "partnership_partners",
        &[
            ("partnership_id", I),
            ("organisation_id", I),
            ("position", N),
        ],
    ),
    (
        "partnership_forms",
        &[
            ("id", I),
            ("partnership_id", I),
            ("form", Text),
            ("family", Text),
            ("started_on", Date),
            ("ended_on", Date),
            ("note", Text),
        ],
    ),
    (
        "partnership_objectives",
        &[
            ("id", I),
            ("partnership_id", I),
            ("party", Text),
            ("rank", N),
            ("text", Text),
        ],
    ),
    (
        "partnership_holders",
        &[("partnership_id", I), ("user_id", I)],
    ),
    (
        "contacts",
        &[
            ("id", I),
            ("workspace_id", I),
            ("organisation_id", I),
            ("name", Text),
            ("name_folded", Text),
            ("job_title", Text),
            ("email", Text),
            ("phone", Text),
            ("notes", Text),
            ("created_at", Ts),
            ("updated_at", Ts),
            ("version", I),
        ],
    ),
    (
        "interactions",
        &[
            ("id", I),
            ("workspace_id", I),
            ("partnership_id", I),
            ("kind", Text),
            ("occurred_on", Date),
            ("author_id", I),
            ("participants", Text),
            ("note", Text),
            ("created_at", Ts),
            ("version", I),
        ],
    ),
    (
        "outcomes",
        &[
            ("id", I),
            ("workspace_id", I),
            ("partnership_id", I),
            ("person_ref", Text),
            ("kind", Text),
            ("started_on", Date),
            ("ended_on", Date),
            ("days", N),
            ("hours", N),
            ("contract", Text),
            ("duration_days", N),
            ("aided", Bool),
            ("working_time_pct", N),
            ("category", Text),
            ("note", Text),
            ("author_id", I),
            ("created_at", Ts),
            ("version", I),
        ],
    ),
    (
        "flows",
        &[
            ("id", I),
            ("workspace_id", I),
            ("partnership_id", I),
            ("kind", Text),
            ("year", N),
            ("amount_cents", I),
            ("days", N),
            ("day_rate_cents", I),
            ("note", Text),
            ("author_id", I),
            ("created_at", Ts),
            ("version", I),
        ],
    ),
    (
        "audit_events",
        &[
            ("id", I),
            ("workspace_id", I),
            ("user_id", I),
            ("entity", Text),
            ("entity_id", I),
            ("action", Text),
            ("before_json", Text),
            ("after_json", Text),
            ("at", Ts),
        ],
    ),
    (
        "commercial_costs",
        &[
            ("workspace_id", I),
            ("year", N),
            ("costs_cents", I),
            ("cap_pct", N),
            ("updated_at", Ts),
        ],
    ),
    (
        "import_mappings",
        &[
            ("id", I),
            ("workspace_id", I),
            ("kind", Text),
            ("name", Text),
            ("mapping_json", Text),
            ("author_id", I),
            ("updated_at", Ts),
        ],
    ),
    (
        "capitalisation_notes",
        &[
            ("partnership_id", I),
            ("workspace_id", I),
            ("success_factors", Text),
            ("difficulties", Text),
            ("outlook", Text),
            ("updated_at", Ts),
            ("version", I),
        ],
    ),
    (
        "strategies",
        &[
            ("workspace_id", I),
            ("updated_by", I),
            ("updated_at", Ts),
            ("version", I),
        ],
    ),
    (
        "strategy_answers",
        &[
            ("id", I),
            ("workspace_id", I),
            ("question", Text),
            ("text", Text),
            ("updated_by", I),
            ("updated_at", Ts),
            ("version", I),
        ],
    ),
    (
        "strategy_priorities",
        &[("id", I), ("workspace_id", I), ("rank", N), ("text", Text)],
    ),
    (
        "plan_actions",
        &[
            ("id", I),
            ("workspace_id", I),
            ("title", Text),
            ("partnership_id", I),
            ("owner_id", I),
            ("due_on", Date),
            ("status", Text),
            ("note", Text),
            ("created_by", I),
            ("created_at", Ts),
            ("updated_at", Ts),
            ("version", I),
        ],
    ),
    (
        "evaluation_templates",
        &[
            ("id", I),
            ("workspace_id", I),
            ("code", Text),
            ("name", Text),
            ("body", Text),
            ("created_by", I),
            ("created_at", Ts),
            ("version", I),
        ],
    ),
    (
        "evaluations",
        &[
            ("id", I),
            ("workspace_id", I),
            ("partnership_id", I),
            ("template_code", Text),
            ("template_body", Text),
            ("title", Text),
            ("answers", Text),
            ("status", Text),
            ("started_on", Date),
            ("criteria_issued", N),
            ("created_by", I),
            ("created_at", Ts),
            ("updated_at", Ts),
            ("version", I),
        ],
    ),
    (
        "evaluation_criteria",
        &[
            ("id", I),
            ("workspace_id", I),
            ("evaluation_id", I),
            ("code", Text),
            ("text", Text),
            ("grp", Text),
            ("rank", N),
            ("indicators_issued", N),
            ("version", I),
        ],
    ),
    (
        "evaluation_indicators",
        &[
            ("id", I),
            ("workspace_id", I),
            ("evaluation_id", I),
            ("criterion_id", I),
            ("code", Text),
            ("text", Text),
            ("kind", Text),
            ("unit", Text),
            ("source", Text),
            ("target", I),
            ("target_text", Text),
            ("rank", N),
            ("version", I),
        ],
    ),
    (
        "evaluation_measurements",
        &[
            ("id", I),
            ("workspace_id", I),
            ("evaluation_id", I),
            ("indicator_id", I),
            ("measured_on", Date),
            ("value_num", I),
            ("value_text", Text),
            ("note", Text),
            ("filled_by", Text),
            ("automatic", Bool),
            ("author_id", I),
            ("created_at", Ts),
            ("version", I),
        ],
    ),
    (
        "invitations",
        &[
            ("id", I),
            ("workspace_id", I),
            ("token_hash", Text),
            ("role", Text),
            ("created_by", I),
            ("created_at", Ts),
            ("expires_at", Ts),
            ("accepted_by", I),
            ("accepted_at", Ts),
            ("organisation_id", I),
        ],
    ),
    (
        "workspace_guests",
        &[
            ("user_id", I),
            ("workspace_id", I),
            ("role", Text),
            ("organisation_id", I),
            ("created_at", Ts),
        ],
    ),
    (
        "partnership_comments",
        &[
            ("id", I),
            ("workspace_id", I),
            ("partnership_id", I),
            ("author_id", I),
            ("from_partner", Bool),
            ("body", Text),
            ("created_at", Ts),
            ("version", I),
        ],
    ),
];

/// What a backup or restore did, for the command line to report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub tables: usize,
    pub rows: u64,
}

/// Why an archive cannot be restored. Nothing is written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("the target database is not empty ({table} has rows)")]
    NotEmpty { table: &'static str },
    #[error("line {line}: {problem}")]
    Malformed { line: usize, problem: String },
    #[error("archive schema version {found} is newer than this program's ({supported})")]
    TooNew { found: i64, supported: i64 },
    #[error("reading the archive: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn cell(row: &QueryResult, col: &str, ty: Ty) -> Result<Json> {
    Ok(match ty {
        I => row
            .try_get::<Option<i64>>("", col)?
            .map_or(Json::Null, Json::from),
        N => row
            .try_get::<Option<i32>>("", col)?
            .map_or(Json::Null, Json::from),
        Text => row
            .try_get::<Option<String>>("", col)?
            .map_or(Json::Null, Json::from),
        Bool => row
            .try_get::<Option<bool>>("", col)?
            .map_or(Json::Null, Json::from),
        Date => row
            .try_get::<Option<NaiveDate>>("", col)?
            .map_or(Json::Null, |d| Json::from(d.to_string())),
        Ts => row
            .try_get::<Option<DateTime<Utc>>>("", col)?
            .map_or(Json::Null, |t| Json::from(ts(t))),
    })
}

fn value(v: &Json, ty: Ty) -> std::result::Result<Value, String> {
    let bad = || format!("{v} is not a valid {ty:?}");
    Ok(match (ty, v) {
        (I, Json::Null) => Value::BigInt(None),
        (N, Json::Null) => Value::Int(None),
        (Text, Json::Null) => Value::String(None),
        (Bool, Json::Null) => Value::Bool(None),
        (Date, Json::Null) => Value::ChronoDate(None),
        (Ts, Json::Null) => Value::ChronoDateTimeUtc(None),
        (I, Json::Number(n)) => n.as_i64().ok_or_else(bad)?.into(),
        (N, Json::Number(n)) => i32::try_from(n.as_i64().ok_or_else(bad)?)
            .map_err(|_| bad())?
            .into(),
        (Text, Json::String(s)) => s.clone().into(),
        (Bool, Json::Bool(b)) => (*b).into(),
        (Date, Json::String(s)) => s.parse::<NaiveDate>().map_err(|_| bad())?.into(),
        (Ts, Json::String(s)) => DateTime::parse_from_rfc3339(s)
            .map_err(|_| bad())?
            .with_timezone(&Utc)
            .into(),
        _ => return Err(bad()),
    })
}

impl Store {
    /// Writes a consistent snapshot of the database to `out`.
    pub async fn backup(&self, out: &mut impl Write) -> Result<Summary> {
        // One read transaction: SQLite's WAL gives it a snapshot; PostgreSQL needs
        // REPEATABLE READ for every table to be read at the same instant.
        let txn = self
            .db
            .begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?;
        let io = |e: std::io::Error| StoreError::Invalid {
            field: "out",
            code: if e.kind() == std::io::ErrorKind::StorageFull {
                "disk_full"
            } else {
                "write_failed"
            },
        };
        let header = json!({"format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": self.schema_version().await?, "created_at": ts(db::now())});
        writeln!(out, "{header}").map_err(io)?;
        let mut summary = Summary::default();
        for (table, columns) in TABLES {
            let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
            writeln!(out, "{}", json!({"table": table, "columns": names})).map_err(io)?;
            // Ordered by every column, so the same data always gives the same archive.
            let order = (1..=names.len())
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT {} FROM {table} ORDER BY {order}", names.join(", "));
            let rows = txn
                .query_all_raw(db::stmt(txn.get_database_backend(), &sql, vec![]))
                .await?;
            for row in &rows {
                let cells = columns
                    .iter()
                    .map(|(c, ty)| cell(row, c, *ty))
                    .collect::<Result<Vec<_>>>()?;
                writeln!(out, "{}", Json::Array(cells)).map_err(io)?;
                summary.rows += 1;
            }
            summary.tables += 1;
        }
        txn.commit().await?;
        out.flush().map_err(io)?;
        Ok(summary)
    }

    /// Loads an archive into this (migrated, empty) database, in one transaction: either
    /// everything is restored or nothing is.
    pub async fn restore(&self, input: impl BufRead) -> std::result::Result<Summary, RestoreError> {
        for (table, _) in TABLES {
            if db::scalar(&self.db, &format!("SELECT COUNT(*) FROM {table}"), vec![]).await? > 0 {
                return Err(RestoreError::NotEmpty { table });
            }
        }
        let mut lines = input.lines().enumerate();
        let malformed = |line: usize, problem: String| RestoreError::Malformed {
            line: line + 1,
            problem,
        };
        let (n, first) = lines
            .next()
            .ok_or_else(|| malformed(0, "empty archive".into()))?;
        let header: Json =
            serde_json::from_str(&first?).map_err(|e| malformed(n, e.to_string()))?;
        if header["format"] != FORMAT {
            return Err(malformed(n, "not a Part'Innov backup".into()));
        }
        let found = header["schema_version"].as_i64().unwrap_or(0);
        let supported = self.schema_version().await?;
        if found > supported {
            return Err(RestoreError::TooNew { found, supported });
        }
        let txn = self.write().await?;
        let mut current: Option<(&'static str, Columns, String)> = None;
        let mut summary = Summary::default();
        for (n, line) in lines {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let parsed: Json =
                serde_json::from_str(&line).map_err(|e| malformed(n, e.to_string()))?;
            match parsed {
                Json::Object(o) => {
                    let name = o.get("table").and_then(Json::as_str).unwrap_or("");
                    let (table, columns) = TABLES
                        .iter()
                        .find(|(t, _)| *t == name)
                        .ok_or_else(|| malformed(n, format!("unknown table {name}")))?;
                    let given: Vec<&str> = o
                        .get("columns")
                        .and_then(Json::as_array)
                        .map(|a| a.iter().filter_map(Json::as_str).collect())
                        .unwrap_or_default();
                    // An archive of an older schema may lack the columns a later
                    // migration appended to a table: they take their default.
                    let all: Vec<&str> = columns.iter().map(|c| c.0).collect();
                    if given.is_empty() || !all.starts_with(&given) {
                        return Err(malformed(
                            n,
                            format!("columns of {table} differ from this version's"),
                        ));
                    }
                    let columns: Columns = &columns[..given.len()];
                    let expected = given;
                    let sql = format!(
                        "INSERT INTO {table} ({}) VALUES ({})",
                        expected.join(", "),
                        db::placeholders(1, expected.len())
                    );
                    current = Some((table, columns, sql));
                    summary.tables += 1;
                }
                Json::Array(cells) => {
                    let (table, columns, sql) = current
                        .as_ref()
                        .ok_or_else(|| malformed(n, "row before any table".into()))?;
                    if cells.len() != columns.len() {
                        return Err(malformed(
                            n,
                            format!(
                                "{table}: {} values for {} columns",
                                cells.len(),
                                columns.len()
                            ),
                        ));
                    }
                    let values = cells
                        .iter()
                        .zip(columns.iter())
                        .map(|(v, (_, ty))| value(v, *ty))
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .map_err(|p| malformed(n, p))?;
                    db::exec(&txn, sql, values).await?;
                    summary.rows += 1;
                }
                _ => return Err(malformed(n, "expected a table line or a row".into())),
            }
        }
        // Identity columns continue after the restored ids on PostgreSQL (SQLite's
        // AUTOINCREMENT follows inserted ids by itself).
        if txn.get_database_backend() == DbBackend::Postgres {
            for (table, columns) in TABLES {
                if columns.first().is_some_and(|c| c.0 == "id") {
                    db::exec(
                        &txn,
                        &format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"),
                        vec![],
                    )
                    .await?;
                }
            }
        }
        txn.commit().await.map_err(StoreError::from)?;
        Ok(summary)
    }
}
