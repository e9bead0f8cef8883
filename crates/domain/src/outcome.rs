//! Classification of an insertion employee's exit into the "sorties dynamiques" the DDETS
//! track for the variable part of the aid (001:237-241; DOMAIN.md §4 and §12 items 1-4).
//!
//! The guide names three categories and lists what each contains; everything else is
//! "autre sortie" (our name). Where the guide is silent (a CDD of exactly six months, an
//! aided CDI, temp work) the choice is a field of [`ClassificationRules`], so a workspace can
//! follow its DDETS. Rates with other definitions ("work or training") are not computed here.

use crate::code::coded_enum;
use crate::lang::Lang;

coded_enum! {
    /// What the person left for.
    pub enum ExitKind {
        Cdi => "cdi", "CDI", "permanent contract (CDI)",
        Cdd => "cdd", "CDD", "fixed-term contract (CDD)",
        Interim => "interim", "intérim", "temp work",
        /// A *contrat aidé* outside the IAE, for a fixed term (001:240).
        ContratAide => "contrat_aide", "contrat aidé hors IAE",
            "subsidised contract outside the IAE",
        ContratProfessionnalisation => "contrat_professionnalisation",
            "contrat de professionnalisation", "professionalisation contract",
        ContratApprentissage => "contrat_apprentissage", "contrat d'apprentissage",
            "apprenticeship",
        FonctionPublique => "fonction_publique", "intégration de la fonction publique",
            "joining the civil service",
        CreationEntreprise => "creation_entreprise", "création ou reprise d'entreprise",
            "starting or taking over a business",
        FormationQualifiante => "formation_qualifiante", "formation qualifiante",
            "qualifying training",
        FormationNonQualifiante => "formation_non_qualifiante", "formation non qualifiante",
            "non-qualifying training",
        /// Hired by another SIAE, whatever the contract (001:241).
        AutreSiae => "autre_siae", "embauche dans une autre SIAE", "hired by another SIAE",
        Retraite => "retraite", "retraite", "retirement",
        RechercheEmploi => "recherche_emploi", "recherche d'emploi", "job seeking",
        Autre => "autre", "autre", "other",
    }
}

coded_enum! {
    /// The official categories (001:239-241) plus ours for the rest.
    pub enum ExitCategory {
        EmploiDurable => "emploi_durable", "emploi durable", "lasting job",
        EmploiDeTransition => "emploi_transition", "emploi de transition", "transition job",
        SortiePositive => "sortie_positive", "sortie positive", "positive exit",
        /// Not named by the guide [reading].
        AutreSortie => "autre_sortie", "autre sortie", "other exit",
    }
}

impl ExitCategory {
    /// One of the three "sorties dynamiques" of the guide (001:237).
    pub const fn is_dynamic(self) -> bool {
        !matches!(self, ExitCategory::AutreSortie)
    }
}

/// Six months in days: 6 × 30.44 (a mean month) is 182.6, rounded down to 182 so that a
/// CDD written as "six months" is never one day short. The guide only says "plus de six
/// mois" / "moins de six mois" (001:239-240); the exact day is our reading.
pub const SIX_MONTHS_DAYS: u32 = 182;

/// Choices the guide leaves open (DOMAIN.md §12 items 1, 2 and 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ClassificationRules {
    /// A non-aided CDD of exactly [`SIX_MONTHS_DAYS`] is durable (true) or transition.
    pub six_months_is_durable: bool,
    /// An aided CDI is durable (true) or transition: "non aidé" qualifies only the CDD.
    pub aided_cdi_is_durable: bool,
    /// Temp work is not named by the guide.
    pub interim_category: ExitCategory,
}

impl Default for ClassificationRules {
    fn default() -> Self {
        Self {
            six_months_is_durable: true,
            aided_cdi_is_durable: true,
            interim_category: ExitCategory::AutreSortie,
        }
    }
}

/// One exit as recorded by the structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Exit {
    pub kind: ExitKind,
    /// Contract length in days; needed for a non-aided fixed-term contract.
    pub duration_days: Option<u32>,
    /// Subsidised by the State (*contrat aidé*).
    pub aided: bool,
}

