//! `partinnov`: the one binary. Serves the web interface and API, runs the demo, migrates,
//! manages users and tokens, and generates benchmark data. Thin: parses arguments and
//! calls the crates below; every failure is one line on stderr and a non-zero exit.

mod demo;
mod export;
mod export_graph;
mod generate;
mod render;

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use partinnov_domain::{
    lang::Lang,
    outcome::{ClassificationRules, Exit, ExitKind, OutcomeError, classify},
};
use partinnov_store::{DatabaseUrl, Store, users::NewUser};

#[derive(Parser)]
#[command(
    name = "partinnov",
    version,
    about = "Part'Innov : cartographier, qualifier et développer les partenariats des structures d'insertion."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Db {
    /// sqlite:CHEMIN (créé s'il manque) ou postgres://…
    #[arg(long, env = "PARTINNOV_DATABASE_URL")]
    database_url: String,
}

impl Db {
    fn url(&self) -> Result<DatabaseUrl> {
        DatabaseUrl::parse(&self.database_url).map_err(anyhow::Error::msg)
    }

    async fn open(&self) -> Result<Store> {
        let url = self.url()?;
        Store::open(&url)
            .await
            .with_context(|| format!("impossible d'ouvrir la base {url}"))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Lance la démonstration : base SQLite locale, données des études de cas, serveur web.
    Demo {
        #[arg(long, env = "PARTINNOV_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        #[arg(long, default_value = "./partinnov-data")]
        data_dir: PathBuf,
    },
    /// Sert l'interface web et l'API.
    Serve {
        #[command(flatten)]
        db: Db,
        #[arg(long, env = "PARTINNOV_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Ajoute l'attribut Secure au cookie de session (derrière HTTPS).
        #[arg(long, env = "PARTINNOV_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Garde en mémoire, ce nombre de secondes, à qui correspond chaque session et
        /// chaque jeton d'API (0, par défaut : jamais). Un compte désactivé ou un jeton
        /// révoqué par un autre processus (la ligne de commande) n'est alors refusé
        /// qu'au bout de ce délai ; par ce serveur-ci, aussitôt.
        #[arg(long, env = "PARTINNOV_CALLER_CACHE_SECONDS", default_value_t = 0)]
        caller_cache_seconds: u64,
    },
    /// Met le schéma de la base à jour.
    Migrate {
        #[command(flatten)]
        db: Db,
    },
    /// Comptes utilisateurs.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Espaces de travail.
    Workspace {
        #[command(subcommand)]
        command: WorkspaceCommand,
    },
    /// Jetons d'API.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Écrit une sauvegarde cohérente et portable (même serveur en marche).
    Backup {
        #[command(flatten)]
        db: Db,
        /// Fichier d'archive à écrire (remplacé seulement une fois la sauvegarde complète).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restaure une sauvegarde dans une base vide (SQLite ou PostgreSQL).
    Restore {
        #[command(flatten)]
        db: Db,
        /// Archive écrite par `partinnov backup`.
        #[arg(long = "in")]
        input: PathBuf,
    },
    /// Sorties d'emploi : classement selon les catégories officielles.
    Outcome {
        #[command(subcommand)]
        command: OutcomeCommand,
    },
    /// Registre national SIRENE : enrichit le registre depuis le fichier des établissements.
    Sirene {
        #[command(subcommand)]
        command: SireneCommand,
    },
    /// Liste les doublons probables du registre (groupes, score, raison), pour revue.
    /// La fusion se fait dans l'interface (Organisations → Doublons à examiner) ou par l'API.
    Dedup {
        #[command(flatten)]
        db: Db,
        /// json ou text.
        #[arg(long, default_value = "text", value_parser = ["json", "text"])]
        format: String,
    },
    /// Exporte une liste, des chiffres ou le graphe d'un espace dans un fichier.
    Export {
        #[command(subcommand)]
        command: export::ExportCommand,
    },
    /// Écrit un document en PDF, DOCX ou ODT : fiche de capitalisation d'un partenariat,
    /// toutes les fiches d'un espace (ZIP), synthèse de la stratégie, rapport d'évaluation,
    /// cartographie d'un espace.
    Render {
        #[command(subcommand)]
        command: render::RenderCommand,
    },
    /// Importe des organisations, partenariats, contacts, résultats pour les personnes
    /// (outcomes) ou échanges (interactions) depuis un fichier CSV, XLSX ou ODS. Résultats et
    /// échanges s'ajoutent aux partenariats que l'espace a déjà. Si des lignes sont
    /// refusées, rien n'est écrit (code de sortie 1), sauf avec --skip-invalid qui importe
    /// les lignes valides.
    Import {
        /// organisations, partnerships, contacts, outcomes ou interactions.
        #[arg(value_parser = ["organisations", "partnerships", "contacts", "outcomes", "interactions"])]
        kind: String,
        /// Fichier CSV (UTF-8 ou Windows-1252, séparateur ; , ou tabulation), XLSX ou ODS.
        file: PathBuf,
        /// Espace où importer (identifiant court).
        #[arg(long)]
        workspace: String,
        #[command(flatten)]
        db: Db,
        /// Vérifie et compte sans rien écrire.
        #[arg(long)]
        dry_run: bool,
        /// Met à jour les fiches déjà connues avec les valeurs du fichier.
        #[arg(long)]
        update: bool,
        /// Importe les lignes valides même si d'autres sont refusées.
        #[arg(long)]
        skip_invalid: bool,
        /// Correspondance colonnes → champs, en JSON : {"columns": {"Raison sociale": "name"}}.
        #[arg(long, conflicts_with = "saved_mapping")]
        mapping: Option<PathBuf>,
        /// Nom d'une correspondance enregistrée dans l'espace (page « Importer » ou API).
        #[arg(long)]
        saved_mapping: Option<String>,
        /// Écrit le rapport JSON ligne à ligne dans ce fichier.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Remplit une base avec des données synthétiques réalistes (graine fixe), pour les mesures.
    Gen {
        #[command(flatten)]
        db: Db,
        /// Nombre de structures.
        #[arg(long, default_value_t = 10)]
        scale: u32,
        /// Partenariats par structure (1 à 100 000).
        #[arg(long, default_value_t = generate::PARTNERSHIPS_PER_STRUCTURE)]
        partnerships: u32,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Crée un compte ; avec --workspace, le rend membre de cet espace.
    Create {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Mot de passe (8 caractères au moins) ; sinon lu dans PARTINNOV_PASSWORD.
        #[arg(long, env = "PARTINNOV_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long)]
        admin: bool,
        /// Espace dont la personne devient membre (identifiant court).
        #[arg(long)]
        workspace: Option<String>,
        /// owner, editor ou reader ; ou partner (partenaire invité, avec --organisation)
        /// ou observer (chiffres agrégés seulement).
        #[arg(long, default_value = "editor")]
        role: String,
        /// Pour --role partner : numéro de l'organisation que la personne représente.
        #[arg(long)]
        organisation: Option<i64>,
    },
    /// Désactive un compte : il ne peut plus se connecter, ses sessions sont fermées et
    /// ses jetons d'API refusés. Rien n'est effacé.
    Disable {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        email: String,
    },
    /// Réactive un compte désactivé.
    Enable {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        email: String,
    },
    /// Change le mot de passe d'un compte.
    ResetPassword {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        email: String,
        #[arg(long, env = "PARTINNOV_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

#[derive(Subcommand)]
enum OutcomeCommand {
    /// Classe une sortie (emploi durable, de transition, sortie positive, autre) et dit pourquoi.
    /// Affiche sur une ligne le code de la catégorie puis la raison.
    Classify {
        /// Type de sortie.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(ExitKind::ALL.iter().map(|k| k.as_str())))]
        kind: String,
        /// Durée du contrat en jours (nécessaire pour un CDD non aidé).
        #[arg(long)]
        duration_days: Option<u32>,
        /// Contrat aidé par l'État.
        #[arg(long)]
        aided: bool,
    },
}

#[derive(Subcommand)]
enum SireneCommand {
    /// Lit le stock des établissements (StockEtablissement_utf8.csv, téléchargé sur
    /// data.gouv.fr) en flux et met à jour adresse, commune, NAF et siège des organisations
    /// du registre qui ont un SIRET. Rien n'est écrit si la lecture échoue.
    Import {
        /// Fichier CSV du stock SIRENE des établissements.
        file: PathBuf,
        #[command(flatten)]
        db: Db,
        /// Ne garde que les établissements de ce département (code : 69, 2A, 974…).
        #[arg(long)]
        departement: Option<String>,
    },
}

#[derive(Subcommand)]
enum WorkspaceCommand {
    /// Crée l'espace d'une structure, avec son premier propriétaire (compte existant).
    Create {
        #[command(flatten)]
        db: Db,
        /// Identifiant court : minuscules, chiffres et tirets.
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// Adresse du compte qui en devient propriétaire.
        #[arg(long)]
        owner: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Crée un jeton d'API et l'affiche (une seule fois) sur la sortie standard.
    Create {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Limite le jeton à un espace.
        #[arg(long)]
        workspace: Option<String>,
        /// Jeton en lecture seule.
        #[arg(long)]
        read_only: bool,
    },
}

/// Servers log their activity; one-shot commands only warnings, so that a refusal stays the
/// one `erreur` line on stderr. `PARTINNOV_LOG` overrides both.
fn init_logs(command: &Command) {
    let default = match command {
        Command::Serve { .. } | Command::Demo { .. } => "info,sqlx=warn,sea_orm=warn",
        _ => "warn",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PARTINNOV_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            e.exit()
        }
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            e.exit()
        }
        Err(e) => {
            // One line, like every other refusal; `--help` gives the details.
            let text = e.to_string();
            let first = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("arguments invalides");
            eprintln!(
                "erreur : {} (voir --help)",
                first.trim_start_matches("error: ")
            );
            return ExitCode::from(2);
        }
    };
    init_logs(&cli.command);
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the message and its causes.
            let mut line = e.to_string();
            for cause in e.chain().skip(1) {
                line.push_str(" : ");
                line.push_str(&cause.to_string());
            }
            eprintln!("erreur : {line}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(store: Store, bind: SocketAddr, secure_cookies: bool) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("impossible d'écouter sur {bind}"))?;
    // The actual address (the port may have been 0), for people and for tests.
    println!("Part'Innov : http://{}/", listener.local_addr()?);
    partinnov_web::serve(
        partinnov_web::App {
            store,
            secure_cookies,
            jobs: Default::default(),
        },
        listener,
    )
    .await
    .context("le serveur s'est arrêté")
}

async fn run(command: Command) -> Result<()> {
    match command {
        Command::Demo { bind, data_dir } => {
            std::fs::create_dir_all(&data_dir)
                .with_context(|| format!("impossible de créer {}", data_dir.display()))?;
            let path = data_dir.join("partinnov.sqlite");
            let url = DatabaseUrl::parse(&format!("sqlite:{}", path.display()))
                .map_err(anyhow::Error::msg)?;
            let store = Store::open(&url)
                .await
                .with_context(|| format!("impossible d'ouvrir {}", path.display()))?;
            let token = demo::ensure_loaded(&store).await?;
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("impossible d'écouter sur {bind}"))?;
            let addr = listener.local_addr()?;
            println!("Part'Innov — démonstration");
            println!("  adresse      : http://{addr}/");
            println!(
                "  connexion    : {} / {}",
                demo::DEMO_EMAIL,
                demo::DEMO_PASSWORD
            );
            println!(
                "  partenaire   : {} / {} (invité, ne voit que ses partenariats)",
                demo::DEMO_PARTNER_EMAIL,
                demo::DEMO_PASSWORD
            );
            println!("  jeton d'API  : {token}");
            println!("  données      : {}", path.display());
            partinnov_web::serve(
                partinnov_web::App {
                    store,
                    secure_cookies: false,
                    jobs: Default::default(),
                },
                listener,
            )
            .await
            .context("le serveur s'est arrêté")
        }
        Command::Serve {
            db,
            bind,
            secure_cookies,
            caller_cache_seconds,
        } => {
            let store = db
                .open()
                .await?
                .remember_callers(std::time::Duration::from_secs(caller_cache_seconds));
            serve(store, bind, secure_cookies).await
        }
        Command::Migrate { db } => {
            let store = db.open().await?;
            println!("schéma à jour (version {})", store.schema_version().await?);
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    db,
                    email,
                    name,
                    password,
                    admin,
                    workspace,
                    role,
                    organisation,
                },
        } => {
            let store = db.open().await?;
            let role: Membership = match (
                role.parse::<partinnov_store::Role>(),
                role.parse::<partinnov_store::guests::GuestRole>(),
            ) {
                (Ok(r), _) => Membership::Team(r),
                (_, Ok(g)) => Membership::Guest(g),
                _ => anyhow::bail!(
                    "rôle inconnu « {role} » (owner, editor, reader, partner ou observer)"
                ),
            };
            if organisation.is_some()
                && !matches!(
                    role,
                    Membership::Guest(partinnov_store::guests::GuestRole::Partner)
                )
            {
                anyhow::bail!("--organisation ne vaut que pour --role partner");
            }
            let ws = match &workspace {
                Some(slug) => Some(
                    store
                        .workspace_id_by_slug(slug)
                        .await
                        .map_err(|_| anyhow::anyhow!("espace inconnu : {slug}"))?,
                ),
                None => None,
            };
            // A guest's organisation is checked before the account exists, so a refused
            // one leaves nothing behind.
            let organisation = match (ws, role) {
                (Some(ws), Membership::Guest(g)) => store
                    .guest_organisation(ws, g, organisation.map(partinnov_store::OrganisationId))
                    .await
                    .map_err(|e| anyhow::anyhow!(guest_error(&e)))?,
                (None, Membership::Guest(_)) => {
                    anyhow::bail!("un invité (partner, observer) demande --workspace")
                }
                _ => None,
            };
            let id = store
                .create_user(NewUser {
                    email: &email,
                    name: &name,
                    password: &password,
                    is_admin: admin,
                })
                .await
                .map_err(|e| anyhow::anyhow!(user_error(&e)))?;
            match (ws, role) {
                (Some(ws), Membership::Team(role)) => {
                    store.add_member_unchecked(ws, id, role).await?;
                }
                (Some(ws), Membership::Guest(role)) => {
                    store
                        .add_guest_unchecked(ws, id, role, organisation)
                        .await
                        .map_err(|e| anyhow::anyhow!(guest_error(&e)))?;
                }
                (None, _) => {}
            }
            println!("compte créé : {email} (n° {id})");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::ResetPassword {
                    db,
                    email,
                    password,
                },
        } => {
            let store = db.open().await?;
            store
                .set_password(&email, &password)
                .await
                .map_err(|e| anyhow::anyhow!(user_error(&e)))?;
            println!("mot de passe changé pour {email}");
            Ok(())
        }
        Command::User {
            command: UserCommand::Disable { db, email },
        } => set_enabled(&db, &email, false).await,
        Command::User {
            command: UserCommand::Enable { db, email },
        } => set_enabled(&db, &email, true).await,
        Command::Token {
            command:
                TokenCommand::Create {
                    db,
                    email,
                    name,
                    workspace,
                    read_only,
                },
        } => {
            let store = db.open().await?;
            let user = store
                .user_by_email(&email)
                .await?
                .ok_or_else(|| anyhow::anyhow!("aucun compte pour {email}"))?;
            let ws = match &workspace {
                Some(slug) => Some(
                    store
                        .workspace_id_by_slug(slug)
                        .await
                        .map_err(|_| anyhow::anyhow!("espace inconnu : {slug}"))?,
                ),
                None => None,
            };
            let (_, secret) = store
                .create_token(partinnov_store::UserId(user.id), &name, ws, read_only)
                .await?;
            println!("{secret}");
            Ok(())
        }
        Command::Outcome {
            command:
                OutcomeCommand::Classify {
                    kind,
                    duration_days,
                    aided,
                },
        } => {
            let kind: ExitKind = kind
                .parse()
                .map_err(|_| anyhow::anyhow!("type de sortie inconnu : {kind}"))?;
            let exit = Exit {
                kind,
                duration_days,
                aided,
            };
            match classify(&exit, &ClassificationRules::default()) {
                Ok(c) => {
                    println!("{} — {}", c.category.as_str(), c.reason.label(Lang::Fr));
                    Ok(())
                }
                Err(OutcomeError::MissingDuration { kind }) => {
                    bail!(
                        "une sortie en {} non aidé se classe selon sa durée : indiquez --duration-days",
                        kind.label(Lang::Fr)
                    )
                }
            }
        }
        Command::Export { command } => export::run(command).await,
        Command::Render { command } => render::run(command).await,
        Command::Sirene {
            command:
                SireneCommand::Import {
                    file,
                    db,
                    departement,
                },
        } => sirene_import(&file, &db, departement.as_deref()).await,
        Command::Workspace {
            command:
                WorkspaceCommand::Create {
                    db,
                    slug,
                    name,
                    owner,
                },
        } => {
            let store = db.open().await?;
            let user = store
                .user_by_email(&owner)
                .await?
                .ok_or_else(|| anyhow::anyhow!("aucun compte pour {owner}"))?;
            store
                .create_workspace(
                    partinnov_store::UserId(user.id),
                    &partinnov_store::workspaces::NewWorkspace {
                        slug: slug.clone(),
                        name,
                        organisation_id: None,
                        dormant_months: 12,
                    },
                )
                .await
                .map_err(|e| match e {
                    partinnov_store::StoreError::Invalid { .. } => anyhow::anyhow!(
                        "identifiant d'espace invalide « {slug} » : minuscules, chiffres et tirets, 2 à 60 caractères"
                    ),
                    partinnov_store::StoreError::Duplicate { .. } => {
                        anyhow::anyhow!("l'espace « {slug} » existe déjà")
                    }
                    e => anyhow::anyhow!("{e}"),
                })?;
            println!("espace créé : {slug}");
            Ok(())
        }
        Command::Dedup { db, format } => {
            let store = db.open().await?;
            let groups = partinnov_web::duplicates::duplicate_groups(&store)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if format == "json" {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "groups": groups }))?
                );
            } else {
                for g in &groups {
                    println!("score {} :", g.score);
                    for o in &g.organisations {
                        println!(
                            "  n° {} {} {} {}",
                            o.id,
                            o.name,
                            o.siret.as_deref().unwrap_or("—"),
                            o.commune.as_deref().unwrap_or("")
                        );
                    }
                    for p in &g.pairs {
                        println!(
                            "  {}–{} {}/100 {} : {}",
                            p.a, p.b, p.score, p.confidence, p.reason
                        );
                    }
                }
                eprintln!("{} groupe(s) de doublons probables", groups.len());
            }
            Ok(())
        }
        Command::Backup { db, out } => {
            let store = db.open().await?;
            // Written next to the target and renamed at the end: an interrupted backup
            // never leaves a truncated archive under the expected name.
            let partial = out.with_extension("partiel");
            let file = std::fs::File::create(&partial)
                .with_context(|| format!("impossible d'écrire {}", partial.display()))?;
            let mut writer = std::io::BufWriter::new(file);
            let summary = match store.backup(&mut writer).await {
                Ok(s) => s,
                Err(e) => {
                    let _ = std::fs::remove_file(&partial);
                    return Err(e).context("sauvegarde interrompue");
                }
            };
            drop(writer);
            std::fs::rename(&partial, &out)
                .with_context(|| format!("impossible de créer {}", out.display()))?;
            println!(
                "sauvegarde écrite : {} ({} tables, {} lignes)",
                out.display(),
                summary.tables,
                summary.rows
            );
            Ok(())
        }
        Command::Restore { db, input } => {
            let file = std::fs::File::open(&input)
                .with_context(|| format!("impossible de lire {}", input.display()))?;
            let store = db.open().await?;
            let summary = store.restore(std::io::BufReader::new(file)).await.map_err(|e| match e {
                partinnov_store::backup::RestoreError::NotEmpty { table } => {
                    anyhow::anyhow!("la base cible n'est pas vide (table {table}) : restaurez dans une base neuve")
                }
                partinnov_store::backup::RestoreError::Malformed { line, problem } => {
                    anyhow::anyhow!("archive illisible à la ligne {line} : {problem} ; rien n'a été restauré")
                }
                partinnov_store::backup::RestoreError::TooNew { found, supported } => anyhow::anyhow!(
                    "archive d'une version plus récente (schéma {found}, ce programme connaît {supported}) : mettez Part'Innov à jour"
                ),
                other => anyhow::Error::new(other).context("restauration annulée, rien n'a été écrit"),
            })?;
            println!(
                "restauration terminée : {} tables, {} lignes",
                summary.tables, summary.rows
            );
            Ok(())
        }
        Command::Import {
            kind,
            file,
            workspace,
            db,
            dry_run,
            update,
            skip_invalid,
            mapping,
            saved_mapping,
            report,
        } => {
            let opts = partinnov_web::importing::RunOptions {
                dry_run,
                update,
                skip_invalid,
            };
            import(
                &db,
                &kind,
                &file,
                &workspace,
                match (&mapping, &saved_mapping) {
                    (Some(file), _) => Columns::File(file),
                    (None, Some(name)) => Columns::Saved(name),
                    (None, None) => Columns::FromHeaders,
                },
                report.as_deref(),
                opts,
            )
            .await
        }
        Command::Gen {
            db,
            scale,
            partnerships,
        } => {
            if scale == 0 {
                bail!("--scale doit être au moins 1");
            }
            if !(1..=100_000).contains(&partnerships) {
                bail!("--partnerships doit être compris entre 1 et 100 000");
            }
            let store = db.open().await?;
            generate::generate(&store, scale, partnerships).await
        }
    }
}

