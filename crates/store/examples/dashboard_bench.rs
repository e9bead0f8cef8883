//! The workspace dashboard and a network's figures against hand-written GROUP BY queries on
//! the same database (BENCHMARKS.md, "Dashboards over a million outcomes", issue 7).
//!
//! ```sh
//! cargo run --release -p partinnov-store --example dashboard_bench -- DATABASE_URL [ITERATIONS] [--fill]
//! ```
//!
//! The database comes from `partinnov gen --scale 1000`. `--fill` first extends it, once,
//! to 1,000,000 outcomes and 200,000 flows spread over its partnerships (a fixed seed;
//! multi-row INSERTs of bound values), then runs `ANALYZE`. Then, interleaved, ITERATIONS
//! times (default 30, after 3 untimed):
//!
//! - the dashboard of workspace `structure-1` over 2019–2026: `Store::dashboard` against
//!   the same figures as plain GROUP BY statements on `outcomes` and `flows`;
//! - a network of ten workspaces (`structure-1` … `structure-10`, the reader
//!   `bench-network@partinnov.test`, created once): `Store::network_figures` against GROUP
//!   BY `workspace_id` statements over those ten ids.
//!
//! Both sides are checked to give the same figures before timing. The four variants run
//! in an order that changes every iteration, so that none always follows the same one: a
//! plain rotation made the hand-written dashboard always run right after the store's over
//! the same rows, and look 1.7× faster on SQLite for that reason alone.

use std::time::Instant;

use chrono::NaiveDate;
use partinnov_store::{Caller, DatabaseUrl, Role, Store, UserId, users::NewUser};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, FromQueryResult, Statement,
    Value,
};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const OUTCOMES: i64 = 1_000_000;
const FLOWS: i64 = 200_000;
const KINDS: [&str; 7] = [
    "mise_en_relation",
    "job_dating",
    "visite_entreprise",
    "pmsmp",
    "mise_a_disposition",
    "formation",
    "embauche",
];
const CATEGORIES: [&str; 4] = [
    "emploi_durable",
    "emploi_transition",
    "sortie_positive",
    "autre_sortie",
];
const FLOW_KINDS: [&str; 8] = [
    "vente",
    "sous_traitance",
    "cotraitance",
    "achat_clause_sociale",
    "don_financier",
    "don_nature",
    "mecenat_competences",
    "subvention",
];

/// SplitMix64, as in `partinnov gen`.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n.max(1)
    }
}

async fn scalar(db: &DatabaseConnection, sql: &str, vals: Vec<Value>) -> Res<i64> {
    let b = db.get_database_backend();
    Ok(db
        .query_one_raw(Statement::from_sql_and_values(b, sql, vals))
        .await?
        .map(|r| r.try_get_by_index::<Option<i64>>(0))
        .transpose()?
        .flatten()
        .unwrap_or(0))
}

async fn exec(db: &DatabaseConnection, sql: &str, vals: Vec<Value>) -> Res<()> {
    let b = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(b, sql, vals))
        .await?;
    Ok(())
}

