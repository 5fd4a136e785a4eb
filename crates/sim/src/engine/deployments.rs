//! The Deployment and ReplicaSet controllers: one ReplicaSet per pod template (named
//! `<deployment>-<pod-template-hash>` as Kubernetes names it), pods `<replicaset>-<5 chars>` owned
//! by it, scaled to `spec.replicas` (terminating pods do not count), and the status of both.
//! Template changes replace the old ReplicaSet at once (no rolling pace is modelled). Garbage
//! collection by owner happens here too: ReplicaSets whose Deployment is gone and pods whose
//! ReplicaSet is gone are deleted (pods gracefully), as with background propagation.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Value};

use super::events::{self, NORMAL};
use super::pods::{is_ready, is_terminating, node_name};
use super::util::{
    controller_uid, fnv32a, name, namespace, owner_ref, safe_encode, set_condition, uid,
};
use super::{Cx, Hold};
use crate::store::Res;
use crate::world::World;

/// The `pod-template-hash` of a pod template.
pub fn template_hash(template: &Value) -> String {
    let text = serde_json::to_string(template).unwrap_or_default();
    safe_encode(&fnv32a(text.as_bytes()).to_string())
}

fn replicas(obj: &Value) -> i64 {
    obj["spec"]["replicas"].as_i64().unwrap_or(1).max(0)
}

/// Events per object per tick beyond which the controllers stay quiet (large scale-ups).
const EVENT_BURST: usize = 20;

pub fn run(world: &mut Hold, _cx: &mut Cx) {
    deployments(world);
    replicasets(world);
}

/// Objects of `res` grouped by the uid of their controlling owner.
fn by_controller(world: &World, res: Res) -> HashMap<String, Vec<Arc<Value>>> {
    let mut owned: HashMap<String, Vec<Arc<Value>>> = HashMap::new();
    for obj in world.kube.iter(res) {
        if let Some(o) = controller_uid(obj) {
            owned.entry(o.to_string()).or_default().push(obj.clone());
        }
    }
    owned
}

/// A pod as its ReplicaSet counts it.
struct Owned {
    pod: Arc<Value>,
    /// Neither terminating nor finished.
    active: bool,
    ready: bool,
}

/// Pods grouped by the uid of their controlling owner, read from the store's pod index.
fn pods_by_controller(world: &World) -> HashMap<String, Vec<Owned>> {
    let mut owned: HashMap<String, Vec<Owned>> = HashMap::new();
    for (p, f) in world.kube.pods().iter() {
        let Some(o) = &f.owner_uid else { continue };
        let pod = Owned {
            pod: p.clone(),
            active: !f.terminating && !f.terminal,
            ready: f.ready,
        };
        match owned.get_mut(o.as_str()) {
            Some(list) => list.push(pod),
            None => {
                owned.insert(o.clone(), vec![pod]);
            }
        }
    }
    owned
}

