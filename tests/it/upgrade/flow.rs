//! `eksauto upgrade` (the real binary, no terminal) against the emulator, with the real `aws` CLI
//! and `kubectl` acting on the same cluster: the article's upgrade end to end (plan, one
//! UpdateClusterVersion, rotation, report on stdout and in `--report FILE`); a control-plane update
//! that ends Failed; re-runs that attach instead of starting a second update; the runs that must
//! change nothing (dry run, FAILed preflight, no confirmation); EKS refusing because of an ERROR
//! insight, and accepting when it does not enforce them; a blocked rotation explained by name
//! until `--timeout`; pods deleted behind the PDB's back; `--no-rotation` and the re-run that then
//! follows the rotation. Every test also checks the emulator's request log for what was changed.
//!
//! Tests that go through the control plane run the clock 60 times as fast as real time (the
//! command polls DescribeUpdate every 5 real seconds); the PDB test uses the manual clock.

use crate::common::{self, Streaming};

use std::process::Command;
use std::time::{Duration, Instant};

use eksauto_sim::SimHandle;
use serde_json::{json, Value};

const SPEED: f64 = 60.0;

fn upgrade(sim: &SimHandle, args: &[&str]) -> Command {
    let mut cmd = common::eksauto(sim, ["upgrade"]);
    cmd.args(args);
    cmd
}

/// The JSON documents of an NDJSON stdout.
fn ndjson(out: &str) -> Vec<Value> {
    out.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The documents that have `key` at the top.
fn docs_with<'a>(docs: &'a [Value], key: &str) -> Vec<&'a Value> {
    docs.iter().filter(|d| d.get(key).is_some()).collect()
}

/// The one `{"report": …}` document, which must be the last line.
fn report_of(docs: &[Value]) -> &Value {
    let reports = docs_with(docs, "report");
    assert_eq!(reports.len(), 1, "one report: {docs:#?}");
    assert!(
        docs.last().unwrap().get("report").is_some(),
        "the report is last"
    );
    &reports[0]["report"]
}

fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The control plane's version, as the real aws CLI reads it.
async fn cluster_version(sim: &SimHandle) -> String {
    let cmd = common::aws(
        sim,
        [
            "eks",
            "describe-cluster",
            "--name",
            &sim.cluster_name,
            "--query",
            "cluster.version",
            "--output",
            "text",
        ],
    );
    common::run_ok(cmd).await.trim().to_string()
}

