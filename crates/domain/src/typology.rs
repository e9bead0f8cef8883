//! The typology of partnerships: four families and their forms, the partnership's status,
//! priority, potential and degree of involvement, whom an objective serves, and the kinds
//! of interactions on its timeline.
//!
//! The families come from Le Rameau's typology as the Avise guide reports it (001:339-349);
//! which family each form belongs to is our reading (DOMAIN.md §3). Forms, not families,
//! are stored on a partnership; a partnership may carry several forms.

use chrono::NaiveDate;

use crate::code::coded_enum;
use crate::lang::Lang;

coded_enum! {
    /// The four families of SIAE–company partnerships (001:339-349).
    pub enum Family {
        Mecenat => "mecenat", "mécénat", "philanthropy",
        PratiquesResponsables => "pratiques_responsables", "pratiques responsables",
            "responsible practices",
        CooperationEconomique => "cooperation_economique", "coopération économique",
            "economic cooperation",
        InnovationSocietale => "innovation_societale", "innovation sociétale",
            "societal innovation",
    }
}

impl Family {
    /// One sentence on what the family covers (DOMAIN.md §3).
    pub const fn description(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Family::Mecenat, Lang::Fr) => {
                "Le partenaire donne de l'argent, des biens, du temps ou des compétences, \
                 sans contrepartie commerciale."
            }
            (Family::Mecenat, Lang::En) => {
                "The partner gives money, goods, time or skills, with no commercial return."
            }
            (Family::PratiquesResponsables, Lang::Fr) => {
                "Le partenaire fait évoluer ses propres pratiques : achats, clauses, \
                 recrutement, accueil d'immersions, sensibilisation."
            }
            (Family::PratiquesResponsables, Lang::En) => {
                "The partner changes its own practices: purchasing, clauses, hiring, \
                 hosting immersions, awareness."
            }
            (Family::CooperationEconomique, Lang::Fr) => {
                "Les partenaires font des affaires ensemble : commandes, sous-traitance, \
                 réponses groupées, mise à disposition, moyens partagés."
            }
            (Family::CooperationEconomique, Lang::En) => {
                "The partners do business together: orders, subcontracting, joint bids, \
                 staff lending, pooled means."
            }
            (Family::InnovationSocietale, Lang::Fr) => {
                "Les partenaires construisent ensemble une réponse nouvelle à un besoin du \
                 territoire, jusqu'à une structure commune."
            }
            (Family::InnovationSocietale, Lang::En) => {
                "The partners build a new answer to a local need together, up to a shared \
                 structure."
            }
        }
    }

    /// The forms of this family, in declaration order.
    pub fn forms(self) -> impl Iterator<Item = Form> {
        Form::ALL
            .iter()
            .copied()
            .filter(move |f| f.family() == self)
    }
}

coded_enum! {
    /// A concrete form of partnership; each belongs to one family.
    pub enum Form {
        MecenatFinancier => "mecenat_financier", "mécénat financier", "financial giving",
        MecenatNature => "mecenat_nature", "mécénat en nature", "in-kind giving",
        MecenatCompetences => "mecenat_competences", "mécénat de compétences",
            "skills-based giving",
        MecenatLogistique => "mecenat_logistique", "mécénat logistique", "logistical support",
        Benevolat => "benevolat", "bénévolat de salariés", "employee volunteering",
        AdministrateursCroises => "administrateurs_croises", "administrateurs croisés",
            "cross-directorships",
        AchatsResponsables => "achats_responsables", "achats responsables",
            "responsible purchasing",
        ClausesSociales => "clauses_sociales", "clauses sociales", "social clauses",
        AccueilImmersions => "accueil_immersions",
            "accueil d'immersions (PMSMP, job dating, visites)",
            "hosting immersions (PMSMP, job dating, visits)",
        Sensibilisation => "sensibilisation", "sensibilisation", "awareness actions",
        SousTraitanceHandicap => "sous_traitance_handicap",
            "sous-traitance au titre de l'obligation d'emploi",
            "subcontracting under the disability employment obligation",
        RelationCommerciale => "relation_commerciale", "relation commerciale",
            "commercial relationship",
        SousTraitance => "sous_traitance", "sous-traitance", "subcontracting",
        Cotraitance => "cotraitance", "cotraitance", "joint contracting",
        Gme => "gme", "groupement momentané d'entreprises (GME)",
            "temporary business grouping (GME)",
        MiseADisposition => "mise_a_disposition", "mise à disposition de personnel",
            "staff lending",
        Recrutement => "recrutement", "recrutement", "hiring",
        MutualisationMoyens => "mutualisation_moyens", "mutualisation de moyens",
            "pooled means",
        CoconstructionProjet => "coconstruction_projet", "co-construction de projet",
            "co-built project",
        ProjetCollectif => "projet_collectif",
            "projet collectif (Fabrique à initiatives, PTCE)",
            "collective project (Fabrique à initiatives, PTCE)",
        MarqueCommune => "marque_commune", "marque commune", "shared brand",
        Jvs => "jvs", "joint-venture sociale, prise de participation",
            "social joint venture, equity stake",
        SolutionRh => "solution_rh", "solution RH co-construite", "co-built HR solution",
    }
}

