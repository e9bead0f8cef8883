//! Wire types of the API (what goes out). They are not domain types: they flatten codes
//! to strings, add labels where a client needs them, and stay stable when the store changes.

use chrono::{DateTime, NaiveDate, Utc};
use partinnov_store::{
    audit::AuditEvent,
    organisations::Organisation,
    partnerships::Partnership,
    people::{Contact, Interaction},
    workspaces::Workspace,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::forms::{FiguresInput, OrganisationInput};

#[derive(Debug, Serialize, ToSchema)]
pub struct ListOf<T: ToSchema> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceView {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub organisation_id: Option<i64>,
    /// The caller's role: `owner`, `editor` or `reader`.
    pub role: String,
    pub dormant_months: i32,
    pub version: i64,
}

impl From<Workspace> for WorkspaceView {
    fn from(w: Workspace) -> Self {
        Self {
            id: w.id,
            slug: w.slug,
            name: w.name,
            organisation_id: w.organisation_id,
            role: w.role,
            dormant_months: w.dormant_months,
            version: w.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerView {
    pub id: i64,
    pub name: String,
    pub commune: Option<String>,
    pub departement: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormView {
    pub form: String,
    pub family: String,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub note: String,
    /// True when the form is running today.
    pub current: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectiveView {
    pub party: String,
    pub rank: i32,
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HolderView {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipView {
    pub id: i64,
    pub version: i64,
    /// Slug of the workspace.
    pub workspace: String,
    pub title: String,
    pub status: String,
    pub involvement: Option<u8>,
    pub priority: Option<String>,
    pub potential: Option<String>,
    pub means: String,
    pub governance: String,
    pub notes: String,
    pub partners: Vec<PartnerView>,
    pub forms: Vec<FormView>,
    /// Families of the forms running today.
    pub families: Vec<String>,
    pub objectives: Vec<ObjectiveView>,
    pub holders: Vec<HolderView>,
    pub last_interaction_on: Option<NaiveDate>,
    pub dormant: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Partnership> for PartnershipView {
    fn from(p: Partnership) -> Self {
        let today = Utc::now().date_naive();
        let families = p
            .current_families(today)
            .iter()
            .map(|f| f.as_str().to_owned())
            .collect();
        Self {
            id: p.id.0,
            version: p.version,
            workspace: p.workspace_slug,
            title: p.data.title,
            status: p.data.status.as_str().to_owned(),
            involvement: p.data.involvement.map(|i| i.get()),
            priority: p.data.priority.map(|x| x.as_str().to_owned()),
            potential: p.data.potential.map(|x| x.as_str().to_owned()),
            means: p.data.means,
            governance: p.data.governance,
            notes: p.data.notes,
            partners: p
                .partner_refs
                .into_iter()
                .map(|r| PartnerView {
                    id: r.id,
                    name: r.name,
                    commune: r.commune_name,
                    departement: r.departement_code,
                })
                .collect(),
            forms: p
                .data
                .forms
                .iter()
                .map(|f| FormView {
                    form: f.form.as_str().to_owned(),
                    family: f.form.family().as_str().to_owned(),
                    started_on: f.started_on,
                    ended_on: f.ended_on,
                    note: f.note.clone(),
                    current: f.is_current(today),
                })
                .collect(),
            families,
            objectives: p
                .data
                .objectives
                .into_iter()
                .map(|o| ObjectiveView {
                    party: o.party.as_str().to_owned(),
                    rank: o.rank,
                    text: o.text,
                })
                .collect(),
            holders: p
                .holder_refs
                .into_iter()
                .map(|h| HolderView {
                    id: h.id,
                    name: h.name,
                })
                .collect(),
            last_interaction_on: p.last_interaction_on,
            dormant: p.dormant,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: i64,
    pub version: i64,
    #[serde(flatten)]
    pub data: OrganisationInput,
    pub siren_derived: Option<String>,
    pub commune_name: Option<String>,
    pub epci_code: Option<String>,
    pub departement_code: Option<String>,
    pub region_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Organisation> for OrganisationView {
    fn from(o: Organisation) -> Self {
        let t = o.data.territory.clone();
        let mut data = OrganisationInput::from_draft(&o.data, o.version);
        data.version = None;
        data.figures = o
            .data
            .figures
            .iter()
            .map(|f| FiguresInput {
                year: f.year,
                staff: f.staff,
                insertion_staff: f.insertion_staff,
                turnover_cents: f.turnover_cents,
            })
            .collect();
        Self {
            id: o.id.0,
            version: o.version,
            siren_derived: o
                .data
                .siret
                .as_ref()
                .map(|s| s.siren().as_str().to_owned())
                .or(o.data.siren.as_ref().map(|s| s.as_str().to_owned())),
            data,
            commune_name: t.as_ref().map(|t| t.commune_name.clone()),
            epci_code: t.as_ref().and_then(|t| t.epci_code.clone()),
            departement_code: t.as_ref().map(|t| t.departement_code.clone()),
            region_code: t.as_ref().map(|t| t.region_code.clone()),
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InteractionView {
    pub id: i64,
    pub version: i64,
    pub partnership_id: i64,
    pub kind: String,
    pub occurred_on: NaiveDate,
    pub participants: String,
    pub note: String,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Interaction> for InteractionView {
    fn from(i: Interaction) -> Self {
        Self {
            id: i.id.0,
            version: i.version,
            partnership_id: i.partnership_id.0,
            kind: i.data.kind.as_str().to_owned(),
            occurred_on: i.data.occurred_on,
            participants: i.data.participants,
            note: i.data.note,
            author: i.author_name,
            created_at: i.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub id: i64,
    pub version: i64,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub name: String,
    pub job_title: String,
    pub email: String,
    pub phone: String,
    pub notes: String,
}

impl From<Contact> for ContactView {
    fn from(c: Contact) -> Self {
        Self {
            id: c.id,
            version: c.version,
            organisation_id: c.organisation_id,
            organisation_name: c.organisation_name,
            name: c.name,
            job_title: c.job_title,
            email: c.email,
            phone: c.phone,
            notes: c.notes,
        }
    }
}

/// One change in a history, with a sentence in French.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub id: i64,
    /// `create`, `update`, `delete` or `restore`.
    pub action: String,
    pub user: Option<String>,
    pub at: DateTime<Utc>,
    /// The fields that changed, each as a sentence ("Marie a passé le statut de actif à en sommeil le 12/03/2026").
    pub changes: Vec<String>,
    #[schema(value_type = Object)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    pub after: Option<serde_json::Value>,
}

impl HistoryEntry {
    pub fn from_event(e: AuditEvent, tr: &crate::i18n::Tr) -> Self {
        let before: Option<serde_json::Value> = e
            .before_json
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok());
        let after: Option<serde_json::Value> = e
            .after_json
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok());
        let changes = crate::pages::history::describe(tr, &e, before.as_ref(), after.as_ref());
        Self {
            id: e.id,
            action: e.action,
            user: e.user_name,
            at: e.at,
            changes,
            before,
            after,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeView {
    pub id: i64,
    pub version: i64,
    pub partnership_id: i64,
    pub person_ref: String,
    pub kind: String,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub days: Option<i32>,
    pub hours: Option<i32>,
    pub contract: Option<String>,
    pub duration_days: Option<i32>,
    pub aided: bool,
    pub working_time_pct: Option<i32>,
    /// For a hire: `emploi_durable`, `emploi_transition`, `sortie_positive` or `autre_sortie`.
    pub category: Option<String>,
    /// Why, in French ("CDD non aidé de 6 mois ou plus → emploi durable").
    pub reason: Option<String>,
    pub note: String,
}

impl From<partinnov_store::outcomes::Outcome> for OutcomeView {
    fn from(o: partinnov_store::outcomes::Outcome) -> Self {
        let reason = o
            .data
            .classification()
            .ok()
            .flatten()
            .map(|c| c.reason.label(partinnov_domain::lang::Lang::Fr).to_owned());
        Self {
            id: o.id,
            version: o.version,
            partnership_id: o.partnership_id,
            person_ref: o.data.person_ref.as_str().to_owned(),
            kind: o.data.kind.as_str().to_owned(),
            started_on: o.data.started_on,
            ended_on: o.data.ended_on,
            days: o.data.days,
            hours: o.data.hours,
            contract: o.data.contract.map(|c| c.as_str().to_owned()),
            duration_days: o.data.duration_days,
            aided: o.data.aided,
            working_time_pct: o.data.working_time_pct,
            category: o.category.map(|c| c.as_str().to_owned()),
            reason,
            note: o.data.note,
        }
    }
}
