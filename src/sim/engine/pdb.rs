//! PodDisruptionBudget status, computed as the disruption controller does (REFERENCE §4):
//! expected pods from the owning controllers' replicas, healthy = Ready and not terminating,
//! desiredHealthy from minAvailable / maxUnavailable (percent rounded up), disruptionsAllowed =
//! max(0, healthy − desired). Written only when it changes. The eviction answers live in `evict`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Value};

use super::pods::{is_ready, is_terminating};
use super::util::{controller_ref, labels, name, namespace, selector_matches, str_at};
use crate::sim::store::{Res, Store};
use crate::sim::world::World;

/// The numbers in a PDB's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Budget {
    pub expected: i64,
    pub healthy: i64,
    pub desired: i64,
    pub allowed: i64,
}

/// An IntOrString against `total`: "80%" → ceil(0.8 × total), 8 or "8" → 8.
pub fn scaled(v: &Value, total: i64) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => match s.strip_suffix('%') {
            Some(p) => p.trim().parse::<i64>().ok().map(|p| (p * total + 99) / 100),
            None => s.trim().parse().ok(),
        },
        _ => None,
    }
}

/// desiredHealthy for a PDB spec with `expected` pods.
pub fn desired_healthy(spec: &Value, expected: i64) -> i64 {
    if !spec["minAvailable"].is_null() {
        scaled(&spec["minAvailable"], expected).unwrap_or(expected)
    } else if !spec["maxUnavailable"].is_null() {
        let max = scaled(&spec["maxUnavailable"], expected).unwrap_or(0);
        (expected - max).max(0)
    } else {
        // neither: the API server defaults minAvailable to 1
        1
    }
}

/// The whole calculation from counts.
pub fn budget(spec: &Value, expected: i64, healthy: i64) -> Budget {
    let desired = desired_healthy(spec, expected);
    Budget {
        expected,
        healthy,
        desired,
        allowed: (healthy - desired).max(0),
    }
}

/// The scale a pod's controller asks for: a ReplicaSet's replicas, or its Deployment's when it has
/// one. Pods without a controller count as one each.
fn controller_scale(store: &Store, pod: &Value) -> Option<(String, i64)> {
    let r = controller_ref(pod)?;
    let ns = namespace(pod);
    let owner_name = r["name"].as_str()?;
    let res = match r["kind"].as_str()? {
        "ReplicaSet" => Res::ReplicaSets,
        "Deployment" => Res::Deployments,
        _ => return None,
    };
    let owner = store.get(res, ns, owner_name)?;
    if res == Res::ReplicaSets {
        if let Some(d) = controller_ref(&owner).filter(|d| d["kind"] == "Deployment") {
            if let Some(dep) = store.get(Res::Deployments, ns, d["name"].as_str().unwrap_or("")) {
                return Some((
                    super::util::uid(&dep).to_string(),
                    dep["spec"]["replicas"].as_i64().unwrap_or(1),
                ));
            }
        }
    }
    Some((
        super::util::uid(&owner).to_string(),
        owner["spec"]["replicas"].as_i64().unwrap_or(1),
    ))
}

/// Computes a PDB's budget from the pods it selects.
pub fn compute(store: &Store, pdb: &Value, pods: &[Arc<Value>]) -> Budget {
    let mut controllers: BTreeMap<String, i64> = BTreeMap::new();
    let mut bare = 0;
    let mut healthy = 0;
    for p in pods {
        match controller_scale(store, p) {
            Some((uid, n)) => {
                controllers.insert(uid, n);
            }
            None => {
                if !is_terminating(p) {
                    bare += 1
                }
            }
        }
        if is_ready(p) && !is_terminating(p) {
            healthy += 1;
        }
    }
    let expected = controllers.values().sum::<i64>() + bare;
    budget(&pdb["spec"], expected, healthy)
}

/// Pods of `namespace` a PDB selects (an empty selector selects all of them, as in policy/v1).
pub fn selected_pods(store: &Store, pdb: &Value) -> Vec<Arc<Value>> {
    let sel = &pdb["spec"]["selector"];
    store
        .list(Res::Pods, Some(namespace(pdb)))
        .into_iter()
        .filter(|p| selector_matches(sel, &labels(p)))
        .collect()
}

/// Writes the status object for `b` into `pdb`.
pub fn write_status(pdb: &mut Value, b: &Budget, now: &str) {
    let generation = pdb["metadata"]["generation"].as_i64().unwrap_or(1);
    let old = pdb["status"].clone();
    let (cstatus, reason, message) = if b.allowed > 0 {
        ("True", "SufficientPods", "")
    } else {
        ("False", "InsufficientPods", "")
    };
    let transition = match super::util::condition(&old["conditions"], "DisruptionAllowed") {
        Some(c) if c["status"] == cstatus => c["lastTransitionTime"].clone(),
        _ => json!(now),
    };
    let disrupted = if old["disruptedPods"].is_object() {
        old["disruptedPods"].clone()
    } else {
        json!({})
    };
    pdb["status"] = json!({
        "observedGeneration": generation,
        "disruptedPods": disrupted,
        "disruptionsAllowed": b.allowed,
        "currentHealthy": b.healthy,
        "desiredHealthy": b.desired,
        "expectedPods": b.expected,
        "conditions": [{
            "type": "DisruptionAllowed",
            "status": cstatus,
            "reason": reason,
            "message": message,
            "observedGeneration": generation,
            "lastTransitionTime": transition,
        }],
    });
}

