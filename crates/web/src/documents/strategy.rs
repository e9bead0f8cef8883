//! The strategy synthesis of a workspace: key figures of the inventory, the answers to the
//! eight questions (001:549-556), the strategic priorities, the suggestions with their
//! reasons, and the action plan. An unanswered question or an empty list prints "à
//! compléter" so a board sees what is left to decide.

use chrono::NaiveDate;
use partinnov_domain::{
    strategy::{StrategyQuestion, suggestions::Suggestion},
    typology::{Family, PartnershipStatus},
};
use partinnov_render::document::{Block, Document, Fact, Inline, Table};
use partinnov_store::{
    Store, StoreError, WorkspaceScope, actions::PlanAction, people::HomeSummary, strategy::Strategy,
};

use super::{blank, heading, paragraphs};
use crate::{
    i18n::Tr,
    strategy::{question, reason},
};

/// Everything the synthesis shows, already read within the workspace's scope.
pub struct StrategySynthesis<'a> {
    /// The workspace's name, in the title.
    pub workspace: &'a str,
    pub strategy: &'a Strategy,
    pub suggestions: &'a [Suggestion],
    pub actions: &'a [PlanAction],
    /// Key figures of the inventory (the home page's summary).
    pub figures: &'a HomeSummary,
    pub issued_on: NaiveDate,
}

/// Reads what the synthesis needs for the scope's workspace and builds it.
pub async fn strategy_synthesis(
    store: &Store,
    scope: &WorkspaceScope,
    t: &Tr,
) -> Result<Document, StoreError> {
    let strategy = store.strategy(scope).await?;
    let suggestions = store.suggestions(scope).await?;
    let actions = store.plan_actions(scope).await?;
    let figures = store.home_summary(scope).await?;
    Ok(strategy_document(
        &StrategySynthesis {
            workspace: &scope.name,
            strategy: &strategy,
            suggestions: &suggestions,
            actions: &actions,
            figures: &figures,
            issued_on: chrono::Utc::now().date_naive(),
        },
        t,
    ))
}

/// The synthesis as a document, in the language of `t`.
pub fn strategy_document(s: &StrategySynthesis<'_>, t: &Tr) -> Document {
    let mut blocks = vec![
        heading(1, t.t("strategy.doc.figures")),
        Block::Facts(key_figures(s.figures, t)),
        heading(1, t.t("strategy.doc.questions")),
    ];
    for q in StrategyQuestion::ALL {
        blocks.push(Block::Heading {
            level: 2,
            text: format!("{}. {}", q.number(), question(t, *q)),
        });
        let text = s.strategy.answer(*q).map_or("", |a| a.text.as_str());
        blocks.extend(paragraphs(text));
    }

    blocks.push(heading(1, t.t("strategy.priorities")));
    if s.strategy.priorities.is_empty() {
        blocks.push(Block::Paragraph(vec![Inline::Missing]));
    } else {
        blocks.push(Block::Bullets(
            s.strategy
                .priorities
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    vec![
                        Inline::Strong(format!("{}.", i + 1)),
                        Inline::text(format!(" {p}")),
                    ]
                })
                .collect(),
        ));
    }

    blocks.push(heading(1, t.t("strategy.suggestions")));
    if s.suggestions.is_empty() {
        blocks.push(Block::Paragraph(vec![Inline::text(
            t.t("strategy.no_suggestion"),
        )]));
    } else {
        blocks.push(Block::Bullets(
            s.suggestions
                .iter()
                .map(|x| vec![Inline::text(reason(t, x))])
                .collect(),
        ));
    }

    blocks.push(heading(1, t.t("strategy.plan")));
    if s.actions.is_empty() {
        blocks.push(Block::Paragraph(vec![Inline::Missing]));
    } else {
        blocks.push(Block::Table(action_table(s.actions, t)));
    }

    Document {
        blocks,
        ..blank(
            t,
            t.f("strategy.doc.title", &[("name", s.workspace)]),
            Some(t.t("strategy.doc.subtitle").to_owned()),
            s.issued_on,
        )
    }
}

