//! Someone who chose English gets English everywhere, errors included: error pages,
//! problem titles and field messages follow the language of the request.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;

partinnov_store::dual_test!(errors_speak_the_language_the_person_chose, |db| {
    let app = spawn(&db.store).await;
    let me = person(&db.store, "atelier", "Claire").await;
    let mut b = app.sign_in(&me.email).await;
    let french = app.page(&b, "/espaces/inconnu").await;
    assert_eq!(french.status, StatusCode::NOT_FOUND);
    assert!(french.html().contains("Introuvable"));

    b.keep("partinnov_lang=en".into());
    let english = app.page(&b, "/espaces/inconnu").await;
    assert_eq!(english.status, StatusCode::NOT_FOUND);
    assert!(
        english.html().contains("Not found") && english.html().contains("lang=\"en\""),
        "{}",
        english.text
    );

    let problem = app
        .client
        .post(app.url("/api/v1/organisations"))
        .bearer_auth(&me.token)
        .header("cookie", "partinnov_lang=en")
        .json(&json!({"name": "X", "siret": "123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = problem.json().await.unwrap();
    assert_eq!(body["title"], "Invalid data");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("A SIRET has 14 digits"),
        "{body}"
    );
});
