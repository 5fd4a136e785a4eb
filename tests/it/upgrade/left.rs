//! Leaving the upgrade's live view with `q` while the rotation goes on: the report says it was left
//! running with how many nodes on the target (`outcome: left`, `complete: false`), the command says
//! how to re-attach, and the exit code is 4 — never the 0 of a finished upgrade.

use std::time::Duration;

use crate::common::{self, Tmux};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn q_during_the_rotation_leaves_it_running_and_says_so() {
    let sim = common::start_sim_fast("article", 20.0).await;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let tmux = Tmux::start(
        &sim,
        "left",
        (200, 50),
        &format!("upgrade --to 1.31 --yes --report {}", report.display()),
    );
    let s = tmux
        .wait_screen("rotation view", Duration::from_secs(120), |s| {
            s.contains("Rotation to 1.31") && s.contains("nodes on 1.31")
        })
        .await;
    assert!(s.contains("q quit"), "{s}");
    tmux.send_keys("q").await;
    let s = tmux
        .wait_screen("EXIT=", Duration::from_secs(30), |s| {
            s.lines().any(|l| l.starts_with("EXIT="))
        })
        .await;
    assert!(s.contains("EXIT=4"), "leaving is not success:\n{s}");
    assert!(s.contains("left running"), "{s}");
    assert!(!s.contains("Every node runs"), "{s}");
    assert!(s.contains("Re-attach with: eksauto upgrade"), "{s}");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["outcome"], "left", "{r}");
    assert_eq!(r["complete"], false, "{r}");
    let (on, total) = (
        r["nodesOnTarget"].as_u64().unwrap(),
        r["nodesTotal"].as_u64().unwrap(),
    );
    assert!(total >= 2 && on < total, "{r}");
    assert!(
        s.contains(&format!("with {on} of {total} nodes on 1.31")),
        "{s}"
    );
}
