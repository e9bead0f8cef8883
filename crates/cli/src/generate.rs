//! `partinnov gen --scale N`: N synthetic structures, each with a workspace, a team of
//! four and 100 partnerships (or `--partnerships N`) with partners drawn from a shared pool (so that
//! companies work with several structures, as in real territories), forms, objectives and
//! interactions. A fixed seed makes every run produce the same data.

use anyhow::Result;
use chrono::{Days, NaiveDate};
use partinnov_domain::{
    identity::synthetic_siret,
    kind::StructureKind,
    typology::{
        Form, InteractionKind, Involvement, ObjectiveParty, PartnershipStatus, Potential, Priority,
    },
};
use partinnov_interop::geo;
use partinnov_store::{
    OrganisationId, Role, Store, UserId,
    organisations::{OrganisationDraft, Territory},
    partnerships::{FormPeriod, Objective, PartnershipDraft},
    people::InteractionDraft,
    users::NewUser,
    workspaces::NewWorkspace,
};

/// A small deterministic generator (SplitMix64): same seed, same data, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Partnerships per structure unless `--partnerships` says otherwise.
pub const PARTNERSHIPS_PER_STRUCTURE: u32 = 100;
const WORDS: &[&str] = &[
    "Atelier",
    "Services",
    "Bâtiment",
    "Logistique",
    "Textile",
    "Numérique",
    "Propreté",
    "Espaces verts",
    "Recyclage",
    "Restauration",
    "Transport",
    "Bois",
];
const SUFFIX: &[&str] = &[
    "du Rhône",
    "de l'Ain",
    "Solidaire",
    "Plus",
    "Centre",
    "Est",
    "& Fils",
    "Industrie",
    "Conseil",
    "Distribution",
];
const SIAE: &[StructureKind] = &[
    StructureKind::Aci,
    StructureKind::Ei,
    StructureKind::Ai,
    StructureKind::Etti,
    StructureKind::Eiti,
];
const COMPANY: &[StructureKind] = &[
    StructureKind::EntTpe,
    StructureKind::EntPme,
    StructureKind::EntPme,
    StructureKind::EntEti,
    StructureKind::EntGe,
    StructureKind::Muni,
    StructureKind::Asso,
];

fn territory(rng: &mut Rng) -> Option<Territory> {
    let communes = geo::communes();
    let c = &communes[rng.below(communes.len())];
    Some(Territory {
        commune_code: c.code.into(),
        commune_name: c.name.into(),
        epci_code: c.epci.map(str::to_owned),
        departement_code: c.departement.into(),
        region_code: c.region.into(),
    })
}

/// `per_structure` partnerships in each of `scale` structures; the same arguments give
/// the same data.
pub async fn generate(store: &Store, scale: u32, per_structure: u32) -> Result<()> {
    let mut rng = Rng(0x5041_5254_494E_4E4F); // "PARTINNO"
    let scale = scale as usize;
    let per_structure = per_structure as usize;
    let pool_size = scale * 60;
    eprintln!(
        "génération : {scale} structures, {pool_size} partenaires, {} partenariats…",
        scale * per_structure
    );
    let loader = store.loader().await?;
    let mut pool = Vec::with_capacity(pool_size);
    for i in 0..pool_size {
        let name = format!("{} {} {}", rng.pick(WORDS), rng.pick(SUFFIX), i + 1);
        let draft = OrganisationDraft {
            name,
            siret: Some(synthetic_siret(1_000_000 + i as u64)),
            kinds: vec![*rng.pick(COMPANY)],
            head_office: true,
            territory: territory(&mut rng),
            ..Default::default()
        };
        pool.push(loader.organisation(&draft).await?);
    }
    loader.commit().await?;
    let forms = Form::ALL;
    let base = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default();
    for s in 0..scale {
        let structure_draft = OrganisationDraft {
            name: format!("Structure d'insertion {}", s + 1),
            siret: Some(synthetic_siret(s as u64)),
            kinds: vec![*rng.pick(SIAE)],
            ess: true,
            head_office: true,
            territory: territory(&mut rng),
            ..Default::default()
        };
        let loader = store.loader().await?;
        let structure: OrganisationId = loader.organisation(&structure_draft).await?;
        loader.commit().await?;
        let mut team: Vec<UserId> = vec![];
        for u in 0..4 {
            let email = format!("gen{s}-{u}@partinnov.test");
            let existing = store.user_by_email(&email).await?;
            team.push(match existing {
                Some(u) => UserId(u.id),
                None => {
                    store
                        .create_user(NewUser {
                            email: &email,
                            name: &format!("Membre {u} de la structure {}", s + 1),
                            password: "generated-password",
                            is_admin: false,
                        })
                        .await?
                }
            });
        }
        let ws = store
            .create_workspace(
                team[0],
                &NewWorkspace {
                    slug: format!("structure-{}", s + 1),
                    name: structure_draft.name.clone(),
                    organisation_id: Some(structure),
                    dormant_months: 12,
                },
            )
            .await?;
        let loader = store.loader().await?;
        for (i, u) in team.iter().enumerate().skip(1) {
            loader
                .member(ws, *u, if i == 3 { Role::Reader } else { Role::Editor })
                .await?;
        }
        for p in 0..per_structure {
            let partner = *rng.pick(&pool);
            let start = base + Days::new(rng.below(2500) as u64);
            let n_forms = 1 + rng.below(3);
            let draft = PartnershipDraft {
                title: format!("Partenariat {} — {}", p + 1, s + 1),
                status: *rng.pick(PartnershipStatus::ALL),
                involvement: Involvement::new(1 + rng.below(7) as u8).ok(),
                priority: Some(*rng.pick(Priority::ALL)),
                potential: Some(*rng.pick(Potential::ALL)),
                means: String::new(),
                governance: String::new(),
                notes: String::new(),
                partners: vec![partner],
                forms: {
                    // Distinct forms: the same form twice over one period says nothing more.
                    let mut picked: Vec<Form> = Vec::new();
                    for _ in 0..n_forms {
                        let f = *rng.pick(forms);
                        if !picked.contains(&f) {
                            picked.push(f);
                        }
                    }
                    picked
                        .into_iter()
                        .map(|form| FormPeriod {
                            form,
                            started_on: Some(start),
                            ended_on: None,
                            note: String::new(),
                        })
                        .collect()
                },
                objectives: vec![Objective {
                    party: ObjectiveParty::Structure,
                    rank: 1,
                    text: "Développer l'emploi durable".into(),
                }],
                holders: vec![team[rng.below(3)]],
            };
            let pid = loader
                .partnership(ws, 12, Some(team[0]), &draft, start)
                .await?;
            for _ in 0..rng.below(4) {
                let d = InteractionDraft {
                    kind: *rng.pick(InteractionKind::ALL),
                    occurred_on: start + Days::new(rng.below(600) as u64),
                    participants: String::new(),
                    note: String::new(),
                };
                loader
                    .interaction(ws, 12, Some(team[rng.below(3)]), pid, &d)
                    .await?;
            }
        }
        loader.commit().await?;
        if (s + 1) % 50 == 0 || s + 1 == scale {
            eprintln!("  {}/{scale} structures", s + 1);
        }
    }
    // Statistics for the planner, as after any bulk load (PostgreSQL would otherwise plan
    // with default estimates until autovacuum runs, if it runs at all).
    store.analyze().await?;
    Ok(())
}
