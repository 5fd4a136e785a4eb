//! Benchmark: the emulator at the `large` scenario's size (5,000 nodes, 100,000 pods).
//!
//! Measures the load (scenario + warm-up until every pod runs), a full pod list answered in one
//! response (raw bytes over HTTP, and decoded by kube-rs into typed Pods), the paged list a kube-rs
//! reflector makes (500 per page), an idle minute of virtual time, the process's resident memory,
//! and a rotation storm (every node drifted at once): engine tick time, and node list, paged pod
//! list and watch-event latency while the clock runs at 60× real time.
//! Run: `cargo bench -p eksauto-sim --bench sim_large` (prints a table; no assertions — numbers go in the README).

use std::time::{Duration, Instant};

use eksauto_sim::{self as sim, ClockMode, SimOptions};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Resident set size of this process, in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kib| kib / 1024.0)
        .unwrap_or(0.0)
}

/// GET `path` from `base` with a plain HTTP/1.1 request; returns the whole response.
async fn raw_get(base: &str, path: &str) -> Vec<u8> {
    let host = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut body = Vec::with_capacity(64 << 20);
    stream.read_to_end(&mut body).await.expect("read");
    body
}

/// The list's `metadata.continue`, found without decoding the whole page.
fn continue_token(page: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(page);
    let start = text.find("\"continue\":\"")? + "\"continue\":\"".len();
    let end = text[start..].find('"')?;
    Some(text[start..start + end].to_string()).filter(|t| !t.is_empty())
}

/// The status code of a raw HTTP response.
fn status_code(response: &[u8]) -> u16 {
    let head = String::from_utf8_lossy(&response[..response.len().min(32)]).to_string();
    head.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// How a paged list went: the pages answered with 200, and the status that ended it early.
struct Paged {
    pages: usize,
    failed: Option<u16>,
}

impl Paged {
    fn describe(&self) -> String {
        match self.failed {
            None => format!("{} pages, complete", self.pages),
            Some(code) => format!("failed after {} pages ({code})", self.pages),
        }
    }
}

/// Lists every pod 500 at a time over raw HTTP, as a reflector pages, to the end or to the first
/// error.
async fn paged_pod_list(base: &str) -> Paged {
    let mut pages = 0;
    let mut path = "/api/v1/pods?limit=500".to_string();
    loop {
        let page = raw_get(base, &path).await;
        let code = status_code(&page);
        if code != 200 {
            return Paged {
                pages,
                failed: Some(code),
            };
        }
        pages += 1;
        match continue_token(&page) {
            Some(token) => path = format!("/api/v1/pods?limit=500&continue={token}"),
            None => {
                return Paged {
                    pages,
                    failed: None,
                }
            }
        }
    }
}

fn row(what: &str, took: Duration, extra: &str) {
    println!(
        "{what:<58} {:>9.1} ms  {extra}",
        took.as_secs_f64() * 1000.0
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let before = rss_mib();
    let t = Instant::now();
    let sim = sim::start(SimOptions {
        scenario: Some("large".into()),
        clock: ClockMode::Manual,
        ..Default::default()
    })
    .await
    .expect("large scenario starts");
    let load = t.elapsed();
    let loaded = rss_mib();
    let (nodes, pods, running) = {
        let w = sim.world.lock().unwrap();
        let pods = w.kube.iter(sim::store::Res::Pods);
        let running = pods.filter(|p| p["status"]["phase"] == "Running").count();
        (
            w.kube.len(sim::store::Res::Nodes),
            w.kube.len(sim::store::Res::Pods),
            running,
        )
    };
    println!("emulator at scale: {nodes} nodes, {pods} pods ({running} Running)");
    row(
        "load `large` (parse, seed, warm-up until pods run)",
        load,
        "",
    );

    let t = Instant::now();
    let bytes = raw_get(&sim.kube_url, "/api/v1/pods").await.len();
    row(
        "full pod list, one response (raw HTTP)",
        t.elapsed(),
        &format!("{:.1} MiB", bytes as f64 / 1048576.0),
    );

    let t = Instant::now();
    let paged = paged_pod_list(&sim.kube_url).await;
    row(
        "paged pod list, 500 per page (raw HTTP, server side only)",
        t.elapsed(),
        &paged.describe(),
    );

    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::read_from(&sim.kubeconfig).expect("kubeconfig"),
        &Default::default(),
    )
    .await
    .expect("kube config");
    let client = kube::Client::try_from(config).expect("kube client");
    let api: Api<Pod> = Api::all(client);

    let t = Instant::now();
    let all = api.list(&ListParams::default()).await.expect("list");
    row(
        "full pod list, one response (kube-rs, typed)",
        t.elapsed(),
        &format!("{} pods", all.items.len()),
    );
    drop(all);

    let t = Instant::now();
    let mut seen = 0;
    let mut params = ListParams::default().limit(500);
    loop {
        let page = api.list(&params).await.expect("page");
        seen += page.items.len();
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => break,
        }
    }
    row(
        "paged pod list, 500 per page (kube-rs, as a reflector lists)",
        t.elapsed(),
        &format!("{seen} pods"),
    );

    let t = Instant::now();
    sim.advance(Duration::from_secs(60));
    row("one idle virtual minute (60 engine ticks)", t.elapsed(), "");

    println!(
        "resident memory: {before:.0} MiB before, {loaded:.0} MiB loaded, {:.0} MiB after the lists",
        rss_mib()
    );
    rotation_storm(&sim).await;
}

