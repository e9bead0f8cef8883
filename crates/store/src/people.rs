//! Contacts (people at partner organisations, scoped to the workspace), the timeline of
//! interactions on partnerships, and the workspace's home summary.

use chrono::{DateTime, NaiveDate, Utc};
use partinnov_domain::{text::fold, typology::InteractionKind};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::{Deserialize, Serialize};

use crate::{
    ContactId, InteractionId, OrganisationId, PartnershipId, Store, StoreError, UserId,
    WorkspaceScope,
    audit::{self, Action, Record},
    db, dialect,
    error::Result,
    organisations::corrupt,
    partnerships::{dormant_on, today},
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ContactDraft {
    pub organisation_id: Option<OrganisationId>,
    pub name: String,
    #[serde(default)]
    pub job_title: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Contact {
    pub id: i64,
    pub version: i64,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub name: String,
    pub job_title: String,
    pub email: String,
    pub phone: String,
    pub notes: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteractionDraft {
    pub kind: InteractionKind,
    pub occurred_on: NaiveDate,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Interaction {
    pub id: InteractionId,
    pub version: i64,
    pub partnership_id: PartnershipId,
    pub partnership_title: String,
    #[serde(flatten)]
    pub data: InteractionDraft,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct InteractionRow {
    id: i64,
    version: i64,
    partnership_id: i64,
    partnership_title: String,
    kind: String,
    occurred_on: NaiveDate,
    participants: String,
    note: String,
    author_id: Option<i64>,
    author_name: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<InteractionRow> for Interaction {
    type Error = StoreError;
    fn try_from(r: InteractionRow) -> Result<Self> {
        Ok(Interaction {
            id: InteractionId(r.id),
            version: r.version,
            partnership_id: PartnershipId(r.partnership_id),
            partnership_title: r.partnership_title,
            data: InteractionDraft {
                kind: r.kind.parse().map_err(|_| corrupt("kind"))?,
                occurred_on: r.occurred_on,
                participants: r.participants,
                note: r.note,
            },
            author_id: r.author_id,
            author_name: r.author_name,
            created_at: r.created_at,
        })
    }
}

const INTERACTION_SELECT: &str = "SELECT i.id, i.version, i.partnership_id, p.title AS partnership_title, i.kind, i.occurred_on, \
     i.participants, i.note, i.author_id, u.name AS author_name, i.created_at FROM interactions i \
     JOIN partnerships p ON p.id = i.partnership_id LEFT JOIN users u ON u.id = i.author_id";

pub(crate) const CONTACT_SELECT: &str = "SELECT c.id, c.version, c.organisation_id, o.name AS organisation_name, c.name, c.job_title, c.email, \
     c.phone, c.notes, c.updated_at FROM contacts c LEFT JOIN organisations o ON o.id = c.organisation_id";

/// Recomputes the last interaction day and the dormancy day of a partnership.
pub(crate) async fn refresh_activity(
    c: &impl ConnectionTrait,
    scope_ws: i64,
    months: i32,
    partnership: i64,
) -> Result<()> {
    #[derive(FromQueryResult)]
    struct R {
        last: Option<NaiveDate>,
        created_at: DateTime<Utc>,
    }
    let r: R = db::one(
        c,
        "SELECT (SELECT MAX(occurred_on) FROM interactions WHERE partnership_id = $1) AS last, created_at \
         FROM partnerships WHERE id = $1 AND workspace_id = $2",
        vec![partnership.into(), scope_ws.into()],
    )
    .await?
    .ok_or(StoreError::not_found("partnership"))?;
    // Dormancy counts from the last interaction, even one dated before the partnership
    // was typed in (inventories are often entered after the fact); with none, from the
    // day it was entered.
    let activity = r.last.unwrap_or_else(|| r.created_at.date_naive());
    db::exec(
        c,
        "UPDATE partnerships SET last_interaction_on = $1, activity_on = $2, dormant_on = $3 WHERE id = $4 AND workspace_id = $5",
        vec![r.last.into(), activity.into(), dormant_on(activity, months).into(), partnership.into(), scope_ws.into()],
    )
    .await?;
    Ok(())
}

/// Erasure: earlier audit entries of a contact held the person's name and details; keep
/// that a contact existed and changed, not who it was.
async fn erase_contact_audit(
    c: &impl ConnectionTrait,
    scope: &WorkspaceScope,
    id: ContactId,
) -> Result<()> {
    db::exec(
        c,
        "UPDATE audit_events SET before_json = NULL, after_json = NULL WHERE entity = 'contact' AND entity_id = $1 AND workspace_id = $2",
        vec![id.0.into(), scope.workspace_id.0.into()],
    )
    .await?;
    Ok(())
}

fn validate_contact(d: &ContactDraft) -> Result<()> {
    if d.name.trim().is_empty() {
        return Err(StoreError::Invalid {
            field: "name",
            code: "required",
        });
    }
    if !d.email.trim().is_empty() && !d.email.contains('@') {
        return Err(StoreError::Invalid {
            field: "email",
            code: "invalid_email",
        });
    }
    Ok(())
}

/// Inserts an interaction in an open transaction (also used by the demo and generator).
pub(crate) async fn insert_interaction(
    c: &impl ConnectionTrait,
    ws: i64,
    months: i32,
    author: Option<UserId>,
    partnership: PartnershipId,
    d: &InteractionDraft,
) -> Result<InteractionId> {
    let id = db::insert_on_partnership(
        c,
        "INSERT INTO interactions (workspace_id, partnership_id, kind, occurred_on, author_id, participants, note, created_at) \
         SELECT $1, p.id, $2, $3, $4, $5, $6, $7 FROM partnerships p WHERE p.id = $8 AND p.workspace_id = $1 AND p.deleted_at IS NULL \
         RETURNING id",
        vec![
            ws.into(),
            d.kind.as_str().into(),
            d.occurred_on.into(),
            author.map(|a| a.0).into(),
            d.participants.trim().into(),
            d.note.trim().into(),
            crate::db::now().into(),
            partnership.0.into(),
        ],
    )
    .await?;
    refresh_activity(c, ws, months, partnership.0).await?;
    audit::record(
        c,
        Record {
            workspace: Some(crate::WorkspaceId(ws)),
            user: author,
            entity: "interaction",
            entity_id: id,
            action: Action::Create,
            before: None,
            after: Some(d),
        },
    )
    .await?;
    Ok(InteractionId(id))
}

/// Corrects `before` if it is still at `version`, in an open transaction; the
/// partnership's last interaction day follows (the page, the API and imports).
pub(crate) async fn update_interaction_in(
    c: &impl ConnectionTrait,
    ws: i64,
    months: i32,
    author: Option<UserId>,
    before: &Interaction,
    version: i64,
    d: &InteractionDraft,
) -> Result<()> {
    let n = db::exec(
        c,
        "UPDATE interactions SET kind = $1, occurred_on = $2, participants = $3, note = $4, version = version + 1 \
         WHERE id = $5 AND workspace_id = $6 AND version = $7",
        vec![d.kind.as_str().into(), d.occurred_on.into(), d.participants.trim().into(), d.note.trim().into(), before.id.0.into(), ws.into(), version.into()],
    )
    .await?;
    if n == 0 {
        let current = db::scalar(
            c,
            "SELECT version FROM interactions WHERE id = $1",
            vec![before.id.0.into()],
        )
        .await?;
        return Err(StoreError::Conflict { current });
    }
    refresh_activity(c, ws, months, before.partnership_id.0).await?;
    audit::record(
        c,
        Record {
            workspace: Some(crate::WorkspaceId(ws)),
            user: author,
            entity: "interaction",
            entity_id: before.id.0,
            action: Action::Update,
            before: Some(&before.data),
            after: Some(d),
        },
    )
    .await
}

/// An interaction of `partnership` found by what identifies it in a spreadsheet: its
/// day, its kind and its note (two calls on one day with different notes are two).
pub(crate) async fn find_interaction(
    c: &impl ConnectionTrait,
    ws: i64,
    partnership: PartnershipId,
    d: &InteractionDraft,
) -> Result<Option<Interaction>> {
    let rows: Vec<InteractionRow> = db::all(
        c,
        &format!(
            "{INTERACTION_SELECT} WHERE i.workspace_id = $1 AND i.partnership_id = $2 AND i.kind = $3 AND i.occurred_on = $4 ORDER BY i.id"
        ),
        vec![ws.into(), partnership.0.into(), d.kind.as_str().into(), d.occurred_on.into()],
    )
    .await?;
    let wanted = fold(&d.note);
    for r in rows {
        let i: Interaction = r.try_into()?;
        if fold(&i.data.note) == wanted {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

pub(crate) async fn insert_contact(
    c: &impl ConnectionTrait,
    ws: i64,
    user: Option<UserId>,
    d: &ContactDraft,
) -> Result<ContactId> {
    validate_contact(d)?;
    let now = crate::db::now();
    let id = db::insert_id(
        c,
        "INSERT INTO contacts (workspace_id, organisation_id, name, name_folded, job_title, email, phone, notes, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        vec![
            ws.into(),
            d.organisation_id.map(|o| o.0).into(),
            d.name.trim().into(),
            fold(&d.name).into(),
            d.job_title.trim().into(),
            d.email.trim().into(),
            d.phone.trim().into(),
            d.notes.trim().into(),
            now.into(),
        ],
    )
    .await?;
    audit::record(
        c,
        Record {
            workspace: Some(crate::WorkspaceId(ws)),
            user,
            entity: "contact",
            entity_id: id,
            action: Action::Create,
            before: None,
            after: Some(d),
        },
    )
    .await?;
    Ok(ContactId(id))
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CountBy {
    pub code: String,
    pub count: i64,
}

/// What the workspace home page shows.
#[derive(Debug, Clone, Serialize)]
pub struct HomeSummary {
    pub total: i64,
    pub by_status: Vec<CountBy>,
    /// Partnerships with at least one current form of each family.
    pub by_family: Vec<CountBy>,
    pub dormant_total: i64,
    pub dormant: Vec<crate::partnerships::Partnership>,
    pub recent: Vec<Interaction>,
}

impl Store {
    pub async fn create_interaction(
        &self,
        scope: &WorkspaceScope,
        partnership: PartnershipId,
        d: &InteractionDraft,
    ) -> Result<Interaction> {
        scope.require_write()?;
        let txn = self.write().await?;
        let id = insert_interaction(
            &txn,
            scope.workspace_id.0,
            scope.dormant_months,
            Some(scope.user_id),
            partnership,
            d,
        )
        .await?;
        let row: InteractionRow = db::one(
            &txn,
            &format!("{INTERACTION_SELECT} WHERE i.id = $1"),
            vec![id.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("interaction"))?;
        txn.commit().await?;
        row.try_into()
    }

    pub async fn delete_interaction(
        &self,
        scope: &WorkspaceScope,
        id: InteractionId,
    ) -> Result<()> {
        scope.require_write()?;
        let txn = self.write().await?;
        let row: InteractionRow = db::one(
            &txn,
            &format!("{INTERACTION_SELECT} WHERE i.id = $1 AND i.workspace_id = $2"),
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("interaction"))?;
        let before: Interaction = row.try_into()?;
        db::exec(
            &txn,
            "DELETE FROM interactions WHERE id = $1 AND workspace_id = $2",
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        refresh_activity(
            &txn,
            scope.workspace_id.0,
            scope.dormant_months,
            before.partnership_id.0,
        )
        .await?;
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "interaction",
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

    /// The timeline of one partnership, newest first.
    pub async fn interactions(
        &self,
        scope: &WorkspaceScope,
        partnership: PartnershipId,
    ) -> Result<Vec<Interaction>> {
        let rows: Vec<InteractionRow> = db::all(
            &self.db,
            &format!("{INTERACTION_SELECT} WHERE i.partnership_id = $1 AND i.workspace_id = $2 ORDER BY i.occurred_on DESC, i.id DESC"),
            vec![partnership.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        rows.into_iter().map(Interaction::try_from).collect()
    }

    pub async fn create_contact(
        &self,
        scope: &WorkspaceScope,
        d: &ContactDraft,
    ) -> Result<Contact> {
        scope.require_write()?;
        let txn = self.write().await?;
        let id = insert_contact(&txn, scope.workspace_id.0, Some(scope.user_id), d).await?;
        txn.commit().await?;
        self.contact(scope, id).await
    }

    pub async fn contact(&self, scope: &WorkspaceScope, id: ContactId) -> Result<Contact> {
        db::one(
            &self.db,
            &format!("{CONTACT_SELECT} WHERE c.id = $1 AND c.workspace_id = $2"),
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("contact"))
    }

    pub async fn update_contact(
        &self,
        scope: &WorkspaceScope,
        id: ContactId,
        version: i64,
        d: &ContactDraft,
    ) -> Result<Contact> {
        scope.require_write()?;
        validate_contact(d)?;
        let txn = self.write().await?;
        update_contact_in(
            &txn,
            scope.workspace_id,
            Some(scope.user_id),
            id,
            version,
            d,
        )
        .await?;
        txn.commit().await?;
        self.contact(scope, id).await
    }

    pub async fn delete_contact(&self, scope: &WorkspaceScope, id: ContactId) -> Result<()> {
        scope.require_write()?;
        let txn = self.write().await?;
        let before = self.contact(scope, id).await?;
        db::exec(
            &txn,
            "DELETE FROM contacts WHERE id = $1 AND workspace_id = $2",
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        erase_contact_audit(&txn, scope, id).await?;
        // The audit keeps that a contact was deleted, not who it was: personal data goes.
        audit::record::<ContactDraft>(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "contact",
                entity_id: before.id,
                action: Action::Delete,
                before: None,
                after: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Contacts of the workspace, optionally of one organisation, searched by folded name.
    pub async fn contacts(
        &self,
        scope: &WorkspaceScope,
        organisation: Option<OrganisationId>,
        q: Option<&str>,
    ) -> Result<Vec<Contact>> {
        self.contacts_up_to(scope, organisation, q, 500).await
    }

    /// Like [`Store::contacts`] with another cap: exports take every contact.
    pub async fn contacts_up_to(
        &self,
        scope: &WorkspaceScope,
        organisation: Option<OrganisationId>,
        q: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Contact>> {
        db::all(
            &self.db,
            &format!(
                "{CONTACT_SELECT} WHERE c.workspace_id = $1 AND ($2 IS NULL OR c.organisation_id = $2) AND {} > 0 \
                 ORDER BY c.name_folded, c.id LIMIT {}",
                dialect::position(self.backend(), "c.name_folded", "$3"),
                limit.max(0)
            ),
            vec![scope.workspace_id.0.into(), organisation.map(|o| o.0).into(), fold(q.unwrap_or("")).into()],
        )
        .await
    }

    pub async fn home_summary(&self, scope: &WorkspaceScope) -> Result<HomeSummary> {
        let ws = scope.workspace_id.0;
        let day = today();
        let total = db::scalar(
            &self.db,
            "SELECT COUNT(*) FROM partnerships WHERE workspace_id = $1 AND deleted_at IS NULL",
            vec![ws.into()],
        )
        .await?;
        let by_status: Vec<CountBy> = db::all(
            &self.db,
            "SELECT status AS code, COUNT(*) AS count FROM partnerships WHERE workspace_id = $1 AND deleted_at IS NULL GROUP BY status ORDER BY status",
            vec![ws.into()],
        )
        .await?;
        let by_family: Vec<CountBy> = db::all(
            &self.db,
            "SELECT f.family AS code, COUNT(DISTINCT f.partnership_id) AS count FROM partnership_forms f \
             JOIN partnerships p ON p.id = f.partnership_id \
             WHERE p.workspace_id = $1 AND p.deleted_at IS NULL AND (f.started_on IS NULL OR f.started_on <= $2) \
             AND (f.ended_on IS NULL OR f.ended_on >= $2) GROUP BY f.family ORDER BY f.family",
            vec![ws.into(), day.into()],
        )
        .await?;
        let dormant = self
            .partnerships(
                scope,
                &crate::partnerships::PartnershipQuery {
                    dormant: Some(true),
                    sort: crate::partnerships::PartnershipSort::Activity,
                    per_page: 8,
                    ..Default::default()
                },
            )
            .await?;
        let recent: Vec<InteractionRow> = db::all(
            &self.db,
            &format!("{INTERACTION_SELECT} WHERE i.workspace_id = $1 AND p.deleted_at IS NULL ORDER BY i.occurred_on DESC, i.id DESC LIMIT 8"),
            vec![ws.into()],
        )
        .await?;
        Ok(HomeSummary {
            total,
            by_status,
            by_family,
            dormant_total: dormant.total,
            dormant: dormant.items,
            recent: recent
                .into_iter()
                .map(Interaction::try_from)
                .collect::<Result<_>>()?,
        })
    }
}

/// Everything the platform holds about one contact, for a subject-access request.
#[derive(Debug, Clone, Serialize)]
pub struct ContactExport {
    pub contact: Contact,
    /// Timeline entries whose participants or note mention the contact's name.
    pub mentioned_in: Vec<Interaction>,
    /// The audit trail of the contact record (who created or changed it, and when).
    pub history: Vec<crate::audit::AuditEvent>,
}

impl Store {
    pub async fn export_contact(
        &self,
        scope: &WorkspaceScope,
        id: ContactId,
    ) -> Result<ContactExport> {
        let contact = self.contact(scope, id).await?;
        // Matched on folded text in Rust: SQL LOWER() differs between backends on accents.
        let name = fold(&contact.name);
        let rows: Vec<InteractionRow> = db::all(
            &self.db,
            &format!("{INTERACTION_SELECT} WHERE i.workspace_id = $1 AND (i.participants <> '' OR i.note <> '') ORDER BY i.occurred_on, i.id"),
            vec![scope.workspace_id.0.into()],
        )
        .await?;
        let rows: Vec<InteractionRow> = rows
            .into_iter()
            .filter(|r| fold(&r.participants).contains(&name) || fold(&r.note).contains(&name))
            .collect();
        let history = crate::audit::history(&self.db, "contact", id.0).await?;
        Ok(ContactExport {
            contact,
            mentioned_in: rows
                .into_iter()
                .map(Interaction::try_from)
                .collect::<Result<_>>()?,
            history,
        })
    }

    /// Replaces a contact's identity with a neutral label and blanks its details and
    /// their audit trail; the row stays, so whatever pointed to it still does.
    pub async fn anonymise_contact(
        &self,
        scope: &WorkspaceScope,
        id: ContactId,
    ) -> Result<Contact> {
        scope.require_write()?;
        let txn = self.write().await?;
        let label = format!("Contact anonymisé n° {}", id.0);
        let n = db::exec(
            &txn,
            "UPDATE contacts SET name = $1, name_folded = $2, job_title = '', email = '', phone = '', notes = '', updated_at = $3, \
             version = version + 1 WHERE id = $4 AND workspace_id = $5",
            vec![label.clone().into(), fold(&label).into(), crate::db::now().into(), id.0.into(), scope.workspace_id.0.into()],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::not_found("contact"));
        }
        erase_contact_audit(&txn, scope, id).await?;
        audit::record::<ContactDraft>(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "contact",
                entity_id: id.0,
                action: Action::Update,
                before: None,
                after: None,
            },
        )
        .await?;
        txn.commit().await?;
        self.contact(scope, id).await
    }
}

impl Store {
    /// Finds an interaction among the caller's workspaces and returns it with the scope.
    pub async fn interaction_any(
        &self,
        caller: &crate::Caller,
        id: InteractionId,
    ) -> Result<(WorkspaceScope, Interaction)> {
        #[derive(FromQueryResult)]
        struct S {
            slug: String,
        }
        let found: Option<S> = db::one(
            &self.db,
            "SELECT w.slug FROM interactions i JOIN workspaces w ON w.id = i.workspace_id \
             JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1 WHERE i.id = $2 AND ($3 IS NULL OR w.id = $3)",
            vec![caller.user_id.0.into(), id.0.into(), caller.only_workspace.map(|w| w.0).into()],
        )
        .await?;
        let scope = self
            .scope(
                caller,
                &found.ok_or(StoreError::not_found("interaction"))?.slug,
            )
            .await?;
        let row: InteractionRow = db::one(
            &self.db,
            &format!("{INTERACTION_SELECT} WHERE i.id = $1 AND i.workspace_id = $2"),
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("interaction"))?;
        Ok((scope, row.try_into()?))
    }

    /// Corrects an interaction if it is still at `version`; the partnership's last
    /// interaction day follows.
    pub async fn update_interaction(
        &self,
        scope: &WorkspaceScope,
        id: InteractionId,
        version: i64,
        d: &InteractionDraft,
    ) -> Result<Interaction> {
        scope.require_write()?;
        let txn = self.write().await?;
        let before: Interaction = db::one::<InteractionRow>(
            &txn,
            &format!("{INTERACTION_SELECT} WHERE i.id = $1 AND i.workspace_id = $2"),
            vec![id.0.into(), scope.workspace_id.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("interaction"))?
        .try_into()?;
        update_interaction_in(
            &txn,
            scope.workspace_id.0,
            scope.dormant_months,
            Some(scope.user_id),
            &before,
            version,
            d,
        )
        .await?;
        let row: InteractionRow = db::one(
            &txn,
            &format!("{INTERACTION_SELECT} WHERE i.id = $1"),
            vec![id.0.into()],
        )
        .await?
        .ok_or(StoreError::not_found("interaction"))?;
        txn.commit().await?;
        row.try_into()
    }
}

/// Saves `d` over contact `id` of workspace `ws` if it is still at `version`, in an open
/// transaction, with its audit event (also used by imports).
pub(crate) async fn update_contact_in(
    c: &impl ConnectionTrait,
    ws: crate::WorkspaceId,
    user: Option<UserId>,
    id: ContactId,
    version: i64,
    d: &ContactDraft,
) -> Result<()> {
    validate_contact(d)?;
    let before: Contact = db::one(
        c,
        &format!("{CONTACT_SELECT} WHERE c.id = $1 AND c.workspace_id = $2"),
        vec![id.0.into(), ws.0.into()],
    )
    .await?
    .ok_or(StoreError::not_found("contact"))?;
    let n = db::exec(
        c,
        "UPDATE contacts SET organisation_id = $1, name = $2, name_folded = $3, job_title = $4, email = $5, phone = $6, notes = $7, \
         updated_at = $8, version = version + 1 WHERE id = $9 AND workspace_id = $10 AND version = $11",
        vec![
            d.organisation_id.map(|o| o.0).into(),
            d.name.trim().into(),
            fold(&d.name).into(),
            d.job_title.trim().into(),
            d.email.trim().into(),
            d.phone.trim().into(),
            d.notes.trim().into(),
            crate::db::now().into(),
            id.0.into(),
            ws.0.into(),
            version.into(),
        ],
    )
    .await?;
    if n == 0 {
        // Stale, or changed by a concurrent writer after our read: report its version now.
        return Err(StoreError::Conflict {
            current: db::scalar(
                c,
                "SELECT version FROM contacts WHERE id = $1 AND workspace_id = $2",
                vec![id.0.into(), ws.0.into()],
            )
            .await?,
        });
    }
    audit::record(
        c,
        Record {
            workspace: Some(ws),
            user,
            entity: "contact",
            entity_id: id.0,
            action: Action::Update,
            before: Some(&ContactDraft {
                organisation_id: before.organisation_id.map(OrganisationId),
                name: before.name.clone(),
                job_title: before.job_title.clone(),
                email: before.email.clone(),
                phone: before.phone.clone(),
                notes: before.notes.clone(),
            }),
            after: Some(d),
        },
    )
    .await?;
    Ok(())
}
