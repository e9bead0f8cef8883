use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const TODAY: (i32, u32, u32) = (2026, 11, 23);

fn today() -> NaiveDate {
    d(TODAY.0, TODAY.1, TODAY.2)
}

/// An active partnership with one partner (id = 100 + id), entered two years ago,
/// contacted last week, no form, flow or outcome.
fn p(id: i64, title: &str) -> PartnershipFacts {
    PartnershipFacts {
        id,
        title: title.to_owned(),
        partners: vec![PartnerFacts {
            id: 100 + id,
            name: format!("Entreprise {id}"),
        }],
        forms: vec![],
        status: PartnershipStatus::Actif,
        dormant: false,
        priority: None,
        created_on: d(2024, 11, 1),
        last_interaction_on: Some(d(2026, 11, 16)),
        flows: vec![],
        outcomes: vec![],
    }
}

fn form(form: Form, start: Option<NaiveDate>, end: Option<NaiveDate>) -> FormFacts {
    FormFacts {
        form,
        started_on: start,
        ended_on: end,
    }
}

fn flow(kind: FlowKind, year: i32, euros: i64) -> FlowFacts {
    FlowFacts {
        kind,
        year,
        amount_cents: euros * 100,
    }
}

fn inv(partnerships: Vec<PartnershipFacts>) -> Inventory {
    Inventory {
        today: today(),
        partnerships,
        prescribes_pmsmp: true,
        thresholds: Thresholds::default(),
    }
}

fn of(rule: SuggestionRule, all: &[Suggestion]) -> Vec<Suggestion> {
    all.iter().filter(|s| s.rule == rule).cloned().collect()
}

#[test]
fn an_empty_inventory_gets_no_suggestion() {
    assert_eq!(suggest(&inv(vec![])), vec![]);
}

#[test]
fn months_are_counted_as_dormancy_counts_them() {
    assert_eq!(months_between(d(2025, 11, 23), d(2026, 11, 23)), 12);
    assert_eq!(months_between(d(2025, 11, 24), d(2026, 11, 23)), 11);
    assert_eq!(
        months_between(d(2026, 1, 31), d(2026, 2, 28)),
        1,
        "end of month"
    );
    assert_eq!(months_between(d(2026, 11, 23), d(2026, 11, 23)), 0);
    assert_eq!(months_between(d(2027, 1, 1), d(2026, 11, 23)), 0, "future");
}

// ---------------------------------------------------------------- (a) former donors

#[test]
fn a_one_off_gift_never_asked_again_is_a_resource() {
    // 003: "il y a eu du mécénat une fois, mais l'entreprise n'a pas été ressollicitée".
    let mut gift = p(1, "Cartonnages — don ponctuel");
    gift.status = PartnershipStatus::EnSommeil;
    gift.dormant = true;
    gift.forms = vec![form(
        Form::MecenatNature,
        Some(d(2024, 11, 19)),
        Some(d(2024, 11, 19)),
    )];
    gift.flows = vec![flow(FlowKind::DonNature, 2024, 1_500)];
    gift.last_interaction_on = Some(d(2024, 11, 19));
    let all = suggest(&inv(vec![gift]));
    let donors = of(SuggestionRule::DormantDonor, &all);
    assert_eq!(donors.len(), 1);
    let s = &donors[0];
    assert_eq!(
        (s.partnership, s.organisation, s.subject.as_str()),
        (Some(1), Some(101), "Entreprise 1")
    );
    assert_eq!(s.family, Some(Family::Mecenat));
    // The gift's year ends on 31/12/2024: that is the last known solicitation.
    assert_eq!(s.figures.since, Some(d(2024, 12, 31)));
    assert_eq!(s.figures.months, Some(22));
    assert_eq!(s.figures.amount_cents, Some(150_000));
    assert_eq!(s.figures.year, Some(2024));
}

#[test]
fn a_donor_still_giving_or_recently_contacted_is_left_alone() {
    let mut giving = p(1, "Caisse — véhicules");
    giving.forms = vec![form(Form::MecenatFinancier, Some(d(2019, 6, 14)), None)];
    giving.flows = vec![flow(FlowKind::DonFinancier, 2020, 10_000)];
    let mut ended_recently = p(2, "Fondation — formation");
    ended_recently.status = PartnershipStatus::Termine;
    ended_recently.forms = vec![form(
        Form::MecenatFinancier,
        Some(d(2025, 1, 1)),
        Some(d(2025, 11, 24)),
    )];
    ended_recently.last_interaction_on = None;
    let all = suggest(&inv(vec![giving, ended_recently.clone()]));
    assert_eq!(of(SuggestionRule::DormantDonor, &all), vec![]);

    // Exactly twelve months after the form ended, it is time to ask again.
    ended_recently.forms[0].ended_on = Some(d(2025, 11, 23));
    let all = suggest(&inv(vec![ended_recently]));
    let s = &of(SuggestionRule::DormantDonor, &all)[0];
    assert_eq!(s.figures.months, Some(12));
    assert_eq!(s.figures.amount_cents, None, "no flow recorded");
}

