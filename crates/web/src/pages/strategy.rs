//! The strategy page of a workspace (`/espaces/{slug}/strategie`): the suggestions computed
//! from the inventory, the guided canvas of the eight questions (001:549-556), the
//! strategic priorities, the action plan and the history of all of it.
//!
//! Every form posts here and comes back to the same page: a valid one answers 303, a
//! refused one re-renders the page with the messages beside their fields (422), and a
//! save based on a stale version shows both values and lets the person choose (409).

use askama::Template;
use axum::{
    Router,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use partinnov_domain::{
    strategy::{ActionStatus, StrategyQuestion},
    typology::Priority,
};
use partinnov_store::{
    PartnershipId, StoreError, WorkspaceScope,
    actions::PlanAction,
    partnerships::{PartnershipQuery, PartnershipSort},
    strategy::{AnswerEdit, Strategy, StrategyDraft},
};

use crate::{
    App,
    api::Params,
    auth::{CsrfForm, FormData, Session},
    error::{FieldError, WebError, WebResult},
    forms::ActionInput,
    i18n::Tr,
    options,
    pages::{Chrome, Errors, partnerships::Conflict, render_with},
    strategy::{help, links, question, reason},
};

mod actions;

pub fn router() -> Router<App> {
    use actions::{create_action, delete_action, set_status, update_action};
    Router::new()
        .route("/espaces/{slug}/strategie", get(show))
        .route("/espaces/{slug}/strategie/reponses", post(save_answers))
        .route("/espaces/{slug}/strategie/priorites", post(save_priorities))
        .route("/espaces/{slug}/strategie/actions", post(create_action))
        .route(
            "/espaces/{slug}/strategie/actions/{id}",
            post(update_action),
        )
        .route(
            "/espaces/{slug}/strategie/actions/{id}/statut",
            post(set_status),
        )
        .route(
            "/espaces/{slug}/strategie/actions/{id}/supprimer",
            post(delete_action),
        )
        .route(
            "/espaces/{slug}/strategie/partenariats/{id}/priorite",
            post(set_partnership_priority),
        )
}

/// One question of the canvas as shown.
pub struct QuestionView {
    pub code: String,
    pub number: u8,
    pub text: String,
    pub help: String,
    pub answer: String,
    pub version: i64,
    /// "Claire Martin, 12/03/2026 14:05", or empty.
    pub updated: String,
    /// When someone saved this question meanwhile: their text.
    pub theirs: Option<String>,
}

pub struct SuggestionView {
    pub rule: String,
    pub reason: String,
    pub links: Vec<(String, String)>,
    pub partnership: Option<i64>,
}

/// The suggestions of one rule: the first few shown, the others folded away.
pub struct SuggestionGroup {
    pub rule: String,
    pub label: String,
    pub items: Vec<SuggestionView>,
    pub more: Vec<SuggestionView>,
}

impl SuggestionGroup {
    pub fn more_label(&self, t: &Tr) -> String {
        t.f("strategy.more", &[("n", &self.more.len().to_string())])
    }
}

/// Suggestions of one rule shown before "n more": a long list hides the first rules' point.
const SHOWN_PER_RULE: usize = 3;

pub struct ActionLine {
    pub id: i64,
    pub version: i64,
    pub title: String,
    pub partnership: Option<(String, String)>,
    pub owner: String,
    pub due: String,
    pub status: String,
    pub status_label: String,
    pub late: bool,
    pub note: String,
}

/// The action form as typed, kept when it is refused.
#[derive(Default, Clone)]
pub struct ActionForm {
    pub id: Option<i64>,
    pub version: i64,
    pub title: String,
    pub partnership_id: String,
    pub owner_id: String,
    pub due_on: String,
    pub status: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "strategy.html")]
struct StrategyPage {
    c: Chrome,
    suggestions: Vec<SuggestionGroup>,
    questions: Vec<QuestionView>,
    answer_errors: Errors,
    answers_conflict: bool,
    strategy_version: i64,
    priorities: Vec<String>,
    priorities_text: String,
    priorities_theirs: Option<Vec<String>>,
    priority_errors: Errors,
    actions: Vec<ActionLine>,
    action: ActionForm,
    action_errors: Errors,
    action_conflict: Vec<Conflict>,
    partnerships: Vec<(String, String)>,
    members: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    partnership_priorities: Vec<(String, String)>,
    history: Vec<(String, Vec<String>)>,
}

