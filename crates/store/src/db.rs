//! Connection, configuration and the small helpers every repository uses to run SQL.

use std::{fmt, sync::Arc, time::Duration};

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    FromQueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

use crate::{
    callers::CallerCache,
    error::{Result, StoreError},
};

/// A database URL: `sqlite:PATH` (created if missing) or `postgres://…`.
/// `Debug` and `Display` hide the password so the URL can be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://")
        {
            Ok(Self(url.to_owned()))
        } else {
            Err(format!(
                "URL de base de données non reconnue (attendu sqlite:CHEMIN ou postgres://…) : {}",
                Self(url.to_owned())
            ))
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // postgres://user:secret@host → postgres://user:***@host
        match (self.0.find("://"), self.0.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                let creds = &self.0[scheme + 3..at];
                match creds.find(':') {
                    Some(colon) => write!(
                        f,
                        "{}{}:***{}",
                        &self.0[..scheme + 3],
                        &creds[..colon],
                        &self.0[at..]
                    ),
                    None => f.write_str(&self.0),
                }
            }
            _ => f.write_str(&self.0),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// The application's handle on its database. Cheap to clone (a pool inside).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    /// Who is behind recent sessions and tokens (off by default, see `callers`).
    pub(crate) callers: Arc<CallerCache>,
}

impl Store {
    /// Connects and brings the schema up to date.
    pub async fn open(url: &DatabaseUrl) -> Result<Self> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(url: &DatabaseUrl) -> Result<Self> {
        let mut raw = url.expose().to_owned();
        if url.is_sqlite() && !raw.contains("mode=") {
            raw.push_str(if raw.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
        let mut opts = ConnectOptions::new(raw);
        opts.sqlx_logging(false)
            .max_connections(if url.is_sqlite() { 8 } else { 16 })
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        // sqlx pings every connection it hands out by default: a worker-thread hop on
        // SQLite and a network round trip on PostgreSQL before each statement, which was
        // half of the statements a list request ran (BENCHMARKS.md). A SQLite file does not
        // drop its connections; a PostgreSQL server, a proxy or a firewall may drop an idle
        // one, so only those idle for a minute are checked first.
        if url.is_sqlite() {
            opts.test_before_acquire(false);
        } else {
            opts.test_before_acquire_if_idle_for(Duration::from_secs(60));
        }
        // WAL lets readers run beside the writer; writers queue on the busy timeout
        // instead of failing with "database is locked" (write transactions also start
        // IMMEDIATE, see `write`).
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                .create_if_missing(true)
        });
        let db = Database::connect(opts).await?;
        Ok(Self {
            db,
            callers: Arc::default(),
        })
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// `SELECT 1`, for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        self.db.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    /// Refreshes the planner's statistics (`ANALYZE`, same statement on both backends).
    /// After a bulk load PostgreSQL otherwise plans with default estimates until
    /// autovacuum (if enabled) gets to the tables: at 100,000 partnerships that turned the
    /// partners lookup of every list into a sequential scan of `organisations`.
    ///
    /// On SQLite, only `sqlite_stat1` (rows per key of each index), never the
    /// `sqlite_stat4` samples: with samples, every statement whose plan could depend on a
    /// bound value is compiled again each time it runs, which took about half of SQLite's
    /// time on a partnership list (BENCHMARKS.md). A non-zero `analysis_limit` is what
    /// turns the samples off (and clears those of an earlier `ANALYZE`); it is set high
    /// enough to read every row, then put back, on the one connection that runs all three.
    pub async fn analyze(&self) -> Result<()> {
        let sql = match self.backend() {
            DbBackend::Sqlite => {
                "PRAGMA analysis_limit = 1000000000; ANALYZE; PRAGMA analysis_limit = 0"
            }
            _ => "ANALYZE",
        };
        self.db.execute_unprepared(sql).await?;
        Ok(())
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so two writers never both read then deadlock on the upgrade.
    pub(crate) async fn write(&self) -> Result<DatabaseTransaction> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.db.begin_with_options(options).await?)
    }

    pub async fn close(self) -> Result<()> {
        self.db.close().await?;
        Ok(())
    }
}