/// Where an import's column choices come from.
enum Columns<'a> {
    FromHeaders,
    /// `--mapping FILE`
    File(&'a std::path::Path),
    /// `--saved-mapping NAME`
    Saved(&'a str),
}

async fn import(
    db: &Db,
    kind: &str,
    file: &std::path::Path,
    workspace: &str,
    columns: Columns<'_>,
    report_path: Option<&std::path::Path>,
    opts: partinnov_web::importing::RunOptions,
) -> Result<()> {
    use partinnov_interop::import::{Kind, Mapping, read_path};
    use partinnov_web::importing;
    let kind: Kind = kind.parse().map_err(anyhow::Error::msg)?;
    let from_file: Option<Mapping> = match columns {
        Columns::File(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("impossible de lire {}", path.display()))?;
            Some(serde_json::from_str(&text).map_err(|e| {
                anyhow::anyhow!(
                    "correspondance illisible dans {} : {e} (attendu {{\"columns\": {{\"Raison sociale\": \"name\"}}}})",
                    path.display()
                )
            })?)
        }
        _ => None,
    };
    let table = read_path(file).map_err(|e| anyhow::anyhow!("{} : {e}", file.display()))?;
    let store = db.open().await?;
    let target = store
        .operator_import_target(workspace)
        .await
        .map_err(|_| anyhow::anyhow!("espace inconnu : {workspace}"))?;
    let mapping = match columns {
        Columns::Saved(name) => {
            let saved = store
                .target_import_mapping(&target, kind.as_str(), name)
                .await
                .map_err(|_| {
                    anyhow::anyhow!(
                        "aucune correspondance « {name} » pour un import de {} dans l'espace {workspace}",
                        kind.label()
                    )
                })?;
            Some(serde_json::from_str(&saved.mapping_json)?)
        }
        _ => from_file,
    };
    let columns = importing::columns(&table, kind, mapping.as_ref())
        .map_err(|e| anyhow::anyhow!("{} : {e}", file.display()))?;
    let run = importing::run(&store, &target, &table, &columns, opts)
        .await
        .map_err(|e| anyhow::anyhow!("import interrompu, rien n'a été écrit : {e}"))?;
    if let Some(path) = report_path {
        let json = serde_json::to_string_pretty(&run.report)?;
        std::fs::write(path, json + "\n")
            .with_context(|| format!("impossible d'écrire le rapport {}", path.display()))?;
    }
    println!("{} — {}", file.display(), table.format.describe());
    println!("{}", run.report.summary(run.written, opts.dry_run));
    for p in run.report.rejected.iter().take(20) {
        println!(
            "  ligne {}, colonne « {} » : {}",
            p.line, p.column, p.message
        );
    }
    if run.report.rejected.len() > 20 {
        println!(
            "  … et {} autres problèmes (voir --report)",
            run.report.rejected.len() - 20
        );
    }
    if !run.report.rejected.is_empty() && opts.dry_run && !opts.skip_invalid {
        bail!(
            "{} ligne(s) refusée(s) (vérification seule, rien n'a été écrit)",
            run.report.rejected_lines()
        );
    }
    if !run.report.rejected.is_empty() && !opts.skip_invalid {
        bail!(
            "{} ligne(s) refusée(s), rien n'a été importé : corrigez-les, ou relancez avec --skip-invalid pour importer les lignes valides",
            run.report.rejected_lines()
        );
    }
    Ok(())
}