#[test]
fn a_donor_giving_again_through_another_partnership_is_not_suggested() {
    let mut old = p(1, "Don 2021");
    old.status = PartnershipStatus::Termine;
    old.forms = vec![form(
        Form::MecenatNature,
        Some(d(2020, 2, 3)),
        Some(d(2021, 9, 30)),
    )];
    old.last_interaction_on = Some(d(2021, 9, 30));
    let mut again = p(2, "Mécénat de compétences");
    again.partners = old.partners.clone();
    again.forms = vec![form(Form::MecenatCompetences, Some(d(2025, 1, 15)), None)];
    assert_eq!(
        of(
            SuggestionRule::DormantDonor,
            &suggest(&inv(vec![old.clone(), again]))
        ),
        vec![]
    );
    // A planned gift that never started is not a former donor either.
    let mut planned = p(3, "Projet de don");
    planned.status = PartnershipStatus::EnProjet;
    planned.forms = vec![form(Form::MecenatFinancier, None, None)];
    planned.created_on = d(2020, 1, 1);
    planned.last_interaction_on = None;
    let all = suggest(&inv(vec![old, planned]));
    let donors = of(SuggestionRule::DormantDonor, &all);
    assert_eq!(
        donors.iter().map(|s| s.partnership).collect::<Vec<_>>(),
        [Some(1)]
    );
}

#[test]
fn larger_former_gifts_come_first() {
    let mut small = p(1, "Petit don");
    small.flows = vec![flow(FlowKind::DonFinancier, 2022, 500)];
    small.last_interaction_on = Some(d(2022, 3, 1));
    small.status = PartnershipStatus::EnSommeil;
    let mut large = p(2, "Grand don");
    large.flows = vec![
        flow(FlowKind::DonFinancier, 2021, 8_000),
        flow(FlowKind::MecenatCompetences, 2022, 2_000),
    ];
    large.last_interaction_on = Some(d(2023, 3, 1));
    large.status = PartnershipStatus::Termine;
    let donors = of(
        SuggestionRule::DormantDonor,
        &suggest(&inv(vec![small, large])),
    );
    assert_eq!(
        donors
            .iter()
            .map(|s| (s.partnership, s.figures.amount_cents))
            .collect::<Vec<_>>(),
        [(Some(2), Some(1_000_000)), (Some(1), Some(50_000))]
    );
}

// ------------------------------------------------------- (b) buyers without immersion

#[test]
fn a_buyer_who_never_hosted_an_immersion_is_suggested_largest_first() {
    let mut big = p(1, "Plasturgie — sous-traitance");
    big.forms = vec![form(Form::SousTraitance, Some(d(2019, 3, 1)), None)];
    big.flows = vec![
        flow(FlowKind::SousTraitance, 2025, 46_000),
        flow(FlowKind::SousTraitance, 2026, 20_000),
    ];
    let mut small = p(2, "Scierie — fournisseur");
    small.forms = vec![form(Form::RelationCommerciale, Some(d(2020, 2, 1)), None)];
    let mut hosts = p(3, "Volailles — immersions");
    hosts.forms = vec![form(Form::RelationCommerciale, Some(d(2020, 2, 1)), None)];
    hosts.outcomes = vec![OutcomeCount {
        kind: OutcomeKind::Pmsmp,
        count: 2,
    }];
    let buyers = of(
        SuggestionRule::BuyerWithoutImmersion,
        &suggest(&inv(vec![small, big, hosts])),
    );
    assert_eq!(
        buyers
            .iter()
            .map(|s| (s.partnership, s.figures.year, s.figures.amount_cents))
            .collect::<Vec<_>>(),
        [
            (Some(1), Some(2026), Some(2_000_000)),
            (Some(2), None, None)
        ]
    );
    assert_eq!(buyers[0].family, Some(Family::PratiquesResponsables));
}

