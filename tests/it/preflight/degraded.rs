//! Facts that cannot be gathered (access denied, a failing API) are reported as unchecked WARNs with
//! the reason, the other checks still run, and retryable errors are retried by the SDK.

use crate::common::{self, fault, plan_faults};

use eksauto_sim::faults::ErrorKind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unavailable_facts_become_warnings() {
    let sim = common::start_sim("article", true).await;
    plan_faults(
        &sim,
        [
            fault("GetRole", ErrorKind::AccessDenied, None),
            fault("DescribeSubnets", ErrorKind::Internal, None),
            fault("ListInsights", ErrorKind::Throttling, Some(2)),
        ],
    );
    let (code, out, err) = common::run(common::eksauto(&sim, ["preflight", "-o", "json"])).await;
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    let findings = common::findings(&out);
    let of = |id: &str| common::with_id(&findings, id);
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
    plan_faults(
        &sim,
        [fault("DescribeCluster", ErrorKind::AccessDenied, None)],
    );
    let (code, out, err) = common::run(common::eksauto(&sim, ["preflight"])).await;
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
    plan_faults(&sim, [fault("ListClusters", ErrorKind::AccessDenied, None)]);
    let dir = tempfile::tempdir().unwrap();
    let plain = common::plain_kubeconfig(&sim, dir.path());
    let mut cmd = common::eksauto(&sim, ["preflight", "--cluster", "nope", "--kubeconfig"]);
    cmd.arg(&plain);
    let (code, _, err) = common::run(cmd).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("\"nope\" not found"), "{err}");
    assert!(err.contains("cannot be listed"), "{err}");
}
