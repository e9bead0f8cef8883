//! The partnership strategy of a structure: the eight questions of the Avise guide
//! (001:549-556), the action plan's statuses and when an action is late, and (in
//! [`suggestions`]) the rules that read an inventory and say where to go further.
//!
//! The strategy "derives from and serves the structure's overall strategy" and is revised
//! as needs change (001:547,558); the AEH method adds: list every link, ask of each "can we
//! go further?", share the list, then set priorities for a few privileged partnerships
//! (003:1@c.5149-6009). The questions' French wording and help texts live in the web
//! catalogue under `strategy.q.{code}`; here each has its stable code and its source line.

pub mod suggestions;

use chrono::NaiveDate;

use crate::code::coded_enum;

coded_enum! {
    /// The strategy questions, in the guide's order (001:549-556).
    pub enum StrategyQuestion {
        /// Which of the structure's priority strategic axes need partnerships?
        Axes => "axes", "axes stratégiques", "strategic axes",
        /// Objectives and expectations; added value for the territory, the structure and
        /// the partner.
        Objectifs => "objectifs", "objectifs et valeur ajoutée", "objectives and added value",
        /// Which of these partnerships come first?
        Priorites => "priorites", "partenariats prioritaires", "priority partnerships",
        /// What profile should the partner have?
        Profil => "profil", "profil du partenaire", "partner profile",
        /// Which joint actions, drawing on each side's strengths?
        Contenu => "contenu", "contenu du partenariat", "content of the partnership",
        /// What form, and what degree of involvement on each side?
        Forme => "forme", "forme et degré d'implication", "form and degree of involvement",
        /// What means does each side need?
        Moyens => "moyens", "moyens nécessaires", "means needed",
        /// Which existing relations can be used (after a review of current relations)?
        Existant => "existant", "relations existantes à mobiliser",
            "existing relations to build on",
    }
}

impl StrategyQuestion {
    /// 1 to 8, the question's place in the guide.
    pub fn number(self) -> u8 {
        Self::ALL
            .iter()
            .position(|q| *q == self)
            .map_or(0, |i| u8::try_from(i + 1).unwrap_or(0))
    }

    /// The line of the guide that asks it.
    pub const fn source(self) -> &'static str {
        match self {
            Self::Axes => "001:549",
            Self::Objectifs => "001:550",
            Self::Priorites => "001:551",
            Self::Profil => "001:552",
            Self::Contenu => "001:553",
            Self::Forme => "001:554",
            Self::Moyens => "001:555",
            Self::Existant => "001:556",
        }
    }
}

coded_enum! {
    /// Where an action of the plan stands.
    pub enum ActionStatus {
        AFaire => "a_faire", "à faire", "to do",
        EnCours => "en_cours", "en cours", "in progress",
        Fait => "fait", "fait", "done",
        Abandonnee => "abandonnee", "abandonnée", "dropped",
    }
}

impl ActionStatus {
    /// Still to be done (to do or in progress).
    pub const fn is_open(self) -> bool {
        matches!(self, Self::AFaire | Self::EnCours)
    }
}

/// An action is late when it is still open and its due day has passed: due today is not
/// late yet.
pub fn is_late(status: ActionStatus, due_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    status.is_open() && due_on.is_some_and(|d| d < today)
}

/// Longest text of a strategy answer, in characters: several pages, not a book.
pub const ANSWER_MAX_CHARS: usize = 20_000;
/// Longest title of an action or a strategic priority.
pub const TITLE_MAX_CHARS: usize = 300;
/// Most strategic priorities kept: the AEH method sets priorities for "a few" (003).
pub const PRIORITIES_MAX: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn the_eight_questions_keep_the_guides_order_and_cite_its_lines() {
        assert_eq!(StrategyQuestion::ALL.len(), 8);
        let numbers: Vec<u8> = StrategyQuestion::ALL.iter().map(|q| q.number()).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7, 8]);
        let lines: Vec<&str> = StrategyQuestion::ALL.iter().map(|q| q.source()).collect();
        assert_eq!(lines.first(), Some(&"001:549"));
        assert_eq!(lines.last(), Some(&"001:556"));
        for q in StrategyQuestion::ALL {
            assert_eq!(q.as_str().parse::<StrategyQuestion>(), Ok(*q));
            assert!(!q.label(Lang::Fr).is_empty() && !q.label(Lang::En).is_empty());
        }
        assert!("axe".parse::<StrategyQuestion>().is_err());
    }

    #[test]
    fn an_open_action_is_late_the_day_after_its_due_day() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        assert!(
            !is_late(ActionStatus::AFaire, Some(d(23)), d(23)),
            "due today"
        );
        assert!(is_late(ActionStatus::AFaire, Some(d(22)), d(23)));
        assert!(is_late(ActionStatus::EnCours, Some(d(1)), d(23)));
        assert!(!is_late(ActionStatus::Fait, Some(d(1)), d(23)), "done");
        assert!(!is_late(ActionStatus::Abandonnee, Some(d(1)), d(23)));
        assert!(!is_late(ActionStatus::AFaire, None, d(23)), "no due day");
        assert_eq!(
            ActionStatus::ALL
                .iter()
                .filter(|s| s.is_open())
                .collect::<Vec<_>>(),
            [&ActionStatus::AFaire, &ActionStatus::EnCours]
        );
    }
}
