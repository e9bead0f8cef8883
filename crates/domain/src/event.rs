//! What a partnership produces for people in insertion, event by event (DOMAIN.md §4,
//! "event types"): introductions, job datings, company visits, PMSMP immersions, staff
//! lending, trainings and hires. Hires are classified by [`crate::outcome::classify`].
//!
//! People are pseudonymous: a reference chosen by the structure (e.g. `P-2024-017`), never a
//! name, a birth date or a social-security number; [`PersonRef::parse`] refuses anything
//! that looks like more than a code.

use crate::code::coded_enum;

coded_enum! {
    /// The kind of an employment event on a partnership.
    pub enum OutcomeKind {
        /// Mise en relation (001:949).
        MiseEnRelation => "mise_en_relation", "mise en relation", "introduction",
        /// Job dating (001:713).
        JobDating => "job_dating", "job dating", "job dating",
        /// Visite d'entreprise, dans un sens ou dans l'autre (001:940).
        VisiteEntreprise => "visite_entreprise", "visite d'entreprise", "company visit",
        /// Période de mise en situation en milieu professionnel (001:312), counted in days.
        Pmsmp => "pmsmp", "immersion (PMSMP)", "work immersion (PMSMP)",
        /// Mise à disposition by an AI or ETTI (001:184-185), counted in hours.
        MiseADisposition => "mise_a_disposition", "mise à disposition", "staff lending",
        /// Training given by the partner (001:1579).
        Formation => "formation", "formation", "training",
        /// Hire by the partner, with its contract (001:399,868,1407): an exit to classify.
        Embauche => "embauche", "embauche", "hire",
    }
}

/// Hours of work that make one full-time equivalent for an EITI's aid (001:223).
pub const HOURS_PER_FTE_EITI: u32 = 1505;

/// A pseudonymous reference to a person in insertion: 1 to 32 letters, digits, `-` or `_`.
/// No spaces, so a first and last name cannot be typed in by habit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(into = "String")]
pub struct PersonRef(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PersonRefError {
    #[error("empty reference")]
    Empty,
    #[error("a reference has at most 32 characters")]
    TooLong,
    #[error("a reference holds only letters, digits, - and _")]
    NotACode,
}

impl PersonRef {
    pub fn parse(input: &str) -> Result<Self, PersonRefError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PersonRefError::Empty);
        }
        if s.chars().count() > 32 {
            return Err(PersonRefError::TooLong);
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(PersonRefError::NotACode);
        }
        Ok(Self(s.to_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<PersonRef> for String {
    fn from(p: PersonRef) -> Self {
        p.0
    }
}

/// Full-time equivalents of a number of hours worked in an EITI (1 FTE = 1,505 h, 001:223),
/// in hundredths to stay in integers.
pub fn eiti_fte_hundredths(hours: u32) -> u32 {
    (u64::from(hours) * 100 / u64::from(HOURS_PER_FTE_EITI))
        .try_into()
        .unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_codes_not_names() {
        assert_eq!(
            PersonRef::parse(" p-2024-017 ").unwrap().as_str(),
            "P-2024-017"
        );
        assert_eq!(
            PersonRef::parse("Jean Dupont"),
            Err(PersonRefError::NotACode)
        );
        assert_eq!(
            PersonRef::parse("12/03/1980"),
            Err(PersonRefError::NotACode)
        );
        assert_eq!(PersonRef::parse(""), Err(PersonRefError::Empty));
        assert_eq!(
            PersonRef::parse(&"x".repeat(33)),
            Err(PersonRefError::TooLong)
        );
    }

    #[test]
    fn fifteen_hundred_and_five_hours_make_one_eiti_fte() {
        // 001:223: "1 ETP = 1 505 heures".
        assert_eq!(eiti_fte_hundredths(1505), 100);
        assert_eq!(eiti_fte_hundredths(752), 49);
        assert_eq!(eiti_fte_hundredths(0), 0);
    }
}