#[test]
fn an_immersion_hosted_in_another_partnership_or_an_ended_one_counts_and_an_etti_is_not_asked() {
    let mut buyer = p(1, "Achats");
    buyer.forms = vec![form(Form::AchatsResponsables, Some(d(2023, 3, 1)), None)];
    let mut host = p(2, "Immersions passées");
    host.partners = buyer.partners.clone();
    host.status = PartnershipStatus::Termine;
    host.forms = vec![form(
        Form::AccueilImmersions,
        Some(d(2021, 1, 1)),
        Some(d(2021, 6, 1)),
    )];
    assert_eq!(
        of(
            SuggestionRule::BuyerWithoutImmersion,
            &suggest(&inv(vec![buyer.clone(), host]))
        ),
        vec![]
    );
    // An ended buying relation is no longer a buyer.
    let mut ended = buyer.clone();
    ended.status = PartnershipStatus::Termine;
    assert_eq!(
        of(
            SuggestionRule::BuyerWithoutImmersion,
            &suggest(&inv(vec![ended]))
        ),
        vec![]
    );
    // An ETTI does not prescribe PMSMP (001:312): no such suggestion.
    let mut etti = inv(vec![buyer]);
    etti.prescribes_pmsmp = prescribes_pmsmp(&[StructureKind::Etti]);
    assert_eq!(
        of(SuggestionRule::BuyerWithoutImmersion, &suggest(&etti)),
        vec![]
    );
    assert!(prescribes_pmsmp(&[StructureKind::Etti, StructureKind::Ai]));
    assert!(prescribes_pmsmp(&[StructureKind::Asso]), "kind unknown");
    assert!(prescribes_pmsmp(&[]));
}

#[test]
fn two_partnerships_with_one_buyer_give_one_suggestion() {
    let mut a = p(1, "Sous-traitance");
    a.flows = vec![flow(FlowKind::Vente, 2026, 3_000)];
    let mut b = p(2, "Cotraitance");
    b.partners = a.partners.clone();
    b.flows = vec![flow(FlowKind::Cotraitance, 2026, 9_000)];
    let buyers = of(
        SuggestionRule::BuyerWithoutImmersion,
        &suggest(&inv(vec![a, b])),
    );
    assert_eq!(buyers.len(), 1);
    assert_eq!(buyers[0].partnership, Some(2), "the larger one");
}

// ------------------------------------------------------------------ (c) broaden forms

#[test]
fn a_long_standing_one_family_partnership_may_take_the_next_step() {
    // 003: "on a de la coopération économique qui a émergé, mais on n'a pas pensé à la
    // développer".
    let mut coop = p(1, "Entrepôts — mise à disposition");
    coop.forms = vec![
        form(Form::MiseADisposition, Some(d(2021, 9, 1)), None),
        form(Form::Recrutement, Some(d(2024, 6, 3)), None),
    ];
    let mut donor = p(2, "Caisse — véhicules");
    donor.forms = vec![form(Form::MecenatFinancier, Some(d(2025, 11, 23)), None)];
    let mut young = p(3, "Achats récents");
    young.forms = vec![form(Form::AchatsResponsables, Some(d(2025, 11, 24)), None)];
    young.created_on = d(2025, 11, 24);
    let mut mixed = p(4, "Deux familles");
    mixed.forms = vec![
        form(Form::AccueilImmersions, Some(d(2020, 1, 1)), None),
        form(Form::Recrutement, Some(d(2020, 1, 1)), None),
    ];
    let mut furthest = p(5, "Filière");
    furthest.forms = vec![form(Form::CoconstructionProjet, Some(d(2020, 1, 1)), None)];
    let mut asleep = p(6, "En sommeil");
    asleep.dormant = true;
    asleep.forms = vec![form(Form::SousTraitance, Some(d(2020, 1, 1)), None)];
    let all = suggest(&inv(vec![coop, donor, young, mixed, furthest, asleep]));
    let broaden = of(SuggestionRule::BroadenForms, &all);
    assert_eq!(
        broaden
            .iter()
            .map(|s| (
                s.partnership,
                s.figures.from_family,
                s.family,
                s.figures.months
            ))
            .collect::<Vec<_>>(),
        [
            (
                Some(1),
                Some(Family::CooperationEconomique),
                Some(Family::InnovationSocietale),
                Some(62)
            ),
            (
                Some(2),
                Some(Family::Mecenat),
                Some(Family::CooperationEconomique),
                Some(12)
            ),
        ]
    );
}

#[test]
fn the_typology_steps_lead_to_societal_innovation_and_stop_there() {
    assert_eq!(
        next_family(Family::Mecenat),
        Some(Family::CooperationEconomique)
    );
    assert_eq!(
        next_family(Family::PratiquesResponsables),
        Some(Family::CooperationEconomique)
    );
    assert_eq!(
        next_family(Family::CooperationEconomique),
        Some(Family::InnovationSocietale)
    );
    assert_eq!(next_family(Family::InnovationSocietale), None);
}

