//! The evaluation types the store reads and writes.

use super::*;

/// A criterion or an indicator, to find its workspace.
#[derive(Debug, Clone, Copy)]
pub enum EvaluationPart {
    Criterion(CriterionId),
    Indicator(IndicatorId),
}

/// A template offered to a workspace: built in, or imported by the workspace.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateEntry {
    #[serde(flatten)]
    pub template: Template,
    pub builtin: bool,
}

/// The answer to a guiding question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub text: String,
    /// Who wrote it: always the structure until partners are invited (issue 4).
    #[serde(default = "structure")]
    pub filled_by: FilledBy,
}

fn structure() -> FilledBy {
    FilledBy::Structure
}

/// What the step form changes: the title, the status and the answers by question code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationDraft {
    pub title: String,
    pub status: EvaluationStatus,
    pub answers: BTreeMap<String, Answer>,
}

/// The key of the invited partner's own answer to a question: `{code}@partenaire`, beside
/// the structure's answer under `{code}`.
pub fn partner_key(code: &str) -> String {
    format!("{code}@partenaire")
}

impl EvaluationDraft {
    /// The answer to question `code`, or "".
    pub fn answer(&self, code: &str) -> &str {
        self.answers.get(code).map_or("", |a| a.text.as_str())
    }

    /// The invited partner's answer to question `code`, or "".
    pub fn partner_answer(&self, code: &str) -> &str {
        self.answers
            .get(&partner_key(code))
            .map_or("", |a| a.text.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub id: EvaluationId,
    pub version: i64,
    pub partnership_id: PartnershipId,
    /// The template as it was when the evaluation started: its questions stay put even
    /// if the workspace's template changes later.
    pub template: Template,
    #[serde(flatten)]
    pub data: EvaluationDraft,
    pub started_on: NaiveDate,
    pub updated_at: DateTime<Utc>,
    pub criteria: Vec<Criterion>,
}

impl Evaluation {
    pub fn indicator(&self, id: IndicatorId) -> Option<(&Criterion, &Indicator)> {
        self.criteria
            .iter()
            .flat_map(|c| c.indicators.iter().map(move |i| (c, i)))
            .find(|(_, i)| i.id == id)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EvaluationSummary {
    pub id: EvaluationId,
    pub version: i64,
    pub title: String,
    pub status: EvaluationStatus,
    pub template_code: String,
    pub started_on: NaiveDate,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionDraft {
    pub text: String,
    pub group: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub id: CriterionId,
    pub version: i64,
    /// `C1`, `C2`…: given once, never reused.
    pub code: String,
    #[serde(flatten)]
    pub data: CriterionDraft,
    pub indicators: Vec<Indicator>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorDraft {
    pub text: String,
    pub kind: IndicatorKind,
    pub unit: Option<Unit>,
    /// Measured from the partnership's data; `None` for a manual indicator.
    pub source: Option<AutoSource>,
    /// Quantitative target in hundredths (a threshold to reach).
    pub target: Option<i64>,
    /// A qualitative target, or a word on the numeric one.
    pub target_text: String,
}

impl IndicatorDraft {
    pub(super) fn validate(mut self) -> Result<Self> {
        self.text = self.text.trim().to_owned();
        self.target_text = self.target_text.trim().to_owned();
        if self.text.is_empty() {
            return Err(StoreError::Invalid {
                field: "text",
                code: "required",
            });
        }
        let spec = IndicatorSpec {
            kind: self.kind,
            unit: self.unit,
            source: self.source,
        }
        .check()
        .map_err(|p| match p {
            TemplateProblem::SourceUnit { .. } => StoreError::Invalid {
                field: "unit",
                code: "unit_of_source",
            },
            _ => StoreError::Invalid {
                field: "kind",
                code: "qualitative_with_unit",
            },
        })?;
        if spec.kind == IndicatorKind::Qualitatif && self.target.is_some() {
            return Err(StoreError::Invalid {
                field: "target",
                code: "qualitative_target",
            });
        }
        self.unit = spec.unit;
        Ok(self)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub id: IndicatorId,
    pub version: i64,
    pub criterion_id: CriterionId,
    /// `I1`, `I2`… within its criterion.
    pub code: String,
    #[serde(flatten)]
    pub data: IndicatorDraft,
    /// Oldest first.
    pub measurements: Vec<Measurement>,
}

impl Indicator {
    pub fn latest(&self) -> Option<&Measurement> {
        self.measurements.last()
    }

    pub fn progress(&self) -> Progress {
        progress(self.data.target, self.latest().map(|m| &m.data.value))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasurementDraft {
    pub measured_on: NaiveDate,
    pub value: MeasureValue,
    pub note: String,
    /// Today always the structure: the extension point for the invited partner.
    pub filled_by: FilledBy,
}

#[derive(Debug, Clone, Serialize)]
pub struct Measurement {
    pub id: MeasurementId,
    #[serde(flatten)]
    pub data: MeasurementDraft,
    /// Computed from the partnership's data by "actualiser".
    pub automatic: bool,
    pub author_name: Option<String>,
}
