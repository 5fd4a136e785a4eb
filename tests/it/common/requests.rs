//! The emulator's request log (`/_sim/requests`): what the clients asked, and what they changed.

use std::time::{Duration, Instant};

use eksauto_sim::SimHandle;
use serde_json::Value;

use super::http::http;

/// The emulator's request log (`GET /_sim/requests`).
pub async fn request_log(sim: &SimHandle) -> Vec<Value> {
    let url = format!("{}/_sim/requests", sim.aws_url);
    let answer = http("GET", &url, &[], "", Duration::from_secs(30)).await;
    serde_json::from_str(&answer.body).expect("request log is JSON")
}

/// Empties the request log (`DELETE /_sim/requests`).
pub async fn clear_request_log(sim: &SimHandle) {
    let url = format!("{}/_sim/requests", sim.aws_url);
    http("DELETE", &url, &[], "", Duration::from_secs(5)).await;
}

/// Mutating requests in the request log.
pub async fn mutating_requests(sim: &SimHandle) -> Vec<Value> {
    request_log(sim)
        .await
        .into_iter()
        .filter(|r| r["mutating"] == true)
        .collect()
}

/// The operations of the mutating requests in the request log, in order.
pub async fn mutating_operations(sim: &SimHandle) -> Vec<String> {
    mutating_requests(sim)
        .await
        .iter()
        .map(|r| r["operation"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// How many `operation` requests (`"watch nodes"`) the emulator has served so far.
pub async fn requests_named(sim: &SimHandle, operation: &str) -> usize {
    request_log(sim)
        .await
        .iter()
        .filter(|r| r["operation"] == operation)
        .count()
}

/// Waits (real time) until the emulator has served `n` `operation` requests; whether it did
/// within `within`.
pub async fn wait_for_requests(
    sim: &SimHandle,
    operation: &str,
    n: usize,
    within: Duration,
) -> bool {
    let started = Instant::now();
    while requests_named(sim, operation).await < n {
        if started.elapsed() >= within {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    true
}
