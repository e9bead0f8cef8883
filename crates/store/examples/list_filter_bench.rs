//! What the permission filter costs the partnership list: the store's list against the same
//! statements without the permission part, on an existing database (BENCHMARKS.md, "Permission
//! filtering").
//!
//! ```sh
//! cargo run --release -p partinnov-store --example list_filter_bench -- DATABASE_URL [ITERATIONS] [--explain] [--none]
//! ```
//!
//! Creates (once) two readers, `bench-filter-1@partinnov.test` in workspace `structure-1`
//! and `bench-filter-10@partinnov.test` in `structure-1` … `structure-10`, so the database
//! must come from `partinnov gen --scale 10` or more. Then, interleaved, ITERATIONS times
//! (default 300, after 30 untimed):
//!
//! - workspace list (`GET /api/v1/workspaces/{slug}/partnerships`): the permission check
//!   there is `Store::scope` (the membership lookup); `with` = `scope` + `partnerships`,
//!   `without` = `partnerships` with a scope obtained once before the loop;
//! - cross-workspace list (`GET /api/v1/partnerships`): the permission filter is the
//!   predicate `p.workspace_id IN (SELECT … FROM memberships …)`. `store` is
//!   `Store::partnerships_visible`; `with` is the same statements issued from here (a copy
//!   of the store's SQL: count, page, then partners, forms, objectives and holders of the
//!   page); `without` is that copy with the predicate replaced by the literal list of the
//!   caller's workspace ids (the same rows, checked), i.e. what the list costs when the
//!   application already knows where the caller may look. `none` drops the predicate
//!   altogether and lists every workspace's partnerships (other rows; for information,
//!   with `--none` only: it takes 100–200 ms an iteration at scale 1000).
//!
//! Prints medians and the overhead of `with` over `without`. `--explain` also prints the
//! plans of the count and page statements (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE).

use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use partinnov_domain::typology::{Family, PartnershipStatus};
use partinnov_store::{
    Caller, DatabaseUrl, Role, Store, UserId,
    partnerships::{PartnershipQuery, PartnershipSort},
    users::NewUser,
};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, FromQueryResult,
    Statement, Value,
};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

#[derive(Debug, Clone, FromQueryResult)]
#[allow(dead_code)] // decoded like the store's row, not read
struct Row {
    id: i64,
    workspace_id: i64,
    workspace_slug: String,
    version: i64,
    title: String,
    status: String,
    involvement: Option<i32>,
    priority: Option<String>,
    potential: Option<String>,
    means: String,
    governance: String,
    notes: String,
    last_interaction_on: Option<NaiveDate>,
    dormant_on: NaiveDate,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
#[allow(dead_code)]
struct P {
    partnership_id: i64,
    id: i64,
    name: String,
    siret: Option<String>,
    commune_code: Option<String>,
    commune_name: Option<String>,
    departement_code: Option<String>,
}

#[derive(FromQueryResult)]
#[allow(dead_code)]
struct F {
    partnership_id: i64,
    form: String,
    started_on: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
    note: String,
}

#[derive(FromQueryResult)]
#[allow(dead_code)]
struct O {
    partnership_id: i64,
    party: String,
    rank: i32,
    text: String,
}

#[derive(FromQueryResult)]
#[allow(dead_code)]
struct H {
    partnership_id: i64,
    id: i64,
    name: String,
}

// Copied from crates/store/src/partnerships.rs (`COLUMNS`, `list`, `load_many`).
const COLUMNS: &str = "p.id, p.workspace_id, w.slug AS workspace_slug, p.version, p.title, p.status, p.involvement, p.priority, \
     p.potential, p.means, p.governance, p.notes, p.last_interaction_on, p.dormant_on, p.created_at, p.updated_at, p.deleted_at";
const MEMBERSHIPS: &str = "p.workspace_id IN (SELECT m.workspace_id FROM memberships m WHERE m.user_id = ? AND (? IS NULL OR m.workspace_id = ?))";

/// The permission part of the cross-workspace list.
#[derive(Clone, Copy, PartialEq)]
enum Vis {
    /// The store's subquery on `memberships`.
    Memberships,
    /// `p.workspace_id IN (<the caller's workspace ids>)`.
    Literal,
    /// Nothing: every workspace.
    None,
}

#[derive(Default)]
struct Filter {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Filter {
    fn push(&mut self, clause: &str, values: impl IntoIterator<Item = Value>) {
        let mut given = values.into_iter();
        let mut out = String::new();
        for c in clause.chars() {
            if c == '?' {
                self.values.push(given.next().expect("a value per ?"));
                out.push_str(&format!("${}", self.values.len()));
            } else {
                out.push(c);
            }
        }
        self.clauses.push(out);
    }

    fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

fn order_by(s: PartnershipSort) -> &'static str {
    match s {
        PartnershipSort::Title => "p.title_folded, p.id",
        PartnershipSort::Updated => "p.updated_at DESC, p.id DESC",
        PartnershipSort::Priority => "p.priority_rank, p.title_folded, p.id",
        PartnershipSort::Activity => "p.activity_on, p.id",
    }
}

/// Count and page statements of the list, as the store builds them for the filters used here.
fn statements(
    backend: DbBackend,
    vis: Vis,
    caller: &Caller,
    workspaces: &[i64],
    q: &PartnershipQuery,
) -> (Statement, Statement) {
    let mut f = Filter::default();
    match vis {
        Vis::Memberships => f.push(
            MEMBERSHIPS,
            [
                caller.user_id.0.into(),
                caller.only_workspace.map(|w| w.0).into(),
                caller.only_workspace.map(|w| w.0).into(),
            ],
        ),
        Vis::Literal => {
            let marks = vec!["?"; workspaces.len()].join(", ");
            f.push(
                &format!("p.workspace_id IN ({marks})"),
                workspaces.iter().map(|w| Value::from(*w)),
            );
        }
        Vis::None => {}
    }
    f.push("p.deleted_at IS NULL", []);
    if let Some(family) = q.family {
        f.push(
            "EXISTS (SELECT 1 FROM partnership_forms pf WHERE pf.partnership_id = p.id AND pf.family = ?)",
            [family.as_str().into()],
        );
    }
    if let Some(status) = q.status {
        f.push("p.status = ?", [status.as_str().into()]);
    }
    if q.dormant == Some(true) {
        f.push(
            "p.status <> 'termine' AND p.dormant_on <= ?",
            [Utc::now().date_naive().into()],
        );
    }
    assert!(
        q.q.is_none() && q.form.is_none() && q.priority.is_none() && q.dormant != Some(false),
        "filter not copied here"
    );
    let where_sql = f.where_sql();
    let count = Statement::from_sql_and_values(
        backend,
        format!("SELECT COUNT(*) FROM partnerships p{where_sql}"),
        f.values.clone(),
    );
    let n = f.values.len() + 1;
    let mut vals = f.values;
    vals.extend([
        i64::from(q.per_page).into(),
        (i64::from(q.page - 1) * i64::from(q.per_page)).into(),
    ]);
    let page = Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT {COLUMNS} FROM partnerships p JOIN workspaces w ON w.id = p.workspace_id{where_sql} ORDER BY {} LIMIT ${n} OFFSET ${}",
            order_by(q.sort),
            n + 1
        ),
        vals,
    );
    (count, page)
}

fn all<T: FromQueryResult>(rows: &[sea_orm::QueryResult]) -> Res<Vec<T>> {
    Ok(rows
        .iter()
        .map(|r| T::from_query_result(r, ""))
        .collect::<Result<_, _>>()?)
}

