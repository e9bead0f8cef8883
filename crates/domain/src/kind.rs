//! Kinds of structures a workspace deals with (insertion structures, disability employers,
//! other ESS bodies, companies by size, public bodies) and the coarse groups used to colour
//! partner nodes on maps.
//!
//! Codes follow the data·inclusion referential "typologies de structures" where it has one,
//! so imports need no mapping; the others are our extension, in the same upper-case style.
//! One entity may hold several kinds (an AI that also runs an ACI, an EI that is also an EA:
//! DOMAIN.md §2), so a kind is a tag, not an entity's identity.

use crate::code::coded_enum;

coded_enum! {
    /// What a structure is, for filtering, colouring and eligibility rules.
    pub enum StructureKind {
        /// data·inclusion code. SIAE, mostly associations, non-competitive (001:177).
        Aci => "ACI", "atelier et chantier d'insertion", "integration workshop and site",
        /// data·inclusion code. SIAE lending staff to individuals and professionals (001:184).
        Ai => "AI", "association intermédiaire", "intermediary association",
        /// data·inclusion code. SIAE in the competitive market (001:178).
        Ei => "EI", "entreprise d'insertion", "work integration enterprise",
        /// data·inclusion code. SIAE lending staff to professionals only (001:185).
        Etti => "ETTI", "entreprise de travail temporaire d'insertion",
            "temporary work integration enterprise",
        /// data·inclusion code. SIAE for self-employed workers, experimental since 2018 (001:187).
        Eiti => "EITI", "entreprise d'insertion par le travail indépendant",
            "work integration enterprise for self-employment",
        /// data·inclusion code. At least 55% of production staff are disabled (001:161).
        Ea => "EA", "entreprise adaptée", "adapted enterprise",
        /// data·inclusion code. Medico-social work establishment for disabled people (001:161).
        Esat => "ESAT", "établissement et service d'aide par le travail",
            "sheltered work establishment",
        /// data·inclusion code. Employer group, outside the IAE (001:189).
        Geiq => "GEIQ", "groupement d'employeurs pour l'insertion et la qualification",
            "employer group for integration and qualification",
        /// Our extension. "Territoire zéro chômeur" employer, outside the IAE (001:189).
        Ebe => "EBE", "entreprise à but d'emploi", "employment-purpose enterprise",
        /// data·inclusion code. Any other association.
        Asso => "ASSO", "association", "association",
        /// Our extension. SCOP or SCIC (001:449).
        Coop => "COOP", "coopérative (SCOP, SCIC)", "cooperative (SCOP, SCIC)",
        /// Our extension. Foundation, including corporate foundations.
        Fondation => "FONDATION", "fondation", "foundation",
        /// Our extension. Company with fewer than 10 employees.
        EntTpe => "ENT_TPE", "entreprise de moins de 10 salariés",
            "company with fewer than 10 employees",
        /// Our extension. Company with 10 to 249 employees.
        EntPme => "ENT_PME", "entreprise de 10 à 249 salariés",
            "company with 10 to 249 employees",
        /// Our extension. Company with 250 to 4,999 employees.
        EntEti => "ENT_ETI", "entreprise de 250 à 4 999 salariés",
            "company with 250 to 4,999 employees",
        /// Our extension. Company with 5,000 employees or more.
        EntGe => "ENT_GE", "grande entreprise (5 000 salariés et plus)",
            "large company (5,000 employees or more)",
        /// data·inclusion code. Municipality.
        Muni => "MUNI", "commune", "municipality",
        /// data·inclusion code. Inter-municipal body.
        Epci => "EPCI", "intercommunalité (EPCI)", "inter-municipal body (EPCI)",
        /// data·inclusion code. Département council.
        Dept => "DEPT", "département", "département",
        /// data·inclusion code. Regional council.
        Reg => "REG", "région", "region",
        /// Our extension. A State office (DDETS, préfecture, …).
        Etat => "ETAT", "service de l'État", "State office",
        /// data·inclusion code. Anything else.
        Autre => "AUTRE", "autre", "other",
    }
}

