//! Facts that cannot be gathered (access denied, a failing API) are reported as unchecked WARNs with
//! the reason, the other checks still run, and retryable errors are retried by the SDK.

use crate::common;

use eksauto_sim::faults::{ErrorFault, ErrorKind};
use eksauto_sim::world::lock;
use serde_json::Value;

fn fault(operation: &str, kind: ErrorKind, count: Option<u32>) -> ErrorFault {
    ErrorFault {
        operation: operation.into(),
        kind,
        count,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unavailable_facts_become_warnings() {
    let sim = common::start_sim("article", true).await;
    {
        let mut w = lock(&sim.world);
        w.faults
            .errors
            .push(fault("GetRole", ErrorKind::AccessDenied, None));
        w.faults
            .errors
            .push(fault("DescribeSubnets", ErrorKind::Internal, None));
        w.faults
            .errors
            .push(fault("ListInsights", ErrorKind::Throttling, Some(2)));
    }
    let mut cmd = common::eksauto(&sim);
    cmd.args(["preflight", "-o", "json"]);
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let of = |id: &str| -> Vec<&Value> { findings.iter().filter(|f| f["id"] == id).collect() };
    for id in ["IAM001", "IAM002", "IAM003", "NET001"] {
        let f = of(id);
        assert!(
            f.iter().any(|f| f["severity"] == "warn"
                && f["message"].as_str().unwrap().contains("not checked")),
            "{id}: {f:?}"
        );
    }
    assert!(of("IAM001")
        .iter()
        .any(|f| f["message"].as_str().unwrap().contains("AccessDenied")));
    // Throttled twice, then answered: the SDK's retries got the insights.
    assert!(
        of("INS001").iter().all(|f| f["severity"] == "pass"),
        "{:?}",
        of("INS001")
    );
    assert!(of("WRK002").iter().any(|f| f["severity"] == "warn"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_describe_cluster_is_an_access_error() {
    let sim = common::start_sim("article", true).await;
    lock(&sim.world)
        .faults
        .errors
        .push(fault("DescribeCluster", ErrorKind::AccessDenied, None));
    let mut cmd = common::eksauto(&sim);
    cmd.arg("preflight");
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 2, "stdout:\n{out}\nstderr:\n{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: DescribeCluster was refused"),
        "{err}"
    );
    assert!(err.contains("--profile"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_cluster_says_when_clusters_cannot_be_listed() {
    let sim = common::start_sim("article", true).await;
    lock(&sim.world)
        .faults
        .errors
        .push(fault("ListClusters", ErrorKind::AccessDenied, None));
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("kubeconfig");
    let kc = std::fs::read_to_string(&sim.kubeconfig).unwrap();
    std::fs::write(&plain, kc.replace(&sim.cluster_arn, "dev")).unwrap();
    let mut cmd = common::eksauto(&sim);
    cmd.args(["preflight", "--cluster", "nope", "--kubeconfig"])
        .arg(&plain);
    let (code, _, err) = common::run(cmd).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("\"nope\" not found"), "{err}");
    assert!(err.contains("cannot be listed"), "{err}");
}
