//! Shared set-up for the HTTP tests: the app on an ephemeral port, people, workspaces and
//! tokens made through the store, and a browser-like session (cookie + CSRF token) obtained
//! through the real sign-in form. Each test file uses a part of it.
#![allow(dead_code)]

use chrono::NaiveDate;
use partinnov_domain::{
    identity::{Siret, synthetic_siret},
    typology::{Form, PartnershipStatus},
};
use partinnov_store::{
    OrganisationId, PartnershipId, Role, Store, UserId, WorkspaceId,
    organisations::{OrganisationDraft, Territory},
    partnerships::{FormPeriod, PartnershipDraft},
    users::NewUser,
    workspaces::NewWorkspace,
};
use partinnov_web::{App, router};
use reqwest::{StatusCode, header::HeaderMap, redirect::Policy};
use serde_json::Value;
use tokio::net::TcpListener;

/// Every test person has this password.
pub const PASSWORD: &str = "mot-de-passe-solide";

/// The app served on `127.0.0.1:<ephemeral>`, and a client that does not follow redirects
/// (a 303 is something the tests check).
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Store,
}

/// Binds before spawning, so the first request cannot race the server: no sleep needed.
pub async fn spawn(store: &Store) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let app = router(App {
        store: store.clone(),
        secure_cookies: false,
        jobs: Default::default(),
    });
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("client"),
        store: store.clone(),
    }
}

/// A person with a workspace they own and an API token.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub workspace: WorkspaceId,
    pub slug: String,
    pub token: String,
}

pub async fn create_user(store: &Store, email: &str, name: &str) -> UserId {
    store
        .create_user(NewUser {
            email,
            name,
            password: PASSWORD,
            is_admin: false,
        })
        .await
        .expect("create user")
}

pub async fn create_workspace(store: &Store, owner: UserId, slug: &str, name: &str) -> WorkspaceId {
    store
        .create_workspace(
            owner,
            &NewWorkspace {
                slug: slug.to_owned(),
                name: name.to_owned(),
                organisation_id: None,
                dormant_months: 12,
            },
        )
        .await
        .expect("create workspace")
}

pub async fn add_member(store: &Store, ws: WorkspaceId, user: UserId, role: Role) {
    store
        .add_member_unchecked(ws, user, role)
        .await
        .expect("add member");
}

pub async fn create_token(store: &Store, user: UserId, read_only: bool) -> String {
    store
        .create_token(user, "tests", None, read_only)
        .await
        .expect("create token")
        .1
}

/// `tag@example.org`, owner of workspace `tag` ("Espace tag"), with a read-write token.
pub async fn person(store: &Store, tag: &str, name: &str) -> Person {
    let email = format!("{tag}@example.org");
    let id = create_user(store, &email, name).await;
    let workspace = create_workspace(store, id, tag, &format!("Espace {tag}")).await;
    let token = create_token(store, id, false).await;
    Person {
        id,
        email,
        name: name.to_owned(),
        workspace,
        slug: tag.to_owned(),
        token,
    }
}

/// An organisation of the registry, with a valid synthetic SIRET.
pub async fn organisation(store: &Store, name: &str, seed: u64) -> OrganisationId {
    let loader = store.loader().await.expect("loader");
    let id = loader
        .organisation(&OrganisationDraft {
            name: name.to_owned(),
            siret: Some(synthetic_siret(seed)),
            head_office: true,
            ..Default::default()
        })
        .await
        .expect("organisation");
    loader.commit().await.expect("commit");
    id
}

/// An organisation at a commune of the official geographic code (with its EPCI, département
/// and région), with or without a SIRET.
pub async fn located(
    store: &Store,
    name: &str,
    siret: Option<Siret>,
    commune: &str,
) -> OrganisationId {
    let c = partinnov_interop::geo::commune(commune).expect("commune");
    let loader = store.loader().await.expect("loader");
    let id = loader
        .organisation(&OrganisationDraft {
            name: name.into(),
            siret,
            territory: Some(Territory {
                commune_code: c.code.into(),
                commune_name: c.name.into(),
                epci_code: c.epci.map(Into::into),
                departement_code: c.departement.into(),
                region_code: c.region.into(),
            }),
            ..Default::default()
        })
        .await
        .expect("organisation");
    loader.commit().await.expect("commit");
    id
}

/// A draft with one partner and one running form.
pub fn draft(title: &str, partner: OrganisationId, form: Form) -> PartnershipDraft {
    PartnershipDraft {
        title: title.to_owned(),
        status: PartnershipStatus::Actif,
        involvement: None,
        priority: None,
        potential: None,
        means: String::new(),
        governance: String::new(),
        notes: String::new(),
        partners: vec![partner],
        forms: vec![FormPeriod {
            form,
            started_on: NaiveDate::from_ymd_opt(2024, 1, 15),
            ended_on: None,
            note: String::new(),
        }],
        objectives: vec![],
        holders: vec![],
    }
}

/// A partnership saved through the store, as `p` in `p`'s workspace.
pub async fn partnership(store: &Store, p: &Person, d: &PartnershipDraft) -> PartnershipId {
    let caller = store
        .caller_by_token(&p.token)
        .await
        .expect("caller")
        .expect("live token");
    let scope = store.scope(&caller, &p.slug).await.expect("scope");
    store
        .create_partnership(&scope, d)
        .await
        .expect("create partnership")
        .id
}

/// A partnership created on `created_on` (through the loader), e.g. to make it dormant.
pub async fn partnership_created_on(
    store: &Store,
    p: &Person,
    d: &PartnershipDraft,
    created_on: NaiveDate,
) -> PartnershipId {
    let loader = store.loader().await.expect("loader");
    let id = loader
        .partnership(p.workspace, 12, Some(p.id), d, created_on)
        .await
        .expect("partnership");
    loader.commit().await.expect("commit");
    id
}

