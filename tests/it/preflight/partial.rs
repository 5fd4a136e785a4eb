//! Preflight where users really run it: a Kubernetes API that does not answer (a private-only
//! endpoint seen from outside the VPC, a server that is down) and a read-only role refused one
//! list. The AWS findings are always reported; the Kubernetes side says what it could not check.

use crate::common;

use eksauto_sim::faults::{ErrorFault, ErrorKind};
use eksauto_sim::world::lock;
use serde_json::Value;

fn findings(out: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    v["findings"].as_array().unwrap().clone()
}

fn of<'a>(findings: &'a [Value], id: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["id"] == id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_kubernetes_api_keeps_the_aws_findings() {
    let sim = common::start_sim("article", true).await;
    sim.set_kube_unreachable(true);

    let mut cmd = common::eksauto(&sim);
    cmd.args(["preflight", "-o", "json"]);
    let (code, out, err) = common::run(cmd).await;
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
    let mut cmd = common::eksauto(&sim);
    cmd.arg("preflight");
    let (code, out, _) = common::run(cmd).await;
    assert_eq!(code, 2);
    assert!(
        out.contains("K8S002") && out.contains("Kubernetes checks not run"),
        "{out}"
    );
    assert!(out.contains("IAM001"), "{out}");

    // Without the Kubernetes family the AWS findings alone decide.
    let mut cmd = common::eksauto(&sim);
    cmd.args(["preflight", "-o", "json", "--skip", "kubernetes"]);
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(findings(&out).iter().all(|f| f["family"] != "kubernetes"));

    // Reachable again: the Kubernetes checks run.
    sim.set_kube_unreachable(false);
    let mut cmd = common::eksauto(&sim);
    cmd.args(["preflight", "-o", "json"]);
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(of(&findings(&out), "K8S002")[0]["severity"] == "pass");
    assert!(common::mutating_requests(&sim).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_only_endpoint_says_where_to_run_from() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/sim/scenarios/article.yaml"
    ))
    .unwrap();
    let private = text.replacen(
        "  update: {durationSeconds: 480}\n",
        "  update: {durationSeconds: 480}\n  endpointAccess: {publicAccess: false, privateAccess: true}\n",
        1,
    );
    assert_ne!(private, text, "the article scenario changed shape");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("private.yaml");
    std::fs::write(&path, private).unwrap();
    let sim = common::start_sim(path.to_str().unwrap(), true).await;

    // DescribeCluster says so, as the real aws CLI reads it.
    let mut aws = common::aws(&sim);
    aws.args([
        "eks",
        "describe-cluster",
        "--name",
        &sim.cluster_name,
        "--query",
        "cluster.resourcesVpcConfig.[endpointPublicAccess,endpointPrivateAccess]",
        "--output",
        "text",
    ]);
    let (code, out, err) = common::run(aws).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.split_whitespace().collect::<Vec<_>>(),
        ["False", "True"]
    );

    let mut cmd = common::eksauto(&sim);
    cmd.args(["preflight", "-o", "json"]);
    let (code, out, err) = common::run(cmd).await;
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
    lock(&sim.world).faults.errors.push(ErrorFault {
        operation: "list pods".into(),
        kind: ErrorKind::AccessDenied,
        count: None,
    });
    let mut cmd = common::eksauto(&sim);
    cmd.args(["preflight", "-o", "json"]);
    let (code, out, err) = common::run(cmd).await;
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
