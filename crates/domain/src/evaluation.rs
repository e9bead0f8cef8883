//! Evaluation of a partnership in four steps (001:1726-1882; DOMAIN.md §7): the frame
//! (*cadre*), the content (*contenu*), the results through criteria and indicators
//! (*résultats*) and the outlook (*perspectives*).
//!
//! An evaluation starts from a [`Template`]: guiding questions per step, and suggested
//! criteria (C1, C2…) broken into indicators ((C1, I1), (C1, I2)…, 001:1841-1845), each
//! quantitative or qualitative, with a unit and, for some, an [`AutoSource`] that the store
//! measures from the partnership's outcomes and flows. Templates are data: JSON files, two
//! built in ([`builtin_templates`]) and any a network imports, validated by
//! [`Template::from_json`] with errors that say where.
//!
//! Numbers are fixed-point hundredths (`i64`), like money in cents: 12,5 % is 1 250.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::{code::coded_enum, flow::FlowKind, lang::Lang};

coded_enum! {
    /// The four steps, in their order (001:1726-1730).
    pub enum Step {
        /// Identities, genesis, objectives per partner and for the territory (001:1750-1754).
        Cadre => "cadre", "cadre", "frame",
        /// Actions, means, steering (001:1809-1813).
        Contenu => "contenu", "contenu", "content",
        /// Criteria and indicators, key results (001:1839-1845).
        Resultats => "resultats", "résultats", "results",
        /// Results against objectives, changed expectations, strategy (001:1876-1880).
        Perspectives => "perspectives", "perspectives", "outlook",
    }
}

coded_enum! {
    /// Indicators are quantitative or qualitative (001:1845).
    pub enum IndicatorKind {
        Quantitatif => "quantitatif", "quantitatif", "quantitative",
        Qualitatif => "qualitatif", "qualitatif", "qualitative",
    }
}

coded_enum! {
    /// The unit of a quantitative indicator; it decides how a value is written.
    pub enum Unit {
        Nombre => "nombre", "nombre", "number",
        Pourcentage => "pourcentage", "pourcentage", "percentage",
        Euros => "euros", "euros", "euros",
        Heures => "heures", "heures", "hours",
        Jours => "jours", "jours", "days",
        Personnes => "personnes", "personnes", "people",
    }
}

coded_enum! {
    /// Who wrote an answer or a measurement. Today only members of the structure's
    /// workspace fill an evaluation; the partner's side is the extension point for the
    /// invited-partner role (issue 4), which will write `Partenaire`.
    pub enum FilledBy {
        Structure => "structure", "la structure", "the structure",
        Partenaire => "partenaire", "le partenaire", "the partner",
    }
}

coded_enum! {
    /// Where an evaluation stands.
    pub enum EvaluationStatus {
        Brouillon => "brouillon", "brouillon", "draft",
        Terminee => "terminee", "terminée", "finished",
    }
}

/// A figure the store computes from the partnership's own data over a period, so that an
/// indicator can be "actualised" instead of typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AutoSource {
    /// Hires by the partner (outcomes of kind *embauche*).
    Hires,
    /// Hires classified as *emploi durable* (001:239).
    DurableExits,
    /// Work immersions (PMSMP) started.
    Immersions,
    /// Days of PMSMP.
    ImmersionDays,
    /// Hours of *mise à disposition*.
    LendingHours,
    /// Distinct people with at least one outcome.
    People,
    /// Flows with the partner, of one kind or of every kind, in euros.
    Flows(Option<FlowKind>),
}

impl AutoSource {
    /// Every source, the flows one per kind after the total.
    pub fn all() -> Vec<AutoSource> {
        let mut v = vec![
            Self::Hires,
            Self::DurableExits,
            Self::Immersions,
            Self::ImmersionDays,
            Self::LendingHours,
            Self::People,
            Self::Flows(None),
        ];
        v.extend(FlowKind::ALL.iter().map(|k| Self::Flows(Some(*k))));
        v
    }

