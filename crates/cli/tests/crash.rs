//! Faults on the embedded database: 32 concurrent writers never fail with "database is
//! locked", and a server killed with SIGKILL in the middle of writes restarts with every
//! write it had acknowledged, and keeps working.

// Each test binary uses its own part of the shared module.
#[allow(dead_code)]
mod support;

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use partinnov_domain::{identity::synthetic_siret, kind::StructureKind};
use partinnov_store::{
    Caller, DatabaseUrl, Store, organisations::OrganisationDraft, users::NewUser,
    workspaces::NewWorkspace,
};
use reqwest::StatusCode;
use serde_json::json;
use support::*;

/// A workspace, a partner organisation and a token, made directly in the database.
async fn prepare(url: &str) -> (String, i64) {
    let store = Store::open(&DatabaseUrl::parse(url).unwrap())
        .await
        .unwrap();
    let user = store
        .create_user(NewUser {
            email: "direction@exemple.fr",
            name: "Direction",
            password: "mot-de-passe-solide",
            is_admin: false,
        })
        .await
        .unwrap();
    store
        .create_workspace(
            user,
            &NewWorkspace {
                slug: "atelier".into(),
                name: "Atelier".into(),
                organisation_id: None,
                dormant_months: 12,
            },
        )
        .await
        .unwrap();
    let caller = Caller {
        user_id: user,
        name: "Direction".into(),
        email: "direction@exemple.fr".into(),
        is_admin: false,
        only_workspace: None,
        read_only: false,
    };
    let org = store
        .create_organisation(
            &caller,
            &OrganisationDraft {
                name: "Partenaire".into(),
                siret: Some(synthetic_siret(3)),
                kinds: vec![StructureKind::EntPme],
                head_office: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (_, token) = store
        .create_token(user, "tests", None, false)
        .await
        .unwrap();
    store.close().await.unwrap();
    (token, org.0)
}

async fn create(
    client: &reqwest::Client,
    server_base: &str,
    token: &str,
    org: i64,
    title: &str,
) -> reqwest::Result<(StatusCode, serde_json::Value)> {
    let r = client
        .post(format!("{server_base}/api/v1/workspaces/atelier/partnerships"))
        .bearer_auth(token)
        .json(&json!({"title": title, "status": "actif", "partners": [org], "forms": [{"form": "sous_traitance", "started_on": "2025-01-01"}]}))
        .send()
        .await?;
    let status = r.status();
    Ok((status, r.json().await.unwrap_or_default()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_never_fail_and_a_killed_server_keeps_every_acknowledged_write() {
    let scratch = Scratch::new("crash");
    let url = scratch.sqlite_url();
    let (token, org) = prepare(&url).await;
    let server = Server::serve(&url, scratch).await;
    let base = server.base.clone();
    let client = client();

    // 32 writers at once, 8 partnerships each: every one is saved.
    let mut tasks = vec![];
    for w in 0..32 {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let mut statuses = vec![];
            for i in 0..8 {
                let (status, body) =
                    create(&client, &base, &token, org, &format!("Écrivain {w} — {i}"))
                        .await
                        .expect("request");
                statuses.push((status, body));
            }
            statuses
        }));
    }
    for t in tasks {
        for (status, body) in t.await.unwrap() {
            assert_eq!(
                status,
                StatusCode::CREATED,
                "a concurrent write failed: {body}"
            );
        }
    }
    let total = client
        .get(format!("{base}/api/v1/partnerships?per_page=1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(total, 256);

    // Writers keep going; the server is killed once some more writes are acknowledged.
    let acknowledged = Arc::new(Mutex::new(Vec::<i64>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = vec![];
    for w in 0..8 {
        let (client, base, token, acknowledged, stop) = (
            client.clone(),
            base.clone(),
            token.clone(),
            acknowledged.clone(),
            stop.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                // After the kill requests fail: that is expected, and stops the writer.
                match create(
                    &client,
                    &base,
                    &token,
                    org,
                    &format!("Avant la panne {w} — {i}"),
                )
                .await
                {
                    Ok((StatusCode::CREATED, body)) => acknowledged
                        .lock()
                        .unwrap()
                        .push(body["id"].as_i64().unwrap()),
                    Ok((status, body)) => panic!("write refused before the kill: {status} {body}"),
                    Err(_) => break,
                }
                i += 1;
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().unwrap().len() < 40 {
        assert!(Instant::now() < deadline, "writes did not progress");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let scratch = server.crash();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    // Restart on the same file: every acknowledged partnership is there, whole.
    let server = Server::serve(&url, scratch).await;
    for id in &acknowledged {
        let r = client
            .get(server.url(&format!("/api/v1/partnerships/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "acknowledged partnership {id} was lost"
        );
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            p["forms"].as_array().map(Vec::len),
            Some(1),
            "partnership {id} came back without its form"
        );
    }
    let after = client
        .get(server.url("/api/v1/partnerships?per_page=1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["total"]
        .as_i64()
        .unwrap();
    assert!(
        after >= 256 + acknowledged.len() as i64,
        "{after} rows for {} acknowledged",
        256 + acknowledged.len()
    );
    let (status, _) = create(&client, &server.base, &token, org, "Après la panne")
        .await
        .unwrap();
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the restarted server writes again"
    );
}