/// The list through copied SQL: count, page, the page's children. Returns (total, page ids).
async fn raw_list(
    db: &DatabaseConnection,
    vis: Vis,
    caller: &Caller,
    workspaces: &[i64],
    q: &PartnershipQuery,
) -> Res<(i64, Vec<i64>)> {
    let (count, page) = statements(db.get_database_backend(), vis, caller, workspaces, q);
    let total: i64 = db
        .query_one_raw(count)
        .await?
        .map(|r| r.try_get_by_index::<Option<i64>>(0))
        .transpose()?
        .flatten()
        .unwrap_or(0);
    let rows: Vec<Row> = all(&db.query_all_raw(page).await?)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    if ids.is_empty() {
        return Ok((total, ids));
    }
    let marks = (1..=ids.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let vals: Vec<Value> = ids.iter().map(|i| Value::from(*i)).collect();
    let b = db.get_database_backend();
    let run = |sql: String| db.query_all_raw(Statement::from_sql_and_values(b, sql, vals.clone()));
    let _: Vec<P> = all(&run(format!(
        "SELECT pp.partnership_id, o.id, o.name, o.siret, o.commune_code, o.commune_name, o.departement_code FROM partnership_partners pp \
         JOIN organisations o ON o.id = pp.organisation_id WHERE pp.partnership_id IN ({marks}) ORDER BY pp.position, o.name"
    ))
    .await?)?;
    let _: Vec<F> = all(&run(format!(
        "SELECT partnership_id, form, started_on, ended_on, note FROM partnership_forms WHERE partnership_id IN ({marks}) \
         ORDER BY started_on IS NULL, started_on, id"
    ))
    .await?)?;
    let _: Vec<O> = all(&run(format!(
        "SELECT partnership_id, party, rank, text FROM partnership_objectives WHERE partnership_id IN ({marks}) ORDER BY rank, id"
    ))
    .await?)?;
    let _: Vec<H> = all(&run(format!(
        "SELECT h.partnership_id, u.id, u.name FROM partnership_holders h JOIN users u ON u.id = h.user_id \
         WHERE h.partnership_id IN ({marks}) ORDER BY u.name"
    ))
    .await?)?;
    Ok((total, ids))
}

async fn reader(store: &Store, k: usize) -> Res<(Caller, Vec<i64>)> {
    let email = format!("bench-filter-{k}@partinnov.test");
    let user = match store.user_by_email(&email).await? {
        Some(u) => UserId(u.id),
        None => {
            store
                .create_user(NewUser {
                    email: &email,
                    name: &format!("Lecteur de {k} espaces"),
                    password: "bench-filter-password",
                    is_admin: false,
                })
                .await?
        }
    };
    let mut ids = vec![];
    for i in 1..=k {
        let ws = store
            .workspace_id_by_slug(&format!("structure-{i}"))
            .await?;
        store.add_member_unchecked(ws, user, Role::Reader).await?;
        ids.push(ws.0);
    }
    ids.sort_unstable();
    let caller = Caller {
        user_id: user,
        name: String::new(),
        email,
        is_admin: false,
        only_workspace: None,
        read_only: true,
    };
    Ok((caller, ids))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn query(
    family: Option<Family>,
    status: Option<PartnershipStatus>,
    dormant: Option<bool>,
    sort: PartnershipSort,
) -> PartnershipQuery {
    PartnershipQuery {
        family,
        status,
        dormant,
        sort,
        page: 1,
        per_page: 50,
        ..PartnershipQuery::default()
    }
}

async fn explain(db: &DatabaseConnection, st: Statement) -> Res<()> {
    let prefix = match db.get_database_backend() {
        DbBackend::Sqlite => "EXPLAIN QUERY PLAN ",
        _ => "EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) ",
    };
    let st = Statement::from_sql_and_values(
        st.db_backend,
        format!("{prefix}{}", st.sql),
        st.values.map(|v| v.0).unwrap_or_default(),
    );
    println!("    {}", st.sql);
    for r in db.query_all_raw(st).await? {
        let line = match db.get_database_backend() {
            DbBackend::Sqlite => r.try_get_by_index::<String>(3)?,
            _ => r.try_get_by_index::<String>(0)?,
        };
        println!("      {line}");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let explain_plans = args.iter().any(|a| a == "--explain");
    let with_none = args.iter().any(|a| a == "--none");
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let Some(url) = pos.first() else {
        eprintln!("usage: list_filter_bench DATABASE_URL [ITERATIONS] [--explain] [--none]");
        std::process::exit(2);
    };
    let iterations: usize = pos.get(1).map(|s| s.parse()).transpose()?.unwrap_or(300);
    let url = DatabaseUrl::parse(url)?;
    let store = Store::connect(&url).await?;
    let mut opts = ConnectOptions::new(url.expose().to_owned());
    opts.sqlx_logging(false).max_connections(4);
    let db = Database::connect(opts).await?;

    let readers = [reader(&store, 1).await?, reader(&store, 10).await?];
    let scope = store.scope(&readers[0].0, "structure-1").await?;
    let ws_queries = [
        (
            "default (sort=title)",
            query(None, None, None, PartnershipSort::Title),
        ),
        (
            "status=actif&family=mecenat&sort=priority",
            query(
                Some(Family::Mecenat),
                Some(PartnershipStatus::Actif),
                None,
                PartnershipSort::Priority,
            ),
        ),
    ];
    let cross_queries = [
        (
            "default (sort=title)",
            query(None, None, None, PartnershipSort::Title),
        ),
        (
            "dormant=true",
            query(None, None, Some(true), PartnershipSort::Title),
        ),
    ];

    let total_partnerships: i64 = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM partnerships",
        ))
        .await?
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    println!(
        "{:?}, {total_partnerships} partnerships, {iterations} iterations (+30 untimed), medians in ms",
        db.get_database_backend()
    );

    // Same rows with and without the filter, or the comparison means nothing.
    for (caller, ids) in &readers {
        for (_, q) in &cross_queries {
            let store_page = store.partnerships_visible(caller, q).await?;
            let store_ids: Vec<i64> = store_page.items.iter().map(|p| p.id.0).collect();
            for vis in [Vis::Memberships, Vis::Literal] {
                let (total, got) = raw_list(&db, vis, caller, ids, q).await?;
                assert_eq!(
                    (total, &got),
                    (store_page.total, &store_ids),
                    "copied SQL differs from the store's list"
                );
            }
        }
    }

    // A workspace's list starts from its slug, with or without a permission: "with" finds
    // the workspace through the caller's membership (`Store::scope`, as the handler does);
    // "lookup" finds it by slug alone (`Store::operator_read_scope`, the command line's
    // unchecked way in), which is the same list without the permission; "list only" skips
    // finding the workspace at all (a scope kept from before the loop).
    println!(
        "\nworkspace list (structure-1, reader): permission = Store::scope (slug + membership)"
    );
    println!(
        "{:<44} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10}",
        "query", "total", "with", "lookup", "overhead", "list only", "vs list"
    );
    for (name, q) in &ws_queries {
        let mut times: [Vec<f64>; 3] = Default::default();
        let mut total = 0;
        for i in 0..iterations + 30 {
            for turn in 0..3 {
                let which = (turn + i) % 3;
                let t = Instant::now();
                let s = match which {
                    0 => store.scope(&readers[0].0, "structure-1").await?,
                    1 => store.operator_read_scope("structure-1").await?,
                    _ => scope.clone(),
                };
                total = store.partnerships(&s, q).await?.total;
                if i >= 30 {
                    times[which].push(t.elapsed().as_secs_f64() * 1000.0);
                }
            }
        }
        let m: Vec<f64> = times.iter_mut().map(|v| median(v)).collect();
        println!(
            "{name:<44} {total:>6} {:>9.3} {:>9.3} {:>8.1}% {:>9.3} {:>9.1}%",
            m[0],
            m[1],
            (m[0] / m[1] - 1.0) * 100.0,
            m[2],
            (m[0] / m[2] - 1.0) * 100.0
        );
    }

    println!(
        "\ncross-workspace list: permission = `p.workspace_id IN (SELECT … FROM memberships …)`"
    );
    println!(
        "{:<8} {:<22} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "reader", "query", "total", "store", "with", "without", "overhead", "none"
    );
    for (caller, ids) in &readers {
        for (name, q) in &cross_queries {
            let mut times: [Vec<f64>; 4] = Default::default();
            let mut total = 0;
            for i in 0..iterations + 30 {
                for turn in 0..4 {
                    let which = (turn + i) % 4;
                    let t = Instant::now();
                    match which {
                        0 => total = store.partnerships_visible(caller, q).await?.total,
                        1 => {
                            raw_list(&db, Vis::Memberships, caller, ids, q).await?;
                        }
                        2 => {
                            raw_list(&db, Vis::Literal, caller, ids, q).await?;
                        }
                        _ if with_none => {
                            raw_list(&db, Vis::None, caller, ids, q).await?;
                        }
                        _ => continue,
                    }
                    if i >= 30 {
                        times[which].push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                }
            }
            let m: Vec<f64> = times
                .iter_mut()
                .map(|v| if v.is_empty() { f64::NAN } else { median(v) })
                .collect();
            println!(
                "{:<8} {name:<22} {total:>6} {:>9.3} {:>9.3} {:>9.3} {:>8.1}% {:>9.3}",
                format!("{} ws", ids.len()),
                m[0],
                m[1],
                m[2],
                (m[1] / m[2] - 1.0) * 100.0,
                m[3]
            );
        }
    }

    if explain_plans {
        for (caller, ids) in &readers {
            for (name, q) in &cross_queries {
                for vis in [Vis::Memberships, Vis::Literal] {
                    println!(
                        "\nplan: {} ws, {name}, {}",
                        ids.len(),
                        if vis == Vis::Memberships {
                            "with (memberships)"
                        } else {
                            "without (literal ids)"
                        }
                    );
                    let (count, page) = statements(db.get_database_backend(), vis, caller, ids, q);
                    explain(&db, count).await?;
                    explain(&db, page).await?;
                }
            }
        }
    }
    Ok(())
}
