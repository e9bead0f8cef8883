//! Suggestions computed from an inventory: for each link, "can we go further?"
//! (003:1@c.5149-6009). Each rule reads an [`Inventory`] (plain facts the store gathers
//! inside the workspace's scope) and returns [`Suggestion`]s carrying the figures that
//! justify them; the web turns each into a French sentence from the catalogue
//! (`strategy.rule.{code}`) with a link to the data.
//!
//! Thresholds are our reading (the documents name the situations, not figures) and live in
//! [`Thresholds`] so that they can be tuned without touching the rules.

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

/// (d) The latest year with commercial revenue, per main partner: when few partners
/// weigh too much ([`crate::flow::Concentration::is_risky`], the dashboard's warning),
/// one suggestion about the largest.
fn dependency(inv: &Inventory) -> Option<Suggestion> {
    let this_year = inv.today.year();
    let year = inv
        .partnerships
        .iter()
        .flat_map(|p| &p.flows)
        .filter(|f| f.kind.is_commercial() && f.amount_cents > 0 && f.year <= this_year)
        .map(|f| f.year)
        .max()?;
    let mut by_partner: Vec<(&PartnerFacts, i64)> = vec![];
    for p in &inv.partnerships {
        let Some(partner) = p.main_partner() else {
            continue;
        };
        let amount: i64 = p
            .flows
            .iter()
            .filter(|f| f.kind.is_commercial() && f.year == year && f.amount_cents > 0)
            .map(|f| f.amount_cents)
            .sum();
        if amount == 0 {
            continue;
        }
        match by_partner.iter_mut().find(|(o, _)| o.id == partner.id) {
            Some((_, total)) => *total += amount,
            None => by_partner.push((partner, amount)),
        }
    }
    by_partner.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
    let amounts: Vec<i64> = by_partner.iter().map(|(_, a)| *a).collect();
    let c = concentration(&amounts)?;
    if !c.is_risky() {
        return None;
    }
    let (top, amount) = by_partner.first()?;
    Some(Suggestion {
        rule: SuggestionRule::Dependency,
        partnership: None,
        organisation: Some(top.id),
        family: None,
        subject: top.name.clone(),
        figures: Figures {
            year: Some(year),
            amount_cents: Some(*amount),
            share_permille: Some(c.top1_permille),
            count: u32::try_from(by_partner.len()).ok(),
            ..Default::default()
        },
    })
}

