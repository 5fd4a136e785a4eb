//! Kubernetes Events (core/v1) as the real components write them: `source.component` karpenter,
//! kubelet, default-scheduler, deployment-controller, replicaset-controller. Repeats of the same
//! (object, reason, message) are aggregated into one Event whose `count` goes up, as the client-go
//! recorder does, and the total is capped (oldest dropped) so a long run does not grow without
//! bound.

use serde_json::{json, Value};

use super::util::{fnv64a, name, namespace, str_at, uid};
use crate::store::Res;
use crate::world::World;

use super::Hold;

/// How many Events the store keeps.
pub const CAP: usize = 5_000;

pub const NORMAL: &str = "Normal";
pub const WARNING: &str = "Warning";

/// Records an Event about `involved`.
/// Emits an event unless the same (object, reason, message) was already recorded: for conditions
/// a controller reports on every sync, without each report being a new write.
pub fn emit_once(
    world: &mut World,
    involved: &Value,
    type_: &str,
    reason: &str,
    message: &str,
    component: &str,
) {
    let ns = match namespace(involved) {
        "" => "default".to_string(),
        ns => ns.to_string(),
    };
    let key = format!("{}/{reason}/{message}", uid(involved));
    let ev_name = format!("{}.{:016x}", name(involved), fnv64a(key.as_bytes()));
    if world.kube.get(Res::Events, &ns, &ev_name).is_none() {
        emit(world, involved, type_, reason, message, component);
    }
}

pub fn emit(
    world: &mut World,
    involved: &Value,
    type_: &str,
    reason: &str,
    message: &str,
    component: &str,
) {
    let obj_name = name(involved).to_string();
    let ns = match namespace(involved) {
        "" => "default".to_string(),
        ns => ns.to_string(),
    };
    let key = format!("{}/{reason}/{message}", uid(involved));
    let ev_name = format!("{obj_name}.{:016x}", fnv64a(key.as_bytes()));
    let now = world.now_rfc3339();
    if world.kube.get(Res::Events, &ns, &ev_name).is_some() {
        world.kube.update(Res::Events, &ns, &ev_name, |e| {
            let n = e["count"].as_i64().unwrap_or(1);
            e["count"] = json!(n + 1);
            e["lastTimestamp"] = json!(now);
        });
        return;
    }
    let host = if component == "kubelet" {
        match str_at(involved, &["kind"]) {
            Some("Node") => obj_name.clone(),
            _ => str_at(involved, &["spec", "nodeName"])
                .unwrap_or("")
                .to_string(),
        }
    } else {
        String::new()
    };
    let mut source = json!({"component": component});
    if !host.is_empty() {
        source["host"] = json!(host);
    }
    let mut involved_ref = json!({
        "apiVersion": involved["apiVersion"],
        "kind": involved["kind"],
        "name": obj_name,
        "uid": uid(involved),
        "resourceVersion": involved["metadata"]["resourceVersion"],
    });
    if !namespace(involved).is_empty() {
        involved_ref["namespace"] = json!(namespace(involved));
    }
    let ev = json!({
        "metadata": {"name": ev_name, "namespace": ns},
        "involvedObject": involved_ref,
        "reason": reason,
        "message": message,
        "source": source,
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "type": type_,
        "eventTime": null,
        "reportingComponent": component,
        "reportingInstance": host,
    });
    let _ = world.kube.create(Res::Events, ev, world.now);
}

/// Drops the oldest Events beyond `CAP`.
pub fn cap(world: &mut Hold) {
    let n = world.kube.len(Res::Events);
    if n <= CAP {
        return;
    }
    fn last(e: &Value) -> &str {
        e["lastTimestamp"].as_str().unwrap_or("")
    }
    let mut all: Vec<(String, String, String)> = world
        .kube
        .iter(Res::Events)
        .map(|e| {
            (
                last(e).to_string(),
                name(e).to_string(),
                namespace(e).to_string(),
            )
        })
        .collect();
    all.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    for (i, (_, name, ns)) in all.iter().take(n - CAP).enumerate() {
        if i % 256 == 0 {
            world.breathe();
        }
        world.kube.delete(Res::Events, ns, name);
    }
}
