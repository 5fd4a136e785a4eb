//! The article's upgrade, seen the way a user would see it: kube-rs watchers on the myapp pods and
//! the nodes, the control-plane update started with the AWS SDK, and the virtual clock moved a few
//! seconds at a time. Auto Mode must rotate every node to 1.31 without losing a pod of myapp and
//! without the healthy count ever dropping below the PDB's 8.

use crate::common::{self, eks_client, kubectl_ok, node_ready, pod_ready, row, store_names};

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Event as KubeEvent, Node, Pod};
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client, ResourceExt};

use eksauto_sim::store::Res;
use eksauto_sim::world::lock;
use eksauto_sim::SimHandle;

/// What a watcher saw of one pod.
#[derive(Debug, Clone, PartialEq)]
struct PodSeen {
    rv: String,
    ready: bool,
    terminating: bool,
    node: String,
    owner: String,
}

#[derive(Debug, Clone, PartialEq)]
struct NodeSeen {
    rv: String,
    kubelet: String,
    ready: bool,
}

#[derive(Default)]
struct PodLog {
    synced: bool,
    current: BTreeMap<String, PodSeen>,
    buffer: BTreeMap<String, PodSeen>,
    /// Healthy (Ready, not terminating) pods after every event once synced.
    healthy_history: Vec<usize>,
    /// Pods that disappeared without ever having been seen terminating.
    vanished_abruptly: Vec<String>,
    every_name: std::collections::BTreeSet<String>,
}

impl PodLog {
    fn healthy(&self) -> usize {
        self.current
            .values()
            .filter(|p| p.ready && !p.terminating)
            .count()
    }
}

#[derive(Default)]
struct NodeLog {
    synced: bool,
    current: BTreeMap<String, NodeSeen>,
    buffer: BTreeMap<String, NodeSeen>,
    ever: BTreeMap<String, String>,
}

fn pod_seen(p: &Pod) -> PodSeen {
    PodSeen {
        rv: p.resource_version().unwrap_or_default(),
        ready: pod_ready(p),
        terminating: p.metadata.deletion_timestamp.is_some(),
        node: p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default(),
        owner: p
            .owner_references()
            .iter()
            .find(|o| o.controller == Some(true))
            .map(|o| format!("{}/{}", o.kind, o.name))
            .unwrap_or_default(),
    }
}

fn node_seen(n: &Node) -> NodeSeen {
    let status = n.status.as_ref();
    NodeSeen {
        rv: n.resource_version().unwrap_or_default(),
        kubelet: status
            .and_then(|s| s.node_info.as_ref())
            .map(|i| i.kubelet_version.clone())
            .unwrap_or_default(),
        ready: node_ready(n),
    }
}

fn watch_pods(client: Client, log: Arc<Mutex<PodLog>>) -> tokio::task::JoinHandle<()> {
    let api: Api<Pod> = Api::namespaced(client, "default");
    let cfg = watcher::Config::default().labels("app=myapp");
    common::spawn_watcher(api, cfg, move |ev| {
        let mut l = log.lock().unwrap();
        match ev {
            Event::Init => l.buffer.clear(),
            Event::InitApply(p) => {
                l.buffer.insert(p.name_any(), pod_seen(&p));
            }
            Event::InitDone => {
                l.current = std::mem::take(&mut l.buffer);
                l.synced = true;
                let names: Vec<String> = l.current.keys().cloned().collect();
                l.every_name.extend(names);
            }
            Event::Apply(p) => {
                l.every_name.insert(p.name_any());
                l.current.insert(p.name_any(), pod_seen(&p));
                let h = l.healthy();
                l.healthy_history.push(h);
            }
            Event::Delete(p) => {
                let was_terminating = l.current.get(&p.name_any()).is_some_and(|s| s.terminating)
                    || p.metadata.deletion_timestamp.is_some();
                if !was_terminating {
                    l.vanished_abruptly.push(p.name_any());
                }
                l.current.remove(&p.name_any());
                let h = l.healthy();
                l.healthy_history.push(h);
            }
        }
    })
}

fn watch_nodes(client: Client, log: Arc<Mutex<NodeLog>>) -> tokio::task::JoinHandle<()> {
    let api: Api<Node> = Api::all(client);
    common::spawn_watcher(api, watcher::Config::default(), move |ev| {
        let mut l = log.lock().unwrap();
        match ev {
            Event::Init => l.buffer.clear(),
            Event::InitApply(n) => {
                l.buffer.insert(n.name_any(), node_seen(&n));
            }
            Event::InitDone => {
                l.current = std::mem::take(&mut l.buffer);
                l.synced = true;
            }
            Event::Apply(n) => {
                let s = node_seen(&n);
                l.ever.insert(n.name_any(), s.kubelet.clone());
                l.current.insert(n.name_any(), s);
            }
            Event::Delete(n) => {
                l.current.remove(&n.name_any());
            }
        }
    })
}

