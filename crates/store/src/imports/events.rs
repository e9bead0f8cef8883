//! Outcome and interaction rows: recorded on a partnership the workspace already has with
//! the row's organisation. Nothing else is created: an organisation that is neither in
//! the registry nor among the workspace's partners, or a partnership that cannot be told
//! apart from another, is a located problem.
//!
//! What identifies a row's record, so that importing the same file twice changes nothing:
//! an outcome by its person, kind and first day; an interaction by its kind, day and note.

use std::collections::HashMap;

use partinnov_domain::text::{fold, name_key};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{
    ImportItem, ImportProblem, ImportRow, ImportTarget, InteractionInput, MatchedBy, OutcomeInput,
    RowOutcome, RowResult,
};
use crate::{
    OrganisationId, PartnershipId, StoreError, db,
    error::Result,
    outcomes::{OutcomeDraft, find_outcome, insert_outcome, update_outcome_in},
    people::{InteractionDraft, find_interaction, insert_interaction, update_interaction_in},
};

/// The organisations that are parties of the workspace's live partnerships, by name key:
/// an outcome file often names the partner only ("Mondial Tissus"), without the commune
/// the registry match needs.
#[derive(Default)]
pub(super) struct WorkspacePartners {
    by_name: HashMap<String, Vec<i64>>,
}

impl WorkspacePartners {
    pub(super) async fn load(c: &impl ConnectionTrait, ws: i64) -> Result<Self> {
        #[derive(FromQueryResult)]
        struct P {
            id: i64,
            name: String,
        }
        let rows: Vec<P> = db::all(
            c,
            "SELECT DISTINCT o.id, o.name FROM organisations o \
             JOIN partnership_partners pp ON pp.organisation_id = o.id \
             JOIN partnerships p ON p.id = pp.partnership_id \
             WHERE p.workspace_id = $1 AND p.deleted_at IS NULL",
            vec![ws.into()],
        )
        .await?;
        let mut by_name: HashMap<String, Vec<i64>> = HashMap::new();
        for p in rows {
            by_name.entry(name_key(&p.name)).or_default().push(p.id);
        }
        Ok(Self { by_name })
    }