fn deployments(world: &mut Hold) {
    let deps: Vec<Arc<Value>> = world.kube.iter(Res::Deployments).cloned().collect();
    let mut rs_by_owner = by_controller(world, Res::ReplicaSets);
    for d in deps {
        world.breathe();
        let ns = namespace(&d).to_string();
        let want = replicas(&d);
        let hash = template_hash(&d["spec"]["template"]);
        let rs_name = format!("{}-{}", name(&d), hash);
        let owned = rs_by_owner.remove(uid(&d)).unwrap_or_default();
        match world.kube.get(Res::ReplicaSets, &ns, &rs_name) {
            None => {
                let revision = owned.len() + 1;
                let rs = new_replicaset(&d, &rs_name, &hash, want, revision);
                let now = world.now;
                if world.kube.create(Res::ReplicaSets, rs, now).is_ok() {
                    let msg = format!("Scaled up replica set {rs_name} from 0 to {want}");
                    events::emit(
                        world,
                        &d,
                        NORMAL,
                        "ScalingReplicaSet",
                        &msg,
                        "deployment-controller",
                    );
                }
            }
            Some(rs) if replicas(&rs) != want => {
                let from = replicas(&rs);
                world.kube.update(Res::ReplicaSets, &ns, &rs_name, |v| {
                    v["spec"]["replicas"] = json!(want);
                    v["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] =
                        json!(want.to_string());
                });
                let dir = if want > from { "up" } else { "down" };
                let msg = format!("Scaled {dir} replica set {rs_name} from {from} to {want}");
                events::emit(
                    world,
                    &d,
                    NORMAL,
                    "ScalingReplicaSet",
                    &msg,
                    "deployment-controller",
                );
            }
            Some(_) => {}
        }
        for old in owned.iter().filter(|r| name(r) != rs_name) {
            let from = replicas(old);
            if from > 0 {
                world.kube.update(Res::ReplicaSets, &ns, name(old), |v| {
                    v["spec"]["replicas"] = json!(0)
                });
                let msg = format!("Scaled down replica set {} from {from} to 0", name(old));
                events::emit(
                    world,
                    &d,
                    NORMAL,
                    "ScalingReplicaSet",
                    &msg,
                    "deployment-controller",
                );
            }
        }
        deployment_status(world, &d, &rs_name);
    }
    // garbage collection: ReplicaSets whose Deployment is gone
    let orphans: Vec<(String, String)> = rs_by_owner
        .into_values()
        .flatten()
        .filter(|r| super::util::controller_kind(r) == Some("Deployment"))
        .map(|r| (namespace(&r).to_string(), name(&r).to_string()))
        .collect();
    for (ns, n) in orphans {
        world.kube.delete(Res::ReplicaSets, &ns, &n);
    }
}

fn new_replicaset(d: &Value, rs_name: &str, hash: &str, want: i64, revision: usize) -> Value {
    let mut template = d["spec"]["template"].clone();
    if !template["metadata"]["labels"].is_object() {
        template["metadata"]["labels"] = json!({});
    }
    template["metadata"]["labels"]["pod-template-hash"] = json!(hash);
    let mut selector = d["spec"]["selector"].clone();
    if !selector["matchLabels"].is_object() {
        selector["matchLabels"] = json!({});
    }
    selector["matchLabels"]["pod-template-hash"] = json!(hash);
    json!({
        "metadata": {
            "name": rs_name,
            "namespace": namespace(d),
            "labels": template["metadata"]["labels"],
            "annotations": {
                "deployment.kubernetes.io/desired-replicas": want.to_string(),
                "deployment.kubernetes.io/max-replicas": (want + (want + 3) / 4).to_string(),
                "deployment.kubernetes.io/revision": revision.to_string(),
            },
            "ownerReferences": [owner_ref(d)],
        },
        "spec": {"replicas": want, "selector": selector, "template": template},
        "status": {"replicas": 0, "observedGeneration": 1},
    })
}

fn deployment_status(world: &mut World, d: &Value, rs_name: &str) {
    let ns = namespace(d).to_string();
    let owned: Vec<Arc<Value>> = world
        .kube
        .list(Res::ReplicaSets, Some(&ns))
        .into_iter()
        .filter(|r| controller_uid(r) == Some(uid(d)))
        .collect();
    let sum = |k: &str| -> i64 {
        owned
            .iter()
            .map(|r| r["status"][k].as_i64().unwrap_or(0))
            .sum()
    };
    let (total, ready, available) = (
        sum("replicas"),
        sum("readyReplicas"),
        sum("availableReplicas"),
    );
    let updated = owned
        .iter()
        .find(|r| name(r) == rs_name)
        .map(|r| r["status"]["replicas"].as_i64().unwrap_or(0))
        .unwrap_or(0);
    let want = replicas(d);
    let max_unavailable = want / 4;
    let now = world.now;
    let generation = d["metadata"]["generation"].clone();
    let rs_name = rs_name.to_string();
    world.kube.update(Res::Deployments, &ns, name(d), |v| {
        let mut st = v["status"].clone();
        if !st.is_object() {
            st = json!({});
        }
        st["observedGeneration"] = generation;
        st["replicas"] = json!(total);
        st["updatedReplicas"] = json!(updated);
        st["readyReplicas"] = json!(ready);
        st["availableReplicas"] = json!(available);
        let unavailable = (total - available).max(0);
        if unavailable > 0 {
            st["unavailableReplicas"] = json!(unavailable);
        } else if let Some(m) = st.as_object_mut() {
            m.remove("unavailableReplicas");
        }
        for k in ["readyReplicas", "availableReplicas", "updatedReplicas"] {
            if st[k] == 0 {
                if let Some(m) = st.as_object_mut() {
                    m.remove(k);
                }
            }
        }
        let mut holder = json!({"status": st});
        if available >= want - max_unavailable {
            set_condition(
                &mut holder,
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                now,
            );
        } else {
            set_condition(
                &mut holder,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                now,
            );
        }
        if updated == want && available >= want {
            set_condition(
                &mut holder,
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                &format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
                now,
            );
        } else {
            set_condition(
                &mut holder,
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                &format!("ReplicaSet \"{rs_name}\" is progressing."),
                now,
            );
        }
        if let Some(conds) = holder["status"]["conditions"].as_array_mut() {
            for c in conds {
                if c["lastUpdateTime"].is_null() {
                    c["lastUpdateTime"] = c["lastTransitionTime"].clone();
                }
            }
        }
        v["status"] = holder["status"].take();
    });
}

fn replicasets(world: &mut Hold) {
    let sets: Vec<Arc<Value>> = world.kube.iter(Res::ReplicaSets).cloned().collect();
    let mut pods_by_owner = pods_by_controller(world);
    for rs in sets {
        world.breathe();
        let ns = namespace(&rs).to_string();
        let want = replicas(&rs);
        let owned = pods_by_owner.remove(uid(&rs)).unwrap_or_default();
        let ready_before = owned.iter().filter(|p| p.active && p.ready).count() as i64;
        let mut active: Vec<Arc<Value>> = owned
            .into_iter()
            .filter(|p| p.active)
            .map(|p| p.pod)
            .collect();
        let have = active.len() as i64;
        if have < want {
            let mut created = 0usize;
            for _ in have..want {
                world.breathe();
                let pod = new_pod(&rs);
                let now = world.now;
                if let Ok(p) = world.kube.create(Res::Pods, pod, now) {
                    if created < EVENT_BURST {
                        let msg = format!("Created pod: {}", name(&p));
                        events::emit(
                            world,
                            &rs,
                            NORMAL,
                            "SuccessfulCreate",
                            &msg,
                            "replicaset-controller",
                        );
                    }
                    created += 1;
                    active.push(p);
                }
            }
        } else if have > want {
            // unscheduled first, then not ready, then the newest
            active.sort_by(|a, b| {
                let rank = |p: &Value| (node_name(p).is_some(), is_ready(p));
                rank(a)
                    .cmp(&rank(b))
                    .then_with(|| super::util::created(b).cmp(&super::util::created(a)))
                    .then_with(|| name(b).cmp(name(a)))
            });
            let excess = (have - want) as usize;
            let doomed: Vec<Arc<Value>> = active.drain(..excess).collect();
            for (i, p) in doomed.iter().enumerate() {
                world.breathe();
                super::evict::delete_pod(world, &ns, name(p), None);
                if i < EVENT_BURST {
                    let msg = format!("Deleted pod: {}", name(p));
                    events::emit(
                        world,
                        &rs,
                        NORMAL,
                        "SuccessfulDelete",
                        &msg,
                        "replicaset-controller",
                    );
                }
            }
        }
        let (total, ready) = if have == want {
            (have, ready_before)
        } else {
            let current: Vec<Arc<Value>> = active
                .iter()
                .filter_map(|p| world.kube.get(Res::Pods, &ns, name(p)))
                .filter(|p| !is_terminating(p))
                .collect();
            let ready = current.iter().filter(|p| is_ready(p)).count() as i64;
            (current.len() as i64, ready)
        };
        let generation = rs["metadata"]["generation"].clone();
        let mut st = json!({
            "replicas": total,
            "fullyLabeledReplicas": total,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "observedGeneration": generation,
        });
        for k in ["fullyLabeledReplicas", "readyReplicas", "availableReplicas"] {
            if st[k] == 0 {
                if let Some(m) = st.as_object_mut() {
                    m.remove(k);
                }
            }
        }
        if rs["status"] != st {
            world
                .kube
                .update(Res::ReplicaSets, &ns, name(&rs), |v| v["status"] = st);
        }
    }
    // garbage collection: pods whose ReplicaSet is gone
    let orphans: Vec<(String, String)> = pods_by_owner
        .into_values()
        .flatten()
        .map(|p| p.pod)
        .filter(|p| super::util::controller_kind(p) == Some("ReplicaSet") && !is_terminating(p))
        .map(|p| (namespace(&p).to_string(), name(&p).to_string()))
        .collect();
    for (ns, n) in orphans {
        world.breathe();
        super::evict::delete_pod(world, &ns, &n, None);
    }
}

/// A pod from a ReplicaSet's template, with the defaults the API server fills in.
fn new_pod(rs: &Value) -> Value {
    let template = &rs["spec"]["template"];
    let mut spec = template["spec"].clone();
    if !spec.is_object() {
        spec = json!({});
    }
    let defaults = [
        ("restartPolicy", json!("Always")),
        ("terminationGracePeriodSeconds", json!(30)),
        ("dnsPolicy", json!("ClusterFirst")),
        ("schedulerName", json!("default-scheduler")),
        ("serviceAccountName", json!("default")),
        ("serviceAccount", json!("default")),
        ("securityContext", json!({})),
        ("enableServiceLinks", json!(true)),
        ("priority", json!(0)),
        ("preemptionPolicy", json!("PreemptLowerPriority")),
    ];
    for (k, v) in defaults {
        if spec[k].is_null() {
            spec[k] = v;
        }
    }
    let mut tolerations = spec["tolerations"].as_array().cloned().unwrap_or_default();
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        if !tolerations.iter().any(|t| t["key"] == key) {
            tolerations.push(json!({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}));
        }
    }
    spec["tolerations"] = json!(tolerations);
    if let Some(cs) = spec["containers"].as_array_mut() {
        for c in cs {
            if c["imagePullPolicy"].is_null() {
                let latest = c["image"]
                    .as_str()
                    .is_none_or(|i| !i.contains(':') || i.ends_with(":latest"));
                c["imagePullPolicy"] = json!(if latest { "Always" } else { "IfNotPresent" });
            }
            if c["terminationMessagePath"].is_null() {
                c["terminationMessagePath"] = json!("/dev/termination-log");
                c["terminationMessagePolicy"] = json!("File");
            }
            if c["resources"].is_null() {
                c["resources"] = json!({});
            }
        }
    }
    let qos = qos_class(&spec);
    let mut meta = json!({
        "generateName": format!("{}-", name(rs)),
        "namespace": namespace(rs),
        "labels": template["metadata"]["labels"],
        "ownerReferences": [owner_ref(rs)],
    });
    if template["metadata"]["annotations"].is_object() {
        meta["annotations"] = template["metadata"]["annotations"].clone();
    }
    json!({
        "metadata": meta,
        "spec": spec,
        "status": {"phase": "Pending", "qosClass": qos},
    })
}

fn qos_class(spec: &Value) -> &'static str {
    let cs = spec["containers"].as_array().cloned().unwrap_or_default();
    let any = cs
        .iter()
        .any(|c| c["resources"]["requests"].is_object() || c["resources"]["limits"].is_object());
    if !any {
        return "BestEffort";
    }
    let guaranteed = cs.iter().all(|c| {
        let l = &c["resources"]["limits"];
        let r = &c["resources"]["requests"];
        ["cpu", "memory"]
            .iter()
            .all(|k| !l[k].is_null() && (r[k].is_null() || r[k] == l[k]))
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_hash_looks_like_kubernetes() {
        let h = template_hash(&json!({"metadata": {"labels": {"app": "myapp"}}}));
        assert!((8..=10).contains(&h.len()), "{h}");
        assert!(h.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
    }
}
