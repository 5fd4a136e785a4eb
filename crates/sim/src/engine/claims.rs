//! Karpenter NodeClaims (karpenter.sh/v1): building one for a NodePool, an instance type, a zone
//! and a Kubernetes version, and reading back what the engine needs from it (its node's name, its
//! version, its pool). The Node object a claim turns into is built in `nodes`.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{json, Value};

use super::catalog::{self, InstanceType, EPHEMERAL_ALLOCATABLE, EPHEMERAL_CAPACITY_KI};
use super::util::{fmt_cpu, fnv64a, name, str_at, uid};
use crate::store::Res;
use crate::world::World;

/// Auto Mode's default: nodes are replaced after 14 days (at most 21).
pub const DEFAULT_EXPIRE_AFTER: &str = "336h";
/// Auto Mode's default bound on draining a node that must go.
pub const DEFAULT_TERMINATION_GRACE: &str = "24h0m0s";

/// The Bottlerocket AMI for a Kubernetes minor (stable per version, so drift shows as an AMI change).
pub fn image_id(version: &str) -> String {
    let h = fnv64a(format!("bottlerocket-aws-k8s-{version}-x86_64").as_bytes());
    format!("ami-0{h:016x}")
}

/// The minor version a claim's image runs.
pub fn claim_version(claim: &Value) -> Option<String> {
    let id = str_at(claim, &["status", "imageID"])?;
    (20..=40)
        .map(|m| format!("1.{m}"))
        .find(|v| image_id(v) == id)
}

/// `kubeletVersion` of a node running `version`, as the EKS Auto Mode AMIs report it.
pub fn kubelet_version(version: &str) -> String {
    match version {
        "1.30" => "v1.30.5-eks-baa6d11".into(),
        "1.31" => "v1.31.1-eks-1b3e656".into(),
        v => format!("v{v}.0-eks-0000000"),
    }
}

/// "v1.31.1-eks-1b3e656" → "1.31".
pub fn minor_of(kubelet: &str) -> String {
    let v = kubelet.trim_start_matches('v');
    let mut parts = v.split(['.', '-']);
    format!(
        "{}.{}",
        parts.next().unwrap_or("1"),
        parts.next().unwrap_or("0")
    )
}

/// The instance behind a claim.
pub fn instance_type(claim: &Value) -> Option<InstanceType> {
    catalog::lookup(claim["metadata"]["labels"]["node.kubernetes.io/instance-type"].as_str()?)
}

pub fn pool_name(obj: &Value) -> &str {
    obj["metadata"]["labels"]["karpenter.sh/nodepool"]
        .as_str()
        .unwrap_or("")
}

/// The node name a claim has (or will have): the instance id at the end of its providerID.
pub fn node_name(claim: &Value) -> Option<&str> {
    str_at(claim, &["status", "providerID"])?.rsplit('/').next()
}

/// Availability zones of the cluster's subnets, in subnet order: (zone, zone id).
pub fn zones(world: &World) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    if let Some(c) = world.kube_cluster() {
        for id in &c.subnet_ids {
            if let Some(s) = world.aws.subnets.get(id) {
                if !out.iter().any(|(z, _)| z == &s.az) {
                    out.push((s.az.clone(), s.az_id.clone()));
                }
            }
        }
    }
    if out.is_empty() {
        out.push((format!("{}a", world.aws.region), String::new()));
    }
    out
}

/// Labels Karpenter knows for a claim of this shape (the node adds its own on top).
pub fn labels(
    pool: &Value,
    it: &InstanceType,
    zone: &str,
    zone_id: &str,
    region: &str,
) -> BTreeMap<String, String> {
    let mut l: BTreeMap<String, String> =
        super::util::string_map(&pool["spec"]["template"]["metadata"]["labels"]);
    let e = |k: &str| format!("eks.amazonaws.com/{k}");
    let pairs = [
        (
            "node.kubernetes.io/instance-type".to_string(),
            it.name.to_string(),
        ),
        ("karpenter.sh/nodepool".into(), name(pool).to_string()),
        ("karpenter.sh/capacity-type".into(), "on-demand".into()),
        ("kubernetes.io/arch".into(), "amd64".into()),
        ("kubernetes.io/os".into(), "linux".into()),
        ("topology.kubernetes.io/zone".into(), zone.into()),
        ("topology.kubernetes.io/region".into(), region.into()),
        ("topology.k8s.aws/zone-id".into(), zone_id.into()),
        (e("compute-type"), "auto".into()),
        (e("nodeclass"), nodeclass_name(pool)),
        (e("instance-category"), "c".into()),
        (e("instance-cpu"), it.vcpu.to_string()),
        (e("instance-cpu-manufacturer"), "amd".into()),
        (e("instance-cpu-sustained-clock-speed-mhz"), "3300".into()),
        (
            e("instance-ebs-bandwidth"),
            it.ebs_bandwidth_mbps.to_string(),
        ),
        (e("instance-encryption-in-transit-supported"), "true".into()),
        (e("instance-family"), "c5a".into()),
        (e("instance-generation"), "5".into()),
        (e("instance-hypervisor"), "nitro".into()),
        (e("instance-memory"), it.memory_mib.to_string()),
        (
            e("instance-network-bandwidth"),
            it.network_bandwidth_mbps.to_string(),
        ),
        (e("instance-size"), it.size.into()),
    ];
    l.extend(pairs);
    l
}