fn marks(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let cols: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", cols.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds outcomes and flows up to 1,000,000 and 200,000, spread over every partnership.
async fn fill(db: &DatabaseConnection) -> Res<()> {
    #[derive(FromQueryResult)]
    struct P {
        id: i64,
        workspace_id: i64,
    }
    let b = db.get_database_backend();
    let parts: Vec<P> = db
        .query_all_raw(Statement::from_string(
            b,
            "SELECT id, workspace_id FROM partnerships ORDER BY id",
        ))
        .await?
        .iter()
        .map(|r| P::from_query_result(r, ""))
        .collect::<Result<_, _>>()?;
    if parts.is_empty() {
        return Err("no partnerships: run partinnov gen first".into());
    }
    let n = parts.len() as u64;
    let mut rng = Rng(0x4F55_5443_4F4D_4553);
    let base = NaiveDate::from_ymd_opt(2019, 1, 1).ok_or("date")?;
    let now = chrono::Utc::now();
    let have = scalar(db, "SELECT COUNT(*) FROM outcomes", vec![]).await?;
    let start = Instant::now();
    let batch = 400usize;
    let mut done = have;
    while done < OUTCOMES {
        let rows = batch.min(usize::try_from(OUTCOMES - done)?);
        let mut vals: Vec<Value> = Vec::with_capacity(rows * 10);
        for _ in 0..rows {
            let p = &parts[usize::try_from(rng.below(n))?];
            let kind = KINDS[usize::try_from(rng.below(KINDS.len() as u64))?];
            let started = base + chrono::Days::new(rng.below(2900));
            vals.push(p.workspace_id.into());
            vals.push(p.id.into());
            vals.push(format!("P-{}", rng.below(2000)).into());
            vals.push(kind.into());
            vals.push(started.into());
            vals.push((kind == "pmsmp").then(|| 1 + rng.below(20) as i32).into());
            vals.push(
                (kind == "mise_a_disposition")
                    .then(|| 7 + rng.below(300) as i32)
                    .into(),
            );
            vals.push((kind == "embauche").then_some("cdi").into());
            vals.push(
                (kind == "embauche")
                    .then(|| CATEGORIES[rng.below(4) as usize])
                    .into(),
            );
            vals.push(now.into());
        }
        exec(
            db,
            &format!(
                "INSERT INTO outcomes (workspace_id, partnership_id, person_ref, kind, started_on, days, hours, contract, category, created_at) VALUES {}",
                marks(rows, 10)
            ),
            vals,
        )
        .await?;
        done += rows as i64;
        if done % 100_000 == 0 {
            eprintln!("  {done} outcomes ({:.0} s)", start.elapsed().as_secs_f64());
        }
    }
    let mut done = scalar(db, "SELECT COUNT(*) FROM flows", vec![]).await?;
    while done < FLOWS {
        let rows = batch.min(usize::try_from(FLOWS - done)?);
        let mut vals: Vec<Value> = Vec::with_capacity(rows * 6);
        for _ in 0..rows {
            let p = &parts[usize::try_from(rng.below(n))?];
            vals.push(p.workspace_id.into());
            vals.push(p.id.into());
            vals.push(FLOW_KINDS[rng.below(FLOW_KINDS.len() as u64) as usize].into());
            vals.push((2019 + rng.below(8) as i32).into());
            vals.push((100 * (100 + rng.below(50_000) as i64)).into());
            vals.push(now.into());
        }
        exec(
            db,
            &format!(
                "INSERT INTO flows (workspace_id, partnership_id, kind, year, amount_cents, created_at) VALUES {}",
                marks(rows, 6)
            ),
            vals,
        )
        .await?;
        done += rows as i64;
    }
    exec(db, "ANALYZE", vec![]).await?;
    eprintln!(
        "filled: {} outcomes, {} flows in {:.0} s",
        scalar(db, "SELECT COUNT(*) FROM outcomes", vec![]).await?,
        scalar(db, "SELECT COUNT(*) FROM flows", vec![]).await?,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn member(store: &Store, email: &str, workspaces: usize) -> Res<(Caller, Vec<i64>)> {
    let user = match store.user_by_email(email).await? {
        Some(u) => UserId(u.id),
        None => {
            store
                .create_user(NewUser {
                    email,
                    name: "Banc d'essai",
                    password: "bench-network-password",
                    is_admin: false,
                })
                .await?
        }
    };
    let mut ids = vec![];
    for i in 1..=workspaces {
        let ws = store
            .workspace_id_by_slug(&format!("structure-{i}"))
            .await?;
        store.add_member_unchecked(ws, user, Role::Reader).await?;
        ids.push(ws.0);
    }
    Ok((
        Caller {
            user_id: user,
            name: String::new(),
            email: email.to_owned(),
            is_admin: false,
            only_workspace: None,
            read_only: true,
        },
        ids,
    ))
}

/// The dashboard's figures as plain GROUP BY statements; returns (people, exits, cents).
async fn hand_dashboard(
    db: &DatabaseConnection,
    ws: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Res<(i64, i64, i64)> {
    let live = "AND EXISTS (SELECT 1 FROM partnerships p WHERE p.id = o.partnership_id AND p.deleted_at IS NULL)";
    let v = || vec![ws.into(), from.into(), to.into()];
    let b = db.get_database_backend();
    let w = "o.workspace_id = $1 AND o.started_on >= $2 AND o.started_on <= $3";
    let people = scalar(
        db,
        &format!("SELECT COUNT(DISTINCT o.person_ref) FROM outcomes o WHERE {w} {live}"),
        v(),
    )
    .await?;
    db.query_all_raw(Statement::from_sql_and_values(
        b,
        format!("SELECT o.kind, COUNT(*) FROM outcomes o WHERE {w} {live} GROUP BY o.kind"),
        v(),
    ))
    .await?;
    let exits = db
        .query_all_raw(Statement::from_sql_and_values(
            b,
            format!("SELECT o.category, COUNT(*) FROM outcomes o WHERE {w} AND o.category IS NOT NULL {live} GROUP BY o.category"),
            v(),
        ))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<i64>(1))
        .sum::<Result<i64, _>>()?;
    scalar(
        db,
        &format!(
            "SELECT CAST(COALESCE(SUM(o.hours), 0) AS BIGINT) FROM outcomes o WHERE {w} {live}"
        ),
        v(),
    )
    .await?;
    scalar(
        db,
        &format!(
            "SELECT CAST(COALESCE(SUM(o.days), 0) AS BIGINT) FROM outcomes o WHERE {w} {live}"
        ),
        v(),
    )
    .await?;
    let fv = || {
        vec![
            ws.into(),
            chrono::Datelike::year(&from).into(),
            chrono::Datelike::year(&to).into(),
        ]
    };
    let f = "f.workspace_id = $1 AND f.year >= $2 AND f.year <= $3 \
             AND EXISTS (SELECT 1 FROM partnerships p WHERE p.id = f.partnership_id AND p.deleted_at IS NULL)";
    let cents = db
        .query_all_raw(Statement::from_sql_and_values(
            b,
            format!("SELECT f.year, f.kind, CAST(SUM(f.amount_cents) AS BIGINT) FROM flows f WHERE {f} GROUP BY f.year, f.kind"),
            fv(),
        ))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<i64>(2))
        .sum::<Result<i64, _>>()?;
    db.query_all_raw(Statement::from_sql_and_values(
        b,
        format!(
            "SELECT o.id, o.name, CAST(SUM(f.amount_cents) AS BIGINT) FROM flows f \
             JOIN partnership_partners pp ON pp.partnership_id = f.partnership_id AND pp.position = 0 \
             JOIN organisations o ON o.id = pp.organisation_id \
             WHERE {f} AND f.kind IN ('vente', 'sous_traitance', 'cotraitance', 'achat_clause_sociale') GROUP BY o.id, o.name"
        ),
        fv(),
    ))
    .await?;
    Ok((people, exits, cents))
}

/// A network's figures as GROUP BY workspace_id statements over the given ids; returns
/// the totals (outcomes, exits, cents).
async fn hand_network(
    db: &DatabaseConnection,
    ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Res<(i64, i64, i64)> {
    let b = db.get_database_backend();
    let list = ids
        .iter()
        .enumerate()
        .map(|(i, _)| format!("${}", i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let mut v: Vec<Value> = vec![from.into(), to.into()];
    v.extend(ids.iter().map(|i| Value::from(*i)));
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            b,
            format!(
                "SELECT o.workspace_id, COUNT(DISTINCT o.person_ref), COUNT(*), COUNT(o.category), \
                 SUM(CASE WHEN o.category = 'emploi_durable' THEN 1 ELSE 0 END), \
                 CAST(COALESCE(SUM(o.hours), 0) AS BIGINT), CAST(COALESCE(SUM(o.days), 0) AS BIGINT) \
                 FROM outcomes o JOIN partnerships p ON p.id = o.partnership_id AND p.deleted_at IS NULL \
                 WHERE o.workspace_id IN ({list}) AND o.started_on >= $1 AND o.started_on <= $2 \
                 GROUP BY o.workspace_id"
            ),
            v.clone(),
        ))
        .await?;
    let mut outcomes = 0;
    let mut exits = 0;
    for r in &rows {
        outcomes += r.try_get_by_index::<i64>(2)?;
        exits += r.try_get_by_index::<i64>(3)?;
    }
    let mut fv: Vec<Value> = vec![
        chrono::Datelike::year(&from).into(),
        chrono::Datelike::year(&to).into(),
    ];
    fv.extend(ids.iter().map(|i| Value::from(*i)));
    let cents = db
        .query_all_raw(Statement::from_sql_and_values(
            b,
            format!(
                "SELECT f.workspace_id, CAST(SUM(f.amount_cents) AS BIGINT) FROM flows f \
                 JOIN partnerships p ON p.id = f.partnership_id AND p.deleted_at IS NULL \
                 WHERE f.workspace_id IN ({list}) AND f.year >= $1 AND f.year <= $2 GROUP BY f.workspace_id"
            ),
            fv,
        ))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<i64>(1))
        .sum::<Result<i64, _>>()?;
    db.query_all_raw(Statement::from_sql_and_values(
        b,
        format!(
            "SELECT workspace_id, COUNT(*) FROM partnerships WHERE deleted_at IS NULL AND workspace_id IN ({}) GROUP BY workspace_id",
            ids.iter()
                .enumerate()
                .map(|(i, _)| format!("${}", i + 1))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ids.iter().map(|i| Value::from(*i)).collect::<Vec<_>>(),
    ))
    .await?;
    Ok((outcomes, exits, cents))
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

#[tokio::main]
async fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let Some(url) = pos.first() else {
        eprintln!("usage: dashboard_bench DATABASE_URL [ITERATIONS] [--fill]");
        std::process::exit(2);
    };
    let iterations: usize = pos.get(1).map(|s| s.parse()).transpose()?.unwrap_or(30);
    let url = DatabaseUrl::parse(url)?;
    let store = Store::connect(&url).await?;
    // The hand-written side gets a pool like the store's (`Store::connect`): as many
    // connections, each with its own page cache on SQLite.
    let mut opts = ConnectOptions::new(url.expose().to_owned());
    opts.sqlx_logging(false)
        .max_connections(if url.is_sqlite() { 8 } else { 16 })
        .min_connections(1);
    let db = Database::connect(opts).await?;
    if args.iter().any(|a| a == "--fill") {
        fill(&db).await?;
    }
    println!(
        "{:?}: {} partnerships, {} outcomes, {} flows; {iterations} iterations (+3 untimed), medians in ms",
        db.get_database_backend(),
        scalar(&db, "SELECT COUNT(*) FROM partnerships", vec![]).await?,
        scalar(&db, "SELECT COUNT(*) FROM outcomes", vec![]).await?,
        scalar(&db, "SELECT COUNT(*) FROM flows", vec![]).await?,
    );
    let from = NaiveDate::from_ymd_opt(2019, 1, 1).ok_or("date")?;
    let to = NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    let (one, _) = member(&store, "bench-network-1@partinnov.test", 1).await?;
    let (ten, ids) = member(&store, "bench-network@partinnov.test", 10).await?;
    let scope = store.scope(&one, "structure-1").await?;

    // The same figures on both sides, or the comparison means nothing.
    let d = store.dashboard(&scope, from, to).await?;
    let exits: i64 = d.exits_by_category.iter().map(|c| c.count).sum();
    let cents: i64 = d.flows.iter().map(|f| f.cents).sum();
    assert_eq!(
        (d.people, exits, cents),
        hand_dashboard(&db, scope.workspace_id.0, from, to).await?,
        "dashboard"
    );
    let net = store.network_figures(&ten, from, to).await?;
    assert_eq!(
        (net.total.outcomes, net.total.exits, net.total.flows_cents),
        hand_network(&db, &ids, from, to).await?,
        "network"
    );
    println!(
        "structure-1 over 2019-2026: {} people, {} exits; network of 10: {} outcomes",
        d.people, exits, net.total.outcomes
    );

    let mut t: [Vec<f64>; 4] = Default::default();
    for i in 0..iterations + 3 {
        for turn in 0..4 {
            // Each variant follows each other one in turn, so what one leaves in the
            // caches does not always favour the same neighbour.
            let which = [[0, 1, 2, 3], [1, 0, 3, 2], [2, 3, 1, 0], [3, 2, 0, 1]][i % 4][turn];
            let start = Instant::now();
            match which {
                0 => {
                    store.dashboard(&scope, from, to).await?;
                }
                1 => {
                    hand_dashboard(&db, scope.workspace_id.0, from, to).await?;
                }
                2 => {
                    store.network_figures(&ten, from, to).await?;
                }
                _ => {
                    hand_network(&db, &ids, from, to).await?;
                }
            }
            if i >= 3 {
                t[which].push(start.elapsed().as_secs_f64() * 1000.0);
            }
        }
    }
    let m: Vec<f64> = t.iter_mut().map(|v| median(v)).collect();
    println!("{:<34} {:>9} {:>9} {:>7}", "", "store", "GROUP BY", "ratio");
    println!(
        "{:<34} {:>9.2} {:>9.2} {:>6.2}×",
        "workspace dashboard (structure-1)",
        m[0],
        m[1],
        m[0] / m[1]
    );
    println!(
        "{:<34} {:>9.2} {:>9.2} {:>6.2}×",
        "network of 10 workspaces",
        m[2],
        m[3],
        m[2] / m[3]
    );
    Ok(())
}