/// (f) High-priority partnerships, open, whose last interaction (or entry, if none) is at
/// least [`Thresholds::priority_contact_months`] old; the longest silence first.
fn priority_without_contact(inv: &Inventory) -> Vec<Suggestion> {
    let limit = inv.thresholds.priority_contact_months;
    let mut out: Vec<Suggestion> = inv
        .partnerships
        .iter()
        .filter(|p| p.priority == Some(Priority::Haute) && p.is_open())
        .filter_map(|p| {
            let from = p.last_interaction_on.unwrap_or(p.created_on);
            at_least_months(from, inv.today, limit).then(|| Suggestion {
                rule: SuggestionRule::PriorityWithoutContact,
                partnership: Some(p.id),
                organisation: p.main_partner().map(|o| o.id),
                family: None,
                subject: p.title.clone(),
                figures: Figures {
                    months: Some(months_between(from, inv.today)),
                    since: p.last_interaction_on,
                    ..Default::default()
                },
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.figures
            .months
            .cmp(&a.figures.months)
            .then(a.partnership.cmp(&b.partnership))
    });
    out
}

const GIFTS: [FlowKind; 3] = [
    FlowKind::DonFinancier,
    FlowKind::DonNature,
    FlowKind::MecenatCompetences,
];

/// (a) Partners who gave (donation flows, or a mécénat form that has started) and give no
/// longer (no current mécénat form, or the partnership is dormant, asleep or ended), with
/// no contact for [`Thresholds::resolicit_months`]: "du mécénat une fois, mais
/// l'entreprise n'a pas été ressollicitée, finalement c'est une ressource" (003:1@c.5598).
/// A partner giving again through another live partnership is left out. Largest gifts
/// first, then the longest silence.
fn dormant_donors(inv: &Inventory) -> Vec<Suggestion> {
    let today = inv.today;
    let giving_now = |org: i64| {
        inv.partnerships.iter().any(|p| {
            p.status == PartnershipStatus::Actif
                && !p.dormant
                && p.partners.iter().any(|o| o.id == org)
                && p.forms
                    .iter()
                    .any(|f| f.form.family() == Family::Mecenat && f.is_current(today))
        })
    };
    let mut out = vec![];
    for p in &inv.partnerships {
        let Some(partner) = p.main_partner() else {
            continue;
        };
        let gifts: Vec<&FlowFacts> = p
            .flows
            .iter()
            .filter(|f| GIFTS.contains(&f.kind) && f.amount_cents > 0)
            .collect();
        let mecenat: Vec<&FormFacts> = p
            .forms
            .iter()
            .filter(|f| f.form.family() == Family::Mecenat)
            .collect();
        let gave = !gifts.is_empty()
            || mecenat
                .iter()
                .any(|f| f.started_on.is_some_and(|s| s <= today));
        if !gave {
            continue;
        }
        let still = p.status == PartnershipStatus::Actif
            && !p.dormant
            && mecenat.iter().any(|f| f.is_current(today));
        if still || giving_now(partner.id) {
            continue;
        }
        let last_gift_year = gifts.iter().map(|f| f.year).max();
        let last = [
            p.last_interaction_on,
            last_gift_year.and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31)),
        ]
        .into_iter()
        .chain(mecenat.iter().flat_map(|f| [f.started_on, f.ended_on]))
        .flatten()
        .filter(|d| *d <= today)
        .max()
        .unwrap_or(p.created_on);
        if !at_least_months(last, today, inv.thresholds.resolicit_months) {
            continue;
        }
        let total: i64 = gifts.iter().map(|f| f.amount_cents).sum();
        out.push(Suggestion {
            rule: SuggestionRule::DormantDonor,
            partnership: Some(p.id),
            organisation: Some(partner.id),
            family: Some(Family::Mecenat),
            subject: partner.name.clone(),
            figures: Figures {
                months: Some(months_between(last, today)),
                since: Some(last),
                year: last_gift_year,
                amount_cents: (total > 0).then_some(total),
                ..Default::default()
            },
        });
    }
    out.sort_by(|a, b| {
        b.figures
            .amount_cents
            .cmp(&a.figures.amount_cents)
            .then(b.figures.months.cmp(&a.figures.months))
            .then(a.partnership.cmp(&b.partnership))
    });
    out
}

/// Forms through which a partner buys from the structure or uses its staff.
const BUYER_FORMS: [Form; 7] = [
    Form::RelationCommerciale,
    Form::SousTraitance,
    Form::Cotraitance,
    Form::Gme,
    Form::MiseADisposition,
    Form::AchatsResponsables,
    Form::ClausesSociales,
];

/// (b) Partners who buy (commercial flows, or a current buying form) in a partnership
/// that has not ended, and never hosted an immersion in any partnership (no PMSMP outcome,
/// no "accueil d'immersions" form). The SIAE pitches the PMSMP as mutual discovery before
/// a possible lasting hire (001:940). Only for structures that prescribe PMSMP. One per
/// partner, the largest revenue first.
fn buyers_without_immersion(inv: &Inventory) -> Vec<Suggestion> {
    if !inv.prescribes_pmsmp {
        return vec![];
    }
    let today = inv.today;
    let hosted = |org: i64| {
        inv.partnerships.iter().any(|p| {
            p.partners.iter().any(|o| o.id == org)
                && (p.outcomes_of(OutcomeKind::Pmsmp) > 0
                    || p.forms.iter().any(|f| f.form == Form::AccueilImmersions))
        })
    };
    let mut out: Vec<Suggestion> = vec![];
    for p in &inv.partnerships {
        if p.status == PartnershipStatus::Termine {
            continue;
        }
        let Some(partner) = p.main_partner() else {
            continue;
        };
        let sales: Vec<&FlowFacts> = p
            .flows
            .iter()
            .filter(|f| f.kind.is_commercial() && f.amount_cents > 0)
            .collect();
        let buys = !sales.is_empty()
            || p.forms
                .iter()
                .any(|f| BUYER_FORMS.contains(&f.form) && f.is_current(today));
        if !buys || hosted(partner.id) {
            continue;
        }
        let year = sales.iter().map(|f| f.year).max();
        let amount: i64 = sales
            .iter()
            .filter(|f| Some(f.year) == year)
            .map(|f| f.amount_cents)
            .sum();
        let s = Suggestion {
            rule: SuggestionRule::BuyerWithoutImmersion,
            partnership: Some(p.id),
            organisation: Some(partner.id),
            family: Some(Family::PratiquesResponsables),
            subject: partner.name.clone(),
            figures: Figures {
                year,
                amount_cents: (amount > 0).then_some(amount),
                ..Default::default()
            },
        };
        match out.iter_mut().find(|o| o.organisation == s.organisation) {
            Some(o) if o.figures.amount_cents < s.figures.amount_cents => *o = s,
            Some(_) => {}
            None => out.push(s),
        }
    }
    out.sort_by(|a, b| {
        b.figures
            .amount_cents
            .cmp(&a.figures.amount_cents)
            .then(a.partnership.cmp(&b.partnership))
    });
    out
}