    /// The stable code: `embauches`, …, `flux` (all kinds) or `flux:don_financier`.
    pub fn code(self) -> String {
        match self {
            Self::Hires => "embauches".into(),
            Self::DurableExits => "sorties_durables".into(),
            Self::Immersions => "pmsmp".into(),
            Self::ImmersionDays => "jours_pmsmp".into(),
            Self::LendingHours => "heures_mise_a_disposition".into(),
            Self::People => "personnes".into(),
            Self::Flows(None) => "flux".into(),
            Self::Flows(Some(k)) => format!("flux:{}", k.as_str()),
        }
    }

    pub fn parse(code: &str) -> Result<Self, crate::UnknownCode> {
        Self::all()
            .into_iter()
            .find(|s| s.code() == code.trim())
            .ok_or_else(|| crate::UnknownCode::new("AutoSource", code))
    }

    /// The unit its figures are in.
    pub const fn unit(self) -> Unit {
        match self {
            Self::Hires | Self::DurableExits | Self::Immersions => Unit::Nombre,
            Self::People => Unit::Personnes,
            Self::ImmersionDays => Unit::Jours,
            Self::LendingHours => Unit::Heures,
            Self::Flows(_) => Unit::Euros,
        }
    }

    pub fn label(self, lang: Lang) -> String {
        let (fr, en) = match self {
            Self::Hires => ("embauches par le partenaire", "hires by the partner"),
            Self::DurableExits => ("sorties en emploi durable", "exits into lasting jobs"),
            Self::Immersions => ("immersions (PMSMP)", "work immersions (PMSMP)"),
            Self::ImmersionDays => ("jours d'immersion (PMSMP)", "days of work immersion"),
            Self::LendingHours => ("heures de mise à disposition", "hours of staff lending"),
            Self::People => ("personnes accompagnées", "people supported"),
            Self::Flows(None) => ("flux, tous types (€)", "flows, all kinds (€)"),
            Self::Flows(Some(k)) => {
                return match lang {
                    Lang::Fr => format!("flux : {} (€)", k.label(lang)),
                    Lang::En => format!("flows: {} (€)", k.label(lang)),
                };
            }
        };
        match lang {
            Lang::Fr => fr.into(),
            Lang::En => en.into(),
        }
    }
}

impl Serialize for AutoSource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for AutoSource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Self::parse(&code).map_err(serde::de::Error::custom)
    }
}

// ------------------------------------------------------------------ templates

/// An evaluation template: guiding questions per step and suggested criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Template {
    /// Stable code: lower-case letters, digits and `-`, at most 60 characters.
    pub code: String,
    pub name: String,
    pub description: String,
    /// Where the method comes from (a citation), shown with the template.
    pub source: String,
    pub steps: Vec<TemplateStep>,
    pub criteria: Vec<TemplateCriterion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateStep {
    pub step: Step,
    pub questions: Vec<Question>,
}

