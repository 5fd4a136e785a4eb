//! `eksauto preflight` against the emulator's `blocked` scenario: exit 1, and every problem the
//! scenario seeds is found under the right check ID, with deprecation details in the table; the
//! insight and workload rows are pinned one by one.

mod common;

use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_finds_every_seeded_problem() {
    let sim = common::start_sim("blocked", true).await;
    let mut cmd = common::eksauto(&sim);
    cmd.args(["preflight", "-o", "json"]);
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 1, "stdout:\n{out}\nstderr:\n{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let findings = v["findings"].as_array().unwrap();
    let severity_of = |id: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["id"] == id)
            .map(|f| f["severity"].as_str().unwrap().to_string())
            .collect()
    };
    for (id, allowed) in [
        ("PDB002", &["fail"][..]),
        ("PDB001", &["fail"]),
        ("PDB003", &["fail"]),
        ("PDB004", &["warn"]),
        ("NPL001", &["fail", "warn"]),
        ("POD001", &["warn"]),
        ("POD002", &["warn"]),
        ("IAM001", &["fail"]),
        ("IAM003", &["warn"]),
        ("NET001", &["fail"]),
        ("ADD001", &["warn", "fail"]),
        ("INS001", &["fail"]),
    ] {
        let got = severity_of(id);
        assert!(
            got.iter().any(|s| allowed.contains(&s.as_str())),
            "{id}: expected one of {allowed:?}, got {got:?}\n{out}"
        );
    }
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
    let mut cmd = common::eksauto(&sim);
    cmd.arg("preflight");
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 1, "stderr:\n{err}");
    assert!(
        out.contains("/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas"),
        "{out}"
    );
    assert!(out.contains("flux-helm-controller/v0.37.4"), "{out}");
    assert!(out.contains("not ready"), "{out}");
}
