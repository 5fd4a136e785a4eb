//! Benchmark: the emulator at the `large` scenario's size (5,000 nodes, 100,000 pods).
//!
//! Measures the load (scenario + warm-up until every pod runs), a full pod list answered in one
//! response (raw bytes over HTTP, and decoded by kube-rs into typed Pods), the paged list a kube-rs
//! reflector makes (500 per page), an idle minute of virtual time, and the process's resident memory.
//! Run: `cargo bench --bench sim_large` (prints a table; no assertions — numbers go in the README).

use std::time::{Duration, Instant};

use eksauto::sim::{self, ClockMode, SimOptions};
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
    let mut pages = 0;
    let mut path = "/api/v1/pods?limit=500".to_string();
    loop {
        let page = raw_get(&sim.kube_url, &path).await;
        pages += 1;
        match continue_token(&page) {
            Some(token) => path = format!("/api/v1/pods?limit=500&continue={token}"),
            None => break,
        }
    }
    row(
        "paged pod list, 500 per page (raw HTTP, server side only)",
        t.elapsed(),
        &format!("{pages} pages"),
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
}