impl Form {
    pub const fn family(self) -> Family {
        use Form::*;
        match self {
            MecenatFinancier
            | MecenatNature
            | MecenatCompetences
            | MecenatLogistique
            | Benevolat
            | AdministrateursCroises => Family::Mecenat,
            AchatsResponsables
            | ClausesSociales
            | AccueilImmersions
            | Sensibilisation
            | SousTraitanceHandicap => Family::PratiquesResponsables,
            RelationCommerciale | SousTraitance | Cotraitance | Gme | MiseADisposition
            | Recrutement | MutualisationMoyens => Family::CooperationEconomique,
            // Co-built HR solutions could also read as responsible practices (DOMAIN.md §12.6).
            CoconstructionProjet | ProjetCollectif | MarqueCommune | Jvs | SolutionRh => {
                Family::InnovationSocietale
            }
        }
    }

    /// Where the seeds show this form, as `seed:line` (DOMAIN.md §3).
    pub const fn source(self) -> &'static str {
        use Form::*;
        match self {
            MecenatFinancier => "001:1828",
            MecenatNature => "001:399",
            MecenatCompetences => "001:407",
            MecenatLogistique => "001:1812",
            Benevolat => "001:407",
            AdministrateursCroises => "001:1825",
            AchatsResponsables => "001:347",
            ClausesSociales => "001:852",
            AccueilImmersions => "001:713",
            Sensibilisation => "001:711",
            SousTraitanceHandicap => "001:709",
            RelationCommerciale => "001:750",
            SousTraitance => "001:819",
            Cotraitance => "001:819",
            Gme => "001:843",
            MiseADisposition => "001:734",
            Recrutement => "001:735",
            MutualisationMoyens => "001:1462",
            CoconstructionProjet => "001:1363",
            ProjetCollectif => "001:1063",
            MarqueCommune => "001:1466",
            Jvs => "001:1224",
            SolutionRh => "001:887",
        }
    }
}

