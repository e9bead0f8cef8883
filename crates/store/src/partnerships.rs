//! Partnerships of a workspace: forms with their dates, partners, objectives, holders;
//! filtered lists, optimistic concurrency, soft delete and restore, history.

use chrono::{DateTime, Months, NaiveDate, Utc};
use partinnov_domain::{
    text::fold,
    typology::{Family, Form, Involvement, ObjectiveParty, PartnershipStatus, Potential, Priority},
};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};
use serde::{Deserialize, Serialize};

use crate::{
    Caller, OrganisationId, PartnershipId, Store, StoreError, UserId, WorkspaceId, WorkspaceScope,
    audit::{self, Action, AuditEvent, Record},
    db::{self, Filter},
    dialect,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct PartnerRef {
    pub id: i64,
    pub name: String,
    pub siret: Option<String>,
    pub commune_code: Option<String>,
    pub commune_name: Option<String>,
    pub departement_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
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
    partners_json: String,
    forms_json: String,
    objectives_json: String,
    holders_json: String,
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

/// The children of each partnership, aggregated in its own row as four JSON arrays:
/// partners, forms, objectives, holders. A list page is then one statement returning one
/// row per partnership, instead of the page plus a statement whose rows were the children
/// (five or so per partnership). On SQLite each row and each statement is a hop between
/// sqlx's worker thread and the request's task, which weighed more than the queries
/// themselves (BENCHMARKS.md). Arrays are unordered here; [`assemble`] sorts them.
fn children_columns(backend: DbBackend) -> String {
    // (array, element, FROM … WHERE … tied to p.id, column alias)
    let parts = [
        (
            "pp.position, o.id, o.name, o.siret, o.commune_code, o.commune_name, o.departement_code",
            "partnership_partners pp JOIN organisations o ON o.id = pp.organisation_id WHERE pp.partnership_id = p.id",
            "partners_json",
        ),
        (
            "f.id, f.form, f.note, f.started_on, f.ended_on",
            "partnership_forms f WHERE f.partnership_id = p.id",
            "forms_json",
        ),
        (
            "ob.id, ob.rank, ob.party, ob.text",
            "partnership_objectives ob WHERE ob.partnership_id = p.id",
            "objectives_json",
        ),
        (
            "u.id, u.name",
            "partnership_holders h JOIN users u ON u.id = h.user_id WHERE h.partnership_id = p.id",
            "holders_json",
        ),
    ];
    parts
        .iter()
        .map(|(element, from, alias)| match backend {
            DbBackend::Sqlite => {
                format!("(SELECT json_group_array(json_array({element})) FROM {from}) AS {alias}")
            }
            // json_agg of no row is NULL, not an empty array.
            _ => format!(
                "(SELECT COALESCE(CAST(json_agg(json_build_array({element})) AS TEXT), '[]') FROM {from}) AS {alias}"
            ),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One element of `partners_json`: position, id, name, SIRET, commune code and name,
/// département code.
type PartnerJson = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);
/// One element of `forms_json`: id, form code, note, start, end.
type FormJson = (
    i64,
    String,
    Option<String>,
    Option<NaiveDate>,
    Option<NaiveDate>,
);
/// One element of `objectives_json`: id, rank, party, text.
type ObjectiveJson = (i64, i64, String, Option<String>);
/// One element of `holders_json`: user id, name.
type HolderJson = (i64, String);

fn children<T: serde::de::DeserializeOwned>(json: &str, field: &'static str) -> Result<Vec<T>> {
    serde_json::from_str(json).map_err(|_| corrupt(field))
}

/// Builds partnerships from rows read with [`COLUMNS`] and [`children_columns`]. Children
/// come in the order the interface shows them: partners by position (then name, id),
/// forms dated first by start (then id), objectives by rank (then id), holders by name.
fn assemble(rows: Vec<Row>) -> Result<Vec<Partnership>> {
    let day = today();
    rows.into_iter()
        .map(|r| {
            let mut partners: Vec<PartnerJson> = children(&r.partners_json, "partners")?;
            partners.sort_by(|a, b| (a.0, &a.2, a.1).cmp(&(b.0, &b.2, b.1)));
            let mut forms: Vec<FormJson> = children(&r.forms_json, "forms")?;
            forms.sort_by_key(|f| (f.3.is_none(), f.3, f.0));
            let mut objectives: Vec<ObjectiveJson> = children(&r.objectives_json, "objectives")?;
            objectives.sort_by_key(|o| (o.1, o.0));
            let mut holders: Vec<HolderJson> = children(&r.holders_json, "holders")?;
            holders.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
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
                partners: partners.iter().map(|p| OrganisationId(p.1)).collect(),
                forms: forms
                    .into_iter()
                    .map(|(_, form, note, started_on, ended_on)| {
                        Ok(FormPeriod {
                            form: form.parse().map_err(|_| corrupt("form"))?,
                            started_on,
                            ended_on,
                            note: note.unwrap_or_default(),
                        })
                    })
                    .collect::<Result<_>>()?,
                objectives: objectives
                    .into_iter()
                    .map(|(_, rank, party, text)| {
                        Ok(Objective {
                            party: party.parse().map_err(|_| corrupt("party"))?,
                            rank: i32::try_from(rank).map_err(|_| corrupt("rank"))?,
                            text: text.unwrap_or_default(),
                        })
                    })
                    .collect::<Result<_>>()?,
                holders: holders.iter().map(|h| UserId(h.0)).collect(),
            };
            Ok(Partnership {
                id: PartnershipId(r.id),
                workspace_id: WorkspaceId(r.workspace_id),
                workspace_slug: r.workspace_slug,
                version: r.version,
                partner_refs: partners
                    .into_iter()
                    .map(
                        |(_, id, name, siret, commune_code, commune_name, departement_code)| {
                            PartnerRef {
                                id,
                                name,
                                siret,
                                commune_code,
                                commune_name,
                                departement_code,
                            }
                        },
                    )
                    .collect(),
                holder_refs: holders
                    .into_iter()
                    .map(|(id, name)| HolderRef { id, name })
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

/// Which rows a caller may see: one workspace, every workspace they hold a role in, or
/// the workspace called `slug` if they hold a role in it.
enum Visibility<'a> {
    Workspace(&'a WorkspaceScope),
    Caller(&'a Caller),
    Slug(&'a Caller, &'a str),
}

impl Visibility<'_> {
    fn push(&self, f: &mut Filter) {
        match self {
            Visibility::Workspace(s) => f.push("p.workspace_id = ?", [s.workspace_id.0.into()]),
            Visibility::Caller(c) => f.push(
                "p.workspace_id IN (SELECT m.workspace_id FROM memberships m WHERE m.user_id = ? AND (? IS NULL OR m.workspace_id = ?))",
                [c.user_id.0.into(), c.only_workspace.map(|w| w.0).into(), c.only_workspace.map(|w| w.0).into()],
            ),
            Visibility::Slug(c, slug) => f.push(
                "p.workspace_id = (SELECT m.workspace_id FROM memberships m JOIN workspaces ws ON ws.id = m.workspace_id \
                 WHERE m.user_id = ? AND ws.slug = ? AND (? IS NULL OR m.workspace_id = ?))",
                [c.user_id.0.into(), (*slug).into(), c.only_workspace.map(|w| w.0).into(), c.only_workspace.map(|w| w.0).into()],
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
        let backend = c.get_database_backend();
        f.push(
            &format!(
                "({} > 0 OR EXISTS (SELECT 1 FROM partnership_partners pp JOIN organisations o ON o.id = pp.organisation_id \
                 WHERE pp.partnership_id = p.id AND {} > 0))",
                dialect::position(backend, "p.title_folded", "?"),
                dialect::position(backend, "o.name_folded", "?"),
            ),
            [text.clone().into(), text.into()],
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
    let paging = db::Paging::new(q.page, q.per_page);
    // The total comes with the page (`COUNT(*) OVER ()` is computed before LIMIT), which
    // saves the separate COUNT statement and its round trip; only a page past the end,
    // which has no row to carry it, needs that COUNT. The children are aggregated for the
    // page's rows only, once LIMIT has kept them.
    let order = q.sort.order_by();
    let found = c
        .query_all_raw(db::stmt(
            c.get_database_backend(),
            &format!(
                "WITH page AS (SELECT {COLUMNS}, p.title_folded, p.priority_rank, p.activity_on, COUNT(*) OVER () AS total \
                 FROM partnerships p JOIN workspaces w ON w.id = p.workspace_id{where_sql} \
                 ORDER BY {order} {}) \
                 SELECT p.*, {} FROM page p ORDER BY {order}",
                paging.sql(),
                children_columns(c.get_database_backend()),
            ),
            f.values.clone(),
        ))
        .await?;
    let total = match found.first() {
        Some(r) => r.try_get::<i64>("", "total")?,
        None if paging.page == 1 => 0,
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
        items: assemble(rows)?,
        total,
        page: paging.page,
        per_page: paging.per_page,
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
            "SELECT {COLUMNS}, {} FROM partnerships p JOIN workspaces w ON w.id = p.workspace_id \
             WHERE p.id = $1 AND p.workspace_id = $2 AND (p.deleted_at IS NOT NULL) = $3",
            children_columns(c.get_database_backend())
        ),
        vec![id.0.into(), ws.0.into(), deleted.into()],
    )
    .await?;
    assemble(rows)?
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

    /// Partnerships of the workspace called `slug`, as [`Store::partnerships`] gives them
    /// once [`Store::scope`] has let the caller in, in one statement instead of two: the
    /// membership is checked inside the page's query. An empty page costs the second
    /// statement, to tell a workspace the caller may not see ("not found", as from
    /// `scope`) from one with nothing to show.
    pub async fn partnerships_by_slug(
        &self,
        caller: &Caller,
        slug: &str,
        q: &PartnershipQuery,
    ) -> Result<Page<Partnership>> {
        let page = list(&self.db, Visibility::Slug(caller, slug), q).await?;
        if page.items.is_empty() {
            self.scope(caller, slug).await?;
        }
        Ok(page)
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
