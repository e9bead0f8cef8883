//! Suggestions computed from an inventory: for each link, "can we go further?"
//! (003:1@c.5149-6009). Each rule reads an [`Inventory`] (plain facts the store gathers
//! inside the workspace's scope) and returns [`Suggestion`]s carrying the figures that
//! justify them; the web turns each into a French sentence from the catalogue
//! (`strategy.rule.{code}`) with a link to the data.
//!
//! Thresholds are our reading (the documents name the situations, not figures) and live in
//! [`Thresholds`] so that they can be tuned without touching the rules.

mod rules;

use std::collections::HashSet;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::{
    code::coded_enum,
    event::OutcomeKind,
    flow::{FlowKind, concentration},
    kind::StructureKind,
    typology::{Family, Form, PartnershipStatus, Priority},
};

/// A partner organisation of a partnership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerFacts {
    pub id: i64,
    pub name: String,
}

/// One form of a partnership with its dates (either may be unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormFacts {
    pub form: Form,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

impl FormFacts {
    /// Started (or undated) and not ended on `day`.
    pub fn is_current(&self, day: NaiveDate) -> bool {
        self.started_on.is_none_or(|s| s <= day) && self.ended_on.is_none_or(|e| e >= day)
    }
}

/// The total of one kind of flow for one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowFacts {
    pub kind: FlowKind,
    pub year: i32,
    pub amount_cents: i64,
}

/// How many outcomes of one kind a partnership produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutcomeCount {
    pub kind: OutcomeKind,
    pub count: u32,
}

/// What the rules know of one partnership (deleted ones are left out by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnershipFacts {
    pub id: i64,
    pub title: String,
    /// Main partner first: flows are attributed to it, as on the dashboard.
    pub partners: Vec<PartnerFacts>,
    pub forms: Vec<FormFacts>,
    pub status: PartnershipStatus,
    /// No interaction for the workspace's number of months (and not ended).
    pub dormant: bool,
    pub priority: Option<Priority>,
    /// The day it was entered: the start of its story when nothing else is dated.
    pub created_on: NaiveDate,
    pub last_interaction_on: Option<NaiveDate>,
    pub flows: Vec<FlowFacts>,
    pub outcomes: Vec<OutcomeCount>,
}

impl PartnershipFacts {
    fn main_partner(&self) -> Option<&PartnerFacts> {
        self.partners.first()
    }

    fn outcomes_of(&self, kind: OutcomeKind) -> u32 {
        self.outcomes
            .iter()
            .filter(|o| o.kind == kind)
            .map(|o| o.count)
            .sum()
    }

    fn is_open(&self) -> bool {
        matches!(
            self.status,
            PartnershipStatus::Actif | PartnershipStatus::EnProjet
        )
    }

    fn current_families(&self, day: NaiveDate) -> Vec<Family> {
        let mut out: Vec<Family> = self
            .forms
            .iter()
            .filter(|f| f.is_current(day))
            .map(|f| f.form.family())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Where the rules draw their lines. Our reading: the documents give none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// A former donor is worth asking again once this long without contact.
    pub resolicit_months: u32,
    /// A one-family partnership is "long-standing" after this long.
    pub broaden_after_months: u32,
    /// A high-priority partnership should hear from the structure this often.
    pub priority_contact_months: u32,
    /// Below this many open partnerships, setting priorities is not yet a question.
    pub priorities_from: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            resolicit_months: 12,
            broaden_after_months: 12,
            priority_contact_months: 3,
            priorities_from: 3,
        }
    }
}

/// A workspace's inventory as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    pub today: NaiveDate,
    pub partnerships: Vec<PartnershipFacts>,
    /// The structure may prescribe PMSMP immersions ([`prescribes_pmsmp`]).
    pub prescribes_pmsmp: bool,
    pub thresholds: Thresholds,
}

/// ACI, AI and EI may prescribe PMSMP to their employees; the ETTI is not listed (001:312,
/// DOMAIN.md §12.12), nor the EITI. A structure of unknown kind is not held back.
pub fn prescribes_pmsmp(kinds: &[StructureKind]) -> bool {
    use StructureKind::{Aci, Ai, Ei};
    kinds.iter().any(|k| matches!(k, Aci | Ai | Ei)) || !kinds.iter().any(|k| k.is_siae())
}