pub fn nodeclass_name(pool: &Value) -> String {
    pool["spec"]["template"]["spec"]["nodeClassRef"]["name"]
        .as_str()
        .unwrap_or("default")
        .to_string()
}

/// capacity and allocatable in the wire shape.
pub fn resources(it: &InstanceType) -> (Value, Value) {
    let capacity = json!({
        "cpu": it.vcpu.to_string(),
        "ephemeral-storage": format!("{EPHEMERAL_CAPACITY_KI}Ki"),
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": format!("{}Ki", it.capacity_memory_ki()),
        "pods": it.max_pods.to_string(),
    });
    let allocatable = json!({
        "cpu": fmt_cpu(it.allocatable_cpu_m()),
        "ephemeral-storage": EPHEMERAL_ALLOCATABLE.to_string(),
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": format!("{}Ki", it.allocatable_memory_ki()),
        "pods": it.max_pods.to_string(),
    });
    (capacity, allocatable)
}

/// Stable hash of a pool's template, as the nodepool-hash annotation carries it.
pub fn pool_hash(pool: &Value) -> String {
    let text = serde_json::to_string(&pool["spec"]["template"]).unwrap_or_default();
    (fnv64a(text.as_bytes()) >> 1).to_string()
}

/// Creates a NodeClaim (launched now, or `created` in the past for seeded nodes).
pub fn launch(
    world: &mut World,
    pool: &Value,
    it: &InstanceType,
    zone: &(String, String),
    version: &str,
    created: Timestamp,
) -> Option<Arc<Value>> {
    let region = world.aws.region.clone();
    let labels = labels(pool, it, &zone.0, &zone.1, &region);
    let instance = format!("i-{}", world.rng.hex(17));
    // a random suffix, drawn again on the rare clash with an existing claim
    let claim_name = loop {
        let n = format!("{}-{}", name(pool), world.kube.name_suffix(5));
        if world.kube.get(Res::NodeClaims, "", &n).is_none() {
            break n;
        }
    };
    let tspec = &pool["spec"]["template"]["spec"];
    let mut requirements: Vec<Value> = tspec["requirements"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (k, v) in [
        ("karpenter.sh/nodepool", name(pool).to_string()),
        ("node.kubernetes.io/instance-type", it.name.to_string()),
        ("topology.kubernetes.io/zone", zone.0.clone()),
    ] {
        requirements.retain(|r| r["key"] != k);
        requirements.push(json!({"key": k, "operator": "In", "values": [v]}));
    }
    let (capacity, allocatable) = resources(it);
    let claim = json!({
        "metadata": {
            "name": claim_name,
            "labels": labels,
            "annotations": {
                "karpenter.sh/nodepool-hash": pool_hash(pool),
                "karpenter.sh/nodepool-hash-version": "v3",
                "eks.amazonaws.com/nodeclass-hash": "3809868827326149578",
                "eks.amazonaws.com/nodeclass-hash-version": "v1",
            },
            "finalizers": ["karpenter.sh/termination"],
            "ownerReferences": [{
                "apiVersion": "karpenter.sh/v1",
                "kind": "NodePool",
                "name": name(pool),
                "uid": uid(pool),
                "blockOwnerDeletion": true,
            }],
        },
        "spec": {
            "expireAfter": tspec["expireAfter"].as_str().unwrap_or(DEFAULT_EXPIRE_AFTER),
            "terminationGracePeriod": tspec["terminationGracePeriod"].as_str().unwrap_or(DEFAULT_TERMINATION_GRACE),
            "nodeClassRef": {"group": "eks.amazonaws.com", "kind": "NodeClass", "name": nodeclass_name(pool)},
            "requirements": requirements,
            "resources": {"requests": {"pods": "0"}},
            "taints": tspec["taints"].as_array().cloned().unwrap_or_default(),
        },
        "status": {
            "providerID": format!("aws:///{}/{instance}", zone.0),
            "imageID": image_id(version),
            "capacity": capacity,
            "allocatable": allocatable,
            "conditions": [
                {"type": "Launched", "status": "True", "reason": "Launched", "message": "", "lastTransitionTime": crate::world::rfc3339(created)},
                {"type": "Registered", "status": "Unknown", "reason": "AwaitingReconciliation", "message": "object is awaiting reconciliation", "lastTransitionTime": crate::world::rfc3339(created)},
                {"type": "Initialized", "status": "Unknown", "reason": "AwaitingReconciliation", "message": "object is awaiting reconciliation", "lastTransitionTime": crate::world::rfc3339(created)},
                {"type": "Ready", "status": "Unknown", "reason": "AwaitingReconciliation", "message": "object is awaiting reconciliation", "lastTransitionTime": crate::world::rfc3339(created)},
            ],
        },
    });
    world.kube.create(Res::NodeClaims, claim, created).ok()
}

/// NodePools by name.
pub fn pools(world: &World) -> BTreeMap<String, Arc<Value>> {
    world
        .kube
        .iter(Res::NodePools)
        .map(|p| (name(p).to_string(), p.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_round_trip_through_the_image() {
        let c = json!({"status": {"imageID": image_id("1.31")}});
        assert_eq!(claim_version(&c).as_deref(), Some("1.31"));
        assert_ne!(image_id("1.30"), image_id("1.31"));
        assert_eq!(minor_of("v1.30.5-eks-baa6d11"), "1.30");
        assert_eq!(kubelet_version("1.32"), "v1.32.0-eks-0000000");
    }
}
