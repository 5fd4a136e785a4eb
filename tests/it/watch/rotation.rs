//! `eksauto watch rotation` (the real binary, no terminal) following node rotations on the emulator
//! while the real `aws` CLI and `kubectl` act on the cluster: the article's upgrade ends with exit 0
//! and a PDB that held at 8 of 8; three myapp pods deleted behind the PDB's back mid-rotation are
//! reported as a violation and turn the exit code to 1; the blocked scenario's stalled rotation is
//! explained by name (PDB, NodePool budget, do-not-disrupt pod, the drain's grace period) before
//! `--timeout` ends it with 3; and bad flags fail with 2 before anything is touched.

use crate::common::{self, kubectl_ok as kubectl, node_names, Refusal, Streaming};

use std::time::{Duration, Instant};

use eksauto_sim::SimHandle;
use serde_json::Value;

/// Starts the control-plane update with the real aws CLI.
async fn update_cluster(sim: &SimHandle, version: &str, force: bool) {
    let answer = common::cli_update_cluster_version(sim, version, force).await;
    assert_eq!(answer["update"]["status"], "InProgress", "{answer}");
}

fn watch(sim: &SimHandle, args: &[&str]) -> Streaming {
    let mut cmd = common::eksauto(sim, ["watch", "rotation"]);
    cmd.args(args);
    Streaming::spawn(cmd)
}