/// A team role or a guest's, as `user create --role` reads it.
#[derive(Clone, Copy)]
enum Membership {
    Team(partinnov_store::Role),
    Guest(partinnov_store::guests::GuestRole),
}

fn guest_error(e: &partinnov_store::StoreError) -> String {
    use partinnov_store::StoreError::*;
    match e {
        Invalid {
            code: "required", ..
        } => "--role partner demande --organisation (numéro de l'organisation représentée)".into(),
        Invalid {
            code: "not_a_party",
            ..
        } => "cette organisation n'est partie à aucun partenariat de l'espace".into(),
        other => other.to_string(),
    }
}

/// `partinnov user disable|enable`.
async fn set_enabled(db: &Db, email: &str, enabled: bool) -> Result<()> {
    let store = db.open().await?;
    store
        .operator_set_enabled(email, enabled)
        .await
        .map_err(|e| anyhow::anyhow!(user_error(&e)))?;
    if enabled {
        println!("compte réactivé : {email}");
    } else {
        println!("compte désactivé : {email} (sessions fermées, jetons refusés)");
    }
    Ok(())
}

fn user_error(e: &partinnov_store::StoreError) -> String {
    use partinnov_store::StoreError::*;
    match e {
        Invalid {
            code: "invalid_email",
            ..
        } => "adresse électronique invalide".into(),
        Invalid {
            code: "password_too_short",
            ..
        } => "le mot de passe doit compter au moins 8 caractères".into(),
        Duplicate { .. } => "un compte existe déjà avec cette adresse".into(),
        NotFound { .. } => "aucun compte avec cette adresse".into(),
        other => other.to_string(),
    }
}

