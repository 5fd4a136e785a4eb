//! NodeClass status (eks.amazonaws.com/v1) as Auto Mode writes it: the subnets and security groups
//! its selector terms resolve to, the instance profile made for its role, and the conditions
//! SubnetsReady, SecurityGroupsReady, InstanceProfileReady and Ready. Written only on change.

use std::sync::Arc;

use serde_json::{json, Value};

use super::util::{fnv32a, name, set_condition};
use crate::store::Res;
use crate::world::World;

/// The ids named by `id` selector terms (terms selecting by tag name nothing here).
fn term_ids(terms: &Value) -> Option<Vec<String>> {
    let terms = terms.as_array()?;
    Some(
        terms
            .iter()
            .filter_map(|t| t["id"].as_str().map(str::to_string))
            .collect(),
    )
}

fn desired_status(world: &World, class: &Value) -> Value {
    let now = world.now;
    let cluster = world.kube_cluster();
    let cluster_name = cluster.map(|c| c.name.clone()).unwrap_or_default();
    let spec = &class["spec"];

    let subnet_ids = term_ids(&spec["subnetSelectorTerms"])
        .unwrap_or_else(|| cluster.map(|c| c.subnet_ids.clone()).unwrap_or_default());
    let subnets: Vec<Value> = subnet_ids
        .iter()
        .filter_map(|id| world.aws.subnets.get(id))
        .map(|s| json!({"id": s.id, "zone": s.az, "zoneID": s.az_id}))
        .collect();
    let sg_ids = term_ids(&spec["securityGroupSelectorTerms"]).unwrap_or_else(|| {
        cluster
            .map(|c| c.security_group_ids.clone())
            .unwrap_or_default()
    });
    let groups: Vec<Value> = sg_ids
        .iter()
        .map(|id| {
            let n = format!(
                "eks-cluster-sg-{cluster_name}-{}",
                fnv32a(id.as_bytes()) % 1_000_000_000
            );
            json!({"id": id, "name": n})
        })
        .collect();
    let role = spec["role"].as_str().unwrap_or("");
    let profile = format!(
        "eks-{}-{cluster_name}-{}",
        world.aws.region,
        fnv32a(format!("{cluster_name}/{role}").as_bytes())
    );

    let mut next = class.clone();
    let st = &mut next["status"];
    if !st.is_object() {
        *st = json!({});
    }
    st["subnets"] = json!(subnets);
    st["securityGroups"] = json!(groups);
    let mut ready = true;
    let mut check = |next: &mut Value, t: &str, ok: bool, bad_reason: &str, bad_msg: &str| {
        if ok {
            set_condition(next, t, "True", t, "", now);
        } else {
            ready = false;
            set_condition(next, t, "False", bad_reason, bad_msg, now);
        }
    };
    let subnets_ok = !subnets.is_empty() && subnets.len() == subnet_ids.len();
    check(
        &mut next,
        "SubnetsReady",
        subnets_ok,
        "SubnetsNotFound",
        "SubnetSelector did not match any Subnets",
    );
    check(
        &mut next,
        "SecurityGroupsReady",
        !groups.is_empty(),
        "SecurityGroupsNotFound",
        "SecurityGroupSelector did not match any SecurityGroups",
    );
    check(
        &mut next,
        "InstanceProfileReady",
        !role.is_empty(),
        "NodeRoleNotFound",
        "Failed to resolve the node role",
    );
    if role.is_empty() {
        next["status"]
            .as_object_mut()
            .map(|m| m.remove("instanceProfile"));
    } else {
        next["status"]["instanceProfile"] = json!(profile);
    }
    if ready {
        set_condition(&mut next, "Ready", "True", "Ready", "", now);
    } else {
        set_condition(
            &mut next,
            "Ready",
            "False",
            "UnhealthyDependents",
            "One or more dependent conditions are not True",
            now,
        );
    }
    next["status"].clone()
}

pub fn run(world: &mut World) {
    let classes: Vec<Arc<Value>> = world.kube.iter(Res::NodeClasses).cloned().collect();
    for c in classes {
        let status = desired_status(world, &c);
        if status != c["status"] {
            world
                .kube
                .update(Res::NodeClasses, "", name(&c), |v| v["status"] = status);
        }
    }
}
