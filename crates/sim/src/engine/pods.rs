//! The kubelet's side of a pod's life: ContainerCreating once bound, Running and Ready after the
//! image pull (first pod of an image on a node) or a quick container start (image already there),
//! Completed and removed when its grace period ends, deleted when its node disappears. Pulled images
//! are kept in the node's `status.images`, as a real kubelet reports them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::{json, Value};

use super::catalog::Resources;
use super::events::{self, NORMAL};
use super::util::{
    bytes, condition_since, condition_true, controller_kind, cpu_milli, fnv64a, name, namespace,
    plus, str_at,
};
use super::{Cx, Hold};
use crate::store::Res;
use crate::world::World;

pub fn is_terminating(pod: &Value) -> bool {
    !pod["metadata"]["deletionTimestamp"].is_null()
}

pub fn is_ready(pod: &Value) -> bool {
    condition_true(&pod["status"]["conditions"], "Ready")
}

/// Ready and not terminating: what PDBs count as healthy.
pub fn is_healthy(pod: &Value) -> bool {
    is_ready(pod) && !is_terminating(pod)
}

pub fn is_daemon(pod: &Value) -> bool {
    controller_kind(pod) == Some("DaemonSet")
}

pub fn is_terminal(pod: &Value) -> bool {
    matches!(
        str_at(pod, &["status", "phase"]),
        Some("Succeeded") | Some("Failed")
    )
}

pub fn node_name(pod: &Value) -> Option<&str> {
    str_at(pod, &["spec", "nodeName"]).filter(|n| !n.is_empty())
}

/// What a pod asks of a node: the sum of its containers' requests, and one pod slot.
pub fn requests(pod: &Value) -> Resources {
    let mut r = Resources {
        cpu_m: 0,
        mem: 0,
        pods: 1,
    };
    if let Some(cs) = pod["spec"]["containers"].as_array() {
        for c in cs {
            let req = &c["resources"]["requests"];
            r.cpu_m += cpu_milli(&req["cpu"]);
            r.mem += bytes(&req["memory"]);
        }
    }
    r
}