/// `partinnov sirene import`: streams the stock, keeps the registry's establishments, then
/// applies what changed in one transaction.
async fn sirene_import(file: &std::path::Path, db: &Db, departement: Option<&str>) -> Result<()> {
    use std::io::IsTerminal;
    if let Some(dep) = departement
        && !partinnov_interop::geo::communes()
            .iter()
            .any(|c| c.departement == dep)
    {
        bail!("département inconnu « {dep} » : écrivez son code, par exemple 69, 2A ou 974");
    }
    let store = db.open().await?;
    let registry = store.registry_sirets().await?;
    let wanted: std::collections::HashSet<String> = registry.keys().cloned().collect();
    let input = std::fs::File::open(file)
        .with_context(|| format!("impossible de lire {}", file.display()))?;
    let size = input.metadata().map(|m| m.len()).unwrap_or(0).max(1);
    let show = std::io::stderr().is_terminal();
    let mut found = Vec::new();
    let stats = partinnov_interop::sirene::scan(
        std::io::BufReader::with_capacity(1 << 20, input),
        &wanted,
        departement,
        |e| found.push(e),
        |s| {
            if show {
                eprint!(
                    "\r{:>3} % — {} lignes lues, {} établissements du registre",
                    s.bytes * 100 / size,
                    s.lines,
                    s.matched
                );
            }
        },
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    if show {
        eprintln!();
    }
    let facts: Vec<_> = found
        .into_iter()
        .filter_map(|e| {
            let id = *registry.get(&e.siret)?;
            Some((
                id,
                partinnov_store::enrich::OfficialFacts {
                    territory: e
                        .commune_code
                        .and_then(partinnov_interop::geo::commune)
                        .map(partinnov_web::importing::territory),
                    head_office: e.head_office,
                    address: e.address,
                    postcode: e.postcode,
                    naf: e.naf.map(str::to_owned),
                },
            ))
        })
        .collect();
    let summary = store.apply_official_facts(&facts).await?;
    println!(
        "SIRENE : {} lignes lues, {} établissements du registre trouvés, {} fiches mises à jour, {} inchangées",
        stats.lines, stats.matched, summary.updated, summary.unchanged
    );
    Ok(())
}