fn key_figures(f: &HomeSummary, t: &Tr) -> Vec<Fact> {
    let count = |list: &[partinnov_store::people::CountBy], code: &str| {
        list.iter().find(|c| c.code == code).map_or(0, |c| c.count)
    };
    let fact = |label: String, n: i64| Fact {
        label,
        value: vec![Inline::text(t.int(&n))],
    };
    let mut out = vec![fact(t.t("strategy.doc.partnerships").to_owned(), f.total)];
    out.extend(PartnershipStatus::ALL.iter().map(|st| {
        fact(
            t.f("strategy.doc.by_status", &[("status", st.label(t.lang))]),
            count(&f.by_status, st.as_str()),
        )
    }));
    out.push(fact(t.t("home.dormant").to_owned(), f.dormant_total));
    out.extend(Family::ALL.iter().map(|fam| {
        fact(
            t.f("strategy.doc.by_family", &[("family", fam.label(t.lang))]),
            count(&f.by_family, fam.as_str()),
        )
    }));
    out
}

fn action_table(actions: &[PlanAction], t: &Tr) -> Table {
    let cell = |s: &str| vec![Inline::text(s)];
    Table {
        headers: vec![
            t.t("strategy.action").to_owned(),
            t.t("strategy.partnership").to_owned(),
            t.t("strategy.owner").to_owned(),
            t.t("strategy.due_on").to_owned(),
            t.t("field.status").to_owned(),
        ],
        rows: actions
            .iter()
            .map(|a| {
                let mut status = cell(a.data.status.label(t.lang));
                if a.late {
                    status.push(Inline::Strong(format!(" — {}", t.t("strategy.late"))));
                }
                vec![
                    cell(&a.data.title),
                    cell(a.partnership_title.as_deref().unwrap_or("")),
                    cell(a.owner_name.as_deref().unwrap_or("")),
                    cell(&t.opt_date(&a.data.due_on)),
                    status,
                ]
            })
            .collect(),
        numeric: vec![false; 5],
        widths: vec![0.34, 0.24, 0.14, 0.12, 0.16],
        caption: None,
    }
}

#[cfg(test)]
mod tests {
    use partinnov_domain::{
        lang::Lang,
        strategy::{
            ActionStatus,
            suggestions::{Figures, SuggestionRule},
        },
    };
    use partinnov_store::{
        PartnershipId, actions::PlanActionDraft, people::CountBy, strategy::StrategyAnswer,
    };

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn strategy(axes: &str, priorities: &[&str]) -> Strategy {
        Strategy {
            version: 3,
            answers: StrategyQuestion::ALL
                .iter()
                .map(|q| StrategyAnswer {
                    question: *q,
                    text: if *q == StrategyQuestion::Axes {
                        axes.to_owned()
                    } else {
                        String::new()
                    },
                    version: 1,
                    updated_by: None,
                    updated_at: None,
                })
                .collect(),
            priorities: priorities.iter().map(|p| (*p).to_owned()).collect(),
            updated_by: None,
            updated_at: None,
        }
    }

    fn figures() -> HomeSummary {
        HomeSummary {
            total: 43,
            by_status: vec![CountBy {
                code: "actif".into(),
                count: 27,
            }],
            by_family: vec![CountBy {
                code: "mecenat".into(),
                count: 6,
            }],
            dormant_total: 7,
            dormant: vec![],
            recent: vec![],
        }
    }

