//! Schema migrations: numbered, one transaction each, recorded in `schema_migrations`.
//! Never edit a migration once it has shipped; add the next one.

use sea_orm::ConnectionTrait;

use crate::{Store, db, dialect, error::Result};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "registry, workspaces, inventory, audit",
        sql: M0001,
    },
    Migration {
        version: 2,
        name: "employment outcomes",
        sql: M0002,
    },
    Migration {
        version: 3,
        name: "invitations",
        sql: M0003,
    },
    Migration {
        version: 4,
        name: "economic flows",
        sql: M0004,
    },
    Migration {
        version: 5,
        name: "import uploads",
        sql: M0005,
    },
    Migration {
        version: 7,
        name: "ACI commercial costs",
        sql: M0007,
    },
    Migration {
        version: 8,
        name: "strategy canvas and action plan",
        sql: M0008,
    },
    Migration {
        version: 9,
        name: "evaluations in four steps",
        sql: M0009,
    },
    Migration {
        version: 10,
        name: "capitalisation notes",
        sql: M0010,
    },
    Migration {
        version: 11,
        name: "guests: invited partners and observers, partnership comments",
        sql: M0011,
    },
    Migration {
        version: 12,
        name: "user deactivation",
        sql: M0012,
    },
    Migration {
        version: 13,
        name: "saved import mappings",
        sql: M0013,
    },
];

impl Store {
    /// Applies every migration not yet recorded, each in its own transaction.
    pub async fn migrate(&self) -> Result<()> {
        let backend = self.backend();
        self.db
            .execute_unprepared(&dialect::ddl(
                backend,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at {ts} NOT NULL)",
            ))
            .await?;
        let done = db::scalar(
            &self.db,
            "SELECT MAX(version) FROM schema_migrations",
            vec![],
        )
        .await?;
        for m in MIGRATIONS.iter().filter(|m| m.version > done) {
            let txn = self.write().await?;
            for statement in statements(&dialect::ddl(backend, m.sql)) {
                txn.execute_unprepared(&statement).await?;
            }
            db::exec(
                &txn,
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                vec![m.version.into(), m.name.into(), crate::db::now().into()],
            )
            .await?;
            txn.commit().await?;
            tracing::info!(version = m.version, name = m.name, "migration applied");
        }
        Ok(())
    }

    /// The schema version this database is at.
    pub async fn schema_version(&self) -> Result<i64> {
        db::scalar(
            &self.db,
            "SELECT MAX(version) FROM schema_migrations",
            vec![],
        )
        .await
    }
}