/// Waits (real time) until the request log holds `n` UpdateClusterVersion calls.
async fn wait_for_update_calls(sim: &SimHandle, n: usize) {
    let within = Duration::from_secs(60);
    assert!(
        common::wait_for_requests(sim, "UpdateClusterVersion", n, within).await,
        "no UpdateClusterVersion within 60 s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_article_upgrade_ends_done_with_one_update_call_and_the_same_report_twice() {
    let sim = common::start_sim_fast("article", SPEED).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let started = Instant::now();
    let cmd = upgrade(&sim, &["--to", "1.31", "--yes", "-o", "json", "--report"]);
    let mut cmd = cmd;
    cmd.arg(&file);
    let (code, out, err) = common::run(cmd).await;
    eprintln!("upgraded in {:?}", started.elapsed());
    assert_eq!(code, 0, "{out}\n{err}");
    let docs = ndjson(&out);

    let plan = &docs[0]["plan"];
    assert_eq!(plan["cluster"], "interesting-funk-otter", "{out}");
    assert_eq!(plan["region"], "ap-northeast-1");
    assert_eq!(plan["current"], "1.30");
    assert_eq!(plan["target"], "1.31");
    assert_eq!(plan["controlPlane"]["operation"], "UpdateClusterVersion");
    assert_eq!(plan["controlPlane"]["version"], "1.31");
    assert_eq!(plan["controlPlane"]["force"], false);
    let pools = plan["nodePools"].as_array().expect("nodePools");
    let gp = pools
        .iter()
        .find(|p| p["name"] == "general-purpose")
        .expect("general-purpose in the plan");
    assert_eq!(gp["nodes"], 1, "{gp}");
    assert_eq!(gp["toReplace"], 1, "{gp}");
    let myapp = &plan["pdbs"][0];
    assert_eq!(myapp["name"], "default/myapp", "{plan}");
    assert_eq!(myapp["required"], 8, "{plan}");
    assert_eq!(docs[0]["preflight"]["summary"]["fail"], 0, "{out}");

    let updates = docs_with(&docs, "update");
    assert_eq!(updates.len(), 1, "{out}");
    assert_eq!(updates[0]["update"]["status"], "InProgress");
    assert!(updates[0]["update"]["id"].is_string());
    assert!(docs_with(&docs, "attach").is_empty(), "{out}");

    let report = report_of(&docs);
    assert_eq!(report["cluster"], "interesting-funk-otter", "{report}");
    assert_eq!(report["from"], "1.30");
    assert_eq!(report["to"], "1.31");
    assert_eq!(report["outcome"], "done", "{report}");
    assert_eq!(report["complete"], true, "{report}");
    assert_eq!(
        report["nodesReplaced"],
        json!({"general-purpose": 1}),
        "{report}"
    );
    assert_eq!(report["podsRescheduled"], 10, "{report}");
    assert_eq!(report["errors"], json!([]), "{report}");
    assert!(report["controlPlane"]["start"].is_string(), "{report}");
    assert!(report["controlPlane"]["end"].is_string(), "{report}");
    // The phases come from the cluster's own timestamps: a one-node rotation has a length (from
    // the first drift to the old node gone), and the control plane ends no later than it starts.
    let at = |v: &serde_json::Value| v.as_str().unwrap().parse::<jiff::Timestamp>().unwrap();
    let (node_start, node_end) = (at(&report["nodes"]["start"]), at(&report["nodes"]["end"]));
    assert!(node_end > node_start, "a node phase of zero: {report}");
    assert!(
        at(&report["controlPlane"]["end"]) <= node_start,
        "the control plane ended after the nodes began: {report}"
    );
    assert_eq!(
        (
            report["nodesOnTarget"].as_u64(),
            report["nodesTotal"].as_u64()
        ),
        (Some(1), Some(1)),
        "{report}"
    );
    let pdbs = report["pdbs"].as_array().unwrap();
    assert_eq!(pdbs.len(), 1, "{report}");
    assert_eq!(pdbs[0]["name"], "default/myapp");
    assert_eq!(pdbs[0]["required"], 8);
    assert!(pdbs[0]["lowestHealthy"].as_i64().unwrap() >= 8, "{report}");
    assert_eq!(pdbs[0]["violations"], json!([]), "{report}");
    assert_eq!(
        &read_json(&file),
        report,
        "--report FILE holds the same report"
    );

    assert_eq!(
        common::mutating_operations(&sim).await,
        ["UpdateClusterVersion"],
        "one UpdateClusterVersion and nothing else changed"
    );
    assert_eq!(cluster_version(&sim).await, "1.31");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_control_plane_update_exits_1_with_eks_errors() {
    let scenario = common::test_scenario("article-update-fails.yaml");
    let sim = common::start_sim_fast(&scenario, SPEED).await;
    let (code, out, err) =
        common::run(upgrade(&sim, &["--to", "1.31", "--yes", "-o", "json"])).await;
    assert_eq!(code, 1, "{out}\n{err}");
    let docs = ndjson(&out);
    let id = docs_with(&docs, "update")[0]["update"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        err.contains(&format!(
            "error: the control-plane update {id} ended Failed:"
        )),
        "{err}"
    );
    let eks_error = "ClusterUnreachable: The cluster update to 1.31 could not be completed (ClusterUnreachable). The cluster keeps running version 1.30. (interesting-funk-otter)";
    assert!(
        err.contains(eks_error),
        "code, message and resource id:\n{err}"
    );

    let report = report_of(&docs);
    assert_eq!(report["outcome"], "failed", "{report}");
    assert_eq!(report["complete"], false, "{report}");
    assert_eq!(report["errors"], json!([eks_error]), "{report}");
    assert_eq!(report["nodesReplaced"], json!({}), "{report}");
    assert!(
        docs.iter().all(|d| d.get("kind").is_none()),
        "no rotation followed:\n{out}"
    );
    assert_eq!(
        common::mutating_operations(&sim).await,
        ["UpdateClusterVersion"]
    );
    assert_eq!(cluster_version(&sim).await, "1.30");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_attaches_to_the_update_the_aws_cli_started_without_asking() {
    let sim = common::start_sim_fast("article", SPEED).await;
    let started = common::cli_update_cluster_version(&sim, "1.31", false).await;
    let id = started["update"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        common::mutating_operations(&sim).await,
        ["UpdateClusterVersion"]
    );

    // No --yes and no terminal: attaching needs no confirmation.
    let (code, out, err) = common::run(upgrade(&sim, &["--to", "1.31"])).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains(&format!(
            "Update {id} of interesting-funk-otter to 1.31 is already in progress: attaching to it"
        )),
        "{err}"
    );
    assert!(!err.contains("refusing"), "{err}");
    assert!(
        !out.contains("Upgrade interesting-funk-otter 1.30 → 1.31 ("),
        "no plan when attaching:\n{out}"
    );
    assert!(
        out.contains(" rotation 1.31 every node runs 1.31; no PDB was violated"),
        "{out}"
    );
    assert!(
        out.contains("Every node runs v1.31; no PDB was violated."),
        "{out}"
    );
    assert_eq!(
        common::mutating_operations(&sim).await,
        ["UpdateClusterVersion"],
        "only the aws CLI's update"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_upgrade_while_the_first_follows_attaches_to_the_same_update() {
    let sim = common::start_sim_fast("article", SPEED).await;
    let dir = tempfile::tempdir().unwrap();
    let first_err = dir.path().join("first.err");
    let mut first = Streaming::spawn_with_stderr(
        upgrade(&sim, &["--to", "1.31", "--yes", "-o", "json"]),
        &first_err,
    );
    let line = first
        .wait_for("the update line", Duration::from_secs(60), |l| {
            l.starts_with("{\"update\"")
        })
        .await;
    let id = serde_json::from_str::<Value>(&line).unwrap()["update"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let (code, out, err) =
        common::run(upgrade(&sim, &["--to", "1.31", "--yes", "-o", "json"])).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let docs = ndjson(&out);
    assert_eq!(docs[0]["attach"]["updateId"], id.as_str(), "{out}");
    assert!(docs_with(&docs, "plan").is_empty(), "{out}");
    assert!(docs_with(&docs, "update").is_empty(), "{out}");
    assert_eq!(report_of(&docs)["outcome"], "done", "{out}");

    let code = first.exit_within(Duration::from_secs(60)).await;
    let rest = first.drain().join("\n");
    let first_err = std::fs::read_to_string(&first_err).unwrap();
    assert_eq!(code, Some(0), "{rest}\n{first_err}");
    assert_eq!(
        common::mutating_operations(&sim).await,
        ["UpdateClusterVersion"],
        "two runs, one update"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_failed_preflight_and_no_confirmation_change_nothing() {
    let article = common::start_sim("article", true).await;

    let (code, out, err) = common::run(upgrade(&article, &["--to", "1.31", "--dry-run"])).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("Upgrade interesting-funk-otter 1.30 → 1.31 (ap-northeast-1)"),
        "{out}"
    );
    assert!(out.contains("UpdateClusterVersion 1.31"), "{out}");
    assert!(err.contains("Dry run: nothing was changed."), "{err}");

    let (code, out, err) = common::run(upgrade(
        &article,
        &["--to", "1.31", "--dry-run", "-o", "json"],
    ))
    .await;
    assert_eq!(code, 0, "{out}\n{err}");
    let docs = ndjson(&out);
    assert_eq!(docs.len(), 1, "only the plan:\n{out}");
    assert_eq!(docs[0]["plan"]["target"], "1.31", "{out}");

    let (code, out, err) = common::run(upgrade(&article, &["--to", "1.31"])).await;
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        err.starts_with("error: refusing to upgrade without a confirmation")
            && err.contains("--yes"),
        "{err}"
    );
    assert_eq!(
        common::mutating_operations(&article).await,
        Vec::<String>::new()
    );

    let blocked = common::start_sim("blocked", true).await;
    let (code, out, err) = common::run(upgrade(&blocked, &["--to", "1.32", "--yes"])).await;
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains("Upgrade stuck-cluster 1.31 → 1.32 (eu-west-1)"),
        "{out}"
    );
    let line = err
        .lines()
        .find(|l| l.starts_with("error: the preflight failed ("))
        .unwrap_or_else(|| panic!("{err}"));
    for id in ["INS001", "NET001", "IAM001", "NPL001", "PDB001", "PDB002"] {
        assert!(line.contains(id), "{id} in {line}");
    }
    assert!(line.contains("--ignore-preflight"), "{line}");
    assert_eq!(
        common::mutating_operations(&blocked).await,
        Vec::<String>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enforced_error_insight_is_refused_once_and_explained() {
    let sim = common::start_sim("blocked", true).await;
    let (code, out, err) = common::run(upgrade(
        &sim,
        &["--to", "1.32", "--yes", "--ignore-preflight"],
    ))
    .await;
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        err.contains("error: EKS refused the upgrade because of upgrade-readiness insights: "),
        "{err}"
    );
    assert!(
        err.contains("Deprecated APIs removed in Kubernetes v1.32"),
        "{err}"
    );
    assert!(err.contains("pass --force"), "{err}");
    assert_eq!(
        common::mutating_operations(&sim).await,
        ["UpdateClusterVersion"],
        "one attempt, no retry"
    );
    let listed = common::aws_json(&sim, &["eks", "list-updates", "--name", "stuck-cluster"]).await;
    assert_eq!(listed["updateIds"], json!([]), "no update was started");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unenforced_error_insight_lets_the_update_through_without_force() {
    let scenario = common::test_scenario("blocked-insights-not-enforced.yaml");
    let sim = common::start_sim_fast(&scenario, SPEED).await;
    let args = [
        "--to",
        "1.32",
        "--yes",
        "--ignore-preflight",
        "--no-rotation",
        "-o",
        "json",
    ];
    let (code, out, err) = common::run(upgrade(&sim, &args)).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let docs = ndjson(&out);
    assert_eq!(docs[0]["plan"]["controlPlane"]["force"], false, "{out}");
    assert_eq!(docs_with(&docs, "update").len(), 1, "{out}");
    assert_eq!(report_of(&docs)["outcome"], "control-plane-only", "{out}");
    assert!(!err.contains("refused"), "{err}");
    assert_eq!(
        common::mutating_operations(&sim).await,
        ["UpdateClusterVersion"]
    );
    assert_eq!(cluster_version(&sim).await, "1.32");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_rotation_is_explained_by_name_and_times_out_with_3() {
    let sim = common::start_sim_fast("blocked", SPEED).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let mut cmd = upgrade(
        &sim,
        &[
            "--to",
            "1.32",
            "--yes",
            "--ignore-preflight",
            "--force",
            "--stall-after",
            "5s",
            "--timeout",
            "40s",
            "--report",
        ],
    );
    cmd.arg(&file);
    let started = Instant::now();
    let (code, out, err) = common::run(cmd).await;
    let took = started.elapsed();
    eprintln!("timed out after {took:?}");
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(took >= Duration::from_secs(40), "{took:?}");
    assert!(err.contains("Control plane now runs 1.32."), "{err}");

    let stalled = out
        .lines()
        .find(|l| l.contains(" rotation 1.32 stalled "))
        .unwrap_or_else(|| panic!("no stall explanation:\n{out}"));
    common::check_blocked_stall(stalled);
    let rotation: Vec<&str> = out
        .lines()
        .filter(|l| l.contains(" rotation 1.32 "))
        .collect();
    assert!(
        rotation.last().is_some_and(
            |l| l.ends_with(" rotation 1.32 timed out before every node ran the target")
        ),
        "{}",
        rotation.join("\n")
    );
    assert!(
        out.contains("Upgrade of stuck-cluster 1.31 → 1.32 timed out"),
        "{out}"
    );

    let report = read_json(&file);
    assert_eq!(report["outcome"], "timed-out", "{report}");
    assert_eq!(report["complete"], false, "{report}");
    assert_eq!(report["nodesReplaced"], json!({}), "{report}");
    assert!(report["blockedSeconds"].as_i64().unwrap() >= 30, "{report}");
    let payments = report["pdbs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "default/payments")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(payments["violations"], json!([]), "{report}");
    assert_eq!(
        common::mutating_operations(&sim).await,
        ["UpdateClusterVersion"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pods_deleted_behind_the_pdbs_back_during_the_rotation_exit_1() {
    let sim = common::start_sim("article", true).await;
    let old = common::first_node(&sim).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let mut cmd = upgrade(&sim, &["--to", "1.31", "--yes", "--report"]);
    cmd.arg(&file);
    let mut up = Streaming::spawn_with_stderr(cmd, &dir.path().join("stderr"));
    wait_for_update_calls(&sim, 1).await;
    // The control plane's 480 virtual seconds at once; Auto Mode taints the old node right away.
    common::advance(&sim, 480);
    let first = up
        .wait_for("the first rotation line", Duration::from_secs(30), |l| {
            l.contains(" rotation 1.31 0/1 nodes on 1.31")
        })
        .await;
    let mut seen = vec![first];
    let taints = common::kubectl_ok(
        &sim,
        &["get", "node", &old, "-o", "jsonpath={.spec.taints[*].key}"],
    )
    .await;
    assert!(taints.contains("karpenter.sh/disrupted"), "{old}: {taints}");

    // The clock stands still: these are Ready right now.
    let ready = common::ready_myapp_pods(&sim).await;
    assert!(ready.len() >= 3, "{ready:?}");
    let mut delete = common::kubectl(&sim, ["delete", "pod", "--wait=false"]);
    delete.args(&ready[..3]);
    let deleted = common::run_ok(delete).await;
    assert_eq!(deleted.matches("deleted").count(), 3, "{deleted}");
    let healthy_after = ready.len() - 3;

    let code = common::drive(&sim, &mut up, &mut seen, 3000, |_| false).await;
    let all = seen.join("\n");
    let stderr = std::fs::read_to_string(dir.path().join("stderr")).unwrap();
    assert_eq!(code, Some(1), "{all}\n{stderr}");
    assert!(
        seen.iter().any(|l| l.ends_with(&format!(
            " pdb default/myapp violated: {healthy_after} healthy of 10, 8 required"
        ))),
        "{all}"
    );
    assert!(
        all.contains("Every node runs v1.31, but a PDB was violated on the way."),
        "{all}"
    );

    let report = read_json(&file);
    assert_eq!(report["outcome"], "done", "{report}");
    assert_eq!(report["complete"], true, "{report}");
    let myapp = &report["pdbs"][0];
    assert_eq!(myapp["name"], "default/myapp", "{report}");
    assert_eq!(myapp["lowestHealthy"], healthy_after, "{report}");
    let violations = myapp["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 1, "{report}");
    assert_eq!(violations[0]["lowest"], healthy_after, "{report}");
    assert_eq!(violations[0]["required"], 8, "{report}");
    assert_eq!(
        common::mutating_operations(&sim).await,
        [
            "UpdateClusterVersion",
            "delete pods",
            "delete pods",
            "delete pods"
        ],
        "the upgrade's one update, then kubectl's three deletes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_rotation_stops_after_the_control_plane_and_a_rerun_follows_the_rotation() {
    let sim = common::start_sim("article", true).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let mut cmd = upgrade(
        &sim,
        &["--to", "1.31", "--yes", "--no-rotation", "--report"],
    );
    cmd.arg(&file);
    let mut first = Streaming::spawn_with_stderr(cmd, &dir.path().join("first.err"));
    wait_for_update_calls(&sim, 1).await;
    common::advance(&sim, 480);
    let code = first.exit_within(Duration::from_secs(30)).await;
    let out = first.drain().join("\n");
    let err = std::fs::read_to_string(dir.path().join("first.err")).unwrap();
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(err.contains("Control plane now runs 1.31."), "{err}");
    assert!(
        !out.contains(" rotation 1.31 "),
        "no rotation followed:\n{out}"
    );
    assert!(
        out.contains("The control plane runs 1.31; Auto Mode replaces the nodes on its own"),
        "{out}"
    );
    let report = read_json(&file);
    assert_eq!(report["outcome"], "control-plane-only", "{report}");
    assert_eq!(report["complete"], false, "{report}");
    assert!(report["controlPlane"]["end"].is_string(), "{report}");
    assert_eq!(report["nodes"], Value::Null, "{report}");
    assert_eq!(cluster_version(&sim).await, "1.31");

    // The clock has not moved since: the old node is still there, and a re-run follows it.
    let mut again = Streaming::spawn_with_stderr(
        upgrade(&sim, &["--to", "1.31", "--yes"]),
        &dir.path().join("again.err"),
    );
    let first_line = again
        .wait_for("the first rotation line", Duration::from_secs(30), |l| {
            l.contains(" rotation 1.31 0/1 nodes on 1.31")
        })
        .await;
    let mut seen = vec![first_line];
    let code = common::drive(&sim, &mut again, &mut seen, 3000, |_| false).await;
    let all = seen.join("\n");
    let err = std::fs::read_to_string(dir.path().join("again.err")).unwrap();
    assert_eq!(code, Some(0), "{all}\n{err}");
    assert!(
        err.contains("already runs 1.31; following the node rotation"),
        "{err}"
    );
    assert!(
        !all.contains("Upgrade interesting-funk-otter 1.30 → 1.31 ("),
        "no plan:\n{all}"
    );
    assert!(
        all.contains("Every node runs v1.31; no PDB was violated."),
        "{all}"
    );
    assert_eq!(
        common::mutating_operations(&sim).await,
        ["UpdateClusterVersion"],
        "the re-run started nothing"
    );
}

// The rotation is printed from its first move; a stall is explained a few times, not per event.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rotation_is_printed_from_its_first_move() {
    let sim = common::start_sim_fast("article", SPEED).await;
    let old = common::first_node(&sim).await;
    let (code, out, err) =
        common::run(upgrade(&sim, &["--to", "1.31", "--yes", "-o", "json"])).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let docs = ndjson(&out);
    let has = |event: &str, name: &str| {
        docs.iter()
            .any(|d| d["kind"] == "node" && d["event"] == event && d["name"] == name)
    };
    let mut missing = Vec::new();
    for event in ["disrupted", "removed"] {
        if !has(event, &old) {
            missing.push(format!("{event} {old}"));
        }
    }
    if !docs
        .iter()
        .any(|d| d["kind"] == "node" && d["event"] == "joined")
    {
        missing.push("a node joined".into());
    }
    assert!(missing.is_empty(), "missing lines {missing:?}:\n{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_is_explained_a_few_times_and_the_report_counts_the_wait() {
    let sim = common::start_sim_fast("blocked", SPEED).await;
    let args = [
        "--to",
        "1.32",
        "--yes",
        "--ignore-preflight",
        "--force",
        "--stall-after",
        "5s",
        "--timeout",
        "20s",
    ];
    let (code, out, err) = common::run(upgrade(&sim, &args)).await;
    assert_eq!(code, 3, "{out}\n{err}");
    let mut problems = Vec::new();
    let stalls = out
        .lines()
        .filter(|l| l.contains(" rotation 1.32 stalled "))
        .count();
    if stalls > 5 {
        problems.push(format!(
            "{stalls} stall lines in 20 s of an unchanged stall"
        ));
    }
    let header = out
        .lines()
        .find(|l| l.starts_with("Upgrade of stuck-cluster 1.31 → 1.32 timed out"))
        .unwrap_or_else(|| panic!("{out}"));
    let secs: u64 = header
        .rsplit(" in ")
        .next()
        .and_then(|d| d.strip_suffix('s'))
        .and_then(|d| d.parse().ok())
        .unwrap_or(u64::MAX);
    if secs < 20 {
        problems.push(format!("{header:?} after a 20 s rotation timeout"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
