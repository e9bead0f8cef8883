//! Load client for `scripts/bench/concurrent_edits.sh`: N clients, each editing its own
//! partnership of one workspace through the JSON API for a fixed time, then a check that
//! no update was lost.
//!
//! ```sh
//! cargo run --release -p partinnov --example edit_load -- \
//!     --base http://127.0.0.1:PORT --token TOKEN --workspace structure-1 --clients 32 --seconds 20
//! ```
//!
//! Each client loops `GET /api/v1/partnerships/{id}` then `PUT` of the same partnership with
//! the `version` it read and its notes changed (original notes + a counter). The
//! partnerships are distinct, so any 409 is a bug. At the end, for every partnership: the
//! version must have grown by exactly the number of 200 answers its client got, its
//! history must hold as many more `update` entries, and its notes must be the last ones
//! sent. Prints throughput, latency percentiles and error counts; exits 1 on any error or
//! lost update.

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};
use clap::Parser;
use serde_json::{Value, json};

#[derive(Parser)]
struct Args {
    /// Server address, e.g. http://127.0.0.1:8080
    #[arg(long)]
    base: String,
    /// API token of an editor of the workspace.
    #[arg(long, env = "BENCH_TOKEN")]
    token: String,
    #[arg(long)]
    workspace: String,
    #[arg(long, default_value_t = 32)]
    clients: usize,
    #[arg(long, default_value_t = 20.0)]
    seconds: f64,
}

/// What one client saw.
#[derive(Default)]
struct Tally {
    id: i64,
    initial_version: i64,
    initial_updates: usize,
    /// PUTs answered 200 with the next version.
    saved: u64,
    last_notes: Option<String>,
    get_ms: Vec<f64>,
    put_ms: Vec<f64>,
    /// GET then PUT, for the saved edits.
    edit_ms: Vec<f64>,
    /// Status code (or "transport") → count, with the first body seen for each.
    errors: BTreeMap<String, (u64, String)>,
    locked: u64,
}

impl Tally {
    fn error(&mut self, key: String, body: &str) {
        if body.contains("database is locked") {
            self.locked += 1;
        }
        let e = self
            .errors
            .entry(key)
            .or_insert_with(|| (0, body.chars().take(300).collect()));
        e.0 += 1;
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    // Nearest rank.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The body a PUT takes, from what a GET returned.
fn input_from(view: &Value, notes: &str) -> Value {
    let ids = |key: &str| -> Vec<Value> {
        view[key]
            .as_array()
            .map(|a| a.iter().map(|x| x["id"].clone()).collect())
            .unwrap_or_default()
    };
    let forms: Vec<Value> = view["forms"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    json!({
                        "form": f["form"], "started_on": f["started_on"],
                        "ended_on": f["ended_on"], "note": f["note"],
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let objectives: Vec<Value> = view["objectives"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| json!({"party": o["party"], "rank": o["rank"], "text": o["text"]}))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "title": view["title"], "status": view["status"], "involvement": view["involvement"],
        "priority": view["priority"], "potential": view["potential"], "means": view["means"],
        "governance": view["governance"], "notes": notes, "partners": ids("partners"),
        "forms": forms, "objectives": objectives, "holders": ids("holders"),
        "version": view["version"],
    })
}

async fn get_json(http: &reqwest::Client, url: &str, token: &str) -> Result<Value> {
    let r = http.get(url).bearer_auth(token).send().await?;
    let status = r.status();
    let body = r.text().await?;
    if !status.is_success() {
        bail!("GET {url}: {status} {body}");
    }
    Ok(serde_json::from_str(&body)?)
}

async fn update_count(http: &reqwest::Client, base: &str, token: &str, id: i64) -> Result<usize> {
    let h = get_json(
        http,
        &format!("{base}/api/v1/partnerships/{id}/history"),
        token,
    )
    .await?;
    Ok(h.as_array()
        .context("history is not a list")?
        .iter()
        .filter(|e| e["action"] == "update")
        .count())
}

async fn client(
    http: reqwest::Client,
    base: String,
    token: String,
    mut t: Tally,
    until: Instant,
    client_no: usize,
) -> Tally {
    let url = format!("{base}/api/v1/partnerships/{}", t.id);
    let mut original_notes: Option<String> = None;
    let mut n = 0u64;
    while Instant::now() < until {
        let t0 = Instant::now();
        let view: Value = match http.get(&url).bearer_auth(&token).send().await {
            Ok(r) => {
                let status = r.status();
                let body = r.text().await.unwrap_or_default();
                t.get_ms.push(ms(t0.elapsed()));
                if !status.is_success() {
                    t.error(format!("GET {}", status.as_u16()), &body);
                    continue;
                }
                match serde_json::from_str(&body) {
                    Ok(v) => v,
                    Err(e) => {
                        t.error("GET bad json".into(), &e.to_string());
                        continue;
                    }
                }
            }
            Err(e) => {
                t.error("GET transport".into(), &e.to_string());
                continue;
            }
        };
        let original = original_notes
            .get_or_insert_with(|| view["notes"].as_str().unwrap_or_default().to_owned());
        n += 1;
        let notes = format!("{original}\n[banc client {client_no} modification {n}]")
            .trim()
            .to_owned();
        let sent_version = view["version"].as_i64().unwrap_or(-1);
        let t1 = Instant::now();
        match http
            .put(&url)
            .bearer_auth(&token)
            .json(&input_from(&view, &notes))
            .send()
            .await
        {
            Ok(r) => {
                let status = r.status();
                let body = r.text().await.unwrap_or_default();
                t.put_ms.push(ms(t1.elapsed()));
                if !status.is_success() {
                    t.error(format!("PUT {}", status.as_u16()), &body);
                    continue;
                }
                let saved: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                if saved["version"].as_i64() != Some(sent_version + 1) || saved["notes"] != notes {
                    t.error("PUT 200 with unexpected version or notes".into(), &body);
                    continue;
                }
                t.saved += 1;
                t.last_notes = Some(notes);
                t.edit_ms.push(ms(t0.elapsed()));
            }
            Err(e) => t.error("PUT transport".into(), &e.to_string()),
        }
    }
    t
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let base = args.base.trim_end_matches('/').to_owned();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.clients)
        .timeout(Duration::from_secs(60))
        .build()?;

    let list = get_json(
        &http,
        &format!(
            "{base}/api/v1/workspaces/{}/partnerships?sort=title&per_page={}",
            args.workspace, args.clients
        ),
        &args.token,
    )
    .await?;
    let ids: Vec<i64> = list["items"]
        .as_array()
        .context("no items in the list")?
        .iter()
        .filter_map(|p| p["id"].as_i64())
        .collect();
    if ids.len() < args.clients {
        bail!(
            "the workspace holds {} partnerships, {} clients need as many",
            ids.len(),
            args.clients
        );
    }
    let mut tallies = vec![];
    for &id in &ids {
        let view = get_json(
            &http,
            &format!("{base}/api/v1/partnerships/{id}"),
            &args.token,
        )
        .await?;
        tallies.push(Tally {
            id,
            initial_version: view["version"].as_i64().context("no version")?,
            initial_updates: update_count(&http, &base, &args.token, id).await?,
            ..Tally::default()
        });
    }

    let start = Instant::now();
    let until = start + Duration::from_secs_f64(args.seconds);
    let handles: Vec<_> = tallies
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            tokio::spawn(client(
                http.clone(),
                base.clone(),
                args.token.clone(),
                t,
                until,
                i + 1,
            ))
        })
        .collect();
    let mut done = vec![];
    for h in handles {
        done.push(h.await?);
    }
    let elapsed = start.elapsed().as_secs_f64();