pub fn images(pod: &Value) -> Vec<String> {
    pod["spec"]["containers"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c["image"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A stable, digest-shaped image id for an image reference.
pub fn image_digest(image: &str) -> String {
    let repo = image.rsplit_once(':').map_or(image, |(r, _)| r);
    let mut hex = String::new();
    for i in 0..4u8 {
        let mut data = image.as_bytes().to_vec();
        data.push(i);
        hex.push_str(&format!("{:016x}", fnv64a(&data)));
    }
    format!("{repo}@sha256:{hex}")
}

/// Terminations that are due, and pods whose node is gone.
pub fn run(world: &mut Hold, cx: &mut Cx) {
    let nodes: BTreeSet<String> = world
        .kube
        .iter(Res::Nodes)
        .map(|n| name(n).to_string())
        .collect();
    let mut finish = Vec::new();
    let mut orphaned = Vec::new();
    for (p, f) in world.kube.pods().iter() {
        if let Some(at) = f.deletion {
            if cx.now >= at {
                finish.push(p.clone());
            } else {
                cx.due_at(at);
            }
            continue;
        }
        if let Some(n) = &f.node {
            if !nodes.contains(n) {
                orphaned.push(p.clone());
            }
        }
    }
    let now = world.now_rfc3339();
    for p in finish {
        world.breathe();
        let (ns, n) = (namespace(&p).to_string(), name(&p).to_string());
        if is_ready(&p) || str_at(&p, &["status", "phase"]) == Some("Running") {
            let now = now.clone();
            world
                .kube
                .update(Res::Pods, &ns, &n, |v| completed(v, &now));
        }
        world.kube.delete(Res::Pods, &ns, &n);
    }
    for p in orphaned {
        world.breathe();
        world.kube.delete(Res::Pods, namespace(&p), name(&p));
    }
}

/// The status of a pod whose containers exited after a graceful stop (`kubectl` shows Completed).
fn completed(v: &mut Value, now: &str) {
    v["status"]["phase"] = json!("Succeeded");
    if let Some(conds) = v["status"]["conditions"].as_array_mut() {
        for c in conds {
            if matches!(
                c["type"].as_str(),
                Some("Ready") | Some("ContainersReady") | Some("PodReadyToStartContainers")
            ) {
                c["status"] = json!("False");
                c["lastTransitionTime"] = json!(now);
                if c["type"] != "PodReadyToStartContainers" {
                    c["reason"] = json!("PodCompleted");
                }
            }
        }
    }
    if let Some(cs) = v["status"]["containerStatuses"].as_array_mut() {
        for c in cs {
            let started = c["state"]["running"]["startedAt"].clone();
            c["state"] = json!({"terminated": {
                "exitCode": 0,
                "reason": "Completed",
                "startedAt": started,
                "finishedAt": now,
                "containerID": c["containerID"],
            }});
            c["ready"] = json!(false);
            c["started"] = json!(false);
        }
    }
}

struct NodeView {
    ready: bool,
    zone: String,
    images: BTreeSet<String>,
}

/// ContainerCreating → Running for bound pods on Ready nodes.
pub fn start_containers(world: &mut Hold, cx: &mut Cx) {
    let nodes: HashMap<String, NodeView> = world
        .kube
        .iter(Res::Nodes)
        .map(|n| {
            let images = n["status"]["images"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .flat_map(|i| i["names"].as_array().cloned().unwrap_or_default())
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            (
                name(n).to_string(),
                NodeView {
                    ready: condition_true(&n["status"]["conditions"], "Ready"),
                    zone: n["metadata"]["labels"]["topology.kubernetes.io/zone"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    images,
                },
            )
        })
        .collect();
    let pull = world.timings.image_pull_s as i64;
    let start = world.timings.container_start_s as i64;
    let mut creating: Vec<Arc<Value>> = Vec::new();
    let mut running: Vec<Arc<Value>> = Vec::new();
    for (p, f) in world.kube.pods().iter() {
        if f.terminating || f.terminal || f.ready {
            continue;
        }
        let Some(node) = f.node.as_ref().and_then(|n| nodes.get(n)) else {
            continue;
        };
        if !node.ready {
            continue;
        }
        if p["status"]["containerStatuses"].is_null() {
            creating.push(p.clone());
        }
        let bound = condition_since(&p["status"]["conditions"], "PodScheduled").unwrap_or(cx.now);
        let pulled = images(p).iter().all(|i| node.images.contains(i));
        let at = plus(bound, if pulled { start } else { pull });
        if cx.now >= at {
            running.push(p.clone());
        } else {
            cx.due_at(at);
        }
    }
    let now = world.now_rfc3339();
    for p in &creating {
        world.breathe();
        let zone = node_name(p)
            .and_then(|n| nodes.get(n))
            .map(|n| n.zone.clone())
            .unwrap_or_default();
        let pod_ip = super::nodes::ip_in_zone(world, &zone);
        let host_ip = node_name(p)
            .and_then(|n| world.kube.get(Res::Nodes, "", n))
            .and_then(|n| {
                n["status"]["addresses"]
                    .as_array()
                    .and_then(|a| a.iter().find(|x| x["type"] == "InternalIP").cloned())
            })
            .map(|a| a["address"].clone())
            .unwrap_or(json!(""));
        let now = now.clone();
        world.kube.update(Res::Pods, namespace(p), name(p), |v| {
            container_creating(v, &now, &host_ip, &pod_ip)
        });
    }
    // the kubelet's events, for the first pods of a batch only (a bulk start would otherwise
    // write and then drop a great many of them)
    for p in creating.iter().take(EVENTS_PER_TICK) {
        let have = node_name(p).and_then(|n| nodes.get(n)).map(|n| &n.images);
        for i in images(p) {
            if !have.is_some_and(|h| h.contains(&i)) {
                let msg = format!("Pulling image \"{i}\"");
                events::emit(world, p, NORMAL, "Pulling", &msg, "kubelet");
            }
        }
    }
    let mut pulled_now: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in running.iter().take(EVENTS_PER_TICK) {
        let have = node_name(p).and_then(|n| nodes.get(n)).map(|n| &n.images);
        container_events(
            world,
            p,
            have.is_some_and(|h| images(p).iter().all(|i| h.contains(i))),
            pull,
        );
    }
    for p in &running {
        world.breathe();
        let node = node_name(p).unwrap_or("").to_string();
        let ids: Vec<String> = (0..images(p).len())
            .map(|_| format!("containerd://{}", world.rng.hex(64)))
            .collect();
        let now = now.clone();
        world.kube.update(Res::Pods, namespace(p), name(p), |v| {
            running_status(v, &now, &ids)
        });
        let have = &nodes[&node].images;
        for i in images(p) {
            if !have.contains(&i) {
                pulled_now.entry(node.clone()).or_default().insert(i);
            }
        }
    }
    for (node, imgs) in pulled_now {
        world.breathe();
        world.kube.update(Res::Nodes, "", &node, |n| {
            if !n["status"]["images"].is_array() {
                n["status"]["images"] = json!([]);
            }
            let list = n["status"]["images"].as_array_mut().expect("array");
            for i in imgs {
                list.push(json!({"names": [image_digest(&i), i], "sizeBytes": 299_513}));
            }
        });
    }
}

/// Pods per tick that get the kubelet's Pulling/Pulled/Created/Started events.
const EVENTS_PER_TICK: usize = 50;

/// Pulled (or "already present"), Created and Started for each container of `pod`.
fn container_events(world: &mut World, pod: &Value, present: bool, pull_s: i64) {
    let containers = pod["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for c in &containers {
        let cname = c["name"].as_str().unwrap_or("");
        let image = c["image"].as_str().unwrap_or("");
        let pulled = if present {
            format!("Container image \"{image}\" already present on machine")
        } else {
            let took = format!(
                "{}.{:03}s",
                pull_s.max(1) - 1,
                200 + fnv64a(image.as_bytes()) % 800
            );
            format!("Successfully pulled image \"{image}\" in {took} ({took} including waiting). Image size: 299513 bytes.")
        };
        events::emit(world, pod, NORMAL, "Pulled", &pulled, "kubelet");
        let created = format!("Created container {cname}");
        events::emit(world, pod, NORMAL, "Created", &created, "kubelet");
        let started = format!("Started container {cname}");
        events::emit(world, pod, NORMAL, "Started", &started, "kubelet");
    }
}

pub(crate) fn container_creating(v: &mut Value, now: &str, host_ip: &Value, pod_ip: &str) {
    let containers = v["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = containers
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    let unready = format!("containers with unready status: [{}]", names.join(" "));
    v["status"]["phase"] = json!("Pending");
    v["status"]["hostIP"] = host_ip.clone();
    v["status"]["hostIPs"] = json!([{"ip": host_ip}]);
    v["status"]["podIP"] = json!(pod_ip);
    v["status"]["podIPs"] = json!([{"ip": pod_ip}]);
    v["status"]["startTime"] = json!(now);
    let scheduled = super::util::condition(&v["status"]["conditions"], "PodScheduled")
        .cloned()
        .unwrap_or(json!({"type": "PodScheduled", "status": "True", "lastTransitionTime": now}));
    v["status"]["conditions"] = json!([
        {"type": "PodReadyToStartContainers", "status": "False", "lastProbeTime": null, "lastTransitionTime": now},
        {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": now},
        {"type": "Ready", "status": "False", "lastProbeTime": null, "lastTransitionTime": now,
         "reason": "ContainersNotReady", "message": unready},
        {"type": "ContainersReady", "status": "False", "lastProbeTime": null, "lastTransitionTime": now,
         "reason": "ContainersNotReady", "message": unready},
        scheduled,
    ]);
    v["status"]["containerStatuses"] = json!(containers
        .iter()
        .map(|c| json!({
            "name": c["name"],
            "image": c["image"],
            "imageID": "",
            "ready": false,
            "started": false,
            "restartCount": 0,
            "lastState": {},
            "state": {"waiting": {"reason": "ContainerCreating"}},
        }))
        .collect::<Vec<_>>());
}

fn running_status(v: &mut Value, now: &str, ids: &[String]) {
    let containers = v["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    v["status"]["phase"] = json!("Running");
    if let Some(conds) = v["status"]["conditions"].as_array_mut() {
        for c in conds.iter_mut() {
            if c["status"] != "True" {
                c["status"] = json!("True");
                c["lastTransitionTime"] = json!(now);
                if let Some(m) = c.as_object_mut() {
                    m.remove("reason");
                    m.remove("message");
                }
            }
        }
    }
    v["status"]["containerStatuses"] = json!(containers
        .iter()
        .enumerate()
        .map(|(i, c)| json!({
            "name": c["name"],
            "image": c["image"],
            "imageID": image_digest(c["image"].as_str().unwrap_or("")),
            "containerID": ids.get(i).cloned().unwrap_or_default(),
            "ready": true,
            "started": true,
            "restartCount": 0,
            "lastState": {},
            "state": {"running": {"startedAt": now}},
        }))
        .collect::<Vec<_>>());
}