#[test]
fn undated_forms_count_from_the_day_the_partnership_was_entered() {
    let mut undated = p(1, "Sans dates");
    undated.forms = vec![form(Form::RelationCommerciale, None, None)];
    undated.created_on = d(2025, 11, 23);
    let all = suggest(&inv(vec![undated.clone()]));
    assert_eq!(of(SuggestionRule::BroadenForms, &all).len(), 1);
    undated.created_on = d(2025, 11, 24);
    let all = suggest(&inv(vec![undated]));
    assert_eq!(of(SuggestionRule::BroadenForms, &all), vec![]);
}

// --------------------------------------------------------------------- (d) dependency

#[test]
fn one_buyer_with_most_of_the_latest_years_sales_is_a_dependency() {
    let mut a = p(1, "Gros client");
    a.flows = vec![
        flow(FlowKind::Vente, 2025, 1_000),
        flow(FlowKind::Vente, 2026, 45_000),
    ];
    let mut b = p(2, "Client moyen");
    b.flows = vec![
        flow(FlowKind::SousTraitance, 2026, 35_000),
        flow(FlowKind::DonFinancier, 2026, 90_000),
    ];
    let mut c = p(3, "Petit client");
    c.flows = vec![flow(FlowKind::Vente, 2026, 20_000)];
    let all = suggest(&inv(vec![a, b, c]));
    assert_eq!(
        all[0].rule,
        SuggestionRule::Dependency,
        "the first suggestion"
    );
    let s = &all[0];
    assert_eq!(
        (s.organisation, s.subject.as_str()),
        (Some(101), "Entreprise 1")
    );
    assert_eq!(s.figures.year, Some(2026));
    assert_eq!(s.figures.share_permille, Some(450));
    assert_eq!(s.figures.amount_cents, Some(4_500_000));
    assert_eq!(s.figures.count, Some(3));
}

#[test]
fn spread_sales_gifts_only_and_future_years_are_no_dependency() {
    let spread: Vec<PartnershipFacts> = (1..=10)
        .map(|i| {
            let mut x = p(i, "Client");
            x.flows = vec![flow(FlowKind::Vente, 2026, 10_000)];
            x
        })
        .collect();
    assert_eq!(
        of(SuggestionRule::Dependency, &suggest(&inv(spread))),
        vec![]
    );
    let mut gifts = p(1, "Mécène");
    gifts.flows = vec![flow(FlowKind::DonFinancier, 2026, 50_000)];
    assert_eq!(
        of(SuggestionRule::Dependency, &suggest(&inv(vec![gifts]))),
        vec![]
    );
    // Next year's order book does not move "the latest year" past today.
    let mut a = p(1, "A");
    a.flows = vec![
        flow(FlowKind::Vente, 2026, 10_000),
        flow(FlowKind::Vente, 2027, 90_000),
    ];
    let others: Vec<PartnershipFacts> = (2..=10)
        .map(|i| {
            let mut x = p(i, "Client");
            x.flows = vec![flow(FlowKind::Vente, 2026, 10_000)];
            x
        })
        .chain([a])
        .collect();
    assert_eq!(
        of(SuggestionRule::Dependency, &suggest(&inv(others))),
        vec![]
    );
}

#[test]
fn two_partnerships_with_the_same_main_partner_add_up() {
    let mut a = p(1, "Vente");
    a.flows = vec![flow(FlowKind::Vente, 2026, 20_000)];
    let mut b = p(2, "Sous-traitance");
    b.partners = a.partners.clone();
    b.flows = vec![flow(FlowKind::SousTraitance, 2026, 20_000)];
    let others: Vec<PartnershipFacts> = (3..=8)
        .map(|i| {
            let mut x = p(i, "Client");
            x.flows = vec![flow(FlowKind::Vente, 2026, 10_000)];
            x
        })
        .collect();
    let mut all = vec![a, b];
    all.extend(others);
    let dep = of(SuggestionRule::Dependency, &suggest(&inv(all)));
    assert_eq!(dep.len(), 1);
    assert_eq!(dep[0].figures.amount_cents, Some(4_000_000));
    assert_eq!(dep[0].figures.share_permille, Some(400));
}

// ------------------------------------------------------------- (e) missing families

