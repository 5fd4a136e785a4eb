//! PodDisruptionBudget status, computed as the disruption controller does (REFERENCE §4): for a
//! percentage or maxUnavailable, expected pods are the sum of the owning controllers' scale
//! (a ReplicaSet's, its Deployment's, a StatefulSet's...), pods without a controller are left out
//! with an `UnmanagedPods` warning, and a controller that cannot be found fails the budget safe (0
//! disruptions, condition SyncFailed); for an integer minAvailable expected pods are the pods
//! selected. Healthy = Ready, not terminating and not just evicted; desiredHealthy from
//! minAvailable / maxUnavailable (percent rounded up); disruptionsAllowed = max(0, healthy −
//! desired), 0 while nothing is expected. Written only when it changes, with observedGeneration
//! and the DisruptionAllowed condition. The eviction answers live in `evict`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Value};

use super::events::{self, WARNING};
use super::pods::{is_ready, is_terminating};
use super::util::{
    controller_ref, labels, name, namespace, plus, selector_matches, str_at, ts, uid,
};
use crate::store::{Res, Store};

use super::Hold;

/// How long an evicted pod may stay in `disruptedPods` before its deletion is no longer expected.
const DELETION_TIMEOUT_S: i64 = 120;

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
    // nothing expected (yet): safe until the controller sees the pods
    let allowed = if expected <= 0 {
        0
    } else {
        (healthy - desired).max(0)
    };
    Budget {
        expected,
        healthy,
        desired,
        allowed,
    }
}

/// The group of an `apiVersion` ("apps/v1" → "apps", "v1" → "").
fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// The object a pod's controllerRef names, if the store holds that kind and that object.
fn owner(store: &Store, ns: &str, r: &Value) -> Option<Arc<Value>> {
    let group = group_of(r["apiVersion"].as_str().unwrap_or(""));
    let kind = r["kind"].as_str()?;
    let res = Res::all()
        .iter()
        .copied()
        .find(|res| res.info().kind == kind && res.info().group == group)?;
    let obj = store.get(res, ns, r["name"].as_str()?)?;
    (uid(&obj) == r["uid"].as_str().unwrap_or(uid(&obj))).then_some(obj)
}

/// Kinds whose scale is `spec.replicas` (default 1), as the disruption controller's finders know
/// them; other kinds count only when they have a `spec.replicas` (a scale subresource).
fn scalable(obj: &Value) -> Option<i64> {
    match obj["spec"]["replicas"].as_i64() {
        Some(n) => Some(n),
        None => matches!(
            obj["kind"].as_str(),
            Some("ReplicaSet" | "Deployment" | "StatefulSet" | "ReplicationController")
        )
        .then_some(1),
    }
}

/// The controller a pod's scale comes from and that scale: a ReplicaSet's Deployment when it has
/// one, else the ReplicaSet, StatefulSet, ... itself. `Ok(None)`: the pod has no controller;
/// `Err`: it has one the controller cannot find or scale.
fn controller_scale(store: &Store, pod: &Value) -> Result<Option<(String, i64)>, String> {
    let Some(r) = controller_ref(pod) else {
        return Ok(None);
    };
    let ns = namespace(pod);
    let no_controller = || format!("found no controllers for pod \"{}\"", name(pod));
    let obj = owner(store, ns, r).ok_or_else(no_controller)?;
    if obj["kind"] == "ReplicaSet" {
        if let Some(d) = controller_ref(&obj).filter(|d| d["kind"] == "Deployment") {
            let dep = owner(store, ns, d).ok_or_else(no_controller)?;
            let n = scalable(&dep).ok_or_else(no_controller)?;
            return Ok(Some((uid(&dep).to_string(), n)));
        }
    }
    let n = scalable(&obj).ok_or_else(no_controller)?;
    Ok(Some((uid(&obj).to_string(), n)))
}

/// What the disruption controller makes of a budget's pods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    pub budget: Budget,
    /// Selected pods that no controller owns (left out of expectedPods).
    pub unmanaged: Vec<String>,
}

