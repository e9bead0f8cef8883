//! Turns audit events into French (or English) sentences: "Marie a passé le statut de
//! actif à en sommeil le 12/03/2026".

use partinnov_domain::typology::{Form, PartnershipStatus, Potential, Priority};
use partinnov_store::{accounts::AccountEvent, audit::AuditEvent};
use serde_json::Value;

use crate::i18n::Tr;

/// Fields compared between before and after, with the catalogue key of their label.
const FIELDS: &[(&str, &str)] = &[
    ("title", "field.title"),
    ("status", "field.status"),
    ("involvement", "field.involvement"),
    ("priority", "field.priority"),
    ("potential", "field.potential"),
    ("means", "field.means"),
    ("governance", "field.governance"),
    ("notes", "field.notes"),
    ("partners", "field.partners"),
    ("forms", "field.forms"),
    ("objectives", "field.objectives"),
    ("holders", "field.holders"),
    ("name", "field.name"),
    ("siret", "field.siret"),
    ("kinds", "field.kinds"),
    ("legal_form", "field.legal_form"),
    ("ess", "field.ess"),
    ("naf", "field.naf"),
    ("address", "field.address"),
    ("territory", "field.commune"),
    ("website", "field.website"),
    ("figures", "field.figures"),
    ("kind", "field.kind"),
    ("occurred_on", "field.date"),
    ("note", "field.note"),
];

/// A value as a person reads it: codes become labels, lists are summarised.
fn show(tr: &Tr, field: &str, v: &Value) -> String {
    match (field, v) {
        (_, Value::Null) => tr.t("history.empty").to_owned(),
        ("status", Value::String(s)) => s
            .parse::<PartnershipStatus>()
            .map_or(s.clone(), |x| x.label(tr.lang).to_owned()),
        ("priority", Value::String(s)) => s
            .parse::<Priority>()
            .map_or(s.clone(), |x| x.label(tr.lang).to_owned()),
        ("potential", Value::String(s)) => s
            .parse::<Potential>()
            .map_or(s.clone(), |x| x.label(tr.lang).to_owned()),
        ("forms", Value::Array(items)) => items
            .iter()
            .filter_map(|f| f.get("form").and_then(Value::as_str))
            .map(|code| {
                code.parse::<Form>()
                    .map_or(code.to_owned(), |f| f.label(tr.lang).to_owned())
            })
            .collect::<Vec<_>>()
            .join(", "),
        ("territory", Value::Object(o)) => o
            .get("commune_name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Bool(b)) => tr.t(if *b { "common.yes" } else { "common.no" }).to_owned(),
        (_, Value::Array(items)) => tr.f("history.n_items", &[("n", &items.len().to_string())]),
        (_, other) => other.to_string(),
    }
}

pub fn describe(
    tr: &Tr,
    e: &AuditEvent,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Vec<String> {
    let who = e
        .user_name
        .clone()
        .unwrap_or_else(|| tr.t("history.someone").to_owned());
    let when = tr.date(&e.at.date_naive());
    match e.action.as_str() {
        "create" => vec![tr.f("history.created", &[("who", &who), ("when", &when)])],
        "delete" => vec![tr.f("history.deleted", &[("who", &who), ("when", &when)])],
        "restore" => vec![tr.f("history.restored", &[("who", &who), ("when", &when)])],
        _ => {
            let (Some(b), Some(a)) = (before, after) else {
                return vec![];
            };
            FIELDS
                .iter()
                .filter(|(f, _)| b.get(f) != a.get(f) && (b.get(f).is_some() || a.get(f).is_some()))
                .map(|(f, key)| {
                    let from = show(tr, f, b.get(f).unwrap_or(&Value::Null));
                    let to = show(tr, f, a.get(f).unwrap_or(&Value::Null));
                    let field = tr.t(key).to_lowercase();
                    if from.chars().count() > 80 || to.chars().count() > 80 {
                        tr.f(
                            "history.changed_long",
                            &[("who", &who), ("field", &field), ("when", &when)],
                        )
                    } else {
                        tr.f(
                            "history.changed",
                            &[
                                ("who", &who),
                                ("field", &field),
                                ("from", &from),
                                ("to", &to),
                                ("when", &when),
                            ],
                        )
                    }
                })
                .collect()
        }
    }
}

/// One change of an account's trail as a sentence: "Nora Admin a désactivé le compte le
/// 12/03/2026", "Nora Admin a donné le rôle lecteur dans « Espace delta » le …".
pub fn describe_account(tr: &Tr, e: &AccountEvent) -> String {
    let who = e
        .user_name
        .clone()
        .unwrap_or_else(|| tr.t("history.operator").to_owned());
    let when = tr.date(&e.at.date_naive());
    let after: Option<Value> = e
        .after_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok());
    let field = |name: &str| after.as_ref().and_then(|a| a.get(name)).cloned();
    let say = |key: &str, extra: &[(&str, &str)]| {
        let mut all = vec![("who", who.as_str()), ("when", when.as_str())];
        all.extend_from_slice(extra);
        tr.f(key, &all)
    };
    match e.entity.as_str() {
        "user" if e.action == "create" => say("history.account_created", &[]),
        "user" => match (field("enabled"), field("password_changed")) {
            (Some(Value::Bool(false)), _) => say("history.account_disabled", &[]),
            (Some(Value::Bool(true)), _) => say("history.account_enabled", &[]),
            (_, Some(Value::Bool(true))) => say("history.account_password", &[]),
            _ => say("history.account_changed", &[]),
        },
        // A team role (`membership`) or a guest place (`guest`).
        _ => {
            let workspace = e.workspace_name.clone().unwrap_or_default();
            match field("role") {
                Some(Value::String(role)) => {
                    let role = tr.t(&format!("role.{role}"));
                    let key = if e.user_id == Some(e.entity_id) {
                        "history.role_joined"
                    } else {
                        "history.role_set"
                    };
                    say(key, &[("role", role), ("workspace", &workspace)])
                }
                _ => say("history.role_removed", &[("workspace", &workspace)]),
            }
        }
    }
}
