//! The evaluation report of a partnership as a [`Document`]: identity of the parties, the
//! four steps with their answers, the criteria and indicators with targets and latest
//! measurements, a chart per measured figure, and the outlook. Empty answers print as
//! "à compléter" ([`Inline::Missing`]). The writers (PDF, DOCX, ODT) live in `render`.
//!
//! The bar chart of an indicator over time is drawn here too, for the page and the report.

use chrono::NaiveDate;
use partinnov_domain::{
    evaluation::{IndicatorKind, MeasureValue, Step, Unit, format_value, format_with_unit},
    lang::Lang,
};
use partinnov_render::document::{Block, Document, Fact, Inline, Picture, Table};
use partinnov_store::{
    evaluations::{Evaluation, Indicator},
    partnerships::PartnerRef,
};

use crate::i18n::Tr;

/// What the report is about, besides the evaluation itself: only what it prints, so the
/// same report can be given to the invited partner.
pub struct ReportContext<'a> {
    /// The structure whose workspace holds the partnership (its name).
    pub structure: &'a str,
    /// The partnership's title.
    pub title: &'a str,
    pub partners: &'a [PartnerRef],
    pub issued_on: NaiveDate,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Vertical bars, one per dated value (oldest left), the value above each bar and the date
/// below; a dashed line marks the target when there is one. Self-contained SVG, escaped.
pub fn series_svg(
    title: &str,
    points: &[(NaiveDate, i64)],
    unit: Option<Unit>,
    target: Option<i64>,
    t: &Tr,
) -> String {
    let (width, height, top, bottom, left) = (560_i64, 220_i64, 24_i64, 40_i64, 16_i64);
    let plot = height - top - bottom;
    let max = points
        .iter()
        .map(|p| p.1)
        .chain(target)
        .max()
        .unwrap_or(0)
        .max(1);
    let n = i64::try_from(points.len().max(1)).unwrap_or(1);
    let slot = (width - 2 * left) / n;
    let bar = (slot * 3 / 5).clamp(8, 80);
    let y_of = |v: i64| top + plot - (v.max(0) * plot / max);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{}" font-family="system-ui, sans-serif" font-size="12">"#,
        esc(title)
    );
    svg.push_str(&format!(
        r##"<line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="#6b7280"/>"##,
        top + plot,
        width - left,
        top + plot
    ));
    for (i, (day, v)) in points.iter().enumerate() {
        let i = i64::try_from(i).unwrap_or(0);
        let x = left + i * slot + (slot - bar) / 2;
        let y = y_of(*v);
        let h = (top + plot - y).max(if *v > 0 { 1 } else { 0 });
        let cx = x + bar / 2;
        svg.push_str(&format!(
            r##"<rect x="{x}" y="{}" width="{bar}" height="{h}" fill="#0072b2"/><text x="{cx}" y="{}" text-anchor="middle" fill="#1b1f24">{}</text><text x="{cx}" y="{}" text-anchor="middle" fill="#1b1f24">{}</text>"##,
            top + plot - h,
            (top + plot - h - 4).max(12),
            esc(&format_with_unit(*v, unit, t.lang)),
            top + plot + 16,
            esc(&t.date(day)),
        ));
    }
    if let Some(target) = target {
        let y = y_of(target);
        svg.push_str(&format!(
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#d55e00" stroke-dasharray="6 4"/><text x="{}" y="{}" text-anchor="end" fill="#d55e00">{}</text>"##,
            width - left,
            width - left,
            (y - 4).max(12),
            esc(&t.f(
                "evaluation.chart_target",
                &[("target", &format_with_unit(target, unit, t.lang))]
            )),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The dated figures of a quantitative indicator, oldest first.
pub fn numeric_points(i: &Indicator) -> Vec<(NaiveDate, i64)> {
    i.measurements
        .iter()
        .filter_map(|m| match m.data.value {
            MeasureValue::Number(n) => Some((m.data.measured_on, n)),
            MeasureValue::Text(_) => None,
        })
        .collect()
}

/// "(C1, I2)", the way the method numbers indicators (001:1845).
pub fn indicator_ref(criterion: &str, indicator: &str) -> String {
    format!("({criterion}, {indicator})")
}

/// The target as written: the figure with its unit and the words beside it.
pub fn target_text(i: &Indicator, lang: Lang) -> String {
    let figure = i
        .data
        .target
        .map(|v| format_with_unit(v, i.data.unit, lang));
    match (figure, i.data.target_text.as_str()) {
        (Some(f), "") => f,
        (Some(f), words) => format!("{f} — {words}"),
        (None, words) => words.to_owned(),
    }
}

/// The progress of an indicator in words: "atteinte", "en cours (45 %)"…
pub fn progress_text(i: &Indicator, t: &Tr) -> String {
    let p = i.progress();
    match p {
        partinnov_domain::evaluation::Progress::OnTheWay { permille } => t.f(
            "evaluation.progress_on_the_way_pct",
            &[(
                "pct",
                &format_with_unit(
                    i64::from(permille / 10) * 100,
                    Some(Unit::Pourcentage),
                    t.lang,
                ),
            )],
        ),
        other => t
            .t(&format!("evaluation.progress_{}", other.code()))
            .to_owned(),
    }
}

fn answers(t: &Tr, e: &Evaluation, step: Step) -> Vec<Block> {
    let mut out = vec![];
    for q in e.template.questions(step) {
        out.push(Block::Heading {
            level: 3,
            text: q.label.clone(),
        });
        let answer = e.data.answer(&q.code);
        if answer.trim().is_empty() {
            out.push(Block::Paragraph(vec![Inline::Missing]));
        } else {
            let lines: Vec<&str> = answer.lines().filter(|l| !l.trim().is_empty()).collect();
            if lines.len() > 1 {
                out.push(Block::Bullets(
                    lines.iter().map(|l| vec![Inline::text(l.trim())]).collect(),
                ));
            } else {
                out.push(Block::Paragraph(vec![Inline::text(answer.trim())]));
            }
        }
        let partner = e.data.partner_answer(&q.code);
        if !partner.trim().is_empty() {
            out.push(Block::Paragraph(vec![
                Inline::Strong(t.t("evaluation.partner_answer").to_owned()),
                Inline::text(" "),
                Inline::text(partner.trim()),
            ]));
        }
    }
    if e.template.questions(step).is_empty() && step != Step::Resultats {
        out.push(Block::Paragraph(vec![Inline::Missing]));
    }
    out
}

/// The evaluation report of one evaluation of a partnership.
pub fn evaluation_document(t: &Tr, ctx: &ReportContext<'_>, e: &Evaluation) -> Document {
    let mut blocks = vec![];
    blocks.push(Block::Heading {
        level: 1,
        text: t.t("evaluation.doc_parties").to_owned(),
    });
    let partners: Vec<String> = ctx
        .partners
        .iter()
        .map(|r| match &r.commune_name {
            Some(c) => format!("{} ({c})", r.name),
            None => r.name.clone(),
        })
        .collect();
    blocks.push(Block::Facts(vec![
        Fact {
            label: t.t("evaluation.doc_structure").to_owned(),
            value: vec![Inline::or_missing(ctx.structure)],
        },
        Fact {
            label: t.t("field.partners").to_owned(),
            value: vec![Inline::or_missing(&partners.join(", "))],
        },
        Fact {
            label: t.t("evaluation.doc_partnership").to_owned(),
            value: vec![Inline::or_missing(ctx.title)],
        },
        Fact {
            label: t.t("evaluation.template").to_owned(),
            value: vec![Inline::or_missing(&e.template.name)],
        },
        Fact {
            label: t.t("evaluation.method_source").to_owned(),
            value: vec![Inline::or_missing(&e.template.source)],
        },
        Fact {
            label: t.t("evaluation.started_on").to_owned(),
            value: vec![Inline::text(t.date(&e.started_on))],
        },
        Fact {
            label: t.t("field.status").to_owned(),
            value: vec![Inline::text(e.data.status.label(t.lang))],
        },
    ]));
    for (n, step) in Step::ALL.iter().enumerate() {
        blocks.push(Block::Heading {
            level: 1,
            text: format!(
                "{}. {}",
                n + 1,
                t.t(&format!("evaluation.step_{}", step.as_str()))
            ),
        });
        if *step == Step::Resultats {
            blocks.extend(results(t, e));
        }
        blocks.extend(answers(t, e, *step));
    }
    Document {
        blocks,
        ..super::blank(
            t,
            e.data.title.clone(),
            Some(t.f("evaluation.doc_subtitle", &[("title", ctx.title)])),
            ctx.issued_on,
        )
    }
}

fn results(t: &Tr, e: &Evaluation) -> Vec<Block> {
    let mut out = vec![Block::Heading {
        level: 2,
        text: t.t("evaluation.criteria").to_owned(),
    }];
    if e.criteria.is_empty() {
        out.push(Block::Paragraph(vec![Inline::Missing]));
        return out;
    }
    let mut rows = vec![];
    let mut charts = vec![];
    for c in &e.criteria {
        let heading = if c.data.group.is_empty() {
            c.data.text.clone()
        } else {
            format!("{} — {}", c.data.group, c.data.text)
        };
        rows.push(vec![
            vec![Inline::Strong(c.code.clone())],
            vec![Inline::Strong(heading)],
            vec![],
            vec![],
            vec![],
        ]);
        if c.indicators.is_empty() {
            rows.push(vec![vec![], vec![Inline::Missing], vec![], vec![], vec![]]);
        }
        for i in &c.indicators {
            let kind = match (i.data.kind, i.data.unit) {
                (IndicatorKind::Quantitatif, Some(u)) => {
                    format!("{}, {}", i.data.kind.label(t.lang), u.label(t.lang))
                }
                _ => i.data.kind.label(t.lang).to_owned(),
            };
            let latest = i.latest().map(|m| {
                format!(
                    "{} ({})",
                    format_value(&m.data.value, i.data.unit, t.lang),
                    t.date(&m.data.measured_on)
                )
            });
            rows.push(vec![
                vec![Inline::text(indicator_ref(&c.code, &i.code))],
                vec![
                    Inline::text(&i.data.text),
                    Inline::Emphasis(format!(" — {kind}")),
                ],
                vec![Inline::or_missing(&target_text(i, t.lang))],
                vec![latest.map_or(Inline::Missing, Inline::Text)],
                vec![Inline::text(progress_text(i, t))],
            ]);
            let points = numeric_points(i);
            if !points.is_empty() {
                let title = format!("{} {}", indicator_ref(&c.code, &i.code), i.data.text);
                let alt = points
                    .iter()
                    .map(|(d, v)| {
                        format!(
                            "{} : {}",
                            t.date(d),
                            format_with_unit(*v, i.data.unit, t.lang)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ; ");
                charts.push(Block::Picture(Picture {
                    svg: series_svg(&title, &points, i.data.unit, i.data.target, t),
                    caption: title,
                    alt,
                }));
            }
            let words: Vec<Vec<Inline>> = i
                .measurements
                .iter()
                .filter(|m| matches!(m.data.value, MeasureValue::Text(_)))
                .map(|m| {
                    vec![
                        Inline::Strong(format!(
                            "{} {} : ",
                            indicator_ref(&c.code, &i.code),
                            t.date(&m.data.measured_on)
                        )),
                        Inline::text(format_value(&m.data.value, None, t.lang)),
                    ]
                })
                .collect();
            if !words.is_empty() {
                charts.push(Block::Bullets(words));
            }
        }
    }
    out.push(Block::Table(Table {
        headers: vec![
            t.t("evaluation.code").to_owned(),
            t.t("evaluation.criterion_or_indicator").to_owned(),
            t.t("evaluation.target").to_owned(),
            t.t("evaluation.latest").to_owned(),
            t.t("evaluation.progress").to_owned(),
        ],
        rows,
        numeric: vec![false; 5],
        widths: vec![0.1, 0.4, 0.15, 0.2, 0.15],
        caption: Some(t.t("evaluation.criteria").to_owned()),
    }));
    if !charts.is_empty() {
        out.push(Block::Heading {
            level: 2,
            text: t.t("evaluation.over_time").to_owned(),
        });
        out.extend(charts);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use partinnov_domain::{
        evaluation::{EvaluationStatus, FilledBy, builtin_templates},
        typology::PartnershipStatus,
    };
    use partinnov_store::{
        CriterionId, EvaluationId, IndicatorId, MeasurementId, PartnershipId, WorkspaceId,
        evaluations::{
            Answer, Criterion, CriterionDraft, EvaluationDraft, IndicatorDraft, Measurement,
            MeasurementDraft,
        },
        partnerships::{Partnership, PartnershipDraft},
    };

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn partnership() -> Partnership {
        Partnership {
            id: PartnershipId(7),
            workspace_id: WorkspaceId(1),
            workspace_slug: "envie".into(),
            version: 1,
            data: PartnershipDraft {
                title: "Envie × Caisse d'Épargne".into(),
                status: PartnershipStatus::Actif,
                involvement: None,
                priority: None,
                potential: None,
                means: String::new(),
                governance: String::new(),
                notes: String::new(),
                partners: vec![],
                forms: vec![],
                objectives: vec![],
                holders: vec![],
            },
            partner_refs: vec![PartnerRef {
                id: 3,
                name: "Caisse d'Épargne Grand Est Europe".into(),
                siret: None,
                commune_code: None,
                commune_name: None,
                departement_code: None,
            }],
            holder_refs: vec![],
            last_interaction_on: None,
            dormant: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            deleted_at: None,
        }
    }

    fn measurement(id: i64, on: NaiveDate, value: MeasureValue) -> Measurement {
        Measurement {
            id: MeasurementId(id),
            data: MeasurementDraft {
                measured_on: on,
                value,
                note: String::new(),
                filled_by: FilledBy::Structure,
            },
            automatic: false,
            author_name: None,
        }
    }

    fn evaluation() -> Evaluation {
        let template = builtin_templates().remove(0);
        let mut answers = std::collections::BTreeMap::new();
        answers.insert(
            "objectifs_territoire".to_owned(),
            Answer {
                text: "Le développement de l'économie circulaire".into(),
                filled_by: FilledBy::Structure,
            },
        );
        let indicator = |id: i64, code: &str, text: &str, kind, unit, target, ms| Indicator {
            id: IndicatorId(id),
            version: 1,
            criterion_id: CriterionId(1),
            code: code.into(),
            data: IndicatorDraft {
                text: text.into(),
                kind,
                unit,
                source: None,
                target,
                target_text: String::new(),
            },
            measurements: ms,
        };
        Evaluation {
            id: EvaluationId(1),
            version: 1,
            partnership_id: PartnershipId(7),
            template,
            data: EvaluationDraft {
                title: "Évaluation 2019".into(),
                status: EvaluationStatus::Brouillon,
                answers,
            },
            started_on: day(2019, 1, 1),
            updated_at: Utc::now(),
            criteria: vec![Criterion {
                id: CriterionId(1),
                version: 1,
                code: "C1".into(),
                data: CriterionDraft {
                    text: "Idées innovantes d'économie circulaire".into(),
                    group: String::new(),
                },
                indicators: vec![
                    indicator(
                        1,
                        "I1",
                        "Nombre d'études de faisabilité",
                        IndicatorKind::Quantitatif,
                        Some(Unit::Nombre),
                        Some(400),
                        vec![
                            measurement(1, day(2018, 6, 1), MeasureValue::Number(100)),
                            measurement(2, day(2019, 6, 1), MeasureValue::Number(300)),
                        ],
                    ),
                    indicator(
                        2,
                        "I4",
                        "Perception du caractère innovant",
                        IndicatorKind::Qualitatif,
                        None,
                        None,
                        vec![],
                    ),
                ],
            }],
        }
    }

    fn texts(blocks: &[Block]) -> String {
        let inline = |i: &Inline| match i {
            Inline::Text(s) | Inline::Strong(s) | Inline::Emphasis(s) => s.clone(),
            Inline::Missing => "⟨à compléter⟩".into(),
        };
        blocks
            .iter()
            .map(|b| match b {
                Block::Heading { text, .. } => text.clone(),
                Block::Paragraph(v) => v.iter().map(inline).collect(),
                Block::Bullets(v) => v.iter().flatten().map(inline).collect(),
                Block::Facts(v) => v
                    .iter()
                    .map(|f| {
                        format!(
                            "{}: {}",
                            f.label,
                            f.value.iter().map(inline).collect::<String>()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                Block::Table(t) => t
                    .rows
                    .iter()
                    .flatten()
                    .flatten()
                    .map(inline)
                    .collect::<Vec<_>>()
                    .join(" | "),
                Block::Picture(p) => format!("[figure {}]", p.caption),
                Block::PageBreak => String::new(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_report_names_the_parties_walks_the_four_steps_and_marks_what_is_missing() {
        let t = Tr::new(Lang::Fr);
        let p = partnership();
        let doc = evaluation_document(
            &t,
            &ReportContext {
                structure: "Envie Grand Est",
                title: &p.data.title,
                partners: &p.partner_refs,
                issued_on: day(2026, 11, 23),
            },
            &evaluation(),
        );
        assert_eq!(doc.title, "Évaluation 2019");
        assert_eq!(doc.lang, "fr");
        let all = texts(&doc.blocks);
        assert!(all.contains("Envie Grand Est"));
        assert!(all.contains("Caisse d'Épargne Grand Est Europe"));
        let headings: Vec<&str> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level: 1, text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            headings[1..],
            ["1. Cadre", "2. Contenu", "3. Résultats", "4. Perspectives"]
        );
        assert!(all.contains("Le développement de l'économie circulaire"));
        assert!(all.contains("⟨à compléter⟩"), "empty answers are marked");
        assert!(all.contains("(C1, I1)"));
        assert!(all.contains("3 (01/06/2019)"), "latest measurement: {all}");
        assert!(all.contains("en cours (75\u{202f}%)"), "{all}");
        assert!(
            all.contains("[figure (C1, I1)"),
            "a chart of the measured indicator"
        );
        // The qualitative indicator with no measurement says so.
        assert!(all.contains("Perception du caractère innovant"));
        assert!(texts(&doc.blocks).contains("non mesuré"));
        assert!(doc.labels.missing.contains("compléter"));
    }

    #[test]
    fn the_chart_draws_one_bar_per_measurement_and_the_target_and_escapes_text() {
        let t = Tr::new(Lang::Fr);
        let svg = series_svg(
            "R&D <test>",
            &[(day(2024, 1, 1), 100), (day(2025, 1, 1), 250)],
            Some(Unit::Pourcentage),
            Some(400),
            &t,
        );
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("R&amp;D &lt;test&gt;"));
        assert!(svg.contains("2,5\u{202f}%"));
        assert!(svg.contains("01/01/2025"));
        assert!(svg.contains("stroke-dasharray"), "target line");
    }
}