coded_enum! {
    /// The rules, most useful first: the order in which suggestions are listed.
    pub enum SuggestionRule {
        /// Most commercial revenue comes from few partners (dashboard warning, 001:203 for
        /// the ACI ceiling aside).
        Dependency => "dependance", "dépendance à peu de partenaires",
            "dependence on few partners",
        /// A high-priority partnership without a recent interaction.
        PriorityWithoutContact => "priorite_sans_contact",
            "partenariat prioritaire sans contact récent",
            "priority partnership without recent contact",
        /// Mécénat given once, the company never asked again: a resource (003:1@c.5598).
        DormantDonor => "ancien_mecene", "ancien mécène à solliciter de nouveau",
            "former donor to ask again",
        /// A buyer who never hosted an immersion: PMSMP as mutual discovery before a hire
        /// (001:312,940).
        BuyerWithoutImmersion => "acheteur_sans_immersion",
            "client ou donneur d'ordre qui n'a jamais accueilli d'immersion",
            "buyer who never hosted an immersion",
        /// A long-standing partnership in one family only: the next step of the typology
        /// (001:347-349; economic cooperation that emerged but was never developed, 003).
        BroadenForms => "elargir_formes", "partenariat à élargir à une autre famille",
            "partnership to broaden to another family",
        /// Several open partnerships and none marked high priority (003: "on se donne des
        /// priorités").
        SetPriorities => "fixer_priorites", "priorités à fixer", "priorities to set",
        /// No current form of a family anywhere in the inventory.
        MissingFamily => "famille_absente", "famille de formes absente de l'inventaire",
            "family of forms absent from the inventory",
    }
}

/// The figures a suggestion's sentence shows; each rule fills the ones it needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Whole months since `since` (or since the partnership was entered).
    pub months: Option<u32>,
    /// The last known contact or start; `None` with `months` set means "never".
    pub since: Option<NaiveDate>,
    pub year: Option<i32>,
    pub amount_cents: Option<i64>,
    /// A share in per mille (0..=1000).
    pub share_permille: Option<u32>,
    pub count: Option<u32>,
    /// The family a partnership is in now, when the suggestion is another one.
    pub from_family: Option<Family>,
}

/// One suggestion: which rule, what it is about, and why in figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub rule: SuggestionRule,
    pub partnership: Option<i64>,
    pub organisation: Option<i64>,
    /// The family suggested, or the one absent.
    pub family: Option<Family>,
    /// The partnership's title or the organisation's name, for the sentence.
    pub subject: String,
    pub figures: Figures,
}

/// Every suggestion for the inventory, most useful first, without duplicates. An empty
/// inventory gets none: there is nothing to go further from.
pub fn suggest(inv: &Inventory) -> Vec<Suggestion> {
    use rules::*;
    if inv.partnerships.is_empty() {
        return vec![];
    }
    let all = [
        dependency(inv).into_iter().collect(),
        priority_without_contact(inv),
        dormant_donors(inv),
        buyers_without_immersion(inv),
        broaden_forms(inv),
        set_priorities(inv).into_iter().collect(),
        missing_families(inv),
    ];
    let mut seen = HashSet::new();
    all.into_iter()
        .flatten()
        .filter(|s| seen.insert((s.rule, s.partnership, s.organisation, s.family)))
        .collect()
}

/// Whole months from `from` to `to` (0 when `to` is not after `from`), counted the way a
/// partnership becomes dormant: `from + n months <= to`.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    if to <= from {
        return 0;
    }
    let raw = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    let mut n = u32::try_from(raw.max(0)).unwrap_or(0);
    while n > 0 && !at_least_months(from, to, n) {
        n -= 1;
    }
    n
}

/// `to` is at least `months` after `from`.
fn at_least_months(from: NaiveDate, to: NaiveDate, months: u32) -> bool {
    from.checked_add_months(Months::new(months))
        .is_some_and(|d| d <= to)
}

/// The next step along the typology: mécénat and responsible practices are the usual
/// starting points, then economic cooperation, then societal innovation (001:347-349);
/// Tremplin went from a fabric donation to subcontracting (001:399-405). Innovation
/// sociétale is the furthest step. Moving up is never compulsory (001:349): a suggestion.
pub const fn next_family(f: Family) -> Option<Family> {
    match f {
        Family::Mecenat | Family::PratiquesResponsables => Some(Family::CooperationEconomique),
        Family::CooperationEconomique => Some(Family::InnovationSocietale),
        Family::InnovationSocietale => None,
    }
}

#[cfg(test)]
mod tests;
