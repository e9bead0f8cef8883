//! A browser test: Debian's headless Chromium, driven through chromedriver with the W3C
//! WebDriver protocol spoken directly over HTTP, signs in to the demo, records a
//! partnership through the HTML form and finds it in the filtered list.
//!
//! Without chromium and chromedriver the test prints a note and passes, unless `CI` is set
//! (CI installs them, so their absence there is a failure).

#[allow(dead_code, reason = "shared with e2e.rs, which uses the rest")]
mod support;

use std::{
    io::{Read as _, Write as _},
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use support::{STARTUP, Scratch, Server, client};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The key under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a page may take to show what the test waits for.
const PATIENCE: Duration = Duration::from_secs(30);

/// chromedriver and one browser session; the session is deleted and chromedriver killed on
/// drop, pass or fail.
struct Driver {
    child: Child,
    port: u16,
    session: String,
    http: reqwest::Client,
    _profile: Scratch,
}

impl Driver {
    async fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let profile = Scratch::new("chromium");
        let log = std::fs::File::create(profile.path().join("chromedriver.log")).expect("log");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("spawn chromedriver");
        let mut driver = Self {
            child,
            port,
            session: String::new(),
            http: client(),
            _profile: profile,
        };
        driver.wait_ready().await;
        let profile_dir = driver._profile.path().join("profile");
        let created = driver
            .call(
                reqwest::Method::POST,
                "/session",
                Some(json!({"capabilities": {"alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": [
                            "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update",
                            "--disable-sync",
                            format!("--user-data-dir={}", profile_dir.display()),
                        ],
                    },
                }}})),
            )
            .await
            .unwrap_or_else(|e| panic!("new WebDriver session: {e}"));
        driver.session = created["sessionId"].as_str().expect("sessionId").to_owned();
        driver
    }

    async fn wait_ready(&mut self) {
        let deadline = Instant::now() + STARTUP;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("chromedriver status") {
                panic!("chromedriver exited ({status}) before it was ready");
            }
            if let Ok(v) = self.call(reqwest::Method::GET, "/status", None).await
                && v["ready"] == true
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("chromedriver was not ready within {STARTUP:?}");
    }

    /// One WebDriver command: its `value`, or the error WebDriver gave.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let ok = response.status().is_success();
        let mut v: Value = response.json().await.map_err(|e| e.to_string())?;
        let value = v["value"].take();
        if ok {
            Ok(value)
        } else {
            Err(format!("{} {}", value["error"], value["message"]))
        }
    }

    async fn session_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let path = format!("/session/{}{path}", self.session);
        self.call(method, &path, body)
            .await
            .unwrap_or_else(|e| panic!("WebDriver {path}: {e}"))
    }

    async fn open(&self, url: &str) {
        self.session_call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    async fn current_url(&self) -> String {
        let v = self.session_call(reqwest::Method::GET, "/url", None).await;
        v.as_str().expect("url").to_owned()
    }

    async fn source(&self) -> String {
        let v = self
            .session_call(reqwest::Method::GET, "/source", None)
            .await;
        v.as_str().unwrap_or_default().to_owned()
    }

    /// The elements matching a CSS selector, waiting up to [`PATIENCE`] for at least one.
    async fn find_all(&self, css: &str) -> Vec<String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let found = self
                .session_call(
                    reqwest::Method::POST,
                    "/elements",
                    Some(json!({"using": "css selector", "value": css})),
                )
                .await;
            let ids: Vec<String> = found
                .as_array()
                .expect("elements")
                .iter()
                .filter_map(|e| e[ELEMENT].as_str().map(str::to_owned))
                .collect();
            if !ids.is_empty() {
                return ids;
            }
            if Instant::now() > deadline {
                panic!(
                    "no element matches {css:?} on {}:\n{}",
                    self.current_url().await,
                    self.source().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn find(&self, css: &str) -> String {
        self.find_all(css).await.remove(0)
    }

    async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.session_call(
            reqwest::Method::POST,
            &format!("/element/{el}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let el = self.find(css).await;
        self.session_call(
            reqwest::Method::POST,
            &format!("/element/{el}/click"),
            Some(json!({})),
        )
        .await;
    }

    async fn text_of(&self, element: &str) -> String {
        let v = self
            .session_call(
                reqwest::Method::GET,
                &format!("/element/{element}/text"),
                None,
            )
            .await;
        v.as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the current URL's path satisfies `ok`; returns the URL.
    async fn wait_for_url(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let url = self.current_url().await;
            let path = url
                .split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
                .unwrap_or("/");
            if ok(path) {
                return url;
            }
            if Instant::now() > deadline {
                panic!(
                    "never reached {what}; still on {url}:\n{}",
                    self.source().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Drop cannot await: a bare HTTP request closes the browser before chromedriver goes.
        if !self.session.is_empty()
            && let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port))
        {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let _ = write!(
                stream,
                "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\n\
                 Connection: close\r\n\r\n",
                self.session, self.port
            );
            let _ = stream.read_to_end(&mut vec![]);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn browser_installed() -> bool {
    if Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but {CHROMIUM} or {CHROMEDRIVER} is missing (apt-get install chromium chromium-driver)"
    );
    eprintln!("note: {CHROMIUM} or {CHROMEDRIVER} is missing; browser test skipped");
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partnership_recorded_in_the_browser_shows_and_is_found_in_the_list() {
    if !browser_installed() {
        return;
    }
    let demo = Server::demo().await;
    let (email, password) = demo.login();

    // A partner from the registry, typed the way the suggestions list offers it.
    let registry: Value = client()
        .get(demo.url("/api/v1/organisations?per_page=1"))
        .bearer_auth(demo.token())
        .send()
        .await
        .expect("GET /api/v1/organisations")
        .json()
        .await
        .expect("organisations");
    let partner = &registry["items"][0];
    let partner_name = partner["name"].as_str().expect("an organisation");
    let typed = format!("{partner_name} (#{})", partner["id"]);

    let driver = Driver::start().await;
    driver.open(&demo.url("/connexion")).await;
    driver.type_into("#email", &email).await;
    driver.type_into("#password", &password).await;
    driver.click("form button[type=submit]").await;
    driver.wait_for_url("the home page", |p| p == "/").await;
    let h1 = driver.find("h1").await;
    assert_eq!(driver.text_of(&h1).await, "Mes espaces");

    let title = "Partenariat test navigateur";
    driver
        .open(&demo.url("/espaces/atelier-ain/partenariats/nouveau"))
        .await;
    driver.type_into("#title", title).await;
    driver.type_into("#partner_new_0", &typed).await;
    driver
        .click(r#"#form_code_0 option[value="mecenat_competences"]"#)
        .await;
    driver.click("form.form button[type=submit]").await;
    let shown = driver
        .wait_for_url("the new partnership's page", |p| {
            p.strip_prefix("/espaces/atelier-ain/partenariats/")
                .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        })
        .await;
    let h1 = driver.find("h1").await;
    assert_eq!(driver.text_of(&h1).await, title, "on {shown}");
    let main = driver.find("main").await;
    let shown_text = driver.text_of(&main).await;
    assert!(
        shown_text.contains(partner_name),
        "{partner_name} missing on {shown}:\n{shown_text}"
    );

    driver
        .open(&demo.url("/espaces/atelier-ain/partenariats?q=test%20navigateur"))
        .await;
    let mut titles = vec![];
    for link in driver.find_all("table.list tbody td a").await {
        titles.push(driver.text_of(&link).await);
    }
    assert!(titles.iter().any(|t| t == title), "list shows {titles:?}");
}