    fn find(&self, name: &str) -> Option<i64> {
        match self.by_name.get(&name_key(name))?.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

/// Records one outcome or interaction row. The outer error is the database's; the inner
/// one is the row's problem, reported with its line.
pub(super) async fn import_event(
    c: &impl ConnectionTrait,
    target: &ImportTarget,
    row: &ImportRow,
    matched: Option<(i64, MatchedBy)>,
    partners: &WorkspacePartners,
    update: bool,
) -> Result<std::result::Result<RowResult, ImportProblem>> {
    let problem = |field: &'static str, value: String, message: String| ImportProblem {
        line: row.line,
        field,
        value,
        message,
    };
    let shown = if row.org.name.trim().is_empty() {
        row.org
            .siret
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_default()
    } else {
        row.org.name.trim().to_owned()
    };
    let found = matched.or_else(|| {
        partners
            .find(&row.org.name)
            .map(|id| (id, MatchedBy::NameAmongPartners))
    });
    let Some((org_id, matched_by)) = found else {
        return Ok(Err(problem(
            "name",
            shown.clone(),
            format!(
                "l'espace n'a pas de partenaire « {shown} » : vérifiez le nom ou le SIRET, ou créez d'abord le partenariat"
            ),
        )));
    };
    let title = match &row.item {
        ImportItem::Outcome(o) => o.partnership.as_deref(),
        ImportItem::Interaction(i) => i.partnership.as_deref(),
        _ => None,
    };
    let partnership = match partnership_with(c, target.workspace_id.0, org_id, title).await? {
        Ok(id) => id,
        Err(Missing::NoPartnership) => {
            return Ok(Err(problem(
                "name",
                shown.clone(),
                format!(
                    "l'espace n'a pas de partenariat avec « {shown} » : créez-le (ou importez les partenariats) avant d'y importer des résultats ou des échanges"
                ),
            )));
        }
        Err(Missing::NoTitle(titles)) => {
            return Ok(Err(problem(
                "title",
                title.unwrap_or_default().to_owned(),
                format!(
                    "aucun partenariat avec « {shown} » ne s'intitule « {} » (ses partenariats : {}) : corrigez l'intitulé",
                    title.unwrap_or_default(),
                    titles.join(", ")
                ),
            )));
        }
        Err(Missing::Ambiguous(titles)) => {
            return Ok(Err(problem(
                "title",
                String::new(),
                format!(
                    "l'espace a plusieurs partenariats avec « {shown} » ({}) : ajoutez une colonne « Intitulé du partenariat » pour choisir",
                    titles.join(", ")
                ),
            )));
        }
    };
    let done = match &row.item {
        ImportItem::Outcome(o) => outcome(c, target, partnership, o, update).await?,
        ImportItem::Interaction(i) => interaction(c, target, partnership, i, update).await?,
        _ => {
            return Err(StoreError::Invalid {
                field: "kind",
                code: "not_an_event",
            });
        }
    };
    Ok(match done {
        Ok((outcome, id)) => Ok(RowResult {
            line: row.line,
            outcome,
            organisation_id: OrganisationId(org_id),
            organisation_matched_by: Some(matched_by),
            entity_id: Some(id),
        }),
        Err(StoreError::Invalid { field, code }) => Err(problem(
            field_code(field),
            String::new(),
            refused(code).to_owned(),
        )),
        Err(e) => return Err(e),
    })
}

enum Missing {
    NoPartnership,
    NoTitle(Vec<String>),
    Ambiguous(Vec<String>),
}

/// The workspace's one live partnership with `org` (by its title when one is given).
async fn partnership_with(
    c: &impl ConnectionTrait,
    ws: i64,
    org: i64,
    title: Option<&str>,
) -> Result<std::result::Result<PartnershipId, Missing>> {
    #[derive(FromQueryResult)]
    struct P {
        id: i64,
        title: String,
    }
    let all: Vec<P> = db::all(
        c,
        "SELECT p.id, p.title FROM partnerships p JOIN partnership_partners pp ON pp.partnership_id = p.id \
         WHERE p.workspace_id = $1 AND pp.organisation_id = $2 AND p.deleted_at IS NULL ORDER BY p.id",
        vec![ws.into(), org.into()],
    )
    .await?;
    let titles = || all.iter().map(|p| p.title.clone()).collect::<Vec<_>>();
    let chosen: Vec<&P> = match title.map(fold).filter(|t| !t.is_empty()) {
        Some(t) => all.iter().filter(|p| fold(&p.title) == t).collect(),
        None => all.iter().collect(),
    };
    Ok(match (chosen.as_slice(), title) {
        ([one], _) => Ok(PartnershipId(one.id)),
        ([], _) if all.is_empty() => Err(Missing::NoPartnership),
        ([], _) => Err(Missing::NoTitle(titles())),
        _ => Err(Missing::Ambiguous(titles())),
    })
}

type Done = std::result::Result<(RowOutcome, i64), StoreError>;

/// Creates the outcome, or compares it with the stored one (and updates it when asked).
/// Only database failures are the outer error; a refused value is the inner one.
async fn outcome(
    c: &impl ConnectionTrait,
    target: &ImportTarget,
    partnership: PartnershipId,
    o: &OutcomeInput,
    update: bool,
) -> Result<Done> {
    let ws = target.workspace_id;
    let draft = OutcomeDraft {
        person_ref: o.person_ref.clone(),
        kind: o.kind,
        started_on: o.started_on,
        ended_on: o.ended_on,
        days: o.days,
        hours: o.hours,
        contract: o.contract,
        duration_days: o.duration_days,
        aided: o.aided.unwrap_or(false),
        working_time_pct: o.working_time_pct,
        note: o.notes.clone().unwrap_or_default(),
    };
    let Some(stored) = find_outcome(c, ws, partnership, &draft).await? else {
        return row_result(
            insert_outcome(c, ws, target.user, partnership, &draft).await,
            RowOutcome::Created,
        );
    };
    let before = stored.data;
    let merged = OutcomeDraft {
        ended_on: o.ended_on.or(before.ended_on),
        days: o.days.or(before.days),
        hours: o.hours.or(before.hours),
        contract: o.contract.or(before.contract),
        duration_days: o.duration_days.or(before.duration_days),
        aided: o.aided.unwrap_or(before.aided),
        working_time_pct: o.working_time_pct.or(before.working_time_pct),
        note: o.notes.clone().unwrap_or_else(|| before.note.clone()),
        ..before.clone()
    };
    if merged == before || !update {
        return Ok(Ok((RowOutcome::Unchanged, stored.id)));
    }
    row_result(
        update_outcome_in(c, ws, target.user, stored.id, &before, &merged)
            .await
            .map(|()| stored.id),
        RowOutcome::Updated,
    )
}

async fn interaction(
    c: &impl ConnectionTrait,
    target: &ImportTarget,
    partnership: PartnershipId,
    i: &InteractionInput,
    update: bool,
) -> Result<Done> {
    let ws = target.workspace_id.0;
    let draft = InteractionDraft {
        kind: i.kind,
        occurred_on: i.occurred_on,
        participants: i.participants.clone().unwrap_or_default(),
        note: i.notes.clone().unwrap_or_default(),
    };
    let Some(stored) = find_interaction(c, ws, partnership, &draft).await? else {
        let id = insert_interaction(
            c,
            ws,
            target.dormant_months,
            target.user,
            partnership,
            &draft,
        )
        .await
        .map(|id| id.0);
        return row_result(id, RowOutcome::Created);
    };
    let merged = InteractionDraft {
        participants: i
            .participants
            .clone()
            .unwrap_or_else(|| stored.data.participants.clone()),
        // The note identifies the interaction: keep the stored spelling.
        note: stored.data.note.clone(),
        ..stored.data.clone()
    };
    if merged == stored.data || !update {
        return Ok(Ok((RowOutcome::Unchanged, stored.id.0)));
    }
    let id = stored.id.0;
    row_result(
        update_interaction_in(
            c,
            ws,
            target.dormant_months,
            target.user,
            &stored,
            stored.version,
            &merged,
        )
        .await
        .map(|()| id),
        RowOutcome::Updated,
    )
}

/// Splits a write's result: a refused value goes to the row, anything else stops the import.
fn row_result(written: Result<i64>, outcome: RowOutcome) -> Result<Done> {
    match written {
        Ok(id) => Ok(Ok((outcome, id))),
        Err(e @ StoreError::Invalid { .. }) => Ok(Err(e)),
        Err(e) => Err(e),
    }
}

/// The import's field code for a store field name.
fn field_code(field: &'static str) -> &'static str {
    match field {
        "duration_days" => "duration",
        "working_time_pct" => "working_time",
        "kind" => "outcome_kind",
        other => other,
    }
}

/// A French message for what the store refused (the file's checks catch these first; they
/// remain for values merged with what is stored).
fn refused(code: &str) -> &'static str {
    match code {
        "end_before_start" => "la date de fin est avant la date de début : corrigez l'une des deux",
        "negative" => "ce nombre ne peut pas être négatif",
        "out_of_range" => "le temps de travail est un pourcentage entre 1 et 100",
        "duration_required" => {
            "durée du contrat manquante : indiquez-la (« 6 mois ») ou donnez les dates de début et de fin"
        }
        "required" => "valeur obligatoire pour une embauche : indiquez le contrat",
        _ => "valeur refusée : vérifiez la ligne",
    }
}