/// An answer with its body read: JSON when it parses, the text always.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Answer {
    async fn read(r: reqwest::Response) -> Self {
        let status = r.status();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self {
            status,
            headers,
            text,
            json,
        }
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The page text with HTML entities decoded, as a person reads it.
    pub fn html(&self) -> String {
        unescape(&self.text)
    }

    /// The `field` of each problem+json error, in order.
    pub fn error_fields(&self) -> Vec<String> {
        self.json["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.header("location")
    }
}

pub fn unescape(s: &str) -> String {
    s.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#34;", "\"")
        .replace("&#38;", "&")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    // ------------------------------------------------------------ API

    pub async fn get(&self, token: &str, path: &str) -> Answer {
        Answer::read(
            self.client
                .get(self.url(path))
                .bearer_auth(token)
                .send()
                .await
                .expect("request"),
        )
        .await
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> Answer {
        Answer::read(
            self.client
                .post(self.url(path))
                .bearer_auth(token)
                .json(body)
                .send()
                .await
                .expect("request"),
        )
        .await
    }

    pub async fn put(&self, token: &str, path: &str, body: &Value) -> Answer {
        Answer::read(
            self.client
                .put(self.url(path))
                .bearer_auth(token)
                .json(body)
                .send()
                .await
                .expect("request"),
        )
        .await
    }

    pub async fn delete(&self, token: &str, path: &str) -> Answer {
        Answer::read(
            self.client
                .delete(self.url(path))
                .bearer_auth(token)
                .send()
                .await
                .expect("request"),
        )
        .await
    }

    /// Sends `body` as is, with a JSON content type (for malformed bodies).
    pub async fn post_raw(&self, token: &str, path: &str, body: &str) -> Answer {
        Answer::read(
            self.client
                .post(self.url(path))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body.to_owned())
                .send()
                .await
                .expect("request"),
        )
        .await
    }

    /// `total` of a list endpoint.
    pub async fn total(&self, token: &str, path: &str) -> i64 {
        let a = self.get(token, path).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
        a.json["total"].as_i64().expect("total")
    }

    // ------------------------------------------------------------ pages

    /// Signs in through `POST /connexion` and returns the session.
    pub async fn sign_in(&self, email: &str) -> Browser {
        let a = self.sign_in_with(email, PASSWORD).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "sign-in: {}", a.text);
        let cookie = session_cookie(&a.headers).expect("session cookie set on sign-in");
        Browser {
            cookies: vec![cookie],
        }
    }

    pub async fn sign_in_with(&self, email: &str, password: &str) -> Answer {
        Answer::read(
            self.client
                .post(self.url("/connexion"))
                .form(&[("email", email), ("password", password)])
                .send()
                .await
                .expect("request"),
        )
        .await
    }

    pub async fn page(&self, b: &Browser, path: &str) -> Answer {
        Answer::read(
            self.client
                .get(self.url(path))
                .header("cookie", b.cookie_header())
                .send()
                .await
                .expect("request"),
        )
        .await
    }

    pub async fn submit(&self, b: &Browser, path: &str, form: &[(&str, &str)]) -> Answer {
        Answer::read(
            self.client
                .post(self.url(path))
                .header("cookie", b.cookie_header())
                .form(form)
                .send()
                .await
                .expect("request"),
        )
        .await
    }

    /// The CSRF token of the session, read from the form rendered at `path`.
    pub async fn csrf(&self, b: &Browser, path: &str) -> String {
        let a = self.page(b, path).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
        csrf_in(&a.text).expect("a form with a csrf field")
    }
}

/// `name=value` of the `partinnov_session` cookie in `Set-Cookie`, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    set_cookie(headers, "partinnov_session")
}

pub fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|kv| {
            kv.split_once('=')
                .is_some_and(|(k, v)| k.trim() == name && !v.is_empty())
        })
        .map(|kv| kv.trim().to_owned())
}

/// The value of the first `name="csrf" value="…"` in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned()).filter(|v| !v.is_empty())
}

/// The cookies a browser would send.
#[derive(Debug, Clone)]
pub struct Browser {
    pub cookies: Vec<String>,
}

impl Browser {
    pub fn cookie_header(&self) -> String {
        self.cookies.join("; ")
    }

    /// Stores a cookie set by the server (replacing one of the same name).
    pub fn keep(&mut self, cookie: String) {
        let name = cookie.split('=').next().unwrap_or("").to_owned();
        self.cookies
            .retain(|c| c.split('=').next().unwrap_or("") != name);
        self.cookies.push(cookie);
    }
}

/// A binary download: status, `Content-Type` and the body's bytes. With a token it goes
/// through the API; with a browser, through the session cookie.
pub async fn download(app: &TestApp, auth: Auth<'_>, path: &str) -> (StatusCode, String, Vec<u8>) {
    let req = app.client.get(app.url(path));
    let req = match auth {
        Auth::Token(t) => req.bearer_auth(t),
        Auth::Browser(b) => req.header("cookie", b.cookie_header()),
    };
    let r = req.send().await.expect("request");
    let status = r.status();
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, kind, r.bytes().await.expect("body").to_vec())
}

pub enum Auth<'a> {
    Token(&'a str),
    Browser(&'a Browser),
}

/// One entry of a ZIP (DOCX, ODT, XLSX or a bundle), as text.
pub fn zip_text(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut out = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut out)
        .expect("utf-8");
    out
}

/// A file posted as the body of an API call (imports), with `token`.
pub async fn post_file(app: &TestApp, token: &str, path: &str, body: Vec<u8>) -> Answer {
    let r = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    Answer::read(r).await
}
