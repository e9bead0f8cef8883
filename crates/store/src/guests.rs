//! Guests of a workspace: people from outside its team.
//!
//! - An **invited partner** represents one organisation. It sees only the live
//!   partnerships where that organisation is a party, with what the two sides share
//!   (title, status, forms, objectives, means, governance, who holds the relationship, the
//!   evaluations) and never the team's internal judgement (notes, priority, potential,
//!   involvement), interactions, contacts or outcomes. It comments those partnerships and
//!   adds its own measurements to their evaluations, marked as filled by the partner.
//! - An **observer** reads only aggregates: counts and totals without a name.
//!
//! Guests are kept in `workspace_guests`, never in `memberships`, so [`Store::scope`] and
//! every query written for the team ignore them. A [`GuestScope`] comes only from
//! [`Store::guest_scope`], which checks the guest's row in SQL; every query below filters
//! on it again (the partner's organisation is a party of the partnership, in the same
//! statement that reads it).

use std::{fmt, str::FromStr};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::FromQueryResult;
use serde::{Deserialize, Serialize};

use crate::{
    Caller, EvaluationId, IndicatorId, OrganisationId, PartnershipId, Role, Store, StoreError,
    UserId, WorkspaceId, WorkspaceScope,
    audit::{self, Action, Record},
    db,
    error::Result,
    evaluations::{Evaluation, EvaluationSummary, Indicator, Measurement, MeasurementDraft},
    flows::Dashboard,
    partnerships::{FormPeriod, HolderRef, Objective, PartnerRef},
    people::CountBy,
};

/// Longest comment accepted, in characters.
pub const COMMENT_MAX_CHARS: usize = 5_000;

/// What a guest may do in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuestRole {
    /// An invited partner: the partnerships of its organisation.
    Partner,
    /// Aggregates only.
    Observer,
}

impl GuestRole {
    pub const ALL: [GuestRole; 2] = [GuestRole::Partner, GuestRole::Observer];

    pub fn as_str(self) -> &'static str {
        match self {
            GuestRole::Partner => "partner",
            GuestRole::Observer => "observer",
        }
    }
}

impl FromStr for GuestRole {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self> {
        GuestRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(StoreError::Invalid {
                field: "role",
                code: "unknown_role",
            })
    }
}

impl fmt::Display for GuestRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A guest inside one workspace. Obtained only from [`Store::guest_scope`].
#[derive(Debug, Clone)]
pub struct GuestScope {
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    pub slug: String,
    /// The workspace's name.
    pub name: String,
    pub role: GuestRole,
    /// The organisation an invited partner represents (always set for a partner).
    pub organisation_id: Option<OrganisationId>,
    pub organisation_name: Option<String>,
    pub read_only: bool,
    dormant_months: i32,
}

impl GuestScope {
    /// The partner's organisation, or `Forbidden` for an observer.
    fn partner_organisation(&self) -> Result<OrganisationId> {
        match (self.role, self.organisation_id) {
            (GuestRole::Partner, Some(org)) => Ok(org),
            _ => Err(StoreError::Forbidden),
        }
    }

    fn require_write(&self) -> Result<()> {
        if self.read_only {
            Err(StoreError::Forbidden)
        } else {
            Ok(())
        }
    }

    /// A read scope for reusing the team's readers, only ever built after the guest's
    /// right to the row being read was checked in SQL. Never leaves this module.
    fn reader(&self) -> WorkspaceScope {
        WorkspaceScope {
            user_id: self.user_id,
            workspace_id: self.workspace_id,
            slug: self.slug.clone(),
            name: self.name.clone(),
            role: Role::Reader,
            read_only: true,
            dormant_months: self.dormant_months,
        }
    }
}

/// A workspace where the caller is a guest, for the home page.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct GuestSpace {
    pub slug: String,
    pub name: String,
    pub role: String,
    pub organisation_name: Option<String>,
}

/// A guest as the owners see it on the settings page.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Guest {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
}

/// A partnership as its invited partner sees it: what the two sides share.
#[derive(Debug, Clone, Serialize)]
pub struct SharedPartnership {
    pub id: PartnershipId,
    pub title: String,
    pub status: partinnov_domain::typology::PartnershipStatus,
    pub forms: Vec<FormPeriod>,
    pub objectives: Vec<Objective>,
    pub means: String,
    pub governance: String,
    pub partners: Vec<PartnerRef>,
    /// The team members who hold the relationship: the partner's interlocutors.
    pub holders: Vec<HolderRef>,
    pub updated_at: DateTime<Utc>,
}

