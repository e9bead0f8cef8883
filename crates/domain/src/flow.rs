//! Economic flows attributed to partnerships (DOMAIN.md §5) and the measures of how much a
//! structure depends on few partners. Amounts are euro cents in `i64`, never floats.

use crate::code::coded_enum;

coded_enum! {
    /// The kind of an economic flow between the structure and a partner, for one year.
    pub enum FlowKind {
        /// Sales of goods or services to the partner.
        Vente => "vente", "ventes au partenaire", "sales to the partner",
        /// Work subcontracted by the partner to the structure (001:283,399).
        SousTraitance => "sous_traitance", "sous-traitance", "subcontracting",
        /// The structure's share of a contract won jointly (GME, 001:843-848).
        Cotraitance => "cotraitance", "cotraitance (part du GME)", "co-contracting (share of a joint bid)",
        /// Purchases made under a social clause (001:813).
        AchatClauseSociale => "achat_clause_sociale", "achats sous clause sociale", "purchases under a social clause",
        /// Financial donation (001:1422,1828).
        DonFinancier => "don_financier", "don financier", "financial donation",
        /// In-kind donation, valued (001:399).
        DonNature => "don_nature", "don en nature (valorisé)", "in-kind donation (valued)",
        /// Skills donation: days of the partner's staff, valued days × daily rate (001:1579).
        MecenatCompetences => "mecenat_competences", "mécénat de compétences (valorisé)", "skills donation (valued)",
        /// Subsidy from a public partner.
        Subvention => "subvention", "subvention", "subsidy",
    }
}

impl FlowKind {
    /// Revenue the structure earns from the partner by its own activity (the basis of the
    /// dependency measures), as opposed to gifts and subsidies.
    pub const fn is_commercial(self) -> bool {
        matches!(
            self,
            Self::Vente | Self::SousTraitance | Self::Cotraitance | Self::AchatClauseSociale
        )
    }
}

/// Parses euros as people write them ("1 234,56", "1234.5", "12 €") into cents; more than
/// two decimals is refused rather than rounded.
pub fn parse_euros(input: &str) -> Result<i64, EuroError> {
    let cleaned: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '€')
        .collect();
    let cleaned = cleaned.replace(',', ".");
    let (units, cents) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if units.is_empty() && cents.is_empty() {
        return Err(EuroError::Empty);
    }
    if cents.len() > 2 {
        return Err(EuroError::TooManyDecimals);
    }
    let negative = units.starts_with('-');
    let units = units.trim_start_matches('-');
    if !units.chars().all(|c| c.is_ascii_digit()) || !cents.chars().all(|c| c.is_ascii_digit()) {
        return Err(EuroError::NotANumber);
    }
    let u: i64 = if units.is_empty() {
        0
    } else {
        units.parse().map_err(|_| EuroError::NotANumber)?
    };
    let c: i64 = format!("{cents:0<2}")
        .parse()
        .map_err(|_| EuroError::NotANumber)?;
    let total = u
        .checked_mul(100)
        .and_then(|v| v.checked_add(c))
        .ok_or(EuroError::NotANumber)?;
    Ok(if negative { -total } else { total })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EuroError {
    #[error("empty amount")]
    Empty,
    #[error("more than two decimals")]
    TooManyDecimals,
    #[error("not a number")]
    NotANumber,
}

impl EuroError {
    /// The catalogue code of the error.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Empty => "required",
            Self::TooManyDecimals => "too_many_decimals",
            Self::NotANumber => "invalid_number",
        }
    }
}

/// How much a structure depends on its largest partners, from the amounts per partner.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Concentration {
    /// Share of the three largest partners, in per mille (0..=1000).
    pub top3_permille: u32,
    /// Share of the largest partner, in per mille.
    pub top1_permille: u32,
    /// Herfindahl–Hirschman index of the shares, 0..=10 000.
    pub hhi: u32,
}

/// Thresholds for the warning, our reading: the guide names the risk, not a figure.
pub const TOP1_WARNING_PERMILLE: u32 = 300;
pub const HHI_WARNING: u32 = 2500;

/// `None` when there is nothing to measure (no positive amount).
pub fn concentration(amounts: &[i64]) -> Option<Concentration> {
    let mut positive: Vec<i128> = amounts
        .iter()
        .filter(|a| **a > 0)
        .map(|a| i128::from(*a))
        .collect();
    let total: i128 = positive.iter().sum();
    if total == 0 {
        return None;
    }
    positive.sort_unstable_by(|a, b| b.cmp(a));
    let permille = |v: i128| u32::try_from(v * 1000 / total).unwrap_or(1000);
    let hhi: i128 = positive
        .iter()
        .map(|a| (a * 100 / total) * (a * 100 / total))
        .sum();
    Some(Concentration {
        top3_permille: permille(positive.iter().take(3).sum()),
        top1_permille: permille(positive[0]),
        hhi: u32::try_from(hhi).unwrap_or(10_000),
    })
}

impl Concentration {
    /// True when one partner holds 30 % or more, or the index says "highly concentrated".
    pub fn is_risky(&self) -> bool {
        self.top1_permille >= TOP1_WARNING_PERMILLE || self.hhi >= HHI_WARNING
    }
}