    fn late_action() -> PlanAction {
        PlanAction {
            id: 1,
            version: 1,
            data: PlanActionDraft {
                title: "Proposer une immersion à la plasturgie".into(),
                partnership_id: Some(PartnershipId(4)),
                owner_id: None,
                due_on: Some(d(2026, 10, 15)),
                status: ActionStatus::AFaire,
                note: String::new(),
            },
            partnership_title: Some("Plasturgie Valserine — sous-traitance".into()),
            owner_name: Some("Karim Benali".into()),
            late: true,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    fn text_of(doc: &Document) -> String {
        let inline = |i: &Inline| match i {
            Inline::Text(s) | Inline::Strong(s) | Inline::Emphasis(s) => s.clone(),
            Inline::Missing => "⟨MISSING⟩".into(),
        };
        let line = |v: &Vec<Inline>| v.iter().map(inline).collect::<String>();
        let mut out = vec![doc.title.clone()];
        for b in &doc.blocks {
            match b {
                Block::Heading { text, .. } => out.push(text.clone()),
                Block::Paragraph(v) => out.push(line(v)),
                Block::Bullets(items) => out.extend(items.iter().map(line)),
                Block::Facts(facts) => out.extend(
                    facts
                        .iter()
                        .map(|f| format!("{}: {}", f.label, line(&f.value))),
                ),
                Block::Table(tb) => {
                    out.push(tb.headers.join(" | "));
                    out.extend(
                        tb.rows
                            .iter()
                            .map(|r| r.iter().map(line).collect::<Vec<_>>().join(" | ")),
                    );
                }
                Block::Picture(p) => out.push(p.caption.clone()),
                Block::PageBreak => {}
            }
        }
        out.join("\n")
    }

    #[test]
    fn the_synthesis_holds_answers_priorities_reasons_and_the_plan() {
        let t = Tr::new(Lang::Fr);
        let s = strategy(
            "Mobilité des salariés en parcours\n\nEmploi durable",
            &["Mobilité", "Recrutement"],
        );
        let suggestions = vec![Suggestion {
            rule: SuggestionRule::DormantDonor,
            partnership: Some(12),
            organisation: Some(30),
            family: Some(Family::Mecenat),
            subject: "Cartonnages de la Reyssouze".into(),
            figures: Figures {
                months: Some(24),
                since: Some(d(2024, 11, 19)),
                year: Some(2024),
                amount_cents: Some(150_000),
                ..Default::default()
            },
        }];
        let actions = vec![late_action()];
        let doc = strategy_document(
            &StrategySynthesis {
                workspace: "Les Ateliers Bugey-Revermont",
                strategy: &s,
                suggestions: &suggestions,
                actions: &actions,
                figures: &figures(),
                issued_on: d(2026, 11, 23),
            },
            &t,
        );
        assert_eq!(doc.lang, "fr");
        assert_eq!(doc.labels.missing, "à compléter");
        let text = text_of(&doc);
        assert!(text.contains("Les Ateliers Bugey-Revermont"), "{text}");
        assert!(text.contains("1. Parmi les axes prioritaires"), "{text}");
        assert!(
            text.contains("Mobilité des salariés en parcours\nEmploi durable"),
            "two paragraphs"
        );
        assert!(text.contains("8. Quelles relations existantes"), "{text}");
        assert_eq!(
            text.matches("⟨MISSING⟩").count(),
            7,
            "the seven unanswered questions"
        );
        assert!(text.contains("1. Mobilité\n2. Recrutement"), "{text}");
        assert!(text.contains("Cartonnages de la Reyssouze"), "{text}");
        assert!(text.contains("1\u{202f}500 €"), "the gift's amount: {text}");
        assert!(text.contains("24 mois"), "{text}");
        assert!(
            text.contains("Proposer une immersion à la plasturgie | Plasturgie Valserine — sous-traitance | Karim Benali | 15/10/2026 | à faire — en retard"),
            "{text}"
        );
        assert!(text.contains("Partenariats: 43"), "{text}");
    }

    #[test]
    fn an_empty_strategy_prints_what_is_left_to_fill_in() {
        let t = Tr::new(Lang::En);
        let s = strategy("", &[]);
        let doc = strategy_document(
            &StrategySynthesis {
                workspace: "Espace",
                strategy: &s,
                suggestions: &[],
                actions: &[],
                figures: &figures(),
                issued_on: d(2026, 11, 23),
            },
            &t,
        );
        assert_eq!(doc.lang, "en");
        let text = text_of(&doc);
        // Eight questions, the priorities and the plan.
        assert_eq!(text.matches("⟨MISSING⟩").count(), 10, "{text}");
        assert!(!doc.labels.missing.is_empty());
    }
}