    // Lost updates: the server's count of versions and history against the client's.
    let mut lost = 0i64;
    let mut mismatched = 0;
    let mut wrong_notes = 0;
    for t in &done {
        let view = get_json(
            &http,
            &format!("{base}/api/v1/partnerships/{}", t.id),
            &args.token,
        )
        .await?;
        let version = view["version"].as_i64().context("no version")?;
        let updates = update_count(&http, &base, &args.token, t.id).await?;
        let expected = t.initial_version + t.saved as i64;
        if version != expected || updates != t.initial_updates + t.saved as usize {
            eprintln!(
                "partnership {}: version {version}, expected {expected}; {} update entries in history, expected {}",
                t.id,
                updates,
                t.initial_updates + t.saved as usize
            );
            lost += (expected - version).abs();
            mismatched += 1;
        }
        if let Some(notes) = &t.last_notes
            && view["notes"] != notes.as_str()
        {
            eprintln!("partnership {}: notes are not the last ones saved", t.id);
            wrong_notes += 1;
        }
    }

    let mut get_ms: Vec<f64> = done.iter().flat_map(|t| t.get_ms.iter().copied()).collect();
    let mut put_ms: Vec<f64> = done.iter().flat_map(|t| t.put_ms.iter().copied()).collect();
    let mut edit_ms: Vec<f64> = done
        .iter()
        .flat_map(|t| t.edit_ms.iter().copied())
        .collect();
    for v in [&mut get_ms, &mut put_ms, &mut edit_ms] {
        v.sort_by(f64::total_cmp);
    }
    let saved: u64 = done.iter().map(|t| t.saved).sum();
    let locked: u64 = done.iter().map(|t| t.locked).sum();
    let mut errors: BTreeMap<String, (u64, String)> = BTreeMap::new();
    for t in &done {
        for (k, (n, body)) in &t.errors {
            let e = errors.entry(k.clone()).or_insert((0, body.clone()));
            e.0 += n;
        }
    }
    let error_count: u64 = errors.values().map(|e| e.0).sum();
    let per_client: Vec<u64> = done.iter().map(|t| t.saved).collect();

    println!(
        "clients {} (one partnership each), {:.1} s",
        done.len(),
        elapsed
    );
    println!(
        "saved edits {saved}: {:.1} edits/s ({:.1} requests/s, GET + PUT); per client min {} max {}",
        saved as f64 / elapsed,
        (get_ms.len() + put_ms.len()) as f64 / elapsed,
        per_client.iter().min().unwrap_or(&0),
        per_client.iter().max().unwrap_or(&0)
    );
    for (name, v) in [
        ("GET", &get_ms),
        ("PUT", &put_ms),
        ("edit (GET+PUT)", &edit_ms),
    ] {
        println!(
            "{name:<15} n {:>7}  p50 {:>8.2} ms  p90 {:>8.2} ms  p99 {:>8.2} ms  max {:>8.2} ms",
            v.len(),
            percentile(v, 50.0),
            percentile(v, 90.0),
            percentile(v, 99.0),
            v.last().copied().unwrap_or(f64::NAN)
        );
    }
    println!("errors {error_count} ('database is locked': {locked})");
    for (k, (n, body)) in &errors {
        println!("  {k}: {n}  e.g. {body}");
    }
    println!(
        "lost updates: {lost} (partnerships whose version or history count is off: {mismatched}; \
         whose final notes are not the last saved: {wrong_notes})"
    );
    let ok = error_count == 0 && mismatched == 0 && wrong_notes == 0 && saved > 0;
    println!("verdict: {}", if ok { "PASS" } else { "FAIL" });
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}
