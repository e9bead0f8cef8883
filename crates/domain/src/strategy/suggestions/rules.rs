//! The rules themselves, one function each; [`super::suggest`] lists them in order.

use super::*;

/// (d) The latest year with commercial revenue, per main partner: when few partners
/// weigh too much ([`crate::flow::Concentration::is_risky`], the dashboard's warning),
/// one suggestion about the largest.
pub(super) fn dependency(inv: &Inventory) -> Option<Suggestion> {
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
pub(super) fn priority_without_contact(inv: &Inventory) -> Vec<Suggestion> {
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
pub(super) fn dormant_donors(inv: &Inventory) -> Vec<Suggestion> {
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
pub(super) fn buyers_without_immersion(inv: &Inventory) -> Vec<Suggestion> {
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
pub(super) fn broaden_forms(inv: &Inventory) -> Vec<Suggestion> {
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
pub(super) fn set_priorities(inv: &Inventory) -> Option<Suggestion> {
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
pub(super) fn missing_families(inv: &Inventory) -> Vec<Suggestion> {
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
