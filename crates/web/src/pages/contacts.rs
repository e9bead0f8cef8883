//! Contacts of a workspace: people at partner organisations. Personal data: scoped to the
//! workspace, and a deleted contact leaves no name in the history.

use askama::Template;
use axum::{
    Router,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use partinnov_store::{ContactId, WorkspaceScope};

use crate::{
    App,
    api::Params,
    auth::{CsrfForm, Session},
    error::{FieldError, WebResult},
    forms::ContactInput,
    pages::{Chrome, Errors, render, render_with},
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/espaces/{slug}/contacts", get(list).post(create))
        .route("/espaces/{slug}/contacts/{id}/supprimer", post(delete))
        .route("/espaces/{slug}/contacts/{id}/export", get(export))
        .route("/espaces/{slug}/contacts/{id}/anonymiser", post(anonymise))
        .route(
            "/espaces/{slug}/contacts/{id}/modifier",
            get(edit_form).post(update),
        )
}

pub struct Line {
    pub id: i64,
    pub name: String,
    pub job_title: String,
    pub organisation: String,
    pub organisation_href: String,
    pub email: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactsPage {
    c: Chrome,
    dl: super::downloads::Downloads,
    q: String,
    lines: Vec<Line>,
    v: ContactInput,
    /// "Name (#id)" of each organisation, for the organisation box.
    suggestions: Vec<String>,
    organisation_typed: String,
    /// The contact being edited (0 for a new one) and the version read.
    editing: i64,
    version: i64,
    errors: Errors,
}

async fn page(
    app: &App,
    s: &Session,
    scope: &WorkspaceScope,
    q: Option<&str>,
    v: ContactInput,
    organisation_typed: String,
    errors: &[FieldError],
) -> WebResult<ContactsPage> {
    let lines = app
        .store
        .contacts(scope, None, q)
        .await?
        .into_iter()
        .map(|c| Line {
            id: c.id,
            name: c.name,
            job_title: c.job_title,
            organisation_href: c
                .organisation_id
                .map(|o| format!("/organisations/{o}"))
                .unwrap_or_default(),
            organisation: c.organisation_name.unwrap_or_default(),
            email: c.email,
            phone: c.phone,
        })
        .collect();
    let suggestions = super::organisation_suggestions(&app.store).await?;
    let query = q.map(|q| serde_urlencoded::to_string([("q", q)]).unwrap_or_default());
    Ok(ContactsPage {
        c: Chrome::new(&app.store, s, Some(scope), s.t.t("contact.title")).await?,
        dl: super::downloads::Downloads::new(
            &format!("/espaces/{}/contacts/export", scope.slug),
            query.as_deref(),
            false,
        ),
        q: q.unwrap_or("").to_owned(),
        lines,
        v,
        suggestions,
        organisation_typed,
        editing: 0,
        version: 0,
        errors: Errors::from(errors),
    })
}

async fn list(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let p = Params::from_query(raw.as_deref());
    Ok(render(
        &page(
            &app,
            &s,
            &scope,
            p.get("q"),
            ContactInput::default(),
            String::new(),
            &[],
        )
        .await?,
    ))
}

async fn create(
    State(app): State<App>,
    Path(slug): Path<String>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let (input, typed, mut errors) = read(&form, &s.t);
    match input.to_draft(&s.t) {
        Ok(d) if errors.is_empty() => {
            app.store.create_contact(&scope, &d).await?;
            Ok(Redirect::to(&format!("/espaces/{slug}/contacts")).into_response())
        }
        result => {
            if let Err(mut more) = result {
                errors.append(&mut more);
            }
            let p = page(&app, &s, &scope, None, input, typed, &errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
    }
}

async fn delete(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    app.store.delete_contact(&scope, ContactId(id)).await?;
    Ok(Redirect::to(&format!("/espaces/{slug}/contacts")).into_response())
}

/// The JSON of everything held about a contact, as a download.
async fn export(
    State(app): State<App>,
    s: Session,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let export = app.store.export_contact(&scope, ContactId(id)).await?;
    let bytes = serde_json::to_vec_pretty(&export)
        .map_err(|e| crate::error::WebError::Internal(Box::new(e)))?;
    tracing::info!(
        user = s.caller.user_id.0,
        contact = id,
        "contact data exported"
    );
    Ok(crate::exports::File {
        bytes,
        content_type: "application/json; charset=utf-8",
        name: format!("contact-{id}.json"),
    }
    .into_response())
}

async fn anonymise(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, .. }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    app.store.anonymise_contact(&scope, ContactId(id)).await?;
    Ok(Redirect::to(&format!("/espaces/{slug}/contacts")).into_response())
}

/// Reads the contact form; the organisation box holds "Name (#id)" from the suggestions.
fn read(
    form: &crate::auth::FormData,
    t: &crate::i18n::Tr,
) -> (ContactInput, String, Vec<FieldError>) {
    let typed = form.get("organisation").to_owned();
    let mut errors = vec![];
    let organisation_id = if typed.is_empty() {
        None
    } else {
        match super::suggested_id(&typed) {
            Some(id) => Some(id),
            None => {
                errors.push(FieldError::new(t, "organisation", "unknown_partner"));
                None
            }
        }
    };
    let input = ContactInput {
        organisation_id,
        name: form.get("name").to_owned(),
        job_title: form.get("job_title").to_owned(),
        email: form.get("email").to_owned(),
        phone: form.get("phone").to_owned(),
        notes: form.get("notes").to_owned(),
        version: form.get("version").parse().ok(),
    };
    (input, typed, errors)
}

async fn edit_form(
    State(app): State<App>,
    s: Session,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let c = app.store.contact(&scope, ContactId(id)).await?;
    let typed = match (c.organisation_id, &c.organisation_name) {
        (Some(o), Some(n)) => format!("{n} (#{o})"),
        _ => String::new(),
    };
    let v = ContactInput {
        organisation_id: c.organisation_id,
        name: c.name,
        job_title: c.job_title,
        email: c.email,
        phone: c.phone,
        notes: c.notes,
        version: Some(c.version),
    };
    let mut p = page(&app, &s, &scope, None, v, typed, &[]).await?;
    p.editing = id;
    p.version = c.version;
    Ok(render(&p))
}

async fn update(
    State(app): State<App>,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm { session: s, form }: CsrfForm,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    app.store.contact(&scope, ContactId(id)).await?;
    let (input, typed, mut errors) = read(&form, &s.t);
    let version = input.version.unwrap_or(0);
    let result = match input.to_draft(&s.t) {
        Ok(d) if errors.is_empty() => app
            .store
            .update_contact(&scope, ContactId(id), version, &d)
            .await
            .map_err(crate::error::WebError::from),
        Ok(_) => Err(crate::error::WebError::Invalid(vec![])),
        Err(more) => Err(crate::error::WebError::Invalid(more)),
    };
    let status = match result {
        Ok(_) => return Ok(Redirect::to(&format!("/espaces/{slug}/contacts")).into_response()),
        Err(crate::error::WebError::Invalid(more)) => {
            errors.extend(more);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(crate::error::WebError::Conflict { .. }) => {
            errors.push(FieldError::new(&s.t, "name", "changed_meanwhile"));
            StatusCode::CONFLICT
        }
        Err(e) => return Err(e),
    };
    let mut p = page(&app, &s, &scope, None, input, typed, &errors).await?;
    p.editing = id;
    p.version = version;
    Ok(render_with(status, &p))
}