/// Recomputes every PDB's status; writes only those that changed. Each namespace's pods are read
/// once and checked against that namespace's budgets.
pub fn run(world: &mut World) {
    let pdbs: Vec<Arc<Value>> = world
        .kube
        .iter(Res::PodDisruptionBudgets)
        .cloned()
        .collect();
    if pdbs.is_empty() {
        return;
    }
    let now = world.now_rfc3339();
    let mut by_ns: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in pdbs.iter().enumerate() {
        by_ns.entry(namespace(p).to_string()).or_default().push(i);
    }
    let mut selected: Vec<Vec<Arc<Value>>> = vec![Vec::new(); pdbs.len()];
    for (ns, idx) in &by_ns {
        for pod in world.kube.list(Res::Pods, Some(ns)) {
            let Some(pod_labels) = pod["metadata"]["labels"].as_object() else {
                // only an empty selector selects a pod without labels
                for &i in idx {
                    if selector_matches(&pdbs[i]["spec"]["selector"], &Default::default()) {
                        selected[i].push(pod.clone());
                    }
                }
                continue;
            };
            for &i in idx {
                let sel = &pdbs[i]["spec"]["selector"];
                // cheap reject on matchLabels before building a label map
                let quick_no = sel["matchLabels"]
                    .as_object()
                    .is_some_and(|ml| ml.iter().any(|(k, v)| pod_labels.get(k) != Some(v)));
                if quick_no {
                    continue;
                }
                if sel["matchExpressions"].is_null() || selector_matches(sel, &labels(&pod)) {
                    selected[i].push(pod.clone());
                }
            }
        }
    }
    for (pdb, pods) in pdbs.into_iter().zip(selected) {
        let ns = namespace(&pdb).to_string();
        let b = compute(&world.kube, &pdb, &pods);
        let mut next = (*pdb).clone();
        // evicted pods leave disruptedPods once they are terminating or gone
        if let Some(d) = next["status"]["disruptedPods"].as_object_mut() {
            d.retain(|pod_name, _| {
                pods.iter()
                    .any(|p| name(p) == pod_name && !is_terminating(p))
            });
        }
        write_status(&mut next, &b, &now);
        if next["status"] != pdb["status"] {
            let status = next["status"].clone();
            world
                .kube
                .update(Res::PodDisruptionBudgets, &ns, name(&pdb), |v| {
                    v["status"] = status
                });
        }
    }
}

/// The PDB status as the eviction path needs it: the stored one when current, else computed now.
pub fn current(world: &World, pdb: &Value) -> Budget {
    let observed = pdb["status"]["observedGeneration"].as_i64();
    let generation = pdb["metadata"]["generation"].as_i64().unwrap_or(1);
    if observed == Some(generation) {
        let n = |k: &str| pdb["status"][k].as_i64().unwrap_or(0);
        Budget {
            expected: n("expectedPods"),
            healthy: n("currentHealthy"),
            desired: n("desiredHealthy"),
            allowed: n("disruptionsAllowed"),
        }
    } else {
        compute(&world.kube, pdb, &selected_pods(&world.kube, pdb))
    }
}

/// `unhealthyPodEvictionPolicy` (default IfHealthyBudget).
pub fn always_allow_unhealthy(pdb: &Value) -> bool {
    str_at(pdb, &["spec", "unhealthyPodEvictionPolicy"]) == Some("AlwaysAllow")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_pdb_allows_two() {
        let spec = json!({"minAvailable": "80%"});
        assert_eq!(
            budget(&spec, 10, 10),
            Budget {
                expected: 10,
                healthy: 10,
                desired: 8,
                allowed: 2
            }
        );
        assert_eq!(budget(&spec, 10, 8).allowed, 0);
        assert_eq!(budget(&spec, 10, 7).allowed, 0);
    }

    #[test]
    fn max_unavailable_and_rounding() {
        assert_eq!(budget(&json!({"maxUnavailable": 0}), 5, 5).allowed, 0);
        assert_eq!(budget(&json!({"maxUnavailable": "25%"}), 10, 10).desired, 7);
        assert_eq!(budget(&json!({"minAvailable": 2}), 3, 3).allowed, 1);
        assert_eq!(budget(&json!({"minAvailable": "50%"}), 3, 3).desired, 2);
        assert_eq!(budget(&json!({"maxUnavailable": "1"}), 3, 2).allowed, 0);
    }
}
