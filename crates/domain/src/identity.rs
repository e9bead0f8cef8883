//! French company identifiers: `Siren` (9 digits, the legal unit) and `Siret` (14 digits,
//! an establishment: SIREN + 5-digit NIC), both Luhn-checked.
//!
//! Values are parsed once, at the edge, and normalised: spaces (including the non-breaking
//! ones French typography puts in "732 829 320"), dots and dashes are accepted on input and
//! never stored. Looking a number up in the INSEE register is I/O and lives elsewhere.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a string is not a SIREN or SIRET. Carries data, not user text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// Nothing left once separators are removed.
    #[error("empty identifier")]
    Empty,
    /// Digits only, but not 9 (SIREN) or 14 (SIRET) of them.
    #[error("expected {expected} digits, found {found}")]
    WrongLength { expected: usize, found: usize },
    /// Something other than a digit or an accepted separator.
    #[error("identifier contains characters other than digits")]
    NotDigits,
    /// Well-formed, but the check digit is wrong: usually a typo.
    #[error("checksum does not match")]
    Checksum,
}

/// SIREN of La Poste, whose establishments are numbered outside the Luhn rule.
const LA_POSTE_SIREN: &str = "356000000";

/// 9-digit SIREN of a legal unit, Luhn-checked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(String);

/// 14-digit SIRET of an establishment: SIREN (9) + NIC (5), Luhn-checked, with INSEE's
/// La Poste exception.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