/// The ceilings the guide gives for an ACI's commercial receipts, as a share of the costs
/// of the activities they come from: 30 %, exceptionally 50 % (001:203). The exception has
/// no stated conditions, so each structure records the rate it is authorised (DOMAIN §15).
pub const ACI_CAPS_PCT: [u8; 2] = [30, 50];

/// Where an ACI stands against its ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommercialLevel {
    /// Below nine tenths of the ceiling.
    Within,
    /// At nine tenths of the ceiling or more: time to look ahead. Our reading; the guide
    /// states only the ceiling.
    Approaching,
    /// Above the ceiling.
    Above,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CommercialCheck {
    /// Commercial receipts over the costs of the activities, in per mille.
    pub ratio_permille: u32,
    pub cap_permille: u32,
    pub level: CommercialLevel,
}

/// Checks an ACI's commercial receipts against its ceiling (001:203: "les recettes de
/// commercialisation des biens et services produits ne doivent pas dépasser 30 % (ou
/// exceptionnellement 50 %) des charges liées à ces activités"). `None` without costs to
/// compare with, or with a rate the guide does not give.
pub fn aci_commercial_check(
    receipts_cents: i64,
    costs_cents: i64,
    cap_pct: u8,
) -> Option<CommercialCheck> {
    if costs_cents <= 0 || !ACI_CAPS_PCT.contains(&cap_pct) {
        return None;
    }
    let receipts = i128::from(receipts_cents.max(0));
    let costs = i128::from(costs_cents);
    let ratio_permille = u32::try_from(receipts * 1000 / costs).unwrap_or(u32::MAX);
    let cap_permille = u32::from(cap_pct) * 10;
    // Exactly at the ceiling is still allowed: "ne doivent pas dépasser".
    let level = if receipts * 100 > costs * i128::from(cap_pct) {
        CommercialLevel::Above
    } else if receipts * 1000 >= costs * i128::from(cap_pct) * 9 {
        CommercialLevel::Approaching
    } else {
        CommercialLevel::Within
    };
    Some(CommercialCheck {
        ratio_permille,
        cap_permille,
        level,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_typed_the_french_way_become_cents_and_three_decimals_are_refused() {
        assert_eq!(parse_euros("1 234 567,89"), Ok(123_456_789));
        assert_eq!(parse_euros("1234.5"), Ok(123_450));
        assert_eq!(parse_euros("12 €"), Ok(1_200));
        assert_eq!(parse_euros("12,345"), Err(EuroError::TooManyDecimals));
        assert_eq!(parse_euros("douze"), Err(EuroError::NotANumber));
        assert_eq!(parse_euros(" "), Err(EuroError::Empty));
    }

    #[test]
    fn one_buyer_with_45_percent_of_sales_is_a_concentration_risk() {
        // Journey 5: "one buyer holding 45 % of sales".
        let c = concentration(&[4_500_000, 2_000_000, 1_500_000, 1_000_000, 1_000_000]).unwrap();
        assert_eq!(c.top1_permille, 450);
        assert_eq!(c.top3_permille, 800);
        assert!(c.is_risky());
    }

    #[test]
    fn twenty_equal_partners_are_not_a_risk_and_nothing_measures_nothing() {
        let c = concentration(&[100_000; 20]).unwrap();
        assert_eq!(c.top1_permille, 50);
        assert_eq!(c.hhi, 500);
        assert!(!c.is_risky());
        assert_eq!(concentration(&[]), None);
        assert_eq!(concentration(&[0, -5]), None);
    }

    #[test]
    fn gifts_and_subsidies_are_not_commercial_revenue() {
        assert!(FlowKind::Vente.is_commercial() && FlowKind::Cotraitance.is_commercial());
        assert!(!FlowKind::DonFinancier.is_commercial() && !FlowKind::Subvention.is_commercial());
    }
    #[test]
    fn an_aci_may_sell_up_to_thirty_percent_of_the_costs_and_no_more() {
        // 001:203: receipts "ne doivent pas dépasser 30 %" of the costs of the activities.
        let at = aci_commercial_check(3_000_000, 10_000_000, 30).unwrap();
        assert_eq!(at.ratio_permille, 300);
        assert_eq!(
            at.level,
            CommercialLevel::Approaching,
            "exactly 30 % is allowed"
        );
        let above = aci_commercial_check(3_000_001, 10_000_000, 30).unwrap();
        assert_eq!(above.level, CommercialLevel::Above, "one cent more is not");
        assert_eq!(
            aci_commercial_check(2_699_999, 10_000_000, 30)
                .unwrap()
                .level,
            CommercialLevel::Within
        );
        assert_eq!(
            aci_commercial_check(2_700_000, 10_000_000, 30)
                .unwrap()
                .level,
            CommercialLevel::Approaching,
            "nine tenths of the ceiling"
        );
    }

    #[test]
    fn the_exceptional_fifty_percent_moves_the_ceiling_and_other_rates_are_not_rules() {
        // 001:203: "ou exceptionnellement 50 %".
        let c = aci_commercial_check(4_000_000, 10_000_000, 50).unwrap();
        assert_eq!((c.cap_permille, c.level), (500, CommercialLevel::Within));
        assert_eq!(
            aci_commercial_check(5_000_001, 10_000_000, 50)
                .unwrap()
                .level,
            CommercialLevel::Above
        );
        assert_eq!(aci_commercial_check(10, 100, 40), None);
        assert_eq!(aci_commercial_check(10, 0, 30), None, "no costs, no ratio");
    }
}