#[test]
fn families_without_a_current_form_are_named_in_the_typologys_order() {
    let mut coop = p(1, "Sous-traitance");
    coop.forms = vec![form(Form::SousTraitance, Some(d(2020, 1, 1)), None)];
    let mut past_gift = p(2, "Ancien don");
    past_gift.status = PartnershipStatus::Termine;
    past_gift.forms = vec![form(
        Form::MecenatNature,
        Some(d(2020, 1, 1)),
        Some(d(2021, 1, 1)),
    )];
    let mut ended_but_running = p(3, "Terminé");
    ended_but_running.status = PartnershipStatus::Termine;
    ended_but_running.forms = vec![form(Form::Jvs, Some(d(2020, 1, 1)), None)];
    let missing = of(
        SuggestionRule::MissingFamily,
        &suggest(&inv(vec![coop, past_gift, ended_but_running])),
    );
    assert_eq!(
        missing
            .iter()
            .map(|s| (s.family, s.figures.count))
            .collect::<Vec<_>>(),
        [
            (Some(Family::Mecenat), Some(1)),
            (Some(Family::PratiquesResponsables), Some(0)),
            (Some(Family::InnovationSocietale), Some(1)),
        ]
    );
}

// ----------------------------------------------------- (f) priority without contact

#[test]
fn a_priority_partnership_silent_for_three_months_is_recalled_longest_first() {
    let mut silent = p(1, "Prioritaire silencieux");
    silent.priority = Some(Priority::Haute);
    silent.last_interaction_on = Some(d(2026, 8, 23));
    let mut never = p(2, "Prioritaire jamais contacté");
    never.priority = Some(Priority::Haute);
    never.status = PartnershipStatus::EnProjet;
    never.last_interaction_on = None;
    never.created_on = d(2026, 1, 10);
    let mut recent = p(3, "Prioritaire suivi");
    recent.priority = Some(Priority::Haute);
    recent.last_interaction_on = Some(d(2026, 8, 24));
    let mut low = p(4, "Basse priorité");
    low.priority = Some(Priority::Basse);
    low.last_interaction_on = Some(d(2020, 1, 1));
    let mut ended = p(5, "Terminé");
    ended.priority = Some(Priority::Haute);
    ended.status = PartnershipStatus::Termine;
    ended.last_interaction_on = Some(d(2020, 1, 1));
    let all = suggest(&inv(vec![silent, never, recent, low, ended]));
    let recalled = of(SuggestionRule::PriorityWithoutContact, &all);
    assert_eq!(
        recalled
            .iter()
            .map(|s| (s.partnership, s.figures.months, s.figures.since))
            .collect::<Vec<_>>(),
        [
            (Some(2), Some(10), None),
            (Some(1), Some(3), Some(d(2026, 8, 23)))
        ]
    );
}

// ------------------------------------------------------------------- set priorities

#[test]
fn three_open_partnerships_without_a_high_priority_ask_for_priorities() {
    let three: Vec<PartnershipFacts> = (1..=3).map(|i| p(i, "Lien")).collect();
    let s = of(SuggestionRule::SetPriorities, &suggest(&inv(three.clone())));
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].figures.count, Some(3));
    let two = three[..2].to_vec();
    assert_eq!(
        of(SuggestionRule::SetPriorities, &suggest(&inv(two))),
        vec![]
    );
    let mut with_one = three;
    with_one[0].priority = Some(Priority::Haute);
    assert_eq!(
        of(SuggestionRule::SetPriorities, &suggest(&inv(with_one))),
        vec![]
    );
}

// ------------------------------------------------------------------------ the list

#[test]
fn the_list_follows_the_rules_order_and_holds_no_duplicate() {
    let mut buyer = p(1, "Client unique");
    buyer.priority = Some(Priority::Haute);
    buyer.last_interaction_on = Some(d(2026, 1, 1));
    buyer.forms = vec![form(Form::RelationCommerciale, Some(d(2019, 1, 1)), None)];
    buyer.flows = vec![flow(FlowKind::Vente, 2026, 50_000)];
    let all = suggest(&inv(vec![buyer.clone(), buyer]));
    let rules: Vec<SuggestionRule> = all.iter().map(|s| s.rule).collect();
    assert_eq!(
        rules,
        [
            SuggestionRule::Dependency,
            SuggestionRule::PriorityWithoutContact,
            SuggestionRule::BuyerWithoutImmersion,
            SuggestionRule::BroadenForms,
            SuggestionRule::MissingFamily,
            SuggestionRule::MissingFamily,
            SuggestionRule::MissingFamily,
        ]
    );
    let mut sorted = rules.clone();
    sorted.sort();
    assert_eq!(rules, sorted, "rule order is the enum's order");
}

#[test]
fn rule_codes_round_trip() {
    for r in SuggestionRule::ALL {
        assert_eq!(r.as_str().parse::<SuggestionRule>(), Ok(*r));
    }
}