/// Computes a PDB's budget from the pods it selects; `disrupted` are the pods an eviction was
/// just granted for (not counted healthy). `Err` is why the expected count cannot be known.
pub fn compute(
    store: &Store,
    pdb: &Value,
    pods: &[Arc<Value>],
    disrupted: &BTreeMap<String, Value>,
) -> Result<Computed, String> {
    let spec = &pdb["spec"];
    let healthy = pods
        .iter()
        .filter(|p| is_ready(p) && !is_terminating(p) && !disrupted.contains_key(name(p)))
        .count() as i64;
    let by_count = spec["maxUnavailable"].is_null()
        && (spec["minAvailable"].is_number() || spec["minAvailable"].is_null());
    if by_count {
        let expected = pods.len() as i64;
        return Ok(Computed {
            budget: budget(spec, expected, healthy),
            unmanaged: Vec::new(),
        });
    }
    let mut controllers: BTreeMap<String, i64> = BTreeMap::new();
    let mut unmanaged = Vec::new();
    for p in pods {
        match controller_scale(store, p)? {
            Some((uid, n)) => {
                controllers.insert(uid, n);
            }
            None => unmanaged.push(name(p).to_string()),
        }
    }
    let expected = controllers.values().sum::<i64>();
    Ok(Computed {
        budget: budget(spec, expected, healthy),
        unmanaged,
    })
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

/// The disruption controller's fail-safe status when the expected count cannot be computed: no
/// disruption allowed, the reason in the DisruptionAllowed condition.
pub fn write_fail_safe(pdb: &mut Value, why: &str, now: &str) {
    let observed = pdb["status"]["observedGeneration"].clone();
    if !pdb["status"].is_object() {
        pdb["status"] = json!({});
    }
    pdb["status"]["disruptionsAllowed"] = json!(0);
    let old = super::util::condition(&pdb["status"]["conditions"], "DisruptionAllowed").cloned();
    let transition = match &old {
        Some(c) if c["status"] == "False" => c["lastTransitionTime"].clone(),
        _ => json!(now),
    };
    pdb["status"]["conditions"] = json!([{
        "type": "DisruptionAllowed",
        "status": "False",
        "reason": "SyncFailed",
        "message": why,
        "observedGeneration": observed,
        "lastTransitionTime": transition,
    }]);
}

/// Recomputes every PDB's status; writes only those that changed. Each namespace's pods are read
/// once and checked against that namespace's budgets.
pub fn run(world: &mut Hold) {
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
        world.breathe();
        // a budget with matchLabels selects among the pods carrying its rarest label (from the
        // store's index); the others look at every pod of the namespace
        let mut scanned = Vec::new();
        for &i in idx {
            let sel = &pdbs[i]["spec"]["selector"];
            match rarest_label(&world.kube, ns, sel) {
                Some(candidates) => {
                    for pod in candidates {
                        if selects(sel, &pod) {
                            selected[i].push(pod);
                        }
                    }
                }
                None => scanned.push(i),
            }
        }
        if scanned.is_empty() {
            continue;
        }
        for pod in world.kube.list(Res::Pods, Some(ns)) {
            for &i in &scanned {
                if selects(&pdbs[i]["spec"]["selector"], &pod) {
                    selected[i].push(pod.clone());
                }
            }
        }
    }
    for (pdb, pods) in pdbs.into_iter().zip(selected) {
        world.breathe();
        let ns = namespace(&pdb).to_string();
        // evictions the controller no longer expects to see through: the pod is terminating or
        // gone, or its deletion is overdue
        let mut disrupted: BTreeMap<String, Value> = BTreeMap::new();
        if let Some(d) = pdb["status"]["disruptedPods"].as_object() {
            for (pod_name, at) in d {
                let live = pods
                    .iter()
                    .any(|p| name(p) == pod_name && !is_terminating(p));
                let due = at
                    .as_str()
                    .and_then(ts)
                    .is_some_and(|t| plus(t, DELETION_TIMEOUT_S) > world.now);
                if live && due {
                    disrupted.insert(pod_name.clone(), at.clone());
                }
            }
        }
        let mut next = (*pdb).clone();
        let outcome = compute(&world.kube, &pdb, &pods, &disrupted);
        match &outcome {
            Ok(c) => {
                next["status"]["disruptedPods"] = json!(disrupted);
                write_status(&mut next, &c.budget, &now);
            }
            Err(why) => write_fail_safe(&mut next, why, &now),
        }
        if next["status"] != pdb["status"] {
            let status = next["status"].clone();
            world
                .kube
                .update(Res::PodDisruptionBudgets, &ns, name(&pdb), |v| {
                    v["status"] = status
                });
        }
        // reported on every sync; recorded once per distinct message
        let message = match &outcome {
            Ok(c) if !c.unmanaged.is_empty() => Some(("UnmanagedPods", format!(
                "Pods selected by this PodDisruptionBudget (selector: {}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.",
                selector_text(&pdb["spec"]["selector"])
            ))),
            Err(why) => Some((
                "CalculateExpectedPodCountFailed",
                format!("Failed to calculate the number of expected pods: {why}"),
            )),
            Ok(_) => None,
        };
        if let Some((reason, msg)) = message {
            events::emit_once(world, &pdb, WARNING, reason, &msg, "controllermanager");
        }
    }
}

/// The pods of `ns` carrying the matchLabels pair of `sel` that the fewest pods carry; `None`
/// when the selector has no matchLabels (or one that is not a string).
fn rarest_label(store: &Store, ns: &str, sel: &Value) -> Option<Vec<Arc<Value>>> {
    let ml = sel["matchLabels"].as_object()?;
    let mut best: Option<(usize, &str, &str)> = None;
    for (k, v) in ml {
        let v = v.as_str()?;
        let n = store.pods().count_labelled(ns, k, v);
        if best.is_none_or(|(m, _, _)| n < m) {
            best = Some((n, k, v));
        }
    }
    let (_, k, v) = best?;
    Some(store.pods().labelled(ns, k, v))
}

/// Whether `sel` selects a pod that has labels (the namespace scan's test, below).
fn selects(sel: &Value, pod: &Value) -> bool {
    let Some(pod_labels) = pod["metadata"]["labels"].as_object() else {
        return selector_matches(sel, &Default::default());
    };
    let quick_no = sel["matchLabels"]
        .as_object()
        .is_some_and(|ml| ml.iter().any(|(k, v)| pod_labels.get(k) != Some(v)));
    !quick_no && (sel["matchExpressions"].is_null() || selector_matches(sel, &labels(pod)))
}

/// A label selector as the controller prints it in messages (Go's `%v` of the struct).
fn selector_text(sel: &Value) -> String {
    let labels: Vec<String> = sel["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}:{}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    format!("&LabelSelector{{MatchLabels:map[string]string{{{}}},MatchExpressions:[]LabelSelectorRequirement{{}},}}", labels.join(","))
}

/// The PDB's status as the disruption controller last wrote it (what Karpenter and the eviction
/// subresource read).
pub fn current(pdb: &Value) -> Budget {
    let n = |k: &str| pdb["status"][k].as_i64().unwrap_or(0);
    Budget {
        expected: n("expectedPods"),
        healthy: n("currentHealthy"),
        desired: n("desiredHealthy"),
        allowed: n("disruptionsAllowed"),
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