/// Splits a migration into statements, after removing `--` comments (which may hold `;`).
fn statements(sql: &str) -> Vec<String> {
    let without_comments: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    without_comments
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Version 1. Conventions: ids are `{id}` (64-bit, never reused); every mutable row has a
/// `version` for optimistic concurrency; codes of enums are stored as their stable text
/// code (`actif`, `mecenat_nature`…), never as numbers, so the data reads without the code;
/// `*_folded` columns hold `domain::text::fold` of a name for accent-insensitive search.
/// No literal may contain `;` or `--`: the runner strips comments and splits on `;`.
const M0001: &str = r#"
CREATE TABLE users (
    id {id},
    email TEXT NOT NULL UNIQUE,           -- stored lower-cased
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,          -- argon2id PHC string
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    locale TEXT NOT NULL DEFAULT 'fr',
    created_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- Sessions live in the database so that several `serve` processes can share them.
-- The cookie holds a random secret; only its SHA-256 is stored.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at {ts} NOT NULL,
    expires_at {ts} NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- API tokens: only the SHA-256 of the secret is kept. A token may be limited to one
-- workspace and to reading.
CREATE TABLE api_tokens (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    workspace_id BIGINT,
    read_only BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {ts} NOT NULL,
    last_used_at {ts},
    revoked_at {ts}
);

-- Failed sign-ins, for throttling (keyed by folded e-mail).
CREATE TABLE login_failures (
    id {id},
    email TEXT NOT NULL,
    at {ts} NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);

-- The shared registry: public identity facts about legal establishments only.
-- SIRET is unique when present; many public bodies and foreign partners have none.
CREATE TABLE organisations (
    id {id},
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    siren TEXT,
    siret TEXT UNIQUE,
    legal_form TEXT,
    ess BOOLEAN NOT NULL DEFAULT FALSE,
    naf TEXT,
    address TEXT,
    postcode TEXT,
    commune_code TEXT,                   -- official geographic code (COG)
    commune_name TEXT,                   -- denormalised from the embedded COG, for lists and search
    epci_code TEXT,
    departement_code TEXT,
    region_code TEXT,
    head_office BOOLEAN NOT NULL DEFAULT TRUE,
    website TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX organisations_name ON organisations (name_folded);
CREATE INDEX organisations_siren ON organisations (siren);
CREATE INDEX organisations_departement ON organisations (departement_code);

-- Several kinds at once: an association can run an ACI and an EI.
CREATE TABLE organisation_kinds (
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    PRIMARY KEY (organisation_id, kind)
);
CREATE INDEX organisation_kinds_kind ON organisation_kinds (kind, organisation_id);

-- Key figures by year. Money in cents, never floats.
CREATE TABLE organisation_figures (
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    staff INTEGER,
    insertion_staff INTEGER,
    turnover_cents BIGINT,
    PRIMARY KEY (organisation_id, year)
);

-- The private space of one structure (or of a network / accompanying actor).
CREATE TABLE workspaces (
    id {id},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations(id),
    dormant_months INTEGER NOT NULL DEFAULT 12,
    created_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE memberships (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    role TEXT NOT NULL,                  -- owner | editor | reader
    created_at {ts} NOT NULL,
    PRIMARY KEY (user_id, workspace_id)
);
CREATE INDEX memberships_workspace ON memberships (workspace_id);

-- A partnership of the workspace's structure with one or more partners.
-- `activity_on` = the later of the creation day and the last interaction day;
-- `dormant_on` = the day it becomes dormant, so "dormant" is one indexed comparison with
-- today across workspaces with different settings.
-- A deleted partnership keeps its row (`deleted_at`) so that an owner can restore it.
CREATE TABLE partnerships (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    title_folded TEXT NOT NULL,
    status TEXT NOT NULL,
    involvement INTEGER,
    priority TEXT,
    priority_rank INTEGER NOT NULL DEFAULT 9,   -- 1 haute … 3 basse, 9 unset: sortable
    potential TEXT,
    means TEXT NOT NULL DEFAULT '',
    governance TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    last_interaction_on DATE,
    activity_on DATE NOT NULL,
    dormant_on DATE NOT NULL,            -- activity_on + the workspace's dormant_months
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    deleted_at {ts},
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX partnerships_ws_status ON partnerships (workspace_id, status);
CREATE INDEX partnerships_ws_activity ON partnerships (workspace_id, activity_on);
CREATE INDEX partnerships_ws_dormant ON partnerships (workspace_id, dormant_on);
CREATE INDEX partnerships_ws_updated ON partnerships (workspace_id, updated_at);

CREATE TABLE partnership_partners (
    partnership_id BIGINT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (partnership_id, organisation_id)
);
CREATE INDEX partnership_partners_org ON partnership_partners (organisation_id);

-- Forms with their own dates, so the history of forms is kept.
CREATE TABLE partnership_forms (
    id {id},
    partnership_id BIGINT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    form TEXT NOT NULL,
    family TEXT NOT NULL,                -- denormalised from the typology, for filters
    started_on DATE,
    ended_on DATE,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partnership_forms_p ON partnership_forms (partnership_id);
CREATE INDEX partnership_forms_family ON partnership_forms (family, partnership_id);
CREATE INDEX partnership_forms_form ON partnership_forms (form, partnership_id);

-- Objectives per party (structure, partenaire, territoire), ranked.
CREATE TABLE partnership_objectives (
    id {id},
    partnership_id BIGINT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    party TEXT NOT NULL,
    rank INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX partnership_objectives_p ON partnership_objectives (partnership_id);

-- Who in the team holds the relationship.
CREATE TABLE partnership_holders (
    partnership_id BIGINT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (partnership_id, user_id)
);
CREATE INDEX partnership_holders_user ON partnership_holders (user_id);

-- People at partner organisations: personal data, scoped to the workspace.
CREATE TABLE contacts (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    organisation_id BIGINT REFERENCES organisations(id),
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    job_title TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX contacts_ws ON contacts (workspace_id, name_folded);

-- Dated events on a partnership.
CREATE TABLE interactions (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    partnership_id BIGINT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    occurred_on DATE NOT NULL,
    author_id BIGINT REFERENCES users(id),
    participants TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX interactions_p ON interactions (partnership_id, occurred_on);
CREATE INDEX interactions_ws ON interactions (workspace_id, occurred_on);

-- Every write: who, when, what, before and after (JSON text, portable across backends).
CREATE TABLE audit_events (
    id {id},
    workspace_id BIGINT,
    user_id BIGINT,
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    action TEXT NOT NULL,                -- create | update | delete | restore
    before_json TEXT,
    after_json TEXT,
    at {ts} NOT NULL
);
CREATE INDEX audit_entity ON audit_events (entity, entity_id, id);
CREATE INDEX audit_ws ON audit_events (workspace_id, id)
"#;

/// Version 2: what partnerships produce for people in insertion. A person is only a
/// pseudonymous reference chosen by the structure (no name, birth date or social-security
/// number anywhere). `category` is the official exit category computed by
/// `domain::outcome::classify` when the row is written, kept for aggregates.
const M0002: &str = r#"
CREATE TABLE outcomes (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    partnership_id BIGINT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    person_ref TEXT NOT NULL,
    kind TEXT NOT NULL,
    started_on DATE,
    ended_on DATE,
    days INTEGER,                        -- PMSMP: days of immersion
    hours INTEGER,                       -- mise à disposition: hours worked
    contract TEXT,                       -- hire: contract kind (domain ExitKind code)
    duration_days INTEGER,               -- hire: contract length, when fixed-term
    aided BOOLEAN NOT NULL DEFAULT FALSE,
    working_time_pct INTEGER,            -- hire: 100 = full time
    category TEXT,                       -- hire: emploi_durable | emploi_transition | sortie_positive | autre_sortie
    note TEXT NOT NULL DEFAULT '',
    author_id BIGINT REFERENCES users(id),
    created_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX outcomes_p ON outcomes (partnership_id, started_on);
CREATE INDEX outcomes_ws ON outcomes (workspace_id, kind, started_on);
CREATE INDEX outcomes_person ON outcomes (workspace_id, person_ref)
"#;

/// Version 3: invitations by link. The link carries a random secret; only its SHA-256 is
/// stored. An invitation is used once and expires.
const M0003: &str = r#"
CREATE TABLE invitations (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at {ts} NOT NULL,
    expires_at {ts} NOT NULL,
    accepted_by BIGINT REFERENCES users(id),
    accepted_at {ts}
);
CREATE INDEX invitations_ws ON invitations (workspace_id, expires_at)
"#;

/// Version 4: economic flows per partnership and year, in euro cents (never floats).
/// Skills donations keep their days and daily rate; `amount_cents` is then days × rate.
const M0004: &str = r#"
CREATE TABLE flows (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    partnership_id BIGINT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    amount_cents BIGINT NOT NULL,
    days INTEGER,
    day_rate_cents BIGINT,
    note TEXT NOT NULL DEFAULT '',
    author_id BIGINT REFERENCES users(id),
    created_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX flows_p ON flows (partnership_id, year);
CREATE INDEX flows_ws ON flows (workspace_id, year, kind)
"#;

/// Version 7: what an ACI needs to check its commercial receipts against its ceiling
/// (001:203): per year, the costs of the activities that are sold and the rate it is
/// authorised (30, exceptionally 50). Entered by the workspace's owners.
const M0007: &str = r#"
CREATE TABLE commercial_costs (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    costs_cents BIGINT NOT NULL,
    cap_pct INTEGER NOT NULL DEFAULT 30,
    updated_at {ts} NOT NULL,
    PRIMARY KEY (workspace_id, year)
)
"#;

/// Version 10: what the team learnt from a partnership, for its capitalisation sheet
/// (fiche de capitalisation, 000:99; 001:419-421): the key success factors, the
/// difficulties met and the outlook, in the team's words. One row per partnership, created
/// on first save; versions 8 and 9 belong to the strategy and the evaluation.
const M0010: &str = r#"
CREATE TABLE capitalisation_notes (
    partnership_id BIGINT PRIMARY KEY REFERENCES partnerships(id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    success_factors TEXT NOT NULL DEFAULT '',
    difficulties TEXT NOT NULL DEFAULT '',
    outlook TEXT NOT NULL DEFAULT '',
    updated_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX capitalisation_notes_ws ON capitalisation_notes (workspace_id)
"#;

/// Version 11: guests of a workspace, apart from its team. An invited partner
/// (`partner`) sees and comments only the partnerships where its organisation is a party,
/// and adds its own measurements to their evaluations; an observer (`observer`) reads
/// only aggregates. They live in their own table so that no query written for the team's
/// `memberships` can ever let them in. Comments are the conversation between the team and
/// the invited partner on one partnership.
const M0011: &str = r#"
CREATE TABLE workspace_guests (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    role TEXT NOT NULL,                  -- partner | observer
    organisation_id BIGINT REFERENCES organisations(id),  -- a partner's organisation
    created_at {ts} NOT NULL,
    PRIMARY KEY (user_id, workspace_id)
);
CREATE INDEX workspace_guests_ws ON workspace_guests (workspace_id);
ALTER TABLE invitations ADD COLUMN organisation_id BIGINT REFERENCES organisations(id);
CREATE TABLE partnership_comments (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    partnership_id BIGINT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users(id),
    from_partner BOOLEAN NOT NULL DEFAULT FALSE,
    body TEXT NOT NULL,
    created_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX partnership_comments_p ON partnership_comments (partnership_id, created_at)
"#;

/// Version 8: the partnership strategy of a workspace (the eight questions of 001:549-556,
/// ordered strategic priorities) and its action plan. Every write is audited
/// (`strategy_answer`, `strategy_priorities`, `plan_action`), which is the canvas's history.
const M0008: &str = r#"
-- One row per workspace once its strategy is first written: the version of the whole
-- (answers and priorities), which the API's If-Match and `version` compare with.
CREATE TABLE strategies (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    updated_by BIGINT REFERENCES users(id),
    updated_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- One answer per question (domain `StrategyQuestion` code). Its own version lets two
-- people work on different questions at once from the page.
CREATE TABLE strategy_answers (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    text TEXT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    updated_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (workspace_id, question)
);

-- Strategic priorities, rank 1 first; the list is replaced as a whole.
CREATE TABLE strategy_priorities (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    rank INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX strategy_priorities_ws ON strategy_priorities (workspace_id, rank);

-- The action plan. An action may name a partnership of the same workspace and a member
-- who carries it (both checked in SQL on write); deleting an action removes the row, its
-- audit event keeps what it was.
CREATE TABLE plan_actions (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    partnership_id BIGINT REFERENCES partnerships(id) ON DELETE SET NULL,
    owner_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    due_on DATE,
    status TEXT NOT NULL,                -- a_faire | en_cours | fait | abandonnee
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX plan_actions_ws ON plan_actions (workspace_id, status, due_on)
"#;

/// Version 9: evaluations of a partnership in four steps (001:1729-1882). Built-in
/// templates live in the binary; `evaluation_templates` holds the ones a workspace imports
/// (validated JSON, the same format). An evaluation keeps a copy of its template so its
/// questions do not move under it; step answers are one JSON text (question code → text and
/// who filled it), read and written whole with the evaluation's version. Criteria and
/// indicators carry `workspace_id` too, so every query filters on the scope directly.
/// Figures are fixed-point hundredths (`value_num`, `target`), like cents: never floats.
const M0009: &str = r#"
CREATE TABLE evaluation_templates (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,                  -- the template as JSON (domain::evaluation::Template)
    created_by BIGINT REFERENCES users(id),
    created_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (workspace_id, code)
);

CREATE TABLE evaluations (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    partnership_id BIGINT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    template_code TEXT NOT NULL,
    template_body TEXT NOT NULL,         -- copy of the template when the evaluation started
    title TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '{}',  -- JSON: question code -> text and filled_by
    status TEXT NOT NULL,                -- brouillon | terminee
    started_on DATE NOT NULL,
    criteria_issued INTEGER NOT NULL DEFAULT 0,  -- highest C number ever given
    created_by BIGINT REFERENCES users(id),
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX evaluations_p ON evaluations (partnership_id, started_on);
CREATE INDEX evaluations_ws ON evaluations (workspace_id);

-- C1, C2...: a code is given once per evaluation and never reused after a removal.
CREATE TABLE evaluation_criteria (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    text TEXT NOT NULL,
    grp TEXT NOT NULL DEFAULT '',        -- heading (an impact of the observatory grid)
    rank INTEGER NOT NULL,
    indicators_issued INTEGER NOT NULL DEFAULT 0,  -- highest I number ever given
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (evaluation_id, code)
);

-- (C1, I1), (C1, I2)...: numbered within the criterion.
CREATE TABLE evaluation_indicators (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    criterion_id BIGINT NOT NULL REFERENCES evaluation_criteria(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- quantitatif | qualitatif
    unit TEXT,                           -- nombre | pourcentage | euros | heures | jours | personnes
    source TEXT,                         -- automatic source code, NULL when entered by hand
    target BIGINT,                       -- hundredths, a threshold to reach
    target_text TEXT NOT NULL DEFAULT '',
    rank INTEGER NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (criterion_id, code)
);
CREATE INDEX evaluation_indicators_e ON evaluation_indicators (evaluation_id);

CREATE TABLE evaluation_measurements (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    indicator_id BIGINT NOT NULL REFERENCES evaluation_indicators(id) ON DELETE CASCADE,
    measured_on DATE NOT NULL,
    value_num BIGINT,                    -- hundredths, for a quantitative indicator
    value_text TEXT NOT NULL DEFAULT '', -- for a qualitative one
    note TEXT NOT NULL DEFAULT '',
    filled_by TEXT NOT NULL DEFAULT 'structure',  -- structure | partenaire (invited partners, later)
    automatic BOOLEAN NOT NULL DEFAULT FALSE,
    author_id BIGINT REFERENCES users(id),
    created_at {ts} NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX evaluation_measurements_i ON evaluation_measurements (indicator_id, measured_on);
CREATE INDEX evaluation_measurements_e ON evaluation_measurements (evaluation_id)
"#;

/// Version 5: files uploaded for an import, kept between the preview, the check and the
/// import (the browser only holds a random id). Scoped to the person and the workspace,
/// removed after the import and expired after a day; not part of backups.
const M0005: &str = r#"
CREATE TABLE import_uploads (
    id TEXT PRIMARY KEY,                 -- random, 32 hex characters
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                  -- organisations | partnerships | contacts
    filename TEXT NOT NULL,
    content {blob} NOT NULL,
    mapping_json TEXT,                   -- interop::import::Mapping chosen in the form
    corrections_json TEXT,               -- cells corrected in the browser, by line and column
    created_at {ts} NOT NULL,
    expires_at {ts} NOT NULL
);
CREATE INDEX import_uploads_expiry ON import_uploads (expires_at)
"#;

/// Version 12: platform administrators deactivate accounts instead of deleting them, so
/// what a person wrote keeps its author and the audit trail its names. A deactivated
/// account cannot sign in, and its sessions and API tokens stop working (the lookups
/// filter on `disabled_at IS NULL`); reactivating restores its tokens, not its sessions.
/// The last successful sign-in is kept for the administrators' list of users.
const M0012: &str = r#"
ALTER TABLE users ADD COLUMN disabled_at {ts};
ALTER TABLE users ADD COLUMN last_sign_in_at {ts}
"#;

/// Version 13: a team names the column choices of an import and reuses them for the next
/// file of the same shape (the monthly export of its follow-up tool, the network's list).
/// `mapping_json` is `interop::import::Mapping`; the store keeps it as text.
const M0013: &str = r#"
CREATE TABLE import_mappings (
    id {id},
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                  -- organisations | partnerships | contacts | outcomes | interactions
    name TEXT NOT NULL,
    mapping_json TEXT NOT NULL,
    author_id BIGINT REFERENCES users(id),
    updated_at {ts} NOT NULL,
    UNIQUE (workspace_id, kind, name)
)
"#;
