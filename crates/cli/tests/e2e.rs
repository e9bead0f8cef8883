//! End-to-end: the real `partinnov` binary, started on an ephemeral port, spoken to over
//! HTTP; and the command line's contract (`--help` everywhere, one `erreur` line and a
//! non-zero exit on bad input). The PostgreSQL variant runs when
//! `PARTINNOV_TEST_POSTGRES_URL` is set, in a fresh randomly named database.

// Each test binary uses its own part of the shared module.
#[allow(dead_code)]
mod support;

use partinnov_store::testing::TestDb;
use reqwest::{StatusCode, header};
use serde_json::Value;
use support::{Scratch, Server, bin, client};

async fn get_json(url: &str, token: &str) -> Value {
    let response = client()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(status, StatusCode::OK, "GET {url}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {url}: {e}: {body}"))
}

fn items(list: &Value) -> &Vec<Value> {
    list["items"].as_array().expect("a list has items")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_token_sees_the_workspaces_filters_by_family_and_the_demo_account_signs_in() {
    let demo = Server::demo().await;
    let token = demo.token();
    assert!(token.starts_with("pi_"), "demo token: {token}");

    // The demo token sees every case study's workspace.
    let workspaces = get_json(&demo.url("/api/v1/workspaces?per_page=100"), &token).await;
    let slugs: Vec<&str> = items(&workspaces)
        .iter()
        .map(|w| w["slug"].as_str().expect("slug"))
        .collect();
    assert!(
        slugs.len() >= 10,
        "only {} workspaces: {slugs:?}",
        slugs.len()
    );
    assert!(slugs.contains(&"atelier-ain"), "{slugs:?}");

    // The family filter keeps only partnerships with a form of that family.
    let mecenat = get_json(
        &demo.url("/api/v1/workspaces/atelier-ain/partnerships?family=mecenat&per_page=100"),
        &token,
    )
    .await;
    let found = items(&mecenat);
    assert!(!found.is_empty(), "no mecenat partnership in atelier-ain");
    assert_eq!(mecenat["total"].as_u64(), Some(found.len() as u64));
    for p in found {
        let families: Vec<&str> = p["forms"]
            .as_array()
            .expect("forms")
            .iter()
            .map(|f| f["family"].as_str().expect("family"))
            .collect();
        assert!(
            families.contains(&"mecenat"),
            "{} has no mecenat form: {families:?}",
            p["title"]
        );
    }
    let all = get_json(
        &demo.url("/api/v1/workspaces/atelier-ain/partnerships?per_page=1"),
        &token,
    )
    .await;
    assert!(
        all["total"].as_u64() > mecenat["total"].as_u64(),
        "the filter should leave some partnerships out"
    );

    // Sign in with the printed account; the session cookie opens the French home page.
    let (email, password) = demo.login();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let signed_in = browser
        .post(demo.url("/connexion"))
        .form(&[("email", email.as_str()), ("password", password.as_str())])
        .send()
        .await
        .expect("POST /connexion");
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()[header::LOCATION], "/");
    let cookie = signed_in
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("partinnov_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let home = browser
        .get(demo.url("/"))
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .expect("GET /");
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.expect("home page");
    assert!(html.contains(r#"<html lang="fr">"#), "{html}");
    assert!(html.contains("<h1>Mes espaces</h1>"), "{html}");
    assert!(html.contains(r#"href="/espaces/atelier-ain""#), "{html}");

    // The Ain structure's strategy has started: answers, priorities, a late action shown
    // on its home page, and suggestions computed from its inventory.
    let strategy = get_json(&demo.url("/api/v1/workspaces/atelier-ain/strategy"), &token).await;
    assert_eq!(strategy["priorities"].as_array().map(Vec::len), Some(2));
    let actions = get_json(&demo.url("/api/v1/workspaces/atelier-ain/actions"), &token).await;
    assert_eq!(
        actions
            .as_array()
            .expect("actions")
            .iter()
            .filter(|a| a["late"] == true)
            .count(),
        1
    );
    let suggestions = get_json(
        &demo.url("/api/v1/workspaces/atelier-ain/strategy/suggestions"),
        &token,
    )
    .await;
    let rules: Vec<&str> = suggestions
        .as_array()
        .expect("suggestions")
        .iter()
        .filter_map(|s| s["rule"].as_str())
        .collect();
    assert!(
        rules.contains(&"ancien_mecene") && rules.contains(&"acheteur_sans_immersion"),
        "{rules:?}"
    );
    let ws_home = browser
        .get(demo.url("/espaces/atelier-ain"))
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .expect("GET /espaces/atelier-ain")
        .text()
        .await
        .expect("workspace home");
    assert!(
        ws_home.contains("Relancer Cartonnages de la Reyssouze pour un nouveau don"),
        "late action reminded: {ws_home}"
    );

    // A wrong password is refused and sets no session.
    let refused = browser
        .post(demo.url("/connexion"))
        .form(&[("email", email.as_str()), ("password", "pas-le-bon")])
        .send()
        .await
        .expect("POST /connexion");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(refused.headers().get(header::SET_COOKIE).is_none());
}

#[test]
fn every_command_answers_help() {
    for args in [
        &[][..],
        &["demo"],
        &["serve"],
        &["migrate"],
        &["user"],
        &["user", "create"],
        &["user", "reset-password"],
        &["user", "disable"],
        &["user", "enable"],
        &["token"],
        &["token", "create"],
        &["gen"],
        &["import"],
        &["export"],
        &["export", "partnerships"],
        &["export", "organisations"],
        &["export", "contacts"],
        &["export", "dashboard"],
        &["dedup"],
        &["workspace"],
        &["workspace", "create"],
        &["export", "graph"],
        &["sirene"],
        &["sirene", "import"],
    ] {
        let out = bin().args(args).arg("--help").output().expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{args:?} --help: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("Usage"), "{args:?} --help:\n{stdout}");
    }
}

/// Runs the binary and checks it failed with exactly one `erreur` line on stderr.
fn fails_with_one_line(args: &[&str], expected: &str) {
    let out = bin().args(args).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} succeeded:\n{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{args:?} wrote {} lines:\n{stderr}",
        lines.len()
    );
    assert!(lines[0].starts_with("erreur"), "{args:?}: {stderr}");
    assert!(lines[0].contains(expected), "{args:?}: {stderr}");
}

#[test]
fn bad_input_exits_non_zero_with_one_error_line() {
    let scratch = Scratch::new("bad-input");
    let url = scratch.sqlite_url();
    fails_with_one_line(&["migrate", "--database-url", "mysql://x"], "sqlite:CHEMIN");
    fails_with_one_line(
        &[
            "user",
            "create",
            "--database-url",
            &url,
            "--email",
            "court@example.org",
            "--name",
            "Court",
            "--password",
            "court",
        ],
        "8 caractères",
    );
    fails_with_one_line(
        &[
            "user",
            "create",
            "--database-url",
            &url,
            "--email",
            "role@example.org",
            "--name",
            "Rôle",
            "--password",
            "assez-long",
            "--role",
            "chef",
        ],
        "rôle inconnu",
    );
    fails_with_one_line(
        &[
            "token",
            "create",
            "--database-url",
            &url,
            "--email",
            "personne@example.org",
        ],
        "personne@example.org",
    );
    fails_with_one_line(
        &[
            "user",
            "disable",
            "--database-url",
            &url,
            "--email",
            "personne@example.org",
        ],
        "aucun compte",
    );
    fails_with_one_line(&["gen", "--database-url", &url, "--scale", "0"], "--scale");
    fails_with_one_line(
        &["gen", "--database-url", &url, "--partnerships", "0"],
        "--partnerships",
    );
}

/// Runs a command that must succeed and returns its stdout.
fn succeeds(args: &[&str]) -> String {
    let out = bin().args(args).output().expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// `migrate`, `user create`, `token create`, then `serve`: the printed token reads the API.
async fn account_made_on_the_command_line_reaches_the_api(url: &str, scratch: Scratch) {
    let migrated = succeeds(&["migrate", "--database-url", url]);
    assert!(migrated.contains("schéma à jour"), "{migrated}");
    let created = succeeds(&[
        "user",
        "create",
        "--database-url",
        url,
        "--email",
        "camille@example.org",
        "--name",
        "Camille Roux",
        "--password",
        "un-mot-de-passe",
    ]);
    assert!(created.contains("camille@example.org"), "{created}");
    fails_with_one_line(
        &[
            "user",
            "create",
            "--database-url",
            url,
            "--email",
            "camille@example.org",
            "--name",
            "Camille Roux",
            "--password",
            "un-mot-de-passe",
        ],
        "existe déjà",
    );
    let token = succeeds(&[
        "token",
        "create",
        "--database-url",
        url,
        "--email",
        "camille@example.org",
    ]);
    let token = token.trim();
    assert!(token.starts_with("pi_"), "token: {token}");

    let server = Server::serve(url, scratch).await;
    let workspaces = get_json(&server.url("/api/v1/workspaces"), token).await;
    assert_eq!(workspaces["total"], 0, "{workspaces}");
    assert!(items(&workspaces).is_empty());
    let anonymous = client()
        .get(server.url("/api/v1/workspaces"))
        .send()
        .await
        .expect("GET");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let wrong = client()
        .get(server.url("/api/v1/workspaces"))
        .bearer_auth(format!("{token}x"))
        .send()
        .await
        .expect("GET");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    // Deactivated from the command line while the server runs: the token stops working
    // at once, and works again once the account is reactivated.
    let disabled = succeeds(&[
        "user",
        "disable",
        "--database-url",
        url,
        "--email",
        "camille@example.org",
    ]);
    assert!(disabled.contains("compte désactivé"), "{disabled}");
    let refused = client()
        .get(server.url("/api/v1/workspaces"))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let enabled = succeeds(&[
        "user",
        "enable",
        "--database-url",
        url,
        "--email",
        "camille@example.org",
    ]);
    assert!(enabled.contains("compte réactivé"), "{enabled}");
    let again = get_json(&server.url("/api/v1/workspaces"), token).await;
    assert_eq!(again["total"], 0, "{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_made_on_the_command_line_reaches_the_api_sqlite() {
    let scratch = Scratch::new("cli-sqlite");
    let url = scratch.sqlite_url();
    account_made_on_the_command_line_reaches_the_api(&url, scratch).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_made_on_the_command_line_reaches_the_api_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let url = db.url.expose().to_owned();
    account_made_on_the_command_line_reaches_the_api(&url, Scratch::new("cli-postgres")).await;
    // The server is gone (dropped above) before the database is dropped here.
    drop(db);
}

#[test]
fn a_guest_is_made_on_the_command_line_only_with_what_its_role_needs() {
    let scratch = Scratch::new("cli-guest");
    let url = scratch.sqlite_url();
    succeeds(&["gen", "--database-url", &url, "--scale", "1"]);
    let base = |email: &'static str| {
        vec![
            "user",
            "create",
            "--database-url",
            url.as_str(),
            "--email",
            email,
            "--name",
            "Invitée",
            "--password",
            "assez-long",
        ]
    };
    let with = |email: &'static str, extra: &[&'static str]| {
        let mut args = base(email);
        args.extend_from_slice(extra);
        args.iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<String>>()
    };
    let run_fail = |args: Vec<String>, expected: &str| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        fails_with_one_line(&refs, expected);
    };
    run_fail(
        with(
            "p1@example.org",
            &["--workspace", "structure-1", "--role", "partner"],
        ),
        "--organisation",
    );
    run_fail(
        with(
            "p2@example.org",
            &[
                "--workspace",
                "structure-1",
                "--role",
                "partner",
                "--organisation",
                "999999",
            ],
        ),
        "partie à aucun partenariat",
    );
    run_fail(
        with("p3@example.org", &["--role", "observer"]),
        "--workspace",
    );
    run_fail(
        with(
            "p4@example.org",
            &["--role", "editor", "--organisation", "1"],
        ),
        "--role partner",
    );
    // A refused guest leaves no account behind.
    fails_with_one_line(
        &[
            "token",
            "create",
            "--database-url",
            &url,
            "--email",
            "p2@example.org",
        ],
        "p2@example.org",
    );
    let made = succeeds(
        &with(
            "obs@example.org",
            &["--workspace", "structure-1", "--role", "observer"],
        )
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
    );
    assert!(made.contains("obs@example.org"), "{made}");
}
