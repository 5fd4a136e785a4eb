//! The scheduler: binds unscheduled pods, oldest first, to Ready nodes that are schedulable, whose
//! NoSchedule/NoExecute taints the pod tolerates, whose labels satisfy its nodeSelector and required
//! node affinity, and whose allocatable minus what bound pods request still holds the pod's
//! requests. Built for scale: free capacity per node is computed once per pass, placement is
//! round-robin from a moving cursor (spreading like least-allocated scoring), and a pod shape that fitted nowhere is not tried again in the
//! same pass. Pods left over are handed to the provisioner.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde_json::{json, Value};

use super::catalog::Resources;
use super::events::{self, NORMAL, WARNING};
use super::nodes::node_ready;
use super::pods::{is_terminating, node_name, requests};
use super::util::{
    bytes, condition, cpu_milli, created, expression_matches, name, namespace, set_condition,
};
use super::{Cx, Hold};
use crate::store::Res;
use crate::world::World;

/// Whether `tolerations` (a pod's) tolerate one taint.
pub fn tolerates_taint(tolerations: &Value, taint: &Value) -> bool {
    let Some(tols) = tolerations.as_array() else {
        return false;
    };
    tols.iter().any(|t| {
        let op = t["operator"].as_str().unwrap_or("Equal");
        let key_ok = match t["key"].as_str() {
            None | Some("") => op == "Exists",
            Some(k) => Some(k) == taint["key"].as_str(),
        };
        let value_ok = op == "Exists"
            || t["value"].as_str().unwrap_or("") == taint["value"].as_str().unwrap_or("");
        let effect_ok = match t["effect"].as_str() {
            None | Some("") => true,
            Some(e) => Some(e) == taint["effect"].as_str(),
        };
        key_ok && value_ok && effect_ok
    })
}

/// Whether the pod tolerates every NoSchedule/NoExecute taint in `taints`.
pub fn tolerates_all(pod: &Value, taints: &[Value]) -> bool {
    taints
        .iter()
        .filter(|t| matches!(t["effect"].as_str(), Some("NoSchedule") | Some("NoExecute")))
        .all(|t| tolerates_taint(&pod["spec"]["tolerations"], t))
}

/// Whether node labels (and name) satisfy the pod's nodeSelector and required node affinity.
pub fn selects(pod: &Value, labels: &BTreeMap<String, String>, node_name: &str) -> bool {
    if let Some(sel) = pod["spec"]["nodeSelector"].as_object() {
        for (k, v) in sel {
            if labels.get(k).map(String::as_str) != v.as_str() {
                return false;
            }
        }
    }
    let terms = &pod["spec"]["affinity"]["nodeAffinity"]
        ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"];
    match terms.as_array() {
        None => true,
        Some(terms) if terms.is_empty() => true,
        Some(terms) => terms.iter().any(|term| {
            let exprs_ok = term["matchExpressions"]
                .as_array()
                .is_none_or(|es| es.iter().all(|e| expression_matches(e, labels)));
            let fields_ok = term["matchFields"].as_array().is_none_or(|fs| {
                fs.iter().all(|f| {
                    let m: BTreeMap<String, String> =
                        [("metadata.name".to_string(), node_name.to_string())].into();
                    expression_matches(f, &m)
                })
            });
            exprs_ok && fields_ok
        }),
    }
}

/// A schedulable node and what is left on it.
struct Slot {
    name: String,
    labels: BTreeMap<String, String>,
    taints: Vec<Value>,
    free: Resources,
    ready_since: Option<jiff::Timestamp>,
    host_ip: Value,
    zone: String,
    /// Tainted `karpenter.sh/disrupted`: on its way out.
    disrupted: bool,
}

/// Above this many pending pods in one pass, a binding and the kubelet's first status
/// (ContainerCreating) are written together, halving the writes of a mass scale-up; below it they
/// are two writes, as watchers of a real cluster see them.
const BATCH_BIND: usize = 100;

