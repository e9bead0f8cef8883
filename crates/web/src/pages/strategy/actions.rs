//! The action plan's forms: add, edit, change the status, delete. A refused action comes
//! back with each message beside its field; a stale one shows both versions.

use super::*;

/// The action form as typed, and the input it makes (id fields that are not numbers are
/// errors on their field).
fn read_action(form: &FormData, tr: &Tr) -> (ActionForm, ActionInput, Vec<FieldError>) {
    let typed = ActionForm {
        id: None,
        version: form.get("version").parse().unwrap_or(0),
        title: form.get("title").to_owned(),
        partnership_id: form.get("partnership_id").to_owned(),
        owner_id: form.get("owner_id").to_owned(),
        due_on: form.get("due_on").to_owned(),
        status: form.get("status").to_owned(),
        note: form.get("note").to_owned(),
    };
    let mut errors = vec![];
    let mut id = |field: &str, v: &str| match v {
        "" => None,
        v => v.parse::<i64>().ok().or_else(|| {
            errors.push(FieldError::new(tr, field, "invalid_id"));
            None
        }),
    };
    let input = ActionInput {
        title: typed.title.clone(),
        partnership_id: id("partnership_id", &typed.partnership_id),
        owner_id: id("owner_id", &typed.owner_id),
        due_on: Some(typed.due_on.clone()),
        status: Some(typed.status.clone()),
        note: typed.note.clone(),
        version: Some(typed.version),
    };
    (typed, input, errors)
}

pub(super) async fn create_action(
    State(app): State<App>,
    Path(slug): Path<String>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    save_action(&app, &s, &scope, &form, None).await
}

pub(super) async fn update_action(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    app.store.plan_action(&scope, id).await?;
    save_action(&app, &s, &scope, &form, Some(id)).await
}

pub(super) async fn save_action(
    app: &App,
    s: &Session,
    scope: &WorkspaceScope,
    form: &FormData,
    id: Option<i64>,
) -> WebResult<Response> {
    let (mut typed, input, mut errors) = read_action(form, &s.t);
    typed.id = id;
    let draft = match input.to_draft(&s.t) {
        Ok(d) if errors.is_empty() => d,
        Ok(_) => return refused_action(app, s, scope, typed, errors).await,
        Err(more) => {
            errors.extend(more);
            return refused_action(app, s, scope, typed, errors).await;
        }
    };
    let result = match id {
        None => app.store.create_action(scope, &draft).await,
        Some(id) => {
            app.store
                .update_action(scope, id, typed.version, &draft)
                .await
        }
    };
    let slug = &scope.slug;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/espaces/{slug}/strategie#plan")).into_response()),
        Err(StoreError::Conflict { current }) => {
            let saved = app.store.plan_action(scope, id.unwrap_or(0)).await?;
            let t = s.t;
            let mut diff = vec![];
            let mut push = |key: &str, theirs: String, mine: String| {
                if theirs != mine {
                    diff.push(Conflict {
                        field: t.t(key).to_owned(),
                        theirs,
                        mine,
                    });
                }
            };
            push("field.title", saved.data.title.clone(), typed.title.clone());
            push(
                "strategy.due_on",
                saved.data.due_on.map(|d| d.to_string()).unwrap_or_default(),
                typed.due_on.clone(),
            );
            push(
                "field.status",
                saved.data.status.label(t.lang).to_owned(),
                typed
                    .status
                    .parse::<ActionStatus>()
                    .map(|x| x.label(t.lang).to_owned())
                    .unwrap_or_default(),
            );
            push("field.note", saved.data.note.clone(), typed.note.clone());
            typed.version = current;
            let typed = Typed {
                action: Some(typed),
                action_conflict: diff,
                ..Default::default()
            };
            page(app, s, scope, typed, StatusCode::CONFLICT).await
        }
        Err(e) => match WebError::from(e) {
            WebError::Invalid(errors) => refused_action(app, s, scope, typed, errors).await,
            other => Err(other),
        },
    }
}

/// The page again with the action form as typed and its messages beside the fields.
pub(super) async fn refused_action(
    app: &App,
    s: &Session,
    scope: &WorkspaceScope,
    typed: ActionForm,
    errors: Vec<FieldError>,
) -> WebResult<Response> {
    let typed = Typed {
        action: Some(typed),
        action_errors: errors,
        ..Default::default()
    };
    page(app, s, scope, typed, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// Moves an action to another status from the plan's table.
pub(super) async fn set_status(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let a = app.store.plan_action(&scope, id).await?;
    let status: ActionStatus = form
        .get("status")
        .parse()
        .map_err(|_| WebError::Invalid(vec![FieldError::new(&s.t, "status", "unknown_code")]))?;
    let version = form.get("version").parse().unwrap_or(0);
    let mut d = a.data.clone();
    d.status = status;
    match app.store.update_action(&scope, id, version, &d).await {
        Ok(_) => Ok(Redirect::to(&format!("/espaces/{slug}/strategie#plan")).into_response()),
        Err(StoreError::Conflict { .. }) => {
            // Someone changed it meanwhile: show the plan as it is now, with a notice.
            let typed = Typed {
                action: Some(action_form(&app.store.plan_action(&scope, id).await?)),
                action_conflict: vec![Conflict {
                    field: s.t.t("field.status").to_owned(),
                    theirs: a.data.status.label(s.t.lang).to_owned(),
                    mine: status.label(s.t.lang).to_owned(),
                }],
                ..Default::default()
            };
            page(&app, &s, &scope, typed, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn delete_action(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let version = form.get("version").parse().ok();
    app.store.delete_action(&scope, id, version).await?;
    Ok(Redirect::to(&format!("/espaces/{slug}/strategie#plan")).into_response())
}
