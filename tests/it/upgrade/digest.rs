//! Plain output at scale (the real binary, no terminal): a 100-node, 4,000-pod cluster upgraded
//! at 60 times real speed reads as a few digest lines per 5 s — counts per kind, Karpenter events
//! grouped by reason — with progress lines and the verdict, far fewer lines than changes; `watch
//! pods` counts the pods present instead of printing 4,000 lines.

use std::time::Duration;

use crate::common::{self, Streaming};

/// A feed line starts with its RFC 3339 time.
fn is_feed(l: &str) -> bool {
    l.len() > 20 && l.as_bytes()[4] == b'-' && l.as_bytes()[10] == b'T'
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_node_upgrade_without_a_terminal_is_digested_and_ends_done() {
    let sim = common::start_sim_fast(&common::test_scenario("fleet-small.yaml"), 60.0).await;
    let mut cmd = common::eksauto(
        &sim,
        [
            "upgrade",
            "--to",
            "1.31",
            "--yes",
            "--ignore-preflight",
            "--timeout",
            "5m",
        ],
    );
    cmd.stdin(std::process::Stdio::null());
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let feed: Vec<&str> = out.lines().filter(|l| is_feed(l)).collect();
    let all = feed.join("\n");
    let digests: Vec<&&str> = feed
        .iter()
        .filter(|l| l.contains(" in the last 5s: "))
        .collect();
    assert!(!digests.is_empty(), "no digest line:\n{all}");
    assert!(
        feed.iter()
            .any(|l| l.contains(" events in the last 5s: ") && l.contains(" on ")),
        "no grouped event line:\n{all}"
    );
    // 100 nodes replaced make thousands of changes (each node about 8 lines, 4,000 pods moved,
    // their events): a few hundred lines at most say them.
    assert!(feed.len() < 400, "{} feed lines:\n{all}", feed.len());
    let progress: Vec<&&str> = feed
        .iter()
        .filter(|l| l.contains(" rotation 1.31 ") && l.contains(" nodes on 1.31 · "))
        .collect();
    assert!(progress.len() >= 2, "{all}");
    assert!(
        progress.iter().any(|l| l.contains(" pods rescheduled")),
        "{all}"
    );
    assert!(
        feed.last()
            .unwrap()
            .ends_with("every node runs 1.31; no PDB was violated"),
        "the verdict comes last:\n{all}"
    );
    assert!(
        err.contains("control plane update ") && err.contains(": Successful"),
        "the control plane's state is said without a terminal: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_pods_counts_thousands_of_present_pods_by_status() {
    let sim = common::start_sim(&common::test_scenario("fleet-small.yaml"), true).await;
    let mut cmd = common::eksauto(&sim, ["watch", "pods", "-A"]);
    cmd.stdin(std::process::Stdio::null());
    let mut w = Streaming::spawn(cmd);
    let present = w
        .wait_for("the present pods", Duration::from_secs(60), |l| {
            l.contains(" present")
        })
        .await;
    assert!(
        present.contains(" pods present: 4,000 (4,000 Running); --once lists each"),
        "{present}"
    );
    assert_eq!(w.exit_within(Duration::from_millis(10)).await, None);
}