/// Node capacity in the same units as pod requests.
pub fn allocatable(node: &Value) -> Resources {
    let a = &node["status"]["allocatable"];
    Resources {
        cpu_m: cpu_milli(&a["cpu"]),
        mem: bytes(&a["memory"]),
        pods: a["pods"]
            .as_str()
            .and_then(|p| p.parse().ok())
            .or(a["pods"].as_i64())
            .unwrap_or(110),
    }
}

/// Requests of pods bound to each node (terminal pods hold nothing; terminating ones still do).
pub fn used_by_node(world: &World) -> HashMap<String, Resources> {
    let mut used: HashMap<String, Resources> = HashMap::new();
    for (_, f) in world.kube.pods().iter() {
        if f.terminal {
            continue;
        }
        if let Some(n) = &f.node {
            match used.get_mut(n.as_str()) {
                Some(u) => u.add(&f.requests),
                None => {
                    used.insert(n.clone(), f.requests);
                }
            }
        }
    }
    used
}

/// Binds what it can; returns the pods that fit on no node.
pub fn run(world: &mut Hold, cx: &mut Cx) -> Vec<Arc<Value>> {
    let mut pending: Vec<Arc<Value>> = Vec::new();
    for (p, f) in world.kube.pods().iter() {
        if f.default_scheduler && f.node.is_none() && !f.terminating && !f.terminal {
            pending.push(p.clone());
        }
    }
    if pending.is_empty() {
        return Vec::new();
    }
    pending.sort_by(|a, b| {
        created(a)
            .cmp(&created(b))
            .then_with(|| name(a).cmp(name(b)))
    });
    let used = used_by_node(world);
    let mut slots: Vec<Slot> = world
        .kube
        .iter(Res::Nodes)
        .filter(|n| node_ready(n) && n["spec"]["unschedulable"] != true)
        .filter(|n| n["metadata"]["deletionTimestamp"].is_null())
        .map(|n| {
            let mut free = allocatable(n);
            if let Some(u) = used.get(name(n)) {
                free.sub(u);
            }
            Slot {
                name: name(n).to_string(),
                labels: super::util::labels(n),
                taints: n["spec"]["taints"].as_array().cloned().unwrap_or_default(),
                free,
                ready_since: super::util::condition_since(&n["status"]["conditions"], "Ready"),
                host_ip: n["status"]["addresses"]
                    .as_array()
                    .and_then(|a| a.iter().find(|x| x["type"] == "InternalIP"))
                    .map(|a| a["address"].clone())
                    .unwrap_or(json!("")),
                disrupted: n["spec"]["taints"].as_array().is_some_and(|ts| {
                    ts.iter()
                        .any(|t| t["key"] == super::disruption::DISRUPTED_TAINT)
                }),
                zone: n["metadata"]["labels"]["topology.kubernetes.io/zone"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            }
        })
        .collect();
    let mut cursor = 0usize;
    let mut failed_shapes: HashSet<String> = HashSet::new();
    let mut unschedulable = Vec::new();
    let mut bound_events = 0usize;
    let mut nominated_nodes: Vec<String> = Vec::new();
    let batch = pending.len() > BATCH_BIND;
    let any_disrupted = slots.iter().any(|s| s.disrupted);
    let now_s = world.now_rfc3339();
    for pod in pending {
        world.breathe();
        // still pending after the breath (a request may have bound or deleted it)
        let Some(pod) = world
            .kube
            .get(Res::Pods, namespace(&pod), name(&pod))
            .filter(|p| node_name(p).is_none() && !is_terminating(p))
        else {
            continue;
        };
        let need = requests(&pod);
        let shape = format!(
            "{}/{}/{}/{}/{}",
            need.cpu_m,
            need.mem,
            pod["spec"]["nodeSelector"],
            pod["spec"]["tolerations"],
            pod["spec"]["affinity"]
        );
        let mut chosen = None;
        if !failed_shapes.contains(&shape) {
            let n = slots.len();
            // nodes being disrupted only when nothing else takes the pod
            'passes: for disrupted_ok in [false, true] {
                for step in 0..n {
                    let i = (cursor + step) % n;
                    let s = &slots[i];
                    if s.disrupted == disrupted_ok
                        && s.free.fits(&need)
                        && tolerates_all(&pod, &s.taints)
                        && selects(&pod, &s.labels, &s.name)
                    {
                        chosen = Some(i);
                        break 'passes;
                    }
                }
                if !any_disrupted {
                    break;
                }
            }
        }
        let Some(i) = chosen else {
            failed_shapes.insert(shape);
            mark_unschedulable(world, &pod, &slots, unschedulable.len() < 20);
            unschedulable.push(pod);
            continue;
        };
        // round-robin from the node just used: pods spread over nodes as the default scheduler's
        // least-allocated scoring spreads them, at first-fit cost
        cursor = (i + 1) % slots.len();
        slots[i].free.sub(&need);
        let node = slots[i].name.clone();
        let now = cx.now;
        let node_for_pod = node.clone();
        let kubelet = batch.then(|| {
            let zone = slots[i].zone.clone();
            (
                slots[i].host_ip.clone(),
                super::nodes::ip_in_zone(world, &zone),
            )
        });
        let bound = world
            .kube
            .update(Res::Pods, namespace(&pod), name(&pod), |v| {
                v["spec"]["nodeName"] = json!(node_for_pod);
                set_condition(v, "PodScheduled", "True", "", "", now);
                if let Some(c) = v["status"]["conditions"].as_array_mut() {
                    for c in c.iter_mut().filter(|c| c["type"] == "PodScheduled") {
                        if let Some(m) = c.as_object_mut() {
                            m.remove("reason");
                            m.remove("message");
                            m.insert("lastProbeTime".into(), Value::Null);
                        }
                    }
                }
                if let Some((host_ip, pod_ip)) = &kubelet {
                    super::pods::container_creating(v, &now_s, host_ip, pod_ip);
                }
            });
        if let Some(b) = bound {
            if bound_events < 50 {
                let msg = format!(
                    "Successfully assigned {}/{} to {node}",
                    namespace(&b),
                    name(&b)
                );
                events::emit(world, &b, NORMAL, "Scheduled", &msg, "default-scheduler");
                bound_events += 1;
            }
        }
        // a node that just came up for pending pods: Karpenter keeps it from being disrupted
        let fresh = slots[i]
            .ready_since
            .is_some_and(|t| super::util::secs_between(t, now) < 60);
        if fresh && !nominated_nodes.contains(&node) {
            nominated_nodes.push(node);
        }
    }
    for n in nominated_nodes {
        if let Some(node) = world.kube.get(Res::Nodes, "", &n) {
            events::emit(
                world,
                &node,
                NORMAL,
                "DisruptionBlocked",
                "Cannot disrupt Node: state node is nominated for a pending pod",
                "karpenter",
            );
        }
    }
    unschedulable
}

