//! NodePool status: the resources its claims hold (cpu, memory, ephemeral-storage, pods, nodes) and
//! the count of its nodes, and its conditions (ValidationSucceeded, NodeClassReady following the
//! referenced NodeClass, Ready), written only when they change.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Value};

use super::claims::pool_name;
use super::util::{bytes, condition_true, cpu_milli, fmt_cpu, fmt_ki, name, set_condition};
use crate::store::Res;
use crate::world::World;

#[derive(Default)]
struct Sum {
    cpu_m: i64,
    mem: i64,
    storage: i64,
    pods: i64,
    nodes: i64,
}

pub fn run(world: &mut World) {
    let pools: Vec<Arc<Value>> = world.kube.iter(Res::NodePools).cloned().collect();
    if pools.is_empty() {
        return;
    }
    let mut sums: BTreeMap<String, Sum> = BTreeMap::new();
    for c in world.kube.iter(Res::NodeClaims) {
        let s = sums.entry(pool_name(c).to_string()).or_default();
        let cap = &c["status"]["capacity"];
        s.cpu_m += cpu_milli(&cap["cpu"]);
        s.mem += bytes(&cap["memory"]);
        s.storage += bytes(&cap["ephemeral-storage"]);
        s.pods += cap["pods"]
            .as_str()
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0);
        s.nodes += 1;
    }
    let now = world.now;
    for p in pools {
        let s = sums.remove(name(&p)).unwrap_or_default();
        let mut next = (*p).clone();
        next["status"]["resources"] = json!({
            "cpu": fmt_cpu(s.cpu_m),
            "memory": fmt_ki(s.mem),
            "ephemeral-storage": fmt_ki(s.storage),
            "pods": s.pods.to_string(),
            "nodes": s.nodes.to_string(),
        });
        next["status"]["nodes"] = json!(s.nodes);
        let class_name = p["spec"]["template"]["spec"]["nodeClassRef"]["name"]
            .as_str()
            .unwrap_or("");
        let class = world.kube.get(Res::NodeClasses, "", class_name);
        next["status"]["nodeClassObservedGeneration"] = json!(class
            .as_ref()
            .and_then(|c| c["metadata"]["generation"].as_i64())
            .unwrap_or(1));
        set_condition(
            &mut next,
            "ValidationSucceeded",
            "True",
            "ValidationSucceeded",
            "",
            now,
        );
        let class_ready = match &class {
            None => Some((
                "NodeClassNotFound",
                format!("NodeClass {class_name:?} not found"),
            )),
            Some(c) if !condition_true(&c["status"]["conditions"], "Ready") => Some((
                "NodeClassNotReady",
                format!("NodeClass {class_name:?} is not ready"),
            )),
            Some(_) => None,
        };
        match class_ready {
            None => {
                set_condition(
                    &mut next,
                    "NodeClassReady",
                    "True",
                    "NodeClassReady",
                    "",
                    now,
                );
                set_condition(&mut next, "Ready", "True", "Ready", "", now);
            }
            Some((reason, msg)) => {
                set_condition(&mut next, "NodeClassReady", "False", reason, &msg, now);
                set_condition(
                    &mut next,
                    "Ready",
                    "False",
                    "UnhealthyDependents",
                    "NodeClassReady=False",
                    now,
                );
            }
        }
        if next["status"] != p["status"] {
            let status = next["status"].clone();
            world
                .kube
                .update(Res::NodePools, "", name(&p), |v| v["status"] = status);
        }
    }
}
