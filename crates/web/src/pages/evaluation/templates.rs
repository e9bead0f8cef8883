//! The page of evaluation templates: the built-in ones, the workspace's, and the import
//! of a JSON template with a message that says where it is wrong.

use super::*;

pub struct TemplateLine {
    pub code: String,
    pub name: String,
    pub description: String,
    pub source: String,
    pub builtin: bool,
    pub criteria: usize,
    pub indicators: usize,
}

#[derive(askama::Template)]
#[template(path = "evaluation_templates.html")]
struct TemplatesPage {
    c: Chrome,
    templates: Vec<TemplateLine>,
    error: String,
    typed: String,
    imported: String,
}

async fn templates_page(
    app: &App,
    s: &Session,
    scope: &WorkspaceScope,
    error: String,
    typed: String,
    imported: String,
    status: StatusCode,
) -> WebResult<Response> {
    let t = s.t;
    let templates = app
        .store
        .evaluation_templates(scope)
        .await?
        .into_iter()
        .map(|x| TemplateLine {
            criteria: x.template.criteria.len(),
            indicators: x.template.criteria.iter().map(|c| c.indicators.len()).sum(),
            code: x.template.code,
            name: x.template.name,
            description: x.template.description,
            source: x.template.source,
            builtin: x.builtin,
        })
        .collect();
    let page = TemplatesPage {
        c: Chrome::new(
            &app.store,
            s,
            Some(scope),
            t.t("evaluation.templates_title"),
        )
        .await?,
        templates,
        error,
        typed,
        imported,
    };
    Ok(render_with(status, &page))
}

pub(super) async fn templates(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    let imported = Params::from_query(raw.as_deref())
        .get("importe")
        .map(|name| s.t.f("evaluation.imported", &[("name", name)]))
        .unwrap_or_default();
    templates_page(
        &app,
        &s,
        &scope,
        String::new(),
        String::new(),
        imported,
        StatusCode::OK,
    )
    .await
}

/// The message for a refused template, saying where the problem is.
pub fn template_error_message(t: &Tr, e: &TemplateError) -> String {
    use partinnov_domain::evaluation::TemplateProblem as P;
    let what = match &e.problem {
        P::Syntax { line, column, .. } => {
            return t.f(
                "evaluation.template_syntax",
                &[("line", &line.to_string()), ("column", &column.to_string())],
            );
        }
        P::Missing(field) => t.f("evaluation.template_missing", &[("field", field)]),
        P::UnknownStep(v) => t.f("evaluation.template_unknown_step", &[("value", v)]),
        P::UnknownKind(v) => t.f("evaluation.template_unknown_kind", &[("value", v)]),
        P::UnknownUnit(v) => t.f("evaluation.template_unknown_unit", &[("value", v)]),
        P::UnknownSource(v) => t.f("evaluation.template_unknown_source", &[("value", v)]),
        P::Duplicate(v) => t.f("evaluation.template_duplicate", &[("value", v)]),
        P::BadCode(v) => t.f("evaluation.template_bad_code", &[("value", v)]),
        P::QualitativeWithUnit => t.t("evaluation.template_qualitative_with_unit").to_owned(),
        P::SourceUnit { expected, .. } => t.f(
            "evaluation.template_source_unit",
            &[("unit", expected.label(t.lang))],
        ),
    };
    t.f(
        "evaluation.template_at",
        &[("at", &e.at), ("problem", &what)],
    )
}

/// Multipart (`csrf`, `file`) or a pasted text (`json`): the template is validated and
/// added to the workspace, or the page comes back saying where the file is wrong.
pub(super) async fn import_template(
    State(app): State<App>,
    s: Session,
    Path(slug): Path<String>,
    req: Request,
) -> WebResult<Response> {
    let scope = app.store.scope(&s.caller, &slug).await?;
    scope.require_write()?;
    let t = s.t;
    let (mut csrf, mut json) = (String::new(), String::new());
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    if multipart {
        let mut m = Multipart::from_request(req, &app)
            .await
            .map_err(|_| WebError::BadRequest(t.t("import.not_multipart").into()))?;
        while let Some(field) = m
            .next_field()
            .await
            .map_err(|_| WebError::BadRequest(t.t("import.too_big").into()))?
        {
            match field.name().unwrap_or_default() {
                "csrf" => csrf = field.text().await.unwrap_or_default(),
                "json" | "file" => {
                    let text = field.text().await.unwrap_or_default();
                    if !text.trim().is_empty() {
                        json = text;
                    }
                }
                _ => {}
            }
        }
    } else {
        let bytes = axum::body::to_bytes(req.into_body(), 2 * 1024 * 1024)
            .await
            .map_err(|_| WebError::BadRequest(t.t("import.too_big").into()))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| WebError::BadRequest("formulaire mal formé".into()))?;
        let form = FormData(pairs);
        csrf = form.get("csrf").to_owned();
        json = form.get("json").to_owned();
    }
    if !constant_time_eq(csrf.as_bytes(), s.csrf.as_bytes()) {
        return Err(WebError::Forbidden);
    }
    if json.trim().is_empty() {
        let error = t.t("evaluation.template_empty").to_owned();
        return templates_page(
            &app,
            &s,
            &scope,
            error,
            json,
            String::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let template = match Template::from_json(&json) {
        Ok(x) => x,
        Err(e) => {
            let error = template_error_message(&t, &e);
            return templates_page(
                &app,
                &s,
                &scope,
                error,
                json,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match app.store.add_evaluation_template(&scope, &template).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/espaces/{slug}/modeles-evaluation?importe={}",
            url_encode(&template.name)
        ))
        .into_response()),
        Err(StoreError::Duplicate { .. }) => {
            let error = t.f(
                "evaluation.template_code_taken",
                &[("code", &template.code)],
            );
            templates_page(
                &app,
                &s,
                &scope,
                error,
                json,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .map(|q| q.trim_start_matches("x=").to_owned())
        .unwrap_or_default()
}