/// Why no node takes `pod`, in the scheduler's words ("0/2 nodes are available: 1 Insufficient
/// cpu, 1 node(s) had untolerated taint {karpenter.sh/disrupted: }. ...").
fn why_not(world: &World, pod: &Value, slots: &[Slot]) -> String {
    let total = world.kube.len(Res::Nodes);
    if total == 0 {
        return "no nodes available to schedule pods".into();
    }
    let need = requests(pod);
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for n in world.kube.iter(Res::Nodes) {
        let taints = n["spec"]["taints"].as_array().cloned().unwrap_or_default();
        let untolerated = taints.iter().find(|t| {
            matches!(t["effect"].as_str(), Some("NoSchedule") | Some("NoExecute"))
                && !tolerates_taint(&pod["spec"]["tolerations"], t)
        });
        let reason = if let Some(t) = untolerated {
            format!(
                "node(s) had untolerated taint {{{}: {}}}",
                t["key"].as_str().unwrap_or(""),
                t["value"].as_str().unwrap_or("")
            )
        } else if !node_ready(n) {
            "node(s) were not ready".into()
        } else if n["spec"]["unschedulable"] == true {
            "node(s) were unschedulable".into()
        } else if !selects(pod, &super::util::labels(n), name(n)) {
            "node(s) didn't match Pod's node affinity/selector".into()
        } else {
            match slots.iter().find(|s| s.name == name(n)).map(|s| s.free) {
                Some(f) if need.cpu_m > f.cpu_m => "Insufficient cpu".into(),
                Some(f) if need.mem > f.mem => "Insufficient memory".into(),
                Some(f) if need.pods > f.pods => "Too many pods".into(),
                _ => "node(s) were being deleted".into(),
            }
        };
        *reasons.entry(reason).or_default() += 1;
    }
    let list: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling.",
        list.join(", ")
    )
}