/// One message of the conversation between the team and the invited partner.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Comment {
    pub id: i64,
    pub partnership_id: i64,
    pub author_name: Option<String>,
    /// Written by the invited partner (otherwise by the team).
    pub from_partner: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// What an observer reads: counts and totals, no name of a person or organisation.
#[derive(Debug, Clone, Serialize)]
pub struct Aggregates {
    pub workspace: String,
    pub partnerships: i64,
    pub partnerships_by_status: Vec<CountBy>,
    /// Live partnerships with at least one current form of each family.
    pub partnerships_by_family: Vec<CountBy>,
    pub partner_organisations: i64,
    /// The dashboard of the period, without revenue by partner.
    pub dashboard: Dashboard,
}

#[derive(FromQueryResult)]
struct GuestRow {
    workspace_id: i64,
    slug: String,
    name: String,
    dormant_months: i32,
    role: String,
    organisation_id: Option<i64>,
    organisation_name: Option<String>,
}

#[derive(Serialize)]
struct GuestChange<'a> {
    user_id: i64,
    role: Option<&'a str>,
    organisation_id: Option<i64>,
}

#[derive(Serialize)]
struct CommentAudit<'a> {
    partnership_id: i64,
    from_partner: bool,
    body: &'a str,
}

/// A live partnership of the guest's workspace where the partner's organisation is a
/// party: `$1` workspace, `$2` organisation, on the alias `p`.
const SHARED: &str = "p.workspace_id = $1 AND p.deleted_at IS NULL AND EXISTS \
     (SELECT 1 FROM partnership_partners pp WHERE pp.partnership_id = p.id AND pp.organisation_id = $2)";

impl Store {
    /// Enters a workspace as a guest: succeeds only if the caller is one there. Anything
    /// else is "not found", like a workspace that does not exist.
    pub async fn guest_scope(&self, caller: &Caller, slug: &str) -> Result<GuestScope> {
        let row: GuestRow = db::one(
            &self.db,
            "SELECT w.id AS workspace_id, w.slug, w.name, w.dormant_months, g.role, g.organisation_id, o.name AS organisation_name \
             FROM workspace_guests g JOIN workspaces w ON w.id = g.workspace_id \
             LEFT JOIN organisations o ON o.id = g.organisation_id \
             WHERE g.user_id = $1 AND w.slug = $2 AND ($3 IS NULL OR w.id = $3)",
            vec![
                caller.user_id.0.into(),
                slug.into(),
                caller.only_workspace.map(|w| w.0).into(),
            ],
        )
        .await?
        .ok_or(StoreError::not_found("workspace"))?;
        Ok(GuestScope {
            user_id: caller.user_id,
            workspace_id: WorkspaceId(row.workspace_id),
            slug: row.slug,
            name: row.name,
            role: row.role.parse()?,
            organisation_id: row.organisation_id.map(OrganisationId),
            organisation_name: row.organisation_name,
            read_only: caller.read_only,
            dormant_months: row.dormant_months,
        })
    }

    /// The workspaces where the caller is a guest, by name.
    pub async fn guest_spaces(&self, caller: &Caller) -> Result<Vec<GuestSpace>> {
        db::all(
            &self.db,
            "SELECT w.slug, w.name, g.role, o.name AS organisation_name \
             FROM workspace_guests g JOIN workspaces w ON w.id = g.workspace_id \
             LEFT JOIN organisations o ON o.id = g.organisation_id \
             WHERE g.user_id = $1 AND ($2 IS NULL OR w.id = $2) ORDER BY w.name",
            vec![
                caller.user_id.0.into(),
                caller.only_workspace.map(|w| w.0).into(),
            ],
        )
        .await
    }

    /// The guests of a workspace (owners only).
    pub async fn guests(&self, scope: &WorkspaceScope) -> Result<Vec<Guest>> {
        scope.require_owner()?;
        db::all(
            &self.db,
            "SELECT u.id AS user_id, u.name, u.email, g.role, g.organisation_id, o.name AS organisation_name \
             FROM workspace_guests g JOIN users u ON u.id = g.user_id \
             LEFT JOIN organisations o ON o.id = g.organisation_id \
             WHERE g.workspace_id = $1 ORDER BY u.name",
            vec![scope.workspace_id.0.into()],
        )
        .await
    }