/// The control plane is on 1.31: every one of the 5,000 nodes drifts at once. Measures the engine's
/// ticks under the manual clock, then the API's answers while the clock runs at 60× real time.
async fn rotation_storm(sim: &sim::SimHandle) {
    println!("rotation storm (control plane on 1.31, every node drifted):");
    if let Some(c) = sim.world.lock().unwrap().kube_cluster_mut() {
        c.version = "1.31".into();
    }
    let mut ticks = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        sim.advance(Duration::from_secs(1));
        ticks.push(t.elapsed());
    }
    ticks.sort();
    row(
        "engine tick during the storm, median of 30",
        ticks[ticks.len() / 2],
        &format!(
            "max {:.1} ms",
            ticks[ticks.len() - 1].as_secs_f64() * 1000.0
        ),
    );

    let clock = tokio::spawn(sim::clock::run(sim.world.clone(), 60.0));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut lists = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let bytes = raw_get(&sim.kube_url, "/api/v1/nodes").await.len();
        lists.push((t.elapsed(), bytes));
    }
    lists.sort();
    row(
        "full node list at 60x speed, median of 5",
        lists[2].0,
        &format!(
            "{:.1} MiB, max {:.0} ms",
            lists[2].1 as f64 / 1048576.0,
            lists[4].0.as_secs_f64() * 1000.0
        ),
    );
    let t = Instant::now();
    let paged = paged_pod_list(&sim.kube_url).await;
    row(
        "paged pod list at 60x speed, 500 per page (raw HTTP)",
        t.elapsed(),
        &paged.describe(),
    );
    let mut delays = Vec::new();
    let mut writes = Vec::new();
    for i in 0..10 {
        let (wrote, seen) = watch_event_delay(sim, i).await;
        writes.push(wrote);
        delays.extend(seen);
    }
    writes.sort();
    delays.sort();
    let lost = 10 - delays.len();
    match (delays.get(delays.len() / 2), delays.last()) {
        (Some(median), Some(max)) => row(
            "watch event after a write at 60x speed, median of 10",
            *median,
            &format!(
                "max {:.0} ms; the write itself took {:.0} ms (median), max {:.0} ms; {lost} lost",
                max.as_secs_f64() * 1000.0,
                writes[5].as_secs_f64() * 1000.0,
                writes[9].as_secs_f64() * 1000.0
            ),
        ),
        _ => println!("watch event after a write at 60x speed: all 10 watches ended without it"),
    }
    clock.abort();
    let (now, started) = {
        let w = sim.world.lock().unwrap();
        (w.now, w.started)
    };
    println!(
        "virtual time after the storm: {}s since the scenario started; resident memory {:.0} MiB",
        now.duration_since(started).as_secs(),
        rss_mib()
    );
}

/// Opens a watch on one node, labels it through the API, and returns (how long the PATCH took,
/// how long after the PATCH's answer the MODIFIED event arrived; `None` when the watch ended
/// without it).
async fn watch_event_delay(sim: &sim::SimHandle, i: usize) -> (Duration, Option<Duration>) {
    let node = {
        let w = sim.world.lock().unwrap();
        let n = w
            .kube
            .iter(sim::store::Res::Nodes)
            .nth(i)
            .cloned()
            .expect("a node");
        n["metadata"]["name"].as_str().unwrap().to_string()
    };
    let host = sim.kube_url.trim_start_matches("http://").to_string();
    let mut watch = tokio::net::TcpStream::connect(&host)
        .await
        .expect("connect");
    let request = format!(
        "GET /api/v1/nodes?watch=true&fieldSelector=metadata.name%3D{node} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n"
    );
    watch.write_all(request.as_bytes()).await.expect("write");
    let mut buf = vec![0u8; 1 << 20];
    // the initial ADDED event
    let _ = watch.read(&mut buf).await;
    let marker = format!("bench-{i}");
    let body = format!(r#"{{"metadata":{{"labels":{{"bench":"{marker}"}}}}}}"#);
    let t = Instant::now();
    let mut patch = tokio::net::TcpStream::connect(&host)
        .await
        .expect("connect");
    let request = format!(
        "PATCH /api/v1/nodes/{node} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/merge-patch+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    patch.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    patch.read_to_end(&mut answer).await.expect("read");
    let wrote = t.elapsed();
    let after = Instant::now();
    let mut seen = String::new();
    while !seen.contains(&marker) {
        let n = watch.read(&mut buf).await.expect("read");
        if n == 0 {
            return (wrote, None);
        }
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    (wrote, Some(after.elapsed()))
}