fn mark_unschedulable(world: &mut World, pod: &Value, slots: &[Slot], explain: bool) {
    let already = condition(&pod["status"]["conditions"], "PodScheduled")
        .is_some_and(|c| c["status"] == "False");
    if already {
        return;
    }
    let msg = if explain {
        why_not(world, pod, slots)
    } else {
        let total = world.kube.len(Res::Nodes);
        format!("0/{total} nodes are available.")
    };
    let now = world.now;
    let m = msg.clone();
    let updated = world
        .kube
        .update(Res::Pods, namespace(pod), name(pod), |v| {
            set_condition(v, "PodScheduled", "False", "Unschedulable", &m, now);
            if let Some(c) = v["status"]["conditions"].as_array_mut() {
                for c in c.iter_mut().filter(|c| c["type"] == "PodScheduled") {
                    c["lastProbeTime"] = Value::Null;
                }
            }
        });
    if let Some(p) = updated {
        events::emit(
            world,
            &p,
            WARNING,
            "FailedScheduling",
            &msg,
            "default-scheduler",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taints_need_tolerations() {
        let disrupted = json!({"key": "karpenter.sh/disrupted", "effect": "NoSchedule"});
        let critical = json!({"key": "CriticalAddonsOnly", "effect": "NoSchedule"});
        let plain = json!({"spec": {}});
        assert!(!tolerates_all(&plain, std::slice::from_ref(&disrupted)));
        assert!(tolerates_all(
            &plain,
            &[json!({"key": "x", "effect": "PreferNoSchedule"})]
        ));
        let sys =
            json!({"spec": {"tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}]}});
        assert!(tolerates_all(&sys, std::slice::from_ref(&critical)));
        assert!(!tolerates_all(&sys, &[critical, disrupted]));
        let all = json!({"spec": {"tolerations": [{"operator": "Exists"}]}});
        assert!(tolerates_all(
            &all,
            &[json!({"key": "k", "value": "v", "effect": "NoExecute"})]
        ));
    }

    #[test]
    fn selectors_and_affinity() {
        let labels: BTreeMap<String, String> = [
            (
                "karpenter.sh/nodepool".to_string(),
                "general-purpose".to_string(),
            ),
            (
                "topology.kubernetes.io/zone".to_string(),
                "ap-northeast-1a".to_string(),
            ),
        ]
        .into();
        let p = json!({"spec": {"nodeSelector": {"karpenter.sh/nodepool": "general-purpose"}}});
        assert!(selects(&p, &labels, "i-1"));
        let p = json!({"spec": {"nodeSelector": {"karpenter.sh/nodepool": "system"}}});
        assert!(!selects(&p, &labels, "i-1"));
        let p = json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [
            {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["ap-northeast-1c"]}]},
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["i-1"]}]}
        ]}}}}});
        assert!(selects(&p, &labels, "i-1"));
        assert!(!selects(&p, &labels, "i-2"));
    }

    #[test]
    fn capacity_from_node_status() {
        let n = json!({"status": {"allocatable": {"cpu": "15890m", "memory": "30853148Ki", "pods": "110"}}});
        assert_eq!(
            allocatable(&n),
            Resources {
                cpu_m: 15890,
                mem: 30853148 * 1024,
                pods: 110
            }
        );
        let need = requests(
            &json!({"spec": {"containers": [{"resources": {"requests": {"cpu": "1", "memory": "256M"}}}]}}),
        );
        assert_eq!(
            need,
            Resources {
                cpu_m: 1000,
                mem: 256_000_000,
                pods: 1
            }
        );
        let mut free = allocatable(&n);
        for _ in 0..15 {
            assert!(free.fits(&need));
            free.sub(&need);
        }
        assert!(!free.fits(&need));
    }
}