/// The current time at microsecond precision: PostgreSQL keeps microseconds, so every
/// timestamp is cut there on both backends and a backup restored elsewhere is identical.
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{DurationRound, TimeDelta};
    let t = chrono::Utc::now();
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

/// Builds a statement from SQL with `$n` placeholders (accepted by both backends).
pub(crate) fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(backend, sql, values)
}

pub(crate) async fn all<T: FromQueryResult>(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<T>> {
    let rows = c
        .query_all_raw(stmt(c.get_database_backend(), sql, values))
        .await?;
    rows.iter()
        .map(|r| T::from_query_result(r, "").map_err(StoreError::from))
        .collect()
}

pub(crate) async fn one<T: FromQueryResult>(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Option<T>> {
    let row = c
        .query_one_raw(stmt(c.get_database_backend(), sql, values))
        .await?;
    row.map(|r| T::from_query_result(&r, ""))
        .transpose()
        .map_err(StoreError::from)
}

/// Runs a statement and returns the number of rows it changed.
pub(crate) async fn exec(c: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<u64> {
    Ok(c.execute_raw(stmt(c.get_database_backend(), sql, values))
        .await?
        .rows_affected())
}

/// Runs an `INSERT … RETURNING id` and returns the id.
pub(crate) async fn insert_id(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<i64> {
    let row = c
        .query_one_raw(stmt(c.get_database_backend(), sql, values))
        .await?
        .ok_or_else(|| StoreError::Database(sea_orm::DbErr::RecordNotInserted))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// Runs an `INSERT … SELECT … FROM partnerships p WHERE p.id = … AND p.workspace_id = …
/// RETURNING id`: when the partnership is not in the scope's workspace nothing is
/// inserted, and that is "partnership not found", not a database error.
pub(crate) async fn insert_on_partnership(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<i64> {
    insert_id(c, sql, values).await.map_err(|e| match e {
        StoreError::Database(sea_orm::DbErr::RecordNotInserted) => {
            StoreError::not_found("partnership")
        }
        e => e,
    })
}

/// A single `i64` (a count, an id).
pub(crate) async fn scalar(c: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<i64> {
    let row = c
        .query_one_raw(stmt(c.get_database_backend(), sql, values))
        .await?;
    Ok(match row {
        Some(r) => r.try_get_by_index::<Option<i64>>(0)?.unwrap_or(0),
        None => 0,
    })
}

/// Bound values per multi-row statement: under SQLite's limit (32,766) and PostgreSQL's
/// (65,535).
const VALUES_PER_STATEMENT: usize = 30_000;

/// Inserts `rows` into `into` (`"table (a, b, c)"`, one value per column in every row) in
/// as few multi-row `INSERT`s as the backends' limit on bound values allows: an import of
/// 100,000 rows is a few hundred statements, not a few hundred thousand round trips.
pub(crate) async fn insert_rows(
    c: &impl ConnectionTrait,
    into: &str,
    rows: Vec<Vec<Value>>,
) -> Result<()> {
    let Some(columns) = rows.first().map(Vec::len).filter(|n| *n > 0) else {
        return Ok(());
    };
    let per_statement = (VALUES_PER_STATEMENT / columns).max(1);
    // SQLite looks a numbered placeholder (`$n`) up in a list, when it parses and when
    // each value is bound: over thousands of values that is quadratic (it took 57 % of
    // an import's time). Anonymous ones (`?`, numbered in order) cost nothing.
    let anonymous = c.get_database_backend() == DbBackend::Sqlite;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut sql = format!("INSERT INTO {into} VALUES ");
        let mut values = Vec::with_capacity(per_statement * columns);
        for (i, row) in rows.by_ref().take(per_statement).enumerate() {
            debug_assert_eq!(row.len(), columns, "one value per column in {into}");
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            if anonymous {
                sql.push_str(&vec!["?"; row.len()].join(", "));
            } else {
                sql.push_str(&placeholders(values.len() + 1, row.len()));
            }
            sql.push(')');
            values.extend(row);
        }
        exec(c, &sql, values).await?;
    }
    Ok(())
}

/// Ids of `table` taken in advance, for rows written later in the same write transaction
/// by [`insert_rows`] (whose callers must know each row's id before writing it: its
/// children and its audit event point at it).
///
/// PostgreSQL hands them out from the table's sequence, so concurrent writers never get
/// the same one; SQLite has one writer at a time (the transaction holds the write lock)
/// and continues after the largest id ever given (`AUTOINCREMENT` never reuses one).
pub(crate) struct ReservedIds {
    table: &'static str,
    free: std::collections::VecDeque<i64>,
    last: i64,
}

impl ReservedIds {
    const BLOCK: i64 = 1000;

    pub(crate) fn new(table: &'static str) -> Self {
        Self {
            table,
            free: Default::default(),
            last: 0,
        }
    }

    pub(crate) async fn take(&mut self, c: &impl ConnectionTrait) -> Result<i64> {
        if self.free.is_empty() {
            self.refill(c).await?;
        }
        let id = self
            .free
            .pop_front()
            .ok_or(StoreError::Database(sea_orm::DbErr::RecordNotInserted))?;
        self.last = id;
        Ok(id)
    }

    async fn refill(&mut self, c: &impl ConnectionTrait) -> Result<()> {
        let table = self.table;
        match c.get_database_backend() {
            DbBackend::Sqlite => {
                let stored = scalar(
                    c,
                    &format!(
                        "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = $1), 0), \
                         COALESCE((SELECT MAX(id) FROM {table}), 0))"
                    ),
                    vec![table.into()],
                )
                .await?;
                let next = stored.max(self.last) + 1;
                self.free.extend(next..next + Self::BLOCK);
            }
            backend => {
                let rows = c
                    .query_all_raw(stmt(
                        backend,
                        &format!(
                            "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)"
                        ),
                        vec![Self::BLOCK.into()],
                    ))
                    .await?;
                for r in rows {
                    self.free.push_back(r.try_get_by_index::<i64>(0)?);
                }
            }
        }
        Ok(())
    }
}

/// True when the error is a unique-constraint violation, on either backend.
pub(crate) fn is_unique_violation(e: &StoreError) -> bool {
    let StoreError::Database(e) = e else {
        return false;
    };
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// One page of a list: `per_page` kept within 1–500, `page` counted from 1.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    pub fn new(page: u32, per_page: u32) -> Self {
        Self {
            page: page.max(1),
            per_page: per_page.clamp(1, 500),
        }
    }

    /// `LIMIT n OFFSET m`, written into the statement instead of bound. SQLite (3.51)
    /// reads a bound LIMIT's value when it compiles the statement, so that binding it
    /// again, as every execution does, expires the prepared statement: each list request
    /// compiled its statement anew, a third of its CPU time (BENCHMARKS.md). Both numbers
    /// are integers computed here, never text from the request; a statement is compiled
    /// once per page size and page, then kept in the connection's statement cache.
    pub fn sql(self) -> String {
        format!(
            "LIMIT {} OFFSET {}",
            self.per_page,
            u64::from(self.page - 1) * u64::from(self.per_page)
        )
    }
}

/// SQL `IN` list of placeholders `$from, $from+1, …` for `n` values.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Builds a `WHERE` clause and its values, numbering placeholders as they come.
#[derive(Default)]
pub(crate) struct Filter {
    pub(crate) clauses: Vec<String>,
    pub(crate) values: Vec<Value>,
}

impl Filter {
    /// Adds a clause where each `?` takes the next value, e.g. `("p.status = ?", [status])`.
    pub(crate) fn push(&mut self, clause: &str, values: impl IntoIterator<Item = Value>) {
        let mut given = values.into_iter();
        let mut out = String::with_capacity(clause.len() + 8);
        for c in clause.chars() {
            if c == '?' {
                let v = given.next().expect("one value per `?` in a filter clause");
                self.values.push(v);
                out.push('$');
                out.push_str(&self.values.len().to_string());
            } else {
                out.push(c);
            }
        }
        self.clauses.push(out);
    }

    pub(crate) fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}