    /// The organisations a partner may be invited for: parties of a live partnership of
    /// the workspace, by name.
    pub async fn invitable_organisations(
        &self,
        scope: &WorkspaceScope,
    ) -> Result<Vec<(OrganisationId, String)>> {
        #[derive(FromQueryResult)]
        struct O {
            id: i64,
            name: String,
        }
        let rows: Vec<O> = db::all(
            &self.db,
            "SELECT DISTINCT o.id, o.name FROM organisations o JOIN partnership_partners pp ON pp.organisation_id = o.id \
             JOIN partnerships p ON p.id = pp.partnership_id \
             WHERE p.workspace_id = $1 AND p.deleted_at IS NULL ORDER BY o.name",
            vec![scope.workspace_id.0.into()],
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|o| (OrganisationId(o.id), o.name))
            .collect())
    }

    /// Checks that `organisation` is a party of a live partnership of the workspace, as a
    /// partner's organisation must be; an observer has none.
    pub async fn guest_organisation(
        &self,
        workspace: WorkspaceId,
        role: GuestRole,
        organisation: Option<OrganisationId>,
    ) -> Result<Option<OrganisationId>> {
        let org = match (role, organisation) {
            (GuestRole::Observer, _) => return Ok(None),
            (GuestRole::Partner, None) => {
                return Err(StoreError::Invalid {
                    field: "organisation",
                    code: "required",
                });
            }
            (GuestRole::Partner, Some(org)) => org,
        };
        let n = db::scalar(
            &self.db,
            &format!("SELECT COUNT(*) FROM partnerships p WHERE {SHARED}"),
            vec![workspace.0.into(), org.0.into()],
        )
        .await?;
        if n == 0 {
            Err(StoreError::Invalid {
                field: "organisation",
                code: "not_a_party",
            })
        } else {
            Ok(Some(org))
        }
    }

    /// Makes `user` a guest without an owner's scope: for the command line and the demo.
    pub async fn add_guest_unchecked(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        role: GuestRole,
        organisation: Option<OrganisationId>,
    ) -> Result<()> {
        let organisation = self
            .guest_organisation(workspace, role, organisation)
            .await?;
        let txn = self.write().await?;
        self.add_guest(&txn, workspace, user, role, organisation, user)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Makes `user` a guest (used by invitations and the command line). A member of the
    /// team stays a member: being a guest would only take rights away.
    pub(crate) async fn add_guest(
        &self,
        c: &impl sea_orm::ConnectionTrait,
        workspace: WorkspaceId,
        user: UserId,
        role: GuestRole,
        organisation: Option<OrganisationId>,
        by: UserId,
    ) -> Result<()> {
        let member = db::scalar(
            c,
            "SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND workspace_id = $2",
            vec![user.0.into(), workspace.0.into()],
        )
        .await?;
        if member > 0 {
            return Err(StoreError::Invalid {
                field: "role",
                code: "already_member",
            });
        }
        db::exec(
            c,
            "INSERT INTO workspace_guests (user_id, workspace_id, role, organisation_id, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role, organisation_id = excluded.organisation_id",
            vec![
                user.0.into(),
                workspace.0.into(),
                role.as_str().into(),
                organisation.map(|o| o.0).into(),
                db::now().into(),
            ],
        )
        .await?;
        audit::record(
            c,
            Record {
                workspace: Some(workspace),
                user: Some(by),
                entity: "guest",
                entity_id: user.0,
                action: Action::Create,
                before: None,
                after: Some(&GuestChange {
                    user_id: user.0,
                    role: Some(role.as_str()),
                    organisation_id: organisation.map(|o| o.0),
                }),
            },
        )
        .await
    }

    /// Removes a guest (owners only).
    pub async fn remove_guest(&self, scope: &WorkspaceScope, user: UserId) -> Result<()> {
        scope.require_owner()?;
        let txn = self.write().await?;
        let n = db::exec(
            &txn,
            "DELETE FROM workspace_guests WHERE user_id = $1 AND workspace_id = $2",
            vec![user.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::not_found("guest"));
        }
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "guest",
                entity_id: user.0,
                action: Action::Delete,
                before: None,
                after: Some(&GuestChange {
                    user_id: user.0,
                    role: None,
                    organisation_id: None,
                }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    // ------------------------------------------------------------ invited partner

    /// The partnerships shared with the partner, by title.
    pub async fn shared_partnerships(&self, g: &GuestScope) -> Result<Vec<SharedPartnership>> {
        let org = g.partner_organisation()?;
        #[derive(FromQueryResult)]
        struct Id {
            id: i64,
        }
        let ids: Vec<Id> = db::all(
            &self.db,
            &format!(
                "SELECT p.id FROM partnerships p WHERE {SHARED} ORDER BY p.title_folded, p.id"
            ),
            vec![g.workspace_id.0.into(), org.0.into()],
        )
        .await?;
        // The ids come from the sharing filter itself: no second check per partnership.
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.shared_view(g, PartnershipId(id.id)).await?);
        }
        Ok(out)
    }

    /// Checks in SQL that partnership `id` is shared with the partner.
    async fn require_shared(&self, g: &GuestScope, id: PartnershipId) -> Result<()> {
        let org = g.partner_organisation()?;
        let n = db::scalar(
            &self.db,
            &format!("SELECT COUNT(*) FROM partnerships p WHERE {SHARED} AND p.id = $3"),
            vec![g.workspace_id.0.into(), org.0.into(), id.0.into()],
        )
        .await?;
        if n == 0 {
            Err(StoreError::not_found("partnership"))
        } else {
            Ok(())
        }
    }

    /// One partnership shared with the partner; any other is "not found".
    pub async fn shared_partnership(
        &self,
        g: &GuestScope,
        id: PartnershipId,
    ) -> Result<SharedPartnership> {
        self.require_shared(g, id).await?;
        self.shared_view(g, id).await
    }

    /// What the partner sees of partnership `id`, once the sharing is checked.
    async fn shared_view(&self, g: &GuestScope, id: PartnershipId) -> Result<SharedPartnership> {
        let p = self.partnership(&g.reader(), id).await?;
        Ok(SharedPartnership {
            id: p.id,
            title: p.data.title,
            status: p.data.status,
            forms: p.data.forms,
            objectives: p.data.objectives,
            means: p.data.means,
            governance: p.data.governance,
            partners: p.partner_refs,
            holders: p.holder_refs,
            updated_at: p.updated_at,
        })
    }

    /// The evaluations of a shared partnership.
    pub async fn shared_evaluations(
        &self,
        g: &GuestScope,
        id: PartnershipId,
    ) -> Result<Vec<EvaluationSummary>> {
        self.require_shared(g, id).await?;
        self.evaluations(&g.reader(), id).await
    }

    /// An evaluation of a shared partnership, whole (questions, criteria, indicators and
    /// every measurement, whoever filled it).
    pub async fn shared_evaluation(&self, g: &GuestScope, id: EvaluationId) -> Result<Evaluation> {
        let e = self.evaluation(&g.reader(), id).await?;
        self.require_shared(g, e.partnership_id)
            .await
            .map_err(|_| StoreError::not_found("evaluation"))?;
        Ok(e)
    }

    /// The invited partner answers the guiding questions in its own words, beside the
    /// structure's answers (which it cannot change). `answers` maps question codes to
    /// texts; an empty text removes the partner's answer. Saved only if the evaluation is
    /// still at `version` (`Conflict` otherwise, nothing changed).
    pub async fn partner_answers(
        &self,
        g: &GuestScope,
        id: EvaluationId,
        version: i64,
        answers: &std::collections::BTreeMap<String, String>,
    ) -> Result<Evaluation> {
        g.require_write()?;
        let before = self.shared_evaluation(g, id).await?;
        let codes: Vec<&str> = partinnov_domain::evaluation::Step::ALL
            .iter()
            .flat_map(|s| before.template.questions(*s))
            .map(|q| q.code.as_str())
            .collect();
        let mut d = before.data.clone();
        for (code, text) in answers {
            if !codes.contains(&code.as_str()) {
                return Err(StoreError::Invalid {
                    field: "answers",
                    code: "unknown_question",
                });
            }
            let key = crate::evaluations::partner_key(code);
            match text.trim() {
                "" => {
                    d.answers.remove(&key);
                }
                t => {
                    d.answers.insert(
                        key,
                        crate::evaluations::Answer {
                            text: t.to_owned(),
                            filled_by: partinnov_domain::evaluation::FilledBy::Partenaire,
                        },
                    );
                }
            }
        }
        self.write_evaluation(g.workspace_id, g.user_id, id, version, &before, &d)
            .await?;
        self.shared_evaluation(g, id).await
    }

    /// An indicator of an evaluation of a shared partnership, with its evaluation.
    pub async fn shared_indicator(
        &self,
        g: &GuestScope,
        indicator: IndicatorId,
    ) -> Result<(EvaluationId, Indicator)> {
        g.partner_organisation()?;
        let (evaluation, _) = self.indicator_evaluation(&g.reader(), indicator).await?;
        let e = self.shared_evaluation(g, evaluation).await?;
        let (_, i) = e
            .indicator(indicator)
            .ok_or(StoreError::not_found("evaluation_indicator"))?;
        Ok((evaluation, i.clone()))
    }

    /// The partner adds its own dated measurement to an indicator of an evaluation of a
    /// shared partnership; it is marked as filled by the partner whatever `d` says.
    /// Automatic indicators are computed from the team's data and take no hand entry.
    pub async fn partner_measurement(
        &self,
        g: &GuestScope,
        indicator: IndicatorId,
        d: &MeasurementDraft,
    ) -> Result<Measurement> {
        g.require_write()?;
        let (evaluation, i) = self.shared_indicator(g, indicator).await?;
        if i.data.source.is_some() {
            return Err(StoreError::Invalid {
                field: "value",
                code: "automatic_indicator",
            });
        }
        let d = MeasurementDraft {
            filled_by: partinnov_domain::evaluation::FilledBy::Partenaire,
            ..d.clone()
        };
        // Written under the partner's own name: the insert takes its workspace and author
        // from this scope, whose role only passes the insert's own write check.
        let writer = WorkspaceScope {
            role: Role::Editor,
            read_only: false,
            ..g.reader()
        };
        let txn = self.write().await?;
        let m = crate::evaluations::insert_measurement(&txn, &writer, evaluation, &i, &d, false)
            .await?;
        txn.commit().await?;
        Ok(m)
    }

    // ------------------------------------------------------------ comments

    /// The conversation on a partnership, oldest first, as the team sees it.
    pub async fn comments(
        &self,
        scope: &WorkspaceScope,
        id: PartnershipId,
    ) -> Result<Vec<Comment>> {
        read_comments(
            self,
            "p.workspace_id = $1 AND p.deleted_at IS NULL AND c.partnership_id = $2",
            vec![scope.workspace_id.0.into(), id.0.into()],
        )
        .await
    }

    /// The conversation on a partnership shared with the partner.
    pub async fn shared_comments(&self, g: &GuestScope, id: PartnershipId) -> Result<Vec<Comment>> {
        let org = g.partner_organisation()?;
        read_comments(
            self,
            &format!("{SHARED} AND c.partnership_id = $3"),
            vec![g.workspace_id.0.into(), org.0.into(), id.0.into()],
        )
        .await
    }

    /// A team member who may write adds a message to the conversation.
    pub async fn add_comment(
        &self,
        scope: &WorkspaceScope,
        id: PartnershipId,
        body: &str,
    ) -> Result<Comment> {
        scope.require_write()?;
        // The partnership must be live in the workspace: the same filter as the reader.
        let n = db::scalar(
            &self.db,
            "SELECT COUNT(*) FROM partnerships p WHERE p.workspace_id = $1 AND p.deleted_at IS NULL AND p.id = $2",
            vec![scope.workspace_id.0.into(), id.0.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::not_found("partnership"));
        }
        insert_comment(self, scope.workspace_id, scope.user_id, id, body, false).await
    }

    /// The invited partner adds a message to the conversation on a shared partnership.
    pub async fn add_shared_comment(
        &self,
        g: &GuestScope,
        id: PartnershipId,
        body: &str,
    ) -> Result<Comment> {
        g.require_write()?;
        self.require_shared(g, id).await?;
        insert_comment(self, g.workspace_id, g.user_id, id, body, true).await
    }

    // ------------------------------------------------------------ observer

    /// Counts and totals of the workspace for a period, without any name (observers; a
    /// partner sees its own partnerships instead).
    pub async fn aggregates(
        &self,
        g: &GuestScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Aggregates> {
        if g.role != GuestRole::Observer {
            return Err(StoreError::Forbidden);
        }
        aggregates_of(self, &g.reader(), from, to).await
    }

    /// The same aggregates for a member of the team.
    pub async fn team_aggregates(
        &self,
        scope: &WorkspaceScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Aggregates> {
        aggregates_of(self, scope, from, to).await
    }
}

async fn aggregates_of(
    store: &Store,
    scope: &WorkspaceScope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Aggregates> {
    let ws = scope.workspace_id.0;
    let live = "p.workspace_id = $1 AND p.deleted_at IS NULL";
    let partnerships = db::scalar(
        &store.db,
        &format!("SELECT COUNT(*) FROM partnerships p WHERE {live}"),
        vec![ws.into()],
    )
    .await?;
    let partnerships_by_status: Vec<CountBy> = db::all(
        &store.db,
        &format!("SELECT p.status AS code, COUNT(*) AS count FROM partnerships p WHERE {live} GROUP BY p.status ORDER BY p.status"),
        vec![ws.into()],
    )
    .await?;
    let partnerships_by_family: Vec<CountBy> = db::all(
        &store.db,
        &format!(
            "SELECT f.family AS code, COUNT(DISTINCT p.id) AS count FROM partnerships p JOIN partnership_forms f ON f.partnership_id = p.id \
             WHERE {live} AND (f.started_on IS NULL OR f.started_on <= $2) AND (f.ended_on IS NULL OR f.ended_on >= $2) \
             GROUP BY f.family ORDER BY f.family"
        ),
        vec![ws.into(), to.into()],
    )
    .await?;
    let partner_organisations = db::scalar(
        &store.db,
        &format!("SELECT COUNT(DISTINCT pp.organisation_id) FROM partnerships p JOIN partnership_partners pp ON pp.partnership_id = p.id WHERE {live}"),
        vec![ws.into()],
    )
    .await?;
    let mut dashboard = store.dashboard(scope, from, to).await?;
    dashboard.revenue_by_partner.clear();
    Ok(Aggregates {
        workspace: scope.name.clone(),
        partnerships,
        partnerships_by_status,
        partnerships_by_family,
        partner_organisations,
        dashboard,
    })
}

/// Comments of the partnerships `visible` selects (on the alias `p`), oldest first.
async fn read_comments(
    store: &Store,
    visible: &str,
    values: Vec<sea_orm::Value>,
) -> Result<Vec<Comment>> {
    db::all(
        &store.db,
        &format!(
            "SELECT c.id, c.partnership_id, u.name AS author_name, c.from_partner, c.body, c.created_at \
             FROM partnership_comments c JOIN partnerships p ON p.id = c.partnership_id \
             LEFT JOIN users u ON u.id = c.author_id \
             WHERE {visible} ORDER BY c.created_at, c.id"
        ),
        values,
    )
    .await
}

async fn insert_comment(
    store: &Store,
    workspace: WorkspaceId,
    author: UserId,
    id: PartnershipId,
    body: &str,
    from_partner: bool,
) -> Result<Comment> {
    let body = body.trim();
    if body.is_empty() {
        return Err(StoreError::Invalid {
            field: "body",
            code: "required",
        });
    }
    if body.chars().count() > COMMENT_MAX_CHARS {
        return Err(StoreError::Invalid {
            field: "body",
            code: "comment_too_long",
        });
    }
    let txn = store.write().await?;
    let now = db::now();
    let comment_id = db::insert_id(
        &txn,
        "INSERT INTO partnership_comments (workspace_id, partnership_id, author_id, from_partner, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        vec![
            workspace.0.into(),
            id.0.into(),
            author.0.into(),
            from_partner.into(),
            body.into(),
            now.into(),
        ],
    )
    .await?;
    audit::record(
        &txn,
        Record {
            workspace: Some(workspace),
            user: Some(author),
            entity: "partnership_comment",
            entity_id: comment_id,
            action: Action::Create,
            before: None,
            after: Some(&CommentAudit {
                partnership_id: id.0,
                from_partner,
                body,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    let author_name = store.user(author).await.ok().map(|u| u.name);
    Ok(Comment {
        id: comment_id,
        partnership_id: id.0,
        author_name,
        from_partner,
        body: body.to_owned(),
        created_at: now,
    })
}