/// The JSON lines whose `kind` and `event` are these.
fn pick<'a>(lines: &'a [Value], kind: &str, event: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|l| l["kind"] == kind && l["event"] == event)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_article_upgrade_ends_with_every_node_on_1_31_and_the_pdb_held() {
    let sim = common::start_sim("article", true).await;
    let old = node_names(&sim).await;
    assert_eq!(old.len(), 1);
    let mut w = watch(&sim, &["--to", "1.31", "-o", "json"]);
    let first = w
        .wait_for("the first progress line", Duration::from_secs(30), |l| {
            l.contains("\"progress\"")
        })
        .await;
    let mut seen = vec![first];
    update_cluster(&sim, "1.31", false).await;
    let started = Instant::now();
    let code = common::drive(&sim, &mut w, &mut seen, 3000, |_| false).await;
    eprintln!("rotation watched in {:?}", started.elapsed());

    let lines: Vec<Value> = seen
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let all = seen.join("\n");
    assert_eq!(code, Some(0), "{all}");
    for l in &lines {
        assert!(l["time"].as_str().is_some_and(|t| t.ends_with('Z')), "{l}");
        for key in ["kind", "event", "name", "text"] {
            assert!(l[key].is_string(), "{key} in {l}");
        }
        let kinds = [
            "node", "pod", "pdb", "nodepool", "event", "watch", "rotation",
        ];
        assert!(kinds.contains(&l["kind"].as_str().unwrap()), "{l}");
        assert!(l.get("seconds").is_none_or(Value::is_i64), "{l}");
    }
    let first = lines[0]["text"].as_str().unwrap();
    assert!(
        first.starts_with("0/1 nodes on 1.31 · ") && first.ends_with(" · 0 violations"),
        "{all}"
    );

    let joined = pick(&lines, "node", "joined");
    let removed = pick(&lines, "node", "removed");
    assert_eq!(joined.len(), 1, "one node joined:\n{all}");
    assert_eq!(removed.len(), 1, "one node removed:\n{all}");
    assert_eq!(removed[0]["name"], old[0].as_str(), "{all}");
    let new = joined[0]["name"].as_str().unwrap();
    assert_ne!(new, old[0]);
    assert!(
        joined[0]["text"].as_str().unwrap().contains(" v1.31."),
        "{all}"
    );
    assert_eq!(node_names(&sim).await, [new], "kubectl agrees on the nodes");
    let versions = kubectl(
        &sim,
        &[
            "get",
            "nodes",
            "-o",
            "jsonpath={.items[*].status.nodeInfo.kubeletVersion}",
        ],
    )
    .await;
    assert!(versions.starts_with("v1.31."), "{versions}");

    assert!(pick(&lines, "pdb", "violated").is_empty(), "{all}");
    let pdb = pick(&lines, "rotation", "pdb");
    let texts: Vec<&str> = pdb.iter().map(|l| l["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        ["PDB default/myapp lowest healthy 8 of required 8, 0 violation(s)"],
        "{all}"
    );
    let done = pick(&lines, "rotation", "complete");
    assert_eq!(done.len(), 1, "{all}");
    assert_eq!(
        done[0]["text"], "every node runs 1.31; no PDB was violated",
        "{all}"
    );
    assert_eq!(
        lines.last().unwrap(),
        done[0],
        "the complete line is the last"
    );
    let writes: Vec<Value> = common::mutating_requests(&sim)
        .await
        .into_iter()
        .map(|r| r["operation"].clone())
        .collect();
    assert_eq!(writes, ["UpdateClusterVersion"], "the watch wrote nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pods_deleted_behind_the_pdbs_back_are_a_violation_and_exit_1() {
    let sim = common::start_sim("article", true).await;
    let old = node_names(&sim).await.remove(0);
    let mut w = watch(&sim, &["--to", "1.31"]);
    let first = w
        .wait_for("the first progress line", Duration::from_secs(30), |l| {
            l.contains(" rotation 1.31 0/1 nodes on 1.31")
        })
        .await;
    let mut seen = vec![first];
    update_cluster(&sim, "1.31", false).await;
    let draining = format!(" node {old} tainted karpenter.sh/disrupted");
    let stopped = common::drive(&sim, &mut w, &mut seen, 3000, |l| l.contains(&draining)).await;
    assert_eq!(stopped, None, "{}", seen.join("\n"));

    // The clock stands still: these three are Ready right now.
    let ready = common::ready_myapp_pods(&sim).await;
    assert!(ready.len() >= 3, "{ready:?}");
    let victims = &ready[..3];
    let mut args = vec!["delete", "pod", "--wait=false"];
    args.extend(victims.iter().map(String::as_str));
    let out = kubectl(&sim, &args).await;
    assert_eq!(out.matches("deleted").count(), 3, "{out}");
    let healthy_after = ready.len() - 3;

    let code = common::drive(&sim, &mut w, &mut seen, 3000, |_| false).await;
    let all = seen.join("\n");
    assert_eq!(code, Some(1), "{all}");
    let violated: Vec<&String> = seen
        .iter()
        .filter(|l| l.contains(" pdb default/myapp violated: "))
        .collect();
    assert_eq!(violated.len(), 1, "{all}");
    assert!(
        violated[0].ends_with(&format!(
            "violated: {healthy_after} healthy of 10, 8 required"
        )),
        "{all}"
    );
    assert!(
        seen.iter()
            .any(|l| l.contains(" pdb default/myapp recovered: ")),
        "{all}"
    );
    // Progress after the violation keeps counting it, recovered or not.
    assert!(
        seen.iter()
            .any(|l| l.contains(" rotation 1.31 ") && l.ends_with(" · 1 violation")),
        "{all}"
    );
    let lowest = format!("lowest healthy {healthy_after} of required 8, 1 violation(s)");
    assert!(
        seen.iter()
            .any(|l| l.contains(" rotation 1.31 PDB default/myapp ") && l.ends_with(&lowest)),
        "{all}"
    );
    let last = seen.last().unwrap();
    assert!(
        last.ends_with(&format!(
            " rotation 1.31 every node runs 1.31; PDB violated: default/myapp (1 time(s), lowest {healthy_after} of 8 required)"
        )),
        "{all}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_rotation_is_explained_and_times_out_with_3() {
    let sim = common::start_sim("blocked", true).await;
    update_cluster(&sim, "1.32", true).await;
    // The control plane takes 480 virtual seconds; then both nodes are marked Drifted.
    common::advance(&sim, 600);
    let claims = kubectl(
        &sim,
        &["get", "nodeclaims", "-o", "jsonpath={range .items[*]}{.status.conditions[?(@.type==\"Drifted\")].status}{\"\\n\"}{end}"],
    )
    .await;
    assert_eq!(
        claims.lines().collect::<Vec<_>>(),
        ["True", "True"],
        "{claims}"
    );

    let started = Instant::now();
    let mut w = watch(
        &sim,
        &["--to", "1.32", "--stall-after", "5s", "--timeout", "20s"],
    );
    let stalled = w
        .wait_for("the stall explanation", Duration::from_secs(30), |l| {
            l.contains(" rotation 1.32 stalled ")
        })
        .await;
    let stalled_at = started.elapsed();
    let code = w.exit_within(Duration::from_secs(30)).await;
    let ended_at = started.elapsed();
    let rest = w.drain();
    assert_eq!(code, Some(3), "{stalled}\n{}", rest.join("\n"));
    assert!(
        stalled_at >= Duration::from_secs(5) && stalled_at < Duration::from_secs(15),
        "stall reported after {stalled_at:?}"
    );
    assert!(ended_at >= Duration::from_secs(20), "{ended_at:?}");
    let secs: u64 = stalled
        .split(" stalled ")
        .nth(1)
        .and_then(|s| s.split('s').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no seconds in {stalled}"));
    assert!(secs >= 5, "{stalled}");

    let why = common::check_blocked_stall(&stalled);
    assert!(
        !why.contains("not marked Drifted yet"),
        "both nodes are Drifted:\n{stalled}"
    );
    assert!(
        rest.last().is_some_and(
            |l| l.ends_with(" rotation 1.32 timed out before every node ran the target")
        ),
        "{}",
        rest.join("\n")
    );
    let names = node_names(&sim).await;
    assert_eq!(names.len(), 2, "nothing was replaced: {names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_flags_exit_2_with_one_line_and_touch_nothing() {
    let sim = common::start_sim("article", true).await;
    let cases: [(&[&str], &[&str]); 5] = [
        (&["--to", "1.x"], &["--to", "1.x"]),
        (&["--to", "1.31", "--timeout", "0"], &["--timeout", "0"]),
        (
            &["--to", "1.31", "--stall-after", "ten"],
            &["--stall-after", "ten"],
        ),
        (
            &["--to", "1.31", "--stall-after=-5s"],
            &["--stall-after", "-5s"],
        ),
        (
            &["--to", "1.31", "--kubeconfig", "/nonexistent"],
            &["kubeconfig", "/nonexistent", "No such file"],
        ),
    ];
    let refusals = cases
        .into_iter()
        .map(|(args, says)| Refusal::new(args, 2, says))
        .collect();
    let failures = common::refusal_problems(
        &sim,
        &["watch", "rotation"],
        refusals,
        Duration::from_secs(10),
    )
    .await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(common::mutating_requests(&sim).await, Vec::<Value>::new());
}