/// A guiding question, whose answer is a text of the evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Unique in the template; the key of the answer.
    pub code: String,
    pub label: String,
    pub help: String,
    /// How the worked example of the method answered it, shown as guidance.
    pub example: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateCriterion {
    /// `C1`, `C2`…
    pub code: String,
    pub label: String,
    /// A heading the criterion sits under (the observatory's impacts), or empty.
    pub group: String,
    pub indicators: Vec<TemplateIndicator>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateIndicator {
    /// `I1`, `I2`… within the criterion.
    pub code: String,
    pub label: String,
    pub kind: IndicatorKind,
    pub unit: Option<Unit>,
    pub source: Option<AutoSource>,
}

/// Why a template was refused, and where in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {problem}")]
pub struct TemplateError {
    /// A path in the document (`steps[1].questions[0].label`), or `line L, column C` when
    /// the file is not valid JSON.
    pub at: String,
    pub problem: TemplateProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateProblem {
    #[error("not valid JSON: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("missing {0}")]
    Missing(&'static str),
    #[error("unknown step {0:?}")]
    UnknownStep(String),
    #[error("unknown indicator kind {0:?}")]
    UnknownKind(String),
    #[error("unknown unit {0:?}")]
    UnknownUnit(String),
    #[error("unknown automatic source {0:?}")]
    UnknownSource(String),
    #[error("code {0:?} appears twice")]
    Duplicate(String),
    #[error("badly formed code {0:?}")]
    BadCode(String),
    #[error("a qualitative indicator has no unit or automatic source")]
    QualitativeWithUnit,
    #[error("the automatic source counts in {expected}, not {given}")]
    SourceUnit { expected: Unit, given: Unit },
}

impl TemplateProblem {
    /// The catalogue code of the problem (`template.unknown_step`…).
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Syntax { .. } => "syntax",
            Self::Missing(_) => "missing",
            Self::UnknownStep(_) => "unknown_step",
            Self::UnknownKind(_) => "unknown_kind",
            Self::UnknownUnit(_) => "unknown_unit",
            Self::UnknownSource(_) => "unknown_source",
            Self::Duplicate(_) => "duplicate",
            Self::BadCode(_) => "bad_code",
            Self::QualitativeWithUnit => "qualitative_with_unit",
            Self::SourceUnit { .. } => "source_unit",
        }
    }
}

// The file as written, before validation: enums as text and every field optional, so
// that a missing or unknown value is reported with its place rather than as serde's
// first failure. Unknown fields are refused (a misspelt `lable` would otherwise vanish).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    code: Option<String>,
    name: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    steps: Vec<RawStep>,
    #[serde(default)]
    criteria: Vec<RawCriterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    step: Option<String>,
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    code: Option<String>,
    label: Option<String>,
    #[serde(default)]
    help: String,
    #[serde(default)]
    example: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    code: Option<String>,
    label: Option<String>,
    #[serde(default)]
    group: String,
    #[serde(default)]
    indicators: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    code: Option<String>,
    label: Option<String>,
    kind: Option<String>,
    unit: Option<String>,
    source: Option<String>,
}

fn present(v: Option<String>, at: &str, what: &'static str) -> Result<String, TemplateError> {
    match v.map(|s| s.trim().to_owned()) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(TemplateError {
            at: at.to_owned(),
            problem: TemplateProblem::Missing(what),
        }),
    }
}

fn err(at: String, problem: TemplateProblem) -> TemplateError {
    TemplateError { at, problem }
}

/// `C1`, `C12`: a letter prefix and a number from 1.
pub fn numbered_code(prefix: char, code: &str) -> Option<u32> {
    code.strip_prefix(prefix)
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| *n > 0 && !code[1..].starts_with('0'))
}

