//! Node lifecycle: a NodeClaim's instance registers its Node (NotReady) after
//! `timings.node_register_s`, the Node turns Ready `node_ready_s` later; a claim being deleted makes
//! its Node NotReady and both disappear after `node_shutdown_s`. The Node object looks like the one
//! `kubectl describe node` shows on Auto Mode (labels, annotations, conditions, addresses,
//! capacity, nodeInfo). Also `seed_nodes`, the scenario's nodes that exist from the start.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{json, Value};

use super::claims::{self, kubelet_version};
use super::events::{self, NORMAL, WARNING};
use super::util::{condition_true, created, deletion, fnv64a, name, plus, set_condition};
use super::{Cx, Hold};
use crate::scenario::NodeSeed;
use crate::store::Res;
use crate::world::{rfc3339, World};

/// A random address inside the CIDR of the cluster subnet in `zone` (any cluster subnet if none).
pub fn ip_in_zone(world: &mut World, zone: &str) -> String {
    let cidr = {
        let ids = world
            .kube_cluster()
            .map(|c| c.subnet_ids.clone())
            .unwrap_or_default();
        let subnets: Vec<_> = ids
            .iter()
            .filter_map(|i| world.aws.subnets.get(i))
            .collect();
        subnets
            .iter()
            .find(|s| s.az == zone)
            .or(subnets.first())
            .map(|s| s.cidr.clone())
            .unwrap_or_else(|| "10.0.0.0/16".into())
    };
    let (base, len) = cidr.split_once('/').unwrap_or((&cidr, "16"));
    let len: u32 = len.parse().unwrap_or(16).min(30);
    let base: u32 = base
        .split('.')
        .filter_map(|o| o.parse::<u32>().ok())
        .fold(0, |acc, o| (acc << 8) | (o & 0xff));
    let size = 1u64 << (32 - len);
    // AWS keeps the first four addresses and the last one
    let offset = 4 + world.rng.next_u64() % (size.saturating_sub(5).max(1));
    let ip = (base & (u32::MAX.checked_shl(32 - len).unwrap_or(0))) + offset as u32;
    format!(
        "{}.{}.{}.{}",
        ip >> 24,
        (ip >> 16) & 0xff,
        (ip >> 8) & 0xff,
        ip & 0xff
    )
}

fn ready_conditions(now: &str, ready: bool) -> Value {
    let mut conds = vec![
        json!({"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": now, "lastTransitionTime": now,
               "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available"}),
        json!({"type": "DiskPressure", "status": "False", "lastHeartbeatTime": now, "lastTransitionTime": now,
               "reason": "KubeletHasNoDiskPressure", "message": "kubelet has no disk pressure"}),
        json!({"type": "PIDPressure", "status": "False", "lastHeartbeatTime": now, "lastTransitionTime": now,
               "reason": "KubeletHasSufficientPID", "message": "kubelet has sufficient PID available"}),
    ];
    if ready {
        conds.push(json!({"type": "Ready", "status": "True", "lastHeartbeatTime": now, "lastTransitionTime": now,
            "reason": "KubeletReady", "message": "kubelet is posting ready status"}));
        for (t, r, sys) in [
            (
                "ContainerRuntimeReady",
                "ContainerRuntimeIsReady",
                "ContainerRuntime",
            ),
            ("StorageReady", "DiskIsReady", "Disk"),
            ("NetworkingReady", "NetworkingIsReady", "Networking"),
            ("KernelReady", "KernelIsReady", "Kernel"),
        ] {
            conds.push(json!({"type": t, "status": "True", "lastHeartbeatTime": now, "lastTransitionTime": now,
                "reason": r, "message": format!("Monitoring for the {sys} system is active")}));
        }
    } else {
        conds.push(json!({"type": "Ready", "status": "False", "lastHeartbeatTime": now, "lastTransitionTime": now,
            "reason": "KubeletNotReady",
            "message": "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"}));
    }
    json!(conds)
}

