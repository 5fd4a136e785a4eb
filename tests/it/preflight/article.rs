//! `eksauto preflight` (the real binary) against the emulator's `article` scenario: ready to upgrade
//! (exit 0), with the WARNs myapp deserves (its topology spread selector matches none of its pods,
//! it has no readinessProbe and nothing spreads its replicas over nodes) and every upgrade insight
//! passing, in both output formats, and without a single mutating call.

use crate::common;

use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn article_is_ready_with_the_myapp_warnings() {
    let sim = common::start_sim("article", true).await;
    let (code, out, err) = common::run(common::eksauto(&sim, ["preflight"])).await;
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    let warns: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("┆ WARN "))
        .map(|l| l.trim_start_matches('│').trim().split(' ').next().unwrap())
        .collect();
    assert_eq!(warns, ["WRK002", "WRK003", "WRK006"], "{out}");
    for id in ["WRK002", "WRK003", "WRK006"] {
        let row = out.lines().find(|l| l.contains(id)).unwrap();
        assert!(row.contains("deployment default/myapp"), "{row}");
    }
    assert!(out.contains("0 FAIL, 3 WARN, 2 INFO, 25 PASS"), "{out}");
    assert!(out.contains("interesting-funk-otter"), "{out}");
    assert!(out.contains("1.30 → 1.31"), "{out}");
    for family in [
        "Cluster",
        "Insights",
        "Network",
        "IAM",
        "Add-ons",
        "Kubernetes",
    ] {
        assert!(
            out.contains(&format!("{family}\n")),
            "no {family} group:\n{out}"
        );
    }
    assert!(!out.contains('\x1b'), "colour on a pipe:\n{out}");
    assert!(!out.contains("FAIL │"), "{out}");
    assert!(common::mutating_requests(&sim).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_follows_the_schema() {
    let sim = common::start_sim("article", true).await;
    let (code, out, err) = common::run(common::eksauto(&sim, ["preflight", "-o", "json"])).await;
    assert_eq!(code, 0, "stderr:\n{err}");
    let v: Value = serde_json::from_str(&out).expect("stdout is one JSON document");
    assert_eq!(v["schemaVersion"], 1);
    assert_eq!(v["cluster"], "interesting-funk-otter");
    assert_eq!(v["region"], "ap-northeast-1");
    assert_eq!(v["currentVersion"], "1.30");
    assert_eq!(v["targetVersion"], "1.31");
    let findings = v["findings"].as_array().expect("findings array");
    let mut counts = [0u64; 4];
    for f in findings {
        for key in [
            "id",
            "family",
            "severity",
            "subject",
            "message",
            "remediation",
        ] {
            assert!(f[key].is_string(), "{key} in {f}");
        }
        assert!(f["details"].is_array(), "{f}");
        let i = ["pass", "info", "warn", "fail"]
            .iter()
            .position(|s| f["severity"] == *s)
            .unwrap_or_else(|| panic!("severity of {f}"));
        counts[i] += 1;
        assert!(
            [
                "cluster",
                "insights",
                "network",
                "iam",
                "addons",
                "kubernetes"
            ]
            .contains(&f["family"].as_str().unwrap()),
            "{f}"
        );
    }
    let s = &v["summary"];
    assert_eq!(
        [&s["pass"], &s["info"], &s["warn"], &s["fail"]].map(|n| n.as_u64().unwrap()),
        counts
    );
    let not_passing: Vec<(&str, &str, &str)> = findings
        .iter()
        .filter(|f| f["severity"] != "pass")
        .map(|f| {
            (
                f["id"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["subject"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        not_passing,
        [
            ("CLU002", "info", "version 1.30 → 1.31"),
            ("K8S001", "info", "nodes on kubelet 1.30"),
            ("WRK002", "warn", "deployment default/myapp"),
            ("WRK003", "warn", "deployment default/myapp"),
            ("WRK006", "warn", "deployment default/myapp"),
        ],
        "{out}"
    );
    // Every upgrade insight for 1.31 is judged on its own row; the one about 1.32 is not shown.
    let insights: Vec<&str> = findings
        .iter()
        .filter(|f| f["id"] == "INS001")
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        insights,
        [
            "insight Cluster health issues",
            "insight EKS add-on version compatibility",
            "insight Kubelet version skew",
            "insight kube-proxy version skew",
        ]
    );
    assert_eq!(counts, [25, 2, 3, 0], "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_and_skip_select_checks() {
    let sim = common::start_sim("article", true).await;
    let (code, out, err) = common::run(common::eksauto(
        &sim,
        [
            "preflight",
            "-o",
            "json",
            "--only",
            "WRK002,iam",
            "--skip",
            "IAM003",
        ],
    ))
    .await;
    assert_eq!(code, 0, "stderr:\n{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let mut ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    ids.dedup();
    assert_eq!(ids, ["IAM001", "IAM002", "WRK002"], "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zero_budget_on_an_empty_pool_is_a_warn_not_a_fail() {
    let sim = common::start_sim("article", true).await;
    // The built-in system pool owns no node in the article's cluster; freeze it with kubectl.
    common::kubectl_ok(
        &sim,
        &[
            "patch",
            "nodepool",
            "system",
            "--type",
            "merge",
            "-p",
            r#"{"spec":{"disruption":{"budgets":[{"nodes":"0"}]}}}"#,
        ],
    )
    .await;
    let (code, out, err) = common::run(common::eksauto(
        &sim,
        ["preflight", "-o", "json", "--only", "NPL001"],
    ))
    .await;
    assert_eq!(code, 0, "{out}\n{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let npl: Vec<&Value> = v["findings"].as_array().unwrap().iter().collect();
    assert_eq!(npl.len(), 1, "{npl:#?}");
    assert_eq!(npl[0]["severity"], "warn");
    assert_eq!(npl[0]["subject"], "nodepool system");
    assert!(
        npl[0]["message"]
            .as_str()
            .unwrap()
            .contains("no node to replace now"),
        "{}",
        npl[0]
    );
    // The same budget on the pool that holds the old node fails, naming how many it holds back.
    common::kubectl_ok(
        &sim,
        &[
            "patch",
            "nodepool",
            "general-purpose",
            "--type",
            "merge",
            "-p",
            r#"{"spec":{"disruption":{"budgets":[{"nodes":"0","reasons":["Drifted"]}]}}}"#,
        ],
    )
    .await;
    let (code, out, _) = common::run(common::eksauto(
        &sim,
        ["preflight", "-o", "json", "--only", "NPL001"],
    ))
    .await;
    assert_eq!(code, 1, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let fail = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "fail")
        .cloned()
        .unwrap_or_else(|| panic!("no FAIL: {out}"));
    assert_eq!(fail["subject"], "nodepool general-purpose");
    assert!(
        fail["message"]
            .as_str()
            .unwrap()
            .contains("holds back 1 of the pool's 1 node(s)"),
        "{fail}"
    );
}