impl Siren {
    pub fn parse(input: &str) -> Result<Self, IdentityError> {
        let digits = normalise(input, 9)?;
        if !luhn_valid(&digits) {
            return Err(IdentityError::Checksum);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Siret {
    pub fn parse(input: &str) -> Result<Self, IdentityError> {
        let digits = normalise(input, 14)?;
        if !siret_checksum_ok(&digits) || !luhn_valid(&digits[..9]) {
            return Err(IdentityError::Checksum);
        }
        Ok(Self(digits))
    }

    /// The legal unit this establishment belongs to.
    pub fn siren(&self) -> Siren {
        Siren(self.0[..9].to_owned())
    }

    /// The establishment's 5-digit internal number (NIC).
    pub fn nic(&self) -> &str {
        &self.0[9..]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn siret_checksum_ok(digits: &str) -> bool {
    // La Poste's establishments share SIREN 356 000 000 and fail Luhn;
    // INSEE accepts them when the digit sum is a multiple of 5.
    luhn_valid(digits)
        || (digits.starts_with(LA_POSTE_SIREN) && digit_sum(digits).is_multiple_of(5))
}

/// Removes separators, then checks the characters and the length.
fn normalise(input: &str, expected: usize) -> Result<String, IdentityError> {
    let digits: String = input
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == '.' || *c == '-'))
        .collect();
    if digits.is_empty() {
        return Err(IdentityError::Empty);
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(IdentityError::NotDigits);
    }
    if digits.len() != expected {
        return Err(IdentityError::WrongLength {
            expected,
            found: digits.len(),
        });
    }
    Ok(digits)
}

fn digit_sum(digits: &str) -> u32 {
    digits.bytes().map(|b| u32::from(b - b'0')).sum()
}

/// Luhn check over ASCII digits: from the right, every second digit is doubled (minus 9
/// when over 9) and the total must be a multiple of 10. False for empty or non-digit input.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let total: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    total.is_multiple_of(10)
}

/// Appends the digit that makes `body` + digit pass Luhn.
fn with_check_digit(body: String) -> String {
    (b'0'..=b'9')
        .map(|d| format!("{body}{}", char::from(d)))
        .find(|candidate| luhn_valid(candidate))
        .expect("exactly one of ten digits completes a Luhn number") // a property of Luhn
}

/// A valid SIRET made deterministically from `seed`, for generated and demo data.
///
/// The SIREN starts with 9, a range INSEE does not hand out to ordinary companies, so the
/// number is recognisably fake; both SIREN and SIRET carry correct check digits. Distinct
/// seeds below 10^11 give distinct SIRETs.
pub fn synthetic_siret(seed: u64) -> Siret {
    const BODY: u64 = 10_000_000; // 7 free digits after the leading 9
    // 7_654_321 is coprime with 10^7, so this is a bijection on the low 7 digits.
    let scrambled = (seed % BODY) * 7_654_321 % BODY;
    let siren = with_check_digit(format!("9{scrambled:07}"));
    let nic_body = (seed / BODY) % 10_000;
    Siret(with_check_digit(format!("{siren}{nic_body:04}")))
}

macro_rules! string_newtype_impls {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdentityError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdentityError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_newtype_impls!(Siren);
string_newtype_impls!(Siret);

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn real_public_numbers_are_accepted() {
        assert_eq!(Siren::parse("732829320").unwrap().as_str(), "732829320");
        let siret = Siret::parse("73282932000074").unwrap();
        assert_eq!(siret.siren(), Siren::parse("732829320").unwrap());
        assert_eq!(siret.nic(), "00074");
        assert_eq!(siret.to_string(), "73282932000074");
    }

    #[test]
    fn la_poste_head_office_passes_luhn_and_its_establishments_pass_the_sum_of_five_rule() {
        assert!(Siret::parse("35600000000048").is_ok());
        // Fails Luhn, digit sum 45: accepted only through INSEE's La Poste exception.
        assert!(!luhn_valid("35600000049837"));
        assert!(Siret::parse("35600000049837").is_ok());
        // Same digit sum rule does not help any other SIREN.
        assert_eq!(Siret::parse("35600000149837"), Err(IdentityError::Checksum));
    }

    #[test]
    fn a_one_digit_typo_is_rejected() {
        assert_eq!(Siren::parse("732829321"), Err(IdentityError::Checksum));
        assert_eq!(Siret::parse("73282932000075"), Err(IdentityError::Checksum));
    }

    #[test]
    fn spaces_dots_and_dashes_are_accepted_and_never_stored() {
        for input in [
            "732 829 320 00074",
            "732\u{a0}829\u{a0}320\u{a0}00074",
            "732\u{202f}829\u{202f}320\u{202f}00074",
            "732.829.320-00074",
            " 73282932000074\t",
        ] {
            assert_eq!(
                Siret::parse(input).unwrap().as_str(),
                "73282932000074",
                "{input:?}"
            );
        }
        assert_eq!(Siren::parse("732 829 320").unwrap().as_str(), "732829320");
    }

    #[test]
    fn every_error_variant_is_reachable() {
        assert_eq!(Siren::parse(""), Err(IdentityError::Empty));
        assert_eq!(Siret::parse(" . - "), Err(IdentityError::Empty));
        assert_eq!(
            Siren::parse("73282932"),
            Err(IdentityError::WrongLength {
                expected: 9,
                found: 8
            })
        );
        assert_eq!(
            Siret::parse("732829320"),
            Err(IdentityError::WrongLength {
                expected: 14,
                found: 9
            })
        );
        assert_eq!(Siren::parse("73282932O"), Err(IdentityError::NotDigits));
        assert_eq!(
            Siret::parse("７３２８２９３２０００７４"),
            Err(IdentityError::NotDigits)
        );
        assert_eq!(Siren::parse("732829329"), Err(IdentityError::Checksum));
    }

    #[test]
    fn a_siret_whose_siren_part_fails_luhn_is_rejected() {
        // 14 digits that pass Luhn as a whole, built on the invalid SIREN 732829321.
        let bogus = with_check_digit("7328293210007".to_owned());
        assert!(luhn_valid(&bogus));
        assert_eq!(Siret::parse(&bogus), Err(IdentityError::Checksum));
    }

    #[test]
    fn serde_normalises_on_the_way_in_and_rejects_invalid_values() {
        let siret: Siret = serde_json::from_str("\"732 829 320 00074\"").unwrap();
        assert_eq!(serde_json::to_string(&siret).unwrap(), "\"73282932000074\"");
        assert!(serde_json::from_str::<Siret>("\"73282932000075\"").is_err());
        assert!(serde_json::from_str::<Siren>("\"732829320\"").is_ok());
    }

    #[test]
    fn luhn_rejects_empty_and_non_digit_input() {
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("12a"));
        assert!(luhn_valid("0"));
    }

    #[test]
    fn synthetic_sirets_are_valid_distinct_fake_and_every_single_digit_change_breaks_them() {
        let mut seen = HashSet::new();
        for seed in 0..2000 {
            let siret = synthetic_siret(seed);
            assert_eq!(Siret::parse(siret.as_str()).as_ref(), Ok(&siret));
            assert!(siret.as_str().starts_with('9'));
            assert!(seen.insert(siret.clone()), "duplicate for seed {seed}");
            assert_eq!(synthetic_siret(seed), siret, "not deterministic");

            // Luhn catches every single-digit substitution.
            let digits: Vec<u8> = siret.as_str().bytes().collect();
            for pos in 0..digits.len() {
                for d in b'0'..=b'9' {
                    if d == digits[pos] {
                        continue;
                    }
                    let mut changed = digits.clone();
                    changed[pos] = d;
                    let changed = String::from_utf8(changed).unwrap();
                    assert!(Siret::parse(&changed).is_err(), "{changed} accepted");
                }
            }
        }
        assert!(Siret::parse(synthetic_siret(123_456_789_012).as_str()).is_ok());
    }
}
