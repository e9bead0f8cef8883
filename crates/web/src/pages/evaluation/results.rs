//! Criteria, indicators and measurements of an evaluation, and the refresh of the
//! automatic ones: each form answers 303, or the page again with its messages.

use super::*;

pub(super) async fn add_criterion(
    State(app): State<App>,
    Path((slug, pid, eid)): Path<(String, i64, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    let d = CriterionDraft {
        text: form.get("text").to_owned(),
        group: form.get("group").to_owned(),
    };
    match app.store.add_criterion(&scope, e.id, &d).await {
        Ok(c) => Ok(here(&slug, pid, eid, &format!("critere-{}", c.id))),
        Err(err) => match WebError::from(err) {
            WebError::Invalid(errors) => {
                let back = Back {
                    criterion: Typed::from(&form, &["text", "group"], &errors),
                    ..Back::default()
                };
                page(
                    &app,
                    &s,
                    &scope,
                    PartnershipId(pid),
                    Some(e.id),
                    back,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            other => Err(other),
        },
    }
}

pub(super) async fn delete_criterion(
    State(app): State<App>,
    Path((slug, pid, eid, cid)): Path<(String, i64, i64, i64)>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    if !e.criteria.iter().any(|c| c.id.0 == cid) {
        return Err(WebError::NotFound);
    }
    app.store.delete_criterion(&scope, CriterionId(cid)).await?;
    Ok(here(&slug, pid, eid, "resultats"))
}

/// Reads an indicator form: kind, unit, source and target, each refused with its field.
pub fn indicator_draft(
    t: &Tr,
    text: &str,
    kind: &str,
    unit: &str,
    source: &str,
    target: &str,
    target_text: &str,
) -> Result<IndicatorDraft, Vec<FieldError>> {
    let mut errors = vec![];
    let kind: Option<IndicatorKind> = kind.trim().parse().ok();
    if kind.is_none() {
        errors.push(FieldError::new(t, "kind", "unknown_code"));
    }
    let unit = match unit.trim() {
        "" => None,
        u => match u.parse::<Unit>() {
            Ok(u) => Some(u),
            Err(_) => {
                errors.push(FieldError::new(t, "unit", "unknown_code"));
                None
            }
        },
    };
    let source = match source.trim() {
        "" => None,
        x => match AutoSource::parse(x) {
            Ok(x) => Some(x),
            Err(_) => {
                errors.push(FieldError::new(t, "source", "unknown_code"));
                None
            }
        },
    };
    let target = match target.trim() {
        "" => None,
        x => match parse_number(x) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(FieldError::new(t, "target", e.code()));
                None
            }
        },
    };
    if text.trim().is_empty() {
        errors.push(FieldError::new(t, "text", "required"));
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok(IndicatorDraft {
            text: text.trim().to_owned(),
            kind,
            // A qualitative indicator shows no unit even if the select kept one.
            unit: unit.filter(|_| kind == IndicatorKind::Quantitatif),
            source,
            target,
            target_text: target_text.trim().to_owned(),
        }),
        _ => Err(errors),
    }
}

pub(super) async fn add_indicator(
    State(app): State<App>,
    Path((slug, pid, eid, cid)): Path<(String, i64, i64, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    if !e.criteria.iter().any(|c| c.id.0 == cid) {
        return Err(WebError::NotFound);
    }
    let keys = ["text", "kind", "unit", "source", "target", "target_text"];
    let result = match indicator_draft(
        &s.t,
        form.get("text"),
        form.get("kind"),
        form.get("unit"),
        form.get("source"),
        form.get("target"),
        form.get("target_text"),
    ) {
        Ok(d) => app
            .store
            .add_indicator(&scope, CriterionId(cid), &d)
            .await
            .map_err(WebError::from),
        Err(errors) => Err(WebError::Invalid(errors)),
    };
    match result {
        Ok(i) => Ok(here(&slug, pid, eid, &format!("indicateur-{}", i.id))),
        Err(WebError::Invalid(errors)) => {
            let back = Back {
                indicator: Some((cid, Typed::from(&form, &keys, &errors))),
                ..Back::default()
            };
            page(
                &app,
                &s,
                &scope,
                PartnershipId(pid),
                Some(e.id),
                back,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// Changes an indicator's text and target (its kind, unit and source stay). A concurrent
/// change is refused with a message beside the form, which shows the saved values again.
pub(super) async fn edit_indicator(
    State(app): State<App>,
    Path((slug, pid, eid, iid)): Path<(String, i64, i64, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    let (_, i) = e.indicator(IndicatorId(iid)).ok_or(WebError::NotFound)?;
    // A form without the kind (sent before it could be changed) keeps kind, unit and source.
    let saved = saved_values(&s.t, i);
    let field = |k: &str| {
        if form.get("kind").is_empty() {
            saved.v(k)
        } else {
            form.get(k)
        }
    };
    let result = match indicator_draft(
        &s.t,
        form.get("text"),
        field("kind"),
        field("unit"),
        field("source"),
        form.get("target"),
        form.get("target_text"),
    ) {
        Ok(d) => app
            .store
            .update_indicator(
                &scope,
                IndicatorId(iid),
                form.get("version").parse().unwrap_or(0),
                &d,
            )
            .await
            .map_err(WebError::from),
        Err(errors) => Err(WebError::Invalid(errors)),
    };
    let (errors, status) = match result {
        Ok(_) => return Ok(here(&slug, pid, eid, &format!("indicateur-{iid}"))),
        Err(WebError::Invalid(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(WebError::Conflict { .. }) => (
            vec![FieldError::new(&s.t, "text", "changed_meanwhile")],
            StatusCode::CONFLICT,
        ),
        Err(other) => return Err(other),
    };
    let keys = ["text", "kind", "unit", "source", "target", "target_text"];
    let typed = if status == StatusCode::CONFLICT {
        // The saved values, so that the person sees what changed before saving again.
        let now = app.store.evaluation(&scope, e.id).await?;
        let (_, saved) = now.indicator(IndicatorId(iid)).ok_or(WebError::NotFound)?;
        Typed {
            errors: errors
                .iter()
                .map(|e| (e.field.clone(), e.message.clone()))
                .collect(),
            ..saved_values(&s.t, saved)
        }
    } else {
        Typed::from(&form, &keys, &errors)
    };
    let back = Back {
        edit: Some((iid, typed)),
        ..Back::default()
    };
    page(
        &app,
        &s,
        &scope,
        PartnershipId(pid),
        Some(e.id),
        back,
        status,
    )
    .await
}

pub(super) async fn delete_indicator(
    State(app): State<App>,
    Path((slug, pid, eid, iid)): Path<(String, i64, i64, i64)>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    if e.indicator(IndicatorId(iid)).is_none() {
        return Err(WebError::NotFound);
    }
    app.store.delete_indicator(&scope, IndicatorId(iid)).await?;
    Ok(here(&slug, pid, eid, "resultats"))
}

/// Reads a measurement typed for an indicator of `kind`, each problem with its field.
pub fn measurement_draft(
    t: &Tr,
    kind: IndicatorKind,
    measured_on: &str,
    value: &str,
    note: &str,
) -> Result<MeasurementDraft, Vec<FieldError>> {
    let mut c = crate::forms::Check::new(t);
    let day = c.date("measured_on", Some(measured_on));
    if measured_on.trim().is_empty() {
        c.fail("measured_on", "required");
    }
    let value = match parse_value(kind, value) {
        Ok(v) => Some(v),
        Err(e) => {
            c.fail("value", e.code());
            None
        }
    };
    match (day, value) {
        (Some(measured_on), Some(value)) if c.errors.is_empty() => Ok(MeasurementDraft {
            measured_on,
            value,
            note: note.trim().to_owned(),
            filled_by: FilledBy::Structure,
        }),
        _ => Err(c.errors),
    }
}

pub(super) async fn add_measurement(
    State(app): State<App>,
    Path((slug, pid, eid, iid)): Path<(String, i64, i64, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    let kind = e
        .indicator(IndicatorId(iid))
        .ok_or(WebError::NotFound)?
        .1
        .data
        .kind;
    let result = match measurement_draft(
        &s.t,
        kind,
        form.get("measured_on"),
        form.get("value"),
        form.get("note"),
    ) {
        Ok(d) => app
            .store
            .add_measurement(&scope, IndicatorId(iid), &d)
            .await
            .map_err(WebError::from),
        Err(errors) => Err(WebError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(here(&slug, pid, eid, &format!("indicateur-{iid}"))),
        Err(WebError::Invalid(errors)) => {
            let back = Back {
                measure: Some((
                    iid,
                    Typed::from(&form, &["measured_on", "value", "note"], &errors),
                )),
                ..Back::default()
            };
            page(
                &app,
                &s,
                &scope,
                PartnershipId(pid),
                Some(e.id),
                back,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// "Actualiser": measures every automatic indicator today from the partnership's data.
pub(super) async fn refresh(
    State(app): State<App>,
    Path((slug, pid, eid)): Path<(String, i64, i64)>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let e = owned(&app, &scope, pid, eid).await?;
    let n = app
        .store
        .refresh_automatic(&scope, e.id, Utc::now().date_naive())
        .await?;
    Ok(Redirect::to(&format!(
        "/espaces/{slug}/partenariats/{pid}/evaluation?e={eid}&actualise={n}#resultats"
    ))
    .into_response())
}