impl Template {
    /// Reads and validates a template. The first problem found is returned, with where it is.
    pub fn from_json(json: &str) -> Result<Self, TemplateError> {
        let raw: RawTemplate = serde_json::from_str(json).map_err(|e| {
            err(
                format!("line {}, column {}", e.line(), e.column()),
                TemplateProblem::Syntax {
                    line: e.line(),
                    column: e.column(),
                    message: e.to_string(),
                },
            )
        })?;
        let code = present(raw.code, "code", "code")?;
        let good_code = code.len() <= 60
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !good_code {
            return Err(err("code".into(), TemplateProblem::BadCode(code)));
        }
        let name = present(raw.name, "name", "name")?;
        let mut steps: Vec<TemplateStep> = vec![];
        let mut question_codes = HashSet::new();
        for (i, s) in raw.steps.into_iter().enumerate() {
            let at = format!("steps[{i}]");
            let text = present(s.step, &format!("{at}.step"), "step")?;
            let step: Step = text
                .parse()
                .map_err(|_| err(format!("{at}.step"), TemplateProblem::UnknownStep(text)))?;
            if steps.iter().any(|x| x.step == step) {
                return Err(err(
                    format!("{at}.step"),
                    TemplateProblem::Duplicate(step.as_str().into()),
                ));
            }
            let mut questions = vec![];
            for (j, q) in s.questions.into_iter().enumerate() {
                let qat = format!("{at}.questions[{j}]");
                let code = present(q.code, &format!("{qat}.code"), "code")?;
                if !question_codes.insert(code.clone()) {
                    return Err(err(format!("{qat}.code"), TemplateProblem::Duplicate(code)));
                }
                questions.push(Question {
                    code,
                    label: present(q.label, &format!("{qat}.label"), "label")?,
                    help: q.help.trim().to_owned(),
                    example: q.example.trim().to_owned(),
                });
            }
            steps.push(TemplateStep { step, questions });
        }
        steps.sort_by_key(|s| s.step);
        let mut criteria: Vec<TemplateCriterion> = vec![];
        for (i, c) in raw.criteria.into_iter().enumerate() {
            let at = format!("criteria[{i}]");
            let code = present(c.code, &format!("{at}.code"), "code")?;
            if numbered_code('C', &code).is_none() {
                return Err(err(format!("{at}.code"), TemplateProblem::BadCode(code)));
            }
            if criteria.iter().any(|x| x.code == code) {
                return Err(err(format!("{at}.code"), TemplateProblem::Duplicate(code)));
            }
            let label = present(c.label, &format!("{at}.label"), "label")?;
            let mut indicators: Vec<TemplateIndicator> = vec![];
            for (j, x) in c.indicators.into_iter().enumerate() {
                let iat = format!("{at}.indicators[{j}]");
                let icode = present(x.code, &format!("{iat}.code"), "code")?;
                if numbered_code('I', &icode).is_none() {
                    return Err(err(format!("{iat}.code"), TemplateProblem::BadCode(icode)));
                }
                if indicators.iter().any(|y| y.code == icode) {
                    return Err(err(
                        format!("{iat}.code"),
                        TemplateProblem::Duplicate(icode),
                    ));
                }
                let ilabel = present(x.label, &format!("{iat}.label"), "label")?;
                let kind_text = present(x.kind, &format!("{iat}.kind"), "kind")?;
                let kind: IndicatorKind = kind_text.parse().map_err(|_| {
                    err(
                        format!("{iat}.kind"),
                        TemplateProblem::UnknownKind(kind_text),
                    )
                })?;
                let unit = x
                    .unit
                    .filter(|u| !u.trim().is_empty())
                    .map(|u| {
                        u.trim().parse::<Unit>().map_err(|_| {
                            err(format!("{iat}.unit"), TemplateProblem::UnknownUnit(u))
                        })
                    })
                    .transpose()?;
                let source = x
                    .source
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| {
                        AutoSource::parse(&s).map_err(|_| {
                            err(format!("{iat}.source"), TemplateProblem::UnknownSource(s))
                        })
                    })
                    .transpose()?;
                let indicator = IndicatorSpec { kind, unit, source }
                    .check()
                    .map_err(|p| err(iat.clone(), p))?;
                indicators.push(TemplateIndicator {
                    code: icode,
                    label: ilabel,
                    kind: indicator.kind,
                    unit: indicator.unit,
                    source: indicator.source,
                });
            }
            criteria.push(TemplateCriterion {
                code,
                label,
                group: c.group.trim().to_owned(),
                indicators,
            });
        }
        Ok(Template {
            code,
            name,
            description: raw.description.trim().to_owned(),
            source: raw.source.trim().to_owned(),
            steps,
            criteria,
        })
    }

    /// The template as JSON that [`Template::from_json`] reads back.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The guiding questions of a step (none when the template says nothing of it).
    pub fn questions(&self, step: Step) -> &[Question] {
        self.steps
            .iter()
            .find(|s| s.step == step)
            .map_or(&[], |s| s.questions.as_slice())
    }
}

/// The kind, unit and source of an indicator, checked together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorSpec {
    pub kind: IndicatorKind,
    pub unit: Option<Unit>,
    pub source: Option<AutoSource>,
}

impl IndicatorSpec {
    /// A qualitative indicator has neither unit nor automatic source; a quantitative one
    /// has a unit (its source's when it has one, "nombre" otherwise).
    pub fn check(self) -> Result<Self, TemplateProblem> {
        match self.kind {
            IndicatorKind::Qualitatif if self.unit.is_some() || self.source.is_some() => {
                Err(TemplateProblem::QualitativeWithUnit)
            }
            IndicatorKind::Qualitatif => Ok(self),
            IndicatorKind::Quantitatif => {
                let unit = match (self.source, self.unit) {
                    (Some(s), Some(u)) if s.unit() != u => {
                        return Err(TemplateProblem::SourceUnit {
                            expected: s.unit(),
                            given: u,
                        });
                    }
                    (Some(s), _) => s.unit(),
                    (None, Some(u)) => u,
                    (None, None) => Unit::Nombre,
                };
                Ok(Self {
                    unit: Some(unit),
                    ..self
                })
            }
        }
    }
}