/// A form's dates are out of order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("end {end} is before start {start}")]
pub struct DateRangeError {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// Either date may be unknown; when both are known the end may not precede the start
/// (a one-day action starts and ends the same day).
pub fn validate_form_dates(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
) -> Result<(), DateRangeError> {
    match (start, end) {
        (Some(start), Some(end)) if end < start => Err(DateRangeError { start, end }),
        _ => Ok(()),
    }
}

coded_enum! {
    /// Where a partnership stands. Moving on is never compulsory (001:349).
    pub enum PartnershipStatus {
        EnProjet => "en_projet", "en projet", "planned",
        Actif => "actif", "actif", "active",
        EnSommeil => "en_sommeil", "en sommeil", "dormant",
        Termine => "termine", "terminé", "ended",
    }
}

coded_enum! {
    /// How much the structure wants to invest in a partnership now.
    pub enum Priority {
        Haute => "haute", "haute", "high",
        Moyenne => "moyenne", "moyenne", "medium",
        Basse => "basse", "basse", "low",
    }
}

impl Priority {
    /// 1 for high to 3 for low, for sorting.
    pub const fn rank(self) -> u8 {
        match self {
            Priority::Haute => 1,
            Priority::Moyenne => 2,
            Priority::Basse => 3,
        }
    }
}

coded_enum! {
    /// Estimated potential of a partner or partnership.
    pub enum Potential {
        Faible => "faible", "faible", "low",
        Moyen => "moyen", "moyen", "medium",
        Fort => "fort", "fort", "high",
    }
}

coded_enum! {
    /// Whom an objective of a partnership serves: value for the SIAE, the partner and the
    /// territory (001:355).
    pub enum ObjectiveParty {
        Structure => "structure", "la structure", "the structure",
        Partenaire => "partenaire", "le partenaire", "the partner",
        Territoire => "territoire", "le territoire", "the territory",
    }
}

coded_enum! {
    /// An event on a partnership's timeline (DOMAIN.md §4, event types).
    pub enum InteractionKind {
        Reunion => "reunion", "réunion", "meeting",
        Visite => "visite", "visite", "visit",
        Appel => "appel", "appel", "call",
        Courriel => "courriel", "courriel", "email",
        Evenement => "evenement", "événement", "event",
        Don => "don", "don", "donation",
        Contrat => "contrat", "contrat", "contract",
        MiseADisposition => "mise_a_disposition", "mise à disposition", "staff lending",
        Immersion => "immersion", "immersion (PMSMP)", "work immersion (PMSMP)",
        Recrutement => "recrutement", "recrutement", "hire",
        Autre => "autre", "autre", "other",
    }
}

/// Degree of involvement, 1 to 7, in the order the guide lists its tools (001:585);
/// the scale itself is our reading (DOMAIN.md §3, §12.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(into = "u8")]
pub struct Involvement(u8);

/// An involvement level outside 1..=7.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("involvement {0} is outside {min}..={max}", min = Involvement::MIN, max = Involvement::MAX)]
pub struct InvolvementError(pub u8);

impl Involvement {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 7;

    pub const fn new(level: u8) -> Result<Self, InvolvementError> {
        if level >= Self::MIN && level <= Self::MAX {
            Ok(Self(level))
        } else {
            Err(InvolvementError(level))
        }
    }

    pub const fn get(self) -> u8 {
        self.0
    }

    /// Every level, lowest first.
    pub fn all() -> impl Iterator<Item = Involvement> {
        (Self::MIN..=Self::MAX).map(Involvement)
    }

    pub const fn label(self, lang: Lang) -> &'static str {
        const FR: [&str; 7] = [
            "connaître le territoire",
            "créer des liens",
            "échanges commerciaux",
            "réponses groupées",
            "solutions RH co-construites",
            "projets collectifs",
            "structure commune (JVS)",
        ];
        const EN: [&str; 7] = [
            "knowing the territory",
            "building links",
            "trading",
            "joint bids",
            "co-built HR solutions",
            "collective projects",
            "shared structure (JVS)",
        ];
        let i = (self.0 - Self::MIN) as usize;
        match lang {
            Lang::Fr => FR[i],
            Lang::En => EN[i],
        }
    }
}

impl From<Involvement> for u8 {
    fn from(value: Involvement) -> Self {
        value.0
    }
}

