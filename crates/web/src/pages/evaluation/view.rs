//! What the evaluation page shows, already formatted: steps with their questions,
//! criteria, indicators with their chart, table and progress.

use super::*;
use partinnov_domain::evaluation::format_number;
use partinnov_store::evaluations::Indicator;

pub struct QuestionView {
    pub name: String,
    pub label: String,
    pub help: String,
    pub example: String,
    pub value: String,
    /// The invited partner's own answer, shown beside the structure's.
    pub partner: String,
}

pub struct StepView {
    pub number: usize,
    pub code: String,
    pub title: String,
    pub questions: Vec<QuestionView>,
}

pub struct MeasureRow {
    pub date: String,
    pub value: String,
    pub note: String,
    pub who: String,
}

pub struct IndicatorView {
    pub id: i64,
    pub reference: String,
    pub text: String,
    pub kind: String,
    pub unit: String,
    pub source: String,
    pub target: String,
    pub latest: String,
    pub progress: String,
    pub progress_code: String,
    pub quantitative: bool,
    pub chart: String,
    pub rows: Vec<MeasureRow>,
    pub form: Typed,
    /// The edit form: text and target as they are, or as sent back.
    pub edit: Typed,
    pub version: i64,
}

pub struct CriterionView {
    pub id: i64,
    pub code: String,
    pub text: String,
    pub group: String,
    pub indicators: Vec<IndicatorView>,
    pub form: Typed,
}

pub struct EvaluationView {
    pub id: i64,
    pub version: i64,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub template_name: String,
    pub template_source: String,
    pub started: String,
    pub steps: Vec<StepView>,
    pub criteria: Vec<CriterionView>,
    pub automatic: bool,
    pub url: String,
}

fn measure_row(t: &Tr, i: &partinnov_store::evaluations::Indicator) -> Vec<MeasureRow> {
    i.measurements
        .iter()
        .rev()
        .map(|m| MeasureRow {
            date: t.date(&m.data.measured_on),
            value: format_value(&m.data.value, i.data.unit, t.lang),
            note: m.data.note.clone(),
            who: if m.automatic {
                t.t("evaluation.automatic").to_owned()
            } else {
                let party = m.data.filled_by.label(t.lang);
                match &m.author_name {
                    Some(n) => format!("{n} ({party})"),
                    None => party.to_owned(),
                }
            },
        })
        .collect()
}

pub(crate) fn view(t: &Tr, base: &str, e: &Evaluation, back: &Back) -> EvaluationView {
    let mine = back.steps.as_ref().map(|(_, d)| d);
    let data = mine.unwrap_or(&e.data);
    let steps = Step::ALL
        .iter()
        .enumerate()
        .map(|(n, step)| StepView {
            number: n + 1,
            code: step.as_str().to_owned(),
            title: t
                .t(&format!("evaluation.step_{}", step.as_str()))
                .to_owned(),
            questions: e
                .template
                .questions(*step)
                .iter()
                .map(|q| QuestionView {
                    name: format!("q_{}", q.code),
                    label: q.label.clone(),
                    help: q.help.clone(),
                    example: q.example.clone(),
                    value: data.answer(&q.code).to_owned(),
                    partner: match &back.partner {
                        Some(typed) => typed.v(&format!("q_{}", q.code)).to_owned(),
                        None => e.data.partner_answer(&q.code).to_owned(),
                    },
                })
                .collect(),
        })
        .collect();
    let criteria = e
        .criteria
        .iter()
        .map(|c| CriterionView {
            id: c.id.0,
            code: c.code.clone(),
            text: c.data.text.clone(),
            group: c.data.group.clone(),
            form: match &back.indicator {
                Some((id, typed)) if *id == c.id.0 => typed.clone(),
                _ => Typed {
                    values: [("kind".to_owned(), "quantitatif".to_owned())].into(),
                    ..Default::default()
                },
            },
            indicators: c
                .indicators
                .iter()
                .map(|i| {
                    let reference = indicator_ref(&c.code, &i.code);
                    let points = numeric_points(i);
                    IndicatorView {
                        id: i.id.0,
                        text: i.data.text.clone(),
                        kind: i.data.kind.label(t.lang).to_owned(),
                        unit: i
                            .data
                            .unit
                            .map(|u| u.label(t.lang).to_owned())
                            .unwrap_or_default(),
                        source: i.data.source.map(|s| s.label(t.lang)).unwrap_or_default(),
                        target: target_text(i, t.lang),
                        latest: i
                            .latest()
                            .map(|m| format_value(&m.data.value, i.data.unit, t.lang))
                            .unwrap_or_default(),
                        progress: progress_text(i, t),
                        progress_code: i.progress().code().to_owned(),
                        quantitative: i.data.kind == IndicatorKind::Quantitatif,
                        chart: if points.is_empty() {
                            String::new()
                        } else {
                            series_svg(
                                &format!("{reference} {}", i.data.text),
                                &points,
                                i.data.unit,
                                i.data.target,
                                t,
                            )
                        },
                        rows: measure_row(t, i),
                        edit: match &back.edit {
                            Some((id, typed)) if *id == i.id.0 => typed.clone(),
                            _ => saved_values(t, i),
                        },
                        version: i.version,
                        form: match &back.measure {
                            Some((id, typed)) if *id == i.id.0 => typed.clone(),
                            _ => Typed {
                                values: [(
                                    "measured_on".to_owned(),
                                    Utc::now().date_naive().to_string(),
                                )]
                                .into(),
                                ..Default::default()
                            },
                        },
                        reference,
                    }
                })
                .collect(),
        })
        .collect();
    EvaluationView {
        id: e.id.0,
        version: back.steps.as_ref().map_or(e.version, |(v, _)| *v),
        title: data.title.clone(),
        status: data.status.as_str().to_owned(),
        status_label: e.data.status.label(t.lang).to_owned(),
        template_name: e.template.name.clone(),
        template_source: e.template.source.clone(),
        started: t.date(&e.started_on),
        steps,
        criteria,
        automatic: e
            .criteria
            .iter()
            .flat_map(|c| &c.indicators)
            .any(|i| i.data.source.is_some()),
        url: format!("{base}/{}", e.id.0),
    }
}

/// An indicator's edit form filled with what is saved.
pub(super) fn saved_values(t: &Tr, i: &Indicator) -> Typed {
    let d = &i.data;
    Typed {
        values: [
            ("text", d.text.clone()),
            ("kind", d.kind.as_str().to_owned()),
            ("unit", d.unit.map_or("", Unit::as_str).to_owned()),
            ("source", d.source.map(AutoSource::code).unwrap_or_default()),
            (
                "target",
                d.target
                    .map(|v| format_number(v, t.lang))
                    .unwrap_or_default(),
            ),
            ("target_text", d.target_text.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
        ..Default::default()
    }
}