/// Which rule decided, so a page can say why (the label is the sentence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    OtherSiae,
    AidedFixedTermOutsideIae,
    Cdi,
    AidedCdiDurable,
    AidedCdiTransition,
    FixedTermSixMonthsOrMore,
    FixedTermOverSixMonths,
    FixedTermSixMonthsOrLess,
    FixedTermUnderSixMonths,
    CivilService,
    BusinessCreation,
    QualifyingTraining,
    Retirement,
    InterimByRule,
    NotListed,
}

impl Reason {
    pub const fn label(self, lang: Lang) -> &'static str {
        use Reason::*;
        match (self, lang) {
            (OtherSiae, Lang::Fr) => "Embauche dans une autre SIAE → sortie positive",
            (OtherSiae, Lang::En) => "Hired by another SIAE → positive exit",
            (AidedFixedTermOutsideIae, Lang::Fr) => {
                "Contrat aidé à durée déterminée hors IAE → emploi de transition"
            }
            (AidedFixedTermOutsideIae, Lang::En) => {
                "Fixed-term subsidised contract outside the IAE → transition job"
            }
            (Cdi, Lang::Fr) => "CDI → emploi durable",
            (Cdi, Lang::En) => "Permanent contract → lasting job",
            (AidedCdiDurable, Lang::Fr) => "CDI aidé, compté comme emploi durable",
            (AidedCdiDurable, Lang::En) => "Subsidised permanent contract, counted as lasting",
            (AidedCdiTransition, Lang::Fr) => "CDI aidé, compté comme emploi de transition",
            (AidedCdiTransition, Lang::En) => {
                "Subsidised permanent contract, counted as transition"
            }
            (FixedTermSixMonthsOrMore, Lang::Fr) => {
                "CDD non aidé de 6 mois ou plus → emploi durable"
            }
            (FixedTermSixMonthsOrMore, Lang::En) => {
                "Non-subsidised fixed-term contract of 6 months or more → lasting job"
            }
            (FixedTermOverSixMonths, Lang::Fr) => "CDD non aidé de plus de 6 mois → emploi durable",
            (FixedTermOverSixMonths, Lang::En) => {
                "Non-subsidised fixed-term contract over 6 months → lasting job"
            }
            (FixedTermSixMonthsOrLess, Lang::Fr) => {
                "CDD non aidé de 6 mois ou moins → emploi de transition"
            }
            (FixedTermSixMonthsOrLess, Lang::En) => {
                "Non-subsidised fixed-term contract of 6 months or less → transition job"
            }
            (FixedTermUnderSixMonths, Lang::Fr) => {
                "CDD non aidé de moins de 6 mois → emploi de transition"
            }
            (FixedTermUnderSixMonths, Lang::En) => {
                "Non-subsidised fixed-term contract under 6 months → transition job"
            }
            (CivilService, Lang::Fr) => "Intégration de la fonction publique → emploi durable",
            (CivilService, Lang::En) => "Joining the civil service → lasting job",
            (BusinessCreation, Lang::Fr) => "Création ou reprise d'entreprise → emploi durable",
            (BusinessCreation, Lang::En) => "Starting or taking over a business → lasting job",
            (QualifyingTraining, Lang::Fr) => "Formation qualifiante → sortie positive",
            (QualifyingTraining, Lang::En) => "Qualifying training → positive exit",
            (Retirement, Lang::Fr) => "Prise de droits à la retraite → sortie positive",
            (Retirement, Lang::En) => "Retirement → positive exit",
            (InterimByRule, Lang::Fr) => {
                "Intérim, non cité par le guide : catégorie fixée par les règles"
            }
            (InterimByRule, Lang::En) => {
                "Temp work, not named by the guide: category set by the rules"
            }
            (NotListed, Lang::Fr) => "Non cité parmi les sorties dynamiques → autre sortie",
            (NotListed, Lang::En) => "Not among the dynamic exits → other exit",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classification {
    pub category: ExitCategory,
    pub reason: Reason,
}

/// An exit that cannot be classified as recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
    /// A non-aided fixed-term contract is durable or transition by its length alone.
    #[error("{kind} exit needs a duration")]
    MissingDuration { kind: ExitKind },
}

/// Classifies one exit. Rules apply in the order of DOMAIN.md §4: another SIAE first, then
/// fixed-term aided contracts, then contract type and length.
pub fn classify(exit: &Exit, rules: &ClassificationRules) -> Result<Classification, OutcomeError> {
    use ExitCategory::*;
    let done = |category, reason| Ok(Classification { category, reason });
    match exit.kind {
        // 001:241: "l'embauche dans une autre SIAE", whatever the contract.
        ExitKind::AutreSiae => done(SortiePositive, Reason::OtherSiae),
        // 001:240: "contrat aidé en dehors de l'IAE pour une durée déterminée", any length.
        ExitKind::ContratAide => done(EmploiDeTransition, Reason::AidedFixedTermOutsideIae),
        // 001:239: "CDI"; "non aidé" qualifies only the CDD (DOMAIN.md §12.2).
        ExitKind::Cdi if !exit.aided => done(EmploiDurable, Reason::Cdi),
        ExitKind::Cdi if rules.aided_cdi_is_durable => done(EmploiDurable, Reason::AidedCdiDurable),
        ExitKind::Cdi => done(EmploiDeTransition, Reason::AidedCdiTransition),
        // [reading] Work-study contracts are not named in 001:239-241; they are fixed-term
        // contracts, so they follow the CDD rule (aided → transition, else by length).
        ExitKind::Cdd | ExitKind::ContratProfessionnalisation | ExitKind::ContratApprentissage => {
            classify_fixed_term(exit, rules)
        }
        ExitKind::FonctionPublique => done(EmploiDurable, Reason::CivilService),
        ExitKind::CreationEntreprise => done(EmploiDurable, Reason::BusinessCreation),
        ExitKind::FormationQualifiante => done(SortiePositive, Reason::QualifyingTraining),
        ExitKind::Retraite => done(SortiePositive, Reason::Retirement),
        ExitKind::Interim => done(rules.interim_category, Reason::InterimByRule),
        ExitKind::FormationNonQualifiante | ExitKind::RechercheEmploi | ExitKind::Autre => {
            done(AutreSortie, Reason::NotListed)
        }
    }
}

fn classify_fixed_term(
    exit: &Exit,
    rules: &ClassificationRules,
) -> Result<Classification, OutcomeError> {
    use ExitCategory::*;
    if exit.aided {
        // 001:240: an aided fixed-term contract outside the IAE is transition, any length
        // (DOMAIN.md §12.3).
        return Ok(Classification {
            category: EmploiDeTransition,
            reason: Reason::AidedFixedTermOutsideIae,
        });
    }
    let days = exit
        .duration_days
        .ok_or(OutcomeError::MissingDuration { kind: exit.kind })?;
    // 001:239-240: "plus de six mois" → durable, "moins de six mois" → transition; exactly
    // six months is the rule's choice (DOMAIN.md §12.1).
    let (category, reason) = match (rules.six_months_is_durable, days >= SIX_MONTHS_DAYS) {
        (true, true) => (EmploiDurable, Reason::FixedTermSixMonthsOrMore),
        (true, false) => (EmploiDeTransition, Reason::FixedTermUnderSixMonths),
        (false, _) if days > SIX_MONTHS_DAYS => (EmploiDurable, Reason::FixedTermOverSixMonths),
        (false, _) => (EmploiDeTransition, Reason::FixedTermSixMonthsOrLess),
    };
    Ok(Classification { category, reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ExitCategory::*;

    fn exit(kind: ExitKind, duration_days: Option<u32>, aided: bool) -> Exit {
        Exit {
            kind,
            duration_days,
            aided,
        }
    }

    fn category(e: Exit) -> ExitCategory {
        classify(&e, &ClassificationRules::default())
            .unwrap()
            .category
    }

    fn category_with(e: Exit, rules: ClassificationRules) -> ExitCategory {
        classify(&e, &rules).unwrap().category
    }

    const STRICT_SIX_MONTHS: ClassificationRules = ClassificationRules {
        six_months_is_durable: false,
        aided_cdi_is_durable: true,
        interim_category: AutreSortie,
    };

    #[test]
    fn hire_by_another_siae_is_positive_whatever_the_contract() {
        // 001:241 "l'embauche dans une autre SIAE"; DOMAIN.md §12.4.
        assert_eq!(
            category(exit(ExitKind::AutreSiae, None, false)),
            SortiePositive
        );
        assert_eq!(
            category(exit(ExitKind::AutreSiae, Some(30), true)),
            SortiePositive
        );
    }

    #[test]
    fn aided_contract_outside_the_iae_is_transition_whatever_its_length() {
        // 001:240 "une embauche en contrat aidé en dehors de l'IAE pour une durée déterminée".
        for days in [None, Some(30), Some(SIX_MONTHS_DAYS), Some(730)] {
            let c = classify(
                &exit(ExitKind::ContratAide, days, true),
                &Default::default(),
            );
            assert_eq!(c.unwrap().category, EmploiDeTransition, "{days:?}");
        }
    }

    #[test]
    fn a_cdi_is_durable() {
        // 001:239 "un contrat à durée indéterminée (CDI)".
        let c = classify(&exit(ExitKind::Cdi, None, false), &Default::default()).unwrap();
        assert_eq!((c.category, c.reason), (EmploiDurable, Reason::Cdi));
    }

    #[test]
    fn an_aided_cdi_is_durable_by_default_and_transition_when_configured() {
        // 001:239: "non aidé" qualifies only the CDD (DOMAIN.md §12.2).
        assert_eq!(category(exit(ExitKind::Cdi, None, true)), EmploiDurable);
        let rules = ClassificationRules {
            aided_cdi_is_durable: false,
            ..Default::default()
        };
        let c = classify(&exit(ExitKind::Cdi, None, true), &rules).unwrap();
        assert_eq!(
            (c.category, c.reason),
            (EmploiDeTransition, Reason::AidedCdiTransition)
        );
    }

    #[test]
    fn non_aided_cdd_of_six_months_or_more_is_durable_by_default() {
        // 001:239 "CDD de plus de six mois et non aidé"; 001:240 "CDD de moins de six mois";
        // exactly six months counts as durable by default (DOMAIN.md §12.1).
        let cdd = |days| exit(ExitKind::Cdd, Some(days), false);
        assert_eq!(category(cdd(181)), EmploiDeTransition);
        assert_eq!(category(cdd(182)), EmploiDurable);
        assert_eq!(category(cdd(183)), EmploiDurable);
        assert_eq!(category(cdd(1)), EmploiDeTransition);
        let c = classify(&cdd(182), &Default::default()).unwrap();
        assert_eq!(c.reason, Reason::FixedTermSixMonthsOrMore);
    }

    #[test]
    fn exactly_six_months_is_transition_when_the_rule_is_strict() {
        // 001:239 "plus de six mois" read strictly (DOMAIN.md §12.1, configurable).
        let cdd = |days| exit(ExitKind::Cdd, Some(days), false);
        assert_eq!(
            category_with(cdd(181), STRICT_SIX_MONTHS),
            EmploiDeTransition
        );
        assert_eq!(
            category_with(cdd(182), STRICT_SIX_MONTHS),
            EmploiDeTransition
        );
        assert_eq!(category_with(cdd(183), STRICT_SIX_MONTHS), EmploiDurable);
        let c = classify(&cdd(182), &STRICT_SIX_MONTHS).unwrap();
        assert_eq!(c.reason, Reason::FixedTermSixMonthsOrLess);
        let c = classify(&cdd(183), &STRICT_SIX_MONTHS).unwrap();
        assert_eq!(c.reason, Reason::FixedTermOverSixMonths);
    }

    #[test]
    fn an_aided_cdd_is_transition_even_over_six_months_and_needs_no_duration() {
        // 001:240: any fixed-term contrat aidé outside the IAE (DOMAIN.md §12.3).
        assert_eq!(
            category(exit(ExitKind::Cdd, Some(400), true)),
            EmploiDeTransition
        );
        assert_eq!(
            category(exit(ExitKind::Cdd, None, true)),
            EmploiDeTransition
        );
    }

    #[test]
    fn a_non_aided_cdd_without_duration_cannot_be_classified() {
        // 001:239-240 decide by length alone.
        let err = classify(&exit(ExitKind::Cdd, None, false), &Default::default());
        assert_eq!(
            err,
            Err(OutcomeError::MissingDuration {
                kind: ExitKind::Cdd
            })
        );
    }

    #[test]
    fn work_study_contracts_follow_the_cdd_rule() {
        // [reading] not named in 001:239-241; classified as fixed-term contracts.
        for kind in [
            ExitKind::ContratProfessionnalisation,
            ExitKind::ContratApprentissage,
        ] {
            assert_eq!(category(exit(kind, Some(365), false)), EmploiDurable);
            assert_eq!(category(exit(kind, Some(181), false)), EmploiDeTransition);
            assert_eq!(category(exit(kind, Some(730), true)), EmploiDeTransition);
            assert_eq!(
                classify(&exit(kind, None, false), &Default::default()),
                Err(OutcomeError::MissingDuration { kind })
            );
        }
    }

    #[test]
    fn civil_service_and_business_creation_are_durable() {
        // 001:239 "l'intégration de la fonction publique ou la création ou reprise d'entreprise".
        assert_eq!(
            category(exit(ExitKind::FonctionPublique, None, false)),
            EmploiDurable
        );
        assert_eq!(
            category(exit(ExitKind::CreationEntreprise, None, false)),
            EmploiDurable
        );
    }

    #[test]
    fn qualifying_training_and_retirement_are_positive() {
        // 001:241 "formation qualifiante, la prise de droits à la retraite".
        assert_eq!(
            category(exit(ExitKind::FormationQualifiante, None, false)),
            SortiePositive
        );
        assert_eq!(
            category(exit(ExitKind::Retraite, None, false)),
            SortiePositive
        );
    }

    #[test]
    fn exits_not_listed_are_other() {
        // Not in 001:239-241 (DOMAIN.md §12.4).
        for kind in [
            ExitKind::FormationNonQualifiante,
            ExitKind::RechercheEmploi,
            ExitKind::Autre,
        ] {
            let c = classify(&exit(kind, None, false), &Default::default()).unwrap();
            assert_eq!((c.category, c.reason), (AutreSortie, Reason::NotListed));
            assert!(!c.category.is_dynamic());
        }
    }

    #[test]
    fn temp_work_is_other_by_default_and_follows_the_rule_otherwise() {
        // Intérim is not named in 001:239-241 (DOMAIN.md §12.4, configurable).
        assert_eq!(
            category(exit(ExitKind::Interim, Some(400), false)),
            AutreSortie
        );
        let rules = ClassificationRules {
            interim_category: EmploiDeTransition,
            ..Default::default()
        };
        assert_eq!(
            category_with(exit(ExitKind::Interim, None, false), rules),
            EmploiDeTransition
        );
    }

    #[test]
    fn every_kind_classifies_given_a_duration_and_every_reason_reads_in_both_languages() {
        // 001:237: the three listed categories are the "sorties dynamiques".
        for kind in ExitKind::ALL {
            for aided in [false, true] {
                let c = classify(&exit(*kind, Some(365), aided), &Default::default()).unwrap();
                for lang in Lang::ALL {
                    assert!(!c.reason.label(*lang).is_empty());
                }
            }
            assert_eq!(kind.as_str().parse::<ExitKind>(), Ok(*kind));
        }
        for category in ExitCategory::ALL {
            assert_eq!(category.as_str().parse::<ExitCategory>(), Ok(*category));
        }
        assert_eq!(
            Reason::FixedTermSixMonthsOrMore.label(Lang::Fr),
            "CDD non aidé de 6 mois ou plus → emploi durable"
        );
    }

    #[test]
    fn rules_deserialise_with_defaults_for_missing_fields() {
        let rules: ClassificationRules =
            serde_json::from_str(r#"{"interim_category":"emploi_transition"}"#).unwrap();
        assert!(rules.six_months_is_durable && rules.aided_cdi_is_durable);
        assert_eq!(rules.interim_category, EmploiDeTransition);
    }
}