/// What a refused or conflicting post puts back on the page.
#[derive(Default)]
struct Typed {
    answers: Vec<(StrategyQuestion, String, i64)>,
    answer_errors: Vec<FieldError>,
    conflicts: Vec<(StrategyQuestion, String)>,
    priorities: Option<String>,
    priorities_theirs: Option<Vec<String>>,
    priorities_version: Option<i64>,
    priority_errors: Vec<FieldError>,
    action: Option<ActionForm>,
    action_errors: Vec<FieldError>,
    action_conflict: Vec<Conflict>,
}

async fn show(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let params = Params::from_query(raw.as_deref());
    let mut typed = Typed::default();
    if let Some(id) = params.get("modifier").and_then(|v| v.parse::<i64>().ok()) {
        let a = app.store.plan_action(&scope, id).await?;
        typed.action = Some(action_form(&a));
    }
    page(&app, &s, &scope, typed, StatusCode::OK).await
}

fn action_form(a: &PlanAction) -> ActionForm {
    ActionForm {
        id: Some(a.id),
        version: a.version,
        title: a.data.title.clone(),
        partnership_id: a
            .data
            .partnership_id
            .map(|p| p.0.to_string())
            .unwrap_or_default(),
        owner_id: a.data.owner_id.map(|u| u.0.to_string()).unwrap_or_default(),
        due_on: a.data.due_on.map(|d| d.to_string()).unwrap_or_default(),
        status: a.data.status.as_str().to_owned(),
        note: a.data.note.clone(),
    }
}

fn updated(t: &Tr, who: &Option<String>, at: &Option<chrono::DateTime<chrono::Utc>>) -> String {
    match (who, at) {
        (Some(w), Some(at)) => t.f(
            "strategy.updated",
            &[("who", w.as_str()), ("when", &t.datetime(at))],
        ),
        _ => String::new(),
    }
}

async fn page(
    app: &App,
    s: &Session,
    scope: &WorkspaceScope,
    typed: Typed,
    status: StatusCode,
) -> WebResult<Response> {
    let t = s.t;
    let slug = scope.slug.as_str();
    let strategy: Strategy = app.store.strategy(scope).await?;
    let questions = StrategyQuestion::ALL
        .iter()
        .map(|q| {
            let saved = strategy.answer(*q);
            let mine = typed.answers.iter().find(|(x, _, _)| x == q);
            QuestionView {
                code: q.as_str().to_owned(),
                number: q.number(),
                text: question(&t, *q).to_owned(),
                help: help(&t, *q).to_owned(),
                answer: mine.map_or_else(
                    || saved.map(|a| a.text.clone()).unwrap_or_default(),
                    |m| m.1.clone(),
                ),
                version: mine.map_or_else(|| saved.map_or(0, |a| a.version), |m| m.2),
                updated: saved
                    .map(|a| updated(&t, &a.updated_by, &a.updated_at))
                    .unwrap_or_default(),
                theirs: typed
                    .conflicts
                    .iter()
                    .find(|(x, _)| x == q)
                    .map(|(_, theirs)| theirs.clone()),
            }
        })
        .collect();
    let mut suggestions: Vec<SuggestionGroup> = vec![];
    for x in app.store.suggestions(scope).await? {
        let view = SuggestionView {
            rule: x.rule.as_str().to_owned(),
            reason: reason(&t, &x),
            links: links(&t, slug, &x),
            partnership: x.partnership,
        };
        match suggestions.last_mut() {
            Some(g) if g.rule == view.rule => {
                if g.items.len() < SHOWN_PER_RULE {
                    g.items.push(view);
                } else {
                    g.more.push(view);
                }
            }
            _ => suggestions.push(SuggestionGroup {
                rule: view.rule.clone(),
                label: x.rule.label(t.lang).to_owned(),
                items: vec![view],
                more: vec![],
            }),
        }
    }
    let actions = app
        .store
        .plan_actions(scope)
        .await?
        .iter()
        .map(|a| ActionLine {
            id: a.id,
            version: a.version,
            title: a.data.title.clone(),
            partnership: a
                .data
                .partnership_id
                .zip(a.partnership_title.clone())
                .map(|(id, title)| (format!("/espaces/{slug}/partenariats/{id}"), title)),
            owner: a.owner_name.clone().unwrap_or_default(),
            due: t.opt_date(&a.data.due_on),
            status: a.data.status.as_str().to_owned(),
            status_label: a.data.status.label(t.lang).to_owned(),
            late: a.late,
            note: a.data.note.clone(),
        })
        .collect();
    let partnerships = app
        .store
        .partnerships(
            scope,
            &PartnershipQuery {
                sort: PartnershipSort::Title,
                per_page: 500,
                ..Default::default()
            },
        )
        .await?
        .items
        .into_iter()
        .map(|p| (p.id.0.to_string(), p.data.title))
        .collect();
    let members = app
        .store
        .members(scope)
        .await?
        .into_iter()
        .map(|m| (m.user_id.to_string(), m.name))
        .collect();
    let history = app
        .store
        .strategy_history(scope, 30)
        .await?
        .into_iter()
        .map(|e| (t.datetime(&e.at), describe(&t, &e)))
        .collect();
    let page = StrategyPage {
        c: Chrome::new(&app.store, s, Some(scope), t.t("strategy.title")).await?,
        suggestions,
        questions,
        answer_errors: Errors::from(&typed.answer_errors),
        answers_conflict: !typed.conflicts.is_empty(),
        strategy_version: typed.priorities_version.unwrap_or(strategy.version),
        priorities_text: typed
            .priorities
            .unwrap_or_else(|| strategy.priorities.join("\n")),
        priorities: strategy.priorities,
        priorities_theirs: typed.priorities_theirs,
        priority_errors: Errors::from(&typed.priority_errors),
        actions,
        action: typed.action.unwrap_or_else(|| ActionForm {
            status: ActionStatus::AFaire.as_str().to_owned(),
            ..Default::default()
        }),
        action_errors: Errors::from(&typed.action_errors),
        action_conflict: typed.action_conflict,
        partnerships,
        members,
        statuses: options!(ActionStatus, t.lang),
        partnership_priorities: options!(Priority, t.lang),
        history,
    };
    Ok(render_with(status, &page))
}

