//! The live runtime as a user meets it: leaving the upgrade's rotation view with `q` is reported
//! as left running (never as done); `watch nodes` without a terminal starts with the nodes that
//! exist; credentials the API server refuses end a view at once with one line, after a handful of
//! requests.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::tmux::Tmux;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_nodes_without_a_terminal_starts_with_every_node() {
    let sim = common::start_sim("article", true).await;
    let mut cmd = common::eksauto(&sim);
    cmd.args(["watch", "nodes"]).stdin(Stdio::null());
    let started = Instant::now();
    let watch = common::Streaming::spawn(cmd);
    let line = watch
        .wait_for(
            "a line for the existing node",
            Duration::from_secs(5),
            |l| l.contains(" node i-"),
        )
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(line.contains("Ready") && line.contains("v1.30"), "{line}");
}

/// A kubeconfig for the emulator's API server with a token it refuses.
fn refused_kubeconfig(sim: &eksauto_sim::SimHandle, dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: not-a-token-it-knows\n",
            sim.kube_url
        ),
    )
    .unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_end_a_view_with_one_line() {
    let sim = common::start_sim("article", true).await;
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = refused_kubeconfig(&sim, dir.path());
    for args in [
        &["watch", "nodes", "--once"][..],
        &["watch", "rotation", "--to", "1.31"][..],
    ] {
        let before = common::requests_named(&sim, "refused").await;
        let mut cmd = common::eksauto(&sim);
        cmd.args(args)
            .env("KUBECONFIG", &kubeconfig)
            .stdin(Stdio::null());
        let started = Instant::now();
        let (code, out, err) = common::run(cmd).await;
        assert!(started.elapsed() < Duration::from_secs(10), "{args:?}");
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{out}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("error: ") && err.contains("refused the credentials"),
            "{err}"
        );
        let refused = common::requests_named(&sim, "refused").await - before;
        assert!(
            (1..=20).contains(&refused),
            "{args:?}: {refused} refused requests"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forbidden_watch_ends_the_view_after_one_fresh_credential() {
    let sim = common::start_sim("article", true).await;
    eksauto_sim::world::lock(&sim.world)
        .faults
        .errors
        .push(eksauto_sim::faults::ErrorFault {
            operation: "kubernetes:list nodes".into(),
            kind: eksauto_sim::faults::ErrorKind::AccessDenied,
            count: None,
        });
    let mut cmd = common::eksauto(&sim);
    cmd.args(["watch", "nodes", "--once"]).stdin(Stdio::null());
    let started = Instant::now();
    let (code, out, err) = common::run(cmd).await;
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("403 Forbidden") && err.contains("watch of"),
        "{err}"
    );
    // One list, and one more with fresh credentials: no loop.
    let lists = common::requests_named(&sim, "list nodes").await;
    assert!(
        (1..=4).contains(&lists),
        "{lists} lists of nodes, not a handful"
    );
}