/// (c) Active, not dormant partnerships whose current forms all sit in one family and have
/// run for [`Thresholds::broaden_after_months`]: suggest the next family ([`next_family`]).
/// The longest-standing first.
fn broaden_forms(inv: &Inventory) -> Vec<Suggestion> {
    let today = inv.today;
    let mut out: Vec<Suggestion> = inv
        .partnerships
        .iter()
        .filter(|p| p.status == PartnershipStatus::Actif && !p.dormant)
        .filter_map(|p| {
            let families = p.current_families(today);
            let [family] = families.as_slice() else {
                return None;
            };
            let next = next_family(*family)?;
            let since = p
                .forms
                .iter()
                .filter(|f| f.is_current(today))
                .filter_map(|f| f.started_on)
                .min()
                .unwrap_or(p.created_on);
            at_least_months(since, today, inv.thresholds.broaden_after_months).then(|| Suggestion {
                rule: SuggestionRule::BroadenForms,
                partnership: Some(p.id),
                organisation: p.main_partner().map(|o| o.id),
                family: Some(next),
                subject: p.title.clone(),
                figures: Figures {
                    months: Some(months_between(since, today)),
                    since: Some(since),
                    from_family: Some(*family),
                    ..Default::default()
                },
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.figures
            .months
            .cmp(&a.figures.months)
            .then(a.partnership.cmp(&b.partnership))
    });
    out
}

/// Several open partnerships and none marked high priority: "on se donne des priorités
/// pour construire des partenariats privilégiés" (003:1@c.5149-6009).
fn set_priorities(inv: &Inventory) -> Option<Suggestion> {
    let open: Vec<&PartnershipFacts> = inv.partnerships.iter().filter(|p| p.is_open()).collect();
    if open.len() < inv.thresholds.priorities_from
        || open.iter().any(|p| p.priority == Some(Priority::Haute))
    {
        return None;
    }
    Some(Suggestion {
        rule: SuggestionRule::SetPriorities,
        partnership: None,
        organisation: None,
        family: None,
        subject: String::new(),
        figures: Figures {
            count: u32::try_from(open.len()).ok(),
            ..Default::default()
        },
    })
}

/// (e) Families with no current form in any partnership that has not ended, in the
/// typology's order; `count` is how many partnerships had one in the past.
fn missing_families(inv: &Inventory) -> Vec<Suggestion> {
    let today = inv.today;
    Family::ALL
        .iter()
        .filter(|family| {
            !inv.partnerships.iter().any(|p| {
                p.status != PartnershipStatus::Termine
                    && p.forms
                        .iter()
                        .any(|f| f.form.family() == **family && f.is_current(today))
            })
        })
        .map(|family| {
            let past = inv
                .partnerships
                .iter()
                .filter(|p| p.forms.iter().any(|f| f.form.family() == *family))
                .count();
            Suggestion {
                rule: SuggestionRule::MissingFamily,
                partnership: None,
                organisation: None,
                family: Some(*family),
                subject: String::new(),
                figures: Figures {
                    count: u32::try_from(past).ok(),
                    ..Default::default()
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