const GUIDE_001: &str = include_str!("../templates/guide-quatre-etapes.json");
const OBSERVATORY: &str = include_str!("../templates/observatoire-impacts.json");

/// The code of the seed-001 method template, the one offered first.
pub const DEFAULT_TEMPLATE: &str = "guide-quatre-etapes";

/// The templates shipped in the binary: the four-step method of the guide with its worked
/// example, and the observatory's performance / innovation / trust grid.
pub fn builtin_templates() -> Vec<Template> {
    [GUIDE_001, OBSERVATORY]
        .iter()
        .filter_map(|json| match Template::from_json(json) {
            Ok(t) => Some(t),
            Err(e) => {
                // A unit test reads both files; this cannot happen in a build that passed.
                debug_assert!(false, "built-in template refused: {e}");
                None
            }
        })
        .collect()
}

// ------------------------------------------------------------------ values

/// What a measurement holds: a figure (hundredths) or a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureValue {
    Number(i64),
    Text(String),
}

/// Why a typed value was refused; `code()` is the catalogue key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("empty value")]
    Empty,
    #[error("not a number")]
    NotANumber,
    #[error("more than two decimals")]
    TooManyDecimals,
}

impl ValueError {
    pub const fn code(self) -> &'static str {
        match self {
            Self::Empty => "required",
            Self::NotANumber => "invalid_number",
            Self::TooManyDecimals => "too_many_decimals",
        }
    }
}

/// A figure as people type it ("12,5", "1 234", "45 %", "3 000 €") → hundredths.
pub fn parse_number(input: &str) -> Result<i64, ValueError> {
    let t = input.trim();
    let t = t
        .trim_end_matches(['%', '€', 'h', 'j'])
        .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{202f}');
    crate::flow::parse_euros(t).map_err(|e| match e {
        crate::flow::EuroError::Empty => ValueError::Empty,
        crate::flow::EuroError::TooManyDecimals => ValueError::TooManyDecimals,
        crate::flow::EuroError::NotANumber => ValueError::NotANumber,
    })
}

/// A measurement as typed, for an indicator of `kind`: a number for a quantitative one,
/// any non-empty text for a qualitative one.
pub fn parse_value(kind: IndicatorKind, input: &str) -> Result<MeasureValue, ValueError> {
    match kind {
        IndicatorKind::Quantitatif => parse_number(input).map(MeasureValue::Number),
        IndicatorKind::Qualitatif if input.trim().is_empty() => Err(ValueError::Empty),
        IndicatorKind::Qualitatif => Ok(MeasureValue::Text(input.trim().to_owned())),
    }
}

