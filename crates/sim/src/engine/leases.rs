//! Node heartbeat Leases (coordination.k8s.io/v1 in `kube-node-lease`): one per Node, named and
//! held by the node, created when the Node registers and removed with it. The kubelet's
//! renewal every 10 s is not replayed (it would rewrite every Lease every few seconds and flood
//! watches): `renewTime` is set when the Lease is created and again when its Node turns Ready,
//! and is left as it is once the Node stops (as a stopped kubelet leaves it).

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde_json::{json, Value};

use super::util::{condition, condition_true, name, uid};
use crate::store::Res;
use crate::world::{rfc3339, World};

/// The namespace holding node Leases.
pub const NAMESPACE: &str = "kube-node-lease";
/// What the kubelet asks for (`nodeLeaseDurationSeconds`).
pub const DURATION_S: i64 = 40;

/// A `MicroTime` as the API server writes it.
fn micro(t: Timestamp) -> String {
    let s = rfc3339(t);
    format!("{}.000000Z", s.trim_end_matches('Z'))
}

fn lease_for(node: &Value, at: Timestamp) -> Value {
    let n = name(node);
    json!({
        "metadata": {
            "name": n,
            "namespace": NAMESPACE,
            "ownerReferences": [{
                "apiVersion": "v1",
                "kind": "Node",
                "name": n,
                "uid": uid(node),
            }],
        },
        "spec": {
            "holderIdentity": n,
            "leaseDurationSeconds": DURATION_S,
            "renewTime": micro(at),
        },
    })
}

/// When the Node last turned Ready (RFC 3339 to the second), if it is Ready now.
fn ready_since(node: &Value) -> Option<&str> {
    let conds = &node["status"]["conditions"];
    if !condition_true(conds, "Ready") {
        return None;
    }
    condition(conds, "Ready")
        .and_then(|c| c["lastTransitionTime"].as_str())
        .map(to_second)
}

/// The `YYYY-MM-DDTHH:MM:SS` part of a UTC timestamp, which orders as the time does.
fn to_second(s: &str) -> &str {
    s.get(..19).unwrap_or(s)
}

/// Creates missing Leases, renews those whose Node turned Ready since the last renewal, and
/// removes Leases whose Node is gone. Writes nothing when all is in place.
pub fn run(world: &mut World) {
    let now = world.now;
    let leases: HashMap<&str, &Value> = world
        .kube
        .iter(Res::Leases)
        .filter(|l| l["metadata"]["namespace"] == NAMESPACE)
        .map(|l| (name(l), &**l))
        .collect();
    let mut todo: Vec<(String, Option<Value>)> = Vec::new();
    let mut nodes: HashSet<&str> = HashSet::new();
    for node in world.kube.iter(Res::Nodes) {
        let n = name(node);
        nodes.insert(n);
        match leases.get(n) {
            None => todo.push((n.to_string(), Some(lease_for(node, now)))),
            Some(l) => {
                let renewed = l["spec"]["renewTime"].as_str().map(to_second);
                let stale = match (ready_since(node), renewed) {
                    (Some(r), Some(at)) => r > at,
                    (Some(_), None) => true,
                    _ => false,
                };
                if stale {
                    todo.push((n.to_string(), None));
                }
            }
        }
    }
    let mut gone: Vec<String> = leases
        .keys()
        .filter(|n| !nodes.contains(*n))
        .map(|n| n.to_string())
        .collect();
    // in name order, whatever the map's order: the store's change log must replay identically
    gone.sort();
    for (n, lease) in todo {
        match lease {
            Some(l) => {
                let _ = world.kube.create(Res::Leases, l, now);
            }
            None => {
                let at = micro(now);
                world.kube.update(Res::Leases, NAMESPACE, &n, |l| {
                    l["spec"]["renewTime"] = json!(at);
                });
            }
        }
    }
    for n in gone {
        world.kube.delete(Res::Leases, NAMESPACE, &n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_time_has_six_fraction_digits() {
        let t: Timestamp = "2024-12-12T07:01:02Z".parse().unwrap();
        assert_eq!(micro(t), "2024-12-12T07:01:02.000000Z");
    }
}
