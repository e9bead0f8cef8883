//! Fixtures shared by the store's integration tests: people, workspaces, organisations
//! and partnerships with sensible defaults, so each test states only what it is about.
//! Not every test file uses every fixture.
#![allow(dead_code)]

use chrono::NaiveDate;
use partinnov_domain::{
    identity::synthetic_siret, kind::StructureKind, typology::PartnershipStatus,
};
use partinnov_store::{
    Caller, OrganisationId, Role, Store, UserId, WorkspaceScope,
    organisations::{OrganisationDraft, OrganisationQuery, Page, Territory},
    partnerships::{Partnership, PartnershipDraft, PartnershipQuery},
    users::NewUser,
    workspaces::NewWorkspace,
};

pub const PASSWORD: &str = "correct horse battery staple";

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn caller(id: UserId, email: &str, name: &str) -> Caller {
    Caller {
        user_id: id,
        name: name.to_owned(),
        email: email.to_owned(),
        is_admin: false,
        only_workspace: None,
        read_only: false,
    }
}

/// A new account (password [`PASSWORD`]) and the caller a session would give for it.
pub async fn user(store: &Store, email: &str, name: &str) -> Caller {
    let id = store
        .create_user(NewUser {
            email,
            name,
            password: PASSWORD,
            is_admin: false,
        })
        .await
        .expect("create user");
    caller(id, email, name)
}

/// A new workspace owned by `owner` (dormant after 12 months), entered as `owner`.
pub async fn workspace(store: &Store, owner: &Caller, slug: &str) -> WorkspaceScope {
    store
        .create_workspace(
            owner.user_id,
            &NewWorkspace {
                slug: slug.to_owned(),
                name: format!("Espace {slug}"),
                organisation_id: None,
                dormant_months: 12,
            },
        )
        .await
        .expect("create workspace");
    store
        .scope(owner, slug)
        .await
        .expect("owner enters workspace")
}

/// A new user with `role` in the workspace of `scope`, and their scope there.
pub async fn member(
    store: &Store,
    scope: &WorkspaceScope,
    email: &str,
    name: &str,
    role: Role,
) -> (Caller, WorkspaceScope) {
    let c = user(store, email, name).await;
    store
        .add_member_unchecked(scope.workspace_id, c.user_id, role)
        .await
        .expect("add member");
    let s = store.scope(&c, &scope.slug).await.expect("member enters");
    (c, s)
}

pub fn territory(
    commune_code: &str,
    commune_name: &str,
    departement: &str,
    region: &str,
) -> Territory {
    Territory {
        commune_code: commune_code.to_owned(),
        commune_name: commune_name.to_owned(),
        epci_code: None,
        departement_code: departement.to_owned(),
        region_code: region.to_owned(),
    }
}

pub fn lyon() -> Territory {
    territory("69123", "Lyon", "69", "84")
}

pub fn saint_etienne() -> Territory {
    territory("42218", "Saint-Étienne", "42", "84")
}

pub fn nantes() -> Territory {
    territory("44109", "Nantes", "44", "52")
}

/// An organisation with a synthetic SIRET made from `seed` (its SIREN filled in, as the
/// store reads it back).
pub fn organisation(
    name: &str,
    seed: u64,
    kinds: &[StructureKind],
    territory: Territory,
) -> OrganisationDraft {
    let siret = synthetic_siret(seed);
    OrganisationDraft {
        name: name.to_owned(),
        siren: Some(siret.siren()),
        siret: Some(siret),
        kinds: kinds.to_vec(),
        territory: Some(territory),
        head_office: true,
        ..Default::default()
    }
}

pub async fn create_organisation(
    store: &Store,
    caller: &Caller,
    name: &str,
    seed: u64,
    kinds: &[StructureKind],
    territory: Territory,
) -> OrganisationId {
    store
        .create_organisation(caller, &organisation(name, seed, kinds, territory))
        .await
        .expect("create organisation")
}

pub fn partnership(title: &str, partners: &[OrganisationId]) -> PartnershipDraft {
    PartnershipDraft {
        title: title.to_owned(),
        status: PartnershipStatus::Actif,
        involvement: None,
        priority: None,
        potential: None,
        means: String::new(),
        governance: String::new(),
        notes: String::new(),
        partners: partners.to_vec(),
        forms: vec![],
        objectives: vec![],
        holders: vec![],
    }
}

/// Every organisation of the registry (the total of an unfiltered search).
pub async fn organisation_count(store: &Store) -> i64 {
    store
        .organisations(&OrganisationQuery::default())
        .await
        .expect("list organisations")
        .total
}

/// Live and deleted partnerships of a workspace: what a rolled-back write must not change.
pub async fn partnership_count(store: &Store, scope: &WorkspaceScope) -> i64 {
    let live = store
        .partnerships(scope, &PartnershipQuery::default())
        .await
        .expect("list partnerships")
        .total;
    let deleted = store
        .partnerships(
            scope,
            &PartnershipQuery {
                deleted: true,
                ..Default::default()
            },
        )
        .await
        .expect("list deleted partnerships")
        .total;
    live + deleted
}

pub fn titles(page: &Page<Partnership>) -> Vec<&str> {
    page.items.iter().map(|p| p.data.title.as_str()).collect()
}

/// Titles of the workspace's partnerships matching `q`, in the query's order; checks that
/// the total agrees with the page.
pub async fn matching(store: &Store, scope: &WorkspaceScope, q: PartnershipQuery) -> Vec<String> {
    let page = store
        .partnerships(scope, &PartnershipQuery { per_page: 100, ..q })
        .await
        .expect("list partnerships");
    assert_eq!(
        page.total,
        page.items.len() as i64,
        "total matches the page"
    );
    titles(&page).into_iter().map(str::to_owned).collect()
}