/// A change to the canvas or the plan as a sentence.
fn describe(t: &Tr, e: &partinnov_store::audit::AuditEvent) -> Vec<String> {
    let who = e
        .user_name
        .clone()
        .unwrap_or_else(|| t.t("history.someone").to_owned());
    let json = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
    };
    let after = json(&e.after_json);
    let before = json(&e.before_json);
    let get = |v: &Option<serde_json::Value>, k: &str| {
        v.as_ref()
            .and_then(|v| v.get(k))
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_owned()
    };
    match e.entity.as_str() {
        "strategy_answer" => {
            let q = get(&after, "question");
            let label = q
                .parse::<StrategyQuestion>()
                .map(|q| format!("{}. {}", q.number(), q.label(t.lang)))
                .unwrap_or(q);
            vec![t.f(
                "strategy.history_answer",
                &[("who", who.as_str()), ("question", &label)],
            )]
        }
        "strategy_priorities" => {
            let list = after
                .as_ref()
                .and_then(|v| v.get("priorities"))
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(" ; ")
                })
                .unwrap_or_default();
            vec![t.f(
                "strategy.history_priorities",
                &[("who", who.as_str()), ("list", &list)],
            )]
        }
        _ => {
            let title = match get(&after, "title") {
                x if x.is_empty() => get(&before, "title"),
                x => x,
            };
            let status = get(&after, "status")
                .parse::<ActionStatus>()
                .map(|s| s.label(t.lang).to_owned())
                .unwrap_or_default();
            vec![t.f(
                &format!("strategy.history_action_{}", e.action),
                &[
                    ("who", who.as_str()),
                    ("title", &title),
                    ("status", &status),
                ],
            )]
        }
    }
}