/// Hundredths written the reader's way, decimals only when there are some:
/// 123 456 → "1 234,56" (fr, narrow no-break spaces) or "1,234.56" (en).
pub fn format_number(hundredths: i64, lang: Lang) -> String {
    let (sep, point) = match lang {
        Lang::Fr => ('\u{202f}', ','),
        Lang::En => (',', '.'),
    };
    let units = (hundredths / 100).unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    let cents = (hundredths % 100).unsigned_abs();
    if cents != 0 {
        out.push(point);
        if cents.is_multiple_of(10) {
            out.push_str(&(cents / 10).to_string());
        } else {
            out.push_str(&format!("{cents:02}"));
        }
    }
    if hundredths < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A figure with its unit: "45 %", "3 000 €", "120 h", "12 j" in French.
pub fn format_with_unit(hundredths: i64, unit: Option<Unit>, lang: Lang) -> String {
    let n = format_number(hundredths, lang);
    let nb = match lang {
        Lang::Fr => '\u{202f}',
        Lang::En => ' ',
    };
    match (unit, lang) {
        (None | Some(Unit::Nombre), _) => n,
        (Some(Unit::Pourcentage), Lang::Fr) => format!("{n}{nb}%"),
        (Some(Unit::Pourcentage), Lang::En) => format!("{n}%"),
        (Some(Unit::Euros), _) => format!("{n}\u{a0}€"),
        (Some(Unit::Heures), _) => format!("{n}{nb}h"),
        (Some(Unit::Jours), Lang::Fr) => format!("{n}{nb}j"),
        (Some(Unit::Jours), Lang::En) => format!("{n} d"),
        (Some(Unit::Personnes), Lang::Fr) => format!("{n}{nb}pers."),
        (Some(Unit::Personnes), Lang::En) => format!("{n} people"),
    }
}

/// A measurement as shown.
pub fn format_value(v: &MeasureValue, unit: Option<Unit>, lang: Lang) -> String {
    match v {
        MeasureValue::Number(n) => format_with_unit(*n, unit, lang),
        MeasureValue::Text(t) => t.clone(),
    }
}

/// How far an indicator is from its target. Targets are thresholds to reach: the value
/// is good when at least the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Progress {
    /// No measurement yet.
    NotMeasured,
    /// Measured, but there is no figure to compare with (qualitative, or no target).
    NoTarget,
    /// Below the target: the share reached, in per mille (0..1000).
    OnTheWay {
        permille: u32,
    },
    Reached,
}

impl Progress {
    /// The catalogue key suffix: `not_measured`, `no_target`, `on_the_way`, `reached`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::NotMeasured => "not_measured",
            Self::NoTarget => "no_target",
            Self::OnTheWay { .. } => "on_the_way",
            Self::Reached => "reached",
        }
    }
}

/// The progress of the latest measurement against a numeric target.
pub fn progress(target: Option<i64>, latest: Option<&MeasureValue>) -> Progress {
    match (latest, target) {
        (None, _) => Progress::NotMeasured,
        (Some(MeasureValue::Text(_)), _) | (Some(MeasureValue::Number(_)), None) => {
            Progress::NoTarget
        }
        (Some(MeasureValue::Number(v)), Some(t)) if *v >= t => Progress::Reached,
        (Some(MeasureValue::Number(v)), Some(t)) => {
            let permille = if t <= 0 {
                0
            } else {
                u32::try_from((*v).max(0).saturating_mul(1000) / t).unwrap_or(0)
            };
            Progress::OnTheWay {
                permille: permille.min(999),
            }
        }
    }
}

