//! Shared by the end-to-end tests: a scratch directory, the real binary started as a child
//! process (killed on drop), its announced address read from stdout, and `/healthz` polled
//! until the server answers. No fixed sleeps: every wait has a deadline and a clear panic.

use std::{
    fs::File,
    io::{BufRead as _, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicU32, Ordering},
        mpsc,
    },
    time::{Duration, Instant},
};

/// How long the binary may take to print its address or to answer `/healthz`.
pub const STARTUP: Duration = Duration::from_secs(60);

pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_partinnov"));
    // What a person gets by default, whatever the environment running the tests says.
    cmd.env_remove("PARTINNOV_LOG")
        .env_remove("PARTINNOV_DATABASE_URL")
        .env_remove("PARTINNOV_BIND")
        .env_remove("PARTINNOV_PASSWORD");
    cmd
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(what: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!(
            "partinnov-{what}-{}-{nanos}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn sqlite_url(&self) -> String {
        format!("sqlite:{}", self.0.join("partinnov.sqlite").display())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `partinnov` child: killed and reaped on drop.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub base: String,
    /// Every stdout line read up to the last expected one.
    pub lines: Vec<String>,
    /// Owned so the directory outlives the process (taken back by [`Server::crash`]).
    scratch: Option<Scratch>,
}

impl Server {
    /// `partinnov demo` on an ephemeral port in a fresh data directory; returns once the
    /// token line is printed and `/healthz` answers 200.
    pub async fn demo() -> Self {
        let scratch = Scratch::new("demo");
        let mut cmd = bin();
        cmd.arg("demo")
            .arg("--bind")
            .arg("127.0.0.1:0")
            .arg("--data-dir")
            .arg(scratch.path());
        let server = Self::start(cmd, scratch, "  jeton d'API  : ").await;
        assert!(
            server.line("  connexion    : ").is_some(),
            "demo printed no login line: {:?}",
            server.lines
        );
        server
    }

    /// `partinnov serve --database-url URL` on an ephemeral port.
    pub async fn serve(database_url: &str, scratch: Scratch) -> Self {
        let mut cmd = bin();
        cmd.args([
            "serve",
            "--database-url",
            database_url,
            "--bind",
            "127.0.0.1:0",
        ]);
        Self::start(cmd, scratch, "Part'Innov : ").await
    }

    /// Spawns `cmd`, reads stdout until a line starting with `last` (within [`STARTUP`]),
    /// takes the address from the line holding `http://`, then waits for `/healthz`.
    async fn start(mut cmd: Command, scratch: Scratch, last: &str) -> Self {
        let log = scratch.path().join("stderr.log");
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(&log).expect("stderr log"));
        let mut child = cmd.spawn().expect("spawn partinnov");
        let stdout = child.stdout.take().expect("child stdout");
        let (tx, rx) = mpsc::channel();
        // Reads every line for the child's whole life, so its stdout never fills up.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Self {
            child,
            base: String::new(),
            lines: vec![],
            scratch: Some(scratch),
        };
        let deadline = Instant::now() + STARTUP;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    let done = line.starts_with(last);
                    server.lines.push(line);
                    if done {
                        break;
                    }
                }
                Err(e) => panic!(
                    "partinnov did not print a line starting with {last:?} within {STARTUP:?} \
                     ({e}); stdout so far: {:?}; stderr: {}",
                    server.lines,
                    std::fs::read_to_string(&log).unwrap_or_default()
                ),
            }
        }
        let url = server
            .lines
            .iter()
            .find_map(|l| l.find("http://").map(|i| l[i..].trim().to_owned()))
            .unwrap_or_else(|| panic!("no http:// address in {:?}", server.lines));
        server.base = url.trim_end_matches('/').to_owned();
        server.wait_healthy(&log).await;
        server
    }

    async fn wait_healthy(&mut self, log: &Path) {
        let client = client();
        let deadline = Instant::now() + STARTUP;
        let mut last = String::from("no answer yet");
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("child status") {
                panic!(
                    "partinnov exited ({status}) before /healthz answered; stderr: {}",
                    std::fs::read_to_string(log).unwrap_or_default()
                );
            }
            match client.get(self.url("/healthz")).send().await {
                Ok(r) if r.status() == reqwest::StatusCode::OK => return,
                Ok(r) => last = format!("status {}", r.status()),
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("/healthz did not answer 200 within {STARTUP:?} ({last})");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The rest of the first stdout line starting with `prefix`.
    pub fn line(&self, prefix: &str) -> Option<&str> {
        self.lines.iter().find_map(|l| l.strip_prefix(prefix))
    }

    /// The demo's API token.
    pub fn token(&self) -> String {
        self.line("  jeton d'API  : ")
            .expect("token line")
            .trim()
            .to_owned()
    }

    /// The demo's (e-mail, password).
    pub fn login(&self) -> (String, String) {
        let rest = self.line("  connexion    : ").expect("login line");
        let (email, password) = rest.split_once(" / ").expect("EMAIL / PASSWORD");
        (email.trim().to_owned(), password.trim().to_owned())
    }
}

impl Server {
    /// Kills the process with SIGKILL, as a power cut of the process would, and hands
    /// back its directory so the same database can be served again.
    pub fn crash(mut self) -> Scratch {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.scratch.take().expect("scratch present until crash")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that never hangs a test for long.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("http client")
}

/// The JSON report an import wrote with `--report`.
pub fn import_report(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("report written")).unwrap()
}

/// `(line, column)` of each refusal in an import report, in its order.
pub fn rejected_cells(report: &serde_json::Value) -> Vec<(u64, &str)> {
    report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_u64().unwrap(), p["column"].as_str().unwrap()))
        .collect()
}