/// Waits until both watchers have seen exactly what the store holds.
async fn catch_up(sim: &SimHandle, pods: &Arc<Mutex<PodLog>>, nodes: &Arc<Mutex<NodeLog>>) {
    let (want_pods, want_nodes) = common::myapp_and_node_versions(sim);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ok = {
            let p = pods.lock().unwrap();
            let n = nodes.lock().unwrap();
            p.synced
                && n.synced
                && p.current
                    .iter()
                    .map(|(k, v)| (k.clone(), v.rv.clone()))
                    .collect::<BTreeMap<_, _>>()
                    == want_pods
                && n.current
                    .iter()
                    .map(|(k, v)| (k.clone(), v.rv.clone()))
                    .collect::<BTreeMap<_, _>>()
                    == want_nodes
        };
        if ok {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "watchers did not catch up with the store"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Non-terminating myapp pods owned by a ReplicaSet, as the watcher sees them.
fn active_replicas(pods: &Arc<Mutex<PodLog>>) -> usize {
    pods.lock()
        .unwrap()
        .current
        .values()
        .filter(|p| !p.terminating && p.owner.starts_with("ReplicaSet/"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn article_upgrade_rotates_nodes_without_losing_pods() {
    let sim = common::start_sim("article", true).await;
    let client = common::kube_client(&sim).await;
    let pods = Arc::new(Mutex::new(PodLog::default()));
    let nodes = Arc::new(Mutex::new(NodeLog::default()));
    let _pw = watch_pods(client.clone(), pods.clone());
    let _nw = watch_nodes(client.clone(), nodes.clone());
    catch_up(&sim, &pods, &nodes).await;

    let before: Vec<String> = nodes.lock().unwrap().current.keys().cloned().collect();
    assert_eq!(before.len(), 1, "the article starts with one node");
    assert!(nodes.lock().unwrap().current[&before[0]]
        .kubelet
        .starts_with("v1.30."));
    assert_eq!(
        pods.lock().unwrap().healthy(),
        10,
        "10 myapp pods Ready before the upgrade"
    );

    let update_id = common::sdk_update_cluster_version(&sim, "1.31", false).await;
    let eks = eks_client(&sim).await;

    // "No pod lost": at every virtual second (once the watchers have caught up), the ReplicaSet owns
    // 10 pods that are not terminating — every evicted pod already has its replacement — and no pod
    // ever disappears without first being seen Terminating (graceful eviction, never killed with its
    // node).
    let mut min_active = usize::MAX;
    let mut control_plane_done_at = None;
    let mut finished_at = None;
    for second in 0..3000u64 {
        common::advance(&sim, 1);
        catch_up(&sim, &pods, &nodes).await;
        min_active = min_active.min(active_replicas(&pods));
        if control_plane_done_at.is_none() && second % 30 == 0 {
            let u = eks
                .describe_update()
                .name(&sim.cluster_name)
                .update_id(&update_id)
                .send()
                .await
                .expect("DescribeUpdate");
            let status = u
                .update()
                .and_then(|u| u.status())
                .map(|s| s.as_str().to_string());
            if status.as_deref() == Some("Successful") {
                control_plane_done_at = Some(second);
            } else {
                assert_eq!(status.as_deref(), Some("InProgress"), "update status");
            }
        }
        if control_plane_done_at.is_some() {
            let n = nodes.lock().unwrap();
            let p = pods.lock().unwrap();
            let rotated = n
                .current
                .values()
                .all(|s| s.kubelet.starts_with("v1.31.") && s.ready)
                && !n.current.contains_key(&before[0]);
            if rotated && p.current.len() == 10 && p.healthy() == 10 {
                finished_at = Some(second);
                break;
            }
        }
    }
    let done = control_plane_done_at.expect("the control-plane update finished");
    let finished = finished_at.expect("the node rotation finished within 3000 virtual seconds");
    eprintln!("control plane done at +{done}s, rotation finished at +{finished}s");

    let cluster = eks
        .describe_cluster()
        .name(&sim.cluster_name)
        .send()
        .await
        .expect("DescribeCluster");
    assert_eq!(cluster.cluster().and_then(|c| c.version()), Some("1.31"));

    let n = nodes.lock().unwrap();
    assert!(!n.current.contains_key(&before[0]), "the old node is gone");
    assert!(!n.current.is_empty());
    for (name, s) in &n.current {
        assert!(s.kubelet.starts_with("v1.31."), "{name} runs {}", s.kubelet);
    }
    assert!(n.ever.len() > before.len(), "a replacement node joined");
    drop(n);

    let p = pods.lock().unwrap();
    assert_eq!(p.current.len(), 10, "exactly 10 myapp pods at the end");
    assert!(p.current.values().all(|s| s.ready && !s.terminating));
    assert!(p.current.values().all(|s| s.node != before[0]));
    assert!(
        p.every_name.len() >= 20,
        "all 10 pods were replaced: saw {}",
        p.every_name.len()
    );
    assert!(
        p.vanished_abruptly.is_empty(),
        "pods lost without termination: {:?}",
        p.vanished_abruptly
    );
    assert_eq!(min_active, 10, "the ReplicaSet always had 10 live pods");
    let min_healthy = p.healthy_history.iter().copied().min().unwrap_or(0);
    assert!(
        min_healthy >= 8,
        "healthy myapp pods dropped to {min_healthy}"
    );
    assert!(
        p.healthy_history.contains(&8),
        "the PDB's allowance of 2 was used (healthy went down to 8)"
    );
}

async fn blocked_rotation(scenario: String, expect_in_message: &str) {
    let sim = common::start_sim(&scenario, true).await;
    let client = common::kube_client(&sim).await;
    let old = store_names(&sim, Res::Nodes, None);
    common::sdk_update_cluster_version(&sim, "1.31", false).await;
    for _ in 0..60 {
        common::advance(&sim, 20);
    }
    let nodes: Api<Node> = Api::all(client.clone());
    let list = nodes.list(&Default::default()).await.expect("list nodes");
    let names: Vec<String> = list.items.iter().map(|n| n.name_any()).collect();
    assert_eq!(names, old, "the old node stays: the rotation is blocked");
    for n in &list.items {
        let v = &n
            .status
            .as_ref()
            .unwrap()
            .node_info
            .as_ref()
            .unwrap()
            .kubelet_version;
        assert!(v.starts_with("v1.30."), "{v}");
    }
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let healthy = pods
        .list(&kube::api::ListParams::default().labels("app=myapp"))
        .await
        .unwrap()
        .items
        .iter()
        .filter(|p| pod_seen(p).ready)
        .count();
    assert_eq!(healthy, 10, "no pod was evicted");
    let events: Api<KubeEvent> = Api::all(client);
    let evs = events.list(&Default::default()).await.expect("list events");
    let blocked: Vec<String> = evs
        .items
        .iter()
        .filter(|e| e.reason.as_deref() == Some("DisruptionBlocked"))
        .filter(|e| e.involved_object.name.as_deref() == Some(old[0].as_str()))
        .filter_map(|e| e.message.clone())
        .collect();
    assert!(
        blocked.iter().any(|m| m.contains(expect_in_message)),
        "DisruptionBlocked events on {}: {blocked:?}",
        old[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zero_node_budget_blocks_the_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::scenario_variant(dir.path(), "budget-zero", |doc| {
        let pool: serde_yaml::Value = serde_yaml::from_str(
            r#"
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: general-purpose}
spec:
  disruption: {budgets: [{nodes: "0"}], consolidateAfter: 30s, consolidationPolicy: WhenEmptyOrUnderutilized}
  template:
    spec:
      expireAfter: 336h
      nodeClassRef: {group: eks.amazonaws.com, kind: NodeClass, name: default}
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}
        - {key: kubernetes.io/arch, operator: In, values: [amd64]}
"#,
        )
        .unwrap();
        doc["kubernetes"]["manifests"]
            .as_sequence_mut()
            .unwrap()
            .push(pool);
    });
    blocked_rotation(path, "blocking budget").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdb_with_max_unavailable_zero_blocks_the_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::scenario_variant(dir.path(), "pdb-zero", |doc| {
        let manifests = doc["kubernetes"]["manifests"].as_sequence_mut().unwrap();
        for m in manifests.iter_mut() {
            if m["kind"] == serde_yaml::Value::String("PodDisruptionBudget".into()) {
                let spec = m["spec"].as_mapping_mut().unwrap();
                spec.remove("minAvailable");
                spec.insert("maxUnavailable".into(), 0.into());
            }
        }
    });
    blocked_rotation(path, "prevents pod evictions").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_scenario_keeps_its_nodes_after_the_upgrade() {
    let sim = common::start_sim("blocked", true).await;
    let client = common::kube_client(&sim).await;
    let old = store_names(&sim, Res::Nodes, None);
    let from = lock(&sim.world).kube_cluster().unwrap().version.clone();
    let minor: u32 = from.split('.').nth(1).unwrap().parse().unwrap();
    common::sdk_update_cluster_version(&sim, &format!("1.{}", minor + 1), true).await;
    for _ in 0..60 {
        common::advance(&sim, 20);
    }
    let nodes: Api<Node> = Api::all(client.clone());
    let names: Vec<String> = nodes
        .list(&Default::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|n| n.name_any())
        .collect();
    assert_eq!(names, old, "budget nodes: \"0\" holds every node");
    let events: Api<KubeEvent> = Api::all(client);
    let evs = events.list(&Default::default()).await.unwrap();
    for n in &old {
        assert!(
            evs.items
                .iter()
                .any(|e| e.reason.as_deref() == Some("DisruptionBlocked")
                    && e.involved_object.name.as_deref() == Some(n.as_str())),
            "DisruptionBlocked on {n}"
        );
    }
}

/// Names of the nodes in the store, and which of them are Ready.
fn nodes_ready(sim: &SimHandle) -> BTreeMap<String, bool> {
    lock(&sim.world)
        .kube
        .iter(Res::Nodes)
        .map(|n| {
            let name = n["metadata"]["name"].as_str().unwrap().to_string();
            (name, common::says_ready(n))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_sees_leases_events_and_pool_status_through_the_rotation() {
    let sim = common::start_sim("article", true).await;

    let pools = kubectl_ok(&sim, &["get", "nodepools"]).await;
    assert_eq!(
        row(&pools, "general-purpose")[1..4],
        ["default", "1", "True"],
        "NODECLASS NODES READY:\n{pools}"
    );
    assert_eq!(row(&pools, "system")[1..4], ["default", "0", "True"]);
    let classes = kubectl_ok(&sim, &["get", "nodeclasses"]).await;
    assert_eq!(row(&classes, "default")[2], "True", "{classes}");

    let before: Vec<String> = nodes_ready(&sim).into_keys().collect();
    assert_eq!(before.len(), 1);
    let old = before[0].clone();
    let d = kubectl_ok(&sim, &["describe", "node", &old]).await;
    assert!(
        d.contains(&format!("HolderIdentity:  {old}")),
        "describe node shows the Lease:\n{d}"
    );
    assert!(!d.contains("Failed to get lease"));

    common::sdk_update_cluster_version(&sim, "1.31", false).await;

    // the replacement registers and turns Ready
    let new = common::advance_until(&sim, 5, 300, || {
        nodes_ready(&sim)
            .into_iter()
            .find(|(n, ready)| *n != old && *ready)
            .map(|(n, _)| n)
    });
    let new = new.expect("a replacement node turned Ready");
    let d = kubectl_ok(&sim, &["describe", "node", &new]).await;
    assert!(d.contains(&format!("HolderIdentity:  {new}")), "{d}");
    let events = d.split("Events:").nth(1).expect("an Events section");
    for (reason, from) in [
        ("Starting", "kubelet"),
        ("NodeHasSufficientMemory", "kubelet"),
        ("NodeHasNoDiskPressure", "kubelet"),
        ("NodeHasSufficientPID", "kubelet"),
        ("NodeAllocatableEnforced", "kubelet"),
        ("NodeReady", "kubelet"),
        ("Ready", "karpenter"),
        ("RegisteredNode", "node-controller"),
        ("Synced", "cloud-node-controller"),
    ] {
        assert!(
            events.lines().any(|l| {
                let cols: Vec<&str> = l.split_whitespace().collect();
                cols.get(1) == Some(&reason) && cols.contains(&from)
            }),
            "{reason} from {from} missing in\n{events}"
        );
    }
    let leases = kubectl_ok(&sim, &["get", "leases", "-n", "kube-node-lease"]).await;
    assert_eq!(row(&leases, &new)[1], new, "HOLDER column:\n{leases}");

    // the old node leaves with its Lease
    let gone = common::advance_until(&sim, 5, 600, || {
        (!nodes_ready(&sim).contains_key(&old)).then_some(())
    });
    assert!(gone.is_some(), "the old node was removed");
    common::advance(&sim, 1);
    let leases = kubectl_ok(
        &sim,
        &["get", "leases", "-n", "kube-node-lease", "-o", "name"],
    )
    .await;
    assert!(!leases.contains(&old), "{leases}");
    assert!(leases.contains(&new), "{leases}");
    let pools = kubectl_ok(&sim, &["get", "nodepools"]).await;
    let n = nodes_ready(&sim).len().to_string();
    assert_eq!(row(&pools, "general-purpose")[2], n, "{pools}");
}