/// The next free code of a numbered list: after C1 and C3, C4 (a removed code is never
/// given again, so what a document or a measurement called C2 stays C2).
pub fn next_code<'a>(prefix: char, taken: impl IntoIterator<Item = &'a str>) -> String {
    let max = taken
        .into_iter()
        .filter_map(|c| numbered_code(prefix, c))
        .max()
        .unwrap_or(0);
    format!("{prefix}{}", max + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal(criteria: &str) -> String {
        format!(
            r#"{{"code": "reseau-x", "name": "Grille du réseau",
                "steps": [{{"step": "cadre", "questions": [{{"code": "q1", "label": "Contexte ?"}}]}}],
                "criteria": {criteria}}}"#
        )
    }

    #[test]
    fn both_builtin_templates_are_valid_and_round_trip() {
        let all = builtin_templates();
        assert_eq!(
            all.iter().map(|t| t.code.as_str()).collect::<Vec<_>>(),
            [DEFAULT_TEMPLATE, "observatoire-impacts"]
        );
        for t in &all {
            assert_eq!(Template::from_json(&t.to_json()).as_ref(), Ok(t));
            assert!(!t.source.is_empty(), "{} cites its source", t.code);
        }
    }

    #[test]
    fn the_guide_template_carries_the_worked_example_criterion_and_its_four_indicators() {
        let guide = &builtin_templates()[0];
        assert_eq!(
            guide.steps.iter().map(|s| s.step).collect::<Vec<_>>(),
            Step::ALL
        );
        let c1 = &guide.criteria[0];
        assert_eq!(c1.code, "C1");
        assert!(c1.label.contains("idées innovantes"));
        let kinds: Vec<_> = c1
            .indicators
            .iter()
            .map(|i| (i.code.as_str(), i.kind, i.unit))
            .collect();
        assert_eq!(
            kinds,
            [
                ("I1", IndicatorKind::Quantitatif, Some(Unit::Nombre)),
                ("I2", IndicatorKind::Quantitatif, Some(Unit::Pourcentage)),
                ("I3", IndicatorKind::Quantitatif, Some(Unit::Pourcentage)),
                ("I4", IndicatorKind::Qualitatif, None),
            ]
        );
        let cadre: Vec<_> = guide
            .questions(Step::Cadre)
            .iter()
            .map(|q| q.code.as_str())
            .collect();
        assert!(cadre.contains(&"objectifs_territoire"));
        assert!(
            guide
                .questions(Step::Cadre)
                .iter()
                .any(|q| q.example.contains("436 000 sociétaires"))
        );
    }

    #[test]
    fn the_observatory_grid_has_three_impacts_and_seven_sub_impacts() {
        let grid = &builtin_templates()[1];
        let groups: Vec<&str> = grid.criteria.iter().map(|c| c.group.as_str()).collect();
        assert_eq!(
            groups,
            [
                "Performance",
                "Performance",
                "Performance",
                "Innovation",
                "Innovation",
                "Confiance",
                "Confiance"
            ]
        );
    }

    #[test]
    fn a_template_with_an_unknown_step_says_which_and_where() {
        let json = r#"{"code": "x", "name": "X", "steps": [
            {"step": "cadre"}, {"step": "bilan", "questions": []}]}"#;
        let e = Template::from_json(json).unwrap_err();
        assert_eq!(e.at, "steps[1].step");
        assert_eq!(e.problem, TemplateProblem::UnknownStep("bilan".into()));
    }

    #[test]
    fn duplicate_codes_are_refused_wherever_they_are() {
        let e = Template::from_json(&minimal(
            r#"[{"code": "C1", "label": "a"}, {"code": "C1", "label": "b"}]"#,
        ))
        .unwrap_err();
        assert_eq!(
            (e.at.as_str(), e.problem),
            ("criteria[1].code", TemplateProblem::Duplicate("C1".into()))
        );
        let e = Template::from_json(&minimal(
            r#"[{"code": "C1", "label": "a", "indicators": [
                {"code": "I1", "label": "x", "kind": "qualitatif"},
                {"code": "I1", "label": "y", "kind": "qualitatif"}]}]"#,
        ))
        .unwrap_err();
        assert_eq!(e.at, "criteria[0].indicators[1].code");
        let e = Template::from_json(
            r#"{"code": "x", "name": "X", "steps": [{"step": "cadre"}, {"step": "cadre"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.problem, TemplateProblem::Duplicate("cadre".into()));
    }

    #[test]
    fn missing_labels_kinds_and_bad_values_are_located() {
        let e = Template::from_json(&minimal(r#"[{"code": "C1"}]"#)).unwrap_err();
        assert_eq!(
            (e.at.as_str(), e.problem),
            ("criteria[0].label", TemplateProblem::Missing("label"))
        );
        let e = Template::from_json(&minimal(
            r#"[{"code": "C1", "label": "a", "indicators": [{"code": "I1", "label": "x", "kind": "quantitatif", "unit": "litres"}]}]"#,
        ))
        .unwrap_err();
        assert_eq!(e.problem, TemplateProblem::UnknownUnit("litres".into()));
        let e = Template::from_json(&minimal(
            r#"[{"code": "C1", "label": "a", "indicators": [{"code": "I1", "label": "x", "kind": "quantitatif", "source": "flux:loterie"}]}]"#,
        ))
        .unwrap_err();
        assert_eq!(e.at, "criteria[0].indicators[0].source");
        let e = Template::from_json(&minimal(r#"[{"code": "K1", "label": "a"}]"#)).unwrap_err();
        assert_eq!(e.problem, TemplateProblem::BadCode("K1".into()));
        let e = Template::from_json(r#"{"name": "Sans code"}"#).unwrap_err();
        assert_eq!(e.problem, TemplateProblem::Missing("code"));
    }

    #[test]
    fn a_file_that_is_not_json_gives_its_line_and_column() {
        let e = Template::from_json("{\n  \"code\": \"x\",\n  \"name\": \n}").unwrap_err();
        assert!(
            matches!(e.problem, TemplateProblem::Syntax { line: 4, .. }),
            "{e:?}"
        );
        let e = Template::from_json(r#"{"code": "x", "name": "X", "lable": "?"}"#).unwrap_err();
        assert!(matches!(e.problem, TemplateProblem::Syntax { .. }), "{e:?}");
    }

    #[test]
    fn an_automatic_source_sets_the_unit_and_refuses_another() {
        let ok = IndicatorSpec {
            kind: IndicatorKind::Quantitatif,
            unit: None,
            source: Some(AutoSource::Flows(Some(FlowKind::DonFinancier))),
        }
        .check()
        .unwrap();
        assert_eq!(ok.unit, Some(Unit::Euros));
        let bad = IndicatorSpec {
            kind: IndicatorKind::Quantitatif,
            unit: Some(Unit::Heures),
            source: Some(AutoSource::Hires),
        }
        .check();
        assert!(matches!(bad, Err(TemplateProblem::SourceUnit { .. })));
        let qual = IndicatorSpec {
            kind: IndicatorKind::Qualitatif,
            unit: None,
            source: Some(AutoSource::Hires),
        }
        .check();
        assert_eq!(qual, Err(TemplateProblem::QualitativeWithUnit));
        for s in AutoSource::all() {
            assert_eq!(AutoSource::parse(&s.code()), Ok(s));
        }
    }

    #[test]
    fn values_are_typed_the_french_way_and_written_with_their_unit() {
        assert_eq!(parse_number("12,5"), Ok(1250));
        assert_eq!(parse_number("1 234"), Ok(123_400));
        assert_eq!(parse_number("45 %"), Ok(4500));
        assert_eq!(parse_number("3 000 €"), Ok(300_000));
        assert_eq!(parse_number("douze"), Err(ValueError::NotANumber));
        assert_eq!(parse_number(" "), Err(ValueError::Empty));
        assert_eq!(
            parse_value(IndicatorKind::Qualitatif, " très innovant "),
            Ok(MeasureValue::Text("très innovant".into()))
        );
        assert_eq!(
            format_with_unit(4550, Some(Unit::Pourcentage), Lang::Fr),
            "45,5\u{202f}%"
        );
        assert_eq!(
            format_with_unit(123_456, Some(Unit::Euros), Lang::Fr),
            "1\u{202f}234,56\u{a0}€"
        );
        assert_eq!(format_with_unit(300, Some(Unit::Nombre), Lang::En), "3");
        assert_eq!(format_number(-5, Lang::Fr), "-0,05");
    }

    #[test]
    fn progress_compares_the_latest_value_with_its_target() {
        let n = |v| MeasureValue::Number(v);
        assert_eq!(progress(Some(1000), None), Progress::NotMeasured);
        assert_eq!(progress(Some(1000), Some(&n(1000))), Progress::Reached);
        assert_eq!(progress(Some(1000), Some(&n(1500))), Progress::Reached);
        assert_eq!(
            progress(Some(1000), Some(&n(250))),
            Progress::OnTheWay { permille: 250 }
        );
        assert_eq!(progress(None, Some(&n(250))), Progress::NoTarget);
        assert_eq!(
            progress(Some(100), Some(&MeasureValue::Text("oui".into()))),
            Progress::NoTarget
        );
    }

    #[test]
    fn next_codes_never_reuse_a_removed_number() {
        assert_eq!(next_code('C', []), "C1");
        assert_eq!(next_code('C', ["C1", "C3"]), "C4");
        assert_eq!(next_code('I', ["I2", "x"]), "I3");
        assert_eq!(numbered_code('C', "C01"), None);
    }
}
