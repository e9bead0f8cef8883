//! Evaluation templates: the built-in ones and those a workspace imports.

use super::*;

impl Store {
    /// The built-in templates, then the workspace's own, by name.
    pub async fn evaluation_templates(&self, scope: &WorkspaceScope) -> Result<Vec<TemplateEntry>> {
        let mut out: Vec<TemplateEntry> = builtin_templates()
            .into_iter()
            .map(|template| TemplateEntry {
                template,
                builtin: true,
            })
            .collect();
        let rows: Vec<TemplateRow> = db::all(
            &self.db,
            "SELECT body FROM evaluation_templates WHERE workspace_id = $1 ORDER BY name, id",
            vec![scope.workspace_id.0.into()],
        )
        .await?;
        for r in rows {
            out.push(TemplateEntry {
                template: Template::from_json(&r.body).map_err(|_| corrupt("template"))?,
                builtin: false,
            });
        }
        Ok(out)
    }

    /// One template offered to the workspace, by code.
    pub async fn evaluation_template(
        &self,
        scope: &WorkspaceScope,
        code: &str,
    ) -> Result<Template> {
        self.evaluation_templates(scope)
            .await?
            .into_iter()
            .find(|t| t.template.code == code)
            .map(|t| t.template)
            .ok_or(StoreError::not_found("evaluation_template"))
    }

    /// Adds a template (already validated by [`Template::from_json`]) to the workspace.
    /// Its code may not be taken by a built-in template or one of the workspace's.
    pub async fn add_evaluation_template(
        &self,
        scope: &WorkspaceScope,
        template: &Template,
    ) -> Result<()> {
        scope.require_write()?;
        if builtin_templates().iter().any(|t| t.code == template.code) {
            return Err(StoreError::Duplicate {
                field: "code",
                existing_id: None,
            });
        }
        let txn = self.write().await?;
        let id = db::insert_id(
            &txn,
            "INSERT INTO evaluation_templates (workspace_id, code, name, body, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            vec![
                scope.workspace_id.0.into(),
                template.code.as_str().into(),
                template.name.as_str().into(),
                template.to_json().into(),
                scope.user_id.0.into(),
                db::now().into(),
            ],
        )
        .await
        .map_err(|e| {
            if db::is_unique_violation(&e) {
                StoreError::Duplicate {
                    field: "code",
                    existing_id: None,
                }
            } else {
                e
            }
        })?;
        audit::record(
            &txn,
            Record {
                workspace: Some(scope.workspace_id),
                user: Some(scope.user_id),
                entity: "evaluation_template",
                entity_id: id,
                action: Action::Create,
                before: None,
                after: Some(template),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
