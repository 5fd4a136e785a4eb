//! Preflight where users really run it: a Kubernetes API that does not answer (a private-only
//! endpoint seen from outside the VPC, a server that is down) and a read-only role refused one
//! list. The AWS findings are always reported; the Kubernetes side says what it could not check.

use crate::common::{self, fault, findings, plan_faults, with_id as of};

use eksauto_sim::faults::ErrorKind;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_kubernetes_api_keeps_the_aws_findings() {
    let sim = common::start_sim("article", true).await;
    sim.set_kube_unreachable(true);

    let (code, out, err) = common::run(common::eksauto(&sim, ["preflight", "-o", "json"])).await;
    assert_eq!(code, 2, "{out}\n{err}");
    let all = findings(&out);
    for id in ["CLU001", "IAM001", "IAM002", "NET001", "ADD001"] {
        assert!(
            of(&all, id).iter().all(|f| f["severity"] == "pass"),
            "{id}: {:?}",
            of(&all, id)
        );
    }
    let kube: Vec<&Value> = all.iter().filter(|f| f["family"] == "kubernetes").collect();
    assert_eq!(kube.len(), 1, "{kube:#?}");
    let k = kube[0];
    assert_eq!(
        (k["id"].as_str(), k["severity"].as_str()),
        (Some("K8S002"), Some("warn"))
    );
    assert_eq!(k["unchecked"], true);
    let message = k["message"].as_str().unwrap();
    assert!(
        message.contains("cannot reach the Kubernetes API server at"),
        "{message}"
    );
    assert!(k["details"][0].as_str().unwrap().contains("PDB001"), "{k}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: preflight is incomplete"), "{err}");

    // The table says the same.
    let (code, out, _) = common::run(common::eksauto(&sim, ["preflight"])).await;
    assert_eq!(code, 2);
    assert!(
        out.contains("K8S002") && out.contains("Kubernetes checks not run"),
        "{out}"
    );
    assert!(out.contains("IAM001"), "{out}");

    // Without the Kubernetes family the AWS findings alone decide.
    let (code, out, err) = common::run(common::eksauto(
        &sim,
        ["preflight", "-o", "json", "--skip", "kubernetes"],
    ))
    .await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(findings(&out).iter().all(|f| f["family"] != "kubernetes"));

    // Reachable again: the Kubernetes checks run.
    sim.set_kube_unreachable(false);
    let (code, out, err) = common::run(common::eksauto(&sim, ["preflight", "-o", "json"])).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(of(&findings(&out), "K8S002")[0]["severity"] == "pass");
    assert!(common::mutating_requests(&sim).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_only_endpoint_says_where_to_run_from() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::article_edited(
        dir.path(),
        "private",
        "  update: {durationSeconds: 480}\n",
        "  update: {durationSeconds: 480}\n  endpointAccess: {publicAccess: false, privateAccess: true}\n",
    );
    let sim = common::start_sim(&path, true).await;

    // DescribeCluster says so, as the real aws CLI reads it.
    let (code, out, err) = common::run(common::aws(
        &sim,
        [
            "eks",
            "describe-cluster",
            "--name",
            &sim.cluster_name,
            "--query",
            "cluster.resourcesVpcConfig.[endpointPublicAccess,endpointPrivateAccess]",
            "--output",
            "text",
        ],
    ))
    .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.split_whitespace().collect::<Vec<_>>(),
        ["False", "True"]
    );

    let (code, out, err) = common::run(common::eksauto(&sim, ["preflight", "-o", "json"])).await;
    assert_eq!(code, 2, "{out}\n{err}");
    let all = findings(&out);
    let k = of(&all, "K8S002");
    assert_eq!(k.len(), 1, "{all:#?}");
    assert!(
        k[0]["message"].as_str().unwrap().contains("private-only"),
        "{}",
        k[0]
    );
    let fix = k[0]["remediation"].as_str().unwrap();
    assert!(
        fix.contains("inside the cluster's VPC") && fix.contains("--skip kubernetes"),
        "{fix}"
    );
    assert!(of(&all, "IAM001")[0]["severity"] == "pass");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_pod_list_leaves_the_other_checks_running() {
    let sim = common::start_sim("blocked", true).await;
    plan_faults(&sim, [fault("list pods", ErrorKind::AccessDenied, None)]);
    let (code, out, err) = common::run(common::eksauto(&sim, ["preflight", "-o", "json"])).await;
    assert_eq!(code, 1, "{out}\n{err}");
    let all = findings(&out);
    for id in ["PDB003", "PDB004", "POD001", "POD002"] {
        let f = of(&all, id);
        assert_eq!(f.len(), 1, "{id}: {f:?}");
        assert_eq!(f[0]["severity"], "warn", "{id}");
        assert_eq!(f[0]["unchecked"], true, "{id}");
        let m = f[0]["message"].as_str().unwrap();
        assert!(
            m.contains("the pods list") && m.contains("forbidden"),
            "{id}: {m}"
        );
    }
    // PDBs were readable: PDB001 and PDB002 judge payments from its status and spec.
    for id in ["PDB001", "PDB002"] {
        let f = of(&all, id);
        assert_eq!(f.len(), 1, "{id}: {f:?}");
        assert_eq!(f[0]["severity"], "fail", "{id}");
        assert_eq!(f[0]["subject"], "pdb default/payments", "{id}");
        assert!(f[0].get("unchecked").is_none(), "{id}");
    }
    // NodePools, nodes and workloads were readable.
    assert!(of(&all, "NPL001")
        .iter()
        .any(|f| f["severity"] == "fail" && f.get("unchecked").is_none()));
    assert!(of(&all, "K8S001")
        .iter()
        .all(|f| f.get("unchecked").is_none()));
    assert!(of(&all, "WRK002")
        .iter()
        .all(|f| f.get("unchecked").is_none()));
    let k = of(&all, "K8S002");
    assert!(
        k[0]["message"]
            .as_str()
            .unwrap()
            .contains("could not read pods"),
        "{k:?}"
    );
}
