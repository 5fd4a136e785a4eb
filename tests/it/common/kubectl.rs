//! What tests read back through `kubectl`: its tables, cell by cell, and the few questions many
//! tests ask (the first node, the node names, the myapp pods that are Ready).

use eksauto_sim::SimHandle;
use serde_json::Value;

use super::commands::kubectl_ok;
use super::world::says_ready;

/// The header cells of a kubectl table.
pub fn header(table: &str) -> Vec<&str> {
    table
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect()
}

/// The whitespace-separated cells of the line whose first cell is `name`.
pub fn row<'a>(table: &'a str, name: &str) -> Vec<&'a str> {
    table
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|c| c.first() == Some(&name))
        .unwrap_or_else(|| panic!("no row {name} in:\n{table}"))
}

/// The whitespace-separated cells of the first line containing `needle`.
pub fn row_containing<'a>(table: &'a str, needle: &str) -> Vec<&'a str> {
    table
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle} in:\n{table}"))
        .split_whitespace()
        .collect()
}

/// The name of the first node kubectl lists.
pub async fn first_node(sim: &SimHandle) -> String {
    kubectl_ok(
        sim,
        &["get", "nodes", "-o", "jsonpath={.items[0].metadata.name}"],
    )
    .await
}

/// The names of the nodes, as kubectl lists them.
pub async fn node_names(sim: &SimHandle) -> Vec<String> {
    kubectl_ok(sim, &["get", "nodes", "-o", "name"])
        .await
        .lines()
        .map(|l| l.trim_start_matches("node/").to_string())
        .collect()
}

/// myapp pods that are Ready and not being deleted, as kubectl sees them.
pub async fn ready_myapp_pods(sim: &SimHandle) -> Vec<String> {
    let out = kubectl_ok(sim, &["get", "pods", "-l", "app=myapp", "-o", "json"]).await;
    let list: Value = serde_json::from_str(&out).unwrap();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .filter(|p| says_ready(p))
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}
