//! A workspace's partnership strategy: the answers to the eight questions of the guide
//! (001:549-556), the ordered strategic priorities, the suggestions computed from the
//! inventory (`domain::strategy::suggestions`) and the history of the canvas. The action
//! plan lives in [`crate::actions`].
//!
//! Two grains of concurrency: each answer has its own version (the page saves one question
//! or all of them, and only a question someone else changed meanwhile conflicts), and the
//! strategy as a whole has one (the API's `If-Match`, the priorities form), bumped by every
//! write.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use partinnov_domain::strategy::{
    ANSWER_MAX_CHARS, PRIORITIES_MAX, StrategyQuestion, TITLE_MAX_CHARS,
    suggestions::{Inventory, Suggestion, suggest},
};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::{
    Store, StoreError, WorkspaceScope,
    audit::{Action, AuditEvent, Record},
    db,
    error::Result,
    partnerships::today,
};

mod inventory;

/// The answer to one question. `version` is 0 while the question was never answered.
#[derive(Debug, Clone, Serialize)]
pub struct StrategyAnswer {
    pub question: StrategyQuestion,
    pub text: String,
    pub version: i64,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The whole canvas: the eight answers in the guide's order and the priorities, rank 1
/// first. `version` is 0 before the first write.
#[derive(Debug, Clone, Serialize)]
pub struct Strategy {
    pub version: i64,
    pub answers: Vec<StrategyAnswer>,
    pub priorities: Vec<String>,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl Strategy {
    pub fn answer(&self, q: StrategyQuestion) -> Option<&StrategyAnswer> {
        self.answers.iter().find(|a| a.question == q)
    }
}

/// One answer as the page sends it, with the version it was read at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerEdit {
    pub question: StrategyQuestion,
    pub text: String,
    pub version: i64,
}

/// A write of the canvas as a whole (the API): answers to change (others are kept) and,
/// when given, the new list of priorities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrategyDraft {
    pub answers: Vec<(StrategyQuestion, String)>,
    pub priorities: Option<Vec<String>>,
}

/// What the audit trail keeps of an answer.
#[derive(Serialize)]
struct AnswerSnapshot<'a> {
    question: &'a str,
    text: &'a str,
}

#[derive(Serialize, PartialEq, Eq)]
struct PrioritiesSnapshot {
    priorities: Vec<String>,
}