impl TryFrom<u8> for Involvement {
    type Error = InvolvementError;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl<'de> serde::Deserialize<'de> for Involvement {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let level = u8::deserialize(deserializer)?;
        Self::new(level).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn assert_coded<T>(all: &[T])
    where
        T: Copy + Eq + std::fmt::Debug + std::str::FromStr,
        T: CodedForTest,
    {
        let codes: HashSet<_> = all.iter().map(|v| v.code()).collect();
        assert_eq!(codes.len(), all.len(), "duplicate code");
        for v in all {
            assert_eq!(v.code().parse::<T>().ok(), Some(*v));
            for lang in Lang::ALL {
                assert!(!v.text(*lang).is_empty(), "{v:?} has no {lang} label");
            }
        }
    }

    /// Lets one helper check every coded enum.
    trait CodedForTest {
        fn code(self) -> &'static str;
        fn text(self, lang: Lang) -> &'static str;
    }

    macro_rules! coded_for_test {
        ($($t:ty),+) => {$(
            impl CodedForTest for $t {
                fn code(self) -> &'static str { self.as_str() }
                fn text(self, lang: Lang) -> &'static str { self.label(lang) }
            }
        )+};
    }

    coded_for_test!(
        Family,
        Form,
        PartnershipStatus,
        Priority,
        Potential,
        ObjectiveParty,
        InteractionKind
    );

    #[test]
    fn every_code_round_trips_and_every_label_exists_in_both_languages() {
        assert_coded(Family::ALL);
        assert_coded(Form::ALL);
        assert_coded(PartnershipStatus::ALL);
        assert_coded(Priority::ALL);
        assert_coded(Potential::ALL);
        assert_coded(ObjectiveParty::ALL);
        assert_coded(InteractionKind::ALL);
        for family in Family::ALL {
            for lang in Lang::ALL {
                assert!(!family.description(*lang).is_empty());
            }
        }
    }

    #[test]
    fn every_form_belongs_to_exactly_one_family_and_cites_a_seed_line() {
        for form in Form::ALL {
            let owners: Vec<_> = Family::ALL
                .iter()
                .filter(|f| f.forms().any(|g| g == *form))
                .collect();
            assert_eq!(owners, vec![&form.family()], "{form:?}");
            assert!(form.source().starts_with("001:"), "{form:?}");
        }
        let total: usize = Family::ALL.iter().map(|f| f.forms().count()).sum();
        assert_eq!(total, Form::ALL.len());
        assert_eq!(Family::Mecenat.forms().count(), 6);
        assert_eq!(Family::PratiquesResponsables.forms().count(), 5);
        assert_eq!(Family::CooperationEconomique.forms().count(), 7);
        assert_eq!(Family::InnovationSocietale.forms().count(), 5);
    }

    #[test]
    fn unknown_codes_name_the_list_and_the_code() {
        let err = "mecenat".parse::<Form>().unwrap_err();
        assert_eq!((err.kind, err.code.as_str()), ("Form", "mecenat"));
        assert!(serde_json::from_str::<Priority>("\"urgente\"").is_err());
        assert_eq!(
            serde_json::to_string(&Form::MiseADisposition).unwrap(),
            "\"mise_a_disposition\""
        );
    }

    #[test]
    fn priority_ranks_from_one_to_three() {
        let ranks: Vec<_> = Priority::ALL.iter().map(|p| p.rank()).collect();
        assert_eq!(ranks, [1, 2, 3]);
    }

    #[test]
    fn involvement_accepts_one_to_seven_only() {
        assert_eq!(Involvement::new(0), Err(InvolvementError(0)));
        assert_eq!(Involvement::new(8), Err(InvolvementError(8)));
        assert_eq!(Involvement::all().count(), 7);
        let first = Involvement::new(1).unwrap();
        let last = Involvement::new(7).unwrap();
        assert_eq!(first.label(Lang::Fr), "connaître le territoire");
        assert_eq!(last.label(Lang::Fr), "structure commune (JVS)");
        assert!(first < last);
        assert_eq!(serde_json::to_string(&last).unwrap(), "7");
        assert_eq!(serde_json::from_str::<Involvement>("3").unwrap().get(), 3);
        assert!(serde_json::from_str::<Involvement>("9").is_err());
        for level in Involvement::all() {
            assert!(!level.label(Lang::En).is_empty());
        }
    }

    #[test]
    fn form_dates_may_be_open_or_equal_but_not_reversed() {
        let d = |day| NaiveDate::from_ymd_opt(2021, 11, day).unwrap();
        assert!(validate_form_dates(None, None).is_ok());
        assert!(validate_form_dates(Some(d(2)), None).is_ok());
        assert!(validate_form_dates(None, Some(d(2))).is_ok());
        assert!(validate_form_dates(Some(d(2)), Some(d(2))).is_ok());
        assert_eq!(
            validate_form_dates(Some(d(3)), Some(d(2))),
            Err(DateRangeError {
                start: d(3),
                end: d(2)
            })
        );
    }
}
