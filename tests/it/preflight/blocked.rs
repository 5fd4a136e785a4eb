//! `eksauto preflight` against the emulator's `blocked` scenario: exit 1, and every problem the
//! scenario seeds is found under the right check ID, with deprecation details in the table; the
//! insight and workload rows are pinned one by one.

use crate::common;

use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_finds_every_seeded_problem() {
    let sim = common::start_sim("blocked", true).await;
    let (code, out, err) = common::run(common::eksauto(&sim, ["preflight", "-o", "json"])).await;
    assert_eq!(code, 1, "stdout:\n{out}\nstderr:\n{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let findings = v["findings"].as_array().unwrap();
    // Every seeded problem, pinned to its check, severity and subject (the insight and workload
    // rows are pinned below).
    let pinned: Vec<(String, String, String)> = findings
        .iter()
        .filter(|f| !f["id"].as_str().unwrap().starts_with("INS"))
        .filter(|f| !f["id"].as_str().unwrap().starts_with("WRK"))
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("id"), s("severity"), s("subject"))
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("CLU001", "pass", "cluster stuck-cluster"),
        ("CLU002", "info", "version 1.31 → 1.32"),
        ("CLU003", "pass", "cluster stuck-cluster"),
        ("NET001", "fail", "subnets of stuck-cluster"),
        ("IAM001", "fail", "role StuckClusterRole"),
        ("IAM002", "pass", "role StuckClusterRole"),
        ("IAM003", "warn", "role StuckNodeRole"),
        ("ADD001", "fail", "addon metrics-server"),
        ("ADD002", "fail", "addon metrics-server"),
        ("K8S001", "info", "nodes on kubelet 1.31"),
        ("K8S002", "pass", "kubernetes api"),
        ("NPL001", "fail", "nodepool general-purpose"),
        ("NPL002", "pass", "nodepools"),
        ("NPL003", "info", "nodepool general-purpose"),
        ("PDB001", "fail", "pdb default/payments"),
        ("PDB002", "fail", "pdb default/payments"),
        ("PDB003", "fail", "pdb default/checkout + default/web-tier"),
        ("PDB004", "warn", "pdb default/legacy"),
        ("POD001", "warn", "namespace jobs"),
        ("POD002", "warn", "namespace default"),
        ("POD003", "pass", "nodes"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(pinned, expected, "{out}");
    // The blocking PDB and the do-not-disrupt pod delay the drain; they do not stop it. The
    // findings say for how long (the NodeClaim's terminationGracePeriod) and what happens then.
    let message = |id: &str| -> String {
        findings
            .iter()
            .find(|f| f["id"] == id)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .unwrap()
    };
    for id in ["PDB001", "PDB002", "POD001"] {
        let m = message(id);
        assert!(
            m.contains("up to 24h (terminationGracePeriod of NodeClaim general-purpose-"),
            "{id}: {m}"
        );
        assert!(m.contains("deletes"), "{id}: {m}");
    }
    assert!(message("NPL001").contains("holds back 2 of the pool's 2 node(s)"));
    // Each upgrade insight for 1.32 on its own row: the deprecated APIs still called fail, the
    // add-on that is not compatible with 1.32 warns, the rest pass.
    let rows = |prefix: &str| -> Vec<(String, String, String)> {
        findings
            .iter()
            .filter(|f| f["id"].as_str().unwrap().starts_with(prefix))
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap().to_string();
                (s("id"), s("severity"), s("subject"))
            })
            .collect()
    };
    let row = |id: &str, sev: &str, subject: &str| (id.into(), sev.into(), subject.into());
    assert_eq!(
        rows("INS"),
        [
            row("INS001", "pass", "insight Cluster health issues"),
            row(
                "INS001",
                "fail",
                "insight Deprecated APIs removed in Kubernetes v1.32"
            ),
            row("INS001", "warn", "insight EKS add-on version compatibility"),
            row("INS001", "pass", "insight Kubelet version skew"),
            row("INS001", "pass", "insight kube-proxy version skew"),
        ],
        "{out}"
    );
    assert_eq!(
        rows("WRK"),
        [
            row("WRK001", "warn", "deployment jobs/batch-runner"),
            row("WRK002", "pass", "workloads"),
            row("WRK003", "warn", "deployment default/checkout"),
            row("WRK003", "warn", "deployment default/payments"),
            row("WRK003", "warn", "deployment jobs/batch-runner"),
            row("WRK005", "pass", "workloads"),
            row("WRK006", "warn", "deployment default/checkout"),
            row("WRK006", "warn", "deployment default/payments"),
        ],
        "{out}"
    );
    let wrk003 = findings
        .iter()
        .find(|f| f["id"] == "WRK003" && f["subject"] == "deployment default/payments")
        .unwrap();
    assert!(
        wrk003["message"]
            .as_str()
            .unwrap()
            .contains("healthy for PDB payments"),
        "{wrk003}"
    );
    assert!(v["summary"]["fail"].as_u64().unwrap() >= 6);
    assert!(common::mutating_requests(&sim).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_table_shows_deprecation_details() {
    let sim = common::start_sim("blocked", true).await;
    let (code, out, err) = common::run(common::eksauto(&sim, ["preflight"])).await;
    assert_eq!(code, 1, "stderr:\n{err}");
    assert!(
        out.contains("/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas"),
        "{out}"
    );
    assert!(out.contains("flux-helm-controller/v0.37.4"), "{out}");
    assert!(out.contains("not ready"), "{out}");
}
