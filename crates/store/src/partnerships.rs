//! Partnerships of a workspace: forms with their dates, partners, objectives, holders;
//! filtered lists, optimistic concurrency, soft delete and restore, history.

use chrono::{DateTime, Months, NaiveDate, Utc};
use partinnov_domain::{
    text::fold,
    typology::{Family, Form, Involvement, ObjectiveParty, PartnershipStatus, Potential, Priority},
};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::{Deserialize, Serialize};

use crate::{
    Caller, OrganisationId, PartnershipId, Store, StoreError, UserId, WorkspaceId, WorkspaceScope,
    audit::{self, Action, AuditEvent, Record},
    db::{self, Filter},
    error::Result,
    organisations::{Page, corrupt},
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormPeriod {
    pub form: Form,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    #[serde(default)]
    pub note: String,
}

impl FormPeriod {
    /// A form is current on `day` when it has started (or has no start) and has not ended.
    pub fn is_current(&self, day: NaiveDate) -> bool {
        self.started_on.is_none_or(|s| s <= day) && self.ended_on.is_none_or(|e| e >= day)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objective {
    pub party: ObjectiveParty,
    pub rank: i32,
    pub text: String,
}

/// What a person enters about a partnership; also the audit snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnershipDraft {
    pub title: String,
    pub status: PartnershipStatus,
    pub involvement: Option<Involvement>,
    pub priority: Option<Priority>,
    pub potential: Option<Potential>,
    #[serde(default)]
    pub means: String,
    #[serde(default)]
    pub governance: String,
    #[serde(default)]
    pub notes: String,
    pub partners: Vec<OrganisationId>,
    #[serde(default)]
    pub forms: Vec<FormPeriod>,
    #[serde(default)]
    pub objectives: Vec<Objective>,
    #[serde(default)]
    pub holders: Vec<UserId>,
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct PartnerRef {
    pub id: i64,
    pub name: String,
    pub siret: Option<String>,
    pub commune_code: Option<String>,
    pub commune_name: Option<String>,
    pub departement_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct HolderRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Partnership {
    pub id: PartnershipId,
    pub workspace_id: WorkspaceId,
    pub workspace_slug: String,
    pub version: i64,
    #[serde(flatten)]
    pub data: PartnershipDraft,
    pub partner_refs: Vec<PartnerRef>,
    pub holder_refs: Vec<HolderRef>,
    pub last_interaction_on: Option<NaiveDate>,
    /// No interaction for the workspace's number of months (and not ended).
    pub dormant: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

impl Partnership {
    /// Families of the forms current on `day`, in typology order.
    pub fn current_families(&self, day: NaiveDate) -> Vec<Family> {
        let mut out: Vec<Family> = self
            .data
            .forms
            .iter()
            .filter(|f| f.is_current(day))
            .map(|f| f.form.family())
            .collect();
        out.sort_by_key(|f| Family::ALL.iter().position(|x| x == f));
        out.dedup();
        out
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnershipSort {
    #[default]
    Title,
    /// Most recently changed first.
    Updated,
    /// Highest priority first.
    Priority,
    /// Longest without activity first.
    Activity,
}

impl PartnershipSort {
    pub const ALL: [PartnershipSort; 4] =
        [Self::Title, Self::Updated, Self::Priority, Self::Activity];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Updated => "updated",
            Self::Priority => "priority",
            Self::Activity => "activity",
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            Self::Title => "p.title_folded, p.id",
            Self::Updated => "p.updated_at DESC, p.id DESC",
            Self::Priority => "p.priority_rank, p.title_folded, p.id",
            Self::Activity => "p.activity_on, p.id",
        }
    }
}

impl std::str::FromStr for PartnershipSort {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or(StoreError::Invalid {
                field: "sort",
                code: "unknown_code",
            })
    }
}

#[derive(Debug, Clone, Default)]
pub struct PartnershipQuery {
    /// Accent- and case-insensitive, on the title and the partners' names and communes.
    pub q: Option<String>,
    pub family: Option<Family>,
    pub form: Option<Form>,
    pub status: Option<PartnershipStatus>,
    pub partner_kind: Option<partinnov_domain::kind::StructureKind>,
    /// A partner's département code (régions have their own field, `region`).
    pub departement: Option<String>,
    pub region: Option<String>,
    pub holder: Option<UserId>,
    pub priority: Option<Priority>,
    pub dormant: Option<bool>,
    /// Deleted partnerships only (owners restore them from there).
    pub deleted: bool,
    pub sort: PartnershipSort,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, FromQueryResult)]
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

const COLUMNS: &str = "p.id, p.workspace_id, w.slug AS workspace_slug, p.version, p.title, p.status, p.involvement, p.priority, \
     p.potential, p.means, p.governance, p.notes, p.last_interaction_on, p.dormant_on, p.created_at, p.updated_at, p.deleted_at";

pub(crate) fn today() -> NaiveDate {
    crate::db::now().date_naive()
}

/// The day a partnership whose last activity was `activity` becomes dormant.
pub(crate) fn dormant_on(activity: NaiveDate, months: i32) -> NaiveDate {
    activity
        .checked_add_months(Months::new(months.max(1).unsigned_abs()))
        .unwrap_or(NaiveDate::MAX)
}

fn validate(d: &PartnershipDraft) -> Result<()> {
    if d.title.trim().is_empty() {
        return Err(StoreError::Invalid {
            field: "title",
            code: "required",
        });
    }
    if d.partners.is_empty() {
        return Err(StoreError::Invalid {
            field: "partners",
            code: "at_least_one_partner",
        });
    }
    for f in &d.forms {
        if let (Some(s), Some(e)) = (f.started_on, f.ended_on)
            && e < s
        {
            return Err(StoreError::Invalid {
                field: "forms",
                code: "end_before_start",
            });
        }
    }
    if d.objectives.iter().any(|o| o.text.trim().is_empty()) {
        return Err(StoreError::Invalid {
            field: "objectives",
            code: "required",
        });
    }
    Ok(())
}

fn base_values(d: &PartnershipDraft) -> Vec<Value> {
    vec![
        d.title.trim().into(),
        fold(&d.title).into(),
        d.status.as_str().into(),
        d.involvement.map(|i| i32::from(i.get())).into(),
        d.priority.map(|p| p.as_str()).into(),
        d.priority.map_or(9, |p| i32::from(p.rank())).into(),
        d.potential.map(|p| p.as_str()).into(),
        d.means.trim().into(),
        d.governance.trim().into(),
        d.notes.trim().into(),
    ]
}

/// Replaces partners, forms, objectives and holders. Partner organisations must exist
/// and holders must be members of the workspace: checked here, in SQL.
async fn write_children(
    c: &impl ConnectionTrait,
    ws: WorkspaceId,
    id: i64,
    d: &PartnershipDraft,
) -> Result<()> {
    for table in [
        "partnership_partners",
        "partnership_forms",
        "partnership_objectives",
        "partnership_holders",
    ] {
        db::exec(
            c,
            &format!("DELETE FROM {table} WHERE partnership_id = $1"),
            vec![id.into()],
        )
        .await?;
    }
    let mut seen = Vec::new();
    for (position, org) in d.partners.iter().enumerate() {
        if seen.contains(org) {
            continue;
        }
        seen.push(*org);
        let n = db::exec(
            c,
            "INSERT INTO partnership_partners (partnership_id, organisation_id, position) SELECT $1, id, $2 FROM organisations WHERE id = $3",
            vec![id.into(), i32::try_from(position).unwrap_or(i32::MAX).into(), org.0.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::Invalid {
                field: "partners",
                code: "unknown_organisation",
            });
        }
    }
    for f in &d.forms {
        db::exec(
            c,
            "INSERT INTO partnership_forms (partnership_id, form, family, started_on, ended_on, note) VALUES ($1, $2, $3, $4, $5, $6)",
            vec![
                id.into(),
                f.form.as_str().into(),
                f.form.family().as_str().into(),
                f.started_on.into(),
                f.ended_on.into(),
                f.note.trim().into(),
            ],
        )
        .await?;
    }
    for o in &d.objectives {
        db::exec(
            c,
            "INSERT INTO partnership_objectives (partnership_id, party, rank, text) VALUES ($1, $2, $3, $4)",
            vec![id.into(), o.party.as_str().into(), o.rank.into(), o.text.trim().into()],
        )
        .await?;
    }
    let mut holders = d.holders.clone();
    holders.sort();
    holders.dedup();
    for h in holders {
        let n = db::exec(
            c,
            "INSERT INTO partnership_holders (partnership_id, user_id) \
             SELECT $1, user_id FROM memberships WHERE user_id = $2 AND workspace_id = $3",
            vec![id.into(), h.0.into(), ws.0.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::Invalid {
                field: "holders",
                code: "not_a_member",
            });
        }
    }
    Ok(())
}

/// One row of the page's children, tagged by `kind`: partners, forms, objectives and
/// holders come back in a single `UNION ALL` statement instead of four, since each
/// statement costs a round trip that weighed more than its work (BENCHMARKS.md).
/// `k1`, `k2`, `k3` are sort keys; `k1` is also an objective's rank, `k3` the partner's
/// or holder's id.
#[derive(FromQueryResult)]
struct Child {
    kind: i64,
    partnership_id: i64,
    k1: i64,
    k3: i64,
    t1: String,
    t2: Option<String>,
    t3: Option<String>,
    t4: Option<String>,
    t5: Option<String>,
    started_on: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
}

const PARTNER: i64 = 0;
const FORM: i64 = 1;
const OBJECTIVE: i64 = 2;
const HOLDER: i64 = 3;

/// The children's statement for `n` partnership ids (placeholders `$1…$n`, shared by the
/// branches). Within a kind, rows come in the order each kind's own query had: partners by
/// position then name, forms undated last (SQLite sorts NULL first, PostgreSQL last) then
/// by start and id, objectives by rank then id, holders by name. Every `NULL` is cast, or
/// PostgreSQL would type the column `text` from the first branches; integers are cast to
/// `BIGINT` so that every branch agrees.
fn children_sql(n: usize) -> String {
    let marks = db::placeholders(1, n);
    format!(
        "SELECT CAST({PARTNER} AS BIGINT) AS kind, pp.partnership_id, CAST(pp.position AS BIGINT) AS k1, o.name AS k2, o.id AS k3, \
         o.name AS t1, o.siret AS t2, o.commune_code AS t3, o.commune_name AS t4, o.departement_code AS t5, \
         CAST(NULL AS DATE) AS started_on, CAST(NULL AS DATE) AS ended_on \
         FROM partnership_partners pp JOIN organisations o ON o.id = pp.organisation_id WHERE pp.partnership_id IN ({marks}) \
         UNION ALL \
         SELECT CAST({FORM} AS BIGINT), f.partnership_id, CAST(CASE WHEN f.started_on IS NULL THEN 1 ELSE 0 END AS BIGINT), \
         CAST(NULL AS TEXT), f.id, f.form, f.note, CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), f.started_on, f.ended_on \
         FROM partnership_forms f WHERE f.partnership_id IN ({marks}) \
         UNION ALL \
         SELECT CAST({OBJECTIVE} AS BIGINT), ob.partnership_id, CAST(ob.rank AS BIGINT), CAST(NULL AS TEXT), ob.id, ob.party, ob.text, \
         CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS DATE), CAST(NULL AS DATE) \
         FROM partnership_objectives ob WHERE ob.partnership_id IN ({marks}) \
         UNION ALL \
         SELECT CAST({HOLDER} AS BIGINT), h.partnership_id, CAST(0 AS BIGINT), u.name, u.id, u.name, CAST(NULL AS TEXT), \
         CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS DATE), CAST(NULL AS DATE) \
         FROM partnership_holders h JOIN users u ON u.id = h.user_id WHERE h.partnership_id IN ({marks}) \
         ORDER BY kind, k1, started_on, k2, k3"
    )
}

async fn load_many(c: &impl ConnectionTrait, rows: Vec<Row>) -> Result<Vec<Partnership>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<Value> = rows.iter().map(|r| r.id.into()).collect();
    let children: Vec<Child> = db::all(c, &children_sql(ids.len()), ids).await?;
    let of = |kind: i64, id: i64| {
        children
            .iter()
            .filter(move |x| x.kind == kind && x.partnership_id == id)
    };
    let day = today();
    rows.into_iter()
        .map(|r| {
            let status: PartnershipStatus = r.status.parse().map_err(|_| corrupt("status"))?;
            let data = PartnershipDraft {
                title: r.title,
                status,
                involvement: r
                    .involvement
                    .map(|i| {
                        u8::try_from(i)
                            .ok()
                            .and_then(|i| Involvement::new(i).ok())
                            .ok_or_else(|| corrupt("involvement"))
                    })
                    .transpose()?,
                priority: r
                    .priority
                    .map(|p| p.parse().map_err(|_| corrupt("priority")))
                    .transpose()?,
                potential: r
                    .potential
                    .map(|p| p.parse().map_err(|_| corrupt("potential")))
                    .transpose()?,
                means: r.means,
                governance: r.governance,
                notes: r.notes,
                partners: of(PARTNER, r.id).map(|p| OrganisationId(p.k3)).collect(),
                forms: of(FORM, r.id)
                    .map(|f| {
                        Ok(FormPeriod {
                            form: f.t1.parse().map_err(|_| corrupt("form"))?,
                            started_on: f.started_on,
                            ended_on: f.ended_on,
                            note: f.t2.clone().unwrap_or_default(),
                        })
                    })
                    .collect::<Result<_>>()?,
                objectives: of(OBJECTIVE, r.id)
                    .map(|o| {
                        Ok(Objective {
                            party: o.t1.parse().map_err(|_| corrupt("party"))?,
                            rank: i32::try_from(o.k1).map_err(|_| corrupt("rank"))?,
                            text: o.t2.clone().unwrap_or_default(),
                        })
                    })
                    .collect::<Result<_>>()?,
                holders: of(HOLDER, r.id).map(|h| UserId(h.k3)).collect(),
            };
            Ok(Partnership {
                id: PartnershipId(r.id),
                workspace_id: WorkspaceId(r.workspace_id),
                workspace_slug: r.workspace_slug,
                version: r.version,
                partner_refs: of(PARTNER, r.id)
                    .map(|p| PartnerRef {
                        id: p.k3,
                        name: p.t1.clone(),
                        siret: p.t2.clone(),
                        commune_code: p.t3.clone(),
                        commune_name: p.t4.clone(),
                        departement_code: p.t5.clone(),
                    })
                    .collect(),
                holder_refs: of(HOLDER, r.id)
                    .map(|h| HolderRef {
                        id: h.k3,
                        name: h.t1.clone(),
                    })
                    .collect(),
                last_interaction_on: r.last_interaction_on,
                dormant: status != PartnershipStatus::Termine && r.dormant_on <= day,
                created_at: r.created_at,
                updated_at: r.updated_at,
                deleted_at: r.deleted_at,
                data,
            })
        })
        .collect()
}

/// Which rows a caller may see: one workspace, or every workspace they hold a role in.
enum Visibility<'a> {
    Workspace(&'a WorkspaceScope),
    Caller(&'a Caller),
}

impl Visibility<'_> {
    fn push(&self, f: &mut Filter) {
        match self {
            Visibility::Workspace(s) => f.push("p.workspace_id = ?", [s.workspace_id.0.into()]),
            Visibility::Caller(c) => f.push(
                "p.workspace_id IN (SELECT m.workspace_id FROM memberships m WHERE m.user_id = ? AND (? IS NULL OR m.workspace_id = ?))",
                [c.user_id.0.into(), c.only_workspace.map(|w| w.0).into(), c.only_workspace.map(|w| w.0).into()],
            ),
        }
    }
}

async fn list(
    c: &impl ConnectionTrait,
    vis: Visibility<'_>,
    q: &PartnershipQuery,
) -> Result<Page<Partnership>> {
    let mut f = Filter::default();
    vis.push(&mut f);
    f.push(
        if q.deleted {
            "p.deleted_at IS NOT NULL"
        } else {
            "p.deleted_at IS NULL"
        },
        [],
    );
    if let Some(text) = q.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
        let like = format!("%{text}%");
        f.push(
            "(p.title_folded LIKE ? OR EXISTS (SELECT 1 FROM partnership_partners pp JOIN organisations o ON o.id = pp.organisation_id \
             WHERE pp.partnership_id = p.id AND o.name_folded LIKE ?))",
            [like.clone().into(), like.into()],
        );
    }
    if let Some(family) = q.family {
        f.push("EXISTS (SELECT 1 FROM partnership_forms pf WHERE pf.partnership_id = p.id AND pf.family = ?)", [family.as_str().into()]);
    }
    if let Some(form) = q.form {
        f.push("EXISTS (SELECT 1 FROM partnership_forms pf WHERE pf.partnership_id = p.id AND pf.form = ?)", [form.as_str().into()]);
    }
    if let Some(status) = q.status {
        f.push("p.status = ?", [status.as_str().into()]);
    }
    if let Some(kind) = q.partner_kind {
        f.push(
            "EXISTS (SELECT 1 FROM partnership_partners pp JOIN organisation_kinds k ON k.organisation_id = pp.organisation_id \
             WHERE pp.partnership_id = p.id AND k.kind = ?)",
            [kind.as_str().into()],
        );
    }
    if let Some(dep) = &q.departement {
        f.push(
            "EXISTS (SELECT 1 FROM partnership_partners pp JOIN organisations o ON o.id = pp.organisation_id \
             WHERE pp.partnership_id = p.id AND o.departement_code = ?)",
            [dep.clone().into()],
        );
    }
    if let Some(region) = &q.region {
        f.push(
            "EXISTS (SELECT 1 FROM partnership_partners pp JOIN organisations o ON o.id = pp.organisation_id \
             WHERE pp.partnership_id = p.id AND o.region_code = ?)",
            [region.clone().into()],
        );
    }
    if let Some(holder) = q.holder {
        f.push("EXISTS (SELECT 1 FROM partnership_holders h WHERE h.partnership_id = p.id AND h.user_id = ?)", [holder.0.into()]);
    }
    if let Some(priority) = q.priority {
        f.push("p.priority = ?", [priority.as_str().into()]);
    }
    match q.dormant {
        Some(true) => f.push(
            "p.status <> 'termine' AND p.dormant_on <= ?",
            [today().into()],
        ),
        Some(false) => f.push(
            "(p.status = 'termine' OR p.dormant_on > ?)",
            [today().into()],
        ),
        None => {}
    }
    let where_sql = f.where_sql();
    let per_page = q.per_page.clamp(1, 500);
    let page = q.page.max(1);
    let n = f.next();
    let mut vals = f.values.clone();
    vals.extend([
        i64::from(per_page).into(),
        (i64::from(page - 1) * i64::from(per_page)).into(),
    ]);
    // The total comes with the page (`COUNT(*) OVER ()` is computed before LIMIT), which
    // saves the separate COUNT statement and its round trip; only a page past the end,
    // which has no row to carry it, needs that COUNT.
    let found = c
        .query_all_raw(db::stmt(
            c.get_database_backend(),
            &format!(
                "SELECT {COLUMNS}, COUNT(*) OVER () AS total FROM partnerships p JOIN workspaces w ON w.id = p.workspace_id{where_sql} \
                 ORDER BY {} LIMIT ${n} OFFSET ${}",
                q.sort.order_by(),
                n + 1
            ),
            vals,
        ))
        .await?;
    let total = match found.first() {
        Some(r) => r.try_get::<i64>("", "total")?,
        None if page == 1 => 0,
        None => {
            db::scalar(
                c,
                &format!("SELECT COUNT(*) FROM partnerships p{where_sql}"),
                f.values,
            )
            .await?
        }
    };
    let rows = found
        .iter()
        .map(|r| Row::from_query_result(r, ""))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(Page {
        items: load_many(c, rows).await?,
        total,
        page,
        per_page,
    })
}

async fn fetch(
    c: &impl ConnectionTrait,
    scope: &WorkspaceScope,
    id: PartnershipId,
    deleted: bool,
) -> Result<Partnership> {
    fetch_in(c, scope.workspace_id, id, deleted).await
}

/// A partnership of workspace `ws` (callers have checked the caller's access to `ws`).
pub(crate) async fn fetch_in(
    c: &impl ConnectionTrait,
    ws: WorkspaceId,
    id: PartnershipId,
    deleted: bool,
) -> Result<Partnership> {
    let rows: Vec<Row> = db::all(
        c,
        &format!(
            "SELECT {COLUMNS} FROM partnerships p JOIN workspaces w ON w.id = p.workspace_id \
             WHERE p.id = $1 AND p.workspace_id = $2 AND (p.deleted_at IS NOT NULL) = $3"
        ),
        vec![id.0.into(), ws.0.into(), deleted.into()],
    )
    .await?;
    load_many(c, rows)
        .await?
        .pop()
        .ok_or(StoreError::not_found("partnership"))
}

/// Inserts a partnership in an open transaction (also used by the demo and generator).
pub(crate) async fn insert_partnership(
    c: &impl ConnectionTrait,
    ws: WorkspaceId,
    dormant_months: i32,
    user: Option<UserId>,
    d: &PartnershipDraft,
    created_on: NaiveDate,
) -> Result<PartnershipId> {
    validate(d)?;
    let now = crate::db::now();
    let mut vals = base_values(d);
    vals.extend([
        ws.0.into(),
        created_on.into(),
        dormant_on(created_on, dormant_months).into(),
        now.into(),
        now.into(),
    ]);
    let id = db::insert_id(
        c,
        "INSERT INTO partnerships (title, title_folded, status, involvement, priority, priority_rank, potential, means, governance, notes, \
         workspace_id, activity_on, dormant_on, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        vals,
    )
    .await?;
    write_children(c, ws, id, d).await?;
    audit::record(
        c,
        Record {
            workspace: Some(ws),
            user,
            entity: "partnership",
            entity_id: id,
            action: Action::Create,
            before: None,
            after: Some(d),
        },
    )
    .await?;
    Ok(PartnershipId(id))
}

impl Store {
    pub async fn create_partnership(
        &self,
        scope: &WorkspaceScope,
        d: &PartnershipDraft,
    ) -> Result<Partnership> {
        scope.require_write()?;
        let txn = self.write().await?;
        let id = insert_partnership(
            &txn,
            scope.workspace_id,
            scope.dormant_months,
            Some(scope.user_id),
            d,
            today(),
        )
        .await?;
        let saved = fetch(&txn, scope, id, false).await?;
        txn.commit().await?;
        Ok(saved)
    }

    pub async fn partnership(
        &self,
        scope: &WorkspaceScope,
        id: PartnershipId,
    ) -> Result<Partnership> {
        fetch(&self.db, scope, id, false).await
    }

    /// Finds a partnership among all the caller's workspaces (for `/api/v1/partnerships/{id}`),
    /// and returns it with the caller's scope in its workspace.
    pub async fn partnership_any(
        &self,
        caller: &Caller,
        id: PartnershipId,
    ) -> Result<(WorkspaceScope, Partnership)> {
        let slug: Option<SlugRow> = db::one(
            &self.db,
            "SELECT w.slug FROM partnerships p JOIN workspaces w ON w.id = p.workspace_id \
             JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1 \
             WHERE p.id = $2 AND p.deleted_at IS NULL AND ($3 IS NULL OR w.id = $3)",
            vec![
                caller.user_id.0.into(),
                id.0.into(),
                caller.only_workspace.map(|w| w.0).into(),
            ],
        )
        .await?;
        let slug = slug.ok_or(StoreError::not_found("partnership"))?.slug;
        let scope = self.scope(caller, &slug).await?;
        let p = self.partnership(&scope, id).await?;
        Ok((scope, p))
    }

    /// Saves `d` over the partnership if it is still at `version`; otherwise `Conflict`
    /// with the current version, and nothing changes.
    pub async fn update_partnership(
        &self,
        scope: &WorkspaceScope,
        id: PartnershipId,
        version: i64,
        d: &PartnershipDraft,
    ) -> Result<Partnership> {
        scope.require_write()?;
        validate(d)?;
        let txn = self.write().await?;
        update_partnership_in(
            &txn,
            scope.workspace_id,
            Some(scope.user_id),
            id,
            version,
            d,
        )
        .await?;
        let saved = fetch(&txn, scope, id, false).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Soft-deletes: the row stays so that an owner can restore it.
    pub async fn delete_partnership(
        &self,
        scope: &WorkspaceScope,
        id: PartnershipId,
        version: Option<i64>,
    ) -> Result<()> {
        scope.require_write()?;
        let txn = self.write().await?;
        let before = fetch(&txn, scope, id, false).await?;
        if let Some(v) = version
            && v != before.version
        {
            return Err(StoreError::Conflict {
                current: before.version,
            });
        }
        // Only the row as read: a concurrent update must not be deleted unseen.
        let n = db::exec(
            &txn,
            "UPDATE partnerships SET deleted_at = $1, version = version + 1 \
             WHERE id = $2 AND workspace_id = $3 AND version = $4 AND deleted_at IS NULL",
            vec![
                crate::db::now().into(),
                id.0.into(),
                scope.workspace_id.0.into(),
                before.version.into(),
            ],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::Conflict {
                current: current_version(&txn, scope.workspace_id, id).await?,
            });
        }
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "partnership",
                entity_id: id.0,
                action: Action::Delete,
                before: Some(&before.data),
                after: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Brings back a deleted partnership. Owners only.
    pub async fn restore_partnership(
        &self,
        scope: &WorkspaceScope,
        id: PartnershipId,
    ) -> Result<Partnership> {
        scope.require_owner()?;
        let txn = self.write().await?;
        let deleted = fetch(&txn, scope, id, true).await?;
        db::exec(
            &txn,
            "UPDATE partnerships SET deleted_at = NULL, version = version + 1, updated_at = $1 WHERE id = $2 AND workspace_id = $3",
            vec![crate::db::now().into(), id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "partnership",
                entity_id: id.0,
                action: Action::Restore,
                before: None,
                after: Some(&deleted.data),
            },
        )
        .await?;
        let saved = fetch(&txn, scope, id, false).await?;
        txn.commit().await?;
        Ok(saved)
    }

    pub async fn partnerships(
        &self,
        scope: &WorkspaceScope,
        q: &PartnershipQuery,
    ) -> Result<Page<Partnership>> {
        list(&self.db, Visibility::Workspace(scope), q).await
    }

    /// Partnerships of every workspace the caller holds a role in.
    pub async fn partnerships_visible(
        &self,
        caller: &Caller,
        q: &PartnershipQuery,
    ) -> Result<Page<Partnership>> {
        list(&self.db, Visibility::Caller(caller), q).await
    }

    pub async fn partnership_history(
        &self,
        scope: &WorkspaceScope,
        id: PartnershipId,
    ) -> Result<Vec<AuditEvent>> {
        let exists = db::scalar(
            &self.db,
            "SELECT COUNT(*) FROM partnerships WHERE id = $1 AND workspace_id = $2",
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        if exists == 0 {
            return Err(StoreError::not_found("partnership"));
        }
        audit::history(&self.db, "partnership", id.0).await
    }
}

/// The version a partnership of the scope's workspace is at now.
async fn current_version(
    c: &impl ConnectionTrait,
    ws: WorkspaceId,
    id: PartnershipId,
) -> Result<i64> {
    db::scalar(
        c,
        "SELECT version FROM partnerships WHERE id = $1 AND workspace_id = $2",
        vec![id.0.into(), ws.0.into()],
    )
    .await
}

#[derive(FromQueryResult)]
struct SlugRow {
    slug: String,
}

/// Saves `d` over partnership `id` of workspace `ws` if it is still at `version`, in an
/// open transaction, with its audit event (also used by imports).
pub(crate) async fn update_partnership_in(
    c: &impl ConnectionTrait,
    ws: WorkspaceId,
    user: Option<UserId>,
    id: PartnershipId,
    version: i64,
    d: &PartnershipDraft,
) -> Result<()> {
    validate(d)?;
    let before = fetch_in(c, ws, id, false).await?;
    if before.version != version {
        return Err(StoreError::Conflict {
            current: before.version,
        });
    }
    let mut vals = base_values(d);
    vals.extend([
        crate::db::now().into(),
        id.0.into(),
        ws.0.into(),
        version.into(),
    ]);
    let n = db::exec(
        c,
        "UPDATE partnerships SET title = $1, title_folded = $2, status = $3, involvement = $4, priority = $5, priority_rank = $6, \
         potential = $7, means = $8, governance = $9, notes = $10, updated_at = $11, version = version + 1 \
         WHERE id = $12 AND workspace_id = $13 AND version = $14 AND deleted_at IS NULL",
        vals,
    )
    .await?;
    if n == 0 {
        // Changed by a concurrent writer after our read (PostgreSQL lets both read):
        // report the version it is at now, not the one we read.
        return Err(StoreError::Conflict {
            current: current_version(c, ws, id).await?,
        });
    }
    write_children(c, ws, id.0, d).await?;
    audit::record(
        c,
        Record {
            workspace: Some(ws),
            user,
            entity: "partnership",
            entity_id: id.0,
            action: Action::Update,
            before: Some(&before.data),
            after: Some(d),
        },
    )
    .await?;
    Ok(())
}