#[derive(FromQueryResult)]
struct AnswerRow {
    question: String,
    text: String,
    version: i64,
    updated_by: Option<String>,
    updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct HeadRow {
    version: i64,
    updated_by: Option<String>,
    updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct TextRow {
    text: String,
}

fn check_answer(text: &str) -> Result<()> {
    if text.chars().count() > ANSWER_MAX_CHARS {
        return Err(StoreError::Invalid {
            field: "answers",
            code: "answer_too_long",
        });
    }
    Ok(())
}

/// Trimmed, blank lines dropped; at most [`PRIORITIES_MAX`] of at most [`TITLE_MAX_CHARS`].
pub fn clean_priorities(list: &[String]) -> Result<Vec<String>> {
    let out: Vec<String> = list
        .iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    if out.len() > PRIORITIES_MAX {
        return Err(StoreError::Invalid {
            field: "priorities",
            code: "too_many_priorities",
        });
    }
    if out.iter().any(|p| p.chars().count() > TITLE_MAX_CHARS) {
        return Err(StoreError::Invalid {
            field: "priorities",
            code: "too_long",
        });
    }
    Ok(out)
}

async fn read_priorities(c: &impl ConnectionTrait, scope: &WorkspaceScope) -> Result<Vec<String>> {
    let rows: Vec<TextRow> = db::all(
        c,
        "SELECT text FROM strategy_priorities WHERE workspace_id = $1 ORDER BY rank, id",
        vec![scope.workspace_id.0.into()],
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.text).collect())
}

/// Writes one answer in an open transaction, with its audit event. With `expected`, the
/// answer must still be at that version (0: never answered) unless its text is already
/// the one sent. Returns whether anything changed.
async fn write_answer(
    c: &impl ConnectionTrait,
    scope: &WorkspaceScope,
    question: StrategyQuestion,
    text: &str,
    expected: Option<i64>,
) -> Result<bool> {
    #[derive(FromQueryResult)]
    struct Current {
        id: i64,
        text: String,
        version: i64,
    }
    let text = text.trim();
    check_answer(text)?;
    let ws = scope.workspace_id.0;
    let current: Option<Current> = db::one(
        c,
        "SELECT id, text, version FROM strategy_answers WHERE workspace_id = $1 AND question = $2",
        vec![ws.into(), question.as_str().into()],
    )
    .await?;
    let now = db::now();
    match current {
        Some(cur) if cur.text == text => Ok(false),
        Some(cur) => {
            if expected.is_some_and(|v| v != cur.version) {
                return Err(StoreError::Conflict {
                    current: cur.version,
                });
            }
            let n = db::exec(
                c,
                "UPDATE strategy_answers SET text = $1, updated_by = $2, updated_at = $3, version = version + 1 \
                 WHERE id = $4 AND workspace_id = $5 AND version = $6",
                vec![
                    text.into(),
                    scope.user_id.0.into(),
                    now.into(),
                    cur.id.into(),
                    ws.into(),
                    cur.version.into(),
                ],
            )
            .await?;
            if n == 0 {
                return Err(StoreError::Conflict {
                    current: cur.version + 1,
                });
            }
            let before = AnswerSnapshot {
                question: question.as_str(),
                text: &cur.text,
            };
            let after = AnswerSnapshot {
                question: question.as_str(),
                text,
            };
            audit_answer(c, scope, cur.id, Some(&before), &after).await?;
            Ok(true)
        }
        None if text.is_empty() => Ok(false),
        None => {
            if expected.is_some_and(|v| v != 0) {
                return Err(StoreError::Conflict { current: 0 });
            }
            // Two first answers at once: the second finds the row taken and conflicts.
            let id = db::insert_id(
                c,
                "INSERT INTO strategy_answers (workspace_id, question, text, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (workspace_id, question) DO NOTHING RETURNING id",
                vec![
                    ws.into(),
                    question.as_str().into(),
                    text.into(),
                    scope.user_id.0.into(),
                    now.into(),
                ],
            )
            .await
            .map_err(|e| match e {
                StoreError::Database(sea_orm::DbErr::RecordNotInserted) => {
                    StoreError::Conflict { current: 1 }
                }
                e => e,
            })?;
            let after = AnswerSnapshot {
                question: question.as_str(),
                text,
            };
            audit_answer(c, scope, id, None, &after).await?;
            Ok(true)
        }
    }
}

async fn audit_answer(
    c: &impl ConnectionTrait,
    scope: &WorkspaceScope,
    id: i64,
    before: Option<&AnswerSnapshot<'_>>,
    after: &AnswerSnapshot<'_>,
) -> Result<()> {
    crate::audit::record(
        c,
        Record {
            workspace: Some(scope.workspace_id),
            user: Some(scope.user_id),
            entity: "strategy_answer",
            entity_id: id,
            action: if before.is_some() {
                Action::Update
            } else {
                Action::Create
            },
            before,
            after: Some(after),
        },
    )
    .await
}

/// Replaces the priorities when they differ, with an audit event. Returns whether they did.
async fn write_priorities(
    c: &impl ConnectionTrait,
    scope: &WorkspaceScope,
    list: &[String],
) -> Result<bool> {
    let before = PrioritiesSnapshot {
        priorities: read_priorities(c, scope).await?,
    };
    let after = PrioritiesSnapshot {
        priorities: list.to_vec(),
    };
    if before == after {
        return Ok(false);
    }
    let ws = scope.workspace_id.0;
    db::exec(
        c,
        "DELETE FROM strategy_priorities WHERE workspace_id = $1",
        vec![ws.into()],
    )
    .await?;
    for (i, text) in list.iter().enumerate() {
        db::exec(
            c,
            "INSERT INTO strategy_priorities (workspace_id, rank, text) VALUES ($1, $2, $3)",
            vec![
                ws.into(),
                i32::try_from(i + 1).unwrap_or(i32::MAX).into(),
                text.clone().into(),
            ],
        )
        .await?;
    }
    crate::audit::record(
        c,
        Record {
            workspace: Some(scope.workspace_id),
            user: Some(scope.user_id),
            entity: "strategy_priorities",
            entity_id: ws,
            action: Action::Update,
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    Ok(true)
}

/// Moves the strategy's version on: from `expected` only when given (else from whatever it
/// is). `Conflict` with the version it is at when it moved meanwhile.
async fn bump(
    c: &impl ConnectionTrait,
    scope: &WorkspaceScope,
    expected: Option<i64>,
) -> Result<()> {
    let ws = scope.workspace_id.0;
    let (user, now) = (scope.user_id.0, db::now());
    let n = match expected {
        None => {
            db::exec(
                c,
                "INSERT INTO strategies (workspace_id, updated_by, updated_at, version) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT (workspace_id) DO UPDATE SET updated_by = excluded.updated_by, updated_at = excluded.updated_at, \
                 version = strategies.version + 1",
                vec![ws.into(), user.into(), now.into()],
            )
            .await?
        }
        Some(0) => {
            db::exec(
                c,
                "INSERT INTO strategies (workspace_id, updated_by, updated_at, version) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT (workspace_id) DO NOTHING",
                vec![ws.into(), user.into(), now.into()],
            )
            .await?
        }
        Some(v) => {
            db::exec(
                c,
                "UPDATE strategies SET updated_by = $1, updated_at = $2, version = version + 1 WHERE workspace_id = $3 AND version = $4",
                vec![user.into(), now.into(), ws.into(), v.into()],
            )
            .await?
        }
    };
    if n == 0 {
        return Err(StoreError::Conflict {
            current: strategy_version(c, scope).await?,
        });
    }
    Ok(())
}

async fn strategy_version(c: &impl ConnectionTrait, scope: &WorkspaceScope) -> Result<i64> {
    db::scalar(
        c,
        "SELECT version FROM strategies WHERE workspace_id = $1",
        vec![scope.workspace_id.0.into()],
    )
    .await
}

impl Store {
    /// The canvas of the scope's workspace (readers too).
    pub async fn strategy(&self, scope: &WorkspaceScope) -> Result<Strategy> {
        read_strategy(&self.db, scope).await
    }

    /// Saves answers from the page, each against the version it was read at. An answer
    /// whose text is unchanged is left alone whatever its version; if any other is stale,
    /// nothing is saved and the error carries that answer's current version.
    pub async fn save_answers(
        &self,
        scope: &WorkspaceScope,
        edits: &[AnswerEdit],
    ) -> Result<Strategy> {
        scope.require_write()?;
        for e in edits {
            check_answer(e.text.trim())?;
        }
        let txn = self.write().await?;
        let mut changed = false;
        for e in edits {
            changed |= write_answer(&txn, scope, e.question, &e.text, Some(e.version)).await?;
        }
        if changed {
            bump(&txn, scope, None).await?;
        }
        let saved = read_strategy(&txn, scope).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Saves the canvas as a whole if it is still at `version` (0 before the first write);
    /// otherwise `Conflict` and nothing changes. Answers not named are kept.
    pub async fn save_strategy(
        &self,
        scope: &WorkspaceScope,
        version: i64,
        d: &StrategyDraft,
    ) -> Result<Strategy> {
        scope.require_write()?;
        for (_, text) in &d.answers {
            check_answer(text.trim())?;
        }
        let priorities = d.priorities.as_deref().map(clean_priorities).transpose()?;
        let txn = self.write().await?;
        let current = strategy_version(&txn, scope).await?;
        if current != version {
            return Err(StoreError::Conflict { current });
        }
        let mut changed = false;
        for (q, text) in &d.answers {
            changed |= write_answer(&txn, scope, *q, text, None).await?;
        }
        if let Some(list) = &priorities {
            changed |= write_priorities(&txn, scope, list).await?;
        }
        if changed {
            bump(&txn, scope, Some(version)).await?;
        }
        let saved = read_strategy(&txn, scope).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Changes to the canvas and the action plan, newest first.
    pub async fn strategy_history(
        &self,
        scope: &WorkspaceScope,
        limit: u32,
    ) -> Result<Vec<AuditEvent>> {
        db::all(
            &self.db,
            "SELECT a.id, a.entity, a.entity_id, a.action, a.user_id, u.name AS user_name, a.before_json, a.after_json, a.at \
             FROM audit_events a LEFT JOIN users u ON u.id = a.user_id \
             WHERE a.workspace_id = $1 AND a.entity IN ('strategy_answer', 'strategy_priorities', 'plan_action') \
             ORDER BY a.id DESC LIMIT $2",
            vec![scope.workspace_id.0.into(), i64::from(limit.clamp(1, 500)).into()],
        )
        .await
    }

    /// The suggestions for the scope's workspace, most useful first.
    pub async fn suggestions(&self, scope: &WorkspaceScope) -> Result<Vec<Suggestion>> {
        Ok(suggest(&self.strategy_inventory(scope).await?))
    }

    /// The workspace's inventory as the suggestion rules read it: live partnerships with
    /// their partners, forms, flows by kind and year, outcome counts by kind.
    pub async fn strategy_inventory(&self, scope: &WorkspaceScope) -> Result<Inventory> {
        inventory::inventory(&self.db, scope, today()).await
    }
}

async fn read_strategy(c: &impl ConnectionTrait, scope: &WorkspaceScope) -> Result<Strategy> {
    let ws = scope.workspace_id.0;
    let head: Option<HeadRow> = db::one(
        c,
        "SELECT s.version, u.name AS updated_by, s.updated_at FROM strategies s LEFT JOIN users u ON u.id = s.updated_by \
         WHERE s.workspace_id = $1",
        vec![ws.into()],
    )
    .await?;
    let rows: Vec<AnswerRow> = db::all(
        c,
        "SELECT a.question, a.text, a.version, u.name AS updated_by, a.updated_at FROM strategy_answers a \
         LEFT JOIN users u ON u.id = a.updated_by WHERE a.workspace_id = $1",
        vec![ws.into()],
    )
    .await?;
    let mut by_code: HashMap<String, AnswerRow> =
        rows.into_iter().map(|r| (r.question.clone(), r)).collect();
    let answers = StrategyQuestion::ALL
        .iter()
        .map(|q| match by_code.remove(q.as_str()) {
            Some(r) => StrategyAnswer {
                question: *q,
                text: r.text,
                version: r.version,
                updated_by: r.updated_by,
                updated_at: Some(r.updated_at),
            },
            None => StrategyAnswer {
                question: *q,
                text: String::new(),
                version: 0,
                updated_by: None,
                updated_at: None,
            },
        })
        .collect();
    Ok(Strategy {
        version: head.as_ref().map_or(0, |h| h.version),
        updated_by: head.as_ref().and_then(|h| h.updated_by.clone()),
        updated_at: head.map(|h| h.updated_at),
        answers,
        priorities: read_priorities(c, scope).await?,
    })
}