/// Saves every answer of the form, or only the question whose button was pressed.
async fn save_answers(
    State(app): State<App>,
    Path(slug): Path<String>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let only = form
        .opt("only")
        .and_then(|c| c.parse::<StrategyQuestion>().ok());
    let typed: Vec<(StrategyQuestion, String, i64)> = StrategyQuestion::ALL
        .iter()
        .filter(|q| {
            form.0
                .iter()
                .any(|(k, _)| *k == format!("answer_{}", q.as_str()))
        })
        .map(|q| {
            let code = q.as_str();
            (
                *q,
                form.get(&format!("answer_{code}")).to_owned(),
                form.get(&format!("version_{code}")).parse().unwrap_or(0),
            )
        })
        .collect();
    let edits: Vec<AnswerEdit> = typed
        .iter()
        .filter(|(q, _, _)| only.is_none_or(|o| o == *q))
        .map(|(q, text, version)| AnswerEdit {
            question: *q,
            text: text.clone(),
            version: *version,
        })
        .collect();
    let anchor = only.map_or("canevas".to_owned(), |q| format!("q-{}", q.as_str()));
    match app.store.save_answers(&scope, &edits).await {
        Ok(_) => Ok(Redirect::to(&format!("/espaces/{slug}/strategie#{anchor}")).into_response()),
        Err(StoreError::Conflict { .. }) => {
            // Someone saved meanwhile: each question whose text differs from what is now
            // stored and whose version moved shows both texts; the form carries the
            // current version, so saving again keeps the person's text.
            let now = app.store.strategy(&scope).await?;
            let mut conflicts = vec![];
            let mut answers = typed.clone();
            for (q, text, version) in answers.iter_mut() {
                let Some(saved) = now.answer(*q) else {
                    continue;
                };
                let edited = edits.iter().any(|e| e.question == *q);
                if edited && saved.text != text.trim() && saved.version != *version {
                    conflicts.push((*q, saved.text.clone()));
                    *version = saved.version;
                }
            }
            tracing::info!(workspace = %slug, "concurrent edit of the strategy detected");
            let typed = Typed {
                answers,
                conflicts,
                ..Default::default()
            };
            page(&app, &s, &scope, typed, StatusCode::CONFLICT).await
        }
        Err(e) => match WebError::from(e) {
            WebError::Invalid(errors) => {
                let typed = Typed {
                    answers: typed,
                    answer_errors: errors,
                    ..Default::default()
                };
                page(&app, &s, &scope, typed, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            other => Err(other),
        },
    }
}

async fn save_priorities(
    State(app): State<App>,
    Path(slug): Path<String>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let text = form.get("priorities").to_owned();
    let list: Vec<String> = text.lines().map(str::to_owned).collect();
    let version = form.get("version").parse().unwrap_or(0);
    let draft = StrategyDraft {
        answers: vec![],
        priorities: Some(list.clone()),
    };
    match app.store.save_strategy(&scope, version, &draft).await {
        Ok(_) => Ok(Redirect::to(&format!("/espaces/{slug}/strategie#priorites")).into_response()),
        Err(StoreError::Conflict { current }) => {
            let now = app.store.strategy(&scope).await?;
            let mine: Vec<String> = partinnov_store::strategy::clean_priorities(&list)?;
            if now.priorities == mine {
                // Someone else changed an answer meanwhile; the list is already this one.
                return Ok(
                    Redirect::to(&format!("/espaces/{slug}/strategie#priorites")).into_response(),
                );
            }
            let typed = Typed {
                priorities: Some(text),
                priorities_theirs: Some(now.priorities),
                priorities_version: Some(current),
                ..Default::default()
            };
            page(&app, &s, &scope, typed, StatusCode::CONFLICT).await
        }
        Err(e) => match WebError::from(e) {
            WebError::Invalid(errors) => {
                let typed = Typed {
                    priorities: Some(text),
                    priority_errors: errors,
                    ..Default::default()
                };
                page(&app, &s, &scope, typed, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            other => Err(other),
        },
    }
}

/// Sets a partnership's priority from a suggestion ("se donner des priorités", 003).
async fn set_partnership_priority(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let p = app.store.partnership(&scope, PartnershipId(id)).await?;
    let priority = match form.get("priority") {
        "" => None,
        v => Some(v.parse::<Priority>().map_err(|_| {
            WebError::Invalid(vec![FieldError::new(&s.t, "priority", "unknown_code")])
        })?),
    };
    let mut d = p.data.clone();
    d.priority = priority;
    app.store
        .update_partnership(&scope, p.id, p.version, &d)
        .await?;
    Ok(Redirect::to(&format!("/espaces/{slug}/strategie#suggestions")).into_response())
}