coded_enum! {
    /// Coarse family of kinds, one colour each on partner maps.
    pub enum KindGroup {
        Siae => "siae", "structure d'insertion (SIAE)", "work integration structure (SIAE)",
        Handicap => "handicap", "emploi et handicap", "disability employment",
        AutreEss => "autre_ess", "autre acteur de l'ESS", "other social economy body",
        Entreprise => "entreprise", "entreprise", "company",
        Public => "public", "acteur public", "public body",
        Autre => "autre", "autre", "other",
    }
}

impl StructureKind {
    /// One of the five kinds that need an IAE conventionnement (001:177-187,227).
    pub const fn is_siae(self) -> bool {
        matches!(
            self,
            StructureKind::Aci
                | StructureKind::Ai
                | StructureKind::Ei
                | StructureKind::Etti
                | StructureKind::Eiti
        )
    }

    /// Belongs to the social and solidarity economy by its very form. Companies and public
    /// bodies may still be ESS through an approval; that is a fact about the entity, not
    /// about its kind.
    pub const fn is_ess_by_nature(self) -> bool {
        self.is_siae()
            || matches!(
                self,
                StructureKind::Ea
                    | StructureKind::Esat
                    | StructureKind::Geiq
                    | StructureKind::Ebe
                    | StructureKind::Asso
                    | StructureKind::Coop
                    | StructureKind::Fondation
            )
    }

    pub const fn group(self) -> KindGroup {
        match self {
            StructureKind::Aci
            | StructureKind::Ai
            | StructureKind::Ei
            | StructureKind::Etti
            | StructureKind::Eiti => KindGroup::Siae,
            StructureKind::Ea | StructureKind::Esat => KindGroup::Handicap,
            StructureKind::Geiq
            | StructureKind::Ebe
            | StructureKind::Asso
            | StructureKind::Coop
            | StructureKind::Fondation => KindGroup::AutreEss,
            StructureKind::EntTpe
            | StructureKind::EntPme
            | StructureKind::EntEti
            | StructureKind::EntGe => KindGroup::Entreprise,
            StructureKind::Muni
            | StructureKind::Epci
            | StructureKind::Dept
            | StructureKind::Reg
            | StructureKind::Etat => KindGroup::Public,
            StructureKind::Autre => KindGroup::Autre,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::lang::Lang;

    #[test]
    fn the_five_siae_kinds_are_exactly_those_of_the_guide() {
        let siae: Vec<_> = StructureKind::ALL.iter().filter(|k| k.is_siae()).collect();
        assert_eq!(siae.len(), 5);
        for kind in StructureKind::ALL {
            assert_eq!(kind.is_siae(), kind.group() == KindGroup::Siae);
            if kind.is_siae() {
                assert!(kind.is_ess_by_nature());
            }
        }
        assert!(!StructureKind::EntGe.is_ess_by_nature());
        assert!(!StructureKind::Muni.is_ess_by_nature());
        assert!(StructureKind::Ebe.is_ess_by_nature());
    }

    #[test]
    fn codes_are_unique_round_trip_and_labels_are_non_empty() {
        let codes: HashSet<_> = StructureKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(codes.len(), StructureKind::ALL.len());
        assert_eq!(StructureKind::ALL.len(), 22);
        for kind in StructureKind::ALL {
            assert_eq!(kind.as_str().parse::<StructureKind>(), Ok(*kind));
            for lang in Lang::ALL {
                assert!(!kind.label(*lang).is_empty());
            }
        }
        for group in KindGroup::ALL {
            assert_eq!(group.as_str().parse::<KindGroup>(), Ok(*group));
            assert!(StructureKind::ALL.iter().any(|k| k.group() == *group));
        }
        assert!("aci".parse::<StructureKind>().is_err());
        assert_eq!(
            serde_json::to_string(&StructureKind::EntPme).unwrap(),
            "\"ENT_PME\""
        );
    }
}