/// The Node object for a claim.
fn build_node(world: &mut World, claim: &Value, pool: &Value, ready: bool, at: Timestamp) -> Value {
    let node_name = claims::node_name(claim).unwrap_or("").to_string();
    let zone = claim["metadata"]["labels"]["topology.kubernetes.io/zone"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let region = world.aws.region.clone();
    let cluster = world.aws.kube_cluster.clone();
    let version = claims::claim_version(claim).unwrap_or_else(|| "1.30".into());
    let ip = ip_in_zone(world, &zone);
    let dns = format!("ip-{}.{region}.compute.internal", ip.replace('.', "-"));
    let mut labels: BTreeMap<String, String> = super::util::labels(claim);
    let it = claims::instance_type(claim);
    let it_name = it.map(|t| t.name).unwrap_or("c5a.large");
    for (k, v) in [
        ("app.kubernetes.io/managed-by", "eks".to_string()),
        ("beta.kubernetes.io/arch", "amd64".into()),
        ("beta.kubernetes.io/os", "linux".into()),
        ("beta.kubernetes.io/instance-type", it_name.into()),
        ("failure-domain.beta.kubernetes.io/region", region.clone()),
        ("failure-domain.beta.kubernetes.io/zone", zone.clone()),
        ("topology.ebs.csi.eks.amazonaws.com/zone", zone.clone()),
        (
            "k8s.io/cloud-provider-aws",
            format!(
                "{:016x}{:016x}",
                fnv64a(cluster.as_bytes()),
                fnv64a(format!("{cluster}/{region}").as_bytes())
            ),
        ),
        ("karpenter.sh/registered", "true".into()),
        ("kubernetes.io/hostname", node_name.clone()),
    ] {
        labels.insert(k.to_string(), v);
    }
    if ready {
        labels.insert("karpenter.sh/initialized".into(), "true".into());
    }
    let machine = world.rng.hex(32);
    let (capacity, allocatable) = match it {
        Some(t) => claims::resources(&t),
        None => (
            claim["status"]["capacity"].clone(),
            claim["status"]["allocatable"].clone(),
        ),
    };
    let now = rfc3339(at);
    let mut taints: Vec<Value> = claim["spec"]["taints"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !ready {
        taints.push(json!({"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}));
    }
    let kubelet = kubelet_version(&version);
    json!({
        "metadata": {
            "name": node_name,
            "labels": labels,
            "annotations": {
                "alpha.kubernetes.io/provided-node-ip": ip,
                "csi.volume.kubernetes.io/nodeid": format!("{{\"ebs.csi.eks.amazonaws.com\":\"{node_name}\"}}"),
                "eks.amazonaws.com/nodeclass-hash": "3809868827326149578",
                "eks.amazonaws.com/nodeclass-hash-version": "v1",
                "karpenter.sh/nodepool-hash": claims::pool_hash(pool),
                "karpenter.sh/nodepool-hash-version": "v3",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
            "finalizers": ["karpenter.sh/termination"],
            "ownerReferences": [{
                "apiVersion": "karpenter.sh/v1",
                "kind": "NodeClaim",
                "name": name(claim),
                "uid": claim["metadata"]["uid"],
                "blockOwnerDeletion": true,
            }],
        },
        "spec": {
            "providerID": claim["status"]["providerID"],
            "taints": taints,
        },
        "status": {
            "capacity": capacity,
            "allocatable": allocatable,
            "conditions": ready_conditions(&now, ready),
            "addresses": [
                {"type": "InternalIP", "address": ip},
                {"type": "InternalDNS", "address": dns},
                {"type": "Hostname", "address": dns},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": machine,
                "systemUUID": format!("{}-{}-{}-{}-{}", &machine[0..8], &machine[8..12], &machine[12..16], &machine[16..20], &machine[20..32]),
                "bootID": world.rng.uuid(),
                "kernelVersion": "6.1.115",
                "osImage": format!("Bottlerocket (EKS Auto) 2024.12.8 (aws-k8s-{version})"),
                "containerRuntimeVersion": "containerd://1.7.22+bottlerocket",
                "kubeletVersion": kubelet,
                "kubeProxyVersion": kubelet,
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
            "images": [],
        },
    })
}

/// Marks a claim registered (and, with `ready`, initialized and ready).
fn claim_progress(world: &mut World, claim: &Value, ready: bool) {
    let now = world.now;
    let node_name = claims::node_name(claim).unwrap_or("").to_string();
    world.kube.update(Res::NodeClaims, "", name(claim), |c| {
        c["status"]["nodeName"] = json!(node_name);
        set_condition(c, "Registered", "True", "Registered", "", now);
        if ready {
            set_condition(c, "Initialized", "True", "Initialized", "", now);
            set_condition(c, "Ready", "True", "Ready", "", now);
        } else {
            set_condition(
                c,
                "Initialized",
                "Unknown",
                "NodeNotReady",
                "Node status is NotReady",
                now,
            );
            set_condition(
                c,
                "Ready",
                "Unknown",
                "ReconcilingDependents",
                "Initialized=Unknown",
                now,
            );
        }
    });
}

/// What the kubelet, kube-proxy, the node controller and the cloud node controller report when a
/// Node registers.
fn registration_events(world: &mut World, node: &Value) {
    let n = name(node).to_string();
    let list: [(&str, &str, String, &str); 9] = [
        (NORMAL, "Starting", "Starting kubelet.".into(), "kubelet"),
        (
            WARNING,
            "InvalidDiskCapacity",
            "invalid capacity 0 on image filesystem".into(),
            "kubelet",
        ),
        (
            NORMAL,
            "NodeHasSufficientMemory",
            format!("Node {n} status is now: NodeHasSufficientMemory"),
            "kubelet",
        ),
        (
            NORMAL,
            "NodeHasNoDiskPressure",
            format!("Node {n} status is now: NodeHasNoDiskPressure"),
            "kubelet",
        ),
        (
            NORMAL,
            "NodeHasSufficientPID",
            format!("Node {n} status is now: NodeHasSufficientPID"),
            "kubelet",
        ),
        (
            NORMAL,
            "NodeAllocatableEnforced",
            "Updated Node Allocatable limit across pods".into(),
            "kubelet",
        ),
        (
            NORMAL,
            "RegisteredNode",
            format!("Node {n} event: Registered Node {n} in Controller"),
            "node-controller",
        ),
        (
            NORMAL,
            "Synced",
            "Node synced successfully".into(),
            "cloud-node-controller",
        ),
        (NORMAL, "Starting", String::new(), "kube-proxy"),
    ];
    for (t, r, m, c) in list {
        events::emit(world, node, t, r, &m, c);
    }
}

/// What the kubelet and Karpenter report when a Node turns Ready.
fn ready_events(world: &mut World, node: &Value) {
    let n = name(node).to_string();
    let list: [(&str, &str, String, &str); 2] = [
        (NORMAL, "NodeReady", format!("Node {n} status is now: NodeReady"), "kubelet"),
        (NORMAL, "Ready", "Status condition transitioned, Type: Ready, Status: False -> True, Reason: KubeletReady, Message: kubelet is posting ready status".into(), "karpenter"),
    ];
    for (t, r, m, c) in list {
        events::emit(world, node, t, r, &m, c);
    }
}

/// Creates the scenario's nodes: claims and Nodes already Ready, launched `age_seconds` ago.
pub fn seed_nodes(world: &mut World, seeds: &[NodeSeed]) -> Result<(), String> {
    let pools = claims::pools(world);
    let zones = claims::zones(world);
    let default_version = world
        .kube_cluster()
        .map(|c| c.version.clone())
        .unwrap_or_else(|| "1.30".into());
    let mut rr = 0usize;
    for seed in seeds {
        let it = super::catalog::lookup(&seed.instance_type).ok_or_else(|| {
            format!(
                "unknown instance type {:?} (known: {})",
                seed.instance_type,
                super::catalog::CATALOG
                    .iter()
                    .map(|t| t.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        let pool = match pools.get(&seed.node_pool) {
            Some(p) => p.clone(),
            None => Arc::new(json!({
                "metadata": {"name": seed.node_pool, "uid": ""},
                "spec": {"template": {"spec": {}}},
            })),
        };
        let version = seed
            .version
            .clone()
            .unwrap_or_else(|| default_version.clone());
        let launched = plus(world.now, -(seed.age_seconds as i64));
        for _ in 0..seed.count {
            let zone = match &seed.zone {
                Some(z) => zones
                    .iter()
                    .find(|(name, _)| name == z)
                    .cloned()
                    .unwrap_or((z.clone(), String::new())),
                None => {
                    let z = zones[rr % zones.len()].clone();
                    rr += 1;
                    z
                }
            };
            let claim = claims::launch(world, &pool, &it, &zone, &version, launched)
                .ok_or("could not create a NodeClaim")?;
            let ready_at = plus(
                launched,
                (world.timings.node_register_s + world.timings.node_ready_s) as i64,
            );
            let mut node = build_node(world, &claim, &pool, true, ready_at.min(world.now));
            for (k, v) in &seed.labels {
                node["metadata"]["labels"][k] = json!(v);
            }
            for (k, v) in &seed.annotations {
                node["metadata"]["annotations"][k] = json!(v);
            }
            if !seed.taints.is_empty() {
                let mut taints = node["spec"]["taints"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                taints.extend(seed.taints.iter().cloned());
                node["spec"]["taints"] = json!(taints);
            }
            world
                .kube
                .create(Res::Nodes, node, launched)
                .map_err(|e| e.to_string())?;
            let now = world.now;
            let node_name = claims::node_name(&claim).unwrap_or("").to_string();
            let since = rfc3339(ready_at.min(now));
            world.kube.update(Res::NodeClaims, "", name(&claim), |c| {
                c["status"]["nodeName"] = json!(node_name);
                for t in ["Registered", "Initialized", "Ready"] {
                    set_condition(c, t, "True", t, "", now);
                }
                if let Some(conds) = c["status"]["conditions"].as_array_mut() {
                    for cond in conds {
                        cond["lastTransitionTime"] = json!(since);
                    }
                }
            });
        }
    }
    Ok(())
}

/// Node readiness of the Node object.
pub fn node_ready(node: &Value) -> bool {
    condition_true(&node["status"]["conditions"], "Ready")
}

/// Registration, readiness and shutdown of claims' nodes.
pub fn run(world: &mut Hold, cx: &mut Cx) {
    let claims_list: Vec<Arc<Value>> = world.kube.iter(Res::NodeClaims).cloned().collect();
    let pools = claims::pools(world);
    let register = world.timings.node_register_s as i64;
    let ready_s = world.timings.node_ready_s as i64;
    let shutdown = world.timings.node_shutdown_s as i64;
    let mut claimed: BTreeSet<String> = BTreeSet::new();
    for claim in claims_list {
        world.breathe();
        let Some(node_name) = claims::node_name(&claim).map(str::to_string) else {
            continue;
        };
        claimed.insert(node_name.clone());
        let node = world.kube.get(Res::Nodes, "", &node_name);
        if let Some(d) = deletion(&claim) {
            let gone_at = plus(d, shutdown);
            if cx.now >= gone_at {
                world.kube.delete(Res::Nodes, "", &node_name);
                world.kube.delete(Res::NodeClaims, "", name(&claim));
                continue;
            }
            cx.due_at(gone_at);
            if let Some(n) = node {
                let stopped = super::util::condition(&n["status"]["conditions"], "Ready")
                    .is_some_and(|c| c["status"] == "Unknown");
                if !stopped {
                    let now = cx.now;
                    world.kube.update(Res::Nodes, "", &node_name, |v| {
                        for t in ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] {
                            set_condition(
                                v,
                                t,
                                "Unknown",
                                "NodeStatusUnknown",
                                "Kubelet stopped posting node status.",
                                now,
                            );
                        }
                    });
                    if let Some(n) = world.kube.get(Res::Nodes, "", &node_name) {
                        let msg = format!("Node {node_name} status is now: NodeNotReady");
                        events::emit(world, &n, NORMAL, "NodeNotReady", &msg, "node-controller");
                    }
                }
            }
            continue;
        }
        let registered_at = plus(created(&claim), register);
        let ready_at = plus(registered_at, ready_s);
        let pool = pools
            .get(claims::pool_name(&claim))
            .cloned()
            .unwrap_or_else(|| Arc::new(json!({"metadata": {"name": claims::pool_name(&claim)}})));
        match node {
            None => {
                // a registered node deleted through the API: Karpenter's termination finalizer
                // takes the instance and the claim with it
                if condition_true(&claim["status"]["conditions"], "Registered") {
                    world.kube.delete(Res::NodeClaims, "", name(&claim));
                    continue;
                }
                if cx.now < registered_at {
                    cx.due_at(registered_at);
                    continue;
                }
                let ready = cx.now >= ready_at;
                let node = build_node(world, &claim, &pool, ready, cx.now);
                if let Ok(n) = world.kube.create(Res::Nodes, node, cx.now) {
                    claim_progress(world, &claim, ready);
                    registration_events(world, &n);
                    if ready {
                        ready_events(world, &n);
                    } else {
                        cx.due_at(ready_at);
                    }
                }
            }
            Some(n) if !node_ready(&n) => {
                let unknown = super::util::condition(&n["status"]["conditions"], "Ready")
                    .is_some_and(|c| c["status"] == "Unknown");
                if unknown {
                    continue;
                }
                if cx.now < ready_at {
                    cx.due_at(ready_at);
                    continue;
                }
                let now = rfc3339(cx.now);
                world.kube.update(Res::Nodes, "", &node_name, |v| {
                    let images = v["status"]["images"].clone();
                    v["status"]["conditions"] = ready_conditions(&now, true);
                    v["status"]["images"] = images;
                    v["metadata"]["labels"]["karpenter.sh/initialized"] = json!("true");
                    if let Some(t) = v["spec"]["taints"].as_array_mut() {
                        t.retain(|t| t["key"] != "node.kubernetes.io/not-ready");
                    }
                });
                claim_progress(world, &claim, true);
                if let Some(n) = world.kube.get(Res::Nodes, "", &node_name) {
                    ready_events(world, &n);
                }
            }
            Some(_) => {}
        }
    }
    // nodes Karpenter launched whose claim is gone leave with it
    let stray: Vec<String> = world
        .kube
        .iter(Res::Nodes)
        .filter(|n| n["metadata"]["labels"]["karpenter.sh/nodepool"].is_string())
        .map(|n| name(n).to_string())
        .filter(|n| !claimed.contains(n))
        .collect();
    for n in stray {
        world.breathe();
        world.kube.delete(Res::Nodes, "", &n);
    }
}
