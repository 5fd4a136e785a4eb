//! End-to-end behaviour of the engine on hand-built worlds: the article's warm-up and upgrade,
//! blocked rotations, empty-node removal, provisioning from nothing, and scale.

use serde_json::json;

use super::pods::{is_healthy, is_terminating, node_name};
use super::testworld::{advance, myapp, pods, ready_pods, seed, world};
use super::util::str_at;
use crate::store::Res;
use crate::world::{Update, World};

fn start_upgrade(w: &mut World, after: u64) {
    let now = w.now;
    let c = w.kube_cluster_mut().unwrap();
    c.status = "UPDATING".into();
    c.updates.push(Update {
        id: "u1".into(),
        kind: "VersionUpdate".into(),
        status: "InProgress".into(),
        params: vec![("Version".into(), "1.31".into())],
        created_at: now,
        finish_at: super::util::plus(now, after as i64),
        errors: vec![],
        target_version: Some("1.31".into()),
        client_request_token: None,
    });
}

fn kubelets(w: &World) -> Vec<String> {
    w.kube
        .iter(Res::Nodes)
        .map(|n| {
            str_at(n, &["status", "nodeInfo", "kubeletVersion"])
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

fn events(w: &World, reason: &str) -> Vec<String> {
    w.kube
        .iter(Res::Events)
        .filter(|e| e["reason"] == reason)
        .map(|e| e["message"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn article_warm_up_runs_ten_pods_on_one_node() {
    let mut w = world();
    seed(&mut w, "c5a.4xlarge", 1, 5760);
    myapp(&mut w, 10, Some(json!({"minAvailable": "80%"})));
    advance(&mut w, 40);
    assert_eq!(w.kube.len(Res::Nodes), 1);
    assert_eq!(ready_pods(&w), 10);
    let node = w.kube.iter(Res::Nodes).next().unwrap().clone();
    assert_eq!(node["status"]["allocatable"]["cpu"], "15890m");
    assert_eq!(node["status"]["allocatable"]["memory"], "30853148Ki");
    assert_eq!(
        node["metadata"]["labels"]["karpenter.sh/nodepool"],
        "general-purpose"
    );
    let name = node["metadata"]["name"].as_str().unwrap();
    assert!(name.starts_with("i-") && name.len() == 19, "{name}");
    let pdb = w
        .kube
        .get(Res::PodDisruptionBudgets, "default", "myapp")
        .unwrap();
    assert_eq!(pdb["status"]["disruptionsAllowed"], 2);
    assert_eq!(pdb["status"]["desiredHealthy"], 8);
    assert_eq!(pdb["status"]["expectedPods"], 10);
    let p = &pods(&w)[0];
    let pname = p["metadata"]["name"].as_str().unwrap();
    assert!(pname.starts_with("myapp-"), "{pname}");
    assert_eq!(
        pname.len(),
        "myapp-5865fb57f-7rsqm".len() + (pname.len() - 21),
        "{pname}"
    );
    let dep = w.kube.get(Res::Deployments, "default", "myapp").unwrap();
    assert_eq!(dep["status"]["readyReplicas"], 10);
    // idle ticks write nothing
    let rv = w.kube.rv();
    advance(&mut w, 30);
    assert_eq!(w.kube.rv(), rv);
}

#[test]
fn article_upgrade_rotates_the_node_within_the_pdb() {
    let mut w = world();
    seed(&mut w, "c5a.4xlarge", 1, 5760);
    myapp(&mut w, 10, Some(json!({"minAvailable": "80%"})));
    advance(&mut w, 40);
    let old: Vec<String> = w
        .kube
        .iter(Res::Nodes)
        .map(|n| n["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    start_upgrade(&mut w, 600);
    let mut min_healthy = usize::MAX;
    let mut min_active = usize::MAX;
    for _ in 0..1500 {
        advance(&mut w, 1);
        min_healthy = min_healthy.min(ready_pods(&w));
        let active = pods(&w).iter().filter(|p| !is_terminating(p)).count();
        min_active = min_active.min(active);
    }
    assert_eq!(w.kube_cluster().unwrap().version, "1.31");
    assert_eq!(w.kube_cluster().unwrap().status, "ACTIVE");
    assert_eq!(w.kube_cluster().unwrap().updates[0].status, "Successful");
    let versions = kubelets(&w);
    assert_eq!(
        versions,
        vec!["v1.31.1-eks-1b3e656".to_string()],
        "{versions:?}"
    );
    assert!(w.kube.get(Res::Nodes, "", &old[0]).is_none());
    assert_eq!(ready_pods(&w), 10);
    assert_eq!(pods(&w).len(), 10);
    assert!(min_healthy >= 8, "healthy dropped to {min_healthy}");
    assert_eq!(min_active, 10);
    assert!(pods(&w)
        .iter()
        .all(|p| node_name(p) != Some(old[0].as_str())));
    assert!(!events(&w, "DisruptionTerminating").is_empty());
    assert!(!events(&w, "Evicted").is_empty());
    assert_eq!(w.kube.len(Res::NodeClaims), 1);
}

#[test]
fn failed_update_keeps_the_version_and_nodes() {
    let mut w = world();
    seed(&mut w, "c5a.4xlarge", 1, 60);
    w.kube_cluster_mut().unwrap().update_behaviour.fail_with = Some("ClusterUnreachable".into());
    start_upgrade(&mut w, 10);
    advance(&mut w, 20);
    let c = w.kube_cluster().unwrap();
    assert_eq!(c.version, "1.30");
    assert_eq!(c.status, "ACTIVE");
    assert_eq!(c.updates[0].status, "Failed");
    assert_eq!(c.updates[0].errors[0]["errorCode"], "ClusterUnreachable");
}

#[test]
fn zero_budget_blocks_drift_with_events() {
    let mut w = world();
    seed(&mut w, "c5a.4xlarge", 1, 600);
    w.kube.update(Res::NodePools, "", "general-purpose", |v| {
        v["spec"]["disruption"]["budgets"] = json!([{"nodes": "0"}]);
    });
    myapp(&mut w, 4, None);
    advance(&mut w, 40);
    start_upgrade(&mut w, 10);
    advance(&mut w, 300);
    assert_eq!(kubelets(&w), vec!["v1.30.5-eks-baa6d11".to_string()]);
    assert_eq!(w.kube.len(Res::NodeClaims), 1);
    let blocked = events(&w, "DisruptionBlocked");
    assert!(
        blocked.iter().any(|m| m.contains("blocking budget")),
        "{blocked:?}"
    );
    let claim = w.kube.iter(Res::NodeClaims).next().unwrap().clone();
    assert!(super::util::condition_true(
        &claim["status"]["conditions"],
        "Drifted"
    ));
}

#[test]
fn pdb_max_unavailable_zero_blocks_drift() {
    let mut w = world();
    seed(&mut w, "c5a.4xlarge", 1, 600);
    myapp(&mut w, 3, Some(json!({"maxUnavailable": 0})));
    advance(&mut w, 40);
    start_upgrade(&mut w, 10);
    advance(&mut w, 300);
    assert_eq!(kubelets(&w), vec!["v1.30.5-eks-baa6d11".to_string()]);
    assert_eq!(ready_pods(&w), 3);
    let blocked = events(&w, "DisruptionBlocked");
    assert!(
        blocked.iter().any(|m| m.contains("prevents pod evictions")),
        "{blocked:?}"
    );
}

#[test]
fn do_not_disrupt_pod_blocks_drift_but_not_expiry() {
    let mut w = world();
    seed(&mut w, "c5a.4xlarge", 1, 600);
    let now = w.now;
    w.kube
        .create(
            Res::Pods,
            json!({
                "metadata": {"name": "precious", "namespace": "default",
                             "annotations": {"karpenter.sh/do-not-disrupt": "true"}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
            }),
            now,
        )
        .unwrap();
    advance(&mut w, 30);
    start_upgrade(&mut w, 5);
    advance(&mut w, 120);
    assert_eq!(kubelets(&w), vec!["v1.30.5-eks-baa6d11".to_string()]);
    let blocked = events(&w, "DisruptionBlocked");
    assert!(
        blocked.iter().any(|m| m.contains("do-not-disrupt")),
        "{blocked:?}"
    );
}

#[test]
fn expiry_replaces_old_nodes() {
    let mut w = world();
    seed(&mut w, "c5a.4xlarge", 1, 336 * 3600 - 30);
    myapp(&mut w, 2, Some(json!({"minAvailable": 1})));
    advance(&mut w, 20);
    let old = w.kube.iter(Res::Nodes).next().unwrap()["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    advance(&mut w, 200);
    assert!(w.kube.get(Res::Nodes, "", &old).is_none());
    assert_eq!(w.kube.len(Res::Nodes), 1);
    assert_eq!(ready_pods(&w), 2);
}

#[test]
fn pending_pod_gets_a_node_and_empty_node_goes_away() {
    let mut w = world();
    let now = w.now;
    w.kube
        .create(
            Res::Pods,
            json!({
                "metadata": {"name": "nginx", "namespace": "default"},
                "spec": {"containers": [{"name": "nginx", "image": "nginx"}]},
            }),
            now,
        )
        .unwrap();
    advance(&mut w, 1);
    let p = w.kube.get(Res::Pods, "default", "nginx").unwrap();
    assert_eq!(p["status"]["conditions"][0]["reason"], "Unschedulable");
    assert_eq!(w.kube.len(Res::NodeClaims), 1);
    let claim = w.kube.iter(Res::NodeClaims).next().unwrap().clone();
    assert_eq!(
        claim["metadata"]["labels"]["node.kubernetes.io/instance-type"],
        "c5a.large"
    );
    advance(&mut w, 60);
    assert!(is_healthy(
        &w.kube.get(Res::Pods, "default", "nginx").unwrap()
    ));
    let node = w.kube.iter(Res::Nodes).next().unwrap().clone();
    assert_eq!(
        node["status"]["nodeInfo"]["kubeletVersion"],
        "v1.30.5-eks-baa6d11"
    );
    // the pod terminates for its 30 s grace; the node, empty from the deletion on, is removed
    // after the pool's consolidateAfter (30s), Karpenter's next poll and its 15 s validation:
    // NotReady first, then gone, 60-120 s after the deletion
    super::delete_pod(&mut w, "default", "nginx", None);
    let p = w.kube.get(Res::Pods, "default", "nginx").unwrap();
    assert_eq!(p["metadata"]["deletionGracePeriodSeconds"], 30);
    advance(&mut w, 29);
    assert_eq!(w.kube.len(Res::Pods), 1, "terminating for its grace period");
    advance(&mut w, 2);
    assert_eq!(w.kube.len(Res::Pods), 0);
    let mut not_ready_at = None;
    let mut gone_at = None;
    for s in 32..=130 {
        advance(&mut w, 1);
        match w.kube.iter(Res::Nodes).next() {
            Some(n) if !super::nodes::node_ready(n) && not_ready_at.is_none() => {
                not_ready_at = Some(s)
            }
            None if gone_at.is_none() => gone_at = Some(s),
            _ => {}
        }
    }
    let (not_ready, gone) = (not_ready_at.unwrap(), gone_at.unwrap());
    assert!(
        not_ready < gone,
        "NotReady at {not_ready}s, gone at {gone}s"
    );
    assert!(
        (60..=120).contains(&gone),
        "gone {gone}s after the deletion"
    );
    assert_eq!(w.kube.len(Res::NodeClaims), 0);
}

#[test]
fn system_pool_only_for_critical_addons() {
    let mut w = world();
    let now = w.now;
    w.kube
        .create(
            Res::Pods,
            json!({
                "metadata": {"name": "coredns", "namespace": "kube-system"},
                "spec": {"containers": [{"name": "c", "image": "coredns"}],
                         "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}],
                         "nodeSelector": {"karpenter.sh/nodepool": "system"}},
            }),
            now,
        )
        .unwrap();
    advance(&mut w, 1);
    let claim = w.kube.iter(Res::NodeClaims).next().unwrap().clone();
    assert_eq!(
        claim["metadata"]["labels"]["karpenter.sh/nodepool"],
        "system"
    );
}

#[test]
fn eviction_answers() {
    let mut w = world();
    seed(&mut w, "c5a.4xlarge", 1, 600);
    myapp(&mut w, 10, Some(json!({"minAvailable": "80%"})));
    advance(&mut w, 40);
    let names: Vec<String> = pods(&w)
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert!(super::evict_pod(&mut w, "default", &names[0]).is_ok());
    assert!(super::evict_pod(&mut w, "default", &names[1]).is_ok());
    let e = super::evict_pod(&mut w, "default", &names[2]).unwrap_err();
    assert_eq!(e.code, 429);
    assert_eq!(
        e.message,
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    assert_eq!(
        super::evict_pod(&mut w, "default", "nope")
            .unwrap_err()
            .code,
        404
    );
    let now = w.now;
    w.kube
        .create(
            Res::PodDisruptionBudgets,
            json!({
                "metadata": {"name": "second", "namespace": "default"},
                "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "myapp"}}},
            }),
            now,
        )
        .unwrap();
    assert_eq!(
        super::evict_pod(&mut w, "default", &names[3])
            .unwrap_err()
            .code,
        500
    );
}

#[test]
fn deleting_a_deployment_collects_its_pods() {
    let mut w = world();
    seed(&mut w, "c5a.4xlarge", 1, 600);
    myapp(&mut w, 3, None);
    advance(&mut w, 30);
    w.kube.delete(Res::Deployments, "default", "myapp");
    advance(&mut w, 10);
    assert_eq!(w.kube.len(Res::ReplicaSets), 0);
    // collected pods terminate for their grace period (30 s)
    assert!(w.kube.iter(Res::Pods).all(|p| is_terminating(p)));
    advance(&mut w, 25);
    assert_eq!(w.kube.len(Res::Pods), 0);
}

fn fleet(w: &mut World, nodes: u32, deployments: usize, replicas: i64) {
    seed(w, "c5a.4xlarge", nodes, 3600);
    let now = w.now;
    for i in 0..deployments {
        w.kube.create(Res::Deployments, json!({
            "metadata": {"name": format!("app-{i}"), "namespace": format!("ns-{}", i % 20)},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": format!("app-{i}")}},
                     "template": {"metadata": {"labels": {"app": format!("app-{i}")}},
                                  "spec": {"containers": [{"name": "c", "image": "pause:3.2",
                                           "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}}},
        }), now).unwrap();
        if i % 20 == 0 {
            w.kube.create(Res::PodDisruptionBudgets, json!({
                "metadata": {"name": format!("app-{i}"), "namespace": format!("ns-{}", i % 20)},
                "spec": {"minAvailable": "90%", "selector": {"matchLabels": {"app": format!("app-{i}")}}},
            }), now).unwrap();
        }
    }
}

/// Places `deployments × replicas` pods on `nodes` nodes; returns (warm-up, idle tick) times.
fn scale_run(
    nodes: u32,
    deployments: usize,
    replicas: i64,
) -> (std::time::Duration, std::time::Duration) {
    let mut w = world();
    fleet(&mut w, nodes, deployments, replicas);
    let t = std::time::Instant::now();
    advance(&mut w, 40);
    let warm = t.elapsed();
    let total = deployments * replicas as usize;
    assert_eq!(w.kube.len(Res::Pods), total);
    assert_eq!(ready_pods(&w), total);
    // spread like the default scheduler: no node far above the average
    let mut per_node = std::collections::HashMap::new();
    for p in pods(&w) {
        *per_node
            .entry(node_name(&p).unwrap().to_string())
            .or_insert(0usize) += 1;
    }
    let avg = total.div_ceil(nodes as usize);
    assert!(per_node.values().all(|n| *n <= avg + 1), "uneven spread");
    assert_eq!(per_node.len(), nodes as usize, "every node got pods");
    let rv = w.kube.rv();
    let t = std::time::Instant::now();
    advance(&mut w, 100);
    let idle = t.elapsed() / 100;
    assert_eq!(w.kube.rv(), rv, "idle ticks write nothing");
    (warm, idle)
}

/// Timings are the benchmark's job (`benches/sim_large.rs`); this checks the shape: every pod placed
/// and running, spread evenly, and idle ticks writing nothing.
#[test]
fn medium_world_schedules_evenly_and_idles_without_writes() {
    let (warm, idle) = scale_run(250, 50, 100);
    eprintln!("5,000 pods on 250 nodes: warm-up {warm:?}, idle tick {idle:?}");
}

#[test]
fn unschedulable_message_names_the_reason() {
    let mut w = world();
    seed(&mut w, "c5a.large", 1, 600);
    let now = w.now;
    w.kube.create(Res::Pods, json!({
        "metadata": {"name": "big", "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "3"}}}]},
    }), now).unwrap();
    w.kube.create(Res::Pods, json!({
        "metadata": {"name": "picky", "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "x"}], "nodeSelector": {"disk": "ssd"}},
    }), now).unwrap();
    advance(&mut w, 1);
    let msg = |n: &str| {
        w.kube.get(Res::Pods, "default", n).unwrap()["status"]["conditions"][0]["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        msg("big").starts_with("0/1 nodes are available: 1 Insufficient cpu."),
        "{}",
        msg("big")
    );
    assert!(
        msg("picky").contains("1 node(s) didn't match Pod's node affinity/selector"),
        "{}",
        msg("picky")
    );
    // the big pod gets its own node; nothing in the catalogue carries disk=ssd
    let mut types: Vec<String> = w
        .kube
        .iter(Res::NodeClaims)
        .map(|c| {
            c["metadata"]["labels"]["node.kubernetes.io/instance-type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    types.sort();
    assert_eq!(
        types,
        vec!["c5a.large".to_string(), "c5a.xlarge".to_string()]
    );
}

#[test]
fn events_are_aggregated_and_capped() {
    let mut w = world();
    seed(&mut w, "c5a.large", 1, 600);
    let node = w.kube.iter(Res::Nodes).next().unwrap().clone();
    super::events::emit(&mut w, &node, "Normal", "X", "same", "karpenter");
    super::events::emit(&mut w, &node, "Normal", "X", "same", "karpenter");
    let e: Vec<_> = w
        .kube
        .iter(Res::Events)
        .filter(|e| e["reason"] == "X")
        .cloned()
        .collect();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["count"], 2);
    for i in 0..(super::events::CAP + 10) {
        super::events::emit(&mut w, &node, "Normal", "Y", &format!("m{i}"), "karpenter");
    }
    super::events::cap(&mut super::Hold::borrowed(&mut w));
    assert_eq!(w.kube.len(Res::Events), super::events::CAP);
}

#[test]
fn deleting_a_node_takes_its_claim_and_pods_move() {
    let mut w = world();
    seed(&mut w, "c5a.4xlarge", 1, 600);
    myapp(&mut w, 3, None);
    advance(&mut w, 30);
    let node = w.kube.iter(Res::Nodes).next().unwrap()["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    w.kube.delete(Res::Nodes, "", &node);
    advance(&mut w, 1);
    assert!(
        w.kube.get(Res::Nodes, "", &node).is_none(),
        "not re-registered"
    );
    assert!(w
        .kube
        .iter(Res::NodeClaims)
        .all(|c| super::claims::node_name(c) != Some(node.as_str())));
    advance(&mut w, 60);
    assert_eq!(ready_pods(&w), 3, "pods rescheduled on a new node");
    assert_eq!(w.kube.len(Res::Nodes), 1);
}

#[test]
fn pods_tolerating_everything_avoid_disrupted_nodes() {
    let mut w = world();
    seed(&mut w, "c5a.4xlarge", 2, 600);
    let nodes: Vec<String> = w
        .kube
        .iter(Res::Nodes)
        .map(|n| n["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    super::disruption::taint_disrupted(&mut w, &nodes[0]);
    let now = w.now;
    for i in 0..4 {
        w.kube
            .create(
                Res::Pods,
                json!({
                    "metadata": {"name": format!("tough-{i}"), "namespace": "default"},
                    "spec": {"containers": [{"name": "c", "image": "x"}],
                             "tolerations": [{"operator": "Exists"}]},
                }),
                now,
            )
            .unwrap();
    }
    advance(&mut w, 1);
    assert!(pods(&w)
        .iter()
        .all(|p| node_name(p) == Some(nodes[1].as_str())));
}

fn lease(w: &World, node: &str) -> Option<std::sync::Arc<serde_json::Value>> {
    w.kube.get(Res::Leases, super::leases::NAMESPACE, node)
}

/// Events whose involvedObject is `node` as `kubectl describe node` asks for them.
fn node_events(w: &World, node: &serde_json::Value) -> Vec<(String, String, String)> {
    let uid = node["metadata"]["uid"].as_str().unwrap();
    let name = node["metadata"]["name"].as_str().unwrap();
    w.kube
        .iter(Res::Events)
        .filter(|e| {
            let o = &e["involvedObject"];
            o["kind"] == "Node"
                && o["name"] == name
                && o["uid"] == uid
                && o["namespace"].as_str().unwrap_or("").is_empty()
        })
        .map(|e| {
            (
                e["reason"].as_str().unwrap_or("").to_string(),
                e["source"]["component"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn every_node_has_a_lease_that_goes_with_it() {
    let mut w = world();
    // empty nodes stay (else Karpenter removes them after consolidateAfter)
    for pool in ["general-purpose", "system"] {
        w.kube.update(Res::NodePools, "", pool, |p| {
            p["spec"]["disruption"]["consolidateAfter"] = json!("Never")
        });
    }
    seed(&mut w, "c5a.4xlarge", 2, 5760);
    advance(&mut w, 2);
    let names: Vec<String> = w
        .kube
        .iter(Res::Nodes)
        .map(|n| n["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 2);
    for n in &names {
        let l = lease(&w, n).expect("a Lease per node");
        assert_eq!(l["apiVersion"], "coordination.k8s.io/v1");
        assert_eq!(l["spec"]["holderIdentity"], n.as_str());
        assert_eq!(l["spec"]["leaseDurationSeconds"], 40);
        let renew = l["spec"]["renewTime"].as_str().unwrap();
        assert!(renew.ends_with(".000000Z"), "MicroTime: {renew}");
        assert!(renew.parse::<jiff::Timestamp>().is_ok());
        assert_eq!(l["metadata"]["ownerReferences"][0]["kind"], "Node");
    }
    // an idle cluster does not rewrite its Leases
    let rv = w.kube.rv();
    advance(&mut w, 120);
    assert_eq!(w.kube.rv(), rv, "idle ticks wrote something");

    // a deleted node's Lease goes with it
    w.kube.delete(Res::Nodes, "", &names[0]);
    advance(&mut w, 2);
    assert!(lease(&w, &names[0]).is_none());
    assert!(lease(&w, &names[1]).is_some());
}

#[test]
fn a_new_node_reports_what_kubelet_and_controllers_say() {
    let mut w = world();
    myapp(&mut w, 2, None);
    advance(&mut w, 5);
    assert_eq!(w.kube.len(Res::Nodes), 0, "no node yet");
    // registration: NotReady, Lease created
    let mut registered = None;
    for _ in 0..120 {
        advance(&mut w, 1);
        if let Some(n) = w.kube.iter(Res::Nodes).next() {
            registered = Some(n.clone());
            break;
        }
    }
    let node = registered.expect("a node registers");
    let name = node["metadata"]["name"].as_str().unwrap().to_string();
    assert!(!super::nodes::node_ready(&node), "registers NotReady");
    let first = lease(&w, &name).expect("Lease at registration");
    let reasons: Vec<String> = node_events(&w, &node).into_iter().map(|e| e.0).collect();
    for r in [
        "Starting",
        "NodeHasSufficientMemory",
        "NodeHasNoDiskPressure",
        "NodeHasSufficientPID",
        "NodeAllocatableEnforced",
        "RegisteredNode",
        "Synced",
    ] {
        assert!(
            reasons.iter().any(|x| x == r),
            "{r} missing at registration: {reasons:?}"
        );
    }
    assert!(!reasons.iter().any(|x| x == "NodeReady"), "not Ready yet");

    advance(&mut w, 60);
    let node = w.kube.get(Res::Nodes, "", &name).unwrap();
    assert!(super::nodes::node_ready(&node));
    let evs = node_events(&w, &node);
    let has = |reason: &str, from: &str| evs.iter().any(|e| e.0 == reason && e.1 == from);
    assert!(has("NodeReady", "kubelet"), "{evs:?}");
    assert!(has("Ready", "karpenter"));
    assert!(has("Starting", "kube-proxy"));
    assert!(has("Synced", "cloud-node-controller"));
    assert!(has("RegisteredNode", "node-controller"));
    let synced = evs.iter().find(|e| e.0 == "Synced").unwrap();
    assert_eq!(synced.2, "Node synced successfully");
    // renewed when the node turned Ready
    let renewed = lease(&w, &name).unwrap();
    assert!(
        renewed["spec"]["renewTime"].as_str() > first["spec"]["renewTime"].as_str(),
        "{} vs {}",
        renewed["spec"]["renewTime"],
        first["spec"]["renewTime"]
    );

    // the pods' kubelet events
    let pod_reasons: Vec<String> = w
        .kube
        .iter(Res::Events)
        .filter(|e| e["involvedObject"]["kind"] == "Pod")
        .map(|e| e["reason"].as_str().unwrap_or("").to_string())
        .collect();
    for r in ["Scheduled", "Pulling", "Pulled", "Created", "Started"] {
        assert!(
            pod_reasons.iter().any(|x| x == r),
            "pod event {r} missing: {pod_reasons:?}"
        );
    }
}

#[test]
fn nodepool_and_nodeclass_status_fill_the_printer_columns() {
    let mut w = world();
    seed(&mut w, "c5a.4xlarge", 3, 5760);
    advance(&mut w, 2);
    let pool = w.kube.get(Res::NodePools, "", "general-purpose").unwrap();
    let st = &pool["status"];
    assert_eq!(st["nodes"], 3, "NODES column reads .status.nodes");
    assert_eq!(st["resources"]["nodes"], "3");
    assert_eq!(st["resources"]["cpu"], "48");
    assert_eq!(st["resources"]["pods"], "330");
    for t in ["Ready", "ValidationSucceeded", "NodeClassReady"] {
        assert!(
            super::util::condition_true(&st["conditions"], t),
            "{t}: {st}"
        );
    }
    let system = w.kube.get(Res::NodePools, "", "system").unwrap();
    assert_eq!(system["status"]["nodes"], 0);

    let class = w.kube.get(Res::NodeClasses, "", "default").unwrap();
    let cs = &class["status"];
    for t in [
        "Ready",
        "SubnetsReady",
        "SecurityGroupsReady",
        "InstanceProfileReady",
    ] {
        assert!(
            super::util::condition_true(&cs["conditions"], t),
            "{t}: {cs}"
        );
    }
    assert_eq!(cs["subnets"].as_array().unwrap().len(), 2);
    assert_eq!(cs["subnets"][0]["id"], "subnet-0a");
    assert_eq!(cs["subnets"][0]["zone"], "ap-northeast-1a");
    assert_eq!(cs["securityGroups"][0]["id"], "sg-0123456789abcdef0");

    // written only on change
    let rv = w.kube.rv();
    advance(&mut w, 30);
    assert_eq!(w.kube.rv(), rv);

    // a NodeClass naming a subnet that does not exist is not Ready, nor are its NodePools
    w.kube.update(Res::NodeClasses, "", "default", |c| {
        c["spec"]["subnetSelectorTerms"] = json!([{"id": "subnet-missing"}]);
    });
    advance(&mut w, 1);
    let class = w.kube.get(Res::NodeClasses, "", "default").unwrap();
    assert!(!super::util::condition_true(
        &class["status"]["conditions"],
        "Ready"
    ));
    assert_eq!(
        super::util::condition(&class["status"]["conditions"], "SubnetsReady").unwrap()["status"],
        "False"
    );
    let pool = w.kube.get(Res::NodePools, "", "general-purpose").unwrap();
    let c = super::util::condition(&pool["status"]["conditions"], "NodeClassReady").unwrap();
    assert_eq!(c["status"], "False");
    assert!(!super::util::condition_true(
        &pool["status"]["conditions"],
        "Ready"
    ));
}
